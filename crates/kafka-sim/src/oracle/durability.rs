//! The durability oracle, in the manner of Jepsen: it records what every producer was told about
//! every record it sent, what the brokers truncated, and compares that with the partitions' final logs.
//!
//! # Inputs
//! - [`DurabilityOracle::on_send`]: records handed to the producer (once per record, any grouping).
//! - [`DurabilityOracle::on_outcome`]: what the client was told, per batch: [`SendOutcome`].
//! - [`DurabilityOracle::on_truncation`]: a replica removed batches from its log ([`TruncationEvent`]).
//! - [`DurabilityOracle::on_unclean_election`]: for explanations only.
//! - [`DurabilityOracle::check`]: the authoritative final log of each partition ([`FinalLog`]).
//!
//! Everything is stored per batch, sharing the batch's `Arc<[RecordId]>`; the check builds one dense
//! byte per record running number (producers number their records densely from 0) and is O(total
//! records) plus O(batches · log batches), with no per-record allocation and no hashing.
//!
//! # Definitions
//! - **acked lost**: acknowledged with an offset (acks=1 or all) and absent from every final log
//!   (records acknowledged below the final log's start offset and absent are counted as `expired`).
//! - **acked at wrong offset**: acknowledged at offset `o`, present in a final log, but not at `o`.
//! - **unconfirmed lost**: sent with acks=0 (the client reports success with offset -1) and absent.
//!   Kafka never promised anything about them, so they are kept out of `acked_lost`.
//! - **duplicates**: every copy of a record beyond its first, over all final logs.
//! - **reordered**: scanning one partition's final log in offset order, the number of records (first
//!   copies only) whose running number is smaller than the largest one already seen from the same
//!   producer in that partition. One out-of-order retried batch of `k` records counts `k`.
//! - **inconsistent offsets**: distinct offsets `o` of a partition that were *observed* holding record
//!   `A` — acknowledged to a client at `o`, or removed by a truncation from below the truncating
//!   replica's high watermark (committed, so readable) — and whose final log holds a different record.
//!   An offset beyond the final log end is not inconsistent (its record is lost, not replaced).
//! - **truncated overwritten** (informational, normal Kafka reconciliation): distinct offsets that
//!   held any truncated record and finally hold a different one.
//! - **failed but present**: the client was told the send failed, yet the record is in a final log
//!   (Jepsen's indeterminate writes). `unknown_present` / `unknown_absent`: no answer was ever given.
//! - **no outcome**: sent (per [`DurabilityOracle::on_send`]) and never given any outcome.
//!
//! Findings (one-line English explanations) are kept for the first [`FINDINGS_CAP`] of each kind in
//! (topic-partition, offset) order; counts are always exact.

#[path = "durability_check.rs"]
mod check;

use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::oracle::histogram::{LatencyHistogram, LatencySummary};
use crate::record::{LeaderEpoch, ProducerRef, RecordBatch, RecordId, TopicIdx, TopicPartition};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How many findings of each [`AnomalyKind`] a report keeps (counts stay exact).
pub const FINDINGS_CAP: usize = 1000;

/// What the producer client was finally told about a batch of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendOutcome {
    /// Acknowledged (acks=1 or all); the first record is at `base_offset`, the next ones follow.
    Acked {
        /// The offset of the batch's first record.
        base_offset: i64,
    },
    /// acks=0: the client reports success with offset -1 without hearing from the broker.
    AckedNoOffset,
    /// The send failed with this error (after any retries).
    Failed {
        /// The error the callback received.
        error: ErrorCode,
    },
    /// No answer (e.g. the simulation ended while the request was in flight).
    Unknown,
}

/// A replica truncated its log: the batches it removed and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TruncationEvent {
    /// When.
    pub at: SimTime,
    /// The broker whose log was truncated.
    pub broker: BrokerId,
    /// The partition.
    pub tp: TopicPartition,
    /// The new log end offset.
    pub truncated_to: i64,
    /// The removed batches, in offset order, with the offsets and epochs they had. Every record of
    /// them counts as removed.
    pub removed: Vec<RecordBatch>,
    /// The leader epoch whose log the replica reconciled with (the epoch that caused the truncation).
    pub leader_epoch: LeaderEpoch,
    /// The replica's high watermark when it truncated, if known: removed records below it were
    /// committed (only an unclean election can remove those).
    pub high_watermark: Option<i64>,
}

