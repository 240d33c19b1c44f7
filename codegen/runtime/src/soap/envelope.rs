//! Envelope reading and writing.

use crate::error::{Error, ErrorKind};
use crate::xml::{AnyElement, ReadOptions, Reader, RootElement, Start, Writer, XmlRead, XmlWrite};

use super::fault::{Fault, FaultDetail, NoFault, SoapFault, read_fault, write_fault};

/// The SOAP 1.1 envelope namespace.
pub const SOAP11_ENVELOPE_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The SOAP 1.2 envelope namespace.
pub const SOAP12_ENVELOPE_NS: &str = "http://www.w3.org/2003/05/soap-envelope";

/// SOAP version of an envelope (and of the binding an operation is bound with).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SoapVersion {
    /// SOAP 1.1: `text/xml`, the action in the `SOAPAction` HTTP header.
    #[default]
    Soap11,
    /// SOAP 1.2: `application/soap+xml`, the action as a media type parameter.
    Soap12,
}

impl SoapVersion {
    /// The envelope namespace URI.
    pub fn envelope_ns(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => SOAP11_ENVELOPE_NS,
            SoapVersion::Soap12 => SOAP12_ENVELOPE_NS,
        }
    }

    /// The version whose envelope namespace is `uri`.
    pub fn from_envelope_ns(uri: &str) -> Option<SoapVersion> {
        match uri {
            SOAP11_ENVELOPE_NS => Some(SoapVersion::Soap11),
            SOAP12_ENVELOPE_NS => Some(SoapVersion::Soap12),
            _ => None,
        }
    }

    /// The prefix written for the envelope namespace (`soapenv` or `env`).
    pub fn prefix(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => "soapenv",
            SoapVersion::Soap12 => "env",
        }
    }

    /// The HTTP `Content-Type` of a message. For SOAP 1.2 a non-empty `action` is added as
    /// the `action` parameter; for SOAP 1.1 it goes in the `SOAPAction` header instead
    /// (see [`soap_action_header`](Self::soap_action_header)).
    pub fn content_type(self, action: &str) -> String {
        match self {
            SoapVersion::Soap11 => "text/xml; charset=utf-8".to_owned(),
            SoapVersion::Soap12 if action.is_empty() => {
                "application/soap+xml; charset=utf-8".to_owned()
            }
            SoapVersion::Soap12 => format!(
                "application/soap+xml; charset=utf-8; action=\"{}\"",
                action.replace(['"', '\\', '\r', '\n'], "")
            ),
        }
    }

    /// The value of the `SOAPAction` HTTP header (SOAP 1.1 only; quoted as the
    /// specification asks). `None` for SOAP 1.2.
    pub fn soap_action_header(self, action: &str) -> Option<String> {
        match self {
            SoapVersion::Soap11 => Some(format!(
                "\"{}\"",
                action.replace(['"', '\\', '\r', '\n'], "")
            )),
            SoapVersion::Soap12 => None,
        }
    }

    /// The version a request's `Content-Type` indicates (`application/soap+xml` is 1.2,
    /// anything else 1.1).
    pub fn from_content_type(content_type: &str) -> SoapVersion {
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media == "application/soap+xml" {
            SoapVersion::Soap12
        } else {
            SoapVersion::Soap11
        }
    }

    /// The SOAP action of a request: the `SOAPAction` header value (quotes removed), or
    /// the `action` parameter of a SOAP 1.2 `Content-Type`. Empty when there is none.
    pub fn request_action(content_type: Option<&str>, soap_action: Option<&str>) -> String {
        if let Some(a) = soap_action {
            let a = a.trim();
            let a = a
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(a);
            if !a.is_empty() {
                return a.to_owned();
            }
        }
        if let Some(ct) = content_type {
            for param in ct.split(';').skip(1) {
                if let Some((k, v)) = param.split_once('=') {
                    if k.trim().eq_ignore_ascii_case("action") {
                        let v = v.trim();
                        let v = v
                            .strip_prefix('"')
                            .and_then(|s| s.strip_suffix('"'))
                            .unwrap_or(v);
                        return v.to_owned();
                    }
                }
            }
        }
        String::new()
    }
}

