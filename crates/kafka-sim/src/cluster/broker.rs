//! The broker node: for now, its ZooKeeper client (session, pings, registration) and its view of
//! the controller.
//!
//! The client follows ZooKeeper's Java client: it pings when idle for a third of the session
//! timeout, and if it has heard nothing from the server for two thirds of it (the read timeout) it
//! drops the connection and tries to resume the session; if the server says the session expired,
//! it opens a new one and registers again.

use super::{ClusterEvent, ClusterMsg, ClusterNode, ClusterTimer, SessionId};
use crate::ids::{BrokerId, NodeId};
use crate::kernel::Ctx;
use crate::time::SimTime;

/// Where the broker's ZooKeeper client stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZkClientState {
    /// Waiting for `ZkConnected`; `resume` is the session it is trying to resume.
    Connecting {
        /// The session being resumed, if any.
        resume: Option<SessionId>,
    },
    /// Connected with a session.
    Connected {
        /// The session.
        session: SessionId,
    },
}

/// A Kafka broker.
#[derive(Clone, Debug)]
pub struct BrokerNode {
    // Durable: configuration.
    broker_id: BrokerId,
    zookeeper: NodeId,
    session_timeout: SimTime,
    // Volatile: lost at a crash.
    zk: ZkClientState,
    last_zk_heard: SimTime,
    registered: bool,
    controller: Option<BrokerId>,
    controller_epoch: u32,
}

impl BrokerNode {
    /// A broker with `broker.id` = `broker_id`, whose ZooKeeper is node `zookeeper`, with the given
    /// `zookeeper.session.timeout.ms`.
    pub fn new(broker_id: BrokerId, zookeeper: NodeId, session_timeout: SimTime) -> Self {
        BrokerNode {
            broker_id,
            zookeeper,
            session_timeout,
            zk: ZkClientState::Connecting { resume: None },
            last_zk_heard: SimTime::ZERO,
            registered: false,
            controller: None,
            controller_epoch: 0,
        }
    }

    /// Kafka's `broker.id`.
    pub fn broker_id(&self) -> BrokerId {
        self.broker_id
    }

    /// `zookeeper.session.timeout.ms`.
    pub fn session_timeout(&self) -> SimTime {
        self.session_timeout
    }

    /// How often the client pings: a third of the session timeout.
    pub fn ping_interval(&self) -> SimTime {
        SimTime(self.session_timeout.as_micros() / 3)
    }

    /// How long the client waits without hearing from ZooKeeper before reconnecting: two thirds of
    /// the session timeout.
    pub fn read_timeout(&self) -> SimTime {
        SimTime(self.session_timeout.as_micros() / 3 * 2)
    }

    /// The ZooKeeper client's state.
    pub fn zk_state(&self) -> ZkClientState {
        self.zk
    }

    /// Whether the broker believes it is registered.
    pub fn believes_registered(&self) -> bool {
        self.registered
    }

    /// The controller as this broker last heard it, with its epoch.
    pub fn known_controller(&self) -> (Option<BrokerId>, u32) {
        (self.controller, self.controller_epoch)
    }

    fn connect(&mut self, resume: Option<SessionId>, ctx: &mut Ctx<'_, ClusterNode>) {
        self.zk = ZkClientState::Connecting { resume };
        let msg = ClusterMsg::ZkConnect {
            broker_id: self.broker_id,
            session_timeout: self.session_timeout,
            resume,
        };
        ctx.send(self.zookeeper, msg);
    }

    fn register(&mut self, session: SessionId, ctx: &mut Ctx<'_, ClusterNode>) {
        ctx.send(
            self.zookeeper,
            ClusterMsg::ZkRegisterBroker {
                session,
                broker_id: self.broker_id,
            },
        );
    }

    fn learn_controller(&mut self, controller: Option<BrokerId>, epoch: u32) {
        if epoch >= self.controller_epoch {
            self.controller = controller;
            self.controller_epoch = epoch;
        }
    }

    pub(super) fn on_start(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        self.last_zk_heard = now;
        self.connect(None, ctx);
        ctx.set_timer(self.ping_interval(), ClusterTimer::ZkClientTick);
    }

    pub(super) fn on_crash(&mut self) {
        self.zk = ZkClientState::Connecting { resume: None };
        self.registered = false;
        self.controller = None;
        self.controller_epoch = 0;
    }

    pub(super) fn on_message(
        &mut self,
        now: SimTime,
        from: NodeId,
        msg: ClusterMsg,
        ctx: &mut Ctx<'_, ClusterNode>,
    ) {
        if from != self.zookeeper {
            return;
        }
        self.last_zk_heard = now;
        match msg {
            ClusterMsg::ZkConnected { session } => {
                let resumed = match self.zk {
                    ZkClientState::Connecting { resume } => resume == Some(session),
                    ZkClientState::Connected { session: current } => current == session,
                };
                if !resumed {
                    self.registered = false;
                }
                self.zk = ZkClientState::Connected { session };
                if !self.registered {
                    self.register(session, ctx);
                }
            }
            ClusterMsg::ZkSessionExpired { session } => {
                let ours = match self.zk {
                    ZkClientState::Connecting { resume } => resume == Some(session),
                    ZkClientState::Connected { session: current } => current == session,
                };
                if ours {
                    self.registered = false;
                    ctx.record(ClusterEvent::ZkSessionLost {
                        broker_id: self.broker_id,
                    });
                    self.connect(None, ctx);
                }
            }
            ClusterMsg::ZkRegistered {
                ok,
                controller,
                epoch,
            } => {
                self.registered = ok;
                self.learn_controller(controller, epoch);
            }
            ClusterMsg::ControllerChanged { controller, epoch } => self.learn_controller(controller, epoch),
            ClusterMsg::ZkPong { .. }
            | ClusterMsg::ZkConnect { .. }
            | ClusterMsg::ZkPing { .. }
            | ClusterMsg::ZkRegisterBroker { .. } => {}
        }
    }

    pub(super) fn on_timer(&mut self, now: SimTime, timer: ClusterTimer, ctx: &mut Ctx<'_, ClusterNode>) {
        match timer {
            ClusterTimer::ZkClientTick => {
                match self.zk {
                    ZkClientState::Connecting { resume } => self.connect(resume, ctx),
                    ZkClientState::Connected { session } => {
                        if now - self.last_zk_heard >= self.read_timeout() {
                            ctx.record(ClusterEvent::ZkConnectionLost {
                                broker_id: self.broker_id,
                            });
                            self.connect(Some(session), ctx);
                        } else {
                            ctx.send(self.zookeeper, ClusterMsg::ZkPing { session });
                            if !self.registered {
                                self.register(session, ctx);
                            }
                        }
                    }
                }
                ctx.set_timer(self.ping_interval(), ClusterTimer::ZkClientTick);
            }
            ClusterTimer::ZkSessionCheck { .. } => {}
        }
    }
}
