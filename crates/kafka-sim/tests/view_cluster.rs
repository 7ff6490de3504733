//! The view's cluster picture, topic table, replica strips and sequence ring, against scenario runs.

use kafka_sim::ids::BrokerId;
use kafka_sim::scenario::Scenario;
use kafka_sim::sim::{SEQUENCE_CAPACITY, STRIP_LEN};
use kafka_sim::view::{MessageKind, NodeKind, ReplicaRoleView};
use kafka_sim::{SimSpec, SimTime, Simulation};

/// The scenario `name` from `tests/scenarios`, with `extra` TOML appended, built with its faults
/// scheduled (not yet run).
fn scenario_sim(name: &str, extra: &str) -> (Simulation, SimTime) {
    let path = format!("{}/../../tests/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("scenario file") + extra;
    let scenario = Scenario::from_toml_str(&text).expect("valid scenario");
    let mut sim = Simulation::new(scenario.sim_spec()).expect("valid spec");
    for f in &scenario.faults {
        sim.schedule_scenario_fault(f);
    }
    (sim, scenario.duration)
}

const RESTART_2: &str = "\n[[faults]]\nat = \"45s\"\naction = \"restart\"\nbroker = 2\n";

#[test]
fn the_seeds_cluster_has_zookeeper_three_brokers_and_one_controller() {
    let mut sim = Simulation::new(SimSpec::default()).unwrap();
    sim.run_until(SimTime::from_secs(5));
    let v = sim.view();
    assert_eq!(v.nodes[0].kind, NodeKind::ZooKeeper);
    assert_eq!(v.brokers().count(), 3);
    assert_eq!(v.nodes.iter().filter(|n| n.controller).count(), 1);
    assert!(
        v.brokers()
            .all(|b| b.up && b.registered && !b.isolated && b.session_used.is_none())
    );
    assert_eq!(v.brokers.len(), 3, "one replica list per broker");
}

#[test]
fn producers_and_members_are_nodes_of_the_picture() {
    let (mut sim, _) = scenario_sim("group-member-crash", "");
    sim.run_until(SimTime::from_secs(10));
    let v = sim.view();
    let producers: Vec<_> = v
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Producer { .. }))
        .collect();
    assert_eq!(producers.len(), 1);
    assert_eq!(producers[0].name, "reservation-service");
    let members: Vec<_> = (v.nodes.iter())
        .filter(|n| matches!(n.kind, NodeKind::Consumer { group: 0, .. }))
        .collect();
    assert_eq!(members.len(), 3);
    assert!(members.iter().any(|m| m.name == "consumer-data-platform-group-2"));
    // Every message in flight links two nodes of the picture.
    for f in &v.in_flight {
        assert!(
            v.nodes.iter().any(|n| n.id == f.from) && v.nodes.iter().any(|n| n.id == f.to),
            "{f:?}"
        );
    }
}

#[test]
fn a_crashed_broker_is_greyed_and_its_session_runs_out() {
    let (mut sim, _) = scenario_sim("acks1-leader-crash", "");
    let mut used = Vec::new();
    for s in [25, 30, 34] {
        sim.run_until(SimTime::from_secs(s));
        let v = sim.view();
        let b2 = v
            .brokers()
            .find(|b| {
                b.kind
                    == NodeKind::Broker {
                        broker_id: BrokerId(2),
                    }
            })
            .unwrap();
        assert!(!b2.up && b2.registered, "{b2:?}");
        used.push(b2.session_used.expect("running out"));
    }
    assert!(used.windows(2).all(|w| w[0] < w[1]), "{used:?}");
    assert!(used.iter().all(|u| (0.0..=1.0).contains(u)), "{used:?}");
    // 18 s after ZooKeeper last heard from it (at most 6 s before the crash at 20 s), it expired.
    sim.run_until(SimTime::from_secs(39));
    let v = sim.view();
    let b2 = v
        .brokers()
        .find(|b| {
            b.kind
                == NodeKind::Broker {
                    broker_id: BrokerId(2),
                }
        })
        .unwrap();
    assert!(!b2.registered && b2.session_used.is_none(), "{b2:?}");
}

#[test]
fn messages_in_flight_have_a_kind_and_progress() {
    let (mut sim, _) = scenario_sim("acks1-leader-crash", "");
    sim.run_until(SimTime::from_micros(5_000_500));
    let v = sim.view();
    let kinds: Vec<MessageKind> = v.in_flight.iter().map(|f| f.kind).collect();
    assert!(
        kinds.contains(&MessageKind::FollowerFetch) || kinds.contains(&MessageKind::FetchResponse),
        "{kinds:?}"
    );
    let mut seen = std::collections::BTreeSet::new();
    // Over a few milliseconds every kind of the produce path shows up.
    for _ in 0..20 {
        sim.run_until(sim.now() + SimTime::from_micros(250));
        for f in sim.view().in_flight {
            let span = (f.deliver_at.as_micros() - f.sent_at.as_micros()) as f64;
            let want = (sim.now().as_micros() - f.sent_at.as_micros()) as f64 / span;
            assert!((f.progress - want.clamp(0.0, 1.0)).abs() < 1e-9, "{f:?}");
            assert_eq!(f.kind, MessageKind::of_label(&f.label));
            seen.insert(f.kind);
        }
    }
    assert!(seen.contains(&MessageKind::ProduceRequest), "{seen:?}");
    assert!(seen.contains(&MessageKind::ProduceResponse), "{seen:?}");
    assert!(
        seen.contains(&MessageKind::FollowerFetch) && seen.contains(&MessageKind::FetchResponse),
        "{seen:?}"
    );
}

