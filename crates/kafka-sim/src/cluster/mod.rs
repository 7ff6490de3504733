//! The Kafka cluster's nodes: ZooKeeper and brokers, as sans-IO state machines.
//!
//! This first model carries the cluster's membership traffic, as in Kafka 3.7 in ZooKeeper mode:
//! each broker opens a ZooKeeper session, keeps it alive with pings every third of
//! `zookeeper.session.timeout.ms`, and registers itself under `/brokers/ids`. ZooKeeper expires a
//! session it has not heard from for the session timeout, which deletes the broker's registration;
//! a crash is noticed only that way (there is no goodbye). The controller is the `/controller`
//! ephemeral node: whenever it is vacant, ZooKeeper gives it to the lowest registered broker id and
//! tells every registered broker (a deterministic stand-in for the brokers' race to create it).
//!
//! On top of membership, replication: ZooKeeper also holds the topics and the partition states the
//! controller writes, and hands them to each newly elected controller ([`controller`]), which runs
//! elections as brokers come and go and sends LeaderAndIsr and UpdateMetadata. Brokers host
//! [`HostedPartition`]s (a durable log and a volatile leader/follower role), followers fetch from
//! leaders in one request per follower-leader pair, and leaders change the ISR through
//! AlterPartition.

pub mod broker;
pub mod consumer_node;
pub mod controller;
mod controller_channel;
pub mod events;
mod labels;
pub mod probe;
pub mod producer_node;
pub mod wire;
pub mod zookeeper;

pub use broker::{BrokerNode, HostedPartition, ReplicaRole, ZkClientState};
pub use controller::ControllerRole;
pub use events::ClusterEvent;
pub use wire::{FetchPartition, PartitionState, ReplicationSettings, TopicMeta, broker_node};
pub use zookeeper::{ZkNode, ZkSession};

use crate::error_code::ErrorCode;
use crate::group::coordinator::GroupTimer;
use crate::group::wire::{ClientRequest, ClientResponse};
use crate::producer::sender::PartitionResult;
use crate::record::{RecordBatch, TopicIdx, TopicPartition};
use crate::replication::controller::PartitionRegistration;
use crate::replication::leader::FetchResponsePartition;
pub use consumer_node::{ConsumerNode, ConsumerTimer};
pub use probe::ProbeNode;
pub use producer_node::{ProducerNode, ProducerSetup};

use crate::ids::{BrokerId, NodeId};
use crate::kernel::{Ctx, Label, Node};
use crate::time::SimTime;
use serde::Serialize;
use std::fmt;

/// `zookeeper.session.timeout.ms`'s default in Kafka 3.7: 18 s.
pub const DEFAULT_ZK_SESSION_TIMEOUT: SimTime = SimTime::from_millis(18_000);

/// A ZooKeeper session id (random, drawn from the simulation's seed, as real ones look random).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SessionId(pub u64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:016x}", self.0)
    }
}

