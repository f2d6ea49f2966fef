//! The command line as a user of curl, wget, aria2c and gh expects it: help
//! grouped with examples, suggestions for typos, input lists, JSON progress,
//! helpful misses, and safe extraction after verification.

use super::common::*;

fn help(args: &[&str]) -> String {
    let out = bare(std::path::Path::new("/nonexistent"), &std::env::temp_dir())
        .args(args)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    stdout(&out)
}

/// The option names (`--x`) of each heading of a help page, in order.
fn sections(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            out.push((line.trim_end_matches(':').to_string(), Vec::new()));
        } else if let Some((_, opts)) = out.last_mut()
            && let Some(long) = line
                .split_whitespace()
                .find(|w| w.starts_with("--"))
                .filter(|_| line.trim_start().starts_with('-'))
        {
            opts.push(long.trim_end_matches(',').to_string());
        }
    }
    out
}

#[test]
fn help_lists_a_commands_own_options_first_and_the_shared_ones_under_headings() {
    let text = help(&["download"]);
    let s = sections(&text);
    let headings: Vec<&str> = s.iter().map(|(h, _)| h.as_str()).collect();
    let at = |h: &str| {
        headings
            .iter()
            .position(|x| *x == h)
            .unwrap_or_else(|| panic!("{h}: {headings:?}"))
    };
    assert!(at("Options") < at("Connection and credentials"));
    assert!(at("Connection and credentials") < at("Output"));
    assert!(at("Output") < at("Examples"));
    let own = &s[at("Options")].1;
    assert!(
        own.contains(&"--output-dir".to_string()) && own.contains(&"--extract".to_string()),
        "{own:?}"
    );
    assert!(!own.contains(&"--mage-id".to_string()), "{own:?}");
    assert!(
        s[at("Connection and credentials")]
            .1
            .contains(&"--mage-id".to_string())
    );
    // Every option has a description.
    let short = {
        let out = bare(std::path::Path::new("/nonexistent"), &std::env::temp_dir())
            .args(["download", "-h"])
            .output()
            .unwrap();
        stdout(&out)
    };
    for line in short.lines().filter(|l| l.trim_start().starts_with('-')) {
        let described = line
            .trim()
            .split_once("  ")
            .map(|x| x.1)
            .is_some_and(|d| !d.trim().is_empty());
        assert!(described, "no description: {line}");
    }
    // Options a command does not use are not offered to it.
    for (cmd, absent) in [
        (
            "url",
            &["--retries", "--proxy", "--timeout", "--progress"][..],
        ),
        ("completions", &["--retries", "--mage-id", "--endpoint"][..]),
        ("list", &["--progress", "--jobs"][..]),
    ] {
        let page = help(&[cmd]);
        for a in absent {
            assert!(!page.contains(a), "{cmd} offers {a}:\n{page}");
        }
    }
    for cmd in [
        "url",
        "info",
        "list",
        "versions",
        "download",
        "verify",
        "sync",
        "completions",
    ] {
        assert!(
            help(&[cmd]).contains("Examples:\n  magedl"),
            "{cmd} has no examples"
        );
    }
}

#[test]
fn a_typo_gets_claps_suggestion_in_one_error_line() {
    let env = Env::new();
    for (args, tip) in [
        (
            &["downlod", "x"][..],
            "a similar subcommand exists: 'download'",
        ),
        (
            &["list", "--typ", "ce-full"][..],
            "a similar argument exists: '--type'",
        ),
    ] {
        let out = env.ee().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        let first = err.lines().next().unwrap();
        assert!(
            first.starts_with("magedl: error: ") && first.contains(tip),
            "{err}"
        );
        assert_eq!(err.lines().count(), 2, "{err}");
    }
}

