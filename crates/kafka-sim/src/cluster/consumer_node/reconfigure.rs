//! Restarting a member with a new setup, as an application restarts its `KafkaConsumer` when its
//! properties change: `close()` (finish the batch, commit in auto-commit mode, LeaveGroup for a
//! dynamic member), then a new client with the new configuration subscribes and joins again.

use super::{ClusterEvent, ClusterNode, ConsumerNode};
use crate::group::consumer::{ConsumerSetup, Lifecycle};
use crate::kernel::Ctx;
use crate::time::SimTime;

impl ConsumerNode {
    /// Restarts the member with `setup`: a running member closes first and starts again once
    /// closed; a closed or crashed one keeps the setup for its restart.
    pub fn restart_with(&mut self, now: SimTime, setup: ConsumerSetup, ctx: &mut Ctx<'_, ClusterNode>) {
        match self.consumer.lifecycle() {
            Lifecycle::Running | Lifecycle::Closing => {
                self.pending_setup = Some(Box::new(setup));
                self.close(now, ctx);
            }
            // A closed (or crashed) member stays down; it starts with the new setup when restarted.
            Lifecycle::Closed | Lifecycle::New | Lifecycle::Crashed => {
                self.consumer.replace_setup(setup);
            }
        }
    }

    /// Gives a member whose node is down (crashed) the setup it restarts with.
    pub fn set_setup_while_down(&mut self, setup: ConsumerSetup) {
        self.consumer.replace_setup(setup);
    }

    /// The setup in effect once any restart in progress completes.
    pub fn next_setup(&self) -> &ConsumerSetup {
        self.pending_setup.as_deref().unwrap_or(self.consumer.setup())
    }

    /// Whether a restart with a new setup waits for `close()` to finish.
    pub fn is_restarting(&self) -> bool {
        self.pending_setup.is_some()
    }

    /// Starts the new client once the old one has closed.
    pub(super) fn start_pending(&mut self, now: SimTime, ctx: &mut Ctx<'_, ClusterNode>) {
        let Some(setup) = self.pending_setup.take() else {
            return;
        };
        if !self.consumer.replace_setup(*setup) {
            return;
        }
        ctx.record(ClusterEvent::Consumer {
            member: self.member(),
            level: "INFO",
            message: "The application restarted the consumer with its new configuration".into(),
        });
        self.armed = None;
        self.generation += 1;
        self.consumer.start(now, ctx.rng());
        self.flush(now, ctx);
    }
}
