//! The panels' pure logic: checking an option change as Kafka would before any command is sent, building
//! the [`Command`], and the send form's key → partition preview.
//!
//! A change is checked the way the simulation will apply it: the client's supplied properties
//! (`originals()`, carried by the view) plus the change, parsed by the core's
//! [`ProducerConfig::parse`] / [`ConsumerConfig::parse`] (Kafka's definition order, cross-field rules and
//! constructor checks). A refusal is Kafka's own message, e.g.
//! `Invalid value -1 for configuration linger.ms: Value must be at least 0`; no command is built.

use kafka_sim::cluster::producer_node::{ManualRecord, ManualResult};
use kafka_sim::config::{self, ConfigScope, ConsumerConfig, ProducerConfig};
use kafka_sim::partitioner::partition_for_key;
use kafka_sim::scenario::KeyTemplate;
use kafka_sim::serialization::serialize;
use kafka_sim::session::{Command, Commit, MAX_COMMAND_DURATION, Rate};
use kafka_sim::sim::runtime_api::check_rate;
use kafka_sim::view::{ConsumerConfigView, GroupPanel, ProducerView};
use kafka_sim::{SimTime, SimView};

/// `originals` with `name` set to `value` (replacing an earlier value, keeping its position).
fn with_change<'a>(
    originals: &'a [(String, String)],
    name: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(&str, &str)> = originals.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    match out.iter_mut().find(|(k, _)| *k == name) {
        Some(entry) => entry.1 = value,
        None => out.push((name, value)),
    }
    out
}

/// Checks producer property `name` = `value` on top of the producer's supplied properties, as
/// `new KafkaProducer(originals + change)` would. `Err` is Kafka's message.
pub fn check_producer(originals: &[(String, String)], name: &str, value: &str) -> Result<(), String> {
    ProducerConfig::parse(with_change(originals, name, value))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Checks consumer property `name` = `value` on top of a member's supplied properties, as
/// `new KafkaConsumer(originals + change)` would. `Err` is Kafka's message, e.g. `Heartbeat must be set
/// lower than the session timeout`.
pub fn check_consumer(originals: &[(String, String)], name: &str, value: &str) -> Result<(), String> {
    ConsumerConfig::parse(with_change(originals, name, value))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The command that sets producer property `name` to `value`, or Kafka's message refusing it.
pub fn producer_change(producer: &ProducerView, name: &str, value: &str) -> Result<Command, String> {
    check_producer(&producer.config.originals, name, value)?;
    Ok(Command::SetProducerConfig {
        producer: producer.name.clone(),
        name: name.to_string(),
        value: value.to_string(),
    })
}

/// The command that sets consumer property `name` to `value` for the whole group (`member: None`) or one
/// member, or Kafka's message refusing it. Every affected member's configuration is checked (any refusal
/// refuses the change, as the simulation does). `group.id` names the group and is read-only.
pub fn consumer_change(
    group: &GroupPanel,
    member: Option<u16>,
    name: &str,
    value: &str,
) -> Result<Command, String> {
    let configs = (group.members.iter())
        .filter(|m| member.is_none_or(|n| n == m.number))
        .filter_map(|m| m.config.as_ref());
    consumer_change_with(&group.group_id, configs, member, name, value)
}

/// [`consumer_change`] on given member configurations (e.g. one member's card).
pub fn consumer_change_with<'a>(
    group_id: &str,
    configs: impl IntoIterator<Item = &'a ConsumerConfigView>,
    member: Option<u16>,
    name: &str,
    value: &str,
) -> Result<Command, String> {
    if name == "group.id" {
        return Err("group.id names the group: it is read-only here".into());
    }
    let mut checked = false;
    for c in configs {
        check_consumer(&c.originals, name, value)?;
        checked = true;
    }
    if !checked {
        // No member to build on yet: at least the property's own type and validator.
        config::validate_value(ConfigScope::Consumer, name, value).map_err(|e| e.to_string())?;
    }
    Ok(Command::SetConsumerConfig {
        group: group_id.to_string(),
        member,
        name: name.to_string(),
        value: value.to_string(),
    })
}

/// The command that sets dynamic topic config `name` (`min.insync.replicas`,
/// `unclean.leader.election.enable`) of `topic`, or Kafka's message refusing the value.
pub fn topic_change(topic: &str, name: &str, value: &str) -> Result<Command, String> {
    config::validate_value(ConfigScope::Topic, name, value).map_err(|e| e.to_string())?;
    Ok(Command::SetTopicConfig {
        topic: topic.to_string(),
        name: name.to_string(),
        value: value.to_string(),
    })
}

/// The command that sets broker config `name` (`replica.lag.time.max.ms`) on every broker, or Kafka's
/// message refusing the value.
pub fn broker_change(name: &str, value: &str) -> Result<Command, String> {
    config::validate_value(ConfigScope::Broker, name, value).map_err(|e| e.to_string())?;
    Ok(Command::SetBrokerConfig {
        name: name.to_string(),
        value: value.to_string(),
    })
}

/// A duration typed in milliseconds (decimals allowed), between 0 and the simulator's limit of one hour.
pub fn parse_millis(text: &str) -> Result<SimTime, String> {
    let limit_ms = MAX_COMMAND_DURATION.as_millis();
    let ms: f64 = (text.trim().parse::<f64>())
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0 && *v <= limit_ms as f64)
        .ok_or_else(|| format!("Invalid value {text}: a number of milliseconds from 0 to {limit_ms}"))?;
    Ok(SimTime::from_micros((ms * 1000.0).round() as u64))
}

