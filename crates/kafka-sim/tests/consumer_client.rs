//! The consumer client state machine driven by a hand-written broker (tests/consumer_client_support).

mod consumer_client_support;

use consumer_client_support::{Harness, ms, setup, tp};
use kafka_sim::error_code::ErrorCode;
use kafka_sim::group::consumer::{CommitMode, MemberState, Processing};
use kafka_sim::group::delivery::MemberIncident;
use kafka_sim::group::wire::ClientRequest;
use kafka_sim::time::SimTime;

fn fixed(ms_per_record: u64) -> Processing {
    Processing::Fixed(SimTime::from_millis(ms_per_record))
}

#[test]
fn join_flow_rejoins_with_the_given_member_id_and_gets_the_leaders_assignment() {
    let mut h = Harness::new(setup(&[], 2, CommitMode::ManualAfterProcessing, fixed(1)));
    h.start();
    h.run_until(ms(100));
    let joins = h.sent_of("JoinGroup");
    assert_eq!(joins.len(), 2);
    let (ClientRequest::JoinGroup(first), ClientRequest::JoinGroup(second)) =
        (&joins[0].request, &joins[1].request)
    else {
        panic!("not joins")
    };
    assert_eq!(first.member_id, "");
    assert_eq!(second.member_id, "consumer-g-1-m1");
    assert_eq!(first.client_id, "consumer-g-1");
    assert_eq!(first.rebalance_timeout_ms, 300_000);
    assert_eq!(first.session_timeout_ms, 45_000);
    // Default strategies [RangeAssignor, CooperativeStickyAssignor]: EAGER, range preferred.
    let names: Vec<&str> = first.protocols.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["range", "cooperative-sticky"]);
    assert!(!h.c.is_cooperative());
    let ClientRequest::SyncGroup(sync) = &h.sent_of("SyncGroup")[0].request else {
        panic!()
    };
    assert_eq!(sync.assignments.len(), 1, "the leader sends the assignment");
    assert_eq!(h.c.state(), MemberState::Stable);
    assert_eq!(h.c.generation(), 1);
    assert_eq!(h.c.assigned(), vec![tp(0), tp(1)]);
    assert_eq!(h.c.client_id(), "consumer-g-1");
    assert_eq!(h.c.log_prefix(), "[Consumer clientId=consumer-g-1, groupId=g] ");
    for line in [
        "Discovered group coordinator kafka-1:9092 (id: 2147483646 rack: null)",
        "Request joining group due to: need to re-join with the given member-id: consumer-g-1-m1",
        "Successfully joined group with generation Generation{generationId=1, memberId='consumer-g-1-m1', protocol='range'}",
        "Finished assignment for group at generation 1: {consumer-g-1-m1=Assignment(partitions=[t-0, t-1])}",
        "Successfully synced group in generation Generation{generationId=1, memberId='consumer-g-1-m1', protocol='range'}",
        "Notifying assignor about the new Assignment(partitions=[t-0, t-1])",
        "Adding newly assigned partitions: t-0, t-1",
    ] {
        assert_eq!(h.logs_with(line).len(), 1, "missing: {line}\n{:#?}", h.logs);
    }
    // No committed offset: auto.offset.reset=latest through ListOffsets, then fetching.
    assert_eq!(h.sent_of("OffsetFetch").len(), 1);
    assert_eq!(h.sent_of("ListOffsets").len(), 1);
    assert_eq!(h.c.position(tp(0)), Some(0));
    assert!(!h.sent_of("ConsumerFetch").is_empty());
}

#[test]
fn heartbeats_every_heartbeat_interval_while_processing() {
    let mut h = Harness::new(setup(&[], 1, CommitMode::ManualAfterProcessing, fixed(100)));
    h.log_end.insert(tp(0), 200);
    h.start();
    h.run_until(ms(20_000));
    let hb: Vec<u64> = h.sent_of("Heartbeat").iter().map(|s| s.at.as_millis()).collect();
    assert!(hb.len() >= 6, "{hb:?}");
    for w in hb.windows(2) {
        assert_eq!(w[1] - w[0], 3_000, "{hb:?}");
    }
    // The member was processing (200 records * 100 ms) the whole time, and still heartbeating.
    assert!(h.c.take_facts().processed.is_empty());
    assert!(h.c.view().last_heartbeat_ok.is_some());
}

