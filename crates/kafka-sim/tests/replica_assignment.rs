//! ZooKeeper-mode replica assignment (`AdminUtils.assignReplicasToBrokers`, rack-unaware).

use kafka_sim::SimRng;
use kafka_sim::ids::BrokerId;
use kafka_sim::replica_assignment::{
    AssignmentError, assign_replicas, assign_replicas_fixed, kraft_replication_factor_too_large_message,
    zk_replication_factor_too_large_message,
};

fn ids(v: &[i32]) -> Vec<BrokerId> {
    v.iter().map(|&i| BrokerId(i)).collect()
}

fn raw(a: &[Vec<BrokerId>]) -> Vec<Vec<i32>> {
    a.iter().map(|r| r.iter().map(|b| b.0).collect()).collect()
}

/// `AdminTest.testReplicaAssignment` / `AdminRackAwareTest.testReplicaAssignment` in apache/kafka:
/// brokers 0..4, 10 partitions, replication factor 3, `fixedStartIndex = 0`.
#[test]
fn kafkas_own_replica_assignment_test() {
    let got = assign_replicas_fixed(&ids(&[0, 1, 2, 3, 4]), 10, 3, 0, -1).unwrap();
    let expected = vec![
        vec![0, 1, 2],
        vec![1, 2, 3],
        vec![2, 3, 4],
        vec![3, 4, 0],
        vec![4, 0, 1],
        vec![0, 2, 3],
        vec![1, 3, 4],
        vec![2, 4, 0],
        vec![3, 0, 1],
        vec![4, 1, 2],
    ];
    assert_eq!(raw(&got), expected);
    // The same test: replication factor 0 and 6 are refused.
    assert!(matches!(
        assign_replicas_fixed(&ids(&[0, 1, 2, 3, 4]), 10, 0, 0, -1),
        Err(AssignmentError::InvalidReplicationFactor { .. })
    ));
    assert!(matches!(
        assign_replicas_fixed(&ids(&[0, 1, 2, 3, 4]), 10, 6, 0, -1),
        Err(AssignmentError::ReplicationFactorTooLarge { .. })
    ));
}

/// Derived from the algorithm (hand-checked with a Python transcription): the seed cluster's three
/// brokers, where the shift bump after each lap flips the followers' order.
#[test]
fn three_brokers_six_partitions() {
    let got = assign_replicas_fixed(&ids(&[1, 2, 3]), 6, 3, 0, -1).unwrap();
    assert_eq!(
        raw(&got),
        vec![
            vec![1, 2, 3],
            vec![2, 3, 1],
            vec![3, 1, 2],
            vec![1, 3, 2],
            vec![2, 1, 3],
            vec![3, 2, 1]
        ]
    );
    let got = assign_replicas_fixed(&ids(&[1, 2, 3]), 3, 2, 2, -1).unwrap();
    assert_eq!(raw(&got), vec![vec![3, 1], vec![1, 2], vec![2, 3]]);
}

/// The "add partitions" path: partition ids continue from `start_partition_id`.
#[test]
fn start_partition_id_continues_the_pattern() {
    let got = assign_replicas_fixed(&ids(&[1, 2, 3, 4]), 4, 2, 0, 4).unwrap();
    assert_eq!(raw(&got), vec![vec![1, 3], vec![2, 4], vec![3, 1], vec![4, 2]]);
}

