//! Read and write throughput of the generated bindings on a ~10 MB Payment Specification
//! response, each measured beside its floor in the same run:
//! - read: a bare quick-xml `NsReader` event loop over the same bytes (building nothing);
//! - write: a bare quick-xml `Writer` emitting the same events (pre-parsed, owned).
//!
//! Run: `cargo bench -p tandvard-tests --bench messages`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quick_xml::events::Event;
use tandvard_bindings::get_payment_specification_responder_v1::GetPaymentSpecificationResponseType;
use tandvard_tests::workspace_root;

/// The example response with its payments repeated until the document is about 10 MB.
fn big_payment_specification() -> Vec<u8> {
    let path = workspace_root()
        .join("contracts/payment-specification/examples/GetPaymentSpecificationResponse.xml");
    let text = std::fs::read_to_string(path).expect("example");
    let first = text.find("<payment>").expect("a payment");
    let last = text.rfind("</payment>").expect("a payment end") + "</payment>".len();
    let payments = &text[first..last];
    let mut out = String::with_capacity(11 << 20);
    out.push_str(&text[..first]);
    while out.len() < 10 << 20 {
        out.push_str(payments);
        out.push('\n');
    }
    out.push_str(&text[last..]);
    out.into_bytes()
}

fn bare_read(bytes: &[u8]) -> usize {
    let mut r = quick_xml::NsReader::from_reader(bytes);
    let mut n = 0;
    loop {
        match r.read_resolved_event() {
            Ok((_, Event::Eof)) => break,
            Ok(_) => n += 1,
            Err(e) => panic!("bare reader: {e}"),
        }
    }
    n
}

fn owned_events(bytes: &[u8]) -> Vec<Event<'static>> {
    let mut r = quick_xml::Reader::from_reader(bytes);
    let mut out = Vec::new();
    loop {
        match r.read_event() {
            Ok(Event::Eof) => break,
            Ok(e) => out.push(e.into_owned()),
            Err(e) => panic!("{e}"),
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let bytes = big_payment_specification();
    let value: GetPaymentSpecificationResponseType =
        tandvard_runtime::from_xml(&bytes).expect("the big document reads");
    let written = tandvard_runtime::to_xml(&value);
    let events = owned_events(&written);

    let mut g = c.benchmark_group("payment_specification_10mb");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("read/bare_quick_xml_ns_reader", |b| {
        b.iter(|| bare_read(&bytes))
    });
    g.bench_function("read/generated", |b| {
        b.iter(|| {
            tandvard_runtime::from_xml::<GetPaymentSpecificationResponseType>(&bytes)
                .expect("reads")
        })
    });
    g.throughput(Throughput::Bytes(written.len() as u64));
    g.bench_function("write/bare_quick_xml_writer", |b| {
        b.iter(|| {
            let mut w = quick_xml::Writer::new(Vec::with_capacity(written.len()));
            for e in &events {
                w.write_event(e.borrow()).expect("write");
            }
            w.into_inner()
        })
    });
    // Both writers get the same output buffer up front.
    g.bench_function("write/generated", |b| {
        b.iter(|| tandvard_runtime::to_xml_with_capacity(&value, written.len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
