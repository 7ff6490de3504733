//! Faults of consumer group members: `crash_member`, `close_member`, `pause_member`, `set_processing`
//! and `add_member`.
//!
//! A member is addressed as `member = "GROUP/N"`: the group id, a slash, and the member's number from 1
//! (the group id is everything before the last `/`). Members added by `add_member` get the numbers after
//! the group's initial members, in the order the `add_member` faults fire (by `at`, then file order); a
//! fault may address an added member only if its `add_member` fires before it (or at the same time,
//! earlier in the file).

use super::fault::{FaultContext, RawFault, groups_listed};
use super::group::{ConsumerGroupSpec, MAX_GROUP_MEMBERS, ProcessingTime};
use super::{ScenarioError, ScenarioWarning, format_duration};
use crate::config::ConsumerConfig;
use crate::group::delivery::MemberRef;
use crate::time::SimTime;
use serde::Serialize;
use std::fmt;

/// One member of one of the scenario's groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberAddr {
    /// The group id.
    pub group: String,
    /// The group's index in the scenario's `consumer_groups`.
    pub group_index: u16,
    /// The member's number, from 1.
    pub member: u16,
}

impl MemberAddr {
    /// The member as delivery facts name it.
    pub fn member_ref(&self) -> MemberRef {
        MemberRef {
            group: self.group_index,
            member: self.member,
        }
    }

    /// Splits `GROUP/N` into the group id and the number (from 1); the error is the message after the
    /// key path.
    pub fn parse(text: &str) -> Result<(String, u16), String> {
        let parsed = text
            .rsplit_once('/')
            .filter(|(g, _)| !g.is_empty())
            .and_then(|(g, n)| {
                let digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
                (digits.then(|| n.parse::<u16>().ok()).flatten())
                    .filter(|n| *n >= 1)
                    .map(|n| (g.to_owned(), n))
            });
        parsed.ok_or_else(|| {
            format!(
                "invalid member {text:?}: expected GROUP/N, the group id and the member's number from 1, e.g. \
                 \"data-platform-group/1\""
            )
        })
    }
}

impl fmt::Display for MemberAddr {
    /// `GROUP/N`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.group, self.member)
    }
}

/// Whom a `set_processing` fault changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum MemberTarget {
    /// One member (`member = "GROUP/N"`).
    Member(MemberAddr),
    /// Every member of a group, including those added later (`group = "GROUP"`).
    Group {
        /// The group id.
        group: String,
        /// The group's index in the scenario's `consumer_groups`.
        group_index: u16,
    },
}

/// A fault of consumer group members.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum MemberFault {
    /// `crash_member`: the member's process dies at once: no commit, no LeaveGroup; the coordinator notices
    /// after `session.timeout.ms`.
    Crash(MemberAddr),
    /// `restart_member`: a crashed (or closed) member's process starts again with the same
    /// configuration: a static member rejoins under its `group.instance.id`.
    Restart(MemberAddr),
    /// `close_member`: `KafkaConsumer.close()`: an auto-commit member commits, then the member sends
    /// LeaveGroup (a static member does not: Kafka 3.7 keeps it until its session expires).
    Close(MemberAddr),
    /// `pause_member`: the member stalls for `duration`, then resumes where it was. `kind = "gc"`
    /// (the default) freezes the whole process (a stop-the-world GC pause, SIGSTOP): no heartbeats
    /// either, so `session.timeout.ms` can expire. `kind = "slow_downstream"` stalls only the poll
    /// loop (a slow database call): the heartbeat thread beats on, so only `max.poll.interval.ms`
    /// can expire.
    Pause {
        /// The member.
        member: MemberAddr,
        /// How long it is stalled.
        duration: SimTime,
        /// What stalls.
        kind: PauseKind,
    },
    /// `set_processing`: a new processing time per record from now on.
    SetProcessing {
        /// The member(s).
        target: MemberTarget,
        /// The new processing time.
        processing: ProcessingTime,
    },
    /// `add_member`: a new member starts (and joins the group).
    Add {
        /// The new member (its number follows the group's earlier members).
        member: MemberAddr,
        /// Its own properties over the group's `config`, in file order (`config = { ... }`).
        overrides: Vec<(String, String)>,
        /// Its effective, checked configuration (boxed: it is large).
        config: Box<ConsumerConfig>,
    },
}