/// An unclean leader election (used to explain losses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UncleanElection {
    /// When.
    pub at: SimTime,
    /// The partition.
    pub tp: TopicPartition,
    /// The out-of-sync replica that became leader.
    pub leader: BrokerId,
    /// Its new leader epoch.
    pub epoch: LeaderEpoch,
}

/// Where a partition's final log comes from (mentioned in explanations).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FinalLogSource {
    /// The current leader's log.
    Leader(BrokerId),
    /// The partition is offline; this is the log of the last in-sync replica.
    OfflineLastIsr(BrokerId),
    /// Not said.
    #[default]
    Unspecified,
}

/// The authoritative final log of one partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalLog {
    /// The partition.
    pub tp: TopicPartition,
    /// Its batches, in offset order (sorted by the oracle if they are not).
    pub batches: Vec<RecordBatch>,
    /// The log start offset: records acknowledged below it and absent count as expired, not lost.
    pub log_start_offset: i64,
    /// Whose log it is.
    pub source: FinalLogSource,
}

impl FinalLog {
    /// The final log of `tp`, made of `batches` (cheap: batches share their records), starting at 0.
    pub fn new(tp: TopicPartition, batches: impl IntoIterator<Item = RecordBatch>) -> Self {
        FinalLog {
            tp,
            batches: batches.into_iter().collect(),
            log_start_offset: 0,
            source: FinalLogSource::Unspecified,
        }
    }

    /// Sets the log start offset.
    pub fn with_log_start_offset(mut self, offset: i64) -> Self {
        self.log_start_offset = offset;
        self
    }

    /// Sets where the log comes from.
    pub fn with_source(mut self, source: FinalLogSource) -> Self {
        self.source = source;
        self
    }
}

/// A final log borrowed from wherever it lives (e.g. a broker's log), to check without copying its
/// batches: [`DurabilityOracle::check_borrowed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FinalLogRef<'a> {
    /// The partition.
    pub tp: TopicPartition,
    /// Its batches, in offset order (copied and sorted by the oracle if they are not).
    pub batches: &'a [RecordBatch],
    /// The log start offset: records acknowledged below it and absent count as expired, not lost.
    pub log_start_offset: i64,
    /// Whose log it is.
    pub source: FinalLogSource,
}

impl FinalLog {
    fn as_ref(&self) -> FinalLogRef<'_> {
        FinalLogRef {
            tp: self.tp,
            batches: &self.batches,
            log_start_offset: self.log_start_offset,
            source: self.source,
        }
    }
}

/// The kind of an anomaly a [`Finding`] reports (also the order findings are listed in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AnomalyKind {
    /// An acknowledged record absent from the final log.
    AckedLost,
    /// An acknowledged record present at another offset than the acknowledged one.
    AckedWrongOffset,
    /// An offset that held one observed record and finally holds another.
    InconsistentOffset,
    /// An extra copy of a record.
    Duplicate,
    /// A record after a larger running number of the same producer in the same partition.
    Reordered,
    /// An acks=0 record absent from the final log.
    UnconfirmedLost,
    /// A record whose send failed but which is in the final log.
    FailedButPresent,
}

/// One explained anomaly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What kind of anomaly.
    pub kind: AnomalyKind,
    /// The record concerned (for inconsistent offsets: the record observed first at the offset).
    pub record: RecordId,
    /// The partition.
    pub tp: TopicPartition,
    /// The offset concerned: the acknowledged one for acked records, the final-log one for duplicates
    /// and reorderings, the offset itself for inconsistent offsets; `None` when there is none.
    pub offset: Option<i64>,
    /// A one-line English explanation.
    pub explanation: String,
}

