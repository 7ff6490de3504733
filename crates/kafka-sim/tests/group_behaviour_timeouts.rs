//! Issue 4's "behaviour that must show", items 1-4, run end to end from `tests/scenarios/group-*.toml`:
//! the session timeout after a member crash, the poll timeout (and its control with a batch that
//! fits), heartbeat.interval.ms not below session.timeout.ms, and a session timeout below the
//! broker's group minimum. Every figure asserted comes from the run: the trace's deliveries, the
//! coordinators' and consumers' events and log lines, and the delivery oracle.

use kafka_sim::cluster::ClusterEvent;
use kafka_sim::group::consumer::MemberState;
use kafka_sim::group::coordinator::GroupEvent;
use kafka_sim::group::delivery::MemberRef;
use kafka_sim::ids::{BrokerId, NodeId};
use kafka_sim::kernel::TraceEvent;
use kafka_sim::scenario::{FaultAction, MemberFault, Scenario};
use kafka_sim::{SimTime, Simulation};

/// Kafka 3.7's poll-timeout warning (`AbstractCoordinator.HeartbeatThread`).
const POLL_TIMEOUT_WARNING: &str = "consumer poll timeout has expired. This means the time between subsequent \
calls to poll() was longer than the configured max.poll.interval.ms, which typically implies that the poll loop \
is spending too much time processing messages. You can address this either by increasing max.poll.interval.ms or \
by reducing the maximum size of batches returned in poll() with max.poll.records.";

/// `Errors.INVALID_SESSION_TIMEOUT.message()`.
const INVALID_SESSION_TIMEOUT_MESSAGE: &str = "The session timeout is not within the range allowed by the broker \
(as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).";

/// The requests by which a coordinator hears from a member (each resets its session timer in Kafka's
/// `GroupCoordinator`: `completeAndScheduleNextHeartbeatExpiration`).
const LIVENESS: [&str; 4] = ["Heartbeat", "OffsetCommit", "JoinGroup", "SyncGroup"];

/// A completed rebalance: time, generation, and each member id with its partitions.
type Completed = (SimTime, i32, Vec<(String, Vec<String>)>);

/// What a run showed, collected from the whole trace (not the bounded ring or the notable events).
#[derive(Default)]
struct Seen {
    /// Every delivered message: time, sender, receiver, label.
    delivered: Vec<(SimTime, NodeId, NodeId, &'static str)>,
    /// Every coordinator event with its broker.
    group: Vec<(SimTime, BrokerId, GroupEvent)>,
    /// Every consumer log line: time, member, level, text.
    consumer: Vec<(SimTime, MemberRef, &'static str, String)>,
}

impl Seen {
    fn consumer_lines<'a>(
        &'a self,
        level: &'a str,
        text: &'a str,
    ) -> impl Iterator<Item = &'a (SimTime, MemberRef, &'static str, String)> {
        (self.consumer.iter()).filter(move |(_, _, l, m)| *l == level && m.contains(text))
    }

    fn removals(&self) -> Vec<(SimTime, BrokerId, String, String)> {
        (self.group.iter())
            .filter_map(|(at, b, e)| match e {
                GroupEvent::MemberRemoved { member, reason, .. } => {
                    Some((*at, *b, member.clone(), reason.clone()))
                }
                _ => None,
            })
            .collect()
    }

    fn rebalances_started(&self) -> Vec<(SimTime, String)> {
        (self.group.iter())
            .filter_map(|(at, _, e)| match e {
                GroupEvent::RebalanceStarted { reason, .. } => Some((*at, reason.clone())),
                _ => None,
            })
            .collect()
    }

    fn joined(&self) -> usize {
        (self.group.iter())
            .filter(|(_, _, e)| matches!(e, GroupEvent::MemberJoined { .. }))
            .count()
    }

