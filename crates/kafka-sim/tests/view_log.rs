//! The event log: narrations of scenario runs, their English sentences, kinds and windows.

use kafka_sim::ids::BrokerId;
use kafka_sim::scenario::Scenario;
use kafka_sim::sim::EVENT_LOG_CAPACITY;
use kafka_sim::view::{Actor, EventKind, LoggedEvent, Narration, RemovalCause};
use kafka_sim::{SimSpec, SimTime, Simulation};

fn scenario_sim(name: &str) -> (Simulation, SimTime) {
    let path = format!("{}/../../tests/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("scenario file");
    let scenario = Scenario::from_toml_str(&text).expect("valid scenario");
    let mut sim = Simulation::new(scenario.sim_spec()).expect("valid spec");
    for f in &scenario.faults {
        sim.schedule_scenario_fault(f);
    }
    (sim, scenario.duration)
}

fn run(name: &str) -> Simulation {
    let (mut sim, end) = scenario_sim(name);
    sim.run_until(end);
    sim
}

fn log(sim: &Simulation) -> Vec<LoggedEvent> {
    sim.event_log_range(sim.event_log_bounds())
}

#[test]
fn a_leader_crash_is_narrated_as_the_session_expiry_with_the_moved_partition() {
    let sim = run("acks1-leader-crash");
    let log = log(&sim);
    let crash = log
        .iter()
        .find(|e| {
            e.narration
                == Narration::Crashed {
                    node: Actor::Broker(BrokerId(2)),
                }
        })
        .expect("the crash");
    assert_eq!(
        (crash.at, crash.kind),
        (SimTime::from_secs(20), EventKind::Broker)
    );
    let expiry = (log.iter())
        .find(|e| matches!(e.narration, Narration::BrokerSessionExpired { .. }))
        .expect("the expiry");
    // ZooKeeper last heard from broker 2 at most a ping interval before the crash.
    assert!(
        expiry.at > SimTime::from_secs(32) && expiry.at <= SimTime::from_secs(38),
        "{expiry:?}"
    );
    assert_eq!(expiry.kind, EventKind::Broker);
    let v = sim.view();
    let p = v.partition("t", 0).unwrap();
    let leader = p.leader.expect("a new leader");
    let isr: Vec<String> = p.isr.iter().map(|b| b.0.to_string()).collect();
    assert_eq!(
        expiry.narration.english(),
        format!(
            "broker 2 missed its ZooKeeper session of 18 s, so the controller moved the leader of t-0 to \
             broker {} and shrank the ISR to {}",
            leader.0,
            isr.join(",")
        )
    );
    let Narration::BrokerSessionExpired {
        broker,
        session_ms,
        moved,
        isr,
        internal,
    } = &expiry.narration
    else {
        unreachable!()
    };
    assert_eq!((*broker, *session_ms, *internal), (BrokerId(2), 18_000, 0));
    assert_eq!(moved.len(), 1);
    assert_eq!(
        (moved[0].partition.as_str(), moved[0].leader),
        ("t-0", Some(leader))
    );
    assert_eq!(isr[0].isr, p.isr);
    // The election folded into it is not logged again.
    assert!(
        !log.iter()
            .any(|e| matches!(e.narration, Narration::LeaderElected { .. }))
    );
    // Sequence numbers are contiguous and times ordered.
    assert!(
        log.windows(2)
            .all(|w| w[1].seq == w[0].seq + 1 && w[0].at <= w[1].at)
    );
}

#[test]
fn an_unclean_election_is_an_anomaly() {
    let sim = run("unclean-true");
    let log = log(&sim);
    let e = (log.iter())
        .find(|e| matches!(e.narration, Narration::LeaderElected { unclean: true, .. }))
        .expect("an unclean election");
    assert_eq!(e.kind, EventKind::Anomaly);
    assert!(
        e.narration.english().contains("unclean election"),
        "{}",
        e.narration.english()
    );
}

#[test]
fn member_faults_and_rebalances_are_narrated() {
    let sim = run("group-member-crash");
    let log = log(&sim);
    let crash = (log.iter())
        .find(|e| {
            e.narration
                == Narration::Crashed {
                    node: Actor::Member("consumer-data-platform-group-2".into()),
                }
        })
        .expect("the member crash");
    assert_eq!(
        (crash.at, crash.kind),
        (SimTime::from_secs(20), EventKind::Member)
    );
    assert_eq!(
        crash.narration.english(),
        "member consumer-data-platform-group-2 crashed"
    );
    let added = (log.iter())
        .find(|e| matches!(e.narration, Narration::MemberAdded { .. }))
        .expect("the added member");
    assert_eq!(added.at, SimTime::from_secs(40));
    assert_eq!(
        added.narration.english(),
        "member consumer-data-platform-group-c-4 started"
    );
    let stable: Vec<&LoggedEvent> = (log.iter())
        .filter(|e| matches!(e.narration, Narration::RebalanceCompleted { .. }))
        .collect();
    assert!(!stable.is_empty());
    assert!(stable.iter().all(|e| e.kind == EventKind::Group));
    let first = stable[0].narration.english();
    assert!(
        first.starts_with("group data-platform-group is stable at generation"),
        "{first}"
    );
    assert!(
        first.contains("consumer-data-platform-group-2 has reserve-"),
        "{first}"
    );
    // The coordinator crash at 50 s moves the group to a new coordinator.
    assert!(
        log.iter()
            .any(|e| matches!(e.narration, Narration::CoordinatorLoaded { .. }))
    );
}

#[test]
fn a_session_timeout_removal_names_the_member_and_its_session() {
    let sim = run("group-session-timeout");
    let log = log(&sim);
    let removed = (log.iter())
        .find(|e| {
            matches!(
                e.narration,
                Narration::MemberRemoved {
                    cause: RemovalCause::SessionTimeout,
                    ..
                }
            )
        })
        .expect("a session timeout");
    let Narration::MemberRemoved {
        member, session_ms, ..
    } = &removed.narration
    else {
        unreachable!()
    };
    assert!(member.starts_with("consumer-"), "{member}");
    assert!(session_ms.is_some());
    let text = removed.narration.english();
    assert!(text.contains("no heartbeat within its session of"), "{text}");
}

#[test]
fn a_poll_timeout_is_narrated_with_max_poll_interval() {
    let sim = run("group-poll-timeout");
    let log = log(&sim);
    let e = (log.iter())
        .find(|e| matches!(e.narration, Narration::PollTimeout { .. }))
        .expect("a poll timeout");
    assert_eq!(e.kind, EventKind::Member);
    let Narration::PollTimeout {
        max_poll_interval_ms, ..
    } = &e.narration
    else {
        unreachable!()
    };
    assert_eq!(*max_poll_interval_ms, 600);
    assert!(e.narration.english().contains("max.poll.interval.ms (600 ms)"));
    // The rebalance it causes follows.
    assert!(
        log.iter()
            .any(|r| r.at >= e.at && matches!(r.narration, Narration::RebalanceStarted { .. }))
    );
}

#[test]
fn the_log_is_windowed_and_filtered() {
    let sim = run("group-member-crash");
    let bounds = sim.event_log_bounds();
    assert_eq!(bounds.start, 0);
    assert!(bounds.end > 10);
    let all = sim.event_log_range(bounds.clone());
    assert_eq!(all.len() as u64, bounds.end);
    let window = sim.event_log_range(3..7);
    assert_eq!(window, all[3..7].to_vec());
    assert!(sim.event_log_range(bounds.end..bounds.end + 5).is_empty());
    let members = sim.event_log_filtered(&[EventKind::Member], u64::MAX, 3);
    assert!(members.len() <= 3 && members.iter().all(|e| e.kind == EventKind::Member));
    let want: Vec<_> = all
        .iter()
        .filter(|e| e.kind == EventKind::Member)
        .cloned()
        .collect();
    assert_eq!(members.as_slice(), &want[want.len() - members.len()..]);
    let since = sim.event_log_since(SimTime::from_secs(40), 2);
    assert!(since.len() == 2 && since.iter().all(|e| e.at >= SimTime::from_secs(40)));
    assert_eq!(sim.view().event_count, bounds.end);
}

#[test]
fn the_log_is_bounded_and_keeps_its_sequence_numbers() {
    let mut sim = Simulation::new(SimSpec::default()).unwrap();
    let before = sim.event_log_bounds().end;
    for i in 0..EVENT_LOG_CAPACITY + 5 {
        sim.log_event(Narration::MemberClosed {
            member: format!("m{i}"),
        });
    }
    let b = sim.event_log_bounds();
    assert_eq!(b.end, before + EVENT_LOG_CAPACITY as u64 + 5);
    assert_eq!(b.end - b.start, EVENT_LOG_CAPACITY as u64);
    let last = sim.event_log_range(b.end - 1..b.end);
    assert_eq!(
        last[0].narration.english(),
        format!("member m{} closed its consumer", EVENT_LOG_CAPACITY + 4)
    );
}

#[test]
fn a_fault_injected_by_a_click_is_narrated() {
    let mut sim = Simulation::new(SimSpec::default()).unwrap();
    sim.run_until(SimTime::from_secs(2));
    sim.inject(kafka_sim::kernel::Fault::Crash(kafka_sim::NodeId(3)));
    let last = sim.event_log_filtered(&[EventKind::Broker], u64::MAX, 1);
    assert_eq!(last[0].narration.english(), "broker 3 crashed");
    assert_eq!(last[0].at, SimTime::from_secs(2));
    sim.run_until(SimTime::from_secs(30));
    let log = log(&sim);
    let expiry = (log.iter())
        .find(|e| matches!(e.narration, Narration::BrokerSessionExpired { .. }))
        .expect("its session expires");
    assert_eq!(
        expiry.narration.english(),
        "broker 3 missed its ZooKeeper session of 18 s, so ZooKeeper deregistered it"
    );
}
