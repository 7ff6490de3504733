//! Kafka 3.7's client-side consumer partition assignors (classic protocol), as pure functions.
//!
//! The group leader runs one of these over every member's subscription (reference §2):
//! [`range`](range) (`RangeAssignor`), [`round_robin`] (`RoundRobinAssignor`), and the sticky pair
//! [`sticky`] (`StickyAssignor`, `CooperativeStickyAssignor`). [`assign`] is the one entry point;
//! [`vote::select_protocol`] is the coordinator's choice among the members' assignors.
//!
//! Java's own tie-breaks are kept: `String.compareTo` (UTF-16 order) wherever Kafka sorts names, and
//! the iteration order of Java's `HashMap` wherever Kafka walks one (see [`java`]), with the group's
//! subscriptions inserted in JoinGroup member order, as `ConsumerCoordinator.onLeaderElected` does.
//! Racks are not modelled (the rack-aware paths apply only when partition replicas sit on
//! different racks).

pub mod java;
pub mod range;
pub mod round_robin;
pub mod sticky;
mod sticky_constrained;
mod sticky_general;
pub mod vote;

pub use crate::config::AssignorKind;
use crate::group::wire::{NamedPartition, Subscription};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// One group member as the leader's assignor sees it (`JoinGroupResponseMember` + its subscription).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignMember {
    /// The member id.
    pub member_id: String,
    /// `group.instance.id`, for static members.
    pub group_instance_id: Option<String>,
    /// Its subscription: topics, owned partitions and their generation. For `sticky`, the owned
    /// partitions and generation stand for the StickyAssignor's userData (previous assignment +
    /// generation), which an EAGER member still sends after revoking everything.
    pub subscription: Subscription,
}

/// The assignment: each member (in the order the members were given) with its partitions, in the
/// order Kafka's assignor lists them.
pub type Assignment = Vec<(String, Vec<NamedPartition>)>;

/// A rebalance protocol (`ConsumerPartitionAssignor.RebalanceProtocol`); ordered by Kafka's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RebalanceProtocol {
    /// `EAGER` (id 0): revoke everything before rejoining.
    Eager,
    /// `COOPERATIVE` (id 1): revoke only what moves, over two rebalances.
    Cooperative,
}

/// Invalid assignor input (not a Kafka error: Kafka's inputs are well-formed by construction).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    /// A topic was given a negative partition count.
    #[error("topic '{topic}' has a negative partition count {count}")]
    NegativePartitionCount {
        /// The topic.
        topic: String,
        /// Its count.
        count: i32,
    },
    /// Two members share a member id.
    #[error("member id '{0}' appears more than once")]
    DuplicateMember(String),
    /// No assignor has this name.
    #[error("unknown assignor '{0}' (expected range, roundrobin, sticky or cooperative-sticky)")]
    UnknownAssignor(String),
}

/// The assignor whose `name()` is `name` (`range`, `roundrobin`, `sticky`, `cooperative-sticky`).
pub fn assignor_by_name(name: &str) -> Result<AssignorKind, AssignError> {
    AssignorKind::ALL
        .into_iter()
        .find(|a| a.protocol_name() == name)
        .ok_or_else(|| AssignError::UnknownAssignor(name.to_owned()))
}

/// `supportedProtocols()`: `[EAGER]` for all but `CooperativeStickyAssignor`, which lists
/// `[COOPERATIVE, EAGER]`.
pub fn supported_protocols(kind: AssignorKind) -> &'static [RebalanceProtocol] {
    if kind.is_cooperative() {
        &[RebalanceProtocol::Cooperative, RebalanceProtocol::Eager]
    } else {
        &[RebalanceProtocol::Eager]
    }
}

/// The protocol a consumer with these `partition.assignment.strategy` assignors runs: the highest id
/// every assignor supports (`ConsumerCoordinator`'s constructor). `Err` holds Kafka's
/// `IllegalArgumentException` message when they share none (or none are configured).
pub fn client_protocol(kinds: &[AssignorKind]) -> Result<RebalanceProtocol, String> {
    let common: Vec<RebalanceProtocol> = [RebalanceProtocol::Eager, RebalanceProtocol::Cooperative]
        .into_iter()
        .filter(|p| !kinds.is_empty() && kinds.iter().all(|k| supported_protocols(*k).contains(p)))
        .collect();
    common.last().copied().ok_or_else(|| {
        let names: Vec<&str> = kinds.iter().map(|k| k.protocol_name()).collect();
        format!(
            "Specified assignors {:?} do not have commonly supported rebalance protocol",
            names
        )
    })
}

