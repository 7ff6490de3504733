//! The broker-side group coordinator of the classic protocol (Kafka 3.7's `GroupCoordinator` in
//! ZooKeeper mode), as a pure, sans-IO state machine.
//!
//! Inputs: a request with the time, who to answer and the seeded rng ([`GroupCoordinator::handle`]),
//! a timer fire ([`GroupCoordinator::on_timer`]), the outcome of an offset commit's replication
//! ([`GroupCoordinator::commit_completed`]), and the loading and unloading of `__consumer_offsets`
//! partitions as the hosting broker gains or loses their leadership. Every input returns an
//! [`Output`]: responses (a parked JoinGroup or SyncGroup is answered by a later input), timers to
//! arm, events (among them the broker's log lines with Kafka's texts) and records to persist.
//!
//! The coordinator answers an OffsetCommit only once the hosting broker says its record is
//! replicated (`offsets.commit.required.acks=-1`); until then the offsets are pending and invisible
//! to OffsetFetch, as Kafka's `pendingOffsetCommits`. Likewise the leader's assignment reaches the
//! members only once the group's metadata record is stored (`storeGroup`), and a coordinator that
//! loads a partition restores its groups from those records, so members carry on after a failover.

mod events;
mod group;
mod join;
mod membership;
mod offsets;
pub mod records;
#[cfg(test)]
mod tests;

pub use events::{GroupEvent, GroupState, GroupTimer};
pub use records::{CommitRecord, GroupRecord, OFFSETS_PRODUCER, OFFSETS_TOPIC, OffsetsRecord, StoredMember};

use crate::config::BrokerConfig;
use crate::error_code::ErrorCode;
use crate::group::offsets_partition_for;
use crate::group::wire::{ClientRequest, ClientResponse, NamedPartition};
use crate::ids::NodeId;
use crate::rng::SimRng;
use crate::time::SimTime;
use group::Group;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The broker's `group.*` and `offsets.*` settings. Defaults are Kafka 3.7's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GroupSettings {
    /// `group.min.session.timeout.ms` (6000).
    pub min_session_timeout_ms: i32,
    /// `group.max.session.timeout.ms` (1800000).
    pub max_session_timeout_ms: i32,
    /// `group.initial.rebalance.delay.ms` (3000).
    pub initial_rebalance_delay_ms: i32,
    /// `group.max.size` (Integer.MAX_VALUE).
    pub max_size: i32,
    /// `offsets.topic.num.partitions` (50).
    pub offsets_topic_num_partitions: u32,
    /// `offsets.topic.replication.factor` (3).
    pub offsets_topic_replication_factor: u32,
    /// `offsets.commit.timeout.ms` (5000): how long a commit waits for replication.
    pub offsets_commit_timeout_ms: u64,
}

impl Default for GroupSettings {
    fn default() -> Self {
        GroupSettings {
            min_session_timeout_ms: 6_000,
            max_session_timeout_ms: 1_800_000,
            initial_rebalance_delay_ms: 3_000,
            max_size: i32::MAX,
            offsets_topic_num_partitions: 50,
            offsets_topic_replication_factor: 3,
            offsets_commit_timeout_ms: 5_000,
        }
    }
}

impl GroupSettings {
    /// The settings of a parsed broker configuration.
    pub fn from_broker_config(c: &BrokerConfig) -> Self {
        GroupSettings {
            min_session_timeout_ms: c.group_min_session_timeout_ms,
            max_session_timeout_ms: c.group_max_session_timeout_ms,
            initial_rebalance_delay_ms: c.group_initial_rebalance_delay_ms,
            max_size: c.group_max_size,
            offsets_topic_num_partitions: u32::try_from(c.offsets_topic_num_partitions).unwrap_or(1).max(1),
            offsets_topic_replication_factor: u32::try_from(c.offsets_topic_replication_factor)
                .unwrap_or(1)
                .max(1),
            ..GroupSettings::default()
        }
    }
}

/// Who a response goes to: the client's node and the request's correlation id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ReplyTo {
    /// The client node.
    pub node: NodeId,
    /// The request's correlation id.
    pub correlation_id: i32,
}

/// A record (offset commit or group metadata) the hosting broker must append to
/// `__consumer_offsets-<partition>` and report back with [`GroupCoordinator::commit_completed`]
/// once replicated (or failed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingCommit {
    /// The commit's token.
    pub token: u64,
    /// The `__consumer_offsets` partition.
    pub partition: i32,
    /// What to store.
    pub record: OffsetsRecord,
}

/// What one input produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    /// Responses to send now.
    pub responses: Vec<(ReplyTo, ClientResponse)>,
    /// Timers to arm, after the given delay.
    pub timers: Vec<(SimTime, GroupTimer)>,
    /// Events and log lines, in order.
    pub events: Vec<GroupEvent>,
    /// Records to persist (offset commits, group metadata).
    pub commits: Vec<PendingCommit>,
}

impl Output {
    fn respond(&mut self, to: ReplyTo, r: ClientResponse) {
        self.responses.push((to, r));
    }
    fn log(&mut self, message: String) {
        self.events.push(GroupEvent::Log {
            level: "INFO",
            message,
        });
    }
}

