//! The view side of [`Simulation`]: [`Simulation::view`] (one frame: the cluster picture, the
//! panels, the topic table) and the accessors of the tabs below (the event log, the sequence
//! diagram, the truncation history; the metrics and anomalies are in `view_metrics.rs`).

use super::Simulation;
use super::view_record::{Cx, STRIP_LEN};
use crate::cluster::{ClusterNode, ReplicaRole};
use crate::ids::{BrokerId, NodeId};
use crate::record::TopicPartition;
use crate::view::{
    BrokerReplicas, EventKind, FlightView, LoggedEvent, MessageKind, NodeKind, NodeView, OffsetCell,
    PartitionView, ReplicaRoleView, ReplicaView, SequenceEntry, SimView, StruckRange, TruncationView,
};
use std::ops::Range;

/// How many truncations of one replica its strip shows struck out (the latest).
const STRUCK_PER_REPLICA: usize = 4;

impl Simulation {
    /// A picture of the current state for the UI: one frame.
    pub fn view(&self) -> SimView {
        SimView {
            now: self.now(),
            seed: self.spec.seed,
            nodes: self.node_views(),
            in_flight: self.flight_views(),
            events_processed: self.kernel.events_processed(),
            trace_hash: self.trace_hash(),
            partitions: self.partition_views(),
            brokers: self.broker_replicas(),
            producers: self.producer_views(),
            groups: self.group_panels(),
            event_count: self.views.next_seq,
            metric_count: self.metrics.count,
            settings: Some(self.settings_view()),
        }
    }

    fn node_views(&self) -> Vec<NodeView> {
        let now = self.now();
        let zk = self.zookeeper();
        let net = self.kernel.network();
        let node_count = self.kernel.node_count();
        (self.kernel.nodes())
            .filter_map(|(id, node)| {
                let (kind, name) = match node {
                    ClusterNode::ZooKeeper(_) => (NodeKind::ZooKeeper, "ZooKeeper".to_string()),
                    ClusterNode::Broker(b) => (
                        NodeKind::Broker {
                            broker_id: b.broker_id(),
                        },
                        format!("Broker {}", b.broker_id()),
                    ),
                    ClusterNode::Producer(p) => {
                        (NodeKind::Producer { index: p.index() }, p.setup().name.clone())
                    }
                    ClusterNode::Consumer(c) => {
                        let m = c.member();
                        let kind = NodeKind::Consumer {
                            group: m.group,
                            member: m.member,
                        };
                        (kind, c.consumer().client_id().to_string())
                    }
                    ClusterNode::Probe(_) => return None,
                };
                let broker = node.as_broker();
                let session_used = broker.and_then(|b| {
                    let s = zk.session_of(b.broker_id())?;
                    let silent = now - s.last_heard;
                    (silent > b.ping_interval() && s.timeout > crate::time::SimTime::ZERO)
                        .then(|| (silent.as_micros() as f64 / s.timeout.as_micros() as f64).min(1.0))
                });
                Some(NodeView {
                    id,
                    kind,
                    name,
                    up: self.kernel.is_up(id),
                    isolated: net.is_cut_off(id, node_count),
                    registered: broker.is_some_and(|b| zk.is_registered(b.broker_id())),
                    controller: broker.is_some_and(|b| zk.controller() == Some(b.broker_id())),
                    session_used,
                })
            })
            .collect()
    }

    fn flight_views(&self) -> Vec<FlightView> {
        let now = self.now();
        (self.kernel.in_flight().into_iter())
            .map(|f| {
                let label = crate::kernel::Label::label(f.msg);
                let span = f.deliver_at.saturating_sub(f.sent_at).as_micros();
                let done = now.saturating_sub(f.sent_at).as_micros();
                let progress = if span == 0 {
                    1.0
                } else {
                    (done as f64 / span as f64).clamp(0.0, 1.0)
                };
                FlightView {
                    from: f.from,
                    to: f.to,
                    sent_at: f.sent_at,
                    deliver_at: f.deliver_at,
                    label: label.to_string(),
                    kind: MessageKind::of_label(label),
                    progress,
                }
            })
            .collect()
    }

