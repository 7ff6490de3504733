//! The header: title, simulated clock and the playback controls.

use kafka_sim::SimTime;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::speed::Speed;

/// Properties of [`Header`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct HeaderProps {
    /// The simulated clock.
    pub now: SimTime,
    /// Whether the clock is running.
    pub playing: bool,
    /// The playback speed.
    pub speed: Speed,
    /// The user pressed Play.
    pub on_play: Callback<()>,
    /// The user pressed Pause.
    pub on_pause: Callback<()>,
    /// The user moved the speed slider.
    pub on_speed: Callback<Speed>,
}

/// Title, clock, Play/Pause and speed.
#[component]
pub fn Header(props: &HeaderProps) -> Html {
    html! {
        <header class="topbar">
            <h1 class="title">{ "Kafka Playground" }</h1>
            <Clock now={props.now} />
            <div class="controls">
                <PlayPause playing={props.playing} on_play={&props.on_play} on_pause={&props.on_pause} />
                <SpeedControl speed={props.speed} on_change={&props.on_speed} />
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
    now: SimTime,
}

/// The simulated clock, as a `timer` named "Simulated time".
#[component]
fn Clock(props: &ClockProps) -> Html {
    html! {
        <div class="clock">
            <span class="clock-label" aria-hidden="true">{ "simulated time" }</span>
            <span class="clock-value" role="timer" aria-label="Simulated time">
                { format_clock(props.now) }
            </span>
        </div>
    }
}

#[derive(Clone, Debug, PartialEq, Properties)]
struct PlayPauseProps {
    playing: bool,
    on_play: Callback<()>,
    on_pause: Callback<()>,
}

/// One toggle button: named "Play" while paused and "Pause" while playing.
#[component]
fn PlayPause(props: &PlayPauseProps) -> Html {
    let (label, icon, class, onclick) = if props.playing {
        (
            "Pause",
            "❚❚",
            "button pause",
            props.on_pause.reform(|_: MouseEvent| ()),
        )
    } else {
        (
            "Play",
            "▶",
            "button play",
            props.on_play.reform(|_: MouseEvent| ()),
        )
    };
    html! {
        <button type="button" {class} {onclick}>
            <span class="icon" aria-hidden="true">{ icon }</span>
            <span>{ label }</span>
        </button>
    }
}

#[derive(Clone, Debug, PartialEq, Properties)]
struct SpeedControlProps {
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
    html! {
        <div class="speed">
            <label for="speed" class="speed-label">{ "Speed" }</label>
            <input
                id="speed"
                type="range"
                aria-label="Speed"
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
