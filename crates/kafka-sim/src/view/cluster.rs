//! The cluster picture: messages (in flight and delivered), brokers' partition replicas with their
//! offset strips, and the truncations that struck records out.

use crate::ids::{BrokerId, NodeId};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// What a message is, for drawing it (colour, shape, filter). Derived from the message's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    /// A producer's Produce request.
    ProduceRequest,
    /// A broker's answer to a Produce request.
    ProduceResponse,
    /// A follower's Fetch from its leader (replication).
    FollowerFetch,
    /// A consumer's Fetch.
    ConsumerFetch,
    /// The answer to a Fetch (follower or consumer).
    FetchResponse,
    /// A group member's Heartbeat or its answer.
    Heartbeat,
    /// An OffsetCommit or OffsetFetch, or their answers.
    Commit,
    /// JoinGroup, SyncGroup or LeaveGroup, or their answers.
    JoinSync,
    /// Metadata, FindCoordinator, InitProducerId, UpdateMetadata and the like.
    Metadata,
    /// The controller's requests to brokers and theirs to it (LeaderAndIsr, AlterPartition,
    /// ControlledShutdown).
    Controller,
    /// Anything between a broker and ZooKeeper (session pings, registrations, znode writes).
    ZooKeeper,
    /// Anything else (ListOffsets, ...).
    Other,
}

impl MessageKind {
    /// The kind of a message named `label` (the kernel's message label, e.g. `ProduceResponse`).
    pub fn of_label(label: &str) -> MessageKind {
        match label {
            "Produce" => MessageKind::ProduceRequest,
            "ProduceResponse" => MessageKind::ProduceResponse,
            "Fetch" => MessageKind::FollowerFetch,
            "ConsumerFetch" => MessageKind::ConsumerFetch,
            "FetchResponse" | "ConsumerFetchResponse" => MessageKind::FetchResponse,
            "Heartbeat" | "HeartbeatResponse" => MessageKind::Heartbeat,
            "OffsetCommit" | "OffsetCommitResponse" | "OffsetFetch" | "OffsetFetchResponse" => {
                MessageKind::Commit
            }
            "JoinGroup" | "JoinGroupResponse" | "SyncGroup" | "SyncGroupResponse" | "LeaveGroup"
            | "LeaveGroupResponse" => MessageKind::JoinSync,
            "Metadata"
            | "MetadataResponse"
            | "UpdateMetadata"
            | "FindCoordinator"
            | "FindCoordinatorResponse"
            | "InitProducerId"
            | "InitProducerIdResponse"
            | "OffsetsTopicMetadata" => MessageKind::Metadata,
            "LeaderAndIsr"
            | "LeaderAndIsrResponse"
            | "AlterPartition"
            | "AlterPartitionResponse"
            | "ControlledShutdown" => MessageKind::Controller,
            l if l.starts_with("Zk") || l == "ControllerChanged" => MessageKind::ZooKeeper,
            _ => MessageKind::Other,
        }
    }
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
    /// What kind of message it is.
    #[serde(default = "other_kind")]
    pub kind: MessageKind,
    /// How far along its link it is now: 0 when sent, 1 on arrival.
    #[serde(default)]
    pub progress: f64,
}

fn other_kind() -> MessageKind {
    MessageKind::Other
}

/// One message that reached its receiver (or was lost on arrival), for the sequence diagram.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SequenceEntry {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// The message's name, e.g. `ProduceResponse`.
    pub label: String,
    /// What kind of message it is.
    pub kind: MessageKind,
    /// When it was sent.
    pub sent_at: SimTime,
    /// When it arrived.
    pub delivered_at: SimTime,
    /// True when it was lost on arrival (receiver down or restarted, link cut).
    pub lost: bool,
}

/// A broker's partition replicas, for drawing inside its box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BrokerReplicas {
    /// The broker.
    pub broker: BrokerId,
    /// Its node.
    pub node: NodeId,
    /// Its replicas of the spec's topics (not `__consumer_offsets`), in topic then partition order.
    pub replicas: Vec<ReplicaView>,
}

/// What a replica does, as the broker itself believes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplicaRoleView {
    /// Not told yet, or the broker is down.
    Offline,
    /// The partition has no leader.
    NoLeader,
    /// The leader.
    Leader,
    /// A follower.
    Follower,
}

/// One partition replica on one broker: its log's last offsets, with the marks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicaView {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The broker's own belief about its role.
    pub role: ReplicaRoleView,
    /// True when it is the leader ZooKeeper records and it acts as leader (the crown).
    pub leader: bool,
    /// True when the controller's ISR (in ZooKeeper) holds this broker.
    pub in_isr: bool,
    /// The leader epoch its role was given with (-1 when offline).
    pub leader_epoch: i32,
    /// The log start offset.
    pub log_start_offset: i64,
    /// The log end offset (the LEO mark sits after the last cell).
    pub log_end_offset: i64,
    /// This replica's high watermark (the HW mark: cells below it are committed).
    pub high_watermark: i64,
    /// The last offsets of the log (at most [`crate::sim::STRIP_LEN`]), oldest first.
    pub strip: Vec<OffsetCell>,
    /// Recent truncations of this replica (newest last): the records they removed, to draw struck
    /// out at their offsets.
    pub struck: Vec<StruckRange>,
}

/// One offset of a replica's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetCell {
    /// The offset.
    pub offset: i64,
    /// The leader epoch of the batch holding it.
    pub leader_epoch: i32,
    /// The record, as `p<producer>#<n>` (the producer's index and running number).
    pub record: String,
    /// True below this replica's high watermark.
    pub committed: bool,
}

/// Records a truncation removed from a replica: offsets `from_offset..to_offset` as they were.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StruckRange {
    /// When.
    pub at: SimTime,
    /// The first offset removed (the offset truncated to).
    pub from_offset: i64,
    /// The log end offset before the truncation.
    pub to_offset: i64,
    /// How many records were removed.
    pub records: u64,
}

/// A truncation (KIP-101/279), from the simulation's bounded history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruncationView {
    /// When.
    pub at: SimTime,
    /// The broker whose log was truncated.
    pub broker: BrokerId,
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The log end offset before.
    pub from: i64,
    /// The offset truncated to.
    pub to: i64,
    /// How many records were removed.
    pub removed_records: u64,
}

#[cfg(test)]
mod tests {
    use super::MessageKind as K;

    #[test]
    fn labels_map_to_kinds() {
        assert_eq!(K::of_label("Produce"), K::ProduceRequest);
        assert_eq!(K::of_label("ProduceResponse"), K::ProduceResponse);
        assert_eq!(K::of_label("Fetch"), K::FollowerFetch);
        assert_eq!(K::of_label("ConsumerFetch"), K::ConsumerFetch);
        assert_eq!(K::of_label("ConsumerFetchResponse"), K::FetchResponse);
        assert_eq!(K::of_label("HeartbeatResponse"), K::Heartbeat);
        assert_eq!(K::of_label("OffsetCommit"), K::Commit);
        assert_eq!(K::of_label("SyncGroup"), K::JoinSync);
        assert_eq!(K::of_label("Metadata"), K::Metadata);
        assert_eq!(K::of_label("ZkPing"), K::ZooKeeper);
        assert_eq!(K::of_label("LeaderAndIsr"), K::Controller);
        assert_eq!(K::of_label("ListOffsets"), K::Other);
    }
}
