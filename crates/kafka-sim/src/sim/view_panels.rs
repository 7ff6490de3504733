//! The producer panel and the consumer group panel of [`Simulation::view`].

use super::Simulation;
use crate::config::producer::{Acks, CompressionType};
use crate::config::{AutoOffsetReset, ConsumerConfig};
use crate::group::consumer::{AppView, CommitMode, Processing};
use crate::group::wire::NamedPartition;
use crate::view::{
    Activity, ClusterSettingsView, ConsumerConfigView, GroupPanel, GroupPartitionView, MemberCard,
    MemberPartition, PollBar, ProcessingRange, ProcessingView, ProducerConfigView, ProducerStatsView,
    ProducerView, SessionArc, TopicSettingsView,
};
use std::collections::BTreeMap;

fn acks_name(a: Acks) -> &'static str {
    match a {
        Acks::Zero => "0",
        Acks::One => "1",
        Acks::All => "all",
    }
}

fn compression_name(c: CompressionType) -> &'static str {
    match c {
        CompressionType::None => "none",
        CompressionType::Gzip => "gzip",
        CompressionType::Snappy => "snappy",
        CompressionType::Lz4 => "lz4",
        CompressionType::Zstd => "zstd",
    }
}

fn consumer_config(c: &ConsumerConfig) -> ConsumerConfigView {
    ConsumerConfigView {
        group_id: c.group_id.clone().unwrap_or_default(),
        group_instance_id: c.group_instance_id.clone(),
        max_poll_records: c.max_poll_records,
        enable_auto_commit: c.enable_auto_commit,
        auto_commit_interval_ms: c.auto_commit_interval_ms,
        heartbeat_interval_ms: c.heartbeat_interval_ms,
        session_timeout_ms: c.session_timeout_ms,
        max_poll_interval_ms: c.max_poll_interval_ms,
        auto_offset_reset: match c.auto_offset_reset {
            AutoOffsetReset::Latest => "latest",
            AutoOffsetReset::Earliest => "earliest",
            AutoOffsetReset::None => "none",
        }
        .to_string(),
        partition_assignment_strategy: (c.partition_assignment_strategy.iter())
            .map(|a| a.protocol_name().to_string())
            .collect(),
        key_deserializer: c.key_deserializer.deserializer_class(),
        value_deserializer: c.value_deserializer.deserializer_class(),
        originals: originals(&c.originals),
    }
}

