//! The producer client node: generates a scenario producer's records at its rate and drives the pure
//! [`Producer`] (accumulator + sender) against the brokers.
//!
//! - Records are generated on a tick (every `max(1 ms, 1 / rate)`): each tick emits however many
//!   records are due since the start (`floor(elapsed * rate)`), so the count is exact and
//!   deterministic. Record `n` gets the key `keys.render(n)` serialized with `key.serializer`, a
//!   partition from [`choose_partition`] (murmur2) or the [`StickyPartitioner`] for null keys, and its
//!   size from the serialized key and value.
//! - The sender has ONE armed wakeup timer ([`ClusterTimer::ProducerWakeup`]); a generation counter
//!   makes earlier timers stale. Every tick also drives the sender, so a wakeup is armed only when it
//!   falls before the next tick. A crashed broker or a cut link simply never answers: the
//!   producer's `request.timeout.ms` handles it.
//! - Metadata: a bootstrap request at start, then one whenever the producer asks for an update (at most
//!   one in flight, `retry.backoff.ms` apart), to the brokers in turn. InitProducerId when idempotent.
//! - Responses on a connection come back in request order: an answer to a later request while an
//!   earlier one is outstanding means the earlier answer was lost, and, as `NetworkClient`'s
//!   correlation check does, the connection is closed (every request in flight fails with
//!   `NETWORK_EXCEPTION` and is retried).
//! - Outcomes are buffered for the simulation's durability oracle; log lines become
//!   [`ClusterEvent::ProducerLog`] events and failed batches [`ClusterEvent::ProducerError`].

use super::{ClusterEvent, ClusterMsg, ClusterNode, ClusterTimer, broker_node};
use crate::config::ProducerConfig;
use crate::config::classes::SerdeKind;
use crate::ids::{BrokerId, NodeId};
use crate::kernel::Ctx;
use crate::oracle::durability::SendOutcome;
use crate::partitioner::{PartitionChoice, StickyPartitioner, choose_partition};
use crate::producer::accumulator::{Metadata, key_value_headers_size};
use crate::producer::sender::{Completion, Outcome, Producer};
use crate::record::{ProducerRef, RecordId, TopicIdx, TopicPartition};
use crate::rng::SimRng;
use crate::scenario::{KeyTemplate, Template, TemplatePart};
use crate::serialization::{estimate_size_in_bytes_upper_bound, serialize};
use crate::time::SimTime;
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::Arc;

mod metadata;
mod restart;
pub use restart::{ManualRecord, ManualResult, SendOneError};

/// How long a metadata or InitProducerId request may stay unanswered before it is sent again.
const CLIENT_REQUEST_RETRY: SimTime = SimTime::from_millis(1_000);

/// The most records one tick generates (a guard against absurd rates times long pauses).
const MAX_RECORDS_PER_TICK: u64 = 1_000_000;

/// A producer of the simulation: what it writes, how fast, with which configuration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProducerSetup {
    /// Its name (for reports).
    pub name: String,
    /// The topic it writes to (one of the spec's topics).
    pub topic: String,
    /// Records per simulated second.
    pub rate: f64,
    /// The records' keys.
    pub keys: KeyTemplate,
    /// The records' values.
    pub value: Template,
    /// The producer configuration.
    pub config: ProducerConfig,
}

/// One batch outcome for the durability oracle.
#[derive(Clone, Debug)]
pub(crate) struct OracleOutcome {
    pub(crate) tp: TopicPartition,
    pub(crate) records: Arc<[RecordId]>,
    pub(crate) outcome: SendOutcome,
    pub(crate) created: SimTime,
    pub(crate) at: SimTime,
}

