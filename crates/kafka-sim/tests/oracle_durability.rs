//! The durability oracle: losses with explanations, duplicates, reorderings, inconsistent offsets,
//! acks=0 losses, failed-but-written records, the findings cap, and a big clean run.

use kafka_sim::SimTime;
use kafka_sim::error_code::ErrorCode;
use kafka_sim::ids::BrokerId;
use kafka_sim::oracle::durability::{
    AnomalyKind, DurabilityOracle, DurabilityReport, FinalLog, FinalLogSource, SendOutcome, TruncationEvent,
    UncleanElection,
};
use kafka_sim::record::{LeaderEpoch, ProducerRef, RecordBatch, RecordId, TopicIdx, TopicPartition};
use std::ops::Range;
use std::sync::Arc;

fn tp(p: i32) -> TopicPartition {
    TopicPartition {
        topic: TopicIdx(0),
        partition: p,
    }
}

fn ids(p: u16, ns: Range<u64>) -> Arc<[RecordId]> {
    ns.map(|n| RecordId::new(ProducerRef(p), n)).collect()
}

fn batch(base: i64, epoch: i32, records: &Arc<[RecordId]>) -> RecordBatch {
    RecordBatch {
        base_offset: base,
        partition_leader_epoch: epoch,
        producer_id: -1,
        producer_epoch: -1,
        base_sequence: -1,
        records: Arc::clone(records),
        size_bytes: 0,
        first_timestamp_ms: 0,
    }
}

fn name(t: TopicIdx) -> String {
    if t.0 == 0 {
        "reserve".to_string()
    } else {
        format!("topic{}", t.0)
    }
}

fn check(o: &DurabilityOracle, logs: Vec<FinalLog>) -> DurabilityReport {
    o.check(logs, &name)
}

fn acked(o: &mut DurabilityOracle, t: TopicPartition, r: &Arc<[RecordId]>, base: i64) {
    o.on_send(t, r, SimTime::from_millis(1));
    o.on_outcome(
        t,
        r,
        SendOutcome::Acked { base_offset: base },
        SimTime::from_millis(1),
        SimTime::from_millis(3),
    );
}

#[test]
fn acks1_leader_crash_loss_is_explained_by_the_truncation() {
    let mut o = DurabilityOracle::new();
    let (a, b, c) = (ids(0, 0..5), ids(0, 5..10), ids(1, 0..3));
    acked(&mut o, tp(0), &a, 0);
    acked(&mut o, tp(0), &b, 5);
    o.on_truncation(TruncationEvent {
        at: SimTime::from_millis(23_456),
        broker: BrokerId(1),
        tp: tp(0),
        truncated_to: 5,
        removed: vec![batch(5, 0, &b)],
        leader_epoch: LeaderEpoch(1),
        high_watermark: Some(5),
    });
    let r = check(&o, vec![FinalLog::new(tp(0), [batch(0, 0, &a), batch(5, 1, &c)])]);
    assert_eq!((r.sent, r.acked, r.acked_lost, r.no_outcome), (10, 10, 5, 0));
    assert_eq!((r.inconsistent_offsets, r.truncated_overwritten), (3, 3));
    assert_eq!((r.duplicates, r.reordered, r.acked_wrong_offset), (0, 0, 0));
    assert!(!r.is_clean());
    let lost: Vec<_> = r.lost().collect();
    assert_eq!(lost.len(), 5);
    assert_eq!(lost[0].record, RecordId::new(ProducerRef(0), 5));
    assert_eq!(lost[0].offset, Some(5));
    assert_eq!(
        lost[0].explanation,
        "p0#5 acknowledged at reserve-0 offset 5 (leader epoch 0) was truncated on broker 1 at 23.456s by \
         leader epoch 1 (log truncated to offset 5)"
    );
    assert_eq!(lost[4].offset, Some(9));
    let inc: Vec<_> = r.findings_of(AnomalyKind::InconsistentOffset).collect();
    assert_eq!(inc.len(), 3);
    assert_eq!(
        inc[0].explanation,
        "reserve-0 offset 5 held p0#5 (acknowledged) but finally holds p1#0"
    );
    assert_eq!(r.latency.len(), 1);
    assert_eq!(r.latency[0].latency_ms.count, 10);
    assert_eq!(r.latency[0].latency_ms.p50, 2.0);
}

