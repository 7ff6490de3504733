//! The lessons panel: a picker of the built-in lessons (`www/lessons/*.toml`), then the current
//! step's text, task and what to notice in the page's language, whether the step's condition was
//! reached, and Continue (only then), Back, Show me and Leave. Texts are plain text nodes.

use std::rc::Rc;

use kafka_sim::lesson::{Lesson, StepStatus};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{Key, Lang, t};
use crate::state::SharedSession;
use crate::state::teach::{LessonProgress, TeachAction, TeachState, lessons};

/// Properties of [`LessonsPanel`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct LessonsPanelProps {
    /// The page's language.
    pub lang: Lang,
    /// The lesson being played (`None`: the free sandbox, the picker shows).
    pub progress: Option<LessonProgress>,
    /// What the learner chose.
    pub on_action: Callback<TeachAction>,
}

fn code(lang: Lang) -> &'static str {
    if lang == Lang::Ko { "ko" } else { "en" }
}

/// The lesson picker, or the current step of the lesson being played.
#[component]
pub fn LessonsPanel(props: &LessonsPanelProps) -> Html {
    let lang = props.lang;
    let all = use_memo((), |_| Rc::new(lessons()));
    let chosen = use_state(|| all.first().map(|l| l.id.clone()).unwrap_or_default());
    let on_action = props.on_action.clone();
    let Some(p) = props.progress.clone() else {
        let onchange = {
            let chosen = chosen.clone();
            Callback::from(move |e: Event| {
                if let Some(el) = e.target_dyn_into::<HtmlSelectElement>() {
                    chosen.set(el.value());
                }
            })
        };
        let start = {
            let chosen = chosen.clone();
            on_action.reform(move |_: MouseEvent| TeachAction::StartLesson((*chosen).clone()))
        };
        let options = all.iter().map(|l: &Lesson| {
            html! {
                <option value={l.id.clone()} selected={*chosen == l.id}>{ l.title.get(code(lang)).to_string() }</option>
            }
        });
        let summary = (all.iter().find(|l| l.id == *chosen))
            .and_then(|l| l.summary.as_ref())
            .map(|s| html! { <p class="lesson-summary">{ s.get(code(lang)).to_string() }</p> });
        return html! {
            <section class="panel lessons" aria-label={t(lang, Key::Lessons)}>
                <h2 class="panel-title">{ t(lang, Key::Lessons) }</h2>
                <label class="lesson-pick">
                    <span>{ t(lang, Key::ChooseLesson) }</span>
                    <select aria-label={t(lang, Key::ChooseLesson)} {onchange}>{ for options }</select>
                </label>
                { for summary }
                <button type="button" class="button lesson-start" onclick={start}>{ t(lang, Key::StartLesson) }</button>
            </section>
        };
    };
    let lesson = &p.lesson;
    let Some(step) = lesson.steps.get(p.step) else {
        return html! {};
    };
    let lc = code(lang);
    let done = p.status == StepStatus::Done;
    let last = p.step + 1 == lesson.steps.len();
    let act = |a: TeachAction| on_action.reform(move |_: MouseEvent| a.clone());
    html! {
        <section class="panel lessons lesson-active" aria-label={t(lang, Key::Lessons)}>
            <h2 class="panel-title">{ lesson.title.get(lc).to_string() }</h2>
            <p class="lesson-count">{ crate::i18n::msg::lesson_step(lang, p.step + 1, lesson.steps.len()) }</p>
            <p class="lesson-text">{ step.text.get(lc).to_string() }</p>
            <p class="lesson-task"><strong>{ t(lang, Key::LessonTask) }</strong>{ " " }{ step.task.get(lc).to_string() }</p>
            <p class={classes!("lesson-status", if done { "lesson-done" } else { "lesson-waiting" })} role="status">
                <span aria-hidden="true">{ if done { "✓ " } else { "… " } }</span>
                { if done { t(lang, Key::StepDone) } else { t(lang, Key::StepWaiting) } }
            </p>
            if done {
                <p class="lesson-notice"><strong>{ t(lang, Key::LessonNotice) }</strong>{ " " }{ step.notice.get(lc).to_string() }</p>
            }
            <div class="lesson-buttons">
                <button type="button" class="button" onclick={act(TeachAction::Back)}>{ t(lang, Key::LessonBack) }</button>
                <button type="button" class="button" onclick={act(TeachAction::ShowMe)} disabled={done}>{ t(lang, Key::ShowMe) }</button>
                if !last {
                    <button type="button" class="button lesson-continue" onclick={act(TeachAction::Continue)} disabled={!done}>
                        { t(lang, Key::LessonContinue) }
                    </button>
                } else if done {
                    <span class="lesson-finished">{ t(lang, Key::LessonFinished) }</span>
                }
                <button type="button" class="button" onclick={act(TeachAction::Leave)}>{ t(lang, Key::LeaveLesson) }</button>
            </div>
        </section>
    }
}

/// Properties of [`LessonsMount`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct LessonsMountProps {
    /// The page's language.
    pub lang: Lang,
    /// The lesson being played.
    pub teach: TeachState,
    /// The session the lesson checks.
    pub session: SharedSession,
    /// The simulated clock and event count now: the step is checked once per change of these
    /// (once per animation frame batch at most).
    pub at: (kafka_sim::SimTime, u64),
    /// What the learner chose.
    pub on_action: Callback<TeachAction>,
}

/// [`LessonsPanel`] with the current step checked against the session when the run moved.
#[component]
pub fn LessonsMount(props: &LessonsMountProps) -> Html {
    let (teach, session) = (props.teach.clone(), props.session.clone());
    let actions = session.with(|s| (s.applied(), s.log().len(), s.transcript().total()));
    let key = (props.at, actions, teach.step_index(), teach.clone());
    let progress = use_memo(key, move |_| teach.progress_of(&session));
    html! {
        <LessonsPanel lang={props.lang} progress={(*progress).clone()} on_action={props.on_action.clone()} />
    }
}