/// Writes one envelope: `Envelope`, optional `Header` with its blocks, `Body` with a payload
/// or a fault. The payload is written straight into the same buffer (no copy).
///
/// ```
/// use tandvard_runtime::soap::{EnvelopeWriter, SoapVersion};
/// let mut env = EnvelopeWriter::new(SoapVersion::Soap11);
/// env.raw_header("<h:Trace xmlns:h=\"urn:x\">1</h:Trace>");
/// let xml = env.raw_body("<p:Ping xmlns:p=\"urn:p\"/>");
/// let text = String::from_utf8(xml).unwrap();
/// assert!(text.contains("<soapenv:Header><h:Trace"));
/// assert!(text.ends_with("<p:Ping xmlns:p=\"urn:p\"/></soapenv:Body></soapenv:Envelope>"));
/// ```
#[derive(Debug)]
pub struct EnvelopeWriter {
    w: Writer,
    version: SoapVersion,
    header_open: bool,
}

impl EnvelopeWriter {
    /// Starts an envelope (XML declaration and `Envelope` start tag).
    pub fn new(version: SoapVersion) -> Self {
        Self::with_capacity(version, 1024)
    }

    /// Starts an envelope in a buffer of `capacity` bytes.
    pub fn with_capacity(version: SoapVersion, capacity: usize) -> Self {
        let mut w = Writer::with_capacity(capacity);
        w.xml_declaration();
        let p = version.prefix();
        w.raw("<");
        w.raw(p);
        w.raw(":Envelope");
        w.ns_decls(&[(p, version.envelope_ns())]);
        w.close_start();
        EnvelopeWriter {
            w,
            version,
            header_open: false,
        }
    }

    /// The version being written.
    pub fn version(&self) -> SoapVersion {
        self.version
    }

    fn open_header(&mut self) {
        if !self.header_open {
            self.header_open = true;
            let p = self.version.prefix();
            self.w.raw("<");
            self.w.raw(p);
            self.w.raw(":Header>");
        }
    }

    /// Adds a header block: a value of a generated element type.
    pub fn header<H: XmlWrite + RootElement>(&mut self, header: &H) {
        self.open_header();
        self.w.pending_ns_decls(H::NAMESPACES);
        header.write(&mut self.w, H::PREFIXED_NAME);
    }

    /// Adds a header block written by a closure (for header values behind trait objects).
    pub fn header_with(&mut self, write: impl FnOnce(&mut Writer)) {
        self.open_header();
        write(&mut self.w);
    }

    /// Adds a header block given as XML text (one namespace-complete element).
    pub fn raw_header(&mut self, xml: &str) {
        self.open_header();
        self.w.raw(xml);
    }

    fn open_body(&mut self) {
        let p = self.version.prefix();
        if self.header_open {
            self.w.raw("</");
            self.w.raw(p);
            self.w.raw(":Header>");
            self.header_open = false;
        }
        self.w.raw("<");
        self.w.raw(p);
        self.w.raw(":Body>");
    }

    fn close(mut self) -> Vec<u8> {
        let p = self.version.prefix();
        self.w.raw("</");
        self.w.raw(p);
        self.w.raw(":Body></");
        self.w.raw(p);
        self.w.raw(":Envelope>");
        self.w.into_bytes()
    }

    /// Writes the payload (a value of a generated element type) and ends the envelope.
    pub fn body<B: XmlWrite + RootElement>(mut self, body: &B) -> Vec<u8> {
        self.open_body();
        self.w.pending_ns_decls(B::NAMESPACES);
        body.write(&mut self.w, B::PREFIXED_NAME);
        self.close()
    }

    /// Writes a payload given as XML text (one namespace-complete element, or nothing)
    /// and ends the envelope.
    pub fn raw_body(mut self, xml: &str) -> Vec<u8> {
        self.open_body();
        self.w.raw(xml);
        self.close()
    }

    /// Writes a fault as the body and ends the envelope.
    pub fn fault(self, fault: &Fault) -> Vec<u8> {
        self.fault_with_detail::<NoFault>(fault, None)
    }

    /// Writes a fault with a typed detail element (written before the fault's captured
    /// detail elements) and ends the envelope.
    pub fn fault_with_detail<F: FaultDetail>(
        mut self,
        fault: &Fault,
        detail: Option<&F>,
    ) -> Vec<u8> {
        self.open_body();
        write_fault(&mut self.w, self.version, fault, &mut |w| match detail {
            Some(d) => {
                d.write_detail(w);
                true
            }
            None => false,
        });
        self.close()
    }
}

