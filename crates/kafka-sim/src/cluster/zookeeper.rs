//! The ZooKeeper node: sessions, `/brokers/ids` and `/controller`.
//!
//! Watches are replayed as ZooKeeper does it: a client's `SetWatches` (carried here by every
//! [`ClusterMsg::ZkPing`], and sent at once after a resumed connection) says which versions of
//! `/controller` and `/brokers/ids` it last saw, and every watch whose znode changed since fires
//! again. The simulated network loses what a cut TCP connection would have delivered late or
//! replayed at the reconnect, so without this a broker cut off when `/controller` changed would
//! never learn of it.
//!
//! Everything here is durable: ZooKeeper keeps its sessions and ephemeral nodes in its snapshot and
//! transaction log, so a ZooKeeper restart does not expire anyone. Like the real server, a restarted
//! ZooKeeper gives every session a fresh timeout.

use super::wire::TopicMeta;
use super::{ClusterEvent, ClusterMsg, ClusterNode, ClusterTimer, SessionId};
use crate::ids::{BrokerId, NodeId};
use crate::kernel::Ctx;
use crate::record::TopicIdx;
use crate::record::TopicPartition;
use crate::replication::controller::PartitionRegistration;
use crate::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};

/// One client session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZkSession {
    /// The broker that owns it.
    pub broker_id: BrokerId,
    /// The broker's node.
    pub node: NodeId,
    /// The negotiated session timeout.
    pub timeout: SimTime,
    /// When ZooKeeper last heard from the client.
    pub last_heard: SimTime,
}

impl ZkSession {
    /// When the session expires if nothing more is heard.
    pub fn deadline(&self) -> SimTime {
        self.last_heard + self.timeout
    }
}

/// The ZooKeeper node.
#[derive(Clone, Debug, Default)]
pub struct ZkNode {
    sessions: BTreeMap<SessionId, ZkSession>,
    /// `/brokers/ids`: broker id to the owning session and the broker's node.
    brokers: BTreeMap<BrokerId, (SessionId, NodeId)>,
    /// The version of `/brokers/ids` (bumped at every registration and deregistration).
    brokers_version: u64,
    /// Each registration's broker epoch: the `/brokers/ids` version it was created at.
    broker_epochs: BTreeMap<BrokerId, u64>,
    controller: Option<BrokerId>,
    controller_epoch: u32,
    /// `/brokers/topics`: requested and created topics, by index.
    topics: Vec<TopicMeta>,
    /// The partition state znodes, written by the controller.
    partitions: BTreeMap<TopicPartition, PartitionRegistration>,
    /// `/admin/delete_topics`: the topics marked for deletion.
    deleting: BTreeSet<TopicIdx>,
    /// One past the highest topic index ever given (a deleted topic's index is never reused: the
    /// simulation's records and oracles are keyed by it, as Kafka's are by the topic id).
    next_topic_idx: u32,
}

impl ZkNode {
    /// A ZooKeeper with no sessions.
    pub fn new() -> Self {
        Self::default()
    }

    /// A ZooKeeper holding topic requests (as an admin's CreateTopics would leave them) for the
    /// controller to create.
    pub fn with_topics(topics: Vec<TopicMeta>) -> Self {
        ZkNode {
            topics,
            ..Self::default()
        }
    }

    /// The topics, requested or created.
    pub fn topics(&self) -> &[TopicMeta] {
        &self.topics
    }

    /// Whether `/admin/delete_topics/<name>` exists for topic `idx` (deletion under way).
    pub fn marked_for_deletion(&self, idx: TopicIdx) -> bool {
        self.deleting.contains(&idx)
    }

    /// Writes `/config/topics/<name>` as `kafka-configs --alter` does: the topic's
    /// `min.insync.replicas` and/or `unclean.leader.election.enable`. False if there is no such topic.
    pub fn set_topic_config(
        &mut self,
        idx: crate::record::TopicIdx,
        min_isr: Option<i32>,
        unclean: Option<bool>,
    ) -> bool {
        let Some(t) = self.topics.iter_mut().find(|t| t.idx == idx) else {
            return false;
        };
        if let Some(m) = min_isr {
            t.min_insync_replicas = m;
        }
        if let Some(u) = unclean {
            t.unclean_leader_election_enable = u;
        }
        true
    }

    /// The partition states the controller wrote.
    pub fn partition_states(&self) -> &BTreeMap<TopicPartition, PartitionRegistration> {
        &self.partitions
    }

