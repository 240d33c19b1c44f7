//! Low-level helpers: attribute tokenizing, entity and character references, escaping.

use std::borrow::Cow;

use crate::error::ErrorKind;

/// `http://www.w3.org/XML/1998/namespace`, bound to the predeclared `xml` prefix.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// `http://www.w3.org/2000/xmlns/`, the namespace of `xmlns` declarations (never bindable).
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";
/// `http://www.w3.org/2001/XMLSchema-instance` (`xsi:nil`, `xsi:type`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

#[inline]
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

#[inline]
pub(crate) fn all_ws(b: &[u8]) -> bool {
    b.iter().all(|&c| is_ws(c))
}

/// One attribute as written in a start tag.
#[derive(Clone, Copy)]
pub(crate) struct RawAttr<'i> {
    pub qname: &'i [u8],
    pub value: &'i [u8],
}

/// Tokenizes the attribute part of a start tag (everything after the element name).
/// Does not allocate; yields `Err(offset_in_slice, message)` once on malformed input.
pub(crate) struct RawAttrs<'i> {
    b: &'i [u8],
    i: usize,
}

impl<'i> RawAttrs<'i> {
    pub(crate) fn new(b: &'i [u8]) -> Self {
        RawAttrs { b, i: 0 }
    }

    fn fail(
        &mut self,
        at: usize,
        msg: &'static str,
    ) -> Option<Result<RawAttr<'i>, (usize, &'static str)>> {
        self.i = self.b.len();
        Some(Err((at, msg)))
    }
}

/// Bit in [`ATTR_CLASS`]: XML whitespace.
const WS: u8 = 1;
/// Bit in [`ATTR_CLASS`]: ends an attribute name (whitespace, `=`, or a byte that is an
/// error there).
const NAME_END: u8 = 2;

/// Bit in [`ATTR_CLASS`]: a byte [`attr_value`] must rewrite (a reference, or whitespace
/// that normalises to a space).
const VALUE_SPECIAL: u8 = 4;

/// Byte classes for [`RawAttrs`] and [`attr_value`]: one table lookup per byte.
static ATTR_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'&' as usize] = VALUE_SPECIAL;
    t[b' ' as usize] = WS | NAME_END;
    t[b'\t' as usize] = WS | NAME_END | VALUE_SPECIAL;
    t[b'\n' as usize] = WS | NAME_END | VALUE_SPECIAL;
    t[b'\r' as usize] = WS | NAME_END | VALUE_SPECIAL;
    t[b'=' as usize] = NAME_END;
    t[b'"' as usize] = NAME_END;
    t[b'\'' as usize] = NAME_END;
    t[b'<' as usize] = NAME_END;
    t[b'>' as usize] = NAME_END;
    t[b'/' as usize] = NAME_END;
    t
};

impl<'i> Iterator for RawAttrs<'i> {
    type Item = Result<RawAttr<'i>, (usize, &'static str)>;

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.b;
        let class = |i: usize| b.get(i).map_or(0, |&c| ATTR_CLASS[c as usize]);
        let mut i = self.i;
        while class(i) & WS != 0 {
            i += 1;
        }
        if i >= b.len() {
            self.i = i;
            return None;
        }
        let name_start = i;
        while i < b.len() && class(i) & NAME_END == 0 {
            i += 1;
        }
        if i < b.len() && matches!(b[i], b'"' | b'\'' | b'<' | b'>' | b'/') {
            return self.fail(i, "malformed attribute name");
        }
        if i == name_start {
            return self.fail(i, "attribute without a name");
        }
        let qname = &b[name_start..i];
        while class(i) & WS != 0 {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return self.fail(i, "attribute without a value (expected '=')");
        }
        i += 1;
        while class(i) & WS != 0 {
            i += 1;
        }
        let Some(&quote) = b.get(i) else {
            return self.fail(i, "attribute without a value");
        };
        if quote != b'"' && quote != b'\'' {
            return self.fail(i, "attribute value must be quoted");
        }
        let v_start = i + 1;
        // One pass for the closing quote and a forbidden '<'.
        let Some(len) = b[v_start..].iter().position(|&c| c == quote || c == b'<') else {
            return self.fail(i, "unterminated attribute value");
        };
        if b[v_start + len] == b'<' {
            return self.fail(v_start, "'<' is not allowed in attribute values");
        }
        let value = &b[v_start..v_start + len];
        i = v_start + len + 1;
        if i < b.len() && class(i) & WS == 0 {
            return self.fail(i, "expected whitespace between attributes");
        }
        self.i = i;
        Some(Ok(RawAttr { qname, value }))
    }
}

