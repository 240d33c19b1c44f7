//! SOAP faults of both versions, and typed fault details.

use std::fmt;
use std::time::Duration;

use crate::error::Error;
use crate::xml::{AnyElement, AnyNs, ReadOptions, Reader, Start, Writer, XML_NS};

use super::envelope::{SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS, SoapVersion};

/// A namespace-qualified name (`{namespace}local`; an empty namespace is no namespace).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    /// The namespace URI (`""` for none).
    pub namespace: String,
    /// The local name.
    pub local: String,
}

impl QualifiedName {
    /// A name.
    pub fn new(namespace: impl Into<String>, local: impl Into<String>) -> Self {
        QualifiedName {
            namespace: namespace.into(),
            local: local.into(),
        }
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.local)
        } else {
            write!(f, "{{{}}}{}", self.namespace, self.local)
        }
    }
}

/// The fault code: SOAP 1.1 `faultcode` or SOAP 1.2 `Code/Value`, the standard codes of both
/// versions mapped onto one set (1.1 `Client` = 1.2 `Sender`, `Server` = `Receiver`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FaultCode {
    /// The envelope's namespace was not the expected one.
    VersionMismatch,
    /// A `mustUnderstand` header block was not understood.
    MustUnderstand,
    /// SOAP 1.2 `DataEncodingUnknown`.
    DataEncodingUnknown,
    /// The request was wrong: SOAP 1.1 `Client`, SOAP 1.2 `Sender`. Do not resend unchanged.
    Client,
    /// The service failed: SOAP 1.1 `Server`, SOAP 1.2 `Receiver`.
    Server,
    /// Any other code (an application-defined QName).
    Other(QualifiedName),
}

impl FaultCode {
    /// Maps a code QName to a standard code when it is one (`Client.Auth` style dotted
    /// SOAP 1.1 codes map to their first component).
    pub fn from_qname(namespace: &str, local: &str) -> FaultCode {
        if namespace == SOAP11_ENVELOPE_NS || namespace == SOAP12_ENVELOPE_NS {
            let base = local.split('.').next().unwrap_or(local);
            match base {
                "VersionMismatch" => return FaultCode::VersionMismatch,
                "MustUnderstand" => return FaultCode::MustUnderstand,
                "DataEncodingUnknown" => return FaultCode::DataEncodingUnknown,
                "Client" | "Sender" => return FaultCode::Client,
                "Server" | "Receiver" => return FaultCode::Server,
                _ => {}
            }
        }
        FaultCode::Other(QualifiedName::new(namespace, local))
    }

    /// The local name written for this code in `version`.
    fn local_name(&self, version: SoapVersion) -> &str {
        match (self, version) {
            (FaultCode::VersionMismatch, _) => "VersionMismatch",
            (FaultCode::MustUnderstand, _) => "MustUnderstand",
            (FaultCode::DataEncodingUnknown, _) => "DataEncodingUnknown",
            (FaultCode::Client, SoapVersion::Soap11) => "Client",
            (FaultCode::Client, SoapVersion::Soap12) => "Sender",
            (FaultCode::Server, SoapVersion::Soap11) => "Server",
            (FaultCode::Server, SoapVersion::Soap12) => "Receiver",
            (FaultCode::Other(q), _) => &q.local,
        }
    }
}

impl fmt::Display for FaultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultCode::Client => f.write_str("Client"),
            FaultCode::Server => f.write_str("Server"),
            FaultCode::Other(q) => write!(f, "{q}"),
            other => f.write_str(other.local_name(SoapVersion::Soap11)),
        }
    }
}

/// A SOAP fault, of either version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// `faultcode` (1.1) or `Code/Value` (1.2).
    pub code: FaultCode,
    /// SOAP 1.2 `Subcode/Value`s, outermost first; for a dotted SOAP 1.1 code
    /// (`Client.Authentication`) the full code.
    pub subcodes: Vec<QualifiedName>,
    /// `faultstring` (1.1) or the first `Reason/Text` (1.2).
    pub reason: String,
    /// The `xml:lang` of the reason, if given.
    pub lang: Option<String>,
    /// `faultactor` (1.1) or `Role` (1.2).
    pub actor: Option<String>,
    /// SOAP 1.2 `Node`.
    pub node: Option<String>,
    /// The elements inside `detail` (1.1) or `Detail` (1.2), captured verbatim.
    pub detail: Vec<AnyElement>,
}

