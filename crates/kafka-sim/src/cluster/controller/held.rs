//! What the controller holds until ZooKeeper accepted its writes.
//!
//! Kafka's controller handles one event at a time and blocks on each ZooKeeper write
//! (`updateLeaderAndIsr` with the controller epoch's znode version): its context never runs ahead of
//! ZooKeeper, and nothing it decided reaches a broker before the write succeeded; a fenced write
//! (`ControllerMovedException`) makes it resign with nothing sent. Here the controller decides at
//! once and its writes are messages, so its context can hold changes ZooKeeper has not taken yet.
//! Every decision that shows a partition's state (its LeaderAndIsr, its ISR event, the
//! `__consumer_offsets` leaders) is therefore held until the write that made the state, and every
//! earlier held decision of the same partitions, went out: a decision of its own that writes
//! nothing (a broker's startup, sending a partition's state as it stands) still waits for the
//! pending write of that state. Without this, a controller deposed while its election was on the
//! way to ZooKeeper told a broker that registered meanwhile of a leader ZooKeeper never recorded,
//! in a leader epoch the next controller could not override (swarm seed 132).

use super::{ControllerRole, isr_event};
use crate::cluster::wire::{PartitionState, broker_node};
use crate::cluster::{ClusterEvent, ClusterMsg, ClusterNode};
use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::kernel::Ctx;
use crate::record::TopicPartition;
use crate::replication::controller::PartitionRegistration;
use crate::sim::ZOOKEEPER;
use crate::time::SimTime;
use std::collections::BTreeSet;

/// Partition states written to ZooKeeper in one request.
pub(super) type PartitionWrites = Vec<(TopicPartition, PartitionRegistration)>;

/// What waits for a ZooKeeper write's outcome.
#[derive(Clone, Debug)]
pub(super) enum HeldUntilWritten {
    /// An accepted AlterPartition: the leader's answer and the ISR event.
    Alter {
        leader: BrokerId,
        tp: TopicPartition,
        from: Vec<BrokerId>,
        registration: PartitionRegistration,
    },
    /// A state change's events, LeaderAndIsr requests (as decided) and UpdateMetadata targets.
    Outcome {
        tps: Vec<TopicPartition>,
        events: Vec<ClusterEvent>,
        leader_and_isr: Vec<(BrokerId, Vec<PartitionState>)>,
        update_metadata_to: Vec<BrokerId>,
        /// Whether the `__consumer_offsets` leaders go out with it.
        offsets_metadata: bool,
    },
}

impl HeldUntilWritten {
    /// Whether its write changes `tp`.
    fn covers(&self, tp: TopicPartition) -> bool {
        match self {
            HeldUntilWritten::Alter { tp: t, .. } => *t == tp,
            HeldUntilWritten::Outcome { tps, .. } => tps.contains(&tp),
        }
    }

    /// Whether it changes `tp` or tells a broker `tp`'s state.
    fn shows(&self, tp: TopicPartition) -> bool {
        self.covers(tp)
            || matches!(self, HeldUntilWritten::Outcome { leader_and_isr, .. }
                if leader_and_isr.iter().any(|(_, ps)| ps.iter().any(|p| p.tp == tp)))
    }
}

/// One held decision.
#[derive(Clone, Debug)]
pub(super) struct Held {
    what: HeldUntilWritten,
    /// Its own write (empty when it writes nothing).
    writes: PartitionWrites,
    /// When its write was last sent.
    sent: SimTime,
    /// Whether ZooKeeper took its write (true at once when it has none).
    written: bool,
    /// The earlier held decisions it waits for.
    after: BTreeSet<u64>,
}

/// An AlterPartition held while an earlier ISR change of its partition waits for ZooKeeper (Kafka's
/// controller handles one event at a time, and its ZooKeeper writes block it).
#[derive(Clone, Debug)]
pub(super) struct DeferredAlter {
    leader: BrokerId,
    tp: TopicPartition,
    leader_epoch: i32,
    partition_epoch: i32,
    new_isr: Vec<BrokerId>,
}

impl ControllerRole {
    /// Whether a held decision's write changes `tp`.
    pub(super) fn write_pending(&self, tp: TopicPartition) -> bool {
        self.held.values().any(|h| h.what.covers(tp))
    }

    /// The held decisions that change or show any of `tps`.
    pub(super) fn held_showing(&self, tps: &[TopicPartition]) -> BTreeSet<u64> {
        (self.held.iter())
            .filter(|(_, h)| tps.iter().any(|tp| h.what.shows(*tp)))
            .map(|(r, _)| *r)
            .collect()
    }

    /// Holds an AlterPartition until its partition's pending write is answered (a retry replaces
    /// the request it retries).
    pub(super) fn defer_alter(
        &mut self,
        leader: BrokerId,
        tp: TopicPartition,
        (leader_epoch, partition_epoch): (i32, i32),
        new_isr: Vec<BrokerId>,
    ) {
        self.deferred_alters.retain(|d| d.tp != tp || d.leader != leader);
        self.deferred_alters.push(DeferredAlter {
            leader,
            tp,
            leader_epoch,
            partition_epoch,
            new_isr,
        });
    }

