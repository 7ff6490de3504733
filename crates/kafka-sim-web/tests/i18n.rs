//! Host tests of the string catalog and the option help (`kafka_sim_web::i18n`).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use kafka_sim::config::{self, ConfigScope};
use kafka_sim::oracle::durability::AnomalyKind;
use kafka_sim_web::i18n::help::DefaultFrom;
use kafka_sim_web::i18n::{self, KafkaDefault, Key, Lang, Panel, has_hangul, help, msg, t};

/// The options issue 5 asks the page to offer, by panel.
const PRODUCER_OPTIONS: &[&str] = &[
    "acks",
    "linger.ms",
    "retries",
    "key.serializer",
    "value.serializer",
    "batch.size",
    "enable.idempotence",
    "max.in.flight.requests.per.connection",
    "request.timeout.ms",
    "delivery.timeout.ms",
    "send-rate",
    "key-pattern",
];
const CONSUMER_OPTIONS: &[&str] = &[
    "group.id",
    "max.poll.records",
    "enable.auto.commit",
    "heartbeat.interval.ms",
    "session.timeout.ms",
    "max.poll.interval.ms",
    "key.deserializer",
    "value.deserializer",
    "auto.offset.reset",
    "auto.commit.interval.ms",
    "partition.assignment.strategy",
    "group.instance.id",
    "commit-mode",
    "processing-time",
];
const TOPIC_OPTIONS: &[&str] = &[
    "min.insync.replicas",
    "unclean.leader.election.enable",
    "replica.lag.time.max.ms",
    "partitions",
    "replication-factor",
];

#[test]
fn lang_round_trips_through_storage_and_html_lang() {
    for lang in Lang::ALL {
        assert_eq!(Lang::parse(lang.as_str()), Some(lang));
        assert_eq!(lang.to_string(), lang.as_str());
    }
    assert_eq!(Lang::En.as_str(), "en");
    assert_eq!(Lang::Ko.as_str(), "ko");
    assert_eq!(Lang::parse("ko-KR"), Some(Lang::Ko));
    assert_eq!(Lang::parse(" EN_us "), Some(Lang::En));
    assert_eq!(Lang::parse("fr"), None);
    assert_eq!(Lang::parse(""), None);
    assert_eq!(Lang::parse("korean"), None);
    assert_eq!(Lang::negotiate(["", "de-DE", "ko"]), Lang::Ko);
    assert_eq!(Lang::negotiate(["ja"]), Lang::En);
    assert_eq!(Lang::default(), Lang::En);
    assert_eq!(Lang::Ko.native_name(), "한국어");
    assert_eq!(Lang::En.native_name(), "English");
}

#[test]
fn every_key_has_english_and_korean_text() {
    for &key in Key::ALL {
        let (en, ko) = (t(Lang::En, key), t(Lang::Ko, key));
        assert!(!en.trim().is_empty(), "{key:?} has no English");
        assert!(!ko.trim().is_empty(), "{key:?} has no Korean");
        assert_eq!(en.trim(), en, "{key:?}: stray whitespace");
        assert_eq!(ko.trim(), ko, "{key:?}: stray whitespace");
        assert!(!has_hangul(en), "{key:?}: Hangul in the English text {en:?}");
        if key.is_kafka_name() {
            assert_eq!(en, ko, "{key:?} is a Kafka name and stays the same in Korean");
        } else {
            assert!(has_hangul(ko), "{key:?}: the Korean text {ko:?} is not Korean");
        }
    }
}

#[test]
fn keys_are_listed_once_and_no_two_keys_say_the_same_thing() {
    let mut names = BTreeMap::new();
    let mut english = BTreeMap::new();
    for &key in Key::ALL {
        assert!(names.insert(key.name(), key).is_none(), "{key:?} listed twice");
        if let Some(other) = english.insert(key.en(), key) {
            panic!("{key:?} and {other:?} both say {:?}", key.en());
        }
        assert!(!key.group().is_empty());
    }
    assert!(
        Key::ALL.len() > 100,
        "the catalog covers the page: {}",
        Key::ALL.len()
    );
}

