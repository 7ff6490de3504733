//! Determinism: the same seed and spec give the same trace hash, different seeds differ, a clone
//! evolves like its original, and the fixed [`golden_run`] matches the golden hash recorded in
//! `tests/golden/trace_hash_seed42.txt` (which a wasm test also checks in headless Chromium, so the
//! host and the browser are held to the same value).
//!
//! **Regenerating the golden.** When the model changes on purpose (a new message, a changed timer,
//! a different trace event), this test fails with the new value. Check that the change is intended,
//! then write the new hash, printed by
//! `cargo test -p kafka-sim --test determinism -- --nocapture print_golden_hash`,
//! into `tests/golden/trace_hash_seed42.txt` as one line (`0x` and 16 hex digits), and say so in the
//! change's description. Never regenerate it to paper over a difference between two platforms or two
//! runs: that is a determinism bug.

use kafka_sim::cluster::ClusterEvent;
use kafka_sim::ids::BrokerId;
use kafka_sim::kernel::TraceEvent;
use kafka_sim::sim::{GOLDEN_RUN_LENGTH, golden_run, golden_sim};
use kafka_sim::time::SimTime;
use kafka_sim::{SimSpec, Simulation};

const GOLDEN: &str = include_str!("../../../tests/golden/trace_hash_seed42.txt");

fn hex(h: u64) -> String {
    format!("{h:#018x}")
}

/// Prints the golden hash (for regenerating it) and checks that the golden run, for several
/// seeds, tells the story it is meant to: the controller moves, is vacant for a while, and every
/// broker is registered again at the end.
#[test]
fn print_golden_hash() {
    let sim = golden_run(42);
    println!("golden trace hash (seed 42): {}", hex(sim.trace_hash()));
    println!(
        "events processed: {}, trace entries: {}",
        sim.events_processed(),
        sim.trace().recorded()
    );
    for seed in [42, 1, 2, 3] {
        let sim = golden_run(seed);
        let changes: Vec<Option<BrokerId>> = sim
            .trace()
            .entries()
            .filter_map(|e| match e.event {
                TraceEvent::Node {
                    event: ClusterEvent::ControllerChanged { controller, .. },
                    ..
                } => Some(controller),
                _ => None,
            })
            .collect();
        assert!(changes.len() >= 3, "seed {seed}: {changes:?}");
        assert!(
            changes.contains(&None),
            "seed {seed}: the controller is never vacant: {changes:?}"
        );
        let registered: Vec<BrokerId> = sim.zookeeper().registered_brokers().collect();
        assert_eq!(
            registered,
            vec![BrokerId(1), BrokerId(2), BrokerId(3)],
            "seed {seed}"
        );
        assert!(sim.controller().is_some(), "seed {seed}");
        let lost = sim
            .trace()
            .entries()
            .filter(|e| matches!(e.event, TraceEvent::Lost { .. }))
            .count();
        assert!(lost > 0, "seed {seed}: nothing was lost");
    }
}

#[test]
fn golden_run_matches_the_recorded_hash() {
    let sim = golden_run(42);
    assert_eq!(sim.now(), GOLDEN_RUN_LENGTH);
    assert_eq!(
        hex(sim.trace_hash()),
        GOLDEN.trim(),
        "the golden run's trace changed; see this file's doc comment to regenerate on purpose"
    );
}

#[test]
fn same_seed_same_hash() {
    let a = golden_run(42);
    let b = golden_run(42);
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.events_processed(), b.events_processed());
    assert_eq!(a.view(), b.view());
    let a = golden_run(7);
    let b = golden_run(7);
    assert_eq!(a.trace_hash(), b.trace_hash());
}

#[test]
fn different_seeds_differ() {
    let hashes: Vec<u64> = [42u64, 0, 1, 2, 3, 43, u64::MAX]
        .iter()
        .map(|&s| golden_run(s).trace_hash())
        .collect();
    for i in 0..hashes.len() {
        for j in i + 1..hashes.len() {
            assert_ne!(hashes[i], hashes[j], "seeds #{i} and #{j} gave the same trace");
        }
    }
}

#[test]
fn different_seeds_differ_even_without_jitter() {
    // The default spec has no jitter; the seed still shows (e.g. in ZooKeeper's session ids).
    let run = |seed| {
        let mut s = Simulation::new(SimSpec {
            seed,
            ..SimSpec::default()
        })
        .unwrap();
        s.run_until(SimTime::from_secs(30));
        s.trace_hash()
    };
    assert_eq!(run(42), run(42));
    assert_ne!(run(42), run(43));
}

#[test]
fn a_clone_taken_midway_evolves_to_the_same_hash() {
    let mut original = golden_sim(42);
    original.run_until(SimTime::from_millis(47_321));
    let mut snapshot = original.clone();
    assert_eq!(snapshot.trace_hash(), original.trace_hash());
    original.run_until(GOLDEN_RUN_LENGTH);
    // The clone is independent: the original's progress did not move it.
    assert_eq!(snapshot.now(), SimTime::from_millis(47_321));
    // Step the clone one event at a time instead of in one go: same result.
    while snapshot.step().is_some_and(|t| t < GOLDEN_RUN_LENGTH) {}
    snapshot.run_until(GOLDEN_RUN_LENGTH);
    assert_eq!(snapshot.trace_hash(), original.trace_hash());
    assert_eq!(snapshot.view(), original.view());
}

#[test]
fn a_clone_that_diverges_stays_diverged() {
    let mut a = golden_sim(42);
    a.run_until(SimTime::from_secs(10));
    let mut b = a.clone();
    b.inject(kafka_sim::kernel::fault::Fault::Crash(kafka_sim::NodeId(3)));
    a.run_until(SimTime::from_secs(60));
    b.run_until(SimTime::from_secs(60));
    assert_ne!(a.trace_hash(), b.trace_hash());
}
