//! Reader/writer throughput against bare quick-xml loops over the same ~10 MB document.
//!
//! (a) bare `quick_xml::NsReader` event loop (the floor; `a0` is the raw non-namespace
//! reader, for context), (b) `from_xml` into `Vec<Row>`
//! with hand-written impls shaped like generated code, (c) a bare `quick_xml::Writer`
//! emitting the same events from pre-formatted text, (d) our `Writer` writing the struct.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use tandvard_runtime::{
    Date, Decimal, Error, Reader, RootElement, SimpleValue, Start, Writer, XmlRead, XmlWrite,
    from_xml, to_xml,
};

const NS: &str = "urn:example:bench:rows";
const ROWS: usize = 50_000;

#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: u64,
    name: String,
    amount: Decimal,
    date: Date,
    qty: i32,
    note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Rows {
    rows: Vec<Row>,
}

impl RootElement for Rows {
    const NAMESPACE: &'static str = NS;
    const LOCAL_NAME: &'static str = "Rows";
    const PREFIXED_NAME: &'static str = "r:Rows";
    const NAMESPACES: &'static [(&'static str, &'static str)] = &[("r", NS)];
}

impl XmlRead for Rows {
    fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error> {
        let mut next = r.first_child(&start)?;
        let rows = r.rep(&mut next, NS, b"row", 0, None)?;
        r.end(next)?;
        Ok(Rows { rows })
    }
}

impl XmlRead for Row {
    fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error> {
        let mut next = r.first_child(&start)?;
        let id = r.req(&mut next, NS, b"id")?;
        let name = r.req(&mut next, NS, b"name")?;
        let amount = r.req(&mut next, NS, b"amount")?;
        let date = r.req(&mut next, NS, b"date")?;
        let qty = r.req(&mut next, NS, b"qty")?;
        let note = r.opt(&mut next, NS, b"note")?;
        r.end(next)?;
        Ok(Row {
            id,
            name,
            amount,
            date,
            qty,
            note,
        })
    }
}

impl XmlWrite for Rows {
    fn write(&self, w: &mut Writer, name: &str) {
        w.start(name);
        w.close_start();
        w.elems("r:row", &self.rows);
        w.end(name);
    }
}

impl XmlWrite for Row {
    fn write(&self, w: &mut Writer, name: &str) {
        w.start(name);
        w.close_start();
        w.elem("r:id", &self.id);
        w.elem("r:name", &self.name);
        w.elem("r:amount", &self.amount);
        w.elem("r:date", &self.date);
        w.elem("r:qty", &self.qty);
        w.elem_opt("r:note", &self.note);
        w.end(name);
    }
}

fn make_rows() -> Rows {
    let rows = (0..ROWS)
        .map(|i| Row {
            id: i as u64 + 1,
            name: format!("Patient number {i} & family"),
            amount: Decimal::new(i as i64 * 37 % 100_000 + 5, 2),
            date: Date::new(
                2020 + (i % 7) as i32,
                (i % 12) as u8 + 1,
                (i % 28) as u8 + 1,
            )
            .expect("valid date"),
            qty: (i % 1000) as i32 - 500,
            note: (i % 2 == 0).then(|| format!("note for row {i}: treatment <ok>")),
        })
        .collect();
    Rows { rows }
}

/// The document, indented like a typical pretty-printed message.
fn make_doc(rows: &Rows) -> Vec<u8> {
    let mut s = String::with_capacity(11 << 20);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!("<r:Rows xmlns:r=\"{NS}\">\n"));
    let mut w = Writer::new();
    for row in &rows.rows {
        s.push_str("  <r:row>\n");
        for (name, text) in row_fields(row) {
            w = Writer::new();
            w.text_str(&text);
            s.push_str(&format!("    <r:{name}>{}</r:{name}>\n", w.as_str()));
        }
        s.push_str("  </r:row>\n");
    }
    let _ = w;
    s.push_str("</r:Rows>\n");
    s.into_bytes()
}

