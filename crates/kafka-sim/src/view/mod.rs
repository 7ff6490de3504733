//! A read-only picture of the simulation, for the UI and reports.
//!
//! The UI never reaches into the simulation's internals; it asks for a [`SimView`] (one frame: the
//! cluster picture, the producer and group panels, the topic table) and, for the tabs below, for the
//! event log ([`LoggedEvent`]s, windowed), the metrics ([`MetricSample`]s), the anomalies
//! ([`AnomaliesView`]) and the sequence diagram ([`SequenceEntry`]s). Everything here is plain data:
//! numbers, strings, and enums whose variants carry facts, never rendered text (except Kafka's own
//! log lines and the oracle's English explanations), so the UI can say it in English or Korean.
//!
//! The accessors are on [`crate::Simulation`]: `view`, `event_log_*`, `metrics`, `anomalies`,
//! `sequence`, `truncation_history` (see `sim/view_api.rs`).

mod anomaly;
mod clients;
mod cluster;
mod metrics;
mod narration;
mod narration_en;
mod settings;

pub use anomaly::{AnomaliesView, AnomalyClass, AnomalyView, GroupDeliveryView};
pub use clients::{
    Activity, ConsumerConfigView, GroupPanel, GroupPartitionView, MemberCard, MemberPartition, PollBar,
    ProcessingRange, ProcessingView, ProducerConfigView, ProducerStatsView, ProducerView, SessionArc,
};
pub use cluster::{
    BrokerReplicas, FlightView, MessageKind, OffsetCell, ReplicaRoleView, ReplicaView, SequenceEntry,
    StruckRange, TruncationView,
};
pub use metrics::MetricSample;
pub use narration::{
    Actor, EventKind, IsrChange, LeaderMove, LoggedEvent, Narration, RebalanceCause, RemovalCause,
};
pub use settings::{ClusterSettingsView, TopicSettingsView};

use crate::ids::{BrokerId, NodeId};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// Everything the UI needs to draw one frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimView {
    /// The simulated clock.
    pub now: SimTime,
    /// The seed the run was built from.
    pub seed: u64,
    /// Every node (ZooKeeper, brokers, producers, consumer group members), in node-id order.
    pub nodes: Vec<NodeView>,
    /// Messages currently travelling between nodes, in arrival order.
    pub in_flight: Vec<FlightView>,
    /// How many events the kernel has processed.
    pub events_processed: u64,
    /// The stable hash of the trace so far (see `kernel::trace`).
    pub trace_hash: u64,
    /// The topic table: every partition, in topic then partition order (`__consumer_offsets`
    /// included, flagged `internal`).
    #[serde(default)]
    pub partitions: Vec<PartitionView>,
    /// Per broker, in broker-id order: its partition replicas with their offset strips.
    #[serde(default)]
    pub brokers: Vec<BrokerReplicas>,
    /// The producer panel: one entry per producer, in spec order.
    #[serde(default)]
    pub producers: Vec<ProducerView>,
    /// The consumer group panel: one entry per group, in spec order.
    #[serde(default)]
    pub groups: Vec<GroupPanel>,
    /// How many events the event log has recorded so far (its sequence numbers run `0..event_count`;
    /// the oldest are dropped past the log's capacity). The UI refetches a window when it grows.
    #[serde(default)]
    pub event_count: u64,
    /// How many metric samples have been taken so far.
    #[serde(default)]
    pub metric_count: u64,
    /// The broker and topic settings the run uses.
    #[serde(default)]
    pub settings: Option<ClusterSettingsView>,
}

/// One partition as the UI sees it, one row of the topic table (kafka-ui's layout): the
/// controller's registration (as ZooKeeper holds it) and the replicas' logs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartitionView {
    /// The topic's name.
    pub topic: String,
    /// The partition number.
    pub partition: i32,
    /// The leader, or `None` (`Leader: none`).
    pub leader: Option<BrokerId>,
    /// The leader epoch.
    pub leader_epoch: i32,
    /// The assigned replicas, in assignment order.
    pub replicas: Vec<BrokerId>,
    /// The in-sync replicas.
    pub isr: Vec<BrokerId>,
    /// The leader's high watermark (-1 with no leader up).
    pub high_watermark: i64,
    /// Each assigned replica's log end offset.
    pub log_end_offsets: Vec<(BrokerId, i64)>,
    /// The assigned replicas outside the ISR (to highlight), in assignment order.
    #[serde(default)]
    pub out_of_sync: Vec<BrokerId>,
    /// Fewer in-sync replicas than assigned (kafka-ui's "under replicated").
    #[serde(default)]
    pub under_replicated: bool,
    /// True for Kafka's own topics (`__consumer_offsets`), which kafka-ui hides by default.
    #[serde(default)]
    pub internal: bool,
}

impl SimView {
    /// The brokers, in node-id order.
    pub fn brokers(&self) -> impl Iterator<Item = &NodeView> {
        self.nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Broker { .. }))
    }

    /// The row of partition `partition` of `topic` in the topic table.
    pub fn partition(&self, topic: &str, partition: i32) -> Option<&PartitionView> {
        (self.partitions.iter()).find(|p| p.topic == topic && p.partition == partition)
    }

    /// Broker `broker`'s replicas.
    pub fn broker_replicas(&self, broker: BrokerId) -> Option<&BrokerReplicas> {
        self.brokers.iter().find(|b| b.broker == broker)
    }
}

/// What kind of node a [`NodeView`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeKind {
    /// The ZooKeeper ensemble (one node, as in the seed).
    ZooKeeper,
    /// A Kafka broker with its `broker.id`.
    Broker {
        /// Kafka's broker id.
        broker_id: BrokerId,
    },
    /// A producer client.
    Producer {
        /// Its index in the spec (see [`SimView::producers`]).
        index: u16,
    },
    /// A consumer group member.
    Consumer {
        /// The group's index in the spec (see [`SimView::groups`]).
        group: u16,
        /// The member's number within the group (from 1).
        member: u16,
    },
}

/// One node as the UI sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeView {
    /// The node's id in the simulation.
    pub id: NodeId,
    /// ZooKeeper, broker, producer or consumer.
    pub kind: NodeKind,
    /// A display name: `ZooKeeper`, `Broker 1`, the producer's name, the consumer's `client.id`.
    pub name: String,
    /// False while the node is crashed.
    pub up: bool,
    /// True when the node is cut off from every other node by a partition.
    pub isolated: bool,
    /// For a broker: whether ZooKeeper currently holds a live session for it.
    pub registered: bool,
    /// For a broker: whether it is the cluster controller.
    pub controller: bool,
    /// For a broker that ZooKeeper has not heard from: the fraction of `zookeeper.session.timeout.ms`
    /// already used up, in `0.0..=1.0` (the shrinking arc). `None` when the session is fresh, gone,
    /// or the node is not a broker.
    pub session_used: Option<f64>,
}
