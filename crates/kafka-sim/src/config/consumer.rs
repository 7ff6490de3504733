//! `ConsumerConfig` and the `KafkaConsumer` constructor's config checks (Kafka 3.7, classic consumer).

use serde::Serialize;

use super::classes::{self, AssignorKind, KnownClass, SerdeKind};
use super::def::{
    self, ConfigKey, ConfigType as T, DefaultValue as D, Importance as I, Originals, ParsedValues,
    Validator as V, key,
};
use super::error::{ConfigError, ConfigScope, ConfigWarning, Parsed};

/// `auto.offset.reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AutoOffsetReset {
    /// `latest`.
    Latest,
    /// `earliest`.
    Earliest,
    /// `none`: throw `NoOffsetForPartitionException`.
    None,
}

/// `isolation.level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum IsolationLevel {
    /// `read_uncommitted`.
    ReadUncommitted,
    /// `read_committed`.
    ReadCommitted,
}

/// `group.protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GroupProtocol {
    /// `classic`: JoinGroup/SyncGroup with client-side assignors.
    Classic,
    /// `consumer`: KIP-848 (early access in 3.7).
    Consumer,
}

const RANGE: &str = "org.apache.kafka.clients.consumer.RangeAssignor";
const COOPERATIVE_STICKY: &str = "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";

/// The consumer keys, in `ConsumerConfig`'s definition order (which decides which error is reported first).
#[rustfmt::skip]
pub static CONSUMER_DEFS: &[ConfigKey] = &[
    key("bootstrap.servers", T::List, D::List(&[]), V::NonNull, I::High, "host:port pairs for the initial connection."),
    key("group.id", T::String, D::Null, V::None, I::High, "The consumer group; null means no group management or commits."),
    key("group.instance.id", T::String, D::Null, V::NonEmptyString, I::Medium, "Static membership id."),
    key("session.timeout.ms", T::Int, D::Number(45000), V::None, I::High, "The member is removed if no heartbeat arrives within this time."),
    key("heartbeat.interval.ms", T::Int, D::Number(3000), V::None, I::High, "Heartbeat period; must be lower than session.timeout.ms."),
    key("partition.assignment.strategy", T::List, D::ClassList(&[RANGE, COOPERATIVE_STICKY]), V::NonNull, I::Medium, "Assignor classes, in order of preference."),
    key("metadata.max.age.ms", T::Long, D::Number(300000), V::AtLeast(0), I::Low, "Refresh metadata at least this often."),
    key("enable.auto.commit", T::Boolean, D::Bool(true), V::None, I::Medium, "Commit offsets periodically in the background."),
    key("auto.commit.interval.ms", T::Int, D::Number(5000), V::AtLeast(0), I::Low, "Auto-commit period."),
    key("client.id", T::String, D::Str(""), V::None, I::Low, "Id sent to the brokers; default consumer-<group>-N."),
    key("client.rack", T::String, D::Str(""), V::None, I::Low, "Rack of the consumer, for follower fetching."),
    key("max.partition.fetch.bytes", T::Int, D::Number(1048576), V::AtLeast(0), I::High, "Maximum data per partition returned by a fetch."),
    key("fetch.min.bytes", T::Int, D::Number(1), V::AtLeast(0), I::High, "Minimum data for the broker to answer a fetch."),
    key("fetch.max.bytes", T::Int, D::Number(52428800), V::AtLeast(0), I::Medium, "Maximum data returned by a fetch."),
    key("fetch.max.wait.ms", T::Int, D::Number(500), V::AtLeast(0), I::Low, "Maximum time the broker waits for fetch.min.bytes."),
    key("reconnect.backoff.ms", T::Long, D::Number(50), V::AtLeast(0), I::Low, "Base wait before reconnecting to a broker."),
    key("reconnect.backoff.max.ms", T::Long, D::Number(1000), V::AtLeast(0), I::Low, "Maximum wait before reconnecting."),
    key("retry.backoff.ms", T::Long, D::Number(100), V::AtLeast(0), I::Low, "Base wait before retrying a failed request."),
    key("retry.backoff.max.ms", T::Long, D::Number(1000), V::AtLeast(0), I::Low, "Maximum wait before retrying (exponential backoff)."),
    key("auto.offset.reset", T::String, D::Str("latest"), V::ValidString(&["latest", "earliest", "none"]), I::Medium, "Where to start when there is no committed offset."),
    key("check.crcs", T::Boolean, D::Bool(true), V::None, I::Low, "Check the CRC32 of fetched records."),
    key("key.deserializer", T::Class, D::Required, V::NonNull, I::High, "Deserializer class for keys."),
    key("value.deserializer", T::Class, D::Required, V::NonNull, I::High, "Deserializer class for values."),
    key("request.timeout.ms", T::Int, D::Number(30000), V::AtLeast(0), I::Medium, "How long to wait for a response to a request."),
    key("default.api.timeout.ms", T::Int, D::Number(60000), V::AtLeast(0), I::Medium, "Default timeout of blocking consumer calls."),
    key("max.poll.records", T::Int, D::Number(500), V::AtLeast(1), I::Medium, "Maximum records returned by one poll()."),
    key("max.poll.interval.ms", T::Int, D::Number(300000), V::AtLeast(1), I::Medium, "Maximum time between polls before the member leaves the group."),
    key("exclude.internal.topics", T::Boolean, D::Bool(true), V::None, I::Medium, "Hide internal topics from pattern subscriptions."),
    ConfigKey { internal: true, ..key("internal.leave.group.on.close", T::Boolean, D::Bool(true), V::None, I::Low, "Send LeaveGroup when the consumer closes.") },
    key("isolation.level", T::String, D::Str("read_uncommitted"), V::ValidString(&["read_committed", "read_uncommitted"]), I::Medium, "Whether to read uncommitted transactional records."),
    key("allow.auto.create.topics", T::Boolean, D::Bool(true), V::None, I::Medium, "Let subscribing auto-create topics (if the broker allows)."),
    key("group.protocol", T::String, D::Str("classic"), V::CaseInsensitiveValidString(&["CONSUMER", "CLASSIC"]), I::High, "Group protocol: classic or consumer (KIP-848)."),
];

