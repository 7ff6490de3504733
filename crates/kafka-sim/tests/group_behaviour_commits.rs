//! Issue 4's behaviours 5 and 6, run from `tests/scenarios/group-*.toml`:
//!
//! - `auto.offset.reset` on a group that starts late: `latest` begins at the high watermark it finds
//!   when it joins and never reads what came before; `earliest` reads everything from offset 0.
//! - Commit modes through a member crash: auto-commit re-processes up to an interval's worth, manual
//!   commits after processing re-process only the batch in progress, commit-before-process skips it.

#[path = "support/group_scenarios.rs"]
mod support;

use kafka_sim::Simulation;
use kafka_sim::group::delivery::MemberRef;
use kafka_sim::oracle::delivery::DeliveryReport;
use kafka_sim::record::TopicPartition;
use kafka_sim::scenario::Scenario;
use kafka_sim::time::SimTime;
use std::collections::BTreeMap;
use support::*;

/// A late group's run: each partition's position when the group first had one (after
/// `auto.offset.reset`), the high watermarks when the group started and at that moment, and the
/// partitions.
struct LateStart {
    s: Scenario,
    sim: Simulation,
    tps: Vec<TopicPartition>,
    hw_at_start: BTreeMap<TopicPartition, i64>,
    hw_at_join: BTreeMap<TopicPartition, i64>,
    initial: BTreeMap<TopicPartition, i64>,
    joined_at: SimTime,
}

/// Runs `name` to its group's start, then event by event until every partition has a position in
/// some member (the reset position: no poll has returned records yet), then to the end.
fn late_start(name: &str) -> LateStart {
    let s = scenario(name);
    let mut sim = start(&s);
    let tps = partitions(&sim, "orders", 3);
    let begin = s.consumer_groups[0].start;
    assert!(begin > SimTime::ZERO, "the group starts late");
    sim.run_until(begin);
    let hw_at_start = high_watermarks(&sim, &tps);
    let mut initial: BTreeMap<TopicPartition, i64> = BTreeMap::new();
    while initial.len() < tps.len() {
        assert!(sim.now() < s.duration, "the group never got positions");
        sim.step();
        for (_, _, v) in sim.member_views(0) {
            for (np, pos) in &v.positions {
                let tp = sim.topic_partition(&np.topic, np.partition).expect("a partition");
                initial.entry(tp).or_insert(*pos);
            }
        }
    }
    let hw_at_join = high_watermarks(&sim, &tps);
    let joined_at = sim.now();
    finish(&mut sim, &s);
    LateStart {
        s,
        sim,
        tps,
        hw_at_start,
        hw_at_join,
        initial,
        joined_at,
    }
}

fn sum(m: &BTreeMap<TopicPartition, i64>) -> i64 {
    m.values().sum()
}

#[test]
fn a_late_group_with_latest_misses_the_records_produced_before_it_joined() {
    let mut r = late_start("group-late-start-latest");
    let report = r.sim.delivery_report(0).expect("group 0");
    let ranges = processed(&mut r.sim);
    let (mut never_below, mut gaps_above, mut consumed) = (0, 0, 0);
    for tp in &r.tps {
        let p = r.initial[tp];
        // The reset position is the high watermark the ListOffsets(latest) answer gave: no lower
        // than when the group started, no higher than when it had its positions.
        assert!(
            r.hw_at_start[tp] <= p && p <= r.hw_at_join[tp],
            "{tp:?}: position {p}, HW {} at start, {} at join",
            r.hw_at_start[tp],
            r.hw_at_join[tp]
        );
        assert_eq!(
            first_processed(&ranges, *tp),
            Some(p),
            "{tp:?} starts at its position"
        );
        never_below += gaps(&ranges, *tp, 0, p);
        let end = processed_end(&ranges, *tp).expect("processed something");
        gaps_above += gaps(&ranges, *tp, p, end);
        consumed += end - p;
    }
    let missed = sum(&r.initial);
    let rate = r.s.producers[0].rate;
    eprintln!(
        "latest: HW at start {}, at join {} ({:?}), initial positions {missed}, never processed below them \
         {never_below}, consumed {}, {report:?}",
        sum(&r.hw_at_start),
        sum(&r.hw_at_join),
        r.joined_at,
        report.consumed
    );
    // Every record produced before the group joined was missed, and nothing else.
    assert_eq!(never_below, missed);
    assert!(
        missed >= sum(&r.hw_at_start)
            && missed as f64 >= 0.9 * rate * r.s.consumer_groups[0].start.as_secs_f64(),
        "{missed}"
    );
    assert_eq!(gaps_above, 0);
    assert_eq!(report.consumed as i64, consumed);
    assert_eq!((report.processed_twice, report.skipped), (0, 0), "{report:?}");
}

