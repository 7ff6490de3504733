//! Help texts of the consumer group panel's options.

use kafka_sim::config::ConfigScope;

use super::Key;
use super::help::{DefaultFrom, OptionHelp, Panel};

const C: &[Panel] = &[Panel::Consumer];

const fn consumer(
    id: &'static str,
    what_en: &'static str,
    what_ko: &'static str,
    look_en: &'static str,
    look_ko: &'static str,
) -> OptionHelp {
    OptionHelp {
        id,
        label: None,
        panels: C,
        default_from: DefaultFrom::Config(ConfigScope::Consumer, id),
        what_en,
        what_ko,
        look_en,
        look_ko,
    }
}

/// The consumer group panel's options, in the panel's order: the seed's options, then the further ones.
pub(super) static CONSUMER: &[OptionHelp] = &[
    consumer(
        "group.id",
        "The consumer group the member joins. Members with the same group.id share the topic's partitions, \
         and the group's committed offsets are kept under it. Without it there is no group and no commit.",
        "consumer 그룹 아이디이다. 같은 group.id를 쓰는 멤버들이 토픽의 파티션을 나눠 가지며, 그룹의 커밋된 \
         오프셋도 이 아이디로 저장된다. 없으면 그룹 관리도 commit도 없다.",
        "The group panel names the coordinator broker: the leader of the __consumer_offsets partition (one \
         of 50) that the group.id hashes to. A new group.id has no committed offsets, so auto.offset.reset \
         decides where its members start.",
        "그룹 패널에 코디네이터 broker가 나온다. group.id를 해시해 고른 __consumer_offsets 파티션(50개 중 \
         하나)의 리더다. 새 group.id에는 커밋된 오프셋이 없으므로 멤버가 어디서부터 읽을지는 \
         auto.offset.reset이 정한다.",
    ),
    consumer(
        "max.poll.records",
        "The most records one poll() returns. The member processes all of them before it polls again.",
        "poll 메서드를 통해 broker로부터 가지고 오는 레코드의 최대 갯수이다. 멤버는 가져온 레코드를 모두 처리한 \
         뒤에야 다시 poll한다.",
        "max.poll.records times the processing time per record is the time between two polls. Raise one of \
         them until that passes max.poll.interval.ms: the member's poll bar overruns, it leaves the group, \
         and the event log shows the rebalance.",
        "max.poll.records × 레코드당 처리 시간이 poll과 poll 사이의 시간이다. 둘 중 하나를 키워 이 시간이 \
         max.poll.interval.ms를 넘게 해 보자. 멤버 카드의 poll 막대가 넘치고, 멤버가 그룹에서 빠지며, 이벤트 \
         로그에 리밸런스가 나온다.",
    ),
    consumer(
        "enable.auto.commit",
        "Whether the consumer commits on its own, every auto.commit.interval.ms, the offsets of the records \
         earlier polls returned (the commit happens inside poll()). false leaves committing to the \
         application; the seed commits manually (Spring's ack-mode: manual).",
        "commit을 자동으로 할지 수동으로 할지 여부이다. true면 auto.commit.interval.ms마다 poll() 안에서 앞선 \
         poll이 돌려준 레코드의 오프셋을 커밋한다. false면 애플리케이션이 직접 커밋해야 하며, 시드는 수동으로 \
         커밋한다(Spring의 ack-mode: manual).",
        "With true, crash a member while it works: its partitions' new owner starts from the last \
         auto-commit, so records processed since then are processed again. The committed offsets in the \
         group panel move in steps, once per auto.commit.interval.ms.",
        "true로 두고 일하는 중인 멤버를 강제 종료해 보자. 그 파티션을 넘겨받은 멤버는 마지막 자동 커밋부터 \
         읽으므로, 그 뒤에 처리한 레코드가 한 번 더 처리된다. 그룹 패널의 커밋된 오프셋은 \
         auto.commit.interval.ms마다 계단처럼 움직인다.",
    ),
    consumer(
        "heartbeat.interval.ms",
        "How often the member's heartbeat thread tells the group coordinator it is alive. It must be lower \
         than session.timeout.ms, typically no more than a third of it. The heartbeat's answer is also how a \
         member learns that a rebalance started.",
        "heartbeat를 전송하는 시간 간격이다. session.timeout.ms보다 작아야 하며 보통 그 1/3 이하로 둔다. \
         멤버는 heartbeat 응답으로 리밸런스가 시작된 것도 알게 된다.",
        "Heartbeats are drawn travelling to the coordinator broker; the seed's 10000 makes them rare, and \
         members notice a rebalance up to 10 s late. A value not lower than session.timeout.ms is refused \
         with \"Heartbeat must be set lower than the session timeout\".",
        "heartbeat는 코디네이터 broker로 가는 메시지로 그려진다. 시드의 10000이면 드물게 보이고, 멤버가 \
         리밸런스를 최대 10초 늦게 알아챈다. session.timeout.ms보다 작지 않은 값은 \"Heartbeat must be set \
         lower than the session timeout\"으로 거부된다.",
    ),
    consumer(
        "session.timeout.ms",
        "How long the coordinator waits without a heartbeat before it removes the member and rebalances the \
         group. The broker accepts only values between group.min.session.timeout.ms and \
         group.max.session.timeout.ms (6 s and 30 min by default).",
        "연결이 끊기는 최대 시간으로, 이 시간 동안 heartbeat가 오지 않으면 코디네이터가 멤버를 빼고 \
         rebalancing이 일어난다. broker는 group.min.session.timeout.ms와 group.max.session.timeout.ms 사이 \
         (기본 6초와 30분)의 값만 받는다.",
        "Crash a member (not close): its session arc fills up, and only after session.timeout.ms of simulated \
         time does the event log show it removed and the group rebalancing; until then its partitions are \
         not read and their lag grows. Closing sends LeaveGroup, so that rebalance is immediate. Below 6000, \
         joining fails with INVALID_SESSION_TIMEOUT.",
        "멤버를 정상 종료가 아니라 강제 종료해 보자. 세션 원호가 차오르고, 시뮬레이션 시간으로 \
         session.timeout.ms가 지나서야 이벤트 로그에 멤버 제거와 리밸런스가 나온다. 그동안 그 파티션은 읽히지 \
         않아 랙이 쌓인다. 정상 종료는 LeaveGroup을 보내므로 리밸런스가 바로 일어난다. 6000보다 작으면 그룹 \
         참여가 INVALID_SESSION_TIMEOUT으로 실패한다.",
    ),
    consumer(
        "max.poll.interval.ms",
        "The longest the application may go between two poll() calls. If it runs over, the consumer leaves \
         the group and the group rebalances without it. It is also the rebalance timeout.",
        "poll 메서드를 호출하는 간격의 최대 시간으로, 초과하면 멤버가 그룹을 떠나고 rebalancing이 일어난다. \
         리밸런스 제한 시간으로도 쓰인다.",
        "Lower it (e.g. 10000) and raise the processing time per record: the member's poll bar overruns, the \
         event log shows the poll timeout and the rebalance, and the late member's commit then fails, so \
         another member processes its records again.",
        "10000 정도로 낮추고 레코드당 처리 시간을 늘려 보자. 멤버 카드의 poll 막대가 넘치고, 이벤트 로그에 poll \
         타임아웃과 리밸런스가 나온다. 늦은 멤버의 커밋은 실패하므로 다른 멤버가 그 레코드를 다시 처리한다.",
    ),
    consumer(
        "key.deserializer",
        "The class that turns key bytes back into an object. It must match the producer's key.serializer; \
         the seed pairs StringSerializer with StringDeserializer.",
        "메시지 키를 역직렬화하는 클래스이다. producer의 key.serializer와 짝이 맞아야 하며, 시드는 \
         StringSerializer와 StringDeserializer를 짝지었다.",
        "Kafka fails poll() with a RecordDeserializationException at the first record whose bytes it cannot \
         read, and the member cannot get past that offset. An unknown class name shows Kafka's message \
         \"Class ... could not be found.\"",
        "Kafka는 읽을 수 없는 바이트를 만나면 poll()이 RecordDeserializationException으로 실패하고, 멤버는 그 \
         오프셋을 넘어가지 못한다. 없는 클래스 이름을 넣으면 Kafka의 메시지 \"Class ... could not be \
         found.\"가 나온다.",
    ),
    consumer(
        "value.deserializer",
        "The class that turns value bytes back into an object. The seed uses Spring's JsonDeserializer, with \
         spring.json.trusted.packages set to \"*\".",
        "메시지 값을 역직렬화하는 클래스이다. 시드는 Spring의 JsonDeserializer를 쓰고 \
         spring.json.trusted.packages를 \"*\"로 두었다.",
        "It must match the producer's value.serializer (JsonSerializer → JsonDeserializer). An unknown class \
         name shows Kafka's message \"Class ... could not be found.\"",
        "producer의 value.serializer와 짝이 맞아야 한다(JsonSerializer → JsonDeserializer). 없는 클래스 \
         이름을 넣으면 Kafka의 메시지 \"Class ... could not be found.\"가 나온다.",
    ),
    consumer(
        "auto.offset.reset",
        "Where a member starts on a partition its group has no committed offset for (or whose committed \
         offset no longer exists): earliest, the first record; latest, only records produced from now on; \
         none, fail.",
        "그룹에 커밋된 오프셋이 없는(또는 더는 존재하지 않는) 파티션을 어디서부터 읽을지 정한다. earliest면 처음 \
         레코드부터, latest면 지금부터 들어오는 레코드만 읽고, none이면 실패한다.",
        "Start a new group after records were produced: with earliest its lag starts at the whole log and \
         the members read it all; with latest the lag starts at 0 and the earlier records are never read. \
         The seed uses earliest.",
        "레코드가 쌓인 뒤에 새 그룹을 시작해 보자. earliest면 랙이 로그 전체에서 시작해 멤버가 전부 읽고, \
         latest면 랙이 0에서 시작해 앞선 레코드는 끝내 읽지 않는다. 시드는 earliest를 쓴다.",
    ),
    consumer(
        "auto.commit.interval.ms",
        "With enable.auto.commit=true, how often poll() commits the offsets of the records already returned.",
        "enable.auto.commit=true일 때 poll()이 이미 돌려준 레코드의 오프셋을 얼마나 자주 커밋할지 정한다.",
        "Raise it (e.g. 30000) and crash a member: the last commit is older, so more records are processed \
         again by the partitions' new owner. Commits travel to the coordinator this often.",
        "30000 정도로 올리고 멤버를 강제 종료해 보자. 마지막 커밋이 더 오래전이라 파티션을 넘겨받은 멤버가 더 \
         많은 레코드를 다시 처리한다. 코디네이터로 가는 커밋 메시지도 이 간격으로 보인다.",
    ),
    consumer(
        "partition.assignment.strategy",
        "The assignor classes, in order of preference; the group uses the first one every member supports. \
         Range gives each member a contiguous range of each topic's partitions; RoundRobin deals them out \
         one by one; CooperativeSticky moves as few partitions as possible and lets members keep the rest \
         while the group rebalances.",
        "파티션 할당 전략 클래스를 선호 순서대로 적는다. 그룹은 모든 멤버가 지원하는 첫 전략을 쓴다. Range는 \
         토픽마다 파티션을 연속 구간으로 나누고, RoundRobin은 하나씩 돌아가며 나누며, CooperativeSticky는 \
         옮기는 파티션을 최소로 하고 리밸런스 중에도 나머지 파티션을 계속 읽게 한다.",
        "Add a member and watch the cards: with the default (Range first) every member gives up all its \
         partitions during the rebalance (eager). With only CooperativeStickyAssignor, members keep the \
         partitions that do not move, and the rebalance takes two rounds.",
        "멤버를 추가하고 카드를 보자. 기본값(Range가 먼저)이면 리밸런스 동안 모든 멤버가 파티션을 전부 \
         내려놓는다(eager). CooperativeStickyAssignor만 두면 옮기지 않는 파티션은 그대로 유지되고, 리밸런스가 두 \
         번에 걸쳐 일어난다.",
    ),
    consumer(
        "group.instance.id",
        "A fixed id that makes the member static. A static member that comes back within session.timeout.ms \
         gets its partitions back without a rebalance, and closing it sends no LeaveGroup.",
        "멤버를 정적(static) 멤버로 만드는 고정 아이디이다. 정적 멤버는 session.timeout.ms 안에 돌아오면 \
         리밸런스 없이 자기 파티션을 되찾고, 종료할 때 LeaveGroup을 보내지 않는다.",
        "Give a member an id and close it: no rebalance happens until session.timeout.ms has passed, while a \
         member without one causes a rebalance at once. Two members with the same id: the newer one fences \
         the older, which stops with FENCED_INSTANCE_ID.",
        "멤버에 아이디를 주고 정상 종료해 보자. session.timeout.ms가 지날 때까지 리밸런스가 일어나지 않는다. \
         아이디가 없는 멤버는 바로 리밸런스를 일으킨다. 두 멤버가 같은 아이디를 쓰면 새 멤버가 이전 멤버를 \
         밀어내고, 이전 멤버는 FENCED_INSTANCE_ID로 멈춘다.",
    ),
    OptionHelp {
        id: "commit-mode",
        label: Some(Key::CommitMode),
        panels: C,
        default_from: DefaultFrom::CommitMode,
        what_en: "When the member commits the offsets of what it polled. Auto: enable.auto.commit=true, \
                  committed inside poll(). Manual, after processing: commitSync once a poll's records are \
                  processed, like the seed's Spring ack-mode: manual (at least once). Before processing: \
                  commitSync first, then process (at most once).",
        what_ko: "poll한 레코드의 오프셋을 언제 커밋할지 정한다. 자동은 enable.auto.commit=true로 poll() 안에서 \
                  커밋한다. 수동(처리 후 커밋)은 poll한 레코드를 다 처리한 뒤 commitSync를 호출하며, 시드의 \
                  Spring ack-mode: manual과 같다(최소 한 번). 처리 전 커밋은 commitSync를 먼저 하고 처리한다(최대 \
                  한 번).",
        look_en: "Crash a member in the middle of a batch. After processing: the new owner processes the \
                  unfinished records again, and nothing is skipped. Before processing: the rest of that batch \
                  is never processed, and the Anomalies tab lists skipped records.",
        look_ko: "batch를 처리하는 중간에 멤버를 강제 종료해 보자. 처리 후 커밋이면 새 멤버가 끝나지 않은 레코드를 \
                  다시 처리하고 건너뛰는 레코드는 없다. 처리 전 커밋이면 그 batch의 나머지는 끝내 처리되지 않고, \
                  이상 현상 탭에 건너뛴 레코드로 나온다.",
    },
    OptionHelp {
        id: "processing-time",
        label: Some(Key::ProcessingTimePerRecord),
        panels: C,
        default_from: DefaultFrom::NotKafka,
        what_en: "How long the application spends on each record after poll(): a fixed time, or a uniform or \
                  exponential distribution. It is the playground's stand-in for your code, not a Kafka \
                  setting; it starts at 0 ms.",
        what_ko: "poll() 뒤에 애플리케이션이 레코드 하나를 처리하는 데 걸리는 시간이다. 고정 시간이나 균등 분포, \
                  지수 분포로 정한다. Kafka 설정이 아니라 여러분의 코드를 대신하는 플레이그라운드 설정이며, \
                  0ms에서 시작한다.",
        look_en: "Records per poll times this is the time between polls. Push it past max.poll.interval.ms: the \
                  poll bar overruns and the member is removed from the group. While members are busy, lag \
                  grows in the group panel.",
        look_ko: "poll당 레코드 수 × 이 시간이 poll 사이의 시간이다. max.poll.interval.ms를 넘게 늘려 보자. poll \
                  막대가 넘치고 멤버가 그룹에서 빠진다. 멤버가 바쁜 동안 그룹 패널의 랙이 쌓인다.",
    },
];
