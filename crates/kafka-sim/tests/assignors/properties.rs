//! Seeded property tests over random groups: completeness, balance, stickiness, and the
//! cooperative two-phase handover.

use super::*;
use kafka_sim::rng::SimRng;
use std::collections::BTreeSet;

struct Group {
    topics: BTreeMap<String, i32>,
    members: Vec<AssignMember>,
}

fn random_group(rng: &mut SimRng, equal: bool) -> Group {
    let n_topics = rng.range_inclusive(1, 4) as usize;
    let topics: BTreeMap<String, i32> = (0..n_topics)
        .map(|i| (format!("topic{i}"), rng.range_inclusive(0, 7) as i32))
        .collect();
    let names: Vec<String> = topics.keys().cloned().collect();
    let n_members = rng.range_inclusive(1, 6) as usize;
    let members = (0..n_members)
        .map(|i| {
            let subscribed: Vec<String> = if equal {
                names.clone()
            } else {
                let mut s: Vec<String> = names.iter().filter(|_| rng.below(2) == 0).cloned().collect();
                if s.is_empty() {
                    s.push(names[rng.below(names.len() as u64) as usize].clone());
                }
                s
            };
            let instance = (rng.below(3) == 0).then(|| format!("instance-{}", rng.below(100)));
            AssignMember {
                member_id: format!("consumer-{}-{i}", rng.below(1000)),
                group_instance_id: instance,
                subscription: Subscription {
                    topics: subscribed,
                    ..Subscription::default()
                },
            }
        })
        .collect::<Vec<_>>();
    // Instance ids must be unique within a group.
    let mut members = members;
    let mut seen = BTreeSet::new();
    for m in &mut members {
        if let Some(id) = &m.group_instance_id
            && !seen.insert(id.clone())
        {
            m.group_instance_id = None;
        }
    }
    Group { topics, members }
}

/// Every partition of a topic someone subscribes to, each exactly once, only to subscribers.
fn check_complete(g: &Group, a: &Assignment) {
    for ((id, parts), m) in a.iter().zip(&g.members) {
        for tp in parts {
            assert!(m.subscription.topics.contains(&tp.topic), "{id} got {tp}");
        }
    }
    check_exactly_once(g, a);
}

/// Every partition of a topic someone subscribes to, each exactly once.
fn check_exactly_once(g: &Group, a: &Assignment) {
    let mut seen = BTreeSet::new();
    for ((id, parts), m) in a.iter().zip(&g.members) {
        assert_eq!(id, &m.member_id);
        for tp in parts {
            assert!(seen.insert(tp.clone()), "{tp} assigned twice in {a:?}");
        }
    }
    let expected: usize = g
        .topics
        .iter()
        .filter(|(t, _)| g.members.iter().any(|m| m.subscription.topics.contains(t)))
        .map(|(_, n)| *n as usize)
        .sum();
    assert_eq!(seen.len(), expected, "{a:?}");
}

fn spread(a: &Assignment) -> usize {
    let sizes: Vec<usize> = a.iter().map(|(_, p)| p.len()).collect();
    sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0)
}

/// The next generation's subscriptions: each member owns what it was assigned.
fn with_owned(g: &Group, a: &Assignment, generation: i32) -> Group {
    let members = g
        .members
        .iter()
        .zip(a)
        .map(|(m, (_, parts))| {
            let mut m = m.clone();
            m.subscription.owned_partitions = parts.clone();
            m.subscription.generation_id = generation;
            m
        })
        .collect();
    Group {
        topics: g.topics.clone(),
        members,
    }
}

#[test]
fn eager_assignors_assign_everything_exactly_once() {
    let mut rng = SimRng::new(7);
    for round in 0..300 {
        let g = random_group(&mut rng, round % 2 == 0);
        for kind in [
            AssignorKind::Range,
            AssignorKind::RoundRobin,
            AssignorKind::Sticky,
        ] {
            let a = assign(kind, &g.topics, &g.members).expect("valid");
            check_complete(&g, &a);
            // Deterministic.
            assert_eq!(assign(kind, &g.topics, &g.members).expect("valid"), a);
        }
    }
}

#[test]
fn balanced_within_one_for_equal_subscriptions() {
    let mut rng = SimRng::new(11);
    for _ in 0..300 {
        let g = random_group(&mut rng, true);
        for kind in [
            AssignorKind::RoundRobin,
            AssignorKind::Sticky,
            AssignorKind::CooperativeSticky,
        ] {
            let a = assign(kind, &g.topics, &g.members).expect("valid");
            assert!(spread(&a) <= 1, "{kind:?} {a:?}");
        }
        if g.topics.len() == 1 {
            let a = assign(AssignorKind::Range, &g.topics, &g.members).expect("valid");
            assert!(spread(&a) <= 1, "{a:?}");
        }
    }
}

