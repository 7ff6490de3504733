//! The named invariants checked while a simulation runs. [`InvariantChecker`] is fed what the brokers
//! report (a broker became leader, a leader's high watermark moved) with the logs of the ISR, and
//! records every violation instead of panicking:
//!
//! - `one-leader-per-epoch`: at most one broker leads a partition in a given leader epoch;
//! - `hw-monotonic`: a leader's high watermark never goes down within its tenure;
//! - `isr-identical-below-hw`: the records below the high watermark are identical on every ISR
//!   replica (checked incrementally: each advance compares only the newly committed range).

use crate::ids::BrokerId;
use crate::record::{RecordBatch, TopicPartition};
use crate::replication::log::PartitionLog;
use crate::time::SimTime;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A broken invariant, when it was seen and what was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvariantViolation {
    /// When.
    pub at: SimTime,
    /// Which invariant (`one-leader-per-epoch`, `hw-monotonic`, `isr-identical-below-hw`).
    pub invariant: &'static str,
    /// What was seen.
    pub detail: String,
}

/// The most violations kept (a broken run would otherwise grow the list without bound).
pub const MAX_VIOLATIONS: usize = 1_000;

/// The invariant checker.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    leaders: BTreeMap<(TopicPartition, i32), BrokerId>,
    /// Per partition: the leader, its epoch and its last high watermark.
    hw: BTreeMap<TopicPartition, (BrokerId, i32, i64)>,
    /// Per partition: the offset below which the ISR logs were compared.
    checked: BTreeMap<TopicPartition, i64>,
    violations: Vec<InvariantViolation>,
}

impl InvariantChecker {
    /// A checker that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The violations seen so far, oldest first.
    pub fn violations(&self) -> &[InvariantViolation] {
        &self.violations
    }

    fn violate(&mut self, at: SimTime, invariant: &'static str, detail: String) {
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(InvariantViolation {
                at,
                invariant,
                detail,
            });
        }
    }

    /// `broker` became leader of `tp` in `leader_epoch`.
    pub fn observe_leader(&mut self, at: SimTime, tp: TopicPartition, broker: BrokerId, leader_epoch: i32) {
        match self.leaders.get(&(tp, leader_epoch)) {
            Some(&other) if other != broker => self.violate(
                at,
                "one-leader-per-epoch",
                format!(
                    "partition {}-{}: brokers {other} and {broker} both lead leader epoch {leader_epoch}",
                    tp.topic.0, tp.partition
                ),
            ),
            Some(_) => {}
            None => {
                self.leaders.insert((tp, leader_epoch), broker);
            }
        }
    }

    /// The leader `broker` of `tp` in `leader_epoch` moved its high watermark to `hw`.
    pub fn observe_high_watermark(
        &mut self,
        at: SimTime,
        tp: TopicPartition,
        broker: BrokerId,
        leader_epoch: i32,
        hw: i64,
    ) {
        if let Some(&(b, e, old)) = self.hw.get(&tp)
            && b == broker
            && e == leader_epoch
            && hw < old
        {
            self.violate(
                at,
                "hw-monotonic",
                format!(
                    "partition {}-{}: broker {broker}'s high watermark went down from {old} to {hw} in leader epoch {leader_epoch}",
                    tp.topic.0, tp.partition
                ),
            );
        }
        self.hw.insert(tp, (broker, leader_epoch, hw));
    }

    /// Compares the records in `[last checked, hw)` of `tp` on every ISR log (`logs`, the leader's
    /// first), then remembers `hw` as checked.
    pub fn check_isr_logs(
        &mut self,
        at: SimTime,
        tp: TopicPartition,
        logs: &[(BrokerId, &PartitionLog)],
        hw: i64,
    ) {
        let from = self.checked.get(&tp).copied().unwrap_or(0).min(hw);
        if let Some(((lb, leader), rest)) = logs.split_first() {
            for (b, log) in rest {
                if let Err(detail) = ranges_agree(leader, log, from, hw) {
                    let detail = format!(
                        "partition {}-{} below high watermark {hw}: broker {lb} vs broker {b}: {detail}",
                        tp.topic.0, tp.partition
                    );
                    self.violate(at, "isr-identical-below-hw", detail);
                }
            }
        }
        self.checked.insert(tp, hw);
    }
}

/// Whether `a` and `b` hold the same records (ids and epochs) in `[from, to)`. Batches shared by
/// pointer compare in O(1).
fn ranges_agree(a: &PartitionLog, b: &PartitionLog, from: i64, to: i64) -> Result<(), String> {
    if from >= to {
        return Ok(());
    }
    for (name, log) in [("leader", a), ("replica", b)] {
        if log.log_end_offset() < to {
            return Err(format!("the {name}'s log ends at {}", log.log_end_offset()));
        }
    }
    let (Ok(xs), Ok(ys)) = (a.read(from, u32::MAX, to), b.read(from, u32::MAX, to)) else {
        return Err(format!("offset {from} is out of range"));
    };
    if xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_batch(x, y)) {
        return Ok(());
    }
    let flat = |bs: &[RecordBatch]| {
        bs.iter()
            .flat_map(|b| {
                (b.records.iter().enumerate())
                    .map(move |(i, r)| (b.base_offset + i as i64, *r, b.partition_leader_epoch))
            })
            .filter(|(o, _, _)| *o >= from && *o < to)
            .collect::<Vec<_>>()
    };
    let (fx, fy) = (flat(xs), flat(ys));
    match fx.iter().zip(&fy).find(|(x, y)| x != y) {
        Some((x, y)) => Err(format!(
            "at offset {}: {} (epoch {}) vs {} (epoch {})",
            x.0, x.1, x.2, y.1, y.2
        )),
        None if fx.len() != fy.len() => Err("different record counts".into()),
        None => Ok(()),
    }
}

fn same_batch(x: &RecordBatch, y: &RecordBatch) -> bool {
    x.base_offset == y.base_offset
        && x.partition_leader_epoch == y.partition_leader_epoch
        && Arc::ptr_eq(&x.records, &y.records)
}
