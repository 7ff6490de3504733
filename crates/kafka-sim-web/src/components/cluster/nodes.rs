//! ZooKeeper's box and the clients' (producers, consumer group members), and the frame around each
//! group's members.

use kafka_sim::view::GroupPanel;
use kafka_sim::{NodeKind, NodeView};
use yew::prelude::*;

use crate::i18n::{Key, Lang, msg, t};
use crate::layout::{GroupFrame, NodeBox, num};

/// About how wide a character of the client boxes' 12px text is.
const CHAR_W: f64 = 6.6;

fn life(lang: Lang, n: &NodeView) -> &'static str {
    if !n.up {
        t(lang, Key::Crashed)
    } else if n.isolated {
        t(lang, Key::Isolated)
    } else {
        t(lang, Key::Running)
    }
}

fn life_class(n: &NodeView) -> &'static str {
    if !n.up {
        "node-down"
    } else if n.isolated {
        "node-isolated"
    } else {
        "node-up"
    }
}

/// Text that fits `width`: squeezed with `textLength` when it would not.
fn fitted(class: &'static str, x: f64, y: f64, width: f64, text: String) -> Html {
    let squeeze = text.chars().count() as f64 * CHAR_W > width;
    html! {
        <text {class} x={num(x)} y={num(y)} text-anchor="middle"
              textLength={squeeze.then(|| num(width))}
              lengthAdjust={squeeze.then_some("spacingAndGlyphs")}>
            { text }
        </text>
    }
}

/// Draws ZooKeeper: a region named "ZooKeeper".
pub fn zookeeper_glyph(lang: Lang, n: &NodeView, at: NodeBox) -> Html {
    let name = t(lang, Key::ZooKeeper);
    let state = life(lang, n);
    let c = at.centre();
    html! {
        <g class={classes!("node", "node-zk", life_class(n))} role="region" aria-label={name}>
            <title>{ format!("{name}: {state}") }</title>
            <rect class="node-box" x={num(at.x)} y={num(at.y)} width={num(at.w)} height={num(at.h)} rx="12" />
            <text class="node-name" x={num(c.x)} y={num(at.y + 24.0)} text-anchor="middle">{ name }</text>
            <text class="node-state" x={num(c.x)} y={num(at.y + 43.0)} text-anchor="middle">{ state }</text>
        </g>
    }
}

/// Draws a producer or a consumer group member: a group named after the client.
pub fn client_glyph(lang: Lang, n: &NodeView, at: NodeBox) -> Html {
    let (kind_class, heading) = match n.kind {
        NodeKind::Consumer { member, .. } => ("node-consumer", msg::member(lang, u32::from(member))),
        _ => ("node-producer", t(lang, Key::Producer).to_string()),
    };
    let state = life(lang, n);
    let c = at.centre();
    let inner = at.w - 12.0;
    html! {
        <g class={classes!("node", "node-client", kind_class, life_class(n))} role="group"
           aria-label={n.name.clone()}>
            <title>{ format!("{}: {heading}, {state}", n.name) }</title>
            <rect class="node-box" x={num(at.x)} y={num(at.y)} width={num(at.w)} height={num(at.h)} rx="10" />
            { fitted("node-name client-name", c.x, at.y + 20.0, inner, n.name.clone()) }
            <text class="node-state" x={num(c.x)} y={num(at.y + 38.0)} text-anchor="middle">
                { format!("{heading} · {state}") }
            </text>
        </g>
    }
}

/// Draws the frame around a consumer group's members, with the group's name under it.
pub fn group_frame(lang: Lang, frame: &GroupFrame, panel: Option<&GroupPanel>) -> Html {
    let label = match panel {
        Some(p) => format!("{}: {}", t(lang, Key::ConsumerGroup), p.group_id),
        None => t(lang, Key::ConsumerGroup).to_string(),
    };
    html! {
        <g class="group-frame">
            <rect x={num(frame.x)} y={num(frame.y)} width={num(frame.w)} height={num(frame.h)} rx="14" />
            <text x={num(frame.x + 10.0)} y={num(frame.y + frame.h - 8.0)}>{ label }</text>
        </g>
    }
}
