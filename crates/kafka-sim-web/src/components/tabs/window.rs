//! Windowed rendering of long lists: which rows to draw for a scroll position.
//!
//! Rows have one fixed height, so the list is a tall box of `total × ROW_HEIGHT` pixels in which
//! only the rows under the viewport (plus a few either side) exist in the DOM.

use std::ops::Range;

/// The height of one event-log row, px (two lines of text; must match `www/tabs.css`).
pub const ROW_HEIGHT: f64 = 44.0;
/// The height of the event log's viewport, px (nine rows).
pub const VIEWPORT_HEIGHT: f64 = 396.0;
/// Rows drawn beyond each edge of the viewport, so a fast scroll does not show a gap.
pub const OVERSCAN: usize = 4;

/// Where the viewport is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scroll {
    /// Pinned to the newest rows (the default; the log follows new events).
    Tail,
    /// Scrolled to this many pixels from the top.
    At(f64),
}

/// The rows to draw for `total` rows scrolled to `scroll`: at most
/// `VIEWPORT_HEIGHT / ROW_HEIGHT + 1 + 2 × OVERSCAN`, whatever `total` is.
pub fn visible_rows(total: usize, scroll: Scroll) -> Range<usize> {
    let in_view = (VIEWPORT_HEIGHT / ROW_HEIGHT).ceil() as usize + 1;
    let first = match scroll {
        Scroll::Tail => total.saturating_sub(in_view),
        Scroll::At(px) => {
            let px = if px.is_finite() { px.max(0.0) } else { 0.0 };
            ((px / ROW_HEIGHT).floor() as usize).min(total.saturating_sub(1))
        }
    };
    let start = first.saturating_sub(OVERSCAN);
    let end = (first + in_view + OVERSCAN).min(total);
    start.min(end)..end
}

/// The most rows [`visible_rows`] ever returns.
pub fn max_rows() -> usize {
    (VIEWPORT_HEIGHT / ROW_HEIGHT).ceil() as usize + 1 + 2 * OVERSCAN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_bounded_and_follows_the_scroll() {
        assert_eq!(visible_rows(0, Scroll::Tail), 0..0);
        assert_eq!(visible_rows(3, Scroll::Tail), 0..3);
        let tail = visible_rows(10_000, Scroll::Tail);
        assert_eq!(tail.end, 10_000);
        assert!(tail.len() <= max_rows());
        let top = visible_rows(10_000, Scroll::At(0.0));
        assert_eq!(top.start, 0);
        assert!(top.len() <= max_rows());
        let mid = visible_rows(10_000, Scroll::At(ROW_HEIGHT * 5_000.0));
        assert!(mid.contains(&5_000) && mid.contains(&5_008));
        assert!(mid.len() <= max_rows());
        assert_eq!(visible_rows(10, Scroll::At(1e9)).end, 10);
        assert_eq!(visible_rows(10, Scroll::At(f64::NAN)).start, 0);
    }
}