/// What a `pause_member` stalls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum PauseKind {
    /// `"gc"`: the whole process (both threads).
    #[default]
    Gc,
    /// `"slow_downstream"`: the application's poll loop only.
    SlowDownstream,
}

impl PauseKind {
    /// Its name in a scenario file.
    pub fn name(self) -> &'static str {
        match self {
            PauseKind::Gc => "gc",
            PauseKind::SlowDownstream => "slow_downstream",
        }
    }

    /// Parses `gc` or `slow_downstream`.
    pub fn parse(text: &str) -> Result<PauseKind, String> {
        match text {
            "gc" => Ok(PauseKind::Gc),
            "slow_downstream" => Ok(PauseKind::SlowDownstream),
            other => Err(format!(
                "unknown pause kind {other:?}: expected \"gc\" (the whole process freezes) or \"slow_downstream\" (only the poll loop stalls)"
            )),
        }
    }
}

impl MemberFault {
    /// The action's name in a scenario file, e.g. `crash_member`.
    pub fn name(&self) -> &'static str {
        match self {
            MemberFault::Crash(_) => "crash_member",
            MemberFault::Restart(_) => "restart_member",
            MemberFault::Close(_) => "close_member",
            MemberFault::Pause { .. } => "pause_member",
            MemberFault::SetProcessing { .. } => "set_processing",
            MemberFault::Add { .. } => "add_member",
        }
    }
}

/// The members `add_member` faults add: per fault index, the group's index and the new member's number.
#[derive(Clone, Debug, Default)]
pub(crate) struct AddedMembers {
    /// `(at, fault index, group index, number)`, sorted by `(at, fault index)`.
    added: Vec<(SimTime, usize, usize, u32)>,
}

impl AddedMembers {
    /// Numbers the members of the well-formed `add_member` entries among `raws` (others are refused later,
    /// when their entry is checked).
    pub(crate) fn new(raws: &[RawFault], groups: &[ConsumerGroupSpec]) -> AddedMembers {
        let mut adds: Vec<(SimTime, usize, usize)> = raws
            .iter()
            .enumerate()
            .filter(|(_, r)| r.action == "add_member")
            .filter_map(|(i, r)| {
                let g = groups
                    .iter()
                    .position(|g| Some(&g.group_id) == r.group.as_ref())?;
                Some((r.at.resolve().ok()?, i, g))
            })
            .collect();
        crate::sort::sort(&mut adds);
        let mut next: Vec<u32> = groups.iter().map(|g| g.members.len() as u32).collect();
        let added = adds
            .into_iter()
            .map(|(at, i, g)| {
                next[g] += 1;
                (at, i, g, next[g])
            })
            .collect();
        AddedMembers { added }
    }

    fn by_fault(&self, index: usize) -> Option<&(SimTime, usize, usize, u32)> {
        self.added.iter().find(|a| a.1 == index)
    }

    fn by_member(&self, group: usize, number: u32) -> Option<&(SimTime, usize, usize, u32)> {
        self.added.iter().find(|a| a.2 == group && a.3 == number)
    }

    fn count(&self, group: usize) -> u32 {
        self.added.iter().filter(|a| a.2 == group).count() as u32
    }
}

fn find_group<'a>(
    groups: &'a [ConsumerGroupSpec],
    id: &str,
) -> Result<(usize, &'a ConsumerGroupSpec), String> {
    groups
        .iter()
        .enumerate()
        .find(|(_, g)| g.group_id == id)
        .ok_or_else(|| format!("unknown consumer group '{id}': {}", groups_listed(groups)))
}

