//! `RangeAssignor` (reference §2.2): per topic, the subscribed members in `MemberInfo` order take
//! consecutive ranges; the first `partitions % members` of them take one extra.
//!
//! Topics are visited in the iteration order of `partitionsPerTopic` (a Java `HashMap`), which is
//! what orders a member's list when it gets partitions of several topics.

use super::{Prepared, sorted_members};
use crate::group::wire::NamedPartition;
use std::collections::BTreeMap;

/// `RangeAssignor.assignPartitions` without racks.
pub(crate) fn assign(input: &Prepared<'_>) -> BTreeMap<String, Vec<NamedPartition>> {
    let mut out: BTreeMap<String, Vec<NamedPartition>> = input
        .members
        .iter()
        .map(|m| (m.member_id.clone(), Vec::new()))
        .collect();
    for (topic, count) in &input.topics {
        let subscribed: Vec<_> = input
            .members
            .iter()
            .copied()
            .filter(|m| m.subscription.topics.iter().any(|t| t == topic))
            .collect();
        let consumers = sorted_members(&subscribed);
        if consumers.is_empty() {
            continue;
        }
        let n = consumers.len() as i32;
        let per_consumer = count / n;
        let extra = count % n;
        let mut next = 0;
        for (i, member) in consumers.iter().enumerate() {
            let take = per_consumer + i32::from((i as i32) < extra);
            let list = out.entry(member.member_id.clone()).or_default();
            list.extend((next..next + take).map(|p| NamedPartition::new(topic.clone(), p)));
            next += take;
        }
    }
    out
}
