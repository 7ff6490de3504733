//! Scheduled faults: `[[faults]]` entries, their broker selectors, and their checks.
//!
//! A selector is kept symbolic ([`BrokerSelector::LeaderOf`] is "whoever leads `reserve-0` at that
//! moment"); the simulation resolves it when the fault fires. What can be checked without running is
//! checked here: the topic exists in the scenario, the partition is in range, a broker id exists.

use super::duration::RawDuration;
use super::group::{ConsumerGroupSpec, RawProcessing};
use super::member_fault::{AddedMembers, MemberFault};
use super::props::Props;
use super::{ScenarioError, ScenarioWarning, TopicSpec};
use crate::group::offsets_partition_for;
use crate::ids::BrokerId;
use crate::kernel::fault::Ratio;
use crate::time::SimTime;
use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;

/// Which broker(s) a fault applies to, resolved when the fault fires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum BrokerSelector {
    /// One broker by `broker.id` (`broker = 2` or `broker = "2"`).
    Id(BrokerId),
    /// The current leader of a partition (`broker = "leader:reserve-0"`).
    LeaderOf {
        /// The topic.
        topic: String,
        /// The partition.
        partition: u32,
    },
    /// The partition's replicas other than its current leader (`broker = "followers:reserve-0"`).
    FollowersOf {
        /// The topic.
        topic: String,
        /// The partition.
        partition: u32,
    },
    /// Every broker (`broker = "all"`, or no `broker` for heal, slow and drop).
    All,
    /// The coordinator of a consumer group of the scenario (`broker = "coordinator:data-platform-group"`):
    /// the leader of the group's `__consumer_offsets` partition when the fault fires. The simulation
    /// resolves it through [`BrokerSelector::resolve_coordinator`].
    CoordinatorOf {
        /// The group id.
        group: String,
    },
}

impl BrokerSelector {
    /// Parses the string form: a broker id, `leader:TOPIC-P`, `followers:TOPIC-P`, `coordinator:GROUP` or
    /// `all`. The partition is the number after the last `-`, as topic names may contain `-`.
    pub fn parse(text: &str) -> Result<BrokerSelector, String> {
        if text == "all" {
            return Ok(BrokerSelector::All);
        }
        if let Some(group) = text.strip_prefix("coordinator:") {
            if group.is_empty() {
                return Err(format!(
                    "invalid broker selector {text:?}: expected a group id after \"coordinator:\", e.g. \
                     \"coordinator:data-platform-group\""
                ));
            }
            return Ok(BrokerSelector::CoordinatorOf {
                group: group.to_owned(),
            });
        }
        if let Ok(id) = text.parse::<i32>() {
            return Ok(BrokerSelector::Id(BrokerId(id)));
        }
        let (kind, target) = match text.split_once(':') {
            Some(("leader", t)) => ("leader", t),
            Some(("followers", t)) => ("followers", t),
            _ => {
                return Err(format!(
                    "invalid broker selector {text:?}: expected a broker id, \"leader:TOPIC-PARTITION\", \
                     \"followers:TOPIC-PARTITION\", \"coordinator:GROUP\" or \"all\""
                ));
            }
        };
        let parsed = target
            .rsplit_once('-')
            .filter(|(topic, _)| !topic.is_empty())
            .and_then(|(topic, p)| {
                let digits = !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
                digits
                    .then(|| p.parse::<u32>().ok())
                    .flatten()
                    .map(|p| (topic.to_owned(), p))
            });
        match parsed {
            Some((topic, partition)) if kind == "leader" => Ok(BrokerSelector::LeaderOf { topic, partition }),
            Some((topic, partition)) => Ok(BrokerSelector::FollowersOf { topic, partition }),
            None => Err(format!(
                "invalid broker selector {text:?}: expected TOPIC-PARTITION after \"{kind}:\", e.g. \
                 \"{kind}:reserve-0\""
            )),
        }
    }

