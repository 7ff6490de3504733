//! Poison pills (issue 4, deserializers): a record the member's deserializers cannot read stops it
//! where Kafka 3.7 stops: the records before it are processed, then every `poll()` throws and the
//! position stays on it. The member keeps polling and heartbeating, so nothing rebalances; it is
//! stuck, visibly (the error, `stuck_on`, growing lag), never silently.

use kafka_sim::cluster::ClusterEvent;
use kafka_sim::cluster::producer_node::ProducerSetup;
use kafka_sim::config::{ConsumerConfig, ProducerConfig};
use kafka_sim::group::consumer::check_producer;
use kafka_sim::kernel::TraceEvent;
use kafka_sim::scenario::{KeyTemplate, Scenario, Template};
use kafka_sim::sim::run_scenario;

const STRING: &str = "org.apache.kafka.common.serialization.StringSerializer";
const JSON: &str = "org.springframework.kafka.support.serializer.JsonSerializer";

fn producer(serializer: &str, value: &str) -> ProducerSetup {
    let config = ProducerConfig::parse([("key.serializer", STRING), ("value.serializer", serializer)])
        .expect("valid producer config")
        .config;
    ProducerSetup {
        name: "p".into(),
        topic: "reserve".into(),
        rate: 1.0,
        keys: KeyTemplate::parse("reserve-{n}").expect("template"),
        value: Template::parse(value).expect("template"),
        config,
    }
}

fn consumer(value_deserializer: &str, extra: &[(&str, &str)]) -> ConsumerConfig {
    let mut props = vec![
        ("group.id", "g"),
        (
            "key.deserializer",
            "org.apache.kafka.common.serialization.StringDeserializer",
        ),
        ("value.deserializer", value_deserializer),
    ];
    props.extend_from_slice(extra);
    ConsumerConfig::parse(props)
        .expect("valid consumer config")
        .config
}

#[test]
fn which_producer_and_deserializer_pairs_are_poison() {
    let spring_json = "org.springframework.kafka.support.serializer.JsonDeserializer";
    let trusted_all = [("spring.json.trusted.packages", "*")];
    let json = producer(JSON, "{\"reservationId\":{n}}");
    let text = producer(STRING, "hello-{n}");
    // The seed's pair reads fine.
    assert_eq!(check_producer(&json, &consumer(spring_json, &trusted_all)), None);
    // A plain line has no type header: Spring cannot tell what to build.
    assert_eq!(
        check_producer(&text, &consumer(spring_json, &trusted_all)),
        Some(vec![
            "java.lang.IllegalStateException: No type information in headers and no default type provided"
                .into()
        ])
    );
    // With a default type, Jackson is asked to parse it, and cannot.
    let with_default = [(
        "spring.json.value.default.type",
        "com.example.reservation.Reservation",
    )];
    let trace = check_producer(&text, &consumer(spring_json, &with_default)).expect("poison");
    assert_eq!(
        trace[0],
        "org.apache.kafka.common.errors.SerializationException: Can't deserialize data  from topic [reserve]"
    );
    assert!(
        trace[1].contains("JsonParseException: Unrecognized token 'hello'"),
        "{trace:?}"
    );
    // Untrusted packages are refused by class name.
    let trace = check_producer(
        &json,
        &consumer(spring_json, &[("spring.json.trusted.packages", "com.other")]),
    )
    .expect("poison");
    assert!(
        trace[0].starts_with(
            "java.lang.IllegalArgumentException: The class 'com.example.reservation.Reservation' is not in the trusted packages"
        ),
        "{trace:?}"
    );
    // Kafka's own: an IntegerDeserializer wants exactly 4 bytes.
    let int = "org.apache.kafka.common.serialization.IntegerDeserializer";
    assert_eq!(
        check_producer(&text, &consumer(int, &[])),
        Some(vec![
            "org.apache.kafka.common.errors.SerializationException: Size of data received by IntegerDeserializer is not 4"
                .into()
        ])
    );
    // A StringDeserializer reads anything.
    let string = "org.apache.kafka.common.serialization.StringDeserializer";
    assert_eq!(check_producer(&json, &consumer(string, &[])), None);
}

#[test]
fn a_poison_pill_stops_its_member_at_the_record_and_nothing_rebalances() {
    let path = format!(
        "{}/../../tests/scenarios/group-poison-pill.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("the scenario file");
    let scenario = Scenario::from_toml_str(&text).expect("valid scenario");
    let mut sim = run_scenario(&scenario, None).expect("valid spec");

    // Exactly one member is stuck, on one record, and has polled into it more than once.
    let stuck: Vec<_> = (sim.member_views(0).into_iter())
        .filter_map(|(m, _, v)| v.stuck_on.map(|s| (m.member, s)))
        .collect();
    assert_eq!(stuck.len(), 1, "{stuck:?}");
    let (member, (partition, offset, polls)) = stuck[0].clone();
    assert!(polls > 1, "it keeps polling: {polls}");

    // The error was logged once, with Kafka's exception wrapped by Spring's container.
    let errors: Vec<String> = (sim.notable_events().iter())
        .filter_map(|(_, e)| match e {
            TraceEvent::Node {
                event:
                    ClusterEvent::Consumer {
                        level: "ERROR",
                        message,
                        ..
                    },
                ..
            } => Some(message.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let lines: Vec<&str> = errors[0].lines().collect();
    assert_eq!(
        lines,
        [
            "Consumer exception",
            "java.lang.IllegalStateException: This error handler cannot process 'SerializationException's directly; \
             please consider configuring an 'ErrorHandlingDeserializer' in the value and/or key deserializer",
            &format!(
                "Caused by: org.apache.kafka.common.errors.RecordDeserializationException: Error deserializing \
                 key/value for partition {partition} at offset {offset}. If needed, please seek past the record to \
                 continue consumption."
            ),
            "Caused by: java.lang.IllegalStateException: No type information in headers and no default type provided",
        ]
    );

    // Everything before the record was processed; nothing at or after it.
    let facts = sim.delivery_facts().clone();
    let on_partition: Vec<_> = (facts.processed.iter())
        .filter(|r| r.by.member == member && format!("reserve-{}", r.tp.partition) == partition.to_string())
        .collect();
    assert_eq!(on_partition.iter().map(|r| r.to).max(), Some(offset));
    assert!(on_partition.iter().all(|r| r.to <= offset));
    // The others went on; the group never rebalanced; the stuck partition's lag is what came after.
    assert!(
        facts
            .processed
            .iter()
            .any(|r| r.by.member != member && r.at.as_secs_f64() > 25.0)
    );
    let stats = sim.rebalance_stats("data-platform-group");
    assert_eq!(stats.rebalances, 1, "{stats:?}");
    let report = sim.delivery_report(0).expect("report");
    assert!(report.lag > 100, "{report:?}");
    assert_eq!(report.skipped, 0);
}
