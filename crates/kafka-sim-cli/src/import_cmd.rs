//! `kafka-sim import FILE... [--format compose|spring|properties] [--topic T] [--rate R] [--duration D]`:
//! reads real configuration files (a docker-compose file, Spring's `application.yml` /
//! `application.properties`, `producer.properties` / `consumer.properties`) and prints the equivalent
//! scenario TOML. The log lines Kafka would print for the configurations, what import assumed and every key
//! it did not use (with the reason) follow as TOML
//! comments, so the output is still a valid scenario file. A refused file prints Kafka's (or Spring's)
//! message and exits 2. `-` reads stdin (give `--format` then).

use kafka_sim::port::{ImportFormat, ImportOptions, MAX_IMPORT_BYTES, import_files};
use std::io::Read;

const USAGE: &str = "usage: kafka-sim import FILE... [--format compose|spring|properties] [--topic T] [--rate R] \
                     [--duration D]   (- reads stdin)";

fn read(file: &str) -> Result<String, String> {
    let limit = MAX_IMPORT_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let result = if file == "-" {
        std::io::stdin().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    result.map_err(|e| format!("kafka-sim import: cannot read {file}: {e}"))?;
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(format!(
            "{file}: the file is larger than the limit of {MAX_IMPORT_BYTES} bytes (1 MiB)"
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("{file}: not valid UTF-8: {e}"))
}

/// Runs `kafka-sim import` with the arguments after the command name. `Ok` is the TOML for stdout; `Err`
/// the message for stderr.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut files: Vec<&str> = Vec::new();
    let mut format = None;
    let mut options = ImportOptions::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .map(String::as_str)
                .ok_or_else(|| format!("kafka-sim import: {flag} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--format" => {
                format = Some(
                    ImportFormat::parse(value("--format")?).map_err(|e| format!("kafka-sim import: {e}"))?,
                )
            }
            "--topic" => options.topic = Some(value("--topic")?.to_owned()),
            "--rate" => {
                let v = value("--rate")?;
                options.rate = v
                    .parse::<f64>()
                    .map_err(|_| format!("kafka-sim import: --rate {v}: not a number"))?;
            }
            "--duration" => options.duration = value("--duration")?.to_owned(),
            flag if flag.starts_with("--") => {
                return Err(format!("kafka-sim import: unknown option '{flag}'\n{USAGE}"));
            }
            file => files.push(file),
        }
    }
    if files.is_empty() {
        return Err(format!("kafka-sim import: expected at least one file\n{USAGE}"));
    }
    let mut texts = Vec::new();
    for f in &files {
        texts.push(read(f)?);
    }
    let named: Vec<(&str, &str)> = files.iter().zip(&texts).map(|(f, t)| (*f, t.as_str())).collect();
    let imported = import_files(&named, format, &options).map_err(|e| {
        let mut msg = e.to_string();
        if let Some(error) = e.config_error()
            && error.cause().is_some()
        {
            for line in error.java_trace() {
                msg.push_str(&format!("\n{line}"));
            }
        }
        msg
    })?;
    let mut out = format!("# Imported by kafka-sim from {}\n", files.join(", "));
    out.push_str(&imported.toml);
    if !imported.brokers.is_empty() {
        out.push_str("\n# Brokers and the addresses that reach them:\n");
        for b in &imported.brokers {
            out.push_str(&format!(
                "#   {} = broker {}: {}\n",
                b.service,
                b.id,
                b.addresses.join(", ")
            ));
        }
    }
    if !imported.scenario.warnings.is_empty() {
        out.push_str("\n# Kafka would log:\n");
        for w in &imported.scenario.warnings {
            out.push_str(&format!("#   {w}\n"));
        }
    }
    if !imported.notes.is_empty() {
        out.push_str("\n# Assumed:\n");
        for n in &imported.notes {
            out.push_str(&format!("#   {n}\n"));
        }
    }
    if !imported.ignored.is_empty() {
        out.push_str(&format!("\n# Ignored ({}):\n", imported.ignored.len()));
        for i in &imported.ignored {
            out.push_str(&format!("#   {i}\n"));
        }
    }
    Ok(out)
}
