//! The scenarios the page offers, embedded from `tests/scenarios/` (the same files the CLI runs), and
//! building [`Session`]s from them or from a [`Permalink`].

use kafka_sim::SimTime;
use kafka_sim::scenario::Scenario;
use kafka_sim::session::{Permalink, Position, ScenarioSource, Session};

/// Permalinks pointing at most this far into the run are replayed at once when opened; later ones are
/// reached over the next animation frames, within the frame budget ([`open_permalink`]).
pub const REPLAY_AT_ONCE: SimTime = SimTime::from_secs(5);

/// The scenario a fresh page shows: the seed's system.
pub const DEFAULT_SCENARIO: &str = "seed-reserve";

/// A scenario file built into the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltIn {
    /// Its name: the file name without `.toml`, also its name in permalinks.
    pub name: &'static str,
    /// The file's TOML text.
    pub toml: &'static str,
}

macro_rules! built_in {
    ($($name:literal),* $(,)?) => {
        /// Every built-in scenario, in the order the picker lists them (the default first).
        pub const SCENARIOS: &[BuiltIn] = &[$(
            BuiltIn {
                name: $name,
                toml: include_str!(concat!("../../../../tests/scenarios/", $name, ".toml")),
            },
        )*];
    };
}

// The files that teach something, then `busy` (the UI benchmark's load: 2,000 records/s into 6
// partitions, 5 consumers). Left out: `w1` (the 10,000 records/s performance guard) and
// `group-session-timeout-below-min` (a group that never joins: a configuration error, not a run).
built_in![
    "seed-reserve",
    "acks0-leader-crash",
    "acks1-leader-crash",
    "acks-all-one-broker-crash",
    "acks-all-two-brokers-down",
    "unclean-false",
    "unclean-true",
    "dup-no-idempotence",
    "dup-idempotence",
    "reorder-in-flight",
    "linger-0",
    "linger-50",
    "group-member-crash",
    "group-session-timeout",
    "group-poll-timeout",
    "group-poll-timeout-fits",
    "group-eager-add-member",
    "group-cooperative-add-member",
    "group-coordinator-failover",
    "group-commit-auto-crash",
    "group-commit-manual-crash",
    "group-commit-before-crash",
    "group-late-start-earliest",
    "group-late-start-latest",
    "group-static-restart-within",
    "group-static-restart-after",
    "group-poison-pill",
    "busy",
];

macro_rules! lesson_scenarios {
    ($($name:literal),* $(,)?) => {
        /// The scenarios only lessons start from (not in the picker; permalinks name them too).
        pub const LESSON_SCENARIOS: &[BuiltIn] = &[$(
            BuiltIn {
                name: $name,
                toml: include_str!(concat!("../../../../tests/scenarios/", $name, ".toml")),
            },
        )*];
    };
}

lesson_scenarios![
    "lesson-commit",
    "lesson-retries",
    "lesson-serde",
    "lesson-two-groups",
    "lesson-unclean",
    "lesson-walkthrough",
];

/// The built-in scenario named `name` (a picker scenario or a lesson's).
pub fn find(name: &str) -> Option<&'static BuiltIn> {
    SCENARIOS.iter().chain(LESSON_SCENARIOS).find(|s| s.name == name)
}

/// Why a session cannot be built. The texts are the core's own (scenario file errors give their line).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// No built-in scenario has this name.
    #[error("there is no scenario named \"{0}\"")]
    UnknownScenario(String),
    /// The scenario text is not a valid scenario.
    #[error("{0}")]
    Scenario(String),
    /// The scenario describes a cluster the simulator cannot build.
    #[error("{0}")]
    Spec(String),
}

/// The scenario `source` names or carries.
pub fn scenario_of(source: &ScenarioSource) -> Result<Scenario, LoadError> {
    let text = match source {
        ScenarioSource::Named(name) => {
            find(name)
                .ok_or_else(|| LoadError::UnknownScenario(name.clone()))?
                .toml
        }
        ScenarioSource::Inline(text) => text.as_str(),
    };
    Scenario::from_toml_str(text).map_err(|e| LoadError::Scenario(e.to_string()))
}

