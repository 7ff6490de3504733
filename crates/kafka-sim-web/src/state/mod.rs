//! The app state and the commands the UI sends to it.
//!
//! The state owns a [`Session`] (the simulation, its action log and its snapshots) and a [`SimView`]
//! taken after the last change; components draw only the view. Every user action goes through
//! [`AppState::reduce`], which calls the session (`run_until`, `step`, `step_back`, `seek`, `apply`):
//! the page holds no simulation logic. Side effects (storage, the URL, the clipboard) are the
//! components' business; the reducer is plain Rust and tested on the host.

pub mod budget;
pub mod pace;
pub mod scenarios;
pub mod teach;

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use kafka_sim::session::{Command, MAX_PERMALINK_TIME, Permalink, Position, Session};
use kafka_sim::{SimTime, SimView};
use yew::Reducible;

pub use budget::{FRAME_BUDGET_MS, MAX_FRAME_WALL_MS, advance_within_budget, sim_advance};

use crate::i18n::Lang;
use crate::speed::Speed;
use pace::{FramePlan, Pace};

/// A shared handle on the session. Two handles are equal only when they point at the same session.
#[derive(Clone)]
pub struct SharedSession(Rc<RefCell<Session>>);

impl SharedSession {
    /// Wraps a session. Its snapshots are deferred: the animation frames take them where the
    /// frame budget has room (see [`AppState`]'s frame loop).
    pub fn new(mut session: Session) -> SharedSession {
        session.set_snapshots_deferred(true);
        SharedSession(Rc::new(RefCell::new(session)))
    }
    /// A fresh view of the simulation.
    pub fn view(&self) -> SimView {
        self.0.borrow().sim().view()
    }
    /// The oracles' findings now (a full check: call it only while the Anomalies tab is open).
    pub fn anomalies(&self) -> kafka_sim::view::AnomaliesView {
        self.with_mut(|s| s.sim_mut().anomalies())
    }

    /// Reads the session.
    pub fn with<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        f(&self.0.borrow())
    }
    fn with_mut<R>(&self, f: impl FnOnce(&mut Session) -> R) -> R {
        f(&mut self.0.borrow_mut())
    }
}

impl PartialEq for SharedSession {
    fn eq(&self, other: &SharedSession) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for SharedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSession")
            .field("now", &self.0.borrow().now())
            .finish()
    }
}

/// A message shown under the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The URL's permalink could not be opened (the reason, in the core's words); the default scenario
    /// is shown and the stored session is kept.
    BadLink(String),
    /// A scenario or seed could not be loaded (the reason).
    LoadFailed(String),
    /// The permalink was copied to the clipboard.
    LinkCopied,
    /// The clipboard refused; the link is shown to copy by hand.
    CopyFailed(String),
    /// A command was refused (Kafka's validation message); nothing changed.
    Refused(String),
}

impl Notice {
    /// Whether the notice reports a problem (shown as an alert) rather than news (a status).
    pub fn is_problem(&self) -> bool {
        !matches!(self, Notice::LinkCopied)
    }
}

/// A command from the UI.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Start advancing the clock with the animation frames.
    Play,
    /// Stop advancing the clock.
    Pause,
    /// Change the playback speed.
    SetSpeed(Speed),
    /// One animation frame while playing or seeking: `wall_ms` of wall-clock time have passed since
    /// the last.
    Frame {
        /// Wall-clock milliseconds since the previous frame (0 for the first frame after Play).
        wall_ms: f64,
    },
    /// Pause and advance to the next event.
    Step,
    /// Pause and go back one event.
    StepBack,
    /// Go to a time: back at once (from the nearest snapshot), forward over the next frames.
    Seek(SimTime),
    /// A user action on the simulation (a fault, an option change, a record); acting after a rewind
    /// forks history.
    Apply(Command),
    /// Start the built-in scenario with this name, with its own seed.
    LoadScenario(String),
    /// Start the current scenario again with this seed.
    SetSeed(u64),
    /// Open the session a permalink describes (e.g. the stored session after a bad link).
    Open(Permalink),
    /// Switch the page's language.
    SetLang(Lang),
    /// Show a notice.
    Notify(Notice),
    /// Hide the notice.
    DismissNotice,
    /// The terminal, the lessons and the import dialog ([`teach::TeachAction`]).
    Teach(teach::TeachAction),
}

