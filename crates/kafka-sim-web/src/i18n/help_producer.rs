//! Help texts of the producer panel's options.

use kafka_sim::config::ConfigScope;

use super::Key;
use super::help::{DefaultFrom, OptionHelp, Panel};

const P: &[Panel] = &[Panel::Producer];

const fn producer(
    id: &'static str,
    what_en: &'static str,
    what_ko: &'static str,
    look_en: &'static str,
    look_ko: &'static str,
) -> OptionHelp {
    OptionHelp {
        id,
        label: None,
        panels: P,
        default_from: DefaultFrom::Config(ConfigScope::Producer, id),
        what_en,
        what_ko,
        look_en,
        look_ko,
    }
}

/// The producer panel's options, in the panel's order: the seed's options, then those that change their
/// effect.
pub(super) static PRODUCER: &[OptionHelp] = &[
    producer(
        "acks",
        "How many replicas must have a record before the leader acknowledges it. 0: the producer does not \
         wait for an answer. 1: the leader's own log is enough. all (-1): every replica in the ISR, and at \
         least min.insync.replicas of them.",
        "producer가 broker로 전송한 데이터가 성공적으로 저장되었는지 확인하는 수준이다. 0이면 확인을 안 한다. \
         1이면 리더 파티션에 저장되었는지만 확인한다. all(-1)이면 ISR에 있는 리더 파티션과 팔로워 파티션 모두에 \
         저장되었는지 확인하며, min.insync.replicas와 함께 쓰여 최소 몇 개의 복제본에 저장되어야 하는지 정한다.",
        "Set acks=1 and crash the leader of reserve-0 (click its broker): records the leader acknowledged but \
         its followers had not copied yet are truncated, and the Anomalies tab lists them as lost \
         acknowledged writes. With acks=all and min.insync.replicas=2 the same crash loses nothing. With \
         acks=0 every record comes back with offset -1, and a crash loses records without anyone being told.",
        "acks=1로 바꾸고 reserve-0의 리더 broker를 클릭해 강제 종료해 보자. 리더는 확인했지만 팔로워가 아직 \
         복제하지 못한 레코드가 잘려 나가고, 이상 현상 탭에 '확인된 쓰기 유실'로 나온다. acks=all에 \
         min.insync.replicas=2로 같은 장애를 내면 잃는 레코드가 없다. acks=0이면 모든 레코드의 offset이 -1로 \
         돌아오고, 장애로 레코드를 잃어도 producer는 알지 못한다.",
    ),
    producer(
        "linger.ms",
        "How long the producer waits for more records before it sends a batch. 0 sends as soon as the \
         sender is free; a higher value makes fuller batches and fewer requests, at the cost of latency.",
        "producer는 broker로 메시지를 batch로 보내는데, batch를 보내기 전에 레코드가 더 모이기를 대기하는 \
         시간이다. 0이면 보낼 수 있을 때 바로 보내고, 값을 키우면 batch가 커지고 요청 수는 줄지만 지연 시간이 \
         늘어난다.",
        "Raise it to 100 with a low send rate: fewer, fuller produce requests travel to the leaders, and the \
         p99 latency in Metrics rises by about linger.ms. A negative value shows Kafka's message \"Value must \
         be at least 0\" and the last valid value stays.",
        "전송 속도를 낮게 두고 100으로 올려 보자. 리더로 가는 produce 요청이 줄고 하나하나가 커지며, 지표 탭의 \
         p99 지연 시간이 대략 linger.ms만큼 늘어난다. 음수를 넣으면 Kafka의 메시지 \"Value must be at least 0\"이 \
         나오고 마지막으로 유효했던 값이 유지된다.",
    ),
    producer(
        "retries",
        "How many times a failed send is retried. Retrying stops anyway when delivery.timeout.ms runs out, so \
         the large default in practice means \"retry until the delivery timeout\".",
        "메시지 전송 실패 시 재전송하는 횟수이다. 횟수가 남아 있어도 delivery.timeout.ms가 지나면 재전송을 \
         멈추므로, 큰 기본값은 사실상 '전달 제한 시간까지 계속 재시도'라는 뜻이다.",
        "Set retries=0 and crash a leader: sends in flight fail (a disconnect, NOT_LEADER_OR_FOLLOWER or a \
         timeout) instead of going to the new leader, and the event log shows the failed sends. With retries=0 Kafka \
         also turns idempotence off (unless you set enable.idempotence=true, which is then an error).",
        "retries=0으로 두고 리더를 강제 종료해 보자. 전송 중이던 레코드가 새 리더로 다시 가지 않고 \
         연결 끊김, NOT_LEADER_OR_FOLLOWER, 타임아웃 등으로 실패하며, 이벤트 로그에 실패한 전송이 나온다. retries=0이면 \
         Kafka는 멱등성(idempotence)도 끈다. enable.idempotence=true를 직접 지정했다면 오류가 된다.",
    ),
    producer(
        "key.serializer",
        "The class that turns a record's key into bytes. The default partitioner hashes those bytes \
         (murmur2), so the same key always goes to the same partition.",
        "메시지 키를 직렬화하는 클래스이다. 기본 파티셔너는 이 바이트를 murmur2로 해시해 파티션을 고르므로, \
         같은 키는 항상 같은 파티션으로 간다.",
        "In the \"send one record\" form, the partition shown for a key comes from these bytes. Switching \
         between StringSerializer and JsonSerializer can move a key to another partition, because JSON \
         writes a string with quotes. An unknown class name shows Kafka's message \"Class ... could not be \
         found.\"",
        "'레코드 하나 보내기' 폼에 나오는 파티션은 이 바이트로 정해진다. StringSerializer와 JsonSerializer를 \
         바꾸면 같은 키가 다른 파티션으로 갈 수 있다. JSON은 문자열을 따옴표로 감싸 쓰기 때문이다. 없는 클래스 \
         이름을 넣으면 Kafka의 메시지 \"Class ... could not be found.\"가 나온다.",
    ),
    producer(
        "value.serializer",
        "The class that turns a record's value into bytes. The seed's reservation-service uses Spring's \
         JsonSerializer. The value does not choose the partition.",
        "메시지 값을 직렬화하는 클래스이다. 시드의 reservation-service는 Spring의 JsonSerializer를 쓴다. 값은 \
         파티션 선택에 영향을 주지 않는다.",
        "Send the same key with different values: the partition stays the same. The value's size counts \
         towards batch.size, so bigger values fill batches sooner.",
        "같은 키에 값만 바꿔 보내 보자. 파티션은 그대로다. 값의 크기는 batch.size에 포함되므로 값이 클수록 \
         batch가 빨리 찬다.",
    ),
    producer(
        "batch.size",
        "The upper bound, in bytes, of one partition's batch. A full batch is sent without waiting for \
         linger.ms. 0 turns batching off: one record per batch.",
        "파티션별 batch 하나의 최대 크기(바이트)이다. batch가 가득 차면 linger.ms를 기다리지 않고 보낸다. \
         0이면 batch를 쓰지 않아 레코드 하나가 batch 하나가 된다.",
        "Lower it (e.g. 200) at a high send rate: batches fill after a few records, so more produce \
         requests appear on the links. Raise linger.ms as well to see batches leave because they are full \
         rather than because the linger expired.",
        "전송 속도를 높이고 200 정도로 낮춰 보자. 레코드 몇 개만으로 batch가 차서 링크 위의 produce 요청이 \
         많아진다. linger.ms도 함께 올리면 batch가 대기 시간이 끝나서가 아니라 가득 차서 떠나는 것을 볼 수 있다.",
    ),
    producer(
        "enable.idempotence",
        "The producer numbers its batches (a producer id and a sequence per partition), so a leader drops a \
         retried batch it already has: retries make no duplicates and keep the order. It needs acks=all, \
         retries > 0 and max.in.flight.requests.per.connection <= 5; left at its default, it switches itself \
         off when those do not hold.",
        "producer가 batch마다 번호(producer id와 파티션별 sequence)를 붙여, 리더가 이미 받은 batch가 재전송되면 \
         버리게 한다. 재전송해도 중복이 생기지 않고 순서도 지켜진다. acks=all, retries > 0, \
         max.in.flight.requests.per.connection <= 5가 필요하며, 기본값 그대로 두면 조건이 맞지 않을 때 스스로 \
         꺼진다.",
        "Set it to false and slow the network to a leader (or crash it) while sending: a batch whose first \
         attempt was written but not acknowledged is written again, and the Anomalies tab lists duplicates. \
         With true neither duplicates nor reordering appear. Setting true together with acks=1 shows Kafka's \
         message \"Must set acks to all in order to use the idempotent producer.\"",
        "false로 바꾸고 전송 중에 리더로 가는 네트워크를 느리게 하거나 리더를 강제 종료해 보자. 처음 시도가 \
         기록됐지만 확인을 못 받은 batch가 다시 기록되어 이상 현상 탭에 중복으로 나온다. true면 중복도 순서 \
         뒤바뀜도 생기지 않는다. true와 acks=1을 함께 지정하면 Kafka의 메시지 \"Must set acks to all in order \
         to use the idempotent producer.\"가 나온다.",
    ),
    producer(
        "max.in.flight.requests.per.connection",
        "How many produce requests the producer may have unacknowledged on one broker connection. Without \
         idempotence, more than 1 lets a retried batch land after a later batch.",
        "broker 연결 하나에서 확인을 기다리는 produce 요청을 최대 몇 개까지 동시에 보낼지 정한다. 멱등성이 \
         꺼져 있으면 1보다 클 때 재전송된 batch가 나중 batch 뒤에 기록될 수 있다.",
        "With enable.idempotence=false and a value above 1, make sends fail (slow the network to a leader, \
         or crash it): a retried batch lands behind a later one and the Anomalies tab lists reordering. Set \
         it to 1 and the order holds. With enable.idempotence=true set explicitly, a value above 5 shows \
         Kafka's message.",
        "enable.idempotence=false에 1보다 큰 값을 두고 전송이 실패하게 만들어 보자(리더로 가는 네트워크를 \
         느리게 하거나 리더를 강제 종료). 재전송된 batch가 나중 batch 뒤에 기록되어 이상 현상 탭에 순서 뒤바뀜이 \
         나온다. 1로 두면 순서가 지켜진다. enable.idempotence=true를 직접 지정한 채 5보다 크게 하면 Kafka의 \
         메시지가 나온다.",
    ),
    producer(
        "request.timeout.ms",
        "How long the producer waits for a broker's response before it treats the request as failed and \
         retries it (if delivery.timeout.ms allows). With acks=all the leader also waits at most this long \
         for the ISR before answering REQUEST_TIMED_OUT.",
        "producer가 broker의 응답을 기다리는 최대 시간으로, 넘으면 요청이 실패한 것으로 보고 \
         (delivery.timeout.ms가 허락하면) 재전송한다. acks=all이면 리더도 ISR을 최대 이만큼 기다린 뒤 \
         REQUEST_TIMED_OUT으로 응답한다.",
        "Make it small (e.g. 500) and slow the network to a leader: requests time out and are sent again, \
         which you see as repeated produce requests on the links; without idempotence, duplicates appear in \
         Anomalies. delivery.timeout.ms must stay at least linger.ms + request.timeout.ms.",
        "500 정도로 작게 하고 리더로 가는 네트워크를 느리게 해 보자. 요청이 타임아웃되어 다시 보내지는 것이 링크 \
         위에 반복되는 produce 요청으로 보이고, 멱등성이 꺼져 있으면 이상 현상 탭에 중복이 나온다. \
         delivery.timeout.ms는 linger.ms + request.timeout.ms 이상이어야 한다.",
    ),
    producer(
        "delivery.timeout.ms",
        "The upper bound on the time from send() to its success or failure, retries included. When it runs \
         out the send fails with a TimeoutException, even with retries left.",
        "send()부터 성공이나 실패가 확정될 때까지의 최대 시간으로, 재전송 시간도 포함한다. 이 시간이 지나면 \
         retries가 남아 있어도 TimeoutException으로 실패한다.",
        "Lower it (e.g. 5000) and isolate a leader: records not delivered in time fail with a timeout, and \
         the event log says so. They were never acknowledged, so they are not lost writes. Setting it below \
         linger.ms + request.timeout.ms shows Kafka's message \"delivery.timeout.ms should be equal to or \
         larger than linger.ms + request.timeout.ms\".",
        "5000 정도로 낮추고 리더를 네트워크 격리해 보자. 제시간에 전달되지 못한 레코드가 타임아웃으로 실패하고 \
         이벤트 로그에 그렇게 나온다. 확인된 적이 없으므로 쓰기 유실로 세지 않는다. linger.ms + \
         request.timeout.ms보다 작게 하면 Kafka의 메시지 \"delivery.timeout.ms should be equal to or larger \
         than linger.ms + request.timeout.ms\"가 나온다.",
    ),
    OptionHelp {
        id: "send-rate",
        label: Some(Key::SendRate),
        panels: P,
        default_from: DefaultFrom::NotKafka,
        what_en: "How many records per simulated second the application hands to send(). It is the \
                  playground's stand-in for your traffic, not a Kafka setting; changing it restarts the \
                  producer, as redeploying the application would.",
        what_ko: "애플리케이션이 시뮬레이션 시간 1초에 send()로 넘기는 레코드 수이다. Kafka 설정이 아니라 여러분의 \
                  트래픽을 대신하는 플레이그라운드 설정이며, 바꾸면 애플리케이션을 다시 배포할 때처럼 프로듀서가 다시 \
                  시작한다.",
        look_en: "Raise it and watch the batches grow (batch.size fills before linger.ms runs out), the produce \
                  rate and the lag climb in Metrics, and p99 latency rise once a broker is slow.",
        look_ko: "높여 보자. batch가 커지고(linger.ms가 끝나기 전에 batch.size가 찬다), 지표 탭의 전송률과 랙이 \
                  오르며, 브로커가 느려지면 p99 지연 시간이 커진다.",
    },
    OptionHelp {
        id: "key-pattern",
        label: Some(Key::KeyPattern),
        panels: P,
        default_from: DefaultFrom::NotKafka,
        what_en: "The key of each record the application sends: {n} is the record's running number \
                  (reserve-{n} gives reserve-0, reserve-1, ...), and none sends null keys. Not a Kafka \
                  setting; changing it restarts the producer.",
        what_ko: "애플리케이션이 보내는 레코드의 키이다. {n}은 레코드의 일련번호이고(reserve-{n}은 reserve-0, \
                  reserve-1, ...), none이면 null 키를 보낸다. Kafka 설정이 아니며, 바꾸면 프로듀서가 다시 \
                  시작한다.",
        look_en: "With keys, murmur2 of the key picks the partition, so one key always lands on one partition and \
                  stays in order. Set none: the sticky partitioner fills one partition's batch at a time, and \
                  per-key order is gone.",
        look_ko: "키가 있으면 키의 murmur2가 파티션을 정하므로 같은 키는 늘 같은 파티션에 순서대로 쌓인다. none으로 \
                  바꾸면 sticky 파티셔너가 한 번에 한 파티션의 batch를 채우고, 키별 순서는 사라진다.",
    },
];
