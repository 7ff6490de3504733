//! Kafka's protocol errors as data (`org.apache.kafka.common.protocol.Errors`).
//!
//! A produce that finds too few in-sync replicas is not a Rust error: it is a normal outcome the simulation
//! shows, logs and counts. [`ErrorCode`] names it as Kafka does (`NOT_ENOUGH_REPLICAS`), with its wire code,
//! exception class, whether the client retries it, and Kafka's default message.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:expr, $name:literal, $exception:literal, $retriable:expr, $message:literal), )*) => {
        /// A Kafka protocol error code. `Display` is Kafka's enum name, e.g. `NOT_ENOUGH_REPLICAS`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every error code the simulator knows, in code order.
            pub const ALL: &'static [ErrorCode] = &[$( ErrorCode::$variant, )*];

            /// The code on the wire (`NONE` is 0, `UNKNOWN_SERVER_ERROR` is -1).
            pub const fn code(self) -> i16 {
                match self { $( ErrorCode::$variant => $code, )* }
            }
            /// Kafka's enum name, e.g. `NOT_LEADER_OR_FOLLOWER`.
            pub const fn name(self) -> &'static str {
                match self { $( ErrorCode::$variant => $name, )* }
            }
            /// The exception class the Java client raises for it (simple name), e.g. `NotEnoughReplicasException`.
            pub const fn exception(self) -> &'static str {
                match self { $( ErrorCode::$variant => $exception, )* }
            }
            /// Whether the exception is a `RetriableException`, i.e. whether producers retry it.
            pub const fn is_retriable(self) -> bool {
                match self { $( ErrorCode::$variant => $retriable, )* }
            }
            /// Kafka's default message for the error (empty for `NONE`).
            pub const fn message(self) -> &'static str {
                match self { $( ErrorCode::$variant => $message, )* }
            }
        }
    };
}

