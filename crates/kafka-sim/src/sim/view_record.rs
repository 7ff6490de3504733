//! What [`Simulation`] records for the view as it runs, all in bounded rings: the event log
//! (narrated from the trace entries the simulation already looks at), the truncation history, the
//! sequence diagram's last messages (from the kernel's [`Arrival`] of each step), and nothing else
//! per event. Metric samples are taken once per simulated second (`view_metrics.rs`).
//!
//! A broker's session expiry (or controlled shutdown) is one event: the controller's elections and
//! ISR writes that follow it and concern that broker are folded into its narration until the broker
//! registers again.

pub(super) use super::view_cx::Cx;
use crate::cluster::ClusterEvent;
use crate::group::coordinator::GroupEvent;
use crate::ids::BrokerId;
use crate::kernel::{Arrival, Direction, Fault, TraceEvent};
use crate::record::TopicPartition;
use crate::sim::reason_category;
use crate::time::SimTime;
use crate::view::{Actor, IsrChange, LeaderMove, LoggedEvent, Narration, RebalanceCause, RemovalCause};
use std::collections::{BTreeMap, VecDeque};

/// The most events the event log keeps (the oldest are dropped; sequence numbers go on).
pub const EVENT_LOG_CAPACITY: usize = 10_000;
/// The most delivered messages the sequence ring keeps.
pub const SEQUENCE_CAPACITY: usize = 256;
/// The most truncations the truncation history keeps.
pub const TRUNCATION_HISTORY: usize = 256;
/// How many of a log's last offsets a replica strip shows.
pub const STRIP_LEN: usize = 16;

/// A truncation, as recorded (names are looked up when viewed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Truncation {
    pub(super) at: SimTime,
    pub(super) broker: BrokerId,
    pub(super) tp: TopicPartition,
    pub(super) from: i64,
    pub(super) to: i64,
    pub(super) removed: u64,
}

/// The view's rings (cloned with the simulation: a snapshot keeps its history).
#[derive(Clone, Debug, Default)]
pub(super) struct ViewRecord {
    pub(super) log: VecDeque<LoggedEvent>,
    pub(super) next_seq: u64,
    /// Brokers whose failure narration is still collecting the controller's moves: broker, seq,
    /// and the `__consumer_offsets` partitions counted in it.
    gone: Vec<(BrokerId, u64, Vec<TopicPartition>)>,
    /// Each partition's last elected leader, as the controller's events said.
    leaders: BTreeMap<TopicPartition, Option<BrokerId>>,
    pub(super) truncations: VecDeque<Truncation>,
    pub(super) sequence: VecDeque<Arrival>,
    /// Set by events after which the oracles' counts may change (see `view_metrics.rs`).
    pub(super) anomaly_hint: Option<SimTime>,
}

impl ViewRecord {
    /// Notes the message a step brought.
    #[inline]
    pub(super) fn arrival(&mut self, a: Arrival) {
        if self.sequence.len() == SEQUENCE_CAPACITY {
            self.sequence.pop_front();
        }
        self.sequence.push_back(a);
    }

