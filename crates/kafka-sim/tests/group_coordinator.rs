//! The group coordinator on real brokers, through the kernel: `__consumer_offsets` created at the
//! first FindCoordinator, a two-member join and sync, a session expiry, commits that survive the
//! coordinator's crash and commits that cannot be replicated. A scripted probe node plays the
//! consumers.

#[path = "support/group_cluster.rs"]
mod group_cluster;

use group_cluster::{Cluster, G, ms};
use kafka_sim::ErrorCode;
use kafka_sim::cluster::broker_node;
use kafka_sim::group::coordinator::{GroupEvent, GroupState};
use kafka_sim::group::offsets_partition_for;
use kafka_sim::group::wire::{
    ClientRequest, ClientResponse, JoinGroupRequest, JoinGroupResponse, JoinProtocol, NamedPartition,
    OffsetCommitRequest, Subscription, SyncGroupRequest,
};
use kafka_sim::ids::BrokerId;
use kafka_sim::kernel::Fault;

fn join_req(n: u32, member_id: &str) -> ClientRequest {
    ClientRequest::JoinGroup(JoinGroupRequest {
        group_id: G.into(),
        client_id: format!("consumer-{G}-{n}"),
        session_timeout_ms: 45_000,
        rebalance_timeout_ms: 300_000,
        member_id: member_id.into(),
        group_instance_id: None,
        protocol_type: "consumer".into(),
        protocols: vec![JoinProtocol {
            name: "range".into(),
            metadata: Subscription {
                topics: vec!["orders".into()],
                generation_id: -1,
                ..Subscription::default()
            },
        }],
        reason: None,
    })
}

fn sync_req(member: &str, generation: i32, assignments: Vec<(String, Vec<NamedPartition>)>) -> ClientRequest {
    ClientRequest::SyncGroup(SyncGroupRequest {
        group_id: G.into(),
        generation_id: generation,
        member_id: member.into(),
        group_instance_id: None,
        protocol_name: Some("range".into()),
        assignments,
    })
}

fn heartbeat_req(member: &str, generation: i32) -> ClientRequest {
    ClientRequest::Heartbeat {
        group_id: G.into(),
        generation_id: generation,
        member_id: member.into(),
        group_instance_id: None,
    }
}

fn join_answer(r: Option<ClientResponse>) -> JoinGroupResponse {
    match r {
        Some(ClientResponse::JoinGroup(j)) => j,
        other => panic!("{other:?}"),
    }
}

fn np(p: i32) -> NamedPartition {
    NamedPartition::new("orders", p)
}

/// Two members joined and synced at generation 1 on coordinator `c`: (leader, follower).
fn stable_pair(cl: &mut Cluster, c: BrokerId) -> (String, String) {
    let m1 = join_answer(Some(cl.ask(c, join_req(1, "")))).member_id;
    let m2 = join_answer(Some(cl.ask(c, join_req(2, "")))).member_id;
    let j1 = cl.send(c, join_req(1, &m1));
    let j2 = cl.send(c, join_req(2, &m2));
    // group.initial.rebalance.delay.ms: 3 s, extended once by the second member.
    cl.run_for(ms(7_000));
    let r1 = join_answer(cl.probe().answer(j1).cloned());
    let r2 = join_answer(cl.probe().answer(j2).cloned());
    assert_eq!(
        (r1.error, r1.generation_id, r1.leader.clone()),
        (ErrorCode::None, 1, m1.clone())
    );
    assert_eq!((r2.error, r2.members.len()), (ErrorCode::None, 0));
    assert_eq!(r1.members.len(), 2);
    let s2 = cl.send(c, sync_req(&m2, 1, Vec::new()));
    let s1 = cl.send(
        c,
        sync_req(&m1, 1, vec![(m1.clone(), vec![np(0)]), (m2.clone(), vec![np(1)])]),
    );
    cl.run_for(ms(20));
    assert_eq!(
        cl.probe().answer(s2),
        Some(&ClientResponse::SyncGroup {
            error: ErrorCode::None,
            protocol_name: Some("range".into()),
            assignment: vec![np(1)]
        })
    );
    assert!(matches!(
        cl.probe().answer(s1),
        Some(ClientResponse::SyncGroup {
            error: ErrorCode::None,
            ..
        })
    ));
    (m1, m2)
}

