//! The in-house TOML parser on the example scenarios and on thousands of random mutations of them: it
//! never panics, answers in bounded time, and its spans point at the text of each value.

use kafka_sim::fuzz;
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

/// `tomlish::parse` and `Scenario::from_toml_str` never panic on any text and take bounded time: each
/// of thousands of mutated example files is parsed within a generous limit.
#[test]
fn mutated_scenarios_never_panic_and_parse_quickly() {
    // The cases are the fuzzer's own (`kafka_sim::fuzz`, target `scenario`: the example files mutated
    // by TOML-aware edits), so this test and `kafka-sim fuzz` explore the same space.
    let target = fuzz::target("scenario").expect("the scenario fuzz target");
    let seeds = target.seeds();
    assert!(seeds.len() >= 20, "{}", seeds.len());
    let limit = Duration::from_secs(2);
    let (mut cases, mut accepted) = (0usize, 0usize);
    for n in 0..6_000 {
        let garbled = fuzz::case(target, &seeds, 0x05EE_D0F7_04D1, n);
        let started = Instant::now();
        let parsed = tomlish::parse(&garbled);
        let _ = Scenario::from_toml_str(&garbled);
        let took = started.elapsed();
        assert!(took < limit, "case {n}: {took:?} for\n{garbled}");
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
