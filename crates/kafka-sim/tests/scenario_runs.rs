//! The scenarios, run end to end from `tests/scenarios/*.toml`: producers, the produce path,
//! faults whose selectors resolve when they fire, and the durability oracle's verdict.

use kafka_sim::Simulation;
use kafka_sim::error_code::ErrorCode;
use kafka_sim::oracle::durability::{AnomalyKind, DurabilityReport};
use kafka_sim::producer::sender::ProducerStats;
use kafka_sim::scenario::Scenario;
use kafka_sim::sim::run_scenario;

fn run(name: &str) -> (Simulation, DurabilityReport, ProducerStats) {
    let path = format!("{}/../../tests/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("scenario file");
    let scenario = Scenario::from_toml_str(&text).expect("valid scenario");
    let sim = run_scenario(&scenario, None).expect("valid spec");
    let report = sim.durability_report();
    let stats = sim
        .producers()
        .next()
        .expect("one producer")
        .producer()
        .stats()
        .clone();
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
    (sim, report, stats)
}

fn latency(sim: &Simulation) -> (f64, f64) {
    let h = sim.producer_latency(0).expect("latencies").summary();
    (h.p50, h.max)
}

#[test]
fn acks1_leader_crash_loses_acknowledged_records_with_explanations() {
    let (sim, r, _) = run("acks1-leader-crash");
    assert!(r.acked_lost > 0, "{r:?}");
    let f = r.findings_of(AnomalyKind::AckedLost).next().expect("a finding");
    assert!(f.explanation.contains("acknowledged"), "{}", f.explanation);
    assert_eq!(sim.elections().unclean, 0);
    assert!(sim.elections().clean >= 2);
}

#[test]
fn acks_all_min_isr_2_one_broker_crash_loses_nothing() {
    let (sim, r, s) = run("acks-all-one-broker-crash");
    assert_eq!((r.acked_lost, r.duplicates, r.reordered), (0, 0, 0), "{r:?}");
    assert_eq!(s.failed, 0);
    // Production continued after the new leader was elected.
    assert!(s.acked as f64 > 0.99 * s.sent as f64, "{s:?}");
    // The latency spike of the failover: the crash resets the producer's connection at once, so the
    // wait is for the new leader (the dead broker's 18 s ZooKeeper session), not a 30 s request timeout.
    let (p50, max) = latency(&sim);
    assert!(max > 10_000.0 && max > 10.0 * p50, "p50 {p50} max {max}");
    assert!(
        max < 20_000.0,
        "max {max}: the producer waited for a request timeout"
    );
}

#[test]
fn acks0_leader_crash_loses_records_silently() {
    let (_, r, s) = run("acks0-leader-crash");
    assert_eq!(r.acked_lost, 0);
    assert!(r.unconfirmed_lost > 0, "{r:?}");
    assert_eq!(r.acked_no_offset, s.acked);
    // Nothing failed, so nothing was retried: retries cannot help acks=0.
    assert_eq!((s.failed, s.retries), (0, 0));
}

#[test]
fn acks_all_two_brokers_down_fails_sends_after_delivery_timeout() {
    let (_, r, s) = run("acks-all-two-brokers-down");
    assert!(s.error_count(ErrorCode::NotEnoughReplicas) > 0, "{s:?}");
    assert!(s.retries > 0 && s.failed > 0, "{s:?}");
    assert_eq!(r.acked_lost, 0, "{r:?}");
}

#[test]
fn linger_50_makes_fewer_batches_and_higher_latency() {
    let (sim0, _, s0) = run("linger-0");
    let (sim50, _, s50) = run("linger-50");
    assert!(s50.batches * 5 < s0.batches, "{} vs {}", s50.batches, s0.batches);
    assert!(latency(&sim50).0 > latency(&sim0).0 + 40.0);
}

#[test]
fn dropped_responses_duplicate_without_idempotence_only() {
    let (_, without, s) = run("dup-no-idempotence");
    assert!(s.retries > 0);
    assert!(without.duplicates > 0, "{without:?}");
    let (_, with, s) = run("dup-idempotence");
    assert!(s.retries > 0);
    assert_eq!(
        (with.duplicates, with.reordered, with.acked_lost),
        (0, 0, 0),
        "{with:?}"
    );
    assert_eq!(s.acked, s.sent - 1, "{s:?}"); // the last record is still lingering at the end
}

#[test]
fn in_flight_5_without_idempotence_reorders() {
    let (_, r, _) = run("reorder-in-flight");
    assert!(r.reordered > 0, "{r:?}");
}

#[test]
fn unclean_election_loses_acknowledged_records_clean_one_stays_offline() {
    let (sim, r, _) = run("unclean-true");
    assert_eq!(sim.elections().unclean, 1);
    assert!(r.acked_lost > 0);
    let f = r.findings_of(AnomalyKind::AckedLost).next().expect("a finding");
    assert!(f.explanation.contains("uncleanly"), "{}", f.explanation);
    let (sim, r, _) = run("unclean-false");
    assert_eq!(sim.elections().unclean, 0);
    assert_eq!(r.acked_lost, 0);
    assert_eq!(sim.view().partitions[0].leader, None);
}

#[test]
fn runs_are_deterministic() {
    let (a, ra, _) = run("acks1-leader-crash");
    let (b, rb, _) = run("acks1-leader-crash");
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(ra, rb);
}