/// A record waiting for replication, and what its outcome decides.
#[derive(Clone, Debug)]
enum InFlight {
    /// An OffsetCommit, answered on the outcome.
    Commit {
        group: String,
        reply: ReplyTo,
        offsets: Vec<(NamedPartition, i64)>,
    },
    /// The leader's assignment: propagated to the members (and the group made Stable) once stored.
    Sync {
        group: String,
        generation: i32,
        assignment: Vec<(String, Vec<NamedPartition>)>,
    },
    /// Group metadata nobody waits for (an empty group's).
    Store { group: String },
}

impl InFlight {
    fn group(&self) -> &str {
        match self {
            InFlight::Commit { group, .. } | InFlight::Sync { group, .. } | InFlight::Store { group } => {
                group
            }
        }
    }
}

/// One member as the view shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberView {
    /// The member id.
    pub member_id: String,
    /// Its `group.instance.id`.
    pub instance_id: Option<String>,
    /// Its client id.
    pub client_id: String,
    /// Its partitions in the current generation.
    pub assignment: Vec<NamedPartition>,
    /// When the coordinator last heard from it (join, sync, heartbeat, commit).
    pub last_heard: SimTime,
    /// The session timeout it joined with, ms.
    pub session_timeout_ms: i32,
}

/// One group as the view shows it (for the UI, `kafka-consumer-groups --describe` and reports).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupView {
    /// The group id.
    pub group_id: String,
    /// The `__consumer_offsets` partition it lives in.
    pub partition: i32,
    /// Its state.
    pub state: GroupState,
    /// Its generation.
    pub generation: i32,
    /// The chosen protocol (assignor).
    pub protocol: Option<String>,
    /// The leader's member id.
    pub leader: Option<String>,
    /// The members, by member id.
    pub members: Vec<MemberView>,
    /// The committed offsets.
    pub committed: Vec<(NamedPartition, i64)>,
}

/// The group coordinator of one broker.
#[derive(Clone, Debug)]
pub struct GroupCoordinator {
    settings: GroupSettings,
    /// The `__consumer_offsets` partitions this coordinator owns (loaded).
    owned: BTreeSet<i32>,
    groups: BTreeMap<String, Group>,
    in_flight: BTreeMap<u64, InFlight>,
    next_token: u64,
    next_seq: u64,
}

impl GroupCoordinator {
    /// A coordinator that owns no partition yet.
    pub fn new(settings: GroupSettings) -> Self {
        GroupCoordinator {
            settings,
            owned: BTreeSet::new(),
            groups: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            next_token: 0,
            next_seq: 0,
        }
    }

    /// The settings.
    pub fn settings(&self) -> &GroupSettings {
        &self.settings
    }

    /// The `__consumer_offsets` partition of `group`.
    pub fn partition_for(&self, group: &str) -> i32 {
        offsets_partition_for(group, self.settings.offsets_topic_num_partitions)
    }

    /// Whether this coordinator owns `partition`.
    pub fn owns(&self, partition: i32) -> bool {
        self.owned.contains(&partition)
    }

