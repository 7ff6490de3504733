//! A broker's box: its name and state in words, the controller badge, the ZooKeeper session running
//! out as a shrinking arc, and its partition replicas. The box is a focusable region: a click, Enter
//! or Space opens its actions menu.

use std::f64::consts::TAU;

use kafka_sim::NodeView;
use kafka_sim::view::BrokerReplicas;
use yew::prelude::*;

use super::replica::{is_internal, replica_row, row_height};
use crate::i18n::{Key, Lang, msg, t};
use crate::layout::{BROKER_HEADER, NodeBox, num};

/// What a broker box needs to draw itself.
pub struct BrokerDraw<'a> {
    /// The language.
    pub lang: Lang,
    /// The broker's node.
    pub node: &'a NodeView,
    /// Its `broker.id`.
    pub broker: i32,
    /// Its replicas, if the view has them.
    pub replicas: Option<&'a BrokerReplicas>,
    /// Whether `__consumer_offsets` replicas are drawn.
    pub show_internal: bool,
    /// `zookeeper.session.timeout.ms`, for the time left on the arc.
    pub session_timeout_ms: Option<u64>,
    /// Its box.
    pub at: NodeBox,
    /// Whether its menu is open.
    pub menu_open: bool,
    /// Toggles its menu.
    pub on_toggle: Callback<i32>,
    /// Closes any menu.
    pub on_close: Callback<()>,
}

/// The height the replica rows of `replicas` take (those drawn).
pub fn body_height(replicas: Option<&BrokerReplicas>, show_internal: bool) -> f64 {
    replicas.map_or(0.0, |b| {
        (b.replicas.iter())
            .filter(|r| show_internal || !is_internal(r))
            .map(row_height)
            .sum()
    }) + 10.0
}

/// The broker's state in words: what colour alone must never say.
fn state_words(lang: Lang, n: &NodeView) -> String {
    let life = if !n.up {
        t(lang, Key::Crashed)
    } else if n.isolated {
        t(lang, Key::Isolated)
    } else {
        t(lang, Key::Running)
    };
    let session = if n.registered {
        t(lang, Key::Registered)
    } else if n.up {
        t(lang, Key::NotRegistered)
    } else if n.session_used.is_some() {
        t(lang, Key::ZooKeeperSession)
    } else {
        t(lang, Key::NoSession)
    };
    format!("{life} · {session}")
}

/// An arc of a circle centred on `(cx, cy)`, from 12 o'clock clockwise over `fraction` of the turn.
pub fn arc_path(cx: f64, cy: f64, r: f64, fraction: f64) -> String {
    let f = if fraction.is_nan() {
        0.0
    } else {
        fraction.clamp(0.0, 0.9999)
    };
    let (sx, sy) = (cx, cy - r);
    let a = TAU * f;
    let (ex, ey) = (cx + r * a.sin(), cy - r * a.cos());
    let large = if f > 0.5 { 1 } else { 0 };
    format!(
        "M{} {}A{} {} 0 {large} 1 {} {}",
        num(sx),
        num(sy),
        num(r),
        num(r),
        num(ex),
        num(ey)
    )
}

/// Draws one broker.
pub fn broker_glyph(d: BrokerDraw<'_>) -> Html {
    let BrokerDraw {
        lang,
        node: n,
        broker,
        at,
        ..
    } = d;
    let name = msg::broker(lang, broker.unsigned_abs());
    let class = classes!(
        "node",
        "node-broker",
        if !n.up {
            "node-down"
        } else if n.isolated {
            "node-isolated"
        } else {
            "node-up"
        },
        n.controller.then_some("node-controller"),
        d.menu_open.then_some("menu-open"),
    );
    let state = state_words(lang, n);
    let badge = n.controller.then(|| {
        let (bw, bh) = (118.0, 24.0);
        let (bx, by) = (at.x + at.w - bw - 10.0, at.y - bh / 2.0);
        html! {
            <g class="badge">
                <rect x={num(bx)} y={num(by)} width={num(bw)} height={num(bh)} rx="10" />
                <text x={num(bx + bw / 2.0)} y={num(by + bh / 2.0 + 5.0)} text-anchor="middle">
                    { format!("★ {}", t(lang, Key::Controller)) }
                </text>
            </g>
        }
    });
    let session = n.session_used.map(|used| {
        let used = if used.is_nan() { 0.0 } else { used.clamp(0.0, 1.0) };
        let (cx, cy, r) = (at.x + at.w - 26.0, at.y + 30.0, 13.0);
        let left = d
            .session_timeout_ms
            .map(|ms| msg::session_left(lang, ((1.0 - used) * ms as f64).round() as u64))
            .unwrap_or_else(|| format!("{} {:.0}%", t(lang, Key::ZooKeeperSession), (1.0 - used) * 100.0));
        html! {
            <g class="session">
                <title>{ left.clone() }</title>
                <circle class="session-track" cx={num(cx)} cy={num(cy)} r={num(r)} />
                <path class="session-arc" d={arc_path(cx, cy, r, 1.0 - used)} />
                <text class="session-left" x={num(at.x + 14.0)} y={num(at.y + 56.0)}>{ left }</text>
            </g>
        }
    });
    let rows = d.replicas.map(|b| {
        let mut y = at.y + BROKER_HEADER;
        let rows = (b.replicas.iter())
            .filter(|r| d.show_internal || !is_internal(r))
            .map(|r| {
                let top = y;
                y += row_height(r);
                replica_row(lang, r, at.x, top, at.w)
            })
            .collect::<Html>();
        html! { <g class="replicas">{ rows }</g> }
    });
    let onclick = {
        let toggle = d.on_toggle.clone();
        Callback::from(move |_: MouseEvent| toggle.emit(broker))
    };
    let onkeydown = {
        let (toggle, close, open) = (d.on_toggle.clone(), d.on_close.clone(), d.menu_open);
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" | " " | "Spacebar" => {
                e.prevent_default();
                toggle.emit(broker);
            }
            "Escape" if open => close.emit(()),
            _ => {}
        })
    };
    let title = format!("{name}: {state}. {}", t(lang, Key::BrokerMenuHint));
    html! {
        <g {class} id={format!("broker-{broker}")} role="region" aria-label={name.clone()} tabindex="0"
           aria-haspopup="true" aria-expanded={if d.menu_open { "true" } else { "false" }}
           {onclick} {onkeydown}>
            <title>{ title }</title>
            <rect class="node-box" x={num(at.x)} y={num(at.y)} width={num(at.w)} height={num(at.h)} rx="12" />
            <text class="node-name" x={num(at.x + 14.0)} y={num(at.y + 26.0)}>{ name }</text>
            <text class="node-state" x={num(at.x + 14.0)} y={num(at.y + 43.0)}>{ state }</text>
            { for session }
            { for badge }
            { for rows }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::arc_path;

    #[test]
    fn the_arc_starts_at_twelve_and_sweeps_clockwise() {
        assert_eq!(arc_path(0.0, 0.0, 10.0, 0.25), "M0 -10A10 10 0 0 1 10 0");
        assert!(
            arc_path(0.0, 0.0, 10.0, 0.75).contains(" 0 1 1 "),
            "a large arc past half"
        );
        // A full session is drawn as (almost) a full circle, never a degenerate arc.
        assert!(!arc_path(0.0, 0.0, 10.0, 1.0).ends_with("0 -10"));
    }
}
