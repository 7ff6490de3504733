//! The producer panel and the consumer group panel, against scenario runs.

use kafka_sim::scenario::Scenario;
use kafka_sim::view::{Activity, MemberCard, SimView};
use kafka_sim::{SimTime, Simulation};

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

fn card(v: &SimView, number: u16) -> MemberCard {
    v.groups[0]
        .members
        .iter()
        .find(|m| m.number == number)
        .expect("member")
        .clone()
}

#[test]
fn the_producer_panel_shows_the_config_the_load_and_the_counters() {
    let (mut sim, end) = scenario_sim("acks1-leader-crash");
    sim.run_until(end);
    let v = sim.view();
    assert_eq!(v.producers.len(), 1);
    let p = &v.producers[0];
    assert_eq!((p.name.as_str(), p.topic.as_str(), p.up), ("app", "t", true));
    let c = &p.config;
    assert_eq!(c.acks, "1");
    assert_eq!((c.linger_ms, c.retries, c.batch_size), (0, i32::MAX, 16_384));
    assert_eq!(
        c.key_serializer,
        "org.apache.kafka.common.serialization.StringSerializer"
    );
    assert_eq!((c.request_timeout_ms, c.delivery_timeout_ms), (30_000, 120_000));
    assert_eq!(c.max_in_flight_requests_per_connection, 5);
    // Kafka 3.7: acks=1 turns off the idempotence default.
    assert!(!c.enable_idempotence);
    assert_eq!((p.rate, p.keys.as_str()), (1000.0, "k-{n}"));
    let s = &p.stats;
    assert_eq!(s.sent, 60_000);
    assert!(s.acked > 59_000 && s.acked + s.failed <= s.sent, "{s:?}");
    let (p50, p99) = (p.latency_p50_ms.unwrap(), p.latency_p99_ms.unwrap());
    assert!(
        p50 > 0.0 && p99 > p50 && p99 > 10_000.0,
        "the failover wait shows in p99: {p50} {p99}"
    );
}

#[test]
fn the_group_panel_shows_state_coordinator_cards_and_lag() {
    let (mut sim, _) = scenario_sim("group-member-crash");
    sim.run_until(SimTime::from_secs(15));
    let v = sim.view();
    let g = &v.groups[0];
    assert_eq!(g.group_id, "data-platform-group");
    assert_eq!(g.state.as_deref(), Some("Stable"));
    assert!(g.generation >= 1);
    assert_eq!(g.protocol.as_deref(), Some("range"));
    assert_eq!(g.assignors.first().map(String::as_str), Some("range"));
    assert_eq!(g.commit_mode, "manual");
    let coordinator = g.coordinator.expect("a coordinator");
    assert_eq!(g.members.len(), 3);
    assert_eq!(g.partitions.len(), 3);
    let mut owned = 0;
    for m in &g.members {
        assert!(m.up && m.lifecycle == "Running" && m.state == "STABLE", "{m:?}");
        let s = m.session.expect("the coordinator has it");
        assert_eq!((s.coordinator, s.session_timeout_ms), (coordinator, 45_000));
        assert!(s.since_heard_ms <= 3_100, "heartbeats every 3 s: {s:?}");
        let poll = m.poll.expect("polled");
        assert_eq!(poll.max_poll_interval_ms, 300_000);
        assert!(poll.fraction < 0.01);
        owned += m.partitions.len();
        for p in &m.partitions {
            let row = g
                .partitions
                .iter()
                .find(|r| r.topic == p.topic && r.partition == p.partition)
                .unwrap();
            assert_eq!(row.owner.as_deref(), Some(m.client_id.as_str()));
            assert!(p.position.is_some());
        }
    }
    assert_eq!(owned, 3);
    for r in &g.partitions {
        let committed = r.committed.expect("manual commits after each batch");
        assert!(committed <= r.high_watermark);
        assert_eq!(r.lag, (r.high_watermark - committed) as u64);
    }
}

