//! The server side: a SOAP [`Router`] that generated code fills with one typed handler per
//! operation, and a [`Server`] that serves it over HTTP/1.1, plain or with (mutual) TLS.
//!
//! Requests are dispatched by path, then by SOAP action, then by the payload element:
//! a route matches when its path is the request's path (at `/` every route is a
//! candidate); among the candidates the one whose SOAP action is the request's wins, and
//! without a (known) action the one whose request element is the payload's.
//!
//! ```no_run
//! # async fn demo(router: tandvard_runtime::server::Router) -> std::io::Result<()> {
//! // One line: serve a generated router (or several merged) on a port.
//! tandvard_runtime::server::serve("127.0.0.1:8443", router).await
//! # }
//! ```

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::task::JoinSet;

pub use crate::identity::{CallerIdentity, DistinguishedName, SubjectAltName};
use crate::soap::{
    Body, EnvelopeWriter, Fault, FaultCode, FaultDetail, Headers, Operation, QualifiedName,
    SoapFault, SoapVersion, read_envelope, read_envelope_payload,
};
use crate::tls::{TlsError, certificates_from_pem, private_key_from_pem, provider};
use crate::xml::{ReadOptions, RootElement, XmlRead, XmlWrite};

/// A boxed future, as route handlers return.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

type Handler = Arc<dyn Fn(ServerRequest) -> BoxFuture<ServerResponse> + Send + Sync>;

/// A received request, as handlers see it.
#[derive(Clone, Debug)]
pub struct ServerRequest {
    /// The request path (without query).
    pub path: String,
    /// The SOAP action (`SOAPAction` header or SOAP 1.2 `action` parameter; `""` if none).
    pub action: String,
    /// The SOAP version the `Content-Type` indicates.
    pub version: SoapVersion,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The body.
    pub body: Bytes,
    /// The client's certificate chain (DER, leaf first) when it authenticated with TLS.
    pub peer_certificates: Arc<Vec<Vec<u8>>>,
    /// Who is calling: the identity in the client certificate the handshake verified.
    pub caller: Option<Arc<CallerIdentity>>,
    /// The client's address.
    pub remote_addr: Option<SocketAddr>,
}

/// What a typed handler knows about the call besides its request and headers: who is
/// calling (from the verified client certificate, under mutual TLS) and from where.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RequestContext {
    /// The caller's verified identity; `None` without a client certificate (plain HTTP, or
    /// TLS without client authentication).
    pub caller: Option<Arc<CallerIdentity>>,
    /// The client's address.
    pub remote_addr: Option<SocketAddr>,
}

impl RequestContext {
    /// A context with this caller (for calling a service directly, in tests).
    pub fn with_caller(caller: Option<CallerIdentity>) -> Self {
        RequestContext {
            caller: caller.map(Arc::new),
            remote_addr: None,
        }
    }
}

impl ServerRequest {
    /// A request with these parts (for calling [`Router::handle`] from another framework).
    pub fn new(
        path: impl Into<String>,
        content_type: Option<&str>,
        soap_action: Option<&str>,
        body: impl Into<Bytes>,
    ) -> Self {
        ServerRequest {
            path: path.into(),
            action: SoapVersion::request_action(content_type, soap_action),
            version: SoapVersion::from_content_type(content_type.unwrap_or("")),
            content_type: content_type.map(str::to_owned),
            body: body.into(),
            peer_certificates: Arc::new(Vec::new()),
            caller: None,
            remote_addr: None,
        }
    }

    /// The context a typed handler gets.
    pub fn context(&self) -> RequestContext {
        RequestContext {
            caller: self.caller.clone(),
            remote_addr: self.remote_addr,
        }
    }
}

/// A response to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: String,
    /// The body.
    pub body: Vec<u8>,
    /// Misbehave on the connection instead of answering normally (for mocks and tests).
    pub transport_fault: Option<TransportFault>,
}

/// How a response misbehaves on the connection, for mocks that rehearse network failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportFault {
    /// The connection is closed with no response at all.
    Reset,
    /// The response head is sent with the full `Content-Length`, then half of the body, then
    /// the connection is closed.
    Truncated,
}

impl ServerResponse {
    /// A 200 response with an envelope.
    pub fn envelope(version: SoapVersion, body: Vec<u8>) -> Self {
        ServerResponse {
            status: 200,
            content_type: version.content_type(""),
            body,
            transport_fault: None,
        }
    }

