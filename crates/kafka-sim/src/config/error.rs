//! Configuration errors and log lines, worded exactly as Kafka 3.7 words them.

use serde::Serialize;

/// Which Kafka component a configuration belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ConfigScope {
    /// `ProducerConfig` (`KafkaProducer`).
    Producer,
    /// `ConsumerConfig` (`KafkaConsumer`).
    Consumer,
    /// `KafkaConfig` (`server.properties`).
    Broker,
    /// `LogConfig` (per-topic overrides).
    Topic,
}

impl ConfigScope {
    /// The `KafkaException` message of a failed client constructor, e.g. `Failed to construct kafka consumer`.
    pub fn construct_failed_message(self) -> &'static str {
        match self {
            ConfigScope::Producer => "Failed to construct kafka producer",
            ConfigScope::Consumer => "Failed to construct kafka consumer",
            ConfigScope::Broker => "Failed to construct kafka broker",
            ConfigScope::Topic => "Failed to create topic",
        }
    }
}

/// A configuration error. `Display` is the exact message Kafka puts in its exception.
///
/// For [`ConfigError::Construction`] `Display` is the **cause's** message (e.g.
/// `Heartbeat must be set lower than the session timeout`); the outer Kafka message
/// (`Failed to construct kafka consumer`) is [`ConfigError::kafka_message`], and the whole chain is
/// [`ConfigError::java_trace`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum ConfigError {
    /// `new ConfigException(name, value, message)`: `Invalid value <value> for configuration <name>: <message>`.
    #[error("Invalid value {value} for configuration {name}{}", suffix(.message))]
    InvalidValue {
        /// The configuration name.
        name: String,
        /// The value as Java prints it (the raw string for parse errors, the parsed value for validators).
        value: String,
        /// The validator or parser message, if any.
        message: Option<String>,
    },
    /// `Missing required configuration "<name>" which has no default value.`
    #[error("Missing required configuration \"{name}\" which has no default value.")]
    MissingRequired {
        /// The configuration name.
        name: String,
    },
    /// A plain `ConfigException(message)`, used by cross-field rules.
    #[error("{message}")]
    Config {
        /// The message.
        message: String,
    },
    /// `org.apache.kafka.common.errors.InvalidConfigurationException(message)`.
    #[error("{message}")]
    InvalidConfiguration {
        /// The message.
        message: String,
    },
    /// `java.lang.IllegalArgumentException(message)` (also Scala's `require`: `requirement failed: ...`).
    #[error("{message}")]
    IllegalArgument {
        /// The message.
        message: String,
    },
    /// A plain `org.apache.kafka.common.KafkaException(message)`.
    #[error("{message}")]
    Kafka {
        /// The message.
        message: String,
    },
    /// An error thrown inside a client constructor, which Kafka wraps in
    /// `KafkaException("Failed to construct kafka <client>")`. `Display` shows the cause.
    #[error("{cause}")]
    Construction {
        /// The client whose constructor failed.
        scope: ConfigScope,
        /// The wrapped exception.
        cause: Box<ConfigError>,
    },
}

fn suffix(message: &Option<String>) -> String {
    match message {
        Some(m) => format!(": {m}"),
        None => String::new(),
    }
}

impl ConfigError {
    /// `ConfigException(name, value, message)`.
    pub fn invalid(name: &str, value: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError::InvalidValue {
            name: name.to_string(),
            value: value.into(),
            message: Some(message.into()),
        }
    }

    /// A plain `ConfigException(message)`.
    pub fn config(message: impl Into<String>) -> Self {
        ConfigError::Config {
            message: message.into(),
        }
    }

    /// Wraps `cause` as Kafka's client constructor does.
    pub fn construction(scope: ConfigScope, cause: ConfigError) -> Self {
        ConfigError::Construction {
            scope,
            cause: Box::new(cause),
        }
    }

    /// The wrapped exception of a [`ConfigError::Construction`], else `None`.
    pub fn cause(&self) -> Option<&ConfigError> {
        match self {
            ConfigError::Construction { cause, .. } => Some(cause),
            _ => None,
        }
    }