impl Fault {
    /// A fault with a code and a reason, nothing else.
    pub fn new(code: FaultCode, reason: impl Into<String>) -> Self {
        Fault {
            code,
            subcodes: Vec::new(),
            reason: reason.into(),
            lang: None,
            actor: None,
            node: None,
            detail: Vec::new(),
        }
    }

    /// A `Client` (`Sender`) fault: the request was wrong.
    pub fn client(reason: impl Into<String>) -> Self {
        Self::new(FaultCode::Client, reason)
    }

    /// A `Server` (`Receiver`) fault: the service failed.
    pub fn server(reason: impl Into<String>) -> Self {
        Self::new(FaultCode::Server, reason)
    }

    /// Reads the retry advice a fault detail carries, by convention: a child element of a
    /// detail element with the local name `retryable` (`true`/`1`, or `false`/`0`) and an
    /// optional `retryAfterSeconds` (a non-negative integer). `None` when no detail element
    /// has a `retryable` child. FK's `flt:TechnicalError` follows this convention.
    pub fn retry_advice(&self) -> Option<(bool, Option<Duration>)> {
        for d in &self.detail {
            if let Some(advice) = retry_advice_of(d) {
                return Some(advice);
            }
        }
        None
    }
}

fn retry_advice_of(element: &AnyElement) -> Option<(bool, Option<Duration>)> {
    let mut r = Reader::new(element.as_str().as_bytes()).ok()?;
    let root = r.root().ok()?;
    let mut retryable = None;
    let mut after = None;
    let mut next = r.first_child(&root).ok()?;
    while let Some(s) = next.take() {
        match s.local {
            b"retryable" => {
                let t = r.text(s).ok()?;
                retryable = match t.trim() {
                    "true" | "1" => Some(true),
                    "false" | "0" => Some(false),
                    _ => None,
                };
            }
            b"retryAfterSeconds" => {
                let t = r.text(s).ok()?;
                after = t.trim().parse::<u64>().ok().map(Duration::from_secs);
            }
            _ => r.skip(s).ok()?,
        }
        next = r.next_sibling().ok()?;
    }
    retryable.map(|r| (r, after))
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SOAP fault {}", self.code)?;
        if let Some(s) = self.subcodes.first() {
            write!(f, " ({s})")?;
        }
        write!(f, ": {}", self.reason)?;
        if let Some(a) = &self.actor {
            write!(f, " [actor {a}]")?;
        }
        Ok(())
    }
}

/// The fault details declared for one operation (`wsdl:fault`), implemented by the enums
/// generated per operation: one variant per fault, holding the fault element's type.
pub trait FaultDetail: Sized + fmt::Debug {
    /// Reads `element` (one element inside the fault's detail) as one of the declared
    /// faults: `None` when it is none of them, `Some(Err)` when it is one but does not read.
    fn from_detail(element: &AnyElement, options: &ReadOptions) -> Option<Result<Self, Error>>;

    /// Writes the detail element.
    fn write_detail(&self, w: &mut Writer);

    /// The WSDL fault name of this detail (e.g. `TechnicalFault`).
    fn fault_name(&self) -> &'static str;
}

/// The fault detail of an operation that declares no faults: it has no values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoFault {}

impl FaultDetail for NoFault {
    fn from_detail(_: &AnyElement, _: &ReadOptions) -> Option<Result<Self, Error>> {
        None
    }
    fn write_detail(&self, _: &mut Writer) {
        match *self {}
    }
    fn fault_name(&self) -> &'static str {
        match *self {}
    }
}

