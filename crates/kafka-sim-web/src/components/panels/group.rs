//! The consumer group panel: the group (state, generation, protocol, assignor, coordinator), its options,
//! a card per member (heartbeats, session arc, poll bar, activity, partitions) with member actions, and the
//! group's partitions with committed offsets and lag.

use kafka_sim::SimTime;
use kafka_sim::config::AssignorKind;
use kafka_sim::session::{Command, Pause};
use kafka_sim::view::{
    Activity, ConsumerConfigView, GroupPanel, MemberCard, PollBar, ProcessingView, SessionArc,
};
use yew::prelude::*;

use super::edit::{commit_change, consumer_change, consumer_change_with, processing_change};
use super::option::{ControlKind, OptionControl, emit_or_refuse, event_value};
use crate::i18n::{Key, Lang, msg, t};

/// Properties of [`ConsumerGroupPanel`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct ConsumerGroupPanelProps {
    /// The group, from the view.
    pub group: GroupPanel,
    /// The page's language.
    pub lang: Lang,
    /// Where actions and changes go.
    pub on_command: Callback<Command>,
}

/// The consumer options the group panel shows: the seed's, then the further ones (`group.instance.id` is
/// on each member's card).
pub const CONSUMER_OPTIONS: [&str; 11] = [
    "group.id",
    "max.poll.records",
    "enable.auto.commit",
    "heartbeat.interval.ms",
    "session.timeout.ms",
    "max.poll.interval.ms",
    "key.deserializer",
    "value.deserializer",
    "auto.offset.reset",
    "auto.commit.interval.ms",
    "partition.assignment.strategy",
];

/// The current value of consumer option `name` in `c`, as the panel shows it.
pub fn consumer_value(c: &ConsumerConfigView, name: &str) -> String {
    match name {
        "group.id" => c.group_id.clone(),
        "group.instance.id" => c.group_instance_id.clone().unwrap_or_default(),
        "max.poll.records" => c.max_poll_records.to_string(),
        "enable.auto.commit" => c.enable_auto_commit.to_string(),
        "heartbeat.interval.ms" => c.heartbeat_interval_ms.to_string(),
        "session.timeout.ms" => c.session_timeout_ms.to_string(),
        "max.poll.interval.ms" => c.max_poll_interval_ms.to_string(),
        "key.deserializer" => c.key_deserializer.clone(),
        "value.deserializer" => c.value_deserializer.clone(),
        "auto.offset.reset" => c.auto_offset_reset.clone(),
        "auto.commit.interval.ms" => c.auto_commit_interval_ms.to_string(),
        "partition.assignment.strategy" => (c.partition_assignment_strategy.iter())
            .map(|p| {
                (AssignorKind::ALL.iter())
                    .find(|a| a.protocol_name() == p)
                    .map_or_else(|| p.clone(), |a| a.class_name().to_string())
            })
            .collect::<Vec<_>>()
            .join(","),
        _ => String::new(),
    }
}

fn consumer_kind(name: &str) -> ControlKind {
    let statics = |v: &[&'static str]| {
        v.iter()
            .map(|s| (AttrValue::Static(s), AttrValue::Static(s)))
            .collect()
    };
    match name {
        "group.id" => ControlKind::ReadOnly,
        "enable.auto.commit" => ControlKind::Bool,
        "auto.offset.reset" => ControlKind::Choice(statics(&["latest", "earliest", "none"])),
        "key.deserializer" | "value.deserializer" => ControlKind::Text(
            (kafka_sim::config::SerdeKind::ALL.iter())
                .map(|k| AttrValue::from(k.deserializer_class()))
                .collect(),
        ),
        "partition.assignment.strategy" => ControlKind::Text(
            (AssignorKind::ALL.iter())
                .map(|a| AttrValue::Static(a.class_name()))
                .collect(),
        ),
        "group.instance.id" => ControlKind::Text(Vec::new()),
        _ => ControlKind::Number,
    }
}

/// The commit modes, as the scenario names them, with their labels.
fn commit_kind(lang: Lang) -> ControlKind {
    let modes = [
        ("auto", Key::CommitAuto),
        ("manual", Key::CommitManualAfter),
        ("before", Key::CommitBeforeProcessing),
    ];
    ControlKind::Choice(
        (modes.into_iter())
            .map(|(v, k)| (AttrValue::Static(v), AttrValue::Static(t(lang, k))))
            .collect(),
    )
}

