//! The producer client, as Kafka 3.7's `KafkaProducer` does it: the record accumulator (`batch.size`,
//! `linger.ms`) and the sender (in-flight limits, timeouts, retries with backoff, delivery timeout,
//! idempotent sequence numbers). Pure state machines: time comes in as a parameter.

pub mod accumulator;
pub mod sender;
pub mod vec_map;
