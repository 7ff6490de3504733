//! Record templates: `keys = "reserve-{n}"`, `value = '{"reservationId":{n}}'`.
//!
//! `{n}` is the record's running number (0, 1, 2, ... per producer). Every other character is literal,
//! so JSON braces need no escaping. A brace pair that looks like a placeholder (`{name}`, an identifier
//! between braces) but is not `{n}` is an error, to catch typos such as `{i}` or `{N}`.

use serde::Serialize;
use std::fmt;

/// One piece of a [`Template`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum TemplatePart {
    /// Text copied as is.
    Literal(String),
    /// The record's running number.
    Number,
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Template {
    parts: Vec<TemplatePart>,
}

impl Template {
    /// Parses `text`; the error names the unknown placeholder.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            literal.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let ident_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let (ident, tail) = after.split_at(ident_len);
            match tail.strip_prefix('}') {
                Some(tail) if ident == "n" => {
                    if !literal.is_empty() {
                        parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(TemplatePart::Number);
                    rest = tail;
                }
                Some(_) if !ident.is_empty() => {
                    return Err(format!(
                        "unknown placeholder {{{ident}}} in {text:?}: the only placeholder is {{n}}, the \
                         record's running number"
                    ));
                }
                _ => {
                    literal.push('{');
                    rest = after;
                }
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(TemplatePart::Literal(literal));
        }
        Ok(Template { parts })
    }

    /// The template's pieces, in order.
    pub fn parts(&self) -> &[TemplatePart] {
        &self.parts
    }

    /// Whether the template uses `{n}` (otherwise every record gets the same text).
    pub fn uses_number(&self) -> bool {
        self.parts.contains(&TemplatePart::Number)
    }

    /// The text for record number `n`.
    pub fn render(&self, n: u64) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Number => out.push_str(&n.to_string()),
            }
        }
        out
    }
}

impl fmt::Display for Template {
    /// The template as written in a scenario file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                TemplatePart::Literal(s) => f.write_str(s)?,
                TemplatePart::Number => f.write_str("{n}")?,
            }
        }
        Ok(())
    }
}

/// A producer's keys: a template, or null keys (`keys = "none"`, the default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum KeyTemplate {
    /// Every record has a null key (the partitioner then spreads records by its sticky rule).
    Null,
    /// Keys from a template.
    Template(Template),
}

impl KeyTemplate {
    /// Parses a `keys` value: `"none"` is [`KeyTemplate::Null`], anything else a [`Template`].
    pub fn parse(text: &str) -> Result<KeyTemplate, String> {
        if text == "none" {
            Ok(KeyTemplate::Null)
        } else {
            Template::parse(text).map(KeyTemplate::Template)
        }
    }

    /// The key of record number `n` (`None` is a null key).
    pub fn render(&self, n: u64) -> Option<String> {
        match self {
            KeyTemplate::Null => None,
            KeyTemplate::Template(t) => Some(t.render(n)),
        }
    }
}

impl fmt::Display for KeyTemplate {
    /// The value as written in a scenario file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyTemplate::Null => f.write_str("none"),
            KeyTemplate::Template(t) => t.fmt(f),
        }
    }
}
