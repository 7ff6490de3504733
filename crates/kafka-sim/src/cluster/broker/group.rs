//! The broker's side of consumer groups: FindCoordinator (creating `__consumer_offsets` through
//! ZooKeeper at the first one, as ZooKeeper-mode auto-creation does), the [`GroupCoordinator`] it
//! runs for the `__consumer_offsets` partitions it leads (loading their commits and group metadata
//! when it becomes leader, unloading when it stops), and the coordinator's records appended to those
//! partitions and reported once the high watermark passes them (`offsets.commit.required.acks=-1`,
//! as `DelayedProduce`), or with `REQUEST_TIMED_OUT` after `offsets.commit.timeout.ms`.

use super::BrokerNode;
use super::replica_manager::{ReplicaRole, direct_batch, record_hw};
use crate::cluster::wire::TopicMeta;
use crate::cluster::{ClusterEvent, ClusterMsg, ClusterNode, ClusterTimer};
use crate::error_code::ErrorCode;
use crate::group::coordinator::{
    GroupCoordinator, GroupSettings, GroupTimer, GroupView, OFFSETS_TOPIC, OffsetsRecord, Output, ReplyTo,
};
use crate::group::offsets_partition_for;
use crate::group::wire::{ClientRequest, ClientResponse};
use crate::ids::{BrokerId, NodeId};
use crate::kernel::Ctx;
use crate::record::{TopicIdx, TopicPartition};
use crate::time::SimTime;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A commit record appended and waiting for the high watermark.
#[derive(Clone, Debug)]
struct CommitWait {
    tp: TopicPartition,
    /// The HW that commits it (last offset + 1).
    required_offset: i64,
}

/// The broker's consumer-group state.
#[derive(Clone, Debug)]
pub(crate) struct GroupHost {
    /// The coordinator (volatile: rebuilt from the logs when leadership comes back).
    pub(super) coordinator: GroupCoordinator,
    /// `__consumer_offsets` as the metadata cache knows it: its index and each partition's leader.
    offsets_topic: Option<(TopicIdx, Vec<Option<BrokerId>>)>,
    offsets_epoch: u32,
    /// Commits waiting for replication, by coordinator token.
    waits: BTreeMap<u64, CommitWait>,
    /// Consumer fetches held for data.
    pub(super) fetches: super::consumer_fetch::HeldFetches,
}

impl GroupHost {
    pub(super) fn new(settings: GroupSettings) -> Self {
        GroupHost {
            coordinator: GroupCoordinator::new(settings),
            offsets_topic: None,
            offsets_epoch: 0,
            waits: BTreeMap::new(),
            fetches: Default::default(),
        }
    }

    /// A crash loses the coordinator's memory, the metadata cache and everything waiting.
    pub(super) fn on_crash(&mut self) {
        self.coordinator.reset();
        self.offsets_topic = None;
        self.offsets_epoch = 0;
        self.waits.clear();
        self.fetches = Default::default();
    }
}

/// The `__consumer_offsets` partition number of a hosted partition named `__consumer_offsets-<p>`.
fn offsets_partition(name: &str) -> Option<i32> {
    let (topic, p) = name.rsplit_once('-')?;
    (topic == OFFSETS_TOPIC).then(|| p.parse().ok()).flatten()
}

impl BrokerNode {
    /// The group coordinator's settings (`group.*`, `offsets.*`); set before the broker starts.
    pub fn set_group_settings(&mut self, settings: GroupSettings) {
        self.groups = GroupHost::new(settings);
    }

    /// The group coordinator this broker runs.
    pub fn coordinator(&self) -> &GroupCoordinator {
        &self.groups.coordinator
    }

    /// The groups this broker coordinates now, for the UI and reports.
    pub fn group_views(&self) -> Vec<GroupView> {
        self.groups.coordinator.view()
    }