/// A producer client node.
#[derive(Clone, Debug)]
pub struct ProducerNode {
    index: u16,
    setup: ProducerSetup,
    topic: TopicIdx,
    num_partitions: i32,
    brokers: Vec<BrokerId>,
    producer: Producer,
    sticky: StickyPartitioner,
    tick: SimTime,
    next_tick: SimTime,
    started: SimTime,
    emitted: u64,
    generation: u64,
    armed: Option<SimTime>,
    metadata_sent: Option<SimTime>,
    metadata_next: SimTime,
    pid_sent: Option<SimTime>,
    next_broker: usize,
    /// Brokers whose process is down (connecting is refused).
    down: BTreeSet<BrokerId>,
    /// When a dead leader's refused connection next asks for a metadata update.
    down_retry_at: SimTime,
    /// `reconnect.backoff.max.ms`.
    reconnect_backoff_max: SimTime,
    value_field: [u32; 21],
    /// Whether the value template's text has a backslash (JSON sizes are then not cached by digits).
    value_has_backslash: bool,
    /// Reused for each record's key text (no allocation per record).
    key_buf: Vec<u8>,
    /// The running number's digits, incremented in place from one record to the next.
    number: NumberText,
    pub(crate) outcomes: Vec<OracleOutcome>,
    /// Records owed before the generator's count (`floor(elapsed * rate)`) starts: the records sent
    /// by hand and those already numbered before a restart, so numbering stays one sequence.
    base: u64,
    /// A restart in progress: the old client is closing (draining); this config comes next.
    restarting: Option<Box<ProducerConfig>>,
    /// The load (rate, keys) the restart in progress brings, when it changes it.
    restarting_load: Option<Box<(f64, KeyTemplate)>>,
    /// Records sent by hand, with their outcome once known (the latest [`restart::MAX_MANUAL`]).
    manual: Vec<ManualRecord>,
}

/// The generator's tick for `rate` records per second: `max(1 ms, 1 / rate)`.
fn tick_for(rate: f64) -> SimTime {
    let interval_us = if rate > 0.0 { (1e6 / rate).round() } else { 1e6 };
    SimTime::from_micros((interval_us as u64).max(1_000))
}

/// The partitions of `topic` (of `num_partitions`) whose leader the producer knows.
fn available_partitions(md: &Metadata, topic: TopicIdx, num_partitions: i32) -> Vec<i32> {
    (0..num_partitions)
        .filter(|p| md.leader_for(TopicPartition { topic, partition: *p }).is_some())
        .collect()
}

/// The decimal text of a running number, kept between records: numbers come one after another, so
/// the next one is usually the last one plus one, an in-place increment instead of a conversion.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct NumberText {
    digits: [u8; 20],
    start: usize,
    last: Option<u64>,
}

impl NumberText {
    /// Sets the number to `n` and returns its decimal digits (what `n.to_string()` gives).
    fn set(&mut self, n: u64) -> &[u8] {
        if self.last.and_then(|l| l.checked_add(1)) == Some(n) {
            self.increment();
        } else {
            self.write(n);
        }
        self.last = Some(n);
        self.digits()
    }

    /// The digits of the number last set.
    fn digits(&self) -> &[u8] {
        &self.digits[self.start..]
    }

    fn increment(&mut self) {
        let mut i = self.digits.len();
        while i > self.start {
            i -= 1;
            if self.digits[i] == b'9' {
                self.digits[i] = b'0';
            } else {
                self.digits[i] += 1;
                return;
            }
        }
        // All nines: one more digit (the number did not overflow, so there is room).
        self.start -= 1;
        self.digits[self.start] = b'1';
    }

    fn write(&mut self, mut n: u64) {
        let mut i = self.digits.len();
        loop {
            i -= 1;
            self.digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.start = i;
    }
}

impl ProducerNode {
    /// Producer number `index` (its records are `RecordId::new(ProducerRef(index), n)`), writing to
    /// `topic` (`num_partitions` partitions), bootstrapping from `brokers`.
    pub fn new(
        index: u16,
        setup: ProducerSetup,
        topic: TopicIdx,
        num_partitions: u32,
        brokers: Vec<BrokerId>,
        rng: SimRng,
    ) -> ProducerNode {
        let mut producer = Producer::new(&setup.config, rng);
        producer.metadata_mut().set_topic_name(topic.0, &setup.topic);
        let tick = tick_for(setup.rate);
        let batch_size = i32::try_from(setup.config.batch_size).unwrap_or(i32::MAX);
        ProducerNode {
            index,
            topic,
            num_partitions: i32::try_from(num_partitions).unwrap_or(1).max(1),
            brokers,
            producer,
            sticky: StickyPartitioner::new(batch_size),
            tick,
            next_tick: SimTime::ZERO,
            started: SimTime::ZERO,
            emitted: 0,
            generation: 0,
            armed: None,
            metadata_sent: None,
            metadata_next: SimTime::ZERO,
            pid_sent: None,
            next_broker: 0,
            down: BTreeSet::new(),
            down_retry_at: SimTime::ZERO,
            reconnect_backoff_max: SimTime::from_millis(setup.config.reconnect_backoff_max_ms.max(1)),
            value_field: [0; 21],
            value_has_backslash: (setup.value.parts().iter())
                .any(|p| matches!(p, TemplatePart::Literal(t) if t.contains('\\'))),
            key_buf: Vec::new(),
            number: NumberText::default(),
            outcomes: Vec::new(),
            base: 0,
            restarting: None,
            restarting_load: None,
            manual: Vec::new(),
            setup,
        }
    }

