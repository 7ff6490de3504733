//! The view facts a `group`, `producer` or `partition` check compares.

use super::condition::{GroupFacts, Leaf, PartitionFacts, ProducerFacts, split_partition};
use crate::view::{ConsumerConfigView, ProducerConfigView, SimView};
use serde_json::Value;

/// Whether the view shows what `leaf` asks (false for the other kinds of leaf).
pub(super) fn view_matches(leaf: &Leaf, view: &SimView) -> bool {
    match leaf {
        Leaf::Group(g) => group(g, view),
        Leaf::Producer(p) => producer(p, view),
        Leaf::Partition(p) => partition(p, view),
        _ => false,
    }
}

fn at_least<T: PartialOrd>(want: Option<T>, got: T) -> bool {
    want.is_none_or(|w| got >= w)
}

fn group(f: &GroupFacts, view: &SimView) -> bool {
    let Some(g) = view.groups.iter().find(|g| g.group_id == f.group) else {
        return false;
    };
    let running: Vec<_> = (g.members.iter()).filter(|m| m.up && m.generation >= 0).collect();
    let mut owners: Vec<&str> = (g.partitions.iter()).filter_map(|p| p.owner.as_deref()).collect();
    owners.sort_unstable();
    owners.dedup();
    let lag: u64 = g.partitions.iter().map(|p| p.lag).sum();
    let committed: i64 = g.partitions.iter().filter_map(|p| p.committed).sum();
    let option_ok = match (&f.option, &f.value) {
        (Some(o), Some(v)) => {
            !running.is_empty()
                && (running.iter()).all(|m| {
                    m.config
                        .as_ref()
                        .is_some_and(|c| consumer_option(c, o).as_deref() == Some(v))
                })
        }
        _ => true,
    };
    f.state.as_ref().is_none_or(|s| g.state.as_ref() == Some(s))
        && f.members.is_none_or(|n| running.len() == n as usize)
        && f.owners.is_none_or(|n| owners.len() == n as usize)
        && f.lag_at_most.is_none_or(|n| lag <= n)
        && at_least(f.committed_at_least, committed)
        && at_least(f.rebalances_at_least, g.rebalances)
        && option_ok
}

/// A member's option value as a `.properties` file would give it.
fn consumer_option(c: &ConsumerConfigView, name: &str) -> Option<String> {
    Some(match name {
        "group.id" => c.group_id.clone(),
        "max.poll.records" => c.max_poll_records.to_string(),
        "enable.auto.commit" => c.enable_auto_commit.to_string(),
        "auto.commit.interval.ms" => c.auto_commit_interval_ms.to_string(),
        "heartbeat.interval.ms" => c.heartbeat_interval_ms.to_string(),
        "session.timeout.ms" => c.session_timeout_ms.to_string(),
        "max.poll.interval.ms" => c.max_poll_interval_ms.to_string(),
        "auto.offset.reset" => c.auto_offset_reset.clone(),
        "partition.assignment.strategy" => c.partition_assignment_strategy.join(","),
        "key.deserializer" => c.key_deserializer.clone(),
        "value.deserializer" => c.value_deserializer.clone(),
        _ => return None,
    })
}

/// A producer's option value as a `.properties` file would give it (`acks` as `0`, `1` or `all`).
fn producer_option(c: &ProducerConfigView, name: &str) -> Option<String> {
    Some(match name {
        "acks" => c.acks.clone(),
        "linger.ms" => c.linger_ms.to_string(),
        "retries" => c.retries.to_string(),
        "key.serializer" => c.key_serializer.clone(),
        "value.serializer" => c.value_serializer.clone(),
        "batch.size" => c.batch_size.to_string(),
        "enable.idempotence" => c.enable_idempotence.to_string(),
        "max.in.flight.requests.per.connection" => c.max_in_flight_requests_per_connection.to_string(),
        "request.timeout.ms" => c.request_timeout_ms.to_string(),
        "delivery.timeout.ms" => c.delivery_timeout_ms.to_string(),
        "retry.backoff.ms" => c.retry_backoff_ms.to_string(),
        "compression.type" => c.compression_type.clone(),
        _ => return None,
    })
}

fn producer(f: &ProducerFacts, view: &SimView) -> bool {
    let Some(p) = view.producers.iter().find(|p| p.name == f.producer) else {
        return false;
    };
    let option_ok = match (&f.option, &f.value) {
        (Some(o), Some(v)) => {
            let want = if o == "acks" && v == "-1" {
                "all"
            } else {
                v.as_str()
            };
            producer_option(&p.config, o).as_deref() == Some(want)
        }
        _ => true,
    };
    option_ok
        && at_least(f.acked_at_least, p.stats.acked)
        && at_least(f.failed_at_least, p.stats.failed)
        && at_least(f.retries_at_least, p.stats.retries)
        && f.error
            .as_ref()
            .is_none_or(|e| p.stats.errors.iter().any(|(n, c)| n == e && *c > 0))
}

fn partition(f: &PartitionFacts, view: &SimView) -> bool {
    let Some((topic, n)) = split_partition(&f.partition) else {
        return false;
    };
    let Some(p) = view.partition(topic, n) else {
        return false;
    };
    let leader_ok = match &f.leader {
        None => true,
        Some(Value::String(s)) => s == "none" && p.leader.is_none(),
        Some(Value::Number(b)) => p.leader.is_some_and(|l| Some(i64::from(l.0)) == b.as_i64()),
        Some(_) => false,
    };
    leader_ok && f.isr_size.is_none_or(|n| p.isr.len() == n) && f.isr_at_most.is_none_or(|n| p.isr.len() <= n)
}
