//! The swarm's consumer group: a seeded share of cases also runs one group on [`TOPIC`] with seeded
//! member faults mixed into the broker faults, and is checked after the final heal.
//!
//! A group case draws 1 to 4 members (some static), at-least-once commits (`enable.auto.commit` or a
//! `commitSync` after each processed batch), an assignor (eager `range`, `roundrobin`, `sticky`, or
//! `cooperative-sticky`), and session, heartbeat, poll interval, `max.poll.records` and processing
//! times inside Kafka's valid ranges, with a base batch (`max.poll.records` x processing time) that
//! fits well inside `max.poll.interval.ms`. Its faults (written as scenario `[[faults]]`, so
//! [`GroupCase::faults_toml`] replays them with `kafka-sim run`) are `crash_member`,
//! `restart_member`, `close_member`, `pause_member`, `set_processing` (sometimes slow enough to
//! overrun the poll interval), `add_member` and a crash of `coordinator:GROUP`. At the final heal,
//! every member gets the base processing time back, and until [`MEMBER_RESTARTS_UNTIL`] after it
//! every crashed or closed member is restarted ([`restart_stopped_members`]).
//!
//! [`check_group`] then asks, at the end of the run:
//! - (a) no offset below the group's final committed offset was skipped (the delivery oracle's
//!   `skipped`; both commit modes are at-least-once);
//! - (b) the coordinator (the live leader of the group's `__consumer_offsets` partition) has the
//!   group `Stable`, its members are exactly the running members, and their assignments cover every
//!   partition of [`TOPIC`] exactly once;
//! - (c) every member is `Stable` in the coordinator's generation, with the assignment the
//!   coordinator holds for it.

use super::TOPIC;
use crate::group::consumer::{Lifecycle, MemberState};
use crate::group::coordinator::GroupState;
use crate::group::offsets_partition_for;
use crate::group::wire::NamedPartition;
use crate::rng::SimRng;
use crate::scenario::{FaultAction, FaultSpec, MemberAddr, MemberFault, OFFSETS_TOPIC};
use crate::sim::Simulation;
use crate::time::SimTime;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The group every group case runs.
pub const GROUP: &str = "g";

/// Until when after the final heal stopped members are restarted. A member closing at the heal
/// stops only once its batch is processed and its `commitSync` is answered or times out
/// (`default.api.timeout.ms`, 60 s), and a request to a broker that was down waits out
/// `request.timeout.ms` (30 s).
pub const MEMBER_RESTARTS_UNTIL: SimTime = SimTime::from_secs(90);

/// The most members a case's group has, counting added ones.
pub const MAX_MEMBERS: u16 = 6;

/// A member fault of a group case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupFault {
    /// `crash_member` of member N.
    Crash(u16),
    /// `restart_member` of member N.
    Restart(u16),
    /// `close_member` of member N.
    Close(u16),
    /// `pause_member` of member N for a while.
    Pause(u16, SimTime),
    /// `set_processing` of member N (or every member, with `None`) to a fixed time per record.
    SetProcessing(Option<u16>, SimTime),
    /// `add_member` (it gets the next number).
    Add,
    /// `crash` of `coordinator:GROUP`.
    CrashCoordinator,
}

/// A seed's consumer group: its configuration and member faults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupCase {
    /// Members started at time zero, 1 to 4.
    pub members: u16,
    /// Which of them (by number) are static (`group.instance.id = "m-N"`).
    pub static_members: Vec<u16>,
    /// `commit = "manual"` (commitSync after each batch); else `enable.auto.commit=true`.
    pub manual_commit: bool,
    /// `partition.assignment.strategy`.
    pub assignor: &'static str,
    /// `session.timeout.ms`, 6000 (the broker's `group.min.session.timeout.ms`) to 30000.
    pub session_ms: u64,
    /// `heartbeat.interval.ms`, below a third of the session timeout.
    pub heartbeat_ms: u64,
    /// `max.poll.interval.ms` (the rebalance timeout), 5000 to 40000.
    pub max_poll_interval_ms: u64,
    /// `max.poll.records`.
    pub max_poll_records: u32,
    /// `auto.commit.interval.ms` (auto commit only).
    pub auto_commit_interval_ms: u64,
    /// The base processing time per record: a batch takes at most a third of the poll interval.
    pub processing: SimTime,
    /// `offsets.topic.num.partitions` of the cluster.
    pub offsets_partitions: u32,
    /// The member faults, in time order, all before the final heal.
    pub faults: Vec<(SimTime, GroupFault)>,
}

