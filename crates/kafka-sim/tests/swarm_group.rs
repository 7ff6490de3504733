//! Regressions for the consumer group model bugs the swarm's seeds found, each reduced to a small
//! scenario.

use kafka_sim::group::consumer::MemberState;
use kafka_sim::group::coordinator::GroupState;
use kafka_sim::scenario::Scenario;
use kafka_sim::sim::run_scenario;

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
    let report = sim.delivery_report(0).expect("group 0");
    assert_eq!(report.skipped, 0);
    assert!(report.consumed > 3_000, "{report:?}");
}
