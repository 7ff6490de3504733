//! `kafka-sim assign --strategy range|roundrobin|sticky|cooperative-sticky`: runs one of Kafka 3.7's
//! consumer partition assignors over a group described as JSON on stdin, e.g.
//!
//! ```json
//! {"topics": {"t1": 3, "t2": 2},
//!  "members": [{"member_id": "consumer1", "group_instance_id": null, "topics": ["t1", "t2"],
//!               "owned": ["t1-0"], "generation": 1}]}
//! ```
//!
//! and prints `{"consumer1": ["t1-0", ...], ...}`: members in input order, each list in the order the
//! assignor produces it. `group_instance_id`, `owned` and `generation` (default -1) may be left out.

use crate::json::Json;
use kafka_sim::group::assignor::{AssignMember, assign, assignor_by_name};
use kafka_sim::group::{NamedPartition, Subscription};
use std::collections::BTreeMap;
use std::io::Read;

const USAGE: &str =
    "usage: kafka-sim assign --strategy range|roundrobin|sticky|cooperative-sticky < GROUP.json";

/// Runs `kafka-sim assign` with the arguments after the command name, reading the group from `stdin`.
/// `Ok` is what to print on stdout; `Err` is the message for stderr (the binary then exits 2).
pub fn run(args: &[String], stdin: &mut dyn Read) -> Result<String, String> {
    let strategy = parse_args(args)?;
    let mut input = String::new();
    stdin
        .read_to_string(&mut input)
        .map_err(|e| format!("kafka-sim assign: cannot read stdin: {e}"))?;
    assign_json(&strategy, &input)
}

fn parse_args(args: &[String]) -> Result<String, String> {
    let mut strategy = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let value = if arg == "--strategy" {
            rest.next()
                .ok_or_else(|| format!("kafka-sim assign: --strategy needs a value\n{USAGE}"))?
                .clone()
        } else if let Some(v) = arg.strip_prefix("--strategy=") {
            v.to_owned()
        } else {
            return Err(format!("kafka-sim assign: unexpected argument '{arg}'\n{USAGE}"));
        };
        if strategy.replace(value).is_some() {
            return Err(format!("kafka-sim assign: --strategy given twice\n{USAGE}"));
        }
    }
    strategy.ok_or_else(|| format!("kafka-sim assign: --strategy is required\n{USAGE}"))
}

/// Assigns the group described by `input` (JSON) with assignor `strategy`; the JSON answer or an error.
pub fn assign_json(strategy: &str, input: &str) -> Result<String, String> {
    let err = |m: String| format!("kafka-sim assign: {m}");
    let kind = assignor_by_name(strategy).map_err(|e| err(e.to_string()))?;
    let value = parse(input).map_err(|e| err(format!("invalid JSON: {e}")))?;
    let (topics, members) = group(&value).map_err(err)?;
    let assignment = assign(kind, &topics, &members).map_err(|e| err(e.to_string()))?;
    let out = Json::Obj(
        assignment
            .into_iter()
            .map(|(m, parts)| {
                let list = parts.iter().map(|tp| Json::str(tp.to_string())).collect();
                (m, Json::Arr(list))
            })
            .collect(),
    );
    Ok(format!("{}\n", out.to_string_compact()))
}

type Group = (BTreeMap<String, i32>, Vec<AssignMember>);

