//! Kafka's default partitioner: murmur2 (Kafka's own test vectors), key hashing, and the uniform sticky
//! partitioner for null keys.

use kafka_sim::SimRng;
use kafka_sim::partitioner::{
    PartitionChoice, PartitionError, StickyPartitioner, choose_partition, murmur2, partition_for_key,
    to_positive,
};

/// `UtilsTest.testMurmur2` in apache/kafka, every case.
#[test]
fn murmur2_matches_kafkas_utils_test() {
    assert_eq!(murmur2(b"21"), -973932308);
    assert_eq!(murmur2(b"foobar"), -790332482);
    assert_eq!(murmur2(b"a-little-bit-long-string"), -985981536);
    assert_eq!(murmur2(b"a-little-bit-longer-string"), -1486304829);
    assert_eq!(
        murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"),
        -58897971
    );
    // Kafka writes this one as `new byte[] {'a', 'b', 'c'}`.
    assert_eq!(murmur2(b"abc"), 479470107);
}

/// Derived with an independent transcription of `Utils.murmur2` (Python, 32-bit masks): every tail
/// length (0 to 3) and bytes >= 0x80, which Java masks with `& 0xff`.
#[test]
fn murmur2_tails_and_high_bytes() {
    assert_eq!(murmur2(b""), 275646681);
    assert_eq!(murmur2(b"a"), -1563381124);
    assert_eq!(murmur2(b"ab"), 316155434);
    assert_eq!(murmur2(b"abcd"), -1323649548);
    // "€uro" is E2 82 AC 75 72 6F in UTF-8.
    assert_eq!(partition_for_key("€uro".as_bytes(), 12), 4);
}

#[test]
fn to_positive_masks_the_sign_bit_rather_than_taking_abs() {
    assert_eq!(to_positive(i32::MIN), 0);
    assert_eq!(to_positive(-1), i32::MAX);
    assert_eq!(to_positive(5), 5);
    assert_eq!(to_positive(-973932308), 1173551340);
    // abs would give 973932308 % 3 == 2; Kafka's mask gives 0.
    assert_eq!(partition_for_key(b"21", 3), 0);
}

/// Derived from the algorithm (Python transcription): what a user of a 3-, 6- or 12-partition topic
/// would see from `kafka-console-producer --property parse.key=true`.
#[test]
fn key_to_partition_facts() {
    let cases: [(&str, [i32; 3]); 8] = [
        ("key-0", [1, 1, 1]),
        ("key-1", [0, 0, 0]),
        ("key-2", [2, 2, 2]),
        ("user-1", [2, 2, 8]),
        ("user-3", [2, 5, 11]),
        ("order-42", [0, 0, 0]),
        ("reservation-1", [1, 4, 10]),
        ("hello", [0, 3, 9]),
    ];
    for (key, expected) in cases {
        for (n, want) in [3, 6, 12].into_iter().zip(expected) {
            assert_eq!(
                partition_for_key(key.as_bytes(), n),
                want,
                "key {key} over {n} partitions"
            );
        }
    }
}

#[test]
fn partition_for_key_never_panics_on_a_zero_count() {
    assert_eq!(partition_for_key(b"x", 0), 0);
    assert_eq!(partition_for_key(b"x", -3), 0);
}

#[test]
fn explicit_partition_wins_then_key_then_sticky() {
    assert_eq!(
        choose_partition(Some(2), Some(b"21"), 3, false),
        Ok(PartitionChoice::Explicit(2))
    );
    assert_eq!(
        choose_partition(None, Some(b"21"), 3, false),
        Ok(PartitionChoice::Keyed(0))
    );
    assert_eq!(
        choose_partition(None, Some(b"foobar"), 3, false),
        Ok(PartitionChoice::Keyed(0))
    );
    assert_eq!(
        choose_partition(None, Some(b"21"), 3, true),
        Ok(PartitionChoice::Sticky)
    );
    assert_eq!(
        choose_partition(None, None, 3, false),
        Ok(PartitionChoice::Sticky)
    );
    // An empty key is a key, not null.
    assert_eq!(
        choose_partition(None, Some(b""), 7, false),
        Ok(PartitionChoice::Keyed(275646681 % 7))
    );
    assert_eq!(PartitionChoice::Keyed(1).partition(), Some(1));
    assert_eq!(PartitionChoice::Sticky.partition(), None);
}

#[test]
fn invalid_explicit_partitions_get_kafkas_messages() {
    let neg = choose_partition(Some(-1), None, 3, false).unwrap_err();
    assert_eq!(neg, PartitionError::Negative(-1));
    assert_eq!(
        neg.to_string(),
        "Invalid partition: -1. Partition number should always be non-negative or null."
    );
    let out = choose_partition(Some(3), None, 3, false).unwrap_err();
    assert_eq!(
        out.to_string(),
        "Invalid partition given with record: 3 is not in the range [0...3)."
    );
}

