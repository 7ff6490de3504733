//! Everything a user can do to a running simulation, as data: [`Command`].
//!
//! A command applies at the simulation's current time ([`Command::apply`]). An invalid one (a bad
//! property value, an unknown broker, member or topic) is refused with a [`CommandError`] (for
//! property values, Kafka's own validation message) and changes nothing.

use crate::scenario::{CommitMode, PauseKind};
use crate::sim::Simulation;
use crate::sim::runtime_api::{BrokerAction, LoadChange, MemberAction, RuntimeError, SentRecord, check_rate};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// The longest pause, latency or processing time a command may ask for (one hour).
pub const MAX_COMMAND_DURATION: SimTime = SimTime::from_secs(3_600);

/// The longest name, property value, key or record value a command may carry, in bytes.
pub const MAX_COMMAND_TEXT: usize = 4_096;

/// What a member pause stalls (Kafka's two kinds of pause).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pause {
    /// A stop-the-world GC pause: the whole process, heartbeats too.
    Gc,
    /// A slow downstream call: only the poll loop (only `max.poll.interval.ms` can expire).
    SlowDownstream,
}

/// When a group's members commit their offsets: the application's code (Spring's `AckMode`), with
/// `enable.auto.commit` following it. Serialized as a scenario file names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Commit {
    /// `enable.auto.commit=true`: `poll()` commits every `auto.commit.interval.ms`.
    Auto,
    /// `commitSync()` after processing each poll's records: at-least-once.
    Manual,
    /// `commitSync()` of each poll's offsets before processing them: at-most-once.
    Before,
}

impl Commit {
    /// The scenario file's name: `auto`, `manual` or `before`.
    pub fn name(self) -> &'static str {
        match self {
            Commit::Auto => "auto",
            Commit::Manual => "manual",
            Commit::Before => "before",
        }
    }

    /// Parses [`Commit::name`]; `Err` says what is expected.
    pub fn parse(text: &str) -> Result<Commit, String> {
        match CommitMode::parse(text.trim())? {
            CommitMode::Auto => Ok(Commit::Auto),
            CommitMode::Manual => Ok(Commit::Manual),
            CommitMode::Before => Ok(Commit::Before),
        }
    }

    fn mode(self) -> CommitMode {
        match self {
            Commit::Auto => CommitMode::Auto,
            Commit::Manual => CommitMode::Manual,
            Commit::Before => CommitMode::Before,
        }
    }
}

/// A send rate, records per simulated second. Compared bit for bit (so a command is `Eq`); a rate
/// that is not finite, not positive or over [`MAX_RATE`] is refused.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rate(pub f64);