#[test]
fn the_topic_table_flags_the_dead_broker_out_of_sync() {
    let (mut sim, end) = scenario_sim("acks1-leader-crash", "");
    sim.run_until(end);
    let v = sim.view();
    let p = v.partition("t", 0).expect("t-0");
    assert!(!p.internal);
    assert_eq!(p.replicas.len(), 3);
    assert_eq!(p.out_of_sync, vec![BrokerId(2)]);
    assert!(p.under_replicated);
    assert_eq!(p.isr.len(), 2);
    assert!(!p.isr.contains(&BrokerId(2)) && p.leader.is_some_and(|l| p.isr.contains(&l)));
    assert_eq!(p.log_end_offsets.len(), 3);
    let leo = |b: i32| p.log_end_offsets.iter().find(|(x, _)| x.0 == b).unwrap().1;
    assert!(
        leo(2) < p.high_watermark,
        "the dead broker's log stopped at the crash"
    );
    let leader = p.leader.unwrap();
    assert!(p.high_watermark <= leo(leader.0));
    // Every replica of the spec's topics on every broker, with its strip.
    let r = v
        .broker_replicas(leader)
        .unwrap()
        .replicas
        .iter()
        .find(|r| r.topic == "t")
        .unwrap();
    assert_eq!(r.role, ReplicaRoleView::Leader);
    assert!(r.leader && r.in_isr);
    assert_eq!(r.strip.len(), STRIP_LEN);
    assert_eq!(r.strip.last().unwrap().offset, r.log_end_offset - 1);
    for c in &r.strip {
        assert_eq!(c.committed, c.offset < r.high_watermark);
    }
    let dead = v
        .broker_replicas(BrokerId(2))
        .unwrap()
        .replicas
        .iter()
        .find(|r| r.topic == "t")
        .unwrap();
    assert!(!dead.leader && !dead.in_isr);
    assert_eq!(dead.role, ReplicaRoleView::Offline);
    // `__consumer_offsets` is not drawn in the brokers (and does not exist without groups).
    assert!(v.partitions.iter().all(|p| !p.internal));
}

#[test]
fn a_truncation_shows_struck_out_in_the_replica_strip() {
    let (mut sim, end) = scenario_sim("acks1-leader-crash", RESTART_2);
    sim.run_until(end);
    let history = sim.truncation_history();
    let t = history
        .iter()
        .find(|t| t.broker == BrokerId(2))
        .expect("broker 2 truncated when it came back");
    assert_eq!((t.topic.as_str(), t.partition), ("t", 0));
    assert!(t.removed_records > 0 && t.to < t.from, "{t:?}");
    assert!(t.at >= SimTime::from_secs(45));
    let v = sim.view();
    let r = v
        .broker_replicas(BrokerId(2))
        .unwrap()
        .replicas
        .iter()
        .find(|r| r.topic == "t")
        .unwrap();
    assert_eq!(r.role, ReplicaRoleView::Follower);
    let s = r.struck.last().expect("struck out");
    assert_eq!(
        (s.from_offset, s.to_offset, s.records, s.at),
        (t.to, t.from, t.removed_records, t.at)
    );
    // The records now at those offsets are the leader's, not the struck ones.
    assert!(r.log_end_offset > s.from_offset);
}

#[test]
fn the_sequence_ring_is_bounded_and_in_arrival_order() {
    let (mut sim, _) = scenario_sim("acks1-leader-crash", "");
    sim.run_until(SimTime::from_secs(5));
    let all = sim.sequence(usize::MAX);
    assert_eq!(all.len(), SEQUENCE_CAPACITY);
    assert!(all.windows(2).all(|w| w[0].delivered_at <= w[1].delivered_at));
    assert!(
        all.iter()
            .all(|e| e.sent_at <= e.delivered_at && e.kind == MessageKind::of_label(&e.label))
    );
    assert!(all.last().unwrap().delivered_at <= sim.now());
    let last5 = sim.sequence(5);
    assert_eq!(last5.as_slice(), &all[all.len() - 5..]);
    // Messages to the crashed broker are lost on arrival.
    sim.run_until(SimTime::from_millis(20_050));
    let lost: Vec<_> = sim.sequence(usize::MAX).into_iter().filter(|e| e.lost).collect();
    assert!(lost.iter().all(|e| e.to.0 == 2), "{lost:?}");
}
