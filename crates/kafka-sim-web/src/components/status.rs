//! The line under the picture: what the simulation has done so far.

use std::rc::Rc;

use kafka_sim::SimView;
use yew::prelude::*;

/// Properties of [`StatusBar`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct StatusBarProps {
    /// The simulation's state.
    pub view: Rc<SimView>,
}

/// Seed, events processed, messages in flight and the trace hash.
#[component]
pub fn StatusBar(props: &StatusBarProps) -> Html {
    let v = &props.view;
    html! {
        <footer class="status">
            <ul>
                <li>{ format!("seed {}", v.seed) }</li>
                <li>{ format!("{} events processed", v.events_processed) }</li>
                <li>{ format!("{} in flight", v.in_flight.len()) }</li>
                <li title="Hash of the trace so far: equal runs have equal hashes">
                    { format!("trace {:016x}", v.trace_hash) }
                </li>
            </ul>
        </footer>
    }
}
