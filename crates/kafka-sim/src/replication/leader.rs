//! The leader's side of one partition (`Partition.scala` while it leads): follower fetch state, the
//! high watermark, ISR shrink and expand through AlterPartition, the min-ISR checks of the produce
//! path and `DelayedProduce`'s completion rule. Pure: time comes in as `now`; the log is passed in.

use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::record::RecordBatch;
use crate::replication::log::{LogAppendInfo, PartitionLog, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET};
use crate::time::SimTime;
use serde::Serialize;

/// `UnifiedLog.UnknownOffset`: a follower's LEO before its first fetch to this leader.
pub const UNKNOWN_OFFSET: i64 = -1;

/// The leader's view of one follower (`Replica.ReplicaState`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaState {
    /// The follower.
    pub broker: BrokerId,
    /// Its log end offset, as its last fetch offset told ([`UNKNOWN_OFFSET`] before any fetch).
    pub leo: i64,
    /// `lastCaughtUpTimeMs`; `None` is Kafka's `0L`, "never" (simulated time starts at 0).
    pub last_caught_up_time: Option<SimTime>,
    /// The leader's LEO when the follower last fetched (`lastFetchLeaderLogEndOffset`).
    pub last_fetch_leader_leo: i64,
    /// When the follower last fetched (`lastFetchTimeMs`; `None`: never).
    pub last_fetch_time: Option<SimTime>,
    /// Whether it may join the ISR (ZK mode: the broker is alive in the metadata cache).
    pub isr_eligible: bool,
}

impl ReplicaState {
    /// `Replica.isCaughtUp`: its LEO is the leader's, or it was caught up within `max_lag`.
    pub fn is_caught_up(&self, leader_leo: i64, now: SimTime, max_lag: SimTime) -> bool {
        self.leo == leader_leo || self.last_caught_up_time.is_some_and(|t| now - t <= max_lag)
    }

    /// `Replica.updateFetchStateOrThrow`: a fetch at `fetch_offset` at `now`, when the leader's LEO was
    /// `leader_leo`.
    pub fn update_fetch_state(&mut self, fetch_offset: i64, now: SimTime, leader_leo: i64) {
        if fetch_offset >= leader_leo {
            self.last_caught_up_time = self.last_caught_up_time.max(Some(now));
        } else if fetch_offset >= self.last_fetch_leader_leo {
            self.last_caught_up_time = self.last_caught_up_time.max(self.last_fetch_time);
        }
        self.leo = fetch_offset;
        self.last_fetch_leader_leo = self.last_fetch_leader_leo.max(leader_leo);
        self.last_fetch_time = Some(now);
    }
}

/// An ISR change sent to the controller and not yet acknowledged (KIP-497).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PendingIsrChange {
    /// Adding one follower; the maximal ISR already counts it.
    Expand {
        /// The follower being added.
        added: BrokerId,
        /// The proposed ISR.
        new_isr: Vec<BrokerId>,
    },
    /// Removing followers; the maximal ISR still counts them until the controller commits.
    Shrink {
        /// The followers being removed.
        removed: Vec<BrokerId>,
        /// The proposed ISR.
        new_isr: Vec<BrokerId>,
    },
}

/// An AlterPartition request for one partition, as the leader sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlterPartitionProposal {
    /// The leader sending it.
    pub leader: BrokerId,
    /// Its leader epoch.
    pub leader_epoch: i32,
    /// The partition epoch it is based on.
    pub partition_epoch: i32,
    /// The proposed ISR, in order.
    pub new_isr: Vec<BrokerId>,
}

/// An epoch and its end offset, as a fetch response's `DivergingEpoch` carries them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct EpochEndOffset {
    /// The leader epoch.
    pub epoch: i32,
    /// Its end offset on the leader.
    pub end_offset: i64,
}

