//! The fuzz targets: each parser of user input, its corpus and tokens, and what the product does next
//! with an accepted input (a scenario builds a session, a permalink is opened as the web opens it).

use super::{Outcome, Target};
use crate::lesson::Lesson;
use crate::port::{ImportFormat, ImportOptions, import_files, parse_properties, parse_yaml};
use crate::scenario::Scenario;
use crate::session::{Command, Permalink, Position, ScenarioSource, Session};
use crate::shell::Shell;
use crate::shell::opts::{self, OptSpec};
use crate::shell::tokenize::{Tokens, tokenize};
use crate::sim::Simulation;
use crate::time::SimTime;

use super::corpus::*;

/// The options of `kafka-topics` and the console clients, for the option parser on its own.
const SPECS: &[OptSpec] = &[
    opts::with_arg("bootstrap-server", "String: server to connect to", ""),
    opts::with_arg("topic", "String: topic", ""),
    opts::with_arg("partitions", "Integer: # of partitions", ""),
    opts::with_arg("replication-factor", "Integer: replication factor", ""),
    opts::with_arg("config", "String: name=value", ""),
    opts::with_arg("property", "String: prop", ""),
    opts::with_arg("group", "String: consumer group", ""),
    opts::flag("list", ""),
    opts::flag("describe", ""),
    opts::flag("create", ""),
    opts::flag("from-beginning", ""),
    opts::flag("help", ""),
];

/// Every target, in the order `kafka-sim fuzz --target all` runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "scenario",
        about: "scenario TOML, then a session built from it",
        corpus: SCENARIO_TEXTS,
        generated: Vec::new,
        tokens: TOML_TOKENS,
        run: run_scenario,
    },
    Target {
        name: "lesson",
        about: "lesson files",
        corpus: LESSON_TEXTS,
        generated: Vec::new,
        tokens: TOML_TOKENS,
        run: run_lesson,
    },
    Target {
        name: "yaml",
        about: "the YAML reader (compose, Spring)",
        corpus: &[COMPOSE, SPRING_YML],
        generated: exports,
        tokens: YAML_TOKENS,
        run: run_yaml,
    },
    Target {
        name: "properties",
        about: "the .properties reader",
        corpus: PROPERTIES,
        generated: exports,
        tokens: PROPERTIES_TOKENS,
        run: run_properties,
    },
    Target {
        name: "import-compose",
        about: "import forced to docker-compose",
        corpus: &[COMPOSE],
        generated: exports,
        tokens: YAML_TOKENS,
        run: run_import_compose,
    },
    Target {
        name: "import-spring",
        about: "import forced to Spring (application.yml and .properties)",
        corpus: &[SPRING_YML, PROPERTIES[2]],
        generated: exports,
        tokens: YAML_TOKENS,
        run: run_import_spring,
    },
    Target {
        name: "import-properties",
        about: "import forced to client .properties",
        corpus: PROPERTIES,
        generated: exports,
        tokens: PROPERTIES_TOKENS,
        run: run_import_properties,
    },
    Target {
        name: "shell-words",
        about: "the shell tokenizer and the tools' option parser",
        corpus: SHELL_SCRIPTS,
        generated: Vec::new,
        tokens: SHELL_TOKENS,
        run: run_shell_words,
    },
    Target {
        name: "shell",
        about: "shell lines against a live seed-reserve simulation",
        corpus: SHELL_SCRIPTS,
        generated: Vec::new,
        tokens: SHELL_TOKENS,
        run: run_shell,
    },
    Target {
        name: "permalink",
        about: "permalinks (as is, re-checksummed, and as JSON), opened as the web opens them",
        corpus: &[],
        generated: permalinks,
        tokens: PERMALINK_TOKENS,
        run: run_permalink,
    },
];

fn scenario_names() -> Vec<&'static str> {
    SCENARIO_FILES.iter().map(|(n, _)| *n).collect()
}

fn run_scenario(text: &str) -> Outcome {
    let scenario = Scenario::from_toml_str(text).map_err(|e| e.to_string())?;
    let seed = scenario.seed;
    Session::new(ScenarioSource::Inline(text.to_owned()), scenario, seed).map_err(|e| e.to_string())?;
    Ok(())
}

