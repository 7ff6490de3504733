//! A scripted client node: it sends [`ClientRequest`]s when told to ([`ProbeNode::send`], through
//! `Kernel::poke`) and keeps every [`ClientResponse`] it receives, in order. Tests and demos use it to
//! talk to brokers the way a consumer would, without a consumer's logic.

use super::{ClusterMsg, ClusterNode, ClusterTimer};
use crate::group::wire::{ClientRequest, ClientResponse};
use crate::ids::NodeId;
use crate::kernel::Ctx;
use crate::time::SimTime;

/// A scripted client.
#[derive(Clone, Debug, Default)]
pub struct ProbeNode {
    next_correlation: i32,
    /// Every answer received: when, from whom, its correlation id and the response.
    pub inbox: Vec<(SimTime, NodeId, i32, ClientResponse)>,
}

impl ProbeNode {
    /// A probe with an empty inbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `request` to `to`; returns its correlation id.
    pub fn send(&mut self, to: NodeId, request: ClientRequest, ctx: &mut Ctx<'_, ClusterNode>) -> i32 {
        self.next_correlation += 1;
        let correlation_id = self.next_correlation;
        ctx.send(
            to,
            ClusterMsg::ClientRequest {
                correlation_id,
                request,
            },
        );
        correlation_id
    }

    /// The answer to request `correlation_id`, if it came.
    pub fn answer(&self, correlation_id: i32) -> Option<&ClientResponse> {
        (self.inbox.iter())
            .find(|(_, _, c, _)| *c == correlation_id)
            .map(|(_, _, _, r)| r)
    }

    pub(super) fn on_start(&mut self, _now: SimTime, _ctx: &mut Ctx<'_, ClusterNode>) {}

    pub(super) fn on_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        _ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if let ClusterMsg::ClientResponse {
            correlation_id,
            response,
        } = msg
        {
            self.inbox.push((now, from, correlation_id, response));
        }
    }

    pub(super) fn on_timer(&mut self, _now: SimTime, _timer: ClusterTimer, _ctx: &mut Ctx<'_, ClusterNode>) {}

    pub(super) fn on_crash(&mut self) {}
}
