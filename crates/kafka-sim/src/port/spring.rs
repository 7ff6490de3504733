//! Spring Boot import: `spring.kafka.*` of an `application.yml` or `application.properties`, bound as Spring
//! Boot 3's `KafkaProperties` binds them (relaxed names, `Duration` and `DataSize` conversion, `AckMode`).

use super::clients::{check_consumer, check_producer};
use super::import::{Draft, DraftGroup, DraftProducer};
use super::yaml::{Yaml, parse_yaml};
use super::{Ignored, ImportError};
use crate::scenario::CommitMode;

/// How a Spring value is converted to the Kafka property's string.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conv {
    /// As written.
    Plain,
    /// `java.time.Duration` → milliseconds (a bare number is milliseconds).
    Duration,
    /// `DataSize` → bytes (a bare number is bytes).
    DataSize,
    /// An enum such as `IsolationLevel.READ_COMMITTED` → `read_committed`.
    LowerEnum,
    /// `java.lang.Boolean` (Spring's converter: `true`/`on`/`yes`/`1`, `false`/`off`/`no`/`0`).
    Bool,
    /// `java.lang.Integer`.
    Int,
}

/// `(Spring key under spring.kafka.producer., Kafka property, conversion)`.
pub(crate) const PRODUCER_KEYS: &[(&str, &str, Conv)] = &[
    ("acks", "acks", Conv::Plain),
    ("batch-size", "batch.size", Conv::DataSize),
    ("buffer-memory", "buffer.memory", Conv::DataSize),
    ("client-id", "client.id", Conv::Plain),
    ("compression-type", "compression.type", Conv::Plain),
    ("key-serializer", "key.serializer", Conv::Plain),
    ("value-serializer", "value.serializer", Conv::Plain),
    ("retries", "retries", Conv::Int),
];

/// `(Spring key under spring.kafka.consumer., Kafka property, conversion)`.
pub(crate) const CONSUMER_KEYS: &[(&str, &str, Conv)] = &[
    ("auto-commit-interval", "auto.commit.interval.ms", Conv::Duration),
    ("auto-offset-reset", "auto.offset.reset", Conv::Plain),
    ("client-id", "client.id", Conv::Plain),
    ("enable-auto-commit", "enable.auto.commit", Conv::Bool),
    ("fetch-max-wait", "fetch.max.wait.ms", Conv::Duration),
    ("fetch-min-size", "fetch.min.bytes", Conv::DataSize),
    ("group-id", "group.id", Conv::Plain),
    ("heartbeat-interval", "heartbeat.interval.ms", Conv::Duration),
    ("isolation-level", "isolation.level", Conv::LowerEnum),
    ("key-deserializer", "key.deserializer", Conv::Plain),
    ("value-deserializer", "value.deserializer", Conv::Plain),
    ("max-poll-records", "max.poll.records", Conv::Int),
    ("max-poll-interval", "max.poll.interval.ms", Conv::Duration),
];

