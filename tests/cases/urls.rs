//! `magedl url`: masking, --show-token, percent-encoding.

use super::common::*;

fn url_of(env: &Env, path: &str) -> String {
    let out = env.ok(&["url", path]);
    stdout(&out).trim().to_string()
}

#[test]
fn url_masks_the_token_by_default() {
    let env = Env::new();
    let out = env.ee().arg("url").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    let port = env.srv.port();
    assert_eq!(
        text,
        format!("http://{EE_USER}:***@127.0.0.1:{port}/products/downloads/info/help\n")
    );
    assert!(!text.contains(EE_TOKEN));
    assert!(!stderr(&out).contains(EE_TOKEN));
}

#[test]
fn url_shows_the_token_only_when_asked() {
    let env = Env::new();
    let out = env.ok(&["url", "--show-token", "info/files"]);
    assert!(stdout(&out).contains(&format!("{EE_USER}:{EE_TOKEN}@")));
}

#[test]
fn url_refuses_paths_that_leave_the_endpoint() {
    let env = Env::new();
    let out = env.ee().args(["url", "../../etc"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
}

#[test]
fn url_percent_encodes_file_names() {
    let env = Env::new();
    let u = url_of(&env, "file/Magento-CE-2.0.2+sample_data.zip");
    assert!(
        u.ends_with("/file/Magento-CE-2.0.2%2Bsample_data.zip"),
        "{u}"
    );
    let u = url_of(&env, "file/a b%#?@:c");
    assert!(u.ends_with("/file/a%20b%25%23%3F%40%3Ac"), "{u}");
    let u = url_of(&env, "file/dir/x y.zip");
    assert!(u.ends_with("/file/dir/x%20y.zip"), "{u}");
}

#[test]
fn url_of_the_real_endpoint_needs_no_network() {
    let home = tempfile::tempdir().unwrap();
    let out = bare(home.path(), home.path())
        .env("MAGE_ID", "MAG123")
        .env("MAGE_TOKEN", "secret-token-value")
        .args(["url", "info/filter/version/2.4.*"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "https://MAG123:***@www.magentocommerce.com/products/downloads/info/filter/version/2.4.*\n"
    );
}

#[test]
fn an_encoded_name_reaches_the_server_and_downloads() {
    let env = Env::new();
    env.ok(&["download", "Magento-CE-2.0.2+sample_data.zip", "-q"]);
    let reqs = env.file_requests();
    assert!(
        reqs.iter()
            .any(|r| r.path.ends_with("/file/Magento-CE-2.0.2%2Bsample_data.zip"))
    );
    assert_eq!(
        std::fs::read(env.work().join("Magento-CE-2.0.2+sample_data.zip")).unwrap(),
        b"MAGENTO-DOWNLOADS-FIXTURE Magento-CE-2.0.2+sample_data.zip\n"
    );
}