/// The command that sets the group's processing time per record (`text` in ms).
pub fn processing_change(group: &str, text: &str) -> Result<Command, String> {
    Ok(Command::SetProcessing {
        group: group.to_string(),
        per_record: parse_millis(text)?,
    })
}

/// The command that changes a producer's load: `send-rate` (records per second) or `key-pattern` (as a
/// scenario's `keys`: `reserve-{n}`, `none`), or the message refusing the value. Checked as the
/// simulation checks it.
pub fn load_change(producer: &str, name: &str, value: &str) -> Result<Command, String> {
    let text = value.trim();
    let (rate, keys) = match name {
        "send-rate" => {
            let rate: f64 = (text.parse().ok())
                .ok_or_else(|| format!("Invalid send rate {text}: a number of records per second"))?;
            (Some(check_rate(rate).map_err(|e| e.to_string())?), None)
        }
        "key-pattern" => {
            KeyTemplate::parse(text).map_err(|e| format!("Invalid key pattern: {e}"))?;
            (None, Some(text.to_string()))
        }
        _ => return Err(format!("{name} is not part of the producer's load")),
    };
    let command = Command::SetProducerLoad {
        producer: producer.to_string(),
        rate: rate.map(Rate),
        keys,
    };
    command.check_bounds().map_err(|e| e.to_string())?;
    Ok(command)
}

/// The command that changes group `group`'s commit mode (`auto`, `manual`, `before`).
pub fn commit_change(group: &str, value: &str) -> Result<Command, String> {
    Ok(Command::SetCommitMode {
        group: group.to_string(),
        mode: Commit::parse(value)?,
    })
}

/// The partition a key goes to, as `KafkaProducer.partition` decides: the key serialized by the producer's
/// `key.serializer`, then `toPositive(murmur2(bytes)) % partitions`.
///
/// `Ok(None)` for an empty key field (a null key: the sticky partitioner chooses) or when
/// `partitioner.ignore.keys=true`; `Err` is the serializer's message (e.g. a non-number for
/// `IntegerSerializer`).
pub fn key_partition(producer: &ProducerView, key: &str, partitions: u32) -> Result<Option<i32>, String> {
    if key.is_empty() {
        return Ok(None);
    }
    let originals = producer.config.originals.iter().map(|(k, v)| (k, v));
    let parsed = ProducerConfig::parse(originals).map_err(|e| e.to_string())?;
    let config = parsed.config;
    if config.partitioner_ignore_keys {
        return Ok(None);
    }
    let bytes = serialize(config.key_serializer, Some(key)).map_err(|e| e.to_string())?;
    let count = i32::try_from(partitions).unwrap_or(i32::MAX);
    Ok(bytes.map(|b| partition_for_key(&b, count)))
}

/// How many partitions `topic` has in `view` (from the settings, else from the topic table).
pub fn partition_count(view: &SimView, topic: &str) -> u32 {
    let from_settings = (view.settings.as_ref())
        .and_then(|s| s.topics.iter().find(|t| t.name == topic))
        .map(|t| t.partitions);
    from_settings.unwrap_or_else(|| {
        let n = view.partitions.iter().filter(|p| p.topic == topic).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    })
}

/// What became of the last record sent from the form, as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// The simulation refused to send it (serialization error, producer restarting): the message.
    Refused(String),
    /// Sent to `partition`, no answer yet.
    Pending {
        /// The partition it went to.
        partition: i32,
    },
    /// Acknowledged (`offset` is `None` with `acks=0`: the client learns no offset).
    Acked {
        /// The partition.
        partition: i32,
        /// Its offset.
        offset: Option<i64>,
    },
    /// Failed for good with Kafka's error name.
    Failed {
        /// The partition.
        partition: i32,
        /// The error name, e.g. `NOT_ENOUGH_REPLICAS`.
        error: String,
    },
}

impl SendOutcome {
    /// The outcome of a hand-sent record as the simulation tracks it (`Simulation::sent_record`).
    pub fn from_manual(record: &ManualRecord) -> SendOutcome {
        let partition = record.tp.partition;
        match &record.result {
            ManualResult::Pending => SendOutcome::Pending { partition },
            ManualResult::Acked { offset } => SendOutcome::Acked {
                partition,
                offset: *offset,
            },
            ManualResult::Failed { error } => SendOutcome::Failed {
                partition,
                error: error.to_string(),
            },
        }
    }
}
