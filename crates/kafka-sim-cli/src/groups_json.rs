//! The consumer-group parts of `kafka-sim run`'s report: `groups.<group.id>` and the group events.
//!
//! Per group: `state`, `generation`, `protocol`, `coordinator` (the broker that has it loaded, null
//! when none), `rebalances`, `rebalance_reasons` (reason → count), `removals` (cause → count),
//! `consumed`, `processed_once`, `processed_twice`, `reprocessed_causes`, `skipped`,
//! `commit_failures`, `lag`, `max_lag`, `stuck` (members stuck on a poison pill: `member`, `partition`,
//! `offset`, `failed_polls`), and `members` (`member_id`, `instance_id`, `partitions`) as
//! the coordinator holds them.

use crate::json::Json;
use kafka_sim::Simulation;
use kafka_sim::cluster::ClusterEvent;
use kafka_sim::group::coordinator::GroupEvent;
use std::collections::BTreeMap;

/// One group's report line for the readable summary and its JSON.
pub struct GroupReport {
    /// `group.id`.
    pub group_id: String,
    /// The JSON object.
    pub json: Json,
    /// A one-line summary.
    pub line: String,
}

fn counts(m: &BTreeMap<&'static str, u64>) -> Json {
    Json::Obj(m.iter().map(|(k, v)| ((*k).to_owned(), Json::UInt(*v))).collect())
}

/// Members stuck on a record they cannot deserialize: member number, partition, offset, failed polls.
fn stuck_members(sim: &Simulation, group: u16) -> Json {
    Json::Arr(
        (sim.member_views(group).into_iter())
            .filter_map(|(m, _, v)| {
                let (tp, offset, polls) = v.stuck_on?;
                Some(Json::obj([
                    ("member", Json::UInt(u64::from(m.member))),
                    ("partition", Json::str(tp.to_string())),
                    ("offset", Json::Int(offset)),
                    ("failed_polls", Json::UInt(polls)),
                ]))
            })
            .collect(),
    )
}

/// The report of every group of the simulation (drains the members' delivery facts first).
pub fn group_reports(sim: &mut Simulation) -> Vec<GroupReport> {
    let ids: Vec<String> = sim.group_setups().map(|g| g.group_id.clone()).collect();
    let mut out = Vec::new();
    for (i, id) in ids.into_iter().enumerate() {
        let gi = u16::try_from(i).unwrap_or(u16::MAX);
        let Some(d) = sim.delivery_report(gi) else {
            continue;
        };
        let view = sim.group_view(&id);
        let stats = sim.rebalance_stats(&id);
        let (state, generation, protocol, coordinator, members) = match &view {
            Some((b, v)) => (
                Json::str(v.state.to_string()),
                Json::Int(i64::from(v.generation)),
                v.protocol.clone().map_or(Json::Null, Json::str),
                Json::Int(i64::from(b.0)),
                Json::Arr(
                    (v.members.iter())
                        .map(|m| {
                            Json::obj([
                                ("member_id", Json::str(m.member_id.clone())),
                                ("instance_id", m.instance_id.clone().map_or(Json::Null, Json::str)),
                                (
                                    "partitions",
                                    Json::Arr(
                                        m.assignment.iter().map(|p| Json::str(p.to_string())).collect(),
                                    ),
                                ),
                            ])
                        })
                        .collect(),
                ),
            ),
            None => (
                Json::str("Dead"),
                Json::Int(-1),
                Json::Null,
                Json::Null,
                Json::Arr(Vec::new()),
            ),
        };
        let c = &d.reprocessed_causes;
        let line = format!(
            "group {id}: {} generation {} protocol {}, {} rebalances {:?}; consumed {}, processed twice {} \
             (crash {}, commit failure {}, rebalance {}, unknown {}), skipped {}, commit failures {}, lag {} \
             (max {})",
            view.as_ref()
                .map_or_else(|| "Dead".to_owned(), |(_, v)| v.state.to_string()),
            view.as_ref().map_or(-1, |(_, v)| v.generation),
            view.as_ref()
                .and_then(|(_, v)| v.protocol.clone())
                .unwrap_or_else(|| "-".into()),
            stats.rebalances,
            stats.reasons,
            d.consumed,
            d.processed_twice,
            c.crash,
            c.commit_failure,
            c.rebalance,
            c.unknown,
            d.skipped,
            d.commit_failures,
            d.lag,
            d.max_lag,
        );
        let json = Json::obj([
            ("state", state),
            ("generation", generation),
            ("protocol", protocol),
            ("coordinator", coordinator),
            ("rebalances", Json::UInt(stats.rebalances)),
            ("rebalance_reasons", counts(&stats.reasons)),
            ("removals", counts(&stats.removals)),
            ("consumed", Json::UInt(d.consumed)),
            ("processed_once", Json::UInt(d.processed_once)),
            ("processed_twice", Json::UInt(d.processed_twice)),
            (
                "reprocessed_causes",
                Json::obj([
                    ("crash", Json::UInt(c.crash)),
                    ("commit_failure", Json::UInt(c.commit_failure)),
                    ("rebalance", Json::UInt(c.rebalance)),
                    ("unknown", Json::UInt(c.unknown)),
                ]),
            ),
            ("skipped", Json::UInt(d.skipped)),
            ("commit_failures", Json::UInt(d.commit_failures)),
            ("lag", Json::UInt(d.lag)),
            ("max_lag", Json::UInt(d.max_lag)),
            ("members", members),
            ("stuck", stuck_members(sim, gi)),
        ]);
        out.push(GroupReport {
            group_id: id,
            json,
            line,
        });
    }
    out
}

