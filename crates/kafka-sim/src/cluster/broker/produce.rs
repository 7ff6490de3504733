//! The leader's produce path, as `ReplicaManager.appendRecords` and `DelayedProduce` do it in Kafka 3.7,
//! plus the two small client requests the producer needs: InitProducerId and Metadata.
//!
//! Per partition: not the leader → `NOT_LEADER_OR_FOLLOWER`; acks outside -1..=1 →
//! `INVALID_REQUIRED_ACKS`; acks=-1 with an ISR below `min.insync.replicas` → `NOT_ENOUGH_REPLICAS`
//! (before the append, Kafka's message); idempotent batches go through the partition's
//! [`ProducerStateManager`] (a duplicate is not appended and answers `NONE` with the original
//! offsets, a gap is `OUT_OF_ORDER_SEQUENCE_NUMBER`); then the append. acks=1 answers at once; acks=0
//! never answers; acks=-1 (a duplicate included: its original copy may be uncommitted) parks a
//! delayed produce completed when the HW reaches the last offset + 1 (`NONE`, or
//! `NOT_ENOUGH_REPLICAS_AFTER_APPEND` when the maximal ISR fell below min ISR), or at the request's
//! `timeout_ms` with `REQUEST_TIMED_OUT`.
//!
//! Producer states are volatile and rebuilt from the log whenever the broker's leader epoch for the
//! partition changed since they were built. Producer ids are `broker_id << 32 | counter`, the
//! counter durable (in ZooKeeper mode the id block comes from ZooKeeper, so ids are never reused).

use super::BrokerNode;
use super::replica_manager::{ReplicaRole, record_hw};
use crate::cluster::{ClusterMsg, ClusterNode, ClusterTimer};
use crate::error_code::ErrorCode;
use crate::ids::{BrokerId, NodeId};
use crate::kernel::Ctx;
use crate::producer::sender::PartitionResult;
use crate::record::{NO_PRODUCER_ID, RecordBatch, TopicPartition};
use crate::replication::producer_state::{AppendOrigin, ProducerCheck, ProducerStateManager};
use crate::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};

/// One partition of a delayed produce.
#[derive(Clone, Debug)]
struct DelayedPart {
    tp: TopicPartition,
    /// The HW the request waits for (last offset + 1).
    required_offset: i64,
    base_offset: i64,
    /// Set once the partition is decided.
    result: Option<(ErrorCode, Option<String>)>,
}

/// A parked acks=-1 produce.
#[derive(Clone, Debug)]
struct DelayedProduce {
    deadline: SimTime,
    client: NodeId,
    correlation_id: i32,
    parts: Vec<DelayedPart>,
}

/// The produce path's state on one broker.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProduceState {
    delayed: BTreeMap<u64, DelayedProduce>,
    /// The delayed produces' (client, correlation id), for the connections' bookkeeping.
    delayed_requests: BTreeSet<(NodeId, i32)>,
    next_delayed: u64,
    /// The armed purgatory sweep: its generation and time (one timer for every delayed produce).
    sweep: Option<(u64, SimTime)>,
    sweep_generation: u64,
    /// Per partition: the leader epoch the state was built at, and the state.
    producers: BTreeMap<TopicPartition, (i32, ProducerStateManager)>,
    /// Durable: producer ids handed out.
    pid_counter: i64,
}

impl ProduceState {
    /// A crash loses the delayed produces and the producer states (the counter is durable).
    pub(crate) fn on_crash(&mut self) {
        self.delayed.clear();
        self.delayed_requests.clear();
        self.producers.clear();
        self.sweep = None;
    }

    /// Whether `client`'s produce `correlation_id` waits in the purgatory.
    pub(crate) fn holds(&self, client: NodeId, correlation_id: i32) -> bool {
        self.delayed_requests.contains(&(client, correlation_id))
    }
}

fn result(
    tp: TopicPartition,
    error: ErrorCode,
    base_offset: i64,
    message: Option<String>,
) -> PartitionResult {
    PartitionResult {
        tp,
        error,
        base_offset,
        error_message: message,
    }
}

