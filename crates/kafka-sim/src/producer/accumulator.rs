//! The record accumulator, as Kafka 3.7's `RecordAccumulator` and `ProducerBatch` do it: one deque of
//! batches per partition, `batch.size` and `linger.ms`, KIP-580 exponential retry backoff, the
//! `ready`/`drain` split (one batch per partition per request, `max.request.size`, a drain index per
//! broker), partition muting, delivery-timeout expiry and the idempotent producer's per-partition
//! sequence numbers (assigned the first time a batch is drained; retries keep them).
//!
//! A record is a [`RecordId`] plus the size of its key, value and headers fields: appending pushes the
//! id into the open batch's `Vec` and adds Kafka's exact `DefaultRecord.sizeInBytes` (with this
//! record's offset and timestamp deltas). Nothing else is allocated per record.
//!
//! Not modelled: `buffer.memory` (the pool is never exhausted; [`Accumulator::buffered_bytes`] reports
//! what Kafka would have allocated) and compression.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use crate::config::producer::ProducerConfig;
use crate::ids::BrokerId;
use crate::producer::vec_map::VecMap;
use crate::record::{NO_PRODUCER_ID, NO_SEQUENCE, RecordBatch, RecordId, TopicPartition};
use crate::rng::SimRng;
use crate::serialization::record_size::{
    MAX_RECORD_OVERHEAD, RECORD_BATCH_OVERHEAD, size_of_varint, size_of_varlong,
};
use crate::time::SimTime;

#[path = "metadata.rs"]
mod metadata;
pub use metadata::{Metadata, PartitionLeader};

/// `ExponentialBackoff(retry.backoff.ms, 2, retry.backoff.max.ms, 0.2).backoff(attempts)` as the 3.7
/// `RecordAccumulator` calls it (`attempts` is the batch's attempts so far minus one): `base * 2^attempts`
/// (at most `max`), times a uniform jitter factor in `[0.8, 1.2)`, capped at `max`. When `max <= base`
/// Kafka's exponent is 0 and it returns `base` without jitter. Integer arithmetic at microsecond
/// resolution; one draw from `rng` per call unless there is no jitter.
pub fn retry_backoff(attempts: u32, base_ms: u64, max_ms: u64, rng: &mut SimRng) -> SimTime {
    if max_ms <= base_ms {
        return SimTime::from_millis(base_ms);
    }
    let factor = 1u64.checked_shl(attempts).unwrap_or(u64::MAX);
    let term_us = base_ms.saturating_mul(factor).min(max_ms).saturating_mul(1_000);
    let jitter_ppm = 800_000 + rng.below(400_000);
    let value = u128::from(term_us) * u128::from(jitter_ppm) / 1_000_000;
    let value = u64::try_from(value).unwrap_or(u64::MAX);
    SimTime::from_micros(value.min(max_ms.saturating_mul(1_000)))
}

/// The size of a record's key, value and headers fields as `DefaultRecord.sizeOf` counts them (what
/// [`Accumulator::append`] takes): `estimate_size_in_bytes_upper_bound(key, value, headers) - 82`.
pub fn key_value_headers_size(upper_bound: usize) -> u32 {
    u32::try_from(upper_bound.saturating_sub(RECORD_BATCH_OVERHEAD + MAX_RECORD_OVERHEAD)).unwrap_or(u32::MAX)
}

/// The largest capacity a new batch's record `Vec` starts with (a hint only; it grows beyond).
const MAX_RECORDS_HINT: usize = 4096;

/// `DefaultRecord.sizeInBytes` from the key/value/headers size and the record's deltas.
fn record_size(offset_delta: u32, timestamp_delta_ms: u64, kv_size: u32) -> usize {
    let body = 1
        + size_of_varint(i32::try_from(offset_delta).unwrap_or(i32::MAX))
        + size_of_varlong(i64::try_from(timestamp_delta_ms).unwrap_or(i64::MAX))
        + kv_size as usize;
    body + size_of_varint(i32::try_from(body).unwrap_or(i32::MAX))
}

