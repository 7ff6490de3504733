//! The comparison behind [`DurabilityOracle::check`](super::DurabilityOracle::check).

use super::{
    AnomalyKind, DurabilityOracle, DurabilityReport, FINDINGS_CAP, FinalLogRef, FinalLogSource, Finding,
    OutcomeEntry, ProducerLatency, SendOutcome, TruncationEvent,
};
use crate::record::{ProducerRef, RecordBatch, RecordId, TopicIdx, TopicPartition};
use std::sync::Arc;

#[path = "durability_scan.rs"]
mod scan;
use scan::{Cursor, Presence, end_of};

const PRESENT: u8 = 1;
const HAS_OUTCOME: u8 = 2;
const KINDS: usize = 7;

/// Groups consecutive indexes of a batch that share a classification into runs `[start, end)`.
struct Runs<K> {
    open: Option<(K, u32)>,
}

impl<K: PartialEq + Copy> Runs<K> {
    fn new() -> Self {
        Runs { open: None }
    }

    fn step(&mut self, i: u32, k: Option<K>, out: &mut impl FnMut(K, u32, u32)) {
        if let (Some((open, _)), Some(k)) = (self.open, k)
            && open == k
        {
            return;
        }
        self.finish(i, out);
        self.open = k.map(|k| (k, i));
    }

    fn finish(&mut self, end: u32, out: &mut impl FnMut(K, u32, u32)) {
        if let Some((k, s)) = self.open.take() {
            out(k, s, end);
        }
    }
}

/// A run of records of one outcome entry that share an anomaly; sorted to list findings in order.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    kind: AnomalyKind,
    tp: TopicPartition,
    offset: Option<i64>,
    first: RecordId,
    entry: u32,
    start: u32,
    end: u32,
}

/// Where the record observed at an offset range came from.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Acked { entry: u32, first: u32 },
    Truncated { event: u32, batch: u32, first: u32 },
}

/// Offsets `[start, end)` of `tp` that held the records of `src` and finally hold others.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Range {
    tp: TopicPartition,
    start: i64,
    end: i64,
    src: Source,
}

struct Ctx<'a> {
    oracle: &'a DurabilityOracle,
    logs: Vec<FinalLogRef<'a>>,
    topic_name: &'a dyn Fn(TopicIdx) -> String,
    findings: Vec<Finding>,
    kept: [usize; KINDS],
    capped: bool,
}

impl<'a> Ctx<'a> {
    fn log(&self, tp: TopicPartition) -> Option<&FinalLogRef<'a>> {
        self.log_index(tp).map(|i| &self.logs[i])
    }

    fn log_index(&self, tp: TopicPartition) -> Option<usize> {
        let i = self.logs.partition_point(|l| l.tp < tp);
        self.logs.get(i).is_some_and(|l| l.tp == tp).then_some(i)
    }

    fn name(&self, tp: TopicPartition) -> String {
        format!("{}-{}", (self.topic_name)(tp.topic), tp.partition)
    }

    /// Whether one more finding of `kind` may be kept; notes the cap otherwise.
    fn room(&mut self, kind: AnomalyKind) -> bool {
        let ok = self.kept[kind as usize] < FINDINGS_CAP;
        self.capped |= !ok;
        ok
    }

    fn push(
        &mut self,
        kind: AnomalyKind,
        record: RecordId,
        tp: TopicPartition,
        offset: Option<i64>,
        e: String,
    ) {
        self.kept[kind as usize] += 1;
        self.findings.push(Finding {
            kind,
            record,
            tp,
            offset,
            explanation: e,
        });
    }

    /// Why acknowledged record `r` at offset `o` of `tp` is gone.
    fn explain_loss(&self, r: RecordId, tp: TopicPartition, o: i64) -> String {
        let name = self.name(tp);
        let removal = truncations(self.oracle, tp).iter().rev().find_map(|ev| {
            let b = ev.removed.iter().find(|b| b.base_offset <= o && o < end_of(b))?;
            (b.records.get(usize::try_from(o - b.base_offset).ok()?) == Some(&r)).then_some((ev, b))
        });
        let unclean = self.oracle.unclean.get(&tp).map_or(&[][..], |v| v.as_slice());
        match removal {
            Some((ev, b)) => {
                let why = unclean
                    .iter()
                    .find(|u| u.epoch == ev.leader_epoch)
                    .map(|u| format!(" after the unclean election of broker {}", u.leader))
                    .unwrap_or_default();
                format!(
                    "{r} acknowledged at {name} offset {o} (leader epoch {}) was truncated on broker {} at {} \
                     by leader epoch {} (log truncated to offset {}){why}",
                    b.partition_leader_epoch, ev.broker, ev.at, ev.leader_epoch.0, ev.truncated_to
                )
            }
            None => {
                let src = match self.log(tp).map(|l| l.source) {
                    None => " (no final log was given for it)".to_string(),
                    Some(FinalLogSource::OfflineLastIsr(b)) => {
                        format!(" (partition offline; final log taken from last ISR member broker {b})")
                    }
                    Some(_) => String::new(),
                };
                let why = unclean
                    .last()
                    .map(|u| {
                        format!(
                            "; broker {} was elected uncleanly at leader epoch {} at {}",
                            u.leader, u.epoch.0, u.at
                        )
                    })
                    .unwrap_or_default();
                format!(
                    "{r} acknowledged at {name} offset {o} is missing from the final log of {name} and no \
                     truncation explains it{src}{why}"
                )
            }
        }
    }
}

