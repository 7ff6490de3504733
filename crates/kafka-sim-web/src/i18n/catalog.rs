//! The fixed strings: one [`Key`] per string, with its English and Korean text side by side.
//!
//! Strings with numbers or names in them are functions in [`super::msg`]. Keys whose text is a Kafka name
//! (ZooKeeper, ISR, HW, LEO) are the same in both languages: see [`Key::is_kafka_name`].

use kafka_sim::oracle::durability::AnomalyKind;

macro_rules! catalog {
    ($( $group:literal { $( $key:ident => $en:literal, $ko:literal; )* } )*) => {
        /// A fixed UI string. Its documentation is its English text; [`super::t`] gives it in a language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Key {
            $( $(
                #[doc = concat!($group, ": \"", $en, "\" / \"", $ko, "\"")]
                $key,
            )* )*
        }

        impl Key {
            /// Every key, in catalog order.
            pub const ALL: &'static [Key] = &[$( $( Key::$key, )* )*];

            /// The English text.
            pub fn en(self) -> &'static str {
                match self { $( $( Key::$key => $en, )* )* }
            }

            /// The Korean text.
            pub fn ko(self) -> &'static str {
                match self { $( $( Key::$key => $ko, )* )* }
            }

            /// The key's name in the source, e.g. `"StepBack"` (for tests and debugging).
            pub fn name(self) -> &'static str {
                match self { $( $( Key::$key => stringify!($key), )* )* }
            }

            /// The part of the page the key belongs to, e.g. `"header"`.
            pub fn group(self) -> &'static str {
                match self { $( $( Key::$key => $group, )* )* }
            }
        }
    };
}