/// One batch of one partition (`ProducerBatch` + its `MemoryRecordsBuilder`, uncompressed v2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerBatch {
    /// Its partition.
    pub tp: TopicPartition,
    /// The records while the batch is open (empty once closed; see [`ProducerBatch::records`]).
    open: Vec<RecordId>,
    /// The records once the batch was drained (closed), shared with the request.
    sealed: Option<Arc<[RecordId]>>,
    /// `estimatedSizeInBytes`: 61 plus the exact size of every record.
    pub size_bytes: u32,
    /// `writeLimit`: `batch.size`, or the first record's upper bound when larger.
    write_limit: u32,
    /// When the first record was appended (`createdMs`).
    pub created: SimTime,
    /// When the last record was appended.
    pub last_append: SimTime,
    /// `lastAttemptMs`: creation, then each re-enqueue.
    pub last_attempt: SimTime,
    /// `attempts`: how many times the batch was re-enqueued for retry.
    pub attempts: u32,
    /// The backoff drawn at the last re-enqueue (zero before any retry).
    pub backoff: SimTime,
    /// The idempotent producer's id, or [`NO_PRODUCER_ID`].
    pub producer_id: i64,
    /// The idempotent producer's epoch, or -1.
    pub producer_epoch: i16,
    /// The base sequence, or [`NO_SEQUENCE`] until first drained (idempotent only).
    pub base_sequence: i32,
}

impl ProducerBatch {
    fn new(tp: TopicPartition, now: SimTime, write_limit: u32, capacity: usize) -> ProducerBatch {
        ProducerBatch {
            tp,
            open: Vec::with_capacity(capacity),
            sealed: None,
            size_bytes: RECORD_BATCH_OVERHEAD as u32,
            write_limit,
            created: now,
            last_append: now,
            last_attempt: now,
            attempts: 0,
            backoff: SimTime::ZERO,
            producer_id: NO_PRODUCER_ID,
            producer_epoch: -1,
            base_sequence: NO_SEQUENCE,
        }
    }

    /// How many records it holds.
    pub fn record_count(&self) -> usize {
        self.sealed.as_ref().map_or(self.open.len(), |s| s.len())
    }

    /// Its records, in append order.
    pub fn records(&self) -> &[RecordId] {
        self.sealed.as_deref().unwrap_or(&self.open)
    }

    /// The shared record array (built once, when the batch is first drained).
    pub fn shared_records(&mut self) -> Arc<[RecordId]> {
        if let Some(s) = &self.sealed {
            return Arc::clone(s);
        }
        let arc: Arc<[RecordId]> = std::mem::take(&mut self.open).into();
        self.sealed = Some(Arc::clone(&arc));
        arc
    }

    /// Whether it was drained at least once (`MemoryRecordsBuilder.isClosed`): no more appends.
    pub fn is_closed(&self) -> bool {
        self.sealed.is_some()
    }

    /// `isFull`: closed, or non-empty with `writeLimit <= estimatedBytesWritten`.
    pub fn is_full(&self) -> bool {
        self.is_closed() || (self.record_count() > 0 && self.write_limit <= self.size_bytes)
    }

    /// `hasReachedDeliveryTimeout`: `delivery.timeout.ms <= now - createdMs`.
    pub fn has_reached_delivery_timeout(&self, delivery_timeout: SimTime, now: SimTime) -> bool {
        delivery_timeout <= now - self.created
    }

    /// Whether a retried batch is still inside its backoff at `now`.
    pub fn backing_off(&self, now: SimTime) -> bool {
        self.attempts > 0 && now - self.last_attempt < self.backoff
    }

    /// The batch as the wire carries it (base offset and leader epoch unset).
    pub fn to_record_batch(&mut self) -> RecordBatch {
        RecordBatch {
            base_offset: -1,
            partition_leader_epoch: -1,
            producer_id: self.producer_id,
            producer_epoch: self.producer_epoch,
            base_sequence: self.base_sequence,
            records: self.shared_records(),
            size_bytes: self.size_bytes,
            first_timestamp_ms: self.created.as_millis(),
        }
    }