    /// A 500 response with a fault envelope (SOAP over HTTP sends faults with 500).
    pub fn fault(version: SoapVersion, fault: &Fault) -> Self {
        ServerResponse {
            status: 500,
            content_type: version.content_type(""),
            body: EnvelopeWriter::new(version).fault(fault),
            transport_fault: None,
        }
    }

    /// A 500 response with a fault and its typed detail.
    pub fn soap_fault<F: FaultDetail>(version: SoapVersion, fault: &SoapFault<F>) -> Self {
        ServerResponse {
            status: 500,
            content_type: version.content_type(""),
            body: EnvelopeWriter::new(version)
                .fault_with_detail(&fault.fault, fault.detail.as_ref()),
            transport_fault: None,
        }
    }

    /// A response that misbehaves on the connection (see [`TransportFault`]); `body` is what
    /// a truncated response cuts.
    pub fn transport(
        fault: TransportFault,
        content_type: impl Into<String>,
        body: Vec<u8>,
    ) -> Self {
        ServerResponse {
            status: 200,
            content_type: content_type.into(),
            body,
            transport_fault: Some(fault),
        }
    }

    /// A plain-text response (not SOAP: wrong method, unknown path, too large).
    pub fn text(status: u16, text: impl Into<String>) -> Self {
        ServerResponse {
            status,
            content_type: "text/plain; charset=utf-8".to_owned(),
            body: text.into().into_bytes(),
            transport_fault: None,
        }
    }
}

/// Where a route answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The path (from the WSDL address), e.g. `/tandvard/CheckPatient/2`.
    pub path: String,
    /// The SOAP action (`""` for none).
    pub action: String,
    /// The request payload element.
    pub element: QualifiedName,
    /// The port type name.
    pub interface: String,
    /// The operation name.
    pub operation: String,
}

/// Routes SOAP requests to handlers. Build one per interface with the generated
/// `router(service)` functions and [`merge`](Self::merge) them to serve several.
#[derive(Clone, Default)]
pub struct Router {
    routes: Vec<(Route, Handler)>,
    read_options: ReadOptions,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field(
                "routes",
                &self.routes.iter().map(|(r, _)| r).collect::<Vec<_>>(),
            )
            .field("read_options", &self.read_options)
            .finish()
    }
}

/// The path of a URL (`https://host/a/b?x` → `/a/b`); a path is returned as it is.
pub fn url_path(address: &str) -> String {
    let rest = match address.split_once("://") {
        Some((_, rest)) => rest,
        None => return normalise_path(address),
    };
    let path = match rest.find('/') {
        Some(i) => &rest[i..],
        None => "/",
    };
    normalise_path(path)
}

fn normalise_path(p: &str) -> String {
    let p = p.split(['?', '#']).next().unwrap_or("");
    let p = p.trim_end_matches('/');
    if p.is_empty() {
        "/".to_owned()
    } else if p.starts_with('/') {
        p.to_owned()
    } else {
        format!("/{p}")
    }
}

impl Router {
    /// An empty router.
    pub fn new() -> Self {
        Self::default()
    }

    /// Limits for reading requests (default [`ReadOptions::default`]).
    pub fn with_read_options(mut self, options: ReadOptions) -> Self {
        self.read_options = options;
        self
    }

