//! Scenario files: the TOML format `kafka-sim run` and `kafka-sim check` read.
//!
//! ```toml
//! seed = 42                         # optional, default 42
//! duration = "120s"                 # required; see below for durations
//! [cluster]
//! brokers = 3                       # optional, default 3, at most 16
//! [cluster.config]                  # broker properties, Kafka names (validated as server.properties)
//! "min.insync.replicas" = 2
//! [network]
//! latency = "1ms"                   # optional, default 1ms
//! jitter = "0ms"                    # optional, default 0ms
//! [[topics]]
//! name = "reserve"
//! partitions = 3                    # optional: the broker's num.partitions
//! replication_factor = 3            # optional: the broker's default.replication.factor
//! [topics.config]                   # topic overrides, Kafka names
//! "min.insync.replicas" = 2
//! [[producers]]
//! name = "reservation-service"      # optional, default producer-N
//! topic = "reserve"
//! rate = 1000                       # records per simulated second (a float is fine)
//! keys = "reserve-{n}"              # optional; "none" (the default) is null keys
//! value = '{"reservationId":{n}}'
//! [producers.config]                # producer properties, Kafka names
//! acks = "1"
//! [[consumer_groups]]               # see `group.rs` for every key
//! "group.id" = "data-platform-group"
//! topics = ["reserve"]
//! members = 3                       # or per-member property tables: [{ "group.instance.id" = "c-1" }, {}]
//! processing = "2ms"                # per record; or { dist = "uniform", min = "1ms", max = "5ms" }
//! commit = "manual"                 # auto | manual | before
//! [consumer_groups.config]          # consumer properties, Kafka names
//! "enable.auto.commit" = false
//! [[faults]]
//! at = "20s"
//! action = "crash"                  # crash | restart | isolate | heal | slow | drop
//! broker = "leader:reserve-0"       # an id, "leader:TOPIC-P", "followers:TOPIC-P", "coordinator:GROUP", "all"
//! [[faults]]
//! at = "30s"
//! action = "crash_member"           # crash_member | restart_member | close_member | pause_member | set_processing | add_member
//! member = "data-platform-group/1"  # GROUP/N; add_member (and set_processing for all) take group = "GROUP"
//! ```
//!
//! - **Durations** ([`parse_duration`]): `"250ms"`, `"20s"`, `"2m"`, `"1h"`, `"1.5s"`, `"1m30s"`, `"15us"`, or a
//!   TOML integer of milliseconds.
//! - **Property tables** take any Kafka name; values may be strings, integers, floats or booleans (or arrays,
//!   joined with commas) and are turned into their `.properties` form, then checked by [`crate::config`], so
//!   errors are Kafka's own messages.
//! - **Serializers**: a producer without `key.serializer` / `value.serializer` gets Kafka's `StringSerializer`
//!   for the missing one(s), as if passed to the `KafkaProducer` constructor
//!   ([`ProducerConfig::parse_with_serializers`]); a configured one is kept.
//! - **Faults** ([`FaultSpec`]): `broker` is required for crash, restart and isolate, and means every broker
//!   when absent for heal, slow and drop. `slow` needs `latency`; `drop` needs `ratio` (0 to 1) and takes
//!   `direction` (`"requests"`, `"responses"`, `"both"`, the default). `duration` (slow and drop only) ends the
//!   fault. Selectors are resolved by the simulation when the fault fires (`coordinator:GROUP` through
//!   [`BrokerSelector::resolve_coordinator`]).
//! - **Consumer groups** ([`ConsumerGroupSpec`]): each member's properties go through `ConsumerConfig` and
//!   the `KafkaConsumer` constructor (with `StringDeserializer` defaults), so errors are Kafka's, e.g.
//!   `consumer_groups[0].config: Heartbeat must be set lower than the session timeout` (a
//!   `Failed to construct kafka consumer` construction error). Member faults ([`MemberFault`]): see
//!   `member_fault.rs`; `pause_member` needs `duration` and takes `kind` (`"gc"`, the default: the whole
//!   process freezes, heartbeats too; `"slow_downstream"`: only the poll loop stalls), `set_processing` needs `processing`,
//!   `add_member` takes `group` and an optional `config` table of the new member's own properties.
//! - Unknown keys are errors (outside property tables); limits: [`MAX_SCENARIO_BYTES`] of input,
//!   [`crate::sim::MAX_BROKERS`] brokers, [`MAX_PARTITIONS`] partitions per topic, [`MAX_RATE`] records/s.
//!
//! Adding a section means a raw serde struct in `build`, a typed spec here, and its checks; the rest of
//! the format is unaffected.

