//! Import and export of real configuration files: docker-compose (cp-kafka with ZooKeeper, and the apache/kafka
//! KRaft variant), Spring Boot's `application.yml` / `application.properties`, and plain
//! `producer.properties` / `consumer.properties`.
//!
//! **Import** ([`import_files`]) reads one or more files into an [`Imported`]: the equivalent scenario (as a
//! [`ScenarioDoc`], its TOML text and the checked [`Scenario`](crate::scenario::Scenario) the simulation is built from), the brokers'
//! listeners (so a terminal can map `localhost:9092` or `kafka1:29092` to a broker), and a list of
//! [`Ignored`] entries: every key that is not used, with the reason, so nothing is silently dropped. Invalid
//! values get Kafka's `ConfigException` messages ([`crate::config`]) or Spring's binding messages.
//!
//! - docker-compose: a service whose image is `cp-kafka`/`apache/kafka` (or that has `KAFKA_BROKER_ID` /
//!   `KAFKA_NODE_ID`) is a broker; its `KAFKA_*` environment becomes broker properties by the images' rule
//!   ([`crate::config::env_to_property`]). Properties every broker shares go to `[cluster.config]`; the
//!   wiring (ids, listeners, ZooKeeper, KRaft quorum) is kept per broker in [`ImportedBroker`].
//! - Spring: `spring.kafka.*` (relaxed binding: `group-id`, `groupId`, `group_id`), durations and data sizes
//!   as Spring converts them, `listener.ack-mode` → the group's commit mode, `listener.concurrency` → members.
//! - Properties: a producer (serializers, `acks`, ...) or a consumer (`group.id`, deserializers, ...).
//!
//! Files name no topic, rate or payload, so those come from [`ImportOptions`] (by default the seed's topic
//! `reserve`, created with the broker's defaults as auto-creation would) and are listed in
//! [`Imported::notes`].
//!
//! **Export** ([`export`]) writes a [`Scenario`](crate::scenario::Scenario) in any of the [`ExportFormat`]s; re-importing an export gives
//! the same cluster and clients.
//!
//! **Parsers**: [`parse_yaml`] and [`parse_properties`] take any text and never panic (fuzz entries), with
//! the size limits [`MAX_IMPORT_BYTES`] and [`MAX_IMPORT_LINES`] and YAML's nesting limit
//! [`yaml::MAX_YAML_DEPTH`]. The importers are fuzz entries too: [`import_files`] with a forced
//! [`ImportFormat`] runs one importer on any text and never panics.

mod clients;
mod compose;
mod doc;
mod export;
mod export_spring;
mod import;
mod spring;
pub mod yaml;

pub use doc::{GroupDoc, MembersDoc, ProducerDoc, ScenarioDoc, TopicDoc};
pub use export::{ExportFormat, ExportOptions, Exported, KRAFT_CLUSTER_ID, env_name, export, seed_addresses};
pub use import::{
    ImportFormat, ImportOptions, Imported, ImportedBroker, detect_format, import_files, import_str,
};
pub use yaml::{Yaml, YamlDoc, YamlError, parse_yaml};

use crate::config::{ConfigError, PropertiesError};
use crate::scenario::ScenarioError;
use serde::Serialize;
use std::fmt;

/// The largest file accepted by the import parsers, in bytes (1 MiB).
pub const MAX_IMPORT_BYTES: usize = 1 << 20;

/// The most lines (YAML lines with content, `.properties` lines) an imported file may have: real compose and
/// Spring files have a few hundred, and the limit keeps every step of import fast on hostile input.
pub const MAX_IMPORT_LINES: usize = 10_000;

/// A key that import did not use, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ignored {
    /// The file's name.
    pub file: String,
    /// Where: a key path in the file, e.g. `services.zookeeper.environment.ZOOKEEPER_TICK_TIME`.
    pub key: String,
    /// Why it was not used.
    pub reason: String,
}

impl fmt::Display for Ignored {
    /// `file: key: reason`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.key, self.reason)
    }
}

/// Why import refused the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// A file is larger than [`MAX_IMPORT_BYTES`].
    #[error("{file}: the file is {size} bytes; the limit is {limit} bytes (1 MiB)")]
    TooLarge {
        /// The file's name.
        file: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The YAML is malformed or uses something this subset cannot skip.
    #[error("{file}: {error}")]
    Yaml {
        /// The file's name.
        file: String,
        /// The parser's error.
        error: YamlError,
    },
    /// The `.properties` text is malformed.
    #[error("{file}: line {line}: {error}")]
    Properties {
        /// The file's name.
        file: String,
        /// The 1-based line.
        line: usize,
        /// The parser's error.
        error: PropertiesError,
    },
    /// Kafka refuses a configuration; `Display` ends with Kafka's exact message.
    #[error("{file}: {path}: {error}")]
    Config {
        /// The file's name.
        file: String,
        /// Where in the file, e.g. `services.kafka1.environment` or `spring.kafka.producer`.
        path: String,
        /// Kafka's error.
        error: ConfigError,
    },
    /// A value the file format (or Spring's binder) refuses, or a file that is not what it was taken for.
    #[error("{file}: {path}: {message}")]
    Invalid {
        /// The file's name.
        file: String,
        /// Where in the file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The files together do not make a valid scenario.
    #[error("the imported scenario is refused: {0}")]
    Scenario(ScenarioError),
}

impl ImportError {
    /// Kafka's configuration error, if that is why import failed.
    pub fn config_error(&self) -> Option<&ConfigError> {
        match self {
            ImportError::Config { error, .. } => Some(error),
            ImportError::Scenario(e) => e.config_error(),
            _ => None,
        }
    }
}

/// Parses `.properties` text (as `java.util.Properties.load`) with the import size limit. Never panics: this
/// is the entry a fuzz target calls with arbitrary text.
pub fn parse_properties(text: &str) -> Result<Vec<(String, String)>, PortParseError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(PortParseError::TooLarge {
            size: text.len(),
            limit: MAX_IMPORT_BYTES,
        });
    }
    if text
        .split(['\n', '\r'])
        .filter(|l| !l.trim().is_empty())
        .nth(MAX_IMPORT_LINES)
        .is_some()
    {
        return Err(PortParseError::TooManyLines {
            limit: MAX_IMPORT_LINES,
        });
    }
    crate::config::properties::parse(text).map_err(PortParseError::Properties)
}

/// Why [`parse_properties`] refused a text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PortParseError {
    /// Larger than [`MAX_IMPORT_BYTES`].
    #[error("the file is {size} bytes; the limit is {limit} bytes (1 MiB)")]
    TooLarge {
        /// The size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// More than [`MAX_IMPORT_LINES`] lines with content.
    #[error("the file has more than {limit} lines; the limit is {limit}")]
    TooManyLines {
        /// The limit.
        limit: usize,
    },
    /// A syntax error.
    #[error("{0}")]
    Properties(PropertiesError),
}
