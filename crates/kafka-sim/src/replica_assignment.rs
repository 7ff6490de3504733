//! Kafka's rack-unaware replica assignment for new topics, with the random start drawn from the seed.
//!
//! ZooKeeper-mode Kafka 3.7 (`ZkAdminManager.createTopics`) assigns the replicas of a new topic with
//! `AdminUtils.assignReplicasToBrokers` (`core/src/main/scala/kafka/admin/AdminUtils.scala`). Without
//! racks it is `assignReplicasToBrokersRackUnaware`:
//! - the first replica of partition `p` is `brokers[(p + startIndex) % n]` (round-robin from a random
//!   start);
//! - the other replicas follow at an increasing shift, `nextReplicaShift`, random at first and
//!   incremented each time the partition id wraps around the broker list.
//!
//! Kafka draws `startIndex = rand.nextInt(n)` and then `nextReplicaShift = rand.nextInt(n)`; here both
//! come from the simulation's [`SimRng`] in that order. Rack-aware assignment is not modelled.
//!
//! Broker order: Kafka uses the order it is given. `AdminZkClient` (add partitions) sorts brokers by id;
//! `ZkAdminManager.createTopics` passes the metadata cache's alive brokers. The simulator passes them
//! sorted by id.

use crate::ids::BrokerId;
use crate::rng::SimRng;

/// ZooKeeper-mode (`AdminUtils`) wording when the replication factor exceeds the live brokers, e.g.
/// `Replication factor: 3 larger than available brokers: 1.` (an `InvalidReplicationFactorException`).
/// This is what `kafka-topics.sh --create` prints against the seed's ZooKeeper cluster, after
/// `Error while executing topic command : `.
pub fn zk_replication_factor_too_large_message(replication_factor: i32, brokers: usize) -> String {
    format!("Replication factor: {replication_factor} larger than available brokers: {brokers}.")
}

/// KRaft-mode wording of the same failure (the controller's `ReplicaPlacer`), for reference only: the
/// seed cluster runs ZooKeeper, so a CLI simulating it prints [`zk_replication_factor_too_large_message`].
pub fn kraft_replication_factor_too_large_message(replication_factor: i32, brokers: usize) -> String {
    format!(
        "Unable to replicate the partition {replication_factor} time(s): The target replication factor of \
         {replication_factor} cannot be reached because only {brokers} broker(s) are registered."
    )
}

/// Why Kafka refuses to assign replicas: the exception message, which `Display` prints verbatim.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AssignmentError {
    /// `InvalidPartitionsException` (error code 37, `INVALID_PARTITIONS`).
    #[error("Number of partitions must be larger than 0.")]
    InvalidPartitions {
        /// The requested partition count.
        partitions: i32,
    },
    /// `InvalidReplicationFactorException` (error code 38, `INVALID_REPLICATION_FACTOR`).
    #[error("Replication factor must be larger than 0.")]
    InvalidReplicationFactor {
        /// The requested replication factor.
        replication_factor: i32,
    },
    /// `InvalidReplicationFactorException` (code 38): more replicas than live brokers.
    #[error("{}", zk_replication_factor_too_large_message(*.replication_factor, *.brokers))]
    ReplicationFactorTooLarge {
        /// The requested replication factor.
        replication_factor: i32,
        /// The number of live brokers.
        brokers: usize,
    },
    /// Invalid input for the simulator (not a Kafka error): a broker id appears twice.
    #[error("broker {0} appears more than once in the broker list")]
    DuplicateBroker(BrokerId),
}

impl AssignmentError {
    /// Kafka's error name (`Errors` enum) for a CreateTopics response, or `None` for simulator input
    /// errors.
    pub fn kafka_error_name(&self) -> Option<&'static str> {
        match self {
            AssignmentError::InvalidPartitions { .. } => Some("INVALID_PARTITIONS"),
            AssignmentError::InvalidReplicationFactor { .. }
            | AssignmentError::ReplicationFactorTooLarge { .. } => Some("INVALID_REPLICATION_FACTOR"),
            AssignmentError::DuplicateBroker(_) => None,
        }
    }

    /// The Java exception class Kafka throws, or `None` for simulator input errors.
    pub fn java_exception(&self) -> Option<&'static str> {
        match self {
            AssignmentError::InvalidPartitions { .. } => {
                Some("org.apache.kafka.common.errors.InvalidPartitionsException")
            }
            AssignmentError::InvalidReplicationFactor { .. }
            | AssignmentError::ReplicationFactorTooLarge { .. } => {
                Some("org.apache.kafka.common.errors.InvalidReplicationFactorException")
            }
            AssignmentError::DuplicateBroker(_) => None,
        }
    }
}

