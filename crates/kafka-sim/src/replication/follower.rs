//! The follower's side of one partition (`AbstractFetcherThread` / `ReplicaFetcherThread`): what to
//! fetch next, truncation by leader epoch (KIP-101/279, through the fetch response's diverging epoch,
//! KIP-320), appending the leader's batches and taking the leader's high watermark. Pure.

use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::record::RecordBatch;
use crate::replication::leader::{EpochEndOffset, FetchResponsePartition};
use crate::replication::log::{LogError, PartitionLog, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET};

/// The follower's fetch of one partition, as it goes into a Fetch request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FetchPosition {
    /// `currentLeaderEpoch`: the leader epoch the follower knows.
    pub current_leader_epoch: i32,
    /// `fetchOffset`: the follower's LEO.
    pub fetch_offset: i64,
    /// `lastFetchedEpoch`: the epoch of the follower's last record (none for an empty log).
    pub last_fetched_epoch: Option<i32>,
}

/// Why a follower truncated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TruncationReason {
    /// The leader's epoch and end offset (a diverging epoch, or an OffsetsForLeaderEpoch answer).
    LeaderEpoch(EpochEndOffset),
    /// No epoch information: back to the local high watermark.
    LocalHighWatermark(i64),
    /// `OFFSET_OUT_OF_RANGE` and the leader's log ends before ours (after an unclean election).
    LeaderEndOffset(i64),
}

/// A truncation a follower did, with what it removed, for the event log and the durability oracle
/// ("truncated at broker 2 by epoch 3").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Truncation {
    /// Why.
    pub reason: TruncationReason,
    /// The LEO before.
    pub from_log_end_offset: i64,
    /// The target offset (Kafka's `TruncationState.offset`).
    pub to_offset: i64,
    /// Whether truncation is complete, or the follower must ask again (it did not know the epoch).
    pub completed: bool,
    /// The batches removed (empty when nothing was past the target).
    pub removed: Vec<RecordBatch>,
    /// Kafka's INFO line.
    pub log_line: String,
}

/// What a fetch response did on the follower.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowerFetchOutcome {
    /// Batches appended (maybe none) and the HW taken from the leader.
    Appended {
        /// Records appended.
        records: usize,
        /// The follower's HW now.
        high_watermark: i64,
    },
    /// The leader said the log diverges: the follower truncated and fetches again.
    Truncated(Truncation),
    /// An error from the leader (`NOT_LEADER_OR_FOLLOWER`, `FENCED_LEADER_EPOCH`, ...): back off and
    /// wait for new metadata. `OFFSET_OUT_OF_RANGE` goes to [`FollowerState::on_offset_out_of_range`].
    Error(ErrorCode),
    /// The response did not fit the log (a batch not at the LEO); nothing more was appended.
    Invalid(LogError),
}

/// The state of a partition on a follower.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowerState {
    /// This broker.
    pub local: BrokerId,
    /// The leader it fetches from.
    pub leader: BrokerId,
    /// The leader epoch it follows.
    pub leader_epoch: i32,
}

/// Kafka's `TruncationState` rendering.
fn truncation_state(offset: i64, completed: bool) -> String {
    format!("TruncationState(offset={offset}, completed={completed})")
}

impl FollowerState {
    /// `Partition.makeFollower`: follow `leader` at `leader_epoch`. The log is kept as is; the first
    /// fetch is from the LEO with the latest epoch, and the leader answers with a diverging epoch if the
    /// log must be truncated (truncation on fetch, IBP ≥ 2.7).
    pub fn become_follower(local: BrokerId, leader: BrokerId, leader_epoch: i32) -> FollowerState {
        FollowerState {
            local,
            leader,
            leader_epoch,
        }
    }

    /// What to fetch next.
    pub fn next_fetch(&self, log: &PartitionLog) -> FetchPosition {
        FetchPosition {
            current_leader_epoch: self.leader_epoch,
            fetch_offset: log.log_end_offset(),
            last_fetched_epoch: log.latest_epoch(),
        }
    }

