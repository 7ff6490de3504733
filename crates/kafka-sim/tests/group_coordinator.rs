//! The group coordinator on real brokers, through the kernel: `__consumer_offsets` created at the
//! first FindCoordinator, a two-member join and sync, a session expiry, commits that survive the
//! coordinator's crash, and the consumer's ListOffsets and Fetch. A scripted probe node plays the
//! consumers.

use kafka_sim::cluster::ReplicationSettings;
use kafka_sim::cluster::ZkNode;
use kafka_sim::cluster::{BrokerNode, ClusterEvent, ClusterNode, ProbeNode, TopicMeta, broker_node};
use kafka_sim::group::coordinator::{GroupEvent, GroupState, GroupView, OFFSETS_TOPIC};
use kafka_sim::group::offsets_partition_for;
use kafka_sim::group::wire::{
    ClientRequest, ClientResponse, ConsumerFetchPartition, JoinGroupRequest, JoinGroupResponse, JoinProtocol,
    NamedPartition, OffsetCommitRequest, OffsetSpec, Subscription, SyncGroupRequest,
};
use kafka_sim::ids::{BrokerId, NodeId};
use kafka_sim::kernel::{DEFAULT_TRACE_CAPACITY, Fault, Kernel, Network, TraceEvent};
use kafka_sim::record::{ProducerRef, RecordId, TopicIdx, TopicPartition};
use kafka_sim::replication::controller::PartitionRegistration;
use kafka_sim::sim::ZOOKEEPER;
use kafka_sim::{ErrorCode, SimRng, SimTime};
use std::sync::Arc;

const G: &str = "data-platform-group";

struct Cluster {
    k: Kernel<ClusterNode>,
    probe: NodeId,
}

fn ms(v: u64) -> SimTime {
    SimTime::from_millis(v)
}

impl Cluster {
    /// ZooKeeper, `brokers` brokers and a probe, with topic `orders` (2 partitions, RF 3 or fewer),
    /// run for 2 s.
    fn new(brokers: u32) -> Cluster {
        let mut k = Kernel::new(
            SimRng::new(42),
            Network::new(ms(1), SimTime::ZERO),
            DEFAULT_TRACE_CAPACITY,
        );
        let r = ReplicationSettings::default();
        let orders = TopicMeta {
            idx: TopicIdx(0),
            name: "orders".into(),
            partitions: 2,
            replication_factor: brokers.min(3),
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            assignment: None,
        };
        k.add_node(ClusterNode::ZooKeeper(ZkNode::with_topics(vec![orders])));
        for b in 1..=brokers {
            k.add_node(ClusterNode::Broker(BrokerNode::with_settings(
                BrokerId(b as i32),
                ZOOKEEPER,
                r,
            )));
        }
        let probe = k.add_node(ClusterNode::Probe(ProbeNode::new()));
        let mut c = Cluster { k, probe };
        c.run_for(ms(2_000));
        c
    }

    fn run_for(&mut self, d: SimTime) {
        let t = self.k.now() + d;
        self.k.run_until(t);
    }

    fn zk(&self) -> &ZkNode {
        self.k
            .node(ZOOKEEPER)
            .and_then(ClusterNode::as_zookeeper)
            .unwrap()
    }

    fn broker(&self, b: BrokerId) -> &BrokerNode {
        self.k
            .node(broker_node(b))
            .and_then(ClusterNode::as_broker)
            .unwrap()
    }

    fn offsets_topic(&self) -> Option<&TopicMeta> {
        self.zk().topics().iter().find(|t| t.name == OFFSETS_TOPIC)
    }

    /// ZooKeeper's registration of `__consumer_offsets-<p>`.
    fn offsets_registration(&self, p: i32) -> Option<PartitionRegistration> {
        let idx = self.offsets_topic()?.idx;
        let tp = TopicPartition {
            topic: idx,
            partition: p,
        };
        self.zk().partition_states().get(&tp).cloned()
    }

    /// Sends `req` to broker `b` from the probe and runs `wait`; the answer, if any.
    fn ask_after(&mut self, b: BrokerId, req: ClientRequest, wait: SimTime) -> Option<ClientResponse> {
        let to = broker_node(b);
        let mut corr = 0;
        self.k.poke(self.probe, |n, _now, ctx| {
            if let ClusterNode::Probe(p) = n {
                corr = p.send(to, req, ctx);
            }
        });
        self.run_for(wait);
        self.probe().answer(corr).cloned()
    }

    fn ask(&mut self, b: BrokerId, req: ClientRequest) -> ClientResponse {
        self.ask_after(b, req, ms(20)).expect("an answer within 20 ms")
    }

    /// Sends without waiting; returns the correlation id.
    fn send(&mut self, b: BrokerId, req: ClientRequest) -> i32 {
        let to = broker_node(b);
        let mut corr = 0;
        self.k.poke(self.probe, |n, _now, ctx| {
            if let ClusterNode::Probe(p) = n {
                corr = p.send(to, req, ctx);
            }
        });
        corr
    }

    fn probe(&self) -> &ProbeNode {
        self.k.node(self.probe).and_then(ClusterNode::as_probe).unwrap()
    }

