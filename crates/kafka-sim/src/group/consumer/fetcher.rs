//! The `Fetcher` and `OffsetFetcher`: leaders from Metadata, positions from OffsetFetch (committed
//! offsets) or ListOffsets (`auto.offset.reset`), consumer Fetch requests, and the buffer that
//! `poll()` drains `max.poll.records` at a time.

use super::super::wire::{
    ClientRequest, ConsumerFetchPartition, ConsumerFetchResult, NamedPartition, OffsetSpec,
};
use super::{Chunk, Consumer, PosPhase, ReqKind, node_text};
use crate::error_code::ErrorCode;
use crate::ids::BrokerId;
use crate::record::TopicPartition;
use crate::time::SimTime;
use std::collections::BTreeMap;

/// How long a Metadata request may stay unanswered before it is sent again.
const METADATA_RETRY: SimTime = SimTime::from_millis(1_000);

impl Consumer {
    /// Sends a Metadata request when leaders are missing (one in flight, `retry.backoff.ms` apart).
    pub(super) fn maybe_request_metadata(&mut self, now: SimTime) {
        if let Some(sent) = self.metadata_inflight {
            if now < sent + METADATA_RETRY {
                return;
            }
            self.metadata_inflight = None;
        }
        if !self.metadata_needed || now < self.metadata_next {
            return;
        }
        if let Some(to) = self.next_bootstrap_broker() {
            self.out.push(super::Outgoing::Metadata { to });
            self.metadata_inflight = Some(now);
        }
    }

    /// A Metadata answer: partition, leader and leader epoch, as that broker knows them.
    pub fn on_metadata(
        &mut self,
        now: SimTime,
        partitions: &[(TopicPartition, Option<BrokerId>, i32)],
        rng: &mut crate::rng::SimRng,
    ) {
        if !matches!(self.life, super::Lifecycle::Running | super::Lifecycle::Closing) {
            return;
        }
        self.metadata_inflight = None;
        self.metadata_next = now + SimTime::from_millis(self.setup.config.retry_backoff_ms);
        let before: Vec<i32> = self.setup.topics.iter().map(|t| t.partitions).collect();
        for (tp, leader, epoch) in partitions {
            let Some(topic) = self.setup.topics.iter_mut().find(|t| t.idx == tp.topic) else {
                continue;
            };
            // Partitions added to a subscribed topic: the metadata snapshot changed.
            if tp.partition >= topic.partitions {
                topic.partitions = tp.partition.saturating_add(1);
            }
            let known = self.leaders.get(tp).map_or(-1, |l| l.1);
            if *epoch < known {
                continue;
            }
            match leader {
                Some(l) => {
                    self.leaders.insert(*tp, (*l, *epoch));
                }
                None => {
                    self.leaders.remove(tp);
                }
            }
        }
        self.metadata_needed = self.parts.keys().any(|tp| !self.leaders.contains_key(tp));
        // `ConsumerCoordinator.rejoinNeededOrPending`: the leader's assignment snapshot no longer
        // matches the metadata, so it rejoins and the group rebalances over the new partitions.
        let after: Vec<i32> = self.setup.topics.iter().map(|t| t.partitions).collect();
        if after != before && self.is_leader {
            let snapshot = |counts: &[i32]| -> String {
                let items: Vec<String> = (self.setup.topics.iter().zip(counts))
                    .map(|(t, n)| format!("{}={n}", t.name))
                    .collect();
                format!("{{{}}}", items.join(", "))
            };
            let reason = format!(
                "cached metadata has changed from {} at the beginning of the rebalance to {}",
                snapshot(&before),
                snapshot(&after)
            );
            self.request_rejoin(&reason);
        }
        self.drive(now, rng);
    }

    /// Asks for a metadata update now (the periodic `metadata.max.age.ms` refresh).
    pub fn request_metadata_update(&mut self, now: SimTime) {
        self.metadata_needed = true;
        self.metadata_next = now;
        self.maybe_request_metadata(now);
    }

