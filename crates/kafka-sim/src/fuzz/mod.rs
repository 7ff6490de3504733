//! A seeded mutation fuzzer for every parser of user input: scenario TOML, lesson files, docker-compose,
//! Spring YAML and `.properties` (each importer forced), shell command lines and permalinks.
//!
//! cargo-fuzz needs a nightly toolchain, so this is a small stand-in that needs no crate beyond the
//! core's own: each [`Target`] is data (a name, a corpus of real inputs, tokens that matter to its
//! format, and the function under test), and [`case`] turns `(target, seed, case number)` into one
//! input by mutating the corpus with a [`SimRng`] (byte flips, deletions, insertions of the format's
//! tokens, long runs, deep nesting, huge numbers, NUL and invalid UTF-8 read lossily, splices between
//! corpus entries, truncation). The same triple always gives the same input, so a case found by
//! `kafka-sim fuzz` is replayed from its seed and number alone.
//!
//! The core stays pure: no clock and no `catch_unwind` here. The runner (`kafka-sim fuzz`, in the CLI)
//! times each case, flags hangs and catches panics; `tests/fuzz_smoke.rs` runs a fixed number of cases
//! of every target.

mod corpus;
mod targets;

use crate::rng::SimRng;

pub use targets::TARGETS;

/// What one case gave: `Ok` when the input was accepted, else the parser's error message.
pub type Outcome = Result<(), String>;

/// One fuzz target: a parser and what to feed it.
#[derive(Clone, Copy)]
pub struct Target {
    /// The target's name, e.g. `scenario` (`kafka-sim fuzz --target NAME`).
    pub name: &'static str,
    /// What the target exercises, for the runner's table.
    pub about: &'static str,
    /// Real inputs of the format (files of the repository, embedded).
    pub corpus: &'static [&'static str],
    /// More real inputs, computed (e.g. permalinks of a few sessions, exports of the seed scenario).
    pub generated: fn() -> Vec<String>,
    /// Tokens that mean something in the format; the mutator inserts them.
    pub tokens: &'static [&'static str],
    /// Runs the parser (and what the product does next with a success) on one input.
    pub run: fn(&str) -> Outcome,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// The corpus and the generated inputs together: what [`case`] mutates.
    pub fn seeds(&self) -> Vec<String> {
        let mut all: Vec<String> = self.corpus.iter().map(|s| (*s).to_owned()).collect();
        all.extend((self.generated)());
        if all.is_empty() {
            all.push(String::new());
        }
        all
    }
}

/// The target named `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// Tokens every format gets: quotes, escapes, separators, and the bytes parsers trip on.
const COMMON_TOKENS: &[&str] = &[
    "\"",
    "'",
    "\\",
    "\\u",
    "\\u{",
    "\\U0010FFFF",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\0",
    "#",
    "=",
    ":",
    ",",
    "[",
    "]",
    "{",
    "}",
    "-",
    "--",
    "0",
    "-1",
    "1e309",
    "NaN",
    "inf",
    "true",
    "null",
    "\u{FEFF}",
    "\u{202E}",
    "é",
    "한",
    "🦀",
];

/// Numbers at and past the edges of every integer type a parser may read into.
const HUGE_NUMBERS: &[&str] = &[
    "99999999999999999999999999999999",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "-9223372036854775809",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967296",
    "65536",
    "1e308",
    "0.000000000000000000000000001",
    "0x7fffffffffffffff",
    "1_000_000_000_000",
];

/// Byte sequences that are not UTF-8 (the mutator reads its result lossily, as a pasted file is).
const BAD_BYTES: &[&[u8]] = &[
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x82",
    b"\x80",
];

/// The largest input the mutator builds from repetition (past every parser's 1 MiB limit, once in a
/// while).
const MAX_RUN: usize = (1 << 20) + 4096;

/// The input of case `n` of `target` under `seed`, mutated from `seeds` (the target's [`Target::seeds`],
/// computed once by the caller). The same arguments always give the same input.
pub fn case(target: &Target, seeds: &[String], seed: u64, n: u64) -> String {
    let mut rng = SimRng::new(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ name_hash(target.name));
    let pick = |rng: &mut SimRng| seeds[rng.below(seeds.len() as u64) as usize].as_bytes().to_vec();
    let mut bytes = pick(&mut rng);
    // One case in 16 is a corpus entry as is, so every seed is also run unchanged.
    if rng.below(16) == 0 {
        return String::from_utf8_lossy(&bytes).into_owned();
    }
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        let other = pick(&mut rng);
        mutate(&mut rng, &mut bytes, &other, target.tokens);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// A position in `0..=len`, often at a line start (where most formats begin a construct).
fn position(rng: &mut SimRng, bytes: &[u8]) -> usize {
    let p = rng.below(bytes.len() as u64 + 1) as usize;
    if rng.below(2) == 0 {
        return p;
    }
    bytes[..p].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)
}

fn token<'a>(rng: &mut SimRng, tokens: &[&'a str]) -> &'a str {
    if !tokens.is_empty() && rng.below(3) != 0 {
        tokens[rng.below(tokens.len() as u64) as usize]
    } else {
        COMMON_TOKENS[rng.below(COMMON_TOKENS.len() as u64) as usize]
    }
}

