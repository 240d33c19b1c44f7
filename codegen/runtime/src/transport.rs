//! HTTP transport: the [`Transport`] trait the SOAP client sends through, and
//! [`HttpsTransport`], its implementation on reqwest and rustls with mutual TLS.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use tandvard_runtime::transport::{HttpsTransport, TlsConfig};
//! let tls = TlsConfig::new()
//!     .identity_pkcs12(&std::fs::read("funktionscertifikat.p12")?, "lösenord")?
//!     .ca_bundle_pem(&std::fs::read("fk-ca.pem")?)?;
//! let transport = HttpsTransport::builder(tls)
//!     .connect_timeout(Duration::from_secs(5))
//!     .request_timeout(Duration::from_secs(30))
//!     .max_response_size(32 * 1024 * 1024)
//!     .build()?;
//! # let _ = transport; Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use rustls::pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, PrivatePkcs8KeyDer,
};

use crate::tls::provider;
pub use crate::tls::{TlsError, certificates_from_pem, crls_from_pem, private_key_from_pem};

/// An HTTP request as the SOAP client sends it: always a `POST`.
#[derive(Clone, Debug, Default)]
pub struct HttpRequest {
    /// The endpoint URL.
    pub url: String,
    /// Request headers (`Content-Type`, `SOAPAction`, ...).
    pub headers: Vec<(String, String)>,
    /// The body (the envelope).
    pub body: Vec<u8>,
    /// Time limit for the whole exchange (connect, send, receive the body); `None` uses
    /// the transport's default.
    pub timeout: Option<Duration>,
    /// Largest response body accepted, in bytes; `None` uses the transport's default.
    pub max_response_size: Option<u64>,
}

/// An HTTP response.
#[derive(Clone, Debug, Default)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Response headers (names lowercase).
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What kind of transport failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, unreachable, DNS).
    Connect,
    /// The TLS handshake failed or the peer's certificate was refused (either side).
    Tls,
    /// The exchange did not complete in time.
    Timeout,
    /// The response body exceeded the size limit.
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The connection failed while sending or receiving.
    Io,
    /// The server answered with a redirect (never followed).
    Redirect,
    /// The request could not be built (bad URL, bad header value, plain `http` refused).
    InvalidRequest,
    /// Anything else.
    Other,
}

/// A transport failure: no complete HTTP response was received.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    outcome_unknown: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// An error of `kind`. Whether the request may have been processed follows from the
    /// kind (see [`outcome_unknown`](Self::outcome_unknown)); a transport that knows
    /// better says so with [`with_outcome_unknown`](Self::with_outcome_unknown).
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
            outcome_unknown: matches!(
                kind,
                TransportErrorKind::Timeout
                    | TransportErrorKind::Io
                    | TransportErrorKind::TooLarge { .. }
                    | TransportErrorKind::Other
            ),
            source: None,
        }
    }

    /// Says whether the request may have reached the service (`true`: it may have been
    /// processed, `false`: it certainly was not, e.g. the connection was never made).
    pub fn with_outcome_unknown(mut self, unknown: bool) -> Self {
        self.outcome_unknown = unknown;
        self
    }

    /// Whether the request may have been processed by the service although no usable
    /// response came back: a timeout or a dropped connection after the request may have
    /// been sent, a response too large to read. `false` when it certainly was not sent
    /// (connection refused, TLS handshake refused or stalled, a connect timeout, an
    /// invalid request).
    pub fn outcome_unknown(&self) -> bool {
        self.outcome_unknown
    }

    /// Adds the underlying error.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the failure may be transient (connect, timeout, I/O): the request may or
    /// may not have reached the service, so only operations safe to repeat are retried.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io
        )
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        self.fmt_causes(f)?;
        if self.outcome_unknown {
            f.write_str(" (the request may have been processed)")?;
        }
        Ok(())
    }
}