    /// The setup it was built from.
    pub fn setup(&self) -> &ProducerSetup {
        &self.setup
    }

    /// The producer's index in the simulation.
    pub fn index(&self) -> u16 {
        self.index
    }

    /// The client state machine (stats, metadata, accumulator).
    pub fn producer(&self) -> &Producer {
        &self.producer
    }

    /// How many records were generated.
    pub fn emitted(&self) -> u64 {
        self.emitted
    }

    pub(super) fn on_start(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        self.started = now;
        self.producer.metadata_mut().request_update();
        self.next_tick = now + self.tick;
        ctx.set_timer(self.tick, ClusterTimer::ProducerTick);
        self.drive(now, ctx);
    }

    pub(super) fn on_crash(&mut self) {
        // Clients are not crashed by the scenarios; a crash loses nothing modelled here.
    }

    /// A broker's process died and reset the connection: its requests fail with NETWORK_EXCEPTION
    /// (and are retried), and connecting to it is refused until it starts again.
    pub(super) fn on_peer_down(&mut self, now: SimTime, peer: NodeId, ctx: &mut Ctx<'_, ClusterNode>) {
        let broker = BrokerId(i32::try_from(peer.0).unwrap_or(i32::MAX));
        if !self.brokers.contains(&broker) {
            return;
        }
        self.down.insert(broker);
        let done = self.producer.broker_down(now, broker);
        self.complete(now, done, ctx);
        self.drive(now, ctx);
    }

    /// A broker started again.
    pub(super) fn on_peer_up(&mut self, now: SimTime, peer: NodeId, ctx: &mut Ctx<'_, ClusterNode>) {
        let broker = BrokerId(i32::try_from(peer.0).unwrap_or(i32::MAX));
        if self.down.remove(&broker) {
            self.producer.broker_up(broker);
            self.drive(now, ctx);
        }
    }

    pub(super) fn on_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let broker = BrokerId(i32::try_from(from.0).unwrap_or(i32::MAX));
        match msg {
            ClusterMsg::ProduceResponse {
                correlation_id,
                results,
            } => {
                // NetworkClient correlates each response with the oldest request in flight on the
                // connection: a mismatch (an earlier answer was lost) closes the connection, failing
                // every request in flight on it with NETWORK_EXCEPTION.
                let lost_earlier = self
                    .producer
                    .oldest_in_flight(broker)
                    .is_some_and(|c| c != correlation_id);
                let done = if lost_earlier {
                    self.producer.on_disconnect(now, broker)
                } else {
                    self.producer.on_response(now, broker, correlation_id, &results)
                };
                self.complete(now, done, ctx);
            }
            ClusterMsg::InitProducerIdResponse {
                producer_id,
                producer_epoch,
            } => {
                self.pid_sent = None;
                if self.producer.needs_producer_id() {
                    self.producer.set_producer_id(producer_id, producer_epoch);
                }
            }
            ClusterMsg::MetadataResponse { partitions } => self.on_metadata(now, partitions),
            _ => return,
        }
        self.drive(now, ctx);
    }

    pub(super) fn on_timer(&mut self, now: SimTime, timer: ClusterTimer, ctx: &mut Ctx<'_, ClusterNode>) {
        match timer {
            ClusterTimer::ProducerTick => {
                self.generate(now, ctx);
                self.next_tick = now + self.tick;
                ctx.set_timer(self.tick, ClusterTimer::ProducerTick);
                self.drive(now, ctx);
            }
            ClusterTimer::ProducerWakeup { generation } if generation == self.generation => {
                self.armed = None;
                self.drive(now, ctx);
            }
            _ => {}
        }
    }

