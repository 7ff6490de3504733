//! The broker's idempotent-producer state for one partition, as Kafka 3.7 keeps it
//! (`ProducerStateManager`, `ProducerStateEntry`, `ProducerAppendInfo`, and the duplicate check of
//! `UnifiedLog.analyzeAndValidateProducerState`). Transactions are not modelled.
//!
//! Per producer id the broker keeps the producer epoch and the metadata of the last
//! [`NUM_BATCHES_TO_RETAIN`] batches. A leader append from a client is checked in Kafka's order:
//! 1. **Duplicate**: same epoch, and the batch's first and last sequence equal one of the retained
//!    batches' → the append is skipped and the original offsets returned with error `NONE`.
//! 2. **Epoch**: older than the current epoch → `INVALID_PRODUCER_EPOCH`.
//! 3. **Sequence** (`checkSequence`): a new epoch must start at sequence 0, unless the broker has no epoch
//!    for the producer; in the same epoch the first sequence must follow the last one (wrapping from
//!    `Integer.MAX_VALUE` to 0) → otherwise `OUT_OF_ORDER_SEQUENCE_NUMBER`. A duplicate older than the
//!    retained batches therefore gets `OUT_OF_ORDER_SEQUENCE_NUMBER`.
//!
//! An unknown producer id is accepted **at any sequence**: since KIP-360 (2.5) the broker no longer
//! answers `UNKNOWN_PRODUCER_ID`; `checkSequence` skips the check when the current epoch is
//! `NO_PRODUCER_EPOCH` (the state was never built, or expired, or was truncated away).
//!
//! Replicated appends (followers, and rebuilding from the log) are not validated: an older epoch is only
//! logged as a warning and there is no sequence or duplicate check (`AppendOrigin.REPLICATION`).
//!
//! The per-batch path allocates nothing except the first time a producer id is seen.

use crate::error_code::ErrorCode;
use crate::record::{NO_PRODUCER_ID, NO_SEQUENCE, RecordBatch};
use std::collections::BTreeMap;

/// How many batches' metadata are kept per producer (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`), which
/// is why `max.in.flight.requests.per.connection` must be at most 5 for idempotence.
pub const NUM_BATCHES_TO_RETAIN: usize = 5;
/// Kafka's `RecordBatch.NO_PRODUCER_EPOCH`.
pub const NO_PRODUCER_EPOCH: i16 = -1;
/// `producer.id.expiration.ms`'s default (1 day).
pub const DEFAULT_PRODUCER_ID_EXPIRATION_MS: u64 = 86_400_000;

/// Where an append comes from (`AppendOrigin`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendOrigin {
    /// A produce request on the leader: fully validated.
    Client,
    /// A follower's fetch, or rebuilding from the log: not validated.
    Replication,
}

/// What one retained batch looked like (`BatchMetadata`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchMetadata {
    /// The sequence of the first record.
    pub first_seq: i32,
    /// The sequence of the last record.
    pub last_seq: i32,
    /// The offset of the first record.
    pub first_offset: i64,
    /// The offset of the last record.
    pub last_offset: i64,
    /// The batch's timestamp (the simulation keeps the first record's create time).
    pub timestamp_ms: u64,
}

/// One producer's state in one partition (`ProducerStateEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerStateEntry {
    /// The producer id.
    pub producer_id: i64,
    /// The producer epoch, or [`NO_PRODUCER_EPOCH`].
    pub producer_epoch: i16,
    /// The timestamp of the last batch, for expiration.
    pub last_timestamp_ms: u64,
    batches: [BatchMetadata; NUM_BATCHES_TO_RETAIN],
    len: usize,
}

impl ProducerStateEntry {
    fn empty(producer_id: i64) -> Self {
        ProducerStateEntry {
            producer_id,
            producer_epoch: NO_PRODUCER_EPOCH,
            last_timestamp_ms: 0,
            batches: [BatchMetadata::default(); NUM_BATCHES_TO_RETAIN],
            len: 0,
        }
    }
    /// The retained batches, oldest first (at most [`NUM_BATCHES_TO_RETAIN`]).
    pub fn batches(&self) -> &[BatchMetadata] {
        &self.batches[..self.len.min(NUM_BATCHES_TO_RETAIN)]
    }
    /// The first sequence of the oldest retained batch, or [`NO_SEQUENCE`].
    pub fn first_seq(&self) -> i32 {
        self.batches().first().map_or(NO_SEQUENCE, |b| b.first_seq)
    }
    /// The last sequence of the newest retained batch, or [`NO_SEQUENCE`].
    pub fn last_seq(&self) -> i32 {
        self.batches().last().map_or(NO_SEQUENCE, |b| b.last_seq)
    }
    /// The last offset of the newest retained batch, or -1.
    pub fn last_data_offset(&self) -> i64 {
        self.batches().last().map_or(-1, |b| b.last_offset)
    }
    /// `findDuplicateBatch`: the retained batch with the same epoch and sequence range.
    pub fn find_duplicate(&self, epoch: i16, first_seq: i32, last_seq: i32) -> Option<BatchMetadata> {
        if epoch != self.producer_epoch {
            return None;
        }
        self.batches()
            .iter()
            .find(|b| b.first_seq == first_seq && b.last_seq == last_seq)
            .copied()
    }

