//! Faults as data: what can go wrong, as values that can be logged, replayed and shared.

use crate::ids::NodeId;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// A probability in parts per million, so that faults hash and compare exactly on every platform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ratio(u32);

impl Ratio {
    /// Never.
    pub const NEVER: Ratio = Ratio(0);
    /// Always.
    pub const ALWAYS: Ratio = Ratio(1_000_000);

    /// The ratio nearest to `p`, clamped to `0.0..=1.0` (NaN counts as 0).
    pub fn from_f64(p: f64) -> Ratio {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        Ratio((p * 1e6).round() as u32)
    }
    /// Parts per million, `0..=1_000_000`.
    pub fn per_million(self) -> u32 {
        self.0
    }
    /// As a probability.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 1e6
    }
}

/// Which way a link fault applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    /// Only messages from `a` to `b`.
    OneWay,
    /// Both directions.
    Both,
}

/// One fault. Faults are data: they can be scheduled, logged, hashed into the trace and replayed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Fault {
    /// The node stops at once, with no goodbye: its timers die, messages to it are lost, and only
    /// its durable state survives.
    Crash(NodeId),
    /// A crashed node starts again from its durable state.
    Restart(NodeId),
    /// Cut every link to and from the node.
    Isolate(NodeId),
    /// Cut the link between two nodes, in one direction or both.
    Cut {
        /// One end (the sender, for [`Direction::OneWay`]).
        a: NodeId,
        /// The other end.
        b: NodeId,
        /// One way or both.
        direction: Direction,
    },
    /// Restore every cut link and clear every slow or drop setting.
    Heal,
    /// Give a link a new latency (both directions unless one way).
    Slow {
        /// One end.
        a: NodeId,
        /// The other end.
        b: NodeId,
        /// The new one-way latency.
        latency: SimTime,
        /// One way or both.
        direction: Direction,
    },
    /// Drop a share of the messages on a link.
    Drop {
        /// One end (the sender, for [`Direction::OneWay`]).
        a: NodeId,
        /// The other end.
        b: NodeId,
        /// Share of messages dropped.
        ratio: Ratio,
        /// One way or both.
        direction: Direction,
    },
}

impl Fault {
    /// The nodes this fault names (none for [`Fault::Heal`]).
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> {
        let pair = match *self {
            Fault::Crash(n) | Fault::Restart(n) | Fault::Isolate(n) => [Some(n), None],
            Fault::Cut { a, b, .. } | Fault::Slow { a, b, .. } | Fault::Drop { a, b, .. } => {
                [Some(a), Some(b)]
            }
            Fault::Heal => [None, None],
        };
        pair.into_iter().flatten()
    }

    /// A short name for logs and the UI, e.g. `Crash`.
    pub fn label(&self) -> &'static str {
        match self {
            Fault::Crash(_) => "Crash",
            Fault::Restart(_) => "Restart",
            Fault::Isolate(_) => "Isolate",
            Fault::Cut { .. } => "Cut",
            Fault::Heal => "Heal",
            Fault::Slow { .. } => "Slow",
            Fault::Drop { .. } => "Drop",
        }
    }
}
