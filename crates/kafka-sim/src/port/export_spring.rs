//! Export as a Spring Boot `application.yml` (the seed's layout: `spring.kafka.producer`, `consumer`,
//! `listener`).

use super::export::{Exported, group_notes, yaml_value};
use super::spring::{CONSUMER_KEYS, PRODUCER_KEYS};
use crate::scenario::{CommitMode, ConsumerGroupSpec, ProducerSpec, Scenario};
use std::fmt::Write as _;

fn write_client(
    out: &mut String,
    side: &str,
    table: &[(&str, &str, super::spring::Conv)],
    props: &[(String, String)],
    extra: &[(&str, String)],
) {
    let _ = writeln!(out, "    {side}:");
    for (k, v) in extra {
        let _ = writeln!(out, "      {k}: {}", yaml_value(v, true));
    }
    let mut rest = Vec::new();
    for (k, v) in props {
        match table.iter().find(|(_, prop, _)| prop == k) {
            Some((spring_key, _, _)) => {
                let _ = writeln!(out, "      {spring_key}: {}", yaml_value(v, true));
            }
            None => rest.push((k, v)),
        }
    }
    if !rest.is_empty() {
        out.push_str("      properties:\n");
        for (k, v) in rest {
            let key = if k.contains([':', ' ', '#', '[', ']']) {
                format!("\"[{k}]\"")
            } else {
                k.clone()
            };
            let _ = writeln!(out, "        {key}: {}", yaml_value(v, false));
        }
    }
}

/// The `application.yml` of one producer and one consumer group.
pub(crate) fn spring(
    s: &Scenario,
    producer: Option<&ProducerSpec>,
    group: Option<&ConsumerGroupSpec>,
    servers: &str,
) -> Exported {
    let mut notes = Vec::new();
    if s.producers.len() > 1 {
        notes.push(format!(
            "one Spring application has one producer configuration: {} of {} producers written",
            producer.map_or("none", |p| p.name.as_str()),
            s.producers.len()
        ));
    }
    if s.consumer_groups.len() > 1 {
        notes.push(format!(
            "spring.kafka.consumer is one group's configuration: {} of {} groups written",
            group.map_or("none", |g| g.group_id.as_str()),
            s.consumer_groups.len()
        ));
    }
    if let Some(g) = group {
        notes.extend(group_notes(g));
    }
    let mut out = String::from("# Exported by kafka-sim\n");
    for n in &notes {
        let _ = writeln!(out, "# {n}");
    }
    out.push_str("spring:\n");
    if let Some(p) = producer {
        let _ = writeln!(out, "  application:\n    name: {}", yaml_value(&p.name, false));
    }
    let _ = writeln!(out, "  kafka:\n    bootstrap-servers: {servers}");
    if let Some(p) = producer {
        write_client(&mut out, "producer", PRODUCER_KEYS, &p.properties, &[]);
    }
    if let Some(g) = group {
        let props: Vec<(String, String)> = g
            .properties
            .iter()
            .filter(|(k, _)| k != "group.id")
            .cloned()
            .collect();
        let mut extra = vec![("group-id", g.group_id.clone())];
        if g.commit == CommitMode::Auto && !props.iter().any(|(k, _)| k == "enable.auto.commit") {
            // Spring's container turns auto commit off unless it is configured.
            extra.push(("enable-auto-commit", "true".to_owned()));
        }
        write_client(&mut out, "consumer", CONSUMER_KEYS, &props, &extra);
        let manual = g.commit != CommitMode::Auto;
        if manual || g.members.len() > 1 {
            out.push_str("    listener:\n");
            if manual {
                out.push_str("      ack-mode: manual\n");
            }
            if g.members.len() > 1 {
                let _ = writeln!(out, "      concurrency: {}", g.members.len());
            }
        }
    }
    Exported { text: out, notes }
}
