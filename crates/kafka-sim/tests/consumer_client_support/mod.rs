//! A hand-written broker for driving the consumer state machine alone: one broker (id 1) is the
//! coordinator and leads every partition; answers arrive 1 ms after the request.

#![allow(dead_code)]

use kafka_sim::config::ConsumerConfig;
use kafka_sim::error_code::ErrorCode;
use kafka_sim::group::consumer::{
    CommitMode, Consumer, ConsumerSetup, LogLine, Outgoing, Processing, SubscribedTopic,
    fallback_range_assign,
};
use kafka_sim::group::delivery::MemberRef;
use kafka_sim::group::wire::{
    ClientRequest, ClientResponse, ConsumerFetchResult, JoinGroupMember, JoinGroupResponse, NamedPartition,
};
use kafka_sim::ids::BrokerId;
use kafka_sim::record::{
    NO_PRODUCER_ID, NO_SEQUENCE, ProducerRef, RecordBatch, RecordId, TopicIdx, TopicPartition,
};
use kafka_sim::rng::SimRng;
use kafka_sim::time::SimTime;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const B1: BrokerId = BrokerId(1);
pub const LATENCY: SimTime = SimTime::from_millis(1);

pub fn ms(n: u64) -> SimTime {
    SimTime::from_millis(n)
}

pub fn tp(p: i32) -> TopicPartition {
    TopicPartition {
        topic: TopicIdx(0),
        partition: p,
    }
}

/// A setup for group `g`, topic `t` with `partitions` partitions, plus `props`.
pub fn setup(
    props: &[(&str, &str)],
    partitions: i32,
    mode: CommitMode,
    processing: Processing,
) -> ConsumerSetup {
    let mut all = vec![
        ("group.id", "g"),
        (
            "key.deserializer",
            "org.apache.kafka.common.serialization.StringDeserializer",
        ),
        (
            "value.deserializer",
            "org.apache.kafka.common.serialization.StringDeserializer",
        ),
    ];
    all.extend_from_slice(props);
    let config: ConsumerConfig = ConsumerConfig::parse(all).expect("valid config").config;
    ConsumerSetup {
        group_id: "g".into(),
        topics: vec![SubscribedTopic {
            name: "t".into(),
            idx: TopicIdx(0),
            partitions,
        }],
        config,
        commit_mode: mode,
        processing,
        member: MemberRef { group: 0, member: 1 },
        bootstrap: vec![B1],
        undeserializable: Default::default(),
    }
}

/// One request the consumer sent, with when.
#[derive(Clone, Debug)]
pub struct Sent {
    pub at: SimTime,
    pub correlation_id: i32,
    pub request: ClientRequest,
}

/// The fake broker and the event loop.
pub struct Harness {
    pub c: Consumer,
    pub rng: SimRng,
    pub now: SimTime,
    pub sent: Vec<Sent>,
    pub logs: Vec<(SimTime, LogLine)>,
    /// Answers waiting: (due, correlation id or -1 for metadata, answer).
    pending: Vec<(SimTime, i32, Option<ClientResponse>)>,
    /// Records in each partition (offsets 0..end).
    pub log_end: BTreeMap<TopicPartition, i64>,
    /// Committed offsets the coordinator holds.
    pub committed: BTreeMap<NamedPartition, i64>,
    /// The error every heartbeat gets.
    pub heartbeat_error: ErrorCode,
    /// The error every commit gets.
    pub commit_error: ErrorCode,
    /// When false, the coordinator swallows heartbeats (no answer).
    pub answer_heartbeats: bool,
    /// The error every JoinGroup gets, when set (instead of MEMBER_ID_REQUIRED / a join).
    pub join_error: Option<ErrorCode>,
    pub generation: i32,
    joins: u32,
}

impl Harness {
    pub fn new(setup: ConsumerSetup) -> Harness {
        Harness {
            c: Consumer::new(setup, fallback_range_assign),
            rng: SimRng::new(42),
            now: SimTime::ZERO,
            sent: Vec::new(),
            logs: Vec::new(),
            pending: Vec::new(),
            log_end: BTreeMap::new(),
            committed: BTreeMap::new(),
            heartbeat_error: ErrorCode::None,
            commit_error: ErrorCode::None,
            answer_heartbeats: true,
            join_error: None,
            generation: 0,
            joins: 0,
        }
    }

    pub fn start(&mut self) {
        self.c.start(self.now, &mut self.rng);
        self.collect();
    }

