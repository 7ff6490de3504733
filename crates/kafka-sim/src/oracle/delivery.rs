//! The delivery oracle: folds what a group's members report ([`crate::group::delivery`]: processed
//! ranges, commits, incidents) and the partitions' final state (the group's committed offset, the high
//! watermark) into a [`DeliveryReport`]: how many offsets were processed once, twice (and why), or never
//! although committed past (skipped), plus commit failures and consumer lag.
//!
//! Everything is interval arithmetic over sorted ranges: the cost grows with the number of reported
//! batches, not with the number of records.
//!
//! - **Processing order** is the ranges' `at` (when processing ended), ties in the order recorded.
//! - **Re-processing cause**: for each offset processed a second time, the first incident of its *first*
//!   processor between the end of that first processing and the end of the re-processing (both
//!   inclusive): [`MemberIncident::Crashed`] is `crash`, [`MemberIncident::CommitFailed`]
//!   `commit_failure`, [`MemberIncident::PartitionsLost`] `rebalance`; none is `unknown`. An offset
//!   processed three or more times counts once, with the cause of its first repeat.
//! - **Skipped**: offsets in `[start, committed)` (see [`FinalOffsets`]) that no member ever processed
//!   (at-most-once losses, e.g. `commit = "before"` and a crash).
//! - **Commit failures**: refused commit requests and the commits the client failed itself (a
//!   [`MemberIncident::CommitFailed`] with no request, e.g. CommitFailedException after a poll-timeout
//!   LeaveGroup), counted once per member and time (one refused `commitSync` of three partitions, with
//!   its incident, is one failure).
//! - **Lag**: per partition `max(0, high watermark - committed)` (`start` stands for a missing
//!   commit), summed; `max_lag` is the largest of that sum over the [`LagSeries`] samples and the end.

use super::delivery_ranges::Coverage;
use crate::group::delivery::{CommitFact, IncidentFact, MemberIncident, MemberRef, ProcessedRange};
use crate::record::TopicPartition;
use crate::time::SimTime;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many re-processed offsets each cause explains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReprocessedCauses {
    /// The first processor crashed before committing.
    pub crash: u64,
    /// The first processor's commit failed.
    pub commit_failure: u64,
    /// The first processor lost the partition in a rebalance before committing.
    pub rebalance: u64,
    /// No incident of the first processor explains it.
    pub unknown: u64,
}

impl ReprocessedCauses {
    /// The sum over all causes.
    pub fn total(&self) -> u64 {
        self.crash + self.commit_failure + self.rebalance + self.unknown
    }

    fn add(&mut self, cause: Option<MemberIncident>, n: u64) {
        let slot = match cause {
            Some(MemberIncident::Crashed) => &mut self.crash,
            Some(MemberIncident::CommitFailed) => &mut self.commit_failure,
            Some(MemberIncident::PartitionsLost) => &mut self.rebalance,
            None => &mut self.unknown,
        };
        *slot += n;
    }
}

/// One group's delivery outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// Distinct offsets processed at least once.
    pub consumed: u64,
    /// Offsets processed exactly once.
    pub processed_once: u64,
    /// Offsets processed two or more times.
    pub processed_twice: u64,
    /// The re-processed offsets by cause (they add up to `processed_twice`).
    pub reprocessed_causes: ReprocessedCauses,
    /// Offsets below the final committed offset that no member processed.
    pub skipped: u64,
    /// Failed commits: refused requests and commits the client failed itself.
    pub commit_failures: u64,
    /// The lag at the end: high watermark minus committed offset, summed over partitions.
    pub lag: u64,
    /// The largest summed lag seen (samples and the end).
    pub max_lag: u64,
}

/// One partition's final state for one group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FinalOffsets {
    /// The group's index in the scenario.
    pub group: u16,
    /// The partition.
    pub tp: TopicPartition,
    /// Where the group's consumption of the partition began (the position after `auto.offset.reset`, or
    /// the committed offset found at the start; 0 for a new group reading from the earliest offset).
    pub start: i64,
    /// The group's final committed offset, if any.
    pub committed: Option<i64>,
    /// The partition's final high watermark.
    pub high_watermark: i64,
}

impl FinalOffsets {
    /// `max(0, high watermark - committed)`, with `start` for a missing commit.
    pub fn lag(&self) -> u64 {
        let committed = self.committed.unwrap_or(self.start);
        u64::try_from(self.high_watermark.saturating_sub(committed)).unwrap_or(0)
    }
}

/// One lag sample: the group's summed lag at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LagSample {
    /// When.
    pub at: SimTime,
    /// The summed lag over the group's partitions.
    pub lag: u64,
}

/// A group's lag over time, sampled by the simulation every `interval` of simulated time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LagSeries {
    /// The sampling interval.
    pub interval: SimTime,
    /// The samples, oldest first.
    pub samples: Vec<LagSample>,
}

impl LagSeries {
    /// An empty series sampled every `interval`.
    pub fn new(interval: SimTime) -> LagSeries {
        LagSeries {
            interval,
            samples: Vec::new(),
        }
    }

