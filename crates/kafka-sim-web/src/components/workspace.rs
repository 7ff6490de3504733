//! The page below the header: the cluster picture with the client panels beside it, the topic table,
//! and the tabs. It reads the view and the session's logs and reports what the user does as session
//! [`Command`]s and seeks; it holds no simulation logic.

use std::rc::Rc;

use kafka_sim::session::Command;
use kafka_sim::sim::runtime_api::SentRecord;
use kafka_sim::{SimTime, SimView};
use yew::prelude::*;

use super::ClusterView;
use super::lessons::LessonsMount;
use super::panels::edit::partition_count;
use super::panels::{ConsumerGroupPanel, ProducerPanel, SendOutcome, TopicSettingsPanel, TopicTable};
use super::port::PortPanel;
use super::tabs::{AnomaliesPanel, EventLog, MetricsCharts, SEQUENCE_LIMIT, SequenceDiagram, Tab, Tabs};
use super::terminal::TerminalTab;
use crate::i18n::Lang;
use crate::state::SharedSession;
use crate::state::teach::{TeachAction, TeachState};

/// Properties of [`Workspace`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct WorkspaceProps {
    /// The simulation's view after the last change.
    pub view: Rc<SimView>,
    /// The session, for the logs the view does not carry (event log, metrics, sequence, anomalies).
    pub session: SharedSession,
    /// The page's language.
    pub lang: Lang,
    /// The last record sent by hand, whose result the producer panel shows.
    #[prop_or_default]
    pub last_sent: Option<SentRecord>,
    /// What the user did to the simulation.
    pub on_command: Callback<Command>,
    /// A click on an event: seek to its time.
    pub on_seek: Callback<SimTime>,
    /// The lesson being played (teaching layer).
    #[prop_or_default]
    pub teach: TeachState,
    /// Terminal lines, lesson buttons and imports.
    #[prop_or_default]
    pub on_teach: Callback<TeachAction>,
}

/// The cluster picture, the panels, the topic table and the tabs.
#[component]
pub fn Workspace(props: &WorkspaceProps) -> Html {
    let lang = props.lang;
    let view = &props.view;
    let tab = use_state(|| Tab::EventLog);

    // The logs are copied out of the session only when they grew (or the run was replaced).
    let log_key = (view.event_count, view.seed, view.trace_hash == 0);
    let events = {
        let session = props.session.clone();
        use_memo((log_key, session.clone()), move |_| {
            Rc::new(session.with(|s| {
                let sim = s.sim();
                sim.event_log_range(sim.event_log_bounds())
            }))
        })
    };
    // The metrics are copied only while their tab is open (they grow every simulated second).
    let samples = {
        let session = props.session.clone();
        let key = (*tab == Tab::Metrics).then_some((view.metric_count, view.seed));
        use_memo((key, session.clone()), move |(key, _)| {
            key.map(|_| Rc::new(session.with(|s| s.sim().metrics().cloned().collect::<Vec<_>>())))
        })
    };

    // The anomalies are a full oracle check: run only while their tab is open, and then once per
    // simulated second or new event, not on every animation frame.
    let anomalies = {
        let session = props.session.clone();
        let open = *tab == Tab::Anomalies;
        let key = open.then_some((view.now.as_millis() / 1_000, view.event_count, view.seed));
        use_memo((key, session.clone()), move |(key, _)| {
            key.map(|_| Rc::new(session.anomalies()))
        })
    };

    let on_select = {
        let tab = tab.clone();
        Callback::from(move |t: Tab| tab.set(t))
    };
    let panel = match *tab {
        Tab::EventLog => html! {
            <EventLog {lang} events={(*events).clone()} on_seek={props.on_seek.clone()} />
        },
        Tab::Metrics => match (*samples).clone() {
            Some(samples) => html! { <MetricsCharts {lang} {samples} /> },
            None => html! {},
        },
        Tab::Anomalies => match (*anomalies).clone() {
            Some(found) => html! { <AnomaliesPanel {lang} anomalies={found} /> },
            None => html! {},
        },
        Tab::Sequence => {
            let entries = Rc::new(props.session.with(|s| s.sim().sequence(SEQUENCE_LIMIT)));
            let nodes = Rc::new(view.nodes.clone());
            html! { <SequenceDiagram {lang} {entries} {nodes} /> }
        }
        Tab::Terminal => html! {
            <TerminalTab {lang} view={view.clone()} session={props.session.clone()} on_input={props.on_teach.clone()} />
        },
    };

    let sent = props.last_sent.map(|r| {
        props.session.with(|s| {
            s.sim().sent_record(r.producer, r.id).map_or(
                SendOutcome::Pending {
                    partition: r.tp.partition,
                },
                SendOutcome::from_manual,
            )
        })
    });
    let producers = view.producers.iter().map(|p| {
        let partitions = partition_count(view, &p.topic);
        let sent = sent
            .clone()
            .filter(|_| props.last_sent.is_some_and(|r| r.producer == p.index));
        html! {
            <ProducerPanel producer={p.clone()} {partitions} {sent} {lang}
                on_command={props.on_command.clone()} />
        }
    });
    let groups = view.groups.iter().map(|g| {
        html! { <ConsumerGroupPanel group={g.clone()} {lang} on_command={props.on_command.clone()} /> }
    });
    let settings = view.settings.clone().map(|settings| {
        html! { <TopicSettingsPanel {settings} {lang} on_command={props.on_command.clone()} /> }
    });

    html! {
        <div class="workspace">
            <main class="stage">
                <ClusterView view={view.clone()} {lang} on_command={props.on_command.clone()} />
            </main>
            <aside class="side-panels">
                <LessonsMount {lang} teach={props.teach.clone()} session={props.session.clone()}
                    at={(view.now, view.events_processed)} on_action={props.on_teach.clone()} />
                { for producers }
                { for groups }
                { for settings }
            </aside>
            <section class="below">
                <TopicTable view={view.clone()} {lang} show_internal={false} />
                <Tabs {lang} selected={*tab} {on_select}>{ panel }</Tabs>
                <details class="port-details">
                    <summary>{ crate::i18n::t(lang, crate::i18n::Key::ImportExport) }</summary>
                    <PortPanel {lang} session={props.session.clone()} on_action={props.on_teach.clone()} />
                </details>
            </section>
        </div>
    }
}
