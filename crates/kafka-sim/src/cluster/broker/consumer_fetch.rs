//! The consumer's data requests on the leader: ListOffsets (earliest = log start offset, latest =
//! high watermark) and Fetch (whole batches up to the high watermark, held up to `max_wait_ms`
//! until `min_bytes` are there, answered early once they are), with Kafka's per-partition errors:
//! `NOT_LEADER_OR_FOLLOWER` off the leader, `FENCED_LEADER_EPOCH` / `UNKNOWN_LEADER_EPOCH` for an
//! older / newer epoch than the leader's, `OFFSET_OUT_OF_RANGE` outside `[log start, LEO]`.

use super::BrokerNode;
use super::group::send;
use super::replica_manager::ReplicaRole;
use crate::cluster::{ClusterNode, ClusterTimer};
use crate::error_code::ErrorCode;
use crate::group::coordinator::{GroupTimer, ReplyTo};
use crate::group::wire::{
    ClientRequest, ClientResponse, ConsumerFetchPartition, ConsumerFetchResult, OffsetSpec,
};
use crate::kernel::Ctx;
use crate::record::TopicPartition;
use crate::time::SimTime;
use std::collections::BTreeMap;

/// A held consumer fetch.
#[derive(Clone, Debug)]
pub(crate) struct HeldFetch {
    reply: ReplyTo,
    partitions: Vec<ConsumerFetchPartition>,
    min_bytes: u32,
    max_bytes: u32,
    max_partition_bytes: u32,
    deadline: SimTime,
}

/// The held consumer fetches, by sequence number.
#[derive(Clone, Debug, Default)]
pub(crate) struct HeldFetches {
    held: BTreeMap<u64, HeldFetch>,
    next: u64,
}

impl HeldFetches {
    /// Whether the fetch answered to `reply` is held.
    pub(crate) fn holds(&self, reply: ReplyTo) -> bool {
        self.held.values().any(|f| f.reply == reply)
    }
}

impl BrokerNode {
    pub(super) fn list_offsets(&self, partitions: &[(TopicPartition, OffsetSpec)]) -> ClientResponse {
        let partitions = (partitions.iter())
            .map(|(tp, spec)| match self.partitions.get(tp) {
                Some(h) if matches!(h.role, ReplicaRole::Leader(_)) => {
                    let offset = match spec {
                        OffsetSpec::Earliest => h.log.log_start_offset(),
                        OffsetSpec::Latest => h.log.high_watermark(),
                    };
                    (*tp, ErrorCode::None, offset)
                }
                _ => (*tp, self.missing_partition_error(*tp), -1),
            })
            .collect();
        ClientResponse::ListOffsets { partitions }
    }

    /// Reads every partition; returns the results and the bytes they carry.
    fn read_for_consumer(&self, f: &HeldFetch) -> (Vec<ConsumerFetchResult>, u64, bool) {
        self.read_for_consumer_into(f, true)
    }

    /// Reads every partition; returns the results (only when `collect`: checking whether a held fetch
    /// is ready needs just the bytes and errors, not copies of the batches) and the bytes they carry.
    fn read_for_consumer_into(&self, f: &HeldFetch, collect: bool) -> (Vec<ConsumerFetchResult>, u64, bool) {
        let mut total: u64 = 0;
        let mut any_error = false;
        let mut out = Vec::with_capacity(if collect { f.partitions.len() } else { 0 });
        for p in &f.partitions {
            let mut r = ConsumerFetchResult {
                tp: p.tp,
                error: ErrorCode::None,
                high_watermark: -1,
                log_start_offset: -1,
                batches: Vec::new(),
            };
            match self.partitions.get(&p.tp).map(|h| (&h.role, &h.log)) {
                Some((ReplicaRole::Leader(l), log)) => {
                    if p.current_leader_epoch >= 0 && p.current_leader_epoch < l.leader_epoch {
                        r.error = ErrorCode::FencedLeaderEpoch;
                    } else if p.current_leader_epoch > l.leader_epoch {
                        r.error = ErrorCode::UnknownLeaderEpoch;
                    } else {
                        r.high_watermark = log.high_watermark();
                        r.log_start_offset = log.log_start_offset();
                        // fetch.max.bytes over the response, but always the first batch (KIP-74).
                        let room = u64::from(f.max_bytes).saturating_sub(total);
                        let budget = if total == 0 {
                            f.max_partition_bytes
                        } else {
                            u32::try_from(room).unwrap_or(u32::MAX).min(f.max_partition_bytes)
                        };
                        match log.read(p.fetch_offset, budget, log.high_watermark()) {
                            Ok(batches) if total == 0 || room > 0 => {
                                total += batches.iter().map(|b| u64::from(b.size_bytes)).sum::<u64>();
                                if collect {
                                    r.batches = batches.to_vec();
                                }
                            }
                            Ok(_) => {}
                            Err(e) => r.error = e,
                        }
                    }
                }
                _ => r.error = self.missing_partition_error(p.tp),
            }
            any_error |= r.error != ErrorCode::None;
            if collect {
                out.push(r);
            }
        }
        (out, total, any_error)
    }

    pub(super) fn on_consumer_fetch(
        &mut self,
        now: SimTime,
        reply: ReplyTo,
        request: ClientRequest,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let ClientRequest::Fetch {
            partitions,
            max_wait_ms,
            min_bytes,
            max_bytes,
            max_partition_bytes,
        } = request
        else {
            return;
        };
        let f = HeldFetch {
            reply,
            partitions,
            min_bytes,
            max_bytes,
            max_partition_bytes,
            deadline: now + SimTime::from_millis(u64::from(max_wait_ms)),
        };
        let (results, bytes, error) = self.read_for_consumer(&f);
        if error || bytes >= u64::from(f.min_bytes.max(1)) || max_wait_ms == 0 {
            send(ctx, reply, ClientResponse::Fetch { partitions: results });
            return;
        }
        let fetches = &mut self.groups.fetches;
        fetches.next += 1;
        let seq = fetches.next;
        fetches.held.insert(seq, f);
        let timer = ClusterTimer::Group(GroupTimer::FetchWait { seq });
        ctx.set_timer(SimTime::from_millis(u64::from(max_wait_ms)), timer);
    }

    /// Answers the held fetches that now have `min_bytes` (or an error), or whose wait is over.
    pub(super) fn wake_consumer_fetches(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        if self.groups.fetches.held.is_empty() {
            return;
        }
        // Which held fetches are ready is decided on bytes and errors alone; only those are read out
        // (nothing changes between the check and the read).
        let mut done = Vec::new();
        for (seq, f) in &self.groups.fetches.held {
            let (_, bytes, error) = self.read_for_consumer_into(f, false);
            if error || bytes >= u64::from(f.min_bytes.max(1)) || f.deadline <= now {
                done.push(*seq);
            }
        }
        for seq in done {
            if let Some(f) = self.groups.fetches.held.remove(&seq) {
                let (results, _, _) = self.read_for_consumer(&f);
                send(ctx, f.reply, ClientResponse::Fetch { partitions: results });
            }
        }
    }

    pub(super) fn on_consumer_fetch_wait(&mut self, now: SimTime, seq: u64, ctx: &mut Ctx<'_, ClusterNode>) {
        let Some(f) = self.groups.fetches.held.remove(&seq) else {
            return;
        };
        let (results, _, _) = self.read_for_consumer(&f);
        send(ctx, f.reply, ClientResponse::Fetch { partitions: results });
        self.wake_consumer_fetches(now, ctx);
    }
}
