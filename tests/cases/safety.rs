//! Hostile names, planted links, server-chosen names, redirects that must
//! not carry credentials, no Referer, and the directory lock.

use std::time::{Duration, Instant};

use super::common::*;

const MIB: u64 = 1 << 20;

#[test]
fn hostile_catalog_names_are_refused_and_nothing_escapes() {
    let hostile = [
        "../escape.sh",
        ".bashrc",
        "-rf",
        "a\\b",
        "x\u{1b}[2Jy",
        "/abs.sh",
        "ok/../../up",
    ];
    let files = hostile
        .iter()
        .enumerate()
        .map(|(i, n)| FileSpec::bytes(n, vec![b'A' + i as u8; 10]))
        .collect();
    let env = Env::with(Config {
        extra_files: files,
        ..Config::default()
    });
    let outside = env.home.path().join("escape.sh");
    std::fs::write(&outside, b"sentinel").unwrap();
    let sub = env.work().join("out");
    let out = env
        .ee()
        .args(["download", "--version", "9.9.9", "-o"])
        .arg(&sub)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("refusing file name"), "{err}");
    assert!(!err.contains('\u{1b}'), "names are shown escaped: {err:?}");
    assert_eq!(std::fs::read(&outside).unwrap(), b"sentinel");
    for (path, _) in all_files(env.work()) {
        assert!(path.starts_with(&sub), "{} escaped", path.display());
        assert!(!path.to_string_lossy().contains("bashrc"));
    }
    // The listing shows them escaped too.
    let out = env
        .ee()
        .args(["list", "--version", "9.9.9"])
        .output()
        .unwrap();
    assert!(!stdout(&out).contains('\u{1b}'));
    assert!(stdout(&out).contains("x\\u{1b}[2Jy"));
}

#[test]
fn a_slash_in_a_catalog_name_maps_to_a_subdirectory() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::bytes(
            "patches/deep name.sh",
            b"#!/bin/sh\n".to_vec(),
        )],
        ..Config::default()
    });
    env.ok(&["download", "-q", "patches/deep name.sh"]);
    assert_eq!(
        std::fs::read(env.work().join("patches/deep name.sh")).unwrap(),
        b"#!/bin/sh\n"
    );
    assert!(
        env.file_requests()[0]
            .path
            .ends_with("/file/patches/deep%20name.sh")
    );
}

#[test]
fn a_subdirectory_planted_as_a_symlink_fails_its_file_and_is_not_written_through() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::bytes("patches/x.sh", b"#!/bin/sh\n".to_vec())],
        ..Config::default()
    });
    let elsewhere = env.home.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, env.work().join("patches")).unwrap();
    let out = env.download(&["patches/x.sh", "Magento-CE-2.4.2.tar.gz"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a plain directory"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    env.assert_identical("Magento-CE-2.4.2.tar.gz");
}

#[test]
fn planted_symlinks_and_hard_links_are_never_written_through() {
    let env = Env::new();
    let name = "Magento-CE-2.4.2.tar.gz";
    let sentinel = env.home.path().join("sentinel");
    std::fs::write(&sentinel, b"precious").unwrap();
    std::os::unix::fs::symlink(&sentinel, part(env.work(), name)).unwrap();
    std::os::unix::fs::symlink(&sentinel, env.work().join(name)).unwrap();
    let linked = env.home.path().join("sentinel2");
    std::fs::write(&linked, b"precious2").unwrap();
    let other = "Magento-CE-2.4.2_sample_data.zip";
    std::fs::hard_link(&linked, part(env.work(), other)).unwrap();
    std::fs::write(
        record(env.work(), other),
        r#"{"format":1,"size":59,"etag":null,"last_modified":null,"segments":[{"span":{"start":0,"end":59},"done":3}]}"#,
    )
    .unwrap();
    env.ok(&["download", "-q", name, other]);
    assert_eq!(std::fs::read(&sentinel).unwrap(), b"precious");
    assert_eq!(std::fs::read(&linked).unwrap(), b"precious2");
    let meta = std::fs::symlink_metadata(env.work().join(name)).unwrap();
    assert!(
        meta.file_type().is_file(),
        "the link was replaced, not followed"
    );
    assert_eq!(
        std::fs::read(env.work().join(name)).unwrap(),
        env.srv.file_bytes(name).unwrap()
    );
}

#[test]
fn content_disposition_and_redirect_targets_never_name_the_file() {
    let env = Env::with(Config {
        content_disposition: Some("attachment; filename=\"../../.bashrc\"".into()),
        redirect: Redirect::SameOrigin,
        ..Config::default()
    });
    env.ok(&["download", "-q", "Magento-CE-2.4.2.tar.gz"]);
    let names: Vec<String> = all_files(env.work())
        .into_iter()
        .filter(|(p, _)| !p.starts_with(env.work().join(".magedl")))
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["Magento-CE-2.4.2.tar.gz"]);
    assert!(!env.home.path().join(".bashrc").exists());
}

