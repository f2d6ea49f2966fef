//! Resume and retries: kill -9 and rerun, refused or wrong ranges, a changed
//! remote, dropped connections, Retry-After, stalls, signals.

use std::path::Path;
use std::time::{Duration, Instant};

use super::common::*;

const MIB: u64 = 1 << 20;

fn env_with(cfg: Config) -> Env {
    Env::with(cfg)
}

/// Waits until the resume record shows at least `bytes` done.
fn wait_for_progress(state: &Path, bytes: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(text) = std::fs::read(state)
            && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&text)
        {
            let done: u64 = v["segments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["done"].as_u64().unwrap())
                .sum();
            if done >= bytes {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no progress recorded in {}",
            state.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill_midway(env: &Env, name: &str, args: &[&str]) {
    let mut child = env.spawn_ee(args);
    wait_for_progress(&record(env.work(), name), MIB);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    assert!(
        !env.work().join(name).exists(),
        "no final name before completion"
    );
    assert!(part(env.work(), name).exists());
}

#[test]
fn kill_9_and_rerun_continues_with_if_range_and_is_identical() {
    let env = env_with(Config {
        extra_files: vec![FileSpec::generated("k.bin", 8 * MIB, 11)],
        throttle_bps: Some(2 * MIB),
        ..Config::default()
    });
    kill_midway(&env, "k.bin", &["download", "k.bin", "-s", "1", "-q"]);
    env.srv.update(|c| c.throttle_bps = None);
    env.srv.clear_requests();
    env.ok(&["download", "k.bin", "-q"]);
    env.assert_identical("k.bin");
    let reqs = env.file_requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    let range = reqs[0].range.clone().expect("a Range request");
    let start: u64 = range["bytes=".len()..range.find('-').unwrap()]
        .parse()
        .unwrap();
    assert!(start >= MIB, "resumed past zero: {range}");
    assert!(
        reqs[0].if_range.is_some(),
        "If-Range with the saved validator"
    );
    assert!(!record(env.work(), "k.bin").exists());
}

#[test]
fn a_killed_segmented_download_resumes_every_segment() {
    let env = env_with(Config {
        extra_files: vec![FileSpec::generated("s.bin", 12 * MIB, 12)],
        throttle_bps: Some(MIB),
        ..Config::default()
    });
    kill_midway(&env, "s.bin", &["download", "s.bin", "-s", "4", "-q"]);
    env.srv.update(|c| c.throttle_bps = None);
    env.srv.clear_requests();
    env.ok(&["download", "s.bin", "-s", "4", "-q"]);
    env.assert_identical("s.bin");
    let reqs = env.file_requests();
    assert!(
        reqs.iter()
            .all(|r| r.range.is_some() && r.if_range.is_some()),
        "{reqs:?}"
    );
}

#[test]
fn no_resume_discards_partial_data() {
    let env = env_with(Config {
        extra_files: vec![FileSpec::generated("n.bin", 6 * MIB, 13)],
        throttle_bps: Some(2 * MIB),
        ..Config::default()
    });
    kill_midway(&env, "n.bin", &["download", "n.bin", "-s", "1", "-q"]);
    env.srv.update(|c| c.throttle_bps = None);
    env.srv.clear_requests();
    let out = env.download(&["n.bin", "--no-resume", "-q"]);
    assert!(out.status.success());
    env.assert_identical("n.bin");
    assert!(env.file_requests().iter().all(|r| r.range.is_none()));
}

#[test]
fn a_changed_remote_restarts_the_file_whole_never_mixed() {
    let env = env_with(Config {
        extra_files: vec![FileSpec::generated("c.bin", 4 * MIB, 14)],
        truncate_at: Some(MIB + 5),
        truncate_times: 1,
        change_after: Some(1),
        ..Config::default()
    });
    let out = env
        .ee()
        .args(["--retries", "0", "download", "c.bin", "-s", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(record(env.work(), "c.bin").exists());
    env.srv.clear_requests();
    env.ok(&["download", "c.bin", "-q"]);
    env.assert_identical("c.bin"); // the new content, whole
    let reqs = env.file_requests();
    assert!(reqs[0].if_range.is_some());
    assert!(
        reqs.iter().any(|r| r.range.is_none()),
        "restarted from zero: {reqs:?}"
    );
}

#[test]
fn a_dropped_connection_is_retried_from_the_bytes_written() {
    let env = env_with(Config {
        extra_files: vec![FileSpec::generated("d.bin", 4 * MIB, 15)],
        truncate_at: Some(3 * MIB / 2),
        truncate_times: 1,
        ..Config::default()
    });
    env.ok(&["download", "d.bin", "-s", "1", "-q"]);
    env.assert_identical("d.bin");
    let ranges: Vec<String> = env
        .file_requests()
        .into_iter()
        .filter_map(|r| r.range)
        .collect();
    assert_eq!(ranges.len(), 1, "{ranges:?}");
    assert!(ranges[0].starts_with("bytes=1") && ranges[0].ends_with(&format!("-{}", 4 * MIB - 1)));
}

#[test]
fn a_server_ignoring_ranges_gets_one_stream_from_zero() {
    let env = env_with(Config {
        extra_files: vec![FileSpec::generated("r.bin", 20 * MIB, 16)],
        ranges: false,
        truncate_at: Some(2 * MIB),
        truncate_times: 1,
        ..Config::default()
    });
    env.ok(&["download", "r.bin", "-s", "4", "-q"]);
    env.assert_identical("r.bin");
    let reqs = env.file_requests();
    assert_eq!(reqs.len(), 2, "truncated, then restarted whole: {reqs:?}");
}

#[test]
fn a_wrong_content_range_makes_the_file_fall_back_to_one_stream() {
    let env = env_with(Config {
        extra_files: vec![FileSpec::generated("w.bin", 20 * MIB, 17)],
        wrong_content_range: true,
        ..Config::default()
    });
    let out = env.ok(&["download", "w.bin", "-s", "4", "--progress", "line"]);
    assert!(stderr(&out).contains("Content-Range"), "{}", stderr(&out));
    env.assert_identical("w.bin");
}

#[test]
fn retry_after_is_honoured_on_503() {
    let env = env_with(Config {
        status_sequence: vec![(503, Some(1)), (429, Some(1))],
        ..Config::default()
    });
    let started = Instant::now();
    env.ok(&["download", "-q", "Magento-CE-2.4.2.tar.gz"]);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited as told"
    );
    assert_eq!(env.file_requests().len(), 3);
    env.assert_identical("Magento-CE-2.4.2.tar.gz");
}

#[test]
fn refusals_are_never_retried() {
    let env = env_with(Config {
        status_sequence: vec![(404, None), (404, None)],
        ..Config::default()
    });
    let out = env.download(&["Magento-CE-2.4.2.tar.gz"]);
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(env.file_requests().len(), 1);
}

#[test]
fn a_stall_hits_the_idle_timeout_and_resumes() {
    let env = env_with(Config {
        extra_files: vec![FileSpec::generated("t.bin", 3 * MIB, 18)],
        stall_after: Some(MIB),
        stall_for_ms: 20_000,
        stall_times: 1,
        ..Config::default()
    });
    env.ok(&["--timeout", "1", "download", "t.bin", "-s", "1", "-q"]);
    env.assert_identical("t.bin");
    let reqs = env.file_requests();
    assert_eq!(reqs.len(), 2);
    assert!(
        reqs[1]
            .range
            .as_deref()
            .is_some_and(|r| !r.starts_with("bytes=0-"))
    );
}

#[test]
fn a_complete_part_is_finalised_after_verification_without_a_request() {
    let env = Env::new();
    let name = "Magento-CE-2.4.2.tar.gz";
    let body = env.srv.file_bytes(name).unwrap();
    let part = part(env.work(), name);
    std::fs::write(&part, &body).unwrap();
    let state = serde_json::json!({
        "format": 1, "size": body.len(), "etag": null, "last_modified": null,
        "segments": [{"span": {"start": 0, "end": body.len()}, "done": body.len()}]
    });
    std::fs::write(format!("{}.state", part.display()), state.to_string()).unwrap();
    env.ok(&["download", "-q", name]);
    assert!(env.file_requests().is_empty());
    env.assert_identical(name);
}

#[test]
fn a_part_that_does_not_match_its_record_is_discarded() {
    let env = Env::new();
    let name = "Magento-CE-2.4.2.tar.gz";
    let part = part(env.work(), name);
    std::fs::write(&part, vec![b'Z'; 500]).unwrap(); // longer than the remote
    let state = serde_json::json!({
        "format": 1, "size": 50, "etag": "\"x\"", "last_modified": null,
        "segments": [{"span": {"start": 0, "end": 50}, "done": 20}]
    });
    std::fs::write(format!("{}.state", part.display()), state.to_string()).unwrap();
    env.ok(&["download", "-q", name]);
    env.assert_identical(name);
}

#[test]
fn sigint_saves_state_and_exits_130() {
    let env = env_with(Config {
        extra_files: vec![FileSpec::generated("i.bin", 8 * MIB, 19)],
        throttle_bps: Some(2 * MIB),
        ..Config::default()
    });
    let mut child = env.spawn_ee(&["download", "i.bin", "-s", "1", "--progress", "line"]);
    wait_for_progress(&record(env.work(), "i.bin"), MIB);
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(record(env.work(), "i.bin").exists());
    env.srv.update(|c| c.throttle_bps = None);
    let out = env.download(&["i.bin", "-q"]);
    assert!(out.status.success());
    env.assert_identical("i.bin");
}

#[test]
fn ctrl_c_cuts_a_retry_after_wait_short() {
    let env = env_with(Config {
        status_sequence: vec![(503, Some(120))],
        ..Config::default()
    });
    let mut child = env.spawn_ee(&["download", "Magento-CE-2.4.2.tar.gz"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while env.file_requests().is_empty() {
        assert!(Instant::now() < deadline, "no file request");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let sent = Instant::now();
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    assert!(
        sent.elapsed() < Duration::from_secs(10),
        "took {:?}",
        sent.elapsed()
    );
    assert_eq!(status.code(), Some(130));
}

#[test]
fn without_validators_or_a_checksum_a_file_is_fetched_in_one_stream() {
    let mut spec = FileSpec::generated("v.bin", 20 * MIB, 23);
    spec.md5 = Md5::Empty;
    let env = env_with(Config {
        extra_files: vec![spec],
        validators: false,
        ..Config::default()
    });
    let out = env.ok(&["download", "v.bin", "-s", "4", "-q", "--json"]);
    env.assert_identical("v.bin");
    let reqs = env.file_requests();
    assert_eq!(
        reqs.len(),
        1,
        "ranges from an unidentifiable file could mix versions: {reqs:?}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["files"][0]["verified"], "unverified");
}

#[test]
fn a_server_that_ignores_if_range_never_gets_its_new_bytes_stitched_to_old_ones() {
    // No published checksum: only the validators can tell the versions apart.
    let mut spec = FileSpec::generated("i2.bin", 4 * MIB, 15);
    spec.md5 = Md5::Empty;
    let env = env_with(Config {
        extra_files: vec![spec],
        truncate_at: Some(MIB + 5),
        truncate_times: 1,
        change_after: Some(1),
        ignore_if_range: true,
        ..Config::default()
    });
    let out = env.download(&["--retries", "0", "i2.bin", "-s", "1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(record(env.work(), "i2.bin").exists());
    // The remote changed; the server answers the range anyway, with the
    // new ETag: that 206 must not be appended.
    env.srv.clear_requests();
    let out = env.download(&["i2.bin", "--progress", "line"]);
    assert!(out.status.success(), "{}", stderr(&out));
    env.assert_identical("i2.bin"); // the new content, whole
    let reqs = env.file_requests();
    assert_eq!(
        reqs[0].status, 206,
        "the server did ignore If-Range: {reqs:?}"
    );
    assert!(
        reqs.iter().any(|r| r.range.is_none()),
        "restarted whole: {reqs:?}"
    );
    assert!(stderr(&out).contains("another version"), "{}", stderr(&out));
}

#[test]
fn a_signal_while_the_catalog_loads_ends_the_run_with_130() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let env = env_with(Config {
            json_fail: Some(503),
            ..Config::default()
        });
        let child = env
            .ee_process()
            .args(["--retries", "20", "download", "Magento-CE-2.4.2.tar.gz"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while env.srv.requests().len() < 2 {
            assert!(Instant::now() < deadline, "no catalog retry");
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(child.id() as i32, signal);
        }
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "signal {signal}: {err}");
        assert!(err.contains("interrupted"), "{err}");
    }
}
