//! The ZooKeeper-mode controller's elections and partition-state changes
//! (`kafka_sim::replication::controller`).
//!
//! Mirrors Kafka's `PartitionLeaderElectionAlgorithmsTest` (the pure algorithms) and the behaviour
//! `PartitionStateMachineTest` / `ReplicaStateMachineTest` / `ControllerIntegrationTest` check
//! (offline election, leaderless partition keeping its last ISR member, unclean election with
//! `LeaderRecoveryState.RECOVERING`, controlled shutdown, AlterPartition fencing).

use kafka_sim::ErrorCode;
use kafka_sim::ids::BrokerId;
use kafka_sim::record::{TopicIdx, TopicPartition};
use kafka_sim::replication::controller::*;
use std::collections::BTreeSet;

fn b(ids: &[i32]) -> Vec<BrokerId> {
    ids.iter().map(|&i| BrokerId(i)).collect()
}
fn set(ids: &[i32]) -> BTreeSet<BrokerId> {
    ids.iter().map(|&i| BrokerId(i)).collect()
}
const T: TopicIdx = TopicIdx(0);
const TP: TopicPartition = TopicPartition {
    topic: T,
    partition: 0,
};

/// Brokers 1, 2, 3 live, topic `orders` with one partition on `replicas`.
fn cluster(replicas: &[i32], unclean: bool) -> ControllerState {
    let mut c = ControllerState::new(BrokerId(1), 1);
    for id in 1..=3 {
        c.on_broker_startup(BrokerId(id));
    }
    c.on_topic_creation(T, "orders", &[b(replicas)], unclean);
    c
}

fn reg(c: &ControllerState) -> PartitionRegistration {
    c.partition(TP).cloned().expect("registered")
}

/// (leader or -1, isr, leader epoch, partition epoch)
fn summary(c: &ControllerState) -> (i32, Vec<i32>, i32, i32) {
    let r = reg(c);
    (
        r.leader_id(),
        r.isr.iter().map(|b| b.0).collect(),
        r.leader_epoch,
        r.partition_epoch,
    )
}

// ---- PartitionLeaderElectionAlgorithmsTest ----

#[test]
fn offline_election_algorithm_matches_kafkas_tests() {
    // testOfflinePartitionLeaderElection
    let e = offline_partition_leader_election(&b(&[2, 4]), &b(&[2, 4]), &set(&[4]), false);
    assert_eq!(
        e,
        Election {
            leader: Some(BrokerId(4)),
            kind: ElectionKind::Clean
        }
    );
    // testOfflinePartitionLeaderElectionLastIsrOfflineUncleanLeaderElectionDisabled
    let e = offline_partition_leader_election(&b(&[2, 4]), &b(&[2]), &set(&[4]), false);
    assert_eq!(
        e,
        Election {
            leader: None,
            kind: ElectionKind::None
        }
    );
    // testOfflinePartitionLeaderElectionLastIsrOfflineUncleanLeaderElectionEnabled
    let e = offline_partition_leader_election(&b(&[2, 4]), &b(&[2]), &set(&[4]), true);
    assert_eq!(
        e,
        Election {
            leader: Some(BrokerId(4)),
            kind: ElectionKind::Unclean
        }
    );
    // Assignment order wins over ISR order.
    let e = offline_partition_leader_election(&b(&[3, 1, 2]), &b(&[2, 1]), &set(&[1, 2]), false);
    assert_eq!(e.leader, Some(BrokerId(1)));
    // Nobody live at all, even unclean.
    let e = offline_partition_leader_election(&b(&[1, 2]), &b(&[1]), &set(&[]), true);
    assert_eq!(e.kind, ElectionKind::None);
}

