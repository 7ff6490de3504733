//! Scenario files: parsing, checks and their messages.

#[path = "scenario/faults.rs"]
mod faults;
#[path = "scenario/files.rs"]
mod files;

use kafka_sim::cluster::ReplicationSettings;
use kafka_sim::config::{Acks, ConfigWarning, SerdeKind};
use kafka_sim::kernel::fault::Ratio;
use kafka_sim::scenario::{
    BrokerSelector, DropDirection, FaultAction, KeyTemplate, Scenario, format_duration, parse_duration,
};
use kafka_sim::{SimSpec, SimTime, Simulation, TopicSetup};

const SAMPLE: &str = r#"
seed = 42
duration = "120s"                 # durations: "250ms", "20s", "2m", or an integer of ms
[cluster]
brokers = 3
[cluster.config]                  # broker properties, Kafka names
"min.insync.replicas" = 2
"unclean.leader.election.enable" = false
[network]
latency = "1ms"
jitter = "0ms"
[[topics]]
name = "reserve"
partitions = 3
replication_factor = 3
[topics.config]                   # topic overrides, Kafka names
"min.insync.replicas" = 2
[[producers]]
name = "reservation-service"
topic = "reserve"
rate = 1000                       # records per simulated second
keys = "reserve-{n}"              # {n} = the record's running number; "none" = null keys
value = '{"reservationId":{n}}'
[producers.config]                # producer properties, Kafka names, as in producer.properties
acks = "1"
"linger.ms" = 5
retries = 2147483647
"enable.idempotence" = false
[[faults]]
at = "20s"
action = "crash"                  # crash | restart | isolate | heal | slow | drop
broker = "leader:reserve-0"
[[faults]]
at = "30s"
action = "drop"
broker = "followers:reserve-1"
ratio = 0.2
direction = "requests"
duration = "10s"
"#;

/// The minimal valid head other tests append to.
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

fn fault(body: &str) -> String {
    error(&format!("{HEAD}[[faults]]\n{body}\n"))
}

