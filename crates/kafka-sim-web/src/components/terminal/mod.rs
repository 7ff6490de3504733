//! The Terminal tab: Kafka's command-line tools against the live simulation (the core's
//! [`kafka_sim::shell`], run by the session so time travel and permalinks reproduce the lines).
//!
//! The transcript is drawn with text nodes only (user text is never markup). The input line has the
//! shell's prompt, history on Up/Down, Tab completion ([`complete`]), Ctrl-D (ends the console
//! producer) and Ctrl-C (clears the line: every command completes at once, nothing runs on). A Copy
//! button copies the transcript as plain text.

pub mod complete;

use std::rc::Rc;

use kafka_sim::SimView;
use kafka_sim::session::TranscriptEntry;
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub use complete::{Completion, complete};

use crate::i18n::{Key, Lang, t};
use crate::state::SharedSession;
use crate::state::teach::TeachAction;

/// Properties of [`Terminal`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct TerminalProps {
    /// The page's language.
    pub lang: Lang,
    /// The lines given so far and their output (the session's transcript).
    pub entries: Rc<Vec<TranscriptEntry>>,
    /// The shell's prompt: `$ `, or `>` while the console producer reads records.
    pub prompt: AttrValue,
    /// The topic names, for completion.
    pub topics: Rc<Vec<String>>,
    /// A line typed, or Ctrl-D.
    pub on_input: Callback<TeachAction>,
}

/// The transcript as plain text, as the Copy button copies it.
pub fn plain_text(entries: &[TranscriptEntry]) -> String {
    let mut out = String::new();
    for e in entries {
        out.push_str(e.prompt);
        out.push_str(&e.input);
        out.push('\n');
        out.push_str(&e.output.stdout);
        out.push_str(&e.output.stderr);
    }
    out
}

/// Where Up and Down move in the history (`None`: the line being typed).
pub fn history_move(len: usize, at: Option<usize>, key: &str) -> Option<Option<usize>> {
    match (key, at) {
        ("ArrowUp", None) if len > 0 => Some(Some(len - 1)),
        ("ArrowUp", Some(i)) => Some(Some(i.saturating_sub(1))),
        ("ArrowDown", Some(i)) if i + 1 < len => Some(Some(i + 1)),
        ("ArrowDown", Some(_)) => Some(None),
        _ => None,
    }
}

