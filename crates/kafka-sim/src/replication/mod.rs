//! Broker-side replication, as Kafka 3.7 does it: the partition log with its leader-epoch cache, the
//! leader's high-watermark and ISR rules, follower truncation (KIP-101/279), the controller's elections,
//! and the broker's idempotent-producer state. Pure state machines: time comes in as a parameter.

pub mod controller;
pub mod follower;
pub mod leader;
pub mod log;
pub mod producer_state;
