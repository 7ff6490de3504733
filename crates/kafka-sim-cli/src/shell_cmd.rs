//! `kafka-sim shell [--scenario F] [--seed N] [--echo]`: Kafka's command-line tools against a
//! simulated cluster, one command a line from stdin (so `kafka-sim shell < commands.sh` works).
//! Each command's stdout and stderr go to the process's stdout and stderr; `kafka-console-producer`
//! reads the lines after it as records until a line `^D` (or the end of input). The cluster is the
//! scenario's (default: the seed's, `tests/scenarios/seed-reserve.toml`), started and run until its
//! topics exist before the first command. With `--echo` each line is echoed after the prompt, and
//! output that does not end in a newline gets one, so the transcript stays readable.

use kafka_sim::scenario::Scenario;
use kafka_sim::shell::{Shell, ShellOutput};
use kafka_sim::sim::Simulation;
use kafka_sim::time::SimTime;
use std::io::{BufRead, Write};

const SEED_SCENARIO: &str = include_str!("../../../tests/scenarios/seed-reserve.toml");

/// Parses the arguments, builds the simulation and runs the lines of `input`.
pub fn run(
    args: &[String],
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), String> {
    let mut scenario_file: Option<String> = None;
    let mut seed: Option<u64> = None;
    let mut echo = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--scenario" => {
                scenario_file = Some(
                    it.next()
                        .ok_or("kafka-sim shell: --scenario needs a file")?
                        .clone(),
                )
            }
            "--seed" => {
                let v = it.next().ok_or("kafka-sim shell: --seed needs a number")?;
                seed = Some(
                    v.parse()
                        .map_err(|_| format!("kafka-sim shell: --seed: '{v}' is not a whole number"))?,
                );
            }
            "--echo" => echo = true,
            other => {
                return Err(format!(
                    "kafka-sim shell: unknown option '{other}'\nusage: kafka-sim shell [--scenario FILE] [--seed N] [--echo]"
                ));
            }
        }
    }
    let text = match &scenario_file {
        Some(f) => std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?,
        None => SEED_SCENARIO.to_string(),
    };
    let name = scenario_file.as_deref().unwrap_or("seed-reserve.toml");
    let scenario = Scenario::from_toml_str(&text).map_err(|e| format!("{name}: {e}"))?;
    let mut spec = scenario.sim_spec();
    if let Some(s) = seed {
        spec.seed = s;
    }
    let seed = spec.seed;
    let topics: Vec<String> = spec.topics.iter().map(|t| t.name.clone()).collect();
    let mut sim = Simulation::new(spec).map_err(|e| format!("{name}: {e}"))?;
    for f in &scenario.faults {
        sim.schedule_scenario_fault(f);
    }
    // `docker compose up`: wait until the cluster has its topics (at most 30 simulated seconds).
    while sim.now() < SimTime::from_secs(30) && !topics.iter().all(|t| sim.topic_ready(t)) {
        sim.run_until(sim.now() + SimTime::from_millis(100));
    }
    let mut shell = Shell::new(seed);
    let write = |mut o: ShellOutput, out: &mut dyn Write, err: &mut dyn Write| -> Result<(), String> {
        // With --echo the transcript is read as one text (stdout and stderr usually go to the same
        // terminal or file): output that does not end a line gets its newline, so stderr (e.g.
        // `Processed a total of 2 messages`) and the next echoed prompt start on their own line.
        if echo && !o.stdout.is_empty() && !o.stdout.ends_with('\n') {
            o.stdout.push('\n');
        }
        out.write_all(o.stdout.as_bytes()).map_err(|e| e.to_string())?;
        err.write_all(o.stderr.as_bytes()).map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
        err.flush().map_err(|e| e.to_string())
    };
    let mut line = String::new();
    loop {
        line.clear();
        let n = input.read_line(&mut line).map_err(|e| e.to_string())?;
        if n == 0 {
            let o = shell.end_of_input(&mut sim);
            write(o, out, err)?;
            return Ok(());
        }
        let l = line.trim_end_matches(['\n', '\r']);
        if echo {
            let prompt = shell.prompt();
            writeln!(out, "{prompt}{l}").map_err(|e| e.to_string())?;
        }
        let o = shell.run_line(&mut sim, l);
        write(o, out, err)?;
    }
}
