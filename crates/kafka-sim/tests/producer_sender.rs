//! The sender: linger, in-flight limits, timeouts, retries, acks, idempotence, reordering.

use kafka_sim::config::classes::SerdeKind;
use kafka_sim::config::producer::ProducerConfig;
use kafka_sim::ids::BrokerId;
use kafka_sim::producer::sender::{Completion, Outcome, PartitionResult, ProduceRequest, Producer};
use kafka_sim::record::{LeaderEpoch, ProducerRef, RecordId, TopicIdx, TopicPartition};
use kafka_sim::{ErrorCode, SimRng, SimTime};

fn producer(extra: &[(&str, &str)]) -> Producer {
    let props: Vec<(&str, &str)> = extra.to_vec();
    let config =
        ProducerConfig::parse_with_serializers(props, Some(SerdeKind::String), Some(SerdeKind::String))
            .expect("valid config")
            .config;
    let mut p = Producer::new(&config, SimRng::new(7));
    p.metadata_mut().set_topic_name(0, "t");
    p.metadata_mut()
        .set_leader(tp(0), Some(BrokerId(1)), LeaderEpoch(0));
    p
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

fn ok(tp: TopicPartition, offset: i64) -> PartitionResult {
    PartitionResult {
        tp,
        error: ErrorCode::None,
        base_offset: offset,
        error_message: None,
    }
}

fn err(tp: TopicPartition, error: ErrorCode) -> PartitionResult {
    PartitionResult {
        tp,
        error,
        base_offset: -1,
        error_message: None,
    }
}

fn respond(
    p: &mut Producer,
    now: SimTime,
    req: &ProduceRequest,
    results: &[PartitionResult],
) -> Vec<Completion> {
    p.on_response(now, req.broker, req.correlation_id, results)
}

fn ids(c: &Completion) -> Vec<u64> {
    c.records.iter().map(|r| r.n()).collect()
}

/// Sends one record every 5 ms for 50 ms, polling after each send and answering every request at once.
fn linger_run(linger: &str) -> (u64, u64, Vec<u64>) {
    let mut p = producer(&[("linger.ms", linger), ("acks", "1")]);
    let mut latencies = Vec::new();
    let mut offset = 0;
    for n in 0..=10u64 {
        let now = ms(n * 5);
        if n < 10 {
            p.send(now, rid(n), tp(0), 10).expect("send");
        }
        for req in p.poll(now).requests {
            let count = req.partitions[0].batch.len() as i64;
            for c in respond(&mut p, now, &req, &[ok(tp(0), offset)]) {
                latencies.push((now - c.created).as_millis());
            }
            offset += count;
        }
    }
    (p.stats().batches, p.stats().requests, latencies)
}

#[test]
fn linger_zero_versus_fifty_changes_batches_and_latency() {
    assert_eq!(linger_run("0"), (10, 10, vec![0; 10]));
    assert_eq!(linger_run("50"), (1, 1, vec![50]));
}

#[test]
fn next_wakeup_is_linger_expiry() {
    let mut p = producer(&[("linger.ms", "50"), ("acks", "1")]);
    p.send(ms(3), rid(0), tp(0), 10).expect("send");
    assert!(p.poll(ms(3)).requests.is_empty());
    assert_eq!(p.next_wakeup(ms(3)), Some(ms(53)));
}

#[test]
fn max_in_flight_blocks_the_drain() {
    let mut p = producer(&[("acks", "1"), ("max.in.flight.requests.per.connection", "2")]);
    let mut sent = Vec::new();
    for n in 0..4 {
        p.send(ms(n), rid(n), tp(0), 10).expect("send");
        sent.extend(p.poll(ms(n)).requests);
    }
    assert_eq!(sent.len(), 2);
    assert_eq!(p.in_flight(BrokerId(1)), 2);
    // Records 2 and 3 wait in one batch; the next event is the first request's timeout (30 s + 1 µs).
    assert_eq!(p.accumulator().queued_batches(tp(0)), 1);
    assert_eq!(p.next_wakeup(ms(3)), Some(ms(30_000) + SimTime::from_micros(1)));
    respond(&mut p, ms(4), &sent[0], &[ok(tp(0), 0)]);
    assert_eq!(p.next_wakeup(ms(4)), Some(ms(4)));
    let next = p.poll(ms(4)).requests;
    assert_eq!(next.len(), 1);
    assert_eq!(
        next[0].partitions[0]
            .batch
            .records
            .iter()
            .map(|r| r.n())
            .collect::<Vec<_>>(),
        vec![2, 3]
    );
}

#[test]
fn max_in_flight_one_mutes_the_partition() {
    let mut p = producer(&[("acks", "1"), ("max.in.flight.requests.per.connection", "1")]);
    p.send(ms(0), rid(0), tp(0), 10).expect("send");
    let first = p.poll(ms(0)).requests;
    assert!(p.accumulator().is_muted(tp(0)));
    p.send(ms(1), rid(1), tp(0), 10).expect("send");
    assert!(p.poll(ms(1)).requests.is_empty());
    respond(&mut p, ms(2), &first[0], &[ok(tp(0), 0)]);
    assert!(!p.accumulator().is_muted(tp(0)));
    assert_eq!(p.poll(ms(2)).requests.len(), 1);
}

#[test]
fn request_timeout_then_retry_after_backoff_then_success_keeps_the_sequence() {
    let mut p = producer(&[("request.timeout.ms", "1000")]);
    assert!(p.needs_producer_id());
    p.send(ms(0), rid(0), tp(0), 10).expect("send");
    assert!(
        p.poll(ms(0)).requests.is_empty(),
        "idempotent: nothing before InitProducerId"
    );
    p.set_producer_id(1000, 0);
    let first = p.poll(ms(0)).requests;
    assert_eq!(first[0].partitions[0].batch.base_sequence, 0);
    let timeout_at = ms(1000) + SimTime::from_micros(1);
    assert_eq!(p.next_wakeup(ms(0)), Some(timeout_at));
    assert!(
        p.poll(ms(1000)).requests.is_empty(),
        "not yet: strictly more than request.timeout.ms"
    );
    let out = p.poll(timeout_at);
    assert!(out.completions.is_empty() && out.requests.is_empty());
    let logs: Vec<String> = p
        .take_logs()
        .into_iter()
        .map(|l| format!("{} {}", l.level, l.message))
        .collect();
    assert_eq!(
        logs,
        vec![
            "INFO Disconnecting from node 1 due to request timeout.".to_string(),
            "WARN Got error produce response with correlation id 0 on topic-partition t-0, retrying \
             (2147483646 attempts left). Error: REQUEST_TIMED_OUT. Error Message: Disconnected from node 1 \
             due to timeout"
                .to_string(),
        ]
    );
    assert!(p.metadata().update_requested());
    let wake = p.next_wakeup(timeout_at).expect("backoff end");
    let backoff = wake - timeout_at;
    assert!(
        backoff >= ms(80) && backoff < ms(120),
        "first retry backoff {backoff}"
    );
    assert!(p.poll(wake - SimTime::from_micros(1)).requests.is_empty());
    let retry = p.poll(wake).requests;
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].correlation_id, 1);
    assert_eq!(
        retry[0].partitions[0].batch.base_sequence, 0,
        "retries keep the sequence"
    );
    let done = respond(&mut p, wake, &retry[0], &[ok(tp(0), 0)]);
    assert_eq!(done[0].outcome, Outcome::Acked { base_offset: 0 });
    assert_eq!(done[0].attempts, 1);
    let s = p.stats();
    assert_eq!(
        (s.sent, s.acked, s.failed, s.retries, s.batches, s.requests),
        (1, 1, 0, 1, 1, 2)
    );
    assert_eq!(
        s.errors_by_name().into_iter().collect::<Vec<_>>(),
        vec![("REQUEST_TIMED_OUT", 1)]
    );
}

