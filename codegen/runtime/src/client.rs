//! The SOAP client that generated clients are built on: envelopes with header blocks, the
//! SOAP action, per-operation timeouts, typed faults, and retries with backoff where the
//! operation's [`Idempotency`] class allows them.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::ValueError;
use crate::soap::{
    Attempt, Body, EnvelopeWriter, Fault, FaultDetail, Idempotency, Operation, RequestHeaderFields,
    SoapFault, new_message_id, read_envelope, read_envelope_payload,
};
use crate::transport::{
    HttpRequest, HttpResponse, HttpsTransport, Transport, TransportError, TransportErrorKind,
};
use crate::xml::{ReadOptions, RootElement, Writer, XmlRead, XmlWrite};

/// A header block the client sends with a request, filled in per attempt.
/// Implemented for every generated header type (which implements [`RequestHeaderFields`]).
pub trait HeaderValue: Send + Sync {
    /// Writes the block for one attempt (with that attempt's message id and time).
    fn write_attempt(&self, w: &mut Writer, attempt: &Attempt<'_>) -> Result<(), ValueError>;
    /// The idempotency key the block carries as set by the caller, if any.
    fn idempotency_key(&self) -> Option<String>;
}

impl<H> HeaderValue for H
where
    H: XmlWrite + RootElement + RequestHeaderFields + Clone + Send + Sync,
{
    fn write_attempt(&self, w: &mut Writer, attempt: &Attempt<'_>) -> Result<(), ValueError> {
        let mut h = self.clone();
        h.prepare_attempt(attempt)?;
        w.pending_ns_decls(H::NAMESPACES);
        h.write(w, H::PREFIXED_NAME);
        Ok(())
    }
    fn idempotency_key(&self) -> Option<String> {
        RequestHeaderFields::idempotency_key(self)
    }
}

/// Why a call failed. A business rejection is not an error: it is a response whose result
/// says so (see [`BusinessResult`](crate::soap::BusinessResult)).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<F> {
    /// The request could not be built (a header not set, a header value that does not fit
    /// its type).
    Request(String),
    /// No HTTP response: connection refused, TLS handshake or certificate refused, the
    /// connection dropped.
    Transport(TransportError),
    /// The exchange did not complete in time.
    Timeout(TransportError),
    /// The response body exceeded the size limit.
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// An HTTP error status whose body is not a SOAP envelope (a proxy's or a load
    /// balancer's error page, a 404 ...).
    Http {
        /// The status code.
        status: u16,
        /// The response `Content-Type`.
        content_type: Option<String>,
        /// The start of the body, as text.
        body_snippet: String,
        /// The `Retry-After` header, when given in seconds.
        retry_after: Option<Duration>,
    },
    /// A success status, but the body is not a valid SOAP response: malformed XML, a
    /// DOCTYPE, too deep, not an envelope, not the expected payload.
    Xml {
        /// The status code.
        status: u16,
        /// The response `Content-Type`.
        content_type: Option<String>,
        /// What is wrong, and where.
        error: crate::Error,
    },
    /// A SOAP fault, with its detail typed as one of the operation's declared faults.
    Fault(Box<SoapFault<F>>),
    /// The call was sent more than once and failed: the last attempt's error, the number of
    /// attempts, and the first error whose outcome was unknown (see [`Retried`]).
    Retried(Box<Retried<F>>),
}

/// A call that failed after more than one attempt.
#[derive(Debug)]
#[non_exhaustive]
pub struct Retried<F> {
    /// How many times the request was sent (or tried to be sent).
    pub attempts: u32,
    /// The error of the last attempt.
    pub last: Error<F>,
    /// The first error of an earlier attempt whose outcome is unknown (the request may have
    /// been processed), with the attempt's number. `None` when no earlier attempt was of
    /// unknown outcome; see also [`Error::first_unknown`].
    pub first_unknown: Option<(u32, Error<F>)>,
    /// Whether the call's deadline stopped the retries (or cut the last attempt short).
    pub deadline_reached: bool,
}

impl<F> Error<F> {
    /// The error of the last attempt (this error itself unless it is [`Error::Retried`]).
    pub fn last(&self) -> &Error<F> {
        match self {
            Error::Retried(r) => r.last.last(),
            e => e,
        }
    }

