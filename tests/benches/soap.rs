//! SOAP round trips over mutual TLS on loopback, through the generated client and the
//! generated server (and the `serve-mock` router): calls per second and latency, one at a
//! time and concurrently; and the memory used to send and to receive a 20 MiB attachment
//! (the client in this process, the server in a child process, each measured on its own).
//!
//! `cargo bench -p tandvard-tests --bench soap [-- roundtrip|attachment]`

#[path = "../soap_common.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use tandvard_bindings::common_v1::RequestHeaderType;
use tandvard_bindings::send_attachment_responder_interface as sai;
use tandvard_bindings::send_attachment_responder_v1::{
    SendAttachmentResponseType, SendAttachmentType, SendAttachmentTypeSizeBytes,
};
use tandvard_bindings::test_responder_interface as ti;
use tandvard_runtime::client::RetryPolicy;
use tandvard_runtime::soap::SoapFault;

/// Counts heap bytes in use and their peak.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                    + (new_size - layout.size());
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

fn status_kib(field: &str) -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn reset_peak() {
    PEAK.store(CURRENT.load(Ordering::Relaxed), Ordering::Relaxed);
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut lat: Vec<Duration>, wall: Duration) {
    lat.sort();
    let n = lat.len();
    println!(
        "{name:<48} {n:>6} calls  {:>8.0} calls/s  p50 {:>7.3} ms  p90 {:>7.3} ms  p99 {:>7.3} ms",
        n as f64 / wall.as_secs_f64(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.9).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
    );
}

async fn sequential<F, Fut>(n: usize, f: F) -> (Vec<Duration>, Duration)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..20 {
        f().await;
    }
    let mut lat = Vec::with_capacity(n);
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        f().await;
        lat.push(t.elapsed());
    }
    (lat, start.elapsed())
}

async fn concurrent<F, Fut>(tasks: usize, per_task: usize, f: F) -> (Vec<Duration>, Duration)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let f = Arc::new(f);
    let start = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let f = f.clone();
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_task);
            for _ in 0..per_task {
                let t = Instant::now();
                f().await;
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.expect("task"));
    }
    (all, start.elapsed())
}

