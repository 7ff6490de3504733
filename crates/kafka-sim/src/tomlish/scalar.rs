//! Strings (basic, literal, multi-line, escapes) and numbers (integers in four bases, floats); dates
//! and times are recognised only to be refused.

use super::doc::Parser;
use super::{Error, Span, Value};

/// Whether `b` is a control character TOML does not allow unescaped (tab is allowed).
fn is_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

impl Parser<'_> {
    /// Any string at the current `"` or `'`.
    pub(super) fn string(&mut self) -> Result<String, Error> {
        if self.starts_with("\"\"\"") {
            self.multi_line(b'"')
        } else if self.starts_with("'''") {
            self.multi_line(b'\'')
        } else if self.peek() == Some(b'"') {
            self.basic()
        } else {
            self.literal()
        }
    }

    /// The input from `from` to the current position.
    fn slice(&self, from: usize) -> &str {
        self.src.get(from..self.pos).unwrap_or_default()
    }

    fn control_error<T>(&self) -> Result<T, Error> {
        let b = self.peek().unwrap_or(0);
        self.error(format!(
            "a string cannot hold the control character U+{b:04X}; escape it"
        ))
    }

    /// `"..."` on one line, with escapes.
    fn basic(&mut self) -> Result<String, Error> {
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            match self.peek() {
                None | Some(b'\n' | b'\r') => {
                    return self.error("unterminated string: a basic string ends with `\"` on its line");
                }
                Some(b'"') => {
                    out.push_str(self.slice(run));
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(self.slice(run));
                    self.escape(&mut out)?;
                    run = self.pos;
                }
                Some(b) if is_control(b) => return self.control_error(),
                Some(_) => self.pos += 1,
            }
        }
    }

    /// `'...'` on one line, as written.
    fn literal(&mut self) -> Result<String, Error> {
        self.pos += 1;
        let run = self.pos;
        loop {
            match self.peek() {
                None | Some(b'\n' | b'\r') => {
                    return self.error("unterminated string: a literal string ends with `'` on its line");
                }
                Some(b'\'') => {
                    let out = self.slice(run).to_owned();
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b) if is_control(b) => return self.control_error(),
                Some(_) => self.pos += 1,
            }
        }
    }

    /// `"""..."""` (escapes, line-ending backslashes) or `'''...'''` (as written).
    fn multi_line(&mut self, quote: u8) -> Result<String, Error> {
        let start = self.pos;
        self.pos += 3;
        // A line end right after the opening quotes is trimmed.
        self.newline()?;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            match self.peek() {
                None => {
                    let q = if quote == b'"' { "\"\"\"" } else { "'''" };
                    return Err(Error::at(
                        Span::new(start, start + 3),
                        format!("unterminated multi-line string: no closing {q}"),
                    ));
                }
                Some(b) if b == quote => {
                    let mut n = 0;
                    while self.peek_at(n) == Some(quote) && n < 6 {
                        n += 1;
                    }
                    if n < 3 {
                        self.pos += n;
                        continue;
                    }
                    if n > 5 {
                        return self.error("too many quotes at the end of a multi-line string");
                    }
                    // Up to two quotes just before the closing three belong to the string.
                    self.pos += n - 3;
                    out.push_str(self.slice(run));
                    self.pos += 3;
                    return Ok(out);
                }
                Some(b'\\') if quote == b'"' => {
                    out.push_str(self.slice(run));
                    if !self.line_ending_backslash()? {
                        self.escape(&mut out)?;
                    }
                    run = self.pos;
                }
                Some(b'\n') => self.pos += 1,
                Some(b'\r') => {
                    // `\r\n` is read as `\n`, as the toml crate did.
                    out.push_str(self.slice(run));
                    self.newline()?;
                    out.push('\n');
                    run = self.pos;
                }
                Some(b) if is_control(b) => return self.control_error(),
                Some(_) => self.pos += 1,
            }
        }
    }

    /// At a `\` in a multi-line basic string: if only spaces follow it on its line, skips it and all
    /// whitespace and line ends after it.
    fn line_ending_backslash(&mut self) -> Result<bool, Error> {
        let mut p = self.pos + 1;
        while matches!(self.bytes.get(p), Some(b' ' | b'\t')) {
            p += 1;
        }
        match (self.bytes.get(p), self.bytes.get(p + 1)) {
            (Some(b'\n'), _) | (Some(b'\r'), Some(b'\n')) => {}
            _ => return Ok(false),
        }
        self.pos = p;
        loop {
            self.skip_ws();
            if !self.newline()? {
                return Ok(true);
            }
        }
    }

    /// An escape at the current `\`, appended to `out`.
    fn escape(&mut self, out: &mut String) -> Result<(), Error> {
        let start = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            Some(b'b') => '\u{8}',
            Some(b't') => '\t',
            Some(b'n') => '\n',
            Some(b'f') => '\u{c}',
            Some(b'r') => '\r',
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'e') => {
                // TOML 1.1's \e is not TOML 1.0.
                return self.bad_escape(start);
            }
            Some(b @ (b'u' | b'U')) => {
                let len = if b == b'u' { 4 } else { 8 };
                let digits = self.bytes.get(self.pos + 1..self.pos + 1 + len);
                let code = digits
                    .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|d| std::str::from_utf8(d).ok())
                    .and_then(|d| u32::from_str_radix(d, 16).ok());
                let Some(code) = code else {
                    return Err(Error::at(
                        Span::new(start, self.pos + 1),
                        format!("invalid unicode escape: \\{} takes {len} hex digits", b as char),
                    ));
                };
                let Some(c) = char::from_u32(code) else {
                    return Err(Error::at(
                        Span::new(start, self.pos + 1 + len),
                        format!("invalid unicode escape: U+{code:X} is not a Unicode scalar value"),
                    ));
                };
                self.pos += len;
                c
            }
            _ => return self.bad_escape(start),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn bad_escape<T>(&self, start: usize) -> Result<T, Error> {
        let c = self.current_char();
        let shown = c.map_or(String::new(), |c| c.escape_debug().to_string());
        let end = self.pos + c.map_or(0, char::len_utf8);
        Err(Error::at(
            Span::new(start, end),
            format!(
                "invalid escape `\\{shown}`: use \\b, \\t, \\n, \\f, \\r, \\\", \\\\, \\uXXXX or \\UXXXXXXXX"
            ),
        ))
    }

    /// A number (or a date or time, refused).
    pub(super) fn number(&mut self) -> Result<Value, Error> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-' | b'.' | b':'))
        {
            self.pos += 1;
        }
        let text = self.slice(start);
        let span = Span::new(start, self.pos);
        let fail = |message: String| Err(Error::at(span, message));
        if is_date_or_time(text) {
            return fail("dates are not supported in scenario files".to_owned());
        }
        match text {
            "inf" | "+inf" => return Ok(Value::Float(f64::INFINITY)),
            "-inf" => return Ok(Value::Float(f64::NEG_INFINITY)),
            "nan" | "+nan" => return Ok(Value::Float(f64::NAN)),
            "-nan" => return Ok(Value::Float(-f64::NAN)),
            _ => {}
        }
        let (sign, body) = match text.as_bytes().first() {
            Some(b'+' | b'-') => text.split_at(1),
            _ => ("", text),
        };
        for (prefix, radix, name) in [("0x", 16, "hexadecimal"), ("0o", 8, "octal"), ("0b", 2, "binary")] {
            let Some(digits) = body.strip_prefix(prefix) else {
                continue;
            };
            if !sign.is_empty() {
                return fail(format!(
                    "invalid number `{text}`: a {name} integer cannot have a sign"
                ));
            }
            if !separated(digits, |c| c.is_digit(radix)) {
                return fail(format!("invalid {name} integer `{text}`"));
            }
            return match i64::from_str_radix(&digits.replace('_', ""), radix) {
                Ok(n) => Ok(Value::Integer(n)),
                Err(_) => fail(format!("integer `{text}` is out of range (64-bit signed)")),
            };
        }
        let is_float = body.contains(['.', 'e', 'E']);
        let (int_part, rest) = body.split_at(body.find(['.', 'e', 'E']).unwrap_or(body.len()));
        if !separated(int_part, |c| c.is_ascii_digit()) {
            return fail(format!("invalid number `{text}`"));
        }
        if int_part.len() > 1 && int_part.starts_with('0') {
            return fail(format!("invalid number `{text}`: leading zeros are not allowed"));
        }
        if !is_float {
            return match format!("{sign}{}", int_part.replace('_', "")).parse::<i64>() {
                Ok(n) => Ok(Value::Integer(n)),
                Err(_) => fail(format!("integer `{text}` is out of range (64-bit signed)")),
            };
        }
        let (fraction, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let fraction_ok = fraction.is_empty()
            || fraction
                .strip_prefix('.')
                .is_some_and(|f| separated(f, |c| c.is_ascii_digit()));
        let exponent_ok = exponent.is_none_or(|e| {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            separated(e, |c| c.is_ascii_digit())
        });
        if !fraction_ok || !exponent_ok {
            return fail(format!("invalid number `{text}`"));
        }
        match text.replace('_', "").parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            Ok(_) => fail(format!("float `{text}` is out of range (64-bit)")),
            Err(_) => fail(format!("invalid number `{text}`")),
        }
    }
}

/// Digits with single `_` between them only.
fn separated(s: &str, digit: impl Fn(char) -> bool) -> bool {
    let mut prev_digit = false;
    for c in s.chars() {
        if digit(c) {
            prev_digit = true;
        } else if c == '_' && prev_digit {
            prev_digit = false;
        } else {
            return false;
        }
    }
    prev_digit
}

/// `1979-05-27...` or `07:32...`: the start of a TOML date or time.
fn is_date_or_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |n: usize| b.len() > n && b[..n].iter().all(u8::is_ascii_digit);
    (digits(4) && b[4] == b'-') || (digits(2) && b[2] == b':')
}
