//! A deterministic latency histogram over microseconds, HDR-like (log-linear buckets).
//!
//! Values below 256 µs each have their own bucket (exact). Above, every power of two `[2^k, 2^(k+1))`
//! is split into 128 equal buckets, so a bucket's width is at most 1/128 of its lower bound. A
//! percentile is reported as the highest value of the bucket holding the requested rank, clamped to
//! the exact minimum and maximum: it is never below the true value and at most **0.79 % above** it
//! (`true ≤ reported ≤ true · (1 + 1/128)`). `min`, `max`, `count` and the sum are exact.
//!
//! Memory is constant (7,424 `u64` counters, allocated on the first recorded value), recording is
//! O(1), merging is O(buckets), and nothing depends on the wall clock or on hashing.

use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// Values below `2^SUB_BITS` µs are recorded exactly.
const SUB_BITS: u32 = 8;
/// Buckets per power of two above the exact range.
const HALF: u64 = 1 << (SUB_BITS - 1);
/// Number of buckets covering all of `u64`.
const BUCKETS: usize = (1 << SUB_BITS) + (63 - SUB_BITS as usize + 1) * HALF as usize;

/// The bucket holding `v`.
fn bucket_of(v: u64) -> usize {
    if v < (1 << SUB_BITS) {
        return v as usize;
    }
    let msb = 63 - v.leading_zeros();
    let shift = msb - (SUB_BITS - 1);
    let mantissa = v >> shift; // in [HALF, 2·HALF)
    (1usize << SUB_BITS) + (msb - SUB_BITS) as usize * HALF as usize + (mantissa - HALF) as usize
}

/// The highest value that falls in bucket `i`.
fn bucket_high(i: usize) -> u64 {
    if i < (1 << SUB_BITS) {
        return i as u64;
    }
    let rel = i - (1 << SUB_BITS);
    let shift = (rel / HALF as usize) as u32 + 1;
    let mantissa = HALF + (rel % HALF as usize) as u64;
    // (mantissa + 1) << shift may overflow only for the very last bucket.
    ((mantissa + 1) as u128 * (1u128 << shift) - 1).min(u64::MAX as u128) as u64
}

/// A latency histogram over microseconds (see the module documentation for the error bound).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LatencyHistogram {
    /// Per-bucket counts; empty until the first value is recorded.
    counts: Vec<u64>,
    total: u64,
    min: u64,
    max: u64,
    sum: u128,
}

/// The latency figures the JSON report shows for one producer, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    /// How many values were recorded.
    pub count: u64,
    /// The median (≤ 0.79 % high), ms; 0 when empty.
    pub p50: f64,
    /// The 99th percentile (≤ 0.79 % high), ms; 0 when empty.
    pub p99: f64,
    /// The exact maximum, ms; 0 when empty.
    pub max: f64,
}

impl LatencyHistogram {
    /// An empty histogram (allocates nothing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one latency.
    pub fn record(&mut self, latency: SimTime) {
        self.record_n(latency.as_micros(), 1);
    }

    /// Records one latency of `us` microseconds.
    pub fn record_micros(&mut self, us: u64) {
        self.record_n(us, 1);
    }

    /// Records `count` values of `us` microseconds each (e.g. every record of one batch).
    pub fn record_n(&mut self, us: u64, count: u64) {
        if count == 0 {
            return;
        }
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
            self.min = u64::MAX;
        }
        let b = bucket_of(us);
        self.counts[b] = self.counts[b].saturating_add(count);
        self.total = self.total.saturating_add(count);
        self.min = self.min.min(us);
        self.max = self.max.max(us);
        self.sum = self.sum.saturating_add(us as u128 * count as u128);
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The exact smallest value, in µs (`None` when empty).
    pub fn min(&self) -> Option<u64> {
        (self.total > 0).then_some(self.min)
    }

    /// The exact largest value, in µs (`None` when empty).
    pub fn max(&self) -> Option<u64> {
        (self.total > 0).then_some(self.max)
    }

    /// The exact mean, in µs (`None` when empty).
    pub fn mean(&self) -> Option<f64> {
        (self.total > 0).then(|| self.sum as f64 / self.total as f64)
    }