/// `partition.assignment.strategy` values: the eager assignors, the cooperative one, and Kafka's
/// default list (which resolves to eager `range`).
const ASSIGNORS: [&str; 5] = [
    "org.apache.kafka.clients.consumer.RangeAssignor",
    "org.apache.kafka.clients.consumer.RoundRobinAssignor",
    "org.apache.kafka.clients.consumer.StickyAssignor",
    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
    "org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
];

impl GroupCase {
    /// Draws a group case; `fault_window` bounds the fault times.
    pub fn draw(rng: &mut SimRng, fault_window: SimTime) -> GroupCase {
        let members = rng.range_inclusive(1, 4) as u16;
        let static_members = if rng.below(3) == 0 {
            (1..=members).filter(|_| rng.below(2) == 0).collect()
        } else {
            Vec::new()
        };
        let manual_commit = rng.below(2) == 0;
        let assignor = ASSIGNORS[rng.below(ASSIGNORS.len() as u64) as usize];
        let session_ms = rng.range_inclusive(6_000, 30_000);
        let heartbeat_ms = rng.range_inclusive(500, session_ms / 3);
        let max_poll_interval_ms = rng.range_inclusive(5_000, 40_000);
        let max_poll_records = [2, 10, 50, 200, 500][rng.below(5) as usize];
        let auto_commit_interval_ms = rng.range_inclusive(100, 5_000);
        // A batch takes at most a third of the poll interval.
        let max_us = max_poll_interval_ms * 1_000 / 3 / u64::from(max_poll_records);
        let processing = SimTime::from_micros(rng.range_inclusive(0, max_us.min(20_000)));
        let offsets_partitions = rng.range_inclusive(1, 5) as u32;
        let n = rng.range_inclusive(0, 8);
        let window_ms = fault_window.as_micros() / 1_000;
        let mut times: Vec<SimTime> = (0..n)
            .map(|_| SimTime::from_millis(rng.range_inclusive(2_000, window_ms.saturating_sub(1_000))))
            .collect();
        times.sort();
        let mut count = members;
        let mut faults = Vec::new();
        for at in times {
            let m = rng.range_inclusive(1, u64::from(count)) as u16;
            let f = match rng.below(12) {
                0..=2 => GroupFault::Crash(m),
                3 | 4 => GroupFault::Restart(m),
                5 => GroupFault::Close(m),
                6 | 7 => GroupFault::Pause(m, SimTime::from_millis(rng.range_inclusive(100, 20_000))),
                8 => {
                    // Sometimes slow enough to overrun the poll interval (a poll timeout).
                    let per_record = if rng.below(2) == 0 {
                        rng.range_inclusive(0, max_us.max(1))
                    } else {
                        max_poll_interval_ms * 1_000 / u64::from(max_poll_records) * 2
                    };
                    let who = (rng.below(2) == 0).then_some(m);
                    GroupFault::SetProcessing(who, SimTime::from_micros(per_record))
                }
                9 | 10 if count < MAX_MEMBERS => {
                    count += 1;
                    GroupFault::Add
                }
                _ => GroupFault::CrashCoordinator,
            };
            faults.push((at, f));
        }
        GroupCase {
            members,
            static_members,
            manual_commit,
            assignor,
            session_ms,
            heartbeat_ms,
            max_poll_interval_ms,
            max_poll_records,
            auto_commit_interval_ms,
            processing,
            offsets_partitions,
            faults,
        }
    }

    /// Members started or added over the run.
    pub fn total_members(&self) -> u16 {
        self.members
            + (self.faults.iter())
                .filter(|(_, f)| *f == GroupFault::Add)
                .count() as u16
    }

    /// The `[cluster.config]` lines the group needs.
    pub fn cluster_toml(&self) -> String {
        format!(
            "\"offsets.topic.replication.factor\" = 3\n\"offsets.topic.num.partitions\" = {}\n\
             \"group.initial.rebalance.delay.ms\" = 0\n",
            self.offsets_partitions
        )
    }

