//! `cargo xtask bench`: the W1 workload on the native `kafka-sim`, and the peer benchmark in the same run.
//!
//! W1 (`tests/scenarios/w1.toml`) is the seed's three brokers, topic `reserve` with 3 partitions, RF 3 and
//! min ISR 2, one producer at 10,000 records/s with `acks=all` and `linger.ms=5`, and the seed's consumer
//! group `data-platform-group` (3 members, manual commit after processing, processing time 0), for 10
//! simulated minutes. The target is those 10 minutes in at most 1 s of wall time. The figure of merit is
//! simulated records per wall second, produced plus consumed. The peer
//! (`shared/bench/peer_rdkafka_mock.py`, librdkafka's mock cluster) produces as many records and consumes
//! them back with one consumer of one group; its produced plus consumed over its produce plus consume
//! time is the peer's figure. Figures are reported as a ratio because these machines are shared and
//! noisy; `--runs N` keeps the best of N simulation runs.

use crate::runner::{Cmd, secs};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The confluent-kafka release the peer benchmark is run with.
const CONFLUENT_KAFKA_VERSION: &str = "2.16.1";
/// W1's target: 10 simulated minutes in at most this much wall time.
const TARGET_WALL: Duration = Duration::from_secs(1);

/// What one benchmark run measured.
#[derive(Debug, Default)]
struct SimFigures {
    wall: Duration,
    peak_rss_kib: Option<u64>,
    simulated_ms: u64,
    /// Records the producers sent.
    produced: u64,
    /// Records the consumer groups consumed.
    consumed: u64,
}

impl SimFigures {
    /// Produced plus consumed.
    fn records(&self) -> u64 {
        self.produced + self.consumed
    }
}

