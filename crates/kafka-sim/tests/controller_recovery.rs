//! Regressions for the swarm's convergence and invariant failures, as kernel-level scenarios:
//! - a `/controller` notification lost to a broker cut off from ZooKeeper (swarm seed 70): the
//!   broker's next ping carries its watches' versions (`SetWatches`) and ZooKeeper fires the watch
//!   again, with the context for the new controller;
//! - a LeaderAndIsr lost on a cut link (swarm seed 194): the controller resends what got no answer
//!   within `controller.socket.timeout.ms`, as Kafka's `RequestSendThread` does;
//! - a deposed controller confirming an ISR shrink (swarm seed 145): the controller answers an
//!   AlterPartition only once ZooKeeper took the write, and ZooKeeper fences a deposed one;
//! - two controllers both electing leaders in the same leader epochs (swarm seeds 837, 945, 995):
//!   the LeaderAndIsr of an election goes out only once ZooKeeper took its write;
//! - a broker that left and registered again while the controller missed the notification (swarm
//!   seeds 1960, 2930): the controller compares broker epochs (KIP-380's bounced brokers);
//! - a controller's ZooKeeper write lost on the way (swarm seed 1568): it is retried, and
//!   ZooKeeper's version check keeps a retry from undoing a later write;
//! - a broker's startup LeaderAndIsr carrying an election the controller had not got into
//!   ZooKeeper yet, and never did, being deposed (swarm seed 132): a decision that shows a
//!   partition's state waits for the pending write of that state.

use kafka_sim::cluster::ReplicaRole;
use kafka_sim::cluster::{ClusterEvent, broker_node};
use kafka_sim::ids::{BrokerId, NodeId};
use kafka_sim::kernel::{Direction, Fault, TraceEvent};
use kafka_sim::record::{ProducerRef, RecordId, TopicPartition};
use kafka_sim::sim::ZOOKEEPER;
use kafka_sim::{SimSpec, SimTime, Simulation, TopicSetup};