    /// `tryAppend` without the allocation check: `None` when the record does not fit.
    fn try_append(&mut self, id: RecordId, kv_size: u32, now: SimTime) -> Option<u32> {
        if self.is_full() {
            return None;
        }
        let count = self.open.len() as u32;
        let size = record_size(count, now.as_millis() - self.created.as_millis(), kv_size) as u32;
        if count > 0 && u64::from(self.write_limit) < u64::from(self.size_bytes) + u64::from(size) {
            return None;
        }
        self.open.push(id);
        self.size_bytes = self.size_bytes.saturating_add(size);
        self.last_append = now;
        Some(size)
    }
}

/// What [`Accumulator::append`] did, for the partitioner and the sender wakeup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppendResult {
    /// Bytes the partition's queue grew by (record size, plus 61 for a new batch).
    pub appended_bytes: u32,
    /// A new batch was created for the record.
    pub new_batch_created: bool,
    /// The batch the record went into is full, or more than one batch is queued (wake the sender).
    pub batch_is_full: bool,
    /// `allBatchesFull`: every batch in the partition's deque is full (`enable_switch` for the partitioner).
    pub all_batches_full: bool,
}

/// The accumulator's answer to `ready`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadyCheck {
    /// Brokers leading at least one sendable partition, ascending.
    pub ready_nodes: Vec<BrokerId>,
    /// The earliest time a not-yet-sendable batch may become sendable.
    pub next_ready_check: Option<SimTime>,
    /// Some partition with queued data has no known leader.
    pub unknown_leader: bool,
}

/// Per-partition state: the deque, the mute flag and the idempotent sequence bookkeeping.
#[derive(Clone, Debug, Default)]
struct PartitionQueue {
    deque: VecDeque<ProducerBatch>,
    muted: bool,
    next_sequence: i32,
    in_flight_sequences: BTreeSet<i32>,
    last_acked_sequence: Option<i32>,
    /// How many records the partition's last batch held when a newer one was started or it was
    /// drained: the capacity a new batch starts with, so that appends rarely grow the `Vec`.
    records_hint: usize,
}

/// The record accumulator.
#[derive(Clone, Debug)]
pub struct Accumulator {
    batch_size: u32,
    linger: SimTime,
    delivery_timeout: SimTime,
    retry_backoff_ms: u64,
    retry_backoff_max_ms: u64,
    queues: VecMap<TopicPartition, PartitionQueue>,
    drain_index: VecMap<BrokerId, usize>,
    producer: Option<(i64, i16)>,
    idempotent: bool,
    closing: bool,
    flush: bool,
}

impl Accumulator {
    /// An empty accumulator for `config` (`batch.size`, `linger.ms`, `delivery.timeout.ms`, retry backoff,
    /// effective `enable.idempotence`).
    pub fn new(config: &ProducerConfig) -> Accumulator {
        Accumulator {
            batch_size: config.effective_batch_size(),
            linger: SimTime::from_millis(config.linger_ms),
            delivery_timeout: SimTime::from_millis(u64::from(config.delivery_timeout_ms)),
            retry_backoff_ms: config.retry_backoff_ms,
            retry_backoff_max_ms: config.retry_backoff_max_ms,
            queues: VecMap::new(),
            drain_index: VecMap::new(),
            producer: None,
            idempotent: config.enable_idempotence,
            closing: false,
            flush: false,
        }
    }

    /// Whether batches wait for `tp`.
    pub fn has_queued(&self, tp: TopicPartition) -> bool {
        self.queues.get(&tp).is_some_and(|q| !q.deque.is_empty())
    }

    /// `delivery.timeout.ms` as a duration.
    pub fn delivery_timeout(&self) -> SimTime {
        self.delivery_timeout
    }

