//! The TLS configuration: certificates verified against the system roots
//! (honouring SSL_CERT_FILE and SSL_CERT_DIR) plus `--cacert`, or not at all
//! with `--insecure`; and how to tell a TLS failure from a network one.

use std::path::Path;
use std::sync::Arc;

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

use crate::error::{Error, Result};

/// Whether a request failed in the TLS layer (a certificate, a handshake):
/// another attempt would fail the same way.
pub fn is_tls_failure(e: &reqwest::Error) -> bool {
    holds_rustls_error(e)
}

/// Whether a rustls error sits anywhere in the chain. An `io::Error`
/// wrapping another error hides it from `source()` (which skips to the
/// wrapped error's own source), and hyper wraps the TLS error in two of
/// them, so wrapped errors are looked into as well.
fn holds_rustls_error(e: &(dyn std::error::Error + 'static)) -> bool {
    if e.downcast_ref::<rustls::Error>().is_some() {
        return true;
    }
    if let Some(inner) = e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
        && holds_rustls_error(inner)
    {
        return true;
    }
    e.source().is_some_and(holds_rustls_error)
}

/// The rustls client configuration for `--cacert` and `--insecure`.
pub fn config(cacert: Option<&Path>, insecure: bool) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Usage(format!("TLS setup failed: {e}")))?;
    let mut config = if insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAll(provider)))
            .with_no_client_auth()
    } else {
        let mut roots = rustls::RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if let Some(path) = cacert {
            use rustls::pki_types::pem::PemObject;
            let certs: Vec<_> = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| {
                    Error::Usage(format!("cannot read --cacert {}: {e}", path.display()))
                })?;
            if certs.is_empty() {
                return Err(Error::Usage(format!(
                    "--cacert {} holds no PEM certificate",
                    path.display()
                )));
            }
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(Error::Usage(format!(
                    "--cacert {}: no usable certificate",
                    path.display()
                )));
            }
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// `--insecure`: accepts any certificate, but still checks signatures so
/// the handshake itself stays sound.
#[derive(Debug)]
struct AcceptAll(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAll {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
