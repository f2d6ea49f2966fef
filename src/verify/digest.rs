//! One file's digests, computed on the shared workers (`pool.rs`) while the
//! file is written: md5 and sha256 are two lanes, each taking the same
//! blocks in file order on whichever worker is free, so the two run on two
//! cores and neither reads the data a second time.
//!
//! Blocks come in two ways. The writer offers each block it has just
//! written; when that block is the next one the lanes need and they have
//! room, it is handed over as is. Otherwise (the block lies past a gap, or
//! the lanes are behind) nothing is kept: once the contiguous prefix on disk
//! has moved past what the lanes were given, a worker reads the missing
//! bytes back from the file (the page cache) once, for both lanes. Memory
//! stays within [`LANE_CAP`] per digest per file whatever the speeds.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use bytes::Bytes;
use md5::Md5;
use sha2::{Digest, Sha256};

use super::{Algo, Digests, blocks, pool};
use crate::guard::lock;

/// Bytes a lane may hold before the writer stops handing blocks over (the
/// rest is read back later). Enough to keep a digest busy while the next
/// block is read: with two blocks a lane ran dry between them and one file
/// hashed at the speed of one core.
pub const LANE_CAP: usize = 4 << 20;
/// Bytes all the lanes of the process may hold together, so that -j 8
/// small files stay within a few MiB while one big file gets it all.
const ALL_LANES_CAP: usize = 2 << 20;
/// Bytes held by every lane of the process.
static HELD: AtomicUsize = AtomicUsize::new(0);
/// A block read back from the file at once.
const READ_BLOCK: usize = blocks::BLOCK;
/// Blocks one job hashes before it lets other lanes have the worker.
const BLOCKS_PER_TURN: usize = 8;

enum Hasher {
    Md5(Md5),
    Sha256(Sha256),
}

impl Hasher {
    fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Md5(d) => d.update(data),
            Hasher::Sha256(d) => d.update(data),
        }
    }

    fn hex(self) -> String {
        match self {
            Hasher::Md5(d) => hex(&d.finalize()),
            Hasher::Sha256(d) => hex(&d.finalize()),
        }
    }
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

/// One digest of one file: its blocks in order, hashed by one job at a time.
struct Lane {
    algo: Algo,
    queue: Mutex<Queue>,
    hasher: Mutex<Option<Hasher>>,
    /// Bytes queued and not yet hashed.
    held: AtomicUsize,
}

#[derive(Default)]
struct Queue {
    blocks: VecDeque<Bytes>,
    /// A job for this lane is queued or running.
    busy: bool,
}

/// What has been given to the lanes, against what is on disk.
#[derive(Default)]
struct Flow {
    /// Bytes handed to the lanes, from offset 0.
    fed: u64,
    /// The contiguous prefix on disk.
    written: u64,
    /// A read-back job is running (it owns the next bytes after `fed`).
    reading: bool,
    failed: bool,
}

struct Inner {
    lanes: Vec<Lane>,
    flow: Mutex<Flow>,
    /// Signalled when a lane drains or the flow changes.
    changed: Condvar,
    /// The file to read back from; None when every block is pushed.
    file: Option<File>,
}

/// The digests of one file being written (or read).
pub struct Digester {
    inner: Arc<Inner>,
}

impl Digester {
    /// sha256 always, md5 when asked; `file` is read back for the blocks
    /// that are not handed over.
    pub fn new(want_md5: bool, file: Option<File>) -> Digester {
        let mut algos = vec![Algo::Sha256];
        if want_md5 {
            algos.push(Algo::Md5);
        }
        let lanes = algos
            .into_iter()
            .map(|algo| Lane {
                algo,
                queue: Mutex::default(),
                hasher: Mutex::new(Some(match algo {
                    Algo::Md5 => Hasher::Md5(Md5::new()),
                    Algo::Sha256 => Hasher::Sha256(Sha256::new()),
                })),
                held: AtomicUsize::new(0),
            })
            .collect();
        Digester {
            inner: Arc::new(Inner {
                lanes,
                flow: Mutex::default(),
                changed: Condvar::new(),
                file,
            }),
        }
    }

    /// `data` was just written at `pos`, and the contiguous prefix on disk
    /// now ends at `written`. Never blocks.
    pub fn wrote(&self, pos: u64, data: &Bytes, written: u64) {
        let inner = &self.inner;
        let mut flow = lock(&inner.flow);
        let end = pos + data.len() as u64;
        if !flow.reading && !flow.failed && pos == flow.fed && end <= written && inner.has_room() {
            inner.push(data);
            flow.fed = end;
        }
        flow.written = flow.written.max(written);
        Inner::read_back_if_due(inner, &mut flow);
    }

