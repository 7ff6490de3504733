//! `kafka-topics --delete` and `--alter --partitions` in the terminal: ZooKeeper-mode deletion
//! (StopReplica to the replicas, then the znodes go) and partition addition (the controller elects
//! the new partitions' leaders), with Kafka's outputs and errors.

mod shell_support;

use shell_support::*;

use kafka_sim::ErrorCode;
use kafka_sim::shell::Shell;
use kafka_sim::{SimTime, Simulation};

#[test]
fn delete_removes_the_topic_from_every_broker_and_prints_nothing() {
    let (mut sim, mut sh) = seed_cluster();
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --create --topic doomed --partitions 2 --replication-factor 3"),
    );
    assert_eq!(o.stdout, "Created topic doomed.\n");
    let p = format!("kafka-console-producer {BS} --topic doomed");
    let o = run_all(&mut sim, &mut sh, &[&p, "a", "b", "c", "^D"]);
    assert_eq!(o.exit, Some(0));
    let before = sim.durability_report();
    assert_eq!(before.acked, 3, "{before:?}");

    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --delete --topic doomed"),
    );
    assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit), ("", "", Some(0)));

    // Gone from --list and --describe, from ZooKeeper and from every broker's replica manager.
    let o = run(&mut sim, &mut sh, &format!("kafka-topics {BS} --list"));
    assert_eq!(o.stdout, "reserve\n");
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --describe --topic doomed"),
    );
    assert_eq!(
        o.stdout,
        "Error while executing topic command : Topic 'Optional[doomed]' does not exist as expected\n"
    );
    assert_eq!(o.exit, Some(1));
    assert!(!sim.topic_exists("doomed"));
    for b in 1..=3 {
        let broker = sim.broker(kafka_sim::ids::BrokerId(b)).expect("broker");
        assert!(
            broker
                .partitions()
                .values()
                .all(|h| !h.name.starts_with("doomed-")),
            "broker {b} still hosts a partition of doomed"
        );
    }
    // The event log narrates it.
    let bounds = sim.event_log_bounds();
    let lines: Vec<String> = (sim.event_log_range(bounds).iter())
        .map(|e| e.narration.english())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l == "topic doomed deleted: every replica's log is gone"),
        "{lines:#?}"
    );
    // The deleted topic's records are explained, not lost.
    let report = sim.durability_report();
    assert_eq!(report.acked_lost, 0, "{report:?}");
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.deleted_topics.len(), 1);
    assert_eq!(report.deleted_topics[0].topic, "doomed");
    assert_eq!(report.deleted_topics[0].records, 3);

    // Deleting it again: the tool's own check.
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --delete --topic doomed"),
    );
    assert_eq!(
        o.stdout,
        "Error while executing topic command : Topic 'Optional[doomed]' does not exist as expected\n"
    );
    assert_eq!(o.exit, Some(1));
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --delete --topic doomed --if-exists"),
    );
    assert_eq!((o.stdout.as_str(), o.exit), ("", Some(0)));
    // A topic of the same name can be created again, empty.
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --create --topic doomed --partitions 1 --replication-factor 1"),
    );
    assert_eq!(o.stdout, "Created topic doomed.\n");
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-console-consumer {BS} --topic doomed --from-beginning --timeout-ms 1000"),
    );
    assert_eq!(o.stdout, "");
}

#[test]
fn internal_topics_cannot_be_deleted() {
    let (mut sim, mut sh) = seed_cluster();
    run(
        &mut sim,
        &mut sh,
        &format!("kafka-console-consumer {BS} --topic reserve --group g --timeout-ms 500"),
    );
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --delete --topic __consumer_offsets"),
    );
    assert_eq!(
        o.stdout,
        "Error while executing topic command : Topic __consumer_offsets is a kafka internal topic and is not allowed to be marked for deletion.\n"
    );
    assert_eq!(o.exit, Some(1));
    assert!(sim.topic_exists("__consumer_offsets"));
}

#[test]
fn a_producer_of_a_deleted_topic_gets_unknown_topic_or_partition() {
    let (mut sim, mut sh) = seed_cluster();
    run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --create --topic short --partitions 1 --replication-factor 2"),
    );
    // The producer starts before the deletion and sends after it.
    let p = format!(
        "kafka-console-producer {BS} --topic short --producer-property delivery.timeout.ms=5000 --producer-property request.timeout.ms=2000"
    );
    let o = run_all(&mut sim, &mut sh, &[&p, "before"]);
    assert_eq!(o.stderr, "");
    sim.run_until(sim.now() + SimTime::from_secs(1));
    let mut admin = Shell::new(7);
    let o = run(
        &mut sim,
        &mut admin,
        &format!("kafka-topics {BS} --delete --topic short"),
    );
    assert_eq!(o.exit, Some(0), "{o:?}");
    let o = run_all(&mut sim, &mut sh, &["after", "^D"]);
    assert!(
        o.stderr.contains("UNKNOWN_TOPIC_OR_PARTITION") || o.stderr.contains("UnknownTopicOrPartition"),
        "{o:?}"
    );
    let report = sim.durability_report();
    assert_eq!(report.acked_lost, 0, "{report:?}");
}

