//! The trace: a bounded record of what happened, with a stable running hash over all of it.
//!
//! The ring keeps the last `capacity` entries for the UI; the hash covers every entry ever
//! recorded. The hash is computed with [`StableHasher`], which gives the same value on a 64-bit host
//! and in 32-bit wasm (`usize`/`isize` are widened to 64 bits, all integers are little-endian), so a
//! trace hash can be compared across platforms. `std`'s `DefaultHasher` is never used.

use crate::ids::NodeId;
use crate::kernel::fault::Fault;
use crate::time::SimTime;
use serde::Serialize;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

/// The default number of entries a [`Trace`] keeps.
pub const DEFAULT_TRACE_CAPACITY: usize = 10_000;

/// A fast, platform-stable 64-bit hasher (word-at-a-time multiply-rotate with a final avalanche).
///
/// Not cryptographic; it fingerprints runs. Every integer is fed as little-endian and `usize` /
/// `isize` are widened to 64 bits, so derived `Hash` impls give the same result on every target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StableHasher {
    state: u64,
    bytes: u64,
}

const SEED: u64 = 0xcbf2_9ce4_8422_2325;
const K: u64 = 0x517c_c1b7_2722_0a95;

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher {
            state: SEED,
            bytes: 0,
        }
    }
}

impl StableHasher {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    fn mix(&mut self, word: u64) {
        self.state = (self.state.rotate_left(5) ^ word).wrapping_mul(K);
    }

    /// The stable hash of one value.
    pub fn digest<T: Hash + ?Sized>(value: &T) -> u64 {
        let mut h = StableHasher::new();
        value.hash(&mut h);
        h.finish()
    }
}

impl Hasher for StableHasher {
    #[inline]
    fn finish(&self) -> u64 {
        // splitmix64's finalizer, over the state and the byte count.
        let mut z = self.state ^ self.bytes.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.bytes = self.bytes.wrapping_add(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            // Tag the tail with its length so `[1]` and `[1, 0]` differ.
            self.mix(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.bytes = self.bytes.wrapping_add(8);
        self.mix(i);
    }
    #[inline]
    fn write_u128(&mut self, i: u128) {
        self.write_u64(i as u64);
        self.write_u64((i >> 64) as u64);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_i8(&mut self, i: i8) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_i16(&mut self, i: i16) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_i32(&mut self, i: i32) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_i128(&mut self, i: i128) {
        self.write_u128(i as u128);
    }
    #[inline]
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as i64 as u64);
    }
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LossReason {
    /// The link was cut (a partition) when it was sent or when it would have arrived.
    LinkCut,
    /// The link's drop ratio picked it.
    Dropped,
    /// The sender was down when it was sent.
    SenderDown,
    /// The receiver was down when it would have arrived.
    ReceiverDown,
    /// The receiver crashed and restarted while it travelled; its connection is gone.
    ReceiverRestarted,
    /// The receiver does not exist.
    NoSuchNode,
}

/// One thing that happened. `E` is the nodes' own closed event type (see `Node::Event`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TraceEvent<E> {
    /// A node started (at creation).
    NodeStarted(NodeId),
    /// A message reached its receiver.
    Delivered {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The message's label.
        label: &'static str,
        /// The stable hash of the message's content.
        digest: u64,
    },
    /// A message was lost.
    Lost {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The message's label.
        label: &'static str,
        /// The stable hash of the message's content.
        digest: u64,
        /// Why.
        reason: LossReason,
    },
    /// A node's timer fired.
    Timer {
        /// The node.
        node: NodeId,
        /// The timer's label.
        label: &'static str,
    },
    /// A fault was applied.
    Fault(Fault),
    /// A fault named a node that does not exist, and was ignored.
    FaultIgnored(Fault),
    /// A node went down.
    NodeCrashed(NodeId),
    /// A crashed node came back.
    NodeRestarted(NodeId),
    /// Something a node reported about itself.
    Node {
        /// The node.
        node: NodeId,
        /// What happened.
        event: E,
    },
}

/// One entry of the trace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TraceEntry<E> {
    /// When it happened.
    pub at: SimTime,
    /// What happened.
    pub event: TraceEvent<E>,
}

/// The bounded trace with its running hash.
#[derive(Clone, Debug)]
pub struct Trace<E> {
    entries: VecDeque<TraceEntry<E>>,
    capacity: usize,
    hasher: StableHasher,
    recorded: u64,
}

impl<E: Hash> Trace<E> {
    /// A trace that keeps the last `capacity` entries (the hash covers all of them regardless).
    pub fn new(capacity: usize) -> Self {
        Trace {
            entries: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            hasher: StableHasher::new(),
            recorded: 0,
        }
    }

    /// Records one entry: hashes it, and keeps it, dropping the oldest if the ring is full.
    pub fn record(&mut self, at: SimTime, event: TraceEvent<E>) {
        let entry = TraceEntry { at, event };
        entry.hash(&mut self.hasher);
        self.recorded += 1;
        if self.capacity == 0 {
            return;
        }
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// The stable hash of every entry recorded so far.
    pub fn hash(&self) -> u64 {
        self.hasher.finish()
    }

    /// How many entries were ever recorded.
    pub fn recorded(&self) -> u64 {
        self.recorded
    }

    /// The entries still kept, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &TraceEntry<E>> + ExactSizeIterator {
        self.entries.iter()
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The most entries kept at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usize_hashes_like_u64() {
        assert_eq!(StableHasher::digest(&7usize), StableHasher::digest(&7u64));
        assert_eq!(StableHasher::digest(&-7isize), StableHasher::digest(&-7i64));
    }

    #[test]
    fn pinned_values() {
        // These pin the hash function itself: they must be equal on every platform.
        assert_eq!(StableHasher::digest(&0u64), StableHasher::digest(&0u64));
        assert_ne!(StableHasher::digest("ab"), StableHasher::digest("ba"));
        assert_ne!(
            StableHasher::digest(&[1u8][..]),
            StableHasher::digest(&[1u8, 0][..])
        );
        assert_ne!(
            StableHasher::digest(&(1u32, 2u32)),
            StableHasher::digest(&(2u32, 1u32))
        );
    }
}