/// The leader's answer to a follower's fetch, for one partition.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct FetchResponsePartition {
    /// `NONE`, or `OFFSET_OUT_OF_RANGE`, `FENCED_LEADER_EPOCH`, `UNKNOWN_LEADER_EPOCH`,
    /// `NOT_LEADER_OR_FOLLOWER`.
    pub error: ErrorCode,
    /// The leader's HW when the fetch was read (before this fetch's own effect on it).
    pub high_watermark: i64,
    /// The leader's log start offset.
    pub log_start_offset: i64,
    /// The leader's LEO when the fetch was read (not on the wire; handy for the simulation's view).
    pub leader_log_end_offset: i64,
    /// Set when the follower's log diverges: truncate before fetching on.
    pub diverging_epoch: Option<EpochEndOffset>,
    /// The batches, sharing their records with the leader's log.
    pub records: Vec<RecordBatch>,
}

/// What a follower fetch did on the leader, besides the response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderFetchOutcome {
    /// The response to send back.
    pub response: FetchResponsePartition,
    /// An ISR expansion to send to the controller.
    pub isr_expansion: Option<AlterPartitionProposal>,
    /// The new HW when it moved (complete delayed produces then).
    pub new_high_watermark: Option<i64>,
}

/// A leader-side produce error with Kafka's message.
pub type ProduceError = (ErrorCode, String);

/// The state of a partition on its leader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderState {
    /// This broker.
    pub local: BrokerId,
    /// The leader epoch of this tenure.
    pub leader_epoch: i32,
    /// The partition epoch (ZK: the znode version) of the committed ISR.
    pub partition_epoch: i32,
    /// The assigned replicas, in assignment order.
    pub replicas: Vec<BrokerId>,
    /// The committed ISR, in order.
    pub isr: Vec<BrokerId>,
    /// An ISR change in flight.
    pub pending: Option<PendingIsrChange>,
    /// The LEO when this tenure began (`leaderEpochStartOffsetOpt`).
    pub leader_epoch_start_offset: i64,
    /// The followers, in assignment order.
    pub followers: Vec<ReplicaState>,
    /// The topic's `min.insync.replicas`.
    pub min_insync_replicas: i32,
    /// `replica.lag.time.max.ms`.
    pub replica_lag_time_max: SimTime,
}

/// Kafka's `mkString(",")` of broker ids: `1,2,3`.
pub fn comma_list(ids: &[BrokerId]) -> String {
    let mut s = String::new();
    for (i, b) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&b.0.to_string());
    }
    s
}

/// Scala's rendering of a small immutable `Set` of broker ids: `Set(1, 2)`.
pub fn scala_set(ids: &[BrokerId]) -> String {
    let mut s = String::from("Set(");
    for (i, b) in ids.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&b.0.to_string());
    }
    s.push(')');
    s
}

