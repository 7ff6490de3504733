//! `kafka-sim export --scenario FILE --format compose|kraft|producer-properties|consumer-properties|spring
//! [--producer NAME] [--group ID]`: writes a scenario's cluster and clients as a real configuration file on
//! stdout. What the format cannot carry is written as comments in the file and repeated on stderr.

use crate::check_cmd::{describe, read_limited};
use kafka_sim::port::{ExportFormat, ExportOptions, export};
use kafka_sim::scenario::Scenario;

const USAGE: &str = "usage: kafka-sim export --scenario FILE --format \
                     compose|kraft|producer-properties|consumer-properties|spring [--producer NAME] [--group ID]";

/// Runs `kafka-sim export`. `Ok` is `(file text, notes for stderr)`; `Err` the message for stderr.
pub fn run(args: &[String]) -> Result<(String, Vec<String>), String> {
    let (mut scenario, mut format) = (None, None);
    let mut options = ExportOptions::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("kafka-sim export: {flag} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--scenario" => scenario = Some(value("--scenario")?),
            "--format" => {
                let v = value("--format")?;
                format = Some(ExportFormat::parse(&v).map_err(|e| format!("kafka-sim export: {e}"))?);
            }
            "--producer" => options.producer = Some(value("--producer")?),
            "--group" => options.group = Some(value("--group")?),
            other => return Err(format!("kafka-sim export: unknown argument '{other}'\n{USAGE}")),
        }
    }
    let (Some(file), Some(format)) = (scenario, format) else {
        return Err(format!(
            "kafka-sim export: --scenario and --format are required\n{USAGE}"
        ));
    };
    let text = read_limited(&file)?;
    let scenario = Scenario::from_toml_str(&text).map_err(|e| describe(&file, &text, &e))?;
    let exported = export(&scenario, format, &options).map_err(|e| format!("kafka-sim export: {e}"))?;
    Ok((exported.text, exported.notes))
}
