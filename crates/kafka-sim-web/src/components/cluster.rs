//! The cluster picture: ZooKeeper in the middle, brokers around it, links, messages in flight.

use std::rc::Rc;

use kafka_sim::{NodeKind, NodeView, SimView};
use yew::prelude::*;

use crate::layout::{Layout, NODE_HEIGHT, NODE_WIDTH, Point, VIEW_HEIGHT, VIEW_WIDTH, flight_progress};

/// Properties of [`ClusterView`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct ClusterViewProps {
    /// The simulation's state.
    pub view: Rc<SimView>,
}

/// An SVG of the cluster. Each node is a `region` named after it ("ZooKeeper", "Broker 1", ...).
#[component]
pub fn ClusterView(props: &ClusterViewProps) -> Html {
    let view = &props.view;
    let layout = Layout::of(view);
    let up = |id| view.nodes.iter().any(|n| n.id == id && n.up);

    let links = layout.links().into_iter().filter_map(|link| {
        let (a, b) = (layout.position(link.a)?, layout.position(link.b)?);
        let class = classes!(
            "link",
            link.to_zookeeper.then_some("link-zk"),
            (!up(link.a) || !up(link.b)).then_some("link-dead"),
        );
        Some(html! {
            <line {class} x1={fmt(a.x)} y1={fmt(a.y)} x2={fmt(b.x)} y2={fmt(b.y)} />
        })
    });

    let flights = view.in_flight.iter().filter_map(|f| {
        let (from, to) = (layout.position(f.from)?, layout.position(f.to)?);
        let p = from.lerp(to, flight_progress(view.now, f.sent_at, f.deliver_at));
        Some(html! {
            <circle class="flight" cx={fmt(p.x)} cy={fmt(p.y)} r="5">
                <title>{ f.label.clone() }</title>
            </circle>
        })
    });

    let nodes = view.nodes.iter().filter_map(|n| {
        let at = layout.position(n.id)?;
        Some(html! { <NodeGlyph key={n.id.0} node={n.clone()} {at} /> })
    });

    html! {
        <svg
            class="cluster"
            viewBox={format!("0 0 {VIEW_WIDTH} {VIEW_HEIGHT}")}
            preserveAspectRatio="xMidYMid meet"
            aria-label="Cluster"
        >
            <g class="links" aria-hidden="true">{ for links }</g>
            <g class="flights" aria-hidden="true">{ for flights }</g>
            <g class="nodes">{ for nodes }</g>
        </svg>
    }
}

/// Properties of [`NodeGlyph`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct NodeGlyphProps {
    /// The node.
    pub node: NodeView,
    /// Its centre.
    pub at: Point,
}

/// One node: a box with its name and state in words; the controller carries a "controller" badge.
#[component]
pub fn NodeGlyph(props: &NodeGlyphProps) -> Html {
    let n = &props.node;
    let Point { x, y } = props.at;
    let zk = matches!(n.kind, NodeKind::ZooKeeper);
    let state = if !n.up {
        "down"
    } else if n.isolated {
        "isolated"
    } else {
        "up"
    };
    let class = classes!(
        "node",
        if zk { "node-zk" } else { "node-broker" },
        format!("node-{state}"),
        n.controller.then_some("node-controller"),
    );
    let (left, top) = (x - NODE_WIDTH / 2.0, y - NODE_HEIGHT / 2.0);
    let detail = match (zk, n.up, n.registered) {
        (true, _, _) => "coordination".to_string(),
        (false, false, _) => "no session".to_string(),
        (false, true, true) => "registered".to_string(),
        (false, true, false) => "not registered".to_string(),
    };
    let session = n.session_used.filter(|_| !zk).map(|used| {
        let used = if used.is_nan() { 0.0 } else { used.clamp(0.0, 1.0) };
        let w = NODE_WIDTH - 24.0;
        html! {
            <g class="session">
                <rect class="session-track" x={fmt(left + 12.0)} y={fmt(top + NODE_HEIGHT - 10.0)}
                      width={fmt(w)} height="4" rx="2" />
                <rect class="session-used" x={fmt(left + 12.0)} y={fmt(top + NODE_HEIGHT - 10.0)}
                      width={fmt(w * used)} height="4" rx="2" />
                <title>{ format!("ZooKeeper session {:.0}% used", used * 100.0) }</title>
            </g>
        }
    });
    let badge = n.controller.then(|| {
        let (bw, bh) = (84.0, 20.0);
        let (bx, by) = (left + NODE_WIDTH - bw - 8.0, top - bh / 2.0);
        html! {
            <g class="badge">
                <rect x={fmt(bx)} y={fmt(by)} width={fmt(bw)} height={fmt(bh)} rx="10" />
                <text x={fmt(bx + bw / 2.0)} y={fmt(by + bh / 2.0)} dominant-baseline="central"
                      text-anchor="middle">{ "controller" }</text>
            </g>
        }
    });
    html! {
        <g {class} role="region" aria-label={n.name.clone()}>
            <rect class="node-box" x={fmt(left)} y={fmt(top)} width={fmt(NODE_WIDTH)}
                  height={fmt(NODE_HEIGHT)} rx="12" />
            <text class="node-name" x={fmt(x)} y={fmt(y - 8.0)} text-anchor="middle">
                { n.name.clone() }
            </text>
            <text class="node-state" x={fmt(x)} y={fmt(y + 16.0)} text-anchor="middle">
                { format!("{state} · {detail}") }
            </text>
            { for session }
            { for badge }
        </g>
    }
}

/// An SVG number: two decimals at most, which keeps the DOM small and stable.
fn fmt(v: f64) -> String {
    let v = if v.is_finite() {
        (v * 100.0).round() / 100.0
    } else {
        0.0
    };
    format!("{v}")
}
