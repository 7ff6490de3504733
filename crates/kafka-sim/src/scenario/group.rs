//! `[[consumer_groups]]`: consumer groups, their members, processing times and commit modes.
//!
//! ```toml
//! [[consumer_groups]]
//! "group.id" = "data-platform-group"
//! topics = ["reserve"]
//! members = 3                        # or per-member property tables: [{ "group.instance.id" = "c-1" }, {}]
//! processing = "2ms"                 # per record; or { dist = "uniform", min = "1ms", max = "5ms" }
//!                                    # or { dist = "exponential", mean = "2ms" }; default "0ms"
//! commit = "manual"                  # "auto" | "manual" | "before"
//! start = "0s"                       # when the members start; default 0s
//! [consumer_groups.config]           # consumer properties, Kafka names
//! "enable.auto.commit" = false
//! ```
//!
//! - **group.id**: the table's `"group.id"` names the group. It may instead (or also) be given in
//!   `config`; given in both, the two must be equal. Group ids are unique in a scenario and non-empty.
//! - **Members' configurations**: `config`, then the member's own table over it (same key: the member's
//!   value wins). Each member's properties are checked by `ConsumerConfig` and the `KafkaConsumer`
//!   constructor, with Kafka's `StringDeserializer` for a missing `key.deserializer` /
//!   `value.deserializer` (as producers default their serializers). A member may not change `group.id`.
//!   Members may share a `group.instance.id` (a static member replacing another is fenced at run time, as in
//!   Kafka).
//! - **commit**: `auto` is `enable.auto.commit=true`; `manual` commits synchronously after processing each
//!   poll's records (Spring's `AckMode.MANUAL` with `commitSync`); `before` commits a poll's offsets before
//!   processing them (at-most-once). Default: `auto` when `config` leaves `enable.auto.commit` true (Kafka's
//!   default), else `manual`. With `manual` or `before` and no `enable.auto.commit` in `config`, it is set
//!   to `false`, as Spring Kafka's container does; an explicit contradiction is an error.
//! - `group.protocol=consumer` is refused: KIP-848 needs KRaft, and this cluster runs in ZooKeeper mode.

use super::duration::RawDuration;
use super::props::Props;
use super::{ScenarioError, ScenarioWarning, TopicSpec};
use crate::config::{ConfigError, ConfigScope, ConsumerConfig, GroupProtocol, Parsed, SerdeKind};
use crate::time::SimTime;
use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The most consumer groups in one scenario.
pub const MAX_CONSUMER_GROUPS: usize = 100;

/// The most members one group may have, counting those `add_member` faults add.
pub const MAX_GROUP_MEMBERS: u32 = 1_000;

/// How long a member takes to process one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ProcessingTime {
    /// Always the same (`processing = "2ms"`).
    Fixed(SimTime),
    /// Uniform between `min` and `max`, inclusive (`{ dist = "uniform", min = "1ms", max = "5ms" }`).
    Uniform {
        /// The shortest time.
        min: SimTime,
        /// The longest time.
        max: SimTime,
    },
    /// Exponentially distributed with this mean (`{ dist = "exponential", mean = "2ms" }`).
    Exponential {
        /// The mean time.
        mean: SimTime,
    },
}

impl fmt::Display for ProcessingTime {
    /// As written in a scenario file, e.g. `2ms` or `uniform 1ms..5ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::format_duration as d;
        match self {
            ProcessingTime::Fixed(t) => f.write_str(&d(*t)),
            ProcessingTime::Uniform { min, max } => write!(f, "uniform {}..{}", d(*min), d(*max)),
            ProcessingTime::Exponential { mean } => write!(f, "exponential mean {}", d(*mean)),
        }
    }
}

/// When a member commits the offsets it consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CommitMode {
    /// `enable.auto.commit=true`: the consumer commits every `auto.commit.interval.ms` (in `poll`).
    Auto,
    /// `commitSync` after processing a poll's records (Spring `AckMode.MANUAL`): at-least-once.
    Manual,
    /// `commitSync` of a poll's offsets before processing them: at-most-once.
    Before,
}

