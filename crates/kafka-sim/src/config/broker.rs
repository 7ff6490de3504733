//! `KafkaConfig`: the broker's `server.properties` (Kafka 3.7, ZooKeeper mode as in the seed cluster).

use serde::Serialize;

use super::def::{
    self, ConfigKey, ConfigType as T, DefaultValue as D, Importance as I, Originals, Validator as V, key,
};
use super::error::{ConfigError, ConfigWarning, Parsed};

/// The broker keys the simulator models, in `KafkaConfig`'s definition order.
#[rustfmt::skip]
pub static BROKER_DEFS: &[ConfigKey] = &[
    key("zookeeper.connect", T::String, D::Null, V::None, I::High, "ZooKeeper connection string."),
    key("zookeeper.session.timeout.ms", T::Int, D::Number(18000), V::None, I::High, "ZooKeeper session timeout; a broker is dead after it."),
    key("broker.id", T::Int, D::Number(-1), V::None, I::High, "The broker's id."),
    key("listeners", T::String, D::Str("PLAINTEXT://:9092"), V::None, I::High, "Listener URIs the broker binds."),
    key("advertised.listeners", T::String, D::Null, V::None, I::High, "Listener URIs published to clients."),
    key("listener.security.protocol.map", T::String, D::Str("PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL"), V::None, I::Low, "Listener name to security protocol."),
    key("inter.broker.listener.name", T::String, D::Null, V::None, I::Medium, "Listener used between brokers."),
    key("message.max.bytes", T::Int, D::Number(1048588), V::AtLeast(0), I::High, "Largest record batch size allowed (topic: max.message.bytes)."),
    key("log.dirs", T::String, D::Null, V::None, I::High, "Directories of the log data."),
    key("num.partitions", T::Int, D::Number(1), V::AtLeast(1), I::Medium, "Default partition count of auto-created topics."),
    key("log.segment.bytes", T::Int, D::Number(1073741824), V::AtLeast(14), I::High, "Maximum size of a log segment."),
    key("log.retention.hours", T::Int, D::Number(168), V::None, I::High, "Retention in hours (lowest priority)."),
    key("log.retention.minutes", T::Int, D::Null, V::None, I::High, "Retention in minutes (overrides hours)."),
    key("log.retention.ms", T::Long, D::Null, V::None, I::High, "Retention in ms (overrides minutes); -1 is unlimited."),
    key("log.retention.bytes", T::Long, D::Number(-1), V::None, I::High, "Maximum partition size before deleting old segments."),
    key("log.cleanup.policy", T::List, D::List(&["delete"]), V::ValidList(&["compact", "delete"]), I::Medium, "Default cleanup policy of topics."),
    key("auto.create.topics.enable", T::Boolean, D::Bool(true), V::None, I::High, "Create topics on first metadata request."),
    key("min.insync.replicas", T::Int, D::Number(1), V::AtLeast(1), I::High, "Minimum ISR size for acks=all writes."),
    key("default.replication.factor", T::Int, D::Number(1), V::None, I::Medium, "Replication factor of auto-created topics."),
    key("replica.lag.time.max.ms", T::Long, D::Number(30000), V::None, I::High, "A follower not caught up for this long leaves the ISR."),
    key("replica.socket.timeout.ms", T::Int, D::Number(30000), V::None, I::High, "Socket timeout of replica fetches."),
    key("replica.fetch.max.bytes", T::Int, D::Number(1048576), V::AtLeast(0), I::Medium, "Bytes per partition a follower fetch asks for."),
    key("replica.fetch.wait.max.ms", T::Int, D::Number(500), V::None, I::Medium, "Maximum wait of a follower fetch."),
    key("replica.fetch.min.bytes", T::Int, D::Number(1), V::None, I::High, "Minimum bytes of a follower fetch response."),
    key("unclean.leader.election.enable", T::Boolean, D::Bool(false), V::None, I::High, "Allow an out-of-sync replica to become leader."),
    key("delete.topic.enable", T::Boolean, D::Bool(true), V::None, I::High, "Allow deleting topics."),
    key("group.min.session.timeout.ms", T::Int, D::Number(6000), V::None, I::Medium, "Smallest session.timeout.ms a member may use."),
    key("group.max.session.timeout.ms", T::Int, D::Number(1800000), V::None, I::Medium, "Largest session.timeout.ms a member may use."),
    key("group.initial.rebalance.delay.ms", T::Int, D::Number(3000), V::None, I::Medium, "Delay of the first rebalance of an empty group."),
    key("group.max.size", T::Int, D::Number(2147483647), V::AtLeast(1), I::Medium, "Maximum members in a group."),
    key("offsets.topic.replication.factor", T::Short, D::Number(3), V::AtLeast(1), I::High, "Replication factor of __consumer_offsets."),
    key("offsets.topic.num.partitions", T::Int, D::Number(50), V::AtLeast(1), I::High, "Partitions of __consumer_offsets."),
    key("offsets.retention.minutes", T::Int, D::Number(10080), V::AtLeast(1), I::High, "How long committed offsets of an empty group are kept."),
    key("transaction.state.log.replication.factor", T::Short, D::Number(3), V::AtLeast(1), I::High, "Replication factor of __transaction_state."),
    key("transaction.state.log.min.isr", T::Int, D::Number(2), V::AtLeast(1), I::High, "min.insync.replicas of __transaction_state."),
];

