//! What consumers report for the delivery oracle: compact, batch-level facts, never per-record
//! events, so consuming millions of records stays cheap. The consumer node records them; the
//! delivery oracle ([`crate::oracle`]) folds them into once / twice / skipped counts.

use crate::record::TopicPartition;
use crate::time::SimTime;
use serde::Serialize;

/// A member of a simulated group, by its place in the scenario: group index and member index (from 1,
/// as a scenario addresses members: `GROUP/1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct MemberRef {
    /// The group's index in the scenario's `[[consumer_groups]]`.
    pub group: u16,
    /// The member's number within the group, from 1.
    pub member: u16,
}

/// One contiguous run of offsets of one partition that a member finished processing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ProcessedRange {
    /// Who processed it.
    pub by: MemberRef,
    /// The partition.
    pub tp: TopicPartition,
    /// The first offset processed.
    pub from: i64,
    /// The offset after the last one processed (exclusive).
    pub to: i64,
    /// When processing of the last record ended.
    pub at: SimTime,
    /// The member's group generation when it polled the records.
    pub generation: i32,
}

/// One committed offset as the coordinator accepted it (or refused it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct CommitFact {
    /// Who committed.
    pub by: MemberRef,
    /// The partition.
    pub tp: TopicPartition,
    /// The committed offset (the next to consume).
    pub offset: i64,
    /// When the answer arrived.
    pub at: SimTime,
    /// True when the coordinator accepted it.
    pub ok: bool,
}

/// Something that happened to a member that explains re-processing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum MemberIncident {
    /// The member crashed (no LeaveGroup).
    Crashed,
    /// A commit failed (CommitFailedException or a refused auto-commit).
    CommitFailed,
    /// The member lost partitions in a rebalance (revoked, or lost after a timeout).
    PartitionsLost,
}

/// A timed [`MemberIncident`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct IncidentFact {
    /// Whose.
    pub by: MemberRef,
    /// What.
    pub incident: MemberIncident,
    /// When.
    pub at: SimTime,
}
