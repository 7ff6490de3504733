//! Golden outputs of `kafka-topics` in the terminal, in the formats of the reference's section 6.1.

mod shell_support;

use shell_support::*;

use kafka_sim::SimTime;
use kafka_sim::shell::ShellOutput;
use kafka_sim::sim::admin_api::topic_id;

#[test]
fn list_is_sorted_and_includes_internal_topics_unless_excluded() {
    let (mut sim, mut sh) = seed_cluster();
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --list",
    );
    assert_eq!((o.stdout.as_str(), o.exit), ("reserve\n", Some(0)));
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic alpha --partitions 1 --replication-factor 1",
    );
    assert_eq!(o.stdout, "Created topic alpha.\n");
    // A console consumer group makes the coordinator create __consumer_offsets.
    run(
        &mut sim,
        &mut sh,
        "kafka-console-consumer --bootstrap-server localhost:9092 --topic alpha --group g --timeout-ms 500",
    );
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --list",
    );
    assert_eq!(o.stdout, "__consumer_offsets\nalpha\nreserve\n");
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --list --exclude-internal",
    );
    assert_eq!(o.stdout, "alpha\nreserve\n");
}

#[test]
fn describe_prints_the_tab_layout() {
    let (mut sim, mut sh) = seed_cluster();
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --describe --topic reserve",
    );
    let id = topic_id(42, "reserve");
    let mut lines = o.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("Topic: reserve\tTopicId: {id}\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: ")
    );
    for (p, line) in lines.enumerate() {
        assert!(
            line.starts_with(&format!("\tTopic: reserve\tPartition: {p}\tLeader: ")),
            "{line}"
        );
        assert!(
            line.contains("\tReplicas: ") && line.contains("\tIsr: "),
            "{line}"
        );
    }
    assert_eq!(o.stdout.lines().count(), 4);
}

#[test]
fn create_with_config_shows_it_and_a_dead_leader_prints_none() {
    let (mut sim, mut sh) = seed_cluster();
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9093 --create --topic orders --partitions 1 --replication-factor 1 --config min.insync.replicas=1 --config retention.ms=1000",
    );
    assert_eq!((o.stdout.as_str(), o.exit), ("Created topic orders.\n", Some(0)));
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9093 --describe --topic orders",
    );
    let first = o.stdout.lines().next().unwrap().to_string();
    assert!(
        first.ends_with("\tConfigs: min.insync.replicas=1,retention.ms=1000"),
        "{first}"
    );
    let leader: i32 = o
        .stdout
        .split("Leader: ")
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    sim.inject(kafka_sim::kernel::Fault::Crash(kafka_sim::NodeId(leader as u32)));
    sim.run_until(sim.now() + SimTime::from_secs(20));
    let other = if leader == 1 {
        "localhost:9093"
    } else {
        "localhost:9092"
    };
    let o = run(
        &mut sim,
        &mut sh,
        &format!("kafka-topics --bootstrap-server {other} --describe --topic orders"),
    );
    let part = o.stdout.lines().nth(1).unwrap();
    assert_eq!(
        part,
        format!("\tTopic: orders\tPartition: 0\tLeader: none\tReplicas: {leader}\tIsr: {leader}")
    );
}

#[test]
fn errors_read_as_kafka_prints_them() {
    let (mut sim, mut sh) = seed_cluster();
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic big --partitions 1 --replication-factor 4",
    );
    assert_eq!(
        o.stdout,
        "Error while executing topic command : Replication factor: 4 larger than available brokers: 3.\n"
    );
    assert!(
        o.stderr
            .contains("ERROR org.apache.kafka.common.errors.InvalidReplicationFactorException")
    );
    assert_eq!(o.exit, Some(1));
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic reserve",
    );
    assert_eq!(
        o.stdout,
        "Error while executing topic command : Topic 'reserve' already exists.\n"
    );
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic 'a b'",
    );
    assert_eq!(
        o.stdout,
        "Error while executing topic command : Topic name is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'\n"
    );
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --describe --topic nope",
    );
    assert_eq!(
        o.stdout,
        "Error while executing topic command : Topic 'Optional[nope]' does not exist as expected\n"
    );
    assert_eq!(o.exit, Some(1));
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --lisst",
    );
    assert!(o.stderr.starts_with("lisst is not a recognized option\njoptsimple.UnrecognizedOptionException: lisst is not a recognized option\n"));
    let o = run(&mut sim, &mut sh, "kafka-topics --list");
    assert!(o.stderr.starts_with("--bootstrap-server must be specified\n"));
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092",
    );
    assert!(o.stderr.starts_with(
        "Command must include exactly one action: --list, --describe, --create, --alter or --delete\n"
    ));
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic x.y",
    );
    assert!(
        o.stdout
            .starts_with("WARNING: Due to limitations in metric names")
    );
    assert!(o.stdout.ends_with("Created topic x.y.\n"));
}

#[test]
fn a_dead_bootstrap_broker_gives_connection_warnings_and_a_timeout() {
    let (mut sim, mut sh) = seed_cluster();
    sim.inject(kafka_sim::kernel::Fault::Crash(kafka_sim::NodeId(1)));
    let start = sim.now();
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server localhost:9092 --list",
    );
    assert!(o.stderr.contains(
        "WARN [AdminClient clientId=adminclient-1] Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)\n"
    ));
    assert_eq!(
        o.stdout,
        "Error while executing topic command : Timed out waiting for a node assignment. Call: listTopics\n"
    );
    assert_eq!(o.exit, Some(1));
    assert_eq!(sim.now(), start + SimTime::from_secs(60));
    // Another broker of the seed answers.
    let o = run(
        &mut sim,
        &mut sh,
        "kafka-topics --bootstrap-server kafka2:29093 --list",
    );
    assert_eq!(o.stdout, "reserve\n");
}

#[test]
fn unknown_commands_and_help() {
    let (mut sim, mut sh) = seed_cluster();
    let o = run(&mut sim, &mut sh, "kafak-topics --list");
    assert_eq!(o.exit, Some(127));
    assert!(o.stderr.starts_with("kafak-topics: command not found"));
    let o = run(&mut sim, &mut sh, "help");
    assert!(o.stdout.contains("kafka-console-producer"));
    let o = run(&mut sim, &mut sh, "# a comment");
    assert_eq!(o, ShellOutput::default());
}
