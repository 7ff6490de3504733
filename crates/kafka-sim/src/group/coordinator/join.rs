//! The membership protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, the rebalance (initial
//! delay, join completion, pending syncs) and session expiry, as `GroupCoordinator.scala` does them.

use super::events::{GroupEvent, GroupState, GroupTimer};
use super::group::{Group, Member};
use super::{GroupCoordinator, InFlight, OffsetsRecord, Output, ReplyTo, random_uuid};
use crate::error_code::ErrorCode;
use crate::group::wire::{ClientResponse, JoinGroupRequest, JoinGroupResponse};
use crate::rng::SimRng;
use crate::time::SimTime;

pub(super) fn join_error(error: ErrorCode, member_id: &str) -> ClientResponse {
    ClientResponse::JoinGroup(JoinGroupResponse {
        error,
        generation_id: -1,
        protocol_name: None,
        leader: String::new(),
        member_id: member_id.to_string(),
        members: Vec::new(),
    })
}

pub(super) fn sync_error(error: ErrorCode) -> ClientResponse {
    ClientResponse::SyncGroup {
        error,
        protocol_name: None,
        assignment: Vec::new(),
    }
}

/// A successful JoinGroup answer at `generation`: the leader alone gets every member's metadata.
fn join_ok(
    generation: i32,
    protocol: Option<String>,
    leader: String,
    member_id: String,
    all: impl FnOnce() -> Vec<crate::group::wire::JoinGroupMember>,
) -> ClientResponse {
    let members = if member_id == leader { all() } else { Vec::new() };
    ClientResponse::JoinGroup(JoinGroupResponse {
        error: ErrorCode::None,
        generation_id: generation,
        protocol_name: protocol,
        leader,
        member_id,
        members,
    })
}

fn reason_text(r: &Option<String>) -> &str {
    r.as_deref().unwrap_or("not provided")
}

fn ms(v: u64) -> SimTime {
    SimTime::from_millis(v)
}

impl GroupCoordinator {
    pub(super) fn join_group(
        &mut self,
        now: SimTime,
        reply: ReplyTo,
        req: JoinGroupRequest,
        rng: &mut SimRng,
        out: &mut Output,
    ) {
        if let Some(e) = self.coordinator_error(&req.group_id) {
            return out.respond(reply, join_error(e, &req.member_id));
        }
        let s = &self.settings;
        if req.session_timeout_ms < s.min_session_timeout_ms
            || req.session_timeout_ms > s.max_session_timeout_ms
        {
            return out.respond(
                reply,
                join_error(ErrorCode::InvalidSessionTimeout, &req.member_id),
            );
        }
        let unknown = req.member_id.is_empty();
        if !self.groups.contains_key(&req.group_id) {
            if !unknown {
                return out.respond(reply, join_error(ErrorCode::UnknownMemberId, &req.member_id));
            }
            self.groups
                .insert(req.group_id.clone(), Group::new(&req.group_id));
        }
        let max_size = usize::try_from(self.settings.max_size).unwrap_or(usize::MAX);
        let gid = req.group_id.clone();
        let Some(g) = self.groups.get_mut(&gid) else {
            return;
        };
        if !g.supports(&req.protocol_type, &req.protocols) {
            return out.respond(
                reply,
                join_error(ErrorCode::InconsistentGroupProtocol, &req.member_id),
            );
        }
        if unknown && g.members.len() + g.pending_members.len() >= max_size {
            return out.respond(reply, join_error(ErrorCode::GroupMaxSizeReached, &req.member_id));
        }
        if unknown {
            let prefix = req
                .group_instance_id
                .clone()
                .unwrap_or_else(|| req.client_id.clone());
            let new_id = format!("{prefix}-{}", random_uuid(rng));
            match req.group_instance_id.clone() {
                None => {
                    out.log(format!(
                        "Dynamic member with unknown member id joins group {} in {} state. Created a new member id {} and requesting the member to rejoin with this id.",
                        gid, g.state, new_id
                    ));
                    let deadline = now + ms(u64::try_from(req.session_timeout_ms).unwrap_or(0));
                    g.pending_members.insert(new_id.clone(), deadline);
                    out.timers.push((
                        deadline - now,
                        GroupTimer::Heartbeat {
                            group: gid.clone(),
                            member: new_id.clone(),
                        },
                    ));
                    out.respond(reply, join_error(ErrorCode::MemberIdRequired, &new_id));
                }
                Some(iid) => match g.static_members.get(&iid).cloned() {
                    None => self.add_member_and_rebalance(now, reply, &gid, new_id, req, out),
                    Some(old) => self.replace_static_member(now, reply, &gid, &old, new_id, req, out),
                },
            }
        } else {
            self.current_member_join(now, reply, &gid, req, out);
        }
        self.maybe_complete_join(now, &gid, out);
    }

