//! `kafka-sim run SCENARIO.toml`, run as a user would: the JSON shape and the exit codes.

mod common;

use common::{kafka_sim, scenario, text};

#[test]
fn json_has_the_documented_shape_and_is_deterministic() {
    let file = scenario("acks1-leader-crash.toml");
    let out = kafka_sim(&["run", &file, "--json", "--events", "--seed", "7"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = text(&out.stdout);
    assert_eq!(json.lines().count(), 1, "one JSON object on one line");
    assert!(
        json.starts_with("{\"seed\":7,\"simulated_ms\":60000,\"trace_hash\":\""),
        "{json}"
    );
    for key in [
        "\"invariant_violations\":[]",
        "\"producers\":{\"app\":{\"sent\":60000,\"acked\":",
        "\"errors\":{",
        "\"retries\":",
        "\"batches\":",
        "\"requests\":",
        "\"latency_ms\":{\"p50\":",
        "\"durability\":{\"acked_lost\":",
        "\"duplicates\":",
        "\"reordered\":",
        "\"inconsistent_offsets\":",
        "\"elections\":{\"clean\":",
        "\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"leader\":",
        "\"log_end_offsets\":{\"",
        "\"events\":[{\"t_ms\":",
        "\"kind\":\"broker_crashed\"",
        "\"kind\":\"leader_elected\"",
    ] {
        assert!(json.contains(key), "missing {key} in {json}");
    }
    let again = kafka_sim(&["run", &file, "--json", "--events", "--seed", "7"], "");
    assert_eq!(json, text(&again.stdout));
}

#[test]
fn summary_without_json() {
    let out = kafka_sim(&["run", &scenario("acks0-leader-crash.toml")], "");
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out.stdout);
    assert!(s.contains("producer fire-and-forget: sent 40000"), "{s}");
    assert!(s.contains("durability: acked lost 0"), "{s}");
}

#[test]
fn bad_input_exits_2_with_kafkas_message() {
    let bad = "duration = \"1s\"\n[[topics]]\nname = \"t\"\n[[producers]]\ntopic = \"t\"\nrate = 1\nvalue = \"v\"\n\
               [producers.config]\nacks = \"2\"\n";
    let out = kafka_sim(&["run", "-"], bad);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).is_empty());
    for args in [
        &["run"][..],
        &["run", "x.toml", "--bogus"],
        &["run", "x.toml", "--seed", "no"],
    ] {
        let out = kafka_sim(args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let out = kafka_sim(&["run", "/nonexistent/file.toml"], "");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_summary_with_events_narrates_the_run_in_english() {
    let file = scenario("acks1-leader-crash.toml");
    let out = kafka_sim(&["run", &file, "--events"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    let log = summary.split("event log:\n").nth(1).expect("an event log");
    assert!(log.contains("    20000 ms  broker   broker 2 crashed\n"), "{log}");
    assert!(
        log.contains(
            "broker 2 missed its ZooKeeper session of 18 s, so the controller moved the leader of t-0"
        ),
        "{log}"
    );
}
