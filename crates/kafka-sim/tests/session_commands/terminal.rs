//! Terminal lines as session commands: they are logged, replayed by permalinks and time travel, and
//! their output lives in the session's transcript.

use super::*;
use kafka_sim::session::{MAX_COMMAND_TEXT, Permalink, Position};

const BS: &str = "--bootstrap-server localhost:9092";

fn shell(line: &str) -> Command {
    Command::Shell { line: line.into() }
}

/// The seed's system, ready: the topic has its leaders.
fn ready() -> Session {
    let mut s = session(WITH_GROUP);
    s.run_until(ms(3_000));
    s
}

fn outputs(s: &Session) -> Vec<(String, String, String)> {
    (s.transcript().entries())
        .map(|e| (e.input.clone(), e.output.stdout.clone(), e.output.stderr.clone()))
        .collect()
}

#[test]
fn shell_lines_run_in_the_session_and_fill_the_transcript() {
    let mut s = ready();
    assert_eq!(s.shell().prompt(), "$ ");
    s.apply(shell(&format!("kafka-topics {BS} --list"))).unwrap();
    let e = s.transcript().entries().last().unwrap().clone();
    assert_eq!(e.prompt, "$ ");
    assert!(e.output.stdout.lines().any(|l| l == "reserve"), "{e:?}");
    assert_eq!(e.output.exit, Some(0));
    assert_eq!(s.log().last().unwrap().command.name(), "shell");
    // Plain Command::apply has no shell: refused, nothing changes.
    let mut sim = s.sim().clone();
    assert!(shell("help").apply(&mut sim).is_err());
}

#[test]
fn the_console_producer_takes_the_following_lines_until_end_of_input() {
    let mut s = ready();
    s.apply(shell(&format!(
        "kafka-topics {BS} --create --topic notes --partitions 1 --replication-factor 3"
    )))
    .unwrap();
    s.run_until(s.now() + ms(1_000));
    s.apply(shell(&format!("kafka-console-producer {BS} --topic notes")))
        .unwrap();
    assert!(s.shell().in_progress());
    assert_eq!(s.shell().prompt(), ">");
    s.apply(shell("hello")).unwrap();
    s.apply(shell("<b>x</b>")).unwrap();
    assert!(s.shell().in_progress(), "record lines do not end the producer");
    s.apply(Command::EndOfInput).unwrap();
    assert!(!s.shell().in_progress());
    assert_eq!(s.transcript().entries().last().unwrap().input, "^D");
    // The line `^D` ends it too.
    s.apply(shell(&format!("kafka-console-producer {BS} --topic notes")))
        .unwrap();
    s.apply(shell("again")).unwrap();
    s.apply(shell("^D")).unwrap();
    assert!(!s.shell().in_progress());
    s.apply(shell(&format!(
        "kafka-console-consumer {BS} --topic notes --from-beginning --max-messages 3"
    )))
    .unwrap();
    let out = &s.transcript().entries().last().unwrap().output;
    for v in ["hello", "<b>x</b>", "again"] {
        assert!(out.stdout.lines().any(|l| l == v), "{v} missing: {out:?}");
    }
    assert_eq!(out.stdout, "hello\n<b>x</b>\nagain\n");
    assert_eq!(out.stderr, "Processed a total of 3 messages\n");
}

#[test]
fn a_line_longer_than_the_limit_is_refused() {
    let mut s = ready();
    let before = s.log().len();
    let long = "x".repeat(MAX_COMMAND_TEXT + 1);
    assert!(s.apply(shell(&long)).is_err());
    assert_eq!(s.log().len(), before);
    assert!(s.transcript().is_empty());
    assert!(s.apply(shell(&"x".repeat(MAX_COMMAND_TEXT))).is_ok());
}

