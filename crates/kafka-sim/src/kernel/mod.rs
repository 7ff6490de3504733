//! The deterministic discrete-event kernel: event queue, network, faults, trace.
//!
//! A [`Kernel`] owns a table of sans-IO [`Node`]s, the [`EventQueue`], the [`Network`], the one
//! [`SimRng`] and the [`Trace`]. Each [`Kernel::step`] pops the earliest event (ties in insertion
//! order), advances the clock to it and processes it: a message is delivered (or lost), a timer
//! fires (unless its node crashed since it was set), or a fault is applied. Whatever the handler
//! asks for goes back into the queue. `Kernel` is `Clone`: a clone is a full snapshot.

pub mod fault;
pub mod network;
pub mod node;
pub mod queue;
pub mod trace;

pub use fault::{Direction, Fault, Ratio};
pub use network::{LinkSettings, Network};
pub use node::{Ctx, Label, Node, Outbox};
pub use queue::EventQueue;
pub use trace::{DEFAULT_TRACE_CAPACITY, LossReason, StableHasher, Trace, TraceEntry, TraceEvent};

use crate::ids::NodeId;
use crate::rng::SimRng;
use crate::time::SimTime;

/// Why a fault cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FaultError {
    /// The fault names a node the simulation does not have.
    #[error("no node {0} in this simulation")]
    UnknownNode(NodeId),
}

/// One queued event.
#[derive(Clone, Debug)]
enum Event<N: Node> {
    Deliver {
        from: NodeId,
        to: NodeId,
        sent_at: SimTime,
        /// The receiver's incarnation when the message was sent.
        incarnation: u32,
        digest: u64,
        /// Boxed: the queue then moves a pointer, not the (large) message.
        msg: Box<N::Msg>,
    },
    Timer {
        node: NodeId,
        /// The node's incarnation when the timer was set; a crash makes it stale.
        incarnation: u32,
        timer: N::Timer,
    },
    Fault(Fault),
}

/// A node with its liveness.
#[derive(Clone, Debug)]
struct Slot<N> {
    node: N,
    up: bool,
    /// Bumped at every crash, so that timers set and messages sent before it die.
    incarnation: u32,
}

/// A message travelling between nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Flight<'a, M> {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it left.
    pub sent_at: SimTime,
    /// When it arrives (unless it is lost on arrival).
    pub deliver_at: SimTime,
    /// The message.
    pub msg: &'a M,
}

/// A message the last [`Kernel::step`] brought to its receiver (delivered, or lost on arrival), for
/// the sequence diagram. Plain data: reading it costs nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it was sent.
    pub sent_at: SimTime,
    /// When it arrived.
    pub at: SimTime,
    /// The message's label.
    pub label: &'static str,
    /// True when it was lost on arrival.
    pub lost: bool,
}

/// The simulation kernel over nodes of type `N`.
#[derive(Clone, Debug)]
pub struct Kernel<N: Node> {
    slots: Vec<Slot<N>>,
    queue: EventQueue<Event<N>>,
    network: Network,
    rng: SimRng,
    trace: Trace<N::Event>,
    now: SimTime,
    processed: u64,
    /// Reused between handler calls; always empty outside one.
    out: Outbox<N>,
    /// The message the last step brought, if it was a message.
    last_arrival: Option<Arrival>,
}

impl<N: Node> Kernel<N> {
    /// An empty kernel at time zero, keeping the last `trace_capacity` trace entries.
    pub fn new(rng: SimRng, network: Network, trace_capacity: usize) -> Self {
        Kernel {
            slots: Vec::new(),
            queue: EventQueue::new(),
            network,
            rng,
            trace: Trace::new(trace_capacity),
            now: SimTime::ZERO,
            processed: 0,
            out: Outbox::default(),
            last_arrival: None,
        }
    }

    /// Adds a node, gives it the next id, and starts it now.
    pub fn add_node(&mut self, node: N) -> NodeId {
        let id = NodeId(self.slots.len() as u32);
        self.slots.push(Slot {
            node,
            up: true,
            incarnation: 0,
        });
        self.trace.record(self.now, TraceEvent::NodeStarted(id));
        let now = self.now;
        self.tell_down_peers(id);
        self.call(id, |n, ctx| n.on_start(now, ctx));
        id
    }

    /// Tells a node that is starting which peers are down (its first connection attempts to them
    /// would be refused).
    fn tell_down_peers(&mut self, id: NodeId) {
        let now = self.now;
        for i in 0..self.slots.len() {
            let peer = NodeId(i as u32);
            if peer != id && !self.slots[i].up {
                self.call(id, |n, ctx| n.on_peer_down(now, peer, ctx));
            }
        }
    }

    /// The simulated clock.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// How many events have been processed.
    pub fn events_processed(&self) -> u64 {
        self.processed
    }

    /// How many events are waiting.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// The time of the next event, if any.
    pub fn next_event_time(&self) -> Option<SimTime> {
        self.queue.peek_time()
    }

