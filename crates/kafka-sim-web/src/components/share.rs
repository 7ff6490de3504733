//! Share: copies the permalink URL to the clipboard and says so.

use yew::prelude::*;

use crate::i18n::{Key, Lang, t};

/// Properties of [`ShareButton`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct ShareButtonProps {
    /// The page's language.
    pub lang: Lang,
    /// Whether the link was just copied.
    pub copied: bool,
    /// The user pressed Share.
    pub on_share: Callback<()>,
}

/// A button named "Share", and a live status beside it that says "Link copied".
#[component]
pub fn ShareButton(props: &ShareButtonProps) -> Html {
    let onclick = props.on_share.reform(|_: MouseEvent| ());
    html! {
        <div class="share">
            <button type="button" class="button share-button" {onclick}>
                <span class="icon" aria-hidden="true">{ "↗" }</span>
                <span>{ t(props.lang, Key::Share) }</span>
            </button>
            <span class="share-status" role="status">
                { if props.copied { t(props.lang, Key::LinkCopied) } else { "" } }
            </span>
        </div>
    }
}
