//! Records as the simulation moves them: compact, shared, immutable batches.
//!
//! The W1 workload produces 6 million records in 10 simulated minutes and must run in about a second,
//! so a record is not its bytes: it is a [`RecordId`] (8 bytes) naming the producer client and the
//! record's running number. Whatever bytes it carries can be regenerated from the producer's key and
//! value templates, or looked up in the simulation's payload store for hand-typed records. A batch's
//! records live in one `Arc<[RecordId]>` that the leader's log, every follower's copy, the producer's
//! in-flight request and the durability oracle all share: replication copies a pointer, never records.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// Which simulated producer client a record came from (dense, in creation order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProducerRef(pub u16);

/// The identity of one record the simulation produced: its producer and its running number `n`
/// (the `{n}` of the scenario's key and value templates), packed in 64 bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordId(u64);

impl RecordId {
    /// The largest running number a record can have (48 bits).
    pub const MAX_N: u64 = (1 << 48) - 1;

    /// The record numbered `n` of `producer`. `n` is taken modulo 2^48.
    pub const fn new(producer: ProducerRef, n: u64) -> RecordId {
        RecordId(((producer.0 as u64) << 48) | (n & Self::MAX_N))
    }
    /// The producer client that sent it.
    pub const fn producer(self) -> ProducerRef {
        ProducerRef((self.0 >> 48) as u16)
    }
    /// Its running number.
    pub const fn n(self) -> u64 {
        self.0 & Self::MAX_N
    }
}

impl fmt::Display for RecordId {
    /// `p0#17`: record 17 of producer 0.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}#{}", self.producer().0, self.n())
    }
}

/// A topic, by its index in the simulation's topic table (names are looked up there for display).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicIdx(pub u32);

/// One partition of one topic. Ordered by topic, then partition (the derived order, compared as one
/// 64-bit key: partitions are map keys on every hot path).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    /// The topic.
    pub topic: TopicIdx,
    /// The partition number, from 0.
    pub partition: i32,
}

impl TopicPartition {
    /// The order key: the topic in the high half, the partition (sign bit flipped, so negative numbers
    /// sort first as `i32` does) in the low half.
    #[inline]
    fn order_key(&self) -> u64 {
        (u64::from(self.topic.0) << 32) | u64::from((self.partition as u32) ^ 0x8000_0000)
    }
}

impl Ord for TopicPartition {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl PartialOrd for TopicPartition {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A leader epoch: bumped by the controller at every leader change of a partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LeaderEpoch(pub i32);

/// Kafka's "no producer id" (`RecordBatch.NO_PRODUCER_ID`).
pub const NO_PRODUCER_ID: i64 = -1;
/// Kafka's "no sequence" (`RecordBatch.NO_SEQUENCE`).
pub const NO_SEQUENCE: i32 = -1;

/// A record batch, as a producer sends it and a log stores it (magic v2).
///
/// Its `Hash` (which fingerprints every message carrying it in the trace) covers the header fields,
/// the record count and the first and last record ids, not every record id: a fetch response would
/// otherwise be hashed record by record. Batches are immutable once built, so two batches that agree
/// on all of that but differ inside are not a divergence a run could show without also differing in
/// the events around them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordBatch {
    /// The offset of the first record; assigned by the leader on append (`-1` before).
    pub base_offset: i64,
    /// The leader epoch stamped by the leader on append (`-1` before).
    pub partition_leader_epoch: i32,
    /// The idempotent producer's id, or [`NO_PRODUCER_ID`].
    pub producer_id: i64,
    /// The idempotent producer's epoch, or -1.
    pub producer_epoch: i16,
    /// The sequence number of the first record, or [`NO_SEQUENCE`].
    pub base_sequence: i32,
    /// The records, shared by every copy of this batch.
    pub records: Arc<[RecordId]>,
    /// The batch's size in bytes as Kafka counts it (header plus `DefaultRecord` sizes).
    pub size_bytes: u32,
    /// The create time of the first record, in simulated milliseconds.
    pub first_timestamp_ms: u64,
}

impl std::hash::Hash for RecordBatch {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.base_offset.hash(state);
        self.partition_leader_epoch.hash(state);
        self.producer_id.hash(state);
        self.producer_epoch.hash(state);
        self.base_sequence.hash(state);
        self.records.len().hash(state);
        self.records.first().hash(state);
        self.records.last().hash(state);
        self.size_bytes.hash(state);
        self.first_timestamp_ms.hash(state);
    }
}

impl RecordBatch {
    /// How many records the batch holds.
    pub fn len(&self) -> usize {
        self.records.len()
    }
    /// True when the batch holds no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    /// The offset of the last record (`base_offset + len - 1`).
    pub fn last_offset(&self) -> i64 {
        self.base_offset + self.records.len() as i64 - 1
    }
    /// The offset after the last record.
    pub fn next_offset(&self) -> i64 {
        self.base_offset + self.records.len() as i64
    }
    /// The sequence number of the last record, or [`NO_SEQUENCE`].
    pub fn last_sequence(&self) -> i32 {
        if self.base_sequence == NO_SEQUENCE {
            NO_SEQUENCE
        } else {
            // Kafka's sequences wrap at Integer.MAX_VALUE (DefaultRecordBatch.incrementSequence).
            let last = i64::from(self.base_sequence) + self.records.len() as i64 - 1;
            (last % (i64::from(i32::MAX) + 1)) as i32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_pack_producer_and_number() {
        let id = RecordId::new(ProducerRef(3), 1_000_000_007);
        assert_eq!(id.producer(), ProducerRef(3));
        assert_eq!(id.n(), 1_000_000_007);
        assert_eq!(id.to_string(), "p3#1000000007");
        assert!(RecordId::new(ProducerRef(0), 5) < RecordId::new(ProducerRef(1), 0));
    }

    #[test]
    fn batch_offsets_and_sequences() {
        let b = RecordBatch {
            base_offset: 10,
            partition_leader_epoch: 2,
            producer_id: 7,
            producer_epoch: 0,
            base_sequence: i32::MAX - 1,
            records: (0..4).map(|n| RecordId::new(ProducerRef(0), n)).collect(),
            size_bytes: 100,
            first_timestamp_ms: 0,
        };
        assert_eq!(b.len(), 4);
        assert_eq!(b.last_offset(), 13);
        assert_eq!(b.next_offset(), 14);
        assert_eq!(b.last_sequence(), 1, "sequences wrap past Integer.MAX_VALUE to 0");
    }
}

#[cfg(test)]
mod order_tests {
    use super::{TopicIdx, TopicPartition};

    /// The one-key order is the derived (topic, partition) order.
    #[test]
    fn topic_partitions_order_by_topic_then_partition() {
        let mut tps = Vec::new();
        for t in [0u32, 1, 7, u32::MAX] {
            for p in [i32::MIN, -1, 0, 1, 2, 49, i32::MAX] {
                tps.push(TopicPartition {
                    topic: TopicIdx(t),
                    partition: p,
                });
            }
        }
        for a in &tps {
            for b in &tps {
                assert_eq!(
                    a.cmp(b),
                    (a.topic, a.partition).cmp(&(b.topic, b.partition)),
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
