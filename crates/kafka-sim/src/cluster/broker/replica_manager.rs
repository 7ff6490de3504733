//! The broker's `ReplicaManager`: the partitions it hosts, LeaderAndIsr and UpdateMetadata, the
//! leader's side of follower fetches (held up to `replica.fetch.wait.max.ms` while there is no new
//! data), the `isr-expiration` task and AlterPartition answers.

use super::BrokerNode;
use super::fetch_session::{INITIAL_EPOCH, LeaderSession, SessionRequest};
use crate::cluster::wire::{PartitionState, broker_node};
use crate::cluster::{ClusterEvent, ClusterMsg, ClusterNode, ClusterTimer};
use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::kernel::Ctx;
use crate::record::{NO_PRODUCER_ID, NO_SEQUENCE, RecordBatch, RecordId, TopicPartition};
use crate::replication::controller::PartitionRegistration;
use crate::replication::follower::FollowerState;
use crate::replication::leader::{AlterPartitionProposal, FetchResponsePartition, LeaderState};
use crate::replication::log::{LogAppendInfo, PartitionLog};
use crate::time::SimTime;
use std::sync::Arc;

/// What this broker is for one partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplicaRole {
    /// Not yet told (after a start), or the broker is down.
    Offline,
    /// The partition has no leader (`Leader: none`); nothing to fetch from.
    NoLeader {
        /// The leader epoch of that state.
        leader_epoch: i32,
    },
    /// The leader.
    Leader(LeaderState),
    /// A follower.
    Follower(FollowerState),
}

impl ReplicaRole {
    /// The leader epoch this role was given with (-1 when offline).
    pub fn leader_epoch(&self) -> i32 {
        match self {
            ReplicaRole::Offline => -1,
            ReplicaRole::NoLeader { leader_epoch } => *leader_epoch,
            ReplicaRole::Leader(l) => l.leader_epoch,
            ReplicaRole::Follower(f) => f.leader_epoch,
        }
    }
}

/// One partition on a broker: its log (durable) and its role (volatile).
#[derive(Clone, Debug)]
pub struct HostedPartition {
    /// `topic-0`.
    pub name: String,
    /// The log; survives crashes.
    pub log: PartitionLog,
    /// Leader, follower, or neither.
    pub role: ReplicaRole,
    /// The topic's `min.insync.replicas`.
    pub min_insync_replicas: i32,
}

/// A follower fetch the leader holds for new data (its partitions are the follower's session's).
#[derive(Clone, Debug)]
pub(crate) struct ParkedFetch {
    max_bytes: u32,
    /// When it is answered anyway (`replica.fetch.wait.max.ms` after it arrived).
    deadline: SimTime,
}

/// A batch for a direct append: no producer id, sized roughly as Kafka counts (61-byte header and ~10
/// bytes per small record).
pub fn direct_batch(records: Arc<[RecordId]>, now: SimTime) -> RecordBatch {
    let size = 61 + 10 * u32::try_from(records.len()).unwrap_or(u32::MAX / 20);
    RecordBatch {
        base_offset: -1,
        partition_leader_epoch: -1,
        producer_id: NO_PRODUCER_ID,
        producer_epoch: -1,
        base_sequence: NO_SEQUENCE,
        records,
        size_bytes: size,
        first_timestamp_ms: now.as_millis(),
    }
}

