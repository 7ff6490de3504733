//! `kafka-consumer-groups` (Kafka 3.7's `kafka.admin.ConsumerGroupCommand`): list, the three
//! describe views, and offset resets (committed through the coordinator, only while the group is
//! inactive).

use super::consumer::{find_coordinator, list_offsets, request};
use super::net::{self, Connected};
use super::opts::{self, OptSpec, flag, with_arg};
use super::{ShellOutput, usage_error};
use crate::group::coordinator::{GroupState, GroupView};
use crate::group::wire::{ClientRequest, NamedPartition, OffsetCommitRequest, OffsetSpec};
use crate::sim::Simulation;
use crate::time::SimTime;

/// The options `kafka-consumer-groups` takes.
pub const SPECS: &[OptSpec] = &[
    flag(
        "all-topics",
        "Consider all topics assigned to a group in the `reset-offsets` process.",
    ),
    with_arg(
        "bootstrap-server",
        "String: server to connect to",
        "REQUIRED: The server(s) to connect to.",
    ),
    flag(
        "describe",
        "Describe consumer group and list offset lag (number of messages not yet processed) related to given group.",
    ),
    flag(
        "dry-run",
        "Only show results without executing changes on Consumer Groups.",
    ),
    flag("execute", "Execute operation."),
    with_arg(
        "group",
        "String: consumer group",
        "The consumer group we wish to act on.",
    ),
    flag("help", "Print usage information."),
    flag("list", "List all consumer groups."),
    flag("members", "Describe members of the group."),
    flag(
        "offsets",
        "Describe the group and list all topic partitions in the group along with their offset lag.",
    ),
    flag("reset-offsets", "Reset offsets of consumer group."),
    flag(
        "state",
        "When specified with '--describe', includes the state of the group.",
    ),
    flag("to-earliest", "Reset offsets to earliest offset."),
    flag("to-latest", "Reset offsets to latest offset."),
    with_arg("to-offset", "Long: offset", "Reset offsets to a specific offset."),
    with_arg(
        "topic",
        "String: topic",
        "The topic whose consumer group information should be deleted or topic whose should be included in the reset offset process.",
    ),
    flag(
        "verbose",
        "Provide additional information, if any, when describing the group.",
    ),
    flag("version", "Display Kafka version."),
];

/// Runs `kafka-consumer-groups ARGS`.
pub fn run(sim: &mut Simulation, args: &[String]) -> ShellOutput {
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
    let actions = ["list", "describe", "reset-offsets"];
    if actions.iter().filter(|a| p.has(a)).count() != 1 {
        return usage_error(
            "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets",
            SPECS,
        );
    }
    if !p.has("list") && !p.has("group") {
        return usage_error(
            "Option [describe] takes one of these options: [all-groups], [group]",
            SPECS,
        );
    }
    let mut out = ShellOutput::default();
    let broker = match net::connect(
        sim,
        servers,
        "AdminClient clientId=adminclient-1",
        SimTime::from_secs(60),
        &mut out.stderr,
    ) {
        Connected::Broker(b) => b,
        Connected::TimedOut => {
            out.stdout.push_str("\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: listConsumerGroups\n");
            out.exit = Some(1);
            return out;
        }
        Connected::Invalid(msg) => {
            out.stderr.push_str(&format!("Exception in thread \"main\" org.apache.kafka.common.KafkaException: Failed to create new KafkaAdminClient\nCaused by: org.apache.kafka.common.config.ConfigException: {msg}\n"));
            out.exit = Some(1);
            return out;
        }
    };
    sim.run_until(sim.now() + sim.spec().latency + sim.spec().latency);
    if p.has("list") {
        for g in sim.group_ids() {
            out.stdout.push_str(&format!("{g}\n"));
        }
        out.exit = Some(0);
        return out;
    }
    let group = p.value("group").unwrap_or_default().to_string();
    let view = sim.group_view(&group);
    if p.has("reset-offsets") {
        return reset(sim, broker, &p, &group, view.map(|(_, v)| v), out);
    }
    let Some((coordinator, v)) = view.filter(|(_, v)| v.state != GroupState::Dead) else {
        out.stdout
            .push_str(&format!("\nError: Consumer group '{group}' does not exist.\n"));
        out.exit = Some(0);
        return out;
    };
    if p.has("state") {
        let c = format!("{}  ({})", net::host_address(coordinator), coordinator.0);
        let (gw, cw) = (group.len().max(15), c.len().max(25));
        let strategy = v.protocol.clone().unwrap_or_default();
        out.stdout.push_str(&format!(
            "\n{:<gw$} {:<cw$} {:<25} {:<20} {}\n{:<gw$} {:<cw$} {:<25} {:<20} {}\n",
            "GROUP",
            "COORDINATOR (ID)",
            "ASSIGNMENT-STRATEGY",
            "STATE",
            "#MEMBERS",
            group,
            c,
            strategy,
            v.state.name(),
            v.members.len()
        ));
        out.exit = Some(0);
        return out;
    }
    state_note(&v, &mut out);
    if p.has("members") {
        if !v.members.is_empty() {
            let gw = group.len().max(15);
            let iw = v
                .members
                .iter()
                .map(|m| m.member_id.len())
                .max()
                .unwrap_or(0)
                .max(15);
            let cw = v
                .members
                .iter()
                .map(|m| m.client_id.len())
                .max()
                .unwrap_or(0)
                .max(15);
            let hw = 15;
            out.stdout.push_str(&format!(
                "\n{:<gw$} {:<iw$} {:<hw$} {:<cw$} {:<15} ",
                "GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS"
            ));
            for m in &v.members {
                out.stdout.push_str(&format!(
                    "\n{:<gw$} {:<iw$} {:<hw$} {:<cw$} {:<15} ",
                    group,
                    m.member_id,
                    "/127.0.0.1",
                    m.client_id,
                    m.assignment.len()
                ));
            }
            out.stdout.push('\n');
        }
        out.exit = Some(0);
        return out;
    }
    describe_offsets(sim, &group, &v, &mut out);
    out.exit = Some(0);
    out
}