    /// The assignments of the completed rebalances: time, generation, member id → partitions.
    fn completed(&self) -> Vec<Completed> {
        (self.group.iter())
            .filter_map(|(at, _, e)| match e {
                GroupEvent::RebalanceCompleted {
                    generation,
                    assignment,
                    ..
                } => Some((
                    *at,
                    *generation,
                    (assignment.iter())
                        .map(|(m, ps)| (m.clone(), ps.iter().map(ToString::to_string).collect()))
                        .collect(),
                )),
                _ => None,
            })
            .collect()
    }
}

fn scenario(name: &str) -> Scenario {
    let path = format!("{}/../../tests/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("scenario file");
    Scenario::from_toml_str(&text).expect("valid scenario")
}

/// Runs scenario `name` for its duration in short steps, keeping every group-related trace entry.
fn run(name: &str) -> (Scenario, Simulation, Seen) {
    let s = scenario(name);
    let mut sim = Simulation::new(s.sim_spec()).expect("valid spec");
    for f in &s.faults {
        sim.schedule_scenario_fault(f);
    }
    let mut seen = Seen::default();
    let step = SimTime::from_millis(20);
    let mut done = sim.trace().recorded();
    while sim.now() < s.duration {
        let next = (sim.now() + step).min(s.duration);
        sim.run_until(next);
        let new = usize::try_from(sim.trace().recorded() - done).expect("fits");
        done = sim.trace().recorded();
        assert!(
            new <= sim.trace().len(),
            "the trace ring dropped entries: {new} in one step"
        );
        for e in sim.trace().entries().rev().take(new).rev() {
            match &e.event {
                TraceEvent::Delivered { from, to, label, .. } => {
                    seen.delivered.push((e.at, *from, *to, label))
                }
                TraceEvent::Node { event, .. } => match event {
                    ClusterEvent::Group { broker, event } => seen.group.push((e.at, *broker, event.clone())),
                    ClusterEvent::Consumer {
                        member,
                        level,
                        message,
                    } => seen.consumer.push((e.at, *member, level, message.clone())),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
    (s, sim, seen)
}

fn ms(t: SimTime) -> u64 {
    t.as_millis()
}

#[test]
fn session_timeout_removes_a_crashed_member_after_session_timeout_ms_and_its_records_are_processed_again() {
    let (s, mut sim, seen) = run("group-session-timeout");
    let cfg = &s.consumer_groups[0].members[0].config;
    let (session, heartbeat) = (cfg.session_timeout_ms as u64, cfg.heartbeat_interval_ms as u64);
    assert_eq!((session, heartbeat), (45_000, 10_000), "the seed's timeouts");
    let crash = &s.faults[0];
    let FaultAction::Member(MemberFault::Crash(addr)) = &crash.action else {
        panic!("a crash_member fault: {crash:?}");
    };
    let victim = sim.member_node(addr.member_ref()).expect("the member started");

    // Exactly one removal, on heartbeat expiration, of the crashed member (client id consumer-<group>-2).
    let removals = seen.removals();
    assert_eq!(removals.len(), 1, "{removals:?}");
    let (removed_at, coordinator, member_id, reason) = removals[0].clone();
    assert_eq!(
        reason,
        format!("removing member {member_id} on heartbeat expiration.")
    );
    assert!(
        member_id.starts_with("consumer-data-platform-group-2-"),
        "{member_id}"
    );
    assert!(removed_at > crash.at);

    // Timed from the last request by which the coordinator heard from it.
    let coordinator_node = sim.broker_node(coordinator).expect("the coordinator's node");
    let from_victim: Vec<(SimTime, &str)> = (seen.delivered.iter())
        .filter(|(_, f, t, l)| *f == victim && *t == coordinator_node && LIVENESS.contains(l))
        .map(|(at, _, _, l)| (*at, *l))
        .collect();
    let heartbeats = from_victim.iter().filter(|(_, l)| *l == "Heartbeat").count();
    assert!(
        heartbeats >= 1,
        "the heartbeat thread beat before the crash: {from_victim:?}"
    );
    let last = from_victim.last().expect("the coordinator heard from it").0;
    assert!(
        last <= crash.at,
        "nothing reached the coordinator after the crash: {last:?}"
    );
    let after_last = ms(removed_at) - ms(last);
    assert!(
        (session..=session + heartbeat).contains(&after_last),
        "removed {after_last} ms after its last heartbeat (session.timeout.ms {session}, heartbeat.interval.ms {heartbeat})"
    );
    let last_beat = (from_victim.iter())
        .rfind(|(_, l)| *l == "Heartbeat")
        .expect("a heartbeat")
        .0;
    assert!(ms(removed_at) - ms(last_beat) <= session + heartbeat);
    eprintln!(
        "crash at {} ms, last request at the coordinator {} ms ({}), removed at {} ms: {after_last} ms after it; \
         {heartbeats} heartbeats reached the coordinator, the last at {} ms",
        ms(crash.at),
        ms(last),
        from_victim.last().expect("one").1,
        ms(removed_at),
        ms(last_beat)
    );

    // One rebalance moves its partitions to the survivors.
    let rebalances = seen.rebalances_started();
    let after: Vec<&(SimTime, String)> = rebalances.iter().filter(|(at, _)| *at > crash.at).collect();
    assert_eq!(after.len(), 1, "{rebalances:?}");
    assert_eq!(after[0].0, removed_at);
    assert!(after[0].1.contains("heartbeat expiration"), "{}", after[0].1);
    let completed = seen.completed();
    let before = completed
        .iter()
        .rfind(|(at, _, _)| *at < crash.at)
        .expect("a generation before the crash");
    let owned: Vec<String> = (before.2.iter())
        .find(|(m, _)| *m == member_id)
        .map(|(_, ps)| ps.clone())
        .expect("the victim had an assignment");
    assert!(!owned.is_empty());
    let moved: Vec<_> = completed.iter().filter(|(at, _, _)| *at > crash.at).collect();
    assert_eq!(moved.len(), 1, "{completed:?}");
    let (_, generation, assignment) = moved[0];
    assert_eq!(*generation, before.1 + 1);
    assert_eq!(assignment.len(), 2, "the two survivors: {assignment:?}");
    assert!(assignment.iter().all(|(m, _)| *m != member_id));
    for p in &owned {
        assert!(
            assignment.iter().any(|(_, ps)| ps.contains(p)),
            "{p} moved to a survivor: {assignment:?}"
        );
    }
    let all: usize = assignment.iter().map(|(_, ps)| ps.len()).sum();
    assert_eq!(all, 3, "every partition owned once: {assignment:?}");
    let stats = sim.rebalance_stats("data-platform-group");
    assert_eq!(stats.reasons.get("session timeout"), Some(&1), "{stats:?}");
    assert_eq!(stats.removals.get("session timeout"), Some(&1), "{stats:?}");

    // Manual commits: what it processed but had not committed is processed again by the new owner.
    let d = sim.delivery_report(0).expect("the group's report");
    assert!(d.processed_twice > 0, "{d:?}");
    assert_eq!(d.reprocessed_causes.crash, d.processed_twice, "{d:?}");
    assert_eq!((d.skipped, d.commit_failures), (0, 0), "{d:?}");
    eprintln!("delivery: {d:?}");
}

#[test]
fn poll_timeout_leaves_the_group_fails_the_late_commit_and_processes_records_twice() {
    let (s, mut sim, seen) = run("group-poll-timeout");
    let cfg = &s.consumer_groups[0].members[0].config;
    let max_poll_interval = u64::from(cfg.max_poll_interval_ms);
    assert!(
        2 * u64::from(cfg.max_poll_records) > max_poll_interval,
        "2 ms x max.poll.records exceeds max.poll.interval.ms"
    );

    let warnings: Vec<_> = seen.consumer_lines("WARN", POLL_TIMEOUT_WARNING).collect();
    assert!(!warnings.is_empty(), "the poll-timeout warning");
    assert!(
        warnings.iter().all(|(_, _, _, m)| m == POLL_TIMEOUT_WARNING),
        "{warnings:?}"
    );
    let (warned_at, warned_member, _, _) = warnings[0].clone();
    // The member's first batch came after its first successful SyncGroup; the warning is at least
    // max.poll.interval.ms after that.
    let synced = (seen.consumer.iter())
        .find(|(_, m, _, l)| *m == warned_member && l.starts_with("Successfully synced group"))
        .expect("the member synced")
        .0;
    assert!(
        ms(warned_at) >= ms(synced) + max_poll_interval,
        "{warned_at:?} vs {synced:?}"
    );

    // Then LeaveGroup (a delivered request and the coordinator's removal) and a rebalance.
    let node = sim.member_node(warned_member).expect("a node");
    let leave = (seen.delivered.iter())
        .find(|(at, f, _, l)| *f == node && *l == "LeaveGroup" && *at >= warned_at)
        .expect("a LeaveGroup after the warning")
        .0;
    let removals = seen.removals();
    let removed = (removals.iter())
        .find(|(at, _, _, r)| *at >= leave && r.contains("LeaveGroup"))
        .expect("removed on LeaveGroup");
    assert!(
        removed
            .3
            .ends_with("client reason: consumer poll timeout has expired."),
        "{}",
        removed.3
    );
    assert!(
        seen.rebalances_started()
            .iter()
            .any(|(at, r)| *at >= leave && r.contains("LeaveGroup")),
        "a rebalance on the LeaveGroup"
    );

    // The commit after the batch fails with CommitFailedException.
    let failed: Vec<_> = seen
        .consumer_lines(
            "ERROR",
            "org.apache.kafka.clients.consumer.CommitFailedException: ",
        )
        .collect();
    let late = (failed.iter())
        .find(|(at, m, _, _)| *m == warned_member && *at > warned_at)
        .expect("the late commit failed");
    assert!(late.3.contains("Offset commit cannot be completed"), "{}", late.3);

    let d = sim.delivery_report(0).expect("the group's report");
    assert!(d.processed_twice > 0, "{d:?}");
    assert!(d.reprocessed_causes.commit_failure > 0, "{d:?}");
    assert_eq!(d.skipped, 0, "{d:?}");
    assert_eq!(
        d.commit_failures,
        failed.len() as u64,
        "every CommitFailedException counts: {d:?}"
    );
    let stats = sim.rebalance_stats("slow-group");
    assert!(stats.removals.get("leave").is_some_and(|n| *n >= 1), "{stats:?}");
    eprintln!(
        "poll timeouts {}, first at {} ms ({} ms after the first sync); commit failures {}; rebalances {stats:?}; \
         delivery {d:?}",
        warnings.len(),
        ms(warned_at),
        ms(warned_at) - ms(synced),
        failed.len()
    );
}

#[test]
fn a_batch_that_fits_in_max_poll_interval_shows_none_of_that() {
    let (s, mut sim, seen) = run("group-poll-timeout-fits");
    let cfg = &s.consumer_groups[0].members[0].config;
    assert!(2 * u64::from(cfg.max_poll_records) < u64::from(cfg.max_poll_interval_ms));
    assert_eq!(seen.consumer_lines("WARN", "poll timeout").count(), 0);
    assert_eq!(seen.consumer_lines("ERROR", "CommitFailedException").count(), 0);
    assert!(seen.delivered.iter().all(|(_, _, _, l)| *l != "LeaveGroup"));
    assert!(seen.removals().is_empty(), "{:?}", seen.removals());
    let stats = sim.rebalance_stats("slow-group");
    assert!(stats.rebalances >= 1 && stats.rebalances <= 2, "{stats:?}");
    assert_eq!(
        stats.reasons.keys().copied().collect::<Vec<_>>(),
        ["new member"],
        "{stats:?}"
    );
    let d = sim.delivery_report(0).expect("the group's report");
    assert_eq!(
        (d.processed_twice, d.commit_failures, d.skipped),
        (0, 0, 0),
        "{d:?}"
    );
    // It keeps up: the backlog is consumed.
    assert!(d.consumed > 2_000 && d.lag < 100, "{d:?}");
    eprintln!("rebalances {stats:?}; delivery {d:?}");
}

#[test]
fn heartbeat_not_below_the_session_timeout_fails_at_construction() {
    let path = format!(
        "{}/../../tests/scenarios/invalid/group-heartbeat-not-below-session.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("scenario file");
    let e = Scenario::from_toml_str(&text).expect_err("heartbeat.interval.ms >= session.timeout.ms");
    assert_eq!(
        e.to_string(),
        "consumer_groups[0].config: Heartbeat must be set lower than the session timeout"
    );
    let kafka = e.config_error().expect("a Kafka construction error");
    assert_eq!(kafka.kafka_message(), "Failed to construct kafka consumer");
}

#[test]
fn a_session_timeout_below_the_group_minimum_never_joins() {
    let (s, mut sim, seen) = run("group-session-timeout-below-min");
    let cfg = &s.consumer_groups[0].members[0].config;
    assert!(
        cfg.session_timeout_ms < 6_000,
        "below group.min.session.timeout.ms"
    );

    // JoinGroups reached the coordinator, and none was admitted.
    let joins = seen
        .delivered
        .iter()
        .filter(|(_, _, _, l)| *l == "JoinGroup")
        .count();
    assert!(joins >= 2, "each member asked at least once: {joins}");
    assert_eq!(seen.joined(), 0);
    assert!(seen.rebalances_started().is_empty());
    assert!(
        seen.delivered
            .iter()
            .all(|(_, _, _, l)| *l != "SyncGroup" && *l != "Heartbeat")
    );
    for (m, _, v) in sim.member_views(0) {
        // Between JoinGroup attempts (Unjoined) or waiting for the next answer (PreparingRebalance).
        assert!(
            matches!(v.state, MemberState::Unjoined | MemberState::PreparingRebalance),
            "{m:?}: {v:?}"
        );
        assert_eq!(v.generation, -1, "{m:?}");
        assert!(v.member_id.is_empty() && v.assigned.is_empty(), "{m:?}: {v:?}");
    }

    // Kafka's wording: the JoinGroup handler's fatal error, then poll() throws the exception.
    let fatal = format!("JoinGroup failed due to fatal error: {INVALID_SESSION_TIMEOUT_MESSAGE}");
    let logged: Vec<_> = seen.consumer_lines("ERROR", &fatal).collect();
    assert!(logged.iter().all(|(_, _, _, l)| *l == fatal), "{logged:?}");
    let members: std::collections::BTreeSet<u16> = logged.iter().map(|(_, m, _, _)| m.member).collect();
    assert_eq!(members.len(), 2, "both members: {logged:?}");
    let thrown = format!(
        "org.apache.kafka.common.errors.InvalidSessionTimeoutException: {INVALID_SESSION_TIMEOUT_MESSAGE}"
    );
    assert!(seen.consumer_lines("ERROR", &thrown).count() >= 2);
    // And it is among the run's notable events (`kafka-sim run --events`).
    assert!(sim.notable_events().iter().any(|(_, e)| matches!(
        e,
        TraceEvent::Node { event: ClusterEvent::Consumer { message, .. }, .. } if *message == fatal
    )));
    let d = sim.delivery_report(0).expect("the group's report");
    assert_eq!(d.consumed, 0, "{d:?}");
    eprintln!("{joins} JoinGroups refused, {} fatal errors logged", logged.len());
}
