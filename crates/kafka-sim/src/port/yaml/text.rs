//! Line-level pieces of the YAML subset: keys, scalars (plain and quoted), comments and flow lists.

use super::{Scalar, YamlError, err};

/// Splits a flow sequence's inside at commas outside quotes.
pub(super) fn split_flow(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, ',') => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
}

pub(super) fn clip(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        s.push('…');
    }
    s
}

/// Removes a trailing ` # comment` from a plain text.
pub(super) fn strip_comment(text: &str) -> &str {
    let cut = text
        .char_indices()
        .find(|&(i, c)| c == '#' && (i == 0 || text[..i].ends_with([' ', '\t'])))
        .map_or(text.len(), |(i, _)| i);
    text[..cut].trim_end()
}

/// `key: rest` split at the first `:` followed by a blank or the end (outside a quoted key).
/// `None` if the line is not a mapping entry; `Some((Err, _))` for a malformed quoted key.
pub(super) fn split_key(text: &str) -> Option<(Result<String, YamlError>, &str)> {
    let first = text.chars().next()?;
    if first == '"' || first == '\'' {
        let (key, after) = quoted_prefix(text, 0).ok()?;
        let after = after.trim_start();
        let rest = after.strip_prefix(':')?;
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None;
        }
        return Some((Ok(key), rest.trim()));
    }
    if first == '#' || first == '[' || first == '{' {
        return None;
    }
    // The key ends at the first `: ` (or a final `:`) before any ` #` comment; the value keeps its own
    // quotes and comment, which `scalar` reads.
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' && i > 0 && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            return None;
        }
        if bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t') {
            let key = text[..i].trim_end().to_owned();
            if key.is_empty() {
                return None;
            }
            let rest = text[i + 1..].trim();
            return Some((Ok(key), if rest.starts_with('#') { "" } else { rest }));
        }
        i += 1;
    }
    None
}

/// A scalar written on one line: quoted (then only a comment may follow) or plain (comment removed).
pub(super) fn scalar(text: &str, no: usize) -> Result<Scalar, YamlError> {
    let first = text.chars().next().unwrap_or(' ');
    if first == '"' || first == '\'' {
        let (value, after) = quoted_prefix(text, no)?;
        let after = after.trim_start();
        if !(after.is_empty() || after.starts_with('#')) {
            return Err(err(no, format!("text after a quoted value: `{}`", clip(after))));
        }
        return Ok(Scalar {
            text: value,
            quoted: true,
            line: no,
        });
    }
    Ok(Scalar {
        text: strip_comment(text).to_owned(),
        quoted: false,
        line: no,
    })
}

/// Reads a quoted scalar at the start of `text`; returns it and the text after the closing quote.
pub(super) fn quoted_prefix(text: &str, no: usize) -> Result<(String, &str), YamlError> {
    let mut chars = text.char_indices();
    let Some((_, q)) = chars.next() else {
        return Err(err(no, "expected a quoted value"));
    };
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        if q == '\'' && c == '\'' {
            if text[i + 1..].starts_with('\'') {
                out.push('\'');
                chars.next();
                continue;
            }
            return Ok((out, &text[i + 1..]));
        }
        if q == '"' && c == '"' {
            return Ok((out, &text[i + 1..]));
        }
        if q == '"' && c == '\\' {
            let Some((_, e)) = chars.next() else { break };
            let decoded = match e {
                'n' => '\n',
                't' | '\t' => '\t',
                'r' => '\r',
                '0' => '\0',
                'e' => '\u{1b}',
                ' ' => ' ',
                '"' => '"',
                '/' => '/',
                '\\' => '\\',
                'x' | 'u' | 'U' => {
                    let len = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let mut code = 0u32;
                    for _ in 0..len {
                        let digit = chars.next().and_then(|(_, d)| d.to_digit(16));
                        let Some(d) = digit else {
                            return Err(err(no, format!("a \\{e} escape needs {len} hex digits")));
                        };
                        code = code.saturating_mul(16).saturating_add(d);
                    }
                    char::from_u32(code).ok_or_else(|| err(no, format!("\\{e} escape is not a character")))?
                }
                other => {
                    return Err(err(
                        no,
                        format!("unknown escape \\{other} in a double-quoted value"),
                    ));
                }
            };
            out.push(decoded);
            continue;
        }
        out.push(c);
    }
    Err(err(
        no,
        "a quoted value without its closing quote (multi-line quoted values are not supported)",
    ))
}
