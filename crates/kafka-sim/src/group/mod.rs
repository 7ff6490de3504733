//! Consumer groups, as Kafka 3.7's classic protocol runs them: the wire protocol ([`wire`]), the
//! client-side assignors, the broker-side group coordinator and the consumer client.

pub mod assignor;
pub mod consumer;
pub mod coordinator;
pub mod delivery;
pub mod wire;

pub use wire::{ClientRequest, ClientResponse, NamedPartition, Subscription};

/// Java's `String.hashCode()` over the UTF-16 code units of `s` (wrapping 32-bit arithmetic).
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// The `__consumer_offsets` partition that holds group `group_id`, and whose leader coordinates it:
/// `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions` (Kafka's `abs` maps `i32::MIN` to 0).
pub fn offsets_partition_for(group_id: &str, num_partitions: u32) -> i32 {
    let h = java_string_hash(group_id);
    let abs = if h == i32::MIN { 0 } else { h.abs() };
    // `num_partitions` is validated to be at least 1 by the broker config.
    (abs as u32 % num_partitions.max(1)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hash_matches_javas_string_hash_code() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash("data-platform-group"), 785_073_448);
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
    }

    #[test]
    fn offsets_partition_uses_kafkas_abs() {
        assert_eq!(offsets_partition_for("polygenelubricants", 50), 0);
        assert_eq!(offsets_partition_for("hello", 50), 99_162_322 % 50);
        // The seed's group lives in __consumer_offsets-48.
        assert_eq!(offsets_partition_for("data-platform-group", 50), 48);
    }
}
