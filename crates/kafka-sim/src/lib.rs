//! # kafka-sim
//!
//! A deterministic discrete-event simulation of an Apache Kafka 3.7 cluster (the Kafka inside
//! `confluentinc/cp-kafka:7.7.1`), written to be driven from a browser UI or a native CLI.
//!
//! Design rules, which every module keeps:
//! - **No wall clock.** Time is [`SimTime`], advanced only by the event queue.
//! - **No unseeded randomness.** One [`SimRng`] (ChaCha8) is built from the scenario's seed, owned by
//!   the simulation, and passed down to whoever needs a draw.
//! - **No hash-ordered iteration.** Collections are `BTreeMap`, `Vec` or `VecDeque`.
//! - **Sans-IO nodes.** A node's handler takes `now` and one input (a message or a timer) and returns
//!   the messages and timers it wants; the kernel does the rest.
//! - **Kafka errors are data**; Rust errors (`thiserror`) are only for invalid input.
//!
//! The entry point is [`Simulation`]; the UI reads a [`SimView`].

pub mod cluster;
pub mod config;
pub mod error_code;
pub mod fuzz;
pub mod group;
pub mod ids;
pub mod invariants;
pub mod kernel;
pub mod lesson;
pub mod oracle;
pub mod partitioner;
pub mod port;
pub mod producer;
pub mod record;
pub mod replica_assignment;
pub mod replication;
pub mod rng;
pub mod scenario;
pub mod serialization;
pub mod session;
pub mod shell;
pub mod sim;
pub mod sort;
pub mod swarm;
pub mod time;
pub mod tomlish;
pub mod view;

pub use error_code::ErrorCode;
pub use ids::NodeId;
pub use rng::SimRng;
pub use sim::{SimSpec, Simulation, SpecError, TopicSetup};
pub use time::SimTime;
pub use view::{NodeKind, NodeView, PartitionView, SimView};
