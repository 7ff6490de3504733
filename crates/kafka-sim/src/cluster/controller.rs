//! The controller role of the broker ZooKeeper names in `/controller` (ZooKeeper mode's
//! `KafkaController`). At failover it loads its context from what ZooKeeper sent (the live brokers,
//! the topics, the partition states), then reacts to `/brokers/ids` changes, AlterPartition and
//! ControlledShutdown requests through the pure [`ControllerState`]. Every registration it writes
//! goes to ZooKeeper (so the next controller can load it) before LeaderAndIsr and UpdateMetadata go
//! to the brokers. Requested topics are created (replicas assigned with the seeded random start) as
//! soon as enough brokers are live.

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

/// The controller role: its epoch, the controller context and the topics.
#[derive(Clone, Debug)]
pub struct ControllerRole {
    me: BrokerId,
    epoch: u32,
    state: ControllerState,
    topics: Vec<TopicMeta>,
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

    /// Failover: load the context ZooKeeper sent, elect offline partitions, send every live replica
    /// its LeaderAndIsr and everyone UpdateMetadata, then create requested topics.
    pub(super) fn activate(
        me: BrokerId,
        epoch: u32,
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
        dead.sort();
        dead.dedup();
        for b in dead {
            let out = role.state.on_broker_failure(b);
            role.apply(out, ctx);
        }
        role.create_pending_topics(ctx);
        role
    }

    /// The `/brokers/ids` watch: brokers gone fail (`onBrokerFailure`), new ones start up.
    pub(super) fn on_brokers_changed(&mut self, live: &[BrokerId], ctx: &mut Ctx<'_, ClusterNode>) {
        let known: Vec<BrokerId> = self.state.live_brokers().iter().copied().collect();
        for b in known.iter().filter(|b| !live.contains(b)) {
            let out = self.state.on_broker_failure(*b);
            self.apply(out, ctx);
        }
        for b in live.iter().filter(|b| !known.contains(b)) {
            let out = self.state.on_broker_startup(*b);
            self.apply(out, ctx);
        }
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
                    let from = previous.unwrap_or_default();
                    self.isr_event(tp, from, &reg, ctx);
                    self.write_zk(vec![(tp, reg.clone())], Vec::new(), ctx);
                    self.update_metadata(self.live(), ctx);
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

    fn live(&self) -> Vec<BrokerId> {
        self.state.live_brokers().iter().copied().collect()
    }

    fn isr_event(
        &self,
        tp: TopicPartition,
        from: Vec<BrokerId>,
        reg: &PartitionRegistration,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let to = reg.isr.clone();
        if to.len() < from.len() {
            ctx.record(ClusterEvent::IsrShrunk {
                tp,
                from,
                to,
                leader_epoch: reg.leader_epoch,
            });
        } else {
            ctx.record(ClusterEvent::IsrExpanded { tp, from, to });
        }
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
            self.write_zk(Vec::new(), vec![meta], ctx);
            self.apply(out, ctx);
        }
    }

    fn write_zk(
        &self,
        partitions: Vec<(TopicPartition, PartitionRegistration)>,
        topics: Vec<TopicMeta>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if partitions.is_empty() && topics.is_empty() {
            return;
        }
        let msg = ClusterMsg::ZkWritePartitions {
            epoch: self.epoch,
            topics,
            partitions,
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

    /// Writes the outcome's registrations to ZooKeeper, records the elections and ISR changes, and
    /// sends LeaderAndIsr and UpdateMetadata.
    fn apply(&self, out: ControllerOutcome, ctx: &mut Ctx<'_, ClusterNode>) {
        let mut writes = Vec::with_capacity(out.changes.len());
        for c in &out.changes {
            let reg = &c.registration;
            let new_leader = c
                .previous
                .as_ref()
                .is_none_or(|p| p.leader_epoch != reg.leader_epoch)
                && !matches!(c.cause, ChangeCause::ReplicaOffline(_) if c.previous.as_ref().is_some_and(|p| p.leader == reg.leader));
            if new_leader {
                ctx.record(ClusterEvent::LeaderElected {
                    tp: c.partition,
                    leader: reg.leader,
                    leader_epoch: reg.leader_epoch,
                    isr: reg.isr.clone(),
                    unclean: c.election == ElectionKind::Unclean,
                });
            } else if let Some(p) = &c.previous
                && p.isr != reg.isr
            {
                self.isr_event(c.partition, p.isr.clone(), reg, ctx);
            }
            writes.push((c.partition, reg.clone()));
        }
        self.write_zk(writes, Vec::new(), ctx);
        for (b, tps) in &out.leader_and_isr {
            let partitions: Vec<PartitionState> = tps
                .iter()
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
                .collect();
            if !partitions.is_empty() {
                let msg = ClusterMsg::LeaderAndIsr {
                    controller_epoch: self.epoch,
                    partitions,
                };
                ctx.send(broker_node(*b), msg);
            }
        }
        self.send_offsets_metadata(&out, ctx);
        self.update_metadata(out.update_metadata_to, ctx);
    }

    /// Once `__consumer_offsets` exists: its leaders to every live broker whenever they may have
    /// changed or a broker needs a full metadata update (FindCoordinator reads them).
    fn send_offsets_metadata(&self, out: &ControllerOutcome, ctx: &mut Ctx<'_, ClusterNode>) {
        let Some(meta) = (self.topics.iter())
            .find(|t| t.name == crate::group::coordinator::OFFSETS_TOPIC && t.assignment.is_some())
        else {
            return;
        };
        let touched = out.changes.iter().any(|c| c.partition.topic == meta.idx);
        if !touched && out.update_metadata_to.is_empty() {
            return;
        }
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
