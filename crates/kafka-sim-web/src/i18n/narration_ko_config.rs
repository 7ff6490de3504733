//! Korean sentences for configuration changes made while the cluster runs: topic and broker
//! configs, consumer restarts with new properties, and a group's commit mode.

use kafka_sim::view::Narration;

use super::narration_ko::{duration, ga, ro};

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

/// What a topic config's new value means.
fn topic_effect(name: &str, value: &str) -> String {
    match (name, value) {
        ("min.insync.replicas", v) => format!(
            "이제 acks=all 쓰기는 동기화된 레플리카 {v}개가 필요하다 (모자라면 NOT_ENOUGH_REPLICAS). acks=0과 \
             acks=1은 기다리지 않는다"
        ),
        ("unclean.leader.election.enable", "true") => {
            "ISR에 남은 레플리카가 없으면 ISR 밖의 레플리카도 리더가 \
             될 수 있다: 파티션은 돌아오지만, 새 리더에 없는 확인된 레코드는 사라진다"
                .to_string()
        }
        ("unclean.leader.election.enable", _) => {
            "동기화된 레플리카만 리더가 될 수 있다: 남은 것이 없으면 확인된 \
             레코드를 잃는 대신 파티션이 오프라인으로 남는다"
                .to_string()
        }
        _ => "kafka-configs --alter처럼 바로 적용된다".to_string(),
    }
}

/// The Korean sentence for a configuration change (other narrations: an empty string).
pub(super) fn korean_config(n: &Narration) -> String {
    use Narration as N;
    match n {
        N::TopicConfigChanged {
            topic,
            name,
            value,
            was,
        } => format!(
            "토픽 {topic}의 {} {} 바뀌었다 (이전 {was}): {}",
            ga(name),
            ro(value),
            topic_effect(name, value)
        ),
        N::BrokerConfigChanged { name, value, was } => {
            let lag = value.parse::<u64>().map(duration).ok();
            format!(
                "모든 브로커의 server.properties에서 {} {} 바뀌었다 (이전 {was}): Kafka 3.7에서 읽기 전용 \
                 설정이라 각 브로커가 다음에 시작할 때부터 쓴다{}",
                ga(name),
                ro(value),
                match (name.as_str(), lag) {
                    ("replica.lag.time.max.ms", Some(l)) => {
                        format!(". 그때부터 리더보다 {l} 넘게 뒤처진 팔로워는 ISR에서 빠진다")
                    }
                    _ => String::new(),
                }
            )
        }
        N::ConsumersRestarted {
            group,
            member,
            changes,
        } => {
            let c: Vec<String> = changes.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let who = member.map_or_else(
                || format!("그룹 {group}의 멤버들이"),
                |m| ga(&format!("멤버 {group}/{m}")),
            );
            format!(
                "{who} {} 다시 시작한다: close()(커밋, LeaveGroup) 후 새 컨슈머가 참여한다",
                ro(&c.join(", "))
            )
        }
        N::CommitModeChanged { group, mode, was } => format!(
            "그룹 {group}의 커밋 방식이 {}에서 {} 바뀌어 멤버들이 다시 시작한다 (close() 후 다시 참여): {}",
            commit_mode(was),
            ro(commit_mode(mode)),
            commit_effect(mode)
        ),
        _ => String::new(),
    }
}
