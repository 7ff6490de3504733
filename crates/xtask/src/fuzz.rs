//! `cargo xtask fuzz [--secs N] [--seed S] [--target NAME]`: the bounded local fuzz run. Builds the
//! native `kafka-sim` (profile `native`) and runs every fuzz target (`kafka-sim fuzz`, see
//! `kafka_sim::fuzz`) for N seconds each (default 60), printing the table of cases, cases per second,
//! accepted inputs, distinct errors and the slowest case. A panic or a hang fails the run; its input
//! is in `target/fuzz/` with the command that replays it.
//!
//! The seed is the clock's (printed) unless given, so each run explores new inputs; CI's smoke run
//! (`crates/kafka-sim/tests/fuzz_smoke.rs`) uses fixed seeds and case counts instead.

use crate::runner::{Cmd, secs};
use std::path::Path;
use std::process::Command;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Runs the fuzz targets; `Err` on a panic, a hang, or a bad option.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut secs_each = 60u64;
    let mut seed = None;
    let mut target = "all".to_owned();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--secs" => {
                secs_each = (it.next().and_then(|n| n.parse().ok()))
                    .filter(|n| *n > 0)
                    .ok_or("--secs needs a positive number")?;
            }
            "--seed" => {
                seed = Some(
                    it.next()
                        .and_then(|n| n.parse::<u64>().ok())
                        .ok_or("--seed needs a number")?,
                )
            }
            "--target" => target = it.next().ok_or("--target needs a name")?.clone(),
            other => return Err(format!("fuzz: unknown option `{other}`")),
        }
    }
    let seed = seed.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_secs())
    });
    println!("==> fuzz: build kafka-sim (profile native)");
    let t = Instant::now();
    Cmd::new("cargo build --quiet --profile native -p kafka-sim-cli").run()?;
    println!("<== built in {}", secs(t.elapsed()));
    println!("==> fuzz: target {target}, {secs_each} s each, seed {seed}");
    let t = Instant::now();
    let status = Command::new(root.join("target/native/kafka-sim"))
        .args(["fuzz", "--target", &target, "--secs", &secs_each.to_string()])
        .args(["--seed", &seed.to_string(), "--out"])
        .arg(root.join("target/fuzz"))
        .status()
        .map_err(|e| format!("fuzz: cannot run kafka-sim: {e}"))?;
    println!("<== fuzzed in {}", secs(t.elapsed()));
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "fuzz: a panic or a hang (see above; inputs in target/fuzz/, seed {seed})"
        ))
    }
}
