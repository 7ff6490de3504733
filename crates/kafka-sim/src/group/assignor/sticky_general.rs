//! `AbstractStickyAssignor.GeneralAssignmentBuilder` without racks: subscriptions differ, so keep
//! every valid owned partition, hand out the rest to the least-loaded eligible member, then move
//! partitions until balanced, preferring to return a partition to its previous-generation owner and
//! avoiding movements that undo earlier ones (`PartitionMovements`).

use super::Prepared;
use super::java::{PartitionHashSet, java_cmp};
use super::sticky::{DEFAULT_GENERATION, generation, member_partitions, remove_first};
use crate::group::wire::NamedPartition;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// A member id ordered by Java's `String.compareTo`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct JStr(String);

impl Ord for JStr {
    fn cmp(&self, other: &Self) -> Ordering {
        java_cmp(&self.0, &other.0)
    }
}

impl PartialOrd for JStr {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `PartitionMovements`: where partitions moved during this assignment, per topic and member pair.
#[derive(Default)]
struct Movements {
    by_topic: BTreeMap<String, BTreeMap<(String, String), PartitionHashSet>>,
    moves: BTreeMap<NamedPartition, (String, String)>,
}

impl Movements {
    fn remove_record(&mut self, tp: &NamedPartition) -> Option<(String, String)> {
        let pair = self.moves.remove(tp)?;
        if let Some(topic) = self.by_topic.get_mut(&tp.topic) {
            if let Some(set) = topic.get_mut(&pair) {
                set.remove(tp);
                if set.is_empty() {
                    topic.remove(&pair);
                }
            }
            if topic.is_empty() {
                self.by_topic.remove(&tp.topic);
            }
        }
        Some(pair)
    }

    fn add_record(&mut self, tp: &NamedPartition, pair: (String, String)) {
        self.moves.insert(tp.clone(), pair.clone());
        self.by_topic
            .entry(tp.topic.clone())
            .or_default()
            .entry(pair)
            .or_default()
            .insert(tp.clone());
    }

    fn move_partition(&mut self, tp: &NamedPartition, old: &str, new: &str) {
        if self.moves.contains_key(tp) {
            if let Some((src, _)) = self.remove_record(tp)
                && src != new
            {
                self.add_record(tp, (src, new.to_owned()));
            }
        } else {
            self.add_record(tp, (old.to_owned(), new.to_owned()));
        }
    }

    /// `getTheActualPartitionToBeMoved`: moving a partition back along an earlier movement of the
    /// same topic moves that earlier partition instead (the first its `HashSet` yields).
    fn actual_partition_to_move(&self, tp: &NamedPartition, old: &str, new: &str) -> NamedPartition {
        let Some(topic) = self.by_topic.get(&tp.topic) else {
            return tp.clone();
        };
        let old = self.moves.get(tp).map_or(old, |(src, _)| src.as_str());
        match topic
            .get(&(new.to_owned(), old.to_owned()))
            .and_then(|s| s.first())
        {
            Some(first) => first.clone(),
            None => tp.clone(),
        }
    }
}

struct Builder<'a> {
    counts: &'a BTreeMap<String, i32>,
    total: usize,
    topic_consumers: BTreeMap<String, Vec<String>>,
    consumer_topics: BTreeMap<String, Vec<String>>,
    current: BTreeMap<String, Vec<NamedPartition>>,
    partition_consumer: BTreeMap<NamedPartition, String>,
    sorted: BTreeSet<(usize, JStr)>,
    prev: BTreeMap<NamedPartition, (String, i32)>,
    movements: Movements,
}