    /// The routes, in the order added.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.iter().map(|(r, _)| r)
    }

    /// Adds the routes of `other`.
    pub fn merge(mut self, other: Router) -> Self {
        self.routes.extend(other.routes);
        self
    }

    /// Adds a route with an untyped handler (used by `serve-mock`).
    pub fn route<H, Fut>(mut self, route: Route, handler: H) -> Self
    where
        H: Fn(ServerRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ServerResponse> + Send + 'static,
    {
        let mut route = route;
        route.path = normalise_path(&route.path);
        self.routes
            .push((route, Arc::new(move |req| Box::pin(handler(req)))));
        self
    }

    /// Adds a typed operation at `path` (normally the path of the WSDL address): the
    /// request envelope is read into `Req` (its header blocks are passed along, and a
    /// `mustUnderstand` block the operation does not declare is a `MustUnderstand` fault),
    /// `handler` is called, and its response or fault is written back in the request's
    /// SOAP version. A request that does not read is a `Client` fault naming what is wrong.
    pub fn operation<Req, Resp, F, H, Fut>(
        self,
        op: &'static Operation,
        path: &str,
        handler: H,
    ) -> Self
    where
        Req: XmlRead + RootElement + Send + 'static,
        Resp: XmlWrite + RootElement + Send + 'static,
        F: FaultDetail + Send + 'static,
        H: Fn(Req, Headers) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, SoapFault<F>>> + Send + 'static,
    {
        self.operation_with_context(op, path, move |req, headers, _| handler(req, headers))
    }

    /// Like [`operation`](Self::operation), the handler also getting the
    /// [`RequestContext`] (who is calling). Generated routers use this one.
    pub fn operation_with_context<Req, Resp, F, H, Fut>(
        self,
        op: &'static Operation,
        path: &str,
        handler: H,
    ) -> Self
    where
        Req: XmlRead + RootElement + Send + 'static,
        Resp: XmlWrite + RootElement + Send + 'static,
        F: FaultDetail + Send + 'static,
        H: Fn(Req, Headers, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, SoapFault<F>>> + Send + 'static,
    {
        let route = Route {
            path: path.to_owned(),
            action: op.action.to_owned(),
            element: QualifiedName::new(op.request.0, op.request.1),
            interface: op.interface.to_owned(),
            operation: op.name.to_owned(),
        };
        let options = self.read_options;
        let handler = Arc::new(handler);
        self.route(route, move |req: ServerRequest| {
            let handler = handler.clone();
            async move {
                let env = match read_envelope_payload::<Req>(&req.body, &options) {
                    Ok(env) => env,
                    Err(e) => {
                        return ServerResponse::fault(
                            req.version,
                            &Fault::client(format!(
                                "invalid {} request: {}",
                                op.name,
                                describe_request_error(&e)
                            )),
                        );
                    }
                };
                let version = env.version;
                let payload = match env.body {
                    Body::Payload(p) => p,
                    Body::Fault(_) => {
                        return ServerResponse::fault(
                            version,
                            &Fault::client("a request cannot be a fault"),
                        );
                    }
                };
                if let Some(b) = env.headers.not_understood(op.headers).next() {
                    return ServerResponse::fault(
                        version,
                        &Fault::new(
                            FaultCode::MustUnderstand,
                            format!(
                                "header block {{{}}}{} is not understood",
                                b.element.namespace(),
                                b.element.local_name()
                            ),
                        ),
                    );
                }
                match handler(payload, env.headers, req.context()).await {
                    Ok(resp) => {
                        ServerResponse::envelope(version, EnvelopeWriter::new(version).body(&resp))
                    }
                    Err(fault) => ServerResponse::soap_fault(version, &fault),
                }
            }
        })
    }

    fn candidates(&self, path: &str) -> Vec<usize> {
        let path = normalise_path(path);
        let exact: Vec<usize> = self
            .routes
            .iter()
            .enumerate()
            .filter(|(_, (r, _))| r.path == path)
            .map(|(i, _)| i)
            .collect();
        if exact.is_empty() && path == "/" {
            (0..self.routes.len()).collect()
        } else {
            exact
        }
    }

    /// The route for a request (see the module documentation), or why there is none.
    pub fn dispatch(&self, req: &ServerRequest) -> Result<&Route, ServerResponse> {
        self.find(req).map(|i| &self.routes[i].0)
    }

    fn find(&self, req: &ServerRequest) -> Result<usize, ServerResponse> {
        let candidates = self.candidates(&req.path);
        if candidates.is_empty() {
            return Err(ServerResponse::text(404, "no SOAP service at this path"));
        }
        if !req.action.is_empty() {
            if let Some(&i) = candidates
                .iter()
                .find(|&&i| self.routes[i].0.action == req.action)
            {
                return Ok(i);
            }
        }
        let element = read_envelope(&req.body, &self.read_options, |r, s| {
            let q = QualifiedName::new(r.ns_uri(s.ns), s.local_name());
            r.skip(s)?;
            Ok(q)
        });
        let element = match element {
            Ok(env) => match env.body {
                Body::Payload(q) => q,
                Body::Fault(_) => {
                    return Err(ServerResponse::fault(
                        env.version,
                        &Fault::client("a request cannot be a fault"),
                    ));
                }
            },
            Err(e) => {
                return Err(ServerResponse::fault(
                    req.version,
                    &Fault::client(format!("invalid request: {}", describe_request_error(&e))),
                ));
            }
        };
        candidates
            .into_iter()
            .find(|&i| self.routes[i].0.element == element)
            .ok_or_else(|| {
                ServerResponse::fault(
                    req.version,
                    &Fault::client(
                        "no operation at this path for the request's SOAP action and payload \
                         element",
                    ),
                )
            })
    }

    /// Handles one request: dispatch, then the route's handler. A handler that panics
    /// gets a SOAP `Server` fault ("internal error") in the request's version instead.
    pub async fn handle(&self, req: ServerRequest) -> ServerResponse {
        let version = req.version;
        let started = std::time::Instant::now();
        let found = self.find(&req);
        let (service, method) = match &found {
            Ok(i) => (
                self.routes[*i].0.interface.as_str(),
                self.routes[*i].0.operation.as_str(),
            ),
            Err(_) => ("", ""),
        };
        let span = tracing::info_span!(
            "soap.serve",
            otel.kind = "server",
            rpc.system = "soap",
            rpc.service = service,
            rpc.method = method,
            client.address = req.remote_addr.map(|a| a.ip().to_string()),
            tandvard.caller = req.caller.as_ref().map(|c| c.subject.to_string()),
            http.response.status_code = tracing::field::Empty,
        );
        let request_bytes = req.body.len();
        let answer = CatchUnwind(Box::pin(async move {
            match found {
                Ok(i) => {
                    let handler = self.routes[i].1.clone();
                    handler(req).await
                }
                Err(resp) => resp,
            }
        }));
        let resp = match tracing::Instrument::instrument(answer, span.clone()).await {
            Ok(resp) => resp,
            Err(()) => {
                let _e = span.enter();
                tracing::error!("the handler panicked; answered with a Server fault");
                ServerResponse::fault(version, &Fault::server("internal error"))
            }
        };
        span.record("http.response.status_code", resp.status);
        let _e = span.enter();
        tracing::info!(
            request_bytes,
            response_bytes = resp.body.len(),
            duration_ms = started.elapsed().as_secs_f64() * 1000.0,
            "answered"
        );
        resp
    }
}

/// Polls a future, turning a panic into `Err(())`.
struct CatchUnwind<Fut>(Pin<Box<Fut>>);

impl<Fut: Future> Future for CatchUnwind<Fut> {
    type Output = Result<Fut::Output, ()>;
    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(std::task::Poll::Ready(v)) => std::task::Poll::Ready(Ok(v)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(_) => std::task::Poll::Ready(Err(())),
        }
    }
}

