//! The records the coordinator writes to `__consumer_offsets`: offset commits and group metadata.
//!
//! The simulation's records are [`RecordId`]s, not bytes. A record's payload is therefore carried in
//! the record ids themselves: it is serialized to bytes (for a commit the group, then per partition
//! the topic, partition and offset, much as Kafka's `OffsetCommitKey`/`OffsetCommitValue` do; for
//! group metadata the generation, protocol, leader and each member with its subscription and
//! assignment, as `GroupMetadataValue`) and the bytes are packed six per record id, under the reserved producer [`OFFSETS_PRODUCER`]. So the
//! payload travels with the batch: it is replicated by the ordinary follower fetches, truncated with
//! the batch, survives crashes with the durable log, and a new leader decodes it from its own copy.
//! The price: one record takes several offsets of the partition (one per 6 bytes), not one per
//! committed partition as in Kafka.

use crate::group::wire::{NamedPartition, Subscription};
use crate::record::{ProducerRef, RecordId};

/// The reserved producer whose record ids carry `__consumer_offsets` payload bytes.
pub const OFFSETS_PRODUCER: ProducerRef = ProducerRef(u16::MAX);

/// The internal topic's name.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

const MAGIC: u8 = 0xC0;
const GROUP_MAGIC: u8 = 0xC1;
const BYTES_PER_ID: usize = 6;

/// One member as a group record stores it (`MemberMetadata` in `GroupMetadataValue`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMember {
    /// The member id.
    pub member_id: String,
    /// Its `group.instance.id`.
    pub instance_id: Option<String>,
    /// Its client id.
    pub client_id: String,
    /// `session.timeout.ms`.
    pub session_timeout_ms: i32,
    /// The rebalance timeout.
    pub rebalance_timeout_ms: i32,
    /// Its subscription under the chosen protocol.
    pub subscription: Subscription,
    /// Its assignment.
    pub assignment: Vec<NamedPartition>,
}

/// A group's metadata as stored after each generation's assignment (`GroupMetadataKey/Value`): what a
/// new coordinator loads so that the members carry on without a rebalance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRecord {
    /// The group.
    pub group: String,
    /// The generation.
    pub generation: i32,
    /// `consumer`, or none for an empty group.
    pub protocol_type: Option<String>,
    /// The chosen protocol.
    pub protocol: Option<String>,
    /// The leader.
    pub leader: Option<String>,
    /// The members (none for an empty group).
    pub members: Vec<StoredMember>,
}

/// A record of `__consumer_offsets`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OffsetsRecord {
    /// Committed offsets.
    Commit(CommitRecord),
    /// Group metadata.
    Group(GroupRecord),
}

impl OffsetsRecord {
    /// The record ids that carry it.
    pub fn encode(&self) -> Vec<RecordId> {
        match self {
            OffsetsRecord::Commit(c) => c.encode(),
            OffsetsRecord::Group(g) => pack(&g.bytes()),
        }
    }

    /// Decodes a batch's record ids; `None` if they are not one whole record.
    pub fn decode(ids: &[RecordId]) -> Option<OffsetsRecord> {
        let bytes = unpack(ids)?;
        let mut rd = Reader { b: &bytes, at: 0 };
        match rd.take(1)?[0] {
            MAGIC => CommitRecord::read(&mut rd).map(OffsetsRecord::Commit),
            GROUP_MAGIC => GroupRecord::read(&mut rd).map(OffsetsRecord::Group),
            _ => None,
        }
    }

    /// The group it belongs to.
    pub fn group(&self) -> &str {
        match self {
            OffsetsRecord::Commit(c) => &c.group,
            OffsetsRecord::Group(g) => &g.group,
        }
    }
}

fn put_opt(out: &mut Vec<u8>, s: &Option<String>) {
    match s {
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
        None => out.push(0),
    }
}

fn put_partitions(out: &mut Vec<u8>, ps: &[NamedPartition]) {
    out.extend_from_slice(&u32::try_from(ps.len()).unwrap_or(u32::MAX).to_be_bytes());
    for p in ps {
        put_str(out, &p.topic);
        out.extend_from_slice(&p.partition.to_be_bytes());
    }
}

