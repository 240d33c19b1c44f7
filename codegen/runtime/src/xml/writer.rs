//! The document writer used by generated code.

use super::any::AnyElement;
use super::chars::{XSI_NS, escape_attr, escape_text, needs_attr_escape, needs_text_escape};
use super::reader::{Nillable, RootElement};
use crate::value::SimpleValue;

/// Writes XML text into a `String` buffer. Escaping is done here; names are written as
/// given (generated code passes valid qualified names). Writing never fails or panics.
///
/// ```
/// use tandvard_runtime::Writer;
/// let mut w = Writer::new();
/// w.start("tns:Foo");
/// w.ns_decls(&[("tns", "urn:x")]);
/// w.attr("id", &7u32);
/// w.close_start();
/// w.elem("tns:a", &"x < y".to_string());
/// w.end("tns:Foo");
/// assert_eq!(w.as_str(), r#"<tns:Foo xmlns:tns="urn:x" id="7"><tns:a>x &lt; y</tns:a></tns:Foo>"#);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Writer {
    buf: String,
    pending: &'static [(&'static str, &'static str)],
}

/// Writes a value as an element. Generated code implements this for complex types;
/// simple types get it through the blanket implementation for [`SimpleValue`].
pub trait XmlWrite {
    /// Writes `self` as the element `name` (a qualified name such as `tns:amount`).
    fn write(&self, w: &mut Writer, name: &str);
}

impl<T: SimpleValue> XmlWrite for T {
    #[inline]
    fn write(&self, w: &mut Writer, name: &str) {
        w.start(name);
        w.close_start();
        w.text(self);
        w.end(name);
    }
}

impl<T: XmlWrite> XmlWrite for Nillable<T> {
    /// `Nil` is written as `<name xmlns:xsi="..." xsi:nil="true"/>`.
    fn write(&self, w: &mut Writer, name: &str) {
        match self {
            Nillable::Nil => {
                w.start(name);
                w.ns_decls(&[("xsi", XSI_NS)]);
                w.buf.push_str(" xsi:nil=\"true\"");
                w.end_empty();
            }
            Nillable::Value(v) => v.write(w, name),
        }
    }
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Writer {
            buf: String::with_capacity(capacity),
            pending: &[],
        }
    }

    /// Namespace declarations to write on the next start tag (the root element), so that
    /// a type's `write` need not know whether it is the root.
    pub fn pending_ns_decls(&mut self, decls: &'static [(&'static str, &'static str)]) {
        self.pending = decls;
    }

    /// Writes `<?xml version="1.0" encoding="UTF-8"?>`.
    pub fn xml_declaration(&mut self) {
        self.buf
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    }

    /// The text written so far.
    pub fn as_str(&self) -> &str {
        &self.buf
    }

    /// The text written.
    pub fn into_string(self) -> String {
        self.buf
    }

    /// The text written, as bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf.into_bytes()
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Writes `<name` (and pending root namespace declarations).
    #[inline]
    pub fn start(&mut self, name: &str) {
        self.buf.push('<');
        self.buf.push_str(name);
        if !self.pending.is_empty() {
            let decls = std::mem::take(&mut self.pending);
            self.ns_decls(decls);
        }
    }

    /// Writes namespace declarations ` xmlns:p="uri"` (` xmlns="uri"` for prefix `""`).
    pub fn ns_decls(&mut self, decls: &[(&str, &str)]) {
        for (prefix, uri) in decls {
            if prefix.is_empty() {
                self.buf.push_str(" xmlns=\"");
            } else {
                self.buf.push_str(" xmlns:");
                self.buf.push_str(prefix);
                self.buf.push_str("=\"");
            }
            escape_attr(&mut self.buf, uri);
            self.buf.push('"');
        }
    }

    /// Writes an attribute ` name="value"`.
    #[inline]
    pub fn attr<T: SimpleValue>(&mut self, name: &str, value: &T) {
        self.buf.push(' ');
        self.buf.push_str(name);
        self.buf.push_str("=\"");
        self.value(value, true);
        self.buf.push('"');
    }

    /// Writes an attribute if present.
    #[inline]
    pub fn attr_opt<T: SimpleValue>(&mut self, name: &str, value: &Option<T>) {
        if let Some(v) = value {
            self.attr(name, v);
        }
    }

    /// Writes `>` (end of a start tag whose element has content).
    #[inline]
    pub fn close_start(&mut self) {
        self.buf.push('>');
    }

    /// Writes `/>` (end of the start tag of an empty element).
    #[inline]
    pub fn end_empty(&mut self) {
        self.buf.push_str("/>");
    }

    /// Writes `</name>`.
    #[inline]
    pub fn end(&mut self, name: &str) {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
    }

    /// Writes a simple value as escaped text content.
    #[inline]
    pub fn text<T: SimpleValue>(&mut self, value: &T) {
        self.value(value, false);
    }

    /// Writes a string as escaped text content.
    pub fn text_str(&mut self, s: &str) {
        escape_text(&mut self.buf, s);
    }

    /// Writes markup verbatim (must be well-formed; used for captured elements).
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    #[inline]
    fn value<T: SimpleValue>(&mut self, value: &T, attr: bool) {
        let mark = self.buf.len();
        value.write_text(&mut self.buf);
        if T::NEEDS_ESCAPE {
            self.escape_from(mark, attr);
        }
    }

    /// Escapes what was written after `mark` (allocates only when something needs it).
    #[inline]
    fn escape_from(&mut self, mark: usize, attr: bool) {
        let Some(tail) = self.buf.as_bytes().get(mark..) else {
            return;
        };
        let found = if attr {
            needs_attr_escape(tail)
        } else {
            needs_text_escape(tail)
        };
        if let Some(first) = found {
            let raw = self.buf.split_off(mark + first);
            if attr {
                escape_attr(&mut self.buf, &raw);
            } else {
                escape_text(&mut self.buf, &raw);
            }
        }
    }

    /// Writes a child element: `value.write(self, name)`.
    #[inline]
    pub fn elem<T: XmlWrite>(&mut self, name: &str, value: &T) {
        value.write(self, name);
    }

    /// Writes an optional child element if present.
    #[inline]
    pub fn elem_opt<T: XmlWrite>(&mut self, name: &str, value: &Option<T>) {
        if let Some(v) = value {
            v.write(self, name);
        }
    }

    /// Writes a repeated child element.
    #[inline]
    pub fn elems<T: XmlWrite>(&mut self, name: &str, values: &[T]) {
        for v in values {
            v.write(self, name);
        }
    }

    /// Writes captured wildcard elements verbatim.
    pub fn any(&mut self, values: &[AnyElement]) {
        for v in values {
            self.buf.push_str(v.as_str());
        }
    }
}

/// Writes a document whose root is `value` (no XML declaration; `T::NAMESPACES` are
/// declared on the root element).
pub fn to_xml<T: XmlWrite + RootElement>(value: &T) -> Vec<u8> {
    to_xml_string(value).into_bytes()
}

/// Like [`to_xml`], as a `String`.
pub fn to_xml_string<T: XmlWrite + RootElement>(value: &T) -> String {
    let mut w = Writer::with_capacity(256);
    w.pending_ns_decls(T::NAMESPACES);
    value.write(&mut w, T::PREFIXED_NAME);
    w.into_string()
}
