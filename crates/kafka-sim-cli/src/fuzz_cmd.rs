//! `kafka-sim fuzz [--target NAME|all] [--secs N] [--seed S] [--cases N] [--case N] [--out DIR]`: runs
//! the core's fuzz targets ([`kafka_sim::fuzz`]) for a bounded wall time each (or a fixed number of
//! cases), timing every case. A panic or a case slower than [`HANG`] is written to
//! `DIR/crash-TARGET-N.txt` (or `hang-…`) with its seed and number, and the command exits 2.
//! `--case N` replays one case: prints its input and what the target said.

use kafka_sim::fuzz::{TARGETS, Target, case, target};
use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A case slower than this is a hang.
const HANG: Duration = Duration::from_secs(1);

/// A case still running after this long is reported by the watchdog, which then ends the process
/// (the case may never return).
const STUCK: Duration = Duration::from_secs(20);

/// The case running now, for the watchdog: its target's index, number, and start in milliseconds
/// since the run began (`u64::MAX`: none).
static CURRENT: (AtomicUsize, AtomicU64, AtomicU64) =
    (AtomicUsize::new(0), AtomicU64::new(0), AtomicU64::new(u64::MAX));

/// The most distinct error messages kept per target (they are only counted).
const MAX_KEPT_ERRORS: usize = 100_000;

struct Options {
    targets: Vec<&'static Target>,
    secs: u64,
    seed: u64,
    cases: Option<u64>,
    replay: Option<u64>,
    out: PathBuf,
}

/// What one target's run found.
struct Stats {
    cases: u64,
    accepted: u64,
    errors: BTreeSet<String>,
    slowest: (Duration, u64),
    elapsed: Duration,
    failures: Vec<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        targets: TARGETS.iter().collect(),
        secs: 10,
        seed: 1,
        cases: None,
        replay: None,
        out: PathBuf::from("target/fuzz"),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |what: &str| it.next().ok_or(format!("kafka-sim fuzz: {a} needs {what}"));
        let number = |v: &String| {
            v.parse::<u64>()
                .map_err(|_| format!("kafka-sim fuzz: {a}: '{v}' is not a whole number"))
        };
        match a.as_str() {
            "--target" => {
                let name = value("a target name or all")?;
                if name != "all" {
                    let t = target(name).ok_or_else(|| {
                        let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
                        format!(
                            "kafka-sim fuzz: unknown target '{name}': the targets are {}",
                            names.join(", ")
                        )
                    })?;
                    o.targets = vec![t];
                }
            }
            "--secs" => o.secs = number(value("a number of seconds")?)?,
            "--seed" => o.seed = number(value("a number")?)?,
            "--cases" => o.cases = Some(number(value("a number")?)?),
            "--case" => o.replay = Some(number(value("a case number")?)?),
            "--out" => o.out = PathBuf::from(value("a directory")?),
            other => return Err(format!("kafka-sim fuzz: unknown option '{other}'")),
        }
    }
    Ok(o)
}

/// Runs the command; the table on success, the failures (after the table) as the error.
pub fn run(args: &[String]) -> Result<String, String> {
    let o = parse(args)?;
    if let Some(n) = o.replay {
        return Ok(replay(&o, n));
    }
    let epoch = Instant::now();
    watchdog(&o, epoch);
    let mut out = format!(
        "{:<18} {:>8} {:>9} {:>8} {:>8} {:>16}  result\n",
        "target", "cases", "cases/s", "accepted", "errors", "slowest"
    );
    print!("{out}");
    let mut failures = Vec::new();
    for t in &o.targets {
        let s = run_target(t, &o, epoch);
        let rate = s.cases as f64 / s.elapsed.as_secs_f64().max(1e-9);
        let result = if s.failures.is_empty() { "ok" } else { "FAILED" };
        let slowest = format!("{:.1} ms (#{})", s.slowest.0.as_secs_f64() * 1e3, s.slowest.1);
        let row = format!(
            "{:<18} {:>8} {:>9.0} {:>8} {:>8} {:>16}  {result}\n",
            t.name,
            s.cases,
            rate,
            s.accepted,
            s.errors.len(),
            slowest
        );
        // Rows appear as each target finishes: a long run shows progress.
        print!("{row}");
        out.push_str(&row);
        failures.extend(s.failures);
    }
    // The table is printed already; the result repeats it for tests.
    let _ = out;
    if failures.is_empty() {
        Ok(format!("no panic and no hang in {} targets\n", o.targets.len()))
    } else {
        Err(failures.join("\n"))
    }
}

/// Starts a thread that reports a case running longer than [`STUCK`] and exits the process with
/// status 2 (the input is rebuilt from the seed and case number).
fn watchdog(o: &Options, epoch: Instant) {
    let (out, seed) = (o.out.clone(), o.seed);
    let targets = o.targets.clone();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(250));
            let start = CURRENT.2.load(Ordering::SeqCst);
            let now = epoch.elapsed().as_millis() as u64;
            if start == u64::MAX || now.saturating_sub(start) < STUCK.as_millis() as u64 {
                continue;
            }
            let t = targets[CURRENT.0.load(Ordering::SeqCst)];
            let n = CURRENT.1.load(Ordering::SeqCst);
            let input = case(t, &t.seeds(), seed, n);
            let o = Options {
                targets: Vec::new(),
                secs: 0,
                seed,
                cases: None,
                replay: None,
                out: out.clone(),
            };
            let what = format!("still running after {} s (a hang)", STUCK.as_secs());
            eprintln!("{}", report(&o, t, n, "hang", &what, &input));
            std::process::exit(2);
        }
    });
}