#[test]
fn preferred_and_controlled_shutdown_algorithms_match_kafkas_tests() {
    // testPreferredReplicaPartitionLeaderElection
    assert_eq!(
        preferred_replica_leader_election(&b(&[2, 4]), &b(&[2, 4]), &set(&[2, 4])),
        Some(BrokerId(2))
    );
    // ...PreferredReplicaInIsrNotLive / ...PreferredReplicaNotInIsrLive
    assert_eq!(
        preferred_replica_leader_election(&b(&[2, 4]), &b(&[2, 4]), &set(&[4])),
        None
    );
    assert_eq!(
        preferred_replica_leader_election(&b(&[2, 4]), &b(&[4]), &set(&[2, 4])),
        None
    );
    // testControlledShutdownPartitionLeaderElection
    let r = controlled_shutdown_leader_election(&b(&[2, 4]), &b(&[2, 4]), &set(&[2, 4]), &set(&[2]));
    assert_eq!(r, Some(BrokerId(4)));
    // ...LastIsrShuttingDown
    let r = controlled_shutdown_leader_election(&b(&[2, 4]), &b(&[2]), &set(&[2, 4]), &set(&[2]));
    assert_eq!(r, None);
    // ...AllIsrSimultaneouslyShutdown
    let r = controlled_shutdown_leader_election(&b(&[2, 4]), &b(&[2, 4]), &set(&[2, 4]), &set(&[2, 4]));
    assert_eq!(r, None);
}

// ---- topic creation ----

#[test]
fn topic_creation_takes_live_replicas_and_the_first_leads_at_epoch_zero() {
    let mut c = ControllerState::new(BrokerId(1), 1);
    c.on_broker_startup(BrokerId(1));
    c.on_broker_startup(BrokerId(3));
    let out = c.on_topic_creation(T, "orders", &[b(&[2, 3, 1]), b(&[1, 2, 3])], false);
    assert_eq!(out.changes.len(), 2);
    assert_eq!(out.elections(ElectionKind::Clean), 2);
    assert_eq!(summary(&c), (3, vec![3, 1], 0, 0));
    let p1 = c
        .partition(TopicPartition {
            topic: T,
            partition: 1,
        })
        .unwrap();
    assert_eq!((p1.leader_id(), p1.isr.clone()), (1, b(&[1, 3])));
    assert_eq!(out.update_metadata_to, b(&[1, 3]));
    assert_eq!(out.leader_and_isr.get(&BrokerId(3)).map(Vec::len), Some(2));
    assert_eq!(
        out.log[0],
        "[Controller id=1 epoch=1] Changed partition orders-0 from NewPartition to OnlinePartition with state \
         LeaderAndIsr(leader=3, leaderEpoch=0, isr=List(3, 1), leaderRecoveryState=RECOVERED, partitionEpoch=0)"
    );
}

#[test]
fn a_partition_with_no_live_replica_stays_new_until_one_registers() {
    let mut c = ControllerState::new(BrokerId(1), 1);
    c.on_broker_startup(BrokerId(1));
    let out = c.on_topic_creation(T, "orders", &[b(&[2, 3])], false);
    assert!(out.changes.is_empty());
    assert_eq!(out.failed_elections, vec![TP]);
    assert!(
        out.log[0].contains("No assigned replica is alive."),
        "{}",
        out.log[0]
    );
    assert_eq!(c.partition(TP), None);
    assert_eq!(c.offline_partitions(), vec![TP]);
    let out = c.on_broker_startup(BrokerId(3));
    assert_eq!(out.changes[0].cause, ChangeCause::TopicCreation);
    assert_eq!(summary(&c), (3, vec![3], 0, 0));
}

// ---- broker failure and return ----

