//! Kafka's serializers/deserializers, Spring's Json ones, and Kafka's record size arithmetic.

use kafka_sim::config::SerdeKind;
use kafka_sim::serialization::json::JacksonExceptionKind;
use kafka_sim::serialization::{
    DeserializeContext, DeserializedValue, Header, JavaException, JsonDeserializerConfig, TrustedPackages,
    check_record_size, deserialize, estimate_size_in_bytes_upper_bound, json_type_headers,
    record_size_in_bytes, record_too_large_message, serialize, size_of_varint, size_of_varlong,
};

fn ser(kind: SerdeKind, v: &str) -> Vec<u8> {
    match serialize(kind, Some(v)) {
        Ok(Some(b)) => b,
        other => panic!("{kind:?} {v:?}: {other:?}"),
    }
}

fn de_with(
    kind: SerdeKind,
    data: &[u8],
    headers: &[Header],
    json: &JsonDeserializerConfig,
) -> Result<Option<DeserializedValue>, kafka_sim::serialization::DeserializationError> {
    let ctx = DeserializeContext {
        topic: "reservations",
        headers,
        is_key: false,
        json,
    };
    deserialize(kind, Some(data), &ctx)
}

fn de(
    kind: SerdeKind,
    data: &[u8],
) -> Result<Option<DeserializedValue>, kafka_sim::serialization::DeserializationError> {
    de_with(kind, data, &[], &JsonDeserializerConfig::default())
}

fn de_err(kind: SerdeKind, data: &[u8]) -> String {
    de(kind, data).unwrap_err().to_string()
}