impl PartialEq for Rate {
    fn eq(&self, other: &Rate) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Rate {}

/// One thing a user does to a running simulation. Serialized with a `do` tag, e.g.
/// `{"do":"crash_broker","broker":2}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Command {
    /// The broker's process dies at once.
    CrashBroker {
        /// `broker.id`.
        broker: i32,
    },
    /// A crashed broker starts again.
    RestartBroker {
        /// `broker.id`.
        broker: i32,
    },
    /// Every link to and from the broker is cut.
    IsolateBroker {
        /// `broker.id`.
        broker: i32,
    },
    /// Every link of the cluster is healed (cuts, isolations, slow links).
    HealNetwork,
    /// Every link to and from the broker gets a new one-way latency.
    SlowBroker {
        /// `broker.id`.
        broker: i32,
        /// The latency.
        latency: SimTime,
    },
    /// A member's process dies: no commit, no LeaveGroup.
    CrashMember {
        /// `group.id`.
        group: String,
        /// The member's number, from 1.
        member: u16,
    },
    /// A crashed or closed member starts again.
    RestartMember {
        /// `group.id`.
        group: String,
        /// The member's number, from 1.
        member: u16,
    },
    /// `KafkaConsumer.close()`.
    CloseMember {
        /// `group.id`.
        group: String,
        /// The member's number, from 1.
        member: u16,
    },
    /// The member stalls for `duration`.
    PauseMember {
        /// `group.id`.
        group: String,
        /// The member's number, from 1.
        member: u16,
        /// How long.
        duration: SimTime,
        /// What stalls.
        kind: Pause,
    },
    /// A new member starts with the group's configuration.
    AddMember {
        /// `group.id`.
        group: String,
    },
    /// A producer property changes (Kafka name); the producer restarts with it.
    SetProducerConfig {
        /// The producer's name.
        producer: String,
        /// The property, e.g. `acks`.
        name: String,
        /// Its new value, as a `.properties` file would give it.
        value: String,
    },
    /// A consumer property changes for a group's members (or one member); they restart with it.
    SetConsumerConfig {
        /// `group.id`.
        group: String,
        /// Only this member (e.g. for `group.instance.id`), else all.
        #[serde(default)]
        member: Option<u16>,
        /// The property, e.g. `max.poll.interval.ms`.
        name: String,
        /// Its new value.
        value: String,
    },
    /// The group's processing time per record.
    SetProcessing {
        /// `group.id`.
        group: String,
        /// Per record.
        per_record: SimTime,
    },
    /// A dynamic topic config changes (`min.insync.replicas`, `unclean.leader.election.enable`).
    SetTopicConfig {
        /// The topic.
        topic: String,
        /// The property.
        name: String,
        /// Its new value.
        value: String,
    },
    /// A broker config changes on every broker (`replica.lag.time.max.ms`; read-only in Kafka 3.7,
    /// so each broker uses it from its next start).
    SetBrokerConfig {
        /// The property.
        name: String,
        /// Its new value.
        value: String,
    },
    /// The producer application's load changes (send rate, key pattern); the producer restarts.
    SetProducerLoad {
        /// The producer's name.
        producer: String,
        /// The new send rate (`None`: unchanged).
        #[serde(default)]
        rate: Option<Rate>,
        /// The new key pattern, as a scenario's `keys` (`reserve-{n}`, `none`); `None`: unchanged.
        #[serde(default)]
        keys: Option<String>,
    },
    /// The group's commit mode changes; its members restart committing that way.
    SetCommitMode {
        /// `group.id`.
        group: String,
        /// The new mode.
        mode: Commit,
    },
    /// One record, sent by the producer now.
    SendRecord {
        /// The producer's name.
        producer: String,
        /// The key (`None`: a null key).
        #[serde(default)]
        key: Option<String>,
        /// The value.
        value: String,
    },
    /// One line typed in the terminal ([`crate::shell::Shell::run_line`]): a command of Kafka's
    /// tools, or a record while a console producer reads them. Applied through a [`crate::session::Session`],
    /// which owns the shell and keeps the output in its transcript.
    Shell {
        /// The line, at most [`MAX_COMMAND_TEXT`] bytes.
        line: String,
    },
    /// Ctrl-D in the terminal: ends the console producer ([`crate::shell::Shell::end_of_input`]).
    EndOfInput,
}

/// Why a command was refused; nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The simulation refused it (Kafka's validation message for bad values).
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// A duration or text out of the simulator's bounds.
    #[error("{0}")]
    OutOfBounds(String),
}

/// What a command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// One plain sentence for the event log.
    pub message: String,
    /// For [`Command::SendRecord`]: the record and the partition it went to.
    pub sent: Option<SentRecord>,
}

impl Applied {
    /// An [`Applied`] that only says `message`.
    pub(crate) fn said(message: String) -> Applied {
        Applied { message, sent: None }
    }
}

