//! The header: title, scenario picker, seed, simulated clock, the transport buttons (Step back,
//! Play/Pause, Step), speed, timeline, language switch and Share.
//!
//! Every string comes from the catalog ([`crate::i18n`]); every control is a native button, input or
//! select (keyboard-operable) with an accessible name; states are said in words, not only colour.

use kafka_sim::SimTime;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{LangSwitch, ShareButton, Timeline};
use crate::i18n::{Key, Lang, t};
use crate::speed::Speed;
use crate::state::Action;
use crate::state::scenarios::SCENARIOS;

/// Properties of [`Header`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct HeaderProps {
    /// The page's language.
    pub lang: Lang,
    /// The built-in scenario shown (`None`: a scenario carried inline by a permalink).
    #[prop_or_default]
    pub scenario: Option<AttrValue>,
    /// The seed.
    pub seed: u64,
    /// The simulated clock.
    pub now: SimTime,
    /// Whether the clock is running.
    pub playing: bool,
    /// The playback speed.
    pub speed: Speed,
    /// The end of the timeline.
    pub timeline_end: SimTime,
    /// Where a forward seek is heading (the timeline shows it rather than the clock catching up).
    #[prop_or_default]
    pub seeking: Option<SimTime>,
    /// Whether the run is at its start (nothing to step back to).
    pub at_start: bool,
    /// Whether the permalink was just copied.
    #[prop_or_default]
    pub copied: bool,
    /// Every control's action.
    pub on_action: Callback<Action>,
    /// The user pressed Share.
    pub on_share: Callback<()>,
}

/// The page's header.
#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let lang = props.lang;
    let act = |a: Action| props.on_action.reform(move |_: MouseEvent| a.clone());
    html! {
        <header class="topbar">
            <div class="topbar-row">
                <h1 class="title">{ t(lang, Key::AppTitle) }</h1>
                <ScenarioPicker {lang} scenario={props.scenario.clone()} on_action={&props.on_action} />
                <SeedInput {lang} seed={props.seed} on_action={&props.on_action} />
                <div class="topbar-end">
                    <LangSwitch {lang} on_change={props.on_action.reform(Action::SetLang)} />
                    <ShareButton {lang} copied={props.copied} on_share={&props.on_share} />
                </div>
            </div>
            <div class="topbar-row transport">
                <Clock {lang} now={props.now} />
                <div class="controls">
                    <button type="button" class="button step-back" onclick={act(Action::StepBack)}
                            disabled={props.at_start}>
                        <span class="icon" aria-hidden="true">{ "|◀" }</span>
                        <span>{ t(lang, Key::StepBack) }</span>
                    </button>
                    <PlayPause {lang} playing={props.playing} on_action={&props.on_action} />
                    <button type="button" class="button step" onclick={act(Action::Step)}>
                        <span>{ t(lang, Key::Step) }</span>
                        <span class="icon" aria-hidden="true">{ "▶|" }</span>
                    </button>
                </div>
                <SpeedControl {lang} speed={props.speed}
                              on_change={props.on_action.reform(Action::SetSpeed)} />
                <Timeline {lang} now={props.seeking.unwrap_or(props.now)} end={props.timeline_end}
                          on_seek={props.on_action.reform(Action::Seek)} />
            </div>
        </header>
    }
}

