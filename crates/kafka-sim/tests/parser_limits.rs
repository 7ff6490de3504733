//! Every parser of user input refuses oversized input with a clear message (issue 6, section 4), and
//! the terminal's console consumer ends under a steady producer (a hang the fuzzer found).

use kafka_sim::lesson::{Lesson, MAX_LESSON_BYTES};
use kafka_sim::port::{
    ImportFormat, ImportOptions, MAX_IMPORT_BYTES, MAX_IMPORT_LINES, import_files, parse_properties,
    parse_yaml,
};
use kafka_sim::scenario::{MAX_SCENARIO_BYTES, Scenario};
use kafka_sim::session::{MAX_PERMALINK_CHARS, Permalink};
use kafka_sim::shell::{MAX_LINE_BYTES, Shell};
use kafka_sim::{SimTime, Simulation};

#[test]
fn an_oversized_scenario_is_refused_with_its_size_and_the_limit() {
    let big = format!("duration = \"1s\"\n#{}", "x".repeat(MAX_SCENARIO_BYTES));
    let e = Scenario::from_toml_str(&big).expect_err("too large").to_string();
    assert_eq!(
        e,
        format!(
            "the scenario is {} bytes; the limit is 1048576 bytes (1 MiB)",
            big.len()
        )
    );
}

#[test]
fn oversized_compose_spring_and_properties_files_are_refused() {
    let big = format!("a: {}\n", "x".repeat(MAX_IMPORT_BYTES));
    let n = big.len();
    assert_eq!(
        parse_yaml(&big).expect_err("too large").to_string(),
        format!("the file is {n} bytes; the limit is 1048576 bytes")
    );
    assert_eq!(
        parse_properties(&big).expect_err("too large").to_string(),
        format!("the file is {n} bytes; the limit is 1048576 bytes (1 MiB)")
    );
    for (name, format) in [
        ("docker-compose.yml", ImportFormat::Compose),
        ("application.yml", ImportFormat::Spring),
        ("producer.properties", ImportFormat::Properties),
    ] {
        let e =
            import_files(&[(name, &big)], Some(format), &ImportOptions::default()).expect_err("too large");
        assert_eq!(
            e.to_string(),
            format!("{name}: the file is {n} bytes; the limit is 1048576 bytes (1 MiB)")
        );
    }
    let lines = "a=b\n".repeat(MAX_IMPORT_LINES + 1);
    assert_eq!(
        parse_properties(&lines).expect_err("too many lines").to_string(),
        "the file has more than 10000 lines; the limit is 10000"
    );
}

#[test]
fn an_oversized_permalink_is_refused_with_its_length_and_the_limit() {
    let long = format!("k1.{}", "A".repeat(MAX_PERMALINK_CHARS));
    assert_eq!(
        Permalink::decode(&long).expect_err("too long").to_string(),
        format!(
            "the permalink is {} characters long; at most 65536 are accepted",
            long.len()
        )
    );
}

#[test]
fn an_oversized_lesson_is_refused_with_its_size_and_the_limit() {
    let big = format!("#{}", "x".repeat(MAX_LESSON_BYTES));
    let e = Lesson::parse("big.toml", &big, &["seed-reserve"]).expect_err("too large");
    assert_eq!(
        e.to_string(),
        format!("big.toml: {} bytes, more than the limit of 262144", big.len())
    );
}

fn seed_reserve() -> Simulation {
    let text = include_str!("../../../tests/scenarios/seed-reserve.toml");
    let scenario = Scenario::from_toml_str(text).expect("the seed scenario parses");
    let mut sim = Simulation::new(scenario.sim_spec()).expect("and builds");
    while !sim.topic_ready("reserve") {
        assert!(sim.now() < SimTime::from_secs(30));
        sim.run_until(sim.now() + SimTime::from_millis(100));
    }
    sim.run_until(sim.now() + SimTime::from_secs(1));
    sim
}

const LIST: &str = "kafka-topics --bootstrap-server localhost:9092 --list";

