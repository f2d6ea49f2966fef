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

/// A directory with files and a SHA256SUMS written by sha256sum itself.
fn checked_dir(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        if let Some(parent) = std::path::Path::new(name).parent() {
            std::fs::create_dir_all(dir.path().join(parent)).unwrap();
        }
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    let out = std::process::Command::new("sha256sum")
        .args(&names)
        .current_dir(dir.path())
        .output()
        .unwrap();
    std::fs::write(dir.path().join("SHA256SUMS"), out.stdout).unwrap();
    dir
}

fn offline(dir: &std::path::Path, cwd: &std::path::Path, args: &[&str]) -> std::process::Output {
    bare(dir, cwd)
        .env("MAGEDL_ENDPOINT", "http://127.0.0.1:9/")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_summary_counts_each_kind_of_failure_as_sha256sum_words_it() {
    let dir = checked_dir(&[
        ("a.zip", b"a"),
        ("b.zip", b"b"),
        ("c.zip", b"c"),
        ("d.zip", b"d"),
    ]);
    let p = dir.path();
    std::fs::write(p.join("b.zip"), b"changed").unwrap();
    std::fs::remove_file(p.join("c.zip")).unwrap();
    std::fs::write(p.join("stranger.zip"), b"?").unwrap();
    let out = offline(
        p,
        p,
        &[
            "verify",
            "--checksums",
            "SHA256SUMS",
            "a.zip",
            "b.zip",
            "c.zip",
            "d.zip",
            "stranger.zip",
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: 1 computed checksum did NOT match"),
        "{err}"
    );
    assert!(
        err.contains("warning: 1 listed file could not be read"),
        "{err}"
    );
    assert!(
        err.contains("warning: 1 file is not in the checksum file"),
        "{err}"
    );
    assert_eq!(stdout(&out).matches(": OK").count(), 2, "{}", stdout(&out));
}

#[test]
fn malformed_lines_warn_unless_strict_and_the_checksum_file_may_come_from_stdin() {
    let dir = checked_dir(&[("a.zip", b"a")]);
    let p = dir.path();
    let mut sums = std::fs::read_to_string(p.join("SHA256SUMS")).unwrap();
    sums.push_str("this is not a checksum line\n");
    std::fs::write(p.join("SHA256SUMS"), &sums).unwrap();
    let out = offline(p, p, &["verify", "--checksums", "SHA256SUMS", "a.zip"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 line is improperly formatted"),
        "{}",
        stderr(&out)
    );
    let out = offline(
        p,
        p,
        &["verify", "--strict", "--checksums", "SHA256SUMS", "a.zip"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = bare(p, p)
        .env("MAGEDL_ENDPOINT", "http://127.0.0.1:9/")
        .args(["verify", "--checksums", "-", "a.zip"])
        .write_stdin(sums)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "a.zip: OK\n");
}

#[test]
fn any_path_to_a_file_finds_its_entry() {
    let dir = checked_dir(&[("sub/a.zip", b"a"), ("b.zip", b"b")]);
    let p = dir.path();
    // An absolute path, a checksum file named relatively.
    let abs = p.join("sub/a.zip");
    let out = offline(
        p,
        p,
        &["verify", "--checksums", "SHA256SUMS", abs.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}: {}", stdout(&out), stderr(&out));
    // Another copy elsewhere, by its name alone: only one entry has it.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("a.zip"), b"a").unwrap();
    let sums = p.join("SHA256SUMS");
    let out = offline(
        p,
        elsewhere.path(),
        &["verify", "--checksums", sums.to_str().unwrap(), "a.zip"],
    );
    assert!(out.status.success(), "{}: {}", stdout(&out), stderr(&out));
}

#[test]
fn quiet_status_json_and_require_checksum() {
    let dir = checked_dir(&[("a.zip", b"a"), ("b.zip", b"b")]);
    let p = dir.path();
    std::fs::write(p.join("b.zip"), b"changed").unwrap();
    let args = ["verify", "--checksums", "SHA256SUMS", "a.zip", "b.zip"];
    let out = offline(p, p, &[&args[..], &["-q"]].concat());
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(stdout(&out), "b.zip: FAILED\n");
    let out = offline(p, p, &[&args[..], &["--status"]].concat());
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stdout(&out).is_empty() && stderr(&out).is_empty(),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = offline(p, p, &[&args[..], &["--json"]].concat());
    assert_eq!(out.status.code(), Some(4));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["files"][0]["status"], "ok");
    assert_eq!(v["files"][0]["verified"], "sha256");
    assert_eq!(v["files"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(v["files"][1]["status"], "failed");
    assert_eq!(v["summary"]["ok"], 1);
    assert_eq!(v["summary"]["failed"], 1);
    // A file nothing was published for passes, unless checksums are required.
    let env = Env::new();
    std::fs::write(env.work().join("Magento-CE-2.0.7.tar.gz"), b"x").unwrap();
    let out = env
        .ee()
        .args(["verify", "Magento-CE-2.0.7.tar.gz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = env
        .ee()
        .args(["verify", "--require-checksum", "Magento-CE-2.0.7.tar.gz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

#[test]
fn deep_catches_a_damaged_archive_whose_published_checksum_matches() {
    let body: Vec<u8> = (0..200_000u32).map(|i| (i * 31 % 251) as u8).collect();
    let good = tar_gz(&[("magento/app/a.php", &body), ("magento/b.txt", b"hello")]);
    let mut damaged = good.clone();
    damaged.truncate(good.len() - 20);
    // The source published the md5 of the damaged bytes: only --deep tells.
    let mut spec = FileSpec::bytes("Magento-CE-9.9.9_sample_data.tar.gz", damaged);
    spec.md5 = Md5::Correct;
    let env = Env::with(Config {
        extra_files: vec![spec, FileSpec::bytes("Magento-CE-9.9.9.tar.gz", good)],
        ..Config::default()
    });
    env.ok(&["download", "-q", "--version", "9.9.9"]);
    let out = env.ok(&[
        "verify",
        "Magento-CE-9.9.9_sample_data.tar.gz",
        "Magento-CE-9.9.9.tar.gz",
    ]);
    assert_eq!(stdout(&out).matches(": OK").count(), 2);
    let out = env
        .ee()
        .args([
            "verify",
            "--deep",
            "Magento-CE-9.9.9_sample_data.tar.gz",
            "Magento-CE-9.9.9.tar.gz",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Magento-CE-9.9.9_sample_data.tar.gz: FAILED (archive: "),
        "{text}"
    );
    assert!(text.contains("Magento-CE-9.9.9.tar.gz: OK"), "{text}");
    // Its checksum did match: the summary says damaged, not mismatched.
    let err = stderr(&out);
    assert!(err.contains("warning: 1 archive is damaged"), "{err}");
    assert!(!err.contains("did NOT match"), "{err}");
}

#[test]
fn the_json_summary_counts_every_failed_file_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("a.zip"), b"a").unwrap();
    std::fs::write(p.join("b.zip"), b"b").unwrap();
    std::fs::write(p.join("c.zip"), b"c").unwrap();
    let sums = format!(
        "{}  a.zip\n{}  b.zip\n{}  gone.zip\n",
        sha256_hex(b"a"),
        sha256_hex(b"not b"),
        sha256_hex(b"gone")
    );
    std::fs::write(p.join("SUMS"), sums).unwrap();
    let out = offline(
        p,
        p,
        &[
            "verify",
            "--json",
            "--checksums",
            "SUMS",
            "a.zip",
            "b.zip",
            "c.zip",
            "gone.zip",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let failed = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "failed")
        .count();
    assert_eq!(failed, 3, "{v}");
    assert_eq!(v["summary"]["failed"], 3, "{v}");
    assert_eq!(v["summary"]["mismatched"], 1, "{v}");
    assert_eq!(v["summary"]["unreadable"], 1, "{v}");
    assert_eq!(v["summary"]["unknown"], 1, "{v}");
    assert_eq!(v["summary"]["ok"], 1, "{v}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
