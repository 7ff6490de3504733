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

mod reconfigure;

/// The consumer node's timers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ConsumerTimer {
    /// Run whatever is due (stale generations are ignored).
    Wakeup {
        /// The generation it was armed with.
        generation: u64,
    },
    /// The end of a process freeze ([`ConsumerNode::freeze`]).
    Thaw,
}

impl Label for ConsumerTimer {
    fn label(&self) -> &'static str {
        match self {
            ConsumerTimer::Wakeup { .. } => "ConsumerWakeup",
            ConsumerTimer::Thaw => "ConsumerThaw",
        }
    }
}

/// What reached a frozen process, replayed in order when it thaws.
#[derive(Clone, Debug)]
enum Held {
    /// A message (it waited in the socket buffer).
    Msg(NodeId, ClusterMsg),
    /// A connection reset by a dead broker.
    Down(NodeId),
    /// A broker that started again.
    Up(NodeId),
    /// `close()` was asked for while the application thread was frozen.
    Close,
}

/// A consumer client node.
#[derive(Clone, Debug)]
pub struct ConsumerNode {
    consumer: Consumer,
    generation: u64,
    armed: Option<SimTime>,
    last_now: SimTime,
    facts: ConsumerFacts,
    /// The end of a process freeze (a GC pause, SIGSTOP), while frozen.
    frozen_until: Option<SimTime>,
    held: Vec<Held>,
    /// A restart with a new setup, waiting for `close()` to finish.
    pending_setup: Option<Box<ConsumerSetup>>,
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
            frozen_until: None,
            held: Vec::new(),
            pending_setup: None,
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
        let mut v = self.consumer.view();
        v.frozen_until = self.frozen_until;
        v
    }

    /// The end of the current process freeze, if frozen.
    pub fn frozen_until(&self) -> Option<SimTime> {
        self.frozen_until
    }

    /// Takes the delivery facts recorded since the last drain.
    pub fn drain_facts(&mut self) -> ConsumerFacts {
        std::mem::take(&mut self.facts)
    }

    /// `close()`: finish the batch, commit (auto-commit mode), LeaveGroup, stop. A frozen process
    /// closes when it thaws.
    pub fn close(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.frozen_until.is_some() {
            self.held.push(Held::Close);
            return;
        }
        self.consumer.close(now, ctx.rng());
        self.flush(now, ctx);
    }

    /// Stalls the poll loop for `d` (a slow downstream call); the heartbeat thread goes on, so only
    /// `max.poll.interval.ms` can expire.
    pub fn pause(&mut self, now: SimTime, d: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.frozen_until.is_some() {
            return;
        }
        self.consumer.pause(now, d, ctx.rng());
        self.flush(now, ctx);
    }

    /// Freezes the whole process for `d` (a stop-the-world GC pause, SIGSTOP): no heartbeats, no
    /// polls, no processing. What arrives meanwhile waits in the socket buffers and is handled, in
    /// order, when it thaws; then both threads find their deadlines passed, as a real client does.
    pub fn freeze(&mut self, now: SimTime, d: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        if !matches!(self.consumer.lifecycle(), Lifecycle::Running | Lifecycle::Closing) {
            return;
        }
        let end = now + d;
        if self.frozen_until.is_some_and(|f| f >= end) {
            return;
        }
        self.frozen_until = Some(end);
        // The wakeup dies with the freeze; the thaw re-arms it.
        self.generation += 1;
        self.armed = None;
        ctx.set_timer(d, ClusterTimer::Consumer(ConsumerTimer::Thaw));
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
        self.frozen_until = None;
        self.held.clear();
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

    pub(super) fn on_peer_down(&mut self, now: SimTime, peer: NodeId, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.frozen_until.is_some() {
            self.held.push(Held::Down(peer));
            return;
        }
        self.consumer.on_broker_down(now, broker_of(peer), ctx.rng());
        self.flush(now, ctx);
    }

    pub(super) fn on_peer_up(&mut self, now: SimTime, peer: NodeId, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.frozen_until.is_some() {
            self.held.push(Held::Up(peer));
            return;
        }
        self.consumer.on_broker_up(broker_of(peer));
        self.flush(now, ctx);
    }

    /// Asks the consumer for a metadata update now (partitions were added to a topic; see
    /// `shell::DIFFERENCES` on the timing).
    pub fn request_metadata_update(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        self.consumer.request_metadata_update(now);
        self.flush(now, ctx);
    }

    pub(super) fn on_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if self.frozen_until.is_some() {
            self.held.push(Held::Msg(from, msg));
            return;
        }
        let broker = broker_of(from);
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
        let generation = match timer {
            ConsumerTimer::Wakeup { generation } => generation,
            ConsumerTimer::Thaw => return self.thaw(now, ctx),
        };
        if generation != self.generation || self.frozen_until.is_some() {
            return;
        }
        self.armed = None;
        self.consumer.tick(now, ctx.rng());
        self.flush(now, ctx);
    }

    /// The freeze ends: what arrived meanwhile is handled in order, then both threads run.
    fn thaw(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.frozen_until.is_none_or(|f| f > now) {
            return;
        }
        self.frozen_until = None;
        for h in std::mem::take(&mut self.held) {
            match h {
                Held::Msg(from, msg) => self.on_message(now, from, msg, ctx),
                Held::Down(peer) => self.on_peer_down(now, peer, ctx),
                Held::Up(peer) => self.on_peer_up(now, peer, ctx),
                Held::Close => self.close(now, ctx),
            }
        }
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
        if self.pending_setup.is_some() && self.consumer.lifecycle() == Lifecycle::Closed {
            return self.start_pending(now, ctx);
        }
        if self.frozen_until.is_some() {
            return;
        }
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

/// The broker a node is (brokers are nodes `1..=n`; other nodes map to ids no client talks to).
fn broker_of(node: NodeId) -> BrokerId {
    BrokerId(i32::try_from(node.0).unwrap_or(i32::MAX))
}