#[test]
fn leader_failure_elects_the_first_live_isr_replica_in_assignment_order() {
    let mut c = cluster(&[3, 1, 2], false);
    // The leader reorders nothing, but make the ISR order differ from the assignment order.
    c.on_alter_partition(
        TP,
        &AlterPartitionRequest {
            leader: BrokerId(3),
            leader_epoch: 0,
            partition_epoch: 0,
            new_isr: b(&[3, 2, 1]),
            leader_recovery_state: LeaderRecoveryState::Recovered,
        },
    )
    .unwrap();
    assert_eq!(summary(&c), (3, vec![3, 2, 1], 0, 1));
    let out = c.on_broker_failure(BrokerId(3));
    assert_eq!(summary(&c), (1, vec![2, 1], 1, 2));
    assert_eq!(out.elections(ElectionKind::Clean), 1);
    assert_eq!(out.changes.len(), 1, "3 already left the ISR with the election");
    assert_eq!(out.changes[0].cause, ChangeCause::OfflineElection);
    assert_eq!(out.leader_and_isr.keys().copied().collect::<Vec<_>>(), b(&[1, 2]));
    assert_eq!(out.update_metadata_to, b(&[1, 2]));
}

#[test]
fn brokers_dying_one_by_one_leave_the_last_isr_member_and_no_leader() {
    let mut c = cluster(&[1, 2, 3], false);
    assert_eq!(summary(&c), (1, vec![1, 2, 3], 0, 0));
    // Followers die: removed from the ISR; ZooKeeper mode bumps the leader epoch too.
    let out = c.on_broker_failure(BrokerId(3));
    assert_eq!(summary(&c), (1, vec![1, 2], 1, 1));
    assert_eq!(out.changes[0].cause, ChangeCause::ReplicaOffline(BrokerId(3)));
    assert_eq!(out.elections(ElectionKind::None), 1);
    assert_eq!(
        out.log[0],
        "[Controller id=1 epoch=1] Partition orders-0 state changed to (Leader:1,ISR:1,2,LeaderRecoveryState:RECOVERED,\
         LeaderEpoch:1,ZkVersion:1,ControllerEpoch:1) after removing replica 3 from the ISR as part of transition to \
         OfflineReplica"
    );
    c.on_broker_failure(BrokerId(2));
    assert_eq!(summary(&c), (1, vec![1], 2, 2));
    // The last ISR member, the leader, dies: no eligible replica; leader none, ISR kept.
    let out = c.on_broker_failure(BrokerId(1));
    assert_eq!(summary(&c), (-1, vec![1], 3, 3));
    assert_eq!(out.failed_elections, vec![TP]);
    assert_eq!(
        out.log[0],
        "[Controller id=1 epoch=1] Controller 1 epoch 1 failed to change state for partition orders-0 from \
         OfflinePartition to OnlinePartition\nkafka.common.StateChangeFailedException: Failed to elect leader for \
         partition orders-0 under strategy OfflinePartitionLeaderElectionStrategy(false)"
    );
    assert_eq!(
        reg(&c).describe_line("orders", 0),
        "\tTopic: orders\tPartition: 0\tLeader: none\tReplicas: 1,2,3\tIsr: 1"
    );
    // A stale replica (not in the ISR) returns: still offline.
    let out = c.on_broker_startup(BrokerId(2));
    assert!(out.changes.is_empty());
    assert_eq!(out.failed_elections, vec![TP]);
    assert_eq!(
        out.leader_and_isr.get(&BrokerId(2)),
        Some(&vec![TP]),
        "it is told the partition state"
    );
    assert_eq!(summary(&c), (-1, vec![1], 3, 3));
    assert_eq!(c.offline_partitions(), vec![TP]);
    // The last ISR member returns: it leads again, one epoch later; the ISR stays [1] (2 must catch up).
    let out = c.on_broker_startup(BrokerId(1));
    assert_eq!(summary(&c), (1, vec![1], 4, 4));
    assert_eq!(out.elections(ElectionKind::Clean), 1);
    assert_eq!(reg(&c).leader_recovery_state, LeaderRecoveryState::Recovered);
    assert!(c.offline_partitions().is_empty());
}

#[test]
fn kraft_flag_keeps_the_leader_epoch_on_controller_isr_shrink() {
    let mut c = cluster(&[1, 2, 3], false);
    c.bump_leader_epoch_on_isr_shrink = false;
    c.on_broker_failure(BrokerId(3));
    assert_eq!(summary(&c), (1, vec![1, 2], 0, 1));
    c.on_broker_failure(BrokerId(1));
    assert_eq!(summary(&c), (2, vec![2], 1, 2), "a leader change still bumps it");
}

