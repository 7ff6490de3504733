//! The notice under the header: a bad link, a refused command, a scenario that cannot load, or a link
//! to copy by hand. Problems are alerts with a ⚠ sign and words, never only a colour.

use yew::prelude::*;

use crate::i18n::{Key, Lang, msg, t};
use crate::state::Notice;

/// Properties of [`NoticeBanner`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct NoticeBannerProps {
    /// The page's language.
    pub lang: Lang,
    /// The notice.
    pub notice: Notice,
    /// Offer "Open my last session" (after a bad link, when a session is stored).
    #[prop_or_default]
    pub can_restore: bool,
    /// The user asked for the stored session.
    pub on_restore: Callback<()>,
    /// The user dismissed the notice.
    pub on_dismiss: Callback<()>,
}

/// The notice, with a Dismiss button. [`Notice::LinkCopied`] is shown by the Share button instead.
#[component]
pub fn NoticeBanner(props: &NoticeBannerProps) -> Html {
    let lang = props.lang;
    let (title, detail, link): (String, String, Option<String>) = match &props.notice {
        Notice::BadLink(reason) => (
            t(lang, Key::BadLink).to_string(),
            format!("{}. {}", sentence(reason), t(lang, Key::BadLinkFallback)),
            None,
        ),
        Notice::LoadFailed(reason) => (t(lang, Key::LoadFailed).to_string(), sentence(reason), None),
        Notice::Refused(message) => (
            t(lang, Key::InvalidValue).to_string(),
            msg::invalid_value(lang, message),
            None,
        ),
        Notice::CopyFailed(url) => (
            t(lang, Key::CopyThisLink).to_string(),
            String::new(),
            Some(url.clone()),
        ),
        Notice::LinkCopied => return html! {},
    };
    let restore = (props.can_restore && matches!(props.notice, Notice::BadLink(_))).then(|| {
        let onclick = props.on_restore.reform(|_: MouseEvent| ());
        html! { <button type="button" class="button restore" {onclick}>{ t(lang, Key::OpenLastSession) }</button> }
    });
    let link = link.map(|url| {
        html! {
            <input class="permalink" type="text" readonly=true aria-label={t(lang, Key::Permalink)} value={url} />
        }
    });
    let role = if props.notice.is_problem() {
        "alert"
    } else {
        "status"
    };
    let ondismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="notice" {role}>
            <span class="icon" aria-hidden="true">{ "⚠" }</span>
            <div class="notice-text">
                <strong>{ title }</strong>
                if !detail.is_empty() { <span class="notice-detail">{ detail }</span> }
                { for link }
            </div>
            { for restore }
            <button type="button" class="button quiet" onclick={ondismiss}>{ t(lang, Key::Dismiss) }</button>
        </div>
    }
}

/// The core's error text as a sentence: its first letter in capitals (`the permalink is damaged…` →
/// `The permalink is damaged…`).
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
