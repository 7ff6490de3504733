//! The document: lines of `key = value`, `[table]` and `[[array]]` headers, comments; arrays and inline
//! tables; and TOML's rules on which tables may be defined or extended where.

use super::{Array, Error, Item, MAX_DEPTH, Span, Table, TableKind, Value};

/// A key path as written: each segment unquoted, with its span.
pub(super) type Keys = Vec<(String, Span)>;

/// A cursor over the input. Positions only ever stop on ASCII bytes or the end, so slices between them
/// are on character boundaries.
pub(crate) struct Parser<'a> {
    pub(super) src: &'a str,
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Parser<'a> {
    /// A parser at the start of `src`.
    pub(crate) fn new(src: &'a str) -> Parser<'a> {
        Parser {
            src,
            bytes: src.as_bytes(),
            pos: 0,
        }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    pub(super) fn starts_with(&self, s: &str) -> bool {
        self.bytes
            .get(self.pos..)
            .is_some_and(|b| b.starts_with(s.as_bytes()))
    }

    pub(super) fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// An error at the current position (one character wide).
    pub(super) fn error<T>(&self, message: impl Into<String>) -> Result<T, Error> {
        let end = (self.pos + 1).min(self.bytes.len()).max(self.pos);
        Err(Error::at(Span::new(self.pos, end), message))
    }

    /// The character at the current position, for messages.
    pub(super) fn current_char(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    /// Spaces and tabs.
    pub(super) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// A comment up to (not including) its line's end, if one starts here.
    fn skip_comment(&mut self) -> Result<(), Error> {
        if self.peek() != Some(b'#') {
            return Ok(());
        }
        while let Some(b) = self.peek() {
            match b {
                b'\n' | b'\r' => break,
                b'\t' => {}
                b if b < 0x20 || b == 0x7f => return self.error("a comment cannot hold a control character"),
                _ => {}
            }
            self.pos += 1;
        }
        Ok(())
    }

    /// A line end (`\n` or `\r\n`) if one is here; a lone `\r` is an error.
    pub(super) fn newline(&mut self) -> Result<bool, Error> {
        match self.peek() {
            Some(b'\n') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                self.pos += 2;
                Ok(true)
            }
            Some(b'\r') => self.error("a carriage return must be followed by a newline"),
            _ => Ok(false),
        }
    }

    /// The rest of a line after a value or header: spaces, a comment, then a line end or the end.
    fn end_of_line(&mut self, after: &str) -> Result<(), Error> {
        self.skip_ws();
        self.skip_comment()?;
        if self.peek().is_none() || self.newline()? {
            return Ok(());
        }
        self.error(format!("expected a newline or `#` after {after}"))
    }

    /// Spaces, comments and line ends (between the elements of an array).
    fn skip_blank(&mut self) -> Result<(), Error> {
        loop {
            self.skip_ws();
            self.skip_comment()?;
            if !self.newline()? {
                return Ok(());
            }
        }
    }

    /// The whole document.
    pub(crate) fn document(mut self) -> Result<Table, Error> {
        let mut root = Table::new(TableKind::Header);
        let mut current: Vec<String> = Vec::new();
        loop {
            self.skip_ws();
            self.skip_comment()?;
            if self.newline()? {
                continue;
            }
            match self.peek() {
                None => return Ok(root),
                Some(b'[') => current = self.header(&mut root)?,
                Some(_) => {
                    let keys = self.key()?;
                    self.skip_ws();
                    if !self.eat(b'=') {
                        return self.error("expected `=` after the key");
                    }
                    self.skip_ws();
                    let item = self.value(current.len() + keys.len())?;
                    let Some(table) = table_at(&mut root, &current) else {
                        return Err(Error::at(keys[0].1, "the current table cannot be found"));
                    };
                    insert_dotted(table, keys, item)?;
                    self.end_of_line("the value")?;
                }
            }
        }
    }

    /// A `[table]` or `[[array]]` header; returns the path of the table it opens.
    fn header(&mut self, root: &mut Table) -> Result<Vec<String>, Error> {
        let start = self.pos;
        self.pos += 1;
        let array = self.eat(b'[');
        let keys = self.key()?;
        self.skip_ws();
        let closed = if array {
            self.starts_with("]]")
        } else {
            self.peek() == Some(b']')
        };
        if !closed {
            let close = if array { "]]" } else { "]" };
            return self.error(format!("expected `{close}` to close the header"));
        }
        self.pos += if array { 2 } else { 1 };
        let span = Span::new(start, self.pos);
        open_table(root, &keys, span, array)?;
        self.end_of_line("the header")?;
        Ok(keys.into_iter().map(|(k, _)| k).collect())
    }

    /// A key: bare, quoted or dotted, at most [`MAX_DEPTH`] segments.
    pub(super) fn key(&mut self) -> Result<Keys, Error> {
        let mut keys = Keys::new();
        loop {
            self.skip_ws();
            let start = self.pos;
            let name = match self.peek() {
                Some(b'"') if self.starts_with("\"\"\"") => {
                    return self.error("a key cannot be a multi-line string");
                }
                Some(b'\'') if self.starts_with("'''") => {
                    return self.error("a key cannot be a multi-line string");
                }
                Some(b'"' | b'\'') => self.string()?,
                Some(b) if is_bare(b) => {
                    while self.peek().is_some_and(is_bare) {
                        self.pos += 1;
                    }
                    self.src.get(start..self.pos).unwrap_or_default().to_owned()
                }
                Some(b'\n' | b'\r') | None => return self.error("expected a key"),
                Some(_) => {
                    let c = self.current_char().unwrap_or('?');
                    return self.error(format!(
                        "expected a key, found `{}` (a key is letters, digits, `_` and `-`, or a quoted string)",
                        c.escape_debug()
                    ));
                }
            };
            keys.push((name, Span::new(start, self.pos)));
            if keys.len() > MAX_DEPTH {
                return Err(Error::at(
                    Span::new(start, self.pos),
                    format!("the key has more than {MAX_DEPTH} parts"),
                ));
            }
            self.skip_ws();
            if !self.eat(b'.') {
                return Ok(keys);
            }
        }
    }

    /// A value, `depth` levels down (key segments, arrays and inline tables counted).
    pub(super) fn value(&mut self, depth: usize) -> Result<Item, Error> {
        if depth > MAX_DEPTH {
            return self.error(format!("the value is nested more than {MAX_DEPTH} levels deep"));
        }
        let start = self.pos;
        let value = match self.peek() {
            Some(b'"' | b'\'') => Value::String(self.string()?),
            Some(b'[') => Value::Array(self.array(depth + 1)?),
            Some(b'{') => Value::Table(self.inline_table(depth + 1)?),
            Some(b't') if self.starts_with("true") => {
                self.pos += 4;
                Value::Boolean(true)
            }
            Some(b'f') if self.starts_with("false") => {
                self.pos += 5;
                Value::Boolean(false)
            }
            Some(b'0'..=b'9' | b'+' | b'-' | b'i' | b'n') => self.number()?,
            Some(b'\n' | b'\r') | None => return self.error("expected a value"),
            Some(_) => {
                return self
                    .error("expected a value: a string (in quotes), number, boolean, array or inline table");
            }
        };
        Ok(Item {
            value,
            span: Span::new(start, self.pos),
        })
    }

    /// `[a, b, ...]`: line ends, comments and a trailing comma allowed.
    fn array(&mut self, depth: usize) -> Result<Array, Error> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_blank()?;
            if self.eat(b']') {
                break;
            }
            items.push(self.value(depth)?);
            self.skip_blank()?;
            if self.eat(b',') {
                continue;
            }
            if self.eat(b']') {
                break;
            }
            return self.error("expected `,` or `]` in the array");
        }
        Ok(Array {
            items,
            of_tables: false,
        })
    }

    /// `{ k = v, ... }` on one line, no trailing comma.
    fn inline_table(&mut self, depth: usize) -> Result<Table, Error> {
        self.pos += 1;
        // Dotted keys inside may extend each other's tables until the closing brace.
        let mut table = Table::new(TableKind::Dotted);
        self.skip_ws();
        if !self.eat(b'}') {
            loop {
                let keys = self.key()?;
                self.skip_ws();
                if !self.eat(b'=') {
                    return self.error("expected `=` after the key");
                }
                self.skip_ws();
                let item = self.value(depth + keys.len())?;
                insert_dotted(&mut table, keys, item)?;
                self.skip_ws();
                if self.eat(b',') {
                    continue;
                }
                if self.eat(b'}') {
                    break;
                }
                return self
                    .error("expected `,` or `}` in the inline table (an inline table stays on one line)");
            }
        }
        table.kind = TableKind::Inline;
        Ok(table)
    }
}

