//! Render pacing: which animation frames publish a new view (and so re-render the page), apart from
//! running the simulation.
//!
//! A frame that publishes costs the simulation slice *plus* building the view, Yew's diff and the
//! browser's style, layout and paint. In a busy scenario that sum is over one display frame, so
//! every frame would be late. The pacer watches the interval that follows each published frame: while
//! renders are cheap every frame publishes; once one is slow (the next frame came late), frames
//! alternate between running the simulation only (no render at all) and publishing with a small
//! simulation slice, for [`SLOW_HOLD_FRAMES`] frames, then every frame publishes again on trial. The
//! animation thins out; the run does not change (slicing never changes the result), and whatever
//! ends a run of frames (a pause, a reached seek, any user action) publishes the final state.

/// A frame that comes later than this after a published frame (in ms; one display frame is
/// 16.7 ms) means the render was too dear to share a frame with a full simulation slice.
pub const SLOW_FRAME_MS: f64 = 21.0;

/// How many frames the pacer alternates after a slow render before it tries publishing every frame
/// again (about two seconds at 60 Hz: a trial costs at most one late frame in this many).
pub const SLOW_HOLD_FRAMES: u32 = 120;

/// The simulation budget of a frame that publishes while renders are slow, in ms: the render takes
/// the rest of the frame, and the frames in between run the simulation with the full budget.
pub const PUBLISH_BUDGET_MS: f64 = 2.0;

/// What one animation frame does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FramePlan {
    /// Run the simulation within the full frame budget and publish nothing: no re-render.
    SimulateOnly,
    /// Run the simulation within `budget_ms`, then publish a new view.
    Publish {
        /// The simulation's budget in this frame, in ms.
        budget_ms: f64,
    },
}

/// The pacer's memory across frames (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct Pace {
    /// Frames left to alternate after a slow render (0: every frame publishes).
    slow_for: u32,
    /// Whether the last frame published a view.
    published_last: bool,
    /// Whether the session moved past the published view (a frame ran the simulation only).
    stale: bool,
}

impl Pace {
    /// Plans the frame that came `wall_ms` after the previous one, given the full simulation budget.
    pub fn plan(&mut self, wall_ms: f64, full_budget_ms: f64) -> FramePlan {
        if self.published_last && wall_ms > SLOW_FRAME_MS {
            self.slow_for = SLOW_HOLD_FRAMES;
        }
        let plan = if self.slow_for == 0 {
            FramePlan::Publish {
                budget_ms: full_budget_ms,
            }
        } else {
            self.slow_for -= 1;
            if self.published_last {
                FramePlan::SimulateOnly
            } else {
                FramePlan::Publish {
                    budget_ms: PUBLISH_BUDGET_MS.min(full_budget_ms),
                }
            }
        };
        self.published_last = matches!(plan, FramePlan::Publish { .. });
        self.stale |= !self.published_last;
        plan
    }

    /// Records that a frame ran the simulation but did not publish after all, or did publish
    /// although its plan said not to.
    pub fn published(&mut self, published: bool) {
        self.published_last = published;
        self.stale = !published;
    }

    /// Whether the session moved past the published view.
    pub fn stale(&self) -> bool {
        self.stale
    }

    /// Records that a fresh view was published outside the frame loop (a user action).
    pub fn refreshed(&mut self) {
        self.stale = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publishes(plan: FramePlan) -> bool {
        matches!(plan, FramePlan::Publish { .. })
    }

    #[test]
    fn cheap_renders_publish_every_frame() {
        let mut pace = Pace::default();
        for _ in 0..200 {
            assert_eq!(pace.plan(16.7, 8.0), FramePlan::Publish { budget_ms: 8.0 });
            assert!(!pace.stale());
        }
    }

    #[test]
    fn a_slow_render_alternates_then_retries() {
        let mut pace = Pace::default();
        assert!(publishes(pace.plan(0.0, 8.0)));
        // The frame after that publish came late: alternate.
        assert_eq!(pace.plan(33.3, 8.0), FramePlan::SimulateOnly);
        assert!(pace.stale());
        assert_eq!(
            pace.plan(16.7, 8.0),
            FramePlan::Publish {
                budget_ms: PUBLISH_BUDGET_MS
            }
        );
        pace.published(true);
        assert!(!pace.stale());
        let mut published = 0;
        for _ in 0..SLOW_HOLD_FRAMES {
            published += usize::from(publishes(pace.plan(16.7, 8.0)));
        }
        assert!((55..=65).contains(&published), "{published}");
        // The hold is over: every frame publishes again while renders stay cheap.
        for _ in 0..10 {
            assert_eq!(pace.plan(16.7, 8.0), FramePlan::Publish { budget_ms: 8.0 });
        }
    }

    #[test]
    fn slow_renders_keep_the_pacer_alternating() {
        let mut pace = Pace::default();
        let plans: Vec<bool> = (0..1_000).map(|_| publishes(pace.plan(33.3, 8.0))).collect();
        let published = plans.iter().filter(|&&p| p).count();
        assert!((499..=501).contains(&published), "{published}");
        assert!(plans.windows(2).all(|w| w[0] != w[1]), "strictly alternating");
    }
}
