//! The scheduler of one file's pieces: which connection fetches which, how
//! far each piece is on disk, and where a write may land. A connection
//! takes the next piece nobody fetches, in file order; when none is left it
//! splits the piece with the most still to come (its owner stops at the new
//! boundary, the idle one asks for the back half), so the connections
//! finish together and the contiguous prefix, which the in-order digests
//! follow, never waits long on one slow connection. Pure: no I/O, no clock.
//!
//! The pieces stay sorted by offset and cover `[0, size)` exactly; they are
//! the resume record's segments as they stand.

use super::plan::{Span, split_point};
use super::state::Segment;

/// One connection of a file's transfer.
pub type Conn = usize;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    span: Span,
    /// Bytes on disk from the span's start.
    done: u64,
    /// Up to where writes are admitted (≥ start + done): a split never cuts
    /// a block being written.
    claimed: u64,
    owner: Option<Conn>,
}

impl Piece {
    fn new(span: Span, done: u64, owner: Option<Conn>) -> Piece {
        let done = done.min(span.len());
        Piece {
            span,
            done,
            claimed: span.start + done,
            owner,
        }
    }

    fn reach(&self) -> u64 {
        self.span.start + self.done
    }

    fn is_complete(&self) -> bool {
        self.reach() >= self.span.end
    }

    fn untouched(&self) -> bool {
        self.done == 0 && self.claimed == self.span.start
    }
}

pub struct Pieces {
    list: Vec<Piece>,
    size: u64,
    /// The contiguous prefix on disk.
    prefix: u64,
    min_split: u64,
    /// The connection streaming the file's first answer (a 200 from byte 0).
    whole: Option<Conn>,
    /// Ranges were refused: the first answer carries the rest alone.
    single: bool,
}

impl Pieces {
    /// The pieces of a record; none has an owner yet. With one connection,
    /// runs of untouched pieces join the piece before them, so one request
    /// fetches what one request can.
    pub fn new(segments: &[Segment], min_split: u64, connections: u64) -> Pieces {
        let mut list: Vec<Piece> = Vec::with_capacity(segments.len());
        for s in segments {
            match list.last_mut() {
                Some(last) if connections <= 1 && s.done == 0 => last.span.end = s.span.end,
                _ => list.push(Piece::new(s.span, s.done, None)),
            }
        }
        let size = list.last().map_or(0, |p| p.span.end);
        let mut pieces = Pieces {
            list,
            size,
            prefix: 0,
            min_split,
            whole: None,
            single: false,
        };
        pieces.advance_prefix();
        pieces
    }

