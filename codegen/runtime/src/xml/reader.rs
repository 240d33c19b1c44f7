//! The document reader used by generated code.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};

use super::any::AnyElement;
use super::chars::{
    RawAttr, RawAttrs, XML_NS, XMLNS_NS, XSI_NS, all_ws, attr_value, resolve_reference, split_qname,
};
use crate::error::{Error, ErrorKind, ValueError, quote};
use crate::value::SimpleValue;

/// Identifies a namespace URI within one document (interned by the [`Reader`]).
/// `NsId::NONE` is "no namespace"; ids stay valid for the whole document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NsId(u32);

impl NsId {
    /// No namespace.
    pub const NONE: NsId = NsId(0);
    /// The `xml` namespace (`http://www.w3.org/XML/1998/namespace`).
    pub const XML: NsId = NsId(1);

    /// The id as a number (an index into the reader's intern table).
    pub fn index(self) -> u32 {
        self.0
    }
}

/// What to do with elements that the content model does not expect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnknownElements {
    /// Unexpected elements are errors (the default).
    #[default]
    Reject,
    /// Lenient: unexpected elements are skipped. `req`, `opt` and `rep` skip non-matching
    /// elements when the expected element occurs later among the siblings, and `end`
    /// skips whatever remains. This accepts documents that an XSD validator would
    /// reject, and can mis-assign elements in repeated groups; use it for forward
    /// compatibility with peers that add elements, not for validation.
    Skip,
}

/// Limits and policies for reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Maximum element nesting depth (default 128). Generated readers recurse once per
    /// level, so this also bounds their stack use.
    pub max_depth: usize,
    /// Maximum input size in bytes (default 64 MiB), checked before parsing.
    pub max_size: usize,
    /// Strict or lenient handling of unexpected elements (default strict).
    pub unknown_elements: UnknownElements,
    /// Longest namespace URI accepted in a declaration, in bytes (default 4096).
    pub max_namespace_uri_len: usize,
    /// Most namespace declarations in scope at once (default 1024).
    pub max_bindings: usize,
    /// Most attributes on one element, namespace declarations included (default 256).
    pub max_attributes: usize,
    /// Most bytes that the elements captured verbatim (`xs:any`, `xs:anyType`, SOAP
    /// header blocks, fault details) of one document add up to, counting the namespace
    /// declarations each one inherits and needs to stand alone (default 64 MiB, the
    /// default `max_size`: a document within the size limit whose captured elements add no
    /// declarations always fits). Captured elements share the inherited namespace URIs
    /// with the reader rather than copying them, so this bounds the text that writing
    /// them back or [`AnyElement::as_str`] produces, not the memory held while reading.
    pub max_captured_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self::strict()
    }
}

impl ReadOptions {
    /// The defaults: depth 128, 64 MiB, unexpected elements rejected, namespace URIs up
    /// to 4096 bytes, 1024 namespace declarations in scope, 256 attributes per element,
    /// 64 MiB of captured elements.
    pub const fn strict() -> Self {
        ReadOptions {
            max_depth: 128,
            max_size: 64 * 1024 * 1024,
            unknown_elements: UnknownElements::Reject,
            max_namespace_uri_len: 4096,
            max_bindings: 1024,
            max_attributes: 256,
            max_captured_bytes: 64 * 1024 * 1024,
        }
    }

    /// Like [`strict`](Self::strict), but unexpected elements are skipped
    /// ([`UnknownElements::Skip`]).
    pub const fn lenient() -> Self {
        ReadOptions {
            unknown_elements: UnknownElements::Skip,
            ..Self::strict()
        }
    }
}

/// Number of namespace declarations in scope above which prefixes are looked up through a
/// hash index instead of a linear search (hysteresis: the index is dropped below half).
const INDEX_BINDINGS: usize = 32;
/// Intern-table size above which a hash index is used instead of a linear search.
const LINEAR_INTERN: usize = 32;

/// Slots of the namespace-id cache (see [`Reader::matches`]); a power of two.
const NS_CACHE: usize = 16;

/// One slot of the namespace-id cache: (address, length) of a `&'static str` URI and its
/// id in this document.
type NsSlot = Cell<(usize, usize, NsId)>;

/// One element start tag: its resolved name, the raw tag, and where it is.
///
/// Holding a `Start` does not borrow the [`Reader`], so generated code keeps a lookahead
/// `Option<Start<'i>>` while calling reader methods. A `Start` returned by the reader is
/// "open": it must be consumed exactly once (by `T::read`, [`Reader::first_child`] and its
/// children, [`Reader::text`], [`Reader::skip`], [`Reader::capture`] ...).
#[derive(Clone, Debug)]
pub struct Start<'i> {
    /// Namespace of the element.
    pub ns: NsId,
    /// Local name of the element.
    pub local: &'i [u8],
    /// The raw start tag between `<` and `>` (or `/>`): the name and the attributes as
    /// written, borrowed from the input.
    pub tag: &'i [u8],
    /// Length of the name at the start of `tag`.
    name_len: usize,
    /// Whether the tag is self-closing (`<a/>`).
    pub empty: bool,
    /// Byte offset of the `<` of the tag.
    pub pos: u64,
}

impl<'i> Start<'i> {
    /// The qualified name as written (`prefix:local` or `local`).
    #[inline]
    pub fn qname(&self) -> &'i [u8] {
        &self.tag[..self.name_len]
    }

    /// The attributes as written (everything in the tag after the name).
    #[inline]
    pub fn attributes_raw(&self) -> &'i [u8] {
        &self.tag[self.name_len..]
    }

    /// The local name as text (lossy for invalid UTF-8).
    pub fn local_name(&self) -> Cow<'i, str> {
        String::from_utf8_lossy(self.local)
    }
}

/// One attribute of a start tag (namespace declarations excluded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr<'i> {
    /// Namespace of the attribute (unprefixed attributes have no namespace).
    pub ns: NsId,
    /// Local name.
    pub local: &'i [u8],
    /// Qualified name as written.
    pub qname: &'i [u8],
    /// The value, with references expanded and whitespace normalised (borrowed when plain).
    pub value: Cow<'i, str>,
    /// Byte offset of the attribute name.
    pub pos: u64,
}

impl<'i> Attr<'i> {
    /// The local name of an unqualified attribute (in no namespace), or `b""` for a
    /// qualified one: generated code matches declared unqualified attributes on it.
    #[inline]
    pub fn unqualified(&self) -> &'i [u8] {
        if self.ns == NsId::NONE {
            self.local
        } else {
            b""
        }
    }
}

/// Wildcard namespace constraint of `xs:any`.
#[derive(Clone, Copy, Debug)]
pub enum AnyNs<'a> {
    /// `##any`: any element.
    Any,
    /// `##other`: any namespace except the listed (target) namespace(s) and except
    /// "no namespace".
    Other(&'a [&'a str]),
    /// An explicit list of namespace URIs; `""` stands for `##local` (no namespace).
    List(&'a [&'a str]),
}

/// Reads a value from an element. Generated code implements this for complex types;
/// simple types get it through the blanket implementation for [`SimpleValue`].
///
/// ```
/// use tandvard_runtime::{Error, Reader, Start, XmlRead};
/// struct Line { amount: tandvard_runtime::Decimal, note: Option<String> }
/// const NS: &str = "urn:x";
/// impl XmlRead for Line {
///     fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error> {
///         let mut next = r.first_child(&start)?;
///         let amount = r.req(&mut next, NS, b"amount")?;
///         let note = r.opt(&mut next, NS, b"note")?;
///         r.end(next)?;
///         Ok(Line { amount, note })
///     }
/// }
/// ```
pub trait XmlRead: Sized {
    /// Reads the element that `start` opened, consuming it up to and including its end tag.
    fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error>;
}

impl<T: SimpleValue> XmlRead for T {
    #[inline]
    fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error> {
        // A simple type has no attributes: only `xsi:` ones are allowed.
        r.no_attrs(&start, None)?;
        r.value(start)
    }
}

/// An element that may be `xsi:nil="true"` (`nillable="true"` in the schema).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nillable<T> {
    /// The element was present with `xsi:nil="true"` and no content.
    Nil,
    /// The element had a value.
    Value(T),
}

impl<T> Nillable<T> {
    /// The value, if not nil.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nillable::Nil => None,
            Nillable::Value(v) => Some(v),
        }
    }
    /// Converts into an `Option` (nil becomes `None`).
    pub fn into_option(self) -> Option<T> {
        match self {
            Nillable::Nil => None,
            Nillable::Value(v) => Some(v),
        }
    }
    /// Whether this is nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Nillable::Nil)
    }
}

impl<T> From<T> for Nillable<T> {
    fn from(v: T) -> Self {
        Nillable::Value(v)
    }
}

impl<T: XmlRead> XmlRead for Nillable<T> {
    fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error> {
        if r.is_nil(&start)? {
            r.expect_empty(start)?;
            Ok(Nillable::Nil)
        } else {
            T::read(r, start).map(Nillable::Value)
        }
    }
}

/// The root element of a document type: its name and the namespace declarations to put
/// on it when writing.
pub trait RootElement {
    /// Namespace URI of the root element (`""` for none).
    const NAMESPACE: &'static str;
    /// Local name of the root element.
    const LOCAL_NAME: &'static str;
    /// Qualified name written for the root element, e.g. `tns:Invoice`.
    const PREFIXED_NAME: &'static str;
    /// `(prefix, uri)` declarations written on the root element (`""` prefix = default).
    const NAMESPACES: &'static [(&'static str, &'static str)];
}

/// Reads a whole document whose root is `T` (default [`ReadOptions`]).
pub fn from_xml<T: XmlRead + RootElement>(input: &[u8]) -> Result<T, Error> {
    from_xml_with(input, &ReadOptions::default())
}