impl LeaderState {
    /// `Partition.makeLeader`: `local` becomes leader at `leader_epoch` with the controller's `isr`.
    /// A new epoch is recorded in the log's cache at the LEO, which becomes the epoch start offset.
    /// `previous` is this broker's leader state if it already led (same leader epoch: a re-election of
    /// the same tenure keeps the followers' LEOs). ISR followers start caught up at `now`, others never.
    #[allow(clippy::too_many_arguments)]
    pub fn become_leader(
        local: BrokerId,
        leader_epoch: i32,
        partition_epoch: i32,
        replicas: Vec<BrokerId>,
        isr: Vec<BrokerId>,
        log: &mut PartitionLog,
        now: SimTime,
        min_insync_replicas: i32,
        replica_lag_time_max: SimTime,
        previous: Option<&LeaderState>,
    ) -> (LeaderState, Option<i64>) {
        let is_new_leader = previous.is_none_or(|p| p.leader_epoch != leader_epoch);
        if is_new_leader {
            log.assign_epoch_start_offset(leader_epoch);
        }
        let leo = log.log_end_offset();
        let start = if is_new_leader {
            leo
        } else {
            previous.map_or(leo, |p| p.leader_epoch_start_offset)
        };
        let followers = replicas
            .iter()
            .filter(|b| **b != local)
            .map(|&broker| {
                let in_sync = isr.contains(&broker);
                let caught_up = in_sync.then_some(now);
                let old = previous
                    .and_then(|p| p.follower(broker))
                    .filter(|_| !is_new_leader);
                ReplicaState {
                    broker,
                    leo: old.map_or(UNKNOWN_OFFSET, |o| o.leo),
                    last_caught_up_time: caught_up,
                    last_fetch_leader_leo: if old.is_some() { leo } else { UNKNOWN_OFFSET },
                    last_fetch_time: (old.is_some() && in_sync).then_some(now),
                    isr_eligible: old.is_none_or(|o| o.isr_eligible),
                }
            })
            .collect();
        let state = LeaderState {
            local,
            leader_epoch,
            partition_epoch,
            replicas,
            isr,
            pending: None,
            leader_epoch_start_offset: start,
            followers,
            min_insync_replicas,
            replica_lag_time_max,
        };
        let hw = state.maybe_increment_hw(log, now);
        (state, hw)
    }

    /// The leader's view of `broker`.
    pub fn follower(&self, broker: BrokerId) -> Option<&ReplicaState> {
        self.followers.iter().find(|f| f.broker == broker)
    }

    fn follower_mut(&mut self, broker: BrokerId) -> Option<&mut ReplicaState> {
        self.followers.iter_mut().find(|f| f.broker == broker)
    }

    /// Mark `broker` ISR-eligible or not (ZK mode: alive in the metadata cache).
    pub fn set_isr_eligible(&mut self, broker: BrokerId, eligible: bool) {
        if let Some(f) = self.follower_mut(broker) {
            f.isr_eligible = eligible;
        }
    }

    /// `effectiveMinIsr`: `min(min.insync.replicas, replica count)`.
    pub fn effective_min_isr(&self) -> usize {
        let min = usize::try_from(self.min_insync_replicas.max(1)).unwrap_or(1);
        min.min(self.followers.len() + 1)
    }

    /// True when the committed ISR is smaller than the effective min ISR.
    pub fn is_under_min_isr(&self) -> bool {
        self.isr.len() < self.effective_min_isr()
    }

    /// The maximal ISR (KIP-497): the committed ISR plus a pending addition.
    pub fn maximal_isr(&self) -> Vec<BrokerId> {
        let mut m = self.isr.clone();
        if let Some(PendingIsrChange::Expand { added, .. }) = &self.pending
            && !m.contains(added)
        {
            m.push(*added);
        }
        m
    }

    fn in_maximal_isr(&self, broker: BrokerId) -> bool {
        self.isr.contains(&broker)
            || matches!(&self.pending, Some(PendingIsrChange::Expand { added, .. }) if *added == broker)
    }

    /// `Partition.maybeIncrementLeaderHW`: unless the committed ISR is under min ISR (3.7,
    /// KAFKA-15583), raise the HW to the minimum LEO over the leader, the maximal ISR and every
    /// caught-up, ISR-eligible follower. Never lowers it. Returns the new HW when it moved.
    pub fn maybe_increment_hw(&self, log: &mut PartitionLog, now: SimTime) -> Option<i64> {
        if self.is_under_min_isr() {
            return None;
        }
        let leo = log.log_end_offset();
        let mut new_hw = leo;
        for f in &self.followers {
            let waits = self.in_maximal_isr(f.broker)
                || (f.isr_eligible && f.is_caught_up(leo, now, self.replica_lag_time_max));
            if f.leo < new_hw && waits {
                new_hw = f.leo;
            }
        }
        log.maybe_increment_high_watermark(new_hw)
    }

