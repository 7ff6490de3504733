//! Help on every option the page offers: what it does, Kafka 3.7's default, and what to look for in the
//! playground when you change it, in English and Korean.
//!
//! Defaults are never retyped here: [`OptionHelp::kafka_default`] reads them from the core's config tables
//! ([`kafka_sim::config::definition`]). The texts themselves are in `help_producer`, `help_consumer` and
//! `help_topic`.

use kafka_sim::config::{self, ConfigKey, ConfigScope, DefaultValue};

use super::{Key, Lang, pick, t};

/// The panel an option's control lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Panel {
    /// The producer panel.
    Producer,
    /// The consumer group panel.
    Consumer,
    /// The topic and broker settings.
    Topic,
}

/// Where an option's Kafka default comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultFrom {
    /// The default of this key in the core's table for this scope (for a Kafka property, the property
    /// itself; for partitions and replication factor, the broker setting `kafka-topics --create` falls
    /// back to).
    Config(ConfigScope, &'static str),
    /// The commit mode: `auto` when `enable.auto.commit` defaults to true, as it does in Kafka.
    CommitMode,
    /// Not a Kafka setting: Kafka has no default.
    NotKafka,
}

/// Kafka's default of an option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KafkaDefault {
    /// The default as Kafka's documentation prints it, e.g. `all`, `45000`, `null`.
    Value(String),
    /// The property is required and has no default (the serializers).
    Required,
    /// The option is the playground's, not Kafka's.
    NotKafka,
}

impl KafkaDefault {
    /// The default as the help shows it: class names without their package, "none (required)", ...
    pub fn display(&self, lang: Lang) -> String {
        match self {
            KafkaDefault::Value(v) if v.contains("class ") => v
                .split(',')
                .map(|c| {
                    c.trim()
                        .trim_start_matches("class ")
                        .rsplit('.')
                        .next()
                        .unwrap_or(c)
                })
                .collect::<Vec<_>>()
                .join(", "),
            KafkaDefault::Value(v) => v.clone(),
            KafkaDefault::Required => t(lang, Key::RequiredNoDefault).to_string(),
            KafkaDefault::NotKafka => t(lang, Key::NotAKafkaSetting).to_string(),
        }
    }
}

/// Help on one option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionHelp {
    /// The option's id: its Kafka property name (`acks`), or for the playground's own options
    /// `partitions`, `replication-factor`, `commit-mode`, `processing-time`.
    pub id: &'static str,
    /// The label of an option that is not a Kafka property; `None` for a property, whose label is its name.
    pub label: Option<Key>,
    /// The panels that show the option.
    pub panels: &'static [Panel],
    /// Where its Kafka default comes from.
    pub default_from: DefaultFrom,
    /// What it does, in English.
    pub what_en: &'static str,
    /// What it does, in Korean.
    pub what_ko: &'static str,
    /// What to look for when you change it, in English.
    pub look_en: &'static str,
    /// What to look for when you change it, in Korean.
    pub look_ko: &'static str,
}

impl OptionHelp {
    /// Whether the option is a Kafka property (its id is then the property name).
    pub fn is_kafka_property(&self) -> bool {
        self.label.is_none()
    }

    /// The control's label: the property name in both languages, or the translated label.
    pub fn label(&self, lang: Lang) -> &'static str {
        match self.label {
            Some(key) => t(lang, key),
            None => self.id,
        }
    }

    /// The control's accessible name: the Kafka property name in every language (`acks`,
    /// `session.timeout.ms`); for the playground's own options, their label.
    pub fn accessible_name(&self, lang: Lang) -> &'static str {
        self.label(lang)
    }

    /// What the option does.
    pub fn what(&self, lang: Lang) -> &'static str {
        pick(lang, self.what_en, self.what_ko)
    }

    /// What to look for in the playground when you change it.
    pub fn look_for(&self, lang: Lang) -> &'static str {
        pick(lang, self.look_en, self.look_ko)
    }

    /// The core's definition the default comes from, if any.
    pub fn config_key(&self) -> Option<&'static ConfigKey> {
        match self.default_from {
            DefaultFrom::Config(scope, name) => config::definition(scope, name),
            DefaultFrom::CommitMode => config::definition(ConfigScope::Consumer, "enable.auto.commit"),
            DefaultFrom::NotKafka => None,
        }
    }

    /// Kafka 3.7's default, read from the core's config tables.
    pub fn kafka_default(&self) -> KafkaDefault {
        let Some(key) = self.config_key() else {
            return KafkaDefault::NotKafka;
        };
        match (self.default_from, key.default) {
            (DefaultFrom::CommitMode, DefaultValue::Bool(true)) => KafkaDefault::Value("auto".into()),
            (DefaultFrom::CommitMode, _) => KafkaDefault::Value("manual".into()),
            (_, DefaultValue::Required) => KafkaDefault::Required,
            _ => key
                .default_display()
                .map_or(KafkaDefault::Required, KafkaDefault::Value),
        }
    }
}

/// Every option with help: producer, then consumer, then topic and broker settings.
pub fn options() -> impl Iterator<Item = &'static OptionHelp> {
    super::help_producer::PRODUCER
        .iter()
        .chain(super::help_consumer::CONSUMER)
        .chain(super::help_topic::TOPIC)
}

/// The options shown in `panel`, in the order the panel lists them.
pub fn options_for(panel: Panel) -> impl Iterator<Item = &'static OptionHelp> {
    options().filter(move |o| o.panels.contains(&panel))
}

/// The help on the option with this id (a Kafka property name, or `partitions`, `replication-factor`,
/// `commit-mode`, `processing-time`).
pub fn help(id: &str) -> Option<&'static OptionHelp> {
    options().find(|o| o.id == id)
}
