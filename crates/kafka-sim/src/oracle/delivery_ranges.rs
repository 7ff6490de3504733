//! How often each offset of one partition was processed, kept as sorted disjoint segments (interval
//! arithmetic, never one entry per offset), for the delivery oracle ([`super::delivery`]).

use crate::group::delivery::MemberRef;
use crate::time::SimTime;
use std::collections::BTreeMap;

/// A run of offsets processed the same number of times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    /// The offset after the last one (exclusive).
    end: i64,
    /// 1, or 2 for "two or more times".
    times: u8,
    /// Who processed these offsets first, and when that processing ended.
    first_by: MemberRef,
    /// When the first processing ended.
    first_at: SimTime,
}

/// A part of a newly processed range that had been processed exactly once before: its length, and who
/// processed it first and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Repeat {
    /// How many offsets.
    pub(crate) len: u64,
    /// The first processor.
    pub(crate) first_by: MemberRef,
    /// When the first processing ended.
    pub(crate) first_at: SimTime,
}

/// The processed offsets of one partition: segments keyed by their first offset.
#[derive(Clone, Debug, Default)]
pub(crate) struct Coverage {
    segments: BTreeMap<i64, Segment>,
}

impl Coverage {
    /// Adds `[from, to)` processed by `by`, ending at `at` (ranges must be added in processing order).
    /// Returns the parts that had been processed exactly once before (now counted twice).
    pub(crate) fn add(&mut self, from: i64, to: i64, by: MemberRef, at: SimTime) -> Vec<Repeat> {
        let mut repeats = Vec::new();
        if to <= from {
            return repeats;
        }
        let mut keys: Vec<i64> = Vec::new();
        if let Some((&start, seg)) = self.segments.range(..from).next_back()
            && seg.end > from
        {
            keys.push(start);
        }
        keys.extend(self.segments.range(from..to).map(|(k, _)| *k));
        let fresh = |end: i64| Segment {
            end,
            times: 1,
            first_by: by,
            first_at: at,
        };
        let mut cursor = from;
        for start in keys {
            let Some(seg) = self.segments.remove(&start) else {
                continue;
            };
            if start < from {
                self.segments.insert(start, Segment { end: from, ..seg });
            }
            if seg.end > to {
                self.segments.insert(to, seg);
            }
            let (lo, hi) = (start.max(from), seg.end.min(to));
            if cursor < lo {
                self.segments.insert(cursor, fresh(lo));
            }
            if seg.times == 1 {
                repeats.push(Repeat {
                    len: (hi - lo).unsigned_abs(),
                    first_by: seg.first_by,
                    first_at: seg.first_at,
                });
            }
            self.segments.insert(
                lo,
                Segment {
                    end: hi,
                    times: 2,
                    ..seg
                },
            );
            cursor = hi;
        }
        if cursor < to {
            self.segments.insert(cursor, fresh(to));
        }
        repeats
    }

    /// `(offsets processed once, offsets processed two or more times)`.
    pub(crate) fn counts(&self) -> (u64, u64) {
        let (mut once, mut more) = (0u64, 0u64);
        for (start, seg) in &self.segments {
            let len = (seg.end - start).unsigned_abs();
            if seg.times == 1 {
                once += len;
            } else {
                more += len;
            }
        }
        (once, more)
    }

    /// How many offsets in `[from, to)` were never processed.
    pub(crate) fn gaps_in(&self, from: i64, to: i64) -> u64 {
        if to <= from {
            return 0;
        }
        let mut covered = 0u64;
        let first = self
            .segments
            .range(..from)
            .next_back()
            .filter(|(_, s)| s.end > from)
            .map(|(k, s)| (*k, *s));
        for (start, seg) in first
            .into_iter()
            .chain(self.segments.range(from..to).map(|(k, s)| (*k, *s)))
        {
            covered += (seg.end.min(to) - start.max(from)).unsigned_abs();
        }
        (to - from).unsigned_abs().saturating_sub(covered)
    }
}
