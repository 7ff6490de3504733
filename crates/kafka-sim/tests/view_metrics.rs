//! The metrics series and the anomalies tab, against scenario runs.

use kafka_sim::scenario::Scenario;
use kafka_sim::sim::{METRICS_CAPACITY, METRICS_INTERVAL};
use kafka_sim::view::{AnomalyClass, MetricSample};
use kafka_sim::{SimSpec, SimTime, Simulation};

fn run(name: &str) -> Simulation {
    let path = format!("{}/../../tests/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("scenario file");
    let scenario = Scenario::from_toml_str(&text).expect("valid scenario");
    let mut sim = Simulation::new(scenario.sim_spec()).expect("valid spec");
    for f in &scenario.faults {
        sim.schedule_scenario_fault(f);
    }
    sim.run_until(scenario.duration);
    sim
}

fn at(samples: &[MetricSample], s: u64) -> &MetricSample {
    samples
        .iter()
        .find(|m| m.at == SimTime::from_secs(s))
        .expect("a sample")
}

#[test]
fn one_sample_per_simulated_second_with_rates_latency_and_losses() {
    let mut sim = run("acks1-leader-crash");
    let m: Vec<MetricSample> = sim.metrics().cloned().collect();
    assert_eq!(m.len(), 60);
    assert_eq!(sim.view().metric_count, 60);
    for (i, s) in m.iter().enumerate() {
        assert_eq!(s.at, SimTime::from_secs(i as u64 + 1));
        assert_eq!(s.total_lag, None, "no groups");
    }
    // The load: 1,000 records/s, every second.
    assert!(m.iter().all(|s| s.produce_rate == 1000.0), "{m:?}");
    // Everything acknowledged shows in the acknowledged rate (1 s samples, so the sum is the count).
    let acked: f64 = m.iter().map(|s| s.acked_rate).sum();
    let stats = sim.producers().next().unwrap().producer().stats().clone();
    assert_eq!(acked as u64, stats.acked);
    // Fast before the slow links (10 s), a spike after the leader crash (20 s, new leader ~36 s).
    assert!(at(&m, 5).p99_latency_ms.unwrap() < 50.0, "{:?}", at(&m, 5));
    let spike = m.iter().filter_map(|s| s.p99_latency_ms).fold(0.0, f64::max);
    assert!(spike > 10_000.0, "{spike}");
    // No acknowledgement while no leader is up.
    assert_eq!(at(&m, 30).acked_rate, 0.0);
    // Losses appear after the failover and match the oracle at the end.
    assert_eq!(at(&m, 15).lost, 0);
    let lost = m.last().unwrap().lost;
    assert!(lost > 0);
    assert_eq!(lost, sim.anomalies().lost + sim.anomalies().wrong_offset);
    assert_eq!(sim.metrics_since(SimTime::from_secs(58), 10).len(), 3);
}

#[test]
fn group_runs_chart_lag_and_rebalance_markers() {
    let sim = run("group-member-crash");
    let m: Vec<MetricSample> = sim.metrics().cloned().collect();
    assert_eq!(m.len(), 90);
    assert!(m.iter().all(|s| s.total_lag.is_some()));
    let marked: Vec<u64> = (m.iter())
        .filter(|s| s.rebalances > 0)
        .map(|s| s.at.as_millis() / 1000)
        .collect();
    // The start, the member added at 40 s, the coordinator failover after 50 s.
    assert_eq!(marked.first(), Some(&1));
    assert!(marked.contains(&41), "{marked:?}");
    let total: u64 = m.iter().map(|s| s.rebalances).sum();
    assert_eq!(total, sim.rebalance_stats("data-platform-group").rebalances);
    // The lag grows while the group waits for its crashed member to rejoin (from the failover on).
    assert!(at(&m, 88).total_lag > at(&m, 70).total_lag, "{m:?}");
}

#[test]
fn the_series_is_bounded() {
    let mut sim = Simulation::new(SimSpec::default()).unwrap();
    let end = SimTime::from_secs(METRICS_CAPACITY as u64 + 100);
    sim.run_until(end);
    let m: Vec<&MetricSample> = sim.metrics().collect();
    assert_eq!(m.len(), METRICS_CAPACITY);
    assert_eq!(m[0].at, SimTime::from_secs(101));
    assert_eq!(m.last().unwrap().at, end);
    assert_eq!(sim.view().metric_count, METRICS_CAPACITY as u64 + 100);
    assert!(m.windows(2).all(|w| w[1].at == w[0].at + METRICS_INTERVAL));
}

#[test]
fn anomalies_explain_lost_acknowledged_writes_in_jepsens_terms() {
    let mut sim = run("acks1-leader-crash");
    let a = sim.anomalies();
    assert!(a.lost > 0 && !a.is_clean());
    let lost: Vec<_> = a.of(AnomalyClass::LostWrite).collect();
    assert!(!lost.is_empty());
    assert_eq!(AnomalyClass::LostWrite.jepsen_name(), "lost-write");
    for f in &lost {
        assert_eq!((f.topic.as_str(), f.partition), ("t", 0));
        assert!(f.offset.is_some() && f.record.starts_with("p0#"));
        assert!(f.explanation.contains("acknowledged"), "{}", f.explanation);
    }
}

#[test]
fn acks_all_with_min_isr_2_is_clean() {
    let mut sim = run("acks-all-one-broker-crash");
    let a = sim.anomalies();
    assert_eq!((a.lost, a.duplicates, a.reordered), (0, 0, 0));
    assert!(a.is_clean(), "{:?}", a.findings.first());
    assert!(sim.metrics().all(|s| s.lost == 0 && s.duplicated == 0));
}

#[test]
fn consumer_duplicates_and_skips_are_explained_per_group() {
    let mut sim = run("group-commit-before-crash");
    let a = sim.anomalies();
    let g = &a.groups[0];
    assert!(g.skipped > 0, "{g:?}");
    assert!(g.explanations.iter().any(|e| e.contains("poll-skip")), "{g:?}");
    assert!(!a.is_clean());
    assert_eq!(sim.metrics().last().unwrap().skipped, g.skipped);
    let mut sim = run("group-commit-auto-crash");
    let g = sim.anomalies().groups[0].clone();
    assert!(g.processed_twice > 0 && g.reprocessed_after_crash > 0, "{g:?}");
    assert!(g.explanations[0].contains("processed twice (duplicate)"), "{g:?}");
    assert!(sim.metrics().last().unwrap().duplicated >= g.processed_twice);
}
