//! The sender, as Kafka 3.7's `Sender` and `NetworkClient` do it, around the [`Accumulator`]: a pure state
//! machine the producer node drives with `now`.
//!
//! - [`Producer::send`] appends a record; [`Producer::poll`] returns the produce requests to send now and
//!   the batches that completed (acks=0 sends, delivery-timeout expiries, request timeouts);
//!   [`Producer::on_response`] and [`Producer::on_disconnect`] complete in-flight requests;
//!   [`Producer::next_wakeup`] is the one timer the node arms.
//! - In flight per broker: at most `max.in.flight.requests.per.connection`; with 1, drained partitions are
//!   muted until their batch completes (`guaranteeMessageOrder`).
//! - A request older than `request.timeout.ms` disconnects its broker (`NetworkClient.handleTimedOutRequests`):
//!   every in-flight request to it completes as timed out, i.e. each batch with `REQUEST_TIMED_OUT` and
//!   `Disconnected from node N due to timeout`. A disconnect completes them with `NETWORK_EXCEPTION` and
//!   `Disconnected from node N`. Both request a metadata update; the broker is not used again for
//!   `reconnect.backoff.ms` (no jitter, no exponential growth: simplified).
//! - `completeBatch`: success; `canRetry` (delivery timeout not reached, `attempts < retries`, not done,
//!   retriable; idempotent: `OUT_OF_ORDER_SEQUENCE_NUMBER` is retried when the batch is not the next
//!   sequence) re-enqueues at the front with KIP-580 backoff; `DUPLICATE_SEQUENCE_NUMBER` is a success;
//!   anything else fails the batch. `InvalidMetadataException`s (including `NetworkException`) request a
//!   metadata update.
//!
//! Not modelled: the idempotent epoch bump (KIP-360) after `OUT_OF_ORDER_SEQUENCE_NUMBER` on the next
//! sequence or `UNKNOWN_PRODUCER_ID` (both fail the batch), sequence adjustment after a failed batch,
//! splitting a batch on `MESSAGE_TOO_LARGE` (the batch fails), `buffer.memory` blocking, transactions.

use std::collections::VecDeque;

use crate::producer::vec_map::VecMap;

use crate::config::producer::{Acks, ProducerConfig};
use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::record::{RecordId, TopicPartition};
use crate::rng::SimRng;
use crate::time::SimTime;

use super::accumulator::{Accumulator, AppendResult, Metadata, ProducerBatch};

#[path = "stats.rs"]
mod stats;
pub use stats::ProducerStats;

#[path = "sender_types.rs"]
mod types;
pub use types::{
    Completion, Outcome, PartitionData, PartitionResult, PollOutput, ProduceRequest, ProducerLog, SendError,
};

#[derive(Clone, Debug)]
struct InFlightBatch {
    batch: ProducerBatch,
    done: bool,
}

#[derive(Clone, Debug)]
struct InFlightRequest {
    correlation_id: i32,
    sent: SimTime,
    batches: Vec<InFlightBatch>,
}

#[derive(Clone, Debug, Default)]
struct Connection {
    in_flight: VecDeque<InFlightRequest>,
    blocked_until: SimTime,
    /// The broker's process is down: connecting is refused until it starts again.
    down: bool,
}

/// One producer client: accumulator, metadata, connections, counters.
#[derive(Clone, Debug)]
pub struct Producer {
    acks: Acks,
    retries: u32,
    max_in_flight: usize,
    request_timeout: SimTime,
    max_request_size: u32,
    reconnect_backoff: SimTime,
    accumulator: Accumulator,
    metadata: Metadata,
    connections: VecMap<BrokerId, Connection>,
    next_correlation_id: i32,
    closed: bool,
    rng: SimRng,
    stats: ProducerStats,
    logs: Vec<ProducerLog>,
}

/// `InvalidMetadataException` subclasses among the produce errors.
fn is_invalid_metadata(error: ErrorCode) -> bool {
    matches!(
        error,
        ErrorCode::UnknownTopicOrPartition
            | ErrorCode::LeaderNotAvailable
            | ErrorCode::NotLeaderOrFollower
            | ErrorCode::NetworkException
            | ErrorCode::KafkaStorageError
            | ErrorCode::FencedLeaderEpoch
            | ErrorCode::UnknownLeaderEpoch
    )
}