/// What is wrong with a request that does not read, without quoting its data: the element
/// path and position, and the kind of problem, but never a value or text of the request
/// (which may be personal data). Element names are kept.
pub fn describe_request_error(e: &crate::Error) -> String {
    use crate::ErrorKind as K;
    let what: std::borrow::Cow<'static, str> = match &e.kind {
        K::Syntax(_) => "malformed XML".into(),
        K::DocType => "DTD/DOCTYPE is not allowed".into(),
        K::UnknownEntity(_) => "an unknown entity reference".into(),
        K::InvalidCharRef(_) => "an invalid character reference".into(),
        K::DepthLimit(n) => format!("element nesting deeper than the limit of {n}").into(),
        K::SizeLimit { max, .. } => format!("larger than the limit of {max} bytes").into(),
        // Names the limit and its ReadOptions field, with numbers only.
        K::Limit(m) => m.clone().into(),
        K::Encoding(_) => "not UTF-8 (or another encoding declared)".into(),
        K::UndeclaredPrefix(_) => "an undeclared namespace prefix".into(),
        K::NamespaceDeclaration(_) => "an invalid namespace declaration".into(),
        K::UnexpectedText(_) => "unexpected text in element-only content".into(),
        K::Value(_) => "a value that does not fit its type".into(),
        K::UnexpectedChild(_)
        | K::UnexpectedElement { .. }
        | K::MissingElement { .. }
        | K::TooFew { .. }
        | K::TooMany { .. }
        | K::WrongRoot { .. }
        | K::UnexpectedEof(_) => e.kind.to_string().into(),
        _ => "invalid content".into(),
    };
    let path = if e.path.is_empty() { "/" } else { &e.path };
    format!("at {path} (line {}, column {}): {what}", e.line, e.column)
}

// ---------------------------------------------------------------------------------------
// TLS

/// Builds a server TLS configuration (TLS 1.2 and 1.3) from a PEM certificate chain and
/// key. With `client_ca_pem`, every client must present a certificate issued by one of
/// those CAs (mutual TLS); others are refused during the handshake.
pub fn tls_server_config(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
    client_ca_pem: Option<&[u8]>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    build_server_config(cert_chain_pem, key_pem, client_ca_pem, None)
}