error_codes! {
    /// An unexpected server error.
    UnknownServerError = (-1, "UNKNOWN_SERVER_ERROR", "UnknownServerException", false, "The server experienced an unexpected error when processing the request."),
    /// No error.
    None = (0, "NONE", "", false, ""),
    /// The fetch offset is outside the log.
    OffsetOutOfRange = (1, "OFFSET_OUT_OF_RANGE", "OffsetOutOfRangeException", false, "The requested offset is not within the range of offsets maintained by the server."),
    /// A corrupt record.
    CorruptMessage = (2, "CORRUPT_MESSAGE", "CorruptRecordException", true, "This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt."),
    /// The broker does not host the partition.
    UnknownTopicOrPartition = (3, "UNKNOWN_TOPIC_OR_PARTITION", "UnknownTopicOrPartitionException", true, "This server does not host this topic-partition."),
    /// An election is in progress.
    LeaderNotAvailable = (5, "LEADER_NOT_AVAILABLE", "LeaderNotAvailableException", true, "There is no leader for this topic-partition as we are in the middle of a leadership election."),
    /// The broker is not the leader (or not a replica).
    NotLeaderOrFollower = (6, "NOT_LEADER_OR_FOLLOWER", "NotLeaderOrFollowerException", true, "For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition."),
    /// The request timed out (e.g. acks=all not satisfied within the request timeout).
    RequestTimedOut = (7, "REQUEST_TIMED_OUT", "TimeoutException", true, "The request timed out."),
    /// The broker is not available.
    BrokerNotAvailable = (8, "BROKER_NOT_AVAILABLE", "BrokerNotAvailableException", false, "The broker is not available."),
    /// The record is larger than the broker accepts.
    MessageTooLarge = (10, "MESSAGE_TOO_LARGE", "RecordTooLargeException", false, "The request included a message larger than the max message size the server will accept."),
    /// The controller moved.
    StaleControllerEpoch = (11, "STALE_CONTROLLER_EPOCH", "ControllerMovedException", false, "The controller moved to another broker."),
    /// The connection closed before a response arrived.
    NetworkException = (13, "NETWORK_EXCEPTION", "NetworkException", true, "The server disconnected before a response was received."),
    /// The group coordinator is loading its state.
    CoordinatorLoadInProgress = (14, "COORDINATOR_LOAD_IN_PROGRESS", "CoordinatorLoadInProgressException", true, "The coordinator is loading and hence can't process requests."),
    /// No coordinator is available.
    CoordinatorNotAvailable = (15, "COORDINATOR_NOT_AVAILABLE", "CoordinatorNotAvailableException", true, "The coordinator is not available."),
    /// The broker is not the group's coordinator.
    NotCoordinator = (16, "NOT_COORDINATOR", "NotCoordinatorException", true, "This is not the correct coordinator."),
    /// The topic name is invalid.
    InvalidTopicException = (17, "INVALID_TOPIC_EXCEPTION", "InvalidTopicException", false, "The request attempted to perform an operation on an invalid topic."),
    /// A batch is larger than a segment.
    RecordListTooLarge = (18, "RECORD_LIST_TOO_LARGE", "RecordBatchTooLargeException", false, "The request included message batch larger than the configured segment size on the server."),
    /// The ISR is smaller than min.insync.replicas; nothing was written.
    NotEnoughReplicas = (19, "NOT_ENOUGH_REPLICAS", "NotEnoughReplicasException", true, "Messages are rejected since there are fewer in-sync replicas than required."),
    /// Written, but the ISR shrank below min.insync.replicas before the high watermark reached it.
    NotEnoughReplicasAfterAppend = (20, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", "NotEnoughReplicasAfterAppendException", true, "Messages are written to the log, but to fewer in-sync replicas than required."),
    /// acks is not -1, 0 or 1.
    InvalidRequiredAcks = (21, "INVALID_REQUIRED_ACKS", "InvalidRequiredAcksException", false, "Produce request specified an invalid value for required acks."),
    /// The member's generation is stale.
    IllegalGeneration = (22, "ILLEGAL_GENERATION", "IllegalGenerationException", false, "Specified group generation id is not valid."),
    /// The member's protocols do not match the group's.
    InconsistentGroupProtocol = (23, "INCONSISTENT_GROUP_PROTOCOL", "InconsistentGroupProtocolException", false, "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list."),
    /// The group id is invalid.
    InvalidGroupId = (24, "INVALID_GROUP_ID", "InvalidGroupIdException", false, "The configured groupId is invalid."),
    /// The coordinator does not know the member.
    UnknownMemberId = (25, "UNKNOWN_MEMBER_ID", "UnknownMemberIdException", false, "The coordinator is not aware of this member."),
    /// session.timeout.ms is outside the broker's allowed range.
    InvalidSessionTimeout = (26, "INVALID_SESSION_TIMEOUT", "InvalidSessionTimeoutException", false, "The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms)."),
    /// The group is rebalancing.
    RebalanceInProgress = (27, "REBALANCE_IN_PROGRESS", "RebalanceInProgressException", false, "The group is rebalancing, so a rejoin is needed."),
    /// The topic exists already.
    TopicAlreadyExists = (36, "TOPIC_ALREADY_EXISTS", "TopicExistsException", false, "Topic with this name already exists."),
    /// The partition count is invalid.
    InvalidPartitions = (37, "INVALID_PARTITIONS", "InvalidPartitionsException", false, "Number of partitions is below 1."),
    /// The replication factor is invalid.
    InvalidReplicationFactor = (38, "INVALID_REPLICATION_FACTOR", "InvalidReplicationFactorException", false, "Replication factor is below 1 or larger than the number of available brokers."),
    /// A config is invalid.
    InvalidConfig = (40, "INVALID_CONFIG", "InvalidConfigurationException", false, "Configuration is invalid."),
    /// The broker is not the controller.
    NotController = (41, "NOT_CONTROLLER", "NotControllerException", true, "This is not the correct controller for this cluster."),
    /// An idempotent producer's sequence skipped ahead.
    OutOfOrderSequenceNumber = (45, "OUT_OF_ORDER_SEQUENCE_NUMBER", "OutOfOrderSequenceException", false, "The broker received an out of order sequence number."),
    /// An idempotent producer's batch was already written.
    DuplicateSequenceNumber = (46, "DUPLICATE_SEQUENCE_NUMBER", "DuplicateSequenceException", false, "The broker received a duplicate sequence number."),
    /// The producer's epoch is old.
    InvalidProducerEpoch = (47, "INVALID_PRODUCER_EPOCH", "InvalidProducerEpochException", false, "Producer attempted to produce with an old epoch."),
    /// The broker's log directory failed.
    KafkaStorageError = (56, "KAFKA_STORAGE_ERROR", "KafkaStorageException", true, "Disk error when trying to access log file on the disk."),
    /// The broker has no state for the producer id.
    UnknownProducerId = (59, "UNKNOWN_PRODUCER_ID", "UnknownProducerIdException", false, "This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question. This could happen if, for instance, the producer's records were deleted because their retention time had elapsed. Once the last records of the producerId are removed, the producer's metadata is removed from the broker, and future appends by the producer will return this exception."),
    /// The group is not empty.
    NonEmptyGroup = (68, "NON_EMPTY_GROUP", "GroupNotEmptyException", false, "The group is not empty."),
    /// The group does not exist.
    GroupIdNotFound = (69, "GROUP_ID_NOT_FOUND", "GroupIdNotFoundException", false, "The group id does not exist."),
    /// An incremental fetch named a fetch session the broker does not have (KIP-227).
    FetchSessionIdNotFound = (70, "FETCH_SESSION_ID_NOT_FOUND", "FetchSessionIdNotFoundException", true, "The fetch session ID was not found."),
    /// An incremental fetch carried the wrong epoch for its fetch session (KIP-227).
    InvalidFetchSessionEpoch = (71, "INVALID_FETCH_SESSION_EPOCH", "InvalidFetchSessionEpochException", true, "The fetch session epoch is invalid."),
    /// The request's leader epoch is older than the broker's.
    FencedLeaderEpoch = (74, "FENCED_LEADER_EPOCH", "FencedLeaderEpochException", true, "The leader epoch in the request is older than the epoch on the broker."),
    /// The request's leader epoch is newer than the broker's.
    UnknownLeaderEpoch = (75, "UNKNOWN_LEADER_EPOCH", "UnknownLeaderEpochException", true, "The leader epoch in the request is newer than the epoch on the broker."),
    /// A dynamic member must rejoin with the member id it was given.
    MemberIdRequired = (79, "MEMBER_ID_REQUIRED", "MemberIdRequiredException", false, "The group member needs to have a valid member id before actually entering a consumer group."),
    /// The group is full.
    GroupMaxSizeReached = (81, "GROUP_MAX_SIZE_REACHED", "GroupMaxSizeReachedException", false, "The consumer group has reached its max size."),
    /// Another member holds the static instance id.
    FencedInstanceId = (82, "FENCED_INSTANCE_ID", "FencedInstanceIdException", false, "The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id."),
}

impl ErrorCode {
    /// The error with wire code `code`, if the simulator knows it.
    pub fn from_code(code: i16) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|e| e.code() == code)
    }
    /// True for `NONE`.
    pub const fn is_none(self) -> bool {
        matches!(self, ErrorCode::None)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_round_trip() {
        for pair in ErrorCode::ALL.windows(2) {
            assert!(pair[0].code() < pair[1].code(), "{} then {}", pair[0], pair[1]);
        }
        for e in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(e.code()), Some(*e));
        }
        assert_eq!(ErrorCode::from_code(4), None);
    }

    #[test]
    fn kafkas_names_codes_and_retriability() {
        assert_eq!(ErrorCode::NotEnoughReplicas.code(), 19);
        assert_eq!(ErrorCode::NotEnoughReplicas.to_string(), "NOT_ENOUGH_REPLICAS");
        assert_eq!(ErrorCode::NotEnoughReplicasAfterAppend.code(), 20);
        assert_eq!(ErrorCode::InvalidSessionTimeout.code(), 26);
        assert_eq!(ErrorCode::MemberIdRequired.code(), 79);
        assert_eq!(ErrorCode::RequestTimedOut.exception(), "TimeoutException");
        assert!(ErrorCode::NotLeaderOrFollower.is_retriable());
        assert!(ErrorCode::NotEnoughReplicas.is_retriable());
        assert!(!ErrorCode::MessageTooLarge.is_retriable());
        assert!(!ErrorCode::OutOfOrderSequenceNumber.is_retriable());
        assert!(ErrorCode::None.is_none() && ErrorCode::None.message().is_empty());
    }
}
