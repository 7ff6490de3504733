//! Import: files → a [`Draft`] (cluster, clients, ignored keys) → a [`ScenarioDoc`] → a checked [`Scenario`].

use super::doc::{GroupDoc, MembersDoc, ProducerDoc, ScenarioDoc, TopicDoc};
use super::export::seed_addresses;
use super::yaml::{Yaml, parse_yaml};
use super::{Ignored, ImportError, MAX_IMPORT_BYTES};
use crate::config::SerdeKind;
use crate::scenario::{CommitMode, Scenario};
use crate::sim::SimSpec;
use serde::Serialize;

/// What kind of file an input is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ImportFormat {
    /// A docker-compose file with Kafka broker services.
    Compose,
    /// Spring Boot's `application.yml` or `application.properties`.
    Spring,
    /// A plain `producer.properties` or `consumer.properties`.
    Properties,
}

impl ImportFormat {
    /// Parses `compose`, `spring` or `properties` (the CLI's `--format`).
    pub fn parse(text: &str) -> Result<ImportFormat, String> {
        match text {
            "compose" | "docker-compose" => Ok(ImportFormat::Compose),
            "spring" => Ok(ImportFormat::Spring),
            "properties" => Ok(ImportFormat::Properties),
            other => Err(format!(
                "unknown import format '{other}': expected compose, spring or properties"
            )),
        }
    }
}

/// What the files cannot say: the topic the clients use, the producers' rate, how long to run.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportOptions {
    /// The topic producers write and groups read (default: a Spring `template.default-topic`, else the
    /// seed's `reserve`).
    pub topic: Option<String>,
    /// Records per second of each producer (default 10).
    pub rate: f64,
    /// The scenario's duration (default `60s`).
    pub duration: String,
    /// The seed (default 42).
    pub seed: u64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            topic: None,
            rate: 10.0,
            duration: "60s".to_owned(),
            seed: SimSpec::default().seed,
        }
    }
}

/// A broker of an imported compose file and how clients reach it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportedBroker {
    /// The compose service, e.g. `kafka1`.
    pub service: String,
    /// The simulation's broker id (1 to N, in the order of the configured ids).
    pub id: u32,
    /// `broker.id` (ZooKeeper mode) or `node.id` (KRaft) as configured, if set.
    pub configured_id: Option<i32>,
    /// `listeners`, if set.
    pub listeners: Option<String>,
    /// `advertised.listeners`, if set.
    pub advertised_listeners: Option<String>,
    /// Published ports, as written (`9092:9092`).
    pub ports: Vec<String>,
    /// Every `host:port` that reaches this broker: the advertised (or bound) listeners, the container and
    /// service names with the listener ports, and `localhost:H` for each published port `H:C` of a listener.
    pub addresses: Vec<String>,
}

/// A producer found in the files.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DraftProducer {
    pub(crate) name: String,
    pub(crate) props: Vec<(String, String)>,
}

/// A consumer group found in the files.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DraftGroup {
    pub(crate) group_id: String,
    pub(crate) props: Vec<(String, String)>,
    pub(crate) commit: CommitMode,
    pub(crate) members: u32,
}

/// Everything gathered from the files so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Draft {
    pub(crate) brokers: Vec<ImportedBroker>,
    pub(crate) compose_file: Option<String>,
    pub(crate) cluster_config: Vec<(String, String)>,
    pub(crate) producers: Vec<DraftProducer>,
    pub(crate) groups: Vec<DraftGroup>,
    pub(crate) bootstrap_servers: Vec<String>,
    pub(crate) default_topic: Option<String>,
    pub(crate) ignored: Vec<Ignored>,
    pub(crate) notes: Vec<String>,
}

impl Draft {
    pub(crate) fn ignore(&mut self, file: &str, key: impl Into<String>, reason: impl Into<String>) {
        self.ignored.push(Ignored {
            file: file.to_owned(),
            key: key.into(),
            reason: reason.into(),
        });
    }

    pub(crate) fn add_bootstrap(&mut self, servers: &str) {
        for s in servers.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !self.bootstrap_servers.iter().any(|b| b == s) {
                self.bootstrap_servers.push(s.to_owned());
            }
        }
    }
}