    /// How many times the request was sent or tried to be sent (0 when it could not be
    /// built).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Retried(r) => r.attempts,
            Error::Request(_) => 0,
            _ => 1,
        }
    }

    /// Whether the request may have been processed by the service although the call
    /// failed, in this attempt or an earlier one: a timeout or a dropped connection after
    /// the request may have been sent, a response too large or too broken to read, an
    /// HTTP 500, 502 or 504 without a SOAP fault. Before sending such a request again (by
    /// hand) check with the service whether it arrived, or resend it with the same
    /// idempotency key. `false` for a SOAP fault, a 4xx status, 429 and 503 (refused
    /// without processing), a connection that was never made.
    pub fn outcome_unknown(&self) -> bool {
        self.first_unknown().is_some()
    }

    /// The first error whose outcome is unknown (see [`outcome_unknown`](Self::outcome_unknown)),
    /// of an earlier attempt or of this one.
    pub fn first_unknown(&self) -> Option<&Error<F>> {
        match self {
            Error::Retried(r) => match &r.first_unknown {
                Some((_, e)) => Some(e),
                None => r.last.first_unknown(),
            },
            Error::Transport(e) | Error::Timeout(e) => e.outcome_unknown().then_some(self),
            Error::TooLarge { .. } | Error::Xml { .. } => Some(self),
            Error::Http { status, .. } => matches!(status, 500 | 502 | 504).then_some(self),
            Error::Request(_) | Error::Fault(_) => None,
        }
    }

    /// The SOAP fault, if this (or the last attempt) is one.
    pub fn fault(&self) -> Option<&SoapFault<F>> {
        match self.last() {
            Error::Fault(f) => Some(f),
            _ => None,
        }
    }

    /// The typed fault detail, if this is a fault with a declared detail.
    pub fn detail(&self) -> Option<&F> {
        self.fault().and_then(|f| f.detail.as_ref())
    }

    /// Whether the call (its last attempt) timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self.last(), Error::Timeout(_))
    }

    /// The HTTP status, when a response was received (to the last attempt).
    pub fn status(&self) -> Option<u16> {
        match self.last() {
            Error::Http { status, .. } | Error::Xml { status, .. } => Some(*status),
            _ => None,
        }
    }

    fn from_transport(e: TransportError) -> Self {
        match e.kind() {
            TransportErrorKind::Timeout => Error::Timeout(e),
            TransportErrorKind::TooLarge { limit } => Error::TooLarge { limit },
            _ => Error::Transport(e),
        }
    }
}

impl<F: FaultDetail> fmt::Display for Error<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Request(m) => write!(f, "cannot send the request: {m}"),
            Error::Transport(e) => write!(f, "{e}"),
            Error::Timeout(e) => write!(f, "{e}"),
            Error::TooLarge { limit } => write!(
                f,
                "the response is larger than the limit of {limit} bytes (the request was processed)"
            ),
            Error::Http {
                status,
                content_type,
                body_snippet,
                ..
            } => {
                write!(f, "HTTP {status}")?;
                if let Some(ct) = content_type {
                    write!(f, " ({ct})")?;
                }
                write!(f, " without a SOAP envelope: {body_snippet:?}")?;
                if matches!(status, 500 | 502 | 504) {
                    f.write_str(" (the request may have been processed)")?;
                }
                Ok(())
            }
            Error::Xml {
                status,
                content_type,
                error,
            } => {
                write!(f, "invalid SOAP response (HTTP {status}")?;
                if let Some(ct) = content_type {
                    write!(f, ", {ct}")?;
                }
                write!(f, "): {error} (the request may have been processed)")
            }
            Error::Fault(fault) => write!(f, "{fault}"),
            Error::Retried(r) => {
                let plural = if r.attempts == 1 { "" } else { "s" };
                write!(f, "{} (after {} attempt{plural}", r.last, r.attempts)?;
                if r.deadline_reached {
                    f.write_str(", stopped by the call's deadline")?;
                }
                match &r.first_unknown {
                    Some((n, e)) => write!(
                        f,
                        "; the request may have been processed: attempt {n} failed with: {e})"
                    ),
                    None => f.write_str(")"),
                }
            }
        }
    }
}

impl<F: FaultDetail> std::error::Error for Error<F> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) | Error::Timeout(e) => Some(e),
            Error::Xml { error, .. } => Some(error),
            Error::Retried(r) => std::error::Error::source(&r.last),
            _ => None,
        }
    }
}