    /// Hands `data` (the next bytes) to the lanes, waiting while they are
    /// full: for a reader that has nothing else to do.
    pub fn push_blocking(&self, data: Bytes) {
        let inner = &self.inner;
        let mut flow = lock(&inner.flow);
        while !inner.has_room() {
            flow = inner.changed.wait(flow).unwrap_or_else(|e| e.into_inner());
        }
        inner.push(&data);
        flow.fed += data.len() as u64;
        flow.written = flow.fed;
    }

    /// The data is thrown away: nothing more is hashed.
    pub fn abort(&self) {
        lock(&self.inner.flow).failed = true;
        for lane in &self.inner.lanes {
            let dropped: usize = lock(&lane.queue).blocks.drain(..).map(|b| b.len()).sum();
            lane.held.fetch_sub(dropped, Ordering::AcqRel);
            HELD.fetch_sub(dropped, Ordering::AcqRel);
        }
        self.inner.changed.notify_all();
    }

    /// Waits until the first `size` bytes (all written) are hashed, and
    /// returns the digests; None if aborted or the file could not be read.
    pub fn finish(self, size: u64) -> Option<Digests> {
        let inner = &self.inner;
        let mut flow = lock(&inner.flow);
        flow.written = flow.written.max(size);
        loop {
            if flow.failed {
                return None;
            }
            if flow.fed >= size && !flow.reading && inner.lanes_idle() {
                break;
            }
            Inner::read_back_if_due(inner, &mut flow);
            flow = inner.changed.wait(flow).unwrap_or_else(|e| e.into_inner());
        }
        drop(flow);
        let mut digests = Digests::default();
        for lane in &inner.lanes {
            let hex = lock(&lane.hasher).take()?.hex();
            match lane.algo {
                Algo::Md5 => digests.md5 = Some(hex),
                Algo::Sha256 => digests.sha256 = Some(hex),
            }
        }
        Some(digests)
    }
}

impl Inner {
    fn has_room(&self) -> bool {
        self.lanes
            .iter()
            .all(|l| l.held.load(Ordering::Acquire) < LANE_CAP)
            // A file whose lanes are empty may always go on: only its own
            // lanes draining wake it, so it must never wait on others'.
            && (HELD.load(Ordering::Acquire) < ALL_LANES_CAP
                || self.lanes.iter().all(|l| l.held.load(Ordering::Acquire) == 0))
    }

    fn lanes_idle(&self) -> bool {
        self.lanes.iter().all(|l| {
            let q = lock(&l.queue);
            !q.busy && q.blocks.is_empty()
        })
    }

    /// Queues a block on every lane; called with the flow locked, so blocks
    /// enter the lanes in file order.
    fn push(self: &Arc<Self>, data: &Bytes) {
        for (idx, lane) in self.lanes.iter().enumerate() {
            lane.held.fetch_add(data.len(), Ordering::AcqRel);
            HELD.fetch_add(data.len(), Ordering::AcqRel);
            let mut q = lock(&lane.queue);
            q.blocks.push_back(data.clone());
            if !q.busy {
                q.busy = true;
                let me = self.clone();
                pool::spawn(move || me.hash_turn(idx));
            }
        }
    }

    /// One turn of lane `idx` on a worker: a few blocks, then the worker
    /// goes to whoever waits next (this lane queues again if it has more).
    fn hash_turn(self: Arc<Self>, idx: usize) {
        let lane = &self.lanes[idx];
        let mut hasher = lock(&lane.hasher);
        for _ in 0..BLOCKS_PER_TURN {
            let Some(block) = lock(&lane.queue).blocks.pop_front() else {
                break;
            };
            if let Some(h) = hasher.as_mut() {
                h.update(&block);
            }
            lane.held.fetch_sub(block.len(), Ordering::AcqRel);
            HELD.fetch_sub(block.len(), Ordering::AcqRel);
            blocks::give(block);
        }
        drop(hasher);
        let more = {
            let mut q = lock(&lane.queue);
            q.busy = !q.blocks.is_empty();
            q.busy
        };
        if more {
            let me = self.clone();
            pool::spawn(move || me.hash_turn(idx));
        }
        let mut flow = lock(&self.flow);
        Inner::read_back_if_due(&self, &mut flow);
        drop(flow);
        self.changed.notify_all();
    }