/// The result of an import.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The scenario as a document (what [`Imported::toml`] writes).
    pub doc: ScenarioDoc,
    /// The scenario TOML text.
    pub toml: String,
    /// The checked scenario the simulation is built from.
    pub scenario: Scenario,
    /// The brokers of the compose file with their listeners (empty without one: then the seed's addresses,
    /// see [`seed_addresses`], apply).
    pub brokers: Vec<ImportedBroker>,
    /// The clients' `bootstrap.servers`, in order, without repeats.
    pub bootstrap_servers: Vec<String>,
    /// Every key that was not used, with the reason.
    pub ignored: Vec<Ignored>,
    /// What import assumed (the topic, rates, the broker count without a compose file, ...).
    pub notes: Vec<String>,
}

impl Imported {
    /// Every `host:port` that reaches a broker, with the broker's id: the compose file's listeners and
    /// published ports, or the seed's addresses for the scenario's broker count.
    pub fn addresses(&self) -> Vec<(String, u32)> {
        if self.brokers.is_empty() {
            return seed_addresses(self.scenario.cluster.brokers);
        }
        let mut out = Vec::new();
        for b in &self.brokers {
            for a in &b.addresses {
                out.push((a.clone(), b.id));
            }
        }
        out
    }
}

/// Guesses a file's format from its name and text: `.properties` with `spring.kafka.` keys is Spring, else plain
/// properties; YAML with a top-level `services` is compose, with `spring` is Spring.
pub fn detect_format(name: &str, text: &str) -> Option<ImportFormat> {
    let lower = name.to_ascii_lowercase();
    let props_like = |t: &str| {
        super::parse_properties(t)
            .map(|p| {
                if p.iter()
                    .any(|(k, _)| k.starts_with("spring.kafka.") || k.starts_with("spring.application."))
                {
                    ImportFormat::Spring
                } else {
                    ImportFormat::Properties
                }
            })
            .ok()
    };
    if lower.ends_with(".properties") {
        // A broken file is still a properties file: its importer reports why.
        return props_like(text).or(Some(ImportFormat::Properties));
    }
    if let Ok(doc) = parse_yaml(text)
        && let Yaml::Map(_) = doc.root
    {
        if doc.root.get("services").is_some() {
            return Some(ImportFormat::Compose);
        }
        if doc.root.get("spring").is_some() {
            return Some(ImportFormat::Spring);
        }
    }
    if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        // Malformed YAML: guess from the top-level keys so that the importer reports the YAML error.
        let top = |key: &str| {
            text.lines()
                .any(|l| l.trim_end() == key || l.starts_with(&format!("{key} ")))
        };
        return if top("services:") {
            Some(ImportFormat::Compose)
        } else if top("spring:") {
            Some(ImportFormat::Spring)
        } else {
            None
        };
    }
    props_like(text)
}

/// Imports one file (format detected from its name and text).
pub fn import_str(name: &str, text: &str) -> Result<Imported, ImportError> {
    import_files(&[(name, text)], None, &ImportOptions::default())
}

/// Imports files together (e.g. a compose file and an `application.yml`): `format` forces every file's
/// format, else each is detected ([`detect_format`]). Never panics.
pub fn import_files(
    files: &[(&str, &str)],
    format: Option<ImportFormat>,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let mut draft = Draft::default();
    for (name, text) in files {
        if text.len() > MAX_IMPORT_BYTES {
            return Err(ImportError::TooLarge {
                file: (*name).to_owned(),
                size: text.len(),
                limit: MAX_IMPORT_BYTES,
            });
        }
        let Some(fmt) = format.or_else(|| detect_format(name, text)) else {
            return Err(ImportError::Invalid {
                file: (*name).to_owned(),
                path: "(file)".to_owned(),
                message: "not a docker-compose file (no top-level `services`), a Spring file (no `spring`) \
                          or a .properties file; pass --format compose|spring|properties"
                    .to_owned(),
            });
        };
        match fmt {
            ImportFormat::Compose => super::compose::import_compose(name, text, &mut draft)?,
            ImportFormat::Spring => super::spring::import_spring(name, text, &mut draft)?,
            ImportFormat::Properties => super::clients::import_properties(name, text, &mut draft)?,
        }
    }
    finish(draft, options)
}

