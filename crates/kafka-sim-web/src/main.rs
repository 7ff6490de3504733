//! The Kafka Playground page, built by Trunk (`index.html` at the repository root).

#[cfg(target_arch = "wasm32")]
fn main() {
    // The handle is not needed: the app lives as long as the page.
    let _app = kafka_sim_web::start_page();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kafka-sim-web runs in the browser: `trunk serve` from the repository root.");
}
