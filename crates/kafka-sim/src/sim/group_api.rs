//! The consumer side of [`Simulation`]: consumer group members as nodes, their start times, the
//! member faults of scenarios, lag sampling, and the delivery oracle they feed.
//!
//! Members are kernel nodes added after the producers, each when its group starts (or when an
//! `add_member` fault fires), so node ids follow the order members start in. Delivery facts are
//! batch-level ([`crate::group::delivery`]); the simulation drains them from the nodes at every lag
//! sample and at report time, never per record.

use super::Simulation;
use crate::cluster::{ClusterNode, ConsumerNode};
use crate::config::ConsumerConfig;
use crate::group::assignor::{AssignMember, assign, assignor_by_name};
use crate::group::consumer::{CommitMode, ConsumerSetup, ConsumerView, Processing, SubscribedTopic};
use crate::group::delivery::MemberRef;
use crate::group::wire::{JoinGroupMember, NamedPartition};
use crate::ids::{BrokerId, NodeId};
use crate::oracle::delivery::{DeliveryFacts, DeliveryReport, FinalOffsets, LagSeries};
use crate::record::TopicPartition;
use crate::scenario::{self, ConsumerGroupSpec, MemberFault, MemberTarget, ProcessingTime};
use crate::time::SimTime;
use std::collections::BTreeMap;

/// How often each group's lag is sampled.
pub const LAG_SAMPLE_INTERVAL: SimTime = SimTime::from_secs(1);

/// A consumer group the simulation runs.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupSetup {
    /// `group.id`.
    pub group_id: String,
    /// The topics its members subscribe to.
    pub topics: Vec<String>,
    /// The members started with the group: number (from 1) and effective configuration.
    pub members: Vec<(u16, ConsumerConfig)>,
    /// Processing time per record.
    pub processing: Processing,
    /// When members commit.
    pub commit: CommitMode,
    /// When the members start.
    pub start: SimTime,
}

/// The simulation's processing model of a scenario's processing time.
pub fn processing_of(p: ProcessingTime) -> Processing {
    match p {
        ProcessingTime::Fixed(d) => Processing::Fixed(d),
        ProcessingTime::Uniform { min, max } => Processing::Uniform { min, max },
        ProcessingTime::Exponential { mean } => Processing::Exponential { mean },
    }
}

fn commit_of(c: scenario::CommitMode) -> CommitMode {
    match c {
        scenario::CommitMode::Auto => CommitMode::Auto,
        scenario::CommitMode::Manual => CommitMode::ManualAfterProcessing,
        scenario::CommitMode::Before => CommitMode::BeforeProcessing,
    }
}

/// The consumer groups of a scenario, as the simulation builds them.
pub fn scenario_groups(groups: &[ConsumerGroupSpec]) -> Vec<GroupSetup> {
    (groups.iter())
        .map(|g| GroupSetup {
            group_id: g.group_id.clone(),
            topics: g.topics.clone(),
            members: (g.members.iter()).map(|m| (m.number, m.config.clone())).collect(),
            processing: processing_of(g.processing),
            commit: commit_of(g.commit),
            start: g.start,
        })
        .collect()
}

/// The leader's assignor: Kafka's assignor named by the chosen protocol, over the members in the
/// JoinGroup response's order. An unknown protocol or an assignor error assigns nothing (Kafka's
/// leader would fail the SyncGroup; the group then rebalances again).
pub fn kafka_assign(
    protocol: &str,
    partitions_per_topic: &BTreeMap<String, i32>,
    members: &[JoinGroupMember],
) -> Vec<(String, Vec<NamedPartition>)> {
    let Ok(kind) = assignor_by_name(protocol) else {
        return Vec::new();
    };
    let members: Vec<AssignMember> = (members.iter())
        .map(|m| AssignMember {
            member_id: m.member_id.clone(),
            group_instance_id: m.group_instance_id.clone(),
            subscription: m.metadata.clone(),
        })
        .collect();
    assign(kind, partitions_per_topic, &members).unwrap_or_default()
}