impl BrokerNode {
    pub(super) fn on_leader_and_isr(
        &mut self,
        now: SimTime,
        controller_epoch: u32,
        partitions: Vec<PartitionState>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if controller_epoch < self.lai_controller_epoch {
            return; // STALE_CONTROLLER_EPOCH
        }
        self.lai_controller_epoch = controller_epoch;
        let me = self.broker_id;
        let lag = self.settings.replica_lag_time_max();
        let mut fetch_from: Vec<BrokerId> = Vec::new();
        for ps in partitions {
            let reg = &ps.registration;
            // A deleted topic's partition (a decision held for ZooKeeper before the deletion began).
            if !reg.replicas.contains(&me) || self.deleted_topics.contains(&ps.tp.topic) {
                continue;
            }
            let hosted = self.partitions.entry(ps.tp).or_insert_with(|| HostedPartition {
                name: ps.name.clone(),
                log: PartitionLog::new(),
                role: ReplicaRole::Offline,
                min_insync_replicas: ps.min_insync_replicas,
            });
            hosted.min_insync_replicas = ps.min_insync_replicas;
            let current = hosted.role.leader_epoch();
            if reg.leader_epoch < current {
                continue; // stale leader epoch
            }
            match reg.leader {
                Some(l) if l == me => {
                    let previous = match &hosted.role {
                        ReplicaRole::Leader(p) => Some(p),
                        _ => None,
                    };
                    if previous.is_some_and(|p| {
                        p.leader_epoch == reg.leader_epoch && p.partition_epoch >= reg.partition_epoch
                    }) {
                        continue;
                    }
                    let is_new = previous.is_none_or(|p| p.leader_epoch != reg.leader_epoch);
                    let (mut state, hw) = LeaderState::become_leader(
                        me,
                        reg.leader_epoch,
                        reg.partition_epoch,
                        reg.replicas.clone(),
                        reg.isr.clone(),
                        &mut hosted.log,
                        now,
                        ps.min_insync_replicas,
                        lag,
                        previous,
                    );
                    if !self.live_brokers.is_empty() {
                        for b in &reg.replicas {
                            state.set_isr_eligible(*b, self.live_brokers.contains(b));
                        }
                    }
                    hosted.role = ReplicaRole::Leader(state);
                    if is_new {
                        ctx.record(ClusterEvent::BecameLeader {
                            broker: me,
                            tp: ps.tp,
                            leader_epoch: reg.leader_epoch,
                        });
                    }
                    if let Some(hw) = hw {
                        record_hw(ctx, me, ps.tp, reg.leader_epoch, hw);
                    }
                }
                Some(l) => {
                    if matches!(&hosted.role, ReplicaRole::Follower(f) if f.leader == l && f.leader_epoch == reg.leader_epoch)
                    {
                        continue;
                    }
                    hosted.role =
                        ReplicaRole::Follower(FollowerState::become_follower(me, l, reg.leader_epoch));
                    ctx.record(ClusterEvent::BecameFollower {
                        broker: me,
                        tp: ps.tp,
                        leader: l,
                        leader_epoch: reg.leader_epoch,
                    });
                    if !fetch_from.contains(&l) {
                        fetch_from.push(l);
                    }
                }
                None => {
                    hosted.role = ReplicaRole::NoLeader {
                        leader_epoch: reg.leader_epoch,
                    };
                }
            }
        }
        for l in fetch_from {
            self.maybe_fetch(l, ctx);
        }
        self.complete_delayed_produces(now, None, ctx);
    }

    pub(super) fn on_update_metadata(&mut self, controller_epoch: u32, live: Vec<BrokerId>) {
        if controller_epoch < self.lai_controller_epoch {
            return;
        }
        for p in self.partitions.values_mut() {
            if let ReplicaRole::Leader(l) = &mut p.role {
                for b in l.replicas.clone() {
                    l.set_isr_eligible(b, live.contains(&b));
                }
            }
        }
        self.live_brokers = live;
    }

    /// A follower's fetch: open or update its fetch session, then answer now if any session partition
    /// has data (or an error), else hold it.
    pub(super) fn on_fetch(
        &mut self,
        now: SimTime,
        follower: BrokerId,
        request: SessionRequest,
        max_wait: SimTime,
        max_bytes: u32,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if request.epoch == INITIAL_EPOCH {
            self.last_fetch_session_id = self.last_fetch_session_id.wrapping_add(1).max(1);
            let session = LeaderSession::open(self.last_fetch_session_id, &request.partitions);
            self.fetch_sessions.insert(follower, session);
        } else {
            let updated = match self.fetch_sessions.get_mut(&follower) {
                None => Err(ErrorCode::FetchSessionIdNotFound),
                Some(s) => s.update(
                    request.session_id,
                    request.epoch,
                    &request.partitions,
                    &request.forgotten,
                ),
            };
            if let Err(error) = updated {
                let msg = ClusterMsg::FetchResponse {
                    leader: self.broker_id,
                    error,
                    session_id: 0,
                    partitions: Vec::new(),
                };
                ctx.send(broker_node(follower), msg);
                return;
            }
        }
        let (response, has_data) = self.read_for_follower(now, follower, max_bytes, ctx);
        if has_data || max_wait == SimTime::ZERO {
            self.send_fetch_response(follower, response, ctx);
            return;
        }
        let seq = self.seq();
        self.parked.insert(
            follower,
            ParkedFetch {
                max_bytes,
                deadline: now + max_wait,
            },
        );
        // One wait timer per follower at a time (a held fetch is usually answered early, and a timer
        // per fetch would fill the event queue): an armed timer fires no later than this deadline and
        // re-arms for it.
        if !self.park_timers.contains(&follower) {
            self.park_timers.push(follower);
            ctx.set_timer(max_wait, ClusterTimer::FetchWaitExpired { follower, seq });
        }
    }

