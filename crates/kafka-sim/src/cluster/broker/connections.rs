//! Client connections as the broker's `SocketServer` handles them: one request per connection at a
//! time.
//!
//! Kafka's network `Processor` mutes a channel as soon as it has read a request from it
//! (`processCompletedReceives`: `selector.mute(connectionId)`, `ChannelMuteEvent.REQUEST_RECEIVED`)
//! and unmutes it only once that request's response has been written (`processCompletedSends`,
//! `RESPONSE_SENT`), or at once for a request without a response (acks=0). A client may pipeline up
//! to `max.in.flight.requests.per.connection` requests, but the later ones wait in the socket
//! buffer: the broker handles them one by one and the responses go back in request order, even
//! when an acks=all produce waits in the purgatory for the followers or a fetch waits for data.
//!
//! Here a client connection is keyed by its source node: a producer's Produce, InitProducerId and
//! Metadata requests, and a consumer's Fetch, ListOffsets and FindCoordinator requests. A
//! consumer's group requests travel on its separate coordinator connection (the client connects
//! to the coordinator under its own node id, `Integer.MAX_VALUE - id`) and a follower's replica
//! fetcher sends one Fetch and blocks for its answer (`sendAndReceive`), so neither is queued here.
//! The queue is volatile: a crash of the broker, or of the client (its connection is reset), drops it.

use super::BrokerNode;
use crate::cluster::{ClusterMsg, ClusterNode};
use crate::group::coordinator::ReplyTo;
use crate::group::wire::ClientRequest;
use crate::ids::NodeId;
use crate::kernel::Ctx;
use crate::time::SimTime;
use std::collections::{BTreeMap, VecDeque};

/// The request a connection is muted for, while its answer is held back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Held {
    /// An acks=1/-1 produce, parked as a `DelayedProduce`.
    Produce { correlation_id: i32 },
    /// A consumer fetch held for `fetch.min.bytes`.
    ConsumerFetch { correlation_id: i32 },
}

/// One client connection: the request being handled, and the ones read after it.
#[derive(Clone, Debug, Default)]
struct Connection {
    held: Option<Held>,
    queued: VecDeque<ClusterMsg>,
}

/// The broker's client connections, by client node.
#[derive(Clone, Debug, Default)]
pub(crate) struct Connections {
    by_client: BTreeMap<NodeId, Connection>,
    /// How many requests are queued, over every connection.
    queued: usize,
}

impl Connections {
    /// A crash of the broker resets every connection.
    pub(crate) fn on_crash(&mut self) {
        self.by_client.clear();
        self.queued = 0;
    }
}

/// Whether `msg` travels on a client's (non-coordinator) connection, and is answered in order.
fn on_client_connection(msg: &ClusterMsg) -> bool {
    match msg {
        ClusterMsg::Produce { .. } | ClusterMsg::InitProducerId | ClusterMsg::MetadataRequest => true,
        ClusterMsg::ClientRequest { request, .. } => matches!(
            request,
            ClientRequest::Fetch { .. }
                | ClientRequest::ListOffsets { .. }
                | ClientRequest::FindCoordinator { .. }
        ),
        _ => false,
    }
}

/// What to look for after handling `msg` to learn whether its answer is held back.
fn held_for(msg: &ClusterMsg) -> Option<Held> {
    match msg {
        ClusterMsg::Produce {
            correlation_id, acks, ..
        } if *acks != 0 => Some(Held::Produce {
            correlation_id: *correlation_id,
        }),
        ClusterMsg::ClientRequest {
            correlation_id,
            request: ClientRequest::Fetch { .. },
        } => Some(Held::ConsumerFetch {
            correlation_id: *correlation_id,
        }),
        _ => None,
    }
}

impl BrokerNode {
    /// A client request from `from`: handled now if its connection is idle, else queued behind the
    /// request being handled. Returns `msg` back when it is not a client-connection request.
    pub(super) fn receive_on_connection(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) -> Option<ClusterMsg> {
        if !on_client_connection(&msg) {
            return Some(msg);
        }
        let busy = (self.connections.by_client.get(&from))
            .is_some_and(|c| !c.queued.is_empty() || c.held.is_some_and(|h| self.still_held(from, h)));
        match self.connections.by_client.get_mut(&from) {
            Some(conn) if busy => {
                conn.queued.push_back(msg);
                self.connections.queued += 1;
            }
            _ => self.handle_on_connection(now, from, msg, ctx),
        }
        None
    }

    /// Handles one client request and mutes its connection if the answer is held back.
    fn handle_on_connection(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        let held = held_for(&msg);
        self.handle_client_request(now, from, msg, ctx);
        let held = held.filter(|h| self.still_held(from, *h));
        match self.connections.by_client.get_mut(&from) {
            Some(conn) if held.is_none() && conn.queued.is_empty() => {
                self.connections.by_client.remove(&from);
            }
            Some(conn) => conn.held = held,
            None if held.is_some() => {
                let conn = Connection {
                    held,
                    queued: VecDeque::new(),
                };
                self.connections.by_client.insert(from, conn);
            }
            None => {}
        }
    }

    /// Whether the answer to the request `held` from `client` is still held back.
    fn still_held(&self, client: NodeId, held: Held) -> bool {
        match held {
            Held::Produce { correlation_id } => self.produce.holds(client, correlation_id),
            Held::ConsumerFetch { correlation_id } => self.groups.fetches.holds(ReplyTo {
                node: client,
                correlation_id,
            }),
        }
    }

    /// `processCompletedSends`: unmutes each connection whose held request has been answered and
    /// handles the requests queued on it, in order, until one is held back again. Called after
    /// every message and timer.
    pub(super) fn pump_connections(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        // Handling a queued request may answer a request held on another connection (an append
        // moving a high watermark): go round until nothing moves.
        let mut progress = true;
        while progress && self.connections.queued > 0 {
            progress = false;
            let clients: Vec<NodeId> = (self.connections.by_client.iter())
                .filter(|(_, c)| !c.queued.is_empty())
                .map(|(client, _)| *client)
                .collect();
            for client in clients {
                let Some(conn) = self.connections.by_client.get(&client) else {
                    continue;
                };
                if conn.held.is_some_and(|h| self.still_held(client, h)) {
                    continue;
                }
                let Some(conn) = self.connections.by_client.get_mut(&client) else {
                    continue;
                };
                conn.held = None;
                if let Some(msg) = conn.queued.pop_front() {
                    self.connections.queued -= 1;
                    progress = true;
                    self.handle_on_connection(now, client, msg, ctx);
                }
            }
        }
    }

    /// A request read from a client connection (see `connections`).
    fn handle_client_request(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        match msg {
            ClusterMsg::Produce {
                correlation_id,
                acks,
                timeout_ms,
                partitions,
            } => {
                self.on_produce(now, from, correlation_id, acks, timeout_ms, partitions, ctx);
                // A lone replica's HW moves on the append itself: held consumer fetches may be done.
                self.wake_consumer_fetches(now, ctx);
            }
            ClusterMsg::InitProducerId => self.on_init_producer_id(from, ctx),
            ClusterMsg::MetadataRequest => self.on_metadata_request(from, ctx),
            ClusterMsg::ClientRequest {
                correlation_id,
                request,
            } => self.on_client_request(now, from, correlation_id, request, ctx),
            _ => {}
        }
    }

    /// `client`'s connection was reset (its process died): what was read from it is dropped.
    pub(crate) fn on_peer_down(&mut self, peer: NodeId) {
        if let Some(conn) = self.connections.by_client.remove(&peer) {
            self.connections.queued -= conn.queued.len();
        }
    }
}
