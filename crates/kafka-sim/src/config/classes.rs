//! The Java classes the simulator "has on its classpath": serializers, deserializers, assignors and
//! partitioners, by their fully-qualified names.

use serde::Serialize;

/// A serializer/deserializer pair the simulator implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SerdeKind {
    /// `org.apache.kafka.common.serialization.String(De)Serializer` (UTF-8).
    String,
    /// `ByteArray(De)Serializer`.
    ByteArray,
    /// `ByteBuffer(De)Serializer`.
    ByteBuffer,
    /// `Bytes(De)Serializer`.
    Bytes,
    /// `Integer(De)Serializer` (4 bytes, big-endian).
    Integer,
    /// `Long(De)Serializer` (8 bytes, big-endian).
    Long,
    /// `Short(De)Serializer` (2 bytes, big-endian).
    Short,
    /// `Float(De)Serializer`.
    Float,
    /// `Double(De)Serializer`.
    Double,
    /// `UUID(De)Serializer` (the UUID's string form).
    Uuid,
    /// `Boolean(De)Serializer` (one byte).
    Boolean,
    /// `Void(De)Serializer` (always null).
    Void,
    /// Spring Kafka's `org.springframework.kafka.support.serializer.Json(De)Serializer`.
    SpringJson,
}

const KAFKA_SERDE: &str = "org.apache.kafka.common.serialization.";
const SPRING_SERDE: &str = "org.springframework.kafka.support.serializer.";

impl SerdeKind {
    /// Every kind.
    pub const ALL: [SerdeKind; 13] = [
        SerdeKind::String,
        SerdeKind::ByteArray,
        SerdeKind::ByteBuffer,
        SerdeKind::Bytes,
        SerdeKind::Integer,
        SerdeKind::Long,
        SerdeKind::Short,
        SerdeKind::Float,
        SerdeKind::Double,
        SerdeKind::Uuid,
        SerdeKind::Boolean,
        SerdeKind::Void,
        SerdeKind::SpringJson,
    ];

    fn stem(self) -> (&'static str, &'static str) {
        match self {
            SerdeKind::String => (KAFKA_SERDE, "String"),
            SerdeKind::ByteArray => (KAFKA_SERDE, "ByteArray"),
            SerdeKind::ByteBuffer => (KAFKA_SERDE, "ByteBuffer"),
            SerdeKind::Bytes => (KAFKA_SERDE, "Bytes"),
            SerdeKind::Integer => (KAFKA_SERDE, "Integer"),
            SerdeKind::Long => (KAFKA_SERDE, "Long"),
            SerdeKind::Short => (KAFKA_SERDE, "Short"),
            SerdeKind::Float => (KAFKA_SERDE, "Float"),
            SerdeKind::Double => (KAFKA_SERDE, "Double"),
            SerdeKind::Uuid => (KAFKA_SERDE, "UUID"),
            SerdeKind::Boolean => (KAFKA_SERDE, "Boolean"),
            SerdeKind::Void => (KAFKA_SERDE, "Void"),
            SerdeKind::SpringJson => (SPRING_SERDE, "Json"),
        }
    }

    /// The serializer's class name, e.g. `org.apache.kafka.common.serialization.StringSerializer`.
    pub fn serializer_class(self) -> String {
        let (package, stem) = self.stem();
        format!("{package}{stem}Serializer")
    }

    /// The deserializer's class name, e.g. `org.apache.kafka.common.serialization.StringDeserializer`.
    pub fn deserializer_class(self) -> String {
        let (package, stem) = self.stem();
        format!("{package}{stem}Deserializer")
    }

    /// The short name a UI shows, e.g. `StringSerializer` without the package and suffix: `String`.
    pub fn short_name(self) -> &'static str {
        self.stem().1
    }
}

/// A `ConsumerPartitionAssignor` of Kafka 3.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AssignorKind {
    /// `org.apache.kafka.clients.consumer.RangeAssignor` (protocol name `range`).
    Range,
    /// `org.apache.kafka.clients.consumer.RoundRobinAssignor` (`roundrobin`).
    RoundRobin,
    /// `org.apache.kafka.clients.consumer.StickyAssignor` (`sticky`).
    Sticky,
    /// `org.apache.kafka.clients.consumer.CooperativeStickyAssignor` (`cooperative-sticky`).
    CooperativeSticky,
}

