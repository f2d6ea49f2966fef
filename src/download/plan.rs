//! Segment planning: how a file of known size is cut into byte ranges.
//! Pure, so that a property test can check exact coverage.

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

/// Automatic segmenting: no segment smaller than this.
pub const AUTO_MIN_SEGMENT: u64 = 8 << 20;
/// With an explicit `-s N`, still no segment smaller than this.
pub const MIN_SEGMENT: u64 = 1 << 20;
/// Automatic segmenting uses at most this many connections per file.
pub const AUTO_MAX_SEGMENTS: u64 = 4;

/// How many segments a file of `size` bytes gets. `requested` is `-s N`
/// (None = automatic).
pub fn segment_count(size: u64, requested: Option<u32>) -> u64 {
    let (max, min_len) = match requested {
        Some(n) => (u64::from(n.max(1)), MIN_SEGMENT),
        None => (AUTO_MAX_SEGMENTS, AUTO_MIN_SEGMENT),
    };
    (size / min_len).clamp(1, max)
}

/// Cuts `[0, size)` into `count` contiguous spans of nearly equal length.
pub fn split(size: u64, count: u64) -> Vec<Span> {
    let count = count.clamp(1, size.max(1));
    let base = size / count;
    let extra = size % count;
    let mut spans = Vec::with_capacity(count as usize);
    let mut start = 0;
    for i in 0..count {
        let len = base + u64::from(i < extra);
        spans.push(Span {
            start,
            end: start + len,
        });
        start += len;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_files_are_one_segment() {
        assert_eq!(segment_count(50, None), 1);
        assert_eq!(segment_count(15 << 20, None), 1);
        assert_eq!(segment_count(1 << 30, None), 4);
        assert_eq!(segment_count(1 << 30, Some(1)), 1);
        assert_eq!(segment_count(3 << 20, Some(8)), 3);
    }

    #[test]
    fn range_headers_are_inclusive() {
        assert_eq!(Span { start: 0, end: 10 }.header(), "bytes=0-9");
    }

    proptest! {
        #[test]
        fn spans_cover_the_file_exactly_once(size in 0u64..(1u64 << 40), req in proptest::option::of(1u32..=32)) {
            let n = segment_count(size, req);
            let spans = split(size, n);
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