impl GroupRecord {
    fn bytes(&self) -> Vec<u8> {
        let mut b = vec![GROUP_MAGIC];
        put_str(&mut b, &self.group);
        b.extend_from_slice(&self.generation.to_be_bytes());
        put_opt(&mut b, &self.protocol_type);
        put_opt(&mut b, &self.protocol);
        put_opt(&mut b, &self.leader);
        b.extend_from_slice(
            &u32::try_from(self.members.len())
                .unwrap_or(u32::MAX)
                .to_be_bytes(),
        );
        for m in &self.members {
            put_str(&mut b, &m.member_id);
            put_opt(&mut b, &m.instance_id);
            put_str(&mut b, &m.client_id);
            b.extend_from_slice(&m.session_timeout_ms.to_be_bytes());
            b.extend_from_slice(&m.rebalance_timeout_ms.to_be_bytes());
            let s = &m.subscription;
            b.extend_from_slice(&u32::try_from(s.topics.len()).unwrap_or(u32::MAX).to_be_bytes());
            for t in &s.topics {
                put_str(&mut b, t);
            }
            put_partitions(&mut b, &s.owned_partitions);
            b.extend_from_slice(&s.generation_id.to_be_bytes());
            put_opt(&mut b, &s.rack_id);
            put_partitions(&mut b, &m.assignment);
        }
        b
    }

    fn read(rd: &mut Reader<'_>) -> Option<GroupRecord> {
        let group = rd.string()?;
        let generation = rd.i32()?;
        let protocol_type = rd.opt()?;
        let protocol = rd.opt()?;
        let leader = rd.opt()?;
        let n = rd.u32()?;
        let mut members = Vec::new();
        for _ in 0..n {
            let member_id = rd.string()?;
            let instance_id = rd.opt()?;
            let client_id = rd.string()?;
            let session_timeout_ms = rd.i32()?;
            let rebalance_timeout_ms = rd.i32()?;
            let nt = rd.u32()?;
            let mut topics = Vec::new();
            for _ in 0..nt {
                topics.push(rd.string()?);
            }
            let owned_partitions = rd.partitions()?;
            let generation_id = rd.i32()?;
            let rack_id = rd.opt()?;
            let assignment = rd.partitions()?;
            members.push(StoredMember {
                member_id,
                instance_id,
                client_id,
                session_timeout_ms,
                rebalance_timeout_ms,
                subscription: Subscription {
                    topics,
                    owned_partitions,
                    generation_id,
                    rack_id,
                },
                assignment,
            });
        }
        Some(GroupRecord {
            group,
            generation,
            protocol_type,
            protocol,
            leader,
            members,
        })
    }
}

/// Packs bytes into record ids: the length, then six bytes per id.
fn pack(bytes: &[u8]) -> Vec<RecordId> {
    let mut ids = vec![RecordId::new(OFFSETS_PRODUCER, bytes.len() as u64)];
    for chunk in bytes.chunks(BYTES_PER_ID) {
        let mut w = [0u8; 8];
        w[2..2 + chunk.len()].copy_from_slice(chunk);
        ids.push(RecordId::new(OFFSETS_PRODUCER, u64::from_be_bytes(w)));
    }
    ids
}

/// The bytes [`pack`] packed; `None` for foreign or cut batches.
fn unpack(ids: &[RecordId]) -> Option<Vec<u8>> {
    let (first, rest) = ids.split_first()?;
    if ids.iter().any(|r| r.producer() != OFFSETS_PRODUCER) {
        return None;
    }
    let len = usize::try_from(first.n()).ok()?;
    let mut bytes = Vec::with_capacity(rest.len() * BYTES_PER_ID);
    for r in rest {
        bytes.extend_from_slice(&r.n().to_be_bytes()[2..]);
    }
    if bytes.len() < len || bytes.len() >= len + BYTES_PER_ID {
        return None;
    }
    bytes.truncate(len);
    Some(bytes)
}

