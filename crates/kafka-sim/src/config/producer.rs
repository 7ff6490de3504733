//! `ProducerConfig` and the `KafkaProducer` constructor's config checks (Kafka 3.7).

use serde::Serialize;

use super::classes::{self, KnownClass, PartitionerKind, SerdeKind};
use super::def::{
    self, ConfigKey, ConfigType as T, DefaultValue as D, Importance as I, Originals, ParsedValues,
    Validator as V, key,
};
use super::error::{ConfigError, ConfigScope, ConfigWarning, Parsed};

/// `acks`, normalised as `ProducerConfig.parseAcks` does (`all` is `-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Acks {
    /// `acks=0`: no acknowledgement.
    Zero,
    /// `acks=1`: the leader's write.
    One,
    /// `acks=all` / `-1`: the full ISR (subject to `min.insync.replicas`).
    All,
}

impl Acks {
    /// The numeric value sent in ProduceRequest (`-1`, `0`, `1`).
    pub fn as_i16(self) -> i16 {
        match self {
            Acks::Zero => 0,
            Acks::One => 1,
            Acks::All => -1,
        }
    }
}

/// `compression.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CompressionType {
    /// `none`.
    None,
    /// `gzip`.
    Gzip,
    /// `snappy`.
    Snappy,
    /// `lz4`.
    Lz4,
    /// `zstd`.
    Zstd,
}

const ACKS_VALUES: &[&str] = &["all", "-1", "0", "1"];
const COMPRESSION_VALUES: &[&str] = &["none", "gzip", "snappy", "lz4", "zstd"];

/// The producer keys, in `ProducerConfig`'s definition order (which decides which error is reported first).
#[rustfmt::skip]
pub static PRODUCER_DEFS: &[ConfigKey] = &[
    key("bootstrap.servers", T::List, D::List(&[]), V::NonNull, I::High, "host:port pairs for the initial connection."),
    key("buffer.memory", T::Long, D::Number(33554432), V::AtLeast(0), I::High, "Bytes the producer may buffer before send() blocks."),
    key("retries", T::Int, D::Number(2147483647), V::Between(0, 2147483647), I::High, "Retries of a failed send (bounded by delivery.timeout.ms)."),
    key("acks", T::String, D::Str("all"), V::ValidString(ACKS_VALUES), I::Low, "Acknowledgements the leader must have before a request is complete."),
    key("compression.type", T::String, D::Str("none"), V::ValidString(COMPRESSION_VALUES), I::High, "Compression codec for batches."),
    key("batch.size", T::Int, D::Number(16384), V::AtLeast(0), I::Medium, "Upper bound in bytes of a per-partition batch."),
    key("partitioner.adaptive.partitioning.enable", T::Boolean, D::Bool(true), V::None, I::Low, "Send more to faster brokers (built-in partitioner)."),
    key("partitioner.availability.timeout.ms", T::Long, D::Number(0), V::AtLeast(0), I::Low, "Treat a partition as unavailable after this long without accepting data."),
    key("partitioner.ignore.keys", T::Boolean, D::Bool(false), V::None, I::Medium, "Ignore keys when choosing a partition."),
    key("linger.ms", T::Long, D::Number(0), V::AtLeast(0), I::Medium, "Time to wait for more records before sending a batch."),
    key("delivery.timeout.ms", T::Int, D::Number(120000), V::AtLeast(0), I::Medium, "Upper bound on the time to report success or failure of send()."),
    key("client.id", T::String, D::Str(""), V::None, I::Medium, "Id sent to the brokers; default producer-N."),
    key("max.request.size", T::Int, D::Number(1048576), V::AtLeast(0), I::Medium, "Maximum size of a request in bytes."),
    key("reconnect.backoff.ms", T::Long, D::Number(50), V::AtLeast(0), I::Low, "Base wait before reconnecting to a broker."),
    key("reconnect.backoff.max.ms", T::Long, D::Number(1000), V::AtLeast(0), I::Low, "Maximum wait before reconnecting."),
    key("retry.backoff.ms", T::Long, D::Number(100), V::AtLeast(0), I::Low, "Base wait before retrying a failed request."),
    key("retry.backoff.max.ms", T::Long, D::Number(1000), V::AtLeast(0), I::Low, "Maximum wait before retrying (exponential backoff)."),
    key("max.block.ms", T::Long, D::Number(60000), V::AtLeast(0), I::Medium, "How long send() and partitionsFor() may block."),
    key("request.timeout.ms", T::Int, D::Number(30000), V::AtLeast(0), I::Medium, "How long to wait for a response to a request."),
    key("metadata.max.age.ms", T::Long, D::Number(300000), V::AtLeast(0), I::Low, "Refresh metadata at least this often."),
    key("max.in.flight.requests.per.connection", T::Int, D::Number(5), V::AtLeast(1), I::Low, "Unacknowledged requests per connection."),
    key("key.serializer", T::Class, D::Required, V::NonNull, I::High, "Serializer class for keys."),
    key("value.serializer", T::Class, D::Required, V::NonNull, I::High, "Serializer class for values."),
    key("partitioner.class", T::Class, D::Null, V::None, I::Medium, "Custom partitioner; null uses the built-in one."),
    key("enable.idempotence", T::Boolean, D::Bool(true), V::None, I::Low, "Exactly one copy of each record in the log."),
    key("transaction.timeout.ms", T::Int, D::Number(60000), V::None, I::Low, "Maximum time a transaction may stay open."),
    key("transactional.id", T::String, D::Null, V::NonEmptyString, I::Low, "Enables transactions; requires idempotence."),
];

