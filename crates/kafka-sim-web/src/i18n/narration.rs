//! The event log's sentences: one plain sentence per [`Narration`], in the page's language.
//!
//! English is the core's own wording ([`Narration::english`], which the CLI prints too): the page
//! delegates to it rather than keeping a second copy that could drift. Korean is
//! [`super::narration_ko::korean`], written here in the tone of the project's Korean study note.

use kafka_sim::view::{EventKind, Narration};

use super::{Key, Lang, t};

/// The sentence for `narration` in `lang`.
pub fn narrate(lang: Lang, narration: &Narration) -> String {
    match lang {
        Lang::En => english(narration),
        Lang::Ko => super::narration_ko::korean(narration),
    }
}

/// The English sentence: exactly the core's [`Narration::english`].
pub fn english(narration: &Narration) -> String {
    narration.english()
}

/// The catalog key naming an event kind (the event log's filter checkboxes).
pub fn event_kind_key(kind: EventKind) -> Key {
    match kind {
        EventKind::Broker => Key::EventKindBroker,
        EventKind::Election => Key::EventKindElection,
        EventKind::Isr => Key::EventKindIsr,
        EventKind::Producer => Key::EventKindProducer,
        EventKind::Group => Key::EventKindGroup,
        EventKind::Member => Key::EventKindMember,
        EventKind::Commit => Key::KindCommit,
        EventKind::Anomaly => Key::EventKindDataRisk,
    }
}

/// An event kind's name in `lang`.
pub fn event_kind(lang: Lang, kind: EventKind) -> &'static str {
    t(lang, event_kind_key(kind))
}
