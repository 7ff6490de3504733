//! What the controller's handlers return: the registrations written, the requests to send, and
//! AlterPartition's request and errors.

use super::election::ElectionKind;
use super::registration::{LeaderRecoveryState, PartitionRegistration};
use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::record::TopicPartition;
use std::collections::BTreeMap;

/// Why a registration was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeCause {
    /// `NewPartition -> OnlinePartition`: the first registration.
    TopicCreation,
    /// `OfflinePartition -> OnlinePartition` with the offline election.
    OfflineElection,
    /// Leadership moved off a broker in controlled shutdown.
    ControlledShutdownElection,
    /// The preferred replica took leadership back.
    PreferredElection,
    /// The broker was removed from the ISR (`OfflineReplica`), or, as the last ISR member and leader,
    /// left the partition leaderless.
    ReplicaOffline(BrokerId),
    /// The leader's AlterPartition.
    AlterPartition,
}

/// One registration the controller wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionChange {
    /// The partition.
    pub partition: TopicPartition,
    /// The registration before, `None` at creation.
    pub previous: Option<PartitionRegistration>,
    /// The registration written.
    pub registration: PartitionRegistration,
    /// Why.
    pub cause: ChangeCause,
    /// How the leader was chosen (`None` when the change elected no one).
    pub election: ElectionKind,
}

/// What a controller event produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ControllerOutcome {
    /// The registrations written, in order.
    pub changes: Vec<PartitionChange>,
    /// Per broker, the partitions whose current registration it must be sent in a LeaderAndIsr request.
    pub leader_and_isr: BTreeMap<BrokerId, Vec<TopicPartition>>,
    /// The brokers to send an UpdateMetadata request (every live or shutting-down broker when anything
    /// changed).
    pub update_metadata_to: Vec<BrokerId>,
    /// Partitions for which an election found no eligible replica (they stay offline).
    pub failed_elections: Vec<TopicPartition>,
    /// Partitions the broker in controlled shutdown still leads (it retries, then stops anyway).
    pub remaining_leaders: Vec<TopicPartition>,
    /// State-change log lines, as Kafka's controller prints them (approximate where noted).
    pub log: Vec<String>,
}

impl ControllerOutcome {
    /// How many elections of `kind` this outcome holds.
    pub fn elections(&self, kind: ElectionKind) -> usize {
        self.changes.iter().filter(|c| c.election == kind).count()
    }
}

/// An AlterPartition request for one partition (the leader's proposed ISR).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlterPartitionRequest {
    /// The broker sending it (the leader).
    pub leader: BrokerId,
    /// The leader epoch it knows.
    pub leader_epoch: i32,
    /// The partition epoch it knows.
    pub partition_epoch: i32,
    /// The proposed ISR.
    pub new_isr: Vec<BrokerId>,
    /// The proposed recovery state (`Recovered` once an unclean leader has recovered).
    pub leader_recovery_state: LeaderRecoveryState,
}

/// Why the controller rejected an AlterPartition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlterPartitionError {
    /// An error [`ErrorCode`] knows: `UNKNOWN_TOPIC_OR_PARTITION`, `NOT_CONTROLLER` (the request is ahead
    /// of this controller), `FENCED_LEADER_EPOCH`.
    Known(ErrorCode),
    /// `INVALID_UPDATE_VERSION` (95): the partition epoch is stale.
    InvalidUpdateVersion,
    /// `INELIGIBLE_REPLICA` (107): the new ISR names a broker that is not live.
    IneligibleReplica,
    /// `INVALID_REQUEST` (42): a recovering partition with more than one ISR member, a move back to
    /// recovering, or (a simulator guard) an empty ISR.
    InvalidRequest,
}

impl AlterPartitionError {
    /// The wire code.
    pub fn code(self) -> i16 {
        match self {
            AlterPartitionError::Known(e) => e.code(),
            AlterPartitionError::InvalidUpdateVersion => 95,
            AlterPartitionError::IneligibleReplica => 107,
            AlterPartitionError::InvalidRequest => 42,
        }
    }
    /// Kafka's enum name.
    pub fn name(self) -> &'static str {
        match self {
            AlterPartitionError::Known(e) => e.name(),
            AlterPartitionError::InvalidUpdateVersion => "INVALID_UPDATE_VERSION",
            AlterPartitionError::IneligibleReplica => "INELIGIBLE_REPLICA",
            AlterPartitionError::InvalidRequest => "INVALID_REQUEST",
        }
    }
}