#[test]
fn a_late_group_with_earliest_reads_everything_once() {
    let mut r = late_start("group-late-start-earliest");
    assert!(r.initial.values().all(|p| *p == 0), "{:?}", r.initial);
    let report = r.sim.delivery_report(0).expect("group 0");
    let ranges = processed(&mut r.sim);
    let final_hw = high_watermarks(&r.sim, &r.tps);
    let (mut ends, mut holes) = (0, 0);
    for tp in &r.tps {
        let end = processed_end(&ranges, *tp).expect("processed something");
        holes += gaps(&ranges, *tp, 0, end);
        ends += end;
    }
    let rate = r.s.producers[0].rate;
    eprintln!(
        "earliest: HW at start {}, at join {}, final HW {}, processed up to {ends}, {report:?}",
        sum(&r.hw_at_start),
        sum(&r.hw_at_join),
        sum(&final_hw)
    );
    assert_eq!(holes, 0);
    // Everything up to the final high watermark, but the last moment's records, processed once:
    // including all that was there before the group joined.
    assert_eq!(report.processed_once as i64, ends);
    assert!(ends > sum(&r.hw_at_join), "{ends}");
    assert!(
        (sum(&final_hw) - ends) as f64 <= rate * 0.5,
        "tail {}",
        sum(&final_hw) - ends
    );
    assert_eq!((report.processed_twice, report.skipped), (0, 0), "{report:?}");
}

/// A commit scenario's run: its report, and what the crashed member (2) processed past and
/// committed per partition.
struct CrashRun {
    s: Scenario,
    sim: Simulation,
    report: DeliveryReport,
    /// Per partition member 2 processed: (the end of what it processed, its last accepted commit).
    crashed: BTreeMap<TopicPartition, (i64, i64)>,
}

fn crash_run(name: &str) -> CrashRun {
    let (s, mut sim) = run(name);
    let report = sim.delivery_report(0).expect("group 0");
    let m2 = member(2);
    let ranges: Vec<_> = processed(&mut sim).into_iter().filter(|r| r.by == m2).collect();
    let commits = last_commits(&mut sim, m2);
    let crashed = (commits.iter())
        .map(|(tp, c)| (*tp, (processed_end(&ranges, *tp).unwrap_or(0), *c)))
        .collect();
    let removals = sim.rebalance_stats(&s.consumer_groups[0].group_id).removals;
    assert_eq!(removals.get("session timeout"), Some(&1), "{removals:?}");
    CrashRun {
        s,
        sim,
        report,
        crashed,
    }
}

fn interval_ms(s: &Scenario) -> u64 {
    u64::from(s.consumer_groups[0].members[0].config.auto_commit_interval_ms)
}

fn crash_member(c: &CrashRun) -> MemberRef {
    assert!(!c.crashed.is_empty(), "member 2 committed something");
    member(2)
}

