//! A `.properties` parser following `java.util.Properties.load(Reader)`.
//!
//! Rules: lines end at `\n`, `\r` or `\r\n`; a line whose first non-blank char is `#` or `!` is a comment;
//! leading spaces, tabs and form feeds are skipped; a line ending in an odd number of backslashes continues
//! on the next line (whose leading blanks are skipped); the key ends at the first unescaped `=`, `:` or blank,
//! then blanks and one `=`/`:` are skipped; escapes `\t \n \r \f \uXXXX` are decoded and any other `\c` is `c`.
//! A repeated key keeps its first position and its last value.

/// A `.properties` syntax error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PropertiesError {
    /// A `\u` escape not followed by four hex digits (Java's `IllegalArgumentException`).
    #[error("Malformed \\uxxxx encoding.")]
    MalformedUnicodeEscape {
        /// The 1-based line where the logical line starts.
        line: usize,
    },
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{c}')
}

/// Splits text into natural lines (without terminators), with 1-based line numbers.
fn natural_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line_no = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push((line_no, &text[start..i]));
                i += 1;
                start = i;
                line_no += 1;
            }
            b'\r' => {
                out.push((line_no, &text[start..i]));
                i += if bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                start = i;
                line_no += 1;
            }
            _ => i += 1,
        }
    }
    if start < text.len() {
        out.push((line_no, &text[start..]));
    }
    out
}

fn ends_with_odd_backslashes(s: &str) -> bool {
    s.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1
}

/// Joins natural lines into logical lines, dropping blanks and comments.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (line_no, raw) in natural_lines(text) {
        let stripped = raw.trim_start_matches(is_blank);
        let (start_line, mut buf) = match current.take() {
            Some(pending) => pending,
            None => {
                if stripped.is_empty() || stripped.starts_with('#') || stripped.starts_with('!') {
                    continue;
                }
                (line_no, String::new())
            }
        };
        if ends_with_odd_backslashes(stripped) {
            buf.push_str(&stripped[..stripped.len() - 1]);
            current = Some((start_line, buf));
        } else {
            buf.push_str(stripped);
            out.push((start_line, buf));
        }
    }
    if let Some((line, buf)) = current
        && !buf.is_empty()
    {
        out.push((line, buf));
    }
    out
}

/// `loadConvert`: decodes escapes.
fn unescape(s: &str, line: usize) -> Result<String, PropertiesError> {
    let mut units: Vec<u16> = Vec::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buf));
            continue;
        }
        let Some(next) = chars.next() else { break };
        let decoded = match next {
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\u{c}',
            'u' => {
                let mut value: u32 = 0;
                for _ in 0..4 {
                    let digit = chars.next().and_then(|h| h.to_digit(16));
                    match digit {
                        Some(d) => value = value * 16 + d,
                        None => return Err(PropertiesError::MalformedUnicodeEscape { line }),
                    }
                }
                units.push(u16::try_from(value).unwrap_or(0xFFFD));
                continue;
            }
            other => other,
        };
        let mut buf = [0u16; 2];
        units.extend_from_slice(decoded.encode_utf16(&mut buf));
    }
    Ok(String::from_utf16_lossy(&units))
}

/// Splits a logical line into raw (still escaped) key and value.
fn split_key_value(line: &str) -> (&str, &str) {
    let mut key_end = line.len();
    let mut value_start = line.len();
    let mut has_sep = false;
    let mut preceding_backslash = false;
    for (i, c) in line.char_indices() {
        if (c == '=' || c == ':') && !preceding_backslash {
            key_end = i;
            value_start = i + 1;
            has_sep = true;
            break;
        } else if is_blank(c) && !preceding_backslash {
            key_end = i;
            value_start = i + 1;
            break;
        }
        preceding_backslash = c == '\\' && !preceding_backslash;
    }
    let mut rest = &line[value_start..];
    rest = rest.trim_start_matches(is_blank);
    if !has_sep && let Some(after) = rest.strip_prefix(['=', ':']) {
        rest = after.trim_start_matches(is_blank);
    }
    (&line[..key_end], rest)
}

/// Parses `.properties` text into `(key, value)` pairs.
pub fn parse(text: &str) -> Result<Vec<(String, String)>, PropertiesError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (line, logical) in logical_lines(text) {
        let (raw_key, raw_value) = split_key_value(&logical);
        let key = unescape(raw_key, line)?;
        let value = unescape(raw_value, line)?;
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => out.push((key, value)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Vec<(String, String)> {
        parse(text).unwrap_or_default()
    }

    fn kv(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn separators() {
        assert_eq!(
            p("a=1\nb:2\nc 3\nd\t=\t4\ne"),
            vec![
                kv("a", "1"),
                kv("b", "2"),
                kv("c", "3"),
                kv("d", "4"),
                kv("e", "")
            ]
        );
    }

    #[test]
    fn escaped_separator_in_key() {
        assert_eq!(p(r"a\=b=c"), vec![kv("a=b", "c")]);
        assert_eq!(p(r"a\ b = c"), vec![kv("a b", "c")]);
    }

    #[test]
    fn trailing_backslash_at_eof_dropped() {
        assert_eq!(p("a=b\\"), vec![kv("a", "b")]);
    }
}
