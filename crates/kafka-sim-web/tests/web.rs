//! Browser tests: mount the app in headless Chromium and look at the DOM.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p kafka-sim-web`
#![cfg(target_arch = "wasm32")]

use gloo::timers::future::TimeoutFuture;
use kafka_sim_web::AppProps;
use kafka_sim_web::i18n::Lang;
use kafka_sim_web::storage::Store;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, Element};

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
