//! Evaluating a step's condition against the session, incrementally: events and actions are
//! scanned once each, the anomalies at most once per simulated second.

use super::action::resolve;
use super::condition::{
    ActionFilter, AnomalyCount, Condition, EventFilter, EventName, Leaf, RemovalCauseName, split_partition,
};
use crate::ids::BrokerId;
use crate::session::{Command, Session};
use crate::time::SimTime;
use crate::view::{Actor, Narration, RemovalCause, SimView};
use serde_json::Value;

/// The anomalies are recomputed at most this often (simulated time).
const ANOMALY_PERIOD: SimTime = SimTime::from_secs(1);

/// How many events one check reads at most (the rest wait for the next check).
const EVENTS_PER_CHECK: u64 = 20_000;

/// The anomaly counts: lost, duplicates, reordered, unconfirmed lost; then per group (in panel
/// order) its id, skipped and processed twice.
type AnomalyCounts = ([u64; 4], Vec<(String, u64, u64)>);

/// Per leaf, the broker list an `action` leaf's selector named when a command was applied.
pub(super) type Resolution = Vec<Option<Vec<BrokerId>>>;

/// What a step's checks have seen so far.
#[derive(Clone, Debug, Default)]
pub(super) struct Eval {
    /// Per leaf: matching events seen (event leaves), or 1 once a matching action was seen.
    hits: Vec<u64>,
    /// The next event sequence number to read.
    event_cursor: u64,
    /// The next action-log index to read.
    action_cursor: usize,
    /// The last anomaly counts and when they were taken.
    anomalies: Option<(SimTime, AnomalyCounts)>,
}

/// The selectors of `leaves`' action checks resolved in `view`.
pub(super) fn resolution(leaves: &[&Leaf], view: &SimView) -> Resolution {
    (leaves.iter())
        .map(|l| match l {
            Leaf::Action(ActionFilter { broker: Some(t), .. }) => Some(resolve(t, view).unwrap_or_default()),
            _ => None,
        })
        .collect()
}

impl Eval {
    /// A fresh state for a step whose events start at `event_seq` and actions at `action_index`.
    pub(super) fn new(leaves: usize, event_seq: u64, action_index: usize) -> Eval {
        Eval {
            hits: vec![0; leaves],
            event_cursor: event_seq,
            action_cursor: action_index,
            anomalies: None,
        }
    }

    /// Reads the actions applied since the last check: `resolved` gives, by log index, the
    /// selectors as resolved when the command was applied; others are resolved now.
    pub(super) fn read_actions(
        &mut self,
        leaves: &[&Leaf],
        session: &Session,
        resolved: &[(usize, Resolution)],
        view: &mut Option<SimView>,
    ) {
        let applied = session.applied();
        while self.action_cursor < applied {
            let i = self.action_cursor;
            self.action_cursor += 1;
            let Some(logged) = session.log().get(i) else { break };
            let res = match resolved.iter().find(|(j, _)| *j == i) {
                Some((_, r)) => r.clone(),
                None => resolution(leaves, view.get_or_insert_with(|| session.sim().view())),
            };
            for (k, leaf) in leaves.iter().enumerate() {
                if let Leaf::Action(f) = leaf
                    && action_matches(f, &logged.command, res.get(k).and_then(Option::as_ref))
                {
                    self.hits[k] = 1;
                }
            }
        }
    }

    /// Reads the events logged since the last check.
    pub(super) fn read_events(&mut self, leaves: &[&Leaf], session: &Session) {
        if !leaves.iter().any(|l| matches!(l, Leaf::Event(_))) {
            return;
        }
        let sim = session.sim();
        let end = sim
            .event_log_bounds()
            .end
            .min(self.event_cursor + EVENTS_PER_CHECK);
        for e in sim.event_log_range(self.event_cursor..end) {
            for (k, leaf) in leaves.iter().enumerate() {
                if let Leaf::Event(f) = leaf
                    && event_matches(f, &e.narration)
                {
                    self.hits[k] += 1;
                }
            }
        }
        self.event_cursor = self.event_cursor.max(end);
    }

    /// Evaluates `c`; `start` is when the step started.
    pub(super) fn evaluate(
        &mut self,
        c: &Condition,
        session: &mut Session,
        start: SimTime,
        shell: &[String],
        view: &mut Option<SimView>,
    ) -> bool {
        let mut idx = 0usize;
        self.eval(c, &mut idx, session, start, shell, view)
    }

