//! ZooKeeper's box and the clients' (producers, consumer group members), and the frame around each
//! group's members.

use kafka_sim::view::GroupPanel;
use kafka_sim::{NodeKind, NodeView};
use yew::prelude::*;

use crate::i18n::{Key, Lang, msg, t};
use crate::layout::{GroupFrame, NodeBox, num};

/// About how wide a character of the client boxes' 14px bold text is.
const CHAR_W: f64 = 8.0;

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

/// `text` shortened in the middle with `…` to at most `max` characters (its start and its end,
/// e.g. the member number of `consumer-data-platform-group-1`, stay readable).
pub fn elide_middle(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max || max < 3 {
        return text.to_string();
    }
    let tail = (max - 1) / 2;
    let head = max - 1 - tail;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

/// Text that fits `width` at a readable size: a long name is shortened in the middle (the box's
/// tooltip has it whole), never squeezed into illegible glyphs.
fn fitted(class: &'static str, x: f64, y: f64, width: f64, text: String) -> Html {
    let max = (width / CHAR_W).floor() as usize;
    html! {
        <text {class} x={num(x)} y={num(y)} text-anchor="middle">{ elide_middle(&text, max) }</text>
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
            <text class="node-name" x={num(c.x)} y={num(at.y + 25.0)} text-anchor="middle">{ name }</text>
            <text class="node-state" x={num(c.x)} y={num(at.y + 46.0)} text-anchor="middle">{ state }</text>
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
            <text class="node-state" x={num(c.x)} y={num(at.y + 40.0)} text-anchor="middle">
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

#[cfg(test)]
mod tests {
    use super::elide_middle;

    #[test]
    fn long_names_keep_their_start_and_end() {
        assert_eq!(
            elide_middle("consumer-data-platform-group-1", 17),
            "consumer…-group-1"
        );
        assert_eq!(
            elide_middle("consumer-data-platform-group-1", 17).chars().count(),
            17
        );
        assert_eq!(elide_middle("producer-1", 17), "producer-1");
        assert_eq!(elide_middle("abcdef", 2), "abcdef", "too small to shorten");
    }
}
