//! The record accumulator: batch sizes, `batch.size`, ready/drain rules, backoff.

use kafka_sim::config::classes::SerdeKind;
use kafka_sim::config::producer::ProducerConfig;
use kafka_sim::ids::BrokerId;
use kafka_sim::producer::accumulator::{Accumulator, Metadata, key_value_headers_size, retry_backoff};
use kafka_sim::record::{LeaderEpoch, NO_SEQUENCE, ProducerRef, RecordId, TopicIdx, TopicPartition};
use kafka_sim::serialization::record_size::estimate_size_in_bytes_upper_bound;
use kafka_sim::{SimRng, SimTime};

fn config(extra: &[(&str, &str)]) -> ProducerConfig {
    let props: Vec<(&str, &str)> = extra.to_vec();
    ProducerConfig::parse_with_serializers(props, Some(SerdeKind::String), Some(SerdeKind::String))
        .expect("valid config")
        .config
}

fn tp(p: i32) -> TopicPartition {
    TopicPartition {
        topic: TopicIdx(0),
        partition: p,
    }
}

fn rid(n: u64) -> RecordId {
    RecordId::new(ProducerRef(0), n)
}

fn ms(v: u64) -> SimTime {
    SimTime::from_millis(v)
}

fn metadata(parts: &[(i32, i32)]) -> Metadata {
    let mut m = Metadata::new();
    m.set_topic_name(0, "t");
    for &(p, b) in parts {
        m.set_leader(tp(p), Some(BrokerId(b)), LeaderEpoch(0));
    }
    m
}

#[test]
fn key_value_size_comes_from_the_upper_bound() {
    let ub = estimate_size_in_bytes_upper_bound(Some(b"k1"), Some(b"hello"), &[]);
    // key: varint(2)+2, value: varint(5)+5, headers count: 1.
    assert_eq!(key_value_headers_size(ub), 3 + 6 + 1);
}

#[test]
fn batch_size_counts_header_and_exact_record_sizes() {
    let mut acc = Accumulator::new(&config(&[("batch.size", "200")]));
    // Each record: attributes 1 + offset delta 1 + timestamp delta 1 + 50, plus its 1-byte length = 54.
    let a = acc.append(ms(0), tp(0), rid(0), 50);
    assert_eq!(
        (a.appended_bytes, a.new_batch_created, a.batch_is_full),
        (115, true, false)
    );
    let b = acc.append(ms(0), tp(0), rid(1), 50);
    assert_eq!((b.appended_bytes, b.new_batch_created), (54, false));
    // 169 + 54 > 200: a new batch; the first is now not alone, so the queue is sendable.
    let c = acc.append(ms(0), tp(0), rid(2), 50);
    assert_eq!(
        (c.new_batch_created, c.batch_is_full, c.all_batches_full),
        (true, true, false)
    );
    let sizes: Vec<(usize, u32)> = acc
        .batches(tp(0))
        .map(|b| (b.record_count(), b.size_bytes))
        .collect();
    assert_eq!(sizes, vec![(2, 169), (1, 115)]);
}

#[test]
fn a_record_larger_than_batch_size_gets_a_batch_sized_for_it() {
    let mut acc = Accumulator::new(&config(&[("batch.size", "100")]));
    acc.append(ms(0), tp(0), rid(0), 200); // 61 + 205 = 266; write limit max(100, 82 + 200) = 282
    assert_eq!(acc.batches(tp(0)).next().map(|b| b.size_bytes), Some(266));
    // Kafka's write limit is the buffer's capacity: a 14-byte record still fits (280 <= 282) ...
    let small = acc.append(ms(0), tp(0), rid(1), 10);
    assert!(!small.new_batch_created);
    // ... a 24-byte one does not.
    assert!(acc.append(ms(0), tp(0), rid(2), 20).new_batch_created);
    assert_eq!(acc.queued_batches(tp(0)), 2);
}

#[test]
fn timestamp_delta_grows_record_size() {
    let mut acc = Accumulator::new(&config(&[]));
    acc.append(ms(0), tp(0), rid(0), 10);
    // 200 ms later: timestamp delta varlong(200) takes 2 bytes, so the record is 15 bytes.
    assert_eq!(acc.append(ms(200), tp(0), rid(1), 10).appended_bytes, 15);
}

