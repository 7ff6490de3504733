//! The network between nodes: per-link latency, seeded jitter, drop ratios and partitions.
//!
//! Every directed link `(from, to)` has a latency, a jitter and a drop ratio (the spec's defaults
//! until a fault changes them) and may be cut. A message's arrival time is
//! `now + latency + uniform(0..=jitter)`, but never earlier than the previous message's arrival on
//! the same directed link: links are FIFO, as Kafka's TCP connections are.

use crate::ids::NodeId;
use crate::kernel::fault::{Direction, Fault, Ratio};
use crate::kernel::trace::LossReason;
use crate::rng::SimRng;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The settings of one directed link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LinkSettings {
    /// One-way latency.
    pub latency: SimTime,
    /// The most extra delay a message may get, drawn uniformly from the seed.
    pub jitter: SimTime,
    /// Share of messages dropped.
    pub drop: Ratio,
    /// True while the link is cut by a [`Fault::Cut`] (isolation is tracked separately).
    pub cut: bool,
}

/// One directed link: its settings and the arrival time of its latest message (for FIFO).
#[derive(Clone, Debug)]
struct Link {
    settings: LinkSettings,
    last_arrival: SimTime,
}

/// The simulated network.
#[derive(Clone, Debug)]
pub struct Network {
    defaults: LinkSettings,
    /// Links touched so far, by `[from][to]` (dense: looked up for every message); `None` is a
    /// link still at the defaults.
    links: Vec<Vec<Option<Link>>>,
    isolated: BTreeSet<NodeId>,
}

impl Network {
    /// A network whose links all have `latency` and `jitter`, no drops and no cuts.
    pub fn new(latency: SimTime, jitter: SimTime) -> Self {
        Network {
            defaults: LinkSettings {
                latency,
                jitter,
                drop: Ratio::NEVER,
                cut: false,
            },
            links: Vec::new(),
            isolated: BTreeSet::new(),
        }
    }

    /// The settings every link starts with and returns to on [`Fault::Heal`].
    pub fn defaults(&self) -> LinkSettings {
        self.defaults
    }

    /// The current settings of the directed link `from -> to`.
    pub fn link(&self, from: NodeId, to: NodeId) -> LinkSettings {
        self.get(from, to).map_or(self.defaults, |l| l.settings)
    }

    fn get(&self, from: NodeId, to: NodeId) -> Option<&Link> {
        self.links.get(from.index())?.get(to.index())?.as_ref()
    }

    fn link_mut(&mut self, from: NodeId, to: NodeId) -> &mut Link {
        let defaults = self.defaults;
        let (f, t) = (from.index(), to.index());
        if self.links.len() <= f {
            self.links.resize_with(f + 1, Vec::new);
        }
        let row = &mut self.links[f];
        if row.len() <= t {
            row.resize_with(t + 1, || None);
        }
        row[t].get_or_insert(Link {
            settings: defaults,
            last_arrival: SimTime::ZERO,
        })
    }