    /// Appends record `id` to `tp`'s last batch, or to a new one when it does not fit. `kv_size` is the
    /// size of its key, value and headers fields ([`key_value_headers_size`]).
    pub fn append(&mut self, now: SimTime, tp: TopicPartition, id: RecordId, kv_size: u32) -> AppendResult {
        // `get_mut` first: the partition's queue almost always exists.
        // `get_mut` first (inlined): the partition's queue almost always exists.
        let q = match self.queues.get_mut(&tp) {
            Some(q) => q,
            None => self.queues.get_or_default(tp),
        };
        let appended = q
            .deque
            .back_mut()
            .and_then(|last| last.try_append(id, kv_size, now));
        if let Some(size) = appended {
            let last_full = q.deque.back().is_some_and(ProducerBatch::is_full);
            let full = q.deque.len() > 1 || last_full;
            let all_full = if q.deque.len() == 1 {
                last_full
            } else {
                q.deque.iter().all(ProducerBatch::is_full)
            };
            return AppendResult {
                appended_bytes: size,
                new_batch_created: false,
                batch_is_full: full,
                all_batches_full: all_full,
            };
        }
        let upper = (RECORD_BATCH_OVERHEAD + MAX_RECORD_OVERHEAD) as u32 + kv_size;
        if let Some(last) = q.deque.back() {
            q.records_hint = last.record_count();
        }
        // A little headroom over the last batch, so one more record does not double the Vec.
        let capacity = (q.records_hint + q.records_hint / 8 + 2).min(MAX_RECORDS_HINT);
        let mut batch = ProducerBatch::new(tp, now, self.batch_size.max(upper), capacity);
        let size = batch.try_append(id, kv_size, now).unwrap_or(0);
        q.deque.push_back(batch);
        let full = q.deque.len() > 1 || q.deque.back().is_some_and(ProducerBatch::is_full);
        AppendResult {
            appended_bytes: size + RECORD_BATCH_OVERHEAD as u32,
            new_batch_created: true,
            batch_is_full: full,
            all_batches_full: q.deque.iter().all(ProducerBatch::is_full),
        }
    }

    /// `ready`: which brokers have a sendable partition, and when to check again. A partition's first
    /// batch is sendable when it is full or not alone, has waited `linger.ms` (a retried batch: its
    /// backoff), or the accumulator is closing or flushing; muted partitions and partitions without a
    /// leader are skipped.
    pub fn ready(&self, now: SimTime, metadata: &Metadata) -> ReadyCheck {
        let mut out = ReadyCheck::default();
        for (tp, q) in self.queues.iter() {
            let Some(batch) = q.deque.front() else { continue };
            let Some(leader) = metadata.leader_for(*tp) else {
                out.unknown_leader = true;
                continue;
            };
            if out.ready_nodes.contains(&leader) || q.muted {
                continue;
            }
            let waited = now - batch.last_attempt;
            let backing_off = batch.backing_off(now);
            let time_to_wait = if backing_off { batch.backoff } else { self.linger };
            let full = q.deque.len() > 1 || batch.is_full();
            let expired = waited >= time_to_wait;
            let sendable = full || expired || self.closing || self.flush;
            if sendable && !backing_off {
                out.ready_nodes.push(leader);
            } else {
                let at = batch.last_attempt + time_to_wait;
                out.next_ready_check = Some(out.next_ready_check.map_or(at, |t| t.min(at)));
            }
        }
        crate::sort::sort(&mut out.ready_nodes);
        out
    }

