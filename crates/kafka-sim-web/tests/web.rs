//! Browser tests: mount the app, and single components on real view data, in headless Chromium; act
//! on them as a user would (click, type, choose) and look at roles, names, numbers and the commands
//! they send.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p kafka-sim-web`
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;
use kafka_sim::partitioner::partition_for_key;
use kafka_sim::scenario::Scenario;
use kafka_sim::session::{Command, Commit, Pause, Rate};
use kafka_sim::{SimTime, SimView, Simulation};
use kafka_sim_web::AppProps;
use kafka_sim_web::components::BrokerMenu;
use kafka_sim_web::components::cluster::BrokerMenuProps;
use kafka_sim_web::components::panels::edit::partition_count;
use kafka_sim_web::components::panels::{
    ConsumerGroupPanel, ConsumerGroupPanelProps, MemberCardView, MemberCardViewProps, ProducerPanel,
    ProducerPanelProps,
};
use kafka_sim_web::i18n::{Key, Lang, msg, t};
use kafka_sim_web::storage::Store;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, Element, HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// A fresh `<div>` in the body to mount into.
fn fresh_root() -> Element {
    let doc = document();
    let root = doc.create_element("div").expect("create div");
    doc.body().expect("body").append_child(&root).expect("append");
    root
}

/// Mounts a fresh app in English on the default scenario, with its own in-memory store (tests share
/// the page's `localStorage` and URL, so they must not read them).
fn mount_fresh(root: &Element) -> yew::AppHandle<kafka_sim_web::App> {
    kafka_sim_web::mount_with(
        root.clone(),
        AppProps {
            url: Some("http://test.invalid/".into()),
            lang: Some(Lang::En),
            store: Some(Store::memory()),
        },
    )
}

fn click(el: &Element) {
    el.dispatch_event(&web_sys::MouseEvent::new("click").expect("event"))
        .expect("click");
}

/// Yields to the browser until `selector` matches inside `root` (Yew renders on a microtask).
async fn find(root: &Element, selector: &str) -> Option<Element> {
    for _ in 0..50 {
        if let Ok(Some(found)) = root.query_selector(selector) {
            return Some(found);
        }
        TimeoutFuture::new(10).await;
    }
    None
}

