//! Export of a scenario's cluster and clients as real configuration files.

use crate::scenario::{CommitMode, ConsumerGroupSpec, ProducerSpec, Scenario};
use serde::Serialize;
use std::fmt::Write as _;

/// The `CLUSTER_ID` of the KRaft export (a fixed base64 UUID, as `kafka-storage random-uuid` prints one; the
/// apache/kafka image's documentation uses this one).
pub const KRAFT_CLUSTER_ID: &str = "MkU3OEVBNTcwNTJENDM2Qk";

/// The image of the ZooKeeper-mode export (the seed's).
const CP_KAFKA: &str = "confluentinc/cp-kafka:7.7.1";
const CP_ZOOKEEPER: &str = "confluentinc/cp-zookeeper:7.7.1";
/// The image of the KRaft export.
const APACHE_KAFKA: &str = "apache/kafka:3.7.1";

/// Broker properties the export writes itself (the seed's wiring): never copied from `[cluster.config]`.
const WIRING: &[&str] = &[
    "broker.id",
    "listeners",
    "advertised.listeners",
    "listener.security.protocol.map",
    "inter.broker.listener.name",
    "zookeeper.connect",
];

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ExportFormat {
    /// docker-compose with cp-kafka 7.7.1 and ZooKeeper, in the seed's style.
    Compose,
    /// docker-compose with apache/kafka 3.7 in KRaft mode (each node broker and controller).
    Kraft,
    /// A `producer.properties`.
    ProducerProperties,
    /// A `consumer.properties`.
    ConsumerProperties,
    /// A Spring Boot `application.yml`.
    Spring,
}

impl ExportFormat {
    /// Parses `compose`, `kraft`, `producer-properties`, `consumer-properties` or `spring`.
    pub fn parse(text: &str) -> Result<ExportFormat, String> {
        match text {
            "compose" => Ok(ExportFormat::Compose),
            "kraft" => Ok(ExportFormat::Kraft),
            "producer-properties" => Ok(ExportFormat::ProducerProperties),
            "consumer-properties" => Ok(ExportFormat::ConsumerProperties),
            "spring" => Ok(ExportFormat::Spring),
            other => Err(format!(
                "unknown export format '{other}': expected compose, kraft, producer-properties, \
                 consumer-properties or spring"
            )),
        }
    }
}

/// Which client to export (the first when not named).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// The producer's name.
    pub producer: Option<String>,
    /// The consumer group's id.
    pub group: Option<String>,
}

/// An exported file and what it could not carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    /// The file's text.
    pub text: String,
    /// What the format cannot express (also written as comments in the file where it has comments).
    pub notes: Vec<String>,
}

/// The environment variable of a broker property, the inverse of [`crate::config::env_to_property`]:
/// `group.initial.rebalance.delay.ms` → `KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS`.
pub fn env_name(property: &str) -> String {
    let mapped = property.replace('_', "__").replace('-', "___").replace('.', "_");
    format!("KAFKA_{}", mapped.to_ascii_uppercase())
}

/// The seed's addresses of broker `id` (1-based) in a cluster exported in its style: `localhost:909N`,
/// `127.0.0.1:909N`, `host.docker.internal:909N` and `kafkaN:2909N`, for brokers 1 to `brokers`.
pub fn seed_addresses(brokers: u32) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for id in 1..=brokers {
        let (ext, int) = (9091 + id, 29091 + id);
        for a in [
            format!("localhost:{ext}"),
            format!("127.0.0.1:{ext}"),
            format!("host.docker.internal:{ext}"),
            format!("kafka{id}:{int}"),
        ] {
            out.push((a, id));
        }
    }
    out
}

fn bootstrap(brokers: u32) -> String {
    (1..=brokers)
        .map(|id| format!("localhost:{}", 9091 + id))
        .collect::<Vec<_>>()
        .join(",")
}