#[test]
fn the_issue_sample_parses_to_typed_values() {
    let s = parse(SAMPLE);
    assert_eq!(s.seed, 42);
    assert_eq!(s.duration, SimTime::from_secs(120));
    assert_eq!(s.cluster.brokers, 3);
    assert_eq!(s.cluster.config.min_insync_replicas, 2);
    assert!(!s.cluster.config.unclean_leader_election_enable);
    assert_eq!(s.network.latency, SimTime::from_millis(1));
    assert_eq!(s.network.jitter, SimTime::ZERO);

    let [topic] = s.topics.as_slice() else {
        panic!("one topic")
    };
    assert_eq!(
        (topic.name.as_str(), topic.partitions, topic.replication_factor),
        ("reserve", 3, 3)
    );
    assert_eq!(
        topic.overrides,
        vec![("min.insync.replicas".to_owned(), "2".to_owned())]
    );
    assert_eq!(topic.config.min_insync_replicas, 2);

    let [p] = s.producers.as_slice() else {
        panic!("one producer")
    };
    assert_eq!(
        (p.name.as_str(), p.topic.as_str(), p.rate),
        ("reservation-service", "reserve", 1000.0)
    );
    assert_eq!(p.interval(), SimTime::from_millis(1));
    assert_eq!(p.keys.render(7).as_deref(), Some("reserve-7"));
    assert_eq!(p.value.render(7), r#"{"reservationId":7}"#);
    assert_eq!(p.config.acks, Acks::One);
    assert_eq!(p.config.linger_ms, 5);
    assert_eq!(p.config.retries, i32::MAX);
    assert!(!p.config.enable_idempotence);
    assert_eq!(p.config.key_serializer, SerdeKind::String);
    assert_eq!(p.config.value_serializer, SerdeKind::String);
    // Properties keep file order and .properties string form.
    let names: Vec<&str> = p.properties.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["acks", "linger.ms", "retries", "enable.idempotence"]);
    assert_eq!(p.properties[3].1, "false");

    assert_eq!(s.faults.len(), 2);
    assert_eq!(s.faults[0].at, SimTime::from_secs(20));
    let leader = BrokerSelector::LeaderOf {
        topic: "reserve".into(),
        partition: 0,
    };
    assert_eq!(s.faults[0].action, FaultAction::Crash(leader));
    assert_eq!(
        s.faults[1].action,
        FaultAction::Drop {
            broker: BrokerSelector::FollowersOf {
                topic: "reserve".into(),
                partition: 1
            },
            ratio: Ratio::from_f64(0.2),
            direction: DropDirection::Requests,
            duration: Some(SimTime::from_secs(10)),
        }
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert_eq!(
        s.summary(),
        "3 brokers, 1 topic (reserve: 3 partitions, RF 3), 1 producer, 2 faults, 120s"
    );
}

#[test]
fn sim_spec_builds_a_simulation() {
    let s = parse(SAMPLE);
    let spec = s.sim_spec();
    assert_eq!(
        spec,
        SimSpec {
            seed: 42,
            brokers: 3,
            latency: SimTime::from_millis(1),
            jitter: SimTime::ZERO,
            replication: ReplicationSettings {
                min_insync_replicas: 2,
                ..ReplicationSettings::default()
            },
            group: kafka_sim::group::coordinator::GroupSettings::default(),
            topics: vec![TopicSetup {
                name: "reserve".into(),
                partitions: 3,
                replication_factor: 3,
                min_insync_replicas: Some(2),
                unclean_leader_election_enable: Some(false),
            }],
            producers: kafka_sim::sim::scenario_producers(&s),
            groups: Vec::new(),
        }
    );
    assert_eq!(spec.producers.len(), s.producers.len());
    let sim = Simulation::new(spec).expect("a scenario's spec is always valid");
    assert_eq!(sim.seed(), 42);
}

#[test]
fn defaults_fill_a_minimal_scenario() {
    let s = parse("duration = 500");
    assert_eq!(s.seed, 42);
    assert_eq!(s.duration, SimTime::from_millis(500));
    assert_eq!(
        s.sim_spec(),
        SimSpec {
            seed: 42,
            ..SimSpec::default()
        }
    );
    assert!(s.topics.is_empty() && s.producers.is_empty() && s.faults.is_empty());
    assert_eq!(s.summary(), "3 brokers, 0 topics, 0 producers, 0 faults, 500ms");
    // Partitions and replication factor default to the broker's num.partitions / default.replication.factor.
    let s = parse(
        "duration = \"1s\"\n[cluster.config]\n\"num.partitions\" = 4\n\"default.replication.factor\" = 2\n\
         [[topics]]\nname = \"t\"\n",
    );
    assert_eq!((s.topics[0].partitions, s.topics[0].replication_factor), (4, 2));
}

#[test]
fn durations() {
    let ok = |text: &str, us: u64| assert_eq!(parse_duration(text), Ok(SimTime::from_micros(us)), "{text}");
    ok("250ms", 250_000);
    ok("20s", 20_000_000);
    ok("2m", 120_000_000);
    ok("1h", 3_600_000_000);
    ok("1.5s", 1_500_000);
    ok("0.25ms", 250);
    ok("1m30s", 90_000_000);
    ok("15us", 15);
    ok("15µs", 15);
    ok("0s", 0);
    ok(" 5 s ", 5_000_000);
    let bad = |text: &str, why: &str| {
        assert_eq!(
            parse_duration(text),
            Err(format!("invalid duration {text:?}: {why}")),
            "{text}"
        );
    };
    let units = "expected a number followed by us, ms, s, m or h";
    bad("2x", units);
    bad("", units);
    bad("20", units);
    bad("s", units);
    bad("1.2.3s", units);
    bad("5 seconds", units);
    bad("-5s", "must not be negative");
    bad("0.0001ms", "not a whole number of microseconds");
    bad("99999999999999999999h", "too large");
    bad("6000000000h", "too large");
    assert_eq!(format_duration(SimTime::from_secs(120)), "120s");
    assert_eq!(format_duration(SimTime::from_millis(1500)), "1500ms");
    assert_eq!(format_duration(SimTime::from_micros(7)), "7us");
}

#[test]
fn duration_errors_name_the_key() {
    assert_eq!(
        fault("at = \"2x\"\naction = \"crash\"\nbroker = 1"),
        "faults[0].at: invalid duration \"2x\": expected a number followed by us, ms, s, m or h"
    );
    assert_eq!(
        error("duration = -5"),
        "duration: invalid duration -5: must not be negative"
    );
    assert_eq!(error("duration = \"0s\""), "duration: must be greater than 0");
    assert_eq!(
        error("seed = 1"),
        "duration: required: how long the scenario runs, e.g. duration = \"120s\""
    );
    assert_eq!(
        error("duration = 1.5"),
        "duration: invalid duration 1.5: a bare number must be a whole number of milliseconds; write a \
         string with a unit, e.g. \"1.5s\""
    );
    assert_eq!(
        error("duration = \"1s\"\n[network]\nlatency = \"fast\""),
        "network.latency: invalid duration \"fast\": expected a number followed by us, ms, s, m or h"
    );
}

#[test]
fn cluster_and_topic_checks_use_kafkas_words() {
    assert_eq!(
        error("duration = \"1s\"\n[cluster]\nbrokers = 0"),
        "cluster.brokers: must be between 1 and 16, got 0"
    );
    assert_eq!(
        error("duration = \"1s\"\n[cluster]\nbrokers = 17"),
        "cluster.brokers: must be between 1 and 16, got 17"
    );
    let topic = |body: &str| {
        error(&format!(
            "duration = \"1s\"\n[cluster]\nbrokers = 1\n[[topics]]\n{body}"
        ))
    };
    assert_eq!(
        topic("name = \"r\"\npartitions = 3\nreplication_factor = 3"),
        "topics[0].replication_factor: Replication factor: 3 larger than available brokers: 1."
    );
    assert_eq!(
        topic("name = \"r\"\nreplication_factor = 0"),
        "topics[0].replication_factor: Replication factor must be larger than 0."
    );
    assert_eq!(
        topic("name = \"r\"\npartitions = 0"),
        "topics[0].partitions: Number of partitions must be larger than 0."
    );
    assert_eq!(
        topic("name = \"r\"\npartitions = 100000"),
        "topics[0].partitions: the simulator supports at most 1000 partitions per topic, got 100000"
    );
    assert_eq!(
        topic("name = \"a b\""),
        "topics[0].name: Topic name is invalid: 'a b' contains one or more characters other than ASCII \
         alphanumerics, '.', '_' and '-'"
    );
    assert_eq!(
        topic("name = \"\""),
        "topics[0].name: Topic name is invalid: the empty string is not allowed"
    );
    assert_eq!(
        topic("name = \"..\""),
        "topics[0].name: Topic name is invalid: '..' is not allowed"
    );
    let long = "x".repeat(250);
    assert_eq!(
        topic(&format!("name = \"{long}\"")),
        format!(
            "topics[0].name: Topic name is invalid: the length of '{long}' is longer than the max allowed length 249"
        )
    );
    assert!(
        Scenario::from_toml_str(&format!(
            "duration = 1\n[[topics]]\nname = \"{}\"",
            "x".repeat(249)
        ))
        .is_ok()
    );
    assert_eq!(
        topic("name = \"r\"\n[[topics]]\nname = \"r\""),
        "topics[1].name: Topic 'r' already exists."
    );
    assert_eq!(
        topic("name = \"a.b\"\n[[topics]]\nname = \"a_b\""),
        "topics[1].name: Topic 'a_b' collides with existing topics: a.b"
    );
}

#[test]
fn property_tables_go_through_kafkas_config_layer() {
    let producer = |config: &str| {
        format!(
            "{HEAD}[[producers]]\ntopic = \"reserve\"\nrate = 10\nvalue = \"v\"\n[producers.config]\n{config}\n"
        )
    };
    let e = Scenario::from_toml_str(&producer("acks = 2")).expect_err("acks=2 is invalid");
    let kafka = "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1";
    assert_eq!(e.config_error().map(ToString::to_string).as_deref(), Some(kafka));
    assert_eq!(e.to_string(), format!("producers[0].config: {kafka}"));
    assert_eq!(e.path(), Some("producers[0].config"));
    assert_eq!(
        error(&producer("\"linger.ms\" = \"soon\"")),
        "producers[0].config: Invalid value soon for configuration linger.ms: Not a number of type LONG"
    );
    // Booleans and integers become their .properties text; acks=1 without enable.idempotence logs Kafka's line.
    let s = parse(&producer(
        "acks = 1\n\"enable.idempotence\" = \"false\"\n\"batch.size\" = 16384",
    ));
    assert_eq!(s.producers[0].config.acks, Acks::One);
    let s = parse(&producer("acks = 1\n\"some.custom\" = true"));
    let lines: Vec<String> = s.warnings.iter().map(ToString::to_string).collect();
    assert!(
        lines.contains(
            &"INFO producers[0].config: Idempotence will be disabled because acks is set to 1, not set \
                         to 'all'."
                .to_owned()
        ),
        "{lines:?}"
    );
    assert!(s.warnings.iter().any(|w| w.warning
        == ConfigWarning::UnknownConfig {
            key: "some.custom".into()
        }));

    assert_eq!(
        error("duration = 1\n[cluster.config]\n\"min.insync.replicas\" = 0"),
        "cluster.config: Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"
    );
    assert_eq!(
        error("duration = 1\n[cluster.config]\n\"broker.id\" = 5"),
        "cluster.config: broker.id cannot be set here: the simulation numbers the brokers 1 to 3"
    );
    let s = parse("duration = 1\n[cluster.config]\n\"not.a.broker.config\" = 1.0");
    assert_eq!(
        s.cluster.properties,
        vec![("not.a.broker.config".to_owned(), "1.0".to_owned())]
    );
    assert_eq!(
        s.warnings[0].to_string(),
        "WARN cluster.config: The configuration 'not.a.broker.config' was supplied but isn't a known config."
    );
    assert_eq!(
        error(&format!("{HEAD}[topics.config]\n\"retention.mss\" = 1")),
        "topics[0].config: Unknown topic config name: retention.mss"
    );
    let s = parse(&format!(
        "{HEAD}[topics.config]\n\"cleanup.policy\" = [\"compact\", \"delete\"]"
    ));
    assert_eq!(s.topics[0].config.cleanup_policy, ["compact", "delete"]);
}

#[test]
fn serializers_default_to_string_only_when_missing() {
    let producer = |config: &str| {
        let text = format!(
            "{HEAD}[[producers]]\ntopic = \"reserve\"\nrate = 1\nvalue = \"v\"\n[producers.config]\n{config}"
        );
        parse(&text).producers.remove(0).config
    };
    let c = producer("");
    assert_eq!(
        (c.key_serializer, c.value_serializer),
        (SerdeKind::String, SerdeKind::String)
    );
    let c =
        producer("\"value.serializer\" = \"org.springframework.kafka.support.serializer.JsonSerializer\"");
    assert_eq!(
        (c.key_serializer, c.value_serializer),
        (SerdeKind::String, SerdeKind::SpringJson)
    );
    let c = producer("\"key.serializer\" = \"org.apache.kafka.common.serialization.LongSerializer\"");
    assert_eq!(
        (c.key_serializer, c.value_serializer),
        (SerdeKind::Long, SerdeKind::String)
    );
}

#[test]
fn producer_checks() {
    let producer = |body: &str| error(&format!("{HEAD}[[producers]]\n{body}\n"));
    assert_eq!(
        producer("topic = \"orders\"\nrate = 1\nvalue = \"v\""),
        "producers[0].topic: unknown topic 'orders': the scenario's topics are reserve"
    );
    assert_eq!(
        producer("topic = \"reserve\"\nrate = 0\nvalue = \"v\""),
        "producers[0].rate: must be greater than 0 and at most 1000000 records per second, got 0"
    );
    assert_eq!(
        producer("topic = \"reserve\"\nrate = 1\nkeys = \"k-{i}\"\nvalue = \"v\""),
        "producers[0].keys: unknown placeholder {i} in \"k-{i}\": the only placeholder is {n}, the record's \
         running number"
    );
    assert_eq!(
        producer(
            "name = \"p\"\ntopic = \"reserve\"\nrate = 1\nvalue = \"v\"\n[[producers]]\nname = \"p\"\n\
                  topic = \"reserve\"\nrate = 1\nvalue = \"v\""
        ),
        "producers[1].name: duplicate producer name 'p'"
    );
    let s = parse(&format!(
        "{HEAD}[[producers]]\ntopic = \"reserve\"\nrate = 0.5\nvalue = \"{{n}}\""
    ));
    let p = &s.producers[0];
    assert_eq!(
        (p.name.as_str(), p.keys.clone()),
        ("producer-1", KeyTemplate::Null)
    );
    assert_eq!(p.interval(), SimTime::from_secs(2));
    assert_eq!(p.keys.render(3), None);
}