    /// The message of the outermost Java exception: `Failed to construct kafka consumer` for a construction
    /// error, else the same as `Display`.
    pub fn kafka_message(&self) -> String {
        match self {
            ConfigError::Construction { scope, .. } => scope.construct_failed_message().to_string(),
            other => other.to_string(),
        }
    }

    /// The Java class of the outermost exception.
    pub fn java_class(&self) -> &'static str {
        match self {
            ConfigError::InvalidValue { .. }
            | ConfigError::MissingRequired { .. }
            | ConfigError::Config { .. } => "org.apache.kafka.common.config.ConfigException",
            ConfigError::InvalidConfiguration { .. } => {
                "org.apache.kafka.common.errors.InvalidConfigurationException"
            }
            ConfigError::IllegalArgument { .. } => "java.lang.IllegalArgumentException",
            ConfigError::Kafka { .. } | ConfigError::Construction { .. } => {
                "org.apache.kafka.common.KafkaException"
            }
        }
    }

    /// The exception chain as a Java stack trace starts, e.g.
    /// `["org.apache.kafka.common.KafkaException: Failed to construct kafka consumer",
    ///   "Caused by: java.lang.IllegalArgumentException: Heartbeat must be set lower than the session timeout"]`.
    pub fn java_trace(&self) -> Vec<String> {
        let mut lines = vec![format!("{}: {}", self.java_class(), self.kafka_message())];
        let mut current = self.cause();
        while let Some(cause) = current {
            lines.push(format!(
                "Caused by: {}: {}",
                cause.java_class(),
                cause.kafka_message()
            ));
            current = cause.cause();
        }
        lines
    }
}

/// A log level of a [`ConfigWarning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum LogLevel {
    /// `INFO`.
    Info,
    /// `WARN`.
    Warn,
}

/// A log line Kafka prints while building a config or a client. `Display` is the message (without the
/// `[Producer clientId=...] ` prefix; [`ConfigWarning::has_client_prefix`] says whether Kafka adds one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ConfigWarning {
    /// `The configuration 'X' was supplied but isn't a known config.` (WARN, `AbstractConfig.logUnused`).
    /// The value is kept in the parsed config's `unknown` list.
    UnknownConfig {
        /// The unknown key.
        key: String,
    },
    /// `Idempotence will be disabled because retries is set to 0.` (INFO, `ProducerConfig`).
    IdempotenceDisabledRetries,
    /// `Idempotence will be disabled because acks is set to <acks>, not set to 'all'.` (INFO, `ProducerConfig`).
    IdempotenceDisabledAcks {
        /// The configured acks (0 or 1).
        acks: i16,
    },
    /// `Idempotence will be disabled because max.in.flight.requests.per.connection is set to N, which is
    /// greater than 5. Please note that in v4.0.0 and onward, this will become an error.` (WARN, `ProducerConfig`).
    IdempotenceDisabledMaxInFlight {
        /// The configured max.in.flight.requests.per.connection.
        max_in_flight: i32,
    },
    /// `delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms. Setting it to N.`
    /// (WARN, `KafkaProducer`).
    DeliveryTimeoutRaised {
        /// The new delivery.timeout.ms.
        delivery_timeout_ms: i32,
    },
    /// `Instantiated an idempotent producer.` (INFO, `KafkaProducer`).
    IdempotentProducer,
    /// `Instantiated a transactional producer.` (INFO, `KafkaProducer`).
    TransactionalProducer,
    /// `Support for using the empty group id by consumers is deprecated and will be removed in the next major
    /// release.` (WARN, `KafkaConsumer`).
    EmptyGroupIdDeprecated,
}

impl ConfigWarning {
    /// The log level Kafka uses.
    pub fn level(&self) -> LogLevel {
        match self {
            ConfigWarning::IdempotenceDisabledRetries
            | ConfigWarning::IdempotenceDisabledAcks { .. }
            | ConfigWarning::IdempotentProducer
            | ConfigWarning::TransactionalProducer => LogLevel::Info,
            _ => LogLevel::Warn,
        }
    }

