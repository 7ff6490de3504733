//! The session's terminal: the [`Shell`] that runs [`Command::Shell`] lines and the transcript of
//! what they printed. Both are part of the session's state at a position (snapshots hold them), so
//! time travel and permalinks reproduce the output: replay regenerates it.

use super::{Applied, Command, CommandError};
use crate::shell::{Shell, ShellOutput};
use crate::sim::Simulation;
use std::collections::VecDeque;

/// The most bytes of input and output a transcript keeps; older entries are dropped first.
pub const MAX_TRANSCRIPT_BYTES: usize = 256 * 1024;

/// The most entries a transcript keeps.
pub const MAX_TRANSCRIPT_ENTRIES: usize = 1_000;

/// One line given to the terminal and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranscriptEntry {
    /// The prompt shown when the line was typed (`$ `, or `>` inside the console producer).
    pub prompt: &'static str,
    /// The line as typed (`^D` for [`Command::EndOfInput`]).
    pub input: String,
    /// What it printed.
    pub output: ShellOutput,
}

impl TranscriptEntry {
    fn bytes(&self) -> usize {
        self.input.len() + self.output.stdout.len() + self.output.stderr.len()
    }
}

/// The outputs of the lines applied so far, bounded by [`MAX_TRANSCRIPT_ENTRIES`] and
/// [`MAX_TRANSCRIPT_BYTES`] (the oldest go first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    entries: VecDeque<TranscriptEntry>,
    bytes: usize,
    dropped: u64,
    total: u64,
}

impl Transcript {
    /// The entries kept, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &TranscriptEntry> + ExactSizeIterator {
        self.entries.iter()
    }

    /// How many entries were dropped to stay within the bounds.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// How many lines were ever given (kept or dropped): a cheap change counter for views.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// True when no line was given.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The transcript as a terminal shows it: each prompt and line, then stdout and stderr.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            out.push_str(e.prompt);
            out.push_str(&e.input);
            out.push('\n');
            out.push_str(&e.output.stdout);
            out.push_str(&e.output.stderr);
        }
        out
    }

    fn push(&mut self, entry: TranscriptEntry) {
        self.total += 1;
        self.bytes += entry.bytes();
        self.entries.push_back(entry);
        while self.entries.len() > MAX_TRANSCRIPT_ENTRIES
            || (self.bytes > MAX_TRANSCRIPT_BYTES && self.entries.len() > 1)
        {
            if let Some(e) = self.entries.pop_front() {
                self.bytes -= e.bytes();
                self.dropped += 1;
            }
        }
    }
}

/// A session's shell and transcript.
#[derive(Clone, Debug)]
pub(super) struct Terminal {
    pub(super) shell: Shell,
    pub(super) transcript: Transcript,
}

impl Terminal {
    pub(super) fn new(seed: u64) -> Terminal {
        Terminal {
            shell: Shell::new(seed),
            transcript: Transcript::default(),
        }
    }

    /// Applies `command` to `sim`, through the shell for terminal input.
    pub(super) fn apply(&mut self, sim: &mut Simulation, command: &Command) -> Result<Applied, CommandError> {
        let (input, output, prompt) = match command {
            Command::Shell { line } => {
                command.check_bounds()?;
                let prompt = self.shell.prompt();
                (line.clone(), self.shell.run_line(sim, line), prompt)
            }
            Command::EndOfInput => {
                let prompt = self.shell.prompt();
                ("^D".to_string(), self.shell.end_of_input(sim), prompt)
            }
            other => return other.apply(sim),
        };
        let message = match output.exit {
            Some(code) => format!("Terminal: {input} (exit {code})"),
            None => format!("Terminal: {input}"),
        };
        self.transcript.push(TranscriptEntry {
            prompt,
            input,
            output,
        });
        Ok(Applied::said(message))
    }
}
