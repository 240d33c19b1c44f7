//! A blocking front for the async client, for programs without an async runtime: a small
//! current-thread tokio runtime runs each call to completion. Generated
//! `…BlockingClient`s are built on it.

use std::future::Future;

use crate::client::Error;

/// A private current-thread runtime that blocking clients run their calls on.
#[derive(Debug)]
pub struct BlockingRuntime {
    rt: tokio::runtime::Runtime,
}

impl BlockingRuntime {
    /// Starts the runtime (timers and I/O enabled).
    pub fn new() -> std::io::Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(BlockingRuntime { rt })
    }

    /// Runs a call to completion. Called from inside an async runtime (where blocking
    /// would stall it, and tokio would panic), it fails with [`Error::Request`] instead.
    pub fn run<T, F>(
        &self,
        call: impl Future<Output = Result<T, Error<F>>>,
    ) -> Result<T, Error<F>> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Request(
                "a blocking client was called from inside an async runtime; use the async \
                 client there"
                    .into(),
            ));
        }
        self.rt.block_on(call)
    }
}
