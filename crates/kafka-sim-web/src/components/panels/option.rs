//! One option control: its label (the Kafka property name), the input, a (?) help disclosure, and
//! Kafka's validation message beside it when a value is refused.
//!
//! [`OptionRow`] only draws (what the server-side tests render); [`OptionControl`] wraps it with the
//! text the user typed and the refusal, and asks its parent to apply a value through
//! [`OptionControlProps::submit`], which answers `None` (applied: a command went out) or Kafka's message
//! (refused: nothing went out, the last valid value stays).

use yew::prelude::*;

use crate::i18n::{Key, Lang, help, msg, t};

/// The kind of input an option gets.
#[derive(Clone, Debug, PartialEq)]
pub enum ControlKind {
    /// A number field.
    Number,
    /// A free text field, with suggestions (e.g. known class names).
    Text(Vec<AttrValue>),
    /// A choice among values (value, shown text).
    Choice(Vec<(AttrValue, AttrValue)>),
    /// A checkbox for a boolean property.
    Bool,
    /// Shown, not changeable here.
    ReadOnly,
}

/// Properties of [`OptionRow`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct OptionRowProps {
    /// A DOM id unique on the page (the input's `id`; the help and error use it as a prefix).
    pub dom_id: AttrValue,
    /// The option's id: its Kafka property name, or `partitions`, `replication-factor`, `commit-mode`,
    /// `processing-time` (see [`crate::i18n::help`]).
    pub name: AttrValue,
    /// The current (last valid) value.
    pub value: AttrValue,
    /// The input.
    pub kind: ControlKind,
    /// The page's language.
    pub lang: Lang,
    /// What the user typed that Kafka refused (shown in the field instead of the value).
    #[prop_or_default]
    pub draft: Option<AttrValue>,
    /// Kafka's message refusing [`OptionRowProps::draft`].
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// A line under the control (e.g. "applies at the broker's next restart").
    #[prop_or_default]
    pub note: Option<AttrValue>,
    /// A value the user entered (on change: Enter, leaving the field, choosing, ticking).
    #[prop_or_default]
    pub on_enter: Callback<String>,
}

/// The value of the element that fired `event` (`.value`, or `.checked` as `true`/`false` for a checkbox).
#[cfg(target_arch = "wasm32")]
pub(super) fn event_value(event: &Event, checkbox: bool) -> Option<String> {
    let target: wasm_bindgen::JsValue = event.target()?.into();
    let prop = if checkbox { "checked" } else { "value" };
    let v = js_sys::Reflect::get(&target, &prop.into()).ok()?;
    if checkbox {
        v.as_bool().map(|b| b.to_string())
    } else {
        v.as_string()
    }
}

/// Off the browser (server-side tests) events never fire.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn event_value(_event: &Event, _checkbox: bool) -> Option<String> {
    None
}

/// One option: label, input, help, and Kafka's message when a value was refused.
#[component]
pub fn OptionRow(props: &OptionRowProps) -> Html {
    let lang = props.lang;
    let info = help(&props.name);
    let label: AttrValue = match info {
        Some(h) => AttrValue::Static(h.accessible_name(lang)),
        None => props.name.clone(),
    };
    let id = props.dom_id.clone();
    let err_id = format!("{id}-error");
    let shown = props.draft.clone().unwrap_or_else(|| props.value.clone());
    let invalid = props.error.is_some().then_some("true");
    let described = props.error.is_some().then(|| err_id.clone());
    let on_enter = props.on_enter.clone();
    let checkbox = matches!(props.kind, ControlKind::Bool);
    let onchange = Callback::from(move |e: Event| {
        if let Some(v) = event_value(&e, checkbox) {
            on_enter.emit(v);
        }
    });
    let control = match &props.kind {
        ControlKind::Number => html! {
            <input id={id.clone()} class="opt-input" type="text" inputmode="numeric" aria-label={label.clone()}
                   aria-invalid={invalid} aria-describedby={described} value={shown} {onchange} />
        },
        ControlKind::Text(suggestions) => {
            let list = format!("{id}-list");
            html! {
                <>
                    <input id={id.clone()} class="opt-input" type="text" aria-label={label.clone()}
                           aria-invalid={invalid} aria-describedby={described} value={shown}
                           list={(!suggestions.is_empty()).then(|| list.clone())} {onchange} />
                    if !suggestions.is_empty() {
                        <datalist id={list}>
                            { for suggestions.iter().map(|s| html! { <option value={s.clone()} /> }) }
                        </datalist>
                    }
                </>
            }
        }
        ControlKind::Choice(choices) => html! {
            <select id={id.clone()} class="opt-input" aria-label={label.clone()} aria-invalid={invalid}
                    aria-describedby={described} {onchange}>
                { for choices.iter().map(|(v, text)| html! {
                    <option value={v.clone()} selected={*v == shown}>{ text.clone() }</option>
                }) }
            </select>
        },
        ControlKind::Bool => html! {
            <input id={id.clone()} class="opt-input" type="checkbox" aria-label={label.clone()}
                   aria-invalid={invalid} aria-describedby={described} checked={shown == "true"} {onchange} />
        },
        ControlKind::ReadOnly => html! {
            <output id={id.clone()} class="opt-value" aria-label={label.clone()}>{ shown }</output>
        },
    };
    let error = props.error.as_ref().map(|e| {
        html! {
            <p id={err_id.clone()} class="opt-error" role="alert">
                <span class="opt-error-mark" aria-hidden="true">{ "⚠ " }</span>
                { msg::invalid_value(lang, e) }
                { " " }
                <span class="opt-kept">{ format!("({})", msg::kept_value(lang, &props.value)) }</span>
            </p>
        }
    });
    let note = props
        .note
        .as_ref()
        .map(|n| html! { <p class="opt-note">{ n.clone() }</p> });
    html! {
        <div class={classes!("opt", props.error.is_some().then_some("opt-invalid"))} data-option={props.name.clone()}>
            <label class="opt-name" for={id.clone()}>{ label.clone() }</label>
            <span class="opt-control">{ control }</span>
            <HelpToggle name={props.name.clone()} {lang} />
            // One child each, present or not: `{ for .. }` would splice them into this list, and Yew
            // matches unkeyed children from the end, so a message appearing would re-create the
            // input (losing the focus and what the user was typing) instead of updating it.
            { note.unwrap_or_default() }
            { error.unwrap_or_default() }
        </div>
    }
}

