mod common;

use common::*;
use tandvard_runtime::{Nillable, from_xml, to_xml_string};

const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- a claim -->
<c:Claim xmlns:c="urn:example:claims" xmlns:x="urn:other" id="A&amp;1" version="3">
  <c:patient>Anna &lt;Svensson&gt;</c:patient>
  <c:date>2026-02-28</c:date>
  <c:line>
    <c:code>X1</c:code>
    <c:amount>12.50</c:amount>
  </c:line>
  <c:line><c:code>X2</c:code><c:amount>-0.001</c:amount><c:qty>+7</c:qty></c:line>
  <c:comment xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>
  <x:ext a="1"><x:inner>t</x:inner><plain/></x:ext>
</c:Claim>
"#;

#[test]
fn two_level_document_round_trips() {
    let claim: Claim = from_xml(DOC.as_bytes()).unwrap();
    assert_eq!(claim.id, "A&1");
    assert_eq!(claim.version, Some(3));
    assert_eq!(claim.patient, "Anna <Svensson>");
    assert_eq!(claim.lines.len(), 2);
    assert_eq!(claim.lines[0].amount.to_string(), "12.50");
    assert_eq!(claim.lines[1].qty, Some(7));
    assert_eq!(claim.comment, Nillable::Nil);
    assert_eq!(claim.extra.len(), 1);
    assert_eq!(claim.extra[0].namespace(), "urn:other");
    assert_eq!(claim.extra[0].local_name(), "ext");
    let out = to_xml_string(&claim);
    println!("{out}");
    let again: Claim = from_xml(out.as_bytes()).unwrap();
    assert_eq!(again, claim);
    assert_eq!(to_xml_string(&again), out);
}
