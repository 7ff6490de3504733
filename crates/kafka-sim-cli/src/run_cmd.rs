//! `kafka-sim run SCENARIO.toml [--seed N] [--json] [--events]`: runs a scenario for its duration and
//! reports what the producers saw, what the durability oracle found, and the partitions' final state.
//!
//! Without `--json` a readable summary; with `--json` one JSON object on stdout (keys in a fixed
//! order): `seed`, `simulated_ms`, `trace_hash` (16 lowercase hex digits, a string), `events_processed`,
//! `invariant_violations` (strings), `producers.<name>` (`sent, acked, failed, errors, retries, batches,
//! requests, latency_ms {p50, p99, max}`), `durability` (`acked_lost, duplicates, reordered,
//! inconsistent_offsets`, then the oracle's other counts and up to 20 findings), `elections {clean,
//! unclean}`, `partitions` (`topic, partition, leader` (null when none), `replicas, isr, leader_epoch,
//! high_watermark, log_end_offsets {broker_id: leo}`); with `--events` also `events` (`t_ms, kind, ...`).
//! The readable summary with `--events` ends with the event log, one English sentence per event.
//! Exit 0 when the run completes, whatever was lost; 2 with the error on stderr for invalid input.

use crate::check_cmd::{describe, read_limited};
use crate::groups_json::{GroupReport, group_event_json, group_reports};
use crate::json::Json;
use kafka_sim::cluster::ClusterEvent;
use kafka_sim::kernel::TraceEvent;
use kafka_sim::kernel::fault::Fault;
use kafka_sim::oracle::durability::DurabilityReport;
use kafka_sim::scenario::Scenario;
use kafka_sim::sim::run_scenario;
use kafka_sim::{SimTime, Simulation};

const USAGE: &str = "usage: kafka-sim run SCENARIO.toml [--seed N] [--json] [--events]   (- reads stdin)";

/// How many oracle findings the JSON lists.
const FINDINGS_SHOWN: usize = 20;

/// Runs `kafka-sim run` with the arguments after the command name.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut file = None;
    let (mut seed, mut json, mut events) = (None, false, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--events" => events = true,
            "--seed" => {
                let v = it
                    .next()
                    .ok_or_else(|| format!("kafka-sim run: --seed needs a value\n{USAGE}"))?;
                seed = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("kafka-sim run: invalid seed '{v}'\n{USAGE}"))?,
                );
            }
            s if s.starts_with("--") => return Err(format!("kafka-sim run: unknown option '{s}'\n{USAGE}")),
            s if file.is_none() => file = Some(s.to_owned()),
            _ => return Err(format!("kafka-sim run: expected one scenario file\n{USAGE}")),
        }
    }
    let Some(file) = file else {
        return Err(format!("kafka-sim run: expected one scenario file\n{USAGE}"));
    };
    let text = read_limited(&file)?;
    let scenario = Scenario::from_toml_str(&text).map_err(|e| describe(&file, &text, &e))?;
    let mut sim = run_scenario(&scenario, seed).map_err(|e| format!("{file}: {e}"))?;
    let report = sim.durability_report();
    let groups = group_reports(&mut sim);
    if json {
        let mut out = to_json(&sim, &report, &groups, events).to_string_compact();
        out.push('\n');
        Ok(out)
    } else {
        Ok(summary(&file, &scenario, &sim, &report, &groups, events))
    }
}

fn ms(t: SimTime) -> Json {
    Json::UInt(t.as_millis())
}

fn ids(v: &[kafka_sim::ids::BrokerId]) -> Json {
    Json::Arr(v.iter().map(|b| Json::Int(i64::from(b.0))).collect())
}

