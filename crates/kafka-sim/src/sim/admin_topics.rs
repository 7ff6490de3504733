//! DeleteTopics and CreatePartitions as a ZooKeeper-mode broker handles them (`ZkAdminManager`,
//! `AdminZkClient`), for `kafka-topics --delete` and `--alter --partitions`.
//!
//! - Deletion writes `/admin/delete_topics/<name>` ([`ClusterMsg::ZkDeleteTopic`]); the controller's
//!   `TopicDeletionManager` sends StopReplica (delete) to the replicas and, once all answered,
//!   removes the topic's znodes. Run the simulation until [`Simulation::topic_exists`] is false.
//! - Partition addition computes the new partitions' replicas as `AdminZkClient.createPartitions`
//!   does (`assignReplicasToBrokers` with the start index of partition 0's first replica, starting
//!   at the current count) and rewrites `/brokers/topics/<name>` ([`ClusterMsg::ZkAddPartitions`]);
//!   the controller's partition modification watch creates them. Run until
//!   [`Simulation::topic_ready`] with the new count.

use super::Simulation;
use super::admin_api::{AdminError, OFFSETS_TOPIC};
use crate::cluster::{ClusterMsg, ClusterNode};
use crate::ids::BrokerId;
use crate::replica_assignment::{
    AssignmentError, assign_replicas_fixed, zk_replication_factor_too_large_message,
};
use crate::sim::ZOOKEEPER;

impl Simulation {
    /// Whether topic `name` exists in ZooKeeper (requested, created, or being deleted).
    pub fn topic_exists(&self, name: &str) -> bool {
        self.zookeeper().topics().iter().any(|t| t.name == name)
    }

    /// Whether topic `name` is marked for deletion (`/admin/delete_topics/<name>` exists).
    pub fn topic_marked_for_deletion(&self, name: &str) -> bool {
        let zk = self.zookeeper();
        (zk.topics().iter())
            .find(|t| t.name == name)
            .is_some_and(|t| zk.marked_for_deletion(t.idx))
    }

    /// Sends DeleteTopics for `name` through broker `via` (the controller in ZooKeeper mode).
    /// Internal topics are refused.
    pub fn delete_topic(&mut self, via: BrokerId, name: &str) -> Result<(), AdminError> {
        if name == OFFSETS_TOPIC {
            return Err(AdminError {
                exception: "InvalidTopicException",
                message: format!(
                    "Topic {name} is a kafka internal topic and is not allowed to be marked for deletion."
                ),
            });
        }
        if self.topic_partition_count(name).is_none() {
            return Err(AdminError {
                exception: "UnknownTopicOrPartitionException",
                message: "This server does not host this topic-partition.".to_string(),
            });
        }
        let from = self.broker_node(via).unwrap_or(ZOOKEEPER);
        let msg = ClusterMsg::ZkDeleteTopic {
            name: name.to_string(),
        };
        self.kernel.post(from, ZOOKEEPER, msg);
        Ok(())
    }

    /// Sends CreatePartitions (`total` partitions in all) for `name` through broker `via`, checked
    /// as `AdminZkClient.createPartitions` checks it.
    pub fn create_partitions(&mut self, via: BrokerId, name: &str, total: i32) -> Result<(), AdminError> {
        let zk = self.zookeeper();
        let Some(meta) = zk
            .topics()
            .iter()
            .find(|t| t.name == name && t.assignment.is_some())
        else {
            return Err(AdminError {
                exception: "UnknownTopicOrPartitionException",
                message: format!("The topic '{name}' does not exist."),
            });
        };
        if zk.marked_for_deletion(meta.idx) {
            return Err(AdminError {
                exception: "InvalidTopicException",
                message: format!("The topic '{name}' is queued for deletion."),
            });
        }
        let existing = meta.assignment.clone().unwrap_or_default();
        let current = i32::try_from(existing.len()).unwrap_or(i32::MAX);
        if total <= current {
            return Err(AdminError {
                exception: "InvalidPartitionsException",
                message: format!(
                    "The number of partitions for a topic can only be increased. Topic {name} currently has {current} partitions, {total} would not be an increase."
                ),
            });
        }
        if u32::try_from(total).is_ok_and(|p| p > crate::scenario::MAX_PARTITIONS) {
            return Err(AdminError {
                exception: "InvalidPartitionsException",
                message: format!(
                    "The simulator supports at most {} partitions per topic, got {total}.",
                    crate::scenario::MAX_PARTITIONS
                ),
            });
        }
        let brokers = self.live_broker_ids();
        let first = existing.first().cloned().unwrap_or_default();
        let rf = i32::try_from(first.len()).unwrap_or(1).max(1);
        let head = first.first().copied().unwrap_or(BrokerId(0));
        let start = brokers.iter().position(|b| *b >= head).unwrap_or(0);
        let added = match assign_replicas_fixed(&brokers, total - current, rf, start, current) {
            Ok(a) => a,
            Err(AssignmentError::ReplicationFactorTooLarge { .. }) => {
                return Err(AdminError {
                    exception: "InvalidReplicationFactorException",
                    message: zk_replication_factor_too_large_message(rf, brokers.len()),
                });
            }
            Err(e) => {
                return Err(AdminError {
                    exception: "InvalidPartitionsException",
                    message: e.to_string(),
                });
            }
        };
        let msg = ClusterMsg::ZkAddPartitions {
            topic: meta.idx,
            added,
        };
        let from = self.broker_node(via).unwrap_or(ZOOKEEPER);
        self.kernel.post(from, ZOOKEEPER, msg);
        Ok(())
    }

    /// Every producer writing to `name` and every consumer subscribed to it asks for a metadata
    /// update (they learn the topic's new partitions; see `shell::DIFFERENCES` on the timing).
    pub fn refresh_client_metadata(&mut self, name: &str) {
        let Some(idx) = self.topic_idx_of(name) else {
            return;
        };
        let consumers: Vec<crate::ids::NodeId> = (self.kernel.nodes())
            .filter(|(_, n)| {
                n.as_consumer()
                    .is_some_and(|c| c.consumer().setup().topics.iter().any(|t| t.idx == idx))
            })
            .map(|(id, _)| id)
            .collect();
        for id in consumers {
            self.kernel.poke(id, |n, now, ctx| {
                if let ClusterNode::Consumer(c) = n {
                    c.request_metadata_update(now, ctx);
                }
            });
        }
        for id in self.producer_nodes().to_vec() {
            self.kernel.poke(id, |n, now, ctx| {
                if let ClusterNode::Producer(p) = n
                    && p.topic() == idx
                {
                    p.request_metadata_update(now, ctx);
                }
            });
        }
    }
}
