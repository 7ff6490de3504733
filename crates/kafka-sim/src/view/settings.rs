//! The topic and broker settings the page has controls for.

use serde::{Deserialize, Serialize};

/// The brokers' settings and each topic's, as the run uses them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterSettingsView {
    /// How many brokers.
    pub brokers: u32,
    /// `zookeeper.session.timeout.ms`.
    pub zookeeper_session_timeout_ms: u64,
    /// `replica.lag.time.max.ms`.
    pub replica_lag_time_max_ms: u64,
    /// The broker's `min.insync.replicas`.
    pub min_insync_replicas: i32,
    /// The broker's `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: bool,
    /// The spec's topics, in spec order.
    pub topics: Vec<TopicSettingsView>,
}

/// One topic's settings (its overrides applied).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSettingsView {
    /// The topic.
    pub name: String,
    /// How many partitions.
    pub partitions: u32,
    /// The replication factor.
    pub replication_factor: u32,
    /// `min.insync.replicas`.
    pub min_insync_replicas: i32,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: bool,
}
