//! The consumer's data requests on real brokers: ListOffsets on the leader only, and Fetch up to
//! the high watermark, held for min_bytes and answered early once records are committed.

#[path = "support/group_cluster.rs"]
mod group_cluster;

use group_cluster::{Cluster, ms};
use kafka_sim::ErrorCode;
use kafka_sim::cluster::broker_node;
use kafka_sim::cluster::{ClusterMsg, ClusterNode, ProbeNode};
use kafka_sim::group::wire::{ClientRequest, ClientResponse, ConsumerFetchPartition, OffsetSpec};
use kafka_sim::ids::BrokerId;
use kafka_sim::record::{ProducerRef, RecordId, TopicIdx, TopicPartition};
use std::sync::Arc;

#[test]
fn list_offsets_and_consumer_fetch_on_the_leader() {
    let mut cl = Cluster::new(3);
    let tp = TopicPartition {
        topic: TopicIdx(0),
        partition: 0,
    };
    let leader = cl
        .zk()
        .partition_states()
        .get(&tp)
        .and_then(|r| r.leader)
        .unwrap();
    let follower = (1..=3).map(BrokerId).find(|b| *b != leader).unwrap();
    let list = ClientRequest::ListOffsets {
        partitions: vec![(tp, OffsetSpec::Earliest), (tp, OffsetSpec::Latest)],
    };
    assert_eq!(
        cl.ask(leader, list.clone()),
        ClientResponse::ListOffsets {
            partitions: vec![(tp, ErrorCode::None, 0), (tp, ErrorCode::None, 0)]
        }
    );
    assert_eq!(
        cl.ask(follower, list),
        ClientResponse::ListOffsets {
            partitions: vec![
                (tp, ErrorCode::NotLeaderOrFollower, -1),
                (tp, ErrorCode::NotLeaderOrFollower, -1)
            ]
        }
    );
    let fetch = |offset: i64, epoch: i32| ClientRequest::Fetch {
        partitions: vec![ConsumerFetchPartition {
            tp,
            fetch_offset: offset,
            current_leader_epoch: epoch,
        }],
        max_wait_ms: 500,
        min_bytes: 1,
        max_bytes: 52_428_800,
        max_partition_bytes: 1_048_576,
    };
    let errors = |r: ClientResponse| match r {
        ClientResponse::Fetch { partitions } => partitions.iter().map(|p| p.error).collect::<Vec<_>>(),
        r => panic!("{r:?}"),
    };
    assert_eq!(
        errors(cl.ask(follower, fetch(0, 0))),
        vec![ErrorCode::NotLeaderOrFollower]
    );
    assert_eq!(
        errors(cl.ask(leader, fetch(5, 0))),
        vec![ErrorCode::OffsetOutOfRange]
    );
    assert_eq!(
        errors(cl.ask(leader, fetch(0, 3))),
        vec![ErrorCode::UnknownLeaderEpoch]
    );
    // An empty partition: the fetch is held, then answered early once records are committed.
    let start = cl.k.now();
    let corr = cl.send(leader, fetch(0, 0));
    cl.run_for(ms(100));
    assert_eq!(cl.probe().answer(corr), None, "held for min_bytes");
    let recs: Arc<[RecordId]> = (0..3).map(|i| RecordId::new(ProducerRef(0), i)).collect();
    cl.k.poke(broker_node(leader), |n, now, ctx| {
        if let ClusterNode::Broker(b) = n {
            b.append_as_leader(now, tp, recs, -1, ctx).unwrap();
        }
    });
    cl.run_for(ms(100));
    let (at, _, _, r) = cl
        .probe()
        .inbox
        .iter()
        .find(|(_, _, c, _)| *c == corr)
        .cloned()
        .expect("answered early");
    assert!(at - start < ms(500), "answered at {at:?}, before max_wait");
    match r {
        ClientResponse::Fetch { partitions } => {
            assert_eq!(partitions[0].high_watermark, 3);
            assert_eq!(partitions[0].batches.iter().map(|b| b.len()).sum::<usize>(), 3);
        }
        r => panic!("{r:?}"),
    }
    // Nothing new: answered empty at max_wait.
    let corr = cl.send(leader, fetch(3, 0));
    cl.run_for(ms(499));
    assert_eq!(cl.probe().answer(corr), None);
    cl.run_for(ms(10));
    assert!(
        matches!(cl.probe().answer(corr), Some(ClientResponse::Fetch { partitions }) if partitions[0].batches.is_empty())
    );
}

#[test]
fn a_lone_replicas_append_answers_a_held_fetch_at_once() {
    let mut cl = Cluster::new(1);
    let tp = TopicPartition {
        topic: TopicIdx(0),
        partition: 1,
    };
    let fetch = ClientRequest::Fetch {
        partitions: vec![ConsumerFetchPartition {
            tp,
            fetch_offset: 0,
            current_leader_epoch: -1,
        }],
        max_wait_ms: 500,
        min_bytes: 1,
        max_bytes: 52_428_800,
        max_partition_bytes: 1_048_576,
    };
    let corr = cl.send(BrokerId(1), fetch);
    cl.run_for(ms(50));
    assert_eq!(cl.probe().answer(corr), None);
    let batch = kafka_sim::cluster::broker::direct_batch(
        (0..2).map(|i| RecordId::new(ProducerRef(0), i)).collect(),
        cl.k.now(),
    );
    let produce = ClusterMsg::Produce {
        correlation_id: 1,
        acks: 1,
        timeout_ms: 30_000,
        partitions: vec![(tp, batch)],
    };
    // From a producer: its own connection (on the probe's, it would wait behind the held fetch).
    let producer = cl.k.add_node(ClusterNode::Probe(ProbeNode::new()));
    cl.k.post(producer, broker_node(BrokerId(1)), produce);
    cl.run_for(ms(5));
    match cl.probe().answer(corr) {
        Some(ClientResponse::Fetch { partitions }) => assert_eq!(
            (partitions[0].high_watermark, partitions[0].batches.len()),
            (2, 1)
        ),
        other => panic!("not answered at the append: {other:?}"),
    }
}
