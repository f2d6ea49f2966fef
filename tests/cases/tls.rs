//! Certificates are verified: a test CA is refused until trusted with
//! --cacert or SSL_CERT_FILE; --insecure works and warns.

use super::common::*;

fn tls_env() -> Env {
    Env::with(Config {
        tls: true,
        ..Config::default()
    })
}

#[test]
fn an_unknown_ca_is_refused_and_nothing_is_written() {
    let env = tls_env();
    let out = env
        .ee()
        .args(["--retries", "0", "download", "Magento-CE-2.4.2.tar.gz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.to_lowercase().contains("certificate") || err.contains("TLS"),
        "{err}"
    );
    assert!(
        all_files(env.work())
            .iter()
            .all(|(p, _)| !p.to_string_lossy().contains("Magento"))
    );
}

#[test]
fn cacert_makes_the_test_ca_trusted() {
    let env = tls_env();
    let ca = env.srv.ca_pem_path().unwrap();
    let out = env
        .ee()
        .arg("--cacert")
        .arg(&ca)
        .args(["list", "--format", "names"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 13);
}

#[test]
fn ssl_cert_file_is_honoured() {
    let env = tls_env();
    let ca = env.srv.ca_pem_path().unwrap();
    let out = env
        .ee()
        .env("SSL_CERT_FILE", &ca)
        .args(["download", "-q", "Magento-CE-2.4.2.tar.gz"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(env.work().join("Magento-CE-2.4.2.tar.gz").exists());
}

#[test]
fn insecure_skips_verification_with_a_warning() {
    let env = tls_env();
    let out = env.ok(&["--insecure", "info", "versions"]);
    assert!(stderr(&out).contains("NOT verified"));
}

#[test]
fn an_unreadable_cacert_is_a_usage_error() {
    let env = tls_env();
    let out = env
        .ee()
        .args(["--cacert", "/nonexistent/ca.pem", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_rejected_certificate_is_not_retried_and_names_cacert() {
    let env = tls_env();
    let out = env.ee().args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--cacert"), "{err}");
    assert!(!err.contains("falling back"), "{err}");
    assert_eq!(env.srv.tls_failures(), 1, "one handshake, no retry: {err}");
}
