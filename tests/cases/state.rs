//! The tool's own files: kept in `DIR/.magedl/`, private, cleaned after a
//! kill; locks that cover every directory a run writes into; names sync
//! writes itself.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use super::common::*;

const MIB: u64 = 1 << 20;

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_name_ending_in_part_never_collides_with_another_files_partial_data() {
    let env = Env::with(Config {
        extra_files: vec![
            FileSpec::generated("release.zip.part", MIB + 3, 61),
            FileSpec::generated("release.zip", 2 * MIB + 5, 62),
        ],
        ..Config::default()
    });
    // Both in one run, and one after the other.
    env.ok(&["download", "-q", "release.zip.part", "release.zip"]);
    env.assert_identical("release.zip.part");
    env.assert_identical("release.zip");
    std::fs::remove_file(env.work().join("release.zip")).unwrap();
    env.ok(&["download", "-q", "release.zip"]);
    env.assert_identical("release.zip.part");
    env.assert_identical("release.zip");
}

#[test]
fn nothing_of_the_tools_own_sits_beside_the_archives() {
    let env = Env::new();
    env.ok(&["download", "-q", "Magento-CE-2.4.2.tar.gz"]);
    let names: Vec<String> = std::fs::read_dir(env.work())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, [".magedl", "Magento-CE-2.4.2.tar.gz"]);
}

#[test]
fn a_killed_runs_leftovers_are_cleaned_by_the_next_run() {
    let env = Env::new();
    // As left by a kill right after the final rename, and by a kill during
    // an atomic write.
    let placed = record(env.work(), "Magento-CE-2.4.2.tar.gz");
    std::fs::write(&placed, b"{}").unwrap();
    let stray = part(env.work(), "no-record.bin");
    std::fs::write(&stray, b"junk").unwrap();
    let tmp = env.work().join(".magedl/tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("SHA256SUMS.4242.0"), b"half").unwrap();
    env.ok(&["download", "-q", "Magento-CE-2.0.7.tar.gz"]);
    assert!(!placed.exists());
    assert!(!stray.exists());
    assert!(!tmp.join("SHA256SUMS.4242.0").exists());
}

#[test]
fn partial_data_is_private_until_the_verified_file_is_placed() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("p.bin", 4 * MIB, 63)],
        throttle_bps: Some(2 * MIB),
        ..Config::default()
    });
    let mut child = env.spawn_ee(&["download", "-q", "-s", "1", "p.bin"]);
    let part = part(env.work(), "p.bin");
    wait_until("the partial file", || part.exists());
    let mode = std::fs::metadata(&part).unwrap().permissions().mode() & 0o777;
    assert!(child.wait().unwrap().success());
    assert_eq!(mode, 0o600, "partial data is created private");
    let placed = std::fs::metadata(env.work().join("p.bin")).unwrap();
    assert_eq!(placed.permissions().mode() & 0o777, 0o644, "umask 022");
}

/// Starts a slow download of `name` into `dir` and waits until it runs.
fn slow_download_into(env: &Env, dir: &Path, name: &str) -> std::process::Child {
    let child = env
        .ee_process()
        .args(["download", "-q", "-o"])
        .arg(dir)
        .arg(name)
        .spawn()
        .unwrap();
    let part = part(dir, name);
    wait_until("the first run", || part.exists());
    child
}

#[test]
fn runs_into_nested_directories_exclude_each_other() {
    let env = Env::with(Config {
        extra_files: vec![
            FileSpec::generated("sub/x.bin", 4 * MIB, 64),
            FileSpec::generated("x.bin", MIB, 65),
        ],
        throttle_bps: Some(2 * MIB),
        ..Config::default()
    });
    let d = env.work().join("d");
    let mut first = slow_download_into(&env, &d, "sub/x.bin");
    // The same final path, reached from another -o.
    let out = env.download(&["-o", d.join("sub").to_str().unwrap(), "x.bin"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("busy"), "{}", stderr(&out));
    // With --wait it says so, waits, and then runs.
    let out = env.download(&["--wait", "-o", d.join("sub").to_str().unwrap(), "x.bin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("waiting"), "{}", stderr(&out));
    assert!(first.wait().unwrap().success());
    // The first run's file is the first file's bytes, the second's its own.
    assert_eq!(
        std::fs::read(d.join("sub/x.bin")).unwrap(),
        env.srv.file_bytes("x.bin").unwrap(),
        "the second run ran after the first"
    );
}

#[test]
fn a_run_inside_a_mirror_being_synced_is_busy() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("m.bin", 4 * MIB, 66)],
        throttle_bps: Some(2 * MIB),
        ..Config::default()
    });
    let m = env.work().join("mirror");
    let mut sync = env
        .ee_process()
        .args(["sync", "-q", "--mirror", "--version", "9.9.9"])
        .arg(&m)
        .spawn()
        .unwrap();
    wait_until("the sync", || part(&m, "file/m.bin").exists());
    let out = env.download(&[
        "-o",
        m.join("file").to_str().unwrap(),
        "Magento-CE-2.4.2.tar.gz",
    ]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(sync.wait().unwrap().success());
    // Siblings do not exclude each other.
    env.ok(&[
        "download",
        "-q",
        "-o",
        m.join("..").join("beside").to_str().unwrap(),
        "Magento-CE-2.4.2.tar.gz",
    ]);
}

#[test]
fn catalog_entries_named_like_syncs_own_files_are_skipped_and_reported() {
    let env = Env::with(Config {
        catalog: false,
        extra_files: vec![
            FileSpec::bytes("SHA256SUMS", b"0000  evil\n".to_vec()),
            FileSpec::bytes("catalog.json", b"{}".to_vec()),
            FileSpec::bytes("keep.tar.gz", b"keep".to_vec()),
        ],
        ..Config::default()
    });
    let dir = env.work().join("s");
    let out = env
        .ee()
        .arg("sync")
        .arg(&dir)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("`SHA256SUMS`") && err.contains("`catalog.json`"),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let failed: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "failed")
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["SHA256SUMS", "catalog.json"]);
    assert!(
        report["files"][1]["error"]
            .as_str()
            .unwrap()
            .contains("sync writes itself")
    );
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    assert!(
        sums.contains("keep.tar.gz") && !sums.contains("evil"),
        "{sums}"
    );
    assert!(sha256sum_check(&dir).status.success());
    // The next run fetches neither again.
    env.srv.clear_requests();
    let _ = env.ee().arg("sync").arg(&dir).arg("-q").output().unwrap();
    assert!(env.file_requests().is_empty(), "{:?}", env.file_requests());
}
