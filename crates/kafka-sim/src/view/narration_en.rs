//! [`Narration::english`]: one plain English sentence per event.

use super::narration::{Actor, IsrChange, LeaderMove, Narration, RebalanceCause, RemovalCause};
use crate::ids::BrokerId;
use std::fmt::Write;

/// `3,1`.
fn brokers(list: &[BrokerId]) -> String {
    let parts: Vec<String> = list.iter().map(|b| b.0.to_string()).collect();
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(",")
    }
}

/// `18 s`, `1.5 s`, `500 ms`.
fn duration(ms: u64) -> String {
    if ms >= 1000 && ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else if ms >= 1000 {
        format!("{} s", ms as f64 / 1000.0)
    } else {
        format!("{ms} ms")
    }
}

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `the link between broker 2 and ZooKeeper`, `the links between broker 2 and ZooKeeper and broker 1`.
fn links(a: &Actor, peers: &[Actor]) -> String {
    let names: Vec<String> = peers.iter().map(Actor::english).collect();
    let noun = if peers.len() == 1 { "link" } else { "links" };
    format!("the {noun} between {} and {}", a.english(), list(&names))
}

impl Actor {
    /// `broker 2`, `producer reservation-service`, `member consumer-g-1`, `ZooKeeper`.
    pub fn english(&self) -> String {
        match self {
            Actor::ZooKeeper => "ZooKeeper".to_string(),
            Actor::Broker(b) => format!("broker {}", b.0),
            Actor::Producer(p) => format!("producer {p}"),
            Actor::Member(m) => format!("member {m}"),
        }
    }
}

/// `moved the leader of reserve-0 to broker 3 and shrank the ISR to 3,1`, or for several partitions
/// `moved the leader of reserve-0 to broker 3 (ISR 3,1) and shrank the ISR of reserve-1 to 1,3`.
fn controller_actions(moved: &[LeaderMove], isr: &[IsrChange], internal: u32) -> Option<String> {
    let isr_of = |p: &str| isr.iter().find(|c| c.partition == p);
    let only_isr: Vec<&IsrChange> = (isr.iter())
        .filter(|c| !moved.iter().any(|m| m.partition == c.partition))
        .collect();
    let mut clauses = Vec::new();
    if let ([m], [], Some(c)) = (
        moved,
        only_isr.as_slice(),
        moved.first().and_then(|m| isr_of(&m.partition)),
    ) {
        clauses.push(match m.leader {
            Some(l) => format!(
                "moved the leader of {} to broker {} and shrank the ISR to {}",
                m.partition,
                l.0,
                brokers(&c.isr)
            ),
            None => format!("left {} without a leader (ISR {})", m.partition, brokers(&c.isr)),
        });
    } else {
        let (leading, offline): (Vec<&LeaderMove>, Vec<&LeaderMove>) =
            moved.iter().partition(|m| m.leader.is_some());
        let items: Vec<String> = (leading.iter())
            .map(|m| {
                let mut s = format!("{} to broker {}", m.partition, m.leader.map_or(0, |l| l.0));
                if let Some(c) = isr_of(&m.partition) {
                    let _ = write!(s, " (ISR {})", brokers(&c.isr));
                }
                s
            })
            .collect();
        if !items.is_empty() {
            clauses.push(format!("moved the leader of {}", list(&items)));
        }
        let items: Vec<String> = offline.iter().map(|m| m.partition.clone()).collect();
        if !items.is_empty() {
            clauses.push(format!("left {} without a leader", list(&items)));
        }
        let items: Vec<String> = (only_isr.iter())
            .map(|c| format!("{} to {}", c.partition, brokers(&c.isr)))
            .collect();
        if !items.is_empty() {
            clauses.push(format!("shrank the ISR of {}", list(&items)));
        }
    }
    if internal > 0 {
        clauses.push(format!("updated {internal} __consumer_offsets partitions"));
    }
    (!clauses.is_empty()).then(|| format!("the controller {}", list(&clauses)))
}

fn rebalance_cause(cause: RebalanceCause, member: Option<&str>) -> String {
    let who = member.map_or_else(|| "a member".to_string(), |m| format!("member {m}"));
    match cause {
        RebalanceCause::NewMember => format!("{who} joined"),
        RebalanceCause::SessionTimeout => format!("{who} missed its session timeout"),
        RebalanceCause::Leave => format!("{who} left the group"),
        RebalanceCause::LeaderRejoin => "the leader rejoined".to_string(),
        RebalanceCause::MetadataChange => format!("{who} changed its subscription"),
        RebalanceCause::PendingSync => format!("{who} did not sync in time"),
        RebalanceCause::DidNotRejoin => format!("{who} did not rejoin in time"),
        RebalanceCause::Other => "of a membership change".to_string(),
    }
}