fn producers_json(sim: &Simulation) -> Json {
    let mut out = Vec::new();
    for p in sim.producers() {
        let s = p.producer().stats();
        let errors = Json::Obj(
            (s.errors_by_name().into_iter())
                .map(|(k, v)| (k.to_owned(), Json::UInt(v)))
                .collect(),
        );
        let lat = sim.producer_latency(p.index()).map(|h| h.summary());
        let latency = Json::obj([
            ("p50", Json::Float(lat.map_or(0.0, |l| l.p50))),
            ("p99", Json::Float(lat.map_or(0.0, |l| l.p99))),
            ("max", Json::Float(lat.map_or(0.0, |l| l.max))),
        ]);
        out.push((
            p.setup().name.clone(),
            Json::obj([
                ("sent", Json::UInt(s.sent)),
                ("acked", Json::UInt(s.acked)),
                ("failed", Json::UInt(s.failed)),
                ("errors", errors),
                ("retries", Json::UInt(s.retries)),
                ("batches", Json::UInt(s.batches)),
                ("requests", Json::UInt(s.requests)),
                ("latency_ms", latency),
            ]),
        ));
    }
    Json::Obj(out)
}

fn durability_json(r: &DurabilityReport) -> Json {
    let findings = (r.findings.iter().take(FINDINGS_SHOWN))
        .map(|f| {
            Json::obj([
                ("kind", Json::str(format!("{:?}", f.kind))),
                ("record", Json::str(f.record.to_string())),
                ("offset", f.offset.map_or(Json::Null, Json::Int)),
                ("explanation", Json::str(f.explanation.clone())),
            ])
        })
        .collect();
    Json::obj([
        ("acked_lost", Json::UInt(r.acked_lost)),
        ("duplicates", Json::UInt(r.duplicates)),
        ("reordered", Json::UInt(r.reordered)),
        ("inconsistent_offsets", Json::UInt(r.inconsistent_offsets)),
        ("sent", Json::UInt(r.sent)),
        ("acked", Json::UInt(r.acked)),
        ("acked_no_offset", Json::UInt(r.acked_no_offset)),
        ("failed", Json::UInt(r.failed)),
        ("no_outcome", Json::UInt(r.no_outcome)),
        ("unconfirmed_lost", Json::UInt(r.unconfirmed_lost)),
        ("acked_wrong_offset", Json::UInt(r.acked_wrong_offset)),
        ("truncated_overwritten", Json::UInt(r.truncated_overwritten)),
        ("failed_but_present", Json::UInt(r.failed_but_present)),
        ("findings", Json::Arr(findings)),
    ])
}

fn partitions_json(sim: &Simulation) -> Json {
    let view = sim.view();
    Json::Arr(
        (view.partitions.iter())
            .map(|p| {
                let leos = (p.log_end_offsets.iter())
                    .map(|(b, leo)| (b.0.to_string(), Json::Int(*leo)))
                    .collect();
                Json::obj([
                    ("topic", Json::str(p.topic.clone())),
                    ("partition", Json::Int(i64::from(p.partition))),
                    (
                        "leader",
                        p.leader.map_or(Json::Null, |l| Json::Int(i64::from(l.0))),
                    ),
                    ("replicas", ids(&p.replicas)),
                    ("isr", ids(&p.isr)),
                    ("leader_epoch", Json::Int(i64::from(p.leader_epoch))),
                    ("high_watermark", Json::Int(p.high_watermark)),
                    ("log_end_offsets", Json::Obj(leos)),
                ])
            })
            .collect(),
    )
}

