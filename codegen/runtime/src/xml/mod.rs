//! XML reading and writing for generated code.

mod any;
mod chars;
mod encoding;
mod reader;
mod writer;

pub use any::AnyElement;
pub(crate) use chars::{RawAttrs, attr_value};
pub use chars::{XML_NS, XMLNS_NS, XSI_NS};
pub use encoding::decode_xml;
pub use reader::{
    AnyAttribute, AnyNs, Attr, Attrs, Nillable, NsId, ReadOptions, Reader, RootElement, Start,
    UnknownElements, XmlRead, from_xml, from_xml_with,
};
pub(crate) use reader::{clark, decoded};
pub use writer::{Writer, XmlWrite, check_occurs, to_xml, to_xml_string, to_xml_with_capacity};