/// A producer's configuration, after `ProducerConfig`'s parsing and cross-field rules and the
/// `KafkaProducer` constructor's checks. Numbers validated as non-negative are unsigned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProducerConfig {
    /// `bootstrap.servers`.
    pub bootstrap_servers: Vec<String>,
    /// `client.id` if the user set it; see [`ProducerConfig::effective_client_id`].
    pub client_id: Option<String>,
    /// `acks`.
    pub acks: Acks,
    /// `linger.ms`.
    pub linger_ms: u64,
    /// `batch.size` as configured (0 means batches of one record; see [`ProducerConfig::effective_batch_size`]).
    pub batch_size: u32,
    /// `retries`.
    pub retries: i32,
    /// `delivery.timeout.ms`, possibly raised to `linger.ms + request.timeout.ms`.
    pub delivery_timeout_ms: u32,
    /// `request.timeout.ms`.
    pub request_timeout_ms: u32,
    /// `retry.backoff.ms`.
    pub retry_backoff_ms: u64,
    /// `retry.backoff.max.ms`.
    pub retry_backoff_max_ms: u64,
    /// `reconnect.backoff.ms`.
    pub reconnect_backoff_ms: u64,
    /// `reconnect.backoff.max.ms`.
    pub reconnect_backoff_max_ms: u64,
    /// `enable.idempotence`: the EFFECTIVE value after the cross-field rules.
    pub enable_idempotence: bool,
    /// `max.in.flight.requests.per.connection`.
    pub max_in_flight_requests_per_connection: u32,
    /// `max.request.size`.
    pub max_request_size: u32,
    /// `max.block.ms`.
    pub max_block_ms: u64,
    /// `buffer.memory`.
    pub buffer_memory: u64,
    /// `compression.type`.
    pub compression_type: CompressionType,
    /// `partitioner.class` (`None`: the built-in partitioner).
    pub partitioner_class: Option<PartitionerKind>,
    /// `partitioner.ignore.keys`.
    pub partitioner_ignore_keys: bool,
    /// `partitioner.adaptive.partitioning.enable`.
    pub partitioner_adaptive_partitioning_enable: bool,
    /// `partitioner.availability.timeout.ms`.
    pub partitioner_availability_timeout_ms: u64,
    /// `metadata.max.age.ms`.
    pub metadata_max_age_ms: u64,
    /// `transactional.id`.
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms`.
    pub transaction_timeout_ms: i32,
    /// `key.serializer`.
    pub key_serializer: SerdeKind,
    /// `value.serializer`.
    pub value_serializer: SerdeKind,
    /// Everything the user supplied (what a serializer's `configure` receives).
    pub originals: Originals,
    /// Supplied keys `ProducerConfig` does not define, with their values, in order.
    pub unknown: Vec<(String, String)>,
}

impl ProducerConfig {
    /// Parses properties as `new KafkaProducer<>(properties)` would if `ProducerConfig`'s `ConfigDef` saw them
    /// directly: a missing serializer gives `Missing required configuration "key.serializer" which has no
    /// default value.` Errors are reported in Kafka's order: `ConfigDef` parsing (definition order), the
    /// idempotence rules, then constructor checks (wrapped, see [`ConfigError::Construction`]).
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        props: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Parsed<ProducerConfig>, ConfigError> {
        build(Originals::from_pairs(props))
    }

    /// Parses properties as `new KafkaProducer<>(properties, keySerializer, valueSerializer)` does: a given
    /// serializer instance overrides the property; with `None` the property is required and its absence gives
    /// Kafka 3.7's `appendSerializerToConfig` error `Invalid value null for configuration key.serializer: must
    /// be non-null.`
    pub fn parse_with_serializers<K: AsRef<str>, V: AsRef<str>>(
        props: impl IntoIterator<Item = (K, V)>,
        key_serializer: Option<SerdeKind>,
        value_serializer: Option<SerdeKind>,
    ) -> Result<Parsed<ProducerConfig>, ConfigError> {
        let mut originals = Originals::from_pairs(props);
        for (name, given) in [
            ("key.serializer", key_serializer),
            ("value.serializer", value_serializer),
        ] {
            match given {
                Some(kind) => originals.set(name, &kind.serializer_class()),
                None if !originals.contains(name) => {
                    return Err(ConfigError::invalid(name, "null", "must be non-null."));
                }
                None => {}
            }
        }
        build(originals)
    }

    /// The defaults with the given serializers (never fails).
    pub fn defaults(key_serializer: SerdeKind, value_serializer: SerdeKind) -> ProducerConfig {
        let props: [(&str, &str); 0] = [];
        match Self::parse_with_serializers(props, Some(key_serializer), Some(value_serializer)) {
            Ok(parsed) => parsed.config,
            Err(_) => unreachable_defaults(key_serializer, value_serializer),
        }
    }

    /// The client id Kafka uses: the configured one, else `producer-<transactional.id>`, else `producer-<seq>`
    /// (`seq` is Kafka's global producer counter, starting at 1).
    pub fn effective_client_id(&self, seq: u32) -> String {
        match (&self.client_id, &self.transactional_id) {
            (Some(id), _) => id.clone(),
            (None, Some(tx)) => format!("producer-{tx}"),
            (None, None) => format!("producer-{seq}"),
        }
    }

    /// `max(1, batch.size)`: the batch size the accumulator really uses.
    pub fn effective_batch_size(&self) -> u32 {
        self.batch_size.max(1)
    }

    /// Whether the user supplied `key` (`originals().containsKey`).
    pub fn is_set(&self, key: &str) -> bool {
        self.originals.contains(key)
    }
}

