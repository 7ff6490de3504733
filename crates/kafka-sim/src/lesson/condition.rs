//! What a step waits for: [`Condition`], a closed set of checks ([`Leaf`]) and `all` / `any`.
//!
//! Every condition is a table tagged with `check`:
//!
//! | `check` | keys | Done when |
//! |---|---|---|
//! | `action` | `do`, optional `broker` (a selector: `leader:reserve-0`, ...; or `down`), `group`, `member`, `producer`, `topic`, `name`, `value`, `key` | the learner applied such a command since the step started; a selector is resolved from the view when the command was applied |
//! | `event` | `event` ([`EventName`]), optional `partition`, `group`, `member`, `producer`, `broker`, `cause`, `unclean`, `error`, `contains`, `at_least` (default 1) | that many such events were logged since the step started |
//! | `anomaly` | `count` ([`AnomalyCount`]), optional `at_least` (default 1), `group` (for `skipped`, `processed_twice`) | the oracles count that many (since the run began; checked at most once per simulated second) |
//! | `elapsed` | `time` (`"5s"`) | that much simulated time passed since the step started |
//! | `group` | `group`, optional `state`, `members`, `owners`, `lag_at_most`, `committed_at_least`, `rebalances_at_least`, `option` + `value` | the group panel shows all of these |
//! | `producer` | `producer`, optional `option` + `value`, `acked_at_least`, `failed_at_least`, `retries_at_least`, `error` | the producer panel shows all of these |
//! | `partition` | `partition` (`reserve-0`), optional `leader` (a broker id, or `"none"`), `isr_size`, `isr_at_most` | the topic table shows all of these |
//! | `shell` | `pattern` | a line typed in the terminal since the step started matches (`*` matches any text; runs of spaces count as one; `kafka-topics.sh` is `kafka-topics`) |
//! | `all` / `any` | `of` (a list of conditions) | every one / one of them is Done |

use super::action::{BrokerTarget, parse_target};
use super::duration_value;
use crate::time::SimTime;
use serde::Deserialize;
use serde_json::Value;

/// The deepest nesting of `all` / `any`.
pub const MAX_CONDITION_DEPTH: usize = 8;

/// The command names a condition's `do` may give (the tags of [`crate::session::Command`]).
pub const COMMAND_NAMES: [&str; 16] = [
    "crash_broker",
    "restart_broker",
    "isolate_broker",
    "heal_network",
    "slow_broker",
    "crash_member",
    "restart_member",
    "close_member",
    "pause_member",
    "add_member",
    "set_producer_config",
    "set_consumer_config",
    "set_processing",
    "set_topic_config",
    "set_broker_config",
    "send_record",
];

/// The producer options a `producer` condition may name (as the producer panel shows them).
pub const PRODUCER_OPTIONS: [&str; 12] = [
    "acks",
    "linger.ms",
    "retries",
    "key.serializer",
    "value.serializer",
    "batch.size",
    "enable.idempotence",
    "max.in.flight.requests.per.connection",
    "request.timeout.ms",
    "delivery.timeout.ms",
    "retry.backoff.ms",
    "compression.type",
];

/// The consumer options a `group` condition may name (as the member cards show them).
pub const CONSUMER_OPTIONS: [&str; 11] = [
    "group.id",
    "max.poll.records",
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "heartbeat.interval.ms",
    "session.timeout.ms",
    "max.poll.interval.ms",
    "auto.offset.reset",
    "partition.assignment.strategy",
    "key.deserializer",
    "value.deserializer",
];

/// A step's condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// One check.
    Leaf(Leaf),
    /// Every one of these.
    All(Vec<Condition>),
    /// At least one of these.
    Any(Vec<Condition>),
}

/// Kinds of event-log entries (the variants of [`crate::view::Narration`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum EventName {
    Crashed,
    Restarted,
    Isolated,
    LinkCut,
    LinkSlowed,
    LinkDropping,
    NetworkHealed,
    BrokerSessionExpired,
    BrokerShutDown,
    BrokerRegistered,
    ControllerChanged,
    TopicCreated,
    /// A leader election, including the moves the controller makes when a broker's session
    /// expires or it shuts down (those are logged as one `broker_session_expired` entry).
    LeaderElected,
    IsrShrunk,
    IsrExpanded,
    Truncated,
    ProducerFailed,
    ProducerRestarted,
    MemberAdded,
    MemberClosed,
    MemberPaused,
    MemberJoined,
    MemberRemoved,
    RebalanceStarted,
    RebalanceCompleted,
    CoordinatorLoaded,
    PollTimeout,
    CommitFailed,
    ConsumerLog,
    /// A `consumer_log` entry about a record that does not deserialize
    /// (`RecordDeserializationException`).
    PoisonRecord,
}