    /// The produce-path check of `appendRecordsToLeader`: acks must be -1, 0 or 1
    /// (`INVALID_REQUIRED_ACKS`); with acks=-1 a committed ISR below the effective min ISR is
    /// `NOT_ENOUGH_REPLICAS` with Kafka's message, naming the partition as `partition_name` (`t-0`).
    pub fn check_append(&self, acks: i16, partition_name: &str) -> Result<(), ProduceError> {
        if !matches!(acks, -1..=1) {
            return Err((
                ErrorCode::InvalidRequiredAcks,
                ErrorCode::InvalidRequiredAcks.message().into(),
            ));
        }
        let min_isr = self.effective_min_isr();
        if acks == -1 && self.isr.len() < min_isr {
            let msg = format!(
                "The size of the current ISR {} is insufficient to satisfy the min.isr requirement of {} for partition {}",
                scala_set(&self.isr),
                min_isr,
                partition_name
            );
            return Err((ErrorCode::NotEnoughReplicas, msg));
        }
        Ok(())
    }

    /// Check, then append `batch` as leader, then try to advance the HW (a single-replica ISR commits at
    /// once). Returns what was written and the new HW if it moved. For acks=-1 the caller parks a
    /// delayed produce with `required_offset = last_offset + 1`.
    pub fn append_records(
        &self,
        log: &mut PartitionLog,
        batch: RecordBatch,
        acks: i16,
        partition_name: &str,
        now: SimTime,
    ) -> Result<(LogAppendInfo, Option<i64>), ProduceError> {
        self.check_append(acks, partition_name)?;
        let info = log
            .append_as_leader(batch, self.leader_epoch)
            .map_err(|e| (ErrorCode::CorruptMessage, e.to_string()))?;
        Ok((info, self.maybe_increment_hw(log, now)))
    }

    /// `checkEnoughReplicasReachOffset` for `DelayedProduce`: `None` while the HW is below
    /// `required_offset`; then `NONE` if the maximal ISR still has the effective min ISR, else
    /// `NOT_ENOUGH_REPLICAS_AFTER_APPEND` (the data is written). The request timeout is the caller's.
    pub fn check_produce_completion(&self, log: &PartitionLog, required_offset: i64) -> Option<ErrorCode> {
        if log.high_watermark() < required_offset {
            return None;
        }
        if self.effective_min_isr() <= self.maximal_isr().len() {
            Some(ErrorCode::None)
        } else {
            Some(ErrorCode::NotEnoughReplicasAfterAppend)
        }
    }