    /// The trace.
    pub fn trace(&self) -> &Trace<N::Event> {
        &self.trace
    }

    /// The stable hash of the trace so far.
    pub fn trace_hash(&self) -> u64 {
        self.trace.hash()
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The network, to change link settings directly (faults are the usual way).
    pub fn network_mut(&mut self) -> &mut Network {
        &mut self.network
    }

    /// How many nodes there are.
    pub fn node_count(&self) -> usize {
        self.slots.len()
    }

    /// A node's state, whether it is up or not.
    pub fn node(&self, id: NodeId) -> Option<&N> {
        self.slots.get(id.index()).map(|s| &s.node)
    }

    /// Node `id`'s state, mutably (for the driver to collect what a node buffered; not a handler:
    /// nothing sent or recorded).
    pub fn node_mut(&mut self, id: NodeId) -> Option<&mut N> {
        self.slots.get_mut(id.index()).map(|s| &mut s.node)
    }

    /// Every node with its id, in id order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &N)> {
        self.slots
            .iter()
            .enumerate()
            .map(|(i, s)| (NodeId(i as u32), &s.node))
    }

    /// True when the node exists and is not crashed.
    pub fn is_up(&self, id: NodeId) -> bool {
        self.slots.get(id.index()).is_some_and(|s| s.up)
    }

    /// How many times the node has crashed.
    pub fn incarnation(&self, id: NodeId) -> Option<u32> {
        self.slots.get(id.index()).map(|s| s.incarnation)
    }

