//! CI's fuzz smoke run: a fixed number of cases of every fuzz target ([`kafka_sim::fuzz`]) under fixed
//! seeds, deterministic, so `cargo test` (and `cargo xtask test`) catches a parser that panics on a
//! mutated input. The bounded local run, by time and with fresh seeds, is `cargo xtask fuzz`.

use kafka_sim::fuzz::{TARGETS, Target, case};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Cases per target; the shell target runs commands against a live simulation, so it gets fewer.
fn cases(t: &Target) -> u64 {
    if t.name == "shell" { 150 } else { 300 }
}

#[test]
fn no_target_panics_on_its_smoke_cases() {
    let mut failures = Vec::new();
    for t in TARGETS {
        let seeds = t.seeds();
        let mut outcomes = (0u64, 0u64);
        for n in 0..cases(t) {
            let input = case(t, &seeds, 0x5EED, n);
            match catch_unwind(AssertUnwindSafe(|| (t.run)(&input))) {
                Ok(Ok(())) => outcomes.0 += 1,
                Ok(Err(_)) => outcomes.1 += 1,
                Err(_) => {
                    let shown: String = input.chars().take(2_000).collect();
                    failures.push(format!(
                        "{} panicked on case {n} (replay: kafka-sim fuzz --target {} --seed {} --case {n}):\n{shown}",
                        t.name,
                        t.name,
                        0x5EED
                    ));
                    break;
                }
            }
        }
        // The mutations reach past the parsers' first checks: some cases are refused, some accepted.
        assert!(outcomes.1 > 0, "{}: every case was accepted", t.name);
        if t.name != "permalink" {
            assert!(outcomes.0 > 0, "{}: every case was refused", t.name);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
