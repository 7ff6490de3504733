//! Plain `producer.properties` / `consumer.properties` import, and the Kafka checks of client properties.

use super::ImportError;
use super::import::{Draft, DraftGroup, DraftProducer};
use crate::config::{ConsumerConfig, ProducerConfig, SerdeKind};
use crate::scenario::CommitMode;

const PRODUCER_HINTS: &[&str] = &[
    "key.serializer",
    "value.serializer",
    "acks",
    "linger.ms",
    "batch.size",
    "retries",
    "enable.idempotence",
    "delivery.timeout.ms",
    "max.in.flight.requests.per.connection",
    "compression.type",
    "buffer.memory",
    "partitioner.class",
];

const CONSUMER_HINTS: &[&str] = &[
    "group.id",
    "key.deserializer",
    "value.deserializer",
    "auto.offset.reset",
    "enable.auto.commit",
    "max.poll.records",
    "max.poll.interval.ms",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "partition.assignment.strategy",
    "group.instance.id",
    "isolation.level",
];

fn config_err(file: &str, path: &str) -> impl Fn(crate::config::ConfigError) -> ImportError {
    let (file, path) = (file.to_owned(), path.to_owned());
    move |error| ImportError::Config {
        file: file.clone(),
        path: path.clone(),
        error,
    }
}

/// Kafka's checks of producer properties (`KafkaProducer` with the default `StringSerializer`s for missing
/// serializers, as the scenario builds it).
pub(crate) fn check_producer(file: &str, path: &str, props: &[(String, String)]) -> Result<(), ImportError> {
    let default_for = |key: &str| (!props.iter().any(|(k, _)| k == key)).then_some(SerdeKind::String);
    ProducerConfig::parse_with_serializers(
        props.iter().map(|(k, v)| (k, v)),
        default_for("key.serializer"),
        default_for("value.serializer"),
    )
    .map(|_| ())
    .map_err(config_err(file, path))
}

/// Kafka's checks of consumer properties (`KafkaConsumer`, `StringDeserializer` defaults).
pub(crate) fn check_consumer(file: &str, path: &str, props: &[(String, String)]) -> Result<(), ImportError> {
    let default_for = |key: &str| (!props.iter().any(|(k, _)| k == key)).then_some(SerdeKind::String);
    ConsumerConfig::parse_with_deserializers(
        props.iter().map(|(k, v)| (k, v)),
        default_for("key.deserializer"),
        default_for("value.deserializer"),
    )
    .map(|_| ())
    .map_err(config_err(file, path))
}

/// Imports a `producer.properties` or `consumer.properties` (decided by the file's name, else its keys).
pub(crate) fn import_properties(file: &str, text: &str, draft: &mut Draft) -> Result<(), ImportError> {
    let pairs = super::parse_properties(text).map_err(|e| match e {
        super::PortParseError::TooLarge { size, limit } => ImportError::TooLarge {
            file: file.to_owned(),
            size,
            limit,
        },
        e @ super::PortParseError::TooManyLines { .. } => ImportError::Invalid {
            file: file.to_owned(),
            path: "(file)".to_owned(),
            message: e.to_string(),
        },
        super::PortParseError::Properties(error) => ImportError::Properties {
            file: file.to_owned(),
            line: match &error {
                crate::config::PropertiesError::MalformedUnicodeEscape { line } => *line,
            },
            error,
        },
    })?;
    let lower = file.to_ascii_lowercase();
    let score = |hints: &[&str]| pairs.iter().filter(|(k, _)| hints.contains(&k.as_str())).count();
    let is_consumer = if lower.contains("consumer") {
        true
    } else if lower.contains("producer") {
        false
    } else {
        score(CONSUMER_HINTS) > score(PRODUCER_HINTS)
    };
    let mut props = Vec::new();
    for (k, v) in pairs {
        if k == "bootstrap.servers" {
            draft.add_bootstrap(&v);
        } else {
            props.push((k, v));
        }
    }
    let stem = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = stem.strip_suffix(".properties").unwrap_or(stem);
    if is_consumer {
        let auto = props
            .iter()
            .find(|(k, _)| k == "enable.auto.commit")
            .is_none_or(|(_, v)| v.trim().eq_ignore_ascii_case("true"));
        check_consumer(file, "(file)", &props)?;
        let group_id = match props.iter().find(|(k, _)| k == "group.id") {
            Some((_, v)) => v.clone(),
            None => {
                draft.notes.push(format!(
                    "{file}: no group.id; the consumer joins the group 'console-consumer-group' (the console \
                     consumer would make up console-consumer-<random>)"
                ));
                "console-consumer-group".to_owned()
            }
        };
        draft.groups.push(DraftGroup {
            group_id,
            props,
            commit: if auto {
                CommitMode::Auto
            } else {
                CommitMode::Manual
            },
            members: 1,
        });
    } else {
        check_producer(file, "(file)", &props)?;
        let taken = |n: &str| draft.producers.iter().any(|p| p.name == n);
        let mut name = if stem.is_empty() {
            "producer".to_owned()
        } else {
            stem.to_owned()
        };
        let mut i = 2;
        while taken(&name) {
            name = format!("{stem}-{i}");
            i += 1;
        }
        draft.producers.push(DraftProducer { name, props });
    }
    Ok(())
}
