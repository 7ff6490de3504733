//! The driving API: build a simulation from a spec, step it, run it, look at it.
//!
//! CONTRACT (fixed; the web app and CLI are written against it): `SimSpec`, `SpecError`,
//! `Simulation::{new, now, seed, step, run_until, inject, schedule, view, trace_hash}`.
//!
//! Node ids: ZooKeeper is `NodeId(0)`; broker `b` (`broker.id` = b, `1..=brokers`) is `NodeId(b)`.

use crate::cluster::{
    BrokerNode, ClusterEvent, ClusterNode, ProducerSetup, ReplicationSettings, TopicMeta, ZkNode,
};
use crate::group::coordinator::GroupSettings;
use crate::ids::{BrokerId, NodeId};
use crate::invariants::InvariantChecker;
use crate::kernel::fault::{Direction, Fault, Ratio};
use crate::kernel::{DEFAULT_TRACE_CAPACITY, FaultError, Kernel, Network, Trace};
use crate::record::TopicIdx;
use crate::rng::SimRng;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// The most brokers a simulation may have.
pub const MAX_BROKERS: u32 = 16;

/// ZooKeeper's node id.
pub const ZOOKEEPER: NodeId = NodeId(0);

/// A topic the controller creates once elected (with enough live brokers for its replication
/// factor), as an admin's CreateTopics would have asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSetup {
    /// The topic's name.
    pub name: String,
    /// How many partitions.
    pub partitions: u32,
    /// How many replicas per partition.
    pub replication_factor: u32,
    /// A `min.insync.replicas` override (else the broker's).
    #[serde(default)]
    pub min_insync_replicas: Option<i32>,
    /// An `unclean.leader.election.enable` override (else the broker's).
    #[serde(default)]
    pub unclean_leader_election_enable: Option<bool>,
}

impl TopicSetup {
    /// A topic with no config overrides.
    pub fn new(name: &str, partitions: u32, replication_factor: u32) -> Self {
        TopicSetup {
            name: name.to_string(),
            partitions,
            replication_factor,
            min_insync_replicas: None,
            unclean_leader_election_enable: None,
        }
    }
}

/// How to build a simulation: the seed and the cluster's shape.
///
/// `replication` and `topics` were added with the replication model; both default (Kafka 3.7's
/// broker defaults, no topics), so a spec without them is the seed's bare cluster. Scenario files
/// set them through [`crate::scenario::Scenario::sim_spec`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimSpec {
    /// The one seed every random draw derives from.
    pub seed: u64,
    /// Number of brokers (the seed's cluster has 3).
    pub brokers: u32,
    /// Default one-way latency of every link.
    pub latency: SimTime,
    /// Uniform jitter added to each message's latency, drawn from the seed.
    pub jitter: SimTime,
    /// The brokers' replication settings (Kafka 3.7 defaults).
    #[serde(default)]
    pub replication: ReplicationSettings,
    /// The brokers' `group.*` and `offsets.*` settings (Kafka 3.7 defaults).
    #[serde(default)]
    pub group: GroupSettings,
    /// The topics created at start.
    #[serde(default)]
    pub topics: Vec<TopicSetup>,
    /// The producer clients (nodes `brokers + 1 ..`), added with the produce path; not serialized.
    #[serde(skip)]
    pub producers: Vec<ProducerSetup>,
    /// The consumer groups (members become nodes when they start); not serialized.
    #[serde(skip)]
    pub groups: Vec<GroupSetup>,
}

impl Default for SimSpec {
    /// The seed's system: three brokers and one ZooKeeper, 1 ms links, no jitter, seed 42.
    fn default() -> Self {
        SimSpec {
            seed: 42,
            brokers: 3,
            latency: SimTime::from_millis(1),
            jitter: SimTime::ZERO,
            replication: ReplicationSettings::default(),
            group: GroupSettings::default(),
            topics: Vec::new(),
            producers: Vec::new(),
            groups: Vec::new(),
        }
    }
}