/// The messages of the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ClusterMsg {
    /// Broker to ZooKeeper: open a session, or resume `resume` after a connection loss.
    ZkConnect {
        /// Who is connecting.
        broker_id: BrokerId,
        /// The session timeout the client asks for.
        session_timeout: SimTime,
        /// The session to resume, if any.
        resume: Option<SessionId>,
    },
    /// ZooKeeper to broker: the session is open.
    ZkConnected {
        /// The session.
        session: SessionId,
    },
    /// Broker to ZooKeeper: keep the session alive. It also carries what the client's watches last
    /// saw (ZooKeeper's `SetWatches`, which the client sends on every reconnect): ZooKeeper fires
    /// again every watch whose znode changed since, so a notification lost on the way is replayed.
    ZkPing {
        /// The session.
        session: SessionId,
        /// The `/controller` epoch the broker has acted on (0: none; the controller itself reports
        /// an epoch only once it has loaded that epoch's context).
        controller_epoch: u32,
        /// The `/brokers/ids` version the controller role last saw (0 when not the controller).
        brokers_version: u64,
    },
    /// ZooKeeper to broker: the answer to a ping.
    ZkPong {
        /// The session.
        session: SessionId,
    },
    /// ZooKeeper to broker: that session has expired; open a new one.
    ZkSessionExpired {
        /// The expired session.
        session: SessionId,
    },
    /// Broker to ZooKeeper: create the ephemeral `/brokers/ids/<id>`.
    ZkRegisterBroker {
        /// The session that will own the node.
        session: SessionId,
        /// The broker.
        broker_id: BrokerId,
    },
    /// ZooKeeper to broker: the answer to a registration.
    ZkRegistered {
        /// False when another session still holds `/brokers/ids/<id>`; the broker retries.
        ok: bool,
        /// The current controller.
        controller: Option<BrokerId>,
        /// The current controller epoch.
        epoch: u32,
    },
    /// ZooKeeper to brokers: the `/controller` watch fired.
    ControllerChanged {
        /// The new controller, if any.
        controller: Option<BrokerId>,
        /// Its epoch.
        epoch: u32,
    },
    /// Broker to ZooKeeper: close the session now (a clean shutdown), deleting its ephemeral nodes.
    ZkCloseSession {
        /// The session.
        session: SessionId,
    },
    /// ZooKeeper to the new controller: what it reads at failover (`/brokers/ids`, `/brokers/topics`
    /// and the partition states).
    ZkControllerContext {
        /// The controller epoch it won.
        epoch: u32,
        /// The registered brokers.
        live: Vec<BrokerId>,
        /// The topics, created or requested.
        topics: Vec<TopicMeta>,
        /// The partition states.
        partitions: Vec<(TopicPartition, PartitionRegistration)>,
        /// The version of `/brokers/ids` that `live` is.
        brokers_version: u64,
        /// Each registered broker's epoch (its registration's creation zxid).
        broker_epochs: Vec<(BrokerId, u64)>,
    },
    /// ZooKeeper to the controller: the `/brokers/ids` watch fired.
    ZkBrokersChanged {
        /// The controller epoch this is meant for.
        epoch: u32,
        /// The registered brokers.
        live: Vec<BrokerId>,
        /// The version of `/brokers/ids` that `live` is.
        version: u64,
        /// Each registered broker's epoch (its registration's creation zxid): a broker that
        /// re-registered between two notifications shows a new one (KIP-380's bounced broker).
        broker_epochs: Vec<(BrokerId, u64)>,
    },
    /// Controller to ZooKeeper: write topic assignments and partition states (fenced by the epoch).
    ZkWritePartitions {
        /// The writer's controller epoch.
        epoch: u32,
        /// Topics whose assignment was just made.
        topics: Vec<TopicMeta>,
        /// Partition states written.
        partitions: Vec<(TopicPartition, PartitionRegistration)>,
        /// Set when the controller waits for the outcome ([`ClusterMsg::ZkWriteResult`]) before
        /// answering an AlterPartition, as Kafka's controller does.
        request: Option<u64>,
    },
    /// ZooKeeper to the controller: the outcome of a [`ClusterMsg::ZkWritePartitions`] that asked
    /// for one. `ok` is false when the controller epoch fenced it (Kafka's
    /// `ControllerMovedException`).
    ZkWriteResult {
        /// The write's request id.
        request: u64,
        /// The writer's controller epoch.
        epoch: u32,
        /// Whether the write was applied.
        ok: bool,
    },
    /// Controller to broker: become leader or follower of these partitions.
    LeaderAndIsr {
        /// The controller's epoch.
        controller_epoch: u32,
        /// One entry per partition.
        partitions: Vec<PartitionState>,
    },
    /// Broker to controller: the answer to a LeaderAndIsr (the controller's channel resends a
    /// request that gets no answer, as Kafka's `RequestSendThread` does).
    LeaderAndIsrResponse {
        /// The controller epoch of the request.
        controller_epoch: u32,
        /// The answering broker.
        broker_id: BrokerId,
        /// The partitions of the request, with the partition epoch each came with.
        partitions: Vec<(TopicPartition, i32)>,
    },
    /// Controller to broker: the live brokers (the metadata cache).
    UpdateMetadata {
        /// The controller's epoch.
        controller_epoch: u32,
        /// The live brokers.
        live: Vec<BrokerId>,
    },
    /// Follower to leader: one fetch session covering every partition it follows from that leader
    /// (KIP-227). A full fetch (`session_epoch` 0) lists every partition and opens a session; an
    /// incremental one lists only the partitions whose fetch state changed since the session's last
    /// request, and those it no longer fetches in `forgotten`.
    Fetch {
        /// The follower.
        replica_id: BrokerId,
        /// The session (0 on a full fetch: none yet).
        session_id: u32,
        /// 0 on a full fetch, else the session's epoch (1, 2, ...).
        session_epoch: i32,
        /// The partitions added to the session or whose fetch state changed (all of them on a full fetch).
        partitions: Vec<FetchPartition>,
        /// The partitions leaving the session.
        forgotten: Vec<TopicPartition>,
        /// `replica.fetch.wait.max.ms`.
        max_wait: SimTime,
        /// `replica.fetch.max.bytes` per partition.
        max_bytes: u32,
    },
    /// Leader to follower: the answer to a fetch (batches share their records with the leader's log).
    FetchResponse {
        /// The leader.
        leader: BrokerId,
        /// `NONE`, or the session errors `FETCH_SESSION_ID_NOT_FOUND` / `INVALID_FETCH_SESSION_EPOCH`
        /// (then no partition is read: the follower opens a new session).
        error: ErrorCode,
        /// The session the fetch belongs to (the new one after a full fetch; 0 on an error).
        session_id: u32,
        /// Every session partition after a full fetch; after an incremental one only those with
        /// records, an error, a diverging epoch or a changed high watermark or log start offset.
        partitions: Vec<(TopicPartition, FetchResponsePartition)>,
    },
    /// Leader to controller: change the ISR.
    AlterPartition {
        /// The leader.
        broker_id: BrokerId,
        /// The partition.
        tp: TopicPartition,
        /// The leader epoch.
        leader_epoch: i32,
        /// The partition epoch the proposal is based on.
        partition_epoch: i32,
        /// The proposed ISR.
        new_isr: Vec<BrokerId>,
    },
    /// Controller to leader: the AlterPartition answer.
    AlterPartitionResponse {
        /// The partition.
        tp: TopicPartition,
        /// Kafka's error code (0 on success).
        error: i16,
        /// The state written, on success.
        registration: Option<PartitionRegistration>,
    },
    /// Broker to controller: move my leaderships away, I am shutting down.
    ControlledShutdown {
        /// The broker.
        broker_id: BrokerId,
    },
    /// Client to leader: a ProduceRequest.
    Produce {
        /// The client's correlation id.
        correlation_id: i32,
        /// `acks` on the wire (-1, 0, 1; anything else is `INVALID_REQUIRED_ACKS`).
        acks: i16,
        /// How long an acks=-1 request may wait for replication.
        timeout_ms: u32,
        /// One batch per partition.
        partitions: Vec<(TopicPartition, RecordBatch)>,
    },
    /// Leader to client: the ProduceResponse (never sent for acks=0).
    ProduceResponse {
        /// The request's correlation id.
        correlation_id: i32,
        /// One result per partition.
        results: Vec<PartitionResult>,
    },
    /// Client to any broker: InitProducerId (idempotent producer, no transactional id).
    InitProducerId,
    /// Broker to client: the producer id and epoch.
    InitProducerIdResponse {
        /// The producer id.
        producer_id: i64,
        /// Its epoch.
        producer_epoch: i16,
    },
    /// Client to any broker: a Metadata request for every topic.
    MetadataRequest,
    /// Broker to client: the leaders this broker knows of (from the partitions it hosts).
    MetadataResponse {
        /// Partition, leader (`None`: no leader) and leader epoch.
        partitions: Vec<(TopicPartition, Option<BrokerId>, i32)>,
    },
    /// Consumer to broker: a group-protocol or data request ([`crate::group::wire`]).
    ClientRequest {
        /// The client's correlation id, echoed in the response.
        correlation_id: i32,
        /// The request.
        request: ClientRequest,
    },
    /// Broker to consumer: the answer to a [`ClusterMsg::ClientRequest`].
    ClientResponse {
        /// The request's correlation id.
        correlation_id: i32,
        /// The response.
        response: ClientResponse,
    },
    /// Broker to ZooKeeper: create a topic's `/brokers/topics/<name>` znode, as ZooKeeper-mode
    /// auto-creation does (for `__consumer_offsets` at the first FindCoordinator). ZooKeeper gives it
    /// the next topic index; an existing name is left alone.
    ZkCreateTopic {
        /// The topic (its `idx` and `assignment` are ignored).
        topic: TopicMeta,
    },
    /// ZooKeeper to the controller: the `/brokers/topics` watch fired for new topics.
    ZkTopicsChanged {
        /// The controller epoch this is meant for.
        epoch: u32,
        /// The new topics.
        topics: Vec<TopicMeta>,
    },
    /// Controller to brokers: the leaders of `__consumer_offsets` (the part of the metadata cache
    /// FindCoordinator reads); sent only once that topic exists.
    OffsetsTopicMetadata {
        /// The controller's epoch.
        controller_epoch: u32,
        /// The topic's index.
        topic: TopicIdx,
        /// Per partition, its leader.
        leaders: Vec<Option<BrokerId>>,
    },
    /// Broker (DeleteTopics) to ZooKeeper: create `/admin/delete_topics/<name>`, marking the topic
    /// for deletion; ZooKeeper fires the controller's watch ([`ClusterMsg::ZkTopicDeletions`]).
    ZkDeleteTopic {
        /// The topic's name.
        name: String,
    },
    /// ZooKeeper to the controller: the `/admin/delete_topics` child watch fired.
    ZkTopicDeletions {
        /// The controller epoch this is meant for.
        epoch: u32,
        /// The topics marked for deletion.
        topics: Vec<TopicIdx>,
    },
    /// Controller to broker: stop replicating these partitions and, with `delete`, delete their logs
    /// (the `TopicDeletionManager`'s `ReplicaDeletionStarted`).
    StopReplica {
        /// The controller's epoch.
        controller_epoch: u32,
        /// The partitions.
        partitions: Vec<TopicPartition>,
        /// Whether to delete the logs.
        delete: bool,
    },
    /// Broker to controller: the answer to a StopReplica.
    StopReplicaResponse {
        /// The controller epoch of the request.
        controller_epoch: u32,
        /// The answering broker.
        broker_id: BrokerId,
        /// The partitions stopped (and deleted).
        partitions: Vec<TopicPartition>,
    },
    /// Controller to ZooKeeper: the deletion finished; remove `/brokers/topics/<name>`, its
    /// `/config/topics` znode, its partition states and `/admin/delete_topics/<name>`.
    ZkTopicDeleted {
        /// The writer's controller epoch.
        epoch: u32,
        /// The topic.
        topic: TopicIdx,
    },
    /// Broker (CreatePartitions) to ZooKeeper: rewrite `/brokers/topics/<name>` with the new
    /// partitions' replicas appended (`AdminZkClient.createPartitions`).
    ZkAddPartitions {
        /// The topic.
        topic: TopicIdx,
        /// The replicas of the new partitions, in partition order after the existing ones.
        added: Vec<Vec<BrokerId>>,
    },
    /// ZooKeeper to the controller: the topic's partition modification watch fired.
    ZkPartitionsChanged {
        /// The controller epoch this is meant for.
        epoch: u32,
        /// The topic as ZooKeeper now holds it (with every partition's replicas).
        topic: TopicMeta,
    },
}