fn secs(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

fn cluster(partitions: u32) -> Simulation {
    let mut sim = Simulation::new(SimSpec {
        brokers: 3,
        topics: vec![TopicSetup::new("t", partitions, 3)],
        ..SimSpec::default()
    })
    .unwrap();
    sim.run_until(secs(2));
    assert_eq!(sim.controller(), Some(BrokerId(1)));
    sim
}

fn tps(sim: &Simulation, partitions: i32) -> Vec<TopicPartition> {
    (0..partitions)
        .map(|p| sim.topic_partition("t", p).unwrap())
        .collect()
}

fn cut(sim: &mut Simulation, a: NodeId, b: NodeId) {
    sim.inject(Fault::Cut {
        a,
        b,
        direction: Direction::Both,
    });
}

/// The leader epoch ZooKeeper holds for `tp`.
fn zk_leader_epoch(sim: &Simulation, tp: TopicPartition) -> i32 {
    sim.zookeeper().partition_states()[&tp].leader_epoch
}

/// The leader epoch broker `b` acts in for `tp`.
fn broker_leader_epoch(sim: &Simulation, b: BrokerId, tp: TopicPartition) -> i32 {
    sim.broker(b)
        .and_then(|n| n.partition(tp))
        .map_or(-1, |h| h.role.leader_epoch())
}

#[test]
fn a_controller_change_lost_while_cut_off_from_zookeeper_is_replayed_by_the_next_ping() {
    let mut sim = cluster(3);
    // The controller dies; its session expires about 18 s after it was last heard (just after
    // its registration). Broker 2, next in line, is cut off from ZooKeeper before that, and back
    // before its own read timeout: it never reconnects, it just pings again.
    sim.inject(Fault::Crash(broker_node(BrokerId(1))));
    sim.run_until(secs(13));
    cut(&mut sim, broker_node(BrokerId(2)), ZOOKEEPER);
    sim.run_until(secs(19));
    assert_eq!(sim.zookeeper().controller(), Some(BrokerId(2)));
    assert_eq!(sim.zookeeper().controller_epoch(), 2);
    let b2 = sim.broker(BrokerId(2)).unwrap();
    assert_eq!(
        b2.known_controller(),
        (Some(BrokerId(1)), 1),
        "the notification was lost"
    );
    assert!(b2.controller_role().is_none());

    sim.inject(Fault::Heal);
    // Broker 2 pings at 24 s (every 6 s) and ZooKeeper fires the `/controller` watch again.
    sim.run_until(secs(25));
    let b2 = sim.broker(BrokerId(2)).unwrap();
    assert_eq!(b2.known_controller(), (Some(BrokerId(2)), 2));
    assert_eq!(b2.controller_role().map(|r| r.epoch()), Some(2));
    assert_eq!(
        sim.broker(BrokerId(3)).unwrap().known_controller(),
        (Some(BrokerId(2)), 2)
    );
    for tp in tps(&sim, 3) {
        let leader = sim.leader_of(tp);
        assert!(
            leader.is_some_and(|l| l != BrokerId(1)),
            "{tp:?} has no live leader: {leader:?}"
        );
    }
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
}

#[test]
fn a_leader_and_isr_lost_on_a_cut_link_is_resent_after_the_socket_timeout() {
    let mut sim = cluster(6);
    let all = tps(&sim, 6);
    // A partition led by a broker other than the controller: crash that leader while the link
    // between the controller and the third broker is cut, so the third broker misses the
    // LeaderAndIsr of the election.
    let (led, leader) = (all.iter())
        .find_map(|tp| sim.leader_of(*tp).filter(|l| *l != BrokerId(1)).map(|l| (*tp, l)))
        .expect("some partition is led by broker 2 or 3");
    let other = if leader == BrokerId(2) {
        BrokerId(3)
    } else {
        BrokerId(2)
    };
    cut(&mut sim, broker_node(BrokerId(1)), broker_node(other));
    sim.inject(Fault::Crash(broker_node(leader)));
    sim.run_until(secs(22));
    let new_epoch = zk_leader_epoch(&sim, led);
    assert!(new_epoch > 0, "no election after the session expiry");
    assert!(
        broker_leader_epoch(&sim, other, led) < new_epoch,
        "broker {other} got the LeaderAndIsr through a cut link"
    );

    sim.inject(Fault::Heal);
    // The election was at about 18 s: the resend comes 30 s later.
    sim.run_until(secs(52));
    for tp in &all {
        assert_eq!(
            broker_leader_epoch(&sim, other, *tp),
            zk_leader_epoch(&sim, *tp),
            "broker {other} is still in a stale leader epoch of {tp:?}"
        );
    }
    assert!(sim.leader_of(led).is_some());
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
}

#[test]
fn a_deposed_controller_cannot_confirm_an_isr_shrink() {
    let mut sim = cluster(3);
    let all = tps(&sim, 3);
    let (led, _) = (all.iter())
        .map(|tp| (*tp, sim.leader_of(*tp)))
        .find(|(_, l)| *l == Some(BrokerId(1)))
        .expect("the controller leads a partition");
    // The controller is isolated and gets a write its followers cannot fetch. Its session expires
    // and broker 2 takes over, but broker 1 hears nothing of it: it still acts as controller, and
    // as leader of `led`. After `replica.lag.time.max.ms` its `isr-expiration` asks the controller
    // it knows (itself) to shrink the ISR to itself, which ZooKeeper would fence.
    sim.inject(Fault::Isolate(broker_node(BrokerId(1))));
    sim.run_until(secs(3));
    let records: std::sync::Arc<[RecordId]> = (0..5).map(|i| RecordId::new(ProducerRef(0), i)).collect();
    sim.produce_direct("t", led.partition, records, 1).unwrap();
    sim.run_until(secs(70));
    assert_eq!(sim.zookeeper().controller(), Some(BrokerId(2)));
    let b1 = sim.broker(BrokerId(1)).unwrap();
    assert_eq!(
        b1.controller_role().map(|r| r.epoch()),
        Some(1),
        "not a zombie controller"
    );
    let shrinks_by_1: Vec<_> = (sim.trace().entries())
        .filter_map(|e| match &e.event {
            TraceEvent::Node {
                node,
                event: ClusterEvent::IsrShrunk { tp, to, .. },
            } if *node == broker_node(BrokerId(1)) => Some((e.at, *tp, to.clone())),
            _ => None,
        })
        .collect();
    assert!(
        shrinks_by_1.is_empty(),
        "the deposed controller shrank ISRs: {shrinks_by_1:?}"
    );
    let Some(ReplicaRole::Leader(l)) = b1.partition(led).map(|h| &h.role) else {
        panic!("broker 1 no longer leads {led:?}");
    };
    assert_eq!(l.isr.len(), 3, "the zombie leader committed ISR {:?}", l.isr);
    assert_eq!(b1.partition(led).unwrap().log.high_watermark(), 0);

    // Back in touch, broker 1 learns its session expired, resigns and rejoins as a follower,
    // truncating the write no one else has.
    sim.inject(Fault::Heal);
    sim.run_until(secs(110));
    assert!(sim.broker(BrokerId(1)).unwrap().controller_role().is_none());
    for v in sim.view().partitions {
        let mut isr = v.isr.clone();
        isr.sort();
        assert_eq!(isr, vec![BrokerId(1), BrokerId(2), BrokerId(3)], "{v:?}");
    }
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
}

#[test]
fn a_controller_cut_off_from_zookeeper_sends_no_election_zookeeper_did_not_take() {
    let mut sim = cluster(6);
    // The controller loses ZooKeeper; broker 3 shuts down cleanly and asks it (the controller it
    // knows) to move its leaderships away. The controller decides, but its write never reaches
    // ZooKeeper: Kafka's controller would block on it and then resign, so no broker may act on
    // the decision. At the session expiry broker 2 takes over from what ZooKeeper holds and
    // elects again, in the same leader epochs.
    cut(&mut sim, broker_node(BrokerId(1)), ZOOKEEPER);
    sim.run_until(secs(5));
    assert!(sim.shutdown_broker(BrokerId(3)));
    sim.run_until(secs(40));
    assert_eq!(sim.zookeeper().controller(), Some(BrokerId(2)));
    let decided_by_1: Vec<_> = (sim.trace().entries())
        .filter(|e| e.at > secs(2))
        .filter_map(|e| match &e.event {
            TraceEvent::Node {
                node,
                event: event @ (ClusterEvent::LeaderElected { .. } | ClusterEvent::IsrShrunk { .. }),
            } if *node == broker_node(BrokerId(1)) => Some(event.clone()),
            _ => None,
        })
        .collect();
    assert!(
        decided_by_1.is_empty(),
        "changes ZooKeeper never took were announced: {decided_by_1:?}"
    );
    for tp in tps(&sim, 6) {
        let zk = &sim.zookeeper().partition_states()[&tp];
        assert_eq!(zk.leader, Some(BrokerId(2)), "{tp:?}: {zk:?}");
        assert_eq!(sim.leader_of(tp), Some(BrokerId(2)), "{tp:?}");
    }
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
}

/// The hosted partitions of broker `b` that no LeaderAndIsr reached since it started.
fn offline_partitions(sim: &Simulation, b: BrokerId) -> Vec<TopicPartition> {
    let n = sim.broker(b).unwrap();
    (n.partitions().iter())
        .filter(|(_, h)| matches!(h.role, ReplicaRole::Offline))
        .map(|(tp, _)| *tp)
        .collect()
}

#[test]
fn a_broker_that_bounced_while_the_controller_missed_it_gets_its_partitions() {
    let mut sim = cluster(3);
    // Broker 3 dies; its session expires at about 18 s, while the controller cannot hear from
    // ZooKeeper (but keeps its own session). Broker 3 is back at 20 s and registers again: the
    // next notification the controller gets lists the same brokers as before, only broker 3's
    // epoch tells it bounced.
    sim.inject(Fault::Crash(broker_node(BrokerId(3))));
    sim.run_until(secs(17));
    cut(&mut sim, ZOOKEEPER, broker_node(BrokerId(1)));
    sim.run_until(secs(19));
    assert!(!sim.zookeeper().is_registered(BrokerId(3)));
    sim.inject(Fault::Heal);
    sim.inject(Fault::Restart(broker_node(BrokerId(3))));
    sim.run_until(secs(30));
    assert!(sim.zookeeper().is_registered(BrokerId(3)));
    assert_eq!(sim.controller(), Some(BrokerId(1)));
    assert!(
        offline_partitions(&sim, BrokerId(3)).is_empty(),
        "no LeaderAndIsr for {:?}",
        offline_partitions(&sim, BrokerId(3))
    );
    sim.run_until(secs(60));
    for v in sim.view().partitions {
        assert_eq!(v.isr.len(), 3, "{v:?}");
    }
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
}

#[test]
fn a_controller_write_lost_on_the_way_to_zookeeper_is_retried() {
    let mut sim = cluster(3);
    // Broker 3 dies; at its session expiry (about 18 s) the controller hears of it, but its
    // writes to ZooKeeper are lost until 20 s (the link is cut one way only: the controller's
    // session and connection survive). The write is retried at the next ZooKeeper tick.
    sim.inject(Fault::Crash(broker_node(BrokerId(3))));
    sim.run_until(secs(17));
    sim.inject(Fault::Cut {
        a: broker_node(BrokerId(1)),
        b: ZOOKEEPER,
        direction: Direction::OneWay,
    });
    sim.run_until(secs(20));
    assert!(!sim.zookeeper().is_registered(BrokerId(3)));
    let stale: Vec<_> = (sim.zookeeper().partition_states().values())
        .filter(|r| r.isr.contains(&BrokerId(3)))
        .collect();
    assert!(!stale.is_empty(), "the write got through the cut");
    sim.inject(Fault::Heal);
    sim.run_until(secs(32));
    for (tp, reg) in sim.zookeeper().partition_states() {
        assert!(!reg.isr.contains(&BrokerId(3)), "{tp:?}: {reg:?}");
        let leader = sim.leader_of(*tp).expect("a live leader");
        let Some(ReplicaRole::Leader(l)) = sim.broker(leader).unwrap().partition(*tp).map(|h| &h.role) else {
            panic!("{tp:?}: no leader state");
        };
        assert_eq!(l.isr, reg.isr, "{tp:?}: the leader did not get the change");
    }
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
}

#[test]
fn a_broker_starting_up_gets_no_state_zookeeper_has_not_taken() {
    let mut sim = cluster(3);
    let all = tps(&sim, 3);
    let zk_before: Vec<i32> = all.iter().map(|tp| zk_leader_epoch(&sim, *tp)).collect();
    // Broker 3 dies; at its session expiry (about 18 s) the controller elects and shrinks ISRs,
    // but its writes are lost on the way to ZooKeeper (one-way cut). Broker 3 is back at 20 s
    // and registers again: the controller's startup LeaderAndIsr writes nothing of its own, yet
    // the states it would carry are the ones ZooKeeper has not taken. It must wait for them.
    sim.inject(Fault::Crash(broker_node(BrokerId(3))));
    sim.run_until(secs(17));
    sim.inject(Fault::Cut {
        a: broker_node(BrokerId(1)),
        b: ZOOKEEPER,
        direction: Direction::OneWay,
    });
    sim.run_until(secs(20));
    assert!(!sim.zookeeper().is_registered(BrokerId(3)));
    sim.inject(Fault::Restart(broker_node(BrokerId(3))));
    sim.run_until(secs(22));
    assert!(sim.zookeeper().is_registered(BrokerId(3)));
    let role = sim.broker(BrokerId(1)).unwrap().controller_role().unwrap();
    let decided: Vec<i32> = all
        .iter()
        .map(|tp| role.state().partition(*tp).unwrap().leader_epoch)
        .collect();
    assert!(
        decided.iter().zip(&zk_before).any(|(d, z)| d > z),
        "the controller decided no new leader epoch: {decided:?}"
    );
    for tp in &all {
        assert!(
            broker_leader_epoch(&sim, BrokerId(3), *tp) <= zk_leader_epoch(&sim, *tp),
            "broker 3 acts in a leader epoch of {tp:?} ZooKeeper never took"
        );
    }

    // Broker 1's session expires (it cannot ping); broker 2 takes over from what ZooKeeper
    // holds, and every replica follows it.
    sim.run_until(secs(40));
    assert_eq!(sim.zookeeper().controller(), Some(BrokerId(2)));
    sim.inject(Fault::Heal);
    sim.run_until(secs(80));
    for tp in &all {
        let zk = sim.zookeeper().partition_states()[tp].clone();
        assert!(sim.leader_of(*tp).is_some(), "{tp:?} has no leader: {zk:?}");
        for b in [BrokerId(1), BrokerId(2), BrokerId(3)] {
            assert_eq!(
                broker_leader_epoch(&sim, b, *tp),
                zk.leader_epoch,
                "broker {b} is not in ZooKeeper's leader epoch of {tp:?}: {zk:?}"
            );
        }
        assert_eq!(zk.isr.len(), 3, "{tp:?}: {zk:?}");
    }
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
}
