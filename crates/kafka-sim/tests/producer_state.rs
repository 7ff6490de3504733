//! The broker's idempotent-producer state (`kafka_sim::replication::producer_state`).
//!
//! Mirrors Kafka's `ProducerStateManagerTest` (`testBasicIdMapping`, `testProducerSequenceWrapAround`,
//! `testProducerSequenceInvalidWrapAround`, `testNoValidationOnFirstEntryWhenLoadingLog`,
//! `testProducerIdExpiration`-style expiry) and `UnifiedLogTest.testDuplicateAppends` (a duplicate of
//! one of the last five batches returns the original offsets; an older one is out of order).

use kafka_sim::ErrorCode;
use kafka_sim::record::{NO_PRODUCER_ID, NO_SEQUENCE, ProducerRef, RecordBatch, RecordId};
use kafka_sim::replication::producer_state::*;

const PID: i64 = 1000;

fn batch(pid: i64, epoch: i16, seq: i32, offset: i64, n: usize) -> RecordBatch {
    RecordBatch {
        base_offset: offset,
        partition_leader_epoch: 0,
        producer_id: pid,
        producer_epoch: epoch,
        base_sequence: seq,
        records: (0..n as u64).map(|i| RecordId::new(ProducerRef(0), i)).collect(),
        size_bytes: 100,
        first_timestamp_ms: offset as u64 * 10,
    }
}

fn client(m: &mut ProducerStateManager, b: &RecordBatch) -> Result<ProducerCheck, ProducerStateError> {
    m.check_and_append(b, AppendOrigin::Client)
}

#[test]
fn basic_id_mapping() {
    // ProducerStateManagerTest.testBasicIdMapping (with the duplicate check of UnifiedLog in front).
    let mut m = ProducerStateManager::new();
    assert_eq!(client(&mut m, &batch(PID, 0, 0, 0, 1)), Ok(ProducerCheck::Append));
    assert_eq!(client(&mut m, &batch(PID, 0, 1, 1, 1)), Ok(ProducerCheck::Append));
    // The same batch again (a retry after a lost response): a duplicate, with the original offsets.
    assert_eq!(
        client(&mut m, &batch(PID, 0, 1, 2, 1)),
        Ok(ProducerCheck::Duplicate {
            first_offset: 1,
            last_offset: 1,
            timestamp_ms: 10
        })
    );
    // A gap.
    let e = client(&mut m, &batch(PID, 0, 5, 2, 1)).unwrap_err();
    assert_eq!(
        e,
        ProducerStateError::OutOfOrderSequence {
            producer_id: PID,
            offset: 2,
            incoming_seq: 5,
            current_last_seq: 1
        }
    );
    assert_eq!(e.code(), ErrorCode::OutOfOrderSequenceNumber);
    assert_eq!(
        e.message("orders-0"),
        "Out of order sequence number for producer 1000 at offset 2 in partition orders-0: 5 (incoming seq. number), \
         1 (current end sequence number)"
    );
    // Epoch bump restarts at 0.
    assert_eq!(client(&mut m, &batch(PID, 1, 0, 2, 1)), Ok(ProducerCheck::Append));
    let entry = m.last_entry(PID).unwrap();
    assert_eq!(
        (entry.producer_epoch, entry.batches().len(), entry.last_seq()),
        (1, 1, 0)
    );
    // The old epoch is fenced.
    let e = client(&mut m, &batch(PID, 0, 2, 3, 1)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidProducerEpoch);
    assert_eq!(
        e.message("orders-0"),
        "Epoch of producer 1000 at offset 3 in orders-0 is 0, which is smaller than the last seen epoch 1"
    );
    assert_eq!(
        m.last_entry(PID).unwrap().last_data_offset(),
        2,
        "rejections change nothing"
    );
}

#[test]
fn a_new_epoch_must_start_at_sequence_zero() {
    let mut m = ProducerStateManager::new();
    client(&mut m, &batch(PID, 0, 0, 0, 3)).unwrap();
    let e = client(&mut m, &batch(PID, 1, 3, 3, 1)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::OutOfOrderSequenceNumber);
    assert_eq!(
        e.message("t-0"),
        "Invalid sequence number for new epoch of producer 1000at offset 3 in partition t-0: 1 (request epoch), \
         3 (seq. number), 0 (current producer epoch)"
    );
}

