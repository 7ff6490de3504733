//! The app state and the commands the UI sends to it.
//!
//! The state owns the [`Simulation`] and a [`SimView`] taken after the last command; components
//! draw only the view. Every command goes through [`AppState::reduce`], so later features (step,
//! step back, seek through snapshots, faults) are new [`Action`]s, not new plumbing.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use kafka_sim::{SimTime, SimView, Simulation};
use yew::Reducible;

use crate::speed::Speed;

/// The most wall-clock time one animation frame may account for, in milliseconds.
///
/// A frame after a long pause (a background tab, a debugger) would otherwise jump the clock.
pub const MAX_FRAME_WALL_MS: f64 = 100.0;

/// How long one frame may spend running the simulation, in milliseconds. When the simulation
/// cannot keep up with the chosen speed, the clock falls behind rather than freezing the page.
pub const FRAME_BUDGET_MS: f64 = 8.0;

/// How many slices one frame's advance is cut into, so the budget is checked along the way.
const SLICES: u64 = 16;

/// A shared handle on the running simulation.
///
/// Two handles are equal only when they point at the same simulation.
#[derive(Clone)]
pub struct SharedSim(Rc<RefCell<Simulation>>);

impl SharedSim {
    /// Wraps a simulation.
    pub fn new(sim: Simulation) -> SharedSim {
        SharedSim(Rc::new(RefCell::new(sim)))
    }
    /// A fresh view of the simulation.
    pub fn view(&self) -> SimView {
        self.0.borrow().view()
    }
    /// A snapshot: an independent copy that evolves exactly as this one would.
    pub fn snapshot(&self) -> Simulation {
        self.0.borrow().clone()
    }
}

impl PartialEq for SharedSim {
    fn eq(&self, other: &SharedSim) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for SharedSim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSim")
            .field("now", &self.0.borrow().now())
            .finish()
    }
}

/// A command from the UI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// Start advancing the clock with the animation frames.
    Play,
    /// Stop advancing the clock.
    Pause,
    /// Change the playback speed.
    SetSpeed(Speed),
    /// One animation frame while playing: `wall_ms` of wall-clock time have passed since the last.
    Frame {
        /// Wall-clock milliseconds since the previous frame (0 for the first frame after Play).
        wall_ms: f64,
    },
}

/// Everything the page shows and remembers.
#[derive(Clone, Debug)]
pub struct AppState {
    sim: SharedSim,
    view: Rc<SimView>,
    playing: bool,
    speed: Speed,
    frame: u64,
    clock: fn() -> f64,
}

impl AppState {
    /// The state for a freshly built simulation: paused, at real-time speed.
    pub fn new(sim: SharedSim) -> AppState {
        let view = Rc::new(sim.view());
        AppState {
            sim,
            view,
            playing: false,
            speed: Speed::default(),
            frame: 0,
            clock: wall_clock_ms,
        }
    }
    /// Replaces the wall clock used for the frame budget (tests use a fake one).
    pub fn with_clock(mut self, clock: fn() -> f64) -> AppState {
        self.clock = clock;
        self
    }
    /// The simulation's state after the last command.
    pub fn view(&self) -> &Rc<SimView> {
        &self.view
    }
    /// The simulated clock.
    pub fn now(&self) -> SimTime {
        self.view.now
    }
    /// Whether the clock is running.
    pub fn playing(&self) -> bool {
        self.playing
    }
    /// The playback speed.
    pub fn speed(&self) -> Speed {
        self.speed
    }
    /// Counts processed animation frames; the animation loop asks for the next frame when it changes.
    pub fn frame(&self) -> u64 {
        self.frame
    }
    /// The simulation itself, for snapshots.
    pub fn sim(&self) -> &SharedSim {
        &self.sim
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Play if !self.playing => Rc::new(AppState {
                playing: true,
                ..(*self).clone()
            }),
            Action::Pause if self.playing => Rc::new(AppState {
                playing: false,
                ..(*self).clone()
            }),
            Action::SetSpeed(speed) if speed != self.speed => Rc::new(AppState {
                speed,
                ..(*self).clone()
            }),
            Action::Frame { wall_ms } if self.playing => {
                let target = self.now() + sim_advance(wall_ms, self.speed);
                {
                    let mut sim = self.sim.0.borrow_mut();
                    let clock = self.clock;
                    advance_within_budget(&mut sim, target, FRAME_BUDGET_MS, &mut || clock());
                }
                Rc::new(AppState {
                    view: Rc::new(self.sim.view()),
                    frame: self.frame.wrapping_add(1),
                    ..(*self).clone()
                })
            }
            _ => self,
        }
    }
}