fn run_lesson(text: &str) -> Outcome {
    Lesson::parse("fuzz.toml", text, &scenario_names()).map_err(|e| e.to_string())?;
    Ok(())
}

fn run_yaml(text: &str) -> Outcome {
    parse_yaml(text).map(drop).map_err(|e| e.to_string())
}

fn run_properties(text: &str) -> Outcome {
    parse_properties(text).map(drop).map_err(|e| e.to_string())
}

fn import(name: &str, text: &str, format: ImportFormat) -> Outcome {
    import_files(&[(name, text)], Some(format), &ImportOptions::default())
        .map(drop)
        .map_err(|e| e.to_string())
}

fn run_import_compose(text: &str) -> Outcome {
    import("docker-compose.yml", text, ImportFormat::Compose)
}

fn run_import_spring(text: &str) -> Outcome {
    // Both of Spring's file forms: the name decides which reader runs first.
    let name = if text.len().is_multiple_of(2) {
        "application.yml"
    } else {
        "application.properties"
    };
    import(name, text, ImportFormat::Spring)
}

fn run_import_properties(text: &str) -> Outcome {
    import("client.properties", text, ImportFormat::Properties)
}

fn run_shell_words(text: &str) -> Outcome {
    match tokenize(text) {
        Tokens::Incomplete => Err("incomplete".into()),
        Tokens::Words(words) => {
            let args = words.get(1..).unwrap_or_default();
            opts::parse(SPECS, args).map(drop).map_err(|e| e.message)
        }
    }
}

/// The most lines of one shell case: a terminal session of a few commands.
const SHELL_CASE_LINES: usize = 12;

thread_local! {
    /// The seed-reserve simulation once its topic is ready, built once per thread; every case runs on a
    /// clone.
    static SEED_SIM: Option<Simulation> = seed_sim();
}

fn seed_sim() -> Option<Simulation> {
    let text = SCENARIO_FILES.iter().find(|(n, _)| *n == "seed-reserve")?.1;
    let scenario = Scenario::from_toml_str(text).ok()?;
    let mut sim = Simulation::new(scenario.sim_spec()).ok()?;
    // Live: the topic exists and the seed's producer and group are running.
    while !sim.topic_ready("reserve") && sim.now() < SimTime::from_secs(30) {
        sim.run_until(sim.now() + SimTime::from_millis(100));
    }
    sim.run_until(sim.now() + SimTime::from_secs(1));
    Some(sim)
}

fn run_shell(text: &str) -> Outcome {
    let Some(mut sim) = SEED_SIM.with(Clone::clone) else {
        return Err("the seed-reserve scenario does not build".into());
    };
    let mut shell = Shell::new(42);
    let mut first_error = None;
    for line in text.split('\n').take(SHELL_CASE_LINES) {
        let out = shell.run_line(&mut sim, line);
        if out.exit.is_some_and(|c| c != 0) && first_error.is_none() {
            first_error = Some(
                out.stderr
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(120)
                    .collect(),
            );
        }
    }
    shell.end_of_input(&mut sim);
    first_error.map_or(Ok(()), Err)
}

/// How far an opened permalink is replayed: the web replays this much at once (`REPLAY_AT_ONCE`) and
/// the rest over animation frames, which the fuzzer leaves out to keep each case short.
const PERMALINK_REPLAY: SimTime = SimTime::from_secs(5);

fn run_permalink(text: &str) -> Outcome {
    // The JSON form (`localStorage`).
    if text.trim_start().starts_with('{') {
        let link = Permalink::from_json(text).map_err(|e| e.to_string())?;
        return open(&link);
    }
    // As is (a damaged link must be refused cleanly) ...
    let direct = Permalink::decode(text);
    // ... and re-checksummed, so mutations reach the decoder behind the checksum.
    let body = text.trim().strip_prefix("k1.").unwrap_or(text);
    let link = match reseal(body) {
        Some(resealed) => Permalink::decode(&resealed),
        None => direct,
    }
    .map_err(|e| e.to_string())?;
    open(&link)
}

