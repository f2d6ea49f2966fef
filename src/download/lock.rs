//! Two runs never write the same final path, whatever `-o` each was given:
//! a run holds an exclusive `flock` on the directory it writes into and a
//! shared one on every directory above it. A run in `D` and one in `D/sub`
//! (or `sync --mirror M` and `download -o M/file`) therefore exclude each
//! other, while runs in sibling directories do not. The second run is
//! busy (exit 6), or waits with `--wait`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::events::Events;

/// The locks of a run, held until it ends.
pub struct DirLock {
    _held: Vec<File>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Shared,
    Exclusive,
}

/// Creates `dir` if needed and takes the locks covering it. `events` is
/// told when the run waits.
pub async fn lock_dir(dir: &Path, wait: bool, events: &dyn Events) -> Result<DirLock> {
    if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(super::statedir::not_a_directory(dir));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::io(
            format!("cannot create the output directory {}", dir.display()),
            e,
        )
    })?;
    let real = dir
        .canonicalize()
        .map_err(|e| Error::io(format!("cannot resolve {}", dir.display()), e))?;
    // Top down, so that two waiting runs always queue in the same order.
    let mut chain: Vec<(PathBuf, Mode)> = real
        .ancestors()
        .skip(1)
        .map(|a| (a.to_path_buf(), Mode::Shared))
        .collect();
    chain.reverse();
    chain.push((real, Mode::Exclusive));
    let mut held = Vec::with_capacity(chain.len());
    let mut announced = false;
    for (path, mode) in chain {
        let mut file = File::open(&path)
            .map_err(|e| Error::io(format!("cannot open {} to lock it", path.display()), e))?;
        loop {
            match try_lock(&file, mode) {
                Ok(true) => break,
                Ok(false) if !wait => return Err(Error::Busy(shown(dir, &path))),
                Ok(false) => {
                    if !announced {
                        events.warn(&format!(
                            "waiting: another magedl run writes into {}",
                            shown(dir, &path).display()
                        ));
                        announced = true;
                    }
                    crate::client::pause(Duration::from_millis(100)).await?;
                }
                // Some filesystems (NFS) cannot lock a directory: then the
                // run's own directory is locked through a file in its
                // `.magedl/`, which still excludes a second run there.
                Err(_) if mode == Mode::Shared => break,
                Err(_) => file = lock_file(&path)?,
            }
        }
        held.push(file);
    }
    Ok(DirLock { _held: held })
}

/// `DIR/.magedl/lock`, for where a directory cannot be locked itself.
fn lock_file(dir: &Path) -> Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let state = super::statedir::StateDir::new(dir);
    state.ensure(&state.path())?;
    let path = state.path().join("lock");
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .map_err(|e| Error::io(format!("cannot lock {}", path.display()), e))
}

/// The contended directory as the user named it, where it is theirs.
fn shown(dir: &Path, contended: &Path) -> PathBuf {
    if dir.canonicalize().is_ok_and(|d| d == contended) {
        dir.to_path_buf()
    } else {
        contended.to_path_buf()
    }
}

fn try_lock(file: &File, mode: Mode) -> std::io::Result<bool> {
    let res = match mode {
        Mode::Shared => file.try_lock_shared(),
        Mode::Exclusive => file.try_lock(),
    };
    match res {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    fn quiet() -> std::sync::Arc<dyn Events> {
        crate::progress::reporter(crate::progress::Mode::None)
    }

    #[tokio::test]
    async fn a_second_lock_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let _held = lock_dir(dir.path(), false, &*quiet()).await.unwrap();
        let err = lock_dir(dir.path(), false, &*quiet()).await.err().unwrap();
        assert_eq!(err.exit(), Exit::Busy);
    }

    #[tokio::test]
    async fn nested_directories_exclude_each_other_but_siblings_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let outer = lock_dir(&a, false, &*quiet()).await.unwrap();
        let inner = lock_dir(&a.join("sub"), false, &*quiet()).await;
        assert_eq!(inner.err().unwrap().exit(), Exit::Busy);
        let _sibling = lock_dir(&b, false, &*quiet()).await.unwrap();
        drop(outer);
        let _inner = lock_dir(&a.join("sub"), false, &*quiet()).await.unwrap();
        let again = lock_dir(&a, false, &*quiet()).await;
        assert_eq!(again.err().unwrap().exit(), Exit::Busy);
    }
}
