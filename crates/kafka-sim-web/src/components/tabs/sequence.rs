//! The sequence diagram tab: the last messages between nodes as a space-time diagram.
//!
//! One vertical lifeline per node (named at its top), time running downwards; each message is an
//! arrow from its sender's lifeline at the time it was sent to its receiver's at the time it arrived.
//! A lost message ends in a cross and a dashed line instead of an arrowhead.

use std::rc::Rc;

use kafka_sim::NodeView;
use kafka_sim::view::SequenceEntry;
use yew::prelude::*;

use super::axis::fmt;
use crate::components::format_clock;
use crate::i18n::{Key, Lang, t};

/// How many of the last messages the diagram draws.
pub const SEQUENCE_LIMIT: usize = 50;

const LANE: f64 = 96.0;
const LEFT: f64 = 70.0;
const HEAD: f64 = 40.0;
const PLOT_H: f64 = 460.0;
const FOOT: f64 = 16.0;

/// Properties of [`SequenceDiagram`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct SequenceDiagramProps {
    /// The last messages, oldest first (`sim.sequence(SEQUENCE_LIMIT)`); only the last
    /// [`SEQUENCE_LIMIT`] are drawn.
    pub entries: Rc<Vec<SequenceEntry>>,
    /// The nodes (`SimView::nodes`), for the lifelines' order and names.
    pub nodes: Rc<Vec<NodeView>>,
    /// The page's language.
    pub lang: Lang,
}

/// The diagram: an `img` SVG whose lifelines are labelled with the node names, and whose arrows carry
/// the message name and a title giving sender, receiver and times (and "Lost message" when lost).
#[component]
pub fn SequenceDiagram(props: &SequenceDiagramProps) -> Html {
    let lang = props.lang;
    let skip = props.entries.len().saturating_sub(SEQUENCE_LIMIT);
    let entries = &props.entries[skip..];
    if entries.is_empty() {
        return html! { <p class="empty sequence-empty">{ t(lang, Key::NoMessages) }</p> };
    }
    let lanes: Vec<&NodeView> = props.nodes.iter().collect();
    let lane_of = |id| lanes.iter().position(|n| n.id == id);
    let x = |lane: usize| LEFT + lane as f64 * LANE;
    let t0 = entries.iter().map(|e| e.sent_at).min().unwrap_or_default();
    let t1 = entries.iter().map(|e| e.delivered_at).max().unwrap_or_default();
    let span = (t1.as_micros().saturating_sub(t0.as_micros())).max(1) as f64;
    let y = |at: kafka_sim::SimTime| {
        HEAD + (at.as_micros().saturating_sub(t0.as_micros())) as f64 / span * PLOT_H
    };
    let width = LEFT + lanes.len().saturating_sub(1) as f64 * LANE + LEFT;
    let height = HEAD + PLOT_H + FOOT;
    let name =
        |id| (lanes.iter().find(|n| n.id == id)).map_or_else(|| format!("node {}", id.0), |n| n.name.clone());

    let lifelines = lanes.iter().enumerate().map(|(i, n)| {
        html! {
            <g class={classes!("lifeline", (!n.up).then_some("lifeline-down"))}>
                <text x={fmt(x(i))} y="16" text-anchor="middle">{ n.name.clone() }</text>
                <line x1={fmt(x(i))} x2={fmt(x(i))} y1="24" y2={fmt(HEAD + PLOT_H + 6.0)} />
            </g>
        }
    });
    let arrows = entries.iter().filter_map(|e| {
        let (a, b) = (lane_of(e.from)?, lane_of(e.to)?);
        let (x1, y1, x2, y2) = (x(a), y(e.sent_at), x(b), y(e.delivered_at));
        let title = format!(
            "{}: {} → {}, {} → {}{}",
            e.label,
            name(e.from),
            name(e.to),
            format_clock(e.sent_at),
            format_clock(e.delivered_at),
            if e.lost {
                format!(" ({})", t(lang, Key::MessageLost))
            } else {
                String::new()
            }
        );
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        let cross = e.lost.then(|| {
            html! {
                <path class="lost-mark" d={format!("M{} {}l8 8m0 -8l-8 8", fmt(x2 - 4.0), fmt(y2 - 4.0))} />
            }
        });
        let class = classes!("message", e.lost.then_some("message-lost"));
        Some(html! {
            <g {class}>
                <title>{ title }</title>
                <line x1={fmt(x1)} y1={fmt(y1)} x2={fmt(x2)} y2={fmt(y2)}
                      marker-end={(!e.lost).then_some("url(#seq-arrow)")} />
                { for cross }
                <text x={fmt(mx)} y={fmt(my - 3.0)} text-anchor="middle">{ e.label.clone() }</text>
            </g>
        })
    });
    let caption = t(lang, Key::SequenceCaption);
    html! {
        <figure class="sequence">
            <figcaption>
                { caption }{ " · " }{ format_clock(t0) }{ " – " }{ format_clock(t1) }
            </figcaption>
            <svg class="sequence-diagram" viewBox={format!("0 0 {} {}", fmt(width), fmt(height))}
                 width={fmt(width)} role="img" aria-label={caption}>
                <defs>
                    <marker id="seq-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7"
                            markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0L10 5L0 10z" />
                    </marker>
                </defs>
                <g class="lifelines">{ for lifelines }</g>
                <g class="messages">{ for arrows }</g>
            </svg>
        </figure>
    }
}
