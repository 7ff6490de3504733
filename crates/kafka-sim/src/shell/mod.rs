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

mod console_member;
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

/// The longest line the terminal accepts, in bytes (a command with the lines it continues with `\`,
/// or a console producer's record line).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

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
- The console consumer joins its group for real (JoinGroup, SyncGroup with the leader's range \
assignment, Heartbeat every 3 s, LeaveGroup at exit) and reads only what it is assigned. A \
command runs to completion before the next line is read, so kafka-consumer-groups cannot be run \
while it reads: afterwards the group is listed (Empty, with the offsets it committed). Its \
heartbeat, rejoin and commits happen between fetches (the real consumer's heartbeat thread runs \
alongside); when the group rebalances it commits (if auto-committing), rejoins and reads its new \
partitions from their committed offsets.
- Without --max-messages or --timeout-ms the console consumer stops once it has read everything and \
nothing new came for 2 simulated seconds, as if Ctrl-C had been pressed. In any case it stops, as if \
Ctrl-C had been pressed, after 60 simulated seconds or 10,000 records.
- kafka-topics reads metadata from ZooKeeper's state (what the brokers' metadata caches converge to).
- Record timestamps are the batch's creation time in simulated milliseconds; log lines print \
simulated time as a date counted from 1970-01-01.
- kafka-topics --delete waits until the controller has deleted the topic everywhere (ZooKeeper \
mode's DeleteTopics answer waits for the metadata to drop it); a replica on a dead broker keeps \
the deletion pending, and the tool then times out after 30 simulated seconds. Deleting \
__consumer_offsets is refused with the message of the old --zookeeper tool (\"Topic \
__consumer_offsets is a kafka internal topic and is not allowed to be marked for deletion.\"): \
Kafka 3.7's ZooKeeper-mode broker has no such check on DeleteTopics and would delete it, which \
the simulated group coordinators do not survive.
- After kafka-topics --alter --partitions, producers and consumers of the topic refresh their \
metadata at once (Kafka's clients notice at their next refresh, within metadata.max.age.ms = 5 \
minutes). Producers then hash keys over the new partition count; the group leader sees the \
metadata change and rejoins, so the group rebalances over the new partitions. Its log line prints \
the metadata snapshots without their version numbers.";

const HELP: &str = "\
Kafka's command-line tools, against the simulated cluster (Kafka 3.7, ZooKeeper mode):

  kafka-topics --bootstrap-server localhost:9092 --list
  kafka-topics --bootstrap-server localhost:9092 --describe [--topic REGEX]
  kafka-topics --bootstrap-server localhost:9092 --create --topic T --partitions N --replication-factor R [--config k=v]
  kafka-topics --bootstrap-server localhost:9092 --alter --topic T --partitions N
  kafka-topics --bootstrap-server localhost:9092 --delete --topic T
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

    /// Runs one line of input. A line (with the lines it continues) longer than [`MAX_LINE_BYTES`]
    /// is refused with a message; a console producer reading records stays open.
    pub fn run_line(&mut self, sim: &mut Simulation, line: &str) -> ShellOutput {
        let size = self.pending.len() + line.len();
        if size > MAX_LINE_BYTES {
            self.pending.clear();
            let msg =
                format!("kafka-sim: the line is {size} bytes long; at most {MAX_LINE_BYTES} are accepted\n");
            return match self.producer {
                Some(_) => ShellOutput {
                    stderr: msg,
                    ..ShellOutput::default()
                },
                None => ShellOutput::err(msg, 1),
            };
        }
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