/// `GeneralAssignmentBuilder.build`.
pub(crate) fn build(
    input: &Prepared<'_>,
    owned: Vec<(String, Vec<NamedPartition>)>,
    max_generation: i32,
) -> BTreeMap<String, Vec<NamedPartition>> {
    let mut b = Builder {
        counts: &input.counts,
        total: input.counts.values().map(|n| *n as usize).sum(),
        topic_consumers: input.counts.keys().map(|t| (t.clone(), Vec::new())).collect(),
        consumer_topics: BTreeMap::new(),
        current: owned.into_iter().collect(),
        partition_consumer: BTreeMap::new(),
        sorted: BTreeSet::new(),
        prev: BTreeMap::new(),
        movements: Movements::default(),
    };
    for m in &input.members {
        let mut topics = Vec::new();
        for t in &m.subscription.topics {
            if let Some(list) = b.topic_consumers.get_mut(t) {
                topics.push(t.clone());
                list.push(m.member_id.clone());
            }
        }
        b.consumer_topics.insert(m.member_id.clone(), topics);
        b.current.entry(m.member_id.clone()).or_default();
    }
    for (c, parts) in &b.current {
        for tp in parts {
            b.partition_consumer.insert(tp.clone(), c.clone());
        }
    }
    let mut sorted_topics: Vec<&String> = b.topic_consumers.keys().collect();
    crate::sort::sort_by(&mut sorted_topics, |x, y| {
        b.topic_consumers[*x]
            .len()
            .cmp(&b.topic_consumers[*y].len())
            .then_with(|| java_cmp(x, y))
    });
    let mut sorted_all: Vec<NamedPartition> = sorted_topics
        .iter()
        .flat_map(|t| (0..b.counts[*t]).map(move |p| NamedPartition::new((*t).clone(), p)))
        .collect();

    // prepopulateCurrentAssignments: the latest lower-generation owner of each partition.
    for m in &input.members {
        let gen_or_default = match generation(m) {
            Some(g) if g < max_generation => g,
            None if max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
            _ => continue,
        };
        for tp in member_partitions(input, m) {
            if b.prev.get(&tp).is_none_or(|(_, g)| gen_or_default > *g) {
                b.prev.insert(tp, (m.member_id.clone(), gen_or_default));
            }
        }
    }

    // assignOwnedPartitions
    let mut revocation_required = false;
    let mut assigned: BTreeSet<NamedPartition> = BTreeSet::new();
    for (consumer, parts) in b.current.iter_mut() {
        let topics = input
            .members
            .iter()
            .find(|m| &m.member_id == consumer)
            .map(|m| &m.subscription.topics);
        parts.retain(|tp| {
            if topics.is_some_and(|t| t.contains(&tp.topic)) {
                assigned.insert(tp.clone());
                true
            } else {
                revocation_required = true;
                false
            }
        });
    }
    let mut unassigned: Vec<NamedPartition> = sorted_all
        .iter()
        .filter(|tp| !assigned.contains(*tp))
        .cloned()
        .collect();
    b.sorted = b
        .current
        .iter()
        .map(|(c, p)| (p.len(), JStr(c.clone())))
        .collect();

    // balance
    let initializing = b.sorted.last().is_some_and(|(_, c)| b.current[&c.0].is_empty());
    for tp in &unassigned {
        if !b.topic_consumers[&tp.topic].is_empty() {
            b.assign_to_least_loaded(tp);
        }
    }
    let fixed_topics: BTreeSet<&String> = b
        .topic_consumers
        .iter()
        .filter(|(_, c)| c.len() < 2)
        .map(|(t, _)| t)
        .collect();
    sorted_all.retain(|tp| !fixed_topics.contains(&tp.topic));
    unassigned.retain(|tp| !fixed_topics.contains(&tp.topic));
    let mut fixed: BTreeMap<String, Vec<NamedPartition>> = BTreeMap::new();
    let consumers: Vec<String> = b.consumer_topics.keys().cloned().collect();
    for c in consumers {
        if !b.can_consumer_participate(&c)
            && let Some(parts) = b.current.remove(&c)
        {
            b.sorted.remove(&(parts.len(), JStr(c.clone())));
            fixed.insert(c, parts);
        }
    }
    let pre_balance = b.current.clone();
    let pre_partition_consumer = b.partition_consumer.clone();
    if !revocation_required {
        b.perform_reassignments(&unassigned);
    }
    let performed = b.perform_reassignments(&sorted_all);
    if !initializing && performed && balance_score(&b.current) >= balance_score(&pre_balance) {
        b.current = pre_balance;
        b.partition_consumer = pre_partition_consumer;
    }
    b.current.extend(fixed);
    b.current
}

/// `getBalanceScore`: the sum of size differences over every pair of members.
fn balance_score(assignment: &BTreeMap<String, Vec<NamedPartition>>) -> usize {
    let sizes: Vec<usize> = assignment.values().map(Vec::len).collect();
    let mut score = 0;
    for (i, a) in sizes.iter().enumerate() {
        for b in &sizes[i + 1..] {
            score += a.abs_diff(*b);
        }
    }
    score
}

