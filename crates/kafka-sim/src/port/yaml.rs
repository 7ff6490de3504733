//! A YAML subset, enough for docker-compose files and Spring's `application.yml`.
//!
//! Supported: block mappings (`key: value`, plain or quoted keys), block sequences (`- item`, also
//! `- key: value` starting a mapping, and a sequence at the same indentation as its parent key), scalars
//! (plain, `'single'` with `''`, `"double"` with `\` escapes), `#` comments, a leading `---`, empty `[]`/`{}`
//! and one-line flow sequences of scalars (`["a", b]`).
//!
//! Not supported, and reported as [`Ignored`] with the reason (the value then reads as null): anchors
//! (`&a`), aliases (`*a`), merge keys (`<<`), tags (`!!str`), block scalars (`|`, `>`) and other flow
//! collections. Tabs in indentation, duplicate keys, multi-line quoted scalars and a second document are
//! errors ([`YamlError`], with the line). Limits: [`super::MAX_IMPORT_BYTES`] of input,
//! [`super::MAX_IMPORT_LINES`] lines and
//! [`MAX_YAML_DEPTH`] levels of nesting. The parser never panics.

mod text;

use super::{Ignored, MAX_IMPORT_BYTES, MAX_IMPORT_LINES};
use text::{clip, scalar, split_flow, split_key, strip_comment};

/// The deepest nesting of mappings and sequences accepted.
pub const MAX_YAML_DEPTH: usize = 64;

/// A YAML node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Yaml {
    /// An empty value (`key:` with nothing under it, `~`, `null`, or something unsupported).
    Null,
    /// A scalar.
    Scalar(Scalar),
    /// A block or flow sequence.
    Seq(Vec<Yaml>),
    /// A mapping, in file order.
    Map(Vec<Entry>),
}

/// A scalar and how it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    /// The value (quotes removed, escapes decoded).
    pub text: String,
    /// Whether it was quoted (a quoted `true` or `10` is a string in YAML).
    pub quoted: bool,
    /// The 1-based line.
    pub line: usize,
}

/// One `key: value` of a mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The 1-based line of the key.
    pub line: usize,
    /// The value.
    pub value: Yaml,
}

impl Yaml {
    /// The scalar's text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Yaml::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[Entry]> {
        match self {
            Yaml::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        self.as_map()?.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    /// What kind of node this is, for messages: `a mapping`, `a list`, `a value`, `empty`.
    pub fn kind(&self) -> &'static str {
        match self {
            Yaml::Null => "empty",
            Yaml::Scalar(_) => "a value",
            Yaml::Seq(_) => "a list",
            Yaml::Map(_) => "a mapping",
        }
    }
}

/// Why a YAML text is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum YamlError {
    /// The input is larger than [`MAX_IMPORT_BYTES`].
    #[error("the file is {size} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// The input's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// More than [`super::MAX_IMPORT_LINES`] lines with content.
    #[error("the file has more than {limit} lines; the limit is {limit}")]
    TooManyLines {
        /// The limit.
        limit: usize,
    },
    /// A syntax error or an unsupported construct that cannot be skipped.
    #[error("YAML line {line}: {message}")]
    Syntax {
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// A parsed document and the constructs skipped in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlDoc {
    /// The root node ([`Yaml::Null`] for an empty document).
    pub root: Yaml,
    /// Unsupported constructs, with the key path (`a.b[0]`) and the reason (`file` is empty: the caller
    /// knows the file's name).
    pub ignored: Vec<Ignored>,
}

#[derive(Clone, Debug)]
struct Line {
    no: usize,
    indent: usize,
    text: String,
}

fn err(line: usize, message: impl Into<String>) -> YamlError {
    YamlError::Syntax {
        line,
        message: message.into(),
    }
}

