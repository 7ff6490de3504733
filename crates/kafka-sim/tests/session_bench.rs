//! Figures for the session's time travel on the seed scenario (run with
//! `cargo test --profile native -p kafka-sim --test session_bench -- --ignored --nocapture`):
//! the cost of one snapshot (a `Simulation` clone) at 60 s simulated, and `step_back` latency.

use kafka_sim::scenario::Scenario;
use kafka_sim::session::{ScenarioSource, Session};
use kafka_sim::time::SimTime;
use std::time::Instant;

fn seed_session() -> Session {
    let path = format!(
        "{}/../../tests/scenarios/seed-reserve.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let scenario = Scenario::from_toml_str(&text).unwrap();
    Session::new(ScenarioSource::Named("seed-reserve".into()), scenario, 42).unwrap()
}

/// Resident memory in KiB (Linux), for a rough size of clones.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
#[ignore = "a measurement, not a check"]
fn snapshot_and_step_back_figures() {
    let mut s = seed_session();
    let t = Instant::now();
    s.run_until(SimTime::from_secs(60));
    let run = t.elapsed();
    println!(
        "run to 60 s: {run:?}; {} events; {} snapshots held, interval {} s",
        s.sim().events_processed(),
        s.snapshot_count(),
        s.snapshot_interval().as_secs_f64()
    );
    const N: u32 = 50;
    let before = rss_kib();
    let t = Instant::now();
    let clones: Vec<_> = (0..N).map(|_| s.sim().clone()).collect();
    let per_clone = t.elapsed() / N;
    let after = rss_kib();
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "snapshot clone: {per_clone:?} each, about {} KiB each (RSS)",
            a.saturating_sub(b) / u64::from(N)
        );
    }
    drop(clones);
    println!(
        "trace: {} entries of {} bytes inline; {} notable events",
        s.sim().trace().entries().count(),
        std::mem::size_of::<kafka_sim::kernel::TraceEntry<kafka_sim::cluster::ClusterEvent>>(),
        s.sim().notable_events().len()
    );
    let mut times = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        assert!(s.step_back());
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "step_back x200 from 60 s: median {:?}, p95 {:?}, max {:?}",
        times[100], times[190], times[199]
    );
    let t = Instant::now();
    s.seek(SimTime::from_secs(30));
    println!("seek 60 s -> 30 s: {:?}", t.elapsed());
}