// ---- unclean election ----

#[test]
fn unclean_election_only_when_enabled_forces_isr_to_the_leader_and_recovering() {
    let mut c = cluster(&[1, 2, 3], true);
    c.on_broker_failure(BrokerId(3));
    c.on_broker_failure(BrokerId(2));
    c.on_broker_failure(BrokerId(1));
    assert_eq!(summary(&c), (-1, vec![1], 3, 3));
    let out = c.on_broker_startup(BrokerId(3));
    assert_eq!(summary(&c), (3, vec![3], 4, 4));
    assert_eq!(out.elections(ElectionKind::Unclean), 1);
    assert_eq!(out.elections(ElectionKind::Clean), 0);
    assert_eq!(reg(&c).leader_recovery_state, LeaderRecoveryState::Recovering);
    assert!(
        out.log[0].contains("leaderRecoveryState=RECOVERING"),
        "{}",
        out.log[0]
    );
    // While recovering the ISR can only be the leader; then it reports recovery.
    let mut req = AlterPartitionRequest {
        leader: BrokerId(3),
        leader_epoch: 4,
        partition_epoch: 4,
        new_isr: b(&[3, 2]),
        leader_recovery_state: LeaderRecoveryState::Recovering,
    };
    c.on_broker_startup(BrokerId(2));
    assert_eq!(
        c.on_alter_partition(TP, &req),
        Err(AlterPartitionError::InvalidRequest)
    );
    req.new_isr = b(&[3]);
    req.leader_recovery_state = LeaderRecoveryState::Recovered;
    let r = c.on_alter_partition(TP, &req).unwrap();
    assert_eq!(
        (r.leader_recovery_state, r.leader_epoch, r.partition_epoch),
        (LeaderRecoveryState::Recovered, 4, 5)
    );
    // Back to recovering is refused.
    req.partition_epoch = 5;
    req.leader_recovery_state = LeaderRecoveryState::Recovering;
    assert_eq!(
        c.on_alter_partition(TP, &req).map_err(AlterPartitionError::code),
        Err(42)
    );
}

#[test]
fn enabling_unclean_election_dynamically_elects_the_offline_partition() {
    let mut c = cluster(&[1, 2], false);
    c.on_broker_failure(BrokerId(2));
    c.on_broker_failure(BrokerId(1));
    c.on_broker_startup(BrokerId(2));
    assert_eq!(summary(&c), (-1, vec![1], 2, 2));
    assert!(c.set_unclean_leader_election(T, false).changes.is_empty());
    let out = c.set_unclean_leader_election(T, true);
    assert_eq!(out.elections(ElectionKind::Unclean), 1);
    assert_eq!(summary(&c), (2, vec![2], 3, 3));
}

// ---- controlled shutdown ----

#[test]
fn controlled_shutdown_moves_leadership_without_going_offline() {
    let mut c = ControllerState::new(BrokerId(2), 7);
    for id in 1..=3 {
        c.on_broker_startup(BrokerId(id));
    }
    let tp = |p| TopicPartition {
        topic: T,
        partition: p,
    };
    c.on_topic_creation(T, "orders", &[b(&[1, 2, 3]), b(&[2, 1, 3]), b(&[1])], false);
    let out = c.on_controlled_shutdown(BrokerId(1));
    assert!(out.failed_elections.is_empty());
    let p0 = c.partition(tp(0)).unwrap();
    assert_eq!(
        (
            p0.leader_id(),
            p0.isr.clone(),
            p0.leader_epoch,
            p0.partition_epoch
        ),
        (2, b(&[2, 3]), 1, 1)
    );
    assert_eq!(out.changes[0].cause, ChangeCause::ControlledShutdownElection);
    assert_eq!(out.changes[0].election, ElectionKind::Clean);
    let p1 = c.partition(tp(1)).unwrap();
    assert_eq!(
        (p1.leader_id(), p1.isr.clone(), p1.leader_epoch),
        (2, b(&[2, 3]), 1)
    );
    // The single-replica partition cannot move: the broker is told it still leads it.
    assert_eq!(out.remaining_leaders, vec![tp(2)]);
    // Never offline: no OfflinePartition transition was logged.
    assert!(
        out.log.iter().all(|l| !l.contains("from OfflinePartition")),
        "{:?}",
        out.log
    );
    assert_eq!(c.offline_partitions(), Vec::<TopicPartition>::new());
    assert!(
        out.log[0].starts_with("[Controller id=2 epoch=7] Changed partition orders-0 from OnlinePartition")
    );
    // Then its session closes: only the single-replica partition goes leaderless.
    let out = c.on_broker_failure(BrokerId(1));
    assert_eq!(out.changes.len(), 1);
    assert_eq!(c.partition(tp(2)).unwrap().leader, None);
    assert_eq!(c.partition(tp(0)).unwrap().leader_epoch, 1);
}

