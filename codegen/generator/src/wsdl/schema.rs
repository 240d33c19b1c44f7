//! Extraction of inline `xs:schema` elements as stand-alone XML text.

use std::collections::BTreeMap;

use roxmltree::Node;

use super::parse::{Ctx, is};
use super::{InlineSchema, WsdlError, XSD_NS};

/// Copies `schema` (an `xs:schema` element) out of the WSDL text and adds every namespace
/// declaration in scope that its start tag does not already make, so that it parses alone.
pub(crate) fn extract_inline_schema(
    ctx: &Ctx,
    schema: Node,
    index: usize,
) -> Result<InlineSchema, WsdlError> {
    let raw = ctx.text.get(schema.range()).ok_or_else(|| {
        WsdlError::invalid(
            ctx.pos(schema),
            "cannot slice the xs:schema element out of the file",
        )
    })?;
    let tag = StartTag::scan(raw);
    let mut text = String::with_capacity(raw.len() + 256);
    text.push_str(&raw[..tag.name_end]);
    text.push_str(&missing_declarations(schema, &tag.declared));
    text.push_str(&raw[tag.name_end..]);

    let pos = ctx.pos(schema);
    let file_name = ctx.path.file_name().map_or_else(
        || ctx.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let xsd_children =
        |local: &'static str| schema.children().filter(move |c| is(*c, XSD_NS, local));
    Ok(InlineSchema {
        wsdl_path: ctx.path.to_path_buf(),
        index,
        target_namespace: schema.attribute("targetNamespace").map(str::to_owned),
        text,
        line: pos.line,
        column: pos.column,
        virtual_name: format!("{file_name}#schema{index}"),
        imports: xsd_children("import")
            .map(|i| {
                (
                    i.attribute("namespace").map(str::to_owned),
                    i.attribute("schemaLocation").map(str::to_owned),
                )
            })
            .collect(),
        includes: xsd_children("include")
            .filter_map(|i| i.attribute("schemaLocation").map(str::to_owned))
            .collect(),
    })
}

/// ` xmlns:p="uri"` for every in-scope namespace whose prefix the start tag does not declare,
/// sorted by prefix (default namespace first) so the output is deterministic.
fn missing_declarations(node: Node, declared: &[Option<String>]) -> String {
    let in_scope: BTreeMap<Option<&str>, &str> = node
        .namespaces()
        .filter(|ns| !(ns.name().is_none() && ns.uri().is_empty()))
        .filter(|ns| ns.name() != Some("xml"))
        .map(|ns| (ns.name(), ns.uri()))
        .collect();
    let mut out = String::new();
    for (prefix, uri) in in_scope {
        if declared.iter().any(|d| d.as_deref() == prefix) {
            continue;
        }
        let uri = escape_attr(uri);
        match prefix {
            Some(p) => out.push_str(&format!(" xmlns:{p}=\"{uri}\"")),
            None => out.push_str(&format!(" xmlns=\"{uri}\"")),
        }
    }
    out
}

fn escape_attr(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// What we need from a raw start tag: where its name ends and which prefixes it declares
/// (`None` for a default namespace declaration `xmlns="..."`).
struct StartTag {
    name_end: usize,
    declared: Vec<Option<String>>,
}

impl StartTag {
    /// Scans `<name attr="v" ...>`. The text was already accepted by roxmltree, so this only has
    /// to be correct for well-formed input; on anything unexpected it stops early.
    fn scan(raw: &str) -> StartTag {
        let bytes = raw.as_bytes();
        let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        let name_end = (1..bytes.len())
            .find(|&i| is_space(bytes[i]) || bytes[i] == b'>' || bytes[i] == b'/')
            .unwrap_or(bytes.len());
        let mut declared = Vec::new();
        let mut i = name_end;
        loop {
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            let name_start = i;
            while i < bytes.len() && bytes[i] != b'=' && !is_space(bytes[i]) && bytes[i] != b'>' {
                i += 1;
            }
            if i == name_start || i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let name = &raw[name_start..i];
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\'' {
                i += 1;
            }
            let Some(&quote) = bytes.get(i) else { break };
            let Some(len) = raw[i + 1..].find(quote as char) else {
                break;
            };
            i += len + 2;
            if name == "xmlns" {
                declared.push(None);
            } else if let Some(prefix) = name.strip_prefix("xmlns:") {
                declared.push(Some(prefix.to_owned()));
            }
        }
        StartTag { name_end, declared }
    }
}

#[cfg(test)]
mod tests {
    use super::StartTag;

    #[test]
    fn scans_declarations_across_lines_and_quotes() {
        let t =
            StartTag::scan("<xs:schema\n\txmlns:a='x>y' a=\"1\"\n xmlns = \"d\" xmlns:b=\"q\"/>");
        assert_eq!(t.name_end, 10);
        assert_eq!(
            t.declared,
            vec![Some("a".to_owned()), None, Some("b".to_owned())]
        );
    }
}
