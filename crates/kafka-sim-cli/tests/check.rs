//! `kafka-sim check SCENARIO.toml`, run as a user would.

mod common;

use common::{kafka_sim, scenario, text};

#[test]
fn the_seed_scenario_is_ok() {
    let path = scenario("seed-reserve.toml");
    let out = kafka_sim(&["check", &path], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.lines().next(),
        Some(
            format!(
                "{path}: ok — 3 brokers, 1 topic (reserve: 3 partitions, RF 3), 1 producer, 1 consumer group (data-platform-group: 3 members on reserve, commit manual), 0 faults, 60s"
            )
            .as_str()
        )
    );
}

#[test]
fn every_example_scenario_checks_ok() {
    for name in [
        "acks1-leader-crash.toml",
        "acks-all-one-broker-crash.toml",
        "unclean-true.toml",
    ] {
        let out = kafka_sim(&["check", &scenario(name)], "");
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains(": ok — 3 brokers"), "{name}");
    }
}

#[test]
fn kafka_log_lines_follow_the_summary() {
    let toml = "duration = \"10s\"\n[[topics]]\nname = \"t\"\n[[producers]]\ntopic = \"t\"\nrate = 10\nvalue = \"v\"\n\
                [producers.config]\nacks = 1\n\"my.own\" = \"x\"\n";
    let out = kafka_sim(&["check", "-"], toml);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("-: ok — 3 brokers, 1 topic (t: 1 partition, RF 1), 1 producer, 0 faults, 10s\n")
    );
    assert!(stdout.contains(
        "INFO producers[0].config: Idempotence will be disabled because acks is set to 1, not set to 'all'.\n"
    ));
    assert!(stdout.contains(
        "WARN producers[0].config: The configuration 'my.own' was supplied but isn't a known config."
    ));
}

#[test]
fn an_invalid_producer_config_exits_2_with_kafkas_message() {
    let toml = "duration = \"10s\"\n[[topics]]\nname = \"t\"\n[[producers]]\ntopic = \"t\"\nrate = 10\nvalue = \"v\"\n\
                [producers.config]\nacks = 2\n";
    let out = kafka_sim(&["check", "-"], toml);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).trim_end(),
        "-: producers[0].config: Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_toml_error_shows_the_line() {
    let out = kafka_sim(
        &["check", "-"],
        "duration = \"1s\"\n[cluster]\nbrokers = 3\nacks = 1\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "-: TOML parse error at line 4, column 1: unknown field `acks` in [cluster], expected `brokers` or `config`\n\
         4 | acks = 1\n  | ^\n"
    );
}

#[test]
fn a_bad_fault_names_its_key() {
    let toml = "duration = \"1m\"\n[[faults]]\nat = \"2x\"\naction = \"heal\"\n";
    let out = kafka_sim(&["check", "-"], toml);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).trim_end(),
        "-: faults[0].at: invalid duration \"2x\": expected a number followed by us, ms, s, m or h"
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = kafka_sim(&["check"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("expected one scenario file"));
    let out = kafka_sim(&["check", "a.toml", "b.toml"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = kafka_sim(&["check", "/nonexistent/scenario.toml"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read /nonexistent/scenario.toml"));
}

#[test]
fn oversized_and_binary_input_exit_2() {
    let big = format!("duration = 1\n#{}\n", "x".repeat(1 << 20));
    let out = kafka_sim(&["check", "-"], &big);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("larger than the limit of 1048576 bytes (1 MiB)"));
    let out = kafka_sim(&["check", "-"], "duration = \"\u{0}\"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_consumer_group_heartbeat_error_exits_2_with_kafkas_exception_chain() {
    let toml = "duration = \"10s\"\n[[topics]]\nname = \"t\"\n[[consumer_groups]]\n\"group.id\" = \"g\"\n\
                topics = [\"t\"]\n[consumer_groups.config]\n\"heartbeat.interval.ms\" = 45000\n";
    for command in ["check", "run"] {
        let out = kafka_sim(&[command, "-"], toml);
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert_eq!(
            text(&out.stderr).trim_end(),
            "-: consumer_groups[0].config: Heartbeat must be set lower than the session timeout\n\
             org.apache.kafka.common.KafkaException: Failed to construct kafka consumer\n\
             Caused by: java.lang.IllegalArgumentException: Heartbeat must be set lower than the session timeout",
            "{command}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn the_group_example_summarizes_its_group() {
    let out = kafka_sim(&["check", &scenario("group-member-crash.toml")], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(
        "1 producer, 1 consumer group (data-platform-group: 3 members on reserve, commit manual), 3 faults, 90s"
    ));
}
