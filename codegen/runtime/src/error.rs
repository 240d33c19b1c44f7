//! Error types: [`Error`] for documents (with location), [`ValueError`] for lexical values.

use std::fmt;
use std::ops::Deref;

/// A value (text or attribute content) that does not fit its XSD type or facets.
///
/// The message says what was expected, e.g. `invalid xs:date "2026-02-30": no such day`
/// or `"12.345" has 3 fraction digits, at most 2 allowed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    message: String,
}

/// Longest value excerpt quoted in an error message, in characters.
const QUOTE_MAX: usize = 64;

/// Quotes `s` for an error message (`"..."`), shortened to a bounded length.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(QUOTE_MAX * 2) + 2);
    out.push('"');
    for (n, c) in s.chars().enumerate() {
        if n == QUOTE_MAX {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl ValueError {
    /// An error with a free-form message.
    pub fn new(message: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
        }
    }

    /// `invalid {type_name} "{value}": {reason}`, e.g.
    /// `ValueError::invalid("xs:date", "2026-02-30", "no such day")`.
    pub fn invalid(type_name: &str, value: &str, reason: &str) -> Self {
        ValueError {
            message: format!("invalid {type_name} {}: {reason}", quote(value)),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValueError {}

/// What went wrong while reading a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not well-formed XML (message from the XML tokenizer or our own checks).
    #[error("malformed XML: {0}")]
    Syntax(String),
    /// The document contains a document type declaration.
    #[error("DTD/DOCTYPE is not allowed")]
    DocType,
    /// An entity reference other than the five predefined ones.
    #[error("unknown entity reference &{0};")]
    UnknownEntity(String),
    /// A character reference to a character that XML does not allow.
    #[error("invalid character reference &{0};")]
    InvalidCharRef(String),
    /// Element nesting deeper than [`ReadOptions::max_depth`](crate::ReadOptions::max_depth).
    #[error("element nesting deeper than the limit of {0}")]
    DepthLimit(usize),
    /// Input larger than [`ReadOptions::max_size`](crate::ReadOptions::max_size).
    #[error("document of {size} bytes exceeds the size limit of {max} bytes")]
    SizeLimit {
        /// Size of the input in bytes.
        size: usize,
        /// The configured limit.
        max: usize,
    },
    /// A limit of [`ReadOptions`](crate::ReadOptions) other than depth and size was
    /// exceeded (namespace URI length, declarations in scope, attributes per element,
    /// captured bytes); the message names the limit and its option.
    #[error("{0}")]
    Limit(String),
    /// The input is not UTF-8 (or declares another encoding).
    #[error("{0}")]
    Encoding(String),
    /// A namespace prefix without a declaration in scope.
    #[error("undeclared namespace prefix {0:?}")]
    UndeclaredPrefix(String),
    /// A malformed or forbidden namespace declaration.
    #[error("invalid namespace declaration: {0}")]
    NamespaceDeclaration(String),
    /// Non-whitespace text where only elements are allowed.
    #[error("unexpected text {0} in element-only content")]
    UnexpectedText(String),
    /// A child element where only text is allowed.
    #[error("expected text content, found element {0}")]
    UnexpectedChild(String),
    /// An element that the content model does not allow here.
    #[error("unexpected element {found}, expected {expected}")]
    UnexpectedElement {
        /// The element found, as `{namespace}local`.
        found: String,
        /// What was expected (an element name, a list, or the end of the parent).
        expected: String,
    },
    /// A required element is missing.
    #[error("missing element {expected}, found {found}")]
    MissingElement {
        /// The required element, as `{namespace}local`.
        expected: String,
        /// What came instead (an element or the end of the parent).
        found: String,
    },
    /// An element occurs fewer times than its `minOccurs`.
    #[error("expected at least {min} {name} element(s), found {found}")]
    TooFew {
        /// The element, as `{namespace}local` (or a wildcard description).
        name: String,
        /// `minOccurs`.
        min: usize,
        /// How many were found.
        found: usize,
    },
    /// An element occurs more times than its `maxOccurs`.
    #[error("more than {max} {name} element(s)")]
    TooMany {
        /// The element, as `{namespace}local` (or a wildcard description).
        name: String,
        /// `maxOccurs`.
        max: usize,
    },
    /// The root element is not the one expected.
    #[error("expected root element {expected}, found {found}")]
    WrongRoot {
        /// The expected root, as `{namespace}local`.
        expected: String,
        /// The root found, as `{namespace}local`.
        found: String,
    },
    /// The document ended before the root element was closed (or had no root).
    #[error("unexpected end of document{0}")]
    UnexpectedEof(String),
    /// Content after the root element, or text/markup before it.
    #[error("{0}")]
    Misplaced(String),
    /// A text or attribute value that does not fit its type or facets.
    #[error("{0}")]
    Value(ValueError),
    /// Any other error (e.g. raised by hand-written or generated code).
    #[error("{0}")]
    Other(String),
}

/// Details of an [`Error`] (reachable through `Deref`, so `err.kind`, `err.path` work).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDetail {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Element path from the root, e.g. `/env:Envelope/env:Body/tns:Claim/tns:line[2]/tns:amount`;
    /// attributes are appended as `/@name`. Empty when no element was open.
    pub path: String,
    /// Byte offset into the input.
    pub position: u64,
    /// 1-based line of `position`.
    pub line: u32,
    /// 1-based column (in characters) of `position`.
    pub column: u32,
}

/// An error while reading a document: what went wrong, and where.
///
/// Displays as `at /a/b[2]/c (line 14, column 9, byte 812): invalid xs:decimal "x": ...`.
/// Boxed so that `Result<T, Error>` stays small on the hot path.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<ErrorDetail>);

impl Error {
    /// Builds an error from its parts.
    pub fn new(kind: ErrorKind, path: String, position: u64, line: u32, column: u32) -> Self {
        Error(Box::new(ErrorDetail {
            kind,
            path,
            position,
            line,
            column,
        }))
    }

    /// Builds an error located at byte `position` of `input` (line and column are computed).
    pub fn at(input: &[u8], position: u64, path: String, kind: ErrorKind) -> Self {
        let (line, column) = line_column(input, position);
        Self::new(kind, path, position, line, column)
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Consumes the error, returning its details.
    pub fn into_detail(self) -> ErrorDetail {
        *self.0
    }
}

impl Deref for Error {
    type Target = ErrorDetail;
    fn deref(&self) -> &ErrorDetail {
        &self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        let path = if d.path.is_empty() { "/" } else { &d.path };
        write!(
            f,
            "at {path} (line {}, column {}, byte {}): {}",
            d.line, d.column, d.position, d.kind
        )
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// 1-based line and column (in characters) of byte `position` in `input`.
pub(crate) fn line_column(input: &[u8], position: u64) -> (u32, u32) {
    let end = usize::try_from(position)
        .unwrap_or(usize::MAX)
        .min(input.len());
    let before = &input[..end];
    // Line breaks as XML normalises them: LF, CRLF and a lone CR.
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |p| p + 1);
    let lines = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && input.get(i + 1) != Some(&b'\n')))
        .count();
    let column = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count();
    (
        u32::try_from(lines + 1).unwrap_or(u32::MAX),
        u32::try_from(column + 1).unwrap_or(u32::MAX),
    )
}
