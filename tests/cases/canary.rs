//! A canary token pushed through every failure path never appears in
//! stdout, stderr or any file written (`docs/failures.md`: secrets).

use base64::Engine;

use super::common::*;

const CANARY_ID: &str = "MAGCANARY01";
/// Odd characters on purpose: `; # @ : / % ?` must not confuse URL handling.
const CANARY: &str = "canarytok_7f3a;#@:/%?x9";

fn canary_forms() -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{CANARY_ID}:{CANARY}"));
    let pct: String = percent(CANARY);
    vec![CANARY.to_string(), b64, pct, "canarytok_7f3a".to_string()]
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn canary_env(cfg: Config) -> Env {
    let mut cfg = cfg;
    cfg.accounts
        .push((CANARY_ID.to_string(), CANARY.to_string(), true));
    Env::with(cfg)
}

/// Runs magedl with the canary credentials and asserts that no form of the
/// token is in any output or written file. Returns the exit code.
fn assert_no_leak(env: &Env, args: &[&str]) -> i32 {
    let out = env
        .anon()
        .env("MAGE_ID", CANARY_ID)
        .env("MAGE_TOKEN", CANARY)
        .env("RUST_LOG", "trace")
        .args([
            "-vv",
            "--retries",
            "1",
            "--timeout",
            "2",
            "--progress",
            "line",
        ])
        .args(args)
        .output()
        .unwrap();
    let mut seen = format!("{}\n{}", stdout(&out), stderr(&out));
    for (path, bytes) in all_files(env.work())
        .into_iter()
        .chain(all_files(env.home.path()))
    {
        seen.push_str(&format!("\n{}\n", path.display()));
        seen.push_str(&String::from_utf8_lossy(&bytes));
    }
    for form in canary_forms() {
        assert!(
            !seen.contains(&form),
            "{form:?} leaked with {args:?}:\n{seen}"
        );
    }
    out.status.code().unwrap_or(-1)
}

#[test]
fn the_canary_works_and_reaches_the_server_exactly() {
    let env = canary_env(Config::default());
    let code = assert_no_leak(&env, &["download", "Magento-CE-2.4.2.tar.gz", "--json"]);
    assert_eq!(code, 0);
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CANARY_ID}:{CANARY}"))
    );
    assert!(
        env.srv
            .requests()
            .iter()
            .all(|r| r.authorization_value.as_deref() == Some(want.as_str()))
    );
}

#[test]
fn the_canary_never_leaks_on_refusals_and_server_errors() {
    for (auth_fail, code) in [(AuthFail::Status401, 3), (AuthFail::Status403, 3)] {
        let env = canary_env(Config {
            auth_fail,
            ..Config::default()
        });
        assert_eq!(
            assert_no_leak(&env, &["download", "Magento-CE-2.4.2.tar.gz"]),
            code
        );
        assert_eq!(assert_no_leak(&env, &["list"]), code);
    }
    let env = canary_env(Config::default());
    assert_eq!(assert_no_leak(&env, &["download", "no-such-file.zip"]), 5);
    let env = canary_env(Config {
        status_sequence: vec![(500, None); 10],
        ..Config::default()
    });
    assert_eq!(
        assert_no_leak(&env, &["download", "Magento-CE-2.4.2.tar.gz"]),
        1
    );
    let env = canary_env(Config {
        corrupt: true,
        ..Config::default()
    });
    assert_eq!(
        assert_no_leak(&env, &["download", "Magento-CE-2.4.2.tar.gz"]),
        4
    );
}

#[test]
fn the_canary_never_leaks_on_timeouts_tls_and_refused_connections() {
    let env = canary_env(Config {
        stall_after: Some(0),
        stall_for_ms: 5000,
        stall_times: 10,
        ..Config::default()
    });
    assert_eq!(
        assert_no_leak(&env, &["download", "Magento-CE-2.4.2.tar.gz"]),
        1
    );

    let env = canary_env(Config {
        tls: true,
        ..Config::default()
    });
    assert_eq!(assert_no_leak(&env, &["list"]), 1);

    // Connection refused: a port nobody listens on.
    let env = canary_env(Config::default());
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{closed}/products/downloads/");
    assert_eq!(assert_no_leak(&env, &["--endpoint", &url, "list"]), 1);
    assert_eq!(
        assert_no_leak(&env, &["--endpoint", &url, "download", "x.zip"]),
        1
    );
}

#[test]
fn the_canary_never_leaks_on_bad_flags_or_a_killed_download() {
    let env = canary_env(Config::default());
    assert_eq!(assert_no_leak(&env, &["download", "--jobs", "0", "x"]), 2);
    assert_eq!(
        assert_no_leak(&env, &["--token", CANARY, "list", "--bogus"]),
        2
    );
    // A transfer that keeps breaking leaves a resume record: it must hold
    // no secret. (Progress resets the retry budget, so break at byte 0.)
    let env = canary_env(Config {
        extra_files: vec![FileSpec::generated("big.bin", 3 << 20, 7)],
        truncate_at: Some(0),
        truncate_times: 100,
        ..Config::default()
    });
    assert_eq!(assert_no_leak(&env, &["download", "big.bin", "-s", "1"]), 1);
    assert!(record(env.work(), "big.bin").exists());
}