    /// Writes `partitions` to ZooKeeper (if any); `held` goes out once ZooKeeper accepted them
    /// and the held decisions `after` went out.
    pub(super) fn hold(
        &mut self,
        partitions: PartitionWrites,
        held: HeldUntilWritten,
        after: BTreeSet<u64>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let request = self.next_request;
        self.next_request += 1;
        if !partitions.is_empty() {
            self.send_write(request, partitions.clone(), ctx);
        }
        let held = Held {
            what: held,
            written: partitions.is_empty(),
            writes: partitions,
            sent: ctx.now(),
            after,
        };
        self.held.insert(request, held);
        self.release_ready(ctx);
    }

    fn send_write(&self, request: u64, partitions: PartitionWrites, ctx: &mut Ctx<'_, ClusterNode>) {
        let msg = ClusterMsg::ZkWritePartitions {
            epoch: self.epoch,
            topics: Vec::new(),
            partitions,
            request: Some(request),
        };
        ctx.send(ZOOKEEPER, msg);
    }

    /// The outcome of a ZooKeeper write: on success what waited for it goes out (once what it
    /// waits for did). Returns false when ZooKeeper fenced it: another controller holds
    /// `/controller` (Kafka's `ControllerMovedException`), so this one must resign; an
    /// AlterPartition is answered `NOT_CONTROLLER`.
    pub(in crate::cluster) fn on_zk_write_result(
        &mut self,
        request: u64,
        epoch: u32,
        ok: bool,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) -> bool {
        if epoch != self.epoch {
            return true;
        }
        let Some(held) = self.held.get_mut(&request) else {
            return true;
        };
        if held.written {
            return true; // the answer to a retry of a write already taken
        }
        if !ok {
            if let Some(Held {
                what: HeldUntilWritten::Alter { leader, tp, .. },
                ..
            }) = self.held.remove(&request)
            {
                let msg = ClusterMsg::AlterPartitionResponse {
                    tp,
                    error: ErrorCode::NotController.code(),
                    registration: None,
                };
                ctx.send(broker_node(leader), msg);
            }
            return false;
        }
        held.written = true;
        self.release_ready(ctx);
        true
    }

    /// Sends out, oldest first, every held decision whose write was taken and that waits for
    /// nothing more.
    fn release_ready(&mut self, ctx: &mut Ctx<'_, ClusterNode>) {
        while let Some(request) = (self.held.iter())
            .find(|(_, h)| h.written && h.after.is_empty())
            .map(|(r, _)| *r)
        {
            let Some(held) = self.held.remove(&request) else {
                break;
            };
            for h in self.held.values_mut() {
                h.after.remove(&request);
            }
            self.release(held.what, ctx);
        }
    }

    fn release(&mut self, held: HeldUntilWritten, ctx: &mut Ctx<'_, ClusterNode>) {
        match held {
            HeldUntilWritten::Alter {
                leader,
                tp,
                from,
                registration,
            } => {
                ctx.record(isr_event(tp, from, &registration));
                self.update_metadata(self.live(), ctx);
                let msg = ClusterMsg::AlterPartitionResponse {
                    tp,
                    error: 0,
                    registration: Some(registration),
                };
                ctx.send(broker_node(leader), msg);
                self.run_deferred_alters(tp, ctx);
            }
            HeldUntilWritten::Outcome {
                tps,
                events,
                leader_and_isr,
                update_metadata_to,
                offsets_metadata,
            } => {
                for e in events {
                    ctx.record(e);
                }
                for (b, partitions) in leader_and_isr {
                    self.channel.send(b, partitions, ctx);
                }
                if offsets_metadata {
                    self.send_offsets_metadata(ctx);
                }
                self.update_metadata(update_metadata_to, ctx);
                for tp in tps {
                    self.run_deferred_alters(tp, ctx);
                }
            }
        }
    }

    /// Handles the AlterPartition requests held for `tp`, unless another write of it is pending.
    fn run_deferred_alters(&mut self, tp: TopicPartition, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.write_pending(tp) {
            return;
        }
        let (held, rest): (Vec<DeferredAlter>, Vec<DeferredAlter>) =
            std::mem::take(&mut self.deferred_alters)
                .into_iter()
                .partition(|d| d.tp == tp);
        self.deferred_alters = rest;
        for d in held {
            self.on_alter_partition(d.leader, d.tp, d.leader_epoch, d.partition_epoch, d.new_isr, ctx);
        }
    }

    /// The ZooKeeper client retries a request its lost connection dropped (Kafka's
    /// `retryRequestsUntilConnected`): every write unanswered for `after` is sent again. ZooKeeper
    /// applies a partition state only over an older one (the znode version check), so a retry
    /// never undoes a later write.
    pub(in crate::cluster) fn retry_unanswered_writes(
        &mut self,
        after: SimTime,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let now = ctx.now();
        let due: Vec<(u64, PartitionWrites)> = (self.held.iter())
            .filter(|(_, h)| !h.written && h.sent + after <= now)
            .map(|(r, h)| (*r, h.writes.clone()))
            .collect();
        for (request, partitions) in due {
            self.send_write(request, partitions, ctx);
            if let Some(h) = self.held.get_mut(&request) {
                h.sent = now;
            }
        }
    }
}
