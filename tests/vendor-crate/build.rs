//! Generates the FK bindings from `contracts/` at build time.

fn main() -> Result<(), tandvard_codegen::Error> {
    // A copy of FK's contracts next to Cargo.toml; when run in place inside the
    // tandvard-codegen repository, the repository's stand-in contracts.
    let contracts = if std::path::Path::new("contracts").is_dir() {
        "contracts"
    } else {
        "../../contracts"
    };
    tandvard_codegen::Builder::new()
        .contracts(contracts)
        .generate()?;
    Ok(())
}
