//! The plan of an interface module as the interface, client and server renderers share it:
//! the layout's names as identifiers, with the Rust types and doc comments they render with.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::QName;

/// The retry class of an operation (mirrors `tandvard_runtime::soap::Idempotency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// A read.
    Safe,
    /// Repeating it has no further effect.
    Idempotent,
    /// Retried only with an idempotency key.
    KeyRequired,
    /// Never retried.
    Unsafe,
}

impl Idempotency {
    pub(crate) fn tokens(self) -> TokenStream {
        match self {
            Idempotency::Safe => quote! { ::tandvard_runtime::soap::Idempotency::Safe },
            Idempotency::Idempotent => quote! { ::tandvard_runtime::soap::Idempotency::Idempotent },
            Idempotency::KeyRequired => {
                quote! { ::tandvard_runtime::soap::Idempotency::KeyRequired }
            }
            Idempotency::Unsafe => quote! { ::tandvard_runtime::soap::Idempotency::Unsafe },
        }
    }

    /// How the generated docs describe it.
    pub fn describe(self) -> &'static str {
        match self {
            Idempotency::Safe => {
                "Retried automatically after transient failures (safe: no side effects)."
            }
            Idempotency::Idempotent => {
                "Retried automatically after transient failures (idempotent: repeating it has no further effect)."
            }
            Idempotency::KeyRequired => {
                "Retried automatically only when the call carries an idempotency key \
                 (`with_idempotency_key`), always with the same key; without a key never."
            }
            Idempotency::Unsafe => "Never retried automatically.",
        }
    }
}

/// A message element with the Rust path of its type.
#[derive(Clone)]
pub(crate) struct ElementPlan {
    pub q: QName,
    pub ty: TokenStream,
}

/// A declared header part.
#[derive(Clone)]
pub(crate) struct HeaderPlan {
    /// The trait parameter name (from the part name).
    pub param: proc_macro2::Ident,
    /// The client struct field holding the header value.
    pub field: proc_macro2::Ident,
    pub element: ElementPlan,
}

/// A declared fault with an element.
pub(crate) struct FaultPlan {
    pub variant: proc_macro2::Ident,
    pub name: String,
    pub element: ElementPlan,
}

pub(crate) struct OpPlan {
    pub name: String,
    pub konst: proc_macro2::Ident,
    pub method: proc_macro2::Ident,
    pub fault: proc_macro2::Ident,
    pub request: ElementPlan,
    pub response: Option<ElementPlan>,
    pub headers: Vec<HeaderPlan>,
    pub idempotency: Idempotency,
    pub doc: TokenStream,
    /// The service trait method's doc: what the server receives and answers.
    pub server_doc: TokenStream,
}

/// A header type the client holds, with its setter.
pub(crate) struct ClientHeader {
    pub field: proc_macro2::Ident,
    pub setter: proc_macro2::Ident,
    pub element: ElementPlan,
}

pub(crate) struct IfacePlan {
    pub port_type: String,
    pub client: proc_macro2::Ident,
    pub blocking: proc_macro2::Ident,
    pub service: proc_macro2::Ident,
    pub ops: Vec<OpPlan>,
    pub headers: Vec<ClientHeader>,
    pub doc: TokenStream,
    pub has_endpoint: bool,
}
