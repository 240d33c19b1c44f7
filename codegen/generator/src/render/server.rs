//! The generated server side of one interface (`#[cfg(feature = "server")]`): a trait with
//! one method per operation (`<Interface>Service`), and `router(service)` that decodes
//! requests, calls the trait, and encodes responses and faults, so a mock or a test double
//! of the service is one `impl` and one line:
//!
//! ```ignore
//! tandvard_runtime::server::serve("127.0.0.1:8080", submit_claim_responder_interface::router(MyMock)).await
//! ```

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::IfacePlan;

/// Renders the server items of one interface (not gated: the caller puts them behind the
/// `server` feature).
pub(super) fn render(p: &IfacePlan) -> TokenStream {
    let service = &p.service;
    let port_type = &p.port_type;
    let soap_fault = quote! { ::tandvard_runtime::soap::SoapFault };
    let mut trait_methods = Vec::new();
    let mut routes = Vec::new();
    for op in &p.ops {
        let m = &op.method;
        let konst = &op.konst;
        let fault = &op.fault;
        let req = &op.request.ty;
        let doc = &op.server_doc;
        let Some(resp) = &op.response else {
            // One-way operations are served as request-response with an empty answer;
            // not generated (no such operation in the contracts).
            continue;
        };
        let resp_ty = &resp.ty;
        let params = op.headers.iter().map(|h| {
            let n = &h.param;
            let ty = &h.element.ty;
            quote! { #n: #ty }
        });
        trait_methods.push(quote! {
            #doc
            fn #m(
                &self,
                request: #req,
                #(#params,)*
                context: ::tandvard_runtime::server::RequestContext,
            ) -> impl ::std::future::Future<Output = Result<#resp_ty, #soap_fault<#fault>>> + Send;
        });
        let extract = op.headers.iter().map(|h| {
            let n = &h.param;
            let ty = &h.element.ty;
            quote! {
                let #n = match headers.required::<#ty, #fault>() {
                    Ok(h) => h,
                    Err(f) => return Err(f),
                };
            }
        });
        let args = op.headers.iter().map(|h| &h.param);
        let unused = if op.headers.is_empty() {
            quote! { let _ = headers; }
        } else {
            TokenStream::new()
        };
        routes.push(quote! {
            let s = service.clone();
            let router = router.operation_with_context(
                &#konst,
                path,
                move |request: #req, headers: ::tandvard_runtime::soap::Headers, context: ::tandvard_runtime::server::RequestContext| {
                    let s = s.clone();
                    async move {
                        #unused
                        #(#extract)*
                        s.#m(request, #(#args,)* context).await
                    }
                },
            );
        });
    }
    let trait_doc = format!(
        " The service side of `{port_type}`: implement it (one method per operation) and serve \
         it with [`router`](fn@router). Each method also gets the `RequestContext`: who is \
         calling (the verified client certificate's identity, under mutual TLS). Return a \
         business rejection as a response; return `Err(SoapFault)` (e.g. \
         `Err(detail.into())`) for a SOAP fault."
    );
    let iface_doc = &p.doc;
    quote! {
        #[doc = #trait_doc]
        ///
        #iface_doc
        pub trait #service: Send + Sync + 'static {
            #(#trait_methods)*
        }

        /// A router serving `service` at [`PATH`] (and at `/`), dispatching on the SOAP
        /// action and the payload element. Merge routers of several interfaces with
        /// `Router::merge`; serve with `tandvard_runtime::server::serve`.
        pub fn router<S: #service>(service: S) -> ::tandvard_runtime::server::Router {
            router_at(service, PATH)
        }

        /// Like [`router`](fn@router), at another path.
        pub fn router_at<S: #service>(service: S, path: &str) -> ::tandvard_runtime::server::Router {
            let service = ::std::sync::Arc::new(service);
            let router = ::tandvard_runtime::server::Router::new();
            #(#routes)*
            let _ = (&service, path);
            router
        }
    }
}
