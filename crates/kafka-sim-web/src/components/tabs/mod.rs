//! The tabs below the picture (issue 5): the event log, the metrics, the anomalies and the sequence
//! diagram, behind one ARIA tab strip.
//!
//! Each tab is its own component drawing what it is given; the shell owns the data and the choice of
//! tab ([`Tabs`] is controlled: it reports clicks and arrow keys through `on_select`). What the shell
//! passes, and when it should fetch it from the simulation:
//!
//! | tab | component | data (fetch when) |
//! |---|---|---|
//! | Event log | [`EventLog`] | the held log, `sim.event_log_range(sim.event_log_bounds())`, refetched when `SimView::event_count` grows |
//! | Metrics | [`MetricsCharts`] | `sim.metrics().cloned().collect()`, refetched when `SimView::metric_count` grows |
//! | Anomalies | [`AnomaliesPanel`] | `sim.anomalies()`: a full check of the logs, so **only while this tab is selected** (e.g. when it opens and then once per simulated second) |
//! | Sequence diagram | [`SequenceDiagram`] | `sim.sequence(SEQUENCE_LIMIT)` and `SimView::nodes` |
//!
//! Hand each a new `Rc` only when the data changed: props compare by value, and an `Rc` that did not
//! change costs nothing to compare.
//!
//! ```ignore
//! html! {
//!     <Tabs lang={lang} selected={tab} on_select={on_tab}>
//!         { match tab {
//!             Tab::EventLog => html! { <EventLog lang={lang} events={log} on_seek={on_seek} /> },
//!             Tab::Metrics => html! { <MetricsCharts lang={lang} samples={samples} /> },
//!             Tab::Anomalies => html! { <AnomaliesPanel lang={lang} anomalies={found} /> },
//!             Tab::Sequence => html! { <SequenceDiagram lang={lang} entries={seq} nodes={nodes} /> },
//!         } }
//!     </Tabs>
//! }
//! ```

mod anomalies;
mod axis;
mod event_log;
mod metrics;
mod sequence;
pub mod window;

pub use anomalies::{AnomaliesPanel, AnomaliesPanelProps};
pub use event_log::{EventLog, EventLogProps};
pub use metrics::{MetricsCharts, MetricsChartsProps};
pub use sequence::{SEQUENCE_LIMIT, SequenceDiagram, SequenceDiagramProps};

use yew::prelude::*;

use crate::i18n::{Key, Lang, t};

/// One of the tabs below the picture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tab {
    /// The narrated event log (the default).
    #[default]
    EventLog,
    /// Charts over simulated time.
    Metrics,
    /// The oracles' findings (costly: computed only while open).
    Anomalies,
    /// The space-time diagram of the last messages.
    Sequence,
    /// Kafka's command-line tools against the simulation.
    Terminal,
}

impl Tab {
    /// Every tab, in strip order.
    pub const ALL: [Tab; 5] = [
        Tab::EventLog,
        Tab::Metrics,
        Tab::Anomalies,
        Tab::Sequence,
        Tab::Terminal,
    ];

    /// The tab's label in the catalog.
    pub fn key(self) -> Key {
        match self {
            Tab::EventLog => Key::EventLog,
            Tab::Metrics => Key::Metrics,
            Tab::Anomalies => Key::Anomalies,
            Tab::Sequence => Key::SequenceDiagram,
            Tab::Terminal => Key::TerminalTab,
        }
    }

    /// A short stable name, used in element ids (`tab-events`, `tabpanel-events`).
    pub fn slug(self) -> &'static str {
        match self {
            Tab::EventLog => "events",
            Tab::Metrics => "metrics",
            Tab::Anomalies => "anomalies",
            Tab::Sequence => "sequence",
            Tab::Terminal => "terminal",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The tab an arrow key, Home or End moves to from this one (wrapping), or `None` for other keys.
    pub fn after_key(self, key: &str) -> Option<Tab> {
        let n = Tab::ALL.len();
        let i = self.index();
        let j = match key {
            "ArrowRight" | "ArrowDown" => (i + 1) % n,
            "ArrowLeft" | "ArrowUp" => (i + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return None,
        };
        Some(Tab::ALL[j])
    }
}

/// Properties of [`Tabs`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct TabsProps {
    /// The page's language.
    pub lang: Lang,
    /// The open tab.
    pub selected: Tab,
    /// Called with the tab the user chose (click, arrow keys, Home, End).
    pub on_select: Callback<Tab>,
    /// The open tab's content.
    #[prop_or_default]
    pub children: Html,
}

/// The tab strip and the open tab's panel: `role="tablist"` with one `role="tab"` button per tab
/// (only the selected one in the tab order; arrow keys, Home and End move between them and select)
/// and one `role="tabpanel"` labelled by its tab.
#[component]
pub fn Tabs(props: &TabsProps) -> Html {
    let refs = [
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    ];
    let selected = props.selected;
    let onkeydown = {
        let on_select = props.on_select.clone();
        let refs = refs.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(next) = selected.after_key(&e.key()) {
                e.prevent_default();
                on_select.emit(next);
                if let Some(el) = refs[next.index()].cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        })
    };
    let tabs = Tab::ALL.iter().zip(refs.iter()).map(|(&tab, node_ref)| {
        let on = tab == selected;
        let onclick = props.on_select.reform(move |_: MouseEvent| tab);
        html! {
            <button
                type="button"
                role="tab"
                ref={node_ref.clone()}
                id={format!("tab-{}", tab.slug())}
                class={classes!("tab", on.then_some("tab-selected"))}
                aria-selected={if on { "true" } else { "false" }}
                aria-controls={format!("tabpanel-{}", tab.slug())}
                tabindex={if on { "0" } else { "-1" }}
                {onclick}
            >
                { t(props.lang, tab.key()) }
            </button>
        }
    });
    html! {
        <section class="tabs-below">
            <div class="tab-strip" role="tablist" aria-label={t(props.lang, Key::TabsLabel)} {onkeydown}>
                { for tabs }
            </div>
            <div
                class="tab-panel"
                role="tabpanel"
                id={format!("tabpanel-{}", selected.slug())}
                aria-labelledby={format!("tab-{}", selected.slug())}
                tabindex="0"
            >
                { props.children.clone() }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_wrap_and_home_end_jump() {
        assert_eq!(Tab::EventLog.after_key("ArrowRight"), Some(Tab::Metrics));
        assert_eq!(Tab::EventLog.after_key("ArrowLeft"), Some(Tab::Terminal));
        assert_eq!(Tab::Sequence.after_key("ArrowRight"), Some(Tab::Terminal));
        assert_eq!(Tab::Terminal.after_key("ArrowRight"), Some(Tab::EventLog));
        assert_eq!(Tab::Anomalies.after_key("Home"), Some(Tab::EventLog));
        assert_eq!(Tab::Metrics.after_key("End"), Some(Tab::Terminal));
        assert_eq!(Tab::Metrics.after_key("a"), None);
    }
}
