//! A session: one simulation a user drives, with time travel and a log of what they did.
//!
//! A [`Session`] owns the [`Simulation`] built from a scenario and a seed, the log of the user's
//! [`Command`]s with where they were applied, and snapshots (clones) taken as it runs.
//!
//! - **Positions.** The run advances in *units* ([`Simulation::step_unit`]: one event, or the
//!   scenario faults and group work due). A position is the number of units done plus the clock
//!   (which `run_until` may move past the last unit). Actions are logged at their position
//!   ([`LoggedAction`]): a time alone is ambiguous when several events share a timestamp.
//! - **Replay is exact.** The state at a position is a function of (scenario, seed, log): a session
//!   rebuilt from them ([`Session::with_log`]) reaches the same trace hash.
//! - **Time travel.** [`Session::step_back`] and [`Session::seek`] restore the nearest earlier
//!   snapshot and replay. Snapshots are taken every [`Session::snapshot_interval`] of simulated time;
//!   when there are more than [`MAX_SNAPSHOTS`], every other one is dropped and the interval doubles,
//!   so memory stays bounded however long the run.
//! - **Forks.** [`Session::apply`] after a rewind drops the logged actions that came later.
//! - **Sharing.** [`Session::permalink`] gives the (scenario, seed, log, position) to encode.

mod command;
mod current;
mod permalink;
mod terminal;
mod wire;

pub use command::{
    Applied, Command, CommandError, Commit, MAX_COMMAND_DURATION, MAX_COMMAND_TEXT, Pause, Rate,
};
pub use permalink::{
    MAX_INLINE_SCENARIO_BYTES, MAX_PERMALINK_ACTIONS, MAX_PERMALINK_CHARS, MAX_PERMALINK_TIME, Permalink,
    PermalinkError, ScenarioSource,
};
pub use terminal::{MAX_TRANSCRIPT_BYTES, MAX_TRANSCRIPT_ENTRIES, Transcript, TranscriptEntry};

use crate::scenario::Scenario;
use crate::shell::Shell;
use crate::sim::{Simulation, SpecError};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use terminal::Terminal;

/// The most snapshots a session keeps by default (a snapshot of the seed scenario at 60 s is
/// about 2.7 MB).
pub const MAX_SNAPSHOTS: usize = 16;

/// Stepping back further than this many units from the nearest snapshot first takes a scratch
/// snapshot [`SCRATCH_LEAD`] units before the target, so repeated steps back replay little.
const SCRATCH_GAP: u64 = 512;

/// How far before the target a scratch snapshot is taken.
const SCRATCH_LEAD: u64 = 256;

/// The first snapshot interval, in simulated time.
pub const SNAPSHOT_INTERVAL: SimTime = SimTime::from_secs(2);

/// Where a run is: units done and the clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    /// Units of work done ([`Simulation::step_unit`]).
    pub step: u64,
    /// The clock.
    pub at: SimTime,
}

/// A command the user applied, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedAction {
    /// The clock when it was applied.
    pub at: SimTime,
    /// Units done when it was applied.
    pub step: u64,
    /// What was done.
    pub command: Command,
}

#[derive(Clone, Debug)]
struct Snapshot {
    step: u64,
    applied: usize,
    sim: Simulation,
    terminal: Terminal,
}

/// One simulation a user drives: see the module docs.
#[derive(Clone, Debug)]
pub struct Session {
    source: ScenarioSource,
    scenario: Scenario,
    seed: u64,
    sim: Simulation,
    /// The terminal's shell and transcript (part of the state at a position, like `sim`).
    terminal: Terminal,
    step: u64,
    log: Vec<LoggedAction>,
    applied: usize,
    snapshots: Vec<Snapshot>,
    /// A snapshot near where the user steps back, outside the thinning schedule.
    scratch: Option<Snapshot>,
    max_snapshots: usize,
    interval: SimTime,
    next_snapshot: SimTime,
    /// Whether runs leave a due snapshot for [`Session::take_due_snapshot`].
    snapshots_deferred: bool,
}

impl Session {
    /// A session of `scenario` (named by `source` in permalinks) with `seed`, at time zero.
    pub fn new(source: ScenarioSource, scenario: Scenario, seed: u64) -> Result<Session, SpecError> {
        Session::with_log(source, scenario, seed, Vec::new())
    }

    /// A session at time zero whose log of actions is `log` (applied as the run reaches them).
    /// Entries out of order are sorted by position (stably).
    pub fn with_log(
        source: ScenarioSource,
        scenario: Scenario,
        seed: u64,
        mut log: Vec<LoggedAction>,
    ) -> Result<Session, SpecError> {
        let mut spec = scenario.sim_spec();
        spec.seed = seed;
        let mut sim = Simulation::new(spec)?;
        for f in &scenario.faults {
            sim.schedule_scenario_fault(f);
        }
        crate::sort::sort_by_key(&mut log, |a| (a.step, a.at));
        let terminal = Terminal::new(seed);
        let snapshots = vec![Snapshot {
            step: 0,
            applied: 0,
            sim: sim.clone(),
            terminal: terminal.clone(),
        }];
        Ok(Session {
            source,
            scenario,
            seed,
            sim,
            terminal,
            step: 0,
            log,
            applied: 0,
            snapshots,
            scratch: None,
            max_snapshots: MAX_SNAPSHOTS,
            interval: SNAPSHOT_INTERVAL,
            next_snapshot: SNAPSHOT_INTERVAL,
            snapshots_deferred: false,
        })
    }

