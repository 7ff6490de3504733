//! The root: builds the simulation, owns the state, runs the animation loop.

use gloo::render::{AnimationFrame, request_animation_frame};
use kafka_sim::{SimSpec, Simulation};
use yew::prelude::*;

use super::{ClusterView, Header, StatusBar};
use crate::speed::Speed;
use crate::state::{Action, AppState, SharedSim};

/// Properties of [`App`].
#[derive(Clone, Debug, Default, PartialEq, Properties)]
pub struct AppProps {
    /// The cluster to simulate; the seed's system by default.
    #[prop_or_default]
    pub spec: SimSpec,
}

/// The whole page: builds the simulation described by `spec` and shows it.
#[component]
pub fn App(props: &AppProps) -> Html {
    let built = use_memo(props.spec.clone(), |spec| {
        Simulation::new(spec.clone()).map(SharedSim::new)
    });
    match &*built {
        // Keyed by the spec: a new spec mounts a fresh playground with fresh state.
        Ok(sim) => html! { <Playground key={format!("{:?}", props.spec)} sim={sim.clone()} /> },
        Err(err) => html! {
            <main class="app">
                <h1>{ "Kafka Playground" }</h1>
                <p role="alert" class="error">{ format!("This cluster cannot be built: {err}") }</p>
            </main>
        },
    }
}

/// Properties of [`Playground`].
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct PlaygroundProps {
    /// The simulation to show and drive.
    pub sim: SharedSim,
}

/// The playground for one simulation: header, cluster picture and status bar, wired to the state.
#[component]
pub fn Playground(props: &PlaygroundProps) -> Html {
    let state = {
        let sim = props.sim.clone();
        use_reducer(move || AppState::new(sim))
    };

    let on_frame = {
        let dispatch = state.dispatcher();
        Callback::from(move |wall_ms: f64| dispatch.dispatch(Action::Frame { wall_ms }))
    };
    use_frame_loop(state.playing(), state.frame(), on_frame);

    let on_play = {
        let dispatch = state.dispatcher();
        Callback::from(move |()| dispatch.dispatch(Action::Play))
    };
    let on_pause = {
        let dispatch = state.dispatcher();
        Callback::from(move |()| dispatch.dispatch(Action::Pause))
    };
    let on_speed = {
        let dispatch = state.dispatcher();
        Callback::from(move |speed: Speed| dispatch.dispatch(Action::SetSpeed(speed)))
    };

    html! {
        <div class="app">
            <Header
                now={state.now()}
                playing={state.playing()}
                speed={state.speed()}
                {on_play}
                {on_pause}
                {on_speed}
            />
            <main class="stage">
                <ClusterView view={state.view().clone()} />
            </main>
            <StatusBar view={state.view().clone()} />
        </div>
    }
}

/// Asks for one animation frame whenever `running` is true and `frame` changes, and reports the
/// wall-clock milliseconds since the previous frame to `on_frame` (0 for the first frame after a
/// start, so a pause never counts as time).
///
/// Driving the loop from `frame` (which the state bumps on every processed frame) means exactly one
/// frame is pending at a time, and stopping is just a render with `running == false`: the pending
/// frame is cancelled when its handle drops.
#[hook]
pub fn use_frame_loop(running: bool, frame: u64, on_frame: Callback<f64>) {
    let last = use_mut_ref(|| None::<f64>);
    use_effect_with((running, frame), move |&(running, _)| {
        let pending: Option<AnimationFrame> = if running {
            Some(request_animation_frame(move |timestamp| {
                let previous = last.borrow_mut().replace(timestamp);
                on_frame.emit(previous.map_or(0.0, |p| timestamp - p));
            }))
        } else {
            *last.borrow_mut() = None;
            None
        };
        move || drop(pending)
    });
}
