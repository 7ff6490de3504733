//! `kafka-sim shell`: a script of the seed's commands piped in, as `kafka-sim shell < commands.sh`.

mod common;
use common::{kafka_sim, scenario, text};

#[test]
fn a_piped_script_runs_the_seeds_commands() {
    let script = "\
# 토픽 조회
kafka-topics --bootstrap-server localhost:9092 --list
kafka-topics.sh --bootstrap-server localhost:9092 --create --topic bookings --partitions 2 --replication-factor 3
kafka-console-producer --bootstrap-server localhost:9092 --topic bookings
first booking
second booking
^D
kafka-console-consumer --bootstrap-server localhost:9092 --topic bookings --from-beginning --max-messages 2
kafka-topics --bootstrap-server {broker url} --list
";
    let out = kafka_sim(&["shell", "--scenario", &scenario("seed-reserve.toml")], script);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(
        stdout.starts_with("reserve\nCreated topic bookings.\n"),
        "{stdout}"
    );
    let consumed: Vec<&str> = stdout.lines().skip(2).collect();
    let mut sorted = consumed.clone();
    sorted.sort();
    assert_eq!(sorted, ["first booking", "second booking"], "{stdout}");
    assert!(stderr.contains("Processed a total of 2 messages\n"), "{stderr}");
    // The seed's placeholder is not an address.
    assert!(
        stderr.contains("Invalid url in bootstrap.servers: {broker"),
        "{stderr}"
    );
}

#[test]
fn the_default_cluster_is_the_seeds() {
    let out = kafka_sim(
        &["shell"],
        "kafka-topics --bootstrap-server kafka1:29092 --describe --topic reserve\n",
    );
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("Topic: reserve\tTopicId: "), "{stdout}");
    assert!(
        stdout.contains("\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: \n"),
        "{stdout}"
    );
}

#[test]
fn echo_keeps_output_without_a_final_newline_off_the_next_line() {
    let script = "\
kafka-console-producer --bootstrap-server localhost:9092 --topic reserve
a
^D
kafka-console-consumer --bootstrap-server localhost:9092 --topic reserve --from-beginning --max-messages 1 --property line.separator=;
kafka-topics --bootstrap-server localhost:9092 --list --exclude-internal
";
    let out = kafka_sim(&["shell", "--echo"], script);
    let stdout = text(&out.stdout);
    // The record ends with `;`, not a newline: the echo adds one before the next prompt.
    assert!(
        stdout.contains(
            ";\n$ kafka-topics --bootstrap-server localhost:9092 --list --exclude-internal\nreserve\n"
        ),
        "{stdout}"
    );
    let o = kafka_sim(&["shell"], script);
    assert!(
        text(&o.stdout).contains(";reserve\n"),
        "without --echo the bytes are the tool's"
    );
}

#[test]
fn a_script_alters_and_deletes_a_topic() {
    let script = "\
kafka-topics --bootstrap-server localhost:9092 --create --topic bookings --partitions 1 --replication-factor 3
kafka-topics --bootstrap-server localhost:9092 --alter --topic bookings --partitions 4
kafka-topics --bootstrap-server localhost:9092 --describe --topic bookings
kafka-topics --bootstrap-server localhost:9092 --alter --topic bookings --partitions 2
kafka-topics --bootstrap-server localhost:9092 --delete --topic bookings
kafka-topics --bootstrap-server localhost:9092 --list --exclude-internal
";
    let out = kafka_sim(&["shell"], script);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "Created topic bookings.");
    assert!(
        lines[1].contains("\tPartitionCount: 4\tReplicationFactor: 3\t"),
        "{stdout}"
    );
    for p in 0..4 {
        assert!(
            lines[2 + p].starts_with(&format!("\tTopic: bookings\tPartition: {p}\tLeader: ")),
            "{stdout}"
        );
    }
    assert_eq!(
        lines[6],
        "Error while executing topic command : The number of partitions for a topic can only be increased. Topic bookings currently has 4 partitions, 2 would not be an increase."
    );
    // --delete prints nothing; the topic is gone from the list.
    assert_eq!(lines[7], "reserve");
    assert_eq!(lines.len(), 8, "{stdout}");
}
