//! The event log in Korean: one plain sentence per [`Narration`], in the plain written style
//! (~했다, ~된다) of the project's Korean study note.
//!
//! Kafka's names stay as they are (ISR, `replica.lag.time.max.ms`, `poll()`, error names), and so do
//! the simulation's names (partitions such as `reserve-0`, member `client.id`s). Particles that follow
//! a name or a number take the form its last sound asks for (브로커 2가, 브로커 3으로, 1,3으로 but
//! 3,1로), read the way Korean readers say them: digits as Sino-Korean numbers, Latin letters by
//! their English names.

use kafka_sim::ids::BrokerId;
use kafka_sim::view::{Actor, IsrChange, LeaderMove, Narration, RebalanceCause, RemovalCause};

/// How a word ends when read aloud, which decides the form of a particle after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coda {
    /// An open syllable (브로커, 2 "이", `app` "피").
    Vowel,
    /// A final ㄹ (1 "일", 7, 8, `l`, `r`): takes 이/을/은/과 but 로.
    Rieul,
    /// Any other final consonant (3 "삼", 0 "영", `m`, `n`).
    Consonant,
}

/// The coda of the last pronounced character of `word` (closing brackets, quotes and the like are
/// skipped; an empty or unreadable word counts as a vowel).
///
/// A last token that is a single letter or a short all-caps abbreviation is read letter by letter
/// (`t` 티, `ISR` 아이에스알); a longer Latin word as Korean writes the loanword (`ZooKeeper` 주키퍼,
/// `stream` 스트림, `app` 앱, `pool` 풀).
fn coda(word: &str) -> Coda {
    let Some(c) = word.chars().rev().find(|c| c.is_alphanumeric()) else {
        return Coda::Vowel;
    };
    let token: String = (word.chars().rev())
        .skip_while(|c| !c.is_alphanumeric())
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let spelled = token.len() == 1 || (token.len() <= 4 && token.chars().all(|c| c.is_ascii_uppercase()));
    match c {
        '\u{AC00}'..='\u{D7A3}' => match (c as u32 - 0xAC00) % 28 {
            0 => Coda::Vowel,
            8 => Coda::Rieul,
            _ => Coda::Consonant,
        },
        // 영, 일, 이, 삼, 사, 오, 육, 칠, 팔, 구; a trailing zero is read 십, 백, 천, 만 (all closed).
        '0' | '3' | '6' => Coda::Consonant,
        '1' | '7' | '8' => Coda::Rieul,
        '2' | '4' | '5' | '9' => Coda::Vowel,
        // Letter names: 엘, 알; 엠, 엔; the others end in a vowel (비, 씨, 티, ...).
        'l' | 'L' | 'r' | 'R' if spelled => Coda::Rieul,
        'm' | 'M' | 'n' | 'N' if spelled => Coda::Consonant,
        _ if spelled => Coda::Vowel,
        // Words: -er is 어 (주키퍼), -l is ㄹ (풀), -m/-n/-ng/-p/-k/-b close the syllable (스트림, 앱).
        'l' | 'L' => Coda::Rieul,
        'm' | 'M' | 'n' | 'N' | 'g' | 'G' | 'p' | 'P' | 'k' | 'K' | 'b' | 'B' => Coda::Consonant,
        _ => Coda::Vowel,
    }
}

/// `word` followed by the subject particle 이/가.
pub(super) fn ga(word: &str) -> String {
    match coda(word) {
        Coda::Vowel => format!("{word}가"),
        _ => format!("{word}이"),
    }
}

/// `word` followed by the object particle 을/를.
fn reul(word: &str) -> String {
    match coda(word) {
        Coda::Vowel => format!("{word}를"),
        _ => format!("{word}을"),
    }
}

/// `word` followed by 와/과 ("and", "with").
fn wa(word: &str) -> String {
    match coda(word) {
        Coda::Vowel => format!("{word}와"),
        _ => format!("{word}과"),
    }
}

