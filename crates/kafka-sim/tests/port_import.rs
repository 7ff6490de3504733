//! Import of real configuration files: the seed's compose file and application.yml (verbatim, from
//! `tests/fixtures/seed/`), Spring properties, plain client properties, and the refusals.

use kafka_sim::config::{Acks, AutoOffsetReset, SerdeKind};
use kafka_sim::port::{ImportError, ImportFormat, ImportOptions, Imported, import_files, import_str};
use kafka_sim::scenario::CommitMode;

const SEED_COMPOSE: &str = include_str!("fixtures/seed/docker-compose.yml");
const SEED_SPRING: &str = include_str!("fixtures/seed/application.yml");

fn ignored_keys(i: &Imported) -> Vec<String> {
    i.ignored.iter().map(|x| x.key.clone()).collect()
}

fn prop<'a>(props: &'a [(String, String)], k: &str) -> Option<&'a str> {
    props.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str())
}

#[test]
fn seed_compose_gives_three_brokers_and_their_configs() {
    let i = import_str("docker-compose.yml", SEED_COMPOSE).unwrap();
    let s = &i.scenario;
    assert_eq!(s.cluster.brokers, 3);
    assert_eq!(
        s.cluster.properties,
        vec![
            ("offsets.topic.replication.factor".to_owned(), "3".to_owned()),
            ("group.initial.rebalance.delay.ms".to_owned(), "0".to_owned()),
        ]
    );
    assert_eq!(s.cluster.config.offsets_topic_replication_factor, 3);
    assert_eq!(s.cluster.config.group_initial_rebalance_delay_ms, 0);
    assert_eq!(i.brokers.len(), 3);
    for (n, b) in i.brokers.iter().enumerate() {
        let id = n as u32 + 1;
        assert_eq!(b.service, format!("kafka{id}"));
        assert_eq!(b.id, id);
        assert_eq!(b.configured_id, Some(id as i32));
        assert_eq!(
            b.advertised_listeners.as_deref(),
            Some(
                format!(
                    "INTERNAL://kafka{id}:{},EXTERNAL://host.docker.internal:{}",
                    29091 + id,
                    9091 + id
                )
                .as_str()
            )
        );
        assert_eq!(b.ports, vec![format!("{}:{}", 9091 + id, 9091 + id)]);
    }
    // The terminal's addresses: the seed's localhost ports, the internal listener, the host alias.
    let addr = i.addresses();
    let find = |a: &str| addr.iter().find(|(x, _)| x == a).map(|(_, id)| *id);
    assert_eq!(find("localhost:9092"), Some(1));
    assert_eq!(find("localhost:9093"), Some(2));
    assert_eq!(find("localhost:9094"), Some(3));
    assert_eq!(find("kafka1:29092"), Some(1));
    assert_eq!(find("kafka3:29094"), Some(3));
    assert_eq!(find("host.docker.internal:9093"), Some(2));
    assert_eq!(find("localhost:29092"), None);
    // ZooKeeper's own settings are listed, not dropped; no clients, so no topic.
    let keys = ignored_keys(&i);
    for k in [
        "ZOOKEEPER_SERVER_ID",
        "ZOOKEEPER_CLIENT_PORT",
        "ZOOKEEPER_TICK_TIME",
    ] {
        assert!(
            keys.contains(&format!("services.zookeeper.environment.{k}")),
            "{keys:?}"
        );
    }
    assert_eq!(i.ignored.len(), 5, "{:?}", i.ignored);
    assert!(s.topics.is_empty() && s.producers.is_empty() && s.consumer_groups.is_empty());
    assert!(
        i.toml.contains("\"offsets.topic.replication.factor\" = \"3\""),
        "{}",
        i.toml
    );
}

