//! [`LessonRun`]: a lesson being played against a session.

use super::action::{Action, resolve, with_broker};
use super::eval::{Eval, Resolution, normalize_line, resolution};
use super::{Lesson, LessonError, Step};
use crate::session::{Applied, Command, CommandError, Position, Session};
use crate::view::SimView;

/// The most typed lines a step remembers.
const MAX_SHELL_LINES: usize = 1_000;

/// Whether the current step's condition holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    /// Not yet: no Continue.
    Pending,
    /// It happened: offer Continue.
    Done,
}

/// Where a step started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StepStart {
    /// The session's position before the setup was applied.
    position: Position,
    /// The first event of the step (after the setup).
    event_seq: u64,
    /// The action-log index of the first action after the setup.
    action_index: usize,
}

/// A lesson being played: the current step, where each step started, and what its checks saw.
///
/// Deterministic and sans-IO: everything it knows comes from the [`Session`] and the lines
/// passed to [`LessonRun::on_shell_line`].
#[derive(Clone, Debug)]
pub struct LessonRun {
    lesson: Lesson,
    step: usize,
    starts: Vec<StepStart>,
    eval: Eval,
    shell: Vec<String>,
    resolved: Vec<(usize, Resolution)>,
    active: bool,
    last_checked: Option<Position>,
    done: bool,
}

impl LessonRun {
    /// A run of `lesson` at its first step, not started yet (call [`LessonRun::start_step`]).
    pub fn new(lesson: Lesson) -> LessonRun {
        LessonRun {
            lesson,
            step: 0,
            starts: Vec::new(),
            eval: Eval::default(),
            shell: Vec::new(),
            resolved: Vec::new(),
            active: true,
            last_checked: None,
            done: false,
        }
    }

    /// The lesson.
    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// The current step's index, from 0.
    pub fn step_index(&self) -> usize {
        self.step
    }

    /// The current step.
    pub fn step(&self) -> &Step {
        // `step` is always a valid index: `Lesson::parse` refuses a lesson without steps.
        &self.lesson.steps[self.step.min(self.lesson.steps.len() - 1)]
    }

    /// True at the last step.
    pub fn is_last(&self) -> bool {
        self.step + 1 >= self.lesson.steps.len()
    }

    /// False once the learner left for the free sandbox.
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Where the current step started (`None` before [`LessonRun::start_step`]).
    pub fn step_start(&self) -> Option<Position> {
        self.starts.get(self.step).map(|s| s.position)
    }

    /// Starts the current step now: records where, and applies its setup through the session (so
    /// it is in the action log, replayed by time travel and permalinks).
    pub fn start_step(&mut self, session: &mut Session) -> Result<(), LessonError> {
        let position = session.position();
        let step = self.step;
        let setup = self.step().setup.clone();
        for (i, item) in setup.iter().enumerate() {
            self.apply_item(session, item).map_err(|message| LessonError {
                file: self.lesson.file.clone(),
                step: Some(step + 1),
                key: format!("setup[{i}]"),
                message,
            })?;
        }
        let start = StepStart {
            position,
            event_seq: session.sim().event_log_bounds().end,
            action_index: session.applied(),
        };
        self.starts.truncate(step);
        self.starts.push(start);
        self.reset();
        Ok(())
    }

    fn reset(&mut self) {
        let leaves = self.step().condition.leaves().len();
        let (seq, index) = (self.starts.get(self.step)).map_or((0, 0), |s| (s.event_seq, s.action_index));
        self.eval = Eval::new(leaves, seq, index);
        self.shell.clear();
        self.resolved.clear();
        self.last_checked = None;
        self.done = false;
    }

