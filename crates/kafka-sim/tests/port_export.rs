//! Export of a scenario as compose (ZooKeeper and KRaft), client properties and Spring YAML, and the round
//! trips: every export imports back to the same cluster and clients.

use kafka_sim::port::{
    ExportFormat, ExportOptions, ImportOptions, ScenarioDoc, env_name, export, import_files, import_str,
    parse_yaml, seed_addresses,
};
use kafka_sim::scenario::{CommitMode, ConsumerGroupSpec, Scenario};
use std::collections::BTreeMap;

const SEED_COMPOSE: &str = include_str!("fixtures/seed/docker-compose.yml");
const SEED_SPRING: &str = include_str!("fixtures/seed/application.yml");

const SCENARIO: &str = r#"
seed = 7
duration = "30s"
[cluster]
brokers = 3
[cluster.config]
"min.insync.replicas" = 2
"offsets.topic.replication.factor" = 3
"group.initial.rebalance.delay.ms" = 0
"log.cleanup.policy" = "compact,delete"
[[topics]]
name = "reserve"
partitions = 3
replication_factor = 3
[[producers]]
name = "reservation-service"
topic = "reserve"
rate = 100
value = '{"reservationId":{n}}'
[producers.config]
acks = "all"
"linger.ms" = 5
"batch.size" = 32768
"value.serializer" = "org.springframework.kafka.support.serializer.JsonSerializer"
[[consumer_groups]]
"group.id" = "data-platform-group"
topics = ["reserve"]
members = 2
commit = "manual"
[consumer_groups.config]
"auto.offset.reset" = "earliest"
"heartbeat.interval.ms" = 10000
"max.poll.records" = 50
"value.deserializer" = "org.springframework.kafka.support.serializer.JsonDeserializer"
"spring.json.trusted.packages" = "*"
"#;

fn scenario() -> Scenario {
    Scenario::from_toml_str(SCENARIO).unwrap()
}

fn out(s: &Scenario, f: ExportFormat) -> String {
    export(s, f, &ExportOptions::default()).unwrap().text
}

/// A group's effective properties, without Kafka's default `enable.auto.commit=true` (Spring must spell it).
fn group_props(g: &ConsumerGroupSpec) -> BTreeMap<String, String> {
    g.base_properties()
        .into_iter()
        .filter(|(k, v)| !(k == "enable.auto.commit" && v == "true"))
        .collect()
}

