//! Kafka configuration: typed producer, consumer, broker and topic configs with Kafka 3.7's defaults.
//!
//! Properties come in as `(name, value)` string pairs, as a `.properties` file gives them
//! ([`properties::parse`]). Each config is parsed by a small `ConfigDef` ([`def`]) in Kafka's definition
//! order, so the first error is the one Kafka reports, with Kafka's exact text ([`ConfigError`]). Then come
//! Kafka's cross-field rules and the client constructors' checks. The result is a [`Parsed`] config plus the
//! log lines Kafka would print ([`ConfigWarning`]), e.g. unknown keys, whose values stay available in the
//! config's `unknown`/`originals` (Spring's `spring.json.trusted.packages` is read from there).
//!
//! - [`ProducerConfig::parse`] / [`ProducerConfig::parse_with_serializers`]
//! - [`ConsumerConfig::parse`] / [`ConsumerConfig::parse_with_deserializers`]
//! - [`BrokerConfig::parse`] / [`BrokerConfig::from_env`], [`TopicConfig::resolve`]
//! - [`definitions`]: the catalogue of every known key, for a UI.

pub mod broker;
pub mod classes;
pub mod consumer;
pub mod def;
pub mod error;
pub mod producer;
pub mod properties;
pub mod topic;

pub use broker::{BrokerConfig, env_to_property};
pub use classes::{AssignorKind, KnownClass, PartitionerKind, SerdeKind};
pub use consumer::{AutoOffsetReset, ConsumerConfig, GroupProtocol, IsolationLevel};
pub use def::{ConfigKey, ConfigType, DefaultValue, Importance, Originals, Validator, Value};
pub use error::{ConfigError, ConfigScope, ConfigWarning, LogLevel, Parsed, unused_configs_line};
pub use producer::{Acks, CompressionType, ProducerConfig};
pub use properties::PropertiesError;
pub use topic::{ConfigSource, TopicConfig, TopicConfigEntry};

/// Every key the simulator knows for `scope`, in Kafka's definition order, with type, default, validator and
/// a line of help.
pub fn definitions(scope: ConfigScope) -> &'static [ConfigKey] {
    match scope {
        ConfigScope::Producer => producer::PRODUCER_DEFS,
        ConfigScope::Consumer => consumer::CONSUMER_DEFS,
        ConfigScope::Broker => broker::BROKER_DEFS,
        ConfigScope::Topic => topic::TOPIC_DEFS,
    }
}

/// The definition of `name` in `scope`.
pub fn definition(scope: ConfigScope, name: &str) -> Option<&'static ConfigKey> {
    def::find(definitions(scope), name)
}

/// Checks one value as `scope`'s `ConfigDef` would (type and validator only, no cross-field rules), e.g. for a
/// UI field. Unknown names are accepted (Kafka only warns).
pub fn validate_value(scope: ConfigScope, name: &str, value: &str) -> Result<(), ConfigError> {
    match definition(scope, name) {
        Some(key) => def::ensure_valid(key, &def::parse_type(key, value)?),
        None => Ok(()),
    }
}
