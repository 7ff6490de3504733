//! Issue 4's behaviours 7 and 8, run from `tests/scenarios/group-*.toml`:
//!
//! - Static membership: a static member that crashes and restarts within `session.timeout.ms` gets
//!   its partitions back with no rebalance; restarting after the session timeout rebalances.
//! - Adding a member: cooperative-sticky moves only what it must, in two rebalances, while the others
//!   keep consuming; eager (range) revokes everything from everyone and stops all processing.

#[path = "support/group_scenarios.rs"]
mod support;

use kafka_sim::Simulation;
use kafka_sim::group::delivery::{MemberIncident, MemberRef};
use kafka_sim::scenario::{FaultAction, MemberFault, Scenario};
use kafka_sim::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};
use support::*;

/// The time of the first fault named `action`.
fn fault_at(s: &Scenario, action: &str) -> SimTime {
    (s.faults.iter())
        .find(|f| f.action.name() == action)
        .map(|f| f.at)
        .unwrap_or_else(|| panic!("a {action} fault"))
}

/// A member's assigned partitions (names) as its client sees them.
fn assigned(sim: &Simulation, m: MemberRef) -> BTreeSet<String> {
    (sim.member_views(0).into_iter())
        .find(|(r, _, _)| *r == m)
        .map(|(_, _, v)| v.assigned.iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

/// Static-membership run: (rebalances, generation, member 2's partitions) just before the crash and
/// at the end, and the rebalance stats at the end.
struct StaticRun {
    before: (u64, i32, BTreeSet<String>),
    after: (u64, i32, BTreeSet<String>),
    sim: Simulation,
    s: Scenario,
}

fn static_run(name: &str) -> StaticRun {
    let s = scenario(name);
    let group = s.consumer_groups[0].group_id.clone();
    assert!(
        s.consumer_groups[0]
            .members
            .iter()
            .all(|m| m.config.group_instance_id.is_some())
    );
    let mut sim = start(&s);
    let crash = fault_at(&s, "crash_member");
    let snapshot = |sim: &Simulation| {
        let (_, view) = sim.group_view(&group).expect("a coordinator has the group");
        (
            sim.rebalance_stats(&group).rebalances,
            view.generation,
            assigned(sim, member(2)),
        )
    };
    sim.run_until(crash - SimTime::from_millis(1));
    let before = snapshot(&sim);
    finish(&mut sim, &s);
    let after = snapshot(&sim);
    StaticRun {
        before,
        after,
        sim,
        s,
    }
}

#[test]
fn a_static_member_restarting_within_the_session_timeout_causes_no_rebalance() {
    let mut r = static_run("group-static-restart-within");
    let session = SimTime::from_millis(r.s.consumer_groups[0].members[1].config.session_timeout_ms as u64);
    let (crash, restart) = (fault_at(&r.s, "crash_member"), fault_at(&r.s, "restart_member"));
    assert!(restart - crash < session);
    eprintln!("static within: before {:?}, after {:?}", r.before, r.after);
    assert!(
        !r.before.2.is_empty(),
        "member 2 owned partitions before the crash"
    );
    assert_eq!(
        r.after, r.before,
        "(rebalances, generation, member 2's partitions)"
    );
    let stats = r.sim.rebalance_stats(&r.s.consumer_groups[0].group_id);
    assert_eq!(stats.removals.values().sum::<u64>(), 0, "{stats:?}");
    // The restarted member is processing its partitions again.
    let ranges = processed(&mut r.sim);
    assert!(
        ranges.iter().any(|x| x.by == member(2) && x.at > restart),
        "member 2 processed after its restart"
    );
    let report = r.sim.delivery_report(0).expect("group 0");
    assert_eq!(report.skipped, 0, "{report:?}");
}

#[test]
fn a_static_member_restarting_after_the_session_timeout_rebalances() {
    let r = static_run("group-static-restart-after");
    let session = SimTime::from_millis(r.s.consumer_groups[0].members[1].config.session_timeout_ms as u64);
    let (crash, restart) = (fault_at(&r.s, "crash_member"), fault_at(&r.s, "restart_member"));
    assert!(restart - crash > session);
    let stats = r.sim.rebalance_stats(&r.s.consumer_groups[0].group_id);
    eprintln!(
        "static after: before {:?}, after {:?}, {stats:?}",
        r.before, r.after
    );
    assert_eq!(stats.removals.get("session timeout"), Some(&1), "{stats:?}");
    assert!(
        r.after.0 >= r.before.0 + 2,
        "removal and return each rebalance: {stats:?}"
    );
    assert!(
        r.after.1 >= r.before.1 + 2,
        "generation {} -> {}",
        r.before.1,
        r.after.1
    );
    // Back in the group with partitions after the rebalances.
    assert!(!r.after.2.is_empty());
}

/// One add-member run: the group's rebalances after the add, the members' assignments before and
/// after them (by member), and the members' processed ranges and revocation times.
struct AddRun {
    sim: Simulation,
    added: MemberRef,
    add_at: SimTime,
    /// Rebalance start times and completion (time, generation, assignment by member), after the add.
    started: Vec<SimTime>,
    completed: Vec<(SimTime, i32, BTreeMap<MemberRef, BTreeSet<String>>)>,
    before: BTreeMap<MemberRef, BTreeSet<String>>,
}

fn add_run(name: &str) -> AddRun {
    let (s, sim) = run(name);
    let group = s.consumer_groups[0].group_id.clone();
    let add_at = fault_at(&s, "add_member");
    let Some(FaultAction::Member(MemberFault::Add { member: added, .. })) = s
        .faults
        .iter()
        .map(|f| &f.action)
        .find(|a| a.name() == "add_member")
    else {
        panic!("an add_member fault");
    };
    let added = added.member_ref();
    let ids = member_ids(&sim);
    let (mut started, mut completed, mut before) = (Vec::new(), Vec::new(), BTreeMap::new());
    for e in rebalances(&sim, &group) {
        match e {
            Rebalance::Started(at, _) if at >= add_at => started.push(at),
            Rebalance::Completed(at, generation, a) => {
                if at < add_at {
                    before = by_member(&a, &ids);
                } else {
                    completed.push((at, generation, by_member(&a, &ids)));
                }
            }
            Rebalance::Started(..) => {}
        }
    }
    AddRun {
        sim,
        added,
        add_at,
        started,
        completed,
        before,
    }
}

/// Each member that processed records with `at` in `(from, to)`, and how many.
fn processed_between(
    ranges: &[kafka_sim::group::delivery::ProcessedRange],
    from: SimTime,
    to: SimTime,
) -> BTreeMap<MemberRef, i64> {
    let mut out = BTreeMap::new();
    for r in ranges.iter().filter(|r| r.at > from && r.at < to) {
        *out.entry(r.by).or_insert(0) += r.to - r.from;
    }
    out
}

#[test]
fn cooperative_sticky_moves_only_what_it_must_while_the_others_keep_consuming() {
    let mut r = add_run("group-cooperative-add-member");
    eprintln!(
        "cooperative: add at {:?}, started {:?}, completed {:?}, before {:?}",
        r.add_at, r.started, r.completed, r.before
    );
    // Two rebalances: the join, then the rejoin of the member that revoked.
    assert_eq!(
        (r.started.len(), r.completed.len()),
        (2, 2),
        "{:?} {:?}",
        r.started,
        r.completed
    );
    let last = r.completed.last().expect("completed").2.clone();
    let partitions: usize = r.before.values().map(BTreeSet::len).sum();
    let members = last.len();
    assert_eq!(members, r.before.len() + 1);
    // The new member's partitions are exactly what moved, and no more than it needs.
    let new_set = last.get(&r.added).cloned().unwrap_or_default();
    assert_eq!(new_set.len(), partitions / members, "{last:?}");
    let mut moved = BTreeSet::new();
    for (m, owned) in &r.before {
        let now = last.get(m).cloned().unwrap_or_default();
        assert!(now.is_subset(owned), "{m:?} gained {now:?} from {owned:?}");
        moved.extend(owned.difference(&now).cloned());
    }
    assert_eq!(moved, new_set);
    // The first rebalance gives the moving partition to nobody.
    let first = &r.completed[0].2;
    assert!(first.get(&r.added).is_none_or(BTreeSet::is_empty), "{first:?}");
    // Only the members that lost a partition revoked anything.
    let revoked: BTreeSet<MemberRef> = (incidents(&mut r.sim, MemberIncident::PartitionsLost).into_iter())
        .filter(|(_, at)| *at >= r.add_at)
        .map(|(m, _)| m)
        .collect();
    let losers: BTreeSet<MemberRef> = (r.before.iter())
        .filter(|(m, owned)| last.get(m) != Some(owned))
        .map(|(m, _)| *m)
        .collect();
    assert_eq!(revoked, losers);
    // Everyone keeps consuming through each rebalance, from its start to its completion.
    let ranges = processed(&mut r.sim);
    for (i, (from, (to, _, _))) in r.started.iter().zip(&r.completed).enumerate() {
        let during = processed_between(&ranges, *from, *to);
        eprintln!("cooperative: rebalance {i}, {from:?} to {to:?}: processed {during:?}");
        for m in r.before.keys() {
            assert!(
                during.get(m).copied().unwrap_or(0) > 0,
                "{m:?} kept consuming: {during:?}"
            );
        }
    }
}

#[test]
fn eager_revokes_everything_and_stops_everyone_during_the_rebalance() {
    let mut r = add_run("group-eager-add-member");
    eprintln!(
        "eager: add at {:?}, started {:?}, completed {:?}, before {:?}",
        r.add_at, r.started, r.completed, r.before
    );
    assert_eq!(
        (r.started.len(), r.completed.len()),
        (1, 1),
        "{:?} {:?}",
        r.started,
        r.completed
    );
    let done = r.completed[0].0;
    // Every member revoked everything: one revocation each, between the start and the end.
    let revoked: BTreeMap<MemberRef, SimTime> = (incidents(&mut r.sim, MemberIncident::PartitionsLost)
        .into_iter())
    .filter(|(_, at)| *at >= r.add_at)
    .collect();
    let old: BTreeSet<MemberRef> = r.before.keys().copied().collect();
    assert_eq!(revoked.keys().copied().collect::<BTreeSet<_>>(), old);
    // After revoking, nobody processes anything until the rebalance completes.
    let ranges = processed(&mut r.sim);
    let mut stalled = Vec::new();
    for (m, at) in &revoked {
        assert!(*at >= r.started[0] && *at <= done, "{m:?} revoked at {at:?}");
        let n: i64 = (ranges.iter())
            .filter(|x| x.by == *m && x.at > *at && x.at <= done)
            .map(|x| x.to - x.from)
            .sum();
        assert_eq!(n, 0, "records processed after {m:?} revoked");
        stalled.push((*m, done - *at));
    }
    // From the last revocation to the completion, the whole group processed nothing.
    let last = revoked.values().max().copied().expect("revocations");
    assert!(processed_between(&ranges, last, done).is_empty());
    // Before the rebalance started, every member was consuming (so the stop is the rebalance's).
    let lead = processed_between(&ranges, r.started[0] - SimTime::from_secs(2), r.started[0]);
    assert_eq!(lead.keys().copied().collect::<BTreeSet<_>>(), old);
    // Members that get exactly their partitions back gave them up too, and waited.
    let after = &r.completed[0].2;
    assert_eq!(after.len(), old.len() + 1);
    let kept: Vec<MemberRef> = (r.before.iter())
        .filter(|(m, owned)| after.get(m) == Some(owned))
        .map(|(m, _)| *m)
        .collect();
    assert!(!kept.is_empty(), "{after:?}");
    for m in &kept {
        let stall = stalled.iter().find(|(x, _)| x == m).map(|(_, d)| *d);
        assert!(
            stall.is_some_and(|d| d > SimTime::ZERO),
            "{m:?} stalled {stall:?}"
        );
    }
    eprintln!("eager: stalled {stalled:?}, last revocation {last:?}");
    // The latest revoker waited for the last member's heartbeat: the stall is real.
    assert!(stalled.iter().any(|(_, d)| *d > SimTime::ZERO), "{stalled:?}");
}