    /// Checks the selector against the scenario's brokers, topics and consumer groups.
    pub fn check(
        &self,
        brokers: u32,
        topics: &[TopicSpec],
        groups: &[ConsumerGroupSpec],
    ) -> Result<(), String> {
        match self {
            BrokerSelector::Id(BrokerId(id)) => {
                let exists = u32::try_from(*id).is_ok_and(|b| (1..=brokers).contains(&b));
                if exists {
                    Ok(())
                } else {
                    Err(format!(
                        "broker {id} does not exist: the cluster has brokers 1 to {brokers}"
                    ))
                }
            }
            BrokerSelector::LeaderOf { topic, partition }
            | BrokerSelector::FollowersOf { topic, partition } => {
                let Some(spec) = topics.iter().find(|t| &t.name == topic) else {
                    return Err(format!("unknown topic '{topic}' in \"{self}\""));
                };
                if *partition >= spec.partitions {
                    return Err(format!(
                        "partition {partition} of topic '{topic}' does not exist: it has {} partition{} (0 to {})",
                        spec.partitions,
                        if spec.partitions == 1 { "" } else { "s" },
                        spec.partitions - 1
                    ));
                }
                Ok(())
            }
            BrokerSelector::CoordinatorOf { group } => {
                if groups.iter().any(|g| &g.group_id == group) {
                    Ok(())
                } else {
                    Err(format!(
                        "unknown consumer group '{group}' in \"{self}\": {}",
                        groups_listed(groups)
                    ))
                }
            }
            BrokerSelector::All => Ok(()),
        }
    }

    /// The resolution hook for [`BrokerSelector::CoordinatorOf`]: the selector of the group's coordinator,
    /// the leader of `__consumer_offsets-N` with `N = abs(hash(group.id)) % offsets.topic.num.partitions`
    /// ([`crate::group::offsets_partition_for`]), which the simulation then resolves as any
    /// [`BrokerSelector::LeaderOf`] when the fault fires. `None` for the other selectors.
    pub fn resolve_coordinator(&self, offsets_topic_num_partitions: u32) -> Option<BrokerSelector> {
        match self {
            BrokerSelector::CoordinatorOf { group } => Some(BrokerSelector::LeaderOf {
                topic: OFFSETS_TOPIC.to_owned(),
                partition: u32::try_from(offsets_partition_for(group, offsets_topic_num_partitions))
                    .unwrap_or(0),
            }),
            _ => None,
        }
    }
}

/// Kafka's internal offsets topic.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// `the scenario's consumer groups are a, b` or `the scenario has no [[consumer_groups]]`.
pub(crate) fn groups_listed(groups: &[ConsumerGroupSpec]) -> String {
    if groups.is_empty() {
        "the scenario has no [[consumer_groups]]".to_owned()
    } else {
        let names: Vec<&str> = groups.iter().map(|g| g.group_id.as_str()).collect();
        format!("the scenario's consumer groups are {}", names.join(", "))
    }
}

impl fmt::Display for BrokerSelector {
    /// The selector as written in a scenario file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrokerSelector::Id(id) => write!(f, "{id}"),
            BrokerSelector::LeaderOf { topic, partition } => write!(f, "leader:{topic}-{partition}"),
            BrokerSelector::FollowersOf { topic, partition } => write!(f, "followers:{topic}-{partition}"),
            BrokerSelector::CoordinatorOf { group } => write!(f, "coordinator:{group}"),
            BrokerSelector::All => f.write_str("all"),
        }
    }
}

/// Which messages a `drop` fault loses, seen from the selected broker(s).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DropDirection {
    /// Messages sent to the broker (`"requests"`).
    Requests,
    /// Messages the broker sends (`"responses"`).
    Responses,
    /// Both (`"both"`, the default).
    Both,
}

impl DropDirection {
    /// Parses `"requests"`, `"responses"` or `"both"`.
    pub fn parse(text: &str) -> Result<DropDirection, String> {
        match text {
            "requests" => Ok(DropDirection::Requests),
            "responses" => Ok(DropDirection::Responses),
            "both" => Ok(DropDirection::Both),
            other => Err(format!(
                "unknown direction {other:?}: expected \"requests\", \"responses\" or \"both\""
            )),
        }
    }
}