#[test]
fn kafka_serializers_produce_kafkas_bytes() {
    assert_eq!(ser(SerdeKind::String, "héllo"), "héllo".as_bytes());
    assert_eq!(ser(SerdeKind::ByteArray, "raw"), b"raw");
    assert_eq!(ser(SerdeKind::Integer, "42"), [0, 0, 0, 42]);
    assert_eq!(ser(SerdeKind::Integer, "-1"), [0xff; 4]);
    assert_eq!(ser(SerdeKind::Integer, "-2147483648"), [0x80, 0, 0, 0]);
    assert_eq!(ser(SerdeKind::Long, "1"), [0, 0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(
        ser(SerdeKind::Long, "-2"),
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]
    );
    assert_eq!(ser(SerdeKind::Short, "258"), [1, 2]);
    assert_eq!(ser(SerdeKind::Float, "1.5"), 1.5f32.to_bits().to_be_bytes());
    assert_eq!(
        ser(SerdeKind::Double, "-0.25"),
        (-0.25f64).to_bits().to_be_bytes()
    );
    assert_eq!(ser(SerdeKind::Boolean, "true"), [1]);
    assert_eq!(ser(SerdeKind::Boolean, "false"), [0]);
    assert_eq!(
        ser(SerdeKind::Uuid, "123E4567-E89B-12D3-A456-426614174000"),
        b"123e4567-e89b-12d3-a456-426614174000"
    );
}

#[test]
fn null_stays_null_for_every_kind() {
    for kind in SerdeKind::ALL {
        assert_eq!(serialize(kind, None), Ok(None), "{kind:?}");
        let json = JsonDeserializerConfig::default();
        let ctx = DeserializeContext {
            topic: "t",
            headers: &[],
            is_key: false,
            json: &json,
        };
        assert_eq!(deserialize(kind, None, &ctx), Ok(None), "{kind:?}");
    }
}

#[test]
fn values_a_serializer_cannot_take_are_rust_errors() {
    let e = serialize(SerdeKind::Integer, Some("abc")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "IntegerSerializer cannot serialize \"abc\": not a 32-bit integer"
    );
    assert!(serialize(SerdeKind::Integer, Some("2147483648")).is_err());
    assert!(serialize(SerdeKind::Long, Some("1.5")).is_err());
    assert!(serialize(SerdeKind::Short, Some("40000")).is_err());
    assert!(serialize(SerdeKind::Double, Some("one")).is_err());
    assert!(serialize(SerdeKind::Boolean, Some("yes")).is_err());
    assert!(serialize(SerdeKind::Uuid, Some("not-a-uuid")).is_err());
    assert!(serialize(SerdeKind::Void, Some("")).is_err());
    let e = serialize(SerdeKind::SpringJson, Some("{\"a\":}")).unwrap_err();
    assert_eq!(e.serializer, "JsonSerializer");
    assert!(
        e.reason
            .contains("Unexpected character ('}' (code 125)): expected a value"),
        "{e}"
    );
}

#[test]
fn every_kind_round_trips() {
    let cases = [
        (
            SerdeKind::String,
            "text",
            DeserializedValue::String("text".into()),
        ),
        (SerdeKind::Bytes, "raw", DeserializedValue::Bytes(b"raw".to_vec())),
        (SerdeKind::Integer, "-7", DeserializedValue::Integer(-7)),
        (
            SerdeKind::Long,
            "9000000000",
            DeserializedValue::Long(9_000_000_000),
        ),
        (SerdeKind::Short, "-3", DeserializedValue::Short(-3)),
        (SerdeKind::Float, "0.5", DeserializedValue::Float(0.5)),
        (SerdeKind::Double, "2.25", DeserializedValue::Double(2.25)),
        (SerdeKind::Boolean, "TRUE", DeserializedValue::Boolean(true)),
        (
            SerdeKind::Uuid,
            "123e4567-e89b-12d3-a456-426614174000",
            DeserializedValue::Uuid("123e4567-e89b-12d3-a456-426614174000".into()),
        ),
    ];
    for (kind, text, want) in cases {
        let bytes = ser(kind, text);
        assert_eq!(de(kind, &bytes), Ok(Some(want)), "{kind:?}");
    }
}

#[test]
fn kafka_deserializer_size_errors_use_kafkas_text() {
    assert_eq!(
        de_err(SerdeKind::Integer, &[0, 0, 1]),
        "org.apache.kafka.common.errors.SerializationException: Size of data received by IntegerDeserializer is not 4"
    );
    let e = de(SerdeKind::Long, b"abc").unwrap_err();
    assert_eq!(e.exception, JavaException::Serialization);
    assert_eq!(e.message, "Size of data received by LongDeserializer is not 8");
    assert_eq!(
        de(SerdeKind::Short, b"").unwrap_err().message,
        "Size of data received by ShortDeserializer is not 2"
    );
    // Kafka's Float/Double deserializers name no class.
    assert_eq!(
        de(SerdeKind::Float, b"abc").unwrap_err().message,
        "Size of data received by Deserializer is not 4"
    );
    assert_eq!(
        de(SerdeKind::Double, b"abc").unwrap_err().message,
        "Size of data received by Deserializer is not 8"
    );
    assert_eq!(
        de(SerdeKind::Boolean, b"ab").unwrap_err().message,
        "Size of data received by BooleanDeserializer is not 1"
    );
    assert_eq!(
        de(SerdeKind::Boolean, &[5]).unwrap_err().message,
        "Unexpected byte received by BooleanDeserializer: 5"
    );
    assert_eq!(
        de(SerdeKind::Boolean, &[0xff]).unwrap_err().message,
        "Unexpected byte received by BooleanDeserializer: -1"
    );
    assert_eq!(
        de_err(SerdeKind::Void, b""),
        "java.lang.IllegalArgumentException: Data should be null for a VoidDeserializer."
    );
    let e = de(SerdeKind::Uuid, b"nope").unwrap_err();
    assert_eq!(e.message, "Error parsing data into UUID");
    assert_eq!(e.java_trace().len(), 2);
}

#[test]
fn string_deserializer_replaces_invalid_utf8() {
    assert_eq!(
        de(SerdeKind::String, &[b'a', 0xff, b'b']),
        Ok(Some(DeserializedValue::String("a\u{fffd}b".into())))
    );
    // Integer bytes read as a String (a classic mismatch): 42 is '*'.
    assert_eq!(
        de(SerdeKind::String, &[0, 0, 0, 42]),
        Ok(Some(DeserializedValue::String("\0\0\0*".into())))
    );
}

#[test]
fn json_serializer_writes_compact_json_as_jackson() {
    let input = "{ \"reservationId\" : 1 ,\n \"guest\": {\"name\":\"Zo\\u00e9 \\/ \\\"Z\\\"\", \"tags\": [ true, null, -0.5e3 ]} }";
    let out = String::from_utf8(ser(SerdeKind::SpringJson, input)).unwrap();
    assert_eq!(
        out,
        r#"{"reservationId":1,"guest":{"name":"Zoé / \"Z\"","tags":[true,null,-0.5e3]}}"#
    );
    // Control characters: short escapes where Jackson has them, else \u00XX in upper-case hex.
    let out = String::from_utf8(ser(SerdeKind::SpringJson, r#""a\tb\u0001\ud83d\ude00""#)).unwrap();
    assert_eq!(out, "\"a\\tb\\u0001\u{1f600}\"");
    assert!(serialize(SerdeKind::SpringJson, Some("{} {}")).is_err());
}

#[test]
fn spring_type_headers() {
    let h = json_type_headers("com.example.Reservation", false);
    assert_eq!(
        h,
        vec![("__TypeId__".to_owned(), b"com.example.Reservation".to_vec())]
    );
    assert_eq!(json_type_headers("java.lang.String", true)[0].0, "__Key_TypeId__");
}

fn typed(class: &str) -> Vec<Header> {
    json_type_headers(class, false)
}

#[test]
fn untrusted_type_header_gets_springs_message() {
    let e = de_with(
        SerdeKind::SpringJson,
        b"{\"reservationId\":1}",
        &typed("com.example.Reservation"),
        &JsonDeserializerConfig::default(),
    )
    .unwrap_err();
    assert_eq!(e.exception, JavaException::IllegalArgument);
    assert_eq!(
        e.to_string(),
        "java.lang.IllegalArgumentException: The class 'com.example.Reservation' is not in the trusted packages: \
         [java.util, java.lang]. If you believe this class is safe to deserialize, please provide its name. If \
         the serialization is only done by a trusted source, you can also enable trust all (*)."
    );
}

#[test]
fn trusted_packages_follow_springs_rules() {
    let mut t = TrustedPackages::default();
    assert!(t.is_trusted("java.util.ArrayList"));
    assert!(!t.is_trusted("java.util.concurrent.Foo"));
    t.add("com.example, org.acme.*");
    assert_eq!(t.to_string(), "[java.util, java.lang, com.example, org.acme.*]");
    assert!(t.is_trusted("com.example.Reservation"));
    assert!(!t.is_trusted("com.example.sub.Reservation"));
    assert!(t.is_trusted("org.acme.events.Booked"));
    // simpleMatch: `org.acme.*` needs a subpackage.
    assert!(!t.is_trusted("org.acme.Booked"));
    t.add("*");
    assert!(t.trusts_all() && t.is_trusted("anything.At.All"));
    t.add("com.more");
    assert_eq!(t.to_string(), "[]");
    let c = TrustedPackages::configured(Some("java.lang.Object"), Some("com.delivery"));
    assert_eq!(c.to_string(), "[java.util, java.lang, java.lang.*, com.delivery]");
}

#[test]
fn json_deserializer_resolves_the_type() {
    let trusted = JsonDeserializerConfig {
        trusted_packages: TrustedPackages::configured(None, Some("com.example")),
        ..JsonDeserializerConfig::default()
    };
    let v = de_with(
        SerdeKind::SpringJson,
        b"{ \"reservationId\": 1 }",
        &typed("com.example.Reservation"),
        &trusted,
    );
    assert_eq!(
        v,
        Ok(Some(DeserializedValue::Json {
            type_name: "com.example.Reservation".into(),
            json: "{\"reservationId\":1}".into()
        }))
    );
    // No header and no default type.
    let e = de_with(SerdeKind::SpringJson, b"{}", &[], &trusted).unwrap_err();
    assert_eq!(
        e.to_string(),
        "java.lang.IllegalStateException: No type information in headers and no default type provided"
    );
    // A default type is used without a header, and is not checked against the trusted packages.
    let with_default = JsonDeserializerConfig {
        default_type: Some("com.other.Event".into()),
        ..trusted.clone()
    };
    let v = de_with(SerdeKind::SpringJson, b"[1]", &[], &with_default)
        .unwrap()
        .unwrap();
    assert_eq!(v.to_string(), "[1]");
    // With use.type.headers=false the header is ignored.
    let no_headers = JsonDeserializerConfig {
        use_type_headers: false,
        ..with_default
    };
    let v = de_with(SerdeKind::SpringJson, b"{}", &typed("evil.Gadget"), &no_headers)
        .unwrap()
        .unwrap();
    assert_eq!(
        v,
        DeserializedValue::Json {
            type_name: "com.other.Event".into(),
            json: "{}".into()
        }
    );
}

#[test]
fn invalid_json_is_a_poison_pill_with_springs_and_jacksons_text() {
    let cfg = JsonDeserializerConfig {
        default_type: Some("com.example.Reservation".into()),
        ..Default::default()
    };
    let e = de_with(SerdeKind::SpringJson, b"hello", &[], &cfg).unwrap_err();
    let trace = e.java_trace();
    assert_eq!(
        trace[0],
        "org.apache.kafka.common.errors.SerializationException: Can't deserialize data  from topic [reservations]"
    );
    assert!(
        trace[1].starts_with(
            "Caused by: com.fasterxml.jackson.core.JsonParseException: Unrecognized token 'hello': was expecting \
             (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: "
        ),
        "{}",
        trace[1]
    );
    let cause = e.cause.unwrap();
    assert_eq!(
        cause.exception,
        JavaException::Jackson(JacksonExceptionKind::JsonParse)
    );
    assert!(
        cause.message.ends_with("line: 1, column: 6]"),
        "{}",
        cause.message
    );
    // Empty data: Jackson's MismatchedInputException.
    let e = de_with(SerdeKind::SpringJson, b"", &[], &cfg).unwrap_err();
    assert!(e.java_trace()[1].contains("MismatchedInputException: No content to map due to end-of-input"));
    // Jackson ignores trailing tokens by default.
    let v = de_with(SerdeKind::SpringJson, b"{\"a\":1} trailing", &[], &cfg)
        .unwrap()
        .unwrap();
    assert_eq!(v.to_string(), "{\"a\":1}");
}

#[test]
fn jackson_messages_for_common_mistakes() {
    let msg = |s: &str| {
        kafka_sim::serialization::json::compact(s.as_bytes(), false)
            .unwrap_err()
            .message
    };
    assert_eq!(
        msg("{a:1}"),
        "Unexpected character ('a' (code 97)): was expecting double-quote to start field name"
    );
    assert_eq!(
        msg("{\"a\" 1}"),
        "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"
    );
    assert_eq!(
        msg("[1 2]"),
        "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"
    );
    assert_eq!(
        msg("{'a':1}"),
        "Unexpected character (''' (code 39)): was expecting double-quote to start field name"
    );
    assert_eq!(msg("01"), "Invalid numeric value: Leading zeroes not allowed");
    assert_eq!(
        msg("tru"),
        "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
    );
    assert!(
        msg("{\"a\":1")
            .starts_with("Unexpected end-of-input: expected close marker for Object (start marker at")
    );
    assert_eq!(
        msg("\"a\u{1}\""),
        "Illegal unquoted character ((CTRL-CHAR, code 1)): has to be escaped using backslash to be included in string value"
    );
}

#[test]
fn nesting_is_bounded_without_overflowing_the_stack() {
    let ok = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    assert!(kafka_sim::serialization::json::compact(ok.as_bytes(), false).is_ok());
    let deep = "[".repeat(100_000);
    let e = kafka_sim::serialization::json::compact(deep.as_bytes(), false).unwrap_err();
    assert_eq!(e.kind, JacksonExceptionKind::StreamConstraints);
    assert!(
        e.message
            .starts_with("Document nesting depth (1001) exceeds the maximum allowed (1000")
    );
}

#[test]
fn varint_sizes() {
    assert_eq!(size_of_varint(0), 1);
    assert_eq!(size_of_varint(63), 1);
    assert_eq!(size_of_varint(64), 2);
    assert_eq!(size_of_varint(-1), 1);
    assert_eq!(size_of_varint(-64), 1);
    assert_eq!(size_of_varint(-65), 2);
    assert_eq!(size_of_varint(i32::MAX), 5);
    assert_eq!(size_of_varint(i32::MIN), 5);
    assert_eq!(size_of_varlong(0), 1);
    assert_eq!(size_of_varlong(i64::MIN), 10);
}

#[test]
fn record_sizes_follow_default_record() {
    // attributes 1 + offsetDelta 1 + timestampDelta 1 + key (1+5) + value (1+5) + header count 1 = 16, +1 length.
    assert_eq!(
        record_size_in_bytes(0, 0, Some(b"key-1"), Some(b"hello"), &[]),
        17
    );
    // Null key: one byte. Offset delta 64 and timestamp delta 1000 take two bytes each.
    assert_eq!(
        record_size_in_bytes(64, 1000, None, Some(b"hello"), &[]),
        1 + 2 + 2 + 1 + 6 + 1 + 1
    );
    let h = json_type_headers("com.example.Reservation", false);
    // Header: key (1+10) + value (1+23).
    assert_eq!(
        record_size_in_bytes(0, 0, None, Some(b"{}"), &h),
        1 + 1 + 1 + 1 + 3 + 1 + 11 + 24 + 1
    );
}

#[test]
fn max_request_size_check_uses_the_upper_bound() {
    // 61 + 21 + key (1+5) + value (1+5) + header count 1.
    assert_eq!(
        estimate_size_in_bytes_upper_bound(Some(b"key-1"), Some(b"hello"), &[]),
        95
    );
    let fits = vec![0u8; 1_048_489];
    assert_eq!(
        estimate_size_in_bytes_upper_bound(None, Some(&fits), &[]),
        1_048_576
    );
    assert_eq!(check_record_size(1_048_576, 1_048_576, 33_554_432), None);
    let big = vec![0u8; 1_048_576];
    let size = estimate_size_in_bytes_upper_bound(None, Some(&big), &[]);
    assert_eq!(size, 1_048_664);
    assert_eq!(
        check_record_size(size, 1_048_576, 33_554_432).unwrap(),
        "The message is 1048664 bytes when serialized which is larger than 1048576, which is the value of the \
         max.request.size configuration."
    );
    assert_eq!(
        record_too_large_message(size, 1_048_576),
        check_record_size(size, 1_048_576, 33_554_432).unwrap()
    );
    assert_eq!(
        check_record_size(200, 1_048_576, 100).unwrap(),
        "The message is 200 bytes when serialized which is larger than the total memory buffer you have \
         configured with the buffer.memory configuration."
    );
}

#[test]
fn a_large_json_value_compacts_in_linear_time() {
    let big = format!("{{\"text\": \"{}\"}}", "é".repeat(500_000));
    let out = ser(SerdeKind::SpringJson, &big);
    assert_eq!(out.len(), big.len() - 1);
}

/// The producers cache JSON value sizes by the record number's digit count: for templates without a
/// backslash, every `n >= 1` with the same number of digits serializes to the same length (or fails).
#[test]
fn json_value_lengths_depend_only_on_the_digit_count() {
    let templates = [
        r#"{"reservationId":{n}}"#,
        r#"{ "id" : {n} , "name": "guest-{n}", "price": 1.{n}, "exp": 2e{n}, "neg": -{n} }"#,
        r#"[{n}, "{n}", 0{n}]"#,
        r#"{"a": tru{n}}"#,
        r#"{n}"#,
    ];
    let len = |t: &kafka_sim::scenario::Template, n: u64| {
        kafka_sim::serialization::serialize(SerdeKind::SpringJson, Some(&t.render(n)))
            .map(|b| b.map(|b| b.len()))
            .ok()
    };
    for t in templates {
        let template = kafka_sim::scenario::Template::parse(t).expect("a template");
        for d in 1..=5u32 {
            let (lo, hi) = (10u64.pow(d - 1), 10u64.pow(d) - 1);
            let first = len(&template, lo);
            for n in [lo + 1, lo + 7, hi / 2 + 3, hi] {
                assert_eq!(len(&template, n), first, "{t} n={n}");
            }
        }
    }
    // The sizes really are digit-count dependent, and a template that fails fails for every n.
    let t = kafka_sim::scenario::Template::parse(templates[0]).expect("a template");
    assert_eq!(len(&t, 5), Some(Some(19)));
    assert_eq!(len(&t, 12_345), Some(Some(23)));
    let bad = kafka_sim::scenario::Template::parse(templates[2]).expect("a template");
    assert_eq!(len(&bad, 3), None);
}
