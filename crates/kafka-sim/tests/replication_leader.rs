//! The leader's rules: HW, ISR shrink and expand, min ISR on the produce path, DelayedProduce.

use kafka_sim::ErrorCode;
use kafka_sim::SimTime;
use kafka_sim::ids::BrokerId;
use kafka_sim::record::{ProducerRef, RecordBatch, RecordId};
use kafka_sim::replication::leader::{EpochEndOffset, LeaderState, PendingIsrChange, ReplicaState};
use kafka_sim::replication::log::PartitionLog;

const LAG: SimTime = SimTime::from_millis(30_000);

fn batch(count: u64) -> RecordBatch {
    RecordBatch {
        base_offset: -1,
        partition_leader_epoch: -1,
        producer_id: -1,
        producer_epoch: -1,
        base_sequence: -1,
        records: (0..count).map(|n| RecordId::new(ProducerRef(0), n)).collect(),
        size_bytes: 100,
        first_timestamp_ms: 0,
    }
}

fn ids(v: &[i32]) -> Vec<BrokerId> {
    v.iter().map(|&i| BrokerId(i)).collect()
}

fn ms(v: u64) -> SimTime {
    SimTime::from_millis(v)
}

/// A log with `n` records written at `seed_epoch`, and `local` leading it at `leader_epoch`.
fn leader(
    n: u64,
    seed_epoch: i32,
    leader_epoch: i32,
    replicas: &[i32],
    isr: &[i32],
    min_isr: i32,
) -> (LeaderState, PartitionLog) {
    let mut log = PartitionLog::new();
    if n > 0 {
        log.append_as_leader(batch(n), seed_epoch).unwrap();
    }
    let (s, _) = LeaderState::become_leader(
        BrokerId(replicas[0]),
        leader_epoch,
        0,
        ids(replicas),
        ids(isr),
        &mut log,
        ms(1_000),
        min_isr,
        LAG,
        None,
    );
    (s, log)
}

fn fetch(
    s: &mut LeaderState,
    log: &mut PartitionLog,
    f: i32,
    offset: i64,
    epoch: Option<i32>,
    now: SimTime,
) -> Option<i64> {
    let out = s.handle_follower_fetch(
        log,
        BrokerId(f),
        Some(s.leader_epoch),
        offset,
        epoch,
        1 << 20,
        now,
    );
    assert_eq!(out.response.error, ErrorCode::None);
    out.new_high_watermark
}

/// `PartitionTest.testHighWatermarkAdvanceShouldNotAdvanceWhenUnderMinISR` (KAFKA-15583, 3.7).
#[test]
fn hw_does_not_advance_while_under_min_isr() {
    let (mut s, mut log) = leader(10, 4, 5, &[0, 1, 2], &[0, 1], 3);
    assert_eq!(log.high_watermark(), 0);
    fetch(&mut s, &mut log, 1, 10, Some(4), ms(2_000));
    assert_eq!(log.high_watermark(), 0);
    fetch(&mut s, &mut log, 2, 10, Some(4), ms(2_000));
    assert_eq!(log.high_watermark(), 0);
    assert_eq!(s.maximal_isr(), ids(&[0, 1, 2]), "expansion of 2 pending");
    let (line, hw) = s
        .on_isr_committed(&mut log, ids(&[0, 1, 2]), 1, ms(2_001))
        .unwrap();
    assert_eq!(hw, Some(10));
    assert_eq!(log.high_watermark(), 10);
    assert_eq!(line, "ISR updated to 0,1,2 and version updated to 1");
}

/// `PartitionTest.testIsrExpansion`.
#[test]
fn isr_expansion_needs_hw_and_epoch_start() {
    let (mut s, mut log) = leader(10, 4, 5, &[0, 1], &[0], 1);
    assert_eq!(
        log.high_watermark(),
        10,
        "the non-ISR follower never caught up: it does not hold the HW"
    );
    assert_eq!(s.follower(BrokerId(1)).unwrap().leo, -1);
    let out = s.handle_follower_fetch(&mut log, BrokerId(1), Some(5), 3, Some(4), 1 << 20, ms(2_000));
    assert_eq!(out.isr_expansion, None);
    assert_eq!(s.isr, ids(&[0]));
    assert_eq!(s.follower(BrokerId(1)).unwrap().leo, 3);
    let out = s.handle_follower_fetch(&mut log, BrokerId(1), Some(5), 10, Some(4), 1 << 20, ms(2_100));
    let p = out.isr_expansion.unwrap();
    assert_eq!(
        (p.new_isr, p.leader_epoch, p.partition_epoch),
        (ids(&[0, 1]), 5, 0)
    );
    assert_eq!(s.isr, ids(&[0]));
    assert_eq!(s.maximal_isr(), ids(&[0, 1]));
    assert!(matches!(
        s.pending,
        Some(PendingIsrChange::Expand {
            added: BrokerId(1),
            ..
        })
    ));
    s.on_isr_committed(&mut log, ids(&[0, 1]), 2, ms(2_200)).unwrap();
    assert_eq!(s.isr, ids(&[0, 1]));
    assert_eq!(s.pending, None);
    assert!(
        s.on_isr_committed(&mut log, ids(&[0]), 1, ms(2_300)).is_none(),
        "stale partition epoch"
    );
}

