//! The controller role of the broker ZooKeeper names in `/controller` (ZooKeeper mode's
//! `KafkaController`). At failover it loads its context from what ZooKeeper sent (the live brokers,
//! the topics, the partition states), then reacts to `/brokers/ids` changes, AlterPartition and
//! ControlledShutdown requests through the pure [`ControllerState`]. Every registration it writes
//! goes to ZooKeeper (so the next controller can load it) before LeaderAndIsr and UpdateMetadata go
//! to the brokers. Requested topics are created (replicas assigned with the seeded random start) as
//! soon as enough brokers are live.
//!
//! As in Kafka, nothing the controller decides reaches a broker before ZooKeeper has accepted its
//! write (`updateLeaderAndIsr` with the controller epoch's znode version): LeaderAndIsr and
//! UpdateMetadata of an election, or the answer to an AlterPartition, wait for the write's
//! [`ClusterMsg::ZkWriteResult`]. A deposed controller's write is fenced; it resigns
//! (`ControllerMovedException`) and the leader is told `NOT_CONTROLLER`. A decision that writes
//! nothing but shows a partition's state (a broker's startup LeaderAndIsr) waits for the pending
//! writes of that partition too (`held`): Kafka's context never runs ahead of ZooKeeper. Requests
//! then go through the controller's channel (`super::controller_channel`), which resends
//! unanswered ones.

mod held;

pub use super::controller_channel::CONTROLLER_SOCKET_TIMEOUT;
use super::controller_channel::ControllerChannel;
use super::wire::{PartitionState, TopicMeta, broker_node};
use super::{ClusterEvent, ClusterMsg, ClusterNode};
use crate::ids::BrokerId;
use crate::kernel::Ctx;
use crate::record::TopicPartition;
use crate::replica_assignment::assign_replicas;
use crate::replication::controller::{
    AlterPartitionError, AlterPartitionRequest, ChangeCause, ControllerOutcome, ControllerState,
    ElectionKind, LeaderRecoveryState, PartitionRegistration,
};
use crate::sim::ZOOKEEPER;
use held::{DeferredAlter, Held, HeldUntilWritten};
use std::collections::{BTreeMap, BTreeSet};

mod alter;
mod topics;

/// The controller role: its epoch, the controller context and the topics.
#[derive(Clone, Debug)]
pub struct ControllerRole {
    me: BrokerId,
    epoch: u32,
    state: ControllerState,
    topics: Vec<TopicMeta>,
    /// The version of `/brokers/ids` the live brokers were read at.
    brokers_version: u64,
    /// The live brokers' epochs (KIP-380).
    broker_epochs: BTreeMap<BrokerId, u64>,
    /// The channel to the brokers.
    channel: ControllerChannel,
    /// What waits for ZooKeeper, by request id (`held`).
    held: BTreeMap<u64, Held>,
    /// AlterPartition requests held until their partition's write is answered (one per leader and
    /// partition: a retry replaces the request it retries).
    deferred_alters: Vec<DeferredAlter>,
    next_request: u64,
    /// Topics being deleted (`TopicDeletionManager`): the replicas whose StopReplica (delete) has
    /// not been answered yet.
    deleting: BTreeMap<crate::record::TopicIdx, BTreeSet<BrokerId>>,
}

impl ControllerRole {
    /// The controller epoch this role was won in.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The controller context.
    pub fn state(&self) -> &ControllerState {
        &self.state
    }

    /// The version of `/brokers/ids` this controller last read.
    pub fn brokers_version(&self) -> u64 {
        self.brokers_version
    }