/// The processing time as the field shows it, ms.
fn processing_text(p: &ProcessingView) -> String {
    match p {
        ProcessingView::Fixed { ms } => format!("{ms}"),
        ProcessingView::Uniform { min_ms, max_ms } => format!("{min_ms}–{max_ms}"),
        ProcessingView::Exponential { mean_ms } => format!("~{mean_ms}"),
    }
}

/// One consumer group. A region named "Consumer group <group.id>".
#[component]
pub fn ConsumerGroupPanel(props: &ConsumerGroupPanelProps) -> Html {
    let g = &props.group;
    let lang = props.lang;
    let title = msg::group_title(lang, &g.group_id);
    let config = g.members.iter().find_map(|m| m.config.clone());
    let submit = {
        let group = g.clone();
        let on_command = props.on_command.clone();
        let deps: Vec<Option<ConsumerConfigView>> = g.members.iter().map(|m| m.config.clone()).collect();
        use_callback(
            (g.group_id.clone(), deps),
            move |(name, value): (String, String), _| {
                let built = if name == "processing-time" {
                    processing_change(&group.group_id, &value)
                } else if name == "commit-mode" {
                    commit_change(&group.group_id, &value)
                } else {
                    consumer_change(&group, None, &name, &value)
                };
                emit_or_refuse(built, &on_command)
            },
        )
    };
    let options = CONSUMER_OPTIONS.iter().map(|&name| {
        let value = match (&config, name) {
            (_, "group.id") => g.group_id.clone(),
            (Some(c), _) => consumer_value(c, name),
            (None, _) => String::new(),
        };
        html! {
            <OptionControl key={name} dom_id={format!("group-{}-{name}", g.index)} name={name} {value}
                           kind={consumer_kind(name)} {lang} submit={submit.clone()} />
        }
    });
    let add = {
        let on_command = props.on_command.clone();
        let group = g.group_id.clone();
        Callback::from(move |_| on_command.emit(Command::AddMember { group: group.clone() }))
    };
    let unknown = || t(lang, Key::NoCoordinator).to_string();
    let members = g.members.iter().map(|m| {
        html! {
            <MemberCardView key={m.number} group={g.group_id.clone()} group_index={g.index} member={m.clone()}
                            {lang} on_command={props.on_command.clone()} />
        }
    });
    let partitions = g.partitions.iter().map(|p| {
        html! {
            <tr>
                <th scope="row">{ format!("{}-{}", p.topic, p.partition) }</th>
                <td>{ p.committed.map_or_else(|| "—".to_string(), |c| c.to_string()) }</td>
                <td>{ p.high_watermark }</td>
                <td>{ msg::count(p.lag) }</td>
                <td>{ p.owner.clone().unwrap_or_else(|| "—".into()) }</td>
            </tr>
        }
    });
    html! {
        <section class="panel group-panel" role="region" aria-label={title.clone()}>
            <h3>{ title }</h3>
            <dl class="kv group-facts">
                <dt>{ t(lang, Key::GroupState) }</dt>
                <dd data-fact="state">{ g.state.clone().unwrap_or_else(unknown) }</dd>
                <dt>{ t(lang, Key::Generation) }</dt><dd data-fact="generation">{ g.generation }</dd>
                <dt>{ t(lang, Key::Protocol) }</dt>
                <dd data-fact="protocol">{ g.protocol.clone().unwrap_or_else(|| "—".into()) }</dd>
                <dt>{ t(lang, Key::Assignor) }</dt><dd data-fact="assignor">{ g.assignors.join(", ") }</dd>
                <dt>{ t(lang, Key::Coordinator) }</dt>
                <dd data-fact="coordinator">
                    { g.coordinator.map_or_else(unknown, |b| msg::broker(lang, u32::try_from(b.0).unwrap_or(0))) }
                </dd>
                <dt>{ t(lang, Key::Rebalances) }</dt><dd data-fact="rebalances">{ msg::count(g.rebalances) }</dd>
            </dl>
            <div class="group-actions">
                <button type="button" onclick={add}>{ t(lang, Key::AddMember) }</button>
            </div>
            <div class="member-cards">
                if g.members.is_empty() {
                    <p class="opt-note">{ t(lang, Key::NoMembers) }</p>
                }
                { for members }
            </div>
            <fieldset class="opts">
                <legend>{ t(lang, Key::Options) }</legend>
                <p class="opt-note">{ t(lang, Key::ChangeForAllMembers) }</p>
                { for options }
                <OptionControl dom_id={format!("group-{}-commit-mode", g.index)} name="commit-mode"
                               value={g.commit_mode.clone()} kind={commit_kind(lang)} {lang}
                               note={AttrValue::Static(t(lang, Key::CommitModeRestarts))} submit={submit.clone()} />
                <OptionControl dom_id={format!("group-{}-processing-time", g.index)} name="processing-time"
                               value={processing_text(&g.processing)} kind={ControlKind::Number} {lang}
                               note={AttrValue::from("ms")} submit={submit.clone()} />
            </fieldset>
            <table class="group-partitions">
                <caption>{ t(lang, Key::Partitions) }</caption>
                <thead><tr>
                    <th scope="col">{ t(lang, Key::Partition) }</th>
                    <th scope="col">{ t(lang, Key::Committed) }</th>
                    <th scope="col">{ t(lang, Key::Hw) }</th>
                    <th scope="col">{ t(lang, Key::Lag) }</th>
                    <th scope="col">{ t(lang, Key::Owner) }</th>
                </tr></thead>
                <tbody>{ for partitions }</tbody>
            </table>
        </section>
    }
}