    /// Emits the records due by `now`.
    fn generate(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        let elapsed = now.saturating_sub(self.started).as_micros() as f64;
        let due = (elapsed * self.setup.rate / 1e6).floor();
        let due = if due.is_finite() && due > 0.0 {
            due as u64
        } else {
            0
        };
        let count = (due.saturating_add(self.base))
            .saturating_sub(self.emitted)
            .min(MAX_RECORDS_PER_TICK);
        if count == 0 || self.restarting.is_some() {
            return;
        }
        let cfg = &self.setup.config;
        let (key_kind, value_kind, ignore_keys) = (
            cfg.key_serializer,
            cfg.value_serializer,
            cfg.partitioner_ignore_keys,
        );
        // The partitions with a leader, for the sticky partitioner only (keyed records never need
        // them): computed at the first unkeyed record of the tick.
        let mut available: Option<Vec<i32>> = None;
        for _ in 0..count {
            let n = self.emitted;
            self.emitted += 1;
            let d = self.number.set(n).len();
            let Some(value_field) = self.value_field_size(n, d, value_kind) else {
                continue;
            };
            let key = (self.setup.keys).render_with(self.number.digits(), &mut self.key_buf);
            // StringSerializer writes the UTF-8 bytes: use the rendered text as is.
            let owned;
            let key_bytes = if key_kind == SerdeKind::String {
                key
            } else {
                let text = key.map(|k| std::str::from_utf8(k).unwrap_or_default());
                owned = match serialize(key_kind, text) {
                    Ok(b) => b,
                    Err(_) => continue,
                };
                owned.as_deref()
            };
            let key_only = estimate_size_in_bytes_upper_bound(key_bytes, None, &[]);
            let kv = key_value_headers_size(key_only)
                .saturating_sub(1)
                .saturating_add(value_field);
            let choice = choose_partition(None, key_bytes, self.num_partitions, ignore_keys);
            let (partition, sticky) = match choice {
                Ok(PartitionChoice::Keyed(p)) | Ok(PartitionChoice::Explicit(p)) => (p, false),
                _ => {
                    let avail = available.get_or_insert_with(|| {
                        available_partitions(self.producer.metadata(), self.topic, self.num_partitions)
                    });
                    (self.sticky.partition(avail, self.num_partitions, ctx.rng()), true)
                }
            };
            let tp = TopicPartition {
                topic: self.topic,
                partition,
            };
            let id = RecordId::new(ProducerRef(self.index), n.min(RecordId::MAX_N));
            if let Ok(r) = self.producer.send(now, id, tp, kv)
                && sticky
            {
                let bytes = i32::try_from(r.appended_bytes).unwrap_or(i32::MAX);
                let n = self.num_partitions;
                let avail = available
                    .get_or_insert_with(|| available_partitions(self.producer.metadata(), self.topic, n));
                self.sticky
                    .on_append(bytes, r.all_batches_full, avail, n, ctx.rng());
            }
        }
    }

    /// The value field's size (length varint plus bytes; 1 for null) of record `n`; cached by the
    /// number of digits of `n` (`d`) where the serialized length depends only on that: the String
    /// serializer, and Spring's JSON serializer for `n >= 1` and a template without a backslash (the
    /// compact JSON copies digits as they are; only a `\u` escape or a leading `0` looks at their
    /// values; tests/serialization.rs checks it).
    fn value_field_size(&mut self, n: u64, d: usize, kind: SerdeKind) -> Option<u32> {
        let d = d.min(20);
        let cacheable = match kind {
            SerdeKind::String => true,
            SerdeKind::SpringJson => n >= 1 && !self.value_has_backslash,
            _ => false,
        };
        if cacheable && self.value_field[d] != 0 {
            return Some(self.value_field[d]);
        }
        let field = value_field_of(&self.setup.value, n, kind)?;
        if cacheable {
            self.value_field[d] = field;
        }
        Some(field)
    }

    /// The next bootstrap broker in turn, skipping those known to be down (`leastLoadedNode` avoids
    /// nodes in reconnect backoff) unless all are.
    fn next_bootstrap(&mut self) -> Option<NodeId> {
        let n = self.brokers.len();
        if n == 0 {
            return None;
        }
        let first = self.brokers[self.next_broker % n];
        for _ in 0..n {
            let b = self.brokers[self.next_broker % n];
            self.next_broker = self.next_broker.wrapping_add(1);
            if !self.down.contains(&b) {
                return Some(broker_node(b));
            }
        }
        Some(broker_node(first))
    }

