//! The anomalies tab: the oracles' findings in Jepsen's terms, each record with its explanation.
//!
//! The [`AnomaliesView`] is a prop: computing it (`Simulation::anomalies`) checks every log, so the
//! shell must call it only while this tab is selected (when it opens, then at most about once per
//! simulated second), never every frame.

use std::rc::Rc;

use kafka_sim::view::{AnomaliesView, AnomalyClass, AnomalyView, GroupDeliveryView};
use yew::prelude::*;

use crate::components::format_clock;
use crate::i18n::{Key, Lang, msg, t};

/// The most records listed per class (the counts above the tables are always complete).
pub const ROWS_PER_CLASS: usize = 100;

/// Properties of [`AnomaliesPanel`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct AnomaliesPanelProps {
    /// The oracles' findings (`sim.anomalies()`, fetched only while the tab is open).
    pub anomalies: Rc<AnomaliesView>,
    /// The page's language.
    pub lang: Lang,
}

/// One class's section: its name, Jepsen's name, what it means, its count.
struct Section {
    class: AnomalyClass,
    name: Key,
    about: Key,
    count: u64,
    /// Shown even when the count is 0 (the five issue 5 names).
    always: bool,
}

fn sections(a: &AnomaliesView) -> Vec<Section> {
    let skipped: u64 = a.groups.iter().map(|g| g.skipped).sum();
    let s = |class, name, about, count, always| Section {
        class,
        name,
        about,
        count,
        always,
    };
    vec![
        s(
            AnomalyClass::LostWrite,
            Key::LostAckedWrite,
            Key::AboutLostWrite,
            a.lost,
            true,
        ),
        s(
            AnomalyClass::WrongOffset,
            Key::AckedAtOtherOffset,
            Key::AboutWrongOffset,
            a.wrong_offset,
            false,
        ),
        s(
            AnomalyClass::Duplicate,
            Key::Duplicate,
            Key::AboutDuplicate,
            a.duplicates,
            true,
        ),
        s(
            AnomalyClass::NonmonotonicSend,
            Key::Reordering,
            Key::AboutReordering,
            a.reordered,
            true,
        ),
        s(
            AnomalyClass::InconsistentOffsets,
            Key::InconsistentOffsets,
            Key::AboutInconsistentOffsets,
            a.inconsistent_offsets,
            true,
        ),
        s(
            AnomalyClass::PollSkip,
            Key::SkippedRecord,
            Key::AboutSkipped,
            skipped,
            true,
        ),
        s(
            AnomalyClass::UnconfirmedLoss,
            Key::UnacknowledgedLost,
            Key::AboutUnconfirmedLoss,
            a.unconfirmed_lost,
            false,
        ),
        s(
            AnomalyClass::FailedButPresent,
            Key::FailedButWritten,
            Key::AboutFailedButPresent,
            a.failed_but_present,
            false,
        ),
    ]
}

/// The anomalies: a summary (records sent and acknowledged, when the check ran), then one section per
/// anomaly class (named in the page's language and in Jepsen's terms, e.g. `lost-write`, with its
/// count and what it means) listing each record with the oracle's explanation, then each consumer
/// group's delivery. Classes Kafka's contract allows for the configuration are marked so in words.
#[component]
pub fn AnomaliesPanel(props: &AnomaliesPanelProps) -> Html {
    let a = &props.anomalies;
    let lang = props.lang;
    let all = sections(a);
    let forbidden: u64 = (all.iter()).filter(|s| !s.class.allowed()).map(|s| s.count).sum();
    let summary = html! {
        <dl class="anomaly-summary">
            <div><dt>{ t(lang, Key::CheckedAt) }</dt><dd>{ format_clock(a.at) }</dd></div>
            <div><dt>{ t(lang, Key::RecordsSent) }</dt><dd>{ msg::count(a.sent) }</dd></div>
            <div><dt>{ t(lang, Key::RecordsAcked) }</dt><dd>{ msg::count(a.acked) }</dd></div>
            <div><dt>{ t(lang, Key::Anomalies) }</dt><dd>{ msg::anomalies(lang, forbidden) }</dd></div>
        </dl>
    };
    let sections = all
        .iter()
        .filter(|s| s.always || s.count > 0 || a.of(s.class).next().is_some())
        .map(|s| section(a, s, lang));
    let groups = a.groups.iter().map(|g| group(g, lang));
    html! {
        <div class="anomalies">
            { summary }
            if a.is_clean() && forbidden == 0 {
                <p class="anomalies-clean">{ t(lang, Key::NoAnomalies) }</p>
            }
            { for sections }
            if a.findings_capped {
                <p class="note">{ t(lang, Key::FindingsCapped) }</p>
            }
            if !a.groups.is_empty() {
                <section class="anomaly-groups">
                    <h3>{ t(lang, Key::GroupDelivery) }</h3>
                    { for groups }
                </section>
            }
        </div>
    }
}