/// `30 s` for a number of milliseconds, else the text as it is.
fn lag(value: &str) -> String {
    value.parse::<u64>().map_or_else(|_| value.to_string(), duration)
}

/// What a topic config's new value means for producers and elections.
fn topic_config_effect(name: &str, value: &str) -> String {
    match (name, value) {
        ("min.insync.replicas", v) => format!(
            "acks=all produces now need {v} in-sync replicas (fewer: NOT_ENOUGH_REPLICAS); acks=0 and \
             acks=1 do not wait for them"
        ),
        ("unclean.leader.election.enable", "true") => "a replica outside the ISR may now become leader \
             when no in-sync replica is left: the partition comes back, and acknowledged records the new \
             leader lacks are lost"
            .to_string(),
        ("unclean.leader.election.enable", _) => "only an in-sync replica may become leader: with none \
             left the partition stays offline rather than lose acknowledged records"
            .to_string(),
        _ => "live, as kafka-configs --alter sets it".to_string(),
    }
}

/// `after processing (manual commitSync)` for a commit mode's name.
fn commit_mode(mode: &str) -> &'static str {
    match mode {
        "auto" => "automatically (enable.auto.commit, every auto.commit.interval.ms)",
        "manual" => "after processing (commitSync)",
        "before" => "before processing (commitSync first)",
        _ => "in an unknown way",
    }
}

/// What a commit mode means when a member dies.
fn commit_effect(mode: &str) -> &'static str {
    match mode {
        "auto" => {
            "poll() commits what the previous poll returned, so a crash redelivers the records \
             processed since the last auto-commit"
        }
        "manual" => "at-least-once: a crash redelivers the records processed since the last commit",
        "before" => "at-most-once: a crash skips the records committed but not yet processed",
        _ => "",
    }
}

