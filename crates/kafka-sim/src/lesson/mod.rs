//! Guided lessons, in the manner of *The Secret Lives of Data*: data files, and a deterministic engine.
//!
//! A lesson is one TOML file (the page embeds `www/lessons/*.toml`; `kafka-sim lesson FILE` reads
//! one). It names a built-in scenario to start from and a series of steps; each step has text in
//! English and Korean, an optional `setup` applied when the step starts, a `task` (what to do), a
//! `notice` (what to notice), a [`Condition`] the simulation checks before offering Continue, and a
//! `solution` (what a learner would do) that the headless test and a "show me" button replay.
//!
//! ```toml
//! id = "leader-failover"
//! title = { en = "Leader failover", ko = "리더 장애 조치" }
//! scenario = "seed-reserve"          # a tests/scenarios/*.toml name the engine knows
//! seed = 42                          # optional: the scenario's own seed otherwise
//! start_at = "5s"                    # optional: run this long before step 1 (default 0)
//!
//! [[steps]]
//! text = { en = "Each partition has one leader.", ko = "각 파티션에는 리더가 하나 있다." }
//! task = { en = "Crash the leader of reserve-0.", ko = "reserve-0의 리더를 죽여 보자." }
//! notice = { en = "Its partitions have no leader for a while.", ko = "잠시 리더가 없다." }
//! setup = [{ do = "set_producer_config", producer = "reservation-service", name = "acks", value = "1" }]
//! condition = { check = "action", do = "crash_broker", broker = "leader:reserve-0" }
//! solution = [{ do = "crash_broker", broker = "leader:reserve-0" }]
//! within = "10s"                     # optional: how long the headless check may run (default 60s)
//! ```
//!
//! - **Texts** are plain text (never markup), `{ en = "...", ko = "..." }`, both required.
//! - **Setup and solution items**: a [`Command`] in its serde form (`do = "..."`), where `broker`
//!   may also be a selector (`"leader:reserve-0"`, `"followers:reserve-0"`, `"coordinator:GROUP"`,
//!   `"all"`, or `"down"`: every crashed broker), resolved from the view when the item is applied,
//!   and durations (`latency`, `duration`, `per_record`) may be written `"200ms"`; in a solution
//!   also `{ run = "5s" }` (let the simulation run) and `{ shell = "kafka-topics ..." }` (a line
//!   typed in the terminal).
//! - **Conditions**: see [`Condition`] and [`Leaf`].
//!
//! [`Lesson::parse`] checks everything (the scenario name among the ones passed in, each command,
//! each condition) and refuses a bad file with a [`LessonError`] naming the file, the step and the
//! key; it never panics. [`LessonRun`] plays a lesson against a [`crate::session::Session`].

mod action;
mod condition;
mod eval;
mod facts;
mod headless;
mod run;

pub use action::{Action, BrokerTarget};
pub use condition::{
    ActionFilter, AnomalyCount, COMMAND_NAMES, CONSUMER_OPTIONS, Condition, EventFilter, EventName,
    GroupFacts, Leaf, PRODUCER_OPTIONS, PartitionFacts, ProducerFacts, RemovalCauseName,
};
pub use headless::{CHECK_EVERY, StepReport, Terminal, run_headless};
pub use run::{LessonRun, StepStatus};

use crate::scenario::{Scenario, parse_duration};
use crate::session::{ScenarioSource, Session};
use crate::time::SimTime;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The largest lesson file accepted, in bytes (256 KiB).
pub const MAX_LESSON_BYTES: usize = 256 * 1024;

/// The most steps a lesson may have.
pub const MAX_STEPS: usize = 100;

/// The most items a setup or a solution may have.
pub const MAX_ITEMS: usize = 64;

/// How long the headless check runs a step by default before giving up, in simulated time.
pub const DEFAULT_WITHIN: SimTime = SimTime::from_secs(60);

/// The longest `within` or `run` a lesson may ask for (one hour of simulated time).
pub const MAX_LESSON_DURATION: SimTime = SimTime::from_secs(3_600);

/// A text in English and Korean (plain text, shown as is).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English.
    pub en: String,
    /// Korean.
    pub ko: String,
}