#[test]
fn retries_zero_fails_with_the_error() {
    let mut p = producer(&[("retries", "0")]);
    p.send(ms(0), rid(0), tp(0), 10).expect("send");
    let req = p.poll(ms(0)).requests;
    let done = respond(
        &mut p,
        ms(5),
        &req[0],
        &[err(tp(0), ErrorCode::NotEnoughReplicas)],
    );
    assert_eq!(
        done[0].outcome,
        Outcome::Failed {
            error: ErrorCode::NotEnoughReplicas,
            message: "Messages are rejected since there are fewer in-sync replicas than required.".into()
        }
    );
    assert_eq!((p.stats().failed, p.stats().retries), (1, 0));
    assert!(p.take_logs().is_empty());
}

#[test]
fn delivery_timeout_expiry_message() {
    let mut p = producer(&[]);
    p.set_producer_id(1, 0);
    p.send(ms(0), rid(0), tp(3), 10).expect("send"); // partition 3 has no leader
    assert!(p.poll(ms(0)).requests.is_empty());
    assert!(p.metadata().update_requested());
    assert_eq!(p.next_wakeup(ms(0)), Some(ms(120_000)));
    let out = p.poll(ms(120_001));
    assert_eq!(
        out.completions[0].outcome,
        Outcome::Failed {
            error: ErrorCode::RequestTimedOut,
            message: "Expiring 1 record(s) for t-3:120001 ms has passed since batch creation".into()
        }
    );
    assert_eq!(p.next_wakeup(ms(120_001)), None);
}