    /// The topic table: the partitions as ZooKeeper's registrations and the brokers' logs show them.
    pub(super) fn partition_views(&self) -> Vec<PartitionView> {
        let zk = self.zookeeper();
        let produced = self.spec.topics.len();
        (zk.partition_states().iter())
            .map(|(tp, reg)| {
                let topic = (zk.topics().iter())
                    .find(|t| t.idx == tp.topic)
                    .map_or_else(String::new, |t| t.name.clone());
                let leo = |b: BrokerId| {
                    (self.broker(b).and_then(|n| n.partition(*tp))).map_or(0, |h| h.log.log_end_offset())
                };
                let high_watermark = (reg.leader)
                    .filter(|l| self.broker_node(*l).is_some_and(|n| self.kernel.is_up(n)))
                    .and_then(|l| self.broker(l)?.partition(*tp))
                    .map_or(-1, |h| h.log.high_watermark());
                let out_of_sync: Vec<BrokerId> = (reg.replicas.iter())
                    .copied()
                    .filter(|b| !reg.isr.contains(b))
                    .collect();
                let internal = tp.topic.0 as usize >= produced && topic == super::admin_api::OFFSETS_TOPIC;
                PartitionView {
                    topic,
                    partition: tp.partition,
                    leader: reg.leader,
                    leader_epoch: reg.leader_epoch,
                    replicas: reg.replicas.clone(),
                    isr: reg.isr.clone(),
                    high_watermark,
                    log_end_offsets: reg.replicas.iter().map(|b| (*b, leo(*b))).collect(),
                    under_replicated: reg.isr.len() < reg.replicas.len(),
                    out_of_sync,
                    internal,
                }
            })
            .collect()
    }

    /// Every broker's replicas of the spec's topics, with their strips.
    fn broker_replicas(&self) -> Vec<BrokerReplicas> {
        let zk = self.zookeeper();
        let cx = Cx {
            kernel: &self.kernel,
            spec: &self.spec,
        };
        (self.kernel.nodes())
            .filter_map(|(node, n)| n.as_broker().map(|b| (node, b)))
            .map(|(node, b)| {
                let me = b.broker_id();
                let replicas = (b.partitions().iter())
                    .filter(|(tp, _)| !cx.internal(**tp))
                    .map(|(tp, h)| {
                        let reg = zk.partition_states().get(tp);
                        let log = &h.log;
                        let leo = log.log_end_offset();
                        let hw = log.high_watermark();
                        let first = (leo - STRIP_LEN as i64).max(log.log_start_offset());
                        let strip = (log.records_in(first, leo))
                            .map(|(offset, record, epoch)| OffsetCell {
                                offset,
                                leader_epoch: epoch,
                                record: record.to_string(),
                                committed: offset < hw,
                            })
                            .collect();
                        let role = match &h.role {
                            ReplicaRole::Offline => ReplicaRoleView::Offline,
                            ReplicaRole::NoLeader { .. } => ReplicaRoleView::NoLeader,
                            ReplicaRole::Leader(_) => ReplicaRoleView::Leader,
                            ReplicaRole::Follower(_) => ReplicaRoleView::Follower,
                        };
                        ReplicaView {
                            topic: cx.topic(*tp),
                            partition: tp.partition,
                            role,
                            leader: role == ReplicaRoleView::Leader
                                && reg.is_some_and(|r| r.leader == Some(me))
                                && self.kernel.is_up(node),
                            in_isr: reg.is_some_and(|r| r.isr.contains(&me)),
                            leader_epoch: h.role.leader_epoch(),
                            log_start_offset: log.log_start_offset(),
                            log_end_offset: leo,
                            high_watermark: hw,
                            strip,
                            struck: self.struck(me, *tp),
                        }
                    })
                    .collect();
                BrokerReplicas {
                    broker: me,
                    node,
                    replicas,
                }
            })
            .collect()
    }

