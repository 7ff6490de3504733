//! Heartbeats, session expiry, LeaveGroup, offset commits and partition unloading.

use super::*;

#[test]
fn heartbeat_answers_per_state() {
    let mut h = Harness::new();
    let (m1, _m2) = h.stable_pair();
    assert_eq!(h.heartbeat(1, &m1, 1), ErrorCode::None);
    assert_eq!(h.heartbeat(1, &m1, 0), ErrorCode::IllegalGeneration);
    assert_eq!(h.heartbeat(1, "nobody", 1), ErrorCode::UnknownMemberId);
}

#[test]
fn session_expiry_removes_the_member_and_rebalances() {
    let mut h = Harness::new();
    let (m1, m2) = h.stable_pair();
    // m1 keeps heartbeating every 3 s; m2 goes silent after the sync at 10 s.
    let mut t = 10_000;
    while t < 54_000 {
        t += 3_000;
        h.run_until(t);
        if h.state().0 != GroupState::Stable {
            break;
        }
        assert_eq!(h.heartbeat(1, &m1, 1), ErrorCode::None);
    }
    // 45 s after its last contact (the sync at 10 s).
    assert!(h.logs.contains(&format!(
        "Member {m2} in group {G} has failed, removing it from the group."
    )));
    assert!(h.logs.contains(&format!(
        "Preparing to rebalance group {G} in state PreparingRebalance with old generation 1 (reason: removing member {m2} on heartbeat expiration.)."
    )));
    assert_eq!(h.state(), (GroupState::PreparingRebalance, 1));
    assert_eq!(h.heartbeat(1, &m1, 1), ErrorCode::RebalanceInProgress);
    // A commit from the previous generation is still accepted while preparing.
    h.commit(1, &m1, 1, vec![(np("orders", 0), 17)]);
    assert_eq!(h.commits.len(), 1);
    // m1 rejoins: everyone known has joined, so the join completes at once.
    h.join(1, &m1, None, &["range", "cooperative-sticky"]);
    let j = h.joins();
    assert_eq!((j[0].1.generation_id, j[0].1.members.len()), (2, 1));
}

#[test]
fn members_that_do_not_rejoin_are_removed_at_the_rebalance_timeout() {
    let mut h = Harness::new();
    let (m1, m2) = h.stable_pair();
    // The leader rejoins with new metadata; m2 keeps heartbeating but never rejoins.
    h.join(1, &m1, None, &["range"]);
    assert!(h.logs.last().unwrap().contains(&format!(
        "(reason: Updating metadata for member {m1} during Stable; client reason: not provided)."
    )));
    for t in (13_000..310_000).step_by(3_000) {
        h.run_until(t);
        if h.state().0 == GroupState::PreparingRebalance {
            h.heartbeat(2, &m2, 1);
        }
    }
    assert_eq!(
        h.state(),
        (GroupState::PreparingRebalance, 1),
        "the join waits the rebalance timeout"
    );
    h.run_until(310_000);
    assert!(h.logs.contains(&format!(
        "Group {G} removed dynamic members who haven't joined: [{m2}]"
    )));
    assert_eq!(h.state(), (GroupState::CompletingRebalance, 2));
}

#[test]
fn leave_group_rebalances_with_kafkas_reason() {
    let mut h = Harness::new();
    let (_m1, m2) = h.stable_pair();
    h.send(
        2,
        ClientRequest::LeaveGroup {
            group_id: G.into(),
            members: vec![LeavingMember {
                member_id: m2.clone(),
                group_instance_id: None,
                reason: Some("the consumer is being closed".into()),
            }],
        },
    );
    assert!(h.logs.contains(&format!(
        "[Group {G}] Member {m2} has left group through explicit `LeaveGroup` request; client reason: the consumer is being closed"
    )));
    assert!(h.logs.last().unwrap().ends_with(&format!(
        "(reason: explicit `LeaveGroup` request for ({m2}) members.)."
    )));
    assert_eq!(h.state(), (GroupState::PreparingRebalance, 1));
}

#[test]
fn offset_commits_check_generation_and_member_and_wait_for_replication() {
    let mut h = Harness::new();
    let (m1, _m2) = h.stable_pair();
    h.commit(1, &m1, 0, vec![(np("orders", 0), 3)]);
    h.commit(1, "nobody", 1, vec![(np("orders", 0), 3)]);
    let r = h.take();
    let errs: Vec<ErrorCode> = r
        .iter()
        .map(|(_, x)| match x {
            ClientResponse::OffsetCommit { results } => results[0].1,
            _ => ErrorCode::None,
        })
        .collect();
    assert_eq!(
        errs,
        vec![ErrorCode::IllegalGeneration, ErrorCode::UnknownMemberId]
    );
    h.commit(1, &m1, 1, vec![(np("orders", 0), 42)]);
    assert!(h.take().is_empty(), "answered only once replicated");
    let fetch = |h: &mut Harness| {
        h.send(
            1,
            ClientRequest::OffsetFetch {
                group_id: G.into(),
                partitions: vec![np("orders", 0), np("orders", 1)],
            },
        );
        h.take().pop().unwrap().1
    };
    assert_eq!(
        fetch(&mut h),
        ClientResponse::OffsetFetch {
            error: ErrorCode::None,
            offsets: vec![(np("orders", 0), -1), (np("orders", 1), -1)]
        }
    );
    let pc = h.commits.pop().unwrap();
    assert_eq!(pc.partition, offsets_partition_for(G, 50));
    let out = h.c.commit_completed(pc.token, ErrorCode::None);
    h.absorb(out);
    assert_eq!(
        h.take()[0].1,
        ClientResponse::OffsetCommit {
            results: vec![(np("orders", 0), ErrorCode::None)]
        }
    );
    assert_eq!(
        fetch(&mut h),
        ClientResponse::OffsetFetch {
            error: ErrorCode::None,
            offsets: vec![(np("orders", 0), 42), (np("orders", 1), -1)]
        }
    );
    // A failed replication maps as storeOffsets does and leaves nothing behind.
    h.commit(1, &m1, 1, vec![(np("orders", 0), 50)]);
    let pc = h.commits.pop().unwrap();
    let out = h.c.commit_completed(pc.token, ErrorCode::NotEnoughReplicas);
    h.absorb(out);
    assert_eq!(
        h.take()[0].1,
        ClientResponse::OffsetCommit {
            results: vec![(np("orders", 0), ErrorCode::CoordinatorNotAvailable)]
        }
    );
}

