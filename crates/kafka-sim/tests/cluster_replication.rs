//! Brokers hosting replicas and the controller running elections, end to end through the kernel:
//! topic creation, fetch replication and the high watermark, ISR shrink and expand, elections after a
//! ZooKeeper session expires, truncation by leader epoch, unclean election, clean shutdown, durable
//! logs, and the named invariants over randomized runs.

use kafka_sim::cluster::{ClusterEvent, broker_node};
use kafka_sim::ids::BrokerId;
use kafka_sim::invariants::InvariantChecker;
use kafka_sim::kernel::{Direction, Fault, TraceEvent};
use kafka_sim::record::{ProducerRef, RecordId, TopicIdx, TopicPartition};
use kafka_sim::replication::log::PartitionLog;
use kafka_sim::{PartitionView, SimRng, SimSpec, SimTime, Simulation, TopicSetup};
use std::sync::Arc;

const TP0: TopicPartition = TopicPartition {
    topic: TopicIdx(0),
    partition: 0,
};

fn recs(from: u64, n: u64) -> Arc<[RecordId]> {
    (from..from + n)
        .map(|i| RecordId::new(ProducerRef(0), i))
        .collect()
}

fn secs(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

fn ms(m: u64) -> SimTime {
    SimTime::from_millis(m)
}

fn sim_with(brokers: u32, topic: TopicSetup) -> Simulation {
    let mut sim = Simulation::new(SimSpec {
        brokers,
        topics: vec![topic],
        ..SimSpec::default()
    })
    .unwrap();
    sim.run_until(secs(2));
    sim
}

fn part(sim: &Simulation, p: i32) -> PartitionView {
    sim.view()
        .partitions
        .into_iter()
        .find(|v| v.partition == p)
        .expect("partition exists")
}

fn events(sim: &Simulation) -> Vec<(SimTime, ClusterEvent)> {
    sim.trace()
        .entries()
        .filter_map(|e| match &e.event {
            TraceEvent::Node { event, .. } => Some((e.at, event.clone())),
            _ => None,
        })
        .collect()
}

fn leo(sim: &Simulation, b: BrokerId) -> i64 {
    sim.broker(b)
        .and_then(|n| n.partition(TP0))
        .map_or(0, |h| h.log.log_end_offset())
}

fn crash(sim: &mut Simulation, b: BrokerId) {
    sim.inject(Fault::Crash(broker_node(b)));
}

fn restart(sim: &mut Simulation, b: BrokerId) {
    sim.inject(Fault::Restart(broker_node(b)));
}

fn run_for(sim: &mut Simulation, d: SimTime) {
    let t = sim.now() + d;
    sim.run_until(t);
}

fn assert_clean(sim: &Simulation) {
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
}

#[test]
fn topic_creation_gives_leaders_and_isr_per_assignment_at_epoch_zero() {
    let sim = sim_with(3, TopicSetup::new("t", 3, 3));
    let created = events(&sim)
        .into_iter()
        .find_map(|(_, e)| match e {
            ClusterEvent::TopicCreated { name, assignment } => Some((name, assignment)),
            _ => None,
        })
        .expect("the controller created the topic");
    assert_eq!(created.0, "t");
    let views = sim.view().partitions;
    assert_eq!(views.len(), 3);
    let mut leaders = Vec::new();
    for v in &views {
        let replicas = &created.1[v.partition as usize];
        assert_eq!(&v.replicas, replicas);
        assert_eq!(v.leader, Some(replicas[0]), "the first assigned replica leads");
        assert_eq!(
            &v.isr, replicas,
            "every replica is in the ISR, in assignment order"
        );
        assert_eq!(v.leader_epoch, 0);
        assert_eq!(v.high_watermark, 0);
        leaders.push(replicas[0]);
        // The leader's broker acts as leader, the others follow it.
        let leader = sim.broker(replicas[0]).unwrap().partition(TopicPartition {
            topic: TopicIdx(0),
            partition: v.partition,
        });
        assert!(matches!(
            leader.map(|h| &h.role),
            Some(kafka_sim::cluster::ReplicaRole::Leader(_))
        ));
    }
    // Rack-unaware assignment: consecutive partitions' leaders are consecutive brokers.
    leaders.sort();
    assert_eq!(leaders, vec![BrokerId(1), BrokerId(2), BrokerId(3)]);
    assert_clean(&sim);
}

#[test]
fn the_random_start_comes_from_the_seed() {
    let assignment = |seed| {
        let mut sim = Simulation::new(SimSpec {
            seed,
            topics: vec![TopicSetup::new("t", 1, 3)],
            ..SimSpec::default()
        })
        .unwrap();
        sim.run_until(secs(2));
        part(&sim, 0).replicas
    };
    assert_eq!(assignment(7), assignment(7));
    let all: Vec<Vec<BrokerId>> = (1..=12).map(assignment).collect();
    assert!(all.iter().any(|a| a != &all[0]), "{all:?}");
}

#[test]
fn appended_records_reach_followers_and_the_hw_advances_to_the_leo() {
    let mut sim = sim_with(3, TopicSetup::new("t", 1, 3));
    let info = sim.produce_direct("t", 0, recs(0, 10), -1).unwrap();
    assert_eq!(
        (info.first_offset, info.last_offset, info.leader_epoch),
        (0, 9, 0)
    );
    run_for(&mut sim, ms(50));
    let v = part(&sim, 0);
    assert_eq!(v.high_watermark, 10);
    assert!(v.log_end_offsets.iter().all(|(_, o)| *o == 10), "{v:?}");
    // Followers learn the HW from the leader's next fetch response (held up to 500 ms).
    run_for(&mut sim, ms(600));
    for b in &v.replicas {
        let hw = sim
            .broker(*b)
            .unwrap()
            .partition(TP0)
            .unwrap()
            .log
            .high_watermark();
        assert_eq!(hw, 10, "broker {b}");
    }
    // The followers' records are the leader's, shared, not copied.
    let leader_log = &sim.broker(v.replicas[0]).unwrap().partition(TP0).unwrap().log;
    let follower_log = &sim.broker(v.replicas[1]).unwrap().partition(TP0).unwrap().log;
    assert!(Arc::ptr_eq(
        &leader_log.batches()[0].records,
        &follower_log.batches()[0].records
    ));
    assert_clean(&sim);
}

#[test]
fn a_follower_that_stops_fetching_leaves_the_isr_after_the_lag_time() {
    let mut sim = sim_with(3, TopicSetup::new("t", 1, 3));
    let v = part(&sim, 0);
    // The lagging follower is not the controller, so the leader's AlterPartition gets through.
    let controller = sim.controller();
    let leader = v.replicas[0];
    let lagging = *v.replicas[1..].iter().find(|b| Some(**b) != controller).unwrap();
    let stays = *v.replicas[1..].iter().find(|b| **b != lagging).unwrap();
    sim.produce_direct("t", 0, recs(0, 5), -1).unwrap();
    run_for(&mut sim, secs(1));
    // Cut the follower off from its leader only: ZooKeeper still hears from it.
    let cut_at = sim.now();
    sim.inject(Fault::Cut {
        a: broker_node(leader),
        b: broker_node(lagging),
        direction: Direction::Both,
    });
    sim.produce_direct("t", 0, recs(5, 5), 1).unwrap();
    run_for(&mut sim, secs(29));
    assert_eq!(part(&sim, 0).isr.len(), 3, "not before replica.lag.time.max.ms");
    assert_eq!(part(&sim, 0).high_watermark, 5, "the HW waits for the ISR");
    run_for(&mut sim, secs(17));
    let shrunk = events(&sim)
        .into_iter()
        .find_map(|(at, e)| match e {
            ClusterEvent::IsrShrunk { from, to, .. } => Some((at, from, to)),
            _ => None,
        })
        .expect("the ISR shrank");
    let after = shrunk.0 - cut_at;
    assert!(after >= secs(30) && after <= secs(45) + ms(10), "{after:?}");
    let expected: Vec<BrokerId> = v.replicas.iter().copied().filter(|b| *b != lagging).collect();
    assert_eq!(shrunk.2, expected);
    let now = part(&sim, 0);
    assert_eq!(now.isr, expected);
    assert!(now.isr.contains(&stays));
    assert_eq!(
        now.leader_epoch, 0,
        "a leader's own AlterPartition keeps the leader epoch"
    );
    assert_eq!(now.high_watermark, 10, "min ISR 1: the HW moves on without it");
    sim.produce_direct("t", 0, recs(10, 5), -1).unwrap();
    run_for(&mut sim, ms(50));
    assert_eq!(part(&sim, 0).high_watermark, 15);
    // Healed, it catches up and rejoins (it reaches the HW and the leader epoch's start).
    sim.inject(Fault::Heal);
    run_for(&mut sim, secs(32));
    let v = part(&sim, 0);
    assert_eq!(v.isr.len(), 3, "{v:?}");
    assert!(
        events(&sim)
            .iter()
            .any(|(_, e)| matches!(e, ClusterEvent::IsrExpanded { .. }))
    );
    assert_eq!(leo(&sim, lagging), 15);
    assert_clean(&sim);
}

#[test]
fn a_crashed_follower_leaves_the_isr_when_its_session_expires() {
    let mut sim = sim_with(3, TopicSetup::new("t", 1, 3));
    let v = part(&sim, 0);
    let follower = v.replicas[1];
    let deadline = sim.zookeeper().session_of(follower).unwrap().deadline();
    crash(&mut sim, follower);
    sim.run_until(deadline - ms(1));
    assert_eq!(part(&sim, 0).isr.len(), 3);
    sim.run_until(deadline + ms(20));
    let now = part(&sim, 0);
    assert_eq!(now.isr, vec![v.replicas[0], v.replicas[2]]);
    assert_eq!(now.leader, Some(v.replicas[0]));
    assert_eq!(
        now.leader_epoch, 1,
        "ZooKeeper mode: the controller's ISR shrink bumps the epoch"
    );
    sim.produce_direct("t", 0, recs(0, 3), -1).unwrap();
    run_for(&mut sim, ms(50));
    assert_eq!(part(&sim, 0).high_watermark, 3);
    assert_clean(&sim);
}

#[test]
fn a_crashed_leader_is_replaced_after_its_session_expires_and_truncates_when_it_returns() {
    let mut sim = sim_with(3, TopicSetup::new("t", 1, 3));
    let v = part(&sim, 0);
    let (old, next) = (v.replicas[0], v.replicas[1]);
    sim.produce_direct("t", 0, recs(0, 10), -1).unwrap();
    run_for(&mut sim, secs(1));
    assert_eq!(part(&sim, 0).high_watermark, 10);
    // Isolated, the leader takes one more record with acks=1 that no follower can fetch; then it dies.
    sim.inject(Fault::Isolate(broker_node(old)));
    sim.produce_direct("t", 0, recs(100, 1), 1).unwrap();
    assert_eq!(leo(&sim, old), 11);
    crash(&mut sim, old);
    let deadline = sim.zookeeper().session_of(old).unwrap().deadline();
    sim.run_until(deadline - ms(1));
    let before = part(&sim, 0);
    assert_eq!(
        (before.leader, before.leader_epoch),
        (Some(old), 0),
        "nothing changes before the session expires"
    );
    sim.run_until(deadline + ms(20));
    let after = part(&sim, 0);
    assert_eq!(
        after.leader,
        Some(next),
        "the first live ISR replica in assignment order"
    );
    assert_eq!(after.leader_epoch, 1);
    assert_eq!(after.isr, vec![v.replicas[1], v.replicas[2]]);
    let elected = events(&sim).into_iter().find_map(|(at, e)| match e {
        ClusterEvent::LeaderElected {
            leader,
            leader_epoch: 1,
            unclean,
            ..
        } => Some((at, leader, unclean)),
        _ => None,
    });
    let (at, leader, unclean) = elected.expect("an election");
    assert!(at >= deadline && at <= deadline + ms(10));
    assert_eq!((leader, unclean), (Some(next), false));
    // The new leader takes new records.
    sim.produce_direct("t", 0, recs(10, 5), -1).unwrap();
    run_for(&mut sim, ms(50));
    assert_eq!(part(&sim, 0).high_watermark, 15);
    // The old leader returns: its record at offset 10 (epoch 0) diverges from the new leader's epoch 1
    // starting at 10; it truncates to 10, removing one record, then catches up and rejoins the ISR.
    sim.inject(Fault::Heal);
    restart(&mut sim, old);
    assert_eq!(leo(&sim, old), 11, "the log survived the crash");
    run_for(&mut sim, secs(3));
    let trunc = events(&sim).into_iter().find_map(|(_, e)| match e {
        ClusterEvent::Truncated {
            broker,
            from,
            to,
            removed_records,
            ..
        } if broker == old => Some((from, to, removed_records)),
        _ => None,
    });
    assert_eq!(trunc, Some((11, 10, 1)));
    let v2 = part(&sim, 0);
    assert_eq!(v2.isr.len(), 3, "{v2:?}");
    assert!(v2.isr.contains(&old));
    assert_eq!(leo(&sim, old), 15);
    let log = &sim.broker(old).unwrap().partition(TP0).unwrap().log;
    assert_eq!(
        log.record_at(10).map(|r| r.0),
        Some(RecordId::new(ProducerRef(0), 10))
    );
    assert_clean(&sim);
}

#[test]
fn with_every_isr_member_dead_the_leader_is_none_and_the_last_member_stays() {
    let mut sim = sim_with(4, TopicSetup::new("t", 1, 3));
    let v = part(&sim, 0);
    for b in &v.replicas {
        crash(&mut sim, *b);
    }
    run_for(&mut sim, secs(20));
    let now = part(&sim, 0);
    assert_eq!(now.leader, None, "{now:?}");
    assert_eq!(now.isr.len(), 1, "{now:?}");
    assert!(v.replicas.contains(&now.isr[0]));
    assert!(
        events(&sim)
            .iter()
            .any(|(_, e)| matches!(e, ClusterEvent::LeaderElected { leader: None, .. }))
    );
    // The last ISR member comes back and leads again (a clean election).
    let last = now.isr[0];
    restart(&mut sim, last);
    run_for(&mut sim, secs(2));
    let back = part(&sim, 0);
    assert_eq!(back.leader, Some(last), "{back:?}");
    assert!(back.leader_epoch > now.leader_epoch);
    assert_clean(&sim);
}

#[test]
fn unclean_election_picks_a_stale_replica_only_when_enabled() {
    for unclean in [false, true] {
        let mut topic = TopicSetup::new("t", 1, 3);
        topic.unclean_leader_election_enable = Some(unclean);
        let mut sim = sim_with(4, topic);
        let v = part(&sim, 0);
        let (leader, stale, other) = (v.replicas[0], v.replicas[1], v.replicas[2]);
        sim.inject(Fault::Cut {
            a: broker_node(leader),
            b: broker_node(stale),
            direction: Direction::Both,
        });
        sim.produce_direct("t", 0, recs(0, 4), 1).unwrap();
        run_for(&mut sim, secs(46));
        assert_eq!(part(&sim, 0).isr, vec![leader, other]);
        crash(&mut sim, leader);
        crash(&mut sim, other);
        run_for(&mut sim, secs(20));
        let now = part(&sim, 0);
        if unclean {
            assert_eq!(now.leader, Some(stale), "{now:?}");
            assert_eq!(now.isr, vec![stale]);
            assert!(events(&sim).iter().any(
                |(_, e)| matches!(e, ClusterEvent::LeaderElected { leader: Some(l), unclean: true, .. } if *l == stale)
            ));
            assert_eq!(leo(&sim, stale), 0, "the committed records are lost");
        } else {
            assert_eq!(now.leader, None, "{now:?}");
            assert_eq!(now.isr.len(), 1);
            assert_ne!(now.isr, vec![stale]);
        }
        assert_clean(&sim);
    }
}

#[test]
fn a_clean_shutdown_moves_leadership_at_once() {
    let mut sim = sim_with(3, TopicSetup::new("t", 3, 3));
    let views = sim.view().partitions;
    // Shut down a broker that leads a partition (each leads one).
    let target = views[2].leader.unwrap();
    let start = sim.now();
    assert!(sim.shutdown_broker(target));
    run_for(&mut sim, ms(100));
    for v in sim.view().partitions {
        assert_ne!(v.leader, Some(target), "{v:?}");
        assert!(v.leader.is_some());
        assert!(!v.isr.contains(&target), "{v:?}");
    }
    let moved = events(&sim).into_iter().any(|(at, e)| {
        at >= start && matches!(e, ClusterEvent::LeaderElected { leader: Some(l), .. } if l != target)
    });
    assert!(moved);
    assert!(
        !sim.zookeeper().is_registered(target),
        "the session was closed, not left to expire"
    );
    assert_clean(&sim);
}

#[test]
fn a_log_survives_a_crash_and_a_restart() {
    let mut sim = sim_with(3, TopicSetup::new("t", 1, 3));
    let v = part(&sim, 0);
    sim.produce_direct("t", 0, recs(0, 7), -1).unwrap();
    run_for(&mut sim, secs(6)); // past a HW checkpoint
    let f = v.replicas[2];
    crash(&mut sim, f);
    run_for(&mut sim, secs(1));
    restart(&mut sim, f);
    let h = sim.broker(f).unwrap().partition(TP0).unwrap();
    assert_eq!(h.log.log_end_offset(), 7);
    assert_eq!(h.log.high_watermark(), 7, "the HW comes back from its checkpoint");
    run_for(&mut sim, secs(30));
    assert_eq!(part(&sim, 0).isr.len(), 3);
    assert_clean(&sim);
}

#[test]
fn invariants_hold_over_randomized_faults() {
    for seed in [1u64, 2, 3, 4, 5] {
        let mut rng = SimRng::new(seed ^ 0x5eed);
        let mut topic = TopicSetup::new("t", 3, 3);
        topic.unclean_leader_election_enable = Some(seed % 2 == 0);
        let mut sim = Simulation::new(SimSpec {
            seed,
            brokers: 4,
            jitter: SimTime::from_micros(500),
            topics: vec![topic],
            ..SimSpec::default()
        })
        .unwrap();
        let mut n = 0u64;
        for step in 0..600u64 {
            run_for(&mut sim, ms(500));
            let p = rng.below(3) as i32;
            let acks = [1i16, -1][rng.below(2) as usize];
            let _ = sim.produce_direct("t", p, recs(n, 1 + rng.below(3)), acks);
            n += 4;
            if step % 20 == 10 {
                let b = BrokerId(1 + rng.below(4) as i32);
                match rng.below(4) {
                    0 => crash(&mut sim, b),
                    1 => restart(&mut sim, b),
                    2 => sim.inject(Fault::Isolate(broker_node(b))),
                    _ => sim.inject(Fault::Heal),
                }
            }
        }
        // Everything heals and comes back: the replicas converge.
        sim.inject(Fault::Heal);
        for b in 1..=4 {
            restart(&mut sim, BrokerId(b));
        }
        run_for(&mut sim, secs(60));
        assert_clean(&sim);
        for v in sim.view().partitions {
            assert!(v.leader.is_some(), "seed {seed}: {v:?}");
            assert_eq!(v.isr.len(), 3, "seed {seed}: {v:?}");
        }
    }
}

#[test]
fn the_checker_catches_injected_violations() {
    let mut c = InvariantChecker::new();
    let t = SimTime::ZERO;
    c.observe_leader(t, TP0, BrokerId(1), 3);
    c.observe_leader(t, TP0, BrokerId(1), 3);
    assert!(c.violations().is_empty());
    c.observe_leader(t, TP0, BrokerId(2), 3);
    assert_eq!(c.violations().len(), 1);
    assert_eq!(c.violations()[0].invariant, "one-leader-per-epoch");

    c.observe_high_watermark(t, TP0, BrokerId(1), 3, 10);
    c.observe_high_watermark(t, TP0, BrokerId(2), 4, 8); // a new tenure may start lower
    assert_eq!(c.violations().len(), 1);
    c.observe_high_watermark(t, TP0, BrokerId(2), 4, 7);
    assert_eq!(c.violations().len(), 2);
    assert_eq!(c.violations()[1].invariant, "hw-monotonic");

    let mut a = PartitionLog::new();
    let mut b = PartitionLog::new();
    let batch = |r: Arc<[RecordId]>| kafka_sim::cluster::broker::direct_batch(r, t);
    a.append_as_leader(batch(recs(0, 3)), 0).unwrap();
    b.append_as_leader(batch(recs(0, 3)), 0).unwrap();
    c.check_isr_logs(t, TP0, &[(BrokerId(1), &a), (BrokerId(2), &b)], 3);
    assert_eq!(
        c.violations().len(),
        2,
        "equal records in different batches agree"
    );
    a.append_as_leader(batch(recs(3, 2)), 0).unwrap();
    b.append_as_leader(batch(recs(9, 2)), 0).unwrap();
    c.check_isr_logs(t, TP0, &[(BrokerId(1), &a), (BrokerId(2), &b)], 5);
    assert_eq!(c.violations().len(), 3);
    assert_eq!(c.violations()[2].invariant, "isr-identical-below-hw");
}

#[test]
fn a_new_controller_rebuilds_its_context_from_zookeeper() {
    let mut sim = sim_with(4, TopicSetup::new("t", 2, 3));
    let first = sim.controller().unwrap();
    assert_eq!(first, BrokerId(1));
    crash(&mut sim, first);
    run_for(&mut sim, secs(20));
    let second = sim.controller().unwrap();
    assert_eq!(second, BrokerId(2), "the lowest registered broker");
    let role = sim
        .broker(second)
        .unwrap()
        .controller_role()
        .expect("acting as controller");
    assert_eq!(role.epoch(), 2);
    for (tp, reg) in sim.zookeeper().partition_states() {
        assert_eq!(role.state().partition(*tp), Some(reg), "{tp:?}");
        assert!(!reg.isr.contains(&first) || reg.isr.len() == 1, "{reg:?}");
        assert_ne!(reg.leader, Some(first));
    }
    // It keeps running elections: the next failure is handled by it.
    let v = part(&sim, 0);
    let leader = v.leader.unwrap();
    crash(&mut sim, leader);
    run_for(&mut sim, secs(20));
    let after = part(&sim, 0);
    assert_ne!(after.leader, Some(leader), "{after:?}");
    assert!(after.leader_epoch > v.leader_epoch);
    assert_clean(&sim);
}
