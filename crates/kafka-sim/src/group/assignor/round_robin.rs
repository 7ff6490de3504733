//! `RoundRobinAssignor` (reference §2.3): every partition of the subscribed topics, topics in
//! `String` order, dealt in turn to the members in `MemberInfo` order, skipping members that do not
//! subscribe to the partition's topic.

use super::{Prepared, java, sorted_members};
use crate::group::wire::NamedPartition;
use std::collections::BTreeMap;

/// `RoundRobinAssignor.assign`.
pub(crate) fn assign(input: &Prepared<'_>) -> BTreeMap<String, Vec<NamedPartition>> {
    let mut out: BTreeMap<String, Vec<NamedPartition>> = input
        .members
        .iter()
        .map(|m| (m.member_id.clone(), Vec::new()))
        .collect();
    let members = sorted_members(&input.members);
    if members.is_empty() {
        return out;
    }
    // allPartitionsSorted: a TreeSet of every subscribed topic, each expanded to 0..n.
    let mut topics: Vec<&String> = input.counts.keys().collect();
    crate::sort::sort_by(&mut topics, |a, b| java::java_cmp(a, b));
    let mut cursor = 0usize;
    for topic in topics {
        let count = input.counts[topic];
        for p in 0..count {
            // Some member subscribes to `topic` (it is in partitionsPerTopic), so this ends.
            while !members[cursor].subscription.topics.contains(topic) {
                cursor = (cursor + 1) % members.len();
            }
            out.entry(members[cursor].member_id.clone())
                .or_default()
                .push(NamedPartition::new(topic.clone(), p));
            cursor = (cursor + 1) % members.len();
        }
    }
    out
}
