//! Kafka's serializers and deserializers, and Spring's Json ones: the bytes that decide partitions and sizes.
//!
//! In the simulator a record's key and value are given as text (`"42"`, `"hello"`,
//! `{"reservationId":1}`); [`serialize`] turns that text into the bytes the configured serializer would
//! produce, and [`deserialize`] turns bytes back into a [`DeserializedValue`] or Kafka's (or Spring's)
//! exception. Text a serializer cannot take (`"abc"` for `IntegerSerializer`) is invalid simulator
//! input: a [`SerializationError`], never a Kafka error.
//!
//! Spring's `JsonSerializer` writes the value's JSON as Jackson does; the simulator validates the given
//! text and writes it compactly (see [`json`]). With `spring.json.add.type.headers=true` (the default)
//! it also adds a `__TypeId__` header naming the Java class: [`json_type_headers`] gives it, so record
//! sizes can count it. Container classes (`Map`, `List`) would also get `__ContentTypeId__` and
//! `__KeyTypeId__` headers; those are not modelled.

pub mod json;
pub mod record_size;

pub use record_size::{
    DEFAULT_MAX_REQUEST_SIZE, Header, MAX_RECORD_OVERHEAD, RECORD_BATCH_OVERHEAD, check_record_size,
    estimate_size_in_bytes_upper_bound, record_size_in_bytes, record_too_large_for_buffer_message,
    record_too_large_message, size_of_varint, size_of_varlong,
};

use crate::config::SerdeKind;
use std::fmt;

/// Spring's value type header (`AbstractJavaTypeMapper.DEFAULT_CLASSID_FIELD_NAME`).
pub const TYPE_ID_HEADER: &str = "__TypeId__";
/// Spring's key type header (`DEFAULT_KEY_CLASSID_FIELD_NAME`).
pub const KEY_TYPE_ID_HEADER: &str = "__Key_TypeId__";

/// Text the simulator was asked to serialize that the serializer cannot represent (invalid input).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{serializer} cannot serialize {value:?}: {reason}")]
pub struct SerializationError {
    /// The serializer's simple class name, e.g. `IntegerSerializer`.
    pub serializer: String,
    /// The offending text.
    pub value: String,
    /// What is wrong with it.
    pub reason: String,
}

fn bad(kind: SerdeKind, value: &str, reason: impl Into<String>) -> SerializationError {
    SerializationError {
        serializer: format!("{}Serializer", kind.short_name()),
        value: value.to_owned(),
        reason: reason.into(),
    }
}

