//! Every [`Command`] kind applied to a running session changes the simulation as Kafka would, and
//! invalid values are refused with Kafka's own message, changing nothing.

use kafka_sim::ErrorCode;
use kafka_sim::cluster::ClusterEvent;
use kafka_sim::cluster::producer_node::ManualResult;
use kafka_sim::config::Acks;
use kafka_sim::group::consumer::Lifecycle;
use kafka_sim::ids::{BrokerId, NodeId};
use kafka_sim::kernel::TraceEvent;
use kafka_sim::partitioner::partition_for_key;
use kafka_sim::record::{TopicIdx, TopicPartition};
use kafka_sim::scenario::Scenario;
use kafka_sim::session::{Command, Pause, ScenarioSource, Session};
use kafka_sim::time::SimTime;

const GROUP: &str = "data-platform-group";

/// The seed's system with its consumer group (three members, session.timeout.ms 10 s).
const WITH_GROUP: &str = r#"
seed = 7
duration = "60s"
[cluster]
brokers = 3
[cluster.config]
"offsets.topic.replication.factor" = 3
"group.initial.rebalance.delay.ms" = 0
[[topics]]
name = "reserve"
partitions = 3
replication_factor = 3
[[producers]]
name = "reservation-service"
topic = "reserve"
rate = 100
keys = "reserve-{n}"
value = '{"reservationId":{n}}'
[producers.config]
"value.serializer" = "org.springframework.kafka.support.serializer.JsonSerializer"
[[consumer_groups]]
"group.id" = "data-platform-group"
topics = ["reserve"]
members = 3
processing = "1ms"
commit = "manual"
[consumer_groups.config]
"enable.auto.commit" = false
"auto.offset.reset" = "earliest"
"session.timeout.ms" = 10000
"heartbeat.interval.ms" = 3000
"#;

fn session(text: &str) -> Session {
    let scenario = Scenario::from_toml_str(text).expect("valid scenario");
    let seed = scenario.seed;
    Session::new(ScenarioSource::Inline(text.into()), scenario, seed).unwrap()
}

fn ms(v: u64) -> SimTime {
    SimTime::from_millis(v)
}

fn send(s: &mut Session, key: &str) -> (u16, kafka_sim::record::RecordId, TopicPartition) {
    let a = s
        .apply(Command::SendRecord {
            producer: "reservation-service".into(),
            key: Some(key.into()),
            value: "{\"reservationId\":7}".into(),
        })
        .unwrap();
    let sent = a.sent.expect("a sent record");
    (sent.producer, sent.id, sent.tp)
}

fn result_of(s: &Session, sent: (u16, kafka_sim::record::RecordId, TopicPartition)) -> ManualResult {
    s.sim()
        .sent_record(sent.0, sent.1)
        .expect("remembered")
        .result
        .clone()
}

fn producer_logs(s: &Session) -> Vec<String> {
    (s.sim().trace().entries())
        .filter_map(|e| match &e.event {
            TraceEvent::Node {
                event: ClusterEvent::ProducerLog { message, .. },
                ..
            } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn send_one_record_reports_the_murmur2_partition_and_its_offset() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(5_000));
    let sent = send(&mut s, "reserve-42");
    let expected = partition_for_key(b"reserve-42", 3);
    assert_eq!(sent.2.partition, expected);
    assert_eq!(result_of(&s, sent), ManualResult::Pending);
    s.run_until(ms(6_000));
    let ManualResult::Acked { offset: Some(offset) } = result_of(&s, sent) else {
        panic!("acked with an offset: {:?}", result_of(&s, sent));
    };
    assert!(offset >= 0 && offset < s.sim().high_watermark_of(sent.2));
}

#[test]
fn a_producer_option_change_restarts_it_and_the_new_acks_apply() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(5_000));
    s.apply(Command::SetProducerConfig {
        producer: "reservation-service".into(),
        name: "acks".into(),
        value: "0".into(),
    })
    .unwrap();
    s.run_until(ms(6_000));
    let p = s.sim().producers().next().unwrap();
    assert_eq!(p.setup().config.acks, Acks::Zero);
    assert!(!p.is_restarting());
    let logs = producer_logs(&s);
    assert!(
        logs.iter()
            .any(|l| l == "Closing the Kafka producer with timeoutMillis = 9223372036854775807 ms.")
    );
    assert!(
        logs.iter()
            .any(|l| l.contains("restarted the producer") && l.contains("acks=0")),
        "{logs:?}"
    );
    // The event log says the producer was restarted, and with what.
    let log = s.sim().event_log_range(s.sim().event_log_bounds());
    assert!(
        log.iter().any(|e| {
            let line = e.narration.english();
            line.contains("reservation-service") && line.contains("acks=0")
        }),
        "{:?}",
        log.iter().map(|e| e.narration.english()).collect::<Vec<_>>()
    );
    // With acks=0 the client learns no offset.
    let sent = send(&mut s, "reserve-1");
    s.run_until(ms(7_000));
    assert_eq!(result_of(&s, sent), ManualResult::Acked { offset: None });
    // The durability oracle still sees one sequence of records: nothing lost, nothing odd.
    let report = s.sim().durability_report();
    assert_eq!(report.acked_lost, 0, "{report:?}");
}

