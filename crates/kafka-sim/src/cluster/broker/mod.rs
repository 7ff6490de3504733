//! The broker node: its ZooKeeper client (session, pings, registration), its view of the controller,
//! the replicas it hosts (`replica_manager`), its replica fetchers (`fetcher`) and, when ZooKeeper
//! says so, the controller role (`super::controller`).
//!
//! The client follows ZooKeeper's Java client: it pings when idle for a third of the session
//! timeout, and if it has heard nothing from the server for two thirds of it (the read timeout) it
//! drops the connection and tries to resume the session; if the server says the session expired,
//! it opens a new one and registers again.

mod connections;
mod consumer_fetch;
mod dynamic_config;
mod fetch_session;
mod fetcher;
mod group;
mod produce;
mod replica_manager;
mod topic_deletion;

pub use replica_manager::{HostedPartition, ReplicaRole, direct_batch};

use super::controller::ControllerRole;
use super::wire::ReplicationSettings;
use super::{ClusterEvent, ClusterMsg, ClusterNode, ClusterTimer, SessionId};
use crate::ids::{BrokerId, NodeId};
use crate::kernel::Ctx;
use crate::record::TopicPartition;
use crate::time::SimTime;
use fetch_session::{FollowerSession, LeaderSession};
use fetcher::Fetcher;
use replica_manager::ParkedFetch;
use std::collections::BTreeMap;

/// How often the high watermarks are checkpointed (`replica.high.watermark.checkpoint.interval.ms`).
pub const HW_CHECKPOINT_INTERVAL: SimTime = SimTime::from_millis(5_000);

/// Where the broker's ZooKeeper client stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZkClientState {
    /// Waiting for `ZkConnected`; `resume` is the session it is trying to resume.
    Connecting {
        /// The session being resumed, if any.
        resume: Option<SessionId>,
    },
    /// Connected with a session.
    Connected {
        /// The session.
        session: SessionId,
    },
}

/// A Kafka broker.
#[derive(Clone, Debug)]
pub struct BrokerNode {
    // Durable: configuration.
    broker_id: BrokerId,
    zookeeper: NodeId,
    session_timeout: SimTime,
    settings: ReplicationSettings,
    /// The hosted partitions: the logs are durable, the roles are not.
    partitions: BTreeMap<TopicPartition, HostedPartition>,
    // Volatile: lost at a crash.
    zk: ZkClientState,
    last_zk_heard: SimTime,
    registered: bool,
    controller: Option<BrokerId>,
    controller_epoch: u32,
    /// The highest controller epoch a LeaderAndIsr came with.
    lai_controller_epoch: u32,
    /// The live brokers as the last UpdateMetadata told.
    live_brokers: Vec<BrokerId>,
    /// The controller role, while ZooKeeper says this broker is the controller.
    role: Option<ControllerRole>,
    /// Replica fetchers, one per leader.
    fetchers: BTreeMap<BrokerId, Fetcher>,
    /// Leaders whose fetch watchdog timer is armed.
    fetch_watchdogs: Vec<BrokerId>,
    /// The fetchers' sessions, by leader (KIP-227).
    replica_sessions: BTreeMap<BrokerId, FollowerSession>,
    /// The followers' fetch sessions on this broker as their leader, by follower.
    fetch_sessions: BTreeMap<BrokerId, LeaderSession>,
    /// The id of the last fetch session opened here.
    last_fetch_session_id: u32,
    /// Follower fetches held for new data, by follower.
    parked: BTreeMap<BrokerId, ParkedFetch>,
    /// Followers whose fetch-wait timer is armed.
    park_timers: Vec<BrokerId>,
    /// Partitions whose ISR change was pending at the last `isr-expiration` run.
    stale_pending: Vec<TopicPartition>,
    next_seq: u64,
    /// Truncations with removed batches, for the durability oracle (the simulation drains them).
    pub(crate) truncations: Vec<crate::oracle::durability::TruncationEvent>,
    /// The produce path's state: delayed produces, producer states, the producer id counter.
    produce: produce::ProduceState,
    /// Consumer groups: the coordinator, commits waiting for replication, held consumer fetches.
    groups: group::GroupHost,
    /// Read-only settings changed in `server.properties`, applied at the next start.
    next_settings: Option<ReplicationSettings>,
    /// Topics whose partitions a StopReplica (delete) removed here.
    deleted_topics: std::collections::BTreeSet<crate::record::TopicIdx>,
    /// Client connections: one request handled at a time on each, the rest queued.
    connections: connections::Connections,
}

