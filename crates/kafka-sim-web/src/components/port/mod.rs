//! Import and export of real configuration files (the core's [`kafka_sim::port`]).
//!
//! Import: paste or upload a docker-compose.yml, an application.yml/.properties, or a
//! producer/consumer.properties; the result lists the brokers, what was ignored (with the reason)
//! and Kafka's messages for invalid values; Open starts a session of the imported scenario.
//! Export: the current scenario (with the session's option changes) as compose, KRaft compose,
//! producer.properties, consumer.properties or a Spring application.yml, read-only, with Copy and
//! Download. Every text is shown as text, never markup.

use std::rc::Rc;

use kafka_sim::port::{ExportFormat, ExportOptions, Imported, export, import_str};
use kafka_sim::session::MAX_INLINE_SCENARIO_BYTES;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::{Key, Lang, t};
use crate::state::SharedSession;
use crate::state::teach::TeachAction;

/// The export formats, with their file names, in the picker's order.
pub const EXPORTS: [(ExportFormat, &str); 5] = [
    (ExportFormat::Compose, "docker-compose.yml"),
    (ExportFormat::Kraft, "docker-compose.kraft.yml"),
    (ExportFormat::ProducerProperties, "producer.properties"),
    (ExportFormat::ConsumerProperties, "consumer.properties"),
    (ExportFormat::Spring, "application.yml"),
];

/// What an import gave: the scenario and its lists, or the refusal (Kafka's message).
#[derive(Clone, Debug, PartialEq)]
pub enum ImportResult {
    /// Imported.
    Ok(Rc<Imported>),
    /// Refused, with the reason.
    Err(String),
}

/// Imports one pasted or uploaded file (`name` helps detect its format).
pub fn run_import(name: &str, text: &str) -> ImportResult {
    let name = if name.trim().is_empty() { "pasted" } else { name };
    match import_str(name, text) {
        Ok(i) => ImportResult::Ok(Rc::new(i)),
        Err(e) => ImportResult::Err(e.to_string()),
    }
}

/// Properties of [`ImportResultView`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct ImportResultViewProps {
    /// The page's language.
    pub lang: Lang,
    /// The result.
    pub result: ImportResult,
    /// Open pressed: start a session of this TOML.
    pub on_open: Callback<String>,
}

/// The result of an import: brokers and clients, ignored keys with reasons, notes, or the error.
#[component]
pub fn ImportResultView(props: &ImportResultViewProps) -> Html {
    let lang = props.lang;
    let i = match &props.result {
        ImportResult::Err(e) => {
            return html! { <p class="port-error" role="alert">{ e.clone() }</p> };
        }
        ImportResult::Ok(i) => i.clone(),
    };
    let s = &i.scenario;
    let too_big = i.toml.len() > MAX_INLINE_SCENARIO_BYTES;
    let ignored = i.ignored.iter().map(|g| {
        html! { <li><code>{ format!("{}: {}", g.file, g.key) }</code>{ " — " }{ g.reason.clone() }</li> }
    });
    let notes = i.notes.iter().map(|n| html! { <li>{ n.clone() }</li> });
    let onclick = {
        let (toml, on_open) = (i.toml.clone(), props.on_open.clone());
        Callback::from(move |_: MouseEvent| on_open.emit(toml.clone()))
    };
    html! {
        <div class="port-result">
            <p class="port-summary" role="status">
                { crate::i18n::msg::imported(lang, s.cluster.brokers, s.producers.len(), s.consumer_groups.len()) }
            </p>
            <h4>{ t(lang, Key::ImportIgnored) }</h4>
            if i.ignored.is_empty() {
                <p>{ t(lang, Key::NothingIgnored) }</p>
            } else {
                <ul class="port-ignored">{ for ignored }</ul>
            }
            if !i.notes.is_empty() {
                <h4>{ t(lang, Key::ImportNotes) }</h4>
                <ul class="port-notes">{ for notes }</ul>
            }
            if too_big {
                <p class="port-error" role="alert">{ t(lang, Key::ImportTooLarge) }</p>
            }
            <button type="button" class="button port-open" disabled={too_big} {onclick}>{ t(lang, Key::OpenImported) }</button>
        </div>
    }
}

/// Properties of [`PortPanel`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct PortPanelProps {
    /// The page's language.
    pub lang: Lang,
    /// The session (its current scenario, for export).
    pub session: SharedSession,
    /// Open an imported scenario.
    pub on_action: Callback<TeachAction>,
}

