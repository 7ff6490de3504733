//! The leader-epoch cache (`LeaderEpochFileCache`): which leader epoch started at which offset.

use serde::{Deserialize, Serialize};

/// Kafka's `UNDEFINED_EPOCH` (-1): no leader epoch known.
pub const UNDEFINED_EPOCH: i32 = -1;
/// Kafka's `UNDEFINED_EPOCH_OFFSET` (-1): no end offset known for the requested epoch.
pub const UNDEFINED_EPOCH_OFFSET: i64 = -1;

/// One entry of the cache: leader epoch `epoch` wrote its first record at `start_offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EpochEntry {
    /// The leader epoch.
    pub epoch: i32,
    /// The offset of the first record written in that epoch.
    pub start_offset: i64,
}

/// The leader-epoch cache of one replica (`leader-epoch-checkpoint`, flushed on every change, so it
/// survives a crash with the log). Entries are strictly increasing in both epoch and start offset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderEpochCache {
    entries: Vec<EpochEntry>,
}

impl LeaderEpochCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[EpochEntry] {
        &self.entries
    }

    /// The latest (largest) epoch, if any.
    pub fn latest_epoch(&self) -> Option<i32> {
        self.entries.last().map(|e| e.epoch)
    }

    /// The latest entry, if any.
    pub fn latest_entry(&self) -> Option<EpochEntry> {
        self.entries.last().copied()
    }

    /// The earliest entry, if any.
    pub fn earliest_entry(&self) -> Option<EpochEntry> {
        self.entries.first().copied()
    }

    /// `LeaderEpochFileCache.assign`: record that `epoch` starts at `start_offset`. Negative epochs are
    /// ignored; a repeat of the latest epoch at a later offset changes nothing; otherwise every entry
    /// with an epoch `>= epoch` or a start offset `>= start_offset` is dropped first, so the cache stays
    /// monotonic. O(1) when nothing changes.
    pub fn assign(&mut self, epoch: i32, start_offset: i64) {
        if epoch < 0 {
            return;
        }
        if let Some(last) = self.entries.last()
            && last.epoch == epoch
            && start_offset >= last.start_offset
        {
            return;
        }
        self.entries
            .retain(|e| e.epoch < epoch && e.start_offset < start_offset);
        self.entries.push(EpochEntry { epoch, start_offset });
    }

    /// `LeaderEpochFileCache.endOffsetFor(requestedEpoch, logEndOffset)` of Kafka 3.7, returning
    /// `(epoch, end_offset)`:
    /// - `requested == UNDEFINED_EPOCH`, or no epoch above it (empty cache, or a requested epoch larger
    ///   than every known one): `(UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET)`;
    /// - `requested` is the latest epoch: `(requested, log_end_offset)`;
    /// - `requested` is below every known epoch: `(requested, start of the first epoch)` (Kafka ≥ 2.0;
    ///   KIP-101's original answer was `UNDEFINED_EPOCH_OFFSET`);
    /// - otherwise the largest epoch `<= requested` and the start offset of the first epoch above it.
    pub fn end_offset_for(&self, requested: i32, log_end_offset: i64) -> (i32, i64) {
        if requested == UNDEFINED_EPOCH {
            return (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
        }
        if self.latest_epoch() == Some(requested) {
            return (requested, log_end_offset);
        }
        // Index of the first entry with epoch > requested.
        let higher = self.entries.partition_point(|e| e.epoch <= requested);
        let Some(higher_entry) = self.entries.get(higher) else {
            return (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
        };
        match higher.checked_sub(1).and_then(|i| self.entries.get(i)) {
            None => (requested, higher_entry.start_offset),
            Some(floor) => (floor.epoch, higher_entry.start_offset),
        }
    }

    /// `truncateFromEnd(endOffset)`: drop every entry starting at or after `end_offset` (after the log
    /// was truncated to `end_offset`).
    pub fn truncate_from_end(&mut self, end_offset: i64) {
        let keep = self.entries.partition_point(|e| e.start_offset < end_offset);
        self.entries.truncate(keep);
    }

    /// `truncateFromStart(startOffset)`: drop entries wholly before `start_offset`; the last of them is
    /// kept, moved to start at `start_offset`.
    pub fn truncate_from_start(&mut self, start_offset: i64) {
        let first_kept = self.entries.partition_point(|e| e.start_offset <= start_offset);
        if first_kept == 0 {
            return;
        }
        let mut moved = self.entries[first_kept - 1];
        moved.start_offset = start_offset;
        self.entries.drain(..first_kept);
        self.entries.insert(0, moved);
    }

    /// Forget every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