/// Runs the benchmark: `cargo xtask bench [--scenario FILE] [--no-peer] [--runs N]`, or with `--ui`
/// the UI benchmark instead ([`crate::bench_ui`]).
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--ui") {
        let rest: Vec<String> = args.iter().filter(|a| *a != "--ui").cloned().collect();
        return crate::bench_ui::run(root, &rest);
    }
    let mut scenario = root.join("tests/scenarios/w1.toml");
    let mut peer = true;
    let mut runs = 1u32;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--no-peer" => peer = false,
            "--scenario" => scenario = PathBuf::from(it.next().ok_or("--scenario needs a file")?),
            "--runs" => {
                runs = (it.next().and_then(|n| n.parse().ok()))
                    .filter(|n| *n > 0)
                    .ok_or("--runs needs a positive number")?;
            }
            other => return Err(format!("bench: unknown option `{other}`")),
        }
    }
    println!("==> bench: build kafka-sim (profile native)");
    let t = Instant::now();
    Cmd::new("cargo build --quiet --profile native -p kafka-sim-cli").run()?;
    println!("<== built in {}", secs(t.elapsed()));

    println!("==> bench: {}", scenario.display());
    let bin = root.join("target/native/kafka-sim");
    let mut sim = run_sim(&bin, &scenario)?;
    for run in 2..=runs {
        let next = run_sim(&bin, &scenario)?;
        println!("    run {run}/{runs}: {} wall", secs_ms(next.wall));
        if next.wall < sim.wall {
            sim = next;
        }
    }
    let wall = sim.wall.as_secs_f64().max(1e-9);
    let sim_rate = sim.records() as f64 / wall;
    println!(
        "<== {} produced + {} consumed = {} records, {:.1} simulated s in {} wall{} = {:.0} simulated records per wall \
         second ({:.0} produced, {:.0} consumed); peak memory {}",
        sim.produced,
        sim.consumed,
        sim.records(),
        sim.simulated_ms as f64 / 1000.0,
        secs_ms(sim.wall),
        if runs > 1 {
            format!(" (best of {runs})")
        } else {
            String::new()
        },
        sim_rate,
        sim.produced as f64 / wall,
        sim.consumed as f64 / wall,
        sim.peak_rss_kib
            .map(|k| format!("{:.1} MiB", k as f64 / 1024.0))
            .unwrap_or_else(|| "n/a".into())
    );
    let per_10_min = sim.wall.as_secs_f64() * 600_000.0 / (sim.simulated_ms.max(1) as f64);
    println!(
        "    10 simulated minutes take {per_10_min:.3} s of wall time (target <= {} s): {}",
        TARGET_WALL.as_secs(),
        if per_10_min <= TARGET_WALL.as_secs_f64() {
            "met"
        } else {
            "missed"
        }
    );

    if peer {
        println!("==> bench: peer (librdkafka mock cluster, confluent-kafka {CONFLUENT_KAFKA_VERSION})");
        let python = ensure_peer_venv(root)?;
        let script = root.join("../shared/bench/peer_rdkafka_mock.py");
        if !script.exists() {
            return Err(format!("the peer benchmark is missing: {}", script.display()));
        }
        // The peer produces as many records as the simulation's producers sent, then consumes them.
        let out = Cmd::new(&python.display().to_string())
            .arg(script.display().to_string())
            .arg(sim.produced.to_string())
            .output()
            .ok_or("the peer benchmark failed")?;
        print!("{out}");
        match peer_total(&out) {
            Some(p) => {
                let peer_rate = p.records() as f64 / p.secs.max(1e-9);
                if p.consumed < p.produced {
                    println!(
                        "    the peer stopped consuming at its time cap: {} of {} records",
                        p.consumed, p.produced
                    );
                }
                println!(
                    "<== ratio: the simulation moves {:.1}x the peer's records per wall second, produced plus \
                     consumed ({sim_rate:.0} vs {peer_rate:.0}; the peer consumes with one consumer and commits \
                     nothing)",
                    sim_rate / peer_rate
                );
                if let Some(r) = rate_in(&out, "produce:") {
                    println!(
                        "    produce only: {:.1}x ({:.0} vs {r:.0})",
                        sim.produced as f64 / wall / r,
                        sim.produced as f64 / wall
                    );
                }
            }
            None => println!("<== could not read the peer's produce and consume figures"),
        }
    }
    Ok(())
}

fn run_sim(bin: &Path, scenario: &Path) -> Result<SimFigures, String> {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .arg("run")
        .arg(scenario)
        .arg("--json")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let reader = thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    // VmHWM is the process's peak resident set; poll it until the process exits.
    let mut peak = None;
    let status = loop {
        if let Ok(text) = fs::read_to_string(&status_path)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = Some(kib);
        }
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        thread::sleep(Duration::from_millis(2));
    };
    let wall = start.elapsed();
    let json = reader
        .join()
        .map_err(|_| "reading the simulation's output failed")?;
    if !status.success() {
        return Err(format!("kafka-sim run failed ({status})"));
    }
    let simulated_ms = number_after(&json, "\"simulated_ms\":").ok_or("the report has no simulated_ms")?;
    let produced = sum_after(producers_section(&json), "\"sent\":");
    let consumed = sum_after(groups_section(&json), "\"consumed\":");
    Ok(SimFigures {
        wall,
        peak_rss_kib: peak,
        simulated_ms,
        produced,
        consumed,
    })
}

/// A Python virtual environment under `target/` with confluent-kafka installed (once).
fn ensure_peer_venv(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join("target/peer-venv");
    let python = venv.join("bin/python");
    let stamp = venv.join(format!(".confluent-kafka-{CONFLUENT_KAFKA_VERSION}"));
    if stamp.exists() {
        return Ok(python);
    }
    Cmd::new("python3 -m venv")
        .arg(venv.display().to_string())
        .run()?;
    Cmd::new(&format!(
        "{} -m pip install --quiet confluent-kafka=={CONFLUENT_KAFKA_VERSION}",
        python.display()
    ))
    .run()?;
    fs::write(&stamp, "").map_err(|e| e.to_string())?;
    Ok(python)
}

