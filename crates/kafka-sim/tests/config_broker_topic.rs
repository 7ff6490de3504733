//! Broker and topic configuration: defaults, the seed's docker-compose environment, synonyms and describe.

use kafka_sim::config::{
    BrokerConfig, ConfigScope, ConfigSource, TopicConfig, definition, definitions, env_to_property,
    validate_value,
};

fn broker(props: &[(&str, &str)]) -> BrokerConfig {
    match BrokerConfig::parse(props.iter().copied()) {
        Ok(p) => p.config,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

#[test]
fn broker_defaults_match_kafka_3_7() {
    let b = BrokerConfig::default();
    assert_eq!(b.min_insync_replicas, 1);
    assert!(!b.unclean_leader_election_enable);
    assert_eq!(b.replica_lag_time_max_ms, 30000);
    assert_eq!(b.offsets_topic_replication_factor, 3);
    assert_eq!(b.offsets_topic_num_partitions, 50);
    assert_eq!(b.group_initial_rebalance_delay_ms, 3000);
    assert_eq!(b.group_min_session_timeout_ms, 6000);
    assert_eq!(b.group_max_session_timeout_ms, 1800000);
    assert_eq!(b.group_max_size, i32::MAX);
    assert_eq!(b.zookeeper_session_timeout_ms, 18000);
    assert_eq!(b.replica_fetch_wait_max_ms, 500);
    assert_eq!(b.replica_fetch_max_bytes, 1048576);
    assert_eq!(b.replica_fetch_min_bytes, 1);
    assert_eq!(b.default_replication_factor, 1);
    assert_eq!(b.num_partitions, 1);
    assert!(b.auto_create_topics_enable);
    assert_eq!(b.broker_id, -1);
    assert_eq!(b.log_retention_ms, 604800000);
}

#[test]
fn seed_docker_compose_environment() {
    let env = [
        ("KAFKA_BROKER_ID", "2"),
        ("KAFKA_ZOOKEEPER_CONNECT", "zookeeper:2181"),
        (
            "KAFKA_ADVERTISED_LISTENERS",
            "INTERNAL://kafka2:29093,EXTERNAL://host.docker.internal:9093",
        ),
        (
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
            "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
        ),
        ("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL"),
        ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3"),
        ("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
        ("KAFKA_HEAP_OPTS", "-Xmx1G"),
        ("PATH", "/usr/bin"),
    ];
    let parsed = match BrokerConfig::from_env(env) {
        Ok(p) => p,
        Err(e) => panic!("unexpected error: {e}"),
    };
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let b = parsed.config;
    assert_eq!(b.broker_id, 2);
    assert_eq!(b.zookeeper_connect.as_deref(), Some("zookeeper:2181"));
    assert_eq!(b.offsets_topic_replication_factor, 3);
    assert_eq!(b.group_initial_rebalance_delay_ms, 0);
}

#[test]
fn env_names_map_like_cp_kafka() {
    assert_eq!(
        env_to_property("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS").as_deref(),
        Some("group.initial.rebalance.delay.ms")
    );
    assert_eq!(env_to_property("KAFKA_A__B___C").as_deref(), Some("a_b-c"));
    assert_eq!(env_to_property("KAFKA_OPTS"), None);
    assert_eq!(env_to_property("ZOOKEEPER_CLIENT_PORT"), None);
}

#[test]
fn broker_min_insync_zero() {
    let e = BrokerConfig::parse([("min.insync.replicas", "0")])
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("Invalid value 0 for configuration min.insync.replicas: Value must be at least 1")
    );
}

#[test]
fn broker_offsets_replication_factor_is_a_short() {
    let e = BrokerConfig::parse([("offsets.topic.replication.factor", "40000")])
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some(
            "Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number of type SHORT"
        )
    );
}

#[test]
fn broker_replica_requirements() {
    let e = BrokerConfig::parse([("replica.fetch.wait.max.ms", "40000")])
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some(
            "requirement failed: replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to \
             prevent unnecessary socket timeouts"
        )
    );
}

#[test]
fn broker_unknown_key_warns() {
    let p = BrokerConfig::parse([("no.such.thing", "1")]);
    let msgs = p.map(|p| p.messages()).unwrap_or_default();
    assert_eq!(
        msgs,
        vec!["The configuration 'no.such.thing' was supplied but isn't a known config.".to_string()]
    );
}

#[test]
fn session_timeout_bounds_are_inclusive() {
    let b = BrokerConfig::default();
    assert!(b.session_timeout_allowed(6000));
    assert!(b.session_timeout_allowed(1800000));
    assert!(b.session_timeout_allowed(45000));
    assert!(!b.session_timeout_allowed(5999));
    assert!(!b.session_timeout_allowed(1800001));
}

#[test]
fn topic_takes_broker_values_without_overrides() {
    let b = broker(&[("min.insync.replicas", "2"), ("log.retention.hours", "24")]);
    let none: [(&str, &str); 0] = [];
    let t = match TopicConfig::resolve(&b, none) {
        Ok(t) => t,
        Err(e) => panic!("unexpected error: {e}"),
    };
    assert_eq!(t.min_insync_replicas, 2);
    assert_eq!(t.retention_ms, 86400000);
    assert!(!t.unclean_leader_election_enable);
    assert_eq!(
        t.entry("min.insync.replicas").map(|e| e.source),
        Some(ConfigSource::StaticBrokerConfig)
    );
    assert_eq!(
        t.entry("segment.bytes").map(|e| e.source),
        Some(ConfigSource::DefaultConfig)
    );
    assert_eq!(
        t.describe_configs(),
        "min.insync.replicas=2,retention.ms=86400000"
    );
}