mod build;
mod duration;
mod error;
mod fault;
mod group;
mod member_fault;
mod props;
mod template;

pub use build::validate_topic_name;
pub use duration::{format_duration, parse_duration};
pub use error::ScenarioError;
pub use fault::{BrokerSelector, DropDirection, FAULT_ACTIONS, FaultAction, FaultSpec, OFFSETS_TOPIC};
pub use group::{
    CommitMode, ConsumerGroupSpec, MAX_CONSUMER_GROUPS, MAX_GROUP_MEMBERS, MemberSpec, ProcessingTime,
};
pub use member_fault::{MemberAddr, MemberFault, MemberTarget, PauseKind};
pub use template::{KeyTemplate, Template, TemplatePart};

use crate::cluster::ReplicationSettings;
use crate::config::{BrokerConfig, ConfigScope, ConfigWarning, LogLevel, ProducerConfig, TopicConfig};
use crate::sim::{SimSpec, TopicSetup};
use crate::time::SimTime;
use serde::Serialize;
use std::fmt;

/// The largest scenario text accepted, in bytes (1 MiB).
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// The most partitions one topic may have in the simulator.
pub const MAX_PARTITIONS: u32 = 1_000;

/// The highest producer rate, in records per simulated second (one per microsecond).
pub const MAX_RATE: f64 = 1_000_000.0;

/// A checked scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// The seed every random draw derives from.
    pub seed: u64,
    /// How long the scenario runs, in simulated time.
    pub duration: SimTime,
    /// The brokers and their configuration.
    pub cluster: ClusterSpec,
    /// Link latency and jitter.
    pub network: NetworkSpec,
    /// Topics created at the start, in file order.
    pub topics: Vec<TopicSpec>,
    /// Producers, in file order.
    pub producers: Vec<ProducerSpec>,
    /// Consumer groups, in file order (a member's `group` index in delivery facts is its place here).
    pub consumer_groups: Vec<ConsumerGroupSpec>,
    /// Scheduled faults, in file order (not sorted by time).
    pub faults: Vec<FaultSpec>,
    /// The log lines Kafka prints for the configurations (unknown keys, idempotence disabled, ...).
    pub warnings: Vec<ScenarioWarning>,
}

/// `[cluster]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterSpec {
    /// Number of brokers, ids `1..=brokers`.
    pub brokers: u32,
    /// `[cluster.config]` as `.properties` pairs, in file order.
    pub properties: Vec<(String, String)>,
    /// The parsed broker configuration every broker uses.
    pub config: BrokerConfig,
}

/// `[network]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NetworkSpec {
    /// One-way latency of every link.
    pub latency: SimTime,
    /// Uniform jitter added to each message's latency.
    pub jitter: SimTime,
}

/// One `[[topics]]` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopicSpec {
    /// The topic name (valid by Kafka's rules).
    pub name: String,
    /// Partition count, at least 1.
    pub partitions: u32,
    /// Replication factor, `1..=brokers`.
    pub replication_factor: u32,
    /// `[topics.config]` overrides as `.properties` pairs, in file order.
    pub overrides: Vec<(String, String)>,
    /// The resolved topic configuration (overrides over the broker's defaults).
    pub config: TopicConfig,
}

/// One `[[producers]]` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProducerSpec {
    /// The producer's name (unique in the scenario).
    pub name: String,
    /// The topic it writes to (one of the scenario's topics).
    pub topic: String,
    /// Records per simulated second, `0 < rate <= MAX_RATE`.
    pub rate: f64,
    /// The records' keys.
    pub keys: KeyTemplate,
    /// The records' values.
    pub value: Template,
    /// `[producers.config]` as `.properties` pairs, in file order (without the defaulted serializers).
    pub properties: Vec<(String, String)>,
    /// The parsed producer configuration.
    pub config: ProducerConfig,
}