#[test]
fn find_coordinator_creates_the_offsets_topic_and_names_the_partitions_leader() {
    let mut cl = Cluster::new(3);
    assert!(cl.offsets_topic().is_none(), "no consumer, no __consumer_offsets");
    assert_eq!(
        cl.find_coordinator(BrokerId(2)),
        (ErrorCode::CoordinatorNotAvailable, None)
    );
    let meta = cl.offsets_topic().expect("created through ZooKeeper").clone();
    assert_eq!((meta.partitions, meta.replication_factor), (50, 3));
    cl.run_for(ms(200));
    let p = offsets_partition_for(G, 50);
    assert_eq!(p, 48);
    let leader = cl
        .offsets_registration(p)
        .and_then(|r| r.leader)
        .expect("a leader");
    for via in [1, 2, 3] {
        assert_eq!(
            cl.find_coordinator(BrokerId(via)),
            (ErrorCode::None, Some(leader))
        );
    }
    // The leader loaded the partition: it coordinates the group (and no other broker does).
    assert!(cl.broker(leader).coordinator().owns(p));
    for b in (1..=3).map(BrokerId).filter(|b| *b != leader) {
        assert!(!cl.broker(b).coordinator().owns(p));
        let r = cl.ask(b, join_req(1, ""));
        assert_eq!(join_answer(Some(r)).error, ErrorCode::NotCoordinator);
    }
}

#[test]
fn offsets_topic_waits_for_enough_brokers() {
    let mut cl = Cluster::new(2);
    for _ in 0..3 {
        assert_eq!(
            cl.find_coordinator(BrokerId(1)),
            (ErrorCode::CoordinatorNotAvailable, None)
        );
        cl.run_for(ms(500));
    }
    assert!(
        cl.offsets_topic().is_none(),
        "offsets.topic.replication.factor=3 needs 3 live brokers"
    );
}

#[test]
fn two_members_join_and_sync_over_the_wire() {
    let mut cl = Cluster::new(3);
    let c = cl.coordinator();
    let (m1, m2) = stable_pair(&mut cl, c);
    assert!(m1.starts_with(&format!("consumer-{G}-1-")));
    let g = cl.group(c).unwrap();
    assert_eq!(
        (g.state, g.generation, g.protocol.as_deref(), g.leader.as_deref()),
        (GroupState::Stable, 1, Some("range"), Some(m1.as_str()))
    );
    let assigned: Vec<(String, Vec<NamedPartition>)> = g
        .members
        .iter()
        .map(|m| (m.member_id.clone(), m.assignment.clone()))
        .collect();
    let mut want = vec![(m1.clone(), vec![np(0)]), (m2, vec![np(1)])];
    want.sort();
    assert_eq!(assigned, want);
    assert!(
        cl.logs()
            .contains(&format!("Stabilized group {G} generation 1 with 2 members."))
    );
    assert!(
        cl.group_events()
            .iter()
            .any(|e| matches!(e, GroupEvent::RebalanceCompleted { generation: 1, .. }))
    );
    assert_eq!(
        cl.ask(c, heartbeat_req(&m1, 1)),
        ClientResponse::Heartbeat {
            error: ErrorCode::None
        }
    );
}

#[test]
fn a_silent_member_expires_and_the_group_rebalances() {
    let mut cl = Cluster::new(3);
    let c = cl.coordinator();
    let (m1, m2) = stable_pair(&mut cl, c);
    // m1 heartbeats every 3 s; m2 is silent.
    let mut answers = Vec::new();
    for _ in 0..17 {
        cl.run_for(ms(3_000));
        answers.push(cl.ask(c, heartbeat_req(&m1, 1)));
    }
    assert!(answers.contains(&ClientResponse::Heartbeat {
        error: ErrorCode::RebalanceInProgress
    }));
    let reason = format!("removing member {m2} on heartbeat expiration.");
    assert!(cl.group_events().iter().any(
        |e| matches!(e, GroupEvent::MemberRemoved { member, reason: r, .. } if *member == m2 && *r == reason)
    ));
    assert!(cl.logs().contains(&format!(
        "Member {m2} in group {G} has failed, removing it from the group."
    )));
    let r = join_answer(Some(cl.ask(c, join_req(1, &m1))));
    assert_eq!((r.generation_id, r.members.len()), (2, 1));
}

