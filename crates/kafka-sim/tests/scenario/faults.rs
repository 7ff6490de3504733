//! Fault entries, broker selectors, record templates and TOML errors.

use super::{HEAD, error, fault, parse};
use kafka_sim::SimTime;
use kafka_sim::ids::BrokerId;
use kafka_sim::kernel::fault::Ratio;
use kafka_sim::scenario::{BrokerSelector, DropDirection, FaultAction, KeyTemplate, Scenario, Template};
#[test]
fn templates() {
    let t = Template::parse(r#"{"id":{n},"x":"{n}-{"}"#).expect("valid");
    assert_eq!(t.render(12), r#"{"id":12,"x":"12-{"}"#);
    assert_eq!(t.to_string(), r#"{"id":{n},"x":"{n}-{"}"#);
    assert!(Template::parse("same").is_ok_and(|t| !t.uses_number()));
    assert!(Template::parse("{N}").is_err());
    assert!(
        Template::parse("{ n }").is_ok(),
        "not a placeholder: literal text"
    );
    assert_eq!(KeyTemplate::parse("none"), Ok(KeyTemplate::Null));
}

#[test]
fn broker_selectors() {
    let p = BrokerSelector::parse;
    assert_eq!(p("2"), Ok(BrokerSelector::Id(BrokerId(2))));
    assert_eq!(p("all"), Ok(BrokerSelector::All));
    assert_eq!(
        p("leader:my-topic-12"),
        Ok(BrokerSelector::LeaderOf {
            topic: "my-topic".into(),
            partition: 12
        })
    );
    assert_eq!(
        p("followers:t-0"),
        Ok(BrokerSelector::FollowersOf {
            topic: "t".into(),
            partition: 0
        })
    );
    for bad in [
        "leader:reserve",
        "leader:-0",
        "leader:t-",
        "leader:t-+1",
        "followers:",
        "leader:t-x",
    ] {
        let kind = bad.split(':').next().unwrap_or_default();
        assert_eq!(
            p(bad),
            Err(format!(
                "invalid broker selector {bad:?}: expected TOPIC-PARTITION after \"{kind}:\", e.g. \"{kind}:reserve-0\""
            ))
        );
    }
    assert!(p("boss:1").is_err_and(|e| e.contains("expected a broker id")));
    assert_eq!(
        p("leader:t-3").map(|s| s.to_string()),
        Ok("leader:t-3".to_owned())
    );
}

#[test]
fn fault_checks() {
    assert_eq!(
        fault("at = \"1s\"\naction = \"crash\"\nbroker = 4"),
        "faults[0].broker: broker 4 does not exist: the cluster has brokers 1 to 3"
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"crash\"\nbroker = \"0\""),
        "faults[0].broker: broker 0 does not exist: the cluster has brokers 1 to 3"
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"crash\"\nbroker = \"leader:orders-0\""),
        "faults[0].broker: unknown topic 'orders' in \"leader:orders-0\""
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"isolate\"\nbroker = \"followers:reserve-3\""),
        "faults[0].broker: partition 3 of topic 'reserve' does not exist: it has 3 partitions (0 to 2)"
    );
    for action in ["crash", "restart", "isolate"] {
        assert_eq!(
            fault(&format!("at = \"1s\"\naction = \"{action}\"")),
            format!("faults[0].broker: required for action \"{action}\"")
        );
    }
    assert_eq!(
        fault("at = \"1s\"\naction = \"explode\""),
        "faults[0].action: unknown action \"explode\": expected one of crash, restart, isolate, heal, slow, drop, \
         crash_member, restart_member, close_member, pause_member, set_processing, add_member"
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"slow\""),
        "faults[0].latency: required for action \"slow\""
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"drop\""),
        "faults[0].ratio: required for action \"drop\""
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"drop\"\nratio = 1.5"),
        "faults[0].ratio: 1.5 is not between 0 and 1"
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"drop\"\nratio = -0.1"),
        "faults[0].ratio: -0.1 is not between 0 and 1"
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"drop\"\nratio = 0.5\ndirection = \"sideways\""),
        "faults[0].direction: unknown direction \"sideways\": expected \"requests\", \"responses\" or \"both\""
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"crash\"\nbroker = 1\nduration = \"5s\""),
        "faults[0].duration: only a slow, drop or pause_member fault takes a duration, not crash"
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"heal\"\nlatency = \"5s\""),
        "faults[0].latency: only a slow fault takes a latency, not heal"
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"slow\"\nratio = 0.5\nlatency = \"1s\""),
        "faults[0].ratio: only a drop fault takes a ratio, not slow"
    );
    assert_eq!(
        fault("at = \"1s\"\naction = \"slow\"\nlatency = \"1s\"\nduration = \"0s\""),
        "faults[0].duration: must be greater than 0"
    );
    assert_eq!(
        fault("at = \"61s\"\naction = \"heal\""),
        "faults[0].at: 61.000s is after the end of the scenario (duration 60.000s); the fault would never fire"
    );
    // Optional broker: every broker; drop's direction defaults to both.
    let s = parse(&format!(
        "{HEAD}[[faults]]\nat = \"1s\"\naction = \"heal\"\n[[faults]]\nat = 2000\naction = \"drop\"\nratio = 1\n\
         [[faults]]\nat = \"3s\"\naction = \"slow\"\nlatency = \"500ms\"\nbroker = 2\nduration = \"10s\""
    ));
    assert_eq!(s.faults[0].action, FaultAction::Heal(BrokerSelector::All));
    assert_eq!(s.faults[1].at, SimTime::from_secs(2));
    assert_eq!(
        s.faults[1].action,
        FaultAction::Drop {
            broker: BrokerSelector::All,
            ratio: Ratio::ALWAYS,
            direction: DropDirection::Both,
            duration: None
        }
    );
    assert_eq!(
        s.faults[2].action,
        FaultAction::Slow {
            broker: BrokerSelector::Id(BrokerId(2)),
            latency: SimTime::from_millis(500),
            duration: Some(SimTime::from_secs(10)),
        }
    );
    assert_eq!(s.faults[2].action.name(), "slow");
}

