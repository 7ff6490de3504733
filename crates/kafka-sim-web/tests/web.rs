//! Browser tests: mount the app in headless Chromium and look at the DOM.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p kafka-sim-web`
#![cfg(target_arch = "wasm32")]

use gloo::timers::future::TimeoutFuture;
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
    let app = kafka_sim_web::mount(root.clone());

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
    let app = kafka_sim_web::mount(root.clone());
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
