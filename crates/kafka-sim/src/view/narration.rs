//! The event log: each notable event as a language-neutral [`Narration`] (the facts as fields), so
//! the UI can say it in one plain sentence in English or Korean. [`Narration::english`] is the
//! English sentence (for the CLI and tests).

use crate::ids::BrokerId;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// What an event is about, for filtering the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// Brokers: crashes, restarts, isolation, ZooKeeper sessions, network faults.
    Broker,
    /// The controller and leader elections.
    Election,
    /// ISR changes.
    Isr,
    /// Producers.
    Producer,
    /// Consumer groups: rebalances, coordinators.
    Group,
    /// Group members: joins, removals, crashes, pauses, poll timeouts.
    Member,
    /// Offset commits.
    Commit,
    /// Something the oracles care about: truncations, unclean elections.
    Anomaly,
}

impl EventKind {
    /// Every kind, in display order.
    pub const ALL: [EventKind; 8] = [
        EventKind::Broker,
        EventKind::Election,
        EventKind::Isr,
        EventKind::Producer,
        EventKind::Group,
        EventKind::Member,
        EventKind::Commit,
        EventKind::Anomaly,
    ];
}

/// One entry of the event log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedEvent {
    /// Its sequence number: 0 for the first event of the run, then 1, 2, ... (stable while the log
    /// drops its oldest entries).
    pub seq: u64,
    /// When it happened (the simulated clock; click to jump there).
    pub at: SimTime,
    /// What it is about.
    pub kind: EventKind,
    /// The facts.
    pub narration: Narration,
}

/// A node, named for a sentence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Actor {
    /// ZooKeeper.
    ZooKeeper,
    /// A broker.
    Broker(BrokerId),
    /// A producer, by name.
    Producer(String),
    /// A consumer group member, by `client.id`.
    Member(String),
}

/// A partition whose leader the controller moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderMove {
    /// The partition (`reserve-0`).
    pub partition: String,
    /// The new leader (`None`: the partition is offline).
    pub leader: Option<BrokerId>,
}

/// A partition whose ISR the controller changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsrChange {
    /// The partition (`reserve-0`).
    pub partition: String,
    /// The new ISR.
    pub isr: Vec<BrokerId>,
}

/// Why a coordinator removed a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemovalCause {
    /// No heartbeat within `session.timeout.ms`.
    SessionTimeout,
    /// It sent LeaveGroup (close, or its poll timeout expired).
    Leave,
    /// It joined but did not sync in time.
    PendingSync,
    /// It did not rejoin within the rebalance timeout.
    DidNotRejoin,
    /// Something else.
    Other,
}

/// Why a rebalance started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RebalanceCause {
    /// A member joined.
    NewMember,
    /// A member's session expired.
    SessionTimeout,
    /// A member left.
    Leave,
    /// The leader rejoined (e.g. its subscription changed).
    LeaderRejoin,
    /// A member's metadata changed.
    MetadataChange,
    /// A member did not sync in time.
    PendingSync,
    /// A member did not rejoin in time.
    DidNotRejoin,
    /// Something else.
    Other,
}