impl CommitMode {
    /// Parses `"auto"`, `"manual"` or `"before"`.
    pub fn parse(text: &str) -> Result<CommitMode, String> {
        match text {
            "auto" => Ok(CommitMode::Auto),
            "manual" => Ok(CommitMode::Manual),
            "before" => Ok(CommitMode::Before),
            other => Err(format!(
                "unknown commit mode {other:?}: expected \"auto\" (enable.auto.commit), \"manual\" (commit \
                 after processing) or \"before\" (commit before processing)"
            )),
        }
    }

    /// The name in a scenario file.
    pub fn name(self) -> &'static str {
        match self {
            CommitMode::Auto => "auto",
            CommitMode::Manual => "manual",
            CommitMode::Before => "before",
        }
    }
}

/// One member of a group as the scenario starts it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberSpec {
    /// The member's number in the group, from 1 (faults address it as `GROUP/number`).
    pub number: u16,
    /// The member's own properties (over the group's `config`), in file order.
    pub overrides: Vec<(String, String)>,
    /// The member's effective, checked configuration.
    pub config: ConsumerConfig,
}

/// One `[[consumer_groups]]` entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConsumerGroupSpec {
    /// The group id (unique in the scenario, non-empty).
    pub group_id: String,
    /// The topics the members subscribe to (each one of the scenario's topics), in file order.
    pub topics: Vec<String>,
    /// The members started at `start`, numbered from 1.
    pub members: Vec<MemberSpec>,
    /// Processing time per record.
    pub processing: ProcessingTime,
    /// When members commit.
    pub commit: CommitMode,
    /// When the members start.
    pub start: SimTime,
    /// `[consumer_groups.config]` as `.properties` pairs, in file order (without defaulted keys).
    pub properties: Vec<(String, String)>,
    /// The group-level configuration (the `config` table with the defaulted keys, no member overrides).
    pub config: ConsumerConfig,
}

impl ConsumerGroupSpec {
    /// The properties every member starts from: `config`, plus `group.id` and (for `manual` and `before`)
    /// `enable.auto.commit=false` when `config` does not set them.
    pub fn base_properties(&self) -> Vec<(String, String)> {
        base_properties(&self.properties, &self.group_id, self.commit)
    }

    /// The effective properties of a member with `overrides` (same key: the override wins).
    pub fn member_properties(&self, overrides: &[(String, String)]) -> Vec<(String, String)> {
        overlay(self.base_properties(), overrides)
    }
}

fn base_properties(props: &[(String, String)], group_id: &str, commit: CommitMode) -> Vec<(String, String)> {
    let mut base = props.to_vec();
    let has = |k: &str| props.iter().any(|(key, _)| key == k);
    if !has("group.id") {
        base.push(("group.id".to_owned(), group_id.to_owned()));
    }
    if commit != CommitMode::Auto && !has("enable.auto.commit") {
        base.push(("enable.auto.commit".to_owned(), "false".to_owned()));
    }
    base
}

fn overlay(mut base: Vec<(String, String)>, overrides: &[(String, String)]) -> Vec<(String, String)> {
    for (k, v) in overrides {
        match base.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v.clone(),
            None => base.push((k.clone(), v.clone())),
        }
    }
    base
}

/// `ConsumerConfig` with Kafka's `StringDeserializer` for a missing key or value deserializer.
fn parse_consumer(props: &[(String, String)]) -> Result<Parsed<ConsumerConfig>, ConfigError> {
    let default_for = |key: &str| (!props.iter().any(|(k, _)| k == key)).then_some(SerdeKind::String);
    ConsumerConfig::parse_with_deserializers(
        props.iter().map(|(k, v)| (k, v)),
        default_for("key.deserializer"),
        default_for("value.deserializer"),
    )
}

/// A `processing` value as written: a duration or a distribution table.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawProcessing {
    Fixed(RawDuration),
    Dist(RawDist),
}

#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDist {
    dist: String,
    min: Option<RawDuration>,
    max: Option<RawDuration>,
    mean: Option<RawDuration>,
}