/// Options of one call (or of every call through a client configured with them):
/// `client.with_idempotency_key(key).submit_claim(request)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// The idempotency key, written into the request header's `idempotencyKey` and the
    /// same on every attempt. Operations of class [`Idempotency::KeyRequired`] are retried
    /// only when a key is set (here or in the header set on the client).
    pub idempotency_key: Option<String>,
    /// The correlation id, written into the header's `correlationId`.
    pub correlation_id: Option<String>,
    /// A time limit for each attempt of this call (overrides the operation's).
    pub timeout: Option<Duration>,
    /// A time limit for the whole call with all its retries and the waits between them
    /// (overrides the client's, see [`SoapClient::with_deadline`]).
    pub deadline: Option<Duration>,
}

/// The default limit on a whole call with its retries: 2 minutes.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

/// When and how often to retry. The defaults follow the contracts: at most 4 attempts,
/// exponential backoff from 2 s doubling up to 5 min, with jitter; a fault's
/// `retryAfterSeconds` and an HTTP `Retry-After` are honoured (no retry when they ask for
/// more than the maximum delay).
///
/// What is retried: connection failures, timeouts and dropped connections; HTTP 429, 502,
/// 503 and 504; SOAP faults whose detail says `retryable` = true (see
/// [`Fault::retry_advice`]). Never: business rejections, `Client` faults without that
/// advice, invalid responses, TLS failures. And only for operations whose
/// [`Idempotency`] class allows it: `Safe` and `Idempotent` always, `KeyRequired` only
/// with an idempotency key, `Unsafe` never. The client's deadline
/// ([`SoapClient::with_deadline`]) bounds the whole call with all its attempts.
#[derive(Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    max_delay: Duration,
    jitter: bool,
    overrides: HashMap<String, Idempotency>,
    fault_predicate: Option<FaultPredicate>,
}

type FaultPredicate = Arc<dyn Fn(&Fault) -> bool + Send + Sync>;

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("initial_delay", &self.initial_delay)
            .field("max_delay", &self.max_delay)
            .field("jitter", &self.jitter)
            .field("overrides", &self.overrides)
            .field("fault_predicate", &self.fault_predicate.is_some())
            .finish()
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(300),
            jitter: true,
            overrides: HashMap::new(),
            fault_predicate: None,
        }
    }
}

impl RetryPolicy {
    /// The default policy (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// At most `n` attempts in all (1 = no retries).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The delay before the first retry (doubled for each further one).
    pub fn with_initial_delay(mut self, d: Duration) -> Self {
        self.initial_delay = d;
        self
    }