#[test]
fn alter_adds_partitions_with_leaders_and_producers_write_to_them() {
    let (mut sim, mut sh) = seed_cluster();
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --alter --topic reserve --partitions 6"),
    );
    assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit), ("", "", Some(0)));
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --describe --topic reserve"),
    );
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert!(
        lines[0].contains("\tPartitionCount: 6\tReplicationFactor: 3\t"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 7);
    for (p, line) in lines[1..].iter().enumerate() {
        assert!(
            line.starts_with(&format!("\tTopic: reserve\tPartition: {p}\tLeader: ")),
            "{line}"
        );
        assert!(!line.contains("Leader: none"), "{line}");
        assert!(line.ends_with(&format!("Isr: {}", replicas_of(line))), "{line}");
    }
    // AdminZkClient's assignment for added partitions: round-robin from partition 0's first
    // replica, continuing at partition 3 with the fixed shift.
    let first: Vec<String> = lines[1..]
        .iter()
        .map(|l| replicas_of(l).split(',').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(first[3..].len(), 3);
    let mut leaders = first[3..].to_vec();
    leaders.sort();
    assert_eq!(leaders, ["1", "2", "3"]);

    // Keyed records now hash over 6 partitions: some land on the new ones.
    let mut lines_in: Vec<String> = vec![format!(
        "kafka-console-producer {BS} --topic reserve --property parse.key=true --property key.separator=:"
    )];
    lines_in.extend((0..30).map(|i| format!("k{i}:v{i}")));
    lines_in.push("^D".into());
    let refs: Vec<&str> = lines_in.iter().map(String::as_str).collect();
    let o = run_all(&mut sim, &mut sh, &refs);
    assert_eq!(o.exit, Some(0), "{o:?}");
    let mut on_new = 0;
    for p in 3..6 {
        let o = run(
            &mut sim,
            &mut sh,
            &format!(
                "kafka-console-consumer {BS} --topic reserve --partition {p} --offset earliest --timeout-ms 1000"
            ),
        );
        on_new += o.stdout.lines().count();
    }
    assert!(on_new > 0, "no record reached partitions 3..6");
    let report = sim.durability_report();
    assert!(report.is_clean(), "{report:?}");

    // Shrinking is refused with AdminZkClient's message.
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --alter --topic reserve --partitions 2"),
    );
    assert_eq!(
        o.stdout,
        "Error while executing topic command : The number of partitions for a topic can only be increased. Topic reserve currently has 6 partitions, 2 would not be an increase.\n"
    );
    assert_eq!(o.exit, Some(1));
    assert!(
        o.stderr
            .contains("org.apache.kafka.common.errors.InvalidPartitionsException")
    );
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --alter --topic missing --partitions 2"),
    );
    assert_eq!(
        o.stdout,
        "Error while executing topic command : Topic 'Optional[missing]' does not exist as expected\n"
    );
}

/// The `Replicas:` field of a `--describe` partition line.
fn replicas_of(line: &str) -> &str {
    line.split('\t')
        .find_map(|f| f.strip_prefix("Replicas: "))
        .unwrap_or("")
}

#[test]
fn the_group_rebalances_over_added_partitions_and_the_producer_writes_to_them() {
    let mut sim = group_sim();
    sim.run_until(SimTime::from_secs(15));
    let assigned = |sim: &Simulation| -> usize {
        (sim.member_views(0).iter())
            .map(|(_, _, v)| v.assigned.len())
            .sum()
    };
    assert_eq!(assigned(&sim), 3);
    let mut sh = Shell::new(1);
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --alter --topic reserve --partitions 5"),
    );
    assert_eq!(o.exit, Some(0), "{o:?}");
    // The consumers' log lines from here on (the trace keeps only its latest entries).
    let mut logs: Vec<String> = Vec::new();
    let mut seen = sim.now();
    let end = sim.now() + SimTime::from_secs(15);
    while sim.now() < end {
        sim.run_until(sim.now() + SimTime::from_millis(100));
        for e in sim.trace().entries().filter(|e| e.at > seen) {
            if let kafka_sim::kernel::TraceEvent::Node {
                event: kafka_sim::cluster::ClusterEvent::Consumer { message, .. },
                ..
            } = &e.event
            {
                logs.push(message.clone());
            }
        }
        seen = sim.now();
    }
    // The leader saw the metadata change, rejoined, and the 5 partitions are split 3 + 2.
    assert_eq!(assigned(&sim), 5);
    assert!(
        logs.iter().any(|m| m.contains(
            "Request joining group due to: cached metadata has changed from {reserve=3} at the beginning of the rebalance to {reserve=5}"
        )),
        "{logs:#?}"
    );
    // Keyed records reach the new partitions, the group reads them, and nothing is lost.
    let p4 = kafka_sim::record::TopicPartition {
        topic: kafka_sim::record::TopicIdx(0),
        partition: 4,
    };
    assert!(sim.high_watermark_of(p4) > 0);
    let report = sim.durability_report();
    assert!(report.is_clean(), "{report:?}");
    let delivery = sim.delivery_report(0).expect("group 0");
    assert_eq!(delivery.skipped, 0, "{delivery:?}");
}

