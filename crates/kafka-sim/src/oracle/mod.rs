//! Oracles in the manner of Jepsen: they record what clients were told and compare it with what the
//! logs finally hold, counting and explaining every anomaly.

pub mod durability;
pub mod histogram;
