//! The frame budget: how far one animation frame moves the clock, and running a [`Session`] there in
//! slices that stop once the frame's wall-clock budget is spent.

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

/// How many slices one frame's advance is cut into, so the budget is checked along the way.
const SLICES: u64 = 16;

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

/// Runs `session` towards `target` in slices, stopping early once `budget_ms` of wall time (as told
/// by `clock`, in milliseconds) is spent. Returns whether `target` was reached.
pub fn advance_within_budget(
    session: &mut Session,
    target: SimTime,
    budget_ms: f64,
    clock: &mut dyn FnMut() -> f64,
) -> bool {
    let start = session.now();
    if target <= start {
        return true;
    }
    let span = (target - start).as_micros();
    let began = clock();
    for i in 1..=SLICES {
        // `span * i / SLICES` without overflow: span ≤ u64::MAX, so use u128.
        let offset = (u128::from(span) * u128::from(i) / u128::from(SLICES)) as u64;
        session.run_until(start + SimTime::from_micros(offset));
        if i < SLICES && clock() - began >= budget_ms {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::scenarios::default_session;

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
}
