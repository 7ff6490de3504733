//! A small JSON reader that validates a document and rewrites it compactly, as Jackson would write the
//! same tree (no whitespace, keys in input order, numbers as written, strings re-escaped the way
//! Jackson's generator escapes them), with Jackson-like error messages.
//!
//! Error wording follows Jackson 2.x's `UTF8StreamJsonParser` from memory; the exact text of rarer
//! errors and the column numbers are best-effort (marked "approximate" below).

use std::fmt::Write as _;

/// Jackson's default `StreamReadConstraints` maximum nesting depth (2.15+).
const MAX_DEPTH: usize = 1000;

/// Jackson's location suffix since 2.16, where `INCLUDE_SOURCE_IN_LOCATION` is off by default.
/// Approximate: older Jacksons print `(byte[])"<the document>"` instead of `REDACTED (...)`.
const SOURCE: &str = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)";

/// The Jackson exception class a parse failure is reported with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JacksonExceptionKind {
    /// `com.fasterxml.jackson.core.JsonParseException`: malformed JSON.
    JsonParse,
    /// `com.fasterxml.jackson.databind.exc.MismatchedInputException`: no content at all.
    MismatchedInput,
    /// `com.fasterxml.jackson.core.exc.StreamConstraintsException`: nested too deeply.
    StreamConstraints,
}

impl JacksonExceptionKind {
    /// The fully qualified Java class name.
    pub fn java_class(self) -> &'static str {
        match self {
            JacksonExceptionKind::JsonParse => "com.fasterxml.jackson.core.JsonParseException",
            JacksonExceptionKind::MismatchedInput => {
                "com.fasterxml.jackson.databind.exc.MismatchedInputException"
            }
            JacksonExceptionKind::StreamConstraints => {
                "com.fasterxml.jackson.core.exc.StreamConstraintsException"
            }
        }
    }
}

/// Why a document is not JSON, as Jackson would say it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// The exception class.
    pub kind: JacksonExceptionKind,
    /// The message without the location, e.g. `Unrecognized token 'abc': was expecting ...`.
    pub message: String,
    /// 1-based line of the failure.
    pub line: usize,
    /// Jackson's column (1-based byte offset in the line, just after the offending input; approximate).
    pub column: usize,
}

impl JsonError {
    /// Jackson's `getMessage()`: the message, a newline, and ` at [Source: ...; line: L, column: C]`.
    pub fn full_message(&self) -> String {
        format!(
            "{}\n at [Source: {SOURCE}; line: {}, column: {}]",
            self.message, self.line, self.column
        )
    }
}