impl Text {
    /// The text in `lang` (`"ko"` for Korean; English otherwise).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "ko" { &self.ko } else { &self.en }
    }
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// What is going on.
    pub text: Text,
    /// What to do.
    pub task: Text,
    /// What to notice.
    pub notice: Text,
    /// Commands applied when the step starts (no `run` or `shell` items).
    pub setup: Vec<Action>,
    /// What the simulation checks before offering Continue.
    pub condition: Condition,
    /// What a learner would do.
    pub solution: Vec<Action>,
    /// How long the headless check may run the step after its solution.
    pub within: SimTime,
}

/// A parsed, checked lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// The file it came from (for messages).
    pub file: String,
    /// Its id (letters, digits, `-`).
    pub id: String,
    /// Its title.
    pub title: Text,
    /// A one-line summary, for the catalog.
    pub summary: Option<Text>,
    /// The built-in scenario it starts from (a `tests/scenarios/*.toml` name).
    pub scenario: String,
    /// The seed; the scenario's own when `None`.
    pub seed: Option<u64>,
    /// How long the session runs before the first step (the cluster starting up), default 0.
    pub start_at: SimTime,
    /// The steps, in order (at least one).
    pub steps: Vec<Step>,
}

/// Why a lesson file was refused: the file, the step (from 1) and the key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {}{}{message}", step.map(|s| format!("step {s}: ")).unwrap_or_default(), if key.is_empty() { String::new() } else { format!("{key}: ") })]
pub struct LessonError {
    /// The lesson file.
    pub file: String,
    /// The step, from 1 (`None`: the lesson's own keys).
    pub step: Option<usize>,
    /// The key, e.g. `condition.of[1].event` (empty for the whole file).
    pub key: String,
    /// What is wrong.
    pub message: String,
}