impl<'de> Deserialize<'de> for RawProcessing {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawProcessing;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a duration such as \"2ms\", { dist = \"uniform\", min = \"1ms\", max = \"5ms\" } or \
                     { dist = \"exponential\", mean = \"2ms\" }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawProcessing, E> {
                Ok(RawProcessing::Fixed(RawDuration::Text(v.to_owned())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawProcessing, E> {
                Ok(RawProcessing::Fixed(RawDuration::Millis(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawProcessing, E> {
                Ok(RawProcessing::Fixed(RawDuration::Millis(
                    i64::try_from(v).unwrap_or(i64::MAX),
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawProcessing, E> {
                Ok(RawProcessing::Fixed(RawDuration::Float(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawProcessing, A::Error> {
                RawDist::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawProcessing::Dist)
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl RawProcessing {
    /// Checks the value; `Err` is `(key path suffix, message)`, e.g. `(".max", "...")`.
    pub(crate) fn resolve(&self) -> Result<ProcessingTime, (&'static str, String)> {
        let dist = match self {
            RawProcessing::Fixed(d) => return d.resolve().map(ProcessingTime::Fixed).map_err(|m| ("", m)),
            RawProcessing::Dist(dist) => dist,
        };
        let need = |key: &'static str, v: &Option<RawDuration>| -> Result<SimTime, (&'static str, String)> {
            let suffix = match key {
                "min" => ".min",
                "max" => ".max",
                _ => ".mean",
            };
            match v {
                Some(d) => d.resolve().map_err(|m| (suffix, m)),
                None => Err((suffix, format!("required for dist = {:?}", dist.dist))),
            }
        };
        let refuse = |key: &'static str, present: bool, suffix: &'static str| {
            if present {
                Err((suffix, format!("dist = {:?} takes no {key}", dist.dist)))
            } else {
                Ok(())
            }
        };
        match dist.dist.as_str() {
            "uniform" => {
                refuse("mean", dist.mean.is_some(), ".mean")?;
                let (min, max) = (need("min", &dist.min)?, need("max", &dist.max)?);
                if min > max {
                    return Err((
                        ".max",
                        format!(
                            "{} is less than min {}",
                            super::format_duration(max),
                            super::format_duration(min)
                        ),
                    ));
                }
                Ok(ProcessingTime::Uniform { min, max })
            }
            "exponential" => {
                refuse("min", dist.min.is_some(), ".min")?;
                refuse("max", dist.max.is_some(), ".max")?;
                let mean = need("mean", &dist.mean)?;
                if mean == SimTime::ZERO {
                    return Err((".mean", "must be greater than 0".to_owned()));
                }
                Ok(ProcessingTime::Exponential { mean })
            }
            other => Err((
                ".dist",
                format!("unknown distribution {other:?}: expected \"uniform\" or \"exponential\""),
            )),
        }
    }
}

/// `members` as written: a count or a list of per-member property tables.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawMembers {
    Count(i64),
    List(Vec<Props>),
}

impl<'de> Deserialize<'de> for RawMembers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawMembers;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of members, or a list of per-member property tables")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawMembers, E> {
                Ok(RawMembers::Count(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawMembers, E> {
                Ok(RawMembers::Count(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawMembers, A::Error> {
                let mut out = Vec::new();
                while let Some(p) = seq.next_element::<Props>()? {
                    out.push(p);
                }
                Ok(RawMembers::List(out))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A `[[consumer_groups]]` entry as written.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConsumerGroup {
    #[serde(rename = "group.id")]
    group_id: Option<String>,
    topics: Vec<String>,
    members: Option<RawMembers>,
    processing: Option<RawProcessing>,
    commit: Option<String>,
    start: Option<RawDuration>,
    #[serde(default)]
    config: Props,
}

fn config_err(path: String) -> impl Fn(ConfigError) -> ScenarioError {
    move |error| ScenarioError::Config {
        path: path.clone(),
        error,
    }
}

/// Whether the member's effective configuration agrees with the group's commit mode.
fn check_commit(commit: CommitMode, config: &ConsumerConfig) -> Result<(), String> {
    match (commit, config.enable_auto_commit) {
        (CommitMode::Auto, false) => {
            Err("commit = \"auto\" needs enable.auto.commit = true, but it is false".to_owned())
        }
        (CommitMode::Manual | CommitMode::Before, true) => Err(format!(
            "commit = \"{}\" needs enable.auto.commit = false, but it is true",
            commit.name()
        )),
        _ => Ok(()),
    }
}

fn check_protocol(config: &ConsumerConfig) -> Result<(), String> {
    if config.group_protocol == GroupProtocol::Consumer {
        Err(
            "group.protocol=consumer (KIP-848) needs a KRaft cluster with the new group coordinator; this \
             ZooKeeper-mode cluster supports only \"classic\""
                .to_owned(),
        )
    } else {
        Ok(())
    }
}

impl ConsumerGroupSpec {
    /// Checks a member's `overrides` against the group; `path` names them in errors (e.g.
    /// `consumer_groups[0].members[1]`). New log lines (not already logged for `config`) go to `warnings`.
    pub(crate) fn member_config(
        &self,
        overrides: &[(String, String)],
        path: &str,
        warnings: &mut Vec<ScenarioWarning>,
    ) -> Result<ConsumerConfig, ScenarioError> {
        if let Some((_, id)) = overrides.iter().find(|(k, _)| k == "group.id")
            && id != &self.group_id
        {
            return Err(ScenarioError::invalid(
                path,
                format!(
                    "group.id '{id}' differs from the group's '{}': a member with another group.id is in \
                     another group; declare another [[consumer_groups]]",
                    self.group_id
                ),
            ));
        }
        let parsed =
            parse_consumer(&self.member_properties(overrides)).map_err(config_err(path.to_owned()))?;
        check_protocol(&parsed.config).map_err(|m| ScenarioError::invalid(path, m))?;
        check_commit(self.commit, &parsed.config).map_err(|m| ScenarioError::invalid(path, m))?;
        let group_level = parse_consumer(&self.base_properties())
            .map(|p| p.warnings)
            .unwrap_or_default();
        for w in parsed.warnings {
            if !group_level.contains(&w) {
                warnings.push(ScenarioWarning {
                    path: path.to_owned(),
                    scope: ConfigScope::Consumer,
                    warning: w,
                });
            }
        }
        Ok(parsed.config)
    }
}

/// Checks `[[consumer_groups]]` entry `raw` at `path` (e.g. `consumer_groups[0]`).
pub(crate) fn build_group(
    raw: RawConsumerGroup,
    path: &str,
    topics: &[TopicSpec],
    earlier: &[ConsumerGroupSpec],
    end: SimTime,
    warnings: &mut Vec<ScenarioWarning>,
) -> Result<ConsumerGroupSpec, ScenarioError> {
    let at = |key: &str| format!("{path}.{key}");
    let props = raw.config.0;
    let in_config = props
        .iter()
        .find(|(k, _)| k == "group.id")
        .map(|(_, v)| v.clone());
    let group_id = match (raw.group_id, in_config) {
        (Some(table), Some(config)) if table != config => {
            return Err(ScenarioError::invalid(
                at("config"),
                format!("group.id '{config}' differs from the table's \"group.id\" '{table}'; set it once"),
            ));
        }
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => {
            return Err(ScenarioError::invalid(
                at("\"group.id\""),
                "required: the group's id, e.g. \"group.id\" = \"data-platform-group\"",
            ));
        }
    };
    if group_id.is_empty() {
        return Err(ScenarioError::invalid(
            at("\"group.id\""),
            "must not be empty: the coordinator refuses an empty group id (INVALID_GROUP_ID)",
        ));
    }
    if earlier.iter().any(|g| g.group_id == group_id) {
        return Err(ScenarioError::invalid(
            at("\"group.id\""),
            format!("duplicate consumer group '{group_id}'"),
        ));
    }
    if raw.topics.is_empty() {
        return Err(ScenarioError::invalid(
            at("topics"),
            "must name at least one topic",
        ));
    }
    for (i, topic) in raw.topics.iter().enumerate() {
        if !topics.iter().any(|t| &t.name == topic) {
            let known: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
            let listed = if known.is_empty() {
                "the scenario has no [[topics]]".to_owned()
            } else {
                format!("the scenario's topics are {}", known.join(", "))
            };
            return Err(ScenarioError::invalid(
                format!("{path}.topics[{i}]"),
                format!("unknown topic '{topic}': {listed}"),
            ));
        }
        if raw.topics[..i].contains(topic) {
            return Err(ScenarioError::invalid(
                format!("{path}.topics[{i}]"),
                format!("duplicate topic '{topic}'"),
            ));
        }
    }
    let member_tables: Vec<Vec<(String, String)>> = match raw.members.unwrap_or(RawMembers::Count(1)) {
        RawMembers::Count(n) => match u32::try_from(n) {
            Ok(n) if (1..=MAX_GROUP_MEMBERS).contains(&n) => vec![Vec::new(); n as usize],
            _ => {
                return Err(ScenarioError::invalid(
                    at("members"),
                    format!("must be between 1 and {MAX_GROUP_MEMBERS}, got {n}"),
                ));
            }
        },
        RawMembers::List(list) => {
            if list.is_empty() || list.len() > MAX_GROUP_MEMBERS as usize {
                return Err(ScenarioError::invalid(
                    at("members"),
                    format!(
                        "must list between 1 and {MAX_GROUP_MEMBERS} members, got {}",
                        list.len()
                    ),
                ));
            }
            list.into_iter().map(|p| p.0).collect()
        }
    };
    let processing = match &raw.processing {
        Some(p) => p
            .resolve()
            .map_err(|(suffix, m)| ScenarioError::invalid(format!("{path}.processing{suffix}"), m))?,
        None => ProcessingTime::Fixed(SimTime::ZERO),
    };
    let start = match &raw.start {
        Some(d) => d.resolve().map_err(|m| ScenarioError::invalid(at("start"), m))?,
        None => SimTime::ZERO,
    };
    if start > end {
        return Err(ScenarioError::invalid(
            at("start"),
            format!(
                "{} is after the end of the scenario (duration {}); the members would never start",
                super::format_duration(start),
                super::format_duration(end)
            ),
        ));
    }

    // The group-level configuration decides the default commit mode.
    let config_path = at("config");
    let plain = overlay(props.clone(), &[("group.id".to_owned(), group_id.clone())]);
    let plain = parse_consumer(&plain).map_err(config_err(config_path.clone()))?;
    let commit = match &raw.commit {
        Some(c) => CommitMode::parse(c).map_err(|m| ScenarioError::invalid(at("commit"), m))?,
        None if plain.config.enable_auto_commit => CommitMode::Auto,
        None => CommitMode::Manual,
    };
    let parsed = parse_consumer(&base_properties(&props, &group_id, commit))
        .map_err(config_err(config_path.clone()))?;
    check_protocol(&parsed.config).map_err(|m| ScenarioError::invalid(&config_path, m))?;
    check_commit(commit, &parsed.config).map_err(|m| ScenarioError::invalid(at("commit"), m))?;
    warnings.extend(parsed.warnings.iter().map(|w| ScenarioWarning {
        path: config_path.clone(),
        scope: ConfigScope::Consumer,
        warning: w.clone(),
    }));
    let mut group = ConsumerGroupSpec {
        group_id,
        topics: raw.topics,
        members: Vec::new(),
        processing,
        commit,
        start,
        properties: props,
        config: parsed.config,
    };
    let mut members = Vec::with_capacity(member_tables.len());
    for (i, overrides) in member_tables.into_iter().enumerate() {
        let config = group.member_config(&overrides, &format!("{path}.members[{i}]"), warnings)?;
        members.push(MemberSpec {
            number: u16::try_from(i + 1).unwrap_or(u16::MAX),
            overrides,
            config,
        });
    }
    group.members = members;
    Ok(group)
}
