//! The in-house TOML parser on the example scenarios and on thousands of random mutations of them: it
//! never panics, answers in bounded time, and its spans point at the text of each value.

use kafka_sim::scenario::Scenario;
use kafka_sim::tomlish::{self, Item, Table, Value};
use std::time::{Duration, Instant};

fn example_files() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("readable"),
            )
        })
        .collect();
    files.sort();
    files
}

/// xorshift64: a fixed seed, so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to TOML's grammar, plus a multi-byte character and a control character.
const ALPHABET: &[&[u8]] = &[
    b"\"",
    b"'",
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"{",
    b"}",
    b"=",
    b".",
    b",",
    b"#",
    b"\n",
    b"\r",
    b"\t",
    b" ",
    b"_",
    b"-",
    b"+",
    b"0",
    b"9",
    b"e",
    b"x",
    b"o",
    b"b",
    b"inf",
    b"nan",
    b"true",
    b"\\",
    b"\\u",
    b"\"\"\"",
    b"'''",
    b":",
    b"1979-05-27",
    "µ".as_bytes(),
    b"\x01",
    b"a.b.c",
    b"[[[[[[[[",
    b"{a={b={",
];

/// One random edit: replace, insert or delete a byte or a token, or truncate.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let at = rng.below(bytes.len() + 1);
    let token = ALPHABET[rng.below(ALPHABET.len())];
    match rng.below(5) {
        0 if at < bytes.len() => bytes[at] = token[0],
        1 => {
            bytes.splice(at..at, token.iter().copied());
        }
        2 if at < bytes.len() => {
            bytes.remove(at);
        }
        3 => bytes.truncate(at),
        _ => {
            let len = rng.below(16).min(bytes.len() - at.min(bytes.len()));
            bytes.drain(at..at + len);
        }
    }
}

/// `tomlish::parse` and `Scenario::from_toml_str` never panic on any text and take bounded time: each
/// of thousands of mutated example files (1 to 4 edits each) is parsed within a generous limit.
#[test]
fn mutated_scenarios_never_panic_and_parse_quickly() {
    let files = example_files();
    assert!(files.len() >= 20, "{}", files.len());
    let mut rng = Rng(0x05EE_D0F7_04D1);
    let limit = Duration::from_secs(2);
    let (mut cases, mut accepted) = (0usize, 0usize);
    for (path, text) in &files {
        for _ in 0..200 {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..=rng.below(4) {
                mutate(&mut rng, &mut bytes);
            }
            let garbled = String::from_utf8_lossy(&bytes);
            let started = Instant::now();
            let parsed = tomlish::parse(&garbled);
            let _ = Scenario::from_toml_str(&garbled);
            let took = started.elapsed();
            assert!(took < limit, "{path}: {took:?} for\n{garbled}");
            if let Err(e) = &parsed {
                // Every error points inside the text (or at its end).
                let span = e.span().expect("a syntax error has a span");
                assert!(
                    span.start <= garbled.len() && garbled.is_char_boundary(span.start),
                    "{e}"
                );
            } else {
                accepted += 1;
            }
            cases += 1;
        }
    }
    assert!(cases >= 4000, "{cases}");
    // The mutations are not all fatal: some still parse (comments and strings take edits).
    assert!(accepted > cases / 20 && accepted < cases, "{accepted} of {cases}");
}

/// Pathological inputs: deep nesting, long keys and strings, many keys, finish quickly with an error or
/// a value.
#[test]
fn pathological_inputs_are_bounded() {
    let many_keys: String = (0..50_000).map(|i| format!("k{i} = {i}\n")).collect();
    let cases = [
        "[".repeat(500_000),
        "{".repeat(500_000),
        format!("a = {}", "[".repeat(500_000)),
        format!("a = {}", "{ b = ".repeat(200_000)),
        format!("{} = 1", "a.".repeat(200_000)),
        format!("[{}]", "a.".repeat(200_000)),
        "[[a]]\n".repeat(100_000),
        format!("a = \"{}\"", "\\u00e9".repeat(100_000)),
        format!("a = \"\"\"{}\"\"\"", "\"\"\\\n".repeat(100_000)),
        many_keys,
        "# comment\n".repeat(100_000),
    ];
    for text in &cases {
        let started = Instant::now();
        let _ = tomlish::parse(text);
        let _ = Scenario::from_toml_str(text);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{}",
            &text[..40.min(text.len())]
        );
    }
}

/// Checks that each scalar's span holds text that parses, alone, to the same value.
fn check_spans(text: &str, table: &Table, checked: &mut usize) {
    for entry in table.entries() {
        check_item(text, &entry.item, checked);
    }
}

fn check_item(text: &str, item: &Item, checked: &mut usize) {
    let written = &text[item.span.start..item.span.end];
    match &item.value {
        // A header's table spans its header: check its entries instead.
        Value::Table(t) if written.starts_with('[') => check_spans(text, t, checked),
        Value::Table(t) if !written.starts_with('{') => check_spans(text, t, checked),
        Value::Array(a) if written.starts_with("[[") => {
            a.items.iter().for_each(|i| check_item(text, i, checked));
        }
        // An array or inline table spans its brackets; its elements are checked one by one.
        Value::Array(a) => {
            assert!(written.starts_with('[') && written.ends_with(']'), "{written}");
            a.items.iter().for_each(|i| check_item(text, i, checked));
        }
        Value::Table(t) => {
            assert!(written.starts_with('{') && written.ends_with('}'), "{written}");
            check_spans(text, t, checked);
        }
        value => {
            let alone = tomlish::parse(&format!("v = {written}")).expect(written);
            assert_eq!(alone.get("v").map(|i| &i.value), Some(value), "{written}");
            *checked += 1;
        }
    }
}

/// Every example scenario parses, and the spans of its values point at their text.
#[test]
fn every_example_parses_with_exact_spans() {
    let mut checked = 0;
    for (path, text) in example_files() {
        let table = tomlish::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(table.get("duration").is_some(), "{path}");
        check_spans(&text, &table, &mut checked);
    }
    assert!(checked > 100, "{checked}");
}