    /// Starts reading back the bytes written but not handed over, when the
    /// lanes have room and no read is running.
    fn read_back_if_due(me: &Arc<Self>, flow: &mut Flow) {
        if flow.reading || flow.failed || flow.fed >= flow.written || me.file.is_none() {
            return;
        }
        if !me.has_room() {
            return; // the lane that drains calls again
        }
        flow.reading = true;
        let me = me.clone();
        pool::spawn(move || me.read_back());
    }

    /// Reads blocks after `fed` from the file while the lanes have room.
    fn read_back(self: Arc<Self>) {
        let Some(file) = self.file.as_ref() else {
            return;
        };
        loop {
            let (at, len) = {
                let mut flow = lock(&self.flow);
                let len = (flow.written - flow.fed).min(READ_BLOCK as u64) as usize;
                if len == 0 || flow.failed || !self.has_room() {
                    flow.reading = false;
                    drop(flow);
                    self.changed.notify_all();
                    return;
                }
                (flow.fed, len)
            };
            let mut buf = blocks::take();
            buf.resize(len, 0);
            let read = file.read_exact_at(&mut buf, at);
            let mut flow = lock(&self.flow);
            if read.is_err() {
                flow.failed = true;
                flow.reading = false;
                drop(flow);
                self.changed.notify_all();
                return;
            }
            self.push(&buf.freeze());
            flow.fed = at + len as u64;
        }
    }
}

/// Hashes a file already on disk: one reader (this thread) reads each block
/// once, and both digests take it on the workers.
pub fn hash_file(path: &Path, want_md5: bool) -> std::io::Result<(u64, Digests)> {
    let mut file = File::open(path)?;
    let digester = Digester::new(want_md5, None);
    let mut size = 0u64;
    loop {
        let block = match read_block(&mut file) {
            Ok(block) => block,
            Err(e) => {
                digester.abort();
                return Err(e);
            }
        };
        if block.is_empty() {
            break;
        }
        size += block.len() as u64;
        digester.push_blocking(block);
    }
    let digests = digester
        .finish(size)
        .ok_or_else(|| std::io::Error::other("the file could not be hashed"))?;
    Ok((size, digests))
}

/// Up to one block from `file`, short only at its end.
fn read_block(file: &mut File) -> std::io::Result<Bytes> {
    let mut buf = blocks::take();
    buf.resize(READ_BLOCK, 0);
    let mut len = 0;
    while len < buf.len() {
        match file.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(len);
    Ok(buf.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(len: usize) -> Vec<u8> {
        (0..len as u32)
            .map(|i| (i.wrapping_mul(7) % 251) as u8)
            .collect()
    }

    fn expected(data: &[u8]) -> Digests {
        Digests {
            md5: Some(hex(&Md5::digest(data))),
            sha256: Some(hex(&Sha256::digest(data))),
        }
    }

    #[test]
    fn a_file_on_disk_hashes_like_the_one_shot_digests() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let body = data(3_000_000);
        std::fs::write(&path, &body).unwrap();
        let (size, d) = hash_file(&path, true).unwrap();
        assert_eq!(size, body.len() as u64);
        assert_eq!(d, expected(&body));
        let (_, d) = hash_file(&path, false).unwrap();
        assert_eq!(d.md5, None);
    }

    /// Blocks written out of order, some offered past a gap: whatever is
    /// not handed over is read back, and the digests are those of the file.
    #[test]
    fn blocks_out_of_order_are_read_back_once_the_prefix_reaches_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let body = data(10 * READ_BLOCK + 123);
        let file = File::create(&path).unwrap();
        file.set_len(body.len() as u64).unwrap();
        let digester = Digester::new(true, Some(File::open(&path).unwrap()));
        let chunk = 100_000;
        let starts: Vec<usize> = (0..body.len()).step_by(chunk).collect();
        // The second half first, then the first half: a gap, then a jump.
        let (front, back) = starts.split_at(starts.len() / 2);
        let mut done = vec![false; starts.len()];
        for &at in back.iter().chain(front) {
            let end = (at + chunk).min(body.len());
            file.write_all_at(&body[at..end], at as u64).unwrap();
            done[at / chunk] = true;
            let whole = done.iter().take_while(|d| **d).count();
            let prefix = (whole * chunk).min(body.len());
            let block = Bytes::copy_from_slice(&body[at..end]);
            digester.wrote(at as u64, &block, prefix as u64);
        }
        assert_eq!(digester.finish(body.len() as u64).unwrap(), expected(&body));
    }

    #[test]
    fn an_aborted_digest_gives_nothing() {
        let digester = Digester::new(false, None);
        digester.push_blocking(Bytes::from_static(b"abc"));
        digester.abort();
        assert_eq!(digester.finish(3), None);
    }
}
