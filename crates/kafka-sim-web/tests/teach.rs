//! Host tests of the teaching layer: the terminal, the lessons panel, import and export, rendered
//! with Yew's server renderer, and the teach actions through the reducer.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::rc::Rc;
use support::render;

use kafka_sim::SimTime;
use kafka_sim::lesson::StepStatus;
use kafka_sim::session::{Command, MAX_INLINE_SCENARIO_BYTES, TranscriptEntry};
use kafka_sim_web::components::lessons::{LessonsPanel, LessonsPanelProps};
use kafka_sim_web::components::port::{
    ImportResult, ImportResultView, ImportResultViewProps, encode_uri, run_import,
};
use kafka_sim_web::components::tabs::Tab;
use kafka_sim_web::components::terminal::{Terminal, TerminalProps, history_move, plain_text};
use kafka_sim_web::i18n::{Lang, has_hangul};
use kafka_sim_web::state::scenarios::session_for;
use kafka_sim_web::state::teach::{LESSON_FILES, TeachAction, lessons};
use kafka_sim_web::state::{Action, AppState, Notice};
use yew::{Callback, Reducible};

const BS: &str = "--bootstrap-server localhost:9092";
const SEED_COMPOSE: &str = include_str!("../../kafka-sim/tests/fixtures/seed/docker-compose.yml");

fn ready_state() -> Rc<AppState> {
    let mut session = session_for("seed-reserve", None).unwrap();
    session.run_until(SimTime::from_secs(3));
    Rc::new(AppState::new(session))
}

fn line(s: Rc<AppState>, l: &str) -> Rc<AppState> {
    s.reduce(Action::Teach(TeachAction::Line(l.into())))
}

fn entries(s: &AppState) -> Rc<Vec<TranscriptEntry>> {
    Rc::new(s.session().with(|s| s.transcript().entries().cloned().collect()))
}

fn terminal(s: &AppState, lang: Lang) -> String {
    render::<Terminal>(TerminalProps {
        lang,
        entries: entries(s),
        prompt: s.session().with(|s| s.shell().prompt()).into(),
        topics: Rc::new(vec!["reserve".into()]),
        on_input: Callback::noop(),
    })
}

/// Plays `d` of simulated time, frame by frame, as the page does.
fn run_for(s: Rc<AppState>, d: SimTime) -> Rc<AppState> {
    let to = s.now() + d;
    let mut s = s.reduce(Action::Seek(to));
    for _ in 0..1_000 {
        if s.chasing().is_none() {
            break;
        }
        s = s.reduce(Action::Frame { wall_ms: 16.0 });
    }
    assert!(s.now() >= to);
    s
}

#[test]
fn the_terminal_tab_is_in_the_strip() {
    assert!(Tab::ALL.contains(&Tab::Terminal));
    assert_eq!(Tab::Terminal.slug(), "terminal");
    assert_eq!(Tab::Sequence.after_key("ArrowRight"), Some(Tab::Terminal));
}