    fn struck(&self, broker: BrokerId, tp: TopicPartition) -> Vec<StruckRange> {
        let mut out: Vec<StruckRange> = (self.views.truncations.iter().rev())
            .filter(|t| t.broker == broker && t.tp == tp)
            .take(STRUCK_PER_REPLICA)
            .map(|t| StruckRange {
                at: t.at,
                from_offset: t.to,
                to_offset: t.from,
                records: t.removed,
            })
            .collect();
        out.reverse();
        out
    }

    /// The truncation history (at most [`super::TRUNCATION_HISTORY`], the latest), oldest first.
    pub fn truncation_history(&self) -> Vec<TruncationView> {
        let cx = Cx {
            kernel: &self.kernel,
            spec: &self.spec,
        };
        (self.views.truncations.iter())
            .map(|t| TruncationView {
                at: t.at,
                broker: t.broker,
                topic: cx.topic(t.tp),
                partition: t.tp.partition,
                from: t.from,
                to: t.to,
                removed_records: t.removed,
            })
            .collect()
    }

    /// The event log's sequence numbers still held: `first..end` (`end` is how many events were ever
    /// logged; the oldest are dropped past [`super::EVENT_LOG_CAPACITY`]).
    pub fn event_log_bounds(&self) -> Range<u64> {
        let end = self.views.next_seq;
        let first = self.views.log.front().map_or(end, |e| e.seq);
        first..end
    }

    /// The events with sequence numbers in `range` that are still held, oldest first (a window of a
    /// long log).
    pub fn event_log_range(&self, range: Range<u64>) -> Vec<LoggedEvent> {
        let held = self.event_log_bounds();
        let from = range.start.max(held.start);
        let to = range.end.min(held.end);
        if from >= to {
            return Vec::new();
        }
        let skip = usize::try_from(from - held.start).unwrap_or(usize::MAX);
        let take = usize::try_from(to - from).unwrap_or(usize::MAX);
        self.views.log.iter().skip(skip).take(take).cloned().collect()
    }

    /// The last `limit` held events of the given kinds (every kind when `kinds` is empty) with a
    /// sequence number below `before`, oldest first: a filtered window, paging backwards.
    pub fn event_log_filtered(&self, kinds: &[EventKind], before: u64, limit: usize) -> Vec<LoggedEvent> {
        let mut out: Vec<LoggedEvent> = (self.views.log.iter().rev())
            .filter(|e| e.seq < before && (kinds.is_empty() || kinds.contains(&e.kind)))
            .take(limit)
            .cloned()
            .collect();
        out.reverse();
        out
    }

    /// The events logged at or after `from` (simulated time), at most `limit`, oldest first.
    pub fn event_log_since(&self, from: crate::time::SimTime, limit: usize) -> Vec<LoggedEvent> {
        let start = self.views.log.partition_point(|e| e.at < from);
        self.views.log.range(start..).take(limit).cloned().collect()
    }

    /// The last `limit` messages that reached their receiver (or were lost on arrival), oldest first
    /// (at most [`super::SEQUENCE_CAPACITY`]): the sequence diagram.
    pub fn sequence(&self, limit: usize) -> Vec<SequenceEntry> {
        let skip = self.views.sequence.len().saturating_sub(limit);
        (self.views.sequence.iter().skip(skip))
            .map(|a| SequenceEntry {
                from: a.from,
                to: a.to,
                label: a.label.to_string(),
                kind: MessageKind::of_label(a.label),
                sent_at: a.sent_at,
                delivered_at: a.at,
                lost: a.lost,
            })
            .collect()
    }

    /// The node that a sequence or flight entry names, as the picture shows it.
    pub fn node_view(&self, id: NodeId) -> Option<NodeView> {
        self.node_views().into_iter().find(|n| n.id == id)
    }
}