#[test]
fn a_cross_origin_redirect_never_receives_authorization_even_on_segments_and_retries() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("x.bin", 20 * MIB, 21)],
        redirect: Redirect::CrossOrigin,
        // Inside the first piece, so both the first answer and a range
        // request break and are retried across the redirect.
        truncate_at: Some(MIB / 2),
        truncate_times: 2,
        ..Config::default()
    });
    env.ok(&["download", "-q", "x.bin", "-s", "4"]);
    assert_eq!(
        std::fs::read(env.work().join("x.bin")).unwrap(),
        env.srv.file_bytes("x.bin").unwrap()
    );
    let reqs = env.srv.requests();
    let second: Vec<_> = reqs
        .iter()
        .filter(|r| r.listener == Listener::Second)
        .collect();
    assert!(second.len() >= 4, "{second:?}");
    assert!(
        second.iter().all(|r| !r.authorization),
        "credentials leaked to another origin"
    );
    assert!(
        second.iter().any(|r| r.range.is_some()),
        "Range travels across the redirect"
    );
    assert!(
        reqs.iter().all(|r| r.referer.is_none()),
        "no Referer at all"
    );
    let first: Vec<_> = reqs
        .iter()
        .filter(|r| r.listener == Listener::Main && r.path.contains("/file/"))
        .collect();
    assert!(first.iter().all(|r| r.authorization));
}

