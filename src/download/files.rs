//! The file system side of a download: names that cannot escape the output
//! directory, partial files that are never written through a planted link,
//! atomic placement, and the per-directory lock.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::text::escape;

/// Checks a catalog or command-line name and returns its path relative to
/// the output directory. `/` maps to subdirectories only when every part is
/// a plain name.
pub fn safe_relative_path(name: &str) -> std::result::Result<PathBuf, String> {
    let refuse = |why: &str| Err(format!("refusing file name `{}`: {why}", escape(name)));
    if name.is_empty() {
        return refuse("empty");
    }
    if name.contains('\\') {
        return refuse("it contains a backslash");
    }
    if name.chars().any(char::is_control) {
        return refuse("it contains control characters");
    }
    if name.starts_with('/') {
        return refuse("it is an absolute path");
    }
    let mut rel = PathBuf::new();
    for part in name.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return refuse("it has an empty, `.` or `..` path part");
        }
        if part.starts_with('.') || part.starts_with('-') {
            return refuse("a part starts with `.` or `-`");
        }
        if part.len() > 255 {
            return refuse("a part is longer than 255 bytes");
        }
        rel.push(part);
    }
    debug_assert!(rel.components().all(|c| matches!(c, Component::Normal(_))));
    Ok(rel)
}

/// Creates the subdirectories of `rel` under `dir`, refusing any that is a
/// symlink (or not a directory): a planted link must not lead the write
/// outside the output directory.
pub fn ensure_real_dirs(dir: &Path, rel: &Path) -> Result<()> {
    let mut current = dir.to_path_buf();
    let Some(parent) = rel.parent() else {
        return Ok(());
    };
    for part in parent.components() {
        current.push(part);
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_dir() => {}
            Ok(_) => {
                return Err(Error::Protocol(format!(
                    "refusing to write through {}: not a plain directory",
                    escape(&current.display().to_string())
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&current)
                    .map_err(|e| Error::io(format!("cannot create {}", current.display()), e))?;
            }
            Err(e) => {
                return Err(Error::io(
                    format!("cannot inspect {}", current.display()),
                    e,
                ));
            }
        }
    }
    Ok(())
}

/// A fresh partial file: whatever sits at the path (a planted symlink or hard
/// link included) is unlinked, never followed, and a new file is created
/// exclusively, private (0600) until it is placed.
pub fn create_part(path: &Path) -> Result<File> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::io(format!("cannot replace {}", path.display()), e));
        }
        _ => {}
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))
}

/// The mode a new file gets from the umask (0666 & !umask), read from
/// /proc so that no thread ever sees a changed umask.
fn umask_mode() -> u32 {
    static MODE: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *MODE.get_or_init(|| {
        let from_proc = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                let line = s.lines().find(|l| l.starts_with("Umask:"))?;
                u32::from_str_radix(line.trim_start_matches("Umask:").trim(), 8).ok()
            });
        let umask = from_proc.unwrap_or(0o022);
        0o666 & !umask
    })
}

/// Reopens a partial file for resuming, only if it is a plain file of ours:
/// not a symlink (O_NOFOLLOW) and not hard-linked elsewhere.
pub fn reopen_part(path: &Path) -> Option<File> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .ok()?;
    let meta = file.metadata().ok()?;
    (meta.is_file() && meta.nlink() == 1).then_some(file)
}

/// Reserves the blocks up front so a full disk is reported at the start.
pub fn preallocate(file: &File, size: u64) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    if size == 0 {
        return Ok(());
    }
    let Ok(len) = libc::off_t::try_from(size) else {
        return Ok(());
    };
    // SAFETY: the descriptor is open for writing and owned by `file`.
    let rc = unsafe { libc::posix_fallocate(file.as_raw_fd(), 0, len) };
    match rc {
        0 => Ok(()),
        libc::EOPNOTSUPP | libc::EINVAL => file.set_len(size),
        errno => Err(std::io::Error::from_raw_os_error(errno)),
    }
}