impl AssignorKind {
    /// Every assignor.
    pub const ALL: [AssignorKind; 4] = [
        AssignorKind::Range,
        AssignorKind::RoundRobin,
        AssignorKind::Sticky,
        AssignorKind::CooperativeSticky,
    ];

    /// The fully-qualified class name.
    pub fn class_name(self) -> &'static str {
        match self {
            AssignorKind::Range => "org.apache.kafka.clients.consumer.RangeAssignor",
            AssignorKind::RoundRobin => "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            AssignorKind::Sticky => "org.apache.kafka.clients.consumer.StickyAssignor",
            AssignorKind::CooperativeSticky => "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
        }
    }

    /// The assignor's `name()`, sent in JoinGroup as the protocol name.
    pub fn protocol_name(self) -> &'static str {
        match self {
            AssignorKind::Range => "range",
            AssignorKind::RoundRobin => "roundrobin",
            AssignorKind::Sticky => "sticky",
            AssignorKind::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// Whether the assignor supports the COOPERATIVE rebalance protocol (only `CooperativeStickyAssignor`).
    pub fn is_cooperative(self) -> bool {
        self == AssignorKind::CooperativeSticky
    }
}

/// A producer `partitioner.class` of Kafka 3.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum PartitionerKind {
    /// `org.apache.kafka.clients.producer.RoundRobinPartitioner`.
    RoundRobin,
    /// `org.apache.kafka.clients.producer.UniformStickyPartitioner` (deprecated).
    UniformSticky,
    /// `org.apache.kafka.clients.producer.internals.DefaultPartitioner` (deprecated).
    Default,
}

impl PartitionerKind {
    /// Every partitioner class.
    pub const ALL: [PartitionerKind; 3] = [
        PartitionerKind::RoundRobin,
        PartitionerKind::UniformSticky,
        PartitionerKind::Default,
    ];

    /// The fully-qualified class name.
    pub fn class_name(self) -> &'static str {
        match self {
            PartitionerKind::RoundRobin => "org.apache.kafka.clients.producer.RoundRobinPartitioner",
            PartitionerKind::UniformSticky => "org.apache.kafka.clients.producer.UniformStickyPartitioner",
            PartitionerKind::Default => "org.apache.kafka.clients.producer.internals.DefaultPartitioner",
        }
    }
}

/// A class the simulator knows, found by its fully-qualified name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KnownClass {
    /// A `Serializer`.
    Serializer(SerdeKind),
    /// A `Deserializer`.
    Deserializer(SerdeKind),
    /// A `ConsumerPartitionAssignor`.
    Assignor(AssignorKind),
    /// A `Partitioner`.
    Partitioner(PartitionerKind),
}

/// The Java interface names, as in `... is not an instance of org.apache.kafka.common.serialization.Serializer`.
pub const SERIALIZER_INTERFACE: &str = "org.apache.kafka.common.serialization.Serializer";
/// `org.apache.kafka.common.serialization.Deserializer`.
pub const DESERIALIZER_INTERFACE: &str = "org.apache.kafka.common.serialization.Deserializer";
/// `org.apache.kafka.clients.consumer.ConsumerPartitionAssignor`.
pub const ASSIGNOR_INTERFACE: &str = "org.apache.kafka.clients.consumer.ConsumerPartitionAssignor";
/// `org.apache.kafka.clients.producer.Partitioner`.
pub const PARTITIONER_INTERFACE: &str = "org.apache.kafka.clients.producer.Partitioner";

/// `Class.forName(name)`: the known class with that exact name.
pub fn lookup(name: &str) -> Option<KnownClass> {
    for kind in SerdeKind::ALL {
        if kind.serializer_class() == name {
            return Some(KnownClass::Serializer(kind));
        }
        if kind.deserializer_class() == name {
            return Some(KnownClass::Deserializer(kind));
        }
    }
    if let Some(a) = AssignorKind::ALL.into_iter().find(|a| a.class_name() == name) {
        return Some(KnownClass::Assignor(a));
    }
    PartitionerKind::ALL
        .into_iter()
        .find(|p| p.class_name() == name)
        .map(KnownClass::Partitioner)
}

/// Every known class name, for a UI's choices.
pub fn all_class_names() -> Vec<String> {
    let mut out = Vec::new();
    for kind in SerdeKind::ALL {
        out.push(kind.serializer_class());
        out.push(kind.deserializer_class());
    }
    out.extend(AssignorKind::ALL.iter().map(|a| a.class_name().to_string()));
    out.extend(PartitionerKind::ALL.iter().map(|p| p.class_name().to_string()));
    out
}
