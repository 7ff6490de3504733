//! What Kafka's command-line tools ask of a running [`Simulation`]: the admin side of
//! `kafka-topics` (topic metadata, CreateTopics), a client node that sends the consumer wire
//! protocol's requests for the console consumer and `kafka-consumer-groups`, console producers
//! started at runtime, and the contents of the records they sent (the simulated logs keep record
//! ids, not bytes).
//!
//! Topic creation goes through the cluster as in ZooKeeper mode: the broker the tool talks to
//! validates the request (name, partitions, replication factor against the live brokers, configs)
//! and writes `/brokers/topics/<name>` to ZooKeeper ([`ClusterMsg::ZkCreateTopic`]); ZooKeeper fires
//! the controller's watch; the controller assigns replicas, elects leaders and sends LeaderAndIsr.

use super::Simulation;
use crate::cluster::{ClusterMsg, ClusterNode, ProbeNode, ProducerNode, ProducerSetup, TopicMeta};
use crate::config::{self, ConfigScope, ProducerConfig, Value};
use crate::group::wire::{ClientRequest, ClientResponse};
use crate::ids::{BrokerId, NodeId};
use crate::record::{ProducerRef, RecordId, TopicIdx, TopicPartition};
use crate::rng::SimRng;
use crate::scenario::{KeyTemplate, Template};
use crate::sim::ZOOKEEPER;
use std::collections::BTreeMap;

/// The internal topic of the group coordinators.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// The longest legal topic name (`Topic.MAX_NAME_LENGTH`).
pub const MAX_TOPIC_NAME_LENGTH: usize = 249;

/// The most record contents remembered (older ones print as their record id).
pub const MAX_REMEMBERED_RECORDS: usize = 100_000;

/// What the simulation keeps for the tools: the client node, config overrides given at creation,
/// and the contents of records sent from the console producer.
#[derive(Clone, Debug, Default)]
pub(super) struct AdminState {
    probe: Option<NodeId>,
    configs: BTreeMap<String, Vec<(String, String)>>,
    records: BTreeMap<RecordId, (Option<String>, String)>,
}

/// One partition as `kafka-topics --describe` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionDescription {
    /// The partition id.
    pub partition: i32,
    /// Its leader, or `None` (`Leader: none`).
    pub leader: Option<BrokerId>,
    /// Its replicas, in assignment order.
    pub replicas: Vec<BrokerId>,
    /// Its in-sync replicas.
    pub isr: Vec<BrokerId>,
}

/// One topic as `kafka-topics --describe` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicDescription {
    /// Its name.
    pub name: String,
    /// Its topic id (22 characters of URL-safe base64).
    pub topic_id: String,
    /// Whether it is internal (`__consumer_offsets`).
    pub internal: bool,
    /// Its configs whose source is not the default, in order.
    pub configs: Vec<(String, String)>,
    /// Its partitions, by id.
    pub partitions: Vec<PartitionDescription>,
    /// Whether it is marked for deletion (the deletion waits for a replica).
    pub marked_for_deletion: bool,
}

/// A CreateTopics request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTopic {
    /// The name.
    pub name: String,
    /// The partition count.
    pub partitions: i32,
    /// The replication factor.
    pub replication_factor: i32,
    /// Topic config overrides.
    pub configs: Vec<(String, String)>,
}

/// A Kafka error an admin request ends with: its exception's simple name and message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AdminError {
    /// The exception class's simple name (`InvalidReplicationFactorException`).
    pub exception: &'static str,
    /// Kafka's message.
    pub message: String,
}

impl AdminError {
    fn new(exception: &'static str, message: impl Into<String>) -> Self {
        AdminError {
            exception,
            message: message.into(),
        }
    }
}