    /// Every live session, by id.
    pub fn sessions(&self) -> &BTreeMap<SessionId, ZkSession> {
        &self.sessions
    }

    /// The registered brokers, in id order.
    pub fn registered_brokers(&self) -> impl Iterator<Item = BrokerId> + '_ {
        self.brokers.keys().copied()
    }

    /// True when `/brokers/ids/<broker>` exists.
    pub fn is_registered(&self, broker: BrokerId) -> bool {
        self.brokers.contains_key(&broker)
    }

    /// The controller, if any.
    pub fn controller(&self) -> Option<BrokerId> {
        self.controller
    }

    /// The controller epoch (bumped at each election).
    pub fn controller_epoch(&self) -> u32 {
        self.controller_epoch
    }

    /// The session that speaks for `broker`: the one owning its registration, else its most
    /// recently heard one.
    pub fn session_of(&self, broker: BrokerId) -> Option<&ZkSession> {
        if let Some(s) = self
            .brokers
            .get(&broker)
            .and_then(|(sid, _)| self.sessions.get(sid))
        {
            return Some(s);
        }
        self.sessions
            .values()
            .filter(|s| s.broker_id == broker)
            .max_by_key(|s| s.last_heard)
    }

    pub(super) fn on_start(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        for (&id, s) in self.sessions.iter_mut() {
            s.last_heard = now;
            ctx.set_timer(s.timeout, ClusterTimer::ZkSessionCheck { session: id });
        }
    }

    pub(super) fn on_crash(&mut self) {}

    /// Notes that the session was heard from now; returns false if it does not exist.
    fn touch(&mut self, session: SessionId, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) -> bool {
        match self.sessions.get_mut(&session) {
            Some(s) => {
                s.last_heard = now;
                ctx.set_timer(s.timeout, ClusterTimer::ZkSessionCheck { session });
                true
            }
            None => false,
        }
    }

    pub(super) fn on_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        match msg {
            ClusterMsg::ZkConnect {
                broker_id,
                session_timeout,
                resume,
            } => match resume {
                Some(session) if self.touch(session, now, ctx) => {
                    ctx.send(from, ClusterMsg::ZkConnected { session });
                }
                Some(session) => ctx.send(from, ClusterMsg::ZkSessionExpired { session }),
                None => {
                    let session = loop {
                        // Ids are random, as real ones look; redraw on the (unlikely) collision.
                        let id = SessionId(ctx.rng().next_u64());
                        if !self.sessions.contains_key(&id) {
                            break id;
                        }
                    };
                    let s = ZkSession {
                        broker_id,
                        node: from,
                        timeout: session_timeout,
                        last_heard: now,
                    };
                    self.sessions.insert(session, s);
                    ctx.set_timer(session_timeout, ClusterTimer::ZkSessionCheck { session });
                    ctx.record(ClusterEvent::SessionCreated { broker_id, session });
                    ctx.send(from, ClusterMsg::ZkConnected { session });
                }
            },
            ClusterMsg::ZkPing {
                session,
                controller_epoch,
                brokers_version,
            } => {
                if self.touch(session, now, ctx) {
                    ctx.send(from, ClusterMsg::ZkPong { session });
                    self.replay_watches(session, from, controller_epoch, brokers_version, ctx);
                } else {
                    ctx.send(from, ClusterMsg::ZkSessionExpired { session });
                }
            }
            ClusterMsg::ZkRegisterBroker { session, broker_id } => {
                if !self.touch(session, now, ctx) {
                    ctx.send(from, ClusterMsg::ZkSessionExpired { session });
                    return;
                }
                let ok = match self.brokers.get(&broker_id) {
                    Some((owner, _)) => *owner == session,
                    None => {
                        self.brokers.insert(broker_id, (session, from));
                        self.brokers_version += 1;
                        self.broker_epochs.insert(broker_id, self.brokers_version);
                        ctx.record(ClusterEvent::BrokerRegistered { broker_id });
                        if self.controller.is_none() {
                            self.elect(ctx);
                        } else {
                            self.notify_brokers_changed(ctx);
                        }
                        true
                    }
                };
                let (controller, epoch) = (self.controller, self.controller_epoch);
                ctx.send(
                    from,
                    ClusterMsg::ZkRegistered {
                        ok,
                        controller,
                        epoch,
                    },
                );
            }
            ClusterMsg::ZkCloseSession { session }
                if self.sessions.get(&session).is_some_and(|s| s.node == from) =>
            {
                self.expire(session, true, ctx);
            }
            ClusterMsg::ZkWritePartitions {
                epoch,
                topics,
                partitions,
                request,
            } => {
                // The controller epoch znode's version fences a deposed controller's writes.
                let ok = epoch == self.controller_epoch;
                if let Some(request) = request {
                    ctx.send(from, ClusterMsg::ZkWriteResult { request, epoch, ok });
                }
                if !ok {
                    return;
                }
                for t in topics {
                    match self.topics.iter_mut().find(|x| x.idx == t.idx) {
                        Some(x) => *x = t,
                        None => self.topics.push(t),
                    }
                }
                for (tp, reg) in partitions {
                    // The znode version check: a retried write never undoes a later one.
                    if (self.partitions.get(&tp)).is_none_or(|cur| cur.partition_epoch < reg.partition_epoch)
                    {
                        self.partitions.insert(tp, reg);
                    }
                }
            }
            ClusterMsg::ZkCreateTopic { topic } => self.create_topic(topic, ctx),
            ClusterMsg::ZkDeleteTopic { name } => self.mark_for_deletion(&name, ctx),
            ClusterMsg::ZkTopicDeleted { epoch, topic } if epoch == self.controller_epoch => {
                self.topics.retain(|t| t.idx != topic);
                self.partitions.retain(|tp, _| tp.topic != topic);
                self.deleting.remove(&topic);
            }
            ClusterMsg::ZkAddPartitions { topic, added } => self.add_partitions(topic, added, ctx),
            _ => {}
        }
    }

    /// Creates `/brokers/topics/<name>` unless it exists (auto-creation by a broker), with the next
    /// topic index, and fires the controller's `/brokers/topics` watch.
    fn create_topic(&mut self, mut topic: TopicMeta, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.topics.iter().any(|t| t.name == topic.name) {
            return;
        }
        let next = (self.topics.iter().map(|t| t.idx.0 + 1).max().unwrap_or(0)).max(self.next_topic_idx);
        self.next_topic_idx = next + 1;
        topic.idx = crate::record::TopicIdx(next);
        topic.assignment = None;
        self.topics.push(topic.clone());
        if let Some(node) = self
            .controller
            .and_then(|c| self.brokers.get(&c))
            .map(|(_, n)| *n)
        {
            let msg = ClusterMsg::ZkTopicsChanged {
                epoch: self.controller_epoch,
                topics: vec![topic],
            };
            ctx.send(node, msg);
        }
    }

    /// The controller's node, if there is a registered controller.
    fn controller_node(&self) -> Option<NodeId> {
        (self.controller)
            .and_then(|c| self.brokers.get(&c))
            .map(|(_, n)| *n)
    }

    /// Creates `/admin/delete_topics/<name>` (a created topic, not already marked) and fires the
    /// controller's watch.
    fn mark_for_deletion(&mut self, name: &str, ctx: &mut Ctx<'_, ClusterNode>) {
        let Some(idx) = (self.topics.iter())
            .find(|t| t.name == name && t.assignment.is_some())
            .map(|t| t.idx)
        else {
            return;
        };
        if self.deleting.insert(idx) {
            self.notify_deletions(ctx);
        }
    }

    /// The `/admin/delete_topics` child watch: every topic marked, to the controller.
    fn notify_deletions(&self, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.deleting.is_empty() {
            return;
        }
        if let Some(node) = self.controller_node() {
            let msg = ClusterMsg::ZkTopicDeletions {
                epoch: self.controller_epoch,
                topics: self.deleting.iter().copied().collect(),
            };
            ctx.send(node, msg);
        }
    }

    /// Appends the new partitions' replicas to `/brokers/topics/<name>` and fires the controller's
    /// partition modification watch. A topic marked for deletion is left alone.
    fn add_partitions(&mut self, idx: TopicIdx, added: Vec<Vec<BrokerId>>, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.deleting.contains(&idx) || added.is_empty() {
            return;
        }
        let Some(t) = self.topics.iter_mut().find(|t| t.idx == idx) else {
            return;
        };
        let Some(assignment) = t.assignment.as_mut() else {
            return;
        };
        assignment.extend(added);
        t.partitions = u32::try_from(assignment.len()).unwrap_or(u32::MAX);
        let topic = t.clone();
        if let Some(node) = self.controller_node() {
            let msg = ClusterMsg::ZkPartitionsChanged {
                epoch: self.controller_epoch,
                topic,
            };
            ctx.send(node, msg);
        }
    }

    /// Tells the controller the registered brokers (the `/brokers/ids` child watch).
    fn notify_brokers_changed(&self, ctx: &mut Ctx<'_, ClusterNode>) {
        if let Some(node) = self
            .controller
            .and_then(|c| self.brokers.get(&c))
            .map(|(_, n)| *n)
        {
            let msg = ClusterMsg::ZkBrokersChanged {
                epoch: self.controller_epoch,
                live: self.brokers.keys().copied().collect(),
                version: self.brokers_version,
                broker_epochs: self.broker_epochs(),
            };
            ctx.send(node, msg);
        }
    }

    /// `SetWatches`: fires again, to the session's client at `node`, every watch whose znode
    /// changed since the versions the client reports. Every broker watches `/controller` (and the
    /// controller it names reads its context again, a read lost with its connection being
    /// retried); the controller also watches `/brokers/ids`.
    fn replay_watches(
        &self,
        session: SessionId,
        node: NodeId,
        controller_epoch: u32,
        brokers_version: u64,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let Some(broker) = self.sessions.get(&session).map(|s| s.broker_id) else {
            return;
        };
        let owns_registration = self.brokers.get(&broker).is_some_and(|(s, _)| *s == session);
        let is_controller = owns_registration && self.controller == Some(broker);
        if controller_epoch < self.controller_epoch {
            let (controller, epoch) = (self.controller, self.controller_epoch);
            ctx.send(node, ClusterMsg::ControllerChanged { controller, epoch });
            if is_controller {
                ctx.send(node, self.controller_context());
                self.notify_deletions(ctx);
            }
        } else if is_controller && brokers_version < self.brokers_version {
            self.notify_brokers_changed(ctx);
        }
    }

    /// What a new controller reads at failover: brokers, topics, partition states.
    fn controller_context(&self) -> ClusterMsg {
        ClusterMsg::ZkControllerContext {
            epoch: self.controller_epoch,
            live: self.brokers.keys().copied().collect(),
            topics: self.topics.clone(),
            partitions: self.partitions.iter().map(|(tp, r)| (*tp, r.clone())).collect(),
            brokers_version: self.brokers_version,
            broker_epochs: self.broker_epochs(),
        }
    }

    /// Each registered broker's epoch, in id order.
    fn broker_epochs(&self) -> Vec<(BrokerId, u64)> {
        self.broker_epochs.iter().map(|(b, e)| (*b, *e)).collect()
    }

    pub(super) fn on_timer(&mut self, now: SimTime, timer: ClusterTimer, ctx: &mut Ctx<'_, ClusterNode>) {
        // Earlier checks for a session heard from since are stale: only the latest expires it.
        if let ClusterTimer::ZkSessionCheck { session } = timer
            && self.sessions.get(&session).is_some_and(|s| now >= s.deadline())
        {
            self.expire(session, false, ctx);
        }
    }

    fn expire(&mut self, session: SessionId, closed: bool, ctx: &mut Ctx<'_, ClusterNode>) {
        let Some(s) = self.sessions.remove(&session) else {
            return;
        };
        let broker_id = s.broker_id;
        if closed {
            ctx.record(ClusterEvent::SessionClosed { broker_id, session });
        } else {
            ctx.record(ClusterEvent::SessionExpired { broker_id, session });
        }
        if self
            .brokers
            .get(&broker_id)
            .is_some_and(|(owner, _)| *owner == session)
        {
            self.brokers.remove(&broker_id);
            self.broker_epochs.remove(&broker_id);
            self.brokers_version += 1;
            ctx.record(ClusterEvent::BrokerDeregistered { broker_id });
            if self.controller == Some(broker_id) {
                self.controller = None;
                self.elect(ctx);
            } else {
                self.notify_brokers_changed(ctx);
            }
        }
    }

    /// Fills a vacant `/controller` with the lowest registered broker, and tells every broker.
    fn elect(&mut self, ctx: &mut Ctx<'_, ClusterNode>) {
        self.controller = self.brokers.keys().next().copied();
        if self.controller.is_some() {
            self.controller_epoch += 1;
        }
        let (controller, epoch) = (self.controller, self.controller_epoch);
        ctx.record(ClusterEvent::ControllerChanged { controller, epoch });
        for &(_, node) in self.brokers.values() {
            ctx.send(node, ClusterMsg::ControllerChanged { controller, epoch });
        }
        // The new controller reads its context: brokers, topics, partition states.
        if let Some(node) = controller.and_then(|c| self.brokers.get(&c)).map(|(_, n)| *n) {
            ctx.send(node, self.controller_context());
            self.notify_deletions(ctx);
        }
    }
}