catalog! {
    "header" {
        AppTitle => "Kafka Playground", "Kafka 플레이그라운드";
        Scenario => "Scenario", "시나리오";
        Seed => "Seed", "시드";
        SimulatedTime => "Simulated time", "시뮬레이션 시간";
        Play => "Play", "재생";
        Pause => "Pause", "일시정지";
        Step => "Step", "한 단계 앞으로";
        StepBack => "Step back", "한 단계 뒤로";
        Speed => "Speed", "속도";
        Timeline => "Timeline", "타임라인";
        Language => "Language", "언어";
        Share => "Share", "공유";
        LinkCopied => "Link copied", "링크를 복사했습니다";
        Reset => "Reset", "초기화";
    }
    "cluster" {
        ClusterPicture => "Cluster", "클러스터";
        ZooKeeper => "ZooKeeper", "ZooKeeper";
        Controller => "Controller", "컨트롤러";
        Producer => "Producer", "프로듀서";
        ConsumerGroup => "Consumer group", "컨슈머 그룹";
        Leader => "Leader", "리더";
        Follower => "Follower", "팔로워";
        Isr => "ISR", "ISR";
        OutOfSync => "Out of sync", "동기화 안 됨";
        Hw => "HW", "HW";
        HighWatermark => "High watermark", "하이 워터마크";
        Leo => "LEO", "LEO";
        LogEndOffset => "Log end offset", "로그 끝 오프셋";
        Crashed => "Crashed", "다운됨";
        Isolated => "Isolated", "격리됨";
        ZooKeeperSession => "ZooKeeper session", "ZooKeeper 세션";
        Truncated => "Truncated", "잘려 나감";
        NoLeader => "No leader", "리더 없음";
    }
    "broker actions" {
        BrokerActions => "Broker actions", "브로커 조작";
        Crash => "Crash", "강제 종료";
        Restart => "Restart", "재시작";
        Isolate => "Isolate", "네트워크 격리";
        Heal => "Heal", "네트워크 복구";
        SlowNetwork => "Slow network", "느린 네트워크";
    }
    "producer panel" {
        Options => "Options", "옵션";
        TopicAndBrokerSettings => "Topic and broker settings", "토픽·브로커 설정";
        Load => "Load", "부하";
        SendRate => "Send rate (records/s)", "전송 속도 (초당 레코드)";
        KeyPattern => "Key pattern", "키 패턴";
        SendOneRecord => "Send one record", "레코드 하나 보내기";
        RecordKey => "Key", "키";
        RecordValue => "Value", "값";
        Send => "Send", "보내기";
        Result => "Result", "결과";
    }
    "consumer group panel" {
        GroupState => "State", "상태";
        Generation => "Generation", "세대";
        Protocol => "Protocol", "프로토콜";
        Assignor => "Assignor", "할당 전략";
        Coordinator => "Coordinator", "코디네이터";
        Member => "Member", "멤버";
        Heartbeat => "Heartbeat", "하트비트";
        Session => "Session", "세션";
        Poll => "Poll", "poll 간격";
        Processing => "Processing", "처리 중";
        Idle => "Idle", "대기 중";
        Partitions => "Partitions", "파티션";
        Committed => "Committed", "커밋된 오프셋";
        Lag => "Lag", "랙(lag)";
        AddMember => "Add member", "멤버 추가";
        Close => "Close", "정상 종료";
        CommitMode => "Commit mode", "커밋 방식";
        CommitAuto => "Auto (enable.auto.commit)", "자동 (enable.auto.commit)";
        CommitManualAfter => "Manual, after processing", "수동, 처리 후 커밋";
        CommitBeforeProcessing => "Before processing", "처리 전 커밋";
        ProcessingTimePerRecord => "Processing time per record", "레코드당 처리 시간";
    }
    "topic table" {
        Topic => "Topic", "토픽";
        Partition => "Partition", "파티션";
        Replicas => "Replicas", "복제본";
        InSyncReplicas => "In-sync replicas", "동기화된 복제본(ISR)";
        HwOffsets => "HW / LEO per replica", "복제본별 HW / LEO";
        UnderReplicated => "Under-replicated", "복제 부족";
        ReplicationFactor => "Replication factor", "복제 계수";
    }
    "tabs" {
        EventLog => "Event log", "이벤트 로그";
        Metrics => "Metrics", "지표";
        Anomalies => "Anomalies", "이상 현상";
        SequenceDiagram => "Sequence diagram", "시퀀스 다이어그램";
        Filter => "Filter", "필터";
        AllKinds => "All", "전체";
        KindBrokers => "Brokers and ZooKeeper sessions", "브로커·ZooKeeper 세션";
        KindLeadership => "Leaders and ISR", "리더·ISR 변경";
        KindProduce => "Produce", "프로듀스";
        KindFetch => "Fetch and poll", "fetch·poll 요청";
        KindGroup => "Group and rebalance", "그룹·리밸런스";
        KindCommit => "Commits", "커밋";
        KindFault => "Faults", "장애 주입";
        KindOptionChange => "Option changes", "옵션 변경";
        JumpHere => "Jump to this event", "이 이벤트로 이동";
        ProduceRate => "Produce rate", "전송률";
        AckedRate => "Acknowledged rate", "확인된 전송률";
        P99Latency => "p99 latency", "p99 지연 시간";
        Rebalances => "Rebalances", "리밸런스";
        Explanation => "Explanation", "설명";
        NoAnomalies => "No anomalies so far", "아직 이상 현상이 없습니다";
    }
    "anomalies" {
        LostAckedWrite => "Lost acknowledged write", "확인된 쓰기 유실";
        Duplicate => "Duplicate", "중복";
        Reordering => "Reordering", "순서 뒤바뀜";
        InconsistentOffsets => "Inconsistent offsets", "오프셋 불일치";
        SkippedRecord => "Skipped record", "건너뛴 레코드";
        AckedAtOtherOffset => "Acknowledged at another offset", "다른 오프셋에 기록된 확인된 쓰기";
        UnacknowledgedLost => "Lost unacknowledged write (acks=0)", "확인 없는 쓰기 유실 (acks=0)";
        FailedButWritten => "Failed send found in the log", "실패했지만 로그에 남은 전송";
    }
    "errors" {
        InvalidValue => "Invalid value", "잘못된 값";
        InvalidValueKept => "Kafka refused this value; the last valid value is kept.",
            "Kafka가 이 값을 거부했습니다. 마지막으로 유효했던 값을 유지합니다.";
        PanicTitle => "Something went wrong in the playground.", "플레이그라운드에 문제가 생겼습니다.";
        PanicHint => "Reload restores the saved session.", "새로고침하면 저장된 세션을 복원합니다.";
        Reload => "Reload", "새로고침";
    }
    "about this run" {
        AboutThisRun => "About this run", "이 실행에 대해";
        TraceHash => "Trace hash", "트레이스 해시";
        EventsProcessed => "Events processed", "처리한 이벤트";
        StepsDone => "Steps done", "진행한 단계";
        ActionsLogged => "Your actions", "사용자 조작";
    }
    "page shell" {
        BadLink => "This link cannot be opened.", "이 링크를 열 수 없습니다.";
        BadLinkFallback => "Showing the default scenario. Your last session is kept.",
            "기본 시나리오를 보여 줍니다. 마지막 세션은 그대로 남아 있습니다.";
        OpenLastSession => "Open my last session", "마지막 세션 열기";
        LoadFailed => "This cannot be loaded.", "불러올 수 없습니다.";
        CopyThisLink => "The clipboard is not available. Copy this link:",
            "클립보드를 쓸 수 없습니다. 이 링크를 복사하세요:";
        Permalink => "Permalink", "퍼머링크";
        Dismiss => "Dismiss", "닫기";
        Playing => "Playing", "재생 중";
        Paused => "Paused", "일시정지됨";
    }
    "help" {
        Help => "Help", "도움말";
        WhatItDoes => "What it does", "하는 일";
        KafkaDefaultLabel => "Kafka default", "Kafka 기본값";
        WhatToLookFor => "What to look for", "바꿔 보고 살펴볼 것";
        RequiredNoDefault => "none (required)", "없음 (필수)";
        NotAKafkaSetting => "not a Kafka setting", "Kafka 설정이 아님";
    }
    "cluster picture" {
        MessagesInFlight => "Messages in flight", "전송 중인 메시지";
        LegendProduceRequest => "Produce request", "프로듀스 요청";
        LegendProduceResponse => "Produce response", "프로듀스 응답";
        LegendFollowerFetch => "Follower fetch", "팔로워 fetch 요청";
        LegendConsumerFetch => "Consumer fetch", "컨슈머 fetch 요청";
        LegendFetchResponse => "Fetch response", "fetch 응답";
        LegendCommit => "Offset commit", "오프셋 커밋";
        LegendJoinSync => "Join and sync group", "그룹 참여·동기화";
        LegendOther => "Other messages (metadata, controller, ZooKeeper)", "기타 메시지 (메타데이터, 컨트롤러, ZooKeeper)";
        ShowInternalReplicas => "Show __consumer_offsets replicas", "__consumer_offsets 복제본 보기";
        HealNetwork => "Heal network", "네트워크 전체 복구";
        Latency => "Latency", "지연 시간";
        CloseMenu => "Close menu", "메뉴 닫기";
        OutOfIsr => "Out of ISR", "ISR 밖";
        Registered => "Registered", "등록됨";
        NotRegistered => "Not registered", "등록 안 됨";
        NoSession => "No session", "세션 없음";
        Running => "Running", "실행 중";
        Offline => "Offline", "오프라인";
        BrokerMenuHint => "Enter or click: broker actions", "Enter 또는 클릭: 브로커 조작";
    }
    "tabs below" {
        TabsLabel => "Views of the run", "실행 살펴보기";
        EventKindBroker => "Brokers and network", "브로커·네트워크";
        EventKindElection => "Controller and elections", "컨트롤러·리더 선출";
        EventKindIsr => "ISR changes", "ISR 변경";
        EventKindProducer => "Producers", "프로듀서 이벤트";
        EventKindGroup => "Groups and rebalances", "그룹과 리밸런스";
        EventKindMember => "Group members", "그룹 멤버";
        EventKindDataRisk => "Truncations and unclean elections", "로그 잘림·언클린 리더 선출";
        NoEvents => "No events to show", "표시할 이벤트가 없습니다";
        EventTime => "Time", "시각";
        Throughput => "Throughput", "처리량";
        AxisRecordsPerSecond => "records per second", "초당 레코드 수";
        AxisMilliseconds => "milliseconds", "밀리초";
        AxisRecords => "records", "레코드 수";
        AxisSimulatedSeconds => "simulated time (s)", "시뮬레이션 시간 (초)";
        LostRecords => "Lost", "유실";
        DuplicatedRecords => "Duplicated", "중복";
        SkippedRecords => "Skipped", "건너뜀";
        LossChart => "Lost, duplicated and skipped records", "유실·중복·건너뛴 레코드";
        Rebalance => "Rebalance", "리밸런스 시작";
        NoMetrics => "No samples yet: the metrics are taken once per simulated second",
            "아직 샘플이 없습니다. 지표는 시뮬레이션 시간 1초마다 수집됩니다";
        AnomalySummary => "Summary", "요약";
        RecordsSent => "Sent, outcome known (acknowledged, failed or unanswered)",
            "결과가 나온 전송 (확인·실패·응답 없음)";
        RecordsAcked => "Acknowledged with an offset", "오프셋과 함께 확인됨(ack)";
        SentByApp => "Sent by the app (send())", "앱이 보냄 (send())";
        AckedByClient => "Acknowledged (acks=0: once sent)", "확인됨 (acks=0이면 보내자마자)";
        ProducerStatsNote => "Counted by this producer client since it last started, records still queued included; the Anomalies tab counts every record whose send has an outcome.",
            "이 프로듀서 클라이언트가 마지막으로 시작한 뒤 센 값이며 아직 대기 중인 레코드도 포함합니다. 이상 현상 탭은 결과가 나온 모든 레코드를 셉니다.";
        Record => "Record", "레코드";
        Offset => "Offset", "오프셋";
        AllowedByContract => "Allowed by Kafka's contract for this configuration",
            "이 설정에서는 Kafka가 허용하는 현상";
        FindingsCapped => "Only the first findings of each kind are listed.",
            "종류마다 처음 몇 건만 보여 줍니다.";
        GroupDelivery => "Delivery to consumer groups", "컨슈머 그룹 전달 결과";
        ProcessedTwice => "Processed twice", "두 번 처리됨";
        CheckedAt => "Checked at", "검사 시각";
        MessageLost => "Lost message", "유실된 메시지";
        NoMessages => "No messages yet", "아직 메시지가 없습니다";
        SequenceCaption => "The last messages between nodes; time runs downwards",
            "노드 사이에 오간 최근 메시지 (시간은 위에서 아래로 흐른다)";
        AboutLostWrite => "The producer was told these records were written, but no final log holds them.",
            "프로듀서는 기록되었다는 확인(ack)을 받았지만 어느 최종 로그에도 남아 있지 않은 레코드다.";
        AboutWrongOffset => "These records were acknowledged at one offset but sit at another.",
            "확인(ack)받은 오프셋이 아닌 다른 오프셋에 들어 있는 레코드다.";
        AboutInconsistentOffsets => "These offsets held one record and later another: readers disagree about them.",
            "한 오프셋에 처음에는 어떤 레코드가, 나중에는 다른 레코드가 들어 있었다. 읽은 시점에 따라 결과가 다르다.";
        AboutDuplicate => "These records are in the log more than once (a retry that had already landed).",
            "로그에 두 번 이상 들어간 레코드다 (이미 기록된 배치를 재전송한 경우).";
        AboutReordering => "These records are in the partition out of the order their producer sent them.",
            "프로듀서가 보낸 순서와 다르게 파티션에 들어간 레코드다.";
        AboutSkipped => "The group committed past these offsets without processing them: they will never be read again.",
            "그룹이 처리하지 않은 채 커밋해 버린 오프셋이다. 이 레코드는 다시 읽히지 않는다.";
        AboutUnconfirmedLoss => "Sent with acks=0 and not in the log: the producer was never promised anything.",
            "acks=0으로 보내서 로그에 없는 레코드다. 프로듀서는 처음부터 아무 보장도 받지 않았다.";
        AboutFailedButPresent => "The send failed, yet the record is in the log: the failure only meant the outcome was unknown.",
            "전송은 실패로 끝났지만 로그에는 들어 있는 레코드다. 실패는 결과를 모른다는 뜻일 뿐이다.";
    }
    "panels" {
        Statistics => "Statistics", "통계";
        StatFailed => "Failed", "실패";
        StatRetries => "Batch retries", "배치 재시도";
        P50Latency => "p50 latency", "p50 지연 시간";
        Errors => "Errors", "오류";
        ProducerDown => "The producer's process is down", "프로듀서 프로세스가 다운됨";
        NullKeyHint => "Empty key: a null key, the sticky partitioner chooses the partition",
            "빈 키: null 키이므로 sticky 파티셔너가 파티션을 고릅니다";
        KeysIgnored => "partitioner.ignore.keys=true: the sticky partitioner chooses the partition",
            "partitioner.ignore.keys=true라서 sticky 파티셔너가 파티션을 고릅니다";
        SetByScenario => "Set by the scenario: a reset applies a new value", "시나리오가 정합니다: 초기화해야 새 값이 적용됩니다";
        NeedsReset => "Changing it needs a reset: the topic is created anew", "바꾸려면 초기화가 필요합니다: 토픽을 새로 만듭니다";
        AppliesAtRestart => "Applies at each broker's next restart, as in Kafka (a read-only broker config)",
            "Kafka처럼 각 브로커가 다음에 재시작할 때 적용됩니다 (읽기 전용 브로커 설정)";
        AppliesNow => "Applies now, as kafka-configs --alter does", "kafka-configs --alter처럼 바로 적용됩니다";
        BrokerSettings => "Broker settings (every broker)", "브로커 설정 (모든 브로커)";
        CommitModeInCode => "The application's code decides: a reset applies another mode",
            "애플리케이션 코드가 정합니다: 초기화해야 다른 방식이 적용됩니다";
        CommitModeRestarts => "The application's code: changing it restarts the members (close(), then they join again)",
            "애플리케이션 코드가 정합니다: 바꾸면 멤버들이 다시 시작합니다 (close() 후 다시 참여)";
        LoadRestarts => "The application's load: changing it restarts the producer (close(), then a new one)",
            "애플리케이션의 부하입니다: 바꾸면 프로듀서가 다시 시작합니다 (close() 후 새 프로듀서)";
        PauseSeconds => "Pause length (s)", "멈출 시간 (초)";
        PauseGc => "GC pause (whole process)", "GC 멈춤 (프로세스 전체)";
        PauseSlowDownstream => "Slow downstream (poll loop only)", "느린 다운스트림 (poll 루프만)";
        PauseKind => "Pause kind", "멈춤 종류";
        LastHeartbeatSent => "Last heartbeat sent", "마지막 하트비트 전송";
        Never => "never", "아직 없음";
        InPoll => "In poll()", "poll() 호출 중";
        InCommitSync => "Blocked in commitSync()", "commitSync()에서 대기 중";
        StoppedActivity => "Stopped", "멈춤";
        GroupLeader => "Group leader", "그룹 리더";
        NoCoordinator => "Unknown: no live broker has the group", "알 수 없음: 그룹을 가진 살아 있는 브로커가 없음";
        Position => "Position", "위치(position)";
        NoPartitionsAssigned => "No partitions assigned", "할당된 파티션 없음";
        ShowInternalTopics => "Show internal topics", "내부 토픽 보기";
        InSync => "in sync", "동기화됨";
        Yes => "Yes", "예";
        No => "No", "아니요";
        Owner => "Owner", "담당 멤버";
        NoMembers => "No members yet", "아직 멤버가 없음";
        StaticMember => "Static member", "정적 멤버";
        ChangeForAllMembers => "Changes restart every member with the new config", "바꾸면 모든 멤버가 새 설정으로 재시작합니다";
        Lifecycle => "Lifecycle", "생명주기";
        MemberState => "Member state", "멤버 상태";
    }
    "teaching" {
        TerminalTab => "Terminal", "터미널";
        TerminalHint => "Kafka's command-line tools against this cluster. Type help; Tab completes, Up/Down recall, Ctrl-D ends the console producer.",
            "이 클러스터에 카프카 명령줄 도구를 실행합니다. help를 입력해 보세요. Tab은 자동 완성, 위/아래 화살표는 이전 명령, Ctrl-D는 콘솔 프로듀서를 끝냅니다.";
        CopyOutput => "Copy output", "출력 복사";
        OutputCopied => "Copied", "복사했습니다";
        Lessons => "Lessons", "레슨";
        ChooseLesson => "Lesson", "레슨 선택";
        StartLesson => "Start the lesson", "레슨 시작";
        LessonTask => "Do:", "할 일:";
        LessonNotice => "Notice:", "눈여겨볼 점:";
        StepDone => "Done: you can continue", "완료: 다음으로 넘어갈 수 있습니다";
        StepWaiting => "Waiting for the step to happen", "이 단계가 일어나기를 기다리는 중";
        LessonBack => "Back", "이전";
        ShowMe => "Show me", "보여 줘";
        LessonContinue => "Continue", "계속";
        LessonFinished => "Lesson complete", "레슨 완료";
        LeaveLesson => "Leave the lesson", "레슨 나가기";
        ImportExport => "Import / export", "가져오기 / 내보내기";
        Import => "Import", "가져오기";
        ImportHint => "Paste or upload a docker-compose.yml, an application.yml or .properties, or a producer/consumer.properties.",
            "docker-compose.yml, application.yml이나 .properties, producer/consumer.properties를 붙여 넣거나 올려 주세요.";
        PasteConfig => "Configuration file", "설정 파일";
        UploadFile => "Upload a file", "파일 올리기";
        ImportIgnored => "Ignored, with the reason", "무시한 항목과 이유";
        NothingIgnored => "Nothing was ignored.", "무시한 항목이 없습니다.";
        ImportNotes => "Assumed", "가정한 내용";
        ImportTooLarge => "The imported scenario is too large to open (and share in a link).",
            "가져온 시나리오가 너무 커서 열 수 없습니다 (링크로 공유할 수도 없습니다).";
        OpenImported => "Open", "열기";
        Export => "Export", "내보내기";
        ExportAs => "Export as", "내보낼 형식";
        CopyText => "Copy", "복사";
        Download => "Download", "내려받기";
    }
}

