//! Runtime support added for conformance: mixed content, `xsi:type`, undeclared attributes
//! and `xs:anyAttribute`.

use tandvard_runtime::{AnyNs, Reader, Writer, XSI_NS};

#[test]
fn mixed_text_is_collected_between_children() {
    let xml = b"<a>one <b>x</b> two &amp; <b>y</b><c/>end</a>";
    let mut r = Reader::new(xml).unwrap();
    let root = r.root().unwrap();
    let mut next = r.first_child_mixed(&root).unwrap();
    let mut children = Vec::new();
    while let Some(s) = next.take() {
        children.push(s.local_name().into_owned());
        r.skip(s).unwrap();
        next = r.next_sibling().unwrap();
    }
    r.end(next).unwrap();
    assert_eq!(children, ["b", "b", "c"]);
    assert_eq!(r.take_mixed(), ["one ", " two & ", "", "end"]);
    r.finish().unwrap();
}

#[test]
fn mixed_text_of_an_empty_element() {
    let mut r = Reader::new(b"<a/>").unwrap();
    let root = r.root().unwrap();
    assert!(r.first_child_mixed(&root).unwrap().is_none());
    assert_eq!(r.take_mixed(), [""]);
}

#[test]
fn text_in_element_only_content_is_still_an_error() {
    let mut r = Reader::new(b"<a>text<b/></a>").unwrap();
    let root = r.root().unwrap();
    assert!(r.first_child(&root).is_err());
}

#[test]
fn mixed_text_is_written_around_children() {
    let mut w = Writer::new();
    w.start("a");
    w.close_start();
    w.mixed_text(&["one ".into(), " <two> ".into(), "end".into()]);
    w.elem("b", &"x".to_string());
    w.start("c");
    w.end_empty();
    w.end("a");
    assert_eq!(w.as_str(), "<a>one <b>x</b> &lt;two&gt; <c/>end</a>");
}

#[test]
fn xsi_type_is_resolved_and_checked() {
    let xml = br#"<a xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:t="urn:t" xsi:type="t:Derived"/>"#;
    let mut r = Reader::new(xml).unwrap();
    let root = r.root().unwrap();
    let (ns, local) = r.xsi_type(&root).unwrap().unwrap();
    assert!(r.ns_is(ns, "urn:t"));
    assert_eq!(local, "Derived");
    assert!(r.check_xsi_type(&root, "urn:t", "Derived").is_ok());
    let e = r.check_xsi_type(&root, "urn:t", "Base").unwrap_err();
    assert!(
        e.to_string()
            .contains("xsi:type {urn:t}Derived is not {urn:t}Base"),
        "{e}"
    );
}

#[test]
fn nil_on_an_element_that_is_not_nillable_is_rejected() {
    let xml = br#"<a xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#;
    let mut r = Reader::new(xml).unwrap();
    let root = r.root().unwrap();
    assert!(r.check_xsi_type(&root, "", "T").is_err());
}

#[test]
fn undeclared_attributes_are_rejected_and_wildcard_ones_kept() {
    let xml = br#"<a xmlns:x="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" id="1" x:extra="e" xsi:schemaLocation="u l" s:mustUnderstand="1"/>"#;
    let mut r = Reader::new(xml).unwrap();
    let root = r.root().unwrap();
    let known = [("", "id")];
    let e = r.other_attrs(&root, &known, None).unwrap_err();
    assert!(
        e.to_string().contains("{urn:x}extra is not declared"),
        "{e}"
    );
    let kept = r
        .other_attrs(&root, &known, Some(AnyNs::Other(&["urn:t"])))
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].namespace.as_str(),
            kept[0].local.as_str(),
            kept[0].value.as_str()
        ),
        ("urn:x", "extra", "e")
    );
    let mut w = Writer::new();
    w.start("a");
    w.any_attrs(&kept);
    w.end_empty();
    assert_eq!(w.as_str(), r#"<a xmlns:_a0="urn:x" _a0:extra="e"/>"#);
}

#[test]
fn xsi_type_is_written_on_the_next_start_tag() {
    let mut w = Writer::new();
    w.pending_ns_decls(&[("t", "urn:t")]);
    w.xsi_type_next("t:Derived", ("t", "urn:t"));
    w.start("t:a");
    w.end_empty();
    assert_eq!(
        w.as_str(),
        format!(r#"<t:a xmlns:t="urn:t" xmlns:xsi="{XSI_NS}" xsi:type="t:Derived"/>"#)
    );
}
