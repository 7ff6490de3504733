//! The rebalance: `onJoinPrepare` (auto-commit, revoke or lose), JoinGroup and SyncGroup with
//! their answers, the leader's assignment, `onJoinComplete` (EAGER and COOPERATIVE callbacks), and
//! the revocation on close.

use super::super::delivery::{IncidentFact, MemberIncident};
use super::super::wire::{
    ClientRequest, JoinGroupRequest, JoinGroupResponse, JoinProtocol, NamedPartition, Subscription,
    SyncGroupRequest,
};
use super::coordinator::error_exc;
use super::{Consumer, MemberState, PosPhase, ReqKind};
use crate::error_code::ErrorCode;
use crate::record::TopicPartition;
use crate::rng::SimRng;
use crate::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};

impl Consumer {
    /// The join part of `poll()` (`ensureActiveGroup`, non-blocking): prepare, then send JoinGroup.
    pub(super) fn maybe_join(&mut self, now: SimTime) {
        let Some(c) = self.coordinator else { return };
        if !self.rejoin_needed || self.join_in_flight() || now < self.join_next {
            return;
        }
        if self.needs_join_prepare {
            self.on_join_prepare(now);
            self.needs_join_prepare = false;
        }
        self.state = MemberState::PreparingRebalance;
        self.log("INFO", "(Re-)joining group".to_string());
        let owned: Vec<NamedPartition> = self.parts.keys().map(|tp| self.named(*tp)).collect();
        let subscription = Subscription {
            topics: self.setup.topics.iter().map(|t| t.name.clone()).collect(),
            owned_partitions: owned,
            generation_id: self.generation,
            rack_id: (!self.setup.config.client_rack.is_empty())
                .then(|| self.setup.config.client_rack.clone()),
        };
        let protocols = (self.setup.config.protocol_names().into_iter())
            .map(|name| JoinProtocol {
                name: name.to_string(),
                metadata: subscription.clone(),
            })
            .collect();
        let reason = std::mem::take(&mut self.rejoin_reason);
        let req = JoinGroupRequest {
            group_id: self.setup.group_id.clone(),
            client_id: self.client_id.clone(),
            session_timeout_ms: self.setup.config.session_timeout_ms,
            rebalance_timeout_ms: i32::try_from(self.setup.config.max_poll_interval_ms).unwrap_or(i32::MAX),
            member_id: self.member_id.clone(),
            group_instance_id: self.setup.config.group_instance_id.clone(),
            protocol_type: "consumer".to_string(),
            protocols,
            reason: (!reason.is_empty()).then_some(reason),
        };
        self.send(now, c, ClientRequest::JoinGroup(req), ReqKind::Join);
    }

    /// `ConsumerCoordinator.onJoinPrepare`: auto-commit, then revoke (or lose) partitions.
    fn on_join_prepare(&mut self, now: SimTime) {
        if self.setup.commit_mode == super::CommitMode::Auto {
            self.auto_commit_now(now);
        }
        let owned: Vec<TopicPartition> = self.parts.keys().copied().collect();
        if self.generation < 0 || self.member_id.is_empty() {
            if !owned.is_empty() {
                self.log(
                    "INFO",
                    "Giving away all assigned partitions as lost since generation/memberID has been reset,indicating \
                     that consumer is in old state or no longer part of the group"
                        .to_string(),
                );
                self.lose_partitions(now, &owned);
            }
        } else if !self.cooperative {
            // EAGER: revoke everything before joining.
            let names = self.join_names(&owned);
            self.log("INFO", format!("Revoke previously assigned partitions {names}"));
            self.drop_partitions(&owned);
            if !owned.is_empty() {
                self.incident(now, MemberIncident::PartitionsLost);
            }
        }
        // COOPERATIVE: only partitions of topics no longer subscribed are revoked; subscriptions are fixed.
        self.is_leader = false;
    }

    /// `invokePartitionsLost`.
    pub(super) fn lose_partitions(&mut self, now: SimTime, tps: &[TopicPartition]) {
        let names = self.join_names(tps);
        self.log("INFO", format!("Lost previously assigned partitions {names}"));
        self.drop_partitions(tps);
        self.incident(now, MemberIncident::PartitionsLost);
    }

    /// Removes partitions from the assignment, with their buffered records.
    fn drop_partitions(&mut self, tps: &[TopicPartition]) {
        for tp in tps {
            self.parts.remove(tp);
        }
        self.buffer.retain(|c| !tps.contains(&c.tp));
    }

    pub(super) fn incident(&mut self, now: SimTime, incident: MemberIncident) {
        self.facts.incidents.push(IncidentFact {
            by: self.setup.member,
            incident,
            at: now,
        });
    }

