//! The controller's view of partitions and its leader elections, as Kafka 3.7 does them in ZooKeeper
//! mode (`KafkaController`, `ZkPartitionStateMachine`, `ZkReplicaStateMachine`,
//! `PartitionLeaderElectionAlgorithms`).
//!
//! [`ControllerState`] is pure: the controller node calls one handler per event (a topic created, a
//! broker registered, a broker's `/brokers/ids` node gone, a controlled shutdown, an AlterPartition) and
//! gets back a [`ControllerOutcome`]: the partition registrations written (the `/brokers/topics/.../state`
//! znodes), which brokers need LeaderAndIsr and UpdateMetadata, the failed elections and the state-change
//! log lines.
//!
//! ZooKeeper-mode epochs: every write of a partition's state bumps its `partition_epoch` (the znode's
//! zkVersion). The leader epoch is bumped on every leader change **and** on every controller-initiated
//! ISR change (`LeaderAndIsr.newLeaderAndIsr`, used by `doRemoveReplicasFromIsr`), because a ZK-mode
//! broker ignores a LeaderAndIsr whose leader epoch is not higher than its own. The KRaft 3.6+ rule (no
//! leader-epoch bump on ISR shrink, section 4.4 of the reference) is available through
//! [`ControllerState::bump_leader_epoch_on_isr_shrink`]. A leader's own AlterPartition never bumps it.
//!
//! Error codes `ErrorCode` lacks: `INVALID_REQUEST` (42), `INVALID_UPDATE_VERSION` (95) and
//! `INELIGIBLE_REPLICA` (107) are carried by [`AlterPartitionError`] instead.

mod election;
mod invariant;
mod load;
mod outcome;
mod registration;

pub use election::{
    Election, ElectionKind, controlled_shutdown_leader_election, offline_partition_leader_election,
    preferred_replica_leader_election,
};
pub use invariant::{
    LeaderEpochInvariant, LeaderEpochViolation, check_one_leader_per_epoch, unclean_election_log,
};
pub use outcome::{
    AlterPartitionError, AlterPartitionRequest, ChangeCause, ControllerOutcome, PartitionChange,
};
pub use registration::{LeaderRecoveryState, PartitionRegistration};

use registration::{join, keep};

use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::record::{TopicIdx, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug)]
struct PartitionEntry {
    replicas: Vec<BrokerId>,
    /// `None` while in `NewPartition` (no live replica at creation).
    registration: Option<PartitionRegistration>,
}

/// The controller's context: live brokers, brokers in controlled shutdown, topics and partitions.
#[derive(Clone, Debug)]
pub struct ControllerState {
    controller_id: BrokerId,
    controller_epoch: u32,
    live: BTreeSet<BrokerId>,
    shutting_down: BTreeSet<BrokerId>,
    topics: BTreeMap<TopicIdx, (String, bool)>,
    partitions: BTreeMap<TopicPartition, PartitionEntry>,
    /// True (ZooKeeper mode) bumps the leader epoch when the controller shrinks an ISR; false is KRaft's
    /// 3.6+ behaviour.
    pub bump_leader_epoch_on_isr_shrink: bool,
}

impl Default for ControllerState {
    fn default() -> Self {
        Self::new(BrokerId(1), 1)
    }
}

impl ControllerState {
    /// An empty context for controller `controller_id` in `controller_epoch` (used in log prefixes).
    pub fn new(controller_id: BrokerId, controller_epoch: u32) -> Self {
        ControllerState {
            controller_id,
            controller_epoch,
            live: BTreeSet::new(),
            shutting_down: BTreeSet::new(),
            topics: BTreeMap::new(),
            partitions: BTreeMap::new(),
            bump_leader_epoch_on_isr_shrink: true,
        }
    }

    /// A new controller took over (the state, as in ZooKeeper, carries over). Runs the failover's
    /// `triggerOnlinePartitionStateChange` and sends UpdateMetadata to everyone.
    pub fn on_controller_failover(
        &mut self,
        controller_id: BrokerId,
        controller_epoch: u32,
    ) -> ControllerOutcome {
        self.controller_id = controller_id;
        self.controller_epoch = controller_epoch;
        let mut out = ControllerOutcome::default();
        self.trigger_online_partition_state_change(None, &mut out);
        out.update_metadata_to = self.live.iter().copied().collect();
        out
    }

