//! `kafka-console-consumer` (Kafka 3.7's `kafka.tools.ConsoleConsumer` with the
//! `DefaultMessageFormatter`). It reads through the simulated brokers: with `--topic` it joins its
//! group (`console_member`: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup), then
//! OffsetFetch for the group's committed offsets, ListOffsets for `auto.offset.reset`, Fetch to the
//! leaders of its assigned partitions, and OffsetCommit at close when it commits. With
//! `--partition` it reads that partition without a group.

use super::console_member::Member;
use super::net::{self, Connected};
use super::opts::{self, OptSpec, flag, with_arg};
use super::{ShellOutput, usage_error};
use crate::error_code::ErrorCode;
use crate::group::wire::{
    ClientRequest, ClientResponse, ConsumerFetchPartition, NamedPartition, OffsetCommitRequest, OffsetSpec,
};
use crate::ids::BrokerId;
use crate::record::TopicPartition;
use crate::rng::SimRng;
use crate::sim::Simulation;
use crate::sim::admin_api::NewTopic;
use crate::time::SimTime;
use std::collections::BTreeMap;

/// The options `kafka-console-consumer` takes.
pub const SPECS: &[OptSpec] = &[
    with_arg(
        "bootstrap-server",
        "String: server to connect to",
        "REQUIRED: The server(s) to connect to.",
    ),
    with_arg(
        "consumer-property",
        "String: consumer_prop",
        "A mechanism to pass user-defined properties in the form key=value to the consumer.",
    ),
    with_arg(
        "consumer.config",
        "String: config file",
        "Consumer config properties file.",
    ),
    with_arg(
        "formatter",
        "String: class",
        "The name of a class to use for formatting kafka messages for display.",
    ),
    flag(
        "from-beginning",
        "If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message.",
    ),
    with_arg(
        "group",
        "String: consumer group id",
        "The consumer group id of the consumer.",
    ),
    flag("help", "Print usage information."),
    with_arg(
        "include",
        "String: Java regex (String)",
        "Regular expression specifying list of topics to include for consumption.",
    ),
    with_arg(
        "isolation-level",
        "String",
        "Set to read_committed in order to filter out transactional messages which are not committed.",
    ),
    with_arg("key-deserializer", "String: deserializer for key", ""),
    with_arg(
        "max-messages",
        "Integer: num_messages",
        "The maximum number of messages to consume before exiting. If not set, consumption is continual.",
    ),
    with_arg(
        "offset",
        "String: consume offset",
        "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end (default: latest)",
    ),
    with_arg(
        "partition",
        "Integer: partition",
        "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified.",
    ),
    with_arg(
        "property",
        "String: prop",
        "The properties to initialize the message formatter.",
    ),
    flag(
        "skip-message-on-error",
        "If there is an error when processing a message, skip it instead of halt.",
    ),
    with_arg(
        "timeout-ms",
        "Integer: timeout_ms",
        "If specified, exit if no message is available for consumption for the specified interval.",
    ),
    with_arg("topic", "String: topic", "The topic to consume on."),
    with_arg("value-deserializer", "String: deserializer for values", ""),
    flag("version", "Display Kafka version."),
];

/// How long a consumer with neither `--max-messages` nor `--timeout-ms` reads once it caught up.
const IDLE_STOP: SimTime = SimTime::from_secs(2);

/// The longest a console consumer reads, in simulated time, before it stops as if Ctrl-C had been
/// pressed: under a steady producer the real tool reads until interrupted, which a terminal line
/// cannot wait for.
pub(crate) const MAX_READ_TIME: SimTime = SimTime::from_secs(60);

/// The most records a console consumer prints before it stops as if Ctrl-C had been pressed.
pub(crate) const MAX_READ_RECORDS: i64 = 10_000;

/// The formatter's properties.
struct Format {
    timestamp: bool,
    partition: bool,
    offset: bool,
    key: bool,
    value: bool,
    key_separator: String,
    line_separator: String,
    null_literal: String,
}

