//! What a user does to a running producer: restart it with a new configuration (as an application
//! does when its producer properties change) and send one record by hand.
//!
//! - **Restart.** `close()` as `KafkaProducer.close()` with no timeout: no more sends, everything
//!   queued is sent and completed (or expires by `delivery.timeout.ms`); then a new client starts
//!   with the new configuration (new metadata, a new producer id when idempotent). The application
//!   sends nothing meanwhile; record numbering goes on where it stopped, so the oracle sees one
//!   sequence of record ids.
//! - **One record.** Serialized with the producer's serializers and partitioned as `KafkaProducer`
//!   does (murmur2 of the serialized key, or the sticky partitioner for a null key). Its outcome (the
//!   offset, or the error) is kept once its batch completes.

use super::{ClusterEvent, ClusterNode, ProducerNode, available_partitions};
use crate::config::ProducerConfig;
use crate::config::classes::SerdeKind;
use crate::error_code::ErrorCode;
use crate::kernel::Ctx;
use crate::partitioner::{PartitionChoice, StickyPartitioner, choose_partition};
use crate::producer::accumulator::key_value_headers_size;
use crate::producer::sender::{Completion, Outcome, Producer};
use crate::record::{ProducerRef, RecordId, TopicPartition};
use crate::rng::SimRng;
use crate::scenario::KeyTemplate;
use crate::serialization::{estimate_size_in_bytes_upper_bound, serialize};
use crate::time::SimTime;
use serde::Serialize;

/// How many hand-sent records a producer remembers.
pub const MAX_MANUAL: usize = 256;

/// What became of a record sent by hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ManualResult {
    /// Not completed yet.
    Pending,
    /// Acknowledged at this offset (`None` with `acks=0`: the client learns no offset).
    Acked {
        /// The record's offset.
        offset: Option<i64>,
    },
    /// Failed for good.
    Failed {
        /// The error.
        error: ErrorCode,
    },
}

/// A record sent by hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManualRecord {
    /// Its id (the producer's numbering).
    pub id: RecordId,
    /// The partition it went to.
    pub tp: TopicPartition,
    /// When it was sent.
    pub sent_at: SimTime,
    /// Its outcome so far.
    pub result: ManualResult,
}

/// Why a record cannot be sent (nothing was sent).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendOneError {
    /// The key or value cannot be serialized (Kafka's `SerializationException`).
    #[error("{0}")]
    Serialization(String),
    /// The producer is closed (restarting): Kafka's `IllegalStateException`.
    #[error("Cannot perform operation after producer has been closed")]
    Closed,
}

impl ProducerNode {
    /// Starts a restart with `config`: closes the client now (it drains), and the new client starts
    /// once nothing is queued or in flight. A restart already in progress just takes the newer config.
    pub fn restart_with(&mut self, now: SimTime, config: ProducerConfig, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.restarting.is_none() {
            ctx.record(ClusterEvent::ProducerLog {
                producer: self.index,
                level: "INFO",
                message: "Closing the Kafka producer with timeoutMillis = 9223372036854775807 ms.".into(),
            });
            self.producer.close();
        }
        self.restarting = Some(Box::new(config));
        self.drive(now, ctx);
    }

    /// Starts a restart that changes the application's load: `rate` records per second with keys
    /// from `keys` (the configuration stays as it is, or as a restart in progress brings it).
    pub fn restart_with_load(
        &mut self,
        now: SimTime,
        rate: f64,
        keys: KeyTemplate,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let config = self.next_config().clone();
        self.restarting_load = Some(Box::new((rate, keys)));
        self.restart_with(now, config, ctx);
    }

    /// The load (records per second, key pattern) in effect once any restart in progress completes.
    pub fn next_load(&self) -> (f64, &KeyTemplate) {
        match self.restarting_load.as_deref() {
            Some((rate, keys)) => (*rate, keys),
            None => (self.setup.rate, &self.setup.keys),
        }
    }

    /// The configuration in effect once any restart in progress completes.
    pub fn next_config(&self) -> &ProducerConfig {
        self.restarting.as_deref().unwrap_or(&self.setup.config)
    }

    /// Whether a restart is waiting for the old client to drain.
    pub fn is_restarting(&self) -> bool {
        self.restarting.is_some()
    }

    /// Records sent by hand, oldest first, with their outcomes.
    pub fn manual_records(&self) -> &[ManualRecord] {
        &self.manual
    }

