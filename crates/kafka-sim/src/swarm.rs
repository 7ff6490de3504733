//! Seeded swarm testing (VOPR style): each seed draws its own cluster, topic and producer config and
//! its own fault mix, runs it, and is checked for the model's safety and liveness properties.
//!
//! A case runs [`FAULT_WINDOW`] of random faults against brokers (crash, restart, isolate, cut links,
//! slow links, dropped messages, some aimed at a partition's current leader), then a final heal and a
//! restart of every broker, then [`RECOVERY_BOUND`] of recovery with the producer still writing.
//! [`SwarmOutcome::check`] fails on:
//! - any invariant violation ([`Simulation::invariant_violations`]);
//! - an acknowledged record lost when the config promises durability: `acks=all`,
//!   `min.insync.replicas >= 2`, replication factor `>= 3` and clean elections only (crashes keep
//!   logs in this model, so no more than RF - 1 replicas can ever lose data);
//! - a partition without a live leader, or with an ISR short of its replicas, at the end of the
//!   recovery window.
//!
//! A seeded share of cases also runs a consumer group with member faults ([`group`]); after the
//! heal and [`GROUP_RECOVERY_BOUND`] it must have skipped nothing under its at-least-once commits,
//! be `Stable` with every partition owned exactly once, and have every member in the coordinator's
//! generation ([`group::check_group`]).
//!
//! Everything derives from the seed, so [`run_swarm_case`]`(`[`swarm_case`]`(seed))` replays a run.

pub mod group;

use crate::ids::{BrokerId, NodeId};
use crate::kernel::fault::{Direction, Fault, Ratio};
use crate::oracle::durability::DurabilityReport;
use crate::rng::SimRng;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use crate::time::SimTime;
use group::{GroupCase, GroupOutcome};

/// How long random faults are drawn over; the final heal comes at its end.
pub const FAULT_WINDOW: SimTime = SimTime::from_secs(60);

/// How long after the final heal every partition must have a live leader and a full ISR.
///
/// A broker cut off during the fault window may hold a fetch that was lost; it is retried after
/// `replica.socket.timeout.ms` (30 s). A broker whose ZooKeeper session was lost re-registers at
/// once on restart, but the controller may need `zookeeper.session.timeout.ms` (18 s) to notice a
/// stale session. A follower rejoins the ISR on its first fetch at the leader's end. 30 + 18 s plus
/// fetch rounds fits in 60 s.
pub const RECOVERY_BOUND: SimTime = SimTime::from_secs(60);

/// How long after the final heal a case with a consumer group runs before the group is checked:
/// [`RECOVERY_BOUND`] for the brokers; members still closing are restarted up to
/// [`group::MEMBER_RESTARTS_UNTIL`] (90 s) after the heal, and then a restarted dynamic member joins
/// (the old id of a crashed one expires after `session.timeout.ms`, at most 30 s, counted from the
/// crash) and a rebalance gathers the members (each rejoins on its next poll, within a third of
/// `max.poll.interval.ms`).
pub const GROUP_RECOVERY_BOUND: SimTime = SimTime::from_secs(120);

/// The topic every case writes to.
pub const TOPIC: &str = "t";

/// Which broker a fault acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A fixed broker.
    Broker(BrokerId),
    /// Whichever broker leads this partition of [`TOPIC`] when the fault fires (none: no-op).
    LeaderOf(i32),
}

/// One fault of a case, resolved to kernel [`Fault`]s when it fires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SwarmFault {
    /// Crash the target.
    Crash(Target),
    /// Restart the target (a no-op if it is running).
    Restart(Target),
    /// Cut every link of the target.
    Isolate(Target),
    /// Cut the link between the target and ZooKeeper, both ways.
    CutZooKeeper(Target),
    /// Cut a link between two nodes.
    Cut(NodeId, NodeId, Direction),
    /// Slow a link down, both ways.
    Slow(NodeId, NodeId, SimTime),
    /// Drop a share of a link's messages, both ways.
    Drop(NodeId, NodeId, Ratio),
    /// Restore every link.
    Heal,
}

