//! `serve-mock`: a mock of the e-service answering every operation with its example response.
//! Being built: see issue 4.

use std::process::ExitCode;

/// Arguments of `tandvard-codegen serve-mock`.
#[derive(Debug, clap::Args)]
pub struct MockArgs {}

/// Runs the mock server until interrupted.
pub fn run(_args: &MockArgs) -> ExitCode {
    eprintln!("error: serve-mock is not implemented yet");
    ExitCode::from(2)
}
