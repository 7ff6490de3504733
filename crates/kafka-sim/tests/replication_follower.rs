//! Follower truncation by leader epoch (KIP-101/279/320) and a randomized leader + two followers run.

use kafka_sim::ids::BrokerId;
use kafka_sim::record::{ProducerRef, RecordBatch, RecordId};
use kafka_sim::replication::follower::{
    FollowerFetchOutcome, FollowerState, TruncationReason, truncate_to_epoch_end_offset, truncation_offset,
};
use kafka_sim::replication::leader::{EpochEndOffset, LeaderState};
use kafka_sim::replication::log::{PartitionLog, hw_never_decreases, isr_logs_agree_below};
use kafka_sim::{ErrorCode, SimRng, SimTime};

const LAG: SimTime = SimTime::from_millis(30_000);

fn batch(first_n: u64, count: u64) -> RecordBatch {
    RecordBatch {
        base_offset: -1,
        partition_leader_epoch: -1,
        producer_id: -1,
        producer_epoch: -1,
        base_sequence: -1,
        records: (first_n..first_n + count)
            .map(|n| RecordId::new(ProducerRef(0), n))
            .collect(),
        size_bytes: 100 * count as u32,
        first_timestamp_ms: 0,
    }
}

/// A log written as leader with `(epoch, record count)` runs, records numbered from `first_n`.
fn log_with(runs: &[(i32, u64)], first_n: u64) -> PartitionLog {
    let mut log = PartitionLog::new();
    let mut n = first_n;
    for &(epoch, count) in runs {
        log.append_as_leader(batch(n, count), epoch).unwrap();
        n += count;
    }
    log
}

fn ids(v: &[i32]) -> Vec<BrokerId> {
    v.iter().map(|&i| BrokerId(i)).collect()
}

/// KIP-101 (a): leader [0:0, 2:5], follower [0:0, 1:5] with LEO 8 → the leader answers (0, 5) and the
/// follower truncates to 5, losing offsets 5..7.
#[test]
fn kip101_follower_truncates_to_leader_epoch_end() {
    let leader = log_with(&[(0, 5), (2, 5)], 0);
    let mut follower = log_with(&[(0, 5), (1, 3)], 0);
    let (epoch, end) = leader.epoch_cache().end_offset_for(1, leader.log_end_offset());
    assert_eq!((epoch, end), (0, 5));
    let t = truncate_to_epoch_end_offset(
        &mut follower,
        EpochEndOffset {
            epoch,
            end_offset: end,
        },
        "t-0",
    );
    assert_eq!((t.from_log_end_offset, t.to_offset, t.completed), (8, 5, true));
    assert_eq!(
        t.removed
            .iter()
            .map(|b| (b.base_offset, b.len()))
            .collect::<Vec<_>>(),
        vec![(5, 3)]
    );
    assert_eq!(
        t.reason,
        TruncationReason::LeaderEpoch(EpochEndOffset {
            epoch: 0,
            end_offset: 5
        })
    );
    assert_eq!(
        t.log_line,
        "Truncating partition t-0 with TruncationState(offset=5, completed=true) due to leader epoch and offset \
         EpochEndOffset(errorCode=0, partition=0, leaderEpoch=0, endOffset=5)"
    );
    assert_eq!(follower.log_end_offset(), 5);
    assert_eq!(follower.latest_epoch(), Some(0));
}

