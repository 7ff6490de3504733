//! The consumer-side protocol: the classic group protocol (FindCoordinator, JoinGroup, SyncGroup,
//! Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch) and the consumer's data requests (ListOffsets,
//! Fetch), as typed requests and responses.
//!
//! Every request travels in one envelope with a correlation id ([`ClientRequest`] inside
//! `ClusterMsg::Client`), and its answer comes back with the same id ([`ClientResponse`]), as on
//! Kafka's wire. Subscriptions and assignments are typed here where Kafka carries them as the
//! consumer protocol's opaque bytes; the coordinator never looks inside them, as in Kafka.

use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::record::{RecordBatch, TopicPartition};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A partition by topic name, as the consumer protocol and the assignors name it (`reserve-0`).
/// Ordered by topic name, then partition, as Kafka's assignors sort them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NamedPartition {
    /// The topic's name.
    pub topic: String,
    /// The partition number.
    pub partition: i32,
}

impl NamedPartition {
    /// Partition `partition` of `topic`.
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        NamedPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl fmt::Display for NamedPartition {
    /// Kafka's `TopicPartition.toString`: `reserve-0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// A member's `ConsumerProtocolSubscription`: what it sends as each protocol's metadata in JoinGroup.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Subscription {
    /// The topics it subscribes to.
    pub topics: Vec<String>,
    /// The partitions it owns now (sent since version 1; the cooperative protocol depends on it).
    pub owned_partitions: Vec<NamedPartition>,
    /// The generation its owned partitions are from (version 2; -1 when unknown).
    pub generation_id: i32,
    /// `client.rack`, if set.
    pub rack_id: Option<String>,
}

/// One protocol (assignor) a member supports, with its subscription, in the member's order of preference.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JoinProtocol {
    /// The assignor's name: `range`, `roundrobin`, `sticky` or `cooperative-sticky`.
    pub name: String,
    /// The member's subscription under it.
    pub metadata: Subscription,
}

/// A JoinGroup request.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct JoinGroupRequest {
    /// `group.id`.
    pub group_id: String,
    /// The request header's `client.id` (`consumer-<group>-<n>`): the prefix of the member id the
    /// coordinator assigns.
    pub client_id: String,
    /// `session.timeout.ms`.
    pub session_timeout_ms: i32,
    /// The rebalance timeout: the consumer's `max.poll.interval.ms`.
    pub rebalance_timeout_ms: i32,
    /// Empty on the first join (the coordinator answers MEMBER_ID_REQUIRED with one).
    pub member_id: String,
    /// `group.instance.id` (static membership).
    pub group_instance_id: Option<String>,
    /// Always `consumer`.
    pub protocol_type: String,
    /// The protocols it supports, preferred first.
    pub protocols: Vec<JoinProtocol>,
    /// Why the client (re)joins, e.g. `rebalance failed due to ...` (KIP-800).
    pub reason: Option<String>,
}

/// One member as the JoinGroup response lists it to the leader.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct JoinGroupMember {
    /// Its member id.
    pub member_id: String,
    /// Its `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// Its subscription under the chosen protocol.
    pub metadata: Subscription,
}

/// A JoinGroup response.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct JoinGroupResponse {
    /// NONE, MEMBER_ID_REQUIRED, UNKNOWN_MEMBER_ID, INVALID_SESSION_TIMEOUT, NOT_COORDINATOR, ...
    pub error: ErrorCode,
    /// The new generation (-1 on error).
    pub generation_id: i32,
    /// The chosen protocol (assignor), if any.
    pub protocol_name: Option<String>,
    /// The leader's member id.
    pub leader: String,
    /// The receiver's member id (the assigned one with MEMBER_ID_REQUIRED).
    pub member_id: String,
    /// Every member with its metadata: for the leader only, empty for the others.
    pub members: Vec<JoinGroupMember>,
}

/// A SyncGroup request: the leader sends the assignment, followers send none.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SyncGroupRequest {
    /// `group.id`.
    pub group_id: String,
    /// The generation it joined.
    pub generation_id: i32,
    /// Its member id.
    pub member_id: String,
    /// Its `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// The chosen protocol, as the JoinGroup response named it.
    pub protocol_name: Option<String>,
    /// Leader only: each member's partitions, in the order the assignor produced them.
    pub assignments: Vec<(String, Vec<NamedPartition>)>,
}

/// One member leaving in a LeaveGroup request.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct LeavingMember {
    /// Its member id.
    pub member_id: String,
    /// Its `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// Why, e.g. `the consumer is being closed` or `consumer poll timeout has expired.`.
    pub reason: Option<String>,
}

/// An OffsetCommit request.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct OffsetCommitRequest {
    /// `group.id`.
    pub group_id: String,
    /// The committer's generation (-1 for a commit outside group management).
    pub generation_id: i32,
    /// The committer's member id (empty outside group management).
    pub member_id: String,
    /// Its `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// The offsets: the next offset to consume, per partition.
    pub offsets: Vec<(NamedPartition, i64)>,
}

/// Where ListOffsets should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OffsetSpec {
    /// The log start offset (`auto.offset.reset=earliest`, timestamp -2).
    Earliest,
    /// The high watermark (`latest`, timestamp -1).
    Latest,
}

/// One partition of a consumer Fetch request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ConsumerFetchPartition {
    /// The partition.
    pub tp: TopicPartition,
    /// The next offset the consumer wants.
    pub fetch_offset: i64,
    /// The leader epoch the consumer knows (-1 if none).
    pub current_leader_epoch: i32,
}