/// Runs assignor `kind` over `members` and the partition counts of the topics (`partitions_per_topic`;
/// topics that are missing or have 0 partitions are skipped, as Kafka skips topics without
/// metadata). Every member appears in the result, in the order given.
pub fn assign(
    kind: AssignorKind,
    partitions_per_topic: &BTreeMap<String, i32>,
    members: &[AssignMember],
) -> Result<Assignment, AssignError> {
    let prepared = Prepared::new(partitions_per_topic, members)?;
    let by_member = match kind {
        AssignorKind::Range => range::assign(&prepared),
        AssignorKind::RoundRobin => round_robin::assign(&prepared),
        AssignorKind::Sticky => sticky::assign(&prepared, false),
        AssignorKind::CooperativeSticky => sticky::assign(&prepared, true),
    };
    Ok(members
        .iter()
        .map(|m| {
            let parts = by_member.get(&m.member_id).cloned().unwrap_or_default();
            (m.member_id.clone(), parts)
        })
        .collect())
}

/// The assignor input as `AbstractPartitionAssignor.assign` hands it over: members in the iteration
/// order of the `subscriptions` HashMap, and `partitionsPerTopic` (subscribed topics with metadata)
/// in its HashMap iteration order.
pub(crate) struct Prepared<'a> {
    /// The members, in Java `HashMap` order of their ids.
    pub members: Vec<&'a AssignMember>,
    /// Subscribed topics with at least one partition, in Java `HashMap` order.
    pub topics: Vec<(String, i32)>,
    /// The same counts, for lookups.
    pub counts: BTreeMap<String, i32>,
}

impl<'a> Prepared<'a> {
    fn new(
        partitions_per_topic: &BTreeMap<String, i32>,
        members: &'a [AssignMember],
    ) -> Result<Self, AssignError> {
        if let Some((topic, &count)) = partitions_per_topic.iter().find(|(_, c)| **c < 0) {
            return Err(AssignError::NegativePartitionCount {
                topic: topic.clone(),
                count,
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        for m in members {
            if !seen.insert(m.member_id.as_str()) {
                return Err(AssignError::DuplicateMember(m.member_id.clone()));
            }
        }
        let ids: Vec<&str> = members.iter().map(|m| m.member_id.as_str()).collect();
        let ordered: Vec<&AssignMember> = java::string_keys_in_hash_order(&ids)
            .into_iter()
            .map(|i| &members[i])
            .collect();

        // allSubscribedTopics (a HashSet), then partitionsPerTopic (a HashMap) filled in its order.
        let mut all_topics: Vec<&str> = Vec::new();
        for m in &ordered {
            for t in &m.subscription.topics {
                if !all_topics.contains(&t.as_str()) {
                    all_topics.push(t);
                }
            }
        }
        let all_topics: Vec<&str> = java::string_keys_in_hash_order(&all_topics)
            .into_iter()
            .map(|i| all_topics[i])
            .collect();
        let with_metadata: Vec<(String, i32)> = all_topics
            .into_iter()
            .filter_map(|t| match partitions_per_topic.get(t) {
                Some(&n) if n > 0 => Some((t.to_owned(), n)),
                _ => None,
            })
            .collect();
        let names: Vec<&str> = with_metadata.iter().map(|(t, _)| t.as_str()).collect();
        let topics: Vec<(String, i32)> = java::string_keys_in_hash_order(&names)
            .into_iter()
            .map(|i| with_metadata[i].clone())
            .collect();
        let counts = topics.iter().cloned().collect();
        Ok(Prepared {
            members: ordered,
            topics,
            counts,
        })
    }

    /// Whether `tp` exists (its topic has metadata and the partition is in range).
    pub fn exists(&self, tp: &NamedPartition) -> bool {
        self.counts
            .get(&tp.topic)
            .is_some_and(|&n| (0..n).contains(&tp.partition))
    }
}

/// `MemberInfo.compareTo`: static members first by `group.instance.id`, then dynamic members by
/// member id, both by Java `String.compareTo`.
pub fn member_order(a: &AssignMember, b: &AssignMember) -> Ordering {
    match (&a.group_instance_id, &b.group_instance_id) {
        (Some(x), Some(y)) => java::java_cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => java::java_cmp(&a.member_id, &b.member_id),
    }
}

/// Members sorted as `Utils.sorted(memberInfoList)` / `Collections.sort` would (a stable sort).
pub(crate) fn sorted_members<'a>(members: &[&'a AssignMember]) -> Vec<&'a AssignMember> {
    let mut out = members.to_vec();
    crate::sort::sort_by(&mut out, |a, b| member_order(a, b));
    out
}