fn earliest(a: Option<SimTime>, b: SimTime) -> Option<SimTime> {
    Some(a.map_or(b, |a| a.min(b)))
}

impl Producer {
    /// A producer for `config`; `rng` (a fork of the simulation's) draws the retry-backoff jitter.
    pub fn new(config: &ProducerConfig, rng: SimRng) -> Producer {
        Producer {
            acks: config.acks,
            retries: u32::try_from(config.retries).unwrap_or(0),
            max_in_flight: (config.max_in_flight_requests_per_connection as usize).max(1),
            request_timeout: SimTime::from_millis(u64::from(config.request_timeout_ms)),
            max_request_size: config.max_request_size,
            reconnect_backoff: SimTime::from_millis(config.reconnect_backoff_ms),
            accumulator: Accumulator::new(config),
            metadata: Metadata::new(),
            connections: VecMap::new(),
            next_correlation_id: 0,
            closed: false,
            rng,
            stats: ProducerStats::default(),
            logs: Vec::new(),
        }
    }

    /// `send`: appends record `id` (key/value/headers fields of `kv_size` bytes, see
    /// [`super::accumulator::key_value_headers_size`]) to `tp`'s batches.
    pub fn send(
        &mut self,
        now: SimTime,
        id: RecordId,
        tp: TopicPartition,
        kv_size: u32,
    ) -> Result<AppendResult, SendError> {
        if self.closed {
            return Err(SendError::Closed);
        }
        let result = self.accumulator.append(now, tp, id, kv_size);
        self.stats.sent += 1;
        if result.new_batch_created {
            self.stats.batches += 1;
        }
        Ok(result)
    }

    /// Sets the idempotent producer id and epoch (the node's InitProducerId). Until then an idempotent
    /// producer sends nothing.
    pub fn set_producer_id(&mut self, producer_id: i64, epoch: i16) {
        self.accumulator.set_producer_id(producer_id, epoch);
    }

    /// Whether the node must obtain a producer id (idempotent and none yet).
    pub fn needs_producer_id(&self) -> bool {
        self.accumulator.is_idempotent() && self.accumulator.producer_id().is_none()
    }

    /// The metadata cache (the node feeds metadata responses into it).
    pub fn metadata_mut(&mut self) -> &mut Metadata {
        &mut self.metadata
    }

    /// The metadata cache.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// The accumulator (read-only).
    pub fn accumulator(&self) -> &Accumulator {
        &self.accumulator
    }

    /// The counters.
    pub fn stats(&self) -> &ProducerStats {
        &self.stats
    }

    /// Takes the log lines written since the last call.
    pub fn take_logs(&mut self) -> Vec<ProducerLog> {
        std::mem::take(&mut self.logs)
    }

    /// `close`: no more sends; everything queued becomes sendable.
    pub fn close(&mut self) {
        self.closed = true;
        self.accumulator.close();
    }

    /// How many requests are in flight to `broker`.
    pub fn in_flight(&self, broker: BrokerId) -> usize {
        self.connections.get(&broker).map_or(0, |c| c.in_flight.len())
    }

    /// The correlation id of the oldest request in flight to `broker`: responses on one connection
    /// come back in request order, so an answer to a later one means this one's answer was lost.
    pub fn oldest_in_flight(&self, broker: BrokerId) -> Option<i32> {
        self.connections
            .get(&broker)?
            .in_flight
            .front()
            .map(|r| r.correlation_id)
    }

    fn can_send_to(&self, broker: BrokerId, now: SimTime) -> bool {
        self.connections
            .get(&broker)
            .is_none_or(|c| c.in_flight.len() < self.max_in_flight && c.blocked_until <= now && !c.down)
    }

    /// `broker`'s process died and reset the connection: what was in flight fails with
    /// `NETWORK_EXCEPTION` (retriable), metadata is refreshed, and nothing is sent to it until
    /// [`Producer::broker_up`].
    pub fn broker_down(&mut self, now: SimTime, broker: BrokerId) -> Vec<Completion> {
        let conn = self.connections.get_or_default(broker);
        conn.down = true;
        if conn.in_flight.is_empty() {
            return Vec::new();
        }
        self.logs.push(ProducerLog {
            level: "INFO",
            message: format!("Node {broker} disconnected."),
        });
        self.on_disconnect(now, broker)
    }

