//! What the cluster's nodes report into the trace: one closed enum, [`ClusterEvent`].

use super::SessionId;
use crate::error_code::ErrorCode;
use crate::group::coordinator::GroupEvent;
use crate::group::delivery::MemberRef;
use crate::ids::BrokerId;
use crate::record::TopicPartition;
use serde::Serialize;

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
    /// A session was closed by its broker (clean shutdown).
    SessionClosed {
        /// The broker.
        broker_id: BrokerId,
        /// The session.
        session: SessionId,
    },
    /// The controller created a topic with this assignment.
    TopicCreated {
        /// The topic.
        name: String,
        /// `assignment[p]`: partition `p`'s replicas.
        assignment: Vec<Vec<BrokerId>>,
    },
    /// The controller elected a leader (or found none: `leader` is `None`).
    LeaderElected {
        /// The partition.
        tp: TopicPartition,
        /// The leader.
        leader: Option<BrokerId>,
        /// The new leader epoch.
        leader_epoch: i32,
        /// The ISR written with it.
        isr: Vec<BrokerId>,
        /// True when chosen from outside the ISR.
        unclean: bool,
    },
    /// The controller wrote a smaller ISR.
    IsrShrunk {
        /// The partition.
        tp: TopicPartition,
        /// The ISR before.
        from: Vec<BrokerId>,
        /// The ISR after.
        to: Vec<BrokerId>,
        /// The leader epoch after.
        leader_epoch: i32,
    },
    /// The controller wrote a larger ISR.
    IsrExpanded {
        /// The partition.
        tp: TopicPartition,
        /// The ISR before.
        from: Vec<BrokerId>,
        /// The ISR after.
        to: Vec<BrokerId>,
    },
    /// A broker became the leader of a partition at an epoch.
    BecameLeader {
        /// The broker.
        broker: BrokerId,
        /// The partition.
        tp: TopicPartition,
        /// The leader epoch.
        leader_epoch: i32,
    },
    /// A broker became a follower of a partition.
    BecameFollower {
        /// The broker.
        broker: BrokerId,
        /// The partition.
        tp: TopicPartition,
        /// The leader it follows.
        leader: BrokerId,
        /// The leader epoch.
        leader_epoch: i32,
    },
    /// A leader's high watermark moved.
    HighWatermark {
        /// The leader.
        broker: BrokerId,
        /// The partition.
        tp: TopicPartition,
        /// The leader epoch.
        leader_epoch: i32,
        /// The new high watermark.
        high_watermark: i64,
    },
    /// A follower truncated its log (by leader epoch, KIP-101/279).
    Truncated {
        /// The follower.
        broker: BrokerId,
        /// The partition.
        tp: TopicPartition,
        /// Its LEO before.
        from: i64,
        /// The offset it truncated to.
        to: i64,
        /// How many records it removed.
        removed_records: u64,
    },
    /// A broker asked the controller for a controlled shutdown.
    ControlledShutdownRequested {
        /// The broker.
        broker: BrokerId,
    },
    /// A producer wrote a log line (retries, expiries, errors), Kafka's text.
    ProducerLog {
        /// The producer's index in the scenario.
        producer: u16,
        /// `WARN` or `INFO`.
        level: &'static str,
        /// The line.
        message: String,
    },
    /// A producer batch failed for good.
    ProducerError {
        /// The producer's index in the scenario.
        producer: u16,
        /// The partition.
        tp: TopicPartition,
        /// The error.
        error: ErrorCode,
        /// How many records.
        records: u64,
    },
    /// A consumer wrote a log line, Kafka's text (without the `[Consumer clientId=..., groupId=...] `
    /// prefix: see `Consumer::log_prefix`).
    Consumer {
        /// Which member.
        member: MemberRef,
        /// `INFO`, `WARN` or `ERROR`.
        level: &'static str,
        /// The line.
        message: String,
    },
    /// A broker's group coordinator reported something (membership, rebalances, loading, log lines).
    Group {
        /// The coordinator's broker.
        broker: BrokerId,
        /// What happened.
        event: GroupEvent,
    },
    /// The controller finished deleting a topic (every replica's log deleted, its znodes removed).
    TopicDeleted {
        /// The topic.
        name: String,
        /// Its index.
        topic: crate::record::TopicIdx,
    },
    /// The controller created partitions added to a topic (`kafka-topics --alter --partitions`).
    PartitionsAdded {
        /// The topic.
        name: String,
        /// The first new partition.
        first: i32,
        /// The new partitions' replicas, in partition order.
        assignment: Vec<Vec<BrokerId>>,
    },
}
