//! The metrics tab: one sample per simulated second.

use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// What the simulation measured over one sampling interval (one simulated second), at its end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricSample {
    /// The end of the interval.
    pub at: SimTime,
    /// Records accepted by the producers' `send` during the interval, per second.
    pub produce_rate: f64,
    /// Records acknowledged during the interval, per second.
    pub acked_rate: f64,
    /// The 99th percentile of the send-to-outcome latency of the records completed during the
    /// interval, ms, over all producers (`None` when none completed).
    pub p99_latency_ms: Option<f64>,
    /// The summed lag of every group (high watermark minus committed offset), at the last lag sample
    /// (`None` without groups).
    pub total_lag: Option<u64>,
    /// Rebalances that started during the interval (a marker on the charts when above 0).
    pub rebalances: u64,
    /// Acknowledged records lost so far (the durability oracle's `lost` plus `wrong offset`).
    pub lost: u64,
    /// Duplicates so far: extra copies in the logs plus offsets consumers processed twice.
    pub duplicated: u64,
    /// Offsets skipped so far: committed past but never processed.
    pub skipped: u64,
}