#[test]
fn ready_waits_for_linger_unless_full() {
    let mut acc = Accumulator::new(&config(&[("linger.ms", "50"), ("batch.size", "200")]));
    let md = metadata(&[(0, 1), (1, 2)]);
    acc.append(ms(10), tp(0), rid(0), 50);
    let r = acc.ready(ms(20), &md);
    assert!(r.ready_nodes.is_empty());
    assert_eq!(r.next_ready_check, Some(ms(60)));
    assert_eq!(acc.ready(ms(60), &md).ready_nodes, vec![BrokerId(1)]);
    // A second batch on partition 1 makes it sendable at once.
    for n in 1..4 {
        acc.append(ms(20), tp(1), rid(n), 50);
    }
    assert_eq!(acc.ready(ms(20), &md).ready_nodes, vec![BrokerId(2)]);
}

#[test]
fn unknown_leader_is_skipped_and_flagged() {
    let mut acc = Accumulator::new(&config(&[]));
    acc.append(ms(0), tp(5), rid(0), 10);
    let r = acc.ready(ms(1), &metadata(&[(0, 1)]));
    assert!(r.ready_nodes.is_empty() && r.unknown_leader);
}

#[test]
fn drain_takes_one_batch_per_partition_within_max_request_size_in_rotation() {
    let mut acc = Accumulator::new(&config(&[("batch.size", "200"), ("enable.idempotence", "false")]));
    let md = metadata(&[(0, 1), (1, 1), (2, 1)]);
    for p in 0..3 {
        for n in 0..3 {
            acc.append(ms(0), tp(p), rid(n), 50); // two batches per partition: 169 and 115 bytes
        }
    }
    let first = acc.drain_node(ms(0), &md, BrokerId(1), 400);
    let got: Vec<(i32, u32)> = first.iter().map(|b| (b.tp.partition, b.size_bytes)).collect();
    assert_eq!(
        got,
        vec![(0, 169), (1, 169)],
        "one batch per partition; p2 would exceed 400"
    );
    // Kafka stores the index of the last partition it looked at (p2) and starts there next time.
    let second = acc.drain_node(ms(0), &md, BrokerId(1), 400);
    let got: Vec<(i32, u32)> = second.iter().map(|b| (b.tp.partition, b.size_bytes)).collect();
    assert_eq!(
        got,
        vec![(2, 169), (0, 115), (1, 115)],
        "169 + 115 + 115 = 399 <= 400"
    );
    // A single batch above max.request.size is still drained alone.
    let third = acc.drain_node(ms(0), &md, BrokerId(1), 10);
    assert_eq!(third.len(), 1);
    // Non-idempotent batches carry no sequence.
    assert!(first.iter().all(|b| b.base_sequence == NO_SEQUENCE));
}

#[test]
fn muted_partitions_are_not_ready_or_drained() {
    let mut acc = Accumulator::new(&config(&[("enable.idempotence", "false")]));
    let md = metadata(&[(0, 1)]);
    acc.append(ms(0), tp(0), rid(0), 10);
    acc.mute(tp(0));
    assert!(acc.ready(ms(0), &md).ready_nodes.is_empty());
    assert!(acc.drain_node(ms(0), &md, BrokerId(1), 1 << 20).is_empty());
    acc.unmute(tp(0));
    assert_eq!(acc.drain_node(ms(0), &md, BrokerId(1), 1 << 20).len(), 1);
}

#[test]
fn idempotent_sequences_per_partition_and_none_before_producer_id() {
    let mut acc = Accumulator::new(&config(&[]));
    let md = metadata(&[(0, 1), (1, 1)]);
    acc.append(ms(0), tp(0), rid(0), 10);
    acc.append(ms(0), tp(0), rid(1), 10);
    acc.append(ms(0), tp(1), rid(2), 10);
    assert!(
        acc.drain_node(ms(0), &md, BrokerId(1), 1 << 20).is_empty(),
        "no producer id yet"
    );
    acc.set_producer_id(7, 0);
    let batches = acc.drain_node(ms(0), &md, BrokerId(1), 1 << 20);
    let seqs: Vec<(i32, i32, i64)> = batches
        .iter()
        .map(|b| (b.tp.partition, b.base_sequence, b.producer_id))
        .collect();
    assert_eq!(seqs, vec![(0, 0, 7), (1, 0, 7)]);
    assert_eq!((acc.next_sequence(tp(0)), acc.next_sequence(tp(1))), (2, 1));
    acc.append(ms(1), tp(0), rid(3), 10);
    let next = acc.drain_node(ms(1), &md, BrokerId(1), 1 << 20);
    assert_eq!(next.iter().map(|b| b.base_sequence).collect::<Vec<_>>(), vec![2]);
}