    /// The logger (Java class) that prints the line.
    pub fn logger(&self, scope: ConfigScope) -> &'static str {
        match self {
            ConfigWarning::UnknownConfig { .. } => match scope {
                ConfigScope::Producer => "org.apache.kafka.clients.producer.ProducerConfig",
                ConfigScope::Consumer => "org.apache.kafka.clients.consumer.ConsumerConfig",
                ConfigScope::Broker | ConfigScope::Topic => "kafka.server.KafkaConfig",
            },
            ConfigWarning::IdempotenceDisabledRetries
            | ConfigWarning::IdempotenceDisabledAcks { .. }
            | ConfigWarning::IdempotenceDisabledMaxInFlight { .. } => {
                "org.apache.kafka.clients.producer.ProducerConfig"
            }
            ConfigWarning::DeliveryTimeoutRaised { .. }
            | ConfigWarning::IdempotentProducer
            | ConfigWarning::TransactionalProducer => "org.apache.kafka.clients.producer.KafkaProducer",
            ConfigWarning::EmptyGroupIdDeprecated => "org.apache.kafka.clients.consumer.KafkaConsumer",
        }
    }

    /// Whether Kafka prefixes the line with the client's log context (`[Producer clientId=producer-1] `).
    pub fn has_client_prefix(&self) -> bool {
        matches!(
            self,
            ConfigWarning::DeliveryTimeoutRaised { .. }
                | ConfigWarning::IdempotentProducer
                | ConfigWarning::TransactionalProducer
                | ConfigWarning::EmptyGroupIdDeprecated
        )
    }
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigWarning::UnknownConfig { key } => {
                write!(
                    f,
                    "The configuration '{key}' was supplied but isn't a known config."
                )
            }
            ConfigWarning::IdempotenceDisabledRetries => {
                f.write_str("Idempotence will be disabled because retries is set to 0.")
            }
            ConfigWarning::IdempotenceDisabledAcks { acks } => {
                write!(
                    f,
                    "Idempotence will be disabled because acks is set to {acks}, not set to 'all'."
                )
            }
            ConfigWarning::IdempotenceDisabledMaxInFlight { max_in_flight } => write!(
                f,
                "Idempotence will be disabled because max.in.flight.requests.per.connection is set to \
                 {max_in_flight}, which is greater than 5. Please note that in v4.0.0 and onward, this will \
                 become an error."
            ),
            ConfigWarning::DeliveryTimeoutRaised { delivery_timeout_ms } => write!(
                f,
                "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms. \
                 Setting it to {delivery_timeout_ms}."
            ),
            ConfigWarning::IdempotentProducer => f.write_str("Instantiated an idempotent producer."),
            ConfigWarning::TransactionalProducer => f.write_str("Instantiated a transactional producer."),
            ConfigWarning::EmptyGroupIdDeprecated => f.write_str(
                "Support for using the empty group id by consumers is deprecated and will be removed in the \
                 next major release.",
            ),
        }
    }
}

/// The single INFO line that Kafka 3.5+ (`AbstractConfig.logUnused`, KAFKA-6793) prints instead of one
/// [`ConfigWarning::UnknownConfig`] per key: `These configurations '[a, b]' were supplied but are not used yet.`
/// Returns `None` for no keys.
pub fn unused_configs_line(keys: &[&str]) -> Option<String> {
    if keys.is_empty() {
        return None;
    }
    Some(format!(
        "These configurations '[{}]' were supplied but are not used yet.",
        keys.join(", ")
    ))
}

/// A parsed configuration together with the log lines Kafka printed while building it, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parsed<T> {
    /// The typed configuration.
    pub config: T,
    /// The log lines, in the order Kafka prints them.
    pub warnings: Vec<ConfigWarning>,
}

impl<T> Parsed<T> {
    /// The warnings' messages, in order.
    pub fn messages(&self) -> Vec<String> {
        self.warnings.iter().map(ToString::to_string).collect()
    }
}