    /// The simulation, for views.
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// The simulation, for reports that drain facts (e.g. [`Simulation::delivery_report`]). Changing
    /// its course through this breaks replay: use [`Session::apply`].
    pub fn sim_mut(&mut self) -> &mut Simulation {
        &mut self.sim
    }

    /// The terminal's shell (its prompt, whether a console producer reads records).
    pub fn shell(&self) -> &Shell {
        &self.terminal.shell
    }

    /// What the terminal lines applied so far printed (regenerated by replay).
    pub fn transcript(&self) -> &Transcript {
        &self.terminal.transcript
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Where the scenario came from.
    pub fn source(&self) -> &ScenarioSource {
        &self.source
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The clock.
    pub fn now(&self) -> SimTime {
        self.sim.now()
    }

    /// Where the run is.
    pub fn position(&self) -> Position {
        Position {
            step: self.step,
            at: self.sim.now(),
        }
    }

    /// The trace hash of everything so far.
    pub fn trace_hash(&self) -> u64 {
        self.sim.trace_hash()
    }

    /// The action log, applied and not yet reached (after a rewind), in order.
    pub fn log(&self) -> &[LoggedAction] {
        &self.log
    }

    /// How many logged actions the simulation has applied so far.
    pub fn applied(&self) -> usize {
        self.applied
    }

    /// How many snapshots are held, and the current interval between them.
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    /// Sets how many snapshots to keep (at least 2): fewer use less memory and make long rewinds
    /// replay more.
    pub fn set_max_snapshots(&mut self, n: usize) {
        self.max_snapshots = n.max(2);
    }

    /// The simulated time between snapshots now.
    pub fn snapshot_interval(&self) -> SimTime {
        self.interval
    }

    /// While `deferred`, runs take no snapshot themselves: a due one waits for
    /// [`Session::take_due_snapshot`], so a caller with a time budget (the web page's animation
    /// frames) can take it where there is time for a whole-simulation clone. Results never depend
    /// on when snapshots are taken, only how far a rewind replays.
    pub fn set_snapshots_deferred(&mut self, deferred: bool) {
        self.snapshots_deferred = deferred;
    }

    /// Whether a snapshot is due (the clock passed the next snapshot time).
    pub fn snapshot_due(&self) -> bool {
        self.sim.now() >= self.next_snapshot
    }

    /// Takes the snapshot that is due, if any (see [`Session::set_snapshots_deferred`]).
    pub fn take_due_snapshot(&mut self) {
        self.maybe_snapshot();
    }

    /// Runs to `t` (scenario faults and logged actions fire on the way); an earlier `t` seeks back.
    pub fn run_until(&mut self, t: SimTime) {
        if t < self.sim.now() {
            return self.seek(t);
        }
        self.advance(None, t);
    }

    /// Advances one unit (an event, or the scenario and group work due); returns its time, or
    /// `None` when nothing is left to do.
    pub fn step(&mut self) -> Option<SimTime> {
        let before = self.step;
        self.advance(Some(before + 1), SimTime::MAX);
        (self.step > before).then(|| self.sim.now())
    }

    /// Goes back one unit: restores the nearest earlier snapshot and replays to the unit before.
    /// At the start, does nothing and returns false.
    pub fn step_back(&mut self) -> bool {
        if self.step == 0 {
            return false;
        }
        let target = self.step - 1;
        self.restore(|s| s.step <= target);
        if target.saturating_sub(self.step) > SCRATCH_GAP {
            self.advance(Some(target - SCRATCH_LEAD), SimTime::MAX);
            self.scratch = Some(Snapshot {
                step: self.step,
                applied: self.applied,
                sim: self.sim.clone(),
                terminal: self.terminal.clone(),
            });
        }
        self.advance(Some(target), SimTime::MAX);
        true
    }

    /// Goes to time `t`: forwards as [`Session::run_until`], backwards by restoring the nearest
    /// snapshot at or before `t` and replaying.
    pub fn seek(&mut self, t: SimTime) {
        if t < self.sim.now() {
            self.restore(|s| s.sim.now() <= t);
        }
        self.advance(None, t);
    }

    /// Goes to `pos` exactly (as a permalink records it).
    pub fn seek_position(&mut self, pos: Position) {
        if pos < self.position() {
            self.restore(|s| (s.step, s.sim.now()) <= (pos.step, pos.at));
        }
        self.advance(Some(pos.step), pos.at);
        self.sim.advance_clock(pos.at);
    }

    /// Goes back to `pos` keeping only the first `applied` logged actions and forgetting the rest
    /// (an undo to a checkpoint, e.g. a lesson step's start: the later actions do not fire again).
    /// `pos` must be where the action `applied` (if any) was logged or later.
    pub fn rewind_to(&mut self, pos: Position, applied: usize) {
        let applied = applied.min(self.log.len());
        self.log.truncate(applied);
        let keep = |s: &Snapshot| s.applied <= applied && (s.step, s.sim.now()) <= (pos.step, pos.at);
        self.snapshots.retain(|s| s.step == 0 || keep(s));
        if self.scratch.as_ref().is_some_and(|s| !keep(s)) {
            self.scratch = None;
        }
        if self.applied > applied || pos < self.position() {
            self.restore(|s| s.applied <= applied && (s.step, s.sim.now()) <= (pos.step, pos.at));
        }
        self.advance(Some(pos.step), pos.at);
        self.sim.advance_clock(pos.at);
    }

    /// Applies `command` now. If the session had been rewound, the logged actions after now are
    /// dropped (history forks). A refused command changes nothing, the log included. Terminal
    /// input ([`Command::Shell`], [`Command::EndOfInput`]) runs in the session's shell, its output
    /// going to the [`Session::transcript`].
    pub fn apply(&mut self, command: Command) -> Result<Applied, CommandError> {
        // Logged where it started: a terminal line may run the simulation on (a tool waiting for
        // answers), and replay must start it at the same clock.
        let at = self.sim.now();
        let applied = self.terminal.apply(&mut self.sim, &command)?;
        self.log.truncate(self.applied);
        let (step, applied_count) = (self.step, self.applied);
        let keep = |s: &Snapshot| s.step < step || (s.step == step && s.applied <= applied_count);
        self.snapshots.retain(keep);
        if self.scratch.as_ref().is_some_and(|s| !keep(s)) {
            self.scratch = None;
        }
        self.log.push(LoggedAction {
            at,
            step: self.step,
            command,
        });
        self.applied += 1;
        Ok(applied)
    }

    /// The permalink of this session: scenario, seed, log and position.
    pub fn permalink(&self) -> Permalink {
        Permalink {
            scenario: self.source.clone(),
            seed: self.seed,
            position: self.position(),
            actions: self.log.clone(),
        }
    }

    /// Restores the latest snapshot `ok` accepts (the first one, at time zero, always exists).
    fn restore(&mut self, ok: impl Fn(&Snapshot) -> bool) {
        let i = self.snapshots.iter().rposition(&ok).unwrap_or(0);
        let Some(mut s) = self.snapshots.get(i) else {
            return;
        };
        if let Some(scratch) = self.scratch.as_ref().filter(|x| ok(x) && x.step > s.step) {
            s = scratch;
        }
        self.sim = s.sim.clone();
        self.terminal = s.terminal.clone();
        self.step = s.step;
        self.applied = s.applied;
        self.next_snapshot = self.sim.now() + self.interval;
    }

    /// Applies the logged actions, in order, while `due` says so; each at its clock.
    fn apply_logged(&mut self, due: impl Fn(&LoggedAction, u64) -> bool) {
        while let Some(a) = self.log.get(self.applied) {
            if !due(a, self.step) {
                break;
            }
            if a.at > self.sim.now() {
                self.sim.advance_clock(a.at);
            }
            // Logged actions were accepted when first applied, and replay is deterministic, so
            // they are accepted again; a hand-made log's refusals change nothing.
            let _ = self.terminal.apply(&mut self.sim, &a.command);
            self.applied += 1;
        }
    }

    /// Runs units until `target` units are done (if given) or the next unit is after `until`,
    /// applying logged actions at their positions; a run without a unit target ends with the clock
    /// at `until`.
    fn advance(&mut self, target: Option<u64>, until: SimTime) {
        loop {
            let more = target.is_none_or(|u| self.step < u);
            let next = self.sim.next_work_time();
            if !more || next.is_none_or(|n| n > until) {
                break;
            }
            // Everything logged at this unit count came before the next unit.
            self.apply_logged(|a, step| a.step <= step);
            if self.sim.step_unit().is_none() {
                break;
            }
            self.step += 1;
            if !self.snapshots_deferred {
                self.maybe_snapshot();
            }
        }
        let limit = if target.is_some() { self.sim.now() } else { until };
        self.apply_logged(|a, step| a.step <= step && a.at <= limit);
        if target.is_none() {
            self.sim.advance_clock(until);
        }
    }

    fn maybe_snapshot(&mut self) {
        if self.sim.now() < self.next_snapshot {
            return;
        }
        self.next_snapshot = self.sim.now() + self.interval;
        if self.snapshots.last().is_some_and(|s| s.step >= self.step) {
            return;
        }
        self.snapshots.push(Snapshot {
            step: self.step,
            applied: self.applied,
            sim: self.sim.clone(),
            terminal: self.terminal.clone(),
        });
        if self.snapshots.len() > self.max_snapshots {
            // Keep the first (time zero) and every other one after it; space them twice as far.
            let mut i = 0usize;
            self.snapshots.retain(|_| {
                i += 1;
                i == 1 || i.is_multiple_of(2)
            });
            self.interval = self.interval + self.interval;
        }
    }
}
