//! Every event-log narration variant, and every branch its renderers take, has a Korean sentence
//! distinct from the others, and the English one is the core's (split from tabs.rs, which was over
//! 600 lines).
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::ids::BrokerId;
use kafka_sim::view::{Actor, IsrChange, LeaderMove, Narration, RebalanceCause, RemovalCause};
use kafka_sim_web::i18n::narration::narrate;
use kafka_sim_web::i18n::{Lang, has_hangul};

/// The name of a variant, by an exhaustive match: a new [`Narration`] variant fails to compile here
/// until it is added to [`every_variant`].
fn variant(n: &Narration) -> &'static str {
    use Narration as N;
    match n {
        N::Crashed { .. } => "Crashed",
        N::Restarted { .. } => "Restarted",
        N::Isolated { .. } => "Isolated",
        N::LinkCut { .. } => "LinkCut",
        N::LinkSlowed { .. } => "LinkSlowed",
        N::LinkDropping { .. } => "LinkDropping",
        N::NetworkHealed => "NetworkHealed",
        N::BrokerSessionExpired { .. } => "BrokerSessionExpired",
        N::BrokerShutDown { .. } => "BrokerShutDown",
        N::BrokerRegistered { .. } => "BrokerRegistered",
        N::ControllerChanged { .. } => "ControllerChanged",
        N::TopicCreated { .. } => "TopicCreated",
        N::TopicDeleted { .. } => "TopicDeleted",
        N::PartitionsAdded { .. } => "PartitionsAdded",
        N::LeaderElected { .. } => "LeaderElected",
        N::IsrShrunk { .. } => "IsrShrunk",
        N::IsrExpanded { .. } => "IsrExpanded",
        N::Truncated { .. } => "Truncated",
        N::ProducerFailed { .. } => "ProducerFailed",
        N::ProducerRestarted { .. } => "ProducerRestarted",
        N::TopicConfigChanged { .. } => "TopicConfigChanged",
        N::BrokerConfigChanged { .. } => "BrokerConfigChanged",
        N::ConsumersRestarted { .. } => "ConsumersRestarted",
        N::CommitModeChanged { .. } => "CommitModeChanged",
        N::MemberAdded { .. } => "MemberAdded",
        N::MemberClosed { .. } => "MemberClosed",
        N::MemberPaused { .. } => "MemberPaused",
        N::MemberJoined { .. } => "MemberJoined",
        N::MemberRemoved { .. } => "MemberRemoved",
        N::RebalanceStarted { .. } => "RebalanceStarted",
        N::RebalanceCompleted { .. } => "RebalanceCompleted",
        N::CoordinatorLoaded { .. } => "CoordinatorLoaded",
        N::PollTimeout { .. } => "PollTimeout",
        N::CommitFailed { .. } => "CommitFailed",
        N::ConsumerLog { .. } => "ConsumerLog",
    }
}

