//! JoinGroup, the initial delay, SyncGroup, static members and the protocol vote.

use super::*;

#[test]
fn first_join_gets_member_id_required_with_client_id_and_uuid() {
    let mut h = Harness::new();
    let id = h.member_id_for(1);
    let prefix = format!("consumer-{G}-1-");
    assert!(id.starts_with(&prefix), "{id}");
    let uuid = &id[prefix.len()..];
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4", "a version-4 UUID: {uuid}");
    assert_eq!(
        h.logs.last().unwrap(),
        &format!(
            "Dynamic member with unknown member id joins group {G} in Empty state. Created a new member id {id} and requesting the member to rejoin with this id."
        )
    );
    // A join with a member id nobody handed out is refused.
    h.join(2, "made-up", None, &["range"]);
    assert_eq!(h.joins()[0].1.error, ErrorCode::UnknownMemberId);
}

#[test]
fn session_timeout_bounds_are_inclusive() {
    for (ms, ok) in [
        (5_999, false),
        (6_000, true),
        (1_800_000, true),
        (1_800_001, false),
    ] {
        let mut h = Harness::new();
        h.send(
            1,
            ClientRequest::JoinGroup(JoinGroupRequest {
                group_id: G.into(),
                client_id: "consumer-g-1".into(),
                session_timeout_ms: ms,
                rebalance_timeout_ms: 300_000,
                member_id: String::new(),
                group_instance_id: None,
                protocol_type: "consumer".into(),
                protocols: proto(&["range"]),
                reason: None,
            }),
        );
        let e = h.joins()[0].1.error;
        let want = if ok {
            ErrorCode::MemberIdRequired
        } else {
            ErrorCode::InvalidSessionTimeout
        };
        assert_eq!(e, want, "session.timeout.ms={ms}");
    }
}

#[test]
fn initial_delay_is_extended_by_new_members_then_the_join_completes() {
    let mut h = Harness::new();
    let m1 = h.member_id_for(1);
    h.join(1, &m1, None, &["range", "cooperative-sticky"]);
    assert_eq!(h.state(), (GroupState::PreparingRebalance, 0));
    assert_eq!(
        h.logs.last().unwrap(),
        &format!(
            "Preparing to rebalance group {G} in state PreparingRebalance with old generation 0 (reason: Adding new member {m1} with group instance id null; client reason: not provided)."
        )
    );
    h.run_until(1_000);
    let m2 = h.member_id_for(2);
    h.join(2, &m2, None, &["roundrobin", "range"]);
    // Everyone has joined, but the initial delay does not complete early; a new member extends it
    // by min(3000, remaining) at its end (3 s), so the join completes at 6 s.
    h.run_until(5_999);
    assert!(h.joins().is_empty());
    h.run_until(6_000);
    let joins = h.joins();
    assert_eq!(joins.len(), 2);
    assert_eq!(h.state(), (GroupState::CompletingRebalance, 1));
    let leader = joins.iter().find(|(c, _)| *c == 1).unwrap().1.clone();
    let follower = joins.iter().find(|(c, _)| *c == 2).unwrap().1.clone();
    assert_eq!(leader.leader, m1, "the first member added leads");
    assert_eq!(leader.members.len(), 2, "the leader gets every member's metadata");
    assert!(follower.members.is_empty());
    // Votes: m1 for range, m2 for roundrobin? No: only range is supported by both.
    assert_eq!(leader.protocol_name.as_deref(), Some("range"));
    assert!(
        h.logs
            .contains(&format!("Stabilized group {G} generation 1 with 2 members."))
    );
}

#[test]
fn a_lone_member_waits_exactly_the_initial_delay() {
    let mut h = Harness::new();
    let m1 = h.member_id_for(1);
    h.join(1, &m1, None, &["range"]);
    h.run_until(2_999);
    assert!(h.joins().is_empty());
    h.run_until(3_000);
    assert_eq!(h.joins()[0].1.generation_id, 1);
}