/// A fresh session of the built-in scenario `name`, with `seed` (the scenario's own when `None`).
pub fn session_for(name: &str, seed: Option<u64>) -> Result<Session, LoadError> {
    let source = ScenarioSource::Named(name.to_string());
    let scenario = scenario_of(&source)?;
    let seed = seed.unwrap_or(scenario.seed);
    Session::new(source, scenario, seed).map_err(|e| LoadError::Spec(e.to_string()))
}

/// A fresh session of the same scenario as `session`, with another seed.
pub fn reseeded(session: &Session, seed: u64) -> Result<Session, LoadError> {
    Session::new(session.source().clone(), session.scenario().clone(), seed)
        .map_err(|e| LoadError::Spec(e.to_string()))
}

/// The session `link` describes, replayed to its position: the same trace hash as the one shared.
pub fn session_from_permalink(link: &Permalink) -> Result<Session, LoadError> {
    let scenario = scenario_of(&link.scenario)?;
    let mut session = Session::with_log(link.scenario.clone(), scenario, link.seed, link.actions.clone())
        .map_err(|e| LoadError::Spec(e.to_string()))?;
    session.seek_position(link.position);
    Ok(session)
}

/// The session `link` describes. Within [`REPLAY_AT_ONCE`] it is replayed to its position at once
/// (`None` left to do); further, it is returned at time zero with the position still to reach, so the
/// page can get there over several frames instead of freezing.
pub fn open_permalink(link: &Permalink) -> Result<(Session, Option<Position>), LoadError> {
    if link.position.at <= REPLAY_AT_ONCE {
        return session_from_permalink(link).map(|s| (s, None));
    }
    let scenario = scenario_of(&link.scenario)?;
    let session = Session::with_log(link.scenario.clone(), scenario, link.seed, link.actions.clone())
        .map_err(|e| LoadError::Spec(e.to_string()))?;
    Ok((session, Some(link.position)))
}

/// The default session: the seed's system with its seed.
pub fn default_session() -> Session {
    // Invariant: the embedded seed scenario parses and builds (tested below and by the CLI's tests).
    session_for(DEFAULT_SCENARIO, None).expect("the seed scenario builds")
}

/// The name the picker shows for `source`: the built-in name, or `None` for an inline scenario.
pub fn name_of(source: &ScenarioSource) -> Option<&str> {
    match source {
        ScenarioSource::Named(n) => Some(n),
        ScenarioSource::Inline(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_scenario_builds() {
        for s in SCENARIOS {
            let session = session_for(s.name, None).unwrap_or_else(|e| panic!("{}: {e}", s.name));
            assert!(
                session.scenario().duration > kafka_sim::SimTime::ZERO,
                "{}",
                s.name
            );
        }
        assert_eq!(SCENARIOS[0].name, DEFAULT_SCENARIO);
    }

    #[test]
    fn the_default_is_the_seeds_system() {
        let s = default_session();
        let sc = s.scenario();
        assert_eq!(s.seed(), 42);
        assert_eq!(sc.cluster.brokers, 3);
        assert_eq!(sc.topics.len(), 1);
        assert_eq!(
            (sc.topics[0].name.as_str(), sc.topics[0].partitions),
            ("reserve", 3)
        );
        assert_eq!(sc.topics[0].replication_factor, 3);
        assert_eq!(sc.producers[0].name, "reservation-service");
        let g = sc
            .consumer_group("data-platform-group")
            .expect("the seed's group");
        assert_eq!(g.members.len(), 3);
        let props = g.base_properties();
        for (k, v) in [
            ("enable.auto.commit", "false"),
            ("auto.offset.reset", "earliest"),
            ("heartbeat.interval.ms", "10000"),
        ] {
            assert!(
                props.iter().any(|(a, b)| a == k && b == v),
                "{k}={v} in {props:?}"
            );
        }
    }

    #[test]
    fn unknown_names_and_bad_inline_text_are_errors() {
        assert_eq!(
            session_for("nope", None).err(),
            Some(LoadError::UnknownScenario("nope".into()))
        );
        let bad = ScenarioSource::Inline("brokers = \"many\"".into());
        assert!(matches!(scenario_of(&bad), Err(LoadError::Scenario(_))));
    }
}
