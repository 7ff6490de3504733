//! One replica's partition log (`UnifiedLog`, one segment): its batches, log start and end offsets,
//! leader-epoch cache and high watermark.
//!
//! **Durability model.** A broker crash here is a process crash (the container is killed): what was
//! appended is in the page cache and survives, so the batches and the epoch cache (flushed on every
//! change) survive [`PartitionLog::on_restart`] whole. The high watermark does not: Kafka keeps it in
//! memory and writes it to `replication-offset-checkpoint` every
//! `replica.high.watermark.checkpoint.interval.ms` (5 s) and on clean shutdown. The broker calls
//! [`PartitionLog::checkpoint_high_watermark`] on that timer; a restart reloads the last checkpoint,
//! clamped to the log (`UnifiedLog` does the same).
//!
//! Offsets are `i64` as in Kafka. Batches share their records (`Arc<[RecordId]>`); nothing here copies
//! a record. Lookups by offset are binary searches.

#[path = "epoch_cache.rs"]
mod epoch_cache;

pub use epoch_cache::{EpochEntry, LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET};

use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::record::{RecordBatch, RecordId};
use thiserror::Error;

/// What an append wrote (`LogAppendInfo`, reduced).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogAppendInfo {
    /// The offset of the first record written.
    pub first_offset: i64,
    /// The offset of the last record written.
    pub last_offset: i64,
    /// The leader epoch the batch carries.
    pub leader_epoch: i32,
}

/// Invalid input to a log operation (a caller bug, not a Kafka error).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum LogError {
    /// The batch holds no record.
    #[error("cannot append an empty batch")]
    EmptyBatch,
    /// A follower append that does not start at the log end offset
    /// (Kafka's `UnexpectedAppendOffsetException`).
    #[error("unexpected append offset: batch starts at {base_offset}, log end offset is {log_end_offset}")]
    UnexpectedAppendOffset {
        /// The batch's base offset.
        base_offset: i64,
        /// The log end offset.
        log_end_offset: i64,
    },
}

/// A replica's durable log of one partition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartitionLog {
    batches: Vec<RecordBatch>,
    log_start_offset: i64,
    epochs: LeaderEpochCache,
    high_watermark: i64,
    checkpointed_high_watermark: i64,
}