#[test]
fn the_catalog_has_the_strings_the_issue_names() {
    let en = |key| t(Lang::En, key);
    assert_eq!(en(Key::Play), "Play");
    assert_eq!(en(Key::Pause), "Pause");
    assert_eq!(en(Key::Step), "Step");
    assert_eq!(en(Key::StepBack), "Step back");
    assert_eq!(en(Key::Share), "Share");
    assert_eq!(en(Key::ZooKeeper), "ZooKeeper");
    assert_eq!(en(Key::UnderReplicated), "Under-replicated");
    assert_eq!(en(Key::InSyncReplicas), "In-sync replicas");
    assert_eq!(en(Key::LostAckedWrite), "Lost acknowledged write");
    assert_eq!(t(Lang::Ko, Key::Play), "재생");
    assert_eq!(t(Lang::Ko, Key::EventLog), "이벤트 로그");
    assert_eq!(t(Lang::Ko, Key::Isr), "ISR");
    // Jepsen's five anomalies are all there, and every oracle finding has a name.
    for key in [
        Key::LostAckedWrite,
        Key::Duplicate,
        Key::Reordering,
        Key::InconsistentOffsets,
        Key::SkippedRecord,
    ] {
        assert_eq!(key.group(), "anomalies");
    }
    assert_eq!(Key::anomaly(AnomalyKind::AckedLost), Key::LostAckedWrite);
    assert_eq!(Key::anomaly(AnomalyKind::Reordered), Key::Reordering);
    assert_eq!(
        Key::anomaly(AnomalyKind::InconsistentOffset),
        Key::InconsistentOffsets
    );
    assert!(Key::EVENT_KINDS.iter().all(|k| k.group() == "tabs"));
}

#[test]
fn parameterised_messages_format_correctly() {
    use Lang::{En, Ko};
    assert_eq!(msg::broker(En, 2), "Broker 2");
    assert_eq!(msg::broker(Ko, 2), "브로커 2");
    assert_eq!(msg::crash_broker(En, 2), "Crash broker 2");
    assert_eq!(msg::crash_broker(Ko, 2), "브로커 2 강제 종료");
    assert_eq!(msg::restart_broker(En, 3), "Restart broker 3");
    assert_eq!(msg::restart_broker(Ko, 3), "브로커 3 재시작");
    assert_eq!(msg::isolate_broker(En, 1), "Isolate broker 1");
    assert_eq!(msg::heal_broker(En, 1), "Heal broker 1");
    assert_eq!(msg::heal_broker(Ko, 1), "브로커 1 네트워크 복구");
    assert_eq!(msg::slow_broker(En, 1), "Slow network to broker 1");
    assert_eq!(msg::member(Ko, 4), "멤버 4");
    assert_eq!(msg::crash_member(En, 1), "Crash member 1");
    assert_eq!(msg::close_member(Ko, 1), "멤버 1 정상 종료");
    assert_eq!(msg::pause_for(En, 5), "Pause for 5 s");
    assert_eq!(msg::pause_for(Ko, 5), "5초 멈추기");
    assert_eq!(msg::pause_member_for(En, 2, 30), "Pause member 2 for 30 s");
    assert_eq!(msg::records(En, 1), "1 record");
    assert_eq!(msg::records(En, 0), "0 records");
    assert_eq!(msg::records(En, 1234567), "1,234,567 records");
    assert_eq!(msg::records(Ko, 1200), "레코드 1,200개");
    assert_eq!(msg::events(En, 12), "12 events");
    assert_eq!(msg::members(En, 1), "1 member");
    assert_eq!(msg::members(Ko, 3), "멤버 3명");
    assert_eq!(msg::anomalies(En, 3), "3 anomalies");
    assert_eq!(msg::anomalies(En, 1), "1 anomaly");
    assert_eq!(msg::anomalies(Ko, 3), "이상 현상 3건");
    assert_eq!(msg::lag(En, 12), "Lag: 12 records");
    assert_eq!(msg::lag(Ko, 12), "랙: 레코드 12개");
    assert_eq!(msg::under_replicated(En, 1), "1 partition under-replicated");
    assert_eq!(msg::under_replicated(En, 2), "2 partitions under-replicated");
    assert_eq!(msg::under_replicated(Ko, 2), "복제 부족 파티션 2개");
    assert_eq!(msg::generation(En, 3), "Generation 3");
    assert_eq!(msg::seconds(En, 12_345), "12.3 s");
    assert_eq!(msg::seconds(Ko, 18_000), "18.0초");
    assert_eq!(msg::seconds(En, 1_234_560), "1,234.6 s");
    assert_eq!(msg::session_left(En, 12_000), "ZooKeeper session: 12.0 s left");
    assert_eq!(msg::session_left(Ko, 500), "ZooKeeper 세션 0.5초 남음");
    assert_eq!(
        msg::key_goes_to(En, "reserve", 2),
        "Key goes to partition reserve-2"
    );
    assert_eq!(
        msg::key_goes_to(Ko, "reserve", 2),
        "키는 파티션 reserve-2에 들어갑니다"
    );
    assert_eq!(
        msg::producer_restarted(En, "reservation-service", "acks"),
        "reservation-service restarted with the new config (acks)"
    );
    let kafka = "Invalid value -1 for configuration linger.ms: Value must be at least 0";
    assert_eq!(
        msg::invalid_value(En, kafka),
        format!("{kafka}. The last valid value is kept.")
    );
    assert!(
        msg::invalid_value(Ko, kafka).starts_with(kafka),
        "Kafka's message stays as Kafka wrote it"
    );
    assert_eq!(msg::count(0), "0");
    assert_eq!(msg::count(999), "999");
    assert_eq!(msg::count(1000), "1,000");
}

