//! A broker's crash resets its clients' connections (behaviour 9, coordinator failover), and the two
//! kinds of `pause_member`: a GC pause freezes the whole process (the session can expire), a slow
//! downstream stalls only the poll loop (the poll timer can expire).

use kafka_sim::cluster::ClusterEvent;
use kafka_sim::group::coordinator::GroupEvent;
use kafka_sim::kernel::TraceEvent;
use kafka_sim::scenario::Scenario;
use kafka_sim::{SimTime, Simulation};
use std::collections::BTreeMap;

const G: &str = "data-platform-group";

/// One line of what happened, with its time.
#[derive(Debug)]
enum Seen {
    /// A consumer's log line: member number and text.
    Consumer(u16, String),
    /// A coordinator's group event.
    Group(GroupEvent),
    /// A leader was elected for `__consumer_offsets` partition `p` (any topic index > 0 is offsets here).
    Elected(u32, i32),
}

/// Builds the scenario's simulation and runs it to `until` in 100 ms steps, keeping every consumer and
/// group event (the trace is a ring, so it is read as it goes).
fn run_collecting(sim: &mut Simulation, until: SimTime, seen: &mut Vec<(SimTime, Seen)>) {
    let step = SimTime::from_millis(100);
    while sim.now() < until {
        let before = sim.trace().recorded();
        let next = (sim.now() + step).min(until);
        sim.run_until(next);
        let new = usize::try_from(sim.trace().recorded() - before).expect("fits");
        assert!(
            new <= sim.trace().capacity(),
            "the trace ring overflowed: lower the rate"
        );
        let entries: Vec<_> = sim.trace().entries().rev().take(new).collect();
        for e in entries.into_iter().rev() {
            let TraceEvent::Node { event, .. } = &e.event else {
                continue;
            };
            match event {
                ClusterEvent::Consumer { member, message, .. } => {
                    seen.push((e.at, Seen::Consumer(member.member, message.clone())));
                }
                ClusterEvent::Group { event, .. } => seen.push((e.at, Seen::Group(event.clone()))),
                ClusterEvent::LeaderElected { tp, .. } => {
                    seen.push((e.at, Seen::Elected(tp.topic.0, tp.partition)));
                }
                _ => {}
            }
        }
    }
}

fn build(text: &str) -> Simulation {
    let scenario = Scenario::from_toml_str(text).expect("valid scenario");
    let mut sim = Simulation::new(scenario.sim_spec()).expect("valid spec");
    for f in &scenario.faults {
        sim.schedule_scenario_fault(f);
    }
    sim
}

fn committed(sim: &Simulation) -> BTreeMap<String, i64> {
    let (_, view) = sim.group_view(G).expect("the group exists");
    view.committed.iter().map(|(p, o)| (p.to_string(), *o)).collect()
}

fn consumer_lines<'a>(
    seen: &'a [(SimTime, Seen)],
    needle: &'a str,
) -> impl Iterator<Item = (SimTime, u16)> + 'a {
    seen.iter().filter_map(move |(at, s)| match s {
        Seen::Consumer(m, text) if text.contains(needle) => Some((*at, *m)),
        _ => None,
    })
}