/// Moves a complete, verified partial file to its final name: fsync the
/// data, then rename (replacing, never writing through, whatever was
/// there), so the name never shows bytes that are not on disk. The rename
/// itself survives a crash once the directory is synced ([`sync_dir`]):
/// a run syncs each directory once, after its files are placed.
pub fn place(file: &File, part: &Path, final_path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(umask_mode()))
        .map_err(|e| Error::io(format!("cannot set the mode of {}", part.display()), e))?;
    file.sync_all()
        .map_err(|e| Error::io(format!("cannot flush {}", part.display()), e))?;
    std::fs::rename(part, final_path).map_err(|e| {
        Error::io(
            format!("cannot rename into place {}", final_path.display()),
            e,
        )
    })
}

/// Makes the renames into `dir` durable.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes `bytes` to `path` through a private temporary file in `tmp_dir`
/// (same filesystem), fsynced and renamed into place with the umask's mode:
/// readers see the old or the new content, never a torn one. The temporary
/// file is removed on any failure.
pub fn write_atomic(tmp_dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let base = path.file_name().unwrap_or_default().to_string_lossy();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = tmp_dir.join(format!("{base}.{}.{n}", std::process::id()));
    let written = (|| {
        let mut f = create_part(&tmp)?;
        let io = |e| Error::io(format!("cannot write {}", path.display()), e);
        f.write_all(bytes).map_err(io)?;
        place(&f, &tmp, path)?;
        if let Some(dir) = path.parent() {
            sync_dir(dir);
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// True when `path` is a regular file (not a symlink to one).
pub fn is_plain_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// The path of the catalog name `key` under `dir` when a regular file sits
/// there and every folder on the way is a real directory: a folder
/// replaced by a symlink must not lead a listing or a removal outside `dir`.
pub fn plain_file_under(dir: &Path, key: &str) -> Option<PathBuf> {
    let rel = safe_relative_path(key).ok()?;
    let mut current = dir.to_path_buf();
    for part in rel.parent()?.components() {
        current.push(part);
        if !std::fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_dir()) {
            return None;
        }
    }
    let path = dir.join(rel);
    is_plain_file(&path).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused() {
        for bad in [
            "../x",
            "/etc/passwd",
            "a\\b",
            "a\0b",
            ".bashrc",
            "-rf",
            "a/../b",
            "a//b",
            "a/.x",
            "x\x1b[2J",
            "x\r",
            "",
            "a/-b",
        ] {
            assert!(safe_relative_path(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(safe_relative_path(&"a".repeat(300)).is_err());
    }

    #[test]
    fn plain_names_and_subdirectories_are_accepted() {
        assert_eq!(
            safe_relative_path("Magento-CE-2.0.2+sample_data.zip").unwrap(),
            PathBuf::from("Magento-CE-2.0.2+sample_data.zip")
        );
        assert_eq!(
            safe_relative_path("patches/a b.sh").unwrap(),
            PathBuf::from("patches").join("a b.sh")
        );
    }

    #[test]
    fn a_planted_symlink_at_the_part_path_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let sentinel = dir.path().join("sentinel");
        std::fs::write(&sentinel, b"keep").unwrap();
        let part = dir.path().join("x.part");
        std::os::unix::fs::symlink(&sentinel, &part).unwrap();
        assert!(reopen_part(&part).is_none());
        let f = create_part(&part).unwrap();
        use std::io::Write;
        (&f).write_all(b"new").unwrap();
        assert_eq!(std::fs::read(&sentinel).unwrap(), b"keep");
        assert!(
            !std::fs::symlink_metadata(&part)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn a_hard_linked_part_is_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let sentinel = dir.path().join("sentinel");
        std::fs::write(&sentinel, b"keep").unwrap();
        let part = dir.path().join("x.part");
        std::fs::hard_link(&sentinel, &part).unwrap();
        assert!(reopen_part(&part).is_none());
    }
}
