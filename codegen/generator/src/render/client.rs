//! The generated client of one interface: one `async fn` per operation on
//! `<Interface>Client<T: Transport = HttpsTransport>` (`#[cfg(feature = "client")]`), and a
//! blocking twin `<Interface>BlockingClient` (`#[cfg(feature = "blocking")]`).
//!
//! The header blocks the contract declares (`soap:header`) are set once on the client
//! (`with_header`) and sent with every call that declares them, with a fresh message id and
//! time per attempt (`RequestHeaderFields`).

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::IfacePlan;

/// Renders the client items of one interface, and the blocking client's (not gated: the
/// caller puts them behind the `client` and `blocking` features).
pub(super) fn render(p: &IfacePlan) -> (TokenStream, TokenStream) {
    let client = &p.client;
    let iface_doc = &p.doc;
    let port_type = &p.port_type;
    let transport = quote! { ::tandvard_runtime::transport::Transport };
    let https = quote! { ::tandvard_runtime::transport::HttpsTransport };
    let soap_client = quote! { ::tandvard_runtime::client::SoapClient };
    let fields = p.headers.iter().map(|h| {
        let f = &h.field;
        let ty = &h.element.ty;
        quote! { #f: Option<#ty> }
    });
    let field_inits: Vec<TokenStream> = p
        .headers
        .iter()
        .map(|h| {
            let f = &h.field;
            quote! { #f: None }
        })
        .collect();
    let field_clones = p.headers.iter().map(|h| {
        let f = &h.field;
        quote! { #f: self.#f.clone() }
    });
    let setters = p.headers.iter().map(|h| {
        let f = &h.field;
        let s = &h.setter;
        let ty = &h.element.ty;
        let doc = format!(
            " Sets the `{}` header block sent with every operation that declares it. Its \
             message id and time (and idempotency key and correlation id, when given per \
             call) are filled in per attempt.",
            h.element.q
        );
        quote! {
            #[doc = #doc]
            pub fn #s(mut self, header: #ty) -> Self {
                self.#f = Some(header);
                self
            }
        }
    });
    let (methods, blocking_methods) = operation_methods(p);
    let client_doc = format!(
        " Client of `{port_type}`: one method per operation, over a [`Transport`]({transport_path}) \
         ([`HttpsTransport`]({https_path}) by default).",
        transport_path = "tandvard_runtime::transport::Transport",
        https_path = "tandvard_runtime::transport::HttpsTransport",
    );
    let https_ctor = if p.has_endpoint {
        quote! {
            impl #client<#https> {
                /// A client for [`ENDPOINT`] over HTTPS with these TLS settings (client
                /// certificate, trusted CAs) and the default limits.
                pub fn https(
                    tls: ::tandvard_runtime::transport::TlsConfig,
                ) -> Result<Self, ::tandvard_runtime::transport::TransportError> {
                    Ok(Self::new(#https::new(tls)?))
                }
            }
        }
    } else {
        TokenStream::new()
    };
    let client_items = quote! {
        #[doc = #client_doc]
        ///
        #iface_doc
        pub struct #client<T: #transport = #https> {
            soap: #soap_client<T>,
            #(#fields,)*
        }

        impl<T: #transport> Clone for #client<T> {
            fn clone(&self) -> Self {
                Self {
                    soap: self.soap.clone(),
                    #(#field_clones,)*
                }
            }
        }

        impl<T: #transport> ::std::fmt::Debug for #client<T> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!(#client)).field("soap", &self.soap).finish_non_exhaustive()
            }
        }

        #https_ctor

        impl<T: #transport> #client<T> {
            /// A client for [`ENDPOINT`] over `transport`.
            pub fn new(transport: T) -> Self {
                Self::from_soap_client(#soap_client::new(transport, ENDPOINT))
            }

            /// A client on a configured [`SoapClient`](tandvard_runtime::client::SoapClient)
            /// (endpoint, retry policy, timeouts, limits).
            pub fn from_soap_client(soap: #soap_client<T>) -> Self {
                Self {
                    soap,
                    #(#field_inits,)*
                }
            }

            // soap_client, with_endpoint, with_retry_policy, with_timeout,
            // with_operation_timeout, with_max_response_size, with_call_options,
            // with_idempotency_key, with_correlation_id: the same for every interface.
            ::tandvard_runtime::__client_builders!();

            #(#setters)*

            #(#methods)*
        }
    };
    (client_items, blocking_client(p, &blocking_methods))
}