fn section(a: &AnomaliesView, s: &Section, lang: Lang) -> Html {
    let id = format!("anomaly-{}", s.class.jepsen_name());
    let records: Vec<&AnomalyView> = a.of(s.class).collect();
    let more = records.len().saturating_sub(ROWS_PER_CLASS);
    let rows = records.iter().take(ROWS_PER_CLASS).map(|f| {
        html! {
            <tr class="finding">
                <th scope="row"><code>{ f.record.clone() }</code></th>
                <td>{ format!("{}-{}", f.topic, f.partition) }</td>
                <td class="num">{ f.offset.map_or_else(|| "–".to_string(), |o| o.to_string()) }</td>
                <td class="explanation" lang="en">{ f.explanation.clone() }</td>
            </tr>
        }
    });
    let class = classes!(
        "anomaly-class",
        s.class.allowed().then_some("anomaly-allowed"),
        (s.count > 0 && !s.class.allowed()).then_some("anomaly-found"),
    );
    html! {
        <section {class} aria-labelledby={id.clone()}>
            <h3 id={id}>
                <span class="anomaly-name">{ t(lang, s.name) }</span>
                { " " }<code class="jepsen">{ s.class.jepsen_name() }</code>
                { " " }<span class="anomaly-count">{ msg::records(lang, s.count) }</span>
            </h3>
            <p class="anomaly-about">{ t(lang, s.about) }</p>
            if s.class.allowed() {
                <p class="anomaly-allowed-note">{ t(lang, Key::AllowedByContract) }</p>
            }
            if !records.is_empty() {
                <table class="findings">
                    <thead>
                        <tr>
                            <th scope="col">{ t(lang, Key::Record) }</th>
                            <th scope="col">{ t(lang, Key::Partition) }</th>
                            <th scope="col">{ t(lang, Key::Offset) }</th>
                            <th scope="col">{ t(lang, Key::Explanation) }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
            if more > 0 {
                <p class="note">{ format!("+ {}", msg::records(lang, more as u64)) }</p>
            }
        </section>
    }
}

fn group(g: &GroupDeliveryView, lang: Lang) -> Html {
    let explanations = g
        .explanations
        .iter()
        .map(|e| html! { <li lang="en">{ e.clone() }</li> });
    html! {
        <div class="group-delivery">
            <h4><code>{ g.group_id.clone() }</code></h4>
            <dl>
                <div><dt>{ t(lang, Key::ProcessedTwice) }</dt><dd>{ msg::count(g.processed_twice) }</dd></div>
                <div><dt>{ t(lang, Key::SkippedRecord) }</dt><dd>{ msg::count(g.skipped) }</dd></div>
                <div><dt>{ t(lang, Key::Lag) }</dt><dd>{ msg::count(g.lag) }</dd></div>
            </dl>
            if !g.explanations.is_empty() {
                <ul class="explanations">{ for explanations }</ul>
            }
        </div>
    }
}