/// Properties of [`MemberCardView`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct MemberCardViewProps {
    /// `group.id`.
    pub group: AttrValue,
    /// The group's index (for DOM ids).
    pub group_index: u16,
    /// The member.
    pub member: MemberCard,
    /// The page's language.
    pub lang: Lang,
    /// Where member actions go.
    pub on_command: Callback<Command>,
}

/// One member's card. A region named "Member <n>".
#[component]
pub fn MemberCardView(props: &MemberCardViewProps) -> Html {
    let m = &props.member;
    let lang = props.lang;
    let n = m.number;
    let group = props.group.to_string();
    let pause_secs = use_state(|| "5".to_string());
    let pause_kind = use_state(|| Pause::Gc);
    let act = |make: fn(String, u16) -> Command| {
        let on_command = props.on_command.clone();
        let group = group.clone();
        Callback::from(move |_: MouseEvent| on_command.emit(make(group.clone(), n)))
    };
    let crash = act(|group, member| Command::CrashMember { group, member });
    let close = act(|group, member| Command::CloseMember { group, member });
    let restart = act(|group, member| Command::RestartMember { group, member });
    let secs: u32 = pause_secs
        .trim()
        .parse()
        .ok()
        .filter(|s| (1..=3_600).contains(s))
        .unwrap_or(5);
    let pause = {
        let on_command = props.on_command.clone();
        let group = group.clone();
        let kind = *pause_kind;
        Callback::from(move |_: MouseEvent| {
            on_command.emit(Command::PauseMember {
                group: group.clone(),
                member: n,
                duration: SimTime::from_secs(u64::from(secs)),
                kind,
            })
        })
    };
    let on_secs = {
        let pause_secs = pause_secs.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = event_value(&e, false) {
                pause_secs.set(v);
            }
        })
    };
    let on_kind = {
        let pause_kind = pause_kind.clone();
        Callback::from(move |e: Event| {
            let kind = match event_value(&e, false).as_deref() {
                Some("slow_downstream") => Pause::SlowDownstream,
                _ => Pause::Gc,
            };
            pause_kind.set(kind);
        })
    };
    let instance_submit = {
        let on_command = props.on_command.clone();
        let member = m.clone();
        let group = group.clone();
        Callback::from(move |(name, value): (String, String)| {
            let built = consumer_change_with(&group, member.config.iter(), Some(n), &name, &value);
            emit_or_refuse(built, &on_command)
        })
    };
    let stopped = !m.up || matches!(m.lifecycle.as_str(), "Closed" | "Crashed");
    let title = msg::member(lang, u32::from(n));
    let dom = format!("group-{}-member-{n}", props.group_index);
    let ms = |t: SimTime| t.as_millis();
    let activity = match &m.activity {
        Activity::Polling => t(lang, Key::InPoll).to_string(),
        Activity::Processing { until, ranges } => {
            let what = (ranges.iter())
                .map(|r| format!("{}-{} [{}, {})", r.topic, r.partition, r.from, r.to))
                .collect::<Vec<_>>()
                .join(", ");
            msg::processing_until(lang, &what, ms(*until))
        }
        Activity::Committing => t(lang, Key::InCommitSync).to_string(),
        Activity::Stopped => t(lang, Key::StoppedActivity).to_string(),
    };
    let partitions = m.partitions.iter().map(|p| {
        let opt = |v: Option<i64>| v.map_or_else(|| "—".to_string(), |v| v.to_string());
        html! {
            <tr>
                <th scope="row">{ format!("{}-{}", p.topic, p.partition) }</th>
                <td>{ opt(p.position) }</td>
                <td>{ opt(p.committed) }</td>
                <td>{ msg::count(p.lag) }</td>
            </tr>
        }
    });
    let kind_value = match *pause_kind {
        Pause::Gc => "gc",
        Pause::SlowDownstream => "slow_downstream",
    };
    html! {
        <article class={classes!("member-card", stopped.then_some("member-stopped"))} role="region"
                 aria-label={title.clone()}>
            <header>
                <h4>{ title }</h4>
                <span class="member-client">{ m.client_id.clone() }</span>
                if m.is_leader {
                    <span class="badge-text">{ "★ " }{ t(lang, Key::GroupLeader) }</span>
                }
            </header>
            <dl class="kv">
                <dt>{ t(lang, Key::Lifecycle) }</dt><dd data-fact="lifecycle">{ m.lifecycle.clone() }</dd>
                <dt>{ t(lang, Key::MemberState) }</dt>
                <dd data-fact="member-state">{ format!("{} · {}", m.state, msg::generation(lang, m.generation)) }</dd>
                <dt>{ t(lang, Key::LastHeartbeatSent) }</dt>
                <dd data-fact="heartbeat">
                    { msg::heartbeat_at(lang, m.last_heartbeat_sent.map(ms),
                                        u64::try_from(m.heartbeat_interval_ms).unwrap_or(0)) }
                </dd>
                <dt>{ t(lang, Key::Processing) }</dt><dd data-fact="activity">{ activity }</dd>
            </dl>
            if let Some(until) = m.frozen_until {
                <p class="member-paused" role="status">{ "⏸ " }{ msg::frozen_until(lang, ms(until)) }</p>
            }
            if let Some(until) = m.paused_until {
                <p class="member-paused" role="status">{ "⏸ " }{ msg::paused_until(lang, ms(until)) }</p>
            }
            if let Some(arc) = m.session {
                <SessionArcView {arc} {lang} />
            }
            if let Some(bar) = m.poll {
                <PollBarView {bar} {lang} />
            }
            if m.partitions.is_empty() {
                <p class="opt-note">{ t(lang, Key::NoPartitionsAssigned) }</p>
            } else {
                <table class="member-partitions">
                    <thead><tr>
                        <th scope="col">{ t(lang, Key::Partition) }</th>
                        <th scope="col">{ t(lang, Key::Position) }</th>
                        <th scope="col">{ t(lang, Key::Committed) }</th>
                        <th scope="col">{ t(lang, Key::Lag) }</th>
                    </tr></thead>
                    <tbody>{ for partitions }</tbody>
                </table>
            }
            <OptionControl dom_id={format!("{dom}-group.instance.id")} name="group.instance.id"
                           value={m.group_instance_id.clone().unwrap_or_default()}
                           kind={ControlKind::Text(Vec::new())} {lang} submit={instance_submit} />
            <div class="member-actions">
                if stopped {
                    <button type="button" onclick={restart}>{ msg::restart_member(lang, u32::from(n)) }</button>
                } else {
                    <button type="button" class="danger" onclick={crash}>{ msg::crash_member(lang, u32::from(n)) }</button>
                    <button type="button" onclick={close}>{ msg::close_member(lang, u32::from(n)) }</button>
                }
                <span class="pause-controls">
                    <label for={format!("{dom}-pause-secs")}>{ t(lang, Key::PauseSeconds) }</label>
                    <input id={format!("{dom}-pause-secs")} type="number" min="1" max="3600"
                           value={(*pause_secs).clone()} onchange={on_secs} />
                    <label for={format!("{dom}-pause-kind")}>{ t(lang, Key::PauseKind) }</label>
                    <select id={format!("{dom}-pause-kind")} onchange={on_kind}>
                        <option value="gc" selected={kind_value == "gc"}>{ t(lang, Key::PauseGc) }</option>
                        <option value="slow_downstream" selected={kind_value == "slow_downstream"}>
                            { t(lang, Key::PauseSlowDownstream) }
                        </option>
                    </select>
                    <button type="button" onclick={pause} disabled={stopped}>
                        { msg::pause_member_for(lang, u32::from(n), secs) }
                    </button>
                </span>
            </div>
        </article>
    }
}

