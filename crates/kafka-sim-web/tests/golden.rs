//! The wasm build must produce the same trace as the host: same seed, same hash.
//!
//! `golden_run` and the golden file come from the kernel (`crates/kafka-sim`, `tests/golden/`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("../../../tests/golden/trace_hash_seed42.txt");

fn parse_hex(text: &str) -> u64 {
    let t = text.trim();
    let digits = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
    u64::from_str_radix(digits, 16).unwrap_or_else(|e| panic!("golden hash {t:?} is not hex: {e}"))
}

#[wasm_bindgen_test]
fn trace_hash_matches_host_golden() {
    let sim = kafka_sim::sim::golden_run(42);
    assert_eq!(
        sim.trace_hash(),
        parse_hex(GOLDEN),
        "wasm trace differs from the host's golden"
    );
}
