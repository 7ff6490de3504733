//! Consumer configuration: Kafka 3.7 defaults, validation messages, constructor checks and the seed's
//! Spring settings.

use kafka_sim::config::{
    AssignorKind, AutoOffsetReset, ConfigError, ConsumerConfig, GroupProtocol, IsolationLevel, Parsed,
    SerdeKind,
};

const STRING_DE: &str = "org.apache.kafka.common.serialization.StringDeserializer";

fn props<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut p = vec![("key.deserializer", STRING_DE), ("value.deserializer", STRING_DE)];
    p.extend_from_slice(extra);
    p
}

fn parse(extra: &[(&str, &str)]) -> Result<Parsed<ConsumerConfig>, ConfigError> {
    ConsumerConfig::parse(props(extra))
}

fn err(extra: &[(&str, &str)]) -> String {
    match parse(extra) {
        Ok(_) => "parsed without error".to_string(),
        Err(e) => e.to_string(),
    }
}

fn ok(extra: &[(&str, &str)]) -> Parsed<ConsumerConfig> {
    match parse(extra) {
        Ok(p) => p,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

#[test]
fn defaults_match_kafka_3_7() {
    let c = ok(&[("group.id", "g")]).config;
    assert_eq!(c.session_timeout_ms, 45000);
    assert_eq!(c.heartbeat_interval_ms, 3000);
    assert_eq!(c.max_poll_records, 500);
    assert_eq!(c.max_poll_interval_ms, 300000);
    assert_eq!(c.auto_offset_reset, AutoOffsetReset::Latest);
    assert!(c.enable_auto_commit);
    assert_eq!(c.auto_commit_interval_ms, 5000);
    assert_eq!(
        c.partition_assignment_strategy,
        vec![AssignorKind::Range, AssignorKind::CooperativeSticky]
    );
    assert_eq!(c.protocol_names(), vec!["range", "cooperative-sticky"]);
    assert_eq!(c.request_timeout_ms, 30000);
    assert_eq!(c.default_api_timeout_ms, 60000);
    assert_eq!(c.fetch_min_bytes, 1);
    assert_eq!(c.fetch_max_bytes, 52428800);
    assert_eq!(c.fetch_max_wait_ms, 500);
    assert_eq!(c.max_partition_fetch_bytes, 1048576);
    assert_eq!(c.isolation_level, IsolationLevel::ReadUncommitted);
    assert_eq!(c.group_protocol, GroupProtocol::Classic);
    assert!(c.internal_leave_group_on_close);
    assert_eq!(c.group_instance_id, None);
    assert_eq!(c.effective_client_id(1), "consumer-g-1");
}

#[test]
fn seed_spring_consumer_settings_parse() {
    let p = ok(&[
        ("bootstrap.servers", "localhost:9093"),
        ("group.id", "data-platform-group"),
        ("key.deserializer", STRING_DE),
        (
            "value.deserializer",
            "org.springframework.kafka.support.serializer.JsonDeserializer",
        ),
        ("spring.json.trusted.packages", "*"),
        ("enable.auto.commit", "false"),
        ("auto.offset.reset", "earliest"),
        ("heartbeat.interval.ms", "10000"),
    ]);
    let c = &p.config;
    assert_eq!(c.bootstrap_servers, vec!["localhost:9093".to_string()]);
    assert_eq!(c.group_id.as_deref(), Some("data-platform-group"));
    assert_eq!(c.key_deserializer, SerdeKind::String);
    assert_eq!(c.value_deserializer, SerdeKind::SpringJson);
    assert!(!c.enable_auto_commit);
    assert_eq!(c.auto_offset_reset, AutoOffsetReset::Earliest);
    assert_eq!(c.heartbeat_interval_ms, 10000);
    assert_eq!(
        p.messages(),
        vec![
            "The configuration 'spring.json.trusted.packages' was supplied but isn't a known config."
                .to_string()
        ]
    );
    assert_eq!(c.originals.get("spring.json.trusted.packages"), Some("*"));
    assert_eq!(
        c.unknown,
        vec![("spring.json.trusted.packages".to_string(), "*".to_string())]
    );
}

#[test]
fn max_poll_records_zero() {
    assert_eq!(
        err(&[("max.poll.records", "0")]),
        "Invalid value 0 for configuration max.poll.records: Value must be at least 1"
    );
}

#[test]
fn auto_commit_not_a_boolean() {
    assert_eq!(
        err(&[("enable.auto.commit", "nope")]),
        "Invalid value nope for configuration enable.auto.commit: Expected value to be either true or false"
    );
}

#[test]
fn auto_offset_reset_foo() {
    assert_eq!(
        err(&[("auto.offset.reset", "foo")]),
        "Invalid value foo for configuration auto.offset.reset: String must be one of: latest, earliest, none"
    );
}

#[test]
fn isolation_level_validated() {
    assert_eq!(
        err(&[("isolation.level", "READ_COMMITTED")]),
        "Invalid value READ_COMMITTED for configuration isolation.level: String must be one of: read_committed, \
         read_uncommitted"
    );
}

#[test]
fn group_protocol_is_case_insensitive() {
    assert_eq!(
        ok(&[("group.protocol", "CONSUMER")]).config.group_protocol,
        GroupProtocol::Consumer
    );
    assert_eq!(
        err(&[("group.protocol", "kip848")]),
        "Invalid value kip848 for configuration group.protocol: String must be one of (case insensitive): \
         CONSUMER, CLASSIC"
    );
}

#[test]
fn group_instance_id_empty() {
    assert_eq!(
        err(&[("group.id", "g"), ("group.instance.id", "")]),
        "Invalid value  for configuration group.instance.id: String must be non-empty"
    );
}

#[test]
fn group_instance_id_charset() {
    let e = parse(&[("group.id", "g"), ("group.instance.id", "a b")]).err();
    let Some(e) = e else { panic!("expected an error") };
    assert_eq!(
        e.to_string(),
        "Group instance id \"a b\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' \
         and '-'"
    );
    assert_eq!(e.kafka_message(), "Failed to construct kafka consumer");
    assert_eq!(
        err(&[("group.instance.id", "..")]),
        "Group instance id cannot be \".\" or \"..\""
    );
    let c = ok(&[("group.id", "g"), ("group.instance.id", "member-1")]).config;
    assert_eq!(c.effective_client_id(9), "consumer-g-member-1");
}

#[test]
fn heartbeat_equal_to_session_is_rejected() {
    let e = parse(&[
        ("group.id", "g"),
        ("heartbeat.interval.ms", "45000"),
        ("session.timeout.ms", "45000"),
    ])
    .err();
    let Some(e) = e else { panic!("expected an error") };
    assert_eq!(
        e.to_string(),
        "Heartbeat must be set lower than the session timeout"
    );
    assert_eq!(e.kafka_message(), "Failed to construct kafka consumer");
    assert_eq!(
        e.cause().map(|c| c.java_class()),
        Some("java.lang.IllegalArgumentException")
    );
    assert_eq!(
        e.java_trace(),
        vec![
            "org.apache.kafka.common.KafkaException: Failed to construct kafka consumer".to_string(),
            "Caused by: java.lang.IllegalArgumentException: Heartbeat must be set lower than the session timeout"
                .to_string(),
        ]
    );
    assert_eq!(
        err(&[("group.id", "g"), ("heartbeat.interval.ms", "50000")]),
        "Heartbeat must be set lower than the session timeout"
    );
    assert!(parse(&[("group.id", "g"), ("heartbeat.interval.ms", "44999")]).is_ok());
}

#[test]
fn heartbeat_not_checked_without_group() {
    // The coordinator (and its Heartbeat) only exists with a group.id.
    assert!(parse(&[("heartbeat.interval.ms", "45000")]).is_ok());
}

#[test]
fn auto_commit_without_group() {
    assert!(!ok(&[]).config.enable_auto_commit);
    assert_eq!(
        err(&[("enable.auto.commit", "true")]),
        "enable.auto.commit cannot be set to true when default group id (null) is used."
    );
}

#[test]
fn empty_group_id_is_deprecated() {
    assert_eq!(
        ok(&[("group.id", "")]).messages(),
        vec![
            "Support for using the empty group id by consumers is deprecated and will be removed in the next major \
             release."
                .to_string()
        ]
    );
}

#[test]
fn assignors_are_a_list_of_class_names() {
    let c = ok(&[(
        "partition.assignment.strategy",
        "org.apache.kafka.clients.consumer.RoundRobinAssignor , org.apache.kafka.clients.consumer.StickyAssignor",
    )])
    .config;
    assert_eq!(
        c.partition_assignment_strategy,
        vec![AssignorKind::RoundRobin, AssignorKind::Sticky]
    );
    assert_eq!(
        err(&[("partition.assignment.strategy", "range")]),
        "range ClassNotFoundException exception occurred"
    );
}

#[test]
fn missing_deserializer() {
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        ConsumerConfig::parse(none)
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("Missing required configuration \"key.deserializer\" which has no default value.")
    );
    let e = ConsumerConfig::parse_with_deserializers([("key.deserializer", STRING_DE)], None, None).err();
    assert_eq!(
        e.map(|e| e.to_string()).as_deref(),
        Some("Invalid value null for configuration value.deserializer: must be non-null.")
    );
    let none: [(&str, &str); 0] = [];
    let c = ConsumerConfig::parse_with_deserializers(none, Some(SerdeKind::Long), Some(SerdeKind::String));
    assert_eq!(c.map(|p| p.config.key_deserializer).ok(), Some(SerdeKind::Long));
}

#[test]
fn session_timeout_has_no_client_validator() {
    // The broker checks the range (INVALID_SESSION_TIMEOUT), not the client.
    let c = ok(&[
        ("group.id", "g"),
        ("session.timeout.ms", "5000"),
        ("heartbeat.interval.ms", "1000"),
    ])
    .config;
    assert_eq!(c.session_timeout_ms, 5000);
}