#[test]
fn in_flight_batch_expires_at_delivery_timeout_and_late_response_is_ignored() {
    let mut p = producer(&[("request.timeout.ms", "30000"), ("delivery.timeout.ms", "30000")]);
    p.set_producer_id(1, 0);
    p.send(ms(0), rid(0), tp(0), 10).expect("send");
    let req = p.poll(ms(0)).requests;
    assert_eq!(p.next_wakeup(ms(0)), Some(ms(30_000)));
    let out = p.poll(ms(30_000));
    assert!(
        matches!(&out.completions[0].outcome, Outcome::Failed { message, .. }
        if message == "Expiring 1 record(s) for t-0:30000 ms has passed since batch creation")
    );
    assert!(respond(&mut p, ms(30_000), &req[0], &[ok(tp(0), 0)]).is_empty());
    assert_eq!((p.stats().acked, p.stats().failed), (0, 1));
}

#[test]
fn acks_zero_completes_at_once_with_minus_one_and_never_retries() {
    let mut p = producer(&[("acks", "0")]);
    assert!(!p.needs_producer_id(), "acks=0 disables idempotence");
    p.send(ms(0), rid(0), tp(0), 10).expect("send");
    let out = p.poll(ms(0));
    assert_eq!(out.requests.len(), 1);
    assert!(!out.requests[0].expects_response());
    assert_eq!(out.completions.len(), 1);
    assert_eq!(out.completions[0].outcome, Outcome::Acked { base_offset: -1 });
    assert_eq!(p.in_flight(BrokerId(1)), 0);
    assert!(p.on_disconnect(ms(1), BrokerId(1)).is_empty());
    assert_eq!(p.next_wakeup(ms(1)), None);
    assert_eq!((p.stats().acked, p.stats().retries), (1, 0));
}

#[test]
fn not_leader_requests_metadata_update_and_retries_to_the_new_leader() {
    let mut p = producer(&[("enable.idempotence", "false"), ("acks", "1")]);
    p.send(ms(0), rid(0), tp(0), 10).expect("send");
    let req = p.poll(ms(0)).requests;
    assert!(
        respond(
            &mut p,
            ms(2),
            &req[0],
            &[err(tp(0), ErrorCode::NotLeaderOrFollower)]
        )
        .is_empty()
    );
    assert!(p.metadata().update_requested());
    let logs: Vec<String> = p.take_logs().into_iter().map(|l| l.message).collect();
    assert_eq!(
        logs[1],
        "Received invalid metadata error in produce request on partition t-0 due to \
         org.apache.kafka.common.errors.NotLeaderOrFollowerException: For requests intended only for the \
         leader, this error indicates that the broker is not the current leader. For requests intended for \
         any replica, this error indicates that the broker is not a replica of the topic partition. Going to \
         request metadata update now"
    );
    assert!(logs[0].ends_with("retrying (2147483646 attempts left). Error: NOT_LEADER_OR_FOLLOWER"));
    p.metadata_mut()
        .set_leader(tp(0), Some(BrokerId(2)), LeaderEpoch(1));
    p.metadata_mut().update_completed();
    let wake = p.next_wakeup(ms(2)).expect("backoff");
    let retry = p.poll(wake).requests;
    assert_eq!(retry[0].broker, BrokerId(2));
    let done = respond(&mut p, wake, &retry[0], &[ok(tp(0), 0)]);
    assert_eq!(done[0].outcome, Outcome::Acked { base_offset: 0 });
    assert_eq!(p.stats().error_count(ErrorCode::NotLeaderOrFollower), 1);
}

#[test]
fn disconnect_fails_in_flight_with_network_exception_and_retries() {
    let mut p = producer(&[("enable.idempotence", "false"), ("acks", "1")]);
    p.send(ms(0), rid(0), tp(0), 10).expect("send");
    p.poll(ms(0));
    assert!(p.on_disconnect(ms(1), BrokerId(1)).is_empty());
    let logs: Vec<String> = p.take_logs().into_iter().map(|l| l.message).collect();
    assert!(
        logs[0].ends_with("Error: NETWORK_EXCEPTION. Error Message: Disconnected from node 1"),
        "{logs:?}"
    );
    assert_eq!(p.accumulator().queued_batches(tp(0)), 1);
    assert_eq!(p.stats().error_count(ErrorCode::NetworkException), 1);
}

