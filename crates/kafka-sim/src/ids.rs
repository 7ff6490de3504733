//! Identifier newtypes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A node of the simulated network: ZooKeeper, a broker, or later a client.
///
/// Node ids are dense indexes assigned by the simulation in creation order; they are not Kafka's
/// `broker.id` (see [`BrokerId`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The index of this node in the simulation's node table.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

/// Kafka's `broker.id`, as the seed's compose file gives it (1, 2, 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BrokerId(pub i32);

impl fmt::Display for BrokerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
