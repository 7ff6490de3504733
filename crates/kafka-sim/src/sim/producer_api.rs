//! The client side of [`Simulation`]: producer nodes, the durability oracle they feed, election
//! counts, notable events, and scenario faults whose broker selectors resolve when they fire.
//!
//! Fault mapping: `crash`, `restart` and `isolate` act on each selected broker; `heal` heals every
//! link of the cluster (the kernel's heal is global); `slow` sets the latency of every link between a
//! selected broker and every other node, both ways; `drop` applies to the selected brokers' links
//! with the producer clients only: `requests` drops client → broker messages, `responses` broker →
//! client, `both` both. A `duration` ends slow (back to the spec's latency) and drop (ratio 0).

use super::Simulation;
use crate::cluster::{ClusterEvent, ClusterNode, ProducerNode, ReplicaRole, TopicMeta};
use crate::error_code::ErrorCode;
use crate::ids::{BrokerId, NodeId};
use crate::kernel::fault::{Direction, Fault, Ratio};
use crate::kernel::{Kernel, TraceEvent};
use crate::oracle::durability::{
    DurabilityOracle, DurabilityReport, FinalLogRef, FinalLogSource, UncleanElection,
};
use crate::record::{LeaderEpoch, ProducerRef, TopicIdx, TopicPartition};
use crate::rng::SimRng;
use crate::scenario::{BrokerSelector, DropDirection, FaultAction, FaultSpec, Scenario};
use crate::sim::{SimSpec, SpecError};
use crate::time::SimTime;

use crate::cluster::ProducerSetup;
use crate::oracle::histogram::LatencyHistogram;

/// The most notable events kept for reports.
pub const MAX_NOTABLE_EVENTS: usize = 100_000;

/// How many leader elections the controller made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ElectionCounts {
    /// From the ISR (or a new leader with no data at stake).
    pub clean: u64,
    /// From outside the ISR.
    pub unclean: u64,
}

#[derive(Clone, Debug)]
enum PendingFault {
    Spec(FaultAction),
    Raw(Vec<Fault>),
}

/// What the simulation keeps about clients, faults and outcomes.
#[derive(Clone, Debug, Default)]
pub(super) struct ClientState {
    producers: Vec<NodeId>,
    oracle: DurabilityOracle,
    elections: ElectionCounts,
    faults: Vec<(SimTime, u64, PendingFault)>,
    fault_seq: u64,
    notable: Vec<(SimTime, TraceEvent<ClusterEvent>)>,
}

/// The producers of a scenario, as the simulation builds them.
pub fn scenario_producers(s: &Scenario) -> Vec<ProducerSetup> {
    (s.producers.iter())
        .map(|p| ProducerSetup {
            name: p.name.clone(),
            topic: p.topic.clone(),
            rate: p.rate,
            keys: p.keys.clone(),
            value: p.value.clone(),
            config: p.config.clone(),
        })
        .collect()
}