#[test]
fn unloading_answers_parked_requests_not_coordinator() {
    let mut h = Harness::new();
    let m1 = h.member_id_for(1);
    h.join(1, &m1, None, &["range"]);
    let p = h.c.partition_for(G);
    let out = h.c.unload_partition(p, 1);
    h.absorb(out);
    assert_eq!(h.joins()[0].1.error, ErrorCode::NotCoordinator);
    h.join(1, "", None, &["range"]);
    assert_eq!(h.joins()[0].1.error, ErrorCode::NotCoordinator);
    assert!(h.c.group(G).is_none());
    // Loading again restores the committed offsets from the log's records.
    let rec = CommitRecord {
        group: G.into(),
        offsets: vec![(np("orders", 3), 9)],
    };
    let out = h.c.load_partition(h.now, p, 2, vec![OffsetsRecord::Commit(rec)]);
    assert!(out.events.contains(&GroupEvent::Loaded {
        partition: p,
        groups: 1,
        offsets: 1
    }));
    assert_eq!(h.c.group(G).unwrap().committed, vec![(np("orders", 3), 9)]);
}

#[test]
fn a_loaded_group_carries_on_without_a_rebalance() {
    let mut h = Harness::new();
    let (m1, m2) = h.stable_pair();
    let stored = h.stored.clone();
    let Some(OffsetsRecord::Group(g)) = stored.last() else {
        panic!("the assignment was stored: {stored:?}");
    };
    assert_eq!((g.generation, g.members.len()), (1, 2));
    // Another coordinator loads the partition from those records.
    let mut other = Harness::new();
    let p = other.c.partition_for(G);
    let _ = other.c.unload_partition(p, 1);
    other.run_until(20_000);
    let out = other.c.load_partition(other.now, p, 2, stored);
    other.absorb(out);
    assert_eq!(other.state(), (GroupState::Stable, 1));
    assert_eq!(other.heartbeat(1, &m1, 1), ErrorCode::None);
    let view = other.c.group(G).unwrap();
    assert_eq!(view.leader.as_deref(), Some(m1.as_str()));
    let a2 = view.members.iter().find(|m| m.member_id == m2).unwrap();
    assert_eq!(a2.assignment, vec![np("orders", 1)]);
    // Loaded members have fresh sessions: m2, silent, expires 45 s after the load.
    for t in (23_000..=62_000).step_by(3_000) {
        other.run_until(t);
        assert_eq!(other.heartbeat(1, &m1, 1), ErrorCode::None, "at {t}");
    }
    other.run_until(64_999);
    assert_eq!(other.state(), (GroupState::Stable, 1));
    other.run_until(65_000);
    assert!(other.logs.contains(&format!(
        "Member {m2} in group {G} has failed, removing it from the group."
    )));
}

#[test]
fn the_assignment_reaches_members_only_once_stored() {
    let mut h = Harness::new();
    h.auto_store = false;
    let m1 = h.member_id_for(1);
    h.join(1, &m1, None, &["range"]);
    h.run_until(3_000);
    h.joins();
    h.sync(1, &m1, 1, vec![(m1.clone(), vec![np("orders", 0)])]);
    assert!(h.take().is_empty(), "held until the group record is replicated");
    assert_eq!(h.state(), (GroupState::CompletingRebalance, 1));
    let pc = h.commits.pop().unwrap();
    let out = h.c.commit_completed(pc.token, ErrorCode::NotEnoughReplicas);
    h.absorb(out);
    assert_eq!(
        h.take()[0].1,
        ClientResponse::SyncGroup {
            error: ErrorCode::CoordinatorNotAvailable,
            protocol_name: None,
            assignment: Vec::new()
        }
    );
    assert_eq!(h.state(), (GroupState::PreparingRebalance, 1));
}

#[test]
fn a_static_member_that_goes_silent_expires_after_its_session_timeout() {
    let mut h = Harness::new();
    h.join(1, "", Some("instance-1"), &["range"]);
    h.run_until(3_000);
    let id = h.joins()[0].1.member_id.clone();
    h.sync(1, &id, 1, vec![(id.clone(), vec![np("orders", 0)])]);
    h.take();
    // Silent from the join's completion at 3 s: removed at 48 s (session.timeout.ms = 45 s), not at
    // the 5-minute session a new member has only until its join completes.
    h.run_until(47_999);
    assert_eq!(h.state(), (GroupState::Stable, 1));
    h.run_until(48_000);
    assert!(h.logs.contains(&format!(
        "Member {id} in group {G} has failed, removing it from the group."
    )));
    // Its only member gone, the group's rebalance completes at once, empty.
    assert_eq!(h.state(), (GroupState::Empty, 2));
}