    fn eval(
        &mut self,
        c: &Condition,
        idx: &mut usize,
        session: &mut Session,
        start: SimTime,
        shell: &[String],
        view: &mut Option<SimView>,
    ) -> bool {
        match c {
            // Every leaf is visited (no short cut), so the leaf indices stay aligned.
            Condition::All(v) | Condition::Any(v) => {
                let parts: Vec<bool> = (v.iter())
                    .map(|c| self.eval(c, idx, session, start, shell, view))
                    .collect();
                if matches!(c, Condition::All(_)) {
                    parts.iter().all(|x| *x)
                } else {
                    parts.iter().any(|x| *x)
                }
            }
            Condition::Leaf(leaf) => {
                let k = *idx;
                *idx += 1;
                let hits = self.hits.get(k).copied().unwrap_or(0);
                match leaf {
                    Leaf::Action(_) => hits > 0,
                    Leaf::Event(f) => hits >= f.at_least.unwrap_or(1).max(1),
                    Leaf::Elapsed(t) => session.now().saturating_sub(start) >= *t,
                    Leaf::Shell(p) => shell.iter().any(|l| shell_matches(p, l)),
                    Leaf::Anomaly {
                        count,
                        at_least,
                        group,
                    } => self.anomaly(session, *count, group.as_deref()) >= *at_least,
                    Leaf::Group(_) | Leaf::Producer(_) | Leaf::Partition(_) => {
                        let v = view.get_or_insert_with(|| session.sim().view());
                        super::facts::view_matches(leaf, v)
                    }
                }
            }
        }
    }

    fn anomaly(&mut self, session: &mut Session, count: AnomalyCount, group: Option<&str>) -> u64 {
        let now = session.now();
        let fresh = self
            .anomalies
            .as_ref()
            .filter(|(at, _)| *at <= now && now < *at + ANOMALY_PERIOD);
        let counts = match fresh {
            Some((_, c)) => c.clone(),
            None => {
                let a = session.sim_mut().anomalies();
                let groups = (a.groups.iter())
                    .map(|g| (g.group_id.clone(), g.skipped, g.processed_twice))
                    .collect();
                let c = ([a.lost, a.duplicates, a.reordered, a.unconfirmed_lost], groups);
                self.anomalies = Some((now, c.clone()));
                c
            }
        };
        let (records, groups) = counts;
        let per_group = |f: fn(&(String, u64, u64)) -> u64| {
            (groups.iter())
                .filter(|g| group.is_none_or(|want| g.0 == want))
                .map(f)
                .sum::<u64>()
        };
        match count {
            AnomalyCount::Lost => records[0],
            AnomalyCount::Duplicates => records[1],
            AnomalyCount::Reordered => records[2],
            AnomalyCount::UnconfirmedLost => records[3],
            AnomalyCount::Skipped => per_group(|g| g.1),
            AnomalyCount::ProcessedTwice => per_group(|g| g.2),
        }
    }
}

fn action_matches(f: &ActionFilter, c: &Command, brokers: Option<&Vec<BrokerId>>) -> bool {
    if c.name() != f.command {
        return false;
    }
    let json = serde_json::to_value(c).unwrap_or(Value::Null);
    if f.broker.is_some() {
        let b = json.get("broker").and_then(Value::as_i64);
        if !b.is_some_and(|b| brokers.is_some_and(|l| l.iter().any(|x| i64::from(x.0) == b))) {
            return false;
        }
    }
    (f.fields.iter()).all(|(k, want)| {
        json.get(k).is_some_and(|got| {
            got == want || matches!((got, want), (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) if n.to_string() == *s)
        })
    })
}

/// Normalizes a typed line: runs of whitespace as one space, `.sh` off the command word.
pub(super) fn normalize_line(line: &str) -> String {
    let mut words = line.split_whitespace();
    let mut out = String::new();
    if let Some(first) = words.next() {
        out.push_str(first.strip_suffix(".sh").unwrap_or(first));
    }
    for w in words {
        out.push(' ');
        out.push_str(w);
    }
    out
}

/// Whether `line` matches the glob `pattern` (`*`: any text), both normalized.
pub(super) fn shell_matches(pattern: &str, line: &str) -> bool {
    let p = normalize_line(pattern);
    let l = normalize_line(line);
    let parts: Vec<&str> = p.split('*').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    if parts.len() == 1 {
        return p == l;
    }
    if !l.starts_with(first.trim_end()) {
        return false;
    }
    let mut rest = &l[first.trim_end().len()..];
    for mid in &parts[1..parts.len() - 1] {
        let m = mid.trim();
        if m.is_empty() {
            continue;
        }
        match rest.find(m) {
            Some(i) => rest = &rest[i + m.len()..],
            None => return false,
        }
    }
    rest.ends_with(last.trim_start())
}

fn actor_name(a: &Actor) -> (Option<i32>, Option<&str>, Option<&str>) {
    match a {
        Actor::Broker(b) => (Some(b.0), None, None),
        Actor::Member(m) => (None, Some(m.as_str()), None),
        Actor::Producer(p) => (None, None, Some(p.as_str())),
        Actor::ZooKeeper => (None, None, None),
    }
}