    /// `updateFetchPositions`: OffsetFetch for new partitions, ListOffsets for those without a commit.
    pub(super) fn update_positions(&mut self, now: SimTime) {
        let needs_committed: Vec<TopicPartition> = (self.parts.iter())
            .filter(|(_, p)| p.phase == PosPhase::NeedsCommitted)
            .map(|(tp, _)| *tp)
            .collect();
        if !needs_committed.is_empty()
            && let Some(c) = self.coordinator
            && !(self.inflight.values()).any(|f| matches!(f.kind, ReqKind::OffsetFetch))
        {
            let partitions: Vec<NamedPartition> = needs_committed.iter().map(|tp| self.named(*tp)).collect();
            for tp in &needs_committed {
                if let Some(p) = self.parts.get_mut(tp) {
                    p.phase = PosPhase::AwaitingCommitted;
                }
            }
            let req = ClientRequest::OffsetFetch {
                group_id: self.setup.group_id.clone(),
                partitions,
            };
            self.send(now, c, req, ReqKind::OffsetFetch);
        }
        let mut by_leader: BTreeMap<BrokerId, Vec<(TopicPartition, OffsetSpec)>> = BTreeMap::new();
        for (tp, p) in &self.parts {
            if let PosPhase::NeedsReset(spec) = p.phase {
                match self.leaders.get(tp) {
                    Some((l, _)) => by_leader.entry(*l).or_default().push((*tp, spec)),
                    None => self.metadata_needed = true,
                }
            }
        }
        for (leader, partitions) in by_leader {
            let tps: Vec<TopicPartition> = partitions.iter().map(|(tp, _)| *tp).collect();
            for tp in &tps {
                if let Some(p) = self.parts.get_mut(tp) {
                    p.phase = PosPhase::AwaitingReset;
                }
            }
            self.send(
                now,
                leader,
                ClientRequest::ListOffsets { partitions },
                ReqKind::ListOffsets(tps),
            );
        }
    }

    pub(super) fn on_offset_fetch_response(
        &mut self,
        now: SimTime,
        error: ErrorCode,
        offsets: Vec<(NamedPartition, i64)>,
    ) {
        if error != ErrorCode::None {
            for p in self.parts.values_mut() {
                if p.phase == PosPhase::AwaitingCommitted {
                    p.phase = PosPhase::NeedsCommitted;
                }
            }
            if matches!(
                error,
                ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable
            ) {
                self.mark_coordinator_unknown(now, &format!("error response {}", error.name()), false);
            }
            return;
        }
        let mut no_policy = Vec::new();
        for (np, offset) in offsets {
            let Some(tp) = self.indexed(&np) else { continue };
            let spec = self.reset_spec();
            let Some(p) = self.parts.get_mut(&tp) else {
                continue;
            };
            if p.phase != PosPhase::AwaitingCommitted {
                continue;
            }
            if offset >= 0 {
                p.position = offset;
                p.phase = PosPhase::Ready;
                self.committed.insert(tp, offset);
                let leader = self.leaders.get(&tp).copied();
                let text = match leader {
                    Some((l, e)) => format!("Optional[{}], epoch={e}", node_text(l)),
                    None => "Optional.empty, epoch=absent".to_string(),
                };
                self.log(
                    "INFO",
                    format!(
                        "Setting offset for partition {np} to the committed offset FetchPosition{{offset={offset}, \
                         offsetEpoch=Optional.empty, currentLeader=LeaderAndEpoch{{leader={text}}}}}"
                    ),
                );
            } else {
                match spec {
                    Some(s) => p.phase = PosPhase::NeedsReset(s),
                    None => {
                        p.phase = PosPhase::NoResetPolicy;
                        no_policy.push(np);
                    }
                }
            }
        }
        // Anything not answered is asked again.
        for p in self.parts.values_mut() {
            if p.phase == PosPhase::AwaitingCommitted {
                p.phase = PosPhase::NeedsCommitted;
            }
        }
        if !no_policy.is_empty() {
            let list: Vec<String> = no_policy.iter().map(ToString::to_string).collect();
            self.log(
                "ERROR",
                format!(
                    "org.apache.kafka.clients.consumer.NoOffsetForPartitionException: Undefined offset with no reset \
                     policy for partitions: [{}]",
                    list.join(", ")
                ),
            );
        }
    }

    pub(super) fn on_list_offsets_response(
        &mut self,
        asked: &[TopicPartition],
        partitions: Vec<(TopicPartition, ErrorCode, i64)>,
    ) {
        for (tp, error, offset) in partitions {
            if !asked.contains(&tp) {
                continue;
            }
            let named = self.named(tp);
            let leader = self.leaders.get(&tp).copied();
            let Some(p) = self.parts.get_mut(&tp) else {
                continue;
            };
            if p.phase != PosPhase::AwaitingReset {
                continue;
            }
            if error == ErrorCode::None && offset >= 0 {
                p.position = offset;
                p.phase = PosPhase::Ready;
                let text = match leader {
                    Some((l, e)) => format!("Optional[{}], epoch={e}", node_text(l)),
                    None => "Optional.empty, epoch=absent".to_string(),
                };
                self.log(
                    "INFO",
                    format!(
                        "Resetting offset for partition {named} to position FetchPosition{{offset={offset}, \
                         offsetEpoch=Optional.empty, currentLeader=LeaderAndEpoch{{leader={text}}}}}."
                    ),
                );
            } else {
                self.metadata_needed = true;
            }
        }
        self.list_offsets_failed(asked);
    }