    /// The live brokers (registered, including those in controlled shutdown).
    pub fn live_brokers(&self) -> &BTreeSet<BrokerId> {
        &self.live
    }
    /// The brokers in controlled shutdown.
    pub fn shutting_down(&self) -> &BTreeSet<BrokerId> {
        &self.shutting_down
    }
    /// A partition's registration (`None` if unknown or never elected).
    pub fn partition(&self, tp: TopicPartition) -> Option<&PartitionRegistration> {
        self.partitions.get(&tp).and_then(|e| e.registration.as_ref())
    }
    /// Every partition with a registration, in order.
    pub fn partitions(&self) -> impl Iterator<Item = (TopicPartition, &PartitionRegistration)> + '_ {
        self.partitions
            .iter()
            .filter_map(|(tp, e)| e.registration.as_ref().map(|r| (*tp, r)))
    }
    /// The partitions without a live leader (offline, or new and never elected).
    pub fn offline_partitions(&self) -> Vec<TopicPartition> {
        self.partitions
            .iter()
            .filter(|(_, e)| self.is_offline(e))
            .map(|(tp, _)| *tp)
            .collect()
    }

    fn is_offline(&self, e: &PartitionEntry) -> bool {
        e.registration
            .as_ref()
            .and_then(|r| r.leader)
            .is_none_or(|l| !self.live.contains(&l))
    }

    /// Brokers eligible for elections: live and not shutting down (`isReplicaOnline`).
    fn electable(&self) -> BTreeSet<BrokerId> {
        self.live.difference(&self.shutting_down).copied().collect()
    }

    fn tp_name(&self, tp: TopicPartition) -> String {
        let name = self.topics.get(&tp.topic).map_or("?", |(n, _)| n.as_str());
        format!("{name}-{}", tp.partition)
    }

    fn prefix(&self) -> String {
        format!(
            "[Controller id={} epoch={}] ",
            self.controller_id.0, self.controller_epoch
        )
    }

    /// A topic was created with `assignment[p]` the replicas of partition `p`: each partition gets
    /// ISR = its live assigned replicas, leader = the first of them, epochs 0. A partition with no live
    /// replica stays `NewPartition` and is elected when one registers.
    pub fn on_topic_creation(
        &mut self,
        topic: TopicIdx,
        name: &str,
        assignment: &[Vec<BrokerId>],
        unclean_enabled: bool,
    ) -> ControllerOutcome {
        self.topics.insert(topic, (name.to_string(), unclean_enabled));
        let mut out = ControllerOutcome::default();
        for (p, replicas) in assignment.iter().enumerate() {
            let tp = TopicPartition {
                topic,
                partition: i32::try_from(p).unwrap_or(i32::MAX),
            };
            self.partitions.insert(
                tp,
                PartitionEntry {
                    replicas: replicas.clone(),
                    registration: None,
                },
            );
        }
        self.trigger_online_partition_state_change(Some(topic), &mut out);
        self.finish(&mut out);
        out
    }

    /// `unclean.leader.election.enable` changed for `topic`. Enabling it triggers the offline election
    /// for the topic's offline partitions (`TopicUncleanLeaderElectionEnable`).
    pub fn set_unclean_leader_election(&mut self, topic: TopicIdx, enabled: bool) -> ControllerOutcome {
        let mut out = ControllerOutcome::default();
        if let Some(t) = self.topics.get_mut(&topic) {
            t.1 = enabled;
            if enabled {
                self.trigger_online_partition_state_change(Some(topic), &mut out);
                self.finish(&mut out);
            }
        }
        out
    }

    /// A broker registered (`onBrokerStartup`): its replicas go online (LeaderAndIsr to it for every
    /// partition it hosts) and offline or new partitions are elected.
    pub fn on_broker_startup(&mut self, broker: BrokerId) -> ControllerOutcome {
        self.live.insert(broker);
        self.shutting_down.remove(&broker);
        let mut out = ControllerOutcome::default();
        let hosted: Vec<TopicPartition> = (self.partitions.iter())
            .filter(|(_, e)| e.registration.is_some() && e.replicas.contains(&broker))
            .map(|(tp, _)| *tp)
            .collect();
        for tp in hosted {
            push_lai(&mut out, broker, tp);
        }
        self.trigger_online_partition_state_change(None, &mut out);
        out.update_metadata_to = self.live.iter().copied().collect();
        out
    }

    /// A broker's registration disappeared (session expiry after a crash, or the session closed by a
    /// clean shutdown): `onBrokerFailure` then `onReplicasBecomeOffline`. The partitions it led are
    /// elected afresh; then it is removed from every ISR it is in, except that the last ISR member stays
    /// (its partition becomes leaderless).
    pub fn on_broker_failure(&mut self, broker: BrokerId) -> ControllerOutcome {
        self.live.remove(&broker);
        self.shutting_down.remove(&broker);
        let mut out = ControllerOutcome::default();
        self.trigger_online_partition_state_change(None, &mut out);
        let tps: Vec<TopicPartition> = self.partitions.keys().copied().collect();
        for tp in tps {
            self.remove_replica_from_isr(tp, broker, &mut out);
        }
        self.finish(&mut out);
        out.update_metadata_to = self.live.iter().copied().collect();
        out
    }

    /// A broker asked for a controlled shutdown (`doControlledShutdown`): leadership of the partitions it
    /// leads (with more than one replica) moves to another ISR member, and it is removed from the ISR
    /// of the partitions it follows. `remaining_leaders` lists what it still leads.
    pub fn on_controlled_shutdown(&mut self, broker: BrokerId) -> ControllerOutcome {
        let mut out = ControllerOutcome::default();
        if !self.live.contains(&broker) {
            return out;
        }
        self.shutting_down.insert(broker);
        let tps: Vec<TopicPartition> = (self.partitions.iter())
            .filter(|(_, e)| e.replicas.len() > 1 && e.replicas.contains(&broker) && e.registration.is_some())
            .map(|(tp, _)| *tp)
            .collect();
        for &tp in &tps {
            let Some(reg) = self.partition(tp).cloned() else {
                continue;
            };
            if reg.leader != Some(broker) {
                continue;
            }
            match controlled_shutdown_leader_election(
                &reg.replicas,
                &reg.isr,
                &self.live,
                &self.shutting_down,
            ) {
                Some(leader) => {
                    let isr = keep(&reg.isr, |b| !self.shutting_down.contains(b));
                    let new = reg.next(Some(leader), isr, true);
                    let to: Vec<BrokerId> = keep(&reg.replicas, |b| self.live.contains(b));
                    self.write(
                        tp,
                        new,
                        ChangeCause::ControlledShutdownElection,
                        ElectionKind::Clean,
                        &to,
                        &mut out,
                    );
                }
                None => self.log_failed(
                    tp,
                    "OnlinePartition",
                    "ControlledShutdownPartitionLeaderElectionStrategy",
                    &mut out,
                ),
            }
        }
        for &tp in &tps {
            if self.partition(tp).is_some_and(|r| r.leader != Some(broker)) {
                self.remove_replica_from_isr(tp, broker, &mut out);
            }
        }
        // `partitionLeadersOnBroker`: every partition it leads, single-replica ones included.
        out.remaining_leaders = (self.partitions())
            .filter(|(_, r)| r.leader == Some(broker))
            .map(|(tp, _)| tp)
            .collect();
        self.finish(&mut out);
        out
    }

    /// The preferred-replica election (`kafka-leader-election.sh --election-type preferred`, or the auto
    /// leader rebalance) for `partitions`; partitions already led by their preferred replica are skipped.
    pub fn elect_preferred_leaders(&mut self, partitions: &[TopicPartition]) -> ControllerOutcome {
        let mut out = ControllerOutcome::default();
        let electable = self.electable();
        for &tp in partitions {
            let Some(reg) = self.partition(tp).cloned() else {
                continue;
            };
            if reg.leader.is_some() && reg.leader == reg.replicas.first().copied() {
                continue;
            }
            match preferred_replica_leader_election(&reg.replicas, &reg.isr, &electable) {
                Some(leader) => {
                    let new = reg.next(Some(leader), reg.isr.clone(), true);
                    let to: Vec<BrokerId> = keep(&reg.replicas, |b| electable.contains(b));
                    self.write(
                        tp,
                        new,
                        ChangeCause::PreferredElection,
                        ElectionKind::Clean,
                        &to,
                        &mut out,
                    );
                }
                None => self.log_failed(
                    tp,
                    "OnlinePartition",
                    "PreferredReplicaPartitionLeaderElectionStrategy",
                    &mut out,
                ),
            }
        }
        self.finish(&mut out);
        out
    }

    /// The leader's AlterPartition for `tp` (ZK-mode `processAlterPartition`). On success the ISR is
    /// replaced, the partition epoch bumped, the leader epoch kept; the controller then sends
    /// UpdateMetadata to [`ControllerState::live_brokers`]. Checks, in Kafka's order: unknown partition;
    /// request epochs ahead of this controller (`NOT_CONTROLLER`); stale leader epoch
    /// (`FENCED_LEADER_EPOCH`); same state (idempotent success); stale partition epoch
    /// (`INVALID_UPDATE_VERSION`); recovery-state rules (`INVALID_REQUEST`); ISR members not live
    /// (`INELIGIBLE_REPLICA`). Broker-epoch checks (`STALE_BROKER_EPOCH`) are not modelled.
    pub fn on_alter_partition(
        &mut self,
        tp: TopicPartition,
        req: &AlterPartitionRequest,
    ) -> Result<PartitionRegistration, AlterPartitionError> {
        let cur = self.partition(tp).cloned();
        let cur = cur.ok_or(AlterPartitionError::Known(ErrorCode::UnknownTopicOrPartition))?;
        if req.partition_epoch > cur.partition_epoch || req.leader_epoch > cur.leader_epoch {
            return Err(AlterPartitionError::Known(ErrorCode::NotController));
        }
        if req.leader_epoch < cur.leader_epoch {
            return Err(AlterPartitionError::Known(ErrorCode::FencedLeaderEpoch));
        }
        if cur.leader == Some(req.leader)
            && cur.isr == req.new_isr
            && cur.leader_recovery_state == req.leader_recovery_state
        {
            return Ok(cur);
        }
        if req.partition_epoch < cur.partition_epoch {
            return Err(AlterPartitionError::InvalidUpdateVersion);
        }
        if req.new_isr.is_empty()
            || (req.leader_recovery_state == LeaderRecoveryState::Recovering && req.new_isr.len() > 1)
            || (cur.leader_recovery_state == LeaderRecoveryState::Recovered
                && req.leader_recovery_state == LeaderRecoveryState::Recovering)
        {
            return Err(AlterPartitionError::InvalidRequest);
        }
        if req.new_isr.iter().any(|b| !self.live.contains(b)) {
            return Err(AlterPartitionError::IneligibleReplica);
        }
        let mut new = cur.next(cur.leader, req.new_isr.clone(), false);
        new.leader_recovery_state = req.leader_recovery_state;
        let mut out = ControllerOutcome::default();
        self.write(
            tp,
            new.clone(),
            ChangeCause::AlterPartition,
            ElectionKind::None,
            &[],
            &mut out,
        );
        Ok(new)
    }

    /// `triggerOnlinePartitionStateChange`: elect every new or offline partition (of `topic`, or all).
    fn trigger_online_partition_state_change(
        &mut self,
        topic: Option<TopicIdx>,
        out: &mut ControllerOutcome,
    ) {
        let electable = self.electable();
        let tps: Vec<TopicPartition> = (self.partitions.iter())
            .filter(|(tp, e)| topic.is_none_or(|t| tp.topic == t) && self.is_offline(e))
            .map(|(tp, _)| *tp)
            .collect();
        for tp in tps {
            let Some(entry) = self.partitions.get(&tp) else {
                continue;
            };
            let to: Vec<BrokerId> = keep(&entry.replicas, |b| electable.contains(b));
            match entry.registration.clone() {
                None if to.is_empty() => self.log_failed(tp, "NewPartition", "", out),
                None => {
                    let reg = PartitionRegistration {
                        replicas: entry.replicas.clone(),
                        isr: to.clone(),
                        leader: to.first().copied(),
                        leader_epoch: 0,
                        partition_epoch: 0,
                        leader_recovery_state: LeaderRecoveryState::Recovered,
                    };
                    self.write(tp, reg, ChangeCause::TopicCreation, ElectionKind::Clean, &to, out);
                }
                Some(reg) => {
                    let unclean = self.topics.get(&tp.topic).is_some_and(|t| t.1);
                    let e = offline_partition_leader_election(&reg.replicas, &reg.isr, &electable, unclean);
                    let Some(leader) = e.leader else {
                        let strategy = format!("OfflinePartitionLeaderElectionStrategy({unclean})");
                        self.log_failed(tp, "OfflinePartition", &strategy, out);
                        continue;
                    };
                    let new = if e.kind == ElectionKind::Unclean {
                        let mut n = reg.next(Some(leader), vec![leader], true);
                        n.leader_recovery_state = LeaderRecoveryState::Recovering;
                        n
                    } else {
                        let isr = keep(&reg.isr, |b| electable.contains(b));
                        reg.next(Some(leader), isr, true)
                    };
                    self.write(tp, new, ChangeCause::OfflineElection, e.kind, &to, out);
                }
            }
        }
    }

    /// `OfflineReplica` for `broker` on `tp`: out of the ISR unless it is the last member; leaderless
    /// if it was the leader.
    fn remove_replica_from_isr(&mut self, tp: TopicPartition, broker: BrokerId, out: &mut ControllerOutcome) {
        let Some(reg) = self.partition(tp).cloned() else {
            return;
        };
        if !reg.isr.contains(&broker) {
            return;
        }
        let leader = if reg.leader == Some(broker) {
            None
        } else {
            reg.leader
        };
        let isr = if reg.isr.len() == 1 {
            reg.isr.clone()
        } else {
            reg.isr.iter().copied().filter(|&b| b != broker).collect()
        };
        let bump = self.bump_leader_epoch_on_isr_shrink || leader != reg.leader;
        let new = reg.next(leader, isr, bump);
        let to: Vec<BrokerId> = keep(&reg.replicas, |&b| b != broker && self.live.contains(&b));
        out.log.push(format!(
            "{}Partition {} state changed to (Leader:{},ISR:{},LeaderRecoveryState:{},LeaderEpoch:{},ZkVersion:{},ControllerEpoch:{}) after removing replica {} from the ISR as part of transition to OfflineReplica",
            self.prefix(), self.tp_name(tp), new.leader_id(), join(&new.isr, ","), new.leader_recovery_state,
            new.leader_epoch, new.partition_epoch, self.controller_epoch, broker.0
        ));
        self.store(
            tp,
            new,
            ChangeCause::ReplicaOffline(broker),
            ElectionKind::None,
            &to,
            out,
        );
    }

    fn write(
        &mut self,
        tp: TopicPartition,
        new: PartitionRegistration,
        cause: ChangeCause,
        election: ElectionKind,
        to: &[BrokerId],
        out: &mut ControllerOutcome,
    ) {
        let from_state = match cause {
            ChangeCause::TopicCreation => "NewPartition",
            ChangeCause::OfflineElection => "OfflinePartition",
            _ => "OnlinePartition",
        };
        out.log.push(format!(
            "{}Changed partition {} from {from_state} to OnlinePartition with state {}",
            self.prefix(),
            self.tp_name(tp),
            new.leader_and_isr_string()
        ));
        self.store(tp, new, cause, election, to, out);
    }

    fn store(
        &mut self,
        tp: TopicPartition,
        new: PartitionRegistration,
        cause: ChangeCause,
        election: ElectionKind,
        to: &[BrokerId],
        out: &mut ControllerOutcome,
    ) {
        let Some(entry) = self.partitions.get_mut(&tp) else {
            return;
        };
        let previous = entry.registration.replace(new.clone());
        for &b in to {
            push_lai(out, b, tp);
        }
        out.changes.push(PartitionChange {
            partition: tp,
            previous,
            registration: new,
            cause,
            election,
        });
    }

    fn log_failed(&self, tp: TopicPartition, from: &str, strategy: &str, out: &mut ControllerOutcome) {
        out.failed_elections.push(tp);
        let name = self.tp_name(tp);
        let (c, e) = (self.controller_id.0, self.controller_epoch);
        let cause = if strategy.is_empty() {
            let replicas = self
                .partitions
                .get(&tp)
                .map_or_else(String::new, |e| join(&e.replicas, ","));
            let live = self
                .live
                .iter()
                .map(|b| b.0.to_string())
                .collect::<Vec<_>>()
                .join(",");
            format!(
                "kafka.common.StateChangeFailedException: Controller {c} epoch {e} encountered error during state change of partition {name} from New to Online, assigned replicas are [{replicas}], live brokers are [{live}]. No assigned replica is alive."
            )
        } else {
            format!(
                "kafka.common.StateChangeFailedException: Failed to elect leader for partition {name} under strategy {strategy}"
            )
        };
        out.log.push(format!(
            "{}Controller {c} epoch {e} failed to change state for partition {name} from {from} to OnlinePartition\n{cause}",
            self.prefix()
        ));
    }

    fn finish(&self, out: &mut ControllerOutcome) {
        if !out.changes.is_empty() {
            out.update_metadata_to = self.live.iter().copied().collect();
        }
    }
}

fn push_lai(out: &mut ControllerOutcome, b: BrokerId, tp: TopicPartition) {
    let v = out.leader_and_isr.entry(b).or_default();
    if !v.contains(&tp) {
        v.push(tp);
    }
}
