//! `kafka-sim partition --partitions N KEY...`: which partition Kafka's default partitioner picks for
//! each key, hashing the key's `StringSerializer` (UTF-8) bytes with murmur2 over all N partitions.

use kafka_sim::config::SerdeKind;
use kafka_sim::partitioner::partition_for_key;
use kafka_sim::serialization::serialize;

const USAGE: &str = "usage: kafka-sim partition --partitions N KEY...";

/// Runs `kafka-sim partition` with the arguments after the command name. `Ok` is what to print on stdout;
/// `Err` is the message for stderr (the binary then exits 2).
pub fn run(args: &[String]) -> Result<String, String> {
    let mut partitions: Option<i32> = None;
    let mut keys: Vec<&str> = Vec::new();
    let mut rest = args.iter();
    let mut only_keys = false;
    while let Some(arg) = rest.next() {
        if only_keys {
            keys.push(arg);
            continue;
        }
        let value = if arg == "--partitions" {
            Some(
                rest.next()
                    .ok_or_else(|| format!("kafka-sim partition: --partitions needs a value\n{USAGE}"))?
                    .as_str(),
            )
        } else {
            arg.strip_prefix("--partitions=")
        };
        match value {
            Some(v) => {
                if partitions.is_some() {
                    return Err(format!("kafka-sim partition: --partitions given twice\n{USAGE}"));
                }
                partitions = Some(parse_partitions(v)?);
            }
            None if arg == "--" => only_keys = true,
            None if arg.starts_with("--") => {
                return Err(format!("kafka-sim partition: unknown option '{arg}'\n{USAGE}"));
            }
            None => keys.push(arg),
        }
    }
    let partitions =
        partitions.ok_or_else(|| format!("kafka-sim partition: --partitions is required\n{USAGE}"))?;
    if keys.is_empty() {
        return Err(format!("kafka-sim partition: give at least one KEY\n{USAGE}"));
    }
    let mut out = String::new();
    for key in keys {
        let bytes = serialize(SerdeKind::String, Some(key))
            .map_err(|e| format!("kafka-sim partition: {e}"))?
            .unwrap_or_default();
        out.push_str(&format!("{key}\t{}\n", partition_for_key(&bytes, partitions)));
    }
    Ok(out)
}

fn parse_partitions(v: &str) -> Result<i32, String> {
    match v.parse::<i32>() {
        Ok(n) if n >= 1 => Ok(n),
        Ok(n) => Err(format!(
            "kafka-sim partition: --partitions must be at least 1, got {n}"
        )),
        Err(_) => Err(format!(
            "kafka-sim partition: --partitions: '{v}' is not a whole number"
        )),
    }
}