    /// Partitions still waiting for a ListOffsets answer ask again.
    pub(super) fn list_offsets_failed(&mut self, asked: &[TopicPartition]) {
        let spec = self.reset_spec().unwrap_or(OffsetSpec::Latest);
        for tp in asked {
            if let Some(p) = self.parts.get_mut(tp)
                && p.phase == PosPhase::AwaitingReset
            {
                p.phase = PosPhase::NeedsReset(spec);
            }
        }
    }

    /// `sendFetches`: one Fetch per leader for the fetchable partitions (position known, nothing
    /// buffered, no fetch in flight to that leader).
    pub(super) fn send_fetches(&mut self, now: SimTime) {
        let mut by_leader: BTreeMap<BrokerId, Vec<ConsumerFetchPartition>> = BTreeMap::new();
        for (tp, p) in &self.parts {
            if p.phase != PosPhase::Ready || self.buffer.iter().any(|c| c.tp == *tp) {
                continue;
            }
            let Some((leader, epoch)) = self.leaders.get(tp).copied() else {
                self.metadata_needed = true;
                continue;
            };
            if self.fetching_from.contains(&leader) {
                continue;
            }
            by_leader.entry(leader).or_default().push(ConsumerFetchPartition {
                tp: *tp,
                fetch_offset: p.position,
                current_leader_epoch: epoch,
            });
        }
        let cfg = &self.setup.config;
        let (max_wait_ms, min_bytes, max_bytes, max_partition_bytes) = (
            cfg.fetch_max_wait_ms,
            cfg.fetch_min_bytes,
            cfg.fetch_max_bytes,
            cfg.max_partition_fetch_bytes,
        );
        for (leader, partitions) in by_leader {
            self.fetching_from.insert(leader);
            let req = ClientRequest::Fetch {
                partitions,
                max_wait_ms,
                min_bytes,
                max_bytes,
                max_partition_bytes,
            };
            self.send(now, leader, req, ReqKind::Fetch);
        }
    }

    pub(super) fn on_fetch_response(&mut self, now: SimTime, partitions: Vec<ConsumerFetchResult>) {
        let _ = now;
        for r in partitions {
            let Some(p) = self.parts.get(&r.tp) else { continue };
            if p.phase != PosPhase::Ready || self.buffer.iter().any(|c| c.tp == r.tp) {
                continue;
            }
            let position = p.position;
            match r.error {
                ErrorCode::None => {
                    let mut to = position;
                    let mut epoch = -1;
                    let mut poison = None;
                    for b in &r.batches {
                        if b.next_offset() <= to || b.base_offset > to {
                            continue;
                        }
                        let end = b.next_offset().min(r.high_watermark.max(position));
                        if let Some((bad, producer)) = self.first_poison(b, to, end) {
                            poison = Some((bad, producer));
                            if bad > to {
                                epoch = b.partition_leader_epoch;
                            }
                            to = bad;
                            break;
                        }
                        to = end;
                        epoch = b.partition_leader_epoch;
                    }
                    if to > position {
                        self.buffer.push_back(Chunk {
                            tp: r.tp,
                            from: position,
                            to,
                            epoch,
                            poison: None,
                        });
                    }
                    if let Some((at, producer)) = poison {
                        self.buffer.push_back(Chunk {
                            tp: r.tp,
                            from: at,
                            to: at,
                            epoch,
                            poison: Some(producer),
                        });
                    }
                }
                ErrorCode::OffsetOutOfRange => {
                    let named = self.named(r.tp);
                    match self.reset_spec() {
                        Some(spec) => {
                            self.log(
                                "INFO",
                                format!(
                                    "Fetch position FetchPosition{{offset={position}, offsetEpoch=Optional.empty, \
                                     currentLeader=LeaderAndEpoch{{leader=Optional.empty, epoch=absent}}}} is out of \
                                     range for partition {named}, resetting offset"
                                ),
                            );
                            if let Some(p) = self.parts.get_mut(&r.tp) {
                                p.phase = PosPhase::NeedsReset(spec);
                            }
                        }
                        None => {
                            self.log(
                                "ERROR",
                                format!(
                                    "org.apache.kafka.clients.consumer.OffsetOutOfRangeException: Fetch position \
                                     FetchPosition{{offset={position}}} is out of range for partition {named}"
                                ),
                            );
                            if let Some(p) = self.parts.get_mut(&r.tp) {
                                p.phase = PosPhase::NoResetPolicy;
                            }
                        }
                    }
                }
                _ => {
                    // NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, FENCED_LEADER_EPOCH, ...:
                    // refresh the leaders and fetch again.
                    self.leaders.remove(&r.tp);
                    self.metadata_needed = true;
                }
            }
        }
    }