    /// `broker`'s process started again: connecting to it can succeed.
    pub fn broker_up(&mut self, broker: BrokerId) {
        if let Some(c) = self.connections.get_mut(&broker) {
            c.down = false;
        }
    }

    /// Whether the leader of some partition with queued batches is down (its connection attempts
    /// keep failing, and each failure asks for a metadata update).
    pub fn waits_on_down_leader(&self) -> bool {
        (self.connections.iter()).any(|(b, c)| {
            c.down && (self.metadata.led_by(*b).iter()).any(|tp| self.accumulator.has_queued(*tp))
        })
    }

    /// One `Sender.runOnce` at `now`: request timeouts, then `sendProducerData` (ready, drain, mute,
    /// delivery-timeout expiry of in-flight then queued batches, send).
    pub fn poll(&mut self, now: SimTime) -> PollOutput {
        let mut out = PollOutput::default();
        self.handle_timed_out_requests(now, &mut out.completions);
        let ready = self.accumulator.ready(now, &self.metadata);
        if ready.unknown_leader {
            self.metadata.request_update();
        }
        let mut drained = Vec::new();
        for broker in ready.ready_nodes {
            if !self.can_send_to(broker, now) {
                continue;
            }
            let batches = self
                .accumulator
                .drain_node(now, &self.metadata, broker, self.max_request_size);
            if !batches.is_empty() {
                drained.push((broker, batches));
            }
        }
        if self.max_in_flight == 1 {
            for b in drained.iter().flat_map(|(_, bs)| bs.iter()) {
                self.accumulator.mute(b.tp);
            }
        }
        self.expire_in_flight(now, &mut out.completions);
        for b in self.accumulator.expired_batches(now) {
            self.expire(now, b, &mut out.completions);
        }
        for (broker, batches) in drained {
            self.send_request(now, broker, batches, &mut out);
        }
        out
    }

    fn send_request(
        &mut self,
        now: SimTime,
        broker: BrokerId,
        batches: Vec<ProducerBatch>,
        out: &mut PollOutput,
    ) {
        let correlation_id = self.next_correlation_id;
        self.next_correlation_id = self.next_correlation_id.wrapping_add(1);
        self.stats.requests += 1;
        let mut partitions = Vec::with_capacity(batches.len());
        let mut in_flight = Vec::with_capacity(batches.len());
        for mut batch in batches {
            partitions.push(PartitionData {
                tp: batch.tp,
                batch: batch.to_record_batch(),
            });
            in_flight.push(InFlightBatch { batch, done: false });
        }
        out.requests.push(ProduceRequest {
            broker,
            correlation_id,
            acks: self.acks.as_i16(),
            timeout_ms: u32::try_from(self.request_timeout.as_millis()).unwrap_or(u32::MAX),
            partitions,
        });
        if self.acks == Acks::Zero {
            // No response expected: NetworkClient completes the send at once and the sender acks with -1.
            for b in in_flight {
                self.complete(
                    now,
                    correlation_id,
                    b.batch,
                    ErrorCode::None,
                    -1,
                    None,
                    &mut out.completions,
                );
            }
            return;
        }
        let conn = self.connections.get_or_default(broker);
        conn.in_flight.push_back(InFlightRequest {
            correlation_id,
            sent: now,
            batches: in_flight,
        });
    }

    /// A produce response from `broker` for `correlation_id`. Unknown correlation ids are ignored; a batch
    /// the response does not mention fails with `UNKNOWN_SERVER_ERROR`.
    pub fn on_response(
        &mut self,
        now: SimTime,
        broker: BrokerId,
        correlation_id: i32,
        results: &[PartitionResult],
    ) -> Vec<Completion> {
        let mut completions = Vec::new();
        let Some(conn) = self.connections.get_mut(&broker) else {
            return completions;
        };
        let Some(pos) = conn
            .in_flight
            .iter()
            .position(|r| r.correlation_id == correlation_id)
        else {
            return completions;
        };
        let Some(request) = conn.in_flight.remove(pos) else {
            return completions;
        };
        for b in request.batches {
            if b.done {
                continue;
            }
            let (error, offset, message) = match results.iter().find(|r| r.tp == b.batch.tp) {
                Some(r) => (r.error, r.base_offset, r.error_message.clone()),
                None => (ErrorCode::UnknownServerError, -1, None),
            };
            self.complete(
                now,
                correlation_id,
                b.batch,
                error,
                offset,
                message,
                &mut completions,
            );
        }
        completions
    }