#[test]
fn a_crashed_members_session_arc_grows_until_the_coordinator_removes_it() {
    let (mut sim, _) = scenario_sim("group-session-timeout");
    sim.run_until(SimTime::from_secs(20));
    let a = card(&sim.view(), 2);
    sim.run_until(SimTime::from_secs(40));
    let b = card(&sim.view(), 2);
    assert!(!a.up && !b.up);
    let (sa, sb) = (
        a.session.expect("still a member"),
        b.session.expect("still a member"),
    );
    assert_eq!(sa.last_heard, sb.last_heard);
    assert_eq!(sb.since_heard_ms - sa.since_heard_ms, 20_000);
    assert!(sa.fraction < sb.fraction && sb.fraction < 1.0);
    assert_eq!(b.activity, Activity::Stopped);
    // A live member's arc stays short.
    let live = card(&sim.view(), 1).session.unwrap();
    assert!(live.since_heard_ms < 3_500, "{live:?}");
    // After session.timeout.ms the coordinator removed it: no arc any more.
    sim.run_until(SimTime::from_secs(62));
    let c = card(&sim.view(), 2);
    assert!(c.session.is_none(), "{c:?}");
}

#[test]
fn a_slow_members_poll_bar_overruns() {
    let (mut sim, _) = scenario_sim("group-poll-timeout");
    let mut worst: f64 = 0.0;
    let mut processing = false;
    let mut t = SimTime::from_secs(5);
    while t < SimTime::from_secs(8) {
        t += SimTime::from_millis(50);
        sim.run_until(t);
        for m in &sim.view().groups[0].members {
            if let Some(p) = m.poll {
                worst = worst.max(p.fraction);
            }
            if let Activity::Processing { ranges, until } = &m.activity {
                processing = true;
                assert!(*until > sim.now());
                assert!(ranges.iter().all(|r| r.from < r.to && r.topic == "reserve"));
            }
        }
    }
    assert!(processing);
    assert!(worst > 1.0, "the poll bar overruns max.poll.interval.ms: {worst}");
}

#[test]
fn the_options_the_panels_show_are_the_effective_ones() {
    let (mut sim, _) = scenario_sim("group-member-crash");
    sim.run_until(SimTime::from_secs(5));
    let v = sim.view();
    let g = &v.groups[0];
    assert_eq!(
        g.processing,
        kafka_sim::view::ProcessingView::Uniform {
            min_ms: 1.0,
            max_ms: 5.0
        }
    );
    let c = card(&v, 1).config.expect("its config");
    assert_eq!(c.group_id, "data-platform-group");
    assert_eq!(c.group_instance_id.as_deref(), Some("c-1"));
    assert_eq!((c.session_timeout_ms, c.heartbeat_interval_ms), (45_000, 3_000));
    assert_eq!((c.max_poll_interval_ms, c.max_poll_records), (300_000, 500));
    assert!(!c.enable_auto_commit);
    assert_eq!(c.auto_offset_reset, "earliest");
    assert_eq!(c.partition_assignment_strategy, ["range", "cooperative-sticky"]);
    assert_eq!(
        c.value_deserializer,
        "org.springframework.kafka.support.serializer.JsonDeserializer"
    );
    let s = v.settings.expect("settings");
    assert_eq!(
        (
            s.brokers,
            s.zookeeper_session_timeout_ms,
            s.replica_lag_time_max_ms
        ),
        (3, 18_000, 30_000)
    );
    assert_eq!(s.topics.len(), 1);
    let t = &s.topics[0];
    assert_eq!(
        (t.name.as_str(), t.partitions, t.replication_factor),
        ("reserve", 3, 3)
    );
    assert_eq!(
        (t.min_insync_replicas, t.unclean_leader_election_enable),
        (1, false)
    );
}

#[test]
fn every_view_type_is_plain_serde_data() {
    fn serde<T: serde::Serialize + serde::de::DeserializeOwned>() {}
    serde::<SimView>();
    serde::<kafka_sim::view::LoggedEvent>();
    serde::<kafka_sim::view::MetricSample>();
    serde::<kafka_sim::view::AnomaliesView>();
    serde::<kafka_sim::view::SequenceEntry>();
    serde::<kafka_sim::view::TruncationView>();
}