    /// Failover: load the context ZooKeeper sent, elect offline partitions, send every live replica
    /// its LeaderAndIsr and everyone UpdateMetadata, then create requested topics.
    pub(super) fn activate(
        me: BrokerId,
        epoch: u32,
        (brokers_version, broker_epochs): (u64, Vec<(BrokerId, u64)>),
        live: Vec<BrokerId>,
        topics: Vec<TopicMeta>,
        partitions: &[(TopicPartition, PartitionRegistration)],
        ctx: &mut Ctx<'_, ClusterNode>,
    ) -> ControllerRole {
        let mut state = ControllerState::new(me, epoch);
        for t in &topics {
            if let Some(assignment) = &t.assignment {
                state.load_topic(
                    t.idx,
                    &t.name,
                    t.unclean_leader_election_enable,
                    assignment,
                    |tp| partitions.iter().find(|(p, _)| *p == tp).map(|(_, r)| r.clone()),
                );
            }
        }
        state.set_live_brokers(live.iter().copied());
        let mut role = ControllerRole {
            me,
            epoch,
            state,
            topics,
            brokers_version,
            broker_epochs: broker_epochs.into_iter().collect(),
            channel: ControllerChannel::new(epoch),
            held: BTreeMap::new(),
            deferred_alters: Vec::new(),
            next_request: 0,
            deleting: BTreeMap::new(),
        };
        let mut out = role.state.on_controller_failover(me, epoch);
        // `ReplicaStateMachine.startup`: every live replica gets its partition's state.
        let all: Vec<(TopicPartition, Vec<BrokerId>)> = (role.state.partitions())
            .map(|(tp, r)| (tp, r.replicas.clone()))
            .collect();
        for (tp, replicas) in all {
            for b in replicas.into_iter().filter(|b| live.contains(b)) {
                let v = out.leader_and_isr.entry(b).or_default();
                if !v.contains(&tp) {
                    v.push(tp);
                }
            }
        }
        role.apply(out, ctx);
        // `ReplicaStateMachine.startup`: replicas on dead brokers go `OfflineReplica` (out of the ISR,
        // leaderless if they led and no one else can).
        let mut dead: Vec<BrokerId> = (role.state.partitions())
            .flat_map(|(_, r)| r.replicas.iter().copied())
            .filter(|b| !live.contains(b))
            .collect();
        crate::sort::sort(&mut dead);
        dead.dedup();
        for b in dead {
            let out = role.state.on_broker_failure(b);
            role.apply(out, ctx);
        }
        role.create_pending_topics(ctx);
        role
    }

    /// The `/brokers/ids` watch (at `version`; an older one is stale): brokers gone fail
    /// (`onBrokerFailure`), new ones start up, and bounced ones (registered again with a newer
    /// broker epoch since the last notification this controller saw, KIP-380) do both.
    pub(super) fn on_brokers_changed(
        &mut self,
        live: &[BrokerId],
        version: u64,
        broker_epochs: &[(BrokerId, u64)],
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if version <= self.brokers_version {
            return;
        }
        self.brokers_version = version;
        let epochs: BTreeMap<BrokerId, u64> = broker_epochs.iter().copied().collect();
        let bounced: Vec<BrokerId> = (live.iter())
            .filter(|b| {
                let (old, new) = (self.broker_epochs.get(b), epochs.get(b));
                old.is_some() && new.is_some() && old < new
            })
            .copied()
            .collect();
        self.broker_epochs = epochs;
        for b in bounced {
            let out = self.state.on_broker_failure(b);
            self.apply(out, ctx);
            let out = self.state.on_broker_startup(b);
            self.apply(out, ctx);
        }
        // The channel to a broker that left is closed with its unsent requests.
        self.channel.retain_brokers(live);
        let known: Vec<BrokerId> = self.state.live_brokers().iter().copied().collect();
        for b in known.iter().filter(|b| !live.contains(b)) {
            let out = self.state.on_broker_failure(*b);
            self.apply(out, ctx);
        }
        for b in live.iter().filter(|b| !known.contains(b)) {
            let out = self.state.on_broker_startup(*b);
            self.apply(out, ctx);
        }
        self.resume_deletions(ctx);
        self.create_pending_topics(ctx);
    }

    /// The `/brokers/topics` watch: new topics (auto-created) are created once enough brokers live.
    pub(super) fn on_topics_changed(&mut self, topics: Vec<TopicMeta>, ctx: &mut Ctx<'_, ClusterNode>) {
        for t in topics {
            if !self.topics.iter().any(|x| x.idx == t.idx || x.name == t.name) {
                self.topics.push(t);
            }
        }
        self.create_pending_topics(ctx);
    }

    pub(super) fn on_controlled_shutdown(&mut self, broker: BrokerId, ctx: &mut Ctx<'_, ClusterNode>) {
        let out = self.state.on_controlled_shutdown(broker);
        self.apply(out, ctx);
    }

    pub(super) fn on_alter_partition(
        &mut self,
        leader: BrokerId,
        tp: TopicPartition,
        leader_epoch: i32,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if self.write_pending(tp) {
            self.defer_alter(leader, tp, (leader_epoch, partition_epoch), new_isr);
            return;
        }
        let previous = self.state.partition(tp).map(|r| r.isr.clone());
        let req = AlterPartitionRequest {
            leader,
            leader_epoch,
            partition_epoch,
            new_isr,
            leader_recovery_state: LeaderRecoveryState::Recovered,
        };
        let (error, registration) = match self.state.on_alter_partition(tp, &req) {
            Ok(reg) => {
                if previous.as_ref() != Some(&reg.isr) {
                    // `updateLeaderAndIsr`: the leader hears back once ZooKeeper took the write.
                    let held = HeldUntilWritten::Alter {
                        leader,
                        tp,
                        from: previous.unwrap_or_default(),
                        registration: reg.clone(),
                    };
                    self.hold(vec![(tp, reg)], held, BTreeSet::new(), ctx);
                    return;
                }
                (0, Some(reg))
            }
            Err(AlterPartitionError::Known(code)) => (code.code(), None),
            Err(e) => (e.code(), None),
        };
        let msg = ClusterMsg::AlterPartitionResponse {
            tp,
            error,
            registration,
        };
        ctx.send(broker_node(leader), msg);
    }