/// The first unsigned integer after `key` in `text`.
fn number_after(text: &str, key: &str) -> Option<u64> {
    let rest = &text[text.find(key)? + key.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// The report's `producers` object (it is followed by `durability`, which has a `sent` count of its own).
fn producers_section(json: &str) -> &str {
    let Some(start) = json.find("\"producers\":") else {
        return "";
    };
    let rest = &json[start..];
    rest.find("\"durability\":").map_or(rest, |end| &rest[..end])
}

/// The report's `groups` object (the report's last; empty when it has none).
fn groups_section(json: &str) -> &str {
    json.find("\"groups\":").map_or("", |start| &json[start..])
}

/// The peer's records moved (produced plus consumed) and the seconds it took (produce plus consume).
#[derive(Debug, PartialEq)]
struct PeerTotal {
    produced: u64,
    consumed: u64,
    secs: f64,
}

impl PeerTotal {
    /// Produced plus consumed.
    fn records(&self) -> u64 {
        self.produced + self.consumed
    }
}

/// Reads `mock-cluster produce: A/N acked in Ts = ...` and `mock-cluster consume: C in Ts = ...`.
fn peer_total(text: &str) -> Option<PeerTotal> {
    let count_and_secs = |label: &str| -> Option<(u64, f64)> {
        let line = text.lines().find(|l| l.contains(label))?;
        let rest = &line[line.find(label)? + label.len()..];
        let count = rest.trim_start().split(['/', ' ']).next()?.parse().ok()?;
        let secs = rest[rest.find(" in ")? + 4..].split('s').next()?.parse().ok()?;
        Some((count, secs))
    };
    let (produced, produce_secs) = count_and_secs("produce:")?;
    let (consumed, consume_secs) = count_and_secs("consume:")?;
    Some(PeerTotal {
        produced,
        consumed,
        secs: produce_secs + consume_secs,
    })
}

/// The sum of every unsigned integer that follows `key` in `text`.
fn sum_after(text: &str, key: &str) -> u64 {
    text.match_indices(key)
        .filter_map(|(i, _)| number_after(&text[i..], key))
        .sum()
}

/// The `= N rec/s` figure on the line that contains `label`.
fn rate_in(text: &str, label: &str) -> Option<f64> {
    let line = text.lines().find(|l| l.contains(label))?;
    let after = &line[line.rfind("= ")? + 2..];
    after.split_whitespace().next()?.replace(',', "").parse().ok()
}

fn secs_ms(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_report_and_the_peer_output() {
        let json =
            r#"{"seed":1,"simulated_ms":600000,"producers":{"a":{"sent":5,"acked":5},"b":{"sent": 7}}}"#;
        assert_eq!(number_after(json, "\"simulated_ms\":"), Some(600_000));
        assert_eq!(sum_after(json, "\"sent\":"), 12);
        let report = r#"{"producers":{"a":{"sent":5}},"durability":{"sent":5}}"#;
        assert_eq!(sum_after(producers_section(report), "\"sent\":"), 5);
        let peer = "mock-cluster produce: 100/100 acked in 0.50s = 200,000 rec/s\nmock-cluster consume: 100 in 1.00s = 100 rec/s\n";
        assert_eq!(rate_in(peer, "produce:"), Some(200_000.0));
        assert_eq!(rate_in(peer, "nothing"), None);
        assert_eq!(
            peer_total(peer),
            Some(PeerTotal {
                produced: 100,
                consumed: 100,
                secs: 1.5
            })
        );
        let grouped = r#"{"producers":{"a":{"sent":5}},"durability":{"sent":5},"groups":{"g":{"consumed":4,"members":[]},"h":{"consumed":3}}}"#;
        assert_eq!(sum_after(groups_section(grouped), "\"consumed\":"), 7);
        assert_eq!(groups_section(report), "");
    }
}
