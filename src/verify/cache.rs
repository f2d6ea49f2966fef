//! The verification cache of a directory (`DIR/.magedl/cache.json`): for
//! each file placed or verified, its size, modification and change times,
//! inode and device, and its digests. A file whose metadata is unchanged
//! since is trusted without being read again — as rsync, git and make decide
//! by metadata — so a nightly run with nothing new reads no archive. A
//! missing, stale or corrupt cache only costs time: anything that does not
//! match is read and hashed again (`sync --rehash` reads everything).

use std::collections::BTreeMap;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Digests;

const FORMAT: u32 = 1;

/// What identifies one state of a file on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
    dev: u64,
}

impl Stamp {
    fn of(meta: &Metadata) -> Stamp {
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Stamp {
            size: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
            ino: meta.ino(),
            dev: meta.dev(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    md5: Option<String>,
    sha256: Option<String>,
}

#[derive(Default, Serialize, Deserialize)]
struct File {
    format: u32,
    files: BTreeMap<String, Entry>,
}

/// The cache of one directory, keyed by path relative to it.
pub struct Cache {
    path: PathBuf,
    files: BTreeMap<String, Entry>,
    dirty: bool,
}

impl Cache {
    /// Reads the cache; anything unreadable is an empty cache.
    pub fn load(path: &Path) -> Cache {
        let files = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<File>(&bytes).ok())
            .filter(|f| f.format == FORMAT)
            .map(|f| f.files)
            .unwrap_or_default();
        Cache {
            path: path.to_path_buf(),
            files,
            dirty: false,
        }
    }

    /// The digests recorded for `key` if the file's metadata is exactly as
    /// it was when they were computed.
    pub fn trusted(&self, key: &str, meta: &Metadata) -> Option<Digests> {
        let entry = self.files.get(key)?;
        (entry.stamp == Stamp::of(meta)).then(|| Digests {
            md5: entry.md5.clone(),
            sha256: entry.sha256.clone(),
        })
    }

    /// The sha256 recorded for `key`, whatever the file looks like now: a
    /// file without a published checksum is held against it.
    pub fn recorded_sha256(&self, key: &str) -> Option<String> {
        self.files.get(key)?.sha256.clone()
    }

    /// Records the digests read from the file at `key` if it is still as
    /// `before` described it when the read began (the same stamp the cache
    /// trusts by): a file changed while it was read is not vouched for.
    pub fn record_if_unchanged(
        &mut self,
        key: &str,
        before: &Metadata,
        now: &Metadata,
        digests: &Digests,
    ) {
        if Stamp::of(before) == Stamp::of(now) {
            self.record(key, now, digests);
        }
    }

    /// Records that the file at `key`, as `meta` describes it, has these
    /// digests (computed or verified by this run).
    pub fn record(&mut self, key: &str, meta: &Metadata, digests: &Digests) {
        let entry = Entry {
            stamp: Stamp::of(meta),
            md5: digests.md5.clone(),
            sha256: digests.sha256.clone(),
        };
        self.files.insert(key.to_string(), entry);
        self.dirty = true;
    }

    /// Every file the cache knows: the files this tool placed or verified.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Forgets a file (failed, removed, or no longer trusted).
    pub fn forget(&mut self, key: &str) {
        self.dirty |= self.files.remove(key).is_some();
    }

    /// The bytes to write when something changed.
    pub fn to_save(&self) -> Option<(&Path, Vec<u8>)> {
        if !self.dirty {
            return None;
        }
        let file = File {
            format: FORMAT,
            files: self.files.clone(),
        };
        Some((&self.path, serde_json::to_vec(&file).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digests() -> Digests {
        Digests {
            md5: Some("0".repeat(32)),
            sha256: Some("1".repeat(64)),
        }
    }

    #[test]
    fn a_file_rewritten_while_read_is_not_recorded_even_with_its_mtime_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a");
        std::fs::write(&f, b"abc").unwrap();
        let before = std::fs::metadata(&f).unwrap();
        let mut cache = Cache::load(&dir.path().join("cache.json"));
        cache.record_if_unchanged("a", &before, &std::fs::metadata(&f).unwrap(), &digests());
        assert_eq!(cache.recorded_sha256("a"), digests().sha256);
        let mut cache = Cache::load(&dir.path().join("cache.json"));
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&f, b"xyz").unwrap();
        let file = std::fs::File::options().write(true).open(&f).unwrap();
        file.set_modified(before.modified().unwrap()).unwrap();
        let now = std::fs::metadata(&f).unwrap();
        assert_eq!(now.modified().unwrap(), before.modified().unwrap());
        cache.record_if_unchanged("a", &before, &now, &digests());
        assert_eq!(cache.recorded_sha256("a"), None);
    }

    #[test]
    fn an_unchanged_file_is_trusted_and_a_touched_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a");
        std::fs::write(&f, b"abc").unwrap();
        let mut cache = Cache::load(&dir.path().join("cache.json"));
        cache.record("a", &std::fs::metadata(&f).unwrap(), &digests());
        assert_eq!(
            cache.trusted("a", &std::fs::metadata(&f).unwrap()),
            Some(digests())
        );
        // Same size, new content: the times and the change time move.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&f, b"xyz").unwrap();
        assert_eq!(cache.trusted("a", &std::fs::metadata(&f).unwrap()), None);
        assert_eq!(cache.recorded_sha256("a"), digests().sha256);
        // Replaced by another file under the same name: another inode.
        let g = dir.path().join("g");
        std::fs::write(&g, b"abc").unwrap();
        cache.record("a", &std::fs::metadata(&f).unwrap(), &digests());
        std::fs::rename(&g, &f).unwrap();
        assert_eq!(cache.trusted("a", &std::fs::metadata(&f).unwrap()), None);
    }

    #[test]
    fn a_saved_cache_loads_and_a_corrupt_one_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a");
        std::fs::write(&f, b"abc").unwrap();
        let path = dir.path().join("cache.json");
        let mut cache = Cache::load(&path);
        assert!(cache.to_save().is_none(), "nothing to save");
        cache.record("a", &std::fs::metadata(&f).unwrap(), &digests());
        let (to, bytes) = cache.to_save().unwrap();
        std::fs::write(to, bytes).unwrap();
        let again = Cache::load(&path);
        assert_eq!(
            again.trusted("a", &std::fs::metadata(&f).unwrap()),
            Some(digests())
        );
        std::fs::write(&path, b"{ not json").unwrap();
        assert!(Cache::load(&path).files.is_empty());
    }
}
