//! Streaming digests: md5 and sha256 computed on their own threads, reading
//! a file back (from the page cache) as its contiguous prefix grows, so that
//! hashing overlaps the transfer and the two digests run on separate cores.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};

use md5::Md5;
use sha2::{Digest, Sha256};

use super::{Algo, Digests};
use crate::guard::lock;

/// Block size for reading back and hashing; large blocks keep the digest
/// loops busy rather than the syscalls.
const HASH_BLOCK: usize = 256 * 1024;

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
        let mut s = lock(&self.state);
        if written > s.written {
            s.written = written;
            self.cv.notify_all();
        }
    }

    /// Everything is written: the hashers read up to `size` and stop.
    pub fn finish(&self, size: u64) {
        let mut s = lock(&self.state);
        s.written = size;
        s.end = Some(size);
        self.cv.notify_all();
    }

    /// The data is being thrown away: the hashers stop without a digest.
    pub fn abort(&self) {
        lock(&self.state).aborted = true;
        self.cv.notify_all();
    }

    /// Blocks until more than `pos` bytes are written; None when aborted or
    /// when `pos` is the end.
    fn wait_beyond(&self, pos: u64) -> Option<u64> {
        let mut s = lock(&self.state);
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
        let s = lock(&self.state);
        !s.aborted && s.end == Some(pos)
    }
}

/// A digest computed on its own thread, following a [`Watermark`].
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