fn truncations(oracle: &DurabilityOracle, tp: TopicPartition) -> &[TruncationEvent] {
    oracle.truncations.get(&tp).map_or(&[], |v| v.as_slice())
}

/// Runs the check over `logs`, whose batches must be in offset order.
pub(super) fn run<'a>(
    oracle: &'a DurabilityOracle,
    mut logs: Vec<FinalLogRef<'a>>,
    topic_name: &'a dyn Fn(TopicIdx) -> String,
) -> DurabilityReport {
    crate::sort::sort_by_key(&mut logs, |l| l.tp);
    let mut cx = Ctx {
        oracle,
        logs,
        topic_name,
        findings: Vec::new(),
        kept: [0; KINDS],
        capped: false,
    };
    let mut rep = DurabilityReport::default();
    let mut pres = Presence::new(&oracle.extent);

    scan_final_logs(&mut cx, &mut pres, &mut rep);
    let mut ranges = Vec::new();
    // The simulation reports each batch's send and outcome together, sharing its records: then every
    // sent record has an outcome and `HAS_OUTCOME` (only read below) need not be tracked, which
    // spares two passes over every record's memory.
    let paired = oracle.sends.len() == oracle.outcomes.len()
        && (oracle.sends.iter().zip(&oracle.outcomes)).all(|((_, s), o)| Arc::ptr_eq(s, &o.records));
    let cands = scan_outcomes(&cx, &mut pres, &mut rep, &mut ranges, !paired);
    for (_, records) in &oracle.sends {
        rep.sent += records.len() as u64;
        if !paired {
            rep.no_outcome += records
                .iter()
                .filter(|r| pres.get(**r) & HAS_OUTCOME == 0)
                .count() as u64;
        }
    }
    let mut overwritten = Vec::new();
    scan_truncations(&cx, &mut ranges, &mut overwritten);

    list_candidates(&mut cx, cands);
    rep.inconsistent_offsets = sweep_ranges(&mut cx, ranges, true);
    rep.truncated_overwritten = sweep_ranges(&mut cx, overwritten, false);

    crate::sort::sort_by_key(&mut cx.findings, |f| (f.kind, f.tp, f.offset, f.record));
    rep.findings = cx.findings;
    rep.deleted_topics = oracle.deleted.values().cloned().collect();
    rep.findings_capped = cx.capped;
    rep.latency = oracle
        .latency
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.is_empty())
        .map(|(p, h)| ProducerLatency {
            producer: ProducerRef(p as u16),
            latency_ms: h.summary(),
        })
        .collect();
    rep
}

