//! TLS client configuration (rustls): CA file/directory or the system's roots, client
//! certificates, minimum version, cipher suites, ALPN, `--insecure` (no host-name check, as
//! mosquitto) and `--danger-accept-invalid-certs` (no check at all). File problems are usage
//! errors.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls::{
    self, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime},
};

use super::options::TlsOptions;
use super::version::TlsVersion;
use crate::error::io_reason;
use crate::error::usage;

/// Builds the rustls client configuration for these options.
pub fn client_config(opts: &TlsOptions) -> anyhow::Result<Arc<ClientConfig>> {
    let mut provider = rustls::crypto::ring::default_provider();
    if let Some(list) = &opts.ciphers {
        provider.cipher_suites = cipher_suites(&provider.cipher_suites, list)?;
    }
    let provider = Arc::new(provider);
    let versions: &[&rustls::SupportedProtocolVersion] = match opts.min_version {
        Some(TlsVersion::Tls13) => &[&rustls::version::TLS13],
        _ => &[&rustls::version::TLS12, &rustls::version::TLS13],
    };
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(|e| usage(format!("TLS setup failed: {e}")))?;

    let builder = if opts.accept_invalid_certs {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Lenient {
                chain: None,
                provider,
            }))
    } else if opts.insecure {
        let chain = rustls::client::WebPkiServerVerifier::builder_with_provider(
            Arc::new(roots(opts)?),
            provider.clone(),
        )
        .build()
        .map_err(|e| usage(format!("TLS setup failed: {e}")))?;
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Lenient {
                chain: Some(chain),
                provider,
            }))
    } else {
        builder.with_root_certificates(roots(opts)?)
    };

    let mut config = match (&opts.cert, &opts.key) {
        (Some(cert), Some(key)) => {
            let chain = load_certs(cert, "--cert")?;
            let key = load_key(key)?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| usage(format!("--cert/--key: {e}")))?
        }
        _ => builder.with_no_client_auth(),
    };
    if let Some(alpn) = &opts.alpn {
        config.alpn_protocols = vec![alpn.as_bytes().to_vec()];
    }
    Ok(Arc::new(config))
}

fn roots(opts: &TlsOptions) -> anyhow::Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    if let Some(file) = &opts.ca_file {
        for cert in load_certs(file, "--cafile")? {
            store
                .add(cert)
                .map_err(|e| usage(format!("--cafile {}: {e}", file.display())))?;
        }
    }
    if let Some(dir) = &opts.ca_path {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| usage(format!("--capath {}: {}", dir.display(), io_reason(&e))))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                // A CA directory also holds hash links and non-PEM files: take what parses.
                if let Ok(certs) = load_certs(&path, "--capath") {
                    let _ = store.add_parsable_certificates(certs);
                }
            }
        }
        if store.is_empty() {
            return Err(usage(format!(
                "--capath {}: no PEM certificates found",
                dir.display()
            )));
        }
    }
    if opts.os_certs {
        let found = rustls_native_certs::load_native_certs();
        store.add_parsable_certificates(found.certs);
    }
    if store.is_empty() {
        return Err(usage(
            "no CA certificates to verify the broker with (give --cafile or --capath)",
        ));
    }
    Ok(store)
}

fn load_certs(path: &Path, flag: &str) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let data = read(path, flag)?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut data.as_slice())
        .collect::<Result<_, _>>()
        .map_err(|e| {
            usage(format!(
                "{flag} {}: not a PEM certificate file ({e})",
                path.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(usage(format!(
            "{flag} {}: no PEM certificate found in the file",
            path.display()
        )));
    }
    Ok(certs)
}

fn load_key(path: &Path) -> anyhow::Result<PrivateKeyDer<'static>> {
    let data = read(path, "--key")?;
    rustls_pemfile::private_key(&mut data.as_slice())
        .map_err(|e| {
            usage(format!(
                "--key {}: not a PEM key file ({e})",
                path.display()
            ))
        })?
        .ok_or_else(|| {
            usage(format!(
                "--key {}: no PEM private key found in the file",
                path.display()
            ))
        })
}

fn read(path: &Path, flag: &str) -> anyhow::Result<Vec<u8>> {
    if path.is_dir() {
        return Err(usage(format!(
            "{flag} {}: is a directory, not a file",
            path.display()
        )));
    }
    std::fs::read(path).map_err(|e| usage(format!("{flag} {}: {}", path.display(), io_reason(&e))))
}

/// The server name to verify: a DNS name or an IP address.
pub fn server_name(host: &str) -> anyhow::Result<ServerName<'static>> {
    ServerName::try_from(host.to_string())
        .map_err(|_| usage(format!("'{host}' is not a valid TLS server name")))
}