/// One header block of a received envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderBlock {
    /// The element, captured verbatim (namespace-complete).
    pub element: AnyElement,
    /// Whether it carries `mustUnderstand="1"` (or `"true"`) in the envelope namespace.
    pub must_understand: bool,
}

/// The header blocks of a received envelope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    /// The blocks in document order.
    pub blocks: Vec<HeaderBlock>,
}

impl Headers {
    /// The first block named `{ns}local`.
    pub fn find(&self, ns: &str, local: &str) -> Option<&HeaderBlock> {
        self.blocks
            .iter()
            .find(|b| b.element.local_name() == local && b.element.namespace() == ns)
    }

    /// Reads the header block of type `H`, if present (read with `options`).
    pub fn get_with<H: XmlRead + RootElement>(
        &self,
        options: &ReadOptions,
    ) -> Option<Result<H, Error>> {
        self.find(H::NAMESPACE, H::LOCAL_NAME)
            .map(|b| crate::from_xml_with(b.element.as_str().as_bytes(), options))
    }

    /// Reads the header block of type `H`, if present.
    pub fn get<H: XmlRead + RootElement>(&self) -> Option<Result<H, Error>> {
        self.get_with(&ReadOptions::default())
    }

    /// The header block of type `H`, which the operation requires: a missing or invalid
    /// block is a `Client` fault (for server handlers).
    #[allow(clippy::result_large_err)]
    pub fn required<H: XmlRead + RootElement, F: FaultDetail>(&self) -> Result<H, SoapFault<F>> {
        match self.get::<H>() {
            Some(Ok(h)) => Ok(h),
            Some(Err(e)) => Err(SoapFault::client(format!(
                "invalid header {}: {e}",
                crate::xml::clark(H::NAMESPACE, H::LOCAL_NAME.as_bytes())
            ))),
            None => Err(SoapFault::client(format!(
                "missing header {}",
                crate::xml::clark(H::NAMESPACE, H::LOCAL_NAME.as_bytes())
            ))),
        }
    }

    /// The header block of type `H` if present; an invalid block is a `Client` fault.
    #[allow(clippy::result_large_err)]
    pub fn optional<H: XmlRead + RootElement, F: FaultDetail>(
        &self,
    ) -> Result<Option<H>, SoapFault<F>> {
        match self.get::<H>() {
            Some(Ok(h)) => Ok(Some(h)),
            Some(Err(e)) => Err(SoapFault::client(format!(
                "invalid header {}: {e}",
                crate::xml::clark(H::NAMESPACE, H::LOCAL_NAME.as_bytes())
            ))),
            None => Ok(None),
        }
    }

    /// Header blocks marked `mustUnderstand` whose name is not in `understood`
    /// (`(namespace, local name)` pairs).
    pub fn not_understood<'a>(
        &'a self,
        understood: &'a [(&'a str, &'a str)],
    ) -> impl Iterator<Item = &'a HeaderBlock> + 'a {
        self.blocks.iter().filter(move |b| {
            b.must_understand
                && !understood.iter().any(|(ns, local)| {
                    b.element.local_name() == *local && b.element.namespace() == *ns
                })
        })
    }
}

/// The body of a received envelope: a payload or a fault.
#[derive(Clone, Debug, PartialEq)]
pub enum Body<T> {
    /// The payload (the first child of `Body`), read by the caller's function.
    Payload(T),
    /// A SOAP fault.
    Fault(Fault),
}

/// A received envelope.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope<T> {
    /// Which SOAP version the envelope is.
    pub version: SoapVersion,
    /// Its header blocks.
    pub headers: Headers,
    /// Its body.
    pub body: Body<T>,
}