#[test]
fn seed_application_yml_gives_the_group_and_serializers() {
    let i = import_str("application.yml", SEED_SPRING).unwrap();
    let s = &i.scenario;
    assert_eq!(s.cluster.brokers, 3);
    assert_eq!(i.bootstrap_servers, vec!["localhost:9093"]);
    let g = s.consumer_group("data-platform-group").unwrap();
    assert_eq!(g.commit, CommitMode::Manual);
    assert_eq!(g.members.len(), 1);
    assert_eq!(g.topics, vec!["reserve"]);
    assert_eq!(g.config.auto_offset_reset, AutoOffsetReset::Earliest);
    assert_eq!(g.config.heartbeat_interval_ms, 10_000);
    assert!(!g.config.enable_auto_commit);
    assert_eq!(g.config.key_deserializer, SerdeKind::String);
    assert_eq!(g.config.value_deserializer, SerdeKind::SpringJson);
    assert_eq!(prop(&g.properties, "spring.json.trusted.packages"), Some("*"));
    let p = &s.producers[0];
    assert_eq!(p.config.key_serializer, SerdeKind::String);
    assert_eq!(p.config.value_serializer, SerdeKind::SpringJson);
    assert_eq!(p.value.to_string(), r#"{"reservationId":{n}}"#);
    assert_eq!(p.topic, "reserve");
    assert!(i.ignored.is_empty(), "{:?}", i.ignored);
    // Nothing said about the topic or rates goes unmentioned.
    assert!(i.notes.iter().any(|n| n.contains("'reserve'")), "{:?}", i.notes);
}

#[test]
fn seed_files_together_make_the_seed_cluster_with_its_clients() {
    let files = [
        ("docker-compose.yml", SEED_COMPOSE),
        ("application.yml", SEED_SPRING),
    ];
    let i = import_files(&files, None, &ImportOptions::default()).unwrap();
    assert_eq!(i.scenario.cluster.brokers, 3);
    assert_eq!(i.scenario.consumer_groups.len(), 1);
    assert_eq!(i.scenario.producers.len(), 1);
    // localhost:9093 is broker 2 of the compose file: no note about an unknown bootstrap server.
    assert!(
        !i.notes.iter().any(|n| n.contains("reaches no broker")),
        "{:?}",
        i.notes
    );
    // The simulation builds from it.
    let sim = kafka_sim::Simulation::new(i.scenario.sim_spec());
    assert!(sim.is_ok());
}

#[test]
fn spring_properties_relaxed_names_durations_and_ack_modes() {
    let text = "spring.kafka.bootstrap-servers=localhost:9092\n\
                spring.kafka.producer.acks=all\n\
                spring.kafka.producer.batchSize=32KB\n\
                spring.kafka.producer.properties.linger.ms=5\n\
                spring.kafka.consumer.group_id=g1\n\
                spring.kafka.consumer.heartbeat-interval=3s\n\
                spring.kafka.consumer.auto-commit-interval=PT2S\n\
                spring.kafka.consumer.enable-auto-commit=true\n\
                spring.kafka.consumer.max-poll-records=50\n\
                spring.kafka.listener.concurrency=3\n\
                spring.kafka.listener.poll-timeout=1000\n\
                server.port=8080\n";
    let i = import_str("application.properties", text).unwrap();
    let s = &i.scenario;
    let p = &s.producers[0];
    assert_eq!(p.config.acks, Acks::All);
    assert_eq!(prop(&p.properties, "batch.size"), Some("32768"));
    assert_eq!(prop(&p.properties, "linger.ms"), Some("5"));
    let g = s.consumer_group("g1").unwrap();
    assert_eq!(g.commit, CommitMode::Auto);
    assert_eq!(g.members.len(), 3);
    assert_eq!(g.config.heartbeat_interval_ms, 3000);
    assert_eq!(g.config.auto_commit_interval_ms, 2000);
    assert_eq!(g.config.max_poll_records, 50);
    let keys = ignored_keys(&i);
    assert_eq!(keys, vec!["spring.kafka.listener.poll-timeout", "server.port"]);
}

#[test]
fn invalid_values_get_kafkas_and_springs_messages() {
    let e = import_str(
        "application.yml",
        "spring:\n  kafka:\n    producer:\n      acks: 2\n",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "application.yml: spring.kafka.producer: Invalid value 2 for configuration acks: String must be one \
         of: all, -1, 0, 1"
    );
    assert!(e.config_error().is_some());
    let e = import_str(
        "application.yml",
        "spring:\n  kafka:\n    consumer:\n      group-id: g\n      max-poll-records: 0\n",
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .ends_with("Invalid value 0 for configuration max.poll.records: Value must be at least 1"),
        "{e}"
    );
    let e = import_str(
        "application.yml",
        "spring:\n  kafka:\n    consumer:\n      group-id: g\n      heartbeat-interval: 10x\n",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "application.yml: spring.kafka.consumer.heartbeat-interval: Failed to bind properties under \
         'spring.kafka.consumer.heartbeat-interval' to java.time.Duration: '10x' is not a valid duration"
    );
    let e = import_str(
        "application.yml",
        "spring:\n  kafka:\n    consumer:\n      group-id: g\n    listener:\n      ack-mode: sometimes\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("ContainerProperties$AckMode"), "{e}");
    // Heartbeat not below the session timeout: the consumer constructor's error.
    let e = import_str(
        "consumer.properties",
        "group.id=g\nheartbeat.interval.ms=45000\nsession.timeout.ms=45000\n",
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .ends_with("Heartbeat must be set lower than the session timeout"),
        "{e}"
    );
    // A broker value.
    let compose = SEED_COMPOSE.replace(
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 3",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 0",
    );
    let e = import_str("docker-compose.yml", &compose).unwrap_err();
    assert_eq!(
        e.to_string(),
        "docker-compose.yml: services.kafka1.environment: Invalid value 0 for configuration \
         offsets.topic.replication.factor: Value must be at least 1"
    );
    let compose = SEED_COMPOSE.replace("KAFKA_BROKER_ID: 2", "KAFKA_BROKER_ID: two");
    let e = import_str("docker-compose.yml", &compose).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("Invalid value two for configuration broker.id: Not a number of type INT"),
        "{e}"
    );
}

#[test]
fn plain_properties_are_producers_or_consumers() {
    let i = import_str(
        "producer.properties",
        "bootstrap.servers=localhost:9092\nacks=1\nlinger.ms=20\n",
    )
    .unwrap();
    let p = &i.scenario.producers[0];
    assert_eq!(p.name, "producer");
    assert_eq!(p.config.acks, Acks::One);
    assert_eq!(p.properties.len(), 2);
    assert_eq!(i.bootstrap_servers, vec!["localhost:9092"]);
    let i = import_str(
        "consumer.properties",
        "# a comment\n! another\ngroup.id = reporting\nenable.auto.commit: false\nauto.offset.reset earliest\n",
    )
    .unwrap();
    let g = &i.scenario.consumer_groups[0];
    assert_eq!(g.group_id, "reporting");
    assert_eq!(g.commit, CommitMode::Manual);
    assert_eq!(g.config.auto_offset_reset, AutoOffsetReset::Earliest);
    // Without a telling name, the keys decide.
    let i = import_files(
        &[("client.cfg", "group.id=x\n")],
        Some(ImportFormat::Properties),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(i.scenario.consumer_groups[0].group_id, "x");
}

#[test]
fn compose_variants_list_what_they_do_not_use() {
    let text = "version: '3'\nservices:\n  broker:\n    image: confluentinc/cp-kafka:7.7.1\n    restart: always\n    \
                environment:\n      - KAFKA_BROKER_ID=1\n      - KAFKA_MIN_INSYNC_REPLICAS=2\n      - KAFKA_HEAP_OPTS=-Xmx1G\n      \
                - KAFKA_NUM_NETWORK_THREADS=3\n      - KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://broker:9092\n      - SOMETHING\n  \
                ui:\n    image: provectuslabs/kafka-ui\nvolumes:\n  data: {}\n";
    let i = import_str("docker-compose.yml", text).unwrap();
    assert_eq!(i.scenario.cluster.brokers, 1);
    assert_eq!(i.scenario.cluster.config.min_insync_replicas, 2);
    let keys = ignored_keys(&i);
    for k in [
        "version",
        "services.broker.restart",
        "services.broker.environment.KAFKA_HEAP_OPTS",
        "services.broker.environment.KAFKA_NUM_NETWORK_THREADS",
        "services.broker.environment[5]",
        "services.ui",
        "volumes",
    ] {
        assert!(keys.iter().any(|x| x == k), "{k} not in {keys:?}");
    }
    assert_eq!(i.addresses(), vec![("broker:9092".to_owned(), 1)]);
}

#[test]
fn settings_that_differ_between_brokers_are_listed() {
    let compose = SEED_COMPOSE.replacen(
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: 0",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: 100",
        1,
    );
    let i = import_str("docker-compose.yml", &compose).unwrap();
    assert_eq!(i.scenario.cluster.properties.len(), 1);
    let x = i
        .ignored
        .iter()
        .find(|x| x.key.ends_with("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"))
        .unwrap();
    assert!(
        x.reason.contains("kafka1: 100, kafka2: 0, kafka3: 0"),
        "{}",
        x.reason
    );
}

#[test]
fn refusals_are_clear() {
    let big = "a".repeat(kafka_sim::port::MAX_IMPORT_BYTES + 1);
    let e = import_str("docker-compose.yml", &big).unwrap_err();
    assert!(matches!(e, ImportError::TooLarge { .. }));
    assert!(e.to_string().contains("the limit is 1048576 bytes"), "{e}");
    let e = import_str("notes.yml", "just: text\n").unwrap_err();
    assert!(e.to_string().contains("pass --format"), "{e}");
    let e = import_str("docker-compose.yml", "services:\n  db:\n    image: postgres\n").unwrap_err();
    assert!(e.to_string().contains("no Kafka broker service"), "{e}");
    let e = import_str(
        "application.yml",
        "spring:\n  kafka:\n    consumer:\n      auto-offset-reset: earliest\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("group-id: required"), "{e}");
}

#[test]
fn apache_kafka_single_node_kraft_example_imports() {
    // The apache/kafka image's documented single-node example (docker/examples), environment as a map.
    let text = "services:\n  broker:\n    image: apache/kafka:latest\n    hostname: broker\n    container_name: broker\n    \
                ports:\n      - 9092:9092\n    environment:\n      KAFKA_BROKER_ID: 1\n      \
                KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT,CONTROLLER:PLAINTEXT\n      \
                KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://broker:29092,PLAINTEXT_HOST://localhost:9092\n      \
                KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1\n      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: 0\n      \
                KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1\n      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1\n      \
                KAFKA_PROCESS_ROLES: broker,controller\n      KAFKA_NODE_ID: 1\n      \
                KAFKA_CONTROLLER_QUORUM_VOTERS: 1@broker:29093\n      \
                KAFKA_LISTENERS: PLAINTEXT://broker:29092,CONTROLLER://broker:29093,PLAINTEXT_HOST://0.0.0.0:9092\n      \
                KAFKA_INTER_BROKER_LISTENER_NAME: PLAINTEXT\n      KAFKA_CONTROLLER_LISTENER_NAMES: CONTROLLER\n      \
                KAFKA_LOG_DIRS: /tmp/kraft-combined-logs\n      CLUSTER_ID: MkU3OEVBNTcwNTJENDM2Qk\n";
    let i = import_str("docker-compose.yml", text).unwrap();
    assert_eq!(i.scenario.cluster.brokers, 1);
    assert_eq!(i.scenario.cluster.config.offsets_topic_replication_factor, 1);
    assert_eq!(i.scenario.cluster.config.transaction_state_log_min_isr, 1);
    let addr = i.addresses();
    assert!(addr.contains(&("localhost:9092".to_owned(), 1)), "{addr:?}");
    assert!(addr.contains(&("broker:29092".to_owned(), 1)), "{addr:?}");
    let keys = ignored_keys(&i);
    for k in [
        "KAFKA_PROCESS_ROLES",
        "KAFKA_CONTROLLER_QUORUM_VOTERS",
        "KAFKA_CONTROLLER_LISTENER_NAMES",
        "CLUSTER_ID",
    ] {
        assert!(keys.iter().any(|x| x.ends_with(k)), "{k} not in {keys:?}");
    }
    assert!(
        i.notes.iter().any(|n| n.contains("apache/kafka:latest")),
        "{:?}",
        i.notes
    );
}

#[test]
fn spring_binds_booleans_and_integers_before_kafka_sees_them() {
    let yml = "spring:\n  kafka:\n    consumer:\n      group-id: g\n      enable-auto-commit: 'off'\n      max-poll-records: ' 20'\n";
    let i = import_str("application.yml", yml).unwrap();
    let g = &i.scenario.consumer_groups[0];
    assert_eq!(g.commit, CommitMode::Manual);
    assert_eq!(g.config.max_poll_records, 20);
    let e = import_str("application.yml", &yml.replace("'off'", "maybe")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "application.yml: spring.kafka.consumer.enable-auto-commit: Failed to bind properties under \
         'spring.kafka.consumer.enable-auto-commit' to java.lang.Boolean: 'maybe' is not a boolean"
    );
    let e = import_str("application.yml", &yml.replace("' 20'", "lots")).unwrap_err();
    assert!(
        e.to_string()
            .contains("to java.lang.Integer: 'lots' is not an integer"),
        "{e}"
    );
}

#[test]
fn unread_container_settings_are_listed() {
    let compose = SEED_COMPOSE
        .replace(
            "    depends_on:\n      - zookeeper\n\n  kafka2",
            "    networks:\n      - kafka\n    depends_on:\n      - zookeeper\n\n  kafka2",
        )
        .replace(
            "    ports:\n      - \"22181:2181\"",
            "    ports:\n      - \"22181:2181\"\n    volumes:\n      - ./zk:/data",
        );
    let i = import_str("docker-compose.yml", &compose).unwrap();
    let keys = ignored_keys(&i);
    assert!(keys.contains(&"services.kafka1.networks".to_owned()), "{keys:?}");
    assert!(
        keys.contains(&"services.zookeeper.volumes".to_owned()),
        "{keys:?}"
    );
}

#[test]
fn spring_durations_and_data_sizes_convert_as_spring_does() {
    let heartbeat = |v: &str| {
        let yml =
            format!("spring:\n  kafka:\n    consumer:\n      group-id: g\n      heartbeat-interval: {v}\n");
        import_str("application.yml", &yml)
            .map(|i| i.scenario.consumer_groups[0].config.heartbeat_interval_ms)
    };
    for (text, ms) in [
        ("10000", 10_000),
        ("3s", 3000),
        ("500ms", 500),
        ("20S", 20_000),
        ("PT2S", 2000),
        ("PT0.5S", 500),
    ] {
        assert_eq!(heartbeat(text).unwrap(), ms, "{text}");
    }
    for bad in ["PT", "3 s", "1w", "s"] {
        assert!(heartbeat(bad).is_err(), "{bad}");
    }
    let batch = |v: &str| {
        let yml = format!("spring:\n  kafka:\n    producer:\n      batch-size: {v}\n");
        import_str("application.yml", &yml).map(|i| i.scenario.producers[0].config.batch_size)
    };
    assert_eq!(batch("16KB").unwrap(), 16_384);
    assert_eq!(batch("100").unwrap(), 100);
    assert!(batch("16 KB").is_err());
}