/// A broker's configuration. Numbers keep Kafka's Java types.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrokerConfig {
    /// `broker.id`.
    pub broker_id: i32,
    /// `zookeeper.connect`.
    pub zookeeper_connect: Option<String>,
    /// `zookeeper.session.timeout.ms`.
    pub zookeeper_session_timeout_ms: i32,
    /// `listeners`.
    pub listeners: String,
    /// `advertised.listeners`.
    pub advertised_listeners: Option<String>,
    /// `message.max.bytes`.
    pub message_max_bytes: i32,
    /// `num.partitions`.
    pub num_partitions: i32,
    /// `log.segment.bytes`.
    pub log_segment_bytes: i32,
    /// The effective retention in ms (`log.retention.ms`, else `.minutes`, else `.hours`; negative is -1).
    pub log_retention_ms: i64,
    /// `log.retention.bytes`.
    pub log_retention_bytes: i64,
    /// `log.cleanup.policy`.
    pub log_cleanup_policy: Vec<String>,
    /// `auto.create.topics.enable`.
    pub auto_create_topics_enable: bool,
    /// `min.insync.replicas`.
    pub min_insync_replicas: i32,
    /// `default.replication.factor`.
    pub default_replication_factor: i32,
    /// `replica.lag.time.max.ms`.
    pub replica_lag_time_max_ms: i64,
    /// `replica.socket.timeout.ms`.
    pub replica_socket_timeout_ms: i32,
    /// `replica.fetch.max.bytes`.
    pub replica_fetch_max_bytes: i32,
    /// `replica.fetch.wait.max.ms`.
    pub replica_fetch_wait_max_ms: i32,
    /// `replica.fetch.min.bytes`.
    pub replica_fetch_min_bytes: i32,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: bool,
    /// `delete.topic.enable`.
    pub delete_topic_enable: bool,
    /// `group.min.session.timeout.ms`.
    pub group_min_session_timeout_ms: i32,
    /// `group.max.session.timeout.ms`.
    pub group_max_session_timeout_ms: i32,
    /// `group.initial.rebalance.delay.ms`.
    pub group_initial_rebalance_delay_ms: i32,
    /// `group.max.size`.
    pub group_max_size: i32,
    /// `offsets.topic.replication.factor`.
    pub offsets_topic_replication_factor: i16,
    /// `offsets.topic.num.partitions`.
    pub offsets_topic_num_partitions: i32,
    /// `offsets.retention.minutes`.
    pub offsets_retention_minutes: i32,
    /// `transaction.state.log.replication.factor`.
    pub transaction_state_log_replication_factor: i16,
    /// `transaction.state.log.min.isr`.
    pub transaction_state_log_min_isr: i32,
    /// Everything supplied.
    pub originals: Originals,
    /// Supplied keys the simulator's `KafkaConfig` does not define, with their values, in order.
    pub unknown: Vec<(String, String)>,
}

impl Default for BrokerConfig {
    /// Kafka 3.7's defaults.
    fn default() -> Self {
        let props: [(&str, &str); 0] = [];
        match BrokerConfig::parse(props) {
            Ok(parsed) => parsed.config,
            Err(_) => from_values(&def::ParsedValues::empty(), Originals::default()),
        }
    }
}

impl BrokerConfig {
    /// Parses `server.properties` pairs: `ConfigDef` parsing, then `KafkaConfig.validateValues`' replica checks
    /// (Scala `require`, so `requirement failed: ...`).
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        props: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Parsed<BrokerConfig>, ConfigError> {
        let originals = Originals::from_pairs(props);
        let values = def::parse(BROKER_DEFS, &originals)?;
        let config = from_values(&values, originals);
        let require = |ok: bool, msg: &str| {
            if ok {
                Ok(())
            } else {
                Err(ConfigError::IllegalArgument {
                    message: format!("requirement failed: {msg}"),
                })
            }
        };
        require(
            config.replica_fetch_wait_max_ms <= config.replica_socket_timeout_ms,
            "replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary \
             socket timeouts",
        )?;
        require(
            i64::from(config.replica_fetch_wait_max_ms) <= config.replica_lag_time_max_ms,
            "replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent \
             frequent changes in ISR",
        )?;
        let warnings = config
            .unknown
            .iter()
            .map(|(k, _)| ConfigWarning::UnknownConfig { key: k.clone() })
            .collect();
        Ok(Parsed { config, warnings })
    }