    /// `Partition.fetchRecords` for a follower fetch: validates the leader epoch, checks divergence
    /// against `last_fetched_epoch` (KIP-320; no state update then), reads up to `max_bytes` from
    /// `fetch_offset`, then updates the follower's state, may propose an ISR expansion and may raise the
    /// HW. The response carries the HW and LEO from before the update, as Kafka's does.
    #[allow(clippy::too_many_arguments)]
    pub fn handle_follower_fetch(
        &mut self,
        log: &mut PartitionLog,
        follower: BrokerId,
        current_leader_epoch: Option<i32>,
        fetch_offset: i64,
        last_fetched_epoch: Option<i32>,
        max_bytes: u32,
        now: SimTime,
    ) -> LeaderFetchOutcome {
        let hw = log.high_watermark();
        let leo = log.log_end_offset();
        let mut response = FetchResponsePartition {
            error: ErrorCode::None,
            high_watermark: hw,
            log_start_offset: log.log_start_offset(),
            leader_log_end_offset: leo,
            diverging_epoch: None,
            records: Vec::new(),
        };
        let done = |response| LeaderFetchOutcome {
            response,
            isr_expansion: None,
            new_high_watermark: None,
        };
        response.error = match current_leader_epoch {
            Some(e) if e < self.leader_epoch => ErrorCode::FencedLeaderEpoch,
            Some(e) if e > self.leader_epoch => ErrorCode::UnknownLeaderEpoch,
            _ if self.follower(follower).is_none() => ErrorCode::NotLeaderOrFollower,
            _ => ErrorCode::None,
        };
        if response.error != ErrorCode::None {
            return done(response);
        }
        // A follower caught up in the latest epoch: no divergence, nothing to read (as checked below).
        let caught_up = fetch_offset == leo
            && fetch_offset >= log.log_start_offset()
            && last_fetched_epoch.is_none_or(|e| e != UNDEFINED_EPOCH && log.latest_epoch() == Some(e));
        if caught_up {
            let (isr_expansion, new_high_watermark) =
                self.update_follower_fetch_state(log, follower, fetch_offset, leo, now);
            return LeaderFetchOutcome {
                response,
                isr_expansion,
                new_high_watermark,
            };
        }
        if let Some(fetch_epoch) = last_fetched_epoch {
            let (epoch, end_offset) = log.epoch_cache().end_offset_for(fetch_epoch, leo);
            if epoch == UNDEFINED_EPOCH
                || end_offset == UNDEFINED_EPOCH_OFFSET
                || fetch_offset < log.log_start_offset()
            {
                response.error = ErrorCode::OffsetOutOfRange;
                return done(response);
            }
            if epoch < fetch_epoch || end_offset < fetch_offset {
                response.diverging_epoch = Some(EpochEndOffset { epoch, end_offset });
                return done(response);
            }
        }
        match log.read(fetch_offset, max_bytes, leo) {
            Ok(batches) => response.records = batches.to_vec(),
            Err(e) => {
                response.error = e;
                return done(response);
            }
        }
        let (isr_expansion, new_high_watermark) =
            self.update_follower_fetch_state(log, follower, fetch_offset, leo, now);
        LeaderFetchOutcome {
            response,
            isr_expansion,
            new_high_watermark,
        }
    }

    /// `Partition.updateFollowerFetchState`: record the fetch, propose an expansion if the follower is
    /// now in sync (`maybeExpandIsr`), and try to advance the HW if its LEO moved.
    #[inline]
    pub fn update_follower_fetch_state(
        &mut self,
        log: &mut PartitionLog,
        follower: BrokerId,
        fetch_offset: i64,
        leader_leo: i64,
        now: SimTime,
    ) -> (Option<AlterPartitionProposal>, Option<i64>) {
        let Some(f) = self.follower_mut(follower) else {
            return (None, None);
        };
        let prev_leo = f.leo;
        f.update_fetch_state(fetch_offset, now, leader_leo);
        let expansion = self.maybe_expand_isr(log.high_watermark(), follower);
        let hw = if prev_leo != fetch_offset || expansion.is_some() {
            self.maybe_increment_hw(log, now)
        } else {
            None
        };
        (expansion, hw)
    }

    /// `isFollowerInSync` for expansion: LEO at or past the HW and the start of this leader epoch.
    pub fn is_follower_in_sync(&self, follower: BrokerId, high_watermark: i64) -> bool {
        self.follower(follower)
            .is_some_and(|f| f.leo >= high_watermark && f.leo >= self.leader_epoch_start_offset)
    }

    fn maybe_expand_isr(
        &mut self,
        high_watermark: i64,
        follower: BrokerId,
    ) -> Option<AlterPartitionProposal> {
        if self.pending.is_some()
            || self.isr.contains(&follower)
            || !self.follower(follower).is_some_and(|f| f.isr_eligible)
            || !self.is_follower_in_sync(follower, high_watermark)
        {
            return None;
        }
        let mut new_isr = self.isr.clone();
        new_isr.push(follower);
        self.pending = Some(PendingIsrChange::Expand {
            added: follower,
            new_isr: new_isr.clone(),
        });
        Some(self.proposal(new_isr))
    }

    fn proposal(&self, new_isr: Vec<BrokerId>) -> AlterPartitionProposal {
        AlterPartitionProposal {
            leader: self.local,
            leader_epoch: self.leader_epoch,
            partition_epoch: self.partition_epoch,
            new_isr,
        }
    }

