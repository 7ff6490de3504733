//! OffsetCommit and OffsetFetch (`GroupCoordinator.handleCommitOffsets` / `handleFetchOffsets`).

use super::events::GroupState;
use super::group::Group;
use super::{CommitRecord, GroupCoordinator, InFlight, OffsetsRecord, Output, PendingCommit, ReplyTo};
use crate::error_code::ErrorCode;
use crate::group::wire::{ClientResponse, NamedPartition, OffsetCommitRequest};
use crate::time::SimTime;

fn all(offsets: &[(NamedPartition, i64)], e: ErrorCode) -> ClientResponse {
    ClientResponse::OffsetCommit {
        results: offsets.iter().map(|(p, _)| (p.clone(), e)).collect(),
    }
}

impl GroupCoordinator {
    pub(super) fn offset_commit(
        &mut self,
        now: SimTime,
        reply: ReplyTo,
        req: OffsetCommitRequest,
        out: &mut Output,
    ) {
        if let Some(e) = self.coordinator_error(&req.group_id) {
            return out.respond(reply, all(&req.offsets, e));
        }
        let gid = req.group_id.clone();
        if !self.groups.contains_key(&gid) {
            if req.generation_id >= 0 {
                // A commit from an older generation of a group that is gone.
                return out.respond(reply, all(&req.offsets, ErrorCode::IllegalGeneration));
            }
            // Not managed by Kafka (manual assignment): the group is created Empty.
            self.groups.insert(gid.clone(), Group::new(&gid));
        }
        let Some(g) = self.groups.get_mut(&gid) else {
            return;
        };
        let error = if g.is(GroupState::Dead) {
            Some(ErrorCode::CoordinatorNotAvailable)
        } else if req.generation_id < 0 && g.is(GroupState::Empty) {
            None
        } else if g.fenced(req.group_instance_id.as_deref(), &req.member_id) {
            Some(ErrorCode::FencedInstanceId)
        } else if !g.members.contains_key(&req.member_id) {
            Some(ErrorCode::UnknownMemberId)
        } else if req.generation_id != g.generation {
            Some(ErrorCode::IllegalGeneration)
        } else {
            match g.state {
                // During PreparingRebalance the generation is still the previous one: its members
                // may commit what they processed before rejoining.
                GroupState::Stable | GroupState::PreparingRebalance => {
                    if let Some(m) = g.members.get_mut(&req.member_id) {
                        m.last_heard = now;
                    }
                    None
                }
                GroupState::CompletingRebalance => Some(ErrorCode::RebalanceInProgress),
                GroupState::Empty | GroupState::Dead => Some(ErrorCode::UnknownMemberId),
            }
        };
        if let Some(e) = error {
            return out.respond(reply, all(&req.offsets, e));
        }
        if req.offsets.is_empty() {
            return out.respond(reply, ClientResponse::OffsetCommit { results: Vec::new() });
        }
        self.next_token += 1;
        let token = self.next_token;
        let partition = self.partition_for(&gid);
        self.in_flight.insert(
            token,
            InFlight::Commit {
                group: gid.clone(),
                reply,
                offsets: req.offsets.clone(),
            },
        );
        out.commits.push(PendingCommit {
            token,
            partition,
            record: OffsetsRecord::Commit(CommitRecord {
                group: gid,
                offsets: req.offsets,
            }),
        });
    }

    /// The hosting broker reports a stored record's fate: `NONE` once the high watermark passed it,
    /// else the append's error, mapped as `GroupMetadataManager` maps it. A commit is answered (its
    /// offsets visible only on success); a leader's assignment is propagated and the group made
    /// Stable, or, on error, the members are told and the group rebalances.
    pub fn commit_completed(&mut self, token: u64, error: ErrorCode) -> Output {
        let mut out = Output::default();
        let Some(c) = self.in_flight.remove(&token) else {
            return out;
        };
        let mapped = match error {
            ErrorCode::UnknownTopicOrPartition
            | ErrorCode::NotEnoughReplicas
            | ErrorCode::NotEnoughReplicasAfterAppend => ErrorCode::CoordinatorNotAvailable,
            ErrorCode::NotLeaderOrFollower | ErrorCode::KafkaStorageError => ErrorCode::NotCoordinator,
            e => e,
        };
        match c {
            InFlight::Commit {
                group,
                reply,
                offsets,
            } => {
                if mapped == ErrorCode::None
                    && let Some(g) = self.groups.get_mut(&group)
                {
                    for (p, o) in &offsets {
                        g.committed.insert(p.clone(), *o);
                    }
                }
                out.respond(reply, all(&offsets, mapped));
            }
            InFlight::Sync {
                group,
                generation,
                assignment,
            } => self.assignment_stored(&group, generation, assignment, mapped, &mut out),
            InFlight::Store { .. } => {}
        }
        out
    }

    /// The commits waiting for replication, by token.
    pub fn commits_in_flight(&self) -> impl Iterator<Item = u64> + '_ {
        self.in_flight.keys().copied()
    }

    pub(super) fn offset_fetch(
        &mut self,
        reply: ReplyTo,
        gid: &str,
        partitions: Vec<NamedPartition>,
        out: &mut Output,
    ) {
        if let Some(error) = self.coordinator_error(gid) {
            return out.respond(
                reply,
                ClientResponse::OffsetFetch {
                    error,
                    offsets: Vec::new(),
                },
            );
        }
        let committed = self.groups.get(gid).map(|g| &g.committed);
        let offsets = (partitions.into_iter())
            .map(|p| {
                let o = committed.and_then(|c| c.get(&p)).copied().unwrap_or(-1);
                (p, o)
            })
            .collect();
        out.respond(
            reply,
            ClientResponse::OffsetFetch {
                error: ErrorCode::None,
                offsets,
            },
        );
    }
}
