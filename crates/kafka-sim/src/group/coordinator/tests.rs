//! The coordinator driven directly, in the manner of raft-rs's data-driven tests: each test is a
//! script of requests and timer fires at given times, checked against the responses, log lines and
//! group states Kafka gives.

use super::*;
use crate::group::wire::{
    JoinGroupRequest, JoinGroupResponse, JoinProtocol, LeavingMember, OffsetCommitRequest, Subscription,
    SyncGroupRequest,
};

const G: &str = "data-platform-group";

/// A coordinator with a clock, a timer queue and every response received, by client.
struct Harness {
    c: GroupCoordinator,
    now: SimTime,
    rng: SimRng,
    timers: Vec<(SimTime, u64, GroupTimer)>,
    timer_seq: u64,
    inbox: Vec<(u32, ClientResponse)>,
    logs: Vec<String>,
    events: Vec<GroupEvent>,
    commits: Vec<PendingCommit>,
    next_corr: i32,
}

fn proto(names: &[&str]) -> Vec<JoinProtocol> {
    names
        .iter()
        .map(|n| JoinProtocol {
            name: n.to_string(),
            metadata: Subscription {
                topics: vec!["orders".into()],
                generation_id: -1,
                ..Subscription::default()
            },
        })
        .collect()
}

fn np(t: &str, p: i32) -> NamedPartition {
    NamedPartition::new(t, p)
}

impl Harness {
    fn new() -> Self {
        let mut c = GroupCoordinator::new(GroupSettings::default());
        let p = c.partition_for(G);
        let _ = c.load_partition(p, Vec::new());
        Harness {
            c,
            now: SimTime::ZERO,
            rng: SimRng::new(7),
            timers: Vec::new(),
            timer_seq: 0,
            inbox: Vec::new(),
            logs: Vec::new(),
            events: Vec::new(),
            commits: Vec::new(),
            next_corr: 0,
        }
    }

    fn absorb(&mut self, out: Output) {
        for (to, r) in out.responses {
            self.inbox.push((to.node.0, r));
        }
        for (after, t) in out.timers {
            self.timer_seq += 1;
            self.timers.push((self.now + after, self.timer_seq, t));
        }
        for e in out.events {
            if let GroupEvent::Log { message, .. } = &e {
                self.logs.push(message.clone());
            }
            self.events.push(e);
        }
        self.commits.extend(out.commits);
    }

    /// Fires every timer due by `t` in order, then sets the clock to `t`.
    fn run_until(&mut self, t: u64) {
        let t = SimTime::from_millis(t);
        loop {
            self.timers.sort_by_key(|(at, s, _)| (*at, *s));
            match self.timers.first() {
                Some((at, _, _)) if *at <= t => {
                    let (at, _, timer) = self.timers.remove(0);
                    self.now = at;
                    let out = self.c.on_timer(at, &timer);
                    self.absorb(out);
                }
                _ => break,
            }
        }
        self.now = t;
    }

    fn send(&mut self, client: u32, req: ClientRequest) {
        self.next_corr += 1;
        let reply = ReplyTo {
            node: NodeId(client),
            correlation_id: self.next_corr,
        };
        let out = self.c.handle(self.now, reply, req, &mut self.rng);
        self.absorb(out);
    }

    fn join(&mut self, client: u32, member_id: &str, instance: Option<&str>, protocols: &[&str]) {
        self.send(
            client,
            ClientRequest::JoinGroup(JoinGroupRequest {
                group_id: G.into(),
                client_id: format!("consumer-{G}-{client}"),
                session_timeout_ms: 45_000,
                rebalance_timeout_ms: 300_000,
                member_id: member_id.into(),
                group_instance_id: instance.map(str::to_string),
                protocol_type: "consumer".into(),
                protocols: proto(protocols),
                reason: None,
            }),
        );
    }

    fn sync(
        &mut self,
        client: u32,
        member: &str,
        generation: i32,
        assignments: Vec<(String, Vec<NamedPartition>)>,
    ) {
        self.send(
            client,
            ClientRequest::SyncGroup(SyncGroupRequest {
                group_id: G.into(),
                generation_id: generation,
                member_id: member.into(),
                group_instance_id: None,
                protocol_name: Some("range".into()),
                assignments,
            }),
        );
    }