fn index_u16(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

impl RawFault {
    /// Checks a member fault entry (`self.action` is one of the member actions).
    pub(super) fn build_member(
        &self,
        path: &str,
        index: usize,
        at: SimTime,
        cx: &FaultContext<'_>,
        warnings: &mut Vec<ScenarioWarning>,
    ) -> Result<MemberFault, ScenarioError> {
        let err = |key: &str, message: String| ScenarioError::invalid(format!("{path}.{key}"), message);
        let action = self.action.as_str();
        if action == "add_member" {
            let Some(id) = &self.group else {
                return Err(err("group", "required for action \"add_member\"".to_owned()));
            };
            let (g, group) = find_group(cx.groups, id).map_err(|m| err("group", m))?;
            let number = cx.added.by_fault(index).map_or(0, |a| a.3);
            if number == 0 || number > MAX_GROUP_MEMBERS {
                return Err(err(
                    "group",
                    format!("group '{id}' would have more than {MAX_GROUP_MEMBERS} members"),
                ));
            }
            let overrides = self.config.as_ref().map(|c| c.0.clone()).unwrap_or_default();
            let config = group.member_config(&overrides, &format!("{path}.config"), warnings)?;
            return Ok(MemberFault::Add {
                member: MemberAddr {
                    group: id.clone(),
                    group_index: index_u16(g),
                    member: u16::try_from(number).unwrap_or(u16::MAX),
                },
                overrides,
                config: Box::new(config),
            });
        }
        if action == "set_processing"
            && let (Some(id), None) = (&self.group, &self.member)
        {
            let (g, _) = find_group(cx.groups, id).map_err(|m| err("group", m))?;
            return Ok(MemberFault::SetProcessing {
                target: MemberTarget::Group {
                    group: id.clone(),
                    group_index: index_u16(g),
                },
                processing: self.processing(path)?,
            });
        }
        let member = match (&self.member, &self.group) {
            (Some(m), None) => self.member_addr(m, index, at, cx).map_err(|m| err("member", m))?,
            (Some(_), Some(_)) => {
                return Err(err(
                    "group",
                    "give either member (one member) or group (every member), not both".to_owned(),
                ));
            }
            (None, _) => {
                return Err(err(
                    "member",
                    format!("required for action {action:?}, e.g. member = \"data-platform-group/1\""),
                ));
            }
        };
        Ok(match action {
            "crash_member" => MemberFault::Crash(member),
            "restart_member" => MemberFault::Restart(member),
            "close_member" => MemberFault::Close(member),
            "pause_member" => {
                let Some(d) = &self.duration else {
                    return Err(err("duration", "required for action \"pause_member\"".to_owned()));
                };
                let duration = d.resolve().map_err(|m| err("duration", m))?;
                if duration == SimTime::ZERO {
                    return Err(err("duration", "must be greater than 0".to_owned()));
                }
                let kind = match &self.kind {
                    Some(k) => PauseKind::parse(k).map_err(|m| err("kind", m))?,
                    None => PauseKind::Gc,
                };
                MemberFault::Pause {
                    member,
                    duration,
                    kind,
                }
            }
            _ => MemberFault::SetProcessing {
                target: MemberTarget::Member(member),
                processing: self.processing(path)?,
            },
        })
    }

    fn processing(&self, path: &str) -> Result<ProcessingTime, ScenarioError> {
        match &self.processing {
            Some(p) => p
                .resolve()
                .map_err(|(suffix, m)| ScenarioError::invalid(format!("{path}.processing{suffix}"), m)),
            None => Err(ScenarioError::invalid(
                format!("{path}.processing"),
                "required for action \"set_processing\"",
            )),
        }
    }

    /// Resolves `GROUP/N` against the groups and the members added before this fault fires.
    fn member_addr(
        &self,
        text: &str,
        index: usize,
        at: SimTime,
        cx: &FaultContext<'_>,
    ) -> Result<MemberAddr, String> {
        let (id, number) = MemberAddr::parse(text)?;
        let (g, group) = find_group(cx.groups, &id)?;
        if at < group.start {
            return Err(format!(
                "the members of group '{id}' start at {} (its start), after this fault",
                format_duration(group.start)
            ));
        }
        let initial = group.members.len() as u32;
        let n = u32::from(number);
        if n > initial {
            match cx.added.by_member(g, n) {
                Some(&(add_at, add_index, _, _)) if (add_at, add_index) > (at, index) => {
                    return Err(format!(
                        "member {n} of group '{id}' is added by faults[{add_index}] at {}, after this fault",
                        format_duration(add_at)
                    ));
                }
                Some(_) => {}
                None => {
                    let added = cx.added.count(g);
                    let later = if added == 0 {
                        String::new()
                    } else {
                        format!(
                            ", and {} to {} added by add_member faults",
                            initial + 1,
                            initial + added
                        )
                    };
                    return Err(format!(
                        "member {n} of group '{id}' does not exist: it has members 1 to {initial}{later}"
                    ));
                }
            }
        }
        Ok(MemberAddr {
            group: id,
            group_index: index_u16(g),
            member: number,
        })
    }
}