    /// `addBatch`: a new epoch clears the retained batches; the oldest is dropped past five.
    fn add_batch(&mut self, epoch: i16, meta: BatchMetadata) {
        if self.producer_epoch != epoch {
            self.producer_epoch = epoch;
            self.len = 0;
        }
        if self.len >= NUM_BATCHES_TO_RETAIN {
            self.batches.copy_within(1.., 0);
            self.batches[NUM_BATCHES_TO_RETAIN - 1] = meta;
            self.len = NUM_BATCHES_TO_RETAIN;
        } else {
            self.batches[self.len] = meta;
            self.len += 1;
        }
        self.last_timestamp_ms = meta.timestamp_ms;
    }
}

/// What the leader should do with a batch that passed the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProducerCheck {
    /// Append it (also for batches without a producer id, and for every replicated batch).
    Append,
    /// Already in the log: do not append; answer `NONE` with these original offsets.
    Duplicate {
        /// The original batch's first offset (the produce response's base offset).
        first_offset: i64,
        /// The original batch's last offset.
        last_offset: i64,
        /// The original batch's timestamp.
        timestamp_ms: u64,
    },
}

/// Why the leader rejected a client's batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProducerStateError {
    /// The first sequence does not follow the last one in the same epoch.
    OutOfOrderSequence {
        /// The producer id.
        producer_id: i64,
        /// The offset the batch would have had.
        offset: i64,
        /// The batch's first sequence.
        incoming_seq: i32,
        /// The last sequence the broker has (or [`NO_SEQUENCE`]).
        current_last_seq: i32,
    },
    /// A new epoch that does not start at sequence 0.
    InvalidSequenceForNewEpoch {
        /// The producer id.
        producer_id: i64,
        /// The offset the batch would have had.
        offset: i64,
        /// The batch's epoch.
        producer_epoch: i16,
        /// The batch's first sequence.
        seq: i32,
        /// The broker's epoch for the producer.
        current_epoch: i16,
    },
    /// An epoch older than the broker's.
    InvalidProducerEpoch {
        /// The producer id.
        producer_id: i64,
        /// The offset the batch would have had.
        offset: i64,
        /// The batch's epoch.
        producer_epoch: i16,
        /// The broker's epoch for the producer.
        current_epoch: i16,
    },
}

impl ProducerStateError {
    /// The partition error in the produce response.
    pub fn code(self) -> ErrorCode {
        match self {
            ProducerStateError::OutOfOrderSequence { .. }
            | ProducerStateError::InvalidSequenceForNewEpoch { .. } => ErrorCode::OutOfOrderSequenceNumber,
            ProducerStateError::InvalidProducerEpoch { .. } => ErrorCode::InvalidProducerEpoch,
        }
    }
    /// The exception message as `ProducerAppendInfo` builds it; `tp` is e.g. `orders-0`.
    pub fn message(self, tp: &str) -> String {
        match self {
            ProducerStateError::OutOfOrderSequence {
                producer_id,
                offset,
                incoming_seq,
                current_last_seq,
            } => {
                format!(
                    "Out of order sequence number for producer {producer_id} at offset {offset} in partition {tp}: {incoming_seq} (incoming seq. number), {current_last_seq} (current end sequence number)"
                )
            }
            ProducerStateError::InvalidSequenceForNewEpoch {
                producer_id,
                offset,
                producer_epoch,
                seq,
                current_epoch,
            } => {
                // Kafka's message has no space between the producer id and "at".
                format!(
                    "Invalid sequence number for new epoch of producer {producer_id}at offset {offset} in partition {tp}: {producer_epoch} (request epoch), {seq} (seq. number), {current_epoch} (current producer epoch)"
                )
            }
            ProducerStateError::InvalidProducerEpoch {
                producer_id,
                offset,
                producer_epoch,
                current_epoch,
            } => {
                format!(
                    "Epoch of producer {producer_id} at offset {offset} in {tp} is {producer_epoch}, which is smaller than the last seen epoch {current_epoch}"
                )
            }
        }
    }
}

/// `inSequence`: `next` follows `last`, wrapping from `Integer.MAX_VALUE` to 0.
pub fn in_sequence(last_seq: i32, next_seq: i32) -> bool {
    i64::from(next_seq) == i64::from(last_seq) + 1 || (next_seq == 0 && last_seq == i32::MAX)
}

/// The idempotent-producer state of one partition replica.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerStateManager {
    producers: BTreeMap<i64, ProducerStateEntry>,
}

