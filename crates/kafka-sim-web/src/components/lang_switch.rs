//! The language switch: English / 한국어, as two toggle buttons in a group named "Language".

use yew::prelude::*;

use crate::i18n::{Key, Lang, t};

/// Properties of [`LangSwitch`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct LangSwitchProps {
    /// The page's language.
    pub lang: Lang,
    /// The user picked a language.
    pub on_change: Callback<Lang>,
}

/// One button per language, named in that language; the chosen one is pressed (`aria-pressed` and a
/// check mark, not only a colour).
#[component]
pub fn LangSwitch(props: &LangSwitchProps) -> Html {
    let buttons = Lang::ALL.iter().map(|&lang| {
        let pressed = lang == props.lang;
        let onclick = props.on_change.reform(move |_: MouseEvent| lang);
        html! {
            <button type="button" class={classes!("lang", pressed.then_some("lang-on"))}
                    lang={lang.as_str()} aria-pressed={pressed.to_string()} {onclick}>
                <span class="icon" aria-hidden="true">{ if pressed { "✓" } else { "" } }</span>
                { lang.native_name() }
            </button>
        }
    });
    html! {
        <div class="lang-switch" role="group" aria-label={t(props.lang, Key::Language)}>
            { for buttons }
        </div>
    }
}
