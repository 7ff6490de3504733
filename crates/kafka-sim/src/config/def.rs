//! A small `ConfigDef`: typed keys with defaults and validators, parsed from string values the way
//! `ConfigDef.parse` / `parseType` / `Validator.ensureValid` do in Kafka 3.7.

use serde::Serialize;

use super::classes;
use super::error::ConfigError;

/// `ConfigDef.Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ConfigType {
    /// `BOOLEAN`: `true`/`false`, case-insensitive.
    Boolean,
    /// `STRING`: trimmed.
    String,
    /// `INT`: a Java `int`.
    Int,
    /// `SHORT`: a Java `short`.
    Short,
    /// `LONG`: a Java `long`.
    Long,
    /// `DOUBLE`: a Java `double`.
    Double,
    /// `LIST`: comma-separated, each element trimmed.
    List,
    /// `CLASS`: a fully-qualified class name the simulator knows.
    Class,
}

impl ConfigType {
    /// The Java enum name, as in `Not a number of type INT`.
    pub fn java_name(self) -> &'static str {
        match self {
            ConfigType::Boolean => "BOOLEAN",
            ConfigType::String => "STRING",
            ConfigType::Int => "INT",
            ConfigType::Short => "SHORT",
            ConfigType::Long => "LONG",
            ConfigType::Double => "DOUBLE",
            ConfigType::List => "LIST",
            ConfigType::Class => "CLASS",
        }
    }
}

/// A key's default value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum DefaultValue {
    /// `NO_DEFAULT_VALUE`: the key is required.
    Required,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An INT, SHORT or LONG.
    Number(i64),
    /// A DOUBLE.
    Double(f64),
    /// A STRING.
    Str(&'static str),
    /// A LIST of strings.
    List(&'static [&'static str]),
    /// A LIST of classes (printed `class X` by Kafka).
    ClassList(&'static [&'static str]),
}

/// `ConfigDef.Validator`s used by the keys here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Validator {
    /// No validator.
    None,
    /// `Range.atLeast(min)`.
    AtLeast(i64),
    /// `Range.between(min, max)`.
    Between(i64, i64),
    /// `ValidString.in(...)`, case-sensitive.
    ValidString(&'static [&'static str]),
    /// `CaseInsensitiveValidString.in(...)`; the list is in the order Kafka prints it (upper-cased, `HashSet` order).
    CaseInsensitiveValidString(&'static [&'static str]),
    /// `ValidList.in(...)`: every element must be one of these.
    ValidList(&'static [&'static str]),
    /// `NonEmptyString`.
    NonEmptyString,
    /// `NonNullValidator`.
    NonNull,
}

impl Validator {
    /// The validator's `toString()`, which Kafka's docs print in the "Valid Values" column.
    pub fn describe(&self) -> String {
        match self {
            Validator::None => String::new(),
            Validator::AtLeast(min) => format!("[{min},...]"),
            Validator::Between(min, max) => format!("[{min},...,{max}]"),
            Validator::ValidString(list) | Validator::ValidList(list) => format!("[{}]", list.join(", ")),
            Validator::CaseInsensitiveValidString(list) => {
                format!("(case insensitive) [{}]", list.join(", "))
            }
            Validator::NonEmptyString => "non-empty string".to_string(),
            Validator::NonNull => "non-null string".to_string(),
        }
    }
}

/// `ConfigDef.Importance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Importance {
    /// `HIGH`.
    High,
    /// `MEDIUM`.
    Medium,
    /// `LOW`.
    Low,
}

/// One defined key (`ConfigDef.ConfigKey`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConfigKey {
    /// The property name, e.g. `linger.ms`.
    pub name: &'static str,
    /// Its type.
    pub ty: ConfigType,
    /// Its default.
    pub default: DefaultValue,
    /// Its validator.
    pub validator: Validator,
    /// Its importance.
    pub importance: Importance,
    /// One line of help.
    pub doc: &'static str,
    /// `defineInternal` (not in Kafka's docs).
    pub internal: bool,
}

