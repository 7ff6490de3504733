//! Host tests of the cluster picture: real simulations, rendered with Yew's server renderer.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::rc::Rc;
use support::render;

use kafka_sim::ids::BrokerId;
use kafka_sim::scenario::Scenario;
use kafka_sim::session::Command;
use kafka_sim::view::{FlightView, MessageKind, ReplicaRoleView, ReplicaView};
use kafka_sim::{SimTime, SimView, Simulation};
use kafka_sim_web::components::cluster::{
    BrokerMenu, BrokerMenuProps, ClusterView, ClusterViewProps, struck_cells,
};
use kafka_sim_web::i18n::Lang;
use yew::Callback;

fn picture(view: SimView) -> String {
    render::<ClusterView>(yew::props!(ClusterViewProps { view: Rc::new(view) }))
}

/// The scenario `name` from `tests/scenarios`, with `extra` TOML appended, its faults scheduled.
fn scenario_sim(name: &str, extra: &str) -> Simulation {
    let path = format!("{}/../../tests/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("scenario file") + extra;
    let scenario = Scenario::from_toml_str(&text).expect("valid scenario");
    let mut sim = Simulation::new(scenario.sim_spec()).expect("valid spec");
    for f in &scenario.faults {
        sim.schedule_scenario_fault(f);
    }
    sim
}

/// The seed's system (`seed-reserve`: topic `reserve`, 3 partitions, RF 3, one producer) at `secs`.
fn seed_at(secs: u64) -> Simulation {
    let mut sim = scenario_sim("seed-reserve", "");
    sim.run_until(SimTime::from_secs(secs));
    sim
}

/// The markup of the region named `name` (up to the next node).
fn region<'a>(html: &'a str, name: &str) -> &'a str {
    let start = html
        .find(&format!(r#"role="region" aria-label="{name}""#))
        .unwrap_or_else(|| panic!("no region {name}: {html}"));
    let rest = &html[start..];
    let end = [r#"role="region""#, r#"role="group""#, "</svg>"]
        .iter()
        .filter_map(|m| rest[1..].find(m))
        .min()
        .map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn the_seed_at_five_seconds_has_zookeeper_three_brokers_a_controller_and_replica_strips() {
    let sim = seed_at(5);
    let view = sim.view();
    let html = picture(view.clone());
    assert!(html.contains(r#"role="region" aria-label="ZooKeeper""#), "{html}");
    assert_eq!(
        html.matches(r#"role="region" aria-label="Broker "#).count(),
        3,
        "{html}"
    );
    assert_eq!(html.matches("★ Controller").count(), 1, "one controller badge");
    let controller = view.brokers().find(|n| n.controller).unwrap();
    assert!(region(&html, &controller.name).contains("★ Controller"));
    // Brokers are focusable and say what a click or Enter does.
    assert_eq!(html.matches(r#"tabindex="0""#).count(), 3, "{html}");
    assert!(html.contains("Enter or click: broker actions"));

    // reserve: 3 partitions × RF 3 → 3 replica rows in each broker, each with its HW and LEO.
    for b in &view.brokers {
        let node = view.nodes.iter().find(|n| n.id == b.node).unwrap();
        let r = region(&html, &node.name);
        assert_eq!(r.matches(r#"class="replica-name""#).count(), 3, "{r}");
        for rep in &b.replicas {
            let marks = format!("HW {} · LEO {}", rep.high_watermark, rep.log_end_offset);
            assert!(r.contains(&marks), "{marks} in {r}");
            assert!(rep.log_end_offset > 0, "the producer has written by 5 s");
        }
        assert_eq!(r.matches(r#"class="mark-hw""#).count(), 3);
        assert_eq!(r.matches(r#"class="mark-leo""#).count(), 3);
        let cells: usize = b.replicas.iter().map(|r| r.strip.len()).sum();
        assert_eq!(
            r.matches(r#"class="cell cell-"#).count(),
            cells,
            "one cell per strip offset"
        );
    }
    // One leader per partition, marked with a crown and the word.
    assert_eq!(html.matches(">♛ Leader<").count(), 3, "{html}");
    assert_eq!(html.matches("replica-leader").count(), 3);
    // Everyone is in sync: no out-of-ISR rows.
    assert!(!html.contains("Out of ISR"));
    assert_eq!(html.matches(">ISR<").count(), 9);
    // The producer and the group's members are drawn too.
    assert!(
        html.contains(r#"role="group" aria-label="reservation-service""#),
        "{html}"
    );
}

#[test]
fn a_crashed_broker_is_greyed_with_its_session_running_out_as_an_arc() {
    let mut sim = seed_at(5);
    Command::CrashBroker { broker: 2 }
        .apply(&mut sim)
        .expect("crash applies");
    sim.run_until(SimTime::from_secs(13));
    let view = sim.view();
    let b2 = view.nodes.iter().find(|n| n.name == "Broker 2").unwrap();
    let used = b2
        .session_used
        .expect("ZooKeeper has not heard from broker 2 for 8 s");
    assert!(!b2.up && used > 0.2 && used < 1.0, "{used}");
    let html = picture(view.clone());
    let r = region(&html, "Broker 2");
    assert!(r.contains("node-down"), "{r}");
    // ZooKeeper still holds its session, running out.
    assert!(r.contains("Crashed · Registered"), "{r}");
    assert!(r.contains(r#"class="session-arc""#), "{r}");
    let timeout = view.settings.as_ref().unwrap().zookeeper_session_timeout_ms as f64;
    let left_ms = ((1.0 - used) * timeout).round() as u64;
    let left = kafka_sim_web::i18n::msg::session_left(Lang::En, left_ms);
    assert!(r.contains(&left), "{left} in {r}");
    // Its replicas are offline and out of the ISR once the controller hears, not before; the others
    // are not greyed.
    assert!(!region(&html, "Broker 1").contains("node-down"));
    assert!(r.contains("Offline"), "{r}");
}

#[test]
fn after_a_truncation_the_removed_records_are_struck_out() {
    let restart = "\n[[faults]]\nat = \"45s\"\naction = \"restart\"\nbroker = 2\n";
    let mut sim = scenario_sim("acks1-leader-crash", restart);
    sim.run_until(SimTime::from_secs(50));
    let view = sim.view();
    let rep: &ReplicaView = view
        .broker_replicas(BrokerId(2))
        .unwrap()
        .replicas
        .iter()
        .find(|r| r.topic == "t")
        .unwrap();
    let s = rep
        .struck
        .last()
        .expect("broker 2 truncated when it came back")
        .clone();
    let html = picture(view.clone());
    let r = region(&html, "Broker 2");
    assert!(r.contains(r#"<g class="struck">"#), "{r}");
    let label = format!(
        "✂ Truncated {} records (offsets {}–{})",
        s.records,
        s.from_offset,
        s.to_offset - 1
    );
    assert!(r.contains(&label), "{label} in {r}");
    // The struck cells are drawn (those still in the strip's window, else the last 16 removed),
    // with one strike through them.
    let (from, to) = struck_cells(&s, rep.log_end_offset - 16, rep.log_end_offset);
    assert!(to > from && to - from <= 16);
    assert_eq!(r.matches("cell cell-struck").count(), (to - from) as usize, "{r}");
    assert_eq!(r.matches(r#"class="strike""#).count(), 1);
    // The other brokers struck nothing.
    assert!(!region(&html, "Broker 1").contains("class=\"struck\""));
}

#[test]
fn the_broker_menu_offers_five_actions_by_their_names_and_emits_commands() {
    let props = |up: bool, lang: Lang| {
        yew::props!(BrokerMenuProps {
            broker: 2,
            up,
            lang,
            on_command: Callback::noop(),
            on_close: Callback::noop(),
        })
    };
    let html = render::<BrokerMenu>(props(true, Lang::En));
    assert!(
        html.contains(r#"role="group" aria-label="Broker 2 actions""#),
        "{html}"
    );
    for name in [
        "Crash broker 2",
        "Restart broker 2",
        "Isolate broker 2",
        "Heal network",
        "Slow network to broker 2",
    ] {
        assert_eq!(html.matches(&format!(">{name}<")).count(), 1, "{name}: {html}");
    }
    assert_eq!(
        html.matches("<button").count(),
        6,
        "five actions and the close button"
    );
    assert!(html.contains(r#"aria-label="Close menu""#));
    // The latency choice, labelled.
    assert!(
        html.contains(r#"<label for="broker-2-latency">Latency</label>"#),
        "{html}"
    );
    assert_eq!(html.matches("<option").count(), 7);
    assert!(
        html.contains(r#"<option value="200" selected="selected">200 ms</option>"#),
        "{html}"
    );
    // A running broker cannot be restarted; a crashed one cannot be crashed or isolated.
    let restart_disabled = |h: &str| {
        let i = h.find(">Restart broker 2<").unwrap();
        h[..i]
            .rfind("<button")
            .map(|b| h[b..i].contains(r#"disabled="disabled""#))
            .unwrap()
    };
    assert!(restart_disabled(&html));
    let down = render::<BrokerMenu>(props(false, Lang::En));
    assert!(!restart_disabled(&down));
    assert_eq!(down.matches(r#"disabled="disabled""#).count(), 2, "{down}");
    // In Korean.
    let ko = render::<BrokerMenu>(props(true, Lang::Ko));
    assert!(
        ko.contains(">브로커 2 강제 종료<") && ko.contains(">네트워크 전체 복구<"),
        "{ko}"
    );

    // Opened from the picture: the broker says its menu is expanded.
    let view = seed_at(1).view();
    let html = render::<ClusterView>(yew::props!(ClusterViewProps {
        view: Rc::new(view),
        menu_for: Some(2),
    }));
    assert!(html.contains(">Crash broker 2<"), "{html}");
    assert!(region(&html, "Broker 2").contains(r#"aria-expanded="true""#));
    assert!(region(&html, "Broker 1").contains(r#"aria-expanded="false""#));
}

#[test]
fn messages_in_flight_are_drawn_and_capped() {
    // acks=1 at 1,000 records/s with the followers' links slowed to 200 ms: plenty in flight.
    let mut sim = scenario_sim("acks1-leader-crash", "");
    sim.run_until(SimTime::from_secs(12));
    let view = sim.view();
    let total = view.in_flight.len();
    assert!(total > 5, "some traffic at 5 s: {total}");
    let html = picture(view.clone());
    assert_eq!(html.matches(r#"class="flight "#).count(), total.min(200));
    // A legend names every kind drawn.
    for name in [
        "Produce request",
        "Produce response",
        "Follower fetch",
        "Heartbeat",
        "Offset commit",
    ] {
        assert!(html.contains(&format!("{name}</li>")), "{name}: {html}");
    }
    let capped = render::<ClusterView>(yew::props!(ClusterViewProps {
        view: Rc::new(view.clone()),
        max_flights: 5usize,
    }));
    assert_eq!(capped.matches(r#"class="flight "#).count(), 5);
    assert!(
        capped.contains(&format!("Showing 5 of {total} messages")),
        "{capped}"
    );

    // A flood: 1,000 fetches and one heartbeat; 200 drawn, the heartbeat among them.
    let mut flood = view;
    let f = flood.in_flight[0].clone();
    flood.in_flight = vec![
        FlightView {
            kind: MessageKind::FollowerFetch,
            label: "Fetch".into(),
            ..f.clone()
        };
        1_000
    ];
    flood.in_flight.push(FlightView {
        kind: MessageKind::Heartbeat,
        label: "Heartbeat".into(),
        ..f
    });
    let html = picture(flood);
    assert_eq!(html.matches(r#"class="flight "#).count(), 200);
    assert_eq!(html.matches(r#"class="flight k-heartbeat""#).count(), 1);
    assert!(html.contains("Showing 200 of 1,001 messages"));
}

#[test]
fn consumer_offsets_replicas_are_hidden_until_asked_for() {
    let mut view = seed_at(2).view();
    let mut internal = view.brokers[0].replicas[0].clone();
    internal.topic = "__consumer_offsets".into();
    internal.partition = 7;
    internal.role = ReplicaRoleView::Follower;
    view.brokers[0].replicas.push(internal);
    let hidden = picture(view.clone());
    assert!(!hidden.contains("__consumer_offsets-7"), "{hidden}");
    assert!(
        hidden.contains("Show __consumer_offsets replicas (1 hidden)"),
        "{hidden}"
    );
    let shown = render::<ClusterView>(yew::props!(ClusterViewProps {
        view: Rc::new(view),
        show_internal: true,
    }));
    assert!(shown.contains(">__consumer_offsets-7<"), "{shown}");
    assert!(shown.contains("Show __consumer_offsets replicas") && !shown.contains("hidden)"));
}

#[test]
fn the_picture_speaks_korean() {
    let view = seed_at(1).view();
    let html = render::<ClusterView>(yew::props!(ClusterViewProps {
        view: Rc::new(view),
        lang: Lang::Ko,
    }));
    assert!(html.contains(r#"role="region" aria-label="브로커 1""#), "{html}");
    assert!(html.contains("★ 컨트롤러"), "{html}");
    assert!(html.contains("전송 중인 메시지"));
}