    pub(super) fn on_join_response(&mut self, now: SimTime, r: JoinGroupResponse, rng: &mut SimRng) {
        let _ = rng;
        if self.state != MemberState::PreparingRebalance {
            return;
        }
        match r.error {
            ErrorCode::None => {
                self.member_id = r.member_id;
                self.generation = r.generation_id;
                self.protocol = r.protocol_name.clone();
                self.state = MemberState::CompletingRebalance;
                // Enabling the heartbeat thread resets its timers.
                let cfg = &self.setup.config;
                self.session_deadline = now + SimTime::from_millis(cfg.session_timeout_ms.max(1) as u64);
                self.hb_next = now + SimTime::from_millis(cfg.heartbeat_interval_ms.max(1) as u64);
                self.hb_inflight = false;
                self.log(
                    "INFO",
                    format!(
                        "Successfully joined group with generation {}",
                        self.generation_text()
                    ),
                );
                self.is_leader = r.leader == self.member_id;
                let assignments = if self.is_leader {
                    let protocol = r.protocol_name.clone().unwrap_or_default();
                    let counts: BTreeMap<String, i32> = (self.setup.topics.iter())
                        .map(|t| (t.name.clone(), t.partitions))
                        .collect();
                    let a = (self.assign)(&protocol, &counts, &r.members);
                    let text: Vec<String> = (a.iter())
                        .map(|(m, ps)| {
                            let list: Vec<String> = ps.iter().map(ToString::to_string).collect();
                            format!("{m}=Assignment(partitions=[{}])", list.join(", "))
                        })
                        .collect();
                    self.log(
                        "INFO",
                        format!(
                            "Finished assignment for group at generation {}: {{{}}}",
                            self.generation,
                            text.join(", ")
                        ),
                    );
                    a
                } else {
                    Vec::new()
                };
                let Some(c) = self.coordinator else { return };
                let req = SyncGroupRequest {
                    group_id: self.setup.group_id.clone(),
                    generation_id: self.generation,
                    member_id: self.member_id.clone(),
                    group_instance_id: self.setup.config.group_instance_id.clone(),
                    protocol_name: r.protocol_name,
                    assignments,
                };
                self.send(now, c, ClientRequest::SyncGroup(req), ReqKind::Sync);
            }
            ErrorCode::MemberIdRequired => {
                self.member_id = r.member_id.clone();
                self.state = MemberState::Unjoined;
                self.request_rejoin(&format!(
                    "need to re-join with the given member-id: {}",
                    r.member_id
                ));
            }
            ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration => {
                self.log(
                    "INFO",
                    format!(
                        "JoinGroup failed due to {}: {}",
                        error_exc(r.error),
                        r.error.message()
                    ),
                );
                self.reset_generation_on_error("JOIN_GROUP", r.error);
            }
            ErrorCode::RebalanceInProgress => {
                self.state = MemberState::Unjoined;
                self.request_rejoin("rebalance failed due to 'The group is rebalancing, so a rejoin is needed.' (RebalanceInProgressException)");
            }
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => {
                self.state = MemberState::Unjoined;
                self.rejoin_needed = true;
                self.mark_coordinator_unknown(now, &format!("error response {}", r.error.name()), false);
            }
            // JoinGroupResponseHandler's fatal errors: logged, then thrown out of poll(); the
            // listener container logs the exception and polls again (after the retry backoff here).
            fatal @ (ErrorCode::InconsistentGroupProtocol
            | ErrorCode::InvalidSessionTimeout
            | ErrorCode::InvalidGroupId
            | ErrorCode::GroupMaxSizeReached) => {
                self.state = MemberState::Unjoined;
                self.rejoin_needed = true;
                self.join_next = now + self.retry_backoff();
                self.log(
                    "ERROR",
                    format!("JoinGroup failed due to fatal error: {}", fatal.message()),
                );
                let thrown = if fatal == ErrorCode::GroupMaxSizeReached {
                    format!(
                        "Consumer group {} already has the configured maximum number of members.",
                        self.setup.group_id
                    )
                } else {
                    fatal.message().to_string()
                };
                self.log(
                    "ERROR",
                    format!(
                        "Consumer exception: org.apache.kafka.common.errors.{}: {thrown}",
                        error_exc(fatal)
                    ),
                );
            }
            other => {
                self.state = MemberState::Unjoined;
                self.rejoin_needed = true;
                self.join_next = now + self.retry_backoff();
                self.log(
                    "ERROR",
                    format!(
                        "Attempt to join group failed due to unexpected error: {}",
                        other.message()
                    ),
                );
            }
        }
    }