    /// The partitions this coordinator owns.
    pub fn owned_partitions(&self) -> impl Iterator<Item = i32> + '_ {
        self.owned.iter().copied()
    }

    fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// A group-protocol request (FindCoordinator, ListOffsets and Fetch are the broker's, and are
    /// ignored here). `rng` draws the member ids' UUIDs.
    pub fn handle(&mut self, now: SimTime, reply: ReplyTo, req: ClientRequest, rng: &mut SimRng) -> Output {
        let mut out = Output::default();
        match req {
            ClientRequest::JoinGroup(r) => self.join_group(now, reply, r, rng, &mut out),
            ClientRequest::SyncGroup(r) => self.sync_group(now, reply, r, &mut out),
            ClientRequest::Heartbeat {
                group_id,
                generation_id,
                member_id,
                group_instance_id,
            } => {
                let error = self.heartbeat(
                    now,
                    &group_id,
                    generation_id,
                    &member_id,
                    group_instance_id.as_deref(),
                    &mut out,
                );
                out.respond(reply, ClientResponse::Heartbeat { error });
            }
            ClientRequest::LeaveGroup { group_id, members } => {
                self.leave_group(now, reply, &group_id, members, &mut out)
            }
            ClientRequest::OffsetCommit(r) => self.offset_commit(now, reply, r, &mut out),
            ClientRequest::OffsetFetch { group_id, partitions } => {
                self.offset_fetch(reply, &group_id, partitions, &mut out)
            }
            ClientRequest::FindCoordinator { .. }
            | ClientRequest::ListOffsets { .. }
            | ClientRequest::Fetch { .. } => {}
        }
        out
    }

    /// The coordinator-level error for `group`, if it cannot serve it here.
    fn coordinator_error(&self, group: &str) -> Option<ErrorCode> {
        if group.is_empty() {
            return Some(ErrorCode::InvalidGroupId);
        }
        (!self.owns(self.partition_for(group))).then_some(ErrorCode::NotCoordinator)
    }

    /// Loads partition `partition` (this broker became its leader at `leader_epoch`, the coordinator
    /// epoch) from its log's records in order: committed offsets, and each group's last metadata.
    /// A group stored with members comes back Stable at its generation, each member with a fresh
    /// session (`GroupMetadataManager.loadGroup`), so its members carry on without a rebalance.
    pub fn load_partition(
        &mut self,
        now: SimTime,
        partition: i32,
        leader_epoch: i32,
        records: impl IntoIterator<Item = OffsetsRecord>,
    ) -> Output {
        let mut out = Output::default();
        self.owned.insert(partition);
        let mut found: BTreeSet<String> = BTreeSet::new();
        for r in records {
            if self.partition_for(r.group()) != partition {
                continue;
            }
            let id = r.group().to_string();
            let g = self.groups.entry(id.clone()).or_insert_with(|| Group::new(&id));
            match r {
                OffsetsRecord::Commit(c) => g.committed.extend(c.offsets),
                OffsetsRecord::Group(m) => g.restore(now, m),
            }
            found.insert(id);
        }
        let mut offsets = 0usize;
        for id in &found {
            let Some(g) = self.groups.get(id) else {
                continue;
            };
            offsets += g.committed.len();
            let members: Vec<String> = g.members.keys().cloned().collect();
            for m in members {
                self.arm_heartbeat(now, id, &m, &mut out);
            }
        }
        out.log(format!(
            "Finished loading offsets and group metadata from __consumer_offsets-{partition} in 0 milliseconds for epoch {leader_epoch}, of which 0 milliseconds was spent in the scheduler."
        ));
        out.events.push(GroupEvent::Loaded {
            partition,
            groups: u32::try_from(found.len()).unwrap_or(u32::MAX),
            offsets: u32::try_from(offsets).unwrap_or(u32::MAX),
        });
        out
    }

    /// Unloads partition `partition` (this broker stopped leading it; `leader_epoch` is the new
    /// leader epoch): its groups go Dead, their parked requests answer NOT_COORDINATOR, their commits
    /// in flight fail.
    pub fn unload_partition(&mut self, partition: i32, leader_epoch: i32) -> Output {
        let mut out = Output::default();
        if !self.owned.remove(&partition) {
            return out;
        }
        let gone: Vec<String> = (self.groups.keys())
            .filter(|g| self.partition_for(g) == partition)
            .cloned()
            .collect();
        let mut offsets = 0usize;
        for id in &gone {
            if let Some(g) = self.groups.remove(id) {
                offsets += g.committed.len();
                for m in g.members.values() {
                    if let Some(r) = m.awaiting_join {
                        out.respond(r, join::join_error(ErrorCode::NotCoordinator, &m.id));
                    }
                    if let Some(r) = m.awaiting_sync {
                        out.respond(r, join::sync_error(ErrorCode::NotCoordinator));
                    }
                }
            }
        }
        let tokens: Vec<u64> = (self.in_flight.iter())
            .filter(|(_, c)| self.partition_for(c.group()) == partition)
            .map(|(t, _)| *t)
            .collect();
        for t in tokens {
            out.responses
                .extend(self.commit_completed(t, ErrorCode::NotCoordinator).responses);
        }
        out.log(format!(
            "Finished unloading __consumer_offsets-{partition} for coordinator epoch {leader_epoch}. Removed {offsets} cached offsets and {} cached groups.",
            gone.len()
        ));
        out.events.push(GroupEvent::Unloaded {
            partition,
            groups: u32::try_from(gone.len()).unwrap_or(u32::MAX),
        });
        out
    }

    /// Everything is lost (the broker crashed): no partition owned, no group, nothing in flight.
    pub fn reset(&mut self) {
        self.owned.clear();
        self.groups.clear();
        self.in_flight.clear();
    }

    /// A read-only view of every group, in group id order.
    pub fn view(&self) -> Vec<GroupView> {
        (self.groups.values())
            .map(|g| GroupView {
                group_id: g.id.clone(),
                partition: self.partition_for(&g.id),
                state: g.state,
                generation: g.generation,
                protocol: g.protocol.clone(),
                leader: g.leader.clone(),
                members: (g.members.values())
                    .map(|m| MemberView {
                        member_id: m.id.clone(),
                        instance_id: m.instance_id.clone(),
                        client_id: m.client_id.clone(),
                        assignment: m.assignment.clone(),
                        last_heard: m.last_heard,
                        session_timeout_ms: m.session_timeout_ms,
                    })
                    .collect(),
                committed: g.committed.iter().map(|(p, o)| (p.clone(), *o)).collect(),
            })
            .collect()
    }

    /// One group's view.
    pub fn group(&self, group_id: &str) -> Option<GroupView> {
        self.view().into_iter().find(|g| g.group_id == group_id)
    }
}

/// `UUID.randomUUID().toString()` from the seeded rng (version 4, variant 2).
pub fn random_uuid(rng: &mut SimRng) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
