//! SOAP 1.1 and 1.2 envelopes, header blocks, faults, and the metadata generated code
//! describes operations with. Needs no networking: the client ([`crate::client`]) and the
//! server ([`crate::server`]) build on it.
//!
//! * [`EnvelopeWriter`] writes an envelope: header blocks, then a payload or a [`Fault`].
//! * [`read_envelope`] reads one with the hardened [`Reader`](crate::Reader) (no DTD, depth
//!   and size limits): the header blocks, and a payload or a fault. Namespace declarations
//!   on the envelope are in scope for the payload, as XML says.
//! * [`Fault`] is either version's fault (`faultcode`/`faultstring`/`faultactor`/`detail`,
//!   or `Code`/`Reason`/`Node`/`Role`/`Detail`); [`FaultDetail`] is implemented by generated
//!   per-operation fault enums, to read and write the detail as the WSDL fault's type.
//! * [`Operation`] is the metadata generated for each WSDL operation, with its
//!   [`Idempotency`] class (when the client may retry it).
//! * [`RequestHeaderFields`] and [`BusinessResult`] are implemented by generated code for
//!   header types (per-attempt message id, timestamp, idempotency key) and for responses that
//!   carry a business result.

mod envelope;
mod fault;
mod meta;
mod outcome;

pub use envelope::{
    Body, Envelope, EnvelopeWriter, HeaderBlock, Headers, SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS,
    SoapVersion, read_envelope, read_envelope_payload,
};
pub use fault::{Fault, FaultCode, FaultDetail, NoFault, QualifiedName, SoapFault};
pub use meta::{Attempt, Idempotency, Operation, RequestHeaderFields, new_message_id};
pub use outcome::{BusinessRejection, BusinessResult, Outcome, OutcomeDetail, ResultCode, text_of};