/// `ReplicaTest` rules for `lastCaughtUpTimeMs`.
#[test]
fn last_caught_up_time_rules() {
    let mut r = ReplicaState {
        broker: BrokerId(2),
        leo: -1,
        last_caught_up_time: None,
        last_fetch_leader_leo: -1,
        last_fetch_time: None,
        isr_eligible: true,
    };
    assert!(!r.is_caught_up(10, ms(0), LAG));
    r.update_fetch_state(10, ms(1_000), 10); // at the leader's LEO: the fetch time
    assert_eq!(r.last_caught_up_time, Some(ms(1_000)));
    r.update_fetch_state(10, ms(2_000), 15); // >= the leader LEO at the previous fetch: previous fetch time
    assert_eq!(r.last_caught_up_time, Some(ms(1_000)));
    r.update_fetch_state(15, ms(3_000), 20);
    assert_eq!(r.last_caught_up_time, Some(ms(2_000)));
    r.update_fetch_state(16, ms(4_000), 30); // behind the previous leader LEO (20): unchanged
    assert_eq!(r.last_caught_up_time, Some(ms(2_000)));
    assert!(
        r.is_caught_up(30, ms(32_000), LAG),
        "30 s exactly is still caught up"
    );
    assert!(!r.is_caught_up(30, ms(32_001), LAG));
    assert!(
        r.is_caught_up(16, ms(999_000), LAG),
        "at the leader's LEO: always caught up"
    );
}

#[test]
fn isr_shrinks_after_replica_lag_time_max() {
    let (mut s, mut log) = leader(10, 0, 0, &[0, 1, 2], &[0, 1, 2], 1);
    fetch(&mut s, &mut log, 1, 10, Some(0), ms(1_000));
    assert_eq!(log.high_watermark(), 0, "broker 2 (in the ISR) has not fetched");
    assert_eq!(s.maybe_shrink_isr(&log, ms(16_000)), None);
    assert_eq!(
        s.maybe_shrink_isr(&log, ms(31_000)),
        None,
        "caught up at 1 s (become leader): 30 s is not over"
    );
    let (p, line) = s.maybe_shrink_isr(&log, ms(46_000)).unwrap();
    assert_eq!(p.new_isr, ids(&[0, 1]));
    assert_eq!(
        line,
        "Shrinking ISR from 0,1,2 to 0,1. Leader: (highWatermark: 0, endOffset: 10). \
         Out of sync replicas: (brokerId: 2, endOffset: -1, lastCaughtUpTimeMs: 1000)."
    );
    assert_eq!(
        s.maximal_isr(),
        ids(&[0, 1, 2]),
        "a shrink counts only once committed"
    );
    assert_eq!(
        s.maybe_shrink_isr(&log, ms(61_000)),
        None,
        "one change in flight at a time"
    );
    let (line, hw) = s.on_isr_committed(&mut log, ids(&[0, 1]), 1, ms(46_010)).unwrap();
    assert_eq!(hw, Some(10));
    assert_eq!(line, "ISR updated to 0,1 and version updated to 1");
    s.min_insync_replicas = 3;
    let (line, _) = s.on_isr_committed(&mut log, ids(&[0, 1]), 2, ms(46_020)).unwrap();
    assert_eq!(
        line,
        "ISR updated to 0,1 (under-min-isr) and version updated to 2"
    );
}

#[test]
fn not_enough_replicas_message_and_acks() {
    let (s, mut log) = leader(0, 0, 0, &[1, 2, 3], &[1], 2);
    assert_eq!(
        s.check_append(-1, "t-0"),
        Err((
            ErrorCode::NotEnoughReplicas,
            "The size of the current ISR Set(1) is insufficient to satisfy the min.isr requirement of 2 for partition t-0"
                .to_string()
        ))
    );
    assert_eq!(s.check_append(1, "t-0"), Ok(()));
    assert_eq!(s.check_append(0, "t-0"), Ok(()));
    assert_eq!(
        s.check_append(2, "t-0").unwrap_err().0,
        ErrorCode::InvalidRequiredAcks
    );
    assert!(s.append_records(&mut log, batch(3), -1, "t-0", ms(1)).is_err());
    assert_eq!(
        log.log_end_offset(),
        0,
        "nothing written before NOT_ENOUGH_REPLICAS"
    );
    let (info, hw) = s.append_records(&mut log, batch(3), 1, "t-0", ms(1)).unwrap();
    assert_eq!((info.first_offset, info.last_offset, hw), (0, 2, None));
    // min.insync.replicas above the replica count: the effective value is the replica count.
    let (s, _) = leader(0, 0, 0, &[1, 2], &[1, 2], 5);
    assert_eq!(s.effective_min_isr(), 2);
    let (s, _) = leader(0, 0, 0, &[1, 2, 3], &[1, 2], 3);
    assert_eq!(
        s.check_append(-1, "orders-7").unwrap_err().1,
        "The size of the current ISR Set(1, 2) is insufficient to satisfy the min.isr requirement of 3 for partition orders-7"
    );
}