impl PartitionLog {
    /// An empty log starting at offset 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// The log start offset (0: nothing is ever deleted).
    pub fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }

    /// The log end offset: the offset the next record will get.
    pub fn log_end_offset(&self) -> i64 {
        self.batches
            .last()
            .map_or(self.log_start_offset, RecordBatch::next_offset)
    }

    /// The local high watermark.
    pub fn high_watermark(&self) -> i64 {
        self.high_watermark
    }

    /// The high watermark as last written to `replication-offset-checkpoint`.
    pub fn checkpointed_high_watermark(&self) -> i64 {
        self.checkpointed_high_watermark
    }

    /// The leader-epoch cache.
    pub fn epoch_cache(&self) -> &LeaderEpochCache {
        &self.epochs
    }

    /// The latest leader epoch in the cache.
    pub fn latest_epoch(&self) -> Option<i32> {
        self.epochs.latest_epoch()
    }

    /// `UnifiedLog.endOffsetForEpoch`: the cache's `end_offset_for(epoch, LEO)`, or `None` when it
    /// answers `UNDEFINED_EPOCH_OFFSET`. Returns `(epoch, end_offset)`.
    pub fn end_offset_for_epoch(&self, epoch: i32) -> Option<(i32, i64)> {
        let (e, o) = self.epochs.end_offset_for(epoch, self.log_end_offset());
        (o != UNDEFINED_EPOCH_OFFSET).then_some((e, o))
    }

    /// Every batch, oldest first.
    pub fn batches(&self) -> &[RecordBatch] {
        &self.batches
    }

    /// How many records the log holds.
    pub fn record_count(&self) -> i64 {
        self.log_end_offset() - self.log_start_offset
    }

    /// Index of the batch holding `offset`, or of the first batch after it.
    fn index_from(&self, offset: i64) -> usize {
        // Fast path: reads (follower fetches, invariant checks) are almost always near the end.
        let n = self.batches.len();
        for i in (n.saturating_sub(8)..n).rev() {
            if self.batches[i].next_offset() <= offset {
                return i + 1;
            }
            if i == 0 || self.batches[i - 1].next_offset() <= offset {
                return i;
            }
        }
        self.batches.partition_point(|b| b.next_offset() <= offset)
    }

    /// The batch holding `offset`.
    pub fn batch_at(&self, offset: i64) -> Option<&RecordBatch> {
        self.batches
            .get(self.index_from(offset))
            .filter(|b| b.base_offset <= offset)
    }

    /// The record at `offset` and the leader epoch it was written in.
    pub fn record_at(&self, offset: i64) -> Option<(RecordId, i32)> {
        let b = self.batch_at(offset)?;
        let i = usize::try_from(offset - b.base_offset).ok()?;
        b.records.get(i).map(|r| (*r, b.partition_leader_epoch))
    }

    /// Every record from `from` (inclusive) to `to` (exclusive) with its offset and epoch.
    pub fn records_in(&self, from: i64, to: i64) -> impl Iterator<Item = (i64, RecordId, i32)> + '_ {
        self.batches[self.index_from(from)..]
            .iter()
            .take_while(move |b| b.base_offset < to)
            .flat_map(|b| {
                b.records
                    .iter()
                    .enumerate()
                    .map(move |(i, r)| (b.base_offset + i as i64, *r, b.partition_leader_epoch))
            })
            .filter(move |(o, _, _)| *o >= from && *o < to)
    }

    /// `appendAsLeader`: stamp `batch` with the next offset and `leader_epoch`, append it and record the
    /// epoch in the cache. The batch's records are moved in, not copied.
    pub fn append_as_leader(
        &mut self,
        mut batch: RecordBatch,
        leader_epoch: i32,
    ) -> Result<LogAppendInfo, LogError> {
        if batch.is_empty() {
            return Err(LogError::EmptyBatch);
        }
        batch.base_offset = self.log_end_offset();
        batch.partition_leader_epoch = leader_epoch;
        self.epochs.assign(leader_epoch, batch.base_offset);
        let info = LogAppendInfo {
            first_offset: batch.base_offset,
            last_offset: batch.last_offset(),
            leader_epoch,
        };
        self.batches.push(batch);
        Ok(info)
    }

    /// `appendAsFollower`: append a batch as the leader wrote it (its offsets and epoch kept). It must
    /// start at the log end offset. The cache learns the batch's epoch if it is new.
    pub fn append_as_follower(&mut self, batch: RecordBatch) -> Result<LogAppendInfo, LogError> {
        if batch.is_empty() {
            return Err(LogError::EmptyBatch);
        }
        let leo = self.log_end_offset();
        if batch.base_offset != leo {
            return Err(LogError::UnexpectedAppendOffset {
                base_offset: batch.base_offset,
                log_end_offset: leo,
            });
        }
        self.epochs
            .assign(batch.partition_leader_epoch, batch.base_offset);
        let info = LogAppendInfo {
            first_offset: batch.base_offset,
            last_offset: batch.last_offset(),
            leader_epoch: batch.partition_leader_epoch,
        };
        self.batches.push(batch);
        Ok(info)
    }

    /// Record a new leader epoch starting at the log end offset (`maybeAssignEpochStartOffset`, done by
    /// a replica becoming leader before it appends anything).
    pub fn assign_epoch_start_offset(&mut self, leader_epoch: i32) {
        let leo = self.log_end_offset();
        self.epochs.assign(leader_epoch, leo);
    }

    /// `UnifiedLog.read`: the batches from the one holding `fetch_offset`, whose base offsets are below
    /// `max_offset` (the LEO for followers, the HW for consumers), adding batches while the total
    /// stays within `max_bytes` — but always the first one, however large (KIP-74). A `fetch_offset`
    /// outside `[log start, LEO]` is `OFFSET_OUT_OF_RANGE`. Returns a slice of the log: no copy.
    pub fn read(
        &self,
        fetch_offset: i64,
        max_bytes: u32,
        max_offset: i64,
    ) -> Result<&[RecordBatch], ErrorCode> {
        if fetch_offset < self.log_start_offset || fetch_offset > self.log_end_offset() {
            return Err(ErrorCode::OffsetOutOfRange);
        }
        let start = self.index_from(fetch_offset);
        let mut end = start;
        let mut bytes: u64 = 0;
        for b in &self.batches[start..] {
            if b.base_offset >= max_offset {
                break;
            }
            let next = bytes + u64::from(b.size_bytes);
            if end > start && next > u64::from(max_bytes) {
                break;
            }
            bytes = next;
            end += 1;
        }
        Ok(&self.batches[start..end])
    }

    /// `truncateTo(offset)`: remove every batch holding an offset `>= offset` and return them (so the
    /// caller can tell which records were lost). A batch is removed whole, so a target inside a batch
    /// leaves the LEO at that batch's base offset. Also trims the epoch cache and clamps the HW.
    /// A target at or past the LEO removes no batch, but still drops epoch entries starting at the LEO.
    pub fn truncate_to(&mut self, offset: i64) -> Vec<RecordBatch> {
        let keep = self.index_from(offset.max(self.log_start_offset));
        let removed = self.batches.split_off(keep);
        let leo = self.log_end_offset();
        // Kafka's `UnifiedLog.truncateTo` truncates the epoch cache even when no record goes: a broker
        // that became leader and appended nothing left an entry starting at its LEO, which would
        // otherwise make it fetch with that epoch forever (the leader answers a diverging epoch).
        self.epochs.truncate_from_end(leo);
        if !removed.is_empty() {
            self.high_watermark = self.high_watermark.min(leo);
            self.checkpointed_high_watermark = self.checkpointed_high_watermark.min(leo);
        }
        removed
    }

    /// `updateHighWatermark`: set the HW to `hw` clamped to `[log start, LEO]` (followers take the
    /// leader's HW this way; it may go down). Returns the HW set.
    pub fn update_high_watermark(&mut self, hw: i64) -> i64 {
        self.high_watermark = hw.clamp(self.log_start_offset, self.log_end_offset());
        self.high_watermark
    }

    /// `maybeIncrementHighWatermark`: raise the HW to `hw` (clamped to the LEO) if that is higher.
    /// Returns the new HW when it moved.
    pub fn maybe_increment_high_watermark(&mut self, hw: i64) -> Option<i64> {
        let hw = hw.min(self.log_end_offset());
        (hw > self.high_watermark).then(|| {
            self.high_watermark = hw;
            hw
        })
    }

    /// Write the HW to the checkpoint (every 5 s and on clean shutdown).
    pub fn checkpoint_high_watermark(&mut self) {
        self.checkpointed_high_watermark = self.high_watermark;
    }

    /// A crash and restart: the batches and the epoch cache survive; the HW is reloaded from the last
    /// checkpoint, clamped to the log.
    pub fn on_restart(&mut self) {
        let hw = self.checkpointed_high_watermark;
        self.update_high_watermark(hw);
    }
}