    /// A LeaderAndIsr answer.
    pub(super) fn on_leader_and_isr_response(
        &mut self,
        broker: BrokerId,
        controller_epoch: u32,
        partitions: &[(TopicPartition, i32)],
    ) {
        self.channel.on_response(broker, controller_epoch, partitions);
    }

    /// The channel's request timeout: every LeaderAndIsr unanswered for
    /// [`CONTROLLER_SOCKET_TIMEOUT`] is sent again, with the partitions' current state.
    pub(super) fn on_request_timeout(&mut self, ctx: &mut Ctx<'_, ClusterNode>) {
        for (b, tps) in self.channel.overdue(ctx.now()) {
            let partitions = self.partition_states(&tps);
            self.channel.send(b, partitions, ctx);
        }
        self.channel.arm_timer(ctx);
    }

    /// The LeaderAndIsr entries of `tps`, in their current state.
    fn partition_states(&self, tps: &[TopicPartition]) -> Vec<PartitionState> {
        tps.iter()
            .filter_map(|tp| {
                let reg = self.state.partition(*tp)?;
                let meta = self.topics.iter().find(|t| t.idx == tp.topic)?;
                Some(PartitionState {
                    tp: *tp,
                    name: meta.partition_name(tp.partition),
                    registration: reg.clone(),
                    min_insync_replicas: meta.min_insync_replicas,
                })
            })
            .collect()
    }

    fn live(&self) -> Vec<BrokerId> {
        self.state.live_brokers().iter().copied().collect()
    }

    /// Creates every requested topic once there are enough live brokers for its replication factor.
    fn create_pending_topics(&mut self, ctx: &mut Ctx<'_, ClusterNode>) {
        let live = self.live();
        for i in 0..self.topics.len() {
            let t = &self.topics[i];
            if t.assignment.is_some() || (live.len() as u64) < u64::from(t.replication_factor) {
                continue;
            }
            let partitions = i32::try_from(t.partitions).unwrap_or(i32::MAX);
            let rf = i32::try_from(t.replication_factor).unwrap_or(i32::MAX);
            let Ok(assignment) = assign_replicas(&live, partitions, rf, ctx.rng()) else {
                continue;
            };
            let t = &mut self.topics[i];
            t.assignment = Some(assignment.clone());
            let (idx, name, unclean) = (t.idx, t.name.clone(), t.unclean_leader_election_enable);
            let meta = t.clone();
            ctx.record(ClusterEvent::TopicCreated {
                name: name.clone(),
                assignment: assignment.clone(),
            });
            let out = self.state.on_topic_creation(idx, &name, &assignment, unclean);
            self.write_topics(vec![meta], ctx);
            self.apply(out, ctx);
        }
    }

    /// Writes topic assignments to ZooKeeper (links are FIFO: they land before the partition states
    /// that follow).
    fn write_topics(&self, topics: Vec<TopicMeta>, ctx: &mut Ctx<'_, ClusterNode>) {
        let msg = ClusterMsg::ZkWritePartitions {
            epoch: self.epoch,
            topics,
            partitions: Vec::new(),
            request: None,
        };
        ctx.send(ZOOKEEPER, msg);
    }

    fn update_metadata(&self, to: Vec<BrokerId>, ctx: &mut Ctx<'_, ClusterNode>) {
        let live = self.live();
        for b in to {
            let msg = ClusterMsg::UpdateMetadata {
                controller_epoch: self.epoch,
                live: live.clone(),
            };
            ctx.send(broker_node(b), msg);
        }
    }