impl ConfigKey {
    /// The default as Kafka's docs print it (`ConfigDef.convertToString`); `None` when the key is required.
    pub fn default_display(&self) -> Option<String> {
        Some(match self.default {
            DefaultValue::Required => return None,
            DefaultValue::Null => "null".to_string(),
            DefaultValue::Bool(b) => b.to_string(),
            DefaultValue::Number(n) => n.to_string(),
            DefaultValue::Double(d) => format!("{d:?}"),
            DefaultValue::Str(s) => s.to_string(),
            DefaultValue::List(l) => l.join(","),
            DefaultValue::ClassList(l) => l
                .iter()
                .map(|c| format!("class {c}"))
                .collect::<Vec<_>>()
                .join(","),
        })
    }

    /// The default as a parsed [`Value`] (`Value::Null` for a required key).
    pub fn default_value(&self) -> Value {
        let list = |l: &[&str]| Value::List(l.iter().map(|s| s.to_string()).collect());
        match self.default {
            DefaultValue::Required | DefaultValue::Null => Value::Null,
            DefaultValue::Bool(b) => Value::Bool(b),
            DefaultValue::Number(n) => match self.ty {
                ConfigType::Int => Value::Int(i32::try_from(n).unwrap_or(i32::MAX)),
                ConfigType::Short => Value::Short(i16::try_from(n).unwrap_or(i16::MAX)),
                _ => Value::Long(n),
            },
            DefaultValue::Double(d) => Value::Double(d),
            DefaultValue::Str(s) if self.ty == ConfigType::Class => Value::Class(s.to_string()),
            DefaultValue::Str(s) => Value::Str(s.to_string()),
            DefaultValue::List(l) | DefaultValue::ClassList(l) => list(l),
        }
    }
}

/// A parsed value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Value {
    /// Java `null`.
    Null,
    /// A BOOLEAN.
    Bool(bool),
    /// An INT.
    Int(i32),
    /// A SHORT.
    Short(i16),
    /// A LONG.
    Long(i64),
    /// A DOUBLE.
    Double(f64),
    /// A STRING (trimmed).
    Str(String),
    /// A LIST.
    List(Vec<String>),
    /// A CLASS, by its fully-qualified name.
    Class(String),
}

impl Value {
    /// The numeric value of an INT, SHORT or LONG.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(i64::from(*v)),
            Value::Short(v) => Some(i64::from(*v)),
            Value::Long(v) => Some(*v),
            _ => None,
        }
    }
}

impl std::fmt::Display for Value {
    /// Java's `toString()` of the parsed object.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Short(v) => write!(f, "{v}"),
            Value::Long(v) => write!(f, "{v}"),
            Value::Double(v) => write!(f, "{v:?}"),
            Value::Str(v) => f.write_str(v),
            Value::List(v) => write!(f, "[{}]", v.join(", ")),
            Value::Class(v) => write!(f, "class {v}"),
        }
    }
}

/// The properties a user supplied (`AbstractConfig.originals()`): key order of first appearance, last value wins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Originals(Vec<(String, String)>);

impl Originals {
    /// Builds the originals from `(key, value)` pairs; a repeated key keeps its first position and its last value.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut out = Originals::default();
        for (k, v) in pairs {
            out.set(k.as_ref(), v.as_ref());
        }
        out
    }

    /// Sets (or replaces) one property.
    pub fn set(&mut self, key: &str, value: &str) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.to_string(),
            None => self.0.push((key.to_string(), value.to_string())),
        }
    }

    /// The value supplied for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Whether `key` was supplied (`originals().containsKey(key)`).
    pub fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// All supplied pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The supplied pairs whose key is not defined in `defs`, in order.
    pub fn unknown(&self, defs: &[ConfigKey]) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter(|(k, _)| find(defs, k).is_none())
            .cloned()
            .collect()
    }
}

