//! The offset-commit records the coordinator writes to `__consumer_offsets`.
//!
//! The simulation's records are [`RecordId`]s, not bytes. A commit's payload is therefore carried in
//! the record ids themselves: the commit is serialized to bytes (group, then per partition the
//! topic, partition and offset, much as Kafka's `OffsetCommitKey`/`OffsetCommitValue` do) and the
//! bytes are packed six per record id, under the reserved producer [`OFFSETS_PRODUCER`]. So the
//! payload travels with the batch: it is replicated by the ordinary follower fetches, truncated with
//! the batch, survives crashes with the durable log, and a new leader decodes it from its own copy.
//! The price: one commit takes several offsets of the partition (one per 6 bytes), not one per
//! committed partition as in Kafka.

use crate::group::wire::NamedPartition;
use crate::record::{ProducerRef, RecordId};

/// The reserved producer whose record ids carry `__consumer_offsets` payload bytes.
pub const OFFSETS_PRODUCER: ProducerRef = ProducerRef(u16::MAX);

/// The internal topic's name.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

const MAGIC: u8 = 0xC0;
const BYTES_PER_ID: usize = 6;

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
        let mut ids = vec![RecordId::new(OFFSETS_PRODUCER, bytes.len() as u64)];
        for chunk in bytes.chunks(BYTES_PER_ID) {
            let mut w = [0u8; 8];
            w[2..2 + chunk.len()].copy_from_slice(chunk);
            ids.push(RecordId::new(OFFSETS_PRODUCER, u64::from_be_bytes(w)));
        }
        ids
    }

    /// Decodes a batch's record ids; `None` if they are not one whole commit record.
    pub fn decode(ids: &[RecordId]) -> Option<CommitRecord> {
        let (first, rest) = ids.split_first()?;
        if ids.iter().any(|r| r.producer() != OFFSETS_PRODUCER) {
            return None;
        }
        let len = usize::try_from(first.n()).ok()?;
        let mut bytes = Vec::with_capacity(rest.len() * BYTES_PER_ID);
        for r in rest {
            bytes.extend_from_slice(&r.n().to_be_bytes()[2..]);
        }
        if bytes.len() < len {
            return None;
        }
        bytes.truncate(len);
        let mut rd = Reader { b: &bytes, at: 0 };
        if rd.take(1)?[0] != MAGIC {
            return None;
        }
        let group = rd.string()?;
        let n = rd.u32()?;
        let mut offsets = Vec::new();
        for _ in 0..n {
            let topic = rd.string()?;
            let partition = i32::from_be_bytes(rd.take(4)?.try_into().ok()?);
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