    /// Appends an event to the log; returns its sequence number.
    pub(super) fn push(&mut self, at: SimTime, narration: Narration) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.log.len() == EVENT_LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(LoggedEvent {
            seq,
            at,
            kind: narration.kind(),
            narration,
        });
        seq
    }

    fn entry_mut(&mut self, seq: u64) -> Option<&mut LoggedEvent> {
        let first = self.log.front()?.seq;
        let i = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.log.get_mut(i)
    }

    /// Folds a leader move and an ISR change of `tp` into the failure narration of the last gone
    /// broker `which` accepts. False when there is none (or it left the log).
    fn fold_into_gone(
        &mut self,
        which: impl Fn(BrokerId) -> bool,
        tp: TopicPartition,
        internal: bool,
        mv: Option<LeaderMove>,
        change: Option<(String, Vec<BrokerId>)>,
    ) -> bool {
        let Some(i) = self.gone.iter().rposition(|(b, _, _)| which(*b)) else {
            return false;
        };
        let seq = self.gone[i].1;
        let new_internal = internal && !self.gone[i].2.contains(&tp);
        if new_internal {
            self.gone[i].2.push(tp);
        }
        let Some(e) = self.entry_mut(seq) else {
            return false;
        };
        fold(&mut e.narration, mv, change, internal, new_internal);
        true
    }

    pub(super) fn hint(&mut self, at: SimTime) {
        self.anomaly_hint = Some(at);
    }

    /// Narrates one trace entry (those [`Simulation::collect_outcomes`] looks at).
    pub(super) fn observe(&mut self, at: SimTime, event: &TraceEvent<ClusterEvent>, cx: &Cx<'_>) {
        match event {
            TraceEvent::Fault(f) => self.observe_fault(at, f, cx),
            TraceEvent::Node { event, .. } => self.observe_node(at, event, cx),
            _ => {}
        }
    }

    fn observe_fault(&mut self, at: SimTime, f: &Fault, cx: &Cx<'_>) {
        // Members crash and restart through member faults, narrated there.
        if let Fault::Crash(n) | Fault::Restart(n) = f
            && matches!(cx.actor(*n), Actor::Member(_))
        {
            return;
        }
        let n = match f {
            Fault::Crash(n) => Narration::Crashed { node: cx.actor(*n) },
            Fault::Restart(n) => Narration::Restarted { node: cx.actor(*n) },
            Fault::Isolate(n) => Narration::Isolated { node: cx.actor(*n) },
            Fault::Heal => Narration::NetworkHealed,
            Fault::Cut { a, b, direction } => Narration::LinkCut {
                a: cx.actor(*a),
                b: cx.actor(*b),
                one_way: *direction == Direction::OneWay,
            },
            Fault::Slow { a, b, latency, .. } => {
                let latency_ms = latency.as_millis();
                let (a, b) = (cx.actor(*a), cx.actor(*b));
                if let Some(LoggedEvent {
                    at: last_at,
                    narration:
                        Narration::LinkSlowed {
                            a: la,
                            peers,
                            latency_ms: l,
                        },
                    ..
                }) = self.log.back_mut()
                    && *last_at == at
                    && *la == a
                    && *l == latency_ms
                {
                    peers.push(b);
                    return;
                }
                Narration::LinkSlowed {
                    a,
                    peers: vec![b],
                    latency_ms,
                }
            }
            Fault::Drop { a, b, ratio, .. } => {
                let percent = (ratio.as_f64() * 100.0).round() as u32;
                let (a, b) = (cx.actor(*a), cx.actor(*b));
                if let Some(LoggedEvent {
                    at: last_at,
                    narration:
                        Narration::LinkDropping {
                            a: la,
                            peers,
                            percent: p,
                        },
                    ..
                }) = self.log.back_mut()
                    && *last_at == at
                    && *la == a
                    && *p == percent
                {
                    peers.push(b);
                    return;
                }
                Narration::LinkDropping {
                    a,
                    peers: vec![b],
                    percent,
                }
            }
        };
        self.hint(at);
        self.push(at, n);
    }

    fn observe_node(&mut self, at: SimTime, event: &ClusterEvent, cx: &Cx<'_>) {
        use ClusterEvent as E;
        match event {
            E::SessionExpired { broker_id, .. } => {
                let seq = self.push(
                    at,
                    Narration::BrokerSessionExpired {
                        broker: *broker_id,
                        session_ms: cx.spec.replication.zookeeper_session_timeout_ms,
                        moved: Vec::new(),
                        isr: Vec::new(),
                        internal: 0,
                    },
                );
                self.gone.retain(|(b, _, _)| b != broker_id);
                self.gone.push((*broker_id, seq, Vec::new()));
            }
            E::ControlledShutdownRequested { broker } => {
                let seq = self.push(
                    at,
                    Narration::BrokerShutDown {
                        broker: *broker,
                        moved: Vec::new(),
                        isr: Vec::new(),
                        internal: 0,
                    },
                );
                self.gone.retain(|(b, _, _)| b != broker);
                self.gone.push((*broker, seq, Vec::new()));
            }
            E::BrokerRegistered { broker_id } => {
                self.gone.retain(|(b, _, _)| b != broker_id);
                self.push(at, Narration::BrokerRegistered { broker: *broker_id });
            }
            E::ControllerChanged { controller, epoch } => {
                let n = Narration::ControllerChanged {
                    controller: *controller,
                    epoch: *epoch,
                };
                self.push(at, n);
            }
            E::TopicCreated { name, assignment } if !name.starts_with("__") => {
                let n = Narration::TopicCreated {
                    topic: name.clone(),
                    assignment: assignment.clone(),
                };
                self.push(at, n);
            }
            E::TopicDeleted { name, .. } => {
                let n = Narration::TopicDeleted { topic: name.clone() };
                self.push(at, n);
            }
            E::PartitionsAdded {
                name,
                first,
                assignment,
            } => {
                let n = Narration::PartitionsAdded {
                    topic: name.clone(),
                    first: *first,
                    assignment: assignment.clone(),
                };
                self.push(at, n);
            }
            E::LeaderElected {
                tp,
                leader,
                leader_epoch,
                isr,
                unclean,
            } => self.observe_election(at, *tp, *leader, *leader_epoch, isr, *unclean, cx),
            E::IsrShrunk { tp, from, to, .. } => {
                let internal = cx.internal(*tp);
                let partition = cx.partition(*tp);
                let which = |g: BrokerId| from.contains(&g) && !to.contains(&g);
                let change = Some((partition.clone(), to.clone()));
                if !self.fold_into_gone(which, *tp, internal, None, change) && !internal {
                    let n = Narration::IsrShrunk {
                        partition,
                        from: from.clone(),
                        to: to.clone(),
                        lag_max_ms: cx.spec.replication.replica_lag_time_max_ms,
                    };
                    self.push(at, n);
                }
            }
            E::IsrExpanded { tp, from, to } if !cx.internal(*tp) => {
                let n = Narration::IsrExpanded {
                    partition: cx.partition(*tp),
                    from: from.clone(),
                    to: to.clone(),
                };
                self.push(at, n);
            }
            E::Truncated {
                broker,
                tp,
                from,
                to,
                removed_records,
            } if !cx.internal(*tp) => {
                if self.truncations.len() == TRUNCATION_HISTORY {
                    self.truncations.pop_front();
                }
                self.truncations.push_back(Truncation {
                    at,
                    broker: *broker,
                    tp: *tp,
                    from: *from,
                    to: *to,
                    removed: *removed_records,
                });
                self.hint(at);
                let n = Narration::Truncated {
                    broker: *broker,
                    partition: cx.partition(*tp),
                    from: *from,
                    to: *to,
                    removed: *removed_records,
                };
                self.push(at, n);
            }
            E::ProducerError {
                producer,
                tp,
                error,
                records,
            } => {
                self.hint(at);
                let n = Narration::ProducerFailed {
                    producer: cx.producer(*producer),
                    partition: cx.partition(*tp),
                    error: error.to_string(),
                    records: *records,
                };
                self.push(at, n);
            }
            E::Consumer {
                member,
                level,
                message,
            } if *level != "INFO" => {
                self.hint(at);
                let name = cx.member_name(*member);
                let n = if message.starts_with("consumer poll timeout has expired") {
                    Narration::PollTimeout {
                        member: name,
                        max_poll_interval_ms: cx.member_config(*member, |c| c.max_poll_interval_ms.into()),
                    }
                } else if message.to_ascii_lowercase().contains("commit") {
                    Narration::CommitFailed {
                        member: name,
                        message: message.clone(),
                    }
                } else {
                    Narration::ConsumerLog {
                        member: name,
                        level: (*level).to_string(),
                        message: message.clone(),
                    }
                };
                self.push(at, n);
            }
            E::Group { broker, event } => self.observe_group(at, *broker, event, cx),
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn observe_election(
        &mut self,
        at: SimTime,
        tp: TopicPartition,
        leader: Option<BrokerId>,
        epoch: i32,
        isr: &[BrokerId],
        unclean: bool,
        cx: &Cx<'_>,
    ) {
        let known = self.leaders.insert(tp, leader);
        let previous = known.flatten();
        if previous.is_some() || unclean {
            self.hint(at);
        }
        let internal = cx.internal(tp);
        let partition = cx.partition(tp);
        if !unclean && let Some(p) = previous {
            let moved = LeaderMove {
                partition: partition.clone(),
                leader,
            };
            let change = Some((partition.clone(), isr.to_vec()));
            if self.fold_into_gone(|g| g == p, tp, internal, Some(moved), change) {
                return;
            }
        }
        // A new topic's first elections are part of its creation; `__consumer_offsets`' are noise.
        if known.is_none() || (internal && !unclean) {
            return;
        }
        let n = Narration::LeaderElected {
            partition,
            leader,
            previous,
            epoch,
            isr: isr.to_vec(),
            unclean,
        };
        self.push(at, n);
    }

    fn observe_group(&mut self, at: SimTime, broker: BrokerId, event: &GroupEvent, cx: &Cx<'_>) {
        let n = match event {
            GroupEvent::MemberJoined { group, member, .. } => Narration::MemberJoined {
                group: group.clone(),
                member: cx.member_name_by_id(member),
            },
            GroupEvent::MemberRemoved {
                group,
                member,
                reason,
            } => {
                self.hint(at);
                let cause = match reason_category(reason) {
                    "session timeout" => RemovalCause::SessionTimeout,
                    "leave" => RemovalCause::Leave,
                    "pending sync expiration" => RemovalCause::PendingSync,
                    "did not rejoin" => RemovalCause::DidNotRejoin,
                    _ => RemovalCause::Other,
                };
                let session_ms = (cause == RemovalCause::SessionTimeout)
                    .then(|| cx.consumer_by_member_id(member))
                    .flatten()
                    .map(|c| u64::try_from(c.consumer().setup().config.session_timeout_ms).unwrap_or(0));
                Narration::MemberRemoved {
                    group: group.clone(),
                    member: cx.member_name_by_id(member),
                    cause,
                    session_ms,
                }
            }
            GroupEvent::RebalanceStarted {
                group,
                old_generation,
                reason,
            } => {
                self.hint(at);
                let cause = match reason_category(reason) {
                    "new member" => RebalanceCause::NewMember,
                    "session timeout" => RebalanceCause::SessionTimeout,
                    "leave" => RebalanceCause::Leave,
                    "leader rejoin" => RebalanceCause::LeaderRejoin,
                    "metadata change" => RebalanceCause::MetadataChange,
                    "pending sync expiration" => RebalanceCause::PendingSync,
                    "did not rejoin" => RebalanceCause::DidNotRejoin,
                    _ => RebalanceCause::Other,
                };
                Narration::RebalanceStarted {
                    group: group.clone(),
                    generation: *old_generation,
                    cause,
                    member: cx.member_named_in(reason),
                }
            }
            GroupEvent::RebalanceCompleted {
                group,
                generation,
                protocol,
                assignment,
                ..
            } => Narration::RebalanceCompleted {
                group: group.clone(),
                generation: *generation,
                protocol: protocol.clone(),
                assignment: (assignment.iter())
                    .map(|(m, ps)| {
                        let ps = ps
                            .iter()
                            .map(|p| format!("{}-{}", p.topic, p.partition))
                            .collect();
                        (cx.member_name_by_id(m), ps)
                    })
                    .collect(),
            },
            GroupEvent::Loaded {
                partition, groups, ..
            } if *groups > 0 => Narration::CoordinatorLoaded {
                broker,
                partition: *partition,
                groups: *groups,
            },
            _ => return,
        };
        self.push(at, n);
    }
}

/// Adds a leader move and an ISR change to a broker failure's narration (for an internal partition,
/// counts it once).
fn fold(
    n: &mut Narration,
    mv: Option<LeaderMove>,
    change: Option<(String, Vec<BrokerId>)>,
    internal: bool,
    new_internal: bool,
) {
    let (Narration::BrokerSessionExpired {
        moved,
        isr,
        internal: count,
        ..
    }
    | Narration::BrokerShutDown {
        moved,
        isr,
        internal: count,
        ..
    }) = n
    else {
        return;
    };
    if internal {
        *count += u32::from(new_internal);
        return;
    }
    if let Some(m) = mv {
        moved.retain(|x| x.partition != m.partition);
        moved.push(m);
    }
    if let Some((partition, to)) = change {
        isr.retain(|x| x.partition != partition);
        isr.push(IsrChange { partition, isr: to });
    }
}