/// Reads a whole document whose root is `T`. A document in another encoding than UTF-8
/// (byte order mark or XML declaration) is decoded first ([`decode_xml`](crate::decode_xml)).
pub fn from_xml_with<T: XmlRead + RootElement>(
    input: &[u8],
    options: &ReadOptions,
) -> Result<T, Error> {
    let input = decoded(input, options)?;
    let mut r = Reader::with_options(&input, *options)?;
    let root = r.root()?;
    if !r.is(&root, T::NAMESPACE, T::LOCAL_NAME.as_bytes()) {
        let found = r.describe(&root);
        return Err(r.error_at(
            root.pos,
            ErrorKind::WrongRoot {
                expected: clark(T::NAMESPACE, T::LOCAL_NAME.as_bytes()),
                found,
            },
        ));
    }
    let v = T::read(&mut r, root)?;
    r.finish()?;
    Ok(v)
}

/// The input decoded to UTF-8 (borrowed when it is UTF-8), after the size check.
pub(crate) fn decoded<'a>(input: &'a [u8], options: &ReadOptions) -> Result<Cow<'a, [u8]>, Error> {
    if input.len() > options.max_size {
        return Err(Error::new(
            ErrorKind::SizeLimit {
                size: input.len(),
                max: options.max_size,
            },
            String::new(),
            0,
            1,
            1,
        ));
    }
    crate::decode_xml(input, None)
}

/// `{uri}local`, or `local` without namespace.
pub(crate) fn clark(ns: &str, local: &[u8]) -> String {
    let local = String::from_utf8_lossy(local);
    if ns.is_empty() {
        local.into_owned()
    } else {
        format!("{{{ns}}}{local}")
    }
}

#[derive(Clone, Copy)]
struct Binding<'i> {
    prefix: &'i [u8],
    ns: NsId,
    /// While the prefix index is in use: 1 + the index of the binding of the same prefix
    /// that this one shadows (0: none).
    shadows: u32,
}

struct Frame<'i> {
    qname: &'i [u8],
    /// Qualified name of the most recent child (for sibling indexes).
    last_child: &'i [u8],
    /// `bindings.len()` before this element's own declarations.
    ns_mark: u32,
    /// 1-based index among consecutive same-named siblings.
    index: u32,
    /// How many consecutive children named `last_child` were seen.
    child_run: u32,
    /// Read as part of a repetition: show the index even when it is 1.
    repeated: bool,
}

/// (namespace, local name) -> byte offset of its last occurrence among the siblings.
type SiblingNames<'i> = HashMap<(NsId, &'i [u8]), u64>;

/// Namespace declarations `(prefix, uri)` a captured element inherits, shared.
type Inherited = Arc<[(Arc<str>, Arc<str>)]>;

/// Names of the remaining children of one parent (lenient mode only).
struct SkipMemo<'i> {
    /// Index of the parent frame.
    depth: usize,
    names: SiblingNames<'i>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Prolog,
    Root,
    Epilog,
}

/// The next event of the tokenizer, its error mapped (returning from the calling
/// function). A macro rather than a method returning `Result<Event, Error>`: re-wrapping
/// the event in our `Result` copied it through memory on every event, and the load of
/// that copy stalled on the stores that had just written it (about 5% of a UBL read).
macro_rules! next_event {
    ($r:expr) => {
        match $r.xml.read_event() {
            Ok(e) => e,
            Err(e) => return Err($r.xml_error(e)),
        }
    };
}

/// Reads an XML document from a byte slice, with namespace resolution and error locations.
///
/// Built on quick-xml's non-namespace reader over borrowed input, so names and plain text
/// are borrowed from the input. Namespace declarations are kept on a binding stack with a
/// mark per open element; namespace URIs are interned into [`NsId`]s. Only the five
/// predefined entities and character references are expanded; a DOCTYPE anywhere is an
/// error, so no entity expansion attacks are possible. Nothing here recurses.
pub struct Reader<'i> {
    xml: quick_xml::Reader<&'i [u8]>,
    input: &'i [u8],
    bom: usize,
    opts: ReadOptions,
    frames: Vec<Frame<'i>>,
    bindings: Vec<Binding<'i>>,
    /// Prefix -> 1 + index of its innermost binding, kept while more than
    /// [`INDEX_BINDINGS`] declarations are in scope (`indexed`), so that a lookup does not
    /// scan them all.
    prefix_index: HashMap<&'i [u8], u32>,
    indexed: bool,
    /// Namespace URIs by id, shared with the elements captured from this document.
    uris: Vec<Arc<str>>,
    uri_index: HashMap<Arc<str>, NsId>,
    /// Prefixes of captured elements' inherited declarations, shared between them.
    prefix_arcs: HashMap<&'i [u8], Arc<str>>,
    /// The inherited declarations of the element captured last, with the binding indexes
    /// they came from and their length as written: siblings (header blocks, wildcard elements) usually inherit the same
    /// ones and share one list.
    last_inherited: (Vec<usize>, Inherited, usize),
    /// Bytes captured so far, inherited declarations included (see
    /// [`ReadOptions::max_captured_bytes`]).
    captured: usize,
    /// Direct-mapped cache from a `&'static str` URI (by address and length, which
    /// identify its content for the whole program) to its interned id.
    ns_cache: [NsSlot; NS_CACHE],
    memos: Vec<SkipMemo<'i>>,
    /// The element most recently closed: (qname, index, repeated), for error messages.
    last_closed: (&'i [u8], u32, bool),
    phase: Phase,
    seen_event: bool,
    /// Text collected for mixed-content elements being read (innermost last).
    mixed: Vec<MixedText>,
    /// The text of the mixed-content element closed most recently, for `take_mixed`.
    taken_mixed: Option<Vec<String>>,
    /// The attributes of the start tag opened most recently (at byte `tag_attrs_pos`),
    /// parsed once when it was opened, so that reading them does not parse them again.
    tag_attrs: Vec<RawAttr<'i>>,
    tag_attrs_pos: u64,
}

/// Text segments of a mixed-content element: `chunks[k]` is the text before its k-th child
/// element (the last one after the last child).
struct MixedText {
    /// `frames.len()` while the element's children are read.
    depth: usize,
    chunks: Vec<String>,
}

impl<'i> Reader<'i> {
    /// A reader with default [`ReadOptions`].
    pub fn new(input: &'i [u8]) -> Result<Self, Error> {
        Self::with_options(input, ReadOptions::default())
    }

    /// A reader with the given options. Fails when the input exceeds `max_size` or is
    /// not UTF-8 (UTF-16 byte order mark).
    pub fn with_options(input: &'i [u8], options: ReadOptions) -> Result<Self, Error> {
        if input.len() > options.max_size {
            return Err(Error::new(
                ErrorKind::SizeLimit {
                    size: input.len(),
                    max: options.max_size,
                },
                String::new(),
                0,
                1,
                1,
            ));
        }
        if input.starts_with(&[0xFE, 0xFF]) || input.starts_with(&[0xFF, 0xFE]) {
            return Err(Error::new(
                ErrorKind::Encoding(
                    "UTF-16 document: decode it first (tandvard_runtime::decode_xml; \
                     from_xml and read_envelope do)"
                        .into(),
                ),
                String::new(),
                0,
                1,
                1,
            ));
        }
        if let Some(at) = super::chars::find_forbidden(input) {
            let c = super::chars::char_at(input, at);
            return Err(Error::at(
                input,
                at as u64,
                String::new(),
                ErrorKind::Syntax(format!("character U+{c:04X} is not allowed in XML")),
            ));
        }
        let bom = if input.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let mut xml = quick_xml::Reader::from_reader(input);
        {
            let c = xml.config_mut();
            c.check_end_names = true;
            c.check_comments = true;
            c.expand_empty_elements = false;
            c.trim_text(false);
        }
        Ok(Reader {
            xml,
            input,
            bom,
            opts: options,
            frames: Vec::with_capacity(16),
            bindings: Vec::with_capacity(16),
            prefix_index: HashMap::new(),
            indexed: false,
            uris: vec!["".into(), XML_NS.into()],
            uri_index: HashMap::new(),
            prefix_arcs: HashMap::new(),
            last_inherited: (Vec::new(), Arc::new([]), 0),
            captured: 0,
            ns_cache: std::array::from_fn(|_| Cell::new((0, usize::MAX, NsId::NONE))),
            memos: Vec::new(),
            last_closed: (&[], 0, false),
            phase: Phase::Prolog,
            seen_event: false,
            mixed: Vec::new(),
            taken_mixed: None,
            tag_attrs: Vec::with_capacity(8),
            tag_attrs_pos: u64::MAX,
        })
    }

    /// The options in effect.
    pub fn options(&self) -> &ReadOptions {
        &self.opts
    }