/// Adds the spec's producers as nodes after the brokers.
pub(super) fn add_producers(
    spec: &SimSpec,
    kernel: &mut Kernel<ClusterNode>,
) -> Result<ClientState, SpecError> {
    let mut state = ClientState::default();
    let brokers: Vec<BrokerId> = (1..=spec.brokers).map(|b| BrokerId(b as i32)).collect();
    for (i, p) in spec.producers.iter().enumerate() {
        let Some(t) = spec.topics.iter().position(|t| t.name == p.topic) else {
            return Err(SpecError::UnknownTopic {
                producer: p.name.clone(),
                topic: p.topic.clone(),
            });
        };
        let rng = SimRng::new(
            spec.seed ^ 0x5EED_0000_0000_0000 ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let index = u16::try_from(i).unwrap_or(u16::MAX);
        let node = ProducerNode::new(
            index,
            p.clone(),
            TopicIdx(t as u32),
            spec.topics[t].partitions,
            brokers.clone(),
            rng,
        );
        state.producers.push(kernel.add_node(ClusterNode::Producer(node)));
    }
    Ok(state)
}

impl Simulation {
    /// The producer nodes' ids, in spec order.
    pub(super) fn producer_nodes(&self) -> &[NodeId] {
        &self.clients.producers
    }

    /// Adds a producer node started while running (the console producer) to the producers whose
    /// outcomes the oracle collects; its index is its position.
    pub(super) fn register_producer(&mut self, node: NodeId) {
        self.clients.producers.push(node);
    }

    /// The producer nodes, in spec order.
    pub fn producers(&self) -> impl Iterator<Item = &ProducerNode> {
        (self.clients.producers.iter()).filter_map(|id| self.kernel.node(*id)?.as_producer())
    }

    /// Producer `index`'s latency histogram (every completed batch's records).
    pub fn producer_latency(&self, index: u16) -> Option<&LatencyHistogram> {
        self.clients.oracle.latency(ProducerRef(index))
    }

    /// The leader elections seen so far.
    pub fn elections(&self) -> ElectionCounts {
        self.clients.elections
    }

    /// Notable events (faults, elections, ISR changes, truncations, producer errors), oldest first,
    /// at most [`MAX_NOTABLE_EVENTS`].
    pub fn notable_events(&self) -> &[(SimTime, TraceEvent<ClusterEvent>)] {
        &self.clients.notable
    }

    /// Moves the producers' buffered outcomes into the oracle, and notes elections, truncations and
    /// notable events among the last `new` trace entries.
    pub(super) fn collect_outcomes(&mut self, new: usize) {
        let now = self.kernel.now();
        let mut truncated: Vec<BrokerId> = Vec::new();
        let mut group_events = Vec::new();
        let interesting = |e: &TraceEvent<ClusterEvent>| match e {
            TraceEvent::Fault(_) => true,
            TraceEvent::Node { event, .. } => {
                matches!(
                    event,
                    ClusterEvent::LeaderElected { .. }
                        | ClusterEvent::SessionExpired { .. }
                        | ClusterEvent::BrokerRegistered { .. }
                        | ClusterEvent::ControllerChanged { .. }
                        | ClusterEvent::ControlledShutdownRequested { .. }
                        | ClusterEvent::TopicCreated { .. }
                        | ClusterEvent::TopicDeleted { .. }
                        | ClusterEvent::PartitionsAdded { .. }
                        | ClusterEvent::Truncated { .. }
                        | ClusterEvent::IsrShrunk { .. }
                        | ClusterEvent::IsrExpanded { .. }
                        | ClusterEvent::ProducerError { .. }
                        | ClusterEvent::Group { .. }
                ) || matches!(event, ClusterEvent::Consumer { level, .. } if *level != "INFO")
            }
            _ => false,
        };
        let entries: Vec<_> =
            if (self.kernel.trace().entries().rev().take(new)).any(|e| interesting(&e.event)) {
                self.kernel.trace().entries().rev().take(new).collect()
            } else {
                Vec::new()
            };
        let cx = super::view_record::Cx {
            kernel: &self.kernel,
            spec: &self.spec,
        };
        for e in entries.into_iter().rev() {
            self.views.observe(e.at, &e.event, &cx);
            let keep = match &e.event {
                TraceEvent::Fault(Fault::Crash(_) | Fault::Restart(_) | Fault::Isolate(_) | Fault::Heal) => {
                    true
                }
                TraceEvent::Node { event, .. } => match event {
                    ClusterEvent::LeaderElected {
                        tp,
                        leader: Some(l),
                        leader_epoch,
                        unclean,
                        ..
                    } => {
                        if *unclean {
                            self.clients.elections.unclean += 1;
                            self.clients.oracle.on_unclean_election(UncleanElection {
                                at: now,
                                tp: *tp,
                                leader: *l,
                                epoch: LeaderEpoch(*leader_epoch),
                            });
                        } else {
                            self.clients.elections.clean += 1;
                        }
                        true
                    }
                    ClusterEvent::Truncated { broker, .. } => {
                        truncated.push(*broker);
                        true
                    }
                    ClusterEvent::TopicDeleted { name, topic } => {
                        self.clients.oracle.on_topic_deleted(*topic, name, e.at);
                        true
                    }
                    ClusterEvent::PartitionsAdded { .. } => true,
                    ClusterEvent::IsrShrunk { .. }
                    | ClusterEvent::IsrExpanded { .. }
                    | ClusterEvent::ProducerError { .. } => true,
                    ClusterEvent::Group { event, .. } => {
                        group_events.push(event.clone());
                        matches!(
                            event,
                            crate::group::coordinator::GroupEvent::MemberJoined { .. }
                                | crate::group::coordinator::GroupEvent::MemberRemoved { .. }
                                | crate::group::coordinator::GroupEvent::RebalanceStarted { .. }
                                | crate::group::coordinator::GroupEvent::RebalanceCompleted { .. }
                        )
                    }
                    ClusterEvent::Consumer { .. } => true,
                    _ => false,
                },
                _ => false,
            };
            if keep && self.clients.notable.len() < MAX_NOTABLE_EVENTS {
                self.clients.notable.push((e.at, e.event.clone()));
            }
        }
        for e in &group_events {
            self.note_group_event(e);
        }
        for b in truncated {
            let Some(node) = self.broker_node(b) else { continue };
            if let Some(ClusterNode::Broker(broker)) = self.kernel.node_mut(node) {
                for t in std::mem::take(&mut broker.truncations) {
                    self.clients.oracle.on_truncation(t);
                }
            }
        }
        for i in 0..self.clients.producers.len() {
            let id = self.clients.producers[i];
            if let Some(ClusterNode::Producer(p)) = self.kernel.node_mut(id) {
                if p.outcomes.is_empty() {
                    continue;
                }
                // Drained, not taken: the producer keeps the buffer's capacity for the next ones.
                for o in p.outcomes.drain(..) {
                    self.clients.oracle.on_send(o.tp, &o.records, o.created);
                    self.clients
                        .oracle
                        .on_outcome(o.tp, &o.records, o.outcome, o.created, o.at);
                }
            }
        }
    }

    /// The durability oracle's verdict over the final logs: each partition's leader's log, or, with
    /// no leader, the log of the last ISR member ZooKeeper recorded.
    pub fn durability_report(&self) -> DurabilityReport {
        let zk = self.zookeeper();
        // Every topic but `__consumer_offsets` carries producers' records (the spec's topics and
        // those created while running); the offsets topic holds the coordinators' own records, which
        // the oracle does not judge. A deleted topic's partition states are gone with it.
        let offsets = (zk.topics().iter())
            .find(|t| t.name == super::admin_api::OFFSETS_TOPIC)
            .map(|t| t.idx);
        let logs: Vec<FinalLogRef<'_>> = (zk.partition_states().iter())
            .filter(|(tp, _)| Some(tp.topic) != offsets)
            .filter_map(|(tp, reg)| {
                let (b, source) = match reg.leader {
                    Some(l) => (l, FinalLogSource::Leader(l)),
                    None => {
                        let b = *reg.isr.last()?;
                        (b, FinalLogSource::OfflineLastIsr(b))
                    }
                };
                let log = &self.broker(b)?.partition(*tp)?.log;
                Some(FinalLogRef {
                    tp: *tp,
                    batches: log.batches(),
                    log_start_offset: log.log_start_offset(),
                    source,
                })
            })
            .collect();
        let topics: &[TopicMeta] = zk.topics();
        let name = |idx: TopicIdx| {
            (topics.iter().find(|t| t.idx == idx))
                .map_or_else(|| format!("topic{}", idx.0), |t| t.name.clone())
        };
        self.clients.oracle.check_borrowed(logs, &name)
    }

    /// Schedules a scenario fault at `at`; its broker selector is resolved when it fires (during
    /// [`Simulation::run_until`]).
    pub fn schedule_scenario_fault(&mut self, fault: &FaultSpec) {
        self.push_fault(fault.at, PendingFault::Spec(fault.action.clone()));
    }

    fn push_fault(&mut self, at: SimTime, f: PendingFault) {
        let seq = self.clients.fault_seq;
        self.clients.fault_seq += 1;
        self.clients.faults.push((at, seq, f));
        crate::sort::sort_by_key(&mut self.clients.faults, |(at, seq, _)| (*at, *seq));
    }

    pub(super) fn next_scenario_fault(&self) -> Option<SimTime> {
        self.clients.faults.first().map(|f| f.0)
    }

    pub(super) fn fire_scenario_faults(&mut self, at: SimTime) {
        while self.clients.faults.first().is_some_and(|f| f.0 <= at) {
            let (_, _, f) = self.clients.faults.remove(0);
            let faults = match f {
                PendingFault::Raw(v) => v,
                PendingFault::Spec(action) => self.resolve(at, &action),
            };
            let before = self.kernel.trace().recorded();
            for f in faults {
                let _ = self.kernel.apply(f);
            }
            let new = self.kernel.trace().recorded().saturating_sub(before);
            self.collect_outcomes(usize::try_from(new).unwrap_or(usize::MAX));
        }
    }

    fn selected(&self, sel: &BrokerSelector) -> Vec<BrokerId> {
        let tp_of = |topic: &str, p: u32| self.topic_partition(topic, i32::try_from(p).unwrap_or(i32::MAX));
        match sel {
            BrokerSelector::Id(b) => vec![*b],
            BrokerSelector::All => (1..=self.spec.brokers).map(|b| BrokerId(b as i32)).collect(),
            BrokerSelector::LeaderOf { topic, partition } => {
                let Some(tp) = tp_of(topic, *partition) else {
                    return Vec::new();
                };
                self.leader_of(tp).into_iter().collect()
            }
            BrokerSelector::CoordinatorOf { .. } => (sel
                .resolve_coordinator(self.spec.group.offsets_topic_num_partitions))
            .map(|s| self.selected(&s))
            .unwrap_or_default(),
            BrokerSelector::FollowersOf { topic, partition } => {
                let Some(tp) = tp_of(topic, *partition) else {
                    return Vec::new();
                };
                let leader = self.leader_of(tp);
                let zk = self.zookeeper();
                (zk.partition_states().iter())
                    .find(|(t, _)| **t == tp)
                    .map(|(_, reg)| {
                        reg.replicas
                            .iter()
                            .copied()
                            .filter(|b| Some(*b) != leader)
                            .collect()
                    })
                    .unwrap_or_default()
            }
        }
    }

    fn resolve(&mut self, at: SimTime, action: &FaultAction) -> Vec<Fault> {
        let selected = action.broker().map(|b| self.selected(b)).unwrap_or_default();
        let nodes: Vec<NodeId> = (selected.into_iter())
            .filter_map(|b| self.broker_node(b))
            .collect();
        match action {
            FaultAction::Crash(_) => nodes.into_iter().map(Fault::Crash).collect(),
            FaultAction::Restart(_) => nodes.into_iter().map(Fault::Restart).collect(),
            FaultAction::Isolate(_) => nodes.into_iter().map(Fault::Isolate).collect(),
            FaultAction::Heal(_) => vec![Fault::Heal],
            FaultAction::Member(m) => {
                self.apply_member_fault(m);
                Vec::new()
            }
            FaultAction::Slow {
                latency, duration, ..
            } => {
                let all: Vec<NodeId> = self.kernel.nodes().map(|(id, _)| id).collect();
                let slow = |latency: SimTime| -> Vec<Fault> {
                    (nodes.iter())
                        .flat_map(|a| {
                            (all.iter()).filter(move |b| *b != a).map(move |b| Fault::Slow {
                                a: *a,
                                b: *b,
                                latency,
                                direction: Direction::Both,
                            })
                        })
                        .collect()
                };
                if let Some(d) = duration {
                    self.push_fault(at + *d, PendingFault::Raw(slow(self.spec.latency)));
                }
                slow(*latency)
            }
            FaultAction::Drop {
                ratio,
                direction,
                duration,
                ..
            } => {
                let clients = self.clients.producers.clone();
                let drop = |ratio: Ratio| -> Vec<Fault> {
                    let mut out = Vec::new();
                    for b in &nodes {
                        for p in &clients {
                            out.push(match direction {
                                DropDirection::Requests => Fault::Drop {
                                    a: *p,
                                    b: *b,
                                    ratio,
                                    direction: Direction::OneWay,
                                },
                                DropDirection::Responses => Fault::Drop {
                                    a: *b,
                                    b: *p,
                                    ratio,
                                    direction: Direction::OneWay,
                                },
                                DropDirection::Both => Fault::Drop {
                                    a: *b,
                                    b: *p,
                                    ratio,
                                    direction: Direction::Both,
                                },
                            });
                        }
                    }
                    out
                };
                if let Some(d) = duration {
                    self.push_fault(at + *d, PendingFault::Raw(drop(Ratio::from_f64(0.0))));
                }
                drop(*ratio)
            }
        }
    }

    /// The leader of `tp` as this simulation's brokers see it, or the error a client would get.
    pub fn leader_or_error(&self, tp: TopicPartition) -> Result<BrokerId, ErrorCode> {
        self.leader_of(tp).ok_or(ErrorCode::LeaderNotAvailable)
    }

    /// Whether broker `b` leads `tp` right now.
    pub fn is_leader(&self, b: BrokerId, tp: TopicPartition) -> bool {
        (self.broker(b).and_then(|n| n.partition(tp)))
            .is_some_and(|h| matches!(h.role, ReplicaRole::Leader(_)))
    }
}

/// Builds the simulation of `scenario` (with `seed` instead of the file's, if given), schedules its
/// faults and runs it for its duration.
pub fn run_scenario(scenario: &Scenario, seed: Option<u64>) -> Result<Simulation, SpecError> {
    let mut spec = scenario.sim_spec();
    if let Some(s) = seed {
        spec.seed = s;
    }
    let mut sim = Simulation::new(spec)?;
    for f in &scenario.faults {
        sim.schedule_scenario_fault(f);
    }
    sim.run_until(scenario.duration);
    Ok(sim)
}
