//! `kafka-sim import` and `kafka-sim export`, run as a user would, on the seed's files.

mod common;

use common::{kafka_sim, scenario, text};

fn seed(name: &str) -> String {
    format!(
        "{}/../kafka-sim/tests/fixtures/seed/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn import_of_the_seed_files_prints_a_scenario_that_checks() {
    let out = kafka_sim(
        &["import", &seed("docker-compose.yml"), &seed("application.yml")],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let toml = text(&out.stdout);
    assert!(toml.contains("[cluster]\nbrokers = 3\n"), "{toml}");
    assert!(toml.contains("\"group.id\" = \"data-platform-group\""), "{toml}");
    assert!(toml.contains("commit = \"manual\""), "{toml}");
    assert!(toml.contains("\"heartbeat.interval.ms\" = \"10000\""), "{toml}");
    assert!(
        toml.contains("#   kafka1 = broker 1: kafka1:29092, host.docker.internal:9092"),
        "{toml}"
    );
    assert!(toml.contains("# Ignored (5):"), "{toml}");
    // Spring's JSON setting is not a ConsumerConfig key: Kafka logs it as unknown, and so does the import.
    assert!(toml.contains("# Kafka would log:\n"), "{toml}");
    assert!(
        toml.contains("#   WARN consumer_groups[0].config: The configuration 'spring.json.trusted.packages'"),
        "{toml}"
    );
    assert!(
        toml.contains("services.zookeeper.environment.ZOOKEEPER_TICK_TIME: ZooKeeper's own setting"),
        "{toml}"
    );
    // The printed TOML is a scenario file `check` accepts.
    let checked = kafka_sim(&["check", "-"], &toml);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked.stderr));
    assert!(
        text(&checked.stdout).contains("ok — 3 brokers"),
        "{}",
        text(&checked.stdout)
    );
}

#[test]
fn import_refusals_exit_2_with_kafkas_message() {
    let out = kafka_sim(&["import", "-", "--format", "properties"], "acks=2\n");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "-: (file): Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1\n"
    );
    let out = kafka_sim(&["import", "-", "--format", "yaml"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown import format 'yaml'"),
        "{}",
        text(&out.stderr)
    );
    let out = kafka_sim(&["import"], "");
    assert!(text(&out.stderr).contains("expected at least one file"));
}

#[test]
fn export_formats_from_the_seed_scenario() {
    let path = scenario("seed-reserve.toml");
    let compose = kafka_sim(&["export", "--scenario", &path, "--format", "compose"], "");
    assert_eq!(compose.status.code(), Some(0), "{}", text(&compose.stderr));
    let yml = text(&compose.stdout);
    assert!(yml.contains("image: confluentinc/cp-kafka:7.7.1"), "{yml}");
    assert!(yml.contains(
        "KAFKA_ADVERTISED_LISTENERS: INTERNAL://kafka2:29093,EXTERNAL://host.docker.internal:9093"
    ));
    let kraft = kafka_sim(&["export", "--scenario", &path, "--format", "kraft"], "");
    assert!(text(&kraft.stdout).contains("KAFKA_PROCESS_ROLES: broker,controller"));
    let consumer = kafka_sim(
        &["export", "--scenario", &path, "--format", "consumer-properties"],
        "",
    );
    assert!(
        text(&consumer.stdout).contains("group.id=data-platform-group\n"),
        "{}",
        text(&consumer.stdout)
    );
    let spring = kafka_sim(&["export", "--scenario", &path, "--format", "spring"], "");
    let spring_text = text(&spring.stdout);
    assert!(
        spring_text.contains("      group-id: data-platform-group\n"),
        "{spring_text}"
    );
    // Export then import: the same cluster size and group.
    let back = kafka_sim(&["import", "-", "--format", "compose"], &yml);
    assert!(
        text(&back.stdout).contains("brokers = 3"),
        "{}",
        text(&back.stderr)
    );
    let producer = kafka_sim(
        &["export", "--scenario", &path, "--format", "producer-properties"],
        "",
    );
    assert!(
        text(&producer.stdout).starts_with("# producer '"),
        "{}",
        text(&producer.stdout)
    );
}

#[test]
fn export_usage_errors() {
    let out = kafka_sim(&["export", "--format", "compose"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--scenario and --format are required"));
    let out = kafka_sim(
        &[
            "export",
            "--scenario",
            &scenario("seed-reserve.toml"),
            "--format",
            "helm",
        ],
        "",
    );
    assert!(
        text(&out.stderr).contains("unknown export format 'helm'"),
        "{}",
        text(&out.stderr)
    );
}
