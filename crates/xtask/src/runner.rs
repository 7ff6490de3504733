//! Running one named, timed step: echo its output live, count the tests it reports, and say how it ended.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Test counts scraped from a runner's closing lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
}

impl Counts {
    /// Adds what one output line reports, if it is a runner's summary line.
    ///
    /// Understands cargo test / wasm-bindgen-test-runner (`test result: ok. 3 passed; 0 failed; ...`)
    /// and Playwright's list reporter (`  4 passed (12.3s)`, `  1 failed`).
    pub fn scan(&mut self, line: &str) {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("test result: ") {
            self.passed += number_before(rest, " passed").unwrap_or(0);
            self.failed += number_before(rest, " failed").unwrap_or(0);
            return;
        }
        // Playwright: a line that is just "N passed (time)" or "N failed".
        let mut words = line.split_whitespace();
        if let (Some(n), Some(word)) = (words.next(), words.next())
            && let Ok(n) = n.parse::<u64>()
        {
            let rest: Vec<&str> = words.collect();
            let tail_ok = rest.is_empty() || (rest.len() == 1 && rest[0].starts_with('('));
            if tail_ok && word == "passed" {
                self.passed += n;
            } else if tail_ok && word == "failed" {
                self.failed += n;
            }
        }
    }

    /// The sum of two counts.
    pub fn add(self, other: Counts) -> Counts {
        Counts {
            passed: self.passed + other.passed,
            failed: self.failed + other.failed,
        }
    }
}

/// The number written just before `marker` in `text`, e.g. `3` in `ok. 3 passed;`.
fn number_before(text: &str, marker: &str) -> Option<u64> {
    let end = text.find(marker)?;
    let digits: String = text[..end]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

/// How a finished step went.
#[derive(Clone, Debug)]
pub struct StepResult {
    /// The step's name.
    pub name: String,
    /// How long it took.
    pub elapsed: Duration,
    /// Whether it succeeded.
    pub ok: bool,
    /// Tests it reported.
    pub counts: Counts,
}

/// A command to run as part of a step, with its working directory and extra environment.
pub struct Cmd {
    program: String,
    args: Vec<String>,
    dir: Option<String>,
    env: Vec<(String, String)>,
}

impl Cmd {
    /// `program args...`, split on spaces (no quoting; every argument here is a plain word).
    pub fn new(line: &str) -> Cmd {
        let mut words = line.split_whitespace().map(str::to_owned);
        let program = words.next().unwrap_or_default();
        Cmd {
            program,
            args: words.collect(),
            dir: None,
            env: Vec::new(),
        }
    }
    /// Adds one argument, which may contain spaces.
    pub fn arg(mut self, arg: impl Into<String>) -> Cmd {
        self.args.push(arg.into());
        self
    }
    /// Runs in `dir`.
    pub fn dir(mut self, dir: impl AsRef<Path>) -> Cmd {
        self.dir = Some(dir.as_ref().display().to_string());
        self
    }
    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Cmd {
        self.env.push((key.to_owned(), value.into()));
        self
    }
    /// The command line, for printing.
    pub fn display(&self) -> String {
        let mut s = self.program.clone();
        for a in &self.args {
            s.push(' ');
            s.push_str(a);
        }
        s
    }
    fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.args(&self.args);
        if let Some(d) = &self.dir {
            c.current_dir(d);
        }
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Runs to completion, echoing output live and counting reported tests.
    pub fn run(&self) -> Result<Counts, String> {
        let mut child = self
            .command()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start `{}`: {e}", self.display()))?;
        let counts = Arc::new(Mutex::new(Counts::default()));
        let out = child.stdout.take().map(|s| echo(s, false, Arc::clone(&counts)));
        let err = child.stderr.take().map(|s| echo(s, true, Arc::clone(&counts)));
        let status = child
            .wait()
            .map_err(|e| format!("`{}` did not finish: {e}", self.display()))?;
        for h in [out, err].into_iter().flatten() {
            let _ = h.join();
        }
        let counts = *counts.lock().unwrap_or_else(|p| p.into_inner());
        if status.success() {
            Ok(counts)
        } else {
            Err(format!("`{}` {}", self.display(), describe(status)))
        }
    }

    /// Runs quietly and returns stdout, or `None` if the program is missing or fails.
    pub fn output(&self) -> Option<String> {
        let out = self
            .command()
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs in the foreground with inherited output (for long-lived servers).
    pub fn exec(&self) -> Result<(), String> {
        let status = self
            .command()
            .status()
            .map_err(|e| format!("could not start `{}`: {e}", self.display()))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` {}", self.display(), describe(status)))
        }
    }
}

fn describe(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => "was killed by a signal".to_owned(),
    }
}

fn echo<R: Read + Send + 'static>(
    stream: R,
    to_stderr: bool,
    counts: Arc<Mutex<Counts>>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        while reader.read_until(b'\n', &mut buf).map(|n| n > 0).unwrap_or(false) {
            let line = String::from_utf8_lossy(&buf);
            if to_stderr {
                let _ = std::io::stderr().write_all(line.as_bytes());
            } else {
                let _ = std::io::stdout().write_all(line.as_bytes());
            }
            counts.lock().unwrap_or_else(|p| p.into_inner()).scan(&line);
            buf.clear();
        }
    })
}

/// Runs one step: prints its name, runs its commands in order, prints how long it took.
pub fn step(name: &str, cmds: &[Cmd]) -> StepResult {
    println!("\n==> {name}");
    let start = Instant::now();
    let mut counts = Counts::default();
    let mut failure = None;
    for cmd in cmds {
        println!("    $ {}", cmd.display());
        let _ = std::io::stdout().flush();
        match cmd.run() {
            Ok(c) => counts = counts.add(c),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let elapsed = start.elapsed();
    match &failure {
        None => println!("<== {name}: ok in {}", secs(elapsed)),
        Some(e) => println!("<== {name}: FAILED after {}: {e}", secs(elapsed)),
    }
    StepResult {
        name: name.to_owned(),
        elapsed,
        ok: failure.is_none(),
        counts,
    }
}

/// A duration as seconds with one decimal, e.g. `12.3s`.
pub fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_cargo_test_summaries() {
        let mut c = Counts::default();
        c.scan(
            "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s",
        );
        c.scan("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out");
        assert_eq!(
            c,
            Counts {
                passed: 15,
                failed: 2
            }
        );
    }

    #[test]
    fn scans_playwright_summaries_but_not_prose() {
        let mut c = Counts::default();
        c.scan("  4 passed (12.3s)");
        c.scan("  1 failed");
        c.scan("  2 passed tests were slow and more words");
        c.scan("running 3 tests");
        assert_eq!(c, Counts { passed: 4, failed: 1 });
    }

    #[test]
    fn a_failing_command_names_itself() {
        let err = Cmd::new("false").run().unwrap_err();
        assert!(err.contains("`false` exited with status 1"), "{err}");
        let err = Cmd::new("no-such-program-xtask").run().unwrap_err();
        assert!(err.contains("could not start"), "{err}");
    }

    #[test]
    fn a_step_reports_failure_and_timing() {
        let r = step("demo", &[Cmd::new("true"), Cmd::new("false"), Cmd::new("true")]);
        assert!(!r.ok);
        assert_eq!(r.name, "demo");
        let r = step("demo2", &[Cmd::new("true")]);
        assert!(r.ok);
    }
}
