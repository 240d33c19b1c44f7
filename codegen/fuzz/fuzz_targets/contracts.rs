//! The contract loader from bytes: the input is a WSDL and an XSD (split at the first
//! `\0`), written to a scratch directory as `a.wsdl` and `b.xsd` and loaded as a contract
//! set. Any outcome but a panic (or a hang) is fine.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tandvard_codegen::input::load_contracts;
use tandvard_codegen::wsdl::Catalog;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d =
            std::env::temp_dir().join(format!("tandvard-fuzz-contracts-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch dir");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let (wsdl, xsd) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let dir = scratch();
    let _ = std::fs::write(dir.join("a.wsdl"), wsdl);
    let _ = std::fs::write(dir.join("b.xsd"), xsd);
    let _ = load_contracts(&[dir.join("a.wsdl")], &Catalog::default());
});
