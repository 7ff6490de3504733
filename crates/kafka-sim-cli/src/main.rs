//! kafka-sim CLI
fn main() {}