/// A group or consumer event as a report event (`t_ms` and `kind` first), if it is one.
pub fn group_event_json(sim: &Simulation, t: (&'static str, Json), event: &ClusterEvent) -> Option<Json> {
    let s = |v: &str| Json::str(v);
    Some(match event {
        ClusterEvent::Group { broker, event } => {
            let b = ("coordinator", Json::Int(i64::from(broker.0)));
            match event {
                GroupEvent::MemberJoined {
                    group,
                    member,
                    instance_id,
                } => Json::obj([
                    t,
                    ("kind", s("member_joined")),
                    ("group", s(group)),
                    ("member_id", s(member)),
                    ("instance_id", instance_id.clone().map_or(Json::Null, Json::str)),
                    b,
                ]),
                GroupEvent::MemberRemoved {
                    group,
                    member,
                    reason,
                } => Json::obj([
                    t,
                    ("kind", s("member_removed")),
                    ("group", s(group)),
                    ("member_id", s(member)),
                    ("reason", s(kafka_sim::sim::reason_category(reason))),
                    ("detail", s(reason)),
                    b,
                ]),
                GroupEvent::RebalanceStarted {
                    group,
                    old_generation,
                    reason,
                } => Json::obj([
                    t,
                    ("kind", s("rebalance_started")),
                    ("group", s(group)),
                    ("old_generation", Json::Int(i64::from(*old_generation))),
                    ("reason", s(kafka_sim::sim::reason_category(reason))),
                    ("detail", s(reason)),
                    b,
                ]),
                GroupEvent::RebalanceCompleted {
                    group,
                    generation,
                    protocol,
                    assignment,
                    ..
                } => Json::obj([
                    t,
                    ("kind", s("rebalance_completed")),
                    ("group", s(group)),
                    ("generation", Json::Int(i64::from(*generation))),
                    ("protocol", protocol.clone().map_or(Json::Null, Json::str)),
                    (
                        "assignment",
                        Json::Obj(
                            (assignment.iter())
                                .map(|(m, ps)| {
                                    (
                                        m.clone(),
                                        Json::Arr(ps.iter().map(|p| Json::str(p.to_string())).collect()),
                                    )
                                })
                                .collect(),
                        ),
                    ),
                    b,
                ]),
                _ => return None,
            }
        }
        ClusterEvent::Consumer {
            member,
            level,
            message,
        } => {
            let group = (sim.group_setups().nth(usize::from(member.group)))
                .map_or_else(String::new, |g| g.group_id.clone());
            let kind = if message.contains("CommitFailedException") || message.contains("commit of offsets") {
                "commit_failed"
            } else if message.contains("poll timeout has expired") {
                "poll_timeout"
            } else if message.contains("SerializationException") || message.contains("deserializ") {
                "poison_record"
            } else {
                "consumer_log"
            };
            Json::obj([
                t,
                ("kind", s(kind)),
                ("group", s(&group)),
                ("member", Json::UInt(u64::from(member.member))),
                ("level", s(level)),
                ("message", s(message)),
            ])
        }
        _ => return None,
    })
}