    /// The offset of the first record in `[from, end)` of `batch` that this member cannot
    /// deserialize, if any.
    fn first_poison(
        &self,
        batch: &crate::record::RecordBatch,
        from: i64,
        end: i64,
    ) -> Option<(i64, crate::record::ProducerRef)> {
        let table = &self.setup.undeserializable;
        if table.is_empty() {
            return None;
        }
        let skip = usize::try_from(from - batch.base_offset).unwrap_or(0);
        (batch.records.iter().enumerate().skip(skip))
            .map(|(i, id)| (batch.base_offset + i as i64, id))
            .take_while(|(offset, _)| *offset < end)
            .find(|(_, id)| table.of(id.producer()).is_some())
            .map(|(offset, id)| (offset, id.producer()))
    }

    /// Takes at most `max.poll.records` buffered records, draining one partition's fetch before the
    /// next, as the fetch collector does; advances the positions. A poison chunk next in line ends
    /// the batch; if nothing came before it, `poll()` throws ([`Consumer::poll_throws`]).
    pub(super) fn take_batch(&mut self) -> Vec<Chunk> {
        let mut left = i64::from(self.setup.config.max_poll_records.max(1));
        let mut batch = Vec::new();
        while left > 0 {
            let Some(front) = self.buffer.front_mut() else {
                break;
            };
            if front.poison.is_some() {
                break;
            }
            let n = (front.to - front.from).min(left);
            let taken = Chunk {
                tp: front.tp,
                from: front.from,
                to: front.from + n,
                epoch: front.epoch,
                poison: None,
            };
            front.from += n;
            if front.from >= front.to {
                self.buffer.pop_front();
            }
            left -= n;
            if let Some(p) = self.parts.get_mut(&taken.tp) {
                p.position = taken.to;
                p.epoch = taken.epoch;
            }
            batch.push(taken);
        }
        batch
    }
}

impl Consumer {
    /// `poll()` found a record it cannot deserialize next in line: it throws, every time, and the
    /// position stays on the record. The first failure on a record is logged with the exception
    /// chain (Spring's container wraps it when the member is a Spring listener); later ones are
    /// counted (a real container logs each, in a tight loop).
    pub(super) fn poll_throws(&mut self) -> bool {
        let Some(front) = self.buffer.front().copied() else {
            return false;
        };
        let Some(producer) = front.poison else {
            return false;
        };
        if let Some((tp, offset, polls)) = &mut self.stuck
            && *tp == front.tp
            && *offset == front.from
        {
            *polls += 1;
            return true;
        }
        self.stuck = Some((front.tp, front.from, 1));
        let named = self.named(front.tp);
        let trace: Vec<String> = (self.setup.undeserializable.of(producer))
            .map(|t| t.to_vec())
            .unwrap_or_default();
        let record = format!(
            "org.apache.kafka.common.errors.RecordDeserializationException: Error deserializing key/value for \
             partition {named} at offset {}. If needed, please seek past the record to continue consumption.",
            front.from
        );
        let spring = self.setup.commit_mode == super::CommitMode::ManualAfterProcessing
            || self.setup.config.value_deserializer == crate::config::classes::SerdeKind::SpringJson
            || self.setup.config.key_deserializer == crate::config::classes::SerdeKind::SpringJson;
        let mut lines = Vec::new();
        if spring {
            lines.push(
                "java.lang.IllegalStateException: This error handler cannot process 'SerializationException's \
                 directly; please consider configuring an 'ErrorHandlingDeserializer' in the value and/or key \
                 deserializer"
                    .to_owned(),
            );
            lines.push(format!("Caused by: {record}"));
        } else {
            lines.push(record);
        }
        lines.extend(trace.iter().map(|l| {
            if l.starts_with("Caused by: ") {
                l.clone()
            } else {
                format!("Caused by: {l}")
            }
        }));
        self.log("ERROR", format!("Consumer exception\n{}", lines.join("\n")));
        true
    }
}
