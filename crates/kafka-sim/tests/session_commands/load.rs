//! The producer's load and the group's commit mode as commands, the narration of config changes,
//! and the new commands in permalinks.

use super::*;
use kafka_sim::group::consumer::CommitMode;
use kafka_sim::scenario::KeyTemplate;
use kafka_sim::session::{Commit, LoggedAction, Permalink, Position, Rate};
use kafka_sim::view::EventKind;

fn log_lines(s: &Session) -> Vec<String> {
    (s.sim().event_log_range(s.sim().event_log_bounds()).iter())
        .map(|e| e.narration.english())
        .collect()
}

fn load(rate: Option<f64>, keys: Option<&str>) -> Command {
    Command::SetProducerLoad {
        producer: "reservation-service".into(),
        rate: rate.map(Rate),
        keys: keys.map(str::to_string),
    }
}

#[test]
fn a_load_change_restarts_the_producer_at_the_new_rate_and_keys() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(5_000));
    let emitted_before = s.sim().producers().next().unwrap().emitted();
    assert!(
        (490..=510).contains(&emitted_before),
        "100/s for 5 s: {emitted_before}"
    );
    s.apply(load(Some(10.0), Some("none"))).unwrap();
    s.run_until(ms(6_000));
    let p = s.sim().producers().next().unwrap();
    assert!(!p.is_restarting());
    assert_eq!(p.setup().rate, 10.0);
    assert_eq!(p.setup().keys, KeyTemplate::Null);
    let after_restart = p.emitted();
    s.run_until(ms(16_000));
    let sent = s.sim().producers().next().unwrap().emitted() - after_restart;
    assert!((95..=105).contains(&sent), "10/s for 10 s: {sent}");
    // Kafka's close line, then the restart with what changed; the event log says so too.
    let logs = producer_logs(&s);
    assert!(
        (logs.iter()).any(|l| l.contains("restarted the producer")
            && l.contains("rate=10 records/s (was 100)")
            && l.contains("keys=none (was reserve-{n})")),
        "{logs:?}"
    );
    assert!(
        log_lines(&s)
            .iter()
            .any(|l| l == "producer reservation-service restarted with rate=10 records/s and keys=none"),
        "{:?}",
        log_lines(&s)
    );
    // The view shows the new load.
    let view = s.sim().view();
    assert_eq!(view.producers[0].rate, 10.0);
    assert_eq!(view.producers[0].keys, "none");
    // Only the keys: the rate stays.
    s.apply(load(None, Some("user-{n}"))).unwrap();
    s.run_until(ms(18_000));
    let p = s.sim().producers().next().unwrap();
    assert_eq!(p.setup().rate, 10.0);
    assert_eq!(p.setup().keys.to_string(), "user-{n}");
    assert_eq!(s.sim().durability_report().acked_lost, 0);
}

#[test]
fn a_bad_load_is_refused_and_changes_nothing() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(3_000));
    let before = (s.position(), s.trace_hash(), s.log().len(), log_lines(&s).len());
    let cases: [(Command, &str); 5] = [
        (
            load(Some(0.0), None),
            "set_producer_load: Invalid send rate 0: must be greater than 0 and at most 1000000 records per second",
        ),
        (
            load(Some(2e6), None),
            "set_producer_load: Invalid send rate 2000000: must be greater than 0 and at most 1000000 records per second",
        ),
        (
            load(Some(f64::NAN), None),
            "set_producer_load: Invalid send rate NaN: must be greater than 0 and at most 1000000 records per second",
        ),
        (
            load(None, None),
            "A load change needs a send rate or a key pattern",
        ),
        (
            Command::SetProducerLoad {
                producer: "nope".into(),
                rate: Some(Rate(5.0)),
                keys: None,
            },
            "no producer named 'nope'",
        ),
    ];
    for (command, message) in cases {
        let e = s.apply(command).unwrap_err();
        assert_eq!(e.to_string(), message);
    }
    let e = s.apply(load(None, Some("user-{id}"))).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Invalid key pattern: unknown placeholder {id} in \"user-{id}\": the only placeholder is {n}, \
         the record's running number"
    );
    let e = s
        .apply(Command::SetCommitMode {
            group: "nope".into(),
            mode: Commit::Auto,
        })
        .unwrap_err();
    assert_eq!(e.to_string(), "no consumer group 'nope'");
    assert_eq!(
        (s.position(), s.trace_hash(), s.log().len(), log_lines(&s).len()),
        before
    );
    assert_eq!(s.sim().producers().next().unwrap().setup().rate, 100.0);
}

fn member_setups(s: &Session) -> Vec<(CommitMode, bool)> {
    (s.sim().member_views(0).iter())
        .map(|(m, _, _)| {
            let id = s.sim().member_node(*m).unwrap();
            let node = s.sim().kernel().node(id).unwrap().as_consumer().unwrap();
            let setup = node.next_setup();
            (setup.commit_mode, setup.config.enable_auto_commit)
        })
        .collect()
}