#[test]
fn an_unknown_producer_is_accepted_at_any_sequence() {
    // KIP-360: no UNKNOWN_PRODUCER_ID from the broker; checkSequence skips NO_PRODUCER_EPOCH.
    let mut m = ProducerStateManager::new();
    assert_eq!(
        client(&mut m, &batch(PID, 3, 42, 0, 2)),
        Ok(ProducerCheck::Append)
    );
    assert_eq!(m.last_entry(PID).unwrap().last_seq(), 43);
    assert_eq!(
        client(&mut m, &batch(PID, 3, 44, 2, 1)),
        Ok(ProducerCheck::Append)
    );
    assert!(client(&mut m, &batch(PID, 3, 46, 3, 1)).is_err());
}

#[test]
fn sequence_wraps_at_integer_max_value() {
    // testProducerSequenceWrapAround
    let mut m = ProducerStateManager::new();
    client(&mut m, &batch(PID, 15, i32::MAX, 735, 1)).unwrap();
    assert_eq!(
        client(&mut m, &batch(PID, 15, 0, 1235, 1)),
        Ok(ProducerCheck::Append)
    );
    let e = m.last_entry(PID).unwrap();
    assert_eq!((e.producer_epoch, e.first_seq(), e.last_seq()), (15, i32::MAX, 0));
    // testProducerSequenceInvalidWrapAround
    let mut m = ProducerStateManager::new();
    client(&mut m, &batch(PID, 15, i32::MAX, 735, 1)).unwrap();
    assert_eq!(
        client(&mut m, &batch(PID, 15, 1, 1235, 1)).unwrap_err().code(),
        ErrorCode::OutOfOrderSequenceNumber
    );
    // A batch straddling the wrap.
    let mut m = ProducerStateManager::new();
    client(&mut m, &batch(PID, 0, i32::MAX - 1, 0, 4)).unwrap();
    assert_eq!(m.last_entry(PID).unwrap().last_seq(), 1);
    assert_eq!(
        client(&mut m, &batch(PID, 0, i32::MAX - 1, 4, 4)),
        Ok(ProducerCheck::Duplicate {
            first_offset: 0,
            last_offset: 3,
            timestamp_ms: 0
        })
    );
    assert_eq!(client(&mut m, &batch(PID, 0, 2, 4, 1)), Ok(ProducerCheck::Append));
    assert!(
        in_sequence(i32::MAX, 0) && in_sequence(4, 5) && !in_sequence(-1, 1) && in_sequence(NO_SEQUENCE, 0)
    );
}

#[test]
fn duplicates_are_recognised_only_within_the_last_five_batches() {
    let mut m = ProducerStateManager::new();
    for i in 0..6 {
        client(&mut m, &batch(PID, 0, i * 2, i64::from(i) * 2, 2)).unwrap();
    }
    let entry = m.last_entry(PID).unwrap();
    assert_eq!(entry.batches().len(), NUM_BATCHES_TO_RETAIN);
    assert_eq!((entry.first_seq(), entry.last_seq()), (2, 11));
    // The 2nd batch (seq 2..3) is still retained.
    assert_eq!(
        client(&mut m, &batch(PID, 0, 2, 12, 2)),
        Ok(ProducerCheck::Duplicate {
            first_offset: 2,
            last_offset: 3,
            timestamp_ms: 20
        })
    );
    // The 6th too.
    assert!(matches!(
        client(&mut m, &batch(PID, 0, 10, 12, 2)),
        Ok(ProducerCheck::Duplicate { first_offset: 10, .. })
    ));
    // The 1st (seq 0..1) has been evicted: out of order.
    assert_eq!(
        client(&mut m, &batch(PID, 0, 0, 12, 2)),
        Err(ProducerStateError::OutOfOrderSequence {
            producer_id: PID,
            offset: 12,
            incoming_seq: 0,
            current_last_seq: 11
        })
    );
    // The same first sequence with a different length is not a duplicate.
    assert!(client(&mut m, &batch(PID, 0, 2, 12, 3)).is_err());
    // A duplicate in an older epoch is not recognised: the epoch check fences it.
    client(&mut m, &batch(PID, 1, 0, 12, 1)).unwrap();
    assert_eq!(
        client(&mut m, &batch(PID, 0, 10, 13, 2)).unwrap_err().code(),
        ErrorCode::InvalidProducerEpoch
    );
}