    /// The `p`-th percentile in µs by nearest rank (`rank = ceil(p/100 · count)`, at least 1), reported
    /// as its bucket's highest value clamped to `[min, max]`: never below the true value, at most
    /// 0.79 % above it. `p` is clamped to `[0, 100]` (NaN counts as 0); `p = 0` is the exact minimum and
    /// `p = 100` the exact maximum. `None` when empty.
    pub fn percentile(&self, p: f64) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 100.0) };
        if p >= 100.0 {
            return Some(self.max);
        }
        let rank = ((p / 100.0) * self.total as f64).ceil().max(1.0);
        let rank = if rank >= self.total as f64 {
            self.total
        } else {
            rank as u64
        };
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen = seen.saturating_add(c);
            if seen >= rank {
                return Some(bucket_high(i).clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }

    /// Adds every value of `other` to `self`.
    pub fn merge(&mut self, other: &LatencyHistogram) {
        if other.total == 0 {
            return;
        }
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
            self.min = u64::MAX;
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.saturating_add(*b);
        }
        self.total = self.total.saturating_add(other.total);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sum = self.sum.saturating_add(other.sum);
    }

    /// The values recorded into `self` since it was `earlier` (a clone taken then): a window of a
    /// cumulative histogram. Counts and the sum are exact; `min` and `max` are the window's lowest
    /// and highest buckets' bounds (within the self's exact range), so percentiles keep their bound.
    pub fn added_since(&self, earlier: &LatencyHistogram) -> LatencyHistogram {
        if earlier.counts.is_empty() {
            return self.clone();
        }
        let mut out = LatencyHistogram::new();
        if self.total <= earlier.total || self.counts.len() != earlier.counts.len() {
            return out;
        }
        out.counts = (self.counts.iter().zip(&earlier.counts))
            .map(|(a, b)| a.saturating_sub(*b))
            .collect();
        out.total = self.total - earlier.total;
        out.sum = self.sum.saturating_sub(earlier.sum);
        let first = out.counts.iter().position(|c| *c > 0).unwrap_or(0);
        let last = out.counts.iter().rposition(|c| *c > 0).unwrap_or(0);
        let low = if first == 0 { 0 } else { bucket_high(first - 1) + 1 };
        out.min = low.max(self.min);
        out.max = bucket_high(last).min(self.max);
        out
    }

    /// The median in milliseconds (0 when empty).
    pub fn p50_ms(&self) -> f64 {
        self.percentile(50.0).map_or(0.0, micros_to_ms)
    }

    /// The 99th percentile in milliseconds (0 when empty).
    pub fn p99_ms(&self) -> f64 {
        self.percentile(99.0).map_or(0.0, micros_to_ms)
    }

    /// The exact maximum in milliseconds (0 when empty).
    pub fn max_ms(&self) -> f64 {
        self.max().map_or(0.0, micros_to_ms)
    }

    /// Count, p50, p99 and max, in milliseconds, for the report.
    pub fn summary(&self) -> LatencySummary {
        LatencySummary {
            count: self.total,
            p50: self.p50_ms(),
            p99: self.p99_ms(),
            max: self.max_ms(),
        }
    }
}

fn micros_to_ms(us: u64) -> f64 {
    us as f64 / 1_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_cover_u64() {
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(255), 255);
        assert_eq!(bucket_of(256), 256);
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
        assert_eq!(bucket_high(BUCKETS - 1), u64::MAX);
        for i in 0..BUCKETS - 1 {
            let hi = bucket_high(i);
            assert_eq!(bucket_of(hi), i);
            assert_eq!(bucket_of(hi + 1), i + 1);
        }
    }

    #[test]
    fn a_window_holds_only_the_values_added_since() {
        let mut h = LatencyHistogram::new();
        for _ in 0..100 {
            h.record_micros(1_000);
        }
        let before = h.clone();
        for _ in 0..100 {
            h.record_micros(50_000);
        }
        let w = h.added_since(&before);
        assert_eq!(w.count(), 100);
        let p99 = w.percentile(99.0).unwrap();
        assert!((50_000..=50_400).contains(&p99), "{p99}");
        let p1 = w.percentile(1.0).unwrap();
        assert!(p1 >= 49_000, "{p1}");
        assert_eq!(h.added_since(&h.clone()).count(), 0);
        assert_eq!(h.added_since(&LatencyHistogram::new()).count(), 200);
    }
}
