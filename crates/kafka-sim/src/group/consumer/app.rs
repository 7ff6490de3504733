//! The application thread: the poll loop, modelled processing, commits (auto, manual, before
//! processing), and the faults a driver can inject (crash, close, pause, restart).

use super::super::delivery::{CommitFact, MemberIncident, ProcessedRange};
use super::super::wire::{ClientRequest, NamedPartition, OffsetCommitRequest};
use super::{
    AfterCommit, App, Chunk, CommitKind, CommitMode, Consumer, Lifecycle, MemberState, PosPhase, Processing,
    ReqKind,
};
use crate::error_code::ErrorCode;
use crate::record::TopicPartition;
use crate::rng::SimRng;
use crate::time::SimTime;

/// `CommitFailedException()`'s default message.
pub const COMMIT_FAILED_REBALANCED: &str = "Commit cannot be completed since the group has already rebalanced and \
assigned the partitions to another member. This means that the time between subsequent calls to poll() was longer \
than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too much time \
message processing. You can address this either by increasing max.poll.interval.ms or by reducing the maximum size \
of batches returned in poll() with max.poll.records.";

/// The commit was refused client-side: the member is not in the group.
pub const COMMIT_FAILED_NOT_MEMBER: &str = "Offset commit cannot be completed since the consumer is not part of an \
active group for auto partition assignment; it is likely that the consumer was kicked out of the group.";

/// The commit was refused client-side: the member is rebalancing.
pub const REBALANCE_IN_PROGRESS_CLIENT: &str = "Offset commit cannot be completed since the consumer is undergoing a \
rebalance for auto partition assignment. You can try completing the rebalance by calling poll() and then retry the \
operation.";

/// The coordinator answered REBALANCE_IN_PROGRESS.
pub const REBALANCE_IN_PROGRESS_BROKER: &str = "Offset commit cannot be completed since the consumer group is \
executing a rebalance at the moment. You can try completing the rebalance by calling poll() and then retry commit \
again";

const COMMIT_FAILED_CLASS: &str = "org.apache.kafka.clients.consumer.CommitFailedException";
const REBALANCE_CLASS: &str = "org.apache.kafka.common.errors.RebalanceInProgressException";

type Offsets = Vec<(TopicPartition, i64, i32)>;

impl Consumer {
    /// The client starts (`new KafkaConsumer` + `subscribe` + the first `poll()`), at creation and
    /// after a restart.
    pub fn start(&mut self, now: SimTime, rng: &mut SimRng) {
        if matches!(self.life, Lifecycle::Running | Lifecycle::Closing) {
            return;
        }
        self.reset_process();
        self.life = Lifecycle::Running;
        self.app = App::Polling;
        self.last_poll = Some(now);
        let topics: Vec<&str> = self.setup.topics.iter().map(|t| t.name.as_str()).collect();
        let line = format!("Subscribed to topic(s): {}", topics.join(", "));
        self.log("INFO", line);
        self.drive(now, rng);
    }

    /// A fresh process with the same setup: everything in memory is lost except the facts not yet
    /// drained and the correlation counter (so late answers to the old process never match).
    fn reset_process(&mut self) {
        let (setup, assign, facts, corr, down) = (
            self.setup.clone(),
            self.assign,
            std::mem::take(&mut self.facts),
            self.next_correlation,
            std::mem::take(&mut self.down),
        );
        *self = Consumer::new(setup, assign);
        self.facts = facts;
        self.next_correlation = corr;
        // Which brokers refuse connections is a fact of the world, not of this process.
        self.down = down;
    }

    /// The process dies: no LeaveGroup, no commit; everything in memory is lost.
    pub fn crash(&mut self, now: SimTime) {
        // A dead process hears of no broker coming or going; it is told again when it starts.
        self.down.clear();
        if !matches!(self.life, Lifecycle::Running | Lifecycle::Closing) {
            return;
        }
        self.incident(now, MemberIncident::Crashed);
        self.processed_before_crash(now);
        self.reset_process();
        self.life = Lifecycle::Crashed;
    }