/// A broken invariant, with a human-readable explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvariantViolation {
    /// Which invariant.
    pub invariant: &'static str,
    /// What was seen.
    pub detail: String,
}

/// "The HW never goes down within a leader's tenure."
pub fn hw_never_decreases(old_hw: i64, new_hw: i64) -> Result<(), InvariantViolation> {
    if new_hw < old_hw {
        return Err(InvariantViolation {
            invariant: "hw-monotonic",
            detail: format!("high watermark went down from {old_hw} to {new_hw} within one leader epoch"),
        });
    }
    Ok(())
}

/// "At most one leader per partition and epoch": given every broker that believes it leads the
/// partition with its epoch, no epoch may have two.
pub fn at_most_one_leader_per_epoch(leaders: &[(BrokerId, i32)]) -> Result<(), InvariantViolation> {
    for (i, (a, ea)) in leaders.iter().enumerate() {
        if let Some((b, _)) = leaders[i + 1..].iter().find(|(b, eb)| eb == ea && b != a) {
            return Err(InvariantViolation {
                invariant: "one-leader-per-epoch",
                detail: format!("brokers {a} and {b} both lead leader epoch {ea}"),
            });
        }
    }
    Ok(())
}

/// "Records below the HW are identical on every ISR replica": compares the records in `[from, hw)`
/// of every log (record ids and epochs; shared batches compare by pointer first). `from` lets a
/// periodic checker only look at what is new since its last run.
pub fn isr_logs_agree_below(
    logs: &[(BrokerId, &PartitionLog)],
    from: i64,
    hw: i64,
) -> Result<(), InvariantViolation> {
    let Some(((ref_broker, reference), rest)) = logs.split_first() else {
        return Ok(());
    };
    for (broker, log) in rest {
        if log.log_end_offset() < hw || reference.log_end_offset() < hw {
            return Err(InvariantViolation {
                invariant: "isr-identical-below-hw",
                detail: format!(
                    "high watermark {hw} is past the end of broker {}'s log ({}) or broker {ref_broker}'s ({})",
                    broker,
                    log.log_end_offset(),
                    reference.log_end_offset()
                ),
            });
        }
        let mut a = reference.records_in(from, hw);
        let mut b = log.records_in(from, hw);
        loop {
            match (a.next(), b.next()) {
                (None, None) => break,
                (x, y) if x == y => continue,
                (x, y) => {
                    return Err(InvariantViolation {
                        invariant: "isr-identical-below-hw",
                        detail: format!(
                            "below high watermark {hw}, broker {ref_broker} has {x:?} but broker {broker} has {y:?}"
                        ),
                    });
                }
            }
        }
    }
    Ok(())
}