/// Reads an envelope of either SOAP version. `payload` reads the first child of `Body`
/// (when it is not a fault); it is called with the reader and the payload's start tag,
/// and must consume that element. An envelope in another encoding than UTF-8 (byte order
/// mark or XML declaration) is decoded first ([`decode_xml`](crate::decode_xml); a
/// transport that received a `charset` decodes with it before calling this). The reader is hardened: a DOCTYPE is an error, only the
/// predefined entities are expanded, and `options` bounds the depth and size.
///
/// Errors: the root is not a SOAP envelope, `Body` is missing or empty, more than one
/// body entry, malformed XML, or whatever `payload` reports.
pub fn read_envelope<T, P>(
    input: &[u8],
    options: &ReadOptions,
    payload: P,
) -> Result<Envelope<T>, Error>
where
    P: for<'i> FnOnce(&mut Reader<'i>, Start<'i>) -> Result<T, Error>,
{
    let input = crate::xml::decoded(input, options)?;
    let mut r = Reader::with_options(&input, *options)?;
    let root = r.root()?;
    let version = SoapVersion::from_envelope_ns(r.ns_uri(root.ns))
        .filter(|_| root.local == b"Envelope")
        .ok_or_else(|| {
            let found = r.describe(&root);
            r.error_at(
                root.pos,
                ErrorKind::WrongRoot {
                    expected: format!(
                        "a SOAP envelope ({{{SOAP11_ENVELOPE_NS}}}Envelope or {{{SOAP12_ENVELOPE_NS}}}Envelope)"
                    ),
                    found,
                },
            )
        })?;
    let env_ns = version.envelope_ns();
    let mut headers = Headers::default();
    let mut next = r.first_child(&root)?;
    if let Some(h) = next.take() {
        if r.is(&h, env_ns, b"Header") {
            let mut block = r.first_child(&h)?;
            while let Some(b) = block.take() {
                let must_understand = r
                    .attr::<String>(&b, Some(env_ns), b"mustUnderstand")?
                    .is_some_and(|v| matches!(v.trim(), "1" | "true"));
                let element = r.capture(b)?;
                headers.blocks.push(HeaderBlock {
                    element,
                    must_understand,
                });
                block = r.next_sibling()?;
            }
            next = r.next_sibling()?;
        } else {
            next = Some(h);
        }
    }
    let body = match next.take() {
        Some(b) if r.is(&b, env_ns, b"Body") => b,
        other => return Err(r.unexpected(other, &[&format!("{{{env_ns}}}Body")])),
    };
    let Some(first) = r.first_child(&body)? else {
        return Err(r.error("the SOAP Body is empty"));
    };
    let content = if r.is(&first, env_ns, b"Fault") {
        Body::Fault(read_fault(&mut r, first, version)?)
    } else {
        Body::Payload(payload(&mut r, first)?)
    };
    let after = r.next_sibling()?;
    r.end(after)?;
    // Elements after Body (allowed by SOAP 1.1) are skipped.
    let mut rest = r.next_sibling()?;
    while let Some(s) = rest.take() {
        r.skip(s)?;
        rest = r.next_sibling()?;
    }
    r.finish()?;
    Ok(Envelope {
        version,
        headers,
        body: content,
    })
}

