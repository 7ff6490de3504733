//! The frame budget: how far one animation frame moves the clock, and running a [`Session`] there in
//! slices sized by what simulated time has been costing, so a frame stops close to its wall-clock
//! budget at any speed.
//!
//! Slicing never changes the result: running to `t` in any number of slices is the same run as
//! running there at once (the trace hash at `t` is the same), so when the simulation cannot keep up
//! the clock falls behind and the animation thins out, and nothing else changes.

use kafka_sim::SimTime;
use kafka_sim::session::Session;

use crate::speed::Speed;

/// The most wall-clock time one animation frame may account for, in milliseconds.
///
/// A frame after a long pause (a background tab, a debugger) would otherwise jump the clock.
pub const MAX_FRAME_WALL_MS: f64 = 100.0;

/// How long one frame may spend running the simulation, in milliseconds. When the simulation
/// cannot keep up with the chosen speed, the clock falls behind rather than freezing the page.
pub const FRAME_BUDGET_MS: f64 = 8.0;

/// The first slice of a frame: small enough to cost little in any scenario, so the frame learns
/// what simulated time costs before it commits to a long slice.
const FIRST_SLICE: SimTime = SimTime::from_micros(10);

/// A slice is at most this many times as long (in simulated time) as the one before: the cost
/// estimate comes from the slices run so far, and a slice far longer than them is a leap of faith.
const GROWTH: u64 = 2;

/// The share of the remaining budget a slice is sized to use by the cost estimate, leaving room for
/// the estimate being low.
const HEADROOM: f64 = 0.5;

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

/// Something whose simulated clock can be run forward: a [`Session`] (tests put a fake one in its
/// place to charge a fake clock for the work).
pub trait Runnable {
    /// The simulated clock.
    fn now(&self) -> SimTime;
    /// Runs the clock forward to `t`.
    fn run_until(&mut self, t: SimTime);
}

impl Runnable for Session {
    fn now(&self) -> SimTime {
        Session::now(self)
    }
    fn run_until(&mut self, t: SimTime) {
        Session::run_until(self, t);
    }
}

