//! The broker's replica fetchers (`ReplicaFetcherThread`): one incremental fetch session per leader
//! covering every partition this broker follows from it (KIP-227, see `fetch_session`), truncation by
//! leader epoch on a diverging epoch, and retries after an error (`replica.fetch.backoff.ms`) or a
//! fetch that got no answer (`replica.socket.timeout.ms`, which also resets the session).

use super::{BrokerNode, ReplicaRole};
use crate::cluster::wire::{FetchPartition, broker_node};
use crate::cluster::{ClusterEvent, ClusterMsg, ClusterNode, ClusterTimer};
use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::kernel::Ctx;
use crate::oracle::durability::TruncationEvent;
use crate::record::{LeaderEpoch, TopicPartition};
use crate::replication::follower::{FollowerFetchOutcome, Truncation};
use crate::replication::leader::FetchResponsePartition;
use crate::time::SimTime;

/// The fetcher for one leader.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Fetcher {
    /// A fetch is outstanding (or a backoff is running) for round `seq`.
    busy: bool,
    seq: u64,
    /// The partitions the outstanding fetch asked for, with the leader epoch it asked at.
    sent: Vec<(TopicPartition, i32)>,
    /// When the outstanding fetch is given up on (`replica.fetch.wait.max.ms` +
    /// `replica.socket.timeout.ms` after it was sent).
    deadline: SimTime,
}

/// The `seq` of the per-leader watchdog timer: one timer per leader checks the outstanding fetch's
/// deadline (instead of a timer per fetch, which would fill the event queue under load).
pub(super) const FETCH_WATCHDOG: u64 = u64::MAX;

impl BrokerNode {
    /// Records that a fetch to `leader` is now outstanding under a fresh sequence number, and returns it.
    /// `sent` lists its partitions and epochs; it is empty for a fetch that failed to go out and waits for
    /// its retry.
    fn mark_fetch_busy(&mut self, leader: BrokerId, sent: Vec<(TopicPartition, i32)>) -> u64 {
        let seq = self.seq();
        self.fetchers.insert(
            leader,
            Fetcher {
                busy: true,
                seq,
                sent,
                deadline: SimTime::ZERO,
            },
        );
        seq
    }

    /// Sends a fetch to `leader` for every partition followed from it, unless one is outstanding.
    pub(super) fn maybe_fetch(&mut self, leader: BrokerId, ctx: &mut Ctx<'_, ClusterNode>) {
        let expected = self.fetchers.get(&leader).map_or(0, |f| f.sent.len());
        self.maybe_fetch_sized(leader, expected, ctx);
    }

    /// [`Self::maybe_fetch`], expecting about `expected` partitions (the previous fetch's count: the set
    /// rarely changes), so building the request neither grows its vectors step by step nor asks the
    /// allocator for more than it needs.
    fn maybe_fetch_sized(&mut self, leader: BrokerId, expected: usize, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.fetchers.get(&leader).is_some_and(|f| f.busy) {
            return;
        }
        let mut current: Vec<FetchPartition> = Vec::with_capacity(expected);
        let mut sent: Vec<(TopicPartition, i32)> = Vec::with_capacity(expected);
        for (tp, h) in &self.partitions {
            if let ReplicaRole::Follower(f) = &h.role
                && f.leader == leader
            {
                let pos = f.next_fetch(&h.log);
                current.push(FetchPartition {
                    tp: *tp,
                    current_leader_epoch: pos.current_leader_epoch,
                    fetch_offset: pos.fetch_offset,
                    last_fetched_epoch: pos.last_fetched_epoch,
                });
                sent.push((*tp, pos.current_leader_epoch));
            }
        }
        if current.is_empty() {
            self.fetchers.remove(&leader);
            self.replica_sessions.remove(&leader);
            return;
        }
        self.mark_fetch_busy(leader, sent);
        let request = self.replica_sessions.entry(leader).or_default().build(current);
        let max_wait = SimTime::from_millis(self.settings.replica_fetch_wait_max_ms);
        let msg = ClusterMsg::Fetch {
            replica_id: self.broker_id,
            session_id: request.session_id,
            session_epoch: request.epoch,
            partitions: request.partitions,
            forgotten: request.forgotten,
            max_wait,
            max_bytes: self.settings.replica_fetch_max_bytes,
        };
        ctx.send(broker_node(leader), msg);
        let timeout = max_wait + SimTime::from_millis(self.settings.replica_socket_timeout_ms);
        let deadline = ctx.now() + timeout;
        if let Some(f) = self.fetchers.get_mut(&leader) {
            f.deadline = deadline;
        }
        if !self.fetch_watchdogs.contains(&leader) {
            self.fetch_watchdogs.push(leader);
            let seq = FETCH_WATCHDOG;
            ctx.set_timer(timeout, ClusterTimer::FetchRetry { leader, seq });
        }
    }

