//! `AbstractStickyAssignor.ConstrainedAssignmentBuilder` without racks: every member subscribes to
//! the same topics, so quotas are exact (`minQuota = P / N`, `maxQuota = ceil(P / N)`, and
//! `P % N` members get `maxQuota`).
//!
//! Members are visited in the `HashMap` order of their ids, which decides who keeps `maxQuota`
//! owned partitions (reference §2.4, HashMap-order note).

use super::java::java_cmp;
use super::sticky::remove_first;
use crate::group::wire::NamedPartition;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The assignment and `partitionsTransferringOwnership` (partition -> its new owner).
pub(crate) type Built = (
    BTreeMap<String, Vec<NamedPartition>>,
    BTreeMap<NamedPartition, String>,
);

/// `ConstrainedAssignmentBuilder.build` for `owned` (members in HashMap order with their valid owned
/// partitions) over `topics` (partition counts).
pub(crate) fn build(
    topics: &[(String, i32)],
    owned: &[(String, Vec<NamedPartition>)],
    multiply_claimed: &BTreeSet<NamedPartition>,
) -> Built {
    let total: usize = topics.iter().map(|(_, n)| *n as usize).sum();
    let members = owned.len().max(1);
    let min_quota = total / members;
    let max_quota = total.div_ceil(members);
    let expected_over = total % members;
    let mut current_over = 0usize;

    let mut assignment: BTreeMap<String, Vec<NamedPartition>> =
        owned.iter().map(|(m, _)| (m.clone(), Vec::new())).collect();
    let mut transferring: BTreeMap<NamedPartition, String> = BTreeMap::new();
    let mut assigned: BTreeSet<NamedPartition> = BTreeSet::new();
    let mut revoked: BTreeSet<NamedPartition> = BTreeSet::new();
    let mut under_min: Vec<String> = Vec::new();
    let mut exactly_min: VecDeque<String> = VecDeque::new();

    // assignOwnedPartitions
    for (consumer, parts) in owned {
        let mut parts = parts.clone();
        crate::sort::sort_by(&mut parts, |a, b| {
            a.partition
                .cmp(&b.partition)
                .then_with(|| java_cmp(&a.topic, &b.topic))
        });
        for tp in multiply_claimed {
            // "Found partition {} still claimed as owned by consumer {}, despite being claimed by
            // multiple consumers already in the same generation. Removing it from the ownedPartitions"
            remove_first(&mut parts, tp);
        }
        let keep = if parts.len() < min_quota {
            under_min.push(consumer.clone());
            parts.len()
        } else if parts.len() >= max_quota && current_over < expected_over {
            current_over += 1;
            if current_over == expected_over {
                exactly_min.clear();
            }
            max_quota
        } else {
            if current_over < expected_over {
                exactly_min.push_back(consumer.clone());
            }
            min_quota
        };
        let list = assignment.entry(consumer.clone()).or_default();
        for tp in &parts[..keep] {
            list.push(tp.clone());
            assigned.insert(tp.clone());
        }
        revoked.extend(parts[keep..].iter().cloned());
    }

    // getUnassignedPartitions: every partition by (topic, partition), minus those kept.
    let mut sorted_topics: Vec<&(String, i32)> = topics.iter().collect();
    crate::sort::sort_by(&mut sorted_topics, |a, b| java_cmp(&a.0, &b.0));
    let unassigned: Vec<NamedPartition> = sorted_topics
        .iter()
        .flat_map(|(t, n)| (0..*n).map(move |p| NamedPartition::new(t.clone(), p)))
        .filter(|tp| !assigned.contains(tp))
        .collect();

    crate::sort::sort_by(&mut under_min, |a, b| java_cmp(a, b));
    crate::sort::sort_by(exactly_min.make_contiguous(), |a, b| java_cmp(a, b));

    // assignRoundRobin: `cursor` is the position of the iterator over `under_min`.
    let mut cursor = 0usize;
    for tp in unassigned {
        let consumer = if cursor < under_min.len() {
            cursor += 1;
            under_min[cursor - 1].clone()
        } else if under_min.is_empty() {
            match exactly_min.pop_front() {
                Some(c) => c,
                // Kafka throws IllegalStateException("No more unfilled consumers to be assigned.");
                // the quotas make this unreachable.
                None => break,
            }
        } else {
            cursor = 1;
            under_min[0].clone()
        };
        let list = assignment.entry(consumer.clone()).or_default();
        list.push(tp.clone());
        let count = list.len();
        if revoked.contains(&tp) || multiply_claimed.contains(&tp) {
            transferring.insert(tp, consumer.clone());
        }
        if count == min_quota {
            // unfilledConsumerIter.remove()
            if cursor > 0 && under_min.get(cursor - 1) == Some(&consumer) {
                under_min.remove(cursor - 1);
                cursor -= 1;
            }
            exactly_min.push_back(consumer);
        }
    }
    (assignment, transferring)
}