#[test]
fn min_insync_replicas_2_with_two_brokers_down_gives_not_enough_replicas() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(5_000));
    let err = s
        .apply(Command::SetTopicConfig {
            topic: "reserve".into(),
            name: "min.insync.replicas".into(),
            value: "0".into(),
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"
    );
    for (name, value) in [("retries", "0"), ("enable.idempotence", "false")] {
        s.apply(Command::SetProducerConfig {
            producer: "reservation-service".into(),
            name: name.into(),
            value: value.into(),
        })
        .unwrap();
    }
    // The restart waits for the old client to drain (`close()` sends what it holds).
    s.run_until(ms(6_000));
    let p = s.sim().producers().next().unwrap();
    assert!(!p.is_restarting());
    assert_eq!(
        (p.setup().config.retries, p.setup().config.enable_idempotence),
        (0, false)
    );
    s.apply(Command::SetTopicConfig {
        topic: "reserve".into(),
        name: "min.insync.replicas".into(),
        value: "2".into(),
    })
    .unwrap();
    let tp = TopicPartition {
        topic: TopicIdx(0),
        partition: partition_for_key(b"k", 3),
    };
    let leader = s.sim().leader_of(tp).expect("a leader");
    assert_eq!(s.sim().zookeeper().topics()[0].min_insync_replicas, 2);
    for b in 1..=3 {
        if BrokerId(b) != leader {
            s.apply(Command::CrashBroker { broker: b }).unwrap();
        }
    }
    // The ISR shrinks to the leader after replica.lag.time.max.ms (30 s).
    s.run_until(ms(45_000));
    let sent = send(&mut s, "k");
    assert_eq!(sent.2, tp);
    s.run_until(ms(46_000));
    assert_eq!(
        result_of(&s, sent),
        ManualResult::Failed {
            error: ErrorCode::NotEnoughReplicas
        }
    );
}

#[test]
fn enabling_unclean_election_elects_an_out_of_sync_replica() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(5_000));
    let tp = TopicPartition {
        topic: TopicIdx(0),
        partition: 0,
    };
    let leader = s.sim().leader_of(tp).unwrap();
    let others: Vec<i32> = (1..=3).filter(|b| BrokerId(*b) != leader).collect();
    // One follower dies, the ISR shrinks without it; then the rest die; it comes back alone.
    s.apply(Command::CrashBroker { broker: others[0] }).unwrap();
    s.run_until(ms(45_000));
    s.apply(Command::CrashBroker { broker: others[1] }).unwrap();
    s.apply(Command::CrashBroker { broker: leader.0 }).unwrap();
    s.apply(Command::RestartBroker { broker: others[0] }).unwrap();
    s.run_until(ms(75_000));
    assert_eq!(s.sim().leader_of(tp), None, "no clean leader");
    s.apply(Command::SetTopicConfig {
        topic: "reserve".into(),
        name: "unclean.leader.election.enable".into(),
        value: "true".into(),
    })
    .unwrap();
    s.run_until(ms(76_000));
    assert_eq!(s.sim().leader_of(tp), Some(BrokerId(others[0])));
    assert!(s.sim().elections().unclean >= 1);
}

#[test]
fn broker_faults_from_clicks() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(2_000));
    s.apply(Command::CrashBroker { broker: 2 }).unwrap();
    assert!(!s.sim().kernel().is_up(NodeId(2)));
    s.apply(Command::RestartBroker { broker: 2 }).unwrap();
    assert!(s.sim().kernel().is_up(NodeId(2)));
    s.apply(Command::IsolateBroker { broker: 3 }).unwrap();
    assert!(s.sim().kernel().network().is_isolated(NodeId(3)));
    s.apply(Command::HealNetwork).unwrap();
    assert!(!s.sim().kernel().network().is_isolated(NodeId(3)));
    s.apply(Command::SlowBroker {
        broker: 1,
        latency: ms(40),
    })
    .unwrap();
    assert_eq!(
        s.sim().kernel().network().link(NodeId(1), NodeId(0)).latency,
        ms(40)
    );
    assert_eq!(
        s.sim().kernel().network().link(NodeId(2), NodeId(1)).latency,
        ms(40)
    );
    let e = s.apply(Command::CrashBroker { broker: 9 }).unwrap_err();
    assert_eq!(e.to_string(), "no broker 9");
}