/// Why a member was removed ([`crate::view::RemovalCause`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum RemovalCauseName {
    /// No heartbeat within `session.timeout.ms`.
    SessionTimeout,
    Leave,
    PendingSync,
    DidNotRejoin,
    Other,
}

/// A count of the anomalies tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyCount {
    /// Acknowledged records lost (Jepsen `lost-write`).
    Lost,
    /// Extra copies of records in the logs.
    Duplicates,
    /// Records out of send order.
    Reordered,
    /// `acks=0` records absent (allowed).
    UnconfirmedLost,
    /// Offsets committed past but never processed, over every group (`poll-skip`).
    Skipped,
    /// Offsets processed twice, over every group.
    ProcessedTwice,
}

/// An `event` check.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFilter {
    /// The kind of entry.
    pub event: EventName,
    /// The partition named (`reserve-0`).
    #[serde(default)]
    pub partition: Option<String>,
    /// The group.
    #[serde(default)]
    pub group: Option<String>,
    /// The member, by `client.id`.
    #[serde(default)]
    pub member: Option<String>,
    /// The producer.
    #[serde(default)]
    pub producer: Option<String>,
    /// The broker (crashed, restarted, registered, session expired, the new leader of an election).
    #[serde(default)]
    pub broker: Option<i32>,
    /// For `member_removed`: why.
    #[serde(default)]
    pub cause: Option<RemovalCauseName>,
    /// For `leader_elected`: an unclean election (or not).
    #[serde(default)]
    pub unclean: Option<bool>,
    /// For `producer_failed`: Kafka's error name.
    #[serde(default)]
    pub error: Option<String>,
    /// For `consumer_log` and `commit_failed`: text the message contains.
    #[serde(default)]
    pub contains: Option<String>,
    /// How many such events (default 1).
    #[serde(default)]
    pub at_least: Option<u64>,
}

/// A `group` check: facts of the group panel.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupFacts {
    /// `group.id`.
    pub group: String,
    /// The coordinator's state name (`Stable`, `PreparingRebalance`, `Empty`, ...).
    #[serde(default)]
    pub state: Option<String>,
    /// Members running in the group (up, with a generation).
    #[serde(default)]
    pub members: Option<u32>,
    /// Distinct members the coordinator assigned partitions to.
    #[serde(default)]
    pub owners: Option<u32>,
    /// The summed lag is at most this.
    #[serde(default)]
    pub lag_at_most: Option<u64>,
    /// The committed offsets sum to at least this.
    #[serde(default)]
    pub committed_at_least: Option<i64>,
    /// At least this many rebalances started.
    #[serde(default)]
    pub rebalances_at_least: Option<u64>,
    /// A consumer option every running member has with `value`.
    #[serde(default)]
    pub option: Option<String>,
    /// The option's value.
    #[serde(default)]
    pub value: Option<String>,
}

/// A `producer` check: facts of the producer panel.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerFacts {
    /// The producer's name.
    pub producer: String,
    /// An option (see [`PRODUCER_OPTIONS`]) whose value is `value` (`acks`: `-1` and `all` agree).
    #[serde(default)]
    pub option: Option<String>,
    /// The option's value.
    #[serde(default)]
    pub value: Option<String>,
    /// Records acknowledged.
    #[serde(default)]
    pub acked_at_least: Option<u64>,
    /// Records failed for good.
    #[serde(default)]
    pub failed_at_least: Option<u64>,
    /// Batch retries.
    #[serde(default)]
    pub retries_at_least: Option<u64>,
    /// An error name it met (`NOT_ENOUGH_REPLICAS`).
    #[serde(default)]
    pub error: Option<String>,
}

/// A `partition` check: facts of the topic table.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionFacts {
    /// The partition, `topic-N`.
    pub partition: String,
    /// The leader: a broker id, or `"none"`.
    #[serde(default)]
    pub leader: Option<Value>,
    /// The ISR has exactly this many replicas.
    #[serde(default)]
    pub isr_size: Option<usize>,
    /// The ISR has at most this many replicas.
    #[serde(default)]
    pub isr_at_most: Option<usize>,
}