    /// True when a message from `from` to `to` cannot pass: the link is cut or either end is
    /// isolated. A node can always reach itself.
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        if from == to {
            return false;
        }
        (!self.isolated.is_empty() && (self.isolated.contains(&from) || self.isolated.contains(&to)))
            || self.get(from, to).is_some_and(|l| l.settings.cut)
    }

    /// True when the node is isolated from every other node.
    pub fn is_isolated(&self, node: NodeId) -> bool {
        self.isolated.contains(&node)
    }

    /// True when the node can neither reach nor be reached by any of the other nodes `0..nodes`,
    /// whether by [`Fault::Isolate`] or by cutting each of its links.
    pub fn is_cut_off(&self, node: NodeId, nodes: usize) -> bool {
        if self.is_isolated(node) {
            return true;
        }
        let mut others = (0..nodes as u32).map(NodeId).filter(|&o| o != node).peekable();
        others.peek().is_some() && others.all(|o| self.is_cut(node, o) && self.is_cut(o, node))
    }

    /// The nodes currently isolated, in id order.
    pub fn isolated(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.isolated.iter().copied()
    }

    /// Decides the fate of a message sent now: `Ok(arrival time)`, or `Err` if it is lost at once
    /// (cut link or drop). Draws from `rng` only for a drop ratio strictly between 0 and 1 and for a
    /// non-zero jitter.
    pub fn route(
        &mut self,
        from: NodeId,
        to: NodeId,
        now: SimTime,
        rng: &mut SimRng,
    ) -> Result<SimTime, LossReason> {
        if self.is_cut(from, to) {
            return Err(LossReason::LinkCut);
        }
        let link = self.link_mut(from, to);
        if rng.chance(link.settings.drop) {
            return Err(LossReason::Dropped);
        }
        let jitter = SimTime(rng.range_inclusive(0, link.settings.jitter.as_micros()));
        let arrival = (now + link.settings.latency + jitter).max(link.last_arrival);
        link.last_arrival = arrival;
        Ok(arrival)
    }

    fn each_direction(&mut self, a: NodeId, b: NodeId, direction: Direction, f: impl Fn(&mut LinkSettings)) {
        f(&mut self.link_mut(a, b).settings);
        if direction == Direction::Both {
            f(&mut self.link_mut(b, a).settings);
        }
    }

    /// Cuts every link to and from `node`.
    pub fn isolate(&mut self, node: NodeId) {
        self.isolated.insert(node);
    }

    /// Cuts `a -> b`, and `b -> a` too for [`Direction::Both`].
    pub fn cut(&mut self, a: NodeId, b: NodeId, direction: Direction) {
        self.each_direction(a, b, direction, |s| s.cut = true);
    }

    /// Sets the latency of `a -> b` (and `b -> a` for [`Direction::Both`]).
    pub fn set_latency(&mut self, a: NodeId, b: NodeId, latency: SimTime, direction: Direction) {
        self.each_direction(a, b, direction, |s| s.latency = latency);
    }

    /// Sets the jitter of `a -> b` (and `b -> a` for [`Direction::Both`]).
    pub fn set_jitter(&mut self, a: NodeId, b: NodeId, jitter: SimTime, direction: Direction) {
        self.each_direction(a, b, direction, |s| s.jitter = jitter);
    }

    /// Sets the drop ratio of `a -> b` (and `b -> a` for [`Direction::Both`]).
    pub fn set_drop(&mut self, a: NodeId, b: NodeId, ratio: Ratio, direction: Direction) {
        self.each_direction(a, b, direction, |s| s.drop = ratio);
    }

    /// Restores every cut link and isolated node, and every link's latency, jitter and drop ratio
    /// to the defaults. FIFO order is kept across the heal.
    pub fn heal(&mut self) {
        self.isolated.clear();
        for link in self.links.iter_mut().flatten().flatten() {
            link.settings = self.defaults;
        }
    }

    /// Applies a network fault; returns false (and does nothing) for node faults (crash, restart).
    pub fn apply(&mut self, fault: &Fault) -> bool {
        match *fault {
            Fault::Isolate(n) => self.isolate(n),
            Fault::Cut { a, b, direction } => self.cut(a, b, direction),
            Fault::Heal => self.heal(),
            Fault::Slow {
                a,
                b,
                latency,
                direction,
            } => self.set_latency(a, b, latency, direction),
            Fault::Drop {
                a,
                b,
                ratio,
                direction,
            } => self.set_drop(a, b, ratio, direction),
            Fault::Crash(_) | Fault::Restart(_) => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_way_cut_only_cuts_one_way() {
        let mut net = Network::new(SimTime::from_millis(1), SimTime::ZERO);
        net.cut(NodeId(1), NodeId(2), Direction::OneWay);
        assert!(net.is_cut(NodeId(1), NodeId(2)));
        assert!(!net.is_cut(NodeId(2), NodeId(1)));
        net.heal();
        assert!(!net.is_cut(NodeId(1), NodeId(2)));
    }

    #[test]
    fn isolation_cuts_both_ways_but_not_self() {
        let mut net = Network::new(SimTime::from_millis(1), SimTime::ZERO);
        net.isolate(NodeId(3));
        assert!(net.is_cut(NodeId(3), NodeId(0)) && net.is_cut(NodeId(0), NodeId(3)));
        assert!(!net.is_cut(NodeId(3), NodeId(3)));
        assert!(!net.is_cut(NodeId(0), NodeId(1)));
        assert!(net.is_isolated(NodeId(3)));
        assert!(net.is_cut_off(NodeId(3), 4));
    }

    #[test]
    fn cutting_every_link_cuts_a_node_off() {
        let mut net = Network::new(SimTime::from_millis(1), SimTime::ZERO);
        net.cut(NodeId(0), NodeId(1), Direction::Both);
        assert!(!net.is_cut_off(NodeId(0), 3));
        net.cut(NodeId(2), NodeId(0), Direction::OneWay);
        assert!(!net.is_cut_off(NodeId(0), 3));
        net.cut(NodeId(0), NodeId(2), Direction::OneWay);
        assert!(net.is_cut_off(NodeId(0), 3));
        assert!(!net.is_cut_off(NodeId(1), 3));
        assert!(!net.is_cut_off(NodeId(0), 1));
    }

    #[test]
    fn slow_link_then_heal_restores_latency() {
        let mut net = Network::new(SimTime::from_millis(1), SimTime::ZERO);
        let mut rng = SimRng::new(0);
        net.set_latency(NodeId(0), NodeId(1), SimTime::from_millis(50), Direction::Both);
        assert_eq!(
            net.route(NodeId(1), NodeId(0), SimTime::ZERO, &mut rng),
            Ok(SimTime::from_millis(50))
        );
        net.heal();
        let t = SimTime::from_secs(1);
        assert_eq!(
            net.route(NodeId(1), NodeId(0), t, &mut rng),
            Ok(t + SimTime::from_millis(1))
        );
    }
}
