//! `magedl sync DIR`: idempotence, SHA256SUMS, pruning, and --mirror serving
//! as a drop-in endpoint.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use super::common::*;

fn sync(env: &Env, dir: &Path, extra: &[&str]) -> std::process::Output {
    env.ee()
        .arg("sync")
        .arg(dir)
        .args(["-q"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn sync_fetches_what_is_missing_then_makes_no_file_request() {
    let env = Env::new();
    let dir = env.work().join("mirror");
    let out = sync(&env, &dir, &["--type", "ce-full", "--type", "ce-patch"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("Magento-CE-2.4.2.tar.gz").exists());
    assert!(dir.join("catalog.json").exists());
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), 9, "{sums}");
    // sha256sum itself accepts the file.
    let check = sha256sum_check(&dir);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    env.srv.clear_requests();
    let out = sync(
        &env,
        &dir,
        &["--type", "ce-full", "--type", "ce-patch", "--json"],
    );
    assert!(out.status.success());
    assert!(
        env.file_requests().is_empty(),
        "a second run fetches nothing"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["summary"]["skipped"], 9);

    // A damaged file is fetched again, and only that one.
    std::fs::write(dir.join("magento-1.9.1.0.tar.gz"), b"damaged").unwrap();
    std::fs::write(dir.join("Magento-CE-2.0.7.tar.gz"), b"damaged too, no md5").unwrap();
    let out = sync(&env, &dir, &["--type", "ce-full", "--type", "ce-patch"]);
    assert!(out.status.success());
    let fetched: Vec<String> = env.file_requests().into_iter().map(|r| r.path).collect();
    assert_eq!(fetched.len(), 2, "{fetched:?}");
}

#[test]
fn files_that_left_the_catalog_are_reported_and_pruned_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let a = Env::with(Config {
        catalog: false,
        extra_files: vec![
            FileSpec::bytes("keep.tar.gz", b"keep".to_vec()),
            FileSpec::bytes("gone.tar.gz", b"gone".to_vec()),
        ],
        ..Config::default()
    });
    assert!(sync(&a, dir.path(), &[]).status.success());
    let b = Env::with(Config {
        catalog: false,
        extra_files: vec![FileSpec::bytes("keep.tar.gz", b"keep".to_vec())],
        ..Config::default()
    });
    let out = b.ee().arg("sync").arg(dir.path()).output().unwrap();
    assert!(out.status.success());
    assert!(stderr(&out).contains("gone.tar.gz is no longer in the catalog"));
    assert!(dir.path().join("gone.tar.gz").exists());
    let out = sync(&b, dir.path(), &["--prune"]);
    assert!(out.status.success());
    assert!(!dir.path().join("gone.tar.gz").exists());
    let sums = std::fs::read_to_string(dir.path().join("SHA256SUMS")).unwrap();
    assert!(!sums.contains("gone") && sums.contains("keep.tar.gz"));
}

/// A minimal static file server over DIR: GET only, percent-decoded paths.
fn serve_static(dir: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let decoded = percent_decode(path.trim_start_matches('/'));
            let mut stream = stream;
            match std::fs::read(dir.join(&decoded)) {
                Ok(body) if !decoded.contains("..") => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(&body);
                }
                _ => {
                    let _ = stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                }
            }
        }
    });
    format!("http://127.0.0.1:{port}/")
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[test]
fn a_mirror_directory_is_a_drop_in_endpoint_without_credentials() {
    let env = Env::new();
    let dir = env.work().join("m");
    let out = sync(&env, &dir, &["--mirror", "--type", "ce-full"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for p in [
        "info/json",
        "info/files",
        "info/versions",
        "info/help",
        "file/Magento-CE-2.0.2+sample_data.zip",
    ] {
        assert!(dir.join(p).exists(), "{p} missing");
    }
    let base = serve_static(dir.clone());
    let other = tempfile::tempdir().unwrap();
    let out = bare(env.home.path(), other.path())
        .args([
            "--endpoint",
            &base,
            "download",
            "-q",
            "--type",
            "ce-full",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["summary"]["downloaded"], 5);
    // The mirror offers only what it holds.
    let out = bare(env.home.path(), other.path())
        .args(["--endpoint", &base, "list", "--format", "names"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 5, "{}", stdout(&out));
    assert_eq!(
        std::fs::read(other.path().join("Magento-CE-2.0.2+sample_data.zip")).unwrap(),
        env.srv
            .file_bytes("Magento-CE-2.0.2+sample_data.zip")
            .unwrap()
    );
}

#[test]
fn sync_recovers_when_a_file_is_republished_under_the_same_name() {
    let env = Env::with(Config {
        catalog: false,
        extra_files: vec![FileSpec::bytes("r.tar.gz", b"version one".to_vec())],
        ..Config::default()
    });
    let dir = env.work().join("s");
    assert!(sync(&env, &dir, &[]).status.success());
    env.srv
        .add_file(FileSpec::bytes("r.tar.gz", b"version two!".to_vec()));
    let out = sync(&env, &dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(dir.join("r.tar.gz")).unwrap(),
        b"version two!"
    );
    env.srv.clear_requests();
    let out = sync(&env, &dir, &[]);
    assert!(out.status.success());
    assert!(env.file_requests().is_empty());
    let check = sha256sum_check(&dir);
    assert!(check.status.success());
}

#[test]
fn sync_refusals_exit_3_with_the_hint() {
    let env = Env::new();
    let out = env
        .ce()
        .arg("sync")
        .arg(env.work().join("s"))
        .args(["--type", "ee-full"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("hint:") && stderr(&out).contains("invoice"));
}

#[test]
fn sha256sums_never_lists_a_file_that_is_not_there() {
    let env = Env::new();
    let dir = env.work().join("s");
    assert!(sync(&env, &dir, &["--type", "ee-full"]).status.success());
    std::fs::remove_file(dir.join("Magento-EE-2.0.4.zip")).unwrap();
    // The CE-only account is refused the EE files: the sync fails...
    let out = env
        .ce()
        .arg("sync")
        .arg(&dir)
        .args(["-q", "--type", "ee-full"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    // ...and SHA256SUMS still checks out.
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    assert!(!sums.contains("Magento-EE-2.0.4.zip"), "{sums}");
    let check = sha256sum_check(&dir);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn sync_asks_for_the_catalog_once_and_snapshots_that_body() {
    let env = Env::new();
    let dir = env.work().join("m");
    let out = sync(&env, &dir, &["--type", "ce-full"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json_requests = env
        .srv
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/info/json"))
        .count();
    assert_eq!(json_requests, 1, "one info/json request per run");
    let snapshot = std::fs::read(dir.join("catalog.json")).unwrap();
    let served = env.ee().args(["info", "json"]).output().unwrap().stdout;
    assert_eq!(snapshot, served);
}

#[test]
fn a_manifest_that_cannot_be_written_leaves_no_temp_file_and_the_report_still_goes_out() {
    let env = Env::new();
    let dir = env.work().join("s");
    // A directory where SHA256SUMS should go: the rename onto it fails.
    std::fs::create_dir_all(dir.join("SHA256SUMS/blocker")).unwrap();
    let out = sync(&env, &dir, &["--type", "ce-patch", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["summary"]["downloaded"], 4, "{report}");
    assert!(
        report["error"].as_str().unwrap().contains("SHA256SUMS"),
        "{report}"
    );
    let tmp = dir.join(".magedl/tmp");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// Rewrites the verification cache's record of `key` to match the file as
/// it is now, as if it had been verified in this state.
fn vouch_in_cache(dir: &Path, key: &str) {
    use std::os::unix::fs::MetadataExt;
    let cache_path = dir.join(".magedl/cache.json");
    let mut cache: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cache_path).unwrap()).unwrap();
    let meta = std::fs::metadata(dir.join(key)).unwrap();
    let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
    cache["files"][key]["stamp"] = serde_json::json!({
        "size": meta.len(),
        "mtime_ns": ns(meta.mtime(), meta.mtime_nsec()),
        "ctime_ns": ns(meta.ctime(), meta.ctime_nsec()),
        "ino": meta.ino(),
        "dev": meta.dev(),
    });
    std::fs::write(&cache_path, serde_json::to_vec(&cache).unwrap()).unwrap();
}

#[test]
fn an_unchanged_file_is_trusted_by_metadata_and_rehash_reads_everything() {
    let env = Env::new();
    let dir = env.work().join("c");
    assert!(sync(&env, &dir, &["--type", "ce-full"]).status.success());
    let name = "Magento-CE-2.4.2.tar.gz";
    let good = std::fs::read(dir.join(name)).unwrap();
    // Same size, other bytes, and a cache that vouches for the file as it
    // now is: a run that trusts metadata cannot notice, one that reads does.
    std::fs::write(dir.join(name), vec![b'Z'; good.len()]).unwrap();
    vouch_in_cache(&dir, name);
    env.srv.clear_requests();
    let out = sync(&env, &dir, &["--type", "ce-full", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(env.file_requests().is_empty(), "trusted without reading");
    let out = sync(&env, &dir, &["--type", "ce-full", "--rehash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let fetched: Vec<String> = env.file_requests().into_iter().map(|r| r.path).collect();
    assert_eq!(fetched.len(), 1, "{fetched:?}");
    assert_eq!(std::fs::read(dir.join(name)).unwrap(), good);
    assert!(sha256sum_check(&dir).status.success());
}

#[test]
fn a_touched_file_is_read_again_and_a_replaced_unpublished_one_fetched_again() {
    let env = Env::new();
    let dir = env.work().join("t");
    assert!(sync(&env, &dir, &["--type", "ce-full"]).status.success());
    // No md5 is published for 2.0.7: only what was recorded can tell.
    let name = "Magento-CE-2.0.7.tar.gz";
    std::fs::write(dir.join(name), b"garbage").unwrap();
    std::fs::remove_file(dir.join("SHA256SUMS")).unwrap();
    env.srv.clear_requests();
    let out = env.download(&["-q", "-o", dir.to_str().unwrap(), name]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.file_requests().len(), 1, "fetched again");
    assert_eq!(
        std::fs::read(dir.join(name)).unwrap(),
        env.srv.file_bytes(name).unwrap()
    );
}