/// Runs `sim` towards `target`, stopping once `budget_ms` of wall time (as told by `clock`, in
/// milliseconds) is spent. Returns whether `target` was reached.
///
/// The advance is cut into slices of simulated time. The first is [`FIRST_SLICE`]; each next one is
/// sized by the cost of simulated time measured so far in this frame (the dearer of the whole
/// frame's rate and the last slice's) to use at most half of the budget left, and is at most twice
/// as long as the slice before. So a frame overshoots its budget only by what a slice costs beyond
/// its estimate: with the cost of simulated time steady, by less than half the budget left.
pub fn advance_within_budget<R: Runnable + ?Sized>(
    sim: &mut R,
    target: SimTime,
    budget_ms: f64,
    clock: &mut dyn FnMut() -> f64,
) -> bool {
    let start = sim.now();
    if target <= start {
        return true;
    }
    let began = clock();
    let mut slice = FIRST_SLICE.as_micros().max(1);
    loop {
        let from = sim.now();
        let remaining = (target - from).as_micros();
        let len = slice.min(remaining).max(1);
        let before = clock();
        sim.run_until(from + SimTime::from_micros(len));
        let after = clock();
        if sim.now() >= target {
            return true;
        }
        let spent = after - began;
        if spent >= budget_ms || spent.is_nan() {
            return false;
        }
        // Wall ms per simulated µs: the frame's so far, or the last slice's if dearer. A clock too
        // coarse to see the work (the browser rounds `performance.now()`) says nothing: grow only.
        let done = (sim.now() - start).as_micros().max(1) as f64;
        let rate = (spent / done).max((after - before) / len as f64);
        let by_rate = if rate > 0.0 && rate.is_finite() {
            ((budget_ms - spent) * HEADROOM / rate).floor()
        } else {
            f64::INFINITY
        };
        let grown = len.saturating_mul(GROWTH);
        // `by_rate` is finite and ≥ 0 here, or infinite: the cast saturates either way.
        slice = (by_rate.min(grown as f64) as u64).max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::scenarios::{default_session, session_for};
    use std::cell::Cell;
    use std::rc::Rc;

    #[test]
    fn bad_frame_times_are_harmless() {
        assert_eq!(sim_advance(f64::NAN, Speed::MAX), SimTime::ZERO);
        assert_eq!(sim_advance(-5.0, Speed::MAX), SimTime::ZERO);
        assert_eq!(sim_advance(f64::INFINITY, Speed::MAX), SimTime::ZERO);
        assert_eq!(sim_advance(10_000.0, Speed::REAL_TIME), SimTime::from_millis(100));
    }

    #[test]
    fn the_budget_stops_a_slow_frame_early() {
        let mut s = default_session();
        let mut fake_ms = 0.0;
        let mut clock = || {
            fake_ms += 5.0;
            fake_ms
        };
        let reached = advance_within_budget(&mut s, SimTime::from_secs(4), 8.0, &mut clock);
        assert!(!reached);
        assert!(s.now() > SimTime::ZERO && s.now() < SimTime::from_secs(4));
        let reached = advance_within_budget(&mut s, SimTime::from_secs(4), 8.0, &mut || 0.0);
        assert!(reached);
        assert_eq!(s.now(), SimTime::from_secs(4));
    }

    /// A fake simulation with one event every `period_us` of simulated time, each charging
    /// `event_ms` to a fake wall clock.
    struct FakeSim {
        now: u64,
        period_us: u64,
        event_ms: f64,
        clock: Rc<Cell<f64>>,
    }

    impl Runnable for FakeSim {
        fn now(&self) -> SimTime {
            SimTime::from_micros(self.now)
        }
        fn run_until(&mut self, t: SimTime) {
            let t = t.as_micros();
            let events = t / self.period_us - self.now / self.period_us;
            self.clock.set(self.clock.get() + events as f64 * self.event_ms);
            self.now = t;
        }
    }

    /// How much wall time one frame of `wall_ms` at `speed` spends on `sim`, and whether it kept up.
    fn frame_cost<R: Runnable>(
        sim: &mut R,
        clock: &Rc<Cell<f64>>,
        wall_ms: f64,
        speed: Speed,
    ) -> (f64, bool) {
        let target = sim.now() + sim_advance(wall_ms, speed);
        let began = clock.get();
        let c = Rc::clone(clock);
        let reached = advance_within_budget(sim, target, FRAME_BUDGET_MS, &mut || c.get());
        (clock.get() - began, reached)
    }

    /// The bound: a frame spends at most a quarter more than its budget, plus the one event that
    /// cannot be cut, at every speed and for costs from trivial to far beyond the budget. Equal
    /// slices (a sixteenth of the frame each) break it as soon as a sixteenth costs more than 10 ms.
    #[test]
    fn a_frame_stays_within_its_budget_at_any_speed_and_cost() {
        for index in 0..=Speed::MAX.index() {
            let speed = Speed::from_index(index).expect("a slider step");
            for event_ms in [1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0, 5.0] {
                for period_us in [10, 100, 5_000] {
                    let clock = Rc::new(Cell::new(0.0));
                    let mut sim = FakeSim {
                        now: 0,
                        period_us,
                        event_ms,
                        clock: Rc::clone(&clock),
                    };
                    for wall_ms in [16.7, 16.7, 100.0, 16.7] {
                        let before = sim.now;
                        let (spent, reached) = frame_cost(&mut sim, &clock, wall_ms, speed);
                        let limit = FRAME_BUDGET_MS * 1.25 + event_ms;
                        assert!(
                            spent <= limit,
                            "{} at {event_ms} ms per event every {period_us} µs: {spent} ms > {limit} ms",
                            speed.label()
                        );
                        assert!(sim.now > before, "a frame always makes progress");
                        // Cheap work keeps up; work dearer than the budget falls behind.
                        let needed = sim_advance(wall_ms, speed).as_micros() / period_us;
                        if (needed as f64 + 1.0) * event_ms < FRAME_BUDGET_MS / 4.0 {
                            assert!(reached, "{} at {event_ms}/{period_us}", speed.label());
                        }
                        if needed as f64 * event_ms > 4.0 * FRAME_BUDGET_MS {
                            assert!(!reached, "{} at {event_ms}/{period_us}", speed.label());
                        }
                    }
                }
            }
        }
    }

    /// A real session whose fake clock charges for every event it processes.
    struct Charged {
        session: Session,
        event_ms: f64,
        clock: Rc<Cell<f64>>,
    }

    impl Runnable for Charged {
        fn now(&self) -> SimTime {
            self.session.now()
        }
        fn run_until(&mut self, t: SimTime) {
            let before = self.session.sim().events_processed();
            self.session.run_until(t);
            let events = self.session.sim().events_processed() - before;
            self.clock.set(self.clock.get() + events as f64 * self.event_ms);
        }
    }

    /// The busy scenario (2,000 records/s into 6 partitions, 5 consumers) at 10× and 1000×, with
    /// every event costing 20 µs (a slow phone): each frame stays near the budget, the clock falls
    /// behind, and where it got to is the run a single `run_until` gives (slicing changes nothing).
    #[test]
    fn the_busy_scenario_keeps_to_the_budget_and_slicing_changes_nothing() {
        for speed in [Speed::from_index(6), Some(Speed::MAX)] {
            let speed = speed.expect("a slider step");
            let clock = Rc::new(Cell::new(0.0));
            let mut run = Charged {
                session: session_for("busy", None).expect("the busy scenario builds"),
                event_ms: 0.02,
                clock: Rc::clone(&clock),
            };
            let mut behind = false;
            for _ in 0..12 {
                let (spent, reached) = frame_cost(&mut run, &clock, 16.7, speed);
                assert!(spent <= FRAME_BUDGET_MS * 1.25, "{}: {spent} ms", speed.label());
                behind |= !reached;
            }
            assert!(behind, "{}: 20 µs per event cannot keep up", speed.label());
            let at = run.session.now();
            assert!(at > SimTime::ZERO);

            let mut whole = session_for("busy", None).expect("the busy scenario builds");
            whole.run_until(at);
            assert_eq!(whole.trace_hash(), run.session.trace_hash(), "{}", speed.label());
            assert_eq!(whole.position(), run.session.position());
            assert_eq!(
                whole.sim().events_processed(),
                run.session.sim().events_processed()
            );
        }
    }
}
