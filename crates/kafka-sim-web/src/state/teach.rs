//! The teaching layer's state: the lesson being played (a core [`LessonRun`] against the page's
//! session), terminal input, and opening an imported scenario. The reducer arm is
//! [`super::Action::Teach`]; the lessons themselves are `www/lessons/*.toml`, embedded.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use kafka_sim::lesson::{Lesson, LessonRun, StepStatus};
use kafka_sim::scenario::Scenario;
use kafka_sim::session::{Command, MAX_INLINE_SCENARIO_BYTES, ScenarioSource, Session};

use super::scenarios::{self, LESSON_SCENARIOS, SCENARIOS};
use super::{AppState, Notice};

macro_rules! lesson_files {
    ($($name:literal),* $(,)?) => {
        /// The lesson files built into the page (`www/lessons/NAME.toml`), in the picker's order.
        pub const LESSON_FILES: &[(&str, &str)] = &[$(
            (concat!($name, ".toml"), include_str!(concat!("../../../../www/lessons/", $name, ".toml"))),
        )*];
    };
}

lesson_files![
    "seed-walkthrough",
    "acks",
    "acks-zero",
    "linger",
    "retries",
    "serde",
    "max-poll",
    "heartbeat",
    "auto-commit",
    "group-id",
    "leader-failover",
    "unclean-election",
];

/// The scenario names lessons may start from: the picker's and the lesson-only ones.
pub fn scenario_names() -> Vec<&'static str> {
    SCENARIOS.iter().chain(LESSON_SCENARIOS).map(|s| s.name).collect()
}

/// Every built-in lesson, parsed (a file that does not parse is left out; the core's lesson test
/// checks them all).
pub fn lessons() -> Vec<Lesson> {
    let names = scenario_names();
    (LESSON_FILES.iter())
        .filter_map(|(file, text)| Lesson::parse(file, text, &names).ok())
        .collect()
}

/// The built-in lesson with this id.
pub fn lesson(id: &str) -> Option<Lesson> {
    let names = scenario_names();
    (LESSON_FILES.iter())
        .filter_map(|(file, text)| Lesson::parse(file, text, &names).ok())
        .find(|l| l.id == id)
}

/// Something the learner did in the terminal, the lessons panel or the import dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TeachAction {
    /// A line typed in the terminal (applied as [`Command::Shell`]).
    Line(String),
    /// Ctrl-D in the terminal ([`Command::EndOfInput`]).
    EndOfInput,
    /// Start the built-in lesson with this id: its scenario and seed replace the session.
    StartLesson(String),
    /// Go on to the next step (offered once the step's condition is reached).
    Continue,
    /// Go back one step.
    Back,
    /// Do the step's solution.
    ShowMe,
    /// Leave the lesson for the free sandbox, keeping the session.
    Leave,
    /// Start a session of an imported scenario (its TOML text).
    OpenInline(String),
}

/// The lesson being played, shared like the session (equal only to itself).
#[derive(Clone, Default)]
pub struct TeachState(Rc<RefCell<Option<LessonRun>>>);

impl PartialEq for TeachState {
    fn eq(&self, other: &TeachState) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for TeachState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0.borrow();
        f.debug_struct("TeachState")
            .field(
                "lesson",
                &b.as_ref().map(|r| (r.lesson().id.clone(), r.step_index())),
            )
            .finish()
    }
}

/// What the lessons panel shows of the lesson being played.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonProgress {
    /// The lesson.
    pub lesson: Rc<Lesson>,
    /// The current step, from 0.
    pub step: usize,
    /// Whether the step's condition was reached.
    pub status: StepStatus,
}

impl TeachState {
    /// Whether a lesson is being played.
    pub fn active(&self) -> bool {
        self.0.borrow().as_ref().is_some_and(LessonRun::is_active)
    }

    /// Checks the current step against `session` (cheap; call once per frame batch) and says where
    /// the lesson is; `None` outside a lesson.
    pub fn progress(&self, session: &mut Session) -> Option<LessonProgress> {
        let mut b = self.0.borrow_mut();
        let run = b.as_mut().filter(|r| r.is_active())?;
        let status = run.check(session);
        Some(LessonProgress {
            lesson: Rc::new(run.lesson().clone()),
            step: run.step_index(),
            status,
        })
    }

    /// The current step's index (`None` outside a lesson).
    pub fn step_index(&self) -> Option<usize> {
        self.0
            .borrow()
            .as_ref()
            .filter(|r| r.is_active())
            .map(LessonRun::step_index)
    }

