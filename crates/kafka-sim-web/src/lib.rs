//! # kafka-sim-web
//!
//! The Kafka Playground page: a Yew app that draws a [`kafka_sim::Simulation`] and drives it.
//!
//! The app holds **no simulation logic**. It keeps the simulation in the app state
//! ([`state::AppState`]), reads [`kafka_sim::SimView`]s from it and sends it commands (play, pause,
//! speed; later step, seek and faults). Components are small functions:
//!
//! - [`App`] builds the simulation from a [`kafka_sim::SimSpec`] and hands it to
//!   [`components::Playground`], which owns the state and the animation loop;
//! - [`components::Header`]: title, simulated clock, Play/Pause, speed;
//! - [`components::ClusterView`]: the SVG picture of ZooKeeper, the brokers, their links and the
//!   messages in flight;
//! - [`components::StatusBar`]: seed, events processed, trace hash.
//!
//! Pure helpers ([`layout`], [`speed`], [`state`]) are plain Rust and tested on the host.

pub mod components;
pub mod i18n;
pub mod layout;
pub mod speed;
pub mod state;

pub use components::{App, AppProps};

/// Mounts the app into `root` (used by the browser tests) and returns its handle.
///
/// Dropping the handle does not unmount the app; call [`yew::AppHandle::destroy`] for that.
pub fn mount(root: web_sys::Element) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

/// Mounts the app into the document's `<body>` (what the served page does).
pub fn mount_to_body() -> yew::AppHandle<App> {
    yew::Renderer::<App>::new().render()
}
