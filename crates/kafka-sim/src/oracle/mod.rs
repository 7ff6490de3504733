//! Oracles in the manner of Jepsen: they record what clients were told and compare it with what the
//! logs finally hold, counting and explaining every anomaly.

pub mod delivery;
mod delivery_ranges;
pub mod durability;
pub mod histogram;