/// One OffsetCommit as it is stored: a group's offsets for some partitions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitRecord {
    /// The group.
    pub group: String,
    /// The committed offsets (the next offset to consume), per partition.
    pub offsets: Vec<(NamedPartition, i64)>,
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.extend_from_slice(&u32::try_from(b.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(b);
}

impl CommitRecord {
    /// The record ids that carry this commit.
    pub fn encode(&self) -> Vec<RecordId> {
        let mut bytes = vec![MAGIC];
        put_str(&mut bytes, &self.group);
        let n = u32::try_from(self.offsets.len()).unwrap_or(u32::MAX);
        bytes.extend_from_slice(&n.to_be_bytes());
        for (p, o) in &self.offsets {
            put_str(&mut bytes, &p.topic);
            bytes.extend_from_slice(&p.partition.to_be_bytes());
            bytes.extend_from_slice(&o.to_be_bytes());
        }
        pack(&bytes)
    }

    /// Decodes a batch's record ids; `None` if they are not one whole commit record.
    pub fn decode(ids: &[RecordId]) -> Option<CommitRecord> {
        match OffsetsRecord::decode(ids)? {
            OffsetsRecord::Commit(c) => Some(c),
            OffsetsRecord::Group(_) => None,
        }
    }

    fn read(rd: &mut Reader<'_>) -> Option<CommitRecord> {
        let group = rd.string()?;
        let n = rd.u32()?;
        let mut offsets = Vec::new();
        for _ in 0..n {
            let topic = rd.string()?;
            let partition = rd.i32()?;
            let offset = i64::from_be_bytes(rd.take(8)?.try_into().ok()?);
            offsets.push((NamedPartition::new(topic, partition), offset));
        }
        Some(CommitRecord { group, offsets })
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    fn opt(&mut self) -> Option<Option<String>> {
        match self.take(1)?[0] {
            0 => Some(None),
            _ => self.string().map(Some),
        }
    }
    fn partitions(&mut self) -> Option<Vec<NamedPartition>> {
        let n = self.u32()?;
        let mut v = Vec::new();
        for _ in 0..n {
            let t = self.string()?;
            v.push(NamedPartition::new(t, self.i32()?));
        }
        Some(v)
    }
    fn string(&mut self) -> Option<String> {
        let n = usize::try_from(self.u32()?).ok()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_records_round_trip() {
        let c = CommitRecord {
            group: "data-platform-group".into(),
            offsets: vec![
                (NamedPartition::new("orders", 0), 42),
                (NamedPartition::new("orders", 7), 1_000_000_007),
                (NamedPartition::new("é-topic", 2), 0),
            ],
        };
        let ids = c.encode();
        assert!(ids.iter().all(|r| r.producer() == OFFSETS_PRODUCER));
        assert_eq!(CommitRecord::decode(&ids), Some(c));
    }

    #[test]
    fn group_records_round_trip() {
        let g = GroupRecord {
            group: "g".into(),
            generation: 4,
            protocol_type: Some("consumer".into()),
            protocol: Some("range".into()),
            leader: Some("consumer-g-1-x".into()),
            members: vec![StoredMember {
                member_id: "consumer-g-1-x".into(),
                instance_id: Some("i1".into()),
                client_id: "consumer-g-1".into(),
                session_timeout_ms: 45_000,
                rebalance_timeout_ms: 300_000,
                subscription: Subscription {
                    topics: vec!["orders".into()],
                    owned_partitions: vec![NamedPartition::new("orders", 1)],
                    generation_id: 3,
                    rack_id: None,
                },
                assignment: vec![NamedPartition::new("orders", 0), NamedPartition::new("orders", 1)],
            }],
        };
        let r = OffsetsRecord::Group(g);
        assert_eq!(OffsetsRecord::decode(&r.encode()), Some(r.clone()));
        assert_eq!(r.group(), "g");
        assert_eq!(CommitRecord::decode(&r.encode()), None);
    }

    #[test]
    fn foreign_or_cut_batches_do_not_decode() {
        let c = CommitRecord {
            group: "g".into(),
            offsets: vec![(NamedPartition::new("t", 0), 5)],
        };
        let ids = c.encode();
        assert_eq!(CommitRecord::decode(&ids[..ids.len() - 1]), None);
        let mut foreign = ids.clone();
        foreign[1] = RecordId::new(ProducerRef(0), 1);
        assert_eq!(CommitRecord::decode(&foreign), None);
        assert_eq!(CommitRecord::decode(&[]), None);
    }
}
