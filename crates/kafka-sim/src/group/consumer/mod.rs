//! The consumer client of Kafka 3.7 (classic group protocol) as a sans-IO state machine:
//! `KafkaConsumer` + `ConsumerCoordinator` + `AbstractCoordinator` (with its heartbeat thread) +
//! `Fetcher`, and the application's poll loop around it.
//!
//! The driver (the cluster's consumer node, or a test) feeds [`Consumer::start`],
//! [`Consumer::on_response`], [`Consumer::on_metadata`] and [`Consumer::tick`] (at
//! [`Consumer::next_wakeup`]), then takes the requests to send ([`Consumer::take_outgoing`]), the log
//! lines ([`Consumer::take_logs`]) and the delivery facts ([`Consumer::take_facts`]).
//!
//! Two threads are modelled, as in the real client:
//! - the **application thread** polls, processes each batch for a modelled time, and commits per the
//!   [`CommitMode`]. Joins, revocations and assignment happen only inside `poll()`, so a member busy
//!   processing does not rejoin until its next poll;
//! - the **heartbeat thread** heartbeats every `heartbeat.interval.ms` while the member is in the
//!   group, expires the session client-side, and leaves the group when `max.poll.interval.ms` passes
//!   between polls.

mod app;
mod coordinator;
mod fetcher;
mod output;
mod poison;
mod rebalance;
mod setup;

pub use output::{AppView, ConsumerFacts, ConsumerView, Lifecycle, LogLine, MemberState, Outgoing};
pub use poison::{JSON_VALUE_TYPE, Undeserializable, check_producer};
pub use setup::{Assign, CommitMode, ConsumerSetup, Processing, SubscribedTopic, fallback_range_assign};

use super::wire::{ClientRequest, NamedPartition, OffsetSpec};
use crate::config::AutoOffsetReset;
use crate::ids::BrokerId;
use crate::record::TopicPartition;
use crate::time::SimTime;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// One contiguous run of fetched offsets of one partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Chunk {
    tp: TopicPartition,
    from: i64,
    to: i64,
    /// The leader epoch of the batch holding the last record.
    epoch: i32,
    /// An empty chunk at a record that does not deserialize (written by this producer): `poll()`
    /// throws when it is next in line.
    poison: Option<crate::record::ProducerRef>,
}

/// Where a partition's position comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PosPhase {
    /// Ask the coordinator for the committed offset.
    NeedsCommitted,
    /// OffsetFetch in flight.
    AwaitingCommitted,
    /// Ask the leader (ListOffsets) per `auto.offset.reset`.
    NeedsReset(OffsetSpec),
    /// ListOffsets in flight.
    AwaitingReset,
    /// `auto.offset.reset=none` and no committed offset: not fetched.
    NoResetPolicy,
    /// The position is known.
    Ready,
}

/// An assigned partition.
#[derive(Clone, Debug)]
struct PartState {
    position: i64,
    /// The leader epoch of the last consumed record (-1 if unknown).
    epoch: i32,
    phase: PosPhase,
}

/// What an in-flight request was for.
#[derive(Clone, Debug)]
enum ReqKind {
    FindCoordinator,
    Join,
    Sync,
    Heartbeat { generation: i32, member_id: String },
    Leave,
    Commit(CommitKind),
    OffsetFetch,
    ListOffsets(Vec<TopicPartition>),
    Fetch,
}

/// Why a commit was sent.
#[derive(Clone, Debug)]
enum CommitKind {
    /// An asynchronous auto-commit (failures are logged).
    AutoAsync {
        offsets: Vec<(TopicPartition, i64, i32)>,
        generation: i32,
    },
    /// The application's `commitSync()`.
    Sync {
        offsets: Vec<(TopicPartition, i64, i32)>,
        generation: i32,
    },
}

#[derive(Clone, Debug)]
struct InFlight {
    to: BrokerId,
    deadline: SimTime,
    kind: ReqKind,
}

/// What the application does after a `commitSync()`.
#[derive(Clone, Debug)]
enum AfterCommit {
    Poll,
    Process { batch: Vec<Chunk>, generation: i32 },
    Close,
}

/// The application thread.
#[derive(Clone, Debug)]
enum App {
    Polling,
    Processing {
        /// When processing began (a crash before `until` keeps the records done by then).
        started: SimTime,
        until: SimTime,
        batch: Vec<Chunk>,
        generation: i32,
    },
    /// A batch whose commit (before processing) succeeded, about to be processed.
    ReadyToProcess {
        batch: Vec<Chunk>,
        generation: i32,
    },
    Committing {
        offsets: Vec<(TopicPartition, i64, i32)>,
        then: AfterCommit,
        started: SimTime,
        sent: bool,
        retry_at: SimTime,
    },
    Stopped,
}

