//! `cargo xtask`: set-up, serving and tests for Kafka Playground, with nothing to install by hand.
//!
//! - `cargo xtask serve [--port N] [--dev]` installs what is missing, builds and serves the playground.
//! - `cargo xtask test [--no-setup] [STEP...]` installs what is missing and runs every test layer in
//!   order (or only the named steps): fmt, clippy, host, wasm, e2e.
//! - `cargo xtask bench` runs the W1 benchmark and the peer benchmark side by side; `--ui` instead
//!   measures the page: its size, load time and frame times against their budgets.
//! - `cargo xtask swarm [--seeds N] [--start S] [--seed N]` runs the swarm test over more seeds.
//! - `cargo xtask fuzz [--secs N]` fuzzes every parser of user input for N seconds each.
//! - `cargo xtask setup [--test]` only installs.
//!
//! Every step prints its name and how long it took; a failing step names itself and the run stops
//! with exit status 1.

mod bench;
mod bench_ui;
mod fuzz;
mod runner;
mod setup;

use runner::{Cmd, Counts, StepResult, secs, step};
use setup::Need;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The test layers `cargo xtask test` runs, in order.
const STEPS: [&str; 5] = ["fmt", "clippy", "host", "wasm", "e2e"];

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve [--port N] [--dev]    install what is missing, build, and serve the playground
                              (default http://127.0.0.1:8080, release build; --dev for a debug build)
  test [--no-setup] [STEP..]  install what is missing, then run the test layers in order:
                                fmt     cargo fmt --check
                                clippy  clippy -D warnings, host and wasm32
                                host    cargo test --workspace
                                wasm    wasm-bindgen tests in headless Chromium
                                e2e     Playwright against a served release build
                              name steps to run only those, e.g. `cargo xtask test host wasm`
  bench [--no-peer] [--scenario FILE] [--runs N]
                              W1 (tests/scenarios/w1.toml) on the native kafka-sim: wall time (best
                              of N runs), simulated records per wall second (produced plus consumed),
                              peak memory; then the peer benchmark (librdkafka's mock cluster)
                              producing as many records and consuming them back, and the ratio
  bench --ui [--no-build]     the page: gzip -9 size of wasm + JS (<= 350 KB), load to interactive
                              (median of 5 cold loads, <= 1 s), rAF frame intervals on the busy
                              scenario paused, at 10x (p95 <= 16.7 ms) and 1000x; writes
                              target/bench/ui.json (release build, Playwright, Chromium)
  swarm [--seeds N] [--start S] [--seed N]
                              seeded swarm testing in release: N seeds (default 1000) from S
                              (default 0), each with its own config and faults; --seed N replays one
  fuzz [--secs N] [--seed S] [--target NAME]
                              fuzz every parser of user input N s each (default 60) with the
                              native kafka-sim; fails on a panic or a hang (inputs in target/fuzz/)
  setup [--test]              only install what serve (or, with --test, test) needs
  help                        this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!("xtask: cannot enter the workspace root {}: {e}", root.display());
        return ExitCode::FAILURE;
    }
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&root, &args[1..]),
        Some("test") => test(&root, &args[1..]),
        Some("bench") => bench::run(&root, &args[1..]),
        Some("swarm") => swarm(&args[1..]),
        Some("fuzz") => fuzz::run(&root, &args[1..]),
        Some("setup") => {
            let need = if args[1..].iter().any(|a| a == "--test") {
                Need::Test
            } else {
                Need::Serve
            };
            setup::ensure(&root, need)
        }
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `tests/swarm.rs` of kafka-sim in release, passing the seed range in `SWARM_*` variables.
fn swarm(args: &[String]) -> Result<(), String> {
    let mut env: Vec<(&str, String)> = vec![("SWARM_SEEDS", "1000".to_string())];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let var = match a.as_str() {
            "--seeds" => "SWARM_SEEDS",
            "--start" => "SWARM_START",
            "--seed" => "SWARM_SEED",
            other => return Err(format!("swarm: unknown option `{other}`\n\n{USAGE}")),
        };
        let v = it.next().ok_or(format!("{a} needs a number"))?;
        v.parse::<u64>()
            .map_err(|_| format!("{a}: `{v}` is not a number"))?;
        env.retain(|(k, _)| *k != var);
        env.push((var, v.clone()));
    }
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "test",
            "--release",
            "-p",
            "kafka-sim",
            "--test",
            "swarm",
            "--",
            "--nocapture",
        ])
        .envs(env)
        .status()
        .map_err(|e| format!("swarm: cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("swarm: some seeds failed (see above for each seed and its replay command)".into())
    }
}

