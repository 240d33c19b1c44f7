//! Reader behaviour: errors and locations, limits, DOCTYPE refusal, namespaces, wildcards.

mod common;

use common::*;
use tandvard_runtime::{
    AnyElement, AnyNs, Decimal, Error, ErrorKind, ReadOptions, Reader, RootElement, Start,
    UnknownElements, XmlRead, from_xml, from_xml_with, to_xml_string,
};

fn claim_doc(lines: &str) -> String {
    format!(
        r#"<c:Claim xmlns:c="urn:example:claims" id="1">
  <c:patient>P</c:patient>
  <c:date>2026-02-28</c:date>
{lines}
  <c:comment>ok</c:comment>
</c:Claim>"#
    )
}

fn read_err<T: XmlRead + RootElement + std::fmt::Debug>(doc: &str) -> Error {
    match from_xml::<T>(doc.as_bytes()) {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn lenient() -> ReadOptions {
    ReadOptions {
        unknown_elements: UnknownElements::Skip,
        ..ReadOptions::default()
    }
}

#[test]
fn value_error_has_path_line_and_column() {
    let doc = claim_doc(
        "  <c:line><c:code>A</c:code><c:amount>1</c:amount></c:line>\n  <c:line>\n        <c:code>B</c:code>\n        <c:amount>12.3.4</c:amount>\n  </c:line>",
    );
    let e = read_err::<Claim>(&doc);
    let msg = e.to_string();
    assert_eq!(e.path, "/c:Claim/c:line[2]/c:amount");
    assert_eq!((e.line, e.column), (7, 9));
    assert_eq!(&doc[e.position as usize..][..10], "<c:amount>");
    assert!(
        msg.starts_with("at /c:Claim/c:line[2]/c:amount (line 7, column 9, byte "),
        "{msg}"
    );
    assert!(
        msg.ends_with("): invalid xs:decimal \"12.3.4\": not a decimal number"),
        "{msg}"
    );
    assert!(matches!(e.kind, ErrorKind::Value(_)));
}

#[test]
fn first_of_repeated_elements_is_indexed() {
    let doc = claim_doc("  <c:line><c:code>A</c:code><c:amount>x</c:amount></c:line>");
    let e = read_err::<Claim>(&doc);
    assert_eq!(e.path, "/c:Claim/c:line[1]/c:amount");
}

#[test]
fn attribute_error_names_the_attribute() {
    let doc = claim_doc("  <c:line><c:code>A</c:code><c:amount>1</c:amount></c:line>")
        .replace("id=\"1\"", "id=\"1\" version=\"-3\"");
    let e = read_err::<Claim>(&doc);
    assert_eq!(e.path, "/c:Claim/@version");
    assert_eq!((e.line, e.column), (1, 46));
    assert!(
        e.to_string().contains("invalid xs:unsignedInt \"-3\""),
        "{e}"
    );
}

#[test]
fn structural_errors() {
    let one_line = "  <c:line><c:code>A</c:code><c:amount>1</c:amount></c:line>";
    // Missing required element.
    let e = read_err::<Claim>(&claim_doc(one_line).replace("<c:patient>P</c:patient>", ""));
    assert!(
        e.to_string().contains(
            "missing element {urn:example:claims}patient, found {urn:example:claims}date"
        ),
        "{e}"
    );
    // Too few repetitions.
    let e = read_err::<Claim>(&claim_doc(""));
    assert!(
        e.to_string()
            .contains("expected at least 1 {urn:example:claims}line element(s), found 0"),
        "{e}"
    );
    // Missing element at the end of the parent.
    let e = read_err::<Claim>(&claim_doc(one_line).replace("<c:comment>ok</c:comment>", ""));
    assert!(
        e.to_string()
            .contains("missing element {urn:example:claims}comment, found end of c:Claim"),
        "{e}"
    );
    assert_eq!(e.path, "/c:Claim");
    // Unexpected element at the end.
    let e = read_err::<Claim>(&claim_doc(
        "  <c:line><c:code>A</c:code><c:amount>1</c:amount><c:bogus/></c:line>",
    ));
    assert!(
        e.to_string()
            .contains("unexpected element {urn:example:claims}bogus, expected end of c:line"),
        "{e}"
    );
    assert_eq!(e.path, "/c:Claim/c:line[1]/c:bogus");
    // Text in element-only content.
    let e = read_err::<Claim>(&claim_doc(
        "  <c:line>oops<c:code>A</c:code><c:amount>1</c:amount></c:line>",
    ));
    assert!(e.to_string().contains("unexpected text \"oops\""), "{e}");
    // Element in text-only content.
    let e = read_err::<Claim>(&claim_doc(
        "  <c:line><c:code>A<b/></c:code><c:amount>1</c:amount></c:line>",
    ));
    assert!(
        e.to_string()
            .contains("expected text content, found element b"),
        "{e}"
    );
    // Wrong root.
    let e = read_err::<Claim>("<x:Other xmlns:x=\"urn:x\"/>");
    assert!(
        e.to_string()
            .contains("expected root element {urn:example:claims}Claim, found {urn:x}Other"),
        "{e}"
    );
    // Content after the root, text before it, no root, malformed.
    let good = claim_doc(one_line);
    assert!(from_xml::<Claim>(good.as_bytes()).is_ok());
    assert!(from_xml::<Claim>(format!("{good}<c:Claim/>").as_bytes()).is_err());
    assert!(from_xml::<Claim>(format!("{good} x").as_bytes()).is_err());
    assert!(from_xml::<Claim>(format!("x{good}").as_bytes()).is_err());
    assert!(from_xml::<Claim>(format!("{good}<!-- c --><?pi x?>\n").as_bytes()).is_ok());
    assert!(from_xml::<Claim>(b"").is_err());
    assert!(from_xml::<Claim>(b"<!-- only -->").is_err());
    let e = read_err::<Claim>(&good.replace("</c:patient>", "</c:patients>"));
    assert!(matches!(e.kind, ErrorKind::Syntax(_)), "{e}");
    let e = read_err::<Claim>(&good[..good.len() - 5]);
    assert!(e.to_string().contains("end of document") || matches!(e.kind, ErrorKind::Syntax(_)));
    // Unknown entity, bad character reference.
    let e = read_err::<Claim>(&good.replace(">P<", ">&nbsp;<"));
    assert!(
        e.to_string().contains("unknown entity reference &nbsp;"),
        "{e}"
    );
    let e = read_err::<Claim>(&good.replace(">P<", ">&#0;<"));
    assert!(matches!(e.kind, ErrorKind::InvalidCharRef(_)), "{e}");
    let e = read_err::<Claim>(&good.replace("id=\"1\"", "id=\"&bogus;\""));
    assert!(e.to_string().contains("unknown entity"), "{e}");
    // Encodings: a declared ISO-8859-1 document is decoded (byte 0xC5 is Å); undeclared
    // non-UTF-8 bytes are an error.
    let mut declared =
        format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{good}").into_bytes();
    let at = declared.windows(3).position(|w| w == b">P<").unwrap() + 1;
    declared[at] = 0xC5;
    assert_eq!(from_xml::<Claim>(&declared).unwrap().patient, "Å");
    let e = read_err::<Claim>(&format!(
        "<?xml version=\"1.0\" encoding=\"X-UNKNOWN\"?>{good}"
    ));
    assert!(
        e.to_string().contains("unsupported encoding \"X-UNKNOWN\""),
        "{e}"
    );
    let mut latin1 = good.clone().into_bytes();
    let p = good.find(">P<").unwrap() + 1;
    latin1[p] = 0xC5;
    assert!(matches!(
        from_xml::<Claim>(&latin1).unwrap_err().kind,
        ErrorKind::Encoding(_)
    ));
    // A BOM is fine.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(good.as_bytes());
    assert!(from_xml::<Claim>(&bom).is_ok());
    // Duplicate XML declaration / declaration not first.
    assert!(from_xml::<Claim>(format!(" <?xml version=\"1.0\"?>{good}").as_bytes()).is_err());
}

#[test]
fn doctype_is_refused() {
    let e = read_err::<Claim>(&format!("<!DOCTYPE c:Claim>{}", claim_doc("")));
    assert_eq!(e.kind, ErrorKind::DocType);
    assert_eq!(e.position, 0);
    assert!(e.to_string().contains("DTD/DOCTYPE is not allowed"));

    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"#;
    let mut r = Reader::new(laughs.as_bytes()).unwrap();
    let e = r.root().unwrap_err();
    assert_eq!(e.kind, ErrorKind::DocType);
    assert_eq!(e.line, 2);
    // Without the DOCTYPE, the entity is simply unknown.
    let mut r = Reader::new(b"<lolz>&lol9;</lolz>").unwrap();
    let s = r.root().unwrap();
    assert!(matches!(
        r.text(s).unwrap_err().kind,
        ErrorKind::UnknownEntity(_)
    ));
    // A DOCTYPE after the root starts is refused as well.
    let mut r = Reader::new(b"<a><!DOCTYPE a></a>").unwrap();
    let s = r.root().unwrap();
    assert!(r.first_child(&s).is_err());
}

/// A recursive type, read the way generated code does (one call level per element).
#[derive(Debug)]
struct Node {
    child: Option<Box<Node>>,
}

impl RootElement for Node {
    const NAMESPACE: &'static str = "";
    const LOCAL_NAME: &'static str = "n";
    const PREFIXED_NAME: &'static str = "n";
    const NAMESPACES: &'static [(&'static str, &'static str)] = &[];
}

impl XmlRead for Node {
    fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error> {
        let mut next = r.first_child(&start)?;
        let child: Option<Node> = r.opt(&mut next, "", b"n")?;
        r.end(next)?;
        Ok(Node {
            child: child.map(Box::new),
        })
    }
}

#[test]
fn depth_limit_stops_deep_documents() {
    let depth = 100_000;
    let doc = format!("{}{}", "<n>".repeat(depth), "</n>".repeat(depth));
    let e = from_xml::<Node>(doc.as_bytes()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::DepthLimit(128));
    assert_eq!(e.path.matches("/n").count(), 128);
    // Skipping and capturing are iterative but limited too.
    let mut r = Reader::new(doc.as_bytes()).unwrap();
    let root = r.root().unwrap();
    assert_eq!(r.skip(root).unwrap_err().kind, ErrorKind::DepthLimit(128));
    // Within a configured limit.
    let doc = format!("{}{}", "<n>".repeat(5), "</n>".repeat(5));
    let opts = ReadOptions {
        max_depth: 5,
        ..ReadOptions::default()
    };
    let mut node = from_xml_with::<Node>(doc.as_bytes(), &opts).unwrap();
    let mut levels = 1;
    while let Some(child) = node.child {
        node = *child;
        levels += 1;
    }
    assert_eq!(levels, 5);
    let opts = ReadOptions {
        max_depth: 4,
        ..ReadOptions::default()
    };
    assert_eq!(
        from_xml_with::<Node>(doc.as_bytes(), &opts)
            .unwrap_err()
            .kind,
        ErrorKind::DepthLimit(4)
    );
}

#[test]
fn size_limit_is_checked_before_parsing() {
    let opts = ReadOptions {
        max_size: 10,
        ..ReadOptions::default()
    };
    let e = from_xml_with::<Node>(b"<n>          </n>", &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::SizeLimit { size: 17, max: 10 });
    assert!(Reader::with_options(b"<n/>", opts).is_ok());
}

#[test]
fn unknown_elements_strict_and_lenient() {
    let doc = claim_doc(
        r#"  <c:line><c:new1>x</c:new1><c:code>A</c:code><c:new2><c:deep/></c:new2><c:amount>1</c:amount><c:new3/></c:line>
  <c:extra>ignored</c:extra>
  <c:line><c:code>B</c:code><c:amount>2</c:amount><c:qty>3</c:qty><c:after/></c:line>"#,
    );
    let e = read_err::<Claim>(&doc);
    assert!(
        e.to_string()
            .contains("missing element {urn:example:claims}code, found {urn:example:claims}new1"),
        "{e}"
    );
    let c = from_xml_with::<Claim>(doc.as_bytes(), &lenient()).unwrap();
    assert_eq!(c.lines.len(), 2);
    assert_eq!(c.lines[0].code, "A");
    assert_eq!(c.lines[0].qty, None);
    assert_eq!(c.lines[1].qty, Some(3));
    assert_eq!(c.comment, tandvard_runtime::Nillable::Value("ok".into()));
    // Lenient mode still reports what is really missing.
    let doc = claim_doc("  <c:line><c:code>A</c:code><c:new/></c:line>");
    let e = from_xml_with::<Claim>(doc.as_bytes(), &lenient()).unwrap_err();
    assert!(
        e.to_string()
            .contains("missing element {urn:example:claims}amount"),
        "{e}"
    );
}

#[test]
fn namespace_resolution() {
    // Default namespace.
    let doc = r#"<Claim xmlns="urn:example:claims" id="1"><patient>P</patient><date>2026-01-01</date>
        <line><code>A</code><amount>1</amount></line><comment/></Claim>"#;
    let c: Claim = from_xml(doc.as_bytes()).unwrap();
    assert_eq!(c.comment, tandvard_runtime::Nillable::Value(String::new()));
    // Same URI under different prefixes; a prefix redeclared in a child (scope popped after).
    let doc = r#"<a:Claim xmlns:a="urn:example:claims" xmlns:b="urn:example:claims" id="1">
        <b:patient>P</b:patient><a:date>2026-01-01</a:date>
        <x:line xmlns:x="urn:example:claims" xmlns:a="urn:other"><x:code>A</x:code><x:amount>1</x:amount><a:ignored/></x:line>
        <a:comment>c</a:comment></a:Claim>"#;
    let e = read_err::<Claim>(doc);
    assert!(
        e.to_string()
            .contains("unexpected element {urn:other}ignored"),
        "{e}"
    );
    let c: Claim = from_xml(doc.replace("<a:ignored/>", "").as_bytes()).unwrap();
    assert_eq!(c.comment, tandvard_runtime::Nillable::Value("c".into()));
    // A child that rebinds the prefix to another namespace is not the expected element.
    let doc = r#"<c:Claim xmlns:c="urn:example:claims" id="1"><c:patient xmlns:c="urn:wrong">P</c:patient></c:Claim>"#;
    let e = read_err::<Claim>(doc);
    assert!(e.to_string().contains("found {urn:wrong}patient"), "{e}");
    // Undeclared prefix, and undeclaring the default namespace.
    let e = read_err::<Claim>("<c:Claim/>");
    assert_eq!(e.kind, ErrorKind::UndeclaredPrefix("c".into()));
    let mut r = Reader::new(br#"<a xmlns="urn:a"><b xmlns=""><c/></b></a>"#).unwrap();
    let a = r.root().unwrap();
    assert!(r.ns_is(a.ns, "urn:a"));
    let b = r.first_child(&a).unwrap().unwrap();
    assert!(r.ns_is(b.ns, ""));
    let c = r.first_child(&b).unwrap().unwrap();
    assert_eq!(c.ns, tandvard_runtime::NsId::NONE);
    assert_eq!(
        r.resolve_qname(" x "),
        Some((tandvard_runtime::NsId::NONE, "x"))
    );
    assert_eq!(r.resolve_qname("q:x"), None);
    assert_eq!(r.ns_uri(a.ns), "urn:a");
    // Reserved prefixes.
    assert!(
        Reader::new(br#"<a xmlns:xml="urn:x"/>"#)
            .unwrap()
            .root()
            .is_err()
    );
    assert!(Reader::new(br#"<a xmlns:p=""/>"#).unwrap().root().is_err());
    assert!(
        Reader::new(br#"<a xml:lang="sv"/>"#)
            .unwrap()
            .root()
            .is_ok()
    );
}

const ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// Reads a SOAP 1.1 envelope by hand; the claim's prefixes are declared only on the envelope.
fn read_enveloped(doc: &str) -> Result<Claim, Error> {
    let mut r = Reader::new(doc.as_bytes())?;
    let env = r.root()?;
    assert!(r.is(&env, ENV, b"Envelope"));
    let mut next = r.first_child(&env)?;
    let _header: Option<Vec<AnyElement>> = match &next {
        Some(s) if r.is(s, ENV, b"Header") => {
            let h = next.take().unwrap();
            let mut inner = r.first_child(&h)?;
            let v = r.any(&mut inner, AnyNs::Any, 0, None)?;
            r.end(inner)?;
            next = r.next_sibling()?;
            Some(v)
        }
        _ => None,
    };
    let body = next
        .take()
        .ok_or_else(|| r.unexpected(None, &["env:Body"]))?;
    let mut inner = r.first_child(&body)?;
    let claim: Claim = r.req(&mut inner, NS, b"Claim")?;
    r.end(inner)?;
    next = r.next_sibling()?;
    r.end(next)?;
    r.finish()?;
    Ok(claim)
}

#[test]
fn prefixes_declared_on_the_envelope_and_any_capture() {
    let doc = format!(
        r#"<env:Envelope xmlns:env="{ENV}" xmlns:c="urn:example:claims" xmlns:o="urn:other" xmlns="urn:default">
  <env:Header><o:Trace id="t&amp;1">abc</o:Trace></env:Header>
  <env:Body>
    <c:Claim id="7">
      <c:patient>P</c:patient><c:date>2026-01-01</c:date>
      <c:line><c:code>A</c:code><c:amount>1.10</c:amount></c:line>
      <c:comment>x</c:comment>
      <o:ext><o:v xsi:type="c:Code" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">1</o:v><plain/></o:ext>
      <o:ext xmlns:o="urn:other2"/>
    </c:Claim>
  </env:Body>
</env:Envelope>"#
    );
    let claim = read_enveloped(&doc).unwrap();
    assert_eq!(claim.lines[0].amount, Decimal::new(110, 2));
    assert_eq!(claim.extra.len(), 2);
    let ext = &claim.extra[0];
    assert_eq!(
        ext.as_str(),
        format!(
            r#"<o:ext xmlns:c="urn:example:claims" xmlns:o="urn:other" xmlns="urn:default"><o:v xsi:type="c:Code" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">1</o:v><plain/></o:ext>"#
        ),
        "only the bindings the fragment uses (c: in a QName value, o:, and the default for <plain/>) are carried"
    );
    assert_eq!(ext.namespace(), "urn:other");
    assert_eq!(ext.local_name(), "ext");
    assert_eq!(ext.qname(), "o:ext");
    // The fragment parses standalone, and its unprefixed child keeps its namespace.
    let again = AnyElement::parse(ext.as_str()).unwrap();
    assert_eq!(&again, ext);
    let mut r = Reader::new(ext.as_bytes_for_test()).unwrap();
    let root = r.root().unwrap();
    let (ns, local) = r.resolve_qname("c:Code").unwrap();
    assert_eq!((r.ns_uri(ns), local), ("urn:example:claims", "Code"));
    let v = r.first_child(&root).unwrap().unwrap();
    assert!(r.is(&v, "urn:other", b"v"));
    r.skip(v).unwrap();
    let plain = r.next_sibling().unwrap().unwrap();
    assert!(r.is(&plain, "urn:default", b"plain"));
    // The second one redeclares o itself and uses nothing else: nothing is added.
    assert_eq!(
        claim.extra[1].as_str(),
        (r#"<o:ext xmlns:o="urn:other2"/>"#)
    );
    assert_eq!(claim.extra[1].namespace(), "urn:other2");
    // Written out inside another document, the captured elements read back identically.
    let out = to_xml_string(&claim);
    let back: Claim = from_xml(out.as_bytes()).unwrap();
    assert_eq!(back, claim);
    // ##other does not take elements of the target namespace or of no namespace.
    let doc2 = doc.replace("<o:ext xmlns:o=\"urn:other2\"/>", "<c:ext/>");
    let e = read_enveloped(&doc2).unwrap_err();
    assert!(
        e.to_string()
            .contains("unexpected element {urn:example:claims}ext"),
        "{e}"
    );
}

trait Bytes {
    fn as_bytes_for_test(&self) -> &[u8];
}
impl Bytes for AnyElement {
    fn as_bytes_for_test(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

#[test]
fn any_element_parse_validates() {
    assert!(AnyElement::parse("<a/>").is_ok());
    assert_eq!(
        AnyElement::parse("  <a>t</a>\n").unwrap().as_str(),
        "<a>t</a>"
    );
    assert!(AnyElement::parse("<p:a/>").is_err());
    assert!(AnyElement::parse("<a/><b/>").is_err());
    assert!(AnyElement::parse("text").is_err());
    assert!(AnyElement::parse("<a>").is_err());
    assert!(AnyElement::parse("<!-- c --><a/>").is_err());
    let a = AnyElement::parse(r#"<p:a xmlns:p="urn:&amp;"/>"#).unwrap();
    assert_eq!(a.namespace(), "urn:&");
    assert_eq!(a.local_name(), "a");
    assert_eq!(AnyElement::parse("<a/>").unwrap().namespace(), "");
}

#[test]
fn text_reading() {
    let mut r =
        Reader::new(b"<a>x &amp; y<!-- c --><![CDATA[<z>]]>&#x41;&#66;\r\nend</a>").unwrap();
    let s = r.root().unwrap();
    assert_eq!(r.text(s).unwrap(), "x & y<z>AB\nend");
    r.finish().unwrap();
    // Zero-copy for a single plain run.
    let input = b"<a>plain</a>";
    let mut r = Reader::new(input).unwrap();
    let s = r.root().unwrap();
    assert!(matches!(
        r.text(s).unwrap(),
        std::borrow::Cow::Borrowed("plain")
    ));
    // Attributes: entities expanded, whitespace normalised, xmlns excluded.
    let mut r =
        Reader::new(b"<a xmlns:p=\"urn:p\" p:x=\"1\" y='a&#10;b\tc&lt;' z=\"plain\"/>").unwrap();
    let s = r.root().unwrap();
    let attrs: Vec<_> = r.attrs(&s).map(|a| a.unwrap()).collect();
    assert_eq!(attrs.len(), 3);
    assert!(r.ns_is(attrs[0].ns, "urn:p"));
    assert_eq!(attrs[0].local, b"x");
    assert_eq!(attrs[1].value, "a\nb c<");
    assert!(matches!(
        attrs[2].value,
        std::borrow::Cow::Borrowed("plain")
    ));
    assert_eq!(r.attr::<u8>(&s, Some("urn:p"), b"x").unwrap(), Some(1));
    assert_eq!(r.attr::<u8>(&s, None, b"x").unwrap(), None);
    // Malformed attributes.
    for bad in [
        &b"<a x=1/>"[..],
        b"<a x/>",
        b"<a x=\"1\"y=\"2\"/>",
        b"<a p:x=\"1\"/>",
    ] {
        let mut r = Reader::new(bad).unwrap();
        let res = r
            .root()
            .and_then(|s| r.attrs(&s).collect::<Result<Vec<_>, _>>().map(|_| ()));
        assert!(res.is_err(), "{}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn rep_bounds_and_choices() {
    let doc = b"<r><i>1</i><i>2</i><i>3</i><j/></r>";
    let mut r = Reader::new(doc).unwrap();
    let root = r.root().unwrap();
    let mut next = r.first_child(&root).unwrap();
    let e = r.rep::<u8>(&mut next, "", b"i", 0, Some(2)).unwrap_err();
    assert!(e.to_string().contains("more than 2 i element(s)"), "{e}");
    assert_eq!(e.path, "/r/i[3]");

    let mut r = Reader::new(doc).unwrap();
    let root = r.root().unwrap();
    let mut next = r.first_child(&root).unwrap();
    let v: Vec<u8> = r.rep(&mut next, "", b"i", 3, Some(3)).unwrap();
    assert_eq!(v, [1, 2, 3]);
    // A choice: generated code matches the lookahead against each alternative.
    let s = next.as_ref().unwrap();
    assert!(!r.is(s, "", b"k") && r.is(s, "", b"j"));
    let e = r.unexpected(next.clone(), &["k", "l"]);
    assert!(
        e.to_string()
            .contains("unexpected element j, expected one of k, l"),
        "{e}"
    );
    r.skip(next.take().unwrap()).unwrap();
    next = r.next_sibling().unwrap();
    assert!(next.is_none());
    r.end(next).unwrap();
    r.finish().unwrap();
}

#[test]
fn nillable_values() {
    use tandvard_runtime::Nillable;
    let mut r = Reader::new(
        br#"<r xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><v i:nil="1"/><v i:nil="false">5</v><v i:nil="true">5</v></r>"#,
    )
    .unwrap();
    let root = r.root().unwrap();
    let mut next = r.first_child(&root).unwrap();
    let a: Nillable<i32> = r.req(&mut next, "", b"v").unwrap();
    let b: Nillable<i32> = r.req(&mut next, "", b"v").unwrap();
    assert_eq!((a, b), (Nillable::Nil, Nillable::Value(5)));
    let e = r.req::<Nillable<i32>>(&mut next, "", b"v").unwrap_err();
    assert!(e.to_string().contains("must be empty"), "{e}");
}

/// Truncated and corrupted documents never panic.
#[test]
fn garbage_never_panics() {
    let doc = claim_doc(
        "  <c:line><c:code>A&amp;B</c:code><c:amount>1</c:amount></c:line><x:e xmlns:x=\"u\"><![CDATA[z]]></x:e>",
    );
    let bytes = doc.as_bytes();
    for cut in 0..bytes.len() {
        let _ = from_xml::<Claim>(&bytes[..cut]);
        let _ = from_xml_with::<Claim>(&bytes[..cut], &lenient());
    }
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let alphabet = b"<>/=\"'&;:x!?[]- \n#";
    for _ in 0..20_000 {
        let mut v = bytes.to_vec();
        for _ in 0..3 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let pos = (seed % v.len() as u64) as usize;
            v[pos] = alphabet[(seed >> 32) as usize % alphabet.len()];
        }
        let _ = from_xml::<Claim>(&v);
        let _ = from_xml_with::<Claim>(&v, &lenient());
    }
}

/// A type read the way generated code reads one with attributes: one pass over the start
/// tag's attributes (`set_attr`, `other_attr`, `required_attr`).
#[derive(Debug)]
struct Tagged {
    code: String,
    count: Option<u32>,
    extra: Vec<tandvard_runtime::AnyAttribute>,
    /// `code` read again after the children (from the raw tag, not the parsed one).
    code_late: Option<String>,
    child: Option<String>,
}

impl XmlRead for Tagged {
    fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error> {
        let mut code: Option<String> = None;
        let mut count: Option<u32> = None;
        let mut extra = Vec::new();
        if r.has_attrs(&start) {
            for a in r.attrs(&start) {
                let a = a?;
                match a.local {
                    b"code" if a.ns == tandvard_runtime::NsId::NONE => r.set_attr(&mut code, a)?,
                    b"count" if a.ns == tandvard_runtime::NsId::NONE => {
                        r.set_attr(&mut count, a)?
                    }
                    _ => {
                        if let Some(x) =
                            r.other_attr(a, Some((NS, "TaggedType")), Some(AnyNs::Other(&[NS])))?
                        {
                            extra.push(x);
                        }
                    }
                }
            }
        }
        let code = r.required_attr(code, &start, None, b"code")?;
        let mut next = r.first_child(&start)?;
        let child = r.opt(&mut next, NS, b"child")?;
        let code_late = r.attr::<String>(&start, None, b"code")?;
        r.end(next)?;
        Ok(Tagged {
            code,
            count,
            extra,
            code_late,
            child,
        })
    }
}

impl RootElement for Tagged {
    const NAMESPACE: &'static str = NS;
    const LOCAL_NAME: &'static str = "Tagged";
    const PREFIXED_NAME: &'static str = "c:Tagged";
    const NAMESPACES: &'static [(&'static str, &'static str)] = &[("c", NS)];
}

#[test]
fn attributes_in_one_pass() {
    let xsi = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
    let ok = format!(
        r#"<c:Tagged xmlns:c="urn:example:claims" xmlns:o="urn:other" {xsi} count="3" code="A&amp;B" o:note="kept" xsi:type="c:TaggedType"><c:child>x</c:child></c:Tagged>"#
    );
    let t = from_xml::<Tagged>(ok.as_bytes()).expect("reads");
    assert_eq!(t.code, "A&B");
    assert_eq!(t.count, Some(3));
    assert_eq!(t.child.as_deref(), Some("x"));
    // Asked for after a child element was opened: parsed again from the tag, same value.
    assert_eq!(t.code_late.as_deref(), Some("A&B"));
    assert_eq!(t.extra.len(), 1);
    assert_eq!(
        (
            t.extra[0].namespace.as_str(),
            t.extra[0].local.as_str(),
            t.extra[0].value.as_str()
        ),
        ("urn:other", "note", "kept")
    );

    let cases: [(&str, &str, &str); 6] = [
        (
            r#"code="A" code="B""#,
            "/c:Tagged/@code",
            "duplicate attribute",
        ),
        (
            r#"count="1""#,
            "/c:Tagged",
            "missing required attribute code",
        ),
        (r#"code="A" count="x""#, "/c:Tagged/@count", "invalid"),
        (
            r#"code="A" size="2""#,
            "/c:Tagged/@size",
            "attribute size is not declared",
        ),
        (
            r#"code="A" xsi:type="c:Other""#,
            "/c:Tagged/@xsi:type",
            "is not {urn:example:claims}TaggedType",
        ),
        (
            r#"code="A" xsi:nil="true""#,
            "/c:Tagged/@xsi:nil",
            "not nillable",
        ),
    ];
    for (attrs, path, message) in cases {
        let doc = format!(r#"<c:Tagged xmlns:c="urn:example:claims" {xsi} {attrs}/>"#);
        let e = read_err::<Tagged>(&doc);
        assert_eq!(e.path, path, "{attrs}: {e}");
        assert!(e.to_string().contains(message), "{attrs}: {e}");
    }
}

#[test]
fn simple_typed_elements_take_no_attributes() {
    let one_line = "  <c:line><c:code>A</c:code><c:amount>1</c:amount></c:line>";
    let doc = claim_doc(one_line).replace("<c:patient>", r#"<c:patient kind="x">"#);
    let e = read_err::<Claim>(&doc);
    assert_eq!(e.path, "/c:Claim/c:patient/@kind");
    assert!(
        e.to_string().contains("attribute kind is not declared"),
        "{e}"
    );
    // xsi: attributes other than a true xsi:nil are allowed.
    let xsi = r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;
    let doc = claim_doc(one_line).replace(
        "<c:patient>",
        &format!(
            r#"<c:patient {xsi} xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string" xsi:nil="false">"#
        ),
    );
    assert_eq!(
        from_xml::<Claim>(doc.as_bytes()).expect("reads").patient,
        "P"
    );
    let doc = claim_doc(one_line).replace(
        "<c:patient>",
        &format!(r#"<c:patient {xsi} xsi:nil="true">"#),
    );
    let e = read_err::<Claim>(&doc);
    assert!(e.to_string().contains("not nillable"), "{e}");
}
