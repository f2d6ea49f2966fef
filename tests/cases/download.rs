//! `magedl download`: byte-identical results, concurrency, verification,
//! reports and progress output.

use super::common::*;

const MIB: u64 = 1 << 20;

fn big(name: &str, size: u64, seed: u64) -> FileSpec {
    FileSpec::generated(name, size, seed)
}

fn env_with(files: Vec<FileSpec>) -> Env {
    Env::with(Config {
        extra_files: files,
        ..Config::default()
    })
}

#[test]
fn a_single_stream_download_is_byte_identical() {
    let env = env_with(vec![big("one.bin", 5 * MIB + 123, 1)]);
    env.ok(&["download", "one.bin", "-s", "1", "-q"]);
    env.assert_identical("one.bin");
    let gets = env.file_requests();
    assert_eq!(gets.len(), 1);
    assert_eq!(gets[0].range, None);
    assert_eq!(gets[0].accept_encoding.as_deref(), Some("identity"));
    assert!(!part(env.work(), "one.bin").exists());
    assert!(!record(env.work(), "one.bin").exists());
}

#[test]
fn a_pieced_download_is_byte_identical_and_uses_exact_ranges() {
    let env = env_with(vec![big("seg.bin", 9 * MIB + 7, 2)]);
    env.ok(&["download", "seg.bin", "-s", "4", "-q"]);
    env.assert_identical("seg.bin");
    let ranges: Vec<String> = env
        .file_requests()
        .into_iter()
        .filter_map(|r| r.range)
        .collect();
    // The first GET feeds the first piece; four connections share the rest.
    assert!(ranges.len() >= 3, "{ranges:?}");
    assert_ranges_cover_the_rest(&ranges, 9 * MIB + 7);
}

#[test]
fn many_files_at_once_and_a_duplicate_name_is_fetched_once() {
    let files: Vec<FileSpec> = (0..6)
        .map(|i| big(&format!("f{i}.bin"), MIB + i, i))
        .collect();
    let env = env_with(files);
    let out = env.ok(&["download", "-j", "3", "-q", "f*.bin", "f1.bin", "--json"]);
    for i in 0..6 {
        env.assert_identical(&format!("f{i}.bin"));
    }
    let f1 = env
        .file_requests()
        .iter()
        .filter(|r| r.path.ends_with("/f1.bin"))
        .count();
    assert_eq!(f1, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["summary"]["downloaded"], 6);
}