    /// The `[[consumer_groups]]` entry.
    pub fn group_toml(&self) -> String {
        let members: Vec<String> = (1..=self.members)
            .map(|n| {
                if self.static_members.contains(&n) {
                    format!("{{ \"group.instance.id\" = \"m-{n}\" }}")
                } else {
                    "{}".to_owned()
                }
            })
            .collect();
        let mut s = format!(
            "[[consumer_groups]]\n\"group.id\" = \"{GROUP}\"\ntopics = [\"{TOPIC}\"]\nmembers = [{}]\n\
             processing = \"{}us\"\ncommit = \"{}\"\n[consumer_groups.config]\n\
             \"auto.offset.reset\" = \"earliest\"\n\"session.timeout.ms\" = {}\n\
             \"heartbeat.interval.ms\" = {}\n\"max.poll.interval.ms\" = {}\n\"max.poll.records\" = {}\n\
             \"partition.assignment.strategy\" = \"{}\"\n",
            members.join(", "),
            self.processing.as_micros(),
            if self.manual_commit { "manual" } else { "auto" },
            self.session_ms,
            self.heartbeat_ms,
            self.max_poll_interval_ms,
            self.max_poll_records,
            self.assignor,
        );
        if !self.manual_commit {
            let _ = writeln!(
                s,
                "\"auto.commit.interval.ms\" = {}",
                self.auto_commit_interval_ms
            );
        }
        s
    }

    /// The member faults as `[[faults]]` entries, then the heal's: the base processing time for
    /// every member (the restarts after the heal are [`restart_stopped_members`]'s).
    pub fn faults_toml(&self, heal_at: SimTime) -> String {
        let mut s = String::new();
        let mut entry = |at: SimTime, body: String| {
            let _ = write!(s, "[[faults]]\nat = \"{}ms\"\n{body}", at.as_micros() / 1_000);
        };
        let member = |n: u16| format!("member = \"{GROUP}/{n}\"\n");
        let mut added = self.members;
        for (at, f) in &self.faults {
            let body = match f {
                GroupFault::Crash(n) => format!("action = \"crash_member\"\n{}", member(*n)),
                GroupFault::Restart(n) => format!("action = \"restart_member\"\n{}", member(*n)),
                GroupFault::Close(n) => format!("action = \"close_member\"\n{}", member(*n)),
                GroupFault::Pause(n, d) => format!(
                    "action = \"pause_member\"\n{}duration = \"{}ms\"\n",
                    member(*n),
                    d.as_micros() / 1_000
                ),
                GroupFault::SetProcessing(who, p) => {
                    let whom = who.map_or_else(|| format!("group = \"{GROUP}\"\n"), member);
                    format!(
                        "action = \"set_processing\"\n{whom}processing = \"{}us\"\n",
                        p.as_micros()
                    )
                }
                GroupFault::Add => {
                    added += 1;
                    // With static members, every second added member is static too.
                    let id = if !self.static_members.is_empty() && added.is_multiple_of(2) {
                        format!("config = {{ \"group.instance.id\" = \"m-{added}\" }}\n")
                    } else {
                        String::new()
                    };
                    format!("action = \"add_member\"\ngroup = \"{GROUP}\"\n{id}")
                }
                GroupFault::CrashCoordinator => {
                    format!("action = \"crash\"\nbroker = \"coordinator:{GROUP}\"\n")
                }
            };
            entry(*at, body);
        }
        entry(
            heal_at,
            format!(
                "action = \"set_processing\"\ngroup = \"{GROUP}\"\nprocessing = \"{}us\"\n",
                self.processing.as_micros()
            ),
        );
        s
    }

    /// A one-line summary for the swarm's output.
    pub fn summary(&self) -> String {
        format!(
            "group: {} members ({} static), {} commit, {}, session {} ms, heartbeat {} ms, \
             max.poll.interval {} ms, max.poll.records {}, processing {} us, {} member faults",
            self.members,
            self.static_members.len(),
            if self.manual_commit { "manual" } else { "auto" },
            self.assignor,
            self.session_ms,
            self.heartbeat_ms,
            self.max_poll_interval_ms,
            self.max_poll_records,
            self.processing.as_micros(),
            self.faults.len(),
        )
    }
}

/// The group's state at the end of a run, as [`check_group`] found it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupOutcome {
    /// Offsets below the committed offset that no member processed.
    pub skipped: u64,
    /// Distinct offsets processed.
    pub consumed: u64,
    /// Offsets processed more than once.
    pub processed_twice: u64,
    /// What is wrong with the group at the end (empty: Stable, every partition owned once, every
    /// member in the coordinator's generation).
    pub problems: Vec<String>,
}