/// Presence, duplicates and reorderings, partition by partition in offset order.
fn scan_final_logs(cx: &mut Ctx<'_>, pres: &mut Presence, rep: &mut DurabilityReport) {
    let mut run_max: Vec<Option<u64>> = Vec::new();
    let logs = std::mem::take(&mut cx.logs);
    for log in &logs {
        run_max.iter_mut().for_each(|m| *m = None);
        for b in log.batches {
            for (i, &r) in b.records.iter().enumerate() {
                let o = b.base_offset.saturating_add(i as i64);
                let s = pres.slot(r);
                if *s & PRESENT != 0 {
                    rep.duplicates += 1;
                    if cx.room(AnomalyKind::Duplicate) {
                        let e = format!(
                            "{r} at {} offset {o} is a duplicate: the record is already in a final log",
                            cx.name(log.tp)
                        );
                        cx.push(AnomalyKind::Duplicate, r, log.tp, Some(o), e);
                    }
                    continue;
                }
                *s |= PRESENT;
                let p = r.producer().0 as usize;
                if p >= run_max.len() {
                    run_max.resize(p + 1, None);
                }
                match run_max[p] {
                    Some(m) if r.n() < m => {
                        rep.reordered += 1;
                        if cx.room(AnomalyKind::Reordered) {
                            let e = format!(
                                "{r} at {} offset {o} comes after {} from the same producer",
                                cx.name(log.tp),
                                RecordId::new(r.producer(), m)
                            );
                            cx.push(AnomalyKind::Reordered, r, log.tp, Some(o), e);
                        }
                    }
                    _ => run_max[p] = Some(r.n()),
                }
            }
        }
    }
    cx.logs = logs;
}