/// Everything the page shows and remembers.
#[derive(Clone, Debug)]
pub struct AppState {
    session: SharedSession,
    view: Rc<SimView>,
    playing: bool,
    speed: Speed,
    frame: u64,
    chase: Option<SimTime>,
    resume: Option<Position>,
    lang: Lang,
    notice: Option<Notice>,
    revision: u64,
    persist: bool,
    clock: fn() -> f64,
    /// The last record sent by hand (its result is read from the view as it arrives).
    last_sent: Option<kafka_sim::sim::runtime_api::SentRecord>,
    /// Which frames publish a view (shared by the states of one page: frames that only run the
    /// simulation return the same state, so they leave their mark here).
    pace: Rc<RefCell<Pace>>,
    /// The lesson being played, if any.
    teach: teach::TeachState,
}

impl AppState {
    /// The state for a session: paused, at real-time speed, in English.
    pub fn new(session: Session) -> AppState {
        let session = SharedSession::new(session);
        let view = Rc::new(session.view());
        AppState {
            session,
            view,
            playing: false,
            speed: Speed::default(),
            frame: 0,
            chase: None,
            resume: None,
            lang: Lang::default(),
            notice: None,
            revision: 0,
            persist: true,
            clock: wall_clock_ms,
            last_sent: None,
            pace: Rc::default(),
            teach: teach::TeachState::default(),
        }
    }

    /// The last record sent by hand through the producer panel, if any.
    pub fn last_sent(&self) -> Option<kafka_sim::sim::runtime_api::SentRecord> {
        self.last_sent
    }
    /// Replaces the wall clock used for the frame budget (tests use a fake one).
    pub fn with_clock(mut self, clock: fn() -> f64) -> AppState {
        self.clock = clock;
        self
    }
    /// Sets the language.
    pub fn with_lang(mut self, lang: Lang) -> AppState {
        self.lang = lang;
        self
    }
    /// Shows `notice` from the start.
    pub fn with_notice(mut self, notice: Option<Notice>) -> AppState {
        self.notice = notice;
        self
    }
    /// Leaves `position` (of a long permalink) to reach over the next frames, within the frame budget.
    pub fn with_resume(mut self, position: Option<Position>) -> AppState {
        self.resume = position;
        self.chase = position.map(|p| p.at);
        self
    }
    /// Whether the session may be saved (to storage and the URL) before the user acts: false after a
    /// bad link, so the stored session survives until the user does something.
    pub fn with_persist(mut self, persist: bool) -> AppState {
        self.persist = persist;
        self
    }

    /// The simulation's state after the last change.
    pub fn view(&self) -> &Rc<SimView> {
        &self.view
    }
    /// The lesson being played (empty in the free sandbox).
    pub fn teach(&self) -> &teach::TeachState {
        &self.teach
    }
    /// The session.
    pub fn session(&self) -> &SharedSession {
        &self.session
    }
    /// The simulated clock.
    pub fn now(&self) -> SimTime {
        self.view.now
    }
    /// Whether the clock is running.
    pub fn playing(&self) -> bool {
        self.playing
    }
    /// Where a forward seek is heading, while it runs over the next frames.
    pub fn chasing(&self) -> Option<SimTime> {
        self.chase
    }
    /// Whether an opened permalink's position is still being reached (nothing is saved meanwhile).
    pub fn resuming(&self) -> bool {
        self.resume.is_some()
    }
    /// Whether the animation loop should run (playing, or a forward seek under way).
    pub fn running(&self) -> bool {
        self.playing || self.chase.is_some()
    }
    /// The playback speed.
    pub fn speed(&self) -> Speed {
        self.speed
    }
    /// Counts animation frames that published a view (frames that only ran the simulation are not
    /// counted: they leave the state as it was, so nothing re-renders).
    pub fn frame(&self) -> u64 {
        self.frame
    }
    /// The page's language.
    pub fn lang(&self) -> Lang {
        self.lang
    }
    /// The notice shown, if any.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }
    /// Counts changes worth saving (everything but animation frames).
    pub fn revision(&self) -> u64 {
        self.revision
    }
    /// Whether the session is saved to storage and the URL (see [`AppState::with_persist`]).
    pub fn persist(&self) -> bool {
        self.persist
    }
    /// The permalink of the session as it is now.
    pub fn permalink(&self) -> Permalink {
        self.session.with(Session::permalink)
    }
    /// The trace hash of the run so far.
    pub fn trace_hash(&self) -> u64 {
        self.session.with(Session::trace_hash)
    }
    /// The seed.
    pub fn seed(&self) -> u64 {
        self.session.with(Session::seed)
    }
    /// The built-in scenario's name (`None` for an inline scenario).
    pub fn scenario_name(&self) -> Option<String> {
        self.session
            .with(|s| scenarios::name_of(s.source()).map(str::to_string))
    }
    /// Units of work done (events and scenario steps): the step counter of the run's position.
    pub fn step_count(&self) -> u64 {
        self.session.with(|s| s.position().step)
    }
    /// How many user actions the log holds.
    pub fn actions(&self) -> usize {
        self.session.with(|s| s.log().len())
    }
    /// The end of the timeline: the scenario's duration, or the clock when it ran past it.
    pub fn timeline_end(&self) -> SimTime {
        let duration = self.session.with(|s| s.scenario().duration);
        duration.max(self.now()).min(MAX_PERMALINK_TIME)
    }

