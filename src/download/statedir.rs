//! A directory's own files, kept in `DIR/.magedl/` where no catalog name can
//! reach (a name with a leading `.` is refused): partial data and resume
//! records under `parts/`, temporary files of atomic writes under `tmp/`.
//! A killed run's leftovers are cleaned by the next run that holds the lock.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The folder's name under the directory a run writes into.
pub const NAME: &str = ".magedl";

/// `ROOT/.magedl/` of the directory a run locks and writes into.
#[derive(Clone, Debug)]
pub struct StateDir {
    root: PathBuf,
}

impl StateDir {
    pub fn new(root: &Path) -> StateDir {
        StateDir {
            root: root.to_path_buf(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.root.join(NAME)
    }

    /// Creates the folders leading to `final_path` under the root, each a
    /// real directory (a planted symlink is refused, never followed).
    pub fn ensure_parents(&self, final_path: &Path) -> Result<()> {
        let rel = final_path.strip_prefix(&self.root).unwrap_or(final_path);
        super::files::ensure_real_dirs(&self.root, rel)
    }

    /// Where the bytes of the file at `final_path` (under the root) live
    /// while incomplete: `.magedl/parts/<path relative to the root>.part`.
    pub fn part_path(&self, final_path: &Path) -> PathBuf {
        let rel = final_path.strip_prefix(&self.root).unwrap_or(final_path);
        let mut p = self.path().join("parts").join(rel).into_os_string();
        p.push(".part");
        PathBuf::from(p)
    }

    /// A file's key in the verification cache: its path under the root.
    pub fn key(&self, final_path: &Path) -> String {
        let rel = final_path.strip_prefix(&self.root).unwrap_or(final_path);
        rel.to_string_lossy().into_owned()
    }

    /// The verification cache of the directory.
    pub fn cache_path(&self) -> PathBuf {
        self.path().join("cache.json")
    }

    /// A private directory for the temporary files of atomic writes.
    pub fn tmp_dir(&self) -> Result<PathBuf> {
        let dir = self.path().join("tmp");
        self.ensure(&dir)?;
        Ok(dir)
    }

    /// Creates `.magedl/` and the folders leading to `dir` inside it, each
    /// a real directory (a planted symlink is refused, never followed).
    pub fn ensure(&self, dir: &Path) -> Result<()> {
        self.ensure_parents(&dir.join("x"))
    }

    /// Removes what a killed run left: temporary files, resume records
    /// whose partial data is gone (the file was placed just before the
    /// kill), partial data without a record (nothing to resume from), and
    /// folders emptied by that. Call only while holding the lock.
    pub fn clean(&self) {
        let base = self.path();
        if !std::fs::symlink_metadata(&base).is_ok_and(|m| m.is_dir()) {
            return;
        }
        let _ = std::fs::remove_dir_all(base.join("tmp"));
        clean_parts(&base.join("parts"));
    }
}

/// One level of `parts/`: returns whether the folder is empty afterwards.
fn clean_parts(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let mut left = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let keep = if meta.is_dir() {
            !clean_parts(&path) || std::fs::remove_dir(&path).is_err()
        } else if let Some(part) = name.strip_suffix(".state") {
            dir.join(part).exists() || std::fs::remove_file(&path).is_err()
        } else if name.ends_with(".part") {
            dir.join(format!("{name}.state")).exists() || std::fs::remove_file(&path).is_err()
        } else {
            // A record's temporary file, or anything else: not ours to keep.
            std::fs::remove_file(&path).is_err()
        };
        left += usize::from(keep);
    }
    left == 0
}

/// A reason to refuse a directory the tool would write into.
pub fn not_a_directory(dir: &Path) -> Error {
    Error::Usage(format!(
        "output directory {} is not a directory",
        dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_live_under_the_state_folder_by_relative_path() {
        let s = StateDir::new(Path::new("/d"));
        assert_eq!(
            s.part_path(Path::new("/d/sub/x.zip")),
            PathBuf::from("/d/.magedl/parts/sub/x.zip.part")
        );
        // A catalog name ending in .part has its own partial name.
        assert_ne!(
            s.part_path(Path::new("/d/x.zip.part")),
            s.part_path(Path::new("/d/x.zip"))
        );
    }

    #[test]
    fn clean_keeps_resumable_pairs_and_drops_orphans() {
        let dir = tempfile::tempdir().unwrap();
        let s = StateDir::new(dir.path());
        let parts = s.path().join("parts");
        std::fs::create_dir_all(parts.join("sub/empty")).unwrap();
        for f in [
            "a.part",
            "a.part.state",
            "placed.part.state",
            "norecord.part",
            "sub/x.part.state.tmp",
        ] {
            std::fs::write(parts.join(f), b"x").unwrap();
        }
        std::fs::create_dir_all(s.path().join("tmp")).unwrap();
        std::fs::write(s.path().join("tmp/SHA256SUMS.1234"), b"x").unwrap();
        s.clean();
        let mut left: Vec<String> = std::fs::read_dir(&parts)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["a.part", "a.part.state"]);
        assert!(!s.path().join("tmp").exists());
    }
}