/// Properties of [`SessionArcView`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct SessionArcViewProps {
    /// The arc.
    pub arc: SessionArc,
    /// The page's language.
    pub lang: Lang,
}

/// The session arc: an SVG ring filling up as the time since the coordinator last heard from the member
/// nears `session.timeout.ms`, with the numbers in words beside it.
#[component]
pub fn SessionArcView(props: &SessionArcViewProps) -> Html {
    let a = props.arc;
    let used = if a.fraction.is_finite() {
        a.fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let circumference = 2.0 * std::f64::consts::PI * 14.0;
    let dash = format!("{:.2} {:.2}", circumference * used, circumference);
    let text = msg::session_of(props.lang, a.since_heard_ms, a.session_timeout_ms);
    let level = if used >= 0.8 {
        "arc-danger"
    } else if used >= 0.5 {
        "arc-warn"
    } else {
        "arc-ok"
    };
    html! {
        <div class={classes!("session-arc", level)} data-since-ms={a.since_heard_ms.to_string()}
             data-timeout-ms={a.session_timeout_ms.to_string()}>
            <svg viewBox="0 0 36 36" width="36" height="36" aria-hidden="true">
                <circle class="arc-track" cx="18" cy="18" r="14" />
                <circle class="arc-used" cx="18" cy="18" r="14" stroke-dasharray={dash}
                        transform="rotate(-90 18 18)" />
            </svg>
            <span class="arc-text">{ text }{ format!(" ({:.0}%)", used * 100.0) }</span>
        </div>
    }
}

/// Properties of [`PollBarView`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct PollBarViewProps {
    /// The bar.
    pub bar: PollBar,
    /// The page's language.
    pub lang: Lang,
}

