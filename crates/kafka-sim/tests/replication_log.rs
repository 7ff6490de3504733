//! The partition log and its leader-epoch cache.

use kafka_sim::ErrorCode;
use kafka_sim::ids::BrokerId;
use kafka_sim::record::{ProducerRef, RecordBatch, RecordId};
use kafka_sim::replication::log::{
    EpochEntry, LeaderEpochCache, LogError, PartitionLog, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET,
    at_most_one_leader_per_epoch, hw_never_decreases, isr_logs_agree_below,
};
use std::sync::Arc;

fn batch(first_n: u64, count: u64, size: u32) -> RecordBatch {
    RecordBatch {
        base_offset: -1,
        partition_leader_epoch: -1,
        producer_id: -1,
        producer_epoch: -1,
        base_sequence: -1,
        records: (first_n..first_n + count)
            .map(|n| RecordId::new(ProducerRef(0), n))
            .collect(),
        size_bytes: size,
        first_timestamp_ms: 0,
    }
}

fn entries(c: &LeaderEpochCache) -> Vec<(i32, i64)> {
    c.entries().iter().map(|e| (e.epoch, e.start_offset)).collect()
}

#[test]
fn leader_append_assigns_offsets_epochs_and_cache() {
    let mut log = PartitionLog::new();
    let a = log.append_as_leader(batch(0, 3, 100), 0).unwrap();
    assert_eq!((a.first_offset, a.last_offset, a.leader_epoch), (0, 2, 0));
    let b = log.append_as_leader(batch(3, 2, 100), 0).unwrap();
    assert_eq!((b.first_offset, b.last_offset), (3, 4));
    let c = log.append_as_leader(batch(5, 4, 100), 2).unwrap();
    assert_eq!((c.first_offset, c.last_offset), (5, 8));
    assert_eq!(log.log_end_offset(), 9);
    assert_eq!(entries(log.epoch_cache()), vec![(0, 0), (2, 5)]);
    assert_eq!(log.record_at(4), Some((RecordId::new(ProducerRef(0), 4), 0)));
    assert_eq!(log.record_at(5), Some((RecordId::new(ProducerRef(0), 5), 2)));
    assert_eq!(log.record_at(9), None);
    assert_eq!(log.batch_at(7).map(|b| b.base_offset), Some(5));
    assert_eq!(log.append_as_leader(batch(0, 0, 0), 2), Err(LogError::EmptyBatch));
}

#[test]
fn follower_append_keeps_offsets_and_requires_contiguity() {
    let mut leader = PartitionLog::new();
    leader.append_as_leader(batch(0, 3, 10), 1).unwrap();
    leader.append_as_leader(batch(3, 3, 10), 4).unwrap();
    let mut f = PartitionLog::new();
    let second = leader.batches()[1].clone();
    assert_eq!(
        f.append_as_follower(second.clone()),
        Err(LogError::UnexpectedAppendOffset {
            base_offset: 3,
            log_end_offset: 0
        })
    );
    f.append_as_follower(leader.batches()[0].clone()).unwrap();
    f.append_as_follower(second).unwrap();
    assert_eq!(entries(f.epoch_cache()), vec![(1, 0), (4, 3)]);
    assert!(
        Arc::ptr_eq(&f.batches()[1].records, &leader.batches()[1].records),
        "records are shared"
    );
}

/// `LeaderEpochFileCacheTest` cases (Kafka 3.7).
#[test]
fn epoch_cache_end_offset_for_matches_kafka() {
    // shouldReturnUnsupportedIfNoEpochRecorded
    let c = LeaderEpochCache::new();
    assert_eq!(c.end_offset_for(0, 0), (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET));
    // shouldGetFirstOffsetOfSubsequentEpochWhenOffsetRequestedForPreviousEpoch
    let mut c = LeaderEpochCache::new();
    c.assign(1, 11);
    c.assign(1, 12);
    c.assign(2, 13);
    assert_eq!(c.end_offset_for(1, 17), (1, 13));
    assert_eq!(c.end_offset_for(2, 17), (2, 17), "latest epoch: the LEO");
    assert_eq!(
        c.end_offset_for(3, 17),
        (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET),
        "unknown newer epoch"
    );
    assert_eq!(
        c.end_offset_for(UNDEFINED_EPOCH, 17),
        (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET)
    );
    // shouldReturnFirstEpochIfRequestedEpochLessThanFirstEpoch (3.7: not UNDEFINED any more)
    let mut c = LeaderEpochCache::new();
    c.assign(5, 11);
    c.assign(6, 12);
    c.assign(7, 13);
    assert_eq!(c.end_offset_for(4, 0), (4, 11));
    // A gap in epochs: the largest epoch below, and the start of the next one.
    let mut c = LeaderEpochCache::new();
    c.assign(0, 0);
    c.assign(2, 5);
    assert_eq!(c.end_offset_for(1, 8), (0, 5));
    assert_eq!(c.end_offset_for(0, 8), (0, 5));
}

