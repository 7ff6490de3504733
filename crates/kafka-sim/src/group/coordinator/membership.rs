//! SyncGroup, Heartbeat, LeaveGroup and the timers: the initial delayed join's extension, session
//! expiry and pending-sync expiry.

use super::events::{GroupEvent, GroupState, GroupTimer};
use super::join::{join_error, sync_error};
use super::{GroupCoordinator, InFlight, OffsetsRecord, Output, PendingCommit, ReplyTo};
use crate::error_code::ErrorCode;
use crate::group::wire::{ClientResponse, LeavingMember, NamedPartition, SyncGroupRequest};
use crate::time::SimTime;

fn reason_text(r: &Option<String>) -> &str {
    r.as_deref().unwrap_or("not provided")
}

fn ms(v: u64) -> SimTime {
    SimTime::from_millis(v)
}

impl GroupCoordinator {
    pub(super) fn sync_group(
        &mut self,
        now: SimTime,
        reply: ReplyTo,
        req: SyncGroupRequest,
        out: &mut Output,
    ) {
        if let Some(e) = self.coordinator_error(&req.group_id) {
            return out.respond(reply, sync_error(e));
        }
        let gid = req.group_id.clone();
        let Some(g) = self.groups.get_mut(&gid) else {
            return out.respond(reply, sync_error(ErrorCode::UnknownMemberId));
        };
        if g.fenced(req.group_instance_id.as_deref(), &req.member_id) {
            return out.respond(reply, sync_error(ErrorCode::FencedInstanceId));
        }
        if !g.members.contains_key(&req.member_id) {
            return out.respond(reply, sync_error(ErrorCode::UnknownMemberId));
        }
        if req.generation_id != g.generation {
            return out.respond(reply, sync_error(ErrorCode::IllegalGeneration));
        }
        if req.protocol_name.is_some() && req.protocol_name != g.protocol {
            return out.respond(reply, sync_error(ErrorCode::InconsistentGroupProtocol));
        }
        match g.state {
            GroupState::Empty => out.respond(reply, sync_error(ErrorCode::UnknownMemberId)),
            GroupState::Dead => out.respond(reply, sync_error(ErrorCode::CoordinatorNotAvailable)),
            GroupState::PreparingRebalance => out.respond(reply, sync_error(ErrorCode::RebalanceInProgress)),
            GroupState::CompletingRebalance => {
                g.pending_sync.retain(|x| x != &req.member_id);
                if let Some(m) = g.members.get_mut(&req.member_id) {
                    m.last_heard = now;
                    if let Some(old) = m.awaiting_sync.replace(reply) {
                        out.respond(old, sync_error(ErrorCode::UnknownMemberId));
                    }
                }
                if g.leader.as_deref() == Some(req.member_id.as_str()) {
                    let statics = g.members.values().filter(|m| m.instance_id.is_some()).count();
                    out.log(format!(
                        "Assignment received from leader {} for group {gid} for generation {}. The group has {} members, {statics} of which are static.",
                        req.member_id,
                        g.generation,
                        g.members.len()
                    ));
                    // Every member gets an entry (missing ones an empty assignment), and the
                    // assignment is stored before anyone learns it (`storeGroup`).
                    let assignment: Vec<(String, Vec<NamedPartition>)> = (g.members.keys())
                        .map(|id| {
                            let a = (req.assignments.iter())
                                .find(|(m, _)| m == id)
                                .map(|(_, a)| a.clone())
                                .unwrap_or_default();
                            (id.clone(), a)
                        })
                        .collect();
                    let record = OffsetsRecord::Group(g.record(&assignment));
                    let generation = g.generation;
                    self.store(
                        &gid,
                        record,
                        InFlight::Sync {
                            group: gid.clone(),
                            generation,
                            assignment,
                        },
                        out,
                    );
                }
            }
            GroupState::Stable => {
                g.pending_sync.retain(|x| x != &req.member_id);
                if let Some(m) = g.members.get_mut(&req.member_id) {
                    m.last_heard = now;
                    out.respond(
                        reply,
                        ClientResponse::SyncGroup {
                            error: ErrorCode::None,
                            protocol_name: g.protocol.clone(),
                            assignment: m.assignment.clone(),
                        },
                    );
                }
            }
        }
    }

    pub(super) fn heartbeat(
        &mut self,
        now: SimTime,
        gid: &str,
        generation: i32,
        member_id: &str,
        instance_id: Option<&str>,
        _out: &mut Output,
    ) -> ErrorCode {
        if let Some(e) = self.coordinator_error(gid) {
            return e;
        }
        let Some(g) = self.groups.get_mut(gid) else {
            return ErrorCode::UnknownMemberId;
        };
        if g.fenced(instance_id, member_id) {
            return ErrorCode::FencedInstanceId;
        }
        let state = g.state;
        let Some(m) = g.members.get_mut(member_id) else {
            return ErrorCode::UnknownMemberId;
        };
        if state == GroupState::Dead {
            return ErrorCode::CoordinatorNotAvailable;
        }
        if generation != g.generation {
            return ErrorCode::IllegalGeneration;
        }
        match state {
            GroupState::Empty | GroupState::Dead => ErrorCode::UnknownMemberId,
            GroupState::PreparingRebalance | GroupState::CompletingRebalance => {
                m.last_heard = now;
                ErrorCode::RebalanceInProgress
            }
            GroupState::Stable => {
                m.last_heard = now;
                ErrorCode::None
            }
        }
    }