#[test]
fn a_commit_mode_change_restarts_the_members_committing_that_way() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(10_000));
    assert_eq!(member_setups(&s), [(CommitMode::ManualAfterProcessing, false); 3]);
    s.apply(Command::SetCommitMode {
        group: GROUP.into(),
        mode: Commit::Auto,
    })
    .unwrap();
    s.run_until(ms(20_000));
    assert_eq!(member_setups(&s), [(CommitMode::Auto, true); 3]);
    assert_eq!(member_count(&s), 3, "every member rejoined");
    let view = s.sim().view();
    assert_eq!(view.groups[0].commit_mode, "auto");
    assert!(
        log_lines(&s).iter().any(|l| l.starts_with(
            "group data-platform-group now commits automatically (enable.auto.commit, every \
             auto.commit.interval.ms) (was after processing (commitSync))"
        )),
        "{:?}",
        log_lines(&s)
    );
    // A member added later commits the new way too.
    s.apply(Command::SetCommitMode {
        group: GROUP.into(),
        mode: Commit::Before,
    })
    .unwrap();
    s.apply(Command::AddMember { group: GROUP.into() }).unwrap();
    s.run_until(ms(30_000));
    assert_eq!(member_setups(&s), [(CommitMode::BeforeProcessing, false); 4]);
    assert_eq!(s.sim().view().groups[0].commit_mode, "before");
    // Nothing acknowledged was lost; consumers went on committing.
    assert_eq!(s.sim().durability_report().acked_lost, 0);
}

#[test]
fn topic_and_broker_config_changes_are_narrated() {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(2_000));
    s.apply(Command::SetTopicConfig {
        topic: "reserve".into(),
        name: "min.insync.replicas".into(),
        value: "2".into(),
    })
    .unwrap();
    s.apply(Command::SetTopicConfig {
        topic: "reserve".into(),
        name: "unclean.leader.election.enable".into(),
        value: "true".into(),
    })
    .unwrap();
    s.apply(Command::SetBrokerConfig {
        name: "replica.lag.time.max.ms".into(),
        value: "5000".into(),
    })
    .unwrap();
    s.apply(Command::SetConsumerConfig {
        group: GROUP.into(),
        member: None,
        name: "max.poll.records".into(),
        value: "50".into(),
    })
    .unwrap();
    let lines = log_lines(&s);
    let has = |start: &str| lines.iter().any(|l| l.starts_with(start));
    assert!(
        has(
            "min.insync.replicas of topic reserve set to 2 (was 1): acks=all produces now need 2 \
             in-sync replicas"
        ),
        "{lines:?}"
    );
    assert!(
        has(
            "unclean.leader.election.enable of topic reserve set to true (was false): a replica \
             outside the ISR may now become leader"
        ),
        "{lines:?}"
    );
    assert!(
        has(
            "replica.lag.time.max.ms set to 5000 (was 30000) in every broker's server.properties: a \
             read-only config in Kafka 3.7, so each broker uses it from its next start; then a follower \
             more than 5 s behind its leader leaves the ISR"
        ),
        "{lines:?}"
    );
    assert!(
        has("the members of group data-platform-group restart with max.poll.records=50"),
        "{lines:?}"
    );
    let kinds: Vec<EventKind> = (s.sim().event_log_range(s.sim().event_log_bounds()).iter())
        .rev()
        .take(4)
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            EventKind::Member,
            EventKind::Broker,
            EventKind::Broker,
            EventKind::Broker
        ]
    );
    // A refused value is not narrated.
    let n = log_lines(&s).len();
    s.apply(Command::SetTopicConfig {
        topic: "reserve".into(),
        name: "min.insync.replicas".into(),
        value: "0".into(),
    })
    .unwrap_err();
    assert_eq!(log_lines(&s).len(), n);
}

#[test]
fn load_and_commit_mode_commands_round_trip_through_permalinks() {
    let commands = [
        load(Some(12.5), Some("reserve-{n}")),
        load(None, Some("none")),
        load(Some(1000.0), None),
        Command::SetCommitMode {
            group: GROUP.into(),
            mode: Commit::Manual,
        },
        Command::SetCommitMode {
            group: GROUP.into(),
            mode: Commit::Before,
        },
        Command::SetCommitMode {
            group: GROUP.into(),
            mode: Commit::Auto,
        },
    ];
    let actions: Vec<LoggedAction> = (commands.iter().enumerate())
        .map(|(i, c)| LoggedAction {
            at: ms(1_000 * (i as u64 + 1)),
            step: 100 * (i as u64 + 1),
            command: c.clone(),
        })
        .collect();
    let link = Permalink {
        scenario: ScenarioSource::Named("seed-reserve".into()),
        seed: 42,
        position: Position {
            step: 700,
            at: ms(7_000),
        },
        actions,
    };
    assert_eq!(Permalink::decode(&link.encode()).unwrap(), link);
    let json = link.to_json();
    assert!(
        json.contains(
            r#"{"do":"set_producer_load","producer":"reservation-service","rate":12.5,"keys":"reserve-{n}"}"#
        ),
        "{json}"
    );
    assert!(
        json.contains(r#"{"do":"set_commit_mode","group":"data-platform-group","mode":"before"}"#),
        "{json}"
    );
    assert_eq!(Permalink::from_json(&json).unwrap(), link);
    // A hand-edited JSON with a bad rate is refused, as a bad value would be.
    let bad = json.replace("\"rate\":12.5", "\"rate\":-1.0");
    assert!(Permalink::from_json(&bad).is_err());
    // A replayed session with these actions reproduces the live one.
    let mut live = session(WITH_GROUP);
    for (i, c) in commands.iter().enumerate() {
        live.run_until(ms(1_000 * (i as u64 + 1)));
        live.apply(c.clone()).unwrap();
    }
    live.run_until(ms(9_000));
    let scenario = Scenario::from_toml_str(WITH_GROUP).unwrap();
    let again = Permalink::decode(&live.permalink().encode()).unwrap();
    let mut replay = Session::with_log(
        ScenarioSource::Inline(WITH_GROUP.into()),
        scenario,
        again.seed,
        again.actions,
    )
    .unwrap();
    replay.run_until(ms(9_000));
    assert_eq!(replay.trace_hash(), live.trace_hash());
}