/// One partition of a consumer Fetch response.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ConsumerFetchResult {
    /// The partition.
    pub tp: TopicPartition,
    /// NONE, NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE, FENCED_LEADER_EPOCH, ...
    pub error: ErrorCode,
    /// The leader's high watermark: a consumer never reads past it.
    pub high_watermark: i64,
    /// The log start offset.
    pub log_start_offset: i64,
    /// Whole batches from `fetch_offset` up to the HW (the first may start before `fetch_offset`).
    pub batches: Vec<RecordBatch>,
}

/// A request a client (a consumer) sends to a broker.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ClientRequest {
    /// Which broker coordinates group `key`?
    FindCoordinator {
        /// The `group.id`.
        key: String,
    },
    /// Join (or rejoin) a group.
    JoinGroup(JoinGroupRequest),
    /// Send (leader) or fetch (follower) the assignment.
    SyncGroup(SyncGroupRequest),
    /// Keep the membership alive.
    Heartbeat {
        /// `group.id`.
        group_id: String,
        /// The member's generation.
        generation_id: i32,
        /// Its member id.
        member_id: String,
        /// Its `group.instance.id`.
        group_instance_id: Option<String>,
    },
    /// Leave the group.
    LeaveGroup {
        /// `group.id`.
        group_id: String,
        /// Who leaves.
        members: Vec<LeavingMember>,
    },
    /// Commit offsets.
    OffsetCommit(OffsetCommitRequest),
    /// Read committed offsets.
    OffsetFetch {
        /// `group.id`.
        group_id: String,
        /// The partitions asked about.
        partitions: Vec<NamedPartition>,
    },
    /// Find the earliest or latest offset of partitions (to the partition leaders).
    ListOffsets {
        /// The partitions with what to look for.
        partitions: Vec<(TopicPartition, OffsetSpec)>,
    },
    /// Fetch records (to the partition leaders), held up to `max_wait_ms` until `min_bytes` are there.
    Fetch {
        /// The partitions this leader leads that the consumer reads.
        partitions: Vec<ConsumerFetchPartition>,
        /// `fetch.max.wait.ms`.
        max_wait_ms: u32,
        /// `fetch.min.bytes`.
        min_bytes: u32,
        /// `fetch.max.bytes`.
        max_bytes: u32,
        /// `max.partition.fetch.bytes`.
        max_partition_bytes: u32,
    },
}

/// A broker's answer to a [`ClientRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ClientResponse {
    /// The coordinator of the asked group.
    FindCoordinator {
        /// NONE or COORDINATOR_NOT_AVAILABLE.
        error: ErrorCode,
        /// The coordinator, on success.
        coordinator: Option<BrokerId>,
    },
    /// The JoinGroup answer.
    JoinGroup(JoinGroupResponse),
    /// The SyncGroup answer.
    SyncGroup {
        /// NONE, REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, NOT_COORDINATOR, ...
        error: ErrorCode,
        /// The chosen protocol.
        protocol_name: Option<String>,
        /// The receiver's partitions.
        assignment: Vec<NamedPartition>,
    },
    /// The Heartbeat answer.
    Heartbeat {
        /// NONE, REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, NOT_COORDINATOR, ...
        error: ErrorCode,
    },
    /// The LeaveGroup answer.
    LeaveGroup {
        /// The top-level error.
        error: ErrorCode,
        /// Per leaving member.
        members: Vec<(String, ErrorCode)>,
    },
    /// The OffsetCommit answer, per partition.
    OffsetCommit {
        /// Per partition.
        results: Vec<(NamedPartition, ErrorCode)>,
    },
    /// The OffsetFetch answer.
    OffsetFetch {
        /// The group-level error (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, ...).
        error: ErrorCode,
        /// Per partition: the committed offset, or -1 when none.
        offsets: Vec<(NamedPartition, i64)>,
    },
    /// The ListOffsets answer.
    ListOffsets {
        /// Per partition: error and offset.
        partitions: Vec<(TopicPartition, ErrorCode, i64)>,
    },
    /// The Fetch answer.
    Fetch {
        /// Per partition.
        partitions: Vec<ConsumerFetchResult>,
    },
}

impl ClientRequest {
    /// The API's name as Kafka spells it (`JoinGroup`), for the trace and the UI.
    pub fn api_name(&self) -> &'static str {
        match self {
            ClientRequest::FindCoordinator { .. } => "FindCoordinator",
            ClientRequest::JoinGroup(_) => "JoinGroup",
            ClientRequest::SyncGroup(_) => "SyncGroup",
            ClientRequest::Heartbeat { .. } => "Heartbeat",
            ClientRequest::LeaveGroup { .. } => "LeaveGroup",
            ClientRequest::OffsetCommit(_) => "OffsetCommit",
            ClientRequest::OffsetFetch { .. } => "OffsetFetch",
            ClientRequest::ListOffsets { .. } => "ListOffsets",
            ClientRequest::Fetch { .. } => "ConsumerFetch",
        }
    }
}

impl ClientResponse {
    /// The response's name (`JoinGroupResponse`), for the trace and the UI.
    pub fn api_name(&self) -> &'static str {
        match self {
            ClientResponse::FindCoordinator { .. } => "FindCoordinatorResponse",
            ClientResponse::JoinGroup(_) => "JoinGroupResponse",
            ClientResponse::SyncGroup { .. } => "SyncGroupResponse",
            ClientResponse::Heartbeat { .. } => "HeartbeatResponse",
            ClientResponse::LeaveGroup { .. } => "LeaveGroupResponse",
            ClientResponse::OffsetCommit { .. } => "OffsetCommitResponse",
            ClientResponse::OffsetFetch { .. } => "OffsetFetchResponse",
            ClientResponse::ListOffsets { .. } => "ListOffsetsResponse",
            ClientResponse::Fetch { .. } => "ConsumerFetchResponse",
        }
    }
}