    /// `close()`: the current batch finishes, then it commits (auto-commit mode), revokes, sends
    /// LeaveGroup (dynamic members) and stops.
    pub fn close(&mut self, now: SimTime, rng: &mut SimRng) {
        if self.life != Lifecycle::Running {
            return;
        }
        self.life = Lifecycle::Closing;
        self.drive(now, rng);
    }

    /// Stalls the poll loop for `d` (a slow downstream call): no polling, no processing progress;
    /// the heartbeat thread goes on, so only `max.poll.interval.ms` can expire.
    pub fn pause(&mut self, now: SimTime, d: SimTime, rng: &mut SimRng) {
        if !matches!(self.life, Lifecycle::Running | Lifecycle::Closing) {
            return;
        }
        if matches!(self.app, App::Polling) && self.paused_until.is_none() {
            // The loop was inside poll() until now.
            self.last_poll = Some(now);
        }
        let old_end = self.paused_until.unwrap_or(now).max(now);
        let new_end = old_end.max(now + d);
        let extra = new_end - old_end;
        self.paused_until = Some(new_end);
        if let App::Processing { until, .. } = &mut self.app {
            *until += extra;
        }
        self.drive(now, rng);
    }

    /// Changes the processing time of the next batches.
    pub fn set_processing(&mut self, processing: Processing) {
        self.setup.processing = processing;
    }

    /// The application thread's step at `now`.
    pub(super) fn app_thread(&mut self, now: SimTime, rng: &mut SimRng) {
        if self.paused_until.is_some() {
            return;
        }
        // A few transitions may chain at one instant (processing ends, commit refused, next poll).
        for _ in 0..4 {
            match &self.app {
                App::Processing { until, .. } if now >= *until => self.finish_processing(now),
                App::Committing {
                    sent: false,
                    retry_at,
                    ..
                } if now >= *retry_at => {
                    if !self.try_commit_sync(now) {
                        return;
                    }
                }
                App::ReadyToProcess { .. } => {
                    if let App::ReadyToProcess { batch, generation } =
                        std::mem::replace(&mut self.app, App::Polling)
                    {
                        self.start_processing(now, batch, generation, rng);
                    }
                }
                App::Polling if self.life == Lifecycle::Closing => self.begin_close(now),
                App::Polling => {
                    self.poll_step(now, rng);
                    return;
                }
                _ => return,
            }
        }
    }

    /// One pass of `poll()`.
    fn poll_step(&mut self, now: SimTime, rng: &mut SimRng) {
        self.last_poll = Some(now);
        if self.coordinator.is_some() {
            self.maybe_join(now);
            if !self.rejoin_needed && self.state == MemberState::Stable {
                self.maybe_auto_commit(now);
            }
        }
        self.update_positions(now);
        if self.poll_throws() {
            // Stuck on a poison pill: the position stays; fetching goes on for the other partitions.
            self.send_fetches(now);
            return;
        }
        let batch = self.take_batch();
        // Pipelining: fetch the next data before handing the records over.
        self.send_fetches(now);
        if batch.is_empty() {
            return;
        }
        let generation = self.generation;
        if self.setup.commit_mode == CommitMode::BeforeProcessing {
            let offsets = batch_offsets(&batch);
            self.begin_commit_sync(now, offsets, AfterCommit::Process { batch, generation });
        } else {
            self.start_processing(now, batch, generation, rng);
        }
    }

    fn start_processing(&mut self, now: SimTime, batch: Vec<Chunk>, generation: i32, rng: &mut SimRng) {
        let records: i64 = batch.iter().map(|c| c.to - c.from).sum();
        let d = self.setup.processing.batch_time(records.max(0) as u64, rng);
        self.app = App::Processing {
            started: now,
            until: now + d,
            batch,
            generation,
        };
    }

    fn finish_processing(&mut self, now: SimTime) {
        let App::Processing {
            batch, generation, ..
        } = std::mem::replace(&mut self.app, App::Polling)
        else {
            return;
        };
        for c in &batch {
            self.facts.processed.push(ProcessedRange {
                by: self.setup.member,
                tp: c.tp,
                from: c.from,
                to: c.to,
                at: now,
                generation,
            });
        }
        if self.setup.commit_mode == CommitMode::ManualAfterProcessing {
            self.begin_commit_sync(now, batch_offsets(&batch), AfterCommit::Poll);
        }
    }

