//! Reads a claim the way a journal system would produce it, and prints what it holds.

use std::process::ExitCode;

use vendor_example::messages::Message;
use vendor_example::submit_claim_responder_v2::SubmitClaimType;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: vendor-example SubmitClaimRequest.xml");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let claim: SubmitClaimType = match tandvard_runtime::from_xml(&bytes) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    };
    let again = tandvard_runtime::to_xml(&claim);
    let same = matches!(Message::from_xml(&again), Ok(Message::SubmitClaim(c)) if c == claim);
    println!(
        "claim read and written back: {}",
        if same { "identical" } else { "DIFFERENT" }
    );
    if same {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