    /// The connection to `broker` closed (broker died or was cut off): every in-flight request to it
    /// completes with `NETWORK_EXCEPTION` / `Disconnected from node N`.
    pub fn on_disconnect(&mut self, now: SimTime, broker: BrokerId) -> Vec<Completion> {
        let mut completions = Vec::new();
        self.disconnect(
            now,
            broker,
            ErrorCode::NetworkException,
            format!("Disconnected from node {broker}"),
            &mut completions,
        );
        completions
    }

    fn disconnect(
        &mut self,
        now: SimTime,
        broker: BrokerId,
        error: ErrorCode,
        message: String,
        out: &mut Vec<Completion>,
    ) {
        let Some(conn) = self.connections.get_mut(&broker) else {
            return;
        };
        conn.blocked_until = now + self.reconnect_backoff;
        let requests = std::mem::take(&mut conn.in_flight);
        // NetworkClient: "The disconnect may be the result of stale metadata, so request an update".
        self.metadata.request_update();
        for request in requests {
            for b in request.batches.into_iter().filter(|b| !b.done) {
                let msg = Some(message.clone());
                self.complete(now, request.correlation_id, b.batch, error, -1, msg, out);
            }
        }
    }

    fn handle_timed_out_requests(&mut self, now: SimTime, out: &mut Vec<Completion>) {
        let timed_out: Vec<BrokerId> = self
            .connections
            .iter()
            .filter(|(_, c)| c.in_flight.iter().any(|r| now - r.sent > self.request_timeout))
            .map(|(b, _)| *b)
            .collect();
        for broker in timed_out {
            self.logs.push(ProducerLog {
                level: "INFO",
                message: format!("Disconnecting from node {broker} due to request timeout."),
            });
            let message = format!("Disconnected from node {broker} due to timeout");
            self.disconnect(now, broker, ErrorCode::RequestTimedOut, message, out);
        }
    }

    fn expire_in_flight(&mut self, now: SimTime, out: &mut Vec<Completion>) {
        let timeout = self.accumulator.delivery_timeout();
        let mut expired = Vec::new();
        for conn in self.connections.values_mut() {
            for b in conn.in_flight.iter_mut().flat_map(|r| r.batches.iter_mut()) {
                if !b.done && b.batch.has_reached_delivery_timeout(timeout, now) {
                    b.done = true;
                    expired.push(b.batch.clone());
                }
            }
        }
        for b in expired {
            self.expire(now, b, out);
        }
    }

    fn expire(&mut self, now: SimTime, batch: ProducerBatch, out: &mut Vec<Completion>) {
        let message = format!(
            "Expiring {} record(s) for {}:{} ms has passed since batch creation",
            batch.record_count(),
            self.metadata.display(batch.tp),
            (now - batch.created).as_millis()
        );
        self.fail(batch, ErrorCode::RequestTimedOut, message, out);
    }

    fn fail(
        &mut self,
        mut batch: ProducerBatch,
        error: ErrorCode,
        message: String,
        out: &mut Vec<Completion>,
    ) {
        self.stats.count_error(error);
        self.stats.failed += batch.record_count() as u64;
        self.accumulator.batch_done(&batch, false);
        out.push(completion(&mut batch, Outcome::Failed { error, message }));
    }

    fn acked(&mut self, mut batch: ProducerBatch, base_offset: i64, out: &mut Vec<Completion>) {
        self.stats.acked += batch.record_count() as u64;
        self.accumulator.batch_done(&batch, true);
        out.push(completion(&mut batch, Outcome::Acked { base_offset }));
    }

    /// `TransactionManager.canRetry` (idempotent) or `RetriableException` (plain), behind the common checks.
    fn can_retry(&self, batch: &ProducerBatch, error: ErrorCode, now: SimTime) -> bool {
        if batch.has_reached_delivery_timeout(self.accumulator.delivery_timeout(), now)
            || batch.attempts >= self.retries
        {
            return false;
        }
        if self.accumulator.is_idempotent() && error == ErrorCode::OutOfOrderSequenceNumber {
            return !self.accumulator.is_next_sequence(batch.tp, batch.base_sequence);
        }
        error.is_retriable()
    }