#[test]
fn delayed_produce_none_vs_after_append() {
    let (mut s, mut log) = leader(0, 0, 0, &[1, 2, 3], &[1, 2, 3], 2);
    let (info, _) = s
        .append_records(&mut log, batch(5), -1, "t-0", ms(1_100))
        .unwrap();
    let required = info.last_offset + 1;
    assert_eq!(s.check_produce_completion(&log, required), None);
    fetch(&mut s, &mut log, 2, 5, Some(0), ms(1_200));
    assert_eq!(
        s.check_produce_completion(&log, required),
        None,
        "broker 3 still holds the HW"
    );
    assert_eq!(fetch(&mut s, &mut log, 3, 5, Some(0), ms(1_300)), Some(5));
    assert_eq!(s.check_produce_completion(&log, required), Some(ErrorCode::None));
    // The ISR shrinks below min.insync.replicas after the HW reached the offset: written, but AFTER_APPEND.
    s.on_isr_committed(&mut log, ids(&[1]), 1, ms(1_400)).unwrap();
    assert_eq!(
        s.check_produce_completion(&log, required),
        Some(ErrorCode::NotEnoughReplicasAfterAppend)
    );
}

#[test]
fn single_replica_isr_commits_on_append() {
    let (s, mut log) = leader(0, 0, 0, &[1, 2], &[1], 1);
    let (_, hw) = s
        .append_records(&mut log, batch(4), -1, "t-0", ms(1_100))
        .unwrap();
    assert_eq!(hw, Some(4));
}

#[test]
fn leader_detects_diverging_epoch_and_fences_epochs() {
    // Leader epochs [0:0, 2:5], LEO 10.
    let mut log = PartitionLog::new();
    log.append_as_leader(batch(5), 0).unwrap();
    let (mut s, _) = LeaderState::become_leader(
        BrokerId(1),
        2,
        0,
        ids(&[1, 2]),
        ids(&[1, 2]),
        &mut log,
        ms(0),
        1,
        LAG,
        None,
    );
    s.append_records(&mut log, batch(5), 1, "t-0", ms(1)).unwrap();
    let out = s.handle_follower_fetch(&mut log, BrokerId(2), Some(2), 8, Some(1), 1 << 20, ms(2));
    assert_eq!(
        out.response.diverging_epoch,
        Some(EpochEndOffset {
            epoch: 0,
            end_offset: 5
        })
    );
    assert!(out.response.records.is_empty());
    assert_eq!(
        s.follower(BrokerId(2)).unwrap().leo,
        -1,
        "no state update on divergence"
    );
    let out = s.handle_follower_fetch(&mut log, BrokerId(2), Some(2), 5, Some(0), 1 << 20, ms(3));
    assert_eq!(out.response.diverging_epoch, None);
    assert_eq!(out.response.records.len(), 1);
    assert_eq!(out.response.records[0].base_offset, 5);
    let e = |cur, last| {
        s.clone()
            .handle_follower_fetch(&mut log.clone(), BrokerId(2), cur, 5, last, 1 << 20, ms(4))
    };
    assert_eq!(e(Some(1), Some(0)).response.error, ErrorCode::FencedLeaderEpoch);
    assert_eq!(e(Some(3), Some(0)).response.error, ErrorCode::UnknownLeaderEpoch);
    assert_eq!(
        e(Some(2), Some(7)).response.error,
        ErrorCode::OffsetOutOfRange,
        "epoch unknown to the leader"
    );
    let out = s.handle_follower_fetch(&mut log, BrokerId(9), Some(2), 5, Some(0), 1 << 20, ms(4));
    assert_eq!(out.response.error, ErrorCode::NotLeaderOrFollower);
}

#[test]
fn hw_never_decreases_within_tenure_and_response_carries_previous_hw() {
    let (mut s, mut log) = leader(0, 0, 0, &[1, 2], &[1, 2], 1);
    s.append_records(&mut log, batch(6), -1, "t-0", ms(1_100))
        .unwrap();
    let out = s.handle_follower_fetch(&mut log, BrokerId(2), Some(0), 6, Some(0), 1 << 20, ms(1_200));
    assert_eq!(
        out.response.high_watermark, 0,
        "the HW read before this fetch's effect"
    );
    assert_eq!(out.new_high_watermark, Some(6));
    // A late fetch from an older offset moves the follower's LEO back but not the HW.
    fetch(&mut s, &mut log, 2, 3, Some(0), ms(1_300));
    assert_eq!(log.high_watermark(), 6);
}