/// One running group.
#[derive(Clone, Debug)]
struct GroupRun {
    setup: GroupSetup,
    /// Member number → node, in start order.
    members: Vec<(u16, NodeId)>,
    lag: LagSeries,
}

/// A group's rebalances as its coordinators reported them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebalanceStats {
    /// How many rebalances started.
    pub rebalances: u64,
    /// Rebalances by reason: `new member`, `session timeout`, `leave`, `leader rejoin`,
    /// `metadata change`, `pending sync expiration`, `other`.
    pub reasons: BTreeMap<&'static str, u64>,
    /// Members removed, by cause (`session timeout`, `leave`, `pending sync expiration`, `other`).
    pub removals: BTreeMap<&'static str, u64>,
}

/// The reason category of a coordinator's rebalance or removal text (Kafka 3.7's wording).
pub fn reason_category(reason: &str) -> &'static str {
    if reason.contains("heartbeat expiration") {
        "session timeout"
    } else if reason.contains("LeaveGroup") {
        "leave"
    } else if reason.starts_with("Adding new member") {
        "new member"
    } else if reason.starts_with("Leader") {
        "leader rejoin"
    } else if reason.starts_with("Updating metadata") {
        "metadata change"
    } else if reason.contains("pending sync") {
        "pending sync expiration"
    } else if reason.contains("haven't joined") || reason.contains("pending join") {
        "did not rejoin"
    } else {
        "other"
    }
}

/// What the simulation keeps about consumer groups.
#[derive(Clone, Debug, Default)]
pub(super) struct GroupState {
    stats: BTreeMap<String, RebalanceStats>,
    groups: Vec<GroupRun>,
    /// Members due to start: time, group index, number, configuration.
    pending: Vec<(SimTime, u16, u16, ConsumerConfig)>,
    facts: DeliveryFacts,
    /// Per group and partition: the latest accepted commit (answer time, offset), kept as facts
    /// drain so lag samples never rescan the facts.
    committed: BTreeMap<(u16, TopicPartition), (SimTime, i64)>,
    /// Per group and partition: the lowest offset processed or committed.
    first_seen: BTreeMap<(u16, TopicPartition), i64>,
    next_sample: Option<SimTime>,
}

impl GroupState {
    /// The groups of `groups`, their members pending until their start time.
    pub(super) fn new(groups: &[GroupSetup]) -> GroupState {
        let mut state = GroupState {
            next_sample: (!groups.is_empty()).then_some(SimTime::ZERO),
            ..GroupState::default()
        };
        for (gi, g) in groups.iter().enumerate() {
            let gi = u16::try_from(gi).unwrap_or(u16::MAX);
            for (number, config) in &g.members {
                state.pending.push((g.start, gi, *number, config.clone()));
            }
            state.groups.push(GroupRun {
                setup: g.clone(),
                members: Vec::new(),
                lag: LagSeries::new(LAG_SAMPLE_INTERVAL),
            });
        }
        // Stable: equal start times keep group, then member order.
        crate::sort::sort_by_key(&mut state.pending, |(at, g, n, _)| (*at, *g, *n));
        state
    }

