//! The SOAP envelope reader: headers captured, the payload captured verbatim (every
//! captured element must parse standalone and give the same text when captured again),
//! faults read with their detail.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandvard_runtime::soap::{Body, read_envelope};
use tandvard_runtime::{AnyElement, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions::default();
    let Ok(env) = read_envelope(data, &opts, |r, s| r.capture(s)) else {
        return;
    };
    let mut captured: Vec<&AnyElement> = env.headers.blocks.iter().map(|b| &b.element).collect();
    if let Body::Payload(p) = &env.body {
        captured.push(p);
    }
    if let Body::Fault(f) = &env.body {
        captured.extend(f.detail.iter());
    }
    for e in captured {
        let text = e.as_str();
        let again = AnyElement::parse(text).expect("a captured element parses standalone");
        assert_eq!(again.as_str(), text);
        let _ = (e.namespace(), e.local_name());
    }
});