impl Key {
    /// Keys whose text is a Kafka name, the same in both languages.
    pub const KAFKA_NAMES: &'static [Key] = &[Key::ZooKeeper, Key::Isr, Key::Hw, Key::Leo];

    /// Whether the key's text is a Kafka name, kept as is in Korean.
    pub fn is_kafka_name(self) -> bool {
        Key::KAFKA_NAMES.contains(&self)
    }

    /// The Jepsen-style name of one of the durability oracle's anomaly kinds.
    pub fn anomaly(kind: AnomalyKind) -> Key {
        match kind {
            AnomalyKind::AckedLost => Key::LostAckedWrite,
            AnomalyKind::AckedWrongOffset => Key::AckedAtOtherOffset,
            AnomalyKind::InconsistentOffset => Key::InconsistentOffsets,
            AnomalyKind::Duplicate => Key::Duplicate,
            AnomalyKind::Reordered => Key::Reordering,
            AnomalyKind::UnconfirmedLost => Key::UnacknowledgedLost,
            AnomalyKind::FailedButPresent => Key::FailedButWritten,
        }
    }

    /// The event-log filter kinds, in the order the filter lists them (after [`Key::AllKinds`]).
    pub const EVENT_KINDS: &'static [Key] = &[
        Key::KindBrokers,
        Key::KindLeadership,
        Key::KindProduce,
        Key::KindFetch,
        Key::KindGroup,
        Key::KindCommit,
        Key::KindFault,
        Key::KindOptionChange,
    ];
}
