//! The permalink's byte form: varints, length-prefixed strings, URL-safe base64 without padding,
//! and an FNV-1a checksum. Every read is bounded and checked: garbled input is an error, never a
//! panic.

/// Appends values to a byte buffer.
#[derive(Default)]
pub(super) struct Writer {
    pub(super) buf: Vec<u8>,
}

impl Writer {
    pub(super) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// LEB128.
    pub(super) fn varint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(byte);
                return;
            }
            self.buf.push(byte | 0x80);
        }
    }

    /// Zigzag, then LEB128.
    pub(super) fn signed(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }

    pub(super) fn str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub(super) fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }
}

/// Reads values back; every error is a short description of what was wrong.
pub(super) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    pub(super) fn u8(&mut self) -> Result<u8, String> {
        let b = *self.buf.get(self.pos).ok_or("it ends too early")?;
        self.pos += 1;
        Ok(b)
    }

    pub(super) fn varint(&mut self) -> Result<u64, String> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number is too long".into())
    }

    pub(super) fn signed(&mut self) -> Result<i64, String> {
        let v = self.varint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    pub(super) fn str(&mut self, max: usize) -> Result<String, String> {
        let len = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
        if len > max {
            return Err(format!("a text of {len} bytes is longer than the {max} allowed"));
        }
        let end = self.pos.checked_add(len).ok_or("it ends too early")?;
        let bytes = self.buf.get(self.pos..end).ok_or("it ends too early")?;
        self.pos = end;
        String::from_utf8(bytes.to_vec()).map_err(|_| "a text is not UTF-8".to_string())
    }

    pub(super) fn opt_str(&mut self, max: usize) -> Result<Option<String>, String> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.str(max).map(Some),
            t => Err(format!("unknown marker {t}")),
        }
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// URL-safe base64 without padding.
pub(super) fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// Decodes [`base64url`]; `None` for a character outside the alphabet, an impossible length, or a
/// non-canonical last character.
pub(super) fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| ALPHABET.iter().position(|a| *a == c).map(|p| p as u32);
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        let len = chunk.len() - 1;
        for i in 0..len {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    // Canonical only: a last character with unused bits set is a changed text.
    (base64url(&out) == text).then_some(out)
}

/// 32-bit FNV-1a.
pub(super) fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}