    fn find_coordinator(&mut self, via: BrokerId) -> (ErrorCode, Option<BrokerId>) {
        match self.ask(via, ClientRequest::FindCoordinator { key: G.into() }) {
            ClientResponse::FindCoordinator { error, coordinator } => (error, coordinator),
            r => panic!("{r:?}"),
        }
    }

    /// FindCoordinator until it answers (the topic is created on the first one).
    fn coordinator(&mut self) -> BrokerId {
        for _ in 0..50 {
            if let (ErrorCode::None, Some(b)) = self.find_coordinator(BrokerId(1)) {
                return b;
            }
            self.run_for(ms(100));
        }
        panic!("no coordinator");
    }

    fn group(&self, b: BrokerId) -> Option<GroupView> {
        self.broker(b).coordinator().group(G)
    }

    fn group_events(&self) -> Vec<GroupEvent> {
        self.k
            .trace()
            .entries()
            .filter_map(|e| match &e.event {
                TraceEvent::Node {
                    event: ClusterEvent::Group { event, .. },
                    ..
                } => Some(event.clone()),
                _ => None,
            })
            .collect()
    }

    fn logs(&self) -> Vec<String> {
        (self.group_events().into_iter())
            .filter_map(|e| match e {
                GroupEvent::Log { message, .. } => Some(message),
                _ => None,
            })
            .collect()
    }
}

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
fn committed_offsets_survive_the_coordinators_crash() {
    let mut cl = Cluster::new(3);
    let c = cl.coordinator();
    let (m1, _m2) = stable_pair(&mut cl, c);
    let commit = ClientRequest::OffsetCommit(OffsetCommitRequest {
        group_id: G.into(),
        generation_id: 1,
        member_id: m1,
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
fn list_offsets_and_consumer_fetch_on_the_leader() {
    let mut cl = Cluster::new(3);
    let tp = TopicPartition {
        topic: TopicIdx(0),
        partition: 0,
    };
    let leader = cl
        .zk()
        .partition_states()
        .get(&tp)
        .and_then(|r| r.leader)
        .unwrap();
    let follower = (1..=3).map(BrokerId).find(|b| *b != leader).unwrap();
    let list = ClientRequest::ListOffsets {
        partitions: vec![(tp, OffsetSpec::Earliest), (tp, OffsetSpec::Latest)],
    };
    assert_eq!(
        cl.ask(leader, list.clone()),
        ClientResponse::ListOffsets {
            partitions: vec![(tp, ErrorCode::None, 0), (tp, ErrorCode::None, 0)]
        }
    );
    assert_eq!(
        cl.ask(follower, list),
        ClientResponse::ListOffsets {
            partitions: vec![
                (tp, ErrorCode::NotLeaderOrFollower, -1),
                (tp, ErrorCode::NotLeaderOrFollower, -1)
            ]
        }
    );
    let fetch = |offset: i64, epoch: i32| ClientRequest::Fetch {
        partitions: vec![ConsumerFetchPartition {
            tp,
            fetch_offset: offset,
            current_leader_epoch: epoch,
        }],
        max_wait_ms: 500,
        min_bytes: 1,
        max_bytes: 52_428_800,
        max_partition_bytes: 1_048_576,
    };
    let errors = |r: ClientResponse| match r {
        ClientResponse::Fetch { partitions } => partitions.iter().map(|p| p.error).collect::<Vec<_>>(),
        r => panic!("{r:?}"),
    };
    assert_eq!(
        errors(cl.ask(follower, fetch(0, 0))),
        vec![ErrorCode::NotLeaderOrFollower]
    );
    assert_eq!(
        errors(cl.ask(leader, fetch(5, 0))),
        vec![ErrorCode::OffsetOutOfRange]
    );
    assert_eq!(
        errors(cl.ask(leader, fetch(0, 3))),
        vec![ErrorCode::UnknownLeaderEpoch]
    );
    // An empty partition: the fetch is held, then answered early once records are committed.
    let start = cl.k.now();
    let corr = cl.send(leader, fetch(0, 0));
    cl.run_for(ms(100));
    assert_eq!(cl.probe().answer(corr), None, "held for min_bytes");
    let recs: Arc<[RecordId]> = (0..3).map(|i| RecordId::new(ProducerRef(0), i)).collect();
    cl.k.poke(broker_node(leader), |n, now, ctx| {
        if let ClusterNode::Broker(b) = n {
            b.append_as_leader(now, tp, recs, -1, ctx).unwrap();
        }
    });
    cl.run_for(ms(100));
    let (at, _, _, r) = cl
        .probe()
        .inbox
        .iter()
        .find(|(_, _, c, _)| *c == corr)
        .cloned()
        .expect("answered early");
    assert!(at - start < ms(500), "answered at {at:?}, before max_wait");
    match r {
        ClientResponse::Fetch { partitions } => {
            assert_eq!(partitions[0].high_watermark, 3);
            assert_eq!(partitions[0].batches.iter().map(|b| b.len()).sum::<usize>(), 3);
        }
        r => panic!("{r:?}"),
    }
    // Nothing new: answered empty at max_wait.
    let corr = cl.send(leader, fetch(3, 0));
    cl.run_for(ms(499));
    assert_eq!(cl.probe().answer(corr), None);
    cl.run_for(ms(10));
    assert!(
        matches!(cl.probe().answer(corr), Some(ClientResponse::Fetch { partitions }) if partitions[0].batches.is_empty())
    );
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