fn row_fields(row: &Row) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("id", row.id.to_text()),
        ("name", row.name.clone()),
        ("amount", row.amount.to_text()),
        ("date", row.date.to_text()),
        ("qty", row.qty.to_text()),
    ];
    if let Some(n) = &row.note {
        v.push(("note", n.clone()));
    }
    v
}

fn bare_ns_reader(doc: &[u8]) -> usize {
    let mut r = quick_xml::NsReader::from_reader(doc);
    let mut n = 0usize;
    loop {
        match r.read_resolved_event() {
            Ok((_, Event::Eof)) => break,
            Ok((_, e)) => {
                n += 1;
                black_box(&e);
            }
            Err(e) => panic!("{e}"),
        }
    }
    n
}

/// For context: the raw (non-namespace) quick-xml reader our `Reader` is built on.
fn bare_raw_reader(doc: &[u8]) -> usize {
    let mut r = quick_xml::Reader::from_reader(doc);
    let mut n = 0usize;
    loop {
        match r.read_event() {
            Ok(Event::Eof) => break,
            Ok(e) => {
                n += 1;
                black_box(&e);
            }
            Err(e) => panic!("{e}"),
        }
    }
    n
}

/// Pre-formatted events for the bare writer.
fn make_events(rows: &Rows) -> Vec<Vec<(&'static str, String)>> {
    rows.rows.iter().map(row_fields).collect()
}

fn bare_writer(events: &[Vec<(&'static str, String)>]) -> Vec<u8> {
    let mut w = quick_xml::Writer::new(Vec::with_capacity(256));
    let mut root = BytesStart::new("r:Rows");
    root.push_attribute(("xmlns:r", NS));
    let _ = w.write_event(Event::Start(root));
    for row in events {
        let _ = w.write_event(Event::Start(BytesStart::new("r:row")));
        for (name, text) in row {
            let q = match *name {
                "id" => "r:id",
                "name" => "r:name",
                "amount" => "r:amount",
                "date" => "r:date",
                "qty" => "r:qty",
                _ => "r:note",
            };
            let _ = w.write_event(Event::Start(BytesStart::new(q)));
            let _ = w.write_event(Event::Text(BytesText::new(text)));
            let _ = w.write_event(Event::End(BytesEnd::new(q)));
        }
        let _ = w.write_event(Event::End(BytesEnd::new("r:row")));
    }
    let _ = w.write_event(Event::End(BytesEnd::new("r:Rows")));
    w.into_inner()
}

fn benches(c: &mut Criterion) {
    let rows = make_rows();
    let doc = make_doc(&rows);
    let parsed: Rows = from_xml(&doc).expect("document parses");
    assert_eq!(parsed, rows);
    let events = make_events(&rows);
    let ours = to_xml(&rows);
    let bare = bare_writer(&events);
    assert_eq!(ours, bare, "both writers emit the same bytes");
    eprintln!(
        "document: {} bytes ({} rows); written: {} bytes",
        doc.len(),
        ROWS,
        ours.len()
    );

    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Bytes(doc.len() as u64));
    g.sample_size(20);
    g.bench_function("a_bare_nsreader", |b| {
        b.iter(|| bare_ns_reader(black_box(&doc)))
    });
    g.bench_function("a0_bare_raw_reader", |b| {
        b.iter(|| bare_raw_reader(black_box(&doc)))
    });
    g.bench_function("b_from_xml", |b| {
        b.iter(|| from_xml::<Rows>(black_box(&doc)).expect("parses"))
    });
    g.finish();

    let mut g = c.benchmark_group("write");
    g.throughput(Throughput::Bytes(ours.len() as u64));
    g.sample_size(20);
    g.bench_function("c_bare_writer", |b| {
        b.iter(|| bare_writer(black_box(&events)))
    });
    g.bench_function("d_to_xml", |b| b.iter(|| to_xml(black_box(&rows))));
    g.finish();
}

criterion_group!(xml, benches);
criterion_main!(xml);