/// A seed's drawn configuration and fault schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct SwarmCase {
    /// The seed everything was drawn from (and the simulation's seed).
    pub seed: u64,
    /// Brokers, 3 to 5.
    pub brokers: u32,
    /// Partitions of [`TOPIC`], 1 to 6.
    pub partitions: u32,
    /// Replication factor of [`TOPIC`] (3).
    pub replication_factor: u32,
    /// `min.insync.replicas` of [`TOPIC`] (2, sometimes 1).
    pub min_insync_replicas: i32,
    /// `unclean.leader.election.enable` of [`TOPIC`].
    pub unclean: bool,
    /// `acks=all` (else `acks=1`).
    pub acks_all: bool,
    /// `enable.idempotence` (only with `acks=all`, as Kafka requires).
    pub idempotence: bool,
    /// `linger.ms`, 0 to 20.
    pub linger_ms: u64,
    /// The producer's rate, records per simulated second.
    pub rate: u32,
    /// Link jitter, microseconds.
    pub jitter_us: u64,
    /// The faults, in time order, all before [`FAULT_WINDOW`].
    pub faults: Vec<(SimTime, SwarmFault)>,
    /// The consumer group and its member faults, in a seeded share of cases.
    pub group: Option<GroupCase>,
}

impl SwarmCase {
    /// Whether this config promises that no acknowledged record is lost.
    pub fn promises_durability(&self) -> bool {
        self.acks_all && self.min_insync_replicas >= 2 && self.replication_factor >= 3 && !self.unclean
    }

    /// The scenario text of the case's cluster, topic, producer and consumer group, with the group's
    /// member faults (the broker faults are applied separately).
    pub fn scenario_toml(&self) -> String {
        let acks = if self.acks_all { "all" } else { "1" };
        let mut s = format!(
            "seed = {seed}\nduration = \"{dur}s\"\n[cluster]\nbrokers = {brokers}\n{cluster}[network]\n\
             jitter = \"{jitter}us\"\n[[topics]]\nname = \"{TOPIC}\"\npartitions = {partitions}\n\
             replication_factor = {rf}\n[topics.config]\n\"min.insync.replicas\" = {min_isr}\n\
             \"unclean.leader.election.enable\" = {unclean}\n[[producers]]\nname = \"app\"\n\
             topic = \"{TOPIC}\"\nrate = {rate}\nkeys = \"k-{{n}}\"\nvalue = \"v-{{n}}\"\n\
             [producers.config]\nacks = \"{acks}\"\n\"enable.idempotence\" = {idem}\n\
             \"linger.ms\" = {linger}\n",
            seed = self.seed,
            dur = self.end().as_micros() / 1_000_000,
            brokers = self.brokers,
            cluster = (self.group.as_ref())
                .map(|g| format!("[cluster.config]\n{}", g.cluster_toml()))
                .unwrap_or_default(),
            jitter = self.jitter_us,
            partitions = self.partitions,
            rf = self.replication_factor,
            min_isr = self.min_insync_replicas,
            unclean = self.unclean,
            rate = self.rate,
            idem = self.idempotence,
            linger = self.linger_ms,
        );
        if let Some(g) = &self.group {
            s.push_str(&g.group_toml());
            s.push_str(&g.faults_toml(FAULT_WINDOW));
        }
        s
    }

    /// When the run ends: the final heal plus [`RECOVERY_BOUND`] ([`GROUP_RECOVERY_BOUND`] with a
    /// consumer group).
    pub fn end(&self) -> SimTime {
        FAULT_WINDOW
            + if self.group.is_some() {
                GROUP_RECOVERY_BOUND
            } else {
                RECOVERY_BOUND
            }
    }
}

