//! Host tests of the tabs below the picture: render them with Yew's server renderer from real runs
//! of the project's scenarios and look at the HTML.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::rc::Rc;
use std::sync::OnceLock;
use support::render;

use kafka_sim::scenario::Scenario;
use kafka_sim::sim::run_scenario;
use kafka_sim::view::{AnomaliesView, EventKind, LoggedEvent, MetricSample, Narration, SequenceEntry};
use kafka_sim::{NodeView, SimTime};
use kafka_sim_web::components::tabs::window::{Scroll, max_rows};
use kafka_sim_web::components::tabs::{
    AnomaliesPanel, AnomaliesPanelProps, EventLog, EventLogProps, MetricsCharts, MetricsChartsProps,
    SEQUENCE_LIMIT, SequenceDiagram, SequenceDiagramProps, Tab, Tabs, TabsProps,
};
use kafka_sim_web::i18n::Lang;
use kafka_sim_web::i18n::narration::{english, narrate};
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