    fn heartbeat(&mut self, client: u32, member: &str, generation: i32) -> ErrorCode {
        self.send(
            client,
            ClientRequest::Heartbeat {
                group_id: G.into(),
                generation_id: generation,
                member_id: member.into(),
                group_instance_id: None,
            },
        );
        match self.inbox.pop() {
            Some((_, ClientResponse::Heartbeat { error })) => error,
            other => panic!("no heartbeat answer: {other:?}"),
        }
    }

    fn commit(&mut self, client: u32, member: &str, generation: i32, offsets: Vec<(NamedPartition, i64)>) {
        self.send(
            client,
            ClientRequest::OffsetCommit(OffsetCommitRequest {
                group_id: G.into(),
                generation_id: generation,
                member_id: member.into(),
                group_instance_id: None,
                offsets,
            }),
        );
    }

    /// Takes the JoinGroup answers received so far, by client.
    fn joins(&mut self) -> Vec<(u32, JoinGroupResponse)> {
        let (joins, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.inbox)
            .into_iter()
            .partition(|(_, r)| matches!(r, ClientResponse::JoinGroup(_)));
        self.inbox = rest;
        joins
            .into_iter()
            .filter_map(|(c, r)| match r {
                ClientResponse::JoinGroup(j) => Some((c, j)),
                _ => None,
            })
            .collect()
    }

    fn take(&mut self) -> Vec<(u32, ClientResponse)> {
        std::mem::take(&mut self.inbox)
    }

    fn state(&self) -> (GroupState, i32) {
        let g = self.c.group(G).expect("group exists");
        (g.state, g.generation)
    }

    /// The member id a first join got with MEMBER_ID_REQUIRED.
    fn member_id_for(&mut self, client: u32) -> String {
        self.join(client, "", None, &["range", "cooperative-sticky"]);
        let mut j = self.joins();
        let (c, r) = j.pop().expect("an answer");
        assert_eq!((c, r.error), (client, ErrorCode::MemberIdRequired));
        r.member_id
    }

    /// Two dynamic members joined and synced at generation 1: (leader, follower).
    fn stable_pair(&mut self) -> (String, String) {
        let m1 = self.member_id_for(1);
        let m2 = self.member_id_for(2);
        self.join(1, &m1, None, &["range", "cooperative-sticky"]);
        self.join(2, &m2, None, &["range", "cooperative-sticky"]);
        self.run_until(10_000);
        assert_eq!(self.joins().len(), 2);
        self.sync(2, &m2, 1, Vec::new());
        self.sync(
            1,
            &m1,
            1,
            vec![
                (m1.clone(), vec![np("orders", 0)]),
                (m2.clone(), vec![np("orders", 1)]),
            ],
        );
        assert_eq!(self.take().len(), 2);
        assert_eq!(self.state(), (GroupState::Stable, 1));
        (m1, m2)
    }
}

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
fn unloading_answers_parked_requests_not_coordinator() {
    let mut h = Harness::new();
    let m1 = h.member_id_for(1);
    h.join(1, &m1, None, &["range"]);
    let p = h.c.partition_for(G);
    let out = h.c.unload_partition(p);
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
    let out = h.c.load_partition(p, vec![rec]);
    assert!(out.events.contains(&GroupEvent::Loaded {
        partition: p,
        groups: 1,
        offsets: 1
    }));
    assert_eq!(h.c.group(G).unwrap().committed, vec![(np("orders", 3), 9)]);
}

#[test]
fn protocol_vote_follows_preferences() {
    let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        group::vote(&[
            l(&["range", "cooperative-sticky"]),
            l(&["range", "cooperative-sticky"])
        ]),
        Some("range".into())
    );
    assert_eq!(
        group::vote(&[
            l(&["roundrobin", "range"]),
            l(&["roundrobin", "range"]),
            l(&["range", "roundrobin"])
        ]),
        Some("roundrobin".into())
    );
    assert_eq!(group::vote(&[l(&["range"]), l(&["sticky"])]), None);
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
