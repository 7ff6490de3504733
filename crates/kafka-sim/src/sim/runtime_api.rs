//! What a user does to a running [`Simulation`], now: broker faults, member actions, option
//! changes and hand-sent records, each checked first (an invalid value changes nothing and gives
//! Kafka's own validation message), plus fine-grained stepping for a time-travelling session.
//!
//! - **Producer options** restart the producer with the new configuration, as an application does
//!   (`close()`, which drains, then a new `KafkaProducer`); record numbering goes on, so the
//!   durability oracle sees one sequence.
//! - **Consumer options** restart the group's members (or one member) with the new configuration:
//!   `close()` (commit, LeaveGroup), then a new client joins.
//! - **Topic configs** `min.insync.replicas` and `unclean.leader.election.enable` are dynamic, as
//!   `kafka-configs --alter --entity-type topics` sets them: ZooKeeper's `/config/topics`, every
//!   live broker, and the controller (enabling unclean election elects offline partitions).
//! - **`replica.lag.time.max.ms`** is read-only in Kafka 3.7: the change goes into every broker's
//!   `server.properties` and takes effect when that broker next starts.

use super::{Simulation, ZOOKEEPER};
use crate::cluster::ClusterNode;
use crate::cluster::producer_node::{ManualRecord, SendOneError};
use crate::config::{self, ConfigScope, ConsumerConfig, Originals, ProducerConfig, Value};
use crate::group::delivery::MemberRef;
use crate::ids::{BrokerId, NodeId};
use crate::kernel::fault::{Direction, Fault};
use crate::record::{RecordId, TopicIdx, TopicPartition};
use crate::scenario::{MemberAddr, MemberFault, MemberTarget, PauseKind, ProcessingTime};
use crate::time::SimTime;

/// The topic configs a running topic can change.
pub const DYNAMIC_TOPIC_CONFIGS: [&str; 2] = ["min.insync.replicas", "unclean.leader.election.enable"];

/// The broker configs the simulator lets a user change while it runs.
pub const RUNTIME_BROKER_CONFIGS: [&str; 1] = ["replica.lag.time.max.ms"];

/// The most members a group may grow to by hand.
pub const MAX_ADDED_MEMBER: u16 = 1_000;

/// Why a runtime change was refused; nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    /// An invalid value: Kafka's own validation message.
    #[error("{0}")]
    Config(String),
    /// No such producer.
    #[error("no producer named '{0}'")]
    UnknownProducer(String),
    /// No such consumer group.
    #[error("no consumer group '{0}'")]
    UnknownGroup(String),
    /// No such member (not started, or never added).
    #[error("no member {group}/{member}")]
    UnknownMember {
        /// The group id.
        group: String,
        /// The member's number.
        member: u16,
    },
    /// No such topic.
    #[error("no topic '{0}'")]
    UnknownTopic(String),
    /// No such broker.
    #[error("no broker {0}")]
    UnknownBroker(i32),
    /// A property this control cannot change while running.
    #[error("{name} cannot be changed on a running {what} here; the ones that can: {allowed}")]
    NotChangeable {
        /// The property.
        name: String,
        /// Topic, broker or consumer group.
        what: &'static str,
        /// The properties that can.
        allowed: String,
    },
    /// The record cannot be sent (Kafka's exception message).
    #[error("{0}")]
    Send(String),
    /// The group has as many members as it may have.
    #[error("group '{0}' already has the most members allowed")]
    TooManyMembers(String),
}

/// A broker fault a user can click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrokerAction {
    /// The process dies at once.
    Crash,
    /// A crashed broker starts again.
    Restart,
    /// Every link to and from it is cut.
    Isolate,
    /// Every link to and from it gets this one-way latency.
    Slow(SimTime),
}

/// A member action a user can click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberAction {
    /// The process dies: no commit, no LeaveGroup.
    Crash,
    /// A crashed or closed member starts again.
    Restart,
    /// `close()`.
    Close,
    /// The member stalls for a while.
    Pause(SimTime, PauseKind),
}

/// A record sent by hand: its id and the partition its key hashed to (or the sticky choice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SentRecord {
    /// The producer's index.
    pub producer: u16,
    /// The record's id.
    pub id: RecordId,
    /// Where it went.
    pub tp: TopicPartition,
}

mod load;
pub use load::{LoadChange, check_rate};

fn bad_config(e: config::ConfigError) -> RuntimeError {
    RuntimeError::Config(e.to_string())
}

/// `originals` with `name` set to `value`.
fn with_property(originals: &Originals, name: &str, value: &str) -> Originals {
    let mut o = originals.clone();
    o.set(name, value);
    o
}

