//! Sessions: replay from (scenario, seed, action log) is exact; step back and forward; seeking back
//! and acting forks history; permalinks round-trip and garbage is refused.

use kafka_sim::ids::BrokerId;
use kafka_sim::scenario::Scenario;
use kafka_sim::session::{Command, Permalink, PermalinkError, Position, ScenarioSource, Session};
use kafka_sim::sim::run_scenario;
use kafka_sim::time::SimTime;

fn scenario_text(name: &str) -> String {
    let path = format!("{}/../../tests/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn session(name: &str) -> Session {
    let scenario = Scenario::from_toml_str(&scenario_text(name)).expect("valid scenario");
    let seed = scenario.seed;
    Session::new(ScenarioSource::Named(name.into()), scenario, seed).expect("valid spec")
}

fn secs(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

#[test]
fn session_runs_as_the_scenario_runner_does() {
    // Same scenario faults and member starts, unit by unit: the same trace as `run_until`.
    let mut scenario = Scenario::from_toml_str(&scenario_text("group-member-crash")).unwrap();
    scenario.duration = secs(25);
    let sim = run_scenario(&scenario, None).unwrap();
    let mut s = Session::new(ScenarioSource::Named("group-member-crash".into()), scenario, 42).unwrap();
    s.run_until(secs(25));
    assert_eq!(s.now(), secs(25));
    assert_eq!(s.trace_hash(), sim.trace_hash());
    assert_eq!(s.sim().events_processed(), sim.events_processed());
}

/// A session with a few actions of different kinds at different times.
fn acted_session() -> Session {
    let mut s = session("seed-reserve");
    s.run_until(SimTime::from_millis(3_500));
    s.apply(Command::SendRecord {
        producer: "reservation-service".into(),
        key: Some("k-1".into()),
        value: "{\"reservationId\":1}".into(),
    })
    .unwrap();
    for _ in 0..5 {
        s.step();
    }
    s.apply(Command::SetProducerConfig {
        producer: "reservation-service".into(),
        name: "acks".into(),
        value: "1".into(),
    })
    .unwrap();
    s.run_until(secs(6));
    s.apply(Command::CrashBroker { broker: 2 }).unwrap();
    s.run_until(secs(12));
    s.apply(Command::RestartBroker { broker: 2 }).unwrap();
    s.run_until(secs(15));
    s
}

#[test]
fn replay_from_the_log_reaches_the_same_trace_hash() {
    let s = acted_session();
    assert_eq!(s.log().len(), 4);
    let link = s.permalink();
    let scenario = Scenario::from_toml_str(&scenario_text("seed-reserve")).unwrap();
    let mut replay =
        Session::with_log(link.scenario.clone(), scenario, link.seed, link.actions.clone()).unwrap();
    replay.seek_position(link.position);
    assert_eq!(replay.position(), s.position());
    assert_eq!(replay.trace_hash(), s.trace_hash());
    assert_eq!(replay.applied(), 4);
    // And without the actions, the run differs.
    let mut plain = session("seed-reserve");
    plain.run_until(secs(15));
    assert_ne!(plain.trace_hash(), s.trace_hash());
}

#[test]
fn step_back_then_forward_gives_the_same_states() {
    let mut s = acted_session();
    s.run_until(SimTime::from_millis(16_300));
    let mut seen: Vec<(Position, u64)> = vec![(s.position(), s.trace_hash())];
    for _ in 0..6 {
        s.step().expect("work left");
        seen.push((s.position(), s.trace_hash()));
    }
    for i in (0..6).rev() {
        assert!(s.step_back());
        let (pos, hash) = seen[i];
        if i == 0 {
            // The start was a run_until to a time past its last unit; stepping back lands on the unit.
            assert_eq!(s.position().step, pos.step);
            continue;
        }
        assert_eq!(s.position(), pos, "step back to {i}");
        assert_eq!(s.trace_hash(), hash, "step back to {i}");
    }
    for (i, (pos, hash)) in seen.iter().enumerate().skip(1) {
        s.step();
        assert_eq!((s.position(), s.trace_hash()), (*pos, *hash), "forward to {i}");
    }
}

#[test]
fn step_back_crosses_actions_and_snapshots() {
    let mut s = acted_session();
    // Back to just after the first action, then forward again to the end: same hash.
    let end = (s.position(), s.trace_hash());
    s.seek(SimTime::from_millis(3_500));
    assert_eq!(s.applied(), 1);
    assert_eq!(s.log().len(), 4, "seeking does not fork");
    s.seek_position(end.0);
    assert_eq!((s.position(), s.trace_hash()), end);
    assert!(s.snapshot_count() >= 2);
}

#[test]
fn seeking_back_and_acting_forks_history() {
    let mut s = acted_session();
    s.seek(secs(8)); // after the crash of broker 2 (6 s), before its restart (12 s)
    assert_eq!(s.now(), secs(8));
    assert_eq!(s.applied(), 3);
    assert!(!s.sim().kernel().is_up(kafka_sim::NodeId(2)));
    s.apply(Command::CrashBroker { broker: 3 }).unwrap();
    let names: Vec<&str> = s.log().iter().map(|a| a.command.name()).collect();
    assert_eq!(
        names,
        [
            "send_record",
            "set_producer_config",
            "crash_broker",
            "crash_broker"
        ],
        "the restart at 12 s is gone"
    );
    s.run_until(secs(15));
    assert!(
        !s.sim().kernel().is_up(kafka_sim::NodeId(2)),
        "broker 2 was never restarted"
    );
    assert!(!s.sim().kernel().is_up(kafka_sim::NodeId(3)));
    // The fork replays exactly too.
    let link = s.permalink();
    let scenario = Scenario::from_toml_str(&scenario_text("seed-reserve")).unwrap();
    let mut replay = Session::with_log(link.scenario, scenario, link.seed, link.actions).unwrap();
    replay.seek_position(link.position);
    assert_eq!(replay.trace_hash(), s.trace_hash());
    assert!(s.sim().broker(BrokerId(1)).is_some());
}

#[test]
fn a_refused_command_changes_nothing() {
    let mut s = acted_session();
    s.seek(secs(8));
    let before = (s.position(), s.trace_hash(), s.log().len());
    let err = s
        .apply(Command::SetProducerConfig {
            producer: "reservation-service".into(),
            name: "linger.ms".into(),
            value: "-1".into(),
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Invalid value -1 for configuration linger.ms: Value must be at least 0"
    );
    assert_eq!(
        (s.position(), s.trace_hash(), s.log().len()),
        before,
        "no fork either"
    );
}

#[test]
fn permalinks_round_trip() {
    let s = acted_session();
    let link = s.permalink();
    let text = link.encode();
    assert!(text.starts_with("k1."));
    assert!(
        text.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'),
        "URL-safe: {text}"
    );
    assert!(text.len() < 300, "compact: {} chars", text.len());
    assert_eq!(Permalink::decode(&text).unwrap(), link);
    assert_eq!(Permalink::from_json(&link.to_json()).unwrap(), link);
    assert!(
        link.to_json()
            .contains(r#""command":{"do":"crash_broker","broker":2}"#),
        "{}",
        link.to_json()
    );
    let inline = Permalink {
        scenario: ScenarioSource::Inline(scenario_text("seed-reserve")),
        ..link.clone()
    };
    assert_eq!(Permalink::decode(&inline.encode()).unwrap(), inline);
}

#[test]
fn garbled_permalinks_are_refused_with_a_clear_error() {
    let text = acted_session().permalink().encode();
    assert_eq!(Permalink::decode("").unwrap_err(), PermalinkError::Prefix);
    assert_eq!(
        Permalink::decode("https://x/?p=1").unwrap_err(),
        PermalinkError::Prefix
    );
    assert_eq!(Permalink::decode("k1.a").unwrap_err(), PermalinkError::Encoding);
    assert_eq!(
        Permalink::decode("k1.ab!d").unwrap_err(),
        PermalinkError::Encoding
    );
    assert_eq!(Permalink::decode("k1.").unwrap_err(), PermalinkError::Checksum);
    for cut in 1..8 {
        let e = Permalink::decode(&text[..text.len() - cut]).unwrap_err();
        assert!(e.to_string().starts_with("the permalink is damaged"), "{e}");
    }
    let long = format!("k1.{}", "A".repeat(70_000));
    assert!(matches!(
        Permalink::decode(&long),
        Err(PermalinkError::TooLong(_))
    ));
    // Every single-character change is caught, and nothing panics.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..2_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut bytes = text.clone().into_bytes();
        let i = 3 + (x as usize) % (bytes.len() - 3);
        let c = alphabet[(x >> 32) as usize % 64];
        if bytes[i] == c {
            continue;
        }
        bytes[i] = c;
        let garbled = String::from_utf8(bytes).unwrap();
        let e = Permalink::decode(&garbled).expect_err("a changed permalink is refused");
        assert!(e.to_string().contains("damaged"), "{e}");
    }
    // Checksum-valid but hostile: a position days ahead would keep the page replaying.
    let mut far = acted_session().permalink();
    far.position.at = SimTime::from_secs(86_400 * 30);
    let e = Permalink::decode(&far.encode()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the permalink is damaged: it points past 1 h of simulated time"
    );
    assert!(Permalink::from_json(&far.to_json()).is_err());
    assert!(Permalink::from_json("{\"scenario\":{\"named\":\"x\"}}").is_err());
    assert!(Permalink::from_json("not json").is_err());
}

#[test]
fn deferred_snapshots_wait_for_the_caller_and_change_nothing() {
    let mut plain = session("seed-reserve");
    plain.run_until(secs(7));
    let mut s = session("seed-reserve");
    s.set_snapshots_deferred(true);
    s.run_until(secs(3));
    assert_eq!(s.snapshot_count(), 1, "only the one at time zero");
    assert!(s.snapshot_due());
    s.take_due_snapshot();
    assert_eq!(s.snapshot_count(), 2);
    assert!(!s.snapshot_due());
    s.run_until(secs(7));
    assert_eq!(s.trace_hash(), plain.trace_hash(), "the same run");
    // Rewinding still lands exactly, from the snapshot taken late.
    let at_5 = {
        let mut r = session("seed-reserve");
        r.run_until(secs(5));
        r.trace_hash()
    };
    s.seek(secs(5));
    assert_eq!(s.trace_hash(), at_5);
}
