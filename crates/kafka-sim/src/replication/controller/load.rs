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

    /// Partitions added to `topic` (`AddPartitionsToTopic`, the `/brokers/topics/<name>` partition
    /// modification watch): `assignment[i]` are the replicas of partition `first + i`. Existing
    /// partitions are left alone; the new ones go `NewPartition` -> `OnlinePartition` as at creation
    /// (ISR = the live assigned replicas, leader = the first of them).
    pub fn on_partitions_added(
        &mut self,
        topic: TopicIdx,
        first: i32,
        assignment: &[Vec<BrokerId>],
    ) -> super::ControllerOutcome {
        let mut out = super::ControllerOutcome::default();
        if !self.topics.contains_key(&topic) {
            return out;
        }
        for (i, replicas) in assignment.iter().enumerate() {
            let tp = TopicPartition {
                topic,
                partition: first.saturating_add(i32::try_from(i).unwrap_or(i32::MAX)),
            };
            self.partitions.entry(tp).or_insert_with(|| PartitionEntry {
                replicas: replicas.clone(),
                registration: None,
            });
        }
        self.trigger_online_partition_state_change(Some(topic), &mut out);
        self.finish(&mut out);
        out
    }

    /// Forgets `topic` and its partitions (`TopicDeletionManager.completeDeleteTopic`); returns each
    /// partition with its replicas, for the StopReplica requests.
    pub fn remove_topic(&mut self, topic: TopicIdx) -> Vec<(TopicPartition, Vec<BrokerId>)> {
        self.topics.remove(&topic);
        let tps: Vec<TopicPartition> = (self.partitions.keys())
            .filter(|tp| tp.topic == topic)
            .copied()
            .collect();
        tps.into_iter()
            .filter_map(|tp| self.partitions.remove(&tp).map(|e| (tp, e.replicas)))
            .collect()
    }
}