/// How much simulated time `wall_ms` of wall-clock time is worth at `speed`.
///
/// Negative, NaN or infinite inputs count as no time; long gaps are capped at
/// [`MAX_FRAME_WALL_MS`].
pub fn sim_advance(wall_ms: f64, speed: Speed) -> SimTime {
    let wall_ms = if wall_ms.is_finite() {
        wall_ms.clamp(0.0, MAX_FRAME_WALL_MS)
    } else {
        0.0
    };
    // At most 100 ms × 1000 × 1000 µs = 1e8 µs: far inside u64.
    SimTime::from_micros((wall_ms * 1_000.0 * speed.factor()).round() as u64)
}

/// Runs `sim` towards `target` in slices, stopping early once `budget_ms` of wall time (as told by
/// `clock`, in milliseconds) is spent. Returns whether `target` was reached.
pub fn advance_within_budget(
    sim: &mut Simulation,
    target: SimTime,
    budget_ms: f64,
    clock: &mut dyn FnMut() -> f64,
) -> bool {
    let start = sim.now();
    if target <= start {
        return true;
    }
    let span = (target - start).as_micros();
    let began = clock();
    for i in 1..=SLICES {
        // `span * i / SLICES` without overflow: span ≤ u64::MAX, so use u128.
        let offset = (u128::from(span) * u128::from(i) / u128::from(SLICES)) as u64;
        sim.run_until(start + SimTime::from_micros(offset));
        if i < SLICES && clock() - began >= budget_ms {
            return false;
        }
    }
    true
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
mod tests {
    use super::*;
    use kafka_sim::SimSpec;

    fn state() -> Rc<AppState> {
        let sim = Simulation::new(SimSpec::default()).unwrap();
        Rc::new(AppState::new(SharedSim::new(sim)).with_clock(|| 0.0))
    }

    #[test]
    fn frames_advance_only_while_playing() {
        let s = state().reduce(Action::Frame { wall_ms: 50.0 });
        assert_eq!(s.now(), SimTime::ZERO);
        let s = s.reduce(Action::Play).reduce(Action::Frame { wall_ms: 50.0 });
        assert_eq!(s.now(), SimTime::from_millis(50));
        assert_eq!(s.frame(), 1);
        let s = s.reduce(Action::Pause).reduce(Action::Frame { wall_ms: 50.0 });
        assert_eq!(s.now(), SimTime::from_millis(50));
    }

    #[test]
    fn speed_scales_the_advance() {
        let fast = Speed::from_index(6).unwrap(); // 10×
        let s = state().reduce(Action::SetSpeed(fast)).reduce(Action::Play);
        let s = s.reduce(Action::Frame { wall_ms: 20.0 });
        assert_eq!(s.now(), SimTime::from_millis(200));
    }

    #[test]
    fn unchanged_commands_keep_the_state() {
        let s = state();
        assert!(Rc::ptr_eq(&s, &s.clone().reduce(Action::Pause)));
        assert!(Rc::ptr_eq(
            &s,
            &s.clone().reduce(Action::SetSpeed(Speed::REAL_TIME))
        ));
    }

    #[test]
    fn bad_frame_times_are_harmless() {
        assert_eq!(sim_advance(f64::NAN, Speed::MAX), SimTime::ZERO);
        assert_eq!(sim_advance(-5.0, Speed::MAX), SimTime::ZERO);
        assert_eq!(sim_advance(f64::INFINITY, Speed::MAX), SimTime::ZERO);
        assert_eq!(sim_advance(10_000.0, Speed::REAL_TIME), SimTime::from_millis(100));
    }

    #[test]
    fn the_budget_stops_a_slow_frame_early() {
        let mut sim = Simulation::new(SimSpec::default()).unwrap();
        let mut fake_ms = 0.0;
        let mut clock = || {
            fake_ms += 5.0;
            fake_ms
        };
        let reached = advance_within_budget(&mut sim, SimTime::from_secs(16), 8.0, &mut clock);
        assert!(!reached);
        assert!(sim.now() > SimTime::ZERO && sim.now() < SimTime::from_secs(16));
        let reached = advance_within_budget(&mut sim, SimTime::from_secs(16), 8.0, &mut || 0.0);
        assert!(reached);
        assert_eq!(sim.now(), SimTime::from_secs(16));
    }
}