    /// One round: metadata and producer id if needed, `poll`, send, complete, log, re-arm.
    fn drive(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        if !self.down.is_empty() && now >= self.down_retry_at && self.producer.waits_on_down_leader() {
            // Each failed connection attempt to a dead leader asks for a metadata update; attempts
            // back off to `reconnect.backoff.max.ms`.
            self.producer.metadata_mut().request_update();
            self.down_retry_at = now + self.reconnect_backoff_max;
        }
        let md_due = self.metadata_sent.is_none_or(|t| now >= t + CLIENT_REQUEST_RETRY);
        if self.producer.metadata().update_requested()
            && md_due
            && now >= self.metadata_next
            && let Some(node) = self.next_bootstrap()
        {
            ctx.send(node, ClusterMsg::MetadataRequest);
            self.metadata_sent = Some(now);
        }
        let pid_due = self.pid_sent.is_none_or(|t| now >= t + CLIENT_REQUEST_RETRY);
        if self.producer.needs_producer_id()
            && pid_due
            && let Some(node) = self.next_bootstrap()
        {
            ctx.send(node, ClusterMsg::InitProducerId);
            self.pid_sent = Some(now);
        }
        let out = self.producer.poll(now);
        for r in out.requests {
            let msg = ClusterMsg::Produce {
                correlation_id: r.correlation_id,
                acks: r.acks,
                timeout_ms: r.timeout_ms,
                partitions: r.partitions.into_iter().map(|p| (p.tp, p.batch)).collect(),
            };
            ctx.send(broker_node(r.broker), msg);
        }
        self.complete(now, out.completions, ctx);
        self.finish_restart(now, ctx);
        self.arm(now, ctx);
    }

    fn complete(&mut self, now: SimTime, completions: Vec<Completion>, ctx: &mut Ctx<'_, ClusterNode>) {
        let acks0 = self.setup.config.acks.as_i16() == 0;
        for c in completions {
            self.note_manual(&c);
            let outcome = match c.outcome {
                Outcome::Acked { base_offset } if acks0 || base_offset < 0 => SendOutcome::AckedNoOffset,
                Outcome::Acked { base_offset } => SendOutcome::Acked { base_offset },
                Outcome::Failed { error, .. } => {
                    ctx.record(ClusterEvent::ProducerError {
                        producer: self.index,
                        tp: c.tp,
                        error,
                        records: c.records.len() as u64,
                    });
                    SendOutcome::Failed { error }
                }
            };
            self.outcomes.push(OracleOutcome {
                tp: c.tp,
                records: c.records,
                outcome,
                created: c.created,
                at: now,
            });
        }
        for line in self.producer.take_logs() {
            ctx.record(ClusterEvent::ProducerLog {
                producer: self.index,
                level: line.level,
                message: line.message,
            });
        }
    }

    fn arm(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        let mut next = self.producer.next_wakeup(now);
        if self.producer.metadata().update_requested() {
            let t = self.metadata_next.max(now + SimTime::from_millis(1));
            next = Some(next.map_or(t, |n| n.min(t)));
        }
        let Some(mut at) = next else {
            return;
        };
        if at <= now {
            at = now + SimTime::from_millis(1);
        }
        if at >= self.next_tick {
            // The tick drives the sender then (and re-arms): no timer needed, which keeps the event
            // queue free of far-off wakeups that would mostly go stale.
            return;
        }
        if self.armed.is_some_and(|a| a > now && a <= at) {
            return;
        }
        self.generation += 1;
        self.armed = Some(at);
        ctx.set_timer(
            at - now,
            ClusterTimer::ProducerWakeup {
                generation: self.generation,
            },
        );
    }
}

/// The value field's size of record `n` rendered from `value` and serialized as `kind`.
fn value_field_of(value: &Template, n: u64, kind: SerdeKind) -> Option<u32> {
    let text = value.render(n);
    let bytes = serialize(kind, Some(&text)).ok()?;
    let with = estimate_size_in_bytes_upper_bound(None, bytes.as_deref(), &[]);
    let without = estimate_size_in_bytes_upper_bound(None, None, &[]);
    Some(u32::try_from(with.saturating_sub(without) + 1).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::NumberText;

    #[test]
    fn number_text_counts_like_to_string() {
        let mut number = NumberText::default();
        let mut check = |n: u64| assert_eq!(number.set(n), n.to_string().as_bytes(), "{n}");
        for n in (0..2_000).chain(9_990..10_010).chain(99_999..100_001) {
            check(n);
        }
        for n in [5, 4, 1_000_000, 999, u64::MAX - 1, u64::MAX, 0, 9, 10] {
            check(n);
        }
    }
}