#[test]
fn non_idempotent_retries_with_several_in_flight_reorder_records() {
    let mut p = producer(&[("enable.idempotence", "false"), ("acks", "1")]);
    p.send(ms(0), rid(0), tp(0), 10).expect("send");
    let r0 = p.poll(ms(0)).requests;
    p.send(ms(1), rid(1), tp(0), 10).expect("send");
    let r1 = p.poll(ms(1)).requests;
    let mut acked = Vec::new();
    let first = respond(&mut p, ms(2), &r0[0], &[err(tp(0), ErrorCode::NotEnoughReplicas)]);
    assert!(first.is_empty(), "retriable: re-enqueued");
    for c in respond(&mut p, ms(3), &r1[0], &[ok(tp(0), 0)]) {
        acked.extend(ids(&c));
    }
    let wake = p.next_wakeup(ms(3)).expect("backoff");
    let retry = p.poll(wake).requests;
    assert_eq!(retry[0].partitions[0].batch.base_sequence, -1);
    for c in respond(&mut p, wake, &retry[0], &[ok(tp(0), 1)]) {
        assert_eq!(c.outcome, Outcome::Acked { base_offset: 1 });
        acked.extend(ids(&c));
    }
    assert_eq!(acked, vec![1, 0], "record 1 was written before record 0");
}

#[test]
fn idempotent_out_of_order_behind_a_failed_batch_is_retried_and_duplicate_is_success() {
    let mut p = producer(&[("retry.backoff.ms", "10")]);
    p.set_producer_id(5, 0);
    p.send(ms(0), rid(0), tp(0), 10).expect("send");
    let r0 = p.poll(ms(0)).requests;
    p.send(ms(1), rid(1), tp(0), 10).expect("send");
    let r1 = p.poll(ms(1)).requests;
    assert_eq!(r1[0].partitions[0].batch.base_sequence, 1);
    assert!(respond(&mut p, ms(2), &r0[0], &[err(tp(0), ErrorCode::NotEnoughReplicas)]).is_empty());
    // The broker never got sequence 0, so sequence 1 is out of order: retried, not failed.
    assert!(
        respond(
            &mut p,
            ms(3),
            &r1[0],
            &[err(tp(0), ErrorCode::OutOfOrderSequenceNumber)]
        )
        .is_empty()
    );
    let mut order = Vec::new();
    let mut now = ms(3);
    while let Some(wake) = p.next_wakeup(now) {
        now = wake;
        for req in p.poll(now).requests {
            let seq = req.partitions[0].batch.base_sequence;
            order.push(seq);
            let result = if seq == 1 {
                PartitionResult {
                    base_offset: 1,
                    ..err(tp(0), ErrorCode::DuplicateSequenceNumber)
                }
            } else {
                ok(tp(0), 0)
            };
            for c in respond(&mut p, now, &req, &[result]) {
                assert!(matches!(c.outcome, Outcome::Acked { .. }));
            }
        }
        if p.stats().acked == 2 {
            break;
        }
    }
    assert_eq!(order, vec![0, 1], "retried in sequence order");
    assert_eq!(p.accumulator().last_acked_sequence(tp(0)), Some(1));
}

#[test]
fn w1_like_load_batches_carry_the_records() {
    // 10,000 records/s for 60 s, linger.ms=5, acks=all, idempotent; every request answered at once.
    let mut p = producer(&[("linger.ms", "5")]);
    p.set_producer_id(1, 0);
    let mut offset = 0i64;
    let mut answer = |p: &mut Producer, now: SimTime| {
        for req in p.poll(now).requests {
            let count = req.partitions[0].batch.len() as i64;
            respond(p, now, &req, &[ok(tp(0), offset)]);
            offset += count;
        }
    };
    for n in 0..600_000u64 {
        let now = SimTime::from_micros(n * 100);
        p.send(now, rid(n), tp(0), 20).expect("send");
        if p.next_wakeup(now).is_some_and(|t| t <= now) {
            answer(&mut p, now);
        }
    }
    answer(&mut p, ms(60_005));
    let s = p.stats();
    // Each batch lingers 5 ms and holds 51 records (the one appended at the 5 ms mark included).
    assert_eq!(
        (s.sent, s.acked, s.batches, s.requests, s.retries),
        (600_000, 600_000, 11_765, 11_765, 0)
    );
    assert_eq!(p.accumulator().next_sequence(tp(0)), 600_000);
}