/// `word` followed by (으)로 ("to").
pub(super) fn ro(word: &str) -> String {
    match coda(word) {
        Coda::Consonant => format!("{word}으로"),
        _ => format!("{word}로"),
    }
}

/// `3,1` (`없음` for none).
fn brokers(list: &[BrokerId]) -> String {
    let parts: Vec<String> = list.iter().map(|b| b.0.to_string()).collect();
    if parts.is_empty() {
        "없음".to_string()
    } else {
        parts.join(",")
    }
}

/// `18초`, `1.5초`, `500ms`.
pub(super) fn duration(ms: u64) -> String {
    if ms >= 1000 && ms.is_multiple_of(1000) {
        format!("{}초", ms / 1000)
    } else if ms >= 1000 {
        format!("{}초", ms as f64 / 1000.0)
    } else {
        format!("{ms}ms")
    }
}

/// `브로커 2`, `프로듀서 app`, `멤버 consumer-1`, `ZooKeeper`.
fn actor(a: &Actor) -> String {
    match a {
        Actor::ZooKeeper => "ZooKeeper".to_string(),
        Actor::Broker(b) => format!("브로커 {}", b.0),
        Actor::Producer(p) => format!("프로듀서 {p}"),
        Actor::Member(m) => format!("멤버 {m}"),
    }
}

/// `브로커 2와 ZooKeeper, 브로커 1 사이의 링크`.
fn links(a: &Actor, peers: &[Actor]) -> String {
    let names: Vec<String> = peers.iter().map(actor).collect();
    format!("{} {} 사이의 링크", wa(&actor(a)), names.join(", "))
}

/// One thing the controller did, as a clause that can go on (`...옮기고`) or end the sentence
/// (`...옮겼다`).
struct Clause {
    /// The clause followed by another (…고).
    going_on: String,
    /// The clause ending the sentence (…다).
    ending: String,
}

/// Clauses joined into one sentence body: `A하고, B하고, C했다`.
fn chain(clauses: &[Clause]) -> String {
    let mut out = String::new();
    for (i, c) in clauses.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(if i + 1 == clauses.len() {
            &c.ending
        } else {
            &c.going_on
        });
    }
    out
}

/// What the controller did after a broker left: `컨트롤러가 reserve-0의 리더를 브로커 3으로 옮기고
/// ISR을 3,1로 줄였다`.
fn controller_actions(moved: &[LeaderMove], isr: &[IsrChange], internal: u32) -> Option<String> {
    let isr_of = |p: &str| isr.iter().find(|c| c.partition == p);
    let only_isr: Vec<&IsrChange> = (isr.iter())
        .filter(|c| !moved.iter().any(|m| m.partition == c.partition))
        .collect();
    let mut clauses = Vec::new();
    if let ([m], [], Some(c)) = (
        moved,
        only_isr.as_slice(),
        moved.first().and_then(|m| isr_of(&m.partition)),
    ) {
        clauses.push(match m.leader {
            Some(l) => {
                let to = ro(&format!("브로커 {}", l.0));
                let isr = ro(&brokers(&c.isr));
                Clause {
                    going_on: format!("{}의 리더를 {to} 옮기고 ISR을 {isr} 줄이고", m.partition),
                    ending: format!("{}의 리더를 {to} 옮기고 ISR을 {isr} 줄였다", m.partition),
                }
            }
            None => Clause {
                going_on: format!("{} 리더 없이 두고 (ISR {})", reul(&m.partition), brokers(&c.isr)),
                ending: format!("{}의 리더를 정하지 못했다 (ISR {})", m.partition, brokers(&c.isr)),
            },
        });
    } else {
        let items: Vec<String> = (moved.iter())
            .filter_map(|m| {
                let l = m.leader?;
                let mut s = format!("{}의 리더를 {}", m.partition, ro(&format!("브로커 {}", l.0)));
                if let Some(c) = isr_of(&m.partition) {
                    s.push_str(&format!("(ISR {})", brokers(&c.isr)));
                }
                Some(s)
            })
            .collect();
        if !items.is_empty() {
            let body = items.join(", ");
            clauses.push(Clause {
                going_on: format!("{body} 옮기고"),
                ending: format!("{body} 옮겼다"),
            });
        }
        let offline: Vec<String> = (moved.iter())
            .filter(|m| m.leader.is_none())
            .map(|m| m.partition.clone())
            .collect();
        if !offline.is_empty() {
            let body = offline.join(", ");
            clauses.push(Clause {
                going_on: format!("{body}의 리더를 정하지 못하고"),
                ending: format!("{body}의 리더를 정하지 못했다"),
            });
        }
        let items: Vec<String> = (only_isr.iter())
            .map(|c| format!("{}의 ISR을 {}", c.partition, ro(&brokers(&c.isr))))
            .collect();
        if !items.is_empty() {
            let body = items.join(", ");
            clauses.push(Clause {
                going_on: format!("{body} 줄이고"),
                ending: format!("{body} 줄였다"),
            });
        }
    }
    if internal > 0 {
        clauses.push(Clause {
            going_on: format!("__consumer_offsets 파티션 {internal}개를 갱신하고"),
            ending: format!("__consumer_offsets 파티션 {internal}개를 갱신했다"),
        });
    }
    (!clauses.is_empty()).then(|| format!("컨트롤러가 {}", chain(&clauses)))
}