/// An `action` check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionFilter {
    /// The command's name (`crash_broker`).
    pub command: String,
    /// Its broker, as a selector resolved when it was applied.
    pub broker: Option<BrokerTarget>,
    /// The fields that must be equal, as the command's JSON form has them.
    pub fields: Vec<(String, Value)>,
}

/// One check (see the module docs for the table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Leaf {
    /// The learner applied a command.
    Action(ActionFilter),
    /// Events were logged.
    Event(EventFilter),
    /// The oracles count anomalies.
    Anomaly {
        /// Which count.
        count: AnomalyCount,
        /// At least this many.
        at_least: u64,
        /// For `skipped` and `processed_twice`: only this group's.
        group: Option<String>,
    },
    /// Simulated time passed since the step started.
    Elapsed(SimTime),
    /// Facts of a group.
    Group(GroupFacts),
    /// Facts of a producer.
    Producer(ProducerFacts),
    /// Facts of a partition.
    Partition(PartitionFacts),
    /// A line typed in the terminal matches a pattern.
    Shell(String),
}

type ParseError = (String, String);

fn field<T: serde::de::DeserializeOwned>(
    map: &serde_json::Map<String, Value>,
    extra: &[&str],
) -> Result<T, ParseError> {
    let mut m = map.clone();
    m.remove("check");
    for k in extra {
        m.remove(*k);
    }
    serde_json::from_value(Value::Object(m.clone())).map_err(|e| {
        let msg = e.to_string();
        // Name the key: the one the message names, or whose value it quotes.
        let key = (m.iter())
            .find(|(k, v)| {
                msg.contains(&format!("field `{k}`"))
                    || v.as_str().is_some_and(|s| msg.contains(&format!("`{s}`")))
            })
            .map(|(k, _)| k.clone())
            .or_else(|| {
                let rest = msg.split("missing field `").nth(1)?;
                Some(rest.split('`').next()?.to_owned())
            });
        (key.map(|k| format!(".{k}")).unwrap_or_default(), msg)
    })
}

