//! The event queue: events ordered by `(time, insertion sequence)`.
//!
//! Two events at the same time come out in the order they were pushed, so a run never depends on
//! how a heap happens to break ties.
//!
//! The heap orders small keys only (time, sequence, slot); the events themselves sit in a slab of
//! reused slots, so sifting never moves a (large) event.

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A min-queue of events keyed by `(time, insertion sequence)`.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry>,
    /// The events, by slot; `None` for a free slot.
    slots: Vec<Option<E>>,
    /// Free slots, reused last-freed first.
    free: Vec<u32>,
    next_seq: u64,
}

/// One queued event's key and where it is.
#[derive(Clone, Copy, Debug)]
struct Entry {
    at: SimTime,
    seq: u64,
    slot: u32,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && self.seq == other.seq
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest `(at, seq)` first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `event` at time `at` and returns its insertion sequence number.
    pub fn push(&mut self, at: SimTime, event: E) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(event);
                i
            }
            None => {
                self.slots.push(Some(event));
                // More than 2^32 events queued at once cannot fit in memory anyway.
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.heap.push(Entry { at, seq, slot });
        seq
    }

    /// Removes and returns the earliest event with its time and sequence number.
    pub fn pop(&mut self) -> Option<(SimTime, u64, E)> {
        loop {
            let e = self.heap.pop()?;
            // Invariant: every heap entry names a filled slot.
            let Some(event) = self.slots.get_mut(e.slot as usize).and_then(Option::take) else {
                continue;
            };
            self.free.push(e.slot);
            return Some((e.at, e.seq, event));
        }
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.at)
    }

    /// How many events are queued.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// How many events were ever pushed.
    pub fn pushed(&self) -> u64 {
        self.next_seq
    }

    /// Every queued event with its time and sequence number, in no particular order (sort by
    /// `(time, seq)` for the order they will be processed in).
    pub fn iter(&self) -> impl Iterator<Item = (SimTime, u64, &E)> {
        self.heap
            .iter()
            .filter_map(|e| Some((e.at, e.seq, self.slots.get(e.slot as usize)?.as_ref()?)))
    }
}
