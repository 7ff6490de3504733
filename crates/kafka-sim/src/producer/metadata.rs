//! The producer's view of the cluster: the leader of each partition, topic names for log lines, and
//! Kafka's `requestUpdate` flag. The producer node feeds metadata responses in with [`Metadata::set_leader`]
//! and [`Metadata::set_topic_name`]; it sends a metadata request when [`Metadata::update_requested`].

use crate::producer::vec_map::VecMap;

use crate::ids::BrokerId;
use crate::record::{LeaderEpoch, TopicPartition};

/// What the producer knows about one partition's leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartitionLeader {
    /// The leader's `broker.id`, or `None` while there is no leader (`LEADER_NOT_AVAILABLE`).
    pub leader: Option<BrokerId>,
    /// The leader epoch the metadata carried.
    pub epoch: LeaderEpoch,
}

/// The producer's metadata cache (`ProducerMetadata`, reduced to what the sender uses).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    leaders: VecMap<TopicPartition, PartitionLeader>,
    /// `leaders` by leader, in partition order: rebuilt when a leader is set, read at every drain.
    by_leader: VecMap<BrokerId, Vec<TopicPartition>>,
    topic_names: Vec<String>,
    version: u64,
    update_requested: bool,
}

impl Metadata {
    /// An empty cache (no leader known; nothing is sendable).
    pub fn new() -> Metadata {
        Metadata::default()
    }

    /// Records `tp`'s leader (from a metadata response) and bumps the version.
    pub fn set_leader(&mut self, tp: TopicPartition, leader: Option<BrokerId>, epoch: LeaderEpoch) {
        let old = self.leaders.insert(tp, PartitionLeader { leader, epoch });
        if old.map(|o| o.leader) != Some(leader) {
            self.by_leader = VecMap::new();
            for (tp, l) in self.leaders.iter() {
                if let Some(b) = l.leader {
                    self.by_leader.get_or_default(b).push(*tp);
                }
            }
        }
        self.version += 1;
    }

    /// Names topic `idx` (the simulation's topic table) for log lines and error messages.
    pub fn set_topic_name(&mut self, idx: u32, name: &str) {
        let i = idx as usize;
        if self.topic_names.len() <= i {
            self.topic_names.resize(i + 1, String::new());
        }
        if let Some(slot) = self.topic_names.get_mut(i) {
            *slot = name.to_string();
        }
    }

    /// Marks a completed metadata refresh: clears the update flag and bumps the version.
    pub fn update_completed(&mut self) {
        self.update_requested = false;
        self.version += 1;
    }

    /// `Metadata.requestUpdate`: asks the node to refresh metadata.
    pub fn request_update(&mut self) {
        self.update_requested = true;
    }

    /// Whether a refresh was requested and has not completed.
    pub fn update_requested(&self) -> bool {
        self.update_requested
    }

    /// The cache's version (bumped by every change).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The leader of `tp`, if known.
    pub fn leader_for(&self, tp: TopicPartition) -> Option<BrokerId> {
        self.leaders.get(&tp).and_then(|l| l.leader)
    }

    /// Everything known about `tp`'s leader.
    pub fn partition(&self, tp: TopicPartition) -> Option<PartitionLeader> {
        self.leaders.get(&tp).copied()
    }

    /// `Cluster.partitionsForNode`: the partitions `broker` leads, in partition order.
    pub fn partitions_for(&self, broker: BrokerId) -> Vec<TopicPartition> {
        self.led_by(broker).to_vec()
    }

    /// The partitions `broker` leads, in partition order, without copying them.
    pub fn led_by(&self, broker: BrokerId) -> &[TopicPartition] {
        self.by_leader.get(&broker).map_or(&[], Vec::as_slice)
    }

    /// `tp` as Kafka prints a `TopicPartition`: `name-partition` (e.g. `t-0`); an unnamed topic prints
    /// as `topic<idx>`.
    pub fn display(&self, tp: TopicPartition) -> String {
        match self.topic_names.get(tp.topic.0 as usize) {
            Some(name) if !name.is_empty() => format!("{name}-{}", tp.partition),
            _ => format!("topic{}-{}", tp.topic.0, tp.partition),
        }
    }
}