    /// Swaps in the new client once the closing one has nothing queued or in flight.
    pub(super) fn finish_restart(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.restarting.is_none() {
            return;
        }
        let busy = self.producer.accumulator().has_undrained()
            || self.brokers.iter().any(|b| self.producer.in_flight(*b) > 0);
        if busy {
            return;
        }
        let Some(config) = self.restarting.take() else {
            return;
        };
        let config = *config;
        let mut changed = changed_settings(&self.setup.config, &config);
        if let Some(load) = self.restarting_load.take() {
            let (rate, keys) = *load;
            let mut load_changes = Vec::new();
            if rate != self.setup.rate {
                load_changes.push(format!("rate={rate} records/s (was {})", self.setup.rate));
            }
            if keys != self.setup.keys {
                load_changes.push(format!("keys={keys} (was {})", self.setup.keys));
            }
            if !load_changes.is_empty() {
                changed = if changed == NO_CHANGE {
                    load_changes.join(", ")
                } else {
                    format!("{changed}, {}", load_changes.join(", "))
                };
            }
            self.setup.rate = rate;
            self.setup.keys = keys;
            self.tick = super::tick_for(rate);
        }
        ctx.record(ClusterEvent::ProducerLog {
            producer: self.index,
            level: "INFO",
            message: format!("The application restarted the producer with its new configuration ({changed})"),
        });
        let rng = SimRng::new(ctx.rng().next_u64());
        let mut producer = Producer::new(&config, rng);
        producer
            .metadata_mut()
            .set_topic_name(self.topic.0, &self.setup.topic);
        producer.metadata_mut().request_update();
        for b in &self.down {
            let _ = producer.broker_down(now, *b);
        }
        self.producer = producer;
        self.sticky = StickyPartitioner::new(i32::try_from(config.batch_size).unwrap_or(i32::MAX));
        self.reconnect_backoff_max = SimTime::from_millis(config.reconnect_backoff_max_ms.max(1));
        self.value_field = [0; 21];
        self.setup.config = config;
        // The application starts sending again now, with no catch-up burst.
        self.started = now;
        self.base = self.emitted;
        self.metadata_sent = None;
        self.metadata_next = now;
        self.pid_sent = None;
        // The old client's wakeup is stale; the next tick or response drives the new one.
        self.generation += 1;
        self.armed = None;
    }

    /// Sends one record with `key` and `value` now; returns its id and partition.
    pub fn send_one(
        &mut self,
        now: SimTime,
        key: Option<&str>,
        value: &str,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) -> Result<(RecordId, TopicPartition), SendOneError> {
        if self.restarting.is_some() {
            return Err(SendOneError::Closed);
        }
        let cfg = &self.setup.config;
        let ser = |kind: SerdeKind, text: Option<&str>| {
            serialize(kind, text).map_err(|e| SendOneError::Serialization(e.to_string()))
        };
        let key_bytes = ser(cfg.key_serializer, key)?;
        let value_bytes = ser(cfg.value_serializer, Some(value))?;
        let size = estimate_size_in_bytes_upper_bound(key_bytes.as_deref(), value_bytes.as_deref(), &[]);
        let kv = key_value_headers_size(size);
        let ignore = cfg.partitioner_ignore_keys;
        let choice = choose_partition(None, key_bytes.as_deref(), self.num_partitions, ignore);
        let partition = match choice {
            Ok(PartitionChoice::Keyed(p)) | Ok(PartitionChoice::Explicit(p)) => p,
            _ => {
                let avail = available_partitions(self.producer.metadata(), self.topic, self.num_partitions);
                self.sticky.partition(&avail, self.num_partitions, ctx.rng())
            }
        };
        let tp = TopicPartition {
            topic: self.topic,
            partition,
        };
        let n = self.emitted;
        self.emitted += 1;
        self.base += 1;
        let id = RecordId::new(ProducerRef(self.index), n.min(RecordId::MAX_N));
        self.producer
            .send(now, id, tp, kv)
            .map_err(|_| SendOneError::Closed)?;
        if self.manual.len() >= MAX_MANUAL {
            self.manual.remove(0);
        }
        self.manual.push(ManualRecord {
            id,
            tp,
            sent_at: now,
            result: ManualResult::Pending,
        });
        self.drive(now, ctx);
        Ok((id, tp))
    }

    /// Notes the outcome of hand-sent records in a completed batch.
    pub(super) fn note_manual(&mut self, c: &Completion) {
        if self.manual.is_empty() {
            return;
        }
        let acks0 = self.setup.config.acks.as_i16() == 0;
        for m in self
            .manual
            .iter_mut()
            .filter(|m| m.result == ManualResult::Pending)
        {
            let Some(i) = c.records.iter().position(|r| *r == m.id) else {
                continue;
            };
            m.result = match &c.outcome {
                Outcome::Acked { base_offset } if acks0 || *base_offset < 0 => {
                    ManualResult::Acked { offset: None }
                }
                Outcome::Acked { base_offset } => ManualResult::Acked {
                    offset: Some(base_offset + i as i64),
                },
                Outcome::Failed { error, .. } => ManualResult::Failed { error: *error },
            };
        }
    }
}

/// What [`changed_settings`] says when nothing changed.
const NO_CHANGE: &str = "no setting changed";

/// `name=new (was old)` for each setting that differs, Kafka names, comma-separated.
fn changed_settings(old: &ProducerConfig, new: &ProducerConfig) -> String {
    let mut out: Vec<String> = Vec::new();
    for (name, value) in new.originals.iter() {
        let before = old.originals.get(name);
        if before != Some(value) {
            out.push(match before {
                Some(b) => format!("{name}={value} (was {b})"),
                None => format!("{name}={value}"),
            });
        }
    }
    for (name, value) in old.originals.iter() {
        if !new.originals.contains(name) {
            out.push(format!("{name} unset (was {value})"));
        }
    }
    if out.is_empty() {
        NO_CHANGE.into()
    } else {
        out.join(", ")
    }
}