    fn changed(&self, session_changed: bool) -> AppState {
        let mut next = self.clone();
        if session_changed || self.pace.borrow().stale() {
            next.view = Rc::new(self.session.view());
            self.pace.borrow_mut().refreshed();
        }
        next.revision = self.revision.wrapping_add(1);
        next.persist = true;
        if next.notice == Some(Notice::LinkCopied) {
            next.notice = None;
        }
        next
    }

    fn replaced(&self, session: Session) -> AppState {
        let session = SharedSession::new(session);
        self.pace.borrow_mut().refreshed();
        AppState {
            view: Rc::new(session.view()),
            session,
            playing: false,
            chase: None,
            resume: None,
            notice: None,
            teach: teach::TeachState::default(),
            ..self.changed(false)
        }
    }

    /// Runs one animation frame; `None` when the frame only ran the simulation and published
    /// nothing (the state stays as it was, so the page does not re-render).
    fn frame_advance(&self, wall_ms: f64) -> Option<AppState> {
        let plan = self.pace.borrow_mut().plan(wall_ms, FRAME_BUDGET_MS);
        let budget_ms = match plan {
            FramePlan::SimulateOnly => FRAME_BUDGET_MS,
            FramePlan::Publish { budget_ms } => budget_ms,
        };
        // A due snapshot (a clone of the whole simulation) is taken at the start of a frame with the
        // full budget, and counted against it; a frame that also renders on a slow page leaves it to
        // the next one.
        let clock = self.clock;
        let start = clock();
        if budget_ms >= FRAME_BUDGET_MS {
            self.session.with_mut(|s| {
                if s.snapshot_due() {
                    s.take_due_snapshot();
                }
            });
        }
        let budget_ms = (budget_ms - (clock() - start)).max(0.0);
        // The session's clock, not the published view's: a frame that only simulated moved it.
        let now = self.session.with(Session::now);
        let target = self
            .chase
            .unwrap_or_else(|| now + sim_advance(wall_ms, self.speed))
            .min(MAX_PERMALINK_TIME);
        let reached = self
            .session
            .with_mut(|s| advance_within_budget(s, target, budget_ms, &mut || clock()));
        let ends = (reached && self.chase.is_some())
            || (self.playing && self.session.with(Session::now) >= MAX_PERMALINK_TIME);
        if plan == FramePlan::SimulateOnly && !ends {
            return None;
        }
        self.pace.borrow_mut().published(true);
        let mut next = self.clone();
        next.view = Rc::new(self.session.view());
        next.frame = self.frame.wrapping_add(1);
        if reached {
            next.chase = None;
            if let Some(pos) = self.resume {
                self.session.with_mut(|s| s.seek_position(pos));
                next.view = Rc::new(self.session.view());
                next.resume = None;
                next.revision = self.revision.wrapping_add(1);
            }
        }
        if self.playing && next.now() >= MAX_PERMALINK_TIME {
            next.playing = false;
            next.revision = self.revision.wrapping_add(1);
        }
        Some(next)
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // Acting on the run first finishes reaching an opened permalink's position, so the action lands
        // where the user sees it and the link's later actions are not dropped by a fork.
        let settles = matches!(
            action,
            Action::Step | Action::StepBack | Action::Seek(_) | Action::Apply(_) | Action::Teach(_)
        );
        // Anything but a frame first brings the view up to the session (frames that only ran the
        // simulation left it behind), so the action and what the page shows start from the same clock.
        let this = if !matches!(action, Action::Frame { .. }) && self.pace.borrow().stale() {
            Rc::new(AppState {
                revision: self.revision,
                persist: self.persist,
                notice: self.notice.clone(),
                ..self.changed(true)
            })
        } else {
            self
        };
        let this = match this.resume {
            Some(pos) if settles => {
                this.session.with_mut(|s| s.seek_position(pos));
                Rc::new(AppState {
                    resume: None,
                    chase: None,
                    ..this.changed(true)
                })
            }
            _ => this,
        };
        this.reduce_settled(action)
    }
}