#[test]
fn the_json_report_has_the_documented_shape() {
    let env = Env::new();
    let out = env.ok(&[
        "download",
        "--json",
        "-q",
        "Magento-CE-2.4.2.tar.gz",
        "Magento-CE-2.0.7.tar.gz",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    for key in [
        "name", "path", "bytes", "status", "verified", "md5", "sha256", "seconds", "error",
    ] {
        assert!(files[0].get(key).is_some(), "missing {key}");
    }
    let a = files
        .iter()
        .find(|f| f["name"] == "Magento-CE-2.4.2.tar.gz")
        .unwrap();
    assert_eq!(a["status"], "downloaded");
    assert_eq!(a["verified"], "md5");
    assert_eq!(a["md5"], "b68caf76b354eac34aaec82abc565416");
    assert_eq!(a["bytes"], 50);
    assert_eq!(a["sha256"].as_str().unwrap().len(), 64);
    let b = files
        .iter()
        .find(|f| f["name"] == "Magento-CE-2.0.7.tar.gz")
        .unwrap();
    assert_eq!(b["verified"], "unverified");
    for key in ["downloaded", "skipped", "failed", "bytes", "seconds"] {
        assert!(v["summary"].get(key).is_some(), "summary lacks {key}");
    }
    assert_eq!(v["summary"]["downloaded"], 2);
}

#[test]
fn a_wrong_md5_exits_4_and_leaves_no_file() {
    let mut spec = big("bad.bin", 2 * MIB, 3);
    spec.md5 = Md5::Wrong("00000000000000000000000000000000".into());
    let env = env_with(vec![spec]);
    let out = env.download(&["bad.bin"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("checksum mismatch"));
    assert!(!env.work().join("bad.bin").exists());
    assert!(!part(env.work(), "bad.bin").exists());
}

#[test]
fn a_corrupted_body_never_reaches_the_final_name() {
    let env = Env::with(Config {
        corrupt: true,
        ..Config::default()
    });
    let out = env.download(&["Magento-CE-2.4.2.tar.gz"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(!env.work().join("Magento-CE-2.4.2.tar.gz").exists());
}

#[test]
fn an_error_body_with_200_is_caught_by_the_checksum() {
    let env = Env::with(Config {
        auth_fail: AuthFail::Ok200Text,
        ..Config::default()
    });
    let out = env.download(&["Magento-CE-2.4.2.tar.gz"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(!env.work().join("Magento-CE-2.4.2.tar.gz").exists());
}

#[test]
fn an_empty_md5_is_reported_unverified_and_require_checksum_refuses_it() {
    let env = Env::new();
    let out = env.download(&["--progress", "line", "Magento-CE-2.0.7.tar.gz"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("unverified"));
    std::fs::remove_file(env.work().join("Magento-CE-2.0.7.tar.gz")).unwrap();
    env.srv.clear_requests();
    let out = env.download(&["--require-checksum", "Magento-CE-2.0.7.tar.gz"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        env.file_requests().is_empty(),
        "refused before any transfer"
    );
}

#[test]
fn given_checksums_verify_a_file_outside_the_catalog() {
    let env = Env::new();
    let good = "ee978bf8fea4aa6ea2d78b44116b01d0";
    let out = env.ok(&[
        "download",
        "-q",
        "--md5",
        good,
        "Magento-CE-2.0.7.tar.gz",
        "--json",
    ]);
    assert!(stdout(&out).contains("\"verified\": \"md5\""));
    let sums = env.work().join("sums");
    std::fs::write(
        &sums,
        format!("{}  Magento-CE-2.4.2.tar.gz\n", "0".repeat(64)),
    )
    .unwrap();
    let out = env
        .ee()
        .args(["download", "-q", "Magento-CE-2.4.2.tar.gz", "--checksums"])
        .arg(&sums)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "the sha256 from --checksums decides"
    );
}

#[test]
fn a_present_verified_file_is_skipped_without_a_request_and_force_replaces_it() {
    let env = Env::new();
    let run = |extra: &[&str]| {
        env.ee()
            .args(["download", "-q", "--json", "Magento-CE-2.4.2.tar.gz"])
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(run(&[]).status.success());
    env.srv.clear_requests();
    let out = run(&[]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("\"status\": \"skipped\""));
    assert!(env.file_requests().is_empty());
    let out = run(&["--force"]);
    assert!(stdout(&out).contains("\"status\": \"downloaded\""));
    assert_eq!(env.file_requests().len(), 1);
    // A damaged copy is fetched again.
    std::fs::write(env.work().join("Magento-CE-2.4.2.tar.gz"), b"damaged").unwrap();
    let out = run(&[]);
    assert!(stdout(&out).contains("\"status\": \"downloaded\""));
    env.assert_identical("Magento-CE-2.4.2.tar.gz");
}

#[test]
fn line_progress_has_no_carriage_returns_or_escape_codes() {
    let env = env_with(vec![big("p.bin", 6 * MIB, 4)]);
    let out = env.ok(&[
        "download",
        "--progress",
        "line",
        "p.bin",
        "Magento-CE-2.4.2.tar.gz",
    ]);
    let err = stderr(&out);
    assert!(!err.contains('\r') && !err.contains('\x1b'), "{err:?}");
    assert!(err.contains("start p.bin"), "{err}");
    assert!(err.contains("progress p.bin"), "{err}");
    assert!(err.contains("done p.bin"), "{err}");
    assert!(err.contains("md5 OK"), "{err}");
    assert!(err.contains("2 downloaded"), "{err}");
    let progress_lines = err.lines().filter(|l| l.contains("progress p.bin")).count();
    assert!(progress_lines <= 9, "at most every 10 %: {err}");
}

#[test]
fn quiet_prints_nothing_on_success() {
    let env = Env::new();
    let out = env.download(&["-q", "Magento-CE-2.4.2.tar.gz"]);
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out), "");
}

#[test]
fn dry_run_makes_no_file_request() {
    let env = Env::new();
    let out = env.download(&["--dry-run", "--type", "ce-patch"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out).lines().count(), 4, "{}", stdout(&out));
    assert!(env.file_requests().is_empty());
    assert!(all_files(env.work()).is_empty());
}

#[test]
fn a_dry_run_says_what_the_real_run_does_with_no_verify() {
    let env = Env::new();
    let name = "Magento-CE-2.4.2.tar.gz";
    std::fs::write(env.work().join(name), b"not the archive").unwrap();
    let plan = stdout(&env.download(&["--dry-run", "--no-verify", name]));
    assert!(
        plan.starts_with(&format!("would skip {name} (present;")),
        "{plan}"
    );
    let plan = stdout(&env.download(&["--dry-run", name]));
    assert!(plan.starts_with(&format!("would fetch {name}")), "{plan}");
    let out = env.download(&["--no-verify", "--json", name]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["files"][0]["status"], "skipped", "{report}");
    assert!(env.file_requests().is_empty());
}

#[test]
fn a_missing_file_exits_5() {
    let env = Env::new();
    let out = env.download(&["nope.zip"]);
    assert_eq!(out.status.code(), Some(5));
    assert!(!env.work().join("nope.zip").exists());
    assert!(!part(env.work(), "nope.zip").exists());
}

#[test]
fn gzip_offered_by_the_server_is_never_asked_for() {
    let env = Env::with(Config {
        gzip: true,
        ..Config::default()
    });
    env.ok(&["download", "-q", "Magento-CE-2.4.2.tar.gz"]);
    env.assert_identical("Magento-CE-2.4.2.tar.gz");
}

#[test]
fn output_dir_is_created_and_mixed_failures_pick_the_spec_code() {
    let env = Env::new();
    let out = env
        .ce()
        .args([
            "download",
            "-o",
            "sub/dir",
            "Magento-CE-2.4.2.tar.gz",
            "Magento-EE-2.0.4.zip",
            "nope.zip",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "403 beats 404: {}",
        stderr(&out)
    );
    assert!(env.work().join("sub/dir/Magento-CE-2.4.2.tar.gz").exists());
}

#[test]
fn no_verify_still_reports_the_sha256() {
    let env = Env::with(Config {
        corrupt: true,
        ..Config::default()
    });
    let out = env
        .ee()
        .args([
            "download",
            "--no-verify",
            "--json",
            "-q",
            "Magento-CE-2.4.2.tar.gz",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "checks are skipped: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["files"][0]["verified"], "unverified");
    assert_eq!(v["files"][0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn a_closed_standard_error_is_not_a_crash() {
    let env = env_with(vec![big("e.bin", 4 * MIB, 41)]);
    let mut child = env
        .ee_process()
        .args(["download", "--progress", "line", "e.bin"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take()); // the log reader died
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    env.assert_identical("e.bin");
}

#[test]
fn bad_command_lines_are_one_error_line_and_exit_2() {
    let env = Env::new();
    for args in [
        &["list", "--format", "xml"][..],
        &["download", "-j", "0", "x"],
        &["verify"],
    ] {
        let out = env.ee().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        let lines: Vec<&str> = err.lines().collect();
        assert!(lines[0].starts_with("magedl: error: "), "{err}");
        assert!(
            lines.len() <= 2 && lines.get(1).is_none_or(|l| l.starts_with("magedl: hint: ")),
            "{err}"
        );
    }
}

#[test]
fn an_output_dir_that_is_a_file_is_a_usage_error() {
    let env = Env::new();
    std::fs::write(env.work().join("afile"), b"x").unwrap();
    let out = env.download(&["-o", "afile", "Magento-CE-2.4.2.tar.gz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a directory"));
}

#[test]
fn dry_run_tells_what_would_be_skipped() {
    let env = Env::new();
    env.ok(&["download", "-q", "Magento-CE-2.4.2.tar.gz"]);
    env.srv.clear_requests();
    let out = env.ok(&[
        "download",
        "--dry-run",
        "Magento-CE-2.4.2.tar.gz",
        "magento-1.9.1.0.tar.gz",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("would skip Magento-CE-2.4.2.tar.gz (present and verified)"),
        "{text}"
    );
    assert!(
        text.contains("would fetch magento-1.9.1.0.tar.gz"),
        "{text}"
    );
    assert!(env.file_requests().is_empty());
}

#[test]
fn a_failed_file_reports_unverified_and_the_bytes_kept() {
    let env = env_with(vec![big("f.bin", 4 * MIB, 42)]);
    env.srv.update(|c| {
        c.truncate_at = Some(MIB + 100);
        c.truncate_times = 1;
    });
    let out = env
        .ee()
        .args([
            "--retries",
            "0",
            "download",
            "-s",
            "1",
            "--json",
            "-q",
            "f.bin",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let f = &v["files"][0];
    assert_eq!(f["status"], "failed");
    assert_eq!(f["verified"], "unverified");
    assert!(f["bytes"].as_u64().unwrap() >= MIB, "{f}");
    assert!(f["error"].as_str().unwrap().len() > 5);
}

#[test]
fn a_gzip_label_on_raw_bytes_is_judged_by_the_checksum_or_the_name() {
    let mut no_md5 = FileSpec::bytes("raw.zip", b"PK raw zip bytes".to_vec());
    no_md5.md5 = Md5::Empty;
    let mut no_md5_gz = FileSpec::bytes("raw.tar.gz", b"\x1f\x8b raw gzip bytes".to_vec());
    no_md5_gz.md5 = Md5::Empty;
    let env = Env::with(Config {
        extra_files: vec![no_md5, no_md5_gz],
        label_gzip: true,
        ..Config::default()
    });
    // Apache's AddEncoding x-gzip .gz: the bytes are the archive itself.
    env.ok(&[
        "download",
        "-q",
        "Magento-CE-2.4.2.tar.gz",
        "Magento-CE-2.4.2_sample_data.zip",
    ]);
    env.assert_identical("Magento-CE-2.4.2.tar.gz");
    env.assert_identical("Magento-CE-2.4.2_sample_data.zip");
    env.ok(&["download", "-q", "raw.tar.gz"]);
    env.assert_identical("raw.tar.gz");
    // Nothing vouches for these bytes: refused, with the server setting named.
    let out = env.download(&["raw.zip"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("AddEncoding"), "{}", stderr(&out));
    assert!(!env.work().join("raw.zip").exists());
}

#[test]
fn limit_rate_holds_the_whole_runs_rate_across_files_and_connections() {
    let env = env_with(vec![big("r1.bin", 2 * MIB, 91), big("r2.bin", 2 * MIB, 92)]);
    // 4 MiB at 2 MiB/s take two seconds, less the bucket's quarter second;
    // a limit per file or per connection would let both files through in
    // one second. (On loopback, unlimited, this takes milliseconds.)
    let started = std::time::Instant::now();
    let out = env.download(&[
        "--limit-rate",
        "2M",
        "-j",
        "2",
        "-s",
        "2",
        "r1.bin",
        "r2.bin",
    ]);
    let took = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        took >= std::time::Duration::from_millis(1600),
        "took {took:?}"
    );
    assert!(
        stderr(&out).contains("limited to 2.00 MiB/s"),
        "{}",
        stderr(&out)
    );
    env.assert_identical("r1.bin");
    env.assert_identical("r2.bin");
}

#[test]
fn every_retry_is_announced_in_the_log_and_counted_in_the_report() {
    let env = env_with(vec![big("t.bin", 2 * MIB, 93)]);
    env.srv
        .update(|c| c.status_sequence = vec![(503, Some(0)), (502, None)]);
    let out = env.download(&["--progress", "line", "--json", "t.bin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("retry 1/5 in ") && err.contains("HTTP 503"),
        "{err}"
    );
    assert!(
        err.contains("retry 2/5 in ") && err.contains("HTTP 502"),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["files"][0]["retries"], 2, "{report}");
    env.assert_identical("t.bin");
}
