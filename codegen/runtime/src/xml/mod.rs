//! XML reading and writing for generated code.

mod any;
mod chars;
mod reader;
mod writer;

pub use any::AnyElement;
pub use chars::{XML_NS, XMLNS_NS, XSI_NS};
pub use reader::{
    AnyNs, Attr, Attrs, Nillable, NsId, ReadOptions, Reader, RootElement, Start, UnknownElements,
    XmlRead, from_xml, from_xml_with,
};
pub use writer::{Writer, XmlWrite, to_xml, to_xml_string};