impl BrokerNode {
    /// A ProduceRequest from `client`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_produce(
        &mut self,
        now: SimTime,
        client: NodeId,
        correlation_id: i32,
        acks: i16,
        timeout_ms: u32,
        partitions: Vec<(TopicPartition, RecordBatch)>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let mut results = Vec::with_capacity(partitions.len());
        let mut waiting = Vec::new();
        for (tp, batch) in partitions {
            match self.append_one(now, tp, batch, acks, ctx) {
                Ok((base, required)) => {
                    if acks == -1 {
                        waiting.push(DelayedPart {
                            tp,
                            required_offset: required,
                            base_offset: base,
                            result: None,
                        });
                    } else {
                        results.push(result(tp, ErrorCode::None, base, None));
                    }
                }
                Err((code, msg)) => results.push(result(tp, code, -1, Some(msg))),
            }
        }
        if acks == 0 {
            return;
        }
        if waiting.is_empty() {
            ctx.send(
                client,
                ClusterMsg::ProduceResponse {
                    correlation_id,
                    results,
                },
            );
            return;
        }
        let seq = self.produce.next_delayed;
        self.produce.next_delayed += 1;
        let mut parts = waiting;
        parts.extend(results.into_iter().map(|r| DelayedPart {
            tp: r.tp,
            required_offset: -1,
            base_offset: r.base_offset,
            result: Some((r.error, r.error_message)),
        }));
        let deadline = now + SimTime::from_millis(u64::from(timeout_ms));
        self.produce.delayed_requests.insert((client, correlation_id));
        self.produce.delayed.insert(
            seq,
            DelayedProduce {
                deadline,
                client,
                correlation_id,
                parts,
            },
        );
        self.arm_sweep(now, ctx);
        // A single-replica ISR may have committed at once.
        self.complete_delayed_produces(now, None, ctx);
    }

    /// Checks and appends one partition's batch. Ok: (base offset, required HW). A duplicate batch
    /// (idempotence) is not appended but answered with its original offsets, and, as in Kafka
    /// (`UnifiedLog.append` sets the duplicate's offsets in the `LogAppendInfo`, and
    /// `ReplicaManager` parks every successful acks=all append in `DelayedProduce`), it still waits
    /// for the HW to pass its original last offset: the first copy may never have been committed
    /// (e.g. appended by a leader that has since been deposed, whose HW can no longer advance).
    fn append_one(
        &mut self,
        now: SimTime,
        tp: TopicPartition,
        mut batch: RecordBatch,
        acks: i16,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) -> Result<(i64, i64), (ErrorCode, String)> {
        let me = self.broker_id;
        let not_leader = || {
            (
                ErrorCode::NotLeaderOrFollower,
                ErrorCode::NotLeaderOrFollower.message().to_string(),
            )
        };
        if !self.partitions.contains_key(&tp) && self.deleted_topics.contains(&tp.topic) {
            let code = ErrorCode::UnknownTopicOrPartition;
            return Err((code, code.message().to_string()));
        }
        let h = self.partitions.get_mut(&tp).ok_or_else(not_leader)?;
        let ReplicaRole::Leader(l) = &h.role else {
            return Err(not_leader());
        };
        l.check_append(acks, &h.name)?;
        if batch.producer_id != NO_PRODUCER_ID {
            let entry = self
                .produce
                .producers
                .entry(tp)
                .or_insert_with(|| (i32::MIN, ProducerStateManager::new()));
            if entry.0 != l.leader_epoch {
                entry.1.clear();
                entry.1.rebuild_from(h.log.batches());
                entry.0 = l.leader_epoch;
            }
            batch.base_offset = h.log.log_end_offset();
            match entry.1.check_and_append(&batch, AppendOrigin::Client) {
                Ok(ProducerCheck::Append) => {}
                Ok(ProducerCheck::Duplicate {
                    first_offset,
                    last_offset,
                    ..
                }) => return Ok((first_offset, last_offset + 1)),
                Err(e) => return Err((e.code(), e.message(&h.name))),
            }
        }
        let (info, hw) = l.append_records(&mut h.log, batch, acks, &h.name, now)?;
        if let Some(hw) = hw {
            record_hw(ctx, me, tp, l.leader_epoch, hw);
        }
        self.wake_parked(now, tp, ctx);
        Ok((info.first_offset, info.last_offset + 1))
    }

    /// `tryCompleteDelayedRequests` for `tp` (or every partition): answers each delayed produce whose
    /// partitions are all decided.
    pub(super) fn complete_delayed_produces(
        &mut self,
        now: SimTime,
        tp: Option<TopicPartition>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        // Offset commits and consumer fetches wait on the same high watermarks.
        self.complete_group_waits(now, tp, ctx);
        if self.produce.delayed.is_empty() {
            return;
        }
        let mut done = Vec::new();
        for (seq, d) in self.produce.delayed.iter_mut() {
            for part in d.parts.iter_mut().filter(|p| p.result.is_none()) {
                if tp.is_some_and(|t| t != part.tp) {
                    continue;
                }
                let decided = match self.partitions.get(&part.tp) {
                    Some(h) => match &h.role {
                        ReplicaRole::Leader(l) => l.check_produce_completion(&h.log, part.required_offset),
                        _ => Some(ErrorCode::NotLeaderOrFollower),
                    },
                    None if self.deleted_topics.contains(&part.tp.topic) => {
                        Some(ErrorCode::UnknownTopicOrPartition)
                    }
                    None => Some(ErrorCode::NotLeaderOrFollower),
                };
                if let Some(code) = decided {
                    let msg = (code != ErrorCode::None).then(|| code.message().to_string());
                    part.result = Some((code, msg));
                }
            }
            if d.parts.iter().all(|p| p.result.is_some()) {
                done.push(*seq);
            }
        }
        for seq in done {
            if let Some(d) = self.produce.delayed.remove(&seq) {
                self.produce
                    .delayed_requests
                    .remove(&(d.client, d.correlation_id));
                respond(d, ctx);
            }
        }
    }

    /// Arms the purgatory sweep for the earliest deadline, unless one is armed at or before it. (One
    /// timer for all delayed produces keeps the event queue small; each still expires at its own
    /// `timeout_ms`.)
    fn arm_sweep(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        let Some(first) = self.produce.delayed.values().map(|d| d.deadline).min() else {
            return;
        };
        if self.produce.sweep.is_some_and(|(_, at)| at <= first) {
            return;
        }
        self.produce.sweep_generation += 1;
        let generation = self.produce.sweep_generation;
        self.produce.sweep = Some((generation, first));
        let seq = generation;
        ctx.set_timer(
            first.saturating_sub(now),
            ClusterTimer::DelayedProduceExpired { seq },
        );
    }

    /// The purgatory sweep: delayed produces past their deadline answer `REQUEST_TIMED_OUT` for
    /// their undecided partitions.
    pub(super) fn on_delayed_produce_expired(
        &mut self,
        now: SimTime,
        seq: u64,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if self.produce.sweep.is_none_or(|(g, _)| g != seq) {
            return;
        }
        self.produce.sweep = None;
        let expired: Vec<u64> = (self.produce.delayed.iter())
            .filter(|(_, d)| d.deadline <= now)
            .map(|(k, _)| *k)
            .collect();
        for k in expired {
            if let Some(mut d) = self.produce.delayed.remove(&k) {
                self.produce
                    .delayed_requests
                    .remove(&(d.client, d.correlation_id));
                for p in d.parts.iter_mut().filter(|p| p.result.is_none()) {
                    let code = ErrorCode::RequestTimedOut;
                    p.result = Some((code, Some(code.message().to_string())));
                }
                respond(d, ctx);
            }
        }
        self.arm_sweep(now, ctx);
    }

    /// InitProducerId: a fresh id from this broker's block, epoch 0.
    pub(super) fn on_init_producer_id(&mut self, client: NodeId, ctx: &mut Ctx<'_, ClusterNode>) {
        self.produce.pid_counter += 1;
        let producer_id = (i64::from(self.broker_id.0) << 32) | self.produce.pid_counter;
        ctx.send(
            client,
            ClusterMsg::InitProducerIdResponse {
                producer_id,
                producer_epoch: 0,
            },
        );
    }

    /// Metadata: the leaders of the partitions this broker hosts (its metadata cache, simplified to
    /// what LeaderAndIsr told it).
    pub(super) fn on_metadata_request(&mut self, client: NodeId, ctx: &mut Ctx<'_, ClusterNode>) {
        let me = self.broker_id;
        let partitions = (self.partitions.iter())
            .filter_map(|(tp, h)| {
                let leader: Option<BrokerId> = match &h.role {
                    ReplicaRole::Leader(_) => Some(me),
                    ReplicaRole::Follower(f) => Some(f.leader),
                    ReplicaRole::NoLeader { .. } => None,
                    ReplicaRole::Offline => return None,
                };
                Some((*tp, leader, h.role.leader_epoch()))
            })
            .collect();
        ctx.send(client, ClusterMsg::MetadataResponse { partitions });
    }
}

fn respond(d: DelayedProduce, ctx: &mut Ctx<'_, ClusterNode>) {
    let results = (d.parts.into_iter())
        .map(|p| {
            let (code, msg) = p.result.unwrap_or((ErrorCode::RequestTimedOut, None));
            let base = if code == ErrorCode::None {
                p.base_offset
            } else {
                -1
            };
            result(p.tp, code, base, msg)
        })
        .collect();
    ctx.send(
        d.client,
        ClusterMsg::ProduceResponse {
            correlation_id: d.correlation_id,
            results,
        },
    );
}