/// The timers of the cluster's nodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ClusterTimer {
    /// ZooKeeper: check whether a session has expired.
    ZkSessionCheck {
        /// The session.
        session: SessionId,
    },
    /// Broker: the ZooKeeper client's tick (ping, reconnect, retry registration).
    ZkClientTick,
    /// Broker: write the high watermarks to the checkpoint file (every 5 s).
    HwCheckpoint,
    /// Broker: the `isr-expiration` task (every `replica.lag.time.max.ms / 2`).
    IsrExpiration,
    /// Leader: a held fetch from `follower` has waited `replica.fetch.wait.max.ms`.
    FetchWaitExpired {
        /// The follower.
        follower: BrokerId,
        /// Which held fetch.
        seq: u64,
    },
    /// Follower: fetch again from `leader` (after a backoff, or a fetch that got no answer).
    FetchRetry {
        /// The leader.
        leader: BrokerId,
        /// Which fetch round.
        seq: u64,
    },
    /// Leader: the purgatory sweep, at the earliest delayed produce (acks=-1) deadline.
    DelayedProduceExpired {
        /// The sweep's generation (stale sweeps are ignored).
        seq: u64,
    },
    /// Controller: resend the LeaderAndIsr requests unanswered for `controller.socket.timeout.ms`.
    ControllerRequestTimeout {
        /// The controller epoch that armed it (stale ones are ignored).
        epoch: u32,
    },
    /// Producer: generate the records due by now.
    ProducerTick,
    /// Producer: the sender's wakeup (stale generations are ignored).
    ProducerWakeup {
        /// The generation it was armed with.
        generation: u64,
    },
    /// Consumer client: its timers.
    Consumer(ConsumerTimer),
    /// Broker: a group coordinator timer, or one of the consumer-facing waits (commit replication,
    /// held consumer fetch).
    Group(GroupTimer),
}