    /// When the next sample is due: `interval` after the last one (the first at `interval`).
    pub fn next_due(&self) -> SimTime {
        self.samples
            .last()
            .map_or(self.interval, |s| s.at + self.interval)
    }

    /// Records the summed lag at `at`.
    pub fn record(&mut self, at: SimTime, lag: u64) {
        self.samples.push(LagSample { at, lag });
    }

    /// The largest sampled lag (0 without samples).
    pub fn max(&self) -> u64 {
        self.samples.iter().map(|s| s.lag).max().unwrap_or(0)
    }
}

/// The facts members report, kept for the report (compact: one entry per batch, commit or incident).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryFacts {
    /// Processed ranges, in the order recorded.
    pub processed: Vec<ProcessedRange>,
    /// Commit answers, in the order recorded.
    pub commits: Vec<CommitFact>,
    /// Member incidents, in the order recorded.
    pub incidents: Vec<IncidentFact>,
}

impl DeliveryFacts {
    /// No facts yet.
    pub fn new() -> DeliveryFacts {
        DeliveryFacts::default()
    }

    /// Records a processed range.
    pub fn processed(&mut self, fact: ProcessedRange) {
        self.processed.push(fact);
    }

    /// Records a commit answer.
    pub fn commit(&mut self, fact: CommitFact) {
        self.commits.push(fact);
    }

    /// Records an incident.
    pub fn incident(&mut self, fact: IncidentFact) {
        self.incidents.push(fact);
    }

    /// The report of group `group` (its index in the scenario), given its partitions' final offsets (entries
    /// of other groups are ignored) and its lag samples.
    pub fn report(&self, group: u16, finals: &[FinalOffsets], lag: &LagSeries) -> DeliveryReport {
        delivery_report(
            group,
            &self.processed,
            &self.commits,
            &self.incidents,
            finals,
            lag,
        )
    }
}

/// The incidents of each member, sorted by time.
fn incidents_by_member(
    group: u16,
    incidents: &[IncidentFact],
) -> BTreeMap<MemberRef, Vec<(SimTime, MemberIncident)>> {
    let mut by: BTreeMap<MemberRef, Vec<(SimTime, MemberIncident)>> = BTreeMap::new();
    for i in incidents.iter().filter(|i| i.by.group == group) {
        by.entry(i.by).or_default().push((i.at, i.incident));
    }
    for list in by.values_mut() {
        crate::sort::sort_by_key(list, |(at, _)| *at);
    }
    by
}

/// The first incident of a member in `[from, to]`.
fn first_incident(
    list: Option<&Vec<(SimTime, MemberIncident)>>,
    from: SimTime,
    to: SimTime,
) -> Option<MemberIncident> {
    let list = list?;
    let i = list.partition_point(|(at, _)| *at < from);
    list.get(i)
        .filter(|(at, _)| *at <= to)
        .map(|(_, incident)| *incident)
}

/// Folds the facts of group `group` into its report. See the module documentation for the rules.
pub fn delivery_report(
    group: u16,
    processed: &[ProcessedRange],
    commits: &[CommitFact],
    incidents: &[IncidentFact],
    finals: &[FinalOffsets],
    lag: &LagSeries,
) -> DeliveryReport {
    let incidents = incidents_by_member(group, incidents);
    let mut ranges: Vec<&ProcessedRange> = processed.iter().filter(|r| r.by.group == group).collect();
    crate::sort::sort_by_key(&mut ranges, |r| r.at);
    let mut coverage: BTreeMap<TopicPartition, Coverage> = BTreeMap::new();
    let mut report = DeliveryReport::default();
    for r in ranges {
        let repeats = coverage.entry(r.tp).or_default().add(r.from, r.to, r.by, r.at);
        for rep in repeats {
            let cause = first_incident(incidents.get(&rep.first_by), rep.first_at, r.at);
            report.reprocessed_causes.add(cause, rep.len);
        }
    }
    for c in coverage.values() {
        let (once, more) = c.counts();
        report.processed_once += once;
        report.processed_twice += more;
    }
    report.consumed = report.processed_once + report.processed_twice;

    let empty = Coverage::default();
    for f in finals.iter().filter(|f| f.group == group) {
        if let Some(committed) = f.committed {
            report.skipped += coverage.get(&f.tp).unwrap_or(&empty).gaps_in(f.start, committed);
        }
        report.lag += f.lag();
    }

    let mut failed: Vec<(MemberRef, SimTime)> = (commits.iter())
        .filter(|c| c.by.group == group && !c.ok)
        .map(|c| (c.by, c.at))
        .collect();
    for (by, list) in &incidents {
        let refused = list.iter().filter(|(_, i)| *i == MemberIncident::CommitFailed);
        failed.extend(refused.map(|(at, _)| (*by, *at)));
    }
    crate::sort::sort(&mut failed);
    failed.dedup();
    report.commit_failures = failed.len() as u64;
    report.max_lag = lag.max().max(report.lag);
    report
}