/// The consumer client state machine. See the module docs.
#[derive(Clone, Debug)]
pub struct Consumer {
    setup: ConsumerSetup,
    client_id: String,
    assign: Assign,
    cooperative: bool,
    life: Lifecycle,
    // Coordinator discovery.
    coordinator: Option<BrokerId>,
    find_next: SimTime,
    next_bootstrap: usize,
    // Membership.
    state: MemberState,
    member_id: String,
    generation: i32,
    protocol: Option<String>,
    is_leader: bool,
    rejoin_needed: bool,
    rejoin_reason: String,
    needs_join_prepare: bool,
    join_next: SimTime,
    // The heartbeat thread.
    hb_next: SimTime,
    session_deadline: SimTime,
    hb_inflight: bool,
    last_hb_sent: Option<SimTime>,
    last_hb_ok: Option<SimTime>,
    // The application thread.
    app: App,
    last_poll: Option<SimTime>,
    paused_until: Option<SimTime>,
    next_auto_commit: SimTime,
    // Subscription state and fetcher.
    parts: BTreeMap<TopicPartition, PartState>,
    committed: BTreeMap<TopicPartition, i64>,
    leaders: BTreeMap<TopicPartition, (BrokerId, i32)>,
    metadata_needed: bool,
    metadata_inflight: Option<SimTime>,
    metadata_next: SimTime,
    fetching_from: BTreeSet<BrokerId>,
    buffer: VecDeque<Chunk>,
    // Connections: brokers whose process is down (connecting is refused), and the failed attempts
    // since each was last reachable (the reconnect backoff doubles with each).
    down: BTreeSet<BrokerId>,
    connect_failures: BTreeMap<BrokerId, u32>,
    // Requests.
    next_correlation: i32,
    inflight: BTreeMap<i32, InFlight>,
    // Poison pills: the record it is stuck on (partition, offset) and how many polls failed on it.
    stuck: Option<(TopicPartition, i64, u64)>,
    // Outputs.
    out: Vec<Outgoing>,
    logs: Vec<LogLine>,
    facts: ConsumerFacts,
}

impl Consumer {
    /// A consumer built from `setup`; `assign` is the assignor it runs when it leads the group.
    /// The client id is `client.id` or `consumer-<group>-<member number>`.
    pub fn new(setup: ConsumerSetup, assign: Assign) -> Consumer {
        let client_id = setup.config.effective_client_id(u32::from(setup.member.member));
        let strategies = &setup.config.partition_assignment_strategy;
        // The rebalance protocol is the newest one every configured assignor supports.
        let cooperative = !strategies.is_empty() && strategies.iter().all(|a| a.is_cooperative());
        Consumer {
            client_id,
            assign,
            cooperative,
            life: Lifecycle::New,
            coordinator: None,
            find_next: SimTime::ZERO,
            next_bootstrap: usize::from(setup.member.member),
            state: MemberState::Unjoined,
            member_id: String::new(),
            generation: -1,
            protocol: None,
            is_leader: false,
            rejoin_needed: true,
            rejoin_reason: String::new(),
            needs_join_prepare: true,
            join_next: SimTime::ZERO,
            hb_next: SimTime::ZERO,
            session_deadline: SimTime::MAX,
            hb_inflight: false,
            last_hb_sent: None,
            last_hb_ok: None,
            app: App::Stopped,
            last_poll: None,
            paused_until: None,
            next_auto_commit: SimTime::ZERO,
            parts: BTreeMap::new(),
            committed: BTreeMap::new(),
            leaders: BTreeMap::new(),
            metadata_needed: true,
            metadata_inflight: None,
            metadata_next: SimTime::ZERO,
            fetching_from: BTreeSet::new(),
            buffer: VecDeque::new(),
            down: BTreeSet::new(),
            connect_failures: BTreeMap::new(),
            next_correlation: 0,
            inflight: BTreeMap::new(),
            stuck: None,
            out: Vec::new(),
            logs: Vec::new(),
            facts: ConsumerFacts::default(),
            setup,
        }
    }

    /// The setup it was built from.
    pub fn setup(&self) -> &ConsumerSetup {
        &self.setup
    }

