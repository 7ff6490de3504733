//! The replication side of [`Simulation`]: invariant checking after each step, a clean shutdown, a
//! direct append (until producer clients exist) and the partitions' view.

use super::Simulation;
use crate::cluster::{BrokerNode, ClusterEvent, ClusterNode, ReplicaRole, broker_node};
use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::invariants::InvariantViolation;
use crate::kernel::{Fault, TraceEvent};
use crate::record::{RecordId, TopicIdx, TopicPartition};
use crate::replication::log::{LogAppendInfo, PartitionLog};
use std::sync::Arc;

impl Simulation {
    /// Every invariant violation seen so far (empty in a correct run).
    pub fn invariant_violations(&self) -> &[InvariantViolation] {
        self.checker.violations()
    }

    /// Broker `broker`'s state, whether it is up or not.
    pub fn broker(&self, broker: BrokerId) -> Option<&BrokerNode> {
        let node = self.broker_node(broker)?;
        self.kernel.node(node).and_then(ClusterNode::as_broker)
    }

    /// The partition `partition` of the topic named `topic`.
    pub fn topic_partition(&self, topic: &str, partition: i32) -> Option<TopicPartition> {
        let idx = match self.spec.topics.iter().position(|t| t.name == topic) {
            Some(i) => TopicIdx(i as u32),
            // Topics created while running (`__consumer_offsets`) are known to ZooKeeper.
            None => self.zookeeper().topics().iter().find(|t| t.name == topic)?.idx,
        };
        Some(TopicPartition {
            topic: idx,
            partition,
        })
    }

    /// The name of topic `idx`, as the spec or ZooKeeper knows it.
    pub fn topic_name(&self, idx: TopicIdx) -> Option<&str> {
        match self.spec.topics.get(idx.0 as usize) {
            Some(t) => Some(&t.name),
            None => (self.zookeeper().topics().iter())
                .find(|t| t.idx == idx)
                .map(|t| t.name.as_str()),
        }
    }

    /// A clean shutdown of `broker`, as `kafka-server-stop` does it: the broker checkpoints its high
    /// watermarks, sends ControlledShutdown to the controller (which moves its leaderships away at
    /// once) and closes its ZooKeeper session (so the controller also sees it gone at once), then the
    /// process stops. Messages already sent still arrive. Bring it back with `Fault::Restart`. Returns
    /// false if the broker does not exist or is down.
    pub fn shutdown_broker(&mut self, broker: BrokerId) -> bool {
        let Some(node) = self.broker_node(broker) else {
            return false;
        };
        let done = self.kernel.poke(node, |n, _now, ctx| {
            if let ClusterNode::Broker(b) = n {
                b.begin_shutdown(ctx);
            }
        });
        if done {
            let _ = self.kernel.apply(Fault::Crash(node));
        }
        done
    }

    /// Appends `records` to the leader of `topic`-`partition` as a Produce with `acks` would (the
    /// leader's checks, then the append, then the HW rule), without a producer client: a testing and
    /// teaching hook until the producer node exists. With acks=-1 nothing waits for the HW here; the
    /// caller watches it. Errors: `UNKNOWN_TOPIC_OR_PARTITION`, `LEADER_NOT_AVAILABLE` (no leader up),
    /// `NOT_ENOUGH_REPLICAS`, ...
    pub fn produce_direct(
        &mut self,
        topic: &str,
        partition: i32,
        records: Arc<[RecordId]>,
        acks: i16,
    ) -> Result<LogAppendInfo, ErrorCode> {
        let tp = self
            .topic_partition(topic, partition)
            .ok_or(ErrorCode::UnknownTopicOrPartition)?;
        let leader = self.leader_of(tp).ok_or(ErrorCode::LeaderNotAvailable)?;
        let node = broker_node(leader);
        let mut result = Err(ErrorCode::LeaderNotAvailable);
        let before = self.kernel.trace().recorded();
        self.kernel.poke(node, |n, now, ctx| {
            if let ClusterNode::Broker(b) = n {
                result = b.append_as_leader(now, tp, records, acks, ctx);
            }
        });
        let new = self.kernel.trace().recorded().saturating_sub(before);
        self.check_invariants(usize::try_from(new).unwrap_or(usize::MAX));
        result
    }

