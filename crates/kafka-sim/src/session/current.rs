//! The scenario as the session's options stand now: [`Session::current_scenario`].

use super::{Command, Commit, Session};
use crate::scenario::CommitMode;
use crate::scenario::Scenario;

/// Sets `name` to `value` in `.properties` pairs: replaced where it is, else appended.
fn upsert(pairs: &mut Vec<(String, String)>, name: &str, value: &str) {
    match pairs.iter_mut().find(|(k, _)| k == name) {
        Some(pair) => pair.1 = value.to_owned(),
        None => pairs.push((name.to_owned(), value.to_owned())),
    }
}

impl Session {
    /// The scenario with the option changes applied so far ([`Command::SetProducerConfig`],
    /// [`Command::SetConsumerConfig`] for a whole group, [`Command::SetTopicConfig`],
    /// [`Command::SetBrokerConfig`], [`Command::SetCommitMode`]) written into its `.properties`
    /// pairs and commit modes: what an export of the current settings writes. The parsed `config`
    /// fields stay the scenario's (the simulation holds the live ones); a member-only change
    /// stays out, as no client file can say it.
    pub fn current_scenario(&self) -> Scenario {
        let mut s = self.scenario.clone();
        for a in &self.log[..self.applied.min(self.log.len())] {
            match &a.command {
                Command::SetProducerConfig {
                    producer,
                    name,
                    value,
                } => {
                    if let Some(p) = s.producers.iter_mut().find(|p| p.name == *producer) {
                        upsert(&mut p.properties, name, value);
                    }
                }
                Command::SetConsumerConfig {
                    group,
                    member: None,
                    name,
                    value,
                } => {
                    if let Some(g) = s.consumer_groups.iter_mut().find(|g| g.group_id == *group) {
                        upsert(&mut g.properties, name, value);
                    }
                }
                Command::SetTopicConfig { topic, name, value } => {
                    if let Some(t) = s.topics.iter_mut().find(|t| t.name == *topic) {
                        upsert(&mut t.overrides, name, value);
                    }
                }
                Command::SetBrokerConfig { name, value } => upsert(&mut s.cluster.properties, name, value),
                Command::SetCommitMode { group, mode } => {
                    if let Some(g) = s.consumer_groups.iter_mut().find(|g| g.group_id == *group) {
                        g.commit = match mode {
                            Commit::Auto => CommitMode::Auto,
                            Commit::Manual => CommitMode::Manual,
                            Commit::Before => CommitMode::Before,
                        };
                        let auto = if *mode == Commit::Auto { "true" } else { "false" };
                        upsert(&mut g.properties, "enable.auto.commit", auto);
                    }
                }
                _ => {}
            }
        }
        s
    }
}
