//! Host tests of the side panels and the topic table: each is rendered to a string from a real run of the
//! seed scenario (with the seed's consumer group added) and inspected.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use support::render;

use kafka_sim::partitioner::partition_for_key;
use kafka_sim::scenario::Scenario;
use kafka_sim::session::Command;
use kafka_sim::view::{GroupPanel, PollBar, ProducerView};
use kafka_sim::{SimTime, SimView, Simulation};
use kafka_sim_web::components::panels::edit::{
    check_consumer, check_producer, consumer_change, key_partition, partition_count, producer_change,
};
use kafka_sim_web::components::panels::*;
use kafka_sim_web::i18n::{Lang, help};
use yew::Callback;

const LINGER_MESSAGE: &str = "Invalid value -1 for configuration linger.ms: Value must be at least 0";

fn seed_sim() -> Simulation {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/scenarios/seed-reserve.toml"
    );
    // The seed's file carries its Spring consumer group (data-platform-group).
    let text = std::fs::read_to_string(path).expect("the seed scenario");
    assert!(
        text.contains("data-platform-group"),
        "the seed scenario has the seed's group"
    );
    let scenario = Scenario::from_toml_str(&text).expect("the seed scenario parses");
    Simulation::new(scenario.sim_spec()).expect("the seed scenario builds")
}

fn run_to(sim: &mut Simulation, secs: u64) -> SimView {
    sim.run_until(SimTime::from_secs(secs));
    sim.view()
}

fn producer(view: &SimView) -> ProducerView {
    view.producers.first().expect("the seed's producer").clone()
}

fn group(view: &SimView) -> GroupPanel {
    view.groups.first().expect("the seed's group").clone()
}

fn recorder() -> (Callback<Command>, Rc<RefCell<Vec<Command>>>) {
    let sent = Rc::new(RefCell::new(Vec::new()));
    let log = sent.clone();
    (Callback::from(move |c| log.borrow_mut().push(c)), sent)
}