    pub(super) fn on_sync_response(
        &mut self,
        now: SimTime,
        error: ErrorCode,
        protocol_name: Option<String>,
        assignment: Vec<NamedPartition>,
    ) {
        if self.state != MemberState::CompletingRebalance {
            return;
        }
        match error {
            ErrorCode::None => {
                if protocol_name.is_some() {
                    self.protocol = protocol_name;
                }
                self.state = MemberState::Stable;
                self.rejoin_needed = false;
                self.needs_join_prepare = true;
                self.join_next = now;
                self.log(
                    "INFO",
                    format!(
                        "Successfully synced group in generation {}",
                        self.generation_text()
                    ),
                );
                self.on_join_complete(now, assignment);
            }
            ErrorCode::RebalanceInProgress => {
                self.log(
                    "INFO",
                    format!(
                        "SyncGroup failed: The group began another rebalance. Need to re-join the group. Sent \
                         generation was {}",
                        self.generation_text()
                    ),
                );
                self.state = MemberState::Unjoined;
                self.request_rejoin("rebalance failed due to 'The group is rebalancing, so a rejoin is needed.' (RebalanceInProgressException)");
            }
            ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration | ErrorCode::FencedInstanceId => {
                self.log(
                    "INFO",
                    format!(
                        "SyncGroup failed: {} Sent generation was {}",
                        error.message(),
                        self.generation_text()
                    ),
                );
                self.reset_generation_on_error("SYNC_GROUP", error);
            }
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => {
                self.state = MemberState::Unjoined;
                self.rejoin_needed = true;
                self.mark_coordinator_unknown(now, &format!("error response {}", error.name()), false);
            }
            _ => {
                self.state = MemberState::Unjoined;
                self.rejoin_needed = true;
                self.join_next = now + self.retry_backoff();
            }
        }
    }

    /// `ConsumerCoordinator.onJoinComplete`: apply the assignment and run the callbacks.
    fn on_join_complete(&mut self, now: SimTime, assignment: Vec<NamedPartition>) {
        let assigned: BTreeSet<TopicPartition> =
            assignment.iter().filter_map(|np| self.indexed(np)).collect();
        let list: Vec<String> = assignment.iter().map(ToString::to_string).collect();
        self.log(
            "INFO",
            format!(
                "Notifying assignor about the new Assignment(partitions=[{}])",
                list.join(", ")
            ),
        );
        let owned: BTreeSet<TopicPartition> = self.parts.keys().copied().collect();
        let added: Vec<TopicPartition> = assigned.difference(&owned).copied().collect();
        let revoked: Vec<TopicPartition> = owned.difference(&assigned).copied().collect();
        if self.cooperative {
            let set = |v: &mut dyn Iterator<Item = &TopicPartition>| format!("[{}]", self.join_names(v));
            self.log(
                "INFO",
                format!(
                    "Updating assignment with\n\tAssigned partitions:                       {}\n\tCurrent owned \
                     partitions:                  {}\n\tAdded partitions (assigned - owned):       {}\n\tRevoked \
                     partitions (owned - assigned):     {}\n",
                    set(&mut assigned.iter()),
                    set(&mut owned.iter()),
                    set(&mut added.iter()),
                    set(&mut revoked.iter())
                ),
            );
            if !revoked.is_empty() {
                let names = self.join_names(&revoked);
                self.log("INFO", format!("Revoke previously assigned partitions {names}"));
                self.drop_partitions(&revoked);
                self.incident(now, MemberIncident::PartitionsLost);
                self.request_rejoin("need to revoke partitions and re-join");
            }
        }
        for tp in &added {
            self.parts.insert(
                *tp,
                super::PartState {
                    position: -1,
                    epoch: -1,
                    phase: PosPhase::NeedsCommitted,
                },
            );
            if !self.leaders.contains_key(tp) {
                self.metadata_needed = true;
            }
        }
        let names = self.join_names(&added);
        self.log("INFO", format!("Adding newly assigned partitions: {names}"));
        if self.setup.commit_mode == super::CommitMode::Auto {
            self.next_auto_commit =
                now + SimTime::from_millis(u64::from(self.setup.config.auto_commit_interval_ms));
        }
    }

    /// The leaving part of `close()`: callbacks, then LeaveGroup (if `internal.leave.group.on.close`).
    pub(super) fn leave_on_close(&mut self, now: SimTime) {
        let owned: Vec<TopicPartition> = self.parts.keys().copied().collect();
        if !owned.is_empty() {
            if self.generation < 0 || self.member_id.is_empty() {
                self.lose_partitions(now, &owned);
            } else {
                let names = self.join_names(&owned);
                self.log("INFO", format!("Revoke previously assigned partitions {names}"));
                self.drop_partitions(&owned);
            }
        }
        if self.setup.config.internal_leave_group_on_close {
            self.maybe_leave_group(now, "the consumer is being closed");
        }
    }
}
