//! The metrics series (one [`MetricSample`] per simulated second, in a bounded ring) and the
//! anomalies tab ([`AnomaliesView`]).
//!
//! Sampling is cheap: producer counters, one latency histogram window per producer, the groups' last
//! lag samples and rebalance counts. The oracles' counts (lost, duplicated, skipped) need a full
//! check of the logs, so they are re-checked only while they can change: for
//! [`ANOMALY_WINDOW`] after a fault, a leader change, a truncation, a producer error or a group
//! incident: at every sample while the run is small ([`ANOMALY_SMALL_RUN`] records), then at most
//! every [`ANOMALY_CHECK_EVERY`]; otherwise a sample carries the last counts.
//! A quiet run (W1) never checks.

use super::Simulation;
use crate::oracle::durability::AnomalyKind;
use crate::oracle::histogram::LatencyHistogram;
use crate::time::SimTime;
use crate::view::{AnomaliesView, AnomalyClass, AnomalyView, GroupDeliveryView, MetricSample};
use std::collections::VecDeque;

/// How often metrics are sampled.
pub const METRICS_INTERVAL: SimTime = SimTime::from_secs(1);
/// The most samples kept (an hour of simulated time).
pub const METRICS_CAPACITY: usize = 3_600;
/// How long after an event that may cause anomalies the oracles' counts are re-checked.
pub const ANOMALY_WINDOW: SimTime = SimTime::from_secs(30);
/// How often, at most, the oracles' counts are re-checked within the window once the producers have
/// sent more than [`ANOMALY_SMALL_RUN`] records (every sample before: a check is then cheap).
pub const ANOMALY_CHECK_EVERY: SimTime = SimTime::from_secs(5);
/// Up to this many records sent, the oracles' counts are re-checked at every sample of the window.
pub const ANOMALY_SMALL_RUN: u64 = 200_000;

/// The series and what the next sample is measured against.
#[derive(Clone, Debug)]
pub(super) struct Metrics {
    pub(super) samples: VecDeque<MetricSample>,
    pub(super) count: u64,
    pub(super) next: SimTime,
    sent: u64,
    acked: u64,
    rebalances: u64,
    /// Each producer's latency histogram at the last sample.
    latency: Vec<LatencyHistogram>,
    last_check: Option<SimTime>,
    /// Lost, duplicated, skipped, at the last check.
    counts: (u64, u64, u64),
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            samples: VecDeque::new(),
            count: 0,
            next: METRICS_INTERVAL,
            sent: 0,
            acked: 0,
            rebalances: 0,
            latency: Vec::new(),
            last_check: None,
            counts: (0, 0, 0),
        }
    }
}

impl Simulation {
    /// Takes the samples due strictly before `next_event` (every event up to them has run).
    #[inline]
    pub(super) fn sample_metrics_before(&mut self, next_event: SimTime) {
        while self.metrics.next < next_event {
            self.take_metric_sample();
        }
    }

    /// Takes the samples due up to and including `t`.
    pub(super) fn sample_metrics_until(&mut self, t: SimTime) {
        while self.metrics.next <= t {
            self.take_metric_sample();
        }
    }

    fn take_metric_sample(&mut self) {
        let at = self.metrics.next;
        self.metrics.next = at + METRICS_INTERVAL;
        let secs = METRICS_INTERVAL.as_secs_f64();
        let (mut sent, mut acked) = (0u64, 0u64);
        for p in self.producers() {
            let s = p.producer().stats();
            sent += s.sent;
            acked += s.acked;
        }
        let mut window = LatencyHistogram::new();
        let n = self.spec.producers.len();
        if self.metrics.latency.len() < n {
            self.metrics.latency.resize_with(n, LatencyHistogram::new);
        }
        for i in 0..n {
            let index = u16::try_from(i).unwrap_or(u16::MAX);
            let Some(h) = self.producer_latency(index) else {
                continue;
            };
            if h.count() == self.metrics.latency[i].count() {
                continue;
            }
            window.merge(&h.added_since(&self.metrics.latency[i]));
            self.metrics.latency[i] = h.clone();
        }
        let groups: Vec<String> = self.group_setups().map(|g| g.group_id.clone()).collect();
        let total_lag = (!groups.is_empty()).then(|| {
            (0..groups.len())
                .filter_map(|g| {
                    self.lag_series(u16::try_from(g).ok()?)?
                        .samples
                        .last()
                        .map(|s| s.lag)
                })
                .sum()
        });
        let rebalances: u64 = groups.iter().map(|g| self.rebalance_stats(g).rebalances).sum();
        let due = self.views.anomaly_hint.is_some_and(|h| at <= h + ANOMALY_WINDOW)
            && (sent <= ANOMALY_SMALL_RUN
                || self
                    .metrics
                    .last_check
                    .is_none_or(|c| at >= c + ANOMALY_CHECK_EVERY));
        if due {
            self.metrics.last_check = Some(at);
            let d = self.durability_report();
            let (mut dup, mut skipped) = (d.duplicates, 0);
            for g in 0..groups.len() {
                let g = u16::try_from(g).unwrap_or(u16::MAX);
                if let Some(r) = self.delivery_report(g) {
                    dup += r.processed_twice;
                    skipped += r.skipped.saturating_sub(self.in_progress(g));
                }
            }
            self.metrics.counts = (d.acked_lost + d.acked_wrong_offset, dup, skipped);
        }
        let m = &mut self.metrics;
        let (lost, duplicated, skipped) = m.counts;
        let sample = MetricSample {
            at,
            produce_rate: sent.saturating_sub(m.sent) as f64 / secs,
            acked_rate: acked.saturating_sub(m.acked) as f64 / secs,
            p99_latency_ms: window.percentile(99.0).map(|us| us as f64 / 1000.0),
            total_lag,
            rebalances: rebalances.saturating_sub(m.rebalances),
            lost,
            duplicated,
            skipped,
        };
        (m.sent, m.acked, m.rebalances) = (sent, acked, rebalances);
        if m.samples.len() == METRICS_CAPACITY {
            m.samples.pop_front();
        }
        m.samples.push_back(sample);
        m.count += 1;
    }

