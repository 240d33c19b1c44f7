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
    /// `xsi:type` (qualified name, and the declaration of its prefix) for the next start tag.
    pending_type: Option<(&'static str, (&'static str, &'static str))>,
    /// Open elements.
    depth: usize,
    /// Mixed-content elements being written: (depth, text segments, next segment).
    mixed: Vec<(usize, Vec<String>, usize)>,
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
            ..Writer::default()
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
        self.depth += 1;
        self.buf.push('<');
        self.buf.push_str(name);
        if !self.pending.is_empty() {
            let decls = std::mem::take(&mut self.pending);
            self.ns_decls(decls);
            if let Some((qname, decl)) = self.pending_type.take() {
                let extra: Vec<(&str, &str)> = [("xsi", XSI_NS), decl]
                    .into_iter()
                    .filter(|(p, _)| !decls.iter().any(|(q, _)| q == p))
                    .collect();
                self.type_attr(qname, &extra);
            }
        } else if let Some((qname, decl)) = self.pending_type.take() {
            self.type_attr(qname, &[("xsi", XSI_NS), decl]);
        }
    }

    fn type_attr(&mut self, qname: &str, decls: &[(&str, &str)]) {
        let mut seen: Vec<&str> = Vec::new();
        for (p, u) in decls {
            if !p.is_empty() && !seen.contains(p) {
                seen.push(p);
                self.ns_decls(&[(p, u)]);
            }
        }
        self.buf.push_str(" xsi:type=\"");
        self.buf.push_str(qname);
        self.buf.push('"');
    }

    /// Adds `xsi:type="qname"` (declaring `xsi` and the type's `(prefix, uri)`) to the next
    /// start tag, for a value of a type derived from the element's declared type.
    pub fn xsi_type_next(&mut self, qname: &'static str, decl: (&'static str, &'static str)) {
        self.pending_type = Some((qname, decl));
    }

    /// Starts the text segments of a mixed-content element whose start tag was just closed:
    /// writes `text[0]` now and `text[k]` after its `k`-th child element; what is left is
    /// written before its end tag.
    pub fn mixed_text(&mut self, text: &[String]) {
        if let Some(first) = text.first() {
            escape_text(&mut self.buf, first);
        }
        self.mixed.push((self.depth, text.to_vec(), 1));
    }

    /// After a child element ended: the next text segment of a mixed-content parent.
    fn child_done(&mut self) {
        if let Some((d, text, next)) = self.mixed.last_mut() {
            if *d == self.depth {
                if let Some(t) = text.get(*next) {
                    escape_text(&mut self.buf, t);
                }
                *next += 1;
            }
        }
    }

    /// Writes attributes captured by an `xs:anyAttribute` wildcard (namespaced ones with a
    /// prefix declared on the element).
    pub fn any_attrs(&mut self, attrs: &[super::reader::AnyAttribute]) {
        for (i, a) in attrs.iter().enumerate() {
            if a.namespace == super::chars::XML_NS {
                self.buf.push_str(" xml:");
            } else if a.namespace.is_empty() {
                self.buf.push(' ');
            } else {
                let prefix = format!("_a{i}");
                self.ns_decls(&[(&prefix, &a.namespace)]);
                self.buf.push(' ');
                self.buf.push_str(&prefix);
                self.buf.push(':');
            }
            self.buf.push_str(&a.local);
            self.buf.push_str("=\"");
            escape_attr(&mut self.buf, &a.value);
            self.buf.push('"');
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
        self.depth = self.depth.saturating_sub(1);
        if !self.mixed.is_empty() {
            self.child_done();
        }
    }

    /// Writes `</name>`.
    #[inline]
    pub fn end(&mut self, name: &str) {
        if !self.mixed.is_empty() {
            self.end_mixed();
        }
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
        self.depth = self.depth.saturating_sub(1);
        if !self.mixed.is_empty() {
            self.child_done();
        }
    }

    /// Before the end tag of a mixed-content element: its remaining text segments.
    fn end_mixed(&mut self) {
        if self.mixed.last().is_some_and(|m| m.0 == self.depth) {
            if let Some((_, text, next)) = self.mixed.pop() {
                for t in text.iter().skip(next) {
                    escape_text(&mut self.buf, t);
                }
            }
        }
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

    /// Writes a child element of a simple type in one go: `open` is the whole start tag
    /// (`<p:name>`), `close` the whole end tag (`</p:name>`). Generated code uses this for
    /// simple-typed elements, which are most of a message.
    #[inline]
    pub fn leaf<T: SimpleValue>(&mut self, open: &str, close: &str, value: &T) {
        self.buf.push_str(open);
        self.value(value, false);
        self.buf.push_str(close);
    }

    /// [`leaf`](Self::leaf) for an optional element.
    #[inline]
    pub fn leaf_opt<T: SimpleValue>(&mut self, open: &str, close: &str, value: &Option<T>) {
        if let Some(v) = value {
            self.leaf(open, close, v);
        }
    }

    /// [`leaf`](Self::leaf) for a repeated element.
    #[inline]
    pub fn leaves<T: SimpleValue>(&mut self, open: &str, close: &str, values: &[T]) {
        for v in values {
            self.leaf(open, close, v);
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

    /// Writes a value of an element type as that element (its name and namespace
    /// declarations from [`RootElement`]), e.g. a header block or a fault detail.
    pub fn elem_root<T: XmlWrite + RootElement>(&mut self, value: &T) {
        self.pending_ns_decls(T::NAMESPACES);
        value.write(self, T::PREFIXED_NAME);
    }

    /// Writes one captured element verbatim (as [`raw`](Self::raw) does text).
    pub(crate) fn any_raw(&mut self, value: &AnyElement) {
        value.write_to(&mut self.buf);
    }

    /// Writes captured wildcard elements verbatim.
    pub fn any(&mut self, values: &[AnyElement]) {
        for v in values {
            v.write_to(&mut self.buf);
            if !self.mixed.is_empty() {
                self.child_done();
            }
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
    to_xml_string_with_capacity(value, 256)
}

/// Like [`to_xml`], with the output buffer allocated for `capacity` bytes up front (when the
/// size is roughly known, e.g. a message with a large attachment, this saves the copies of
/// a growing buffer).
pub fn to_xml_with_capacity<T: XmlWrite + RootElement>(value: &T, capacity: usize) -> Vec<u8> {
    to_xml_string_with_capacity(value, capacity).into_bytes()
}

fn to_xml_string_with_capacity<T: XmlWrite + RootElement>(value: &T, capacity: usize) -> String {
    let mut w = Writer::with_capacity(capacity);
    w.pending_ns_decls(T::NAMESPACES);
    value.write(&mut w, T::PREFIXED_NAME);
    w.into_string()
}

/// Checks, before writing, that an element occurs `count` times within its `minOccurs`
/// (`min`) and `maxOccurs` (`max`, `None` = unbounded), which a `Vec` field cannot hold by
/// its type. The error names the element (`element`, e.g. `{urn:x}line` or a path) and
/// the bound, never a value. For generated writers and clients that must not send what
/// breaks the contract (issue 17, point 5); the renderer does not call it yet.
///
/// ```
/// use tandvard_runtime::check_occurs;
/// assert!(check_occurs("{urn:x}line", 2, 1, Some(5)).is_ok());
/// let e = check_occurs("{urn:x}line", 6, 1, Some(5)).unwrap_err();
/// assert_eq!(e.message(), "element {urn:x}line occurs 6 times, at most 5 allowed (maxOccurs)");
/// ```
pub fn check_occurs(
    element: &str,
    count: usize,
    min: usize,
    max: Option<usize>,
) -> Result<(), crate::ValueError> {
    if count < min {
        return Err(crate::ValueError::new(format!(
            "element {element} occurs {count} time{}, at least {min} required (minOccurs)",
            if count == 1 { "" } else { "s" }
        )));
    }
    match max {
        Some(max) if count > max => Err(crate::ValueError::new(format!(
            "element {element} occurs {count} times, at most {max} allowed (maxOccurs)"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod occurs_tests {
    use super::check_occurs;

    #[test]
    fn occurrence_bounds() {
        assert!(check_occurs("a", 0, 0, None).is_ok());
        assert!(check_occurs("a", 1000, 0, None).is_ok());
        assert!(check_occurs("a", 1, 1, Some(1)).is_ok());
        assert_eq!(
            check_occurs("{urn:x}a", 0, 1, Some(1))
                .unwrap_err()
                .message(),
            "element {urn:x}a occurs 0 times, at least 1 required (minOccurs)"
        );
        assert_eq!(
            check_occurs("{urn:x}a", 3, 4, None).unwrap_err().message(),
            "element {urn:x}a occurs 3 times, at least 4 required (minOccurs)"
        );
        assert_eq!(
            check_occurs("{urn:x}a", 7, 0, Some(6))
                .unwrap_err()
                .message(),
            "element {urn:x}a occurs 7 times, at most 6 allowed (maxOccurs)"
        );
    }
}