impl Label for ClusterTimer {
    fn label(&self) -> &'static str {
        match self {
            ClusterTimer::ZkSessionCheck { .. } => "ZkSessionCheck",
            ClusterTimer::ZkClientTick => "ZkClientTick",
            ClusterTimer::HwCheckpoint => "HwCheckpoint",
            ClusterTimer::IsrExpiration => "IsrExpiration",
            ClusterTimer::FetchWaitExpired { .. } => "FetchWaitExpired",
            ClusterTimer::FetchRetry { .. } => "FetchRetry",
            ClusterTimer::DelayedProduceExpired { .. } => "DelayedProduceExpired",
            ClusterTimer::ControllerRequestTimeout { .. } => "ControllerRequestTimeout",
            ClusterTimer::ProducerTick => "ProducerTick",
            ClusterTimer::ProducerWakeup { .. } => "ProducerWakeup",
            ClusterTimer::Consumer(t) => t.label(),
            ClusterTimer::Group(t) => t.label(),
        }
    }
}

/// A node of the cluster.
// Nodes live once each in the kernel's table and are never moved around by value in bulk, so a
// large broker variant costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum ClusterNode {
    /// The ZooKeeper ensemble.
    ZooKeeper(ZkNode),
    /// A Kafka broker.
    Broker(BrokerNode),
    /// A producer client.
    Producer(ProducerNode),
    /// A consumer client (one member of a consumer group).
    Consumer(ConsumerNode),
    /// A scripted client that sends [`ClientRequest`]s and keeps the answers (tests, demos).
    Probe(ProbeNode),
}

