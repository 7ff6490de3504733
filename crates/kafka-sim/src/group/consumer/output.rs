//! What the consumer state machine hands out: requests to send, log lines, delivery facts, and the
//! view the UI reads.

use super::super::delivery::{CommitFact, IncidentFact, ProcessedRange};
use super::super::wire::{ClientRequest, NamedPartition};
use crate::ids::BrokerId;
use crate::time::SimTime;
use serde::Serialize;

/// A request the consumer wants sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Outgoing {
    /// A group-protocol or data request, answered by a `ClientResponse` with the same correlation id.
    Request {
        /// The broker.
        to: BrokerId,
        /// The correlation id.
        correlation_id: i32,
        /// The request.
        request: ClientRequest,
    },
    /// A Metadata request (for the partition leaders), answered by `ClusterMsg::MetadataResponse`.
    Metadata {
        /// The broker.
        to: BrokerId,
    },
}

/// A log line the consumer would write, Kafka's text, without the `[Consumer clientId=..., groupId=...] `
/// prefix (see [`super::Consumer::log_prefix`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct LogLine {
    /// `INFO`, `WARN` or `ERROR`.
    pub level: &'static str,
    /// The line.
    pub message: String,
}

/// The delivery facts the consumer recorded since they were last drained.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConsumerFacts {
    /// One per processed poll batch per partition.
    pub processed: Vec<ProcessedRange>,
    /// One per partition of each OffsetCommit the coordinator answered.
    pub commits: Vec<CommitFact>,
    /// Crashes, failed commits, lost or revoked partitions.
    pub incidents: Vec<IncidentFact>,
}

impl ConsumerFacts {
    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.processed.is_empty() && self.commits.is_empty() && self.incidents.is_empty()
    }
}

/// Kafka's `MemberState` of the classic protocol, as the client sees itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum MemberState {
    /// Not in the group (start, after a reset or a LeaveGroup).
    Unjoined,
    /// JoinGroup sent, waiting for the answer.
    PreparingRebalance,
    /// Joined; SyncGroup sent, waiting for the assignment.
    CompletingRebalance,
    /// In the group with an assignment.
    Stable,
}

impl MemberState {
    /// Kafka's name (`STABLE`).
    pub fn name(self) -> &'static str {
        match self {
            MemberState::Unjoined => "UNJOINED",
            MemberState::PreparingRebalance => "PREPARING_REBALANCE",
            MemberState::CompletingRebalance => "COMPLETING_REBALANCE",
            MemberState::Stable => "STABLE",
        }
    }
}

/// Whether the client runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Lifecycle {
    /// Built, not started yet.
    New,
    /// Running.
    Running,
    /// `close()` was called: it finishes its batch, commits, leaves and stops.
    Closing,
    /// Closed.
    Closed,
    /// Crashed (the node is down).
    Crashed,
}

/// What the application thread is doing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum AppView {
    /// Inside `poll()`, waiting for records (or for the group).
    Polling,
    /// Processing the records of one poll until `until`.
    Processing {
        /// When processing ends (later if paused).
        until: SimTime,
        /// The records: partition, first offset, offset after the last.
        ranges: Vec<(NamedPartition, i64, i64)>,
    },
    /// Blocked in `commitSync()`.
    Committing,
    /// Stopped (closed or crashed).
    Stopped,
}

/// A snapshot of the consumer for the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsumerView {
    /// `client.id`.
    pub client_id: String,
    /// The member id (empty before the first join).
    pub member_id: String,
    /// The generation (-1 when not in the group).
    pub generation: i32,
    /// The member state.
    pub state: MemberState,
    /// Whether it runs.
    pub lifecycle: Lifecycle,
    /// Whether it leads the group.
    pub is_leader: bool,
    /// The coordinator, when known.
    pub coordinator: Option<BrokerId>,
    /// Assigned partitions.
    pub assigned: Vec<NamedPartition>,
    /// The position (next offset to return) of each assigned partition that has one.
    pub positions: Vec<(NamedPartition, i64)>,
    /// The committed offsets it knows of.
    pub committed: Vec<(NamedPartition, i64)>,
    /// Records fetched, not yet returned by `poll()`.
    pub buffered_records: u64,
    /// When `poll()` was last called.
    pub last_poll: Option<SimTime>,
    /// When the last heartbeat was sent.
    pub last_heartbeat_sent: Option<SimTime>,
    /// When the last successful heartbeat answer arrived.
    pub last_heartbeat_ok: Option<SimTime>,
    /// What the application thread does.
    pub app: AppView,
    /// The end of a pause of the poll loop, if paused.
    pub paused_until: Option<SimTime>,
    /// The end of a process freeze (a GC pause), if frozen (set by the node; the client cannot know).
    pub frozen_until: Option<SimTime>,
    /// The record that does not deserialize and every `poll()` throws on: its partition, its offset,
    /// and how many polls have failed on it.
    pub stuck_on: Option<(NamedPartition, i64, u64)>,
}