    /// Its `client.id`.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Kafka's log context: `[Consumer clientId=consumer-g-1, groupId=g] ` (with `instanceId=` first
    /// for a static member).
    pub fn log_prefix(&self) -> String {
        match &self.setup.config.group_instance_id {
            Some(i) => format!(
                "[Consumer instanceId={i}, clientId={}, groupId={}] ",
                self.client_id, self.setup.group_id
            ),
            None => format!(
                "[Consumer clientId={}, groupId={}] ",
                self.client_id, self.setup.group_id
            ),
        }
    }

    /// The member id (empty before the first join and after a reset).
    pub fn member_id(&self) -> &str {
        &self.member_id
    }

    /// The generation (-1 when not in the group).
    pub fn generation(&self) -> i32 {
        self.generation
    }

    /// The member state.
    pub fn state(&self) -> MemberState {
        self.state
    }

    /// Whether it runs.
    pub fn lifecycle(&self) -> Lifecycle {
        self.life
    }

    /// Whether it uses the COOPERATIVE rebalance protocol (every assignor is cooperative).
    pub fn is_cooperative(&self) -> bool {
        self.cooperative
    }

    /// The assigned partitions, in order.
    pub fn assigned(&self) -> Vec<TopicPartition> {
        self.parts.keys().copied().collect()
    }

    /// The position of an assigned partition, once known.
    pub fn position(&self, tp: TopicPartition) -> Option<i64> {
        (self.parts.get(&tp)).and_then(|p| (p.phase == PosPhase::Ready).then_some(p.position))
    }

    /// The committed offset of a partition, as far as this client knows.
    pub fn committed(&self, tp: TopicPartition) -> Option<i64> {
        self.committed.get(&tp).copied()
    }

    /// Takes the requests to send.
    pub fn take_outgoing(&mut self) -> Vec<Outgoing> {
        std::mem::take(&mut self.out)
    }

    /// Takes the log lines written.
    pub fn take_logs(&mut self) -> Vec<LogLine> {
        std::mem::take(&mut self.logs)
    }

    /// Takes the delivery facts recorded.
    pub fn take_facts(&mut self) -> ConsumerFacts {
        std::mem::take(&mut self.facts)
    }

    /// A snapshot for the UI.
    pub fn view(&self) -> ConsumerView {
        let named = |tp: &TopicPartition| self.named(*tp);
        ConsumerView {
            client_id: self.client_id.clone(),
            member_id: self.member_id.clone(),
            generation: self.generation,
            state: self.state,
            lifecycle: self.life,
            is_leader: self.is_leader,
            coordinator: self.coordinator,
            assigned: self.parts.keys().map(named).collect(),
            positions: (self.parts.iter())
                .filter(|(_, p)| p.phase == PosPhase::Ready)
                .map(|(tp, p)| (named(tp), p.position))
                .collect(),
            committed: self.committed.iter().map(|(tp, o)| (named(tp), *o)).collect(),
            buffered_records: self.buffer.iter().map(|c| (c.to - c.from) as u64).sum(),
            last_poll: self.last_poll,
            last_heartbeat_sent: self.last_hb_sent,
            last_heartbeat_ok: self.last_hb_ok,
            app: match &self.app {
                App::Polling => AppView::Polling,
                App::Processing { until, batch, .. } => AppView::Processing {
                    until: *until,
                    ranges: batch.iter().map(|c| (named(&c.tp), c.from, c.to)).collect(),
                },
                App::ReadyToProcess { batch, .. } => AppView::Processing {
                    until: self.last_poll.unwrap_or(SimTime::ZERO),
                    ranges: batch.iter().map(|c| (named(&c.tp), c.from, c.to)).collect(),
                },
                App::Committing { .. } => AppView::Committing,
                App::Stopped => AppView::Stopped,
            },
            paused_until: self.paused_until,
            frozen_until: None,
            stuck_on: self.stuck.map(|(tp, offset, polls)| (named(&tp), offset, polls)),
        }
    }

