//! The root: starts the session (from the URL, storage or the default scenario), owns the state, runs
//! the animation loop, and does the side effects: storage, the URL, `<html lang>`, the clipboard.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{AnimationFrame, request_animation_frame};
use yew::prelude::*;

use super::{AboutPanel, Header, NoticeBanner, Workspace};
use crate::browser;
use crate::i18n::Lang;
use crate::state::{Action, AppState, Notice};
use crate::storage::{self, Store};

/// How many published animation frames pass between saves of a playing session (one to two seconds:
/// on a slow page only every other frame publishes, see `state::pace`).
pub const SAVE_EVERY_FRAMES: u64 = 60;

/// Properties of [`App`]. The defaults are the browser's: its URL, `localStorage`, and the stored or
/// preferred language.
#[derive(Clone, Debug, Default, PartialEq, Properties)]
pub struct AppProps {
    /// The page URL to read a permalink from (`None`: `location.href`).
    #[prop_or_default]
    pub url: Option<AttrValue>,
    /// The language (`None`: the stored choice, else the browser's preference, else English).
    #[prop_or_default]
    pub lang: Option<Lang>,
    /// Where the last session and the language are kept (`None`: `localStorage`).
    #[prop_or_default]
    pub store: Option<Store>,
}

/// The whole page.
#[component]
pub fn App(props: &AppProps) -> Html {
    let store = use_memo((), {
        let store = props.store.clone();
        move |_| store.unwrap_or_else(Store::browser)
    });
    let state = {
        let (store, url, lang) = ((*store).clone(), props.url.clone(), props.lang);
        use_reducer(move || {
            let url = url.map_or_else(browser::current_url, |u| u.to_string());
            let startup = storage::start(&url, store.get());
            let lang = lang
                .or_else(|| storage::stored_lang(store.get()))
                .unwrap_or_else(|| Lang::negotiate(browser::browser_languages().iter().map(String::as_str)));
            AppState::new(startup.session)
                .with_lang(lang)
                .with_notice(startup.notice)
                .with_persist(startup.persist)
                .with_resume(startup.resume)
        })
    };
    let lang = state.lang();

    // The language: `<html lang>`, the title, and remembered.
    {
        let store = store.clone();
        use_effect_with(lang, move |&lang| {
            browser::set_document_lang(lang);
            storage::save_lang(store.get(), lang);
        });
    }

    // The session: kept in storage and in the URL after every change, and about once a second while
    // it plays. Not after a bad link until the user acts, so the stored session survives, nor while an
    // opened permalink's position is still being reached.
    {
        let (store, state) = (store.clone(), state.clone());
        let save = state.persist() && !state.resuming();
        let key = (state.revision(), state.frame() / SAVE_EVERY_FRAMES, save);
        use_effect_with(key, move |&(_, _, save)| {
            if save {
                let link = state.permalink();
                storage::save_session(store.get(), &link);
                let url = browser::current_url();
                if !url.is_empty() {
                    browser::replace_url(&storage::url_with_link(&url, &link));
                }
            }
        });
    }

    let on_frame = {
        let dispatch = state.dispatcher();
        Callback::from(move |wall_ms: f64| dispatch.dispatch(Action::Frame { wall_ms }))
    };
    use_frame_loop(state.running(), on_frame);

    let on_action = {
        let dispatch = state.dispatcher();
        Callback::from(move |a: Action| dispatch.dispatch(a))
    };
    let on_share = {
        let (dispatch, state) = (state.dispatcher(), state.clone());
        Callback::from(move |()| {
            let url = storage::url_with_link(&browser::current_url(), &state.permalink());
            browser::replace_url(&url);
            let dispatch = dispatch.clone();
            yew::platform::spawn_local(async move {
                let notice = if browser::copy_to_clipboard(url.clone()).await {
                    Notice::LinkCopied
                } else {
                    Notice::CopyFailed(url)
                };
                dispatch.dispatch(Action::Notify(notice));
            });
        })
    };

    let notice = state.notice().cloned().map(|notice| {
        let can_restore = matches!(notice, Notice::BadLink(_))
            && storage::stored_session(store.get()).is_some_and(|r| r.is_ok());
        let on_restore = {
            let (dispatch, store) = (state.dispatcher(), store.clone());
            Callback::from(move |()| {
                if let Some(Ok(link)) = storage::stored_session(store.get()) {
                    dispatch.dispatch(Action::Open(link));
                }
            })
        };
        let on_dismiss = {
            let dispatch = state.dispatcher();
            Callback::from(move |()| dispatch.dispatch(Action::DismissNotice))
        };
        html! { <NoticeBanner {lang} {notice} {can_restore} {on_restore} {on_dismiss} /> }
    });

    let on_command = {
        let dispatch = state.dispatcher();
        Callback::from(move |c: kafka_sim::session::Command| dispatch.dispatch(Action::Apply(c)))
    };
    let on_seek = {
        let dispatch = state.dispatcher();
        Callback::from(move |t: kafka_sim::SimTime| dispatch.dispatch(Action::Seek(t)))
    };
    let scenario: Option<AttrValue> = state.scenario_name().map(AttrValue::from);
    let view = state.view().clone();
    html! {
        <div class="app">
            <Header
                {lang}
                scenario={scenario.clone()}
                seed={state.seed()}
                now={state.now()}
                playing={state.playing()}
                speed={state.speed()}
                timeline_end={state.timeline_end()}
                seeking={state.chasing()}
                at_start={state.step_count() == 0}
                copied={state.notice() == Some(&Notice::LinkCopied)}
                {on_action}
                {on_share}
            />
            { for notice }
            <Workspace
                view={view.clone()}
                session={state.session().clone()}
                {lang}
                last_sent={state.last_sent()}
                {on_command}
                {on_seek}
                teach={state.teach().clone()}
                on_teach={{
                    let dispatch = state.dispatcher();
                    Callback::from(move |a| dispatch.dispatch(Action::Teach(a)))
                }}
            />
            <AboutPanel
                {lang}
                {scenario}
                seed={state.seed()}
                steps={state.step_count()}
                events={view.events_processed}
                actions={state.actions()}
                trace_hash={state.trace_hash()}
            />
        </div>
    }
}

