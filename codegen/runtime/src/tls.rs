//! TLS helpers shared by the client and the server: PEM parsing, the crypto provider
//! (rustls with *ring*), and the error type.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};

/// A TLS configuration problem: unreadable PEM or PKCS#12, wrong password, no key, no
/// trusted roots.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("TLS configuration: {0}")]
pub struct TlsError(pub String);

/// The crypto provider used everywhere (rustls on *ring*).
pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Parses every certificate in a PEM bundle (at least one is required).
pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError(format!("PEM certificates: {e}")))?;
    if certs.is_empty() {
        return Err(TlsError("no CERTIFICATE block in the PEM data".into()));
    }
    Ok(certs)
}

/// Parses the first private key in PEM data (PKCS#8, PKCS#1 or SEC1).
pub fn private_key_from_pem(pem: &[u8]) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| TlsError(format!("PEM private key: {e}")))
}

/// Parses every certificate revocation list in PEM data (`X509 CRL` blocks; at least one).
pub fn crls_from_pem(pem: &[u8]) -> Result<Vec<CertificateRevocationListDer<'static>>, TlsError> {
    let crls = CertificateRevocationListDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError(format!("PEM CRLs: {e}")))?;
    if crls.is_empty() {
        return Err(TlsError("no X509 CRL block in the PEM data".into()));
    }
    Ok(crls)
}
