//! Kafka 3.7's consumer partition assignors: the reference's (§2) and Kafka's own javadoc/test
//! examples, exactly, plus seeded property tests over random groups.

use kafka_sim::config::AssignorKind;
use kafka_sim::group::assignor::vote::select_protocol;
use kafka_sim::group::assignor::{
    AssignError, AssignMember, Assignment, RebalanceProtocol, assign, assignor_by_name, client_protocol,
    supported_protocols,
};
use kafka_sim::group::{NamedPartition, Subscription};
use std::collections::BTreeMap;

#[path = "assignors/properties.rs"]
mod properties;

fn tp(s: &str) -> NamedPartition {
    let (t, p) = s.rsplit_once('-').expect("topic-partition");
    NamedPartition::new(t, p.parse().expect("partition"))
}

fn member(id: &str, topics: &[&str], owned: &[&str], generation: i32) -> AssignMember {
    AssignMember {
        member_id: id.to_owned(),
        group_instance_id: None,
        subscription: Subscription {
            topics: topics.iter().map(|t| (*t).to_owned()).collect(),
            owned_partitions: owned.iter().map(|s| tp(s)).collect(),
            generation_id: generation,
            rack_id: None,
        },
    }
}

fn static_member(id: &str, instance: &str, topics: &[&str]) -> AssignMember {
    AssignMember {
        group_instance_id: Some(instance.to_owned()),
        ..member(id, topics, &[], -1)
    }
}

fn counts(pairs: &[(&str, i32)]) -> BTreeMap<String, i32> {
    pairs.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect()
}

fn run(kind: AssignorKind, topics: &[(&str, i32)], members: &[AssignMember]) -> Assignment {
    assign(kind, &counts(topics), members).expect("valid input")
}

/// The assignment as `member: [t-p, ...]` strings, for exact comparisons.
fn show(a: &Assignment) -> Vec<String> {
    a.iter()
        .map(|(m, parts)| {
            let list: Vec<String> = parts.iter().map(ToString::to_string).collect();
            format!("{m}: [{}]", list.join(", "))
        })
        .collect()
}

// ---------------------------------------------------------------- range

#[test]
fn range_javadoc_two_consumers_two_topics() {
    let members = [
        member("C0", &["t0", "t1"], &[], -1),
        member("C1", &["t0", "t1"], &[], -1),
    ];
    let a = run(AssignorKind::Range, &[("t0", 3), ("t1", 3)], &members);
    assert_eq!(show(&a), ["C0: [t0-0, t0-1, t1-0, t1-1]", "C1: [t0-2, t1-2]"]);
}

#[test]
fn range_orders_static_members_by_instance_id_before_dynamic_ones() {
    // Reference §2.1: consumer-b (instance1) sorts before consumer-a (instance2).
    let members = [
        static_member("consumer-a", "instance2", &["t"]),
        static_member("consumer-b", "instance1", &["t"]),
    ];
    let a = run(AssignorKind::Range, &[("t", 3)], &members);
    assert_eq!(show(&a), ["consumer-a: [t-2]", "consumer-b: [t-0, t-1]"]);

    // A static consumer-b sorts before a dynamic consumer-a.
    let members = [
        member("consumer-a", &["t"], &[], -1),
        static_member("consumer-b", "instance1", &["t"]),
    ];
    let a = run(AssignorKind::Range, &[("t", 3)], &members);
    assert_eq!(show(&a), ["consumer-a: [t-2]", "consumer-b: [t-0, t-1]"]);
}

#[test]
fn range_per_topic_members_and_missing_topics() {
    // RangeAssignorTest: testOneConsumerNonexistentTopic / testTwoConsumersOneTopicOnePartition /
    // testMultipleConsumersMixedTopics.
    let a = run(AssignorKind::Range, &[], &[member("c", &["missing"], &[], -1)]);
    assert_eq!(show(&a), ["c: []"]);
    let members = [
        member("consumer1", &["t"], &[], -1),
        member("consumer2", &["t"], &[], -1),
    ];
    let a = run(AssignorKind::Range, &[("t", 1)], &members);
    assert_eq!(show(&a), ["consumer1: [t-0]", "consumer2: []"]);
    let members = [
        member("consumer1", &["topic1"], &[], -1),
        member("consumer2", &["topic1", "topic2"], &[], -1),
        member("consumer3", &["topic1"], &[], -1),
    ];
    let a = run(AssignorKind::Range, &[("topic1", 3), ("topic2", 2)], &members);
    assert_eq!(
        show(&a),
        [
            "consumer1: [topic1-0]",
            "consumer2: [topic1-1, topic2-0, topic2-1]",
            "consumer3: [topic1-2]"
        ]
    );
}

