//! [`AnyElement`]: an element captured verbatim for `xs:any` wildcards.

use std::borrow::Cow;
use std::fmt;

use super::chars::{RawAttrs, XML_NS, attr_value, is_ws, split_qname};
use super::reader::Reader;
use crate::error::Error;

/// An element captured verbatim from a document (`xs:any`, `xs:anyType`).
///
/// The text is the element's exact bytes from the input, with every namespace declaration
/// that was in scope (and that the element does not redeclare) added to its start tag, so
/// it parses standalone and is written back unchanged by [`Writer::any`](crate::Writer::any).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AnyElement {
    xml: String,
}

impl AnyElement {
    pub(crate) fn from_captured(xml: String) -> Self {
        AnyElement { xml }
    }

    /// Checks that `xml` is one well-formed, namespace-complete element (surrounding
    /// whitespace is trimmed) and wraps it.
    pub fn parse(xml: impl Into<String>) -> Result<AnyElement, Error> {
        let xml: String = xml.into();
        let trimmed = xml.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        {
            let mut r = Reader::new(trimmed.as_bytes())?;
            let root = r.root()?;
            if root.pos != 0 {
                return Err(r.error("an element must start the fragment"));
            }
            r.skip(root)?;
            if r.position() as usize != trimmed.len() {
                return Err(r.error("only one element is allowed"));
            }
            r.finish()?;
        }
        let xml = if trimmed.len() == xml.len() {
            xml
        } else {
            trimmed.to_owned()
        };
        Ok(AnyElement { xml })
    }

    /// The XML text.
    pub fn as_str(&self) -> &str {
        &self.xml
    }

    /// The XML text.
    pub fn into_string(self) -> String {
        self.xml
    }

    /// The start tag content: name and attributes (between `<` and `>` or `/>`).
    fn start_tag(&self) -> &str {
        let b = self.xml.as_bytes();
        let mut quote = None;
        for (i, &c) in b.iter().enumerate().skip(1) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(c),
                (None, b'>') => {
                    let end = if i > 1 && b[i - 1] == b'/' { i - 1 } else { i };
                    return self.xml.get(1..end).unwrap_or("");
                }
                _ => {}
            }
        }
        ""
    }

    /// The qualified name of the element as written.
    pub fn qname(&self) -> &str {
        let tag = self.start_tag();
        let end = tag.bytes().position(is_ws).unwrap_or(tag.len());
        &tag[..end]
    }

    /// The local name of the element.
    pub fn local_name(&self) -> &str {
        let q = self.qname();
        q.rsplit(':').next().unwrap_or(q)
    }

    /// The namespace URI of the element (`""` for none).
    pub fn namespace(&self) -> Cow<'_, str> {
        let tag = self.start_tag();
        let q = self.qname();
        let prefix = split_qname(q.as_bytes()).map_or(&b""[..], |(p, _)| p);
        if prefix == b"xml" {
            return Cow::Borrowed(XML_NS);
        }
        for a in RawAttrs::new(&tag.as_bytes()[q.len()..]).flatten() {
            let declared: Option<&[u8]> = match a.qname {
                b"xmlns" => Some(b""),
                [b'x', b'm', b'l', b'n', b's', b':', p @ ..] => Some(p),
                _ => None,
            };
            if declared == Some(prefix) {
                return attr_value(a.value).unwrap_or(Cow::Borrowed(""));
            }
        }
        Cow::Borrowed("")
    }
}

impl fmt::Display for AnyElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.xml)
    }
}

impl fmt::Debug for AnyElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AnyElement").field(&self.xml).finish()
    }
}

impl std::str::FromStr for AnyElement {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        AnyElement::parse(s)
    }
}

impl crate::XmlRead for AnyElement {
    fn read<'i>(r: &mut Reader<'i>, start: super::reader::Start<'i>) -> Result<Self, Error> {
        r.capture(start)
    }
}

impl crate::XmlWrite for AnyElement {
    /// Writes the element verbatim (`name` is ignored).
    fn write(&self, w: &mut crate::Writer, _name: &str) {
        w.raw(&self.xml);
    }
}