    /// Sends the answer to `follower`'s fetch and records in its session what the answer told.
    fn send_fetch_response(
        &mut self,
        follower: BrokerId,
        partitions: Vec<(TopicPartition, FetchResponsePartition)>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let mut session_id = 0;
        if let Some(s) = self.fetch_sessions.get_mut(&follower) {
            s.respond_full = false;
            session_id = s.id;
            for (tp, r) in &partitions {
                if let Some(c) = s.partitions.get_mut(tp) {
                    c.sent(r);
                }
            }
        }
        let msg = ClusterMsg::FetchResponse {
            leader: self.broker_id,
            error: ErrorCode::None,
            session_id,
            partitions,
        };
        ctx.send(broker_node(follower), msg);
    }

    /// Reads every partition of `follower`'s session at its cached fetch state (updating the follower's
    /// fetch state on each, as Kafka does for the whole session). Returns the partitions the answer must
    /// carry, and whether any has records, an error or a diverging epoch (then it is answered at once).
    fn read_for_follower(
        &mut self,
        now: SimTime,
        follower: BrokerId,
        max_bytes: u32,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) -> (Vec<(TopicPartition, FetchResponsePartition)>, bool) {
        let me = self.broker_id;
        let mut has_data = false;
        let mut proposals = Vec::new();
        let mut hw_moved = Vec::new();
        let Some(session) = self.fetch_sessions.get(&follower) else {
            return (Vec::new(), false);
        };
        // Usually a few partitions have news; a full response lists them all.
        let mut out = Vec::with_capacity(if session.respond_full {
            session.partitions.len()
        } else {
            session.partitions.len().min(4)
        });
        let full = session.respond_full;
        // Both maps are in partition order: walk them together rather than searching for each one.
        let mut hosted_iter = self.partitions.iter_mut().peekable();
        for (tp, cached) in &session.partitions {
            let fp = &cached.fetch;
            while hosted_iter.next_if(|(k, _)| *k < tp).is_some() {}
            let Some(hosted) = hosted_iter
                .next_if(|(k, _)| *k == tp)
                .map(|(_, h)| h)
                .filter(|h| matches!(h.role, ReplicaRole::Leader(_)))
            else {
                has_data = true;
                out.push((*tp, error_response(ErrorCode::NotLeaderOrFollower)));
                continue;
            };
            let ReplicaRole::Leader(leader) = &mut hosted.role else {
                continue;
            };
            let outcome = leader.handle_follower_fetch(
                &mut hosted.log,
                follower,
                Some(fp.current_leader_epoch),
                fp.fetch_offset,
                fp.last_fetched_epoch,
                max_bytes,
                now,
            );
            if let Some(hw) = outcome.new_high_watermark {
                record_hw(ctx, me, fp.tp, leader.leader_epoch, hw);
                hw_moved.push(fp.tp);
            }
            if let Some(p) = outcome.isr_expansion {
                proposals.push((fp.tp, p));
            }
            let r = outcome.response;
            has_data |= !r.records.is_empty() || r.error != ErrorCode::None || r.diverging_epoch.is_some();
            if cached.must_respond(&r, full) {
                out.push((fp.tp, r));
            }
        }
        for (tp, p) in proposals {
            self.send_alter_partition(tp, p, ctx);
        }
        for tp in hw_moved {
            self.complete_delayed_produces(now, Some(tp), ctx);
        }
        (out, has_data)
    }

    pub(super) fn on_fetch_wait_expired(
        &mut self,
        now: SimTime,
        follower: BrokerId,
        seq: u64,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let _ = seq;
        self.park_timers.retain(|f| *f != follower);
        let Some(deadline) = self.parked.get(&follower).map(|p| p.deadline) else {
            return;
        };
        if deadline <= now {
            self.complete_parked(now, follower, ctx);
        } else {
            self.park_timers.push(follower);
            let seq = self.seq();
            ctx.set_timer(deadline - now, ClusterTimer::FetchWaitExpired { follower, seq });
        }
    }

    fn complete_parked(&mut self, now: SimTime, follower: BrokerId, ctx: &mut Ctx<'_, ClusterNode>) {
        let Some(p) = self.parked.remove(&follower) else {
            return;
        };
        let (response, _) = self.read_for_follower(now, follower, p.max_bytes, ctx);
        self.send_fetch_response(follower, response, ctx);
    }

    /// New data on `tp`: answer the held fetches that include it (`fetch.min.bytes` = 1).
    pub(super) fn wake_parked(&mut self, now: SimTime, tp: TopicPartition, ctx: &mut Ctx<'_, ClusterNode>) {
        let sessions = &self.fetch_sessions;
        let waiting: Vec<BrokerId> = (self.parked.keys())
            .filter(|f| sessions.get(f).is_some_and(|s| s.partitions.contains_key(&tp)))
            .copied()
            .collect();
        for f in waiting {
            self.complete_parked(now, f, ctx);
        }
    }

