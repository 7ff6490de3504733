//! `kafka-topics` (Kafka 3.7's `org.apache.kafka.tools.TopicCommand`).

use super::net::{self, Connected};
use super::opts::{self, OptSpec, flag, with_arg};
use super::regex::Pattern;
use super::{ShellOutput, usage_error};
use crate::ids::BrokerId;
use crate::sim::Simulation;
use crate::sim::admin_api::{NewTopic, TopicDescription};
use crate::time::SimTime;

const LOGGER: &str = "org.apache.kafka.tools.TopicCommand";

/// The options `kafka-topics` takes.
pub const SPECS: &[OptSpec] = &[
    flag("alter", "Alter the number of partitions and replica assignment."),
    with_arg(
        "bootstrap-server",
        "String: server to connect to",
        "REQUIRED: The Kafka server to connect to.",
    ),
    with_arg(
        "command-config",
        "String: command config property file",
        "Property file containing configs to be passed to Admin Client.",
    ),
    with_arg(
        "config",
        "String: name=value",
        "A topic configuration override for the topic being created.",
    ),
    flag("create", "Create a new topic."),
    flag("delete", "Delete a topic"),
    flag("describe", "List details for the given topics."),
    flag(
        "exclude-internal",
        "exclude internal topics when running list or describe command.",
    ),
    flag("help", "Print usage information."),
    flag(
        "if-exists",
        "if set when altering or deleting or describing topics, the action will only execute if the topic exists.",
    ),
    flag(
        "if-not-exists",
        "if set when creating topics, the action will only execute if the topic does not already exist.",
    ),
    flag("list", "List all available topics."),
    with_arg(
        "partitions",
        "Integer: # of partitions",
        "The number of partitions for the topic being created or altered.",
    ),
    with_arg(
        "replication-factor",
        "Integer: replication factor",
        "The replication factor for each partition in the topic being created.",
    ),
    with_arg(
        "topic",
        "String: topic",
        "The topic to create, alter, describe or delete. It also accepts a regular expression.",
    ),
    flag(
        "unavailable-partitions",
        "if set when describing topics, only show partitions whose leader is not available",
    ),
    flag(
        "under-replicated-partitions",
        "if set when describing topics, only show under replicated partitions",
    ),
    flag("version", "Display Kafka version."),
];

/// The admin client's name in its log lines.
const CLIENT: &str = "AdminClient clientId=adminclient-1";

/// `default.api.timeout.ms`.
const API_TIMEOUT: SimTime = SimTime::from_secs(60);

