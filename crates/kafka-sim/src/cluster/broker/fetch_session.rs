//! Incremental fetch sessions (KIP-227), as Kafka 3.7's replica fetchers use them.
//!
//! A follower's first Fetch to a leader is a full fetch (session id 0, epoch 0) listing every
//! partition it follows from that leader; the leader opens a session, caches each partition's fetch
//! state and answers every partition. After that the follower sends incremental fetches (the session's
//! id and epoch 1, 2, ...) that list only the partitions whose fetch state changed since its last
//! request (`FetchSessionHandler.Builder`), plus those it stopped fetching (`forgotten`). The leader
//! still reads every partition of the session with its cached fetch state (so every follower's fetch
//! state, and with it the ISR, moves exactly as with full fetches), but answers only the partitions with
//! records, an error, a diverging epoch, or a high watermark or log start offset that changed since it
//! last answered them (`CachedPartition.maybeUpdateResponseData`). Idle partitions (most of the 50
//! `__consumer_offsets` partitions) cost nothing on the wire.
//!
//! A request that failed or got no answer resets the follower's session (`handleError`): its next fetch
//! is a full one. A leader that does not know the session (it restarted) or sees the wrong epoch
//! answers `FETCH_SESSION_ID_NOT_FOUND` / `INVALID_FETCH_SESSION_EPOCH` without reading, and the
//! follower opens a new session at once.
//!
//! One simplification, on the safe side: a partition whose fetch state the follower changed is always
//! answered in the next response (its cached high watermark is forgotten), where Kafka answers it only
//! if something changed. The follower then always takes the leader's high watermark after moving its
//! own log end, exactly as it did with full fetches.

use crate::cluster::wire::FetchPartition;
use crate::error_code::ErrorCode;
use crate::record::TopicPartition;
use crate::replication::leader::FetchResponsePartition;
use std::collections::BTreeMap;

/// Kafka's `FetchMetadata.INITIAL_EPOCH`: the epoch of a full fetch that opens a session.
pub const INITIAL_EPOCH: i32 = 0;

/// The epoch after `epoch` (`FetchMetadata.nextEpoch`: it wraps to 1, never 0).
pub fn next_epoch(epoch: i32) -> i32 {
    if epoch < 0 {
        return INITIAL_EPOCH;
    }
    if epoch == i32::MAX { 1 } else { epoch + 1 }
}

/// The follower's side of its session with one leader (`FetchSessionHandler`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FollowerSession {
    /// The session id the leader gave (0: none; the next fetch is a full one).
    pub id: u32,
    /// The epoch of the next incremental request.
    pub epoch: i32,
    /// The fetch state each session partition was last sent with, in partition order.
    pub sent: Vec<FetchPartition>,
}

/// An outgoing request: the session metadata and what it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SessionRequest {
    /// The session id (0 on a full fetch).
    pub session_id: u32,
    /// The request's epoch ([`INITIAL_EPOCH`] on a full fetch).
    pub epoch: i32,
    /// Added or changed partitions (all on a full fetch).
    pub partitions: Vec<FetchPartition>,
    /// Partitions leaving the session.
    pub forgotten: Vec<TopicPartition>,
}

impl FollowerSession {
    /// Builds the next request from `current`, every partition to fetch now in partition order, and
    /// makes `current` the session's partitions.
    pub fn build(&mut self, current: Vec<FetchPartition>) -> SessionRequest {
        if self.id == 0 {
            self.epoch = INITIAL_EPOCH;
            let partitions = current.clone();
            self.sent = current;
            return SessionRequest {
                session_id: 0,
                epoch: INITIAL_EPOCH,
                partitions,
                forgotten: Vec::new(),
            };
        }
        let mut partitions = Vec::with_capacity(current.len().min(4));
        let mut forgotten = Vec::new();
        let (mut i, mut j) = (0, 0);
        let old = &self.sent;
        while i < current.len() || j < old.len() {
            match (current.get(i), old.get(j)) {
                (Some(c), Some(o)) if c.tp == o.tp => {
                    if c != o {
                        partitions.push(*c);
                    }
                    i += 1;
                    j += 1;
                }
                (Some(c), Some(o)) if c.tp < o.tp => {
                    partitions.push(*c);
                    i += 1;
                }
                (Some(c), None) => {
                    partitions.push(*c);
                    i += 1;
                }
                (_, Some(o)) => {
                    forgotten.push(o.tp);
                    j += 1;
                }
                (None, None) => break,
            }
        }
        self.sent = current;
        SessionRequest {
            session_id: self.id,
            epoch: self.epoch,
            partitions,
            forgotten,
        }
    }

