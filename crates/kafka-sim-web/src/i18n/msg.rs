//! Strings with a number or a name in them, one small function each.
//!
//! Counts are written with thousands separators (`1,234`) in both languages. English uses the singular for
//! exactly one; Korean has no plural and counts with a counter word (레코드 3개, 멤버 3명). Korean particles
//! never follow a value that changes (their form depends on its last sound), only fixed words.

use super::Lang;

/// `1234567` as `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(lang: Lang, n: u64, one: &str, many: &str, ko_noun: &str, ko_counter: &str) -> String {
    match lang {
        Lang::En if n == 1 => format!("1 {one}"),
        Lang::En => format!("{} {many}", count(n)),
        Lang::Ko => format!("{ko_noun} {}{ko_counter}", count(n)),
    }
}

/// A broker's name, also its region's accessible name: "Broker 2" / "브로커 2".
pub fn broker(lang: Lang, id: u32) -> String {
    match lang {
        Lang::En => format!("Broker {id}"),
        Lang::Ko => format!("브로커 {id}"),
    }
}

/// The crash button of a broker: "Crash broker 2" / "브로커 2 강제 종료".
pub fn crash_broker(lang: Lang, id: u32) -> String {
    match lang {
        Lang::En => format!("Crash broker {id}"),
        Lang::Ko => format!("브로커 {id} 강제 종료"),
    }
}

/// The restart button of a broker: "Restart broker 2" / "브로커 2 재시작".
pub fn restart_broker(lang: Lang, id: u32) -> String {
    match lang {
        Lang::En => format!("Restart broker {id}"),
        Lang::Ko => format!("브로커 {id} 재시작"),
    }
}

/// The isolate button of a broker: "Isolate broker 2" / "브로커 2 네트워크 격리".
pub fn isolate_broker(lang: Lang, id: u32) -> String {
    match lang {
        Lang::En => format!("Isolate broker {id}"),
        Lang::Ko => format!("브로커 {id} 네트워크 격리"),
    }
}

/// The heal button of a broker: "Heal broker 2" / "브로커 2 네트워크 복구".
pub fn heal_broker(lang: Lang, id: u32) -> String {
    match lang {
        Lang::En => format!("Heal broker {id}"),
        Lang::Ko => format!("브로커 {id} 네트워크 복구"),
    }
}

/// The slow-network button of a broker: "Slow network to broker 2" / "브로커 2 네트워크 느리게".
pub fn slow_broker(lang: Lang, id: u32) -> String {
    match lang {
        Lang::En => format!("Slow network to broker {id}"),
        Lang::Ko => format!("브로커 {id} 네트워크 느리게"),
    }
}

/// A consumer group member's card title: "Member 1" / "멤버 1".
pub fn member(lang: Lang, number: u32) -> String {
    match lang {
        Lang::En => format!("Member {number}"),
        Lang::Ko => format!("멤버 {number}"),
    }
}

/// The crash button of a member: "Crash member 1" / "멤버 1 강제 종료".
pub fn crash_member(lang: Lang, number: u32) -> String {
    match lang {
        Lang::En => format!("Crash member {number}"),
        Lang::Ko => format!("멤버 {number} 강제 종료"),
    }
}

/// The close button of a member (a clean `close()`, with LeaveGroup): "Close member 1" / "멤버 1 정상 종료".
pub fn close_member(lang: Lang, number: u32) -> String {
    match lang {
        Lang::En => format!("Close member {number}"),
        Lang::Ko => format!("멤버 {number} 정상 종료"),
    }
}

/// The pause button: "Pause for 5 s" / "5초 멈추기".
pub fn pause_for(lang: Lang, seconds: u32) -> String {
    match lang {
        Lang::En => format!("Pause for {seconds} s"),
        Lang::Ko => format!("{seconds}초 멈추기"),
    }
}

/// The pause button of one member: "Pause member 1 for 5 s" / "멤버 1 5초 멈추기".
pub fn pause_member_for(lang: Lang, number: u32, seconds: u32) -> String {
    match lang {
        Lang::En => format!("Pause member {number} for {seconds} s"),
        Lang::Ko => format!("멤버 {number} {seconds}초 멈추기"),
    }
}

/// A duration in simulated milliseconds, as seconds with one decimal: "12.5 s" / "12.5초".
pub fn seconds(lang: Lang, ms: u64) -> String {
    let tenths = (ms + 50) / 100;
    let value = format!("{}.{}", count(tenths / 10), tenths % 10);
    match lang {
        Lang::En => format!("{value} s"),
        Lang::Ko => format!("{value}초"),
    }
}