    pub(super) fn leave_group(
        &mut self,
        now: SimTime,
        reply: ReplyTo,
        gid: &str,
        leaving: Vec<LeavingMember>,
        out: &mut Output,
    ) {
        if let Some(e) = self.coordinator_error(gid) {
            return out.respond(
                reply,
                ClientResponse::LeaveGroup {
                    error: e,
                    members: Vec::new(),
                },
            );
        }
        let Some(g) = self.groups.get_mut(gid) else {
            let members = leaving
                .into_iter()
                .map(|l| (l.member_id, ErrorCode::UnknownMemberId))
                .collect();
            return out.respond(
                reply,
                ClientResponse::LeaveGroup {
                    error: ErrorCode::None,
                    members,
                },
            );
        };
        let mut results = Vec::new();
        let mut removed = Vec::new();
        for l in leaving {
            let id = match (&l.group_instance_id, l.member_id.is_empty()) {
                (Some(iid), true) => g.static_members.get(iid).cloned().unwrap_or_default(),
                _ => l.member_id.clone(),
            };
            if g.fenced(l.group_instance_id.as_deref(), &id) {
                results.push((l.member_id, ErrorCode::FencedInstanceId));
            } else if g.pending_members.remove(&id).is_some() {
                out.log(format!(
                    "Pending member {id} has left group {gid} through explicit `LeaveGroup` request"
                ));
                results.push((l.member_id, ErrorCode::None));
            } else if let Some(m) = g.remove(&id) {
                out.log(format!(
                    "[Group {gid}] Member {id} has left group through explicit `LeaveGroup` request; client reason: {}",
                    reason_text(&l.reason)
                ));
                if let Some(r) = m.awaiting_join {
                    out.respond(r, join_error(ErrorCode::UnknownMemberId, &id));
                }
                out.events.push(GroupEvent::MemberRemoved {
                    group: gid.to_string(),
                    member: id.clone(),
                    reason: format!(
                        "explicit `LeaveGroup` request; client reason: {}",
                        reason_text(&l.reason)
                    ),
                });
                removed.push(id);
                results.push((l.member_id, ErrorCode::None));
            } else {
                results.push((l.member_id, ErrorCode::UnknownMemberId));
            }
        }
        out.respond(
            reply,
            ClientResponse::LeaveGroup {
                error: ErrorCode::None,
                members: results,
            },
        );
        if !removed.is_empty() {
            let reason = format!(
                "explicit `LeaveGroup` request for ({}) members.",
                removed.join(", ")
            );
            self.after_removal(now, gid, reason, out);
        }
    }

    /// After members were removed: rebalance a Stable or CompletingRebalance group, or see whether
    /// a join in progress can complete.
    fn after_removal(&mut self, now: SimTime, gid: &str, reason: String, out: &mut Output) {
        match self.groups.get(gid).map(|g| g.state) {
            Some(GroupState::Stable | GroupState::CompletingRebalance) => {
                self.maybe_prepare_rebalance(now, gid, reason, out)
            }
            Some(GroupState::PreparingRebalance) => self.maybe_complete_join(now, gid, out),
            _ => {}
        }
    }

    /// A timer fired.
    pub fn on_timer(&mut self, now: SimTime, timer: &GroupTimer) -> Output {
        let mut out = Output::default();
        match timer {
            GroupTimer::InitialJoin { group, seq } => self.on_initial_join(now, group, *seq, &mut out),
            GroupTimer::Join { group, seq } => {
                if self
                    .groups
                    .get(group)
                    .is_some_and(|g| g.join_wait.is_some_and(|(s, _)| s == *seq))
                {
                    self.complete_join(now, group, &mut out);
                }
            }
            GroupTimer::Heartbeat { group, member } => self.on_heartbeat_check(now, group, member, &mut out),
            GroupTimer::PendingSync { group, generation } => {
                self.on_pending_sync_expired(now, group, *generation, &mut out)
            }
            GroupTimer::CommitTimeout { .. } | GroupTimer::FetchWait { .. } => {}
        }
        out
    }

    /// `InitialDelayedJoin.onComplete`: extend while new members keep coming and budget remains.
    fn on_initial_join(&mut self, now: SimTime, gid: &str, seq: u64, out: &mut Output) {
        let delay = u64::try_from(self.settings.initial_rebalance_delay_ms).unwrap_or(0);
        let Some(g) = self.groups.get_mut(gid) else {
            return;
        };
        let Some((s, Some(remaining))) = g.join_wait else {
            return;
        };
        if s != seq || !g.is(GroupState::PreparingRebalance) {
            return;
        }
        if g.new_member_added && remaining != 0 {
            g.new_member_added = false;
            let d = delay.min(remaining);
            g.join_wait = Some((seq, Some(remaining - d)));
            out.timers.push((
                ms(d),
                GroupTimer::InitialJoin {
                    group: gid.to_string(),
                    seq,
                },
            ));
        } else {
            self.complete_join(now, gid, out);
        }
    }