/// Classifies every record of every outcome; returns the anomaly runs to list.
fn scan_outcomes(
    cx: &Ctx<'_>,
    pres: &mut Presence,
    rep: &mut DurabilityReport,
    ranges: &mut Vec<Range>,
    track_outcomes: bool,
) -> Vec<Candidate> {
    let mut cands = Vec::new();
    let empty: [RecordBatch; 0] = [];
    // One cursor per final log, kept across outcomes: acknowledged offsets mostly increase, so the
    // next batch is usually the cursor's or the one after it (no binary search).
    let mut cursors: Vec<Cursor<'_>> = cx.logs.iter().map(|l| Cursor::new(l.batches)).collect();
    let mut no_log = Cursor::new(&empty[..]);
    for (ei, oe) in cx.oracle.outcomes.iter().enumerate() {
        let ei = ei as u32;
        let OutcomeEntry {
            tp, records, outcome, ..
        } = oe;
        let li = cx.log_index(*tp);
        let log = li.map(|i| &cx.logs[i]);
        let cursor = match li {
            Some(i) => &mut cursors[i],
            None => &mut no_log,
        };
        let log_start = log.map_or(0, |l| l.log_start_offset);
        let len = records.len() as u64;
        let mut anom = Runs::new();
        let mut inc = Runs::new();
        let mut push_cand = |kind: AnomalyKind, s: u32, e: u32| {
            let offset = match outcome {
                SendOutcome::Acked { base_offset } => Some(base_offset.saturating_add(i64::from(s))),
                _ => None,
            };
            let first = records[s as usize];
            cands.push(Candidate {
                kind,
                tp: *tp,
                offset,
                first,
                entry: ei,
                start: s,
                end: e,
            });
        };
        let mut push_range = |(): (), s: u32, e: u32| {
            if let SendOutcome::Acked { base_offset } = outcome {
                let start = base_offset.saturating_add(i64::from(s));
                let end = base_offset.saturating_add(i64::from(e));
                ranges.push(Range {
                    tp: *tp,
                    start,
                    end,
                    src: Source::Acked { entry: ei, first: s },
                });
            }
        };
        match outcome {
            SendOutcome::Acked { .. } => rep.acked += len,
            SendOutcome::AckedNoOffset => rep.acked_no_offset += len,
            SendOutcome::Failed { .. } => rep.failed += len,
            SendOutcome::Unknown => rep.unknown += len,
        }
        // The usual case: the final log holds exactly this batch at the acknowledged offset, so every
        // record is where it was acknowledged (no anomaly, nothing inconsistent).
        if let SendOutcome::Acked { base_offset } = outcome
            && cursor.batch_at(*base_offset).is_some_and(|b| {
                b.base_offset == *base_offset
                    && (Arc::ptr_eq(&b.records, records) || b.records[..] == records[..])
            })
        {
            if track_outcomes {
                for &r in records.iter() {
                    *pres.slot(r) |= HAS_OUTCOME;
                }
            }
            continue;
        }
        for (i, &r) in records.iter().enumerate() {
            let i = i as u32;
            let s = pres.slot(r);
            *s |= HAS_OUTCOME;
            let present = *s & PRESENT != 0;
            let (kind, inconsistent) = match outcome {
                SendOutcome::Acked { base_offset } => {
                    let o = base_offset.saturating_add(i64::from(i));
                    let fin = cursor.at(o);
                    if fin == Some(r) {
                        (None, false)
                    } else if present {
                        rep.acked_wrong_offset += 1;
                        (Some(AnomalyKind::AckedWrongOffset), fin.is_some())
                    } else if o < log_start {
                        rep.expired += 1;
                        (None, fin.is_some())
                    } else {
                        rep.acked_lost += 1;
                        (Some(AnomalyKind::AckedLost), fin.is_some())
                    }
                }
                SendOutcome::AckedNoOffset if !present => {
                    rep.unconfirmed_lost += 1;
                    (Some(AnomalyKind::UnconfirmedLost), false)
                }
                SendOutcome::Failed { .. } if present => {
                    rep.failed_but_present += 1;
                    (Some(AnomalyKind::FailedButPresent), false)
                }
                SendOutcome::Unknown if present => {
                    rep.unknown_present += 1;
                    (None, false)
                }
                SendOutcome::Unknown => {
                    rep.unknown_absent += 1;
                    (None, false)
                }
                _ => (None, false),
            };
            anom.step(i, kind, &mut push_cand);
            inc.step(i, inconsistent.then_some(()), &mut push_range);
        }
        anom.finish(len as u32, &mut push_cand);
        inc.finish(len as u32, &mut push_range);
    }
    cands
}

/// Offsets where a truncated record was replaced: all of them (`overwritten`), and the committed ones
/// (below the truncating replica's high watermark) as inconsistent `ranges`.
fn scan_truncations(cx: &Ctx<'_>, ranges: &mut Vec<Range>, overwritten: &mut Vec<Range>) {
    let empty: [RecordBatch; 0] = [];
    for (tp, events) in &cx.oracle.truncations {
        let log = cx.log(*tp);
        for (evi, ev) in events.iter().enumerate() {
            for (bi, b) in ev.removed.iter().enumerate() {
                let mut cursor = Cursor::new(log.map_or(&empty[..], |l| l.batches));
                let src = |first| Source::Truncated {
                    event: evi as u32,
                    batch: bi as u32,
                    first,
                };
                let range = |s: u32, e: u32| Range {
                    tp: *tp,
                    start: b.base_offset.saturating_add(i64::from(s)),
                    end: b.base_offset.saturating_add(i64::from(e)),
                    src: src(s),
                };
                let mut over = Runs::new();
                let mut inc = Runs::new();
                let mut push_over = |(): (), s: u32, e: u32| overwritten.push(range(s, e));
                let mut push_inc = |(): (), s: u32, e: u32| ranges.push(range(s, e));
                for (i, &r) in b.records.iter().enumerate() {
                    let o = b.base_offset.saturating_add(i as i64);
                    let replaced = cursor.at(o).is_some_and(|f| f != r);
                    let committed = ev.high_watermark.is_some_and(|hw| o < hw);
                    over.step(i as u32, replaced.then_some(()), &mut push_over);
                    inc.step(i as u32, (replaced && committed).then_some(()), &mut push_inc);
                }
                over.finish(b.records.len() as u32, &mut push_over);
                inc.finish(b.records.len() as u32, &mut push_inc);
            }
        }
    }
}

