//! Checksums: expected values (catalog md5, `--md5`, `--sha256`, checksum
//! files), streaming md5/sha256 hashers that follow a file as it is written,
//! and the `verify` command.

use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::cli::VerifyArgs;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::progress::escape;

/// Block size for reading back and hashing; large blocks keep the digest
/// loops busy rather than the syscalls.
const HASH_BLOCK: usize = 256 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algo {
    Md5,
    Sha256,
}

impl Algo {
    pub fn name(self) -> &'static str {
        match self {
            Algo::Md5 => "md5",
            Algo::Sha256 => "sha256",
        }
    }
}

/// What a file is expected to hash to. The strongest known value decides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    pub md5: Option<String>,
    pub sha256: Option<String>,
}

impl Expected {
    pub fn is_empty(&self) -> bool {
        self.md5.is_none() && self.sha256.is_none()
    }

    /// The algorithm named in the report's `verified` field.
    pub fn strongest(&self) -> Option<Algo> {
        if self.sha256.is_some() {
            Some(Algo::Sha256)
        } else if self.md5.is_some() {
            Some(Algo::Md5)
        } else {
            None
        }
    }

    /// Compares computed digests; the first mismatch is an error (exit 4).
    pub fn check(&self, name: &str, got: &Digests) -> Result<()> {
        let pairs = [
            (Algo::Sha256, &self.sha256, &got.sha256),
            (Algo::Md5, &self.md5, &got.md5),
        ];
        for (algo, want, have) in pairs {
            if let Some(want) = want {
                let have = have.clone().unwrap_or_default();
                if !want.eq_ignore_ascii_case(&have) {
                    return Err(Error::ChecksumMismatch {
                        name: escape(name),
                        algo: algo.name(),
                        expected: want.to_ascii_lowercase(),
                        actual: have,
                    });
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Digests {
    pub md5: Option<String>,
    pub sha256: Option<String>,
}

/// Validates a hex digest given on the command line.
pub fn parse_hex(value: &str, algo: Algo) -> Result<String> {
    let len = match algo {
        Algo::Md5 => 32,
        Algo::Sha256 => 64,
    };
    let v = value.trim().to_ascii_lowercase();
    if v.len() != len || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::Usage(format!(
            "--{} expects {len} hex digits, got `{}`",
            algo.name(),
            escape(value)
        )));
    }
    Ok(v)
}

/// Parses `sha256sum`/`md5sum` output: `HEX  NAME` or `HEX *NAME`, one per
/// line; the algorithm is told by the digest length. Keys are file names as
/// written (a leading `./` removed).
pub fn parse_checksum_file(path: &Path) -> Result<HashMap<String, Expected>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("cannot read checksum file {}: {e}", path.display())))?;
    parse_checksums(&text).map_err(|line| {
        Error::Usage(format!(
            "checksum file {} line {line} is not `HEX  NAME`",
            path.display()
        ))
    })
}

pub fn parse_checksums(text: &str) -> std::result::Result<HashMap<String, Expected>, usize> {
    let mut map: HashMap<String, Expected> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        // BSD style (`sha256sum --tag`): `SHA256 (NAME) = HEX`.
        if let Some((algo, name, hex)) = parse_tagged(line) {
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) || name.is_empty() {
                return Err(i + 1);
            }
            let entry = map.entry(name.to_string()).or_default();
            match algo {
                Algo::Md5 if hex.len() == 32 => entry.md5 = Some(hex.to_ascii_lowercase()),
                Algo::Sha256 if hex.len() == 64 => entry.sha256 = Some(hex.to_ascii_lowercase()),
                _ => return Err(i + 1),
            }
            continue;
        }
        let (hex, rest) = line.split_once(' ').ok_or(i + 1)?;
        let name = rest
            .strip_prefix(' ')
            .or_else(|| rest.strip_prefix('*'))
            .unwrap_or(rest);
        let name = name.strip_prefix("./").unwrap_or(name);
        let algo = match hex.len() {
            32 => Algo::Md5,
            64 => Algo::Sha256,
            _ => return Err(i + 1),
        };
        if name.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(i + 1);
        }
        let entry = map.entry(name.to_string()).or_default();
        let hex = hex.to_ascii_lowercase();
        match algo {
            Algo::Md5 => entry.md5 = Some(hex),
            Algo::Sha256 => entry.sha256 = Some(hex),
        }
    }
    Ok(map)
}

fn parse_tagged(line: &str) -> Option<(Algo, &str, &str)> {
    let (algo, rest) = line.split_once(" (")?;
    let (name, hex) = rest.rsplit_once(") = ")?;
    let algo = match algo {
        "MD5" => Algo::Md5,
        "SHA256" => Algo::Sha256,
        _ => return None,
    };
    Some((algo, name.strip_prefix("./").unwrap_or(name), hex.trim()))
}

/// How far a file's contiguous prefix is written, shared between the writers
/// and the hashing threads.
pub struct Watermark {
    state: Mutex<MarkState>,
    cv: Condvar,
}

struct MarkState {
    written: u64,
    /// The final size once known; the hashers finish there.
    end: Option<u64>,
    aborted: bool,
}