#[test]
fn epoch_cache_assign_and_truncate_like_kafka() {
    let mut c = LeaderEpochCache::new();
    c.assign(2, 6);
    c.assign(3, 8);
    c.assign(4, 11);
    c.assign(4, 12);
    assert_eq!(
        entries(&c),
        vec![(2, 6), (3, 8), (4, 11)],
        "same epoch at a later offset: no change"
    );
    c.assign(-1, 20);
    assert_eq!(c.entries().len(), 3, "negative epochs ignored");
    // shouldDropEntriesOnEpochBoundaryWhenRemovingLatestEntries
    let mut t = c.clone();
    t.truncate_from_end(8);
    assert_eq!(entries(&t), vec![(2, 6)]);
    // shouldUpdateSavedOffsetWhenOffsetToClearToIsBetweenEpochs
    let mut t = c.clone();
    t.truncate_from_start(9);
    assert_eq!(entries(&t), vec![(3, 9), (4, 11)]);
    // Non-monotonic assign drops the entries it contradicts.
    let mut t = c.clone();
    t.assign(3, 7);
    assert_eq!(
        t.entries(),
        &[
            EpochEntry {
                epoch: 2,
                start_offset: 6
            },
            EpochEntry {
                epoch: 3,
                start_offset: 7
            }
        ]
    );
}

#[test]
fn read_returns_at_least_one_batch_and_respects_limits() {
    let mut log = PartitionLog::new();
    log.append_as_leader(batch(0, 2, 5000), 0).unwrap(); // 0..1
    log.append_as_leader(batch(2, 2, 300), 0).unwrap(); // 2..3
    log.append_as_leader(batch(4, 2, 300), 0).unwrap(); // 4..5
    log.append_as_leader(batch(6, 2, 300), 0).unwrap(); // 6..7
    // KIP-74: a first batch larger than max_bytes still comes back, alone.
    let r = log.read(0, 1000, 8).unwrap();
    assert_eq!(r.iter().map(|b| b.base_offset).collect::<Vec<_>>(), vec![0]);
    // Within the limit: 300 + 300 = 600 <= 700, a third would be 900.
    let r = log.read(3, 700, 8).unwrap();
    assert_eq!(r.iter().map(|b| b.base_offset).collect::<Vec<_>>(), vec![2, 4]);
    // A max offset (the HW for consumers) stops at batches starting at or after it.
    let r = log.read(2, 1 << 20, 6).unwrap();
    assert_eq!(r.iter().map(|b| b.base_offset).collect::<Vec<_>>(), vec![2, 4]);
    assert!(log.read(8, 1 << 20, 8).unwrap().is_empty(), "at the LEO: nothing");
    assert_eq!(log.read(9, 1 << 20, 8), Err(ErrorCode::OffsetOutOfRange));
    assert_eq!(log.read(-1, 1 << 20, 8), Err(ErrorCode::OffsetOutOfRange));
}