impl TransportError {
    fn fmt_causes(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The chain of causes, once (reqwest and hyper nest several levels).
        let mut cause: Option<&(dyn std::error::Error + 'static)> = match &self.source {
            Some(s) => Some(s.as_ref()),
            None => None,
        };
        let mut last = String::new();
        while let Some(c) = cause {
            let text = c.to_string();
            if !text.is_empty() && !self.message.contains(&text) && !last.contains(&text) {
                write!(f, ": {text}")?;
                last = text;
            }
            cause = c.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.source {
            Some(s) => Some(s.as_ref()),
            None => None,
        }
    }
}

/// How the SOAP client sends HTTP requests. Implement it to use your own HTTP stack (or to
/// test without a network); [`HttpsTransport`] is the default.
///
/// ```
/// use tandvard_runtime::transport::{HttpRequest, HttpResponse, Transport, TransportError};
/// struct Canned;
/// impl Transport for Canned {
///     async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
///         Ok(HttpResponse { status: 500, headers: vec![], body: b"down".to_vec() })
///     }
/// }
/// ```
pub trait Transport: Send + Sync + 'static {
    /// Sends one request and returns the whole response. Must enforce
    /// `request.max_response_size` and `request.timeout` (or its own defaults), and must not
    /// follow redirects or retry by itself.
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>> + Send;

    /// The time limit of an exchange whose [`HttpRequest::timeout`] is `None`, if the
    /// transport has one (the client shortens it to end with a call's deadline).
    fn default_timeout(&self) -> Option<Duration> {
        None
    }

    /// Waits between retries. The default uses tokio's timer inside a tokio runtime, and a
    /// timer thread elsewhere; override it to use your runtime's timer.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        sleep(duration)
    }
}

/// Sleeps on tokio's timer when called inside a tokio runtime, otherwise on a helper thread.
pub async fn sleep(duration: Duration) {
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::time::sleep(duration).await;
    } else {
        ThreadSleep::new(duration).await;
    }
}

/// A timer that does not need a runtime: a thread sleeps and wakes the task.
struct ThreadSleep {
    duration: Duration,
    state: Option<SleepState>,
}

/// Whether the timer fired, and the task to wake.
type SleepState = Arc<Mutex<(bool, Option<Waker>)>>;

impl ThreadSleep {
    fn new(duration: Duration) -> Self {
        ThreadSleep {
            duration,
            state: None,
        }
    }
}

impl Future for ThreadSleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let state = match &self.state {
            Some(s) => s.clone(),
            None => {
                let s = Arc::new(Mutex::new((false, Some(cx.waker().clone()))));
                let t = s.clone();
                let d = self.duration;
                let spawned = std::thread::Builder::new()
                    .name("tandvard-sleep".into())
                    .spawn(move || {
                        std::thread::sleep(d);
                        if let Ok(mut g) = t.lock() {
                            g.0 = true;
                            if let Some(w) = g.1.take() {
                                w.wake();
                            }
                        }
                    });
                if spawned.is_err() {
                    // No thread: do not wait rather than block the executor.
                    return Poll::Ready(());
                }
                self.state = Some(s);
                return Poll::Pending;
            }
        };
        match state.lock() {
            Ok(mut g) if !g.0 => {
                g.1 = Some(cx.waker().clone());
                Poll::Pending
            }
            _ => Poll::Ready(()),
        }
    }
}

// ---------------------------------------------------------------------------------------
// TLS configuration

/// The client's TLS settings: its identity (certificate and key), the CAs it trusts for the
/// server (given explicitly; the system's store only on request), certificate revocation
/// lists, and the protocol versions (TLS 1.2 and 1.3; 1.3 only on request).
#[derive(Debug, Default)]
pub struct TlsConfig {
    roots: Option<Vec<CertificateDer<'static>>>,
    system_roots: bool,
    crls: Vec<CertificateRevocationListDer<'static>>,
    identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
    tls13_only: bool,
}

impl Clone for TlsConfig {
    fn clone(&self) -> Self {
        TlsConfig {
            roots: self.roots.clone(),
            system_roots: self.system_roots,
            crls: self.crls.clone(),
            identity: self
                .identity
                .as_ref()
                .map(|(c, k)| (c.clone(), k.clone_key())),
            tls13_only: self.tls13_only,
        }
    }
}

fn check_key(key: &PrivateKeyDer<'static>) -> Result<(), TlsError> {
    provider()
        .key_provider
        .load_private_key(key.clone_key())
        .map(|_| ())
        .map_err(|e| TlsError(format!("unsupported or malformed private key: {e}")))
}

impl TlsConfig {
    /// No identity, no trusted CA yet (give the service's CA with
    /// [`ca_bundle_pem`](Self::ca_bundle_pem), or opt in to the system's store with
    /// [`trust_system_roots`](Self::trust_system_roots)), TLS 1.2 and 1.3.
    pub fn new() -> Self {
        Self::default()
    }

