//! A leader cut off from ZooKeeper (a "zombie" after the controller elects another leader) must not
//! acknowledge an idempotent producer's retried acks=all batch: the retry is a duplicate of a batch
//! the zombie appended but could never commit, and Kafka answers a duplicate only once the HW passes
//! its original offsets (`UnifiedLog.append` returns the duplicate's offsets, `ReplicaManager` parks
//! the acks=all request in `DelayedProduce` with `requiredOffset = lastOffset + 1`).

use kafka_sim::swarm::{SwarmCase, SwarmFault, Target, run_swarm_case};
use kafka_sim::time::SimTime;

/// One partition, RF 3, min ISR 2, an idempotent acks=all producer; its leader loses ZooKeeper at
/// 10 s. Its followers keep fetching until the controller elects a new leader at the session expiry,
/// then follow the new leader; the old leader's HW is stuck, its delayed produces time out, and the
/// producer (whose metadata still names the old leader) retries them there. Before the fix the
/// retries were answered at once as duplicates: 5 acknowledged records were lost (truncated when the
/// old leader rejoined) and 763 sends failed.
#[test]
fn a_deposed_leader_does_not_acknowledge_a_duplicate_it_never_committed() {
    let case = SwarmCase {
        seed: 1,
        brokers: 3,
        partitions: 1,
        replication_factor: 3,
        min_insync_replicas: 2,
        unclean: false,
        acks_all: true,
        idempotence: true,
        linger_ms: 5,
        rate: 50,
        jitter_us: 0,
        faults: vec![(
            SimTime::from_secs(10),
            SwarmFault::CutZooKeeper(Target::LeaderOf(0)),
        )],
        group: None,
    };
    assert!(case.promises_durability());
    let outcome = run_swarm_case(case);
    let d = &outcome.durability;
    assert_eq!(d.acked_lost, 0, "acknowledged records lost: {:?}", d.findings);
    assert_eq!(d.acked_wrong_offset, 0, "{:?}", d.findings);
    assert!(d.acked > 5_000, "the producer stalled: {d:?}");
    outcome.check().unwrap();
}