impl Command {
    /// Its name, e.g. `crash_broker` (the serialized tag).
    pub fn name(&self) -> &'static str {
        match self {
            Command::CrashBroker { .. } => "crash_broker",
            Command::RestartBroker { .. } => "restart_broker",
            Command::IsolateBroker { .. } => "isolate_broker",
            Command::HealNetwork => "heal_network",
            Command::SlowBroker { .. } => "slow_broker",
            Command::CrashMember { .. } => "crash_member",
            Command::RestartMember { .. } => "restart_member",
            Command::CloseMember { .. } => "close_member",
            Command::PauseMember { .. } => "pause_member",
            Command::AddMember { .. } => "add_member",
            Command::SetProducerConfig { .. } => "set_producer_config",
            Command::SetConsumerConfig { .. } => "set_consumer_config",
            Command::SetProcessing { .. } => "set_processing",
            Command::SetTopicConfig { .. } => "set_topic_config",
            Command::SetBrokerConfig { .. } => "set_broker_config",
            Command::SetProducerLoad { .. } => "set_producer_load",
            Command::SetCommitMode { .. } => "set_commit_mode",
            Command::SendRecord { .. } => "send_record",
            Command::Shell { .. } => "shell",
            Command::EndOfInput => "end_of_input",
        }
    }

    /// Checks the simulator's own bounds (durations, text sizes).
    pub fn check_bounds(&self) -> Result<(), CommandError> {
        let texts: Vec<&str> = match self {
            Command::CrashMember { group, .. }
            | Command::RestartMember { group, .. }
            | Command::CloseMember { group, .. }
            | Command::PauseMember { group, .. }
            | Command::AddMember { group }
            | Command::SetProcessing { group, .. }
            | Command::SetCommitMode { group, .. } => vec![group],
            Command::SetProducerLoad { producer, keys, .. } => {
                vec![producer, keys.as_deref().unwrap_or("")]
            }
            Command::SetProducerConfig {
                producer,
                name,
                value,
            } => vec![producer, name, value],
            Command::SetConsumerConfig {
                group, name, value, ..
            } => vec![group, name, value],
            Command::SetTopicConfig { topic, name, value } => vec![topic, name, value],
            Command::SetBrokerConfig { name, value } => vec![name, value],
            Command::SendRecord {
                producer, key, value, ..
            } => vec![producer, key.as_deref().unwrap_or(""), value],
            Command::Shell { line } => vec![line],
            _ => Vec::new(),
        };
        if texts.iter().any(|t| t.len() > MAX_COMMAND_TEXT) {
            return Err(CommandError::OutOfBounds(format!(
                "{}: a text is longer than {MAX_COMMAND_TEXT} bytes",
                self.name()
            )));
        }
        if let Command::SetProducerLoad {
            rate: Some(Rate(r)), ..
        } = self
        {
            check_rate(*r).map_err(|e| CommandError::OutOfBounds(format!("{}: {e}", self.name())))?;
        }
        let duration = match self {
            Command::SlowBroker { latency: d, .. }
            | Command::PauseMember { duration: d, .. }
            | Command::SetProcessing { per_record: d, .. } => Some(*d),
            _ => None,
        };
        if duration.is_some_and(|d| d > MAX_COMMAND_DURATION) {
            return Err(CommandError::OutOfBounds(format!(
                "{}: a duration is longer than 1h",
                self.name()
            )));
        }
        Ok(())
    }

    /// Applies the command to `sim` now; a refusal changes nothing. Terminal input
    /// ([`Command::Shell`], [`Command::EndOfInput`]) needs the session's shell: apply it through
    /// [`crate::session::Session::apply`]; here it is refused.
    pub fn apply(&self, sim: &mut Simulation) -> Result<Applied, CommandError> {
        self.check_bounds()?;
        let member =
            |sim: &mut Simulation, group: &str, m: u16, a: MemberAction| sim.member_action(group, m, a);
        let said = match self {
            Command::CrashBroker { broker } => {
                sim.broker_action(*broker, BrokerAction::Crash)?;
                format!("Broker {broker} crashed (its process died at once).")
            }
            Command::RestartBroker { broker } => {
                sim.broker_action(*broker, BrokerAction::Restart)?;
                format!("Broker {broker} restarted.")
            }
            Command::IsolateBroker { broker } => {
                sim.broker_action(*broker, BrokerAction::Isolate)?;
                format!("Broker {broker} was isolated: every link to and from it is cut.")
            }
            Command::HealNetwork => {
                sim.heal_network();
                "The network was healed: every link works again at its normal latency.".into()
            }
            Command::SlowBroker { broker, latency } => {
                sim.broker_action(*broker, BrokerAction::Slow(*latency))?;
                format!(
                    "Every link of broker {broker} now takes {} ms each way.",
                    latency.as_millis()
                )
            }
            Command::CrashMember { group, member: m } => {
                member(sim, group, *m, MemberAction::Crash)?;
                format!("Member {group}/{m} crashed: no commit, no LeaveGroup.")
            }
            Command::RestartMember { group, member: m } => {
                member(sim, group, *m, MemberAction::Restart)?;
                format!("Member {group}/{m} started again.")
            }
            Command::CloseMember { group, member: m } => {
                member(sim, group, *m, MemberAction::Close)?;
                format!("Member {group}/{m} is closing (close()).")
            }
            Command::PauseMember {
                group,
                member: m,
                duration,
                kind,
            } => {
                let k = match kind {
                    Pause::Gc => PauseKind::Gc,
                    Pause::SlowDownstream => PauseKind::SlowDownstream,
                };
                member(sim, group, *m, MemberAction::Pause(*duration, k))?;
                let what = match kind {
                    Pause::Gc => "the whole process (a GC pause)",
                    Pause::SlowDownstream => "its poll loop (a slow downstream call)",
                };
                format!(
                    "Member {group}/{m} stalls {what} for {} ms.",
                    duration.as_millis()
                )
            }
            Command::AddMember { group } => {
                let n = sim.add_group_member(group)?;
                format!("Member {group}/{n} started and joins the group.")
            }
            Command::SetProducerConfig {
                producer,
                name,
                value,
            } => {
                sim.set_producer_property(producer, name, value)?;
                format!(
                    "Producer {producer} restarts with {name}={value}: it closes (sending what it holds), \
                     then a new producer starts with the new configuration."
                )
            }
            Command::SetConsumerConfig {
                group,
                member: m,
                name,
                value,
            } => {
                sim.set_group_property(group, *m, name, value)?;
                let who = m.map_or_else(
                    || format!("The members of {group}"),
                    |m| format!("Member {group}/{m}"),
                );
                format!(
                    "{who} restart with {name}={value}: close() (commit, LeaveGroup), then a new consumer joins."
                )
            }
            Command::SetProcessing { group, per_record } => {
                sim.set_group_processing(group, *per_record)?;
                format!(
                    "The members of {group} now take {} µs to process each record.",
                    per_record.as_micros()
                )
            }
            Command::SetTopicConfig { topic, name, value } => {
                sim.set_topic_property(topic, name, value)?;
                format!("Topic {topic}: {name}={value}, live (kafka-configs --alter).")
            }
            Command::SetBrokerConfig { name, value } => {
                sim.set_broker_property(name, value)?;
                format!(
                    "{name}={value} written to every broker's server.properties: a read-only config in \
                     Kafka 3.7, each broker uses it from its next start."
                )
            }
            Command::SetProducerLoad { producer, rate, keys } => {
                let change = LoadChange {
                    rate: rate.map(|r| r.0),
                    keys: keys.as_deref(),
                };
                sim.set_producer_load(producer, change)?;
                let mut what = Vec::new();
                if let Some(Rate(r)) = rate {
                    what.push(format!("{r} records/s"));
                }
                if let Some(k) = keys {
                    what.push(format!("keys {k}"));
                }
                format!(
                    "Producer {producer} restarts with a new load ({}): it closes (sending what it holds), \
                     then the application sends at the new load.",
                    what.join(", ")
                )
            }
            Command::SetCommitMode { group, mode } => {
                sim.set_group_commit_mode(group, mode.mode())?;
                format!(
                    "The members of {group} restart committing {}: close() (commit, LeaveGroup), then a new \
                     consumer joins.",
                    match mode {
                        Commit::Auto => "automatically (enable.auto.commit=true)",
                        Commit::Manual => "after processing (commitSync, enable.auto.commit=false)",
                        Commit::Before => "before processing (commitSync, enable.auto.commit=false)",
                    }
                )
            }
            Command::SendRecord { producer, key, value } => {
                let sent = sim.send_record(producer, key.as_deref(), value)?;
                let how = if key.is_some() {
                    "murmur2 of the key"
                } else {
                    "null key: the sticky partitioner"
                };
                let tp = (sim.spec().topics.get(sent.tp.topic.0 as usize))
                    .map_or_else(|| "?".into(), |t| format!("{}-{}", t.name, sent.tp.partition));
                return Ok(Applied {
                    message: format!("Producer {producer} sent one record to {tp} ({how})."),
                    sent: Some(sent),
                });
            }
            Command::Shell { .. } | Command::EndOfInput => {
                return Err(CommandError::OutOfBounds(format!(
                    "{}: terminal input is applied through a session (it owns the shell)",
                    self.name()
                )));
            }
        };
        Ok(Applied::said(said))
    }
}
