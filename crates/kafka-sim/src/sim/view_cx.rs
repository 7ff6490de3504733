//! Naming things for the event log ([`Cx`]: partitions, nodes, members as sentences name them) and
//! the narration of commands that leave no trace entry (member faults, [`Simulation::log_event`]).

use super::Simulation;
use crate::cluster::{ClusterNode, ConsumerNode};
use crate::group::delivery::MemberRef;
use crate::ids::NodeId;
use crate::kernel::Kernel;
use crate::record::TopicPartition;
use crate::sim::{SimSpec, ZOOKEEPER};
use crate::view::{Actor, Narration};

/// What narration needs to name things: the nodes and the spec.
pub(super) struct Cx<'a> {
    pub(super) kernel: &'a Kernel<ClusterNode>,
    pub(super) spec: &'a SimSpec,
}

impl Cx<'_> {
    pub(super) fn consumers(&self) -> impl Iterator<Item = &ConsumerNode> {
        self.kernel.nodes().filter_map(|(_, n)| n.as_consumer())
    }

    /// The name of `tp`'s topic.
    pub(super) fn topic(&self, tp: TopicPartition) -> String {
        let name = match self.spec.topics.get(tp.topic.0 as usize) {
            Some(t) => Some(t.name.clone()),
            None => (self.kernel.node(ZOOKEEPER).and_then(ClusterNode::as_zookeeper))
                .and_then(|zk| zk.topics().iter().find(|t| t.idx == tp.topic))
                .map(|t| t.name.clone()),
        };
        name.unwrap_or_else(|| format!("topic{}", tp.topic.0))
    }

    /// `reserve-0`.
    pub(super) fn partition(&self, tp: TopicPartition) -> String {
        format!("{}-{}", self.topic(tp), tp.partition)
    }

    /// Whether `tp` is of Kafka's own topic (`__consumer_offsets`); topics created at run time (by
    /// `kafka-topics --create`) are not internal.
    pub(super) fn internal(&self, tp: TopicPartition) -> bool {
        tp.topic.0 as usize >= self.spec.topics.len() && self.topic(tp) == super::admin_api::OFFSETS_TOPIC
    }

    pub(super) fn producer(&self, index: u16) -> String {
        (self.spec.producers.get(usize::from(index)))
            .map_or_else(|| format!("producer-{index}"), |p| p.name.clone())
    }

    /// A node as a sentence names it.
    pub(super) fn actor(&self, id: NodeId) -> Actor {
        match self.kernel.node(id) {
            Some(ClusterNode::Broker(b)) => Actor::Broker(b.broker_id()),
            Some(ClusterNode::Producer(p)) => Actor::Producer(p.setup().name.clone()),
            Some(ClusterNode::Consumer(c)) => Actor::Member(c.consumer().client_id().to_string()),
            _ => Actor::ZooKeeper,
        }
    }

    pub(super) fn member(&self, m: MemberRef) -> Option<&ConsumerNode> {
        self.consumers().find(|c| c.member() == m)
    }

    pub(super) fn member_name(&self, m: MemberRef) -> String {
        self.member(m).map_or_else(
            || format!("member {}-{}", m.group, m.member),
            |c| c.consumer().client_id().to_string(),
        )
    }

    pub(super) fn member_config(
        &self,
        m: MemberRef,
        f: impl Fn(&crate::config::ConsumerConfig) -> u64,
    ) -> u64 {
        self.member(m).map_or(0, |c| f(&c.consumer().setup().config))
    }

    /// The consumer a coordinator's member id belongs to: its `client.id` (or `group.instance.id`)
    /// followed by `-` starts the id (Kafka's `<prefix>-<uuid>`); the longest prefix wins.
    pub(super) fn consumer_by_member_id(&self, member_id: &str) -> Option<&ConsumerNode> {
        (self.consumers())
            .filter_map(|c| {
                let cfg = &c.consumer().setup().config;
                let prefix = cfg
                    .group_instance_id
                    .as_deref()
                    .unwrap_or(c.consumer().client_id());
                let rest = member_id.strip_prefix(prefix)?.strip_prefix('-')?;
                (rest.len() == 36).then_some((prefix.len(), c))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, c)| c)
    }

    pub(super) fn member_name_by_id(&self, member_id: &str) -> String {
        self.consumer_by_member_id(member_id)
            .map_or_else(|| member_id.to_string(), |c| c.consumer().client_id().to_string())
    }

    /// The member a coordinator's reason text names, by its member id.
    pub(super) fn member_named_in(&self, reason: &str) -> Option<String> {
        let word = (reason.split_whitespace())
            .map(|w| w.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':' | '(' | ')')))
            .find(|w| self.consumer_by_member_id(w).is_some())?;
        Some(self.member_name_by_id(word))
    }
}

impl Simulation {
    /// Adds an event to the log (for commands that change the run, e.g. a producer restarted with a
    /// new configuration). Returns its sequence number.
    pub fn log_event(&mut self, narration: Narration) -> u64 {
        let now = self.kernel.now();
        self.views.push(now, narration)
    }

    /// Narrates a member fault that leaves no fault in the trace (close, pause, add).
    pub(super) fn narrate_member_fault(&mut self, fault: &crate::scenario::MemberFault) {
        use crate::scenario::{MemberFault as F, PauseKind};
        let name = |sim: &Simulation, m: MemberRef| {
            let cx = Cx {
                kernel: &sim.kernel,
                spec: &sim.spec,
            };
            cx.member_name(m)
        };
        let n = match fault {
            F::Close(addr) => Narration::MemberClosed {
                member: name(self, addr.member_ref()),
            },
            F::Pause {
                member,
                duration,
                kind,
            } => Narration::MemberPaused {
                member: name(self, member.member_ref()),
                ms: duration.as_millis(),
                gc: *kind == PauseKind::Gc,
            },
            F::Crash(addr) => Narration::Crashed {
                node: Actor::Member(name(self, addr.member_ref())),
            },
            F::Restart(addr) => Narration::Restarted {
                node: Actor::Member(name(self, addr.member_ref())),
            },
            _ => return,
        };
        let now = self.kernel.now();
        self.views.hint(now);
        self.views.push(now, n);
    }

    /// Narrates a member that was just added by a fault.
    pub(super) fn narrate_member_added(&mut self, m: MemberRef) {
        let cx = Cx {
            kernel: &self.kernel,
            spec: &self.spec,
        };
        let n = Narration::MemberAdded {
            member: cx.member_name(m),
        };
        let now = self.kernel.now();
        self.views.push(now, n);
    }
}
