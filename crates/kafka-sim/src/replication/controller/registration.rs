//! A partition's registration: the state the controller writes for it (ZooKeeper's
//! `/brokers/topics/<t>/partitions/<p>/state` znode).

use crate::ids::BrokerId;
use serde::Serialize;
use std::fmt::{self, Write as _};

/// `LeaderRecoveryState`: `Recovering` after an unclean election, until the leader reports recovery.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LeaderRecoveryState {
    /// The normal state.
    #[default]
    Recovered,
    /// Elected from outside the ISR (KIP-704); the ISR is just the leader.
    Recovering,
}

impl fmt::Display for LeaderRecoveryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LeaderRecoveryState::Recovered => "RECOVERED",
            LeaderRecoveryState::Recovering => "RECOVERING",
        })
    }
}

/// A partition's state as the controller writes it (`LeaderAndIsr` in the partition's state znode).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PartitionRegistration {
    /// The assigned replicas, in assignment order (the first is the preferred leader).
    pub replicas: Vec<BrokerId>,
    /// The in-sync replicas. Never emptied by the controller.
    pub isr: Vec<BrokerId>,
    /// The leader, or `None` (Kafka's `-1`, `Leader: none` in describe).
    pub leader: Option<BrokerId>,
    /// The leader epoch.
    pub leader_epoch: i32,
    /// The partition epoch (the znode's zkVersion): bumped on every write.
    pub partition_epoch: i32,
    /// Whether the leader was elected uncleanly and has not recovered yet.
    pub leader_recovery_state: LeaderRecoveryState,
}

impl PartitionRegistration {
    /// The leader as Kafka's wire value: the broker id, or -1.
    pub fn leader_id(&self) -> i32 {
        self.leader.map_or(-1, |b| b.0)
    }

    /// A new leader and ISR: leader epoch and partition epoch both bumped (`newLeaderAndIsr` plus the
    /// zkVersion bump of the write).
    pub(super) fn next(&self, leader: Option<BrokerId>, isr: Vec<BrokerId>, bump_leader_epoch: bool) -> Self {
        PartitionRegistration {
            replicas: self.replicas.clone(),
            isr,
            leader,
            leader_epoch: self.leader_epoch.saturating_add(i32::from(bump_leader_epoch)),
            partition_epoch: self.partition_epoch.saturating_add(1),
            leader_recovery_state: self.leader_recovery_state,
        }
    }

    /// `kafka-topics.sh --describe`'s partition line as the 3.7 tool prints it (no `Elr` fields):
    /// `\tTopic: t\tPartition: 0\tLeader: none\tReplicas: 1,2,3\tIsr: 1`.
    pub fn describe_line(&self, topic: &str, partition: i32) -> String {
        let leader = self
            .leader
            .map_or_else(|| "none".to_string(), |b| b.0.to_string());
        format!(
            "\tTopic: {topic}\tPartition: {partition}\tLeader: {leader}\tReplicas: {}\tIsr: {}",
            join(&self.replicas, ","),
            join(&self.isr, ",")
        )
    }

    /// Scala's `LeaderAndIsr.toString` as the state-change log prints it (3.x, approximate).
    pub fn leader_and_isr_string(&self) -> String {
        format!(
            "LeaderAndIsr(leader={}, leaderEpoch={}, isr=List({}), leaderRecoveryState={}, partitionEpoch={})",
            self.leader_id(),
            self.leader_epoch,
            join(&self.isr, ", "),
            self.leader_recovery_state,
            self.partition_epoch
        )
    }
}

pub(super) fn keep(ids: &[BrokerId], f: impl Fn(&BrokerId) -> bool) -> Vec<BrokerId> {
    ids.iter().copied().filter(|b| f(b)).collect()
}

pub(super) fn join(ids: &[BrokerId], sep: &str) -> String {
    let mut s = String::new();
    for (i, b) in ids.iter().enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        let _ = write!(s, "{}", b.0);
    }
    s
}
