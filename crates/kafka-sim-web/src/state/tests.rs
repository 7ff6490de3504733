//! Reducer tests: play, step, step back, seek, forks, scenarios and seeds, notices.

use super::*;
use crate::state::scenarios::default_session;
use kafka_sim::session::Command;

fn state() -> Rc<AppState> {
    Rc::new(AppState::new(default_session()).with_clock(|| 0.0))
}

fn ms(n: u64) -> SimTime {
    SimTime::from_millis(n)
}

#[test]
fn frames_advance_only_while_playing() {
    let s = state().reduce(Action::Frame { wall_ms: 50.0 });
    assert_eq!(s.now(), SimTime::ZERO);
    let s = s.reduce(Action::Play).reduce(Action::Frame { wall_ms: 50.0 });
    assert_eq!(s.now(), ms(50));
    assert_eq!(s.frame(), 1);
    let s = s.reduce(Action::Pause).reduce(Action::Frame { wall_ms: 50.0 });
    assert_eq!(s.now(), ms(50));
}

#[test]
fn speed_scales_the_advance() {
    let fast = Speed::from_index(6).unwrap(); // 10×
    let s = state().reduce(Action::SetSpeed(fast)).reduce(Action::Play);
    let s = s.reduce(Action::Frame { wall_ms: 20.0 });
    assert_eq!(s.now(), ms(200));
}

#[test]
fn unchanged_commands_keep_the_state() {
    let s = state();
    assert!(Rc::ptr_eq(&s, &s.clone().reduce(Action::Pause)));
    assert!(Rc::ptr_eq(
        &s,
        &s.clone().reduce(Action::SetSpeed(Speed::REAL_TIME))
    ));
    assert!(Rc::ptr_eq(&s, &s.clone().reduce(Action::SetLang(Lang::En))));
    assert!(Rc::ptr_eq(&s, &s.clone().reduce(Action::DismissNotice)));
    assert!(Rc::ptr_eq(&s, &s.clone().reduce(Action::SetSeed(42))));
}

#[test]
fn step_moves_one_event_and_step_back_returns_exactly() {
    let s = state().reduce(Action::Seek(ms(1_500)));
    let s = s.reduce(Action::Frame { wall_ms: 16.0 });
    assert_eq!(s.now(), ms(1_500));
    assert_eq!(s.chasing(), None);
    let (before_hash, before_now, before_step) = (s.trace_hash(), s.now(), s.step_count());
    let s = s.reduce(Action::Play).reduce(Action::Step);
    assert!(!s.playing(), "Step pauses");
    assert_eq!(s.step_count(), before_step + 1);
    assert!(s.now() >= before_now);
    assert_ne!(s.trace_hash(), before_hash);
    let after_hash = s.trace_hash();
    let s = s.reduce(Action::StepBack);
    assert_eq!(s.step_count(), before_step);
    assert_eq!(s.trace_hash(), before_hash);
    let s = s.reduce(Action::Step);
    assert_eq!(s.trace_hash(), after_hash, "stepping again is deterministic");
}

#[test]
fn seek_back_restores_and_seek_forward_runs_over_frames() {
    let s = state().reduce(Action::Seek(ms(3_000)));
    assert_eq!(s.chasing(), Some(ms(3_000)));
    assert!(s.running() && !s.playing());
    let s = s.reduce(Action::Frame { wall_ms: 16.0 });
    assert_eq!(s.now(), ms(3_000));
    assert!(!s.running());
    let at_3s = s.trace_hash();
    let s = s.reduce(Action::Seek(ms(1_000)));
    assert_eq!(s.now(), ms(1_000));
    assert_eq!(s.chasing(), None);
    let s = s
        .reduce(Action::Seek(ms(3_000)))
        .reduce(Action::Frame { wall_ms: 0.0 });
    assert_eq!(s.trace_hash(), at_3s, "the same run to the same time");
}

#[test]
fn acting_after_a_seek_back_forks_history() {
    let crash = Command::CrashBroker { broker: 2 };
    let s = state()
        .reduce(Action::Seek(ms(2_000)))
        .reduce(Action::Frame { wall_ms: 0.0 });
    let s = s.reduce(Action::Apply(crash.clone()));
    assert_eq!(s.notice(), None);
    assert_eq!(s.actions(), 1);
    let s = s
        .reduce(Action::Seek(ms(4_000)))
        .reduce(Action::Frame { wall_ms: 0.0 });
    let s = s.reduce(Action::Apply(Command::RestartBroker { broker: 2 }));
    assert_eq!(s.actions(), 2);
    // Back before the restart, and act: the restart is dropped, the crash stays.
    let s = s.reduce(Action::Seek(ms(3_000)));
    assert_eq!(s.actions(), 2, "a seek alone keeps the log");
    let s = s.reduce(Action::Apply(Command::HealNetwork));
    let log = s.permalink().actions;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].command, crash);
    assert_eq!(log[1].command, Command::HealNetwork);
}