#[test]
fn followers_sync_is_parked_until_the_leaders() {
    let mut h = Harness::new();
    let m1 = h.member_id_for(1);
    let m2 = h.member_id_for(2);
    h.join(1, &m1, None, &["range"]);
    h.join(2, &m2, None, &["range"]);
    h.run_until(6_000);
    h.joins();
    h.sync(2, &m2, 1, Vec::new());
    assert!(
        h.take().is_empty(),
        "the follower waits for the leader's assignment"
    );
    assert_eq!(h.heartbeat(2, &m2, 1), ErrorCode::RebalanceInProgress);
    // The generation is checked before the state.
    assert_eq!(h.heartbeat(2, &m2, 0), ErrorCode::IllegalGeneration);
    h.commit(2, &m2, 1, vec![(np("orders", 1), 5)]);
    let r = h.take();
    assert!(
        matches!(&r[0].1, ClientResponse::OffsetCommit { results } if results[0].1 == ErrorCode::RebalanceInProgress)
    );
    h.sync(
        1,
        &m1,
        1,
        vec![
            (m1.clone(), vec![np("orders", 0)]),
            (m2.clone(), vec![np("orders", 1)]),
        ],
    );
    let mut r = h.take();
    r.sort_by_key(|(c, _)| *c);
    assert_eq!(
        r,
        vec![
            (
                1,
                ClientResponse::SyncGroup {
                    error: ErrorCode::None,
                    protocol_name: Some("range".into()),
                    assignment: vec![np("orders", 0)]
                }
            ),
            (
                2,
                ClientResponse::SyncGroup {
                    error: ErrorCode::None,
                    protocol_name: Some("range".into()),
                    assignment: vec![np("orders", 1)]
                }
            ),
        ]
    );
    assert_eq!(h.state(), (GroupState::Stable, 1));
    assert!(
        h.events
            .iter()
            .any(|e| matches!(e, GroupEvent::RebalanceCompleted { generation: 1, .. }))
    );
}

#[test]
fn static_member_rejoining_while_stable_does_not_rebalance() {
    let mut h = Harness::new();
    h.join(1, "", Some("instance-1"), &["range"]);
    h.run_until(3_000);
    let j = h.joins();
    let old = j[0].1.member_id.clone();
    assert!(
        old.starts_with("instance-1-"),
        "a static member's id is its instance id + uuid: {old}"
    );
    h.sync(1, &old, 1, vec![(old.clone(), vec![np("orders", 0)])]);
    h.take();
    // Restarted: it joins again with no member id and the same protocols.
    h.join(1, "", Some("instance-1"), &["range"]);
    let j = h.joins();
    assert_eq!(j[0].1.error, ErrorCode::None);
    assert_eq!(j[0].1.generation_id, 1);
    assert_ne!(j[0].1.member_id, old);
    assert_eq!(h.state(), (GroupState::Stable, 1));
    assert!(
        h.logs
            .last()
            .unwrap()
            .starts_with("Static member which joins during Stable stage")
    );
    // The old incarnation is fenced.
    h.send(
        1,
        ClientRequest::Heartbeat {
            group_id: G.into(),
            generation_id: 1,
            member_id: old,
            group_instance_id: Some("instance-1".into()),
        },
    );
    assert_eq!(
        h.take()[0].1,
        ClientResponse::Heartbeat {
            error: ErrorCode::FencedInstanceId
        }
    );
}

#[test]
fn protocol_vote_follows_preferences() {
    let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        crate::group::assignor::vote::select_protocol(&[
            l(&["range", "cooperative-sticky"]),
            l(&["range", "cooperative-sticky"])
        ]),
        Some("range".into())
    );
    assert_eq!(
        crate::group::assignor::vote::select_protocol(&[
            l(&["roundrobin", "range"]),
            l(&["roundrobin", "range"]),
            l(&["range", "roundrobin"])
        ]),
        Some("roundrobin".into())
    );
    assert_eq!(
        crate::group::assignor::vote::select_protocol(&[l(&["range"]), l(&["sticky"])]),
        None
    );
}

#[test]
fn state_transitions_follow_the_reference() {
    use GroupState::*;
    assert!(Empty.valid_from(PreparingRebalance));
    assert!(!Empty.valid_from(Stable));
    assert!(PreparingRebalance.valid_from(Empty) && PreparingRebalance.valid_from(Stable));
    assert!(!CompletingRebalance.valid_from(Stable));
    assert!(Stable.valid_from(CompletingRebalance) && !Stable.valid_from(PreparingRebalance));
    assert!(Dead.valid_from(Stable));
}

#[test]
fn a_replaced_static_member_still_expires() {
    let mut h = Harness::new();
    h.join(1, "", Some("instance-1"), &["range"]);
    h.run_until(3_000);
    let old = h.joins()[0].1.member_id.clone();
    h.sync(1, &old, 1, vec![(old.clone(), vec![np("orders", 0)])]);
    h.take();
    h.join(1, "", Some("instance-1"), &["range"]);
    let new = h.joins()[0].1.member_id.clone();
    // Silent from 3 s on: expired at 48 s (session.timeout.ms = 45 s), as any static member.
    h.run_until(47_999);
    assert_eq!(h.state(), (GroupState::Stable, 1));
    h.run_until(48_000);
    assert!(h.logs.contains(&format!(
        "Member {new} in group {G} has failed, removing it from the group."
    )));
}