/// `12.345 s`: seconds with millisecond precision.
pub fn format_clock(t: SimTime) -> String {
    let ms = t.as_millis();
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

#[derive(Clone, Debug, PartialEq, Properties)]
struct ClockProps {
    lang: Lang,
    now: SimTime,
}

/// The simulated clock, as a `timer` named "Simulated time".
#[component]
fn Clock(props: &ClockProps) -> Html {
    let label = t(props.lang, Key::SimulatedTime);
    html! {
        <div class="clock">
            <span class="clock-label" aria-hidden="true">{ label }</span>
            <span class="clock-value" role="timer" aria-label={label}>
                { format_clock(props.now) }
            </span>
        </div>
    }
}

#[derive(Clone, Debug, PartialEq, Properties)]
struct PlayPauseProps {
    lang: Lang,
    playing: bool,
    on_action: Callback<Action>,
}

/// One toggle button: named "Play" while paused and "Pause" while playing (its name and icon say
/// the state, not only its colour).
#[component]
fn PlayPause(props: &PlayPauseProps) -> Html {
    let (key, icon, class, action) = if props.playing {
        (Key::Pause, "❚❚", "button pause", Action::Pause)
    } else {
        (Key::Play, "▶", "button play", Action::Play)
    };
    let onclick = props.on_action.reform(move |_: MouseEvent| action.clone());
    html! {
        <button type="button" {class} {onclick}>
            <span class="icon" aria-hidden="true">{ icon }</span>
            <span>{ t(props.lang, key) }</span>
        </button>
    }
}

#[derive(Clone, Debug, PartialEq, Properties)]
struct SpeedControlProps {
    lang: Lang,
    speed: Speed,
    on_change: Callback<Speed>,
}

/// A log-scale slider from 0.1× to 1000×, named "Speed", with its value shown beside it.
#[component]
fn SpeedControl(props: &SpeedControlProps) -> Html {
    let oninput = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            let input: Option<HtmlInputElement> = e.target_dyn_into();
            if let Some(speed) = input.and_then(|i| Speed::from_slider_value(&i.value())) {
                on_change.emit(speed);
            }
        })
    };
    let label = props.speed.label();
    let name = t(props.lang, Key::Speed);
    html! {
        <div class="speed">
            <label for="speed" class="speed-label">{ name }</label>
            <input
                id="speed"
                type="range"
                aria-label={name}
                min={Speed::MIN.index().to_string()}
                max={Speed::MAX.index().to_string()}
                step="1"
                value={props.speed.index().to_string()}
                aria-valuetext={label.clone()}
                {oninput}
            />
            <output for="speed" class="speed-value">{ label }</output>
        </div>
    }
}

#[derive(Clone, Debug, PartialEq, Properties)]
struct ScenarioPickerProps {
    lang: Lang,
    scenario: Option<AttrValue>,
    on_action: Callback<Action>,
}

/// The built-in scenarios, as a select named "Scenario". Picking one starts it fresh.
#[component]
fn ScenarioPicker(props: &ScenarioPickerProps) -> Html {
    let onchange = props.on_action.reform(|e: Event| {
        let select: Option<HtmlSelectElement> = e.target_dyn_into();
        Action::LoadScenario(select.map(|s| s.value()).unwrap_or_default())
    });
    let current = props.scenario.as_deref();
    // An inline scenario (imported) has no name; a lesson's own scenario is not in the picker's list:
    // either is shown as the selected, disabled first option, so the picker never names another run.
    let listed = current.is_some_and(|c| SCENARIOS.iter().any(|s| s.name == c));
    let inline = (!listed).then(|| {
        let name = current.map_or_else(|| "—".to_owned(), str::to_owned);
        html! { <option value="" selected=true disabled=true>{ name }</option> }
    });
    html! {
        <div class="field">
            <label for="scenario" class="field-label">{ t(props.lang, Key::Scenario) }</label>
            <select id="scenario" {onchange}>
                { for inline }
                { for SCENARIOS.iter().map(|s| html! {
                    <option value={s.name} selected={current == Some(s.name)}>{ s.name }</option>
                }) }
            </select>
        </div>
    }
}

#[derive(Clone, Debug, PartialEq, Properties)]
struct SeedInputProps {
    lang: Lang,
    seed: u64,
    on_action: Callback<Action>,
}

/// The seed, as a number field named "Seed". A new seed (on Enter or leaving the field) starts the
/// scenario fresh with it; anything but a whole number is put back.
#[component]
fn SeedInput(props: &SeedInputProps) -> Html {
    let onchange = {
        let (on_action, seed) = (props.on_action.clone(), props.seed);
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            match input.value().trim().parse::<u64>() {
                Ok(new) => on_action.emit(Action::SetSeed(new)),
                Err(_) => input.set_value(&seed.to_string()),
            }
        })
    };
    html! {
        <div class="field">
            <label for="seed" class="field-label">{ t(props.lang, Key::Seed) }</label>
            <input id="seed" class="seed" type="number" min="0" step="1" inputmode="numeric"
                   value={props.seed.to_string()} {onchange} />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_shows_seconds_and_millis() {
        assert_eq!(format_clock(SimTime::ZERO), "0.000 s");
        assert_eq!(format_clock(SimTime::from_millis(12_345)), "12.345 s");
        assert_eq!(format_clock(SimTime::from_micros(999)), "0.000 s");
        assert_eq!(format_clock(SimTime::from_secs(3_600)), "3600.000 s");
    }
}