/// Per-producer latency, from the send to the outcome.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProducerLatency {
    /// The producer.
    pub producer: ProducerRef,
    /// Its latency figures, ms.
    pub latency_ms: LatencySummary,
}

/// The records of a deleted topic, which the check leaves out: deleting a topic removes its
/// records on purpose, so they are not lost acknowledged writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedTopicRecords {
    /// The topic's name.
    pub topic: String,
    /// When the deletion completed, in simulated milliseconds.
    pub at_ms: u64,
    /// How many records sent to it were left out.
    pub records: u64,
}

/// What [`DurabilityOracle::check`] found (see the module documentation for the definitions).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DurabilityReport {
    /// Records reported sent.
    pub sent: u64,
    /// Records acknowledged with an offset.
    pub acked: u64,
    /// Records "acknowledged" with offset -1 (acks=0).
    pub acked_no_offset: u64,
    /// Records whose send failed.
    pub failed: u64,
    /// Records whose outcome is unknown.
    pub unknown: u64,
    /// Records sent without any outcome.
    pub no_outcome: u64,
    /// Acknowledged records absent from the final logs.
    pub acked_lost: u64,
    /// Acknowledged records present, but not at their acknowledged offset.
    pub acked_wrong_offset: u64,
    /// Acknowledged records below the log start offset and absent (deleted by retention).
    pub expired: u64,
    /// acks=0 records absent from the final logs.
    pub unconfirmed_lost: u64,
    /// Extra copies of records in the final logs.
    pub duplicates: u64,
    /// Records out of order within their (producer, partition).
    pub reordered: u64,
    /// Offsets that held an observed record and finally hold another.
    pub inconsistent_offsets: u64,
    /// Offsets that held a truncated record and finally hold another (informational).
    pub truncated_overwritten: u64,
    /// Failed records present in the final logs.
    pub failed_but_present: u64,
    /// Unknown-outcome records present in the final logs.
    pub unknown_present: u64,
    /// Unknown-outcome records absent from the final logs.
    pub unknown_absent: u64,
    /// Explained anomalies: at most [`FINDINGS_CAP`] per kind, by kind then (partition, offset).
    pub findings: Vec<Finding>,
    /// True when some findings were left out because of the cap.
    pub findings_capped: bool,
    /// Latency per producer, in producer order.
    pub latency: Vec<ProducerLatency>,
    /// Deleted topics whose records were left out of the check (explained, never findings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_topics: Vec<DeletedTopicRecords>,
}

impl DurabilityReport {
    /// True when no acknowledged record was lost, moved or contradicted, and nothing was duplicated
    /// or reordered (acks=0 losses and failed-but-present writes are allowed by Kafka's contract).
    pub fn is_clean(&self) -> bool {
        self.acked_lost == 0
            && self.acked_wrong_offset == 0
            && self.inconsistent_offsets == 0
            && self.duplicates == 0
            && self.reordered == 0
    }

    /// The findings about lost acknowledged records.
    pub fn lost(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.kind == AnomalyKind::AckedLost)
    }

    /// The findings of one kind.
    pub fn findings_of(&self, kind: AnomalyKind) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }
}

/// One batch's outcome, as recorded.
#[derive(Clone, Debug)]
struct OutcomeEntry {
    tp: TopicPartition,
    records: Arc<[RecordId]>,
    outcome: SendOutcome,
    at: SimTime,
}

/// The durability oracle (see the module documentation).
#[derive(Clone, Debug, Default)]
pub struct DurabilityOracle {
    sends: Vec<(TopicPartition, Arc<[RecordId]>)>,
    outcomes: Vec<OutcomeEntry>,
    truncations: BTreeMap<TopicPartition, Vec<TruncationEvent>>,
    unclean: BTreeMap<TopicPartition, Vec<UncleanElection>>,
    latency: Vec<LatencyHistogram>,
    /// Per producer: the largest running number seen, plus one, and how many records were seen.
    extent: Vec<(u64, u64)>,
    /// Deleted topics: their records are left out of the check.
    deleted: BTreeMap<TopicIdx, DeletedTopicRecords>,
}