/// A consumer's configuration, after `ConsumerConfig`'s parsing and the `KafkaConsumer` constructor's checks.
/// Numbers validated as non-negative are unsigned; unvalidated ones keep Java's signed type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsumerConfig {
    /// `bootstrap.servers`.
    pub bootstrap_servers: Vec<String>,
    /// `group.id`.
    pub group_id: Option<String>,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// `session.timeout.ms`.
    pub session_timeout_ms: i32,
    /// `heartbeat.interval.ms`.
    pub heartbeat_interval_ms: i32,
    /// `partition.assignment.strategy`, in order of preference.
    pub partition_assignment_strategy: Vec<AssignorKind>,
    /// `metadata.max.age.ms`.
    pub metadata_max_age_ms: u64,
    /// `enable.auto.commit`: the EFFECTIVE value (false without a group.id unless set).
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms`.
    pub auto_commit_interval_ms: u32,
    /// `client.id` if the user set it; see [`ConsumerConfig::effective_client_id`].
    pub client_id: Option<String>,
    /// `client.rack`.
    pub client_rack: String,
    /// `max.partition.fetch.bytes`.
    pub max_partition_fetch_bytes: u32,
    /// `fetch.min.bytes`.
    pub fetch_min_bytes: u32,
    /// `fetch.max.bytes`.
    pub fetch_max_bytes: u32,
    /// `fetch.max.wait.ms`.
    pub fetch_max_wait_ms: u32,
    /// `reconnect.backoff.ms`.
    pub reconnect_backoff_ms: u64,
    /// `reconnect.backoff.max.ms`.
    pub reconnect_backoff_max_ms: u64,
    /// `retry.backoff.ms`.
    pub retry_backoff_ms: u64,
    /// `retry.backoff.max.ms`.
    pub retry_backoff_max_ms: u64,
    /// `auto.offset.reset`.
    pub auto_offset_reset: AutoOffsetReset,
    /// `check.crcs`.
    pub check_crcs: bool,
    /// `key.deserializer`.
    pub key_deserializer: SerdeKind,
    /// `value.deserializer`.
    pub value_deserializer: SerdeKind,
    /// `request.timeout.ms`.
    pub request_timeout_ms: u32,
    /// `default.api.timeout.ms`.
    pub default_api_timeout_ms: u32,
    /// `max.poll.records`.
    pub max_poll_records: u32,
    /// `max.poll.interval.ms` (also the classic JoinGroup's rebalance timeout).
    pub max_poll_interval_ms: u32,
    /// `exclude.internal.topics`.
    pub exclude_internal_topics: bool,
    /// `internal.leave.group.on.close`.
    pub internal_leave_group_on_close: bool,
    /// `isolation.level`.
    pub isolation_level: IsolationLevel,
    /// `allow.auto.create.topics`.
    pub allow_auto_create_topics: bool,
    /// `group.protocol`.
    pub group_protocol: GroupProtocol,
    /// Everything the user supplied (what a deserializer's `configure` receives, e.g. Spring's
    /// `spring.json.trusted.packages`).
    pub originals: Originals,
    /// Supplied keys `ConsumerConfig` does not define, with their values, in order.
    pub unknown: Vec<(String, String)>,
}

impl ConsumerConfig {
    /// Parses properties as `new KafkaConsumer<>(properties)` would if `ConsumerConfig`'s `ConfigDef` saw them
    /// directly: a missing deserializer gives `Missing required configuration "key.deserializer" which has no
    /// default value.` Constructor errors (heartbeat, group.instance.id charset, auto-commit without group,
    /// unknown assignor) are [`ConfigError::Construction`] (`Failed to construct kafka consumer`).
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        props: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Parsed<ConsumerConfig>, ConfigError> {
        build(Originals::from_pairs(props))
    }

    /// Parses properties as `new KafkaConsumer<>(properties, keyDeserializer, valueDeserializer)` does: a given
    /// instance overrides the property; with `None` an absent property gives `Invalid value null for
    /// configuration key.deserializer: must be non-null.`
    pub fn parse_with_deserializers<K: AsRef<str>, V: AsRef<str>>(
        props: impl IntoIterator<Item = (K, V)>,
        key_deserializer: Option<SerdeKind>,
        value_deserializer: Option<SerdeKind>,
    ) -> Result<Parsed<ConsumerConfig>, ConfigError> {
        let mut originals = Originals::from_pairs(props);
        for (name, given) in [
            ("key.deserializer", key_deserializer),
            ("value.deserializer", value_deserializer),
        ] {
            match given {
                Some(kind) => originals.set(name, &kind.deserializer_class()),
                None if !originals.contains(name) => {
                    return Err(ConfigError::invalid(name, "null", "must be non-null."));
                }
                None => {}
            }
        }
        build(originals)
    }

    /// The client id Kafka uses: the configured one, else `consumer-<group.id>-<group.instance.id or seq>`
    /// (`seq` is Kafka's global consumer counter, starting at 1).
    pub fn effective_client_id(&self, seq: u32) -> String {
        if let Some(id) = &self.client_id {
            return id.clone();
        }
        let group = self.group_id.as_deref().unwrap_or("null");
        match &self.group_instance_id {
            Some(instance) => format!("consumer-{group}-{instance}"),
            None => format!("consumer-{group}-{seq}"),
        }
    }

    /// Whether the user supplied `key` (`originals().containsKey`).
    pub fn is_set(&self, key: &str) -> bool {
        self.originals.contains(key)
    }

    /// The protocol names sent in a classic JoinGroup, in preference order.
    pub fn protocol_names(&self) -> Vec<&'static str> {
        self.partition_assignment_strategy
            .iter()
            .map(|a| a.protocol_name())
            .collect()
    }
}