/// Only reachable if the static defaults were broken; keeps `defaults` panic-free.
fn unreachable_defaults(key_serializer: SerdeKind, value_serializer: SerdeKind) -> ProducerConfig {
    ProducerConfig {
        bootstrap_servers: Vec::new(),
        client_id: None,
        acks: Acks::All,
        linger_ms: 0,
        batch_size: 16384,
        retries: i32::MAX,
        delivery_timeout_ms: 120000,
        request_timeout_ms: 30000,
        retry_backoff_ms: 100,
        retry_backoff_max_ms: 1000,
        reconnect_backoff_ms: 50,
        reconnect_backoff_max_ms: 1000,
        enable_idempotence: true,
        max_in_flight_requests_per_connection: 5,
        max_request_size: 1048576,
        max_block_ms: 60000,
        buffer_memory: 33554432,
        compression_type: CompressionType::None,
        partitioner_class: None,
        partitioner_ignore_keys: false,
        partitioner_adaptive_partitioning_enable: true,
        partitioner_availability_timeout_ms: 0,
        metadata_max_age_ms: 300000,
        transactional_id: None,
        transaction_timeout_ms: 60000,
        key_serializer,
        value_serializer,
        originals: Originals::default(),
        unknown: Vec::new(),
    }
}

fn parse_acks(value: &str) -> Result<Acks, ConfigError> {
    match value {
        "all" | "-1" => Ok(Acks::All),
        "0" => Ok(Acks::Zero),
        "1" => Ok(Acks::One),
        other => Err(ConfigError::config(format!(
            "Invalid configuration value for 'acks': {other}"
        ))),
    }
}