    /// `drain` for one broker: at most one batch per partition it leads, in rotation from the broker's
    /// drain index, until `max_request_size` (a first batch is always taken). Idempotent: nothing until a
    /// producer id is set; a batch gets its partition's next sequence the first time it is drained; a
    /// retried batch goes only when it is the partition's first in-flight sequence.
    pub fn drain_node(
        &mut self,
        now: SimTime,
        metadata: &Metadata,
        broker: BrokerId,
        max_request_size: u32,
    ) -> Vec<ProducerBatch> {
        let mut ready = Vec::new();
        if self.idempotent && self.producer.is_none() {
            return ready;
        }
        let parts = metadata.led_by(broker);
        if parts.is_empty() {
            return ready;
        }
        let mut size: u64 = 0;
        let mut index = self.drain_index.get(&broker).copied().unwrap_or(0) % parts.len();
        let start = index;
        loop {
            let tp = parts[index];
            self.drain_index.insert(broker, index);
            index = (index + 1) % parts.len();
            if let Some(q) = self.queues.get_mut(&tp)
                && !q.muted
                && let Some(first) = q.deque.front()
                && !first.backing_off(now)
            {
                if size + u64::from(first.size_bytes) > u64::from(max_request_size) && !ready.is_empty() {
                    break;
                }
                let first_in_flight = q.in_flight_sequences.first().copied();
                if self.idempotent
                    && first.base_sequence != NO_SEQUENCE
                    && first_in_flight.is_some_and(|s| s != first.base_sequence)
                {
                    break;
                }
                let Some(mut batch) = q.deque.pop_front() else {
                    break;
                };
                if !batch.is_closed() {
                    q.records_hint = batch.record_count();
                }
                if let Some((pid, epoch)) = self.producer
                    && batch.base_sequence == NO_SEQUENCE
                {
                    batch.producer_id = pid;
                    batch.producer_epoch = epoch;
                    batch.base_sequence = q.next_sequence;
                    let n = batch.record_count() as i64;
                    q.next_sequence = ((i64::from(q.next_sequence) + n) % (i64::from(i32::MAX) + 1)) as i32;
                }
                if batch.base_sequence != NO_SEQUENCE {
                    q.in_flight_sequences.insert(batch.base_sequence);
                }
                batch.shared_records();
                size += u64::from(batch.size_bytes);
                ready.push(batch);
            }
            if index == start {
                break;
            }
        }
        ready
    }

    /// Whether [`Accumulator::drain_node`] would return a batch for `broker` now (the same walk, without
    /// changes): lets the sender tell a ready broker from one whose drain is blocked.
    pub fn can_drain(&self, now: SimTime, metadata: &Metadata, broker: BrokerId) -> bool {
        if self.idempotent && self.producer.is_none() {
            return false;
        }
        let parts = metadata.led_by(broker);
        if parts.is_empty() {
            return false;
        }
        let start = self.drain_index.get(&broker).copied().unwrap_or(0) % parts.len();
        for i in 0..parts.len() {
            let Some(q) = self.queues.get(&parts[(start + i) % parts.len()]) else {
                continue;
            };
            let Some(first) = q.deque.front() else { continue };
            if q.muted || first.backing_off(now) {
                continue;
            }
            let first_in_flight = q.in_flight_sequences.first().copied();
            return !(self.idempotent
                && first.base_sequence != NO_SEQUENCE
                && first_in_flight.is_some_and(|s| s != first.base_sequence));
        }
        false
    }

    /// `reenqueue`: a batch to retry goes back to the front of its deque (idempotent: in sequence order
    /// among the retried batches there), with `attempts + 1` and a fresh backoff drawn from `rng`.
    pub fn reenqueue(&mut self, now: SimTime, mut batch: ProducerBatch, rng: &mut SimRng) {
        batch.attempts += 1;
        batch.last_attempt = now;
        batch.backoff = retry_backoff(
            batch.attempts - 1,
            self.retry_backoff_ms,
            self.retry_backoff_max_ms,
            rng,
        );
        let q = self.queues.get_or_default(batch.tp);
        if batch.base_sequence == NO_SEQUENCE {
            q.deque.push_front(batch);
            return;
        }
        let pos = q
            .deque
            .iter()
            .position(|b| b.base_sequence == NO_SEQUENCE || b.base_sequence > batch.base_sequence)
            .unwrap_or(q.deque.len());
        q.deque.insert(pos, batch);
    }

    /// `expiredBatches`: removes and returns every queued batch that reached `delivery.timeout.ms`
    /// (from the front of each deque, stopping at the first one that has not).
    pub fn expired_batches(&mut self, now: SimTime) -> Vec<ProducerBatch> {
        let mut expired = Vec::new();
        for q in self.queues.values_mut() {
            while q
                .deque
                .front()
                .is_some_and(|b| b.has_reached_delivery_timeout(self.delivery_timeout, now))
            {
                if let Some(b) = q.deque.pop_front() {
                    expired.push(b);
                }
            }
        }
        expired
    }

    /// The earliest delivery-timeout expiry of a queued batch.
    pub fn next_expiry(&self) -> Option<SimTime> {
        self.queues
            .values()
            .filter_map(|q| q.deque.front())
            .map(|b| b.created + self.delivery_timeout)
            .min()
    }

