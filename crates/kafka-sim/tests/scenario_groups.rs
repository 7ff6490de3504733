//! `[[consumer_groups]]` and member faults: parsing, checks and their messages.

use kafka_sim::SimTime;
use kafka_sim::config::{ConfigWarning, SerdeKind};
use kafka_sim::scenario::{
    BrokerSelector, CommitMode, FaultAction, MemberAddr, MemberFault, MemberTarget, PauseKind,
    ProcessingTime, Scenario,
};

/// A valid head: one topic `reserve` (3 partitions) and one group `g` of 3 members on it.
const HEAD: &str =
    "duration = \"60s\"\n[[topics]]\nname = \"reserve\"\npartitions = 3\nreplication_factor = 3\n";

fn parse(text: &str) -> Scenario {
    match Scenario::from_toml_str(text) {
        Ok(s) => s,
        Err(e) => panic!("expected a valid scenario, got: {e}\n{text}"),
    }
}

fn error(text: &str) -> String {
    match Scenario::from_toml_str(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// A scenario with one group whose table body is `body`.
fn group(body: &str) -> String {
    format!("{HEAD}[[consumer_groups]]\n{body}\n")
}

/// A scenario with group `g` (3 members) and one fault whose body is `body`.
fn member_fault(body: &str) -> String {
    format!(
        "{HEAD}[[consumer_groups]]\n\"group.id\" = \"g\"\ntopics = [\"reserve\"]\nmembers = 3\n[[faults]]\n{body}\n"
    )
}

fn example() -> Scenario {
    let path = format!(
        "{}/../../tests/scenarios/group-member-crash.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    parse(&std::fs::read_to_string(path).expect("the example exists"))
}

#[test]
fn the_example_parses_to_typed_values() {
    let s = example();
    let g = &s.consumer_groups[0];
    assert_eq!(g.group_id, "data-platform-group");
    assert_eq!(g.topics, ["reserve"]);
    assert_eq!(g.commit, CommitMode::Manual);
    assert_eq!(g.start, SimTime::ZERO);
    assert_eq!(
        g.processing,
        ProcessingTime::Uniform {
            min: SimTime::from_millis(1),
            max: SimTime::from_millis(5)
        }
    );
    assert_eq!(g.members.len(), 3);
    let numbers: Vec<u16> = g.members.iter().map(|m| m.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    let m1 = &g.members[0].config;
    assert_eq!(m1.group_instance_id.as_deref(), Some("c-1"));
    assert_eq!(m1.group_id.as_deref(), Some("data-platform-group"));
    assert!(!m1.enable_auto_commit);
    assert_eq!(
        (m1.key_deserializer, m1.value_deserializer),
        (SerdeKind::String, SerdeKind::SpringJson)
    );
    assert_eq!(g.members[1].config.group_instance_id, None);
    assert_eq!(
        g.properties[0],
        ("enable.auto.commit".to_owned(), "false".to_owned())
    );
    // The Spring property is not a ConsumerConfig key: Kafka logs it once, for the group's table.
    let lines: Vec<String> = (s.warnings.iter())
        .filter(|w| w.path.starts_with("consumer_groups"))
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "WARN consumer_groups[0].config: The configuration 'spring.json.trusted.packages' was supplied but \
          isn't a known config."
        ]
    );

    let member = |n: u16| MemberAddr {
        group: "data-platform-group".into(),
        group_index: 0,
        member: n,
    };
    assert_eq!(
        s.faults[0].action,
        FaultAction::Member(MemberFault::Crash(member(2)))
    );
    assert_eq!(s.faults[0].action.name(), "crash_member");
    assert_eq!(s.faults[0].action.broker(), None);
    let FaultAction::Member(MemberFault::Add {
        member: added,
        overrides,
        config,
    }) = &s.faults[1].action
    else {
        panic!("an add_member fault: {:?}", s.faults[1]);
    };
    assert_eq!(added, &member(4));
    assert_eq!(added.to_string(), "data-platform-group/4");
    assert_eq!(overrides, &[("group.instance.id".to_owned(), "c-4".to_owned())]);
    assert_eq!(config.group_instance_id.as_deref(), Some("c-4"));
    assert_eq!(config.value_deserializer, SerdeKind::SpringJson);
    let coordinator = BrokerSelector::CoordinatorOf {
        group: "data-platform-group".into(),
    };
    assert_eq!(s.faults[2].action, FaultAction::Crash(coordinator.clone()));
    // The seed's group lives in __consumer_offsets-48 (50 partitions).
    assert_eq!(
        coordinator.resolve_coordinator(50),
        Some(BrokerSelector::LeaderOf {
            topic: "__consumer_offsets".into(),
            partition: 48
        })
    );
    assert_eq!(BrokerSelector::All.resolve_coordinator(50), None);
    assert_eq!(
        s.summary(),
        "3 brokers, 1 topic (reserve: 3 partitions, RF 3), 1 producer, 1 consumer group \
         (data-platform-group: 3 members on reserve, commit manual), 3 faults, 90s"
    );
}

#[test]
fn commit_mode_defaults_follow_enable_auto_commit() {
    let base = "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\n";
    let s = parse(&group(base));
    let g = &s.consumer_groups[0];
    assert_eq!((g.commit, g.members.len()), (CommitMode::Auto, 1));
    assert!(g.members[0].config.enable_auto_commit);
    assert_eq!(g.processing, ProcessingTime::Fixed(SimTime::ZERO));

    let s = parse(&group(&format!(
        "{base}[consumer_groups.config]\n\"enable.auto.commit\" = false"
    )));
    assert_eq!(s.consumer_groups[0].commit, CommitMode::Manual);

    // manual / before without enable.auto.commit: set to false, as Spring's container does.
    for (mode, expected) in [("manual", CommitMode::Manual), ("before", CommitMode::Before)] {
        let s = parse(&group(&format!("{base}commit = \"{mode}\"")));
        let g = &s.consumer_groups[0];
        assert_eq!(g.commit, expected);
        assert!(!g.members[0].config.enable_auto_commit);
        assert!(g.properties.is_empty());
        assert!(
            g.base_properties()
                .contains(&("enable.auto.commit".to_owned(), "false".to_owned()))
        );
    }
    assert_eq!(
        error(&group(&format!(
            "{base}commit = \"auto\"\n[consumer_groups.config]\n\"enable.auto.commit\" = false"
        ))),
        "consumer_groups[0].commit: commit = \"auto\" needs enable.auto.commit = true, but it is false"
    );
    assert_eq!(
        error(&group(&format!(
            "{base}commit = \"manual\"\n[consumer_groups.config]\n\"enable.auto.commit\" = true"
        ))),
        "consumer_groups[0].commit: commit = \"manual\" needs enable.auto.commit = false, but it is true"
    );
    assert_eq!(
        error(&group(&format!(
            "{base}commit = \"before\"\nmembers = [{{}}, {{ \"enable.auto.commit\" = true }}]"
        ))),
        "consumer_groups[0].members[1]: commit = \"before\" needs enable.auto.commit = false, but it is true"
    );
    assert_eq!(
        error(&group(&format!("{base}commit = \"sync\""))),
        "consumer_groups[0].commit: unknown commit mode \"sync\": expected \"auto\" (enable.auto.commit), \
         \"manual\" (commit after processing) or \"before\" (commit before processing)"
    );
}

#[test]
fn heartbeat_not_below_session_timeout_is_kafkas_construction_error() {
    let text = group(
        "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\n[consumer_groups.config]\n\
         \"heartbeat.interval.ms\" = 45000\n\"session.timeout.ms\" = 45000",
    );
    let e = Scenario::from_toml_str(&text).expect_err("heartbeat >= session timeout");
    assert_eq!(
        e.to_string(),
        "consumer_groups[0].config: Heartbeat must be set lower than the session timeout"
    );
    assert_eq!(e.path(), Some("consumer_groups[0].config"));
    let kafka = e.config_error().expect("a Kafka config error");
    assert_eq!(kafka.kafka_message(), "Failed to construct kafka consumer");
    assert_eq!(
        kafka.java_trace(),
        [
            "org.apache.kafka.common.KafkaException: Failed to construct kafka consumer",
            "Caused by: java.lang.IllegalArgumentException: Heartbeat must be set lower than the session timeout"
        ]
    );
    // A member's own override is checked with the group's table under it.
    assert_eq!(
        error(&group(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\nmembers = [{}, { \"session.timeout.ms\" = 3000 }]"
        )),
        "consumer_groups[0].members[1]: Heartbeat must be set lower than the session timeout"
    );
    assert_eq!(
        error(&group(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\n[consumer_groups.config]\n\"auto.offset.reset\" = \"first\""
        )),
        "consumer_groups[0].config: Invalid value first for configuration auto.offset.reset: String must be one \
         of: latest, earliest, none"
    );
    assert_eq!(
        error(&group(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\nmembers = [{ \"group.instance.id\" = \"a b\" }]"
        )),
        "consumer_groups[0].members[0]: Group instance id \"a b\" is illegal, it contains a character other than \
         ASCII alphanumerics, '.', '_' and '-'"
    );
    assert_eq!(
        error(&group(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\n[consumer_groups.config]\n\"group.protocol\" = \"consumer\""
        )),
        "consumer_groups[0].config: group.protocol=consumer (KIP-848) needs a KRaft cluster with the new group \
         coordinator; this ZooKeeper-mode cluster supports only \"classic\""
    );
}

#[test]
fn group_id_topics_and_members_checks() {
    // group.id only in config is enough; in both it must agree.
    let s = parse(&group(
        "topics = [\"reserve\"]\n[consumer_groups.config]\n\"group.id\" = \"g\"",
    ));
    assert_eq!(s.consumer_groups[0].group_id, "g");
    parse(&group(
        "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\n[consumer_groups.config]\n\"group.id\" = \"g\"",
    ));
    assert_eq!(
        error(&group(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\n[consumer_groups.config]\n\"group.id\" = \"h\""
        )),
        "consumer_groups[0].config: group.id 'h' differs from the table's \"group.id\" 'g'; set it once"
    );
    assert_eq!(
        error(&group("topics = [\"reserve\"]")),
        "consumer_groups[0].\"group.id\": required: the group's id, e.g. \"group.id\" = \"data-platform-group\""
    );
    assert_eq!(
        error(&group("\"group.id\" = \"\"\ntopics = [\"reserve\"]")),
        "consumer_groups[0].\"group.id\": must not be empty: the coordinator refuses an empty group id \
         (INVALID_GROUP_ID)"
    );
    assert_eq!(
        error(&format!(
            "{}[[consumer_groups]]\n\"group.id\" = \"g\"\ntopics = [\"reserve\"]\n",
            group("\"group.id\" = \"g\"\ntopics = [\"reserve\"]")
        )),
        "consumer_groups[1].\"group.id\": duplicate consumer group 'g'"
    );
    assert_eq!(
        error(&group("\"group.id\" = \"g\"\ntopics = [\"reserve\", \"orders\"]")),
        "consumer_groups[0].topics[1]: unknown topic 'orders': the scenario's topics are reserve"
    );
    assert_eq!(
        error(&group(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\", \"reserve\"]"
        )),
        "consumer_groups[0].topics[1]: duplicate topic 'reserve'"
    );
    assert_eq!(
        error(&group("\"group.id\" = \"g\"\ntopics = []")),
        "consumer_groups[0].topics: must name at least one topic"
    );
    assert_eq!(
        error(&group(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\nmembers = 0"
        )),
        "consumer_groups[0].members: must be between 1 and 1000, got 0"
    );
    assert_eq!(
        error(&group(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\nmembers = []"
        )),
        "consumer_groups[0].members: must list between 1 and 1000 members, got 0"
    );
    assert_eq!(
        error(&group(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\nmembers = [{ \"group.id\" = \"h\" }]"
        )),
        "consumer_groups[0].members[0]: group.id 'h' differs from the group's 'g': a member with another \
         group.id is in another group; declare another [[consumer_groups]]"
    );
    assert_eq!(
        error(&group(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\nstart = \"61s\""
        )),
        "consumer_groups[0].start: 61s is after the end of the scenario (duration 60s); the members would never \
         start"
    );
    // A member's unknown key is logged for that member only.
    let s = parse(&group(
        "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\nmembers = [{}, { \"my.own\" = 1 }]",
    ));
    assert_eq!(s.warnings.len(), 1);
    assert_eq!(s.warnings[0].path, "consumer_groups[0].members[1]");
    assert_eq!(
        s.warnings[0].warning,
        ConfigWarning::UnknownConfig { key: "my.own".into() }
    );
    // Static members may share an instance id (the later one fences the earlier at run time).
    let s = parse(&group(
        "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\n\
         members = [{ \"group.instance.id\" = \"c\" }, { \"group.instance.id\" = \"c\" }]",
    ));
    assert_eq!(s.consumer_groups[0].members.len(), 2);
}

#[test]
fn unknown_keys_and_processing_values() {
    let e = error(&group(
        "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\npartitions = 3",
    ));
    assert_eq!(
        e,
        "TOML parse error at line 9, column 1: unknown field `partitions` in [[consumer_groups]] \
         (consumer_groups[0]), expected one of `group.id`, `topics`, `members`, `processing`, `commit`, `start`, \
         `config`"
    );
    let processing = |p: &str| {
        group(&format!(
            "\"group.id\" = \"g\"\ntopics = [\"reserve\"]\nprocessing = {p}"
        ))
    };
    let s = parse(&processing("{ dist = \"exponential\", mean = \"2ms\" }"));
    assert_eq!(
        s.consumer_groups[0].processing,
        ProcessingTime::Exponential {
            mean: SimTime::from_millis(2)
        }
    );
    assert_eq!(
        s.consumer_groups[0].processing.to_string(),
        "exponential mean 2ms"
    );
    assert_eq!(
        parse(&processing("5")).consumer_groups[0].processing,
        ProcessingTime::Fixed(SimTime::from_millis(5))
    );
    assert_eq!(
        error(&processing(
            "{ dist = \"uniform\", min = \"5ms\", max = \"1ms\" }"
        )),
        "consumer_groups[0].processing.max: 1ms is less than min 5ms"
    );
    assert_eq!(
        error(&processing("{ dist = \"uniform\", min = \"5ms\" }")),
        "consumer_groups[0].processing.max: required for dist = \"uniform\""
    );
    assert_eq!(
        error(&processing(
            "{ dist = \"uniform\", min = \"1ms\", max = \"2ms\", mean = \"1ms\" }"
        )),
        "consumer_groups[0].processing.mean: dist = \"uniform\" takes no mean"
    );
    assert_eq!(
        error(&processing("{ dist = \"exponential\", mean = 0 }")),
        "consumer_groups[0].processing.mean: must be greater than 0"
    );
    assert_eq!(
        error(&processing("{ dist = \"normal\", mean = \"1ms\" }")),
        "consumer_groups[0].processing.dist: unknown distribution \"normal\": expected \"uniform\" or \
         \"exponential\""
    );
    assert_eq!(
        error(&processing("\"2x\"")),
        "consumer_groups[0].processing: invalid duration \"2x\": expected a number followed by us, ms, s, m or h"
    );
    assert!(error(&processing("{ dist = \"uniform\", low = \"1ms\" }")).contains("unknown field `low`"));
    assert!(error(&processing("true")).contains("a duration such as \"2ms\""));
}

#[test]
fn member_faults_parse_and_check() {
    let s = parse(&member_fault(
        "at = \"10s\"\naction = \"pause_member\"\nmember = \"g/3\"\nduration = \"20s\"",
    ));
    let g3 = MemberAddr {
        group: "g".into(),
        group_index: 0,
        member: 3,
    };
    assert_eq!(g3.member_ref().member, 3);
    assert_eq!(
        s.faults[0].action,
        FaultAction::Member(MemberFault::Pause {
            member: g3.clone(),
            duration: SimTime::from_secs(20),
            kind: PauseKind::Gc,
        })
    );
    let s = parse(&member_fault(
        "at = \"10s\"\naction = \"pause_member\"\nmember = \"g/3\"\nduration = \"2s\"\nkind = \"slow_downstream\"",
    ));
    assert_eq!(
        s.faults[0].action,
        FaultAction::Member(MemberFault::Pause {
            member: g3.clone(),
            duration: SimTime::from_secs(2),
            kind: PauseKind::SlowDownstream,
        })
    );
    let e = error(&member_fault(
        "at = \"10s\"\naction = \"pause_member\"\nmember = \"g/3\"\nduration = \"2s\"\nkind = \"stw\"",
    ));
    assert!(
        e.contains("faults[0].kind") && e.contains("unknown pause kind \"stw\""),
        "{e}"
    );
    let e = error(&member_fault(
        "at = \"10s\"\naction = \"crash_member\"\nmember = \"g/3\"\nkind = \"gc\"",
    ));
    assert!(e.contains("only a pause_member fault takes a kind"), "{e}");
    let s = parse(&member_fault(
        "at = \"10s\"\naction = \"close_member\"\nmember = \"g/1\"",
    ));
    assert_eq!(s.faults[0].action.name(), "close_member");
    let s = parse(&member_fault(
        "at = \"10s\"\naction = \"set_processing\"\nmember = \"g/3\"\nprocessing = \"1s\"",
    ));
    assert_eq!(
        s.faults[0].action,
        FaultAction::Member(MemberFault::SetProcessing {
            target: MemberTarget::Member(g3),
            processing: ProcessingTime::Fixed(SimTime::from_secs(1))
        })
    );
    let s = parse(&member_fault(
        "at = \"10s\"\naction = \"set_processing\"\ngroup = \"g\"\nprocessing = \"1s\"",
    ));
    assert!(matches!(
        &s.faults[0].action,
        FaultAction::Member(MemberFault::SetProcessing { target: MemberTarget::Group { group, group_index: 0 }, .. })
            if group == "g"
    ));
    // Added members are numbered in firing order, and may be addressed once added.
    let s = parse(&member_fault(
        "at = \"30s\"\naction = \"add_member\"\ngroup = \"g\"\n[[faults]]\nat = \"20s\"\naction = \"add_member\"\n\
         group = \"g\"\n[[faults]]\nat = \"30s\"\naction = \"crash_member\"\nmember = \"g/5\"",
    ));
    let numbers: Vec<u16> = (s.faults.iter())
        .filter_map(|f| match &f.action {
            FaultAction::Member(MemberFault::Add { member, .. }) => Some(member.member),
            _ => None,
        })
        .collect();
    assert_eq!(numbers, [5, 4]);

    let cases = [
        (
            "at = \"30s\"\naction = \"add_member\"\ngroup = \"g\"\n[[faults]]\nat = \"20s\"\naction = \"crash_member\"\nmember = \"g/4\"",
            "faults[1].member: member 4 of group 'g' is added by faults[0] at 30s, after this fault",
        ),
        (
            "at = \"1s\"\naction = \"crash_member\"\nmember = \"g/4\"",
            "faults[0].member: member 4 of group 'g' does not exist: it has members 1 to 3",
        ),
        (
            "at = \"1s\"\naction = \"crash_member\"\nmember = \"g/0\"",
            "faults[0].member: invalid member \"g/0\": expected GROUP/N, the group id and the member's number from 1, \
             e.g. \"data-platform-group/1\"",
        ),
        (
            "at = \"1s\"\naction = \"crash_member\"\nmember = \"h/1\"",
            "faults[0].member: unknown consumer group 'h': the scenario's consumer groups are g",
        ),
        (
            "at = \"1s\"\naction = \"crash_member\"",
            "faults[0].member: required for action \"crash_member\", e.g. member = \"data-platform-group/1\"",
        ),
        (
            "at = \"1s\"\naction = \"crash_member\"\nmember = \"g/1\"\nbroker = 1",
            "faults[0].broker: a member fault takes no broker, not crash_member",
        ),
        (
            "at = \"1s\"\naction = \"pause_member\"\nmember = \"g/1\"",
            "faults[0].duration: required for action \"pause_member\"",
        ),
        (
            "at = \"1s\"\naction = \"set_processing\"\nmember = \"g/1\"",
            "faults[0].processing: required for action \"set_processing\"",
        ),
        (
            "at = \"1s\"\naction = \"crash\"\nmember = \"g/1\"",
            "faults[0].member: only a crash_member, restart_member, close_member, pause_member or set_processing fault takes a \
             member, not crash",
        ),
        (
            "at = \"1s\"\naction = \"add_member\"\ngroup = \"h\"",
            "faults[0].group: unknown consumer group 'h': the scenario's consumer groups are g",
        ),
        (
            "at = \"1s\"\naction = \"add_member\"\ngroup = \"g\"\nconfig = { \"session.timeout.ms\" = 10 }",
            "faults[0].config: Heartbeat must be set lower than the session timeout",
        ),
        (
            "at = \"1s\"\naction = \"crash\"\nbroker = \"coordinator:h\"",
            "faults[0].broker: unknown consumer group 'h' in \"coordinator:h\": the scenario's consumer groups are g",
        ),
        (
            "at = \"1s\"\naction = \"crash\"\nbroker = \"coordinator:\"",
            "faults[0].broker: invalid broker selector \"coordinator:\": expected a group id after \"coordinator:\", \
             e.g. \"coordinator:data-platform-group\"",
        ),
        (
            "at = \"1s\"\naction = \"explode_member\"",
            "faults[0].action: unknown action \"explode_member\": expected one of crash, restart, isolate, heal, \
             slow, drop, crash_member, restart_member, close_member, pause_member, set_processing, add_member",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(error(&member_fault(body)), expected, "{body}");
    }
    // Without groups, member faults and coordinator selectors name the missing section.
    assert_eq!(
        error(&format!(
            "{HEAD}[[faults]]\nat = 1\naction = \"close_member\"\nmember = \"g/1\""
        )),
        "faults[0].member: unknown consumer group 'g': the scenario has no [[consumer_groups]]"
    );
    assert_eq!(
        error(&format!(
            "{HEAD}[[faults]]\nat = 1\naction = \"isolate\"\nbroker = \"coordinator:g\""
        )),
        "faults[0].broker: unknown consumer group 'g' in \"coordinator:g\": the scenario has no [[consumer_groups]]"
    );
}
