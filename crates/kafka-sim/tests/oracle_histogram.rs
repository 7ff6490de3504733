//! The latency histogram: exact extremes, bounded percentile error, empty behaviour, merging.

use kafka_sim::SimTime;
use kafka_sim::oracle::histogram::LatencyHistogram;

fn within(reported: u64, truth: u64) -> bool {
    reported >= truth && (reported - truth) as f64 <= truth as f64 / 128.0
}

#[test]
fn empty_histogram_reports_nothing_and_zero_ms() {
    let h = LatencyHistogram::new();
    assert_eq!(h.count(), 0);
    assert!(h.is_empty());
    assert_eq!(h.min(), None);
    assert_eq!(h.max(), None);
    assert_eq!(h.mean(), None);
    assert_eq!(h.percentile(50.0), None);
    let s = h.summary();
    assert_eq!((s.count, s.p50, s.p99, s.max), (0, 0.0, 0.0, 0.0));
}

#[test]
fn small_values_are_exact_and_extremes_are_exact() {
    let mut h = LatencyHistogram::new();
    for v in 1..=100 {
        h.record_micros(v);
    }
    assert_eq!(h.count(), 100);
    assert_eq!(h.min(), Some(1));
    assert_eq!(h.max(), Some(100));
    assert_eq!(h.percentile(50.0), Some(50));
    assert_eq!(h.percentile(99.0), Some(99));
    assert_eq!(h.percentile(0.0), Some(1));
    assert_eq!(h.percentile(100.0), Some(100));
    assert_eq!(h.percentile(f64::NAN), Some(1));
    assert_eq!(h.percentile(1e9), Some(100));
    assert_eq!(h.mean(), Some(50.5));
}

#[test]
fn uniform_distribution_percentiles_within_bound() {
    let mut h = LatencyHistogram::new();
    // 1 ms .. ~999 ms in steps of 9.99 ms (a known uniform distribution).
    let values: Vec<u64> = (0..100_000u64).map(|i| 1_000 + i * 9_990).collect();
    for &v in &values {
        h.record(SimTime::from_micros(v));
    }
    let mut sorted = values.clone();
    sorted.sort_unstable();
    for p in [1.0, 10.0, 50.0, 90.0, 99.0, 99.9] {
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        let truth = sorted[rank - 1];
        let got = h.percentile(p).unwrap();
        assert!(within(got, truth), "p{p}: got {got}, truth {truth}");
    }
    assert_eq!(h.max(), Some(*sorted.last().unwrap()));
    assert_eq!(h.max_ms(), 998_991.01);
}

#[test]
fn exact_max_survives_huge_values() {
    let mut h = LatencyHistogram::new();
    h.record_micros(7);
    h.record_micros(u64::MAX);
    h.record_micros(123_456_789);
    assert_eq!(h.max(), Some(u64::MAX));
    assert_eq!(h.min(), Some(7));
    assert_eq!(h.percentile(100.0), Some(u64::MAX));
    assert_eq!(h.percentile(50.0).map(|v| within(v, 123_456_789)), Some(true));
}

#[test]
fn bimodal_p50_and_p99_in_ms() {
    let mut h = LatencyHistogram::new();
    h.record_n(2_000, 990); // 2 ms
    h.record_n(250_000, 10); // 250 ms
    assert_eq!(h.count(), 1000);
    assert!(within(h.percentile(50.0).unwrap(), 2_000));
    assert!(
        within(h.percentile(99.0).unwrap(), 2_000),
        "rank 990 is the last 2 ms value"
    );
    assert!(within(h.percentile(99.1).unwrap(), 250_000));
    assert_eq!(h.p50_ms(), h.percentile(50.0).unwrap() as f64 / 1000.0);
    assert_eq!(h.max_ms(), 250.0);
    let s = h.summary();
    assert_eq!(s.count, 1000);
    assert_eq!(s.max, 250.0);
    assert!((s.p50 - 2.0).abs() <= 2.0 / 128.0);
}

#[test]
fn merge_equals_recording_everything_in_one() {
    let mut a = LatencyHistogram::new();
    let mut b = LatencyHistogram::new();
    let mut all = LatencyHistogram::new();
    for i in 0..10_000u64 {
        let v = (i * 7_919) % 3_000_000;
        if i % 3 == 0 {
            a.record_micros(v)
        } else {
            b.record_micros(v)
        }
        all.record_micros(v);
    }
    let mut merged = a.clone();
    merged.merge(&b);
    assert_eq!(merged, all);
    merged.merge(&LatencyHistogram::new());
    assert_eq!(merged, all);
    let mut empty = LatencyHistogram::new();
    empty.merge(&a);
    assert_eq!(empty, a);
}