/// Runs `kafka-topics ARGS`.
pub fn run(sim: &mut Simulation, args: &[String]) -> ShellOutput {
    let p = match opts::parse(SPECS, args) {
        Ok(p) => p,
        Err(e) => return ShellOutput::err(e.main_no_exit(), 1),
    };
    if args.is_empty() {
        return usage_error("Create, delete, describe, or change a topic.", SPECS);
    }
    if p.has("help") {
        return ShellOutput {
            stdout: opts::help_table(SPECS),
            exit: Some(0),
            ..ShellOutput::default()
        };
    }
    if p.has("version") {
        return ShellOutput {
            stdout: "7.7.1-ccs\n".into(),
            exit: Some(0),
            ..ShellOutput::default()
        };
    }
    let actions = ["create", "list", "alter", "describe", "delete"];
    if actions.iter().filter(|a| p.has(a)).count() != 1 {
        return usage_error(
            "Command must include exactly one action: --list, --describe, --create, --alter or --delete",
            SPECS,
        );
    }
    let Some(servers) = p.value("bootstrap-server") else {
        let e = "--bootstrap-server must be specified";
        return ShellOutput::err(
            format!(
                "{e}\njava.lang.IllegalArgumentException: {e}\n\tat org.apache.kafka.tools.TopicCommand$TopicCommandOptions.checkArgs(TopicCommand.java:889)\n"
            ),
            1,
        );
    };
    if !p.has("list") && !p.has("describe") && !p.has("topic") {
        return usage_error("Missing required argument \"[topic]\"", SPECS);
    }
    let mut out = ShellOutput::default();
    let broker = match net::connect(sim, servers, CLIENT, API_TIMEOUT, &mut out.stderr) {
        Connected::Broker(b) => b,
        Connected::TimedOut => {
            let call = if p.has("create") {
                "createTopics"
            } else if p.has("delete") {
                "deleteTopics"
            } else {
                "listTopics"
            };
            return fail(
                sim,
                out,
                "TimeoutException",
                &format!("Timed out waiting for a node assignment. Call: {call}"),
            );
        }
        Connected::Invalid(msg) => {
            out.stderr.push_str(&format!(
                "Failed to create new KafkaAdminClient\norg.apache.kafka.common.KafkaException: Failed to create new KafkaAdminClient\nCaused by: org.apache.kafka.common.config.ConfigException: {msg}\n"
            ));
            out.exit = Some(1);
            return out;
        }
    };
    // The metadata round trip.
    let rtt = sim.spec().latency + sim.spec().latency;
    sim.run_until(sim.now() + rtt);
    let pattern = p
        .value("topic")
        .map(|t| Pattern::new(&t.replace(['"', '\'', ' '], "").replace(',', "|")));
    let selected = |sim: &Simulation| -> Vec<TopicDescription> {
        (sim.topic_descriptions().into_iter())
            .filter(|t| !(p.has("exclude-internal") && t.internal))
            .filter(|t| pattern.as_ref().is_none_or(|re| re.matches(&t.name)))
            .collect()
    };
    if p.has("list") {
        let names: Vec<String> = selected(sim).into_iter().map(|t| t.name).collect();
        out.stdout = format!("{}\n", names.join("\n"));
        out.exit = Some(0);
        return out;
    }
    if p.has("describe") {
        let topics = selected(sim);
        if topics.is_empty() && !p.has("if-exists") && p.has("topic") {
            let t = p.value("topic").unwrap_or_default();
            let msg = format!("Topic 'Optional[{t}]' does not exist as expected");
            return fail(sim, out, "IllegalArgumentException", &msg);
        }
        for t in topics {
            out.stdout.push_str(&describe(&t, &p));
        }
        out.exit = Some(0);
        return out;
    }
    if p.has("create") {
        return create(sim, broker, &p, out);
    }
    // `ensureTopicExists`, then DeleteTopics or CreatePartitions for every matching topic.
    let topics: Vec<String> = selected(sim).into_iter().map(|t| t.name).collect();
    if topics.is_empty() {
        if p.has("if-exists") {
            out.exit = Some(0);
            return out;
        }
        let t = p.value("topic").unwrap_or_default();
        let msg = format!("Topic 'Optional[{t}]' does not exist as expected");
        return fail(sim, out, "IllegalArgumentException", &msg);
    }
    let via = sim.controller().unwrap_or(broker);
    sim.run_until(sim.now() + sim.spec().latency);
    if p.has("delete") {
        delete(sim, via, &topics, out)
    } else {
        alter(sim, via, &topics, &p, out)
    }
}

/// How long the broker holds a DeleteTopics or CreatePartitions answer for the controller to finish
/// (the admin client's `timeoutMs`, `default.api.timeout.ms` capped by the request timeout).
const ADMIN_OP_TIMEOUT: SimTime = SimTime::from_secs(30);

/// DeleteTopics: the broker answers once the topics are gone from its metadata (ZooKeeper's
/// `/brokers/topics` no longer lists them); prints nothing on success.
fn delete(sim: &mut Simulation, via: BrokerId, topics: &[String], out: ShellOutput) -> ShellOutput {
    for t in topics {
        if let Err(e) = sim.delete_topic(via, t) {
            return fail(sim, out, e.exception, &e.message);
        }
    }
    let gone = |s: &Simulation| topics.iter().all(|t| !s.topic_exists(t));
    if !net::wait_for(sim, ADMIN_OP_TIMEOUT, gone) {
        return fail(sim, out, "TimeoutException", "The request timed out.");
    }
    sim.run_until(sim.now() + sim.spec().latency);
    let mut out = out;
    out.exit = Some(0);
    out
}

/// CreatePartitions (`--alter --partitions N`): the broker answers once the controller created the
/// new partitions; prints nothing on success.
fn alter(
    sim: &mut Simulation,
    via: BrokerId,
    topics: &[String],
    p: &opts::Parsed,
    out: ShellOutput,
) -> ShellOutput {
    let Some(value) = p.value("partitions") else {
        // `NewPartitions.increaseTo(topic.partitions.get())` on an empty Optional.
        return fail(sim, out, "NoSuchElementException", "No value present");
    };
    let Ok(total) = value.parse::<i32>() else {
        let e = format!("Cannot parse argument '{value}' of option partitions");
        return ShellOutput::err(
            format!("{e}\njoptsimple.OptionArgumentConversionException: {e}\n"),
            1,
        );
    };
    for t in topics {
        if let Err(e) = sim.create_partitions(via, t, total) {
            return fail(sim, out, e.exception, &e.message);
        }
    }
    let count = u32::try_from(total).unwrap_or(0);
    let done = |s: &Simulation| {
        (topics.iter()).all(|t| s.topic_partition_count(t) == Some(count) && s.topic_ready(t))
    };
    if !net::wait_for(sim, ADMIN_OP_TIMEOUT, done) {
        return fail(sim, out, "TimeoutException", "The request timed out.");
    }
    sim.run_until(sim.now() + sim.spec().latency);
    for t in topics {
        sim.refresh_client_metadata(t);
    }
    let mut out = out;
    out.exit = Some(0);
    out
}

