//! Load and soak: the generated client against `serve-mock` over mutual TLS on loopback.
//!
//! Makes a CA, a server certificate and a client certificate (rcgen) in a temporary
//! directory, starts `tandvard-codegen serve-mock` on 127.0.0.1 (a free port) requiring
//! client certificates, and runs TASKS concurrent tasks calling Check Patient, Submit Claim
//! (with its idempotency key), Get Messages and Ping in turn until SECONDS have passed or
//! MAX_CALLS calls were made. Every few seconds it samples the resident memory (VmRSS) of
//! both processes. At the end it stops the mock and prints the figures; it exits non-zero
//! when a call failed or when either process's memory grew after warm-up (the first quarter
//! of the run) by more than 10 % plus 4 MiB.
//!
//! ```sh
//! cargo build --release -p tandvard-codegen-cli
//! cargo run --release -p tandvard-tests --example soak -- \
//!     --mock target/release/tandvard-codegen --tasks 64 --seconds 60
//! ```
//! (`scripts/soak.sh` runs exactly this.)

#[path = "../soap_common.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;
use tandvard_bindings::check_patient_responder_interface as cpi;
use tandvard_bindings::get_message_responder_interface as gmi;
use tandvard_bindings::submit_claim_responder_interface as sci;
use tandvard_bindings::test_responder_interface as ti;
use tandvard_runtime::client::{RetryPolicy, SoapClient};

struct Args {
    mock: PathBuf,
    tasks: usize,
    seconds: u64,
    max_calls: u64,
    sample_seconds: u64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        mock: PathBuf::from("target/release/tandvard-codegen"),
        tasks: 64,
        seconds: 60,
        max_calls: 5_000_000,
        sample_seconds: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let num = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--mock" => a.mock = PathBuf::from(&value),
            "--tasks" => a.tasks = num()?.clamp(1, 1024) as usize,
            "--seconds" => a.seconds = num()?.clamp(1, 3600),
            "--max-calls" => a.max_calls = num()?.max(1),
            "--sample-seconds" => a.sample_seconds = num()?.clamp(1, 60),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(a)
}

/// VmRSS of a process in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Latencies in 100 µs buckets up to 2 s (the last bucket takes the rest).
struct Histogram([AtomicU64; 20_001]);