    fn current_member_join(
        &mut self,
        now: SimTime,
        reply: ReplyTo,
        gid: &str,
        req: JoinGroupRequest,
        out: &mut Output,
    ) {
        let Some(g) = self.groups.get_mut(gid) else {
            return;
        };
        let mid = req.member_id.clone();
        if g.pending_members.remove(&mid).is_some() {
            return self.add_member_and_rebalance(now, reply, gid, mid, req, out);
        }
        if g.fenced(req.group_instance_id.as_deref(), &mid) {
            return out.respond(reply, join_error(ErrorCode::FencedInstanceId, &mid));
        }
        let Some(m) = g.members.get(&mid) else {
            return out.respond(reply, join_error(ErrorCode::UnknownMemberId, &mid));
        };
        let matches = m.matches(&req.protocols);
        let is_leader = g.leader.as_deref() == Some(mid.as_str());
        let state = g.state;
        match state {
            GroupState::PreparingRebalance => {
                let reason = format!(
                    "Member {mid} joining group during {state}; client reason: {}",
                    reason_text(&req.reason)
                );
                self.update_member_and_rebalance(now, reply, gid, req, reason, out);
            }
            GroupState::CompletingRebalance | GroupState::Stable
                if matches && !(is_leader && state == GroupState::Stable) =>
            {
                // Nothing changed: answer with the current generation.
                if let Some(m) = g.members.get_mut(&mid) {
                    m.last_heard = now;
                }
                let leader = g.leader.clone().unwrap_or_default();
                let answer = join_ok(g.generation, g.protocol.clone(), leader, mid, || {
                    g.member_metadata()
                });
                out.respond(reply, answer);
            }
            GroupState::CompletingRebalance | GroupState::Stable => {
                let reason = if is_leader && matches {
                    format!(
                        "Leader {mid} re-joining group during {state}; client reason: {}",
                        reason_text(&req.reason)
                    )
                } else {
                    format!(
                        "Updating metadata for member {mid} during {state}; client reason: {}",
                        reason_text(&req.reason)
                    )
                };
                self.update_member_and_rebalance(now, reply, gid, req, reason, out);
            }
            GroupState::Empty | GroupState::Dead => {
                out.respond(reply, join_error(ErrorCode::UnknownMemberId, &mid))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn replace_static_member(
        &mut self,
        now: SimTime,
        reply: ReplyTo,
        gid: &str,
        old_id: &str,
        new_id: String,
        req: JoinGroupRequest,
        out: &mut Output,
    ) {
        let Some(g) = self.groups.get_mut(gid) else {
            return;
        };
        let Some(mut m) = g.members.remove(old_id) else {
            return;
        };
        // The old incarnation's parked requests are fenced.
        if let Some(r) = m.awaiting_join.take() {
            out.respond(r, join_error(ErrorCode::FencedInstanceId, old_id));
        }
        if let Some(r) = m.awaiting_sync.take() {
            out.respond(r, sync_error(ErrorCode::FencedInstanceId));
        }
        if g.leader.as_deref() == Some(old_id) {
            g.leader = Some(new_id.clone());
        }
        g.pending_sync.retain(|x| x != old_id);
        m.id = new_id.clone();
        m.last_heard = now;
        // The armed check names the old id and will find nobody: arm one for the new id.
        m.check_at = None;
        if let Some(iid) = &m.instance_id {
            g.static_members.insert(iid.clone(), new_id.clone());
        }
        let same = m.matches(&req.protocols);
        g.members.insert(new_id.clone(), m);
        self.arm_heartbeat(now, gid, &new_id, out);
        let Some(g) = self.groups.get_mut(gid) else {
            return;
        };
        match g.state {
            GroupState::Stable if same => {
                out.log(
                    "Static member which joins during Stable stage and doesn't affect the selected protocol will not trigger a rebalance."
                        .to_string(),
                );
                let leader = g.leader.clone().unwrap_or_default();
                let answer = join_ok(g.generation, g.protocol.clone(), leader, new_id, || {
                    g.member_metadata()
                });
                out.respond(reply, answer);
            }
            _ => {
                let reason = format!(
                    "Updating metadata for static member {} with instance id {}; client reason: {}",
                    new_id,
                    req.group_instance_id.as_deref().unwrap_or("null"),
                    reason_text(&req.reason)
                );
                let mut req = req;
                req.member_id = new_id;
                self.update_member_and_rebalance(now, reply, gid, req, reason, out);
            }
        }
    }

    fn add_member_and_rebalance(
        &mut self,
        now: SimTime,
        reply: ReplyTo,
        gid: &str,
        member_id: String,
        req: JoinGroupRequest,
        out: &mut Output,
    ) {
        let Some(g) = self.groups.get_mut(gid) else {
            return;
        };
        if g.is(GroupState::PreparingRebalance) && g.generation == 0 {
            g.new_member_added = true;
        }
        g.add(Member {
            id: member_id.clone(),
            instance_id: req.group_instance_id.clone(),
            client_id: req.client_id.clone(),
            session_timeout_ms: req.session_timeout_ms,
            rebalance_timeout_ms: req.rebalance_timeout_ms,
            protocol_type: req.protocol_type.clone(),
            protocols: req.protocols.clone(),
            last_heard: now,
            awaiting_join: Some(reply),
            awaiting_sync: None,
            assignment: Vec::new(),
            is_new: true,
            check_at: None,
            added: 0,
        });
        out.events.push(GroupEvent::MemberJoined {
            group: gid.to_string(),
            member: member_id.clone(),
            instance_id: req.group_instance_id.clone(),
        });
        self.arm_heartbeat(now, gid, &member_id, out);
        let reason = format!(
            "Adding new member {member_id} with group instance id {}; client reason: {}",
            req.group_instance_id.as_deref().unwrap_or("null"),
            reason_text(&req.reason)
        );
        self.maybe_prepare_rebalance(now, gid, reason, out);
    }

    fn update_member_and_rebalance(
        &mut self,
        now: SimTime,
        reply: ReplyTo,
        gid: &str,
        req: JoinGroupRequest,
        reason: String,
        out: &mut Output,
    ) {
        let Some(m) = self
            .groups
            .get_mut(gid)
            .and_then(|g| g.members.get_mut(&req.member_id))
        else {
            return;
        };
        m.protocols = req.protocols;
        m.rebalance_timeout_ms = req.rebalance_timeout_ms;
        m.session_timeout_ms = req.session_timeout_ms;
        m.last_heard = now;
        if let Some(old) = m.awaiting_join.replace(reply) {
            out.respond(old, join_error(ErrorCode::UnknownMemberId, &req.member_id));
        }
        self.maybe_prepare_rebalance(now, gid, reason, out);
    }

    pub(super) fn transition(g: &mut Group, to: GroupState, out: &mut Output) {
        if g.state == to || !to.valid_from(g.state) {
            return;
        }
        out.events.push(GroupEvent::StateChanged {
            group: g.id.clone(),
            from: g.state,
            to,
        });
        g.state = to;
    }

    pub(super) fn maybe_prepare_rebalance(
        &mut self,
        now: SimTime,
        gid: &str,
        reason: String,
        out: &mut Output,
    ) {
        let can = self.groups.get(gid).is_some_and(|g| {
            matches!(
                g.state,
                GroupState::Stable | GroupState::CompletingRebalance | GroupState::Empty
            )
        });
        if can {
            self.prepare_rebalance(now, gid, reason, out);
        }
    }

    fn prepare_rebalance(&mut self, _now: SimTime, gid: &str, reason: String, out: &mut Output) {
        let seq = self.seq();
        let delay = u64::try_from(self.settings.initial_rebalance_delay_ms).unwrap_or(0);
        let Some(g) = self.groups.get_mut(gid) else {
            return;
        };
        if g.is(GroupState::CompletingRebalance) {
            // `resetAndPropagateAssignmentError`: parked syncs learn of the new rebalance.
            for m in g.members.values_mut() {
                m.assignment.clear();
                if let Some(r) = m.awaiting_sync.take() {
                    out.respond(r, sync_error(ErrorCode::RebalanceInProgress));
                }
            }
        }
        g.pending_sync.clear();
        let timeout = g.rebalance_timeout_ms();
        let (wait, timer) = if g.is(GroupState::Empty) {
            g.join_wait = Some((seq, Some(timeout.saturating_sub(delay))));
            g.new_member_added = false;
            (
                delay,
                GroupTimer::InitialJoin {
                    group: gid.to_string(),
                    seq,
                },
            )
        } else {
            g.join_wait = Some((seq, None));
            (
                timeout,
                GroupTimer::Join {
                    group: gid.to_string(),
                    seq,
                },
            )
        };
        Self::transition(g, GroupState::PreparingRebalance, out);
        out.log(format!(
            "Preparing to rebalance group {gid} in state {} with old generation {} (reason: {reason}).",
            g.state, g.generation
        ));
        out.events.push(GroupEvent::RebalanceStarted {
            group: gid.to_string(),
            old_generation: g.generation,
            reason,
        });
        out.timers.push((ms(wait), timer));
    }

    /// `rebalancePurgatory.checkAndComplete`: a regular join wait ends once everyone has joined.
    pub(super) fn maybe_complete_join(&mut self, now: SimTime, gid: &str, out: &mut Output) {
        let ready = self.groups.get(gid).is_some_and(|g| {
            g.is(GroupState::PreparingRebalance) && matches!(g.join_wait, Some((_, None))) && g.all_joined()
        });
        if ready {
            self.complete_join(now, gid, out);
        }
    }

    /// `onCompleteJoin`.
    pub(super) fn complete_join(&mut self, now: SimTime, gid: &str, out: &mut Output) {
        let Some(g) = self.groups.get_mut(gid) else {
            return;
        };
        g.join_wait = None;
        let missing: Vec<String> = (g.members.values())
            .filter(|m| m.awaiting_join.is_none() && m.instance_id.is_none())
            .map(|m| m.id.clone())
            .collect();
        if !missing.is_empty() {
            out.log(format!(
                "Group {gid} removed dynamic members who haven't joined: [{}]",
                missing.join(", ")
            ));
            for id in &missing {
                g.remove(id);
                out.events.push(GroupEvent::MemberRemoved {
                    group: gid.to_string(),
                    member: id.clone(),
                    reason: "did not rejoin before the rebalance timeout".into(),
                });
            }
        }
        // `maybeElectNewJoinedLeader`: a leader that did not rejoin is replaced by one that did.
        if g.leader
            .as_ref()
            .is_some_and(|l| g.members.get(l).is_none_or(|m| m.awaiting_join.is_none()))
        {
            g.leader = (g.members.values())
                .filter(|m| m.awaiting_join.is_some())
                .min_by_key(|m| m.added)
                .map(|m| m.id.clone())
                .or(g.leader.take());
        }
        g.generation += 1;
        let empty = g.members.is_empty();
        if empty {
            g.protocol = None;
            Self::transition(g, GroupState::Empty, out);
        } else {
            g.protocol = g.select_protocol();
            Self::transition(g, GroupState::CompletingRebalance, out);
        }
        out.log(format!(
            "Stabilized group {gid} generation {} with {} members.",
            g.generation,
            g.members.len()
        ));
        let all = g.member_metadata();
        let (generation, protocol, leader) = (
            g.generation,
            g.protocol.clone(),
            g.leader.clone().unwrap_or_default(),
        );
        let mut ids = Vec::new();
        for m in g.members.values_mut() {
            m.is_new = false;
            m.last_heard = now;
            // `completeAndScheduleNextHeartbeatExpiration`: the check armed with the 5-minute new-member
            // session is replaced by one at the member's own session timeout.
            m.check_at = None;
            ids.push(m.id.clone());
            if let Some(r) = m.awaiting_join.take() {
                let answer = join_ok(generation, protocol.clone(), leader.clone(), m.id.clone(), || {
                    all.clone()
                });
                out.respond(r, answer);
            }
        }
        if !ids.is_empty() {
            g.pending_sync = ids.clone();
            let timeout = g.rebalance_timeout_ms();
            out.timers.push((
                ms(timeout),
                GroupTimer::PendingSync {
                    group: gid.to_string(),
                    generation,
                },
            ));
        }
        for id in ids {
            self.arm_heartbeat(now, gid, &id, out);
        }
        if empty && let Some(g) = self.groups.get(gid) {
            // An empty group's new generation is stored too (`storeGroup` with no members).
            let record = OffsetsRecord::Group(g.record(&[]));
            let then = InFlight::Store {
                group: gid.to_string(),
            };
            self.store(gid, record, then, out);
        }
    }

    /// Arms a member's heartbeat check unless one is armed.
    pub(super) fn arm_heartbeat(&mut self, now: SimTime, gid: &str, mid: &str, out: &mut Output) {
        if let Some(m) = self.groups.get_mut(gid).and_then(|g| g.members.get_mut(mid))
            && m.check_at.is_none()
        {
            let after = m.deadline().saturating_sub(now);
            m.check_at = Some(now + after);
            out.timers.push((
                after,
                GroupTimer::Heartbeat {
                    group: gid.to_string(),
                    member: mid.to_string(),
                },
            ));
        }
    }
}
