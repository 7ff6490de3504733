//! [`ScenarioDoc`]: a scenario as plain data, written as scenario TOML (the format [`Scenario::from_toml_str`]
//! reads). Imports build one; [`ScenarioDoc::from_scenario`] makes one from a checked scenario.

use crate::scenario::{CommitMode, ProcessingTime, Scenario, format_duration};
use crate::sim::SimSpec;
use std::fmt::Write as _;

/// A scenario as it would be written in a TOML file (values in their written form).
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioDoc {
    /// `seed`.
    pub seed: u64,
    /// `duration`, e.g. `60s`.
    pub duration: String,
    /// `[cluster] brokers`.
    pub brokers: u32,
    /// `[cluster.config]`.
    pub cluster_config: Vec<(String, String)>,
    /// `[network] latency`, when not the default.
    pub latency: Option<String>,
    /// `[network] jitter`, when not the default.
    pub jitter: Option<String>,
    /// `[[topics]]`.
    pub topics: Vec<TopicDoc>,
    /// `[[producers]]`.
    pub producers: Vec<ProducerDoc>,
    /// `[[consumer_groups]]`.
    pub groups: Vec<GroupDoc>,
    /// How many faults the scenario had that this document does not carry (export of faults is not done).
    pub faults_omitted: usize,
}

/// One `[[topics]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct TopicDoc {
    /// `name`.
    pub name: String,
    /// `partitions` (absent: the broker's `num.partitions`).
    pub partitions: Option<u32>,
    /// `replication_factor` (absent: the broker's `default.replication.factor`).
    pub replication_factor: Option<u32>,
    /// `[topics.config]`.
    pub config: Vec<(String, String)>,
}

/// One `[[producers]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ProducerDoc {
    /// `name`.
    pub name: String,
    /// `topic`.
    pub topic: String,
    /// `rate`, records per second.
    pub rate: f64,
    /// `keys` (`none` for null keys).
    pub keys: String,
    /// `value`.
    pub value: String,
    /// `[producers.config]`.
    pub config: Vec<(String, String)>,
}

/// `members` of a group.
#[derive(Clone, Debug, PartialEq)]
pub enum MembersDoc {
    /// `members = N`.
    Count(u32),
    /// `members = [{...}, ...]`: each member's own properties.
    List(Vec<Vec<(String, String)>>),
}

/// One `[[consumer_groups]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupDoc {
    /// `"group.id"`.
    pub group_id: String,
    /// `topics`.
    pub topics: Vec<String>,
    /// `members`.
    pub members: MembersDoc,
    /// `processing`, as TOML source (a string or an inline table), when not the default.
    pub processing: Option<String>,
    /// `commit`, when given.
    pub commit: Option<CommitMode>,
    /// `start`, when not the default.
    pub start: Option<String>,
    /// `[consumer_groups.config]`.
    pub config: Vec<(String, String)>,
}

/// A TOML basic string.
pub(crate) fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_float(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:?}")
    }
}

fn write_props(out: &mut String, header: &str, props: &[(String, String)]) {
    if props.is_empty() {
        return;
    }
    let _ = writeln!(out, "[{header}]");
    for (k, v) in props {
        let _ = writeln!(out, "{} = {}", toml_str(k), toml_str(v));
    }
}

fn inline_table(props: &[(String, String)]) -> String {
    let items: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{} = {}", toml_str(k), toml_str(v)))
        .collect();
    if items.is_empty() {
        "{}".to_owned()
    } else {
        format!("{{ {} }}", items.join(", "))
    }
}

