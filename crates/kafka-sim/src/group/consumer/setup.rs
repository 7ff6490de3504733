//! What a consumer is built from: its group, topics, configuration, commit mode, processing model
//! and the assignor the leader runs.

use super::super::delivery::MemberRef;
use super::super::wire::{JoinGroupMember, NamedPartition};
use crate::config::ConsumerConfig;
use crate::ids::BrokerId;
use crate::record::TopicIdx;
use crate::rng::SimRng;
use crate::time::SimTime;
use serde::Serialize;
use std::collections::BTreeMap;

/// A topic the consumer subscribes to, as the simulation's topic table knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubscribedTopic {
    /// Its name.
    pub name: String,
    /// Its index in the simulation's topic table.
    pub idx: TopicIdx,
    /// Its partition count.
    pub partitions: i32,
}

/// When the application commits offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CommitMode {
    /// `enable.auto.commit=true`: during `poll()`, every `auto.commit.interval.ms`, commit (async) the
    /// offsets consumed by the previous polls; also before a rebalance and on close.
    Auto,
    /// `commitSync()` of the batch's offsets after each processed batch (Spring's ack-mode manual
    /// with an immediate acknowledgment): at-least-once.
    ManualAfterProcessing,
    /// `commitSync()` of the batch's offsets as soon as `poll()` returns it, then process: at-most-once.
    BeforeProcessing,
}

/// How long the application takes to process one record.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Processing {
    /// Always this long.
    Fixed(SimTime),
    /// Uniform between `min` and `max` (inclusive, microsecond resolution).
    Uniform {
        /// The shortest.
        min: SimTime,
        /// The longest.
        max: SimTime,
    },
    /// Exponentially distributed with this mean.
    Exponential {
        /// The mean.
        mean: SimTime,
    },
}

impl Processing {
    /// The time to process `records` records, drawn from `rng` (no draw for [`Processing::Fixed`]).
    pub fn batch_time(&self, records: u64, rng: &mut SimRng) -> SimTime {
        let us = match *self {
            Processing::Fixed(d) => d.as_micros().saturating_mul(records),
            Processing::Uniform { min, max } => (0..records).fold(0u64, |acc, _| {
                acc.saturating_add(rng.range_inclusive(min.as_micros(), max.as_micros()))
            }),
            Processing::Exponential { mean } => (0..records).fold(0u64, |acc, _| {
                // Inverse CDF: -mean * ln(U), U uniform in (0, 1].
                let u = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
                let d = -(mean.as_micros() as f64) * portable_ln(u);
                acc.saturating_add(if d.is_finite() && d > 0.0 {
                    d.round() as u64
                } else {
                    0
                })
            }),
        };
        SimTime::from_micros(us)
    }
}

/// `ln(x)` for `x > 0` from IEEE basic operations only (`+ - * /` are correctly rounded everywhere),
/// so a seed draws the same processing times natively and in wasm (`f64::ln` may differ by an ulp).
fn portable_ln(x: f64) -> f64 {
    if x <= 0.0 || x.is_nan() {
        return f64::NEG_INFINITY;
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    if exp == 0 {
        // Subnormal: scale up first.
        return portable_ln(x * (1u64 << 54) as f64) - 54.0 * std::f64::consts::LN_2;
    }
    // x = m * 2^e with m in [1, 2).
    let e = exp - 1023;
    let m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    // ln(m) = 2 atanh(t), t = (m - 1) / (m + 1) in [0, 1/3).
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let mut term = t;
    let mut sum = 0.0;
    let mut k = 1.0;
    for _ in 0..30 {
        sum += term / k;
        term *= t2;
        k += 2.0;
    }
    e as f64 * std::f64::consts::LN_2 + 2.0 * sum
}

/// The partition assignor the group leader runs: given the chosen protocol (`range`,
/// `cooperative-sticky`, ...), each subscribed topic's partition count and the members with their
/// subscriptions (in the JoinGroup response's order), each member's partitions.
pub type Assign = fn(
    protocol: &str,
    partitions_per_topic: &BTreeMap<String, i32>,
    members: &[JoinGroupMember],
) -> Vec<(String, Vec<NamedPartition>)>;

/// A stand-in assignor for when none is wired in: a plain range assignment per topic over the members
/// sorted by member id (the RangeAssignor's rule without rack awareness), whatever the protocol.
pub fn fallback_range_assign(
    _protocol: &str,
    partitions_per_topic: &BTreeMap<String, i32>,
    members: &[JoinGroupMember],
) -> Vec<(String, Vec<NamedPartition>)> {
    let mut out: BTreeMap<String, Vec<NamedPartition>> = members
        .iter()
        .map(|m| (m.member_id.clone(), Vec::new()))
        .collect();
    for (topic, &count) in partitions_per_topic {
        let mut subs: Vec<&str> = (members.iter())
            .filter(|m| m.metadata.topics.iter().any(|t| t == topic))
            .map(|m| m.member_id.as_str())
            .collect();
        crate::sort::sort(&mut subs);
        if subs.is_empty() {
            continue;
        }
        let n = subs.len() as i32;
        let (per, extra) = (count.max(0) / n, count.max(0) % n);
        let mut next = 0;
        for (i, m) in subs.iter().enumerate() {
            let len = per + i32::from((i as i32) < extra);
            if let Some(v) = out.get_mut(*m) {
                v.extend((next..next + len).map(|p| NamedPartition::new(topic.clone(), p)));
            }
            next += len;
        }
    }
    out.into_iter().collect()
}

/// A consumer of the simulation: one member of a scenario's consumer group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConsumerSetup {
    /// `group.id`.
    pub group_id: String,
    /// The topics it subscribes to.
    pub topics: Vec<SubscribedTopic>,
    /// Its configuration.
    pub config: ConsumerConfig,
    /// When it commits.
    pub commit_mode: CommitMode,
    /// How long processing takes.
    pub processing: Processing,
    /// Which member of which scenario group it is.
    pub member: MemberRef,
    /// The brokers it bootstraps from (FindCoordinator and Metadata go to these in turn).
    pub bootstrap: Vec<BrokerId>,
    /// Which producers' records its deserializers cannot read (poison pills).
    pub undeserializable: super::poison::Undeserializable,
}

impl super::Consumer {
    /// Replaces the setup of a consumer that is not running (new, closed or crashed): its next
    /// start is a new client built from `setup` (an application restarted with a new
    /// configuration). Returns false, changing nothing, while it runs or closes.
    pub fn replace_setup(&mut self, setup: ConsumerSetup) -> bool {
        if matches!(
            self.lifecycle(),
            super::Lifecycle::Running | super::Lifecycle::Closing
        ) {
            return false;
        }
        self.setup = setup;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portable_ln_matches_std() {
        for x in [1e-300, 1e-9, 0.001, 0.1, 0.5, 0.75, 1.0, 1.5, 7.25, 1e12] {
            let d = (portable_ln(x) - x.ln()).abs();
            assert!(d <= 1e-12 * x.ln().abs().max(1.0), "{x}: {d}");
        }
    }

    #[test]
    fn exponential_mean_is_close() {
        let mut rng = SimRng::new(7);
        let p = Processing::Exponential {
            mean: SimTime::from_millis(10),
        };
        let total = p.batch_time(20_000, &mut rng).as_micros() as f64 / 20_000.0;
        assert!((total - 10_000.0).abs() < 300.0, "{total}");
    }
}