/// KIP-279 (b): the follower does not know the epoch the leader answers with: it truncates to the
/// end of its largest epoch below it and asks again.
#[test]
fn kip279_follower_missing_epoch_truncates_in_two_rounds() {
    let mut leader_log = log_with(&[(0, 4), (1, 2)], 0); // [0:0, 1:4], LEO 6
    let (mut leader, _) = LeaderState::become_leader(
        BrokerId(1),
        3,
        0,
        ids(&[1, 2]),
        ids(&[1, 2]),
        &mut leader_log,
        SimTime::ZERO,
        1,
        LAG,
        None,
    );
    leader
        .append_records(&mut leader_log, batch(6, 3), 1, "t-0", SimTime::ZERO)
        .unwrap(); // [.., 3:6]
    let mut f = PartitionLog::new(); // [0:0, 2:4], LEO 9: the leader's epoch 0, then its own epoch 2
    f.append_as_follower(leader_log.batches()[0].clone()).unwrap();
    f.append_as_leader(batch(100, 5), 2).unwrap();
    let fs = FollowerState::become_follower(BrokerId(2), BrokerId(1), 3);
    let mut rounds = Vec::new();
    for i in 0..4 {
        let pos = fs.next_fetch(&f);
        let out = leader.handle_follower_fetch(
            &mut leader_log,
            BrokerId(2),
            Some(pos.current_leader_epoch),
            pos.fetch_offset,
            pos.last_fetched_epoch,
            1 << 20,
            SimTime::from_millis(i),
        );
        match fs.on_fetch_response(&mut f, &out.response, "t-0") {
            FollowerFetchOutcome::Truncated(t) => rounds.push((t.to_offset, t.completed, t.reason)),
            FollowerFetchOutcome::Appended { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        rounds,
        vec![(
            4,
            false,
            TruncationReason::LeaderEpoch(EpochEndOffset {
                epoch: 1,
                end_offset: 6
            })
        )],
        "leader answers (1, 6); the follower knows only epoch 0 below 1 and truncates to its end, 4"
    );
    assert_eq!(f.log_end_offset(), 9);
    assert!(isr_logs_agree_below(&[(BrokerId(1), &leader_log), (BrokerId(2), &f)], 0, 9).is_ok());
    assert_eq!(f.high_watermark(), 9, "the HW came back in the last response");
}

/// (c) An epoch older than every epoch the leader has: Kafka 3.7 answers (requested, start of its
/// first epoch), not UNDEFINED; an UNDEFINED answer (pre-KIP-279 leader) falls back to the local HW.
#[test]
fn epoch_older_than_leader_cache_and_undefined_fallback() {
    let leader = log_with(&[(3, 4)], 0); // [3:0]
    let mut f = log_with(&[(1, 6)], 50); // [1:0], LEO 6
    assert_eq!(leader.epoch_cache().end_offset_for(1, 4), (1, 0));
    assert_eq!(
        truncation_offset(
            &f,
            EpochEndOffset {
                epoch: 1,
                end_offset: 0
            }
        ),
        (0, true)
    );
    f.update_high_watermark(2);
    assert_eq!(
        truncation_offset(
            &f,
            EpochEndOffset {
                epoch: -1,
                end_offset: -1
            }
        ),
        (2, true)
    );
    let t = truncate_to_epoch_end_offset(
        &mut f,
        EpochEndOffset {
            epoch: -1,
            end_offset: -1,
        },
        "t-0",
    );
    assert_eq!(t.reason, TruncationReason::LocalHighWatermark(2));
    assert_eq!(
        t.log_line,
        "Truncating partition t-0 with TruncationState(offset=2, completed=true) due to local high watermark 2"
    );
    assert_eq!(
        f.log_end_offset(),
        0,
        "the single batch holding offset 2 goes whole"
    );
}

/// Unclean election: the new leader's log is shorter; the old leader loses records even below its HW.
#[test]
fn unclean_election_truncates_old_leader_below_its_hw() {
    let mut a = log_with(&[(0, 3), (0, 3), (0, 4)], 0); // old leader, LEO 10
    a.update_high_watermark(6);
    let mut b = PartitionLog::new(); // out-of-sync replica with 3 records
    b.append_as_follower(a.batches()[0].clone()).unwrap();
    let (mut leader, _) = LeaderState::become_leader(
        BrokerId(2),
        1,
        1,
        ids(&[1, 2]),
        ids(&[2]),
        &mut b,
        SimTime::ZERO,
        1,
        LAG,
        None,
    );
    leader
        .append_records(&mut b, batch(900, 2), 1, "t-0", SimTime::ZERO)
        .unwrap();
    let fs = FollowerState::become_follower(BrokerId(1), BrokerId(2), 1);
    let pos = fs.next_fetch(&a);
    assert_eq!((pos.fetch_offset, pos.last_fetched_epoch), (10, Some(0)));
    let out = leader.handle_follower_fetch(
        &mut b,
        BrokerId(1),
        Some(1),
        10,
        Some(0),
        1 << 20,
        SimTime::from_millis(1),
    );
    assert_eq!(
        out.response.diverging_epoch,
        Some(EpochEndOffset {
            epoch: 0,
            end_offset: 3
        })
    );
    let FollowerFetchOutcome::Truncated(t) = fs.on_fetch_response(&mut a, &out.response, "t-0") else {
        panic!("expected truncation");
    };
    assert_eq!((t.from_log_end_offset, t.to_offset), (10, 3));
    assert_eq!(t.removed.iter().map(|x| x.len()).sum::<usize>(), 7);
    assert_eq!(a.high_watermark(), 3, "clamped");
    let pos = fs.next_fetch(&a);
    let out = leader.handle_follower_fetch(
        &mut b,
        BrokerId(1),
        Some(1),
        pos.fetch_offset,
        pos.last_fetched_epoch,
        1 << 20,
        SimTime::from_millis(2),
    );
    assert!(matches!(
        fs.on_fetch_response(&mut a, &out.response, "t-0"),
        FollowerFetchOutcome::Appended { records: 2, .. }
    ));
    assert_eq!(a.record_at(3), b.record_at(3));
    // OFFSET_OUT_OF_RANGE path: the leader's end offset is below ours.
    let mut c = log_with(&[(0, 8)], 0);
    let t = fs.on_offset_out_of_range(&mut c, 5, "t-0").unwrap();
    assert_eq!((t.to_offset, t.reason), (5, TruncationReason::LeaderEndOffset(5)));
    let out = leader.handle_follower_fetch(&mut b, BrokerId(1), Some(0), 5, Some(1), 1 << 20, SimTime::ZERO);
    assert_eq!(
        fs.on_fetch_response(&mut a, &out.response, "t-0"),
        FollowerFetchOutcome::Error(ErrorCode::FencedLeaderEpoch)
    );
}

struct Replica {
    log: PartitionLog,
    up: bool,
}

/// Random appends, fetches, crashes, ISR changes and clean leader elections over three replicas:
/// the HW never goes down within a tenure, ISR logs agree below the HW, committed records survive.
#[test]
fn randomized_leader_and_two_followers_keep_invariants() {
    for seed in 0..20 {
        let mut rng = SimRng::new(seed);
        let mut reps: Vec<Replica> = (0..3)
            .map(|_| Replica {
                log: PartitionLog::new(),
                up: true,
            })
            .collect();
        let all = ids(&[0, 1, 2]);
        let mut now = SimTime::ZERO;
        let (mut leader, _) = LeaderState::become_leader(
            BrokerId(0),
            0,
            0,
            all.clone(),
            all.clone(),
            &mut reps[0].log,
            now,
            2,
            LAG,
            None,
        );
        let mut li = 0usize;
        let mut committed: Vec<Option<RecordId>> = Vec::new();
        let mut n = 0u64;
        let mut part_epoch = 0;
        for _step in 0..3_000 {
            now += SimTime::from_millis(rng.below(3_000));
            let hw_before = reps[li].log.high_watermark();
            match rng.below(10) {
                0..=2 => {
                    let c = 1 + rng.below(4);
                    let acks = [-1i16, 1, 0][rng.below(3) as usize];
                    let _ = leader.append_records(&mut reps[li].log, batch(n, c), acks, "t-0", now);
                    n += c;
                }
                3..=6 => {
                    let fi = rng.below(3) as usize;
                    if fi == li || !reps[fi].up {
                        continue;
                    }
                    let fs = FollowerState::become_follower(
                        BrokerId(fi as i32),
                        BrokerId(li as i32),
                        leader.leader_epoch,
                    );
                    let pos = fs.next_fetch(&reps[fi].log);
                    let max_bytes = 100 + rng.below(1_000) as u32;
                    let out = leader.handle_follower_fetch(
                        &mut reps[li].log,
                        BrokerId(fi as i32),
                        Some(pos.current_leader_epoch),
                        pos.fetch_offset,
                        pos.last_fetched_epoch,
                        max_bytes,
                        now,
                    );
                    if let Some(p) = out.isr_expansion {
                        part_epoch += 1;
                        leader.on_isr_committed(&mut reps[li].log, p.new_isr, part_epoch, now);
                    }
                    fs.on_fetch_response(&mut reps[fi].log, &out.response, "t-0");
                }
                7 => {
                    if let Some((p, _)) = leader.maybe_shrink_isr(&reps[li].log, now) {
                        part_epoch += 1;
                        leader.on_isr_committed(&mut reps[li].log, p.new_isr, part_epoch, now);
                    }
                }
                8 => {
                    // A follower crashes or restarts (its log survives; the HW comes from the checkpoint).
                    let fi = rng.below(3) as usize;
                    if fi != li {
                        reps[fi].up = !reps[fi].up;
                        reps[fi].log.on_restart();
                    }
                    reps[rng.below(3) as usize].log.checkpoint_high_watermark();
                }
                _ => {
                    // Clean election: the controller picks another live ISR member.
                    let cands: Vec<BrokerId> = leader
                        .isr
                        .iter()
                        .copied()
                        .filter(|b| b.0 as usize != li && reps[b.0 as usize].up)
                        .collect();
                    if cands.is_empty() {
                        continue;
                    }
                    let new = cands[rng.below(cands.len() as u64) as usize];
                    li = new.0 as usize;
                    part_epoch += 1;
                    let (l, _) = LeaderState::become_leader(
                        new,
                        leader.leader_epoch + 1,
                        part_epoch,
                        all.clone(),
                        leader.isr.clone(),
                        &mut reps[li].log,
                        now,
                        2,
                        LAG,
                        None,
                    );
                    leader = l;
                    continue;
                }
            }
            let log = &reps[li].log;
            let hw = log.high_watermark();
            hw_never_decreases(hw_before, hw).unwrap();
            let isr_logs: Vec<(BrokerId, &PartitionLog)> =
                leader.isr.iter().map(|b| (*b, &reps[b.0 as usize].log)).collect();
            isr_logs_agree_below(&isr_logs, 0, hw).unwrap_or_else(|v| panic!("seed {seed}: {v:?}"));
            // Every record once below a leader's HW is still on the current leader.
            for o in committed.len() as i64..hw {
                committed.push(log.record_at(o).map(|(r, _)| r));
            }
            for (o, r) in committed.iter().enumerate() {
                assert_eq!(
                    log.record_at(o as i64).map(|(r, _)| r),
                    *r,
                    "seed {seed}: committed offset {o} lost"
                );
            }
        }
        assert!(
            committed.len() > 10,
            "seed {seed}: the run committed only {}",
            committed.len()
        );
    }
}
