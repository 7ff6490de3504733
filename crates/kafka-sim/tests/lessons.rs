//! Every lesson under `www/lessons/` played headless with its solutions: each step's condition is
//! Pending before its solution and reached after it, within the step's bound. Going back a step
//! restores the session to that step's start. Invalid lesson files get errors naming the file,
//! the step and the key.
//!
//! Shell steps: the headless run types a shell solution's lines into the session's terminal
//! (`Command::Shell`, run by the session's shell), so their effects are simulated too.

use kafka_sim::lesson::{Lesson, LessonRun, StepStatus, run_headless};
use kafka_sim::session::{Command, Session};
use kafka_sim::time::SimTime;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn toml_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

fn scenario_names() -> Vec<String> {
    (toml_files(&root().join("tests/scenarios")).into_iter())
        .map(|(n, _)| n.trim_end_matches(".toml").to_owned())
        .collect()
}

fn parse(file: &str, text: &str) -> Result<Lesson, kafka_sim::lesson::LessonError> {
    let names = scenario_names();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    Lesson::parse(file, text, &refs)
}

fn lesson(name: &str) -> Lesson {
    let text = std::fs::read_to_string(root().join(format!("www/lessons/{name}.toml"))).unwrap();
    parse(name, &text).unwrap()
}

fn session_of(l: &Lesson) -> Session {
    let text = std::fs::read_to_string(root().join(format!("tests/scenarios/{}.toml", l.scenario))).unwrap();
    l.session(&text).unwrap()
}