#[test]
fn an_oversized_shell_line_is_refused_and_the_terminal_goes_on() {
    let mut sim = seed_reserve();
    let mut sh = Shell::new(42);
    let long = format!("kafka-topics --topic {}", "x".repeat(MAX_LINE_BYTES));
    let o = sh.run_line(&mut sim, &long);
    let msg = format!(
        "kafka-sim: the line is {} bytes long; at most 65536 are accepted\n",
        long.len()
    );
    assert_eq!(
        (o.stdout.as_str(), o.stderr.as_str(), o.exit),
        ("", msg.as_str(), Some(1))
    );
    // Continued lines count together.
    let half = format!("kafka-topics --topic {}\\", "y".repeat(MAX_LINE_BYTES / 2));
    assert_eq!(sh.run_line(&mut sim, &half).exit, None);
    let o = sh.run_line(&mut sim, &half);
    assert!(
        o.stderr.starts_with("kafka-sim: the line is ") && o.exit == Some(1),
        "{o:?}"
    );
    // Nothing is left pending: the next command runs.
    let o = sh.run_line(&mut sim, LIST);
    assert_eq!(o.exit, Some(0), "{o:?}");
    assert!(o.stdout.contains("reserve"), "{o:?}");
}

#[test]
fn an_oversized_record_line_is_refused_and_the_producer_reads_on() {
    let mut sim = seed_reserve();
    let mut sh = Shell::new(42);
    let p = "kafka-console-producer --bootstrap-server localhost:9092 --topic reserve";
    assert_eq!(sh.run_line(&mut sim, p).exit, None);
    let o = sh.run_line(&mut sim, &"r".repeat(MAX_LINE_BYTES + 1));
    assert!(
        o.stderr.contains("at most 65536 are accepted") && o.exit.is_none(),
        "{o:?}"
    );
    assert!(sh.in_progress());
    assert_eq!(sh.run_line(&mut sim, "^D").exit, Some(0));
}

/// Under the seed's producer (100 records/s) there is always something new: the consumer used to read
/// forever without `--max-messages` or `--timeout-ms` (found by `kafka-sim fuzz --target shell`).
#[test]
fn the_console_consumer_stops_under_a_steady_producer() {
    for extra in ["", " --max-messages 1000000000", " --timeout-ms 100000000"] {
        let mut sim = seed_reserve();
        let mut sh = Shell::new(42);
        let start = sim.now();
        let line = format!(
            "kafka-console-consumer --bootstrap-server localhost:9092 --topic reserve --from-beginning{extra}"
        );
        let o = sh.run_line(&mut sim, &line);
        assert_eq!(o.exit, Some(0), "{extra}: {}", o.stderr);
        let read = o.stdout.lines().count();
        assert!(read > 1_000, "{extra}: only {read} records");
        assert!(
            o.stderr
                .ends_with(&format!("Processed a total of {read} messages\n")),
            "{extra}: {}",
            o.stderr
        );
        assert!(
            sim.now() - start <= SimTime::from_secs(75),
            "{extra}: ran until {}",
            sim.now()
        );
    }
}

/// Found by `kafka-sim fuzz --target shell --seed 99` (case 3537): creating a topic with 2147483647
/// partitions never returned. Creating and adding partitions are now bound by the scenario files'
/// `MAX_PARTITIONS`.
#[test]
fn creating_a_topic_with_too_many_partitions_is_refused() {
    let mut sim = seed_reserve();
    let mut sh = Shell::new(42);
    let o = sh.run_line(
        &mut sim,
        "kafka-topics --bootstrap-server localhost:9092 --create --topic t1 --partitions 2147483647 \
         --replication-factor 2",
    );
    assert_eq!(o.exit, Some(1), "{o:?}");
    assert!(o.stderr.contains("InvalidPartitionsException"), "{o:?}");
    // The same bound holds when partitions are added.
    let o = sh.run_line(
        &mut sim,
        "kafka-topics --bootstrap-server localhost:9092 --alter --topic reserve --partitions 2147483647",
    );
    assert_eq!(o.exit, Some(1), "{o:?}");
    assert!(o.stderr.contains("at most 1000 partitions"), "{o:?}");
}
