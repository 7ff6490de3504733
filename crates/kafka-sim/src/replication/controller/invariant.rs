//! The named invariant "at most one leader per partition and epoch", and the unclean-election log line.

use super::registration::PartitionRegistration;
use crate::ids::BrokerId;
use crate::record::TopicPartition;
use std::collections::BTreeMap;
use std::fmt;

/// KRaft's INFO line for an unclean election (`PartitionChangeBuilder`, reference 4.4). ZooKeeper mode
/// logs no dedicated line: it only marks `UncleanLeaderElectionsPerSec` and the state-change line shows
/// `leaderRecoveryState=RECOVERING`.
pub fn unclean_election_log(topic_id: &str, partition: i32, leader: BrokerId) -> String {
    format!(
        "Setting new leader for topicId {topic_id}, partition {partition} to {} using an unclean election",
        leader.0
    )
}

/// A breach of "at most one leader per partition and epoch".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeaderEpochViolation {
    /// The partition.
    pub partition: TopicPartition,
    /// The epoch with two leaders.
    pub leader_epoch: i32,
    /// The leader seen first.
    pub first: BrokerId,
    /// The other leader.
    pub second: BrokerId,
}

impl fmt::Display for LeaderEpochViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "two leaders for partition {}-{} in leader epoch {}: brokers {} and {}",
            self.partition.topic.0, self.partition.partition, self.leader_epoch, self.first.0, self.second.0
        )
    }
}

/// The named invariant "at most one leader per partition and epoch", checked over a history of
/// registrations (or of brokers acting as leader).
#[derive(Clone, Debug, Default)]
pub struct LeaderEpochInvariant {
    seen: BTreeMap<(TopicPartition, i32), BrokerId>,
}

impl LeaderEpochInvariant {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }
    /// Records that `leader` leads `tp` in `leader_epoch`; `None` (no leader) never conflicts.
    pub fn observe(
        &mut self,
        tp: TopicPartition,
        leader_epoch: i32,
        leader: Option<BrokerId>,
    ) -> Result<(), LeaderEpochViolation> {
        let Some(leader) = leader else { return Ok(()) };
        let first = *self.seen.entry((tp, leader_epoch)).or_insert(leader);
        if first == leader {
            Ok(())
        } else {
            Err(LeaderEpochViolation {
                partition: tp,
                leader_epoch,
                first,
                second: leader,
            })
        }
    }
    /// [`LeaderEpochInvariant::observe`] for a registration.
    pub fn observe_registration(
        &mut self,
        tp: TopicPartition,
        reg: &PartitionRegistration,
    ) -> Result<(), LeaderEpochViolation> {
        self.observe(tp, reg.leader_epoch, reg.leader)
    }
}

/// Checks a whole history of registrations; the first violation found, if any.
pub fn check_one_leader_per_epoch<'a>(
    history: impl IntoIterator<Item = (TopicPartition, &'a PartitionRegistration)>,
) -> Result<(), LeaderEpochViolation> {
    let mut inv = LeaderEpochInvariant::new();
    history
        .into_iter()
        .try_for_each(|(tp, reg)| inv.observe_registration(tp, reg))
}
