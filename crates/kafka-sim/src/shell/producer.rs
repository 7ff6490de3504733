//! `kafka-console-producer` (Kafka 3.7's `ConsoleProducer` with its `LineMessageReader`): a real
//! simulated producer client with the console producer's defaults; each following line is a record.

use super::net::{self, Connected};
use super::opts::{self, OptSpec, flag, with_arg};
use super::{ShellOutput, usage_error};
use crate::cluster::producer_node::ManualResult;
use crate::config::ProducerConfig;
use crate::record::RecordId;
use crate::sim::Simulation;
use crate::sim::admin_api::NewTopic;
use crate::time::SimTime;

/// The options `kafka-console-producer` takes.
pub const SPECS: &[OptSpec] = &[
    with_arg(
        "batch-size",
        "Integer: size",
        "Number of messages to send in a single batch if they are not being sent synchronously. (default: 16384)",
    ),
    with_arg(
        "bootstrap-server",
        "String: server to connect to",
        "REQUIRED unless --broker-list(deprecated) is specified. The server(s) to connect to.",
    ),
    with_arg(
        "compression-codec",
        "String: compression-codec",
        "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'.",
    ),
    flag("help", "Print usage information."),
    with_arg(
        "max-block-ms",
        "Long: max block on send",
        "The max time that the producer will block for during a send request. (default: 60000)",
    ),
    with_arg(
        "message-send-max-retries",
        "Integer",
        "Brokers can fail receiving the message for multiple reasons... (default: 3)",
    ),
    with_arg(
        "property",
        "String: prop",
        "A mechanism to pass user-defined properties in the form key=value to the message reader.",
    ),
    with_arg(
        "producer-property",
        "String: producer_prop",
        "A mechanism to pass user-defined properties in the form key=value to the producer.",
    ),
    with_arg(
        "request-required-acks",
        "String: request required acks",
        "The required `acks` of the producer requests (default: -1)",
    ),
    with_arg(
        "request-timeout-ms",
        "Integer: request timeout ms",
        "The ack timeout of the producer requests. Value must be non-negative and non-zero. (default: 1500)",
    ),
    with_arg(
        "retry-backoff-ms",
        "Long",
        "Before each retry, the producer refreshes the metadata of relevant topics. (default: 100)",
    ),
    flag(
        "sync",
        "If set message send requests to the brokers are synchronously, one at a time as they arrive.",
    ),
    with_arg(
        "timeout",
        "Long: timeout_ms",
        "If set and the producer is running in asynchronous mode, this gives the maximum amount of time a message will queue awaiting sufficient batch size. (default: 1000)",
    ),
    with_arg(
        "topic",
        "String: topic",
        "REQUIRED: The topic id to produce messages to.",
    ),
    flag("version", "Display Kafka version."),
];

const CLIENT: &str = "Producer clientId=console-producer";

/// A console producer reading records.
#[derive(Clone, Debug)]
pub struct Session {
    topic: String,
    config: ProducerConfig,
    servers: String,
    parse_key: bool,
    key_separator: String,
    ignore_error: bool,
    null_marker: Option<String>,
    line_number: u64,
    producer: Option<(String, u16)>,
    sent: Vec<RecordId>,
    reported: usize,
}

