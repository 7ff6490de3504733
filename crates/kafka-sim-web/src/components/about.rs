//! "About this run": the scenario, seed, how far the run is, and its trace hash (equal runs have equal
//! hashes: a permalink reload shows the same one).

use yew::prelude::*;

use crate::i18n::{Key, Lang, msg, t};

/// Properties of [`AboutPanel`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct AboutPanelProps {
    /// The page's language.
    pub lang: Lang,
    /// The scenario's name (`None`: inline).
    #[prop_or_default]
    pub scenario: Option<AttrValue>,
    /// The seed.
    pub seed: u64,
    /// Units of work done.
    pub steps: u64,
    /// Events processed.
    pub events: u64,
    /// User actions in the log.
    pub actions: usize,
    /// The trace hash.
    pub trace_hash: u64,
}

/// A small region named "About this run" with a description list.
#[component]
pub fn AboutPanel(props: &AboutPanelProps) -> Html {
    let lang = props.lang;
    let row = |key: Key, value: String, class: &'static str| {
        html! {
            <div class="about-row">
                <dt>{ t(lang, key) }</dt>
                <dd class={class}>{ value }</dd>
            </div>
        }
    };
    html! {
        <section class="about" aria-labelledby="about-title">
            <h2 id="about-title" class="about-title">{ t(lang, Key::AboutThisRun) }</h2>
            <dl>
                { row(Key::Scenario, props.scenario.as_deref().unwrap_or("—").to_string(), "about-scenario") }
                { row(Key::Seed, props.seed.to_string(), "about-seed") }
                { row(Key::StepsDone, msg::count(props.steps), "about-steps") }
                { row(Key::EventsProcessed, msg::count(props.events), "about-events") }
                { row(Key::ActionsLogged, msg::count(props.actions as u64), "about-actions") }
                { row(Key::TraceHash, format!("{:016x}", props.trace_hash), "trace-hash") }
            </dl>
        </section>
    }
}
