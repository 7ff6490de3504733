//! Durations in scenario files: `"250ms"`, `"20s"`, `"2m"`, `"1h"`, `"1.5s"`, `"1m30s"`, or a TOML integer
//! of milliseconds.
//!
//! Units are `us` (also `µs`), `ms`, `s`, `m` and `h`. A number may have a decimal fraction as long as the
//! result is a whole number of microseconds (`"1.5ms"` is fine, `"0.0001ms"` is not). Several
//! number-unit pairs add up (`"1m30s"`). Arithmetic is exact integer arithmetic, never floating point.

use crate::time::SimTime;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;

const UNITS: &str = "us, ms, s, m or h";

/// A duration as written in the file, before it is checked.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawDuration {
    /// A string such as `"250ms"`.
    Text(String),
    /// A TOML integer: milliseconds.
    Millis(i64),
    /// A TOML float, which is refused (the unit would be ambiguous).
    Float(f64),
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"250ms\", \"20s\" or \"2m\", or an integer of milliseconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDuration, E> {
                Ok(RawDuration::Millis(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDuration, E> {
                Ok(RawDuration::Millis(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDuration, E> {
                Ok(RawDuration::Float(v))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl RawDuration {
    /// Checks the duration; the error is the message after the key path.
    pub(crate) fn resolve(&self) -> Result<SimTime, String> {
        match self {
            RawDuration::Text(text) => parse_duration(text),
            RawDuration::Millis(ms) if *ms < 0 => Err(format!("invalid duration {ms}: must not be negative")),
            RawDuration::Millis(ms) => Ok(SimTime::from_millis(ms.unsigned_abs())),
            RawDuration::Float(v) => Err(format!(
                "invalid duration {v}: a bare number must be a whole number of milliseconds; \
                 write a string with a unit, e.g. \"{v}s\""
            )),
        }
    }
}

/// Parses a duration string such as `"250ms"`, `"1.5s"` or `"1m30s"` into simulated time.
///
/// The error says what is wrong, e.g. `invalid duration "2x": expected a number followed by us, ms, s, m
/// or h`.
pub fn parse_duration(text: &str) -> Result<SimTime, String> {
    let invalid = |why: &str| format!("invalid duration {text:?}: {why}");
    let s = text.trim();
    if s.starts_with('-') {
        return Err(invalid("must not be negative"));
    }
    if s.is_empty() {
        return Err(invalid(&format!("expected a number followed by {UNITS}")));
    }
    let mut rest = s;
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_len);
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let micros_per_unit: u64 = match unit.trim() {
            "us" | "µs" => 1,
            "ms" => 1_000,
            "s" => 1_000_000,
            "m" => 60_000_000,
            "h" => 3_600_000_000,
            _ => return Err(invalid(&format!("expected a number followed by {UNITS}"))),
        };
        let micros = scaled(number, micros_per_unit).map_err(&invalid)?;
        total = total.checked_add(micros).ok_or_else(|| invalid("too large"))?;
        rest = next.trim_start();
    }
    Ok(SimTime::from_micros(total))
}

/// `number * unit` exactly, where `number` is digits with an optional decimal fraction.
fn scaled(number: &str, unit: u64) -> Result<u64, &'static str> {
    let expected = "expected a number followed by us, ms, s, m or h";
    let (int_part, frac_part) = match number.split_once('.') {
        Some((i, f)) => (i, f),
        None => (number, ""),
    };
    if (int_part.is_empty() && frac_part.is_empty()) || frac_part.contains('.') {
        return Err(expected);
    }
    let mut whole: u64 = 0;
    for d in int_part.bytes() {
        whole = whole
            .checked_mul(10)
            .and_then(|w| w.checked_add(u64::from(d - b'0')))
            .ok_or("too large")?;
    }
    let mut micros = whole.checked_mul(unit).ok_or("too large")?;
    // The fraction: each digit is worth unit / 10^k; the sum must be whole.
    let mut numerator: u128 = 0;
    let mut denominator: u128 = 1;
    for d in frac_part.bytes().take(30) {
        numerator = numerator * 10 + u128::from(d - b'0');
        denominator *= 10;
    }
    if frac_part.len() > 30 && frac_part.bytes().skip(30).any(|d| d != b'0') {
        return Err("not a whole number of microseconds");
    }
    let frac_micros = numerator * u128::from(unit);
    if !frac_micros.is_multiple_of(denominator) {
        return Err("not a whole number of microseconds");
    }
    let frac = u64::try_from(frac_micros / denominator).map_err(|_| "too large")?;
    micros = micros.checked_add(frac).ok_or("too large")?;
    Ok(micros)
}

/// Formats simulated time in the largest unit that is exact: `2h`, `120s` (seconds are preferred over
/// minutes, as Kafka's own configs count in ms and s), `250ms`, `15us`.
pub fn format_duration(t: SimTime) -> String {
    let us = t.as_micros();
    if us == 0 {
        "0s".to_owned()
    } else if us.is_multiple_of(1_000_000) {
        format!("{}s", us / 1_000_000)
    } else if us.is_multiple_of(1_000) {
        format!("{}ms", us / 1_000)
    } else {
        format!("{us}us")
    }
}
