//! Credential sources and their order, refusals, and the no-prompt path.

use std::time::{Duration, Instant};

use super::common::*;

/// The Authorization values the double received for info requests.
fn auths(env: &Env) -> Vec<String> {
    env.srv
        .requests()
        .into_iter()
        .filter_map(|r| r.authorization_value)
        .collect()
}

#[test]
fn environment_credentials_are_sent_as_basic_auth() {
    let env = Env::new();
    let out = env.ee().args(["info", "help"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(auths(&env), [basic(EE_USER, EE_TOKEN)]);
}

#[test]
fn flags_beat_the_environment() {
    let env = Env::new();
    let token_file = env.home.path().join("token");
    std::fs::write(&token_file, format!("{CE_TOKEN}\nsecond line ignored\n")).unwrap();
    let out = env
        .ee()
        .args(["--mage-id", CE_USER, "--token-file"])
        .arg(&token_file)
        .args(["info", "help"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(auths(&env), [basic(CE_USER, CE_TOKEN)]);
}

#[test]
fn token_file_dash_reads_standard_input() {
    let env = Env::new();
    let out = env
        .anon()
        .args(["--mage-id", CE_USER, "--token-file", "-", "info", "help"])
        .write_stdin(format!("  {CE_TOKEN}  \n"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(auths(&env), [basic(CE_USER, CE_TOKEN)]);
}

#[test]
fn token_flag_works_with_a_process_list_warning() {
    let env = Env::new();
    let out = env
        .anon()
        .args(["--mage-id", CE_USER, "--token", CE_TOKEN, "info", "help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("warning") && err.contains("process list"),
        "{err}"
    );
    assert!(!err.contains(CE_TOKEN));
}

#[test]
fn netrc_is_used_per_value_after_env() {
    let env = Env::new();
    let netrc = env.home.path().join(".netrc");
    std::fs::write(
        &netrc,
        format!("machine other.example login X password Y\nmachine 127.0.0.1 login {CE_USER} password {CE_TOKEN}\n"),
    )
    .unwrap();
    // ~/.netrc (HOME is the sandbox)
    let out = env.anon().args(["info", "help"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(auths(&env), [basic(CE_USER, CE_TOKEN)]);
    // MAGE_TOKEN wins over the netrc password; the login still comes from netrc
    env.srv.clear_requests();
    let out = env
        .anon()
        .env("MAGE_TOKEN", EE_TOKEN)
        .args(["info", "help"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "a CE login with the EE token is refused"
    );
    assert_eq!(auths(&env), [basic(CE_USER, EE_TOKEN)]);
    // NETRC points elsewhere
    let other = env.home.path().join("other-netrc");
    std::fs::write(
        &other,
        format!("default login {EE_USER} password {EE_TOKEN}\n"),
    )
    .unwrap();
    env.srv.clear_requests();
    let out = env
        .anon()
        .env("NETRC", &other)
        .args(["info", "help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(auths(&env), [basic(EE_USER, EE_TOKEN)]);
}

/// A netrc as people write it for curl: comment lines, a trailing comment,
/// the token in double quotes, tokens spread over lines.
#[test]
fn a_netrc_with_comments_and_a_quoted_token_authenticates() {
    let env = Env::new();
    std::fs::write(
        env.home.path().join(".netrc"),
        format!(
            "# Magento downloads\n  # (the test double)\nmachine 127.0.0.1 # local\n  \
             login {CE_USER}\n  password \"{CE_TOKEN}\" # quoted, as curl allows\n"
        ),
    )
    .unwrap();
    let out = env.anon().args(["info", "help"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        auths(&env),
        [basic(CE_USER, CE_TOKEN)],
        "the token unquoted"
    );
}

/// A `macdef` body is a macro for ftp, not entries: a `machine` line in it
/// for the endpoint's host supplies nothing; entries resume after the
/// empty line that ends it.
#[test]
fn a_macdef_body_supplies_no_credentials() {
    let env = Env::new();
    let only_macro = env.home.path().join("only-macro");
    std::fs::write(
        &only_macro,
        format!(
            "machine other.example login X password Y\nmacdef init\n\
             machine 127.0.0.1 login {EE_USER} password {EE_TOKEN}\n\n"
        ),
    )
    .unwrap();
    let out = env
        .anon()
        .env("NETRC", &only_macro)
        .args(["info", "help"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(auths(&env), Vec::<String>::new(), "asked anonymously");

    let after_macro = env.home.path().join("after-macro");
    std::fs::write(
        &after_macro,
        format!(
            "macdef init\nmachine 127.0.0.1 login {EE_USER} password {EE_TOKEN}\n\n\
             machine 127.0.0.1 login {CE_USER} password {CE_TOKEN}\n"
        ),
    )
    .unwrap();
    env.srv.clear_requests();
    let out = env
        .anon()
        .env("NETRC", &after_macro)
        .args(["info", "help"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(auths(&env), [basic(CE_USER, CE_TOKEN)]);
}

/// `default` answers for any host no `machine` names; a machine that
/// matches wins over it even after it (as in Python; curl would stop at a
/// `default` that comes first).
#[test]
fn the_default_entry_is_used_when_no_machine_matches() {
    let env = Env::new();
    let netrc = env.home.path().join(".netrc");
    std::fs::write(
        &netrc,
        format!(
            "machine other.example login X password Y\n\
             default login {EE_USER} password {EE_TOKEN}\n"
        ),
    )
    .unwrap();
    let out = env.anon().args(["info", "help"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(auths(&env), [basic(EE_USER, EE_TOKEN)]);

    std::fs::write(
        &netrc,
        format!(
            "default login {EE_USER} password {EE_TOKEN}\n\
             machine 127.0.0.1 login {CE_USER} password {CE_TOKEN}\n"
        ),
    )
    .unwrap();
    env.srv.clear_requests();
    let out = env.anon().args(["info", "help"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(auths(&env), [basic(CE_USER, CE_TOKEN)]);
}

/// A malformed file names its line but never quotes it: the line may hold
/// the token.
#[test]
fn a_malformed_netrc_names_the_line_not_the_text() {
    let env = Env::new();
    let netrc = env.home.path().join(".netrc");
    std::fs::write(
        &netrc,
        format!("machine 127.0.0.1 login {CE_USER}\npassword \"{CE_TOKEN}\n"),
    )
    .unwrap();
    let out = env.anon().args(["info", "help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "netrc file {} is malformed (line 2)",
            netrc.display()
        )),
        "{err}"
    );
    assert!(!err.contains(CE_TOKEN) && !err.contains(CE_USER), "{err}");
    assert!(env.srv.requests().is_empty(), "nothing was sent");
}

#[test]
fn a_pasted_userinfo_url_works_with_a_warning_and_is_never_shown() {
    let env = Env::new();
    let base = env.srv.base_url();
    let pasted = base.replacen("http://", &format!("http://{CE_USER}:{CE_TOKEN}@"), 1);
    let out = env
        .anon()
        .env_remove("MAGEDL_ENDPOINT")
        .args(["--endpoint", &pasted, "url"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(stderr(&out).contains("warning"));
    assert!(stdout(&out).contains(&format!("{CE_USER}:***@")));
    assert!(!format!("{}{}", stdout(&out), stderr(&out)).contains(CE_TOKEN));
}

#[test]
fn no_credentials_for_the_real_endpoint_exits_2_fast_without_prompting() {
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = bare(home.path(), home.path())
        .args(["list"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for way in [
        "--mage-id",
        "--token-file",
        "MAGE_ID",
        "MAGE_TOKEN",
        "netrc",
    ] {
        assert!(err.contains(way), "{way} not named: {err}");
    }
    assert!(!err.contains("token: "), "no prompt text: {err}");
}

#[test]
fn a_mirror_without_credentials_is_asked_anonymously() {
    let env = Env::with(Config {
        require_auth: false,
        ..Config::default()
    });
    let out = env
        .anon()
        .args(["list", "--format", "names"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(env.srv.requests().iter().all(|r| !r.authorization));
}

#[test]
fn wrong_credentials_exit_3_with_a_hint() {
    let env = Env::new();
    let out = env
        .anon()
        .env("MAGE_ID", CE_USER)
        .env("MAGE_TOKEN", "0000000000000000000000000000000000000000")
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("401"), "{err}");
    assert!(err.contains("hint") && err.contains("token"), "{err}");
}

#[test]
fn an_ee_file_on_a_ce_account_exits_3_with_the_entitlement_hint() {
    let env = Env::new();
    let out = env
        .ce()
        .args(["download", "Magento-EE-2.0.4.zip"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("403"), "{err}");
    assert!(err.contains("invoice"), "{err}");
    assert!(!env.work().join("Magento-EE-2.0.4.zip").exists());
    assert!(!part(env.work(), "Magento-EE-2.0.4.zip").exists());
}

#[test]
fn credentials_are_refused_over_plain_http_to_a_remote_host() {
    let home = tempfile::tempdir().unwrap();
    let out = bare(home.path(), home.path())
        .env("MAGE_ID", "X")
        .env("MAGE_TOKEN", "secret-canary-value")
        .args([
            "--endpoint",
            "http://mirror.invalid/products/downloads/",
            "list",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("plain http"));
    assert!(!stderr(&out).contains("secret-canary-value"));
}

/// Runs magedl under `script(1)` so it has a terminal; answers each prompt
/// only once it has appeared (typing earlier would echo the token).
fn run_in_terminal(env: &Env, args: &str, answers: &[(&str, &str)]) -> (String, i32) {
    use std::io::{Read, Write};
    let mut child = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("'{}' {args}", bin().display()),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.home.path())
        .env("MAGEDL_ENDPOINT", env.srv.base_url())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    for (prompt, answer) in answers {
        while !seen.contains(prompt) {
            let n = stdout.read(&mut buf).unwrap();
            assert!(n > 0, "no prompt `{prompt}`: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        std::thread::sleep(Duration::from_millis(100));
        stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
    }
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    seen.push_str(&rest);
    let code = child.wait().unwrap().code().unwrap_or(-1);
    (seen, code)
}

#[test]
fn on_a_terminal_a_missing_token_is_asked_for_without_echo() {
    let env = Env::new();
    let (screen, code) = run_in_terminal(
        &env,
        &format!("--mage-id {CE_USER} info help"),
        &[("Download access token: ", CE_TOKEN)],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(CE_TOKEN), "the token was echoed: {screen}");
    assert!(screen.contains("Downloads Usage:"));
    assert_eq!(auths(&env), [basic(CE_USER, CE_TOKEN)]);
}

#[test]
fn a_401_says_whether_credentials_were_sent() {
    let env = Env::new();
    let out = env.anon().args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("none were sent"), "{}", stderr(&out));
    let out = env
        .anon()
        .env("MAGE_ID", CE_USER)
        .env("MAGE_TOKEN", "wrong-token-1234")
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refused the credentials"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn ctrl_c_at_the_prompt_ends_the_process_with_130() {
    use std::io::{Read, Write};
    let env = Env::new();
    let mut child = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("'{}' --mage-id {CE_USER} info help", bin().display()),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.home.path())
        .env("MAGEDL_ENDPOINT", env.srv.base_url())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("Download access token: ") {
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "no prompt: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    std::thread::sleep(Duration::from_millis(100));
    // The terminal turns ^C into SIGINT for the process at the prompt.
    stdin.write_all(b"\x03").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("Ctrl-C at the prompt did not end the process: {seen}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(stdin);
    assert_eq!(code, Some(130), "{seen}");
    assert!(
        env.srv.requests().is_empty(),
        "nothing was asked of the server"
    );
}
