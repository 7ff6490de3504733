//! The page's one string catalog, in English and Korean.
//!
//! Every string the page shows goes through here:
//!
//! - fixed strings: [`t`]`(lang, `[`Key`]`::Play)` (the table is in [`catalog`]);
//! - strings with a number or a name in them: the small functions in [`msg`], e.g.
//!   [`msg::crash_broker`]`(lang, 2)` gives "Crash broker 2" / "브로커 2 강제 종료";
//! - help for every option the page offers: [`help::help`]`("acks")` gives what it does, Kafka 3.7's
//!   default (read from the core's config tables, never retyped) and what to look for when you change it.
//!
//! Kafka's names stay as they are in both languages: property names (`acks`, `session.timeout.ms`, ...),
//! which are also the accessible names of the option controls, error names (`NOT_ENOUGH_REPLICAS`), class
//! names, and the abbreviations ISR, HW and LEO. The Korean follows the vocabulary of the project's seed study
//! note (리더 파티션, 팔로워, 리밸런스, commit, poll ...).
//!
//! The chosen language is stored as [`Lang::as_str`] under [`STORAGE_KEY`] and read back with
//! [`Lang::parse`]; [`Lang::as_str`] is also the value of `<html lang>`.

pub mod catalog;
pub mod help;
mod help_consumer;
mod help_producer;
mod help_topic;
pub mod msg;
pub mod narration;
mod narration_ko;
mod narration_ko_config;

pub use catalog::Key;
pub use help::{KafkaDefault, OptionHelp, Panel, help, options, options_for};

/// The `localStorage` key under which the chosen language is remembered.
pub const STORAGE_KEY: &str = "kafka-playground.lang";

/// A language of the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Korean.
    Ko,
}

impl Lang {
    /// Every language, in the order the switch lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    /// The BCP 47 tag: `en` or `ko`. Used for storage and for `<html lang>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// Parses a stored value or a browser language tag: `en`, `ko`, `ko-KR`, `EN_us`, ... (case-insensitive;
    /// only the primary subtag counts). `None` for anything else.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else if primary.eq_ignore_ascii_case("ko") {
            Some(Lang::Ko)
        } else {
            None
        }
    }

    /// The first of `preferred` (e.g. the stored choice, then `navigator.languages`) that is a language of
    /// the page, else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred.into_iter().find_map(Lang::parse).unwrap_or_default()
    }

    /// The language's own name, as the switch shows it: `English`, `한국어`.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ko => "한국어",
        }
    }
}

impl std::fmt::Display for Lang {
    /// The tag, as [`Lang::as_str`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    match lang {
        Lang::En => key.en(),
        Lang::Ko => key.ko(),
    }
}

/// Picks the English or the Korean of a pair of texts (used by the help tables and [`msg`]).
pub fn pick(lang: Lang, en: &'static str, ko: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}

/// Whether `text` contains Hangul (syllables or jamo): a check that Korean text really is Korean.
pub fn has_hangul(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}'))
}
