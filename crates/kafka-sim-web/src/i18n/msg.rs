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