const VALID_VALUES: &str = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/// Validates `input` as one JSON document and returns it compacted. With `allow_trailing`, anything after
/// the first complete value is ignored, as Jackson's `ObjectMapper.readValue` does by default
/// (`FAIL_ON_TRAILING_TOKENS` is off); without it, trailing non-whitespace is an error.
pub fn compact(input: &[u8], allow_trailing: bool) -> Result<String, JsonError> {
    let mut p = Parser {
        input,
        pos: 0,
        line: 1,
        line_start: 0,
        out: String::with_capacity(input.len()),
    };
    if let Err(e) = std::str::from_utf8(input) {
        let at = e.valid_up_to();
        p.pos = at;
        let b = input.get(at).copied().unwrap_or(0);
        let message = if (0x80..0xc2).contains(&b) || b >= 0xf5 {
            format!("Invalid UTF-8 start byte 0x{b:x}")
        } else {
            let next = input.get(at + 1).copied().unwrap_or(0);
            format!("Invalid UTF-8 middle byte 0x{next:x}")
        };
        return Err(p.error_after(message, 1));
    }
    p.skip_ws();
    if p.peek().is_none() {
        return Err(JsonError {
            kind: JacksonExceptionKind::MismatchedInput,
            message: "No content to map due to end-of-input".to_owned(),
            line: p.line,
            column: 0,
        });
    }
    p.value(0)?;
    if !allow_trailing {
        p.skip_ws();
        if p.peek().is_some() {
            let c = p.current_char();
            return Err(p.error_after(
                format!(
                    "Unexpected character ({}): expected end-of-input after the JSON value",
                    char_desc(c)
                ),
                c.len_utf8(),
            ));
        }
    }
    Ok(p.out)
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    line: usize,
    line_start: usize,
    out: String,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Jackson's `_getCharDesc`.
fn char_desc(c: char) -> String {
    let code = c as u32;
    if c.is_control() {
        format!("(CTRL-CHAR, code {code})")
    } else if code > 255 {
        format!("'{c}' (code {code} / 0x{code:x})")
    } else {
        format!("'{c}' (code {code})")
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// The (UTF-8 validated) character at `pos`, decoded from its own bytes only.
    fn current_char(&self) -> char {
        let width = match self.peek() {
            Some(b) if b >= 0xf0 => 4,
            Some(b) if b >= 0xe0 => 3,
            Some(b) if b >= 0xc0 => 2,
            _ => 1,
        };
        self.input
            .get(self.pos..self.pos + width)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .and_then(|s| s.chars().next())
            .unwrap_or('\u{0}')
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if !is_ws(b) {
                break;
            }
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
                self.line_start = self.pos;
            }
        }
    }

    /// An error located just after `consumed` bytes from `pos`.
    fn error_after(&self, message: String, consumed: usize) -> JsonError {
        JsonError {
            kind: JacksonExceptionKind::JsonParse,
            message,
            line: self.line,
            column: self.pos + consumed - self.line_start + 1,
        }
    }

    fn unexpected(&self, expecting: &str) -> JsonError {
        let c = self.current_char();
        if c == '/' {
            return self.error_after(
                "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as \
                 one since Feature 'ALLOW_COMMENTS' not enabled for parser)"
                    .to_owned(),
                1,
            );
        }
        self.error_after(
            format!("Unexpected character ({}): {expecting}", char_desc(c)),
            c.len_utf8(),
        )
    }

    fn eof(&self, message: &str) -> JsonError {
        self.error_after(format!("Unexpected end-of-input: {message}"), 0)
    }

    fn value(&mut self, depth: usize) -> Result<(), JsonError> {
        self.skip_ws();
        let Some(b) = self.peek() else {
            return Err(self.eof(&format!("expected a value {VALID_VALUES}")));
        };
        match b {
            b'{' | b'[' => {
                if depth >= MAX_DEPTH {
                    return Err(JsonError {
                        kind: JacksonExceptionKind::StreamConstraints,
                        message: format!(
                            "Document nesting depth ({}) exceeds the maximum allowed ({MAX_DEPTH}, from \
                             `StreamReadConstraints.getMaxNestingDepth()`)",
                            depth + 1
                        ),
                        line: self.line,
                        column: self.pos - self.line_start + 2,
                    });
                }
                if b == b'{' {
                    self.object(depth + 1)
                } else {
                    self.array(depth + 1)
                }
            }
            b'"' => self.string(),
            b'-' | b'0'..=b'9' => self.number(depth == 0),
            b']' | b',' | b'}' if depth > 0 || b == b'}' => Err(self.unexpected("expected a value")),
            _ if (b as char).is_ascii_alphabetic() || b == b'_' || b == b'$' => self.literal(),
            _ => Err(self.unexpected(&format!("expected a valid value {VALID_VALUES}"))),
        }
    }

    fn literal(&mut self) -> Result<(), JsonError> {
        let start = self.pos;
        let mut end = start;
        while let Some(&b) = self.input.get(end) {
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80 {
                end += 1;
            } else {
                break;
            }
            if end - start >= 256 {
                break;
            }
        }
        let token = String::from_utf8_lossy(&self.input[start..end]).into_owned();
        match token.as_str() {
            "true" | "false" | "null" => {
                self.out.push_str(&token);
                self.pos = end;
                Ok(())
            }
            _ => Err(self.error_after(
                format!("Unrecognized token '{token}': was expecting {VALID_VALUES}"),
                end - start,
            )),
        }
    }

    fn object(&mut self, depth: usize) -> Result<(), JsonError> {
        let (start_line, start_col) = (self.line, self.pos - self.line_start + 1);
        self.pos += 1;
        self.out.push('{');
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.out.push('}');
            return Ok(());
        }
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.close_marker_eof("Object", start_line, start_col)),
                Some(b'"') => self.string()?,
                Some(_) => return Err(self.unexpected("was expecting double-quote to start field name")),
            }
            self.skip_ws();
            match self.peek() {
                None => return Err(self.close_marker_eof("Object", start_line, start_col)),
                Some(b':') => {
                    self.pos += 1;
                    self.out.push(':');
                }
                Some(_) => {
                    return Err(self.unexpected("was expecting a colon to separate field name and value"));
                }
            }
            self.skip_ws();
            if self.peek().is_none() {
                return Err(self.close_marker_eof("Object", start_line, start_col));
            }
            self.value(depth)?;
            self.skip_ws();
            match self.peek() {
                None => return Err(self.close_marker_eof("Object", start_line, start_col)),
                Some(b',') => {
                    self.pos += 1;
                    self.out.push(',');
                }
                Some(b'}') => {
                    self.pos += 1;
                    self.out.push('}');
                    return Ok(());
                }
                Some(_) => return Err(self.unexpected("was expecting comma to separate Object entries")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), JsonError> {
        let (start_line, start_col) = (self.line, self.pos - self.line_start + 1);
        self.pos += 1;
        self.out.push('[');
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.out.push(']');
            return Ok(());
        }
        loop {
            self.skip_ws();
            if self.peek().is_none() {
                return Err(self.close_marker_eof("Array", start_line, start_col));
            }
            self.value(depth)?;
            self.skip_ws();
            match self.peek() {
                None => return Err(self.close_marker_eof("Array", start_line, start_col)),
                Some(b',') => {
                    self.pos += 1;
                    self.out.push(',');
                }
                Some(b']') => {
                    self.pos += 1;
                    self.out.push(']');
                    return Ok(());
                }
                Some(_) => return Err(self.unexpected("was expecting comma to separate Array entries")),
            }
        }
    }

    fn close_marker_eof(&self, what: &str, line: usize, column: usize) -> JsonError {
        self.eof(&format!(
            "expected close marker for {what} (start marker at [Source: {SOURCE}; line: {line}, column: {column}])"
        ))
    }

    fn number(&mut self, root: bool) -> Result<(), JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            match self.peek() {
                Some(b'0'..=b'9') => {}
                None => {
                    return Err(
                        self.eof("expected digit (0-9) to follow minus sign, for valid numeric value")
                    );
                }
                Some(_) => {
                    return Err(self.numeric_error(
                        "expected digit (0-9) to follow minus sign, for valid numeric value",
                    ));
                }
            }
        }
        if self.peek() == Some(b'0') && matches!(self.input.get(self.pos + 1), Some(b'0'..=b'9')) {
            return Err(self.error_after("Invalid numeric value: Leading zeroes not allowed".to_owned(), 2));
        }
        self.digits();
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.numeric_error("Decimal point not followed by a digit"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.numeric_error("Exponent indicator not followed by a digit"));
            }
            self.digits();
        }
        if root && self.peek().is_some_and(|b| !is_ws(b)) {
            return Err(self.unexpected("Expected space separating root-level values"));
        }
        self.out
            .push_str(&String::from_utf8_lossy(&self.input[start..self.pos]));
        Ok(())
    }

    fn numeric_error(&self, what: &str) -> JsonError {
        match self.peek() {
            None => self.eof(&format!("in numeric value: {what}")),
            Some(_) => {
                let c = self.current_char();
                self.error_after(
                    format!("Unexpected character ({}) in numeric value: {what}", char_desc(c)),
                    c.len_utf8(),
                )
            }
        }
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Result<(), JsonError> {
        self.pos += 1; // the opening quote
        self.out.push('"');
        // `\u` escapes are UTF-16 units; a surrogate pair spans two escapes.
        let mut units: Vec<u16> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.eof("was expecting closing quote for a string value"));
            };
            if b != b'\\' {
                flush_units(&mut self.out, &mut units);
            }
            match b {
                b'"' => {
                    self.pos += 1;
                    self.out.push('"');
                    return Ok(());
                }
                b'\\' => {
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.eof("was expecting closing quote for a string value"));
                    };
                    self.pos += 1;
                    let unit: u16 = match e {
                        b'"' => 0x22,
                        b'\\' => 0x5c,
                        b'/' => 0x2f,
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => 0x0a,
                        b'r' => 0x0d,
                        b't' => 0x09,
                        b'u' => {
                            let mut v: u16 = 0;
                            for _ in 0..4 {
                                let Some(h) = self.peek() else {
                                    return Err(self.eof("was expecting closing quote for a string value"));
                                };
                                let Some(d) = (h as char).to_digit(16) else {
                                    return Err(
                                        self.unexpected("expected a hex-digit for character escape sequence")
                                    );
                                };
                                v = (v << 4) | d as u16;
                                self.pos += 1;
                            }
                            v
                        }
                        _ => {
                            self.pos -= 1;
                            let c = self.current_char();
                            return Err(self.error_after(
                                format!("Unrecognized character escape {}", char_desc(c)),
                                c.len_utf8(),
                            ));
                        }
                    };
                    units.push(unit);
                }
                0x00..=0x1f => {
                    return Err(self.error_after(
                        format!(
                            "Illegal unquoted character ({}): has to be escaped using backslash to be included \
                             in string value",
                            char_desc(b as char)
                        ),
                        1,
                    ));
                }
                _ => {
                    let c = self.current_char();
                    self.pos += c.len_utf8();
                    write_escaped(&mut self.out, c);
                }
            }
        }
    }
}

/// Writes pending `\u` escapes (UTF-16 units) to `out`; a lone surrogate is written back as `\uXXXX`.
fn flush_units(out: &mut String, units: &mut Vec<u16>) {
    for r in char::decode_utf16(units.drain(..)) {
        match r {
            Ok(c) => write_escaped(out, c),
            Err(e) => {
                let _ = write!(out, "\\u{:04X}", e.unpaired_surrogate());
            }
        }
    }
}

/// Jackson's output escaping of one character: `"` and `\`, the short forms `\b \t \n \f \r`, other
/// control characters as `\u00XX` (upper-case hex); `/` and non-ASCII are written as they are.
fn write_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{08}' => out.push_str("\\b"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\u{0c}' => out.push_str("\\f"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x20 => {
            let _ = write!(out, "\\u{:04X}", c as u32);
        }
        c => out.push(c),
    }
}