    /// Parses a cp-kafka container's environment (`KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 3`); variables that
    /// are not broker properties (see [`env_to_property`]) are ignored.
    pub fn from_env<K: AsRef<str>, V: AsRef<str>>(
        env: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Parsed<BrokerConfig>, ConfigError> {
        let props: Vec<(String, String)> = env
            .into_iter()
            .filter_map(|(k, v)| env_to_property(k.as_ref()).map(|p| (p, v.as_ref().to_string())))
            .collect();
        Self::parse(props)
    }

    /// The broker's JoinGroup session-timeout check: `INVALID_SESSION_TIMEOUT` unless
    /// `group.min.session.timeout.ms <= ms <= group.max.session.timeout.ms` (both bounds valid).
    pub fn session_timeout_allowed(&self, session_timeout_ms: i32) -> bool {
        session_timeout_ms >= self.group_min_session_timeout_ms
            && session_timeout_ms <= self.group_max_session_timeout_ms
    }

    /// Whether `key` was set explicitly (a static broker config).
    pub fn is_set(&self, key: &str) -> bool {
        self.originals.contains(key)
    }
}

fn from_values(values: &def::ParsedValues, originals: Originals) -> BrokerConfig {
    let retention_ms = match values.get("log.retention.ms").as_i64() {
        Some(ms) => ms,
        None => match values.get("log.retention.minutes").as_i64() {
            Some(min) => min.saturating_mul(60_000),
            None => values.long("log.retention.hours").saturating_mul(3_600_000),
        },
    };
    let unknown = originals.unknown(BROKER_DEFS);
    BrokerConfig {
        broker_id: values.int("broker.id"),
        zookeeper_connect: values.string("zookeeper.connect"),
        zookeeper_session_timeout_ms: values.int("zookeeper.session.timeout.ms"),
        listeners: values.string("listeners").unwrap_or_default(),
        advertised_listeners: values.string("advertised.listeners"),
        message_max_bytes: values.int("message.max.bytes"),
        num_partitions: values.int("num.partitions"),
        log_segment_bytes: values.int("log.segment.bytes"),
        log_retention_ms: if retention_ms < 0 { -1 } else { retention_ms },
        log_retention_bytes: values.long("log.retention.bytes"),
        log_cleanup_policy: values.list("log.cleanup.policy"),
        auto_create_topics_enable: values.bool("auto.create.topics.enable"),
        min_insync_replicas: values.int("min.insync.replicas"),
        default_replication_factor: values.int("default.replication.factor"),
        replica_lag_time_max_ms: values.long("replica.lag.time.max.ms"),
        replica_socket_timeout_ms: values.int("replica.socket.timeout.ms"),
        replica_fetch_max_bytes: values.int("replica.fetch.max.bytes"),
        replica_fetch_wait_max_ms: values.int("replica.fetch.wait.max.ms"),
        replica_fetch_min_bytes: values.int("replica.fetch.min.bytes"),
        unclean_leader_election_enable: values.bool("unclean.leader.election.enable"),
        delete_topic_enable: values.bool("delete.topic.enable"),
        group_min_session_timeout_ms: values.int("group.min.session.timeout.ms"),
        group_max_session_timeout_ms: values.int("group.max.session.timeout.ms"),
        group_initial_rebalance_delay_ms: values.int("group.initial.rebalance.delay.ms"),
        group_max_size: values.int("group.max.size"),
        offsets_topic_replication_factor: i16::try_from(values.long("offsets.topic.replication.factor"))
            .unwrap_or(i16::MAX),
        offsets_topic_num_partitions: values.int("offsets.topic.num.partitions"),
        offsets_retention_minutes: values.int("offsets.retention.minutes"),
        transaction_state_log_replication_factor: i16::try_from(
            values.long("transaction.state.log.replication.factor"),
        )
        .unwrap_or(i16::MAX),
        transaction_state_log_min_isr: values.int("transaction.state.log.min.isr"),
        originals,
        unknown,
    }
}

/// Environment variables of the cp-kafka image that are not broker properties.
const NON_PROPERTY_ENV: &[&str] = &[
    "KAFKA_VERSION",
    "KAFKA_HEAP_OPTS",
    "KAFKA_LOG4J_OPTS",
    "KAFKA_OPTS",
    "KAFKA_JMX_OPTS",
    "KAFKA_JVM_PERFORMANCE_OPTS",
    "KAFKA_GC_LOG_OPTS",
    "KAFKA_LOG4J_ROOT_LOGLEVEL",
    "KAFKA_LOG4J_LOGGERS",
    "KAFKA_TOOLS_LOG4J_LOGLEVEL",
    "KAFKA_JMX_PORT",
    "KAFKA_JMX_HOSTNAME",
];

/// The cp-kafka image's mapping of an environment variable to a broker property: strip `KAFKA_`, lower-case,
/// then `___` → `-`, `__` → `_`, `_` → `.` (`KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS` →
/// `group.initial.rebalance.delay.ms`). `None` for variables that are not properties.
pub fn env_to_property(name: &str) -> Option<String> {
    if NON_PROPERTY_ENV.contains(&name) {
        return None;
    }
    let raw = name.strip_prefix("KAFKA_")?.to_ascii_lowercase();
    if raw.is_empty() {
        return None;
    }
    let dotted = raw.replace('_', ".");
    Some(dotted.replace("...", "-").replace("..", "_"))
}
