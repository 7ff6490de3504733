//! What the coordinator reports ([`GroupEvent`]) and the timers it asks for ([`GroupTimer`]).

use crate::group::wire::NamedPartition;
use serde::Serialize;
use std::fmt;

/// A classic group's state, as `ClassicGroupState.toString` spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum GroupState {
    /// No members (offsets may still be kept).
    Empty,
    /// Waiting for the members to (re)join.
    PreparingRebalance,
    /// Joined; waiting for the leader's assignment (SyncGroup).
    CompletingRebalance,
    /// Every member has its assignment.
    Stable,
    /// The group is gone (unloaded or deleted).
    Dead,
}

impl GroupState {
    /// Kafka's name: `PreparingRebalance`.
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }

    /// `ClassicGroupState.validPreviousStates`: may a group move from `from` to `self`?
    pub fn valid_from(self, from: GroupState) -> bool {
        match self {
            GroupState::Empty => from == GroupState::PreparingRebalance,
            GroupState::PreparingRebalance => matches!(
                from,
                GroupState::Stable | GroupState::CompletingRebalance | GroupState::Empty
            ),
            GroupState::CompletingRebalance => from == GroupState::PreparingRebalance,
            GroupState::Stable => from == GroupState::CompletingRebalance,
            GroupState::Dead => true,
        }
    }
}

impl fmt::Display for GroupState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A timer the coordinator (or the broker hosting it) asks for. Stale fires (an older `seq`) are
/// ignored, so a timer is never cancelled.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum GroupTimer {
    /// `InitialDelayedJoin`: the `group.initial.rebalance.delay.ms` wait of a rebalance from Empty.
    InitialJoin {
        /// The group.
        group: String,
        /// Which rebalance wait.
        seq: u64,
    },
    /// `DelayedJoin`: the rebalance timeout of the join phase.
    Join {
        /// The group.
        group: String,
        /// Which rebalance wait.
        seq: u64,
    },
    /// A member's (or pending member's) session check.
    Heartbeat {
        /// The group.
        group: String,
        /// The member id.
        member: String,
    },
    /// `pendingSync` expiration: members that joined but did not sync within the rebalance timeout.
    PendingSync {
        /// The group.
        group: String,
        /// The generation it was armed for.
        generation: i32,
    },
    /// Broker: an offset commit still waiting for replication (`offsets.commit.timeout.ms`).
    CommitTimeout {
        /// The commit.
        seq: u64,
    },
    /// Broker: a consumer fetch held for `fetch.max.wait.ms`.
    FetchWait {
        /// The held fetch.
        seq: u64,
    },
}

impl GroupTimer {
    /// The timer's name for the trace.
    pub fn label(&self) -> &'static str {
        match self {
            GroupTimer::InitialJoin { .. } => "GroupInitialJoin",
            GroupTimer::Join { .. } => "GroupJoinTimeout",
            GroupTimer::Heartbeat { .. } => "GroupHeartbeatCheck",
            GroupTimer::PendingSync { .. } => "GroupPendingSync",
            GroupTimer::CommitTimeout { .. } => "OffsetCommitTimeout",
            GroupTimer::FetchWait { .. } => "ConsumerFetchWait",
        }
    }
}

/// What the coordinator reports into the trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum GroupEvent {
    /// A broker log line with Kafka's text.
    Log {
        /// `INFO` or `WARN`.
        level: &'static str,
        /// The line.
        message: String,
    },
    /// A member was added to a group.
    MemberJoined {
        /// The group.
        group: String,
        /// The member id.
        member: String,
        /// Its `group.instance.id`.
        instance_id: Option<String>,
    },
    /// A member was removed from a group.
    MemberRemoved {
        /// The group.
        group: String,
        /// The member id.
        member: String,
        /// Why (e.g. `removing member <id> on heartbeat expiration.`).
        reason: String,
    },
    /// A rebalance began.
    RebalanceStarted {
        /// The group.
        group: String,
        /// The generation before it.
        old_generation: i32,
        /// Why, Kafka's text.
        reason: String,
    },
    /// The leader's assignment reached every member: the group is Stable at `generation`.
    RebalanceCompleted {
        /// The group.
        group: String,
        /// The generation.
        generation: i32,
        /// The chosen protocol (assignor).
        protocol: Option<String>,
        /// The leader.
        leader: Option<String>,
        /// Each member's partitions.
        assignment: Vec<(String, Vec<NamedPartition>)>,
    },
    /// A group changed state.
    StateChanged {
        /// The group.
        group: String,
        /// Before.
        from: GroupState,
        /// After.
        to: GroupState,
    },
    /// The coordinator loaded a `__consumer_offsets` partition (it became its leader).
    Loaded {
        /// The partition.
        partition: i32,
        /// The groups found in it.
        groups: u32,
        /// The committed offsets found in it.
        offsets: u32,
    },
    /// The coordinator unloaded a `__consumer_offsets` partition (it stopped leading it).
    Unloaded {
        /// The partition.
        partition: i32,
        /// The groups it dropped.
        groups: u32,
    },
}
