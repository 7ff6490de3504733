//! Host tests: render the page to a string with Yew's server renderer and look at it.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::render;

use kafka_sim::SimTime;
use kafka_sim_web::components::{Header, HeaderProps};
use kafka_sim_web::i18n::{Key, Lang, has_hangul, t};
use kafka_sim_web::speed::Speed;
use kafka_sim_web::storage::{self, Store};
use kafka_sim_web::{App, AppProps};
use yew::Callback;

fn page(url: &str, lang: Lang, store: Store) -> String {
    render::<App>(AppProps {
        url: Some(url.to_string().into()),
        lang: Some(lang),
        store: Some(store),
    })
}

fn header(lang: Lang, playing: bool) -> String {
    render::<Header>(HeaderProps {
        lang,
        scenario: Some("seed-reserve".into()),
        seed: 42,
        now: SimTime::from_millis(12_345),
        playing,
        speed: Speed::REAL_TIME,
        timeline_end: SimTime::from_secs(60),
        seeking: None,
        at_start: false,
        copied: true,
        on_action: Callback::noop(),
        on_share: Callback::noop(),
    })
}

#[test]
fn the_header_has_every_control_with_its_accessible_name() {
    let html = header(Lang::En, false);
    for name in ["Play", "Step", "Step back", "Share"] {
        assert!(html.contains(&format!("<span>{name}</span>")), "{name}: {html}");
    }
    assert!(!html.contains("<span>Pause</span>"), "{html}");
    assert!(html.contains(r#"aria-label="Speed""#), "{html}");
    assert!(html.contains(r#"aria-label="Timeline""#), "{html}");
    assert!(html.contains(r#"aria-label="Simulated time""#), "{html}");
    assert!(html.contains(r#"role="group" aria-label="Language""#), "{html}");
    assert!(html.contains(">Scenario<") && html.contains(">Seed<"), "{html}");
    assert!(html.contains("12.345 s"), "{html}");
    assert!(
        html.contains(r#"max="60000""#),
        "the timeline runs to the scenario's end: {html}"
    );
    assert!(
        html.contains(r#"value="12300""#) || html.contains(r#"value="12345""#),
        "{html}"
    );
    assert!(html.contains("Link copied"), "{html}");
    assert!(
        html.contains(r#"<option value="seed-reserve" selected"#),
        "{html}"
    );
    assert!(html.contains(r#"value="42""#), "{html}");
    assert!(html.contains("한국어") && html.contains("English"), "{html}");
    assert!(html.contains(r#"aria-pressed="true""#), "{html}");
    let playing = header(Lang::En, true);
    assert!(playing.contains("<span>Pause</span>") && !playing.contains("<span>Play</span>"));
}

#[test]
fn the_header_speaks_korean() {
    let html = header(Lang::Ko, true);
    for key in [
        Key::AppTitle,
        Key::Pause,
        Key::Step,
        Key::StepBack,
        Key::Share,
        Key::LinkCopied,
    ] {
        assert!(html.contains(t(Lang::Ko, key)), "{key:?}: {html}");
    }
    for key in [Key::Speed, Key::Timeline, Key::Language] {
        assert!(
            html.contains(&format!(r#"aria-label="{}""#, t(Lang::Ko, key))),
            "{key:?}: {html}"
        );
    }
    for english in [">Play<", ">Step back<", ">Share<", ">Scenario<", "Link copied"] {
        assert!(!html.contains(english), "{english} left in Korean: {html}");
    }
    assert!(has_hangul(&html));
}

#[test]
fn the_default_page_is_the_seeds_system_with_an_about_panel() {
    let html = page("http://h/", Lang::En, Store::memory());
    assert!(html.contains("Kafka Playground"), "{html}");
    assert!(html.contains(">Play<"), "{html}");
    assert!(html.contains("0.000 s"), "{html}");
    assert!(html.contains("About this run"), "{html}");
    assert!(html.contains(r#"class="trace-hash""#), "{html}");
    for name in ["ZooKeeper", "Broker 1", "Broker 2", "Broker 3"] {
        assert!(
            html.contains(&format!(r#"role="region" aria-label="{name}""#)),
            "{name}: {html}"
        );
    }
    assert!(!html.contains(r#"aria-label="Broker 4""#));
    assert!(!html.contains(r#"role="alert""#), "{html}");
}

#[test]
fn a_permalink_url_opens_its_run_and_shows_its_trace_hash() {
    use kafka_sim::session::Command;
    let mut s = kafka_sim_web::state::scenarios::default_session();
    s.run_until(SimTime::from_millis(2_000));
    s.apply(Command::CrashBroker { broker: 3 }).unwrap();
    s.run_until(SimTime::from_millis(2_500));
    let url = storage::url_with_link("http://h/", &s.permalink());
    let html = page(&url, Lang::En, Store::memory());
    assert!(html.contains(&format!("{:016x}", s.trace_hash())), "{html}");
    assert!(html.contains("2.500 s"), "{html}");
}

#[test]
fn a_bad_permalink_shows_a_clear_message_and_the_default_scenario() {
    for lang in Lang::ALL {
        let html = page("http://h/#p=k1.garbage", lang, Store::memory());
        assert!(html.contains(r#"role="alert""#), "{html}");
        assert!(html.contains(t(lang, Key::BadLink)), "{html}");
        assert!(html.contains("0.000 s"), "{html}");
        assert!(
            html.contains(r#"<option value="seed-reserve" selected"#),
            "{html}"
        );
    }
}

#[test]
fn a_crashed_broker_says_down_and_messages_are_drawn_on_their_links() {
    use kafka_sim::view::FlightView;
    use kafka_sim::{SimSpec, Simulation};
    use kafka_sim_web::components::{ClusterView, ClusterViewProps};
    use std::rc::Rc;

    let mut view = Simulation::new(SimSpec::default()).unwrap().view();
    let zk = view.nodes[0].id;
    let b2 = view.nodes.iter().find(|n| n.name == "Broker 2").unwrap().id;
    for n in &mut view.nodes {
        n.up = n.id != b2;
        n.controller = n.name == "Broker 1";
    }
    view.now = SimTime::from_micros(1_500);
    view.in_flight = vec![FlightView {
        from: zk,
        to: b2,
        sent_at: SimTime::from_millis(1),
        deliver_at: SimTime::from_millis(2),
        label: "ZkPing".into(),
        kind: kafka_sim::view::MessageKind::ZooKeeper,
        progress: 0.5,
    }];
    let props = yew::props!(ClusterViewProps { view: Rc::new(view) });
    let html = render::<ClusterView>(props);
    assert!(html.contains("node-down"), "{html}");
    assert!(html.contains("Crashed · No session"), "{html}");
    assert_eq!(html.matches("★ Controller").count(), 1, "{html}");
    assert_eq!(html.matches(r#"class="flight "#).count(), 1, "{html}");
    assert!(html.contains("<title>ZkPing</title>"), "{html}");
}

#[test]
fn the_scenario_picker_names_a_lessons_own_scenario_rather_than_another() {
    let render_with = |scenario: Option<&str>| {
        render::<Header>(HeaderProps {
            lang: Lang::En,
            scenario: scenario.map(|s| s.to_owned().into()),
            seed: 42,
            now: SimTime::ZERO,
            playing: false,
            speed: Speed::REAL_TIME,
            timeline_end: SimTime::from_secs(60),
            seeking: None,
            at_start: true,
            copied: false,
            on_action: Callback::noop(),
            on_share: Callback::noop(),
        })
    };
    // A lesson's scenario is not in the list: it is shown, selected, and not offered as a choice.
    let html = render_with(Some("lesson-walkthrough"));
    assert!(
        html.contains(
            r#"<option value="" selected="selected" disabled="disabled">lesson-walkthrough</option>"#
        ),
        "{html}"
    );
    assert!(!html.contains(r#"value="seed-reserve" selected"#), "{html}");
    assert!(
        html.contains(r#"<option value="seed-reserve">seed-reserve</option>"#),
        "{html}"
    );
    // A listed scenario is selected in the list, with no extra option.
    let html = render_with(Some("seed-reserve"));
    assert!(html.contains(r#"value="seed-reserve" selected"#), "{html}");
    assert!(!html.contains(r#"<option value="" "#), "{html}");
    // An inline (imported) scenario has no name.
    assert!(render_with(None).contains(r#"disabled="disabled">—</option>"#));
}
