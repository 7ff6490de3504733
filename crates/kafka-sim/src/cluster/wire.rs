//! The payloads of the replication messages: topic metadata as ZooKeeper stores it, the per-partition
//! state of a LeaderAndIsr request and the per-partition part of a follower's Fetch request.

use crate::config::BrokerConfig;
use crate::ids::{BrokerId, NodeId};
use crate::record::{TopicIdx, TopicPartition};
use crate::replication::controller::PartitionRegistration;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// The node of broker `broker`: the simulation gives broker `b` node id `b` (ZooKeeper is node 0).
pub fn broker_node(broker: BrokerId) -> NodeId {
    NodeId(u32::try_from(broker.0).unwrap_or(u32::MAX))
}

/// A topic as ZooKeeper holds it (`/brokers/topics/<name>` plus its `/config/topics` overrides).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TopicMeta {
    /// Its index in the simulation's topic table.
    pub idx: TopicIdx,
    /// Its name.
    pub name: String,
    /// How many partitions.
    pub partitions: u32,
    /// How many replicas per partition.
    pub replication_factor: u32,
    /// The effective `min.insync.replicas`.
    pub min_insync_replicas: i32,
    /// The effective `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: bool,
    /// The replica assignment once the controller made it (`None`: requested, not yet created).
    pub assignment: Option<Vec<Vec<BrokerId>>>,
}

impl TopicMeta {
    /// The display name of partition `partition`: `topic-0`.
    pub fn partition_name(&self, partition: i32) -> String {
        format!("{}-{partition}", self.name)
    }
}

/// One partition of a LeaderAndIsr request.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PartitionState {
    /// The partition.
    pub tp: TopicPartition,
    /// Its display name (`topic-0`).
    pub name: String,
    /// Leader, epochs, ISR and replicas.
    pub registration: PartitionRegistration,
    /// The topic's `min.insync.replicas`.
    pub min_insync_replicas: i32,
}

/// One partition of a follower's Fetch request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct FetchPartition {
    /// The partition.
    pub tp: TopicPartition,
    /// The leader epoch the follower knows.
    pub current_leader_epoch: i32,
    /// The follower's LEO.
    pub fetch_offset: i64,
    /// The epoch of the follower's last record.
    pub last_fetched_epoch: Option<i32>,
}

/// The broker settings the replication model uses, in milliseconds as Kafka spells them. The defaults
/// are Kafka 3.7's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplicationSettings {
    /// `zookeeper.session.timeout.ms` (18000).
    pub zookeeper_session_timeout_ms: u64,
    /// `replica.lag.time.max.ms` (30000); the ISR check runs every half of it.
    pub replica_lag_time_max_ms: u64,
    /// `replica.fetch.wait.max.ms` (500): how long a leader holds a fetch with no new data.
    pub replica_fetch_wait_max_ms: u64,
    /// `replica.fetch.max.bytes` (1048576), per partition.
    pub replica_fetch_max_bytes: u32,
    /// `replica.fetch.backoff.ms` (1000): the pause after a fetch error.
    pub replica_fetch_backoff_ms: u64,
    /// `replica.socket.timeout.ms` (30000): a fetch with no answer is retried after this.
    pub replica_socket_timeout_ms: u64,
    /// The broker's `min.insync.replicas` (1), for topics that do not override it.
    pub min_insync_replicas: i32,
    /// The broker's `unclean.leader.election.enable` (false).
    pub unclean_leader_election_enable: bool,
}

impl Default for ReplicationSettings {
    fn default() -> Self {
        ReplicationSettings {
            zookeeper_session_timeout_ms: 18_000,
            replica_lag_time_max_ms: 30_000,
            replica_fetch_wait_max_ms: 500,
            replica_fetch_max_bytes: 1_048_576,
            replica_fetch_backoff_ms: 1_000,
            replica_socket_timeout_ms: 30_000,
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
        }
    }
}

impl ReplicationSettings {
    /// The settings of a parsed broker configuration.
    pub fn from_broker_config(c: &BrokerConfig) -> Self {
        let ms = |v: i64| u64::try_from(v).unwrap_or(0);
        ReplicationSettings {
            zookeeper_session_timeout_ms: ms(i64::from(c.zookeeper_session_timeout_ms)),
            replica_lag_time_max_ms: ms(c.replica_lag_time_max_ms),
            replica_fetch_wait_max_ms: ms(i64::from(c.replica_fetch_wait_max_ms)),
            replica_fetch_max_bytes: u32::try_from(c.replica_fetch_max_bytes).unwrap_or(0),
            replica_socket_timeout_ms: ms(i64::from(c.replica_socket_timeout_ms)),
            min_insync_replicas: c.min_insync_replicas,
            unclean_leader_election_enable: c.unclean_leader_election_enable,
            ..ReplicationSettings::default()
        }
    }

    /// `zookeeper.session.timeout.ms` as a duration.
    pub fn session_timeout(&self) -> SimTime {
        SimTime::from_millis(self.zookeeper_session_timeout_ms)
    }

    /// `replica.lag.time.max.ms` as a duration.
    pub fn replica_lag_time_max(&self) -> SimTime {
        SimTime::from_millis(self.replica_lag_time_max_ms)
    }
}
