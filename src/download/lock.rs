//! The per-directory lock: two runs never write into the same directory at
//! once; the second exits 6 (busy), or waits with `--wait`.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::error::{Error, Result};

/// The exclusive lock of an output directory, held for the whole run.
pub struct DirLock {
    _file: File,
}

/// Takes `DIR/.magedl.lock`; busy → exit 6, unless `wait`.
pub fn lock_dir(dir: &Path, wait: bool) -> Result<DirLock> {
    if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::Usage(format!(
            "output directory {} is not a directory",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::io(
            format!("cannot create the output directory {}", dir.display()),
            e,
        )
    })?;
    let path = dir.join(".magedl.lock");
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .map_err(|e| {
            Error::io(
                format!("output directory {} is not writable", dir.display()),
                e,
            )
        })?;
    if wait {
        file.lock()
            .map_err(|e| Error::io(format!("cannot lock {}", path.display()), e))?;
    } else {
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(Error::Busy(dir.to_path_buf())),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::io(format!("cannot lock {}", path.display()), e));
            }
        }
    }
    Ok(DirLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    #[test]
    fn a_second_lock_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let _held = lock_dir(dir.path(), false).unwrap();
        assert_eq!(
            lock_dir(dir.path(), false).err().unwrap().exit(),
            Exit::Busy
        );
    }
}