fn compression(value: &str) -> CompressionType {
    match value {
        "gzip" => CompressionType::Gzip,
        "snappy" => CompressionType::Snappy,
        "lz4" => CompressionType::Lz4,
        "zstd" => CompressionType::Zstd,
        _ => CompressionType::None,
    }
}

/// `KafkaProducer`'s `getConfiguredInstance(key, Serializer.class)`.
fn serializer(values: &ParsedValues, name: &str) -> Result<SerdeKind, ConfigError> {
    let class = values.string(name).unwrap_or_default();
    match classes::lookup(&class) {
        Some(KnownClass::Serializer(kind)) => Ok(kind),
        _ => Err(ConfigError::construction(
            ConfigScope::Producer,
            ConfigError::Kafka {
                message: format!(
                    "class {class} is not an instance of {}",
                    classes::SERIALIZER_INTERFACE
                ),
            },
        )),
    }
}

fn partitioner(values: &ParsedValues) -> Result<Option<PartitionerKind>, ConfigError> {
    let Some(class) = values.string("partitioner.class") else {
        return Ok(None);
    };
    match classes::lookup(&class) {
        Some(KnownClass::Partitioner(kind)) => Ok(Some(kind)),
        _ => Err(ConfigError::construction(
            ConfigScope::Producer,
            ConfigError::Kafka {
                message: format!(
                    "class {class} is not an instance of {}",
                    classes::PARTITIONER_INTERFACE
                ),
            },
        )),
    }
}

/// `ProducerConfig.postProcessAndValidateIdempotenceConfigs`: returns the effective idempotence.
fn idempotence_rules(
    values: &ParsedValues,
    originals: &Originals,
    acks: Acks,
    warnings: &mut Vec<ConfigWarning>,
) -> Result<bool, ConfigError> {
    let user_configured = originals.contains("enable.idempotence");
    let mut enabled = values.bool("enable.idempotence");
    if enabled {
        let mut disable = false;
        if values.int("retries") == 0 {
            if user_configured {
                return Err(ConfigError::config(
                    "Must set retries to non-zero when using the idempotent producer.",
                ));
            }
            warnings.push(ConfigWarning::IdempotenceDisabledRetries);
            disable = true;
        }
        if acks != Acks::All {
            if user_configured {
                return Err(ConfigError::config(
                    "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee \
                     idempotence.",
                ));
            }
            warnings.push(ConfigWarning::IdempotenceDisabledAcks { acks: acks.as_i16() });
            disable = true;
        }
        let in_flight = values.int("max.in.flight.requests.per.connection");
        if in_flight > 5 {
            if user_configured {
                return Err(ConfigError::config(
                    "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.",
                ));
            }
            warnings.push(ConfigWarning::IdempotenceDisabledMaxInFlight {
                max_in_flight: in_flight,
            });
            disable = true;
        }
        if disable {
            enabled = false;
        }
    }
    if !enabled && originals.contains("transactional.id") {
        return Err(ConfigError::config(
            "Cannot set a transactional.id without also enabling idempotence.",
        ));
    }
    Ok(enabled)
}

