//! One classic group's metadata: members, static members, pending members, the leader, the
//! protocol vote and the committed offsets (`ClassicGroup` / `GroupMetadata`).

use super::ReplyTo;
use super::events::GroupState;
use super::records::{GroupRecord, StoredMember};
use crate::group::wire::{JoinGroupMember, JoinProtocol, NamedPartition};
use crate::time::SimTime;
use std::collections::BTreeMap;

/// One member of a group.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub id: String,
    pub instance_id: Option<String>,
    pub client_id: String,
    pub session_timeout_ms: i32,
    pub rebalance_timeout_ms: i32,
    pub protocol_type: String,
    pub protocols: Vec<JoinProtocol>,
    /// When it was last heard from (join, sync, heartbeat, commit).
    pub last_heard: SimTime,
    /// A parked JoinGroup.
    pub awaiting_join: Option<ReplyTo>,
    /// A parked SyncGroup.
    pub awaiting_sync: Option<ReplyTo>,
    pub assignment: Vec<NamedPartition>,
    /// Joined in this rebalance (KIP-394: a 5-minute session until the join completes).
    pub is_new: bool,
    /// When its armed heartbeat check fires, if one is armed (a check firing at another time was
    /// superseded and is ignored).
    pub check_at: Option<SimTime>,
    /// When it was added (the leader is the earliest).
    pub added: u64,
}

impl Member {
    /// `MemberMetadata.matches`: the same protocols with the same metadata, in the same order.
    pub fn matches(&self, protocols: &[JoinProtocol]) -> bool {
        self.protocols == protocols
    }

    /// The session deadline: 5 minutes for a new member (`NewMemberJoinTimeoutMs`).
    pub fn deadline(&self) -> SimTime {
        let ms = if self.is_new {
            300_000
        } else {
            u64::try_from(self.session_timeout_ms).unwrap_or(0)
        };
        self.last_heard + SimTime::from_millis(ms)
    }

    /// `hasSatisfiedHeartbeat`: a member parked in join or sync is alive (unless new).
    pub fn parked(&self) -> bool {
        !self.is_new && (self.awaiting_join.is_some() || self.awaiting_sync.is_some())
    }
}

/// A classic group.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub id: String,
    pub state: GroupState,
    pub generation: i32,
    pub protocol_type: Option<String>,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    pub members: BTreeMap<String, Member>,
    /// `group.instance.id` to member id.
    pub static_members: BTreeMap<String, String>,
    /// Dynamic members told MEMBER_ID_REQUIRED, with their session deadline.
    pub pending_members: BTreeMap<String, SimTime>,
    /// Members that joined this generation and have not synced yet.
    pub pending_sync: Vec<String>,
    /// `newMemberAdded` of the initial delayed join.
    pub new_member_added: bool,
    /// The armed join wait: its sequence number, and the remaining budget of an initial delay.
    pub join_wait: Option<(u64, Option<u64>)>,
    pub committed: BTreeMap<NamedPartition, i64>,
    pub next_added: u64,
}

impl Group {
    pub fn new(id: &str) -> Self {
        Group {
            id: id.to_string(),
            state: GroupState::Empty,
            generation: 0,
            protocol_type: None,
            protocol: None,
            leader: None,
            members: BTreeMap::new(),
            static_members: BTreeMap::new(),
            pending_members: BTreeMap::new(),
            pending_sync: Vec::new(),
            new_member_added: false,
            join_wait: None,
            committed: BTreeMap::new(),
            next_added: 0,
        }
    }

    pub fn is(&self, s: GroupState) -> bool {
        self.state == s
    }

    /// `supportsProtocols`: an empty group takes any; otherwise the type must match and at least one
    /// protocol must be supported by every member.
    pub fn supports(&self, protocol_type: &str, protocols: &[JoinProtocol]) -> bool {
        if self.members.is_empty() {
            return !protocol_type.is_empty() && !protocols.is_empty();
        }
        self.protocol_type.as_deref() == Some(protocol_type)
            && protocols.iter().any(|p| {
                self.members
                    .values()
                    .all(|m| m.protocols.iter().any(|q| q.name == p.name))
            })
    }

    pub fn add(&mut self, mut m: Member) {
        if self.members.is_empty() {
            self.protocol_type = Some(m.protocol_type.clone());
        }
        m.added = self.next_added;
        self.next_added += 1;
        if self.leader.is_none() {
            self.leader = Some(m.id.clone());
        }
        if let Some(iid) = &m.instance_id {
            self.static_members.insert(iid.clone(), m.id.clone());
        }
        self.members.insert(m.id.clone(), m);
    }

