//! Shared helpers of the group behaviour tests: load a `tests/scenarios/group-*.toml` file, run it
//! (whole, or stepwise to look at the cluster mid-run), and read the delivery facts and the
//! coordinator's rebalance events back.

#![allow(dead_code)]

use kafka_sim::Simulation;
use kafka_sim::cluster::ClusterEvent;
use kafka_sim::group::coordinator::GroupEvent;
use kafka_sim::group::delivery::{MemberIncident, MemberRef, ProcessedRange};
use kafka_sim::group::wire::NamedPartition;
use kafka_sim::kernel::TraceEvent;
use kafka_sim::record::TopicPartition;
use kafka_sim::scenario::Scenario;
use kafka_sim::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};

/// The scenario file `tests/scenarios/NAME.toml`.
pub fn scenario(name: &str) -> Scenario {
    let path = format!("{}/../../tests/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("scenario file");
    Scenario::from_toml_str(&text).expect("valid scenario")
}

/// The simulation of `s` with its faults scheduled, not yet run.
pub fn start(s: &Scenario) -> Simulation {
    let mut sim = Simulation::new(s.sim_spec()).expect("valid spec");
    for f in &s.faults {
        sim.schedule_scenario_fault(f);
    }
    sim
}

/// Runs `sim` to the end of `s`, checking the cluster invariants held.
pub fn finish(sim: &mut Simulation, s: &Scenario) {
    sim.run_until(s.duration);
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
}

/// Scenario `name`, run to its end.
pub fn run(name: &str) -> (Scenario, Simulation) {
    let s = scenario(name);
    let mut sim = start(&s);
    finish(&mut sim, &s);
    (s, sim)
}

/// The partitions of topic `topic` (`partitions` of them).
pub fn partitions(sim: &Simulation, topic: &str, partitions: i32) -> Vec<TopicPartition> {
    (0..partitions)
        .map(|p| sim.topic_partition(topic, p).expect("a partition of the topic"))
        .collect()
}

/// The high watermark of every partition of `tps`, now.
pub fn high_watermarks(sim: &Simulation, tps: &[TopicPartition]) -> BTreeMap<TopicPartition, i64> {
    tps.iter().map(|tp| (*tp, sim.high_watermark_of(*tp))).collect()
}

/// Group 0's processed ranges, oldest end first.
pub fn processed(sim: &mut Simulation) -> Vec<ProcessedRange> {
    let mut v: Vec<ProcessedRange> = (sim.delivery_facts().processed.iter())
        .filter(|r| r.by.group == 0)
        .copied()
        .collect();
    v.sort_by_key(|r| r.at);
    v
}

/// Group 0's incidents of kind `kind`: member and time.
pub fn incidents(sim: &mut Simulation, kind: MemberIncident) -> Vec<(MemberRef, SimTime)> {
    (sim.delivery_facts().incidents.iter())
        .filter(|i| i.by.group == 0 && i.incident == kind)
        .map(|i| (i.by, i.at))
        .collect()
}

/// The highest accepted committed offset of each partition `by` committed (group 0).
pub fn last_commits(sim: &mut Simulation, by: MemberRef) -> BTreeMap<TopicPartition, i64> {
    let mut out: BTreeMap<TopicPartition, i64> = BTreeMap::new();
    for c in sim.delivery_facts().commits.iter().filter(|c| c.by == by && c.ok) {
        let e = out.entry(c.tp).or_insert(c.offset);
        *e = (*e).max(c.offset);
    }
    out
}

/// How many offsets of `[from, to)` of `tp` no range of `ranges` covers.
pub fn gaps(ranges: &[ProcessedRange], tp: TopicPartition, from: i64, to: i64) -> i64 {
    let mut spans: Vec<(i64, i64)> = (ranges.iter())
        .filter(|r| r.tp == tp)
        .map(|r| (r.from.max(from), r.to.min(to)))
        .filter(|(a, b)| a < b)
        .collect();
    spans.sort();
    let (mut covered, mut reach) = (0, from);
    for (a, b) in spans {
        let a = a.max(reach);
        if b > a {
            covered += b - a;
            reach = b;
        }
    }
    (to - from).max(0) - covered
}

/// The first offset of `tp` any range of `ranges` starts at, if any.
pub fn first_processed(ranges: &[ProcessedRange], tp: TopicPartition) -> Option<i64> {
    ranges.iter().filter(|r| r.tp == tp).map(|r| r.from).min()
}

/// The end (exclusive) of the highest range of `tp`, if any.
pub fn processed_end(ranges: &[ProcessedRange], tp: TopicPartition) -> Option<i64> {
    ranges.iter().filter(|r| r.tp == tp).map(|r| r.to).max()
}

/// A coordinator's rebalance event of group `group` as the simulation kept it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rebalance {
    /// A rebalance began at this time, for this reason (Kafka's text).
    Started(SimTime, String),
    /// A rebalance completed at this time: generation and each member id's partitions.
    Completed(SimTime, i32, Vec<(String, Vec<NamedPartition>)>),
}

/// Group `group`'s rebalance starts and completions, oldest first.
pub fn rebalances(sim: &Simulation, group: &str) -> Vec<Rebalance> {
    (sim.notable_events().iter())
        .filter_map(|(at, e)| match e {
            TraceEvent::Node {
                event: ClusterEvent::Group { event, .. },
                ..
            } => match event {
                GroupEvent::RebalanceStarted { group: g, reason, .. } if g == group => {
                    Some(Rebalance::Started(*at, reason.clone()))
                }
                GroupEvent::RebalanceCompleted {
                    group: g,
                    generation,
                    assignment,
                    ..
                } if g == group => Some(Rebalance::Completed(*at, *generation, assignment.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Each started member of group 0: member ref and member id.
pub fn member_ids(sim: &Simulation) -> BTreeMap<String, MemberRef> {
    (sim.member_views(0).into_iter())
        .map(|(m, _, v)| (v.member_id, m))
        .collect()
}

/// An assignment by member ref (member ids resolved through `ids`) as sets of partition names.
pub fn by_member(
    assignment: &[(String, Vec<NamedPartition>)],
    ids: &BTreeMap<String, MemberRef>,
) -> BTreeMap<MemberRef, BTreeSet<String>> {
    (assignment.iter())
        .map(|(id, ps)| {
            let m = *ids
                .get(id)
                .unwrap_or_else(|| panic!("member id {id} of a started member"));
            (m, ps.iter().map(ToString::to_string).collect())
        })
        .collect()
}

/// Member `n` (from 1) of group 0.
pub fn member(n: u16) -> MemberRef {
    MemberRef { group: 0, member: n }
}