    /// The longest delay between attempts.
    pub fn with_max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Exact delays, without random jitter.
    pub fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }

    /// Overrides the generated [`Idempotency`] class of an operation (by its WSDL name).
    pub fn with_override(mut self, operation: impl Into<String>, class: Idempotency) -> Self {
        self.overrides.insert(operation.into(), class);
        self
    }

    /// Decides which faults are retried (instead of the `retryable` detail convention).
    pub fn with_fault_predicate(
        mut self,
        predicate: impl Fn(&Fault) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.fault_predicate = Some(Arc::new(predicate));
        self
    }

    /// The attempt limit.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The class in effect for `op` (an override, else the generated one).
    pub fn class_for(&self, op: &Operation) -> Idempotency {
        self.overrides
            .get(op.name)
            .copied()
            .unwrap_or(op.idempotency)
    }

    /// Whether `op` may be sent again, given whether the call carries an idempotency key.
    pub fn may_retry(&self, op: &Operation, has_key: bool) -> bool {
        match self.class_for(op) {
            Idempotency::Safe | Idempotency::Idempotent => true,
            Idempotency::KeyRequired => has_key,
            Idempotency::Unsafe => false,
        }
    }

    /// The backoff before attempt `attempt + 1` (attempt counts from 1).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let base = self
            .initial_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        if !self.jitter {
            return base;
        }
        // Between half and all of the delay.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(attempt);
        let frac = (h.finish() % 1000) as u32;
        base / 2 + (base / 2) * frac / 1000
    }

    /// How long to wait before retrying after `error` on attempt `attempt`, or `None` when
    /// the error is not one to retry (the operation's class is checked separately).
    pub fn delay_for<F>(&self, error: &Error<F>, attempt: u32) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let backoff = self.backoff(attempt);
        let honour = |after: Option<Duration>| match after {
            Some(a) if a > self.max_delay => None,
            Some(a) => Some(a.max(backoff)),
            None => Some(backoff),
        };
        match error {
            Error::Transport(e) if e.is_transient() => Some(backoff),
            Error::Timeout(_) => Some(backoff),
            Error::Http {
                status: 429 | 502 | 503 | 504,
                retry_after,
                ..
            } => honour(*retry_after),
            Error::Fault(f) => {
                if let Some(p) = &self.fault_predicate {
                    return p(&f.fault).then_some(backoff);
                }
                match f.fault.retry_advice() {
                    Some((true, after)) => honour(after),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// The SOAP client: an endpoint, a transport, a retry policy and limits. Generated clients
/// wrap one; cheap to clone (the transport is shared).
pub struct SoapClient<T: Transport = HttpsTransport> {
    transport: Arc<T>,
    endpoint: String,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    operation_timeouts: HashMap<String, Duration>,
    max_response_size: Option<u64>,
    read_options: ReadOptions,
    call: CallOptions,
    deadline: Option<Duration>,
    trace_bodies: bool,
}

impl<T: Transport> Clone for SoapClient<T> {
    fn clone(&self) -> Self {
        SoapClient {
            transport: self.transport.clone(),
            endpoint: self.endpoint.clone(),
            retry: self.retry.clone(),
            timeout: self.timeout,
            operation_timeouts: self.operation_timeouts.clone(),
            max_response_size: self.max_response_size,
            read_options: self.read_options,
            call: self.call.clone(),
            deadline: self.deadline,
            trace_bodies: self.trace_bodies,
        }
    }
}

impl<T: Transport> fmt::Debug for SoapClient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoapClient")
            .field("endpoint", &self.endpoint)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("operation_timeouts", &self.operation_timeouts)
            .field("max_response_size", &self.max_response_size)
            .field("call", &self.call)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

/// At most this many characters of a non-SOAP body are kept in [`Error::Http`].
const SNIPPET_CHARS: usize = 300;

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET_CHARS * 4)]);
    let mut out: String = text
        .chars()
        .take(SNIPPET_CHARS)
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    if text.chars().count() > SNIPPET_CHARS || body.len() > SNIPPET_CHARS * 4 {
        out.push('…');
    }
    out
}

impl<T: Transport> SoapClient<T> {
    /// A client for `endpoint` over `transport`, with the default [`RetryPolicy`].
    pub fn new(transport: T, endpoint: impl Into<String>) -> Self {
        Self::with_shared_transport(Arc::new(transport), endpoint)
    }

    /// A client sharing a transport (and its connection pool) with other clients.
    pub fn with_shared_transport(transport: Arc<T>, endpoint: impl Into<String>) -> Self {
        SoapClient {
            transport,
            endpoint: endpoint.into(),
            retry: RetryPolicy::default(),
            timeout: None,
            operation_timeouts: HashMap::new(),
            max_response_size: None,
            read_options: ReadOptions::default(),
            call: CallOptions::default(),
            deadline: Some(DEFAULT_DEADLINE),
            trace_bodies: false,
        }
    }

