//! The swarm's consumer group ([`kafka_sim::swarm::group`]): its generated scenarios are valid, and
//! regressions for the model bugs its seeds found, each reduced to a small scenario.

use kafka_sim::SimTime;
use kafka_sim::group::consumer::MemberState;
use kafka_sim::group::coordinator::GroupState;
use kafka_sim::scenario::Scenario;
use kafka_sim::sim::run_scenario;
use kafka_sim::swarm::group::group_problems;
use kafka_sim::swarm::{FAULT_WINDOW, swarm_case};

/// Three brokers, topic `t` (RF 3), a producer, and group `g` of `members` members with a session
/// timeout below `request.timeout.ms` (30 s), so a heartbeat to a dead coordinator is still in
/// flight when the session runs out; then `faults`.
fn scenario(members: u32, session_ms: u32, faults: &str) -> Scenario {
    let text = format!(
        "seed = 7\nduration = \"90s\"\n[cluster]\nbrokers = 3\n[cluster.config]\n\
         \"offsets.topic.replication.factor\" = 3\n\"offsets.topic.num.partitions\" = 1\n\
         \"group.initial.rebalance.delay.ms\" = 0\n[[topics]]\nname = \"t\"\npartitions = 2\n\
         replication_factor = 3\n[[producers]]\ntopic = \"t\"\nrate = 50\nvalue = \"v\"\n\
         [[consumer_groups]]\n\"group.id\" = \"g\"\ntopics = [\"t\"]\nmembers = {members}\n\
         processing = \"1ms\"\ncommit = \"manual\"\n[consumer_groups.config]\n\
         \"auto.offset.reset\" = \"earliest\"\n\"session.timeout.ms\" = {session_ms}\n\
         \"heartbeat.interval.ms\" = 1000\n{faults}"
    );
    Scenario::from_toml_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn generated_group_scenarios_parse() {
    let mut with_group = 0;
    for seed in 0..300 {
        let case = swarm_case(seed);
        let text = case.scenario_toml();
        let s = Scenario::from_toml_str(&text).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
        if let Some(g) = &case.group {
            with_group += 1;
            assert_eq!(s.consumer_groups.len(), 1);
            assert!(g.heartbeat_ms < g.session_ms / 2, "seed {seed}");
            assert!((6_000..=30_000).contains(&g.session_ms), "seed {seed}");
            let batch_us = g.processing.as_micros() * u64::from(g.max_poll_records);
            assert!(
                batch_us * 3 <= g.max_poll_interval_ms * 1_000,
                "seed {seed}: {batch_us} us"
            );
            // Every member fault fires inside the fault window; the heal's faults at its end.
            assert!(
                s.faults.iter().all(|f| f.at >= SimTime::from_secs(2)),
                "seed {seed}"
            );
            assert!(g.faults.iter().all(|(at, _)| *at < FAULT_WINDOW), "seed {seed}");
        } else {
            assert!(s.consumer_groups.is_empty() && s.faults.is_empty());
        }
    }
    assert!(
        (70..=130).contains(&with_group),
        "{with_group} of 300 seeds with a group"
    );
}

/// Swarm seed 5: the coordinator's broker crashed while the member's heartbeat was in flight; the
/// session ran out first, the member marked the coordinator unknown and found the new one, but its
/// session timer was still expired, so the heartbeat thread dropped the new coordinator at once,
/// again and again: the member never heartbeated or rejoined. Kafka resets the session timer on
/// discovering a coordinator (`heartbeat.resetSessionTimeout()` in `FindCoordinatorResponseHandler`).
#[test]
fn a_member_rejoins_after_its_session_ran_out_while_the_coordinator_was_down() {
    let s = scenario(
        2,
        10_000,
        "[[faults]]\nat = \"10s\"\naction = \"crash\"\nbroker = \"coordinator:g\"\n",
    );
    let mut sim = run_scenario(&s, None).expect("the scenario runs");
    let (_, view) = sim.group_view("g").expect("the new coordinator has the group");
    assert_eq!(view.state, GroupState::Stable, "{view:?}");
    let members = sim.member_views(0);
    assert_eq!(members.len(), 2);
    for (m, _, v) in &members {
        assert!(
            v.coordinator.is_some(),
            "member {} lost its coordinator: {v:?}",
            m.member
        );
        assert_eq!(
            (v.state, v.generation),
            (MemberState::Stable, view.generation),
            "{v:?}"
        );
        assert!(
            view.members.iter().any(|c| c.member_id == v.member_id),
            "{view:?}"
        );
    }
    let problems = group_problems(&sim, 2, 1);
    assert!(problems.is_empty(), "{problems:?}");
    let report = sim.delivery_report(0).expect("group 0");
    assert_eq!(report.skipped, 0);
    assert!(report.consumed > 3_000, "{report:?}");
}