    /// When the next member starts or the next lag sample is due.
    pub(super) fn next_due(&self) -> Option<SimTime> {
        let start = self.pending.first().map(|p| p.0);
        match (start, self.next_sample) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

impl Simulation {
    /// Starts the members due by `at` and takes the lag samples due by then.
    pub(super) fn run_group_work(&mut self, at: SimTime) {
        while self.groups.pending.first().is_some_and(|p| p.0 <= at) {
            let (_, g, number, config) = self.groups.pending.remove(0);
            self.start_member(g, number, config);
        }
        if self.groups.next_sample.is_some_and(|t| t <= at) {
            self.sample_lag();
            self.groups.next_sample = Some(at + LAG_SAMPLE_INTERVAL);
        }
    }

    fn start_member(&mut self, group: u16, number: u16, config: ConsumerConfig) {
        let Some(run) = self.groups.groups.get(usize::from(group)) else {
            return;
        };
        let topics = (run.setup.topics.iter())
            .filter_map(|name| {
                let (i, t) = (self.spec.topics.iter().enumerate()).find(|(_, t)| &t.name == name)?;
                Some(SubscribedTopic {
                    name: name.clone(),
                    idx: crate::record::TopicIdx(i as u32),
                    partitions: i32::try_from(t.partitions).unwrap_or(i32::MAX),
                })
            })
            .collect();
        let undeserializable = crate::group::consumer::Undeserializable::new(
            (self.spec.producers.iter())
                .map(|p| {
                    let read = run.setup.topics.contains(&p.topic);
                    read.then(|| crate::group::consumer::check_producer(p, &config))
                        .flatten()
                })
                .collect(),
        );
        let setup = ConsumerSetup {
            group_id: run.setup.group_id.clone(),
            topics,
            config,
            commit_mode: run.setup.commit,
            processing: run.setup.processing,
            member: MemberRef {
                group,
                member: number,
            },
            bootstrap: (1..=self.spec.brokers).map(|b| BrokerId(b as i32)).collect(),
            undeserializable,
        };
        let id = self
            .kernel
            .add_node(ClusterNode::Consumer(ConsumerNode::new(setup, kafka_assign)));
        if let Some(run) = self.groups.groups.get_mut(usize::from(group)) {
            run.members.push((number, id));
        }
    }

    /// The node of member `m`, if it has started.
    pub fn member_node(&self, m: MemberRef) -> Option<NodeId> {
        let run = self.groups.groups.get(usize::from(m.group))?;
        run.members
            .iter()
            .find(|(n, _)| *n == m.member)
            .map(|(_, id)| *id)
    }

    /// Every started member with its view, in start order, per group.
    pub fn member_views(&self, group: u16) -> Vec<(MemberRef, bool, ConsumerView)> {
        let Some(run) = self.groups.groups.get(usize::from(group)) else {
            return Vec::new();
        };
        (run.members.iter())
            .filter_map(|(n, id)| {
                let node = self.kernel.node(*id)?.as_consumer()?;
                let m = MemberRef { group, member: *n };
                Some((m, self.kernel.is_up(*id), node.view()))
            })
            .collect()
    }

    /// The consumer groups, in scenario order.
    pub fn group_setups(&self) -> impl Iterator<Item = &GroupSetup> {
        self.groups.groups.iter().map(|g| &g.setup)
    }

    /// Group `g`'s started members: number and node, in start order.
    pub(super) fn group_member_nodes(&self, g: u16) -> Vec<(u16, NodeId)> {
        (self.groups.groups.get(usize::from(g))).map_or_else(Vec::new, |r| r.members.clone())
    }

    /// Group `g`'s setup, to change what its members (and later ones) start with.
    pub(super) fn group_setup_mut(&mut self, g: u16) -> Option<&mut GroupSetup> {
        self.groups.groups.get_mut(usize::from(g)).map(|r| &mut r.setup)
    }

    /// Changes the configuration of group `g`'s members not started yet.
    pub(super) fn update_pending_members(&mut self, g: u16, f: &dyn Fn(&mut ConsumerConfig)) {
        for p in self.groups.pending.iter_mut().filter(|p| p.1 == g) {
            f(&mut p.3);
        }
    }

    /// The numbers of group `g`'s members, started or pending.
    pub(super) fn member_numbers(&self, g: u16) -> Vec<u16> {
        let started = self.group_member_nodes(g).into_iter().map(|(n, _)| n);
        let pending = (self.groups.pending.iter()).filter(|p| p.1 == g).map(|p| p.2);
        started.chain(pending).collect()
    }

    /// Applies a member fault now.
    pub(super) fn apply_member_fault(&mut self, fault: &MemberFault) {
        self.narrate_member_fault(fault);
        let node = |sim: &Simulation, addr: &scenario::MemberAddr| sim.member_node(addr.member_ref());
        match fault {
            MemberFault::Crash(addr) => {
                if let Some(id) = node(self, addr) {
                    self.kernel.poke(id, |n, now, _| {
                        if let ClusterNode::Consumer(c) = n {
                            c.crash(now);
                        }
                    });
                    let _ = self.kernel.apply(crate::kernel::fault::Fault::Crash(id));
                }
            }
            MemberFault::Restart(addr) => {
                if let Some(id) = node(self, addr) {
                    if self.kernel.is_up(id) {
                        self.kernel.poke(id, |n, now, ctx| {
                            if let ClusterNode::Consumer(c) = n {
                                c.restart(now, ctx);
                            }
                        });
                    } else {
                        let _ = self.kernel.apply(crate::kernel::fault::Fault::Restart(id));
                    }
                }
            }
            MemberFault::Close(addr) => {
                if let Some(id) = node(self, addr) {
                    self.kernel.poke(id, |n, now, ctx| {
                        if let ClusterNode::Consumer(c) = n {
                            c.close(now, ctx);
                        }
                    });
                }
            }
            MemberFault::Pause {
                member,
                duration,
                kind,
            } => {
                if let Some(id) = node(self, member) {
                    let (d, kind) = (*duration, *kind);
                    self.kernel.poke(id, |n, now, ctx| {
                        if let ClusterNode::Consumer(c) = n {
                            match kind {
                                scenario::PauseKind::Gc => c.freeze(now, d, ctx),
                                scenario::PauseKind::SlowDownstream => c.pause(now, d, ctx),
                            }
                        }
                    });
                }
            }
            MemberFault::SetProcessing { target, processing } => {
                let p = processing_of(*processing);
                let ids: Vec<NodeId> = match target {
                    MemberTarget::Member(addr) => node(self, addr).into_iter().collect(),
                    MemberTarget::Group { group_index, .. } => {
                        let Some(run) = self.groups.groups.get_mut(usize::from(*group_index)) else {
                            return;
                        };
                        run.setup.processing = p;
                        run.members.iter().map(|(_, id)| *id).collect()
                    }
                };
                for id in ids {
                    if let Some(ClusterNode::Consumer(c)) = self.kernel.node_mut(id) {
                        c.set_processing(p);
                    }
                }
            }
            MemberFault::Add { member, config, .. } => {
                self.start_member(member.group_index, member.member, (**config).clone());
                self.narrate_member_added(member.member_ref());
            }
        }
    }

    /// Counts a coordinator's rebalance and removal events.
    pub(super) fn note_group_event(&mut self, event: &crate::group::coordinator::GroupEvent) {
        use crate::group::coordinator::GroupEvent as E;
        match event {
            E::RebalanceStarted { group, reason, .. } => {
                let st = self.groups.stats.entry(group.clone()).or_default();
                st.rebalances += 1;
                *st.reasons.entry(reason_category(reason)).or_default() += 1;
            }
            E::MemberRemoved { group, reason, .. } => {
                let st = self.groups.stats.entry(group.clone()).or_default();
                *st.removals.entry(reason_category(reason)).or_default() += 1;
            }
            _ => {}
        }
    }

    /// Group `group_id`'s rebalance counts so far.
    pub fn rebalance_stats(&self, group_id: &str) -> RebalanceStats {
        self.groups.stats.get(group_id).cloned().unwrap_or_default()
    }

    /// The coordinator of `group_id` now (the live broker that has the group loaded, preferring the
    /// leader of its `__consumer_offsets` partition) and its view of the group.
    pub fn group_view(&self, group_id: &str) -> Option<(BrokerId, crate::group::coordinator::GroupView)> {
        (self.kernel.nodes())
            .filter(|(id, _)| self.kernel.is_up(*id))
            .filter_map(|(_, n)| n.as_broker())
            .filter_map(|b| {
                let v = b.group_views().into_iter().find(|g| g.group_id == group_id)?;
                Some((b.broker_id(), v))
            })
            .next()
    }

    /// Moves the members' delivery facts into the oracle.
    fn drain_delivery_facts(&mut self) {
        let ids: Vec<NodeId> = (self.groups.groups.iter())
            .flat_map(|g| g.members.iter().map(|(_, id)| *id))
            .collect();
        for id in ids {
            let Some(ClusterNode::Consumer(c)) = self.kernel.node_mut(id) else {
                continue;
            };
            let facts = c.drain_facts();
            let st = &mut self.groups;
            for f in facts.processed {
                let first = st.first_seen.entry((f.by.group, f.tp)).or_insert(f.from);
                *first = (*first).min(f.from);
                st.facts.processed(f);
            }
            for f in facts.commits {
                let first = st.first_seen.entry((f.by.group, f.tp)).or_insert(f.offset);
                *first = (*first).min(f.offset);
                if f.ok {
                    let last = st.committed.entry((f.by.group, f.tp)).or_insert((f.at, f.offset));
                    if f.at >= last.0 {
                        *last = (f.at, f.offset);
                    }
                }
                st.facts.commit(f);
            }
            for f in facts.incidents {
                st.facts.incident(f);
            }
        }
    }

    /// The high watermark of `tp`: its leader's, or with no leader up, the highest any replica knows.
    pub fn high_watermark_of(&self, tp: TopicPartition) -> i64 {
        if let Some(h) = self.leader_of(tp).and_then(|l| self.broker(l)?.partition(tp)) {
            return h.log.high_watermark();
        }
        (self.kernel.nodes())
            .filter_map(|(_, n)| n.as_broker()?.partition(tp))
            .map(|h| h.log.high_watermark())
            .max()
            .unwrap_or(0)
    }

    /// Each of group `g`'s partitions with its final offsets as the drained facts give them: the
    /// latest accepted commit, where consumption began (0 for `earliest`; for `latest`, the first
    /// offset processed or committed), and the high watermark now.
    fn final_offsets(&self, g: u16) -> Vec<FinalOffsets> {
        let Some(run) = self.groups.groups.get(usize::from(g)) else {
            return Vec::new();
        };
        let earliest = (run.setup.members.first())
            .is_none_or(|(_, c)| c.auto_offset_reset == crate::config::AutoOffsetReset::Earliest);
        let mut out = Vec::new();
        for name in &run.setup.topics {
            let Some((ti, t)) = (self.spec.topics.iter().enumerate()).find(|(_, t)| &t.name == name) else {
                continue;
            };
            // A deleted topic's records are gone on purpose: nothing of it is judged. Partitions
            // added while running count like the others.
            if !self.topic_exists(name) {
                continue;
            }
            let count = self.topic_partition_count(name).unwrap_or(t.partitions);
            for p in 0..i32::try_from(count).unwrap_or(0) {
                let tp = TopicPartition {
                    topic: crate::record::TopicIdx(ti as u32),
                    partition: p,
                };
                let hw = self.high_watermark_of(tp).max(0);
                let start = if earliest {
                    0
                } else {
                    self.groups.first_seen.get(&(g, tp)).copied().unwrap_or(hw)
                };
                out.push(FinalOffsets {
                    group: g,
                    tp,
                    start,
                    committed: self.groups.committed.get(&(g, tp)).map(|c| c.1),
                    high_watermark: hw,
                });
            }
        }
        out
    }

    fn sample_lag(&mut self) {
        self.drain_delivery_facts();
        let now = self.now();
        for g in 0..self.groups.groups.len() {
            let gi = u16::try_from(g).unwrap_or(u16::MAX);
            if self.groups.groups[g].members.is_empty() {
                continue;
            }
            let lag: u64 = self.final_offsets(gi).iter().map(FinalOffsets::lag).sum();
            self.groups.groups[g].lag.record(now, lag);
        }
    }

    /// The delivery oracle's verdict for group `g` (its index in the scenario) so far.
    pub fn delivery_report(&mut self, g: u16) -> Option<DeliveryReport> {
        self.drain_delivery_facts();
        let run = self.groups.groups.get(usize::from(g))?;
        let finals = self.final_offsets(g);
        Some(self.groups.facts.report(g, &finals, &run.lag))
    }

    /// Every delivery fact the members have reported so far (processed ranges, commit answers,
    /// incidents, of every group), for checks that need more than the report's counts: who processed
    /// what and when.
    pub fn delivery_facts(&mut self) -> &DeliveryFacts {
        self.drain_delivery_facts();
        &self.groups.facts
    }

    /// Group `g`'s lag series.
    pub fn lag_series(&self, g: u16) -> Option<&LagSeries> {
        self.groups.groups.get(usize::from(g)).map(|r| &r.lag)
    }
}