/// A scalar as YAML: plain when that reads back the same, else quoted. `plain_bools` writes `true` and
/// `false` plain (for Spring's Boolean properties); other YAML 1.1 booleans (`yes`, `on`, ...) are always quoted.
pub(crate) fn yaml_value(v: &str, plain_bools: bool) -> String {
    let special_word = matches!(
        v.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    );
    let plain = !v.is_empty()
        && v.trim() == v
        && !v.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
        ])
        && !v.contains(": ")
        && !v.contains(" #")
        && !v.ends_with(':')
        && !v.chars().any(char::is_control)
        && (!special_word || (plain_bools && (v == "true" || v == "false")));
    if plain {
        v.to_owned()
    } else if v.chars().any(char::is_control) {
        let mut out = String::from("\"");
        for c in v.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{:04X}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    } else {
        format!("'{}'", v.replace('\'', "''"))
    }
}

/// A `.properties` key or value, escaped as `Properties.store` does.
fn props_escape(s: &str, key: bool) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            ' ' if key || i == 0 => out.push_str("\\ "),
            '=' | ':' | '#' | '!' if key || i == 0 => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn broker_env(s: &Scenario, notes: &mut Vec<String>, kraft: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in &s.cluster.properties {
        if WIRING.contains(&k.as_str()) {
            notes.push(format!(
                "{k}={v} is not written: the export wires the brokers in the seed's way"
            ));
        } else if kraft && k.starts_with("zookeeper.") {
            notes.push(format!(
                "{k}={v} is not written: a KRaft cluster has no ZooKeeper"
            ));
        } else {
            out.push((env_name(k), v.clone()));
        }
    }
    out
}

fn compose(s: &Scenario, kraft: bool) -> Exported {
    let mut notes = Vec::new();
    let env = broker_env(s, &mut notes, kraft);
    let n = s.cluster.brokers;
    let mut out = String::new();
    let _ = writeln!(out, "# Exported by kafka-sim: {}", s.summary());
    if kraft {
        out.push_str("# KRaft mode: every node is a broker and a controller.\n");
    }
    for note in &notes {
        let _ = writeln!(out, "# {note}");
    }
    out.push_str("services:\n");
    let voters: Vec<String> = (1..=n).map(|id| format!("{id}@kafka{id}:19093")).collect();
    for id in 1..=n {
        let (ext, int) = (9091 + id, 29091 + id);
        if id > 1 {
            out.push('\n');
        }
        let _ = writeln!(out, "  kafka{id}:\n    container_name: kafka{id}");
        let _ = writeln!(out, "    image: {}", if kraft { APACHE_KAFKA } else { CP_KAFKA });
        let _ = writeln!(out, "    ports:\n      - \"{ext}:{ext}\"\n    environment:");
        let advertised = format!("INTERNAL://kafka{id}:{int},EXTERNAL://host.docker.internal:{ext}");
        if kraft {
            let _ = writeln!(out, "      KAFKA_NODE_ID: {id}");
            out.push_str("      KAFKA_PROCESS_ROLES: broker,controller\n");
            let _ = writeln!(
                out,
                "      KAFKA_LISTENERS: INTERNAL://:{int},EXTERNAL://:{ext},CONTROLLER://:19093"
            );
            let _ = writeln!(out, "      KAFKA_ADVERTISED_LISTENERS: {advertised}");
            out.push_str("      KAFKA_CONTROLLER_LISTENER_NAMES: CONTROLLER\n");
            let _ = writeln!(out, "      KAFKA_CONTROLLER_QUORUM_VOTERS: {}", voters.join(","));
            out.push_str(
                "      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT\n",
            );
            out.push_str("      KAFKA_INTER_BROKER_LISTENER_NAME: INTERNAL\n");
            let _ = writeln!(out, "      CLUSTER_ID: {KRAFT_CLUSTER_ID}");
        } else {
            let _ = writeln!(out, "      KAFKA_BROKER_ID: {id}");
            out.push_str("      KAFKA_ZOOKEEPER_CONNECT: 'zookeeper:2181'\n");
            let _ = writeln!(out, "      KAFKA_ADVERTISED_LISTENERS: {advertised}");
            out.push_str(
                "      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT\n",
            );
            out.push_str("      KAFKA_INTER_BROKER_LISTENER_NAME: INTERNAL\n");
        }
        for (k, v) in &env {
            let _ = writeln!(out, "      {k}: {}", yaml_value(v, false));
        }
        if !kraft {
            out.push_str("    depends_on:\n      - zookeeper\n");
        }
    }
    if !kraft {
        out.push_str("\n  zookeeper:\n    container_name: zookeeper\n");
        let _ = writeln!(out, "    image: {CP_ZOOKEEPER}");
        out.push_str(
            "    environment:\n      ZOOKEEPER_SERVER_ID: 1\n      ZOOKEEPER_CLIENT_PORT: 2181\n      \
             ZOOKEEPER_TICK_TIME: 2000\n      ZOOKEEPER_INIT_LIMIT: 5\n      ZOOKEEPER_SYNC_LIMIT: 2\n    \
             ports:\n      - \"22181:2181\"\n",
        );
    }
    Exported { text: out, notes }
}

