//! Poison pills: records a member's deserializers cannot read.
//!
//! A record's bytes are not stored; they follow from its producer (its serializers and templates)
//! and its running number. What a member's deserializers make of a producer's records is worked out
//! once, when the member is built, from one sample record ([`check_producer`]), and kept per
//! producer ([`Undeserializable`]). A record that does not deserialize stops the member as Kafka
//! 3.7 does: `poll()` returns the records before it, then throws a `RecordDeserializationException`
//! at every call, and the position stays on it, so the consumer is stuck on that partition (and,
//! since the failing fetch stays next in line, on every partition) until someone seeks past it.

use crate::cluster::producer_node::ProducerSetup;
use crate::config::ConsumerConfig;
use crate::config::classes::SerdeKind;
use crate::record::ProducerRef;
use crate::serialization::{
    DeserializeContext, JsonDeserializerConfig, TrustedPackages, deserialize, json_type_headers, serialize,
};
use std::sync::Arc;

/// The Java class Spring's `JsonSerializer` names in the `__TypeId__` header of the simulated
/// producers' values (the seed's reservation service publishes bookings).
pub const JSON_VALUE_TYPE: &str = "com.example.reservation.Reservation";

/// For each producer (by index), the exception chain its records raise in this member's
/// deserializers, or `None` when they deserialize.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Undeserializable(Vec<Option<Arc<[String]>>>);

impl Undeserializable {
    /// Builds the table from per-producer verdicts, in producer order.
    pub fn new(verdicts: Vec<Option<Vec<String>>>) -> Undeserializable {
        Undeserializable(verdicts.into_iter().map(|v| v.map(Arc::from)).collect())
    }

    /// The exception chain for `producer`'s records, if they do not deserialize.
    pub fn of(&self, producer: ProducerRef) -> Option<&Arc<[String]>> {
        self.0.get(usize::from(producer.0)).and_then(Option::as_ref)
    }

    /// Whether no producer's records are poison (the fetcher then never looks at record ids).
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

/// Spring's `JsonDeserializer` settings from the consumer's `spring.json.*` properties.
fn json_config(config: &ConsumerConfig, is_key: bool) -> JsonDeserializerConfig {
    let o = &config.originals;
    let default_key = if is_key {
        "spring.json.key.default.type"
    } else {
        "spring.json.value.default.type"
    };
    let default_type = o.get(default_key).map(str::to_owned);
    JsonDeserializerConfig {
        use_type_headers: o
            .get("spring.json.use.type.headers")
            .is_none_or(|v| !v.eq_ignore_ascii_case("false")),
        trusted_packages: TrustedPackages::configured(
            default_type.as_deref(),
            o.get("spring.json.trusted.packages"),
        ),
        default_type,
    }
}

/// What `consumer`'s deserializers make of `producer`'s records (sampled at record number 1): the
/// exception chain as the JVM prints it, or `None` when they deserialize.
pub fn check_producer(producer: &ProducerSetup, consumer: &ConsumerConfig) -> Option<Vec<String>> {
    let n = 1;
    let topic = producer.topic.as_str();
    let sides = [
        (
            true,
            producer.config.key_serializer,
            consumer.key_deserializer,
            producer.keys.render(n),
        ),
        (
            false,
            producer.config.value_serializer,
            consumer.value_deserializer,
            Some(producer.value.render(n)),
        ),
    ];
    for (is_key, ser, de, text) in sides {
        let Ok(bytes) = serialize(ser, text.as_deref()) else {
            continue;
        };
        let headers = match (&bytes, ser) {
            (Some(_), SerdeKind::SpringJson) => {
                let class = if is_key {
                    "java.lang.String"
                } else {
                    JSON_VALUE_TYPE
                };
                json_type_headers(class, is_key)
            }
            _ => Vec::new(),
        };
        let json = json_config(consumer, is_key);
        let ctx = DeserializeContext {
            topic,
            headers: &headers,
            is_key,
            json: &json,
        };
        if let Err(e) = deserialize(de, bytes.as_deref(), &ctx) {
            return Some(e.java_trace());
        }
    }
    None
}