/// How far past `max.poll.interval.ms` the bar draws (1.5 = half again); the limit sits at 1/1.5 of the
/// width, so an overrun visibly runs past it.
pub const POLL_BAR_SPAN: f64 = 1.5;

/// The poll bar: the time since the last `poll()` against `max.poll.interval.ms`. Past the limit it runs on
/// beyond the limit's mark, striped, and says "Poll overrun".
#[component]
pub fn PollBarView(props: &PollBarViewProps) -> Html {
    let b = props.bar;
    let f = if b.fraction.is_finite() {
        b.fraction.max(0.0)
    } else {
        0.0
    };
    let overrun = b.since_poll_ms > b.max_poll_interval_ms;
    let width = (f.min(POLL_BAR_SPAN) / POLL_BAR_SPAN * 100.0 * 100.0).round() / 100.0;
    let limit = (100.0 / POLL_BAR_SPAN * 100.0).round() / 100.0;
    html! {
        <div class={classes!("poll-bar", overrun.then_some("poll-overrun"))}
             data-since-ms={b.since_poll_ms.to_string()} data-max-ms={b.max_poll_interval_ms.to_string()}>
            <div class="poll-track" aria-hidden="true">
                <div class="poll-fill" style={format!("width: {width}%")}></div>
                <div class="poll-limit" style={format!("left: {limit}%")}></div>
            </div>
            <span class="poll-text">
                if overrun { <span aria-hidden="true">{ "⚠ " }</span> }
                { msg::poll_of(props.lang, b.since_poll_ms, b.max_poll_interval_ms) }
                { format!(" ({:.0}%)", f * 100.0) }
            </span>
        </div>
    }
}