impl ProducerStateManager {
    /// No producer known.
    pub fn new() -> Self {
        Self::default()
    }

    /// The state of `producer_id`, if any (`lastEntry`).
    pub fn last_entry(&self, producer_id: i64) -> Option<&ProducerStateEntry> {
        self.producers.get(&producer_id)
    }

    /// How many producer ids have state.
    pub fn producer_count(&self) -> usize {
        self.producers.len()
    }

    /// Validates `batch` without changing anything. `batch.base_offset` is only used in error details.
    pub fn check(
        &self,
        batch: &RecordBatch,
        origin: AppendOrigin,
    ) -> Result<ProducerCheck, ProducerStateError> {
        if batch.producer_id == NO_PRODUCER_ID || origin == AppendOrigin::Replication {
            return Ok(ProducerCheck::Append);
        }
        let (pid, epoch, seq) = (batch.producer_id, batch.producer_epoch, batch.base_sequence);
        let entry = self.producers.get(&pid);
        if let Some(dup) = entry.and_then(|e| e.find_duplicate(epoch, seq, batch.last_sequence())) {
            return Ok(ProducerCheck::Duplicate {
                first_offset: dup.first_offset,
                last_offset: dup.last_offset,
                timestamp_ms: dup.timestamp_ms,
            });
        }
        let current_epoch = entry.map_or(NO_PRODUCER_EPOCH, |e| e.producer_epoch);
        let offset = batch.base_offset;
        if epoch < current_epoch {
            return Err(ProducerStateError::InvalidProducerEpoch {
                producer_id: pid,
                offset,
                producer_epoch: epoch,
                current_epoch,
            });
        }
        if epoch != current_epoch {
            if seq != 0 && current_epoch != NO_PRODUCER_EPOCH {
                return Err(ProducerStateError::InvalidSequenceForNewEpoch {
                    producer_id: pid,
                    offset,
                    producer_epoch: epoch,
                    seq,
                    current_epoch,
                });
            }
        } else {
            let current_last_seq = entry.map_or(NO_SEQUENCE, ProducerStateEntry::last_seq);
            if current_epoch != NO_PRODUCER_EPOCH && !in_sequence(current_last_seq, seq) {
                return Err(ProducerStateError::OutOfOrderSequence {
                    producer_id: pid,
                    offset,
                    incoming_seq: seq,
                    current_last_seq,
                });
            }
        }
        Ok(ProducerCheck::Append)
    }

    /// Records an appended batch (its `base_offset` assigned): the epoch, and the batch's metadata.
    /// Batches without a producer id are ignored.
    pub fn update(&mut self, batch: &RecordBatch) {
        if batch.producer_id == NO_PRODUCER_ID {
            return;
        }
        let meta = BatchMetadata {
            first_seq: batch.base_sequence,
            last_seq: batch.last_sequence(),
            first_offset: batch.base_offset,
            last_offset: batch.last_offset(),
            timestamp_ms: batch.first_timestamp_ms,
        };
        (self.producers.entry(batch.producer_id))
            .or_insert_with(|| ProducerStateEntry::empty(batch.producer_id))
            .add_batch(batch.producer_epoch, meta);
    }

    /// [`check`](Self::check), then [`update`](Self::update) when the answer is `Append`. The caller
    /// sets `batch.base_offset` to the log end offset first, and appends the batch to the log when the
    /// answer is `Append`. A leader passes [`AppendOrigin::Client`], a follower
    /// [`AppendOrigin::Replication`].
    pub fn check_and_append(
        &mut self,
        batch: &RecordBatch,
        origin: AppendOrigin,
    ) -> Result<ProducerCheck, ProducerStateError> {
        let result = self.check(batch, origin)?;
        if result == ProducerCheck::Append {
            self.update(batch);
        }
        Ok(result)
    }

    /// Rebuilds the state from a log, oldest batch first, after a truncation or on becoming leader
    /// (`truncateAndReload` with no snapshot: a replay with `AppendOrigin.REPLICATION`).
    pub fn rebuild_from<'a>(&mut self, batches: impl IntoIterator<Item = &'a RecordBatch>) {
        self.producers.clear();
        for b in batches {
            self.update(b);
        }
    }

    /// Forgets everything (`truncateFullyAndStartAt`).
    pub fn clear(&mut self) {
        self.producers.clear();
    }

    /// `removeExpiredProducers`: drops producers whose last batch is `expiration_ms` or more older than
    /// `now_ms` (`producer.id.expiration.ms`, checked every `producer.id.expiration.check.interval.ms`,
    /// 10 minutes). Returns how many were removed.
    pub fn remove_expired_producers(&mut self, now_ms: u64, expiration_ms: u64) -> usize {
        let before = self.producers.len();
        self.producers
            .retain(|_, e| now_ms.saturating_sub(e.last_timestamp_ms) < expiration_ms);
        before - self.producers.len()
    }
}