    /// Runs `f` as a handler of node `id` now (e.g. a command from the UI to a client node). Does
    /// nothing and returns false if the node does not exist or is down.
    pub fn poke(&mut self, id: NodeId, f: impl FnOnce(&mut N, SimTime, &mut Ctx<'_, N>)) -> bool {
        if !self.is_up(id) {
            return false;
        }
        let now = self.now;
        self.call(id, |n, ctx| f(n, now, ctx));
        true
    }

    /// Sends `msg` from `from` to `to` now, through the network, as if `from` had sent it.
    pub fn post(&mut self, from: NodeId, to: NodeId, msg: N::Msg) {
        self.route(from, to, Box::new(msg));
    }

    /// The message the last [`Kernel::step`] brought to its receiver, if that step was a message.
    pub fn last_arrival(&self) -> Option<Arrival> {
        self.last_arrival
    }

    /// Processes the next event. Returns its time, or `None` when the queue is empty.
    pub fn step(&mut self) -> Option<SimTime> {
        self.last_arrival = None;
        let (at, _seq, event) = self.queue.pop()?;
        self.now = self.now.max(at);
        self.processed += 1;
        let now = self.now;
        match event {
            Event::Deliver {
                from,
                to,
                sent_at,
                incarnation,
                digest,
                msg,
            } => {
                let label = msg.label();
                // Invariant: only existing nodes are routed to (see `route`).
                let slot = &self.slots[to.index()];
                let lost = if !slot.up {
                    Some(LossReason::ReceiverDown)
                } else if slot.incarnation != incarnation {
                    Some(LossReason::ReceiverRestarted)
                } else if self.network.is_cut(from, to) {
                    Some(LossReason::LinkCut)
                } else {
                    None
                };
                self.last_arrival = Some(Arrival {
                    from,
                    to,
                    sent_at,
                    at: now,
                    label,
                    lost: lost.is_some(),
                });
                match lost {
                    Some(reason) => self.trace.record(
                        now,
                        TraceEvent::Lost {
                            from,
                            to,
                            label,
                            digest,
                            reason,
                        },
                    ),
                    None => {
                        self.trace.record(
                            now,
                            TraceEvent::Delivered {
                                from,
                                to,
                                label,
                                digest,
                            },
                        );
                        self.call(to, |n, ctx| n.on_message(now, from, *msg, ctx));
                    }
                }
            }
            Event::Timer {
                node,
                incarnation,
                timer,
            } => {
                // Invariant: timers are only set by existing nodes.
                let slot = &self.slots[node.index()];
                if slot.up && slot.incarnation == incarnation {
                    self.trace.record(
                        now,
                        TraceEvent::Timer {
                            node,
                            label: timer.label(),
                        },
                    );
                    self.call(node, |n, ctx| n.on_timer(now, timer, ctx));
                }
            }
            Event::Fault(fault) => {
                // An invalid fault is traced as ignored; there is no caller to tell.
                let _ = self.apply(fault);
            }
        }
        Some(at)
    }

    /// Processes every event up to and including `t`, then sets the clock to `t` (if later).
    pub fn run_until(&mut self, t: SimTime) {
        while self.queue.peek_time().is_some_and(|at| at <= t) {
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Checks that every node `fault` names exists.
    pub fn check_fault(&self, fault: &Fault) -> Result<(), FaultError> {
        match fault.nodes().find(|n| n.index() >= self.slots.len()) {
            Some(n) => Err(FaultError::UnknownNode(n)),
            None => Ok(()),
        }
    }

    /// Applies `fault` now. A fault naming an unknown node changes nothing, is traced as ignored,
    /// and returns an error.
    pub fn apply(&mut self, fault: Fault) -> Result<(), FaultError> {
        if let Err(e) = self.check_fault(&fault) {
            self.trace.record(self.now, TraceEvent::FaultIgnored(fault));
            return Err(e);
        }
        let effect = fault.clone();
        self.trace.record(self.now, TraceEvent::Fault(fault));
        match effect {
            Fault::Crash(n) => self.crash(n),
            Fault::Restart(n) => self.restart(n),
            network_fault => {
                self.network.apply(&network_fault);
            }
        }
        Ok(())
    }

    /// Queues `fault` to be applied at `at` (or now, if `at` is in the past). Faults at the same
    /// time apply in the order they were scheduled, after events already queued for that time.
    pub fn schedule(&mut self, at: SimTime, fault: Fault) {
        self.queue.push(at.max(self.now), Event::Fault(fault));
    }

    /// Every message in flight, in the order they will arrive.
    pub fn in_flight(&self) -> Vec<Flight<'_, N::Msg>> {
        let mut flights: Vec<(u64, Flight<'_, N::Msg>)> = self
            .queue
            .iter()
            .filter_map(|(at, seq, e)| match e {
                Event::Deliver {
                    from,
                    to,
                    sent_at,
                    msg,
                    ..
                } => Some((
                    seq,
                    Flight {
                        from: *from,
                        to: *to,
                        sent_at: *sent_at,
                        deliver_at: at,
                        msg: &**msg,
                    },
                )),
                _ => None,
            })
            .collect();
        crate::sort::sort_by_key(&mut flights, |(seq, f)| (f.deliver_at, *seq));
        flights.into_iter().map(|(_, f)| f).collect()
    }

    fn crash(&mut self, id: NodeId) {
        // Invariant: `apply` checked the id.
        let slot = &mut self.slots[id.index()];
        if !slot.up {
            return;
        }
        slot.up = false;
        slot.incarnation = slot.incarnation.wrapping_add(1);
        slot.node.on_crash();
        self.trace.record(self.now, TraceEvent::NodeCrashed(id));
        // Connections to the dead process are reset, for every peer the reset can reach.
        let now = self.now;
        for i in 0..self.slots.len() {
            let peer = NodeId(i as u32);
            if peer != id && self.slots[i].up && !self.network.is_cut(id, peer) {
                self.call(peer, |n, ctx| n.on_peer_down(now, id, ctx));
            }
        }
    }

    fn restart(&mut self, id: NodeId) {
        // Invariant: `apply` checked the id.
        let slot = &mut self.slots[id.index()];
        if slot.up {
            return;
        }
        slot.up = true;
        self.trace.record(self.now, TraceEvent::NodeRestarted(id));
        let now = self.now;
        self.tell_down_peers(id);
        self.call(id, |n, ctx| n.on_start(now, ctx));
        for i in 0..self.slots.len() {
            let peer = NodeId(i as u32);
            if peer != id && self.slots[i].up {
                self.call(peer, |n, ctx| n.on_peer_up(now, id, ctx));
            }
        }
    }

    /// Runs one handler of an existing node, then carries out what it asked for.
    fn call(&mut self, id: NodeId, f: impl FnOnce(&mut N, &mut Ctx<'_, N>)) {
        let slot = &mut self.slots[id.index()];
        let mut ctx = Ctx::new(id, self.now, &mut self.rng, &mut self.out);
        f(&mut slot.node, &mut ctx);
        let incarnation = slot.incarnation;
        let now = self.now;
        for event in self.out.events.drain(..) {
            self.trace.record(now, TraceEvent::Node { node: id, event });
        }
        for (after, timer) in self.out.timers.drain(..) {
            self.queue.push(
                now + after,
                Event::Timer {
                    node: id,
                    incarnation,
                    timer,
                },
            );
        }
        let mut sends = std::mem::take(&mut self.out.sends);
        for (to, msg) in sends.drain(..) {
            self.route(id, to, msg);
        }
        self.out.sends = sends;
    }

    fn route(&mut self, from: NodeId, to: NodeId, msg: Box<N::Msg>) {
        // The message's own hash (`Box` hashes what it holds).
        let digest = StableHasher::digest(&*msg);
        let label = msg.label();
        let fate = match self.slots.get(to.index()) {
            None => Err(LossReason::NoSuchNode),
            Some(_) if !self.is_up(from) => Err(LossReason::SenderDown),
            Some(_) => self.network.route(from, to, self.now, &mut self.rng),
        };
        match fate {
            Ok(at) => {
                let incarnation = self.slots[to.index()].incarnation;
                let event = Event::Deliver {
                    from,
                    to,
                    sent_at: self.now,
                    incarnation,
                    digest,
                    msg,
                };
                self.queue.push(at, event);
            }
            Err(reason) => {
                self.trace.record(
                    self.now,
                    TraceEvent::Lost {
                        from,
                        to,
                        label,
                        digest,
                        reason,
                    },
                );
            }
        }
    }
}