/// Finds a key definition by name.
pub fn find<'a>(defs: &'a [ConfigKey], name: &str) -> Option<&'a ConfigKey> {
    defs.iter().find(|d| d.name == name)
}

/// `String.trim()`: strips chars `<= ' '`.
pub fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// `ConfigDef.parseType` for a string value.
pub fn parse_type(key: &ConfigKey, raw: &str) -> Result<Value, ConfigError> {
    let trimmed = java_trim(raw);
    let not_a_number = || {
        ConfigError::invalid(
            key.name,
            raw,
            format!("Not a number of type {}", key.ty.java_name()),
        )
    };
    Ok(match key.ty {
        ConfigType::Boolean => {
            if trimmed.eq_ignore_ascii_case("true") {
                Value::Bool(true)
            } else if trimmed.eq_ignore_ascii_case("false") {
                Value::Bool(false)
            } else {
                return Err(ConfigError::invalid(
                    key.name,
                    raw,
                    "Expected value to be either true or false",
                ));
            }
        }
        ConfigType::String => Value::Str(trimmed.to_string()),
        ConfigType::Int => Value::Int(trimmed.parse().map_err(|_| not_a_number())?),
        ConfigType::Short => Value::Short(trimmed.parse().map_err(|_| not_a_number())?),
        ConfigType::Long => Value::Long(trimmed.parse().map_err(|_| not_a_number())?),
        ConfigType::Double => Value::Double(parse_java_double(trimmed).ok_or_else(not_a_number)?),
        ConfigType::List => Value::List(split_list(trimmed)),
        ConfigType::Class => {
            if classes::lookup(trimmed).is_none() {
                return Err(ConfigError::invalid(
                    key.name,
                    raw,
                    format!("Class {raw} could not be found."),
                ));
            }
            Value::Class(trimmed.to_string())
        }
    })
}

/// `COMMA_WITH_WHITESPACE.split(trimmed, -1)`; an empty string is the empty list.
pub fn split_list(trimmed: &str) -> Vec<String> {
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed.split(',').map(|s| java_trim(s).to_string()).collect()
}

fn parse_java_double(s: &str) -> Option<f64> {
    let body = s.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(s);
    let unsigned = body.trim_start_matches(['+', '-']);
    if unsigned == "NaN" || unsigned == "Infinity" {
        let v = if unsigned == "NaN" {
            f64::NAN
        } else {
            f64::INFINITY
        };
        return Some(if body.starts_with('-') { -v } else { v });
    }
    if unsigned
        .chars()
        .any(|c| c.is_ascii_alphabetic() && !matches!(c, 'e' | 'E'))
    {
        return None;
    }
    body.parse().ok()
}

/// `Validator.ensureValid(name, value)`.
pub fn ensure_valid(key: &ConfigKey, value: &Value) -> Result<(), ConfigError> {
    let fail = |shown: String, msg: String| Err(ConfigError::invalid(key.name, shown, msg));
    match (key.validator, value) {
        (Validator::None, _) => Ok(()),
        (Validator::AtLeast(_) | Validator::Between(..), Value::Null) => {
            fail("null".into(), "Value must be non-null".into())
        }
        (Validator::AtLeast(min), v) => match v.as_i64() {
            Some(n) if n < min => fail(v.to_string(), format!("Value must be at least {min}")),
            _ => Ok(()),
        },
        (Validator::Between(min, max), v) => match v.as_i64() {
            Some(n) if n < min => fail(v.to_string(), format!("Value must be at least {min}")),
            Some(n) if n > max => fail(v.to_string(), format!("Value must be no more than {max}")),
            _ => Ok(()),
        },
        (Validator::ValidString(list), v) => {
            let ok = matches!(v, Value::Str(s) if list.contains(&s.as_str()));
            if ok {
                Ok(())
            } else {
                fail(
                    v.to_string(),
                    format!("String must be one of: {}", list.join(", ")),
                )
            }
        }
        (Validator::CaseInsensitiveValidString(list), v) => {
            let ok = matches!(v, Value::Str(s) if list.iter().any(|l| l.eq_ignore_ascii_case(s)));
            if ok {
                Ok(())
            } else {
                fail(
                    v.to_string(),
                    format!("String must be one of (case insensitive): {}", list.join(", ")),
                )
            }
        }
        (Validator::ValidList(list), Value::List(items)) => {
            match items.iter().find(|i| !list.contains(&i.as_str())) {
                Some(bad) => fail(bad.clone(), format!("String must be one of: {}", list.join(", "))),
                None => Ok(()),
            }
        }
        (Validator::ValidList(_), _) => Ok(()),
        (Validator::NonEmptyString, Value::Str(s)) if s.is_empty() => {
            fail(String::new(), "String must be non-empty".into())
        }
        (Validator::NonEmptyString, _) => Ok(()),
        (Validator::NonNull, Value::Null) => fail("null".into(), "entry must be non null".into()),
        (Validator::NonNull, _) => Ok(()),
    }
}