    fn send_alter_partition(
        &mut self,
        tp: TopicPartition,
        p: AlterPartitionProposal,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        match self.controller {
            Some(c) => {
                let msg = ClusterMsg::AlterPartition {
                    broker_id: p.leader,
                    tp,
                    leader_epoch: p.leader_epoch,
                    partition_epoch: p.partition_epoch,
                    new_isr: p.new_isr,
                };
                ctx.send(broker_node(c), msg);
            }
            None => {
                if let Some(ReplicaRole::Leader(l)) = self.partitions.get_mut(&tp).map(|h| &mut h.role) {
                    l.on_isr_change_failed();
                }
            }
        }
    }

    /// The `isr-expiration` task over every partition this broker leads.
    /// An ISR change still unanswered at the next run (its request or answer was lost) is given up
    /// and proposed afresh, as `AlterPartitionManager` retries.
    pub(super) fn maybe_shrink_isrs(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        let mut proposals = Vec::new();
        let stale = std::mem::take(&mut self.stale_pending);
        for (tp, h) in self.partitions.iter_mut() {
            if let ReplicaRole::Leader(l) = &mut h.role {
                if l.pending.is_some() && stale.contains(tp) {
                    l.on_isr_change_failed();
                }
                if let Some((p, _line)) = l.maybe_shrink_isr(&h.log, now) {
                    proposals.push((*tp, p));
                }
            }
        }
        for (tp, p) in proposals {
            self.send_alter_partition(tp, p, ctx);
        }
        self.stale_pending = (self.partitions.iter())
            .filter(|(_, h)| matches!(&h.role, ReplicaRole::Leader(l) if l.pending.is_some()))
            .map(|(tp, _)| *tp)
            .collect();
    }

    /// The controller changed: forget ISR changes in flight so they are proposed again.
    pub(super) fn reset_pending_isr_changes(&mut self, _ctx: &mut Ctx<'_, ClusterNode>) {
        for h in self.partitions.values_mut() {
            if let ReplicaRole::Leader(l) = &mut h.role {
                l.on_isr_change_failed();
            }
        }
    }

    pub(super) fn on_alter_partition_response(
        &mut self,
        now: SimTime,
        tp: TopicPartition,
        error: i16,
        registration: Option<PartitionRegistration>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let me = self.broker_id;
        let Some(h) = self.partitions.get_mut(&tp) else {
            return;
        };
        let ReplicaRole::Leader(l) = &mut h.role else {
            return;
        };
        match registration {
            Some(reg) if error == 0 && reg.leader_epoch == l.leader_epoch => {
                if let Some((_line, Some(hw))) =
                    l.on_isr_committed(&mut h.log, reg.isr, reg.partition_epoch, now)
                {
                    record_hw(ctx, me, tp, l.leader_epoch, hw);
                }
            }
            _ => l.on_isr_change_failed(),
        }
        self.complete_delayed_produces(now, Some(tp), ctx);
    }

    /// A leader append as a Produce would do it (a testing and teaching hook until producer clients
    /// exist): checks `acks`, appends, may advance the HW, and answers held follower fetches.
    pub fn append_as_leader(
        &mut self,
        now: SimTime,
        tp: TopicPartition,
        records: Arc<[RecordId]>,
        acks: i16,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) -> Result<LogAppendInfo, ErrorCode> {
        let me = self.broker_id;
        let Some(h) = self.partitions.get_mut(&tp) else {
            return Err(ErrorCode::NotLeaderOrFollower);
        };
        let ReplicaRole::Leader(l) = &h.role else {
            return Err(ErrorCode::NotLeaderOrFollower);
        };
        let batch = direct_batch(records, now);
        let (info, hw) = l
            .append_records(&mut h.log, batch, acks, &h.name, now)
            .map_err(|(code, _)| code)?;
        if let Some(hw) = hw {
            record_hw(ctx, me, tp, l.leader_epoch, hw);
        }
        self.wake_parked(now, tp, ctx);
        Ok(info)
    }
}

pub(super) fn record_hw(
    ctx: &mut Ctx<'_, ClusterNode>,
    broker: BrokerId,
    tp: TopicPartition,
    leader_epoch: i32,
    hw: i64,
) {
    ctx.record(ClusterEvent::HighWatermark {
        broker,
        tp,
        leader_epoch,
        high_watermark: hw,
    });
}

fn error_response(error: ErrorCode) -> FetchResponsePartition {
    FetchResponsePartition {
        error,
        high_watermark: -1,
        log_start_offset: -1,
        leader_log_end_offset: -1,
        diverging_epoch: None,
        records: Vec::new(),
    }
}