#[test]
fn committed_offsets_and_the_group_survive_the_coordinators_crash() {
    let mut cl = Cluster::new(3);
    let c = cl.coordinator();
    let (m1, m2) = stable_pair(&mut cl, c);
    let commit = ClientRequest::OffsetCommit(OffsetCommitRequest {
        group_id: G.into(),
        generation_id: 1,
        member_id: m1.clone(),
        group_instance_id: None,
        offsets: vec![(np(0), 42), (np(1), 7)],
    });
    let corr = cl.send(c, commit);
    cl.run_for(ms(1));
    assert_eq!(cl.probe().answer(corr), None, "not answered before replication");
    cl.run_for(ms(1_000));
    assert_eq!(
        cl.probe().answer(corr),
        Some(&ClientResponse::OffsetCommit {
            results: vec![(np(0), ErrorCode::None), (np(1), ErrorCode::None)]
        })
    );
    cl.k.apply(Fault::Crash(broker_node(c))).unwrap();
    // ZooKeeper notices after zookeeper.session.timeout.ms; the controller elects a new leader.
    cl.run_for(ms(25_000));
    let p = offsets_partition_for(G, 50);
    let new = cl
        .offsets_registration(p)
        .and_then(|r| r.leader)
        .expect("a new leader");
    assert_ne!(new, c);
    let via = (1..=3).map(BrokerId).find(|b| *b != c).unwrap();
    assert_eq!(cl.find_coordinator(via), (ErrorCode::None, Some(new)));
    // The group's stored metadata came with it: the members carry on at generation 1.
    let g = cl.group(new).expect("loaded");
    assert_eq!(
        (g.state, g.generation, g.leader.as_deref()),
        (GroupState::Stable, 1, Some(m1.as_str()))
    );
    assert_eq!(
        cl.ask(new, heartbeat_req(&m2, 1)),
        ClientResponse::Heartbeat {
            error: ErrorCode::None
        }
    );
    let r = cl.ask(
        new,
        ClientRequest::OffsetFetch {
            group_id: G.into(),
            partitions: vec![np(0), np(1)],
        },
    );
    assert_eq!(
        r,
        ClientResponse::OffsetFetch {
            error: ErrorCode::None,
            offsets: vec![(np(0), 42), (np(1), 7)]
        }
    );
    assert!(
        cl.group_events()
            .iter()
            .any(|e| matches!(e, GroupEvent::Loaded { partition, groups: 1, offsets: 2 } if *partition == p))
    );
    let epoch = cl.offsets_registration(p).unwrap().leader_epoch;
    assert!(cl.logs().contains(&format!(
        "Finished loading offsets and group metadata from __consumer_offsets-{p} in 0 milliseconds for epoch {epoch}, of which 0 milliseconds was spent in the scheduler."
    )));
}

#[test]
fn a_commit_that_cannot_be_replicated_times_out() {
    let mut cl = Cluster::new(3);
    let c = cl.coordinator();
    let (m1, _m2) = stable_pair(&mut cl, c);
    for b in (1..=3).map(BrokerId).filter(|b| *b != c) {
        cl.k.apply(Fault::Crash(broker_node(b))).unwrap();
    }
    let commit = ClientRequest::OffsetCommit(OffsetCommitRequest {
        group_id: G.into(),
        generation_id: 1,
        member_id: m1,
        group_instance_id: None,
        offsets: vec![(np(0), 5)],
    });
    let start = cl.k.now();
    let corr = cl.send(c, commit);
    // offsets.commit.timeout.ms = 5 s, well before the ISR could shrink (replica.lag.time.max.ms).
    cl.run_for(ms(4_990));
    assert_eq!(cl.probe().answer(corr), None);
    cl.run_for(ms(20));
    let (at, _, _, r) = cl
        .probe()
        .inbox
        .iter()
        .find(|(_, _, x, _)| *x == corr)
        .cloned()
        .unwrap();
    assert_eq!(
        r,
        ClientResponse::OffsetCommit {
            results: vec![(np(0), ErrorCode::RequestTimedOut)]
        }
    );
    assert!(at - start >= ms(5_000));
    let r = cl.ask(
        c,
        ClientRequest::OffsetFetch {
            group_id: G.into(),
            partitions: vec![np(0)],
        },
    );
    assert_eq!(
        r,
        ClientResponse::OffsetFetch {
            error: ErrorCode::None,
            offsets: vec![(np(0), -1)]
        }
    );
}
