//! Host tests of the tabs below the picture: render them with Yew's server renderer from real runs
//! of the project's scenarios and look at the HTML.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::rc::Rc;
use std::sync::OnceLock;
use support::render;

use kafka_sim::ids::BrokerId;
use kafka_sim::scenario::Scenario;
use kafka_sim::sim::run_scenario;
use kafka_sim::view::{
    Actor, AnomaliesView, EventKind, IsrChange, LeaderMove, LoggedEvent, MetricSample, Narration,
    RebalanceCause, RemovalCause, SequenceEntry,
};
use kafka_sim::{NodeView, SimTime};
use kafka_sim_web::components::tabs::window::{Scroll, max_rows};
use kafka_sim_web::components::tabs::{
    AnomaliesPanel, AnomaliesPanelProps, EventLog, EventLogProps, MetricsCharts, MetricsChartsProps,
    SEQUENCE_LIMIT, SequenceDiagram, SequenceDiagramProps, Tab, Tabs, TabsProps,
};
use kafka_sim_web::i18n::narration::{english, narrate};
use kafka_sim_web::i18n::{Lang, has_hangul};
use yew::Callback;

/// What a finished run gives the tabs.
struct Run {
    events: Vec<LoggedEvent>,
    metrics: Vec<MetricSample>,
    anomalies: AnomaliesView,
    sequence: Vec<SequenceEntry>,
    nodes: Vec<NodeView>,
}

fn run(file: &str) -> Run {
    let path = format!("{}/../../tests/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("scenario file");
    let scenario = Scenario::from_toml_str(&text).expect("valid scenario");
    let mut sim = run_scenario(&scenario, None).expect("valid spec");
    Run {
        events: sim.event_log_range(sim.event_log_bounds()),
        metrics: sim.metrics().cloned().collect(),
        anomalies: sim.anomalies(),
        sequence: sim.sequence(SEQUENCE_LIMIT),
        nodes: sim.view().nodes,
    }
}

fn acks1() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| run("acks1-leader-crash.toml"))
}

fn group_crash() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| run("group-member-crash.toml"))
}

fn event_log(events: Vec<LoggedEvent>, lang: Lang, kinds: Vec<EventKind>, scroll: Scroll) -> String {
    render::<EventLog>(EventLogProps {
        events: Rc::new(events),
        lang,
        on_seek: Callback::noop(),
        initial_kinds: kinds,
        initial_scroll: scroll,
    })
}

