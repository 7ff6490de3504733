//! Kafka's default producer partitioner: murmur2 over the serialized key, sticky for null keys.
//!
//! This is Kafka 3.7's `KafkaProducer.partition` plus `BuiltInPartitioner` (KIP-794):
//! 1. an explicit partition on the record wins ([`PartitionChoice::Explicit`]);
//! 2. else a non-null serialized key, unless `partitioner.ignore.keys=true`, goes to
//!    `toPositive(murmur2(key)) % numPartitions`, counting **all** partitions, with or without a leader
//!    ([`PartitionChoice::Keyed`]);
//! 3. else the record is unkeyed and the accumulator asks the per-topic [`StickyPartitioner`]
//!    ([`PartitionChoice::Sticky`]).
//!
//! A custom `partitioner.class` is not modelled here.

use crate::rng::SimRng;
use std::fmt;

/// `Utils.murmur2`: Kafka's 32-bit murmur2 hash, seed `0x9747b28c`, with Java's wrapping `int`
/// arithmetic and unsigned shifts. The result is Java's signed `int`.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;

    // Java's `length` is an int; a slice longer than i32::MAX wraps as a cast would.
    let mut h: u32 = SEED ^ (data.len() as u32);
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = blocks.remainder();
    if let Some(&b) = tail.get(2) {
        h ^= u32::from(b) << 16;
    }
    if let Some(&b) = tail.get(1) {
        h ^= u32::from(b) << 8;
    }
    if let Some(&b) = tail.first() {
        h ^= u32::from(b);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// `Utils.toPositive`: `n & 0x7fffffff`. Not `abs`: `to_positive(i32::MIN) == 0`.
pub const fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// `BuiltInPartitioner.partitionForKey`: `toPositive(murmur2(key)) % numPartitions`.
///
/// `num_partitions` is the count of all the topic's partitions. A topic always has at least one; a
/// non-positive count (where Java would divide by zero) is treated as 1, so the answer is 0.
pub fn partition_for_key(serialized_key: &[u8], num_partitions: i32) -> i32 {
    to_positive(murmur2(serialized_key)) % num_partitions.max(1)
}

/// What `KafkaProducer.partition` decided for one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionChoice {
    /// The record named its partition.
    Explicit(i32),
    /// The key's murmur2 hash chose it.
    Keyed(i32),
    /// No partition and no (usable) key: `RecordMetadata.UNKNOWN_PARTITION`; the accumulator asks the
    /// topic's [`StickyPartitioner`].
    Sticky,
}

impl PartitionChoice {
    /// The chosen partition, or `None` for [`PartitionChoice::Sticky`].
    pub fn partition(self) -> Option<i32> {
        match self {
            PartitionChoice::Explicit(p) | PartitionChoice::Keyed(p) => Some(p),
            PartitionChoice::Sticky => None,
        }
    }
}

/// A record's explicit partition that Kafka refuses, with Kafka's exception text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PartitionError {
    /// `new ProducerRecord(...)` with a negative partition: `IllegalArgumentException`.
    #[error("Invalid partition: {0}. Partition number should always be non-negative or null.")]
    Negative(i32),
    /// `KafkaProducer.waitOnMetadata` for a partition past the topic's end: `KafkaException`.
    #[error("Invalid partition given with record: {partition} is not in the range [0...{count}).")]
    OutOfRange {
        /// The record's partition.
        partition: i32,
        /// The topic's partition count.
        count: i32,
    },
}

/// `KafkaProducer.partition` with the built-in partitioner: explicit partition, else the key's hash
/// over all `num_partitions` (unless `ignore_keys`, i.e. `partitioner.ignore.keys=true`), else sticky.
pub fn choose_partition(
    explicit: Option<i32>,
    serialized_key: Option<&[u8]>,
    num_partitions: i32,
    ignore_keys: bool,
) -> Result<PartitionChoice, PartitionError> {
    if let Some(p) = explicit {
        if p < 0 {
            return Err(PartitionError::Negative(p));
        }
        if p >= num_partitions {
            return Err(PartitionError::OutOfRange {
                partition: p,
                count: num_partitions,
            });
        }
        return Ok(PartitionChoice::Explicit(p));
    }
    match serialized_key {
        Some(key) if !ignore_keys => Ok(PartitionChoice::Keyed(partition_for_key(key, num_partitions))),
        _ => Ok(PartitionChoice::Sticky),
    }
}

/// The adaptive load statistics (`partitioner.adaptive.partitioning.enable=true`): a cumulative
/// frequency table built from the partitions' queue sizes, as `BuiltInPartitioner.updatePartitionLoadStats`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LoadStats {
    cumulative: Vec<i32>,
    partition_ids: Vec<i32>,
}

/// `BuiltInPartitioner`: the per-topic uniform sticky partitioner for unkeyed records (KIP-794).
///
/// It picks a partition at random among the available ones (those with a leader; all partitions if
/// none has one), sticks to it, and switches once at least `batch.size` bytes were appended to it (or
/// `2 * batch.size` when the accumulator disabled switching because the queue still had a non-full
/// batch). With load statistics ([`StickyPartitioner::update_load_stats`]) the pick is weighted toward
/// partitions with shorter queues, as Kafka's adaptive partitioning does.
///
/// Kafka draws `toPositive(ThreadLocalRandom.nextInt())`; here the draw comes from the simulation's
/// [`SimRng`], so the same seed gives the same partitions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StickyPartitioner {
    sticky_batch_size: i64,
    current: Option<i32>,
    produced_bytes: i64,
    load_stats: Option<LoadStats>,
}