fn insert(bytes: &mut Vec<u8>, at: usize, what: &[u8]) {
    bytes.splice(at..at, what.iter().copied());
}

/// One mutation of `bytes`; `other` is another corpus entry to splice from.
fn mutate(rng: &mut SimRng, bytes: &mut Vec<u8>, other: &[u8], tokens: &[&str]) {
    let len = bytes.len();
    match rng.below(14) {
        // Flip one bit.
        0 if len > 0 => {
            let i = rng.below(len as u64) as usize;
            bytes[i] ^= 1 << rng.below(8);
        }
        // Set one byte to anything.
        1 if len > 0 => {
            let i = rng.below(len as u64) as usize;
            bytes[i] = rng.below(256) as u8;
        }
        // Delete a range.
        2 if len > 0 => {
            let at = rng.below(len as u64) as usize;
            let n = (1 + rng.below(32) as usize).min(len - at);
            bytes.drain(at..at + n);
        }
        // Insert a token of the format (twice as likely as the others).
        3 | 4 => {
            let at = position(rng, bytes);
            let t = token(rng, tokens);
            insert(bytes, at, t.as_bytes());
        }
        // A huge or edge number, replacing a number in place when there is one.
        5 => {
            let num = HUGE_NUMBERS[rng.below(HUGE_NUMBERS.len() as u64) as usize].as_bytes();
            let at = rng.below(len as u64 + 1) as usize;
            match bytes[at..].iter().position(u8::is_ascii_digit) {
                Some(d) => {
                    let start = at + d;
                    let end = start + bytes[start..].iter().take_while(|b| b.is_ascii_digit()).count();
                    bytes.splice(start..end, num.iter().copied());
                }
                None => insert(bytes, at, num),
            }
        }
        // NUL or bytes that are not UTF-8.
        6 => {
            let at = rng.below(len as u64 + 1) as usize;
            let bad = BAD_BYTES[rng.below(BAD_BYTES.len() as u64) as usize];
            insert(bytes, at, if rng.below(4) == 0 { b"\0" } else { bad });
        }
        // A long run of a token: deep nesting (`[[[[`…), long words, many lines.
        7 => {
            let at = position(rng, bytes);
            let t = token(rng, tokens).as_bytes();
            let n = match rng.below(64) {
                0 => MAX_RUN / t.len().max(1),
                1..=8 => 1_000 + rng.below(20_000) as usize,
                _ => 2 + rng.below(300) as usize,
            };
            let run: Vec<u8> = t
                .iter()
                .copied()
                .cycle()
                .take((n * t.len()).min(MAX_RUN))
                .collect();
            insert(bytes, at, &run);
        }
        // Splice: our head, another entry's tail.
        8 => {
            let at = rng.below(len as u64 + 1) as usize;
            let from = rng.below(other.len() as u64 + 1) as usize;
            bytes.truncate(at);
            bytes.extend_from_slice(&other[from..]);
        }
        // Insert a chunk of another entry.
        9 if !other.is_empty() => {
            let from = rng.below(other.len() as u64) as usize;
            let n = (1 + rng.below(200) as usize).min(other.len() - from);
            let at = position(rng, bytes);
            insert(bytes, at, &other[from..from + n]);
        }
        // Truncate.
        10 => {
            let at = rng.below(len as u64 + 1) as usize;
            bytes.truncate(at);
        }
        // Duplicate a line (repeated keys, tables, steps).
        11 if len > 0 => {
            let at = position(rng, bytes);
            let end = bytes[at..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(len, |i| at + i + 1);
            let line = bytes[at..end].to_vec();
            insert(bytes, end, &line);
        }
        // Delete a line.
        12 if len > 0 => {
            let at = position(rng, bytes);
            let end = bytes[at..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(len, |i| at + i + 1);
            bytes.drain(at..end);
        }
        // Swap two bytes' neighbourhoods: a character moved.
        _ if len > 1 => {
            let i = rng.below(len as u64) as usize;
            let j = rng.below(len as u64) as usize;
            bytes.swap(i, j);
        }
        _ => insert(bytes, 0, token(rng, tokens).as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_deterministic_and_varied() {
        let t = target("scenario").expect("scenario target");
        let seeds = t.seeds();
        let a: Vec<String> = (0..50).map(|n| case(t, &seeds, 7, n)).collect();
        let b: Vec<String> = (0..50).map(|n| case(t, &seeds, 7, n)).collect();
        assert_eq!(a, b);
        let mut distinct = a.clone();
        distinct.sort();
        distinct.dedup();
        assert!(
            distinct.len() > 40,
            "only {} distinct cases of 50",
            distinct.len()
        );
        assert_ne!(a, (0..50).map(|n| case(t, &seeds, 8, n)).collect::<Vec<_>>());
    }

    #[test]
    fn every_target_has_seeds_and_accepts_some_of_them() {
        for t in TARGETS {
            let seeds = t.seeds();
            assert!(!seeds.is_empty(), "{}", t.name);
            assert!(
                seeds.iter().any(|s| (t.run)(s).is_ok()),
                "{}: no corpus entry is accepted",
                t.name
            );
        }
    }
}
