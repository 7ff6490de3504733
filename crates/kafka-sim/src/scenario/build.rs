//! The file as written (serde, unknown keys refused) and its checks into the typed [`Scenario`].

use super::duration::RawDuration;
use super::fault::{FaultContext, RawFault};
use super::group::{MAX_CONSUMER_GROUPS, RawConsumerGroup, build_group};
use super::member_fault::AddedMembers;
use super::props::Props;
use super::template::{KeyTemplate, Template};
use super::{
    ClusterSpec, MAX_PARTITIONS, MAX_RATE, NetworkSpec, ProducerSpec, Scenario, ScenarioError,
    ScenarioWarning, TopicSpec,
};
use crate::config::{BrokerConfig, ConfigScope, ProducerConfig, SerdeKind, TopicConfig};
use crate::sim::{MAX_BROKERS, SimSpec};
use crate::time::SimTime;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    seed: Option<u64>,
    duration: Option<RawDuration>,
    #[serde(default)]
    cluster: RawCluster,
    #[serde(default)]
    network: RawNetwork,
    #[serde(default)]
    topics: Vec<RawTopic>,
    #[serde(default)]
    producers: Vec<RawProducer>,
    #[serde(default)]
    consumer_groups: Vec<RawConsumerGroup>,
    #[serde(default)]
    faults: Vec<RawFault>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCluster {
    brokers: Option<i64>,
    #[serde(default)]
    config: Props,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    latency: Option<RawDuration>,
    jitter: Option<RawDuration>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    name: String,
    partitions: Option<i64>,
    replication_factor: Option<i64>,
    #[serde(default)]
    config: Props,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProducer {
    name: Option<String>,
    topic: String,
    rate: f64,
    keys: Option<String>,
    value: String,
    #[serde(default)]
    config: Props,
}

/// Kafka's `Topic.validate` reason, without the `Topic name is invalid: ` prefix.
fn invalid_topic_reason(name: &str) -> Option<String> {
    if name.is_empty() {
        Some("the empty string is not allowed".to_owned())
    } else if name == "." {
        Some("'.' is not allowed".to_owned())
    } else if name == ".." {
        Some("'..' is not allowed".to_owned())
    } else if name.chars().count() > 249 {
        Some(format!(
            "the length of '{name}' is longer than the max allowed length 249"
        ))
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        Some(format!(
            "'{name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        ))
    } else {
        None
    }
}

/// Kafka's check of a topic name, e.g. `Topic name is invalid: 'a b' contains one or more characters
/// other than ASCII alphanumerics, '.', '_' and '-'`.
pub fn validate_topic_name(name: &str) -> Result<(), String> {
    match invalid_topic_reason(name) {
        Some(reason) => Err(format!("Topic name is invalid: {reason}")),
        None => Ok(()),
    }
}

fn duration_or(raw: Option<&RawDuration>, path: &str, default: SimTime) -> Result<SimTime, ScenarioError> {
    match raw {
        Some(d) => d.resolve().map_err(|m| ScenarioError::invalid(path, m)),
        None => Ok(default),
    }
}

fn warn(
    warnings: &mut Vec<ScenarioWarning>,
    path: &str,
    scope: ConfigScope,
    parsed: &[crate::config::ConfigWarning],
) {
    warnings.extend(parsed.iter().map(|w| ScenarioWarning {
        path: path.to_owned(),
        scope,
        warning: w.clone(),
    }));
}

impl RawScenario {
    pub(crate) fn build(self) -> Result<Scenario, ScenarioError> {
        let defaults = SimSpec::default();
        let mut warnings = Vec::new();
        let seed = self.seed.unwrap_or(defaults.seed);
        let Some(raw_duration) = &self.duration else {
            return Err(ScenarioError::invalid(
                "duration",
                "required: how long the scenario runs, e.g. duration = \"120s\"",
            ));
        };
        let duration = duration_or(Some(raw_duration), "duration", SimTime::ZERO)?;
        if duration == SimTime::ZERO {
            return Err(ScenarioError::invalid("duration", "must be greater than 0"));
        }

        let brokers = self.cluster.brokers.unwrap_or(i64::from(defaults.brokers));
        let brokers = match u32::try_from(brokers) {
            Ok(b) if (1..=MAX_BROKERS).contains(&b) => b,
            _ => {
                return Err(ScenarioError::invalid(
                    "cluster.brokers",
                    format!("must be between 1 and {MAX_BROKERS}, got {brokers}"),
                ));
            }
        };
        let cluster_props = self.cluster.config.0;
        if cluster_props.iter().any(|(k, _)| k == "broker.id") {
            return Err(ScenarioError::invalid(
                "cluster.config",
                format!("broker.id cannot be set here: the simulation numbers the brokers 1 to {brokers}"),
            ));
        }
        let broker_config =
            BrokerConfig::parse(cluster_props.iter().map(|(k, v)| (k, v))).map_err(|error| {
                ScenarioError::Config {
                    path: "cluster.config".to_owned(),
                    error,
                }
            })?;
        warn(
            &mut warnings,
            "cluster.config",
            ConfigScope::Broker,
            &broker_config.warnings,
        );
        let broker_config = broker_config.config;

        let network = NetworkSpec {
            latency: duration_or(self.network.latency.as_ref(), "network.latency", defaults.latency)?,
            jitter: duration_or(self.network.jitter.as_ref(), "network.jitter", defaults.jitter)?,
        };

        let mut topics: Vec<TopicSpec> = Vec::new();
        for (i, raw) in self.topics.into_iter().enumerate() {
            let topic = build_topic(raw, &format!("topics[{i}]"), brokers, &broker_config, &topics)?;
            topics.push(topic);
        }

        let mut producers: Vec<ProducerSpec> = Vec::new();
        for (i, raw) in self.producers.into_iter().enumerate() {
            let path = format!("producers[{i}]");
            let producer = build_producer(raw, &path, i, &topics, &producers, &mut warnings)?;
            producers.push(producer);
        }

        if self.consumer_groups.len() > MAX_CONSUMER_GROUPS {
            return Err(ScenarioError::invalid(
                "consumer_groups",
                format!(
                    "at most {MAX_CONSUMER_GROUPS} consumer groups, got {}",
                    self.consumer_groups.len()
                ),
            ));
        }
        let mut groups = Vec::new();
        for (i, raw) in self.consumer_groups.into_iter().enumerate() {
            let path = format!("consumer_groups[{i}]");
            let group = build_group(raw, &path, &topics, &groups, duration, &mut warnings)?;
            groups.push(group);
        }

        let added = AddedMembers::new(&self.faults, &groups);
        let cx = FaultContext {
            brokers,
            topics: &topics,
            groups: &groups,
            added: &added,
            end: duration,
        };
        let mut faults = Vec::new();
        for (i, raw) in self.faults.iter().enumerate() {
            faults.push(raw.build(&format!("faults[{i}]"), i, &cx, &mut warnings)?);
        }

        Ok(Scenario {
            seed,
            duration,
            cluster: ClusterSpec {
                brokers,
                properties: cluster_props,
                config: broker_config,
            },
            network,
            topics,
            producers,
            consumer_groups: groups,
            faults,
            warnings,
        })
    }
}

fn build_topic(
    raw: RawTopic,
    path: &str,
    brokers: u32,
    broker_config: &BrokerConfig,
    earlier: &[TopicSpec],
) -> Result<TopicSpec, ScenarioError> {
    let name_path = format!("{path}.name");
    validate_topic_name(&raw.name).map_err(|m| ScenarioError::invalid(&name_path, m))?;
    if earlier.iter().any(|t| t.name == raw.name) {
        return Err(ScenarioError::invalid(
            &name_path,
            format!("Topic '{}' already exists.", raw.name),
        ));
    }
    let unify = |n: &str| n.replace('.', "_");
    let colliding: Vec<&str> = earlier
        .iter()
        .filter(|t| unify(&t.name) == unify(&raw.name))
        .map(|t| t.name.as_str())
        .collect();
    if !colliding.is_empty() {
        return Err(ScenarioError::invalid(
            &name_path,
            format!(
                "Topic '{}' collides with existing topics: {}",
                raw.name,
                colliding.join(", ")
            ),
        ));
    }
    let partitions = raw.partitions.unwrap_or(i64::from(broker_config.num_partitions));
    if partitions <= 0 {
        return Err(ScenarioError::invalid(
            format!("{path}.partitions"),
            "Number of partitions must be larger than 0.",
        ));
    }
    let partitions = match u32::try_from(partitions) {
        Ok(p) if p <= MAX_PARTITIONS => p,
        _ => {
            return Err(ScenarioError::invalid(
                format!("{path}.partitions"),
                format!(
                    "the simulator supports at most {MAX_PARTITIONS} partitions per topic, got {partitions}"
                ),
            ));
        }
    };
    let rf = raw
        .replication_factor
        .unwrap_or(i64::from(broker_config.default_replication_factor));
    let rf_path = format!("{path}.replication_factor");
    if rf <= 0 {
        return Err(ScenarioError::invalid(
            rf_path,
            "Replication factor must be larger than 0.",
        ));
    }
    if rf > i64::from(brokers) {
        return Err(ScenarioError::invalid(
            rf_path,
            format!("Replication factor: {rf} larger than available brokers: {brokers}."),
        ));
    }
    let replication_factor = u32::try_from(rf).unwrap_or(brokers);
    let overrides = raw.config.0;
    let config =
        TopicConfig::resolve(broker_config, overrides.iter().map(|(k, v)| (k, v))).map_err(|error| {
            ScenarioError::Config {
                path: format!("{path}.config"),
                error,
            }
        })?;
    Ok(TopicSpec {
        name: raw.name,
        partitions,
        replication_factor,
        overrides,
        config,
    })
}

fn build_producer(
    raw: RawProducer,
    path: &str,
    index: usize,
    topics: &[TopicSpec],
    earlier: &[ProducerSpec],
    warnings: &mut Vec<ScenarioWarning>,
) -> Result<ProducerSpec, ScenarioError> {
    let name = raw.name.unwrap_or_else(|| format!("producer-{}", index + 1));
    if name.is_empty() {
        return Err(ScenarioError::invalid(
            format!("{path}.name"),
            "must not be empty",
        ));
    }
    if earlier.iter().any(|p| p.name == name) {
        return Err(ScenarioError::invalid(
            format!("{path}.name"),
            format!("duplicate producer name '{name}'"),
        ));
    }
    if !topics.iter().any(|t| t.name == raw.topic) {
        let known: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
        let listed = if known.is_empty() {
            "the scenario has no [[topics]]".to_owned()
        } else {
            format!("the scenario's topics are {}", known.join(", "))
        };
        return Err(ScenarioError::invalid(
            format!("{path}.topic"),
            format!("unknown topic '{}': {listed}", raw.topic),
        ));
    }
    if !(raw.rate.is_finite() && raw.rate > 0.0 && raw.rate <= MAX_RATE) {
        return Err(ScenarioError::invalid(
            format!("{path}.rate"),
            format!(
                "must be greater than 0 and at most {MAX_RATE} records per second, got {}",
                raw.rate
            ),
        ));
    }
    let keys = KeyTemplate::parse(raw.keys.as_deref().unwrap_or("none"))
        .map_err(|m| ScenarioError::invalid(format!("{path}.keys"), m))?;
    let value =
        Template::parse(&raw.value).map_err(|m| ScenarioError::invalid(format!("{path}.value"), m))?;
    let props = raw.config.0;
    let default_for = |key: &str| (!props.iter().any(|(k, _)| k == key)).then_some(SerdeKind::String);
    let parsed = ProducerConfig::parse_with_serializers(
        props.iter().map(|(k, v)| (k, v)),
        default_for("key.serializer"),
        default_for("value.serializer"),
    )
    .map_err(|error| ScenarioError::Config {
        path: format!("{path}.config"),
        error,
    })?;
    warn(
        warnings,
        &format!("{path}.config"),
        ConfigScope::Producer,
        &parsed.warnings,
    );
    Ok(ProducerSpec {
        name,
        topic: raw.topic,
        rate: raw.rate,
        keys,
        value,
        properties: props,
        config: parsed.config,
    })
}