fn construction(cause: ConfigError) -> ConfigError {
    ConfigError::construction(ConfigScope::Consumer, cause)
}

/// `JoinGroupRequest.validateGroupInstanceId` (`Topic.validate` with the prefix "Group instance id").
pub fn validate_group_instance_id(id: &str) -> Result<(), ConfigError> {
    let message = if id.is_empty() {
        "Group instance id is illegal, it can't be empty".to_string()
    } else if id == "." || id == ".." {
        "Group instance id cannot be \".\" or \"..\"".to_string()
    } else if id.chars().count() > 249 {
        format!(
            "Group instance id is illegal, it can't be longer than 249 characters, Group instance id: {id}"
        )
    } else if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        format!(
            "Group instance id \"{id}\" is illegal, it contains a character other than ASCII alphanumerics, '.', \
             '_' and '-'"
        )
    } else {
        return Ok(());
    };
    Err(ConfigError::InvalidConfiguration { message })
}

fn deserializer(values: &ParsedValues, name: &str) -> Result<SerdeKind, ConfigError> {
    let class = values.string(name).unwrap_or_default();
    match classes::lookup(&class) {
        Some(KnownClass::Deserializer(kind)) => Ok(kind),
        _ => Err(construction(ConfigError::Kafka {
            message: format!(
                "class {class} is not an instance of {}",
                classes::DESERIALIZER_INTERFACE
            ),
        })),
    }
}

/// `ConsumerPartitionAssignor.getAssignorInstances`.
fn assignors(values: &ParsedValues) -> Result<Vec<AssignorKind>, ConfigError> {
    let mut out: Vec<AssignorKind> = Vec::new();
    for class in values.list("partition.assignment.strategy") {
        let kind = match classes::lookup(&class) {
            Some(KnownClass::Assignor(kind)) => kind,
            Some(_) => {
                return Err(construction(ConfigError::Kafka {
                    message: format!(
                        "class {class} is not an instance of {}",
                        classes::ASSIGNOR_INTERFACE
                    ),
                }));
            }
            None => {
                return Err(construction(ConfigError::Kafka {
                    message: format!("{class} ClassNotFoundException exception occurred"),
                }));
            }
        };
        if out.contains(&kind) {
            let name = kind.class_name();
            return Err(construction(ConfigError::Kafka {
                message: format!(
                    "The assignor name: '{}' is used in more than one assignor: {name}, {name}",
                    kind.protocol_name()
                ),
            }));
        }
        out.push(kind);
    }
    Ok(out)
}