fn group(value: &Value) -> Result<Group, String> {
    let fields = object(value, "the input")?;
    only_keys(fields, "the input", &["topics", "members"])?;
    let topics_value = get(fields, "topics").ok_or("the input has no \"topics\" object")?;
    let mut topics = BTreeMap::new();
    for (name, count) in object(topics_value, "\"topics\"")? {
        let n = int(count, &format!("topics.{name}"))?;
        if n < 0 {
            return Err(format!("topics.{name}: partition count {n} is negative"));
        }
        topics.insert(name.clone(), n);
    }
    let members_value = get(fields, "members").ok_or("the input has no \"members\" array")?;
    let Value::Arr(items) = members_value else {
        return Err("\"members\" is not an array".into());
    };
    let members = items
        .iter()
        .enumerate()
        .map(|(i, m)| member(m, &format!("members[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((topics, members))
}

fn member(value: &Value, at: &str) -> Result<AssignMember, String> {
    let fields = object(value, at)?;
    only_keys(
        fields,
        at,
        &["member_id", "group_instance_id", "topics", "owned", "generation"],
    )?;
    let member_id = match get(fields, "member_id") {
        Some(Value::Str(s)) => s.clone(),
        Some(_) => return Err(format!("{at}.member_id is not a string")),
        None => return Err(format!("{at} has no member_id")),
    };
    let group_instance_id = match get(fields, "group_instance_id") {
        None | Some(Value::Null) => None,
        Some(Value::Str(s)) => Some(s.clone()),
        Some(_) => return Err(format!("{at}.group_instance_id is not a string or null")),
    };
    let topics = strings(get(fields, "topics"), &format!("{at}.topics"))?;
    let owned = strings(get(fields, "owned"), &format!("{at}.owned"))?
        .iter()
        .enumerate()
        .map(|(j, s)| {
            topic_partition(s)
                .ok_or_else(|| format!("{at}.owned[{j}]: '{s}' is not a topic-partition like 'orders-0'"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let generation_id = match get(fields, "generation") {
        None | Some(Value::Null) => -1,
        Some(v) => int(v, &format!("{at}.generation"))?,
    };
    Ok(AssignMember {
        member_id,
        group_instance_id,
        subscription: Subscription {
            topics,
            owned_partitions: owned,
            generation_id,
            rack_id: None,
        },
    })
}

/// `orders-0` as (orders, 0): the text after the last `-` is the partition.
fn topic_partition(s: &str) -> Option<NamedPartition> {
    let (topic, p) = s.rsplit_once('-')?;
    let p: i32 = p.parse().ok()?;
    (!topic.is_empty() && p >= 0 && p.to_string() == s[topic.len() + 1..])
        .then(|| NamedPartition::new(topic, p))
}

fn object<'v>(value: &'v Value, at: &str) -> Result<&'v [(String, Value)], String> {
    match value {
        Value::Obj(fields) => Ok(fields),
        _ => Err(format!("{at} is not an object")),
    }
}

fn only_keys(fields: &[(String, Value)], at: &str, allowed: &[&str]) -> Result<(), String> {
    match fields.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
        Some((k, _)) => Err(format!(
            "{at}: unknown key \"{k}\" (expected {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

fn get<'v>(fields: &'v [(String, Value)], key: &str) -> Option<&'v Value> {
    fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn int(value: &Value, at: &str) -> Result<i32, String> {
    match value {
        Value::Num(text) => text
            .parse::<i32>()
            .map_err(|_| format!("{at}: {text} is not a 32-bit whole number")),
        _ => Err(format!("{at} is not a number")),
    }
}

fn strings(value: Option<&Value>, at: &str) -> Result<Vec<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Arr(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Str(s) => Ok(s.clone()),
                _ => Err(format!("{at}[{i}] is not a string")),
            })
            .collect(),
        Some(_) => Err(format!("{at} is not an array of strings")),
    }
}

/// A parsed JSON value (numbers kept as their text).
#[derive(Debug, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Value>),
    Obj(Vec<(String, Value)>),
}

/// Deepest nesting accepted (keeps the recursive parser's stack bounded).
const MAX_DEPTH: usize = 64;

fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("unexpected text at byte {}", p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply".into());
        }
        self.ws();
        let at = self.i;
        match self.s.get(self.i) {
            None => Err("unexpected end of input".into()),
            Some(b'{') => {
                self.i += 1;
                let mut fields: Vec<(String, Value)> = Vec::new();
                if self.eat(b'}') {
                    return Ok(Value::Obj(fields));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    if fields.iter().any(|(k, _)| *k == key) {
                        return Err(format!("duplicate key \"{key}\" at byte {at}"));
                    }
                    if !self.eat(b':') {
                        return Err(format!("expected ':' at byte {}", self.i));
                    }
                    fields.push((key, self.value(depth + 1)?));
                    if self.eat(b'}') {
                        return Ok(Value::Obj(fields));
                    }
                    if !self.eat(b',') {
                        return Err(format!("expected ',' or '}}' at byte {}", self.i));
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Ok(Value::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Ok(Value::Arr(items));
                    }
                    if !self.eat(b',') {
                        return Err(format!("expected ',' or ']' at byte {}", self.i));
                    }
                }
            }
            Some(b'"') => self.string().map(Value::Str),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|c| matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default();
                if text.parse::<f64>().is_err() {
                    return Err(format!("bad number '{text}' at byte {start}"));
                }
                Ok(Value::Num(text.to_owned()))
            }
            Some(_) => {
                for (word, v) in [
                    ("null", Value::Null),
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                ] {
                    if self.s[self.i..].starts_with(word.as_bytes()) {
                        self.i += word.len();
                        return Ok(v);
                    }
                }
                Err(format!("unexpected character at byte {at}"))
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let start = self.i;
        if self.s.get(self.i) != Some(&b'"') {
            return Err(format!("expected a string at byte {start}"));
        }
        self.i += 1;
        let mut units: Vec<u16> = Vec::new();
        let mut out = String::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                return Err(format!("unterminated string starting at byte {start}"));
            };
            if c != b'\\' && !units.is_empty() {
                out.push_str(&String::from_utf16(&units).map_err(|_| "invalid \\u escape")?);
                units.clear();
            }
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let esc = *self.s.get(self.i + 1).ok_or("unterminated escape")?;
                    self.i += 2;
                    let simple = match esc {
                        b'"' => Some('"'),
                        b'\\' => Some('\\'),
                        b'/' => Some('/'),
                        b'b' => Some('\u{8}'),
                        b'f' => Some('\u{c}'),
                        b'n' => Some('\n'),
                        b'r' => Some('\r'),
                        b't' => Some('\t'),
                        b'u' => None,
                        _ => return Err(format!("bad escape at byte {}", self.i - 2)),
                    };
                    if let Some(ch) = simple {
                        if !units.is_empty() {
                            out.push_str(&String::from_utf16(&units).map_err(|_| "invalid \\u escape")?);
                            units.clear();
                        }
                        out.push(ch);
                    } else {
                        let hex = self.s.get(self.i..self.i + 4).ok_or("short \\u escape")?;
                        let hex = std::str::from_utf8(hex).map_err(|_| "bad \\u escape")?;
                        units.push(u16::from_str_radix(hex, 16).map_err(|_| "bad \\u escape")?);
                        self.i += 4;
                    }
                }
                c if c < 0x20 => return Err(format!("control character in string at byte {}", self.i)),
                _ => {
                    // Copy one UTF-8 character (the input is a &str, so boundaries are valid).
                    let len = match c {
                        0x00..=0x7f => 1,
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        _ => 4,
                    };
                    let bytes = self.s.get(self.i..self.i + len).ok_or("truncated character")?;
                    out.push_str(std::str::from_utf8(bytes).map_err(|_| "invalid UTF-8")?);
                    self.i += len;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_escapes_and_surrogates() {
        assert_eq!(
            parse(r#"["a\"b", "\u00e9\ud83d\ude00", -12, null]"#),
            Ok(Value::Arr(vec![
                Value::Str("a\"b".into()),
                Value::Str("é😀".into()),
                Value::Num("-12".into()),
                Value::Null
            ]))
        );
        assert!(parse("[1,]").is_err());
        assert!(parse(&"[".repeat(1000)).is_err());
        assert!(parse(r#"{"a":1,"a":2}"#).is_err());
    }

    #[test]
    fn topic_partitions_split_at_the_last_dash() {
        assert_eq!(
            topic_partition("my-topic-12"),
            Some(NamedPartition::new("my-topic", 12))
        );
        assert_eq!(topic_partition("t1"), None);
        assert_eq!(topic_partition("t-"), None);
        // "t-" is a legal topic name.
        assert_eq!(topic_partition("t--1"), Some(NamedPartition::new("t-", 1)));
        assert_eq!(topic_partition("t-+1"), None);
        assert_eq!(topic_partition("-1"), None);
    }
}
