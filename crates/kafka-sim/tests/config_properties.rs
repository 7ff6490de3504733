//! `.properties` parsing (java.util.Properties.load rules) feeding the typed configs.

use kafka_sim::config::{ConsumerConfig, PropertiesError, properties};

fn parse(text: &str) -> Vec<(String, String)> {
    match properties::parse(text) {
        Ok(p) => p,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn comments_blank_lines_and_separators() {
    let text =
        "# comment\n! also a comment\n\n   \nacks=all\nlinger.ms : 5\nbatch.size 100\n  retries\t=\t3\n";
    assert_eq!(
        parse(text),
        pairs(&[
            ("acks", "all"),
            ("linger.ms", "5"),
            ("batch.size", "100"),
            ("retries", "3")
        ])
    );
}

#[test]
fn value_keeps_trailing_spaces_and_inner_separators() {
    assert_eq!(parse("a = b = c  \n"), pairs(&[("a", "b = c  ")]));
    assert_eq!(parse("url=http://x:1/y"), pairs(&[("url", "http://x:1/y")]));
}

#[test]
fn line_continuation() {
    let text = "bootstrap.servers=a:9092,\\\n    b:9092,\\\n\tc:9092\nnext=1";
    assert_eq!(
        parse(text),
        pairs(&[("bootstrap.servers", "a:9092,b:9092,c:9092"), ("next", "1")])
    );
    // An even number of backslashes is an escaped backslash, not a continuation.
    assert_eq!(parse("path=C:\\\\\nx=1"), pairs(&[("path", "C:\\"), ("x", "1")]));
    // A continued line that looks like a comment is content.
    assert_eq!(parse("a=1\\\n#2"), pairs(&[("a", "1#2")]));
}

#[test]
fn escapes() {
    assert_eq!(parse(r"sep=\t|\n|\u0041\u00e9"), pairs(&[("sep", "\t|\n|Aé")]));
    assert_eq!(parse(r"k\:ey=v\=x"), pairs(&[("k:ey", "v=x")]));
    assert_eq!(parse(r"emoji=\uD83D\uDE00"), pairs(&[("emoji", "😀")]));
    assert_eq!(
        properties::parse("bad=\\u12G4"),
        Err(PropertiesError::MalformedUnicodeEscape { line: 1 })
    );
    assert_eq!(
        properties::parse("bad=\\u12")
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("Malformed \\uxxxx encoding.")
    );
}

#[test]
fn crlf_and_cr_line_endings() {
    assert_eq!(
        parse("a=1\r\nb=2\rc=3"),
        pairs(&[("a", "1"), ("b", "2"), ("c", "3")])
    );
}

#[test]
fn duplicates_last_wins() {
    assert_eq!(parse("a=1\nb=2\na=3"), pairs(&[("a", "3"), ("b", "2")]));
}

#[test]
fn key_only_and_empty_value() {
    assert_eq!(parse("flag\nempty=\n"), pairs(&[("flag", ""), ("empty", "")]));
}

#[test]
fn properties_file_into_consumer_config() {
    let text = "\
# Spring's consumer, as a .properties file
bootstrap.servers=localhost:9093
group.id=data-platform-group
key.deserializer=org.apache.kafka.common.serialization.StringDeserializer
value.deserializer=org.springframework.kafka.support.serializer.JsonDeserializer
spring.json.trusted.packages=*
enable.auto.commit=false
auto.offset.reset=earliest
heartbeat.interval.ms=10000
";
    let parsed = ConsumerConfig::parse(parse(text));
    let c = match parsed {
        Ok(p) => p.config,
        Err(e) => panic!("unexpected error: {e}"),
    };
    assert_eq!(c.heartbeat_interval_ms, 10000);
    assert_eq!(c.originals.get("spring.json.trusted.packages"), Some("*"));
}

#[test]
fn whitespace_in_values_is_trimmed_by_config_def() {
    let c = ConsumerConfig::parse(parse(
        "key.deserializer=org.apache.kafka.common.serialization.StringDeserializer   \n\
         value.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n\
         max.poll.records=42   \n",
    ));
    assert_eq!(c.map(|p| p.config.max_poll_records).ok(), Some(42));
}

#[test]
fn odd_inputs_do_not_panic() {
    for text in [
        "\\",
        "=",
        ":",
        " = ",
        "\\u",
        "é\\",
        "ké=vé\\\n",
        "\\\\\\",
        "a\\\r\n",
        "\u{0}=\u{0}",
        "\t\u{c} x",
    ] {
        let _ = properties::parse(text);
    }
    assert_eq!(parse("=v"), pairs(&[("", "v")]));
    assert_eq!(parse("é\\"), pairs(&[("é", "")]));
}