#[test]
fn sticky_keeps_a_balanced_assignment_and_its_owned_partitions() {
    let mut rng = SimRng::new(13);
    for round in 0..200 {
        let g = random_group(&mut rng, round % 2 == 0);
        let first = assign(AssignorKind::Sticky, &g.topics, &g.members).expect("valid");
        // Same members again: nothing moves.
        let next = with_owned(&g, &first, 1);
        let again = assign(AssignorKind::Sticky, &next.topics, &next.members).expect("valid");
        for ((_, a), (_, b)) in first.iter().zip(&again) {
            let a: BTreeSet<_> = a.iter().collect();
            let b: BTreeSet<_> = b.iter().collect();
            assert_eq!(a, b);
        }
        // A member leaves: the others keep everything they owned.
        if next.members.len() > 1 {
            let mut fewer = next.members.clone();
            fewer.remove(rng.below(fewer.len() as u64) as usize);
            let after = assign(AssignorKind::Sticky, &g.topics, &fewer).expect("valid");
            let fewer_group = Group {
                topics: g.topics.clone(),
                members: fewer.clone(),
            };
            check_complete(&fewer_group, &after);
            if round % 2 == 0 {
                for (m, (_, parts)) in fewer.iter().zip(&after) {
                    // With equal subscriptions, a member keeps its owned partitions up to its quota.
                    let kept = m
                        .subscription
                        .owned_partitions
                        .iter()
                        .filter(|tp| parts.contains(tp))
                        .count();
                    let total: usize = g.topics.values().map(|n| *n as usize).sum();
                    let max_quota = total.div_ceil(fewer.len());
                    assert!(kept >= m.subscription.owned_partitions.len().min(total / fewer.len()));
                    assert!(kept <= max_quota);
                }
            }
        }
    }
}

#[test]
fn cooperative_withholds_only_moves_and_converges_in_two_rebalances() {
    let mut rng = SimRng::new(17);
    for round in 0..200 {
        let g = random_group(&mut rng, round % 2 == 0);
        let first = assign(AssignorKind::CooperativeSticky, &g.topics, &g.members).expect("valid");
        check_complete(&g, &first);
        // A member joins and one leaves.
        let mut next = with_owned(&g, &first, 1);
        let newcomer_topics = next.members[0].subscription.topics.clone();
        next.members.push(AssignMember {
            member_id: format!("joiner-{round}"),
            group_instance_id: None,
            subscription: Subscription {
                topics: newcomer_topics,
                ..Subscription::default()
            },
        });
        if next.members.len() > 2 {
            next.members.remove(0);
        }
        let owner: BTreeMap<NamedPartition, String> = next
            .members
            .iter()
            .flat_map(|m| {
                m.subscription
                    .owned_partitions
                    .iter()
                    .map(move |tp| (tp.clone(), m.member_id.clone()))
            })
            .collect();
        let phase1 = assign(AssignorKind::CooperativeSticky, &next.topics, &next.members).expect("valid");
        let sticky = assign(AssignorKind::Sticky, &next.topics, &next.members).expect("valid");
        let mut given = BTreeSet::new();
        for ((id, parts), (_, target)) in phase1.iter().zip(&sticky) {
            for tp in parts {
                assert!(given.insert(tp.clone()));
                assert!(
                    owner.get(tp).is_none_or(|o| o == id),
                    "{tp} moved without revocation"
                );
            }
            // Withheld partitions are exactly those owned by someone else.
            for tp in target {
                if !parts.contains(tp) {
                    assert!(owner.get(tp).is_some_and(|o| o != id), "{tp} withheld needlessly");
                }
            }
        }
        // Phase 2: everyone rejoins owning what they kept; everything is assigned.
        let phase2_group = with_owned(&next, &phase1, 2);
        let phase2 = assign(
            AssignorKind::CooperativeSticky,
            &phase2_group.topics,
            &phase2_group.members,
        )
        .expect("valid");
        if round % 2 == 0 {
            check_complete(&phase2_group, &phase2);
            assert!(spread(&phase2) <= 1, "{phase2:?}");
        }
    }
}

/// Random, possibly conflicting or stale ownership claims (double claims, old generations, topics a
/// member no longer subscribes to, partitions that do not exist).
fn with_random_claims(rng: &mut SimRng, g: &Group) -> Group {
    let mut all: Vec<NamedPartition> = g
        .topics
        .iter()
        .flat_map(|(t, n)| (0..*n + 1).map(move |p| NamedPartition::new(t.clone(), p)))
        .collect();
    all.push(NamedPartition::new("deleted", 0));
    let members = g
        .members
        .iter()
        .map(|m| {
            let mut m = m.clone();
            m.subscription.owned_partitions = all.iter().filter(|_| rng.below(3) == 0).cloned().collect();
            m.subscription.generation_id = rng.range_inclusive(0, 4) as i32 - 1;
            m
        })
        .collect();
    Group {
        topics: g.topics.clone(),
        members,
    }
}

#[test]
fn sticky_survives_conflicting_and_stale_claims() {
    let mut rng = SimRng::new(19);
    for round in 0..400 {
        let base = random_group(&mut rng, round % 2 == 0);
        let g = with_random_claims(&mut rng, &base);
        let sticky = assign(AssignorKind::Sticky, &g.topics, &g.members).expect("valid");
        // Kafka 3.7 returns a partition to its previous-generation owner without checking that the
        // owner still subscribes to its topic (GeneralAssignmentBuilder.performReassignments), so
        // with stale claims only "exactly once" holds.
        check_exactly_once(&g, &sticky);
        if round % 2 == 0 {
            assert!(spread(&sticky) <= 1, "{sticky:?}");
        }
        let coop = assign(AssignorKind::CooperativeSticky, &g.topics, &g.members).expect("valid");
        // Cooperative hands out a subset of the eager result, member by member.
        for ((_, c), (_, s)) in coop.iter().zip(&sticky) {
            assert!(c.iter().all(|tp| s.contains(tp)), "{c:?} vs {s:?}");
        }
    }
}