/// A payload template that the value serializer can write.
fn value_template(props: &[(String, String)]) -> String {
    let class = props
        .iter()
        .find(|(k, _)| k == "value.serializer")
        .map(|(_, v)| v.trim());
    let kind = SerdeKind::ALL
        .iter()
        .copied()
        .find(|k| class.is_some_and(|c| c == k.serializer_class()));
    match kind {
        Some(SerdeKind::SpringJson) => r#"{"reservationId":{n}}"#.to_owned(),
        Some(SerdeKind::Integer | SerdeKind::Long | SerdeKind::Short) => "{n}".to_owned(),
        Some(SerdeKind::Double | SerdeKind::Float) => "{n}.5".to_owned(),
        Some(SerdeKind::Boolean) => "true".to_owned(),
        _ => "reservation-{n}".to_owned(),
    }
}

fn finish(mut draft: Draft, options: &ImportOptions) -> Result<Imported, ImportError> {
    let defaults = SimSpec::default();
    let brokers = if draft.brokers.is_empty() {
        draft.notes.push(format!(
            "no docker-compose file: {} brokers with Kafka's default configuration, reached at the seed's \
             addresses (localhost:9092, ...)",
            defaults.brokers
        ));
        defaults.brokers
    } else {
        u32::try_from(draft.brokers.len()).unwrap_or(u32::MAX)
    };
    let topic = options
        .topic
        .clone()
        .or_else(|| draft.default_topic.clone())
        .unwrap_or_else(|| "reserve".to_owned());
    let has_clients = !draft.producers.is_empty() || !draft.groups.is_empty();
    let mut topics = Vec::new();
    if has_clients {
        draft.notes.push(format!(
            "the files name no topic: the clients use '{topic}', created with the broker's num.partitions and \
             default.replication.factor as auto.create.topics.enable would"
        ));
        topics.push(TopicDoc {
            name: topic.clone(),
            partitions: None,
            replication_factor: None,
            config: Vec::new(),
        });
    }
    if !draft.producers.is_empty() {
        draft.notes.push(format!(
            "producers send {} records/s with null keys and a payload their value serializer can write",
            options.rate
        ));
    }
    let known = match draft.brokers.is_empty() {
        true => seed_addresses(brokers)
            .into_iter()
            .map(|(a, _)| a)
            .collect::<Vec<_>>(),
        false => draft.brokers.iter().flat_map(|b| b.addresses.clone()).collect(),
    };
    for s in &draft.bootstrap_servers {
        if !known.iter().any(|k| k.eq_ignore_ascii_case(s)) {
            draft.notes.push(format!(
                "bootstrap server {s} reaches no broker of this cluster (known: {})",
                known.join(", ")
            ));
        }
    }
    let doc = ScenarioDoc {
        seed: options.seed,
        duration: options.duration.clone(),
        brokers,
        cluster_config: draft.cluster_config.clone(),
        latency: None,
        jitter: None,
        topics,
        producers: (draft.producers.iter())
            .map(|p| ProducerDoc {
                name: p.name.clone(),
                topic: topic.clone(),
                rate: options.rate,
                keys: "none".to_owned(),
                value: value_template(&p.props),
                config: p.props.clone(),
            })
            .collect(),
        groups: (draft.groups.iter())
            .map(|g| GroupDoc {
                group_id: g.group_id.clone(),
                topics: vec![topic.clone()],
                members: MembersDoc::Count(g.members),
                processing: None,
                commit: Some(g.commit),
                start: None,
                // The table's "group.id" names the group; the config does not repeat it.
                config: g.props.iter().filter(|(k, _)| k != "group.id").cloned().collect(),
            })
            .collect(),
        faults_omitted: 0,
    };
    let toml = doc.to_toml();
    let scenario = Scenario::from_toml_str(&toml).map_err(ImportError::Scenario)?;
    Ok(Imported {
        doc,
        toml,
        scenario,
        brokers: draft.brokers,
        bootstrap_servers: draft.bootstrap_servers,
        ignored: draft.ignored,
        notes: draft.notes,
    })
}