/// Parses YAML text (the subset above). Never panics: every refusal is a [`YamlError`]. This is the entry a
/// fuzz target calls with arbitrary text.
pub fn parse_yaml(text: &str) -> Result<YamlDoc, YamlError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(YamlError::TooLarge {
            size: text.len(),
            limit: MAX_IMPORT_BYTES,
        });
    }
    let mut lines = Vec::new();
    let mut seen_content = false;
    for (i, raw) in text.split('\n').enumerate() {
        let no = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let raw = if no == 1 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let rest = &raw[indent..];
        let trimmed = rest.trim_end();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if rest.starts_with('\t') {
            return Err(err(no, "a tab in the indentation; YAML indents with spaces only"));
        }
        if indent == 0 && (trimmed == "---" || trimmed.starts_with("--- ")) {
            if seen_content {
                return Err(err(no, "a second document (---); paste one document at a time"));
            }
            continue;
        }
        if indent == 0 && trimmed == "..." {
            break;
        }
        if trimmed.starts_with('%') && indent == 0 {
            return Err(err(no, "YAML directives (%) are not supported"));
        }
        seen_content = true;
        if lines.len() >= MAX_IMPORT_LINES {
            return Err(YamlError::TooManyLines {
                limit: MAX_IMPORT_LINES,
            });
        }
        lines.push(Line {
            no,
            indent,
            text: trimmed.to_owned(),
        });
    }
    let mut p = Parser {
        lines,
        pos: 0,
        ignored: Vec::new(),
    };
    let root = if p.lines.is_empty() {
        Yaml::Null
    } else {
        let indent = p.lines[0].indent;
        let node = p.block(indent, "", 0)?;
        if let Some(line) = p.lines.get(p.pos) {
            return Err(err(
                line.no,
                "unexpected indentation: this line is not inside the block above it",
            ));
        }
        node
    };
    Ok(YamlDoc {
        root,
        ignored: p.ignored,
    })
}

struct Parser {
    lines: Vec<Line>,
    pos: usize,
    ignored: Vec<Ignored>,
}

fn is_seq_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

