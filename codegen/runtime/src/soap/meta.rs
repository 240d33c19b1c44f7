//! Operation metadata, retry classes and per-attempt header fields.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::ValueError;

use super::envelope::SoapVersion;

/// When the client may send an operation again after a failure whose outcome is unknown
/// (a timeout, a dropped connection, a retryable fault).
///
/// The generator decides the class of each operation (first match wins):
/// 1. the operation's `wsdl:documentation`: a sentence starting `Safe` → [`Safe`](Self::Safe);
///    `Not safe; idempotent on …` → [`KeyRequired`](Self::KeyRequired); `Idempotent` →
///    [`Idempotent`](Self::Idempotent); `Not safe` → [`Unsafe`](Self::Unsafe);
/// 2. the operation name: `Get…`, `Check…`, `List…`, `Find…`, `Search…`, `Query…`,
///    `Read…`, `Fetch…`, `Ping`, `Echo`, `WhoAmI` → [`Safe`](Self::Safe);
/// 3. a request header with an `idempotencyKey` element → [`KeyRequired`](Self::KeyRequired);
/// 4. otherwise [`Unsafe`](Self::Unsafe).
///
/// A client can override the class per operation (`RetryPolicy::with_override`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// No side effects (a read): retried after transient failures.
    Safe,
    /// Repeating it has no further effect: retried after transient failures.
    Idempotent,
    /// A write the service de-duplicates by an idempotency key: retried only when the
    /// request carries the key, and always with the same key.
    KeyRequired,
    /// Never retried automatically.
    Unsafe,
}

/// What generated code knows about one WSDL operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The port type (interface) name.
    pub interface: &'static str,
    /// The operation name.
    pub name: &'static str,
    /// The SOAP action (`""` when the binding has none).
    pub action: &'static str,
    /// The binding's SOAP version.
    pub version: SoapVersion,
    /// The request payload element `(namespace, local name)`.
    pub request: (&'static str, &'static str),
    /// The response payload element, `None` for a one-way operation.
    pub response: Option<(&'static str, &'static str)>,
    /// The header blocks the request declares (`soap:header`), `(namespace, local name)`.
    pub headers: &'static [(&'static str, &'static str)],
    /// When the client may retry it.
    pub idempotency: Idempotency,
}

/// The values of one attempt to send a request, for [`RequestHeaderFields`].
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    /// 1 for the first attempt.
    pub number: u32,
    /// A fresh message id (a random UUID) for this attempt.
    pub message_id: &'a str,
    /// The time of this attempt, `xs:dateTime` in UTC with milliseconds.
    pub sent_at: &'a str,
    /// The idempotency key of the call, the same on every attempt.
    pub idempotency_key: Option<&'a str>,
    /// The correlation id of the call, the same on every attempt.
    pub correlation_id: Option<&'a str>,
}

/// Implemented by generated code for every request header element type, so the client can
/// fill in the fields that change per attempt. The generator recognises direct child
/// elements of simple type by local name: `messageId` (set to a fresh id per attempt),
/// `sentAt` (the attempt's time), `idempotencyKey` and `correlationId` (set from the call's
/// options when given). Other fields are whatever the caller set once on the client.
pub trait RequestHeaderFields {
    /// Sets the per-attempt fields. Fails when a value does not fit the field's type
    /// (for example an idempotency key that is not a UUID where the contract wants one).
    fn prepare_attempt(&mut self, attempt: &Attempt<'_>) -> Result<(), ValueError>;

    /// The idempotency key this header carries, if it has such a field and it is set.
    fn idempotency_key(&self) -> Option<String> {
        None
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new random message id in UUID (version 4) form, e.g.
/// `0d4f8a8e-2b1c-4c3a-9f1e-6a7b8c9d0e1f`.
///
/// The 122 random bits come from SipHash keyed with the standard library's per-process
/// random keys over a process-wide counter, the time and the process id, so ids are
/// unique within a process and unpredictable across processes (no extra dependency).
pub fn new_message_id() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let word = |salt: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(salt);
        h.write_u64(n);
        h.write_u128(nanos);
        h.write_u32(std::process::id());
        h.finish()
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&word(0x5eed_0001).to_le_bytes());
    bytes[8..].copy_from_slice(&word(0x5eed_0002).to_le_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_uuids_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let id = new_message_id();
            assert_eq!(id.len(), 36);
            let b = id.as_bytes();
            assert_eq!(b[14], b'4', "{id}");
            assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'), "{id}");
            assert!(
                id.chars()
                    .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            );
            assert!(seen.insert(id));
        }
    }
}