impl Format {
    fn new(props: &[&str]) -> Format {
        let get = |name: &str| -> Option<String> {
            props.iter().rev().find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                (k.trim() == name).then(|| v.to_string())
            })
        };
        let on =
            |name: &str, default: bool| get(name).map_or(default, |v| v.trim().eq_ignore_ascii_case("true"));
        Format {
            timestamp: on("print.timestamp", false),
            partition: on("print.partition", false),
            offset: on("print.offset", false),
            key: on("print.key", false),
            value: on("print.value", true),
            key_separator: get("key.separator").unwrap_or_else(|| "\t".into()),
            line_separator: get("line.separator").unwrap_or_else(|| "\n".into()),
            null_literal: get("null.literal").unwrap_or_else(|| "null".into()),
        }
    }

    fn record(&self, ts: u64, partition: i32, offset: i64, key: Option<&str>, value: &str) -> String {
        let sep = &self.key_separator;
        let mut s = String::new();
        if self.timestamp {
            s.push_str(&format!("CreateTime:{ts}{sep}"));
        }
        if self.partition {
            s.push_str(&format!("Partition:{partition}{sep}"));
        }
        if self.offset {
            s.push_str(&format!("Offset:{offset}{sep}"));
        }
        if self.key {
            s.push_str(key.unwrap_or(&self.null_literal));
            s.push_str(sep);
        }
        if self.value {
            s.push_str(value);
        }
        s.push_str(&self.line_separator);
        s
    }
}

/// Sends `request` to `to` and waits up to `request.timeout.ms` (30 s) for the answer.
pub(super) fn request(sim: &mut Simulation, to: BrokerId, req: ClientRequest) -> Option<ClientResponse> {
    if !sim.broker_is_up(to) {
        return None;
    }
    let corr = sim.client_request(to, req)?;
    net::wait_for(sim, SimTime::from_secs(30), |s| s.client_answer(corr).is_some());
    sim.client_answer(corr).cloned()
}

/// The coordinator of `group`, by FindCoordinator to `via`.
pub(super) fn find_coordinator(sim: &mut Simulation, via: BrokerId, group: &str) -> Option<BrokerId> {
    for _ in 0..20 {
        match request(
            sim,
            via,
            ClientRequest::FindCoordinator {
                key: group.to_string(),
            },
        ) {
            Some(ClientResponse::FindCoordinator {
                coordinator: Some(c), ..
            }) => return Some(c),
            _ => sim.run_until(sim.now() + SimTime::from_millis(100)),
        }
    }
    None
}

/// ListOffsets for `tps` at their leaders.
pub(super) fn list_offsets(
    sim: &mut Simulation,
    tps: &[TopicPartition],
    spec: OffsetSpec,
) -> BTreeMap<TopicPartition, i64> {
    let mut out = BTreeMap::new();
    for tp in tps {
        let Some(leader) = sim.leader_of(*tp) else {
            continue;
        };
        if let Some(ClientResponse::ListOffsets { partitions }) = request(
            sim,
            leader,
            ClientRequest::ListOffsets {
                partitions: vec![(*tp, spec)],
            },
        ) {
            for (p, e, o) in partitions {
                if e == ErrorCode::None {
                    out.insert(p, o);
                }
            }
        }
    }
    out
}

