//! The cluster picture: ZooKeeper at the top, the brokers (with their partition replicas) under it,
//! the producers and consumer group members at the bottom, the links between them and the messages
//! in flight moving along the links. A click on a broker (or Enter / Space on it) opens its actions
//! menu, whose choices reach the app as session [`Command`]s through `on_command`.
//!
//! Everything drawn comes from the [`SimView`]; this component holds only what the user toggled
//! (the open menu, whether `__consumer_offsets` replicas are shown).

mod broker;
mod flights;
mod menu;
mod nodes;
mod replica;

use std::rc::Rc;

use kafka_sim::session::Command;
use kafka_sim::{NodeId, NodeKind, SimView};
use yew::prelude::*;

pub use broker::{arc_path, body_height};
pub use flights::{DEFAULT_MAX_FLIGHTS, priority, thin_flights};
pub use menu::{BrokerMenu, BrokerMenuProps, DEFAULT_LATENCY_MS, LATENCIES_MS};
pub use replica::{STRIP_CELLS, is_internal, struck_cells};

use crate::i18n::{Key, Lang, msg, t};
use crate::layout::{Layout, Row, num};

/// Properties of [`ClusterView`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct ClusterViewProps {
    /// The simulation's state.
    pub view: Rc<SimView>,
    /// The language.
    #[prop_or_default]
    pub lang: Lang,
    /// Receives the actions chosen in a broker's menu.
    #[prop_or_default]
    pub on_command: Callback<Command>,
    /// The most messages in flight drawn (the app lowers it at high speed).
    #[prop_or(DEFAULT_MAX_FLIGHTS)]
    pub max_flights: usize,
    /// Whether `__consumer_offsets` replicas are shown at first (a toggle changes it).
    #[prop_or_default]
    pub show_internal: bool,
    /// The broker whose menu is open at first (`broker.id`), if any.
    #[prop_or_default]
    pub menu_for: Option<i32>,
}

/// The SVG of the cluster, its legend and the broker menu. ZooKeeper and each broker are regions
/// named "ZooKeeper", "Broker 1", ...; the brokers are focusable.
#[component]
pub fn ClusterView(props: &ClusterViewProps) -> Html {
    let view = &props.view;
    let lang = props.lang;
    let menu = use_state(|| props.menu_for);
    let show_internal = use_state(|| props.show_internal);
    let show = *show_internal;

    let broker_body = view
        .brokers
        .iter()
        .map(|b| body_height(Some(b), show))
        .fold(10.0, f64::max);
    let signature: Vec<(NodeId, NodeKind)> = view.nodes.iter().map(|n| (n.id, n.kind)).collect();
    let layout = use_memo((signature, broker_body.to_bits()), |_| {
        Layout::of(view, broker_body)
    });

    let on_toggle = {
        let menu = menu.clone();
        Callback::from(move |b: i32| menu.set(if *menu == Some(b) { None } else { Some(b) }))
    };
    let on_close = {
        let menu = menu.clone();
        Callback::from(move |()| {
            if let Some(b) = *menu {
                focus_broker(b);
            }
            menu.set(None);
        })
    };

    let dead: Vec<NodeId> = (view.nodes.iter())
        .filter(|n| !n.up || n.isolated)
        .map(|n| n.id)
        .collect();
    let session_timeout_ms = view.settings.as_ref().map(|s| s.zookeeper_session_timeout_ms);

    let nodes = view.nodes.iter().filter_map(|n| {
        let at = *layout.node(n.id)?;
        Some(match (at.row, n.kind) {
            (Row::ZooKeeper, _) => nodes::zookeeper_glyph(lang, n, at),
            (Row::Brokers, NodeKind::Broker { broker_id }) => broker::broker_glyph(broker::BrokerDraw {
                lang,
                node: n,
                broker: broker_id.0,
                replicas: view.broker_replicas(broker_id),
                show_internal: show,
                session_timeout_ms,
                at,
                menu_open: *menu == Some(broker_id.0),
                on_toggle: on_toggle.clone(),
                on_close: on_close.clone(),
            }),
            _ => nodes::client_glyph(lang, n, at),
        })
    });
    let frames = layout.groups().iter().map(|f| {
        let panel = view.groups.iter().find(|g| g.index == f.group);
        nodes::group_frame(lang, f, panel)
    });

    let open_menu = (*menu).and_then(|b| {
        let node = view.brokers().find(|n| {
            n.kind
                == NodeKind::Broker {
                    broker_id: kafka_sim::ids::BrokerId(b),
                }
        })?;
        let at = layout.node(node.id)?;
        let position = (
            // Under the broker's box, so its replicas stay in sight while choosing.
            (at.x + 12.0) / layout.width * 100.0,
            (at.y + at.h + 4.0) / layout.height * 100.0,
        );
        Some(html! {
            <BrokerMenu broker={b} up={node.up} {lang} {position}
                        on_command={props.on_command.clone()} on_close={on_close.clone()} />
        })
    });

    let hidden = view
        .brokers
        .iter()
        .flat_map(|b| b.replicas.iter())
        .filter(|r| is_internal(r))
        .count();
    let toggle = (hidden > 0).then(|| {
        let onchange = {
            let show_internal = show_internal.clone();
            Callback::from(move |_: Event| show_internal.set(!*show_internal))
        };
        html! {
            <label class="internal-toggle">
                <input type="checkbox" checked={show} {onchange} />
                { t(lang, Key::ShowInternalReplicas) }
                { (!show).then(|| format!(" {}", msg::hidden(lang, hidden as u64))) }
            </label>
        }
    });
    let shown = view.in_flight.len().min(props.max_flights);

    html! {
        <div class="cluster-picture">
            // The menu is placed in percentages of this box, which holds only the picture.
            <div class="cluster-canvas">
            <svg
                class="cluster"
                viewBox={format!("0 0 {} {}", num(layout.width), num(layout.height))}
                preserveAspectRatio="xMidYMid meet"
                role="group"
                aria-label={t(lang, Key::ClusterPicture)}
            >
                { flights::defs() }
                <Links layout={layout.clone()} {dead} />
                <g class="groups" aria-hidden="true">{ for frames }</g>
                <g class="nodes">{ for nodes }</g>
                { flights::flights(&layout, &view.in_flight, props.max_flights) }
            </svg>
            { for open_menu }
            </div>
            <div class="cluster-footer">
                { flights::legend(lang, shown, view.in_flight.len()) }
                { for toggle }
            </div>
        </div>
    }
}

/// Properties of [`Links`].
#[derive(Clone, Debug, PartialEq, Properties)]
struct LinksProps {
    layout: Rc<Layout>,
    /// Nodes down or cut off: their links are drawn dead.
    dead: Vec<NodeId>,
}

/// The links, a component of their own so they re-render only when the layout or a node's state
/// changes, not every frame.
#[component]
fn Links(props: &LinksProps) -> Html {
    let links = props.layout.links().into_iter().map(|l| {
        let class = classes!(
            "link",
            l.to_zookeeper.then_some("link-zk"),
            (props.dead.contains(&l.a) || props.dead.contains(&l.b)).then_some("link-dead"),
        );
        html! { <path {class} d={l.route.path()} /> }
    });
    html! { <g class="links" aria-hidden="true">{ for links }</g> }
}

/// Gives the focus back to broker `b`'s box (after its menu closes).
fn focus_broker(b: i32) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&format!("broker-{b}")));
        if let Some(el) = el {
            // An SVG element: `focus` is HTMLOrSVGElement's, called structurally.
            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = b;
}