/// While `running`, reports every animation frame to `on_frame` with the wall-clock milliseconds
/// since the previous one (0 for the first frame after a start, so a pause never counts as time).
///
/// The loop keeps itself going (each frame asks for the next) rather than waiting for a re-render:
/// frames that only run the simulation leave the state as it was, so nothing re-renders. Stopping is
/// a render with `running == false`: the effect's cleanup cancels the pending frame.
#[hook]
pub fn use_frame_loop(running: bool, on_frame: Callback<f64>) {
    let last = use_mut_ref(|| None::<f64>);
    use_effect_with(running, move |&running| {
        let frames = FrameLoop::default();
        if running {
            frames.next(last, on_frame);
        } else {
            *last.borrow_mut() = None;
        }
        move || frames.stop()
    });
}

/// The pending animation frame of a running [`use_frame_loop`], and the one that just fired (kept
/// one frame longer, so a callback never drops its own closure while it runs).
#[derive(Clone, Default)]
struct FrameLoop(Rc<RefCell<FrameSlots>>);

#[derive(Default)]
struct FrameSlots {
    pending: Option<AnimationFrame>,
    fired: Option<AnimationFrame>,
    stopped: bool,
}

impl FrameLoop {
    fn next(&self, last: Rc<RefCell<Option<f64>>>, on_frame: Callback<f64>) {
        let this = self.clone();
        let frame = request_animation_frame(move |timestamp| {
            let previous = last.borrow_mut().replace(timestamp);
            on_frame.emit(previous.map_or(0.0, |p| timestamp - p));
            if !this.0.borrow().stopped {
                this.next(last, on_frame);
            }
        });
        let mut slots = self.0.borrow_mut();
        slots.fired = slots.pending.replace(frame);
    }

    fn stop(&self) {
        let mut slots = self.0.borrow_mut();
        slots.stopped = true;
        slots.pending = None;
        slots.fired = None;
    }
}