#[test]
fn toml_errors_carry_line_and_column() {
    let e = Scenario::from_toml_str("seed = 1\nduration = \"10s\n").expect_err("unterminated string");
    assert_eq!(e.line(), Some(2));
    assert!(
        e.to_string()
            .starts_with("TOML parse error at line 2, column 16: "),
        "{e}"
    );
    let e = Scenario::from_toml_str("duration = \"1s\"\n[cluster]\nbrokers = 3\nacks = 1\n")
        .expect_err("unknown key");
    assert_eq!(
        e.to_string(),
        "TOML parse error at line 4, column 1: unknown field `acks` in [cluster], expected `brokers` or `config`"
    );
    assert_eq!(
        error("duration = \"1s\"\n[[topics]]\nname = \"a\"\n[[topics]]\nname = \"b\"\npartitionz = 3"),
        "TOML parse error at line 6, column 1: unknown field `partitionz` in [[topics]] (topics[1]), expected one \
         of `name`, `partitions`, `replication_factor`, `config`"
    );
    assert_eq!(
        error("duration = \"1s\"\n[[topics]]\npartitions = 1"),
        "TOML parse error at line 2, column 1: missing field `name` in [[topics]] (topics[0])"
    );
    assert!(error("bogus = 1\nduration = 1").contains("unknown field `bogus` at the top level"));
    assert!(error("duration = \"1s\"\n[cluster]\nbrokers = \"three\"").contains("line 3"));
    assert!(
        error("duration = \"1s\"\n[cluster.config]\n\"a\" = { b = 1 }")
            .contains("expected a string, integer")
    );
    assert!(
        error(&format!(
            "{HEAD}[[faults]]\nat = \"1s\"\naction = \"heal\"\ntarget = \"g/1\""
        ))
        .contains("unknown field `target`")
    );
}