/// The facts of one notable event. Partitions are named `topic-partition`; durations are ms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Narration {
    /// A process crashed.
    Crashed {
        /// Which.
        node: Actor,
    },
    /// A process started again.
    Restarted {
        /// Which.
        node: Actor,
    },
    /// A node was cut off from every other.
    Isolated {
        /// Which.
        node: Actor,
    },
    /// A link was cut.
    LinkCut {
        /// One end.
        a: Actor,
        /// The other end.
        b: Actor,
        /// Only from `a` to `b`.
        one_way: bool,
    },
    /// The links between a node and some peers were slowed (one fault may slow several links).
    LinkSlowed {
        /// The node.
        a: Actor,
        /// The peers.
        peers: Vec<Actor>,
        /// The new one-way latency.
        latency_ms: u64,
    },
    /// The links between a node and some peers drop messages (0 %: they stopped dropping).
    LinkDropping {
        /// The node.
        a: Actor,
        /// The peers.
        peers: Vec<Actor>,
        /// The share dropped, in percent.
        percent: u32,
    },
    /// Every network fault was healed.
    NetworkHealed,
    /// ZooKeeper expired a broker's session; the controller then moved its leaderships and took it
    /// out of the ISRs (both filled in as the controller acts).
    BrokerSessionExpired {
        /// The broker.
        broker: BrokerId,
        /// `zookeeper.session.timeout.ms`.
        session_ms: u64,
        /// The partitions of the spec's topics whose leader moved.
        moved: Vec<LeaderMove>,
        /// The ISRs the controller wrote for the spec's topics' partitions.
        isr: Vec<IsrChange>,
        /// How many `__consumer_offsets` partitions changed leader or ISR too.
        internal: u32,
    },
    /// A broker asked for a controlled shutdown; the controller moved its leaderships away.
    BrokerShutDown {
        /// The broker.
        broker: BrokerId,
        /// The partitions whose leader moved.
        moved: Vec<LeaderMove>,
        /// The ISRs the controller wrote.
        isr: Vec<IsrChange>,
        /// How many `__consumer_offsets` partitions changed too.
        internal: u32,
    },
    /// A broker registered in ZooKeeper (`/brokers/ids/<id>`).
    BrokerRegistered {
        /// The broker.
        broker: BrokerId,
    },
    /// `/controller` changed.
    ControllerChanged {
        /// The new controller, if any.
        controller: Option<BrokerId>,
        /// The controller epoch.
        epoch: u32,
    },
    /// The controller created a topic.
    TopicCreated {
        /// The topic.
        topic: String,
        /// Each partition's replicas.
        assignment: Vec<Vec<BrokerId>>,
    },
    /// The controller finished deleting a topic (`kafka-topics --delete`).
    TopicDeleted {
        /// The topic.
        topic: String,
    },
    /// The controller created partitions added to a topic (`kafka-topics --alter --partitions`).
    PartitionsAdded {
        /// The topic.
        topic: String,
        /// The first new partition.
        first: i32,
        /// Each new partition's replicas.
        assignment: Vec<Vec<BrokerId>>,
    },
    /// The controller elected a leader (not part of a broker failure).
    LeaderElected {
        /// The partition.
        partition: String,
        /// The new leader (`None`: offline).
        leader: Option<BrokerId>,
        /// The leader before.
        previous: Option<BrokerId>,
        /// The new leader epoch.
        epoch: i32,
        /// The ISR written with it.
        isr: Vec<BrokerId>,
        /// Chosen from outside the ISR (`unclean.leader.election.enable`).
        unclean: bool,
    },
    /// The ISR shrank (a follower fell more than `replica.lag.time.max.ms` behind).
    IsrShrunk {
        /// The partition.
        partition: String,
        /// Before.
        from: Vec<BrokerId>,
        /// After.
        to: Vec<BrokerId>,
        /// `replica.lag.time.max.ms`.
        lag_max_ms: u64,
    },
    /// The ISR grew (a follower caught up).
    IsrExpanded {
        /// The partition.
        partition: String,
        /// Before.
        from: Vec<BrokerId>,
        /// After.
        to: Vec<BrokerId>,
    },
    /// A replica truncated its log to its leader's (KIP-101/279): the records above were struck out.
    Truncated {
        /// The broker.
        broker: BrokerId,
        /// The partition.
        partition: String,
        /// Its log end offset before.
        from: i64,
        /// The offset it truncated to.
        to: i64,
        /// How many records it removed.
        removed: u64,
    },
    /// A producer batch failed for good.
    ProducerFailed {
        /// The producer.
        producer: String,
        /// The partition.
        partition: String,
        /// Kafka's error name (`NOT_ENOUGH_REPLICAS`).
        error: String,
        /// How many records.
        records: u64,
    },
    /// A producer was restarted with a new configuration.
    ProducerRestarted {
        /// The producer.
        producer: String,
        /// The changed options: property name and new value.
        changes: Vec<(String, String)>,
    },
    /// A dynamic topic config was altered (`kafka-configs --alter --entity-type topics`): live.
    TopicConfigChanged {
        /// The topic.
        topic: String,
        /// The property (`min.insync.replicas`, `unclean.leader.election.enable`).
        name: String,
        /// The new value.
        value: String,
        /// The value before.
        was: String,
    },
    /// A broker config was written to every broker's `server.properties` (read-only in Kafka 3.7:
    /// each broker uses it from its next start).
    BrokerConfigChanged {
        /// The property (`replica.lag.time.max.ms`).
        name: String,
        /// The new value.
        value: String,
        /// The value before.
        was: String,
    },
    /// A group's members (or one member) restart with changed consumer properties.
    ConsumersRestarted {
        /// The group.
        group: String,
        /// Only this member (its number), else every member.
        member: Option<u16>,
        /// The changed options: property name and new value.
        changes: Vec<(String, String)>,
    },
    /// A group's commit mode changed (the application's code); its members restart with it.
    CommitModeChanged {
        /// The group.
        group: String,
        /// The new mode: `auto`, `manual` (after processing) or `before` (before processing).
        mode: String,
        /// The mode before.
        was: String,
    },
    /// A member was added to the group (a new consumer process).
    MemberAdded {
        /// The member.
        member: String,
    },
    /// A member's consumer was closed.
    MemberClosed {
        /// The member.
        member: String,
    },
    /// A member's poll loop (slow downstream) or process (GC) stalls.
    MemberPaused {
        /// The member.
        member: String,
        /// For how long.
        ms: u64,
        /// A whole-process freeze (GC): heartbeats stop too.
        gc: bool,
    },
    /// The coordinator added a member to a group.
    MemberJoined {
        /// The group.
        group: String,
        /// The member.
        member: String,
    },
    /// The coordinator removed a member from a group.
    MemberRemoved {
        /// The group.
        group: String,
        /// The member.
        member: String,
        /// Why.
        cause: RemovalCause,
        /// The member's `session.timeout.ms`, when that is why.
        session_ms: Option<u64>,
    },
    /// A rebalance began.
    RebalanceStarted {
        /// The group.
        group: String,
        /// The generation before it.
        generation: i32,
        /// Why.
        cause: RebalanceCause,
        /// The member concerned, when the reason names one.
        member: Option<String>,
    },
    /// The group is Stable with a new assignment.
    RebalanceCompleted {
        /// The group.
        group: String,
        /// The generation.
        generation: i32,
        /// The assignor chosen.
        protocol: Option<String>,
        /// Each member's partitions.
        assignment: Vec<(String, Vec<String>)>,
    },
    /// A broker became a group's coordinator (it loaded the group's `__consumer_offsets` partition).
    CoordinatorLoaded {
        /// The broker.
        broker: BrokerId,
        /// The `__consumer_offsets` partition.
        partition: i32,
        /// How many groups it found.
        groups: u32,
    },
    /// A member's poll loop overran `max.poll.interval.ms`; it leaves the group.
    PollTimeout {
        /// The member.
        member: String,
        /// `max.poll.interval.ms`.
        max_poll_interval_ms: u64,
    },
    /// A member's commit failed.
    CommitFailed {
        /// The member.
        member: String,
        /// Kafka's log line.
        message: String,
    },
    /// A member logged a warning or an error (Kafka's text).
    ConsumerLog {
        /// The member.
        member: String,
        /// `WARN` or `ERROR`.
        level: String,
        /// The line.
        message: String,
    },
}