/// Runs `kafka-console-consumer ARGS`.
pub fn run(sim: &mut Simulation, args: &[String], rng: &mut SimRng) -> ShellOutput {
    let p = match opts::parse(SPECS, args) {
        Ok(p) => p,
        Err(e) => return ShellOutput::err(e.uncaught(), 1),
    };
    if p.has("help") {
        return ShellOutput {
            stdout: opts::help_table(SPECS),
            exit: Some(0),
            ..ShellOutput::default()
        };
    }
    let Some(servers) = p.value("bootstrap-server") else {
        return usage_error("Missing required argument \"[bootstrap-server]\"", SPECS);
    };
    let Some(topic) = p.value("topic").map(str::to_string) else {
        return usage_error("Exactly one of include/topic is required.", SPECS);
    };
    if p.has("group") && p.has("partition") {
        return usage_error("Options group and partition cannot be specified together.", SPECS);
    }
    if p.has("offset") && !p.has("partition") {
        return usage_error("The partition is required when offset is specified.", SPECS);
    }
    let cprops: Vec<(String, String)> = (p.values("consumer-property").iter())
        .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
    let cprop = |k: &str| cprops.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let reset = cprop("auto.offset.reset");
    if p.has("from-beginning") && reset.as_deref().is_some_and(|r| r != "earliest") {
        let msg = format!(
            "Can't simultaneously specify --from-beginning and 'auto.offset.reset={}', please remove one option",
            reset.unwrap_or_default()
        );
        return usage_error(&msg, SPECS);
    }
    let earliest = p.has("from-beginning") || reset.as_deref() == Some("earliest");
    let int = |name: &str| p.value(name).map(|v| v.parse::<i64>().map_err(|_| v.to_string()));
    let (max_messages, timeout_ms, partition) = match (
        int("max-messages"),
        int("timeout-ms"),
        int("partition"),
    ) {
        (Some(Err(v)), _, _) | (_, Some(Err(v)), _) | (_, _, Some(Err(v))) => {
            return ShellOutput::err(
                format!(
                    "Exception in thread \"main\" java.lang.NumberFormatException: For input string: \"{v}\"\n"
                ),
                1,
            );
        }
        (a, b, c) => (
            a.and_then(Result::ok),
            b.and_then(Result::ok),
            c.and_then(Result::ok),
        ),
    };
    let user_group = p.value("group").map(str::to_string).or_else(|| cprop("group.id"));
    let group = user_group
        .clone()
        .unwrap_or_else(|| format!("console-consumer-{}", rng.next_u64() % 100_000));
    let auto_commit = user_group.is_some() && cprop("enable.auto.commit").is_none_or(|v| v == "true");
    let fmt = Format::new(&p.values("property"));
    let client = format!("Consumer clientId=console-consumer, groupId={group}");
    let mut out = ShellOutput::default();
    let limit = timeout_ms.map_or(SimTime::from_secs(10), |t| SimTime::from_millis(t.max(0) as u64));
    let broker = match net::connect(sim, servers, &client, limit, &mut out.stderr) {
        Connected::Broker(b) => b,
        Connected::TimedOut => return finish(sim, out, 0, timeout_ms.is_some()),
        Connected::Invalid(msg) => {
            out.stderr.push_str(&format!(
                "Exception in thread \"main\" org.apache.kafka.common.KafkaException: Failed to construct kafka consumer\nCaused by: org.apache.kafka.common.config.ConfigException: {msg}\n"
            ));
            out.exit = Some(1);
            return out;
        }
    };
    sim.run_until(sim.now() + sim.spec().latency + sim.spec().latency);
    if sim.topic_partition_count(&topic).is_none() {
        let line = format!(
            "[{client}] Error while fetching metadata with correlation id 2 : {{{topic}=LEADER_NOT_AVAILABLE}}"
        );
        out.stderr.push_str(&net::log_line(
            sim.now(),
            "WARN",
            &line,
            "org.apache.kafka.clients.NetworkClient",
        ));
        let t = NewTopic {
            name: topic.clone(),
            partitions: 1,
            replication_factor: 1,
            configs: Vec::new(),
        };
        let via = sim.controller().unwrap_or(broker);
        let _ = sim.create_topic(via, &t);
        let name = topic.clone();
        net::wait_for(sim, SimTime::from_secs(5), |s| s.topic_ready(&name));
    }
    let count = sim.topic_partition_count(&topic).unwrap_or(0);
    let mut tps: Vec<TopicPartition> = (0..count as i32)
        .filter(|p| partition.is_none_or(|want| i64::from(*p) == want))
        .filter_map(|p| sim.topic_partition(&topic, p))
        .collect();
    // Starting positions.
    let mut positions: BTreeMap<TopicPartition, i64> = BTreeMap::new();
    // `--topic` subscribes, so the consumer joins its group (`--group` or the generated one) and
    // reads what the group's assignor gives it; `--partition` assigns, without a group.
    let coordinator = if partition.is_none() {
        find_coordinator(sim, broker, &group)
    } else {
        None
    };
    let mut member = None;
    if let Some(c) = coordinator
        && let Some((m, assigned)) = Member::join(sim, c, &group, &topic)
    {
        tps = (assigned.iter())
            .filter_map(|p| sim.topic_partition(&topic, *p))
            .collect();
        member = Some(m);
    }
    if let Some(o) = p.value("offset") {
        let spec = match o {
            "earliest" => Some(OffsetSpec::Earliest),
            "latest" => Some(OffsetSpec::Latest),
            n => {
                for tp in &tps {
                    positions.insert(*tp, n.parse::<i64>().unwrap_or(0).max(0));
                }
                None
            }
        };
        if let Some(spec) = spec {
            positions = list_offsets(sim, &tps, spec);
        }
    } else {
        let spec = if earliest || (p.has("partition") && p.has("from-beginning")) {
            OffsetSpec::Earliest
        } else {
            OffsetSpec::Latest
        };
        positions = start_positions(sim, coordinator, &group, &topic, &tps, spec);
    }
    // The poll loop.
    let mut n: i64 = 0;
    let mut last_record = sim.now();
    let mut timed_out = false;
    let read_until = sim.now() + MAX_READ_TIME;
    'poll: loop {
        if sim.now() >= read_until || n >= MAX_READ_RECORDS {
            break;
        }
        let mut by_leader: BTreeMap<BrokerId, Vec<ConsumerFetchPartition>> = BTreeMap::new();
        for tp in &tps {
            let (Some(pos), Some(leader)) = (positions.get(tp), sim.leader_of(*tp)) else {
                continue;
            };
            by_leader.entry(leader).or_default().push(ConsumerFetchPartition {
                tp: *tp,
                fetch_offset: *pos,
                current_leader_epoch: -1,
            });
        }
        let mut corrs = Vec::new();
        for (leader, partitions) in by_leader {
            let req = ClientRequest::Fetch {
                partitions,
                max_wait_ms: 500,
                min_bytes: 1,
                max_bytes: 52_428_800,
                max_partition_bytes: 1_048_576,
            };
            if let Some(c) = sim.client_request(leader, req) {
                corrs.push(c);
            }
        }
        let waited = net::wait_for(sim, SimTime::from_millis(600), |s| {
            corrs.iter().all(|c| s.client_answer(*c).is_some())
        });
        if corrs.is_empty() || !waited {
            sim.run_until(sim.now() + SimTime::from_millis(100));
        }
        for c in &corrs {
            let Some(ClientResponse::Fetch { partitions }) = sim.client_answer(*c).cloned() else {
                continue;
            };
            for r in partitions.into_iter().filter(|r| r.error == ErrorCode::None) {
                for b in &r.batches {
                    for (i, id) in b.records.iter().enumerate() {
                        let offset = b.base_offset + i as i64;
                        let pos = positions.get(&r.tp).copied().unwrap_or(0);
                        if offset < pos || offset >= r.high_watermark {
                            continue;
                        }
                        let (k, v) = sim.record_content(*id);
                        out.stdout.push_str(&fmt.record(
                            b.first_timestamp_ms,
                            r.tp.partition,
                            offset,
                            k.as_deref(),
                            &v,
                        ));
                        positions.insert(r.tp, offset + 1);
                        n += 1;
                        last_record = sim.now();
                        if max_messages.is_some_and(|m| n >= m) {
                            break 'poll;
                        }
                    }
                }
            }
        }
        if let (Some(m), Some(c)) = (member.as_mut(), coordinator)
            && m.heartbeat(sim)
        {
            // The group is rebalancing: commit (if auto-committing), rejoin, and read the new
            // assignment from its committed offsets (`onJoinPrepare`, EAGER revocation).
            if auto_commit {
                commit(sim, c, &group, &topic, &positions, Some(&*m));
            }
            let reason = Some("group is already rebalancing".to_string());
            match m.rejoin(sim, reason) {
                Some(assigned) => {
                    tps = (assigned.iter())
                        .filter_map(|p| sim.topic_partition(&topic, *p))
                        .collect();
                    let spec = if earliest {
                        OffsetSpec::Earliest
                    } else {
                        OffsetSpec::Latest
                    };
                    positions = start_positions(sim, coordinator, &group, &topic, &tps, spec);
                }
                None => {
                    tps.clear();
                    positions.clear();
                }
            }
        }
        let idle = sim.now().saturating_sub(last_record);
        match (timeout_ms, max_messages) {
            (Some(t), _) if idle >= SimTime::from_millis(t.max(0) as u64) => {
                timed_out = true;
                break;
            }
            (None, None) if idle >= IDLE_STOP => break,
            (None, Some(_)) if idle >= SimTime::from_secs(60) => break,
            _ => {}
        }
    }
    if auto_commit && let Some(c) = coordinator {
        commit(sim, c, &group, &topic, &positions, member.as_ref());
    }
    if let Some(m) = member {
        m.leave(sim);
    }
    finish(sim, out, n, timed_out)
}

