//! Permalinks: a session's scenario (by name, or inline TOML), seed, action log and position, as a
//! compact URL-safe string ([`Permalink::encode`]) or JSON for `localStorage` ([`Permalink::to_json`]).
//!
//! The string is `k1.` then URL-safe base64 (no padding) of: the source (0 = named, 1 = inline TOML)
//! and its text, the seed, the position (step, clock in µs), the action count, and per action the
//! step and clock as zigzag deltas from the previous action, then the command (a tag byte and its
//! fields: varints and length-prefixed UTF-8); last, a 4-byte FNV-1a checksum of all that. Decoding
//! checks every length and bound, so a garbled or hostile permalink is a [`PermalinkError`].

use super::wire::{Reader, Writer, base64url, fnv1a, unbase64url};
use super::{Command, Commit, LoggedAction, MAX_COMMAND_TEXT, Pause, Position, Rate};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// The longest permalink string accepted, in characters.
pub const MAX_PERMALINK_CHARS: usize = 64 * 1024;

/// The largest inline scenario a permalink may carry, in bytes.
pub const MAX_INLINE_SCENARIO_BYTES: usize = 32 * 1024;

/// The most actions a permalink may carry.
pub const MAX_PERMALINK_ACTIONS: usize = 2_000;

/// The latest simulated time a permalink may point at (its position or an action): replaying
/// further would keep a page busy for too long.
pub const MAX_PERMALINK_TIME: SimTime = SimTime::from_secs(3_600);

/// The longest scenario name, in bytes.
const MAX_NAME: usize = 256;

const PREFIX: &str = "k1.";

/// Where a session's scenario comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioSource {
    /// A built-in scenario, by name (the UI's catalog resolves it), e.g. `seed-reserve`.
    Named(String),
    /// A scenario file's TOML text.
    Inline(String),
}

/// Everything needed to reproduce a session exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permalink {
    /// The scenario.
    pub scenario: ScenarioSource,
    /// The seed.
    pub seed: u64,
    /// Where the user was.
    pub position: Position,
    /// The action log, in order.
    pub actions: Vec<LoggedAction>,
}

/// Why a permalink cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PermalinkError {
    /// Not a permalink of this version.
    #[error("not a kafka-sim permalink (it should start with \"{PREFIX}\")")]
    Prefix,
    /// Too long.
    #[error("the permalink is {0} characters long; at most {MAX_PERMALINK_CHARS} are accepted")]
    TooLong(usize),
    /// Not URL-safe base64.
    #[error("the permalink is damaged: it is not URL-safe base64")]
    Encoding,
    /// The checksum does not match: the text was cut or changed.
    #[error("the permalink is damaged: its checksum does not match (was it cut or changed?)")]
    Checksum,
    /// The content is malformed or out of bounds.
    #[error("the permalink is damaged: {0}")]
    Malformed(String),
    /// The JSON form could not be read.
    #[error("the saved session cannot be read: {0}")]
    Json(String),
}

impl Permalink {
    /// The compact URL-safe string.
    pub fn encode(&self) -> String {
        let mut w = Writer::default();
        match &self.scenario {
            ScenarioSource::Named(n) => {
                w.u8(0);
                w.str(n);
            }
            ScenarioSource::Inline(t) => {
                w.u8(1);
                w.str(t);
            }
        }
        w.varint(self.seed);
        w.varint(self.position.step);
        w.varint(self.position.at.as_micros());
        w.varint(self.actions.len() as u64);
        let (mut step, mut at) = (0i64, 0i64);
        for a in &self.actions {
            let (s, t) = (a.step as i64, a.at.as_micros() as i64);
            w.signed(s.wrapping_sub(step));
            w.signed(t.wrapping_sub(at));
            (step, at) = (s, t);
            put_command(&mut w, &a.command);
        }
        let sum = fnv1a(&w.buf);
        w.buf.extend_from_slice(&sum.to_be_bytes());
        format!("{PREFIX}{}", base64url(&w.buf))
    }

    /// Reads [`Permalink::encode`]'s string back (surrounding whitespace is ignored).
    pub fn decode(text: &str) -> Result<Permalink, PermalinkError> {
        let text = text.trim();
        if text.len() > MAX_PERMALINK_CHARS {
            return Err(PermalinkError::TooLong(text.len()));
        }
        let body = text.strip_prefix(PREFIX).ok_or(PermalinkError::Prefix)?;
        let bytes = unbase64url(body).ok_or(PermalinkError::Encoding)?;
        if bytes.len() < 4 {
            return Err(PermalinkError::Checksum);
        }
        let (payload, sum) = bytes.split_at(bytes.len() - 4);
        if fnv1a(payload).to_be_bytes() != sum {
            return Err(PermalinkError::Checksum);
        }
        read_permalink(payload).map_err(PermalinkError::Malformed)
    }