/// Why a [`SimSpec`] cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// The broker count is out of range.
    #[error("brokers must be between 1 and {max}, got {got}")]
    Brokers {
        /// The largest supported count.
        max: u32,
        /// What was asked for.
        got: u32,
    },
    /// A consumer group subscribes to a topic the spec does not create.
    #[error("consumer group '{group}' subscribes to unknown topic '{topic}'")]
    UnknownGroupTopic {
        /// The group.
        group: String,
        /// The topic.
        topic: String,
    },
    /// A producer writes to a topic the spec does not create.
    #[error("producer '{producer}' writes to unknown topic '{topic}'")]
    UnknownTopic {
        /// The producer.
        producer: String,
        /// The topic.
        topic: String,
    },
}

/// A running simulation. `Clone` is a snapshot: clones evolve independently and identically.
#[derive(Clone, Debug)]
pub struct Simulation {
    spec: SimSpec,
    kernel: Kernel<ClusterNode>,
    checker: InvariantChecker,
    clients: producer_api::ClientState,
    groups: group_api::GroupState,
    views: view_record::ViewRecord,
    metrics: view_metrics::Metrics,
    admin: admin_api::AdminState,
}

impl Simulation {
    /// Builds the cluster described by `spec` at time zero: ZooKeeper starts, then the brokers in
    /// id order.
    pub fn new(spec: SimSpec) -> Result<Simulation, SpecError> {
        if !(1..=MAX_BROKERS).contains(&spec.brokers) {
            return Err(SpecError::Brokers {
                max: MAX_BROKERS,
                got: spec.brokers,
            });
        }
        let network = Network::new(spec.latency, spec.jitter);
        let mut kernel = Kernel::new(SimRng::new(spec.seed), network, DEFAULT_TRACE_CAPACITY);
        let r = spec.replication;
        let topics = (spec.topics.iter().enumerate())
            .map(|(i, t)| TopicMeta {
                idx: TopicIdx(i as u32),
                name: t.name.clone(),
                partitions: t.partitions,
                replication_factor: t.replication_factor,
                min_insync_replicas: t.min_insync_replicas.unwrap_or(r.min_insync_replicas),
                unclean_leader_election_enable: t
                    .unclean_leader_election_enable
                    .unwrap_or(r.unclean_leader_election_enable),
                assignment: None,
            })
            .collect();
        kernel.add_node(ClusterNode::ZooKeeper(ZkNode::with_topics(topics)));
        for b in 1..=spec.brokers {
            let mut broker = BrokerNode::with_settings(BrokerId(b as i32), ZOOKEEPER, r);
            broker.set_group_settings(spec.group);
            kernel.add_node(ClusterNode::Broker(broker));
        }
        let clients = producer_api::add_producers(&spec, &mut kernel)?;
        for g in &spec.groups {
            if let Some(topic) = g
                .topics
                .iter()
                .find(|t| !spec.topics.iter().any(|s| &s.name == *t))
            {
                return Err(SpecError::UnknownGroupTopic {
                    group: g.group_id.clone(),
                    topic: topic.clone(),
                });
            }
        }
        let groups = group_api::GroupState::new(&spec.groups);
        let mut sim = Simulation {
            spec,
            kernel,
            checker: InvariantChecker::new(),
            clients,
            groups,
            views: view_record::ViewRecord::default(),
            metrics: view_metrics::Metrics::default(),
            admin: admin_api::AdminState::default(),
        };
        sim.run_group_work(SimTime::ZERO);
        Ok(sim)
    }
    /// The simulated clock.
    pub fn now(&self) -> SimTime {
        self.kernel.now()
    }
    /// The seed the run was built from.
    pub fn seed(&self) -> u64 {
        self.spec.seed
    }
    /// The spec the run was built from.
    pub fn spec(&self) -> &SimSpec {
        &self.spec
    }
    /// Processes the next event (and checks the invariants against what it did). Returns its time,
    /// or `None` when nothing is scheduled.
    pub fn step(&mut self) -> Option<SimTime> {
        if let Some(next) = self.kernel.next_event_time() {
            self.sample_metrics_before(next);
        }
        let before = self.kernel.trace().recorded();
        let at = self.kernel.step();
        if let Some(a) = self.kernel.last_arrival() {
            self.views.arrival(a);
        }
        let new = self.kernel.trace().recorded().saturating_sub(before);
        if new > 0 {
            let new = usize::try_from(new).unwrap_or(usize::MAX);
            self.check_invariants(new);
            self.collect_outcomes(new);
        }
        at
    }
    /// Processes every event up to and including `t`, then sets the clock to `t`. Scenario faults
    /// ([`Simulation::schedule_scenario_fault`]) fire on the way, their selectors resolved then.
    pub fn run_until(&mut self, t: SimTime) {
        loop {
            let next = match (self.next_scenario_fault(), self.groups.next_due()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let Some(at) = next.filter(|at| *at <= t) else {
                break;
            };
            self.run_events_until(at);
            self.fire_scenario_faults(at);
            self.run_group_work(at);
        }
        self.run_events_until(t);
        self.sample_metrics_until(t);
    }
    fn run_events_until(&mut self, t: SimTime) {
        while self.kernel.next_event_time().is_some_and(|at| at <= t) {
            self.step();
        }
        self.kernel.run_until(t);
    }
    /// Applies a fault now. A fault naming a node that does not exist is ignored (and traced as
    /// such); use [`Simulation::try_inject`] to be told.
    pub fn inject(&mut self, fault: Fault) {
        let _ = self.try_inject(fault);
    }
    /// Applies a fault now, or says why it cannot be. What it did is collected as a step's is (the
    /// event log narrates it, the oracles see it).
    pub fn try_inject(&mut self, fault: Fault) -> Result<(), FaultError> {
        let before = self.kernel.trace().recorded();
        let result = self.kernel.apply(fault);
        let new = self.kernel.trace().recorded().saturating_sub(before);
        if new > 0 {
            self.collect_outcomes(usize::try_from(new).unwrap_or(usize::MAX));
        }
        result
    }
    /// Schedules a fault at time `at` (now, if `at` is past).
    pub fn schedule(&mut self, at: SimTime, fault: Fault) {
        self.kernel.schedule(at, fault);
    }
    /// Schedules a fault at time `at`, or says why it cannot be applied.
    pub fn try_schedule(&mut self, at: SimTime, fault: Fault) -> Result<(), FaultError> {
        self.kernel.check_fault(&fault)?;
        self.kernel.schedule(at, fault);
        Ok(())
    }
    /// How many events have been processed.
    pub fn events_processed(&self) -> u64 {
        self.kernel.events_processed()
    }
    /// The trace (its last entries, and the count of all).
    pub fn trace(&self) -> &Trace<ClusterEvent> {
        self.kernel.trace()
    }
    /// The kernel, for reading nodes and the network directly.
    pub fn kernel(&self) -> &Kernel<ClusterNode> {
        &self.kernel
    }
    /// The ZooKeeper node's state.
    pub fn zookeeper(&self) -> &ZkNode {
        // Invariant: `new` always creates ZooKeeper as node 0.
        self.kernel
            .node(ZOOKEEPER)
            .and_then(ClusterNode::as_zookeeper)
            .expect("node 0 is ZooKeeper")
    }
    /// The node of broker `broker_id`, if there is one.
    pub fn broker_node(&self, broker_id: BrokerId) -> Option<NodeId> {
        u32::try_from(broker_id.0)
            .ok()
            .filter(|b| (1..=self.spec.brokers).contains(b))
            .map(NodeId)
    }
    /// The cluster's controller as ZooKeeper records it.
    pub fn controller(&self) -> Option<BrokerId> {
        self.zookeeper().controller()
    }
    /// The stable hash of everything that has happened so far.
    pub fn trace_hash(&self) -> u64 {
        self.kernel.trace_hash()
    }
}

pub mod admin_api;
mod admin_topics;
mod group_api;
mod producer_api;
mod replication_api;
pub mod runtime_api;
mod view_api;
mod view_cx;
mod view_metrics;
mod view_panels;
mod view_record;

pub use group_api::{
    GroupSetup, LAG_SAMPLE_INTERVAL, RebalanceStats, kafka_assign, processing_of, reason_category,
    scenario_groups,
};

pub use producer_api::{ElectionCounts, MAX_NOTABLE_EVENTS, run_scenario, scenario_producers};

pub use view_metrics::{
    ANOMALY_CHECK_EVERY, ANOMALY_SMALL_RUN, ANOMALY_WINDOW, METRICS_CAPACITY, METRICS_INTERVAL,
};
pub use view_record::{EVENT_LOG_CAPACITY, SEQUENCE_CAPACITY, STRIP_LEN, TRUNCATION_HISTORY};

/// The spec of [`golden_run`]: three brokers, 1 ms links with up to 0.5 ms of seeded jitter.
pub fn golden_spec(seed: u64) -> SimSpec {
    SimSpec {
        seed,
        brokers: 3,
        latency: SimTime::from_millis(1),
        jitter: SimTime::from_micros(500),
        ..SimSpec::default()
    }
}

/// How long [`golden_run`] runs.
pub const GOLDEN_RUN_LENGTH: SimTime = SimTime::from_secs(120);

/// A fixed run, with a crash, an isolation, a heal and a restart on seeded jittery links, whose
/// trace hash tests compare across platforms (`tests/golden/trace_hash_seed42.txt`).
///
/// Over 120 simulated seconds: broker 1 crashes at 20 s; the link from broker 3 to ZooKeeper is cut
/// one way at 30 s; broker 2 is isolated at 45 s; the link between ZooKeeper and broker 3 drops 30 %
/// of messages from 50 s and is 20 ms slow from 55 s; everything heals at 75 s; broker 1 restarts at
/// 80 s. Whichever broker wins the first controller election, its session expires at some point, so
/// every seed sees the controller move, a time with no controller, and re-registration.
pub fn golden_run(seed: u64) -> Simulation {
    let mut sim = golden_sim(seed);
    sim.run_until(GOLDEN_RUN_LENGTH);
    sim
}

/// [`golden_run`]'s simulation with its faults scheduled, at time zero (not yet run).
pub fn golden_sim(seed: u64) -> Simulation {
    // Invariant: the golden spec has 3 brokers, which is in range.
    let mut sim = Simulation::new(golden_spec(seed)).expect("golden spec is valid");
    let (zk, b1, b2, b3) = (ZOOKEEPER, NodeId(1), NodeId(2), NodeId(3));
    sim.schedule(SimTime::from_secs(20), Fault::Crash(b1));
    sim.schedule(
        SimTime::from_secs(30),
        Fault::Cut {
            a: b3,
            b: zk,
            direction: Direction::OneWay,
        },
    );
    sim.schedule(SimTime::from_secs(45), Fault::Isolate(b2));
    let ratio = Ratio::from_f64(0.3);
    sim.schedule(
        SimTime::from_secs(50),
        Fault::Drop {
            a: zk,
            b: b3,
            ratio,
            direction: Direction::Both,
        },
    );
    let latency = SimTime::from_millis(20);
    sim.schedule(
        SimTime::from_secs(55),
        Fault::Slow {
            a: zk,
            b: b3,
            latency,
            direction: Direction::Both,
        },
    );
    sim.schedule(SimTime::from_secs(75), Fault::Heal);
    sim.schedule(SimTime::from_secs(80), Fault::Restart(b1));
    sim
}