    /// The pieces as the resume record keeps them.
    pub fn segments(&self) -> Vec<Segment> {
        self.list
            .iter()
            .map(|p| Segment {
                span: p.span,
                done: p.done,
            })
            .collect()
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The length of the contiguous prefix on disk.
    #[cfg(test)]
    fn contiguous(&self) -> u64 {
        self.prefix
    }

    #[cfg(test)]
    fn bytes_done(&self) -> u64 {
        self.list.iter().map(|p| p.done).sum()
    }

    fn find(&self, key: u64) -> Option<usize> {
        self.list.binary_search_by_key(&key, |p| p.span.start).ok()
    }

    /// The next piece for `conn` (its start is its key): the first one in
    /// file order that nobody fetches, else the back half of the piece with
    /// the most still to come. None when nothing is left to share.
    pub fn take(&mut self, conn: Conn) -> Option<u64> {
        if self.single {
            return None;
        }
        if let Some(p) = self
            .list
            .iter_mut()
            .find(|p| p.owner.is_none() && !p.is_complete())
        {
            p.owner = Some(conn);
            return Some(p.span.start);
        }
        self.split_for(conn)
    }

    fn split_for(&mut self, conn: Conn) -> Option<u64> {
        let (idx, mid) = self
            .list
            .iter()
            .enumerate()
            .filter(|(_, p)| p.owner.is_some_and(|o| o != conn))
            .filter_map(|(i, p)| {
                let from = p.claimed.max(p.reach());
                split_point(from, p.span.end, self.min_split).map(|mid| (i, mid, p.span.end - from))
            })
            .max_by_key(|&(_, _, left)| left)
            .map(|(i, mid, _)| (i, mid))?;
        let end = std::mem::replace(&mut self.list[idx].span.end, mid);
        let back = Piece::new(Span { start: mid, end }, 0, Some(conn));
        self.list.insert(idx + 1, back);
        Some(mid)
    }

    /// What is left of piece `key` for `conn`; None when it is complete or
    /// no longer `conn`'s.
    pub fn remaining(&self, key: u64, conn: Conn) -> Option<Span> {
        let p = &self.list[self.find(key)?];
        (p.owner == Some(conn) && !p.is_complete()).then_some(Span {
            start: p.reach(),
            end: p.span.end,
        })
    }

    /// How many of `len` bytes `conn` may write at `pos` in piece `key`:
    /// never past the piece's end as it stands (a split moves it), nothing
    /// once the piece is another's.
    pub fn admit(&mut self, key: u64, conn: Conn, pos: u64, len: u64) -> u64 {
        let Some(idx) = self.find(key) else { return 0 };
        let p = &mut self.list[idx];
        if p.owner != Some(conn) || pos != p.reach() {
            return 0;
        }
        let allowed = len.min(p.span.end - pos);
        p.claimed = pos + allowed;
        allowed
    }

    /// `n` admitted bytes are on disk at the front of piece `key`; returns
    /// the contiguous prefix.
    pub fn landed(&mut self, key: u64, n: u64) -> u64 {
        if let Some(idx) = self.find(key) {
            let p = &mut self.list[idx];
            p.done = (p.done + n).min(p.span.len());
            p.claimed = p.claimed.max(p.reach());
            self.advance_prefix();
        }
        self.prefix
    }

    /// `conn` lets piece `key` go (complete, or its stream is gone).
    pub fn release(&mut self, key: u64, conn: Conn) {
        if let Some(idx) = self.find(key)
            && self.list[idx].owner == Some(conn)
        {
            self.list[idx].owner = None;
        }
    }

    /// `conn` streams the file's first answer, from byte 0.
    pub fn set_whole(&mut self, conn: Conn) {
        self.whole = Some(conn);
    }

    /// The first answer's stream has ended or been dropped.
    pub fn whole_ended(&mut self, conn: Conn) {
        if self.whole == Some(conn) {
            self.whole = None;
        }
    }

    /// The first answer, having filled its piece up to `pos`, goes on into
    /// the next piece when nobody has started that one: no new request.
    pub fn follow_on(&mut self, conn: Conn, pos: u64) -> Option<u64> {
        if self.whole != Some(conn) {
            return None;
        }
        let idx = self.find(pos)?;
        let p = &mut self.list[idx];
        if p.owner.is_some_and(|o| o != conn) || !p.untouched() {
            return None;
        }
        p.owner = Some(conn);
        if let Some(before) = idx.checked_sub(1) {
            self.list[before].owner = None; // the piece it filled
        }
        Some(pos)
    }

    /// Ranges are refused (a 200 to a range): if the first answer still
    /// streams, its piece now runs to the end of the file and the pieces
    /// after it are dropped (it rewrites them with bytes of the same
    /// answer), and no connection takes anything more. False when there is
    /// no such stream to keep.
    pub fn one_stream(&mut self) -> bool {
        let Some(conn) = self.whole else {
            return false;
        };
        let Some(idx) = self.list.iter().position(|p| p.owner == Some(conn)) else {
            return false;
        };
        self.list.truncate(idx + 1);
        self.list[idx].span.end = self.size;
        self.single = true;
        self.prefix = 0;
        self.advance_prefix();
        true
    }

    /// Ranges were refused and the first answer carries the file alone.
    pub fn is_single(&self) -> bool {
        self.single
    }

    /// Moves the prefix over every piece complete from it onwards.
    fn advance_prefix(&mut self) {
        let mut idx = self.list.partition_point(|p| p.span.end <= self.prefix);
        while let Some(p) = self.list.get(idx) {
            if p.reach() <= self.prefix {
                break;
            }
            self.prefix = p.reach();
            if !p.is_complete() {
                break;
            }
            idx += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::download::plan::cut;
    use proptest::prelude::*;

    fn pieces(size: u64, len: u64, min_split: u64, conns: u64) -> Pieces {
        let segments: Vec<Segment> = cut(size, len)
            .into_iter()
            .map(|span| Segment { span, done: 0 })
            .collect();
        Pieces::new(&segments, min_split, conns)
    }

    /// Writes up to `n` bytes for `conn` at the front of its piece.
    fn write(p: &mut Pieces, key: u64, conn: Conn, n: u64) -> u64 {
        let Some(left) = p.remaining(key, conn) else {
            return 0;
        };
        let n = p.admit(key, conn, left.start, n);
        p.landed(key, n);
        n
    }

    #[test]
    fn connections_take_the_next_piece_in_file_order() {
        let mut p = pieces(100, 10, 4, 3);
        assert_eq!(p.take(0), Some(0));
        assert_eq!(p.take(1), Some(10));
        assert_eq!(p.take(2), Some(20));
        assert_eq!(write(&mut p, 10, 1, 10), 10);
        p.release(10, 1);
        assert_eq!(p.take(1), Some(30), "the next untaken piece, not a split");
        assert_eq!(p.contiguous(), 0, "piece 0 is not on disk yet");
        write(&mut p, 0, 0, 10);
        assert_eq!(p.contiguous(), 20);
    }

    #[test]
    fn an_idle_connection_splits_the_piece_with_the_most_left() {
        let mut p = pieces(40, 20, 4, 2);
        assert_eq!(p.take(0), Some(0));
        assert_eq!(p.take(1), Some(20));
        write(&mut p, 0, 0, 4); // 16 left
        write(&mut p, 20, 1, 20);
        p.release(20, 1);
        // Piece 0 has 16 bytes to come from 4: the idle one takes [12, 20).
        assert_eq!(p.take(1), Some(12));
        assert_eq!(p.remaining(0, 0), Some(Span { start: 4, end: 12 }));
        assert_eq!(p.remaining(12, 1), Some(Span { start: 12, end: 20 }));
        // The slow one stops at the new boundary.
        assert_eq!(p.admit(0, 0, 4, 100), 8);
        let starts: Vec<u64> = p.segments().iter().map(|s| s.span.start).collect();
        assert_eq!(starts, [0, 12, 20]);
    }

    #[test]
    fn a_write_in_progress_is_never_split_and_small_rests_are_left_alone() {
        let mut p = pieces(100, 100, 30, 2);
        assert_eq!(p.take(0), Some(0));
        assert_eq!(p.admit(0, 0, 0, 60), 60); // being written
        assert_eq!(p.take(1), Some(80), "the split is past the admitted bytes");
        p.landed(0, 60);
        assert_eq!(
            p.take(2),
            None,
            "20 bytes left of each: not worth a request"
        );
    }

    #[test]
    fn the_first_answer_goes_on_into_untouched_pieces_and_can_carry_the_rest() {
        let mut p = pieces(30, 10, 4, 3);
        assert_eq!(p.take(0), Some(0));
        p.set_whole(0);
        assert_eq!(p.take(1), Some(10));
        write(&mut p, 0, 0, 10);
        assert_eq!(p.follow_on(0, 10), None, "piece 10 is taken");
        assert!(p.one_stream(), "the first answer still streams");
        assert_eq!(p.remaining(0, 0), Some(Span { start: 10, end: 30 }));
        assert_eq!(p.remaining(10, 1), None);
        assert_eq!(p.take(1), None);
        assert_eq!(p.segments().len(), 1);
        p.whole_ended(0);
        assert!(!p.one_stream());
        let mut q = pieces(30, 10, 4, 3);
        q.take(0);
        q.set_whole(0);
        write(&mut q, 0, 0, 10);
        assert_eq!(q.follow_on(0, 10), Some(10));
        assert_eq!(q.take(1), Some(20));
    }

    #[test]
    fn one_connection_resumes_runs_of_untouched_pieces_in_one_piece() {
        let segments = [
            Segment {
                span: Span { start: 0, end: 10 },
                done: 3,
            },
            Segment {
                span: Span { start: 10, end: 20 },
                done: 0,
            },
            Segment {
                span: Span { start: 20, end: 30 },
                done: 5,
            },
            Segment {
                span: Span { start: 30, end: 40 },
                done: 0,
            },
        ];
        let p = Pieces::new(&segments, 4, 1);
        let spans: Vec<(u64, u64, u64)> = p
            .segments()
            .iter()
            .map(|s| (s.span.start, s.span.end, s.done))
            .collect();
        assert_eq!(spans, [(0, 20, 3), (20, 40, 5)]);
        assert_eq!(p.contiguous(), 3);
        assert_eq!(Pieces::new(&segments, 4, 2).segments().len(), 4);
    }

    proptest! {
        /// Connections take, write, finish and split in any order: every
        /// byte is written exactly once, and the pieces stay a contiguous
        /// cover of the file at every step.
        #[test]
        fn pieces_with_any_splits_cover_the_file_exactly_once(
            size in 0u64..3000,
            len in 1u64..700,
            min_split in 2u64..64,
            conns in 1usize..6,
            steps in proptest::collection::vec((0usize..6, 1u64..200), 1..400),
        ) {
            let mut p = pieces(size, len, min_split, conns as u64);
            let mut held: Vec<Option<u64>> = vec![None; conns];
            let mut written = vec![0u8; size as usize];
            let mut steps = steps.into_iter().cycle();
            let mut idle_rounds = 0;
            while p.contiguous() < size {
                let (c, n) = steps.next().unwrap();
                let c = c % conns;
                match held[c] {
                    None => held[c] = p.take(c),
                    Some(key) => match p.remaining(key, c) {
                        None => { p.release(key, c); held[c] = None; }
                        Some(left) => {
                            let n = p.admit(key, c, left.start, n);
                            for b in left.start..left.start + n {
                                written[b as usize] += 1;
                            }
                            p.landed(key, n);
                        }
                    },
                }
                let segs = p.segments();
                prop_assert_eq!(segs[0].span.start, 0);
                prop_assert_eq!(segs.last().unwrap().span.end, size);
                for w in segs.windows(2) {
                    prop_assert_eq!(w[0].span.end, w[1].span.start);
                }
                prop_assert!(segs.iter().all(|s| s.done <= s.span.len()));
                idle_rounds += 1;
                prop_assert!(idle_rounds < 100_000, "no progress");
            }
            prop_assert!(written.iter().all(|&w| w == 1), "{:?}", written);
            prop_assert_eq!(p.bytes_done(), size);
        }
    }
}
