//! Every generated reader: `messages::Message::from_xml` reaches the request and response
//! of every interface. What is read is written and read again: the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandvard_bindings::messages::Message;

fuzz_target!(|data: &[u8]| {
    let Ok(m) = Message::from_xml(data) else {
        return;
    };
    let written = m.to_xml();
    let again = Message::from_xml(&written).expect("what was written reads back");
    assert!(again == m, "re-read value differs");
});