/// Like [`tls_server_config`] with mutual TLS, and client certificates also checked
/// against these certificate revocation lists (PEM, `X509 CRL` blocks): a revoked
/// certificate is refused, and every certificate of a client's chain below the trusted CA
/// must have its issuer's CRL among them.
pub fn tls_server_config_with_crls(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
    client_ca_pem: &[u8],
    crl_pem: &[u8],
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    build_server_config(cert_chain_pem, key_pem, Some(client_ca_pem), Some(crl_pem))
}

fn build_server_config(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
    client_ca_pem: Option<&[u8]>,
    crl_pem: Option<&[u8]>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let certs = certificates_from_pem(cert_chain_pem)?;
    let key = private_key_from_pem(key_pem)?;
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| TlsError(e.to_string()))?;
    let builder = match client_ca_pem {
        Some(pem) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in certificates_from_pem(pem)? {
                roots
                    .add(c)
                    .map_err(|e| TlsError(format!("client CA certificate: {e}")))?;
            }
            let mut verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider(),
            );
            if let Some(crl) = crl_pem {
                verifier = verifier.with_crls(crate::tls::crls_from_pem(crl)?);
            }
            let verifier = verifier
                .build()
                .map_err(|e| TlsError(format!("client certificate verifier: {e}")))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(certs, key)
        .map_err(|e| TlsError(format!("server certificate and key: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

// ---------------------------------------------------------------------------------------
// Serving

/// Default largest request body (32 MiB: a 20 MiB attachment part, as SendAttachment allows,
/// is about 27 MiB in base64 inside its envelope).
pub const DEFAULT_MAX_REQUEST_SIZE: usize = 32 * 1024 * 1024;
/// Default number of connections served at once.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// The limits a [`Server`] enforces on every connection. Memory held by requests is at most
/// about `max_connections` × `max_request_size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerLimits {
    /// Connections served at once; further ones wait in the listen backlog (default 256).
    pub max_connections: usize,
    /// Largest request body (default 32 MiB): a larger `Content-Length` gets 413 before
    /// any of the body is read, a longer body without one is cut off at the limit.
    pub max_request_size: usize,
    /// Time to complete the TLS handshake (default 10 s).
    pub handshake_timeout: Duration,
    /// Time to receive a request's head once its first byte arrived (default 10 s).
    pub header_timeout: Duration,
    /// Time to receive a request's body once its head arrived (default 120 s: a 27 MiB
    /// attachment request at 2 Mbit/s); 408 after.
    pub body_timeout: Duration,
    /// Time the handler may take (default 60 s); a SOAP `Server` fault after.
    pub handler_timeout: Duration,
    /// A connection with no request in progress and no byte read or written for this long
    /// is closed (default 60 s).
    pub idle_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_request_size: DEFAULT_MAX_REQUEST_SIZE,
            handshake_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(120),
            handler_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Serves a [`Router`] on a TCP listener, plain or with TLS, within [`ServerLimits`].
pub struct Server {
    listener: TcpListener,
    router: Arc<Router>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    limits: ServerLimits,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.listener.local_addr().ok())
            .field("tls", &self.tls.is_some())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Runs one line: binds `addr` and serves `router` over plain HTTP until the task ends.
pub async fn serve(addr: impl ToSocketAddrs, router: Router) -> std::io::Result<()> {
    Server::bind(addr, router).await?.run().await
}

impl Server {
    /// Binds `addr` (port 0 picks a free port; see [`local_addr`](Self::local_addr)).
    pub async fn bind(addr: impl ToSocketAddrs, router: Router) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Server {
            listener,
            router: Arc::new(router),
            tls: None,
            limits: ServerLimits::default(),
        })
    }

    /// Serves over TLS with this configuration (see [`tls_server_config`]).
    pub fn with_tls(mut self, config: Arc<rustls::ServerConfig>) -> Self {
        self.tls = Some(tokio_rustls::TlsAcceptor::from(config));
        self
    }

    /// All the limits at once.
    pub fn with_limits(mut self, limits: ServerLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> &ServerLimits {
        &self.limits
    }

    /// Largest request body accepted (default 32 MiB); larger ones get 413.
    pub fn with_max_request_size(mut self, bytes: usize) -> Self {
        self.limits.max_request_size = bytes;
        self
    }

    /// Connections served at once (default 256, at least 1).
    pub fn with_max_connections(mut self, n: usize) -> Self {
        self.limits.max_connections = n.max(1);
        self
    }

    /// Time to complete the TLS handshake (default 10 s).
    pub fn with_handshake_timeout(mut self, timeout: Duration) -> Self {
        self.limits.handshake_timeout = timeout;
        self
    }

    /// Time to receive a request's head once it started (default 10 s).
    pub fn with_header_timeout(mut self, timeout: Duration) -> Self {
        self.limits.header_timeout = timeout;
        self
    }

    /// Time to receive a request's body (default 120 s).
    pub fn with_body_timeout(mut self, timeout: Duration) -> Self {
        self.limits.body_timeout = timeout;
        self
    }

    /// Time a handler may take (default 60 s).
    pub fn with_handler_timeout(mut self, timeout: Duration) -> Self {
        self.limits.handler_timeout = timeout;
        self
    }

    /// Time an idle connection is kept (default 60 s).
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = timeout;
        self
    }

    /// The bound address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts connections until the task is dropped or aborted (connections end with it).
    /// At most [`ServerLimits::max_connections`] are served at once; the next is accepted
    /// when one closes.
    pub async fn run(self) -> std::io::Result<()> {
        let mut connections = JoinSet::new();
        let slots = Arc::new(tokio::sync::Semaphore::new(
            self.limits.max_connections.max(1),
        ));
        loop {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return Ok(());
            };
            let (stream, remote) = match self.listener.accept().await {
                Ok(a) => a,
                // Out of file descriptors and the like: wait a little, keep serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            // Reap finished connections.
            while connections.try_join_next().is_some() {}
            let router = self.router.clone();
            let tls = self.tls.clone();
            let limits = self.limits;
            connections.spawn(async move {
                connection(stream, remote, tls, router, limits).await;
                drop(permit);
            });
        }
    }

    /// Runs the server on a task of the current tokio runtime.
    pub fn spawn(self) -> std::io::Result<ServerHandle> {
        let addr = self.local_addr()?;
        let task = tokio::spawn(self.run());
        Ok(ServerHandle { addr, task })
    }
}

/// A server running on a task; stops when [`shutdown`](Self::shutdown) or dropped.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl ServerHandle {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and closes every connection.
    pub fn shutdown(self) {
        self.task.abort();
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    router: Arc<Router>,
    limits: ServerLimits,
) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::new(Activity::new());
    let stream = Watched {
        inner: stream,
        activity: activity.clone(),
    };
    match tls {
        Some(acceptor) => {
            let accepted =
                tokio::time::timeout(limits.handshake_timeout, acceptor.accept(stream)).await;
            let Ok(Ok(tls_stream)) = accepted else {
                // Handshake failed (no or untrusted client certificate ...) or timed out.
                return;
            };
            let certs: Vec<Vec<u8>> = tls_stream
                .get_ref()
                .1
                .peer_certificates()
                .map(|c| c.iter().map(|c| c.to_vec()).collect())
                .unwrap_or_default();
            // Verified by the handshake; read once per connection.
            let caller = certs
                .first()
                .and_then(|leaf| CallerIdentity::from_der(leaf).ok())
                .map(Arc::new);
            // The handshake's bytes are not a request head.
            activity.head_since.store(0, Ordering::Relaxed);
            activity.touch();
            http(
                TokioIo::new(tls_stream),
                router,
                (Arc::new(certs), caller),
                remote,
                limits,
                activity,
            )
            .await;
        }
        None => {
            http(
                TokioIo::new(stream),
                router,
                (Arc::new(Vec::new()), None),
                remote,
                limits,
                activity,
            )
            .await
        }
    }
}