/// What is left of a crashed broker's ZooKeeper session: "ZooKeeper session: 12.0 s left" /
/// "ZooKeeper 세션 12.0초 남음".
pub fn session_left(lang: Lang, ms: u64) -> String {
    match lang {
        Lang::En => format!("ZooKeeper session: {} left", seconds(lang, ms)),
        Lang::Ko => format!("ZooKeeper 세션 {} 남음", seconds(lang, ms)),
    }
}

/// A number of records: "1 record", "1,200 records" / "레코드 1,200개".
pub fn records(lang: Lang, n: u64) -> String {
    plural(lang, n, "record", "records", "레코드", "개")
}

/// A number of events: "1 event", "12 events" / "이벤트 12개".
pub fn events(lang: Lang, n: u64) -> String {
    plural(lang, n, "event", "events", "이벤트", "개")
}

/// A number of group members: "1 member", "3 members" / "멤버 3명".
pub fn members(lang: Lang, n: u64) -> String {
    plural(lang, n, "member", "members", "멤버", "명")
}

/// A number of anomalies found: "1 anomaly", "3 anomalies" / "이상 현상 3건".
pub fn anomalies(lang: Lang, n: u64) -> String {
    plural(lang, n, "anomaly", "anomalies", "이상 현상", "건")
}

/// A member's lag on its partitions: "Lag: 12 records" / "랙: 레코드 12개".
pub fn lag(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => format!("Lag: {}", records(lang, n)),
        Lang::Ko => format!("랙: {}", records(lang, n)),
    }
}

/// The count of under-replicated partitions: "2 partitions under-replicated" / "복제 부족 파티션 2개".
pub fn under_replicated(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En if n == 1 => "1 partition under-replicated".to_string(),
        Lang::En => format!("{} partitions under-replicated", count(n)),
        Lang::Ko => format!("복제 부족 파티션 {}개", count(n)),
    }
}

/// The group's generation: "Generation 3" / "세대 3".
pub fn generation(lang: Lang, generation: i32) -> String {
    match lang {
        Lang::En => format!("Generation {generation}"),
        Lang::Ko => format!("세대 {generation}"),
    }
}

/// The partition a key hashes to, in the send form: "Key goes to partition reserve-2" /
/// "키는 파티션 reserve-2에 들어갑니다" (`에` does not change with the word before it).
pub fn key_goes_to(lang: Lang, topic: &str, partition: u32) -> String {
    match lang {
        Lang::En => format!("Key goes to partition {topic}-{partition}"),
        Lang::Ko => format!("키는 파티션 {topic}-{partition}에 들어갑니다"),
    }
}

/// The event-log line of a producer restarted after an option change: "reservation-service restarted with
/// the new config (acks)" / "reservation-service: 새 설정으로 재시작했습니다 (acks)".
pub fn producer_restarted(lang: Lang, producer: &str, property: &str) -> String {
    match lang {
        Lang::En => format!("{producer} restarted with the new config ({property})"),
        Lang::Ko => format!("{producer}: 새 설정으로 재시작했습니다 ({property})"),
    }
}

/// The banner beside an option whose value Kafka refused. `kafka_message` is Kafka's own text, kept in
/// English (e.g. `Invalid value -1 for configuration linger.ms: Value must be at least 0`).
pub fn invalid_value(lang: Lang, kafka_message: &str) -> String {
    match lang {
        Lang::En => format!("{kafka_message}. The last valid value is kept."),
        Lang::Ko => format!("{kafka_message}. 마지막으로 유효했던 값을 유지합니다."),
    }
}

/// The broker menu's accessible name: "Broker 2 actions" / "브로커 2 조작".
pub fn broker_actions(lang: Lang, id: u32) -> String {
    match lang {
        Lang::En => format!("Broker {id} actions"),
        Lang::Ko => format!("브로커 {id} 조작"),
    }
}

/// A truncation struck out in a replica strip: "Truncated 12 records (offsets 100–111)" /
/// "레코드 12개 잘려 나감 (오프셋 100–111)". `to` is the last offset removed.
pub fn truncated(lang: Lang, n: u64, from: i64, to: i64) -> String {
    match lang {
        Lang::En => format!("Truncated {} (offsets {from}–{to})", records(lang, n)),
        Lang::Ko => format!("{} 잘려 나감 (오프셋 {from}–{to})", records(lang, n)),
    }
}