#[test]
fn input_lists_come_from_a_file_or_stdin_beside_the_named_files() {
    let env = Env::new();
    let list = env.work().join("wanted.txt");
    std::fs::write(
        &list,
        "# nightly\n\nMagento-CE-2.4.2.tar.gz\n  PATCH_SUPEE-6788_CE_1.9.*  \n",
    )
    .unwrap();
    env.ok(&[
        "download",
        "-q",
        "-i",
        list.to_str().unwrap(),
        "Magento-CE-2.0.7.tar.gz",
    ]);
    for f in [
        "Magento-CE-2.4.2.tar.gz",
        "PATCH_SUPEE-6788_CE_1.9.2.1_v1.sh",
        "PATCH_SUPEE-6788_CE_1.9.1.0_v1.sh",
        "Magento-CE-2.0.7.tar.gz",
    ] {
        assert!(env.work().join(f).exists(), "{f}");
    }
    let dir = env.work().join("s");
    let out = env
        .ee()
        .arg("sync")
        .arg(&dir)
        .args(["-q", "-i", "-"])
        .write_stdin("magento-1.9.1.0.tar.gz\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("magento-1.9.1.0.tar.gz").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("SHA256SUMS"))
            .unwrap()
            .lines()
            .count(),
        1
    );
}

#[test]
fn output_to_standard_output_is_refused_with_a_pointer_to_extract() {
    let env = Env::new();
    let out = env.download(&["-o", "-", "Magento-CE-2.4.2.tar.gz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--extract"), "{}", stderr(&out));
    assert!(!env.work().join("-").exists());
    assert!(env.file_requests().is_empty());
}