/// Why a rebalance began, as a clause ending in "…해서".
fn rebalance_cause(cause: RebalanceCause, member: Option<&str>) -> String {
    let who = member.map_or_else(|| "한 멤버".to_string(), |m| format!("멤버 {m}"));
    match cause {
        RebalanceCause::NewMember => format!("{} 참여해서", ga(&who)),
        RebalanceCause::SessionTimeout => format!("{} 세션 타임아웃을 넘겨서", ga(&who)),
        RebalanceCause::Leave => format!("{} 그룹을 떠나서", ga(&who)),
        RebalanceCause::LeaderRejoin => "리더가 다시 참여해서".to_string(),
        RebalanceCause::MetadataChange => format!("{}의 구독 정보가 바뀌어서", who),
        RebalanceCause::PendingSync => format!("{} 제때 SyncGroup을 보내지 않아서", ga(&who)),
        RebalanceCause::DidNotRejoin => format!("{} 제때 다시 참여하지 않아서", ga(&who)),
        RebalanceCause::Other => "멤버 구성이 바뀌어서".to_string(),
    }
}

/// The Korean sentence for `n`.
pub fn korean(n: &Narration) -> String {
    use Narration as N;
    match n {
        N::Crashed { node } => format!("{} 비정상 종료되었다", ga(&actor(node))),
        N::Restarted { node } => format!("{} 다시 시작되었다", ga(&actor(node))),
        N::Isolated { node } => format!("{} 다른 모든 노드와 연결이 끊겼다", ga(&actor(node))),
        N::LinkCut { a, b, one_way: true } => {
            format!("{}에서 {} 가는 링크가 끊겼다", actor(a), ro(&actor(b)))
        }
        N::LinkCut { a, b, .. } => {
            format!("{} {} 사이의 링크가 끊겼다", wa(&actor(a)), actor(b))
        }
        N::LinkSlowed { a, peers, latency_ms } => format!(
            "{}는 이제 한 방향에 {}씩 걸린다",
            links(a, peers),
            duration(*latency_ms)
        ),
        N::LinkDropping { a, peers, percent: 0 } => {
            format!("{}는 더 이상 메시지를 버리지 않는다", links(a, peers))
        }
        N::LinkDropping { a, peers, percent } => {
            format!("{}는 메시지의 {percent}%를 버린다", links(a, peers))
        }
        N::NetworkHealed => "네트워크가 복구되어 모든 링크가 다시 동작한다".to_string(),
        N::BrokerSessionExpired {
            broker,
            session_ms,
            moved,
            isr,
            internal,
        } => {
            let head = format!(
                "브로커 {}의 ZooKeeper 세션({})이 만료되어",
                broker.0,
                duration(*session_ms)
            );
            match controller_actions(moved, isr, *internal) {
                Some(then) => format!("{head} {then}"),
                None => format!("{head} ZooKeeper가 브로커 등록을 지웠다"),
            }
        }
        N::BrokerShutDown {
            broker,
            moved,
            isr,
            internal,
        } => {
            let who = ga(&format!("브로커 {}", broker.0));
            match controller_actions(moved, isr, *internal) {
                Some(then) => format!("{who} 정상 종료(controlled shutdown)를 요청해서 {then}"),
                None => format!("{who} 정상 종료되었다 (controlled shutdown)"),
            }
        }
        N::BrokerRegistered { broker } => {
            format!("{} ZooKeeper에 등록되었다", ga(&format!("브로커 {}", broker.0)))
        }
        N::ControllerChanged {
            controller: Some(c),
            epoch,
        } => format!(
            "{} 컨트롤러가 되었다 (epoch {epoch})",
            ga(&format!("브로커 {}", c.0))
        ),
        N::ControllerChanged { controller: None, .. } => {
            "등록된 브로커가 없어서 클러스터에 컨트롤러가 없다".to_string()
        }
        N::TopicDeleted { topic } => format!("토픽 {} 삭제되었다: 모든 복제본의 로그가 지워졌다", ga(topic)),
        N::PartitionsAdded {
            topic,
            first,
            assignment,
        } => {
            let parts: Vec<String> = (assignment.iter().enumerate())
                .map(|(i, r)| format!("{topic}-{} → 브로커 {}", *first as usize + i, brokers(r)))
                .collect();
            format!(
                "컨트롤러가 토픽 {topic}에 파티션을 추가했다 (복제본 배치: {})",
                parts.join(", ")
            )
        }
        N::TopicCreated { topic, assignment } => {
            let parts: Vec<String> = (assignment.iter().enumerate())
                .map(|(p, r)| format!("{topic}-{p} → 브로커 {}", brokers(r)))
                .collect();
            format!(
                "컨트롤러가 토픽 {} 만들었다 (복제본 배치: {})",
                reul(topic),
                parts.join(", ")
            )
        }
        N::LeaderElected {
            partition,
            leader: None,
            ..
        } => format!("{partition}에는 살아 있는 ISR 복제본이 없어서 리더가 없다"),
        N::LeaderElected {
            partition,
            leader: Some(l),
            epoch,
            unclean: true,
            ..
        } => format!(
            "{} ISR 밖에서 {partition}의 리더로 뽑혔다 (언클린 리더 선출, epoch {epoch}): 이전 리더에만 \
             있던 레코드는 유실된다",
            ga(&format!("브로커 {}", l.0))
        ),
        N::LeaderElected {
            partition,
            leader: Some(l),
            previous,
            epoch,
            isr,
            ..
        } => match previous {
            Some(p) if p != l => format!(
                "컨트롤러가 {partition}의 리더를 브로커 {}에서 {} 옮겼다 (epoch {epoch}, ISR {})",
                p.0,
                ro(&format!("브로커 {}", l.0)),
                brokers(isr)
            ),
            _ => format!(
                "{} {partition}의 리더가 되었다 (epoch {epoch}, ISR {})",
                ga(&format!("브로커 {}", l.0)),
                brokers(isr)
            ),
        },
        N::IsrShrunk {
            partition,
            from,
            to,
            lag_max_ms,
        } => {
            let out: Vec<BrokerId> = from.iter().copied().filter(|b| !to.contains(b)).collect();
            format!(
                "{partition}의 ISR이 {}에서 {} 줄었다: 브로커 {} {} 넘게 뒤처졌다 (replica.lag.time.max.ms)",
                brokers(from),
                ro(&brokers(to)),
                ga(&brokers(&out)),
                duration(*lag_max_ms)
            )
        }
        N::IsrExpanded { partition, from, to } => {
            let back: Vec<BrokerId> = to.iter().copied().filter(|b| !from.contains(b)).collect();
            format!(
                "브로커 {} 따라잡아서 {partition}의 ISR이 {}에서 {} 늘었다",
                ga(&brokers(&back)),
                brokers(from),
                ro(&brokers(to))
            )
        }
        N::Truncated {
            broker,
            partition,
            from,
            to,
            removed,
        } => format!(
            "{} {partition}의 로그를 오프셋 {from}에서 {to}까지 잘라 내서, 리더에 없는 레코드 {removed}개를 \
             지웠다",
            ga(&format!("브로커 {}", broker.0))
        ),
        N::ProducerFailed {
            producer,
            partition,
            error,
            records,
        } => format!(
            "{} {partition}에 레코드 {records}개를 끝내 쓰지 못했다: {error}",
            ga(&format!("프로듀서 {producer}"))
        ),
        N::ProducerRestarted { producer, changes } => {
            let c: Vec<String> = changes.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!(
                "{} 새 설정으로 다시 시작되었다: {}",
                ga(&format!("프로듀서 {producer}")),
                c.join(", ")
            )
        }
        N::TopicConfigChanged { .. }
        | N::BrokerConfigChanged { .. }
        | N::ConsumersRestarted { .. }
        | N::CommitModeChanged { .. } => super::narration_ko_config::korean_config(n),
        N::MemberAdded { member } => format!("{} 시작되었다", ga(&format!("멤버 {member}"))),
        N::MemberClosed { member } => {
            format!("{} 컨슈머를 정상 종료했다 (close)", ga(&format!("멤버 {member}")))
        }
        N::MemberPaused { member, ms, gc: true } => format!(
            "{} {} 동안 멈췄다 (GC 일시정지: 하트비트도 멈춘다)",
            ga(&format!("멤버 {member}")),
            duration(*ms)
        ),
        N::MemberPaused { member, ms, .. } => format!(
            "멤버 {member}의 poll 루프가 {} 동안 지연된다 (느린 다운스트림 호출: 하트비트는 계속 보낸다)",
            duration(*ms)
        ),
        N::MemberJoined { group, member } => {
            format!("{} 그룹 {group}에 참여했다", ga(&format!("멤버 {member}")))
        }
        N::MemberRemoved {
            group,
            member,
            cause,
            session_ms,
        } => {
            let head = format!(
                "코디네이터가 {} 그룹 {group}에서 제거했다",
                reul(&format!("멤버 {member}"))
            );
            match cause {
                RemovalCause::SessionTimeout => format!(
                    "{head}: 세션 시간({}) 안에 하트비트가 오지 않았다",
                    session_ms.map_or_else(|| "session.timeout.ms".to_string(), duration)
                ),
                RemovalCause::Leave => {
                    format!("{} 그룹 {} 떠났다", ga(&format!("멤버 {member}")), reul(group))
                }
                RemovalCause::PendingSync => format!("{head}: 제때 SyncGroup을 보내지 않았다"),
                RemovalCause::DidNotRejoin => format!("{head}: 제때 다시 참여하지 않았다"),
                RemovalCause::Other => head,
            }
        }
        N::RebalanceStarted {
            group,
            generation,
            cause,
            member,
        } => format!(
            "{} 그룹 {group}의 리밸런스가 시작되었다 (이전 세대 {generation})",
            rebalance_cause(*cause, member.as_deref())
        ),
        N::RebalanceCompleted {
            group,
            generation,
            protocol,
            assignment,
        } => {
            let parts: Vec<String> = (assignment.iter())
                .map(|(m, ps)| {
                    if ps.is_empty() {
                        format!("{m}: 없음")
                    } else {
                        format!("{m}: {}", ps.join(", "))
                    }
                })
                .collect();
            format!(
                "그룹 {} 세대 {generation}에서 안정(Stable) 상태가 되었다{}. 할당은 {}",
                ga(group),
                protocol.as_ref().map_or_else(String::new, |p| format!(" ({p})")),
                parts.join("; ")
            )
        }
        N::CoordinatorLoaded {
            broker,
            partition,
            groups,
        } => format!(
            "{} {} 읽어 들여서 그룹 {groups}개의 코디네이터가 되었다",
            ga(&format!("브로커 {}", broker.0)),
            reul(&format!("__consumer_offsets-{partition}"))
        ),
        N::PollTimeout {
            member,
            max_poll_interval_ms,
        } => format!(
            "{} max.poll.interval.ms({}) 안에 poll()을 호출하지 않아서 그룹을 떠난다",
            ga(&format!("멤버 {member}")),
            duration(*max_poll_interval_ms)
        ),
        N::CommitFailed { member, message } => format!("멤버 {member}의 커밋이 실패했다: {message}"),
        N::ConsumerLog {
            member,
            level,
            message,
        } => format!(
            "{} {level} 로그를 남겼다: {message}",
            ga(&format!("멤버 {member}"))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_follow_the_last_sound() {
        assert_eq!(ga("브로커 2"), "브로커 2가");
        assert_eq!(ga("브로커 1"), "브로커 1이");
        assert_eq!(ro("브로커 3"), "브로커 3으로");
        assert_eq!(ro("3,1"), "3,1로");
        assert_eq!(ro("1,3"), "1,3으로");
        assert_eq!(ro("브로커 10"), "브로커 10으로");
        assert_eq!(reul("reserve"), "reserve를");
        assert_eq!(reul("t"), "t를");
        assert_eq!(reul("orders-stream"), "orders-stream을");
        assert_eq!(wa("ZooKeeper"), "ZooKeeper와");
        assert_eq!(wa("브로커 3"), "브로커 3과");
        assert_eq!(ga("프로듀서 app"), "프로듀서 app이");
        assert_eq!(ga("ISR"), "ISR이");
        assert_eq!(ga("producer"), "producer가");
        assert_eq!(ga("그룹"), "그룹이");
        assert_eq!(ro("그룹"), "그룹으로");
        assert_eq!(ro("파일"), "파일로");
    }

    #[test]
    fn the_issues_example_in_korean() {
        let n = Narration::BrokerSessionExpired {
            broker: BrokerId(2),
            session_ms: 18_000,
            moved: vec![LeaderMove {
                partition: "reserve-0".into(),
                leader: Some(BrokerId(3)),
            }],
            isr: vec![IsrChange {
                partition: "reserve-0".into(),
                isr: vec![BrokerId(3), BrokerId(1)],
            }],
            internal: 0,
        };
        assert_eq!(
            korean(&n),
            "브로커 2의 ZooKeeper 세션(18초)이 만료되어 컨트롤러가 reserve-0의 리더를 브로커 3으로 옮기고 \
             ISR을 3,1로 줄였다"
        );
    }

    #[test]
    fn several_actions_chain_into_one_sentence() {
        let n = Narration::BrokerSessionExpired {
            broker: BrokerId(2),
            session_ms: 6_000,
            moved: vec![LeaderMove {
                partition: "reserve-0".into(),
                leader: Some(BrokerId(3)),
            }],
            isr: vec![IsrChange {
                partition: "reserve-1".into(),
                isr: vec![BrokerId(1), BrokerId(3)],
            }],
            internal: 2,
        };
        assert_eq!(
            korean(&n),
            "브로커 2의 ZooKeeper 세션(6초)이 만료되어 컨트롤러가 reserve-0의 리더를 브로커 3으로 옮기고, \
             reserve-1의 ISR을 1,3으로 줄이고, __consumer_offsets 파티션 2개를 갱신했다"
        );
    }
}
