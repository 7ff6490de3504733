//! The page's components. Each is a small function component that draws what it is given and
//! reports what the user did through callbacks; only [`App`] holds state.

mod about;
mod app;
mod banner;
pub mod cluster;
mod header;
mod lang_switch;
pub mod lessons;
pub mod panels;
pub mod port;
mod share;
mod status;
pub mod tabs;
pub mod terminal;
mod timeline;
mod workspace;

pub use about::{AboutPanel, AboutPanelProps};
pub use app::{App, AppProps, SAVE_EVERY_FRAMES, use_frame_loop};
pub use banner::{NoticeBanner, NoticeBannerProps};
pub use cluster::{BrokerMenu, BrokerMenuProps, ClusterView, ClusterViewProps};
pub use header::{Header, HeaderProps, format_clock};
pub use lang_switch::{LangSwitch, LangSwitchProps};
pub use share::{ShareButton, ShareButtonProps};
pub use status::{StatusBar, StatusBarProps};
pub use timeline::{TIMELINE_STEP_MS, Timeline, TimelineProps};
pub use workspace::{Workspace, WorkspaceProps};
