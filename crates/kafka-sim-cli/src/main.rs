//! `kafka-sim`: the native command line for Kafka Playground's simulation.
//!
//! - `kafka-sim golden [--seed N]` runs the fixed golden run (crash, partitions, heal, restart) and prints
//!   its trace hash, the value `tests/golden/` records and the browser test compares against.
//! - `kafka-sim config producer|consumer|broker FILE` checks a `.properties` file (`-` reads stdin) as
//!   Kafka 3.7 would, printing Kafka's log lines, or Kafka's error and exit status 2.
//!
//! - `kafka-sim assign --strategy range|roundrobin|sticky|cooperative-sticky` runs Kafka 3.7's consumer
//!   partition assignor over a group given as JSON on stdin (see `assign_cmd`).
//! - `kafka-sim run SCENARIO.toml [--seed N] [--json] [--events]` runs a scenario (see `run_cmd`).
//! - `kafka-sim import FILE...` prints the scenario of real config files; `kafka-sim export` writes a
//!   scenario as compose, KRaft compose, client properties or Spring YAML (see `import_cmd`, `export_cmd`).
//!
//! - `kafka-sim shell [--scenario F]` runs Kafka's command-line tools against the simulation, one
//!   command a line from stdin (see `shell_cmd`).
//! - `kafka-sim lesson FILE` plays a lesson headless with its solutions (see `lesson_cmd`).
//! - `kafka-sim fuzz [--target NAME] [--secs N]` fuzzes every parser of user input (see `fuzz_cmd`).
//!
//! Invalid input exits 2 with the error on stderr; it never panics.

mod assign_cmd;
mod check_cmd;
mod export_cmd;
mod fuzz_cmd;
mod groups_json;
mod import_cmd;
mod json;
mod lesson_cmd;
mod partition_cmd;
mod run_cmd;
mod shell_cmd;

use kafka_sim::config::{BrokerConfig, ConfigError, ConsumerConfig, ProducerConfig, properties};
use kafka_sim::sim::golden_run;
use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "\
usage: kafka-sim <command>

commands:
  golden [--seed N]                      run the golden run and print its trace hash (default seed 42)
  config producer|consumer|broker FILE   check a .properties file as Kafka 3.7 would (FILE - reads stdin)
  partition --partitions N KEY...        print KEY<TAB>PARTITION by Kafka's default partitioner
  assign --strategy NAME                 run a consumer partition assignor over a group (JSON on stdin)
  check SCENARIO.toml                    validate a scenario file without running it
  run SCENARIO.toml [--seed N] [--json] [--events]
                                         run a scenario; print a summary (or one JSON object)
  shell [--scenario F] [--seed N] [--echo]
                                         Kafka's CLI tools against the simulated cluster, one
                                         command a line from stdin (default: the seed's cluster)
  import FILE... [--format compose|spring|properties] [--topic T]
                                         print the scenario TOML of docker-compose, Spring or .properties files
  export --scenario FILE --format compose|kraft|producer-properties|consumer-properties|spring
                                         write a scenario's cluster or clients as a real config file
  lesson FILE [--scenarios DIR] [--lang en|ko]
                                         play a lesson with its solutions; print each step's outcome
  fuzz [--target NAME|all] [--secs N] [--seed S] [--cases N] [--case N]
                                         fuzz every parser (N s or N cases per target); exit 2 on a panic or hang
  help                                   this text
";

/// A failed command: what to print on stderr.
struct Failure(String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(Failure(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<String, Failure> {
    match args.first().map(String::as_str) {
        Some("golden") => golden(&args[1..]),
        Some("config") => config(&args[1..]),
        Some("partition") => partition_cmd::run(&args[1..]).map_err(Failure),
        Some("assign") => assign_cmd::run(&args[1..], &mut std::io::stdin()).map_err(Failure),
        Some("check") => check_cmd::run(&args[1..]).map_err(Failure),
        Some("run") => run_cmd::run(&args[1..]).map_err(Failure),
        Some("shell") => shell_cmd::run(
            &args[1..],
            &mut std::io::stdin().lock(),
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        )
        .map(|()| String::new())
        .map_err(Failure),
        Some("import") => import_cmd::run(&args[1..]).map_err(Failure),
        Some("export") => export_cmd::run(&args[1..]).map_err(Failure).map(|(text, notes)| {
            for n in notes {
                eprintln!("kafka-sim export: {n}");
            }
            text
        }),
        Some("lesson") => lesson_cmd::run(&args[1..]).map_err(Failure),
        Some("fuzz") => fuzz_cmd::run(&args[1..]).map_err(Failure),
        Some("help" | "--help" | "-h") | None => Ok(USAGE.to_owned()),
        Some("--version" | "version") => Ok(format!("kafka-sim {}\n", env!("CARGO_PKG_VERSION"))),
        Some(other) => Err(Failure(format!(
            "kafka-sim: unknown command '{other}'\n\n{USAGE}"
        ))),
    }
}

fn golden(args: &[String]) -> Result<String, Failure> {
    let seed = match args {
        [] => 42,
        [flag, value] if flag == "--seed" => value.parse::<u64>().map_err(|_| {
            Failure(format!(
                "kafka-sim golden: --seed: '{value}' is not a whole number"
            ))
        })?,
        _ => {
            return Err(Failure(format!(
                "kafka-sim golden: unexpected arguments {args:?}\n\n{USAGE}"
            )));
        }
    };
    let sim = golden_run(seed);
    let view = sim.view();
    let mut out = format!("{:#018x}\n", sim.trace_hash());
    out.push_str(&format!(
        "seed {seed}: {} events in {} simulated, {} trace entries\n",
        view.events_processed,
        view.now,
        sim.trace().recorded()
    ));
    for node in &view.nodes {
        let state = if node.up { "up" } else { "down" };
        let ctl = if node.controller { ", controller" } else { "" };
        out.push_str(&format!("  {}: {state}{ctl}\n", node.name));
    }
    Ok(out)
}

fn config(args: &[String]) -> Result<String, Failure> {
    let [kind, file] = args else {
        return Err(Failure(format!(
            "kafka-sim config: expected a kind and a FILE\n\n{USAGE}"
        )));
    };
    let text = read_input(file)?;
    let props = properties::parse(&text).map_err(|e| Failure(format!("{file}: {e}")))?;
    let result = match kind.as_str() {
        "producer" => ProducerConfig::parse(props).map(|p| p.messages()),
        "consumer" => ConsumerConfig::parse(props).map(|p| p.messages()),
        "broker" => BrokerConfig::parse(props).map(|p| p.messages()),
        other => {
            return Err(Failure(format!(
                "kafka-sim config: unknown kind '{other}': expected producer, consumer or broker"
            )));
        }
    };
    match result {
        Ok(messages) => {
            let mut out = String::new();
            for m in &messages {
                out.push_str(&format!("{m}\n"));
            }
            out.push_str(&format!("{file}: a valid {kind} configuration\n"));
            Ok(out)
        }
        Err(e) => Err(Failure(java_trace(&e))),
    }
}

/// Kafka's exception chain, outermost first, as the JVM prints it.
fn java_trace(e: &ConfigError) -> String {
    e.java_trace().join("\n")
}

fn read_input(file: &str) -> Result<String, Failure> {
    if file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure(format!("cannot read stdin: {e}")))?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).map_err(|e| Failure(format!("cannot read {file}: {e}")))
    }
}