impl AppState {
    fn reduce_settled(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = match action {
            Action::Play if !self.playing => AppState {
                playing: true,
                ..self.changed(false)
            },
            Action::Pause if self.playing => AppState {
                playing: false,
                ..self.changed(false)
            },
            Action::SetSpeed(speed) if speed != self.speed => AppState {
                speed,
                ..(*self).clone()
            },
            Action::Frame { wall_ms } if self.running() => match self.frame_advance(wall_ms) {
                Some(next) => next,
                None => return self,
            },
            Action::Step => {
                self.session.with_mut(Session::step);
                AppState {
                    playing: false,
                    chase: None,
                    ..self.changed(true)
                }
            }
            Action::StepBack => {
                self.session.with_mut(Session::step_back);
                AppState {
                    playing: false,
                    chase: None,
                    ..self.changed(true)
                }
            }
            Action::Seek(t) => {
                let t = t.min(MAX_PERMALINK_TIME);
                let chase = if t < self.now() {
                    self.session.with_mut(|s| s.seek(t));
                    None
                } else {
                    (t > self.now()).then_some(t)
                };
                AppState {
                    chase,
                    ..self.changed(true)
                }
            }
            Action::Apply(command) => {
                let result = self.session.with_mut(|s| s.apply(command));
                let sent = result.as_ref().ok().and_then(|a| a.sent);
                AppState {
                    last_sent: sent.or(self.last_sent),
                    notice: result.err().map(|e| Notice::Refused(e.to_string())),
                    ..self.changed(true)
                }
            }
            Action::LoadScenario(name) => match scenarios::session_for(&name, None) {
                Ok(session) => self.replaced(session),
                Err(e) => self.failed(e.to_string()),
            },
            Action::SetSeed(seed) if seed != self.seed() => {
                match self.session.with(|s| scenarios::reseeded(s, seed)) {
                    Ok(session) => self.replaced(session),
                    Err(e) => self.failed(e.to_string()),
                }
            }
            Action::Open(link) => match scenarios::open_permalink(&link) {
                Ok((session, resume)) => self.replaced(session).with_resume(resume),
                Err(e) => self.failed(e.to_string()),
            },
            Action::SetLang(lang) if lang != self.lang => AppState {
                lang,
                ..(*self).clone()
            },
            Action::Notify(notice) => AppState {
                notice: Some(notice),
                ..(*self).clone()
            },
            Action::DismissNotice if self.notice.is_some() => AppState {
                notice: None,
                ..(*self).clone()
            },
            Action::Teach(a) => teach::reduce(&self, a),
            _ => return self,
        };
        Rc::new(next)
    }
}

impl AppState {
    fn failed(&self, reason: String) -> AppState {
        AppState {
            notice: Some(Notice::LoadFailed(reason)),
            ..(*self).clone()
        }
    }
}

/// Milliseconds from the page's performance clock; 0 where there is none (host tests).
fn wall_clock_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

#[cfg(test)]
mod tests;
