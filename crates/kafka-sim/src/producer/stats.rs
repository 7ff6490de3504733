//! The producer's counters, for the JSON report.

use std::collections::BTreeMap;

use crate::error_code::ErrorCode;

/// Counters of one producer client. Record counts are records; `retries`, `batches` and `requests` count
/// batches and requests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerStats {
    /// Records accepted by `send`.
    pub sent: u64,
    /// Records acknowledged (acks=0: as soon as their request was sent).
    pub acked: u64,
    /// Records whose batch failed (non-retriable error, retries exhausted, or delivery timeout).
    pub failed: u64,
    /// Every error a batch met, by error: one per batch per error response, request timeout,
    /// disconnect or expiry (so a batch retried three times on `NOT_LEADER_OR_FOLLOWER` counts 3).
    pub errors: BTreeMap<ErrorCode, u64>,
    /// Batch retries (re-enqueues).
    pub retries: u64,
    /// Batches created.
    pub batches: u64,
    /// Produce requests sent.
    pub requests: u64,
}

impl ProducerStats {
    /// Counts one occurrence of `error`.
    pub fn count_error(&mut self, error: ErrorCode) {
        *self.errors.entry(error).or_insert(0) += 1;
    }

    /// The count for `error`.
    pub fn error_count(&self, error: ErrorCode) -> u64 {
        self.errors.get(&error).copied().unwrap_or(0)
    }

    /// `errors` keyed by Kafka's error name (e.g. `NOT_LEADER_OR_FOLLOWER`).
    pub fn errors_by_name(&self) -> BTreeMap<&'static str, u64> {
        self.errors.iter().map(|(e, n)| (e.name(), *n)).collect()
    }
}