#[test]
fn controlled_shutdown_of_the_only_isr_member_keeps_it_leader() {
    let mut c = cluster(&[1, 2], false);
    c.on_broker_failure(BrokerId(2));
    let before = reg(&c);
    let out = c.on_controlled_shutdown(BrokerId(1));
    assert_eq!(out.remaining_leaders, vec![TP]);
    assert_eq!(out.failed_elections, vec![TP]);
    assert_eq!(reg(&c), before);
}

// ---- AlterPartition ----

#[test]
fn alter_partition_is_fenced_by_leader_and_partition_epochs() {
    let mut c = cluster(&[1, 2, 3], false);
    let req = |le, pe, isr: &[i32]| AlterPartitionRequest {
        leader: BrokerId(1),
        leader_epoch: le,
        partition_epoch: pe,
        new_isr: b(isr),
        leader_recovery_state: LeaderRecoveryState::Recovered,
    };
    // Shrink: partition epoch bumps, leader epoch does not.
    let r = c.on_alter_partition(TP, &req(0, 0, &[1, 2])).unwrap();
    assert_eq!(
        (r.leader_epoch, r.partition_epoch, r.isr.clone()),
        (0, 1, b(&[1, 2]))
    );
    // The same request again is idempotent (stale partition epoch allowed when nothing changes).
    assert_eq!(c.on_alter_partition(TP, &req(0, 0, &[1, 2])), Ok(r.clone()));
    // A stale partition epoch with a different ISR.
    let e = c.on_alter_partition(TP, &req(0, 0, &[1, 2, 3])).unwrap_err();
    assert_eq!(
        (e, e.code(), e.name()),
        (
            AlterPartitionError::InvalidUpdateVersion,
            95,
            "INVALID_UPDATE_VERSION"
        )
    );
    // Epochs ahead of the controller.
    assert_eq!(
        c.on_alter_partition(TP, &req(0, 9, &[1])),
        Err(AlterPartitionError::Known(ErrorCode::NotController))
    );
    // A leader change fences the old leader's request.
    c.on_broker_failure(BrokerId(1));
    assert_eq!(summary(&c), (2, vec![2], 1, 2));
    let e = c.on_alter_partition(TP, &req(0, 1, &[1, 2, 3])).unwrap_err();
    assert_eq!(
        (e, e.code()),
        (AlterPartitionError::Known(ErrorCode::FencedLeaderEpoch), 74)
    );
    // An ISR naming a dead broker.
    let mut r2 = req(1, 2, &[2, 1]);
    r2.leader = BrokerId(2);
    assert_eq!(
        c.on_alter_partition(TP, &r2).map_err(AlterPartitionError::code),
        Err(107)
    );
    r2.new_isr = b(&[2, 3]);
    let r = c.on_alter_partition(TP, &r2).unwrap();
    assert_eq!(
        (r.leader_id(), r.isr.clone(), r.leader_epoch, r.partition_epoch),
        (2, b(&[2, 3]), 1, 3)
    );
    assert_eq!(
        c.on_alter_partition(
            TopicPartition {
                topic: T,
                partition: 5
            },
            &r2
        )
        .map_err(|e| e.code()),
        Err(3)
    );
    r2.partition_epoch = 3;
    r2.new_isr.clear();
    assert_eq!(
        c.on_alter_partition(TP, &r2),
        Err(AlterPartitionError::InvalidRequest)
    );
}