fn state_note(v: &GroupView, out: &mut ShellOutput) {
    match v.state {
        GroupState::Empty => out.stderr.push_str(&format!(
            "\nConsumer group '{}' has no active members.\n",
            v.group_id
        )),
        GroupState::PreparingRebalance | GroupState::CompletingRebalance => {
            out.stderr.push_str(&format!(
                "\nWarning: Consumer group '{}' is rebalancing.\n",
                v.group_id
            ));
        }
        _ => {}
    }
}

/// One row of the offsets view: topic, partition, current offset, consumer id, host, client id.
type Row = (String, i32, Option<i64>, String, String, String);

fn describe_offsets(sim: &Simulation, group: &str, v: &GroupView, out: &mut ShellOutput) {
    let mut rows: Vec<Row> = Vec::new();
    let committed = |np: &NamedPartition| v.committed.iter().find(|(c, _)| c == np).map(|(_, o)| *o);
    let mut members: Vec<_> = v.members.iter().collect();
    crate::sort::sort_by_key(&mut members, |m| std::cmp::Reverse(m.assignment.len()));
    for m in members {
        let mut parts = m.assignment.clone();
        parts.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        for np in parts {
            let c = committed(&np);
            rows.push((
                np.topic.clone(),
                np.partition,
                c,
                m.member_id.clone(),
                "/127.0.0.1".into(),
                m.client_id.clone(),
            ));
        }
    }
    for (np, o) in &v.committed {
        if !v.members.iter().any(|m| m.assignment.contains(np)) {
            rows.push((
                np.topic.clone(),
                np.partition,
                Some(*o),
                "-".into(),
                "-".into(),
                "-".into(),
            ));
        }
    }
    if rows.is_empty() {
        return;
    }
    let w = |f: &dyn Fn(&Row) -> usize, min: usize| rows.iter().map(f).max().unwrap_or(0).max(min);
    let gw = group.len().max(15);
    let tw = w(&|r| r.0.len(), 15);
    let cw = w(&|r| r.3.len(), 15);
    let hw = w(&|r| r.4.len(), 15);
    let line = |g: &str, t: &str, p: &str, cur: &str, leo: &str, lag: &str, c: &str, h: &str, cl: &str| {
        format!("\n{g:<gw$} {t:<tw$} {p:<10} {cur:<15} {leo:<15} {lag:<15} {c:<cw$} {h:<hw$} {cl}")
    };
    out.stdout.push_str(&line(
        "GROUP",
        "TOPIC",
        "PARTITION",
        "CURRENT-OFFSET",
        "LOG-END-OFFSET",
        "LAG",
        "CONSUMER-ID",
        "HOST",
        "CLIENT-ID",
    ));
    for (t, p, cur, c, h, cl) in &rows {
        let leo = sim.topic_partition(t, *p).map(|tp| sim.high_watermark_of(tp));
        let show = |x: Option<i64>| x.map_or_else(|| "-".to_string(), |x| x.to_string());
        let lag = match (cur, leo) {
            (Some(c), Some(l)) => Some((l - c).max(0)),
            _ => None,
        };
        out.stdout.push_str(&line(
            group,
            t,
            &p.to_string(),
            &show(*cur),
            &show(leo),
            &show(lag),
            c,
            h,
            cl,
        ));
    }
    out.stdout.push('\n');
}

