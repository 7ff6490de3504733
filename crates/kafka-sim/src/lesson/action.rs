//! Setup and solution items: a command (with a broker selector resolved when applied), a run, or a
//! line typed in the terminal.

use super::duration_value;
use crate::ids::BrokerId;
use crate::scenario::BrokerSelector;
use crate::session::Command;
use crate::time::SimTime;
use crate::view::{NodeKind, SimView};
use serde_json::Value;

/// Which broker(s) a command's `broker` names, resolved from the view when it is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrokerTarget {
    /// A selector: an id, `leader:T-P`, `followers:T-P`, `coordinator:GROUP` or `all`.
    Selector(BrokerSelector),
    /// `down`: every crashed broker (e.g. to restart the one a previous step crashed).
    Down,
}

/// One setup or solution item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A command; with a `target`, once per broker it resolves to (the command's own `broker` is
    /// replaced).
    Command {
        /// The command.
        command: Command,
        /// The broker selector, when `broker` was not a plain id.
        target: Option<BrokerTarget>,
    },
    /// `{ run = "5s" }`: let the simulation run this long.
    Run(SimTime),
    /// `{ shell = "..." }`: a line typed in the terminal.
    Shell(String),
}

/// The commands whose `broker` field may be a selector.
const BROKER_COMMANDS: [&str; 4] = ["crash_broker", "restart_broker", "isolate_broker", "slow_broker"];

/// The commands' duration fields, which may be written `"200ms"`.
const DURATION_FIELDS: [&str; 3] = ["latency", "duration", "per_record"];

/// The longest shell line a solution may carry.
const MAX_SHELL_LINE: usize = 4_096;

/// Parses a broker selector, or `down`.
pub(super) fn parse_target(text: &str) -> Result<BrokerTarget, String> {
    if text == "down" {
        return Ok(BrokerTarget::Down);
    }
    BrokerSelector::parse(text).map(BrokerTarget::Selector)
}

impl Action {
    /// Parses one item; `setup` items may only be commands. Errors are `(key suffix, message)`.
    pub(super) fn parse(v: &Value, setup: bool) -> Result<Action, (String, String)> {
        let Value::Object(map) = v else {
            return Err((
                String::new(),
                "expected a table, e.g. { do = \"crash_broker\", broker = 1 }".into(),
            ));
        };
        let one = |key: &str| -> Result<(), (String, String)> {
            if map.len() != 1 {
                return Err((String::new(), format!("`{key}` stands alone in its table")));
            }
            if setup {
                return Err((
                    format!(".{key}"),
                    "a setup holds commands only (`do = ...`)".into(),
                ));
            }
            Ok(())
        };
        if let Some(t) = map.get("run") {
            one("run")?;
            return duration_value(t).map(Action::Run).map_err(|m| (".run".into(), m));
        }
        if let Some(line) = map.get("shell") {
            one("shell")?;
            return match line {
                Value::String(s)
                    if !s.trim().is_empty() && s.len() <= MAX_SHELL_LINE && !s.contains('\n') =>
                {
                    Ok(Action::Shell(s.clone()))
                }
                _ => Err((".shell".into(), "expected one non-empty command line".into())),
            };
        }
        let Some(Value::String(name)) = map.get("do") else {
            let m = if setup {
                "expected a command: `do = ...`"
            } else {
                "expected `do = ...` (a command), `run = ...` or `shell = ...`"
            };
            return Err((String::new(), m.into()));
        };
        let mut map = map.clone();
        let mut target = None;
        if BROKER_COMMANDS.contains(&name.as_str())
            && let Some(Value::String(sel)) = map.get("broker")
        {
            let t = parse_target(sel).map_err(|m| (".broker".to_owned(), m))?;
            if let BrokerTarget::Selector(BrokerSelector::Id(id)) = t {
                map.insert("broker".into(), Value::from(id.0));
            } else {
                target = Some(t);
                map.insert("broker".into(), Value::from(0));
            }
        }
        for key in DURATION_FIELDS {
            if let Some(d @ Value::String(_)) = map.get(key) {
                let t = duration_value(d).map_err(|m| (format!(".{key}"), m))?;
                map.insert(key.into(), Value::from(t.as_micros()));
            }
        }
        let command: Command =
            serde_json::from_value(Value::Object(map)).map_err(|e| (String::new(), e.to_string()))?;
        command
            .check_bounds()
            .map_err(|e| (String::new(), e.to_string()))?;
        Ok(Action::Command { command, target })
    }
}

/// The brokers `target` names in `view` (in id order), or why none.
pub(super) fn resolve(target: &BrokerTarget, view: &SimView) -> Result<Vec<BrokerId>, String> {
    let brokers = || {
        (view.nodes.iter()).filter_map(|n| match n.kind {
            NodeKind::Broker { broker_id } => Some((broker_id, n.up)),
            _ => None,
        })
    };
    let leader_of = |topic: &str, partition: u32| {
        let p = i32::try_from(partition)
            .ok()
            .and_then(|p| view.partition(topic, p));
        p.ok_or_else(|| format!("no partition {topic}-{partition}"))
    };
    let out: Vec<BrokerId> = match target {
        BrokerTarget::Down => brokers().filter(|(_, up)| !up).map(|(b, _)| b).collect(),
        BrokerTarget::Selector(s) => match s {
            BrokerSelector::Id(b) => vec![*b],
            BrokerSelector::All => brokers().map(|(b, _)| b).collect(),
            BrokerSelector::LeaderOf { topic, partition } => {
                leader_of(topic, *partition)?.leader.into_iter().collect()
            }
            BrokerSelector::FollowersOf { topic, partition } => {
                let p = leader_of(topic, *partition)?;
                (p.replicas.iter())
                    .copied()
                    .filter(|b| Some(*b) != p.leader)
                    .collect()
            }
            BrokerSelector::CoordinatorOf { group } => (view.groups.iter())
                .find(|g| &g.group_id == group)
                .and_then(|g| g.coordinator)
                .into_iter()
                .collect(),
        },
    };
    if out.is_empty() {
        let what = match target {
            BrokerTarget::Down => "down".to_owned(),
            BrokerTarget::Selector(s) => s.to_string(),
        };
        return Err(format!("the selector {what} names no broker now"));
    }
    Ok(out)
}

/// `command` with its `broker` replaced (for the broker commands).
pub(super) fn with_broker(command: &Command, b: BrokerId) -> Command {
    let mut c = command.clone();
    match &mut c {
        Command::CrashBroker { broker }
        | Command::RestartBroker { broker }
        | Command::IsolateBroker { broker }
        | Command::SlowBroker { broker, .. } => *broker = b.0,
        _ => {}
    }
    c
}
