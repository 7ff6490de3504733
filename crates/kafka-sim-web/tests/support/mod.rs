//! Rendering components to strings on the host, shared by the ssr test files.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use yew::{BaseComponent, LocalServerRenderer};

/// Polls a future that needs no runtime (the local server renderer does not spawn) to completion.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10_000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("rendering did not finish");
}

/// Renders component `C` with `props` to its HTML.
pub fn render<C: BaseComponent>(props: C::Properties) -> String {
    block_on(
        LocalServerRenderer::<C>::with_props(props)
            .hydratable(false)
            .render(),
    )
}
