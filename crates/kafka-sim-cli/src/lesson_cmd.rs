//! `kafka-sim lesson FILE [--scenarios DIR] [--lang en|ko]`: plays a lesson headless with its
//! solutions and prints each step's text and whether its condition was reached: a teacher's check
//! of a new lesson file.
//!
//! The lesson's scenario is read from `DIR/NAME.toml` (default: the repository's `tests/scenarios`).
//! Exits 2 when the file is invalid or a step fails (its condition was already met before the
//! solution, was not reached within the step's `within`, or a solution item was refused).

use kafka_sim::lesson::{Lesson, run_headless};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: kafka-sim lesson FILE [--scenarios DIR] [--lang en|ko]";

/// The built-in scenarios' directory of this repository.
fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios")
}

/// Runs `kafka-sim lesson` with the arguments after the command name.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut file = None;
    let mut dir = default_dir();
    let mut lang = "en".to_owned();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--scenarios" => {
                dir = PathBuf::from(
                    it.next()
                        .ok_or(format!("--scenarios needs a directory\n{USAGE}"))?,
                )
            }
            "--lang" => {
                lang = it
                    .next()
                    .ok_or(format!("--lang needs en or ko\n{USAGE}"))?
                    .clone()
            }
            s if s.starts_with("--") => {
                return Err(format!("kafka-sim lesson: unknown option '{s}'\n{USAGE}"));
            }
            s if file.is_none() => file = Some(s.to_owned()),
            _ => return Err(format!("kafka-sim lesson: expected one lesson file\n{USAGE}")),
        }
    }
    let file = file.ok_or(format!("kafka-sim lesson: expected one lesson file\n{USAGE}"))?;
    let text = crate::check_cmd::read_limited(&file)?;
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("kafka-sim lesson: {}: {e}", dir.display()))?
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".toml")
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let lesson = Lesson::parse(&file, &text, &refs).map_err(|e| e.to_string())?;
    let scenario_file = dir.join(format!("{}.toml", lesson.scenario));
    let scenario = crate::check_cmd::read_limited(&scenario_file.to_string_lossy())?;
    let mut session = lesson.session(&scenario).map_err(|e| e.to_string())?;
    // Shell lines run in the session's terminal, so their effects are simulated too.
    let mut terminal = |s: &mut kafka_sim::session::Session, line: &str| {
        let _ = s.apply(kafka_sim::session::Command::Shell { line: line.into() });
    };
    let (_, reports) = run_headless(&lesson, &mut session, Some(&mut terminal)).map_err(|e| e.to_string())?;
    let mut out = format!(
        "{} ({}): {}\n",
        lesson.title.get(&lang),
        lesson.id,
        lesson.scenario
    );
    let mut failed = 0;
    for (step, r) in lesson.steps.iter().zip(&reports) {
        let verdict = match (&r.error, r.pending_before, r.reached) {
            (Some(e), _, _) => format!("FAILED: {e}"),
            (None, false, _) => "FAILED: already met before the solution".to_owned(),
            (None, true, false) => format!("FAILED: not reached within {} s", step.within.as_secs_f64()),
            (None, true, true) => format!("reached at {:.1} s", r.ended.as_secs_f64()),
        };
        if !r.ok() {
            failed += 1;
        }
        out.push_str(&format!(
            "\nstep {} ({:.1} s): {}\n",
            r.index + 1,
            r.started.as_secs_f64(),
            step.text.get(&lang)
        ));
        out.push_str(&format!(
            "  task: {}\n  notice: {}\n  {verdict}\n",
            step.task.get(&lang),
            step.notice.get(&lang)
        ));
        if r.shell_untyped {
            out.push_str("  (shell lines counted as typed; no terminal ran them)\n");
        }
    }
    if failed > 0 {
        return Err(format!("{out}\n{failed} step(s) failed"));
    }
    out.push_str(&format!("\nall {} steps reached\n", reports.len()));
    Ok(out)
}