#[test]
fn range_topic_order_follows_javas_hash_map() {
    // partitionsPerTopic is a HashMap: "zz" (hash 3904, bucket 0) iterates before "b" (hash 98,
    // bucket 2), so a member of both lists zz's partitions first.
    let a = run(
        AssignorKind::Range,
        &[("b", 1), ("zz", 1)],
        &[member("c", &["b", "zz"], &[], -1)],
    );
    assert_eq!(show(&a), ["c: [zz-0, b-0]"]);
}

// ---------------------------------------------------------------- round robin

#[test]
fn round_robin_javadoc_examples() {
    let members = [
        member("C0", &["t0"], &[], -1),
        member("C1", &["t0", "t1"], &[], -1),
        member("C2", &["t0", "t1", "t2"], &[], -1),
    ];
    let a = run(
        AssignorKind::RoundRobin,
        &[("t0", 1), ("t1", 2), ("t2", 3)],
        &members,
    );
    assert_eq!(
        show(&a),
        ["C0: [t0-0]", "C1: [t1-0]", "C2: [t1-1, t2-0, t2-1, t2-2]"]
    );
    let members = [
        member("C0", &["t0", "t1"], &[], -1),
        member("C1", &["t0", "t1"], &[], -1),
    ];
    let a = run(AssignorKind::RoundRobin, &[("t0", 3), ("t1", 3)], &members);
    assert_eq!(show(&a), ["C0: [t0-0, t0-2, t1-1]", "C1: [t0-1, t1-0, t1-2]"]);
}

#[test]
fn round_robin_static_members_first() {
    // RoundRobinAssignorTest.testTwoStaticConsumersTwoTopicsSixPartitions shape.
    let members = [
        static_member("consumer-a", "instance2", &["t0", "t1"]),
        static_member("consumer-b", "instance1", &["t0", "t1"]),
    ];
    let a = run(AssignorKind::RoundRobin, &[("t0", 3), ("t1", 3)], &members);
    assert_eq!(
        show(&a),
        ["consumer-a: [t0-1, t1-0, t1-2]", "consumer-b: [t0-0, t0-2, t1-1]"]
    );
}

// ---------------------------------------------------------------- sticky

