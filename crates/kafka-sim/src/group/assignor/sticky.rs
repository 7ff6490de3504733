//! `StickyAssignor` and `CooperativeStickyAssignor` (reference §2.4), over
//! `AbstractStickyAssignor`: balance first, then keep what members owned.
//!
//! `allSubscriptionsEqual` reads each member's previous ownership (resolving double claims by
//! generation), then the `ConstrainedAssignmentBuilder` runs when every subscription is the same
//! topic set and the `GeneralAssignmentBuilder` otherwise. The cooperative variant then withholds
//! every partition that changes owner: the old owner revokes it first, and the next rebalance hands
//! it out.

use super::{AssignMember, Prepared, sticky_constrained, sticky_general};
use crate::group::wire::NamedPartition;
use std::collections::{BTreeMap, BTreeSet};

/// `AbstractStickyAssignor.DEFAULT_GENERATION`.
pub const DEFAULT_GENERATION: i32 = -1;

/// What `allSubscriptionsEqual` works out.
pub(crate) struct Ownership {
    /// Each member (in `subscriptions` HashMap order) with its valid owned partitions.
    pub owned: Vec<(String, Vec<NamedPartition>)>,
    /// Partitions two members claimed in the same generation (owned by neither now).
    pub multiply_claimed: BTreeSet<NamedPartition>,
    /// The highest generation any member reported.
    pub max_generation: i32,
    /// Whether every member subscribes to the same topic set.
    pub all_equal: bool,
}

/// A member's generation as `MemberData` reports it (`None` for `DEFAULT_GENERATION`).
pub(crate) fn generation(m: &AssignMember) -> Option<i32> {
    Some(m.subscription.generation_id).filter(|g| *g != DEFAULT_GENERATION)
}

/// The partitions `MemberData` lists for `m`, restricted to ones that exist.
pub(crate) fn member_partitions(input: &Prepared<'_>, m: &AssignMember) -> Vec<NamedPartition> {
    m.subscription
        .owned_partitions
        .iter()
        .filter(|tp| input.exists(tp))
        .cloned()
        .collect()
}

/// `AbstractStickyAssignor.allSubscriptionsEqual`.
pub(crate) fn ownership(input: &Prepared<'_>) -> Ownership {
    let mut all_equal = true;
    let mut subscribed: Vec<&String> = Vec::new();
    let mut owned: Vec<(String, Vec<NamedPartition>)> = Vec::new();
    let mut owner_of: BTreeMap<NamedPartition, usize> = BTreeMap::new();
    let mut multiply_claimed = BTreeSet::new();
    let mut max_generation = DEFAULT_GENERATION;
    let gen_of = |i: usize| input.members[i].subscription.generation_id;

    for (idx, m) in input.members.iter().enumerate() {
        let topics = &m.subscription.topics;
        if subscribed.is_empty() {
            for t in topics {
                if !subscribed.contains(&t) {
                    subscribed.push(t);
                }
            }
        } else if all_equal
            && !(topics.len() == subscribed.len() && topics.iter().all(|t| subscribed.contains(&t)))
        {
            all_equal = false;
        }
        let member_gen = m.subscription.generation_id;
        max_generation = max_generation.max(member_gen);
        owned.push((m.member_id.clone(), Vec::new()));
        for tp in member_partitions(input, m) {
            match owner_of.get(&tp).copied() {
                None => {
                    owned[idx].1.push(tp.clone());
                    owner_of.insert(tp, idx);
                }
                Some(other) => {
                    let other_gen = gen_of(other);
                    if member_gen == other_gen {
                        // "Found multiple consumers {} and {} claiming the same TopicPartition {} in
                        // the same generation {}, ..." (ERROR): invalidated for both.
                        multiply_claimed.insert(tp.clone());
                        remove_first(&mut owned[other].1, &tp);
                        owner_of.insert(tp, idx);
                    } else if member_gen > other_gen {
                        owned[idx].1.push(tp.clone());
                        remove_first(&mut owned[other].1, &tp);
                        owner_of.insert(tp, idx);
                    }
                }
            }
        }
    }
    Ownership {
        owned,
        multiply_claimed,
        max_generation,
        all_equal,
    }
}

/// `List.remove(Object)`: drops the first occurrence.
pub(crate) fn remove_first(list: &mut Vec<NamedPartition>, tp: &NamedPartition) {
    if let Some(pos) = list.iter().position(|e| e == tp) {
        list.remove(pos);
    }
}

/// `AbstractStickyAssignor.assign`, then (for `cooperative`) `CooperativeStickyAssignor.adjustAssignment`.
pub(crate) fn assign(input: &Prepared<'_>, cooperative: bool) -> BTreeMap<String, Vec<NamedPartition>> {
    if input.members.is_empty() {
        return BTreeMap::new();
    }
    let own = ownership(input);
    let (mut assignment, transferring) = if own.all_equal {
        let (a, t) = sticky_constrained::build(&input.topics, &own.owned, &own.multiply_claimed);
        (a, Some(t))
    } else {
        (sticky_general::build(input, own.owned, own.max_generation), None)
    };
    if cooperative {
        let transferring = transferring.unwrap_or_else(|| transferring_ownership(input, &assignment));
        for (tp, consumer) in transferring {
            if let Some(list) = assignment.get_mut(&consumer) {
                remove_first(list, &tp);
            }
        }
    }
    assignment
}

/// `CooperativeStickyAssignor.computePartitionsTransferringOwnership`: partitions assigned to a
/// member that did not own them and owned by a member that is not assigned them.
fn transferring_ownership(
    input: &Prepared<'_>,
    assignment: &BTreeMap<String, Vec<NamedPartition>>,
) -> BTreeMap<NamedPartition, String> {
    let mut added: BTreeMap<NamedPartition, String> = BTreeMap::new();
    let mut revoked: BTreeSet<NamedPartition> = BTreeSet::new();
    for m in &input.members {
        let owned = member_partitions(input, m);
        let assigned = assignment.get(&m.member_id).cloned().unwrap_or_default();
        for tp in &assigned {
            if !owned.contains(tp) {
                added.insert(tp.clone(), m.member_id.clone());
            }
        }
        for tp in owned {
            if !assigned.contains(&tp) {
                revoked.insert(tp);
            }
        }
    }
    added.retain(|tp, _| revoked.contains(tp));
    added
}