/// The replicas of partitions `0..partitions` for a new topic, each list leader-first, as
/// `AdminUtils.assignReplicasToBrokers(brokers, partitions, replicationFactor)` computes them with its
/// two random draws taken from `rng` (the start index, then the replica shift).
///
/// Checks come in Kafka's order: partitions, then replication factor, then broker count. No draw is
/// taken when the request is refused.
pub fn assign_replicas(
    brokers: &[BrokerId],
    partitions: i32,
    replication_factor: i32,
    rng: &mut SimRng,
) -> Result<Vec<Vec<BrokerId>>, AssignmentError> {
    validate(brokers, partitions, replication_factor)?;
    let n = brokers.len() as u64;
    let start_index = rng.below(n) as usize;
    let shift = rng.below(n) as usize;
    Ok(assign_rack_unaware(
        brokers,
        partitions,
        replication_factor,
        start_index,
        shift,
        0,
    ))
}

/// `assignReplicasToBrokers` with `fixedStartIndex` (used as both the start index and the initial
/// replica shift, as Kafka does) and `startPartitionId`: the path Kafka's own tests and the "add
/// partitions" command take. Returns the lists of partitions `start_partition_id..` (the first list is
/// partition `max(0, start_partition_id)`).
pub fn assign_replicas_fixed(
    brokers: &[BrokerId],
    partitions: i32,
    replication_factor: i32,
    fixed_start_index: usize,
    start_partition_id: i32,
) -> Result<Vec<Vec<BrokerId>>, AssignmentError> {
    validate(brokers, partitions, replication_factor)?;
    Ok(assign_rack_unaware(
        brokers,
        partitions,
        replication_factor,
        fixed_start_index,
        fixed_start_index,
        start_partition_id.max(0) as usize,
    ))
}

fn validate(brokers: &[BrokerId], partitions: i32, replication_factor: i32) -> Result<(), AssignmentError> {
    if partitions <= 0 {
        return Err(AssignmentError::InvalidPartitions { partitions });
    }
    if replication_factor <= 0 {
        return Err(AssignmentError::InvalidReplicationFactor { replication_factor });
    }
    if replication_factor as usize > brokers.len() {
        return Err(AssignmentError::ReplicationFactorTooLarge {
            replication_factor,
            brokers: brokers.len(),
        });
    }
    let mut sorted = brokers.to_vec();
    crate::sort::sort(&mut sorted);
    if let Some(pair) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(AssignmentError::DuplicateBroker(pair[0]));
    }
    Ok(())
}

/// The algorithm itself; `validate` has checked that `1 <= replication_factor <= brokers.len()`.
fn assign_rack_unaware(
    brokers: &[BrokerId],
    partitions: i32,
    replication_factor: i32,
    start_index: usize,
    initial_shift: usize,
    start_partition_id: usize,
) -> Vec<Vec<BrokerId>> {
    let n = brokers.len();
    // Only `shift % (n - 1)` matters, so keeping it reduced gives Kafka's answer without overflow.
    let followers = (n - 1).max(1);
    let mut next_replica_shift = initial_shift % followers;
    let mut out = Vec::with_capacity(partitions.clamp(0, 1 << 12) as usize);
    for current_partition_id in (start_partition_id..).take(partitions.max(0) as usize) {
        if current_partition_id > 0 && current_partition_id.is_multiple_of(n) {
            next_replica_shift = (next_replica_shift + 1) % followers;
        }
        let first = (current_partition_id % n + start_index % n) % n;
        let mut replicas = Vec::with_capacity(replication_factor as usize);
        replicas.push(brokers[first]);
        for j in 0..(replication_factor as usize).saturating_sub(1) {
            replicas.push(brokers[replica_index(first, next_replica_shift, j, n)]);
        }
        out.push(replicas);
    }
    out
}

/// `AdminUtils.replicaIndex`: `(first + 1 + (shift + j) % (n - 1)) % n`. Only called with `n >= 2`
/// (a replication factor of 1 draws no follower).
fn replica_index(first: usize, second_replica_shift: usize, replica_index: usize, n: usize) -> usize {
    let shift = 1 + (second_replica_shift % (n - 1).max(1) + replica_index) % (n - 1).max(1);
    (first + shift) % n
}