/// What a connection is doing, for the header and idle timeouts: times in milliseconds
/// since `start`.
struct Activity {
    start: std::time::Instant,
    /// The last byte read or written.
    last: AtomicU64,
    /// When the first byte of a request head arrived (+1; 0 when no head is pending).
    head_since: AtomicU64,
    /// Requests being handled.
    busy: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity {
            start: std::time::Instant::now(),
            last: AtomicU64::new(0),
            head_since: AtomicU64::new(0),
            busy: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        self.last.store(self.now(), Ordering::Relaxed);
    }

    fn read(&self, n: usize) {
        if n == 0 {
            return;
        }
        let now = self.now();
        self.last.store(now, Ordering::Relaxed);
        if self.busy.load(Ordering::Relaxed) == 0 {
            let _ =
                self.head_since
                    .compare_exchange(0, now + 1, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    fn request_started(&self) {
        self.busy.fetch_add(1, Ordering::Relaxed);
        self.head_since.store(0, Ordering::Relaxed);
        self.touch();
    }

    fn request_finished(&self) {
        self.busy.fetch_sub(1, Ordering::Relaxed);
        self.touch();
    }

    /// How long to wait before checking again, or `None` when the connection is to close.
    fn check(&self, limits: &ServerLimits) -> Option<Duration> {
        if self.busy.load(Ordering::Relaxed) > 0 {
            // The body and handler timeouts bound a request in progress.
            return Some(limits.header_timeout.min(limits.idle_timeout));
        }
        let now = self.now();
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let head = self.head_since.load(Ordering::Relaxed);
        let (since, limit) = if head > 0 {
            (head - 1, ms(limits.header_timeout))
        } else {
            (self.last.load(Ordering::Relaxed), ms(limits.idle_timeout))
        };
        let elapsed = now.saturating_sub(since);
        if elapsed >= limit {
            None
        } else {
            Some(Duration::from_millis((limit - elapsed).max(5)))
        }
    }
}

/// A stream that records its reads and writes in an [`Activity`].
struct Watched<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let std::task::Poll::Ready(Ok(())) = r {
            self.activity.read(buf.filled().len() - before);
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, data);
        if let std::task::Poll::Ready(Ok(n)) = r {
            if n > 0 {
                self.activity.touch();
            }
        }
        r
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

async fn http<I>(
    io: I,
    router: Arc<Router>,
    peer: Peer,
    remote: SocketAddr,
    limits: ServerLimits,
    activity: Arc<Activity>,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let a = activity.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let router = router.clone();
        let peer = peer.clone();
        let activity = a.clone();
        activity.request_started();
        async move {
            let (resp, close) = handle_http(&router, req, peer, remote, &limits).await;
            activity.request_finished();
            let len = resp.body.len();
            let body = match resp.transport_fault {
                None => Either::Left(Full::new(Bytes::from(resp.body))),
                Some(TransportFault::Reset) => return Err(ConnectionAborted),
                Some(TransportFault::Truncated) => {
                    let mut body = resp.body;
                    body.truncate(len / 2);
                    Either::Right(Truncated(Some(Bytes::from(body))))
                }
            };
            let mut out = hyper::Response::new(body);
            if resp.transport_fault.is_some() {
                out.headers_mut().insert(
                    hyper::header::CONTENT_LENGTH,
                    hyper::header::HeaderValue::from(len),
                );
            }
            *out.status_mut() = hyper::StatusCode::from_u16(resp.status)
                .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
            if let Ok(v) = hyper::header::HeaderValue::from_str(&resp.content_type) {
                out.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
            }
            if close {
                out.headers_mut().insert(
                    hyper::header::CONNECTION,
                    hyper::header::HeaderValue::from_static("close"),
                );
            }
            Ok::<_, ConnectionAborted>(out)
        }
    });
    // The header and idle timeouts are kept by the watchdog below (hyper's own header
    // timeout would also cut an idle keep-alive connection).
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .max_buf_size(64 * 1024)
        .serve_connection(io, service);
    let watchdog = async {
        while let Some(wait) = activity.check(&limits) {
            tokio::time::sleep(wait).await;
        }
    };
    let mut conn = std::pin::pin!(conn);
    let mut watchdog = std::pin::pin!(watchdog);
    std::future::poll_fn(|cx| {
        if conn.as_mut().poll(cx).is_ready() || watchdog.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(());
        }
        std::task::Poll::Pending
    })
    .await;
}

