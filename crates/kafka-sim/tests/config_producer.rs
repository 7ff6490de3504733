//! Producer configuration: Kafka 3.7 defaults, validation messages and cross-field rules.

use kafka_sim::config::{Acks, ConfigError, ConfigScope, ConfigWarning, ProducerConfig, SerdeKind};

const STRING_SER: &str = "org.apache.kafka.common.serialization.StringSerializer";

/// Serializers plus `extra`.
fn props<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut p = vec![("key.serializer", STRING_SER), ("value.serializer", STRING_SER)];
    p.extend_from_slice(extra);
    p
}

fn err(extra: &[(&str, &str)]) -> String {
    match ProducerConfig::parse(props(extra)) {
        Ok(_) => "parsed without error".to_string(),
        Err(e) => e.to_string(),
    }
}

fn ok(extra: &[(&str, &str)]) -> kafka_sim::config::Parsed<ProducerConfig> {
    match ProducerConfig::parse(props(extra)) {
        Ok(p) => p,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

#[test]
fn defaults_match_kafka_3_7() {
    let parsed = ok(&[]);
    let c = &parsed.config;
    assert_eq!(c.acks, Acks::All);
    assert_eq!(c.linger_ms, 0);
    assert_eq!(c.batch_size, 16384);
    assert_eq!(c.retries, 2147483647);
    assert_eq!(c.delivery_timeout_ms, 120000);
    assert_eq!(c.request_timeout_ms, 30000);
    assert_eq!(c.retry_backoff_ms, 100);
    assert_eq!(c.retry_backoff_max_ms, 1000);
    assert!(c.enable_idempotence);
    assert_eq!(c.max_in_flight_requests_per_connection, 5);
    assert_eq!(c.max_request_size, 1048576);
    assert_eq!(c.max_block_ms, 60000);
    assert_eq!(c.buffer_memory, 33554432);
    assert!(!c.partitioner_ignore_keys);
    assert_eq!(c.partitioner_class, None);
    assert_eq!(c.client_id, None);
    assert_eq!(c.transactional_id, None);
    assert_eq!(c.key_serializer, SerdeKind::String);
    assert_eq!(
        parsed.messages(),
        vec!["Instantiated an idempotent producer.".to_string()]
    );
    assert_eq!(c.effective_client_id(1), "producer-1");
}

#[test]
fn acks_2_is_rejected_with_kafka_text() {
    assert_eq!(
        err(&[("acks", "2")]),
        "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"
    );
}

#[test]
fn acks_is_case_sensitive_and_trimmed() {
    assert_eq!(
        err(&[("acks", "ALL")]),
        "Invalid value ALL for configuration acks: String must be one of: all, -1, 0, 1"
    );
    assert_eq!(ok(&[("acks", " 1 ")]).config.acks, Acks::One);
    assert_eq!(ok(&[("acks", "-1")]).config.acks, Acks::All);
    assert_eq!(ok(&[("acks", "0")]).config.acks, Acks::Zero);
}

#[test]
fn linger_negative() {
    assert_eq!(
        err(&[("linger.ms", "-1")]),
        "Invalid value -1 for configuration linger.ms: Value must be at least 0"
    );
}

#[test]
fn retries_negative() {
    assert_eq!(
        err(&[("retries", "-1")]),
        "Invalid value -1 for configuration retries: Value must be at least 0"
    );
}

#[test]
fn idempotence_not_a_boolean() {
    assert_eq!(
        err(&[("enable.idempotence", "yes")]),
        "Invalid value yes for configuration enable.idempotence: Expected value to be either true or false"
    );
    assert!(!ok(&[("enable.idempotence", "FALSE")]).config.enable_idempotence);
}

#[test]
fn batch_size_not_an_int() {
    assert_eq!(
        err(&[("batch.size", "abc")]),
        "Invalid value abc for configuration batch.size: Not a number of type INT"
    );
    assert_eq!(
        err(&[("batch.size", "3000000000")]),
        "Invalid value 3000000000 for configuration batch.size: Not a number of type INT"
    );
    assert_eq!(
        err(&[("linger.ms", "1.5")]),
        "Invalid value 1.5 for configuration linger.ms: Not a number of type LONG"
    );
}

#[test]
fn max_in_flight_zero() {
    assert_eq!(
        err(&[("max.in.flight.requests.per.connection", "0")]),
        "Invalid value 0 for configuration max.in.flight.requests.per.connection: Value must be at least 1"
    );
}

#[test]
fn compression_type_validated() {
    assert_eq!(
        err(&[("compression.type", "brotli")]),
        "Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd"
    );
}

#[test]
fn transactional_id_empty() {
    assert_eq!(
        err(&[("transactional.id", "")]),
        "Invalid value  for configuration transactional.id: String must be non-empty"
    );
}

#[test]
fn first_error_in_definition_order_wins() {
    // retries is defined before acks in ProducerConfig.
    assert_eq!(
        err(&[("acks", "2"), ("retries", "-1")]),
        "Invalid value -1 for configuration retries: Value must be at least 0"
    );
}

#[test]
fn missing_serializer_via_config_def() {
    let e = ProducerConfig::parse([("value.serializer", STRING_SER)]).err();
    assert_eq!(
        e.map(|e| e.to_string()).as_deref(),
        Some("Missing required configuration \"key.serializer\" which has no default value.")
    );
}

#[test]
fn missing_serializer_via_kafka_producer_constructor() {
    let none: [(&str, &str); 0] = [];
    let e = ProducerConfig::parse_with_serializers(none, None, Some(SerdeKind::String)).err();
    assert_eq!(
        e.map(|e| e.to_string()).as_deref(),
        Some("Invalid value null for configuration key.serializer: must be non-null.")
    );
    let none: [(&str, &str); 0] = [];
    let parsed =
        ProducerConfig::parse_with_serializers(none, Some(SerdeKind::Long), Some(SerdeKind::SpringJson));
    let c = parsed.map(|p| p.config).ok();
    assert_eq!(c.as_ref().map(|c| c.key_serializer), Some(SerdeKind::Long));
    assert_eq!(c.map(|c| c.value_serializer), Some(SerdeKind::SpringJson));
    assert_eq!(
        ProducerConfig::defaults(SerdeKind::String, SerdeKind::String).acks,
        Acks::All
    );
}

#[test]
fn unknown_serializer_class() {
    assert_eq!(
        err(&[("key.serializer", "com.example.Nope")]),
        "Invalid value com.example.Nope for configuration key.serializer: Class com.example.Nope could not be found."
    );
}

#[test]
fn deserializer_given_as_serializer_fails_construction() {
    let e = ProducerConfig::parse(props(&[(
        "value.serializer",
        "org.apache.kafka.common.serialization.StringDeserializer",
    )]))
    .err();
    let Some(e) = e else { panic!("expected an error") };
    assert_eq!(e.kafka_message(), "Failed to construct kafka producer");
    assert_eq!(
        e.to_string(),
        "class org.apache.kafka.common.serialization.StringDeserializer is not an instance of \
         org.apache.kafka.common.serialization.Serializer"
    );
}

#[test]
fn spring_json_serializer_class_is_known() {
    let c = ok(&[(
        "value.serializer",
        "org.springframework.kafka.support.serializer.JsonSerializer",
    )])
    .config;
    assert_eq!(c.value_serializer, SerdeKind::SpringJson);
}

#[test]
fn idempotence_default_with_retries_zero_is_disabled() {
    let p = ok(&[("retries", "0")]);
    assert!(!p.config.enable_idempotence);
    assert_eq!(
        p.messages(),
        vec!["Idempotence will be disabled because retries is set to 0.".to_string()]
    );
}

#[test]
fn idempotence_default_with_acks_1_is_disabled() {
    let p = ok(&[("acks", "1")]);
    assert!(!p.config.enable_idempotence);
    assert_eq!(
        p.messages(),
        vec!["Idempotence will be disabled because acks is set to 1, not set to 'all'.".to_string()]
    );
    let p = ok(&[("acks", "0")]);
    assert_eq!(
        p.warnings,
        vec![ConfigWarning::IdempotenceDisabledAcks { acks: 0 }]
    );
}

#[test]
fn explicit_idempotence_with_retries_zero_is_an_error() {
    assert_eq!(
        err(&[("enable.idempotence", "true"), ("retries", "0")]),
        "Must set retries to non-zero when using the idempotent producer."
    );
}

#[test]
fn explicit_idempotence_with_acks_1_is_an_error() {
    assert_eq!(
        err(&[("enable.idempotence", "true"), ("acks", "1")]),
        "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence."
    );
}

#[test]
fn max_in_flight_above_5() {
    assert_eq!(
        err(&[
            ("enable.idempotence", "true"),
            ("max.in.flight.requests.per.connection", "6")
        ]),
        "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer."
    );
    let p = ok(&[("max.in.flight.requests.per.connection", "6")]);
    assert!(!p.config.enable_idempotence);
    assert_eq!(
        p.messages(),
        vec![
            "Idempotence will be disabled because max.in.flight.requests.per.connection is set to 6, which is \
             greater than 5. Please note that in v4.0.0 and onward, this will become an error."
                .to_string()
        ]
    );
    // Without idempotence there is no limit.
    assert!(
        ok(&[
            ("enable.idempotence", "false"),
            ("max.in.flight.requests.per.connection", "6")
        ])
        .warnings
        .is_empty()
    );
}

#[test]
fn transactional_id_requires_idempotence() {
    assert_eq!(
        err(&[("transactional.id", "tx-1"), ("enable.idempotence", "false")]),
        "Cannot set a transactional.id without also enabling idempotence."
    );
    assert_eq!(
        err(&[("transactional.id", "tx-1"), ("acks", "1")]),
        "Cannot set a transactional.id without also enabling idempotence."
    );
    let p = ok(&[("transactional.id", "tx-1")]);
    assert_eq!(p.config.effective_client_id(7), "producer-tx-1");
    assert_eq!(
        p.messages(),
        vec!["Instantiated a transactional producer.".to_string()]
    );
}

#[test]
fn delivery_timeout_explicitly_too_small_is_an_error() {
    let e = ProducerConfig::parse(props(&[("delivery.timeout.ms", "1000")])).err();
    let Some(e) = e else { panic!("expected an error") };
    assert_eq!(
        e.to_string(),
        "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms"
    );
    assert_eq!(e.kafka_message(), "Failed to construct kafka producer");
    assert!(matches!(
        e,
        ConfigError::Construction {
            scope: ConfigScope::Producer,
            ..
        }
    ));
}

#[test]
fn delivery_timeout_default_is_raised_with_a_warning() {
    let p = ok(&[("linger.ms", "100"), ("request.timeout.ms", "300000")]);
    assert_eq!(p.config.delivery_timeout_ms, 300100);
    assert_eq!(
        p.messages()[0],
        "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms. Setting it to 300100."
    );
    // Equal is fine.
    assert_eq!(
        ok(&[("delivery.timeout.ms", "30000")]).config.delivery_timeout_ms,
        30000
    );
}

#[test]
fn unknown_property_warns_and_is_kept() {
    let p = ok(&[
        ("spring.json.add.type.headers", "false"),
        ("session.timeout.ms", "10000"),
    ]);
    assert_eq!(
        p.messages()[1..],
        [
            "The configuration 'spring.json.add.type.headers' was supplied but isn't a known config."
                .to_string(),
            "The configuration 'session.timeout.ms' was supplied but isn't a known config.".to_string(),
        ]
    );
    assert_eq!(
        p.config.originals.get("spring.json.add.type.headers"),
        Some("false")
    );
    assert_eq!(p.config.unknown.len(), 2);
}

#[test]
fn duplicate_keys_last_wins_and_client_id_is_explicit() {
    let p = ok(&[("linger.ms", "5"), ("client.id", "orders"), ("linger.ms", "7")]);
    assert_eq!(p.config.linger_ms, 7);
    assert_eq!(p.config.effective_client_id(1), "orders");
}

#[test]
fn batch_size_zero_means_one() {
    assert_eq!(ok(&[("batch.size", "0")]).config.effective_batch_size(), 1);
}