fn workspace_root() -> PathBuf {
    // crates/xtask -> the workspace root.
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| ".".into())
}

fn serve(root: &std::path::Path, args: &[String]) -> Result<(), String> {
    let mut port = 8080u16;
    let mut release = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--dev" => release = false,
            "--port" => {
                let v = it.next().ok_or("--port needs a number")?;
                port = v
                    .parse()
                    .map_err(|_| format!("--port: `{v}` is not a port number"))?;
            }
            other => return Err(format!("serve: unknown option `{other}`\n\n{USAGE}")),
        }
    }
    setup::ensure(root, Need::Serve)?;
    let url = format!("http://127.0.0.1:{port}");
    println!("\nKafka Playground: building, then serving at {url}  (Ctrl-C stops)\n");
    let mut cmd = Cmd::new("trunk serve --address 127.0.0.1 --port").arg(port.to_string());
    if release {
        cmd = cmd.arg("--release");
    }
    cmd.exec()
}

fn test(root: &std::path::Path, args: &[String]) -> Result<(), String> {
    let no_setup = args.iter().any(|a| a == "--no-setup");
    let chosen: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    for c in &chosen {
        if !STEPS.contains(c) {
            return Err(format!(
                "test: unknown step `{c}`; the steps are {}",
                STEPS.join(", ")
            ));
        }
    }
    if let Some(flag) = args.iter().find(|a| a.starts_with("--") && *a != "--no-setup") {
        return Err(format!("test: unknown option `{flag}`\n\n{USAGE}"));
    }
    let start = Instant::now();
    let setup_time = if no_setup {
        None
    } else {
        let t = Instant::now();
        setup::ensure(root, Need::Test)?;
        Some(t.elapsed())
    };
    let mut results: Vec<StepResult> = Vec::new();
    for (i, name) in STEPS.iter().enumerate() {
        if !chosen.is_empty() && !chosen.contains(name) {
            continue;
        }
        let label = format!("[{}/{}] {name}", i + 1, STEPS.len());
        let r = step(&label, &commands(name));
        let ok = r.ok;
        results.push(StepResult {
            name: (*name).to_owned(),
            ..r
        });
        if !ok {
            summary(setup_time, &results, start);
            return Err(format!("step `{name}` failed"));
        }
    }
    summary(setup_time, &results, start);
    Ok(())
}

fn commands(step: &str) -> Vec<Cmd> {
    match step {
        "fmt" => vec![Cmd::new("cargo fmt --all --check")],
        "clippy" => vec![
            Cmd::new("cargo clippy --workspace --all-targets --quiet -- -D warnings"),
            Cmd::new(
                "cargo clippy -p kafka-sim -p kafka-sim-web --target wasm32-unknown-unknown --all-targets \
                 --quiet -- -D warnings",
            ),
        ],
        "host" => vec![Cmd::new("cargo test --workspace")],
        "wasm" => vec![
            Cmd::new("cargo test --target wasm32-unknown-unknown -p kafka-sim-web")
                .env("CHROMEDRIVER", "/usr/bin/chromedriver"),
        ],
        "e2e" => vec![
            Cmd::new("npx --no-install playwright test")
                .dir(setup::E2E_DIR)
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
                .env("E2E_FRESH_SERVER", "1"),
        ],
        _ => Vec::new(),
    }
}

fn summary(setup_time: Option<std::time::Duration>, results: &[StepResult], start: Instant) {
    println!("\n==> summary");
    if let Some(t) = setup_time {
        println!("    {:<8} {:>8}  ok", "setup", secs(t));
    }
    let mut total = Counts::default();
    for r in results {
        let tests = if r.counts == Counts::default() {
            String::new()
        } else {
            format!("  ({} passed, {} failed)", r.counts.passed, r.counts.failed)
        };
        println!(
            "    {:<8} {:>8}  {}{tests}",
            r.name,
            secs(r.elapsed),
            if r.ok { "ok" } else { "FAILED" }
        );
        total = total.add(r.counts);
    }
    println!("    {:<8} {:>8}", "total", secs(start.elapsed()));
    println!("{} passed, {} failed", total.passed, total.failed);
}