#[test]
fn batches_without_a_producer_id_bypass_everything() {
    // Without idempotence a retried batch is simply written twice.
    let mut m = ProducerStateManager::new();
    let b = batch(NO_PRODUCER_ID, -1, NO_SEQUENCE, 0, 3);
    assert_eq!(client(&mut m, &b), Ok(ProducerCheck::Append));
    assert_eq!(client(&mut m, &b), Ok(ProducerCheck::Append));
    assert_eq!(m.producer_count(), 0);
}

#[test]
fn replicated_appends_are_not_validated() {
    // testNoValidationOnFirstEntryWhenLoadingLog / AppendOrigin.REPLICATION
    let mut m = ProducerStateManager::new();
    let rep = |m: &mut ProducerStateManager, b| m.check_and_append(&b, AppendOrigin::Replication);
    assert_eq!(rep(&mut m, batch(PID, 5, 7, 0, 1)), Ok(ProducerCheck::Append));
    assert_eq!(
        rep(&mut m, batch(PID, 5, 20, 1, 1)),
        Ok(ProducerCheck::Append),
        "gap accepted"
    );
    assert_eq!(
        rep(&mut m, batch(PID, 5, 20, 2, 1)),
        Ok(ProducerCheck::Append),
        "no dedupe on followers"
    );
    assert_eq!(
        rep(&mut m, batch(PID, 4, 0, 3, 1)),
        Ok(ProducerCheck::Append),
        "older epoch only warned"
    );
    let e = m.last_entry(PID).unwrap();
    assert_eq!(
        (e.producer_epoch, e.batches().len(), e.last_data_offset()),
        (4, 1, 3)
    );
}

#[test]
fn rebuild_after_truncation_forgets_the_truncated_batches() {
    let mut leader = ProducerStateManager::new();
    let log: Vec<RecordBatch> = (0..5)
        .map(|i| batch(PID, 0, i * 2, i64::from(i) * 2, 2))
        .collect();
    for b in &log {
        client(&mut leader, b).unwrap();
    }
    // A follower truncated to offset 6 (keeps three batches) then becomes leader.
    let mut m = ProducerStateManager::new();
    m.rebuild_from(log.iter().take(3));
    assert_eq!(m.last_entry(PID).unwrap().last_seq(), 5);
    assert_eq!(m.last_entry(PID).unwrap().last_data_offset(), 5);
    // The producer's retry of the 4th batch is appended anew, not a duplicate.
    assert_eq!(client(&mut m, &batch(PID, 0, 6, 6, 2)), Ok(ProducerCheck::Append));
    // The 5th after it is in order; the 3rd is a duplicate with its original offsets.
    assert_eq!(client(&mut m, &batch(PID, 0, 8, 8, 2)), Ok(ProducerCheck::Append));
    assert_eq!(
        client(&mut m, &batch(PID, 0, 4, 10, 2)),
        Ok(ProducerCheck::Duplicate {
            first_offset: 4,
            last_offset: 5,
            timestamp_ms: 40
        })
    );
    // Rebuilding from the full log gives the leader's state back; from nothing, nothing.
    m.rebuild_from(log.iter());
    assert_eq!(m, leader);
    m.rebuild_from(std::iter::empty());
    assert_eq!(m.producer_count(), 0);
}

#[test]
fn expired_producers_are_forgotten() {
    let mut m = ProducerStateManager::new();
    client(&mut m, &batch(PID, 0, 0, 0, 1)).unwrap(); // timestamp 0
    client(&mut m, &batch(PID + 1, 0, 0, 100, 1)).unwrap(); // timestamp 1000
    assert_eq!(
        m.remove_expired_producers(
            DEFAULT_PRODUCER_ID_EXPIRATION_MS - 1,
            DEFAULT_PRODUCER_ID_EXPIRATION_MS
        ),
        0
    );
    assert_eq!(
        m.remove_expired_producers(
            DEFAULT_PRODUCER_ID_EXPIRATION_MS,
            DEFAULT_PRODUCER_ID_EXPIRATION_MS
        ),
        1
    );
    assert!(m.last_entry(PID).is_none() && m.last_entry(PID + 1).is_some());
    // Its next batch is accepted at whatever sequence.
    assert_eq!(
        client(&mut m, &batch(PID, 0, 9, 101, 1)),
        Ok(ProducerCheck::Append)
    );
}