/// Properties of [`HelpToggle`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct HelpToggleProps {
    /// The option's id (see [`crate::i18n::help`]).
    pub name: AttrValue,
    /// The page's language.
    pub lang: Lang,
}

/// A small (?) disclosure with the option's help: what it does, Kafka's default, what to look for. A
/// native `<details>`: keyboard-operable with no script.
#[component]
pub fn HelpToggle(props: &HelpToggleProps) -> Html {
    let lang = props.lang;
    let Some(h) = help(&props.name) else {
        return html! {};
    };
    let summary = format!("{}: {}", t(lang, Key::Help), h.accessible_name(lang));
    html! {
        <details class="opt-help">
            <summary aria-label={summary.clone()} title={summary}>{ "?" }</summary>
            <div class="opt-help-body" lang={lang.as_str()}>
                <p><strong>{ t(lang, Key::WhatItDoes) }</strong>{ " " }{ h.what(lang) }</p>
                <p>
                    <strong>{ t(lang, Key::KafkaDefaultLabel) }</strong>{ " " }
                    <code>{ h.kafka_default().display(lang) }</code>
                </p>
                <p><strong>{ t(lang, Key::WhatToLookFor) }</strong>{ " " }{ h.look_for(lang) }</p>
            </div>
        </details>
    }
}

/// Properties of [`OptionControl`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct OptionControlProps {
    /// A DOM id unique on the page.
    pub dom_id: AttrValue,
    /// The option's id (Kafka property name, or one of the playground's options).
    pub name: AttrValue,
    /// The current (last valid) value, from the view.
    pub value: AttrValue,
    /// The input.
    pub kind: ControlKind,
    /// The page's language.
    pub lang: Lang,
    /// A line under the control.
    #[prop_or_default]
    pub note: Option<AttrValue>,
    /// Applies `(name, value)`: `None` when a command went out, else Kafka's message (nothing went out).
    pub submit: Callback<(String, String), Option<String>>,
}

/// An [`OptionRow`] that remembers a refused value and Kafka's message until a valid value is entered.
#[component]
pub fn OptionControl(props: &OptionControlProps) -> Html {
    let refused = use_state(|| None::<(AttrValue, AttrValue)>);
    let on_enter = {
        let refused = refused.clone();
        let submit = props.submit.clone();
        let name = props.name.to_string();
        Callback::from(
            move |value: String| match submit.emit((name.clone(), value.clone())) {
                None => refused.set(None),
                Some(message) => refused.set(Some((value.into(), message.into()))),
            },
        )
    };
    let (draft, error) = match &*refused {
        Some((d, e)) => (Some(d.clone()), Some(e.clone())),
        None => (None, None),
    };
    html! {
        <OptionRow dom_id={props.dom_id.clone()} name={props.name.clone()} value={props.value.clone()}
                   kind={props.kind.clone()} lang={props.lang} {draft} {error} note={props.note.clone()}
                   {on_enter} />
    }
}

/// Turns a command builder's answer into [`OptionControlProps::submit`]'s: emits the command when there is
/// one and answers `None`, else answers the message.
pub fn emit_or_refuse(
    built: Result<kafka_sim::session::Command, String>,
    on_command: &Callback<kafka_sim::session::Command>,
) -> Option<String> {
    match built {
        Ok(command) => {
            on_command.emit(command);
            None
        }
        Err(message) => Some(message),
    }
}