    /// `Sender.completeBatch`.
    #[allow(clippy::too_many_arguments)]
    fn complete(
        &mut self,
        now: SimTime,
        correlation_id: i32,
        batch: ProducerBatch,
        error: ErrorCode,
        base_offset: i64,
        message: Option<String>,
        out: &mut Vec<Completion>,
    ) {
        let tp = batch.tp;
        let message = message.filter(|m| !m.is_empty());
        if error == ErrorCode::None {
            self.acked(batch, base_offset, out);
        } else if self.acks != Acks::Zero && self.can_retry(&batch, error, now) {
            let formatted = match &message {
                Some(m) => format!("{error}. Error Message: {m}"),
                None => error.to_string(),
            };
            self.logs.push(ProducerLog {
                level: "WARN",
                message: format!(
                    "Got error produce response with correlation id {correlation_id} on topic-partition {}, \
                     retrying ({} attempts left). Error: {formatted}",
                    self.metadata.display(tp),
                    self.retries.saturating_sub(batch.attempts).saturating_sub(1)
                ),
            });
            self.stats.count_error(error);
            self.stats.retries += 1;
            self.accumulator.reenqueue(now, batch, &mut self.rng);
        } else if error == ErrorCode::DuplicateSequenceNumber && batch.base_sequence >= 0 {
            self.stats.count_error(error);
            self.acked(batch, base_offset, out);
        } else {
            let text = message.clone().unwrap_or_else(|| error.message().to_string());
            self.fail(batch, error, text, out);
        }
        if is_invalid_metadata(error) {
            let line = if error == ErrorCode::UnknownTopicOrPartition {
                format!(
                    "Received unknown topic or partition error in produce request on partition {}. The \
                     topic-partition may not exist or the user may not have Describe access to it",
                    self.metadata.display(tp)
                )
            } else {
                format!(
                    "Received invalid metadata error in produce request on partition {} due to \
                     org.apache.kafka.common.errors.{}: {} Going to request metadata update now",
                    self.metadata.display(tp),
                    error.exception(),
                    message.as_deref().unwrap_or(error.message())
                )
            };
            self.logs.push(ProducerLog {
                level: "WARN",
                message: line,
            });
            self.metadata.request_update();
        }
        if self.max_in_flight == 1 {
            self.accumulator.unmute(tp);
        }
    }

    /// The earliest time [`Producer::poll`] has something to do: now when a broker has a drainable batch
    /// and room in flight; else a linger or backoff end, a reconnect backoff end, a request timeout
    /// (one microsecond past `request.timeout.ms`), or a delivery timeout. Never before `now`.
    pub fn next_wakeup(&self, now: SimTime) -> Option<SimTime> {
        let mut next = None;
        let ready = self.accumulator.ready(now, &self.metadata);
        if let Some(t) = ready.next_ready_check {
            next = earliest(next, t);
        }
        for broker in ready.ready_nodes {
            if !self.accumulator.can_drain(now, &self.metadata, broker) {
                continue;
            }
            match self.connections.get(&broker) {
                Some(c) if c.in_flight.len() >= self.max_in_flight || c.down => {}
                Some(c) => next = earliest(next, c.blocked_until),
                None => next = earliest(next, now),
            }
        }
        if let Some(t) = self.accumulator.next_expiry() {
            next = earliest(next, t);
        }
        let delivery = self.accumulator.delivery_timeout();
        for r in self.connections.values().flat_map(|c| c.in_flight.iter()) {
            next = earliest(next, r.sent + self.request_timeout + SimTime::from_micros(1));
            for b in r.batches.iter().filter(|b| !b.done) {
                next = earliest(next, b.batch.created + delivery);
            }
        }
        next.map(|t| t.max(now))
    }
}

/// The completion reported for a finished batch.
fn completion(batch: &mut ProducerBatch, outcome: Outcome) -> Completion {
    Completion {
        tp: batch.tp,
        records: batch.shared_records(),
        created: batch.created,
        last_append: batch.last_append,
        attempts: batch.attempts,
        outcome,
    }
}
