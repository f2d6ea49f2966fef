//! Piece planning: how many connections fetch a file, how it is cut into
//! pieces, and where a piece is split for an idle connection. Pure, so that
//! a property test can check exact coverage.

/// A half-open byte range `[start, end)` of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub start: u64,
    pub end: u64,
}

impl Span {
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    /// The `Range` header value asking for exactly this span.
    pub fn header(&self) -> String {
        format!("bytes={}-{}", self.start, self.end - 1)
    }
}

/// Automatic mode: one connection for every this many bytes of the file.
pub const AUTO_BYTES_PER_CONNECTION: u64 = 8 << 20;
/// Automatic mode uses at most this many connections per file.
pub const AUTO_MAX_CONNECTIONS: u64 = 4;
/// No piece smaller than this when a file is cut (nor a connection for
/// less, with an explicit `-s N`).
pub const MIN_PIECE: u64 = 1 << 20;
/// Pieces stay this small so the in-order digests trail the arriving bytes
/// by a few pieces at most.
pub const MAX_PIECE: u64 = 4 << 20;
/// About this many pieces per connection, so that the pieces still to take
/// even out the connections' speeds.
const PIECES_PER_CONNECTION: u64 = 4;
/// An idle connection splits a piece only when at least this much is left
/// of it: below that, a new request costs more than it saves.
pub const MIN_SPLIT: u64 = 1 << 20;

/// How many connections fetch a file of `size` bytes. `requested` is `-s N`
/// (None = automatic).
pub fn connection_count(size: u64, requested: Option<u32>) -> u64 {
    let (max, per) = match requested {
        Some(n) => (u64::from(n.max(1)), MIN_PIECE),
        None => (AUTO_MAX_CONNECTIONS, AUTO_BYTES_PER_CONNECTION),
    };
    (size / per).clamp(1, max)
}

/// The length of the pieces of a file of `size` bytes fetched over
/// `connections` connections. One connection needs no cutting: a piece is
/// split later if a resumed run brings more.
pub fn piece_len(size: u64, connections: u64) -> u64 {
    if connections <= 1 {
        return size.max(1);
    }
    (size / (connections * PIECES_PER_CONNECTION)).clamp(MIN_PIECE, MAX_PIECE)
}

/// Cuts `[0, size)` into contiguous spans of `len` bytes (the last one
/// shorter); an empty file is one empty span.
pub fn cut(size: u64, len: u64) -> Vec<Span> {
    let len = len.max(1);
    let mut spans = Vec::with_capacity(size.div_ceil(len).max(1) as usize);
    let mut start = 0;
    loop {
        let end = (start + len).min(size);
        spans.push(Span { start, end });
        if end >= size {
            return spans;
        }
        start = end;
    }
}

/// Where an idle connection takes over the back half of `[from, end)`, the
/// part of a piece still to come; None when too little is left.
pub fn split_point(from: u64, end: u64, min_split: u64) -> Option<u64> {
    let left = end.saturating_sub(from);
    (left >= min_split.max(2)).then(|| from + left / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_files_get_one_connection() {
        assert_eq!(connection_count(50, None), 1);
        assert_eq!(connection_count(15 << 20, None), 1);
        assert_eq!(connection_count(1 << 30, None), 4);
        assert_eq!(connection_count(1 << 30, Some(1)), 1);
        assert_eq!(connection_count(3 << 20, Some(8)), 3);
    }

    #[test]
    fn pieces_are_a_few_mib_and_one_connection_takes_the_file_whole() {
        assert_eq!(piece_len(1 << 30, 1), 1 << 30);
        assert_eq!(piece_len(1 << 30, 4), MAX_PIECE);
        assert_eq!(piece_len(9 << 20, 4), MIN_PIECE);
        assert_eq!(piece_len(0, 1), 1);
        assert_eq!(cut(0, 1), [Span { start: 0, end: 0 }]);
        assert_eq!(cut(5, 2).len(), 3);
    }

    #[test]
    fn only_a_piece_with_enough_left_is_split_in_its_middle() {
        assert_eq!(split_point(100, 300, 100), Some(200));
        assert_eq!(split_point(100, 199, 100), None);
        assert_eq!(split_point(5, 6, 0), None);
    }

    #[test]
    fn range_headers_are_inclusive() {
        assert_eq!(Span { start: 0, end: 10 }.header(), "bytes=0-9");
    }

    proptest! {
        #[test]
        fn pieces_cover_the_file_exactly_once(size in 0u64..(1u64 << 36), req in proptest::option::of(1u32..=32)) {
            let n = connection_count(size, req);
            let spans = cut(size, piece_len(size, n));
            prop_assert!(!spans.is_empty());
            prop_assert_eq!(spans[0].start, 0);
            prop_assert_eq!(spans.last().unwrap().end, size);
            for w in spans.windows(2) {
                prop_assert_eq!(w[0].end, w[1].start);
            }
            if size > 0 {
                prop_assert!(spans.iter().all(|s| s.len() > 0));
            }
            let total: u64 = spans.iter().map(Span::len).sum();
            prop_assert_eq!(total, size);
        }
    }
}
