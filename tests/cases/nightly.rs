//! The nightly job as a cron user runs it: manifests that are true after
//! every run, careful pruning, a mirror narrowed to what it holds, editions
//! for a CE-only account, and metrics for monitoring.

use std::path::Path;

use super::common::*;

fn sync(env: &Env, dir: &Path, extra: &[&str]) -> std::process::Output {
    env.ee().arg("sync").arg(dir).args(extra).output().unwrap()
}

fn only(files: Vec<FileSpec>) -> Env {
    Env::with(Config {
        catalog: false,
        extra_files: files,
        ..Config::default()
    })
}

#[test]
fn sha256sums_holds_no_stale_line_after_a_file_left_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let a = only(vec![
        FileSpec::bytes("keep.tar.gz", b"keep".to_vec()),
        FileSpec::bytes("gone.tar.gz", b"gone".to_vec()),
    ]);
    assert!(sync(&a, dir.path(), &["-q"]).status.success());
    let b = only(vec![FileSpec::bytes("keep.tar.gz", b"keep".to_vec())]);
    // The file that left is still there, but SHA256SUMS lists exactly the
    // files of the catalog.
    std::fs::write(dir.path().join("gone.tar.gz"), b"changed locally").unwrap();
    let out = sync(&b, dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sums = std::fs::read_to_string(dir.path().join("SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), 1, "{sums}");
    assert!(sha256sum_check(dir.path()).status.success(), "{sums}");
    // And it is still reported, every night, until pruned.
    let out = sync(&b, dir.path(), &[]);
    assert!(
        stderr(&out).contains("gone.tar.gz is no longer in the catalog"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn prune_dry_run_lists_and_prune_removes_the_directories_it_empties() {
    let dir = tempfile::tempdir().unwrap();
    let a = only(vec![
        FileSpec::bytes("keep.tar.gz", b"keep".to_vec()),
        FileSpec::bytes("patches/old/gone.sh", b"gone".to_vec()),
        FileSpec::bytes("shared/gone2.sh", b"gone2".to_vec()),
    ]);
    assert!(sync(&a, dir.path(), &["-q"]).status.success());
    std::fs::write(dir.path().join("shared/mine.txt"), b"not magedl's").unwrap();
    let b = only(vec![FileSpec::bytes("keep.tar.gz", b"keep".to_vec())]);
    let out = sync(&b, dir.path(), &["--prune", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = stdout(&out);
    assert!(plan.contains("would prune patches/old/gone.sh"), "{plan}");
    assert!(plan.contains("would prune shared/gone2.sh"), "{plan}");
    assert!(!plan.contains("mine.txt"), "{plan}");
    // The same plan as JSON stays one JSON document.
    let out = sync(&b, dir.path(), &["--prune", "--dry-run", "--json"]);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let departed = plan["departed"].as_array().unwrap();
    assert_eq!(departed.len(), 2, "{plan}");
    assert!(departed.iter().all(|d| d["action"] == "prune"), "{plan}");
    assert!(
        dir.path().join("patches/old/gone.sh").exists(),
        "a dry run removes nothing"
    );
    let out = sync(&b, dir.path(), &["--prune", "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !dir.path().join("patches").exists(),
        "emptied directories go too"
    );
    assert!(!dir.path().join("shared/gone2.sh").exists());
    assert!(
        dir.path().join("shared/mine.txt").exists(),
        "never what is not ours"
    );
    assert!(dir.path().join("keep.tar.gz").exists());
}

#[test]
fn prune_never_follows_a_folder_replaced_by_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let a = only(vec![
        FileSpec::bytes("keep.tar.gz", b"keep".to_vec()),
        FileSpec::bytes("shared/gone.sh", b"gone".to_vec()),
    ]);
    assert!(sync(&a, dir.path(), &["-q"]).status.success());
    // The folder now lives elsewhere, with a file of the same name that is
    // not magedl's to remove; DIR/shared is a link to it.
    let victim = elsewhere.path().join("shared");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("gone.sh"), b"someone else's").unwrap();
    std::fs::remove_dir_all(dir.path().join("shared")).unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join("shared")).unwrap();
    let b = only(vec![FileSpec::bytes("keep.tar.gz", b"keep".to_vec())]);
    let out = sync(&b, dir.path(), &["--prune"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        victim.join("gone.sh").exists(),
        "a prune went through the link: {}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("pruned"), "{}", stderr(&out));
}

#[test]
fn a_prune_that_fails_is_reported_as_failed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let a = only(vec![
        FileSpec::bytes("keep.tar.gz", b"keep".to_vec()),
        FileSpec::bytes("locked/gone.tar.gz", b"gone".to_vec()),
    ]);
    let b = only(vec![FileSpec::bytes("keep.tar.gz", b"keep".to_vec())]);
    // Root may unlink anywhere: then the runs are made as nobody, and the
    // folder of the departed file stays root's.
    let root = unsafe { libc::geteuid() } == 0;
    let as_user = |env: &Env, args: &[&str]| {
        let mut cmd = if root {
            let mut c = env.ee_program("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(bin());
            c
        } else {
            env.ee_process()
        };
        cmd.arg("sync").arg(dir.path()).args(args).output().unwrap()
    };
    let out = as_user(&a, &["-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let locked = dir.path().join("locked");
    if root {
        std::os::unix::fs::chown(&locked, Some(0), Some(0)).unwrap();
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = as_user(&b, &["--prune", "--json"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let failed: Vec<&serde_json::Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{report}");
    assert_eq!(failed[0]["name"], "locked/gone.tar.gz");
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("cannot prune"),
        "{report}"
    );
    assert!(locked.join("gone.tar.gz").exists());
}

#[test]
fn a_dry_run_does_not_call_an_unpublished_file_verified() {
    let env = Env::new();
    let dir = env.work().join("d");
    std::fs::create_dir_all(&dir).unwrap();
    // Put there by another tool: nothing can vouch for it.
    std::fs::write(dir.join("Magento-CE-2.0.7.tar.gz"), b"whatever").unwrap();
    let out = env.download(&[
        "--dry-run",
        "-o",
        dir.to_str().unwrap(),
        "Magento-CE-2.0.7.tar.gz",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("would fetch"), "{}", stdout(&out));
}

#[test]
fn a_fresh_mirror_takes_names_with_slashes_and_narrows_its_versions() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::bytes(
            "patches/deep/x.sh",
            b"#!/bin/sh\n".to_vec(),
        )],
        ..Config::default()
    });
    let dir = env.work().join("fresh");
    let out = sync(&env, &dir, &["--mirror", "-q", "--version", "2.0.*"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let versions = std::fs::read_to_string(dir.join("info/versions")).unwrap();
    assert_eq!(
        versions,
        "CE Versions\n-----------\n2.0.7\n2.0.2\n\nEE Versions\n-----------\n2.0.4\n",
    );
    let out = sync(
        &env,
        &env.work().join("deep"),
        &["--mirror", "-q", "patches/deep/x.sh"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(env.work().join("deep/file/patches/deep/x.sh").exists());
}

#[test]
fn editions_narrow_list_download_and_sync() {
    let env = Env::new();
    let names = stdout(&env.ok(&["list", "--edition", "ce", "--format", "names"]));
    assert_eq!(names.lines().count(), 10, "{names}");
    assert!(!names.contains("Magento-EE"), "{names}");
    assert!(
        names.contains("PATCH-1.9.3.0_PHP7"),
        "other belongs to both: {names}"
    );
    let ee = stdout(&env.ok(&["list", "--edition", "ee", "--format", "names"]));
    assert_eq!(ee.lines().count(), 4, "{ee}");
    // A CE-only account's nightly job: refused EE files say what to do...
    let dir = env.work().join("ce");
    let out = env.ce().arg("sync").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("--edition ce"), "{}", stderr(&out));
    // ...and with the edition the job succeeds.
    let out = env
        .ce()
        .arg("sync")
        .arg(&dir)
        .args(["--edition", "ce", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env
        .ce()
        .args([
            "download",
            "-q",
            "--edition",
            "ce",
            "--type",
            "ce-patch",
            "--latest",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn metrics_tell_the_last_run_and_keep_the_last_success() {
    let env = Env::new();
    let dir = env.work().join("m");
    let prom = env.work().join("magedl.prom");
    let out = sync(
        &env,
        &dir,
        &[
            "-q",
            "--type",
            "ce-patch",
            "--metrics",
            prom.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&prom).unwrap();
    for line in [
        "# TYPE magedl_sync_last_run_timestamp_seconds gauge",
        "magedl_sync_files{dir=",
        "status=\"downloaded\"} 4",
        "magedl_sync_exit_code{dir=",
        "} 0\n",
        "magedl_sync_duration_seconds{dir=",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
    let success = text
        .lines()
        .find(|l| l.starts_with("magedl_sync_last_success_timestamp_seconds"))
        .unwrap()
        .to_string();
    // A failed run (the CE account is refused EE files) keeps it.
    let out = env
        .ce()
        .arg("sync")
        .arg(&dir)
        .args([
            "-q",
            "--type",
            "ee-full",
            "--metrics",
            prom.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = std::fs::read_to_string(&prom).unwrap();
    assert!(text.contains(&success), "{text}");
    assert!(
        text.contains("magedl_sync_exit_code{dir=") && text.contains("} 3\n"),
        "{text}"
    );
    let left: Vec<_> = std::fs::read_dir(env.work())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("magedl.prom."))
        .collect();
    assert!(left.is_empty(), "no temporary file: {left:?}");
    // A dry run is not a run: it leaves the metrics as they were.
    let before = std::fs::read_to_string(&prom).unwrap();
    let out = sync(
        &env,
        &dir,
        &["--dry-run", "--metrics", prom.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&prom).unwrap(), before);
}