/// Opens `link` as the web does (`open_permalink`): its scenario, a session with its log, replayed to
/// its position (at most [`PERMALINK_REPLAY`]).
fn open(link: &Permalink) -> Outcome {
    let text = match &link.scenario {
        ScenarioSource::Named(name) => {
            (SCENARIO_FILES.iter().find(|(n, _)| n == name))
                .ok_or_else(|| format!("there is no scenario named {name:?}"))?
                .1
        }
        ScenarioSource::Inline(text) => text.as_str(),
    };
    let scenario = Scenario::from_toml_str(text).map_err(|e| e.to_string())?;
    let mut session = Session::with_log(link.scenario.clone(), scenario, link.seed, link.actions.clone())
        .map_err(|e| e.to_string())?;
    session.seek_position(Position {
        step: link.position.step,
        at: link.position.at.min(PERMALINK_REPLAY),
    });
    Ok(())
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `body` read as base64 leniently (other characters skipped), its last 4 bytes replaced by the
/// payload's FNV-1a checksum, as a permalink string again.
fn reseal(body: &str) -> Option<String> {
    let sextets: Vec<u32> = (body.bytes())
        .filter_map(|c| B64.iter().position(|a| *a == c).map(|p| p as u32))
        .collect();
    let mut bytes = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, s)| n | s << (18 - 6 * i));
        for i in 0..chunk.len().saturating_sub(1) {
            bytes.push((n >> (16 - 8 * i)) as u8);
        }
    }
    let payload = bytes.get(..bytes.len().checked_sub(4)?)?;
    let mut h: u32 = 0x811c_9dc5;
    for b in payload {
        h = (h ^ u32::from(*b)).wrapping_mul(0x0100_0193);
    }
    let mut sealed = payload.to_vec();
    sealed.extend_from_slice(&h.to_be_bytes());
    let mut out = String::from("k1.");
    for chunk in sealed.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    Some(out)
}

/// Permalinks of a few sessions: named and inline scenarios, with and without actions.
fn permalinks() -> Vec<String> {
    let mut out = Vec::new();
    let session = |name: &str, inline: bool| {
        let text = SCENARIO_FILES.iter().find(|(n, _)| *n == name)?.1;
        let scenario = Scenario::from_toml_str(text).ok()?;
        let source = if inline {
            ScenarioSource::Inline(text.to_owned())
        } else {
            ScenarioSource::Named(name.to_owned())
        };
        let seed = scenario.seed;
        Session::new(source, scenario, seed).ok()
    };
    if let Some(mut s) = session("seed-reserve", false) {
        out.push(s.permalink().encode());
        s.run_until(SimTime::from_millis(500));
        let _ = s.apply(Command::CrashBroker { broker: 2 });
        s.run_until(SimTime::from_secs(1));
        let _ = s.apply(Command::AddMember {
            group: "data-platform-group".into(),
        });
        let _ = s.apply(Command::SetProducerConfig {
            producer: "reservation-service".into(),
            name: "acks".into(),
            value: "1".into(),
        });
        s.run_until(SimTime::from_millis(1_500));
        let _ = s.apply(Command::RestartBroker { broker: 2 });
        let _ = s.apply(Command::SlowBroker {
            broker: 1,
            latency: SimTime::from_millis(50),
        });
        out.push(s.permalink().encode());
        out.push(s.permalink().to_json());
    }
    if let Some(mut s) = session("linger-0", true) {
        s.run_until(SimTime::from_millis(200));
        let _ = s.apply(Command::HealNetwork);
        out.push(s.permalink().encode());
    }
    out
}

/// The seed scenario exported in every format: more compose, Spring and properties inputs.
fn exports() -> Vec<String> {
    use crate::port::{ExportFormat, ExportOptions, export};
    let Some(scenario) = SCENARIO_FILES
        .iter()
        .find(|(n, _)| *n == "seed-reserve")
        .and_then(|(_, t)| Scenario::from_toml_str(t).ok())
    else {
        return Vec::new();
    };
    let formats = [
        ExportFormat::Compose,
        ExportFormat::Kraft,
        ExportFormat::ProducerProperties,
        ExportFormat::ConsumerProperties,
        ExportFormat::Spring,
    ];
    (formats.iter())
        .filter_map(|f| export(&scenario, *f, &ExportOptions::default()).ok())
        .map(|e| e.text)
        .collect()
}