/// How many messages in flight the picture draws: "Showing 200 of 1,234 messages" /
/// "메시지 1,234개 중 200개 표시".
pub fn flights_shown(lang: Lang, shown: u64, total: u64) -> String {
    match lang {
        Lang::En => format!("Showing {} of {} messages", count(shown), count(total)),
        Lang::Ko => format!("메시지 {}개 중 {}개 표시", count(total), count(shown)),
    }
}

/// A hidden-replica count beside the toggle: "(3 hidden)" / "(3개 숨김)".
pub fn hidden(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => format!("({} hidden)", count(n)),
        Lang::Ko => format!("({}개 숨김)", count(n)),
    }
}

/// The restart button of a member: "Restart member 1" / "멤버 1 재시작".
pub fn restart_member(lang: Lang, number: u32) -> String {
    match lang {
        Lang::En => format!("Restart member {number}"),
        Lang::Ko => format!("멤버 {number} 재시작"),
    }
}

/// After a refused value, the value that stays: "still 5" / "5 유지".
pub fn kept_value(lang: Lang, value: &str) -> String {
    match lang {
        Lang::En => format!("still {value}"),
        Lang::Ko => format!("{value} 유지"),
    }
}

/// A hand-sent record waiting for its answer: "Sent to reserve-2, waiting for the answer" /
/// "reserve-2로 보냄, 응답 대기 중".
pub fn sent_pending(lang: Lang, topic: &str, partition: i32) -> String {
    match lang {
        Lang::En => format!("Sent to {topic}-{partition}, waiting for the answer"),
        Lang::Ko => format!("{topic}-{partition}로 보냄, 응답 대기 중"),
    }
}

/// A hand-sent record acknowledged: "Acknowledged: reserve-2 at offset 17" / "확인됨: reserve-2, 오프셋 17";
/// with no offset (acks=0): "Sent to reserve-2 with acks=0: no offset comes back".
pub fn sent_acked(lang: Lang, topic: &str, partition: i32, offset: Option<i64>) -> String {
    match (lang, offset) {
        (Lang::En, Some(o)) => format!("Acknowledged: {topic}-{partition} at offset {o}"),
        (Lang::Ko, Some(o)) => format!("확인됨: {topic}-{partition}, 오프셋 {o}"),
        (Lang::En, None) => format!("Sent to {topic}-{partition} with acks=0: no offset comes back"),
        (Lang::Ko, None) => format!("acks=0으로 {topic}-{partition}에 보냄: 오프셋은 돌아오지 않습니다"),
    }
}

/// A hand-sent record that failed for good: "Failed: reserve-2, NOT_ENOUGH_REPLICAS" /
/// "실패: reserve-2, NOT_ENOUGH_REPLICAS".
pub fn sent_failed(lang: Lang, topic: &str, partition: i32, error: &str) -> String {
    match lang {
        Lang::En => format!("Failed: {topic}-{partition}, {error}"),
        Lang::Ko => format!("실패: {topic}-{partition}, {error}"),
    }
}

/// A record the producer refused to send: "Not sent: <Kafka's message>" / "보내지 못함: <메시지>".
pub fn send_refused(lang: Lang, message: &str) -> String {
    match lang {
        Lang::En => format!("Not sent: {message}"),
        Lang::Ko => format!("보내지 못함: {message}"),
    }
}

/// A member's session arc: "Session: 3.2 s of 10.0 s since the coordinator last heard from it" /
/// "세션: 코디네이터가 마지막으로 들은 뒤 3.2초 / 10.0초".
pub fn session_of(lang: Lang, since_ms: u64, timeout_ms: u64) -> String {
    let (a, b) = (seconds(lang, since_ms), seconds(lang, timeout_ms));
    match lang {
        Lang::En => format!("Session: {a} of {b} since the coordinator last heard from it"),
        Lang::Ko => format!("세션: 코디네이터가 마지막으로 들은 뒤 {a} / {b}"),
    }
}

