//! The producer client's metadata: Metadata answers (leaders, and partitions added to the topic),
//! and updates asked for from outside.

use super::ProducerNode;
use crate::cluster::ClusterNode;
use crate::ids::BrokerId;
use crate::kernel::Ctx;
use crate::record::{LeaderEpoch, TopicIdx, TopicPartition};
use crate::time::SimTime;

impl ProducerNode {
    /// A Metadata answer: the leaders of the partitions the broker knows. A partition beyond the
    /// count the producer knows was added to the topic: the partitioner hashes over the new count.
    pub(super) fn on_metadata(
        &mut self,
        now: SimTime,
        partitions: Vec<(TopicPartition, Option<BrokerId>, i32)>,
    ) {
        self.metadata_sent = None;
        self.metadata_next = now + SimTime::from_millis(self.setup.config.retry_backoff_ms);
        let md = self.producer.metadata_mut();
        for (tp, leader, epoch) in partitions {
            if tp.topic != self.topic {
                continue;
            }
            if tp.partition >= self.num_partitions {
                self.num_partitions = tp.partition.saturating_add(1);
            }
            if md.partition(tp).is_none_or(|p| p.epoch.0 <= epoch) {
                md.set_leader(tp, leader, LeaderEpoch(epoch));
            }
        }
        md.update_completed();
    }

    /// Asks for a metadata update at the next send loop (`Metadata.requestUpdate`), as a client does
    /// when its metadata may be stale (the simulation's stand-in for the `metadata.max.age.ms` refresh
    /// after partitions were added to the topic).
    pub fn request_metadata_update(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        self.producer.metadata_mut().request_update();
        self.drive(now, ctx);
    }

    /// The partition count the partitioner uses (the topic's, as the producer's metadata knows it).
    pub fn num_partitions(&self) -> i32 {
        self.num_partitions
    }

    /// The topic it writes to.
    pub fn topic(&self) -> TopicIdx {
        self.topic
    }
}