    /// The answer to the request built last: a session error resets the session; otherwise the session
    /// (opened by a full fetch, or continued) moves to its next epoch. Returns false on a session error.
    pub fn on_response(&mut self, error: ErrorCode, session_id: u32) -> bool {
        if error != ErrorCode::None || session_id == 0 {
            self.reset();
            return false;
        }
        if self.id != session_id {
            self.id = session_id;
            self.epoch = next_epoch(INITIAL_EPOCH);
        } else {
            self.epoch = next_epoch(self.epoch);
        }
        true
    }

    /// The request failed or got no answer: the next fetch is a full one.
    pub fn reset(&mut self) {
        self.id = 0;
        self.epoch = INITIAL_EPOCH;
    }
}

/// One partition of a leader's session (`FetchSession.CachedPartition`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CachedPartition {
    /// The fetch state the follower last sent.
    pub fetch: FetchPartition,
    /// The high watermark last answered (-1: answer it next time).
    pub high_watermark: i64,
    /// The log start offset last answered.
    pub log_start_offset: i64,
}

/// The leader's side of a follower's session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LeaderSession {
    /// The session id.
    pub id: u32,
    /// The epoch the next incremental request must carry.
    pub epoch: i32,
    /// The session's partitions.
    pub partitions: BTreeMap<TopicPartition, CachedPartition>,
    /// The pending answer is to the full fetch that opened the session: it lists every partition.
    pub respond_full: bool,
}

impl LeaderSession {
    /// A session opened by a full fetch of `partitions`.
    pub fn open(id: u32, partitions: &[FetchPartition]) -> LeaderSession {
        let mut s = LeaderSession {
            id,
            epoch: next_epoch(INITIAL_EPOCH),
            partitions: BTreeMap::new(),
            respond_full: true,
        };
        s.apply(partitions, &[]);
        s
    }

    /// Checks an incremental request's session id and epoch (`FetchSessionCache`), and on success moves
    /// to the next epoch and applies its changes.
    pub fn update(
        &mut self,
        session_id: u32,
        epoch: i32,
        partitions: &[FetchPartition],
        forgotten: &[TopicPartition],
    ) -> Result<(), ErrorCode> {
        if session_id != self.id {
            return Err(ErrorCode::FetchSessionIdNotFound);
        }
        if epoch != self.epoch {
            return Err(ErrorCode::InvalidFetchSessionEpoch);
        }
        self.epoch = next_epoch(self.epoch);
        self.apply(partitions, forgotten);
        Ok(())
    }

    fn apply(&mut self, partitions: &[FetchPartition], forgotten: &[TopicPartition]) {
        for tp in forgotten {
            self.partitions.remove(tp);
        }
        for fp in partitions {
            self.partitions.insert(
                fp.tp,
                CachedPartition {
                    fetch: *fp,
                    high_watermark: -1,
                    log_start_offset: -1,
                },
            );
        }
    }
}

impl CachedPartition {
    /// Whether `resp` must be in the response: always in a full one; else when it has records, an
    /// error or a diverging epoch, or its high watermark or log start offset changed.
    pub fn must_respond(&self, resp: &FetchResponsePartition, full: bool) -> bool {
        full || !resp.records.is_empty()
            || resp.error != ErrorCode::None
            || resp.diverging_epoch.is_some()
            || resp.high_watermark != self.high_watermark
            || resp.log_start_offset != self.log_start_offset
    }