/// The bytes `kind`'s serializer produces for `value` (given as text); `None` stays `None` (Kafka's
/// serializers map null to null).
///
/// Text forms: `String`, `ByteArray`, `ByteBuffer`, `Bytes`: the text's UTF-8 bytes. `Integer`, `Long`,
/// `Short`: a decimal integer in range (big-endian two's complement out). `Float`, `Double`: a decimal
/// number, `NaN` or `Infinity` (IEEE-754 bits, big-endian). `Uuid`: the canonical 8-4-4-4-12 hex form,
/// written lower-case as `UUID.toString()`. `Boolean`: `true` or `false` (one byte, 1 or 0). `Void`:
/// only null. `SpringJson`: a JSON document, written compactly.
pub fn serialize(kind: SerdeKind, value: Option<&str>) -> Result<Option<Vec<u8>>, SerializationError> {
    let Some(v) = value else {
        return Ok(None);
    };
    let bytes = match kind {
        SerdeKind::String | SerdeKind::ByteArray | SerdeKind::ByteBuffer | SerdeKind::Bytes => {
            v.as_bytes().to_vec()
        }
        SerdeKind::Integer => v
            .trim()
            .parse::<i32>()
            .map_err(|_| bad(kind, v, "not a 32-bit integer"))?
            .to_be_bytes()
            .to_vec(),
        SerdeKind::Long => v
            .trim()
            .parse::<i64>()
            .map_err(|_| bad(kind, v, "not a 64-bit integer"))?
            .to_be_bytes()
            .to_vec(),
        SerdeKind::Short => v
            .trim()
            .parse::<i16>()
            .map_err(|_| bad(kind, v, "not a 16-bit integer"))?
            .to_be_bytes()
            .to_vec(),
        SerdeKind::Float => parse_float(v)
            .map(|f| (f as f32).to_bits().to_be_bytes().to_vec())
            .ok_or_else(|| bad(kind, v, "not a number"))?,
        SerdeKind::Double => parse_float(v)
            .map(|f| f.to_bits().to_be_bytes().to_vec())
            .ok_or_else(|| bad(kind, v, "not a number"))?,
        SerdeKind::Uuid => canonical_uuid(v)
            .ok_or_else(|| bad(kind, v, "not a UUID (8-4-4-4-12 hex digits)"))?
            .into_bytes(),
        SerdeKind::Boolean => match v.trim() {
            t if t.eq_ignore_ascii_case("true") => vec![1],
            t if t.eq_ignore_ascii_case("false") => vec![0],
            _ => return Err(bad(kind, v, "not true or false")),
        },
        SerdeKind::Void => return Err(bad(kind, v, "a Void value can only be null")),
        SerdeKind::SpringJson => json::compact(v.as_bytes(), false)
            .map_err(|e| bad(kind, v, format!("not JSON: {}", e.message)))?
            .into_bytes(),
    };
    Ok(Some(bytes))
}

/// A decimal number, or Java's `NaN` / `Infinity` / `-Infinity`.
fn parse_float(v: &str) -> Option<f64> {
    match v.trim() {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        t if t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E')) =>
        {
            t.parse::<f64>().ok()
        }
        _ => None,
    }
}

/// The lower-case canonical form of an 8-4-4-4-12 hex UUID, or `None`.
fn canonical_uuid(v: &str) -> Option<String> {
    let groups: Vec<&str> = v.trim().split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    if groups.len() != 5
        || groups
            .iter()
            .zip(lens)
            .any(|(g, n)| g.len() != n || !g.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return None;
    }
    Some(groups.join("-").to_ascii_lowercase())
}

/// The type headers Spring's `JsonSerializer` adds for a non-null value of Java class `type_name`
/// (`spring.json.add.type.headers=true`, the default): `__TypeId__`, or `__Key_TypeId__` for a key.
pub fn json_type_headers(type_name: &str, is_key: bool) -> Vec<Header> {
    let name = if is_key {
        KEY_TYPE_ID_HEADER
    } else {
        TYPE_ID_HEADER
    };
    vec![(name.to_owned(), type_name.as_bytes().to_vec())]
}

/// Spring's `spring.json.trusted.packages` as `DefaultJackson2JavaTypeMapper` keeps it: an ordered set
/// that starts as `[java.util, java.lang]`; `*` trusts every package (Spring empties the set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedPackages {
    packages: Vec<String>,
    all: bool,
}

impl Default for TrustedPackages {
    fn default() -> Self {
        TrustedPackages {
            packages: vec!["java.util".to_owned(), "java.lang".to_owned()],
            all: false,
        }
    }
}

impl TrustedPackages {
    /// Trusts every package (`spring.json.trusted.packages=*`).
    pub fn all() -> Self {
        TrustedPackages {
            packages: Vec::new(),
            all: true,
        }
    }

    /// `addTrustedPackages` with a `spring.json.trusted.packages` value: comma-separated, whitespace
    /// removed; `*` trusts everything. Once everything is trusted, further packages change nothing.
    pub fn add(&mut self, config_value: &str) {
        if self.all {
            return;
        }
        for entry in config_value.split(',') {
            let entry: String = entry
                .chars()
                .filter(|c| !matches!(c, ' ' | '\r' | '\n' | '\t' | '\u{c}'))
                .collect();
            if entry == "*" {
                self.packages.clear();
                self.all = true;
                return;
            }
            if !self.packages.contains(&entry) {
                self.packages.push(entry);
            }
        }
    }