impl ScenarioDoc {
    /// The scenario TOML text.
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "seed = {}", self.seed);
        let _ = writeln!(out, "duration = {}", toml_str(&self.duration));
        if self.faults_omitted > 0 {
            let _ = writeln!(
                out,
                "# {} fault(s) of the original scenario are not written here",
                self.faults_omitted
            );
        }
        let _ = writeln!(out, "\n[cluster]\nbrokers = {}", self.brokers);
        write_props(&mut out, "cluster.config", &self.cluster_config);
        if self.latency.is_some() || self.jitter.is_some() {
            out.push_str("\n[network]\n");
            if let Some(l) = &self.latency {
                let _ = writeln!(out, "latency = {}", toml_str(l));
            }
            if let Some(j) = &self.jitter {
                let _ = writeln!(out, "jitter = {}", toml_str(j));
            }
        }
        for t in &self.topics {
            let _ = writeln!(out, "\n[[topics]]\nname = {}", toml_str(&t.name));
            if let Some(p) = t.partitions {
                let _ = writeln!(out, "partitions = {p}");
            }
            if let Some(rf) = t.replication_factor {
                let _ = writeln!(out, "replication_factor = {rf}");
            }
            write_props(&mut out, "topics.config", &t.config);
        }
        for p in &self.producers {
            let _ = writeln!(out, "\n[[producers]]\nname = {}", toml_str(&p.name));
            let _ = writeln!(out, "topic = {}", toml_str(&p.topic));
            let _ = writeln!(out, "rate = {}", toml_float(p.rate));
            let _ = writeln!(out, "keys = {}", toml_str(&p.keys));
            let _ = writeln!(out, "value = {}", toml_str(&p.value));
            write_props(&mut out, "producers.config", &p.config);
        }
        for g in &self.groups {
            let _ = writeln!(
                out,
                "\n[[consumer_groups]]\n\"group.id\" = {}",
                toml_str(&g.group_id)
            );
            let topics: Vec<String> = g.topics.iter().map(|t| toml_str(t)).collect();
            let _ = writeln!(out, "topics = [{}]", topics.join(", "));
            match &g.members {
                MembersDoc::Count(n) => {
                    let _ = writeln!(out, "members = {n}");
                }
                MembersDoc::List(list) => {
                    let items: Vec<String> = list.iter().map(|m| inline_table(m)).collect();
                    let _ = writeln!(out, "members = [{}]", items.join(", "));
                }
            }
            if let Some(p) = &g.processing {
                let _ = writeln!(out, "processing = {p}");
            }
            if let Some(c) = g.commit {
                let _ = writeln!(out, "commit = {}", toml_str(c.name()));
            }
            if let Some(s) = &g.start {
                let _ = writeln!(out, "start = {}", toml_str(s));
            }
            write_props(&mut out, "consumer_groups.config", &g.config);
        }
        out
    }

    /// The document of a checked scenario (everything but its faults, which are counted in
    /// `faults_omitted`). Parsing [`ScenarioDoc::to_toml`] of it gives the same cluster, topics, producers
    /// and groups.
    pub fn from_scenario(s: &Scenario) -> ScenarioDoc {
        let defaults = SimSpec::default();
        let processing = |p: &ProcessingTime| match p {
            ProcessingTime::Fixed(t) if *t == crate::SimTime::ZERO => None,
            ProcessingTime::Fixed(t) => Some(toml_str(&format_duration(*t))),
            ProcessingTime::Uniform { min, max } => Some(format!(
                "{{ dist = \"uniform\", min = {}, max = {} }}",
                toml_str(&format_duration(*min)),
                toml_str(&format_duration(*max))
            )),
            ProcessingTime::Exponential { mean } => Some(format!(
                "{{ dist = \"exponential\", mean = {} }}",
                toml_str(&format_duration(*mean))
            )),
        };
        ScenarioDoc {
            seed: s.seed,
            duration: format_duration(s.duration),
            brokers: s.cluster.brokers,
            cluster_config: s.cluster.properties.clone(),
            latency: (s.network.latency != defaults.latency).then(|| format_duration(s.network.latency)),
            jitter: (s.network.jitter != defaults.jitter).then(|| format_duration(s.network.jitter)),
            topics: (s.topics.iter())
                .map(|t| TopicDoc {
                    name: t.name.clone(),
                    partitions: Some(t.partitions),
                    replication_factor: Some(t.replication_factor),
                    config: t.overrides.clone(),
                })
                .collect(),
            producers: (s.producers.iter())
                .map(|p| ProducerDoc {
                    name: p.name.clone(),
                    topic: p.topic.clone(),
                    rate: p.rate,
                    keys: p.keys.to_string(),
                    value: p.value.to_string(),
                    config: p.properties.clone(),
                })
                .collect(),
            groups: (s.consumer_groups.iter())
                .map(|g| {
                    let members = if g.members.iter().all(|m| m.overrides.is_empty()) {
                        MembersDoc::Count(u32::try_from(g.members.len()).unwrap_or(u32::MAX))
                    } else {
                        MembersDoc::List(g.members.iter().map(|m| m.overrides.clone()).collect())
                    };
                    GroupDoc {
                        group_id: g.group_id.clone(),
                        topics: g.topics.clone(),
                        members,
                        processing: processing(&g.processing),
                        commit: Some(g.commit),
                        start: (g.start != crate::SimTime::ZERO).then(|| format_duration(g.start)),
                        config: g.properties.clone(),
                    }
                })
                .collect(),
            faults_omitted: s.faults.len(),
        }
    }

    /// Checks the document as a scenario file.
    pub fn to_scenario(&self) -> Result<Scenario, crate::scenario::ScenarioError> {
        Scenario::from_toml_str(&self.to_toml())
    }
}
