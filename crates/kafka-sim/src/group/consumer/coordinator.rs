//! `AbstractCoordinator` + `ConsumerCoordinator`: coordinator discovery, join and sync, the
//! heartbeat thread, leaving, and the rebalance callbacks.

use super::super::wire::{ClientRequest, ClientResponse, LeavingMember};
use super::{App, Consumer, MemberState, PosPhase, ReqKind, coordinator_text};
use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::rng::SimRng;
use crate::time::SimTime;

impl Consumer {
    pub(super) fn find_in_flight(&self) -> bool {
        (self.inflight.values()).any(|f| matches!(f.kind, ReqKind::FindCoordinator))
    }

    pub(super) fn join_in_flight(&self) -> bool {
        (self.inflight.values()).any(|f| matches!(f.kind, ReqKind::Join | ReqKind::Sync))
    }

    /// The heartbeat thread runs while the member has joined (`COMPLETING_REBALANCE` or `STABLE`).
    pub(super) fn heartbeat_enabled(&self) -> bool {
        matches!(self.state, MemberState::CompletingRebalance | MemberState::Stable)
    }

    /// When the poll timer expires: only while the application is not inside `poll()`.
    pub(super) fn poll_deadline(&self) -> Option<SimTime> {
        if matches!(self.app, App::Polling) && self.paused_until.is_none() {
            return None;
        }
        let last = self.last_poll?;
        Some(last + SimTime::from_millis(u64::from(self.setup.config.max_poll_interval_ms)))
    }

    pub(super) fn retry_backoff(&self) -> SimTime {
        SimTime::from_millis(self.setup.config.retry_backoff_ms.max(1))
    }

    /// Sends FindCoordinator to the next bootstrap broker if none is in flight and the backoff passed.
    pub(super) fn lookup_coordinator(&mut self, now: SimTime) {
        if self.find_in_flight() || now < self.find_next {
            return;
        }
        let Some(to) = self.next_bootstrap_broker() else {
            return;
        };
        let key = self.setup.group_id.clone();
        self.send(
            now,
            to,
            ClientRequest::FindCoordinator { key },
            ReqKind::FindCoordinator,
        );
    }

    /// `markCoordinatorUnknown`: forget the coordinator (and fail what was in flight to it).
    pub(super) fn mark_coordinator_unknown(&mut self, now: SimTime, cause: &str, disconnected: bool) {
        let Some(c) = self.coordinator.take() else {
            return;
        };
        self.log(
            "INFO",
            format!(
                "Group coordinator {} is unavailable or invalid due to cause: {cause}. isDisconnected: \
                 {disconnected}. Rediscovery will be attempted.",
                coordinator_text(c)
            ),
        );
        // Requests in flight to the coordinator fail; their callers retry after rediscovery.
        let dead: Vec<i32> = (self.inflight.iter())
            .filter(|(_, f)| f.to == c && is_group_request(&f.kind))
            .map(|(id, _)| *id)
            .collect();
        for id in dead {
            if let Some(f) = self.inflight.remove(&id) {
                self.request_failed(now, f.kind);
            }
        }
        self.find_next = now;
    }

    /// A group request got no answer (disconnect, timeout, coordinator lost).
    fn request_failed(&mut self, now: SimTime, kind: ReqKind) {
        match kind {
            ReqKind::Join | ReqKind::Sync => {
                // The join is retried from the next poll.
                if matches!(
                    self.state,
                    MemberState::PreparingRebalance | MemberState::CompletingRebalance
                ) {
                    self.state = MemberState::Unjoined;
                }
                self.rejoin_needed = true;
                self.join_next = now + self.retry_backoff();
            }
            ReqKind::Heartbeat { .. } => {
                self.hb_inflight = false;
                self.hb_next = now + self.retry_backoff();
            }
            ReqKind::Commit(kind) => self.commit_failed_retriable(now, kind),
            ReqKind::OffsetFetch => {
                for p in self.parts.values_mut() {
                    if p.phase == PosPhase::AwaitingCommitted {
                        p.phase = PosPhase::NeedsCommitted;
                    }
                }
            }
            ReqKind::Leave | ReqKind::FindCoordinator => {}
            ReqKind::ListOffsets(_) | ReqKind::Fetch => {}
        }
    }