/// OpenSSL's names for the TLS 1.2 suites rustls speaks (mosquitto passes `--ciphers` to
/// OpenSSL, so scripts use these), with the IANA names rustls knows them by.
const OPENSSL_NAMES: [(&str, &str); 6] = [
    (
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    ),
    (
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    ),
    (
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    ),
    (
        "ECDHE-RSA-AES128-GCM-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    ),
    (
        "ECDHE-RSA-AES256-GCM-SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    ),
    (
        "ECDHE-RSA-CHACHA20-POLY1305",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ),
];

/// `--ciphers LIST`: the TLS 1.2 suites named in the colon-separated list, in the provider's
/// order, plus every TLS 1.3 suite (mosquitto's `--ciphers` is OpenSSL's TLS 1.2 list too).
/// An unknown name is a usage error listing the names that work.
fn cipher_suites(
    all: &[rustls::SupportedCipherSuite],
    list: &str,
) -> anyhow::Result<Vec<rustls::SupportedCipherSuite>> {
    let iana = |s: &rustls::SupportedCipherSuite| s.suite().as_str().unwrap_or_default();
    let mut wanted = Vec::new();
    for name in list.split([':', ',', ' ']).filter(|n| !n.is_empty()) {
        let name = OPENSSL_NAMES
            .iter()
            .find(|(openssl, _)| openssl.eq_ignore_ascii_case(name))
            .map_or(name, |(_, iana)| iana);
        let known = all
            .iter()
            .any(|s| s.tls13().is_none() && iana(s).eq_ignore_ascii_case(name));
        if !known {
            let names: Vec<&str> = OPENSSL_NAMES.iter().map(|(n, _)| *n).collect();
            return Err(usage(format!(
                "--ciphers: unknown or unsupported TLS 1.2 cipher suite '{name}' (supported: {})",
                names.join(":")
            )));
        }
        wanted.push(name.to_ascii_uppercase());
    }
    if wanted.is_empty() {
        return Err(usage("--ciphers: no cipher suite named"));
    }
    Ok(all
        .iter()
        .filter(|s| s.tls13().is_some() || wanted.iter().any(|w| w == iana(s)))
        .copied()
        .collect())
}

/// The two lenient certificate checks. `--insecure`, as in mosquitto (`chain` set): the
/// certificate chain is verified as usual, but a certificate that does not name the host is
/// accepted. `--danger-accept-invalid-certs` (no `chain`): any certificate is accepted. Both
/// still check the handshake signatures, so the session keys are real.
#[derive(Debug)]
struct Lenient {
    chain: Option<Arc<rustls::client::WebPkiServerVerifier>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        // webpki checks the name last, after the chain, dates and revocation: a name error
        // means everything else passed.
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
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
            &self.provider.signature_verification_algorithms,
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
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A TLS failure in words: hostname mismatches name both names.
pub fn describe_error(err: &std::io::Error, host: &str) -> String {
    let inner = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>());
    match inner {
        Some(rustls::Error::InvalidCertificate(
            rustls::CertificateError::NotValidForNameContext {
                expected,
                presented,
            },
        )) => format!(
            "the broker's certificate is not valid for '{}' (it names: {})",
            expected.to_str(),
            presented
                .iter()
                .map(|n| plain_name(n))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName)) => {
            format!("the broker's certificate is not valid for '{host}'")
        }
        Some(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)) => {
            "the broker's certificate is signed by an unknown CA (check --cafile)".to_string()
        }
        Some(e) => e.to_string(),
        None => io_reason(err),
    }
}

/// webpki lists the certificate's names in their Debug form (`DnsName("x")`,
/// `IpAddress(127.0.0.1)`); users want just the name.
fn plain_name(debug: &str) -> &str {
    debug
        .strip_prefix("DnsName(\"")
        .and_then(|n| n.strip_suffix("\")"))
        .or_else(|| {
            debug
                .strip_prefix("IpAddress(")
                .and_then(|n| n.strip_suffix(')'))
        })
        .unwrap_or(debug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciphers_take_openssl_and_iana_names() {
        let all = rustls::crypto::ring::default_provider().cipher_suites;
        let tls13 = all.iter().filter(|s| s.tls13().is_some()).count();
        let picked = cipher_suites(&all, "ECDHE-RSA-AES128-GCM-SHA256").unwrap();
        assert_eq!(picked.len(), tls13 + 1);
        let picked = cipher_suites(
            &all,
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:ecdhe-ecdsa-chacha20-poly1305",
        )
        .unwrap();
        assert_eq!(picked.len(), tls13 + 2);
        for bad in ["RC4-SHA", "HIGH", ""] {
            let err = cipher_suites(&all, bad).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 2, "{bad}");
        }
    }

    #[test]
    fn certificate_names_are_shown_plain() {
        assert_eq!(plain_name("DnsName(\"broker.example\")"), "broker.example");
        assert_eq!(plain_name("IpAddress(127.0.0.1)"), "127.0.0.1");
        assert_eq!(plain_name("DirectoryName"), "DirectoryName");
    }
}
