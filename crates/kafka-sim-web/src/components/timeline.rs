//! The timeline: a slider over simulated time, from 0 to the end of the scenario (or the clock, when
//! it ran past it), to seek along.

use kafka_sim::SimTime;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::format_clock;
use crate::i18n::{Key, Lang, t};

/// The timeline's resolution: one slider step, in milliseconds.
pub const TIMELINE_STEP_MS: u64 = 100;

/// Properties of [`Timeline`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct TimelineProps {
    /// The page's language.
    pub lang: Lang,
    /// The simulated clock.
    pub now: SimTime,
    /// The end of the timeline.
    pub end: SimTime,
    /// The user picked a time (on release, or on each arrow key).
    pub on_seek: Callback<SimTime>,
}

/// A range input named "Timeline", in steps of [`TIMELINE_STEP_MS`], whose value text is the clock.
/// It seeks on `change` (when the thumb is released), so a drag does not replay at every pixel.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let onchange = props.on_seek.reform(|e: Event| {
        let input: Option<HtmlInputElement> = e.target_dyn_into();
        let ms = input
            .and_then(|i| i.value().trim().parse::<u64>().ok())
            .unwrap_or(0);
        SimTime::from_millis(ms)
    });
    let end_ms = props.end.as_millis().max(TIMELINE_STEP_MS);
    let now_ms = props.now.as_millis().min(end_ms);
    let name = t(props.lang, Key::Timeline);
    html! {
        <div class="timeline">
            <label for="timeline" class="timeline-label">{ name }</label>
            <input
                id="timeline"
                type="range"
                aria-label={name}
                min="0"
                max={end_ms.to_string()}
                step={TIMELINE_STEP_MS.to_string()}
                value={now_ms.to_string()}
                aria-valuetext={format_clock(props.now)}
                {onchange}
            />
            <span class="timeline-end" aria-hidden="true">{ format_clock(props.end) }</span>
        </div>
    }
}