    /// A [`ClientRequest`] from a consumer.
    pub(super) fn on_client_request(
        &mut self,
        now: SimTime,
        from: NodeId,
        correlation_id: i32,
        request: ClientRequest,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let reply = ReplyTo {
            node: from,
            correlation_id,
        };
        match request {
            ClientRequest::FindCoordinator { key } => {
                let response = self.find_coordinator(&key, ctx);
                send(ctx, reply, response);
            }
            ClientRequest::ListOffsets { partitions } => {
                let response = self.list_offsets(&partitions);
                send(ctx, reply, response);
            }
            ClientRequest::Fetch { .. } => self.on_consumer_fetch(now, reply, request, ctx),
            other => {
                let out = self.groups.coordinator.handle(now, reply, other, ctx.rng());
                self.apply_group_output(now, out, ctx);
            }
        }
    }

    fn find_coordinator(&mut self, key: &str, ctx: &mut Ctx<'_, ClusterNode>) -> ClientResponse {
        let settings = *self.groups.coordinator.settings();
        let not_available = ClientResponse::FindCoordinator {
            error: ErrorCode::CoordinatorNotAvailable,
            coordinator: None,
        };
        let Some((_, leaders)) = &self.groups.offsets_topic else {
            // `getOrCreateInternalTopic`: created only when enough brokers are alive for
            // `offsets.topic.replication.factor` (else INVALID_REPLICATION_FACTOR, which
            // FindCoordinator answers as COORDINATOR_NOT_AVAILABLE).
            if self.live_brokers.len() as u64 >= u64::from(settings.offsets_topic_replication_factor) {
                let topic = TopicMeta {
                    idx: TopicIdx(0),
                    name: OFFSETS_TOPIC.to_string(),
                    partitions: settings.offsets_topic_num_partitions,
                    replication_factor: settings.offsets_topic_replication_factor,
                    min_insync_replicas: self.settings.min_insync_replicas,
                    unclean_leader_election_enable: false,
                    assignment: None,
                };
                ctx.send(self.zookeeper, ClusterMsg::ZkCreateTopic { topic });
            }
            return not_available;
        };
        let p = offsets_partition_for(key, settings.offsets_topic_num_partitions);
        match usize::try_from(p)
            .ok()
            .and_then(|i| leaders.get(i))
            .copied()
            .flatten()
        {
            Some(b) => ClientResponse::FindCoordinator {
                error: ErrorCode::None,
                coordinator: Some(b),
            },
            None => not_available,
        }
    }

    /// The controller's `__consumer_offsets` leaders.
    pub(super) fn on_offsets_topic_metadata(
        &mut self,
        controller_epoch: u32,
        topic: TopicIdx,
        leaders: Vec<Option<BrokerId>>,
    ) {
        if controller_epoch >= self.groups.offsets_epoch {
            self.groups.offsets_epoch = controller_epoch;
            self.groups.offsets_topic = Some((topic, leaders));
        }
    }

    /// After a LeaderAndIsr: load the `__consumer_offsets` partitions this broker now leads, unload
    /// those it no longer leads.
    pub(super) fn sync_coordinator(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        let mut load = Vec::new();
        let mut unload = Vec::new();
        for h in self.partitions.values() {
            let Some(p) = offsets_partition(&h.name) else {
                continue;
            };
            let leads = matches!(h.role, ReplicaRole::Leader(_));
            let owns = self.groups.coordinator.owns(p);
            if leads && !owns {
                let records: Vec<OffsetsRecord> = (h.log.batches().iter())
                    .filter_map(|b| OffsetsRecord::decode(&b.records))
                    .collect();
                load.push((p, h.role.leader_epoch(), records));
            } else if !leads && owns {
                unload.push((p, h.role.leader_epoch()));
            }
        }
        for (p, epoch) in unload {
            let out = self.groups.coordinator.unload_partition(p, epoch);
            self.apply_group_output(now, out, ctx);
        }
        for (p, epoch, records) in load {
            let out = self.groups.coordinator.load_partition(now, p, epoch, records);
            self.apply_group_output(now, out, ctx);
        }
        self.complete_group_waits(now, None, ctx);
    }

