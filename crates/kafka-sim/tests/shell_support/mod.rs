//! What the terminal's test files share: the seed's cluster once `reserve` exists, a scenario with a
//! keyed producer and a consumer group, and running lines through a [`Shell`].
#![allow(dead_code)] // each test file uses its own part of it

use kafka_sim::shell::{Shell, ShellOutput};
use kafka_sim::{SimSpec, SimTime, Simulation, TopicSetup};

/// The flag every command gives.
pub const BS: &str = "--bootstrap-server localhost:9092";

/// The seed's cluster with `reserve` (3 partitions, 3 replicas), once the topic exists.
pub fn seed_cluster() -> (Simulation, Shell) {
    let spec = SimSpec {
        topics: vec![TopicSetup::new("reserve", 3, 3)],
        ..SimSpec::default()
    };
    let mut sim = Simulation::new(spec).expect("valid spec");
    while !sim.topic_ready("reserve") {
        assert!(sim.now() < SimTime::from_secs(30), "reserve was never created");
        sim.run_until(sim.now() + SimTime::from_millis(100));
    }
    (sim, Shell::new(42))
}

/// One line.
pub fn run(sim: &mut Simulation, sh: &mut Shell, line: &str) -> ShellOutput {
    sh.run_line(sim, line)
}

/// Several lines; their outputs concatenated, the last exit status given.
pub fn run_all(sim: &mut Simulation, sh: &mut Shell, lines: &[&str]) -> ShellOutput {
    let mut all = ShellOutput::default();
    for l in lines {
        let o = sh.run_line(sim, l);
        all.stdout.push_str(&o.stdout);
        all.stderr.push_str(&o.stderr);
        all.exit = o.exit.or(all.exit);
    }
    all
}

/// A keyed producer and a group `g` of two members on `reserve` (3 partitions).
pub const GROUP_SCENARIO: &str = r#"
seed = 42
duration = "60s"

[cluster]
brokers = 3

[cluster.config]
"offsets.topic.replication.factor" = 3
"group.initial.rebalance.delay.ms" = 0

[[topics]]
name = "reserve"
partitions = 3
replication_factor = 3

[[producers]]
name = "reservation-service"
topic = "reserve"
rate = 50
keys = "reserve-{n}"
value = "v{n}"

[[consumer_groups]]
"group.id" = "g"
topics = ["reserve"]
members = 2

[consumer_groups.config]
"auto.offset.reset" = "earliest"
"#;

/// [`GROUP_SCENARIO`]'s simulation, not yet started.
pub fn group_sim() -> Simulation {
    let scenario = kafka_sim::scenario::Scenario::from_toml_str(GROUP_SCENARIO).expect("valid");
    Simulation::new(scenario.sim_spec()).expect("valid spec")
}