fn run_target(t: &Target, o: &Options, epoch: Instant) -> Stats {
    let index = o.targets.iter().position(|x| x.name == t.name).unwrap_or(0);
    let seeds = t.seeds();
    let budget = Duration::from_secs(o.secs);
    let start = Instant::now();
    let mut s = Stats {
        cases: 0,
        accepted: 0,
        errors: BTreeSet::new(),
        slowest: (Duration::ZERO, 0),
        elapsed: Duration::ZERO,
        failures: Vec::new(),
    };
    let mut n = 0u64;
    loop {
        let more = match o.cases {
            Some(max) => n < max,
            None => start.elapsed() < budget,
        };
        if !more {
            break;
        }
        let input = case(t, &seeds, o.seed, n);
        CURRENT.0.store(index, Ordering::SeqCst);
        CURRENT.1.store(n, Ordering::SeqCst);
        CURRENT
            .2
            .store(epoch.elapsed().as_millis() as u64, Ordering::SeqCst);
        let t0 = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| (t.run)(&input)));
        let mut dt = t0.elapsed();
        if dt > HANG && result.is_ok() {
            // Timed again before it counts: on a shared machine one slow run may be the scheduler's.
            let t1 = Instant::now();
            let _ = catch_unwind(AssertUnwindSafe(|| (t.run)(&input)));
            dt = dt.min(t1.elapsed());
        }
        CURRENT.2.store(u64::MAX, Ordering::SeqCst);
        s.cases += 1;
        if dt > s.slowest.0 {
            s.slowest = (dt, n);
        }
        match result {
            Ok(Ok(())) => s.accepted += 1,
            Ok(Err(e)) => {
                if s.errors.len() < MAX_KEPT_ERRORS {
                    s.errors.insert(e);
                }
            }
            Err(panic) => {
                let msg = panic_message(&panic);
                s.failures
                    .push(report(o, t, n, "crash", &format!("panicked: {msg}"), &input));
                // Later cases would mostly find the same panic again.
                break;
            }
        }
        if dt > HANG {
            let what = format!(
                "took {:.2} s (a hang: over {} s)",
                dt.as_secs_f64(),
                HANG.as_secs()
            );
            s.failures.push(report(o, t, n, "hang", &what, &input));
        }
        n += 1;
    }
    s.elapsed = start.elapsed();
    s
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// Writes the case to `DIR/KIND-TARGET-N.txt`; returns the line to print.
fn report(o: &Options, t: &Target, n: u64, kind: &str, what: &str, input: &str) -> String {
    let path = o.out.join(format!("{kind}-{}-{n}.txt", t.name));
    let written = std::fs::create_dir_all(&o.out)
        .and_then(|()| std::fs::write(&path, input))
        .map_or_else(
            |e| format!("(cannot write {}: {e})", path.display()),
            |()| path.display().to_string(),
        );
    format!(
        "{kind}: target {} seed {} case {n} {what}; input ({} bytes) in {written}; replay: kafka-sim fuzz \
         --target {} --seed {} --case {n}",
        t.name,
        o.seed,
        input.len(),
        t.name,
        o.seed
    )
}

fn replay(o: &Options, n: u64) -> String {
    let mut out = String::new();
    for t in &o.targets {
        let input = case(t, &t.seeds(), o.seed, n);
        let t0 = Instant::now();
        let result = (t.run)(&input);
        let dt = t0.elapsed();
        let shown: String = input.chars().take(4_000).collect();
        out.push_str(&format!(
            "== {} seed {} case {n}: {} bytes, {:.1} ms\n{shown}\n== result: {result:?}\n",
            t.name,
            o.seed,
            input.len(),
            dt.as_secs_f64() * 1e3
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn a_few_cases_pass_and_a_case_replays() {
        // The parsers only: in a debug build a shell case can take longer than the hang limit.
        let dir = std::env::temp_dir().join("kafka-sim-fuzz-cmd-test");
        for name in ["properties", "permalink"] {
            let a = args(&format!(
                "--target {name} --cases 20 --seed 3 --out {}",
                dir.display()
            ));
            assert_eq!(run(&a), Ok("no panic and no hang in 1 targets\n".to_owned()));
        }
        let replayed = run(&args("--target properties --seed 3 --case 5")).unwrap_or_default();
        assert!(
            replayed.starts_with("== properties seed 3 case 5: "),
            "{replayed}"
        );
        assert!(replayed.contains("== result: "), "{replayed}");
    }

    #[test]
    fn bad_options_are_refused() {
        let e = run(&args("--target nope")).err().unwrap_or_default();
        assert!(
            e.contains("unknown target 'nope'") && e.contains("scenario"),
            "{e}"
        );
        let e = run(&args("--secs x")).err().unwrap_or_default();
        assert!(e.contains("'x' is not a whole number"), "{e}");
    }
}