/// The terminal: the transcript, the input line and a Copy button.
#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let lang = props.lang;
    let input = use_state(String::new);
    let history = use_mut_ref(Vec::<String>::new);
    let at = use_state(|| None::<usize>);
    let candidates = use_state(Vec::<String>::new);
    let copied = use_state(|| false);
    let node = use_node_ref();

    let oninput = {
        let input = input.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                input.set(el.value());
            }
        })
    };
    let onkeydown = {
        let (input, history, at, candidates) =
            (input.clone(), history.clone(), at.clone(), candidates.clone());
        let (on_input, topics) = (props.on_input.clone(), props.topics.clone());
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if e.ctrl_key() && (key == "d" || key == "D") {
                e.prevent_default();
                on_input.emit(TeachAction::EndOfInput);
                return;
            }
            if e.ctrl_key() && (key == "c" || key == "C") {
                // Every command completes at once: there is nothing to interrupt; clear the line.
                e.prevent_default();
                input.set(String::new());
                return;
            }
            match key.as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = (*input).clone();
                    if !line.trim().is_empty() {
                        let mut h = history.borrow_mut();
                        if h.last() != Some(&line) {
                            h.push(line.clone());
                        }
                    }
                    input.set(String::new());
                    at.set(None);
                    candidates.set(Vec::new());
                    on_input.emit(TeachAction::Line(line));
                }
                "Tab" => {
                    e.prevent_default();
                    let c = complete(&input, &topics);
                    input.set(c.line);
                    candidates.set(c.candidates);
                }
                "ArrowUp" | "ArrowDown" => {
                    let h = history.borrow();
                    if let Some(next) = history_move(h.len(), *at, &key) {
                        e.prevent_default();
                        input.set(next.and_then(|i| h.get(i).cloned()).unwrap_or_default());
                        at.set(next);
                    }
                }
                _ => {}
            }
        })
    };
    let on_copy = {
        let (entries, copied) = (props.entries.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let text = plain_text(&entries);
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                copied.set(crate::browser::copy_to_clipboard(text).await);
            });
        })
    };
    let focus = {
        let node = node.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = node.cast::<HtmlInputElement>() {
                let _ = el.focus();
            }
        })
    };
    // Keep the newest output in sight.
    let screen = use_node_ref();
    {
        let screen = screen.clone();
        use_effect_with(props.entries.len(), move |_| {
            if let Some(el) = screen.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let entries = props.entries.iter().map(|e| {
        html! {
            <div class="term-entry">
                <div class="term-line"><span class="term-prompt">{ e.prompt }</span>{ e.input.clone() }</div>
                if !e.output.stdout.is_empty() {
                    <div class="term-stdout">{ e.output.stdout.clone() }</div>
                }
                if !e.output.stderr.is_empty() {
                    <div class="term-stderr">{ e.output.stderr.clone() }</div>
                }
            </div>
        }
    });
    let listed = (!candidates.is_empty()).then(|| {
        html! { <div class="term-candidates">{ candidates.join("  ") }</div> }
    });
    html! {
        <div class="terminal">
            <div class="terminal-bar">
                <span class="terminal-hint">{ t(lang, Key::TerminalHint) }</span>
                <button type="button" class="button terminal-copy" onclick={on_copy}>
                    { t(lang, Key::CopyOutput) }
                </button>
                <span class="terminal-status" role="status">
                    { if *copied { t(lang, Key::OutputCopied) } else { "" } }
                </span>
            </div>
            <div class="terminal-screen" ref={screen} onclick={focus}>
                <div class="terminal-output" aria-live="polite">{ for entries }</div>
                { for listed }
                <div class="term-input-line">
                    <span class="term-prompt">{ props.prompt.clone() }</span>
                    <input
                        ref={node}
                        class="term-input"
                        type="text"
                        aria-label="Terminal"
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        value={(*input).clone()}
                        {oninput}
                        {onkeydown}
                    />
                </div>
            </div>
        </div>
    }
}

/// Properties of [`TerminalTab`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct TerminalTabProps {
    /// The page's language.
    pub lang: Lang,
    /// The simulation's view (topic names; a new view means the transcript may have changed).
    pub view: Rc<SimView>,
    /// The session (its transcript and prompt).
    pub session: SharedSession,
    /// Lines and Ctrl-D.
    pub on_input: Callback<TeachAction>,
}

/// [`Terminal`] fed from the session: the transcript is copied out only when it changed.
#[component]
pub fn TerminalTab(props: &TerminalTabProps) -> Html {
    let session = props.session.clone();
    let key = session.with(|s| {
        let tr = s.transcript();
        let last = tr.entries().last().map(|e| (e.input.clone(), e.output.clone()));
        (tr.total(), tr.dropped(), last, s.shell().prompt())
    });
    let prompt = AttrValue::Static(key.3);
    let entries = {
        let session = session.clone();
        use_memo((key, session.clone()), move |_| {
            Rc::new(session.with(|s| s.transcript().entries().cloned().collect::<Vec<_>>()))
        })
    };
    let mut names: Vec<String> = props.view.partitions.iter().map(|p| p.topic.clone()).collect();
    names.dedup();
    let topics = use_memo(names, |names| Rc::new(names.clone()));
    html! {
        <Terminal lang={props.lang} entries={(*entries).clone()} {prompt}
            topics={(*topics).clone()} on_input={props.on_input.clone()} />
    }
}