/// Draws seed `seed`'s case.
pub fn swarm_case(seed: u64) -> SwarmCase {
    let mut rng = SimRng::new(seed ^ 0x5A4A_F00D_0000_0001);
    let brokers = rng.range_inclusive(3, 5) as u32;
    let partitions = rng.range_inclusive(1, 6) as u32;
    let min_insync_replicas = if rng.below(4) == 0 { 1 } else { 2 };
    let acks_all = rng.below(4) != 0;
    let unclean = rng.below(4) == 0;
    let idempotence = acks_all && rng.below(2) == 0;
    let linger_ms = rng.range_inclusive(0, 20);
    let rate = rng.range_inclusive(50, 250) as u32;
    let jitter_us = [0, 200, 1_000][rng.below(3) as usize];
    let n = rng.range_inclusive(3, 12);
    let mut faults: Vec<(SimTime, SwarmFault)> = (0..n)
        .map(|_| {
            let at = SimTime::from_millis(rng.range_inclusive(3_000, 59_000));
            (at, draw_fault(&mut rng, brokers, partitions))
        })
        .collect();
    faults.sort_by_key(|(at, _)| *at);
    // Drawn from their own stream, so a case's broker faults do not depend on whether it has a group.
    let mut grng = SimRng::new(seed ^ 0x5A4A_F00D_0000_0002);
    let group = (grng.below(GROUP_SHARE.1) < GROUP_SHARE.0).then(|| GroupCase::draw(&mut grng, FAULT_WINDOW));
    SwarmCase {
        seed,
        brokers,
        partitions,
        replication_factor: 3,
        min_insync_replicas,
        unclean,
        acks_all,
        idempotence,
        linger_ms,
        rate,
        jitter_us,
        faults,
        group,
    }
}

/// The share of cases with a consumer group: numerator, denominator.
pub const GROUP_SHARE: (u64, u64) = (1, 3);

fn draw_fault(rng: &mut SimRng, brokers: u32, partitions: u32) -> SwarmFault {
    let broker = |rng: &mut SimRng| BrokerId(rng.range_inclusive(1, u64::from(brokers)) as i32);
    let target = |rng: &mut SimRng| {
        if rng.below(2) == 0 {
            Target::LeaderOf(rng.below(u64::from(partitions)) as i32)
        } else {
            Target::Broker(broker(rng))
        }
    };
    // Nodes a link fault may name: the brokers and the producer client (node brokers + 1).
    let node = |rng: &mut SimRng| NodeId(rng.range_inclusive(1, u64::from(brokers) + 1) as u32);
    let pair = |rng: &mut SimRng| {
        let a = node(rng);
        let mut b = node(rng);
        if a == b {
            b = NodeId(a.0 % (brokers + 1) + 1);
        }
        (a, b)
    };
    match rng.below(10) {
        0 | 1 => SwarmFault::Crash(target(rng)),
        2 | 3 => SwarmFault::Restart(Target::Broker(broker(rng))),
        4 => SwarmFault::Isolate(target(rng)),
        5 => SwarmFault::CutZooKeeper(target(rng)),
        6 => {
            let (a, b) = pair(rng);
            let d = if rng.below(2) == 0 {
                Direction::OneWay
            } else {
                Direction::Both
            };
            SwarmFault::Cut(a, b, d)
        }
        7 => {
            let (a, b) = pair(rng);
            SwarmFault::Slow(a, b, SimTime::from_millis(rng.range_inclusive(5, 2_000)))
        }
        8 => {
            let (a, b) = pair(rng);
            let per_million = rng.range_inclusive(50_000, 500_000);
            SwarmFault::Drop(a, b, Ratio::from_f64(per_million as f64 / 1e6))
        }
        _ => SwarmFault::Heal,
    }
}

