//! StopReplica with `deletePartition = true`, as the controller's `TopicDeletionManager` sends it:
//! the broker stops fetching the partitions, deletes their logs and forgets them; requests for them
//! then fail with `UNKNOWN_TOPIC_OR_PARTITION` (the broker's metadata no longer has the topic),
//! which is what Kafka's clients see after a deletion.

use super::BrokerNode;
use crate::cluster::{ClusterMsg, ClusterNode};
use crate::error_code::ErrorCode;
use crate::ids::NodeId;
use crate::kernel::Ctx;
use crate::record::TopicPartition;
use crate::time::SimTime;

impl BrokerNode {
    /// ZooKeeper's `/admin/delete_topics` or partition modification watch, for the controller role.
    pub(super) fn on_topic_watch(&mut self, msg: ClusterMsg, ctx: &mut Ctx<'_, ClusterNode>) {
        match msg {
            ClusterMsg::ZkTopicDeletions { epoch, topics } => {
                if let Some(role) = self.role.as_mut().filter(|r| r.epoch() == epoch) {
                    role.on_topic_deletions(&topics, ctx);
                }
            }
            ClusterMsg::ZkPartitionsChanged { epoch, topic } => {
                if let Some(role) = self.role.as_mut().filter(|r| r.epoch() == epoch) {
                    role.on_partitions_changed(topic, ctx);
                }
            }
            _ => {}
        }
    }

    /// A StopReplica request (to this broker) or answer (to its controller role).
    pub(super) fn on_stop_replica_msg(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        match msg {
            ClusterMsg::StopReplica {
                controller_epoch,
                partitions,
                delete,
            } => self.on_stop_replica(now, from, controller_epoch, partitions, delete, ctx),
            ClusterMsg::StopReplicaResponse {
                broker_id,
                partitions,
                ..
            } => {
                if let Some(role) = self.role.as_mut() {
                    role.on_stop_replica_response(broker_id, &partitions, ctx);
                }
            }
            _ => {}
        }
    }

    /// A StopReplica request from the controller at `from`.
    fn on_stop_replica(
        &mut self,
        now: SimTime,
        from: NodeId,
        controller_epoch: u32,
        partitions: Vec<TopicPartition>,
        delete: bool,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if controller_epoch < self.lai_controller_epoch {
            return; // STALE_CONTROLLER_EPOCH
        }
        self.lai_controller_epoch = controller_epoch;
        if delete {
            for tp in &partitions {
                self.partitions.remove(tp);
                self.deleted_topics.insert(tp.topic);
            }
            // Produces waiting on these partitions are answered now (their partitions are gone).
            self.complete_delayed_produces(now, None, ctx);
        }
        let answer = ClusterMsg::StopReplicaResponse {
            controller_epoch,
            broker_id: self.broker_id,
            partitions,
        };
        ctx.send(from, answer);
    }

    /// The error for a request about `tp`, which this broker does not host:
    /// `UNKNOWN_TOPIC_OR_PARTITION` if its topic was deleted, else `NOT_LEADER_OR_FOLLOWER`.
    pub(super) fn missing_partition_error(&self, tp: TopicPartition) -> ErrorCode {
        if self.deleted_topics.contains(&tp.topic) {
            ErrorCode::UnknownTopicOrPartition
        } else {
            ErrorCode::NotLeaderOrFollower
        }
    }
}
