//! Input in other encodings than UTF-8: decoded once, up front, with encoding_rs.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::{Error, ErrorKind};

/// Decodes an XML document to UTF-8 when it is in another encoding, and returns UTF-8 input
/// unchanged (borrowed, no copy).
///
/// The encoding is, in this order of precedence: the byte order mark (UTF-8, UTF-16 LE or
/// BE); `charset`, the media type parameter a transport received (HTTP `Content-Type`);
/// the `encoding` of the XML declaration; UTF-8. UTF-16 without a byte order mark is
/// recognised by its first characters (`<?` as UTF-16). Any encoding the WHATWG Encoding
/// Standard names is accepted (decoded by encoding_rs; note that it decodes the label
/// ISO-8859-1 as its superset Windows-1252, so bytes 0x80-0x9F, C1 controls in
/// ISO-8859-1 and unused in practice, become the Windows-1252 characters). A decoded
/// document's XML declaration is rewritten to say `encoding="UTF-8"`, so that the
/// [`Reader`](crate::Reader), which reads UTF-8 only, accepts it.
///
/// [`from_xml`](crate::from_xml) and [`read_envelope`](crate::soap::read_envelope) call
/// this (without a charset); a transport that knows the charset calls it first.
pub fn decode_xml<'a>(input: &'a [u8], charset: Option<&str>) -> Result<Cow<'a, [u8]>, Error> {
    let fail = |msg: String| Error::new(ErrorKind::Encoding(msg), String::new(), 0, 1, 1);
    let (encoding, bom) = match Encoding::for_bom(input) {
        Some((e, n)) => (e, n),
        None if input.starts_with(&[b'<', 0, b'?', 0]) => (UTF_16LE, 0),
        None if input.starts_with(&[0, b'<', 0, b'?']) => (UTF_16BE, 0),
        None => {
            let charset = charset.map(str::trim).filter(|c| !c.is_empty());
            let declared = declared_encoding(input);
            let Some(label) = charset.map(str::as_bytes).or(declared) else {
                return Ok(Cow::Borrowed(input));
            };
            let Some(e) = Encoding::for_label(label) else {
                return Err(fail(format!(
                    "unsupported encoding {} (not an encoding the WHATWG Encoding Standard names)",
                    crate::error::quote(&String::from_utf8_lossy(label))
                )));
            };
            // A UTF-16 label on a document whose declaration reads as ASCII (so it is not
            // UTF-16): the label is wrong; read it as the UTF-8 it is.
            let e = if e == UTF_16LE || e == UTF_16BE {
                UTF_8
            } else {
                e
            };
            if e == UTF_8 || e.is_ascii_compatible() && input.is_ascii() {
                // Only the declaration may need rewriting (when it names another encoding
                // than the one used, e.g. a charset overriding it).
                return Ok(match declared {
                    Some(d) if Encoding::for_label(d) != Some(UTF_8) && !is_ascii_label(d) => {
                        Cow::Owned(rewrite_declaration(input.to_vec()))
                    }
                    _ => Cow::Borrowed(input),
                });
            }
            (e, 0)
        }
    };
    if encoding == UTF_8 {
        // The reader skips a UTF-8 byte order mark itself.
        return Ok(Cow::Borrowed(input));
    }
    let body = &input[bom..];
    let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(body) else {
        return Err(fail(format!(
            "the document is not valid {}",
            encoding.name()
        )));
    };
    Ok(Cow::Owned(rewrite_declaration(
        text.into_owned().into_bytes(),
    )))
}

fn is_ascii_label(label: &[u8]) -> bool {
    ["us-ascii", "ascii"]
        .iter()
        .any(|a| label.eq_ignore_ascii_case(a.as_bytes()))
}

/// The bytes of the declaration's `encoding` value (ASCII-compatible input only), and
/// their range.
fn declaration_value(input: &[u8]) -> Option<(usize, usize)> {
    let bom = if input.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    if !input[bom..].starts_with(b"<?xml") {
        return None;
    }
    let end = bom + input[bom..].iter().take(512).position(|&b| b == b'>')?;
    let decl = &input[..end];
    let at = decl.windows(8).position(|w| w == b"encoding")? + 8;
    debug_assert!(at > bom);
    let mut i = at;
    while decl.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    if decl.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    while decl.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    let quote = *decl.get(i).filter(|q| matches!(q, b'"' | b'\''))?;
    let start = i + 1;
    let len = decl[start..].iter().position(|&b| b == quote)?;
    Some((start, start + len))
}

fn declared_encoding(input: &[u8]) -> Option<&[u8]> {
    let (s, e) = declaration_value(input)?;
    Some(&input[s..e])
}

/// Replaces the declaration's encoding value with `UTF-8`.
fn rewrite_declaration(mut text: Vec<u8>) -> Vec<u8> {
    if let Some((s, e)) = declaration_value(&text) {
        text.splice(s..e, b"UTF-8".iter().copied());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_borrowed() {
        for doc in [
            &b"<a/>"[..],
            b"<?xml version=\"1.0\"?><a/>",
            b"<?xml version=\"1.0\" encoding='utf-8'?><a/>",
            b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>",
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>plain ascii</a>",
        ] {
            let out = decode_xml(doc, None).unwrap();
            assert!(matches!(out, Cow::Borrowed(_)) || doc.is_ascii(), "{doc:?}");
        }
        assert!(matches!(
            decode_xml(b"<a/>", None).unwrap(),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn latin1_windows1252_and_utf16_are_decoded() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>F\xF6rs\xE4kring</a>";
        let out = decode_xml(latin1, None).unwrap();
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Försäkring</a>"
        );
        let cp1252 = b"<?xml version='1.0' encoding='windows-1252'?><a>\x80</a>";
        let out = decode_xml(cp1252, None).unwrap();
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            "<?xml version='1.0' encoding='UTF-8'?><a>€</a>"
        );
        // A charset from the transport wins over the declaration.
        let out = decode_xml(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xE5</a>",
            Some("iso-8859-1"),
        )
        .unwrap();
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>å</a>"
        );
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>Tandvård</a>";
        for (bom, enc) in [(&[0xFF, 0xFE][..], UTF_16LE), (&[0xFE, 0xFF][..], UTF_16BE)] {
            let mut doc = bom.to_vec();
            for u in text.encode_utf16() {
                let b = if enc == UTF_16LE {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                };
                doc.extend_from_slice(&b);
            }
            let out = decode_xml(&doc, None).unwrap();
            assert_eq!(
                std::str::from_utf8(&out).unwrap(),
                text.replace("UTF-16", "UTF-8")
            );
            // Without the byte order mark, recognised by `<?`.
            let out = decode_xml(&doc[2..], None).unwrap();
            assert!(std::str::from_utf8(&out).unwrap().contains("Tandvård"));
        }
    }

    #[test]
    fn unknown_and_malformed_encodings_are_errors() {
        let e = decode_xml(b"<?xml version=\"1.0\" encoding=\"EBCDIC-X\"?><a/>", None).unwrap_err();
        assert!(e.to_string().contains("unsupported encoding"), "{e}");
        let e = decode_xml(&[0xFF, 0xFE, 0x00, 0xD8, b'a', 0], None).unwrap_err();
        assert!(e.to_string().contains("not valid UTF-16"), "{e}");
    }
}
