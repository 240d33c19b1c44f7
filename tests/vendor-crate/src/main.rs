//! What a journal system does with the bindings its build.rs generated:
//! - `vendor-example read SubmitClaimRequest.xml`: read a claim and write it back;
//! - `vendor-example check-patient URL CA.pem CERT.pem KEY.pem CheckPatientRequest.xml`:
//!   call Check Patient over mutual TLS (e.g. against `tandvard-codegen serve-mock`).

use std::process::ExitCode;

use tandvard_runtime::soap::BusinessResult;
use tandvard_runtime::transport::TlsConfig;
use vendor_example::check_patient_responder_interface::{
    CheckPatientResponderBlockingClient, CheckPatientResponderClient,
};
use vendor_example::check_patient_responder_v2::CheckPatientType;
use vendor_example::common_v1::RequestHeaderType;
use vendor_example::messages::Message;
use vendor_example::submit_claim_responder_v2::SubmitClaimType;

/// Who is calling: the clinic's header, sent with every call (a fresh message id per attempt).
const HEADER: &str = r#"<cmn:RequestHeader xmlns:cmn="urn:fk:tandvard:common:1">
  <cmn:messageId>00000000-0000-4000-8000-000000000000</cmn:messageId>
  <cmn:sentAt>2026-03-09T08:00:00Z</cmn:sentAt>
  <cmn:careProviderOrgNo>556677-0011</cmn:careProviderOrgNo>
  <cmn:clinicId>MOTT100245</cmn:clinicId>
  <cmn:sourceSystem>
    <cmn:vendor>Exempel Journal AB</cmn:vendor>
    <cmn:product>DentJournal</cmn:product>
    <cmn:productVersion>8.4.2</cmn:productVersion>
  </cmn:sourceSystem>
  <cmn:contractVersion>2.3</cmn:contractVersion>
</cmn:RequestHeader>"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("read") if args.len() == 2 => read(&args[1]),
        Some("check-patient") if args.len() == 6 => check_patient(&args[1..]),
        _ => Err("usage: vendor-example read FILE | check-patient URL CA CERT KEY REQUEST".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn read(path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path)?;
    let claim: SubmitClaimType = tandvard_runtime::from_xml(&bytes)?;
    let again = tandvard_runtime::to_xml(&claim);
    let same = matches!(Message::from_xml(&again), Ok(Message::SubmitClaim(c)) if c == claim);
    println!(
        "claim read and written back: {}",
        if same { "identical" } else { "DIFFERENT" }
    );
    if same {
        Ok(())
    } else {
        Err("round trip differs".into())
    }
}

fn check_patient(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let [url, ca, cert, key, request] = args else {
        return Err("check-patient needs URL CA CERT KEY REQUEST".into());
    };
    let tls = TlsConfig::new()
        .identity_pem(&std::fs::read(cert)?, &std::fs::read(key)?)?
        .ca_bundle_pem(&std::fs::read(ca)?)?;
    let header: RequestHeaderType = tandvard_runtime::from_xml(HEADER.as_bytes())?;
    let client = CheckPatientResponderClient::https(tls)?
        .with_endpoint(url.as_str())
        .with_header(header);
    let client = CheckPatientResponderBlockingClient::new(client)?;
    let request: CheckPatientType = tandvard_runtime::from_xml(&std::fs::read(request)?)?;
    let response = client.check_patient(request)?;
    let outcome = response.outcome();
    println!("CheckPatient answered: result {:?}", outcome.code);
    Ok(())
}
