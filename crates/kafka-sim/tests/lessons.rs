use kafka_sim::lesson::Lesson;
#[test]
fn dbg_start() {
    let root = format!("{}/../..", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(format!("{root}/www/lessons/leader-failover.toml")).unwrap();
    let l = Lesson::parse("x", &text, &["seed-reserve"]).unwrap();
    println!("start_at {:?}", l.start_at);
    let sc = std::fs::read_to_string(format!("{root}/tests/scenarios/seed-reserve.toml")).unwrap();
    let s = l.session(&sc).unwrap();
    println!("now {:?} parts {}", s.now(), s.sim().view().partitions.len());
}