const FOUR_TOPICS: [(&str, i32); 4] = [("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)];

#[test]
fn sticky_javadoc_first_example_initial_assignment() {
    let all = ["t0", "t1", "t2", "t3"];
    let members = [
        member("C0", &all, &[], -1),
        member("C1", &all, &[], -1),
        member("C2", &all, &[], -1),
    ];
    let a = run(AssignorKind::Sticky, &FOUR_TOPICS, &members);
    assert_eq!(
        show(&a),
        [
            "C0: [t0-0, t1-1, t3-0]",
            "C1: [t0-1, t2-0, t3-1]",
            "C2: [t1-0, t2-1]"
        ]
    );
}

#[test]
fn sticky_javadoc_first_example_after_c1_leaves() {
    // The javadoc's prose gives C0 t2p0 and C2 t0p1; Kafka 3.7's ConstrainedAssignmentBuilder hands the
    // unowned partitions (t0-1, t2-0, t3-1) round-robin to the sorted unfilled members instead. Both
    // keep every owned partition and balance 4/4.
    let all = ["t0", "t1", "t2", "t3"];
    let members = [
        member("C0", &all, &["t0-0", "t1-1", "t3-0"], 1),
        member("C2", &all, &["t1-0", "t2-1"], 1),
    ];
    let a = run(AssignorKind::Sticky, &FOUR_TOPICS, &members);
    assert_eq!(
        show(&a),
        ["C0: [t0-0, t3-0, t1-1, t0-1]", "C2: [t1-0, t2-1, t2-0, t3-1]"]
    );
}

#[test]
fn sticky_javadoc_second_example_general_path() {
    let members = [
        member("C0", &["t0"], &[], -1),
        member("C1", &["t0", "t1"], &[], -1),
        member("C2", &["t0", "t1", "t2"], &[], -1),
    ];
    let topics = [("t0", 1), ("t1", 2), ("t2", 3)];
    let a = run(AssignorKind::Sticky, &topics, &members);
    assert_eq!(
        show(&a),
        ["C0: [t0-0]", "C1: [t1-0, t1-1]", "C2: [t2-0, t2-1, t2-2]"]
    );
    // C0 leaves: sticky keeps everything and gives t0-0 to C1.
    let members = [
        member("C1", &["t0", "t1"], &["t1-0", "t1-1"], 1),
        member("C2", &["t0", "t1", "t2"], &["t2-0", "t2-1", "t2-2"], 1),
    ];
    let a = run(AssignorKind::Sticky, &topics, &members);
    assert_eq!(show(&a), ["C1: [t1-0, t1-1, t0-0]", "C2: [t2-0, t2-1, t2-2]"]);
}

#[test]
fn sticky_max_quota_goes_to_the_first_member_in_hash_map_order() {
    // 10 partitions over 4 members: minQuota 2, maxQuota 3, and P % N = 2 members may keep 3.
    // consumer1..3 each own 3; HashMap order is consumer4, consumer3, consumer2, consumer1, so
    // consumer3 and consumer2 take the two max-quota slots and consumer1 gives t-2 up.
    let t = ["t"];
    let members = [
        member("consumer1", &t, &["t-0", "t-1", "t-2"], 5),
        member("consumer2", &t, &["t-3", "t-4", "t-5"], 5),
        member("consumer3", &t, &["t-6", "t-7", "t-8"], 5),
        member("consumer4", &t, &["t-9"], 5),
    ];
    let a = run(AssignorKind::Sticky, &[("t", 10)], &members);
    assert_eq!(
        show(&a),
        [
            "consumer1: [t-0, t-1]",
            "consumer2: [t-3, t-4, t-5]",
            "consumer3: [t-6, t-7, t-8]",
            "consumer4: [t-9, t-2]"
        ]
    );
    // Cooperative: t-2 changes owner, so nobody gets it this round.
    let a = run(AssignorKind::CooperativeSticky, &[("t", 10)], &members);
    assert_eq!(show(&a)[3], "consumer4: [t-9]");
}

#[test]
fn sticky_higher_generation_wins_a_double_claim() {
    let t = ["t"];
    let members = [
        member("consumer1", &t, &["t-0", "t-1"], 1),
        member("consumer2", &t, &["t-0", "t-2"], 2),
    ];
    let a = run(AssignorKind::Sticky, &[("t", 3)], &members);
    // consumer2 (generation 2) keeps t-0; consumer1 keeps t-1.
    assert_eq!(show(&a), ["consumer1: [t-1]", "consumer2: [t-0, t-2]"]);
}

#[test]
fn same_generation_double_claim_is_invalidated() {
    // CooperativeStickyAssignorTest:
    // testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer
    let t = ["t"];
    let members = [
        member("consumer1", &t, &["t-0", "t-1"], 1),
        member("consumer2", &t, &["t-0", "t-2"], 1),
        member("consumer3", &t, &[], 1),
    ];
    let a = run(AssignorKind::CooperativeSticky, &[("t", 3)], &members);
    assert_eq!(
        show(&a),
        ["consumer1: [t-1]", "consumer2: [t-2]", "consumer3: []"]
    );
    let a = run(AssignorKind::Sticky, &[("t", 3)], &members);
    assert_eq!(
        show(&a),
        ["consumer1: [t-1]", "consumer2: [t-2]", "consumer3: [t-0]"]
    );
}

// ---------------------------------------------------------------- cooperative

#[test]
fn cooperative_withholds_a_moving_partition_for_one_rebalance() {
    let t = ["t"];
    // consumer1 owns everything; consumer2 joins.
    let first = [
        member("consumer1", &t, &["t-0", "t-1", "t-2"], 1),
        member("consumer2", &t, &[], -1),
    ];
    let a = run(AssignorKind::CooperativeSticky, &[("t", 3)], &first);
    assert_eq!(show(&a), ["consumer1: [t-0, t-1]", "consumer2: []"]);
    // The eager sticky assignor moves it at once.
    let a = run(AssignorKind::Sticky, &[("t", 3)], &first);
    assert_eq!(show(&a), ["consumer1: [t-0, t-1]", "consumer2: [t-2]"]);
    // consumer1 revoked t-2 and rejoined; the second rebalance hands it to consumer2.
    let second = [
        member("consumer1", &t, &["t-0", "t-1"], 2),
        member("consumer2", &t, &[], 2),
    ];
    let a = run(AssignorKind::CooperativeSticky, &[("t", 3)], &second);
    assert_eq!(show(&a), ["consumer1: [t-0, t-1]", "consumer2: [t-2]"]);
}

#[test]
fn cooperative_general_path_withholds_moves_too() {
    // Unequal subscriptions: consumer2 takes over a t1 partition from consumer1.
    let first = [
        member("consumer1", &["t1", "t2"], &["t1-0", "t1-1", "t2-0", "t2-1"], 1),
        member("consumer2", &["t1"], &[], -1),
    ];
    let topics = [("t1", 2), ("t2", 2)];
    let sticky = run(AssignorKind::Sticky, &topics, &first);
    let coop = run(AssignorKind::CooperativeSticky, &topics, &first);
    let moved: Vec<&NamedPartition> = sticky[1].1.iter().collect();
    assert!(!moved.is_empty(), "{sticky:?}");
    assert_eq!(coop[1].1, Vec::<NamedPartition>::new());
    assert_eq!(coop[0].1, sticky[0].1);
}

// ---------------------------------------------------------------- protocols and votes

#[test]
fn supported_protocols_and_client_protocol() {
    assert_eq!(
        supported_protocols(AssignorKind::Range),
        [RebalanceProtocol::Eager]
    );
    assert_eq!(
        supported_protocols(AssignorKind::CooperativeSticky),
        [RebalanceProtocol::Cooperative, RebalanceProtocol::Eager]
    );
    // The default [RangeAssignor, CooperativeStickyAssignor] runs EAGER.
    assert_eq!(
        client_protocol(&[AssignorKind::Range, AssignorKind::CooperativeSticky]),
        Ok(RebalanceProtocol::Eager)
    );
    assert_eq!(
        client_protocol(&[AssignorKind::CooperativeSticky]),
        Ok(RebalanceProtocol::Cooperative)
    );
    assert!(client_protocol(&[]).is_err());
    assert_eq!(
        assignor_by_name("cooperative-sticky"),
        Ok(AssignorKind::CooperativeSticky)
    );
    assert_eq!(
        assignor_by_name("balanced"),
        Err(AssignError::UnknownAssignor("balanced".into()))
    );
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn vote_picks_the_common_protocol_with_most_votes() {
    let defaults = names(&["range", "cooperative-sticky"]);
    assert_eq!(
        select_protocol(&[defaults.clone(), defaults.clone()]).as_deref(),
        Some("range")
    );
    // Only candidates everyone supports count.
    let a = names(&["roundrobin", "range"]);
    let b = names(&["range"]);
    assert_eq!(select_protocol(&[a, b]).as_deref(), Some("range"));
    // Majority.
    let coop = names(&["cooperative-sticky", "range"]);
    assert_eq!(
        select_protocol(&[coop.clone(), coop.clone(), defaults.clone()]).as_deref(),
        Some("cooperative-sticky")
    );
    // Ties: the first in HashMap order ("sticky" bucket 8, "range" 9, "cooperative-sticky" 15).
    assert_eq!(
        select_protocol(&[coop.clone(), defaults.clone()]).as_deref(),
        Some("range")
    );
    let st = names(&["sticky", "range"]);
    let rs = names(&["range", "sticky"]);
    assert_eq!(select_protocol(&[rs, st]).as_deref(), Some("sticky"));
    // Nothing in common.
    assert_eq!(select_protocol(&[names(&["range"]), names(&["sticky"])]), None);
    assert_eq!(select_protocol(&[]), None);
}

#[test]
fn invalid_input_is_an_error() {
    let m = [member("c", &["t"], &[], -1)];
    assert_eq!(
        assign(AssignorKind::Range, &counts(&[("t", -1)]), &m),
        Err(AssignError::NegativePartitionCount {
            topic: "t".into(),
            count: -1
        })
    );
    let dup = [member("c", &["t"], &[], -1), member("c", &["t"], &[], -1)];
    assert_eq!(
        assign(AssignorKind::Sticky, &counts(&[("t", 1)]), &dup),
        Err(AssignError::DuplicateMember("c".into()))
    );
}
