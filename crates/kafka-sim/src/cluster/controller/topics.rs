//! Topic deletion and partition addition on the active controller (ZooKeeper mode).
//!
//! - Deletion (`TopicDeletionManager`): the `/admin/delete_topics` watch names the topics marked for
//!   deletion. The controller forgets their partitions (no more elections or LeaderAndIsr for
//!   them) and sends every replica a StopReplica with `deletePartition = true`. Once every replica
//!   answered, it removes the topic's znodes and the deletion is complete. A replica on a dead
//!   broker keeps the deletion pending (Kafka marks the topic ineligible) until the broker is back,
//!   when it gets its StopReplica.
//! - Partition addition (`onNewPartitionCreation`, on the topic's partition modification watch):
//!   the new partitions go `NewPartition` -> `OnlinePartition` as at topic creation, their first
//!   live replica leading, and their replicas get LeaderAndIsr.

use super::ControllerRole;
use crate::cluster::wire::{TopicMeta, broker_node};
use crate::cluster::{ClusterEvent, ClusterMsg, ClusterNode};
use crate::ids::BrokerId;
use crate::kernel::Ctx;
use crate::record::{TopicIdx, TopicPartition};
use crate::sim::ZOOKEEPER;
use std::collections::{BTreeMap, BTreeSet};

impl ControllerRole {
    /// The `/admin/delete_topics` watch: starts deleting every marked topic not yet being deleted.
    pub(in crate::cluster) fn on_topic_deletions(
        &mut self,
        topics: &[TopicIdx],
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        for &idx in topics {
            if self.deleting.contains_key(&idx) {
                continue;
            }
            let Some(meta) = self.topics.iter().find(|t| t.idx == idx) else {
                continue;
            };
            if meta.assignment.is_none() {
                continue;
            }
            let removed = self.state.remove_topic(idx);
            let mut per_broker: BTreeMap<BrokerId, Vec<TopicPartition>> = BTreeMap::new();
            for (tp, replicas) in removed {
                for b in replicas {
                    per_broker.entry(b).or_default().push(tp);
                }
            }
            self.deleting.insert(idx, per_broker.keys().copied().collect());
            let live = self.live();
            for (b, tps) in per_broker {
                if live.contains(&b) {
                    self.send_stop_replica(b, tps, ctx);
                }
            }
            self.maybe_complete_deletion(idx, ctx);
        }
    }

    /// A StopReplica answer: the broker deleted these partitions.
    pub(in crate::cluster) fn on_stop_replica_response(
        &mut self,
        broker: BrokerId,
        partitions: &[TopicPartition],
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let mut topics: Vec<TopicIdx> = partitions.iter().map(|tp| tp.topic).collect();
        crate::sort::sort(&mut topics);
        topics.dedup();
        for idx in topics {
            if let Some(pending) = self.deleting.get_mut(&idx) {
                pending.remove(&broker);
            }
            self.maybe_complete_deletion(idx, ctx);
        }
    }

    /// Resends StopReplica to the live replicas of topics still being deleted (a broker that was
    /// down when the deletion started, `resumeDeletions`).
    pub(super) fn resume_deletions(&mut self, ctx: &mut Ctx<'_, ClusterNode>) {
        let live = self.live();
        let pending: Vec<(TopicIdx, Vec<BrokerId>)> = (self.deleting.iter())
            .map(|(idx, bs)| (*idx, bs.iter().copied().filter(|b| live.contains(b)).collect()))
            .collect();
        for (idx, brokers) in pending {
            let Some(meta) = self.topics.iter().find(|t| t.idx == idx) else {
                continue;
            };
            let assignment = meta.assignment.clone().unwrap_or_default();
            for b in brokers {
                let tps: Vec<TopicPartition> = (assignment.iter().enumerate())
                    .filter(|(_, r)| r.contains(&b))
                    .map(|(p, _)| TopicPartition {
                        topic: idx,
                        partition: i32::try_from(p).unwrap_or(i32::MAX),
                    })
                    .collect();
                self.send_stop_replica(b, tps, ctx);
            }
        }
    }

    fn send_stop_replica(
        &self,
        b: BrokerId,
        partitions: Vec<TopicPartition>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let msg = ClusterMsg::StopReplica {
            controller_epoch: self.epoch,
            partitions,
            delete: true,
        };
        ctx.send(broker_node(b), msg);
    }

    /// Every replica answered: remove the topic's znodes (`completeDeleteTopic`).
    fn maybe_complete_deletion(&mut self, idx: TopicIdx, ctx: &mut Ctx<'_, ClusterNode>) {
        if !self.deleting.get(&idx).is_some_and(BTreeSet::is_empty) {
            return;
        }
        self.deleting.remove(&idx);
        let Some(pos) = self.topics.iter().position(|t| t.idx == idx) else {
            return;
        };
        let meta = self.topics.remove(pos);
        ctx.send(
            ZOOKEEPER,
            ClusterMsg::ZkTopicDeleted {
                epoch: self.epoch,
                topic: idx,
            },
        );
        ctx.record(ClusterEvent::TopicDeleted {
            name: meta.name,
            topic: idx,
        });
    }

    /// The topic's partition modification watch: creates the partitions ZooKeeper now lists beyond
    /// those the controller knows.
    pub(in crate::cluster) fn on_partitions_changed(
        &mut self,
        topic: TopicMeta,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if self.deleting.contains_key(&topic.idx) {
            return;
        }
        let Some(known) = self.topics.iter_mut().find(|t| t.idx == topic.idx) else {
            return;
        };
        let (Some(old), Some(new)) = (known.assignment.as_ref(), topic.assignment.as_ref()) else {
            return;
        };
        if new.len() <= old.len() {
            return;
        }
        let first = old.len();
        let added: Vec<Vec<BrokerId>> = new[first..].to_vec();
        let idx = topic.idx;
        *known = topic;
        let first = i32::try_from(first).unwrap_or(i32::MAX);
        let name = known.name.clone();
        ctx.record(ClusterEvent::PartitionsAdded {
            name,
            first,
            assignment: added.clone(),
        });
        let out = self.state.on_partitions_added(idx, first, &added);
        self.apply(out, ctx);
    }
}