    /// `processFetchRequest` for one partition: truncate on a diverging epoch; else append the batches
    /// (skipping any already held) and set the HW to `min(leader HW, LEO)`.
    pub fn on_fetch_response(
        &self,
        log: &mut PartitionLog,
        resp: &FetchResponsePartition,
        partition_name: &str,
    ) -> FollowerFetchOutcome {
        if resp.error != ErrorCode::None {
            return FollowerFetchOutcome::Error(resp.error);
        }
        if let Some(div) = resp.diverging_epoch {
            return FollowerFetchOutcome::Truncated(truncate_to_epoch_end_offset(log, div, partition_name));
        }
        let mut records = 0;
        for b in &resp.records {
            if b.next_offset() <= log.log_end_offset() {
                continue;
            }
            match log.append_as_follower(b.clone()) {
                Ok(_) => records += b.len(),
                Err(e) => return FollowerFetchOutcome::Invalid(e),
            }
        }
        let high_watermark = log.update_high_watermark(resp.high_watermark);
        FollowerFetchOutcome::Appended {
            records,
            high_watermark,
        }
    }

    /// `fetchOffsetAndTruncate` after `OFFSET_OUT_OF_RANGE`, given the leader's end offset (a
    /// ListOffsets round trip): if the leader's log is shorter, truncate to its end (an unclean leader);
    /// otherwise fetch on from the LEO.
    pub fn on_offset_out_of_range(
        &self,
        log: &mut PartitionLog,
        leader_end_offset: i64,
        partition_name: &str,
    ) -> Option<Truncation> {
        let leo = log.log_end_offset();
        if leader_end_offset >= leo {
            return None;
        }
        let removed = log.truncate_to(leader_end_offset);
        Some(Truncation {
            reason: TruncationReason::LeaderEndOffset(leader_end_offset),
            from_log_end_offset: leo,
            to_offset: leader_end_offset,
            completed: true,
            removed,
            log_line: format!(
                "Truncating partition {partition_name} with {} due to leader's offset {leader_end_offset}",
                truncation_state(leader_end_offset, true)
            ),
        })
    }
}

/// `getOffsetTruncationState`: the offset to truncate to given the leader's `(epoch E, end offset O)`,
/// and whether truncation is complete.
/// - `O` undefined: the local HW (the follower's initial fetch offset);
/// - the follower knows `E`: `min(O, follower end offset for E, LEO)`, complete;
/// - it does not: the end of its largest epoch below `E` (`min` with its LEO), not complete — it
///   fetches again with that epoch;
/// - it has no epoch at all: `min(O, LEO)`.
pub fn truncation_offset(log: &PartitionLog, leader: EpochEndOffset) -> (i64, bool) {
    let leo = log.log_end_offset();
    if leader.end_offset == UNDEFINED_EPOCH_OFFSET {
        return (log.high_watermark(), true);
    }
    if leader.epoch == UNDEFINED_EPOCH {
        return (leader.end_offset.min(leo), true);
    }
    match log.end_offset_for_epoch(leader.epoch) {
        Some((follower_epoch, follower_end)) if follower_epoch != leader.epoch => {
            (follower_end.min(leo), false)
        }
        Some((_, follower_end)) => (leader.end_offset.min(follower_end).min(leo), true),
        None => (leader.end_offset.min(leo), true),
    }
}

/// Truncate `log` for the leader's `(epoch, end offset)` (a diverging epoch, or an OffsetsForLeaderEpoch
/// answer) and describe it. Kafka logs the line even when nothing is past the target.
pub fn truncate_to_epoch_end_offset(
    log: &mut PartitionLog,
    leader: EpochEndOffset,
    partition_name: &str,
) -> Truncation {
    let from = log.log_end_offset();
    let (offset, completed) = truncation_offset(log, leader);
    let removed = log.truncate_to(offset);
    let (reason, log_line) = if leader.end_offset == UNDEFINED_EPOCH_OFFSET {
        (
            TruncationReason::LocalHighWatermark(offset),
            format!(
                "Truncating partition {partition_name} with {} due to local high watermark {offset}",
                truncation_state(offset, completed)
            ),
        )
    } else {
        (
            TruncationReason::LeaderEpoch(leader),
            format!(
                "Truncating partition {partition_name} with {} due to leader epoch and offset \
                 EpochEndOffset(errorCode=0, partition={}, leaderEpoch={}, endOffset={})",
                truncation_state(offset, completed),
                partition_number(partition_name),
                leader.epoch,
                leader.end_offset
            ),
        )
    };
    Truncation {
        reason,
        from_log_end_offset: from,
        to_offset: offset,
        completed,
        removed,
        log_line,
    }
}

/// The partition number at the end of a `topic-N` display name (0 when there is none).
fn partition_number(partition_name: &str) -> i32 {
    partition_name
        .rsplit_once('-')
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0)
}