/// A member's poll bar: "Poll: 1.2 s of 300.0 s since the last poll()" / "poll: 마지막 poll() 뒤 1.2초 / 300.0초";
/// past the limit: "Poll overrun: 310.0 s since the last poll(), past max.poll.interval.ms (300.0 s)".
pub fn poll_of(lang: Lang, since_ms: u64, max_ms: u64) -> String {
    let (a, b) = (seconds(lang, since_ms), seconds(lang, max_ms));
    match (lang, since_ms > max_ms) {
        (Lang::En, false) => format!("Poll: {a} of {b} since the last poll()"),
        (Lang::Ko, false) => format!("poll: 마지막 poll() 뒤 {a} / {b}"),
        (Lang::En, true) => {
            format!("Poll overrun: {a} since the last poll(), past max.poll.interval.ms ({b})")
        }
        (Lang::Ko, true) => format!("poll 초과: 마지막 poll() 뒤 {a}, max.poll.interval.ms({b})를 넘김"),
    }
}

/// What a member processes: "Processing reserve-0 [10, 20) until 12.3 s" / "reserve-0 [10, 20) 처리 중, 12.3초까지".
pub fn processing_until(lang: Lang, ranges: &str, until_ms: u64) -> String {
    let until = seconds(lang, until_ms);
    match lang {
        Lang::En => format!("Processing {ranges} until {until}"),
        Lang::Ko => format!("{ranges} 처리 중, {until}까지"),
    }
}

/// A member whose poll loop is paused: "Poll loop paused until 15.0 s" / "15.0초까지 poll 루프 멈춤".
pub fn paused_until(lang: Lang, until_ms: u64) -> String {
    let until = seconds(lang, until_ms);
    match lang {
        Lang::En => format!("Poll loop paused until {until}"),
        Lang::Ko => format!("{until}까지 poll 루프 멈춤"),
    }
}

/// A member frozen by a GC pause: "Frozen (GC pause) until 15.0 s" / "15.0초까지 멈춤 (GC)".
pub fn frozen_until(lang: Lang, until_ms: u64) -> String {
    let until = seconds(lang, until_ms);
    match lang {
        Lang::En => format!("Frozen (GC pause) until {until}"),
        Lang::Ko => format!("{until}까지 멈춤 (GC)"),
    }
}

/// The last heartbeat: "at 12.3 s, every 3.0 s" / "12.3초, 3.0초마다".
pub fn heartbeat_at(lang: Lang, at_ms: Option<u64>, every_ms: u64) -> String {
    let every = seconds(lang, every_ms);
    match (lang, at_ms) {
        (Lang::En, Some(at)) => format!("at {}, every {every}", seconds(lang, at)),
        (Lang::Ko, Some(at)) => format!("{}, {every}마다", seconds(lang, at)),
        (Lang::En, None) => format!("none yet, every {every}"),
        (Lang::Ko, None) => format!("아직 없음, {every}마다"),
    }
}

/// The producer panel's title: "Producer reservation-service → reserve" / "프로듀서 reservation-service → reserve".
pub fn producer_title(lang: Lang, producer: &str, topic: &str) -> String {
    match lang {
        Lang::En => format!("Producer {producer} → {topic}"),
        Lang::Ko => format!("프로듀서 {producer} → {topic}"),
    }
}

/// The group panel's title: "Consumer group data-platform-group" / "컨슈머 그룹 data-platform-group".
pub fn group_title(lang: Lang, group: &str) -> String {
    match lang {
        Lang::En => format!("Consumer group {group}"),
        Lang::Ko => format!("컨슈머 그룹 {group}"),
    }
}

/// A topic's settings: "Topic reserve" / "토픽 reserve".
pub fn topic_title(lang: Lang, topic: &str) -> String {
    match lang {
        Lang::En => format!("Topic {topic}"),
        Lang::Ko => format!("토픽 {topic}"),
    }
}

/// Where a lesson is: "Step 2 of 5" / "5단계 중 2단계".
pub fn lesson_step(lang: Lang, step: usize, of: usize) -> String {
    match lang {
        Lang::En => format!("Step {step} of {of}"),
        Lang::Ko => format!("{of}단계 중 {step}단계"),
    }
}

/// What an import found: "3 brokers, 1 producer, 1 consumer group" / "브로커 3대, 프로듀서 1개, 컨슈머 그룹 1개".
pub fn imported(lang: Lang, brokers: u32, producers: usize, groups: usize) -> String {
    match lang {
        Lang::En => {
            let s = |n: usize| if n == 1 { "" } else { "s" };
            format!(
                "{brokers} broker{}, {producers} producer{}, {groups} consumer group{}",
                s(brokers as usize),
                s(producers),
                s(groups)
            )
        }
        Lang::Ko => format!("브로커 {brokers}대, 프로듀서 {producers}개, 컨슈머 그룹 {groups}개"),
    }
}
