//! Changes to what the applications do rather than how their clients are configured: a producer's
//! load (send rate and key pattern) and a consumer group's commit mode. Both are application code,
//! so as with a property change the application restarts its client: the producer closes (draining)
//! and a new one sends at the new load; the members close (commit, LeaveGroup) and join again
//! committing the new way (`enable.auto.commit` follows the mode).

use super::{RuntimeError, bad_config, with_property};
use crate::cluster::ClusterNode;
use crate::config::ConsumerConfig;
use crate::group::consumer::CommitMode;
use crate::ids::NodeId;
use crate::scenario::{self, KeyTemplate, MAX_RATE};
use crate::sim::Simulation;
use crate::view::Narration;

/// The new load of a producer: either part may stay as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadChange<'a> {
    /// Records per simulated second, `0 < rate <= MAX_RATE`.
    pub rate: Option<f64>,
    /// The key pattern, as a scenario's `keys` (`reserve-{n}`, or `none` for null keys).
    pub keys: Option<&'a str>,
}

/// The scenario's name of a commit mode (`auto`, `manual`, `before`).
fn mode_name(mode: CommitMode) -> &'static str {
    match mode {
        CommitMode::Auto => "auto",
        CommitMode::ManualAfterProcessing => "manual",
        CommitMode::BeforeProcessing => "before",
    }
}

/// Checks a send rate as a scenario file's `rate` is checked.
pub fn check_rate(rate: f64) -> Result<f64, RuntimeError> {
    if rate.is_finite() && rate > 0.0 && rate <= MAX_RATE {
        Ok(rate)
    } else {
        Err(RuntimeError::Config(format!(
            "Invalid send rate {rate}: must be greater than 0 and at most {MAX_RATE} records per second"
        )))
    }
}

impl Simulation {
    /// Changes producer `producer`'s load (send rate, key pattern) and restarts it, as an
    /// application restarts with new code or settings. Nothing changes on a refusal.
    pub fn set_producer_load(&mut self, producer: &str, change: LoadChange<'_>) -> Result<(), RuntimeError> {
        let (_, id) = self.producer_slot(producer)?;
        if change.rate.is_none() && change.keys.is_none() {
            return Err(RuntimeError::Config(
                "A load change needs a send rate or a key pattern".into(),
            ));
        }
        let rate = change.rate.map(check_rate).transpose()?;
        let keys = (change.keys)
            .map(|k| {
                KeyTemplate::parse(k).map_err(|e| RuntimeError::Config(format!("Invalid key pattern: {e}")))
            })
            .transpose()?;
        let Some((rate_now, keys_now)) = (self.kernel.node(id).and_then(ClusterNode::as_producer))
            .map(|p| (p.next_load().0, p.next_load().1.clone()))
        else {
            return Err(RuntimeError::UnknownProducer(producer.to_string()));
        };
        let rate = rate.unwrap_or(rate_now);
        let keys = keys.unwrap_or(keys_now);
        let mut changes = Vec::new();
        if change.rate.is_some() {
            changes.push(("rate".to_string(), format!("{rate} records/s")));
        }
        if change.keys.is_some() {
            changes.push(("keys".to_string(), keys.to_string()));
        }
        self.noting(|sim| {
            sim.kernel.poke(id, |n, now, ctx| {
                if let ClusterNode::Producer(p) = n {
                    p.restart_with_load(now, rate, keys, ctx);
                }
            })
        });
        self.log_event(Narration::ProducerRestarted {
            producer: producer.to_string(),
            changes,
        });
        Ok(())
    }

    /// Changes group `group`'s commit mode: every member (and every later one) restarts committing
    /// that way, with `enable.auto.commit` set to match. Nothing changes on a refusal.
    pub fn set_group_commit_mode(
        &mut self,
        group: &str,
        mode: scenario::CommitMode,
    ) -> Result<(), RuntimeError> {
        let mode = match mode {
            scenario::CommitMode::Auto => CommitMode::Auto,
            scenario::CommitMode::Manual => CommitMode::ManualAfterProcessing,
            scenario::CommitMode::Before => CommitMode::BeforeProcessing,
        };
        let g = self.group_index(group)?;
        let was = (self.group_setups().nth(usize::from(g))).map_or(mode, |s| s.commit);
        let auto = if mode == CommitMode::Auto { "true" } else { "false" };
        self.reconfigure_group(group, None, &[("enable.auto.commit", auto)], Some(mode))?;
        self.log_event(Narration::CommitModeChanged {
            group: group.to_string(),
            mode: mode_name(mode).to_string(),
            was: mode_name(was).to_string(),
        });
        Ok(())
    }

    /// Sets `changes` (and the commit mode, when given) on group `group`'s members (or only member
    /// `member`), restarting each with the new setup; members not started yet start with it. Every
    /// affected configuration is checked first: any refusal refuses the whole change.
    pub(super) fn reconfigure_group(
        &mut self,
        group: &str,
        member: Option<u16>,
        changes: &[(&str, &str)],
        commit: Option<CommitMode>,
    ) -> Result<(), RuntimeError> {
        let g = self.group_index(group)?;
        let nodes: Vec<(u16, NodeId)> = (self.group_member_nodes(g).into_iter())
            .filter(|(n, _)| member.is_none_or(|m| m == *n))
            .collect();
        if let Some(m) = member
            && nodes.is_empty()
        {
            return Err(RuntimeError::UnknownMember {
                group: group.into(),
                member: m,
            });
        }
        let reparse = |c: &ConsumerConfig| -> Result<ConsumerConfig, RuntimeError> {
            let mut o = c.originals.clone();
            for (name, value) in changes {
                o = with_property(&o, name, value);
            }
            Ok(ConsumerConfig::parse(o.iter()).map_err(bad_config)?.config)
        };
        let mut setups = Vec::new();
        for (_, id) in &nodes {
            let Some(c) = self.kernel.node(*id).and_then(ClusterNode::as_consumer) else {
                continue;
            };
            let mut setup = c.next_setup().clone();
            setup.config = reparse(&setup.config)?;
            if let Some(mode) = commit {
                setup.commit_mode = mode;
            }
            setups.push((*id, setup));
        }
        if member.is_none()
            && let Some(setup) = self.group_setup_mut(g)
        {
            let mut members = setup.members.clone();
            for (_, c) in members.iter_mut() {
                *c = reparse(c)?;
            }
            setup.members = members;
            if let Some(mode) = commit {
                setup.commit = mode;
            }
            self.update_pending_members(g, &|c| {
                if let Ok(n) = reparse(c) {
                    *c = n;
                }
            });
        }
        self.noting(|sim| {
            for (id, setup) in setups {
                if sim.kernel.is_up(id) {
                    sim.kernel.poke(id, |n, now, ctx| {
                        if let ClusterNode::Consumer(c) = n {
                            c.restart_with(now, setup, ctx);
                        }
                    });
                } else if let Some(ClusterNode::Consumer(c)) = sim.kernel.node_mut(id) {
                    // A crashed member starts with it when it is restarted.
                    c.set_setup_while_down(setup);
                }
            }
        });
        Ok(())
    }
}