#[test]
fn errors_use_kafkas_zk_mode_wording_in_kafkas_order() {
    let b = ids(&[1]);
    let mut rng = SimRng::new(1);
    let e = assign_replicas(&b, 3, 3, &mut rng).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Replication factor: 3 larger than available brokers: 1."
    );
    assert_eq!(e.kafka_error_name(), Some("INVALID_REPLICATION_FACTOR"));
    assert_eq!(
        e.java_exception(),
        Some("org.apache.kafka.common.errors.InvalidReplicationFactorException")
    );
    let e = assign_replicas(&b, 3, 0, &mut rng).unwrap_err();
    assert_eq!(e.to_string(), "Replication factor must be larger than 0.");
    let e = assign_replicas(&b, 0, 0, &mut rng).unwrap_err();
    assert_eq!(e.to_string(), "Number of partitions must be larger than 0.");
    assert_eq!(e.kafka_error_name(), Some("INVALID_PARTITIONS"));
    let e = assign_replicas(&[], -1, 1, &mut rng).unwrap_err();
    assert_eq!(e, AssignmentError::InvalidPartitions { partitions: -1 });
    let e = assign_replicas(&ids(&[1, 2, 1]), 1, 1, &mut rng).unwrap_err();
    assert_eq!(e, AssignmentError::DuplicateBroker(BrokerId(1)));
    assert_eq!(e.kafka_error_name(), None);
    // Refusals take no draw.
    assert_eq!(rng, SimRng::new(1));
}

#[test]
fn both_wordings_are_available() {
    assert_eq!(
        zk_replication_factor_too_large_message(2, 1),
        "Replication factor: 2 larger than available brokers: 1."
    );
    assert_eq!(
        kraft_replication_factor_too_large_message(3, 1),
        "Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached \
         because only 1 broker(s) are registered."
    );
}

#[test]
fn replicas_are_distinct_and_leaders_and_replicas_spread_evenly() {
    for seed in 0..50 {
        let brokers = ids(&[1, 2, 3, 4, 5]);
        let mut rng = SimRng::new(seed);
        let a = assign_replicas(&brokers, 10, 3, &mut rng).unwrap();
        assert_eq!(a.len(), 10);
        let mut leaders = [0; 6];
        let mut replicas = [0; 6];
        for r in &a {
            assert_eq!(r.len(), 3);
            let mut sorted = r.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), 3, "seed {seed}: {r:?}");
            leaders[r[0].0 as usize] += 1;
            for b in r {
                replicas[b.0 as usize] += 1;
            }
        }
        assert_eq!(&leaders[1..], &[2, 2, 2, 2, 2], "seed {seed}");
        assert_eq!(&replicas[1..], &[6, 6, 6, 6, 6], "seed {seed}");
    }
}

#[test]
fn replication_factor_equal_to_broker_count_and_one() {
    let mut rng = SimRng::new(3);
    let a = assign_replicas(&ids(&[1, 2, 3]), 7, 3, &mut rng).unwrap();
    for r in &a {
        let mut s = raw(std::slice::from_ref(r)).remove(0);
        s.sort();
        assert_eq!(s, vec![1, 2, 3]);
    }
    let a = assign_replicas(&ids(&[7]), 3, 1, &mut rng).unwrap();
    assert_eq!(raw(&a), vec![vec![7], vec![7], vec![7]]);
}

#[test]
fn same_seed_same_assignment_and_seeds_eventually_differ() {
    let brokers = ids(&[1, 2, 3]);
    let run = |seed| assign_replicas(&brokers, 6, 2, &mut SimRng::new(seed)).unwrap();
    assert_eq!(run(42), run(42));
    assert!((0..20).any(|s| run(s) != run(42)));
}

#[test]
fn random_assignment_is_one_of_the_fixed_ones() {
    // Kafka draws the start index, then the shift, each in 0..n.
    let brokers = ids(&[1, 2, 3, 4]);
    let mut rng = SimRng::new(77);
    let mut probe = rng.clone();
    let (start, shift) = (probe.below(4) as usize, probe.below(4) as usize);
    let got = assign_replicas(&brokers, 8, 3, &mut rng).unwrap();
    assert_eq!(rng, probe);
    if start == shift {
        assert_eq!(got, assign_replicas_fixed(&brokers, 8, 3, start, 0).unwrap());
    }
    // The leader of partition 0 is brokers[start].
    assert_eq!(got[0][0], brokers[start]);
}
