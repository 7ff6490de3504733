//! A read-only picture of the simulation, for the UI and reports.
//!
//! The UI never reaches into the simulation's internals; it asks for a [`SimView`] and draws it.

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
    /// Every node, in node-id order.
    pub nodes: Vec<NodeView>,
    /// Messages currently travelling between nodes.
    pub in_flight: Vec<FlightView>,
    /// How many events the kernel has processed.
    pub events_processed: u64,
    /// The stable hash of the trace so far (see `kernel::trace`).
    pub trace_hash: u64,
    /// Every partition, in topic then partition order.
    #[serde(default)]
    pub partitions: Vec<PartitionView>,
}

/// One partition as the UI sees it: the controller's registration (as ZooKeeper holds it) and the
/// replicas' logs.
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
}

impl SimView {
    /// The brokers, in node-id order.
    pub fn brokers(&self) -> impl Iterator<Item = &NodeView> {
        self.nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Broker { .. }))
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
}

/// One node as the UI sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeView {
    /// The node's id in the simulation.
    pub id: NodeId,
    /// ZooKeeper or broker.
    pub kind: NodeKind,
    /// A display name: `ZooKeeper`, `Broker 1`, ...
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
    /// already used up, in `0.0..=1.0`. `None` when the session is fresh or the node is not a broker.
    pub session_used: Option<f64>,
}

/// A message on the wire, for drawing it moving along its link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlightView {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it left.
    pub sent_at: SimTime,
    /// When it arrives.
    pub deliver_at: SimTime,
    /// A short label, e.g. `ZkPing`.
    pub label: String,
}