impl fmt::Display for NoFault {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

/// A fault together with its typed detail: what a client receives and a server returns.
///
/// `detail` is the first detail element that is one of the operation's declared faults
/// (`None` when the detail is absent or undeclared: the raw elements stay in
/// `fault.detail`). `detail_error` says why a declared detail element did not read.
#[derive(Debug, Clone)]
pub struct SoapFault<F> {
    /// The fault (code, reason, actor, raw detail).
    pub fault: Fault,
    /// The typed detail.
    pub detail: Option<F>,
    /// Why a declared detail element did not read (the fault is still reported).
    pub detail_error: Option<Error>,
}

impl<F: FaultDetail> SoapFault<F> {
    /// A fault without typed detail.
    pub fn new(fault: Fault) -> Self {
        SoapFault {
            fault,
            detail: None,
            detail_error: None,
        }
    }

    /// A `Client` (`Sender`) fault: the request was wrong.
    pub fn client(reason: impl Into<String>) -> Self {
        Self::new(Fault::client(reason))
    }

    /// A `Server` (`Receiver`) fault: the service failed.
    pub fn server(reason: impl Into<String>) -> Self {
        Self::new(Fault::server(reason))
    }

    /// Adds a typed detail.
    pub fn with_detail(mut self, detail: F) -> Self {
        self.detail = Some(detail);
        self
    }

    /// Types the detail of a received fault: the first detail element that is one of `F`.
    pub fn from_fault(fault: Fault, options: &ReadOptions) -> Self {
        let mut out = SoapFault::new(fault);
        for element in &out.fault.detail {
            match F::from_detail(element, options) {
                Some(Ok(d)) => {
                    out.detail = Some(d);
                    out.detail_error = None;
                    break;
                }
                Some(Err(e)) if out.detail_error.is_none() => out.detail_error = Some(e),
                _ => {}
            }
        }
        out
    }

    /// Changes the detail type, keeping the fault (a typed detail becomes raw XML).
    pub fn into_untyped<G: FaultDetail>(self) -> SoapFault<G> {
        let mut fault = self.fault;
        if let Some(d) = &self.detail {
            let mut w = Writer::new();
            d.write_detail(&mut w);
            if let Ok(e) = AnyElement::parse(w.into_string()) {
                fault.detail.insert(0, e);
            }
        }
        SoapFault::new(fault)
    }
}

impl<F: FaultDetail> From<F> for SoapFault<F> {
    /// A `Server` fault whose reason is the fault name, with `detail` as its detail.
    fn from(detail: F) -> Self {
        SoapFault::server(detail.fault_name()).with_detail(detail)
    }
}

impl<F: FaultDetail> From<Fault> for SoapFault<F> {
    fn from(fault: Fault) -> Self {
        SoapFault::new(fault)
    }
}

impl<F: FaultDetail> fmt::Display for SoapFault<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.fault)?;
        if let Some(d) = &self.detail {
            write!(f, " (detail {}: {d:?})", d.fault_name())?;
        } else if let Some(e) = &self.detail_error {
            write!(f, " (the detail did not read: {e})")?;
        }
        Ok(())
    }
}

impl<F: FaultDetail> std::error::Error for SoapFault<F> {}

// ---------------------------------------------------------------------------------------
// Reading

/// `xmlns:p` declarations on the start tag itself (the reader drops them once the element
/// is closed, and a fault code's prefix may be declared there).
fn own_declarations(start: &Start<'_>) -> Vec<(String, String)> {
    let raw = start.attributes_raw();
    let mut out = Vec::new();
    for a in crate::xml::RawAttrs::new(raw).flatten() {
        let prefix = match a.qname {
            b"xmlns" => Some(String::new()),
            [b'x', b'm', b'l', b'n', b's', b':', p @ ..] => {
                Some(String::from_utf8_lossy(p).into_owned())
            }
            _ => None,
        };
        if let (Some(p), Ok(v)) = (prefix, crate::xml::attr_value(a.value)) {
            out.push((p, v.into_owned()));
        }
    }
    out
}

