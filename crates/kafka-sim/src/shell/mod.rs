//! The teaching terminal's command interpreter: Kafka 3.7's command-line tools (`kafka-topics`,
//! `kafka-console-producer`, `kafka-console-consumer`, `kafka-consumer-groups`, with or without
//! `.sh`) run against a live [`Simulation`], printing what the real tools print (section 6 of the
//! reference) on stdout and stderr, with their exit status.
//!
//! Deterministic and sans-IO: [`Shell::run_line`] takes one line and returns the output. A command
//! advances simulated time as the real tool would take (requests travel through the simulated
//! network; waits are bounded by the tools' own timeouts). `kafka-console-producer` reads the lines
//! that follow as records until a line `^D` (or [`Shell::end_of_input`], Ctrl-D).
//!
//! Differences from the real tools are listed in [`DIFFERENCES`].

mod consumer;
mod groups;
pub mod net;
pub mod opts;
mod producer;
pub mod regex;
pub mod tokenize;
mod topics;

use crate::rng::SimRng;
use crate::sim::Simulation;
use tokenize::{Tokens, tokenize};

/// What one line printed, and the command's exit status once it finished.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShellOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The exit status of the command the line finished (`None`: nothing finished, e.g. a record
    /// line of the console producer, or a line continued with `\`).
    pub exit: Option<i32>,
}

impl ShellOutput {
    fn err(stderr: String, code: i32) -> ShellOutput {
        ShellOutput {
            stderr,
            exit: Some(code),
            ..ShellOutput::default()
        }
    }
}

/// The tools the terminal knows, without `.sh`.
pub const COMMANDS: [&str; 4] = [
    "kafka-topics",
    "kafka-console-producer",
    "kafka-console-consumer",
    "kafka-consumer-groups",
];

/// The options a tool (named as in [`COMMANDS`], with or without `.sh` or a path) accepts, for
/// completion; `None` for an unknown tool.
pub fn options(command: &str) -> Option<&'static [opts::OptSpec]> {
    let name = command.rsplit('/').next().unwrap_or(command);
    match name.strip_suffix(".sh").unwrap_or(name) {
        "kafka-topics" => Some(topics::SPECS),
        "kafka-console-producer" => Some(producer::SPECS),
        "kafka-console-consumer" => Some(consumer::SPECS),
        "kafka-consumer-groups" => Some(groups::SPECS),
        _ => None,
    }
}

/// Where the simulated tools knowingly differ from Kafka's.
pub const DIFFERENCES: &str = "\
- The console consumer reads with the topic's partitions assigned to it (it sends ListOffsets, \
OffsetFetch, Fetch and OffsetCommit through the simulated brokers) instead of joining the group \
with JoinGroup/SyncGroup, so it does not appear as a member in kafka-consumer-groups --describe.
- Without --max-messages or --timeout-ms the console consumer stops once it has read everything and \
nothing new came for 2 simulated seconds, as if Ctrl-C had been pressed.
- kafka-topics reads metadata from ZooKeeper's state (what the brokers' metadata caches converge to).
- Record timestamps are the batch's creation time in simulated milliseconds; log lines print \
simulated time as a date counted from 1970-01-01.
- kafka-topics --delete and --alter are not simulated yet: they print Kafka's error for an \
unsupported version (exit 1).";

const HELP: &str = "\
Kafka's command-line tools, against the simulated cluster (Kafka 3.7, ZooKeeper mode):

  kafka-topics --bootstrap-server localhost:9092 --list
  kafka-topics --bootstrap-server localhost:9092 --describe [--topic REGEX]
  kafka-topics --bootstrap-server localhost:9092 --create --topic T --partitions N --replication-factor R [--config k=v]
  kafka-console-producer --bootstrap-server localhost:9092 --topic T [--property parse.key=true --property key.separator=:]
      (then one record a line; a line ^D ends it)
  kafka-console-consumer --bootstrap-server localhost:9092 --topic T [--from-beginning] [--group G]
      [--partition P --offset O] [--max-messages N] [--timeout-ms MS] [--property print.key=true]
  kafka-consumer-groups --bootstrap-server localhost:9092 --list
  kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group G [--members|--state]
  kafka-consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group G --topic T --to-earliest --execute

Brokers: localhost:9092, localhost:9093, localhost:9094 (also host.docker.internal:9092.., kafka1:29092..).
Every tool also takes --help. A '.sh' suffix works too.
";

/// The interpreter's state between lines.
#[derive(Clone, Debug)]
pub struct Shell {
    pending: String,
    producer: Option<producer::Session>,
    rng: SimRng,
}

impl Shell {
    /// A shell for a simulation built from `seed` (console consumer group ids are drawn from it).
    pub fn new(seed: u64) -> Shell {
        Shell {
            pending: String::new(),
            producer: None,
            rng: SimRng::new(seed ^ 0x5E11),
        }
    }

    /// Whether a console producer is reading records.
    pub fn in_progress(&self) -> bool {
        self.producer.is_some()
    }

    /// The prompt to show: `>` while the console producer reads records, else `$ `.
    pub fn prompt(&self) -> &'static str {
        if self.producer.is_some() { ">" } else { "$ " }
    }

    /// Runs one line of input.
    pub fn run_line(&mut self, sim: &mut Simulation, line: &str) -> ShellOutput {
        if let Some(session) = self.producer.as_mut() {
            if line.trim() == "^D" {
                return self.end_of_input(sim);
            }
            return session.line(sim, line);
        }
        let text = if self.pending.is_empty() {
            line.to_string()
        } else {
            format!("{}\n{line}", std::mem::take(&mut self.pending))
        };
        match tokenize(&text) {
            Tokens::Incomplete => {
                self.pending = text;
                ShellOutput::default()
            }
            Tokens::Words(words) => self.run_words(sim, &words),
        }
    }

    /// Ctrl-D: ends the console producer (it flushes and exits), else does nothing.
    pub fn end_of_input(&mut self, sim: &mut Simulation) -> ShellOutput {
        match self.producer.take() {
            Some(session) => session.close(sim),
            None => ShellOutput::default(),
        }
    }

    fn run_words(&mut self, sim: &mut Simulation, words: &[String]) -> ShellOutput {
        let Some((cmd, args)) = words.split_first() else {
            return ShellOutput::default();
        };
        let name = cmd.rsplit('/').next().unwrap_or(cmd);
        let name = name.strip_suffix(".sh").unwrap_or(name);
        match name {
            "help" => ShellOutput {
                stdout: HELP.to_string(),
                exit: Some(0),
                ..ShellOutput::default()
            },
            "kafka-topics" => topics::run(sim, args),
            "kafka-console-producer" => match producer::Session::start(sim, args) {
                Ok(session) => {
                    self.producer = Some(session);
                    ShellOutput::default()
                }
                Err(out) => out,
            },
            "kafka-console-consumer" => consumer::run(sim, args, &mut self.rng),
            "kafka-consumer-groups" => groups::run(sim, args),
            _ => ShellOutput::err(
                format!("{cmd}: command not found (type 'help' for the Kafka tools this terminal runs)\n"),
                127,
            ),
        }
    }
}

/// `Missing required argument "[name]"` and the help table, as `CommandLineUtils.printUsageAndExit`.
fn usage_error(message: &str, specs: &[opts::OptSpec]) -> ShellOutput {
    ShellOutput::err(format!("{message}\n{}", opts::help_table(specs)), 1)
}
