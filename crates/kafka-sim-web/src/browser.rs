//! The few things the page asks of the browser: its URL, `<html lang>`, the clipboard, and the panic
//! banner. Outside a browser (host tests) they do nothing.

use crate::i18n::Lang;
#[cfg(target_arch = "wasm32")]
use crate::i18n::{Key, t};

/// The page's URL (`location.href`); empty outside a browser.
pub fn current_url() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::new()
    }
}

/// Replaces the page's URL without a navigation or a history entry.
pub fn replace_url(url: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = url;
}

/// Sets `<html lang>` and the document's title for `lang`.
pub fn set_document_lang(lang: Lang) {
    #[cfg(target_arch = "wasm32")]
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Some(html) = doc.document_element() {
            let _ = html.set_attribute("lang", lang.as_str());
        }
        doc.set_title(t(lang, Key::AppTitle));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = lang;
}

/// The browser's preferred languages (`navigator.languages`), best first.
pub fn browser_languages() -> Vec<String> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .map(|w| w.navigator().languages())
            .map(|list| list.iter().filter_map(|v| v.as_string()).collect())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Vec::new()
    }
}

/// Writes `text` to the clipboard; resolves to whether it worked. (`navigator.clipboard` is behind
/// web-sys's unstable APIs, so it is called through `Reflect`.)
pub async fn copy_to_clipboard(text: String) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::{JsCast, JsValue};
        let Some(window) = web_sys::window() else {
            return false;
        };
        let call = || -> Option<js_sys::Promise> {
            let clipboard =
                js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("clipboard")).ok()?;
            let write = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText")).ok()?;
            let write: js_sys::Function = write.dyn_into().ok()?;
            write
                .call1(&clipboard, &JsValue::from_str(&text))
                .ok()?
                .dyn_into()
                .ok()
        };
        match call() {
            Some(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
            None => false,
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
        false
    }
}

/// The id of the static banner in `index.html` that a panic reveals.
pub const PANIC_BANNER_ID: &str = "panic-banner";

/// Installs a panic hook that logs the panic to the console and reveals the static banner in
/// `index.html` (outside the app's DOM, so it shows however broken the app is), in the page's language,
/// with a Reload button: the last session is in the URL and in storage, so the reload restores it.
pub fn install_panic_hook() {
    // Through Yew: a plain `std::panic::set_hook` would be replaced by Yew's default hook when the
    // app renders.
    #[cfg(target_arch = "wasm32")]
    yew::set_custom_panic_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("Kafka Playground: {info}").into());
        show_panic_banner();
    }));
}

/// Reveals the panic banner (what the panic hook does after logging).
pub fn show_panic_banner() {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let lang = doc
            .document_element()
            .and_then(|h| h.get_attribute("lang"))
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_default();
        let Some(banner) = doc.get_element_by_id(PANIC_BANNER_ID) else {
            return;
        };
        let _ = banner.set_attribute("lang", lang.as_str());
        for (selector, key) in [
            (".panic-title", Key::PanicTitle),
            (".panic-hint", Key::PanicHint),
            (".panic-reload", Key::Reload),
        ] {
            if let Ok(Some(el)) = banner.query_selector(selector) {
                el.set_text_content(Some(t(lang, key)));
            }
        }
        let _ = banner.remove_attribute("hidden");
    }
}

/// A test hook for the end-to-end suite (`window.wasmBindings.playground_test_panic()`): panics, so the
/// banner can be checked in a real browser.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn playground_test_panic() {
    panic!("test panic requested by the end-to-end suite");
}