/// Turns the first [`FINDINGS_CAP`] records of each kind of candidate runs into findings.
fn list_candidates(cx: &mut Ctx<'_>, mut cands: Vec<Candidate>) {
    crate::sort::sort(&mut cands);
    let oracle = cx.oracle;
    for c in cands {
        let oe = &oracle.outcomes[c.entry as usize];
        for i in c.start..c.end {
            if !cx.room(c.kind) {
                break;
            }
            let r = oe.records[i as usize];
            let name = cx.name(c.tp);
            let o = match oe.outcome {
                SendOutcome::Acked { base_offset } => Some(base_offset.saturating_add(i64::from(i))),
                _ => None,
            };
            let off = o.unwrap_or(-1);
            let e = match (c.kind, oe.outcome) {
                (AnomalyKind::AckedLost, _) => cx.explain_loss(r, c.tp, off),
                (AnomalyKind::AckedWrongOffset, _) => {
                    let now = cx.log(c.tp).and_then(|l| Cursor::new(l.batches).at(off));
                    let now = now.map_or("nothing".to_string(), |f| f.to_string());
                    format!(
                        "{r} acknowledged at {name} offset {off} is in a final log, but not there \
                         (offset {off} holds {now})"
                    )
                }
                (AnomalyKind::UnconfirmedLost, _) => format!(
                    "{r} sent with acks=0 to {name} (success with offset -1 reported at {}) is not in the \
                     final log",
                    oe.at
                ),
                (_, SendOutcome::Failed { error }) => {
                    format!(
                        "{r} failed with {} at {} but is in a final log ({name})",
                        error.name(),
                        oe.at
                    )
                }
                _ => format!("{r}: {:?} at {name}", c.kind),
            };
            cx.push(c.kind, r, c.tp, o, e);
        }
    }
}

/// Counts the distinct offsets the ranges cover; lists them as inconsistent offsets if `list`.
fn sweep_ranges(cx: &mut Ctx<'_>, mut ranges: Vec<Range>, list: bool) -> u64 {
    crate::sort::sort(&mut ranges);
    let oracle = cx.oracle;
    let mut count = 0u64;
    let mut covered: Option<(TopicPartition, i64)> = None;
    for rg in ranges {
        let from = match covered {
            Some((tp, end)) if tp == rg.tp => rg.start.max(end),
            _ => rg.start,
        };
        if rg.end <= from {
            continue;
        }
        count += (rg.end - from) as u64;
        covered = Some((rg.tp, rg.end));
        if !list {
            continue;
        }
        for o in from..rg.end {
            if !cx.room(AnomalyKind::InconsistentOffset) {
                break;
            }
            let (a, how) = match rg.src {
                Source::Acked { entry, first } => {
                    let oe = &oracle.outcomes[entry as usize];
                    (
                        oe.records[first as usize + (o - rg.start) as usize],
                        "acknowledged".to_string(),
                    )
                }
                Source::Truncated { event, batch, first } => {
                    let ev = &truncations(oracle, rg.tp)[event as usize];
                    let b = &ev.removed[batch as usize];
                    let how = format!(
                        "committed at leader epoch {}, truncated on broker {} at {} by leader epoch {}",
                        b.partition_leader_epoch, ev.broker, ev.at, ev.leader_epoch.0
                    );
                    (b.records[first as usize + (o - rg.start) as usize], how)
                }
            };
            let now = cx.log(rg.tp).and_then(|l| Cursor::new(l.batches).at(o));
            let now = now.map_or("nothing".to_string(), |f| f.to_string());
            let e = format!(
                "{} offset {o} held {a} ({how}) but finally holds {now}",
                cx.name(rg.tp)
            );
            cx.push(AnomalyKind::InconsistentOffset, a, rg.tp, Some(o), e);
        }
    }
    count
}