// ---- preferred election ----

#[test]
fn preferred_election_returns_leadership_to_the_first_replica() {
    let mut c = cluster(&[1, 2, 3], false);
    c.on_broker_failure(BrokerId(1));
    c.on_broker_startup(BrokerId(1));
    assert_eq!(summary(&c), (2, vec![2, 3], 1, 1));
    assert_eq!(
        c.elect_preferred_leaders(&[TP]).failed_elections,
        vec![TP],
        "1 is not in the ISR yet"
    );
    let isr = AlterPartitionRequest {
        leader: BrokerId(2),
        leader_epoch: 1,
        partition_epoch: 1,
        new_isr: b(&[2, 3, 1]),
        leader_recovery_state: LeaderRecoveryState::Recovered,
    };
    c.on_alter_partition(TP, &isr).unwrap();
    let out = c.elect_preferred_leaders(&[TP]);
    assert_eq!(out.changes[0].cause, ChangeCause::PreferredElection);
    assert_eq!(summary(&c), (1, vec![2, 3, 1], 2, 3));
    assert!(
        c.elect_preferred_leaders(&[TP]).changes.is_empty(),
        "already preferred"
    );
}

// ---- invariant ----

#[test]
fn the_invariant_checker_catches_two_leaders_in_one_epoch() {
    let mut c = cluster(&[1, 2, 3], true);
    let mut history = vec![reg(&c)];
    for out in [
        c.on_broker_failure(BrokerId(1)),
        c.on_broker_failure(BrokerId(2)),
        c.on_broker_startup(BrokerId(1)),
        c.on_controlled_shutdown(BrokerId(3)),
        c.on_broker_failure(BrokerId(3)),
        c.on_broker_startup(BrokerId(2)),
    ] {
        history.extend(out.changes.into_iter().map(|ch| ch.registration));
    }
    assert_eq!(
        check_one_leader_per_epoch(history.iter().map(|r| (TP, r))),
        Ok(())
    );
    let epochs: Vec<i32> = history.iter().map(|r| r.leader_epoch).collect();
    assert!(epochs.windows(2).all(|w| w[0] < w[1]), "{epochs:?}");

    let mut forged = history[1].clone();
    forged.leader = Some(BrokerId(9));
    history.push(forged);
    let v = check_one_leader_per_epoch(history.iter().map(|r| (TP, r))).unwrap_err();
    assert_eq!((v.leader_epoch, v.first, v.second), (1, BrokerId(2), BrokerId(9)));
    assert_eq!(
        v.to_string(),
        "two leaders for partition 0-0 in leader epoch 1: brokers 2 and 9"
    );

    let mut inv = LeaderEpochInvariant::new();
    assert!(inv.observe(TP, 5, Some(BrokerId(1))).is_ok());
    assert!(inv.observe(TP, 5, None).is_ok());
    assert!(inv.observe(TP, 5, Some(BrokerId(1))).is_ok());
    assert!(
        inv.observe(
            TopicPartition {
                topic: T,
                partition: 1
            },
            5,
            Some(BrokerId(2))
        )
        .is_ok()
    );
    assert!(inv.observe(TP, 5, Some(BrokerId(2))).is_err());
}

#[test]
fn log_line_helpers() {
    assert_eq!(
        unclean_election_log("x5fJ3uV0QmW1kQ2qJ9yXgA", 0, BrokerId(3)),
        "Setting new leader for topicId x5fJ3uV0QmW1kQ2qJ9yXgA, partition 0 to 3 using an unclean election"
    );
}
