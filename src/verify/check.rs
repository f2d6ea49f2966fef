//! `verify`'s engine: where each file's expected checksum comes from (the
//! command line, a checksum file, the catalog), the check of each file —
//! read once for both digests — and, with `--deep`, of the archive inside;
//! returned as verdicts for the handler to show.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use futures_util::StreamExt;

use super::{Digests, Expected, Verified, hash_file};
use crate::catalog::Catalog;

/// Where the expected checksum of a file on disk comes from.
pub enum Lookup {
    /// `--sha256`/`--md5`: one file, these values.
    Single(Expected),
    /// A checksum file: entries by path relative to its directory, or by
    /// name when only one entry has that name.
    Sums {
        map: HashMap<String, Expected>,
        /// The checksum file's directory, resolved.
        base: PathBuf,
    },
    /// The catalog, by file name (a release without an md5 is known but
    /// unverifiable).
    Catalog(HashMap<String, Expected>),
}

impl Lookup {
    pub fn from_catalog(catalog: &Catalog) -> Lookup {
        Lookup::Catalog(
            catalog
                .releases
                .iter()
                .map(|r| {
                    let base = r.file_name.rsplit('/').next().unwrap_or(&r.file_name);
                    (base.to_string(), Expected::from(r))
                })
                .collect(),
        )
    }

    /// Entries of a checksum file whose paths are relative to `base`.
    pub fn from_sums(map: HashMap<String, Expected>, base: &Path) -> Lookup {
        let base = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
        Lookup::Sums { map, base }
    }

    fn expected(&self, p: &Path) -> Option<Expected> {
        match self {
            Lookup::Single(e) => Some(e.clone()),
            Lookup::Sums { map, base } => sums_entry(map, base, p),
            Lookup::Catalog(by_name) => {
                let name = p.file_name()?.to_string_lossy().into_owned();
                by_name.get(&name).cloned()
            }
        }
    }
}

/// A file's entry in a checksum file: by its path relative to the file's
/// directory (whatever path names it), as written, or by its name alone
/// when exactly one entry has that name.
fn sums_entry(map: &HashMap<String, Expected>, base: &Path, p: &Path) -> Option<Expected> {
    let as_given = p.to_string_lossy();
    let as_given = as_given.strip_prefix("./").unwrap_or(&as_given).to_string();
    let relative = p
        .canonicalize()
        .ok()
        .and_then(|real| real.strip_prefix(base).ok().map(Path::to_path_buf))
        .map(|r| r.to_string_lossy().into_owned());
    if let Some(e) = [relative, Some(as_given)]
        .into_iter()
        .flatten()
        .find_map(|k| map.get(&k))
    {
        return Some(e.clone());
    }
    let name = p.file_name()?.to_string_lossy().into_owned();
    let mut same_name = map
        .iter()
        .filter(|(k, _)| k.rsplit('/').next() == Some(name.as_str()));
    match (same_name.next(), same_name.next()) {
        (Some((_, e)), None) => Some(e.clone()),
        _ => None,
    }
}

/// How one file on disk fared.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// The digests do not match.
    Mismatch,
    /// The checksum matched (or none was published), but the archive is
    /// damaged (`--deep`); the reason names the entry.
    Damaged(String),
    /// Not a file, or unreadable (the reason).
    Unreadable(String),
    /// Neither the catalog nor the checksum file knows it.
    Unknown,
    /// Known, but nothing was published to check it against.
    Unverified,
}

/// The check of one file.
pub struct Verdict {
    pub path: PathBuf,
    pub outcome: Outcome,
    pub bytes: u64,
    pub digests: Digests,
    /// What the check was against.
    pub verified: Verified,
    pub seconds: f64,
}

/// Checks the files, several at once (each read once for both digests, on
/// its own threads), and returns the verdicts in the order given.
pub async fn check_files(files: &[PathBuf], lookup: &Lookup, deep: bool) -> Vec<Verdict> {
    let at_once = std::thread::available_parallelism().map_or(2, |n| n.get());
    futures_util::stream::iter(files.iter().cloned())
        .map(|path| {
            let expected = lookup.expected(&path);
            tokio::task::spawn_blocking(move || check_one(path, expected, deep))
        })
        .buffered(at_once)
        .map(|joined| joined.unwrap_or_else(|e| panic_verdict(&e.to_string())))
        .collect()
        .await
}

fn panic_verdict(why: &str) -> Verdict {
    Verdict {
        path: PathBuf::new(),
        outcome: Outcome::Unreadable(format!("the check failed: {why}")),
        bytes: 0,
        digests: Digests::default(),
        verified: Verified::Unverified,
        seconds: 0.0,
    }
}

fn check_one(path: PathBuf, expected: Option<Expected>, deep: bool) -> Verdict {
    let started = Instant::now();
    let mut verdict = Verdict {
        path,
        outcome: Outcome::Unknown,
        bytes: 0,
        digests: Digests::default(),
        verified: Verified::Unverified,
        seconds: 0.0,
    };
    verdict.outcome = judge(&mut verdict, expected, deep);
    verdict.seconds = started.elapsed().as_secs_f64();
    verdict
}

fn judge(v: &mut Verdict, expected: Option<Expected>, deep: bool) -> Outcome {
    match std::fs::metadata(&v.path) {
        Ok(m) if m.is_file() => v.bytes = m.len(),
        Ok(_) => return Outcome::Unreadable("not a file".into()),
        Err(e) => return Outcome::Unreadable(e.to_string()),
    }
    let Some(want) = expected else {
        return Outcome::Unknown;
    };
    if !want.is_empty() {
        match hash_file(&v.path, want.md5.is_some()) {
            Ok((_, got)) => v.digests = got,
            Err(e) => return Outcome::Unreadable(e.to_string()),
        }
        if want.check("", &v.digests).is_err() {
            return Outcome::Mismatch;
        }
        v.verified = want.strongest();
    }
    if deep && let Err(damage) = crate::archive::check(&v.path) {
        return Outcome::Damaged(damage.to_string());
    }
    if want.is_empty() {
        Outcome::Unverified
    } else {
        Outcome::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(c: char) -> Expected {
        Expected {
            md5: None,
            sha256: Some(c.to_string().repeat(64)),
        }
    }

    #[test]
    fn sums_entries_match_by_relative_path_or_unique_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        for f in ["sub/a.zip", "b.zip", "sub/b.zip"] {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        let map: HashMap<String, Expected> = [
            ("sub/a.zip".to_string(), expected('a')),
            ("b.zip".to_string(), expected('b')),
            ("sub/b.zip".to_string(), expected('c')),
        ]
        .into();
        let lookup = Lookup::from_sums(map, dir.path());
        let abs = dir.path().join("sub/a.zip");
        assert_eq!(lookup.expected(&abs), Some(expected('a')), "absolute path");
        assert_eq!(
            lookup.expected(&dir.path().join("sub/b.zip")),
            Some(expected('c'))
        );
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("a.zip"), b"x").unwrap();
        assert_eq!(
            lookup.expected(&elsewhere.path().join("a.zip")),
            Some(expected('a')),
            "the only entry of that name"
        );
        std::fs::write(elsewhere.path().join("b.zip"), b"x").unwrap();
        assert_eq!(
            lookup.expected(&elsewhere.path().join("b.zip")),
            None,
            "two entries named b.zip"
        );
    }
}
