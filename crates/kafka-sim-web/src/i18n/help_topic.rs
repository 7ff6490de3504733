//! Help texts of the topic and broker settings.

use kafka_sim::config::ConfigScope;

use super::Key;
use super::help::{DefaultFrom, OptionHelp, Panel};

const T: &[Panel] = &[Panel::Topic];

/// The topic and broker settings, in the order their controls are listed.
pub(super) static TOPIC: &[OptionHelp] = &[
    OptionHelp {
        id: "min.insync.replicas",
        label: None,
        panels: T,
        default_from: DefaultFrom::Config(ConfigScope::Topic, "min.insync.replicas"),
        what_en: "With acks=all, the smallest ISR a partition needs to accept a write. If the ISR is smaller, \
                  the leader refuses with NOT_ENOUGH_REPLICAS and (since Kafka 3.7) its high watermark does \
                  not advance. acks=0 and acks=1 ignore it.",
        what_ko: "acks=all일 때 파티션이 쓰기를 받으려면 ISR에 있어야 하는 최소 복제본 수이다. ISR이 이보다 작으면 \
                  리더가 NOT_ENOUGH_REPLICAS로 거부하고, (Kafka 3.7부터) 하이 워터마크도 올라가지 않는다. \
                  acks=0과 acks=1은 이 설정을 보지 않는다.",
        look_en: "Set it to 2 with acks=all, then crash two brokers: sends to partitions whose ISR shrank to \
                  one fail with NOT_ENOUGH_REPLICAS, but nothing acknowledged is lost. With 1, a lone leader \
                  keeps acknowledging writes that exist on one broker only.",
        look_ko: "acks=all에 2로 두고 broker 두 대를 강제 종료해 보자. ISR이 하나로 줄어든 파티션으로의 전송은 \
                  NOT_ENOUGH_REPLICAS로 실패하지만, 확인된 레코드는 하나도 잃지 않는다. 1이면 혼자 남은 리더가 \
                  broker 한 대에만 있는 쓰기를 계속 확인해 준다.",
    },
    OptionHelp {
        id: "unclean.leader.election.enable",
        label: None,
        panels: T,
        default_from: DefaultFrom::Config(ConfigScope::Topic, "unclean.leader.election.enable"),
        what_en: "Whether a replica outside the ISR may become leader when no ISR member is alive. true keeps \
                  the partition available but loses the records the new leader never copied; false keeps \
                  the partition offline until an ISR member returns.",
        what_ko: "살아 있는 ISR 멤버가 없을 때 ISR 밖의 복제본이 리더가 될 수 있는지 정한다. true면 파티션은 계속 \
                  쓸 수 있지만 새 리더가 복제하지 못한 레코드를 잃고, false면 ISR 멤버가 돌아올 때까지 파티션이 \
                  멈춘다.",
        look_en: "Slow the network to a follower until it drops out of the ISR, then crash the leader and \
                  the other in-sync replicas. With false the topic table shows no leader. With true the stale \
                  follower becomes leader, its log is the truth, and the Anomalies tab lists lost \
                  acknowledged writes, even with acks=all.",
        look_ko: "팔로워로 가는 네트워크를 느리게 해 ISR에서 빠지게 한 뒤, 리더와 나머지 ISR 복제본을 강제 종료해 \
                  보자. false면 토픽 표에 리더 없음이 나온다. true면 뒤처진 팔로워가 리더가 되고 그 로그가 기준이 \
                  되어, acks=all이어도 이상 현상 탭에 확인된 쓰기 유실이 나온다.",
    },
    OptionHelp {
        id: "replica.lag.time.max.ms",
        label: None,
        panels: T,
        default_from: DefaultFrom::Config(ConfigScope::Broker, "replica.lag.time.max.ms"),
        what_en: "How long a follower may go without catching up to the leader's log end before the leader \
                  removes it from the ISR. The leader checks every half of this time.",
        what_ko: "팔로워가 리더의 로그 끝을 따라잡지 못한 채 이 시간이 지나면 리더가 그 팔로워를 ISR에서 뺀다. \
                  리더는 이 시간의 절반마다 검사한다.",
        look_en: "Slow the network to one broker: after about this long its replicas turn out of sync in the \
                  picture and the topic table, the event log shows the ISR shrinking, and the partitions are \
                  flagged under-replicated. Heal the network and the follower rejoins once it has caught up.",
        look_ko: "broker 한 대로 가는 네트워크를 느리게 해 보자. 대략 이 시간이 지나면 그림과 토픽 표에서 그 \
                  복제본이 동기화 안 됨으로 바뀌고, 이벤트 로그에 ISR 축소가 나오며, 파티션에 복제 부족 표시가 \
                  붙는다. 네트워크를 복구하면 팔로워가 따라잡은 뒤 ISR에 다시 들어온다.",
    },
    OptionHelp {
        id: "partitions",
        label: Some(Key::Partitions),
        panels: T,
        default_from: DefaultFrom::Config(ConfigScope::Broker, "num.partitions"),
        what_en: "How many partitions the topic has. Records with the same key go to the same partition, and \
                  each partition is read by one member of a group at a time. Kafka's default is the broker's \
                  num.partitions, which kafka-topics --create uses when --partitions is left out.",
        what_ko: "토픽의 파티션 개수이다. 같은 키의 레코드는 같은 파티션으로 가고, 한 파티션은 그룹 안에서 한 번에 \
                  한 멤버만 읽는다. Kafka의 기본값은 broker의 num.partitions이며, kafka-topics --create에서 \
                  --partitions를 빼면 이 값을 쓴다.",
        look_en: "With more partitions than members, some cards list several partitions; with fewer, the \
                  extra members sit idle with none. The partition the send form shows for a key changes with \
                  the count.",
        look_ko: "파티션이 멤버보다 많으면 어떤 카드에는 파티션이 여러 개 붙고, 적으면 남는 멤버는 파티션 없이 \
                  논다. '레코드 하나 보내기' 폼에 나오는 키의 파티션도 개수에 따라 바뀐다.",
    },
    OptionHelp {
        id: "replication-factor",
        label: Some(Key::ReplicationFactor),
        panels: T,
        default_from: DefaultFrom::Config(ConfigScope::Broker, "default.replication.factor"),
        what_en: "How many brokers hold a copy of each partition: the leader and its followers. Kafka's \
                  default is the broker's default.replication.factor, which kafka-topics --create uses when \
                  --replication-factor is left out.",
        what_ko: "파티션마다 복제본을 가진 broker 수로, 리더와 팔로워를 합친 수이다. Kafka의 기본값은 broker의 \
                  default.replication.factor이며, kafka-topics --create에서 --replication-factor를 빼면 이 \
                  값을 쓴다.",
        look_en: "With 1, crash a broker: its partitions have no leader until it restarts. With 3 (the seed), \
                  crash one broker: an in-sync follower takes over, and the topic table shows the new leader \
                  and a smaller ISR.",
        look_ko: "1로 두고 broker를 강제 종료하면 재시작할 때까지 그 파티션에 리더가 없다. 3(시드)으로 두고 broker \
                  한 대를 강제 종료하면 ISR에 있던 팔로워가 이어받고, 토픽 표에 새 리더와 줄어든 ISR이 나온다.",
    },
];