/// The notable events as JSON objects.
fn events_json(sim: &Simulation) -> Json {
    let topic = |tp: kafka_sim::record::TopicPartition| {
        let name = sim.topic_name(tp.topic).unwrap_or_default().to_owned();
        (
            ("topic", Json::str(name)),
            ("partition", Json::Int(i64::from(tp.partition))),
        )
    };
    let producer_name = |i: u16| {
        sim.producers()
            .nth(usize::from(i))
            .map_or_else(String::new, |p| p.setup().name.clone())
    };
    let mut out = Vec::new();
    for (at, e) in sim.notable_events() {
        let t = ("t_ms", ms(*at));
        let node = |n: kafka_sim::NodeId| Json::Int(i64::from(n.0));
        let v = match e {
            TraceEvent::Fault(Fault::Crash(n)) => {
                Json::obj([t, ("kind", Json::str("broker_crashed")), ("broker", node(*n))])
            }
            TraceEvent::Fault(Fault::Restart(n)) => {
                Json::obj([t, ("kind", Json::str("broker_restarted")), ("broker", node(*n))])
            }
            TraceEvent::Fault(Fault::Isolate(n)) => {
                Json::obj([t, ("kind", Json::str("broker_isolated")), ("broker", node(*n))])
            }
            TraceEvent::Fault(Fault::Heal) => Json::obj([t, ("kind", Json::str("healed"))]),
            TraceEvent::Node { event, .. } => match event {
                ClusterEvent::LeaderElected {
                    tp,
                    leader,
                    leader_epoch,
                    isr,
                    unclean,
                } => {
                    let (tt, pp) = topic(*tp);
                    Json::obj([
                        t,
                        ("kind", Json::str("leader_elected")),
                        tt,
                        pp,
                        ("leader", leader.map_or(Json::Null, |l| Json::Int(i64::from(l.0)))),
                        ("leader_epoch", Json::Int(i64::from(*leader_epoch))),
                        ("isr", ids(isr)),
                        ("unclean", Json::Bool(*unclean)),
                    ])
                }
                ClusterEvent::IsrShrunk { tp, from, to, .. } | ClusterEvent::IsrExpanded { tp, from, to } => {
                    let kind = if matches!(event, ClusterEvent::IsrShrunk { .. }) {
                        "isr_shrunk"
                    } else {
                        "isr_expanded"
                    };
                    let (tt, pp) = topic(*tp);
                    Json::obj([
                        t,
                        ("kind", Json::str(kind)),
                        tt,
                        pp,
                        ("from", ids(from)),
                        ("to", ids(to)),
                    ])
                }
                ClusterEvent::Truncated {
                    broker,
                    tp,
                    from,
                    to,
                    removed_records,
                } => {
                    let (tt, pp) = topic(*tp);
                    Json::obj([
                        t,
                        ("kind", Json::str("truncation")),
                        ("broker", Json::Int(i64::from(broker.0))),
                        tt,
                        pp,
                        ("from", Json::Int(*from)),
                        ("to", Json::Int(*to)),
                        ("removed_records", Json::UInt(*removed_records)),
                    ])
                }
                ClusterEvent::ProducerError {
                    producer,
                    tp,
                    error,
                    records,
                } => {
                    let (tt, pp) = topic(*tp);
                    Json::obj([
                        t,
                        ("kind", Json::str("producer_error")),
                        ("producer", Json::str(producer_name(*producer))),
                        tt,
                        pp,
                        ("error", Json::str(error.name())),
                        ("records", Json::UInt(*records)),
                    ])
                }
                other => match group_event_json(sim, t, other) {
                    Some(v) => v,
                    None => continue,
                },
            },
            _ => continue,
        };
        out.push(v);
    }
    Json::Arr(out)
}

fn to_json(sim: &Simulation, report: &DurabilityReport, groups: &[GroupReport], events: bool) -> Json {
    let violations = (sim.invariant_violations().iter())
        .map(|v| Json::str(format!("{} ms {}: {}", v.at.as_millis(), v.invariant, v.detail)))
        .collect();
    let el = sim.elections();
    let mut pairs = vec![
        ("seed".to_owned(), Json::UInt(sim.seed())),
        ("simulated_ms".to_owned(), ms(sim.now())),
        (
            "trace_hash".to_owned(),
            Json::str(format!("{:016x}", sim.trace_hash())),
        ),
        ("events_processed".to_owned(), Json::UInt(sim.events_processed())),
        ("invariant_violations".to_owned(), Json::Arr(violations)),
        ("producers".to_owned(), producers_json(sim)),
        ("durability".to_owned(), durability_json(report)),
        (
            "elections".to_owned(),
            Json::obj([
                ("clean", Json::UInt(el.clean)),
                ("unclean", Json::UInt(el.unclean)),
            ]),
        ),
        ("partitions".to_owned(), partitions_json(sim)),
    ];
    if !groups.is_empty() {
        let g = groups
            .iter()
            .map(|g| (g.group_id.clone(), g.json.clone()))
            .collect();
        pairs.push(("groups".to_owned(), Json::Obj(g)));
    }
    if events {
        pairs.push(("events".to_owned(), events_json(sim)));
    }
    Json::Obj(pairs)
}

