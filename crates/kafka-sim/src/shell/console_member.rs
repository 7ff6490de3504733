//! The console consumer as a member of its group (`subscribe`, as `kafka-console-consumer --topic T`
//! does with `--group G` or its generated `console-consumer-NNNNN` group): JoinGroup (with the
//! MEMBER_ID_REQUIRED round trip), the leader's assignment from the chosen assignor, SyncGroup,
//! Heartbeat every `heartbeat.interval.ms`, and LeaveGroup at close, all through the group's
//! coordinator. The defaults are the consumer's: `partition.assignment.strategy` = range then
//! cooperative-sticky, `session.timeout.ms` 45000, `max.poll.interval.ms` 300000,
//! `heartbeat.interval.ms` 3000.

use super::consumer::request;
use crate::error_code::ErrorCode;
use crate::group::wire::{
    ClientRequest, ClientResponse, JoinGroupRequest, JoinProtocol, LeavingMember, NamedPartition,
    Subscription, SyncGroupRequest,
};
use crate::ids::BrokerId;
use crate::sim::Simulation;
use crate::time::SimTime;
use std::collections::BTreeMap;

/// The console consumer's `client.id`.
const CLIENT_ID: &str = "console-consumer";

/// `heartbeat.interval.ms`.
const HEARTBEAT_INTERVAL: SimTime = SimTime::from_secs(3);

/// How many JoinGroup/SyncGroup rounds a join may take before giving up.
const MAX_ROUNDS: usize = 10;

/// A joined member.
#[derive(Clone, Debug)]
pub(super) struct Member {
    group: String,
    topic: String,
    coordinator: BrokerId,
    member_id: String,
    generation: i32,
    next_heartbeat: SimTime,
}

impl Member {
    /// Joins `group` through `coordinator`, subscribed to `topic`; returns the member and the
    /// partitions of `topic` assigned to it, or `None` if the group could not be joined.
    pub(super) fn join(
        sim: &mut Simulation,
        coordinator: BrokerId,
        group: &str,
        topic: &str,
    ) -> Option<(Member, Vec<i32>)> {
        let mut m = Member {
            group: group.to_string(),
            topic: topic.to_string(),
            coordinator,
            member_id: String::new(),
            generation: -1,
            next_heartbeat: SimTime::ZERO,
        };
        let partitions = m.rejoin(sim, None)?;
        Some((m, partitions))
    }

    /// The member id the coordinator gave.
    pub(super) fn member_id(&self) -> &str {
        &self.member_id
    }

    /// The generation joined.
    pub(super) fn generation(&self) -> i32 {
        self.generation
    }

    /// JoinGroup then SyncGroup, until a generation is complete; returns the assigned partitions.
    pub(super) fn rejoin(&mut self, sim: &mut Simulation, reason: Option<String>) -> Option<Vec<i32>> {
        let subscription = Subscription {
            topics: vec![self.topic.clone()],
            owned_partitions: Vec::new(),
            generation_id: -1,
            rack_id: None,
        };
        let protocols = ["range", "cooperative-sticky"].map(|name| JoinProtocol {
            name: name.to_string(),
            metadata: subscription.clone(),
        });
        for _ in 0..MAX_ROUNDS {
            let req = ClientRequest::JoinGroup(JoinGroupRequest {
                group_id: self.group.clone(),
                client_id: CLIENT_ID.to_string(),
                session_timeout_ms: 45_000,
                rebalance_timeout_ms: 300_000,
                member_id: self.member_id.clone(),
                group_instance_id: None,
                protocol_type: "consumer".to_string(),
                protocols: protocols.to_vec(),
                reason: reason.clone(),
            });
            let Some(ClientResponse::JoinGroup(r)) = request(sim, self.coordinator, req) else {
                return None;
            };
            match r.error {
                ErrorCode::None => {}
                ErrorCode::MemberIdRequired => {
                    self.member_id = r.member_id;
                    continue;
                }
                ErrorCode::UnknownMemberId => {
                    self.member_id.clear();
                    continue;
                }
                _ => return None,
            }
            self.member_id = r.member_id.clone();
            self.generation = r.generation_id;
            let assignments = if r.leader == self.member_id {
                let mut counts: BTreeMap<String, i32> = BTreeMap::new();
                for t in r.members.iter().flat_map(|m| m.metadata.topics.iter()) {
                    let n = sim.topic_partition_count(t).unwrap_or(0);
                    counts.insert(t.clone(), i32::try_from(n).unwrap_or(0));
                }
                let protocol = r.protocol_name.clone().unwrap_or_default();
                crate::sim::kafka_assign(&protocol, &counts, &r.members)
            } else {
                Vec::new()
            };
            let req = ClientRequest::SyncGroup(SyncGroupRequest {
                group_id: self.group.clone(),
                generation_id: self.generation,
                member_id: self.member_id.clone(),
                group_instance_id: None,
                protocol_name: r.protocol_name.clone(),
                assignments,
            });
            match request(sim, self.coordinator, req) {
                Some(ClientResponse::SyncGroup {
                    error: ErrorCode::None,
                    assignment,
                    ..
                }) => {
                    self.next_heartbeat = sim.now() + HEARTBEAT_INTERVAL;
                    return Some(self.partitions_of(&assignment));
                }
                Some(ClientResponse::SyncGroup { .. }) => continue,
                _ => return None,
            }
        }
        None
    }

    fn partitions_of(&self, assignment: &[NamedPartition]) -> Vec<i32> {
        let mut ps: Vec<i32> = (assignment.iter())
            .filter(|p| p.topic == self.topic)
            .map(|p| p.partition)
            .collect();
        crate::sort::sort(&mut ps);
        ps
    }

    /// Sends a Heartbeat when one is due; true when the group is rebalancing (or forgot this
    /// member) and the consumer must rejoin.
    pub(super) fn heartbeat(&mut self, sim: &mut Simulation) -> bool {
        if sim.now() < self.next_heartbeat {
            return false;
        }
        self.next_heartbeat = sim.now() + HEARTBEAT_INTERVAL;
        let req = ClientRequest::Heartbeat {
            group_id: self.group.clone(),
            generation_id: self.generation,
            member_id: self.member_id.clone(),
            group_instance_id: None,
        };
        match request(sim, self.coordinator, req) {
            Some(ClientResponse::Heartbeat { error }) => match error {
                ErrorCode::None => false,
                ErrorCode::UnknownMemberId => {
                    self.member_id.clear();
                    true
                }
                _ => true,
            },
            _ => false,
        }
    }

    /// LeaveGroup at close (`the consumer is being closed`).
    pub(super) fn leave(self, sim: &mut Simulation) {
        let req = ClientRequest::LeaveGroup {
            group_id: self.group,
            members: vec![LeavingMember {
                member_id: self.member_id,
                group_instance_id: None,
                reason: Some("the consumer is being closed".to_string()),
            }],
        };
        let _ = request(sim, self.coordinator, req);
    }
}