    /// `JsonDeserializer`'s configuration: the defaults, then the default type's package and
    /// `package.*` (as `addTargetPackageToTrusted` adds them), then `spring.json.trusted.packages`.
    pub fn configured(default_type: Option<&str>, trusted_packages: Option<&str>) -> Self {
        let mut t = TrustedPackages::default();
        if let Some(class) = default_type {
            let package = package_of(class);
            if !package.is_empty() {
                t.add(package);
                t.add(&format!("{package}.*"));
            }
        }
        if let Some(list) = trusted_packages {
            t.add(list);
        }
        t
    }

    /// Whether every package is trusted.
    pub fn trusts_all(&self) -> bool {
        self.all
    }

    /// `isTrustedPackage`: the class's package matches one entry (Spring's `simpleMatch`: `*` matches
    /// any run of characters, so `com.example` trusts `com.example.Foo` but not `com.example.sub.Foo`).
    pub fn is_trusted(&self, class_name: &str) -> bool {
        if self.all {
            return true;
        }
        let package = package_of(class_name);
        let package = package.strip_prefix("[L").unwrap_or(package);
        self.packages.iter().any(|p| simple_match(p, package))
    }
}

/// Java's `Set.toString()`: `[java.util, java.lang]`.
impl fmt::Display for TrustedPackages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.packages.join(", "))
    }
}

/// `ClassUtils.getPackageName`: everything before the last `.`, or `""`.
fn package_of(class_name: &str) -> &str {
    class_name.rfind('.').map_or("", |i| &class_name[..i])
}

/// Spring's `PatternMatchUtils.simpleMatch` with `*` wildcards.
fn simple_match(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !s.starts_with(first) || s.len() < first.len() + last.len() || !s.ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// Spring `JsonDeserializer` settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonDeserializerConfig {
    /// `spring.json.use.type.headers` (default true): take the class from the `__TypeId__` header.
    pub use_type_headers: bool,
    /// `spring.json.value.default.type` (or `spring.json.key.default.type` for keys).
    pub default_type: Option<String>,
    /// The trusted packages (see [`TrustedPackages::configured`]).
    pub trusted_packages: TrustedPackages,
}

impl Default for JsonDeserializerConfig {
    fn default() -> Self {
        JsonDeserializerConfig {
            use_type_headers: true,
            default_type: None,
            trusted_packages: TrustedPackages::default(),
        }
    }
}

/// Where the bytes being deserialized come from.
#[derive(Clone, Copy, Debug)]
pub struct DeserializeContext<'a> {
    /// The record's topic (Spring's error message names it).
    pub topic: &'a str,
    /// The record's headers.
    pub headers: &'a [Header],
    /// Whether these are the key's bytes (Spring then reads `__Key_TypeId__`).
    pub is_key: bool,
    /// Spring `JsonDeserializer` settings (ignored by Kafka's deserializers).
    pub json: &'a JsonDeserializerConfig,
}

/// A value a deserializer returned.
#[derive(Clone, Debug, PartialEq)]
pub enum DeserializedValue {
    /// `String`: invalid UTF-8 is replaced with U+FFFD, as Java's decoder does.
    String(String),
    /// `ByteArray`, `ByteBuffer`, `Bytes`: the bytes.
    Bytes(Vec<u8>),
    /// `Integer`.
    Integer(i32),
    /// `Long`.
    Long(i64),
    /// `Short`.
    Short(i16),
    /// `Float`.
    Float(f32),
    /// `Double`.
    Double(f64),
    /// `UUID`, in canonical lower-case form.
    Uuid(String),
    /// `Boolean`.
    Boolean(bool),
    /// Spring Json: the Java class it was bound to, and the JSON written compactly.
    Json {
        /// The target class (from the type header or the default type).
        type_name: String,
        /// The document, compact.
        json: String,
    },
}