impl Watermark {
    pub fn new() -> Arc<Watermark> {
        Arc::new(Watermark {
            state: Mutex::new(MarkState {
                written: 0,
                end: None,
                aborted: false,
            }),
            cv: Condvar::new(),
        })
    }

    pub fn advance_to(&self, written: u64) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if written > s.written {
            s.written = written;
            self.cv.notify_all();
        }
    }

    /// Everything is written: the hashers read up to `size` and stop.
    pub fn finish(&self, size: u64) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.written = size;
        s.end = Some(size);
        self.cv.notify_all();
    }

    /// The data is being thrown away: the hashers stop without a digest.
    pub fn abort(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.aborted = true;
        self.cv.notify_all();
    }

    /// Blocks until more than `pos` bytes are written; None when aborted or
    /// when `pos` is the end.
    fn wait_beyond(&self, pos: u64) -> Option<u64> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if s.aborted {
                return None;
            }
            if s.written > pos {
                return Some(s.written);
            }
            if s.end.is_some_and(|end| pos >= end) {
                return None;
            }
            s = self.cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn is_complete_at(&self, pos: u64) -> bool {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        !s.aborted && s.end == Some(pos)
    }
}

/// A digest computed on its own thread, reading the file back (from the page
/// cache) as its contiguous prefix grows, so hashing overlaps the transfer
/// and the two digests run on separate cores.
pub struct FollowHasher {
    handle: std::thread::JoinHandle<Option<String>>,
}

impl FollowHasher {
    pub fn spawn(file: File, algo: Algo, mark: Arc<Watermark>) -> FollowHasher {
        let handle = std::thread::spawn(move || match algo {
            Algo::Md5 => follow::<Md5>(&file, &mark),
            Algo::Sha256 => follow::<Sha256>(&file, &mark),
        });
        FollowHasher { handle }
    }

    /// The hex digest, or None if the data was aborted or unreadable.
    pub fn join(self) -> Option<String> {
        self.handle.join().ok().flatten()
    }
}

fn follow<D: Digest>(file: &File, mark: &Watermark) -> Option<String> {
    let mut digest = D::new();
    let mut buf = vec![0u8; HASH_BLOCK];
    let mut pos = 0u64;
    while let Some(written) = mark.wait_beyond(pos) {
        while pos < written {
            let want = ((written - pos) as usize).min(HASH_BLOCK);
            let n = file.read_at(&mut buf[..want], pos).ok()?;
            if n == 0 {
                return None;
            }
            digest.update(&buf[..n]);
            pos += n as u64;
        }
    }
    mark.is_complete_at(pos).then(|| hex(&digest.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Hashes a whole file that is already on disk, both digests in parallel.
pub fn hash_file(path: &Path, want_md5: bool) -> std::io::Result<(u64, Digests)> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    let mark = Watermark::new();
    mark.finish(size);
    let sha = FollowHasher::spawn(file.try_clone()?, Algo::Sha256, mark.clone());
    let md5 = if want_md5 {
        Some(FollowHasher::spawn(
            file.try_clone()?,
            Algo::Md5,
            mark.clone(),
        ))
    } else {
        None
    };
    let md5 = md5.map(FollowHasher::join);
    let sha256 = sha.join();
    if sha256.is_none() || md5.as_ref().is_some_and(Option::is_none) {
        return Err(std::io::Error::other("the file changed while it was read"));
    }
    Ok((
        size,
        Digests {
            md5: md5.flatten(),
            sha256,
        },
    ))
}

/// `magedl verify FILE...`: `PATH: OK` / `PATH: FAILED` lines like
/// `sha256sum -c`; exit 4 on any mismatch.
pub async fn command(cfg: &Config, args: VerifyArgs) -> Result<i32> {
    let expected = expectations(cfg, &args).await?;
    let (mut failed, mut unreadable, mut unknown) = (0, 0, 0);
    let mut out = String::new();
    for path in &args.files {
        let shown = escape(&path.display().to_string());
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                out.push_str(&format!("{shown}: FAILED open or read (not a file)\n"));
                unreadable += 1;
                continue;
            }
            Err(e) => {
                out.push_str(&format!("{shown}: FAILED open or read ({e})\n"));
                unreadable += 1;
                continue;
            }
        }
        let Some(want) = expected(path) else {
            let source = if args.checksums.is_some() {
                "the checksum file"
            } else {
                "the catalog"
            };
            out.push_str(&format!("{shown}: FAILED (not in {source})\n"));
            unknown += 1;
            continue;
        };
        if want.is_empty() {
            out.push_str(&format!("{shown}: unverified (no published checksum)\n"));
            continue;
        }
        let want_md5 = want.md5.is_some();
        let p = path.clone();
        let hashed = tokio::task::spawn_blocking(move || hash_file(&p, want_md5))
            .await
            .map_err(|e| Error::io("hashing", std::io::Error::other(e.to_string())))?;
        match hashed {
            Ok((_, got)) if want.check(&shown, &got).is_ok() => {
                out.push_str(&format!("{shown}: OK\n"));
            }
            Ok(_) => {
                out.push_str(&format!("{shown}: FAILED\n"));
                failed += 1;
            }
            Err(e) => {
                out.push_str(&format!("{shown}: FAILED open or read ({e})\n"));
                unreadable += 1;
            }
        }
    }
    crate::print_out(out.as_bytes())?;
    let total = args.files.len();
    // The spec's order when reasons differ: 4, then 1, then 5.
    if failed > 0 {
        crate::say!("magedl: warning: {failed} of {total} computed checksums did NOT match");
        Ok(4)
    } else if unreadable > 0 {
        crate::say!("magedl: warning: {unreadable} of {total} files could not be read");
        Ok(1)
    } else if unknown > 0 {
        crate::say!("magedl: warning: {unknown} of {total} files have no known checksum");
        Ok(5)
    } else {
        Ok(0)
    }
}