#[test]
fn coordinator_failover_finds_the_new_coordinator_and_loses_no_commit() {
    let path = format!(
        "{}/../../tests/scenarios/group-coordinator-failover.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("the scenario file");
    let mut sim = build(&text);
    let mut seen = Vec::new();
    let crash = SimTime::from_secs(15);
    run_collecting(&mut sim, crash - SimTime::from_millis(1), &mut seen);
    let (old_coordinator, _) = sim.group_view(G).expect("a coordinator");
    let before = committed(&sim);
    assert_eq!(
        before.len(),
        3,
        "every partition has a commit before the crash: {before:?}"
    );
    let rebalances_before = sim.rebalance_stats(G).rebalances;

    run_collecting(&mut sim, SimTime::from_secs(60), &mut seen);

    // The connections were reset at the crash: every member knew at once.
    let disconnected: Vec<_> =
        consumer_lines(&seen, &format!("Node {} disconnected.", old_coordinator.0)).collect();
    assert_eq!(disconnected.len(), 3, "{disconnected:?}");
    assert!(
        disconnected.iter().all(|(at, _)| *at == crash),
        "{disconnected:?}"
    );
    // The new coordinator was found soon after the controller moved the group's partition (on the
    // dead broker's ZooKeeper session expiry, 18 s), not after a 30 s request timeout.
    let offsets_partition = kafka_sim::group::offsets_partition_for(G, 5);
    let moved = seen
        .iter()
        .find_map(|(at, s)| match s {
            Seen::Elected(t, p) if *t > 0 && *p == offsets_partition && *at > crash => Some(*at),
            _ => None,
        })
        .expect("the group's offsets partition got a new leader");
    assert!(moved >= crash + SimTime::from_secs(10), "moved at {moved}");
    let (new_coordinator, view) = sim.group_view(G).expect("a coordinator");
    assert_ne!(new_coordinator, old_coordinator);
    // Until then the live brokers still name the dead one (their metadata has not changed), so the
    // members rediscover it and are refused, reconnect backoff apart, as Kafka's logs show.
    let stale = format!("Discovered group coordinator kafka-{}:", old_coordinator.0);
    let refused: Vec<_> = consumer_lines(&seen, &stale)
        .filter(|(at, _)| *at > crash)
        .collect();
    // (A lookup answered by a broker the controller's update has not reached yet, one network
    // latency after the election, still names the dead one: such an answer lands a few ms later.)
    let told = moved + SimTime::from_millis(10);
    assert!(
        refused.iter().all(|(at, _)| *at < told),
        "moved {moved}: {refused:?}"
    );
    let fresh = format!("Discovered group coordinator kafka-{}:", new_coordinator.0);
    for m in 1..=3 {
        let (at, _) = consumer_lines(&seen, &fresh)
            .find(|(at, who)| *who == m && *at > crash)
            .expect("each member found the new coordinator");
        assert!(
            at >= moved && at <= moved + SimTime::from_secs(2),
            "member {m} at {at}, moved {moved}"
        );
    }
    // No committed offset was lost: the new coordinator loaded them from the replicated log, and
    // the group went on from there, committing further.
    let after = committed(&sim);
    for (p, o) in &before {
        assert!(
            after.get(p).is_some_and(|a| a >= o),
            "{p}: before {o}, after {after:?}"
        );
    }
    assert_eq!(view.state.to_string(), "Stable");
    let report = sim.delivery_report(0).expect("the group's report");
    assert_eq!(
        report.processed_twice, 0,
        "nothing committed was read again: {report:?}"
    );
    assert_eq!(report.skipped, 0, "{report:?}");
    assert!(report.lag < 100, "the group caught up: {report:?}");
    // The loaded group kept its generation: the failover alone causes no rebalance.
    assert_eq!(sim.rebalance_stats(G).rebalances, rebalances_before);
}

/// The seed's group of 3 on `reserve` (3 partitions), with `session.timeout.ms` 10000,
/// `heartbeat.interval.ms` 3000, `max.poll.interval.ms` 10000, and member 2 paused for 15 s at 10 s.
fn paused(kind: &str) -> String {
    format!(
        r#"seed = 3
duration = "40s"
[cluster.config]
"offsets.topic.num.partitions" = 5
"group.initial.rebalance.delay.ms" = 0
[[topics]]
name = "reserve"
partitions = 3
replication_factor = 3
[[producers]]
name = "reservation-service"
topic = "reserve"
rate = 30
value = "booking-{{n}}"
[[consumer_groups]]
"group.id" = "{G}"
topics = ["reserve"]
members = 3
processing = "1ms"
commit = "manual"
[consumer_groups.config]
"enable.auto.commit" = false
"session.timeout.ms" = 10000
"heartbeat.interval.ms" = 3000
"max.poll.interval.ms" = 10000
[[faults]]
at = "10s"
action = "pause_member"
member = "{G}/2"
duration = "15s"
kind = "{kind}"
"#
    )
}

fn removals(seen: &[(SimTime, Seen)]) -> Vec<(SimTime, String)> {
    seen.iter()
        .filter_map(|(at, s)| match s {
            Seen::Group(GroupEvent::MemberRemoved { reason, .. }) => Some((*at, reason.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_gc_pause_stops_the_heartbeats_so_the_session_expires() {
    let mut sim = build(&paused("gc"));
    let mut seen = Vec::new();
    run_collecting(&mut sim, SimTime::from_secs(10), &mut seen);
    let m2 = sim
        .member_views(0)
        .into_iter()
        .find(|(m, ..)| m.member == 2)
        .expect("member 2")
        .2;
    let last_beat = m2.last_heartbeat_sent.expect("it heartbeat before the pause");
    run_collecting(&mut sim, SimTime::from_secs(24), &mut seen);
    let frozen = sim
        .member_views(0)
        .into_iter()
        .find(|(m, ..)| m.member == 2)
        .expect("member 2")
        .2;
    assert_eq!(frozen.frozen_until, Some(SimTime::from_secs(25)));
    assert_eq!(
        frozen.last_heartbeat_sent,
        Some(last_beat),
        "no heartbeat while frozen"
    );
    // The coordinator removed it on heartbeat expiration, a session timeout after its last heartbeat
    // reached it (a few ms after it was sent).
    let r = removals(&seen);
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].1.ends_with("on heartbeat expiration."), "{r:?}");
    let expiry = last_beat + SimTime::from_secs(10);
    assert!(
        r[0].0 >= expiry && r[0].0 <= expiry + SimTime::from_millis(50),
        "{r:?} vs {expiry}"
    );
    // No poll-timeout warning was logged while frozen: nothing ran.
    assert_eq!(
        consumer_lines(&seen, "This means the time between subsequent calls to poll()").count(),
        0
    );

    run_collecting(&mut sim, SimTime::from_secs(40), &mut seen);
    // The application was waiting inside poll(), which keeps the poll timer fresh: no poll timeout.
    // The heartbeat thread found its session expired, looked for the coordinator once, and rejoined.
    let timed_out: Vec<_> =
        consumer_lines(&seen, "session timed out without receiving a heartbeat response").collect();
    assert_eq!(timed_out, vec![(SimTime::from_secs(25), 2)]);
    assert_eq!(
        consumer_lines(&seen, "This means the time between subsequent calls to poll()").count(),
        0
    );
    // It rejoined and the group is whole again.
    let (_, view) = sim.group_view(G).expect("the group");
    assert_eq!(
        (view.state.to_string(), view.members.len()),
        ("Stable".to_owned(), 3),
        "{view:?}"
    );
}

#[test]
fn a_slow_downstream_keeps_the_heartbeats_so_only_the_poll_timer_expires() {
    let mut sim = build(&paused("slow_downstream"));
    let mut seen = Vec::new();
    run_collecting(&mut sim, SimTime::from_secs(24), &mut seen);
    let m2 = sim
        .member_views(0)
        .into_iter()
        .find(|(m, ..)| m.member == 2)
        .expect("member 2")
        .2;
    assert_eq!(m2.frozen_until, None);
    // The poll timer expired max.poll.interval.ms after the last poll (the pause began inside poll()):
    // warning, LeaveGroup, and the coordinator removes it for leaving, not on heartbeat expiration.
    let warned: Vec<_> =
        consumer_lines(&seen, "This means the time between subsequent calls to poll()").collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(warned[0].1, 2);
    assert!(
        warned[0].0 >= SimTime::from_secs(20) && warned[0].0 <= SimTime::from_millis(20_100),
        "{warned:?}"
    );
    let r = removals(&seen);
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].1.contains("LeaveGroup"), "{r:?}");
    run_collecting(&mut sim, SimTime::from_secs(40), &mut seen);
    let (_, view) = sim.group_view(G).expect("the group");
    assert_eq!(
        (view.state.to_string(), view.members.len()),
        ("Stable".to_owned(), 3),
        "{view:?}"
    );
}