    /// Removes a member; a leaving leader is replaced by the earliest-added remaining member.
    pub fn remove(&mut self, id: &str) -> Option<Member> {
        let m = self.members.remove(id)?;
        if let Some(iid) = &m.instance_id
            && self.static_members.get(iid).is_some_and(|x| x == id)
        {
            self.static_members.remove(iid);
        }
        self.pending_sync.retain(|x| x != id);
        if self.leader.as_deref() == Some(id) {
            self.leader = self
                .members
                .values()
                .min_by_key(|m| m.added)
                .map(|m| m.id.clone());
        }
        if self.members.is_empty() {
            self.protocol_type = None;
        }
        Some(m)
    }

    /// `hasAllMembersJoined`.
    pub fn all_joined(&self) -> bool {
        self.pending_members.is_empty() && self.members.values().all(|m| m.awaiting_join.is_some())
    }

    /// The largest `rebalance_timeout_ms` of the members.
    pub fn rebalance_timeout_ms(&self) -> u64 {
        (self.members.values())
            .map(|m| u64::try_from(m.rebalance_timeout_ms).unwrap_or(0))
            .max()
            .unwrap_or(0)
    }

    /// `isStaticMemberFenced`: the instance id belongs to another member id.
    pub fn fenced(&self, instance_id: Option<&str>, member_id: &str) -> bool {
        instance_id
            .and_then(|i| self.static_members.get(i))
            .is_some_and(|m| m != member_id)
    }

    /// The protocol by vote (reference 2.1): each member votes for its most preferred protocol
    /// that every member supports; the most votes wins (ties as Java's tally order breaks them).
    pub fn select_protocol(&self) -> Option<String> {
        let lists: Vec<Vec<String>> = (self.members.values())
            .map(|m| m.protocols.iter().map(|p| p.name.clone()).collect())
            .collect();
        crate::group::assignor::vote::select_protocol(&lists)
    }

    /// The group's metadata record, with `assignment` as each member's partitions.
    pub fn record(&self, assignment: &[(String, Vec<NamedPartition>)]) -> GroupRecord {
        let subs = self.member_metadata();
        GroupRecord {
            group: self.id.clone(),
            generation: self.generation,
            protocol_type: self.protocol_type.clone(),
            protocol: self.protocol.clone(),
            leader: self.leader.clone(),
            members: (self.members.values())
                .map(|m| StoredMember {
                    member_id: m.id.clone(),
                    instance_id: m.instance_id.clone(),
                    client_id: m.client_id.clone(),
                    session_timeout_ms: m.session_timeout_ms,
                    rebalance_timeout_ms: m.rebalance_timeout_ms,
                    subscription: (subs.iter())
                        .find(|s| s.member_id == m.id)
                        .map(|s| s.metadata.clone())
                        .unwrap_or_default(),
                    assignment: (assignment.iter())
                        .find(|(id, _)| *id == m.id)
                        .map(|(_, a)| a.clone())
                        .unwrap_or_default(),
                })
                .collect(),
        }
    }

    /// Takes a loaded group record's state: Stable with its members, or Empty.
    pub fn restore(&mut self, now: SimTime, r: GroupRecord) {
        let committed = std::mem::take(&mut self.committed);
        *self = Group::new(&r.group);
        self.committed = committed;
        self.generation = r.generation;
        self.protocol_type = r.protocol_type;
        self.protocol = r.protocol.clone();
        for m in r.members {
            self.add(Member {
                id: m.member_id,
                instance_id: m.instance_id,
                client_id: m.client_id,
                session_timeout_ms: m.session_timeout_ms,
                rebalance_timeout_ms: m.rebalance_timeout_ms,
                protocol_type: self.protocol_type.clone().unwrap_or_default(),
                protocols: (r.protocol.iter())
                    .map(|p| JoinProtocol {
                        name: p.clone(),
                        metadata: m.subscription.clone(),
                    })
                    .collect(),
                last_heard: now,
                awaiting_join: None,
                awaiting_sync: None,
                assignment: m.assignment,
                is_new: false,
                check_at: None,
                added: 0,
            });
        }
        self.leader = r.leader.filter(|l| self.members.contains_key(l));
        self.state = if self.members.is_empty() {
            GroupState::Empty
        } else {
            GroupState::Stable
        };
    }

    /// Each member's metadata under the chosen protocol, for the leader's JoinGroup response.
    pub fn member_metadata(&self) -> Vec<JoinGroupMember> {
        let Some(proto) = &self.protocol else {
            return Vec::new();
        };
        (self.members.values())
            .map(|m| JoinGroupMember {
                member_id: m.id.clone(),
                group_instance_id: m.instance_id.clone(),
                metadata: (m.protocols.iter())
                    .find(|p| &p.name == proto)
                    .map(|p| p.metadata.clone())
                    .unwrap_or_default(),
            })
            .collect()
    }
}
