//! The event log tab: one plain sentence per event, filtered by kind, windowed, click to jump.

use std::rc::Rc;

use kafka_sim::SimTime;
use kafka_sim::view::{EventKind, LoggedEvent};
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use super::window::{ROW_HEIGHT, Scroll, VIEWPORT_HEIGHT, visible_rows};
use crate::components::format_clock;
use crate::i18n::narration::{event_kind, narrate};
use crate::i18n::{Key, Lang, msg, t};

/// Properties of [`EventLog`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct EventLogProps {
    /// The events the simulation holds, oldest first (`sim.event_log_range(sim.event_log_bounds())`).
    /// Hand a new `Rc` only when `SimView::event_count` grew.
    pub events: Rc<Vec<LoggedEvent>>,
    /// The page's language.
    pub lang: Lang,
    /// Called with an event's time when the user clicks it (or presses Enter or Space on it).
    pub on_seek: Callback<SimTime>,
    /// The kinds shown when the log first renders (every kind when empty or absent).
    #[prop_or_default]
    pub initial_kinds: Vec<EventKind>,
    /// Where the log is scrolled when it first renders (the newest events by default).
    #[prop_or(Scroll::Tail)]
    pub initial_scroll: Scroll,
}

/// A set of event kinds, as a bit mask over [`EventKind::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Kinds(u16);

impl Kinds {
    const EVERY: Kinds = Kinds((1 << EventKind::ALL.len()) - 1);

    fn bit(kind: EventKind) -> u16 {
        1 << EventKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
    }

    fn of(kinds: &[EventKind]) -> Kinds {
        if kinds.is_empty() {
            return Kinds::EVERY;
        }
        Kinds(kinds.iter().fold(0, |m, k| m | Kinds::bit(*k)))
    }

    fn contains(self, kind: EventKind) -> bool {
        self.0 & Kinds::bit(kind) != 0
    }

    fn toggled(self, kind: EventKind) -> Kinds {
        Kinds(self.0 ^ Kinds::bit(kind))
    }
}

/// The filtered rows (indices into the events) and the count of each kind.
#[derive(PartialEq)]
struct Filtered {
    rows: Vec<u32>,
    per_kind: [u64; EventKind::ALL.len()],
}

/// The event log: a filter (one checkbox per [`EventKind`], named by the kind), a count, and a
/// windowed list whose rows are buttons: the time, the kind in words and the sentence, in the
/// page's language. Only the rows in view are in the DOM (about 20, whatever the log's length).
#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let kinds = use_state(|| Kinds::of(&props.initial_kinds));
    let scroll = use_state(|| props.initial_scroll);
    let viewport = use_node_ref();
    let events = props.events.clone();

    // Keyed on the log's extent, not its contents: recomputed when events arrive or the filter changes.
    let key = (
        events.len(),
        events.first().map(|e| e.seq),
        events.last().map(|e| e.seq),
        *kinds,
    );
    let filtered = use_memo(key, {
        let events = events.clone();
        move |&(_, _, _, kinds)| {
            let mut per_kind = [0; EventKind::ALL.len()];
            let mut rows = Vec::new();
            for (i, e) in events.iter().enumerate() {
                let k = EventKind::ALL.iter().position(|k| *k == e.kind).unwrap_or(0);
                per_kind[k] += 1;
                if kinds.contains(e.kind) {
                    rows.push(u32::try_from(i).unwrap_or(u32::MAX));
                }
            }
            Filtered { rows, per_kind }
        }
    });

    // Following the tail: keep the viewport at the bottom as events arrive.
    {
        let viewport = viewport.clone();
        let at_tail = *scroll == Scroll::Tail;
        use_effect_with((filtered.rows.len(), at_tail), move |&(_, at_tail)| {
            if at_tail && let Some(el) = viewport.cast::<Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let onscroll = {
        let scroll = scroll.clone();
        Callback::from(move |e: Event| {
            let el: Element = e.target_unchecked_into();
            let top = f64::from(el.scroll_top());
            let bottom = top + f64::from(el.client_height());
            let next = if bottom >= f64::from(el.scroll_height()) - 2.0 {
                Scroll::Tail
            } else {
                Scroll::At(top)
            };
            if next != *scroll {
                scroll.set(next);
            }
        })
    };

    let lang = props.lang;
    let filter = EventKind::ALL.iter().enumerate().map(|(i, &kind)| {
        let onchange = {
            let kinds = kinds.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                if input.checked() != kinds.contains(kind) {
                    kinds.set(kinds.toggled(kind));
                }
            })
        };
        let id = format!("event-kind-{i}");
        html! {
            <label class={classes!("kind-filter", format!("kind-{}", kind_class(kind)))} for={id.clone()}>
                <input type="checkbox" id={id} checked={kinds.contains(kind)} {onchange} />
                <span class="kind-name">{ event_kind(lang, kind) }</span>
                <span class="kind-count">{ msg::count(filtered.per_kind[i]) }</span>
            </label>
        }
    });

    let total = filtered.rows.len();
    let range = visible_rows(total, *scroll);
    let rows = range.clone().filter_map(|r| {
        let e = events.get(*filtered.rows.get(r)? as usize)?;
        let at = e.at;
        let onclick = props.on_seek.reform(move |_: MouseEvent| at);
        let sentence = narrate(lang, &e.narration);
        Some(html! {
            <li
                key={e.seq}
                class="event-row"
                style={format!("top:{}px", r as f64 * ROW_HEIGHT)}
                aria-posinset={(r + 1).to_string()}
                aria-setsize={total.to_string()}
            >
                <button type="button" class={classes!("event", format!("kind-{}", kind_class(e.kind)))}
                        title={format!("{} · {}", t(lang, Key::JumpHere), sentence)} {onclick}>
                    <span class="event-time">{ format_clock(at) }</span>
                    <span class="event-kind">{ event_kind(lang, e.kind) }</span>
                    <span class="event-text" lang={lang.as_str()}>{ sentence }</span>
                </button>
            </li>
        })
    });

    html! {
        <div class="event-log">
            <fieldset class="event-filter">
                <legend>{ t(lang, Key::Filter) }</legend>
                { for filter }
            </fieldset>
            <p class="event-count" aria-live="polite">
                { format!("{} / {}", msg::events(lang, total as u64), msg::count(events.len() as u64)) }
            </p>
            if total == 0 {
                <p class="empty">{ t(lang, Key::NoEvents) }</p>
            }
            <div class="event-viewport" ref={viewport} {onscroll}
                 style={format!("height:{VIEWPORT_HEIGHT}px")}>
                <ol class="event-rows" aria-label={t(lang, Key::EventLog)}
                    style={format!("height:{}px", total as f64 * ROW_HEIGHT)}>
                    { for rows }
                </ol>
            </div>
        </div>
    }
}

/// The CSS class suffix of a kind (`kind-broker`, ...).
fn kind_class(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Broker => "broker",
        EventKind::Election => "election",
        EventKind::Isr => "isr",
        EventKind::Producer => "producer",
        EventKind::Group => "group",
        EventKind::Member => "member",
        EventKind::Commit => "commit",
        EventKind::Anomaly => "anomaly",
    }
}
