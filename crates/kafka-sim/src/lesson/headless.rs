//! Playing a lesson headless with its solutions: the teacher's check (`kafka-sim lesson FILE`) and
//! the lessons test.

use super::{Action, Lesson, LessonError, LessonRun, StepStatus};
use crate::session::Session;
use crate::time::SimTime;

/// How often the headless run checks a step's condition, in simulated time.
pub const CHECK_EVERY: SimTime = SimTime::from_millis(100);

/// A terminal the headless run types shell lines into: it gets the session and the line.
pub type Terminal<'a> = &'a mut dyn FnMut(&mut Session, &str);

/// What happened at one step of a headless run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    /// The step, from 0.
    pub index: usize,
    /// Its condition was Pending after the setup, before the solution (a condition already Done
    /// there would offer Continue at once: the step would teach nothing).
    pub pending_before: bool,
    /// Its condition was reached within the step's `within` after the solution.
    pub reached: bool,
    /// When the step started.
    pub started: SimTime,
    /// When the condition was reached (or the check gave up).
    pub ended: SimTime,
    /// The step's solution typed shell lines that no terminal ran (none was given): the lines
    /// count for `shell` checks, but their effects were not simulated.
    pub shell_untyped: bool,
    /// A solution item the simulation refused.
    pub error: Option<String>,
}

impl StepReport {
    /// The step passed: pending before, reached after, no refusal.
    pub fn ok(&self) -> bool {
        self.pending_before && self.reached && self.error.is_none()
    }
}

/// Plays every step of `lesson` on `session` (a fresh session of its scenario): starts the step,
/// checks it is Pending, applies the solution, then runs in [`CHECK_EVERY`] slices until the
/// condition is Done or the step's `within` has passed. A `terminal` runs shell lines (it is
/// given the session and the line); without one, the lines only count for `shell` checks.
/// Returns the run (at the last step) and one report per step; stops at a setup error.
pub fn run_headless(
    lesson: &Lesson,
    session: &mut Session,
    mut terminal: Option<Terminal<'_>>,
) -> Result<(LessonRun, Vec<StepReport>), LessonError> {
    let mut run = LessonRun::new(lesson.clone());
    let mut reports = Vec::new();
    for i in 0..lesson.steps.len() {
        if i == 0 {
            run.start_step(session)?;
        } else {
            run.next(session)?;
        }
        let started = session.now();
        let pending_before = run.check(session) == StepStatus::Pending;
        let mut error = None;
        let mut shell_untyped = false;
        let solution: Vec<Action> = run.step().solution.clone();
        for (j, item) in solution.iter().enumerate() {
            match run.apply_item(session, item) {
                Ok(Some(line)) => {
                    match terminal.as_mut() {
                        Some(t) => t(session, &line),
                        None => shell_untyped = true,
                    }
                    run.on_shell_line(&line);
                }
                Ok(None) => {}
                Err(e) => {
                    error = Some(format!("solution[{j}]: {e}"));
                    break;
                }
            }
        }
        let deadline = session.now() + run.step().within;
        let mut reached = false;
        loop {
            if run.check(session) == StepStatus::Done {
                reached = true;
                break;
            }
            if session.now() >= deadline {
                break;
            }
            let to = (session.now() + CHECK_EVERY).min(deadline);
            session.run_until(to);
        }
        reports.push(StepReport {
            index: i,
            pending_before,
            reached,
            started,
            ended: session.now(),
            shell_untyped,
            error,
        });
    }
    Ok((run, reports))
}