impl BrokerNode {
    /// A broker with `broker.id` = `broker_id`, whose ZooKeeper is node `zookeeper`, with the given
    /// `zookeeper.session.timeout.ms`.
    pub fn new(broker_id: BrokerId, zookeeper: NodeId, session_timeout: SimTime) -> Self {
        let settings = ReplicationSettings {
            zookeeper_session_timeout_ms: session_timeout.as_millis(),
            ..ReplicationSettings::default()
        };
        Self::with_settings(broker_id, zookeeper, settings)
    }

    /// A broker with the given replication settings (its session timeout among them).
    pub fn with_settings(broker_id: BrokerId, zookeeper: NodeId, settings: ReplicationSettings) -> Self {
        BrokerNode {
            broker_id,
            zookeeper,
            session_timeout: settings.session_timeout(),
            settings,
            partitions: BTreeMap::new(),
            zk: ZkClientState::Connecting { resume: None },
            last_zk_heard: SimTime::ZERO,
            registered: false,
            controller: None,
            controller_epoch: 0,
            lai_controller_epoch: 0,
            live_brokers: Vec::new(),
            role: None,
            fetchers: BTreeMap::new(),
            fetch_watchdogs: Vec::new(),
            replica_sessions: BTreeMap::new(),
            fetch_sessions: BTreeMap::new(),
            last_fetch_session_id: 0,
            parked: BTreeMap::new(),
            park_timers: Vec::new(),
            stale_pending: Vec::new(),
            next_seq: 0,
            truncations: Vec::new(),
            produce: produce::ProduceState::default(),
            groups: group::GroupHost::new(Default::default()),
            next_settings: None,
            deleted_topics: std::collections::BTreeSet::new(),
            connections: connections::Connections::default(),
        }
    }

    /// The replication settings.
    pub fn settings(&self) -> &ReplicationSettings {
        &self.settings
    }

    /// The partitions this broker hosts.
    pub fn partitions(&self) -> &BTreeMap<TopicPartition, HostedPartition> {
        &self.partitions
    }

    /// One hosted partition.
    pub fn partition(&self, tp: TopicPartition) -> Option<&HostedPartition> {
        self.partitions.get(&tp)
    }

    /// The controller role, if this broker is acting as controller.
    pub fn controller_role(&self) -> Option<&ControllerRole> {
        self.role.as_ref()
    }

    fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Kafka's `broker.id`.
    pub fn broker_id(&self) -> BrokerId {
        self.broker_id
    }

    /// `zookeeper.session.timeout.ms`.
    pub fn session_timeout(&self) -> SimTime {
        self.session_timeout
    }

    /// How often the client pings: a third of the session timeout.
    pub fn ping_interval(&self) -> SimTime {
        SimTime(self.session_timeout.as_micros() / 3)
    }

    /// How long the client waits without hearing from ZooKeeper before reconnecting: two thirds of
    /// the session timeout.
    pub fn read_timeout(&self) -> SimTime {
        SimTime(self.session_timeout.as_micros() / 3 * 2)
    }

    /// The ZooKeeper client's state.
    pub fn zk_state(&self) -> ZkClientState {
        self.zk
    }

    /// Whether the broker believes it is registered.
    pub fn believes_registered(&self) -> bool {
        self.registered
    }

    /// The controller as this broker last heard it, with its epoch.
    pub fn known_controller(&self) -> (Option<BrokerId>, u32) {
        (self.controller, self.controller_epoch)
    }

    fn connect(&mut self, resume: Option<SessionId>, ctx: &mut Ctx<'_, ClusterNode>) {
        self.zk = ZkClientState::Connecting { resume };
        let msg = ClusterMsg::ZkConnect {
            broker_id: self.broker_id,
            session_timeout: self.session_timeout,
            resume,
        };
        ctx.send(self.zookeeper, msg);
    }

    fn register(&mut self, session: SessionId, ctx: &mut Ctx<'_, ClusterNode>) {
        ctx.send(
            self.zookeeper,
            ClusterMsg::ZkRegisterBroker {
                session,
                broker_id: self.broker_id,
            },
        );
    }