    /// When [`Consumer::tick`] should run next, if anything is pending.
    pub fn next_wakeup(&self) -> Option<SimTime> {
        if !matches!(self.life, Lifecycle::Running | Lifecycle::Closing) {
            return None;
        }
        let mut at: Vec<SimTime> = self.inflight.values().map(|f| f.deadline).collect();
        let can_bootstrap = !self.setup.bootstrap.is_empty();
        if self.coordinator.is_none() && !self.find_in_flight() && can_bootstrap {
            at.push(self.find_next);
        }
        if self.heartbeat_enabled() && self.coordinator.is_some() {
            at.push(self.session_deadline);
            if !self.hb_inflight {
                at.push(self.hb_next);
            }
            if let Some(d) = self.poll_deadline() {
                at.push(d);
            }
        }
        if let Some(p) = self.paused_until {
            at.push(p);
        } else {
            match &self.app {
                App::Processing { until, .. } => at.push(*until),
                App::Committing {
                    sent: false,
                    retry_at,
                    ..
                } => at.push(*retry_at),
                App::Polling if self.coordinator.is_some() => {
                    if self.rejoin_needed && !self.join_in_flight() {
                        at.push(self.join_next);
                    }
                    let auto = self.setup.commit_mode == CommitMode::Auto;
                    if auto && self.state == MemberState::Stable && !self.rejoin_needed {
                        at.push(self.next_auto_commit);
                    }
                }
                _ => {}
            }
        }
        if self.metadata_needed && self.metadata_inflight.is_none() && can_bootstrap {
            at.push(self.metadata_next);
        }
        at.into_iter().min()
    }

    /// Runs whatever is due at `now` (the driver calls it at [`Consumer::next_wakeup`]).
    pub fn tick(&mut self, now: SimTime, rng: &mut crate::rng::SimRng) {
        self.drive(now, rng);
    }

    /// One round of both threads.
    fn drive(&mut self, now: SimTime, rng: &mut crate::rng::SimRng) {
        if !matches!(self.life, Lifecycle::Running | Lifecycle::Closing) {
            return;
        }
        self.expire_requests(now);
        if self.paused_until.is_some_and(|p| now >= p) {
            self.paused_until = None;
        }
        if self.coordinator.is_none() {
            self.lookup_coordinator(now);
        }
        self.heartbeat_thread(now);
        self.app_thread(now, rng);
        self.maybe_request_metadata(now);
    }

    /// Sends a request and remembers it.
    fn send(&mut self, now: SimTime, to: BrokerId, request: ClientRequest, kind: ReqKind) -> i32 {
        let correlation_id = self.next_correlation;
        self.next_correlation = self.next_correlation.wrapping_add(1);
        let mut timeout = u64::from(self.setup.config.request_timeout_ms);
        if matches!(kind, ReqKind::Join) {
            // JoinGroup may be held for the whole rebalance: max(request timeout, rebalance timeout + 5 s).
            timeout = timeout.max(u64::from(self.setup.config.max_poll_interval_ms) + 5_000);
        }
        if self.down.contains(&to) {
            // The connection is refused after the reconnect backoff: the request fails then, as a
            // disconnect, without ever reaching the broker.
            let deadline = now + self.reconnect_backoff(to);
            self.inflight
                .insert(correlation_id, InFlight { to, deadline, kind });
            return correlation_id;
        }
        let deadline = now + SimTime::from_millis(timeout.max(1));
        self.inflight
            .insert(correlation_id, InFlight { to, deadline, kind });
        self.out.push(Outgoing::Request {
            to,
            correlation_id,
            request,
        });
        correlation_id
    }

    fn log(&mut self, level: &'static str, message: String) {
        self.logs.push(LogLine { level, message });
    }

    /// The next bootstrap broker in turn, skipping those known to be down (`leastLoadedNode` avoids
    /// nodes in reconnect backoff) unless all are.
    fn next_bootstrap_broker(&mut self) -> Option<BrokerId> {
        let n = self.setup.bootstrap.len();
        if n == 0 {
            return None;
        }
        let first = self.setup.bootstrap[self.next_bootstrap % n];
        for _ in 0..n {
            let broker = self.setup.bootstrap[self.next_bootstrap % n];
            self.next_bootstrap = self.next_bootstrap.wrapping_add(1);
            if !self.down.contains(&broker) {
                return Some(broker);
            }
        }
        Some(first)
    }

    /// `reconnect.backoff.ms` doubled per failed attempt, capped at `reconnect.backoff.max.ms`
    /// (Kafka adds 20% jitter; this model keeps the middle). Counts the attempt.
    fn reconnect_backoff(&mut self, to: BrokerId) -> SimTime {
        let failures = self.connect_failures.entry(to).or_insert(0);
        let base = self.setup.config.reconnect_backoff_ms.max(1);
        let max = self.setup.config.reconnect_backoff_max_ms.max(base);
        let ms = base.saturating_mul(1u64 << (*failures).min(20)).min(max);
        *failures = failures.saturating_add(1);
        SimTime::from_millis(ms)
    }

