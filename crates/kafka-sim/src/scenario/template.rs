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
        let mut out = Vec::new();
        self.render_with(n.to_string().as_bytes(), &mut out);
        // Literals are `str`s and digits are ASCII: always UTF-8.
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes the text into `out` (cleared first, its allocation reused) with `number`, the decimal
    /// digits of the record's running number, for each `{n}`: the producer renders one key per
    /// record and keeps the digits between records, so this is on the hot path.
    pub fn render_with(&self, number: &[u8], out: &mut Vec<u8>) {
        out.clear();
        for part in &self.parts {
            match part {
                TemplatePart::Literal(s) => out.extend_from_slice(s.as_bytes()),
                TemplatePart::Number => out.extend_from_slice(number),
            }
        }
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

    /// Writes the UTF-8 key for the running number whose decimal digits are `number` into
    /// `out` (cleared first) and returns it, or `None` for a null key (then `out` is left as it was).
    pub fn render_with<'a>(&self, number: &[u8], out: &'a mut Vec<u8>) -> Option<&'a [u8]> {
        match self {
            KeyTemplate::Null => None,
            KeyTemplate::Template(t) => {
                t.render_with(number, out);
                Some(out.as_slice())
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_with_writes_what_render_does() {
        let t = Template::parse("reserve-{n}:{n}}").unwrap();
        let mut buf = b"stale".to_vec();
        for n in [0, 7, 10, 12_345, u64::MAX] {
            t.render_with(n.to_string().as_bytes(), &mut buf);
            assert_eq!(buf, format!("reserve-{n}:{n}}}").into_bytes());
            assert_eq!(t.render(n), format!("reserve-{n}:{n}}}"));
        }
        let k = KeyTemplate::parse("k{n}").unwrap();
        assert_eq!(k.render_with(b"42", &mut buf), Some(&b"k42"[..]));
        assert_eq!(KeyTemplate::Null.render_with(b"43", &mut buf), None);
        assert_eq!(buf, b"k42");
    }
}
