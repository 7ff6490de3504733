//! The fuzz targets' corpora (files of the repository, embedded) and the tokens of each format.

macro_rules! files {
    ($dir:literal; $($name:literal),* $(,)?) => {
        &[$((
            $name,
            include_str!(concat!("../../../../", $dir, "/", $name, ".toml")),
        )),*]
    };
}

/// Every scenario file of `tests/scenarios/`, by name (the names permalinks and lessons use).
pub(super) const SCENARIO_FILES: &[(&str, &str)] = files![
    "tests/scenarios";
    "seed-reserve", "acks0-leader-crash", "acks1-leader-crash", "acks-all-one-broker-crash",
    "acks-all-two-brokers-down", "unclean-false", "unclean-true", "dup-no-idempotence", "dup-idempotence",
    "reorder-in-flight", "linger-0", "linger-50", "group-member-crash", "group-session-timeout",
    "group-session-timeout-below-min", "group-poll-timeout", "group-poll-timeout-fits",
    "group-eager-add-member", "group-cooperative-add-member", "group-coordinator-failover",
    "group-commit-auto-crash", "group-commit-manual-crash", "group-commit-before-crash",
    "group-late-start-earliest", "group-late-start-latest", "group-static-restart-within",
    "group-static-restart-after", "group-poison-pill", "busy", "w1", "lesson-commit", "lesson-retries",
    "lesson-serde", "lesson-two-groups", "lesson-unclean", "lesson-walkthrough",
    "invalid/group-heartbeat-not-below-session",
];

pub(super) const SCENARIO_TEXTS: &[&str] = &{
    let mut out = [""; SCENARIO_FILES.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = SCENARIO_FILES[i].1;
        i += 1;
    }
    out
};

pub(super) const LESSON_FILES: &[(&str, &str)] = files![
    "www/lessons";
    "acks", "auto-commit", "group-id", "heartbeat", "leader-failover", "linger", "max-poll", "retries",
    "seed-walkthrough", "serde", "unclean-election",
];

pub(super) const LESSON_TEXTS: &[&str] = &{
    let mut out = [""; LESSON_FILES.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = LESSON_FILES[i].1;
        i += 1;
    }
    out
};

pub(super) const COMPOSE: &str = include_str!("../../tests/fixtures/seed/docker-compose.yml");
pub(super) const SPRING_YML: &str = include_str!("../../tests/fixtures/seed/application.yml");

/// Properties files as users paste them (the seed's clients, Spring's flat form, Kafka's escapes).
pub(super) const PROPERTIES: &[&str] = &[
    "bootstrap.servers=localhost:9092,localhost:9093,localhost:9094\nacks=all\nlinger.ms=5\n\
     key.serializer=org.apache.kafka.common.serialization.StringSerializer\n\
     value.serializer=org.apache.kafka.common.serialization.StringSerializer\nenable.idempotence=true\n",
    "# consumer\nbootstrap.servers = localhost:9092\ngroup.id: data-platform-group\nenable.auto.commit=false\n\
     auto.offset.reset=earliest\nkey.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n\
     value.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n",
    "spring.kafka.bootstrap-servers=localhost:9092\nspring.kafka.consumer.group-id=data-platform-group\n\
     spring.kafka.consumer.auto-offset-reset=earliest\nspring.kafka.listener.ack-mode=manual\n\
     spring.kafka.listener.concurrency=3\nspring.kafka.producer.acks=all\n",
    "a\\\n  continued=value\\u0041\\\\\n! comment\nkey\\ with\\ spaces = x\n\\u00e9t\\u00e9=\\t\n",
];

pub(super) const YAML_TOKENS: &[&str] = &[
    "- ",
    ": ",
    "---",
    "...",
    "|",
    "|-",
    ">",
    "&a ",
    "*a",
    "!!str ",
    "{",
    "}",
    "[",
    "]",
    "? ",
    "    ",
    "  - ",
    "'",
    "\"",
    "#",
    "services:",
    "environment:",
    "KAFKA_BROKER_ID: ",
    "image: confluentinc/cp-kafka:7.7.1",
    "spring:\n  kafka:\n",
    "%YAML 1.2\n",
    "~",
    "<<: *a",
];