#[test]
fn a_redirect_from_https_to_http_is_refused_before_any_byte_is_sent() {
    let plain = Server::start(Config::default());
    let target = format!("{}file/Magento-CE-2.4.2.tar.gz", plain.base_url());
    let env = Env::with(Config {
        tls: true,
        redirect: Redirect::To(target),
        ..Config::default()
    });
    let ca = env.srv.ca_pem_path().unwrap();
    let out = env
        .ee()
        .arg("--cacert")
        .arg(&ca)
        .args(["download", "Magento-CE-2.4.2.tar.gz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("https to plain http"),
        "{}",
        stderr(&out)
    );
    assert!(plain.requests().is_empty());
}

#[test]
fn a_second_run_on_the_same_directory_is_busy_or_waits() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("l.bin", 4 * MIB, 22)],
        throttle_bps: Some(2 * MIB),
        ..Config::default()
    });
    let mut first = env.spawn_ee(&["download", "-q", "l.bin"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !part(env.work(), "l.bin").exists() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = env.download(&["Magento-CE-2.4.2.tar.gz"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("busy"));
    let out = env.download(&["-q", "--wait", "Magento-CE-2.4.2.tar.gz"]);
    assert!(out.status.success());
    assert!(first.wait().unwrap().success());
    assert!(env.work().join("l.bin").exists());
}

#[test]
fn a_body_longer_than_announced_never_lands() {
    let env = Env::with(Config {
        body_longer_by: 100,
        ..Config::default()
    });
    let out = env.download(&["Magento-CE-2.4.2.tar.gz"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(!env.work().join("Magento-CE-2.4.2.tar.gz").exists());
}

#[test]
fn a_redirect_loop_ends_in_a_clean_error() {
    let env = Env::new();
    let own = format!("{}file/Magento-CE-2.4.2.tar.gz", env.srv.base_url());
    env.srv.update(|c| c.redirect = Redirect::To(own));
    let out = env.download(&["Magento-CE-2.4.2.tar.gz"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("redirects"), "{}", stderr(&out));
    let hops = env.file_requests().len();
    assert!((10..=12).contains(&hops), "{hops} requests");
}

#[test]
fn final_files_follow_the_umask_and_the_resume_record_is_private() {
    use std::os::unix::fs::PermissionsExt;
    for (umask, want) in [("022", 0o644), ("077", 0o600)] {
        let env = Env::with(Config {
            extra_files: vec![FileSpec::generated("u.bin", 3 * MIB, 31)],
            truncate_at: Some(0),
            truncate_times: 1,
            ..Config::default()
        });
        // The first attempt breaks at once, so a resume record is written.
        let umask = format!("umask {umask}");
        let out = env.shell_ee(&umask, "--retries 0 download -q -s 1 u.bin");
        assert_eq!(out.status.code(), Some(1));
        let state = std::fs::metadata(record(env.work(), "u.bin")).unwrap();
        assert_eq!(state.permissions().mode() & 0o777, 0o600);
        let out = env.shell_ee(&umask, "download -q u.bin");
        assert!(out.status.success(), "{}", stderr(&out));
        let meta = std::fs::metadata(env.work().join("u.bin")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, want, "umask {umask}");
    }
}

#[test]
fn proxy_settings_are_honoured() {
    let env = Env::new();
    // A second double stands in for a forward proxy: it answers the
    // absolute-form request itself and records it.
    let proxy = Server::start(Config::default());
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port());
    env.ok(&["--proxy", &proxy_url, "info", "help"]);
    assert_eq!(proxy.requests().len(), 1);
    assert!(env.srv.requests().is_empty(), "went through the proxy");
    let out = env
        .ee()
        .env("HTTP_PROXY", &proxy_url)
        .args(["info", "help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(proxy.requests().len(), 2, "HTTP_PROXY from the environment");
    let out = env
        .ee()
        .env("HTTP_PROXY", &proxy_url)
        .env("NO_PROXY", "127.0.0.1")
        .args(["info", "help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(proxy.requests().len(), 2, "NO_PROXY bypasses it");
    assert_eq!(env.srv.requests().len(), 1);
}

/// A minimal CONNECT proxy that logs the request head of every tunnel.
fn connect_proxy() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    use std::net::{TcpListener, TcpStream};
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = log.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                seen.lock().unwrap().push(head.clone());
                let target = head
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_string();
                let Ok(upstream) = TcpStream::connect(&target) else {
                    return;
                };
                let mut client = client;
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let (mut a, mut b) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                let mut up = upstream;
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut a, &mut up);
                });
                let _ = std::io::copy(&mut b, &mut client);
            });
        }
    });
    (format!("http://127.0.0.1:{port}"), log)
}

#[test]
fn an_https_proxy_only_ever_sees_connect() {
    let env = Env::with(Config {
        tls: true,
        ..Config::default()
    });
    let (proxy, log) = connect_proxy();
    let ca = env.srv.ca_pem_path().unwrap();
    let out = env
        .ee()
        .env("HTTPS_PROXY", &proxy)
        .arg("--cacert")
        .arg(&ca)
        .args(["download", "-q", "Magento-CE-2.4.2.tar.gz"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    env.assert_identical("Magento-CE-2.4.2.tar.gz");
    let log = log.lock().unwrap();
    assert!(!log.is_empty(), "the proxy was used");
    let target = format!("CONNECT 127.0.0.1:{} HTTP/1.1", env.srv.port());
    for head in log.iter() {
        assert!(head.starts_with(&target), "{head}");
        assert!(
            !head.to_ascii_lowercase().contains("authorization: basic"),
            "{head}"
        );
        assert!(!head.contains(EE_TOKEN));
    }
}

#[test]
fn a_write_the_file_system_refuses_is_a_clean_io_error() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("full.bin", 4 * MIB, 51)],
        ..Config::default()
    });
    // 1024 blocks of 512 bytes: the 4 MiB file cannot fit, as on a full disk.
    let out = env.shell_ee("ulimit -f 1024", "download -s 1 full.bin");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("magedl: error: full.bin:") && err.contains("too large"),
        "{err}"
    );
    assert!(!env.work().join("full.bin").exists());
}

