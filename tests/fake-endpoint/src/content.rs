//! File bodies: fixed byte buffers and deterministic generated streams.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use md5::{Digest, Md5};

/// Size of the chunks produced when streaming or hashing a body.
pub(crate) const CHUNK: usize = 64 * 1024;

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 8-byte word at word index `w` of the generated stream for `seed`.
fn gen_word(seed: u64, w: u64) -> [u8; 8] {
    splitmix64(seed.wrapping_mul(0xD134_2543_DE82_EF95) ^ w.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .to_le_bytes()
}

/// Fill `buf` with the generated stream for `seed` starting at byte `offset`.
pub(crate) fn fill_generated(seed: u64, offset: u64, buf: &mut [u8]) {
    let mut pos = 0usize;
    let mut off = offset;
    // leading partial word
    let lead = (off % 8) as usize;
    if lead != 0 && pos < buf.len() {
        let word = gen_word(seed, off / 8);
        let n = (8 - lead).min(buf.len());
        buf[..n].copy_from_slice(&word[lead..lead + n]);
        pos += n;
        off += n as u64;
    }
    let mut w = off / 8;
    while pos + 8 <= buf.len() {
        buf[pos..pos + 8].copy_from_slice(&gen_word(seed, w));
        pos += 8;
        w += 1;
    }
    if pos < buf.len() {
        let word = gen_word(seed, w);
        let n = buf.len() - pos;
        buf[pos..].copy_from_slice(&word[..n]);
    }
}

/// The current content of a catalogue entry (after `change_after` is applied,
/// before `corrupt`).
#[derive(Clone, Debug)]
pub(crate) enum Content {
    Bytes(Arc<Vec<u8>>),
    Generated { size: u64, seed: u64 },
}

impl Content {
    pub(crate) fn len(&self) -> u64 {
        match self {
            Content::Bytes(b) => b.len() as u64,
            Content::Generated { size, .. } => *size,
        }
    }

    /// Fill `buf` with the bytes at `offset..offset+buf.len()` (must be in range).
    pub(crate) fn read_at(&self, offset: u64, buf: &mut [u8]) {
        match self {
            Content::Bytes(b) => {
                let start = offset as usize;
                buf.copy_from_slice(&b[start..start + buf.len()]);
            }
            Content::Generated { seed, .. } => fill_generated(*seed, offset, buf),
        }
    }

    /// Streams the whole content once and returns its lower-case hex MD5.
    pub(crate) fn md5_hex(&self) -> String {
        self.md5_hex_cancellable(None).expect("not cancelled")
    }

    /// Like [`Content::md5_hex`]; `None` if `cancel` was set meanwhile.
    pub(crate) fn md5_hex_cancellable(&self, cancel: Option<&AtomicBool>) -> Option<String> {
        match self {
            Content::Bytes(b) => Some(md5_hex(b)),
            Content::Generated { size, .. } => {
                let mut h = Md5::new();
                let mut buf = vec![0u8; CHUNK * 4];
                let mut off = 0u64;
                while off < *size {
                    if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                        return None;
                    }
                    let n = ((*size - off) as usize).min(buf.len());
                    self.read_at(off, &mut buf[..n]);
                    h.update(&buf[..n]);
                    off += n as u64;
                }
                Some(hex(&h.finalize()))
            }
        }
    }

    /// Materialise the whole content (test helper; may be large).
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        let mut v = vec![0u8; self.len() as usize];
        self.read_at(0, &mut v);
        v
    }
}

enum SlotState {
    Idle,
    Running,
    Done(String),
}

/// A lazily computed MD5 that a background thread may be warming.
pub(crate) struct Md5Slot {
    state: Mutex<SlotState>,
    cv: Condvar,
}

impl Default for Md5Slot {
    fn default() -> Self {
        Md5Slot {
            state: Mutex::new(SlotState::Idle),
            cv: Condvar::new(),
        }
    }
}

impl Md5Slot {
    /// The MD5, computing it here unless another thread is already at it.
    pub(crate) fn get(&self, content: &Content) -> String {
        let mut st = self.state.lock().unwrap();
        loop {
            match &*st {
                SlotState::Done(s) => return s.clone(),
                SlotState::Running => st = self.cv.wait(st).unwrap(),
                SlotState::Idle => {
                    *st = SlotState::Running;
                    drop(st);
                    let v = content.md5_hex();
                    *self.state.lock().unwrap() = SlotState::Done(v.clone());
                    self.cv.notify_all();
                    return v;
                }
            }
        }
    }

    /// Compute in the background unless started already; gives up when `cancel` is set.
    pub(crate) fn warm(&self, content: &Content, cancel: &AtomicBool) {
        {
            let mut st = self.state.lock().unwrap();
            if !matches!(*st, SlotState::Idle) {
                return;
            }
            *st = SlotState::Running;
        }
        let next = match content.md5_hex_cancellable(Some(cancel)) {
            Some(v) => SlotState::Done(v),
            None => SlotState::Idle,
        };
        *self.state.lock().unwrap() = next;
        self.cv.notify_all();
    }
}

pub(crate) fn md5_hex(data: &[u8]) -> String {
    hex(&Md5::digest(data))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ranges_agree_with_whole() {
        let c = Content::Generated {
            size: 1000,
            seed: 7,
        };
        let whole = c.to_vec();
        for (a, b) in [
            (0u64, 1000u64),
            (1, 9),
            (3, 500),
            (7, 8),
            (999, 1000),
            (13, 997),
        ] {
            let mut buf = vec![0u8; (b - a) as usize];
            c.read_at(a, &mut buf);
            assert_eq!(&buf[..], &whole[a as usize..b as usize], "range {a}..{b}");
        }
        let d = Content::Generated {
            size: 1000,
            seed: 8,
        };
        assert_ne!(d.to_vec(), whole);
    }
}
