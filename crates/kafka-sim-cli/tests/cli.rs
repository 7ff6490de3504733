//! The `kafka-sim` binary, run as a user would.

mod common;

use common::{kafka_sim, text};

#[test]
fn golden_prints_the_recorded_hash() {
    let out = kafka_sim(&["golden"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let golden = include_str!("../../../tests/golden/trace_hash_seed42.txt").trim();
    let first = text(&out.stdout).lines().next().unwrap_or_default().to_owned();
    assert_eq!(first, golden);
}

#[test]
fn golden_hash_depends_on_the_seed() {
    let a = kafka_sim(&["golden", "--seed", "7"], "");
    let b = kafka_sim(&["golden", "--seed", "8"], "");
    assert!(a.status.success() && b.status.success());
    assert_ne!(text(&a.stdout).lines().next(), text(&b.stdout).lines().next());
}

#[test]
fn a_bad_seed_exits_2_with_a_message() {
    let out = kafka_sim(&["golden", "--seed", "many"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("'many' is not a whole number"));
}

#[test]
fn an_invalid_producer_config_gets_kafkas_message_and_exit_2() {
    let props = "key.serializer=org.apache.kafka.common.serialization.StringSerializer\n\
                 value.serializer=org.apache.kafka.common.serialization.StringSerializer\n\
                 acks=2\n";
    let out = kafka_sim(&["config", "producer", "-"], props);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_heartbeat_rule_is_a_construction_error_as_in_kafka() {
    let props = "key.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n\
                 value.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n\
                 group.id=g\nheartbeat.interval.ms=45000\nsession.timeout.ms=45000\n";
    let out = kafka_sim(&["config", "consumer", "-"], props);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("Failed to construct kafka consumer"), "{err}");
    assert!(
        err.contains("Heartbeat must be set lower than the session timeout"),
        "{err}"
    );
}

#[test]
fn a_valid_config_prints_kafkas_warnings_and_exits_0() {
    let props = "key.serializer=org.apache.kafka.common.serialization.StringSerializer\n\
                 value.serializer=org.springframework.kafka.support.serializer.JsonSerializer\n\
                 acks=1\nlinger.ms=5\nno.such.thing=1\n";
    let out = kafka_sim(&["config", "producer", "-"], props);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("The configuration 'no.such.thing' was supplied but isn't a known config."));
    assert!(stdout.contains("Idempotence will be disabled because acks is set to 1, not set to 'all'."));
    assert!(stdout.contains("a valid producer configuration"));
}

#[test]
fn unknown_commands_and_kinds_exit_2() {
    assert_eq!(kafka_sim(&["frobnicate"], "").status.code(), Some(2));
    assert_eq!(
        kafka_sim(&["config", "zookeeper", "-"], "").status.code(),
        Some(2)
    );
    assert_eq!(
        kafka_sim(&["config", "producer", "/no/such/file"], "")
            .status
            .code(),
        Some(2)
    );
}