impl ProducerSpec {
    /// The time between two records, `1 / rate` rounded to the microsecond (at least 1 µs).
    pub fn interval(&self) -> SimTime {
        let us = (1e6 / self.rate).round();
        SimTime::from_micros(if us.is_finite() && us >= 1.0 { us as u64 } else { 1 })
    }
}

/// A log line Kafka prints for one of the scenario's configurations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioWarning {
    /// The property table, e.g. `producers[0].config`.
    pub path: String,
    /// Whose configuration.
    pub scope: ConfigScope,
    /// The line.
    pub warning: ConfigWarning,
}

impl ScenarioWarning {
    /// Kafka's log level for the line.
    pub fn level(&self) -> LogLevel {
        self.warning.level()
    }
}

impl fmt::Display for ScenarioWarning {
    /// `LEVEL path: message`, e.g. `INFO producers[0].config: Idempotence will be disabled because acks is
    /// set to 1, not set to 'all'.`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level() {
            LogLevel::Info => "INFO",
            LogLevel::Warn => "WARN",
        };
        write!(f, "{level} {}: {}", self.path, self.warning)
    }
}

impl Scenario {
    /// Parses and checks a scenario. Never panics; every refusal is a [`ScenarioError`].
    pub fn from_toml_str(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::TooLarge {
                size: text.len(),
                limit: MAX_SCENARIO_BYTES,
            });
        }
        let raw: build::RawScenario =
            crate::tomlish::from_str(text).map_err(|e| ScenarioError::from_toml(text, &e))?;
        raw.build()
    }

    /// The spec to build the [`crate::Simulation`] from: seed, broker count, latency and jitter.
    pub fn sim_spec(&self) -> SimSpec {
        SimSpec {
            seed: self.seed,
            brokers: self.cluster.brokers,
            latency: self.network.latency,
            jitter: self.network.jitter,
            replication: ReplicationSettings::from_broker_config(&self.cluster.config),
            group: crate::group::coordinator::GroupSettings::from_broker_config(&self.cluster.config),
            topics: self
                .topics
                .iter()
                .map(|t| TopicSetup {
                    name: t.name.clone(),
                    partitions: t.partitions,
                    replication_factor: t.replication_factor,
                    min_insync_replicas: Some(t.config.min_insync_replicas),
                    unclean_leader_election_enable: Some(t.config.unclean_leader_election_enable),
                })
                .collect(),
            producers: crate::sim::scenario_producers(self),
            groups: crate::sim::scenario_groups(&self.consumer_groups),
        }
    }

    /// The consumer group with id `group_id`.
    pub fn consumer_group(&self, group_id: &str) -> Option<&ConsumerGroupSpec> {
        self.consumer_groups.iter().find(|g| g.group_id == group_id)
    }

    /// The topic named `name`.
    pub fn topic(&self, name: &str) -> Option<&TopicSpec> {
        self.topics.iter().find(|t| t.name == name)
    }

    /// A one-line summary, e.g. `3 brokers, 1 topic (reserve: 3 partitions, RF 3), 1 producer, 2 faults,
    /// 120s`; with groups, after the producers: `1 consumer group (data-platform-group: 3 members on
    /// reserve, commit manual)`.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let topics: Vec<String> = self
            .topics
            .iter()
            .map(|t| {
                let p = plural(t.partitions as usize, "partition");
                format!("{}: {p}, RF {}", t.name, t.replication_factor)
            })
            .collect();
        let topic_part = if topics.is_empty() {
            plural(0, "topic")
        } else {
            format!("{} ({})", plural(topics.len(), "topic"), topics.join("; "))
        };
        let groups: Vec<String> = (self.consumer_groups.iter())
            .map(|g| {
                let members = plural(g.members.len(), "member");
                format!(
                    "{}: {members} on {}, commit {}",
                    g.group_id,
                    g.topics.join(", "),
                    g.commit.name()
                )
            })
            .collect();
        let group_part = if groups.is_empty() {
            String::new()
        } else {
            let n = plural(groups.len(), "consumer group");
            format!(", {n} ({})", groups.join("; "))
        };
        format!(
            "{}, {topic_part}, {}{group_part}, {}, {}",
            plural(self.cluster.brokers as usize, "broker"),
            plural(self.producers.len(), "producer"),
            plural(self.faults.len(), "fault"),
            format_duration(self.duration)
        )
    }
}