    /// Offsets group `g`'s live members are processing right now: committed before processing, they
    /// are not skipped (yet), although the delivery oracle, which only knows finished batches, counts
    /// them so.
    fn in_progress(&self, g: u16) -> u64 {
        (self.member_views(g).iter())
            .filter(|(_, up, _)| *up)
            .map(|(_, _, v)| match &v.app {
                crate::group::consumer::AppView::Processing { ranges, .. } => (ranges.iter())
                    .map(|(_, from, to)| u64::try_from(to - from).unwrap_or(0))
                    .sum(),
                _ => 0,
            })
            .sum()
    }

    /// The metric samples kept (at most [`METRICS_CAPACITY`], the latest), oldest first.
    pub fn metrics(&self) -> impl ExactSizeIterator<Item = &MetricSample> + DoubleEndedIterator {
        self.metrics.samples.iter()
    }

    /// The samples taken at or after `from` (at most `limit`), oldest first: what a chart appends.
    pub fn metrics_since(&self, from: SimTime, limit: usize) -> Vec<MetricSample> {
        let start = self.metrics.samples.partition_point(|s| s.at < from);
        (self.metrics.samples.range(start..))
            .take(limit)
            .cloned()
            .collect()
    }

    /// The oracles' findings now, in Jepsen's terms: the durability oracle over the current logs
    /// (each record-level finding with its explanation) and the delivery oracle per group. Costs a
    /// full check of the logs: call it when the tab shows, not every frame.
    pub fn anomalies(&mut self) -> AnomaliesView {
        let d = self.durability_report();
        let zk_name = |tp: crate::record::TopicPartition| {
            self.topic_name(tp.topic)
                .map_or_else(|| format!("topic{}", tp.topic.0), str::to_string)
        };
        let findings = (d.findings.iter())
            .map(|f| AnomalyView {
                class: match f.kind {
                    AnomalyKind::AckedLost => AnomalyClass::LostWrite,
                    AnomalyKind::AckedWrongOffset => AnomalyClass::WrongOffset,
                    AnomalyKind::InconsistentOffset => AnomalyClass::InconsistentOffsets,
                    AnomalyKind::Duplicate => AnomalyClass::Duplicate,
                    AnomalyKind::Reordered => AnomalyClass::NonmonotonicSend,
                    AnomalyKind::UnconfirmedLost => AnomalyClass::UnconfirmedLoss,
                    AnomalyKind::FailedButPresent => AnomalyClass::FailedButPresent,
                },
                record: f.record.to_string(),
                topic: zk_name(f.tp),
                partition: f.tp.partition,
                offset: f.offset,
                explanation: f.explanation.clone(),
            })
            .collect();
        let ids: Vec<String> = self.group_setups().map(|g| g.group_id.clone()).collect();
        let mut groups = Vec::new();
        for (g, group_id) in ids.into_iter().enumerate() {
            let g = u16::try_from(g).unwrap_or(u16::MAX);
            let Some(mut r) = self.delivery_report(g) else {
                continue;
            };
            r.skipped = r.skipped.saturating_sub(self.in_progress(g));
            let c = r.reprocessed_causes;
            let mut explanations = Vec::new();
            if r.processed_twice > 0 {
                explanations.push(format!(
                    "{} offsets were processed twice (duplicate): {} because the member that processed them \
                     first crashed before committing, {} because its commit failed, {} because it lost the \
                     partition in a rebalance before committing, {} unexplained",
                    r.processed_twice, c.crash, c.commit_failure, c.rebalance, c.unknown
                ));
            }
            if r.skipped > 0 {
                explanations.push(format!(
                    "{} offsets were committed past but never processed (poll-skip): the offset was committed \
                     before processing and the member died before it processed them",
                    r.skipped
                ));
            }
            if r.commit_failures > 0 {
                explanations.push(format!("{} commits failed", r.commit_failures));
            }
            groups.push(GroupDeliveryView {
                group_id,
                consumed: r.consumed,
                processed_twice: r.processed_twice,
                reprocessed_after_crash: c.crash,
                reprocessed_after_commit_failure: c.commit_failure,
                reprocessed_after_rebalance: c.rebalance,
                reprocessed_unexplained: c.unknown,
                skipped: r.skipped,
                commit_failures: r.commit_failures,
                lag: r.lag,
                max_lag: r.max_lag,
                explanations,
            });
        }
        AnomaliesView {
            at: self.now(),
            sent: d.sent,
            acked: d.acked,
            lost: d.acked_lost,
            wrong_offset: d.acked_wrong_offset,
            duplicates: d.duplicates,
            reordered: d.reordered,
            inconsistent_offsets: d.inconsistent_offsets,
            unconfirmed_lost: d.unconfirmed_lost,
            failed_but_present: d.failed_but_present,
            findings,
            findings_capped: d.findings_capped,
            groups,
        }
    }
}
