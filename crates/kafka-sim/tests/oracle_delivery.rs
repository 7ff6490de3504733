//! The delivery oracle on hand-built facts: once, twice (after a crash, a commit failure, a rebalance),
//! skipped (commit before processing), overlapping ranges, lag.

use kafka_sim::SimTime;
use kafka_sim::group::delivery::{CommitFact, IncidentFact, MemberIncident, MemberRef, ProcessedRange};
use kafka_sim::oracle::delivery::{
    DeliveryFacts, DeliveryReport, FinalOffsets, LagSeries, ReprocessedCauses,
};
use kafka_sim::record::{TopicIdx, TopicPartition};

const M1: MemberRef = MemberRef { group: 0, member: 1 };
const M2: MemberRef = MemberRef { group: 0, member: 2 };
const TP0: TopicPartition = TopicPartition {
    topic: TopicIdx(0),
    partition: 0,
};
const TP1: TopicPartition = TopicPartition {
    topic: TopicIdx(0),
    partition: 1,
};

fn ms(n: u64) -> SimTime {
    SimTime::from_millis(n)
}

fn range(by: MemberRef, tp: TopicPartition, from: i64, to: i64, at: u64) -> ProcessedRange {
    ProcessedRange {
        by,
        tp,
        from,
        to,
        at: ms(at),
        generation: 1,
    }
}

fn incident(by: MemberRef, incident: MemberIncident, at: u64) -> IncidentFact {
    IncidentFact {
        by,
        incident,
        at: ms(at),
    }
}

fn fin(tp: TopicPartition, committed: Option<i64>, hw: i64) -> FinalOffsets {
    FinalOffsets {
        group: 0,
        tp,
        start: 0,
        committed,
        high_watermark: hw,
    }
}

fn report(facts: &DeliveryFacts, finals: &[FinalOffsets]) -> DeliveryReport {
    facts.report(0, finals, &LagSeries::new(ms(1000)))
}

#[test]
fn every_offset_once() {
    let mut f = DeliveryFacts::new();
    f.processed(range(M1, TP0, 0, 500, 10));
    f.processed(range(M1, TP0, 500, 1000, 20));
    f.processed(range(M2, TP1, 0, 300, 15));
    f.commit(CommitFact {
        by: M1,
        tp: TP0,
        offset: 1000,
        at: ms(21),
        ok: true,
    });
    let r = report(&f, &[fin(TP0, Some(1000), 1000), fin(TP1, Some(250), 310)]);
    assert_eq!(
        r,
        DeliveryReport {
            consumed: 1300,
            processed_once: 1300,
            processed_twice: 0,
            reprocessed_causes: ReprocessedCauses::default(),
            skipped: 0,
            commit_failures: 0,
            lag: 60,
            max_lag: 60,
        }
    );
}

#[test]
fn twice_after_a_crash_of_the_first_processor() {
    let mut f = DeliveryFacts::new();
    f.processed(range(M1, TP0, 0, 100, 10)); // committed
    f.processed(range(M1, TP0, 100, 150, 20)); // not committed: M1 crashes
    f.incident(incident(M1, MemberIncident::Crashed, 25));
    f.processed(range(M2, TP0, 100, 200, 60_000)); // after the session timeout, from the commit
    let r = report(&f, &[fin(TP0, Some(200), 200)]);
    assert_eq!((r.consumed, r.processed_once, r.processed_twice), (200, 150, 50));
    assert_eq!(
        r.reprocessed_causes,
        ReprocessedCauses {
            crash: 50,
            ..ReprocessedCauses::default()
        }
    );
    assert_eq!((r.skipped, r.lag), (0, 0));
}

#[test]
fn twice_after_a_commit_failure_and_after_a_rebalance() {
    let mut f = DeliveryFacts::new();
    f.processed(range(M1, TP0, 0, 40, 10));
    // One refused commitSync of two partitions is one failure.
    f.commit(CommitFact {
        by: M1,
        tp: TP0,
        offset: 40,
        at: ms(11),
        ok: false,
    });
    f.commit(CommitFact {
        by: M1,
        tp: TP1,
        offset: 7,
        at: ms(11),
        ok: false,
    });
    f.incident(incident(M1, MemberIncident::CommitFailed, 11));
    f.incident(incident(M1, MemberIncident::PartitionsLost, 12));
    f.processed(range(M2, TP0, 0, 40, 30));
    // On TP1, M2 lost the partition before committing; M1 processes it again.
    f.processed(range(M2, TP1, 0, 10, 5));
    f.incident(incident(M2, MemberIncident::PartitionsLost, 6));
    f.processed(range(M1, TP1, 0, 10, 40));
    // An incident outside the window does not explain: M1 processed TP1 (again) without any incident after 40.
    f.processed(range(M2, TP1, 10, 20, 50));
    f.processed(range(M1, TP1, 15, 20, 70));
    let r = report(&f, &[fin(TP0, Some(40), 40), fin(TP1, Some(20), 20)]);
    assert_eq!(r.commit_failures, 1);
    assert_eq!(
        r.reprocessed_causes,
        ReprocessedCauses {
            crash: 0,
            commit_failure: 40,
            rebalance: 10,
            unknown: 5,
        }
    );
    assert_eq!((r.consumed, r.processed_twice, r.processed_once), (60, 55, 5));
    assert_eq!(r.reprocessed_causes.total(), r.processed_twice);
}