/// The parsed values of every defined key (`ConfigDef.parse`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedValues {
    values: Vec<(&'static str, Value)>,
}

/// `ConfigDef.parse(originals)`: every defined key, in definition order; the first error wins.
pub fn parse(defs: &'static [ConfigKey], originals: &Originals) -> Result<ParsedValues, ConfigError> {
    let mut values = Vec::with_capacity(defs.len());
    for key in defs {
        let value = match originals.get(key.name) {
            Some(raw) => parse_type(key, raw)?,
            None if key.default == DefaultValue::Required => {
                return Err(ConfigError::MissingRequired {
                    name: key.name.to_string(),
                });
            }
            None => key.default_value(),
        };
        ensure_valid(key, &value)?;
        values.push((key.name, value));
    }
    Ok(ParsedValues { values })
}

impl ParsedValues {
    /// No values (every accessor then returns its fallback).
    pub(crate) fn empty() -> ParsedValues {
        ParsedValues { values: Vec::new() }
    }

    /// The parsed value of `name` (`Value::Null` if undefined).
    pub fn get(&self, name: &str) -> &Value {
        self.values
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
            .unwrap_or(&Value::Null)
    }

    /// A BOOLEAN (false if not a boolean).
    pub fn bool(&self, name: &str) -> bool {
        matches!(self.get(name), Value::Bool(true))
    }

    /// An INT, SHORT or LONG as `i64` (0 if not a number).
    pub fn long(&self, name: &str) -> i64 {
        self.get(name).as_i64().unwrap_or(0)
    }

    /// An INT (saturating).
    pub fn int(&self, name: &str) -> i32 {
        let v = self.long(name);
        i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX })
    }

    /// A non-negative number as `u64` (0 if negative).
    pub fn u64(&self, name: &str) -> u64 {
        u64::try_from(self.long(name)).unwrap_or(0)
    }

    /// A non-negative number as `u32` (saturating).
    pub fn u32(&self, name: &str) -> u32 {
        u32::try_from(self.u64(name)).unwrap_or(u32::MAX)
    }

    /// A STRING or CLASS (`None` for null).
    pub fn string(&self, name: &str) -> Option<String> {
        match self.get(name) {
            Value::Str(s) | Value::Class(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// A LIST (empty for null).
    pub fn list(&self, name: &str) -> Vec<String> {
        match self.get(name) {
            Value::List(l) => l.clone(),
            _ => Vec::new(),
        }
    }

    /// All `(name, value)` pairs in definition order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.values.iter().map(|(k, v)| (*k, v))
    }
}

/// Shorthand for defining a key in the static tables.
pub(crate) const fn key(
    name: &'static str,
    ty: ConfigType,
    default: DefaultValue,
    validator: Validator,
    importance: Importance,
    doc: &'static str,
) -> ConfigKey {
    ConfigKey {
        name,
        ty,
        default,
        validator,
        importance,
        doc,
        internal: false,
    }
}
