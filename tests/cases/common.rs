//! The command factory and sandbox every test uses: a blank HOME, no
//! credentials or proxies from the developer's environment, a fresh double.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
pub use fake_endpoint::{
    AuthFail, CE_TOKEN, CE_USER, Config, EE_TOKEN, EE_USER, FileSpec, Listener, Md5, OtherShape,
    RecordedRequest, Redirect, Server,
};
use tempfile::TempDir;

/// Variables that must never leak in from the machine running the tests.
const SCRUBBED: &[&str] = &[
    "MAGE_ID",
    "MAGE_TOKEN",
    "NETRC",
    "MAGEDL_ENDPOINT",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "RUST_LOG",
];

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_magedl"))
}

/// The one command factory: the binary with a blank environment for
/// credentials and proxies, HOME in `home`, run in `cwd`.
pub fn process(home: &Path, cwd: &Path) -> std::process::Command {
    scrubbed(bin(), home, cwd)
}

/// Any program with the environment of [`process`].
fn scrubbed(
    program: impl AsRef<std::ffi::OsStr>,
    home: &Path,
    cwd: &Path,
) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    for var in SCRUBBED {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home).env("NO_COLOR", "1").current_dir(cwd);
    cmd
}

/// [`process`] as an assert_cmd command, with a timeout.
pub fn bare(home: &Path, cwd: &Path) -> Command {
    let mut cmd = Command::from_std(process(home, cwd));
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// A double, a blank HOME and a working directory for one test.
pub struct Env {
    pub srv: Server,
    pub home: TempDir,
    pub work: TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env::with(Config::default())
    }

    pub fn with(cfg: Config) -> Env {
        Env {
            srv: Server::start(cfg),
            home: tempfile::tempdir().unwrap(),
            work: tempfile::tempdir().unwrap(),
        }
    }

    pub fn work(&self) -> &Path {
        self.work.path()
    }

    /// The binary aimed at the double, with no credentials.
    pub fn anon(&self) -> Command {
        let mut cmd = bare(self.home.path(), self.work.path());
        cmd.env("MAGEDL_ENDPOINT", self.srv.base_url());
        cmd
    }

    /// With the partner (CE + EE) account from the environment.
    pub fn ee(&self) -> Command {
        let mut cmd = self.anon();
        cmd.env("MAGE_ID", EE_USER).env("MAGE_TOKEN", EE_TOKEN);
        cmd
    }

    /// With the CE-only account.
    pub fn ce(&self) -> Command {
        let mut cmd = self.anon();
        cmd.env("MAGE_ID", CE_USER).env("MAGE_TOKEN", CE_TOKEN);
        cmd
    }

    /// The binary aimed at the double with the partner (CE + EE) account, as
    /// a plain process (for tests that signal it or close its pipes).
    pub fn ee_process(&self) -> std::process::Command {
        self.ee_program(bin())
    }

    /// Any program with the environment of [`Env::ee_process`].
    pub fn ee_program(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut cmd = scrubbed(program, self.home.path(), self.work());
        cmd.env("MAGEDL_ENDPOINT", self.srv.base_url())
            .env("MAGE_ID", EE_USER)
            .env("MAGE_TOKEN", EE_TOKEN);
        cmd
    }

    /// Starts magedl in the background with the partner account, so a test
    /// can signal or kill it mid-transfer.
    pub fn spawn_ee(&self, args: &[&str]) -> std::process::Child {
        self.ee_process()
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    }

    /// `magedl download ARGS` with the partner account.
    pub fn download(&self, args: &[&str]) -> std::process::Output {
        self.ee().arg("download").args(args).output().unwrap()
    }

    /// Runs magedl with the partner account and asserts success.
    pub fn ok(&self, args: &[&str]) -> std::process::Output {
        let out = self.ee().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "magedl {args:?} exited {:?}: {}",
            out.status.code(),
            stderr(&out)
        );
        out
    }

    /// Runs `sh -c "PRELUDE; exec magedl ARGS"` with the partner account, for
    /// limits a test must set in the child (umask, ulimit).
    pub fn shell_ee(&self, prelude: &str, args: &str) -> std::process::Output {
        self.ee_program("sh")
            .arg("-c")
            .arg(format!("{prelude}; exec \"$0\" {args}"))
            .arg(bin())
            .output()
            .unwrap()
    }

    /// The file on disk equals the double's current body.
    pub fn assert_identical(&self, name: &str) {
        let got = std::fs::read(self.work().join(name)).unwrap();
        let want = self.srv.file_bytes(name).unwrap();
        assert!(
            got == want,
            "{name}: {} bytes on disk, {} at the source",
            got.len(),
            want.len()
        );
    }

    /// Requests for `file/...` paths (on either listener, `cdn/` included).
    pub fn file_requests(&self) -> Vec<RecordedRequest> {
        self.srv
            .requests()
            .into_iter()
            .filter(|r| r.path.contains("/file/") || r.path.contains("/cdn/"))
            .collect()
    }
}

/// Where magedl keeps the partial data of `name` while it downloads into
/// `dir` (the folder is created, so that a test can plant a file there).
pub fn part(dir: &Path, name: &str) -> PathBuf {
    parts_file(dir, &format!("{name}.part"))
}

/// The resume record beside [`part`].
pub fn record(dir: &Path, name: &str) -> PathBuf {
    parts_file(dir, &format!("{name}.part.state"))
}

fn parts_file(dir: &Path, file: &str) -> PathBuf {
    let path = dir.join(".magedl/parts").join(file);
    let _ = std::fs::create_dir_all(path.parent().unwrap());
    path
}

/// The `(start, end)` of a `Range: bytes=START-END` header (inclusive end).
pub fn parse_range(header: &str) -> (u64, u64) {
    let (a, b) = header
        .strip_prefix("bytes=")
        .and_then(|r| r.split_once('-'))
        .unwrap_or_else(|| panic!("not an exact range: {header}"));
    (a.parse().unwrap(), b.parse().unwrap())
}

/// The range requests of a pieced download that the first answer fed from
/// byte 0: each exact and inside the file, none from 0, and together they
/// cover everything from the first of them to the end without a gap (a
/// split piece is asked for twice, in part).
pub fn assert_ranges_cover_the_rest(ranges: &[String], size: u64) {
    let mut spans: Vec<(u64, u64)> = ranges.iter().map(|r| parse_range(r)).collect();
    spans.sort_unstable();
    assert!(!spans.is_empty(), "no range request");
    assert!(
        spans.iter().all(|&(a, b)| 0 < a && a <= b && b < size),
        "{ranges:?}"
    );
    let mut covered = spans[0].0;
    for &(a, b) in &spans {
        assert!(a <= covered, "a gap before byte {a}: {ranges:?}");
        covered = covered.max(b + 1);
    }
    assert_eq!(covered, size, "{ranges:?}");
}

/// `sha256sum --check --strict` over DIR/SHA256SUMS.
pub fn sha256sum_check(dir: &Path) -> std::process::Output {
    std::process::Command::new("sha256sum")
        .args(["--check", "--strict", "--quiet", "SHA256SUMS"])
        .current_dir(dir)
        .output()
        .unwrap()
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The Basic value the double should see for an account.
pub fn basic(user: &str, token: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{token}"))
    )
}

/// Every file under `dir`, recursively, with its contents.
pub fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                let bytes = std::fs::read(&p).unwrap_or_default();
                out.push((p, bytes));
            }
        }
    }
    out
}

/// A .tar.gz of these entries (mode 0644), built in the test.
pub fn tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (name, body) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, *body).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}
