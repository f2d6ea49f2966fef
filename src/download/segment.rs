//! The body loop every byte of a download goes through (`pump`): a body is
//! gathered into blocks, each block is admitted by its [`Landing`] (which
//! says how much may be written at that offset) before it is written, and
//! reported after. How an attempt ended (`Attempt`) and the headers of a
//! file request live here too.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use reqwest::Response;
use reqwest::header::{ACCEPT_ENCODING, HeaderMap, HeaderValue, IF_RANGE, RANGE};

use super::plan::Span;
use super::rate::RateLimit;
use crate::cancel::receiver as cancelled;
use crate::client::Failure;
use crate::error::Error;

/// Bytes gathered before one positioned write.
const WRITE_BLOCK: usize = crate::verify::BLOCK;

/// How an attempt at a range (or a whole body) ended, when not in success.
pub enum Attempt {
    /// Worth another try after a pause, from the bytes written; `progressed`
    /// when bytes arrived on this attempt (the retry budget starts over).
    Retry {
        error: Error,
        retry_after: Option<Duration>,
        progressed: bool,
    },
    /// The answer cannot be trusted as a range of this file: restart the
    /// file whole, in one stream.
    Restart(String),
    /// No retry can mend it (including an interruption).
    Fatal(Error),
}

impl From<Failure> for Attempt {
    fn from(f: Failure) -> Attempt {
        match f {
            Failure::Transient { error, retry_after } => Attempt::Retry {
                error,
                retry_after,
                progressed: false,
            },
            Failure::Fatal(error) => Attempt::Fatal(error),
        }
    }
}

impl From<Error> for Attempt {
    fn from(e: Error) -> Attempt {
        Attempt::Fatal(e)
    }
}

/// The headers of a file request: no compression, and for a range the
/// `Range` with the `If-Range` validator.
pub fn file_headers(range: Option<&Span>, validator: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    // DOCS: RFC 9110 §12.5.3 — identity asks for the raw object, so the bytes
    // on disk and their hashes are the file itself.
    h.insert(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
    if let Some(span) = range {
        if let Ok(v) = HeaderValue::from_str(&span.header()) {
            h.insert(RANGE, v);
        }
        if let Some(Ok(v)) = validator.map(HeaderValue::from_str) {
            h.insert(IF_RANGE, v);
        }
    }
    h
}

/// Where a body's bytes go: asked before each write, told after.
pub trait Landing {
    /// How many of `len` bytes at `pos` may be written now; 0 ends the body
    /// there (its piece ended, or is another's now).
    fn admit(&mut self, pos: u64, len: u64) -> Result<u64, Error>;
    /// `data` now lies at `pos` in the file.
    fn landed(&mut self, pos: u64, data: &Bytes) -> Result<(), Error>;
}

/// The body loop, the one place a file's bytes arrive: writes `resp`'s
/// body at `start` onwards in blocks, each as far as `landing` admits, never
/// past `limit` (the end of what was asked for) when known, at the pace
/// `rate` allows. Returns the position reached: at the body's end,
/// or where the landing took no more (the rest is not read). Ctrl-C
/// flushes what has arrived and stops.
pub async fn pump(
    resp: Response,
    file: &File,
    start: u64,
    limit: Option<u64>,
    rate: Option<&RateLimit>,
    landing: &mut impl Landing,
) -> Result<u64, Attempt> {
    let mut sink = Sink {
        file,
        pos: start,
        buf: crate::verify::take_block(),
        landing,
        stopped: false,
    };
    let mut stream = resp.bytes_stream();
    let mut progressed = false;
    let mut cancel = cancelled();
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.wait_for(|c| *c) => {
                sink.flush()?;
                return Err(Attempt::Fatal(Error::Interrupted));
            }
            next = stream.next() => next,
        };
        // `--limit-rate`: each chunk waits for its share of the run's rate.
        if let (Some(rate), Some(Ok(chunk))) = (rate, &next) {
            tokio::select! {
                biased;
                _ = cancel.wait_for(|c| *c) => {
                    sink.flush()?;
                    return Err(Attempt::Fatal(Error::Interrupted));
                }
                () = rate.take(chunk.len()) => {}
            }
        }
        match next {
            Some(Ok(chunk)) => {
                progressed = true;
                let held = sink.pos + sink.buf.len() as u64;
                if let Some(end) = limit
                    && chunk.len() as u64 > end - held
                {
                    sink.push(chunk.slice(..(end - held) as usize))?;
                    sink.flush()?;
                    if sink.stopped {
                        return Ok(sink.pos);
                    }
                    return Err(Attempt::Restart(
                        "the server sent more bytes than the range holds".into(),
                    ));
                }
                sink.push(chunk)?;
                if sink.stopped {
                    return Ok(sink.pos);
                }
            }
            Some(Err(e)) => {
                sink.flush()?;
                return Err(Attempt::Retry {
                    error: Error::Network(format!(
                        "the transfer broke ({})",
                        crate::client::describe(&e)
                    )),
                    retry_after: None,
                    progressed,
                });
            }
            None => break,
        }
    }
    sink.flush()?;
    match limit {
        Some(end) if sink.pos < end && !sink.stopped => Err(Attempt::Retry {
            error: Error::Network(format!(
                "the body ended early at byte {} of {end}",
                sink.pos
            )),
            retry_after: None,
            progressed,
        }),
        _ => Ok(sink.pos),
    }
}

/// Gathers chunks into blocks and writes each at its offset.
struct Sink<'a, L> {
    file: &'a File,
    pos: u64,
    buf: BytesMut,
    landing: &'a mut L,
    /// The landing took no more.
    stopped: bool,
}

impl<L: Landing> Sink<'_, L> {
    /// Copies `chunk` into whole blocks. A chunk is never passed on as it
    /// came: it is a slice of the HTTP client's read buffer, and a digest
    /// holding it would keep that whole buffer alive (memory would grow
    /// with every connection, unbounded by the digests' caps).
    fn push(&mut self, chunk: Bytes) -> Result<(), Error> {
        let mut rest = &chunk[..];
        while !rest.is_empty() {
            let n = rest.len().min(WRITE_BLOCK - self.buf.len());
            self.buf.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            if self.buf.len() >= WRITE_BLOCK {
                self.flush()?;
                if self.stopped {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Writes the gathered block; it then goes on, shared, to the digests.
    fn flush(&mut self) -> Result<(), Error> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let block = std::mem::replace(&mut self.buf, crate::verify::take_block());
        self.write(block.freeze())
    }

    /// Positioned writes of what the landing admits. One block lands in the
    /// page cache in tens of microseconds; doing it inline avoids a thread
    /// hand-off per block.
    fn write(&mut self, mut data: Bytes) -> Result<(), Error> {
        while !data.is_empty() && !self.stopped {
            let n = self.landing.admit(self.pos, data.len() as u64)?;
            if n == 0 {
                self.stopped = true;
                break;
            }
            let part = data.split_to(n as usize);
            self.file
                .write_all_at(&part, self.pos)
                .map_err(|e| Error::io("cannot write the partial file", e))?;
            let at = self.pos;
            self.pos += n;
            self.landing.landed(at, &part)?;
            crate::verify::give_block(part);
        }
        Ok(())
    }
}
