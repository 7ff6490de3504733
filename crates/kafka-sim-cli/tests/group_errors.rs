//! Consumer-group configuration errors through `kafka-sim run`, as a user meets them: exit codes and
//! Kafka's messages (issue 4, behaviours 3 and 4).

mod common;

use common::{kafka_sim, scenario, text};

#[test]
fn heartbeat_not_below_the_session_timeout_exits_2_with_kafkas_construction_error() {
    let file = scenario("invalid/group-heartbeat-not-below-session.toml");
    for args in [vec!["run", file.as_str()], vec!["run", file.as_str(), "--json"]] {
        let out = kafka_sim(&args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert!(out.stdout.is_empty(), "nothing ran: {}", text(&out.stdout));
        let err = text(&out.stderr);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(
            lines,
            [
                format!(
                    "{file}: consumer_groups[0].config: Heartbeat must be set lower than the session timeout"
                )
                .as_str(),
                "org.apache.kafka.common.KafkaException: Failed to construct kafka consumer",
                "Caused by: java.lang.IllegalArgumentException: Heartbeat must be set lower than the session timeout",
            ],
            "{err}"
        );
    }
}

#[test]
fn a_session_timeout_below_the_group_minimum_runs_and_reports_the_fatal_join_error() {
    let out = kafka_sim(
        &[
            "run",
            &scenario("group-session-timeout-below-min.toml"),
            "--json",
            "--events",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = text(&out.stdout);
    let message = "The session timeout is not within the range allowed by the broker (as configured by \
                   group.min.session.timeout.ms and group.max.session.timeout.ms).";
    assert!(
        json.contains(&format!(
            "\"message\":\"JoinGroup failed due to fatal error: {message}\""
        )),
        "{json}"
    );
    assert!(
        json.contains(&format!(
            "\"message\":\"Consumer exception: org.apache.kafka.common.errors.InvalidSessionTimeoutException: {message}\""
        )),
        "{json}"
    );
    assert!(!json.contains("\"kind\":\"member_joined\""), "{json}");
    assert!(
        json.contains("\"short-session-group\":{\"state\":\"Dead\",\"generation\":-1,"),
        "{json}"
    );
    assert!(json.contains("\"rebalances\":0,"), "{json}");
}