type Lookup = Box<dyn Fn(&Path) -> Option<Expected> + Send>;

async fn expectations(cfg: &Config, args: &VerifyArgs) -> Result<Lookup> {
    let single = match (&args.sha256, &args.md5) {
        (None, None) => None,
        (sha, md5) => Some(Expected {
            sha256: sha
                .as_deref()
                .map(|h| parse_hex(h, Algo::Sha256))
                .transpose()?,
            md5: md5
                .as_deref()
                .map(|h| parse_hex(h, Algo::Md5))
                .transpose()?,
        }),
    };
    if let Some(single) = single {
        if args.files.len() != 1 {
            return Err(Error::Usage("--sha256/--md5 check exactly one file".into()));
        }
        return Ok(Box::new(move |_| Some(single.clone())));
    }
    if let Some(sums) = &args.checksums {
        let map = parse_checksum_file(sums)?;
        let base: PathBuf = sums.parent().map(Path::to_path_buf).unwrap_or_default();
        return Ok(Box::new(move |p: &Path| {
            let as_given = p.to_string_lossy();
            let as_given = as_given.strip_prefix("./").unwrap_or(&as_given).to_string();
            let relative = p
                .strip_prefix(&base)
                .ok()
                .map(|r| r.to_string_lossy().into_owned());
            let file_name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            [Some(as_given), relative, file_name]
                .into_iter()
                .flatten()
                .find_map(|k| map.get(&k).cloned())
        }));
    }
    let client = cfg.client()?;
    let catalog = crate::commands::load_catalog(&client).await?;
    let by_name: HashMap<String, Expected> = catalog
        .releases
        .iter()
        .map(|r| {
            // A release without an md5 maps to an empty expectation: known,
            // but unverifiable.
            let base = r.file_name.rsplit('/').next().unwrap_or(&r.file_name);
            (
                base.to_string(),
                Expected {
                    md5: r.md5.clone(),
                    sha256: None,
                },
            )
        })
        .collect();
    Ok(Box::new(move |p: &Path| {
        let name = p.file_name()?.to_string_lossy().into_owned();
        by_name.get(&name).cloned()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_files_in_both_formats_parse() {
        let text = format!(
            "{}  a.tar.gz\n{} *b+c.zip\n{}  ./d\n",
            "A".repeat(64),
            "b".repeat(32),
            "c".repeat(64)
        );
        let map = parse_checksums(&text).unwrap();
        assert_eq!(
            map["a.tar.gz"].sha256.as_deref(),
            Some("a".repeat(64).as_str())
        );
        assert_eq!(map["b+c.zip"].md5.as_deref(), Some("b".repeat(32).as_str()));
        assert!(map.contains_key("d"));
        let tagged = format!(
            "SHA256 (x y.zip) = {}\nMD5 (z) = {}\n",
            "e".repeat(64),
            "f".repeat(32)
        );
        let map = parse_checksums(&tagged).unwrap();
        assert_eq!(
            map["x y.zip"].sha256.as_deref(),
            Some("e".repeat(64).as_str())
        );
        assert_eq!(map["z"].md5.as_deref(), Some("f".repeat(32).as_str()));
        assert_eq!(parse_checksums("nothex  x\n"), Err(1));
    }

    #[test]
    fn following_hasher_matches_one_shot_digests() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let (size, d) = hash_file(&path, true).unwrap();
        assert_eq!(size, data.len() as u64);
        assert_eq!(d.sha256.unwrap(), hex(&Sha256::digest(&data)));
        assert_eq!(d.md5.unwrap(), hex(&Md5::digest(&data)));
    }

    #[test]
    fn an_aborted_hasher_gives_no_digest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        let mark = Watermark::new();
        let h = FollowHasher::spawn(File::open(&path).unwrap(), Algo::Sha256, mark.clone());
        mark.advance_to(2);
        mark.abort();
        assert_eq!(h.join(), None);
    }

    #[test]
    fn mismatches_name_the_algorithm() {
        let want = Expected {
            md5: Some("0".repeat(32)),
            sha256: None,
        };
        let got = Digests {
            md5: Some("1".repeat(32)),
            sha256: Some("2".repeat(64)),
        };
        let err = want.check("x", &got).unwrap_err();
        assert_eq!(err.exit_code(), 4);
        assert!(err.to_string().contains("md5"));
    }
}