#[test]
fn every_lesson_reaches_every_step() {
    let files = toml_files(&root().join("www/lessons"));
    let mut ids = Vec::new();
    let mut failures = Vec::new();
    let mut shell_steps = 0;
    for (file, text) in &files {
        let l = parse(file, text).unwrap_or_else(|e| panic!("{e}"));
        let mut session = session_of(&l);
        let mut terminal = |s: &mut Session, line: &str| {
            s.apply(Command::Shell { line: line.into() })
                .unwrap_or_else(|e| panic!("{line}: {e}"));
        };
        let (_, reports) =
            run_headless(&l, &mut session, Some(&mut terminal)).unwrap_or_else(|e| panic!("{e}"));
        if l.id == "seed-walkthrough" {
            let text = session.transcript().plain_text();
            for expected in [
                "Created topic reserve.\n",
                "PartitionCount: 3",
                "{\"reservationId\":3}\n",
                "Processed a total of 3 messages\n",
            ] {
                assert!(text.contains(expected), "{expected} missing from:\n{text}");
            }
        }
        assert_eq!(reports.len(), l.steps.len());
        for r in &reports {
            assert!(!r.shell_untyped, "{file}: the terminal ran every line");
            shell_steps += usize::from(
                l.steps[r.index]
                    .solution
                    .iter()
                    .any(|a| matches!(a, kafka_sim::lesson::Action::Shell(_))),
            );
            if !r.ok() {
                failures.push(format!("{file}: step {}: {r:?}", r.index + 1));
            }
        }
        ids.push(l.id.clone());
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // One lesson per option the seed documents, plus the walkthrough, failover and unclean election.
    for id in [
        "acks",
        "acks-zero",
        "linger",
        "retries",
        "serde",
        "max-poll",
        "heartbeat",
        "auto-commit",
        "group-id",
        "seed-walkthrough",
        "leader-failover",
        "unclean-election",
    ] {
        assert!(ids.iter().any(|i| i == id), "no lesson {id}: {ids:?}");
    }
    // The walkthrough's five steps are typed in the terminal.
    assert_eq!(shell_steps, 5, "shell steps");
}

#[test]
fn a_condition_is_pending_until_its_solution() {
    let l = lesson("leader-failover");
    let mut s = session_of(&l);
    let mut run = LessonRun::new(l.clone());
    run.start_step(&mut s).unwrap();
    s.run_until(s.now() + SimTime::from_secs(3));
    assert_eq!(
        run.check(&mut s),
        StepStatus::Pending,
        "time alone does not crash the leader"
    );
    // A broker that is not the leader of reserve-0 does not count.
    let leader = s.sim().view().partition("reserve", 0).unwrap().leader.unwrap();
    let other = if leader.0 == 1 { 2 } else { 1 };
    run.apply(&mut s, kafka_sim::session::Command::CrashBroker { broker: other })
        .unwrap();
    assert_eq!(run.check(&mut s), StepStatus::Pending, "a follower crashed");
    run.apply(
        &mut s,
        kafka_sim::session::Command::CrashBroker { broker: leader.0 },
    )
    .unwrap();
    assert_eq!(run.check(&mut s), StepStatus::Done);
}

#[test]
fn going_back_a_step_restores_its_start() {
    let l = lesson("leader-failover");
    let mut s = session_of(&l);
    let mut run = LessonRun::new(l.clone());
    run.start_step(&mut s).unwrap();
    let (start, hash) = (s.position(), s.trace_hash());
    for item in l.steps[0].solution.clone() {
        run.apply_item(&mut s, &item).unwrap();
    }
    assert_eq!(run.check(&mut s), StepStatus::Done);
    assert!(run.next(&mut s).unwrap());
    s.run_until(s.now() + SimTime::from_secs(20));
    assert_eq!(run.check(&mut s), StepStatus::Done, "the new leader was elected");
    assert!(run.back(&mut s));
    assert_eq!(run.step_index(), 0);
    assert_eq!(s.position(), start, "the clock of step 1's start");
    assert_eq!(s.trace_hash(), hash);
    assert!(s.log().is_empty(), "the crash was forgotten: {:?}", s.log());
    // The crash does not replay as the session runs on: the step waits for the learner again.
    s.run_until(s.now() + SimTime::from_secs(5));
    assert_eq!(run.check(&mut s), StepStatus::Pending);
    assert!(s.sim().view().brokers().all(|b| b.up));
}

#[test]
fn going_back_keeps_the_earlier_steps_setup() {
    // Step 2 of the acks lesson slows the followers in its setup; going back to it from step 3
    // keeps that setup (it is part of the step's start) and drops the crash that followed.
    let l = lesson("acks");
    let mut s = session_of(&l);
    let mut run = LessonRun::new(l.clone());
    run.start_step(&mut s).unwrap();
    for item in l.steps[0].solution.clone() {
        run.apply_item(&mut s, &item).unwrap();
    }
    run.next(&mut s).unwrap();
    let (start, applied) = (s.position(), s.applied());
    for item in l.steps[1].solution.clone() {
        run.apply_item(&mut s, &item).unwrap();
    }
    run.next(&mut s).unwrap();
    s.run_until(s.now() + SimTime::from_secs(2));
    assert!(run.back(&mut s));
    assert_eq!(run.step_index(), 1);
    assert_eq!(s.now(), start.at);
    assert_eq!(s.applied(), applied);
    assert_eq!(s.log().len(), applied);
    assert_eq!(s.log().last().unwrap().command.name(), "slow_broker");
}

#[test]
fn shell_lines_match_patterns_with_spacing_and_sh_suffix() {
    let l = lesson("seed-walkthrough");
    let mut s = session_of(&l);
    let mut run = LessonRun::new(l);
    run.start_step(&mut s).unwrap();
    run.on_shell_line("kafka-topics --bootstrap-server localhost:9092 --list");
    assert_eq!(run.check(&mut s), StepStatus::Pending, "not a create");
    run.on_shell_line(
        "kafka-topics.sh   --bootstrap-server localhost:9092 --topic reserve  --create --partitions 3",
    );
    assert_eq!(run.check(&mut s), StepStatus::Done);
}

#[test]
fn invalid_lessons_are_refused_with_file_step_and_key() {
    let files = toml_files(&root().join("tests/lessons/invalid"));
    assert!(files.len() >= 6, "{files:?}");
    for (file, text) in &files {
        let expect = (text.lines().next())
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{file}: first line must be `# expect: ...`"));
        match parse(file, text) {
            Ok(_) => panic!("{file}: expected an error"),
            Err(e) => assert!(e.to_string().contains(expect), "{file}: {e}\nexpected: {expect}"),
        }
    }
    // Garbage and huge input: errors, never panics.
    for text in ["", "id = ", "[[steps]]\nx = 1", "\u{0}", &"a".repeat(300 * 1024)] {
        assert!(parse("junk.toml", text).is_err());
    }
}