/// `Topic.validate`: why `name` cannot be a topic's name, if it cannot.
pub fn validate_topic_name(name: &str) -> Result<(), AdminError> {
    let bad = |m: String| Err(AdminError::new("InvalidTopicException", m));
    if name.is_empty() {
        return bad("Topic name is illegal, it can't be empty".into());
    }
    if name == "." || name == ".." {
        return bad("Topic name cannot be \".\" or \"..\"".into());
    }
    if name.len() > MAX_TOPIC_NAME_LENGTH {
        return bad(format!(
            "Topic name is illegal, it can't be longer than {MAX_TOPIC_NAME_LENGTH} characters, topic name: {name}"
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return bad(format!(
            "Topic name is invalid: '{name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        ));
    }
    Ok(())
}

/// A topic's id: 16 bytes drawn from the seed and the name (not from the run's random stream),
/// printed as Kafka's `Uuid.toString` does (URL-safe base64 without padding).
pub fn topic_id(seed: u64, name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut rng = SimRng::new(seed ^ h);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&rng.next_u64().to_be_bytes());
    bytes[8..].copy_from_slice(&rng.next_u64().to_be_bytes());
    base64_url(&bytes)
}

fn base64_url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

impl Simulation {
    /// The brokers registered in ZooKeeper (alive), in id order.
    pub fn live_broker_ids(&self) -> Vec<BrokerId> {
        self.zookeeper().registered_brokers().collect()
    }

    /// Whether broker `b` exists and its process is up.
    pub fn broker_is_up(&self, b: BrokerId) -> bool {
        self.broker_node(b).is_some_and(|n| self.kernel.is_up(n))
    }

    /// The created topics (those the controller assigned), as ZooKeeper holds them.
    fn created_topics(&self) -> impl Iterator<Item = &TopicMeta> {
        self.zookeeper()
            .topics()
            .iter()
            .filter(|t| t.assignment.is_some())
    }

    /// The names of the created topics, sorted.
    pub fn topic_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.created_topics().map(|t| t.name.clone()).collect();
        crate::sort::sort(&mut names);
        names
    }

    /// The partition count of created topic `name`.
    pub fn topic_partition_count(&self, name: &str) -> Option<u32> {
        self.created_topics()
            .find(|t| t.name == name)
            .map(|t| t.partitions)
    }

    /// Topic `name` (created or requested) and its index.
    pub fn topic_idx_of(&self, name: &str) -> Option<TopicIdx> {
        (self.zookeeper().topics().iter())
            .find(|t| t.name == name)
            .map(|t| t.idx)
    }

    /// Whether every partition of topic `name` has a state in ZooKeeper (the controller created it).
    pub fn topic_ready(&self, name: &str) -> bool {
        let zk = self.zookeeper();
        let Some(t) = zk
            .topics()
            .iter()
            .find(|t| t.name == name && t.assignment.is_some())
        else {
            return false;
        };
        (0..t.partitions).all(|p| {
            let tp = TopicPartition {
                topic: t.idx,
                partition: i32::try_from(p).unwrap_or(i32::MAX),
            };
            zk.partition_states().get(&tp).is_some_and(|r| r.leader.is_some())
        })
    }

    /// The created topics as `kafka-topics --describe` shows them, sorted by name.
    pub fn topic_descriptions(&self) -> Vec<TopicDescription> {
        let zk = self.zookeeper();
        let r = self.spec.replication;
        let mut out: Vec<TopicDescription> = self
            .created_topics()
            .map(|t| {
                let internal = t.name == OFFSETS_TOPIC;
                let configs = if internal {
                    vec![
                        ("compression.type".to_string(), "producer".to_string()),
                        ("cleanup.policy".to_string(), "compact".to_string()),
                        ("segment.bytes".to_string(), "104857600".to_string()),
                    ]
                } else {
                    let mut c: Vec<(String, String)> =
                        self.admin.configs.get(&t.name).cloned().unwrap_or_default();
                    let mut set = |k: &str, v: String| {
                        if !c.iter().any(|(n, _)| n == k) {
                            c.push((k.to_string(), v));
                        }
                    };
                    if t.min_insync_replicas != r.min_insync_replicas {
                        set("min.insync.replicas", t.min_insync_replicas.to_string());
                    }
                    if t.unclean_leader_election_enable != r.unclean_leader_election_enable {
                        set(
                            "unclean.leader.election.enable",
                            t.unclean_leader_election_enable.to_string(),
                        );
                    }
                    c
                };
                let partitions = (0..t.partitions)
                    .map(|p| {
                        let partition = i32::try_from(p).unwrap_or(i32::MAX);
                        let tp = TopicPartition {
                            topic: t.idx,
                            partition,
                        };
                        let assigned = (t.assignment.as_ref())
                            .and_then(|a| a.get(p as usize))
                            .cloned()
                            .unwrap_or_default();
                        match zk.partition_states().get(&tp) {
                            Some(reg) => PartitionDescription {
                                partition,
                                leader: reg.leader,
                                replicas: reg.replicas.clone(),
                                isr: reg.isr.clone(),
                            },
                            None => PartitionDescription {
                                partition,
                                leader: None,
                                replicas: assigned,
                                isr: Vec::new(),
                            },
                        }
                    })
                    .collect();
                TopicDescription {
                    name: t.name.clone(),
                    topic_id: topic_id(self.spec.seed, &t.name),
                    internal,
                    configs,
                    partitions,
                    marked_for_deletion: zk.marked_for_deletion(t.idx),
                }
            })
            .collect();
        crate::sort::sort_by(&mut out, |a, b| a.name.cmp(&b.name));
        out
    }

    /// Checks a CreateTopics request as the broker does (`AdminZkClient.validateTopicCreate`).
    pub fn validate_new_topic(&self, t: &NewTopic) -> Result<(), AdminError> {
        validate_topic_name(&t.name)?;
        if self.zookeeper().topics().iter().any(|x| x.name == t.name) {
            return Err(AdminError::new(
                "TopicExistsException",
                format!("Topic '{}' already exists.", t.name),
            ));
        }
        if t.partitions <= 0 {
            return Err(AdminError::new(
                "InvalidPartitionsException",
                "Number of partitions must be larger than 0.",
            ));
        }
        // Kafka takes any positive count (and a broker runs out of memory long before 2^31); the
        // simulator's bound is the one scenario files have.
        if u32::try_from(t.partitions).is_ok_and(|p| p > crate::scenario::MAX_PARTITIONS) {
            return Err(AdminError::new(
                "InvalidPartitionsException",
                format!(
                    "The simulator supports at most {} partitions per topic, got {}.",
                    crate::scenario::MAX_PARTITIONS,
                    t.partitions
                ),
            ));
        }
        if t.replication_factor <= 0 {
            return Err(AdminError::new(
                "InvalidReplicationFactorException",
                "Replication factor must be larger than 0.",
            ));
        }
        let live = self.live_broker_ids().len();
        if usize::try_from(t.replication_factor).unwrap_or(usize::MAX) > live {
            return Err(AdminError::new(
                "InvalidReplicationFactorException",
                format!(
                    "Replication factor: {} larger than available brokers: {live}.",
                    t.replication_factor
                ),
            ));
        }
        for (k, v) in &t.configs {
            let Some(key) = config::definition(ConfigScope::Topic, k) else {
                return Err(AdminError::new(
                    "InvalidConfigurationException",
                    format!("Unknown topic config name: {k}"),
                ));
            };
            let invalid =
                |e: config::ConfigError| AdminError::new("InvalidConfigurationException", e.to_string());
            let parsed = config::def::parse_type(key, v).map_err(invalid)?;
            config::def::ensure_valid(key, &parsed).map_err(invalid)?;
        }
        Ok(())
    }

    /// Sends a validated CreateTopics through broker `via`: it writes `/brokers/topics/<name>` and
    /// the controller creates the partitions. Run the simulation until [`Simulation::topic_ready`].
    pub fn create_topic(&mut self, via: BrokerId, t: &NewTopic) -> Result<(), AdminError> {
        self.validate_new_topic(t)?;
        let r = self.spec.replication;
        let mut min_isr = r.min_insync_replicas;
        let mut unclean = r.unclean_leader_election_enable;
        for (k, v) in &t.configs {
            let Some(key) = config::definition(ConfigScope::Topic, k) else {
                continue;
            };
            match (k.as_str(), config::def::parse_type(key, v)) {
                ("min.insync.replicas", Ok(v)) => {
                    min_isr = v.as_i64().and_then(|m| i32::try_from(m).ok()).unwrap_or(min_isr);
                }
                ("unclean.leader.election.enable", Ok(Value::Bool(b))) => unclean = b,
                _ => {}
            }
        }
        let meta = TopicMeta {
            idx: TopicIdx(0),
            name: t.name.clone(),
            partitions: u32::try_from(t.partitions).unwrap_or(1),
            replication_factor: u32::try_from(t.replication_factor).unwrap_or(1),
            min_insync_replicas: min_isr,
            unclean_leader_election_enable: unclean,
            assignment: None,
        };
        if !t.configs.is_empty() {
            self.admin.configs.insert(t.name.clone(), t.configs.clone());
        }
        let from = self.broker_node(via).unwrap_or(ZOOKEEPER);
        self.kernel
            .post(from, ZOOKEEPER, ClusterMsg::ZkCreateTopic { topic: meta });
        Ok(())
    }

    /// The tools' client node (created at first use).
    fn probe(&mut self) -> NodeId {
        if let Some(p) = self.admin.probe {
            return p;
        }
        let id = self.kernel.add_node(ClusterNode::Probe(ProbeNode::new()));
        self.admin.probe = Some(id);
        id
    }

    /// Sends `request` from the tools' client to broker `to`; returns its correlation id, or `None`
    /// when the broker does not exist.
    pub fn client_request(&mut self, to: BrokerId, request: ClientRequest) -> Option<i32> {
        let node = self.broker_node(to)?;
        let probe = self.probe();
        let mut corr = None;
        self.kernel.poke(probe, |n, _, ctx| {
            if let ClusterNode::Probe(p) = n {
                corr = Some(p.send(node, request, ctx));
            }
        });
        corr
    }

    /// The answer to the tools' request `correlation_id`, once it came.
    pub fn client_answer(&self, correlation_id: i32) -> Option<&ClientResponse> {
        let probe = self.admin.probe?;
        self.kernel.node(probe)?.as_probe()?.answer(correlation_id)
    }

    /// Starts a producer client for topic `topic` (which must exist) sending nothing by itself, as
    /// `kafka-console-producer` does; returns its name (for [`Simulation::send_record`]).
    pub fn start_console_producer(&mut self, topic: &str, config: ProducerConfig) -> Option<String> {
        let idx = self.topic_idx_of(topic)?;
        let partitions = self.topic_partition_count(topic)?;
        let index = u16::try_from(self.producer_nodes().len()).ok()?;
        let name = format!("console-producer-{index}");
        let setup = ProducerSetup {
            name: name.clone(),
            topic: topic.to_string(),
            rate: 0.0,
            keys: KeyTemplate::Null,
            value: Template::parse("").ok()?,
            config,
        };
        let brokers: Vec<BrokerId> = (1..=self.spec.brokers).map(|b| BrokerId(b as i32)).collect();
        let rng =
            SimRng::new(self.spec.seed ^ 0xC0_5013 ^ u64::from(index).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let node = ProducerNode::new(index, setup, idx, partitions, brokers, rng);
        let id = self.kernel.add_node(ClusterNode::Producer(node));
        self.register_producer(id);
        Some(name)
    }

    /// Remembers what record `id` holds (the console producer's line).
    pub fn note_record_content(&mut self, id: RecordId, key: Option<String>, value: String) {
        if self.admin.records.len() >= MAX_REMEMBERED_RECORDS {
            self.admin.records.pop_first();
        }
        self.admin.records.insert(id, (key, value));
    }

    /// What record `id` holds: the console producer's line, or a scenario producer's templates.
    pub fn record_content(&self, id: RecordId) -> (Option<String>, String) {
        if let Some((k, v)) = self.admin.records.get(&id) {
            return (k.clone(), v.clone());
        }
        let ProducerRef(p) = id.producer();
        match self.spec.producers.get(usize::from(p)) {
            Some(s) => (s.keys.render(id.n()), s.value.render(id.n())),
            None => (None, id.to_string()),
        }
    }

    /// Every consumer group a live coordinator has loaded, sorted.
    pub fn group_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = (self.kernel.nodes())
            .filter(|(id, _)| self.kernel.is_up(*id))
            .filter_map(|(_, n)| n.as_broker())
            .flat_map(|b| b.group_views().into_iter().map(|g| g.group_id))
            .collect();
        crate::sort::sort(&mut ids);
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_ids_are_22_url_safe_characters() {
        let id = topic_id(42, "reserve");
        assert_eq!(id.len(), 22);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(id, topic_id(42, "reserve"));
        assert_ne!(id, topic_id(42, "orders"));
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64_url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_url(b"fo"), "Zm8");
    }

    #[test]
    fn topic_names_are_validated_as_kafka_does() {
        assert!(validate_topic_name("reserve").is_ok());
        assert!(validate_topic_name("a.b_c-1").is_ok());
        assert!(validate_topic_name("..").is_err());
        let e = validate_topic_name("my topic").unwrap_err();
        assert_eq!(
            e.message,
            "Topic name is invalid: 'my topic' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        );
    }
}
