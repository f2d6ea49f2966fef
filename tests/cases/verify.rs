//! `magedl verify`: catalog md5, checksum files, single digests.

use super::common::*;

#[test]
fn files_are_checked_against_the_catalog_md5() {
    let env = Env::new();
    let good = env.work().join("Magento-CE-2.4.2.tar.gz");
    std::fs::write(
        &good,
        env.srv.file_bytes("Magento-CE-2.4.2.tar.gz").unwrap(),
    )
    .unwrap();
    let bad = env.work().join("magento-1.9.1.0.tar.gz");
    std::fs::write(&bad, b"not the archive").unwrap();
    let out = env.ee().arg("verify").arg(&good).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{}: OK\n", good.display()));
    let out = env
        .ee()
        .arg("verify")
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(stdout(&out).contains(&format!("{}: FAILED\n", bad.display())));
}

#[test]
fn offline_checks_need_no_server_or_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a b.zip");
    std::fs::write(&f, b"hello\n").unwrap();
    let sha = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    let sums = dir.path().join("SUMS");
    std::fs::write(&sums, format!("{sha}  a b.zip\n")).unwrap();
    let run = |args: &[&str]| {
        bare(dir.path(), dir.path())
            .env("MAGEDL_ENDPOINT", "http://127.0.0.1:9/")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["verify", "--checksums", "SUMS", "a b.zip"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "a b.zip: OK\n");
    let out = run(&["verify", "--sha256", sha, "a b.zip"]);
    assert!(out.status.success());
    let out = run(&[
        "verify",
        "--md5",
        "b1946ac92492d2347c6235b4d2611184",
        "a b.zip",
    ]);
    assert!(out.status.success());
    let out = run(&[
        "verify",
        "--md5",
        "00000000000000000000000000000000",
        "a b.zip",
    ]);
    assert_eq!(out.status.code(), Some(4));
    let out = run(&["verify", "--checksums", "missing-file", "a b.zip"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["verify", "--sha256", "xyz", "a b.zip"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_unknown_and_unpublished_files_are_told_apart() {
    let env = Env::new();
    let w = env.work();
    std::fs::write(w.join("Magento-CE-2.0.7.tar.gz"), b"no md5 published").unwrap();
    std::fs::write(w.join("stranger.zip"), b"not in the catalog").unwrap();
    std::fs::create_dir(w.join("adir")).unwrap();
    let run = |name: &str| env.ee().args(["verify", name]).output().unwrap();
    let out = run("Magento-CE-2.0.7.tar.gz");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "Magento-CE-2.0.7.tar.gz: unverified (no published checksum)\n"
    );
    let out = run("stranger.zip");
    assert_eq!(out.status.code(), Some(5));
    assert!(stdout(&out).contains("FAILED (not in the catalog)"));
    let out = run("missing.zip");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("missing.zip: FAILED open or read"));
    let out = run("adir");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("not a file"));
}