#[test]
fn every_option_the_page_offers_has_help_in_both_languages() {
    let lists = [
        (Panel::Producer, PRODUCER_OPTIONS),
        (Panel::Consumer, CONSUMER_OPTIONS),
        (Panel::Topic, TOPIC_OPTIONS),
    ];
    for (panel, ids) in lists {
        let listed: Vec<&str> = i18n::options_for(panel).map(|o| o.id).collect();
        assert_eq!(listed, ids, "{panel:?}: the panel's options, in order");
        for id in ids {
            let h = help(id).unwrap_or_else(|| panic!("no help on {id}"));
            for text in [h.what_en, h.look_en] {
                assert!(text.len() > 60, "{id}: too short: {text:?}");
                assert!(!has_hangul(text), "{id}: Hangul in English: {text:?}");
            }
            for text in [h.what_ko, h.look_ko] {
                assert!(text.len() > 60, "{id}: too short: {text:?}");
                assert!(has_hangul(text), "{id}: not Korean: {text:?}");
            }
            assert_eq!(h.what(Lang::Ko), h.what_ko);
            assert_eq!(h.look_for(Lang::En), h.look_en);
            if h.is_kafka_property() {
                // The accessible name is the property name, untranslated.
                for lang in Lang::ALL {
                    assert_eq!(h.accessible_name(lang), *id);
                    assert_eq!(h.label(lang), *id);
                }
            } else {
                assert!(has_hangul(h.label(Lang::Ko)), "{id}");
                assert_ne!(h.label(Lang::En), *id);
            }
        }
    }
    // No option is listed twice.
    let mut seen = BTreeMap::new();
    for o in i18n::options() {
        assert!(seen.insert(o.id, ()).is_none(), "{} has two help entries", o.id);
    }
    assert_eq!(
        seen.len(),
        PRODUCER_OPTIONS.len() + CONSUMER_OPTIONS.len() + TOPIC_OPTIONS.len()
    );
    assert!(help("no.such.option").is_none());
}