impl Session {
    /// Parses the options and builds the producer's configuration.
    pub fn start(sim: &mut Simulation, args: &[String]) -> Result<Session, ShellOutput> {
        let p = opts::parse(SPECS, args).map_err(|e| ShellOutput::err(e.uncaught(), 1))?;
        if p.has("help") {
            return Err(ShellOutput {
                stdout: opts::help_table(SPECS),
                exit: Some(0),
                ..ShellOutput::default()
            });
        }
        let Some(topic) = p.value("topic") else {
            return Err(usage_error("Missing required argument \"[topic]\"", SPECS));
        };
        let Some(servers) = p.value("bootstrap-server") else {
            return Err(usage_error(
                "Missing required argument \"[bootstrap-server]\"",
                SPECS,
            ));
        };
        let mut props: Vec<(String, String)> = [
            ("bootstrap.servers", servers),
            ("compression.type", p.value("compression-codec").unwrap_or("none")),
            ("linger.ms", p.value("timeout").unwrap_or("1000")),
            ("acks", p.value("request-required-acks").unwrap_or("-1")),
            (
                "request.timeout.ms",
                p.value("request-timeout-ms").unwrap_or("1500"),
            ),
            ("retries", p.value("message-send-max-retries").unwrap_or("3")),
            ("retry.backoff.ms", p.value("retry-backoff-ms").unwrap_or("100")),
            ("batch.size", p.value("batch-size").unwrap_or("16384")),
            ("max.block.ms", p.value("max-block-ms").unwrap_or("60000")),
            ("client.id", "console-producer"),
            (
                "key.serializer",
                "org.apache.kafka.common.serialization.ByteArraySerializer",
            ),
            (
                "value.serializer",
                "org.apache.kafka.common.serialization.ByteArraySerializer",
            ),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        if p.has("sync") {
            props.push(("linger.ms".into(), "0".into()));
        }
        for kv in p.values("producer-property") {
            if let Some((k, v)) = kv.split_once('=') {
                props.retain(|(n, _)| n != k);
                props.push((k.to_string(), v.to_string()));
            }
        }
        let config = ProducerConfig::parse(props).map_err(|e| {
            ShellOutput::err(
                format!("Exception in thread \"main\" org.apache.kafka.common.config.ConfigException: {e}\n"),
                1,
            )
        })?;
        let reader = |name: &str| -> Option<String> {
            p.values("property").iter().rev().find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                (k == name).then(|| v.to_string())
            })
        };
        let parse_key = reader("parse.key").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let ignore_error = reader("ignore.error").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let key_separator = reader("key.separator").unwrap_or_else(|| "\t".into());
        let null_marker = reader("null.marker");
        let _ = sim;
        Ok(Session {
            topic: topic.to_string(),
            config: config.config,
            servers: servers.to_string(),
            parse_key,
            key_separator,
            ignore_error,
            null_marker,
            line_number: 0,
            producer: None,
            sent: Vec::new(),
            reported: 0,
        })
    }

    /// Starts the client at the first record: bootstrap, metadata (auto-creating a missing topic as
    /// a broker with `auto.create.topics.enable=true` does).
    fn ensure_producer(&mut self, sim: &mut Simulation, out: &mut ShellOutput) -> bool {
        if self.producer.is_some() {
            return true;
        }
        let max_block = SimTime::from_millis(self.config.max_block_ms);
        let broker = match net::connect(sim, &self.servers, CLIENT, max_block, &mut out.stderr) {
            Connected::Broker(b) => b,
            Connected::TimedOut => {
                let msg = format!(
                    "Topic {} not present in metadata after {} ms.",
                    self.topic, self.config.max_block_ms
                );
                self.error_line(sim, out, None, 0, "TimeoutException", &msg);
                return false;
            }
            Connected::Invalid(msg) => {
                out.stderr.push_str(&format!(
                    "org.apache.kafka.common.KafkaException: Failed to construct kafka producer\nCaused by: org.apache.kafka.common.config.ConfigException: {msg}\n"
                ));
                return false;
            }
        };
        sim.run_until(sim.now() + sim.spec().latency + sim.spec().latency);
        if sim.topic_partition_count(&self.topic).is_none() {
            let line = format!(
                "[{CLIENT}] Error while fetching metadata with correlation id 1 : {{{}=LEADER_NOT_AVAILABLE}}",
                self.topic
            );
            out.stderr.push_str(&net::log_line(
                sim.now(),
                "WARN",
                &line,
                "org.apache.kafka.clients.NetworkClient",
            ));
            let t = NewTopic {
                name: self.topic.clone(),
                partitions: 1,
                replication_factor: 1,
                configs: Vec::new(),
            };
            let via = sim.controller().unwrap_or(broker);
            let _ = sim.create_topic(via, &t);
            let topic = self.topic.clone();
            net::wait_for(sim, max_block, |s| s.topic_ready(&topic));
        }
        match sim.start_console_producer(&self.topic, self.config.clone()) {
            Some(name) => {
                let index = sim.producers().count().saturating_sub(1);
                self.producer = Some((name, u16::try_from(index).unwrap_or(u16::MAX)));
                true
            }
            None => {
                let msg = format!(
                    "Topic {} not present in metadata after {} ms.",
                    self.topic, self.config.max_block_ms
                );
                self.error_line(sim, out, None, 0, "TimeoutException", &msg);
                false
            }
        }
    }

    fn error_line(
        &self,
        sim: &Simulation,
        out: &mut ShellOutput,
        key: Option<usize>,
        value: usize,
        exc: &str,
        msg: &str,
    ) {
        let key = key.map_or_else(|| "null".to_string(), |k| format!("{k} bytes"));
        let line = format!(
            "Error when sending message to topic {} with key: {key}, value: {value} bytes with error:",
            self.topic
        );
        out.stderr.push_str(&net::log_line(
            sim.now(),
            "ERROR",
            &line,
            "org.apache.kafka.clients.producer.internals.ErrorLoggingCallback",
        ));
        out.stderr
            .push_str(&format!("org.apache.kafka.common.errors.{exc}: {msg}\n"));
    }

    /// One record line.
    pub fn line(&mut self, sim: &mut Simulation, line: &str) -> ShellOutput {
        let mut out = ShellOutput::default();
        self.line_number += 1;
        let (key, value) = if self.parse_key {
            match line.split_once(self.key_separator.as_str()) {
                Some((k, v)) => (Some(k.to_string()), v.to_string()),
                None if self.ignore_error => (None, line.to_string()),
                None => {
                    out.stderr = format!(
                        "org.apache.kafka.common.KafkaException: No key separator found on line number {}: '{line}'\n\tat org.apache.kafka.tools.ConsoleProducer$LineMessageReader.parse(ConsoleProducer.java:364)\n",
                        self.line_number
                    );
                    return out;
                }
            }
        } else {
            (None, line.to_string())
        };
        let marker = self.null_marker.as_deref();
        let key = key.filter(|k| Some(k.as_str()) != marker);
        if !self.ensure_producer(sim, &mut out) {
            return out;
        }
        let Some((name, _)) = self.producer.clone() else {
            return out;
        };
        match sim.send_record(&name, key.as_deref(), &value) {
            Ok(sent) => {
                sim.note_record_content(sent.id, key, value);
                self.sent.push(sent.id);
            }
            Err(e) => out.stderr.push_str(&format!(
                "org.apache.kafka.common.errors.SerializationException: {e}\n"
            )),
        }
        self.report(sim, &mut out);
        out
    }

    /// Logs the failures of records that completed since the last report.
    fn report(&mut self, sim: &Simulation, out: &mut ShellOutput) {
        let Some((_, index)) = self.producer else { return };
        while self.reported < self.sent.len() {
            let id = self.sent[self.reported];
            match sim.sent_record(index, id).map(|m| &m.result) {
                Some(ManualResult::Pending) => break,
                Some(ManualResult::Failed { error }) => {
                    let (k, v) = sim.record_content(id);
                    self.error_line(
                        sim,
                        out,
                        k.map(|k| k.len()),
                        v.len(),
                        error.exception(),
                        error.message(),
                    );
                }
                _ => {}
            }
            self.reported += 1;
        }
    }

    /// Ctrl-D: `producer.close()` waits for every record to complete, then the tool exits 0.
    pub fn close(mut self, sim: &mut Simulation) -> ShellOutput {
        let mut out = ShellOutput::default();
        if let Some((_, index)) = self.producer {
            let ids = self.sent.clone();
            let limit = SimTime::from_millis(
                u64::from(self.config.delivery_timeout_ms).saturating_add(self.config.linger_ms),
            );
            net::wait_for(sim, limit, |s| {
                ids.iter().all(|id| {
                    !matches!(
                        s.sent_record(index, *id).map(|m| &m.result),
                        Some(ManualResult::Pending)
                    )
                })
            });
            self.report(sim, &mut out);
        }
        out.exit = Some(0);
        out
    }
}