#[test]
fn poll_timeout_warns_sends_leave_group_and_resets_the_generation() {
    let props = [("max.poll.interval.ms", "10000"), ("max.poll.records", "500")];
    let mut h = Harness::new(setup(&props, 1, CommitMode::ManualAfterProcessing, fixed(100)));
    h.log_end.insert(tp(0), 200);
    h.start();
    h.run_until(ms(15_000));
    let warn = h.logs_with("consumer poll timeout has expired. This means the time between subsequent calls to poll() \
was longer than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too much \
time processing messages. You can address this either by increasing max.poll.interval.ms or by reducing the maximum \
size of batches returned in poll() with max.poll.records.");
    assert_eq!(warn.len(), 1);
    let leaves = h.sent_of("LeaveGroup");
    assert_eq!(leaves.len(), 1);
    // The last poll handed the batch over a few ms after start; the warning is exactly 10 s later.
    let last_poll = h.c.view().last_poll.expect("polled");
    assert_eq!(warn[0].0, last_poll + ms(10_000));
    let ClientRequest::LeaveGroup { members, .. } = &leaves[0].request else {
        panic!()
    };
    assert_eq!(
        members[0].reason.as_deref(),
        Some("consumer poll timeout has expired.")
    );
    assert_eq!(
        h.logs_with("Member consumer-g-1-m1 sending LeaveGroup request to coordinator kafka-1:9092 (id: 2147483646 rack: null) due to consumer poll timeout has expired.").len(),
        1
    );
    assert_eq!(
        h.logs_with("Resetting generation and member id due to: consumer pro-actively leaving the group")
            .len(),
        1
    );
    assert_eq!(h.c.generation(), -1);
    assert_eq!(h.c.member_id(), "");
    assert_eq!(h.c.state(), MemberState::Unjoined);
    // Heartbeats stop once the member is out of the group.
    let last_hb = h.sent_of("Heartbeat").last().map(|s| s.at).expect("heartbeats");
    assert!(last_hb < warn[0].0);
}

#[test]
fn a_static_member_sends_no_leave_group_on_poll_timeout() {
    let props = [("max.poll.interval.ms", "10000"), ("group.instance.id", "i1")];
    let mut h = Harness::new(setup(&props, 1, CommitMode::ManualAfterProcessing, fixed(100)));
    h.log_end.insert(tp(0), 200);
    h.start();
    h.run_until(ms(15_000));
    assert_eq!(h.logs_with("consumer poll timeout has expired.").len(), 1);
    assert!(h.sent_of("LeaveGroup").is_empty());
    assert_eq!(h.c.generation(), -1);
    assert!(
        h.c.log_prefix()
            .starts_with("[Consumer instanceId=i1, clientId=consumer-g-i1, groupId=g]")
    );
}

#[test]
fn commit_after_losing_the_group_fails_with_kafkas_message_and_the_partitions_are_lost() {
    let props = [("max.poll.interval.ms", "10000")];
    let mut h = Harness::new(setup(&props, 1, CommitMode::ManualAfterProcessing, fixed(100)));
    h.log_end.insert(tp(0), 200);
    h.start();
    h.run_until(ms(25_000));
    let msg = "Consumer exception: org.apache.kafka.clients.consumer.CommitFailedException: Offset commit cannot be \
completed since the consumer is not part of an active group for auto partition assignment; it is likely that the \
consumer was kicked out of the group.";
    assert_eq!(h.logs_with(msg).len(), 1, "{:#?}", h.logs);
    assert!(h.sent_of("OffsetCommit").is_empty(), "refused client-side");
    let facts = h.c.take_facts();
    // The batch was processed in full (20 s), then the commit failed.
    assert_eq!(facts.processed.len(), 1);
    assert_eq!((facts.processed[0].from, facts.processed[0].to), (0, 200));
    assert_eq!(facts.processed[0].generation, 1);
    let kinds: Vec<MemberIncident> = facts.incidents.iter().map(|i| i.incident).collect();
    assert_eq!(
        kinds,
        [MemberIncident::CommitFailed, MemberIncident::PartitionsLost]
    );
    assert_eq!(h.logs_with("Giving away all assigned partitions as lost since generation/memberID has been reset,indicating that consumer is in old state or no longer part of the group").len(), 1);
    assert_eq!(h.logs_with("Lost previously assigned partitions t-0").len(), 1);
    // The next poll rejoined (a new member id) and reads again from the committed offset (none: latest).
    assert_eq!(h.c.state(), MemberState::Stable);
    assert_eq!(h.c.generation(), 2);
}

