//! The controller's channel to the brokers (Kafka's `ControllerChannelManager`): a LeaderAndIsr is
//! kept until the broker answers it, and resent, with the partitions' current state, when no answer
//! came within `controller.socket.timeout.ms`, as `RequestSendThread` retries until the broker
//! answers or leaves the cluster. Without it a request lost on a cut link left a broker in a stale
//! leader epoch for good.

use super::wire::{PartitionState, broker_node};
use super::{ClusterMsg, ClusterNode, ClusterTimer};
use crate::ids::BrokerId;
use crate::kernel::Ctx;
use crate::record::TopicPartition;
use crate::time::SimTime;
use std::collections::BTreeMap;

/// `controller.socket.timeout.ms` (30 s): how long the controller's channel waits for an answer
/// before it resends a request.
pub const CONTROLLER_SOCKET_TIMEOUT: SimTime = SimTime::from_millis(30_000);

/// The LeaderAndIsr requests in flight, per broker.
#[derive(Clone, Debug)]
pub(super) struct ControllerChannel {
    epoch: u32,
    /// Per broker: the partitions not answered yet, with the partition epoch sent and when.
    unanswered: BTreeMap<BrokerId, BTreeMap<TopicPartition, (i32, SimTime)>>,
    /// Whether a [`ClusterTimer::ControllerRequestTimeout`] is armed.
    timer_armed: bool,
}

impl ControllerChannel {
    /// The channel of the controller of `epoch`.
    pub(super) fn new(epoch: u32) -> Self {
        ControllerChannel {
            epoch,
            unanswered: BTreeMap::new(),
            timer_armed: false,
        }
    }

    /// Sends `b` a LeaderAndIsr for `partitions` and waits for its answer.
    pub(super) fn send(
        &mut self,
        b: BrokerId,
        partitions: Vec<PartitionState>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if partitions.is_empty() {
            return;
        }
        let now = ctx.now();
        let waiting = self.unanswered.entry(b).or_default();
        for ps in &partitions {
            waiting.insert(ps.tp, (ps.registration.partition_epoch, now));
        }
        let msg = ClusterMsg::LeaderAndIsr {
            controller_epoch: self.epoch,
            partitions,
        };
        ctx.send(broker_node(b), msg);
        self.arm_timer(ctx);
    }

    /// A LeaderAndIsr answer: those partitions (at those partition epochs or newer) arrived.
    pub(super) fn on_response(
        &mut self,
        broker: BrokerId,
        controller_epoch: u32,
        partitions: &[(TopicPartition, i32)],
    ) {
        if controller_epoch != self.epoch {
            return;
        }
        if let Some(waiting) = self.unanswered.get_mut(&broker) {
            for (tp, partition_epoch) in partitions {
                if waiting.get(tp).is_some_and(|(e, _)| e <= partition_epoch) {
                    waiting.remove(tp);
                }
            }
            if waiting.is_empty() {
                self.unanswered.remove(&broker);
            }
        }
    }

    /// The channels to brokers not in `live` close, with what they had in flight.
    pub(super) fn retain_brokers(&mut self, live: &[BrokerId]) {
        self.unanswered.retain(|b, _| live.contains(b));
    }

    /// The request timer fired: the partitions unanswered for [`CONTROLLER_SOCKET_TIMEOUT`], per
    /// broker (the caller resends them through [`ControllerChannel::send`], then calls
    /// [`ControllerChannel::arm_timer`]).
    pub(super) fn overdue(&mut self, now: SimTime) -> Vec<(BrokerId, Vec<TopicPartition>)> {
        self.timer_armed = false;
        (self.unanswered.iter())
            .map(|(b, w)| {
                let tps = (w.iter())
                    .filter(|(_, (_, sent))| *sent + CONTROLLER_SOCKET_TIMEOUT <= now)
                    .map(|(tp, _)| *tp)
                    .collect::<Vec<_>>();
                (*b, tps)
            })
            .filter(|(_, tps)| !tps.is_empty())
            .collect()
    }

    /// Arms the request timer for the oldest unanswered request, unless one is armed.
    pub(super) fn arm_timer(&mut self, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.timer_armed {
            return;
        }
        let Some(earliest) = (self.unanswered.values())
            .flat_map(|w| w.values().map(|(_, sent)| *sent))
            .min()
        else {
            return;
        };
        let due = earliest + CONTROLLER_SOCKET_TIMEOUT;
        let now = ctx.now();
        let after = if due > now { due - now } else { SimTime::ZERO };
        ctx.set_timer(
            after,
            ClusterTimer::ControllerRequestTimeout { epoch: self.epoch },
        );
        self.timer_armed = true;
    }
}