/// Whether `b` may be in a bare key.
fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The dotted path, for messages: `a.b.c`.
fn dotted(keys: &[(String, Span)]) -> String {
    keys.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(".")
}

/// The table a key or header may step into: a table, or the last table of an array of tables.
fn step(item: &mut Item) -> Option<&mut Table> {
    match &mut item.value {
        Value::Table(t) => Some(t),
        Value::Array(a) if a.of_tables => match a.items.last_mut().map(|i| &mut i.value) {
            Some(Value::Table(t)) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The table at `path` (the last element of each array of tables on the way).
fn table_at<'t>(root: &'t mut Table, path: &[String]) -> Option<&'t mut Table> {
    let mut table = root;
    for key in path {
        table = step(&mut table.get_mut(key)?.item)?;
    }
    Some(table)
}

/// Adds `keys = item` to `table`, making the tables of a dotted key on the way.
pub(super) fn insert_dotted(table: &mut Table, keys: Keys, item: Item) -> Result<(), Error> {
    let Some(((last, last_span), parents)) = keys.split_last() else {
        return Ok(());
    };
    let mut table = table;
    for (i, (key, span)) in parents.iter().enumerate() {
        if table.get(key).is_none() {
            let t = Item {
                value: Value::Table(Table::new(TableKind::Dotted)),
                span: *span,
            };
            table.push(key.clone(), *span, t);
        }
        let entry = table
            .get_mut(key)
            .ok_or_else(|| Error::at(*span, "lost a table"))?;
        let what = match &entry.item.value {
            Value::Table(t) if t.kind == TableKind::Dotted => "",
            Value::Table(t) if t.kind == TableKind::Inline => "an inline table",
            Value::Table(_) => "a table of a header",
            _ => "not a table",
        };
        table = match &mut entry.item.value {
            Value::Table(t) if what.is_empty() => t,
            _ => {
                return Err(Error::at(
                    *span,
                    format!(
                        "the dotted key cannot extend `{}`: it is {what}",
                        dotted(&keys[..=i])
                    ),
                ));
            }
        };
    }
    if table.get(last).is_some() {
        return Err(Error::at(*last_span, format!("duplicate key `{last}`")));
    }
    table.push(last.clone(), *last_span, item);
    Ok(())
}

/// Opens the table of a `[keys]` header (or appends a table to `[[keys]]`), checking it was not defined.
fn open_table(root: &mut Table, keys: &Keys, span: Span, array: bool) -> Result<(), Error> {
    let Some(((last, last_span), parents)) = keys.split_last() else {
        return Ok(());
    };
    let mut table = root;
    for (i, (key, key_span)) in parents.iter().enumerate() {
        if table.get(key).is_none() {
            let t = Item {
                value: Value::Table(Table::new(TableKind::Implicit)),
                span: *key_span,
            };
            table.push(key.clone(), *key_span, t);
        }
        let entry = table
            .get_mut(key)
            .ok_or_else(|| Error::at(*key_span, "lost a table"))?;
        let kind = entry.item.value.kind();
        table = match step(&mut entry.item) {
            Some(t) if t.kind != TableKind::Inline => t,
            _ => {
                let what = if kind == "table" {
                    "an inline table".to_owned()
                } else {
                    article(kind)
                };
                return Err(Error::at(
                    *key_span,
                    format!("`{}` is {what} and cannot hold a table", dotted(&keys[..=i])),
                ));
            }
        };
    }
    let name = dotted(keys);
    let fresh = || Item {
        value: Value::Table(Table::new(TableKind::Header)),
        span,
    };
    match table.get_mut(last) {
        None => {
            let item = if array {
                Item {
                    value: Value::Array(Array {
                        items: vec![fresh()],
                        of_tables: true,
                    }),
                    span,
                }
            } else {
                fresh()
            };
            table.push(last.clone(), *last_span, item);
            Ok(())
        }
        Some(entry) => match (&mut entry.item.value, array) {
            (Value::Array(a), true) if a.of_tables => {
                a.items.push(fresh());
                Ok(())
            }
            (Value::Table(t), false) if t.kind == TableKind::Implicit => {
                t.kind = TableKind::Header;
                entry.item.span = span;
                Ok(())
            }
            (Value::Table(_), false) => Err(Error::at(
                span,
                format!("table `{name}` is defined more than once"),
            )),
            (other, _) => {
                let what = other.kind();
                let header = if array { "[[...]]" } else { "[...]" };
                Err(Error::at(
                    span,
                    format!(
                        "`{name}` is already {}; the {header} header cannot redefine it",
                        article(what)
                    ),
                ))
            }
        },
    }
}

/// `a table`, `an array`, ...
fn article(what: &str) -> String {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {what}")
    } else {
        format!("a {what}")
    }
}