    /// Requests whose deadline passed fail as a disconnect would fail them.
    pub(super) fn expire_requests(&mut self, now: SimTime) {
        let expired: Vec<i32> = (self.inflight.iter())
            .filter(|(_, f)| f.deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            let Some(f) = self.inflight.remove(&id) else {
                continue;
            };
            if is_group_request(&f.kind) && self.coordinator == Some(f.to) {
                // NetworkClient disconnects the node on a request timeout: everything in flight to
                // it fails with a DisconnectException, whose message is null.
                self.inflight.insert(id, f);
                self.mark_coordinator_unknown(now, "null", true);
                continue;
            }
            match f.kind {
                ReqKind::FindCoordinator => self.find_next = now + self.retry_backoff(),
                ReqKind::Fetch => {
                    self.fetching_from.remove(&f.to);
                    self.metadata_needed = true;
                }
                ReqKind::ListOffsets(tps) => self.list_offsets_failed(&tps),
                kind => self.request_failed(now, kind),
            }
        }
    }

    /// Dispatches a response to whoever sent the request.
    pub fn on_response(
        &mut self,
        now: SimTime,
        from: BrokerId,
        correlation_id: i32,
        response: ClientResponse,
        rng: &mut SimRng,
    ) {
        if !matches!(self.life, super::Lifecycle::Running | super::Lifecycle::Closing) {
            return;
        }
        let Some(f) = self.inflight.remove(&correlation_id) else {
            return;
        };
        match (f.kind, response) {
            (ReqKind::FindCoordinator, ClientResponse::FindCoordinator { error, coordinator }) => {
                match (error, coordinator) {
                    (ErrorCode::None, Some(c)) => {
                        self.coordinator = Some(c);
                        self.log(
                            "INFO",
                            format!("Discovered group coordinator {}", coordinator_text(c)),
                        );
                        // `heartbeat.resetSessionTimeout()`: a session that expired while the
                        // coordinator was unknown would otherwise drop the new one at once, forever.
                        let session = self.setup.config.session_timeout_ms.max(1) as u64;
                        self.session_deadline = now + SimTime::from_millis(session);
                    }
                    _ => self.find_next = now + self.retry_backoff(),
                }
            }
            (ReqKind::Join, ClientResponse::JoinGroup(r)) => self.on_join_response(now, r, rng),
            (
                ReqKind::Sync,
                ClientResponse::SyncGroup {
                    error,
                    protocol_name,
                    assignment,
                },
            ) => {
                self.on_sync_response(now, error, protocol_name, assignment);
            }
            (
                ReqKind::Heartbeat {
                    generation,
                    member_id,
                },
                ClientResponse::Heartbeat { error },
            ) => {
                self.on_heartbeat_response(now, error, generation, &member_id);
            }
            (ReqKind::Leave, _) => {}
            (ReqKind::Commit(kind), ClientResponse::OffsetCommit { results }) => {
                self.on_commit_response(now, kind, results);
            }
            (ReqKind::OffsetFetch, ClientResponse::OffsetFetch { error, offsets }) => {
                self.on_offset_fetch_response(now, error, offsets);
            }
            (ReqKind::ListOffsets(tps), ClientResponse::ListOffsets { partitions }) => {
                self.on_list_offsets_response(&tps, partitions);
            }
            (ReqKind::Fetch, ClientResponse::Fetch { partitions }) => {
                self.fetching_from.remove(&from);
                self.on_fetch_response(now, partitions);
            }
            (kind, _) => self.request_failed(now, kind),
        }
        self.drive(now, rng);
    }

    /// The heartbeat thread's loop body (`AbstractCoordinator.HeartbeatThread.run`).
    pub(super) fn heartbeat_thread(&mut self, now: SimTime) {
        if !self.heartbeat_enabled() || self.coordinator.is_none() {
            return;
        }
        if now >= self.session_deadline {
            self.mark_coordinator_unknown(
                now,
                "session timed out without receiving a heartbeat response",
                false,
            );
        } else if self.poll_deadline().is_some_and(|d| now >= d) {
            self.log(
                "WARN",
                "consumer poll timeout has expired. This means the time between subsequent calls to poll() was \
                 longer than the configured max.poll.interval.ms, which typically implies that the poll loop is \
                 spending too much time processing messages. You can address this either by increasing \
                 max.poll.interval.ms or by reducing the maximum size of batches returned in poll() with \
                 max.poll.records."
                    .to_string(),
            );
            self.maybe_leave_group(now, "consumer poll timeout has expired.");
        } else if !self.hb_inflight && now >= self.hb_next {
            let Some(c) = self.coordinator else { return };
            self.hb_inflight = true;
            self.last_hb_sent = Some(now);
            self.hb_next = now + SimTime::from_millis(self.setup.config.heartbeat_interval_ms.max(1) as u64);
            let kind = ReqKind::Heartbeat {
                generation: self.generation,
                member_id: self.member_id.clone(),
            };
            let req = ClientRequest::Heartbeat {
                group_id: self.setup.group_id.clone(),
                generation_id: self.generation,
                member_id: self.member_id.clone(),
                group_instance_id: self.setup.config.group_instance_id.clone(),
            };
            self.send(now, c, req, kind);
        }
    }