fn reset(
    sim: &mut Simulation,
    broker: crate::ids::BrokerId,
    p: &opts::Parsed,
    group: &str,
    view: Option<GroupView>,
    mut out: ShellOutput,
) -> ShellOutput {
    if let Some(v) = view
        .as_ref()
        .filter(|v| !matches!(v.state, GroupState::Empty | GroupState::Dead))
    {
        out.stdout.push_str(&format!(
            "\nError: Assignments can only be reset if the group '{group}' is inactive, but the current state is {}.\n\n",
            v.state.name()
        ));
        out.exit = Some(0);
        return out;
    }
    let Some(topic) = p.value("topic").map(str::to_string) else {
        return usage_error(
            "Option [reset-offsets] takes one of these options: [all-topics], [topic]",
            SPECS,
        );
    };
    let (name, part) = match topic.split_once(':') {
        Some((t, ps)) => (
            t.to_string(),
            ps.split(',')
                .filter_map(|x| x.trim().parse::<i32>().ok())
                .collect::<Vec<_>>(),
        ),
        None => (topic.clone(), Vec::new()),
    };
    let count = sim.topic_partition_count(&name).unwrap_or(0) as i32;
    let tps: Vec<_> = (0..count)
        .filter(|x| part.is_empty() || part.contains(x))
        .filter_map(|x| sim.topic_partition(&name, x))
        .collect();
    let targets = if p.has("to-earliest") {
        list_offsets(sim, &tps, OffsetSpec::Earliest)
    } else if p.has("to-latest") {
        list_offsets(sim, &tps, OffsetSpec::Latest)
    } else if let Some(o) = p.value("to-offset") {
        let o = o.parse::<i64>().unwrap_or(0);
        let (lo, hi) = (
            list_offsets(sim, &tps, OffsetSpec::Earliest),
            list_offsets(sim, &tps, OffsetSpec::Latest),
        );
        tps.iter()
            .map(|tp| {
                (
                    *tp,
                    o.clamp(lo.get(tp).copied().unwrap_or(0), hi.get(tp).copied().unwrap_or(0)),
                )
            })
            .collect()
    } else {
        return usage_error(
            "Option [reset-offsets] takes one of these options: [to-datetime], [by-duration], [to-earliest], [to-latest], [shift-by], [from-file], [to-current], [to-offset]",
            SPECS,
        );
    };
    if !p.has("execute") && !p.has("dry-run") {
        out.stdout.push_str("WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n");
    }
    if p.has("execute") {
        let offsets: Vec<(NamedPartition, i64)> = targets
            .iter()
            .map(|(tp, o)| (NamedPartition::new(name.clone(), tp.partition), *o))
            .collect();
        if let Some(c) = find_coordinator(sim, broker, group) {
            let req = ClientRequest::OffsetCommit(OffsetCommitRequest {
                group_id: group.to_string(),
                generation_id: -1,
                member_id: String::new(),
                group_instance_id: None,
                offsets,
            });
            let _ = request(sim, c, req);
        }
    }
    out.stdout.push_str(&format!(
        "\n{:<30} {:<30} {:<10} {:<15}\n",
        "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"
    ));
    for (tp, o) in &targets {
        out.stdout.push_str(&format!(
            "{:<30} {:<30} {:<10} {:<15}\n",
            group, name, tp.partition, o
        ));
    }
    out.exit = Some(0);
    out
}