    /// Runs the loop until `t`.
    pub fn run_until(&mut self, t: SimTime) {
        loop {
            let wake = self.c.next_wakeup().map(|w| w.max(self.now));
            let answer = self.pending.iter().map(|p| p.0).min();
            let next = match (wake, answer) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => match a.or(b) {
                    Some(x) => x,
                    None => break,
                },
            };
            if next > t {
                break;
            }
            self.now = next;
            if answer == Some(next) {
                let i = self.pending.iter().position(|p| p.0 == next).expect("due answer");
                let (_, corr, resp) = self.pending.remove(i);
                match resp {
                    Some(r) => self.c.on_response(self.now, B1, corr, r, &mut self.rng),
                    None => {
                        // The topic's partitions (a broker never reports more: more would be
                        // partitions added to the topic, which makes the leader rejoin).
                        let count = self.c.setup().topics[0].partitions;
                        let parts: Vec<_> = (0..count).map(|p| (tp(p), Some(B1), 0)).collect();
                        self.c.on_metadata(self.now, &parts, &mut self.rng);
                    }
                }
            } else {
                self.c.tick(self.now, &mut self.rng);
            }
            self.collect();
        }
        self.now = self.now.max(t);
    }

    pub fn collect(&mut self) {
        for line in self.c.take_logs() {
            self.logs.push((self.now, line));
        }
        for o in self.c.take_outgoing() {
            match o {
                Outgoing::Metadata { .. } => self.pending.push((self.now + LATENCY, -1, None)),
                Outgoing::Request {
                    correlation_id,
                    request,
                    ..
                } => {
                    self.sent.push(Sent {
                        at: self.now,
                        correlation_id,
                        request: request.clone(),
                    });
                    if let Some((delay, resp)) = self.answer(&request) {
                        self.pending.push((self.now + delay, correlation_id, Some(resp)));
                    }
                }
            }
        }
    }

    fn answer(&mut self, request: &ClientRequest) -> Option<(SimTime, ClientResponse)> {
        let r = match request {
            ClientRequest::FindCoordinator { .. } => ClientResponse::FindCoordinator {
                error: ErrorCode::None,
                coordinator: Some(B1),
            },
            ClientRequest::JoinGroup(j) => {
                self.joins += 1;
                if let Some(error) = self.join_error {
                    ClientResponse::JoinGroup(JoinGroupResponse {
                        error,
                        generation_id: -1,
                        protocol_name: None,
                        leader: String::new(),
                        member_id: j.member_id.clone(),
                        members: vec![],
                    })
                } else if j.member_id.is_empty() {
                    ClientResponse::JoinGroup(JoinGroupResponse {
                        error: ErrorCode::MemberIdRequired,
                        generation_id: -1,
                        protocol_name: None,
                        leader: String::new(),
                        member_id: format!("consumer-g-1-m{}", self.joins),
                        members: vec![],
                    })
                } else {
                    self.generation += 1;
                    ClientResponse::JoinGroup(JoinGroupResponse {
                        error: ErrorCode::None,
                        generation_id: self.generation,
                        protocol_name: Some(j.protocols[0].name.clone()),
                        leader: j.member_id.clone(),
                        member_id: j.member_id.clone(),
                        members: vec![JoinGroupMember {
                            member_id: j.member_id.clone(),
                            group_instance_id: j.group_instance_id.clone(),
                            metadata: j.protocols[0].metadata.clone(),
                        }],
                    })
                }
            }
            ClientRequest::SyncGroup(s) => ClientResponse::SyncGroup {
                error: ErrorCode::None,
                protocol_name: s.protocol_name.clone(),
                assignment: (s.assignments.iter())
                    .find(|(m, _)| *m == s.member_id)
                    .map(|(_, a)| a.clone())
                    .unwrap_or_default(),
            },
            ClientRequest::Heartbeat { .. } => {
                if !self.answer_heartbeats {
                    return None;
                }
                ClientResponse::Heartbeat {
                    error: self.heartbeat_error,
                }
            }
            ClientRequest::LeaveGroup { members, .. } => ClientResponse::LeaveGroup {
                error: ErrorCode::None,
                members: members
                    .iter()
                    .map(|m| (m.member_id.clone(), ErrorCode::None))
                    .collect(),
            },
            ClientRequest::OffsetCommit(c) => {
                if self.commit_error == ErrorCode::None {
                    for (p, o) in &c.offsets {
                        self.committed.insert(p.clone(), *o);
                    }
                }
                ClientResponse::OffsetCommit {
                    results: c
                        .offsets
                        .iter()
                        .map(|(p, _)| (p.clone(), self.commit_error))
                        .collect(),
                }
            }
            ClientRequest::OffsetFetch { partitions, .. } => ClientResponse::OffsetFetch {
                error: ErrorCode::None,
                offsets: (partitions.iter())
                    .map(|p| (p.clone(), self.committed.get(p).copied().unwrap_or(-1)))
                    .collect(),
            },
            ClientRequest::ListOffsets { partitions } => ClientResponse::ListOffsets {
                partitions: partitions
                    .iter()
                    .map(|(tp, _)| (*tp, ErrorCode::None, 0))
                    .collect(),
            },
            ClientRequest::Fetch {
                partitions,
                max_wait_ms,
                ..
            } => {
                let mut any = false;
                let results = (partitions.iter())
                    .map(|p| {
                        let end = self.log_end.get(&p.tp).copied().unwrap_or(0);
                        let batches = if p.fetch_offset < end {
                            any = true;
                            let n = (end - p.fetch_offset) as usize;
                            let records: Arc<[RecordId]> =
                                (0..n).map(|i| RecordId::new(ProducerRef(0), i as u64)).collect();
                            vec![RecordBatch {
                                base_offset: p.fetch_offset,
                                partition_leader_epoch: 0,
                                producer_id: NO_PRODUCER_ID,
                                producer_epoch: -1,
                                base_sequence: NO_SEQUENCE,
                                records,
                                size_bytes: 100 * n as u32,
                                first_timestamp_ms: 0,
                            }]
                        } else {
                            vec![]
                        };
                        ConsumerFetchResult {
                            tp: p.tp,
                            error: ErrorCode::None,
                            high_watermark: end,
                            log_start_offset: 0,
                            batches,
                        }
                    })
                    .collect();
                let delay = if any { LATENCY } else { ms(u64::from(*max_wait_ms)) };
                return Some((delay, ClientResponse::Fetch { partitions: results }));
            }
        };
        Some((LATENCY, r))
    }

    /// The requests of one API, in order.
    pub fn sent_of(&self, api: &str) -> Vec<Sent> {
        self.sent
            .iter()
            .filter(|s| s.request.api_name() == api)
            .cloned()
            .collect()
    }

    /// The log lines containing `needle`.
    pub fn logs_with(&self, needle: &str) -> Vec<(SimTime, String)> {
        (self.logs.iter())
            .filter(|(_, l)| l.message.contains(needle))
            .map(|(t, l)| (*t, l.message.clone()))
            .collect()
    }
}