impl DurabilityOracle {
    /// An oracle that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    fn note_records(&mut self, records: &[RecordId]) {
        // The usual case: one producer's records (a batch). One pass for the largest number, then one
        // update.
        if let Some(first) = records.first() {
            let producer = first.producer();
            let mut same = true;
            let mut max_n = 0;
            for r in records {
                same &= r.producer() == producer;
                max_n = max_n.max(r.n());
            }
            if same {
                let p = producer.0 as usize;
                if p >= self.extent.len() {
                    self.extent.resize(p + 1, (0, 0));
                }
                let e = &mut self.extent[p];
                e.0 = e.0.max(max_n.saturating_add(1));
                e.1 += records.len() as u64;
                return;
            }
        }
        for r in records {
            let p = r.producer().0 as usize;
            if p >= self.extent.len() {
                self.extent.resize(p + 1, (0, 0));
            }
            let e = &mut self.extent[p];
            e.0 = e.0.max(r.n().saturating_add(1));
            e.1 += 1;
        }
    }

    /// `records` were handed to the producer for `tp` (each record is reported sent once, however
    /// many times retries write it). Only used to count sends and records that never got an outcome.
    pub fn on_send(&mut self, tp: TopicPartition, records: &Arc<[RecordId]>, _now: SimTime) {
        if let Some(d) = self.deleted.get_mut(&tp.topic) {
            d.records += records.len() as u64;
            return;
        }
        self.note_records(records);
        self.sends.push((tp, Arc::clone(records)));
    }

    /// The client was told `outcome` for `records` (one batch sent to `tp`) at `now`. Unless the
    /// outcome is [`SendOutcome::Unknown`], `now - sent_at` is recorded as the latency of every record
    /// of the batch, in the histogram of the first record's producer.
    pub fn on_outcome(
        &mut self,
        tp: TopicPartition,
        records: &Arc<[RecordId]>,
        outcome: SendOutcome,
        sent_at: SimTime,
        now: SimTime,
    ) {
        if self.deleted.contains_key(&tp.topic) {
            return;
        }
        self.note_records(records);
        if let (Some(first), false) = (records.first(), outcome == SendOutcome::Unknown) {
            let p = first.producer().0 as usize;
            if p >= self.latency.len() {
                self.latency.resize_with(p + 1, LatencyHistogram::new);
            }
            self.latency[p].record_n(now.saturating_sub(sent_at).as_micros(), records.len() as u64);
        }
        self.outcomes.push(OutcomeEntry {
            tp,
            records: Arc::clone(records),
            outcome,
            at: now,
        });
    }

    /// A replica truncated its log.
    pub fn on_truncation(&mut self, event: TruncationEvent) {
        if self.deleted.contains_key(&event.tp.topic) {
            return;
        }
        for b in &event.removed {
            self.note_records(&b.records);
        }
        self.truncations.entry(event.tp).or_default().push(event);
    }

    /// Topic `topic` (named `name`) was deleted at `at`: everything recorded about it is left out
    /// of the check from now on, and the report lists how many records that was.
    pub fn on_topic_deleted(&mut self, topic: TopicIdx, name: &str, at: SimTime) {
        if self.deleted.contains_key(&topic) {
            return;
        }
        let records: u64 = (self.sends.iter())
            .filter(|(tp, _)| tp.topic == topic)
            .map(|(_, r)| r.len() as u64)
            .sum();
        self.sends.retain(|(tp, _)| tp.topic != topic);
        self.outcomes.retain(|o| o.tp.topic != topic);
        self.truncations.retain(|tp, _| tp.topic != topic);
        self.unclean.retain(|tp, _| tp.topic != topic);
        let entry = DeletedTopicRecords {
            topic: name.to_string(),
            at_ms: at.as_millis(),
            records,
        };
        self.deleted.insert(topic, entry);
    }

    /// An unclean leader election happened.
    pub fn on_unclean_election(&mut self, election: UncleanElection) {
        self.unclean.entry(election.tp).or_default().push(election);
    }

    /// The latency histogram of `producer`, if it had any outcome.
    pub fn latency(&self, producer: ProducerRef) -> Option<&LatencyHistogram> {
        self.latency.get(producer.0 as usize).filter(|h| !h.is_empty())
    }

    /// Compares everything recorded with the final logs (one per partition; a partition without one
    /// has lost everything acknowledged on it). `topic_name` gives a topic's display name. Can be
    /// called any number of times (e.g. for the UI while the simulation runs).
    pub fn check(
        &self,
        final_logs: impl IntoIterator<Item = FinalLog>,
        topic_name: &dyn Fn(TopicIdx) -> String,
    ) -> DurabilityReport {
        let mut logs: Vec<FinalLog> = final_logs.into_iter().collect();
        for l in &mut logs {
            if !l.batches.is_sorted_by_key(|b| b.base_offset) {
                crate::sort::sort_by_key(&mut l.batches, |b| b.base_offset);
            }
        }
        check::run(self, logs.iter().map(FinalLog::as_ref).collect(), topic_name)
    }

    /// [`DurabilityOracle::check`] over borrowed final logs: the same report, without copying (and
    /// later dropping) every batch, which touches every batch's shared records once more each way.
    pub fn check_borrowed<'a>(
        &self,
        final_logs: impl IntoIterator<Item = FinalLogRef<'a>>,
        topic_name: &dyn Fn(TopicIdx) -> String,
    ) -> DurabilityReport {
        let logs: Vec<FinalLogRef<'a>> = final_logs.into_iter().collect();
        if (logs.iter()).all(|l| l.batches.is_sorted_by_key(|b| b.base_offset)) {
            check::run(self, logs, topic_name)
        } else {
            let owned = logs.iter().map(|l| FinalLog {
                tp: l.tp,
                batches: l.batches.to_vec(),
                log_start_offset: l.log_start_offset,
                source: l.source,
            });
            self.check(owned, topic_name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(p: u16, ns: std::ops::Range<u64>) -> Arc<[RecordId]> {
        ns.map(|n| RecordId::new(ProducerRef(p), n)).collect()
    }

    fn batch(base_offset: i64, records: &Arc<[RecordId]>) -> RecordBatch {
        RecordBatch {
            base_offset,
            partition_leader_epoch: 0,
            producer_id: -1,
            producer_epoch: -1,
            base_sequence: -1,
            records: Arc::clone(records),
            size_bytes: 0,
            first_timestamp_ms: 0,
        }
    }

    #[test]
    fn borrowed_logs_give_the_owned_report() {
        let tp = TopicPartition {
            topic: TopicIdx(0),
            partition: 0,
        };
        let (a, b, c) = (ids(0, 0..3), ids(0, 3..5), ids(0, 5..9));
        let mut o = DurabilityOracle::new();
        let t = SimTime::from_millis(1);
        // Paired sends and outcomes (as the simulation reports them), one of them lost, one moved.
        for (records, base_offset) in [(&a, 0), (&b, 3), (&c, 7)] {
            o.on_send(tp, records, t);
            o.on_outcome(tp, records, SendOutcome::Acked { base_offset }, t, t);
        }
        let name = |_: TopicIdx| "t".to_string();
        for batches in [vec![batch(0, &a), batch(5, &c)], vec![batch(5, &c), batch(0, &a)]] {
            let owned = o.check([FinalLog::new(tp, batches.clone())], &name);
            let borrowed = o.check_borrowed(
                [FinalLogRef {
                    tp,
                    batches: &batches,
                    log_start_offset: 0,
                    source: FinalLogSource::Unspecified,
                }],
                &name,
            );
            assert_eq!(owned, borrowed);
            assert_eq!(
                (owned.acked_lost, owned.acked_wrong_offset, owned.no_outcome),
                (2, 4, 0)
            );
        }
        // Unpaired: a send without an outcome is counted.
        o.on_send(tp, &ids(0, 9..10), t);
        let r = o.check_borrowed([], &name);
        assert_eq!((r.no_outcome, r.acked_lost), (1, 9));
    }
}