#[test]
fn topic_overrides_win_and_show_in_describe() {
    let b = BrokerConfig::default();
    let t = TopicConfig::resolve(
        &b,
        [
            ("min.insync.replicas", "2"),
            ("unclean.leader.election.enable", "true"),
            ("segment.ms", "1000"),
        ],
    );
    let t = match t {
        Ok(t) => t,
        Err(e) => panic!("unexpected error: {e}"),
    };
    assert_eq!(t.min_insync_replicas, 2);
    assert!(t.unclean_leader_election_enable);
    assert_eq!(
        t.describe_configs(),
        "min.insync.replicas=2,unclean.leader.election.enable=true,segment.ms=1000"
    );
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        TopicConfig::resolve(&b, none)
            .map(|t| t.describe_configs())
            .ok()
            .as_deref(),
        Some("")
    );
}

#[test]
fn topic_min_insync_zero_and_unknown_name() {
    let b = BrokerConfig::default();
    let e = TopicConfig::resolve(&b, [("min.insync.replicas", "0")])
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("Invalid value 0 for configuration min.insync.replicas: Value must be at least 1")
    );
    let e = TopicConfig::resolve(&b, [("min.insync.replica", "2")])
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("Unknown topic config name: min.insync.replica")
    );
    let e = TopicConfig::resolve(&b, [("cleanup.policy", "compact,archive")])
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some(
            "Invalid value archive for configuration cleanup.policy: String must be one of: compact, delete"
        )
    );
}

#[test]
fn catalogue_covers_the_reference_tables() {
    let producer = [
        "acks",
        "linger.ms",
        "batch.size",
        "retries",
        "delivery.timeout.ms",
        "request.timeout.ms",
        "retry.backoff.ms",
        "retry.backoff.max.ms",
        "enable.idempotence",
        "max.in.flight.requests.per.connection",
        "max.request.size",
        "max.block.ms",
        "buffer.memory",
        "partitioner.ignore.keys",
        "key.serializer",
        "value.serializer",
        "client.id",
        "bootstrap.servers",
        "transactional.id",
    ];
    let consumer = [
        "max.poll.records",
        "enable.auto.commit",
        "auto.commit.interval.ms",
        "heartbeat.interval.ms",
        "session.timeout.ms",
        "max.poll.interval.ms",
        "auto.offset.reset",
        "group.id",
        "group.instance.id",
        "partition.assignment.strategy",
        "request.timeout.ms",
        "default.api.timeout.ms",
        "fetch.min.bytes",
        "fetch.max.bytes",
        "fetch.max.wait.ms",
        "max.partition.fetch.bytes",
        "isolation.level",
        "group.protocol",
        "internal.leave.group.on.close",
        "key.deserializer",
        "value.deserializer",
        "client.id",
        "bootstrap.servers",
    ];
    let broker = [
        "min.insync.replicas",
        "unclean.leader.election.enable",
        "replica.lag.time.max.ms",
        "offsets.topic.replication.factor",
        "offsets.topic.num.partitions",
        "group.min.session.timeout.ms",
        "group.max.session.timeout.ms",
        "group.initial.rebalance.delay.ms",
        "group.max.size",
        "default.replication.factor",
        "num.partitions",
        "broker.id",
        "zookeeper.session.timeout.ms",
        "replica.fetch.wait.max.ms",
        "replica.fetch.max.bytes",
        "replica.fetch.min.bytes",
        "auto.create.topics.enable",
    ];
    for (scope, names) in [
        (ConfigScope::Producer, &producer[..]),
        (ConfigScope::Consumer, &consumer[..]),
        (ConfigScope::Broker, &broker[..]),
        (
            ConfigScope::Topic,
            &["min.insync.replicas", "unclean.leader.election.enable"][..],
        ),
    ] {
        for name in names {
            assert!(definition(scope, name).is_some(), "{scope:?} lacks {name}");
        }
    }
    assert!(definition(ConfigScope::Consumer, "spring.json.trusted.packages").is_none());
    assert_eq!(definitions(ConfigScope::Producer).len(), 27);
}

#[test]
fn catalogue_prints_like_kafka_docs() {
    let acks = definition(ConfigScope::Producer, "acks");
    assert_eq!(acks.and_then(|k| k.default_display()).as_deref(), Some("all"));
    assert_eq!(
        acks.map(|k| k.validator.describe()).as_deref(),
        Some("[all, -1, 0, 1]")
    );
    let retries = definition(ConfigScope::Producer, "retries");
    assert_eq!(
        retries.map(|k| k.validator.describe()).as_deref(),
        Some("[0,...,2147483647]")
    );
    let strategy = definition(ConfigScope::Consumer, "partition.assignment.strategy");
    assert_eq!(
        strategy.and_then(|k| k.default_display()).as_deref(),
        Some(
            "class org.apache.kafka.clients.consumer.RangeAssignor,class \
             org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
        )
    );
    assert_eq!(
        definition(ConfigScope::Producer, "key.serializer").and_then(|k| k.default_display()),
        None
    );
    assert_eq!(
        validate_value(ConfigScope::Consumer, "max.poll.records", "0")
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("Invalid value 0 for configuration max.poll.records: Value must be at least 1")
    );
    assert!(validate_value(ConfigScope::Consumer, "max.poll.records", " 10 ").is_ok());
}