#[wasm_bindgen_test]
async fn mounts_and_draws_three_brokers_and_zookeeper() {
    let root = fresh_root();
    let app = mount_fresh(&root);

    for name in ["Broker 1", "Broker 2", "Broker 3", "ZooKeeper"] {
        let selector = format!(r#"[role="region"][aria-label="{name}"]"#);
        let node = find(&root, &selector).await;
        assert!(node.is_some(), "no region named {name}");
    }
    let regions = root
        .query_selector_all(r#"[role="region"][aria-label^="Broker "]"#)
        .expect("query");
    assert_eq!(regions.length(), 3);

    let clock = find(&root, r#"[role="timer"]"#).await.expect("a clock");
    assert_eq!(clock.text_content().unwrap_or_default().trim(), "0.000 s");
    let play = find(&root, "button.play").await.expect("a Play button");
    assert_eq!(play.text_content().unwrap_or_default().trim(), "▶Play");

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn play_advances_the_clock_and_pause_stops_it() {
    let root = fresh_root();
    let app = mount_fresh(&root);
    let play = find(&root, "button.play").await.expect("a Play button");
    let clock = find(&root, r#"[role="timer"]"#).await.expect("a clock");
    let read = || clock.text_content().unwrap_or_default();
    let start = read();

    play.dispatch_event(&web_sys::MouseEvent::new("click").expect("event"))
        .expect("click");
    let mut advanced = false;
    for _ in 0..100 {
        TimeoutFuture::new(20).await;
        if read() != start {
            advanced = true;
            break;
        }
    }
    assert!(advanced, "the clock did not move from {start}");

    let pause = find(&root, "button.pause").await.expect("a Pause button");
    pause
        .dispatch_event(&web_sys::MouseEvent::new("click").expect("event"))
        .expect("click");
    TimeoutFuture::new(50).await;
    let stopped = read();
    TimeoutFuture::new(200).await;
    assert_eq!(read(), stopped, "the clock kept running after Pause");

    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn step_moves_the_run_and_step_back_returns() {
    let root = fresh_root();
    let app = mount_fresh(&root);
    let hash = find(&root, ".trace-hash")
        .await
        .expect("the about panel's trace hash");
    let read = || hash.text_content().unwrap_or_default();
    let step_back = find(&root, "button.step-back").await.expect("Step back");
    assert!(
        step_back.has_attribute("disabled"),
        "nothing to step back to at the start"
    );
    let start = read();
    let step = find(&root, "button.step").await.expect("Step");
    click(&step);
    TimeoutFuture::new(30).await;
    let stepped = read();
    assert_ne!(stepped, start, "Step changed nothing");
    click(&step);
    TimeoutFuture::new(30).await;
    assert_ne!(read(), stepped);
    click(&step_back);
    TimeoutFuture::new(30).await;
    assert_eq!(
        read(),
        stepped,
        "Step back did not return to the earlier trace hash"
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_language_switch_sets_html_lang_and_the_labels() {
    let root = fresh_root();
    let app = mount_fresh(&root);
    let korean = find(&root, r#"button.lang[lang="ko"]"#)
        .await
        .expect("a 한국어 button");
    click(&korean);
    TimeoutFuture::new(30).await;
    let html_lang = document()
        .document_element()
        .and_then(|h| h.get_attribute("lang"))
        .unwrap_or_default();
    assert_eq!(html_lang, "ko");
    let play = find(&root, "button.play").await.expect("Play");
    assert_eq!(play.text_content().unwrap_or_default().trim(), "▶재생");
    let english = find(&root, r#"button.lang[lang="en"]"#)
        .await
        .expect("an English button");
    click(&english);
    TimeoutFuture::new(30).await;
    app.destroy();
    root.remove();
}

// ---- Single components on real view data ----------------------------------------------------------

const SEED: &str = include_str!("../../../tests/scenarios/seed-reserve.toml");

thread_local! {
    /// The seed's run at 8 s, computed once for every component test.
    static SEED_VIEW: RefCell<Option<SimView>> = const { RefCell::new(None) };
}

/// The seed scenario's view at 8 s of simulated time (its three members are in the group by then).
fn seed_view() -> SimView {
    SEED_VIEW.with(|v| {
        v.borrow_mut()
            .get_or_insert_with(|| {
                let scenario = Scenario::from_toml_str(SEED).expect("the seed scenario parses");
                let mut sim = Simulation::new(scenario.sim_spec()).expect("it builds");
                sim.run_until(SimTime::from_secs(8));
                sim.view()
            })
            .clone()
    })
}

/// A callback that records the commands it receives.
fn recorder() -> (Callback<Command>, Rc<RefCell<Vec<Command>>>) {
    let sent = Rc::new(RefCell::new(Vec::new()));
    let log = sent.clone();
    (Callback::from(move |c| log.borrow_mut().push(c)), sent)
}

/// Lets Yew render what the last event changed.
async fn settle() {
    TimeoutFuture::new(20).await;
}

/// The button whose accessible name (its `aria-label`, else its text) is `name`.
fn button(root: &Element, name: &str) -> Option<HtmlElement> {
    let list = root.query_selector_all("button").ok()?;
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .find(|b| {
            let label = b
                .get_attribute("aria-label")
                .unwrap_or_else(|| b.text_content().unwrap_or_default());
            label.trim() == name
        })
}

/// Types `value` into a text field (one `input` event, as typing does).
fn type_into(el: &Element, value: &str) {
    let input: &HtmlInputElement = el.dyn_ref().expect("an <input>");
    input.set_value(value);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).expect("event");
    el.dispatch_event(&event).expect("input");
}

/// Enters `value` into a field or chooses it in a `<select>`, then fires `change` (as leaving the
/// field, pressing Enter or choosing does).
fn enter(el: &Element, value: &str) {
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(select) = el.dyn_ref::<HtmlSelectElement>() {
        select.set_value(value);
    }
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("change", &init).expect("event");
    el.dispatch_event(&event).expect("change");
}

fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

fn mount_producer(root: &Element, on_command: Callback<Command>) -> yew::AppHandle<ProducerPanel> {
    let view = seed_view();
    let producer = view.producers[0].clone();
    let partitions = partition_count(&view, &producer.topic);
    yew::Renderer::<ProducerPanel>::with_root_and_props(
        root.clone(),
        ProducerPanelProps {
            producer,
            partitions,
            sent: None,
            lang: Lang::En,
            on_command,
        },
    )
    .render()
}

#[wasm_bindgen_test]
async fn the_send_form_shows_the_keys_partition_and_sends_the_record() {
    let root = fresh_root();
    let (on_command, sent) = recorder();
    let app = mount_producer(&root, on_command);
    let form = find(&root, "form.send-record").await.expect("the send form");
    assert_eq!(
        form.get_attribute("aria-label").as_deref(),
        Some(t(Lang::En, Key::SendOneRecord))
    );
    let key = find(&root, "#producer-0-send-key").await.expect("the key field");
    type_into(&key, "reserve-42");
    settle().await;
    let expected = partition_for_key(b"reserve-42", 3);
    let preview = find(&root, ".key-partition[data-partition]")
        .await
        .expect("the key's partition");
    assert_eq!(
        preview.get_attribute("data-partition"),
        Some(expected.to_string())
    );
    assert!(
        text(&preview).contains(&format!("reserve-{expected}")),
        "{}",
        text(&preview)
    );
    // An empty key: a null key, the sticky partitioner chooses.
    type_into(&key, "");
    settle().await;
    assert!(
        root.query_selector(".key-partition[data-partition]")
            .unwrap()
            .is_none()
    );
    assert_eq!(
        text(&find(&root, ".key-partition").await.unwrap()),
        t(Lang::En, Key::NullKeyHint)
    );
    type_into(&key, "reserve-42");
    let value = find(&root, "#producer-0-send-value")
        .await
        .expect("the value field");
    type_into(&value, r#"{"reservationId":42}"#);
    settle().await;
    button(&root, t(Lang::En, Key::Send)).expect("Send").click();
    settle().await;
    assert_eq!(
        *sent.borrow(),
        [Command::SendRecord {
            producer: "reservation-service".into(),
            key: Some("reserve-42".into()),
            value: r#"{"reservationId":42}"#.into(),
        }]
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn an_invalid_option_shows_kafkas_message_and_sends_nothing() {
    let root = fresh_root();
    let (on_command, sent) = recorder();
    let app = mount_producer(&root, on_command);
    let linger = find(&root, r#"input[aria-label="linger.ms"]"#)
        .await
        .expect("a control named linger.ms");
    assert!(root.query_selector(r#"[role="alert"]"#).unwrap().is_none());
    enter(&linger, "-1");
    settle().await;
    let alert = find(&root, r#"[role="alert"]"#).await.expect("Kafka's message");
    assert!(
        text(&alert).contains("Invalid value -1 for configuration linger.ms: Value must be at least 0"),
        "{}",
        text(&alert)
    );
    assert_eq!(linger.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        linger.get_attribute("aria-describedby"),
        Some(alert.id()),
        "the message describes the field"
    );
    assert!(sent.borrow().is_empty(), "nothing was sent: {:?}", sent.borrow());
    // A valid value clears the message and goes out.
    enter(&linger, "20");
    settle().await;
    assert!(root.query_selector(r#"[role="alert"]"#).unwrap().is_none());
    assert_eq!(
        *sent.borrow(),
        [Command::SetProducerConfig {
            producer: "reservation-service".into(),
            name: "linger.ms".into(),
            value: "20".into(),
        }]
    );
    // The load is a control too: a bad rate is refused with a message, a good one restarts.
    let rate = find(&root, r#"input[aria-label="Send rate (records/s)"]"#)
        .await
        .expect("the send rate");
    enter(&rate, "0");
    settle().await;
    let alert = find(&root, r#"[role="alert"]"#)
        .await
        .expect("the rate's message");
    assert!(text(&alert).contains("Invalid send rate 0"), "{}", text(&alert));
    assert_eq!(sent.borrow().len(), 1);
    enter(&rate, "250");
    settle().await;
    assert_eq!(
        sent.borrow().last(),
        Some(&Command::SetProducerLoad {
            producer: "reservation-service".into(),
            rate: Some(Rate(250.0)),
            keys: None,
        })
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_member_card_shows_its_numbers_and_its_buttons_act_on_it() {
    let root = fresh_root();
    let (on_command, sent) = recorder();
    let view = seed_view();
    let group = view.groups[0].clone();
    let member = group.members[0].clone();
    let n = member.number;
    let app = yew::Renderer::<MemberCardView>::with_root_and_props(
        root.clone(),
        MemberCardViewProps {
            group: group.group_id.clone().into(),
            group_index: 0,
            member: member.clone(),
            lang: Lang::En,
            on_command,
        },
    )
    .render();
    let card = find(&root, &format!(r#"[role="region"][aria-label="Member {n}"]"#))
        .await
        .expect("a region named after the member");
    let arc = member.session.expect("the coordinator has heard from it");
    let words = msg::session_of(Lang::En, arc.since_heard_ms, arc.session_timeout_ms);
    assert!(text(&card).contains(&words), "{words}: {}", text(&card));
    let poll = member.poll.expect("it has polled");
    let words = msg::poll_of(Lang::En, poll.since_poll_ms, poll.max_poll_interval_ms);
    assert!(text(&card).contains(&words), "{words}");
    button(&root, &format!("Crash member {n}"))
        .expect("Crash")
        .click();
    settle().await;
    // A 12 s GC pause: type the seconds, keep the kind, click.
    let secs = find(&root, &format!("#group-0-member-{n}-pause-secs"))
        .await
        .expect("the pause length");
    enter(&secs, "12");
    settle().await;
    button(&root, &format!("Pause member {n} for 12 s"))
        .expect("the pause button says the new length")
        .click();
    settle().await;
    assert_eq!(
        *sent.borrow(),
        [
            Command::CrashMember {
                group: group.group_id.clone(),
                member: n,
            },
            Command::PauseMember {
                group: group.group_id.clone(),
                member: n,
                duration: SimTime::from_secs(12),
                kind: Pause::Gc,
            },
        ]
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_group_panel_changes_the_commit_mode_and_adds_members() {
    let root = fresh_root();
    let (on_command, sent) = recorder();
    let group = seed_view().groups[0].clone();
    let app = yew::Renderer::<ConsumerGroupPanel>::with_root_and_props(
        root.clone(),
        ConsumerGroupPanelProps {
            group: group.clone(),
            lang: Lang::En,
            on_command,
        },
    )
    .render();
    let region = find(
        &root,
        r#"[role="region"][aria-label="Consumer group data-platform-group"]"#,
    )
    .await
    .expect("the group's region");
    let cards = region
        .query_selector_all(r#"[role="region"][aria-label^="Member "]"#)
        .unwrap();
    assert_eq!(cards.length() as usize, group.members.len());
    let mode = find(&root, r#"select[aria-label="Commit mode"]"#)
        .await
        .expect("the commit mode");
    let select: &HtmlSelectElement = mode.dyn_ref().unwrap();
    assert_eq!(select.value(), "manual", "the seed commits after processing");
    enter(&mode, "before");
    settle().await;
    button(&root, t(Lang::En, Key::AddMember))
        .expect("Add member")
        .click();
    settle().await;
    // An invalid consumer value: Kafka's message, no command.
    let heartbeat = find(&root, r#"input[aria-label="heartbeat.interval.ms"]"#)
        .await
        .expect("heartbeat.interval.ms");
    enter(&heartbeat, "60000");
    settle().await;
    let alert = find(&root, r#"[role="alert"]"#).await.expect("a message");
    assert!(
        text(&alert).contains("Heartbeat must be set lower than the session timeout"),
        "{}",
        text(&alert)
    );
    assert_eq!(
        *sent.borrow(),
        [
            Command::SetCommitMode {
                group: "data-platform-group".into(),
                mode: Commit::Before,
            },
            Command::AddMember {
                group: "data-platform-group".into(),
            },
        ]
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_broker_menu_offers_what_the_broker_can_do() {
    let root = fresh_root();
    let (on_command, sent) = recorder();
    let closed = Rc::new(RefCell::new(0));
    let on_close = {
        let closed = closed.clone();
        Callback::from(move |()| *closed.borrow_mut() += 1)
    };
    let app = yew::Renderer::<BrokerMenu>::with_root_and_props(
        root.clone(),
        BrokerMenuProps {
            broker: 2,
            up: true,
            lang: Lang::En,
            position: (10.0, 20.0),
            on_command,
            on_close,
        },
    )
    .render();
    let menu = find(&root, r#"[role="group"].broker-menu"#)
        .await
        .expect("the menu");
    assert_eq!(
        menu.get_attribute("aria-label"),
        Some(msg::broker_actions(Lang::En, 2))
    );
    let crash = button(&root, "Crash broker 2").expect("Crash broker 2");
    let restart = button(&root, "Restart broker 2").expect("Restart broker 2");
    assert!(!crash.has_attribute("disabled"));
    assert!(
        restart.has_attribute("disabled"),
        "a running broker cannot be restarted"
    );
    settle().await;
    let focused = document().active_element().map(|e| text(&e));
    assert_eq!(
        focused.as_deref(),
        Some("Crash broker 2"),
        "the focus is in the menu"
    );
    crash.click();
    settle().await;
    let latency = find(&root, "#broker-2-latency")
        .await
        .expect("the latency choice");
    enter(&latency, "500");
    settle().await;
    button(&root, "Slow network to broker 2").expect("Slow").click();
    settle().await;
    assert_eq!(
        *sent.borrow(),
        [
            Command::CrashBroker { broker: 2 },
            Command::SlowBroker {
                broker: 2,
                latency: SimTime::from_millis(500),
            },
        ]
    );
    assert_eq!(*closed.borrow(), 2, "each action closes the menu");
    app.destroy();
    root.remove();
}
