//! The few Java behaviours Kafka's assignors depend on for their tie-breaks: `String.compareTo`,
//! `TopicPartition.hashCode`, and the iteration order of `java.util.HashMap` / `HashSet`.
//!
//! A Java `HashMap` iterates its table bucket by bucket; the bucket of a key is
//! `(h ^ (h >>> 16)) & (capacity - 1)` for `h = key.hashCode()`, and within a bucket entries keep the
//! order they were inserted in (resizes split buckets without reordering them). The capacity starts
//! at 16 and doubles whenever the size exceeds three quarters of it. Tree bins (8+ colliding keys in
//! a table of 64+) are not modelled.

use crate::group::java_string_hash;
use crate::group::wire::NamedPartition;
use std::cmp::Ordering;

/// Java's `String.compareTo`: lexicographic by UTF-16 code unit.
pub fn java_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Java's `TopicPartition.hashCode()`: `31 * (31 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(tp: &NamedPartition) -> i32 {
    31i32
        .wrapping_add(tp.partition)
        .wrapping_mul(31)
        .wrapping_add(java_string_hash(&tp.topic))
}

/// `HashMap.hash`: the hash code with its high half folded into the low half.
fn spread(h: i32) -> u32 {
    let h = h as u32;
    h ^ (h >> 16)
}

/// The table capacity of a default-constructed `HashMap` that has held at most `max_size` entries.
pub fn default_capacity(max_size: usize) -> usize {
    let mut cap = 16usize;
    while max_size > cap / 4 * 3 {
        cap *= 2;
    }
    cap
}

/// The iteration order of a default-constructed `HashMap`/`HashSet` whose keys, with these hash
/// codes, were inserted in the given order (no removals): indices into `hashes`.
pub fn hash_iteration_order(hashes: &[i32]) -> Vec<usize> {
    let cap = default_capacity(hashes.len());
    let mut order: Vec<usize> = (0..hashes.len()).collect();
    // A stable sort keeps insertion order within a bucket.
    crate::sort::sort_by_key(&mut order, |&i| spread(hashes[i]) as usize & (cap - 1));
    order
}

/// The iteration order of a `HashMap<String, _>` whose keys were inserted in the given order.
pub fn string_keys_in_hash_order<S: AsRef<str>>(keys: &[S]) -> Vec<usize> {
    let hashes: Vec<i32> = keys.iter().map(|k| java_string_hash(k.as_ref())).collect();
    hash_iteration_order(&hashes)
}

/// A model of Java's `HashSet<TopicPartition>` that knows which element Java's iterator would
/// yield first. It is a `Vec` in insertion order (no Rust hash collection): the Java bucket order is
/// computed from Java's hash codes, so the result is the same on every platform.
#[derive(Clone, Debug, Default)]
pub struct PartitionHashSet {
    /// Elements with their insertion sequence number.
    entries: Vec<(NamedPartition, u64)>,
    next_seq: u64,
    /// The largest size ever held (capacity never shrinks).
    max_size: usize,
}

impl PartitionHashSet {
    /// Adds `tp` (no-op if present).
    pub fn insert(&mut self, tp: NamedPartition) {
        if self.contains(&tp) {
            return;
        }
        self.entries.push((tp, self.next_seq));
        self.next_seq += 1;
        self.max_size = self.max_size.max(self.entries.len());
    }

    /// Removes `tp` if present.
    pub fn remove(&mut self, tp: &NamedPartition) {
        self.entries.retain(|(e, _)| e != tp);
    }

    /// Whether `tp` is present.
    pub fn contains(&self, tp: &NamedPartition) -> bool {
        self.entries.iter().any(|(e, _)| e == tp)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What `iterator().next()` returns.
    pub fn first(&self) -> Option<&NamedPartition> {
        let cap = default_capacity(self.max_size);
        self.entries
            .iter()
            .min_by_key(|(tp, seq)| (spread(topic_partition_hash(tp)) as usize & (cap - 1), *seq))
            .map(|(tp, _)| tp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumer_ids_iterate_in_javas_bucket_order() {
        // The reference's derived note: "consumerN" hash codes are consecutive, so the buckets run
        // consumer4, consumer3, ... as Java prints them.
        let keys = ["consumer1", "consumer2", "consumer3", "consumer4"];
        let order: Vec<&str> = string_keys_in_hash_order(&keys)
            .into_iter()
            .map(|i| keys[i])
            .collect();
        assert_eq!(order, ["consumer4", "consumer3", "consumer2", "consumer1"]);
    }

    #[test]
    fn utf16_order_differs_from_byte_order() {
        // U+FF01 is one UTF-16 unit (0xFF01); U+1F600 is a surrogate pair starting 0xD83D.
        assert_eq!(java_cmp("\u{FF01}", "\u{1F600}"), Ordering::Greater);
        assert_eq!("\u{FF01}".cmp("\u{1F600}"), Ordering::Less);
    }

    #[test]
    fn capacity_doubles_past_three_quarters() {
        assert_eq!(default_capacity(12), 16);
        assert_eq!(default_capacity(13), 32);
        assert_eq!(default_capacity(25), 64);
    }
}