pub(super) const PROPERTIES_TOKENS: &[&str] = &[
    "=",
    ":",
    "\\",
    "\\\n",
    "\\u",
    "\\u00",
    "!",
    "#",
    "acks=",
    "group.id=",
    "bootstrap.servers=",
    "linger.ms=",
    "spring.kafka.",
    "max.poll.records=",
    "enable.idempotence=",
    " ",
];

pub(super) const TOML_TOKENS: &[&str] = &[
    "[[",
    "]]",
    "[",
    "]",
    "\"\"\"",
    "'''",
    "\\u",
    "\\U",
    "{",
    "}",
    "=",
    ".",
    "\"",
    "'",
    "#",
    "[[topics]]",
    "[[producers]]",
    "[[consumer_groups]]",
    "[[faults]]",
    "[cluster]",
    "[cluster.config]",
    "duration = ",
    "rate = ",
    "partitions = ",
    "members = ",
    "at = \"",
    "\"1ms\"",
    "\"-1s\"",
    "1979-05-27T07:32:00Z",
    "inf",
    "nan",
    "+",
    "0x",
    "0o",
    "0b",
    "1e",
    "_",
    "[[steps]]",
    "\n[",
];

pub(super) const SHELL_TOKENS: &[&str] = &[
    "kafka-topics ",
    "kafka-topics.sh ",
    "kafka-console-producer ",
    "kafka-console-consumer ",
    "kafka-consumer-groups ",
    "--bootstrap-server localhost:9092 ",
    "--topic ",
    "--partitions ",
    "--replication-factor ",
    "--config ",
    "--describe ",
    "--create ",
    "--list ",
    "--delete ",
    "--alter ",
    "--from-beginning ",
    "--max-messages ",
    "--timeout-ms ",
    "--property ",
    "--group ",
    "--reset-offsets ",
    "--to-earliest ",
    "--execute ",
    "--members ",
    "--state ",
    "--partition ",
    "--offset ",
    "--help ",
    "--",
    "--=",
    "^D\n",
    "'",
    "\"",
    "\\",
    "\\\n",
    ".*",
    "(a|b)*",
    "[^a-z]+",
    "(((",
    "parse.key=true ",
    "key.separator=: ",
    "print.key=true ",
    "localhost:9093",
    "kafka1:29092",
    "=",
    "-1",
    "\n",
    "#",
];

pub(super) const PERMALINK_TOKENS: &[&str] = &[
    "k1.",
    "#p=",
    "A",
    "_",
    "-",
    "/",
    "+",
    "=",
    "AAAA",
    "____",
    "%20",
    "{\"do\":\"crash_broker\",\"broker\":",
    "\"at\":",
    "\"step\":",
    "{\"inline\":\"",
    "\"named\":",
    "[{",
    "}]",
];

/// The seed's command list (`kafka-commands.sh`, placeholders filled in) and the other forms the
/// terminal runs; each entry is one terminal session, a command a line.
pub(super) const SHELL_SCRIPTS: &[&str] = &[
    "kafka-topics --bootstrap-server localhost:9092 --list",
    "kafka-topics --bootstrap-server localhost:9092 --describe --topic reserve",
    "kafka-topics --bootstrap-server localhost:9092 --delete --topic reserve",
    "kafka-console-producer --bootstrap-server localhost:9092 --topic reserve\nhello\nworld\n^D",
    "kafka-console-consumer --bootstrap-server localhost:9092 --topic reserve --from-beginning --max-messages 3",
    "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic t1 --partitions 2 --replication-factor 2 \
     --config min.insync.replicas=2\nkafka-topics --bootstrap-server localhost:9092 --describe",
    "kafka-console-producer --bootstrap-server localhost:9093 --topic reserve --property parse.key=true \
     --property key.separator=:\nk1:v1\nk2:v2\n^D\nkafka-console-consumer --bootstrap-server localhost:9092 \
     --topic reserve --partition 0 --offset 0 --max-messages 2 --property print.key=true --timeout-ms 2000",
    "kafka-consumer-groups --bootstrap-server localhost:9092 --list\nkafka-consumer-groups --bootstrap-server \
     localhost:9092 --describe --group data-platform-group --members",
    "kafka-consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group g1 --topic reserve \
     --to-earliest --execute",
    "kafka-topics --bootstrap-server localhost:9092 --describe --topic 're.*'\nhelp\nls -la",
    "kafka-topics --bootstrap-server localhost:9092 \\\n  --create --topic \"with space\" --partitions 1 \
     --replication-factor 4",
];
