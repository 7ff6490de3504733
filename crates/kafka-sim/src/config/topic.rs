//! Topic-level configs (`LogConfig`) and their resolution against the broker's defaults (synonyms).

use serde::Serialize;

use super::broker::BrokerConfig;
use super::def::{
    self, ConfigKey, ConfigType as T, DefaultValue as D, Importance as I, Originals, Validator as V, key,
};
use super::error::ConfigError;

/// The topic keys the simulator models, with their broker synonyms.
#[rustfmt::skip]
pub static TOPIC_DEFS: &[ConfigKey] = &[
    key("cleanup.policy", T::List, D::List(&["delete"]), V::ValidList(&["compact", "delete"]), I::Medium, "delete and/or compact old segments."),
    key("max.message.bytes", T::Int, D::Number(1048588), V::AtLeast(0), I::Medium, "Largest record batch size allowed."),
    key("min.insync.replicas", T::Int, D::Number(1), V::AtLeast(1), I::Medium, "Minimum ISR size for acks=all writes."),
    key("retention.bytes", T::Long, D::Number(-1), V::None, I::Medium, "Maximum partition size before deleting old segments."),
    key("retention.ms", T::Long, D::Number(604800000), V::AtLeast(-1), I::Medium, "How long to keep a segment; -1 is unlimited."),
    key("segment.bytes", T::Int, D::Number(1073741824), V::AtLeast(14), I::Medium, "Maximum size of a log segment."),
    key("unclean.leader.election.enable", T::Boolean, D::Bool(false), V::None, I::Medium, "Allow an out-of-sync replica to become leader."),
];

/// Other topic configs Kafka 3.7 accepts; the simulator stores them but does not model them.
pub const OTHER_TOPIC_CONFIGS: &[&str] = &[
    "compression.type",
    "delete.retention.ms",
    "file.delete.delay.ms",
    "flush.messages",
    "flush.ms",
    "follower.replication.throttled.replicas",
    "index.interval.bytes",
    "leader.replication.throttled.replicas",
    "local.retention.bytes",
    "local.retention.ms",
    "max.compaction.lag.ms",
    "message.downconversion.enable",
    "message.format.version",
    "message.timestamp.after.max.ms",
    "message.timestamp.before.max.ms",
    "message.timestamp.difference.max.ms",
    "message.timestamp.type",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "preallocate",
    "remote.storage.enable",
    "segment.index.bytes",
    "segment.jitter.ms",
    "segment.ms",
];

/// The broker synonyms of a topic key, highest priority first.
pub fn broker_synonyms(topic_key: &str) -> &'static [&'static str] {
    match topic_key {
        "cleanup.policy" => &["log.cleanup.policy"],
        "max.message.bytes" => &["message.max.bytes"],
        "min.insync.replicas" => &["min.insync.replicas"],
        "retention.bytes" => &["log.retention.bytes"],
        "retention.ms" => &["log.retention.ms", "log.retention.minutes", "log.retention.hours"],
        "segment.bytes" => &["log.segment.bytes"],
        "unclean.leader.election.enable" => &["unclean.leader.election.enable"],
        _ => &[],
    }
}

/// `ConfigEntry.ConfigSource` of a topic config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ConfigSource {
    /// `DYNAMIC_TOPIC_CONFIG`: a topic override.
    DynamicTopicConfig,
    /// `STATIC_BROKER_CONFIG`: set in the broker's `server.properties`.
    StaticBrokerConfig,
    /// `DEFAULT_CONFIG`: Kafka's default.
    DefaultConfig,
}

/// One entry of DescribeConfigs for a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicConfigEntry {
    /// The topic config name.
    pub name: String,
    /// The value as Kafka prints it.
    pub value: String,
    /// Where it comes from.
    pub source: ConfigSource,
}

/// A topic's effective configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicConfig {
    /// `cleanup.policy`.
    pub cleanup_policy: Vec<String>,
    /// `max.message.bytes`.
    pub max_message_bytes: i32,
    /// `min.insync.replicas` (the partition uses `min(this, replica count)`).
    pub min_insync_replicas: i32,
    /// `retention.bytes`.
    pub retention_bytes: i64,
    /// `retention.ms`.
    pub retention_ms: i64,
    /// `segment.bytes`.
    pub segment_bytes: i32,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: bool,
    /// Every entry (modelled keys in catalogue order, then other overrides in input order).
    pub entries: Vec<TopicConfigEntry>,
}