/// Whether `c` is allowed in XML 1.0 documents.
#[inline]
pub(crate) fn is_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// The byte offset of the first character that XML 1.0 forbids anywhere in a document:
/// a C0 control other than tab, line feed and carriage return, or U+FFFE / U+FFFF
/// (surrogates cannot occur in UTF-8). One pass over the input in blocks, so it costs a
/// small fraction of parsing.
pub(crate) fn find_forbidden(b: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut base = 0;
    for block in b.chunks(BLOCK) {
        // Branch-free per block (vectorised); the exact check only on a suspect block.
        let suspect = block.iter().fold(0u8, |acc, &c| {
            acc | u8::from(c < 0x20) & u8::from(!matches!(c, b'\t' | b'\n' | b'\r'))
                | u8::from(c == 0xEF)
        });
        if suspect != 0 {
            for (k, &c) in block.iter().enumerate() {
                let i = base + k;
                if c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r') {
                    return Some(i);
                }
                if c == 0xEF
                    && b.get(i + 1) == Some(&0xBF)
                    && matches!(b.get(i + 2), Some(0xBE | 0xBF))
                {
                    return Some(i);
                }
            }
        }
        base += block.len();
    }
    None
}

/// The character at byte `at` (for messages about [`find_forbidden`]'s finding).
pub(crate) fn char_at(b: &[u8], at: usize) -> u32 {
    match b.get(at..) {
        Some([0xEF, 0xBF, x, ..]) => 0xFF00 | u32::from(*x & 0x3F) | 0xC0,
        Some([c, ..]) => u32::from(*c),
        _ => 0,
    }
}

/// Resolves the name of an entity or character reference (`amp`, `#38`, `#x26`).
pub(crate) fn resolve_reference(name: &[u8]) -> Result<char, ErrorKind> {
    match name {
        b"lt" => Ok('<'),
        b"gt" => Ok('>'),
        b"amp" => Ok('&'),
        b"apos" => Ok('\''),
        b"quot" => Ok('"'),
        [b'#', rest @ ..] => {
            let bad = || ErrorKind::InvalidCharRef(String::from_utf8_lossy(name).into_owned());
            let (digits, radix) = match rest {
                [b'x', hex @ ..] => (hex, 16),
                dec => (dec, 10),
            };
            if digits.is_empty() || digits.len() > 8 {
                return Err(bad());
            }
            let mut v: u32 = 0;
            for &d in digits {
                let x = (d as char).to_digit(radix).ok_or_else(bad)?;
                v = v * radix + x;
            }
            if !is_xml_char(v) {
                return Err(bad());
            }
            char::from_u32(v).ok_or_else(bad)
        }
        _ => Err(ErrorKind::UnknownEntity(
            String::from_utf8_lossy(name).into_owned(),
        )),
    }
}

