//! Nodes as sans-IO state machines.
//!
//! A node never touches the network, the clock or the queue. The kernel hands it `now` and one input
//! (its start, a message or a timer) with a [`Ctx`]; the node changes its state and asks, through the
//! `Ctx`, for messages to be sent, timers to be set and events to be traced. The kernel does the rest.

use crate::ids::NodeId;
use crate::rng::SimRng;
use crate::time::SimTime;
use std::fmt::Debug;
use std::hash::Hash;

/// A short, static name for a message or timer, for the trace and the UI (e.g. `ZkPing`).
pub trait Label {
    /// The name.
    fn label(&self) -> &'static str;
}

/// A sans-IO state machine the kernel can run.
///
/// State splits in two: *durable* state survives a crash (what a real process keeps on disk) and
/// *volatile* state does not; [`Node::on_crash`] drops the volatile part. A crashed node's timers
/// die with it and messages to it are lost.
pub trait Node: Clone + Debug {
    /// The messages nodes exchange (a closed enum).
    type Msg: Clone + Debug + Hash + Label;
    /// The timers a node sets for itself (a closed enum).
    type Timer: Clone + Debug + Hash + Label;
    /// What a node may report into the trace (a closed enum).
    type Event: Clone + Debug + Hash;

    /// The node starts: at creation, and again at each restart after a crash.
    fn on_start(&mut self, now: SimTime, ctx: &mut Ctx<'_, Self>);
    /// A message from `from` arrived.
    fn on_message(&mut self, now: SimTime, from: NodeId, msg: Self::Msg, ctx: &mut Ctx<'_, Self>);
    /// One of this node's timers fired.
    fn on_timer(&mut self, now: SimTime, timer: Self::Timer, ctx: &mut Ctx<'_, Self>);
    /// The node crashed with no goodbye: drop volatile state, keep durable state.
    fn on_crash(&mut self);
    /// `peer`'s process died while this node could reach it: its operating system resets the
    /// connections, so this node learns at once (a cut link or an isolated host tells nothing; the
    /// node then only sees timeouts). A node that starts is also told, before `on_start`, of every
    /// peer that is down, since connecting to one is refused. The default ignores it.
    fn on_peer_down(&mut self, now: SimTime, peer: NodeId, ctx: &mut Ctx<'_, Self>) {
        let _ = (now, peer, ctx);
    }
    /// `peer`'s process started again: connecting to it can succeed from now on. The default ignores it.
    fn on_peer_up(&mut self, now: SimTime, peer: NodeId, ctx: &mut Ctx<'_, Self>) {
        let _ = (now, peer, ctx);
    }
}

/// What a node asked for during one handler call. The kernel keeps one and reuses its buffers.
#[derive(Clone, Debug)]
pub struct Outbox<N: Node> {
    /// Messages are boxed once here, so that the queue moves a pointer instead of the message.
    pub(crate) sends: Vec<(NodeId, Box<N::Msg>)>,
    pub(crate) timers: Vec<(SimTime, N::Timer)>,
    pub(crate) events: Vec<N::Event>,
}

impl<N: Node> Default for Outbox<N> {
    fn default() -> Self {
        Outbox {
            sends: Vec::new(),
            timers: Vec::new(),
            events: Vec::new(),
        }
    }
}

/// A node's window on the kernel during one handler call.
#[derive(Debug)]
pub struct Ctx<'a, N: Node> {
    me: NodeId,
    now: SimTime,
    rng: &'a mut SimRng,
    out: &'a mut Outbox<N>,
}

impl<'a, N: Node> Ctx<'a, N> {
    pub(crate) fn new(me: NodeId, now: SimTime, rng: &'a mut SimRng, out: &'a mut Outbox<N>) -> Self {
        Ctx { me, now, rng, out }
    }

    /// The node being called.
    pub fn me(&self) -> NodeId {
        self.me
    }

    /// The simulated clock.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Sends `msg` to `to` over the network (it may be delayed, dropped or cut off).
    pub fn send(&mut self, to: NodeId, msg: N::Msg) {
        self.out.sends.push((to, Box::new(msg)));
    }

    /// Fires `timer` at this node `after` from now, unless the node crashes first.
    pub fn set_timer(&mut self, after: SimTime, timer: N::Timer) {
        self.out.timers.push((after, timer));
    }

    /// Records `event` in the trace.
    pub fn record(&mut self, event: N::Event) {
        self.out.events.push(event);
    }

    /// The simulation's random number generator.
    pub fn rng(&mut self) -> &mut SimRng {
        self.rng
    }
}