#[test]
fn typed_text_is_shown_as_text_never_markup() {
    let s = ready_state();
    let s = line(s, &format!("kafka-console-producer {BS} --topic reserve"));
    let s = line(s, "<b>x</b>");
    let html = terminal(&s, Lang::En);
    assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"), "{html}");
    assert!(!html.contains("<b>x</b>"), "{html}");
    assert!(html.contains(r#"aria-label="Terminal""#), "{html}");
    // The console producer reads records: the prompt is `>`.
    assert!(
        html.contains(r#"<span class="term-prompt">&gt;</span><input"#),
        "{html}"
    );
    let s = s.reduce(Action::Teach(TeachAction::EndOfInput));
    assert!(!s.session().with(|s| s.shell().in_progress()));
    let s = line(s, &format!("kafka-topics {BS} --list"));
    let html = terminal(&s, Lang::Ko);
    assert!(html.contains("reserve"), "{html}");
    assert!(
        html.contains(r#"<span class="term-prompt">$ </span><input"#),
        "{html}"
    );
    assert!(has_hangul(&html), "the hint is in Korean");
    let text = plain_text(&entries(&s));
    assert!(
        text.contains("> <b>x</b>\n") || text.contains("><b>x</b>\n"),
        "{text}"
    );
    assert!(text.contains(&format!("$ kafka-topics {BS} --list\n")), "{text}");
}

#[test]
fn the_console_round_trip_prints_kafkas_summary() {
    let mut s = ready_state();
    for l in [
        format!("kafka-topics {BS} --create --topic bookings --partitions 1 --replication-factor 3"),
        format!("kafka-console-producer {BS} --topic bookings"),
        r#"{"reservationId":1}"#.into(),
        r#"{"reservationId":2}"#.into(),
        "^D".into(),
        format!("kafka-console-consumer {BS} --topic bookings --from-beginning --max-messages 2"),
    ] {
        s = line(s, &l);
    }
    let last = entries(&s).last().cloned().unwrap();
    assert_eq!(
        last.output.stdout,
        "{\"reservationId\":1}\n{\"reservationId\":2}\n"
    );
    assert_eq!(last.output.stderr, "Processed a total of 2 messages\n");
    // Time travel: back to the start, the transcript is empty again.
    let s = s.reduce(Action::Seek(SimTime::ZERO));
    assert!(entries(&s).is_empty());
}

#[test]
fn history_moves_through_the_lines() {
    assert_eq!(history_move(0, None, "ArrowUp"), None);
    assert_eq!(history_move(3, None, "ArrowUp"), Some(Some(2)));
    assert_eq!(history_move(3, Some(0), "ArrowUp"), Some(Some(0)));
    assert_eq!(history_move(3, Some(1), "ArrowDown"), Some(Some(2)));
    assert_eq!(history_move(3, Some(2), "ArrowDown"), Some(None));
    assert_eq!(history_move(3, None, "ArrowDown"), None);
    assert_eq!(history_move(3, None, "Enter"), None);
}

#[test]
fn every_built_in_lesson_parses_and_the_picker_lists_them() {
    assert_eq!(LESSON_FILES.len(), 12);
    assert_eq!(lessons().len(), 12, "every embedded lesson parses");
    let html = render::<LessonsPanel>(LessonsPanelProps {
        lang: Lang::Ko,
        progress: None,
        on_action: Callback::noop(),
    });
    assert_eq!(html.matches("<option").count(), 12, "{html}");
    assert!(html.contains("acks와 min.insync.replicas"), "{html}");
    assert!(html.contains("레슨 시작"), "{html}");
}

#[test]
fn a_lesson_offers_continue_only_once_its_step_happened() {
    let s = ready_state().reduce(Action::Teach(TeachAction::StartLesson("acks".into())));
    assert!(s.teach().active());
    assert_eq!(
        s.session().with(|s| s.now()),
        SimTime::from_secs(5),
        "the lesson's start_at"
    );
    let progress = s.teach().progress_of(s.session()).unwrap();
    assert_eq!((progress.step, progress.status), (0, StepStatus::Pending));
    let panel = |p| {
        render::<LessonsPanel>(LessonsPanelProps {
            lang: Lang::Ko,
            progress: Some(p),
            on_action: Callback::noop(),
        })
    };
    let html = panel(progress);
    assert!(
        html.contains("예약 서비스(reservation-service)의 acks를 1로 바꾸자."),
        "{html}"
    );
    assert!(html.contains("기다리는 중"), "{html}");
    assert!(
        html.contains(r#"<button type="button" disabled="disabled" class="button lesson-continue">"#),
        "{html}"
    );
    let s = s.reduce(Action::Teach(TeachAction::ShowMe));
    // The producer restarts with acks=1 over the next simulated moments.
    let s = run_for(s, SimTime::from_secs(2));
    let progress = s.teach().progress_of(s.session()).unwrap();
    assert_eq!(progress.status, StepStatus::Done);
    let html = panel(progress);
    assert!(
        html.contains(r#"<button type="button" class="button lesson-continue">"#),
        "{html}"
    );
    assert!(
        html.contains("producer가 새 설정으로 다시 시작한다"),
        "the notice shows: {html}"
    );
    let s = s.reduce(Action::Teach(TeachAction::Continue));
    assert_eq!(s.teach().step_index(), Some(1));
    let s = s.reduce(Action::Teach(TeachAction::Back));
    assert_eq!(s.teach().step_index(), Some(0));
    // Leaving keeps the session.
    let hash = s.trace_hash();
    let s = s.reduce(Action::Teach(TeachAction::Leave));
    assert!(!s.teach().active());
    assert_eq!(s.trace_hash(), hash);
    // Loading another scenario also ends a lesson.
    let s = s
        .reduce(Action::Teach(TeachAction::StartLesson("leader-failover".into())))
        .reduce(Action::LoadScenario("seed-reserve".into()));
    assert!(!s.teach().active());
}

#[test]
fn the_walkthrough_counts_lines_typed_in_the_terminal() {
    let s = ready_state().reduce(Action::Teach(TeachAction::StartLesson("seed-walkthrough".into())));
    assert_eq!(
        s.teach().progress_of(s.session()).unwrap().status,
        StepStatus::Pending
    );
    let s = line(
        s,
        &format!("kafka-topics {BS} --create --topic reserve --partitions 3 --replication-factor 3"),
    );
    let out = entries(&s).last().cloned().unwrap();
    assert_eq!(out.output.stdout, "Created topic reserve.\n");
    assert_eq!(
        s.teach().progress_of(s.session()).unwrap().status,
        StepStatus::Done
    );
}

#[test]
fn the_seed_compose_file_imports_three_brokers_and_opens() {
    let result = run_import("docker-compose.yml", SEED_COMPOSE);
    let ImportResult::Ok(imported) = &result else {
        panic!("{result:?}");
    };
    assert_eq!(imported.scenario.cluster.brokers, 3);
    let html = render::<ImportResultView>(ImportResultViewProps {
        lang: Lang::En,
        result: result.clone(),
        on_open: Callback::noop(),
    });
    assert!(html.contains("3 brokers"), "{html}");
    assert!(html.contains("Ignored, with the reason"), "{html}");
    let s = ready_state().reduce(Action::Teach(TeachAction::OpenInline(imported.toml.clone())));
    assert_eq!(s.view().brokers.len(), 3);
    assert!(s.notice().is_none(), "{:?}", s.notice());
}

#[test]
fn invalid_values_get_kafkas_message_and_oversized_scenarios_a_clear_one() {
    let result = run_import(
        "application.yml",
        "spring:\n  kafka:\n    producer:\n      acks: 2\n",
    );
    let html = render::<ImportResultView>(ImportResultViewProps {
        lang: Lang::En,
        result,
        on_open: Callback::noop(),
    });
    assert!(
        html.contains("Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"),
        "{html}"
    );
    assert!(html.contains(r#"role="alert""#), "{html}");
    let big = format!("seed = 1\n#{}\n", "x".repeat(MAX_INLINE_SCENARIO_BYTES));
    let s = ready_state().reduce(Action::Teach(TeachAction::OpenInline(big)));
    match s.notice() {
        Some(Notice::LoadFailed(m)) => assert!(m.contains("at most"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn exports_carry_the_sessions_option_changes() {
    use kafka_sim::port::{ExportFormat, ExportOptions, export};
    let s = ready_state().reduce(Action::Apply(Command::SetProducerConfig {
        producer: "reservation-service".into(),
        name: "linger.ms".into(),
        value: "50".into(),
    }));
    let scenario = s.session().with(|s| s.current_scenario());
    let text = export(
        &scenario,
        ExportFormat::ProducerProperties,
        &ExportOptions::default(),
    )
    .unwrap()
    .text;
    assert!(text.lines().any(|l| l == "linger.ms=50"), "{text}");
    let spring = export(&scenario, ExportFormat::Spring, &ExportOptions::default())
        .unwrap()
        .text;
    assert!(spring.contains("linger"), "{spring}");
    assert_eq!(encode_uri("a b\n<x>"), "a%20b%0A%3Cx%3E");
}