    /// The endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Sends to another endpoint URL.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// The transport.
    pub fn transport(&self) -> &Arc<T> {
        &self.transport
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Uses another retry policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Time limit for each attempt of every operation (default: the transport's).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time limit for a whole call: every attempt and the waits between them (default
    /// [`DEFAULT_DEADLINE`]). The last attempt's time limit is shortened to end with it (a
    /// timeout then has an unknown outcome); no retry is started after it.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Also emit each request and response body as a `TRACE` event (target
    /// `tandvard_runtime::client::body`). Off by default: bodies carry patient data, so turn
    /// this on only where the trace stays on a developer's machine.
    pub fn with_body_tracing(mut self, on: bool) -> Self {
        self.trace_bodies = on;
        self
    }

    /// No limit on a whole call beyond the attempt limit and each attempt's timeout.
    pub fn without_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    /// Time limit for each attempt of one operation (by its WSDL name).
    pub fn with_operation_timeout(
        mut self,
        operation: impl Into<String>,
        timeout: Duration,
    ) -> Self {
        self.operation_timeouts.insert(operation.into(), timeout);
        self
    }

    /// Largest response body accepted (default: the transport's).
    pub fn with_max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// Limits and strictness for reading responses (default [`ReadOptions::default`]).
    pub fn with_read_options(mut self, options: ReadOptions) -> Self {
        self.read_options = options;
        self
    }

    /// The options applied to every call.
    pub fn call_options(&self) -> &CallOptions {
        &self.call
    }

    /// A copy of this client whose calls use `options`.
    pub fn with_call_options(&self, options: CallOptions) -> Self {
        let mut c = self.clone();
        c.call = options;
        c
    }

    fn timeout_for(&self, op: &Operation) -> Option<Duration> {
        self.call
            .timeout
            .or_else(|| self.operation_timeouts.get(op.name).copied())
            .or(self.timeout)
    }

    fn build_request<Req: XmlWrite + RootElement>(
        &self,
        op: &Operation,
        request: &Req,
        headers: &[&dyn HeaderValue],
        attempt: &Attempt<'_>,
        size_hint: usize,
    ) -> Result<HttpRequest, ValueError> {
        let mut env = EnvelopeWriter::with_capacity(op.version, size_hint.max(1024));
        let mut failed = None;
        for h in headers {
            env.header_with(|w| {
                if let Err(e) = h.write_attempt(w, attempt) {
                    failed = Some(e);
                }
            });
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let body = env.body(request);
        let mut http_headers = vec![(
            "content-type".to_owned(),
            op.version.content_type(op.action),
        )];
        if let Some(a) = op.version.soap_action_header(op.action) {
            http_headers.push(("soapaction".to_owned(), a));
        }
        http_headers.push((
            "accept".to_owned(),
            "text/xml, application/soap+xml, multipart/related".to_owned(),
        ));
        Ok(HttpRequest {
            url: self.endpoint.clone(),
            headers: http_headers,
            body,
            timeout: self.timeout_for(op),
            max_response_size: self.max_response_size,
        })
    }

    /// Reads a response: the payload, or the fault with its typed detail, or why not.
    fn decode<Resp, F>(
        &self,
        response: HttpResponse,
        read: impl FnOnce(&[u8], &ReadOptions) -> Result<Body<Resp>, crate::Error>,
    ) -> Result<Resp, Error<F>>
    where
        F: FaultDetail,
    {
        let status = response.status;
        let content_type = response.header("content-type").map(str::to_owned);
        let retry_after = response
            .header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let success = (200..300).contains(&status);
        if !success && status != 500 {
            return Err(Error::Http {
                status,
                content_type,
                body_snippet: snippet(&response.body),
                retry_after,
            });
        }
        match read(&response.body, &self.read_options) {
            Ok(Body::Payload(p)) if success => Ok(p),
            Ok(Body::Fault(fault)) => Err(Error::Fault(Box::new(SoapFault::from_fault(
                fault,
                &self.read_options,
            )))),
            Ok(Body::Payload(_)) => Err(Error::Http {
                status,
                content_type,
                body_snippet: snippet(&response.body),
                retry_after,
            }),
            Err(error) if success => Err(Error::Xml {
                status,
                content_type,
                error,
            }),
            Err(_) => Err(Error::Http {
                status,
                content_type,
                body_snippet: snippet(&response.body),
                retry_after,
            }),
        }
    }

    /// Calls a request-response operation: writes the envelope (the header blocks prepared
    /// for each attempt, then `request`), sends it, and reads the response payload or the
    /// fault; retries as the [`RetryPolicy`] and the operation's class allow.
    pub async fn call<Req, Resp, F>(
        &self,
        op: &Operation,
        request: &Req,
        headers: &[&dyn HeaderValue],
    ) -> Result<Resp, Error<F>>
    where
        Req: XmlWrite + RootElement + Sync,
        Resp: XmlRead + RootElement,
        F: FaultDetail,
    {
        self.exchange(op, request, headers, |body, opts| {
            read_envelope_payload::<Resp>(body, opts).map(|e| e.body)
        })
        .await
    }

    /// Calls a one-way operation (no response payload): succeeds on any 2xx status whose
    /// body is empty or an envelope without a fault.
    pub async fn call_one_way<Req, F>(
        &self,
        op: &Operation,
        request: &Req,
        headers: &[&dyn HeaderValue],
    ) -> Result<(), Error<F>>
    where
        Req: XmlWrite + RootElement + Sync,
        F: FaultDetail,
    {
        self.exchange(op, request, headers, |body, opts| {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Body::Payload(()));
            }
            read_envelope(body, opts, |r, s| r.skip(s)).map(|e| e.body)
        })
        .await
    }

    async fn exchange<Req, Resp, F>(
        &self,
        op: &Operation,
        request: &Req,
        headers: &[&dyn HeaderValue],
        read: impl Fn(&[u8], &ReadOptions) -> Result<Body<Resp>, crate::Error>,
    ) -> Result<Resp, Error<F>>
    where
        Req: XmlWrite + RootElement + Sync,
        F: FaultDetail,
    {
        let span = tracing::info_span!(
            "soap.call",
            otel.kind = "client",
            rpc.system = "soap",
            rpc.service = op.interface,
            rpc.method = op.name,
            server.address = endpoint_host(&self.endpoint),
            tandvard.correlation_id = self.call.correlation_id.as_deref(),
            tandvard.attempts = tracing::field::Empty,
            tandvard.outcome = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = tracing::Instrument::instrument(
            self.exchange_traced(op, request, headers, read, &span),
            span.clone(),
        )
        .await;
        let outcome = match &result {
            Ok(_) => "ok".to_string(),
            Err(e) => outcome_label(e),
        };
        span.record("tandvard.outcome", outcome.as_str());
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let _enter = span.enter();
        match &result {
            Ok(_) => tracing::info!(duration_ms = ms, outcome = %outcome, "call finished"),
            Err(e) => tracing::warn!(
                duration_ms = ms,
                outcome = %outcome,
                outcome_unknown = e.outcome_unknown(),
                "call failed"
            ),
        }
        result
    }

    async fn exchange_traced<Req, Resp, F>(
        &self,
        op: &Operation,
        request: &Req,
        headers: &[&dyn HeaderValue],
        read: impl Fn(&[u8], &ReadOptions) -> Result<Body<Resp>, crate::Error>,
        span: &tracing::Span,
    ) -> Result<Resp, Error<F>>
    where
        Req: XmlWrite + RootElement + Sync,
        F: FaultDetail,
    {
        let key = self
            .call
            .idempotency_key
            .clone()
            .or_else(|| headers.iter().find_map(|h| h.idempotency_key()));
        let may_retry = self.retry.may_retry(op, key.is_some());
        let deadline = self.call.deadline.or(self.deadline);
        let started = Instant::now();
        let mut first_unknown: Option<(u32, Error<F>)> = None;
        let mut size_hint = 0;
        let mut attempt = 1u32;
        loop {
            let message_id = new_message_id();
            let sent_at = crate::SimpleValue::to_text(&crate::DateTime::now_utc());
            let a = Attempt {
                number: attempt,
                message_id: &message_id,
                sent_at: &sent_at,
                idempotency_key: key.as_deref(),
                correlation_id: self.call.correlation_id.as_deref(),
            };
            let mut http = self
                .build_request(op, request, headers, &a, size_hint)
                .map_err(|e| Error::Request(format!("a request header value does not fit: {e}")))?;
            size_hint = http.body.len() + 64;
            // The deadline shortens the attempt's time limit when less time is left.
            let remaining = deadline.map(|d| d.saturating_sub(started.elapsed()));
            let per_attempt = http.timeout.or_else(|| self.transport.default_timeout());
            let clamped = match (per_attempt, remaining) {
                (Some(t), Some(r)) if r < t => Some(r),
                (None, Some(r)) => Some(r),
                _ => None,
            };
            if clamped.is_some() {
                http.timeout = clamped;
            }
            span.record("tandvard.attempts", attempt);
            tracing::debug!(
                attempt,
                tandvard.message_id = %message_id,
                request_bytes = http.body.len(),
                "sending"
            );
            if self.trace_bodies {
                tracing::trace!(
                    target: "tandvard_runtime::client::body",
                    body = %String::from_utf8_lossy(&http.body),
                    "request body"
                );
            }
            let sent = Instant::now();
            let result = match self.transport.send(http).await {
                Ok(response) => {
                    span.record("http.response.status_code", response.status);
                    tracing::debug!(
                        attempt,
                        http.response.status_code = response.status,
                        response_bytes = response.body.len(),
                        duration_ms = sent.elapsed().as_secs_f64() * 1000.0,
                        "response"
                    );
                    if self.trace_bodies {
                        tracing::trace!(
                            target: "tandvard_runtime::client::body",
                            body = %String::from_utf8_lossy(&response.body),
                            "response body"
                        );
                    }
                    self.decode(response, &read)
                }
                Err(e) => Err(Error::from_transport(e)),
            };
            let mut deadline_reached = clamped.is_some() && result_is_timeout(&result);
            let error = match result {
                Ok(r) => return Ok(r),
                Err(e) => e,
            };
            let delay = if may_retry && !deadline_reached {
                self.retry.delay_for(&error, attempt)
            } else {
                None
            };
            // No retry that would start after the deadline.
            let delay = match (delay, deadline) {
                (Some(d), Some(limit)) if started.elapsed() + d >= limit => {
                    deadline_reached = true;
                    None
                }
                (d, _) => d,
            };
            let Some(delay) = delay else {
                if attempt == 1 && !deadline_reached {
                    return Err(error);
                }
                return Err(Error::Retried(Box::new(Retried {
                    attempts: attempt,
                    last: error,
                    first_unknown,
                    deadline_reached,
                })));
            };
            tracing::warn!(
                attempt,
                outcome = %outcome_label(&error),
                outcome_unknown = error.outcome_unknown(),
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            if first_unknown.is_none() && error.outcome_unknown() {
                first_unknown = Some((attempt, error));
            }
            self.transport.sleep(delay).await;
            attempt += 1;
        }
    }
}

/// The host of an endpoint URL, for the `server.address` field.
fn endpoint_host(endpoint: &str) -> &str {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = host.strip_prefix('[') {
        return v6.split(']').next().unwrap_or(v6);
    }
    host.split(':').next().unwrap_or(host)
}

/// A short label of an error for traces: `fault:Server/TEC-003`, `http:503`, `timeout`,
/// `transport`, `xml`, ... (never a value from a message).
fn outcome_label<F>(e: &Error<F>) -> String {
    let last = e.last();
    if let Some(f) = last.fault() {
        let code = f.fault.code.to_string();
        let detail = f.fault.detail.iter().find_map(detail_code);
        return match detail {
            Some(d) => format!("fault:{code}/{d}"),
            None => format!("fault:{code}"),
        };
    }
    match last {
        Error::Request(_) => "request".into(),
        Error::Transport(_) => "transport".into(),
        Error::Timeout(_) => "timeout".into(),
        Error::TooLarge { .. } => "too-large".into(),
        Error::Http { status, .. } => format!("http:{status}"),
        Error::Xml { .. } => "xml".into(),
        Error::Fault(_) => "fault".into(),
        Error::Retried(_) => "retried".into(),
    }
}

/// The `code` child of a fault detail element (FK's `flt:TechnicalError/flt:code`), if it
/// has a short one.
fn detail_code(d: &crate::AnyElement) -> Option<String> {
    let mut r = crate::Reader::new(d.as_str().as_bytes()).ok()?;
    let root = r.root().ok()?;
    let mut next = r.first_child(&root).ok()?;
    while let Some(s) = next.take() {
        if s.local == b"code" {
            let t = r.text(s).ok()?;
            let t = t.trim();
            return (t.len() <= 32).then(|| t.to_string());
        }
        r.skip(s).ok()?;
        next = r.next_sibling().ok()?;
    }
    None
}

fn result_is_timeout<T, F>(r: &Result<T, Error<F>>) -> bool {
    matches!(r, Err(e) if e.is_timeout())
}

impl SoapClient<HttpsTransport> {
    /// A client over an [`HttpsTransport`] with these TLS settings and default limits.
    pub fn https(
        tls: crate::transport::TlsConfig,
        endpoint: impl Into<String>,
    ) -> Result<Self, TransportError> {
        Ok(Self::new(HttpsTransport::new(tls)?, endpoint))
    }
}

/// The builder methods every generated interface client shares, expanded inside the
/// client's `impl<T: Transport>` block by generated code (which keeps them out of each
/// interface module). The client has a `soap: SoapClient<T>` field and implements `Clone`.
#[doc(hidden)]
#[macro_export]
macro_rules! __client_builders {
    () => {
        /// The underlying SOAP client.
        pub fn soap_client(&self) -> &$crate::client::SoapClient<T> {
            &self.soap
        }

        /// Sends to another endpoint URL (a test environment, a local mock).
        pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
            self.soap = self.soap.with_endpoint(endpoint);
            self
        }

        /// Uses another retry policy.
        pub fn with_retry_policy(mut self, policy: $crate::client::RetryPolicy) -> Self {
            self.soap = self.soap.with_retry_policy(policy);
            self
        }

        /// Time limit for each attempt of every operation.
        pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.soap = self.soap.with_timeout(timeout);
            self
        }

        /// Time limit for each attempt of one operation (by its WSDL name).
        pub fn with_operation_timeout(
            mut self,
            operation: &str,
            timeout: ::std::time::Duration,
        ) -> Self {
            self.soap = self.soap.with_operation_timeout(operation, timeout);
            self
        }

        /// Largest response body accepted, in bytes.
        pub fn with_max_response_size(mut self, bytes: u64) -> Self {
            self.soap = self.soap.with_max_response_size(bytes);
            self
        }

        /// A copy of this client whose calls use `options` (idempotency key,
        /// correlation id, timeout).
        pub fn with_call_options(&self, options: $crate::client::CallOptions) -> Self {
            let mut c = self.clone();
            c.soap = self.soap.with_call_options(options);
            c
        }

        /// A copy of this client whose calls carry this idempotency key (the same on
        /// every attempt, so a write may be retried safely). Use the business key of
        /// the request (e.g. `clientClaimId`) and keep it for resends.
        pub fn with_idempotency_key(&self, key: impl Into<String>) -> Self {
            let mut options = self.soap.call_options().clone();
            options.idempotency_key = Some(key.into());
            self.with_call_options(options)
        }

        /// A copy of this client whose calls carry this correlation id.
        pub fn with_correlation_id(&self, id: impl Into<String>) -> Self {
            let mut options = self.soap.call_options().clone();
            options.correlation_id = Some(id.into());
            self.with_call_options(options)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::{NoFault, SoapVersion};

    const OP: Operation = Operation {
        interface: "I",
        name: "SubmitThing",
        action: "urn:a:SubmitThing",
        version: SoapVersion::Soap11,
        request: ("urn:a", "SubmitThing"),
        response: Some(("urn:a", "SubmitThingResponse")),
        headers: &[],
        idempotency: Idempotency::KeyRequired,
    };

    #[test]
    fn retry_classes() {
        let p = RetryPolicy::new();
        assert!(!p.may_retry(&OP, false));
        assert!(p.may_retry(&OP, true));
        let unsafe_op = Operation {
            idempotency: Idempotency::Unsafe,
            ..OP
        };
        assert!(!p.may_retry(&unsafe_op, true));
        let p = p.with_override("SubmitThing", Idempotency::Safe);
        assert!(p.may_retry(&OP, false));
    }

    #[test]
    fn delays() {
        let p = RetryPolicy::new().without_jitter();
        assert_eq!(p.backoff(1), Duration::from_secs(2));
        assert_eq!(p.backoff(2), Duration::from_secs(4));
        assert_eq!(p.backoff(20), Duration::from_secs(300));
        let timeout: Error<NoFault> =
            Error::Timeout(TransportError::new(TransportErrorKind::Timeout, "t"));
        assert_eq!(p.delay_for(&timeout, 1), Some(Duration::from_secs(2)));
        assert_eq!(p.delay_for(&timeout, 4), None, "attempt limit");
        let tls: Error<NoFault> =
            Error::Transport(TransportError::new(TransportErrorKind::Tls, "t"));
        assert_eq!(p.delay_for(&tls, 1), None);
        let busy: Error<NoFault> = Error::Http {
            status: 503,
            content_type: None,
            body_snippet: String::new(),
            retry_after: Some(Duration::from_secs(10)),
        };
        assert_eq!(p.delay_for(&busy, 1), Some(Duration::from_secs(10)));
        let long: Error<NoFault> = Error::Http {
            status: 503,
            content_type: None,
            body_snippet: String::new(),
            retry_after: Some(Duration::from_secs(7200)),
        };
        assert_eq!(p.delay_for(&long, 1), None, "longer than the maximum delay");
        let bad: Error<NoFault> = Error::Http {
            status: 400,
            content_type: None,
            body_snippet: String::new(),
            retry_after: None,
        };
        assert_eq!(p.delay_for(&bad, 1), None);
        let jittered = RetryPolicy::new().backoff(3);
        assert!(jittered >= Duration::from_secs(4) && jittered <= Duration::from_secs(8));
    }

    #[test]
    fn snippets_are_bounded() {
        let s = snippet(&vec![b'x'; 10_000]);
        assert!(s.chars().count() <= SNIPPET_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(snippet(b"a\x00b"), "a b");
    }
}