/// Decodes an attribute value: references are expanded and literal tab, line feed and
/// carriage return become spaces (XML attribute-value normalisation for CDATA attributes).
/// Plain values are borrowed.
pub(crate) fn attr_value(raw: &[u8]) -> Result<Cow<'_, str>, ErrorKind> {
    let s = std::str::from_utf8(raw)
        .map_err(|_| ErrorKind::Encoding("attribute value is not valid UTF-8".into()))?;
    if !raw
        .iter()
        .any(|&b| ATTR_CLASS[b as usize] & VALUE_SPECIAL != 0)
    {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find(['&', '\t', '\n', '\r']) {
        out.push_str(&rest[..p]);
        let c = rest.as_bytes()[p];
        rest = &rest[p + 1..];
        match c {
            b'&' => {
                let Some(end) = rest.find(';') else {
                    return Err(ErrorKind::Syntax(
                        "'&' without a terminating ';' in attribute value".into(),
                    ));
                };
                out.push(resolve_reference(&rest.as_bytes()[..end])?);
                rest = &rest[end + 1..];
            }
            b'\r' => {
                out.push(' ');
                if let Some(r) = rest.strip_prefix('\n') {
                    rest = r;
                }
            }
            _ => out.push(' '),
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// Splits `prefix:local`; `None` when malformed (empty part or several colons).
#[inline]
pub(crate) fn split_qname(q: &[u8]) -> Option<(&[u8], &[u8])> {
    match q.iter().position(|&b| b == b':') {
        None => (!q.is_empty()).then_some((&q[..0], q)),
        Some(p) => {
            let (prefix, local) = (&q[..p], &q[p + 1..]);
            (!prefix.is_empty() && !local.is_empty() && !local.contains(&b':'))
                .then_some((prefix, local))
        }
    }
}

/// Appends `s` escaped for element content (`&`, `<`, `>`, and `\r` as `&#13;`).
pub(crate) fn escape_text(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#13;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// Appends `s` escaped for a double-quoted attribute value (also tab, line feed and
/// carriage return as character references, so they survive attribute normalisation).
pub(crate) fn escape_attr(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\t' => "&#9;",
            b'\n' => "&#10;",
            b'\r' => "&#13;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

#[inline]
pub(crate) fn needs_text_escape(b: &[u8]) -> Option<usize> {
    b.iter()
        .position(|&c| ESCAPE_CLASS[c as usize] & TEXT_ESCAPE != 0)
}

#[inline]
pub(crate) fn needs_attr_escape(b: &[u8]) -> Option<usize> {
    b.iter()
        .position(|&c| ESCAPE_CLASS[c as usize] & ATTR_ESCAPE != 0)
}

/// Bit in [`ESCAPE_CLASS`]: the byte is escaped in element content.
const TEXT_ESCAPE: u8 = 1;
/// Bit in [`ESCAPE_CLASS`]: the byte is escaped in an attribute value.
const ATTR_ESCAPE: u8 = 2;

/// Which bytes need escaping where (one table lookup per byte instead of a chain of
/// comparisons: the writer scans every string value it writes).
static ESCAPE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'&' as usize] = TEXT_ESCAPE | ATTR_ESCAPE;
    t[b'<' as usize] = TEXT_ESCAPE | ATTR_ESCAPE;
    t[b'>' as usize] = TEXT_ESCAPE | ATTR_ESCAPE;
    t[b'\r' as usize] = TEXT_ESCAPE | ATTR_ESCAPE;
    t[b'"' as usize] = ATTR_ESCAPE;
    t[b'\t' as usize] = ATTR_ESCAPE;
    t[b'\n' as usize] = ATTR_ESCAPE;
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(tag: &str) -> Result<Vec<(String, String)>, (usize, &'static str)> {
        RawAttrs::new(tag.as_bytes())
            .map(|a| {
                a.map(|a| {
                    (
                        String::from_utf8_lossy(a.qname).into_owned(),
                        String::from_utf8_lossy(a.value).into_owned(),
                    )
                })
            })
            .collect()
    }

    #[test]
    fn raw_attributes_tokenize() {
        let pair = |n: &str, v: &str| (n.to_string(), v.to_string());
        assert_eq!(attrs("").unwrap(), vec![]);
        assert_eq!(attrs(" \t\r\n").unwrap(), vec![]);
        assert_eq!(
            attrs(r#" a="1" b:c = 'x "y"'	d="" "#).unwrap(),
            vec![pair("a", "1"), pair("b:c", r#"x "y""#), pair("d", "")]
        );
        assert_eq!(attrs(" a='>'").unwrap(), vec![pair("a", ">")]);
    }

    #[test]
    fn raw_attribute_errors_name_the_offset() {
        assert_eq!(attrs(r#" a"b="1""#), Err((2, "malformed attribute name")));
        assert_eq!(attrs(r#" ="1""#), Err((1, "attribute without a name")));
        assert_eq!(
            attrs(" a"),
            Err((2, "attribute without a value (expected '=')"))
        );
        assert_eq!(
            attrs(" a b='1'"),
            Err((3, "attribute without a value (expected '=')"))
        );
        assert_eq!(attrs(" a= "), Err((4, "attribute without a value")));
        assert_eq!(attrs(" a=1"), Err((3, "attribute value must be quoted")));
        assert_eq!(attrs(r#" a="1"#), Err((3, "unterminated attribute value")));
        assert_eq!(
            attrs(r#" a="<""#),
            Err((4, "'<' is not allowed in attribute values"))
        );
        assert_eq!(
            attrs(r#" a="1"b="2""#),
            Err((6, "expected whitespace between attributes"))
        );
    }

    #[test]
    fn attribute_values_normalise_and_expand() {
        assert!(matches!(attr_value(b"plain"), Ok(Cow::Borrowed("plain"))));
        assert_eq!(attr_value(b"a\tb\r\nc\nd").unwrap(), "a b c d");
        assert_eq!(attr_value(b"&lt;&#x41;&amp;").unwrap(), "<A&");
        assert!(attr_value(b"a&b").is_err());
        assert!(attr_value(b"\xff").is_err());
    }
}