/// Every variant, and within them every branch the renderers take.
fn every_variant() -> Vec<Narration> {
    use Narration as N;
    let b = BrokerId;
    let mv = |p: &str, l: Option<i32>| LeaderMove {
        partition: p.into(),
        leader: l.map(BrokerId),
    };
    let isr = |p: &str, v: &[i32]| IsrChange {
        partition: p.into(),
        isr: v.iter().copied().map(BrokerId).collect(),
    };
    let m = || "consumer-data-platform-group-1".to_string();
    let mut out = vec![
        N::Crashed {
            node: Actor::Broker(b(2)),
        },
        N::Crashed {
            node: Actor::Member(m()),
        },
        N::Restarted {
            node: Actor::Producer("reservation-service".into()),
        },
        N::Isolated {
            node: Actor::ZooKeeper,
        },
        N::LinkCut {
            a: Actor::Broker(b(1)),
            b: Actor::Broker(b(3)),
            one_way: true,
        },
        N::LinkCut {
            a: Actor::Broker(b(1)),
            b: Actor::ZooKeeper,
            one_way: false,
        },
        N::LinkSlowed {
            a: Actor::Broker(b(2)),
            peers: vec![Actor::Broker(b(1)), Actor::ZooKeeper],
            latency_ms: 200,
        },
        N::LinkDropping {
            a: Actor::Broker(b(2)),
            peers: vec![Actor::Broker(b(1))],
            percent: 0,
        },
        N::LinkDropping {
            a: Actor::Broker(b(2)),
            peers: vec![Actor::Broker(b(1))],
            percent: 30,
        },
        N::NetworkHealed,
        N::BrokerSessionExpired {
            broker: b(2),
            session_ms: 18_000,
            moved: vec![],
            isr: vec![],
            internal: 0,
        },
        N::BrokerSessionExpired {
            broker: b(2),
            session_ms: 18_000,
            moved: vec![mv("reserve-0", None)],
            isr: vec![isr("reserve-0", &[])],
            internal: 0,
        },
        N::BrokerSessionExpired {
            broker: b(2),
            session_ms: 1_500,
            moved: vec![mv("reserve-0", Some(3)), mv("reserve-2", None)],
            isr: vec![isr("reserve-0", &[3, 1]), isr("reserve-1", &[1, 3])],
            internal: 17,
        },
        N::BrokerShutDown {
            broker: b(1),
            moved: vec![],
            isr: vec![],
            internal: 0,
        },
        N::BrokerShutDown {
            broker: b(1),
            moved: vec![mv("reserve-1", Some(2))],
            isr: vec![isr("reserve-1", &[2, 3])],
            internal: 0,
        },
        N::BrokerRegistered { broker: b(3) },
        N::ControllerChanged {
            controller: Some(b(1)),
            epoch: 2,
        },
        N::ControllerChanged {
            controller: None,
            epoch: 2,
        },
        N::TopicCreated {
            topic: "reserve".into(),
            assignment: vec![vec![b(1), b(2), b(3)], vec![b(2), b(3), b(1)]],
        },
        N::TopicDeleted {
            topic: "reserve".into(),
        },
        N::PartitionsAdded {
            topic: "reserve".into(),
            first: 3,
            assignment: vec![vec![b(1), b(2), b(3)]],
        },
        N::ProducerFailed {
            producer: "app".into(),
            partition: "t-0".into(),
            error: "NOT_ENOUGH_REPLICAS".into(),
            records: 12,
        },
        N::ProducerRestarted {
            producer: "app".into(),
            changes: vec![("acks".into(), "all".into())],
        },
        N::TopicConfigChanged {
            topic: "reserve".into(),
            name: "min.insync.replicas".into(),
            value: "2".into(),
            was: "1".into(),
        },
        N::TopicConfigChanged {
            topic: "reserve".into(),
            name: "unclean.leader.election.enable".into(),
            value: "true".into(),
            was: "false".into(),
        },
        N::TopicConfigChanged {
            topic: "reserve".into(),
            name: "unclean.leader.election.enable".into(),
            value: "false".into(),
            was: "true".into(),
        },
        N::BrokerConfigChanged {
            name: "replica.lag.time.max.ms".into(),
            value: "5000".into(),
            was: "30000".into(),
        },
        N::ConsumersRestarted {
            group: "data-platform-group".into(),
            member: None,
            changes: vec![("max.poll.records".into(), "50".into())],
        },
        N::ConsumersRestarted {
            group: "data-platform-group".into(),
            member: Some(2),
            changes: vec![("group.instance.id".into(), "app-2".into())],
        },
        N::CommitModeChanged {
            group: "data-platform-group".into(),
            mode: "before".into(),
            was: "manual".into(),
        },
        N::CommitModeChanged {
            group: "data-platform-group".into(),
            mode: "auto".into(),
            was: "before".into(),
        },
        N::MemberAdded { member: m() },
        N::MemberClosed { member: m() },
        N::MemberPaused {
            member: m(),
            ms: 5_000,
            gc: true,
        },
        N::MemberPaused {
            member: m(),
            ms: 500,
            gc: false,
        },
        N::MemberJoined {
            group: "data-platform-group".into(),
            member: m(),
        },
        N::CoordinatorLoaded {
            broker: b(2),
            partition: 17,
            groups: 1,
        },
        N::PollTimeout {
            member: m(),
            max_poll_interval_ms: 300_000,
        },
        N::CommitFailed {
            member: m(),
            message: "Commit cannot be completed".into(),
        },
        N::ConsumerLog {
            member: m(),
            level: "WARN".into(),
            message: "Offset commit failed".into(),
        },
        N::RebalanceCompleted {
            group: "data-platform-group".into(),
            generation: 3,
            protocol: Some("range".into()),
            assignment: vec![(m(), vec!["reserve-0".into()]), ("c-2".into(), vec![])],
        },
    ];
    for (leader, previous, unclean) in [
        (None, None, false),
        (Some(3), Some(2), true),
        (Some(3), Some(2), false),
        (Some(1), None, false),
    ] {
        out.push(N::LeaderElected {
            partition: "reserve-0".into(),
            leader: leader.map(BrokerId),
            previous: previous.map(BrokerId),
            epoch: 4,
            isr: vec![b(3), b(1)],
            unclean,
        });
    }
    out.push(N::IsrShrunk {
        partition: "t-0".into(),
        from: vec![b(1), b(2), b(3)],
        to: vec![b(1)],
        lag_max_ms: 30_000,
    });
    out.push(N::IsrExpanded {
        partition: "t-0".into(),
        from: vec![b(1)],
        to: vec![b(1), b(2)],
    });
    out.push(N::Truncated {
        broker: b(2),
        partition: "t-0".into(),
        from: 120,
        to: 100,
        removed: 20,
    });
    for cause in [
        RemovalCause::SessionTimeout,
        RemovalCause::Leave,
        RemovalCause::PendingSync,
        RemovalCause::DidNotRejoin,
        RemovalCause::Other,
    ] {
        out.push(N::MemberRemoved {
            group: "data-platform-group".into(),
            member: m(),
            cause,
            session_ms: Some(45_000),
        });
    }
    for cause in [
        RebalanceCause::NewMember,
        RebalanceCause::SessionTimeout,
        RebalanceCause::Leave,
        RebalanceCause::LeaderRejoin,
        RebalanceCause::MetadataChange,
        RebalanceCause::PendingSync,
        RebalanceCause::DidNotRejoin,
        RebalanceCause::Other,
    ] {
        out.push(N::RebalanceStarted {
            group: "data-platform-group".into(),
            generation: 2,
            cause,
            member: Some(m()),
        });
    }
    out
}

#[test]
fn every_narration_variant_has_a_korean_sentence() {
    let all = every_variant();
    let covered: std::collections::BTreeSet<&str> = all.iter().map(variant).collect();
    assert_eq!(covered.len(), 35, "every variant is exercised: {covered:?}");
    let mut seen = std::collections::BTreeSet::new();
    for n in &all {
        let ko = narrate(Lang::Ko, n);
        assert!(!ko.trim().is_empty(), "{n:?}");
        assert!(has_hangul(&ko), "{n:?}: {ko}");
        assert!(!ko.contains("{}"), "{ko}");
        assert_eq!(narrate(Lang::En, n), n.english());
        assert!(seen.insert(ko.clone()), "two branches say the same thing: {ko}");
    }
}