    /// The broker that currently acts as leader of `tp` with the highest leader epoch, if one is up.
    pub fn leader_of(&self, tp: TopicPartition) -> Option<BrokerId> {
        self.kernel
            .nodes()
            .filter(|(id, _)| self.kernel.is_up(*id))
            .filter_map(|(_, n)| n.as_broker())
            .filter_map(|b| match &b.partition(tp)?.role {
                ReplicaRole::Leader(l) => Some((l.leader_epoch, b.broker_id())),
                _ => None,
            })
            .max()
            .map(|(_, b)| b)
    }

    /// Checks the invariants against the last `new` trace entries (what one step or poke recorded).
    /// The trace is a bounded ring: if the step recorded more than it holds, the events that fell
    /// out are not guessed at; every acting leader's state is observed instead.
    pub(super) fn check_invariants(&mut self, new: usize) {
        if new > self.kernel.trace().len() {
            self.check_invariants_from_state();
            return;
        }
        let mut seen: Vec<(BrokerId, TopicPartition, i32, i64, bool)> = Vec::new();
        // Newest first (a ring's tail is cheap to reach that way), then replayed oldest first.
        for e in self.kernel.trace().entries().rev().take(new) {
            let TraceEvent::Node { event, .. } = &e.event else {
                continue;
            };
            match event {
                ClusterEvent::BecameLeader {
                    broker,
                    tp,
                    leader_epoch,
                } => seen.push((*broker, *tp, *leader_epoch, -1, false)),
                ClusterEvent::HighWatermark {
                    broker,
                    tp,
                    leader_epoch,
                    high_watermark,
                } => seen.push((*broker, *tp, *leader_epoch, *high_watermark, true)),
                _ => {}
            }
        }
        let now = self.kernel.now();
        for (broker, tp, epoch, hw, is_hw) in seen.into_iter().rev() {
            if !is_hw {
                self.checker.observe_leader(now, tp, broker, epoch);
                continue;
            }
            self.checker.observe_high_watermark(now, tp, broker, epoch, hw);
            self.check_isr_logs(broker, tp, epoch, hw);
        }
    }

    /// The fallback when the ring lost some of a step's entries: every running broker acting as a
    /// leader is observed as leader of its epoch at its current high watermark.
    fn check_invariants_from_state(&mut self) {
        let now = self.kernel.now();
        let leaders: Vec<(BrokerId, TopicPartition, i32, i64)> = (self.kernel.nodes())
            .filter(|(id, _)| self.kernel.is_up(*id))
            .filter_map(|(_, n)| n.as_broker())
            .flat_map(|b| {
                (b.partitions().iter()).filter_map(|(tp, h)| match &h.role {
                    ReplicaRole::Leader(l) => {
                        Some((b.broker_id(), *tp, l.leader_epoch, h.log.high_watermark()))
                    }
                    _ => None,
                })
            })
            .collect();
        for (broker, tp, epoch, hw) in leaders {
            self.checker.observe_leader(now, tp, broker, epoch);
            self.checker.observe_high_watermark(now, tp, broker, epoch, hw);
            self.check_isr_logs(broker, tp, epoch, hw);
        }
    }

    /// `isr-identical-below-hw` for leader `broker` of `tp` in `epoch` at high watermark `hw`: its
    /// log against those of its ISR members, except members already in a newer leader epoch. Such a
    /// member follows a newer leader and has truncated to that leader's log where it diverged
    /// (KIP-101/279), as Kafka 3.7 has it; this leader is deposed and its high watermark (advanced
    /// on what the member fetched before) commits nothing any more.
    fn check_isr_logs(&mut self, broker: BrokerId, tp: TopicPartition, epoch: i32, hw: i64) {
        let now = self.kernel.now();
        let Some(isr) = self.broker(broker).and_then(|b| match &b.partition(tp)?.role {
            ReplicaRole::Leader(l) if l.leader_epoch == epoch => Some(l.isr.clone()),
            _ => None,
        }) else {
            return;
        };
        let mut members = vec![broker];
        members.extend(isr.into_iter().filter(|b| *b != broker));
        let mut checker = std::mem::take(&mut self.checker);
        let logs: Vec<(BrokerId, &PartitionLog)> = members
            .iter()
            .filter_map(|b| self.broker(*b)?.partition(tp).map(|h| (*b, h)))
            .filter(|(_, h)| h.role.leader_epoch() <= epoch)
            .map(|(b, h)| (b, &h.log))
            .collect();
        checker.check_isr_logs(now, tp, &logs, hw);
        self.checker = checker;
    }
}