impl ClusterNode {
    /// The ZooKeeper state, if this is ZooKeeper.
    pub fn as_zookeeper(&self) -> Option<&ZkNode> {
        match self {
            ClusterNode::ZooKeeper(zk) => Some(zk),
            _ => None,
        }
    }

    /// The broker state, if this is a broker.
    pub fn as_broker(&self) -> Option<&BrokerNode> {
        match self {
            ClusterNode::Broker(b) => Some(b),
            _ => None,
        }
    }

    /// The producer state, if this is a producer client.
    pub fn as_producer(&self) -> Option<&ProducerNode> {
        match self {
            ClusterNode::Producer(p) => Some(p),
            _ => None,
        }
    }

    /// The consumer state, if this is a consumer client.
    pub fn as_consumer(&self) -> Option<&ConsumerNode> {
        match self {
            ClusterNode::Consumer(c) => Some(c),
            _ => None,
        }
    }

    /// The consumer state, mutably (to drain its facts), if this is a consumer client.
    pub fn as_consumer_mut(&mut self) -> Option<&mut ConsumerNode> {
        match self {
            ClusterNode::Consumer(c) => Some(c),
            _ => None,
        }
    }

    /// The probe client, if this is one.
    pub fn as_probe(&self) -> Option<&ProbeNode> {
        match self {
            ClusterNode::Probe(p) => Some(p),
            _ => None,
        }
    }
}