impl Simulation {
    /// When the next unit of work is due: a kernel event, a scenario fault, a member start or a
    /// lag sample.
    pub fn next_work_time(&self) -> Option<SimTime> {
        let work = match (self.next_scenario_fault(), self.groups.next_due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (work, self.kernel.next_event_time()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// One unit of work: the next kernel event, or (when it comes first) the scenario faults and
    /// group work due. A sequence of these up to `t` does what [`Simulation::run_until`] does.
    pub fn step_unit(&mut self) -> Option<SimTime> {
        let work = match (self.next_scenario_fault(), self.groups.next_due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let event = self.kernel.next_event_time();
        match (work, event) {
            (Some(w), e) if e.is_none_or(|e| w < e) => {
                self.kernel.run_until(w);
                self.fire_scenario_faults(w);
                self.run_group_work(w);
                Some(w)
            }
            (None, None) => None,
            _ => self.step(),
        }
    }

    /// Moves the clock to `t` if no work is due by then; returns whether it did.
    pub fn advance_clock(&mut self, t: SimTime) -> bool {
        if self.next_work_time().is_some_and(|n| n <= t) {
            return false;
        }
        self.kernel.run_until(t);
        true
    }

    /// Runs `f`, then notes the outcomes and notable events of the trace entries it made.
    fn noting<R>(&mut self, f: impl FnOnce(&mut Simulation) -> R) -> R {
        let before = self.kernel.trace().recorded();
        let r = f(self);
        let new = self.kernel.trace().recorded().saturating_sub(before);
        if new > 0 {
            self.collect_outcomes(usize::try_from(new).unwrap_or(usize::MAX));
        }
        r
    }

    fn producer_slot(&self, name: &str) -> Result<(u16, NodeId), RuntimeError> {
        (self.producer_nodes().iter().enumerate())
            .find(|(_, id)| {
                (self.kernel.node(**id))
                    .and_then(ClusterNode::as_producer)
                    .is_some_and(|p| p.setup().name == name)
            })
            .map(|(i, id)| (u16::try_from(i).unwrap_or(u16::MAX), *id))
            .ok_or_else(|| RuntimeError::UnknownProducer(name.to_string()))
    }

    /// Changes producer `producer`'s property `name` to `value` and restarts it with the new
    /// configuration; returns the new configuration.
    pub fn set_producer_property(
        &mut self,
        producer: &str,
        name: &str,
        value: &str,
    ) -> Result<ProducerConfig, RuntimeError> {
        let (_, id) = self.producer_slot(producer)?;
        let node = self.kernel.node(id).and_then(ClusterNode::as_producer);
        // A restart in progress already carries earlier changes: build on them.
        let Some(current) = node.map(|p| p.next_config().clone()) else {
            return Err(RuntimeError::UnknownProducer(producer.to_string()));
        };
        let originals = with_property(&current.originals, name, value);
        let parsed = ProducerConfig::parse(originals.iter()).map_err(bad_config)?;
        let config = parsed.config;
        let next = config.clone();
        self.noting(|sim| {
            sim.kernel.poke(id, |n, now, ctx| {
                if let ClusterNode::Producer(p) = n {
                    p.restart_with(now, next, ctx);
                }
            })
        });
        // The event log says so, as the issue asks: an application restarts its producer.
        self.log_event(crate::view::Narration::ProducerRestarted {
            producer: producer.to_string(),
            changes: vec![(name.to_string(), value.to_string())],
        });
        Ok(config)
    }

    /// Sends one record from producer `producer` now.
    pub fn send_record(
        &mut self,
        producer: &str,
        key: Option<&str>,
        value: &str,
    ) -> Result<SentRecord, RuntimeError> {
        let (index, id) = self.producer_slot(producer)?;
        let mut result: Option<Result<(RecordId, TopicPartition), SendOneError>> = None;
        self.noting(|sim| {
            sim.kernel.poke(id, |n, now, ctx| {
                if let ClusterNode::Producer(p) = n {
                    result = Some(p.send_one(now, key, value, ctx));
                }
            })
        });
        match result {
            Some(Ok((rid, tp))) => Ok(SentRecord {
                producer: index,
                id: rid,
                tp,
            }),
            Some(Err(e)) => Err(RuntimeError::Send(e.to_string())),
            None => Err(RuntimeError::UnknownProducer(producer.to_string())),
        }
    }

    /// A hand-sent record of producer `producer` (its index) and what became of it.
    pub fn sent_record(&self, producer: u16, id: RecordId) -> Option<&ManualRecord> {
        let node = self.producer_nodes().get(usize::from(producer))?;
        let p = self.kernel.node(*node)?.as_producer()?;
        p.manual_records().iter().find(|m| m.id == id)
    }

    fn group_index(&self, group: &str) -> Result<u16, RuntimeError> {
        (self.group_setups().position(|g| g.group_id == group))
            .map(|i| u16::try_from(i).unwrap_or(u16::MAX))
            .ok_or_else(|| RuntimeError::UnknownGroup(group.to_string()))
    }

    /// Changes consumer property `name` to `value` for group `group`'s members (or only member
    /// `member`), restarting each with the new configuration (members not started yet start with
    /// it).
    pub fn set_group_property(
        &mut self,
        group: &str,
        member: Option<u16>,
        name: &str,
        value: &str,
    ) -> Result<(), RuntimeError> {
        if name == "group.id" {
            return Err(RuntimeError::NotChangeable {
                name: name.into(),
                what: "consumer group",
                allowed: "every consumer property but group.id (it names the group)".into(),
            });
        }
        self.reconfigure_group(group, member, &[(name, value)], None)?;
        self.log_event(crate::view::Narration::ConsumersRestarted {
            group: group.to_string(),
            member,
            changes: vec![(name.to_string(), value.to_string())],
        });
        Ok(())
    }

    /// Sets the processing time per record of group `group`'s members (and later ones).
    pub fn set_group_processing(&mut self, group: &str, per_record: SimTime) -> Result<(), RuntimeError> {
        let g = self.group_index(group)?;
        let fault = MemberFault::SetProcessing {
            target: MemberTarget::Group {
                group: group.into(),
                group_index: g,
            },
            processing: ProcessingTime::Fixed(per_record),
        };
        self.noting(|sim| sim.apply_member_fault(&fault));
        Ok(())
    }

    /// Applies a member action now.
    pub fn member_action(
        &mut self,
        group: &str,
        member: u16,
        action: MemberAction,
    ) -> Result<(), RuntimeError> {
        let g = self.group_index(group)?;
        if self.member_node(MemberRef { group: g, member }).is_none() {
            return Err(RuntimeError::UnknownMember {
                group: group.into(),
                member,
            });
        }
        let addr = MemberAddr {
            group: group.into(),
            group_index: g,
            member,
        };
        let fault = match action {
            MemberAction::Crash => MemberFault::Crash(addr),
            MemberAction::Restart => MemberFault::Restart(addr),
            MemberAction::Close => MemberFault::Close(addr),
            MemberAction::Pause(duration, kind) => MemberFault::Pause {
                member: addr,
                duration,
                kind,
            },
        };
        self.noting(|sim| sim.apply_member_fault(&fault));
        Ok(())
    }

    /// Starts a new member of group `group` with the group's configuration (without a
    /// `group.instance.id`: the new member is dynamic); returns its number.
    pub fn add_group_member(&mut self, group: &str) -> Result<u16, RuntimeError> {
        let g = self.group_index(group)?;
        let next = self
            .member_numbers(g)
            .into_iter()
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        if next > MAX_ADDED_MEMBER {
            return Err(RuntimeError::TooManyMembers(group.into()));
        }
        let base =
            (self.group_setups().nth(usize::from(g))).and_then(|s| s.members.first().map(|m| m.1.clone()));
        let Some(base) = base else {
            return Err(RuntimeError::UnknownGroup(group.into()));
        };
        let pairs = (base.originals.iter()).filter(|(k, _)| *k != "group.instance.id");
        let config = ConsumerConfig::parse(pairs).map_err(bad_config)?.config;
        let fault = MemberFault::Add {
            member: MemberAddr {
                group: group.into(),
                group_index: g,
                member: next,
            },
            overrides: Vec::new(),
            config: Box::new(config),
        };
        self.noting(|sim| sim.apply_member_fault(&fault));
        Ok(next)
    }

    fn topic_index(&self, topic: &str) -> Result<usize, RuntimeError> {
        (self.spec.topics.iter().position(|t| t.name == topic))
            .ok_or_else(|| RuntimeError::UnknownTopic(topic.to_string()))
    }

    /// Sets topic config `name` (`min.insync.replicas` or `unclean.leader.election.enable`) of
    /// `topic` to `value`, live.
    pub fn set_topic_property(&mut self, topic: &str, name: &str, value: &str) -> Result<(), RuntimeError> {
        let t = self.topic_index(topic)?;
        let key = config::definition(ConfigScope::Topic, name);
        let Some(key) = key.filter(|_| DYNAMIC_TOPIC_CONFIGS.contains(&name)) else {
            // An unknown name is Kafka's error; a known one the simulator does not model is ours.
            if key.is_none() {
                return Err(RuntimeError::Config(format!("Unknown topic config name: {name}")));
            }
            return Err(RuntimeError::NotChangeable {
                name: name.into(),
                what: "topic",
                allowed: DYNAMIC_TOPIC_CONFIGS.join(", "),
            });
        };
        let parsed = config::def::parse_type(key, value).map_err(bad_config)?;
        config::def::ensure_valid(key, &parsed).map_err(bad_config)?;
        let (min_isr, unclean) = match parsed {
            Value::Bool(b) => (None, Some(b)),
            v => (v.as_i64().map(|m| i32::try_from(m).unwrap_or(i32::MAX)), None),
        };
        let idx = TopicIdx(u32::try_from(t).unwrap_or(u32::MAX));
        let defaults = &self.spec.replication;
        let (was, now) = match (min_isr, unclean) {
            (Some(m), _) => (
                (self.spec.topics[t].min_insync_replicas)
                    .unwrap_or(defaults.min_insync_replicas)
                    .to_string(),
                m.to_string(),
            ),
            (_, Some(u)) => (
                (self.spec.topics[t].unclean_leader_election_enable)
                    .unwrap_or(defaults.unclean_leader_election_enable)
                    .to_string(),
                u.to_string(),
            ),
            (None, None) => (String::new(), value.to_string()),
        };
        let spec = &mut self.spec.topics[t];
        if min_isr.is_some() {
            spec.min_insync_replicas = min_isr;
        }
        if unclean.is_some() {
            spec.unclean_leader_election_enable = unclean;
        }
        if let Some(ClusterNode::ZooKeeper(zk)) = self.kernel.node_mut(ZOOKEEPER) {
            zk.set_topic_config(idx, min_isr, unclean);
        }
        self.noting(|sim| {
            for b in 1..=sim.spec.brokers {
                sim.kernel.poke(NodeId(b), |n, _, ctx| {
                    if let ClusterNode::Broker(broker) = n {
                        broker.alter_topic_config(idx, min_isr, unclean, ctx);
                    }
                });
            }
        });
        self.log_event(crate::view::Narration::TopicConfigChanged {
            topic: topic.to_string(),
            name: name.to_string(),
            value: now,
            was,
        });
        Ok(())
    }

    /// Sets broker config `name` (`replica.lag.time.max.ms`) on every broker; being read-only in
    /// Kafka 3.7, it takes effect at each broker's next start.
    pub fn set_broker_property(&mut self, name: &str, value: &str) -> Result<(), RuntimeError> {
        let key = config::definition(ConfigScope::Broker, name);
        let Some(key) = key.filter(|_| RUNTIME_BROKER_CONFIGS.contains(&name)) else {
            return Err(RuntimeError::NotChangeable {
                name: name.into(),
                what: "broker",
                allowed: RUNTIME_BROKER_CONFIGS.join(", "),
            });
        };
        let parsed = config::def::parse_type(key, value).map_err(bad_config)?;
        config::def::ensure_valid(key, &parsed).map_err(bad_config)?;
        let ms = parsed.as_i64().map_or(0, |v| u64::try_from(v).unwrap_or(0));
        let was = self.spec.replication.replica_lag_time_max_ms;
        self.spec.replication.replica_lag_time_max_ms = ms;
        for b in 1..=self.spec.brokers {
            if let Some(ClusterNode::Broker(broker)) = self.kernel.node_mut(NodeId(b)) {
                broker.set_replica_lag_time_max_at_restart(ms);
            }
        }
        self.log_event(crate::view::Narration::BrokerConfigChanged {
            name: name.to_string(),
            value: ms.to_string(),
            was: was.to_string(),
        });
        Ok(())
    }

    /// Applies a broker fault to broker `broker` now.
    pub fn broker_action(&mut self, broker: i32, action: BrokerAction) -> Result<(), RuntimeError> {
        let node = self
            .broker_node(BrokerId(broker))
            .ok_or(RuntimeError::UnknownBroker(broker))?;
        let faults: Vec<Fault> = match action {
            BrokerAction::Crash => vec![Fault::Crash(node)],
            BrokerAction::Restart => vec![Fault::Restart(node)],
            BrokerAction::Isolate => vec![Fault::Isolate(node)],
            BrokerAction::Slow(latency) => (self.kernel.nodes())
                .map(|(id, _)| id)
                .filter(|id| *id != node)
                .map(|other| Fault::Slow {
                    a: node,
                    b: other,
                    latency,
                    direction: Direction::Both,
                })
                .collect(),
        };
        self.noting(|sim| {
            for f in faults {
                let _ = sim.kernel.apply(f);
            }
        });
        Ok(())
    }

    /// Heals every link of the cluster now (cuts, isolations, slow and lossy links).
    pub fn heal_network(&mut self) {
        self.noting(|sim| {
            let _ = sim.kernel.apply(Fault::Heal);
        });
    }
}