impl TopicConfig {
    /// Validates topic overrides (`LogConfig.validate`: unknown names first, then values) and resolves every
    /// modelled key: the override if given, else the broker's synonym.
    /// An unknown name gives `InvalidConfigurationException("Unknown topic config name: X")`.
    pub fn resolve<K: AsRef<str>, V: AsRef<str>>(
        broker: &BrokerConfig,
        overrides: impl IntoIterator<Item = (K, V)>,
    ) -> Result<TopicConfig, ConfigError> {
        let overrides = Originals::from_pairs(overrides);
        if let Some((name, _)) = overrides
            .iter()
            .find(|(k, _)| def::find(TOPIC_DEFS, k).is_none() && !OTHER_TOPIC_CONFIGS.contains(k))
        {
            return Err(ConfigError::InvalidConfiguration {
                message: format!("Unknown topic config name: {name}"),
            });
        }
        let mut effective = Originals::default();
        let mut entries = Vec::new();
        for key in TOPIC_DEFS {
            let (value, source) = match overrides.get(key.name) {
                Some(v) => (v.to_string(), ConfigSource::DynamicTopicConfig),
                None => broker_value(broker, key),
            };
            effective.set(key.name, &value);
            entries.push(TopicConfigEntry {
                name: key.name.to_string(),
                value,
                source,
            });
        }
        let values = def::parse(TOPIC_DEFS, &effective)?;
        for (name, value) in overrides.iter().filter(|(k, _)| OTHER_TOPIC_CONFIGS.contains(k)) {
            entries.push(TopicConfigEntry {
                name: name.to_string(),
                value: value.to_string(),
                source: ConfigSource::DynamicTopicConfig,
            });
        }
        Ok(TopicConfig {
            cleanup_policy: values.list("cleanup.policy"),
            max_message_bytes: values.int("max.message.bytes"),
            min_insync_replicas: values.int("min.insync.replicas"),
            retention_bytes: values.long("retention.bytes"),
            retention_ms: values.long("retention.ms"),
            segment_bytes: values.int("segment.bytes"),
            unclean_leader_election_enable: values.bool("unclean.leader.election.enable"),
            entries,
        })
    }

    /// The entries whose source is not `DEFAULT_CONFIG` (what `kafka-topics --describe` lists).
    pub fn non_default_entries(&self) -> Vec<&TopicConfigEntry> {
        self.entries
            .iter()
            .filter(|e| e.source != ConfigSource::DefaultConfig)
            .collect()
    }

    /// The `Configs:` field of `kafka-topics --describe`: `k=v` of non-default entries, comma-joined.
    pub fn describe_configs(&self) -> String {
        self.non_default_entries()
            .iter()
            .map(|e| format!("{}={}", e.name, e.value))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The entry for `name`.
    pub fn entry(&self, name: &str) -> Option<&TopicConfigEntry> {
        self.entries.iter().find(|e| e.name == name)
    }
}

/// The broker-level value of a topic key and its source.
fn broker_value(broker: &BrokerConfig, key: &ConfigKey) -> (String, ConfigSource) {
    let synonyms = broker_synonyms(key.name);
    let set = synonyms.iter().any(|s| broker.is_set(s));
    let source = if set {
        ConfigSource::StaticBrokerConfig
    } else {
        ConfigSource::DefaultConfig
    };
    let value = match key.name {
        "cleanup.policy" => broker.log_cleanup_policy.join(","),
        "max.message.bytes" => broker.message_max_bytes.to_string(),
        "min.insync.replicas" => broker.min_insync_replicas.to_string(),
        "retention.bytes" => broker.log_retention_bytes.to_string(),
        "retention.ms" => broker.log_retention_ms.to_string(),
        "segment.bytes" => broker.log_segment_bytes.to_string(),
        "unclean.leader.election.enable" => broker.unclean_leader_election_enable.to_string(),
        _ => key.default_display().unwrap_or_default(),
    };
    (value, source)
}
