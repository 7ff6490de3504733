//! State that lasts: the permalink in the URL, the last session and the language in `localStorage`.
//!
//! - **The URL** holds the session's [`Permalink`] in its fragment, `#p=k1.…` ([`url_with_link`],
//!   [`link_in_url`]): a fragment never reaches the server, and any length works.
//! - **Storage** is anything with [`KeyValue`]: the browser's `localStorage` ([`Store::browser`]) or a
//!   map in memory for tests ([`Store::memory`]). The last session is kept as the permalink's compact
//!   string ([`Permalink::encode`], the same as in the URL) under [`SESSION_KEY`]; the language under [`crate::i18n::STORAGE_KEY`].
//! - **Starting** ([`start`]): a permalink in the URL wins; a bad one shows a notice, falls back to the
//!   default scenario and leaves the stored session alone; else the stored session; else the default.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use kafka_sim::session::{Permalink, PermalinkError, Position, Session};

use crate::i18n::{self, Lang};
use crate::state::Notice;
use crate::state::scenarios::{default_session, open_permalink};

/// The `localStorage` key of the last session (its permalink's compact string, as in the URL).
pub const SESSION_KEY: &str = "kafka-playground.session";

/// The URL fragment's parameter that holds the permalink: `#p=k1.…`.
pub const URL_PARAM: &str = "p";

/// A string store: `localStorage`, or a map in tests.
pub trait KeyValue {
    /// The value under `key`.
    fn get(&self, key: &str) -> Option<String>;
    /// Stores `value` under `key`; false when the store refused (full, or disabled).
    fn set(&self, key: &str, value: &str) -> bool;
}

/// A map in memory.
#[derive(Debug, Default)]
pub struct MemoryStore(RefCell<BTreeMap<String, String>>);

impl KeyValue for MemoryStore {
    fn get(&self, key: &str) -> Option<String> {
        self.0.borrow().get(key).cloned()
    }
    fn set(&self, key: &str, value: &str) -> bool {
        self.0.borrow_mut().insert(key.to_string(), value.to_string());
        true
    }
}

/// The browser's `localStorage`; outside a browser (host tests) it holds nothing.
#[derive(Debug, Default)]
pub struct BrowserStore;

impl BrowserStore {
    #[cfg(target_arch = "wasm32")]
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }
}

impl KeyValue for BrowserStore {
    fn get(&self, key: &str) -> Option<String> {
        #[cfg(target_arch = "wasm32")]
        {
            BrowserStore::storage()?.get_item(key).ok().flatten()
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = key;
            None
        }
    }
    fn set(&self, key: &str, value: &str) -> bool {
        #[cfg(target_arch = "wasm32")]
        {
            BrowserStore::storage().is_some_and(|s| s.set_item(key, value).is_ok())
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = (key, value);
            false
        }
    }
}

/// A shared store handle, for component properties. Two handles are equal when they share the store.
#[derive(Clone)]
pub struct Store(Rc<dyn KeyValue>);

impl Store {
    /// `localStorage`.
    pub fn browser() -> Store {
        Store(Rc::new(BrowserStore))
    }
    /// A fresh map in memory.
    pub fn memory() -> Store {
        Store(Rc::new(MemoryStore::default()))
    }
    /// Wraps any store.
    pub fn new(inner: Rc<dyn KeyValue>) -> Store {
        Store(inner)
    }
    /// The store.
    pub fn get(&self) -> &dyn KeyValue {
        &*self.0
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Store")
    }
}

/// The permalink text in `url`'s fragment (`#p=…`, possibly among other `&`-separated parameters).
pub fn link_in_url(url: &str) -> Option<&str> {
    let (_, fragment) = url.split_once('#')?;
    fragment
        .split('&')
        .find_map(|kv| kv.strip_prefix(URL_PARAM)?.strip_prefix('='))
        .filter(|v| !v.is_empty())
}

/// Reads the permalink in `url`: `None` when there is none, an error when it is damaged.
pub fn read_link(url: &str) -> Option<Result<Permalink, PermalinkError>> {
    link_in_url(url).map(Permalink::decode)
}

/// `url` with its fragment replaced by the permalink of `link` (the encoding is URL-safe as is).
pub fn url_with_link(url: &str, link: &Permalink) -> String {
    let base = url.split_once('#').map_or(url, |(b, _)| b);
    format!("{base}#{URL_PARAM}={}", link.encode())
}

/// Keeps `link` as the last session. The compact string rather than JSON: the page then needs no JSON
/// parser (serde_json and every `Deserialize` it would instantiate stay out of the wasm).
pub fn save_session(store: &dyn KeyValue, link: &Permalink) -> bool {
    store.set(SESSION_KEY, &link.encode())
}

/// The last session kept: `None` when there is none, an error when it cannot be read.
pub fn stored_session(store: &dyn KeyValue) -> Option<Result<Permalink, PermalinkError>> {
    store.get(SESSION_KEY).map(|text| Permalink::decode(&text))
}

/// The language chosen before, if any.
pub fn stored_lang(store: &dyn KeyValue) -> Option<Lang> {
    store.get(i18n::STORAGE_KEY).and_then(|v| Lang::parse(&v))
}

/// Remembers the chosen language.
pub fn save_lang(store: &dyn KeyValue, lang: Lang) -> bool {
    store.set(i18n::STORAGE_KEY, lang.as_str())
}

/// Where a page's first session came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The permalink in the URL.
    Url,
    /// The session kept in storage.
    Stored,
    /// The default scenario (nothing to restore, or a bad link).
    Default,
}