/// Reads an envelope whose payload must be the element of `T`.
pub fn read_envelope_payload<T: XmlRead + RootElement>(
    input: &[u8],
    options: &ReadOptions,
) -> Result<Envelope<T>, Error> {
    read_envelope(input, options, |r, start| {
        if !r.is(&start, T::NAMESPACE, T::LOCAL_NAME.as_bytes()) {
            let found = r.describe(&start);
            return Err(r.error_at(
                start.pos,
                ErrorKind::WrongRoot {
                    expected: crate::xml::clark(T::NAMESPACE, T::LOCAL_NAME.as_bytes()),
                    found,
                },
            ));
        }
        T::read(r, start)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_and_actions() {
        assert_eq!(
            SoapVersion::Soap11.content_type("urn:a:Op"),
            "text/xml; charset=utf-8"
        );
        assert_eq!(
            SoapVersion::Soap11
                .soap_action_header("urn:a:Op")
                .as_deref(),
            Some("\"urn:a:Op\"")
        );
        assert_eq!(
            SoapVersion::Soap12.content_type("urn:a:Op"),
            "application/soap+xml; charset=utf-8; action=\"urn:a:Op\""
        );
        assert_eq!(
            SoapVersion::request_action(None, Some("\"urn:a:Op\"")),
            "urn:a:Op"
        );
        assert_eq!(
            SoapVersion::request_action(
                Some("application/soap+xml; charset=utf-8; action=\"urn:b\""),
                None
            ),
            "urn:b"
        );
        assert_eq!(SoapVersion::request_action(None, Some("\"\"")), "");
        assert_eq!(
            SoapVersion::from_content_type("Application/SOAP+xml;charset=utf-8"),
            SoapVersion::Soap12
        );
    }

    fn local_names(input: &[u8]) -> Result<Envelope<String>, Error> {
        read_envelope(input, &ReadOptions::default(), |r, s| {
            let name = r.describe(&s);
            r.skip(s)?;
            Ok(name)
        })
    }

    #[test]
    fn payload_inherits_envelope_namespaces() {
        let xml = br#"<?xml version="1.0"?>
<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="urn:p">
  <e:Header><p:H e:mustUnderstand="1">x</p:H><p:I>y</p:I></e:Header>
  <e:Body><p:Ping><p:a>1</p:a></p:Ping></e:Body>
</e:Envelope>"#;
        let env = read_envelope(xml, &ReadOptions::default(), |r, s| {
            assert!(r.is(&s, "urn:p", b"Ping"));
            r.capture(s)
        })
        .unwrap();
        assert_eq!(env.version, SoapVersion::Soap11);
        assert_eq!(env.headers.blocks.len(), 2);
        assert!(env.headers.blocks[0].must_understand);
        assert!(!env.headers.blocks[1].must_understand);
        assert_eq!(env.headers.blocks[0].element.namespace(), "urn:p");
        let Body::Payload(p) = env.body else {
            panic!("payload expected")
        };
        // The captured payload carries the prefix declared on the envelope.
        assert!(p.as_str().contains("xmlns:p=\"urn:p\""), "{p}");
        let understood = [("urn:p", "I")];
        let bad: Vec<_> = env.headers.not_understood(&understood).collect();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].element.local_name(), "H");
    }

    #[test]
    fn soap12_and_errors() {
        let ok = br#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><x xmlns="urn:x"/></env:Body></env:Envelope>"#;
        let env = local_names(ok).unwrap();
        assert_eq!(env.version, SoapVersion::Soap12);
        assert_eq!(env.body, Body::Payload("{urn:x}x".to_string()));

        let not_env = local_names(b"<x xmlns=\"urn:x\"/>").unwrap_err();
        assert!(
            matches!(not_env.kind(), ErrorKind::WrongRoot { .. }),
            "{not_env}"
        );
        let empty = local_names(
            br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>"#,
        )
        .unwrap_err();
        assert!(empty.to_string().contains("Body is empty"), "{empty}");
        let no_body = local_names(
            br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header/></e:Envelope>"#,
        )
        .unwrap_err();
        assert!(no_body.to_string().contains("Body"), "{no_body}");
        let dtd = local_names(
            br#"<!DOCTYPE e [<!ENTITY a "aaaa">]><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><x>&a;</x></e:Body></e:Envelope>"#,
        )
        .unwrap_err();
        assert_eq!(dtd.kind(), &ErrorKind::DocType);
        let two = local_names(
            br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><x/><y/></e:Body></e:Envelope>"#,
        )
        .unwrap_err();
        assert!(
            matches!(two.kind(), ErrorKind::UnexpectedElement { .. }),
            "{two}"
        );
    }

    #[test]
    fn latin1_envelope_is_decoded() {
        let xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\r<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Header><h:T xmlns:h=\"urn:h\">\xE5\xE4\xF6</h:T></e:Header><e:Body><p:Ping xmlns:p=\"urn:p\">V\xE5rd</p:Ping></e:Body></e:Envelope>";
        let env = read_envelope(xml, &ReadOptions::default(), |r, s| {
            let t = r.text(s)?;
            Ok(t.into_owned())
        })
        .unwrap();
        assert_eq!(env.body, Body::Payload("Vård".to_string()));
        assert!(env.headers.blocks[0].element.as_str().contains(">åäö<"));
        // Errors still name the line (CR-only line break above).
        let bad = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\r<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\">\r<e:Body>\xE5</e:Body></e:Envelope>";
        let e = local_names(bad).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::UnexpectedText(_)), "{e}");
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn writer_round_trip() {
        for v in [SoapVersion::Soap11, SoapVersion::Soap12] {
            let mut w = EnvelopeWriter::new(v);
            w.raw_header("<h:T xmlns:h=\"urn:h\">1</h:T>");
            let xml = w.raw_body("<p:Ping xmlns:p=\"urn:p\"/>");
            let env = local_names(&xml).unwrap();
            assert_eq!(env.version, v);
            assert_eq!(env.headers.blocks.len(), 1);
            assert_eq!(env.body, Body::Payload("{urn:p}Ping".to_string()));
            // No header: no Header element.
            let xml = EnvelopeWriter::new(v).raw_body("<p:Ping xmlns:p=\"urn:p\"/>");
            assert!(!String::from_utf8_lossy(&xml).contains("Header"));
        }
    }
}
