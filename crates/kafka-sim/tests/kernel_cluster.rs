//! The first cluster model on the kernel: ZooKeeper sessions, broker registration and the
//! controller, under crashes, isolation, heal and restart.

use kafka_sim::cluster::{ClusterEvent, DEFAULT_ZK_SESSION_TIMEOUT};
use kafka_sim::ids::{BrokerId, NodeId};
use kafka_sim::kernel::TraceEvent;
use kafka_sim::kernel::fault::Fault;
use kafka_sim::time::SimTime;
use kafka_sim::{SimSpec, Simulation, SpecError};

fn sim() -> Simulation {
    Simulation::new(SimSpec::default()).unwrap()
}

fn registered(sim: &Simulation) -> Vec<i32> {
    sim.zookeeper().registered_brokers().map(|b| b.0).collect()
}

fn secs(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

fn known_controllers(sim: &Simulation) -> Vec<Option<i32>> {
    sim.kernel()
        .nodes()
        .filter_map(|(id, n)| n.as_broker().filter(|_| sim.kernel().is_up(id)))
        .map(|b| b.known_controller().0.map(|c| c.0))
        .collect()
}

/// When ZooKeeper last heard from broker `b`.
fn last_heard(sim: &Simulation, b: i32) -> SimTime {
    sim.zookeeper()
        .session_of(BrokerId(b))
        .expect("broker has a session")
        .last_heard
}

#[test]
fn brokers_register_and_the_first_becomes_controller() {
    let mut s = sim();
    s.run_until(secs(1));
    assert_eq!(registered(&s), vec![1, 2, 3]);
    assert_eq!(s.controller(), Some(BrokerId(1)));
    assert_eq!(known_controllers(&s), vec![Some(1); 3]);
    // Sessions stay alive for as long as we care to look.
    s.run_until(secs(600));
    assert_eq!(registered(&s), vec![1, 2, 3]);
    assert_eq!(s.zookeeper().controller_epoch(), 1);
    let view = s.view();
    assert!(
        view.brokers()
            .all(|b| b.up && b.registered && b.session_used.is_none())
    );
    assert_eq!(view.brokers().filter(|b| b.controller).count(), 1);
}

/// Shared by the crash and the isolation tests: broker 1 (the controller) goes silent at 30.5 s.
fn controller_goes_silent(fault: Fault) -> Simulation {
    let mut s = sim();
    s.run_until(SimTime::from_millis(30_500));
    s.inject(fault);
    let last = last_heard(&s, 1);
    assert!(last <= s.now());
    let expiry = last + DEFAULT_ZK_SESSION_TIMEOUT;

    s.run_until(expiry - SimTime(1));
    assert_eq!(
        registered(&s),
        vec![1, 2, 3],
        "expired before the session timeout"
    );
    assert_eq!(s.controller(), Some(BrokerId(1)));
    let used = s.view().nodes[1].session_used.expect("session is ageing");
    assert!(used > 0.99 && used <= 1.0, "{used}");

    s.run_until(expiry);
    assert_eq!(registered(&s), vec![2, 3], "not expired at the session timeout");
    assert_eq!(s.controller(), Some(BrokerId(2)));
    assert_eq!(s.zookeeper().controller_epoch(), 2);
    s.run_until(expiry + SimTime::from_millis(10));
    let view = s.view();
    assert!(!view.nodes[1].registered && !view.nodes[1].controller);
    assert!(view.nodes[2].controller);
    assert_eq!(view.brokers().filter(|b| b.controller).count(), 1);
    let events: Vec<&ClusterEvent> = s
        .trace()
        .entries()
        .filter_map(|e| match &e.event {
            TraceEvent::Node { event, .. } if e.at == expiry => Some(event),
            _ => None,
        })
        .collect();
    assert!(matches!(
        events[0],
        ClusterEvent::SessionExpired {
            broker_id: BrokerId(1),
            ..
        }
    ));
    assert_eq!(
        events[1],
        &ClusterEvent::BrokerDeregistered {
            broker_id: BrokerId(1)
        }
    );
    assert_eq!(
        events[2],
        &ClusterEvent::ControllerChanged {
            controller: Some(BrokerId(2)),
            epoch: 2
        }
    );
    s
}

#[test]
fn killing_the_controller_moves_it_after_the_session_timeout() {
    let s = controller_goes_silent(Fault::Crash(NodeId(1)));
    assert!(!s.view().nodes[1].up);
    assert_eq!(known_controllers(&s), vec![Some(2), Some(2)]);
}

#[test]
fn isolating_the_controller_has_the_same_effect_and_heal_brings_it_back() {
    let mut s = controller_goes_silent(Fault::Isolate(NodeId(1)));
    let view = s.view();
    assert!(view.nodes[1].up && view.nodes[1].isolated);
    // The isolated broker still believes it is controller: it cannot hear otherwise.
    assert_eq!(known_controllers(&s), vec![Some(1), Some(2), Some(2)]);

    s.inject(Fault::Heal);
    let healed = s.now();
    s.run_until(healed + SimTime::from_secs(7));
    assert_eq!(
        registered(&s),
        vec![1, 2, 3],
        "broker 1 re-registers after the heal"
    );
    assert_eq!(
        s.controller(),
        Some(BrokerId(2)),
        "the controller does not move back"
    );
    assert_eq!(known_controllers(&s), vec![Some(2); 3]);
    assert!(!s.view().nodes[1].isolated);
    let lost = s.trace().entries().any(|e| {
        matches!(
            e.event,
            TraceEvent::Node {
                event: ClusterEvent::ZkSessionLost {
                    broker_id: BrokerId(1)
                },
                ..
            }
        )
    });
    assert!(lost, "broker 1 learns its session expired");
}

#[test]
fn a_crashed_broker_that_restarts_registers_again() {
    let mut s = sim();
    s.run_until(secs(30));
    s.inject(Fault::Crash(NodeId(3)));
    s.run_until(secs(60));
    assert_eq!(registered(&s), vec![1, 2]);
    assert_eq!(
        s.controller(),
        Some(BrokerId(1)),
        "losing a non-controller keeps the controller"
    );
    s.inject(Fault::Restart(NodeId(3)));
    s.run_until(secs(61));
    assert_eq!(registered(&s), vec![1, 2, 3]);
    assert_eq!(known_controllers(&s), vec![Some(1); 3]);
}

#[test]
fn a_quick_restart_waits_for_the_old_session_to_expire() {
    let mut s = sim();
    s.run_until(SimTime::from_millis(30_500));
    s.inject(Fault::Crash(NodeId(1)));
    let expiry = last_heard(&s, 1) + DEFAULT_ZK_SESSION_TIMEOUT;
    s.run_until(secs(35));
    s.inject(Fault::Restart(NodeId(1)));
    s.run_until(expiry - SimTime(1));
    // The new session exists, but /brokers/ids/1 still belongs to the old one.
    assert_eq!(
        s.zookeeper()
            .sessions()
            .values()
            .filter(|z| z.broker_id == BrokerId(1))
            .count(),
        2
    );
    assert!(
        !s.kernel()
            .node(NodeId(1))
            .unwrap()
            .as_broker()
            .unwrap()
            .believes_registered()
    );
    assert_eq!(s.controller(), Some(BrokerId(1)));
    s.run_until(expiry);
    assert_eq!(s.controller(), Some(BrokerId(2)));
    s.run_until(expiry + SimTime::from_secs(7));
    assert_eq!(registered(&s), vec![1, 2, 3]);
    assert!(
        s.kernel()
            .node(NodeId(1))
            .unwrap()
            .as_broker()
            .unwrap()
            .believes_registered()
    );
    assert_eq!(s.controller(), Some(BrokerId(2)));
}

#[test]
fn a_zookeeper_restart_keeps_the_sessions() {
    let mut s = sim();
    s.run_until(secs(30));
    s.inject(Fault::Crash(NodeId(0)));
    s.run_until(secs(60));
    s.inject(Fault::Restart(NodeId(0)));
    s.run_until(secs(120));
    assert_eq!(registered(&s), vec![1, 2, 3]);
    assert_eq!(s.controller(), Some(BrokerId(1)));
    let expired = s.trace().entries().any(|e| {
        matches!(
            e.event,
            TraceEvent::Node {
                event: ClusterEvent::SessionExpired { .. },
                ..
            }
        )
    });
    assert!(!expired);
    assert!(s.view().brokers().all(|b| b.session_used.is_none()));
}

#[test]
fn the_view_shows_liveness_and_flights() {
    let mut s = sim();
    let v = s.view();
    assert_eq!(v.nodes.len(), 4);
    assert_eq!(v.in_flight.len(), 3, "three ZkConnects leave at time zero");
    assert!(
        v.in_flight
            .iter()
            .all(|f| f.to == NodeId(0) && f.label == "ZkConnect")
    );
    assert!(
        v.in_flight
            .iter()
            .all(|f| f.deliver_at == SimTime::from_millis(1))
    );
    s.run_until(secs(20));
    s.inject(Fault::Crash(NodeId(2)));
    s.run_until(secs(30));
    let v = s.view();
    assert!(!v.nodes[2].up);
    assert!(v.nodes[0].session_used.is_none());
    // Its last ping reached ZooKeeper at 18.001 s: 11.999 s of 18 s are used up.
    let used = v.nodes[2].session_used.expect("silent for 12 s");
    assert!((0.66..0.67).contains(&used), "{used}");
    assert_eq!(v.now, secs(30));
    assert_eq!(v.trace_hash, s.trace_hash());
    assert_eq!(v.events_processed, s.events_processed());
    assert!(v.events_processed > 0);
}

#[test]
fn specs_are_validated() {
    assert_eq!(
        Simulation::new(SimSpec {
            brokers: 0,
            ..SimSpec::default()
        })
        .unwrap_err(),
        SpecError::Brokers { max: 16, got: 0 }
    );
    assert!(
        Simulation::new(SimSpec {
            brokers: 17,
            ..SimSpec::default()
        })
        .is_err()
    );
    let big = Simulation::new(SimSpec {
        brokers: 16,
        ..SimSpec::default()
    })
    .unwrap();
    assert_eq!(big.view().brokers().count(), 16);
}

#[test]
fn unknown_nodes_in_faults_are_reported_not_panicked_on() {
    let mut s = sim();
    assert!(s.try_inject(Fault::Crash(NodeId(4))).is_err());
    assert!(s.try_schedule(secs(1), Fault::Isolate(NodeId(40))).is_err());
    s.inject(Fault::Restart(NodeId(99)));
    s.schedule(secs(1), Fault::Crash(NodeId(7)));
    s.run_until(secs(2));
    assert!(s.view().nodes.iter().all(|n| n.up));
}
