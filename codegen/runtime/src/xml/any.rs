//! [`AnyElement`]: an element captured verbatim for `xs:any` wildcards.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use super::chars::{RawAttrs, XML_NS, attr_value, is_ws, split_qname};
use super::reader::Reader;
use crate::error::Error;

/// An element captured verbatim from a document (`xs:any`, `xs:anyType`).
///
/// Its text ([`as_str`](Self::as_str)) is the element's exact bytes from the input, with
/// the namespace declarations that were in scope, that it uses and that it does not make
/// itself added to its start tag, so it parses standalone and is written back unchanged by
/// [`Writer::any`](crate::Writer::any).
///
/// The added declarations are held as references to the namespace URIs of the document
/// they were read from (shared by every element captured from it), not copied into each
/// element: ten thousand header blocks under one long namespace URI hold that URI once.
/// The standalone text is built when [`as_str`](Self::as_str) (or equality, hashing,
/// [`into_string`](Self::into_string)) first asks for it; writing and
/// [`namespace`](Self::namespace) do not build it.
#[derive(Clone)]
pub struct AnyElement {
    /// The element as written (with its own declarations only).
    text: Box<str>,
    /// Length of `<qname` at the start of `text`: where the inherited declarations go.
    head: usize,
    /// Inherited declarations `(prefix, uri)` (`""` prefix: the default namespace),
    /// outermost first.
    inherited: Arc<[(Arc<str>, Arc<str>)]>,
    /// Whether `xmlns=""` is added (unprefixed names in no namespace in the fragment, under
    /// a default namespace).
    undeclare_default: bool,
    /// The standalone text, built on first use when it differs from `text`.
    full: OnceLock<Box<str>>,
}

/// Length of ` xmlns:prefix="uri"` as written (the URI escaped).
pub(crate) fn declaration_len(prefix_len: usize, uri: &str) -> usize {
    let escaped: usize = uri
        .bytes()
        .map(|b| match b {
            b'&' => 5,
            b'<' | b'>' => 4,
            b'"' => 6,
            b'\t' | b'\n' | b'\r' => 5,
            _ => 1,
        })
        .sum();
    // ` xmlns` + (`:` + prefix) + `="` + uri + `"`
    6 + if prefix_len == 0 { 0 } else { 1 + prefix_len } + 2 + escaped + 1
}

impl AnyElement {
    pub(crate) fn from_captured(
        text: Box<str>,
        head: usize,
        inherited: Arc<[(Arc<str>, Arc<str>)]>,
        undeclare_default: bool,
    ) -> Self {
        AnyElement {
            text,
            head,
            inherited,
            undeclare_default,
            full: OnceLock::new(),
        }
    }

    /// Whether the standalone text is `text` itself.
    fn plain(&self) -> bool {
        self.inherited.is_empty() && !self.undeclare_default
    }

    /// Appends the standalone text to `out` (without building it in `self`).
    pub(crate) fn write_to(&self, out: &mut String) {
        if self.plain() {
            out.push_str(&self.text);
            return;
        }
        if let Some(full) = self.full.get() {
            out.push_str(full);
            return;
        }
        out.push_str(&self.text[..self.head]);
        for (prefix, uri) in self.inherited.iter() {
            if prefix.is_empty() {
                out.push_str(" xmlns=\"");
            } else {
                out.push_str(" xmlns:");
                out.push_str(prefix);
                out.push_str("=\"");
            }
            super::chars::escape_attr(out, uri);
            out.push('"');
        }
        if self.undeclare_default {
            out.push_str(" xmlns=\"\"");
        }
        out.push_str(&self.text[self.head..]);
    }

    /// Length of the standalone text in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
            + self
                .inherited
                .iter()
                .map(|(p, u)| declaration_len(p.len(), u))
                .sum::<usize>()
            + if self.undeclare_default { 9 } else { 0 }
    }

    /// Whether the text is empty (never, for a parsed or captured element).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
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
        Ok(AnyElement::from_captured(
            xml.into(),
            0,
            Arc::new([]),
            false,
        ))
    }

    /// The XML text (standalone: with the namespace declarations it inherited).
    pub fn as_str(&self) -> &str {
        if self.plain() {
            return &self.text;
        }
        self.full.get_or_init(|| {
            let mut s = String::with_capacity(self.len());
            self.write_to(&mut s);
            s.into()
        })
    }

    /// The XML text.
    pub fn into_string(mut self) -> String {
        if self.plain() {
            return self.text.into();
        }
        match self.full.take() {
            Some(s) => s.into(),
            None => {
                let mut s = String::with_capacity(self.len());
                self.write_to(&mut s);
                s
            }
        }
    }

    /// The start tag content: name and attributes (between `<` and `>` or `/>`).
    fn start_tag(&self) -> &str {
        let b = self.text.as_bytes();
        let mut quote = None;
        for (i, &c) in b.iter().enumerate().skip(1) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(c),
                (None, b'>') => {
                    let end = if i > 1 && b[i - 1] == b'/' { i - 1 } else { i };
                    return self.text.get(1..end).unwrap_or("");
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
        if prefix.is_empty() && self.undeclare_default {
            return Cow::Borrowed("");
        }
        match self.inherited.iter().find(|(p, _)| p.as_bytes() == prefix) {
            Some((_, uri)) => Cow::Borrowed(uri),
            None => Cow::Borrowed(""),
        }
    }
}

impl PartialEq for AnyElement {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for AnyElement {}

impl Hash for AnyElement {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for AnyElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AnyElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AnyElement").field(&self.as_str()).finish()
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
        w.any_raw(self);
    }
}