/// Spring's relaxed-binding form of a key segment: lower case without `-` and `_`.
fn canon(segment: &str) -> String {
    segment
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Flattens YAML into `(dotted key, value)`; lists of values are joined with commas, as Spring binds them.
fn flatten(node: &Yaml, prefix: &str, out: &mut Vec<(String, String)>, ignored: &mut Vec<(String, String)>) {
    match node {
        Yaml::Map(entries) => {
            for e in entries {
                // `"[spring.json.trusted.packages]"`: Spring's bracket notation keeps the dots in a map key.
                let key = e
                    .key
                    .strip_prefix('[')
                    .and_then(|k| k.strip_suffix(']'))
                    .unwrap_or(&e.key);
                let path = if prefix.is_empty() {
                    key.to_owned()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&e.value, &path, out, ignored);
            }
        }
        Yaml::Seq(items) => {
            let values: Option<Vec<&str>> = items.iter().map(Yaml::as_str).collect();
            match values {
                Some(v) => out.push((prefix.to_owned(), v.join(","))),
                None => ignored.push((
                    prefix.to_owned(),
                    "a list of mappings is not a Kafka setting".to_owned(),
                )),
            }
        }
        Yaml::Scalar(s) => {
            // SnakeYAML (YAML 1.1) reads these plain words as booleans.
            let text = match (s.quoted, s.text.as_str()) {
                (false, "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "True" | "TRUE") => "true".to_owned(),
                (false, "no" | "No" | "NO" | "off" | "Off" | "OFF" | "False" | "FALSE") => "false".to_owned(),
                _ => s.text.clone(),
            };
            out.push((prefix.to_owned(), text));
        }
        Yaml::Null => out.push((prefix.to_owned(), String::new())),
    }
}

fn bind_error(file: &str, key: &str, target: &str, value: &str, why: &str) -> ImportError {
    ImportError::Invalid {
        file: file.to_owned(),
        path: key.to_owned(),
        message: format!("Failed to bind properties under '{key}' to {target}: '{value}' {why}"),
    }
}

/// Spring's `DurationStyle`: `10000` (ms), `10s`, `500ms`, `1m`, `2h`, `1d`, `15us`, `PT10S`. Milliseconds.
pub(crate) fn spring_duration_ms(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Some(iso) = t.strip_prefix("PT").or_else(|| t.strip_prefix("pt")) {
        let mut total_ms: f64 = 0.0;
        let mut parts = 0;
        let mut num = String::new();
        for c in iso.chars() {
            if c.is_ascii_digit() || c == '.' || (num.is_empty() && c == '-') {
                num.push(c);
                continue;
            }
            let n: f64 = num.parse().ok()?;
            num.clear();
            parts += 1;
            total_ms += n * match c.to_ascii_uppercase() {
                'H' => 3_600_000.0,
                'M' => 60_000.0,
                'S' => 1000.0,
                _ => return None,
            };
        }
        return (parts > 0 && num.is_empty() && total_ms.is_finite() && total_ms.abs() < 9.0e18)
            .then_some(total_ms as i64);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+'))
        .unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits.parse().ok()?;
    match unit.to_ascii_lowercase().as_str() {
        "" | "ms" => Some(n),
        "ns" => Some(n / 1_000_000),
        "us" => Some(n / 1000),
        "s" => n.checked_mul(1000),
        "m" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        "d" => n.checked_mul(86_400_000),
        _ => None,
    }
}

/// Spring's `DataSize`: `16384` (bytes), `16KB`, `1MB` (binary multiples). Bytes.
pub(crate) fn spring_data_size(text: &str) -> Option<i64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+'))
        .unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits.parse().ok()?;
    let mult: i64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "KB" => 1 << 10,
        "MB" => 1 << 20,
        "GB" => 1 << 30,
        "TB" => 1 << 40,
        _ => return None,
    };
    n.checked_mul(mult)
}

fn convert(file: &str, full_key: &str, conv: Conv, value: &str) -> Result<String, ImportError> {
    match conv {
        Conv::Plain => Ok(value.to_owned()),
        Conv::Duration => spring_duration_ms(value).map(|ms| ms.to_string()).ok_or_else(|| {
            bind_error(
                file,
                full_key,
                "java.time.Duration",
                value,
                "is not a valid duration",
            )
        }),
        Conv::DataSize => spring_data_size(value).map(|b| b.to_string()).ok_or_else(|| {
            bind_error(
                file,
                full_key,
                "org.springframework.util.unit.DataSize",
                value,
                "is not a valid data size",
            )
        }),
        Conv::LowerEnum => Ok(value.trim().to_ascii_lowercase().replace('-', "_")),
        Conv::Bool => match value.trim().to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" | "1" => Ok("true".to_owned()),
            "false" | "off" | "no" | "0" => Ok("false".to_owned()),
            _ => Err(bind_error(
                file,
                full_key,
                "java.lang.Boolean",
                value,
                "is not a boolean",
            )),
        },
        Conv::Int => value
            .trim()
            .parse::<i32>()
            .map(|n| n.to_string())
            .map_err(|_| bind_error(file, full_key, "java.lang.Integer", value, "is not an integer")),
    }
}

