//! Kafka's leader-election algorithms (`PartitionLeaderElectionAlgorithms`), as pure functions.

use crate::ids::BrokerId;
use std::collections::BTreeSet;

/// How a leader was chosen, for the report's `elections: clean, unclean` counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElectionKind {
    /// A leader from the ISR.
    Clean,
    /// A leader from outside the ISR (`unclean.leader.election.enable=true`).
    Unclean,
    /// No leader was elected (no eligible replica, or the change was not an election).
    None,
}

/// The result of an election algorithm: the leader, if any, and how it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Election {
    /// The elected leader.
    pub leader: Option<BrokerId>,
    /// Clean, unclean, or none.
    pub kind: ElectionKind,
}

/// `offlinePartitionLeaderElection`: the first live replica, in assignment order, that is in the ISR;
/// failing that, when unclean election is enabled, the first live replica in assignment order.
pub fn offline_partition_leader_election(
    assignment: &[BrokerId],
    isr: &[BrokerId],
    live: &BTreeSet<BrokerId>,
    unclean_enabled: bool,
) -> Election {
    if let Some(&b) = assignment.iter().find(|b| live.contains(b) && isr.contains(b)) {
        return Election {
            leader: Some(b),
            kind: ElectionKind::Clean,
        };
    }
    match assignment.iter().find(|b| live.contains(b)) {
        Some(&b) if unclean_enabled => Election {
            leader: Some(b),
            kind: ElectionKind::Unclean,
        },
        _ => Election {
            leader: None,
            kind: ElectionKind::None,
        },
    }
}

/// `controlledShutdownPartitionLeaderElection`: the first replica in assignment order that is live (or
/// shutting down), in the ISR, and not shutting down.
pub fn controlled_shutdown_leader_election(
    assignment: &[BrokerId],
    isr: &[BrokerId],
    live_or_shutting_down: &BTreeSet<BrokerId>,
    shutting_down: &BTreeSet<BrokerId>,
) -> Option<BrokerId> {
    assignment
        .iter()
        .find(|b| live_or_shutting_down.contains(b) && isr.contains(b) && !shutting_down.contains(b))
        .copied()
}

/// `preferredReplicaPartitionLeaderElection`: the first assigned replica, if it is live and in the ISR.
pub fn preferred_replica_leader_election(
    assignment: &[BrokerId],
    isr: &[BrokerId],
    live: &BTreeSet<BrokerId>,
) -> Option<BrokerId> {
    assignment
        .first()
        .filter(|b| live.contains(b) && isr.contains(b))
        .copied()
}