/// Where reading `tps` starts: the group's committed offsets (OffsetFetch, with a coordinator), and
/// ListOffsets at `reset` for partitions without one.
fn start_positions(
    sim: &mut Simulation,
    coordinator: Option<BrokerId>,
    group: &str,
    topic: &str,
    tps: &[TopicPartition],
    reset: OffsetSpec,
) -> BTreeMap<TopicPartition, i64> {
    let mut positions = BTreeMap::new();
    if let Some(c) = coordinator {
        let named: Vec<NamedPartition> = tps
            .iter()
            .map(|tp| NamedPartition::new(topic.to_string(), tp.partition))
            .collect();
        if let Some(ClientResponse::OffsetFetch { offsets, .. }) = request(
            sim,
            c,
            ClientRequest::OffsetFetch {
                group_id: group.to_string(),
                partitions: named,
            },
        ) {
            for (np, off) in offsets.into_iter().filter(|(_, o)| *o >= 0) {
                if let Some(tp) = sim.topic_partition(&np.topic, np.partition) {
                    positions.insert(tp, off);
                }
            }
        }
    }
    let missing: Vec<TopicPartition> = tps
        .iter()
        .filter(|tp| !positions.contains_key(tp))
        .copied()
        .collect();
    positions.extend(list_offsets(sim, &missing, reset));
    positions
}