impl StickyPartitioner {
    /// A partitioner for one topic. `batch_size` is the producer's `batch.size`; Kafka uses
    /// `max(1, batch.size)` as the sticky size.
    pub fn new(batch_size: i32) -> Self {
        StickyPartitioner {
            sticky_batch_size: i64::from(batch_size.max(1)),
            current: None,
            produced_bytes: 0,
            load_stats: None,
        }
    }

    /// The bytes to produce to a partition before switching (`max(1, batch.size)`).
    pub fn sticky_batch_size(&self) -> i64 {
        self.sticky_batch_size
    }

    /// The current sticky partition, if one was chosen.
    pub fn current(&self) -> Option<i32> {
        self.current
    }

    /// Bytes appended to the current sticky partition since it was chosen.
    pub fn produced_bytes(&self) -> i64 {
        self.produced_bytes
    }

    /// `peekCurrentPartitionInfo`: the partition for the next unkeyed record, choosing one if there is
    /// none yet. `available` are the partitions with a leader, in metadata order; `num_partitions`
    /// counts all of them.
    pub fn partition(&mut self, available: &[i32], num_partitions: i32, rng: &mut SimRng) -> i32 {
        match self.current {
            Some(p) => p,
            None => {
                let p = self.next_partition(available, num_partitions, rng);
                self.current = Some(p);
                self.produced_bytes = 0;
                p
            }
        }
    }

    /// `updatePartitionInfo`: `appended_bytes` were appended to the current sticky partition (the
    /// growth of the batch, which includes the batch header when the record opened a new batch).
    /// `enable_switch` is the accumulator's "all batches in the queue are full". Returns the new
    /// partition when it switched.
    pub fn on_append(
        &mut self,
        appended_bytes: i32,
        enable_switch: bool,
        available: &[i32],
        num_partitions: i32,
        rng: &mut SimRng,
    ) -> Option<i32> {
        self.current?;
        self.produced_bytes = self.produced_bytes.saturating_add(i64::from(appended_bytes));
        let size = self.sticky_batch_size;
        if (self.produced_bytes >= size && enable_switch) || self.produced_bytes >= size * 2 {
            let p = self.next_partition(available, num_partitions, rng);
            self.current = Some(p);
            self.produced_bytes = 0;
            Some(p)
        } else {
            None
        }
    }

    /// `updatePartitionLoadStats`: the queue sizes (in batches) of the partitions with a leader, with
    /// their ids, or `None` to turn adaptive weighting off. `num_partitions` counts all partitions.
    /// Like Kafka, stats are dropped (uniform choice) with fewer than 2 partitions, no available
    /// partition, or when every partition is available and all queues are equal.
    pub fn update_load_stats(&mut self, queues: Option<(&[i32], &[i32])>, num_partitions: i32) {
        self.load_stats = None;
        let Some((queue_sizes, partition_ids)) = queues else {
            return;
        };
        let length = queue_sizes.len().min(partition_ids.len());
        if length < 1 || num_partitions < 2 {
            return;
        }
        let sizes = &queue_sizes[..length];
        let max = sizes.iter().copied().max().unwrap_or(0);
        let all_equal = sizes.iter().all(|&s| s == sizes[0]);
        if all_equal && i64::try_from(length).unwrap_or(i64::MAX) == i64::from(num_partitions) {
            return;
        }
        let max_plus_1 = max.saturating_add(1);
        let mut cumulative = Vec::with_capacity(length);
        let mut running: i32 = 0;
        for &s in sizes {
            running = running.saturating_add(max_plus_1.saturating_sub(s));
            cumulative.push(running);
        }
        self.load_stats = Some(LoadStats {
            cumulative,
            partition_ids: partition_ids[..length].to_vec(),
        });
    }

    /// `nextPartition`: one random draw, then a uniform pick among `available` (all partitions when
    /// none is available), or a weighted pick when load stats are set.
    fn next_partition(&self, available: &[i32], num_partitions: i32, rng: &mut SimRng) -> i32 {
        let random = to_positive(rng.next_u32() as i32);
        if let Some(stats) = &self.load_stats {
            let total = stats.cumulative.last().copied().unwrap_or(0);
            if total > 0 {
                let weighted = random % total;
                // The first entry strictly greater than the draw.
                let index = stats.cumulative.partition_point(|&c| c <= weighted);
                if let Some(&p) = stats.partition_ids.get(index) {
                    return p;
                }
            }
        }
        match u32::try_from(available.len()) {
            Ok(n) if n > 0 => available[(random as u32 % n) as usize],
            _ => random % num_partitions.max(1),
        }
    }
}

impl fmt::Display for PartitionChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartitionChoice::Explicit(p) => write!(f, "partition {p} (explicit)"),
            PartitionChoice::Keyed(p) => write!(f, "partition {p} (key hash)"),
            PartitionChoice::Sticky => write!(f, "sticky partition"),
        }
    }
}