/// The rendered text of a string as Yew escapes it.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[test]
fn the_tab_strip_is_an_aria_tablist_with_one_selected_tab() {
    let html = render::<Tabs>(TabsProps {
        lang: Lang::En,
        selected: Tab::Anomalies,
        on_select: Callback::noop(),
        children: yew::html! { <p>{ "inside" }</p> },
    });
    assert!(html.contains(r#"role="tablist""#), "{html}");
    assert_eq!(html.matches(r#"role="tab""#).count(), 5, "{html}");
    for name in [
        "Event log",
        "Metrics",
        "Anomalies",
        "Sequence diagram",
        "Terminal",
    ] {
        assert!(html.contains(&format!(">{name}<")), "{name}: {html}");
    }
    assert_eq!(html.matches(r#"aria-selected="true""#).count(), 1, "{html}");
    assert_eq!(html.matches(r#"tabindex="-1""#).count(), 4, "{html}");
    assert!(
        html.contains(r#"role="tabpanel" id="tabpanel-anomalies" aria-labelledby="tab-anomalies""#),
        "{html}"
    );
    assert!(html.contains("<p>inside</p>"), "{html}");
    let ko = render::<Tabs>(TabsProps {
        lang: Lang::Ko,
        selected: Tab::EventLog,
        on_select: Callback::noop(),
        children: yew::html! {},
    });
    assert!(
        ko.contains(">이벤트 로그<") && ko.contains(">시퀀스 다이어그램<"),
        "{ko}"
    );
}

#[test]
fn the_event_log_says_the_session_expiry_in_english_and_korean() {
    let run = acks1();
    let expiry = (run.events.iter())
        .find(|e| matches!(e.narration, Narration::BrokerSessionExpired { .. }))
        .expect("the crashed leader's ZooKeeper session expires within the run");
    let en_sentence = expiry.narration.english();
    assert!(
        en_sentence.contains("missed its ZooKeeper session of"),
        "{en_sentence}"
    );
    assert_eq!(english(&expiry.narration), en_sentence);
    let ko_sentence = narrate(Lang::Ko, &expiry.narration);
    assert!(
        ko_sentence.contains("ZooKeeper 세션(") && ko_sentence.contains("만료되어"),
        "{ko_sentence}"
    );

    // Scrolled to the top: the expiry is among the first broker events... render around it instead.
    let only = vec![expiry.clone()];
    let en = event_log(only.clone(), Lang::En, vec![], Scroll::Tail);
    assert!(en.contains(&escaped(&en_sentence)), "{en}");
    assert!(en.contains(r#"type="button""#), "{en}");
    let ko = event_log(only, Lang::Ko, vec![], Scroll::Tail);
    assert!(ko.contains(&escaped(&ko_sentence)), "{ko}");
    assert!(ko.contains("브로커·네트워크"), "the kind in Korean: {ko}");

    // In the whole log, following the tail with only broker events shown, the expiry is in view.
    let html = event_log(
        run.events.clone(),
        Lang::Ko,
        vec![EventKind::Broker],
        Scroll::Tail,
    );
    assert!(html.contains("ZooKeeper 세션("), "{html}");
}

#[test]
fn filtering_by_kind_removes_the_other_kinds() {
    let run = acks1();
    let kinds: std::collections::BTreeSet<EventKind> = run.events.iter().map(|e| e.kind).collect();
    assert!(kinds.len() >= 2, "the run logs several kinds: {kinds:?}");
    let all = event_log(run.events.clone(), Lang::En, vec![], Scroll::At(0.0));
    assert!(all.contains(&format!(r#"aria-setsize="{}""#, run.events.len())));
    // Only elections (the failover's): every other kind's rows disappear.
    let only = event_log(
        run.events.clone(),
        Lang::En,
        vec![EventKind::Election],
        Scroll::At(0.0),
    );
    let elections = (run.events.iter())
        .filter(|e| e.kind == EventKind::Election)
        .count();
    assert!(elections > 0, "the controller elects leaders");
    assert!(elections < run.events.len());
    assert!(only.contains(r#"class="event kind-election""#), "{only}");
    for other in kinds.iter().filter(|k| **k != EventKind::Election) {
        let class = format!("class=\"event kind-{}\"", format!("{other:?}").to_lowercase());
        assert!(!only.contains(&class), "{class} is filtered out: {only}");
    }
    assert!(only.contains(&format!(r#"aria-setsize="{elections}""#)), "{only}");
    // Eight checkboxes, one per kind; only the elections one checked.
    assert_eq!(only.matches(r#"type="checkbox""#).count(), 8, "{only}");
    assert_eq!(only.matches("checked").count(), 1, "{only}");
}

#[test]
fn a_ten_thousand_event_log_renders_a_bounded_window() {
    let run = acks1();
    let mut events = Vec::with_capacity(10_000);
    for i in 0..10_000u64 {
        let mut e = run.events[(i as usize) % run.events.len()].clone();
        e.seq = i;
        e.at = SimTime::from_millis(i);
        events.push(e);
    }
    for scroll in [Scroll::Tail, Scroll::At(0.0), Scroll::At(44.0 * 5_000.0)] {
        let html = event_log(events.clone(), Lang::En, vec![], scroll);
        let rows = html.matches("class=\"event-row\"").count();
        assert!(rows > 0 && rows <= max_rows(), "{scroll:?}: {rows} rows");
        assert!(html.contains(r#"aria-setsize="10000""#));
        assert!(
            html.contains("height:440000px"),
            "the list is as tall as every row"
        );
    }
    let tail = event_log(events.clone(), Lang::En, vec![], Scroll::Tail);
    assert!(tail.contains("9.999 s"), "the newest event is in view");
    let mid = event_log(events, Lang::En, vec![], Scroll::At(44.0 * 5_000.0));
    assert!(mid.contains("5.000 s") && !mid.contains("9.999 s"));
}

#[test]
fn the_metrics_have_series_axes_and_rebalance_markers() {
    let run = group_crash();
    assert!(
        run.metrics.iter().any(|s| s.rebalances > 0),
        "the crash causes a rebalance"
    );
    let html = render::<MetricsCharts>(MetricsChartsProps {
        samples: Rc::new(run.metrics.clone()),
        lang: Lang::En,
    });
    for class in [
        "series-produce",
        "series-acked",
        "series-latency",
        "series-lag",
        "series-lost",
    ] {
        // A drawn path (not only the legend's swatch line): `<path d="M..." class="series ...">`.
        let want = format!(r#"class="series {class}""#);
        let drawn = (html.split("<path d=\"M").skip(1))
            .any(|p| p.split('>').next().is_some_and(|tag| tag.contains(&want)));
        assert!(drawn, "{class}: {html}");
    }
    assert!(html.contains("rebalance-marker"), "{html}");
    assert!(html.contains("Rebalance · "), "{html}");
    for label in [
        "records per second",
        "milliseconds",
        "simulated time (s)",
        "Produce rate",
        "Acknowledged rate",
    ] {
        assert!(html.contains(label), "{label}");
    }
    assert_eq!(html.matches(r#"role="img""#).count(), 4, "{html}");
    // Downsampled: no path has more points than twice the plot width.
    for d in html.split(" d=\"M").skip(1) {
        let d = d.split('"').next().unwrap_or("");
        assert!(d.matches(['L', 'M']).count() <= 2 * 640, "{}", d.len());
    }
    let ko = render::<MetricsCharts>(MetricsChartsProps {
        samples: Rc::new(run.metrics.clone()),
        lang: Lang::Ko,
    });
    assert!(ko.contains("초당 레코드 수") && ko.contains("리밸런스"), "{ko}");
    let empty = render::<MetricsCharts>(MetricsChartsProps {
        samples: Rc::new(vec![]),
        lang: Lang::En,
    });
    assert!(empty.contains("No samples yet"), "{empty}");
}

#[test]
fn anomalies_list_lost_acknowledged_writes_with_explanations() {
    let run = acks1();
    assert!(
        run.anomalies.lost > 0,
        "acks=1 loses acknowledged records: {:?}",
        run.anomalies.lost
    );
    let html = render::<AnomaliesPanel>(AnomaliesPanelProps {
        anomalies: Rc::new(run.anomalies.clone()),
        lang: Lang::En,
    });
    assert!(html.contains("Lost acknowledged write"), "{html}");
    assert!(html.contains(">lost-write<"), "{html}");
    let first = run
        .anomalies
        .of(kafka_sim::view::AnomalyClass::LostWrite)
        .next()
        .expect("a finding");
    assert!(html.contains(&escaped(&first.explanation)), "{html}");
    assert!(html.contains(&format!("<code>{}</code>", first.record)), "{html}");
    assert!(html.contains(r#"lang="en""#) && html.contains(r#"class="explanation""#));
    for name in [
        "Duplicate",
        "Reordering",
        "Inconsistent offsets",
        "Skipped record",
    ] {
        assert!(html.contains(name), "{name}");
    }
    assert!(!html.contains("No anomalies so far"));
    let ko = render::<AnomaliesPanel>(AnomaliesPanelProps {
        anomalies: Rc::new(run.anomalies.clone()),
        lang: Lang::Ko,
    });
    assert!(
        ko.contains("확인된 쓰기 유실") && ko.contains("어느 최종 로그에도"),
        "{ko}"
    );
    let clean = render::<AnomaliesPanel>(AnomaliesPanelProps {
        anomalies: Rc::new(AnomaliesView::default()),
        lang: Lang::En,
    });
    assert!(clean.contains("No anomalies so far"), "{clean}");
}

#[test]
fn the_sequence_diagram_has_lifelines_and_arrows() {
    let run = acks1();
    let html = render::<SequenceDiagram>(SequenceDiagramProps {
        entries: Rc::new(run.sequence.clone()),
        nodes: Rc::new(run.nodes.clone()),
        lang: Lang::En,
    });
    let lifelines = html.matches(r#"class="lifeline""#).count()
        + html.matches(r#"class="lifeline lifeline-down""#).count();
    assert_eq!(lifelines, run.nodes.len(), "{html}");
    assert!(
        html.contains("lifeline-down"),
        "the crashed leader's lifeline is marked down"
    );
    for name in ["ZooKeeper", "Broker 1", "Broker 2", "Broker 3", "app"] {
        assert!(html.contains(&format!(">{name}</text>")), "{name}: {html}");
    }
    let arrows = html.matches(r#"<g class="message">"#).count();
    assert!(arrows > 0 && arrows <= SEQUENCE_LIMIT, "{arrows}");
    assert!(html.contains(r##"marker-end="url(#seq-arrow)""##), "{html}");
    assert!(html.contains(" → "), "{html}");

    // A lost message ends in a cross.
    let mut lost = run.sequence.clone();
    if let Some(last) = lost.last_mut() {
        last.lost = true;
    }
    let html = render::<SequenceDiagram>(SequenceDiagramProps {
        entries: Rc::new(lost),
        nodes: Rc::new(run.nodes.clone()),
        lang: Lang::En,
    });
    assert!(
        html.contains("message-lost") && html.contains("lost-mark"),
        "{html}"
    );
    assert!(html.contains("(Lost message)"), "{html}");
}

/// The name of a variant, by an exhaustive match: a new [`Narration`] variant fails to compile here
/// until it is added to [`every_variant`].
fn variant(n: &Narration) -> &'static str {
    use Narration as N;
    match n {
        N::Crashed { .. } => "Crashed",
        N::Restarted { .. } => "Restarted",
        N::Isolated { .. } => "Isolated",
        N::LinkCut { .. } => "LinkCut",
        N::LinkSlowed { .. } => "LinkSlowed",
        N::LinkDropping { .. } => "LinkDropping",
        N::NetworkHealed => "NetworkHealed",
        N::BrokerSessionExpired { .. } => "BrokerSessionExpired",
        N::BrokerShutDown { .. } => "BrokerShutDown",
        N::BrokerRegistered { .. } => "BrokerRegistered",
        N::ControllerChanged { .. } => "ControllerChanged",
        N::TopicCreated { .. } => "TopicCreated",
        N::TopicDeleted { .. } => "TopicDeleted",
        N::PartitionsAdded { .. } => "PartitionsAdded",
        N::LeaderElected { .. } => "LeaderElected",
        N::IsrShrunk { .. } => "IsrShrunk",
        N::IsrExpanded { .. } => "IsrExpanded",
        N::Truncated { .. } => "Truncated",
        N::ProducerFailed { .. } => "ProducerFailed",
        N::ProducerRestarted { .. } => "ProducerRestarted",
        N::TopicConfigChanged { .. } => "TopicConfigChanged",
        N::BrokerConfigChanged { .. } => "BrokerConfigChanged",
        N::ConsumersRestarted { .. } => "ConsumersRestarted",
        N::CommitModeChanged { .. } => "CommitModeChanged",
        N::MemberAdded { .. } => "MemberAdded",
        N::MemberClosed { .. } => "MemberClosed",
        N::MemberPaused { .. } => "MemberPaused",
        N::MemberJoined { .. } => "MemberJoined",
        N::MemberRemoved { .. } => "MemberRemoved",
        N::RebalanceStarted { .. } => "RebalanceStarted",
        N::RebalanceCompleted { .. } => "RebalanceCompleted",
        N::CoordinatorLoaded { .. } => "CoordinatorLoaded",
        N::PollTimeout { .. } => "PollTimeout",
        N::CommitFailed { .. } => "CommitFailed",
        N::ConsumerLog { .. } => "ConsumerLog",
    }
}

/// Every variant, and within them every branch the renderers take.
fn every_variant() -> Vec<Narration> {
    use Narration as N;
    let b = BrokerId;
    let mv = |p: &str, l: Option<i32>| LeaderMove {
        partition: p.into(),
        leader: l.map(BrokerId),
    };
    let isr = |p: &str, v: &[i32]| IsrChange {
        partition: p.into(),
        isr: v.iter().copied().map(BrokerId).collect(),
    };
    let m = || "consumer-data-platform-group-1".to_string();
    let mut out = vec![
        N::Crashed {
            node: Actor::Broker(b(2)),
        },
        N::Crashed {
            node: Actor::Member(m()),
        },
        N::Restarted {
            node: Actor::Producer("reservation-service".into()),
        },
        N::Isolated {
            node: Actor::ZooKeeper,
        },
        N::LinkCut {
            a: Actor::Broker(b(1)),
            b: Actor::Broker(b(3)),
            one_way: true,
        },
        N::LinkCut {
            a: Actor::Broker(b(1)),
            b: Actor::ZooKeeper,
            one_way: false,
        },
        N::LinkSlowed {
            a: Actor::Broker(b(2)),
            peers: vec![Actor::Broker(b(1)), Actor::ZooKeeper],
            latency_ms: 200,
        },
        N::LinkDropping {
            a: Actor::Broker(b(2)),
            peers: vec![Actor::Broker(b(1))],
            percent: 0,
        },
        N::LinkDropping {
            a: Actor::Broker(b(2)),
            peers: vec![Actor::Broker(b(1))],
            percent: 30,
        },
        N::NetworkHealed,
        N::BrokerSessionExpired {
            broker: b(2),
            session_ms: 18_000,
            moved: vec![],
            isr: vec![],
            internal: 0,
        },
        N::BrokerSessionExpired {
            broker: b(2),
            session_ms: 18_000,
            moved: vec![mv("reserve-0", None)],
            isr: vec![isr("reserve-0", &[])],
            internal: 0,
        },
        N::BrokerSessionExpired {
            broker: b(2),
            session_ms: 1_500,
            moved: vec![mv("reserve-0", Some(3)), mv("reserve-2", None)],
            isr: vec![isr("reserve-0", &[3, 1]), isr("reserve-1", &[1, 3])],
            internal: 17,
        },
        N::BrokerShutDown {
            broker: b(1),
            moved: vec![],
            isr: vec![],
            internal: 0,
        },
        N::BrokerShutDown {
            broker: b(1),
            moved: vec![mv("reserve-1", Some(2))],
            isr: vec![isr("reserve-1", &[2, 3])],
            internal: 0,
        },
        N::BrokerRegistered { broker: b(3) },
        N::ControllerChanged {
            controller: Some(b(1)),
            epoch: 2,
        },
        N::ControllerChanged {
            controller: None,
            epoch: 2,
        },
        N::TopicCreated {
            topic: "reserve".into(),
            assignment: vec![vec![b(1), b(2), b(3)], vec![b(2), b(3), b(1)]],
        },
        N::TopicDeleted {
            topic: "reserve".into(),
        },
        N::PartitionsAdded {
            topic: "reserve".into(),
            first: 3,
            assignment: vec![vec![b(1), b(2), b(3)]],
        },
        N::ProducerFailed {
            producer: "app".into(),
            partition: "t-0".into(),
            error: "NOT_ENOUGH_REPLICAS".into(),
            records: 12,
        },
        N::ProducerRestarted {
            producer: "app".into(),
            changes: vec![("acks".into(), "all".into())],
        },
        N::TopicConfigChanged {
            topic: "reserve".into(),
            name: "min.insync.replicas".into(),
            value: "2".into(),
            was: "1".into(),
        },
        N::TopicConfigChanged {
            topic: "reserve".into(),
            name: "unclean.leader.election.enable".into(),
            value: "true".into(),
            was: "false".into(),
        },
        N::TopicConfigChanged {
            topic: "reserve".into(),
            name: "unclean.leader.election.enable".into(),
            value: "false".into(),
            was: "true".into(),
        },
        N::BrokerConfigChanged {
            name: "replica.lag.time.max.ms".into(),
            value: "5000".into(),
            was: "30000".into(),
        },
        N::ConsumersRestarted {
            group: "data-platform-group".into(),
            member: None,
            changes: vec![("max.poll.records".into(), "50".into())],
        },
        N::ConsumersRestarted {
            group: "data-platform-group".into(),
            member: Some(2),
            changes: vec![("group.instance.id".into(), "app-2".into())],
        },
        N::CommitModeChanged {
            group: "data-platform-group".into(),
            mode: "before".into(),
            was: "manual".into(),
        },
        N::CommitModeChanged {
            group: "data-platform-group".into(),
            mode: "auto".into(),
            was: "before".into(),
        },
        N::MemberAdded { member: m() },
        N::MemberClosed { member: m() },
        N::MemberPaused {
            member: m(),
            ms: 5_000,
            gc: true,
        },
        N::MemberPaused {
            member: m(),
            ms: 500,
            gc: false,
        },
        N::MemberJoined {
            group: "data-platform-group".into(),
            member: m(),
        },
        N::CoordinatorLoaded {
            broker: b(2),
            partition: 17,
            groups: 1,
        },
        N::PollTimeout {
            member: m(),
            max_poll_interval_ms: 300_000,
        },
        N::CommitFailed {
            member: m(),
            message: "Commit cannot be completed".into(),
        },
        N::ConsumerLog {
            member: m(),
            level: "WARN".into(),
            message: "Offset commit failed".into(),
        },
        N::RebalanceCompleted {
            group: "data-platform-group".into(),
            generation: 3,
            protocol: Some("range".into()),
            assignment: vec![(m(), vec!["reserve-0".into()]), ("c-2".into(), vec![])],
        },
    ];
    for (leader, previous, unclean) in [
        (None, None, false),
        (Some(3), Some(2), true),
        (Some(3), Some(2), false),
        (Some(1), None, false),
    ] {
        out.push(N::LeaderElected {
            partition: "reserve-0".into(),
            leader: leader.map(BrokerId),
            previous: previous.map(BrokerId),
            epoch: 4,
            isr: vec![b(3), b(1)],
            unclean,
        });
    }
    out.push(N::IsrShrunk {
        partition: "t-0".into(),
        from: vec![b(1), b(2), b(3)],
        to: vec![b(1)],
        lag_max_ms: 30_000,
    });
    out.push(N::IsrExpanded {
        partition: "t-0".into(),
        from: vec![b(1)],
        to: vec![b(1), b(2)],
    });
    out.push(N::Truncated {
        broker: b(2),
        partition: "t-0".into(),
        from: 120,
        to: 100,
        removed: 20,
    });
    for cause in [
        RemovalCause::SessionTimeout,
        RemovalCause::Leave,
        RemovalCause::PendingSync,
        RemovalCause::DidNotRejoin,
        RemovalCause::Other,
    ] {
        out.push(N::MemberRemoved {
            group: "data-platform-group".into(),
            member: m(),
            cause,
            session_ms: Some(45_000),
        });
    }
    for cause in [
        RebalanceCause::NewMember,
        RebalanceCause::SessionTimeout,
        RebalanceCause::Leave,
        RebalanceCause::LeaderRejoin,
        RebalanceCause::MetadataChange,
        RebalanceCause::PendingSync,
        RebalanceCause::DidNotRejoin,
        RebalanceCause::Other,
    ] {
        out.push(N::RebalanceStarted {
            group: "data-platform-group".into(),
            generation: 2,
            cause,
            member: Some(m()),
        });
    }
    out
}

#[test]
fn every_narration_variant_has_a_korean_sentence() {
    let all = every_variant();
    let covered: std::collections::BTreeSet<&str> = all.iter().map(variant).collect();
    assert_eq!(covered.len(), 35, "every variant is exercised: {covered:?}");
    let mut seen = std::collections::BTreeSet::new();
    for n in &all {
        let ko = narrate(Lang::Ko, n);
        assert!(!ko.trim().is_empty(), "{n:?}");
        assert!(has_hangul(&ko), "{n:?}: {ko}");
        assert!(!ko.contains("{}"), "{ko}");
        assert_eq!(narrate(Lang::En, n), n.english());
        assert!(seen.insert(ko.clone()), "two branches say the same thing: {ko}");
    }
}