    fn on_heartbeat_response(&mut self, now: SimTime, error: ErrorCode, generation: i32, member_id: &str) {
        self.hb_inflight = false;
        let session = SimTime::from_millis(self.setup.config.session_timeout_ms.max(1) as u64);
        match error {
            ErrorCode::None => {
                self.last_hb_ok = Some(now);
                self.session_deadline = now + session;
            }
            ErrorCode::RebalanceInProgress => {
                // The coordinator is alive: the session timer is reset too.
                self.session_deadline = now + session;
                if self.state == MemberState::Stable {
                    self.request_rejoin("group is already rebalancing");
                }
            }
            ErrorCode::IllegalGeneration | ErrorCode::UnknownMemberId | ErrorCode::FencedInstanceId => {
                if generation == self.generation && member_id == self.member_id {
                    self.log(
                        "INFO",
                        format!(
                            "Attempt to heartbeat with {} and group instance id {} failed due to {}, resetting \
                             generation",
                            self.generation_text(),
                            self.instance_text(),
                            error.name()
                        ),
                    );
                    self.reset_generation_on_error("HEARTBEAT", error);
                }
            }
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => {
                self.mark_coordinator_unknown(now, &format!("error response {}", error.name()), false);
                self.hb_next = now + self.retry_backoff();
            }
            _ => self.hb_next = now + self.retry_backoff(),
        }
    }

    fn instance_text(&self) -> String {
        match &self.setup.config.group_instance_id {
            Some(i) => format!("Optional[{i}]"),
            None => "Optional.empty".to_string(),
        }
    }

    /// `requestRejoin(reason)`.
    pub(super) fn request_rejoin(&mut self, reason: &str) {
        self.log("INFO", format!("Request joining group due to: {reason}"));
        self.rejoin_needed = true;
        self.rejoin_reason = reason.to_string();
    }

    /// `resetGenerationOnResponseError`: ILLEGAL_GENERATION keeps the member id.
    pub(super) fn reset_generation_on_error(&mut self, api: &str, error: ErrorCode) {
        let reason = format!("encountered {} from {api} response", error.name());
        self.reset_state_and_rejoin(&reason, error != ErrorCode::IllegalGeneration);
    }

    /// `resetStateAndRejoin(reason, shouldResetMemberId)`.
    pub(super) fn reset_state_and_rejoin(&mut self, reason: &str, reset_member_id: bool) {
        let what = if reset_member_id { "and member id " } else { "" };
        self.log("INFO", format!("Resetting generation {what}due to: {reason}"));
        self.state = MemberState::Unjoined;
        self.generation = -1;
        self.protocol = None;
        if reset_member_id {
            self.member_id.clear();
        }
        self.request_rejoin(reason);
        self.needs_join_prepare = true;
    }

    /// `maybeLeaveGroup(reason)`: LeaveGroup for a dynamic member in the group, then reset.
    pub(super) fn maybe_leave_group(&mut self, now: SimTime, reason: &str) {
        let dynamic = self.setup.config.group_instance_id.is_none();
        if dynamic
            && let Some(c) = self.coordinator
            && self.state != MemberState::Unjoined
            && !self.member_id.is_empty()
        {
            self.log(
                "INFO",
                format!(
                    "Member {} sending LeaveGroup request to coordinator {} due to {reason}",
                    self.member_id,
                    coordinator_text(c)
                ),
            );
            let req = ClientRequest::LeaveGroup {
                group_id: self.setup.group_id.clone(),
                members: vec![LeavingMember {
                    member_id: self.member_id.clone(),
                    group_instance_id: None,
                    reason: Some(reason.to_string()),
                }],
            };
            self.send(now, c, req, ReqKind::Leave);
        }
        self.reset_state_and_rejoin("consumer pro-actively leaving the group", true);
    }
}

/// Whether the request goes to the group coordinator.
fn is_group_request(kind: &ReqKind) -> bool {
    matches!(
        kind,
        ReqKind::Join
            | ReqKind::Sync
            | ReqKind::Heartbeat { .. }
            | ReqKind::Leave
            | ReqKind::Commit(_)
            | ReqKind::OffsetFetch
    )
}

/// The exception class Kafka raises for an error.
pub(super) fn error_exc(e: ErrorCode) -> &'static str {
    e.exception()
}