#[test]
fn retried_idempotent_batch_waits_until_it_is_first_in_flight() {
    let mut acc = Accumulator::new(&config(&[("retry.backoff.ms", "0")]));
    let md = metadata(&[(0, 1)]);
    acc.set_producer_id(1, 0);
    let mut rng = SimRng::new(1);
    acc.append(ms(0), tp(0), rid(0), 10);
    let b0 = acc.drain_node(ms(0), &md, BrokerId(1), 1 << 20).remove(0);
    acc.append(ms(0), tp(0), rid(1), 10);
    let b1 = acc.drain_node(ms(0), &md, BrokerId(1), 1 << 20).remove(0);
    assert_eq!((b0.base_sequence, b1.base_sequence), (0, 1));
    // Sequence 1 fails first (e.g. OUT_OF_ORDER) and is re-enqueued while 0 is still in flight.
    acc.reenqueue(ms(1), b1, &mut rng);
    assert!(!acc.can_drain(ms(2), &md, BrokerId(1)));
    assert!(acc.drain_node(ms(2), &md, BrokerId(1), 1 << 20).is_empty());
    acc.batch_done(&b0, true);
    assert!(acc.can_drain(ms(2), &md, BrokerId(1)));
    let again = acc.drain_node(ms(2), &md, BrokerId(1), 1 << 20);
    assert_eq!(
        again
            .iter()
            .map(|b| (b.base_sequence, b.attempts))
            .collect::<Vec<_>>(),
        vec![(1, 1)]
    );
}

#[test]
fn delivery_timeout_expires_queued_batches_from_the_front() {
    let mut acc = Accumulator::new(&config(&[("batch.size", "100")]));
    acc.append(ms(0), tp(0), rid(0), 50);
    acc.append(ms(10), tp(0), rid(1), 50);
    assert_eq!(acc.next_expiry(), Some(ms(120_000)));
    assert!(acc.expired_batches(ms(119_999)).is_empty());
    assert_eq!(acc.expired_batches(ms(120_000)).len(), 1);
    assert_eq!(acc.expired_batches(ms(120_010)).len(), 1);
    assert!(!acc.has_undrained());
}

#[test]
fn backoff_grows_exponentially_within_jitter_and_is_deterministic() {
    let mut rng = SimRng::new(42);
    let draws: Vec<u64> = (0..6)
        .map(|n| retry_backoff(n, 100, 1000, &mut rng).as_micros())
        .collect();
    let bounds = [
        (80_000, 120_000),
        (160_000, 240_000),
        (320_000, 480_000),
        (640_000, 960_000),
    ];
    for (d, (lo, hi)) in draws.iter().zip(bounds) {
        assert!((lo..hi).contains(d), "{d} not in [{lo}, {hi})");
    }
    for d in &draws[4..] {
        assert!(
            (800_000..=1_000_000).contains(d),
            "capped at retry.backoff.max.ms: {d}"
        );
    }
    let mut again = SimRng::new(42);
    let replay: Vec<u64> = (0..6)
        .map(|n| retry_backoff(n, 100, 1000, &mut again).as_micros())
        .collect();
    assert_eq!(draws, replay);
    let mut other = SimRng::new(43);
    let different: Vec<u64> = (0..6)
        .map(|n| retry_backoff(n, 100, 1000, &mut other).as_micros())
        .collect();
    assert_ne!(draws, different);
    // max <= base: Kafka's exponent is 0 and there is no jitter.
    assert_eq!(retry_backoff(3, 100, 100, &mut rng), ms(100));
}