impl Histogram {
    fn new() -> Self {
        Histogram(std::array::from_fn(|_| AtomicU64::new(0)))
    }
    fn record(&self, d: Duration) {
        let i = ((d.as_micros() / 100) as usize).min(self.0.len() - 1);
        self.0[i].fetch_add(1, Ordering::Relaxed);
    }
    fn percentile(&self, p: f64) -> Duration {
        let total: u64 = self.0.iter().map(|b| b.load(Ordering::Relaxed)).sum();
        let want = ((total as f64) * p).ceil() as u64;
        let mut seen = 0;
        for (i, b) in self.0.iter().enumerate() {
            seen += b.load(Ordering::Relaxed);
            if seen >= want.max(1) {
                return Duration::from_micros((i as u64 + 1) * 100);
            }
        }
        Duration::ZERO
    }
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    // Certificates.
    let dir = std::env::temp_dir().join(format!("tandvard-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let server_pki = Pki::new("soak server CA");
    let client_pki = Pki::new("soak client CA");
    let server_id = server_pki.server();
    let client_id = client_pki.client("soak vendor");
    std::fs::write(dir.join("server.pem"), &server_id.cert_pem).unwrap();
    std::fs::write(dir.join("server.key"), &server_id.key_pem).unwrap();
    std::fs::write(dir.join("client-ca.pem"), client_pki.ca_pem()).unwrap();

    // The mock, on a free loopback port.
    let mut child = match Command::new(&args.mock)
        .arg("serve-mock")
        .arg("--contracts")
        .arg(contracts())
        .args(["--addr", "127.0.0.1:0", "--tls-cert"])
        .arg(dir.join("server.pem"))
        .arg("--tls-key")
        .arg(dir.join("server.key"))
        .arg("--client-ca")
        .arg(dir.join("client-ca.pem"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot start {}: {e}", args.mock.display());
            return ExitCode::from(2);
        }
    };
    let mock_pid = child.id();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    // "serve-mock listening on https://127.0.0.1:PORT (...)"
    let port = first
        .split("https://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|p| p.parse::<u16>().ok());
    let Some(port) = port else {
        eprintln!("error: unexpected first line from the mock: {first:?}");
        let _ = child.kill();
        return ExitCode::from(2);
    };
    // Drain the rest of its output.
    std::thread::spawn(move || for _ in lines {});
    let base = format!("https://localhost:{port}");

    // The clients: one transport (one connection pool), as a vendor would.
    let transport = Arc::new(
        tandvard_runtime::transport::HttpsTransport::builder(client_tls(
            &server_pki,
            Some(&client_id),
        ))
        .connect_timeout(Duration::from_secs(5))
        .request_timeout(Duration::from_secs(20))
        .build()
        .expect("transport"),
    );
    let soap = |path: &str| {
        SoapClient::with_shared_transport(transport.clone(), format!("{base}{path}"))
            .with_retry_policy(RetryPolicy::none())
    };
    let header = request_header();
    let check = cpi::CheckPatientResponderClient::from_soap_client(soap(cpi::PATH))
        .with_header(header.clone());
    let submit = sci::SubmitClaimResponderClient::from_soap_client(soap(sci::PATH))
        .with_header(header.clone());
    let messages = gmi::GetMessageResponderClient::from_soap_client(soap(gmi::PATH))
        .with_header(header.clone());
    let ping = ti::TestResponderClient::from_soap_client(soap(ti::PATH));
    let check_req: tandvard_bindings::check_patient_responder_v2::CheckPatientType =
        example("check-patient/examples/CheckPatientRequest.xml");
    let submit_req: tandvard_bindings::submit_claim_responder_v2::SubmitClaimType =
        example("submit-claim/examples/SubmitClaimRequest.xml");
    let key = submit_req.claim.client_claim_id.get().to_string();
    let messages_req: tandvard_bindings::get_message_responder_v1::GetMessagesType =
        example("get-message/examples/GetMessagesRequest.xml");
    let ping_req: tandvard_bindings::test_responder_v1::PingType =
        example("test/examples/PingRequest.xml");

    let calls = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let first_failure = Arc::new(std::sync::Mutex::new(None::<String>));
    let latency = Arc::new(Histogram::new());
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);

    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..args.tasks {
        let (check, submit, messages, ping) = (
            check.clone(),
            submit.with_idempotency_key(&key),
            messages.clone(),
            ping.clone(),
        );
        let (check_req, submit_req, messages_req, ping_req) = (
            check_req.clone(),
            submit_req.clone(),
            messages_req.clone(),
            ping_req.clone(),
        );
        let (calls, failures, first_failure, latency) = (
            calls.clone(),
            failures.clone(),
            first_failure.clone(),
            latency.clone(),
        );
        let max_calls = args.max_calls;
        tasks.spawn(async move {
            let mut i = t;
            while Instant::now() < deadline && calls.fetch_add(1, Ordering::Relaxed) < max_calls {
                let began = Instant::now();
                let result = match i % 4 {
                    0 => check
                        .check_patient(check_req.clone())
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    1 => submit
                        .submit_claim(submit_req.clone())
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    2 => messages
                        .get_messages(messages_req.clone())
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    _ => ping
                        .ping(ping_req.clone())
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                };
                latency.record(began.elapsed());
                if let Err(e) = result {
                    failures.fetch_add(1, Ordering::Relaxed);
                    let mut f = first_failure.lock().unwrap();
                    if f.is_none() {
                        *f = Some(e);
                    }
                }
                i += 1;
            }
        });
    }

    // Memory samples while the tasks run.
    let mut samples: Vec<(u64, u64, u64, u64)> = Vec::new();
    let me = std::process::id();
    loop {
        let elapsed = started.elapsed().as_secs();
        samples.push((
            elapsed,
            calls.load(Ordering::Relaxed),
            rss_kib(me).unwrap_or(0),
            rss_kib(mock_pid).unwrap_or(0),
        ));
        if Instant::now() >= deadline {
            break;
        }
        let next = Duration::from_secs(args.sample_seconds)
            .min(deadline.saturating_duration_since(Instant::now()));
        tokio::time::sleep(next).await;
    }
    // Bounded: every call has a 20 s timeout.
    let drained = tokio::time::timeout(Duration::from_secs(60), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    let elapsed = started.elapsed();
    let end = (
        elapsed.as_secs(),
        calls.load(Ordering::Relaxed),
        rss_kib(me).unwrap_or(0),
        rss_kib(mock_pid).unwrap_or(0),
    );
    samples.push(end);
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);

    let total = calls.load(Ordering::Relaxed).min(args.max_calls);
    let failed = failures.load(Ordering::Relaxed);
    println!(
        "soak: {} tasks, {:.1} s, {} calls ({:.0}/s), {} failed; latency p50 {:?}, p99 {:?}, p99.9 {:?}",
        args.tasks,
        elapsed.as_secs_f64(),
        total,
        total as f64 / elapsed.as_secs_f64(),
        failed,
        latency.percentile(0.50),
        latency.percentile(0.99),
        latency.percentile(0.999),
    );
    println!("| s | calls | client RSS (MiB) | serve-mock RSS (MiB) |");
    println!("|---:|---:|---:|---:|");
    for (s, c, a, b) in &samples {
        println!(
            "| {s} | {c} | {:.1} | {:.1} |",
            *a as f64 / 1024.0,
            *b as f64 / 1024.0
        );
    }
    let mut ok = true;
    if drained.is_err() {
        println!("FAIL: the tasks did not finish within 60 s of the end");
        ok = false;
    }
    if failed > 0 {
        println!(
            "FAIL: {failed} calls failed; the first: {}",
            first_failure.lock().unwrap().clone().unwrap_or_default()
        );
        ok = false;
    }
    // Flat after warm-up: the largest sample of the rest against the one at warm-up's end.
    let warm = args.seconds / 4;
    let base = samples.iter().find(|s| s.0 >= warm).copied();
    if let Some((_, _, base_client, base_mock)) = base {
        for (name, base, max) in [
            (
                "client",
                base_client,
                samples.iter().filter(|s| s.0 >= warm).map(|s| s.2).max(),
            ),
            (
                "serve-mock",
                base_mock,
                samples.iter().filter(|s| s.0 >= warm).map(|s| s.3).max(),
            ),
        ] {
            let max = max.unwrap_or(0);
            let allowed = base + base / 10 + 4096;
            println!(
                "{name}: RSS {:.1} MiB after warm-up ({warm} s), at most {:.1} MiB after ({}): {}",
                base as f64 / 1024.0,
                max as f64 / 1024.0,
                if max <= allowed { "flat" } else { "GREW" },
                if max <= allowed { "ok" } else { "FAIL" },
            );
            if max > allowed {
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