#[test]
fn auto_commit_reprocesses_up_to_an_interval_after_a_crash() {
    let c = crash_run("group-commit-auto-crash");
    let _ = crash_member(&c);
    let r = c.report;
    let uncommitted: i64 = c.crashed.values().map(|(end, committed)| end - committed).sum();
    // Per-partition rate of the crashed member's partition, times the auto-commit interval.
    let partitions = f64::from(c.s.topics[0].partitions);
    let per_interval = c.s.producers[0].rate / partitions * interval_ms(&c.s) as f64 / 1000.0;
    eprintln!(
        "auto: crashed member (end, committed) {:?}, uncommitted {uncommitted}, an interval's worth \
         {per_interval}, {r:?}",
        c.crashed
    );
    assert!(r.processed_twice > 0, "{r:?}");
    assert_eq!(r.processed_twice as i64, uncommitted);
    assert_eq!(r.reprocessed_causes.crash, r.processed_twice, "{r:?}");
    // Up to an interval's worth (plus the poll batch the commit never saw).
    let max_poll = f64::from(c.s.consumer_groups[0].members[0].config.max_poll_records);
    assert!((r.processed_twice as f64) <= per_interval + max_poll, "{r:?}");
    assert_eq!(r.skipped, 0);
}

#[test]
fn manual_commits_reprocess_only_the_batch_in_progress() {
    let c = crash_run("group-commit-manual-crash");
    let auto = crash_run("group-commit-auto-crash");
    let r = c.report;
    let uncommitted: i64 = c.crashed.values().map(|(end, committed)| end - committed).sum();
    let max_poll = i64::from(c.s.consumer_groups[0].members[0].config.max_poll_records);
    eprintln!(
        "manual: crashed member (end, committed) {:?}, {r:?}; auto re-processed {}",
        c.crashed, auto.report.processed_twice
    );
    assert_eq!(r.processed_twice as i64, uncommitted);
    assert!(
        uncommitted <= max_poll,
        "at most one poll's records: {uncommitted}"
    );
    assert_eq!(r.reprocessed_causes.crash, r.processed_twice, "{r:?}");
    assert!(r.processed_twice < auto.report.processed_twice, "{r:?}");
    assert_eq!(r.skipped, 0);
}

#[test]
fn commit_before_processing_skips_the_batch_in_progress() {
    let mut c = crash_run("group-commit-before-crash");
    let r = c.report;
    let _ = crash_member(&c);
    let (s, sim) = (&c.s, &mut c.sim);
    let ranges = processed(sim);
    let tps = partitions(sim, "orders", s.topics[0].partitions as i32);
    // Member 2 committed its last batch, then crashed before processing it: nobody ever processes it.
    let mut at_crash = 0;
    for (tp, (end, committed)) in &c.crashed {
        assert_eq!(gaps(&ranges, *tp, *end, *committed), committed - end, "{tp:?}");
        at_crash += committed - end;
    }
    // The oracle also counts the batches committed and still being processed when the run ends.
    let mut at_end = 0;
    for tp in &tps {
        let end = processed_end(&ranges, *tp).unwrap_or(0);
        let committed = (sim.delivery_facts().commits.iter())
            .filter(|f| f.tp == *tp && f.ok)
            .map(|f| f.offset)
            .max()
            .unwrap_or(0);
        at_end += committed.max(end) - end;
        // Below the last processed offset, only the crashed batch is missing.
        let crashed = c.crashed.get(tp).map_or(0, |(e, k)| k - e);
        assert_eq!(gaps(&ranges, *tp, 0, end), crashed, "{tp:?}");
    }
    let max_poll = i64::from(s.consumer_groups[0].members[0].config.max_poll_records);
    eprintln!(
        "before: crashed member (end, committed) {:?}, skipped at the crash {at_crash}, in progress at the \
         end {at_end}, {r:?}",
        c.crashed
    );
    assert!(
        at_crash > 0 && at_crash <= max_poll,
        "one poll's records: {at_crash}"
    );
    assert_eq!(r.skipped as i64, at_crash + at_end, "{r:?}");
    assert_eq!(r.processed_twice, 0, "{r:?}");
}
