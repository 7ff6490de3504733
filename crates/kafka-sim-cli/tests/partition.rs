//! `kafka-sim partition`, run as a user would.

mod common;

use common::{kafka_sim, text};

#[test]
fn prints_key_tab_partition_per_key() {
    let out = kafka_sim(
        &[
            "partition",
            "--partitions",
            "3",
            "21",
            "foobar",
            "key-0",
            "user-3",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // "21" and "foobar" are Kafka's own murmur2 test vectors; the partitions follow from them.
    assert_eq!(text(&out.stdout), "21\t0\nfoobar\t0\nkey-0\t1\nuser-3\t2\n");
    assert!(out.stderr.is_empty());
}

#[test]
fn partition_count_changes_the_mapping() {
    let out = kafka_sim(
        &["partition", "--partitions=12", "user-3", "reservation-1", "€uro"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "user-3\t11\nreservation-1\t10\n€uro\t4\n");
}

#[test]
fn keys_may_come_before_the_option_and_after_a_double_dash() {
    let out = kafka_sim(
        &["partition", "hello", "--partitions", "6", "--", "--partitions"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "hello\t3");
    assert!(lines[1].starts_with("--partitions\t"));
    assert_eq!(lines.len(), 2);
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let cases: [(&[&str], &str); 6] = [
        (&["partition", "k"], "--partitions is required"),
        (&["partition", "--partitions"], "--partitions needs a value"),
        (
            &["partition", "--partitions", "x", "k"],
            "'x' is not a whole number",
        ),
        (
            &["partition", "--partitions", "0", "k"],
            "must be at least 1, got 0",
        ),
        (&["partition", "--partitions", "3"], "give at least one KEY"),
        (
            &["partition", "--partitions", "3", "--verbose", "k"],
            "unknown option '--verbose'",
        ),
    ];
    for (args, needle) in cases {
        let out = kafka_sim(args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            text(&out.stderr).contains(needle),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}