#[test]
fn coordinator_illegal_generation_on_commit_gives_the_default_commit_failed_message() {
    let mut h = Harness::new(setup(&[], 1, CommitMode::ManualAfterProcessing, fixed(1)));
    h.log_end.insert(tp(0), 5);
    h.commit_error = ErrorCode::IllegalGeneration;
    h.start();
    h.run_until(ms(100));
    let msg = "CommitFailedException: Commit cannot be completed since the group has already rebalanced and assigned \
the partitions to another member.";
    assert_eq!(h.logs_with(msg).len(), 1, "{:#?}", h.logs);
    assert_eq!(
        h.logs_with(
            "Resetting generation due to: encountered ILLEGAL_GENERATION from OFFSET_COMMIT response"
        )
        .len(),
        1
    );
    let facts = h.c.take_facts();
    assert_eq!(facts.commits.len(), 1);
    assert!(!facts.commits[0].ok);
}

#[test]
fn poll_returns_at_most_max_poll_records_and_processing_time_spaces_the_polls() {
    let props = [("max.poll.records", "10")];
    let mut h = Harness::new(setup(&props, 1, CommitMode::ManualAfterProcessing, fixed(2)));
    h.log_end.insert(tp(0), 25);
    h.start();
    h.run_until(ms(1_000));
    let facts = h.c.take_facts();
    let ranges: Vec<(i64, i64)> = facts.processed.iter().map(|r| (r.from, r.to)).collect();
    assert_eq!(ranges, [(0, 10), (10, 20), (20, 25)]);
    // 10 records * 2 ms, then a commitSync round trip (1 ms each way... answered after 1 ms).
    let at: Vec<u64> = facts.processed.iter().map(|r| r.at.as_micros()).collect();
    assert_eq!(at[1] - at[0], 20_000 + 1_000);
    assert_eq!(at[2] - at[1], 10_000 + 1_000);
    let commits: Vec<i64> = facts.commits.iter().map(|c| c.offset).collect();
    assert_eq!(commits, [10, 20, 25]);
    assert!(facts.commits.iter().all(|c| c.ok));
    assert_eq!(h.c.committed(tp(0)), Some(25));
}

#[test]
fn auto_commit_runs_every_interval_during_poll() {
    let props = [("auto.commit.interval.ms", "1000")];
    let mut h = Harness::new(setup(&props, 1, CommitMode::Auto, fixed(1)));
    h.log_end.insert(tp(0), 50);
    h.start();
    h.run_until(ms(5_500));
    let commits = h.sent_of("OffsetCommit");
    let at: Vec<u64> = commits.iter().map(|s| s.at.as_millis()).collect();
    assert!(at.len() >= 4, "{at:?}");
    for w in at.windows(2) {
        assert!(w[1] - w[0] >= 1_000, "{at:?}");
        assert!(
            w[1] - w[0] <= 1_000 + 500,
            "a commit waits at most one fetch.max.wait.ms: {at:?}"
        );
    }
    let last = commits.last().expect("commits");
    let ClientRequest::OffsetCommit(c) = &last.request else {
        panic!()
    };
    assert_eq!(c.offsets[0].1, 50, "the consumed position");
    assert_eq!(c.generation_id, 1);
}

#[test]
fn before_processing_commits_first() {
    let props = [("max.poll.records", "10")];
    let mut h = Harness::new(setup(&props, 1, CommitMode::BeforeProcessing, fixed(5)));
    h.log_end.insert(tp(0), 10);
    h.start();
    h.run_until(ms(1_000));
    let facts = h.c.take_facts();
    assert_eq!(facts.commits.len(), 1);
    assert_eq!(facts.processed.len(), 1);
    assert!(facts.commits[0].at < facts.processed[0].at);
    assert_eq!(facts.processed[0].at - facts.commits[0].at, ms(50));
}

