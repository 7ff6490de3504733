//! The consumer client node: wraps the sans-IO [`Consumer`] state machine as a kernel node.
//!
//! - Requests go out as [`ClusterMsg::ClientRequest`] (and [`ClusterMsg::MetadataRequest`] for the
//!   partition leaders); answers come back as [`ClusterMsg::ClientResponse`] and
//!   [`ClusterMsg::MetadataResponse`].
//! - One armed wakeup timer ([`ConsumerTimer::Wakeup`]) at the state machine's next deadline
//!   (heartbeat, session, poll timer, end of processing, retries, request timeouts); a generation
//!   counter makes earlier timers stale.
//! - Log lines become [`ClusterEvent::Consumer`] events; the delivery facts accumulate on the node
//!   until the simulation drains them ([`ConsumerNode::drain_facts`]).
//! - Faults: a kernel crash ([`crate::kernel::Fault::Crash`]) loses everything in memory and sends no
//!   LeaveGroup; a kernel restart starts a fresh client. [`ConsumerNode::close`],
//!   [`ConsumerNode::pause`], [`ConsumerNode::set_processing`] and [`ConsumerNode::restart`] are
//!   called through `Kernel::poke`.

use super::{ClusterEvent, ClusterMsg, ClusterNode, ClusterTimer, broker_node};
use crate::group::consumer::{
    Assign, Consumer, ConsumerFacts, ConsumerSetup, ConsumerView, Lifecycle, Outgoing, Processing,
};
use crate::group::delivery::MemberRef;
use crate::ids::{BrokerId, NodeId};
use crate::kernel::{Ctx, Label};
use crate::time::SimTime;
use serde::Serialize;

/// The consumer node's timers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ConsumerTimer {
    /// Run whatever is due (stale generations are ignored).
    Wakeup {
        /// The generation it was armed with.
        generation: u64,
    },
}

impl Label for ConsumerTimer {
    fn label(&self) -> &'static str {
        match self {
            ConsumerTimer::Wakeup { .. } => "ConsumerWakeup",
        }
    }
}

/// A consumer client node.
#[derive(Clone, Debug)]
pub struct ConsumerNode {
    consumer: Consumer,
    generation: u64,
    armed: Option<SimTime>,
    last_now: SimTime,
    facts: ConsumerFacts,
}

impl ConsumerNode {
    /// A consumer built from `setup`, running `assign` when it leads its group.
    pub fn new(setup: ConsumerSetup, assign: Assign) -> ConsumerNode {
        ConsumerNode {
            consumer: Consumer::new(setup, assign),
            generation: 0,
            armed: None,
            last_now: SimTime::ZERO,
            facts: ConsumerFacts::default(),
        }
    }

    /// The client state machine.
    pub fn consumer(&self) -> &Consumer {
        &self.consumer
    }

    /// Which member it is.
    pub fn member(&self) -> MemberRef {
        self.consumer.setup().member
    }

    /// A snapshot for the UI.
    pub fn view(&self) -> ConsumerView {
        self.consumer.view()
    }

    /// Takes the delivery facts recorded since the last drain.
    pub fn drain_facts(&mut self) -> ConsumerFacts {
        std::mem::take(&mut self.facts)
    }

    /// `close()`: finish the batch, commit (auto-commit mode), LeaveGroup, stop.
    pub fn close(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        self.consumer.close(now, ctx.rng());
        self.flush(now, ctx);
    }

    /// Stalls the poll loop for `d`; heartbeats go on (a slow downstream, not a GC pause: a real
    /// stop-the-world pause would stall the heartbeat thread too).
    pub fn pause(&mut self, now: SimTime, d: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        self.consumer.pause(now, d, ctx.rng());
        self.flush(now, ctx);
    }

    /// Changes the processing time of the next batches.
    pub fn set_processing(&mut self, processing: Processing) {
        self.consumer.set_processing(processing);
    }

    /// Starts a closed consumer again (a fresh client with the same setup; crashed nodes restart
    /// through the kernel's `Fault::Restart`).
    pub fn restart(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.consumer.lifecycle() == Lifecycle::Closed {
            self.consumer.start(now, ctx.rng());
            self.flush(now, ctx);
        }
    }

    /// Records a crash at `now` (the kernel's `on_crash` has no clock: a simulation that knows the
    /// crash time calls this just before applying `Fault::Crash`; otherwise the last time the node
    /// ran is used).
    pub fn crash(&mut self, now: SimTime) {
        self.consumer.crash(now);
        // The incident and the records processed before the crash (a batch cut short).
        let f = self.consumer.take_facts();
        self.facts.processed.extend(f.processed);
        self.facts.incidents.extend(f.incidents);
        self.armed = None;
    }

    pub(super) fn on_start(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        self.armed = None;
        self.consumer.start(now, ctx.rng());
        self.flush(now, ctx);
    }

    pub(super) fn on_crash(&mut self) {
        let at = self.last_now;
        self.crash(at);
    }

    pub(super) fn on_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let broker = BrokerId(i32::try_from(from.0).unwrap_or(i32::MAX));
        match msg {
            ClusterMsg::ClientResponse {
                correlation_id,
                response,
            } => self
                .consumer
                .on_response(now, broker, correlation_id, response, ctx.rng()),
            ClusterMsg::MetadataResponse { partitions } => {
                self.consumer.on_metadata(now, &partitions, ctx.rng());
            }
            _ => return,
        }
        self.flush(now, ctx);
    }

    pub(super) fn on_timer(&mut self, now: SimTime, timer: ConsumerTimer, ctx: &mut Ctx<'_, ClusterNode>) {
        let ConsumerTimer::Wakeup { generation } = timer;
        if generation != self.generation {
            return;
        }
        self.armed = None;
        self.consumer.tick(now, ctx.rng());
        self.flush(now, ctx);
    }

    /// Sends what the client asked for, records its logs and facts, re-arms the wakeup.
    fn flush(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        self.last_now = now;
        for o in self.consumer.take_outgoing() {
            match o {
                Outgoing::Request {
                    to,
                    correlation_id,
                    request,
                } => ctx.send(
                    broker_node(to),
                    ClusterMsg::ClientRequest {
                        correlation_id,
                        request,
                    },
                ),
                Outgoing::Metadata { to } => ctx.send(broker_node(to), ClusterMsg::MetadataRequest),
            }
        }
        let member = self.member();
        for line in self.consumer.take_logs() {
            ctx.record(ClusterEvent::Consumer {
                member,
                level: line.level,
                message: line.message,
            });
        }
        let f = self.consumer.take_facts();
        self.facts.processed.extend(f.processed);
        self.facts.commits.extend(f.commits);
        self.facts.incidents.extend(f.incidents);
        let Some(mut at) = self.consumer.next_wakeup() else {
            return;
        };
        if at <= now {
            at = now + SimTime::from_micros(1);
        }
        if self.armed.is_some_and(|a| a > now && a <= at) {
            return;
        }
        self.generation += 1;
        self.armed = Some(at);
        ctx.set_timer(
            at - now,
            ClusterTimer::Consumer(ConsumerTimer::Wakeup {
                generation: self.generation,
            }),
        );
    }
}