    /// Sends the responses, arms the timers, records the events and appends the commits.
    pub(super) fn apply_group_output(&mut self, now: SimTime, out: Output, ctx: &mut Ctx<'_, ClusterNode>) {
        let me = self.broker_id;
        for (to, r) in out.responses {
            send(ctx, to, r);
        }
        for (after, t) in out.timers {
            ctx.set_timer(after, ClusterTimer::Group(t));
        }
        for event in out.events {
            ctx.record(ClusterEvent::Group { broker: me, event });
        }
        for c in out.commits {
            let result = self.append_commit(now, c.partition, &c.record, ctx);
            match result {
                Ok(wait) => {
                    self.groups.waits.insert(c.token, wait);
                    let timeout = self.groups.coordinator.settings().offsets_commit_timeout_ms;
                    let timer = ClusterTimer::Group(GroupTimer::CommitTimeout { seq: c.token });
                    ctx.set_timer(SimTime::from_millis(timeout), timer);
                }
                Err(code) => {
                    let out = self.groups.coordinator.commit_completed(c.token, code);
                    self.apply_group_output(now, out, ctx);
                }
            }
        }
        self.complete_group_waits(now, None, ctx);
    }

    /// Appends a record (commit or group metadata) to `__consumer_offsets-<partition>` as its leader, with acks=-1.
    fn append_commit(
        &mut self,
        now: SimTime,
        partition: i32,
        record: &OffsetsRecord,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) -> Result<CommitWait, ErrorCode> {
        let me = self.broker_id;
        let tp = (self.partitions.iter())
            .find(|(tp, h)| tp.partition == partition && offsets_partition(&h.name) == Some(partition))
            .map(|(tp, _)| *tp)
            .ok_or(ErrorCode::NotLeaderOrFollower)?;
        let h = self
            .partitions
            .get_mut(&tp)
            .ok_or(ErrorCode::NotLeaderOrFollower)?;
        let ReplicaRole::Leader(l) = &h.role else {
            return Err(ErrorCode::NotLeaderOrFollower);
        };
        let ids: Arc<[_]> = record.encode().into();
        let batch = direct_batch(ids, now);
        let (info, hw) = (l.append_records(&mut h.log, batch, -1, &h.name, now)).map_err(|(code, _)| code)?;
        if let Some(hw) = hw {
            record_hw(ctx, me, tp, l.leader_epoch, hw);
        }
        self.wake_parked(now, tp, ctx);
        Ok(CommitWait {
            tp,
            required_offset: info.last_offset + 1,
        })
    }

    /// The high watermark of `tp` (or of every partition) may have moved, or leadership changed:
    /// answer the commits it decides and the held consumer fetches it satisfies.
    pub(super) fn complete_group_waits(
        &mut self,
        now: SimTime,
        tp: Option<TopicPartition>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if !self.groups.waits.is_empty() {
            let mut decided = Vec::new();
            for (token, w) in &self.groups.waits {
                if tp.is_some_and(|t| t != w.tp) {
                    continue;
                }
                let code = match self.partitions.get(&w.tp).map(|h| (&h.role, &h.log)) {
                    Some((ReplicaRole::Leader(l), log)) => l.check_produce_completion(log, w.required_offset),
                    _ => Some(ErrorCode::NotLeaderOrFollower),
                };
                if let Some(code) = code {
                    decided.push((*token, code));
                }
            }
            for (token, code) in decided {
                self.groups.waits.remove(&token);
                let out = self.groups.coordinator.commit_completed(token, code);
                self.apply_group_output(now, out, ctx);
            }
        }
        self.wake_consumer_fetches(now, ctx);
    }

    pub(super) fn on_group_timer(&mut self, now: SimTime, timer: GroupTimer, ctx: &mut Ctx<'_, ClusterNode>) {
        match timer {
            GroupTimer::CommitTimeout { seq } => {
                if self.groups.waits.remove(&seq).is_some() {
                    let out = self
                        .groups
                        .coordinator
                        .commit_completed(seq, ErrorCode::RequestTimedOut);
                    self.apply_group_output(now, out, ctx);
                }
            }
            GroupTimer::FetchWait { seq } => self.on_consumer_fetch_wait(now, seq, ctx),
            t => {
                let out = self.groups.coordinator.on_timer(now, &t);
                self.apply_group_output(now, out, ctx);
            }
        }
    }
}

pub(super) fn send(ctx: &mut Ctx<'_, ClusterNode>, to: ReplyTo, response: ClientResponse) {
    ctx.send(
        to.node,
        ClusterMsg::ClientResponse {
            correlation_id: to.correlation_id,
            response,
        },
    );
}
