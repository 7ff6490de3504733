//! Rebuilding a [`ControllerState`] from what ZooKeeper holds, as a newly elected controller does
//! (`KafkaController.initializeControllerContext`: the live brokers from `/brokers/ids`, the topics and
//! their assignments from `/brokers/topics`, the partition states from `.../partitions/<p>/state`).

use super::{ControllerState, PartitionEntry, PartitionRegistration};
use crate::ids::BrokerId;
use crate::record::{TopicIdx, TopicPartition};

impl ControllerState {
    /// Loads one topic: its name, `unclean.leader.election.enable`, its assignment (`assignment[p]` are
    /// partition `p`'s replicas) and, per partition, the registration ZooKeeper holds (`None`: never
    /// elected). Replaces whatever was known about the topic.
    pub fn load_topic(
        &mut self,
        topic: TopicIdx,
        name: &str,
        unclean_enabled: bool,
        assignment: &[Vec<BrokerId>],
        registration: impl Fn(TopicPartition) -> Option<PartitionRegistration>,
    ) {
        self.topics.insert(topic, (name.to_string(), unclean_enabled));
        for (p, replicas) in assignment.iter().enumerate() {
            let tp = TopicPartition {
                topic,
                partition: i32::try_from(p).unwrap_or(i32::MAX),
            };
            let entry = PartitionEntry {
                replicas: replicas.clone(),
                registration: registration(tp),
            };
            self.partitions.insert(tp, entry);
        }
    }

    /// Sets the live brokers (the children of `/brokers/ids`) without running any election; the
    /// failover ([`ControllerState::on_controller_failover`]) does that next.
    pub fn set_live_brokers(&mut self, live: impl IntoIterator<Item = BrokerId>) {
        self.live = live.into_iter().collect();
        self.shutting_down.clear();
    }

    /// Whether `topic` is known.
    pub fn has_topic(&self, topic: TopicIdx) -> bool {
        self.topics.contains_key(&topic)
    }
}