    /// `resp` was sent: remember what the follower now knows. An error or a diverging epoch forgets
    /// the high watermark, so the partition is answered again once it clears.
    pub fn sent(&mut self, resp: &FetchResponsePartition) {
        let clean = resp.error == ErrorCode::None && resp.diverging_epoch.is_none();
        self.high_watermark = if clean { resp.high_watermark } else { -1 };
        self.log_start_offset = resp.log_start_offset;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::TopicIdx;

    fn fp(p: i32, offset: i64) -> FetchPartition {
        FetchPartition {
            tp: TopicPartition {
                topic: TopicIdx(0),
                partition: p,
            },
            current_leader_epoch: 0,
            fetch_offset: offset,
            last_fetched_epoch: Some(0),
        }
    }

    #[test]
    fn first_request_is_full_then_only_changes_are_sent() {
        let mut s = FollowerSession::default();
        let r = s.build(vec![fp(0, 5), fp(1, 7), fp(2, 9)]);
        assert_eq!((r.session_id, r.epoch, r.partitions.len()), (0, 0, 3));
        assert!(s.on_response(ErrorCode::None, 42));
        let r = s.build(vec![fp(0, 5), fp(1, 8), fp(3, 1)]);
        assert_eq!((r.session_id, r.epoch), (42, 1));
        assert_eq!(r.partitions, vec![fp(1, 8), fp(3, 1)]);
        assert_eq!(r.forgotten, vec![fp(2, 0).tp]);
        assert!(s.on_response(ErrorCode::None, 42));
        let r = s.build(vec![fp(0, 5), fp(1, 8), fp(3, 1)]);
        assert_eq!((r.epoch, r.partitions.len(), r.forgotten.len()), (2, 0, 0));
    }

    #[test]
    fn a_session_error_or_a_reset_makes_the_next_fetch_full() {
        let mut s = FollowerSession::default();
        s.build(vec![fp(0, 5)]);
        s.on_response(ErrorCode::None, 3);
        s.build(vec![fp(0, 5)]);
        assert!(!s.on_response(ErrorCode::FetchSessionIdNotFound, 0));
        let r = s.build(vec![fp(0, 6)]);
        assert_eq!((r.session_id, r.epoch, r.partitions.len()), (0, 0, 1));
        s.on_response(ErrorCode::None, 4);
        s.reset();
        assert_eq!(s.build(vec![fp(0, 6)]).epoch, INITIAL_EPOCH);
    }

    #[test]
    fn the_leader_checks_id_and_epoch() {
        let mut l = LeaderSession::open(9, &[fp(0, 1), fp(1, 1)]);
        assert_eq!(l.update(8, 1, &[], &[]), Err(ErrorCode::FetchSessionIdNotFound));
        assert_eq!(l.update(9, 2, &[], &[]), Err(ErrorCode::InvalidFetchSessionEpoch));
        assert_eq!(l.update(9, 1, &[fp(1, 4)], &[fp(0, 0).tp]), Ok(()));
        assert_eq!(l.partitions.len(), 1);
        assert_eq!(l.partitions[&fp(1, 0).tp].fetch.fetch_offset, 4);
        assert_eq!(l.update(9, 2, &[], &[]), Ok(()));
    }

    #[test]
    fn idle_partitions_are_left_out_of_incremental_responses() {
        let mut l = LeaderSession::open(1, &[fp(0, 1)]);
        let resp = FetchResponsePartition {
            error: ErrorCode::None,
            high_watermark: 1,
            log_start_offset: 0,
            leader_log_end_offset: 1,
            diverging_epoch: None,
            records: Vec::new(),
        };
        let c = l.partitions.get_mut(&fp(0, 0).tp).expect("cached");
        assert!(c.must_respond(&resp, false), "a new partition is answered");
        c.sent(&resp);
        assert!(!c.must_respond(&resp, false));
        assert!(
            c.must_respond(&resp, true),
            "a full response lists every partition"
        );
        let moved = FetchResponsePartition {
            high_watermark: 2,
            ..resp.clone()
        };
        assert!(c.must_respond(&moved, false));
        let failed = FetchResponsePartition {
            error: ErrorCode::NotLeaderOrFollower,
            ..resp.clone()
        };
        c.sent(&failed);
        assert!(
            c.must_respond(&resp, false),
            "answered again once the error clears"
        );
    }
}