    /// The client identity from a PKCS#12 file (`.p12`/`.pfx`, as SITHS and Expisoft
    /// function certificates are delivered): its private key and certificate chain.
    /// Both the modern (PBES2/AES) and the legacy (3DES/RC2) encryption are read.
    pub fn identity_pkcs12(mut self, der: &[u8], password: &str) -> Result<Self, TlsError> {
        let store = p12_keystore::KeyStore::from_pkcs12(der, password).map_err(|e| {
            TlsError(format!(
                "PKCS#12: {e} (is the password right and the file a PKCS#12 archive?)"
            ))
        })?;
        let Some((_, chain)) = store.private_key_chain() else {
            return Err(TlsError(
                "PKCS#12: the archive holds no private key with a certificate".into(),
            ));
        };
        let certs: Vec<CertificateDer<'static>> = chain
            .chain()
            .iter()
            .map(|c| CertificateDer::from(c.as_der().to_vec()))
            .collect();
        if certs.is_empty() {
            return Err(TlsError(
                "PKCS#12: the private key has no certificate".into(),
            ));
        }
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.key().to_vec()));
        check_key(&key)?;
        self.identity = Some((certs, key));
        Ok(self)
    }

    /// The client identity from PEM: the certificate chain (leaf first) and the private key.
    pub fn identity_pem(mut self, cert_chain_pem: &[u8], key_pem: &[u8]) -> Result<Self, TlsError> {
        let certs = certificates_from_pem(cert_chain_pem)?;
        let key = private_key_from_pem(key_pem)?;
        check_key(&key)?;
        self.identity = Some((certs, key));
        Ok(self)
    }

    /// Trust only the CA certificates in this PEM bundle for the server (instead of the
    /// system's roots). May be called again to add more.
    pub fn ca_bundle_pem(mut self, pem: &[u8]) -> Result<Self, TlsError> {
        let certs = certificates_from_pem(pem)?;
        self.roots.get_or_insert_with(Vec::new).extend(certs);
        Ok(self)
    }

    /// Trust only this DER CA certificate (may be called again to add more).
    pub fn ca_certificate_der(mut self, der: &[u8]) -> Self {
        self.roots
            .get_or_insert_with(Vec::new)
            .push(CertificateDer::from(der.to_vec()));
        self
    }

    /// Also trust the CAs of the operating system's store (every public web CA). Without
    /// this call only the CAs given with [`ca_bundle_pem`](Self::ca_bundle_pem) or
    /// [`ca_certificate_der`](Self::ca_certificate_der) are trusted.
    pub fn trust_system_roots(mut self) -> Self {
        self.system_roots = true;
        self
    }

    /// Check the server's certificate chain against these certificate revocation lists
    /// (PEM, `X509 CRL` blocks; may be called again to add more). With CRLs given, every
    /// certificate of the chain below the trusted CA must have its issuer's CRL among them,
    /// and a revoked one is refused.
    pub fn crl_pem(mut self, pem: &[u8]) -> Result<Self, TlsError> {
        self.crls.extend(crls_from_pem(pem)?);
        Ok(self)
    }

    /// Allow TLS 1.3 only (the default allows TLS 1.2 and 1.3; nothing older is supported).
    pub fn tls13_only(mut self) -> Self {
        self.tls13_only = true;
        self
    }

    /// Whether a client identity is set.
    pub fn has_identity(&self) -> bool {
        self.identity.is_some()
    }

    /// Builds the rustls client configuration.
    pub fn build(&self) -> Result<rustls::ClientConfig, TlsError> {
        let mut roots = rustls::RootCertStore::empty();
        for c in self.roots.iter().flatten() {
            roots
                .add(c.clone())
                .map_err(|e| TlsError(format!("CA certificate: {e}")))?;
        }
        if self.system_roots {
            let native = rustls_native_certs::load_native_certs();
            for c in native.certs {
                let _ = roots.add(c);
            }
        }
        if roots.is_empty() {
            return Err(TlsError(if self.system_roots {
                "no trusted CA certificates found in the system store; give the service's CA \
                 with ca_bundle_pem"
                    .into()
            } else {
                "no trusted CA: give the service's CA with ca_bundle_pem (or opt in to the \
                 system's store with trust_system_roots)"
                    .into()
            }));
        }
        let versions: &[&'static rustls::SupportedProtocolVersion] = if self.tls13_only {
            &[&rustls::version::TLS13]
        } else {
            &[&rustls::version::TLS13, &rustls::version::TLS12]
        };
        let builder = rustls::ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(versions)
            .map_err(|e| TlsError(e.to_string()))?;
        let builder = if self.crls.is_empty() {
            builder.with_root_certificates(roots)
        } else {
            let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots),
                provider(),
            )
            .with_crls(self.crls.iter().cloned())
            .build()
            .map_err(|e| TlsError(format!("server certificate verifier: {e}")))?;
            builder.with_webpki_verifier(verifier)
        };
        let mut config = match &self.identity {
            Some((certs, key)) => builder
                .with_client_auth_cert(certs.clone(), key.clone_key())
                .map_err(|e| TlsError(format!("client identity: {e}")))?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

// ---------------------------------------------------------------------------------------
// The reqwest transport

/// Default time limit for connecting.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time limit for a whole exchange.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Default largest response body (32 MiB).
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 32 * 1024 * 1024;

/// Builds an [`HttpsTransport`].
#[derive(Debug, Clone)]
pub struct HttpsTransportBuilder {
    tls: TlsConfig,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_response_size: u64,
    proxy: Option<String>,
    allow_http: bool,
    user_agent: String,
}

impl HttpsTransportBuilder {
    /// Time limit for connecting (TCP and TLS handshake), for every request of this
    /// transport (default 10 s). Per-operation limits on the whole exchange are set on
    /// the client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Default time limit for a whole exchange (default 60 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Default largest response body in bytes (default 32 MiB), enforced while the body
    /// streams in (a larger `Content-Length` fails at once).
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Send through this HTTP(S) proxy (`http://proxy:3128`). By default no proxy is used,
    /// whatever the environment says.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Also allow plain `http://` endpoints (for a local mock). Refused by default, so an
    /// endpoint override cannot send personal data unencrypted by mistake.
    pub fn allow_http(mut self) -> Self {
        self.allow_http = true;
        self
    }

    /// The `User-Agent` header (default `tandvard-runtime/<version>`).
    pub fn user_agent(mut self, value: impl Into<String>) -> Self {
        self.user_agent = value.into();
        self
    }

    /// Builds the transport.
    pub fn build(self) -> Result<HttpsTransport, TransportError> {
        let tls = self
            .tls
            .build()
            .map_err(|e| TransportError::new(TransportErrorKind::Tls, e.to_string()))?;
        let mut b = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .https_only(!self.allow_http)
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .pool_idle_timeout(Duration::from_secs(50))
            .tcp_nodelay(true)
            .http1_only()
            .user_agent(self.user_agent)
            .no_proxy();
        if let Some(p) = &self.proxy {
            let proxy = reqwest::Proxy::all(p).map_err(|e| {
                TransportError::new(TransportErrorKind::InvalidRequest, format!("proxy {p}"))
                    .with_source(e)
            })?;
            b = b.proxy(proxy);
        }
        let client = b.build().map_err(|e| {
            TransportError::new(TransportErrorKind::Other, "building the HTTP client")
                .with_source(e)
        })?;
        Ok(HttpsTransport {
            client,
            max_response_size: self.max_response_size,
            request_timeout: self.request_timeout,
        })
    }
}

/// The default transport: reqwest over rustls (TLS 1.2+, ring), HTTP/1.1, a client
/// certificate for mutual TLS, a pinned CA bundle, timeouts, a response size limit enforced
/// while streaming, and no redirects, proxies or retries of its own. Cheap to clone
/// (connections are pooled and shared).
#[derive(Clone, Debug)]
pub struct HttpsTransport {
    client: reqwest::Client,
    max_response_size: u64,
    request_timeout: Duration,
}

impl HttpsTransport {
    /// A builder with the given TLS settings and the default limits.
    pub fn builder(tls: TlsConfig) -> HttpsTransportBuilder {
        HttpsTransportBuilder {
            tls,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            proxy: None,
            allow_http: false,
            user_agent: concat!("tandvard-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// A transport with the given TLS settings and the default limits.
    pub fn new(tls: TlsConfig) -> Result<Self, TransportError> {
        Self::builder(tls).build()
    }
}

/// Finds a rustls error among the causes (the handshake or a TLS alert), looking inside
/// I/O errors too.
fn tls_cause(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut depth = 0;
    while let Some(c) = cause {
        depth += 1;
        if depth > 32 {
            break;
        }
        if let Some(t) = c.downcast_ref::<rustls::Error>() {
            return Some(t.to_string());
        }
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(found) = tls_cause(inner) {
                    return Some(found);
                }
            }
        }
        cause = c.source();
    }
    None
}

fn classify(e: reqwest::Error, url: &str) -> TransportError {
    let kind = if tls_cause(&e).is_some() {
        TransportErrorKind::Tls
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_builder() {
        TransportErrorKind::InvalidRequest
    } else if e.is_connect() {
        TransportErrorKind::Connect
    } else if e.is_redirect() {
        TransportErrorKind::Redirect
    } else if e.is_request() || e.is_body() || e.is_decode() {
        TransportErrorKind::Io
    } else {
        TransportErrorKind::Other
    };
    // Before the connection (TCP and TLS) was made the request was certainly not sent.
    let not_sent = e.is_connect()
        || matches!(
            kind,
            TransportErrorKind::Tls
                | TransportErrorKind::InvalidRequest
                | TransportErrorKind::Redirect
                | TransportErrorKind::Connect
        );
    let what = match kind {
        TransportErrorKind::Tls => "TLS failure with",
        TransportErrorKind::Timeout if e.is_connect() => "timed out connecting to",
        TransportErrorKind::Timeout => "timed out waiting for",
        TransportErrorKind::InvalidRequest => "invalid request to",
        TransportErrorKind::Connect => "could not connect to",
        TransportErrorKind::Redirect => "redirect refused from",
        TransportErrorKind::Io => "connection failed with",
        _ => "HTTP failure with",
    };
    TransportError::new(kind, format!("{what} {url}"))
        .with_outcome_unknown(!not_sent)
        .with_source(e.without_url())
}

impl Transport for HttpsTransport {
    fn default_timeout(&self) -> Option<Duration> {
        Some(self.request_timeout)
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = request.url;
        let mut rb = self.client.post(&url);
        for (k, v) in &request.headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        if let Some(t) = request.timeout {
            rb = rb.timeout(t);
        }
        let limit = request.max_response_size.unwrap_or(self.max_response_size);
        let too_large = || {
            TransportError::new(
                TransportErrorKind::TooLarge { limit },
                format!("the response from {url} is larger than the limit of {limit} bytes"),
            )
        };
        let mut resp = rb
            .body(request.body)
            .send()
            .await
            .map_err(|e| classify(e, &url))?;
        let expected = resp.content_length();
        if expected.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let status = resp.status().as_u16();
        if (300..400).contains(&status) {
            let location = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            return Err(TransportError::new(
                TransportErrorKind::Redirect,
                format!(
                    "{url} answered {status} (redirect to {location:?}); redirects are not followed"
                ),
            ));
        }
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let initial = expected
            .unwrap_or(16 * 1024)
            .min(limit)
            .min(64 * 1024 * 1024);
        let mut body = Vec::with_capacity(usize::try_from(initial).unwrap_or(0));
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(e, &url))? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_store_is_trusted_only_on_request() {
        let e = TlsConfig::new().build().unwrap_err();
        assert!(e.to_string().contains("trust_system_roots"), "{e}");
        let e = TlsConfig::new().crl_pem(b"nothing").unwrap_err();
        assert!(e.to_string().contains("CRL"), "{e}");
    }

    #[test]
    fn tls_config_errors_are_clear() {
        let e = TlsConfig::new()
            .identity_pkcs12(b"not a p12", "x")
            .unwrap_err();
        assert!(e.to_string().contains("PKCS#12"), "{e}");
        let e = TlsConfig::new().ca_bundle_pem(b"nothing").unwrap_err();
        assert!(e.to_string().contains("no CERTIFICATE"), "{e}");
        let e = TlsConfig::new()
            .identity_pem(
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                b"",
            )
            .unwrap_err();
        assert!(e.to_string().contains("private key"), "{e}");
    }

    #[test]
    fn thread_sleep_without_runtime() {
        struct W(std::sync::atomic::AtomicBool);
        impl std::task::Wake for W {
            fn wake(self: Arc<Self>) {
                self.0.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let w = Arc::new(W(false.into()));
        let waker = Waker::from(w.clone());
        let mut cx = Context::from_waker(&waker);
        let mut f = std::pin::pin!(sleep(Duration::from_millis(20)));
        assert!(f.as_mut().poll(&mut cx).is_pending());
        let start = std::time::Instant::now();
        while !w.0.load(std::sync::atomic::Ordering::SeqCst) {
            assert!(start.elapsed() < Duration::from_secs(5));
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(f.as_mut().poll(&mut cx).is_ready());
    }
}