    /// A ping, carrying what this client's watches last saw (`SetWatches`): the `/controller`
    /// epoch acted on (the controller itself counts its epoch only once it loaded the context) and
    /// the `/brokers/ids` version its controller role read.
    fn ping(&self, session: SessionId, ctx: &mut Ctx<'_, ClusterNode>) {
        let role = self.role.as_ref().filter(|r| r.epoch() == self.controller_epoch);
        let controller_epoch = if self.controller == Some(self.broker_id) && role.is_none() {
            0
        } else {
            self.controller_epoch
        };
        let msg = ClusterMsg::ZkPing {
            session,
            controller_epoch,
            brokers_version: role.map_or(0, ControllerRole::brokers_version),
        };
        ctx.send(self.zookeeper, msg);
    }

    fn learn_controller(&mut self, controller: Option<BrokerId>, epoch: u32, ctx: &mut Ctx<'_, ClusterNode>) {
        if epoch >= self.controller_epoch {
            let changed = self.controller != controller || self.controller_epoch != epoch;
            self.controller = controller;
            self.controller_epoch = epoch;
            if self
                .role
                .as_ref()
                .is_some_and(|r| r.epoch() != epoch || controller != Some(self.broker_id))
            {
                // Resigned: another broker (or none) holds `/controller` now.
                self.role = None;
            }
            if changed {
                // AlterPartition requests to the old controller may be lost: propose again.
                self.reset_pending_isr_changes(ctx);
            }
        }
    }

    pub(super) fn on_start(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        self.apply_next_settings();
        self.last_zk_heard = now;
        for p in self.partitions.values_mut() {
            p.log.on_restart();
        }
        self.connect(None, ctx);
        ctx.set_timer(self.ping_interval(), ClusterTimer::ZkClientTick);
        ctx.set_timer(HW_CHECKPOINT_INTERVAL, ClusterTimer::HwCheckpoint);
        ctx.set_timer(self.isr_check_interval(), ClusterTimer::IsrExpiration);
    }

    /// The period of the `isr-expiration` task: half of `replica.lag.time.max.ms`.
    pub fn isr_check_interval(&self) -> SimTime {
        SimTime::from_millis(self.settings.replica_lag_time_max_ms / 2)
    }

    pub(super) fn on_crash(&mut self) {
        self.zk = ZkClientState::Connecting { resume: None };
        self.registered = false;
        self.controller = None;
        self.controller_epoch = 0;
        self.lai_controller_epoch = 0;
        self.live_brokers.clear();
        self.role = None;
        self.fetchers.clear();
        self.fetch_watchdogs.clear();
        self.replica_sessions.clear();
        self.fetch_sessions.clear();
        self.parked.clear();
        self.park_timers.clear();
        self.stale_pending.clear();
        self.produce.on_crash();
        self.groups.on_crash();
        self.connections.on_crash();
        for p in self.partitions.values_mut() {
            p.role = ReplicaRole::Offline;
        }
    }

    /// A clean shutdown begins: checkpoint the high watermarks, ask the controller to move leadership
    /// away and close the ZooKeeper session (so the broker's failure is noticed at once).
    pub fn begin_shutdown(&mut self, ctx: &mut Ctx<'_, ClusterNode>) {
        for p in self.partitions.values_mut() {
            p.log.checkpoint_high_watermark();
        }
        ctx.record(ClusterEvent::ControlledShutdownRequested {
            broker: self.broker_id,
        });
        if let Some(c) = self.controller {
            let msg = ClusterMsg::ControlledShutdown {
                broker_id: self.broker_id,
            };
            ctx.send(super::wire::broker_node(c), msg);
        }
        if let ZkClientState::Connected { session } = self.zk {
            ctx.send(self.zookeeper, ClusterMsg::ZkCloseSession { session });
        }
    }