fn roundtrip() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let server_pki = Pki::new("bench server CA");
        let client_pki = Pki::new("bench client CA");
        let id = client_pki.client("bench vendor");
        let generated = serve_tls(Examples::default().router(), &server_pki, Some(&client_pki)).await;
        let loaded = tandvard_codegen::load_contracts(&[contracts()], &tandvard_codegen::wsdl::Catalog::new())
            .expect("contracts");
        let mock = tandvard_codegen_cli::mock::mock_for(&loaded.contract, &loaded.base_dir);
        let mocked = serve_tls(mock.router, &server_pki, Some(&client_pki)).await;
        let lenient = tandvard_codegen_cli::mock::mock_with(
            &loaded.contract,
            &loaded.base_dir,
            tandvard_codegen_cli::mock::MockOptions { lenient: true, ..Default::default() },
        )
        .expect("mock");
        let lenient = serve_tls(lenient.router, &server_pki, Some(&client_pki)).await;
        println!(
            "SOAP round trips over mutual TLS on loopback (HTTP/1.1 keep-alive; client and server in one process, {} CPUs)",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        for (label, server) in [
            ("generated server", &generated),
            ("serve-mock (strict)", &mocked),
            ("serve-mock --lenient", &lenient),
        ] {
            let t = Arc::new(transport(client_tls(&server_pki, Some(&id))));
            let test = Arc::new(
                ti::TestResponderClient::from_soap_client(
                    tandvard_runtime::client::SoapClient::with_shared_transport(t.clone(), url(server, ti::PATH))
                        .with_retry_policy(RetryPolicy::none()),
                )
                .with_header(request_header()),
            );
            let ping: tandvard_bindings::test_responder_v1::PingType = example("test/examples/PingRequest.xml");
            let clients = Clients::new(transport(client_tls(&server_pki, Some(&id))), &base_url(server), false);
            let check_req: tandvard_bindings::check_patient_responder_v2::CheckPatientType =
                example("check-patient/examples/CheckPatientRequest.xml");
            let claim_req: tandvard_bindings::submit_claim_responder_v2::SubmitClaimType =
                example("submit-claim/examples/SubmitClaimRequest.xml");
            let (c, p) = (test.clone(), ping.clone());
            let (lat, wall) = sequential(2000, || {
                let (c, p) = (c.clone(), p.clone());
                async move {
                    c.ping(p).await.expect("ping");
                }
            })
            .await;
            report(&format!("{label}: Ping, sequential"), lat, wall);
            let cp = &clients.check_patient;
            let (lat, wall) = sequential(1000, || async {
                cp.check_patient(check_req.clone()).await.expect("check");
            })
            .await;
            report(&format!("{label}: CheckPatient, sequential"), lat, wall);
            let sc = &clients.submit;
            let (lat, wall) = sequential(500, || async {
                sc.submit_claim(claim_req.clone()).await.expect("claim");
            })
            .await;
            report(&format!("{label}: SubmitClaim (6 lines), sequential"), lat, wall);
            let (c, p) = (test.clone(), ping.clone());
            let (lat, wall) = concurrent(16, 250, move || {
                let (c, p) = (c.clone(), p.clone());
                async move {
                    c.ping(p).await.expect("ping");
                }
            })
            .await;
            report(&format!("{label}: Ping, 16 concurrent"), lat, wall);
            let ck = Arc::new(clients.check_patient.clone());
            let req = check_req.clone();
            let (lat, wall) = concurrent(16, 100, move || {
                let (c, r) = (ck.clone(), req.clone());
                async move {
                    c.check_patient(r).await.expect("check");
                }
            })
            .await;
            report(&format!("{label}: CheckPatient, 16 concurrent"), lat, wall);
        }
    });
}

// ---------------------------------------------------------------------------------------
// 20 MiB attachment: the client here, the server in a child process

/// Receives attachments and checks their size.
struct Receiver;

impl sai::SendAttachmentResponderService for Receiver {
    async fn send_attachment(
        &self,
        request: SendAttachmentType,
        _: RequestHeaderType,
        _: tandvard_runtime::server::RequestContext,
    ) -> Result<SendAttachmentResponseType, SoapFault<sai::SendAttachmentFault>> {
        assert_eq!(request.content.len() as i64, *request.size_bytes.get());
        Ok(example(
            "send-attachment/examples/SendAttachmentResponse.xml",
        ))
    }
}

const SIZE: usize = 20 * 1024 * 1024;

/// The child: serves SendAttachment; prints its port, then its memory when stdin closes.
fn serve_attachment(dir: &str) {
    let dir = std::path::Path::new(dir);
    let read = |f: &str| std::fs::read(dir.join(f)).expect("PEM");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let baseline_rss = status_kib("VmRSS:");
    let baseline_heap = CURRENT.load(Ordering::Relaxed);
    rt.block_on(async {
        let config = tandvard_runtime::server::tls_server_config(
            &read("server.pem"),
            &read("server.key"),
            Some(&read("client-ca.pem")),
        )
        .expect("TLS");
        let server = tandvard_runtime::server::Server::bind("127.0.0.1:0", sai::router(Receiver))
            .await
            .expect("bind")
            .with_tls(config)
            .spawn()
            .expect("spawn");
        reset_peak();
        println!("PORT {}", server.local_addr().port());
        std::io::stdout().flush().ok();
        // Wait for the parent to close stdin.
        tokio::task::spawn_blocking(|| {
            let mut s = String::new();
            while std::io::stdin()
                .lock()
                .read_line(&mut s)
                .map(|n| n > 0)
                .unwrap_or(false)
            {}
        })
        .await
        .ok();
        println!(
            "SERVER heap_peak_mib {:.1} rss_peak_mib {:.1} rss_baseline_mib {:.1}",
            (PEAK.load(Ordering::Relaxed) - baseline_heap) as f64 / MIB,
            status_kib("VmHWM:") as f64 / 1024.0,
            baseline_rss as f64 / 1024.0,
        );
        std::io::stdout().flush().ok();
        server.shutdown();
    });
}