#[test]
fn truncation_returns_removed_batches_and_trims_cache_and_hw() {
    let mut log = PartitionLog::new();
    log.append_as_leader(batch(0, 5, 10), 0).unwrap();
    log.append_as_leader(batch(5, 3, 10), 1).unwrap();
    log.append_as_leader(batch(8, 2, 10), 1).unwrap();
    assert_eq!(log.update_high_watermark(9), 9);
    let removed = log.truncate_to(5);
    assert_eq!(
        removed
            .iter()
            .map(|b| (b.base_offset, b.len()))
            .collect::<Vec<_>>(),
        vec![(5, 3), (8, 2)]
    );
    assert_eq!(log.log_end_offset(), 5);
    assert_eq!(entries(log.epoch_cache()), vec![(0, 0)]);
    assert_eq!(log.high_watermark(), 5);
    assert!(log.truncate_to(5).is_empty(), "at the LEO: no-op");
    assert!(log.truncate_to(100).is_empty());
    // A target inside a batch removes the whole batch.
    let removed = log.truncate_to(3);
    assert_eq!(removed.len(), 1);
    assert_eq!(log.log_end_offset(), 0);
}

#[test]
fn high_watermark_checkpoint_survives_restart() {
    let mut log = PartitionLog::new();
    log.append_as_leader(batch(0, 10, 10), 0).unwrap();
    assert_eq!(log.maybe_increment_high_watermark(4), Some(4));
    assert_eq!(log.maybe_increment_high_watermark(3), None, "never lowers");
    assert_eq!(
        log.maybe_increment_high_watermark(50),
        Some(10),
        "clamped to the LEO"
    );
    log.update_high_watermark(6);
    log.checkpoint_high_watermark();
    log.update_high_watermark(10);
    log.on_restart();
    assert_eq!(log.log_end_offset(), 10, "the log survives");
    assert_eq!(
        entries(log.epoch_cache()),
        vec![(0, 0)],
        "the epoch cache survives"
    );
    assert_eq!(log.high_watermark(), 6, "the HW comes back from the checkpoint");
}

#[test]
fn invariant_helpers_detect_violations() {
    assert!(hw_never_decreases(5, 5).is_ok());
    assert!(hw_never_decreases(5, 4).is_err());
    assert!(at_most_one_leader_per_epoch(&[(BrokerId(1), 3), (BrokerId(2), 4)]).is_ok());
    assert!(at_most_one_leader_per_epoch(&[(BrokerId(1), 3), (BrokerId(2), 3)]).is_err());
    let mut a = PartitionLog::new();
    a.append_as_leader(batch(0, 5, 10), 0).unwrap();
    let mut b = PartitionLog::new();
    b.append_as_follower(a.batches()[0].clone()).unwrap();
    let mut c = PartitionLog::new();
    c.append_as_leader(batch(0, 3, 10), 0).unwrap();
    c.append_as_leader(batch(100, 2, 10), 1).unwrap();
    assert!(isr_logs_agree_below(&[(BrokerId(1), &a), (BrokerId(2), &b)], 0, 5).is_ok());
    assert!(isr_logs_agree_below(&[(BrokerId(1), &a), (BrokerId(3), &c)], 0, 3).is_ok());
    let err = isr_logs_agree_below(&[(BrokerId(1), &a), (BrokerId(3), &c)], 0, 5).unwrap_err();
    assert_eq!(err.invariant, "isr-identical-below-hw");
    assert!(
        isr_logs_agree_below(&[(BrokerId(1), &a), (BrokerId(3), &c)], 0, 6).is_err(),
        "past a LEO"
    );
}

/// Swarm seed 4: a broker elected (uncleanly) at epoch 3 appended nothing, then followed the epoch 4
/// leader. Its cache's empty epoch-3 entry (starting at its LEO) made every fetch carry epoch 3; the
/// leader answered a diverging epoch ending at that LEO, the no-op truncation kept the entry, and the
/// follower never rejoined the ISR. Kafka's `truncateTo` trims the cache even when no record goes.
#[test]
fn truncating_at_the_leo_drops_an_empty_epoch_entry() {
    let mut log = PartitionLog::new();
    log.append_as_leader(batch(0, 3, 100), 1).unwrap();
    log.assign_epoch_start_offset(3);
    assert_eq!(entries(log.epoch_cache()), vec![(1, 0), (3, 3)]);
    assert!(log.truncate_to(3).is_empty());
    assert_eq!(entries(log.epoch_cache()), vec![(1, 0)]);
    assert_eq!(log.latest_epoch(), Some(1));
    assert_eq!(log.log_end_offset(), 3);
}
