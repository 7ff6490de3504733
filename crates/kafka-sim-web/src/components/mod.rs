//! The page's components. Each is a small function component that draws what it is given and
//! reports what the user did through callbacks; only [`Playground`] holds state.

mod app;
mod cluster;
mod header;
pub mod panels;
mod status;

pub use app::{App, AppProps, Playground, PlaygroundProps, use_frame_loop};
pub use cluster::{ClusterView, ClusterViewProps, NodeGlyph, NodeGlyphProps};
pub use header::{Header, HeaderProps, format_clock};
pub use status::{StatusBar, StatusBarProps};