/// Checks (b) and (c) of the module documentation now; empty when the group is settled.
pub fn group_problems(sim: &Simulation, partitions: u32, offsets_partitions: u32) -> Vec<String> {
    let mut problems = Vec::new();
    let op = offsets_partition_for(GROUP, offsets_partitions);
    let coordinator = sim
        .topic_partition(OFFSETS_TOPIC, op)
        .and_then(|tp| sim.leader_of(tp))
        .filter(|b| (sim.broker_node(*b)).is_some_and(|n| sim.kernel().is_up(n)));
    let Some(coordinator) = coordinator else {
        return vec![format!(
            "no live leader of {OFFSETS_TOPIC}-{op}, the group's coordinator"
        )];
    };
    let view = (sim
        .broker(coordinator)
        .map(|b| b.group_views())
        .unwrap_or_default())
    .into_iter()
    .find(|g| g.group_id == GROUP);
    let Some(view) = view else {
        return vec![format!(
            "coordinator {} has not loaded group {GROUP}",
            coordinator.0
        )];
    };
    if view.state != GroupState::Stable {
        problems.push(format!(
            "group {:?} in generation {} at coordinator {}",
            view.state, view.generation, coordinator.0
        ));
    }
    let members = sim.member_views(0);
    let running: Vec<_> = (members.iter())
        .filter(|(_, up, v)| *up && v.lifecycle == Lifecycle::Running)
        .collect();
    for (m, up, v) in &members {
        if !*up || v.lifecycle != Lifecycle::Running {
            problems.push(format!(
                "member {GROUP}/{} is {:?} (up: {up})",
                m.member, v.lifecycle
            ));
        }
    }
    let mut owners: BTreeMap<NamedPartition, Vec<String>> = BTreeMap::new();
    for (m, _, v) in &running {
        let name = format!("{GROUP}/{} ({})", m.member, v.member_id);
        let Some(cm) = view.members.iter().find(|c| c.member_id == v.member_id) else {
            problems.push(format!(
                "member {name} ({} in generation {}, coordinator {:?}) is not among the members of \
                 coordinator {} ({:?}, generation {})",
                v.state.name(),
                v.generation,
                v.coordinator.map(|b| b.0),
                coordinator.0,
                view.state,
                view.generation
            ));
            continue;
        };
        if v.state != MemberState::Stable || v.generation != view.generation {
            problems.push(format!(
                "member {name} is {} in generation {}, the coordinator's is {}",
                v.state.name(),
                v.generation,
                view.generation
            ));
        }
        let mut mine = v.assigned.clone();
        mine.sort();
        let mut theirs = cm.assignment.clone();
        theirs.sort();
        if mine != theirs {
            problems.push(format!(
                "member {name} owns {} but the coordinator assigned it {}",
                names(&mine),
                names(&theirs)
            ));
        }
        for p in mine {
            owners.entry(p).or_default().push(name.clone());
        }
    }
    for c in &view.members {
        if !running.iter().any(|(_, _, v)| v.member_id == c.member_id) {
            problems.push(format!(
                "the coordinator keeps member {} that no running member is",
                c.member_id
            ));
        }
    }
    for p in 0..partitions {
        let np = NamedPartition {
            topic: TOPIC.to_owned(),
            partition: p as i32,
        };
        match owners.get(&np).map(Vec::as_slice) {
            None | Some([]) => problems.push(format!("{TOPIC}-{p} is owned by no member")),
            Some([_]) => {}
            Some(many) => problems.push(format!("{TOPIC}-{p} is owned by {}", many.join(", "))),
        }
    }
    problems
}

fn names(ps: &[NamedPartition]) -> String {
    let v: Vec<String> = ps
        .iter()
        .map(|p| format!("{}-{}", p.topic, p.partition))
        .collect();
    format!("[{}]", v.join(", "))
}

/// Restarts (`restart_member`) every member of the group that is down or closed.
pub fn restart_stopped_members(sim: &mut Simulation) {
    let stopped: Vec<u16> = (sim.member_views(0).into_iter())
        .filter(|(_, up, v)| !*up || matches!(v.lifecycle, Lifecycle::Closed | Lifecycle::Crashed))
        .map(|(m, _, _)| m.member)
        .collect();
    let at = sim.now();
    for member in stopped {
        let addr = MemberAddr {
            group: GROUP.to_owned(),
            group_index: 0,
            member,
        };
        sim.schedule_scenario_fault(&FaultSpec {
            at,
            action: FaultAction::Member(MemberFault::Restart(addr)),
        });
    }
}

/// The group's outcome at the end of a run: the delivery oracle's counts and [`group_problems`].
pub fn check_group(sim: &mut Simulation, partitions: u32, case: &GroupCase) -> GroupOutcome {
    let report = sim.delivery_report(0).unwrap_or_default();
    GroupOutcome {
        skipped: report.skipped,
        consumed: report.consumed,
        processed_twice: report.processed_twice,
        problems: group_problems(sim, partitions, case.offsets_partitions),
    }
}
