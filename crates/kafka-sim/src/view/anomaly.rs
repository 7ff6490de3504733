//! The anomalies tab: the oracles' findings, in Jepsen's terms.

use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// An anomaly class, named as Jepsen's Kafka workload names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AnomalyClass {
    /// An acknowledged record is not in the log (Jepsen `lost-write`).
    LostWrite,
    /// An acknowledged record is in the log, at another offset than the acknowledged one
    /// (Jepsen `inconsistent-offsets`, seen from the writer).
    WrongOffset,
    /// An offset held one record and later another (Jepsen `inconsistent-offsets`).
    InconsistentOffsets,
    /// A record is in the log twice, or was processed twice (Jepsen `duplicate`).
    Duplicate,
    /// A producer's records are out of their send order in a partition (Jepsen `nonmonotonic-send`).
    NonmonotonicSend,
    /// Offsets a group committed past without processing them (Jepsen `poll-skip`).
    PollSkip,
    /// An `acks=0` record is not in the log (allowed by `acks=0`: the client was never told).
    UnconfirmedLoss,
    /// A record whose send failed is in the log (allowed: Jepsen's indeterminate `info` write).
    FailedButPresent,
}

impl AnomalyClass {
    /// Jepsen's name for it (`lost-write`, `duplicate`, ...).
    pub fn jepsen_name(self) -> &'static str {
        match self {
            AnomalyClass::LostWrite => "lost-write",
            AnomalyClass::WrongOffset | AnomalyClass::InconsistentOffsets => "inconsistent-offsets",
            AnomalyClass::Duplicate => "duplicate",
            AnomalyClass::NonmonotonicSend => "nonmonotonic-send",
            AnomalyClass::PollSkip => "poll-skip",
            AnomalyClass::UnconfirmedLoss => "unconfirmed-loss",
            AnomalyClass::FailedButPresent => "indeterminate-write",
        }
    }

    /// True when Kafka's contract allows it for the configuration that produced it (acks=0 losses,
    /// failed writes that landed after all).
    pub fn allowed(self) -> bool {
        matches!(
            self,
            AnomalyClass::UnconfirmedLoss | AnomalyClass::FailedButPresent
        )
    }
}

/// Everything the oracles found so far.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnomaliesView {
    /// When the check ran (the simulated clock).
    pub at: SimTime,
    /// Records the producers sent.
    pub sent: u64,
    /// Records acknowledged with an offset.
    pub acked: u64,
    /// Acknowledged records lost.
    pub lost: u64,
    /// Acknowledged records at another offset.
    pub wrong_offset: u64,
    /// Extra copies of records in the logs.
    pub duplicates: u64,
    /// Records out of send order.
    pub reordered: u64,
    /// Offsets whose record changed.
    pub inconsistent_offsets: u64,
    /// `acks=0` records absent.
    pub unconfirmed_lost: u64,
    /// Failed records present.
    pub failed_but_present: u64,
    /// Per record, explained: at most the oracle's cap per class, by class then partition and offset.
    pub findings: Vec<AnomalyView>,
    /// True when some record findings were left out because of the cap.
    pub findings_capped: bool,
    /// Per consumer group, the delivery oracle's counts, explained.
    pub groups: Vec<GroupDeliveryView>,
}

impl AnomaliesView {
    /// True when nothing Kafka's contract forbids happened (see [`AnomalyClass::allowed`]).
    pub fn is_clean(&self) -> bool {
        self.findings.iter().all(|f| f.class.allowed()) && self.groups.iter().all(|g| g.skipped == 0)
    }

    /// The findings of one class.
    pub fn of(&self, class: AnomalyClass) -> impl Iterator<Item = &AnomalyView> {
        self.findings.iter().filter(move |f| f.class == class)
    }
}

/// One explained record-level anomaly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnomalyView {
    /// Its class.
    pub class: AnomalyClass,
    /// The record, as `p<producer>#<n>`.
    pub record: String,
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The offset concerned, if any.
    pub offset: Option<i64>,
    /// The oracle's one-line English explanation.
    pub explanation: String,
}

/// One group's delivery outcome so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDeliveryView {
    /// `group.id`.
    pub group_id: String,
    /// Distinct offsets processed.
    pub consumed: u64,
    /// Offsets processed two or more times (Jepsen `duplicate`, on the consumer side).
    pub processed_twice: u64,
    /// ... because the first processor crashed before committing.
    pub reprocessed_after_crash: u64,
    /// ... because its commit failed.
    pub reprocessed_after_commit_failure: u64,
    /// ... because it lost the partition in a rebalance before committing.
    pub reprocessed_after_rebalance: u64,
    /// ... for no incident the oracle saw.
    pub reprocessed_unexplained: u64,
    /// Offsets committed past but never processed (Jepsen `poll-skip`).
    pub skipped: u64,
    /// Failed commits.
    pub commit_failures: u64,
    /// The summed lag now.
    pub lag: u64,
    /// The largest summed lag seen.
    pub max_lag: u64,
    /// English explanations of the counts above that are not zero.
    pub explanations: Vec<String>,
}