    /// [`TeachState::progress`] against the page's session.
    pub fn progress_of(&self, session: &super::SharedSession) -> Option<LessonProgress> {
        session.with_mut(|s| self.progress(s))
    }

    fn with<R>(&self, f: impl FnOnce(&mut LessonRun) -> R) -> Option<R> {
        self.0.borrow_mut().as_mut().filter(|r| r.is_active()).map(f)
    }
}

/// Applies `action` to the state (called by the reducer).
pub(super) fn reduce(state: &AppState, action: TeachAction) -> AppState {
    let teach = state.teach.clone();
    let session = state.session.clone();
    match action {
        TeachAction::Line(line) => {
            let result = session.with_mut(|s| s.apply(Command::Shell { line: line.clone() }));
            if result.is_ok() {
                teach.with(|r| r.on_shell_line(&line));
            }
            applied(state, result.err().map(|e| e.to_string()))
        }
        TeachAction::EndOfInput => {
            if !session.with(|s| s.shell().in_progress()) {
                // Nothing reads the input: Ctrl-D does nothing (and is not logged).
                return (*state).clone();
            }
            let result = session.with_mut(|s| s.apply(Command::EndOfInput));
            teach.with(|r| r.on_shell_line("^D"));
            applied(state, result.err().map(|e| e.to_string()))
        }
        TeachAction::StartLesson(id) => start_lesson(state, &id),
        TeachAction::Continue => {
            let err = teach.with(|r| session.with_mut(|s| r.next(s)).err()).flatten();
            applied(state, err.map(|e| e.to_string()))
        }
        TeachAction::Back => {
            teach.with(|r| session.with_mut(|s| r.back(s)));
            applied(state, None)
        }
        TeachAction::ShowMe => {
            let err = teach.with(|r| session.with_mut(|s| show_me(r, s))).flatten();
            applied(state, err)
        }
        TeachAction::Leave => {
            teach.with(LessonRun::leave);
            AppState {
                teach: TeachState::default(),
                ..state.changed(false)
            }
        }
        TeachAction::OpenInline(toml) => open_inline(state, toml),
    }
}

fn applied(state: &AppState, refused: Option<String>) -> AppState {
    AppState {
        playing: false,
        chase: None,
        notice: refused.map(Notice::Refused).or_else(|| state.notice.clone()),
        ..state.changed(true)
    }
}

/// Does the current step's solution: its commands through the run, its shell lines through the
/// session's terminal. Returns the first refusal.
fn show_me(run: &mut LessonRun, session: &mut Session) -> Option<String> {
    let solution = run.step().solution.clone();
    for item in &solution {
        match run.apply_item(session, item) {
            Ok(Some(line)) => {
                let cmd = if line.trim() == "^D" && !session.shell().in_progress() {
                    continue;
                } else {
                    Command::Shell { line: line.clone() }
                };
                if let Err(e) = session.apply(cmd) {
                    return Some(e.to_string());
                }
                run.on_shell_line(&line);
            }
            Ok(None) => {}
            Err(e) => return Some(e),
        }
    }
    None
}

fn start_lesson(state: &AppState, id: &str) -> AppState {
    let Some(lesson) = lesson(id) else {
        return state.failed(format!("there is no lesson named \"{id}\""));
    };
    let Some(built_in) = scenarios::find(&lesson.scenario) else {
        return state.failed(format!("there is no scenario named \"{}\"", lesson.scenario));
    };
    let mut session = match lesson.session(built_in.toml) {
        Ok(s) => s,
        Err(e) => return state.failed(e.to_string()),
    };
    let mut run = LessonRun::new(lesson);
    if let Err(e) = run.start_step(&mut session) {
        return state.failed(e.to_string());
    }
    AppState {
        teach: TeachState(Rc::new(RefCell::new(Some(run)))),
        ..state.replaced(session)
    }
}

/// Why an imported scenario cannot be opened, or the session.
pub fn inline_session(toml: String) -> Result<Session, String> {
    if toml.len() > MAX_INLINE_SCENARIO_BYTES {
        return Err(format!(
            "the scenario is {} bytes; at most {MAX_INLINE_SCENARIO_BYTES} can be opened (and shared in a link)",
            toml.len()
        ));
    }
    let scenario = Scenario::from_toml_str(&toml).map_err(|e| e.to_string())?;
    let seed = scenario.seed;
    Session::new(ScenarioSource::Inline(toml), scenario, seed).map_err(|e| e.to_string())
}

fn open_inline(state: &AppState, toml: String) -> AppState {
    match inline_session(toml) {
        Ok(session) => state.replaced(session),
        Err(e) => state.failed(e),
    }
}