/// OffsetCommit of `positions`, as the group member (or outside group management).
fn commit(
    sim: &mut Simulation,
    coordinator: BrokerId,
    group: &str,
    topic: &str,
    positions: &BTreeMap<TopicPartition, i64>,
    member: Option<&Member>,
) {
    let offsets: Vec<(NamedPartition, i64)> = positions
        .iter()
        .map(|(tp, o)| (NamedPartition::new(topic.to_string(), tp.partition), *o))
        .collect();
    let req = ClientRequest::OffsetCommit(OffsetCommitRequest {
        group_id: group.to_string(),
        generation_id: member.map_or(-1, Member::generation),
        member_id: member.map_or_else(String::new, |m| m.member_id().to_string()),
        group_instance_id: None,
        offsets,
    });
    let _ = request(sim, coordinator, req);
}

fn finish(sim: &Simulation, mut out: ShellOutput, n: i64, timed_out: bool) -> ShellOutput {
    if timed_out {
        out.stderr.push_str(&net::log_line(
            sim.now(),
            "ERROR",
            "Error processing message, terminating consumer process: ",
            "kafka.tools.ConsoleConsumer$",
        ));
        out.stderr
            .push_str("org.apache.kafka.common.errors.TimeoutException\n");
    }
    out.stderr
        .push_str(&format!("Processed a total of {n} messages\n"));
    out.exit = Some(0);
    out
}