#[test]
fn acked_and_present_is_not_lost_and_unexplained_loss_says_so() {
    let mut o = DurabilityOracle::new();
    let a = ids(0, 0..5);
    acked(&mut o, tp(0), &a, 0);
    let clean = check(&o, vec![FinalLog::new(tp(0), [batch(0, 0, &a)])]);
    assert!(clean.is_clean());
    assert_eq!(
        (clean.acked, clean.acked_lost, clean.inconsistent_offsets),
        (5, 0, 0)
    );
    assert!(clean.findings.is_empty());

    let partial: Arc<[RecordId]> = a[..3].into();
    let log = FinalLog::new(tp(0), [batch(0, 0, &partial)])
        .with_source(FinalLogSource::OfflineLastIsr(BrokerId(2)));
    let r = check(&o, vec![log]);
    assert_eq!((r.acked_lost, r.inconsistent_offsets), (2, 0));
    assert_eq!(
        r.lost().next().unwrap().explanation,
        "p0#3 acknowledged at reserve-0 offset 3 is missing from the final log of reserve-0 and no truncation \
         explains it (partition offline; final log taken from last ISR member broker 2)"
    );
    // No final log at all: everything acknowledged on the partition is lost.
    let none = check(&o, vec![]);
    assert_eq!(none.acked_lost, 5);
    assert!(
        none.lost()
            .next()
            .unwrap()
            .explanation
            .ends_with("(no final log was given for it)")
    );
    // Records below the log start offset were deleted by retention, not lost.
    let r = check(&o, vec![FinalLog::new(tp(0), []).with_log_start_offset(5)]);
    assert_eq!((r.acked_lost, r.expired), (0, 5));
}

#[test]
fn retried_batch_written_twice_counts_duplicates_not_reorderings() {
    let mut o = DurabilityOracle::new();
    let (a, b) = (ids(0, 0..5), ids(0, 5..10));
    acked(&mut o, tp(0), &a, 10); // the retry's write is the acknowledged one
    acked(&mut o, tp(0), &b, 5);
    let r = check(
        &o,
        vec![FinalLog::new(
            tp(0),
            [batch(0, 0, &a), batch(5, 0, &b), batch(10, 0, &a)],
        )],
    );
    assert_eq!(
        (r.duplicates, r.reordered, r.acked_lost, r.acked_wrong_offset),
        (5, 0, 0, 0)
    );
    let d: Vec<_> = r.findings_of(AnomalyKind::Duplicate).collect();
    assert_eq!(d.len(), 5);
    assert_eq!(d[0].offset, Some(10));
    assert_eq!(
        d[0].explanation,
        "p0#0 at reserve-0 offset 10 is a duplicate: the record is already in a final log"
    );
    // A duplicate whose acknowledged copy was the first one: the record is where the client was told.
    let mut o2 = DurabilityOracle::new();
    acked(&mut o2, tp(0), &a, 0);
    let r2 = check(
        &o2,
        vec![FinalLog::new(tp(0), [batch(0, 0, &a), batch(5, 0, &a)])],
    );
    assert_eq!((r2.duplicates, r2.acked_wrong_offset), (5, 0));
}

#[test]
fn out_of_order_retry_is_reordered_but_interleaving_is_not() {
    let mut o = DurabilityOracle::new();
    let (a, b) = (ids(0, 0..5), ids(0, 5..10));
    acked(&mut o, tp(0), &b, 0);
    acked(&mut o, tp(0), &a, 5);
    let r = check(&o, vec![FinalLog::new(tp(0), [batch(0, 0, &b), batch(5, 0, &a)])]);
    assert_eq!((r.reordered, r.duplicates, r.acked_lost), (5, 0, 0));
    let f = r.findings_of(AnomalyKind::Reordered).next().unwrap();
    assert_eq!(
        f.explanation,
        "p0#0 at reserve-0 offset 5 comes after p0#9 from the same producer"
    );

    // Two producers interleaved in one partition, and one producer alternating over two partitions.
    let mut o = DurabilityOracle::new();
    let mut p0: Vec<RecordBatch> = Vec::new();
    let mut p1: Vec<RecordBatch> = Vec::new();
    for k in 0..10u64 {
        let mine = ids(0, 2 * k..2 * k + 1); // even numbers of producer 0 go to partition 0
        let other = ids(0, 2 * k + 1..2 * k + 2); // odd ones to partition 1
        let q = ids(1, k..k + 1); // producer 1, interleaved with producer 0 in partition 0
        acked(&mut o, tp(0), &mine, 2 * k as i64);
        acked(&mut o, tp(0), &q, 2 * k as i64 + 1);
        acked(&mut o, tp(1), &other, k as i64);
        p0.push(batch(2 * k as i64, 0, &mine));
        p0.push(batch(2 * k as i64 + 1, 0, &q));
        p1.push(batch(k as i64, 0, &other));
    }
    let r = check(&o, vec![FinalLog::new(tp(1), p1), FinalLog::new(tp(0), p0)]);
    assert!(r.is_clean(), "{r:?}");
    assert_eq!((r.acked, r.reordered), (30, 0));
}

