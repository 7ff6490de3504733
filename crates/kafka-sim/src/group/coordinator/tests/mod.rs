//! The coordinator driven directly, in the manner of raft-rs's data-driven tests: each test is a
//! script of requests and timer fires at given times, checked against the responses, log lines and
//! group states Kafka gives.

use super::*;

mod join;
mod membership;
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
    /// Group records stored (completed at once while `auto_store`).
    stored: Vec<OffsetsRecord>,
    auto_store: bool,
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
        let _ = c.load_partition(SimTime::ZERO, p, 0, Vec::new());
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
            stored: Vec::new(),
            auto_store: true,
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
        for c in out.commits {
            if matches!(c.record, OffsetsRecord::Group(_)) && self.auto_store {
                // Group metadata is stored at once unless a test holds it.
                self.stored.push(c.record.clone());
                let out = self.c.commit_completed(c.token, ErrorCode::None);
                self.absorb(out);
            } else {
                self.commits.push(c);
            }
        }
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