fn attachment() {
    let server_pki = Pki::new("attachment server CA");
    let client_pki = Pki::new("attachment client CA");
    let dir = std::env::temp_dir().join(format!("tandvard-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sid = server_pki.server();
    std::fs::write(dir.join("server.pem"), &sid.cert_pem).unwrap();
    std::fs::write(dir.join("server.key"), &sid.key_pem).unwrap();
    std::fs::write(dir.join("client-ca.pem"), client_pki.ca_pem()).unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().expect("exe"))
        .arg("serve-attachment")
        .arg(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("child server");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("port line");
    let port: u16 = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .expect("PORT n");
    let id = client_pki.client("attachment vendor");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = sai::SendAttachmentResponderClient::new(
        tandvard_runtime::transport::HttpsTransport::builder(client_tls(&server_pki, Some(&id)))
            .request_timeout(Duration::from_secs(120))
            .build()
            .expect("transport"),
    )
    .with_endpoint(format!("https://localhost:{port}{}", sai::PATH))
    .with_header(request_header())
    .with_retry_policy(RetryPolicy::none());
    // Warm up the connection with a small attachment.
    let small: SendAttachmentType = example("send-attachment/examples/SendAttachmentRequest.xml");
    rt.block_on(client.send_attachment(small.clone()))
        .expect("small attachment");
    let rss_before = status_kib("VmRSS:");
    let heap_before = CURRENT.load(Ordering::Relaxed);
    let mut big = small;
    big.content = (0..SIZE).map(|i| (i * 7 + i / 251) as u8).collect();
    big.size_bytes = SendAttachmentTypeSizeBytes::new(SIZE as i64).expect("size");
    let heap_with_content = CURRENT.load(Ordering::Relaxed);
    reset_peak();
    let t = Instant::now();
    let resp = rt
        .block_on(client.send_attachment(big))
        .expect("20 MiB attachment");
    let elapsed = t.elapsed();
    assert_eq!(resp.result.result_code.as_str(), "OK");
    let heap_peak = PEAK.load(Ordering::Relaxed);
    let rss_peak = status_kib("VmHWM:");
    drop(child.stdin.take());
    let mut server_line = String::new();
    out.read_line(&mut server_line).ok();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    println!("20 MiB attachment (SendAttachment, base64 in the body) over mutual TLS on loopback:");
    println!("  round trip {:.0} ms", elapsed.as_secs_f64() * 1e3);
    println!(
        "  client (send): the 20 MiB request value {:.1} MiB; heap peak during the call {:.1} MiB above it ({:.2}x the attachment); RSS {:.1} MiB before, peak {:.1} MiB",
        (heap_with_content - heap_before) as f64 / MIB,
        (heap_peak - heap_with_content) as f64 / MIB,
        (heap_peak - heap_with_content) as f64 / SIZE as f64,
        rss_before as f64 / 1024.0,
        rss_peak as f64 / 1024.0,
    );
    let fields: Vec<&str> = server_line.split_whitespace().collect();
    if let [
        "SERVER",
        "heap_peak_mib",
        heap,
        "rss_peak_mib",
        rss,
        "rss_baseline_mib",
        base,
    ] = fields.as_slice()
    {
        println!(
            "  server (receive): heap peak {heap} MiB above idle; RSS {base} MiB idle, peak {rss} MiB"
        );
    } else {
        println!("  server: no report ({server_line:?})");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve-attachment") {
        serve_attachment(args.get(1).map_or(".", String::as_str));
        return;
    }
    let want = |m: &str| {
        let modes: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        modes.is_empty() || modes.iter().any(|a| a.as_str() == m)
    };
    if want("attachment") {
        attachment();
    }
    if want("roundtrip") {
        roundtrip();
    }
}