#[test]
fn an_endless_info_answer_is_cut_at_the_limit_with_a_one_line_error() {
    let env = Env::with(Config {
        json_endless: true,
        ..Config::default()
    });
    let out = env.ee().args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("larger than 32.00 MiB"), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.contains("error:")).count(),
        1,
        "{err}"
    );
    assert!(!err.contains("falling back"), "{err}");
}

#[test]
fn a_file_past_max_size_is_refused_announced_or_streamed() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("m.bin", 2 * MIB, 71)],
        ..Config::default()
    });
    for streamed in [false, true] {
        env.srv.update(|c| c.no_content_length = streamed);
        let out = env.download(&["--max-size", "1M", "m.bin"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("--max-size"), "{}", stderr(&out));
        assert!(!env.work().join("m.bin").exists());
        assert!(!part(env.work(), "m.bin").exists());
    }
    env.srv.update(|c| c.no_content_length = false);
    env.ok(&["download", "-q", "--max-size", "2M", "m.bin"]);
}

#[test]
fn an_endless_file_body_is_stopped_by_max_size() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("e.bin", MIB, 72)],
        body_longer_by: 1 << 40,
        ..Config::default()
    });
    let out = env.download(&["--max-size", "4M", "e.bin"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("streaming past"), "{}", stderr(&out));
    assert!(!env.work().join("e.bin").exists());
}

#[test]
fn the_text_listing_stands_in_only_for_an_answered_request() {
    let env = Env::with(Config {
        json_broken: true,
        ..Config::default()
    });
    let out = env.ee().args(["--retries", "0", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!stderr(&out).contains("falling back"), "{}", stderr(&out));
    let listing = env
        .srv
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/info/files"))
        .count();
    assert_eq!(
        listing, 0,
        "a transport failure is not a reason for the text listing"
    );
}

#[test]
fn json_escapes_every_control_and_human_output_shows_bidi_controls_escaped() {
    let name = "rtl\u{202e}gpj.exe\u{7f}x\u{85}";
    let env = Env::with(Config {
        extra_files: vec![FileSpec::bytes(name, b"x".to_vec())],
        ..Config::default()
    });
    let json = env.ok(&["list", "--format", "json", "--version", "9.9.9"]);
    let text = stdout(&json);
    assert!(
        !text
            .chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
        "{text:?}"
    );
    assert!(text.contains(r"rtl\u202egpj.exe\u007fx\u0085"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v[0]["name"], name);
    let table = stdout(&env.ok(&["list", "--version", "9.9.9"]));
    assert!(!table.contains('\u{202e}'), "{table:?}");
    assert!(table.contains(r"rtl\u{202e}gpj.exe"), "{table}");
    // A download's progress events and its report name a file alike, with
    // no raw bidi control on standard error (names with C0/C1 controls are
    // refused before any request).
    let name = "rtl\u{202e}gpj.exe";
    let env = Env::with(Config {
        extra_files: vec![FileSpec::bytes(name, b"x".to_vec())],
        ..Config::default()
    });
    let out = env.download(&["--progress", "json", "--json", name]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        !err.chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
        "{err:?}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["files"][0]["name"], name);
    let done: serde_json::Value = err
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["event"] == "done")
        .unwrap();
    assert_eq!(done["name"], name, "{err}");
    let out = env.download(&["--progress", "line", "--force", name]);
    assert!(
        stderr(&out).contains(r"done rtl\u{202e}gpj.exe"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains('\u{202e}'), "{}", stderr(&out));
}

#[test]
fn an_error_through_a_dead_proxy_names_the_proxy() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let env = Env::new();
    let proxy = format!("http://user:pw-secret@127.0.0.1:{port}");
    for via_env in [false, true] {
        let mut cmd = env.ee();
        if via_env {
            cmd.env("HTTP_PROXY", &proxy);
        } else {
            cmd.args(["--proxy", &proxy]);
        }
        let out = cmd.args(["--retries", "0", "list"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("proxy http://127.0.0.1:{port}/")),
            "{err}"
        );
        assert!(!err.contains("pw-secret"), "{err}");
    }
}
