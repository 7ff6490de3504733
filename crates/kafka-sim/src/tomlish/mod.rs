//! A small TOML 1.0 parser for scenario files, with a `serde` deserializer over its tree.
//!
//! Why in-house: the `toml` crate (with `toml_edit` and `winnow`) cost about 130 KB of the browser's wasm
//! for the one feature used here, and every text format the page reads must be fuzzed, which is easier
//! with a parser this size. What it covers:
//! - every TOML value kind except dates and times (refused: "dates are not supported in scenario files"):
//!   basic, literal and multi-line strings with escapes; integers (`_` separators, `0x`, `0o`, `0b`);
//!   floats (with `inf` and `nan`); booleans; arrays; inline tables;
//! - bare, quoted and dotted keys; `[table]` and `[[array.of.tables]]` headers; comments;
//! - TOML's rules on redefinition: a duplicate key, a table defined twice, a dotted key extending a table
//!   of a header, a header reopening an inline table or a table of dotted keys, are errors.
//!
//! Every value carries its byte [`Span`], so an error says its line and column. Tables keep the file's
//! order. Parsing never panics and never recurses deeper than [`MAX_DEPTH`] (the input is user text
//! from the browser).

mod de;
#[cfg(test)]
mod de_tests;
mod doc;
mod scalar;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

pub use de::from_str;

/// The deepest nesting accepted: key path segments plus arrays and inline tables, counted together.
pub const MAX_DEPTH: usize = 64;

/// A byte range of the input, `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The 1-based line and column (in characters) of `start` in `text`.
    pub fn line_column(self, text: &str) -> (usize, usize) {
        let start = self.start.min(text.len());
        let before = &text.as_bytes()[..start];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // Count characters by their first bytes (continuation bytes are 0b10xx_xxxx).
        let column = before[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count() + 1;
        (line, column)
    }
}

/// A value and where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The value.
    pub value: Value,
    /// Its text: the value itself, or for a table of a header, the header.
    pub span: Span,
}

/// A TOML value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string, escapes resolved.
    String(String),
    /// A 64-bit integer.
    Integer(i64),
    /// A 64-bit float.
    Float(f64),
    /// `true` or `false`.
    Boolean(bool),
    /// An array (`[1, 2]`, or the tables of `[[name]]` headers).
    Array(Array),
    /// A table (the document, a `[header]`, an inline table, or one made by a dotted key).
    Table(Table),
}

impl Value {
    /// The kind's name for messages: `string`, `integer`, `float`, `boolean`, `array` or `table`.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Integer(_) => "integer",
            Value::Float(_) => "float",
            Value::Boolean(_) => "boolean",
            Value::Array(_) => "array",
            Value::Table(_) => "table",
        }
    }
}

/// An array and whether `[[name]]` headers made it (only those may be appended to).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Array {
    /// The elements, in file order.
    pub items: Vec<Item>,
    /// `true` for an array of tables from `[[name]]` headers.
    pub(crate) of_tables: bool,
}

/// How a table came to be, which decides what may still be added to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TableKind {
    /// Made on the way to a deeper header (`[a]` by `[a.b]`); a later `[a]` may still define it.
    Implicit,
    /// Defined by its own header (or the document itself).
    Header,
    /// Made by a dotted key (`a.b = 1`); only dotted keys extend it, no header may define it.
    Dotted,
    /// An inline table (`{ ... }`): closed.
    Inline,
}

/// One `key = value` of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key (one segment of a dotted key), unquoted.
    pub key: String,
    /// Where the key is written (for a table made by a header, the segment's first mention).
    pub key_span: Span,
    /// The value.
    pub item: Item,
}

/// A table: its entries in file order, with an index by key.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    entries: Vec<Entry>,
    index: BTreeMap<String, usize>,
    pub(crate) kind: TableKind,
}

impl Table {
    pub(crate) fn new(kind: TableKind) -> Table {
        Table {
            entries: Vec::new(),
            index: BTreeMap::new(),
            kind,
        }
    }

    /// The entries, in the order their keys first appear in the file.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Item> {
        self.index
            .get(key)
            .and_then(|&i| self.entries.get(i))
            .map(|e| &e.item)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Entry> {
        let i = *self.index.get(key)?;
        self.entries.get_mut(i)
    }

    /// Adds `key`, which the caller checked is absent; returns the new entry.
    pub(crate) fn push(&mut self, key: String, key_span: Span, item: Item) -> &mut Entry {
        let i = self.entries.len();
        self.index.insert(key.clone(), i);
        self.entries.push(Entry { key, key_span, item });
        &mut self.entries[i]
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Why a text is not valid TOML, or why its tree does not fit the type deserialized into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
    span: Option<Span>,
}

impl Error {
    pub(crate) fn at(span: Span, message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            span: Some(span),
        }
    }

    /// What is wrong, without a position, e.g. "unknown field `acks`, expected `brokers` or `config`".
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where: the offending character, key or value (for a missing key, its table), when known.
    pub fn span(&self) -> Option<Span> {
        self.span
    }

    /// Sets the span if none is set yet (the innermost value that failed wins).
    pub(crate) fn or_at(mut self, span: Option<Span>) -> Error {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error {
            message: msg.to_string(),
            span: None,
        }
    }
}

/// Parses a TOML document into its root table.
///
/// This is the entry point for any user text: it accepts any `&str`, never panics, takes time linear in
/// the input (up to a logarithmic factor for key lookups), and nests no deeper than [`MAX_DEPTH`]. Every
/// refusal is an [`Error`] with the span of the offending text.
pub fn parse(text: &str) -> Result<Table, Error> {
    doc::Parser::new(text).document()
}