/// Reads TOML through the crate's scenario reader (the one place this module touches it).
fn read_toml<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    crate::tomlish::from_str(text).map_err(|e| match e.span() {
        Some(span) => {
            let (line, column) = span.line_column(text);
            format!(
                "TOML parse error at line {line}, column {column}: {}",
                e.message()
            )
        }
        None => format!("TOML parse error: {}", e.message()),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    id: String,
    title: Text,
    #[serde(default)]
    summary: Option<Text>,
    scenario: String,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    start_at: Option<Value>,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    text: Value,
    task: Value,
    notice: Value,
    #[serde(default)]
    setup: Vec<Value>,
    condition: Value,
    #[serde(default)]
    solution: Vec<Value>,
    #[serde(default)]
    within: Option<Value>,
}

/// A duration given as `"5s"` (see [`parse_duration`]) or an integer of milliseconds, at most
/// [`MAX_LESSON_DURATION`].
pub(crate) fn duration_value(v: &Value) -> Result<SimTime, String> {
    let t = match v {
        Value::String(s) => parse_duration(s)?,
        Value::Number(n) => SimTime::from_millis(
            n.as_u64()
                .ok_or_else(|| format!("invalid duration {n}: a whole number of milliseconds"))?,
        ),
        other => return Err(format!("invalid duration {other}: expected e.g. \"5s\"")),
    };
    if t > MAX_LESSON_DURATION {
        return Err(format!("{v} is longer than 1h"));
    }
    Ok(t)
}

fn check_text(t: &Text) -> Result<(), String> {
    for (lang, s) in [("en", &t.en), ("ko", &t.ko)] {
        if s.trim().is_empty() {
            return Err(format!("{lang}: must not be empty"));
        }
        if s.chars().any(|c| c.is_control() && c != '\n') {
            return Err(format!("{lang}: control characters are not allowed"));
        }
    }
    Ok(())
}

impl Lesson {
    /// Parses and checks the lesson in `text` (from `file`); `scenarios` are the built-in scenario
    /// names it may start from. Never panics.
    pub fn parse(file: &str, text: &str, scenarios: &[&str]) -> Result<Lesson, LessonError> {
        let err = |step: Option<usize>, key: &str, message: String| LessonError {
            file: file.to_owned(),
            step,
            key: key.to_owned(),
            message,
        };
        if text.len() > MAX_LESSON_BYTES {
            let m = format!("{} bytes, more than the limit of {MAX_LESSON_BYTES}", text.len());
            return Err(err(None, "", m));
        }
        let raw: RawLesson = read_toml(text).map_err(|m| err(None, "", m))?;
        let id_ok = !raw.id.is_empty()
            && raw.id.len() <= 64
            && (raw.id.chars()).all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !id_ok {
            let m = format!("{:?}: use 1 to 64 letters, digits, '-' or '_'", raw.id);
            return Err(err(None, "id", m));
        }
        check_text(&raw.title).map_err(|m| err(None, &format!("title.{m}"), "invalid text".into()))?;
        if let Some(s) = &raw.summary {
            check_text(s).map_err(|m| err(None, &format!("summary.{m}"), "invalid text".into()))?;
        }
        if !scenarios.contains(&raw.scenario.as_str()) {
            let m = format!(
                "unknown scenario {:?}; the built-in scenarios are: {}",
                raw.scenario,
                scenarios.join(", ")
            );
            return Err(err(None, "scenario", m));
        }
        if raw.steps.is_empty() || raw.steps.len() > MAX_STEPS {
            let m = format!("a lesson needs 1 to {MAX_STEPS} steps ([[steps]])");
            return Err(err(None, "steps", m));
        }
        let start_at = match &raw.start_at {
            Some(v) => duration_value(v).map_err(|m| err(None, "start_at", m))?,
            None => SimTime::ZERO,
        };
        let mut steps = Vec::with_capacity(raw.steps.len());
        for (i, s) in raw.steps.into_iter().enumerate() {
            let n = Some(i + 1);
            let mut texts = Vec::with_capacity(3);
            for (key, v) in [("text", &s.text), ("task", &s.task), ("notice", &s.notice)] {
                let t: Text = serde_json::from_value(v.clone()).map_err(|e| err(n, key, e.to_string()))?;
                check_text(&t).map_err(|m| err(n, &format!("{key}.{m}"), "invalid text".into()))?;
                texts.push(t);
            }
            let [text, task, notice]: [Text; 3] =
                texts.try_into().map_err(|_| err(n, "text", "missing".into()))?;
            let items = |key: &str, list: &[Value], setup: bool| -> Result<Vec<Action>, LessonError> {
                if list.len() > MAX_ITEMS {
                    return Err(err(n, key, format!("more than {MAX_ITEMS} items")));
                }
                (list.iter().enumerate())
                    .map(|(j, v)| {
                        Action::parse(v, setup).map_err(|(k, m)| err(n, &format!("{key}[{j}]{k}"), m))
                    })
                    .collect()
            };
            let setup = items("setup", &s.setup, true)?;
            let solution = items("solution", &s.solution, false)?;
            if solution.is_empty() {
                return Err(err(
                    n,
                    "solution",
                    "a step needs a solution (at least { run = \"1s\" })".into(),
                ));
            }
            let condition =
                Condition::parse(&s.condition, 0).map_err(|(k, m)| err(n, &format!("condition{k}"), m))?;
            let within = match &s.within {
                Some(v) => duration_value(v).map_err(|m| err(n, "within", m))?,
                None => DEFAULT_WITHIN,
            };
            steps.push(Step {
                text,
                task,
                notice,
                setup,
                condition,
                solution,
                within,
            });
        }
        Ok(Lesson {
            file: file.to_owned(),
            id: raw.id,
            title: raw.title,
            summary: raw.summary,
            scenario: raw.scenario,
            seed: raw.seed,
            start_at,
            steps,
        })
    }

    /// A session of the lesson's scenario (whose TOML text the caller's catalog holds), with the
    /// lesson's seed, run to the lesson's `start_at`.
    pub fn session(&self, scenario_toml: &str) -> Result<Session, LessonError> {
        let err = |message: String| LessonError {
            file: self.file.clone(),
            step: None,
            key: "scenario".into(),
            message,
        };
        let scenario = Scenario::from_toml_str(scenario_toml).map_err(|e| err(e.to_string()))?;
        let seed = self.seed.unwrap_or(scenario.seed);
        let mut session = Session::new(ScenarioSource::Named(self.scenario.clone()), scenario, seed)
            .map_err(|e| err(e.to_string()))?;
        session.run_until(self.start_at);
        Ok(session)
    }
}