fn event_matches(f: &EventFilter, n: &Narration) -> bool {
    use Narration as N;
    let opt =
        |want: &Option<String>, got: Option<&str>| want.as_ref().is_none_or(|w| got == Some(w.as_str()));
    let num = |want: Option<i32>, got: Option<i32>| want.is_none_or(|w| got == Some(w));
    let text = |got: &str| f.contains.as_ref().is_none_or(|w| got.contains(w.as_str()));
    let node = |a: &Actor| {
        let (b, m, p) = actor_name(a);
        num(f.broker, b) && opt(&f.member, m) && opt(&f.producer, p)
    };
    let moves = |moved: &[crate::view::LeaderMove]| {
        f.unclean != Some(true)
            && (moved.iter()).any(|m| {
                m.leader.is_some()
                    && opt(&f.partition, Some(&m.partition))
                    && num(f.broker, m.leader.map(|b| b.0))
            })
    };
    match (f.event, n) {
        (EventName::Crashed, N::Crashed { node: a })
        | (EventName::Restarted, N::Restarted { node: a })
        | (EventName::Isolated, N::Isolated { node: a }) => node(a),
        (EventName::LinkCut, N::LinkCut { .. })
        | (EventName::LinkSlowed, N::LinkSlowed { .. })
        | (EventName::LinkDropping, N::LinkDropping { .. })
        | (EventName::NetworkHealed, N::NetworkHealed)
        | (EventName::ControllerChanged, N::ControllerChanged { .. }) => true,
        (EventName::BrokerSessionExpired, N::BrokerSessionExpired { broker, .. })
        | (EventName::BrokerShutDown, N::BrokerShutDown { broker, .. })
        | (EventName::BrokerRegistered, N::BrokerRegistered { broker }) => num(f.broker, Some(broker.0)),
        (EventName::TopicCreated, N::TopicCreated { topic, .. }) => f
            .partition
            .as_ref()
            .is_none_or(|p| split_partition(p).is_some_and(|(t, _)| t == topic)),
        (
            EventName::LeaderElected,
            N::LeaderElected {
                partition,
                leader,
                unclean,
                ..
            },
        ) => {
            opt(&f.partition, Some(partition))
                && leader.is_some()
                && num(f.broker, leader.map(|b| b.0))
                && f.unclean.is_none_or(|u| u == *unclean)
        }
        (
            EventName::LeaderElected,
            N::BrokerSessionExpired { moved, .. } | N::BrokerShutDown { moved, .. },
        ) => moves(moved),
        (EventName::IsrShrunk, N::IsrShrunk { partition, .. })
        | (EventName::IsrExpanded, N::IsrExpanded { partition, .. }) => opt(&f.partition, Some(partition)),
        (
            EventName::Truncated,
            N::Truncated {
                broker, partition, ..
            },
        ) => opt(&f.partition, Some(partition)) && num(f.broker, Some(broker.0)),
        (
            EventName::ProducerFailed,
            N::ProducerFailed {
                producer,
                partition,
                error,
                ..
            },
        ) => {
            opt(&f.producer, Some(producer))
                && opt(&f.partition, Some(partition))
                && opt(&f.error, Some(error))
        }
        (EventName::ProducerRestarted, N::ProducerRestarted { producer, .. }) => {
            opt(&f.producer, Some(producer))
        }
        (EventName::MemberAdded, N::MemberAdded { member })
        | (EventName::MemberClosed, N::MemberClosed { member })
        | (EventName::MemberPaused, N::MemberPaused { member, .. })
        | (EventName::PollTimeout, N::PollTimeout { member, .. }) => opt(&f.member, Some(member)),
        (EventName::MemberJoined, N::MemberJoined { group, member }) => {
            opt(&f.group, Some(group)) && opt(&f.member, Some(member))
        }
        (
            EventName::MemberRemoved,
            N::MemberRemoved {
                group, member, cause, ..
            },
        ) => {
            opt(&f.group, Some(group))
                && opt(&f.member, Some(member))
                && f.cause.is_none_or(|c| cause_is(c, *cause))
        }
        (EventName::RebalanceStarted, N::RebalanceStarted { group, .. })
        | (EventName::RebalanceCompleted, N::RebalanceCompleted { group, .. }) => opt(&f.group, Some(group)),
        (EventName::CoordinatorLoaded, N::CoordinatorLoaded { broker, .. }) => num(f.broker, Some(broker.0)),
        (EventName::CommitFailed, N::CommitFailed { member, message }) => {
            opt(&f.member, Some(member)) && text(message)
        }
        (EventName::ConsumerLog, N::ConsumerLog { member, message, .. }) => {
            opt(&f.member, Some(member)) && text(message)
        }
        (EventName::PoisonRecord, N::ConsumerLog { member, message, .. }) => {
            message.contains("RecordDeserializationException")
                && opt(&f.member, Some(member))
                && text(message)
        }
        _ => false,
    }
}

fn cause_is(want: RemovalCauseName, got: RemovalCause) -> bool {
    matches!(
        (want, got),
        (RemovalCauseName::SessionTimeout, RemovalCause::SessionTimeout)
            | (RemovalCauseName::Leave, RemovalCause::Leave)
            | (RemovalCauseName::PendingSync, RemovalCause::PendingSync)
            | (RemovalCauseName::DidNotRejoin, RemovalCause::DidNotRejoin)
            | (RemovalCauseName::Other, RemovalCause::Other)
    )
}
