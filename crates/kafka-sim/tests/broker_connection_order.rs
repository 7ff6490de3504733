//! A broker handles one request per client connection at a time (Kafka's `SocketServer` mutes a
//! channel from reading a request until its response is sent), so responses come back in request
//! order even when an acks=all produce waits for a slow follower and the client pipelines several.

use kafka_sim::cluster::{
    BrokerNode, ClusterMsg, ClusterNode, ProbeNode, ReplicationSettings, TopicMeta, ZkNode, broker_node,
};
use kafka_sim::error_code::ErrorCode;
use kafka_sim::ids::{BrokerId, NodeId};
use kafka_sim::kernel::{DEFAULT_TRACE_CAPACITY, Direction, Kernel, Network};
use kafka_sim::record::{ProducerRef, RecordId, TopicIdx, TopicPartition};
use kafka_sim::scenario::Scenario;
use kafka_sim::sim::{ZOOKEEPER, run_scenario};
use kafka_sim::{SimRng, SimTime};

fn ms(v: u64) -> SimTime {
    SimTime::from_millis(v)
}

fn tp(partition: i32) -> TopicPartition {
    TopicPartition {
        topic: TopicIdx(0),
        partition,
    }
}

/// ZooKeeper, brokers 1-3 and a probe; topic `orders` with partition 0 on brokers [1, 2] and
/// partition 1 on [1, 3] (broker 1 leads both), run until the leaders are elected.
fn cluster() -> (Kernel<ClusterNode>, NodeId) {
    let mut k = Kernel::new(
        SimRng::new(42),
        Network::new(ms(1), SimTime::ZERO),
        DEFAULT_TRACE_CAPACITY,
    );
    let orders = TopicMeta {
        idx: TopicIdx(0),
        name: "orders".into(),
        partitions: 2,
        replication_factor: 2,
        min_insync_replicas: 1,
        unclean_leader_election_enable: false,
        assignment: Some(vec![
            vec![BrokerId(1), BrokerId(2)],
            vec![BrokerId(1), BrokerId(3)],
        ]),
    };
    k.add_node(ClusterNode::ZooKeeper(ZkNode::with_topics(vec![orders])));
    for b in 1..=3 {
        let node = BrokerNode::with_settings(BrokerId(b), ZOOKEEPER, ReplicationSettings::default());
        k.add_node(ClusterNode::Broker(node));
    }
    let probe = k.add_node(ClusterNode::Probe(ProbeNode::new()));
    k.run_until(ms(3_000));
    (k, probe)
}

fn produce(correlation_id: i32, partition: i32, now: SimTime) -> ClusterMsg {
    let ids = (0..3).map(|i| RecordId::new(ProducerRef(0), u64::from(correlation_id as u32) * 10 + i));
    let batch = kafka_sim::cluster::broker::direct_batch(ids.collect(), now);
    ClusterMsg::Produce {
        correlation_id,
        acks: -1,
        timeout_ms: 30_000,
        partitions: vec![(tp(partition), batch)],
    }
}

/// Runs until `until`, returning the ProduceResponses sent to `to` in the order they were sent:
/// (correlation id, errors).
fn produce_responses(k: &mut Kernel<ClusterNode>, to: NodeId, until: SimTime) -> Vec<(i32, Vec<ErrorCode>)> {
    let mut seen: Vec<(SimTime, i32, Vec<ErrorCode>)> = Vec::new();
    while k.next_event_time().is_some_and(|t| t <= until) {
        k.step();
        for f in k.in_flight() {
            if let ClusterMsg::ProduceResponse {
                correlation_id,
                results,
            } = f.msg
                && f.to == to
                && !seen.iter().any(|(_, c, _)| c == correlation_id)
            {
                let errors = results.iter().map(|r| r.error).collect();
                seen.push((f.sent_at, *correlation_id, errors));
            }
        }
    }
    // With a fixed latency and no jitter, the send order is the arrival order.
    seen.sort_by_key(|(at, _, _)| *at);
    seen.into_iter().map(|(_, c, e)| (c, e)).collect()
}

#[test]
fn acks_all_responses_on_one_connection_come_back_in_request_order() {
    let (mut k, probe) = cluster();
    // Broker 2 (partition 0's follower) is slow: 40 ms each way.
    let (b1, b2) = (broker_node(BrokerId(1)), broker_node(BrokerId(2)));
    k.network_mut().set_latency(b1, b2, ms(40), Direction::Both);
    let now = k.now();
    // Pipelined: 1 to the slow partition, then 2 and 3 to the fast one.
    k.post(probe, b1, produce(1, 0, now));
    k.post(probe, b1, produce(2, 1, now));
    k.post(probe, b1, produce(3, 1, now));
    let got = produce_responses(&mut k, probe, now + ms(1_000));
    let order: Vec<i32> = got.iter().map(|(c, _)| *c).collect();
    assert_eq!(order, vec![1, 2, 3], "{got:?}");
    assert!(
        got.iter().all(|(_, e)| e.iter().all(|c| *c == ErrorCode::None)),
        "{got:?}"
    );
}

#[test]
fn a_produce_queued_behind_a_slow_one_is_appended_only_when_the_first_is_answered() {
    let (mut k, probe) = cluster();
    let (b1, b2) = (broker_node(BrokerId(1)), broker_node(BrokerId(2)));
    k.network_mut().set_latency(b1, b2, ms(40), Direction::Both);
    let now = k.now();
    k.post(probe, b1, produce(1, 0, now));
    k.post(probe, b1, produce(2, 1, now));
    k.run_until(now + ms(20));
    let leo = |k: &Kernel<ClusterNode>| {
        let b = k.node(b1).and_then(ClusterNode::as_broker).expect("broker 1");
        b.partition(tp(1)).expect("partition 1").log.log_end_offset()
    };
    // Request 2 waits in the socket buffer while request 1 waits for the slow follower.
    assert_eq!(leo(&k), 0);
    k.run_until(now + ms(1_000));
    assert_eq!(leo(&k), 3);
}

#[test]
fn busy_scenario_without_faults_has_no_disconnects() {
    let path = format!("{}/../../tests/scenarios/busy.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("scenario file");
    let mut scenario = Scenario::from_toml_str(&text).expect("valid scenario");
    scenario.duration = ms(15_000);
    let sim = run_scenario(&scenario, None).expect("valid spec");
    for p in sim.producers() {
        let s = p.producer().stats();
        assert_eq!(s.error_count(ErrorCode::NetworkException), 0, "{s:?}");
        assert_eq!(s.retries, 0, "{s:?}");
        assert_eq!(s.failed, 0, "{s:?}");
    }
    let r = sim.durability_report();
    assert_eq!((r.acked_lost, r.duplicates, r.reordered), (0, 0, 0), "{r:?}");
    // Each producer's records are acknowledged within a few replication round trips.
    for i in 0..2 {
        let h = sim.producer_latency(i).expect("latencies").summary();
        assert!(h.p99 < 200.0, "producer {i}: p99 {} ms", h.p99);
    }
}