/// What a case's run produced.
#[derive(Clone, Debug)]
pub struct SwarmOutcome {
    /// The case that ran.
    pub case: SwarmCase,
    /// Invariant violations, described.
    pub violations: Vec<String>,
    /// The durability oracle's verdict at the end.
    pub durability: DurabilityReport,
    /// Since when (after the final heal) every partition has had a live leader and a full ISR, if it
    /// does at the end.
    pub converged_at: Option<SimTime>,
    /// Partitions not converged at the end, described.
    pub unconverged: Vec<String>,
    /// Setup errors (an invalid generated scenario: a bug in the generator).
    pub setup_error: Option<String>,
    /// The consumer group's outcome at the end, for a case with one.
    pub group: Option<GroupOutcome>,
    /// Since when (after the final heal) the group has been settled, if it is at the end.
    pub group_settled_at: Option<SimTime>,
}

impl SwarmOutcome {
    /// `Err` with a description of everything wrong with the run.
    pub fn check(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if let Some(e) = &self.setup_error {
            problems.push(format!("setup failed: {e}"));
        }
        if !self.violations.is_empty() {
            let n = self.violations.len();
            let first: Vec<&str> = self.violations.iter().take(3).map(String::as_str).collect();
            problems.push(format!("{n} invariant violation(s): {}", first.join("; ")));
        }
        if self.case.promises_durability() && self.durability.acked_lost > 0 {
            problems.push(format!(
                "{} acknowledged record(s) lost with acks=all, min.insync.replicas={}, RF {}, clean \
                 elections",
                self.durability.acked_lost, self.case.min_insync_replicas, self.case.replication_factor
            ));
        }
        if self.setup_error.is_none() && self.converged_at.is_none() {
            problems.push(format!(
                "not converged {} s after the final heal: {}",
                RECOVERY_BOUND.as_micros() / 1_000_000,
                self.unconverged.join("; ")
            ));
        }
        if let Some(g) = &self.group {
            if g.skipped > 0 {
                problems.push(format!(
                    "{} offset(s) of {TOPIC} below the group's final committed offset skipped (never \
                     processed) under at-least-once commits",
                    g.skipped
                ));
            }
            if !g.problems.is_empty() {
                problems.push(format!(
                    "group {} not settled {} s after the final heal: {}",
                    group::GROUP,
                    GROUP_RECOVERY_BOUND.as_micros() / 1_000_000,
                    g.problems.join("; ")
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join(" | "))
        }
    }
}

/// Runs a case: faults over [`FAULT_WINDOW`], a heal and a restart of every broker, then
/// [`RECOVERY_BOUND`] of recovery checked every 500 ms.
pub fn run_swarm_case(case: SwarmCase) -> SwarmOutcome {
    let failed = |case: SwarmCase, e: String| SwarmOutcome {
        case,
        violations: Vec::new(),
        durability: DurabilityReport::default(),
        converged_at: None,
        unconverged: Vec::new(),
        setup_error: Some(e),
        group: None,
        group_settled_at: None,
    };
    let mut sim = match swarm_simulation(&case) {
        Ok(s) => s,
        Err(e) => return failed(case, e),
    };
    run_fault_window(&mut sim, &case);
    let mut converged_at = None;
    let mut unconverged = Vec::new();
    let mut group_settled_at = None;
    let mut t = FAULT_WINDOW;
    while t < case.end() {
        t += SimTime::from_millis(500);
        sim.run_until(t);
        unconverged = unconverged_partitions(&sim);
        if !unconverged.is_empty() {
            converged_at = None;
        } else if converged_at.is_none() {
            converged_at = Some(t);
        }
        if let Some(g) = &case.group {
            if t <= FAULT_WINDOW + group::MEMBER_RESTARTS_UNTIL {
                group::restart_stopped_members(&mut sim);
            }
            if !group::group_problems(&sim, case.partitions, g.offsets_partitions).is_empty() {
                group_settled_at = None;
            } else if group_settled_at.is_none() {
                group_settled_at = Some(t);
            }
        }
    }
    let group = (case.group.as_ref()).map(|g| group::check_group(&mut sim, case.partitions, g));
    let violations = (sim.invariant_violations().iter())
        .map(|v| format!("{} at {:?}: {}", v.invariant, v.at, v.detail))
        .collect();
    SwarmOutcome {
        durability: sim.durability_report(),
        case,
        violations,
        converged_at,
        unconverged,
        setup_error: None,
        group,
        group_settled_at,
    }
}

/// The case's simulation at time zero, built from [`SwarmCase::scenario_toml`], its member faults
/// scheduled.
pub fn swarm_simulation(case: &SwarmCase) -> Result<Simulation, String> {
    let scenario = Scenario::from_toml_str(&case.scenario_toml()).map_err(|e| e.to_string())?;
    let mut sim = Simulation::new(scenario.sim_spec()).map_err(|e| e.to_string())?;
    for f in &scenario.faults {
        sim.schedule_scenario_fault(f);
    }
    Ok(sim)
}

/// Runs `sim` through the case's faults to [`FAULT_WINDOW`], then heals every link and restarts
/// every broker (for replaying a case by hand: continue with [`Simulation::run_until`]).
pub fn run_fault_window(sim: &mut Simulation, case: &SwarmCase) {
    for (at, f) in &case.faults {
        sim.run_until(*at);
        for k in resolve(sim, f) {
            sim.inject(k);
        }
    }
    sim.run_until(FAULT_WINDOW);
    sim.inject(Fault::Heal);
    for b in 1..=case.brokers {
        sim.inject(Fault::Restart(NodeId(b)));
    }
}

/// The kernel faults `f` stands for now (a target naming no running leader resolves to none).
pub fn resolve(sim: &Simulation, f: &SwarmFault) -> Vec<Fault> {
    let node = |t: &Target| match *t {
        Target::Broker(b) => sim.broker_node(b),
        Target::LeaderOf(p) => {
            let tp = sim.topic_partition(TOPIC, p)?;
            sim.broker_node(sim.leader_of(tp)?)
        }
    };
    let both = Direction::Both;
    match f {
        SwarmFault::Crash(t) => node(t).map(Fault::Crash).into_iter().collect(),
        SwarmFault::Restart(t) => node(t).map(Fault::Restart).into_iter().collect(),
        SwarmFault::Isolate(t) => node(t).map(Fault::Isolate).into_iter().collect(),
        SwarmFault::CutZooKeeper(t) => (node(t).into_iter())
            .map(|a| Fault::Cut {
                a,
                b: crate::sim::ZOOKEEPER,
                direction: both,
            })
            .collect(),
        SwarmFault::Cut(a, b, direction) => vec![Fault::Cut {
            a: *a,
            b: *b,
            direction: *direction,
        }],
        SwarmFault::Slow(a, b, latency) => {
            vec![Fault::Slow {
                a: *a,
                b: *b,
                latency: *latency,
                direction: both,
            }]
        }
        SwarmFault::Drop(a, b, ratio) => {
            vec![Fault::Drop {
                a: *a,
                b: *b,
                ratio: *ratio,
                direction: both,
            }]
        }
        SwarmFault::Heal => vec![Fault::Heal],
    }
}

/// Partitions without a live leader acting as one, or with an ISR short of the replicas.
fn unconverged_partitions(sim: &Simulation) -> Vec<String> {
    let mut out = Vec::new();
    for v in sim.view().partitions {
        let live_leader = (v.leader)
            .zip(sim.topic_partition(&v.topic, v.partition))
            .is_some_and(|(l, tp)| sim.is_leader(l, tp));
        let mut isr = v.isr.clone();
        isr.sort();
        let mut replicas = v.replicas.clone();
        replicas.sort();
        if !live_leader || isr != replicas {
            out.push(format!(
                "{}-{}: leader {:?}, isr {:?}, replicas {:?}",
                v.topic, v.partition, v.leader, v.isr, v.replicas
            ));
        }
    }
    out
}