    fn on_heartbeat_check(&mut self, now: SimTime, gid: &str, mid: &str, out: &mut Output) {
        let Some(g) = self.groups.get_mut(gid) else {
            return;
        };
        if let Some(deadline) = g.pending_members.get(mid).copied() {
            if deadline <= now {
                g.pending_members.remove(mid);
                out.log(format!(
                    "Pending member {mid} in group {gid} has been removed after session timeout expiration."
                ));
                self.maybe_complete_join(now, gid, out);
            }
            return;
        }
        let Some(m) = g.members.get_mut(mid) else {
            return;
        };
        if m.check_at != Some(now) {
            // Superseded by a check armed since (e.g. when a join completed).
            return;
        }
        m.check_at = None;
        if m.parked() || m.deadline() > now {
            let after = if m.parked() {
                ms(u64::try_from(m.session_timeout_ms).unwrap_or(0))
            } else {
                m.deadline() - now
            };
            m.check_at = Some(now + after);
            out.timers.push((
                after,
                GroupTimer::Heartbeat {
                    group: gid.to_string(),
                    member: mid.to_string(),
                },
            ));
            return;
        }
        out.log(format!(
            "Member {mid} in group {gid} has failed, removing it from the group."
        ));
        let reason = format!("removing member {mid} on heartbeat expiration.");
        if let Some(m) = g.remove(mid)
            && let Some(r) = m.awaiting_join
        {
            out.respond(r, join_error(ErrorCode::UnknownMemberId, mid));
        }
        out.events.push(GroupEvent::MemberRemoved {
            group: gid.to_string(),
            member: mid.to_string(),
            reason: reason.clone(),
        });
        self.after_removal(now, gid, reason, out);
    }

    fn on_pending_sync_expired(&mut self, now: SimTime, gid: &str, generation: i32, out: &mut Output) {
        let Some(g) = self.groups.get_mut(gid) else {
            return;
        };
        if g.generation != generation
            || !matches!(g.state, GroupState::CompletingRebalance | GroupState::Stable)
            || g.pending_sync.is_empty()
        {
            return;
        }
        let ids = std::mem::take(&mut g.pending_sync);
        let reason = format!("Removing [{}] on pending sync request expiration", ids.join(", "));
        for id in &ids {
            if let Some(m) = g.remove(id) {
                if let Some(r) = m.awaiting_sync {
                    out.respond(r, sync_error(ErrorCode::UnknownMemberId));
                }
                out.events.push(GroupEvent::MemberRemoved {
                    group: gid.to_string(),
                    member: id.clone(),
                    reason: reason.clone(),
                });
            }
        }
        self.after_removal(now, gid, reason, out);
    }

    /// Asks the broker to append `record` to the group's partition; `then` decides what its
    /// outcome does ([`GroupCoordinator::commit_completed`]).
    pub(super) fn store(&mut self, gid: &str, record: OffsetsRecord, then: InFlight, out: &mut Output) {
        self.next_token += 1;
        let token = self.next_token;
        self.in_flight.insert(token, then);
        out.commits.push(PendingCommit {
            token,
            partition: self.partition_for(gid),
            record,
        });
    }

    /// The leader's assignment is stored (or failed): `setAndPropagateAssignment` and Stable, or
    /// `resetAndPropagateAssignmentError` and a new rebalance.
    pub(super) fn assignment_stored(
        &mut self,
        gid: &str,
        generation: i32,
        assignment: Vec<(String, Vec<NamedPartition>)>,
        error: ErrorCode,
        out: &mut Output,
    ) {
        let Some(g) = self.groups.get_mut(gid) else {
            return;
        };
        if !g.is(GroupState::CompletingRebalance) || g.generation != generation {
            return;
        }
        if error != ErrorCode::None {
            for m in g.members.values_mut() {
                m.assignment.clear();
                if let Some(r) = m.awaiting_sync.take() {
                    out.respond(r, sync_error(error));
                }
            }
            let reason = format!(
                "Error {} when storing group assignment during SyncGroup",
                error.name()
            );
            self.maybe_prepare_rebalance(SimTime::ZERO, gid, reason, out);
            return;
        }
        for m in g.members.values_mut() {
            m.assignment = (assignment.iter())
                .find(|(id, _)| *id == m.id)
                .map(|(_, a)| a.clone())
                .unwrap_or_default();
            if let Some(r) = m.awaiting_sync.take() {
                out.respond(
                    r,
                    ClientResponse::SyncGroup {
                        error: ErrorCode::None,
                        protocol_name: g.protocol.clone(),
                        assignment: m.assignment.clone(),
                    },
                );
            }
        }
        Self::transition(g, GroupState::Stable, out);
        out.events.push(GroupEvent::RebalanceCompleted {
            group: gid.to_string(),
            generation: g.generation,
            protocol: g.protocol.clone(),
            leader: g.leader.clone(),
            assignment,
        });
    }
}