fn pick_producer<'a>(s: &'a Scenario, o: &ExportOptions) -> Result<Option<&'a ProducerSpec>, String> {
    match &o.producer {
        Some(name) => s
            .producers
            .iter()
            .find(|p| &p.name == name)
            .map(Some)
            .ok_or_else(|| {
                let names: Vec<&str> = s.producers.iter().map(|p| p.name.as_str()).collect();
                format!(
                    "no producer '{name}' in the scenario (producers: {})",
                    names.join(", ")
                )
            }),
        None => Ok(s.producers.first()),
    }
}

fn pick_group<'a>(s: &'a Scenario, o: &ExportOptions) -> Result<Option<&'a ConsumerGroupSpec>, String> {
    match &o.group {
        Some(id) => s.consumer_group(id).map(Some).ok_or_else(|| {
            let ids: Vec<&str> = s.consumer_groups.iter().map(|g| g.group_id.as_str()).collect();
            format!(
                "no consumer group '{id}' in the scenario (groups: {})",
                ids.join(", ")
            )
        }),
        None => Ok(s.consumer_groups.first()),
    }
}

fn properties_file(
    title: &str,
    bootstrap_servers: &str,
    props: &[(String, String)],
    notes: &[String],
) -> String {
    let mut out = format!("# {title}, exported by kafka-sim\n");
    for n in notes {
        let _ = writeln!(out, "# {n}");
    }
    let _ = writeln!(out, "bootstrap.servers={bootstrap_servers}");
    for (k, v) in props {
        let _ = writeln!(out, "{}={}", props_escape(k, true), props_escape(v, false));
    }
    out
}

/// Notes for a group whose members differ or whose commit mode no client file can say.
pub(crate) fn group_notes(g: &ConsumerGroupSpec) -> Vec<String> {
    let mut notes = Vec::new();
    if g.commit == CommitMode::Before {
        notes.push(
            "commit = before (commitSync before processing, at-most-once) is application code: the file says \
             only enable.auto.commit=false"
                .to_owned(),
        );
    }
    if g.members.iter().any(|m| !m.overrides.is_empty()) {
        notes.push("the members' own properties (e.g. group.instance.id) are not written".to_owned());
    }
    notes
}

/// Exports `scenario` as `format`. `Err` when the scenario has no client of the kind asked for, or the
/// named one does not exist.
pub fn export(
    scenario: &Scenario,
    format: ExportFormat,
    options: &ExportOptions,
) -> Result<Exported, String> {
    let servers = bootstrap(scenario.cluster.brokers);
    match format {
        ExportFormat::Compose => Ok(compose(scenario, false)),
        ExportFormat::Kraft => Ok(compose(scenario, true)),
        ExportFormat::ProducerProperties => {
            let p = pick_producer(scenario, options)?.ok_or("the scenario has no producer")?;
            let title = format!("producer '{}' (topic {})", p.name, p.topic);
            Ok(Exported {
                text: properties_file(&title, &servers, &p.properties, &[]),
                notes: Vec::new(),
            })
        }
        ExportFormat::ConsumerProperties => {
            let g = pick_group(scenario, options)?.ok_or("the scenario has no consumer group")?;
            let notes = group_notes(g);
            let title = format!("consumer group '{}' (topics {})", g.group_id, g.topics.join(", "));
            Ok(Exported {
                text: properties_file(&title, &servers, &g.base_properties(), &notes),
                notes,
            })
        }
        ExportFormat::Spring => {
            let p = pick_producer(scenario, options)?;
            let g = pick_group(scenario, options)?;
            Ok(super::export_spring::spring(scenario, p, g, &servers))
        }
    }
}
