//! Golden outputs of the console producer and consumer and `kafka-consumer-groups` in the terminal
//! (reference sections 6.2 to 6.4).

mod shell_support;

use shell_support::*;

use kafka_sim::SimTime;
use kafka_sim::shell::Shell;

#[test]
fn produced_lines_are_consumed_from_the_beginning_with_keys() {
    let (mut sim, mut sh) = seed_cluster();
    let p = format!(
        "kafka-console-producer {BS} --topic reserve --property parse.key=true --property key.separator=:"
    );
    let o = run_all(&mut sim, &mut sh, &[&p, "k1:a:b", "k1:c", "^D"]);
    assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit), ("", "", Some(0)));
    assert!(!sh.in_progress());
    let c = format!(
        "kafka-console-consumer {BS} --topic reserve --from-beginning --property print.key=true --property key.separator=="
    );
    let o = sh.run_line(&mut sim, &c);
    // One key: one partition, in order; the key is split at the first separator.
    assert_eq!(o.stdout, "k1=a:b\nk1=c\n");
    assert_eq!(o.stderr, "Processed a total of 2 messages\n");
    assert_eq!(o.exit, Some(0));
    // Without --from-beginning a new consumer starts at the end.
    let o = sh.run_line(
        &mut sim,
        &format!("kafka-console-consumer {BS} --topic reserve --timeout-ms 1000"),
    );
    assert_eq!(o.stdout, "");
    assert!(o.stderr.ends_with(
        "ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer$)\norg.apache.kafka.common.errors.TimeoutException\nProcessed a total of 0 messages\n"
    ));
}

#[test]
fn print_properties_follow_the_formatters_field_order() {
    let (mut sim, mut sh) = seed_cluster();
    let p = format!("kafka-console-producer {BS} --topic solo --producer-property acks=1");
    let o = run_all(&mut sim, &mut sh, &[&p, "v0", "v1", "^D"]);
    assert!(
        o.stderr
            .contains("Error while fetching metadata with correlation id 1 : {solo=LEADER_NOT_AVAILABLE}")
    );
    let c = format!(
        "kafka-console-consumer {BS} --topic solo --partition 0 --offset 1 --property print.partition=true --property print.offset=true --max-messages 1"
    );
    let o = sh.run_line(&mut sim, &c);
    assert_eq!(o.stdout, "Partition:0\tOffset:1\tv1\n");
    assert_eq!(o.stderr, "Processed a total of 1 messages\n");
}

#[test]
fn a_missing_key_separator_ends_the_producer() {
    let (mut sim, mut sh) = seed_cluster();
    let p = format!("kafka-console-producer {BS} --topic reserve --property parse.key=true");
    let o = run_all(&mut sim, &mut sh, &[&p, "novalue"]);
    assert!(o.stderr.starts_with(
        "org.apache.kafka.common.KafkaException: No key separator found on line number 1: 'novalue'\n"
    ));
    let o = sh.run_line(&mut sim, "^D");
    assert_eq!(o.exit, Some(0));
}

#[test]
fn consumer_option_errors() {
    let (mut sim, mut sh) = seed_cluster();
    let o = sh.run_line(&mut sim, "kafka-console-consumer --topic reserve");
    assert!(
        o.stderr
            .starts_with("Missing required argument \"[bootstrap-server]\"\n")
    );
    assert_eq!(o.exit, Some(1));
    let o = sh.run_line(
        &mut sim,
        &format!("kafka-console-consumer {BS} --topic reserve --group g --partition 0"),
    );
    assert!(
        o.stderr
            .starts_with("Options group and partition cannot be specified together.\n")
    );
    let o = sh.run_line(
        &mut sim,
        &format!("kafka-console-consumer {BS} --topic reserve --frm-beginning"),
    );
    assert!(o.stderr.starts_with(
        "Exception in thread \"main\" joptsimple.UnrecognizedOptionException: frm-beginning is not a recognized option\n"
    ));
}

