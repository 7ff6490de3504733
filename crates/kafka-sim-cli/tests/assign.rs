//! `kafka-sim assign`, run as a user would.

mod common;

use common::{kafka_sim, text};

const BRIEF_EXAMPLE: &str = r#"{"topics": {"t1": 3, "t2": 2}, "members": [
  {"member_id": "consumer1", "group_instance_id": null, "topics": ["t1", "t2"], "owned": ["t1-0"], "generation": 1}
]}"#;

fn assign_ok(strategy: &str, input: &str) -> String {
    let out = kafka_sim(&["assign", "--strategy", strategy], input);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn assign_err(args: &[&str], input: &str) -> String {
    let out = kafka_sim(args, input);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(out.stdout.is_empty());
    text(&out.stderr)
}

#[test]
fn range_javadoc_example() {
    let input = r#"{"topics": {"t0": 3, "t1": 3}, "members": [
        {"member_id": "C0", "topics": ["t0", "t1"]},
        {"member_id": "C1", "topics": ["t0", "t1"]}]}"#;
    assert_eq!(
        assign_ok("range", input),
        "{\"C0\":[\"t0-0\",\"t0-1\",\"t1-0\",\"t1-1\"],\"C1\":[\"t0-2\",\"t1-2\"]}\n"
    );
}

#[test]
fn roundrobin_javadoc_example_keeps_input_member_order() {
    let input = r#"{"topics": {"t0": 1, "t1": 2, "t2": 3}, "members": [
        {"member_id": "C2", "topics": ["t0", "t1", "t2"]},
        {"member_id": "C0", "topics": ["t0"]},
        {"member_id": "C1", "topics": ["t0", "t1"]}]}"#;
    assert_eq!(
        assign_ok("roundrobin", input),
        "{\"C2\":[\"t1-1\",\"t2-0\",\"t2-1\",\"t2-2\"],\"C0\":[\"t0-0\"],\"C1\":[\"t1-0\"]}\n"
    );
}

#[test]
fn the_single_member_example_gets_everything() {
    for strategy in ["range", "roundrobin", "sticky", "cooperative-sticky"] {
        let out = assign_ok(strategy, BRIEF_EXAMPLE);
        assert!(out.starts_with("{\"consumer1\":["), "{strategy}: {out}");
        for tp in ["t1-0", "t1-1", "t1-2", "t2-0", "t2-1"] {
            assert!(out.contains(&format!("\"{tp}\"")), "{strategy}: {out}");
        }
    }
    // Sticky lists the owned partition first.
    assert_eq!(
        assign_ok("sticky", BRIEF_EXAMPLE),
        "{\"consumer1\":[\"t1-0\",\"t1-1\",\"t1-2\",\"t2-0\",\"t2-1\"]}\n"
    );
}

#[test]
fn cooperative_sticky_withholds_a_moving_partition() {
    let input = r#"{"topics": {"t": 3}, "members": [
        {"member_id": "consumer1", "topics": ["t"], "owned": ["t-0", "t-1", "t-2"], "generation": 1},
        {"member_id": "consumer2", "topics": ["t"]}]}"#;
    assert_eq!(
        assign_ok("cooperative-sticky", input),
        "{\"consumer1\":[\"t-0\",\"t-1\"],\"consumer2\":[]}\n"
    );
    assert_eq!(
        assign_ok("sticky", input),
        "{\"consumer1\":[\"t-0\",\"t-1\"],\"consumer2\":[\"t-2\"]}\n"
    );
}

#[test]
fn strategy_may_be_given_with_equals() {
    let out = kafka_sim(&["assign", "--strategy=range"], BRIEF_EXAMPLE);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn bad_arguments_exit_2() {
    let err = assign_err(&["assign"], BRIEF_EXAMPLE);
    assert!(err.contains("--strategy is required"), "{err}");
    let err = assign_err(&["assign", "--strategy", "balanced"], BRIEF_EXAMPLE);
    assert!(err.contains("unknown assignor 'balanced'"), "{err}");
    let err = assign_err(&["assign", "--strategy"], BRIEF_EXAMPLE);
    assert!(err.contains("--strategy needs a value"), "{err}");
    let err = assign_err(&["assign", "--strategy", "range", "extra"], BRIEF_EXAMPLE);
    assert!(err.contains("unexpected argument 'extra'"), "{err}");
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let cases: [(&str, &str); 9] = [
        ("{", "invalid JSON"),
        ("[]", "the input is not an object"),
        (r#"{"members": []}"#, "no \"topics\""),
        (
            r#"{"topics": {"t": -1}, "members": []}"#,
            "topics.t: partition count -1 is negative",
        ),
        (
            r#"{"topics": {"t": 1.5}, "members": []}"#,
            "topics.t: 1.5 is not a 32-bit whole number",
        ),
        (
            r#"{"topics": {"t": 1}, "members": [{"member_id": "a", "topics": ["t"], "owned": ["t"]}]}"#,
            "members[0].owned[0]: 't' is not a topic-partition",
        ),
        (
            r#"{"topics": {"t": 1}, "members": [{"member_id": "a", "topics": ["t"], "colour": 1}]}"#,
            "members[0]: unknown key \"colour\"",
        ),
        (
            r#"{"topics": {"t": 1}, "members": [{"topics": ["t"]}]}"#,
            "members[0] has no member_id",
        ),
        (
            r#"{"topics": {"t": 1}, "members": [{"member_id": "a"}, {"member_id": "a"}]}"#,
            "member id 'a' appears more than once",
        ),
    ];
    for (input, expected) in cases {
        let err = assign_err(&["assign", "--strategy", "sticky"], input);
        assert!(err.starts_with("kafka-sim assign: "), "{err}");
        assert!(err.contains(expected), "{input}: {err}");
    }
}