    /// Checks the current step's condition. Once Done, a step stays Done (until the session goes
    /// back before the check).
    pub fn check(&mut self, session: &mut Session) -> StepStatus {
        let Some(start) = self.starts.get(self.step).copied() else {
            return StepStatus::Pending;
        };
        if !self.active {
            return StepStatus::Pending;
        }
        let now = session.position();
        if self.last_checked.is_some_and(|p| now < p) {
            // The session travelled back: read again from the step's start.
            let shell = std::mem::take(&mut self.shell);
            let resolved = std::mem::take(&mut self.resolved);
            self.reset();
            self.shell = shell;
            self.resolved = resolved;
        }
        self.last_checked = Some(now);
        if now < start.position {
            return StepStatus::Pending;
        }
        if self.done {
            return StepStatus::Done;
        }
        let condition = self.lesson.steps[self.step].condition.clone();
        let leaves = condition.leaves();
        let mut view: Option<SimView> = None;
        self.eval
            .read_actions(&leaves, session, &self.resolved, &mut view);
        self.eval.read_events(&leaves, session);
        self.done = self
            .eval
            .evaluate(&condition, session, start.position.at, &self.shell, &mut view);
        if self.done {
            StepStatus::Done
        } else {
            StepStatus::Pending
        }
    }

    /// Goes to the next step and starts it; false at the last step (nothing changes).
    pub fn next(&mut self, session: &mut Session) -> Result<bool, LessonError> {
        if self.is_last() || !self.active {
            return Ok(false);
        }
        self.step += 1;
        self.start_step(session)?;
        Ok(true)
    }

    /// Goes back one step: the session returns to where that step started (its setup applied
    /// again from the log, what came after discarded). At the first step it restarts the step.
    pub fn back(&mut self, session: &mut Session) -> bool {
        if !self.active {
            return false;
        }
        let target = self.step.saturating_sub(1);
        let Some(start) = self.starts.get(target).copied() else {
            return false;
        };
        session.rewind_to(start.position, start.action_index);
        self.step = target;
        self.starts.truncate(target + 1);
        self.reset();
        true
    }

    /// Leaves the lesson for the free sandbox: the session goes on as it is; the run checks no more.
    pub fn leave(&mut self) {
        self.active = false;
    }

    /// Applies a command the learner gave, recording the brokers the step's selectors named just
    /// before (so `leader:reserve-0` means the leader when the command was applied).
    pub fn apply(&mut self, session: &mut Session, command: Command) -> Result<Applied, CommandError> {
        let condition = self.step().condition.clone();
        let leaves = condition.leaves();
        let res = (leaves
            .iter()
            .any(|l| matches!(l, super::Leaf::Action(a) if a.broker.is_some())))
        .then(|| resolution(&leaves, &session.sim().view()));
        let applied = session.apply(command)?;
        if let Some(r) = res {
            self.resolved.push((session.applied() - 1, r));
        }
        Ok(applied)
    }

    /// Records a line the learner typed in the terminal (for `shell` checks).
    pub fn on_shell_line(&mut self, line: &str) {
        if self.active && self.shell.len() < MAX_SHELL_LINES && !line.trim().is_empty() {
            self.shell.push(normalize_line(line));
        }
    }

    /// Does one solution (or setup) item: applies a command (once per broker its selector names),
    /// or runs the session; a `shell` item is returned for the caller to type into the terminal
    /// (which then calls [`LessonRun::on_shell_line`]). Errors are plain messages.
    pub fn apply_item(&mut self, session: &mut Session, item: &Action) -> Result<Option<String>, String> {
        match item {
            Action::Run(t) => {
                let to = session.now() + *t;
                session.run_until(to);
                Ok(None)
            }
            Action::Shell(line) => Ok(Some(line.clone())),
            Action::Command {
                command,
                target: None,
            } => {
                self.apply(session, command.clone()).map_err(|e| e.to_string())?;
                Ok(None)
            }
            Action::Command {
                command,
                target: Some(t),
            } => {
                let brokers = resolve(t, &session.sim().view())?;
                for b in brokers {
                    self.apply(session, with_broker(command, b))
                        .map_err(|e| e.to_string())?;
                }
                Ok(None)
            }
        }
    }
}
