//! The 128 KiB blocks that carry a file's bytes from the socket to the
//! disk and the digests, recycled: a block freed on a digest worker and
//! allocated again on the async thread would otherwise leave the heap
//! fragmented (peak memory grows with the number of files), and a fresh
//! mapping per block costs page faults on every byte.

use std::sync::Mutex;

use bytes::{Bytes, BytesMut};

use crate::guard::lock;

/// The size of one block.
pub const BLOCK: usize = 128 * 1024;
/// Idle blocks kept for reuse; beyond that they are freed.
const KEEP: usize = 8;

static FREE: Mutex<Vec<BytesMut>> = Mutex::new(Vec::new());

/// An empty block of [`BLOCK`] bytes' capacity.
pub fn take() -> BytesMut {
    lock(&FREE)
        .pop()
        .unwrap_or_else(|| BytesMut::with_capacity(BLOCK))
}

/// Gives a block back once its last user is done with it (a block still
/// shared, or a slice of one, is simply dropped).
pub fn give(block: Bytes) {
    if let Ok(mut block) = block.try_into_mut()
        && block.capacity() >= BLOCK
    {
        block.clear();
        let mut free = lock(&FREE);
        if free.len() < KEEP {
            free.push(block);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_comes_back_only_from_its_last_user() {
        let mut b = take();
        b.extend_from_slice(&[1; BLOCK]);
        let block = b.freeze();
        let other = block.clone();
        give(block);
        let before = lock(&FREE).len();
        give(other);
        assert!(lock(&FREE).len() >= before.min(KEEP - 1));
        assert!(take().is_empty());
    }
}
