use kafka_sim::lesson::{Lesson, LessonRun};
use kafka_sim::time::SimTime;
#[test]
fn dbg_start() {
    let root = format!("{}/../..", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(format!("{root}/www/lessons/acks.toml")).unwrap();
    let l = Lesson::parse("x", &text, &["seed-reserve"]).unwrap();
    let sc = std::fs::read_to_string(format!("{root}/tests/scenarios/seed-reserve.toml")).unwrap();
    let mut s = l.session(&sc).unwrap();
    let mut run = LessonRun::new(l.clone());
    run.start_step(&mut s).unwrap();
    for item in l.steps[0].solution.clone() { run.apply_item(&mut s, &item).unwrap(); }
    s.run_until(SimTime::from_secs(6));
    run.next(&mut s).unwrap();
    let v = s.sim().view();
    println!("{:?}", v.partition("reserve", 0));
    for item in l.steps[1].solution.clone() { run.apply_item(&mut s, &item).unwrap(); }
    println!("{:?}", v.producers[0].config);
    for t in [10, 20, 30, 40] {
        s.run_until(SimTime::from_secs(t));
        let v = s.sim().view();
        println!("{t}: {:?} {:?}", v.partition("reserve", 0), v.producers[0].stats);
        let a = s.sim_mut().anomalies();
        println!("lost {} acked {} sent {}", a.lost, a.acked, a.sent);
    }
}