impl Narration {
    /// What the event is about.
    pub fn kind(&self) -> EventKind {
        use Narration as N;
        let node_kind = |a: &Actor| match a {
            Actor::Producer(_) => EventKind::Producer,
            Actor::Member(_) => EventKind::Member,
            Actor::ZooKeeper | Actor::Broker(_) => EventKind::Broker,
        };
        match self {
            N::Crashed { node } | N::Restarted { node } | N::Isolated { node } => node_kind(node),
            N::LinkCut { .. }
            | N::LinkSlowed { .. }
            | N::LinkDropping { .. }
            | N::NetworkHealed
            | N::BrokerSessionExpired { .. }
            | N::BrokerShutDown { .. }
            | N::BrokerRegistered { .. }
            | N::TopicCreated { .. }
            | N::TopicConfigChanged { .. }
            | N::BrokerConfigChanged { .. }
            | N::TopicDeleted { .. }
            | N::PartitionsAdded { .. } => EventKind::Broker,
            N::ControllerChanged { .. } => EventKind::Election,
            N::LeaderElected { unclean: true, .. } | N::Truncated { .. } => EventKind::Anomaly,
            N::LeaderElected { .. } => EventKind::Election,
            N::IsrShrunk { .. } | N::IsrExpanded { .. } => EventKind::Isr,
            N::ProducerFailed { .. } | N::ProducerRestarted { .. } => EventKind::Producer,
            N::MemberAdded { .. }
            | N::MemberClosed { .. }
            | N::MemberPaused { .. }
            | N::MemberJoined { .. }
            | N::MemberRemoved { .. }
            | N::PollTimeout { .. }
            | N::ConsumersRestarted { .. }
            | N::ConsumerLog { .. } => EventKind::Member,
            N::RebalanceStarted { .. } | N::RebalanceCompleted { .. } | N::CoordinatorLoaded { .. } => {
                EventKind::Group
            }
            N::CommitFailed { .. } | N::CommitModeChanged { .. } => EventKind::Commit,
        }
    }
}