#[test]
fn rebalance_in_progress_heartbeat_rejoins_at_the_next_poll() {
    let mut h = Harness::new(setup(&[], 1, CommitMode::ManualAfterProcessing, fixed(1)));
    h.start();
    h.run_until(ms(100));
    h.heartbeat_error = ErrorCode::RebalanceInProgress;
    h.run_until(ms(3_200));
    h.heartbeat_error = ErrorCode::None;
    h.run_until(ms(3_300));
    assert_eq!(
        h.logs_with("Request joining group due to: group is already rebalancing")
            .len(),
        1
    );
    // EAGER: everything revoked before the JoinGroup.
    assert_eq!(h.logs_with("Revoke previously assigned partitions t-0").len(), 1);
    assert_eq!(h.sent_of("JoinGroup").len(), 3);
    assert_eq!(h.c.generation(), 2);
}

#[test]
fn unknown_member_id_heartbeat_resets_generation_and_member_id() {
    let mut h = Harness::new(setup(&[], 1, CommitMode::ManualAfterProcessing, fixed(1)));
    h.start();
    h.run_until(ms(100));
    h.heartbeat_error = ErrorCode::UnknownMemberId;
    h.run_until(ms(3_050));
    assert_eq!(
        h.logs_with("Attempt to heartbeat with Generation{generationId=1, memberId='consumer-g-1-m1', protocol='range'} and group instance id Optional.empty failed due to UNKNOWN_MEMBER_ID, resetting generation").len(),
        1
    );
    assert_eq!(
        h.logs_with(
            "Resetting generation and member id due to: encountered UNKNOWN_MEMBER_ID from HEARTBEAT response"
        )
        .len(),
        1
    );
}

#[test]
fn client_side_session_expiry_marks_the_coordinator_unknown() {
    let props = [("session.timeout.ms", "10000")];
    let mut h = Harness::new(setup(&props, 1, CommitMode::ManualAfterProcessing, fixed(1)));
    h.start();
    h.run_until(ms(100));
    h.answer_heartbeats = false;
    h.run_until(ms(40_000));
    assert!(!h.logs_with("Group coordinator kafka-1:9092 (id: 2147483646 rack: null) is unavailable or invalid due to cause: session timed out without receiving a heartbeat response. isDisconnected: false. Rediscovery will be attempted.").is_empty(), "{:#?}", h.logs);
    assert!(h.sent_of("FindCoordinator").len() >= 2);
}

#[test]
fn cooperative_member_keeps_its_partitions_across_a_rejoin() {
    let props = [(
        "partition.assignment.strategy",
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
    )];
    let mut h = Harness::new(setup(&props, 2, CommitMode::ManualAfterProcessing, fixed(1)));
    h.start();
    h.run_until(ms(100));
    assert!(h.c.is_cooperative());
    h.heartbeat_error = ErrorCode::RebalanceInProgress;
    h.run_until(ms(3_050));
    h.heartbeat_error = ErrorCode::None;
    h.run_until(ms(3_100));
    assert!(h.logs_with("Revoke previously assigned partitions").is_empty());
    let ClientRequest::JoinGroup(j) = &h.sent_of("JoinGroup")[2].request else {
        panic!()
    };
    assert_eq!(j.protocols[0].metadata.owned_partitions.len(), 2);
    assert_eq!(j.reason.as_deref(), Some("group is already rebalancing"));
    assert_eq!(
        h.logs_with("Updating assignment with\n\tAssigned partitions:                       [t-0, t-1]")
            .len(),
        2
    );
    assert_eq!(h.c.assigned(), vec![tp(0), tp(1)]);
}

#[test]
fn close_commits_revokes_and_leaves_and_crash_sends_nothing() {
    let mut h = Harness::new(setup(&[], 1, CommitMode::Auto, fixed(1)));
    h.log_end.insert(tp(0), 7);
    h.start();
    h.run_until(ms(100));
    let mut rng = kafka_sim::rng::SimRng::new(1);
    h.c.close(h.now, &mut rng);
    h.collect();
    h.run_until(ms(200));
    assert_eq!(h.c.lifecycle(), kafka_sim::group::consumer::Lifecycle::Closed);
    assert_eq!(h.sent_of("LeaveGroup").len(), 1);
    let commits = h.sent_of("OffsetCommit");
    let ClientRequest::OffsetCommit(c) = &commits.last().expect("commit on close").request else {
        panic!()
    };
    assert_eq!(c.offsets[0].1, 7);

    let mut h = Harness::new(setup(&[], 1, CommitMode::Auto, fixed(1)));
    h.start();
    h.run_until(ms(100));
    let before = h.sent.len();
    h.c.crash(h.now);
    h.collect();
    h.run_until(ms(10_000));
    assert_eq!(h.sent.len(), before, "a crashed client sends nothing");
    let facts = h.c.take_facts();
    assert_eq!(facts.incidents[0].incident, MemberIncident::Crashed);
}

