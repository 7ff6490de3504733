//! The topic table, laid out as kafka-ui lays it out: one row per partition with its leader, replicas,
//! ISR (out-of-sync replicas marked in words, not only colour), the high watermark, each replica's log end
//! offset, and an under-replicated flag. Kafka's internal topics are hidden unless asked for.

use std::rc::Rc;

use kafka_sim::PartitionView;
use kafka_sim::SimView;
use yew::prelude::*;

use super::option::event_value;
use crate::i18n::{Key, Lang, msg, t};

/// Properties of [`TopicTable`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct TopicTableProps {
    /// The simulation's state (only its partitions are read).
    pub view: Rc<SimView>,
    /// The page's language.
    pub lang: Lang,
    /// Whether internal topics start shown (they start hidden, as in kafka-ui).
    #[prop_or_default]
    pub show_internal: bool,
}

/// The topic table with its "show internal topics" switch.
#[component]
pub fn TopicTable(props: &TopicTableProps) -> Html {
    let lang = props.lang;
    let show_internal = use_state(|| props.show_internal);
    let toggle = {
        let show_internal = show_internal.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = event_value(&e, true) {
                show_internal.set(v == "true");
            }
        })
    };
    let rows: Vec<&PartitionView> = (props.view.partitions.iter())
        .filter(|p| *show_internal || !p.internal)
        .collect();
    let under = rows.iter().filter(|p| p.under_replicated).count();
    html! {
        <section class="panel topic-table" role="region" aria-label={t(lang, Key::Topic)}>
            <div class="topic-table-head">
                <h3>{ t(lang, Key::Topic) }</h3>
                if under > 0 {
                    <p class="under-summary" role="status">
                        { "⚠ " }{ msg::under_replicated(lang, u64::try_from(under).unwrap_or(0)) }
                    </p>
                }
                <label class="show-internal">
                    <input type="checkbox" checked={*show_internal} onchange={toggle} />
                    { t(lang, Key::ShowInternalTopics) }
                </label>
            </div>
            <table>
                <thead><tr>
                    <th scope="col">{ t(lang, Key::Topic) }</th>
                    <th scope="col">{ t(lang, Key::Partition) }</th>
                    <th scope="col">{ t(lang, Key::Leader) }</th>
                    <th scope="col">{ t(lang, Key::Replicas) }</th>
                    <th scope="col">{ t(lang, Key::InSyncReplicas) }</th>
                    <th scope="col">{ t(lang, Key::Hw) }</th>
                    <th scope="col">{ t(lang, Key::HwOffsets) }</th>
                    <th scope="col">{ t(lang, Key::UnderReplicated) }</th>
                </tr></thead>
                <tbody>
                    { for rows.iter().map(|p| html! { <PartitionRow key={format!("{}-{}", p.topic, p.partition)}
                                                                    row={(*p).clone()} {lang} /> }) }
                </tbody>
            </table>
        </section>
    }
}

/// Properties of [`PartitionRow`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct PartitionRowProps {
    /// The partition.
    pub row: PartitionView,
    /// The page's language.
    pub lang: Lang,
}

/// One row of the topic table.
#[component]
pub fn PartitionRow(props: &PartitionRowProps) -> Html {
    let p = &props.row;
    let lang = props.lang;
    let replicas = p.replicas.iter().map(|b| {
        let oos = p.out_of_sync.contains(b);
        html! {
            <span class={classes!("replica", oos.then_some("replica-oos"))} data-broker={b.0.to_string()}>
                { b.0 }
                if oos { <span class="oos-mark">{ format!(" ✗ {}", t(lang, Key::OutOfSync)) }</span> }
            </span>
        }
    });
    let leos = p.log_end_offsets.iter().map(|(b, leo)| {
        let oos = p.out_of_sync.contains(b);
        html! {
            <span class={classes!("leo", oos.then_some("replica-oos"))}>
                { format!("{}: {leo}", b.0) }
                if oos { <span class="oos-mark">{ " ✗" }</span> }
            </span>
        }
    });
    let isr = p
        .isr
        .iter()
        .map(|b| b.0.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let leader = p
        .leader
        .map_or_else(|| t(lang, Key::NoLeader).to_string(), |b| b.0.to_string());
    html! {
        <tr class={classes!(p.under_replicated.then_some("row-under"), p.internal.then_some("row-internal"))}>
            <td>{ p.topic.clone() }</td>
            <th scope="row">{ p.partition }</th>
            <td class={classes!(p.leader.is_none().then_some("no-leader"))}>{ leader }</td>
            <td class="replicas">{ for replicas }</td>
            <td class="isr">{ isr }</td>
            <td>{ p.high_watermark }</td>
            <td class="leos">{ for leos }</td>
            <td class="under">
                if p.under_replicated {
                    <span class="flag-under">{ "⚠ " }{ t(lang, Key::Yes) }</span>
                } else {
                    { t(lang, Key::No) }
                }
            </td>
        </tr>
    }
}