impl Builder<'_> {
    fn size(&self, c: &str) -> Option<usize> {
        self.current.get(c).map(Vec::len)
    }

    fn subscribes(&self, c: &str, topic: &str) -> bool {
        self.consumer_topics
            .get(c)
            .is_some_and(|t| t.iter().any(|x| x == topic))
    }

    /// `maybeAssignPartition`: the first member in (size, id) order that subscribes to the topic.
    fn assign_to_least_loaded(&mut self, tp: &NamedPartition) {
        let Some((n, c)) = self
            .sorted
            .iter()
            .find(|(_, c)| self.subscribes(&c.0, &tp.topic))
            .cloned()
        else {
            return;
        };
        self.sorted.remove(&(n, c.clone()));
        if let Some(list) = self.current.get_mut(&c.0) {
            list.push(tp.clone());
        }
        self.partition_consumer.insert(tp.clone(), c.0.clone());
        self.sorted.insert((n + 1, c));
    }

    fn max_assignment_size(&self, topics: &[String]) -> usize {
        if topics.len() == self.counts.len() {
            self.total
        } else {
            topics
                .iter()
                .map(|t| self.counts.get(t).map_or(0, |n| *n as usize))
                .sum()
        }
    }

    fn can_consumer_participate(&self, c: &str) -> bool {
        let (Some(parts), Some(topics)) = (self.current.get(c), self.consumer_topics.get(c)) else {
            return false;
        };
        parts.len() < self.max_assignment_size(topics)
            || parts
                .iter()
                .any(|tp| self.topic_consumers.get(&tp.topic).is_some_and(|c| c.len() >= 2))
    }

    fn is_balanced(&self) -> bool {
        let (Some((min, _)), Some((max, _))) = (self.sorted.first(), self.sorted.last()) else {
            return true;
        };
        if *min + 1 >= *max {
            return true;
        }
        let mut owner: BTreeMap<&NamedPartition, &str> = BTreeMap::new();
        for (c, parts) in &self.current {
            for tp in parts {
                owner.insert(tp, c);
            }
        }
        for (_, c) in &self.sorted {
            let parts = &self.current[&c.0];
            let topics = &self.consumer_topics[&c.0];
            if parts.len() == self.max_assignment_size(topics) {
                continue;
            }
            for topic in topics {
                for p in 0..self.counts[topic] {
                    let tp = NamedPartition::new(topic.clone(), p);
                    if parts.contains(&tp) {
                        continue;
                    }
                    let other = owner.get(&tp).and_then(|o| self.size(o));
                    if other.is_some_and(|o| parts.len() + 1 < o) {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn perform_reassignments(&mut self, partitions: &[NamedPartition]) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(consumer) = self.partition_consumer.get(tp).cloned() else {
                    continue;
                };
                let Some(size) = self.size(&consumer) else {
                    continue;
                };
                if let Some((prev, _)) = self.prev.get(tp).cloned()
                    && self.size(&prev).is_some_and(|p| size > p + 1)
                {
                    self.reassign(tp, &prev);
                    performed = true;
                    modified = true;
                    continue;
                }
                let better = self.topic_consumers[&tp.topic]
                    .iter()
                    .any(|o| self.size(o).is_some_and(|s| size > s + 1));
                if better {
                    let new = self
                        .sorted
                        .iter()
                        .find(|(_, c)| self.subscribes(&c.0, &tp.topic))
                        .map(|(_, c)| c.0.clone());
                    if let Some(new) = new {
                        self.reassign(tp, &new);
                        performed = true;
                        modified = true;
                    }
                }
            }
            if !modified {
                return performed;
            }
        }
    }

    fn reassign(&mut self, tp: &NamedPartition, new: &str) {
        let Some(consumer) = self.partition_consumer.get(tp).cloned() else {
            return;
        };
        let actual = self.movements.actual_partition_to_move(tp, &consumer, new);
        self.process_movement(&actual, new);
    }

    fn process_movement(&mut self, tp: &NamedPartition, new: &str) {
        let Some(old) = self.partition_consumer.get(tp).cloned() else {
            return;
        };
        let (Some(old_size), Some(new_size)) = (self.size(&old), self.size(new)) else {
            return;
        };
        self.sorted.remove(&(old_size, JStr(old.clone())));
        self.sorted.remove(&(new_size, JStr(new.to_owned())));
        self.movements.move_partition(tp, &old, new);
        if let Some(list) = self.current.get_mut(&old) {
            remove_first(list, tp);
        }
        if let Some(list) = self.current.get_mut(new) {
            list.push(tp.clone());
        }
        self.partition_consumer.insert(tp.clone(), new.to_owned());
        for c in [new, old.as_str()] {
            if let Some(n) = self.size(c) {
                self.sorted.insert((n, JStr(c.to_owned())));
            }
        }
    }
}