#[test]
fn replica_lag_time_max_ms_takes_effect_at_the_broker_restart() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(2_000));
    let e = s
        .apply(Command::SetBrokerConfig {
            name: "replica.lag.time.max.ms".into(),
            value: "ten".into(),
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Invalid value ten for configuration replica.lag.time.max.ms: Not a number of type LONG"
    );
    s.apply(Command::SetBrokerConfig {
        name: "replica.lag.time.max.ms".into(),
        value: "10000".into(),
    })
    .unwrap();
    let b1 = s.sim().broker(BrokerId(1)).unwrap();
    assert_eq!(
        b1.settings().replica_lag_time_max_ms,
        30_000,
        "read-only: not yet"
    );
    assert_eq!(b1.pending_settings().unwrap().replica_lag_time_max_ms, 10_000);
    s.apply(Command::CrashBroker { broker: 1 }).unwrap();
    s.run_until(ms(3_000));
    s.apply(Command::RestartBroker { broker: 1 }).unwrap();
    s.run_until(ms(3_100));
    assert_eq!(
        s.sim()
            .broker(BrokerId(1))
            .unwrap()
            .settings()
            .replica_lag_time_max_ms,
        10_000
    );
    assert_eq!(
        s.sim()
            .broker(BrokerId(2))
            .unwrap()
            .settings()
            .replica_lag_time_max_ms,
        30_000
    );
}

fn member_count(s: &Session) -> usize {
    s.sim().group_view(GROUP).map_or(0, |(_, g)| g.members.len())
}

#[test]
fn a_crashed_member_is_removed_after_the_session_timeout() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(15_000));
    assert_eq!(member_count(&s), 3);
    s.apply(Command::CrashMember {
        group: GROUP.into(),
        member: 2,
    })
    .unwrap();
    s.run_until(ms(15_000 + 9_000));
    assert_eq!(member_count(&s), 3, "still there before session.timeout.ms");
    s.run_until(ms(15_000 + 11_000));
    assert_eq!(member_count(&s), 2, "removed after session.timeout.ms");
    assert_eq!(
        s.sim().rebalance_stats(GROUP).removals.get("session timeout"),
        Some(&1)
    );
    // Restart brings it back; close makes it leave at once.
    s.apply(Command::RestartMember {
        group: GROUP.into(),
        member: 2,
    })
    .unwrap();
    s.run_until(ms(30_000));
    assert_eq!(member_count(&s), 3);
    s.apply(Command::CloseMember {
        group: GROUP.into(),
        member: 3,
    })
    .unwrap();
    s.run_until(ms(31_000));
    assert_eq!(member_count(&s), 2);
    assert_eq!(s.sim().rebalance_stats(GROUP).removals.get("leave"), Some(&1));
}

#[test]
fn members_can_be_added_paused_and_reconfigured() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(10_000));
    s.apply(Command::AddMember { group: GROUP.into() }).unwrap();
    s.run_until(ms(12_000));
    assert_eq!(member_count(&s), 4);
    let e = s
        .apply(Command::SetConsumerConfig {
            group: GROUP.into(),
            member: None,
            name: "max.poll.interval.ms".into(),
            value: "0".into(),
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Invalid value 0 for configuration max.poll.interval.ms: Value must be at least 1"
    );
    s.apply(Command::SetConsumerConfig {
        group: GROUP.into(),
        member: None,
        name: "max.poll.interval.ms".into(),
        value: "5000".into(),
    })
    .unwrap();
    s.run_until(ms(20_000));
    let views = s.sim().member_views(0);
    assert!(
        views
            .iter()
            .all(|(_, up, v)| *up && v.lifecycle == Lifecycle::Running)
    );
    let configs: Vec<u32> = (views.iter())
        .map(|(m, _, _)| {
            let id = s.sim().member_node(*m).unwrap();
            let node = s.sim().kernel().node(id).unwrap().as_consumer().unwrap();
            node.consumer().setup().config.max_poll_interval_ms
        })
        .collect();
    assert_eq!(configs, [5000; 4]);
    assert_eq!(member_count(&s), 4, "every member rejoined");
    // A slow downstream call longer than max.poll.interval.ms: the member leaves the group.
    s.apply(Command::PauseMember {
        group: GROUP.into(),
        member: 1,
        duration: ms(8_000),
        kind: Pause::SlowDownstream,
    })
    .unwrap();
    s.run_until(ms(27_000));
    let lines: Vec<String> = (s.sim().trace().entries())
        .filter_map(|e| match &e.event {
            TraceEvent::Node {
                event: ClusterEvent::Consumer { message, .. },
                ..
            } => Some(message.clone()),
            _ => None,
        })
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("consumer poll timeout has expired")),
        "{lines:?}"
    );
    s.apply(Command::SetProcessing {
        group: GROUP.into(),
        per_record: ms(3),
    })
    .unwrap();
    let e = s.apply(Command::AddMember { group: "nope".into() }).unwrap_err();
    assert_eq!(e.to_string(), "no consumer group 'nope'");
}

// The load, commit-mode and narration tests (a module of this test binary, to keep files short).
#[path = "session_commands/load.rs"]
mod load;

#[path = "session_commands/terminal.rs"]
mod terminal;
