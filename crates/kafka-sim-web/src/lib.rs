//! # kafka-sim-web
//!
//! The Kafka Playground page: a Yew app that drives a [`kafka_sim::session::Session`] and draws it.
//!
//! The app holds **no simulation logic**. The state ([`state::AppState`]) owns the session and a
//! [`kafka_sim::SimView`] of it; every user action is an [`state::Action`] that calls the session
//! (`run_until`, `step`, `step_back`, `seek`, `apply`). The page's shell:
//!
//! - [`App`] starts the session ([`storage::start`]: the permalink in the URL, else the session kept in
//!   `localStorage`, else the default scenario, the seed's system), runs the animation loop within the
//!   frame budget, and keeps the session in the URL and in storage;
//! - [`components::Header`]: scenario picker, seed, clock, Step back / Play / Pause / Step, speed,
//!   [`components::Timeline`], [`components::LangSwitch`] and [`components::ShareButton`];
//! - [`components::NoticeBanner`]: a bad link, a refused command; [`components::AboutPanel`]: the
//!   trace hash;
//! - [`components::ClusterView`]: the SVG picture of the cluster.
//!
//! A panic reveals the static banner in `index.html` ([`browser::install_panic_hook`]); its Reload
//! restores the saved session. Every string goes through [`i18n`]. Pure parts ([`state`], [`storage`],
//! [`speed`], [`layout`]) are plain Rust and tested on the host.

pub mod browser;
pub mod components;
pub mod i18n;
pub mod layout;
pub mod speed;
pub mod state;
pub mod storage;

pub use components::{App, AppProps};

/// Mounts the app into `root` (used by the browser tests) and returns its handle.
///
/// Dropping the handle does not unmount the app; call [`yew::AppHandle::destroy`] for that.
pub fn mount(root: web_sys::Element) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

/// Mounts the app with `props` into `root` (tests use an in-memory store and a given URL).
pub fn mount_with(root: web_sys::Element, props: AppProps) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root_and_props(root, props).render()
}

/// Mounts the app into the page's `#app` element (the document's `<body>` if there is none), after
/// installing the panic hook: what the served page does.
pub fn start_page() -> yew::AppHandle<App> {
    browser::install_panic_hook();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => mount(root),
        None => yew::Renderer::<App>::new().render(),
    }
}