/// The error a handler's [`TransportFault::Reset`] becomes: hyper closes the connection.
#[derive(Debug)]
struct ConnectionAborted;

impl std::fmt::Display for ConnectionAborted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed without a response (TransportFault::Reset)")
    }
}

impl std::error::Error for ConnectionAborted {}

/// A body that yields its bytes and then fails, so the connection ends before
/// `Content-Length` bytes were sent ([`TransportFault::Truncated`]).
struct Truncated(Option<Bytes>);

impl hyper::body::Body for Truncated {
    type Data = Bytes;
    type Error = ConnectionAborted;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, ConnectionAborted>>> {
        std::task::Poll::Ready(Some(match self.0.take() {
            Some(b) => Ok(hyper::body::Frame::data(b)),
            None => Err(ConnectionAborted),
        }))
    }
}

/// The client's certificate chain and the identity read from it.
type Peer = (Arc<Vec<Vec<u8>>>, Option<Arc<CallerIdentity>>);

/// Reads the request and answers it; `true` when the connection is to close after the
/// answer (the body was not read in full).
async fn handle_http(
    router: &Router,
    req: hyper::Request<Incoming>,
    peer: Peer,
    remote: SocketAddr,
    limits: &ServerLimits,
) -> (ServerResponse, bool) {
    if req.method() != hyper::Method::POST {
        return (ServerResponse::text(405, "SOAP requests are POSTed"), true);
    }
    let max = limits.max_request_size;
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let too_large = || {
        ServerResponse::text(
            413,
            format!("the request is larger than the limit of {max} bytes"),
        )
    };
    let announced = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > max as u64) {
        return (too_large(), true);
    }
    let content_type = header("content-type");
    let soap_action = header("soapaction");
    let path = req.uri().path().to_owned();
    let read = Limited::new(req.into_body(), max).collect();
    let body = match tokio::time::timeout(limits.body_timeout, read).await {
        Ok(Ok(b)) => b.to_bytes(),
        Ok(Err(e)) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                return (too_large(), true);
            }
            return (
                ServerResponse::text(400, "the request body could not be read"),
                true,
            );
        }
        Err(_) => {
            return (
                ServerResponse::text(408, "the request body did not arrive in time"),
                true,
            );
        }
    };
    let mut request =
        ServerRequest::new(path, content_type.as_deref(), soap_action.as_deref(), body);
    (request.peer_certificates, request.caller) = peer;
    request.remote_addr = Some(remote);
    let version = request.version;
    match tokio::time::timeout(limits.handler_timeout, router.handle(request)).await {
        Ok(resp) => (resp, false),
        Err(_) => (
            ServerResponse::fault(
                version,
                &Fault::server("the service did not answer in time"),
            ),
            false,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(url_path("https://h.example/tandvard/X/2"), "/tandvard/X/2");
        assert_eq!(url_path("https://h.example"), "/");
        assert_eq!(url_path("https://h.example/a/?wsdl"), "/a");
        assert_eq!(url_path("a/b"), "/a/b");
    }

    fn env(payload: &str) -> Bytes {
        Bytes::from(format!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>{payload}</s:Body></s:Envelope>"#
        ))
    }

    fn route(path: &str, action: &str, local: &str) -> Route {
        Route {
            path: path.into(),
            action: action.into(),
            element: QualifiedName::new("urn:x", local),
            interface: "I".into(),
            operation: local.into(),
        }
    }

    fn answer(text: &'static str) -> impl Fn(ServerRequest) -> BoxFuture<ServerResponse> {
        move |_| Box::pin(async move { ServerResponse::text(200, text) })
    }

    #[tokio::test]
    async fn dispatch_by_path_action_and_element() {
        let r = Router::new()
            .route(route("/a/1", "urn:x:A", "A"), answer("a"))
            .route(route("/a/1", "urn:x:B", "B"), answer("b"))
            .route(route("/c/1", "urn:x:C", "C"), answer("c"));
        let call = |path: &str, action: Option<&str>, payload: &str| {
            r.handle(ServerRequest::new(
                path,
                Some("text/xml"),
                action,
                env(payload),
            ))
        };
        assert_eq!(
            call("/a/1", Some("\"urn:x:B\""), "<B xmlns='urn:x'/>")
                .await
                .body,
            b"b"
        );
        assert_eq!(
            call("/a/1", None, "<x:B xmlns:x='urn:x'/>").await.body,
            b"b"
        );
        assert_eq!(call("/", None, "<C xmlns='urn:x'/>").await.body, b"c");
        assert_eq!(
            call("/", Some("urn:x:A"), "<A xmlns='urn:x'/>").await.body,
            b"a"
        );
        assert_eq!(call("/c/1/", None, "<C xmlns='urn:x'/>").await.body, b"c");
        assert_eq!(
            call("/nowhere", None, "<C xmlns='urn:x'/>").await.status,
            404
        );
        let wrong = call("/c/1", None, "<A xmlns='urn:x'/>").await;
        assert_eq!(wrong.status, 500);
        assert!(String::from_utf8_lossy(&wrong.body).contains("no operation"));
        let junk = call("/", None, "<<<").await;
        assert_eq!(junk.status, 500);
        assert!(String::from_utf8_lossy(&junk.body).contains("faultcode"));
    }
}
