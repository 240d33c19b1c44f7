//! Every valid example in `contracts/` reads into the generated types (the committed
//! `generated/` crate) and writes back equal, compared as XML, namespace-aware; every invalid
//! example is rejected with an error at the element path its `<!-- error-path: ... -->`
//! comment names.

use tandvard_bindings::messages::Message;
use tandvard_runtime::{ReadOptions, Reader};
use tandvard_tests::{example_files, payload, workspace_root, xml_equivalent};

/// Reads a bare payload document or the Body child of a SOAP envelope.
fn read_message(bytes: &[u8]) -> Result<Message, tandvard_runtime::Error> {
    let mut r = Reader::with_options(bytes, ReadOptions::default())?;
    let root = r.root()?;
    let is_envelope = &*root.local_name() == "Envelope";
    if !is_envelope {
        let m = Message::read(&mut r, root)?;
        r.finish()?;
        return Ok(m);
    }
    let mut next = r.first_child(&root)?;
    let mut message = None;
    while let Some(s) = next.take() {
        if &*s.local_name() == "Body" {
            let mut body = r.first_child(&s)?;
            if let Some(p) = body.take() {
                if &*p.local_name() == "Fault" {
                    // SOAP 1.1 fault: the message is the element inside <detail>.
                    let mut f = r.first_child(&p)?;
                    while let Some(c) = f.take() {
                        if &*c.local_name() == "detail" {
                            let mut d = r.first_child(&c)?;
                            if let Some(m) = d.take() {
                                message = Some(Message::read(&mut r, m)?);
                                d = r.next_sibling()?;
                            }
                            r.end(d)?;
                        } else {
                            r.skip(c)?;
                        }
                        f = r.next_sibling()?;
                    }
                } else {
                    message = Some(Message::read(&mut r, p)?);
                }
                body = r.next_sibling()?;
            }
            r.end(body)?;
        } else {
            r.skip(s)?;
        }
        next = r.next_sibling()?;
    }
    message.ok_or_else(|| r.error("SOAP Body is empty"))
}

#[test]
fn valid_examples_round_trip() {
    let (valid, _) = example_files(&workspace_root().join("contracts"));
    assert!(
        valid.len() >= 26,
        "expected at least one request and response per operation, found {}",
        valid.len()
    );
    let mut failures = Vec::new();
    for file in &valid {
        let bytes = std::fs::read(file).expect("readable example");
        let message = match read_message(&bytes) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("{}: read failed: {e}", file.display()));
                continue;
            }
        };
        let written = message.to_xml();
        let written = String::from_utf8(written).expect("writer emits UTF-8");
        let original = String::from_utf8(bytes).expect("UTF-8 example");
        let a = roxmltree::Document::parse(&original).expect("example parses");
        let b = match roxmltree::Document::parse(&written) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!(
                    "{}: written XML does not parse: {e}\n{written}",
                    file.display()
                ));
                continue;
            }
        };
        if let Err(diff) = xml_equivalent(payload(&a), b.root_element()) {
            failures.push(format!("{}: round trip differs: {diff}", file.display()));
        }
        // Reading what we wrote gives the same value.
        match Message::from_xml(written.as_bytes()) {
            Ok(again) if again == message => {}
            Ok(_) => failures.push(format!("{}: re-read value differs", file.display())),
            Err(e) => failures.push(format!("{}: re-read failed: {e}", file.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n{}",
        failures.len(),
        valid.len(),
        failures.join("\n")
    );
}

/// The element path an invalid example's error must point at, from its
/// `<!-- error-path: /a/b[2]/c -->` comment (on the first line, so line numbers stay), so that
/// an example rejected for another reason than the one it was written for fails.
fn expected_error_path(text: &str) -> Option<&str> {
    let start = text.find("<!-- error-path: ")? + "<!-- error-path: ".len();
    let len = text[start..].find(" -->")?;
    Some(&text[start..start + len])
}

#[test]
fn invalid_examples_are_rejected_with_the_element_path() {
    let (_, invalid) = example_files(&workspace_root().join("contracts"));
    assert!(
        invalid.len() >= 39,
        "expected at least three invalid examples per interface, found {}",
        invalid.len()
    );
    let mut failures = Vec::new();
    for file in &invalid {
        let bytes = std::fs::read(file).expect("readable example");
        match read_message(&bytes) {
            Ok(_) => failures.push(format!("{}: accepted, but it is invalid", file.display())),
            Err(e) => {
                let text = String::from_utf8_lossy(&bytes);
                match expected_error_path(&text) {
                    None => failures.push(format!(
                        "{}: names no <!-- error-path: ... --> for its error (got {e})",
                        file.display()
                    )),
                    Some(path) if path != e.path => failures.push(format!(
                        "{}: rejected at {}, but its error must point at {path}: {e}",
                        file.display(),
                        e.path
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} invalid examples:\n{}",
        failures.len(),
        invalid.len(),
        failures.join("\n")
    );
}
