//! `xs:base64Binary` (as `Vec<u8>`) and `xs:hexBinary` ([`HexBinary`]).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::SimpleValue;
use crate::error::ValueError;

/// `xs:base64Binary`: standard alphabet with padding; whitespace inside the text is
/// ignored on read; written without line breaks.
impl SimpleValue for Vec<u8> {
    const NEEDS_ESCAPE: bool = false;
    fn from_text(s: &str) -> Result<Self, ValueError> {
        let has_space = s.bytes().any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        let result = if has_space {
            let compact: Vec<u8> = s
                .bytes()
                .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .collect();
            STANDARD.decode(compact)
        } else {
            STANDARD.decode(s)
        };
        result.map_err(|e| ValueError::invalid("xs:base64Binary", s, &e.to_string()))
    }
    fn write_text(&self, out: &mut String) {
        STANDARD.encode_string(self, out);
    }
}

/// `xs:hexBinary`: pairs of hexadecimal digits (either case on read, upper case on write).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HexBinary(pub Vec<u8>);

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl SimpleValue for HexBinary {
    const NEEDS_ESCAPE: bool = false;
    fn from_text(s: &str) -> Result<Self, ValueError> {
        let t = super::trim(s).as_bytes();
        if t.len() % 2 != 0 {
            return Err(ValueError::invalid(
                "xs:hexBinary",
                s,
                "odd number of hex digits",
            ));
        }
        let mut out = Vec::with_capacity(t.len() / 2);
        for pair in t.chunks_exact(2) {
            match (hex_val(pair[0]), hex_val(pair[1])) {
                (Some(h), Some(l)) => out.push(h << 4 | l),
                _ => {
                    return Err(ValueError::invalid(
                        "xs:hexBinary",
                        s,
                        "not a hexadecimal digit",
                    ));
                }
            }
        }
        Ok(HexBinary(out))
    }
    fn write_text(&self, out: &mut String) {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        out.reserve(self.0.len() * 2);
        for &b in &self.0 {
            out.push(DIGITS[usize::from(b >> 4)] as char);
            out.push(DIGITS[usize::from(b & 15)] as char);
        }
    }
}

impl From<Vec<u8>> for HexBinary {
    fn from(v: Vec<u8>) -> Self {
        HexBinary(v)
    }
}