#[test]
fn unclean_election_loses_acked_records_and_makes_offsets_inconsistent() {
    let mut o = DurabilityOracle::new();
    let (a1, a2, c) = (ids(0, 0..4), ids(0, 4..10), ids(1, 0..6));
    acked(&mut o, tp(0), &a1, 0);
    acked(&mut o, tp(0), &a2, 4);
    o.on_unclean_election(UncleanElection {
        at: SimTime::from_secs(12),
        tp: tp(0),
        leader: BrokerId(2),
        epoch: LeaderEpoch(2),
    });
    acked(&mut o, tp(0), &c, 4);
    o.on_truncation(TruncationEvent {
        at: SimTime::from_secs(15),
        broker: BrokerId(1),
        tp: tp(0),
        truncated_to: 4,
        removed: vec![batch(4, 1, &a2)],
        leader_epoch: LeaderEpoch(2),
        high_watermark: Some(10),
    });
    let r = check(
        &o,
        vec![FinalLog::new(tp(0), [batch(0, 1, &a1), batch(4, 2, &c)])],
    );
    assert_eq!((r.acked, r.acked_lost), (16, 6));
    assert_eq!(
        r.inconsistent_offsets, 6,
        "offsets 4..10, once each although acked and committed"
    );
    assert_eq!(r.truncated_overwritten, 6);
    assert_eq!(
        r.lost().next().unwrap().explanation,
        "p0#4 acknowledged at reserve-0 offset 4 (leader epoch 1) was truncated on broker 1 at 15.000s by \
         leader epoch 2 (log truncated to offset 4) after the unclean election of broker 2"
    );
    // Without the acknowledgements, the committed truncated records alone make the offsets inconsistent.
    let mut o2 = DurabilityOracle::new();
    o2.on_truncation(TruncationEvent {
        at: SimTime::from_secs(15),
        broker: BrokerId(1),
        tp: tp(0),
        truncated_to: 4,
        removed: vec![batch(4, 1, &a2)],
        leader_epoch: LeaderEpoch(2),
        high_watermark: Some(7),
    });
    let r2 = check(
        &o2,
        vec![FinalLog::new(tp(0), [batch(0, 1, &a1), batch(4, 2, &c)])],
    );
    assert_eq!(
        (r2.inconsistent_offsets, r2.truncated_overwritten, r2.acked_lost),
        (3, 6, 0)
    );
    assert_eq!(
        r2.findings_of(AnomalyKind::InconsistentOffset)
            .next()
            .unwrap()
            .explanation,
        "reserve-0 offset 4 held p0#4 (committed at leader epoch 1, truncated on broker 1 at 15.000s by leader \
         epoch 2) but finally holds p1#0"
    );
}

#[test]
fn acks0_records_sent_to_a_dead_leader_are_counted_apart() {
    let mut o = DurabilityOracle::new();
    let (a, b) = (ids(0, 0..5), ids(0, 5..10));
    for r in [&a, &b] {
        o.on_send(tp(0), r, SimTime::ZERO);
        o.on_outcome(
            tp(0),
            r,
            SendOutcome::AckedNoOffset,
            SimTime::ZERO,
            SimTime::from_secs(1),
        );
    }
    let r = check(&o, vec![FinalLog::new(tp(0), [batch(0, 0, &a)])]);
    assert_eq!(
        (r.acked_no_offset, r.unconfirmed_lost, r.acked_lost, r.acked),
        (10, 5, 0, 0)
    );
    assert!(r.is_clean());
    let f = r.findings_of(AnomalyKind::UnconfirmedLost).next().unwrap();
    assert_eq!(f.offset, None);
    assert_eq!(
        f.explanation,
        "p0#5 sent with acks=0 to reserve-0 (success with offset -1 reported at 1.000s) is not in the final log"
    );
}

#[test]
fn failed_but_written_unknown_and_no_outcome_are_counted() {
    let mut o = DurabilityOracle::new();
    let (a, u, n) = (ids(0, 0..3), ids(0, 3..5), ids(0, 5..7));
    o.on_send(tp(0), &a, SimTime::ZERO);
    let failed = SendOutcome::Failed {
        error: ErrorCode::RequestTimedOut,
    };
    o.on_outcome(tp(0), &a, failed, SimTime::ZERO, SimTime::from_secs(30));
    o.on_send(tp(0), &u, SimTime::ZERO);
    o.on_outcome(
        tp(0),
        &u,
        SendOutcome::Unknown,
        SimTime::ZERO,
        SimTime::from_secs(31),
    );
    o.on_send(tp(0), &n, SimTime::ZERO);
    let u1: Arc<[RecordId]> = u[..1].into();
    let r = check(
        &o,
        vec![FinalLog::new(tp(0), [batch(0, 0, &a), batch(3, 0, &u1)])],
    );
    assert_eq!((r.sent, r.failed, r.unknown, r.no_outcome), (7, 3, 2, 2));
    assert_eq!(
        (r.failed_but_present, r.unknown_present, r.unknown_absent),
        (3, 1, 1)
    );
    assert!(r.is_clean());
    let f = r.findings_of(AnomalyKind::FailedButPresent).next().unwrap();
    assert_eq!(
        f.explanation,
        "p0#0 failed with REQUEST_TIMED_OUT at 30.000s but is in a final log (reserve-0)"
    );
    assert_eq!(
        r.latency[0].latency_ms.count, 3,
        "unknown outcomes have no latency"
    );
    assert_eq!(r.latency[0].latency_ms.max, 30_000.0);
}