    /// A crash in the middle of a batch: the records whose processing was done by `now` were
    /// processed (their side effects happened) though never committed. Records are processed in
    /// batch order; the share done is the share of the batch's processing time elapsed (a pause
    /// within the batch counts as processing time, so this errs towards fewer).
    fn processed_before_crash(&mut self, now: SimTime) {
        let App::Processing {
            started,
            until,
            batch,
            generation,
        } = &self.app
        else {
            return;
        };
        let total: i64 = batch.iter().map(|c| c.to - c.from).sum();
        let (elapsed, span) = (
            now.saturating_sub(*started).as_micros(),
            (*until - *started).as_micros(),
        );
        if total <= 0 || span == 0 || now >= *until {
            return;
        }
        let done = (u128::from(elapsed) * total as u128 / u128::from(span)) as i64;
        let mut left = done;
        let mut ranges = Vec::new();
        for c in batch {
            if left <= 0 {
                break;
            }
            let n = (c.to - c.from).min(left);
            ranges.push(ProcessedRange {
                by: self.setup.member,
                tp: c.tp,
                from: c.from,
                to: c.from + n,
                at: now,
                generation: *generation,
            });
            left -= n;
        }
        self.facts.processed.extend(ranges);
    }

    fn begin_commit_sync(&mut self, now: SimTime, offsets: Offsets, then: AfterCommit) {
        self.app = App::Committing {
            offsets,
            then,
            started: now,
            sent: false,
            retry_at: now,
        };
        self.try_commit_sync(now);
    }

    /// Sends the pending `commitSync()`; false when it is still waiting (for a coordinator).
    fn try_commit_sync(&mut self, now: SimTime) -> bool {
        let App::Committing { offsets, started, .. } = &self.app else {
            return true;
        };
        let (offsets, started) = (offsets.clone(), *started);
        let timeout = SimTime::from_millis(u64::from(self.setup.config.default_api_timeout_ms));
        if let Err(message) = self.commit_precheck() {
            self.sync_commit_done(now, Some(message));
            return true;
        }
        let Some(c) = self.coordinator else {
            if now >= started + timeout {
                let text = format!(
                    "org.apache.kafka.common.errors.TimeoutException: Timeout of {}ms expired before successfully \
                     committing offsets {}",
                    self.setup.config.default_api_timeout_ms,
                    self.offsets_text(&offsets)
                );
                self.sync_commit_done(now, Some(text));
            } else if let App::Committing { retry_at, .. } = &mut self.app {
                *retry_at = now + SimTime::from_millis(self.setup.config.retry_backoff_ms.max(1));
            }
            return false;
        };
        let kind = CommitKind::Sync {
            offsets: offsets.clone(),
            generation: self.generation,
        };
        self.send_commit(now, c, &offsets, kind);
        if let App::Committing { sent, .. } = &mut self.app {
            *sent = true;
        }
        true
    }

    /// `sendOffsetCommitRequest`'s client-side check: only a stable member commits.
    fn commit_precheck(&self) -> Result<(), String> {
        match self.state {
            MemberState::Stable => Ok(()),
            MemberState::PreparingRebalance | MemberState::CompletingRebalance => {
                Err(format!("{REBALANCE_CLASS}: {REBALANCE_IN_PROGRESS_CLIENT}"))
            }
            MemberState::Unjoined => Err(format!("{COMMIT_FAILED_CLASS}: {COMMIT_FAILED_NOT_MEMBER}")),
        }
    }

    fn send_commit(&mut self, now: SimTime, c: crate::ids::BrokerId, offsets: &Offsets, kind: CommitKind) {
        let req = OffsetCommitRequest {
            group_id: self.setup.group_id.clone(),
            generation_id: self.generation,
            member_id: self.member_id.clone(),
            group_instance_id: self.setup.config.group_instance_id.clone(),
            offsets: offsets.iter().map(|(tp, o, _)| (self.named(*tp), *o)).collect(),
        };
        self.send(now, c, ClientRequest::OffsetCommit(req), ReqKind::Commit(kind));
    }