    /// Mutes `tp` (`max.in.flight.requests.per.connection=1`: one request per partition at a time).
    pub fn mute(&mut self, tp: TopicPartition) {
        self.queues.get_or_default(tp).muted = true;
    }

    /// Unmutes `tp`.
    pub fn unmute(&mut self, tp: TopicPartition) {
        if let Some(q) = self.queues.get_mut(&tp) {
            q.muted = false;
        }
    }

    /// Whether `tp` is muted.
    pub fn is_muted(&self, tp: TopicPartition) -> bool {
        self.queues.get(&tp).is_some_and(|q| q.muted)
    }

    /// Sets the idempotent producer id and epoch (from InitProducerId). A new id or epoch restarts every
    /// partition's sequences at 0.
    pub fn set_producer_id(&mut self, producer_id: i64, epoch: i16) {
        if self.producer != Some((producer_id, epoch)) {
            for q in self.queues.values_mut() {
                q.next_sequence = 0;
                q.last_acked_sequence = None;
            }
        }
        self.producer = Some((producer_id, epoch));
    }

    /// The idempotent producer id and epoch, once set.
    pub fn producer_id(&self) -> Option<(i64, i16)> {
        self.producer
    }

    /// Whether the accumulator assigns sequences (effective `enable.idempotence`).
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The sequence the next new batch of `tp` will get.
    pub fn next_sequence(&self, tp: TopicPartition) -> i32 {
        self.queues.get(&tp).map_or(0, |q| q.next_sequence)
    }

    /// The last sequence the broker acknowledged for `tp`, if any.
    pub fn last_acked_sequence(&self, tp: TopicPartition) -> Option<i32> {
        self.queues.get(&tp).and_then(|q| q.last_acked_sequence)
    }

    /// `isNextSequence`: whether `base_sequence` directly follows the last acknowledged one.
    pub fn is_next_sequence(&self, tp: TopicPartition, base_sequence: i32) -> bool {
        let last = self.last_acked_sequence(tp).map_or(-1, i64::from);
        i64::from(base_sequence) == last + 1
    }

    /// A batch of `tp` finished (acked or failed): its sequence is no longer in flight; when acked, its
    /// last sequence becomes the partition's last acknowledged one.
    pub fn batch_done(&mut self, batch: &ProducerBatch, acked: bool) {
        if batch.base_sequence == NO_SEQUENCE {
            return;
        }
        if let Some(q) = self.queues.get_mut(&batch.tp) {
            q.in_flight_sequences.remove(&batch.base_sequence);
            if acked {
                let last = (i64::from(batch.base_sequence) + batch.record_count() as i64 - 1)
                    .rem_euclid(i64::from(i32::MAX) + 1) as i32;
                q.last_acked_sequence = Some(q.last_acked_sequence.map_or(last, |l| l.max(last)));
            }
        }
    }

    /// `beginFlush` (`true`) / `awaitFlushCompletion` done (`false`): every batch is sendable meanwhile.
    pub fn set_flush(&mut self, flush: bool) {
        self.flush = flush;
    }

    /// `close`: every batch is sendable from now on.
    pub fn close(&mut self) {
        self.closing = true;
    }

    /// The queued batches of `tp`, front first.
    pub fn batches(&self, tp: TopicPartition) -> impl Iterator<Item = &ProducerBatch> {
        self.queues.get(&tp).into_iter().flat_map(|q| q.deque.iter())
    }

    /// How many batches are queued for `tp`.
    pub fn queued_batches(&self, tp: TopicPartition) -> usize {
        self.queues.get(&tp).map_or(0, |q| q.deque.len())
    }

    /// Whether any batch is queued.
    pub fn has_undrained(&self) -> bool {
        self.queues.values().any(|q| !q.deque.is_empty())
    }

    /// What Kafka's buffer pool would hold for the queued batches (`max(batch.size, first record)` each).
    pub fn buffered_bytes(&self) -> u64 {
        self.queues
            .values()
            .flat_map(|q| q.deque.iter())
            .map(|b| u64::from(b.write_limit))
            .sum()
    }
}