    /// Writes the outcome's registrations to ZooKeeper; once it accepted them, records the
    /// elections and ISR changes and sends LeaderAndIsr and UpdateMetadata.
    fn apply(&mut self, out: ControllerOutcome, ctx: &mut Ctx<'_, ClusterNode>) {
        let mut writes = Vec::with_capacity(out.changes.len());
        let mut events = Vec::new();
        for c in &out.changes {
            let reg = &c.registration;
            let new_leader = c
                .previous
                .as_ref()
                .is_none_or(|p| p.leader_epoch != reg.leader_epoch)
                && !matches!(c.cause, ChangeCause::ReplicaOffline(_) if c.previous.as_ref().is_some_and(|p| p.leader == reg.leader));
            if new_leader {
                events.push(ClusterEvent::LeaderElected {
                    tp: c.partition,
                    leader: reg.leader,
                    leader_epoch: reg.leader_epoch,
                    isr: reg.isr.clone(),
                    unclean: c.election == ElectionKind::Unclean,
                });
            } else if let Some(p) = &c.previous
                && p.isr != reg.isr
            {
                events.push(isr_event(c.partition, p.isr.clone(), reg));
            }
            writes.push((c.partition, reg.clone()));
        }
        let leader_and_isr: Vec<(BrokerId, Vec<PartitionState>)> = (out.leader_and_isr.iter())
            .map(|(b, tps)| (*b, self.partition_states(tps)))
            .collect();
        let offsets_metadata = self.offsets_metadata_due(&out);
        // What it shows waits for every held decision that changes or shows the same partitions
        // (`held`): the controller's context may hold states ZooKeeper has not taken yet.
        let mut shown: Vec<TopicPartition> = writes.iter().map(|(tp, _)| *tp).collect();
        shown.extend(out.leader_and_isr.values().flatten().copied());
        if offsets_metadata {
            shown.extend(self.offsets_partitions());
        }
        let after = self.held_showing(&shown);
        if writes.is_empty() && after.is_empty() {
            for (b, partitions) in leader_and_isr {
                self.channel.send(b, partitions, ctx);
            }
            if offsets_metadata {
                self.send_offsets_metadata(ctx);
            }
            self.update_metadata(out.update_metadata_to, ctx);
            return;
        }
        let held = HeldUntilWritten::Outcome {
            tps: writes.iter().map(|(tp, _)| *tp).collect(),
            events,
            leader_and_isr,
            update_metadata_to: out.update_metadata_to,
            offsets_metadata,
        };
        self.hold(writes, held, after, ctx);
    }

    /// Whether `out` may change the `__consumer_offsets` leaders (once that topic exists) or some
    /// broker needs a full metadata update.
    fn offsets_metadata_due(&self, out: &ControllerOutcome) -> bool {
        (self.topics.iter())
            .find(|t| t.name == crate::group::coordinator::OFFSETS_TOPIC && t.assignment.is_some())
            .is_some_and(|meta| {
                out.changes.iter().any(|c| c.partition.topic == meta.idx)
                    || !out.update_metadata_to.is_empty()
            })
    }

    /// The partitions of `__consumer_offsets`, once it exists.
    fn offsets_partitions(&self) -> Vec<TopicPartition> {
        (self.topics.iter())
            .find(|t| t.name == crate::group::coordinator::OFFSETS_TOPIC && t.assignment.is_some())
            .map_or_else(Vec::new, |meta| {
                (0..meta.partitions)
                    .map(|p| TopicPartition {
                        topic: meta.idx,
                        partition: i32::try_from(p).unwrap_or(i32::MAX),
                    })
                    .collect()
            })
    }

    /// Once `__consumer_offsets` exists: its leaders to every live broker (FindCoordinator reads them).
    fn send_offsets_metadata(&self, ctx: &mut Ctx<'_, ClusterNode>) {
        let Some(meta) = (self.topics.iter())
            .find(|t| t.name == crate::group::coordinator::OFFSETS_TOPIC && t.assignment.is_some())
        else {
            return;
        };
        let leaders: Vec<Option<BrokerId>> = (0..meta.partitions)
            .map(|p| {
                let tp = TopicPartition {
                    topic: meta.idx,
                    partition: i32::try_from(p).unwrap_or(i32::MAX),
                };
                self.state.partition(tp).and_then(|r| r.leader)
            })
            .collect();
        for b in self.live() {
            let msg = ClusterMsg::OffsetsTopicMetadata {
                controller_epoch: self.epoch,
                topic: meta.idx,
                leaders: leaders.clone(),
            };
            ctx.send(broker_node(b), msg);
        }
    }

    /// The broker acting as controller.
    pub fn broker(&self) -> BrokerId {
        self.me
    }
}

/// The trace event of an ISR change from `from` to `reg`'s.
fn isr_event(tp: TopicPartition, from: Vec<BrokerId>, reg: &PartitionRegistration) -> ClusterEvent {
    let to = reg.isr.clone();
    if to.len() < from.len() {
        ClusterEvent::IsrShrunk {
            tp,
            from,
            to,
            leader_epoch: reg.leader_epoch,
        }
    } else {
        ClusterEvent::IsrExpanded { tp, from, to }
    }
}