    /// A `commitSync()` ended: `error` is the exception's `toString`, if it failed.
    fn sync_commit_done(&mut self, now: SimTime, error: Option<String>) {
        let App::Committing { then, .. } = std::mem::replace(&mut self.app, App::Polling) else {
            return;
        };
        if let Some(e) = &error {
            self.incident(now, MemberIncident::CommitFailed);
            // The listener container logs the exception and polls again.
            self.log("ERROR", format!("Consumer exception: {e}"));
        }
        match then {
            AfterCommit::Poll => {}
            AfterCommit::Close => self.finish_close(now),
            // At-most-once: a failed commit skips the batch (the exception escapes the listener).
            AfterCommit::Process { batch, generation } => {
                if error.is_none() {
                    // The processing time is drawn by the application step, which has the rng.
                    self.app = App::ReadyToProcess { batch, generation };
                }
            }
        }
    }

    /// Auto-commit during `poll()` every `auto.commit.interval.ms`.
    fn maybe_auto_commit(&mut self, now: SimTime) {
        if self.setup.commit_mode != CommitMode::Auto || now < self.next_auto_commit {
            return;
        }
        self.auto_commit_now(now);
    }

    /// `maybeAutoCommitOffsetsAsync`: commit every consumed position.
    pub(super) fn auto_commit_now(&mut self, now: SimTime) {
        let interval = SimTime::from_millis(u64::from(self.setup.config.auto_commit_interval_ms));
        let Some(c) = self.coordinator else {
            self.next_auto_commit = now + SimTime::from_millis(self.setup.config.retry_backoff_ms);
            return;
        };
        self.next_auto_commit = now + interval;
        let offsets: Offsets = (self.parts.iter())
            .filter(|(_, p)| p.phase == PosPhase::Ready)
            .map(|(tp, p)| (*tp, p.position, p.epoch))
            .collect();
        if offsets.is_empty() {
            return;
        }
        if let Err(e) = self.commit_precheck() {
            let message = e.split_once(": ").map_or(e.as_str(), |(_, m)| m).to_string();
            let text = self.offsets_text(&offsets);
            self.log(
                "WARN",
                format!("Asynchronous auto-commit of offsets {text} failed: {message}"),
            );
            self.incident(now, MemberIncident::CommitFailed);
            return;
        }
        let kind = CommitKind::AutoAsync {
            offsets: offsets.clone(),
            generation: self.generation,
        };
        self.send_commit(now, c, &offsets, kind);
    }