#[test]
fn pause_stalls_the_poll_loop_but_not_the_heartbeats() {
    let props = [("max.poll.interval.ms", "10000")];
    let mut h = Harness::new(setup(&props, 1, CommitMode::ManualAfterProcessing, fixed(1)));
    h.start();
    h.run_until(ms(100));
    let mut rng = kafka_sim::rng::SimRng::new(1);
    h.c.pause(h.now, ms(12_000), &mut rng);
    h.collect();
    h.run_until(ms(12_000));
    let warn = h.logs_with("consumer poll timeout has expired. This means");
    assert_eq!(warn.len(), 1);
    // The poll loop was inside poll() until the pause began.
    assert_eq!(warn[0].0, ms(10_100));
    assert!(h.sent_of("Heartbeat").len() >= 3);
    assert_eq!(h.sent_of("LeaveGroup").len(), 1);
    h.run_until(ms(12_300));
    assert_eq!(h.c.state(), MemberState::Stable, "rejoined after the pause");
}

#[test]
fn invalid_session_timeout_is_a_fatal_join_error_thrown_out_of_poll() {
    // AbstractCoordinator.JoinGroupResponseHandler: INVALID_SESSION_TIMEOUT is logged as a fatal error
    // and raised (poll() throws InvalidSessionTimeoutException); the member never joins.
    let mut h = Harness::new(setup(&[], 1, CommitMode::ManualAfterProcessing, fixed(1)));
    h.join_error = Some(ErrorCode::InvalidSessionTimeout);
    h.start();
    h.run_until(ms(1_000));
    let message = "The session timeout is not within the range allowed by the broker (as configured by \
                   group.min.session.timeout.ms and group.max.session.timeout.ms).";
    let fatal = h.logs_with(&format!("JoinGroup failed due to fatal error: {message}"));
    let thrown = h.logs_with(&format!(
        "Consumer exception: org.apache.kafka.common.errors.InvalidSessionTimeoutException: {message}"
    ));
    let joins = h.sent_of("JoinGroup").len();
    assert!(joins >= 2, "the listener container polls again: {joins}");
    assert_eq!((fatal.len(), thrown.len()), (joins, joins), "{:#?}", h.logs);
    assert!(h.logs_with("unexpected error").is_empty(), "{:#?}", h.logs);
    assert!(h.sent_of("SyncGroup").is_empty() && h.sent_of("Heartbeat").is_empty());
    assert_eq!(h.c.generation(), -1);
    assert!(h.c.assigned().is_empty());
}

#[test]
fn a_crash_mid_batch_keeps_the_records_processed_before_it() {
    // 100 records at 10 ms each: one 1 s batch; the process dies 300 ms in. The records it got
    // through had their side effects, though nothing was committed: the new owner repeats them.
    let mut h = Harness::new(setup(&[], 1, CommitMode::ManualAfterProcessing, fixed(10)));
    h.log_end.insert(tp(0), 100);
    h.start();
    h.run_until(ms(300));
    let kafka_sim::group::consumer::AppView::Processing { until, ranges } = h.c.view().app else {
        panic!("processing: {:?}", h.c.view().app)
    };
    assert_eq!(ranges.iter().map(|r| r.2 - r.1).sum::<i64>(), 100);
    let started = until.as_micros() - 1_000_000;
    let done = ((h.now.as_micros() - started) / 10_000) as i64;
    assert!(done > 0 && done < 100, "{done}");
    h.c.crash(h.now);
    let facts = h.c.take_facts();
    let got: Vec<(i64, i64, SimTime)> = facts.processed.iter().map(|r| (r.from, r.to, r.at)).collect();
    assert_eq!(got, [(0, done, h.now)]);
    assert!(facts.commits.is_empty());
    assert_eq!(facts.incidents[0].incident, MemberIncident::Crashed);
}
