//! Topic and broker settings: `min.insync.replicas` and `unclean.leader.election.enable` per topic
//! (dynamic, as `kafka-configs --alter` sets them), `replica.lag.time.max.ms` (a read-only broker config
//! in Kafka 3.7: it applies at each broker's next restart), and partitions and replication factor (shown;
//! changing them needs a reset).

use kafka_sim::session::Command;
use kafka_sim::view::ClusterSettingsView;
use yew::prelude::*;

use super::edit::{broker_change, topic_change};
use super::option::{ControlKind, OptionControl, OptionRow, emit_or_refuse};
use crate::i18n::{Key, Lang, msg, t};

/// Properties of [`TopicSettingsPanel`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct TopicSettingsPanelProps {
    /// The run's settings, from the view.
    pub settings: ClusterSettingsView,
    /// The page's language.
    pub lang: Lang,
    /// Where changes go ([`Command::SetTopicConfig`], [`Command::SetBrokerConfig`]).
    pub on_command: Callback<Command>,
}

/// The topic and broker settings. A region named "Topic and broker settings".
#[component]
pub fn TopicSettingsPanel(props: &TopicSettingsPanelProps) -> Html {
    let lang = props.lang;
    let s = &props.settings;
    let broker_submit = {
        let on_command = props.on_command.clone();
        use_callback((), move |(name, value): (String, String), _| {
            emit_or_refuse(broker_change(&name, &value), &on_command)
        })
    };
    let topics = s.topics.iter().enumerate().map(|(i, topic)| {
        let submit = {
            let on_command = props.on_command.clone();
            let name = topic.name.clone();
            Callback::from(move |(prop, value): (String, String)| {
                emit_or_refuse(topic_change(&name, &prop, &value), &on_command)
            })
        };
        let dom = |n: &str| format!("topic-{i}-{n}");
        let title = msg::topic_title(lang, &topic.name);
        html! {
            <fieldset class="opts topic-settings" key={topic.name.clone()}>
                <legend>{ title }</legend>
                <OptionControl dom_id={dom("min.insync.replicas")} name="min.insync.replicas"
                               value={topic.min_insync_replicas.to_string()} kind={ControlKind::Number} {lang}
                               note={AttrValue::Static(t(lang, Key::AppliesNow))} submit={submit.clone()} />
                <OptionControl dom_id={dom("unclean.leader.election.enable")} name="unclean.leader.election.enable"
                               value={topic.unclean_leader_election_enable.to_string()} kind={ControlKind::Bool}
                               {lang} note={AttrValue::Static(t(lang, Key::AppliesNow))} {submit} />
                <OptionRow dom_id={dom("partitions")} name="partitions" value={topic.partitions.to_string()}
                           kind={ControlKind::ReadOnly} {lang} note={AttrValue::Static(t(lang, Key::NeedsReset))} />
                <OptionRow dom_id={dom("replication-factor")} name="replication-factor"
                           value={topic.replication_factor.to_string()} kind={ControlKind::ReadOnly} {lang}
                           note={AttrValue::Static(t(lang, Key::NeedsReset))} />
            </fieldset>
        }
    });
    html! {
        <section class="panel settings-panel" role="region" aria-label={t(lang, Key::TopicAndBrokerSettings)}>
            <h3>{ t(lang, Key::TopicAndBrokerSettings) }</h3>
            { for topics }
            <fieldset class="opts broker-settings">
                <legend>{ t(lang, Key::BrokerSettings) }</legend>
                <OptionControl dom_id="broker-replica.lag.time.max.ms" name="replica.lag.time.max.ms"
                               value={s.replica_lag_time_max_ms.to_string()} kind={ControlKind::Number} {lang}
                               note={AttrValue::Static(t(lang, Key::AppliesAtRestart))} submit={broker_submit} />
            </fieldset>
        </section>
    }
}
