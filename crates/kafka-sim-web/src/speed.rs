//! The playback speed: how many simulated seconds pass per wall-clock second.
//!
//! The speed control is a log-scale slider over the 1-2-5 steps from 0.1× to 1000×, so every
//! position shows a round value.

/// The speeds the slider offers, in tenths of "simulated seconds per wall second".
const TENTHS: [u32; 13] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000];

/// A playback speed: one of the slider's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Speed(usize);

impl Speed {
    /// Real time: 1×.
    pub const REAL_TIME: Speed = Speed(3);
    /// The slowest speed, 0.1×.
    pub const MIN: Speed = Speed(0);
    /// The fastest speed, 1000×.
    pub const MAX: Speed = Speed(TENTHS.len() - 1);

    /// The speed at slider position `index`, or `None` when out of range.
    pub fn from_index(index: usize) -> Option<Speed> {
        (index < TENTHS.len()).then_some(Speed(index))
    }
    /// Parses a slider value (`"0"` ... `"12"`); `None` for anything else.
    pub fn from_slider_value(value: &str) -> Option<Speed> {
        value.trim().parse::<usize>().ok().and_then(Speed::from_index)
    }
    /// The slider position of this speed.
    pub fn index(self) -> usize {
        self.0
    }
    /// Simulated seconds per wall-clock second.
    pub fn factor(self) -> f64 {
        f64::from(self.tenths()) / 10.0
    }
    /// The label shown next to the slider, e.g. `1×`, `0.5×`, `1000×`.
    pub fn label(self) -> String {
        let t = self.tenths();
        if t.is_multiple_of(10) {
            format!("{}×", t / 10)
        } else {
            format!("{}.{}×", t / 10, t % 10)
        }
    }
    fn tenths(self) -> u32 {
        TENTHS.get(self.0).copied().unwrap_or(10)
    }
}

impl Default for Speed {
    fn default() -> Self {
        Speed::REAL_TIME
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_is_point_one_to_a_thousand() {
        assert_eq!(Speed::MIN.factor(), 0.1);
        assert_eq!(Speed::MAX.factor(), 1000.0);
        assert_eq!(Speed::default().factor(), 1.0);
    }

    #[test]
    fn labels_are_round() {
        assert_eq!(Speed::MIN.label(), "0.1×");
        assert_eq!(Speed::REAL_TIME.label(), "1×");
        assert_eq!(Speed::MAX.label(), "1000×");
        assert_eq!(Speed::from_index(2).map(Speed::label).as_deref(), Some("0.5×"));
    }

    #[test]
    fn steps_are_increasing() {
        for i in 1..=Speed::MAX.index() {
            let (a, b) = (Speed::from_index(i - 1).unwrap(), Speed::from_index(i).unwrap());
            assert!(a.factor() < b.factor());
        }
    }

    #[test]
    fn bad_slider_values_are_rejected() {
        assert_eq!(Speed::from_slider_value("3"), Some(Speed::REAL_TIME));
        assert_eq!(Speed::from_slider_value("13"), None);
        assert_eq!(Speed::from_slider_value("-1"), None);
        assert_eq!(Speed::from_slider_value("1.5"), None);
        assert_eq!(Speed::from_slider_value(""), None);
    }
}