impl Condition {
    /// Parses a condition table. Errors are `(key suffix, message)`.
    pub(super) fn parse(v: &Value, depth: usize) -> Result<Condition, ParseError> {
        let Value::Object(map) = v else {
            return Err((String::new(), "expected a table with `check = ...`".into()));
        };
        let Some(Value::String(check)) = map.get("check") else {
            return Err((
                ".check".into(),
                "missing: action, event, anomaly, elapsed, group, producer, partition, shell, all or any"
                    .into(),
            ));
        };
        let known = |allowed: &[&str]| -> Result<(), ParseError> {
            match map
                .keys()
                .find(|k| !allowed.contains(&k.as_str()) && k.as_str() != "check")
            {
                Some(k) => Err((format!(".{k}"), format!("unknown key for check = {check:?}"))),
                None => Ok(()),
            }
        };
        let leaf = match check.as_str() {
            "all" | "any" => {
                known(&["of"])?;
                if depth >= MAX_CONDITION_DEPTH {
                    return Err((String::new(), format!("nested deeper than {MAX_CONDITION_DEPTH}")));
                }
                let Some(Value::Array(of)) = map.get("of") else {
                    return Err((".of".into(), "expected a list of conditions".into()));
                };
                if of.is_empty() {
                    return Err((".of".into(), "must not be empty".into()));
                }
                let parts = (of.iter().enumerate())
                    .map(|(i, c)| {
                        Condition::parse(c, depth + 1).map_err(|(k, m)| (format!(".of[{i}]{k}"), m))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                return Ok(if check == "all" {
                    Condition::All(parts)
                } else {
                    Condition::Any(parts)
                });
            }
            "action" => {
                known(&[
                    "do", "broker", "group", "member", "producer", "topic", "name", "value", "key",
                ])?;
                let Some(Value::String(name)) = map.get("do") else {
                    return Err((
                        ".do".into(),
                        "missing: the command's name, e.g. \"crash_broker\"".into(),
                    ));
                };
                if !COMMAND_NAMES.contains(&name.as_str()) {
                    return Err((
                        ".do".into(),
                        format!("unknown command {name:?}; one of {}", COMMAND_NAMES.join(", ")),
                    ));
                }
                let broker = match map.get("broker") {
                    None => None,
                    Some(Value::String(s)) => Some(parse_target(s).map_err(|m| (".broker".to_owned(), m))?),
                    Some(Value::Number(n)) => {
                        let id = n.as_i64().and_then(|i| i32::try_from(i).ok());
                        let id = id.ok_or((".broker".to_owned(), format!("invalid broker id {n}")))?;
                        Some(parse_target(&id.to_string()).map_err(|m| (".broker".to_owned(), m))?)
                    }
                    Some(_) => return Err((".broker".into(), "expected a broker id or selector".into())),
                };
                let fields = (map.iter())
                    .filter(|(k, _)| !matches!(k.as_str(), "check" | "do" | "broker"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Leaf::Action(ActionFilter {
                    command: name.clone(),
                    broker,
                    fields,
                })
            }
            "event" => Leaf::Event(field(map, &[])?),
            "anomaly" => {
                known(&["count", "at_least", "group"])?;
                let count = (map.get("count").cloned())
                    .ok_or((".count".to_owned(), "missing".to_owned()))
                    .and_then(|c| {
                        serde_json::from_value(c).map_err(|e| (".count".to_owned(), e.to_string()))
                    })?;
                let at_least = match map.get("at_least") {
                    None => 1,
                    Some(v) => v
                        .as_u64()
                        .ok_or((".at_least".to_owned(), "expected a whole number".to_owned()))?,
                };
                let group = match map.get("group") {
                    None => None,
                    Some(Value::String(g)) => Some(g.clone()),
                    Some(_) => return Err((".group".into(), "expected a group.id".into())),
                };
                Leaf::Anomaly {
                    count,
                    at_least,
                    group,
                }
            }
            "elapsed" => {
                known(&["time"])?;
                let t = map
                    .get("time")
                    .ok_or((".time".to_owned(), "missing, e.g. \"5s\"".to_owned()))?;
                Leaf::Elapsed(duration_value(t).map_err(|m| (".time".to_owned(), m))?)
            }
            "group" => {
                let g: GroupFacts = field(map, &[])?;
                check_option(&g.option, &g.value, &CONSUMER_OPTIONS)?;
                Leaf::Group(g)
            }
            "producer" => {
                let p: ProducerFacts = field(map, &[])?;
                check_option(&p.option, &p.value, &PRODUCER_OPTIONS)?;
                Leaf::Producer(p)
            }
            "partition" => {
                let p: PartitionFacts = field(map, &[])?;
                if split_partition(&p.partition).is_none() {
                    return Err((
                        ".partition".into(),
                        format!("{:?}: expected topic-N, e.g. reserve-0", p.partition),
                    ));
                }
                match &p.leader {
                    None => {}
                    Some(Value::String(s)) if s == "none" => {}
                    Some(Value::Number(n)) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => {}
                    Some(_) => return Err((".leader".into(), "expected a broker id or \"none\"".into())),
                }
                Leaf::Partition(p)
            }
            "shell" => {
                known(&["pattern"])?;
                match map.get("pattern") {
                    Some(Value::String(s)) if !s.trim().is_empty() => Leaf::Shell(s.clone()),
                    _ => return Err((".pattern".into(), "expected a command line pattern".into())),
                }
            }
            other => {
                return Err((
                    ".check".into(),
                    format!(
                        "unknown check {other:?}; one of action, event, anomaly, elapsed, group, producer, partition, shell, all, any"
                    ),
                ));
            }
        };
        Ok(Condition::Leaf(leaf))
    }

    /// Every leaf, in order (the index is its place in the evaluation state).
    pub(super) fn leaves(&self) -> Vec<&Leaf> {
        let mut out = Vec::new();
        fn walk<'a>(c: &'a Condition, out: &mut Vec<&'a Leaf>) {
            match c {
                Condition::Leaf(l) => out.push(l),
                Condition::All(v) | Condition::Any(v) => v.iter().for_each(|c| walk(c, out)),
            }
        }
        walk(self, &mut out);
        out
    }
}

fn check_option(option: &Option<String>, value: &Option<String>, names: &[&str]) -> Result<(), ParseError> {
    match (option, value) {
        (None, None) => Ok(()),
        (Some(o), Some(_)) if names.contains(&o.as_str()) => Ok(()),
        (Some(o), Some(_)) => Err((
            ".option".into(),
            format!("unknown option {o:?}; one of {}", names.join(", ")),
        )),
        _ => Err((".option".into(), "`option` and `value` go together".into())),
    }
}

/// `reserve-0` as (`reserve`, 0): the number after the last `-`.
pub(super) fn split_partition(s: &str) -> Option<(&str, i32)> {
    let (t, p) = s.rsplit_once('-')?;
    (!t.is_empty()).then_some(())?;
    Some((t, p.parse().ok()?))
}
