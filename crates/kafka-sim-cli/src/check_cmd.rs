//! `kafka-sim check SCENARIO.toml`: validates a scenario file without running it.
//!
//! On success prints `FILE: ok — <summary>` and then the log lines Kafka would print for the scenario's
//! configurations (`INFO producers[0].config: Idempotence will be disabled ...`). On failure the message
//! names the file, then the TOML line and column (with the offending line) or the key path, and for a
//! refused property table Kafka's own message (for a client constructor's error, followed by the Java
//! exception chain: `org.apache.kafka.common.KafkaException: Failed to construct kafka consumer`,
//! `Caused by: ...`). `-` reads the scenario from stdin.

use kafka_sim::scenario::{MAX_SCENARIO_BYTES, Scenario, ScenarioError};
use std::io::Read;

const USAGE: &str = "usage: kafka-sim check SCENARIO.toml   (- reads stdin)";

/// Runs `kafka-sim check` with the arguments after the command name. `Ok` is what to print on stdout;
/// `Err` is the message for stderr (the binary then exits 2).
pub fn run(args: &[String]) -> Result<String, String> {
    let [file] = args else {
        return Err(format!("kafka-sim check: expected one scenario file\n{USAGE}"));
    };
    if file.starts_with("--") {
        return Err(format!("kafka-sim check: unknown option '{file}'\n{USAGE}"));
    }
    let text = read_limited(file)?;
    match Scenario::from_toml_str(&text) {
        Ok(scenario) => {
            let mut out = format!("{file}: ok — {}\n", scenario.summary());
            for warning in &scenario.warnings {
                out.push_str(&format!("{warning}\n"));
            }
            Ok(out)
        }
        Err(e) => Err(describe(file, &text, &e)),
    }
}

/// Reads the file (or stdin for `-`), refusing more than [`MAX_SCENARIO_BYTES`].
pub(crate) fn read_limited(file: &str) -> Result<String, String> {
    let limit = MAX_SCENARIO_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let result = if file == "-" {
        std::io::stdin().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    let name = if file == "-" { "stdin" } else { file };
    result.map_err(|e| format!("kafka-sim check: cannot read {name}: {e}"))?;
    if bytes.len() > MAX_SCENARIO_BYTES {
        return Err(format!(
            "{file}: the scenario is larger than the limit of {MAX_SCENARIO_BYTES} bytes (1 MiB)"
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("{file}: the scenario is not valid UTF-8: {e}"))
}

/// The error message, with the offending line of the file under a TOML error.
pub(crate) fn describe(file: &str, text: &str, e: &ScenarioError) -> String {
    let mut out = format!("{file}: {e}");
    // A client constructor's error: the exception chain as the JVM prints it, e.g. `KafkaException: Failed
    // to construct kafka consumer` caused by `IllegalArgumentException: Heartbeat must be set lower ...`.
    if let Some(error) = e.config_error()
        && error.cause().is_some()
    {
        for line in error.java_trace() {
            out.push_str(&format!("\n{line}"));
        }
    }
    if let (Some(line), ScenarioError::Syntax { column, .. }) = (e.line(), e)
        && let Some(source) = text.lines().nth(line.saturating_sub(1))
    {
        let gutter = line.to_string().len();
        out.push_str(&format!("\n{line} | {source}"));
        if let Some(column) = column {
            let pad = " ".repeat(column.saturating_sub(1));
            out.push_str(&format!("\n{} | {pad}^", " ".repeat(gutter)));
        }
    }
    out
}
