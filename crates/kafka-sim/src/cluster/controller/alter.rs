//! A topic config change reaching the active controller (ZooKeeper mode: the controller broker's
//! `TopicConfigHandler` sees `/config/changes`): the topic metadata it sends with LeaderAndIsr
//! takes the new values, and enabling `unclean.leader.election.enable` triggers the offline
//! election of the topic's leaderless partitions (`enableTopicUncleanLeaderElection`).

use super::ControllerRole;
use crate::cluster::ClusterNode;
use crate::kernel::Ctx;
use crate::record::TopicIdx;

impl ControllerRole {
    /// Applies a topic's new `min.insync.replicas` and/or `unclean.leader.election.enable`.
    pub(crate) fn alter_topic_config(
        &mut self,
        topic: TopicIdx,
        min_isr: Option<i32>,
        unclean: Option<bool>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let Some(meta) = self.topics.iter_mut().find(|t| t.idx == topic) else {
            return;
        };
        if let Some(m) = min_isr {
            meta.min_insync_replicas = m;
        }
        if let Some(u) = unclean {
            meta.unclean_leader_election_enable = u;
            let out = self.state.set_unclean_leader_election(topic, u);
            self.apply(out, ctx);
        }
    }
}
