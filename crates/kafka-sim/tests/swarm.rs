//! Swarm testing: many seeds, each with its own config and fault mix, checked for invariants,
//! durability under the safe config, and convergence after a final heal ([`kafka_sim::swarm`]);
//! most seeds also run a consumer group with member faults, checked for skipped records under
//! at-least-once commits and for a settled group after the heal ([`kafka_sim::swarm::group`]).
//!
//! Environment: `SWARM_SEED=N` runs only seed N; `SWARM_SEEDS` (default 200) and `SWARM_START`
//! (default 0) choose the range. `cargo xtask swarm` runs this test in release with more seeds.

use kafka_sim::swarm::{run_swarm_case, swarm_case};

/// Seeds that fail on known, diagnosed model bugs not fixed yet. They are run and reported on every
/// run (never skipped); the test fails if one of them starts passing, so the list stays honest.
///
/// Fixed so far: seed 4 (a follower stuck on an empty epoch entry; `PartitionLog::truncate_to`);
/// seed 70 (a `/controller` notification lost to a broker cut off from ZooKeeper; ZooKeeper now
/// replays watches on `SetWatches`); seed 194 (a LeaderAndIsr lost on a cut link; the controller's
/// channel now resends unanswered requests); seed 145 (a deposed controller confirmed an ISR shrink
/// ZooKeeper had fenced; the controller now answers AlterPartition after ZooKeeper's write result);
/// seeds 837, 945 and 995 of the first 1000 (two controllers electing leaders in the same leader
/// epochs; an election's LeaderAndIsr now waits for ZooKeeper's write result too); seeds 1960 and
/// 2930 (a broker that bounced while the controller missed its deregistration; broker epochs,
/// KIP-380) and 1568 (a controller's ZooKeeper write lost; retried) of seeds 1000 to 2999.
/// Regressions for each: `tests/controller_recovery.rs`. With consumer groups: seed 5 (a member
/// whose session ran out while its coordinator was down dropped every coordinator it rediscovered;
/// the session timer is now reset on discovery), regression in `tests/swarm_group.rs`.
const KNOWN_FAILURES: &[(u64, &str)] = &[];

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}: `{v}` is not a number")),
    )
}

#[test]
fn swarm_seeds_hold_the_invariants_durability_and_converge() {
    let seeds: Vec<u64> = match env_u64("SWARM_SEED") {
        Some(s) => vec![s],
        None => {
            let start = env_u64("SWARM_START").unwrap_or(0);
            let n = env_u64("SWARM_SEEDS").unwrap_or(200);
            (start..start.saturating_add(n)).collect()
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(u64, Result<(), String>, String)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&seed) = seeds.get(i) else { break };
                        let o = run_swarm_case(swarm_case(seed));
                        let d = &o.durability;
                        let group = match (&o.case.group, &o.group) {
                            (Some(c), Some(g)) => format!(
                                "; {}; consumed {} twice {} skipped {}; settled at {:?}",
                                c.summary(),
                                g.consumed,
                                g.processed_twice,
                                g.skipped,
                                o.group_settled_at
                            ),
                            _ => String::new(),
                        };
                        let summary = format!(
                            "{} brokers, {} partitions, min.isr {}, acks {}, unclean {}, \
                             idempotence {}, {} faults; acked {} lost {}; converged at {:?}{group}",
                            o.case.brokers,
                            o.case.partitions,
                            o.case.min_insync_replicas,
                            if o.case.acks_all { "all" } else { "1" },
                            o.case.unclean,
                            o.case.idempotence,
                            o.case.faults.len(),
                            d.acked,
                            d.acked_lost,
                            o.converged_at,
                        );
                        out.push((seed, o.check(), summary));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a swarm worker panicked"))
            .collect()
    });
    results.sort_by_key(|r| r.0);
    let verbose = seeds.len() == 1 || std::env::var_os("SWARM_VERBOSE").is_some();
    let mut failures = Vec::new();
    for (seed, result, summary) in &results {
        if verbose {
            println!("seed {seed}: {summary}");
        }
        let known = KNOWN_FAILURES.iter().find(|k| k.0 == *seed).map(|k| k.1);
        match (result, known) {
            (Err(e), Some(why)) => {
                println!("seed {seed}: KNOWN FAILURE ({why}): {e}");
                continue;
            }
            (Ok(()), Some(why)) => failures.push(format!(
                "seed {seed}: listed as a known failure ({why}) but passes: remove it from \
                 KNOWN_FAILURES"
            )),
            _ => {}
        }
        if let Err(e) = result {
            failures.push(format!(
                "seed {seed}: {e}\n  ({summary})\n  replay: cargo xtask swarm --seed {seed}   \
                 (or SWARM_SEED={seed} cargo test -p kafka-sim --test swarm)"
            ));
        }
    }
    println!("swarm: {} seeds, {} failed", results.len(), failures.len());
    assert!(
        failures.is_empty(),
        "{} of {} swarm seeds failed:\n{}",
        failures.len(),
        results.len(),
        failures.join("\n")
    );
}