/// What a fault does.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum FaultAction {
    /// Stop the broker(s) at once.
    Crash(BrokerSelector),
    /// Start crashed broker(s) again from their durable state.
    Restart(BrokerSelector),
    /// Cut every link of the broker(s).
    Isolate(BrokerSelector),
    /// Restore the links of the broker(s) and clear slow and drop settings ([`BrokerSelector::All`]: all).
    Heal(BrokerSelector),
    /// Give the broker(s)' links a new latency, for `duration` or until healed.
    Slow {
        /// The broker(s).
        broker: BrokerSelector,
        /// The new one-way latency.
        latency: SimTime,
        /// How long it lasts (`None`: until a heal).
        duration: Option<SimTime>,
    },
    /// Drop a share of the broker(s)' messages, for `duration` or until healed.
    Drop {
        /// The broker(s).
        broker: BrokerSelector,
        /// The share of messages lost.
        ratio: Ratio,
        /// Which messages.
        direction: DropDirection,
        /// How long it lasts (`None`: until a heal).
        duration: Option<SimTime>,
    },
    /// A fault of a consumer group member (`crash_member`, `close_member`, `pause_member`,
    /// `set_processing`, `add_member`).
    Member(MemberFault),
}

impl FaultAction {
    /// The action's name in a scenario file, e.g. `crash`.
    pub fn name(&self) -> &'static str {
        match self {
            FaultAction::Crash(_) => "crash",
            FaultAction::Restart(_) => "restart",
            FaultAction::Isolate(_) => "isolate",
            FaultAction::Heal(_) => "heal",
            FaultAction::Slow { .. } => "slow",
            FaultAction::Drop { .. } => "drop",
            FaultAction::Member(m) => m.name(),
        }
    }

    /// The broker(s) the fault applies to; `None` for a member fault.
    pub fn broker(&self) -> Option<&BrokerSelector> {
        match self {
            FaultAction::Crash(b)
            | FaultAction::Restart(b)
            | FaultAction::Isolate(b)
            | FaultAction::Heal(b) => Some(b),
            FaultAction::Slow { broker, .. } | FaultAction::Drop { broker, .. } => Some(broker),
            FaultAction::Member(_) => None,
        }
    }
}

/// One scheduled fault.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FaultSpec {
    /// When it fires.
    pub at: SimTime,
    /// What it does.
    pub action: FaultAction,
}

/// The actions a `[[faults]]` entry may name.
pub const FAULT_ACTIONS: &[&str] = &[
    "crash",
    "restart",
    "isolate",
    "heal",
    "slow",
    "drop",
    "crash_member",
    "restart_member",
    "close_member",
    "pause_member",
    "set_processing",
    "add_member",
];

/// The broker fault actions (the rest are member faults).
const BROKER_ACTIONS: &[&str] = &["crash", "restart", "isolate", "heal", "slow", "drop"];

/// A broker selector as written: a string or an integer.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawSelector {
    Text(String),
    Int(i64),
}

