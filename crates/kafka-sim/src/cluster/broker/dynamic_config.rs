//! Configuration changes on a running broker.
//!
//! - **Topic configs** (`kafka-configs --alter --entity-type topics`): dynamic. In ZooKeeper mode
//!   every broker watches `/config/changes` and applies the topic's new `LogConfig` at once: a leader
//!   checks the new `min.insync.replicas` on its next produce; the active controller also takes the
//!   change (see `controller/alter.rs`).
//! - **`replica.lag.time.max.ms`** is a read-only broker config in Kafka 3.7 (`Update Mode:
//!   read-only`): a changed `server.properties` takes effect when the broker next starts.

use super::BrokerNode;
use crate::cluster::ClusterNode;
use crate::cluster::broker::replica_manager::ReplicaRole;
use crate::cluster::wire::ReplicationSettings;
use crate::kernel::Ctx;
use crate::record::TopicIdx;
use crate::time::SimTime;

impl BrokerNode {
    /// A topic config change notification: the hosted partitions of `topic` (and the controller
    /// role, if this broker is the controller) take the new values now.
    pub fn alter_topic_config(
        &mut self,
        topic: TopicIdx,
        min_isr: Option<i32>,
        unclean: Option<bool>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if let Some(m) = min_isr {
            for (_, p) in self.partitions.iter_mut().filter(|(tp, _)| tp.topic == topic) {
                p.min_insync_replicas = m;
                if let ReplicaRole::Leader(l) = &mut p.role {
                    l.min_insync_replicas = m;
                }
            }
        }
        if let Some(role) = self.role.as_mut() {
            role.alter_topic_config(topic, min_isr, unclean, ctx);
        }
    }

    /// Changes `replica.lag.time.max.ms` in this broker's `server.properties`: it takes effect
    /// when the broker next starts (Kafka 3.7 cannot update it dynamically).
    pub fn set_replica_lag_time_max_at_restart(&mut self, ms: u64) {
        let mut next = self.next_settings.unwrap_or(self.settings);
        next.replica_lag_time_max_ms = ms;
        self.next_settings = Some(next);
    }

    /// The settings the broker will start with next, when they differ from the running ones.
    pub fn pending_settings(&self) -> Option<&ReplicationSettings> {
        self.next_settings.as_ref()
    }

    /// Swaps in the settings changed while it ran (at start).
    pub(super) fn apply_next_settings(&mut self) {
        if let Some(s) = self.next_settings.take() {
            self.settings = s;
            self.session_timeout = SimTime::from_millis(s.zookeeper_session_timeout_ms);
        }
    }
}