/// The supplied properties as owned pairs.
fn originals(o: &crate::config::Originals) -> Vec<(String, String)> {
    o.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn processing_view(p: Processing) -> ProcessingView {
    let ms = |t: crate::time::SimTime| t.as_micros() as f64 / 1000.0;
    match p {
        Processing::Fixed(d) => ProcessingView::Fixed { ms: ms(d) },
        Processing::Uniform { min, max } => ProcessingView::Uniform {
            min_ms: ms(min),
            max_ms: ms(max),
        },
        Processing::Exponential { mean } => ProcessingView::Exponential { mean_ms: ms(mean) },
    }
}

fn fraction(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

impl Simulation {
    /// The broker and topic settings of the run.
    pub(super) fn settings_view(&self) -> ClusterSettingsView {
        let r = &self.spec.replication;
        ClusterSettingsView {
            brokers: self.spec.brokers,
            zookeeper_session_timeout_ms: r.zookeeper_session_timeout_ms,
            replica_lag_time_max_ms: r.replica_lag_time_max_ms,
            min_insync_replicas: r.min_insync_replicas,
            unclean_leader_election_enable: r.unclean_leader_election_enable,
            // The topics as ZooKeeper holds them: the spec's, those created while running, not
            // the deleted ones, and not the internal `__consumer_offsets`.
            topics: (self.zookeeper().topics().iter())
                .filter(|t| t.name != super::admin_api::OFFSETS_TOPIC)
                .map(|t| TopicSettingsView {
                    name: t.name.clone(),
                    partitions: t.partitions,
                    replication_factor: t.replication_factor,
                    min_insync_replicas: t.min_insync_replicas,
                    unclean_leader_election_enable: t.unclean_leader_election_enable,
                })
                .collect(),
        }
    }

    /// The producer panel.
    pub(super) fn producer_views(&self) -> Vec<ProducerView> {
        (self.kernel.nodes())
            .filter_map(|(id, n)| {
                let p = n.as_producer()?;
                let setup = p.setup();
                let c = &setup.config;
                let s = p.producer().stats();
                let latency = self.producer_latency(p.index());
                Some(ProducerView {
                    index: p.index(),
                    node: id,
                    name: setup.name.clone(),
                    topic: setup.topic.clone(),
                    up: self.kernel.is_up(id),
                    config: ProducerConfigView {
                        acks: acks_name(c.acks).to_string(),
                        linger_ms: c.linger_ms,
                        retries: c.retries,
                        key_serializer: c.key_serializer.serializer_class(),
                        value_serializer: c.value_serializer.serializer_class(),
                        batch_size: c.batch_size,
                        enable_idempotence: c.enable_idempotence,
                        max_in_flight_requests_per_connection: c.max_in_flight_requests_per_connection,
                        request_timeout_ms: c.request_timeout_ms,
                        delivery_timeout_ms: c.delivery_timeout_ms,
                        retry_backoff_ms: c.retry_backoff_ms,
                        compression_type: compression_name(c.compression_type).to_string(),
                        // A restart in progress already carries earlier changes: changes build on them.
                        originals: originals(&p.next_config().originals),
                    },
                    rate: setup.rate,
                    keys: setup.keys.to_string(),
                    value: setup.value.to_string(),
                    emitted: p.emitted(),
                    stats: ProducerStatsView {
                        sent: s.sent,
                        acked: s.acked,
                        failed: s.failed,
                        retries: s.retries,
                        requests: s.requests,
                        errors: (s.errors_by_name().into_iter())
                            .map(|(k, v)| (k.to_string(), v))
                            .collect(),
                    },
                    latency_p50_ms: latency.map(|h| h.p50_ms()),
                    latency_p99_ms: latency.map(|h| h.p99_ms()),
                })
            })
            .collect()
    }

    /// The consumer group panel.
    pub(super) fn group_panels(&self) -> Vec<GroupPanel> {
        let now = self.now();
        let setups: Vec<_> = self.group_setups().cloned().collect();
        let mut out = Vec::with_capacity(setups.len());
        for (g, setup) in setups.iter().enumerate() {
            let gi = u16::try_from(g).unwrap_or(u16::MAX);
            let coordinator = self.group_view(&setup.group_id);
            let gv = coordinator.as_ref().map(|(_, v)| v);
            let committed: BTreeMap<(String, i32), i64> = (gv.iter())
                .flat_map(|v| v.committed.iter())
                .map(|(p, o)| ((p.topic.clone(), p.partition), *o))
                .collect();
            let members = self.member_views(gi);
            let client_of = |member_id: &str| {
                (members.iter())
                    .find(|(_, _, v)| v.member_id == member_id)
                    .map(|(_, _, v)| v.client_id.clone())
            };
            let hw_of = |topic: &str, p: i32| {
                self.topic_partition(topic, p)
                    .map_or(0, |tp| self.high_watermark_of(tp).max(0))
            };
            let lag_of = |topic: &str, p: i32| {
                let hw = hw_of(topic, p);
                let c = committed.get(&(topic.to_string(), p)).copied().unwrap_or(0);
                u64::try_from(hw.saturating_sub(c)).unwrap_or(0)
            };
            let mut partitions = Vec::new();
            for topic in &setup.topics {
                // Partitions added while running count; a deleted topic has none.
                let n = if self.topic_exists(topic) {
                    (self.topic_partition_count(topic))
                        .or_else(|| {
                            (self.spec.topics.iter())
                                .find(|t| &t.name == topic)
                                .map(|t| t.partitions)
                        })
                        .map_or(0, |n| i32::try_from(n).unwrap_or(0))
                } else {
                    0
                };
                for p in 0..n {
                    let owner = (gv.iter())
                        .flat_map(|v| v.members.iter())
                        .find(|m| m.assignment.iter().any(|a| &a.topic == topic && a.partition == p))
                        .and_then(|m| client_of(&m.member_id).or_else(|| Some(m.client_id.clone())));
                    partitions.push(GroupPartitionView {
                        topic: topic.clone(),
                        partition: p,
                        committed: committed.get(&(topic.clone(), p)).copied(),
                        high_watermark: hw_of(topic, p),
                        lag: lag_of(topic, p),
                        owner,
                    });
                }
            }
            let cards = (members.iter())
                .map(|(m, up, v)| {
                    let node = self.member_node(*m).unwrap_or_default();
                    let config = (self.kernel.node(node).and_then(|n| n.as_consumer()))
                        .map(|c| c.consumer().setup().config.clone());
                    // A crashed client forgets its member id; the coordinator still has it, as
                    // `<group.instance.id or client.id>-<uuid>`.
                    let prefix = (config.as_ref())
                        .and_then(|c| c.group_instance_id.clone())
                        .unwrap_or_else(|| v.client_id.clone());
                    let mine = |id: &str| {
                        (id.strip_prefix(prefix.as_str()))
                            .and_then(|r| r.strip_prefix('-'))
                            .is_some_and(|uuid| uuid.len() == 36)
                    };
                    let coordinator_member = coordinator.as_ref().and_then(|(b, gv)| {
                        let exact = gv.members.iter().find(|x| x.member_id == v.member_id);
                        let mv = exact.or_else(|| gv.members.iter().find(|x| mine(&x.member_id)))?;
                        Some((*b, mv))
                    });
                    let session = coordinator_member.map(|(b, mv)| {
                        let since = now.saturating_sub(mv.last_heard).as_millis();
                        let timeout = u64::try_from(mv.session_timeout_ms).unwrap_or(0);
                        SessionArc {
                            coordinator: b,
                            last_heard: mv.last_heard,
                            since_heard_ms: since,
                            session_timeout_ms: timeout,
                            fraction: fraction(since, timeout).min(1.0),
                        }
                    });
                    let max_poll = config.as_ref().map_or(0, |c| u64::from(c.max_poll_interval_ms));
                    let poll = v.last_poll.map(|last| {
                        let since = now.saturating_sub(last).as_millis();
                        PollBar {
                            last_poll: last,
                            since_poll_ms: since,
                            max_poll_interval_ms: max_poll,
                            fraction: fraction(since, max_poll),
                        }
                    });
                    let activity = match &v.app {
                        AppView::Polling => Activity::Polling,
                        AppView::Processing { until, ranges } => Activity::Processing {
                            until: *until,
                            ranges: (ranges.iter())
                                .map(|(p, from, to)| ProcessingRange {
                                    topic: p.topic.clone(),
                                    partition: p.partition,
                                    from: *from,
                                    to: *to,
                                })
                                .collect(),
                        },
                        AppView::Committing => Activity::Committing,
                        AppView::Stopped => Activity::Stopped,
                    };
                    let find = |list: &[(NamedPartition, i64)], p: &NamedPartition| {
                        list.iter().find(|(x, _)| x == p).map(|(_, o)| *o)
                    };
                    MemberCard {
                        number: m.member,
                        node,
                        client_id: v.client_id.clone(),
                        member_id: match coordinator_member {
                            Some((_, mv)) if v.member_id.is_empty() => mv.member_id.clone(),
                            _ => v.member_id.clone(),
                        },
                        group_instance_id: config.as_ref().and_then(|c| c.group_instance_id.clone()),
                        config: config.as_ref().map(consumer_config),
                        up: *up,
                        lifecycle: format!("{:?}", v.lifecycle),
                        state: v.state.name().to_string(),
                        is_leader: v.is_leader,
                        generation: v.generation,
                        heartbeat_interval_ms: config.as_ref().map_or(0, |c| c.heartbeat_interval_ms),
                        last_heartbeat_sent: v.last_heartbeat_sent,
                        last_heartbeat_ok: v.last_heartbeat_ok,
                        session,
                        poll,
                        activity,
                        paused_until: v.paused_until,
                        frozen_until: v.frozen_until,
                        partitions: (v.assigned.iter())
                            .map(|p| MemberPartition {
                                topic: p.topic.clone(),
                                partition: p.partition,
                                position: find(&v.positions, p),
                                committed: find(&v.committed, p),
                                lag: lag_of(&p.topic, p.partition),
                            })
                            .collect(),
                    }
                })
                .collect();
            let assignors = (setup.members.first())
                .map(|(_, c)| {
                    (c.partition_assignment_strategy.iter())
                        .map(|a| a.protocol_name().to_string())
                        .collect()
                })
                .unwrap_or_default();
            out.push(GroupPanel {
                index: gi,
                group_id: setup.group_id.clone(),
                topics: setup.topics.clone(),
                state: gv.map(|v| v.state.name().to_string()),
                generation: gv.map_or(-1, |v| v.generation),
                protocol: gv.and_then(|v| v.protocol.clone()),
                assignors,
                coordinator: coordinator.as_ref().map(|(b, _)| *b),
                leader: gv.and_then(|v| v.leader.clone()),
                commit_mode: match setup.commit {
                    CommitMode::Auto => "auto",
                    CommitMode::ManualAfterProcessing => "manual",
                    CommitMode::BeforeProcessing => "before",
                }
                .to_string(),
                processing: processing_view(setup.processing),
                rebalances: self.rebalance_stats(&setup.group_id).rebalances,
                members: cards,
                partitions,
            });
        }
        out
    }
}