#[test]
fn look_for_texts_say_what_the_issue_asks() {
    // The issue's example: acks=1, crash the leader, Anomalies lists lost acknowledged records.
    let acks = help("acks").unwrap();
    assert!(acks.look_en.contains("acks=1"));
    assert!(
        acks.look_en
            .contains("Anomalies tab lists them as lost acknowledged writes")
    );
    assert!(
        acks.look_ko.contains("확인된 쓰기 유실"),
        "uses the catalog's Korean anomaly name"
    );
    assert!(
        help("max.poll.interval.ms")
            .unwrap()
            .look_en
            .contains("poll bar overruns")
    );
    assert!(
        help("session.timeout.ms")
            .unwrap()
            .look_en
            .contains("session arc")
    );
    let commit = help("commit-mode").unwrap();
    assert!(commit.look_en.contains("skipped records"));
    assert!(commit.look_ko.contains(t(Lang::Ko, Key::SkippedRecord)));
}

#[test]
fn help_defaults_are_the_cores() {
    for o in i18n::options() {
        let default = o.kafka_default();
        match o.default_from {
            DefaultFrom::Config(scope, name) => {
                let key = config::definition(scope, name)
                    .unwrap_or_else(|| panic!("{}: the core has no {name} in {scope:?}", o.id));
                if o.is_kafka_property() {
                    assert_eq!(name, o.id, "a property's default is its own");
                }
                let expected = match key.default_display() {
                    Some(v) => KafkaDefault::Value(v),
                    None => KafkaDefault::Required,
                };
                assert_eq!(default, expected, "{}", o.id);
            }
            DefaultFrom::CommitMode => {
                let auto = config::definition(ConfigScope::Consumer, "enable.auto.commit")
                    .unwrap()
                    .default_value();
                assert_eq!(auto, config::Value::Bool(true));
                assert_eq!(default, KafkaDefault::Value("auto".into()));
            }
            DefaultFrom::NotKafka => assert_eq!(default, KafkaDefault::NotKafka, "{}", o.id),
        }
    }
}

#[test]
fn help_defaults_are_kafka_3_7s() {
    // Kafka 3.7's documented defaults (reference §3), as the help shows them.
    let shown = |id: &str| help(id).unwrap().kafka_default().display(Lang::En);
    let expected = [
        ("acks", "all"),
        ("linger.ms", "0"),
        ("retries", "2147483647"),
        ("batch.size", "16384"),
        ("enable.idempotence", "true"),
        ("max.in.flight.requests.per.connection", "5"),
        ("request.timeout.ms", "30000"),
        ("delivery.timeout.ms", "120000"),
        ("group.id", "null"),
        ("max.poll.records", "500"),
        ("enable.auto.commit", "true"),
        ("heartbeat.interval.ms", "3000"),
        ("session.timeout.ms", "45000"),
        ("max.poll.interval.ms", "300000"),
        ("auto.offset.reset", "latest"),
        ("auto.commit.interval.ms", "5000"),
        (
            "partition.assignment.strategy",
            "RangeAssignor, CooperativeStickyAssignor",
        ),
        ("group.instance.id", "null"),
        ("commit-mode", "auto"),
        ("min.insync.replicas", "1"),
        ("unclean.leader.election.enable", "false"),
        ("replica.lag.time.max.ms", "30000"),
        ("partitions", "1"),
        ("replication-factor", "1"),
    ];
    for (id, value) in expected {
        assert_eq!(shown(id), value, "{id}");
    }
    for id in [
        "key.serializer",
        "value.serializer",
        "key.deserializer",
        "value.deserializer",
    ] {
        assert_eq!(help(id).unwrap().kafka_default(), KafkaDefault::Required, "{id}");
    }
    assert_eq!(shown("key.serializer"), "none (required)");
    let required_ko = help("key.serializer").unwrap().kafka_default().display(Lang::Ko);
    assert_eq!(required_ko, "없음 (필수)");
    let processing = help("processing-time").unwrap().kafka_default();
    assert_eq!(processing, KafkaDefault::NotKafka);
    assert_eq!(processing.display(Lang::En), "not a Kafka setting");
    // The exact text Kafka's docs print is kept in the value.
    let KafkaDefault::Value(raw) = help("partition.assignment.strategy").unwrap().kafka_default() else {
        panic!("a default")
    };
    assert_eq!(
        raw,
        "class org.apache.kafka.clients.consumer.RangeAssignor,\
         class org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
    );
}