/// The async method of each operation, and its blocking twin.
fn operation_methods(p: &IfacePlan) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut methods = Vec::new();
    let mut blocking_methods = Vec::new();
    for op in &p.ops {
        let m = &op.method;
        let konst = &op.konst;
        let fault = &op.fault;
        let req = &op.request.ty;
        let doc = &op.doc;
        let mut lets = Vec::new();
        let mut refs = Vec::new();
        for (i, h) in op.headers.iter().enumerate() {
            let v = quote::format_ident!("h{}", i);
            let f = &h.field;
            let msg = format!(
                "the {} header block is not set: call {}::{} first",
                h.element.q,
                p.client,
                p.headers
                    .iter()
                    .find(|c| c.field == h.field)
                    .map(|c| c.setter.to_string())
                    .unwrap_or_default()
            );
            lets.push(quote! {
                let Some(#v) = self.#f.as_ref() else {
                    return Err(::tandvard_runtime::client::Error::Request(#msg.into()));
                };
            });
            refs.push(quote! { #v as &dyn ::tandvard_runtime::client::HeaderValue });
        }
        let (resp_ty, call) = match &op.response {
            Some(r) => {
                let ty = &r.ty;
                (
                    quote! { #ty },
                    quote! { self.soap.call(&#konst, &request, &[#(#refs),*]).await },
                )
            }
            None => (
                quote! { () },
                quote! { self.soap.call_one_way(&#konst, &request, &[#(#refs),*]).await },
            ),
        };
        methods.push(quote! {
            #doc
            pub async fn #m(&self, request: #req) -> Result<#resp_ty, ::tandvard_runtime::client::Error<#fault>> {
                #(#lets)*
                #call
            }
        });
        blocking_methods.push(quote! {
            #doc
            pub fn #m(&self, request: #req) -> Result<#resp_ty, ::tandvard_runtime::client::Error<#fault>> {
                self.runtime.run(self.client.#m(request))
            }
        });
    }
    (methods, blocking_methods)
}

/// The blocking client: the async client run on a private current-thread runtime.
fn blocking_client(p: &IfacePlan, blocking_methods: &[TokenStream]) -> TokenStream {
    let client = &p.client;
    let blocking = &p.blocking;
    let port_type = &p.port_type;
    let transport = quote! { ::tandvard_runtime::transport::Transport };
    let https = quote! { ::tandvard_runtime::transport::HttpsTransport };
    let blocking_doc = format!(
        " Blocking client of `{port_type}`, for programs without an async runtime: runs each \
         call of a [`{client}`] on a private current-thread runtime."
    );
    quote! {
        #[doc = #blocking_doc]
        pub struct #blocking<T: #transport = #https> {
            client: #client<T>,
            runtime: ::std::sync::Arc<::tandvard_runtime::blocking::BlockingRuntime>,
        }

        impl<T: #transport> #blocking<T> {
            /// Wraps a configured client (starts a private runtime).
            pub fn new(client: #client<T>) -> ::std::io::Result<Self> {
                Ok(Self {
                    client,
                    runtime: ::std::sync::Arc::new(::tandvard_runtime::blocking::BlockingRuntime::new()?),
                })
            }

            /// The async client inside.
            pub fn client(&self) -> &#client<T> {
                &self.client
            }

            #(#blocking_methods)*
        }
    }
}