    pub(super) fn on_fetch_retry(
        &mut self,
        now: SimTime,
        leader: BrokerId,
        seq: u64,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if seq == FETCH_WATCHDOG {
            self.fetch_watchdogs.retain(|l| *l != leader);
            let Some(f) = self
                .fetchers
                .get(&leader)
                .filter(|f| f.busy && !f.sent.is_empty())
            else {
                return;
            };
            if f.deadline <= now {
                self.fetchers.remove(&leader);
                // A request with no answer fails it: `FetchSessionHandler.handleError`.
                if let Some(s) = self.replica_sessions.get_mut(&leader) {
                    s.reset();
                }
                self.maybe_fetch(leader, ctx);
            } else {
                let after = f.deadline - now;
                self.fetch_watchdogs.push(leader);
                ctx.set_timer(after, ClusterTimer::FetchRetry { leader, seq });
            }
            return;
        }
        if self.fetchers.get(&leader).is_some_and(|f| f.seq == seq) {
            self.fetchers.remove(&leader);
            self.maybe_fetch(leader, ctx);
        }
    }

    pub(super) fn on_fetch_response(
        &mut self,
        now: SimTime,
        leader: BrokerId,
        error: ErrorCode,
        session_id: u32,
        partitions: Vec<(TopicPartition, FetchResponsePartition)>,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let Some(fetcher) = self
            .fetchers
            .remove(&leader)
            .filter(|f| f.busy && !f.sent.is_empty())
        else {
            return; // an answer to a fetch given up on
        };
        let session = self.replica_sessions.entry(leader).or_default();
        if !session.on_response(error, session_id) {
            // The leader lost the session (or the epochs disagree): open a new one at once.
            self.maybe_fetch_sized(leader, fetcher.sent.len(), ctx);
            return;
        }
        let me = self.broker_id;
        let mut failed = false;
        for (i, (tp, resp)) in partitions.iter().enumerate() {
            let Some(h) = self.partitions.get_mut(tp) else {
                continue;
            };
            let ReplicaRole::Follower(f) = &h.role else {
                continue;
            };
            // A partition whose leader or epoch changed since the request: the answer is stale.
            // The leader answers the session's partitions in partition order, as they were asked.
            let asked = (fetcher.sent.get(i) == Some(&(*tp, f.leader_epoch)))
                || (fetcher.sent.binary_search_by(|(t, _)| t.cmp(tp)))
                    .is_ok_and(|k| fetcher.sent[k].1 == f.leader_epoch);
            if f.leader != leader || !asked {
                continue;
            }
            let truncation = match f.on_fetch_response(&mut h.log, resp, &h.name) {
                FollowerFetchOutcome::Appended { .. } => None,
                FollowerFetchOutcome::Truncated(t) => Some(t),
                FollowerFetchOutcome::Error(ErrorCode::OffsetOutOfRange) => {
                    f.on_offset_out_of_range(&mut h.log, resp.leader_log_end_offset, &h.name)
                }
                FollowerFetchOutcome::Error(_) | FollowerFetchOutcome::Invalid(_) => {
                    failed = true;
                    None
                }
            };
            if let Some(t) = truncation {
                record_truncation(ctx, me, *tp, &t);
                if !t.removed.is_empty() {
                    let epoch = h.role.leader_epoch();
                    self.truncations.push(TruncationEvent {
                        at: now,
                        broker: me,
                        tp: *tp,
                        truncated_to: t.to_offset,
                        removed: t.removed,
                        leader_epoch: LeaderEpoch(epoch),
                        high_watermark: Some(h.log.high_watermark()),
                    });
                }
            }
        }
        if failed {
            let seq = self.mark_fetch_busy(leader, Vec::new());
            let backoff = SimTime::from_millis(self.settings.replica_fetch_backoff_ms);
            ctx.set_timer(backoff, ClusterTimer::FetchRetry { leader, seq });
        } else {
            self.maybe_fetch_sized(leader, fetcher.sent.len(), ctx);
        }
    }
}

fn record_truncation(ctx: &mut Ctx<'_, ClusterNode>, broker: BrokerId, tp: TopicPartition, t: &Truncation) {
    let removed: usize = t.removed.iter().map(|b| b.len()).sum();
    ctx.record(ClusterEvent::Truncated {
        broker,
        tp,
        from: t.from_log_end_offset,
        to: t.to_offset,
        removed_records: removed as u64,
    });
}