    pub(super) fn on_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if from != self.zookeeper {
            self.on_peer_message(now, from, msg, ctx);
            self.pump_connections(now, ctx);
            return;
        }
        self.last_zk_heard = now;
        match msg {
            ClusterMsg::ZkConnected { session } => {
                let resumed = match self.zk {
                    ZkClientState::Connecting { resume } => resume == Some(session),
                    ZkClientState::Connected { session: current } => current == session,
                };
                if !resumed {
                    self.registered = false;
                }
                self.zk = ZkClientState::Connected { session };
                if !self.registered {
                    self.register(session, ctx);
                } else {
                    // A resumed session: `SetWatches` at once, so missed watches fire again.
                    self.ping(session, ctx);
                }
            }
            ClusterMsg::ZkSessionExpired { session } => {
                let ours = match self.zk {
                    ZkClientState::Connecting { resume } => resume == Some(session),
                    ZkClientState::Connected { session: current } => current == session,
                };
                if ours {
                    self.registered = false;
                    // `/controller` was this session's ephemeral node: resign.
                    self.role = None;
                    ctx.record(ClusterEvent::ZkSessionLost {
                        broker_id: self.broker_id,
                    });
                    self.connect(None, ctx);
                }
            }
            ClusterMsg::ZkRegistered {
                ok,
                controller,
                epoch,
            } => {
                self.registered = ok;
                self.learn_controller(controller, epoch, ctx);
            }
            ClusterMsg::ControllerChanged { controller, epoch } => {
                self.learn_controller(controller, epoch, ctx)
            }
            ClusterMsg::ZkControllerContext {
                epoch,
                live,
                topics,
                partitions,
                brokers_version,
                broker_epochs,
            } if self.controller == Some(self.broker_id)
                && self.controller_epoch == epoch
                && self.role.as_ref().is_none_or(|r| r.epoch() != epoch) =>
            {
                let role = ControllerRole::activate(
                    self.broker_id,
                    epoch,
                    (brokers_version, broker_epochs),
                    live,
                    topics,
                    &partitions,
                    ctx,
                );
                self.role = Some(role);
            }
            msg @ (ClusterMsg::ZkTopicDeletions { .. } | ClusterMsg::ZkPartitionsChanged { .. }) => {
                self.on_topic_watch(msg, ctx)
            }
            ClusterMsg::ZkTopicsChanged { epoch, topics } => {
                if let Some(role) = self.role.as_mut().filter(|r| r.epoch() == epoch) {
                    role.on_topics_changed(topics, ctx);
                }
            }
            ClusterMsg::ZkBrokersChanged {
                epoch,
                live,
                version,
                broker_epochs,
            } => {
                if let Some(role) = self.role.as_mut().filter(|r| r.epoch() == epoch) {
                    role.on_brokers_changed(&live, version, &broker_epochs, ctx);
                }
            }
            ClusterMsg::ZkWriteResult { request, epoch, ok } => {
                if let Some(role) = self.role.as_mut()
                    && !role.on_zk_write_result(request, epoch, ok, ctx)
                {
                    // `ControllerMovedException`: another controller holds `/controller`.
                    self.role = None;
                }
            }
            _ => {}
        }
    }

    /// A message from another broker (or this one, to itself as controller), or from a client.
    fn on_peer_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let Some(msg) = self.receive_on_connection(now, from, msg, ctx) else {
            return;
        };
        match msg {
            ClusterMsg::LeaderAndIsr {
                controller_epoch,
                partitions,
            } => {
                let answer = ClusterMsg::LeaderAndIsrResponse {
                    controller_epoch,
                    broker_id: self.broker_id,
                    partitions: (partitions.iter())
                        .map(|p| (p.tp, p.registration.partition_epoch))
                        .collect(),
                };
                self.on_leader_and_isr(now, controller_epoch, partitions, ctx);
                self.sync_coordinator(now, ctx);
                ctx.send(from, answer);
            }
            ClusterMsg::LeaderAndIsrResponse {
                controller_epoch,
                broker_id,
                partitions,
            } => {
                if let Some(role) = self.role.as_mut() {
                    role.on_leader_and_isr_response(broker_id, controller_epoch, &partitions);
                }
            }
            ClusterMsg::UpdateMetadata {
                controller_epoch,
                live,
            } => self.on_update_metadata(controller_epoch, live),
            ClusterMsg::Fetch {
                replica_id,
                session_id,
                session_epoch,
                partitions,
                forgotten,
                max_wait,
                max_bytes,
            } => {
                let request = fetch_session::SessionRequest {
                    session_id,
                    epoch: session_epoch,
                    partitions,
                    forgotten,
                };
                self.on_fetch(now, replica_id, request, max_wait, max_bytes, ctx);
            }
            ClusterMsg::FetchResponse {
                leader,
                error,
                session_id,
                partitions,
            } => {
                self.on_fetch_response(now, leader, error, session_id, partitions, ctx);
            }
            ClusterMsg::AlterPartition {
                broker_id,
                tp,
                leader_epoch,
                partition_epoch,
                new_isr,
            } => {
                if let Some(role) = self.role.as_mut() {
                    role.on_alter_partition(broker_id, tp, leader_epoch, partition_epoch, new_isr, ctx);
                }
            }
            ClusterMsg::AlterPartitionResponse {
                tp,
                error,
                registration,
            } => self.on_alter_partition_response(now, tp, error, registration, ctx),
            ClusterMsg::ControlledShutdown { broker_id } => {
                if let Some(role) = self.role.as_mut() {
                    role.on_controlled_shutdown(broker_id, ctx);
                }
            }
            // The coordinator connection's requests (the others were taken by `connections`).
            ClusterMsg::ClientRequest {
                correlation_id,
                request,
            } => self.on_client_request(now, from, correlation_id, request, ctx),
            ClusterMsg::OffsetsTopicMetadata {
                controller_epoch,
                topic,
                leaders,
            } => self.on_offsets_topic_metadata(controller_epoch, topic, leaders),
            msg @ (ClusterMsg::StopReplica { .. } | ClusterMsg::StopReplicaResponse { .. }) => {
                self.on_stop_replica_msg(now, from, msg, ctx)
            }
            _ => {}
        }
    }

    pub(super) fn on_timer(&mut self, now: SimTime, timer: ClusterTimer, ctx: &mut Ctx<'_, ClusterNode>) {
        self.on_timer_fired(now, timer, ctx);
        self.pump_connections(now, ctx);
    }

    fn on_timer_fired(&mut self, now: SimTime, timer: ClusterTimer, ctx: &mut Ctx<'_, ClusterNode>) {
        match timer {
            ClusterTimer::ZkClientTick => {
                match self.zk {
                    ZkClientState::Connecting { resume } => self.connect(resume, ctx),
                    ZkClientState::Connected { session } => {
                        if now - self.last_zk_heard >= self.read_timeout() {
                            ctx.record(ClusterEvent::ZkConnectionLost {
                                broker_id: self.broker_id,
                            });
                            self.connect(Some(session), ctx);
                        } else {
                            self.ping(session, ctx);
                            let after = self.ping_interval();
                            if let Some(role) = self.role.as_mut() {
                                role.retry_unanswered_writes(after, ctx);
                            }
                            if !self.registered {
                                self.register(session, ctx);
                            }
                        }
                    }
                }
                ctx.set_timer(self.ping_interval(), ClusterTimer::ZkClientTick);
            }
            ClusterTimer::HwCheckpoint => {
                for p in self.partitions.values_mut() {
                    p.log.checkpoint_high_watermark();
                }
                ctx.set_timer(HW_CHECKPOINT_INTERVAL, ClusterTimer::HwCheckpoint);
            }
            ClusterTimer::IsrExpiration => {
                self.maybe_shrink_isrs(now, ctx);
                ctx.set_timer(self.isr_check_interval(), ClusterTimer::IsrExpiration);
            }
            ClusterTimer::FetchWaitExpired { follower, seq } => {
                self.on_fetch_wait_expired(now, follower, seq, ctx);
            }
            ClusterTimer::FetchRetry { leader, seq } => self.on_fetch_retry(now, leader, seq, ctx),
            ClusterTimer::DelayedProduceExpired { seq } => self.on_delayed_produce_expired(now, seq, ctx),
            ClusterTimer::Group(t) => self.on_group_timer(now, t, ctx),
            ClusterTimer::ControllerRequestTimeout { epoch } => {
                if let Some(role) = self.role.as_mut().filter(|r| r.epoch() == epoch) {
                    role.on_request_timeout(ctx);
                }
            }
            ClusterTimer::ZkSessionCheck { .. }
            | ClusterTimer::ProducerTick
            | ClusterTimer::ProducerWakeup { .. }
            | ClusterTimer::Consumer(_) => {}
        }
    }
}