impl<'de> Deserialize<'de> for RawSelector {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawSelector;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a broker id, \"leader:TOPIC-PARTITION\", \"followers:TOPIC-PARTITION\", \
                     \"coordinator:GROUP\" or \"all\"",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSelector, E> {
                Ok(RawSelector::Text(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawSelector, E> {
                Ok(RawSelector::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawSelector, E> {
                Ok(RawSelector::Int(i64::try_from(v).unwrap_or(i64::MAX)))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A `[[faults]]` entry as written.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFault {
    pub(super) at: RawDuration,
    pub(super) action: String,
    broker: Option<RawSelector>,
    latency: Option<RawDuration>,
    ratio: Option<f64>,
    direction: Option<String>,
    pub(super) duration: Option<RawDuration>,
    pub(super) member: Option<String>,
    pub(super) group: Option<String>,
    pub(super) processing: Option<RawProcessing>,
    pub(super) config: Option<Props>,
    pub(super) kind: Option<String>,
}

/// What a fault entry is checked against.
pub(crate) struct FaultContext<'a> {
    /// The cluster's broker count.
    pub(crate) brokers: u32,
    /// The scenario's topics.
    pub(crate) topics: &'a [TopicSpec],
    /// The scenario's consumer groups.
    pub(crate) groups: &'a [ConsumerGroupSpec],
    /// The members `add_member` faults add.
    pub(crate) added: &'a AddedMembers,
    /// The end of the scenario.
    pub(crate) end: SimTime,
}

impl RawFault {
    /// Checks the entry at `path` (e.g. `faults[2]`) against the scenario.
    pub(crate) fn build(
        &self,
        path: &str,
        index: usize,
        cx: &FaultContext<'_>,
        warnings: &mut Vec<ScenarioWarning>,
    ) -> Result<FaultSpec, ScenarioError> {
        let (brokers, topics, end) = (cx.brokers, cx.topics, cx.end);
        let err = |key: &str, message: String| ScenarioError::invalid(format!("{path}.{key}"), message);
        let at = self.at.resolve().map_err(|m| err("at", m))?;
        if at > end {
            return Err(err(
                "at",
                format!("{at} is after the end of the scenario (duration {end}); the fault would never fire"),
            ));
        }
        let action = self.action.as_str();
        if !FAULT_ACTIONS.contains(&action) {
            return Err(err(
                "action",
                format!(
                    "unknown action {action:?}: expected one of {}",
                    FAULT_ACTIONS.join(", ")
                ),
            ));
        }
        let takes = |key: &str, present: bool, allowed: &[&str]| {
            if present && !allowed.contains(&action) {
                let who = match allowed {
                    [one] => format!("a {one} fault"),
                    [init @ .., last] => format!("a {} or {last} fault", init.join(", ")),
                    [] => "no".to_owned(),
                };
                Err(err(key, format!("only {who} takes a {key}, not {action}")))
            } else {
                Ok(())
            }
        };
        takes("latency", self.latency.is_some(), &["slow"])?;
        takes("ratio", self.ratio.is_some(), &["drop"])?;
        takes("direction", self.direction.is_some(), &["drop"])?;
        takes(
            "duration",
            self.duration.is_some(),
            &["slow", "drop", "pause_member"],
        )?;
        takes(
            "member",
            self.member.is_some(),
            &[
                "crash_member",
                "restart_member",
                "close_member",
                "pause_member",
                "set_processing",
            ],
        )?;
        takes("group", self.group.is_some(), &["add_member", "set_processing"])?;
        takes("processing", self.processing.is_some(), &["set_processing"])?;
        takes("config", self.config.is_some(), &["add_member"])?;
        takes("kind", self.kind.is_some(), &["pause_member"])?;
        if !BROKER_ACTIONS.contains(&action) {
            if self.broker.is_some() {
                return Err(err(
                    "broker",
                    format!("a member fault takes no broker, not {action}"),
                ));
            }
            let member = self.build_member(path, index, at, cx, warnings)?;
            return Ok(FaultSpec {
                at,
                action: FaultAction::Member(member),
            });
        }

        let broker = match &self.broker {
            Some(RawSelector::Int(id)) => match i32::try_from(*id) {
                Ok(id) => BrokerSelector::Id(BrokerId(id)),
                Err(_) => {
                    return Err(err(
                        "broker",
                        format!("broker {id} does not exist: the cluster has brokers 1 to {brokers}"),
                    ));
                }
            },
            Some(RawSelector::Text(text)) => BrokerSelector::parse(text).map_err(|m| err("broker", m))?,
            None if matches!(action, "crash" | "restart" | "isolate") => {
                return Err(err("broker", format!("required for action {action:?}")));
            }
            None => BrokerSelector::All,
        };
        broker
            .check(brokers, topics, cx.groups)
            .map_err(|m| err("broker", m))?;
        let duration = match &self.duration {
            Some(d) => {
                let d = d.resolve().map_err(|m| err("duration", m))?;
                if d == SimTime::ZERO {
                    return Err(err("duration", "must be greater than 0".to_owned()));
                }
                Some(d)
            }
            None => None,
        };
        let action = match action {
            "crash" => FaultAction::Crash(broker),
            "restart" => FaultAction::Restart(broker),
            "isolate" => FaultAction::Isolate(broker),
            "heal" => FaultAction::Heal(broker),
            "slow" => {
                let latency = match &self.latency {
                    Some(l) => l.resolve().map_err(|m| err("latency", m))?,
                    None => return Err(err("latency", "required for action \"slow\"".to_owned())),
                };
                FaultAction::Slow {
                    broker,
                    latency,
                    duration,
                }
            }
            _ => {
                let ratio = match self.ratio {
                    Some(r) if (0.0..=1.0).contains(&r) => Ratio::from_f64(r),
                    Some(r) => return Err(err("ratio", format!("{r} is not between 0 and 1"))),
                    None => return Err(err("ratio", "required for action \"drop\"".to_owned())),
                };
                let direction = match &self.direction {
                    Some(d) => DropDirection::parse(d).map_err(|m| err("direction", m))?,
                    None => DropDirection::Both,
                };
                FaultAction::Drop {
                    broker,
                    ratio,
                    direction,
                    duration,
                }
            }
        };
        Ok(FaultSpec { at, action })
    }
}
