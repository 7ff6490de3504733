//! The Kafka cluster's nodes: ZooKeeper and brokers, as sans-IO state machines.
//!
//! This first model carries the cluster's membership traffic, as in Kafka 3.7 in ZooKeeper mode:
//! each broker opens a ZooKeeper session, keeps it alive with pings every third of
//! `zookeeper.session.timeout.ms`, and registers itself under `/brokers/ids`. ZooKeeper expires a
//! session it has not heard from for the session timeout, which deletes the broker's registration;
//! a crash is noticed only that way (there is no goodbye). The controller is the `/controller`
//! ephemeral node: whenever it is vacant, ZooKeeper gives it to the lowest registered broker id and
//! tells every registered broker (a deterministic stand-in for the brokers' race to create it).

pub mod broker;
pub mod zookeeper;

pub use broker::{BrokerNode, ZkClientState};
pub use zookeeper::{ZkNode, ZkSession};

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
    /// Broker to ZooKeeper: keep the session alive.
    ZkPing {
        /// The session.
        session: SessionId,
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
}

impl Label for ClusterMsg {
    fn label(&self) -> &'static str {
        match self {
            ClusterMsg::ZkConnect { .. } => "ZkConnect",
            ClusterMsg::ZkConnected { .. } => "ZkConnected",
            ClusterMsg::ZkPing { .. } => "ZkPing",
            ClusterMsg::ZkPong { .. } => "ZkPong",
            ClusterMsg::ZkSessionExpired { .. } => "ZkSessionExpired",
            ClusterMsg::ZkRegisterBroker { .. } => "ZkRegisterBroker",
            ClusterMsg::ZkRegistered { .. } => "ZkRegistered",
            ClusterMsg::ControllerChanged { .. } => "ControllerChanged",
        }
    }
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
}

impl Label for ClusterTimer {
    fn label(&self) -> &'static str {
        match self {
            ClusterTimer::ZkSessionCheck { .. } => "ZkSessionCheck",
            ClusterTimer::ZkClientTick => "ZkClientTick",
        }
    }
}

/// What the cluster's nodes report into the trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ClusterEvent {
    /// ZooKeeper opened a session for a broker.
    SessionCreated {
        /// The broker.
        broker_id: BrokerId,
        /// The session.
        session: SessionId,
    },
    /// ZooKeeper expired a session.
    SessionExpired {
        /// The broker.
        broker_id: BrokerId,
        /// The session.
        session: SessionId,
    },
    /// `/brokers/ids/<id>` was created.
    BrokerRegistered {
        /// The broker.
        broker_id: BrokerId,
    },
    /// `/brokers/ids/<id>` was deleted with its session.
    BrokerDeregistered {
        /// The broker.
        broker_id: BrokerId,
    },
    /// `/controller` changed.
    ControllerChanged {
        /// The new controller, if any.
        controller: Option<BrokerId>,
        /// The controller epoch.
        epoch: u32,
    },
    /// A broker has not heard from ZooKeeper for two thirds of its session timeout and reconnects.
    ZkConnectionLost {
        /// The broker.
        broker_id: BrokerId,
    },
    /// A broker learned that its session expired.
    ZkSessionLost {
        /// The broker.
        broker_id: BrokerId,
    },
}

/// A node of the cluster.
#[derive(Clone, Debug)]
pub enum ClusterNode {
    /// The ZooKeeper ensemble.
    ZooKeeper(ZkNode),
    /// A Kafka broker.
    Broker(BrokerNode),
}

impl ClusterNode {
    /// The ZooKeeper state, if this is ZooKeeper.
    pub fn as_zookeeper(&self) -> Option<&ZkNode> {
        match self {
            ClusterNode::ZooKeeper(zk) => Some(zk),
            ClusterNode::Broker(_) => None,
        }
    }

    /// The broker state, if this is a broker.
    pub fn as_broker(&self) -> Option<&BrokerNode> {
        match self {
            ClusterNode::Broker(b) => Some(b),
            ClusterNode::ZooKeeper(_) => None,
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
        }
    }

    fn on_message(&mut self, now: SimTime, from: NodeId, msg: ClusterMsg, ctx: &mut Ctx<'_, Self>) {
        match self {
            ClusterNode::ZooKeeper(zk) => zk.on_message(now, from, msg, ctx),
            ClusterNode::Broker(b) => b.on_message(now, from, msg, ctx),
        }
    }

    fn on_timer(&mut self, now: SimTime, timer: ClusterTimer, ctx: &mut Ctx<'_, Self>) {
        match self {
            ClusterNode::ZooKeeper(zk) => zk.on_timer(now, timer, ctx),
            ClusterNode::Broker(b) => b.on_timer(now, timer, ctx),
        }
    }

    fn on_crash(&mut self) {
        match self {
            ClusterNode::ZooKeeper(zk) => zk.on_crash(),
            ClusterNode::Broker(b) => b.on_crash(),
        }
    }
}