impl fmt::Display for DeserializedValue {
    /// Roughly Java's `toString()` (floats use Rust's shortest form, not `Float.toString`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeserializedValue::String(s) | DeserializedValue::Uuid(s) => f.write_str(s),
            DeserializedValue::Bytes(b) => f.write_str(&String::from_utf8_lossy(b)),
            DeserializedValue::Integer(v) => write!(f, "{v}"),
            DeserializedValue::Long(v) => write!(f, "{v}"),
            DeserializedValue::Short(v) => write!(f, "{v}"),
            DeserializedValue::Float(v) => write!(f, "{v:?}"),
            DeserializedValue::Double(v) => write!(f, "{v:?}"),
            DeserializedValue::Boolean(v) => write!(f, "{v}"),
            DeserializedValue::Json { json, .. } => f.write_str(json),
        }
    }
}

/// A Java exception class a deserializer throws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JavaException {
    /// `org.apache.kafka.common.errors.SerializationException`.
    Serialization,
    /// `java.lang.IllegalArgumentException`.
    IllegalArgument,
    /// `java.lang.IllegalStateException`.
    IllegalState,
    /// A Jackson exception (the cause of Spring's `SerializationException`).
    Jackson(json::JacksonExceptionKind),
}

impl JavaException {
    /// The fully qualified class name.
    pub fn java_class(self) -> &'static str {
        match self {
            JavaException::Serialization => "org.apache.kafka.common.errors.SerializationException",
            JavaException::IllegalArgument => "java.lang.IllegalArgumentException",
            JavaException::IllegalState => "java.lang.IllegalStateException",
            JavaException::Jackson(k) => k.java_class(),
        }
    }
}

/// A deserializer's exception, with its cause chain, as Kafka or Spring throws it. `Display` prints
/// `class: message`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", exception.java_class())]
pub struct DeserializationError {
    /// The exception class.
    pub exception: JavaException,
    /// Its message.
    pub message: String,
    /// The exception it wraps, if any.
    pub cause: Option<Box<DeserializationError>>,
}

impl DeserializationError {
    fn new(exception: JavaException, message: impl Into<String>) -> Self {
        DeserializationError {
            exception,
            message: message.into(),
            cause: None,
        }
    }

    /// The chain as the JVM prints it: `class: message`, then `Caused by: class: message` lines.
    pub fn java_trace(&self) -> Vec<String> {
        let mut lines = vec![self.to_string()];
        let mut cause = self.cause.as_deref();
        while let Some(c) = cause {
            lines.push(format!("Caused by: {c}"));
            cause = c.cause.as_deref();
        }
        lines
    }
}

fn sized<const N: usize>(data: &[u8], class: &str) -> Result<[u8; N], DeserializationError> {
    data.try_into().map_err(|_| {
        DeserializationError::new(
            JavaException::Serialization,
            format!("Size of data received by {class} is not {N}"),
        )
    })
}

