//! A small cluster for the group-coordinator tests: ZooKeeper, brokers and a probe node, driven
//! through the kernel, with helpers to ask brokers and read the coordinator's events.
#![allow(dead_code)]

use kafka_sim::cluster::{
    BrokerNode, ClusterEvent, ClusterNode, ProbeNode, ReplicationSettings, TopicMeta, ZkNode, broker_node,
};
use kafka_sim::group::coordinator::{GroupEvent, GroupView, OFFSETS_TOPIC};
use kafka_sim::group::wire::{ClientRequest, ClientResponse};
use kafka_sim::ids::{BrokerId, NodeId};
use kafka_sim::kernel::{DEFAULT_TRACE_CAPACITY, Kernel, Network, TraceEvent};
use kafka_sim::record::{TopicIdx, TopicPartition};
use kafka_sim::replication::controller::PartitionRegistration;
use kafka_sim::sim::ZOOKEEPER;
use kafka_sim::{ErrorCode, SimRng, SimTime};

pub const G: &str = "data-platform-group";

pub struct Cluster {
    pub k: Kernel<ClusterNode>,
    pub probe: NodeId,
}

pub fn ms(v: u64) -> SimTime {
    SimTime::from_millis(v)
}

impl Cluster {
    /// ZooKeeper, `brokers` brokers and a probe, with topic `orders` (2 partitions, RF 3 or fewer),
    /// run for 2 s.
    pub fn new(brokers: u32) -> Cluster {
        let mut k = Kernel::new(
            SimRng::new(42),
            Network::new(ms(1), SimTime::ZERO),
            DEFAULT_TRACE_CAPACITY,
        );
        let r = ReplicationSettings::default();
        let orders = TopicMeta {
            idx: TopicIdx(0),
            name: "orders".into(),
            partitions: 2,
            replication_factor: brokers.min(3),
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            assignment: None,
        };
        k.add_node(ClusterNode::ZooKeeper(ZkNode::with_topics(vec![orders])));
        for b in 1..=brokers {
            k.add_node(ClusterNode::Broker(BrokerNode::with_settings(
                BrokerId(b as i32),
                ZOOKEEPER,
                r,
            )));
        }
        let probe = k.add_node(ClusterNode::Probe(ProbeNode::new()));
        let mut c = Cluster { k, probe };
        c.run_for(ms(2_000));
        c
    }

    pub fn run_for(&mut self, d: SimTime) {
        let t = self.k.now() + d;
        self.k.run_until(t);
    }

    pub fn zk(&self) -> &ZkNode {
        self.k
            .node(ZOOKEEPER)
            .and_then(ClusterNode::as_zookeeper)
            .unwrap()
    }

    pub fn broker(&self, b: BrokerId) -> &BrokerNode {
        self.k
            .node(broker_node(b))
            .and_then(ClusterNode::as_broker)
            .unwrap()
    }

    pub fn offsets_topic(&self) -> Option<&TopicMeta> {
        self.zk().topics().iter().find(|t| t.name == OFFSETS_TOPIC)
    }

    /// ZooKeeper's registration of `__consumer_offsets-<p>`.
    pub fn offsets_registration(&self, p: i32) -> Option<PartitionRegistration> {
        let idx = self.offsets_topic()?.idx;
        let tp = TopicPartition {
            topic: idx,
            partition: p,
        };
        self.zk().partition_states().get(&tp).cloned()
    }

    /// Sends `req` to broker `b` from the probe and runs `wait`; the answer, if any.
    pub fn ask_after(&mut self, b: BrokerId, req: ClientRequest, wait: SimTime) -> Option<ClientResponse> {
        let to = broker_node(b);
        let mut corr = 0;
        self.k.poke(self.probe, |n, _now, ctx| {
            if let ClusterNode::Probe(p) = n {
                corr = p.send(to, req, ctx);
            }
        });
        self.run_for(wait);
        self.probe().answer(corr).cloned()
    }

    pub fn ask(&mut self, b: BrokerId, req: ClientRequest) -> ClientResponse {
        self.ask_after(b, req, ms(20)).expect("an answer within 20 ms")
    }

    /// Sends without waiting; returns the correlation id.
    pub fn send(&mut self, b: BrokerId, req: ClientRequest) -> i32 {
        let to = broker_node(b);
        let mut corr = 0;
        self.k.poke(self.probe, |n, _now, ctx| {
            if let ClusterNode::Probe(p) = n {
                corr = p.send(to, req, ctx);
            }
        });
        corr
    }

    pub fn probe(&self) -> &ProbeNode {
        self.k.node(self.probe).and_then(ClusterNode::as_probe).unwrap()
    }

    pub fn find_coordinator(&mut self, via: BrokerId) -> (ErrorCode, Option<BrokerId>) {
        match self.ask(via, ClientRequest::FindCoordinator { key: G.into() }) {
            ClientResponse::FindCoordinator { error, coordinator } => (error, coordinator),
            r => panic!("{r:?}"),
        }
    }

    /// FindCoordinator until it answers (the topic is created on the first one).
    pub fn coordinator(&mut self) -> BrokerId {
        for _ in 0..50 {
            if let (ErrorCode::None, Some(b)) = self.find_coordinator(BrokerId(1)) {
                return b;
            }
            self.run_for(ms(100));
        }
        panic!("no coordinator");
    }

    pub fn group(&self, b: BrokerId) -> Option<GroupView> {
        self.broker(b).coordinator().group(G)
    }

    pub fn group_events(&self) -> Vec<GroupEvent> {
        self.k
            .trace()
            .entries()
            .filter_map(|e| match &e.event {
                TraceEvent::Node {
                    event: ClusterEvent::Group { event, .. },
                    ..
                } => Some(event.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn logs(&self) -> Vec<String> {
        (self.group_events().into_iter())
            .filter_map(|e| match e {
                GroupEvent::Log { message, .. } => Some(message),
                _ => None,
            })
            .collect()
    }
}