/// Reads a QName-valued element (a fault code value).
fn read_qname<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<QualifiedName, Error> {
    let own = own_declarations(&start);
    let text = r.text(start)?;
    let text = text.trim();
    let (prefix, local) = text.split_once(':').unwrap_or(("", text));
    let namespace = own
        .iter()
        .rev()
        .find(|(p, _)| p == prefix)
        .map(|(_, u)| u.clone())
        .or_else(|| {
            r.resolve_prefix(prefix.as_bytes())
                .map(|id| r.ns_uri(id).to_owned())
        })
        .unwrap_or_default();
    Ok(QualifiedName::new(namespace, local))
}

fn read_detail<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Vec<AnyElement>, Error> {
    let mut next = r.first_child(&start)?;
    let out = r.any(&mut next, AnyNs::Any, 0, None)?;
    r.end(next)?;
    Ok(out)
}

pub(crate) fn read_fault<'i>(
    r: &mut Reader<'i>,
    start: Start<'i>,
    version: SoapVersion,
) -> Result<Fault, Error> {
    let mut fault = Fault::new(FaultCode::Server, "");
    let mut next = r.first_child(&start)?;
    while let Some(s) = next.take() {
        let local = s.local;
        match (version, local) {
            (SoapVersion::Soap11, b"faultcode") => {
                let q = read_qname(r, s)?;
                fault.code = FaultCode::from_qname(&q.namespace, &q.local);
                if q.local.contains('.') {
                    fault.subcodes.push(q);
                }
            }
            (SoapVersion::Soap11, b"faultstring") => {
                fault.lang = r.attr::<String>(&s, Some(XML_NS), b"lang")?;
                fault.reason = r.text(s)?.into_owned();
            }
            (SoapVersion::Soap11, b"faultactor") | (SoapVersion::Soap12, b"Role") => {
                fault.actor = Some(r.text(s)?.into_owned());
            }
            (SoapVersion::Soap12, b"Node") => fault.node = Some(r.text(s)?.into_owned()),
            (SoapVersion::Soap11, b"detail") | (SoapVersion::Soap12, b"Detail") => {
                fault.detail = read_detail(r, s)?;
            }
            (SoapVersion::Soap12, b"Code") => {
                // Code/Value, then nested Subcode/Value ...
                let mut level = r.first_child(&s)?;
                let mut depth = 0usize;
                loop {
                    let Some(c) = level.take() else {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                        level = r.next_sibling()?;
                        continue;
                    };
                    match c.local {
                        b"Value" => {
                            let q = read_qname(r, c)?;
                            if depth == 0 {
                                fault.code = FaultCode::from_qname(&q.namespace, &q.local);
                            } else {
                                fault.subcodes.push(q);
                            }
                            level = r.next_sibling()?;
                        }
                        b"Subcode" => {
                            depth += 1;
                            level = r.first_child(&c)?;
                            if level.is_none() {
                                depth -= 1;
                                level = r.next_sibling()?;
                            }
                        }
                        _ => {
                            r.skip(c)?;
                            level = r.next_sibling()?;
                        }
                    }
                }
            }
            (SoapVersion::Soap12, b"Reason") => {
                let mut texts = r.first_child(&s)?;
                while let Some(t) = texts.take() {
                    if t.local == b"Text" && fault.reason.is_empty() {
                        fault.lang = r.attr::<String>(&t, Some(XML_NS), b"lang")?;
                        fault.reason = r.text(t)?.into_owned();
                    } else {
                        r.skip(t)?;
                    }
                    texts = r.next_sibling()?;
                }
            }
            _ => r.skip(s)?,
        }
        next = r.next_sibling()?;
    }
    Ok(fault)
}

// ---------------------------------------------------------------------------------------
// Writing

/// Writes a code QName as element text, declaring its prefix on the element when the
/// namespace is not the envelope's.
fn write_code(w: &mut Writer, element: &str, version: SoapVersion, q: (&str, &str)) {
    let (ns, local) = q;
    w.start(element);
    if ns == version.envelope_ns() {
        w.close_start();
        w.raw(version.prefix());
        w.raw(":");
    } else if ns.is_empty() {
        w.close_start();
    } else {
        w.ns_decls(&[("fc", ns)]);
        w.close_start();
        w.raw("fc:");
    }
    w.text_str(local);
    w.end(element);
}

