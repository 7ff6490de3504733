//! The sender's inputs and outputs: produce requests, partition results, completions, log lines.

use std::sync::Arc;

use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::record::{RecordBatch, RecordId, TopicPartition};
use crate::time::SimTime;

/// One partition's batch in a produce request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionData {
    /// The partition.
    pub tp: TopicPartition,
    /// The batch (records shared with the producer's in-flight copy).
    pub batch: RecordBatch,
}

/// A produce request to one broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProduceRequest {
    /// The leader it goes to.
    pub broker: BrokerId,
    /// Its correlation id (per producer, from 0).
    pub correlation_id: i32,
    /// `acks` on the wire (`-1`, `0`, `1`).
    pub acks: i16,
    /// The request's timeout (`request.timeout.ms`), which bounds the broker's acks=all wait.
    pub timeout_ms: u32,
    /// One batch per partition.
    pub partitions: Vec<PartitionData>,
}

impl ProduceRequest {
    /// Whether the broker answers it (acks is not 0).
    pub fn expects_response(&self) -> bool {
        self.acks != 0
    }
}

/// One partition's result in a produce response.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct PartitionResult {
    /// The partition.
    pub tp: TopicPartition,
    /// Its error (`NONE` on success).
    pub error: ErrorCode,
    /// The offset of the batch's first record (success and `DUPLICATE_SEQUENCE_NUMBER`), else -1.
    pub base_offset: i64,
    /// The broker's error message, if any.
    pub error_message: Option<String>,
}

/// How a batch ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Written; acks=0 reports offset -1.
    Acked {
        /// The offset of the first record.
        base_offset: i64,
    },
    /// Failed for good, with the exception's message.
    Failed {
        /// The error (`REQUEST_TIMED_OUT` for Kafka's `TimeoutException`s, including expiry).
        error: ErrorCode,
        /// The message, e.g. `Expiring 1 record(s) for t-0:120000 ms has passed since batch creation`.
        message: String,
    },
}

/// A completed batch: the records' callbacks would run now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// Its partition.
    pub tp: TopicPartition,
    /// Its records, in send order.
    pub records: Arc<[RecordId]>,
    /// When its first record was sent (the first record's latency is `now - created`).
    pub created: SimTime,
    /// When its last record was sent.
    pub last_append: SimTime,
    /// How many times it was retried.
    pub attempts: u32,
    /// The outcome.
    pub outcome: Outcome,
}

/// A log line the producer would write (`[Producer clientId=...] ` prefix left to the node).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerLog {
    /// `WARN` or `INFO`.
    pub level: &'static str,
    /// The message, Kafka's text.
    pub message: String,
}

/// Why [`Producer::send`] refused a record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The producer was closed.
    #[error("Cannot perform operation after producer has been closed")]
    Closed,
}

/// What [`Producer::poll`] produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PollOutput {
    /// Requests to send now, in broker order.
    pub requests: Vec<ProduceRequest>,
    /// Batches that completed during the poll.
    pub completions: Vec<Completion>,
}
