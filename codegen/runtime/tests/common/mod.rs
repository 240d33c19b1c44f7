//! A small two-level document model written the way the generator emits code.
#![allow(dead_code)]

use tandvard_runtime::{
    AnyElement, AnyNs, Date, Decimal, Error, Nillable, Reader, RootElement, Start, Writer, XmlRead,
    XmlWrite,
};

pub const NS: &str = "urn:example:claims";

#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub id: String,
    pub version: Option<u32>,
    pub patient: String,
    pub date: Date,
    pub lines: Vec<Line>,
    pub comment: Nillable<String>,
    pub extra: Vec<AnyElement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub code: String,
    pub amount: Decimal,
    pub qty: Option<i32>,
}

impl RootElement for Claim {
    const NAMESPACE: &'static str = NS;
    const LOCAL_NAME: &'static str = "Claim";
    const PREFIXED_NAME: &'static str = "c:Claim";
    const NAMESPACES: &'static [(&'static str, &'static str)] = &[("c", NS)];
}

impl XmlRead for Claim {
    fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error> {
        let mut id = None;
        let mut version = None;
        for a in r.attrs(&start) {
            let a = a?;
            if a.ns == tandvard_runtime::NsId::NONE {
                match a.local {
                    b"id" => id = Some(r.parse_attr(a)?),
                    b"version" => version = Some(r.parse_attr(a)?),
                    _ => {}
                }
            }
        }
        let Some(id) = id else {
            return Err(r.error("missing attribute id"));
        };
        let mut next = r.first_child(&start)?;
        let patient = r.req(&mut next, NS, b"patient")?;
        let date = r.req(&mut next, NS, b"date")?;
        let lines = r.rep(&mut next, NS, b"line", 1, None)?;
        let comment = r.req(&mut next, NS, b"comment")?;
        let extra = r.any(&mut next, AnyNs::Other(&[NS]), 0, None)?;
        r.end(next)?;
        Ok(Claim {
            id,
            version,
            patient,
            date,
            lines,
            comment,
            extra,
        })
    }
}

impl XmlWrite for Claim {
    fn write(&self, w: &mut Writer, name: &str) {
        w.start(name);
        w.attr("id", &self.id);
        w.attr_opt("version", &self.version);
        w.close_start();
        w.elem("c:patient", &self.patient);
        w.elem("c:date", &self.date);
        w.elems("c:line", &self.lines);
        w.elem("c:comment", &self.comment);
        w.any(&self.extra);
        w.end(name);
    }
}

impl XmlRead for Line {
    fn read<'i>(r: &mut Reader<'i>, start: Start<'i>) -> Result<Self, Error> {
        let mut next = r.first_child(&start)?;
        let code = r.req(&mut next, NS, b"code")?;
        let amount = r.req(&mut next, NS, b"amount")?;
        let qty = r.opt(&mut next, NS, b"qty")?;
        r.end(next)?;
        Ok(Line { code, amount, qty })
    }
}

impl XmlWrite for Line {
    fn write(&self, w: &mut Writer, name: &str) {
        w.start(name);
        w.close_start();
        w.elem("c:code", &self.code);
        w.elem("c:amount", &self.amount);
        w.elem_opt("c:qty", &self.qty);
        w.end(name);
    }
}