#[test]
fn a_permalink_with_shell_lines_replays_the_same_trace_and_transcript() {
    let mut live = ready();
    let lines = [
        format!("kafka-topics {BS} --create --topic bookings --partitions 2 --replication-factor 3"),
        format!("kafka-topics {BS} --describe --topic bookings"),
        format!(
            "kafka-console-producer {BS} --topic bookings --property parse.key=true --property key.separator=:"
        ),
        "k1:first".into(),
        "k2:second".into(),
    ];
    for l in &lines {
        live.apply(shell(l)).unwrap();
    }
    live.run_until(live.now() + ms(500));
    live.apply(Command::EndOfInput).unwrap();
    live.run_until(live.now() + ms(1_000));
    live.apply(shell(&format!(
        "kafka-console-consumer {BS} --topic bookings --from-beginning --max-messages 2"
    )))
    .unwrap();
    live.run_until(live.now() + ms(1_000));
    let link = live.permalink();
    let decoded = Permalink::decode(&link.encode()).unwrap();
    assert_eq!(decoded, link);
    let json = link.to_json();
    assert!(json.contains(r#"{"do":"end_of_input"}"#), "{json}");
    assert_eq!(Permalink::from_json(&json).unwrap(), link);
    let scenario = Scenario::from_toml_str(WITH_GROUP).unwrap();
    let mut replay = Session::with_log(
        ScenarioSource::Inline(WITH_GROUP.into()),
        scenario,
        decoded.seed,
        decoded.actions,
    )
    .unwrap();
    replay.seek_position(decoded.position);
    assert_eq!(replay.position(), live.position());
    assert_eq!(replay.trace_hash(), live.trace_hash());
    assert_eq!(replay.transcript(), live.transcript());
    let last = live.transcript().entries().last().unwrap();
    let mut got: Vec<&str> = last.output.stdout.lines().collect();
    got.sort_unstable();
    assert_eq!(got, ["first", "second"], "{last:?}");
    assert_eq!(last.output.stderr, "Processed a total of 2 messages\n");
}

#[test]
fn stepping_back_past_a_shell_line_removes_its_output() {
    let mut s = ready();
    s.step();
    let before = (s.position(), s.trace_hash());
    s.apply(shell(&format!("kafka-topics {BS} --list"))).unwrap();
    assert_eq!(s.transcript().entries().len(), 1);
    // The line ran at this unit; going back one unit goes before it.
    assert!(s.step_back());
    assert!(s.transcript().is_empty(), "{:?}", outputs(&s));
    assert!(s.position() < before.0);
    // Forward again replays it: the same output comes back.
    s.seek_position(Position {
        step: before.0.step,
        at: before.0.at,
    });
    assert_eq!(s.transcript().entries().len(), 1);
    // Seeking back to time zero also forgets it; running forward brings it back.
    s.seek(SimTime::ZERO);
    assert!(s.transcript().is_empty());
}

#[test]
fn the_current_scenario_carries_the_option_changes_into_exports() {
    use kafka_sim::port::{ExportFormat, ExportOptions, export};
    let mut s = ready();
    s.apply(Command::SetProducerConfig {
        producer: "reservation-service".into(),
        name: "acks".into(),
        value: "1".into(),
    })
    .unwrap();
    s.apply(Command::SetConsumerConfig {
        group: GROUP.into(),
        member: None,
        name: "max.poll.records".into(),
        value: "50".into(),
    })
    .unwrap();
    let now = s.current_scenario();
    assert_eq!(
        s.scenario().producers[0]
            .properties
            .iter()
            .find(|(k, _)| k == "acks"),
        None
    );
    let producer = export(&now, ExportFormat::ProducerProperties, &ExportOptions::default()).unwrap();
    assert!(producer.text.lines().any(|l| l == "acks=1"), "{}", producer.text);
    let consumer = export(&now, ExportFormat::ConsumerProperties, &ExportOptions::default()).unwrap();
    assert!(
        consumer.text.lines().any(|l| l == "max.poll.records=50"),
        "{}",
        consumer.text
    );
    // After stepping back before the change, the export is the scenario's again.
    s.seek(SimTime::ZERO);
    let before = export(
        &s.current_scenario(),
        ExportFormat::ProducerProperties,
        &ExportOptions::default(),
    )
    .unwrap();
    assert!(!before.text.lines().any(|l| l == "acks=1"), "{}", before.text);
}

#[test]
fn a_topic_created_in_the_terminal_is_not_internal_in_the_view() {
    let mut s = ready();
    s.apply(shell(&format!(
        "kafka-topics {BS} --create --topic bookings --partitions 2 --replication-factor 3"
    )))
    .unwrap();
    s.run_until(s.now() + ms(1_000));
    let view = s.sim().view();
    let bookings: Vec<_> = view.partitions.iter().filter(|p| p.topic == "bookings").collect();
    assert_eq!(bookings.len(), 2);
    assert!(bookings.iter().all(|p| !p.internal));
    assert!(
        view.partitions
            .iter()
            .filter(|p| p.topic == "__consumer_offsets")
            .all(|p| p.internal)
    );
}