#[test]
fn sticky_partition_holds_until_batch_size_bytes() {
    let mut rng = SimRng::new(7);
    let mut s = StickyPartitioner::new(16_384);
    let all = [0, 1, 2, 3, 4, 5];
    let first = s.partition(&all, 6, &mut rng);
    assert!(all.contains(&first));
    assert_eq!(s.current(), Some(first));
    // 16383 bytes: not yet.
    for _ in 0..3 {
        assert_eq!(s.on_append(5_461, true, &all, 6, &mut rng), None);
        assert_eq!(s.partition(&all, 6, &mut rng), first);
    }
    assert_eq!(s.produced_bytes(), 16_383);
    // The byte that reaches batch.size switches (possibly back to the same partition, by chance).
    let next = s.on_append(1, true, &all, 6, &mut rng);
    assert!(next.is_some());
    assert_eq!(s.produced_bytes(), 0);
    assert_eq!(s.partition(&all, 6, &mut rng), next.unwrap());
}

#[test]
fn switching_waits_for_twice_batch_size_when_disabled() {
    let mut rng = SimRng::new(8);
    let mut s = StickyPartitioner::new(100);
    s.partition(&[0, 1], 2, &mut rng);
    assert_eq!(s.on_append(150, false, &[0, 1], 2, &mut rng), None);
    assert_eq!(s.on_append(49, false, &[0, 1], 2, &mut rng), None);
    assert!(s.on_append(1, false, &[0, 1], 2, &mut rng).is_some());
}

#[test]
fn appends_before_any_choice_are_ignored_and_batch_size_zero_means_one() {
    let mut rng = SimRng::new(9);
    let mut s = StickyPartitioner::new(0);
    assert_eq!(s.sticky_batch_size(), 1);
    assert_eq!(s.on_append(10, true, &[0], 1, &mut rng), None);
    assert_eq!(s.current(), None);
    assert_eq!(s.partition(&[0], 1, &mut rng), 0);
    assert_eq!(s.on_append(1, true, &[0], 1, &mut rng), Some(0));
}

#[test]
fn sticky_picks_only_partitions_with_a_leader_and_all_when_none_has_one() {
    let mut rng = SimRng::new(10);
    let mut s = StickyPartitioner::new(1);
    let mut seen_all = [false; 4];
    for _ in 0..400 {
        let p = s.partition(&[1, 3], 4, &mut rng);
        assert!(p == 1 || p == 3, "{p}");
        s.on_append(1, true, &[1, 3], 4, &mut rng);
    }
    let mut s = StickyPartitioner::new(1);
    for _ in 0..400 {
        let p = s.partition(&[], 4, &mut rng);
        seen_all[p as usize] = true;
        s.on_append(1, true, &[], 4, &mut rng);
    }
    assert_eq!(seen_all, [true; 4]);
}

#[test]
fn uniform_sticky_spreads_evenly() {
    let mut rng = SimRng::new(11);
    let mut s = StickyPartitioner::new(1_000);
    let all = [0, 1, 2];
    let mut bytes = [0u64; 3];
    for _ in 0..30_000 {
        let p = s.partition(&all, 3, &mut rng);
        bytes[p as usize] += 100;
        s.on_append(100, true, &all, 3, &mut rng);
    }
    // 3 million bytes in 3000 sticky runs of 1000: each partition gets about a third.
    for b in bytes {
        assert!((900_000..1_100_000).contains(&b), "{bytes:?}");
    }
}

#[test]
fn adaptive_stats_weight_toward_short_queues() {
    let mut rng = SimRng::new(12);
    let mut s = StickyPartitioner::new(1);
    // Queue sizes 0, 3, 1 -> weights 4, 1, 3 (Kafka's javadoc example): CFT 4 5 8.
    s.update_load_stats(Some((&[0, 3, 1], &[0, 1, 2])), 3);
    let mut counts = [0u32; 3];
    for _ in 0..8_000 {
        let p = s.partition(&[0, 1, 2], 3, &mut rng);
        counts[p as usize] += 1;
        s.on_append(1, true, &[0, 1, 2], 3, &mut rng);
    }
    assert!((3_700..4_300).contains(&counts[0]), "{counts:?}");
    assert!((800..1_200).contains(&counts[1]), "{counts:?}");
    assert!((2_700..3_300).contains(&counts[2]), "{counts:?}");
    // Equal queues on every partition: back to uniform (no stats).
    s.update_load_stats(Some((&[2, 2, 2], &[0, 1, 2])), 3);
    assert_eq!(s, {
        let mut t = s.clone();
        t.update_load_stats(None, 3);
        t
    });
}

#[test]
fn same_seed_same_sticky_sequence() {
    let run = |seed| {
        let mut rng = SimRng::new(seed);
        let mut s = StickyPartitioner::new(10);
        (0..200)
            .map(|_| {
                let p = s.partition(&[0, 1, 2, 3, 4], 5, &mut rng);
                s.on_append(10, true, &[0, 1, 2, 3, 4], 5, &mut rng);
                p
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
}
