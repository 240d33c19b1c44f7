//! Writer output and read-back of tricky text.

use tandvard_runtime::{
    Date, DateTime, Decimal, Error, HexBinary, Nillable, Reader, RootElement, SimpleValue, Start,
    Writer, XmlRead, XmlWrite, from_xml, to_xml, to_xml_string,
};

const NS: &str = "urn:w";

#[derive(Debug, Clone, PartialEq)]
struct Doc {
    attr: String,
    text: String,
    nil: Nillable<Decimal>,
    bin: Vec<u8>,
    hex: HexBinary,
    when: DateTime,
    day: Option<Date>,
    flags: Vec<bool>,
    num: f64,
}

impl RootElement for Doc {
    const NAMESPACE: &'static str = NS;
    const LOCAL_NAME: &'static str = "Doc";
    const PREFIXED_NAME: &'static str = "w:Doc";
    const NAMESPACES: &'static [(&'static str, &'static str)] = &[("w", NS), ("", "urn:default")];
}

impl XmlRead for Doc {
    fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error> {
        let attr = r
            .attr(&start, None, b"a")?
            .ok_or_else(|| r.error("missing a"))?;
        let mut next = r.first_child(&start)?;
        let text = r.req(&mut next, NS, b"text")?;
        let nil = r.req(&mut next, NS, b"nil")?;
        let bin = r.req(&mut next, NS, b"bin")?;
        let hex = r.req(&mut next, NS, b"hex")?;
        let when = r.req(&mut next, NS, b"when")?;
        let day = r.opt(&mut next, NS, b"day")?;
        let flags = r.rep(&mut next, NS, b"flag", 0, None)?;
        let num = r.req(&mut next, NS, b"num")?;
        r.end(next)?;
        Ok(Doc {
            attr,
            text,
            nil,
            bin,
            hex,
            when,
            day,
            flags,
            num,
        })
    }
}

impl XmlWrite for Doc {
    fn write(&self, w: &mut Writer, name: &str) {
        w.start(name);
        w.attr("a", &self.attr);
        w.close_start();
        w.elem("w:text", &self.text);
        w.elem("w:nil", &self.nil);
        w.elem("w:bin", &self.bin);
        w.elem("w:hex", &self.hex);
        w.elem("w:when", &self.when);
        w.elem_opt("w:day", &self.day);
        w.elems("w:flag", &self.flags);
        w.elem("w:num", &self.num);
        w.end(name);
    }
}

fn sample() -> Doc {
    Doc {
        attr: "tab\tnl\ncr\r \"q\" 'a' <&> ]]>".into(),
        text: "  lead & <tag> ]]> cr\r\nlf\n tab\t é 😀  ".into(),
        nil: Nillable::Nil,
        bin: vec![0, 1, 2, 250, 255],
        hex: HexBinary(vec![0xde, 0xad]),
        when: DateTime::from_text("2026-02-28T13:20:00.250+01:00").unwrap(),
        day: None,
        flags: vec![true, false],
        num: f64::NEG_INFINITY,
    }
}

#[test]
fn document_round_trips_exactly() {
    let d = sample();
    let xml = to_xml_string(&d);
    assert_eq!(
        xml,
        "<w:Doc xmlns:w=\"urn:w\" xmlns=\"urn:default\" \
         a=\"tab&#9;nl&#10;cr&#13; &quot;q&quot; 'a' &lt;&amp;&gt; ]]&gt;\">\
         <w:text>  lead &amp; &lt;tag&gt; ]]&gt; cr&#13;\nlf\n tab\t é 😀  </w:text>\
         <w:nil xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"/>\
         <w:bin>AAEC+v8=</w:bin><w:hex>DEAD</w:hex>\
         <w:when>2026-02-28T13:20:00.250+01:00</w:when>\
         <w:flag>true</w:flag><w:flag>false</w:flag><w:num>-INF</w:num></w:Doc>"
    );
    let back: Doc = from_xml(xml.as_bytes()).unwrap();
    assert_eq!(back, d);
    assert_eq!(to_xml(&back), xml.as_bytes());

    let d2 = Doc {
        nil: Nillable::Value(Decimal::new(-1050, 3)),
        day: Some(Date::from_text("2026-01-31Z").unwrap()),
        text: String::new(),
        flags: vec![],
        num: 0.1,
        ..sample()
    };
    let xml = to_xml_string(&d2);
    assert!(xml.contains("<w:nil>-1.050</w:nil>"), "{xml}");
    assert!(xml.contains("<w:text></w:text>"), "{xml}");
    assert!(xml.contains("<w:day>2026-01-31Z</w:day>"), "{xml}");
    assert_eq!(from_xml::<Doc>(xml.as_bytes()).unwrap(), d2);
}

#[test]
fn writer_primitives() {
    let mut w = Writer::new();
    w.xml_declaration();
    w.pending_ns_decls(&[("p", "urn:a&b\"c")]);
    w.start("p:r");
    w.attr_opt("x", &Some(5u8));
    w.attr_opt::<u8>("y", &None);
    w.end_empty();
    assert_eq!(
        w.as_str(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><p:r xmlns:p=\"urn:a&amp;b&quot;c\" x=\"5\"/>"
    );
    // Pending declarations go on the first start tag only.
    let mut w = Writer::with_capacity(64);
    w.pending_ns_decls(&[("p", "urn:a")]);
    w.start("p:a");
    w.close_start();
    w.start("p:b");
    w.close_start();
    w.text(&"x".to_string());
    w.text_str("<");
    w.end("p:b");
    w.end("p:a");
    assert_eq!(
        w.into_string(),
        "<p:a xmlns:p=\"urn:a\"><p:b>x&lt;</p:b></p:a>"
    );
}