    /// `getOutOfSyncReplicas`: the ISR followers that are not caught up at `now`.
    pub fn isr_shrink_candidates(&self, log: &PartitionLog, now: SimTime) -> Vec<BrokerId> {
        let leo = log.log_end_offset();
        self.isr
            .iter()
            .copied()
            .filter(|b| *b != self.local)
            .filter(|b| {
                self.follower(*b)
                    .is_none_or(|f| !f.is_caught_up(leo, now, self.replica_lag_time_max))
            })
            .collect()
    }

    /// The `isr-expiration` task (every `replica.lag.time.max.ms / 2`): with no change in flight,
    /// propose the ISR without the out-of-sync followers. Returns the proposal and Kafka's
    /// `Shrinking ISR ...` log line.
    pub fn maybe_shrink_isr(
        &mut self,
        log: &PartitionLog,
        now: SimTime,
    ) -> Option<(AlterPartitionProposal, String)> {
        if self.pending.is_some() {
            return None;
        }
        let removed = self.isr_shrink_candidates(log, now);
        if removed.is_empty() {
            return None;
        }
        let new_isr: Vec<BrokerId> = self
            .isr
            .iter()
            .copied()
            .filter(|b| !removed.contains(b))
            .collect();
        let line = self.shrinking_isr_line(log, &new_isr, &removed);
        self.pending = Some(PendingIsrChange::Shrink {
            removed,
            new_isr: new_isr.clone(),
        });
        Some((self.proposal(new_isr), line))
    }

    /// Kafka's INFO line for an ISR shrink.
    pub fn shrinking_isr_line(
        &self,
        log: &PartitionLog,
        new_isr: &[BrokerId],
        removed: &[BrokerId],
    ) -> String {
        let replicas: Vec<String> = removed
            .iter()
            .map(|b| match self.follower(*b) {
                Some(f) => format!(
                    "(brokerId: {}, endOffset: {}, lastCaughtUpTimeMs: {})",
                    b,
                    f.leo,
                    f.last_caught_up_time.map_or(0, SimTime::as_millis)
                ),
                None => format!("(brokerId: {b}, endOffset: unknown, lastCaughtUpTimeMs: unknown)"),
            })
            .collect();
        format!(
            "Shrinking ISR from {} to {}. Leader: (highWatermark: {}, endOffset: {}). Out of sync replicas: {}.",
            comma_list(&self.isr),
            comma_list(new_isr),
            log.high_watermark(),
            log.log_end_offset(),
            replicas.join(" ")
        )
    }

    /// The controller committed an ISR (an AlterPartition answer, or a LeaderAndIsr for this same
    /// leader epoch). A stale `partition_epoch` is ignored (`None`). Otherwise the pending change is
    /// cleared, the HW may advance, and Kafka's `ISR updated to ...` line is returned.
    pub fn on_isr_committed(
        &mut self,
        log: &mut PartitionLog,
        isr: Vec<BrokerId>,
        partition_epoch: i32,
        now: SimTime,
    ) -> Option<(String, Option<i64>)> {
        if partition_epoch < self.partition_epoch {
            return None;
        }
        self.isr = isr;
        self.partition_epoch = partition_epoch;
        self.pending = None;
        let line = format!(
            "ISR updated to {} {}and version updated to {}",
            comma_list(&self.isr),
            if self.is_under_min_isr() {
                "(under-min-isr) "
            } else {
                ""
            },
            self.partition_epoch
        );
        Some((line, self.maybe_increment_hw(log, now)))
    }

    /// The controller rejected the change (e.g. `INVALID_UPDATE_VERSION`, `FENCED_LEADER_EPOCH`):
    /// forget the pending change; the committed ISR stands.
    pub fn on_isr_change_failed(&mut self) {
        self.pending = None;
    }
}