/// The import and export panel.
#[component]
pub fn PortPanel(props: &PortPanelProps) -> Html {
    let lang = props.lang;
    let text = use_state(String::new);
    let name = use_state(String::new);
    let result = use_state(|| None::<ImportResult>);
    let format = use_state(|| 0usize);
    let exported = use_state(|| None::<Result<String, String>>);
    let copied = use_state(|| false);

    let on_text = {
        let (text, name) = (text.clone(), name.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlTextAreaElement>() {
                text.set(el.value());
                name.set(String::new());
            }
        })
    };
    let on_file = {
        let (text, name, result) = (text.clone(), name.clone(), result.clone());
        Callback::from(move |e: Event| {
            let Some(el) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = el.files().and_then(|f| f.get(0)) else {
                return;
            };
            let file = gloo::file::File::from(file);
            let (text, name, result) = (text.clone(), name.clone(), result.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let file_name = file.name();
                if file.size() > kafka_sim::port::MAX_IMPORT_BYTES as u64 {
                    result.set(Some(ImportResult::Err(format!(
                        "{file_name}: the file is {} bytes; the limit is {} bytes (1 MiB)",
                        file.size(),
                        kafka_sim::port::MAX_IMPORT_BYTES
                    ))));
                    return;
                }
                match gloo::file::futures::read_as_text(&file).await {
                    Ok(body) => {
                        result.set(Some(run_import(&file_name, &body)));
                        text.set(body);
                        name.set(file_name);
                    }
                    Err(e) => result.set(Some(ImportResult::Err(format!("{file_name}: {e}")))),
                }
            });
        })
    };
    let on_import = {
        let (text, name, result) = (text.clone(), name.clone(), result.clone());
        Callback::from(move |_: MouseEvent| result.set(Some(run_import(&name, &text))))
    };
    let on_open = props.on_action.reform(TeachAction::OpenInline);

    let on_format = {
        let (format, exported) = (format.clone(), exported.clone());
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<HtmlSelectElement>() {
                format.set(el.value().parse().unwrap_or(0));
                exported.set(None);
            }
        })
    };
    let on_export = {
        let (format, exported, copied, session) = (
            format.clone(),
            exported.clone(),
            copied.clone(),
            props.session.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let scenario = session.with(|s| s.current_scenario());
            let (f, _) = EXPORTS[(*format).min(EXPORTS.len() - 1)];
            exported.set(Some(
                export(&scenario, f, &ExportOptions::default()).map(|e| e.text),
            ));
            copied.set(false);
        })
    };
    let (_, file_name) = EXPORTS[(*format).min(EXPORTS.len() - 1)];
    let export_view = match (*exported).clone() {
        None => html! {},
        Some(Err(e)) => html! { <p class="port-error" role="alert">{ e }</p> },
        Some(Ok(body)) => {
            let on_copy = {
                let (body, copied) = (body.clone(), copied.clone());
                Callback::from(move |_: MouseEvent| {
                    let (body, copied) = (body.clone(), copied.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        copied.set(crate::browser::copy_to_clipboard(body).await);
                    });
                })
            };
            let href = format!("data:text/plain;charset=utf-8,{}", encode_uri(&body));
            html! {
                <div class="port-export-result">
                    <textarea class="port-export-text" readonly=true aria-label={file_name}
                        rows="16" value={body} />
                    <div class="port-buttons">
                        <button type="button" class="button" onclick={on_copy}>{ t(lang, Key::CopyText) }</button>
                        <a class="button" {href} download={file_name}>{ t(lang, Key::Download) }</a>
                        <span role="status">{ if *copied { t(lang, Key::OutputCopied) } else { "" } }</span>
                    </div>
                </div>
            }
        }
    };
    let options = EXPORTS.iter().enumerate().map(|(i, (_, n))| {
        html! { <option value={i.to_string()} selected={*format == i}>{ *n }</option> }
    });
    html! {
        <section class="panel port" aria-label={t(lang, Key::ImportExport)}>
            <div class="port-import">
                <h3>{ t(lang, Key::Import) }</h3>
                <p class="port-hint">{ t(lang, Key::ImportHint) }</p>
                <textarea class="port-paste" aria-label={t(lang, Key::PasteConfig)} rows="8"
                    value={(*text).clone()} oninput={on_text} />
                <div class="port-buttons">
                    <label class="port-upload">
                        <span>{ t(lang, Key::UploadFile) }</span>
                        <input type="file" aria-label={t(lang, Key::UploadFile)}
                            accept=".yml,.yaml,.properties,.txt" onchange={on_file} />
                    </label>
                    <button type="button" class="button port-import-button" onclick={on_import}>{ t(lang, Key::Import) }</button>
                </div>
                if let Some(r) = (*result).clone() {
                    <ImportResultView {lang} result={r} {on_open} />
                }
            </div>
            <div class="port-export">
                <h3>{ t(lang, Key::Export) }</h3>
                <label>
                    <span>{ t(lang, Key::ExportAs) }</span>
                    <select aria-label={t(lang, Key::ExportAs)} onchange={on_format}>{ for options }</select>
                </label>
                <button type="button" class="button port-export-button" onclick={on_export}>{ t(lang, Key::Export) }</button>
                { export_view }
            </div>
        </section>
    }
}

/// Percent-encodes `text` for a `data:` URL (everything but unreserved characters).
pub fn encode_uri(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