    /// The whole input.
    pub fn input(&self) -> &'i [u8] {
        self.input
    }

    /// Byte offset just after the last markup read.
    pub fn position(&self) -> u64 {
        self.here() as u64
    }

    /// Number of open elements.
    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    // -----------------------------------------------------------------------------------
    // Namespaces

    /// Whether namespace `id` is `uri` (`""` = no namespace).
    #[inline]
    pub fn ns_is(&self, id: NsId, uri: &str) -> bool {
        self.uris.get(id.0 as usize).is_some_and(|u| **u == *uri)
    }

    /// The URI of namespace `id` (`""` for no namespace or an unknown id).
    pub fn ns_uri(&self, id: NsId) -> &str {
        self.uris.get(id.0 as usize).map_or("", |u| u)
    }

    /// The id of `uri` if it occurred in the document so far.
    pub fn ns_id(&self, uri: &str) -> Option<NsId> {
        if self.uris.len() > LINEAR_INTERN {
            return self.uri_index.get(uri).copied();
        }
        self.uris
            .iter()
            .position(|u| **u == *uri)
            .map(|p| NsId(p as u32))
    }

    fn intern(&mut self, uri: &str) -> NsId {
        if let Some(id) = self.ns_id(uri) {
            return id;
        }
        let id = NsId(self.uris.len() as u32);
        let uri: Arc<str> = uri.into();
        self.uris.push(uri.clone());
        if self.uris.len() > LINEAR_INTERN {
            if self.uri_index.is_empty() {
                for (i, u) in self.uris.iter().enumerate() {
                    self.uri_index.insert(u.clone(), NsId(i as u32));
                }
            } else {
                self.uri_index.insert(uri, id);
            }
        }
        id
    }

    /// The index of the binding of `prefix` among the first `upto` bindings.
    #[inline]
    fn lookup_index(&self, upto: usize, prefix: &[u8]) -> Option<usize> {
        let upto = upto.min(self.bindings.len());
        if self.indexed {
            let mut i = self.prefix_index.get(prefix).copied().unwrap_or(0) as usize;
            // Bindings of the same prefix declared at or after `upto` (at most one per
            // open element) are skipped.
            while i > upto {
                i = self.bindings[i - 1].shadows as usize;
            }
            return i.checked_sub(1);
        }
        self.bindings[..upto]
            .iter()
            .rposition(|b| b.prefix == prefix)
    }

    /// Pushes a namespace binding (keeping the prefix index when it is in use).
    fn push_binding(&mut self, prefix: &'i [u8], ns: NsId) {
        let mut b = Binding {
            prefix,
            ns,
            shadows: 0,
        };
        if self.indexed {
            let me = self.bindings.len() as u32 + 1;
            b.shadows = self.prefix_index.insert(prefix, me).unwrap_or(0);
        }
        self.bindings.push(b);
        if !self.indexed && self.bindings.len() > INDEX_BINDINGS {
            self.prefix_index.clear();
            for (i, b) in self.bindings.iter_mut().enumerate() {
                b.shadows = self
                    .prefix_index
                    .insert(b.prefix, i as u32 + 1)
                    .unwrap_or(0);
            }
            self.indexed = true;
        }
    }

    /// Pops the bindings from `mark` on (restoring the prefix index).
    fn truncate_bindings(&mut self, mark: usize) {
        if mark >= self.bindings.len() {
            return;
        }
        if self.indexed {
            if mark <= INDEX_BINDINGS / 2 {
                self.prefix_index.clear();
                self.indexed = false;
            } else {
                for b in self.bindings[mark..].iter().rev() {
                    if b.shadows == 0 {
                        self.prefix_index.remove(b.prefix);
                    } else {
                        self.prefix_index.insert(b.prefix, b.shadows);
                    }
                }
            }
        }
        self.bindings.truncate(mark);
    }

    /// Resolves a prefix among the first `upto` bindings (`b""` = default namespace).
    #[inline]
    fn lookup(&self, upto: usize, prefix: &[u8]) -> Option<NsId> {
        if let Some(i) = self.lookup_index(upto, prefix) {
            return Some(self.bindings[i].ns);
        }
        if prefix.is_empty() {
            Some(NsId::NONE)
        } else if prefix == b"xml" {
            Some(NsId::XML)
        } else {
            None
        }
    }

    /// Resolves a namespace prefix in the scope of the innermost open element (`b""` =
    /// default namespace), e.g. for QName-valued content such as `xsi:type="p:T"`.
    /// Call it while the element that carries the value is still open.
    pub fn resolve_prefix(&self, prefix: &[u8]) -> Option<NsId> {
        self.lookup(self.bindings.len(), prefix)
    }

    /// Resolves a QName-valued text (`p:local` or `local`) to (namespace, local name) in
    /// the current scope; an unprefixed name takes the default namespace (XSD QName rule).
    pub fn resolve_qname<'v>(&self, value: &'v str) -> Option<(NsId, &'v str)> {
        let v = crate::value::whitespace::trim(value);
        let (prefix, local) = split_qname(v.as_bytes())?;
        let ns = self.resolve_prefix(prefix)?;
        Some((ns, &v[v.len() - local.len()..]))
    }

    /// Whether `start` is the element `{ns}local`.
    #[inline]
    pub fn is(&self, start: &Start<'_>, ns: &str, local: &[u8]) -> bool {
        start.local == local && self.ns_is(start.ns, ns)
    }

    /// Like [`is`](Self::is), for a namespace URI with a `'static` lifetime (the constants
    /// of generated code): the namespace is compared by id, through a small cache from the
    /// URI's address to its id, instead of comparing the URI text.
    #[inline]
    pub fn matches(&self, start: &Start<'_>, ns: &'static str, local: &[u8]) -> bool {
        start.local == local && self.ns_is_static(start.ns, ns)
    }

    /// Whether namespace `id` is `uri`, comparing ids (see [`matches`](Self::matches)).
    #[inline]
    pub fn ns_is_static(&self, id: NsId, uri: &'static str) -> bool {
        if uri.is_empty() {
            return id == NsId::NONE;
        }
        let addr = uri.as_ptr() as usize;
        let slot = &self.ns_cache[((addr >> 3) ^ uri.len()) & (NS_CACHE - 1)];
        let (a, l, cached) = slot.get();
        if a == addr && l == uri.len() {
            return id == cached;
        }
        self.ns_is_static_slow(id, uri, slot)
    }

    #[cold]
    fn ns_is_static_slow(&self, id: NsId, uri: &'static str, slot: &NsSlot) -> bool {
        match self.ns_id(uri) {
            // Interned ids never change within a document, so the entry stays valid.
            Some(known) => {
                slot.set((uri.as_ptr() as usize, uri.len(), known));
                id == known
            }
            // Not interned yet: no element so far is in it (not cached, it may come later).
            None => false,
        }
    }

    /// `{uri}local` of an element, for messages.
    pub fn describe(&self, start: &Start<'_>) -> String {
        clark(self.ns_uri(start.ns), start.local)
    }

    // -----------------------------------------------------------------------------------
    // Errors

    fn here(&self) -> usize {
        self.input.len().saturating_sub(self.xml.get_ref().len())
    }

    /// Offset of a slice borrowed from the input.
    fn offset_of(&self, s: &[u8]) -> usize {
        (s.as_ptr() as usize)
            .wrapping_sub(self.input.as_ptr() as usize)
            .min(self.input.len())
    }

    /// Re-borrows a slice of the input (from an event) with the input's lifetime.
    fn reslice(&self, s: &[u8]) -> Result<&'i [u8], Error> {
        let off = (s.as_ptr() as usize).wrapping_sub(self.input.as_ptr() as usize);
        match off.checked_add(s.len()) {
            Some(end) if end <= self.input.len() => Ok(&self.input[off..end]),
            _ => Err(self.error_at(
                self.here() as u64,
                ErrorKind::Other("internal error: event not borrowed from the input".into()),
            )),
        }
    }

    fn push_segment(out: &mut String, qname: &[u8], index: u32, repeated: bool) {
        out.push('/');
        out.push_str(&String::from_utf8_lossy(qname));
        if repeated || index > 1 {
            out.push('[');
            crate::value::push_u64(out, u64::from(index));
            out.push(']');
        }
    }

    /// The path of open elements, e.g. `/env:Envelope/env:Body/tns:Claim/tns:line[2]`.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for f in &self.frames {
            Self::push_segment(&mut out, f.qname, f.index, f.repeated);
        }
        out
    }

    /// The path including the element that was just closed (for "at end of" errors).
    fn path_with_closed(&self) -> String {
        let mut p = self.path();
        let (q, i, r) = self.last_closed;
        if !q.is_empty() {
            Self::push_segment(&mut p, q, i, r);
        }
        p
    }

    /// An error at byte `position` with the current element path.
    pub fn error_at(&self, position: u64, kind: ErrorKind) -> Error {
        Error::at(self.input, position, self.path(), kind)
    }

    /// An error with a free-form message at the current element and position
    /// (for checks in generated or hand-written code).
    pub fn error(&self, message: impl Into<String>) -> Error {
        self.error_at(self.here() as u64, ErrorKind::Other(message.into()))
    }

    /// A value error located at element `start` (which must still be open).
    pub fn value_error(&self, start: &Start<'_>, e: ValueError) -> Error {
        self.error_at(start.pos, ErrorKind::Value(e))
    }

    fn xml_error(&self, e: quick_xml::Error) -> Error {
        let pos = self.xml.error_position() + self.bom as u64;
        let kind = match e {
            quick_xml::Error::Encoding(_) => ErrorKind::Encoding(format!("{e}")),
            other => ErrorKind::Syntax(other.to_string()),
        };
        self.error_at(pos.min(self.input.len() as u64), kind)
    }

    /// Builds an "expected one of ..." error for a choice or content model that did not
    /// match `next` (`None` = the parent ended). `expected` lists names for the message.
    pub fn unexpected(&self, next: Option<Start<'i>>, expected: &[&str]) -> Error {
        let expected = match expected {
            [one] => (*one).to_owned(),
            many => format!("one of {}", many.join(", ")),
        };
        match next {
            Some(s) => {
                let found = self.describe(&s);
                self.error_at(s.pos, ErrorKind::UnexpectedElement { found, expected })
            }
            None => {
                let found = format!("end of {}", String::from_utf8_lossy(self.last_closed.0));
                Error::at(
                    self.input,
                    self.here() as u64,
                    self.path_with_closed(),
                    ErrorKind::MissingElement { expected, found },
                )
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Events

    /// The DOCTYPE error, located at the `<!DOCTYPE` whose content is `content`.
    fn doctype_error(&self, content: &[u8]) -> Error {
        let off = self.offset_of(content);
        let pos = self.input[..off]
            .windows(2)
            .rposition(|w| w == b"<!")
            .unwrap_or(off);
        self.error_at(pos as u64, ErrorKind::DocType)
    }

    fn eof_error(&self) -> Error {
        let open = self
            .frames
            .last()
            .map(|f| {
                format!(
                    " (element {} is not closed)",
                    String::from_utf8_lossy(f.qname)
                )
            })
            .unwrap_or_default();
        self.error_at(self.here() as u64, ErrorKind::UnexpectedEof(open))
    }

    /// Opens an element: pushes its frame and namespace declarations, resolves its name.
    ///
    /// Takes the tag by reference: moving quick-xml's event into a call copied it through
    /// memory just after the tokenizer had written it (a stall on every element).
    fn open(&mut self, e: &BytesStart<'i>, empty: bool) -> Result<Start<'i>, Error> {
        let tag = self.reslice(e)?;
        let pos = self.offset_of(tag).saturating_sub(1);
        let name_len = e.name().as_ref().len().min(tag.len());
        let qname = &tag[..name_len];
        if self.frames.len() >= self.opts.max_depth {
            return Err(self.error_at(pos as u64, ErrorKind::DepthLimit(self.opts.max_depth)));
        }
        let mark = self.bindings.len();
        let index = match self.frames.last_mut() {
            Some(p) => {
                if p.last_child == qname {
                    p.child_run = p.child_run.saturating_add(1);
                } else {
                    p.last_child = qname;
                    p.child_run = 1;
                }
                p.child_run
            }
            None => 1,
        };
        self.frames.push(Frame {
            qname,
            last_child: &[],
            ns_mark: mark as u32,
            index,
            child_run: 0,
            repeated: false,
        });
        self.tag_attrs.clear();
        self.tag_attrs_pos = pos as u64;
        if tag.len() > name_len {
            self.declare(&tag[name_len..])?;
        }
        let Some((prefix, local)) = split_qname(qname) else {
            return Err(self.error_at(
                pos as u64,
                ErrorKind::Syntax(format!(
                    "malformed element name {}",
                    quote(&String::from_utf8_lossy(qname))
                )),
            ));
        };
        let Some(ns) = self.lookup(self.bindings.len(), prefix) else {
            return Err(self.error_at(
                pos as u64,
                ErrorKind::UndeclaredPrefix(String::from_utf8_lossy(prefix).into_owned()),
            ));
        };
        Ok(Start {
            ns,
            local,
            tag,
            name_len,
            empty,
            pos: pos as u64,
        })
    }

    /// Validates the attributes of a start tag, keeps them in `tag_attrs` and pushes its
    /// namespace declarations.
    fn declare(&mut self, attrs: &'i [u8]) -> Result<(), Error> {
        for a in RawAttrs::new(attrs) {
            let a = match a {
                Ok(a) => a,
                Err((off, msg)) => {
                    self.tag_attrs_pos = u64::MAX;
                    let pos = self.offset_of(attrs) + off;
                    return Err(self.error_at(pos as u64, ErrorKind::Syntax(msg.into())));
                }
            };
            if self.tag_attrs.len() >= self.opts.max_attributes {
                let pos = self.offset_of(a.qname) as u64;
                return Err(self.error_at(
                    pos,
                    ErrorKind::Limit(format!(
                        "more than {} attributes on one element (ReadOptions::max_attributes)",
                        self.opts.max_attributes
                    )),
                ));
            }
            self.tag_attrs.push(a);
            let prefix: &'i [u8] = match a.qname {
                b"xmlns" => &a.qname[5..],
                [b'x', b'm', b'l', b'n', b's', b':', p @ ..] => p,
                _ => continue,
            };
            let pos = self.offset_of(a.qname) as u64;
            let uri = attr_value(a.value).map_err(|k| self.error_at(pos, k))?;
            if uri.len() > self.opts.max_namespace_uri_len {
                return Err(self.error_at(
                    pos,
                    ErrorKind::Limit(format!(
                        "namespace URI of {} bytes exceeds the limit of {} bytes \
                         (ReadOptions::max_namespace_uri_len)",
                        uri.len(),
                        self.opts.max_namespace_uri_len
                    )),
                ));
            }
            let bad = |msg: &str| ErrorKind::NamespaceDeclaration(msg.to_owned());
            if prefix == b"xmlns" || uri == XMLNS_NS {
                return Err(self.error_at(pos, bad("the xmlns prefix and namespace are reserved")));
            }
            if prefix == b"xml" || uri == XML_NS {
                if prefix == b"xml" && uri == XML_NS {
                    continue;
                }
                return Err(self.error_at(
                    pos,
                    bad("the xml prefix is bound to http://www.w3.org/XML/1998/namespace only"),
                ));
            }
            if !prefix.is_empty() && uri.is_empty() {
                return Err(self.error_at(
                    pos,
                    bad("a prefix cannot be bound to the empty namespace name"),
                ));
            }
            if prefix.contains(&b':') {
                return Err(self.error_at(pos, bad("malformed prefix")));
            }
            if self.bindings.len() >= self.opts.max_bindings {
                return Err(self.error_at(
                    pos,
                    ErrorKind::Limit(format!(
                        "more than {} namespace declarations in scope \
                         (ReadOptions::max_bindings)",
                        self.opts.max_bindings
                    )),
                ));
            }
            let ns = self.intern(&uri);
            self.push_binding(prefix, ns);
        }
        if self.tag_attrs.len() > 1 {
            self.check_unique_attrs()?;
        }
        Ok(())
    }

    /// Refuses an attribute that occurs twice in the start tag just opened, by name as
    /// written or by namespace and local name (`a:x` and `b:x` with `a` and `b` bound to
    /// the same namespace). Linear: a sort only for many attributes.
    fn check_unique_attrs(&self) -> Result<(), Error> {
        let attrs = &self.tag_attrs;
        let second = |qname: &[u8]| {
            attrs
                .iter()
                .filter(|a| a.qname == qname)
                .nth(1)
                .map_or(self.here(), |a| self.offset_of(a.qname))
        };
        let mut dup: Option<(&'i [u8], usize)> = if attrs.len() <= 8 {
            attrs
                .iter()
                .enumerate()
                .find(|(i, a)| attrs[..*i].iter().any(|b| b.qname == a.qname))
                .map(|(_, a)| (a.qname, self.offset_of(a.qname)))
        } else {
            let mut names: Vec<&'i [u8]> = attrs.iter().map(|a| a.qname).collect();
            names.sort_unstable();
            names
                .windows(2)
                .find(|w| w[0] == w[1])
                .map(|w| (w[0], second(w[0])))
        };
        let is_decl = |q: &[u8]| q == b"xmlns" || q.starts_with(b"xmlns:");
        let prefixed = |q: &[u8]| !is_decl(q) && q.contains(&b':');
        if dup.is_none() && attrs.iter().filter(|a| prefixed(a.qname)).nth(1).is_some() {
            // Qualified attributes by expanded name.
            let mut expanded: Vec<(NsId, &'i [u8], usize, &'i [u8])> = attrs
                .iter()
                .filter(|a| prefixed(a.qname))
                .filter_map(|a| {
                    let (prefix, local) = split_qname(a.qname)?;
                    let ns = self.lookup(self.bindings.len(), prefix)?;
                    Some((ns, local, self.offset_of(a.qname), a.qname))
                })
                .collect();
            expanded.sort_unstable();
            dup = expanded
                .windows(2)
                .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
                .map(|w| (w[1].3, w[1].2));
        }
        match dup {
            None => Ok(()),
            Some((qname, at)) => Err(self.attr_error(
                qname,
                at as u64,
                ErrorKind::Syntax(format!(
                    "duplicate attribute {}",
                    quote(&String::from_utf8_lossy(qname))
                )),
            )),
        }
    }

    /// Closes the innermost open element (pops its frame and namespace scope).
    #[inline]
    fn close(&mut self) {
        if self
            .mixed
            .last()
            .is_some_and(|m| m.depth == self.frames.len())
        {
            self.taken_mixed = self.mixed.pop().map(|m| m.chunks);
        }
        if let Some(f) = self.frames.pop() {
            self.truncate_bindings(f.ns_mark as usize);
            self.last_closed = (f.qname, f.index, f.repeated);
        }
        if !self.memos.is_empty() {
            let d = self.frames.len();
            self.memos.retain(|m| m.depth < d);
        }
    }

    // -----------------------------------------------------------------------------------
    // Document

    /// Reads up to the root element: skips the XML declaration, comments, processing
    /// instructions and whitespace; rejects a DOCTYPE and text.
    pub fn root(&mut self) -> Result<Start<'i>, Error> {
        if self.phase != Phase::Prolog {
            return Err(self.error("root() called twice"));
        }
        loop {
            let first = !self.seen_event;
            self.seen_event = true;
            match next_event!(self) {
                Event::Decl(d) => {
                    if !first {
                        return Err(self.error_at(
                            self.offset_of(&d) as u64,
                            ErrorKind::Misplaced(
                                "the XML declaration must be at the very beginning".into(),
                            ),
                        ));
                    }
                    if let Some(Ok(enc)) = d.encoding() {
                        let ok = ["utf-8", "utf8", "us-ascii", "ascii"]
                            .iter()
                            .any(|e| enc.eq_ignore_ascii_case(e.as_bytes()));
                        if !ok {
                            return Err(self.error_at(
                                0,
                                ErrorKind::Encoding(format!(
                                    "encoding {}: decode the document first \
                                     (tandvard_runtime::decode_xml; from_xml and \
                                     read_envelope do)",
                                    String::from_utf8_lossy(&enc)
                                )),
                            ));
                        }
                    }
                }
                Event::Start(ref e) => {
                    self.phase = Phase::Root;
                    return self.open(e, false);
                }
                Event::Empty(ref e) => {
                    self.phase = Phase::Root;
                    return self.open(e, true);
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if all_ws(&t) => {}
                Event::DocType(d) => return Err(self.doctype_error(&d)),
                Event::Eof => {
                    return Err(self.error_at(
                        self.here() as u64,
                        ErrorKind::UnexpectedEof(" (no root element)".into()),
                    ));
                }
                _ => {
                    return Err(self.error_at(
                        self.here() as u64,
                        ErrorKind::Misplaced("text before the root element".into()),
                    ));
                }
            }
        }
    }

    /// Checks that only whitespace, comments and processing instructions follow the root
    /// element (which must have been read completely).
    pub fn finish(&mut self) -> Result<(), Error> {
        if !self.frames.is_empty() || self.phase == Phase::Prolog {
            return Err(self.error("the root element was not read completely"));
        }
        self.phase = Phase::Epilog;
        loop {
            match next_event!(self) {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if all_ws(&t) => {}
                Event::DocType(d) => return Err(self.doctype_error(&d)),
                _ => {
                    return Err(self.error_at(
                        self.here() as u64,
                        ErrorKind::Misplaced("content after the root element".into()),
                    ));
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Children

    /// The first child element of `start` (`None` when it is empty or closes at once,
    /// in which case `start` is consumed). Whitespace, comments and PIs are skipped;
    /// other text is an error ("unexpected text").
    #[inline]
    pub fn first_child(&mut self, start: &Start<'i>) -> Result<Option<Start<'i>>, Error> {
        if start.empty {
            self.close();
            return Ok(None);
        }
        self.next_sibling()
    }

    /// The next child element after a child was consumed; `None` when the parent ends
    /// (its end tag is consumed and its namespace scope popped).
    pub fn next_sibling(&mut self) -> Result<Option<Start<'i>>, Error> {
        let mixed = self
            .mixed
            .last()
            .is_some_and(|m| m.depth == self.frames.len());
        loop {
            match next_event!(self) {
                Event::Start(ref e) => {
                    let s = self.open(e, false)?;
                    if mixed {
                        self.mixed_push_chunk();
                    }
                    return Ok(Some(s));
                }
                Event::Empty(ref e) => {
                    let s = self.open(e, true)?;
                    if mixed {
                        self.mixed_push_chunk();
                    }
                    return Ok(Some(s));
                }
                Event::End(_) => {
                    self.close();
                    return Ok(None);
                }
                Event::Text(t) => {
                    if mixed {
                        let raw = self.reslice(&t)?;
                        let text = self.utf8_text(raw)?;
                        self.mixed_push_text(&text);
                    } else if !all_ws(&t) {
                        let raw = self.reslice(&t)?;
                        return Err(self.text_error(raw));
                    }
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::CData(c) => {
                    if mixed {
                        let raw = self.reslice(&c)?;
                        let text = self.utf8_text(raw)?;
                        self.mixed_push_text(&text);
                    } else if !all_ws(&c) {
                        let raw = self.reslice(&c)?;
                        return Err(self.text_error(raw));
                    }
                }
                Event::GeneralRef(g) => {
                    let c =
                        resolve_reference(&g).map_err(|k| self.error_at(self.here() as u64, k))?;
                    if mixed {
                        let mut buf = [0u8; 4];
                        self.mixed_push_text(c.encode_utf8(&mut buf));
                    } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
                        let raw = self.reslice(&g)?;
                        return Err(self.text_error(raw));
                    }
                }
                Event::DocType(d) => return Err(self.doctype_error(&d)),
                Event::Decl(_) => {
                    return Err(self.error_at(
                        self.here() as u64,
                        ErrorKind::Misplaced("XML declaration inside the document".into()),
                    ));
                }
                Event::Eof => return Err(self.eof_error()),
            }
        }
    }

    fn text_error(&self, raw: &'i [u8]) -> Error {
        let s = String::from_utf8_lossy(raw);
        self.error_at(
            self.offset_of(raw) as u64,
            ErrorKind::UnexpectedText(quote(s.trim())),
        )
    }

    #[inline]
    fn skip_mode(&self) -> bool {
        self.opts.unknown_elements == UnknownElements::Skip
    }

    /// A required child `{ns}local`: reads it with `T::read` and advances `next` to the
    /// following sibling. Errors when `next` is another element or the parent ended.
    #[inline]
    pub fn req<T: XmlRead>(
        &mut self,
        next: &mut Option<Start<'i>>,
        ns: &'static str,
        local: &[u8],
    ) -> Result<T, Error> {
        loop {
            match next.take() {
                Some(s) if self.matches(&s, ns, local) => {
                    // The value's `Result` is the only value returned (no unwrap and
                    // re-wrap, no second `return`), so it is built in the caller's slot:
                    // large values are not copied.
                    let mut v = T::read(self, s);
                    if v.is_ok() {
                        match self.next_sibling() {
                            Ok(n) => *next = n,
                            Err(e) => v = Err(e),
                        }
                    }
                    return v;
                }
                Some(s) if self.skip_mode() && self.occurs_later(&s, ns, local)? => {
                    self.skip(s)?;
                    *next = self.next_sibling()?;
                }
                other => return Err(self.missing(other, ns, local)),
            }
        }
    }

    fn missing(&self, next: Option<Start<'i>>, ns: &str, local: &[u8]) -> Error {
        let expected = clark(ns, local);
        match next {
            Some(s) => {
                let found = self.describe(&s);
                self.error_at(s.pos, ErrorKind::MissingElement { expected, found })
            }
            None => self.unexpected(None, &[&expected]),
        }
    }

    /// An optional child `{ns}local`: `Some` (and `next` advanced) when `next` is that
    /// element, otherwise `None` with `next` unchanged.
    #[inline]
    pub fn opt<T: XmlRead>(
        &mut self,
        next: &mut Option<Start<'i>>,
        ns: &'static str,
        local: &[u8],
    ) -> Result<Option<T>, Error> {
        loop {
            match next {
                Some(s) if self.matches(s, ns, local) => {
                    if let Some(s) = next.take() {
                        // As in `req`: one returned value, built in place.
                        let mut v = T::read(self, s).map(Some);
                        if v.is_ok() {
                            match self.next_sibling() {
                                Ok(n) => *next = n,
                                Err(e) => v = Err(e),
                            }
                        }
                        return v;
                    }
                }
                Some(s) if self.skip_mode() => {
                    let s = s.clone();
                    if !self.occurs_later(&s, ns, local)? {
                        return Ok(None);
                    }
                    self.skip(s)?;
                    *next = self.next_sibling()?;
                }
                _ => return Ok(None),
            }
        }
    }

    /// A repeated child `{ns}local` (`minOccurs` = `min`, `maxOccurs` = `max`,
    /// `None` = unbounded): reads consecutive matching elements.
    pub fn rep<T: XmlRead>(
        &mut self,
        next: &mut Option<Start<'i>>,
        ns: &'static str,
        local: &[u8],
        min: usize,
        max: Option<usize>,
    ) -> Result<Vec<T>, Error> {
        let mut out = Vec::new();
        loop {
            match next {
                Some(s) if self.matches(s, ns, local) => {
                    if max.is_some_and(|m| out.len() >= m) {
                        let pos = s.pos;
                        return Err(self.error_at(
                            pos,
                            ErrorKind::TooMany {
                                name: clark(ns, local),
                                max: max.unwrap_or(0),
                            },
                        ));
                    }
                    if let Some(f) = self.frames.last_mut() {
                        f.repeated = true;
                    }
                    if let Some(s) = next.take() {
                        let v = T::read(self, s)?;
                        if out.capacity() == 0 {
                            // Most repeated children occur once or twice: start with room
                            // for one instead of `Vec`'s default of four (kilobytes for
                            // the large aggregates of schemas like UBL).
                            out.reserve_exact(1);
                        }
                        out.push(v);
                        *next = self.next_sibling()?;
                    }
                }
                Some(s) if self.skip_mode() => {
                    let s = s.clone();
                    if !self.occurs_later(&s, ns, local)? {
                        break;
                    }
                    self.skip(s)?;
                    *next = self.next_sibling()?;
                }
                _ => break,
            }
        }
        if out.len() < min {
            return Err(self.too_few(next.as_ref(), clark(ns, local), min, out.len()));
        }
        Ok(out)
    }

    fn too_few(&self, next: Option<&Start<'i>>, name: String, min: usize, found: usize) -> Error {
        let kind = ErrorKind::TooFew { name, min, found };
        match next {
            Some(s) => self.error_at(s.pos, kind),
            None => Error::at(
                self.input,
                self.here() as u64,
                self.path_with_closed(),
                kind,
            ),
        }
    }

    /// Wildcard (`xs:any`) children: captures consecutive elements whose namespace matches
    /// `ns` (between `min` and `max` of them) as self-contained [`AnyElement`]s.
    pub fn any(
        &mut self,
        next: &mut Option<Start<'i>>,
        ns: AnyNs<'_>,
        min: usize,
        max: Option<usize>,
    ) -> Result<Vec<AnyElement>, Error> {
        let mut out = Vec::new();
        while let Some(s) = next.take() {
            if !self.any_matches(ns, s.ns) || max.is_some_and(|m| out.len() >= m) {
                *next = Some(s);
                break;
            }
            if let Some(f) = self.frames.last_mut() {
                f.repeated = max != Some(1);
            }
            out.push(self.capture(s)?);
            *next = self.next_sibling()?;
        }
        if out.len() < min {
            let name = match ns {
                AnyNs::Any => "wildcard (##any)".to_owned(),
                AnyNs::Other(list) => format!("wildcard (##other than {})", list.join(" ")),
                AnyNs::List(list) => format!("wildcard ({})", list.join(" ")),
            };
            return Err(self.too_few(next.as_ref(), name, min, out.len()));
        }
        Ok(out)
    }

    /// Whether a namespace matches a wildcard constraint.
    pub fn any_matches(&self, constraint: AnyNs<'_>, ns: NsId) -> bool {
        match constraint {
            AnyNs::Any => true,
            AnyNs::Other(excluded) => {
                ns != NsId::NONE && !excluded.iter().any(|u| self.ns_is(ns, u))
            }
            AnyNs::List(list) => list.iter().any(|u| self.ns_is(ns, u)),
        }
    }

    /// Ends the content of the current element: `next` must be `None` (the parent ended).
    /// Otherwise an error "unexpected element ..., expected end of ...", or in lenient
    /// mode the remaining children are skipped.
    pub fn end(&mut self, mut next: Option<Start<'i>>) -> Result<(), Error> {
        while let Some(s) = next {
            if !self.skip_mode() {
                let parent = match self.frames.len().checked_sub(2) {
                    Some(i) => String::from_utf8_lossy(self.frames[i].qname).into_owned(),
                    None => "document".to_owned(),
                };
                let found = self.describe(&s);
                return Err(self.error_at(
                    s.pos,
                    ErrorKind::UnexpectedElement {
                        found,
                        expected: format!("end of {parent}"),
                    },
                ));
            }
            self.skip(s)?;
            next = self.next_sibling()?;
        }
        Ok(())
    }

    /// Lenient mode: does `{ns}local` occur among the siblings after `cur`?
    fn occurs_later(&mut self, cur: &Start<'i>, ns: &str, local: &[u8]) -> Result<bool, Error> {
        let Some(parent) = self.frames.len().checked_sub(2) else {
            return Ok(false);
        };
        if !self.memos.iter().any(|m| m.depth == parent) {
            let names = self.scan_siblings(cur)?;
            self.memos.push(SkipMemo {
                depth: parent,
                names,
            });
        }
        // By hash (not a scan of the names: a parent with many distinct children made
        // lenient reading quadratic).
        let Some(id) = self.ns_id(ns) else {
            return Ok(false);
        };
        Ok(self
            .memos
            .iter()
            .filter(|m| m.depth == parent)
            .filter_map(|m| m.names.get(&(id, local)))
            .any(|last| *last > cur.pos))
    }

    /// Lists the names of the siblings following `cur` (the open lookahead element) with
    /// the offset of their last occurrence, using a copy of the tokenizer.
    fn scan_siblings(&mut self, cur: &Start<'i>) -> Result<SiblingNames<'i>, Error> {
        let mut xml = self.xml.clone();
        let scope = self.frames.last().map_or(0, |f| f.ns_mark as usize);
        let mut depth: usize = usize::from(!cur.empty);
        let mut names: SiblingNames<'i> = HashMap::new();
        loop {
            let (e, is_start) = match xml.read_event() {
                Ok(Event::Start(e)) => (e, true),
                Ok(Event::Empty(e)) => (e, false),
                Ok(Event::End(_)) => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => continue,
            };
            if depth == 0 {
                let tag = self.reslice(&e)?;
                let name_len = e.name().as_ref().len().min(tag.len());
                if let Some((prefix, local)) = split_qname(&tag[..name_len]) {
                    // Its own declarations first, then the parent's scope.
                    let mut ns = None;
                    for a in RawAttrs::new(&tag[name_len..]).flatten() {
                        let declared: Option<&[u8]> = match a.qname {
                            b"xmlns" => Some(b""),
                            [b'x', b'm', b'l', b'n', b's', b':', p @ ..] => Some(p),
                            _ => None,
                        };
                        if declared == Some(prefix) {
                            if let Ok(uri) = attr_value(a.value) {
                                ns = Some(self.intern(&uri));
                            }
                        }
                    }
                    if let Some(id) = ns.or_else(|| self.lookup(scope, prefix)) {
                        let pos = self.offset_of(tag).saturating_sub(1) as u64;
                        names.insert((id, local), pos);
                    }
                }
            }
            if is_start {
                depth += 1;
            }
        }
        Ok(names)
    }

    // -----------------------------------------------------------------------------------
    // Whole elements

    /// Skips the element that `start` opened (and all its content).
    pub fn skip(&mut self, start: Start<'i>) -> Result<(), Error> {
        self.skip_inner(start).map(|_| ())
    }

    /// Skips an element; returns whether any element inside (or the element itself) has
    /// an unprefixed name in no namespace.
    fn skip_inner(&mut self, start: Start<'i>) -> Result<bool, Error> {
        let mut unqualified = start.ns == NsId::NONE;
        if start.empty {
            self.close();
            return Ok(unqualified);
        }
        let base = self.frames.len();
        loop {
            match next_event!(self) {
                Event::Start(ref e) => {
                    let s = self.open(e, false)?;
                    unqualified |= s.ns == NsId::NONE;
                }
                Event::Empty(ref e) => {
                    let s = self.open(e, true)?;
                    unqualified |= s.ns == NsId::NONE;
                    self.close();
                }
                Event::End(_) => {
                    self.close();
                    if self.frames.len() < base {
                        return Ok(unqualified);
                    }
                }
                Event::GeneralRef(g) => {
                    resolve_reference(&g).map_err(|k| self.error_at(self.here() as u64, k))?;
                }
                Event::Text(_) | Event::CData(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::DocType(d) => return Err(self.doctype_error(&d)),
                Event::Decl(_) => {
                    return Err(self.error_at(
                        self.here() as u64,
                        ErrorKind::Misplaced("XML declaration inside the document".into()),
                    ));
                }
                Event::Eof => return Err(self.eof_error()),
            }
        }
    }

    /// Captures the element that `start` opened verbatim, with the namespace declarations
    /// in scope that it uses and does not make itself, so that the fragment is
    /// self-contained (see [`AnyElement`]).
    ///
    /// Linear in the element's size: the used prefixes are found in one pass over its
    /// text and resolved through the binding index; the inherited declarations are kept
    /// as shared references to the reader's namespace URIs (never copied per element).
    /// The text the captured elements of a document add up to, declarations included, is
    /// bounded by [`ReadOptions::max_captured_bytes`].
    pub fn capture(&mut self, start: Start<'i>) -> Result<AnyElement, Error> {
        let mark = self
            .frames
            .len()
            .checked_sub(1)
            .map_or(0, |i| self.frames[i].ns_mark as usize)
            .min(self.bindings.len());
        // The element's own declarations (in scope until it is skipped).
        let mut own: Vec<&'i [u8]> = self.bindings[mark..].iter().map(|b| b.prefix).collect();
        own.sort_unstable();
        let start_pos = start.pos as usize;
        let qname_len = start.qname().len();
        let unqualified = self.skip_inner(start)?;
        let end = self.here();
        let Some(raw) = self.input.get(start_pos..end) else {
            return Err(self.error("internal error: capture range"));
        };
        let text = std::str::from_utf8(raw).map_err(|_| {
            self.error_at(
                start_pos as u64,
                ErrorKind::Encoding("element content is not valid UTF-8".into()),
            )
        })?;
        let head = (1 + qname_len).min(text.len());
        if !text.is_char_boundary(head) {
            return Err(self.error("internal error: capture boundary"));
        }
        // Inherited bindings the fragment uses (by binding index: outermost first), so that
        // capturing the same element again after a write gives the same text.
        let mut used: Vec<(usize, &'i [u8])> = Vec::new();
        let mut default_declared = own.binary_search(&&b""[..]).is_ok();
        if !default_declared && has_unprefixed_element(text) {
            if let Some(i) = self.lookup_index(mark, b"") {
                if self.bindings[i].ns != NsId::NONE {
                    used.push((i, b""));
                    default_declared = true;
                }
            }
        }
        for prefix in used_prefixes(raw) {
            if own.binary_search(&prefix).is_ok() {
                continue;
            }
            if let Some(i) = self.lookup_index(mark, prefix) {
                used.push((i, self.bindings[i].prefix));
            }
        }
        used.sort_unstable();
        let undeclare_default = unqualified && !default_declared;
        let mut size = text.len() + if undeclare_default { 9 } else { 0 };
        let same = self.last_inherited.0.len() == used.len()
            && self
                .last_inherited
                .0
                .iter()
                .zip(&used)
                .all(|(a, b)| *a == b.0)
            && self
                .last_inherited
                .1
                .iter()
                .zip(&used)
                .all(|((p, u), (i, prefix))| {
                    p.as_bytes() == *prefix
                        && Arc::ptr_eq(u, &self.uris[self.bindings[*i].ns.0 as usize])
                });
        if !same {
            let mut list: Vec<(Arc<str>, Arc<str>)> = Vec::with_capacity(used.len());
            for &(i, prefix) in &used {
                let uri = self.uris[self.bindings[i].ns.0 as usize].clone();
                let prefix = match self.prefix_arcs.get(prefix) {
                    Some(p) => p.clone(),
                    None => {
                        let p: Arc<str> = String::from_utf8_lossy(prefix).into();
                        self.prefix_arcs.insert(prefix, p.clone());
                        p
                    }
                };
                list.push((prefix, uri));
            }
            // Their length as written, computed once per list (not per element: a long
            // URI shared by many siblings is not scanned again for each).
            let len = list
                .iter()
                .map(|(p, u)| super::any::declaration_len(p.len(), u))
                .sum();
            self.last_inherited = (used.iter().map(|u| u.0).collect(), list.into(), len);
        }
        let inherited = self.last_inherited.1.clone();
        size += self.last_inherited.2;
        self.captured = self.captured.saturating_add(size);
        if self.captured > self.opts.max_captured_bytes {
            return Err(self.error_at(
                start_pos as u64,
                ErrorKind::Limit(format!(
                    "captured elements exceed {} bytes with the namespace declarations they \
                     inherit (ReadOptions::max_captured_bytes)",
                    self.opts.max_captured_bytes
                )),
            ));
        }
        Ok(AnyElement::from_captured(
            text.into(),
            head,
            inherited,
            undeclare_default,
        ))
    }

    // -----------------------------------------------------------------------------------
    // Text

    /// The text content of the element `start` opened (which is consumed): all text and
    /// CDATA up to its end tag, unescaped; borrowed when it is a single plain text run.
    /// Child elements are an error.
    pub fn text(&mut self, start: Start<'i>) -> Result<Cow<'i, str>, Error> {
        let t = self.text_inner(&start)?;
        self.close();
        Ok(t)
    }

    /// Reads text up to and including the end tag, without closing the frame.
    fn text_inner(&mut self, start: &Start<'i>) -> Result<Cow<'i, str>, Error> {
        if start.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut acc: Option<Cow<'i, str>> = None;
        loop {
            let piece: Cow<'i, str> = match next_event!(self) {
                Event::Text(t) => {
                    let raw = self.reslice(&t)?;
                    self.utf8_text(raw)?
                }
                Event::CData(c) => {
                    let raw = self.reslice(&c)?;
                    self.utf8_text(raw)?
                }
                Event::GeneralRef(g) => {
                    let c =
                        resolve_reference(&g).map_err(|k| self.error_at(self.here() as u64, k))?;
                    Cow::Owned(c.to_string())
                }
                Event::End(_) => break,
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Start(e) | Event::Empty(e) => {
                    let name = String::from_utf8_lossy(e.name().into_inner()).into_owned();
                    let pos = self.offset_of(&e).saturating_sub(1) as u64;
                    return Err(self.error_at(pos, ErrorKind::UnexpectedChild(name)));
                }
                Event::DocType(d) => return Err(self.doctype_error(&d)),
                Event::Decl(_) => {
                    return Err(self.error_at(
                        self.here() as u64,
                        ErrorKind::Misplaced("XML declaration inside the document".into()),
                    ));
                }
                Event::Eof => return Err(self.eof_error()),
            };
            acc = Some(match acc {
                None => piece,
                Some(mut a) => {
                    a.to_mut().push_str(&piece);
                    a
                }
            });
        }
        Ok(acc.unwrap_or(Cow::Borrowed("")))
    }

    /// Decodes a text run: UTF-8 check and line-end normalisation (`\r\n`, `\r` → `\n`).
    #[inline]
    fn utf8_text(&self, raw: &'i [u8]) -> Result<Cow<'i, str>, Error> {
        let s = std::str::from_utf8(raw).map_err(|e| {
            self.error_at(
                (self.offset_of(raw) + e.valid_up_to()) as u64,
                ErrorKind::Encoding("text is not valid UTF-8".into()),
            )
        })?;
        if raw.contains(&b'\r') {
            Ok(Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n")))
        } else {
            Ok(Cow::Borrowed(s))
        }
    }

    /// Reads the text of `start` as a simple value (the blanket [`XmlRead`] of every
    /// [`SimpleValue`]); errors carry the element's path.
    #[inline]
    pub fn value<T: SimpleValue>(&mut self, start: Start<'i>) -> Result<T, Error> {
        let text = self.text_inner(&start)?;
        match T::from_cow(text) {
            Ok(v) => {
                self.close();
                Ok(v)
            }
            Err(e) => Err(self.error_at(start.pos, ErrorKind::Value(e))),
        }
    }

    /// A required attribute: like [`attr`](Self::attr), but a missing attribute is an error
    /// that names the element and the attribute.
    pub fn attr_req<T: SimpleValue>(
        &self,
        start: &Start<'i>,
        ns: Option<&str>,
        local: &[u8],
    ) -> Result<T, Error> {
        match self.attr(start, ns, local)? {
            Some(v) => Ok(v),
            None => Err(self.missing_attr(start, ns, local)),
        }
    }

    /// Checks how often a repeated group occurred (`min`..=`max`); `what` names the
    /// elements that start the group, for the message.
    pub fn check_count(
        &self,
        count: usize,
        min: usize,
        max: Option<usize>,
        what: &[&str],
    ) -> Result<(), Error> {
        if count < min {
            return Err(self.error(format!(
                "expected at least {min} occurrence(s) of the group starting with {}, found {count}",
                what.join(" or ")
            )));
        }
        if let Some(max) = max {
            if count > max {
                return Err(self.error(format!(
                    "expected at most {max} occurrence(s) of the group starting with {}, found {count}",
                    what.join(" or ")
                )));
            }
        }
        Ok(())
    }

    /// Checks an element's `fixed` value; the error names the element.
    pub fn check_fixed<T: SimpleValue + PartialEq>(
        &self,
        value: &T,
        fixed: &str,
        element: &str,
    ) -> Result<(), Error> {
        crate::facets::fixed(value, fixed)
            .map_err(|e| self.error(format!("element {element}: {e}")))
    }

    /// The error for a required element of an `xs:all` group that did not occur.
    pub fn missing_element(&self, local: &str) -> Error {
        self.error(format!("missing required element {local}"))
    }

    /// Consumes an element that must have no content (whitespace and comments allowed),
    /// e.g. a nil element.
    pub fn expect_empty(&mut self, start: Start<'i>) -> Result<(), Error> {
        let t = self.text_inner(&start)?;
        if !all_ws(t.as_bytes()) {
            return Err(self.error_at(start.pos, ErrorKind::Other("element must be empty".into())));
        }
        self.close();
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // Attributes

    /// The attributes of `start` (namespace declarations excluded). Call before reading
    /// the element's content (prefixes resolve against the element's scope).
    pub fn attrs<'r>(&'r self, start: &Start<'i>) -> Attrs<'r, 'i> {
        if start.pos == self.tag_attrs_pos {
            // Parsed when the tag was opened (the usual case: a type reads its attributes
            // before its content).
            return Attrs {
                r: self,
                raw: RawAttrs::new(&[]),
                base: &[],
                cached: Some(0),
            };
        }
        let raw = start.attributes_raw();
        Attrs {
            r: self,
            raw: RawAttrs::new(raw),
            base: raw,
            cached: None,
        }
    }

    /// The attribute `local` in namespace `ns` (`None` = unqualified, the usual case),
    /// parsed as `T`; errors name the attribute path `.../elem/@name`.
    pub fn attr<T: SimpleValue>(
        &self,
        start: &Start<'i>,
        ns: Option<&str>,
        local: &[u8],
    ) -> Result<Option<T>, Error> {
        // Fast path: most declared attributes are absent. When the name does not occur in
        // the tag at all, skip parsing the attributes (generated code asks for each
        // declared attribute in turn, so this is the common case).
        if !contains(start.attributes_raw(), local) {
            return Ok(None);
        }
        for a in self.attrs(start) {
            let a = a?;
            let hit = a.local == local
                && match ns {
                    None => a.ns == NsId::NONE,
                    Some(u) => self.ns_is(a.ns, u),
                };
            if hit {
                return self.parse_attr(a).map(Some);
            }
        }
        Ok(None)
    }

    /// Whether the start tag carries any attributes (namespace declarations included).
    #[inline]
    pub fn has_attrs(&self, start: &Start<'i>) -> bool {
        !all_ws(start.attributes_raw())
    }

    /// Stores a declared attribute found in the one-pass attribute loop of generated code
    /// (`for a in r.attrs(&start) { match a.local { ... } }`): parses it into `slot`; an
    /// attribute that occurs twice is an error (XML forbids it).
    #[inline]
    pub fn set_attr<T: SimpleValue>(&self, slot: &mut Option<T>, a: Attr<'i>) -> Result<(), Error> {
        if slot.is_some() {
            return Err(self.attr_error(
                a.qname,
                a.pos,
                ErrorKind::Syntax("duplicate attribute".into()),
            ));
        }
        *slot = Some(self.parse_attr(a)?);
        Ok(())
    }

    /// A required attribute after the attribute loop: its value, or the error that names
    /// the element and the missing attribute.
    #[inline]
    pub fn required_attr<T>(
        &self,
        value: Option<T>,
        start: &Start<'i>,
        ns: Option<&str>,
        local: &[u8],
    ) -> Result<T, Error> {
        match value {
            Some(v) => Ok(v),
            None => Err(self.missing_attr(start, ns, local)),
        }
    }

    #[cold]
    fn missing_attr(&self, start: &Start<'i>, ns: Option<&str>, local: &[u8]) -> Error {
        self.error_at(
            start.pos,
            ErrorKind::Other(format!(
                "missing required attribute {}",
                clark(ns.unwrap_or(""), local)
            )),
        )
    }

    /// An attribute the element's type does not declare, in the one-pass attribute loop:
    /// `xsi:type` must name `ty` (the type being read, when it is named), `xsi:nil` must not
    /// be true (nillable elements are read through [`Nillable`]), other `xsi:` and SOAP
    /// envelope attributes are allowed; any other attribute is returned when the `wildcard`
    /// (`xs:anyAttribute`) admits it and is an error otherwise.
    pub fn other_attr(
        &self,
        a: Attr<'i>,
        ty: Option<(&str, &str)>,
        wildcard: Option<AnyNs<'_>>,
    ) -> Result<Option<AnyAttribute>, Error> {
        if a.ns != NsId::NONE {
            let uri = self.ns_uri(a.ns);
            if uri == XSI_NS {
                match a.local {
                    b"type" => self.check_xsi_type_attr(&a, ty)?,
                    b"nil" if self.parse_attr::<bool>(a.clone())? => {
                        return Err(self.attr_error(
                            a.qname,
                            a.pos,
                            ErrorKind::Other(
                                "xsi:nil=\"true\" on an element that is not nillable".into(),
                            ),
                        ));
                    }
                    _ => {}
                }
                return Ok(None);
            }
            if SOAP_ENV_NS.contains(&uri) {
                return Ok(None);
            }
        }
        let admitted = wildcard.is_some_and(|w| match w {
            AnyNs::Any => true,
            AnyNs::Other(excluded) => {
                a.ns != NsId::NONE && !excluded.iter().any(|u| self.ns_is(a.ns, u))
            }
            AnyNs::List(list) => list.iter().any(|u| self.ns_is(a.ns, u)),
        });
        if !admitted {
            return Err(self.attr_error(
                a.qname,
                a.pos,
                ErrorKind::Other(format!(
                    "attribute {} is not declared for this element",
                    clark(self.ns_uri(a.ns), a.local)
                )),
            ));
        }
        Ok(Some(AnyAttribute {
            namespace: self.ns_uri(a.ns).to_owned(),
            local: String::from_utf8_lossy(a.local).into_owned(),
            value: a.value.into_owned(),
        }))
    }

    /// Checks the attributes of an element whose type declares none (and no wildcard):
    /// see [`other_attr`](Self::other_attr).
    #[inline]
    pub fn no_attrs(&self, start: &Start<'i>, ty: Option<(&str, &str)>) -> Result<(), Error> {
        if self.has_attrs(start) {
            self.no_attrs_slow(start, ty)?;
        }
        Ok(())
    }

    fn no_attrs_slow(&self, start: &Start<'i>, ty: Option<(&str, &str)>) -> Result<(), Error> {
        for a in self.attrs(start) {
            self.other_attr(a?, ty, None)?;
        }
        Ok(())
    }

    fn check_xsi_type_attr(&self, a: &Attr<'i>, ty: Option<(&str, &str)>) -> Result<(), Error> {
        let Some((t, l)) = self.resolve_qname(&a.value) else {
            return Err(self.attr_error(
                a.qname,
                a.pos,
                ErrorKind::Other(format!(
                    "xsi:type {} is not a QName whose prefix is declared",
                    quote(&a.value)
                )),
            ));
        };
        match ty {
            Some((ns, local)) if !(self.ns_is(t, ns) && l == local) => Err(self.attr_error(
                a.qname,
                a.pos,
                ErrorKind::Other(format!(
                    "xsi:type {} is not {} or a known type derived from it",
                    clark(self.ns_uri(t), l.as_bytes()),
                    clark(ns, local.as_bytes())
                )),
            )),
            _ => Ok(()),
        }
    }

    /// Parses an attribute value as `T`; errors name the attribute path.
    pub fn parse_attr<T: SimpleValue>(&self, a: Attr<'i>) -> Result<T, Error> {
        let pos = a.pos;
        let qname = a.qname;
        T::from_cow(a.value).map_err(|e| self.attr_error(qname, pos, ErrorKind::Value(e)))
    }

    /// An error located at an attribute (`.../elem/@name`).
    pub fn attr_error(&self, qname: &[u8], pos: u64, kind: ErrorKind) -> Error {
        let mut path = self.path();
        path.push_str("/@");
        path.push_str(&String::from_utf8_lossy(qname));
        Error::at(self.input, pos, path, kind)
    }

    /// Whether `start` has `xsi:nil="true"`.
    pub fn is_nil(&self, start: &Start<'i>) -> Result<bool, Error> {
        if all_ws(start.attributes_raw()) {
            return Ok(false);
        }
        Ok(self
            .attr::<bool>(start, Some(XSI_NS), b"nil")?
            .unwrap_or(false))
    }
}

// ---------------------------------------------------------------------------------------
// Mixed content, `xsi:type` and attribute checks (used by generated code for mixed content,
// derived types, undeclared attributes and `xs:anyAttribute`).

/// An attribute admitted by an `xs:anyAttribute` wildcard, kept so it survives a read-write
/// round trip.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnyAttribute {
    /// Namespace URI (`""` for none).
    pub namespace: String,
    /// Local name.
    pub local: String,
    /// The value (attribute-value normalised).
    pub value: String,
}

/// Namespaces of the SOAP 1.1 and 1.2 envelopes: their attributes (`mustUnderstand`,
/// `actor`, `role`, `relay`, `encodingStyle`) may appear on header and body elements.
const SOAP_ENV_NS: [&str; 2] = [
    "http://schemas.xmlsoap.org/soap/envelope/",
    "http://www.w3.org/2003/05/soap-envelope",
];

impl<'i> Reader<'i> {
    /// Like [`first_child`](Self::first_child), for an element with mixed content: text
    /// between its children is collected instead of rejected; get it with
    /// [`take_mixed`](Self::take_mixed) after the element's content was read.
    pub fn first_child_mixed(&mut self, start: &Start<'i>) -> Result<Option<Start<'i>>, Error> {
        self.mixed.push(MixedText {
            depth: self.frames.len(),
            chunks: vec![String::new()],
        });
        self.first_child(start)
    }

    /// The text segments of the mixed-content element read last: element `k` of the result
    /// is the text before its `k`-th child element, the last one the text after the last.
    pub fn take_mixed(&mut self) -> Vec<String> {
        self.taken_mixed.take().unwrap_or_default()
    }

    fn mixed_push_text(&mut self, text: &str) {
        if let Some(c) = self.mixed.last_mut().and_then(|m| m.chunks.last_mut()) {
            c.push_str(text);
        }
    }

    fn mixed_push_chunk(&mut self) {
        // The child was opened, so the parent's entry is the innermost one.
        let depth = self.frames.len() - 1;
        if let Some(m) = self.mixed.iter_mut().rev().find(|m| m.depth == depth) {
            m.chunks.push(String::new());
        }
    }

    /// The `xsi:type` of `start` (which must be the innermost open element), resolved to
    /// (namespace, local name).
    pub fn xsi_type(&self, start: &Start<'i>) -> Result<Option<(NsId, String)>, Error> {
        // Fast path: no attribute named `type` unless the bytes occur in the tag.
        if !contains(start.attributes_raw(), b"type") {
            return Ok(None);
        }
        for a in self.attrs(start) {
            let a = a?;
            if a.local != b"type" || !self.ns_is(a.ns, XSI_NS) {
                continue;
            }
            return match self.resolve_qname(&a.value) {
                Some((ns, local)) => Ok(Some((ns, local.to_owned()))),
                None => Err(self.attr_error(
                    a.qname,
                    a.pos,
                    ErrorKind::Other(format!(
                        "xsi:type {} is not a QName whose prefix is declared",
                        quote(&a.value)
                    )),
                )),
            };
        }
        Ok(None)
    }

    /// Checks that an `xsi:type` on `start`, if any, names the type `{ns}local` that is read,
    /// and that the element is not `xsi:nil` (nillable elements are read through
    /// [`Nillable`], which handles nil before the type is read).
    pub fn check_xsi_type(&self, start: &Start<'i>, ns: &str, local: &str) -> Result<(), Error> {
        if !self.has_attrs(start) {
            return Ok(());
        }
        for a in self.attrs(start) {
            let a = a?;
            if a.ns != NsId::NONE && self.ns_is(a.ns, XSI_NS) {
                self.other_attr(a, Some((ns, local)), None)?;
            }
        }
        Ok(())
    }

    /// The error for an `xsi:type` that is not `{ns}local` or a type derived from it that
    /// the generated code knows (or that is abstract).
    pub fn bad_xsi_type(&self, start: &Start<'i>, ns: &str, local: &str) -> Error {
        let found = match self.xsi_type(start) {
            Ok(Some((t, l))) => clark(self.ns_uri(t), l.as_bytes()),
            _ => "(none)".to_owned(),
        };
        self.error_at(
            start.pos,
            ErrorKind::Other(format!(
                "xsi:type {found} is not {} or a known type derived from it",
                clark(ns, local.as_bytes())
            )),
        )
    }

    /// The error for an element whose declared type is abstract and that has no `xsi:type`.
    pub fn abstract_type(&self, start: &Start<'i>, ns: &str, local: &str) -> Error {
        self.error_at(
            start.pos,
            ErrorKind::Other(format!(
                "type {} is abstract: the element needs an xsi:type naming a derived type",
                clark(ns, local.as_bytes())
            )),
        )
    }

    /// The attributes of `start` that are not declared (`known`, as (namespace, local name)
    /// with `""` for no namespace): with a `wildcard` (`xs:anyAttribute`) the matching ones
    /// are returned, any other is an error. `xsi:` attributes, SOAP envelope attributes and
    /// namespace declarations are always allowed and never returned.
    pub fn other_attrs(
        &self,
        start: &Start<'i>,
        known: &[(&str, &str)],
        wildcard: Option<AnyNs<'_>>,
    ) -> Result<Vec<AnyAttribute>, Error> {
        let mut out = Vec::new();
        if !self.has_attrs(start) {
            return Ok(out);
        }
        for a in self.attrs(start) {
            let a = a?;
            let unqualified = a.ns == NsId::NONE;
            if known.iter().any(|(n, l)| {
                l.as_bytes() == a.local
                    && if unqualified {
                        n.is_empty()
                    } else {
                        self.ns_is(a.ns, n)
                    }
            }) {
                continue;
            }
            if let Some(x) = self.other_attr(a, None, wildcard)? {
                out.push(x);
            }
        }
        Ok(out)
    }
}

/// Iterator over the attributes of a start tag, see [`Reader::attrs`].
pub struct Attrs<'r, 'i> {
    r: &'r Reader<'i>,
    raw: RawAttrs<'i>,
    base: &'i [u8],
    /// Index into the reader's `tag_attrs` when they are the tag's attributes.
    cached: Option<usize>,
}

impl<'i> Iterator for Attrs<'_, 'i> {
    type Item = Result<Attr<'i>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let next = match &mut self.cached {
                Some(i) => {
                    let a = *self.r.tag_attrs.get(*i)?;
                    *i += 1;
                    Ok(a)
                }
                None => self.raw.next()?,
            };
            let a = match next {
                Ok(a) => a,
                Err((off, msg)) => {
                    let pos = (self.r.offset_of(self.base) + off) as u64;
                    return Some(Err(self.r.error_at(pos, ErrorKind::Syntax(msg.into()))));
                }
            };
            if a.qname == b"xmlns" || a.qname.starts_with(b"xmlns:") {
                continue;
            }
            let pos = self.r.offset_of(a.qname) as u64;
            let Some((prefix, local)) = split_qname(a.qname) else {
                return Some(Err(self.r.attr_error(
                    a.qname,
                    pos,
                    ErrorKind::Syntax("malformed attribute name".into()),
                )));
            };
            let ns = if prefix.is_empty() {
                NsId::NONE
            } else {
                match self.r.lookup(self.r.bindings.len(), prefix) {
                    Some(ns) => ns,
                    None => {
                        return Some(Err(self.r.attr_error(
                            a.qname,
                            pos,
                            ErrorKind::UndeclaredPrefix(
                                String::from_utf8_lossy(prefix).into_owned(),
                            ),
                        )));
                    }
                }
            };
            let value = match attr_value(a.value) {
                Ok(v) => v,
                Err(k) => return Some(Err(self.r.attr_error(a.qname, pos, k))),
            };
            return Some(Ok(Attr {
                ns,
                local,
                qname: a.qname,
                value,
                pos,
            }));
        }
    }
}

/// The distinct prefixes that `text` uses: every `prefix:` that starts a name (element,
/// attribute, or a QName-valued attribute or text), not part of a longer name. One pass:
/// each colon looks back over the name characters before it (runs between colons are
/// disjoint, so the whole is linear).
fn used_prefixes(text: &[u8]) -> HashSet<&[u8]> {
    let mut out = HashSet::new();
    let name_byte =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || b >= 0x80;
    let mut from = 0;
    while let Some(k) = text[from..].iter().position(|&b| b == b':') {
        let colon = from + k;
        let mut j = colon;
        while j > from && name_byte(text[j - 1]) {
            j -= 1;
        }
        if j < colon && (j == 0 || text[j - 1] != b':') {
            out.insert(&text[j..colon]);
        }
        from = colon + 1;
    }
    out
}

/// Whether any element name in `text` has no prefix.
fn has_unprefixed_element(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let rest = &bytes[i + 1..];
            if let Some(&c) = rest.first() {
                if !matches!(c, b'/' | b'!' | b'?') {
                    let name_end = rest
                        .iter()
                        .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
                        .unwrap_or(rest.len());
                    if !rest[..name_end].contains(&b':') {
                        return true;
                    }
                }
            }
        }
        i += 1;
    }
    false
}

/// Whether `needle` occurs in `haystack` (short needles: attribute names).
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    let n = needle.len();
    let (first, last) = (needle[0], needle[n - 1]);
    // First and last byte before the whole comparison (which is a `memcmp` call).
    haystack
        .windows(n)
        .any(|w| w[0] == first && w[n - 1] == last && w == needle)
}