impl Node for ClusterNode {
    type Msg = ClusterMsg;
    type Timer = ClusterTimer;
    type Event = ClusterEvent;

    fn on_start(&mut self, now: SimTime, ctx: &mut Ctx<'_, Self>) {
        match self {
            ClusterNode::ZooKeeper(zk) => zk.on_start(now, ctx),
            ClusterNode::Broker(b) => b.on_start(now, ctx),
            ClusterNode::Producer(p) => p.on_start(now, ctx),
            ClusterNode::Consumer(c) => c.on_start(now, ctx),
            ClusterNode::Probe(p) => p.on_start(now, ctx),
        }
    }

    fn on_message(&mut self, now: SimTime, from: NodeId, msg: ClusterMsg, ctx: &mut Ctx<'_, Self>) {
        match self {
            ClusterNode::ZooKeeper(zk) => zk.on_message(now, from, msg, ctx),
            ClusterNode::Broker(b) => b.on_message(now, from, msg, ctx),
            ClusterNode::Producer(p) => p.on_message(now, from, msg, ctx),
            ClusterNode::Consumer(c) => c.on_message(now, from, msg, ctx),
            ClusterNode::Probe(p) => p.on_message(now, from, msg, ctx),
        }
    }

    fn on_timer(&mut self, now: SimTime, timer: ClusterTimer, ctx: &mut Ctx<'_, Self>) {
        match self {
            ClusterNode::ZooKeeper(zk) => zk.on_timer(now, timer, ctx),
            ClusterNode::Broker(b) => b.on_timer(now, timer, ctx),
            ClusterNode::Producer(p) => p.on_timer(now, timer, ctx),
            ClusterNode::Consumer(c) => {
                if let ClusterTimer::Consumer(t) = timer {
                    c.on_timer(now, t, ctx);
                }
            }
            ClusterNode::Probe(p) => p.on_timer(now, timer, ctx),
        }
    }

    fn on_crash(&mut self) {
        match self {
            ClusterNode::ZooKeeper(zk) => zk.on_crash(),
            ClusterNode::Broker(b) => b.on_crash(),
            ClusterNode::Producer(p) => p.on_crash(),
            ClusterNode::Consumer(c) => c.on_crash(),
            ClusterNode::Probe(p) => p.on_crash(),
        }
    }

    fn on_peer_down(&mut self, now: SimTime, peer: NodeId, ctx: &mut Ctx<'_, Self>) {
        // Clients react; brokers and ZooKeeper learn of a dead peer by their own timeouts (ZooKeeper
        // sessions, replica fetch and controller socket timeouts), which this model keeps.
        match self {
            ClusterNode::Consumer(c) => c.on_peer_down(now, peer, ctx),
            ClusterNode::Producer(p) => p.on_peer_down(now, peer, ctx),
            // A client's connections were reset: the requests it had queued are dropped.
            ClusterNode::Broker(b) => b.on_peer_down(peer),
            _ => {}
        }
    }

    fn on_peer_up(&mut self, now: SimTime, peer: NodeId, ctx: &mut Ctx<'_, Self>) {
        match self {
            ClusterNode::Consumer(c) => c.on_peer_up(now, peer, ctx),
            ClusterNode::Producer(p) => p.on_peer_up(now, peer, ctx),
            _ => {}
        }
    }
}