/// Spring Kafka's `ContainerProperties.AckMode`, relaxed (`manual`, `MANUAL_IMMEDIATE`, `manual-immediate`).
fn ack_mode(value: &str) -> Option<&'static str> {
    let c = canon(value);
    [
        "RECORD",
        "BATCH",
        "TIME",
        "COUNT",
        "COUNT_TIME",
        "MANUAL",
        "MANUAL_IMMEDIATE",
    ]
    .into_iter()
    .find(|m| canon(m) == c)
}

#[derive(Default)]
struct Client {
    props: Vec<(String, String)>,
    seen: bool,
}

fn set(props: &mut Vec<(String, String)>, k: &str, v: String) {
    match props.iter_mut().find(|(key, _)| key == k) {
        Some(slot) => slot.1 = v,
        None => props.push((k.to_owned(), v)),
    }
}

/// Imports a Spring file's `spring.kafka` settings into `draft`: one producer and one consumer group.
pub(crate) fn import_spring(file: &str, text: &str, draft: &mut Draft) -> Result<(), ImportError> {
    let lower = file.to_ascii_lowercase();
    let is_props = lower.ends_with(".properties") || parse_yaml(text).is_err() && !lower.ends_with(".yml");
    let mut pairs = Vec::new();
    let mut bad = Vec::new();
    if is_props {
        pairs = super::parse_properties(text).map_err(|e| ImportError::Invalid {
            file: file.to_owned(),
            path: "(file)".to_owned(),
            message: e.to_string(),
        })?;
    } else {
        let doc = parse_yaml(text).map_err(|error| ImportError::Yaml {
            file: file.to_owned(),
            error,
        })?;
        draft.ignored.extend(doc.ignored.into_iter().map(|i| Ignored {
            file: file.to_owned(),
            ..i
        }));
        flatten(&doc.root, "", &mut pairs, &mut bad);
    }
    for (k, reason) in bad {
        draft.ignore(file, k, reason);
    }
    let mut common: Vec<(String, String)> = Vec::new();
    let (mut producer, mut consumer) = (Client::default(), Client::default());
    let mut ack: Option<&'static str> = None;
    let mut concurrency: u32 = 1;
    let mut app_name: Option<String> = None;
    for (key, value) in &pairs {
        let segs: Vec<&str> = key.split('.').collect();
        let c: Vec<String> = segs.iter().take(4).map(|s| canon(s)).collect();
        let c: Vec<&str> = c.iter().map(String::as_str).collect();
        let tail = |n: usize| segs.get(n..).map(|s| s.join(".")).unwrap_or_default();
        match c.as_slice() {
            ["spring", "application", "name"] => app_name = Some(value.clone()),
            ["spring", "kafka", "bootstrapservers"] => draft.add_bootstrap(value),
            ["spring", "kafka", "clientid"] => common.push(("client.id".to_owned(), value.clone())),
            ["spring", "kafka", "properties", ..] if segs.len() > 3 => common.push((tail(3), value.clone())),
            ["spring", "kafka", "template", "defaulttopic"] => draft.default_topic = Some(value.clone()),
            ["spring", "kafka", side @ ("producer" | "consumer"), rest, ..] => {
                let (client, table) = if *side == "producer" {
                    (&mut producer, PRODUCER_KEYS)
                } else {
                    (&mut consumer, CONSUMER_KEYS)
                };
                client.seen = true;
                if *rest == "properties" && segs.len() > 4 {
                    set(&mut client.props, &tail(4), value.clone());
                } else if *rest == "bootstrapservers" && segs.len() == 4 {
                    draft.add_bootstrap(value);
                } else if let Some((_, prop, conv)) = table
                    .iter()
                    .find(|(s, _, _)| canon(s) == *rest)
                    .filter(|_| segs.len() == 4)
                {
                    set(&mut client.props, prop, convert(file, key, *conv, value)?);
                } else {
                    draft.ignore(
                        file,
                        key,
                        format!("a Spring {side} setting the simulation does not model"),
                    );
                }
            }
            ["spring", "kafka", "listener", "ackmode"] if segs.len() == 4 => {
                ack = Some(ack_mode(value).ok_or_else(|| {
                    bind_error(
                        file,
                        key,
                        "org.springframework.kafka.listener.ContainerProperties$AckMode",
                        value,
                        "is not one of RECORD, BATCH, TIME, COUNT, COUNT_TIME, MANUAL, MANUAL_IMMEDIATE",
                    )
                })?);
            }
            ["spring", "kafka", "listener", "concurrency"] if segs.len() == 4 => {
                concurrency = match value.trim().parse::<u32>() {
                    Ok(n) if n >= 1 => n,
                    _ => {
                        return Err(bind_error(
                            file,
                            key,
                            "java.lang.Integer",
                            value,
                            "is not a positive number",
                        ));
                    }
                };
            }
            ["spring", "kafka", ..] => {
                draft.ignore(file, key, "a Spring Kafka setting the simulation does not model")
            }
            _ => draft.ignore(file, key, "not a Kafka setting"),
        }
    }
    if !producer.seen
        && !consumer.seen
        && ack.is_none()
        && draft.bootstrap_servers.is_empty()
        && common.is_empty()
    {
        return Err(ImportError::Invalid {
            file: file.to_owned(),
            path: "spring.kafka".to_owned(),
            message: "no spring.kafka settings in this file".to_owned(),
        });
    }
    let with_common = |own: &[(String, String)]| {
        let mut props = common.clone();
        for (k, v) in own {
            set(&mut props, k, v.clone());
        }
        props
    };
    if producer.seen {
        let props = with_common(&producer.props);
        check_producer(file, "spring.kafka.producer", &props)?;
        let name = app_name.clone().unwrap_or_else(|| "spring-producer".to_owned());
        draft.producers.push(DraftProducer { name, props });
    }
    if consumer.seen || ack.is_some() {
        let props = with_common(&consumer.props);
        let explicit_auto = props
            .iter()
            .find(|(k, _)| k == "enable.auto.commit")
            .map(|(_, v)| v.trim());
        let commit = match explicit_auto {
            Some(v) if v.eq_ignore_ascii_case("true") => {
                if let Some(mode) = ack {
                    draft.ignore(
                        file,
                        "spring.kafka.listener.ack-mode",
                        format!(
                            "{mode}: with enable-auto-commit true the consumer commits, not the container"
                        ),
                    );
                }
                CommitMode::Auto
            }
            _ => {
                if let Some(mode @ ("RECORD" | "TIME" | "COUNT" | "COUNT_TIME")) = ack {
                    draft.notes.push(format!(
                        "{file}: ack-mode {mode} is simulated as a commit after each poll's records (BATCH)"
                    ));
                }
                CommitMode::Manual
            }
        };
        let Some(group_id) = props
            .iter()
            .find(|(k, _)| k == "group.id")
            .map(|(_, v)| v.clone())
        else {
            return Err(ImportError::Invalid {
                file: file.to_owned(),
                path: "spring.kafka.consumer.group-id".to_owned(),
                message:
                    "required: a @KafkaListener needs a group id (Spring's group-id or the annotation's \
                          groupId, which an import cannot see)"
                        .to_owned(),
            });
        };
        let mut check = props.clone();
        if commit == CommitMode::Manual && explicit_auto.is_none() {
            // Spring Kafka's container sets enable.auto.commit=false when it is not configured.
            check.push(("enable.auto.commit".to_owned(), "false".to_owned()));
        }
        check_consumer(file, "spring.kafka.consumer", &check)?;
        draft.groups.push(DraftGroup {
            group_id,
            props,
            commit,
            members: concurrency,
        });
    }
    Ok(())
}