    /// The JSON form, for `localStorage`.
    pub fn to_json(&self) -> String {
        // Invariant: every field serializes (strings, numbers, enums with string tags).
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the JSON form back, with the same bounds as [`Permalink::decode`].
    pub fn from_json(text: &str) -> Result<Permalink, PermalinkError> {
        if text.len() > MAX_PERMALINK_CHARS * 2 {
            return Err(PermalinkError::TooLong(text.len()));
        }
        let p: Permalink = serde_json::from_str(text).map_err(|e| PermalinkError::Json(e.to_string()))?;
        p.check().map_err(PermalinkError::Json)?;
        Ok(p)
    }

    /// Checks the bounds decoding enforces.
    fn check(&self) -> Result<(), String> {
        match &self.scenario {
            ScenarioSource::Named(n) if n.len() > MAX_NAME => {
                return Err("the scenario name is too long".into());
            }
            ScenarioSource::Inline(t) if t.len() > MAX_INLINE_SCENARIO_BYTES => {
                return Err(format!(
                    "the inline scenario is over {MAX_INLINE_SCENARIO_BYTES} bytes"
                ));
            }
            _ => {}
        }
        if self.actions.len() > MAX_PERMALINK_ACTIONS {
            return Err(format!("more than {MAX_PERMALINK_ACTIONS} actions"));
        }
        if (self.actions.iter().map(|a| a.at))
            .chain([self.position.at])
            .any(|t| t > MAX_PERMALINK_TIME)
        {
            return Err("it points past 1 h of simulated time".into());
        }
        for a in &self.actions {
            a.command.check_bounds().map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

fn read_permalink(payload: &[u8]) -> Result<Permalink, String> {
    let mut r = Reader::new(payload);
    let scenario = match r.u8()? {
        0 => ScenarioSource::Named(r.str(MAX_NAME)?),
        1 => ScenarioSource::Inline(r.str(MAX_INLINE_SCENARIO_BYTES)?),
        t => return Err(format!("unknown scenario source {t}")),
    };
    let seed = r.varint()?;
    let position = Position {
        step: r.varint()?,
        at: SimTime::from_micros(r.varint()?),
    };
    let count = usize::try_from(r.varint()?).unwrap_or(usize::MAX);
    if count > MAX_PERMALINK_ACTIONS {
        return Err(format!(
            "{count} actions; at most {MAX_PERMALINK_ACTIONS} are accepted"
        ));
    }
    let mut actions = Vec::with_capacity(count);
    let (mut step, mut at) = (0i64, 0i64);
    for _ in 0..count {
        step = step.wrapping_add(r.signed()?);
        at = at.wrapping_add(r.signed()?);
        let (Ok(s), Ok(t)) = (u64::try_from(step), u64::try_from(at)) else {
            return Err("an action has a negative position".into());
        };
        let command = get_command(&mut r)?;
        actions.push(LoggedAction {
            at: SimTime::from_micros(t),
            step: s,
            command,
        });
    }
    if !r.at_end() {
        return Err("unexpected bytes after the actions".into());
    }
    let p = Permalink {
        scenario,
        seed,
        position,
        actions,
    };
    p.check()?;
    Ok(p)
}

fn put_command(w: &mut Writer, c: &Command) {
    let broker = |w: &mut Writer, tag: u8, b: i32| {
        w.u8(tag);
        w.signed(i64::from(b));
    };
    let member = |w: &mut Writer, tag: u8, g: &str, m: u16| {
        w.u8(tag);
        w.str(g);
        w.varint(u64::from(m));
    };
    match c {
        Command::CrashBroker { broker: b } => broker(w, 1, *b),
        Command::RestartBroker { broker: b } => broker(w, 2, *b),
        Command::IsolateBroker { broker: b } => broker(w, 3, *b),
        Command::HealNetwork => w.u8(4),
        Command::SlowBroker { broker: b, latency } => {
            broker(w, 5, *b);
            w.varint(latency.as_micros());
        }
        Command::CrashMember { group, member: m } => member(w, 6, group, *m),
        Command::RestartMember { group, member: m } => member(w, 7, group, *m),
        Command::CloseMember { group, member: m } => member(w, 8, group, *m),
        Command::PauseMember {
            group,
            member: m,
            duration,
            kind,
        } => {
            member(w, 9, group, *m);
            w.varint(duration.as_micros());
            w.u8(match kind {
                Pause::Gc => 0,
                Pause::SlowDownstream => 1,
            });
        }
        Command::AddMember { group } => {
            w.u8(10);
            w.str(group);
        }
        Command::SetProducerConfig {
            producer,
            name,
            value,
        } => {
            w.u8(11);
            w.str(producer);
            w.str(name);
            w.str(value);
        }
        Command::SetConsumerConfig {
            group,
            member: m,
            name,
            value,
        } => {
            w.u8(12);
            w.str(group);
            w.varint(m.map_or(0, |m| u64::from(m) + 1));
            w.str(name);
            w.str(value);
        }
        Command::SetProcessing { group, per_record } => {
            w.u8(13);
            w.str(group);
            w.varint(per_record.as_micros());
        }
        Command::SetTopicConfig { topic, name, value } => {
            w.u8(14);
            w.str(topic);
            w.str(name);
            w.str(value);
        }
        Command::SetBrokerConfig { name, value } => {
            w.u8(15);
            w.str(name);
            w.str(value);
        }
        Command::SendRecord { producer, key, value } => {
            w.u8(16);
            w.str(producer);
            w.opt_str(key.as_deref());
            w.str(value);
        }
        Command::SetProducerLoad { producer, rate, keys } => {
            w.u8(17);
            w.str(producer);
            match rate {
                None => w.u8(0),
                Some(Rate(r)) => {
                    w.u8(1);
                    w.varint(r.to_bits());
                }
            }
            w.opt_str(keys.as_deref());
        }
        Command::SetCommitMode { group, mode } => {
            w.u8(18);
            w.str(group);
            w.u8(match mode {
                Commit::Auto => 0,
                Commit::Manual => 1,
                Commit::Before => 2,
            });
        }
        Command::Shell { line } => {
            w.u8(19);
            w.str(line);
        }
        Command::EndOfInput => w.u8(20),
    }
}

fn get_command(r: &mut Reader<'_>) -> Result<Command, String> {
    const MAX: usize = MAX_COMMAND_TEXT;
    let broker = |r: &mut Reader<'_>| -> Result<i32, String> {
        i32::try_from(r.signed()?).map_err(|_| "a broker id is out of range".to_string())
    };
    let number = |r: &mut Reader<'_>| -> Result<u16, String> {
        u16::try_from(r.varint()?).map_err(|_| "a member number is out of range".to_string())
    };
    let time = |r: &mut Reader<'_>| -> Result<SimTime, String> { Ok(SimTime::from_micros(r.varint()?)) };
    let c = match r.u8()? {
        1 => Command::CrashBroker { broker: broker(r)? },
        2 => Command::RestartBroker { broker: broker(r)? },
        3 => Command::IsolateBroker { broker: broker(r)? },
        4 => Command::HealNetwork,
        5 => Command::SlowBroker {
            broker: broker(r)?,
            latency: time(r)?,
        },
        tag @ 6..=9 => {
            let group = r.str(MAX)?;
            let member = number(r)?;
            match tag {
                6 => Command::CrashMember { group, member },
                7 => Command::RestartMember { group, member },
                8 => Command::CloseMember { group, member },
                _ => Command::PauseMember {
                    group,
                    member,
                    duration: time(r)?,
                    kind: match r.u8()? {
                        0 => Pause::Gc,
                        1 => Pause::SlowDownstream,
                        k => return Err(format!("unknown pause kind {k}")),
                    },
                },
            }
        }
        10 => Command::AddMember { group: r.str(MAX)? },
        11 => Command::SetProducerConfig {
            producer: r.str(MAX)?,
            name: r.str(MAX)?,
            value: r.str(MAX)?,
        },
        12 => {
            let group = r.str(MAX)?;
            let member = match r.varint()? {
                0 => None,
                m => Some(u16::try_from(m - 1).map_err(|_| "a member number is out of range".to_string())?),
            };
            Command::SetConsumerConfig {
                group,
                member,
                name: r.str(MAX)?,
                value: r.str(MAX)?,
            }
        }
        13 => Command::SetProcessing {
            group: r.str(MAX)?,
            per_record: time(r)?,
        },
        14 => Command::SetTopicConfig {
            topic: r.str(MAX)?,
            name: r.str(MAX)?,
            value: r.str(MAX)?,
        },
        15 => Command::SetBrokerConfig {
            name: r.str(MAX)?,
            value: r.str(MAX)?,
        },
        16 => Command::SendRecord {
            producer: r.str(MAX)?,
            key: r.opt_str(MAX)?,
            value: r.str(MAX)?,
        },
        17 => Command::SetProducerLoad {
            producer: r.str(MAX)?,
            rate: match r.u8()? {
                0 => None,
                1 => Some(Rate(f64::from_bits(r.varint()?))),
                m => return Err(format!("unknown marker {m}")),
            },
            keys: r.opt_str(MAX)?,
        },
        18 => Command::SetCommitMode {
            group: r.str(MAX)?,
            mode: match r.u8()? {
                0 => Commit::Auto,
                1 => Commit::Manual,
                2 => Commit::Before,
                m => return Err(format!("unknown commit mode {m}")),
            },
        },
        19 => Command::Shell { line: r.str(MAX)? },
        20 => Command::EndOfInput,
        t => return Err(format!("unknown action {t}")),
    };
    Ok(c)
}