    /// An OffsetCommit answer.
    pub(super) fn on_commit_response(
        &mut self,
        now: SimTime,
        kind: CommitKind,
        results: Vec<(NamedPartition, ErrorCode)>,
    ) {
        let (offsets, generation, sync) = match &kind {
            CommitKind::AutoAsync { offsets, generation } => (offsets.clone(), *generation, false),
            CommitKind::Sync { offsets, generation } => (offsets.clone(), *generation, true),
        };
        let mut first_error = ErrorCode::None;
        for (np, error) in &results {
            let Some(tp) = self.indexed(np) else { continue };
            let Some((_, offset, _)) = offsets.iter().find(|(t, _, _)| *t == tp) else {
                continue;
            };
            self.facts.commits.push(CommitFact {
                by: self.setup.member,
                tp,
                offset: *offset,
                at: now,
                ok: *error == ErrorCode::None,
            });
            if *error == ErrorCode::None {
                self.committed.insert(tp, *offset);
            } else {
                if first_error == ErrorCode::None {
                    first_error = *error;
                }
                self.log(
                    "ERROR",
                    format!(
                        "Offset commit failed on partition {np} at offset {offset}: {}",
                        error.message()
                    ),
                );
            }
        }
        let failure: Option<(String, bool)> = match first_error {
            ErrorCode::None => None,
            ErrorCode::RebalanceInProgress => Some((
                format!("{REBALANCE_CLASS}: {REBALANCE_IN_PROGRESS_BROKER}"),
                false,
            )),
            ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration => {
                let sent = format!(
                    "Generation{{generationId={generation}, memberId='{}', protocol='{}'}}",
                    self.member_id,
                    self.protocol.as_deref().unwrap_or("null")
                );
                self.log(
                    "INFO",
                    format!("OffsetCommit failed with {sent}: {}", first_error.message()),
                );
                if generation == self.generation {
                    self.reset_generation_on_error("OFFSET_COMMIT", first_error);
                }
                Some((
                    format!("{COMMIT_FAILED_CLASS}: {COMMIT_FAILED_REBALANCED}"),
                    false,
                ))
            }
            e @ (ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable) => {
                self.mark_coordinator_unknown(now, &format!("error response {}", e.name()), false);
                Some((String::new(), true))
            }
            ErrorCode::CoordinatorLoadInProgress | ErrorCode::RequestTimedOut => Some((String::new(), true)),
            e => Some((
                format!(
                    "org.apache.kafka.common.KafkaException: Unexpected error in commit: {}",
                    e.message()
                ),
                false,
            )),
        };
        match (failure, sync) {
            (None, true) => self.sync_commit_done(now, None),
            (None, false) => {}
            (Some((_, true)), _) => self.commit_failed_retriable(now, kind),
            (Some((text, false)), true) => self.sync_commit_done(now, Some(text)),
            (Some((text, false)), false) => {
                let message = text
                    .split_once(": ")
                    .map_or(text.as_str(), |(_, m)| m)
                    .to_string();
                let o = self.offsets_text(&offsets);
                self.log(
                    "WARN",
                    format!("Asynchronous auto-commit of offsets {o} failed: {message}"),
                );
                self.incident(now, MemberIncident::CommitFailed);
            }
        }
    }

    /// A commit failed with a retriable error: `commitSync()` retries after `retry.backoff.ms`; an
    /// auto-commit is retried at the next interval check after the backoff.
    pub(super) fn commit_failed_retriable(&mut self, now: SimTime, kind: CommitKind) {
        let backoff = SimTime::from_millis(self.setup.config.retry_backoff_ms.max(1));
        match kind {
            CommitKind::Sync { .. } => {
                if let App::Committing { sent, retry_at, .. } = &mut self.app {
                    *sent = false;
                    *retry_at = now + backoff;
                }
            }
            CommitKind::AutoAsync { .. } => self.next_auto_commit = now + backoff,
        }
    }

    /// `close()` from the poll loop: commit (auto-commit mode) first.
    fn begin_close(&mut self, now: SimTime) {
        let offsets: Offsets = (self.parts.iter())
            .filter(|(_, p)| p.phase == PosPhase::Ready)
            .map(|(tp, p)| (*tp, p.position, p.epoch))
            .collect();
        if self.setup.commit_mode == CommitMode::Auto
            && !offsets.is_empty()
            && self.state == MemberState::Stable
        {
            self.begin_commit_sync(now, offsets, AfterCommit::Close);
        } else {
            self.finish_close(now);
        }
    }

    fn finish_close(&mut self, now: SimTime) {
        self.leave_on_close(now);
        self.log(
            "INFO",
            "Unsubscribed all topics or patterns and assigned partitions".to_string(),
        );
        self.inflight.retain(|_, f| matches!(f.kind, ReqKind::Leave));
        self.app = App::Stopped;
        self.state = MemberState::Unjoined;
        self.rejoin_needed = false;
        self.coordinator = None;
        self.buffer.clear();
        self.paused_until = None;
        self.life = Lifecycle::Closed;
    }
}

/// The offsets to commit after a batch: per partition, the offset after its last record.
fn batch_offsets(batch: &[Chunk]) -> Offsets {
    let mut out: Offsets = Vec::new();
    for c in batch {
        match out.iter_mut().find(|(tp, _, _)| *tp == c.tp) {
            Some(e) => {
                e.1 = e.1.max(c.to);
                e.2 = c.epoch;
            }
            None => out.push((c.tp, c.to, c.epoch)),
        }
    }
    crate::sort::sort_by_key(&mut out, |(tp, _, _)| *tp);
    out
}