fn summary(
    file: &str,
    scenario: &Scenario,
    sim: &Simulation,
    r: &DurabilityReport,
    groups: &[GroupReport],
    events: bool,
) -> String {
    let mut out = format!("{file}: {}\n", scenario.summary());
    out.push_str(&format!(
        "seed {}, simulated {} ms, {} events, trace hash {:016x}\n",
        sim.seed(),
        sim.now().as_millis(),
        sim.events_processed(),
        sim.trace_hash()
    ));
    for p in sim.producers() {
        let s = p.producer().stats();
        let lat = sim.producer_latency(p.index()).map(|h| h.summary());
        out.push_str(&format!(
            "producer {}: sent {}, acked {}, failed {}, retries {}, batches {}, requests {}, latency p50 {:.1} ms p99 {:.1} ms max {:.1} ms\n",
            p.setup().name,
            s.sent,
            s.acked,
            s.failed,
            s.retries,
            s.batches,
            s.requests,
            lat.map_or(0.0, |l| l.p50),
            lat.map_or(0.0, |l| l.p99),
            lat.map_or(0.0, |l| l.max),
        ));
        for (name, n) in s.errors_by_name() {
            out.push_str(&format!("  {name}: {n}\n"));
        }
    }
    out.push_str(&format!(
        "durability: acked lost {}, duplicates {}, reordered {}, inconsistent offsets {}, unconfirmed lost {}\n",
        r.acked_lost, r.duplicates, r.reordered, r.inconsistent_offsets, r.unconfirmed_lost
    ));
    for f in r.findings.iter().take(10) {
        out.push_str(&format!("  {:?} {}: {}\n", f.kind, f.record, f.explanation));
    }
    let el = sim.elections();
    out.push_str(&format!(
        "elections: {} clean, {} unclean\n",
        el.clean, el.unclean
    ));
    for g in groups {
        out.push_str(&g.line);
        out.push('\n');
    }
    for p in sim.view().partitions {
        // The 50 `__consumer_offsets` partitions: only those holding data.
        if p.topic.starts_with("__") && p.high_watermark <= 0 {
            continue;
        }
        let leos: Vec<String> = p
            .log_end_offsets
            .iter()
            .map(|(b, l)| format!("{b}:{l}"))
            .collect();
        out.push_str(&format!(
            "{}-{}: leader {} epoch {} isr {:?} hw {} leo {}\n",
            p.topic,
            p.partition,
            p.leader.map_or_else(|| "none".to_owned(), |l| l.to_string()),
            p.leader_epoch,
            p.isr.iter().map(|b| b.0).collect::<Vec<_>>(),
            p.high_watermark,
            leos.join(" ")
        ));
    }
    for v in sim.invariant_violations() {
        out.push_str(&format!(
            "INVARIANT VIOLATION at {} ms {}: {}\n",
            v.at.as_millis(),
            v.invariant,
            v.detail
        ));
    }
    if events {
        // The event log, one plain English sentence per event (the page says them in Korean too).
        out.push_str("event log:\n");
        for e in sim.event_log_range(sim.event_log_bounds()) {
            out.push_str(&format!(
                "  {:>9} ms  {:<8} {}\n",
                e.at.as_millis(),
                format!("{:?}", e.kind).to_lowercase(),
                e.narration.english()
            ));
        }
    }
    out
}
