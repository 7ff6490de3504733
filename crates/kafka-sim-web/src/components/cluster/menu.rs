//! A broker's actions menu: crash, restart, isolate, heal the network, slow its links. Each button
//! emits the matching session [`Command`]; Escape (or the close button) closes the menu.

use kafka_sim::SimTime;
use kafka_sim::session::Command;
use yew::prelude::*;

use crate::i18n::{Key, Lang, msg, t};

/// The latencies the slow-network action offers, in milliseconds.
pub const LATENCIES_MS: [u64; 7] = [20, 50, 100, 200, 500, 1_000, 2_000];

/// The latency chosen when the menu opens, in milliseconds.
pub const DEFAULT_LATENCY_MS: u64 = 200;

/// Properties of [`BrokerMenu`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct BrokerMenuProps {
    /// The broker's `broker.id`.
    pub broker: i32,
    /// Whether the broker is running (crash and isolate need it up, restart needs it down).
    pub up: bool,
    /// The language.
    #[prop_or_default]
    pub lang: Lang,
    /// Where the menu stands, as CSS `left` and `top` (percentages of the picture).
    #[prop_or_default]
    pub position: (f64, f64),
    /// Receives the chosen action.
    pub on_command: Callback<Command>,
    /// Closes the menu (after an action, on Escape, or the close button).
    pub on_close: Callback<()>,
}

/// The menu of one broker's actions. Its buttons are named "Crash broker 2", "Restart broker 2",
/// "Isolate broker 2", "Heal network" and "Slow network to broker 2" (with a "Latency" choice).
#[component]
pub fn BrokerMenu(props: &BrokerMenuProps) -> Html {
    let latency = use_state(|| DEFAULT_LATENCY_MS);
    let first = use_node_ref();
    {
        // Move the focus into the menu when it opens (keyboard users land on its first action).
        let first = first.clone();
        use_effect_with(props.broker, move |_| {
            if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let lang = props.lang;
    let id = props.broker;
    let shown = id.unsigned_abs();
    let act = |command: Command| {
        let (on_command, on_close) = (props.on_command.clone(), props.on_close.clone());
        Callback::from(move |_: MouseEvent| {
            on_command.emit(command.clone());
            on_close.emit(());
        })
    };
    let slow = {
        let (on_command, on_close, latency) =
            (props.on_command.clone(), props.on_close.clone(), latency.clone());
        Callback::from(move |_: MouseEvent| {
            on_command.emit(Command::SlowBroker {
                broker: id,
                latency: SimTime::from_millis(*latency),
            });
            on_close.emit(());
        })
    };
    let on_latency = {
        let latency = latency.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(ms) = select.value().parse::<u64>() {
                latency.set(ms);
            }
        })
    };
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                on_close.emit(());
            }
        })
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let options = LATENCIES_MS.iter().map(|ms| {
        html! { <option value={ms.to_string()} selected={*ms == *latency}>{ format!("{ms} ms") }</option> }
    });
    let select_id = format!("broker-{id}-latency");
    let (left, top) = props.position;
    // The first enabled action takes the focus.
    let (crash_ref, restart_ref) = if props.up {
        (first.clone(), NodeRef::default())
    } else {
        (NodeRef::default(), first.clone())
    };
    html! {
        <div class="broker-menu" role="group" aria-label={msg::broker_actions(lang, shown)}
             style={format!("left: {left:.2}%; top: {top:.2}%;")} {onkeydown}>
            <div class="broker-menu-head">
                <span>{ msg::broker(lang, shown) }</span>
                <button type="button" class="menu-close" aria-label={t(lang, Key::CloseMenu)}
                        onclick={close}>{ "×" }</button>
            </div>
            <button type="button" class="menu-action action-crash" ref={crash_ref} disabled={!props.up}
                    onclick={act(Command::CrashBroker { broker: id })}>
                { msg::crash_broker(lang, shown) }
            </button>
            <button type="button" class="menu-action action-restart" ref={restart_ref} disabled={props.up}
                    onclick={act(Command::RestartBroker { broker: id })}>
                { msg::restart_broker(lang, shown) }
            </button>
            <button type="button" class="menu-action action-isolate" disabled={!props.up}
                    onclick={act(Command::IsolateBroker { broker: id })}>
                { msg::isolate_broker(lang, shown) }
            </button>
            <button type="button" class="menu-action action-heal" onclick={act(Command::HealNetwork)}>
                { t(lang, Key::HealNetwork) }
            </button>
            <div class="menu-slow">
                <label for={select_id.clone()}>{ t(lang, Key::Latency) }</label>
                <select id={select_id} onchange={on_latency}>{ for options }</select>
                <button type="button" class="menu-action action-slow" onclick={slow}>
                    { msg::slow_broker(lang, shown) }
                </button>
            </div>
        </div>
    }
}