/// What `kind`'s deserializer returns for `data` (null stays null), or the exception it throws, with
/// Kafka's and Spring's message text.
pub fn deserialize(
    kind: SerdeKind,
    data: Option<&[u8]>,
    ctx: &DeserializeContext<'_>,
) -> Result<Option<DeserializedValue>, DeserializationError> {
    let Some(data) = data else {
        return Ok(None);
    };
    let value = match kind {
        SerdeKind::String => DeserializedValue::String(String::from_utf8_lossy(data).into_owned()),
        SerdeKind::ByteArray | SerdeKind::ByteBuffer | SerdeKind::Bytes => {
            DeserializedValue::Bytes(data.to_vec())
        }
        SerdeKind::Integer => {
            DeserializedValue::Integer(i32::from_be_bytes(sized(data, "IntegerDeserializer")?))
        }
        SerdeKind::Long => DeserializedValue::Long(i64::from_be_bytes(sized(data, "LongDeserializer")?)),
        SerdeKind::Short => DeserializedValue::Short(i16::from_be_bytes(sized(data, "ShortDeserializer")?)),
        // Kafka's Float and Double deserializers really say "Deserializer".
        SerdeKind::Float => DeserializedValue::Float(f32::from_be_bytes(sized(data, "Deserializer")?)),
        SerdeKind::Double => DeserializedValue::Double(f64::from_be_bytes(sized(data, "Deserializer")?)),
        SerdeKind::Uuid => match canonical_uuid(&String::from_utf8_lossy(data)) {
            Some(u) if !data.iter().any(u8::is_ascii_whitespace) => DeserializedValue::Uuid(u),
            _ => {
                let text = String::from_utf8_lossy(data);
                let mut e =
                    DeserializationError::new(JavaException::Serialization, "Error parsing data into UUID");
                // `UUID.fromString`'s message; approximate (Java 17 words some cases differently).
                e.cause = Some(Box::new(DeserializationError::new(
                    JavaException::IllegalArgument,
                    format!("Invalid UUID string: {text}"),
                )));
                return Err(e);
            }
        },
        SerdeKind::Boolean => match sized::<1>(data, "BooleanDeserializer")? {
            [1] => DeserializedValue::Boolean(true),
            [0] => DeserializedValue::Boolean(false),
            [b] => {
                return Err(DeserializationError::new(
                    JavaException::Serialization,
                    format!("Unexpected byte received by BooleanDeserializer: {}", b as i8),
                ));
            }
        },
        SerdeKind::Void => {
            return Err(DeserializationError::new(
                JavaException::IllegalArgument,
                "Data should be null for a VoidDeserializer.",
            ));
        }
        SerdeKind::SpringJson => return spring_json(data, ctx).map(Some),
    };
    Ok(Some(value))
}

/// Spring's `JsonDeserializer.deserialize(topic, headers, data)`: the class from the type header (when
/// `use_type_headers`), checked against the trusted packages, else the default type; then Jackson.
fn spring_json(data: &[u8], ctx: &DeserializeContext<'_>) -> Result<DeserializedValue, DeserializationError> {
    let header = if ctx.is_key {
        KEY_TYPE_ID_HEADER
    } else {
        TYPE_ID_HEADER
    };
    let from_header = if ctx.json.use_type_headers {
        // `Headers.lastHeader`.
        ctx.headers
            .iter()
            .rev()
            .find(|(k, _)| k == header)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    } else {
        None
    };
    let type_name = match (from_header, &ctx.json.default_type) {
        (Some(class), _) => {
            if !ctx.json.trusted_packages.is_trusted(&class) {
                return Err(DeserializationError::new(
                    JavaException::IllegalArgument,
                    format!(
                        "The class '{class}' is not in the trusted packages: {}. If you believe this class is \
                         safe to deserialize, please provide its name. If the serialization is only done by a \
                         trusted source, you can also enable trust all (*).",
                        ctx.json.trusted_packages
                    ),
                ));
            }
            class
        }
        (None, Some(default)) => default.clone(),
        (None, None) => {
            return Err(DeserializationError::new(
                JavaException::IllegalState,
                "No type information in headers and no default type provided",
            ));
        }
    };
    match json::compact(data, true) {
        Ok(json) => Ok(DeserializedValue::Json { type_name, json }),
        Err(e) => {
            // Spring Kafka 2.9+/3.x no longer puts the data in the message: note the double space.
            let mut err = DeserializationError::new(
                JavaException::Serialization,
                format!("Can't deserialize data  from topic [{}]", ctx.topic),
            );
            err.cause = Some(Box::new(DeserializationError::new(
                JavaException::Jackson(e.kind),
                e.full_message(),
            )));
            Err(err)
        }
    }
}
