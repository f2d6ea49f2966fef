//! A `sync --mirror` directory served by real web servers we did not write
//! — nginx, Apache (with the common `AddEncoding x-gzip .gz`), Python's
//! http.server (no ranges), busybox httpd (ranges, but If-Range ignored) —
//! is a drop-in endpoint for list, download (segmented), sync and verify.
//! CI installs the servers and sets MAGEDL_REQUIRE_SERVERS=1, so there a
//! missing one fails; elsewhere a missing server is skipped with a note.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::common::*;

const MIB: u64 = 1 << 20;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Nginx,
    Apache,
    Python,
    Busybox,
}

struct WebServer {
    child: Option<Child>,
    pid_file: Option<PathBuf>,
    port: u16,
    _conf: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn find(candidates: &[&str]) -> Option<PathBuf> {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .or_else(|| {
            let name = Path::new(candidates[0]).file_name()?;
            std::env::var_os("PATH")?
                .to_str()?
                .split(':')
                .map(|d| Path::new(d).join(name))
                .find(|p| p.exists())
        })
}

impl WebServer {
    /// Serves `root` statically, or None (with a note) when the server is
    /// not installed and not required.
    fn start(kind: Kind, root: &Path) -> Option<WebServer> {
        let bin = match kind {
            Kind::Nginx => find(&["/usr/sbin/nginx", "/usr/bin/nginx"]),
            Kind::Apache => find(&["/usr/sbin/apache2", "/usr/sbin/httpd"]),
            Kind::Python => find(&["/usr/bin/python3", "python3"]),
            Kind::Busybox => find(&["/usr/bin/busybox", "/bin/busybox"]),
        };
        let Some(bin) = bin else {
            assert!(
                std::env::var_os("MAGEDL_REQUIRE_SERVERS").is_none(),
                "{kind:?} is required here (.ci/run installs it)"
            );
            eprintln!("note: {kind:?} not installed; real-server test skipped");
            return None;
        };
        let conf = tempfile::Builder::new()
            .prefix("magedl-srv")
            .tempdir()
            .unwrap();
        use std::os::unix::fs::PermissionsExt;
        for d in [conf.path(), root] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let port = free_port();
        let c = conf.path().display();
        let r = root.display();
        let mut pid_file = None;
        let mut cmd = Command::new(&bin);
        match kind {
            Kind::Nginx => {
                std::fs::write(
                    conf.path().join("nginx.conf"),
                    format!(
                        "worker_processes 1; error_log {c}/error.log; pid {c}/nginx.pid; daemon off;\n\
                         events {{ worker_connections 64; }}\n\
                         http {{ access_log off; sendfile on; default_type application/octet-stream;\n\
                           server {{ listen 127.0.0.1:{port}; root {r}; }} }}\n"
                    ),
                )
                .unwrap();
                cmd.arg("-p").arg(conf.path()).args(["-c", "nginx.conf"]);
            }
            Kind::Apache => {
                let m = "/usr/lib/apache2/modules";
                std::fs::write(
                    conf.path().join("httpd.conf"),
                    format!(
                        "ServerRoot \"{c}\"\nServerName localhost\nListen 127.0.0.1:{port}\n\
                         PidFile {c}/httpd.pid\nErrorLog {c}/error.log\n\
                         LoadModule mpm_event_module {m}/mod_mpm_event.so\n\
                         LoadModule authz_core_module {m}/mod_authz_core.so\n\
                         LoadModule mime_module {m}/mod_mime.so\n\
                         User www-data\nGroup www-data\nTypesConfig /etc/mime.types\n\
                         DocumentRoot \"{r}\"\n<Directory \"{r}\">\n  Require all granted\n</Directory>\n\
                         AddEncoding x-gzip .gz\n"
                    ),
                )
                .unwrap();
                cmd.arg("-f")
                    .arg(conf.path().join("httpd.conf"))
                    .arg("-DFOREGROUND");
                pid_file = Some(conf.path().join("httpd.pid"));
            }
            Kind::Python => {
                cmd.args([
                    "-m",
                    "http.server",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--directory",
                ])
                .arg(root);
            }
            Kind::Busybox => {
                cmd.args(["httpd", "-f", "-p", &format!("127.0.0.1:{port}"), "-h"])
                    .arg(root);
            }
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = WebServer {
            child: Some(child),
            pid_file,
            port,
            _conf: conf,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "{kind:?} did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for WebServer {
    fn drop(&mut self) {
        // Apache's workers outlive the parent unless it is told to stop.
        if let Some(pid) = self
            .pid_file
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|s| s.trim().parse::<i32>().ok())
        {
            // SAFETY: signalling the server this test started.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A mirror of the double's CE releases plus a 12 MiB file, made by sync.
fn mirror(env: &Env) -> PathBuf {
    let dir = env.work().join("mirror");
    let out = env
        .ee()
        .args(["sync", "-q", "--mirror", "--type", "ce-full"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    dir
}

fn serve_and_use(kind: Kind) {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated(
            "Magento-CE-9.9.9-big.tar.gz",
            12 * MIB,
            91,
        )],
        ..Config::default()
    });
    let dir = mirror(&env);
    let Some(server) = WebServer::start(kind, &dir) else {
        return;
    };
    let client_dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = bare(env.home.path(), client_dir.path())
            .env("MAGEDL_ENDPOINT", server.endpoint())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{kind:?}: magedl {args:?} exited {:?}: {}",
            out.status.code(),
            stderr(&out)
        );
        out
    };
    // The mirror offers exactly what it holds.
    let names = stdout(&run(&["list", "--format", "names"]));
    assert_eq!(names.lines().count(), 6, "{kind:?}: {names}");
    // Segmented where the server allows it, verified, byte-identical.
    run(&["download", "-q", "-s", "4", "--type", "ce-full"]);
    for name in names.lines() {
        let got = std::fs::read(client_dir.path().join(name)).unwrap();
        assert!(
            got == env.srv.file_bytes(name).unwrap(),
            "{kind:?}: {name} differs"
        );
    }
    // Verify against the mirror's catalog, and a second-level sync.
    let report = stdout(&run(&[
        "verify",
        "Magento-CE-9.9.9-big.tar.gz",
        "Magento-CE-2.4.2.tar.gz",
    ]));
    assert_eq!(report.matches(": OK").count(), 2, "{kind:?}: {report}");
    let second = client_dir.path().join("second");
    run(&["sync", "-q", second.to_str().unwrap()]);
    assert!(sha256sum_check(&second).status.success(), "{kind:?}");
}

#[test]
fn nginx_serves_a_mirror() {
    serve_and_use(Kind::Nginx);
}

#[test]
fn apache_with_addencoding_serves_a_mirror() {
    serve_and_use(Kind::Apache);
}

#[test]
fn python_http_server_serves_a_mirror() {
    serve_and_use(Kind::Python);
}

#[test]
fn busybox_httpd_serves_a_mirror() {
    serve_and_use(Kind::Busybox);
}