fn json_events(out: &std::process::Output) -> Vec<serde_json::Value> {
    stderr(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn progress_json_is_one_event_object_a_line() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("j.bin", 3 << 20, 81)],
        status_sequence: vec![(503, Some(0))],
        ..Config::default()
    });
    let out = env.download(&["--progress", "json", "j.bin", "Magento-CE-2.4.2.tar.gz"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let events = json_events(&out);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    for k in ["retry", "start", "progress", "done", "summary"] {
        assert!(kinds.contains(&k), "{k} missing: {kinds:?}");
    }
    assert!(
        events
            .iter()
            .all(|e| e["time"].as_str().is_some_and(|t| t.contains('T')))
    );
    let done = events
        .iter()
        .find(|e| e["event"] == "done" && e["name"] == "j.bin")
        .unwrap();
    assert_eq!(done["bytes"], 3 << 20);
    let retry = events.iter().find(|e| e["event"] == "retry").unwrap();
    assert_eq!(retry["attempt"], 1);
    assert_eq!(events.last().unwrap()["downloaded"], 2);
    assert!(!stderr(&out).contains(EE_TOKEN));
    // A second run: present and verified.
    let out = env.download(&["--progress", "json", "j.bin"]);
    let events = json_events(&out);
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "skipped" && e["name"] == "j.bin"),
        "{events:?}"
    );
    // A failure is an event too.
    let out = env.download(&["--progress", "json", "nope.zip"]);
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr(&out)
            .lines()
            .any(|l| l.contains("\"event\":\"failed\"")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn misses_get_what_was_probably_meant() {
    let env = Env::new();
    let out = env
        .ee()
        .args(["list", "--version", "2.4"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr(&out).contains("--version '2.4.*'"),
        "{}",
        stderr(&out)
    );
    let out = env.download(&["--dry-run", "magento-ce-2.4.2.tar.gz"]);
    assert!(
        stdout(&out).contains("did you mean Magento-CE-2.4.2.tar.gz"),
        "{}",
        stdout(&out)
    );
    let out = env.download(&["magento-ce-2.4.2.tar.gz"]);
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr(&out).contains("did you mean `Magento-CE-2.4.2.tar.gz`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn versions_apart_and_narrowed() {
    let env = Env::new();
    let all = stdout(&env.ok(&["versions"]));
    let (releases, patches) = all
        .split_once("\n\n# versions with patches only\n")
        .unwrap();
    assert_eq!(
        releases.lines().collect::<Vec<_>>(),
        ["2.4.2", "2.3.4", "2.0.7", "2.0.4", "2.0.2", "1.9.1.0"]
    );
    assert!(
        patches.lines().any(|v| v == "2.4.0") && !patches.contains("2.4.2"),
        "{patches}"
    );
    let ee = stdout(&env.ok(&["versions", "--edition", "ee"]));
    assert!(ee.starts_with("2.3.4\n2.0.4\n"), "{ee}");
    let ce_patch = stdout(&env.ok(&["versions", "--type", "ce-patch"]));
    assert!(ce_patch.starts_with("2.4.0\n"), "{ce_patch}");
    assert!(!ce_patch.contains("#"), "{ce_patch}");
}

#[test]
fn json_options_agree_and_an_empty_variable_is_unset() {
    let env = Env::new();
    let a = stdout(&env.ok(&["list", "--json", "--type", "ce-full"]));
    let b = stdout(&env.ok(&["list", "--format", "json", "--type", "ce-full"]));
    assert_eq!(a, b);
    let out = env.ok(&["download", "--dry-run", "--json", "--type", "ce-patch"]);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(plan["files"][0]["status"], "planned");
    assert_eq!(plan["summary"]["planned"], 4);
    let home = tempfile::tempdir().unwrap();
    let out = bare(home.path(), home.path())
        .env("MAGEDL_ENDPOINT", "")
        .env("MAGE_ID", "MAG1")
        .env("MAGE_TOKEN", "tok-xyz")
        .args(["url", "info/help"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "https://MAG1:***@www.magentocommerce.com/products/downloads/info/help\n"
    );
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn extract_unpacks_verified_archives_and_refuses_hostile_ones() {
    let mut unpublished = FileSpec::bytes("raw.tar.gz", tar_gz(&[("raw/x", b"x")]));
    unpublished.md5 = Md5::Empty;
    let mut raw_patch = FileSpec::bytes("raw.patch", b"+x\n".to_vec());
    raw_patch.md5 = Md5::Empty;
    let env = Env::with(Config {
        extra_files: vec![
            FileSpec::bytes(
                "site.tar.gz",
                tar_gz(&[("magento/app/a.php", b"<?php"), ("magento/b.txt", b"b")]),
            ),
            FileSpec::bytes("sample.zip", zip_of(&[("media/c.jpg", b"jpeg")])),
            FileSpec::bytes(
                "evil.zip",
                zip_of(&[("ok.txt", b"ok"), ("../escaped.txt", b"evil")]),
            ),
            unpublished,
            FileSpec::bytes("fix.patch", b"--- a\n+++ b\n".to_vec()),
            raw_patch,
        ],
        ..Config::default()
    });
    let dest = env.work().join("www");
    // A patch among the archives is fetched and verified, not unpacked.
    let out = env.download(&[
        "--progress",
        "line",
        "--extract",
        dest.to_str().unwrap(),
        "fix.patch",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is not an archive"),
        "{}",
        stderr(&out)
    );
    assert!(env.work().join("fix.patch").exists());
    // Nothing vouches for this one, but nothing is unpacked from it either.
    let out = env.download(&["--extract", dest.to_str().unwrap(), "raw.patch"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let d = dest.to_str().unwrap();
    env.ok(&[
        "download",
        "-q",
        "--extract",
        d,
        "site.tar.gz",
        "sample.zip",
    ]);
    assert_eq!(
        std::fs::read(dest.join("magento/app/a.php")).unwrap(),
        b"<?php"
    );
    assert_eq!(std::fs::read(dest.join("media/c.jpg")).unwrap(), b"jpeg");
    // Existing files are kept unless --force.
    std::fs::write(dest.join("magento/b.txt"), b"local edit").unwrap();
    let out = env.download(&["--extract", d, "site.tar.gz"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(dest.join("magento/b.txt")).unwrap(),
        b"local edit"
    );
    env.ok(&["download", "-q", "--force", "--extract", d, "site.tar.gz"]);
    assert_eq!(std::fs::read(dest.join("magento/b.txt")).unwrap(), b"b");
    // A zip-slip entry fails the extraction, named; nothing lands outside.
    let out = env.download(&["--extract", d, "evil.zip"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("../escaped.txt"), "{}", stderr(&out));
    assert!(!env.work().join("escaped.txt").exists());
    assert!(!dest.join("ok.txt").exists(), "nothing half-extracted");
    // What nothing can verify is extracted only with --no-verify.
    let out = env.download(&["--extract", d, "raw.tar.gz"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("--no-verify"), "{}", stderr(&out));
    assert!(!dest.join("raw/x").exists());
    env.ok(&[
        "download",
        "-q",
        "--no-verify",
        "--extract",
        d,
        "raw.tar.gz",
    ]);
    assert_eq!(std::fs::read(dest.join("raw/x")).unwrap(), b"x");
}