    /// A broker's process died and reset the connections: what was in flight to it fails now, as a
    /// disconnect; a coordinator on it is marked unknown; connecting to it is refused until it
    /// starts again.
    pub fn on_broker_down(&mut self, now: SimTime, broker: BrokerId, rng: &mut crate::rng::SimRng) {
        self.down.insert(broker);
        if !matches!(self.life, Lifecycle::Running | Lifecycle::Closing) {
            return;
        }
        let connected = self.coordinator == Some(broker)
            || self.fetching_from.contains(&broker)
            || self.inflight.values().any(|f| f.to == broker);
        if connected {
            self.log("INFO", format!("Node {} disconnected.", broker.0));
        }
        for f in self.inflight.values_mut() {
            if f.to == broker {
                f.deadline = now;
            }
        }
        self.expire_requests(now);
        if self.coordinator == Some(broker) {
            self.mark_coordinator_unknown(now, "coordinator unavailable", true);
        }
        // A Metadata request to it is lost: ask another broker.
        self.metadata_inflight = None;
        if self.fetching_from.remove(&broker) {
            self.metadata_needed = true;
        }
        self.drive(now, rng);
    }

    /// A broker started again: connecting to it can succeed.
    pub fn on_broker_up(&mut self, broker: BrokerId) {
        self.down.remove(&broker);
        self.connect_failures.remove(&broker);
    }

    /// `reset` strategy as a ListOffsets spec (`None` for `auto.offset.reset=none`).
    fn reset_spec(&self) -> Option<OffsetSpec> {
        match self.setup.config.auto_offset_reset {
            AutoOffsetReset::Earliest => Some(OffsetSpec::Earliest),
            AutoOffsetReset::Latest => Some(OffsetSpec::Latest),
            AutoOffsetReset::None => None,
        }
    }

    /// The partition by topic name.
    fn named(&self, tp: TopicPartition) -> NamedPartition {
        let topic = (self.setup.topics.iter())
            .find(|t| t.idx == tp.topic)
            .map_or_else(|| format!("topic{}", tp.topic.0), |t| t.name.clone());
        NamedPartition::new(topic, tp.partition)
    }

    /// The partition by topic index, if the topic is one it subscribes to.
    fn indexed(&self, np: &NamedPartition) -> Option<TopicPartition> {
        (self.setup.topics.iter())
            .find(|t| t.name == np.topic)
            .map(|t| TopicPartition {
                topic: t.idx,
                partition: np.partition,
            })
    }

    /// `t-0, t-1` (Kafka's `Utils.join(partitions, ", ")`).
    fn join_names<'a>(&self, tps: impl IntoIterator<Item = &'a TopicPartition>) -> String {
        let mut names: Vec<NamedPartition> = tps.into_iter().map(|tp| self.named(*tp)).collect();
        crate::sort::sort(&mut names);
        names
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Kafka's `Generation.toString`.
    fn generation_text(&self) -> String {
        format!(
            "Generation{{generationId={}, memberId='{}', protocol='{}'}}",
            self.generation,
            self.member_id,
            self.protocol.as_deref().unwrap_or("null")
        )
    }

    /// The `OffsetAndMetadata` map as Kafka prints it: `{t-0=OffsetAndMetadata{offset=5, leaderEpoch=0, metadata=''}}`.
    fn offsets_text(&self, offsets: &[(TopicPartition, i64, i32)]) -> String {
        let body: Vec<String> = (offsets.iter())
            .map(|(tp, o, e)| {
                let epoch = if *e >= 0 {
                    e.to_string()
                } else {
                    "null".to_string()
                };
                format!(
                    "{}=OffsetAndMetadata{{offset={o}, leaderEpoch={epoch}, metadata=''}}",
                    self.named(*tp)
                )
            })
            .collect();
        format!("{{{}}}", body.join(", "))
    }
}

/// A broker as Kafka's `Node.toString` prints it: `kafka-1:9092 (id: 1 rack: null)`.
fn node_text(b: BrokerId) -> String {
    format!("kafka-{}:9092 (id: {} rack: null)", b.0, b.0)
}

/// The coordinator's node as the client names it: its id is `Integer.MAX_VALUE - broker id`, so that
/// the group connection is separate from the data connection to the same broker.
fn coordinator_text(b: BrokerId) -> String {
    format!(
        "kafka-{}:9092 (id: {} rack: null)",
        b.0,
        i64::from(i32::MAX) - i64::from(b.0)
    )
}