fn build(originals: Originals) -> Result<Parsed<ConsumerConfig>, ConfigError> {
    let values = def::parse(CONSUMER_DEFS, &originals)?;
    let mut warnings = Vec::new();
    let group_id = values.string("group.id");
    let group_instance_id = values.string("group.instance.id");
    let group_protocol = match values.string("group.protocol") {
        Some(p) if p.eq_ignore_ascii_case("consumer") => GroupProtocol::Consumer,
        _ => GroupProtocol::Classic,
    };

    // The KafkaConsumer constructor, in its order.
    if let Some(id) = &group_instance_id {
        validate_group_instance_id(id).map_err(construction)?;
    }
    let mut enable_auto_commit = values.bool("enable.auto.commit");
    match &group_id {
        None if !originals.contains("enable.auto.commit") => enable_auto_commit = false,
        None if enable_auto_commit => {
            return Err(construction(ConfigError::InvalidConfiguration {
                message: "enable.auto.commit cannot be set to true when default group id (null) is used."
                    .to_string(),
            }));
        }
        Some(g) if g.is_empty() => warnings.push(ConfigWarning::EmptyGroupIdDeprecated),
        _ => {}
    }
    let key_deserializer = deserializer(&values, "key.deserializer")?;
    let value_deserializer = deserializer(&values, "value.deserializer")?;
    let partition_assignment_strategy = assignors(&values)?;
    let session_timeout_ms = values.int("session.timeout.ms");
    let heartbeat_interval_ms = values.int("heartbeat.interval.ms");
    // `new Heartbeat(...)` inside `new ConsumerCoordinator(...)`, built only with a group.id (classic protocol).
    if group_id.is_some()
        && group_protocol == GroupProtocol::Classic
        && heartbeat_interval_ms >= session_timeout_ms
    {
        return Err(construction(ConfigError::IllegalArgument {
            message: "Heartbeat must be set lower than the session timeout".to_string(),
        }));
    }
    let unknown = originals.unknown(CONSUMER_DEFS);
    warnings.extend(
        unknown
            .iter()
            .map(|(k, _)| ConfigWarning::UnknownConfig { key: k.clone() }),
    );

    let config = ConsumerConfig {
        bootstrap_servers: values.list("bootstrap.servers"),
        group_id,
        group_instance_id,
        session_timeout_ms,
        heartbeat_interval_ms,
        partition_assignment_strategy,
        metadata_max_age_ms: values.u64("metadata.max.age.ms"),
        enable_auto_commit,
        auto_commit_interval_ms: values.u32("auto.commit.interval.ms"),
        client_id: originals
            .contains("client.id")
            .then(|| values.string("client.id").unwrap_or_default()),
        client_rack: values.string("client.rack").unwrap_or_default(),
        max_partition_fetch_bytes: values.u32("max.partition.fetch.bytes"),
        fetch_min_bytes: values.u32("fetch.min.bytes"),
        fetch_max_bytes: values.u32("fetch.max.bytes"),
        fetch_max_wait_ms: values.u32("fetch.max.wait.ms"),
        reconnect_backoff_ms: values.u64("reconnect.backoff.ms"),
        reconnect_backoff_max_ms: values.u64("reconnect.backoff.max.ms"),
        retry_backoff_ms: values.u64("retry.backoff.ms"),
        retry_backoff_max_ms: values.u64("retry.backoff.max.ms"),
        auto_offset_reset: match values.string("auto.offset.reset").as_deref() {
            Some("earliest") => AutoOffsetReset::Earliest,
            Some("none") => AutoOffsetReset::None,
            _ => AutoOffsetReset::Latest,
        },
        check_crcs: values.bool("check.crcs"),
        key_deserializer,
        value_deserializer,
        request_timeout_ms: values.u32("request.timeout.ms"),
        default_api_timeout_ms: values.u32("default.api.timeout.ms"),
        max_poll_records: values.u32("max.poll.records"),
        max_poll_interval_ms: values.u32("max.poll.interval.ms"),
        exclude_internal_topics: values.bool("exclude.internal.topics"),
        internal_leave_group_on_close: values.bool("internal.leave.group.on.close"),
        isolation_level: match values.string("isolation.level").as_deref() {
            Some("read_committed") => IsolationLevel::ReadCommitted,
            _ => IsolationLevel::ReadUncommitted,
        },
        allow_auto_create_topics: values.bool("allow.auto.create.topics"),
        group_protocol,
        originals,
        unknown,
    };
    Ok(Parsed { config, warnings })
}