fn named(html: &str, name: &str) -> bool {
    html.contains(&format!(r#"aria-label="{name}""#))
}

fn producer_html(view: &SimView, lang: Lang) -> String {
    let p = producer(view);
    render::<ProducerPanel>(ProducerPanelProps {
        partitions: partition_count(view, &p.topic),
        producer: p,
        sent: None,
        lang,
        on_command: Callback::noop(),
    })
}

#[test]
fn the_producer_panel_names_its_controls_by_property_and_shows_its_numbers() {
    let mut sim = seed_sim();
    let view = run_to(&mut sim, 5);
    let p = producer(&view);
    assert!(p.stats.acked > 0, "the seed's producer has written by 5 s");
    let html = producer_html(&view, Lang::En);
    for name in PRODUCER_OPTIONS {
        assert!(named(&html, name), "{name}: {html}");
        assert!(
            html.contains(&format!(">{name}</label>")),
            "{name} is the visible label too"
        );
    }
    assert!(html.contains(r#"role="region" aria-label="Producer reservation-service → reserve""#));
    // The seed's values: acks=all (Kafka 3.x's default), Spring's serializers.
    assert!(html.contains(r#"<option value="all" selected"#), "{html}");
    assert!(html.contains("org.springframework.kafka.support.serializer.JsonSerializer"));
    let sent = kafka_sim_web::i18n::msg::count(p.stats.sent);
    assert!(
        html.contains(&format!(r#"data-stat="sent">{sent}<"#)),
        "{sent}: {html}"
    );
    assert!(html.contains(&format!(
        r#"data-stat="acked">{}<"#,
        kafka_sim_web::i18n::msg::count(p.stats.acked)
    )));
    assert!(
        html.contains(r#"data-stat="p99">"#) && html.contains(" ms<"),
        "latency in ms: {html}"
    );
    assert!(html.contains("reserve-{n}"), "the key pattern");
}

#[test]
fn an_invalid_linger_ms_gives_kafkas_message_and_no_command() {
    let mut sim = seed_sim();
    let view = run_to(&mut sim, 1);
    let p = producer(&view);
    assert!(
        !p.config.originals.is_empty(),
        "the view carries the supplied properties"
    );

    // The pure check: Kafka's exact text.
    assert_eq!(
        check_producer(&p.config.originals, "linger.ms", "-1"),
        Err(LINGER_MESSAGE.to_string())
    );
    assert_eq!(check_producer(&p.config.originals, "linger.ms", "5"), Ok(()));
    assert_eq!(
        check_producer(&p.config.originals, "acks", "2"),
        Err("Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1".to_string())
    );

    // What the control's submit does: the refusal answers the message and emits nothing ...
    let (on_command, sent) = recorder();
    let refused = emit_or_refuse(producer_change(&p, "linger.ms", "-1"), &on_command);
    assert_eq!(refused.as_deref(), Some(LINGER_MESSAGE));
    assert!(sent.borrow().is_empty(), "no command for a refused value");
    // ... and a valid value emits the command the session applies.
    assert_eq!(
        emit_or_refuse(producer_change(&p, "linger.ms", "20"), &on_command),
        None
    );
    assert_eq!(
        sent.borrow().as_slice(),
        [Command::SetProducerConfig {
            producer: "reservation-service".into(),
            name: "linger.ms".into(),
            value: "20".into(),
        }]
    );
    // The simulation agrees with the panel: it refuses the same value with the same message.
    let err = Command::SetProducerConfig {
        producer: "reservation-service".into(),
        name: "linger.ms".into(),
        value: "-1".into(),
    }
    .apply(&mut sim)
    .unwrap_err();
    assert_eq!(err.to_string(), LINGER_MESSAGE);

    // Drawn: the message beside the control, as an alert; the field keeps the typed text, the last valid
    // value is named.
    let html = render::<OptionRow>(OptionRowProps {
        dom_id: "producer-0-linger.ms".into(),
        name: "linger.ms".into(),
        value: producer_value(&p, "linger.ms").into(),
        kind: ControlKind::Number,
        lang: Lang::En,
        draft: Some("-1".into()),
        error: refused.map(Into::into),
        note: None,
        on_enter: Callback::noop(),
    });
    assert!(html.contains(r#"role="alert""#), "{html}");
    assert!(html.contains(LINGER_MESSAGE), "{html}");
    assert!(html.contains("The last valid value is kept."), "{html}");
    assert!(html.contains(r#"aria-invalid="true""#), "{html}");
    assert!(
        html.contains(r#"aria-describedby="producer-0-linger.ms-error""#),
        "{html}"
    );
    assert!(html.contains(r#"value="-1""#), "{html}");
    assert!(html.contains("still 0"), "the seed's linger.ms stays 0: {html}");
}

#[test]
fn the_key_preview_is_kafkas_murmur2_partition() {
    let mut sim = seed_sim();
    let view = run_to(&mut sim, 2);
    let p = producer(&view);
    let n = partition_count(&view, "reserve");
    assert_eq!(n, 3);
    let expected = partition_for_key(b"reserve-1", 3);
    assert_eq!(key_partition(&p, "reserve-1", n), Ok(Some(expected)));
    assert_eq!(key_partition(&p, "", n), Ok(None), "an empty key is a null key");

    let html = render::<SendRecordView>(SendRecordViewProps {
        producer: p.clone(),
        partitions: n,
        sent: None,
        lang: Lang::En,
        key_text: "reserve-1".into(),
        value_text: r#"{"reservationId":1}"#.into(),
        on_key: Callback::noop(),
        on_value: Callback::noop(),
        onsubmit: Callback::noop(),
    });
    assert!(
        html.contains(&format!("Key goes to partition reserve-{expected}")),
        "{html}"
    );
    assert!(html.contains(&format!(r#"data-partition="{expected}""#)));

    // The simulation sends it where the preview said, and the result arrives in the view's terms.
    let applied = Command::SendRecord {
        producer: p.name.clone(),
        key: Some("reserve-1".into()),
        value: r#"{"reservationId":1}"#.into(),
    }
    .apply(&mut sim)
    .expect("sent");
    let record = applied.sent.expect("a sent record");
    assert_eq!(record.tp.partition, expected);
    sim.run_until(SimTime::from_secs(3));
    let outcome = SendOutcome::from_manual(sim.sent_record(record.producer, record.id).expect("tracked"));
    let SendOutcome::Acked {
        partition,
        offset: Some(offset),
    } = outcome.clone()
    else {
        panic!("acknowledged with an offset under acks=all: {outcome:?}");
    };
    assert_eq!(partition, expected);
    let html = render::<SendRecordView>(SendRecordViewProps {
        producer: p,
        partitions: n,
        sent: Some(outcome),
        lang: Lang::En,
        key_text: "reserve-1".into(),
        value_text: "x".into(),
        on_key: Callback::noop(),
        on_value: Callback::noop(),
        onsubmit: Callback::noop(),
    });
    assert!(
        html.contains(&format!("Acknowledged: reserve-{expected} at offset {offset}")),
        "{html}"
    );
}

#[test]
fn the_group_panel_shows_member_cards_with_session_and_poll_numbers() {
    let mut sim = seed_sim();
    let view = run_to(&mut sim, 8);
    let g = group(&view);
    assert_eq!(g.members.len(), 3, "{g:?}");
    let (on_command, _) = recorder();
    let html = render::<ConsumerGroupPanel>(ConsumerGroupPanelProps {
        group: g.clone(),
        lang: Lang::En,
        on_command,
    });
    assert!(
        html.contains(r#"aria-label="Consumer group data-platform-group""#),
        "{html}"
    );
    for name in CONSUMER_OPTIONS.iter().chain(&["group.instance.id"]) {
        assert!(named(&html, name), "{name}: {html}");
    }
    assert!(named(&html, "Processing time per record"), "{html}");
    assert!(html.contains(r#"data-fact="state">Stable<"#), "{html}");
    for m in &g.members {
        assert!(html.contains(&format!(r#"role="region" aria-label="Member {}""#, m.number)));
        assert!(html.contains(&format!(">Crash member {}<", m.number)), "{html}");
        assert!(html.contains(&format!(">Close member {}<", m.number)), "{html}");
        assert!(
            html.contains(&format!(">Pause member {} for 5 s<", m.number)),
            "{html}"
        );
        let arc = m.session.expect("the coordinator has the member");
        assert_eq!(
            arc.session_timeout_ms, 45_000,
            "Kafka 3.7's default session.timeout.ms"
        );
        let words = kafka_sim_web::i18n::msg::session_of(Lang::En, arc.since_heard_ms, 45_000);
        assert!(html.contains(&words), "{words}: {html}");
        assert!(html.contains(&format!(r#"data-since-ms="{}""#, arc.since_heard_ms)));
        let poll = m.poll.expect("it has polled");
        let words = kafka_sim_web::i18n::msg::poll_of(Lang::En, poll.since_poll_ms, 300_000);
        assert!(html.contains(&words), "{words}: {html}");
    }
    assert!(html.contains("of 45.0 s since the coordinator last heard from it"));
    assert!(html.contains("of 300.0 s since the last poll()"));
    assert!(
        html.contains("every 10.0 s"),
        "the seed's heartbeat.interval.ms: {html}"
    );
    assert!(html.contains(">Add member<"));
    if std::env::var_os("SHOW_HTML").is_some() {
        println!("{html}");
    }
}

#[test]
fn consumer_changes_are_checked_like_kafka() {
    let mut sim = seed_sim();
    let g = group(&run_to(&mut sim, 3));
    let originals = &g.members[0].config.as_ref().expect("a config").originals;
    let message = "Heartbeat must be set lower than the session timeout";
    assert_eq!(
        check_consumer(originals, "heartbeat.interval.ms", "45000"),
        Err(message.to_string())
    );
    let (on_command, sent) = recorder();
    let answer = emit_or_refuse(
        consumer_change(&g, None, "session.timeout.ms", "9000"),
        &on_command,
    );
    assert_eq!(
        answer.as_deref(),
        Some(message),
        "session 9000 <= heartbeat 10000"
    );
    assert!(sent.borrow().is_empty());
    assert!(
        consumer_change(&g, None, "group.id", "other").is_err(),
        "group.id is read-only"
    );
    assert_eq!(
        emit_or_refuse(
            consumer_change(&g, None, "max.poll.interval.ms", "20000"),
            &on_command
        ),
        None
    );
    assert_eq!(
        sent.borrow().as_slice(),
        [Command::SetConsumerConfig {
            group: "data-platform-group".into(),
            member: None,
            name: "max.poll.interval.ms".into(),
            value: "20000".into(),
        }]
    );
}

#[test]
fn an_overrun_poll_bar_runs_past_its_limit_and_says_so() {
    let bar = PollBar {
        last_poll: SimTime::from_secs(1),
        since_poll_ms: 26_000,
        max_poll_interval_ms: 20_000,
        fraction: 1.3,
    };
    let html = render::<PollBarView>(PollBarViewProps { bar, lang: Lang::En });
    assert!(html.contains("poll-overrun"), "{html}");
    assert!(html.contains("Poll overrun: 26.0 s since the last poll(), past max.poll.interval.ms (20.0 s)"));
    assert!(html.contains("(130%)"), "{html}");
    // The fill passes the limit's mark (at 1/1.5 of the track).
    assert!(
        html.contains("width: 86.67%") && html.contains("left: 66.67%"),
        "{html}"
    );
}

#[test]
fn the_topic_table_flags_an_under_replicated_partition_after_a_broker_crash() {
    let mut sim = seed_sim();
    let before = run_to(&mut sim, 5);
    let table = |view: &SimView, show_internal| {
        render::<TopicTable>(TopicTableProps {
            view: Rc::new(view.clone()),
            lang: Lang::En,
            show_internal,
        })
    };
    let html = table(&before, false);
    assert_eq!(
        html.matches(r#"<th scope="row">"#).count(),
        3,
        "one row per partition: {html}"
    );
    assert!(!html.contains("flag-under"), "healthy at first: {html}");
    assert!(
        !html.contains("__consumer_offsets"),
        "internal topics are hidden by default"
    );
    assert!(table(&before, true).contains("__consumer_offsets"));

    Command::CrashBroker { broker: 2 }.apply(&mut sim).expect("crash");
    // ZooKeeper's session (18 s) runs out; the controller shrinks the ISRs.
    let after = run_to(&mut sim, 30);
    let html = table(&after, false);
    let under = after
        .partitions
        .iter()
        .filter(|p| !p.internal && p.under_replicated)
        .count();
    assert_eq!(under, 3, "every reserve partition has a replica on broker 2");
    assert_eq!(html.matches("flag-under").count(), 3, "{html}");
    assert!(html.contains("3 partitions under-replicated"), "{html}");
    assert!(
        html.contains(" ✗ Out of sync"),
        "the out-of-sync replica is marked in words: {html}"
    );
    assert!(
        html.contains(r#"data-broker="2" class="replica replica-oos">2<"#),
        "{html}"
    );
    assert!(html.contains(r#"<td class="isr">3, 1</td>"#), "{html}");
}

#[test]
fn topic_and_broker_settings_are_named_and_say_when_they_apply() {
    let mut sim = seed_sim();
    let view = run_to(&mut sim, 1);
    let settings = view.settings.clone().expect("settings");
    let html = render::<TopicSettingsPanel>(TopicSettingsPanelProps {
        settings,
        lang: Lang::En,
        on_command: Callback::noop(),
    });
    for name in [
        "min.insync.replicas",
        "unclean.leader.election.enable",
        "replica.lag.time.max.ms",
    ] {
        assert!(named(&html, name), "{name}: {html}");
    }
    assert!(
        named(&html, "Partitions") && named(&html, "Replication factor"),
        "{html}"
    );
    assert!(html.contains("next restart, as in Kafka"), "{html}");
    assert!(html.contains("Changing it needs a reset"), "{html}");

    use kafka_sim_web::components::panels::edit::{broker_change, processing_change, topic_change};
    assert_eq!(
        topic_change("reserve", "min.insync.replicas", "0"),
        Err("Invalid value 0 for configuration min.insync.replicas: Value must be at least 1".to_string())
    );
    assert_eq!(
        topic_change("reserve", "min.insync.replicas", "2"),
        Ok(Command::SetTopicConfig {
            topic: "reserve".into(),
            name: "min.insync.replicas".into(),
            value: "2".into(),
        })
    );
    assert!(topic_change("reserve", "unclean.leader.election.enable", "maybe").is_err());
    assert!(broker_change("replica.lag.time.max.ms", "abc").is_err());
    assert!(broker_change("replica.lag.time.max.ms", "10000").is_ok());
    assert!(processing_change("data-platform-group", "-3").is_err());
    assert_eq!(
        processing_change("data-platform-group", "2.5"),
        Ok(Command::SetProcessing {
            group: "data-platform-group".into(),
            per_record: SimTime::from_micros(2_500),
        })
    );
}

#[test]
fn help_renders_in_korean() {
    let mut sim = seed_sim();
    let view = run_to(&mut sim, 1);
    let html = producer_html(&view, Lang::Ko);
    let linger = help("linger.ms").expect("help on linger.ms");
    assert!(html.contains(linger.what(Lang::Ko)), "{html}");
    assert!(html.contains(linger.look_for(Lang::Ko)));
    assert!(html.contains(r#"aria-label="도움말: linger.ms""#), "{html}");
    assert!(html.contains("Kafka 기본값"), "{html}");
    // Property names stay Kafka's in Korean.
    assert!(named(&html, "linger.ms") && named(&html, "acks"));
    assert!(html.contains("프로듀서 reservation-service"), "{html}");

    let g = group(&view);
    let html = render::<ConsumerGroupPanel>(ConsumerGroupPanelProps {
        group: g,
        lang: Lang::Ko,
        on_command: Callback::noop(),
    });
    let session = help("session.timeout.ms").expect("help");
    assert!(html.contains(session.what(Lang::Ko)), "{html}");
    assert!(html.contains("멤버 1 강제 종료"), "{html}");
}

#[test]
fn the_load_and_the_commit_mode_are_controls_that_build_commands() {
    use kafka_sim::session::{Commit, Rate};
    use kafka_sim_web::components::panels::edit::{commit_change, load_change};
    let mut sim = seed_sim();
    let view = run_to(&mut sim, 5);
    let html = producer_html(&view, Lang::En);
    // Named by the setting's name, with help, and saying a change restarts the producer.
    assert!(named(&html, "Send rate (records/s)"), "{html}");
    assert!(named(&html, "Key pattern"), "{html}");
    assert!(html.contains(r#"id="producer-0-send-rate""#), "{html}");
    assert!(html.contains("Help: Send rate (records/s)"), "{html}");
    assert!(html.contains("changing it restarts the producer"), "{html}");
    assert!(html.contains(r#"value="reserve-{n}""#), "{html}");
    let p = producer(&view);
    assert_eq!(
        load_change(&p.name, "send-rate", " 250 "),
        Ok(Command::SetProducerLoad {
            producer: "reservation-service".into(),
            rate: Some(Rate(250.0)),
            keys: None,
        })
    );
    assert_eq!(
        load_change(&p.name, "key-pattern", "none"),
        Ok(Command::SetProducerLoad {
            producer: "reservation-service".into(),
            rate: None,
            keys: Some("none".into()),
        })
    );
    assert_eq!(
        load_change(&p.name, "send-rate", "fast").unwrap_err(),
        "Invalid send rate fast: a number of records per second"
    );
    assert_eq!(
        load_change(&p.name, "send-rate", "0").unwrap_err(),
        "Invalid send rate 0: must be greater than 0 and at most 1000000 records per second"
    );
    assert!(
        load_change(&p.name, "key-pattern", "k-{id}")
            .unwrap_err()
            .starts_with("Invalid key pattern: unknown placeholder {id}")
    );
    // The group's commit mode: a choice of the three, the seed's `manual` selected.
    let g = group(&view);
    let html = render::<ConsumerGroupPanel>(ConsumerGroupPanelProps {
        group: g.clone(),
        lang: Lang::En,
        on_command: Callback::noop(),
    });
    assert!(named(&html, "Commit mode"), "{html}");
    assert!(html.contains(r#"<select id="group-0-commit-mode""#), "{html}");
    assert!(html.contains(r#"<option value="manual" selected"#), "{html}");
    assert!(html.contains(r#"<option value="before""#) && html.contains(r#"<option value="auto""#));
    assert!(html.contains("changing it restarts the members"), "{html}");
    assert_eq!(
        commit_change(&g.group_id, "before"),
        Ok(Command::SetCommitMode {
            group: "data-platform-group".into(),
            mode: Commit::Before,
        })
    );
    assert!(
        commit_change(&g.group_id, "sometimes")
            .unwrap_err()
            .starts_with("unknown commit mode")
    );
    // In Korean the labels are translated; the control stays the same.
    let ko = producer_html(&view, Lang::Ko);
    assert!(named(&ko, "전송 속도 (초당 레코드)"), "{ko}");
}

#[test]
fn the_producer_and_the_oracle_say_which_sent_count_they_show() {
    use kafka_sim_web::components::tabs::{AnomaliesPanel, AnomaliesPanelProps};
    let mut sim = seed_sim();
    let view = run_to(&mut sim, 5);
    let anomalies = sim.anomalies();
    let p = producer(&view);
    // Two different counts: records handed to send() by the app (queued ones included) and records
    // whose send has an outcome (what the durability oracle checks).
    assert!(
        p.stats.sent >= anomalies.sent,
        "{} < {}",
        p.stats.sent,
        anomalies.sent
    );
    assert!(anomalies.sent > 0);
    let panel = producer_html(&view, Lang::En);
    let oracle = render::<AnomaliesPanel>(AnomaliesPanelProps {
        anomalies: std::rc::Rc::new(anomalies.clone()),
        lang: Lang::En,
    });
    assert!(panel.contains("<dt>Sent by the app (send())</dt>"), "{panel}");
    assert!(
        panel.contains("<dt>Acknowledged (acks=0: once sent)</dt>"),
        "{panel}"
    );
    assert!(panel.contains("the Anomalies tab counts every record whose send has an outcome"));
    assert!(
        oracle.contains("<dt>Sent, outcome known (acknowledged, failed or unanswered)</dt>"),
        "{oracle}"
    );
    assert!(
        oracle.contains("<dt>Acknowledged with an offset</dt>"),
        "{oracle}"
    );
    // No bare "Sent" label is left to be read two ways.
    for html in [&panel, &oracle] {
        assert!(!html.contains("<dt>Sent</dt>"), "{html}");
        assert!(!html.contains("<dt>Acknowledged</dt>"), "{html}");
    }
    let ko = producer_html(&view, Lang::Ko);
    assert!(ko.contains("<dt>앱이 보냄 (send())</dt>"), "{ko}");
}