/// `KafkaProducer.configureDeliveryTimeout`.
fn delivery_timeout(
    values: &ParsedValues,
    originals: &Originals,
    warnings: &mut Vec<ConfigWarning>,
) -> Result<i32, ConfigError> {
    let delivery = values.int("delivery.timeout.ms");
    let linger = values.long("linger.ms").min(i64::from(i32::MAX));
    let sum = (linger + i64::from(values.int("request.timeout.ms"))).min(i64::from(i32::MAX));
    let sum = i32::try_from(sum).unwrap_or(i32::MAX);
    if delivery >= sum {
        return Ok(delivery);
    }
    if originals.contains("delivery.timeout.ms") {
        return Err(ConfigError::construction(
            ConfigScope::Producer,
            ConfigError::config(
                "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms",
            ),
        ));
    }
    warnings.push(ConfigWarning::DeliveryTimeoutRaised {
        delivery_timeout_ms: sum,
    });
    Ok(sum)
}

fn build(originals: Originals) -> Result<Parsed<ProducerConfig>, ConfigError> {
    let values = def::parse(PRODUCER_DEFS, &originals)?;
    let mut warnings = Vec::new();
    let acks = parse_acks(&values.string("acks").unwrap_or_default())?;
    let enable_idempotence = idempotence_rules(&values, &originals, acks, &mut warnings)?;

    // The KafkaProducer constructor, in its order: partitioner, serializers, delivery timeout, transactions.
    let partitioner_class = partitioner(&values)?;
    let key_serializer = serializer(&values, "key.serializer")?;
    let value_serializer = serializer(&values, "value.serializer")?;
    let delivery = delivery_timeout(&values, &originals, &mut warnings)?;
    let transactional_id = values.string("transactional.id");
    if enable_idempotence {
        warnings.push(match transactional_id {
            Some(_) => ConfigWarning::TransactionalProducer,
            None => ConfigWarning::IdempotentProducer,
        });
    }
    let unknown = originals.unknown(PRODUCER_DEFS);
    warnings.extend(
        unknown
            .iter()
            .map(|(k, _)| ConfigWarning::UnknownConfig { key: k.clone() }),
    );

    let config = ProducerConfig {
        bootstrap_servers: values.list("bootstrap.servers"),
        client_id: originals
            .contains("client.id")
            .then(|| values.string("client.id").unwrap_or_default()),
        acks,
        linger_ms: values.u64("linger.ms"),
        batch_size: values.u32("batch.size"),
        retries: values.int("retries"),
        delivery_timeout_ms: u32::try_from(delivery).unwrap_or(0),
        request_timeout_ms: values.u32("request.timeout.ms"),
        retry_backoff_ms: values.u64("retry.backoff.ms"),
        retry_backoff_max_ms: values.u64("retry.backoff.max.ms"),
        reconnect_backoff_ms: values.u64("reconnect.backoff.ms"),
        reconnect_backoff_max_ms: values.u64("reconnect.backoff.max.ms"),
        enable_idempotence,
        max_in_flight_requests_per_connection: values.u32("max.in.flight.requests.per.connection"),
        max_request_size: values.u32("max.request.size"),
        max_block_ms: values.u64("max.block.ms"),
        buffer_memory: values.u64("buffer.memory"),
        compression_type: compression(&values.string("compression.type").unwrap_or_default()),
        partitioner_class,
        partitioner_ignore_keys: values.bool("partitioner.ignore.keys"),
        partitioner_adaptive_partitioning_enable: values.bool("partitioner.adaptive.partitioning.enable"),
        partitioner_availability_timeout_ms: values.u64("partitioner.availability.timeout.ms"),
        metadata_max_age_ms: values.u64("metadata.max.age.ms"),
        transactional_id,
        transaction_timeout_ms: values.int("transaction.timeout.ms"),
        key_serializer,
        value_serializer,
        originals,
        unknown,
    };
    Ok(Parsed { config, warnings })
}