fn text_element(w: &mut Writer, name: &str, text: &str) {
    w.start(name);
    w.close_start();
    w.text_str(text);
    w.end(name);
}

pub(crate) fn write_fault(
    w: &mut Writer,
    version: SoapVersion,
    fault: &Fault,
    typed: &mut dyn FnMut(&mut Writer) -> bool,
) {
    let p = version.prefix();
    let env = version.envelope_ns();
    let q = |s: &str| format!("{p}:{s}");
    let code_ns = match &fault.code {
        FaultCode::Other(n) => n.namespace.as_str(),
        _ => env,
    };
    let code_local = fault.code.local_name(version).to_owned();
    w.start(&q("Fault"));
    w.close_start();
    // Writes the detail wrapper only when there is something to put in it.
    let mut write_detail = |w: &mut Writer, name: &str| {
        let mut inner = Writer::new();
        let wrote_typed = typed(&mut inner);
        if !wrote_typed && fault.detail.is_empty() {
            return;
        }
        w.start(name);
        w.close_start();
        w.raw(inner.as_str());
        w.any(&fault.detail);
        w.end(name);
    };
    match version {
        SoapVersion::Soap11 => {
            write_code(w, "faultcode", version, (code_ns, &code_local));
            w.start("faultstring");
            if let Some(l) = &fault.lang {
                w.attr("xml:lang", l);
            }
            w.close_start();
            w.text_str(&fault.reason);
            w.end("faultstring");
            if let Some(a) = &fault.actor {
                text_element(w, "faultactor", a);
            }
            write_detail(w, "detail");
        }
        SoapVersion::Soap12 => {
            let (value, subcodes): ((&str, &str), Vec<(&str, &str)>) = match &fault.code {
                FaultCode::Other(n) => (
                    (env, "Receiver"),
                    std::iter::once((n.namespace.as_str(), n.local.as_str()))
                        .chain(
                            fault
                                .subcodes
                                .iter()
                                .map(|s| (s.namespace.as_str(), s.local.as_str())),
                        )
                        .collect(),
                ),
                _ => (
                    (env, code_local.as_str()),
                    fault
                        .subcodes
                        .iter()
                        .map(|s| (s.namespace.as_str(), s.local.as_str()))
                        .collect(),
                ),
            };
            w.start(&q("Code"));
            w.close_start();
            write_code(w, &q("Value"), version, value);
            for s in &subcodes {
                w.start(&q("Subcode"));
                w.close_start();
                write_code(w, &q("Value"), version, *s);
            }
            for _ in &subcodes {
                w.end(&q("Subcode"));
            }
            w.end(&q("Code"));
            w.start(&q("Reason"));
            w.close_start();
            w.start(&q("Text"));
            w.attr(
                "xml:lang",
                &fault.lang.clone().unwrap_or_else(|| "en".into()),
            );
            w.close_start();
            w.text_str(&fault.reason);
            w.end(&q("Text"));
            w.end(&q("Reason"));
            if let Some(n) = &fault.node {
                text_element(w, &q("Node"), n);
            }
            if let Some(a) = &fault.actor {
                text_element(w, &q("Role"), a);
            }
            write_detail(w, &q("Detail"));
        }
    }
    w.end(&q("Fault"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::{Body, EnvelopeWriter, read_envelope};

    fn parse(xml: &[u8]) -> Fault {
        let env = read_envelope(xml, &ReadOptions::default(), |r, s| {
            r.skip(s)?;
            Ok(())
        })
        .unwrap();
        match env.body {
            Body::Fault(f) => f,
            Body::Payload(()) => panic!("fault expected"),
        }
    }

    const TECH: &str = r#"<flt:TechnicalError xmlns:flt="urn:fk:tandvard:fault:1"><flt:code>TEC-003</flt:code><flt:retryable>true</flt:retryable><flt:retryAfterSeconds>7</flt:retryAfterSeconds></flt:TechnicalError>"#;

    #[test]
    fn soap11_fault() {
        let xml = format!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
<faultcode>s:Server</faultcode><faultstring xml:lang="sv">Stängt</faultstring>
<faultactor>urn:fk</faultactor><detail>{TECH}</detail></s:Fault></s:Body></s:Envelope>"#
        );
        let f = parse(xml.as_bytes());
        assert_eq!(f.code, FaultCode::Server);
        assert_eq!(f.reason, "Stängt");
        assert_eq!(f.lang.as_deref(), Some("sv"));
        assert_eq!(f.actor.as_deref(), Some("urn:fk"));
        assert_eq!(f.detail.len(), 1);
        assert_eq!(f.detail[0].local_name(), "TechnicalError");
        assert_eq!(f.retry_advice(), Some((true, Some(Duration::from_secs(7)))));
        assert_eq!(f.to_string(), "SOAP fault Server: Stängt [actor urn:fk]");
    }

    #[test]
    fn soap11_custom_code_declared_on_element() {
        let f = parse(br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:x="urn:x">x:Busy</faultcode><faultstring>b</faultstring></s:Fault></s:Body></s:Envelope>"#);
        assert_eq!(
            f.code,
            FaultCode::Other(QualifiedName::new("urn:x", "Busy"))
        );
        let f = parse(br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client.Authentication</faultcode><faultstring>b</faultstring></s:Fault></s:Body></s:Envelope>"#);
        assert_eq!(f.code, FaultCode::Client);
        assert_eq!(f.subcodes[0].local, "Client.Authentication");
        assert_eq!(f.retry_advice(), None);
    }

    #[test]
    fn soap12_fault() {
        let xml = format!(
            r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:a="urn:a"><env:Body><env:Fault>
<env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>a:Bad</env:Value><env:Subcode><env:Value>a:Worse</env:Value></env:Subcode></env:Subcode></env:Code>
<env:Reason><env:Text xml:lang="en">bad</env:Text><env:Text xml:lang="sv">dåligt</env:Text></env:Reason>
<env:Node>urn:n</env:Node><env:Role>urn:r</env:Role><env:Detail>{TECH}</env:Detail></env:Fault></env:Body></env:Envelope>"#
        );
        let f = parse(xml.as_bytes());
        assert_eq!(f.code, FaultCode::Client);
        assert_eq!(
            f.subcodes,
            vec![
                QualifiedName::new("urn:a", "Bad"),
                QualifiedName::new("urn:a", "Worse")
            ]
        );
        assert_eq!(f.reason, "bad");
        assert_eq!(f.lang.as_deref(), Some("en"));
        assert_eq!(f.node.as_deref(), Some("urn:n"));
        assert_eq!(f.actor.as_deref(), Some("urn:r"));
        assert_eq!(f.detail.len(), 1);
    }

    #[test]
    fn write_read_round_trip_both_versions() {
        let mut fault = Fault::new(
            FaultCode::Other(QualifiedName::new("urn:x", "Busy")),
            "a < b & c",
        );
        fault.actor = Some("urn:actor".into());
        fault.detail = vec![AnyElement::parse(TECH).unwrap()];
        for v in [SoapVersion::Soap11, SoapVersion::Soap12] {
            let xml = EnvelopeWriter::new(v).fault(&fault);
            let back = parse(&xml);
            assert_eq!(back.reason, fault.reason, "{v:?}");
            assert_eq!(back.actor, fault.actor, "{v:?}");
            assert_eq!(back.detail, fault.detail, "{v:?}");
            match v {
                SoapVersion::Soap11 => assert_eq!(back.code, fault.code),
                SoapVersion::Soap12 => {
                    assert_eq!(back.code, FaultCode::Server);
                    assert_eq!(back.subcodes, vec![QualifiedName::new("urn:x", "Busy")]);
                }
            }
            for code in [
                FaultCode::Client,
                FaultCode::Server,
                FaultCode::MustUnderstand,
            ] {
                let xml = EnvelopeWriter::new(v).fault(&Fault::new(code.clone(), "r"));
                assert_eq!(parse(&xml).code, code);
                assert!(!String::from_utf8_lossy(&xml).contains("etail"));
            }
        }
    }
}