#[test]
fn findings_are_capped_ordered_and_counts_stay_exact() {
    let mut o = DurabilityOracle::new();
    // Acked in reverse order, on two partitions; all lost.
    for k in (0..60u64).rev() {
        acked(
            &mut o,
            tp((k % 2) as i32),
            &ids(0, k * 50..k * 50 + 50),
            (k / 2 * 50) as i64,
        );
    }
    let r = check(&o, vec![FinalLog::new(tp(0), []), FinalLog::new(tp(1), [])]);
    assert_eq!(r.acked_lost, 3000);
    assert!(r.findings_capped);
    let lost: Vec<_> = r.lost().collect();
    assert_eq!(lost.len(), 1000);
    assert!(
        lost.iter().all(|f| f.tp == tp(0)),
        "partition 0 holds 1500 losses, listed first"
    );
    assert!(lost.windows(2).all(|w| w[0].offset < w[1].offset));
    assert_eq!(lost[0].offset, Some(0));
}

#[test]
fn odd_inputs_do_not_panic() {
    let mut o = DurabilityOracle::new();
    let huge: Arc<[RecordId]> = vec![RecordId::new(ProducerRef(u16::MAX), RecordId::MAX_N)].into();
    let empty: Arc<[RecordId]> = Vec::new().into();
    acked(&mut o, tp(0), &huge, i64::MAX);
    acked(&mut o, tp(0), &empty, -1);
    acked(&mut o, tp(-1), &ids(3, 0..3), i64::MIN);
    o.on_truncation(TruncationEvent {
        at: SimTime::MAX,
        broker: BrokerId(-1),
        tp: tp(0),
        truncated_to: -5,
        removed: vec![batch(i64::MAX - 1, 0, &ids(3, 0..4)), batch(-3, 0, &empty)],
        leader_epoch: LeaderEpoch(-1),
        high_watermark: Some(i64::MAX),
    });
    let logs = vec![
        FinalLog::new(
            tp(0),
            [
                batch(9, 0, &ids(3, 0..2)),
                batch(i64::MAX - 1, 0, &huge),
                batch(0, 0, &empty),
            ],
        ),
        FinalLog::new(tp(0), [batch(0, 0, &huge)]),
    ];
    let r = check(&o, logs);
    assert_eq!(r.acked, 4);
}

#[test]
fn a_million_records_in_batches_of_50_are_clean() {
    let mut o = DurabilityOracle::new();
    let mut logs: Vec<Vec<RecordBatch>> = vec![Vec::new(); 4];
    let mut next = [0i64; 4];
    for k in 0..20_000u64 {
        let p = (k % 2) as u16;
        let first = (k / 2) * 50;
        let records = ids(p, first..first + 50);
        let part = ((k / 2) % 4) as usize;
        let t = tp(part as i32);
        let at = SimTime::from_micros(k * 100);
        o.on_send(t, &records, at);
        let outcome = SendOutcome::Acked {
            base_offset: next[part],
        };
        o.on_outcome(
            t,
            &records,
            outcome,
            at,
            at + SimTime::from_micros(2_000 + k % 1_000),
        );
        logs[part].push(batch(next[part], 0, &records));
        next[part] += 50;
    }
    let finals = logs
        .into_iter()
        .enumerate()
        .map(|(i, b)| FinalLog::new(tp(i as i32), b))
        .collect();
    let r = check(&o, finals);
    assert_eq!((r.sent, r.acked, r.no_outcome), (1_000_000, 1_000_000, 0));
    assert!(r.is_clean(), "{r:?}");
    assert_eq!(
        (r.truncated_overwritten, r.failed_but_present, r.unconfirmed_lost),
        (0, 0, 0)
    );
    assert!(r.findings.is_empty());
    assert_eq!(r.latency.len(), 2);
    assert_eq!(r.latency[0].latency_ms.count, 500_000);
    assert_eq!(r.latency[1].latency_ms.max, 2.999);
}