/// `Error while executing topic command : MSG` on stdout and the logged exception on stderr.
fn fail(sim: &Simulation, mut out: ShellOutput, exception: &str, msg: &str) -> ShellOutput {
    out.stdout
        .push_str(&format!("Error while executing topic command : {msg}\n"));
    let package = match exception {
        "IllegalArgumentException" => "java.lang",
        "NoSuchElementException" => "java.util",
        _ => "org.apache.kafka.common.errors",
    };
    out.stderr.push_str(&net::log_line(
        sim.now(),
        "ERROR",
        &format!("{package}.{exception}: {msg}\n"),
        LOGGER,
    ));
    out.exit = Some(1);
    out
}

fn ids(v: &[BrokerId]) -> String {
    v.iter().map(|b| b.0.to_string()).collect::<Vec<_>>().join(",")
}

fn describe(t: &TopicDescription, p: &opts::Parsed) -> String {
    let under = p.has("under-replicated-partitions");
    let unavailable = p.has("unavailable-partitions");
    let mut s = String::new();
    let marked = if t.marked_for_deletion {
        "\tMarkedForDeletion: true"
    } else {
        ""
    };
    if !under && !unavailable {
        let configs: Vec<String> = t.configs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let rf = t.partitions.first().map_or(0, |x| x.replicas.len());
        s.push_str(&format!(
            "Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {rf}\tConfigs: {}{marked}\n",
            t.name,
            t.topic_id,
            t.partitions.len(),
            configs.join(",")
        ));
    }
    for part in &t.partitions {
        if under && part.isr.len() >= part.replicas.len() {
            continue;
        }
        if unavailable && part.leader.is_some() {
            continue;
        }
        let leader = part
            .leader
            .map_or_else(|| "none".to_string(), |b| b.0.to_string());
        s.push_str(&format!(
            "\tTopic: {}\tPartition: {}\tLeader: {leader}\tReplicas: {}\tIsr: {}{marked}\n",
            t.name,
            part.partition,
            ids(&part.replicas),
            ids(&part.isr)
        ));
    }
    s
}

fn create(sim: &mut Simulation, broker: BrokerId, p: &opts::Parsed, mut out: ShellOutput) -> ShellOutput {
    let name = p.value("topic").unwrap_or_default().to_string();
    let int = |opt: &str, default: i32| -> Result<i32, String> {
        match p.value(opt) {
            None => Ok(default),
            Some(v) => v
                .parse::<i32>()
                .map_err(|_| format!("Cannot parse argument '{v}' of option {opt}")),
        }
    };
    let (partitions, rf) = match (int("partitions", 1), int("replication-factor", 1)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return ShellOutput::err(
                format!("{e}\njoptsimple.OptionArgumentConversionException: {e}\n"),
                1,
            );
        }
    };
    if p.has("partitions") && partitions < 1 {
        return fail(
            sim,
            out,
            "IllegalArgumentException",
            "The partitions must be greater than 0",
        );
    }
    if p.has("replication-factor") && !(1..=32767).contains(&rf) {
        return fail(
            sim,
            out,
            "IllegalArgumentException",
            "The replication factor must be between 1 and 32767 inclusive",
        );
    }
    let mut configs = Vec::new();
    for c in p.values("config") {
        match c.split_once('=') {
            Some((k, v)) => configs.push((k.trim().to_string(), v.trim().to_string())),
            None => {
                let msg = "Invalid topic config: all configs to be added must be in the format \"key=val\".";
                return fail(sim, out, "IllegalArgumentException", msg);
            }
        }
    }
    if name.contains('.') || name.contains('_') {
        out.stdout.push_str("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n");
    }
    let req = NewTopic {
        name: name.clone(),
        partitions,
        replication_factor: rf,
        configs,
    };
    // CreateTopics goes to the controller (ZooKeeper mode), which validates and writes ZooKeeper.
    let via = sim.controller().unwrap_or(broker);
    sim.run_until(sim.now() + sim.spec().latency);
    if let Err(e) = sim.create_topic(via, &req) {
        if e.exception == "TopicExistsException" && p.has("if-not-exists") {
            out.exit = Some(0);
            return out;
        }
        return fail(sim, out, e.exception, &e.message);
    }
    // The broker answers once the controller created the partitions (or after the request timeout).
    if !net::wait_for(sim, SimTime::from_secs(30), |s| s.topic_ready(&name)) {
        return fail(
            sim,
            out,
            "TimeoutException",
            "Timed out waiting for a node assignment. Call: createTopics",
        );
    }
    sim.run_until(sim.now() + sim.spec().latency);
    out.stdout.push_str(&format!("Created topic {name}.\n"));
    out.exit = Some(0);
    out
}
