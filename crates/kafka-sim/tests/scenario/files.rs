//! The example files in tests/scenarios/, size limits, and garbled input.

use super::{SAMPLE, error, parse};
use kafka_sim::config::{AutoOffsetReset, SerdeKind};
use kafka_sim::scenario::{CommitMode, ProcessingTime};
use kafka_sim::scenario::{MAX_SCENARIO_BYTES, Scenario, ScenarioError};
#[test]
fn oversized_input_is_refused() {
    let big = format!("duration = 1\n#{}", "x".repeat(MAX_SCENARIO_BYTES));
    assert_eq!(
        Scenario::from_toml_str(&big),
        Err(ScenarioError::TooLarge {
            size: big.len(),
            limit: MAX_SCENARIO_BYTES
        })
    );
    assert!(error(&big).contains("the limit is 1048576 bytes (1 MiB)"));
}

fn example_files() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("readable"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_scenario_is_valid() {
    let files = example_files();
    assert!(files.len() >= 4, "{files:?}");
    for (path, text) in &files {
        if let Err(e) = Scenario::from_toml_str(text) {
            panic!("{path}: {e}");
        }
    }
    // tests/scenarios/invalid/ holds files that must be refused, each with the message it gets.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios/invalid");
    let mut refused = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/scenarios/invalid exists") {
        let path = entry.expect("readable").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        match Scenario::from_toml_str(&text) {
            Ok(_) => panic!("{}: expected an error", path.display()),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        refused += 1;
    }
    assert!(refused >= 1);
    let seed = files
        .iter()
        .find(|(p, _)| p.ends_with("seed-reserve.toml"))
        .expect("the seed's scenario");
    let s = parse(&seed.1);
    assert_eq!(s.cluster.config.offsets_topic_replication_factor, 3);
    assert_eq!(s.cluster.config.group_initial_rebalance_delay_ms, 0);
    let p = &s.producers[0];
    assert_eq!(
        (p.config.key_serializer, p.config.value_serializer),
        (SerdeKind::String, SerdeKind::SpringJson)
    );
}

/// W1, the performance guard, runs the seed's consumer group as its `application.yml` configures it, with
/// a processing time of 0 (issue 4).
#[test]
fn w1_runs_the_seeds_consumer_group() {
    let files = example_files();
    let w1 = files
        .iter()
        .find(|(p, _)| p.ends_with("w1.toml"))
        .expect("the W1 scenario");
    let s = parse(&w1.1);
    assert_eq!(s.duration, kafka_sim::SimTime::from_millis(600_000));
    assert_eq!(s.producers.len(), 1);
    assert_eq!(s.consumer_groups.len(), 1);
    let g = &s.consumer_groups[0];
    assert_eq!(g.group_id, "data-platform-group");
    assert_eq!(g.topics, ["reserve"]);
    assert_eq!(g.members.len(), 3);
    assert_eq!(g.processing, ProcessingTime::Fixed(kafka_sim::SimTime::ZERO));
    assert_eq!(g.commit, CommitMode::Manual);
    let c = &g.config;
    assert!(!c.enable_auto_commit);
    assert_eq!(c.auto_offset_reset, AutoOffsetReset::Earliest);
    assert_eq!(c.heartbeat_interval_ms, 10_000);
    assert_eq!(
        (c.key_deserializer, c.value_deserializer),
        (SerdeKind::String, SerdeKind::SpringJson)
    );
    // The group can read what the producer writes: no record is a poison pill for it (a String
    // value serializer against Spring's JsonDeserializer once left W1 consuming nothing).
    let spec = s.sim_spec();
    let producer = &spec.producers[0];
    assert_eq!(
        kafka_sim::group::consumer::check_producer(producer, &g.config),
        None,
        "W1's group cannot deserialize W1's records"
    );
}

#[test]
fn garbled_inputs_never_panic() {
    let mut inputs = 0usize;
    for (_, text) in example_files()
        .iter()
        .chain([(String::new(), SAMPLE.to_owned())].iter())
    {
        // Each file costs (positions x its length) parses, so long files are garbled at up to
        // `SPOTS` evenly spread positions rather than at every one (the test grew with each
        // example file added; this keeps every file covered and the test in seconds).
        const SPOTS: usize = 120;
        let chars: Vec<char> = text.chars().collect();
        let stride = chars.len().div_ceil(SPOTS).max(1);
        // Prefixes (truncation at char boundaries).
        for (i, _) in text.char_indices().step_by(stride) {
            let _ = Scenario::from_toml_str(&text[..i]);
            inputs += 1;
        }
        // Single-character replacements and deletions.
        for i in (0..chars.len()).step_by(stride) {
            for r in ['"', '[', ']', '=', '\n', '-', '0', '{', 'µ'] {
                let mut garbled = chars.clone();
                garbled[i] = r;
                let garbled: String = garbled.into_iter().collect();
                let _ = Scenario::from_toml_str(&garbled);
            }
            let deleted: String = chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect();
            let _ = Scenario::from_toml_str(&deleted);
            inputs += 10;
        }
    }
    for odd in [
        "[[[",
        "a=[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        "duration = 9223372036854775807",
        "seed = -1",
        "\u{0}",
        "=\n=",
        "duration=\"9999999999999999h\"",
    ] {
        let _ = Scenario::from_toml_str(odd);
    }
    assert!(inputs > 1000);
}
