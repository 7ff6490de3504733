//! The durability check's random-access helpers: one byte of state per record, and a cursor into a
//! final log by offset.

use crate::record::{RecordBatch, RecordId};
use std::collections::BTreeMap;

/// One byte of state per record: dense per producer where running numbers are dense, a map beyond.
pub(super) struct Presence {
    dense: Vec<Vec<u8>>,
    sparse: BTreeMap<RecordId, u8>,
}

impl Presence {
    pub(super) fn new(extent: &[(u64, u64)]) -> Self {
        let dense = extent
            .iter()
            .map(|&(end, seen)| {
                // Dense only when running numbers are (about) dense, and never absurdly large.
                if end <= seen.saturating_mul(4).saturating_add(1 << 16) && end <= 1 << 32 {
                    vec![0u8; end as usize]
                } else {
                    Vec::new()
                }
            })
            .collect();
        Presence {
            dense,
            sparse: BTreeMap::new(),
        }
    }

    #[inline]
    pub(super) fn slot(&mut self, id: RecordId) -> &mut u8 {
        let (p, n) = (id.producer().0 as usize, id.n());
        if self.dense.get(p).is_some_and(|v| n < v.len() as u64) {
            &mut self.dense[p][n as usize]
        } else {
            self.sparse_slot(id)
        }
    }

    #[cold]
    #[inline(never)]
    fn sparse_slot(&mut self, id: RecordId) -> &mut u8 {
        self.sparse.entry(id).or_insert(0)
    }

    #[inline]
    pub(super) fn get(&self, id: RecordId) -> u8 {
        let (p, n) = (id.producer().0 as usize, id.n());
        match self.dense.get(p) {
            Some(v) if n < v.len() as u64 => v[n as usize],
            _ => self.sparse.get(&id).copied().unwrap_or(0),
        }
    }
}

pub(super) fn end_of(b: &RecordBatch) -> i64 {
    b.base_offset.saturating_add(b.records.len() as i64)
}

/// Random access by offset into a final log, fast for increasing offsets.
pub(super) struct Cursor<'a> {
    batches: &'a [RecordBatch],
    idx: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(batches: &'a [RecordBatch]) -> Self {
        Cursor { batches, idx: 0 }
    }

    pub(super) fn at(&mut self, o: i64) -> Option<RecordId> {
        let b = self.batch_at(o)?;
        b.records.get(usize::try_from(o - b.base_offset).ok()?).copied()
    }

    /// The batch holding offset `o`, if any.
    pub(super) fn batch_at(&mut self, o: i64) -> Option<&'a RecordBatch> {
        let covers = |b: &RecordBatch| b.base_offset <= o && o < end_of(b);
        if !self.batches.get(self.idx).is_some_and(covers) {
            if self.batches.get(self.idx + 1).is_some_and(covers) {
                self.idx += 1;
            } else {
                self.idx = self.batches.partition_point(|b| end_of(b) <= o);
            }
        }
        self.batches.get(self.idx).filter(|b| covers(b))
    }
}