fn child_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl Parser {
    fn ignore(&mut self, path: &str, line: usize, reason: &str) {
        self.ignored.push(Ignored {
            file: String::new(),
            key: if path.is_empty() {
                "(document)".to_owned()
            } else {
                path.to_owned()
            },
            reason: format!("{reason} (line {line})"),
        });
    }

    /// A block (mapping or sequence) whose lines start at column `indent`.
    fn block(&mut self, indent: usize, path: &str, depth: usize) -> Result<Yaml, YamlError> {
        let Some(first) = self.lines.get(self.pos) else {
            return Ok(Yaml::Null);
        };
        if depth > MAX_YAML_DEPTH {
            return Err(err(
                first.no,
                format!("nested deeper than {MAX_YAML_DEPTH} levels"),
            ));
        }
        if is_seq_item(&first.text) {
            self.sequence(indent, path, depth)
        } else if split_key(&first.text).is_some() {
            self.mapping(indent, path, depth)
        } else {
            // A lone scalar (a document that is just a value, or a multi-line plain scalar).
            let line = first.clone();
            self.pos += 1;
            let mut text = line.text.clone();
            while let Some(next) = self.lines.get(self.pos) {
                if next.indent < indent || is_seq_item(&next.text) || split_key(&next.text).is_some() {
                    break;
                }
                text.push(' ');
                text.push_str(&next.text);
                self.pos += 1;
            }
            self.value(&text, line.no, path)
        }
    }

    fn sequence(&mut self, indent: usize, path: &str, depth: usize) -> Result<Yaml, YamlError> {
        let mut items = Vec::new();
        while let Some(line) = self.lines.get(self.pos) {
            if line.indent != indent || !is_seq_item(&line.text) {
                if line.indent > indent {
                    return Err(err(line.no, "unexpected indentation in a list"));
                }
                break;
            }
            let item_path = format!("{path}[{}]", items.len());
            let (no, rest) = (line.no, line.text[1..].trim_start().to_owned());
            let offset = line.text.len() - rest.len();
            if rest.is_empty() {
                self.pos += 1;
                items.push(self.nested(indent, &item_path, depth)?);
            } else if is_seq_item(&rest) || split_key(&rest).is_some() {
                // `- key: value` or `- - x`: the rest of the line opens a block at its own column.
                let line = &mut self.lines[self.pos];
                line.indent = indent + offset;
                line.text = rest;
                let col = indent + offset;
                items.push(self.block(col, &item_path, depth + 1)?);
            } else {
                self.pos += 1;
                items.push(self.value(&rest, no, &item_path)?);
            }
        }
        Ok(Yaml::Seq(items))
    }

    /// The block under a key or `-` that had nothing after it on its line (at `parent` indentation).
    fn nested(&mut self, parent: usize, path: &str, depth: usize) -> Result<Yaml, YamlError> {
        match self.lines.get(self.pos) {
            Some(next) if next.indent > parent => {
                let indent = next.indent;
                self.block(indent, path, depth + 1)
            }
            _ => Ok(Yaml::Null),
        }
    }

    fn mapping(&mut self, indent: usize, path: &str, depth: usize) -> Result<Yaml, YamlError> {
        let mut entries: Vec<Entry> = Vec::new();
        while let Some(line) = self.lines.get(self.pos) {
            if line.indent != indent {
                if line.indent > indent {
                    return Err(err(line.no, "unexpected indentation in a mapping"));
                }
                break;
            }
            let no = line.no;
            if is_seq_item(&line.text) {
                return Err(err(no, "a list item where a key was expected"));
            }
            let Some((key, rest)) = split_key(&line.text) else {
                return Err(err(
                    no,
                    format!("expected `key: value`, found `{}`", clip(&line.text)),
                ));
            };
            let key = key?;
            let rest = rest.to_owned();
            self.pos += 1;
            let key_path = child_path(path, &key);
            if entries.iter().any(|e| e.key == key) {
                return Err(err(no, format!("duplicate key `{key}`")));
            }
            if key == "<<" {
                self.ignore(&key_path, no, "merge keys (<<) are not supported");
                self.skip_deeper(indent);
                continue;
            }
            let value = if rest.is_empty() {
                match self.lines.get(self.pos) {
                    Some(next) if next.indent == indent && is_seq_item(&next.text) => {
                        self.sequence(indent, &key_path, depth + 1)?
                    }
                    _ => self.nested(indent, &key_path, depth)?,
                }
            } else if rest.starts_with('|') || rest.starts_with('>') {
                self.ignore(&key_path, no, "block scalars (| and >) are not supported");
                self.skip_deeper(indent);
                Yaml::Null
            } else if rest.starts_with(['&', '!']) {
                // The anchor or tag is listed as ignored, with the block under it.
                let v = self.value(&rest, no, &key_path)?;
                self.skip_deeper(indent);
                v
            } else {
                let v = self.value(&rest, no, &key_path)?;
                if let Some(next) = self.lines.get(self.pos)
                    && next.indent > indent
                {
                    if matches!(v, Yaml::Scalar(Scalar { quoted: false, .. })) {
                        return Err(err(
                            next.no,
                            "multi-line plain values are not supported; put the value on one line",
                        ));
                    }
                    return Err(err(next.no, "unexpected indentation after a value"));
                }
                v
            };
            entries.push(Entry { key, line: no, value });
        }
        Ok(Yaml::Map(entries))
    }

    fn skip_deeper(&mut self, indent: usize) {
        while self.lines.get(self.pos).is_some_and(|l| l.indent > indent) {
            self.pos += 1;
        }
    }

    /// The value written after `key:` or `- ` on one line.
    fn value(&mut self, text: &str, no: usize, path: &str) -> Result<Yaml, YamlError> {
        let first = text.chars().next().unwrap_or(' ');
        match first {
            '&' => {
                self.ignore(path, no, "anchors (&) are not supported");
                Ok(Yaml::Null)
            }
            '*' => {
                self.ignore(path, no, "aliases (*) are not supported");
                Ok(Yaml::Null)
            }
            '!' => {
                self.ignore(path, no, "tags (!) are not supported");
                Ok(Yaml::Null)
            }
            '[' | '{' => self.flow(text, no, path),
            '@' | '`' => Err(err(
                no,
                format!("a plain value cannot start with {first}; quote it"),
            )),
            _ => {
                let s = scalar(text, no)?;
                if !s.quoted && matches!(s.text.as_str(), "~" | "null" | "Null" | "NULL" | "") {
                    Ok(Yaml::Null)
                } else {
                    Ok(Yaml::Scalar(s))
                }
            }
        }
    }

    fn flow(&mut self, text: &str, no: usize, path: &str) -> Result<Yaml, YamlError> {
        let body = strip_comment(text);
        if body == "[]" {
            return Ok(Yaml::Seq(Vec::new()));
        }
        if body == "{}" {
            return Ok(Yaml::Map(Vec::new()));
        }
        if let Some(inner) = body.strip_prefix('[').and_then(|b| b.strip_suffix(']'))
            && !inner.contains(['[', ']', '{', '}'])
        {
            let mut items = Vec::new();
            for part in split_flow(inner) {
                let part = part.trim();
                if part.is_empty() {
                    continue;
                }
                let s = scalar(part, no)?;
                items.push(Yaml::Scalar(s));
            }
            return Ok(Yaml::Seq(items));
        }
        self.ignore(
            path,
            no,
            "flow collections other than a one-line list of values are not supported",
        );
        Ok(Yaml::Null)
    }
}