impl Narration {
    /// One plain English sentence saying what happened and why.
    pub fn english(&self) -> String {
        use Narration as N;
        match self {
            N::Crashed { node } => format!("{} crashed", node.english()),
            N::Restarted { node } => format!("{} restarted", node.english()),
            N::Isolated { node } => format!("{} was cut off from every other node", node.english()),
            N::LinkCut { a, b, one_way: true } => {
                format!("the link from {} to {} was cut", a.english(), b.english())
            }
            N::LinkCut { a, b, .. } => {
                format!("the link between {} and {} was cut", a.english(), b.english())
            }
            N::LinkSlowed { a, peers, latency_ms } => format!(
                "{} now {} {} each way",
                links(a, peers),
                if peers.len() == 1 { "takes" } else { "take" },
                duration(*latency_ms)
            ),
            N::LinkDropping { a, peers, percent: 0 } => {
                format!("{} stopped dropping messages", links(a, peers))
            }
            N::LinkDropping { a, peers, percent } => {
                let verb = if peers.len() == 1 { "drops" } else { "drop" };
                format!("{} {verb} {percent} % of messages", links(a, peers))
            }
            N::NetworkHealed => "the network was healed: every link works again".to_string(),
            N::BrokerSessionExpired {
                broker,
                session_ms,
                moved,
                isr,
                internal,
            } => {
                let head = format!(
                    "broker {} missed its ZooKeeper session of {}",
                    broker.0,
                    duration(*session_ms)
                );
                match controller_actions(moved, isr, *internal) {
                    Some(then) => format!("{head}, so {then}"),
                    None => format!("{head}, so ZooKeeper deregistered it"),
                }
            }
            N::BrokerShutDown {
                broker,
                moved,
                isr,
                internal,
            } => {
                let head = format!("broker {} shut down cleanly", broker.0);
                match controller_actions(moved, isr, *internal) {
                    Some(then) => format!("{head}, so {then}"),
                    None => head,
                }
            }
            N::BrokerRegistered { broker } => format!("broker {} registered in ZooKeeper", broker.0),
            N::ControllerChanged {
                controller: Some(c),
                epoch,
            } => format!("broker {} became the controller (epoch {epoch})", c.0),
            N::ControllerChanged { controller: None, .. } => {
                "the cluster has no controller: no broker is registered".to_string()
            }
            N::TopicCreated { topic, assignment } => {
                let parts: Vec<String> = (assignment.iter().enumerate())
                    .map(|(p, r)| format!("{topic}-{p} on {}", brokers(r)))
                    .collect();
                format!("the controller created topic {topic}: {}", list(&parts))
            }
            N::TopicDeleted { topic } => {
                format!("topic {topic} deleted: every replica's log is gone")
            }
            N::PartitionsAdded {
                topic,
                first,
                assignment,
            } => {
                let parts: Vec<String> = (assignment.iter().enumerate())
                    .map(|(i, r)| format!("{topic}-{} on {}", *first as usize + i, brokers(r)))
                    .collect();
                format!("the controller added partitions to {topic}: {}", list(&parts))
            }
            N::LeaderElected {
                partition,
                leader: None,
                ..
            } => format!("{partition} has no leader: no in-sync replica is alive"),
            N::LeaderElected {
                partition,
                leader: Some(l),
                epoch,
                unclean: true,
                ..
            } => format!(
                "broker {} became the leader of {partition} from outside the ISR (an unclean election, \
                 epoch {epoch}): records only the old leader had are lost",
                l.0
            ),
            N::LeaderElected {
                partition,
                leader: Some(l),
                previous,
                epoch,
                isr,
                ..
            } => match previous {
                Some(p) if p != l => format!(
                    "the controller moved the leader of {partition} from broker {} to broker {} \
                     (epoch {epoch}, ISR {})",
                    p.0,
                    l.0,
                    brokers(isr)
                ),
                _ => format!(
                    "broker {} is the leader of {partition} (epoch {epoch}, ISR {})",
                    l.0,
                    brokers(isr)
                ),
            },
            N::IsrShrunk {
                partition,
                from,
                to,
                lag_max_ms,
            } => {
                let out: Vec<BrokerId> = from.iter().copied().filter(|b| !to.contains(b)).collect();
                format!(
                    "the ISR of {partition} shrank from {} to {}: broker {} fell more than {} behind \
                     (replica.lag.time.max.ms)",
                    brokers(from),
                    brokers(to),
                    brokers(&out),
                    duration(*lag_max_ms)
                )
            }
            N::IsrExpanded { partition, from, to } => {
                let back: Vec<BrokerId> = to.iter().copied().filter(|b| !from.contains(b)).collect();
                format!(
                    "broker {} caught up, so the ISR of {partition} grew from {} to {}",
                    brokers(&back),
                    brokers(from),
                    brokers(to)
                )
            }
            N::Truncated {
                broker,
                partition,
                from,
                to,
                removed,
            } => format!(
                "broker {} truncated {partition} from offset {from} to {to}, striking out {removed} \
                 records its leader does not have",
                broker.0
            ),
            N::ProducerFailed {
                producer,
                partition,
                error,
                records,
            } => format!("producer {producer} failed to write {records} records to {partition}: {error}"),
            N::ProducerRestarted { producer, changes } => {
                let c: Vec<String> = changes.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("producer {producer} restarted with {}", list(&c))
            }
            N::TopicConfigChanged {
                topic,
                name,
                value,
                was,
            } => format!(
                "{name} of topic {topic} set to {value} (was {was}): {}",
                topic_config_effect(name, value)
            ),
            N::BrokerConfigChanged { name, value, was } => format!(
                "{name} set to {value} (was {was}) in every broker's server.properties: a read-only \
                 config in Kafka 3.7, so each broker uses it from its next start{}",
                if name == "replica.lag.time.max.ms" {
                    format!(
                        "; then a follower more than {} behind its leader leaves the ISR",
                        lag(value)
                    )
                } else {
                    String::new()
                }
            ),
            N::ConsumersRestarted {
                group,
                member,
                changes,
            } => {
                let c: Vec<String> = changes.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let who = member.map_or_else(
                    || format!("the members of group {group} restart"),
                    |m| format!("member {group}/{m} restarts"),
                );
                format!(
                    "{who} with {}: close() (commit, LeaveGroup), then a new consumer joins",
                    list(&c)
                )
            }
            N::CommitModeChanged { group, mode, was } => format!(
                "group {group} now commits {} (was {}): its members restart with it (close(), then \
                 join again); {}",
                commit_mode(mode),
                commit_mode(was),
                commit_effect(mode)
            ),
            N::MemberAdded { member } => format!("member {member} started"),
            N::MemberClosed { member } => format!("member {member} closed its consumer"),
            N::MemberPaused { member, ms, gc: true } => format!(
                "member {member} froze for {} (a GC pause: its heartbeats stop too)",
                duration(*ms)
            ),
            N::MemberPaused { member, ms, .. } => format!(
                "member {member}'s poll loop stalls for {} (a slow downstream call; heartbeats go on)",
                duration(*ms)
            ),
            N::MemberJoined { group, member } => format!("member {member} joined group {group}"),
            N::MemberRemoved {
                group,
                member,
                cause,
                session_ms,
            } => match cause {
                RemovalCause::SessionTimeout => format!(
                    "the coordinator removed member {member} from group {group}: no heartbeat within its \
                     session of {}",
                    session_ms.map_or_else(|| "session.timeout.ms".to_string(), duration)
                ),
                RemovalCause::Leave => format!("member {member} left group {group}"),
                RemovalCause::PendingSync => format!(
                    "the coordinator removed member {member} from group {group}: it did not sync in time"
                ),
                RemovalCause::DidNotRejoin => format!(
                    "the coordinator removed member {member} from group {group}: it did not rejoin in time"
                ),
                RemovalCause::Other => format!("the coordinator removed member {member} from group {group}"),
            },
            N::RebalanceStarted {
                group,
                generation,
                cause,
                member,
            } => format!(
                "group {group} started rebalancing after generation {generation} because {}",
                rebalance_cause(*cause, member.as_deref())
            ),
            N::RebalanceCompleted {
                group,
                generation,
                protocol,
                assignment,
            } => {
                let parts: Vec<String> = (assignment.iter())
                    .map(|(m, ps)| {
                        if ps.is_empty() {
                            format!("{m} has nothing")
                        } else {
                            format!("{m} has {}", ps.join(", "))
                        }
                    })
                    .collect();
                format!(
                    "group {group} is stable at generation {generation}{}: {}",
                    protocol.as_ref().map_or_else(String::new, |p| format!(" ({p})")),
                    parts.join("; ")
                )
            }
            N::CoordinatorLoaded {
                broker,
                partition,
                groups,
            } => format!(
                "broker {} became the coordinator of {groups} group(s): it loaded __consumer_offsets-{partition}",
                broker.0
            ),
            N::PollTimeout {
                member,
                max_poll_interval_ms,
            } => format!(
                "member {member} did not call poll() within max.poll.interval.ms ({}), so it leaves the group",
                duration(*max_poll_interval_ms)
            ),
            N::CommitFailed { member, message } => format!("member {member}'s commit failed: {message}"),
            N::ConsumerLog {
                member,
                level,
                message,
            } => format!("member {member} logged {level}: {message}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_example_sentence() {
        let n = Narration::BrokerSessionExpired {
            broker: BrokerId(2),
            session_ms: 18_000,
            moved: vec![LeaderMove {
                partition: "reserve-0".into(),
                leader: Some(BrokerId(3)),
            }],
            isr: vec![IsrChange {
                partition: "reserve-0".into(),
                isr: vec![BrokerId(3), BrokerId(1)],
            }],
            internal: 0,
        };
        assert_eq!(
            n.english(),
            "broker 2 missed its ZooKeeper session of 18 s, so the controller moved the leader of \
             reserve-0 to broker 3 and shrank the ISR to 3,1"
        );
    }

    #[test]
    fn several_partitions_are_listed() {
        let n = Narration::BrokerSessionExpired {
            broker: BrokerId(2),
            session_ms: 6_000,
            moved: vec![LeaderMove {
                partition: "reserve-0".into(),
                leader: Some(BrokerId(3)),
            }],
            isr: vec![IsrChange {
                partition: "reserve-1".into(),
                isr: vec![BrokerId(1), BrokerId(3)],
            }],
            internal: 2,
        };
        assert_eq!(
            n.english(),
            "broker 2 missed its ZooKeeper session of 6 s, so the controller moved the leader of \
             reserve-0 to broker 3, shrank the ISR of reserve-1 to 1,3 and updated 2 __consumer_offsets \
             partitions"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(duration(18_000), "18 s");
        assert_eq!(duration(1_500), "1.5 s");
        assert_eq!(duration(500), "500 ms");
    }
}