#[test]
fn consumer_groups_list_describe_and_reset() {
    let (mut sim, mut sh) = seed_cluster();
    let p = format!("kafka-console-producer {BS} --topic reserve");
    run_all(&mut sim, &mut sh, &[&p, "a", "b", "c", "^D"]);
    let c = format!(
        "kafka-console-consumer {BS} --topic reserve --group my-group --from-beginning --max-messages 3"
    );
    let o = sh.run_line(&mut sim, &c);
    assert_eq!(o.stderr, "Processed a total of 3 messages\n");
    let o = sh.run_line(&mut sim, &format!("kafka-consumer-groups {BS} --list"));
    assert_eq!(o.stdout, "my-group\n");
    let o = sh.run_line(
        &mut sim,
        &format!("kafka-consumer-groups {BS} --describe --group my-group"),
    );
    assert_eq!(o.stderr, "\nConsumer group 'my-group' has no active members.\n");
    let header = "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID";
    assert!(o.stdout.starts_with(header), "{}", o.stdout);
    // Everything was read: no lag on any partition.
    for row in o.stdout.lines().skip(2) {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[0], "my-group");
        assert_eq!(cols[3], cols[4], "{row}");
        assert_eq!(&cols[5..], ["0", "-", "-", "-"], "{row}");
    }
    let o = sh.run_line(
        &mut sim,
        &format!("kafka-consumer-groups {BS} --reset-offsets --group my-group --topic reserve --to-earliest --execute"),
    );
    let expected = "\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n\
                    my-group                       reserve                        0          0              \n\
                    my-group                       reserve                        1          0              \n\
                    my-group                       reserve                        2          0              \n";
    assert_eq!(o.stdout, expected);
    let o = sh.run_line(
        &mut sim,
        &format!("kafka-consumer-groups {BS} --describe --group my-group"),
    );
    let lag: i64 = (o.stdout.lines().skip(2))
        .map(|r| r.split_whitespace().nth(5).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(lag, 3);
    let o = sh.run_line(
        &mut sim,
        &format!("kafka-consumer-groups {BS} --describe --group nope"),
    );
    assert_eq!(o.stdout, "\nError: Consumer group 'nope' does not exist.\n");
}

#[test]
fn the_console_consumer_joins_its_group_and_reads_only_its_assignment() {
    let mut sim = group_sim();
    sim.run_until(SimTime::from_secs(10));
    let mut sh = Shell::new(3);
    let start = sim.now();
    let o = sh.run_line(
        &mut sim,
        &format!(
            "kafka-console-consumer {BS} --topic reserve --group g --property print.partition=true --max-messages 40"
        ),
    );
    assert_eq!(o.exit, Some(0));
    assert_eq!(o.stderr, "Processed a total of 40 messages\n");
    // A third member of g: the range assignor gives it one partition of three.
    let mut partitions: Vec<&str> = o.stdout.lines().filter_map(|l| l.split('\t').next()).collect();
    partitions.sort();
    partitions.dedup();
    assert_eq!(partitions.len(), 1, "{}", o.stdout);
    // The coordinator saw it join (JoinGroup through the coordinator, with its client id).
    let joined = (sim.trace().entries()).filter(|e| e.at >= start).any(|e| {
        matches!(
            &e.event,
            kafka_sim::kernel::TraceEvent::Node {
                event: kafka_sim::cluster::ClusterEvent::Group {
                    event: kafka_sim::group::coordinator::GroupEvent::MemberJoined { group, member, .. },
                    ..
                },
                ..
            } if group == "g" && member.starts_with("console-consumer-")
        )
    });
    assert!(joined, "no console-consumer member joined g");
    // It left at close: the two scenario members share the three partitions again.
    sim.run_until(sim.now() + SimTime::from_secs(10));
    let assigned: usize = (sim.member_views(0).iter())
        .map(|(_, _, v)| v.assigned.len())
        .sum();
    assert_eq!(assigned, 3);
}