#[test]
fn topics_created_while_running_are_ordinary_in_the_views_and_deleted_ones_vanish() {
    let (mut sim, mut sh) = seed_cluster();
    run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --create --topic orders --partitions 2 --replication-factor 2"),
    );
    run(
        &mut sim,
        &mut sh,
        &format!("kafka-console-consumer {BS} --topic orders --group g --timeout-ms 500"),
    );
    let view = sim.view();
    let rows = |v: &kafka_sim::view::SimView, t: &str| -> Vec<bool> {
        (v.partitions.iter())
            .filter(|p| p.topic == t)
            .map(|p| p.internal)
            .collect()
    };
    assert_eq!(rows(&view, "orders"), [false, false]);
    assert!(rows(&view, "__consumer_offsets").iter().all(|i| *i));
    assert!(!rows(&view, "__consumer_offsets").is_empty());
    let replicas_of = |v: &kafka_sim::view::SimView, t: &str| -> usize {
        (v.brokers.iter())
            .flat_map(|b| b.replicas.iter())
            .filter(|r| r.topic == t)
            .count()
    };
    assert_eq!(
        replicas_of(&view, "orders"),
        4,
        "the cluster picture shows its replicas"
    );
    let settings = view.settings.expect("settings");
    let names: Vec<&str> = settings.topics.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["reserve", "orders"]);

    run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --delete --topic orders"),
    );
    let view = sim.view();
    assert!(rows(&view, "orders").is_empty());
    assert_eq!(replicas_of(&view, "orders"), 0);
    let names: Vec<String> = (view.settings.expect("settings").topics.iter())
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(names, ["reserve"]);
}

#[test]
fn a_dead_replica_keeps_the_deletion_pending_until_its_broker_is_back() {
    use kafka_sim::ids::NodeId;
    use kafka_sim::kernel::fault::Fault;
    let (mut sim, mut sh) = seed_cluster();
    run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --create --topic slow --partitions 1 --replication-factor 3"),
    );
    sim.inject(Fault::Crash(NodeId(3)));
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --delete --topic slow"),
    );
    assert_eq!(
        o.stdout,
        "Error while executing topic command : The request timed out.\n"
    );
    assert_eq!(o.exit, Some(1));
    // Still listed, marked for deletion.
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --describe --topic slow"),
    );
    let first = o.stdout.lines().next().unwrap_or_default().to_string();
    assert!(first.ends_with("\tConfigs: \tMarkedForDeletion: true"), "{first}");
    assert!(
        o.stdout
            .lines()
            .nth(1)
            .is_some_and(|l| l.ends_with("\tMarkedForDeletion: true"))
    );
    // Broker 3 comes back: it gets its StopReplica and the deletion completes.
    sim.inject(Fault::Restart(NodeId(3)));
    let deadline = sim.now() + SimTime::from_secs(60);
    while sim.topic_exists("slow") {
        assert!(sim.now() < deadline, "the deletion never completed");
        sim.run_until(sim.now() + SimTime::from_millis(100));
    }
    let b3 = sim.broker(kafka_sim::ids::BrokerId(3)).expect("broker 3");
    assert!(b3.partitions().values().all(|h| h.name != "slow-0"));
    let o = run(&mut sim, &mut sh, &format!("kafka-topics {BS} --list"));
    assert_eq!(o.stdout, "reserve\n");
}

#[test]
fn deleting_a_topic_under_a_running_producer_and_group_reports_nothing_lost() {
    let mut sim = group_sim();
    sim.run_until(SimTime::from_secs(15));
    let mut sh = Shell::new(1);
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics {BS} --delete --topic reserve"),
    );
    assert_eq!((o.stdout.as_str(), o.exit), ("", Some(0)), "{o:?}");
    sim.run_until(sim.now() + SimTime::from_secs(30));
    let report = sim.durability_report();
    assert_eq!(report.acked_lost, 0, "{report:?}");
    assert_eq!(report.acked_wrong_offset, 0, "{report:?}");
    assert_eq!(report.deleted_topics.len(), 1, "{report:?}");
    assert!(report.deleted_topics[0].records > 0);
    // The producer's later sends fail with UNKNOWN_TOPIC_OR_PARTITION (retried until
    // delivery.timeout.ms), never acknowledged.
    let stats = sim
        .producers()
        .next()
        .expect("producer")
        .producer()
        .stats()
        .clone();
    assert!(
        stats
            .errors
            .get(&ErrorCode::UnknownTopicOrPartition)
            .is_some_and(|n| *n > 0),
        "{stats:?}"
    );
    assert!(
        stats.acked + stats.failed < stats.sent,
        "later records wait, retried"
    );
    // The group read everything written before the deletion once, and nothing is judged skipped.
    let delivery = sim.delivery_report(0).expect("group 0");
    assert_eq!(delivery.skipped, 0, "{delivery:?}");
    assert_eq!(delivery.processed_twice, 0, "{delivery:?}");
    assert!(
        sim.invariant_violations().is_empty(),
        "{:?}",
        sim.invariant_violations()
    );
}