/// What a page starts with.
#[derive(Debug)]
pub struct Startup {
    /// The session.
    pub session: Session,
    /// The position the session still has to reach (a long permalink, replayed over frames).
    pub resume: Option<Position>,
    /// Where it came from.
    pub origin: Origin,
    /// A notice to show (a bad link).
    pub notice: Option<Notice>,
    /// Whether to save the session before the user acts: false after a bad link, so the stored
    /// session is not overwritten by the fallback.
    pub persist: bool,
}

/// The session a page opening `url` starts with (see the module docs).
pub fn start(url: &str, store: &dyn KeyValue) -> Startup {
    if let Some(link) = read_link(url) {
        let opened = link
            .map_err(|e| e.to_string())
            .and_then(|l| open_permalink(&l).map_err(|e| e.to_string()));
        return match opened {
            Ok((session, resume)) => Startup {
                session,
                resume,
                origin: Origin::Url,
                notice: None,
                persist: true,
            },
            Err(reason) => Startup {
                session: default_session(),
                resume: None,
                origin: Origin::Default,
                notice: Some(Notice::BadLink(reason)),
                persist: false,
            },
        };
    }
    let stored = stored_session(store)
        .and_then(Result::ok)
        .and_then(|l| open_permalink(&l).ok());
    match stored {
        Some((session, resume)) => Startup {
            session,
            resume,
            origin: Origin::Stored,
            notice: None,
            persist: true,
        },
        None => Startup {
            session: default_session(),
            resume: None,
            origin: Origin::Default,
            notice: None,
            persist: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::scenarios::session_for;
    use kafka_sim::SimTime;
    use kafka_sim::session::Command;

    fn acted() -> Session {
        let mut s = session_for("seed-reserve", None).unwrap();
        s.run_until(SimTime::from_millis(2_500));
        s.apply(Command::CrashBroker { broker: 2 }).unwrap();
        s.run_until(SimTime::from_millis(3_000));
        s.step();
        s
    }

    #[test]
    fn the_url_codec_round_trips_and_keeps_the_page() {
        let s = acted();
        let url = url_with_link("http://127.0.0.1:8080/?x=1#old", &s.permalink());
        assert!(url.starts_with("http://127.0.0.1:8080/?x=1#p=k1."), "{url}");
        assert_eq!(read_link(&url), Some(Ok(s.permalink())));
        assert_eq!(link_in_url("http://h/#a=1&p=k1.abc"), Some("k1.abc"));
        assert_eq!(link_in_url("http://h/"), None);
        assert_eq!(link_in_url("http://h/#p="), None);
        assert_eq!(link_in_url("http://h/#pp=k1.x"), None);
    }

    #[test]
    fn a_url_permalink_reproduces_the_run() {
        let s = acted();
        let url = url_with_link("http://h/", &s.permalink());
        let started = start(&url, &MemoryStore::default());
        assert_eq!(started.origin, Origin::Url);
        assert_eq!(started.session.trace_hash(), s.trace_hash());
        assert_eq!(started.session.position(), s.position());
        assert_eq!(started.notice, None);
    }

    #[test]
    fn a_long_permalink_is_left_to_resume() {
        let mut s = acted();
        s.run_until(SimTime::from_secs(7));
        let url = url_with_link("http://h/", &s.permalink());
        let mut started = start(&url, &MemoryStore::default());
        assert_eq!(started.resume, Some(s.position()));
        assert_eq!(started.session.now(), SimTime::ZERO);
        started.session.seek_position(s.position());
        assert_eq!(started.session.trace_hash(), s.trace_hash());
    }

    #[test]
    fn a_reload_restores_the_stored_session() {
        let store = MemoryStore::default();
        let s = acted();
        assert!(save_session(&store, &s.permalink()));
        let started = start("http://h/", &store);
        assert_eq!(started.origin, Origin::Stored);
        assert_eq!(started.session.trace_hash(), s.trace_hash());
        assert_eq!(started.session.log(), s.log());
    }

    #[test]
    fn a_bad_link_falls_back_and_keeps_the_stored_session() {
        let store = MemoryStore::default();
        let s = acted();
        save_session(&store, &s.permalink());
        let kept = store.get(SESSION_KEY);
        for url in [
            "http://h/#p=garbage",
            "http://h/#p=k1.AAAA",
            // A well-formed link to a scenario the page does not have.
            &url_with_link(
                "http://h/",
                &Permalink {
                    scenario: kafka_sim::session::ScenarioSource::Named("no-such".into()),
                    ..s.permalink()
                },
            ),
        ] {
            let started = start(url, &store);
            assert_eq!(started.origin, Origin::Default, "{url}");
            assert!(!started.persist);
            assert!(
                matches!(started.notice, Some(Notice::BadLink(ref m)) if !m.is_empty()),
                "{url}"
            );
            assert_eq!(started.session.now(), SimTime::ZERO);
            assert_eq!(store.get(SESSION_KEY), kept);
        }
    }

    #[test]
    fn unreadable_storage_gives_the_default() {
        let store = MemoryStore::default();
        store.set(SESSION_KEY, "{not json");
        let started = start("http://h/", &store);
        assert_eq!(started.origin, Origin::Default);
        assert!(started.persist);
        assert_eq!(stored_lang(&store), None);
        save_lang(&store, Lang::Ko);
        assert_eq!(stored_lang(&store), Some(Lang::Ko));
    }
}