#[test]
fn compose_export_is_in_the_seeds_style_and_imports_back() {
    let s = scenario();
    let text = out(&s, ExportFormat::Compose);
    for line in [
        "  kafka1:\n    container_name: kafka1\n    image: confluentinc/cp-kafka:7.7.1\n    ports:\n      - \"9092:9092\"",
        "      KAFKA_BROKER_ID: 3\n      KAFKA_ZOOKEEPER_CONNECT: 'zookeeper:2181'\n      KAFKA_ADVERTISED_LISTENERS: \
         INTERNAL://kafka3:29094,EXTERNAL://host.docker.internal:9094",
        "      KAFKA_MIN_INSYNC_REPLICAS: 2\n      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 3",
        "      KAFKA_LOG_CLEANUP_POLICY: compact,delete",
        "    depends_on:\n      - zookeeper",
        "  zookeeper:\n    container_name: zookeeper\n    image: confluentinc/cp-zookeeper:7.7.1",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let back = import_str("docker-compose.yml", &text).unwrap();
    assert_eq!(back.scenario.cluster.brokers, 3);
    assert_eq!(back.scenario.cluster.properties, s.cluster.properties);
    assert_eq!(back.scenario.cluster.config, s.cluster.config);
    let expected = seed_addresses(3);
    let got = back.addresses();
    for a in &expected {
        assert!(got.contains(a), "{a:?} not in {got:?}");
    }
}

#[test]
fn seed_compose_round_trips_through_export() {
    let first = import_str("docker-compose.yml", SEED_COMPOSE).unwrap();
    let text = out(&first.scenario, ExportFormat::Compose);
    let second = import_str("docker-compose.yml", &text).unwrap();
    assert_eq!(second.scenario.cluster, first.scenario.cluster);
    assert_eq!(second.brokers, first.brokers);
    assert_eq!(second.ignored.len(), first.ignored.len());
}

#[test]
fn kraft_export_has_the_quorum_and_imports_back() {
    let s = scenario();
    let text = out(&s, ExportFormat::Kraft);
    for line in [
        "image: apache/kafka:3.7.1",
        "KAFKA_NODE_ID: 2",
        "KAFKA_PROCESS_ROLES: broker,controller",
        "KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka1:19093,2@kafka2:19093,3@kafka3:19093",
        "KAFKA_CONTROLLER_LISTENER_NAMES: CONTROLLER",
        "CLUSTER_ID: MkU3OEVBNTcwNTJENDM2Qk",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(!text.contains("zookeeper"), "{text}");
    let back = import_str("docker-compose.yml", &text).unwrap();
    assert_eq!(back.scenario.cluster.brokers, 3);
    assert_eq!(back.scenario.cluster.properties, s.cluster.properties);
    assert_eq!(back.brokers[1].configured_id, Some(2));
    assert!(
        back.ignored
            .iter()
            .any(|i| i.key.ends_with("KAFKA_PROCESS_ROLES") && i.reason.contains("KRaft"))
    );
    assert!(back.addresses().contains(&("localhost:9093".to_owned(), 2)));
}

#[test]
fn producer_properties_round_trip() {
    let s = scenario();
    let text = out(&s, ExportFormat::ProducerProperties);
    assert!(
        text.contains("bootstrap.servers=localhost:9092,localhost:9093,localhost:9094\n"),
        "{text}"
    );
    assert!(
        text.contains("acks=all\nlinger.ms=5\nbatch.size=32768\n"),
        "{text}"
    );
    let back = import_str("producer.properties", &text).unwrap();
    let p = &back.scenario.producers[0];
    assert_eq!(p.properties, s.producers[0].properties);
    assert_eq!(p.config, s.producers[0].config);
    assert_eq!(back.bootstrap_servers.len(), 3);
}

#[test]
fn consumer_properties_round_trip() {
    let s = scenario();
    let text = out(&s, ExportFormat::ConsumerProperties);
    assert!(text.contains("group.id=data-platform-group\n"), "{text}");
    assert!(text.contains("enable.auto.commit=false\n"), "{text}");
    let back = import_str("consumer.properties", &text).unwrap();
    let g = &back.scenario.consumer_groups[0];
    let orig = &s.consumer_groups[0];
    assert_eq!(g.group_id, orig.group_id);
    assert_eq!(g.commit, CommitMode::Manual);
    assert_eq!(group_props(g), group_props(orig));
    assert_eq!(g.members[0].config.heartbeat_interval_ms, 10_000);
}

#[test]
fn spring_export_round_trips() {
    let s = scenario();
    let text = out(&s, ExportFormat::Spring);
    for line in [
        "spring:\n  application:\n    name: reservation-service\n  kafka:\n    bootstrap-servers: localhost:9092,localhost:9093,localhost:9094\n",
        "    producer:\n      acks: all\n",
        "      value-serializer: org.springframework.kafka.support.serializer.JsonSerializer\n",
        "      properties:\n        linger.ms: 5\n",
        "    consumer:\n      group-id: data-platform-group\n      auto-offset-reset: earliest\n      heartbeat-interval: 10000\n",
        "        spring.json.trusted.packages: '*'\n",
        "    listener:\n      ack-mode: manual\n      concurrency: 2\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let back = import_str("application.yml", &text).unwrap();
    let p = &back.scenario.producers[0];
    assert_eq!(p.name, "reservation-service");
    let sorted = |v: &[(String, String)]| v.iter().cloned().collect::<BTreeMap<_, _>>();
    assert_eq!(sorted(&p.properties), sorted(&s.producers[0].properties));
    assert_eq!(p.config.linger_ms, 5);
    assert_eq!(p.config.batch_size, 32768);
    let g = &back.scenario.consumer_groups[0];
    assert_eq!(g.commit, CommitMode::Manual);
    assert_eq!(g.members.len(), 2);
    assert_eq!(group_props(g), group_props(&s.consumer_groups[0]));
}

#[test]
fn seed_spring_round_trips_through_export() {
    let first = import_str("application.yml", SEED_SPRING).unwrap();
    let text = out(&first.scenario, ExportFormat::Spring);
    let second = import_str("application.yml", &text).unwrap();
    let (a, b) = (
        &first.scenario.consumer_groups[0],
        &second.scenario.consumer_groups[0],
    );
    assert_eq!(group_props(a), group_props(b));
    assert_eq!(a.commit, b.commit);
    assert_eq!(
        first.scenario.producers[0].config.value_serializer,
        second.scenario.producers[0].config.value_serializer
    );
}

#[test]
fn auto_commit_groups_say_so_to_spring() {
    let toml = SCENARIO.replace("commit = \"manual\"", "commit = \"auto\"");
    let s = Scenario::from_toml_str(&toml).unwrap();
    let text = out(&s, ExportFormat::Spring);
    assert!(text.contains("      enable-auto-commit: true\n"), "{text}");
    assert!(!text.contains("ack-mode"), "{text}");
    let back = import_str("application.yml", &text).unwrap();
    assert_eq!(back.scenario.consumer_groups[0].commit, CommitMode::Auto);
}

#[test]
fn all_seed_and_scenario_exports_import_together() {
    let s = scenario();
    let (compose, spring) = (out(&s, ExportFormat::Compose), out(&s, ExportFormat::Spring));
    let files = [
        ("docker-compose.yml", compose.as_str()),
        ("application.yml", spring.as_str()),
    ];
    let back = import_files(&files, None, &ImportOptions::default()).unwrap();
    assert_eq!(back.scenario.cluster.config, s.cluster.config);
    assert!(
        !back.notes.iter().any(|n| n.contains("reaches no broker")),
        "{:?}",
        back.notes
    );
}

#[test]
fn scenario_toml_writer_round_trips() {
    let s = scenario();
    let doc = ScenarioDoc::from_scenario(&s);
    let again = doc.to_scenario().unwrap();
    assert_eq!(again, s);
}

#[test]
fn exported_yaml_parses_and_names_are_mapped_back() {
    let s = scenario();
    for f in [ExportFormat::Compose, ExportFormat::Kraft, ExportFormat::Spring] {
        assert!(parse_yaml(&out(&s, f)).unwrap().ignored.is_empty());
    }
    assert_eq!(
        env_name("group.initial.rebalance.delay.ms"),
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"
    );
    assert_eq!(
        kafka_sim::config::env_to_property(&env_name("a_b.c-d")).as_deref(),
        Some("a_b.c-d")
    );
}

#[test]
fn export_refusals() {
    let s = Scenario::from_toml_str("duration = \"1s\"\n").unwrap();
    assert_eq!(
        export(&s, ExportFormat::ProducerProperties, &ExportOptions::default()).unwrap_err(),
        "the scenario has no producer"
    );
    let opts = ExportOptions {
        group: Some("nope".to_owned()),
        ..ExportOptions::default()
    };
    assert!(
        export(&scenario(), ExportFormat::ConsumerProperties, &opts)
            .unwrap_err()
            .contains("no consumer group 'nope'")
    );
}

#[test]
fn awkward_values_survive_every_writer() {
    let toml = r#"
duration = "5s"
[cluster.config]
"log.dirs" = "/data/kafka logs #1: 'x'"
[[topics]]
name = "t"
[[producers]]
name = "p"
topic = "t"
rate = 1
value = "v"
[producers.config]
"my key=odd" = " lead\ttab\\back\nline é"
"client.id" = "yes"
[[consumer_groups]]
"group.id" = "g"
topics = ["t"]
[consumer_groups.config]
"client.id" = "- dash"
"#;
    let s = Scenario::from_toml_str(toml).unwrap();
    // The scenario writer.
    assert_eq!(ScenarioDoc::from_scenario(&s).to_scenario().unwrap(), s);
    // Compose (YAML quoting) and the properties writer (escapes).
    let compose = import_str("docker-compose.yml", &out(&s, ExportFormat::Compose)).unwrap();
    assert_eq!(compose.scenario.cluster.properties, s.cluster.properties);
    let producer = import_str("producer.properties", &out(&s, ExportFormat::ProducerProperties)).unwrap();
    assert_eq!(
        producer.scenario.producers[0].properties,
        s.producers[0].properties
    );
    // Spring: a quoted `yes` stays a string, a leading dash is quoted.
    let spring = import_str("application.yml", &out(&s, ExportFormat::Spring)).unwrap();
    let sorted = |v: &[(String, String)]| v.iter().cloned().collect::<BTreeMap<_, _>>();
    assert_eq!(
        sorted(&spring.scenario.producers[0].properties),
        sorted(&s.producers[0].properties)
    );
    assert_eq!(
        group_props(&spring.scenario.consumer_groups[0]),
        group_props(&s.consumer_groups[0])
    );
}