#[test]
fn commit_before_processing_and_a_crash_skips() {
    let mut f = DeliveryFacts::new();
    // commit = "before": 0..100 committed then processed; 100..200 committed, then M1 crashes mid-batch.
    f.commit(CommitFact {
        by: M1,
        tp: TP0,
        offset: 100,
        at: ms(1),
        ok: true,
    });
    f.processed(range(M1, TP0, 0, 100, 10));
    f.commit(CommitFact {
        by: M1,
        tp: TP0,
        offset: 200,
        at: ms(11),
        ok: true,
    });
    f.processed(range(M1, TP0, 100, 130, 15));
    f.incident(incident(M1, MemberIncident::Crashed, 16));
    f.processed(range(M2, TP0, 200, 250, 60_000));
    let r = report(&f, &[fin(TP0, Some(250), 300)]);
    assert_eq!(r.skipped, 70);
    assert_eq!((r.consumed, r.processed_once, r.processed_twice), (180, 180, 0));
    assert_eq!(r.lag, 50);
}

#[test]
fn overlapping_ranges_count_each_offset_once_or_twice() {
    let mut f = DeliveryFacts::new();
    f.processed(range(M1, TP0, 10, 20, 1));
    f.processed(range(M1, TP0, 30, 40, 2));
    // Spans both and the gaps around: 0..10, 20..30 and 40..50 are new, 10..20 and 30..40 repeats.
    f.processed(range(M2, TP0, 0, 50, 3));
    // A third time over 15..35: no new repeats (10..20 and 30..40 already twice, 20..30 once -> twice).
    f.processed(range(M1, TP0, 15, 35, 4));
    // Empty and inverted ranges are ignored.
    f.processed(range(M1, TP0, 60, 60, 5));
    f.processed(range(M1, TP0, 70, 65, 6));
    let r = report(&f, &[fin(TP0, Some(60), 60)]);
    assert_eq!(r.consumed, 50);
    assert_eq!(r.processed_twice, 30);
    assert_eq!(r.processed_once, 20);
    assert_eq!(r.reprocessed_causes.unknown, 30);
    assert_eq!(r.skipped, 10, "50..60 below the commit, never processed");
}

#[test]
fn lag_series_and_max_lag() {
    let mut lag = LagSeries::new(ms(1000));
    assert_eq!(lag.next_due(), ms(1000));
    lag.record(ms(1000), 40);
    lag.record(ms(2000), 900);
    lag.record(ms(3000), 10);
    assert_eq!(lag.next_due(), ms(4000));
    let f = DeliveryFacts::new();
    let r = f.report(0, &[fin(TP0, None, 30), fin(TP1, Some(50), 40)], &lag);
    // No commit: lag from the start (0); a commit past the HW (truncation) counts 0.
    assert_eq!((r.lag, r.max_lag), (30, 900));
    // Other groups' facts are ignored.
    let mut f = DeliveryFacts::new();
    f.processed(range(MemberRef { group: 1, member: 1 }, TP0, 0, 10, 1));
    assert_eq!(report(&f, &[]), DeliveryReport::default());
}

#[test]
fn millions_of_records_in_batches_stay_cheap() {
    let mut f = DeliveryFacts::new();
    // 2,000,000 offsets in 500-record batches, a crash half way, 1,000 offsets re-processed.
    for b in 0..4_000i64 {
        f.processed(range(M1, TP0, b * 500, (b + 1) * 500, b as u64 + 1));
    }
    f.incident(incident(M1, MemberIncident::Crashed, 4_001));
    f.processed(range(M2, TP0, 1_999_000, 2_000_000, 10_000));
    let r = report(&f, &[fin(TP0, Some(2_000_000), 2_000_000)]);
    assert_eq!(
        (r.consumed, r.processed_twice, r.reprocessed_causes.crash),
        (2_000_000, 1_000, 1_000)
    );
    fn serializable<T: serde::Serialize>(_: &T) {}
    serializable(&r);
}

#[test]
fn a_commit_the_client_fails_itself_counts_as_a_commit_failure() {
    // A poll-timeout LeaveGroup resets the generation: the commit after the batch throws
    // CommitFailedException without sending a request, so no refused CommitFact exists.
    let mut f = DeliveryFacts::new();
    f.processed(range(M1, TP0, 0, 40, 10));
    f.incident(incident(M1, MemberIncident::CommitFailed, 10));
    f.processed(range(M2, TP0, 0, 40, 30));
    f.commit(CommitFact {
        by: M2,
        tp: TP0,
        offset: 40,
        at: ms(31),
        ok: true,
    });
    // A refused request and its incident at the same time are one failure.
    f.commit(CommitFact {
        by: M2,
        tp: TP0,
        offset: 40,
        at: ms(35),
        ok: false,
    });
    f.incident(incident(M2, MemberIncident::CommitFailed, 35));
    let r = report(&f, &[fin(TP0, Some(40), 40)]);
    assert_eq!(r.commit_failures, 2);
    assert_eq!((r.processed_twice, r.reprocessed_causes.commit_failure), (40, 40));
}
