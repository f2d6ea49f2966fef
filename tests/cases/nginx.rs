//! Against a real HTTP server: nginx serving a `sync --mirror`-style tree.
//! It checks our range, If-Range and resume logic against an implementation
//! we did not write. CI installs nginx and sets MAGEDL_REQUIRE_NGINX=1, so
//! there a missing nginx fails; elsewhere these tests say they were skipped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::common::*;

const MIB: usize = 1 << 20;

struct Nginx {
    root: tempfile::TempDir,
    port: u16,
}

impl Nginx {
    /// Starts nginx over a fresh tree, or None (with a note) when nginx is
    /// not installed and not required.
    fn start(rate: Option<&str>) -> Option<Nginx> {
        let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists());
        let Some(bin) = bin else {
            assert!(
                std::env::var_os("MAGEDL_REQUIRE_NGINX").is_none(),
                "nginx is required here (apt-get install -y nginx-light)"
            );
            eprintln!("note: nginx not installed; real-server test skipped");
            return None;
        };
        let root = tempfile::Builder::new()
            .prefix("magedl-nginx")
            .tempdir()
            .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        for d in ["www/file", "www/info", "logs"] {
            std::fs::create_dir_all(root.path().join(d)).unwrap();
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let r = root.path().display();
        let limit = rate.map(|r| format!("limit_rate {r};")).unwrap_or_default();
        let conf = format!(
            "worker_processes 1; error_log {r}/logs/error.log; pid {r}/nginx.pid; daemon on;\n\
             events {{ worker_connections 64; }}\n\
             http {{ log_format t '$status \"$http_range\" \"$http_if_range\" $request_uri';\n\
               access_log {r}/logs/access.log t; sendfile on; {limit}\n\
               server {{ listen 127.0.0.1:{port}; root {r}/www; }} }}\n"
        );
        std::fs::write(root.path().join("nginx.conf"), conf).unwrap();
        let status = Command::new(&bin)
            .arg("-p")
            .arg(root.path())
            .args(["-c", "nginx.conf"])
            .status()
            .unwrap();
        assert!(status.success(), "nginx did not start");
        Some(Nginx { root, port })
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Publishes a file and a catalog naming it with its md5.
    fn publish(&self, name: &str, body: &[u8]) {
        let path = self.root.path().join("www/file").join(name);
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, body).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        let md5: String = md5::Md5::digest(body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let json = format!(
            r#"{{"ce-full":{{"9.9.9":[{{"name":"{name}","file_name":"{name}","md5":"{md5}"}}]}}}}"#
        );
        std::fs::write(self.root.path().join("www/info/json"), json).unwrap();
    }

    fn log(&self) -> Vec<String> {
        std::fs::read_to_string(self.root.path().join("logs/access.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("/file/"))
            .map(str::to_string)
            .collect()
    }

    fn cmd(&self, home: &Path, cwd: &Path) -> assert_cmd::Command {
        let mut cmd = bare(home, cwd);
        cmd.env("MAGEDL_ENDPOINT", self.endpoint());
        cmd
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "kill $(cat '{}/nginx.pid')",
                self.root.path().display()
            ))
            .status();
    }
}

use md5::Digest;

/// Starts a single-stream download of c.bin and SIGKILLs it once the resume
/// record shows progress.
fn kill_after_progress(ng: &Nginx, dir: &Path, state: &Path) {
    let mut child = std::process::Command::new(bin())
        .env_clear()
        .env("HOME", dir)
        .env("MAGEDL_ENDPOINT", ng.endpoint())
        .current_dir(dir)
        .args(["download", "-q", "-s", "1", "c.bin"])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_to_string(state).map_or(true, |s| s.contains("\"done\":0")) {
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn body(size: usize, seed: u8) -> Vec<u8> {
    (0..size)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[test]
fn segmented_download_from_nginx_is_identical_and_uses_ranges() {
    let Some(ng) = Nginx::start(None) else { return };
    let data = body(20 * MIB + 3, 1);
    ng.publish("n.bin", &data);
    let dir = tempfile::tempdir().unwrap();
    let out = ng
        .cmd(dir.path(), dir.path())
        .args(["download", "-q", "-s", "4", "n.bin"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(dir.path().join("n.bin")).unwrap() == data);
    let log = ng.log();
    assert_eq!(
        log.iter().filter(|l| l.starts_with("200 ")).count(),
        1,
        "{log:?}"
    );
    let ranges: Vec<String> = log
        .iter()
        .filter(|l| l.starts_with("206 "))
        .map(|l| l.split('"').nth(1).unwrap().to_string())
        .collect();
    assert!(ranges.len() >= 3, "{log:?}");
    assert_ranges_cover_the_rest(&ranges, data.len() as u64);
}

#[test]
fn resume_and_a_changed_file_against_nginx() {
    let Some(ng) = Nginx::start(Some("4m")) else {
        return;
    };
    let v1 = body(12 * MIB, 2);
    ng.publish("c.bin", &v1);
    let dir = tempfile::tempdir().unwrap();
    let state = record(dir.path(), "c.bin");
    kill_after_progress(&ng, dir.path(), &state);

    // Same file: nginx answers the If-Range request with 206.
    let out = ng
        .cmd(dir.path(), dir.path())
        .args(["download", "-q", "c.bin"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(dir.path().join("c.bin")).unwrap() == v1);
    let log = ng.log();
    let resumed = log.last().unwrap();
    assert!(
        resumed.starts_with("206 \"bytes=") && !resumed.contains("\"-\" "),
        "{log:?}"
    );

    // A changed file: the saved part is never mixed with the new bytes.
    std::fs::remove_file(dir.path().join("c.bin")).unwrap();
    kill_after_progress(&ng, dir.path(), &state);
    std::thread::sleep(Duration::from_millis(1100)); // a new mtime, so a new ETag
    let v2 = body(12 * MIB, 3);
    ng.publish("c.bin", &v2);
    let out = ng
        .cmd(dir.path(), dir.path())
        .args(["download", "-q", "c.bin"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read(dir.path().join("c.bin")).unwrap() == v2,
        "the new version, whole"
    );
    let log = ng.log();
    assert!(
        log.iter().rev().take(3).any(|l| l.starts_with("200 ")),
        "{log:?}"
    );
    let _ = std::io::stderr().flush();
}
