//! Contracts as they really arrive (issue 17, point 1): a copy of `contracts/` in
//! ISO-8859-1 with CR-only line breaks, and one in UTF-16 (LE and BE, with byte order
//! marks) with CRLF line breaks, generate the same bindings, byte for byte, as the UTF-8
//! originals; an error in a CR-only ISO-8859-1 file still names the right file and line.

use std::path::{Path, PathBuf};

use tandvard_codegen::generate::{GenerateOptions, generate};
use tandvard_codegen::wsdl::Catalog;
use tandvard_tests::workspace_root;

fn temp_dir(name: &str) -> PathBuf {
    let d = workspace_root()
        .join("target/contract-encodings")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[derive(Clone, Copy)]
enum Enc {
    Latin1Cr,
    Utf16Crlf,
}

/// `text` (UTF-8, LF) re-encoded, with a declaration naming the encoding put in front on
/// the first line (so line numbers stay).
fn encode(text: &str, enc: Enc, big_endian: bool) -> Vec<u8> {
    let text = text
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .unwrap_or(text);
    match enc {
        Enc::Latin1Cr => {
            let t = format!(
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{}",
                text.replace('\n', "\r")
            );
            t.chars()
                .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 character"))
                .collect()
        }
        Enc::Utf16Crlf => {
            let t = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-16\"?>{}",
                text.replace('\n', "\r\n")
            );
            let mut out = if big_endian {
                vec![0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE]
            };
            for u in t.encode_utf16() {
                out.extend_from_slice(&if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
            out
        }
    }
}

/// Copies the WSDL and XSD files of `from` to `to`, re-encoded (examples are left out).
fn copy_encoded(from: &Path, to: &Path, enc: Enc) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(from).expect("dir") {
        let entry = entry.expect("entry");
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name == "examples" {
                continue;
            }
            std::fs::create_dir_all(to.join(&name)).expect("dir");
            n += copy_encoded(&path, &to.join(&name), enc);
        } else if path.extension().is_some_and(|e| e == "wsdl" || e == "xsd") {
            let text = std::fs::read_to_string(&path).expect("UTF-8 original");
            // Alternate the byte order between files.
            let bytes = encode(&text, enc, n % 2 == 1);
            std::fs::write(to.join(&name), bytes).expect("write");
            n += 1;
        }
    }
    n
}

fn generate_into(contracts: &Path, out: &Path) {
    let opts = GenerateOptions {
        contracts: vec![contracts.to_path_buf()],
        out: out.to_path_buf(),
        crate_name: "tandvard-bindings".into(),
        catalog: Catalog::default(),
        runtime_dependency: Some("tandvard-runtime = \"0.1\"".into()),
    };
    generate(&opts, false).unwrap_or_else(|e| panic!("{}: {e}", contracts.display()));
}

fn files(dir: &Path, base: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, base, out);
        } else {
            let rel = path.strip_prefix(base).expect("under base").to_path_buf();
            out.push((rel, std::fs::read(&path).expect("read")));
        }
    }
    out.sort();
}

fn same_bindings(enc: Enc, name: &str) {
    let root = temp_dir(name);
    // Both runs read the same directory (its path is in the generated header): first the
    // UTF-8 originals (without their examples), then the re-encoded copies.
    let contracts = root.join("contracts");
    copy_plain(&workspace_root().join("contracts"), &contracts);
    generate_into(&contracts, &root.join("out-utf8"));
    std::fs::remove_dir_all(&contracts).expect("clean");
    let n = copy_encoded(&workspace_root().join("contracts"), &contracts, enc);
    assert!(n > 20, "{n} contract files");
    generate_into(&contracts, &root.join("out-encoded"));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    files(&root.join("out-utf8"), &root.join("out-utf8"), &mut a);
    files(&root.join("out-encoded"), &root.join("out-encoded"), &mut b);
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{} differs", path.display());
    }
}

fn copy_plain(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("dir") {
        let entry = entry.expect("entry");
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "examples" {
                copy_plain(&path, &to.join(&name));
            }
        } else if path.extension().is_some_and(|e| e == "wsdl" || e == "xsd") {
            std::fs::copy(&path, to.join(&name)).expect("copy");
        }
    }
}

#[test]
fn latin1_with_cr_line_breaks_generates_the_same_bindings() {
    same_bindings(Enc::Latin1Cr, "latin1-cr");
}

#[test]
fn utf16_with_crlf_line_breaks_generates_the_same_bindings() {
    same_bindings(Enc::Utf16Crlf, "utf16-crlf");
}

#[test]
fn errors_in_a_latin1_cr_file_name_the_line() {
    let dir = temp_dir("latin1-error");
    let wsdl = dir.join("Bröken.wsdl");
    let text = "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\" targetNamespace=\"urn:å\">\n  <message name=\"mä\">\n    <part name=\"p\" element=\"nope:E\"/>\n  </message>\n</definitions>\n";
    std::fs::write(&wsdl, encode(text, Enc::Latin1Cr, false)).expect("write");
    let opts = GenerateOptions {
        contracts: vec![wsdl.clone()],
        out: dir.join("out"),
        crate_name: "x".into(),
        catalog: Catalog::default(),
        runtime_dependency: None,
    };
    let e = generate(&opts, false)
        .expect_err("undeclared prefix")
        .to_string();
    assert!(e.contains("Bröken.wsdl:3:"), "file and line: {e}");
    assert!(e.contains("nope"), "{e}");

    // Bytes that are not UTF-8 without a declaration naming the encoding: an error that
    // says how to name it, with the line.
    let raw = dir.join("Undeclared.wsdl");
    let mut bytes =
        b"<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"\r targetNamespace=\"urn:"
            .to_vec();
    bytes.push(0xE5);
    bytes.extend_from_slice(b"\"/>\r");
    std::fs::write(&raw, bytes).expect("write");
    let opts = GenerateOptions {
        contracts: vec![raw],
        ..opts
    };
    let e = generate(&opts, false).expect_err("not UTF-8").to_string();
    assert!(e.contains("Undeclared.wsdl:2:"), "{e}");
    assert!(e.contains("encoding=\"ISO-8859-1\""), "{e}");
}
