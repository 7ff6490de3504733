//! Korean sentences for configuration changes made while the cluster runs: topic and broker
//! configs, consumer restarts with new properties, and a group's commit mode.

use kafka_sim::view::Narration;

use super::narration_ko::ro;

/// The commit mode, named as the Korean study note does.
fn commit_mode(mode: &str) -> &'static str {
    match mode {
        "auto" => "자동 커밋(enable.auto.commit, auto.commit.interval.ms마다)",
        "manual" => "처리 후 커밋(commitSync)",
        "before" => "처리 전 커밋(먼저 commitSync)",
        _ => "알 수 없는 방식",
    }
}

/// What a commit mode means when a member dies.
fn commit_effect(mode: &str) -> &'static str {
    match mode {
        "auto" => {
            "poll()이 직전 poll의 레코드를 커밋하므로, 장애가 나면 마지막 자동 커밋 이후 처리한 레코드가 \
                   다시 전달된다"
        }
        "manual" => "최소 한 번(at-least-once): 장애가 나면 마지막 커밋 이후 처리한 레코드가 다시 전달된다",
        "before" => "최대 한 번(at-most-once): 장애가 나면 커밋했지만 아직 처리하지 못한 레코드를 건너뛴다",
        _ => "",
    }
}

/// The Korean sentence for a configuration change (other narrations: an empty string).
pub(super) fn korean_config(n: &Narration) -> String {
    use Narration as N;
    match n {
        N::CommitModeChanged { group, mode, was } => format!(
            "그룹 {group}의 커밋 방식이 {}에서 {} 바뀌어 멤버들이 다시 시작한다 (close() 후 다시 참여): {}",
            commit_mode(was),
            ro(commit_mode(mode)),
            commit_effect(mode)
        ),
        _ => String::new(),
    }
}
