//! Host tests: render the page to a string with Yew's server renderer and look at it.
#![cfg(not(target_arch = "wasm32"))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use kafka_sim::SimSpec;
use kafka_sim_web::{App, AppProps};
use yew::LocalServerRenderer;

/// Polls a future that needs no runtime (the local server renderer does not spawn) to completion.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10_000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("rendering did not finish");
}

fn render(spec: SimSpec) -> String {
    block_on(
        LocalServerRenderer::<App>::with_props(AppProps { spec })
            .hydratable(false)
            .render(),
    )
}

#[test]
fn the_page_has_a_title_a_clock_and_controls() {
    let html = render(SimSpec::default());
    assert!(html.contains("Kafka Playground"), "{html}");
    assert!(html.contains(">Play<"), "{html}");
    assert!(html.contains("0.000 s"), "{html}");
    assert!(html.contains(r#"aria-label="Speed""#), "{html}");
    assert!(html.contains("1×"), "{html}");
}

#[test]
fn the_seed_cluster_has_zookeeper_and_three_broker_regions() {
    let html = render(SimSpec::default());
    for name in ["ZooKeeper", "Broker 1", "Broker 2", "Broker 3"] {
        assert!(
            html.contains(&format!(r#"role="region" aria-label="{name}""#)),
            "{name}: {html}"
        );
    }
    assert!(!html.contains(r#"aria-label="Broker 4""#));
}

#[test]
fn a_bad_spec_shows_an_error_instead_of_panicking() {
    // Whether 0 brokers is rejected is the kernel's call; either way the page must render.
    let html = render(SimSpec {
        brokers: 0,
        ..SimSpec::default()
    });
    assert!(html.contains("Kafka Playground"), "{html}");
}

#[test]
fn a_crashed_broker_says_down_and_messages_are_drawn_on_their_links() {
    use kafka_sim::view::FlightView;
    use kafka_sim::{SimTime, Simulation};
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
    let html = block_on(
        LocalServerRenderer::<ClusterView>::with_props(props)
            .hydratable(false)
            .render(),
    );
    assert!(html.contains("node-down"), "{html}");
    assert!(html.contains("Crashed · No session"), "{html}");
    assert_eq!(html.matches("★ Controller").count(), 1, "{html}");
    assert_eq!(html.matches(r#"class="flight "#).count(), 1, "{html}");
    assert!(html.contains("<title>ZkPing</title>"), "{html}");
}