#[test]
fn a_refused_command_shows_kafkas_message_and_changes_nothing() {
    let s = state();
    let before = s.trace_hash();
    let s = s.reduce(Action::Apply(Command::SetProducerConfig {
        producer: "reservation-service".into(),
        name: "linger.ms".into(),
        value: "-1".into(),
    }));
    match s.notice() {
        Some(Notice::Refused(m)) => assert!(m.contains("linger.ms"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.actions(), 0);
    assert_eq!(s.trace_hash(), before);
}

#[test]
fn scenarios_and_seeds_start_fresh_runs() {
    let s = state()
        .reduce(Action::Seek(ms(1_000)))
        .reduce(Action::Frame { wall_ms: 0.0 });
    let s = s.reduce(Action::SetSeed(7));
    assert_eq!((s.seed(), s.now()), (7, SimTime::ZERO));
    assert_eq!(s.scenario_name().as_deref(), Some("seed-reserve"));
    let s = s.reduce(Action::LoadScenario("acks1-leader-crash".into()));
    assert_eq!(s.scenario_name().as_deref(), Some("acks1-leader-crash"));
    assert_eq!(s.seed(), 42);
    let s = s.reduce(Action::LoadScenario("no-such".into()));
    assert!(matches!(s.notice(), Some(Notice::LoadFailed(_))));
    assert_eq!(s.scenario_name().as_deref(), Some("acks1-leader-crash"));
}

#[test]
fn opening_a_permalink_reproduces_the_trace_hash() {
    let s = state()
        .reduce(Action::Seek(ms(2_000)))
        .reduce(Action::Frame { wall_ms: 0.0 });
    let s = s
        .reduce(Action::Apply(Command::CrashBroker { broker: 1 }))
        .reduce(Action::Step);
    let link = s.permalink();
    let fresh = state().reduce(Action::Open(link));
    assert_eq!(fresh.trace_hash(), s.trace_hash());
    assert_eq!(fresh.now(), s.now());
}

#[test]
fn the_timeline_ends_at_the_scenario_duration_or_the_clock() {
    let s = state();
    assert_eq!(s.timeline_end(), SimTime::from_secs(60));
    let s = s
        .reduce(Action::Seek(SimTime::from_secs(61)))
        .reduce(Action::Frame { wall_ms: 0.0 });
    let s = s.reduce(Action::Frame { wall_ms: 0.0 });
    let s = s.reduce(Action::Frame { wall_ms: 0.0 });
    assert!(s.timeline_end() >= s.now());
}

#[test]
fn bad_links_keep_persistence_off_until_the_user_acts() {
    let s = Rc::new(
        AppState::new(default_session())
            .with_persist(false)
            .with_notice(Some(Notice::BadLink("x".into()))),
    );
    assert!(!s.persist());
    let s = s.reduce(Action::SetLang(Lang::Ko));
    assert!(!s.persist(), "a language switch is not work to save");
    assert_eq!(s.lang(), Lang::Ko);
    let s = s.reduce(Action::Play);
    assert!(s.persist());
}

#[test]
fn a_long_permalink_resumes_over_frames_and_acting_settles_it_first() {
    let s = state()
        .reduce(Action::Seek(SimTime::from_secs(6)))
        .reduce(Action::Frame { wall_ms: 0.0 });
    let s = s
        .reduce(Action::Frame { wall_ms: 0.0 })
        .reduce(Action::Frame { wall_ms: 0.0 });
    assert_eq!(s.now(), SimTime::from_secs(6));
    let s = s
        .reduce(Action::Apply(Command::CrashBroker { broker: 2 }))
        .reduce(Action::Step);
    let (link, hash) = (s.permalink(), s.trace_hash());

    let opened = state().reduce(Action::Open(link.clone()));
    assert!(opened.resuming() && opened.running());
    assert_eq!(opened.now(), SimTime::ZERO);
    let mut r = opened;
    for _ in 0..100 {
        if !r.resuming() {
            break;
        }
        r = r.reduce(Action::Frame { wall_ms: 16.0 });
    }
    assert!(!r.resuming() && !r.running());
    assert_eq!(r.trace_hash(), hash);

    // A Step while resuming lands after the link's position, with its actions kept.
    let r = state().reduce(Action::Open(link)).reduce(Action::Step);
    assert!(!r.resuming());
    assert_eq!(r.actions(), 1);
    assert_eq!(r.step_count(), s.step_count() + 1);
}

#[test]
fn slow_frames_simulate_without_rerendering_and_a_pause_shows_the_final_state() {
    let s = state()
        .reduce(Action::Play)
        .reduce(Action::Frame { wall_ms: 0.0 });
    let s = s.reduce(Action::Frame { wall_ms: 16.0 });
    assert_eq!((s.now(), s.frame()), (ms(16), 2), "cheap frames publish");
    // The frame after that publish came late: the next frame only runs the simulation.
    let same = s.clone().reduce(Action::Frame { wall_ms: 40.0 });
    assert!(Rc::ptr_eq(&s, &same), "no new state, no re-render");
    assert_eq!(same.now(), ms(16), "the page still shows the published view");
    let s = same.reduce(Action::Frame { wall_ms: 16.0 });
    assert_eq!(s.now(), ms(72), "the next frame publishes, with the time of both");
    let s = s.reduce(Action::Frame { wall_ms: 16.0 });
    assert_eq!(s.now(), ms(72));
    let s = s.reduce(Action::Pause);
    assert_eq!(s.now(), ms(88), "a pause publishes the final state");
    let hash = s.trace_hash();
    let fresh = state()
        .reduce(Action::Seek(ms(88)))
        .reduce(Action::Frame { wall_ms: 0.0 });
    assert_eq!(fresh.trace_hash(), hash, "pacing never changes the run");
}
