//! One segment's work: ask for its missing range (accepting only an exact
//! 206 from the same file), stream the body into place, and retry transient
//! failures from the bytes actually written. The body loop is shared with
//! the one-stream download of a file of unknown length.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::header::{ACCEPT_ENCODING, HeaderMap, HeaderValue, IF_RANGE, RANGE};
use reqwest::{Method, Response, StatusCode};

use super::plan::Span;
use super::response::{self, Validators};
use super::transfer::Shared;
use crate::cancel::{is_cancelled, receiver as cancelled};
use crate::client::{Budget, Failure};
use crate::error::Error;

/// Bytes gathered before one positioned write.
const WRITE_BLOCK: usize = 256 * 1024;

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

impl Shared {
    /// Fetches segment `idx` to its end. `first` is the answer to the file's
    /// first request, which feeds segment 0.
    pub async fn run_segment(
        &self,
        idx: usize,
        mut first: Option<Response>,
    ) -> Result<(), Attempt> {
        let mut budget = self.ctx.client.retry_budget();
        loop {
            if is_cancelled() {
                return Err(Attempt::Fatal(Error::Interrupted));
            }
            let (seg, size, saved) = {
                let st = self.recorder.state();
                (st.segments[idx].clone(), st.size, st.validators())
            };
            if seg.is_complete() {
                return Ok(());
            }
            let span = seg.remaining();
            let outcome = match first.take() {
                Some(resp) => self.stream(idx, span, resp, true).await,
                None if !self.ranges => Err(Attempt::Restart(
                    "the stream broke and the server does not take ranges".into(),
                )),
                None => match self.request_range(&span, size, &saved).await {
                    Ok(resp) => self.stream(idx, span, resp, false).await,
                    Err(a) => Err(a),
                },
            };
            match outcome {
                Ok(()) => {}
                Err(Attempt::Retry {
                    error,
                    retry_after,
                    progressed,
                }) => {
                    self.recorder.save_now().await?;
                    if progressed {
                        budget.reset(); // the budget is for attempts that get nowhere
                    }
                    self.retry_or_fail(&mut budget, error, retry_after).await?;
                }
                Err(other) => return Err(other),
            }
        }
    }

    /// Waits before the next attempt (backoff, or the server's Retry-After),
    /// or gives up with `error` once the retries are spent.
    async fn retry_or_fail(
        &self,
        budget: &mut Budget,
        error: Error,
        retry_after: Option<Duration>,
    ) -> Result<(), Attempt> {
        let Some(wait) = budget.spend(retry_after) else {
            return Err(Attempt::Fatal(error));
        };
        self.ctx
            .reporter
            .note(self.id, &format!("retrying: {error}"));
        crate::client::pause(wait).await?;
        Ok(())
    }

    /// One range request; a reply is accepted only as an exact 206.
    async fn request_range(
        &self,
        span: &Span,
        size: u64,
        saved: &Validators,
    ) -> Result<Response, Attempt> {
        let client = &self.ctx.client;
        let validator = saved.if_range();
        let resp = client
            .send(Method::GET, &self.url, &file_headers(Some(span), validator))
            .await?;
        let refused = |why: &str| Err(Attempt::Restart(why.into()));
        let headers = resp.headers();
        match resp.status() {
            StatusCode::PARTIAL_CONTENT if !response::range_matches(headers, span, size) => {
                refused("the server answered a range with a different Content-Range")
            }
            StatusCode::PARTIAL_CONTENT if !response::same_version(headers, saved) => refused(
                "the server answered a range of another version of the file (its ETag or \
                 Last-Modified changed)",
            ),
            StatusCode::PARTIAL_CONTENT => Ok(resp),
            StatusCode::OK => refused(
                "the server sent the whole file to a range request (changed remote, or no ranges)",
            ),
            StatusCode::RANGE_NOT_SATISFIABLE => {
                refused("the server cannot serve the saved range (the remote file changed)")
            }
            _ => {
                client.check_status(&self.url, &resp)?;
                Err(Attempt::Fatal(Error::Protocol(format!(
                    "unexpected HTTP {} to a range request",
                    resp.status().as_u16()
                ))))
            }
        }
    }

    /// Streams an answer into the segment, never past its end. A `whole`
    /// answer (the first, from byte 0) feeds segment 0 up to its end; the
    /// rest belongs to the other segments.
    async fn stream(
        &self,
        idx: usize,
        span: Span,
        resp: Response,
        whole: bool,
    ) -> Result<(), Attempt> {
        response::check_encoding(resp.headers(), &self.name, self.checksum_known)
            .map_err(|e| Attempt::Fatal(Error::Protocol(e)))?;
        pump(
            resp,
            &self.file,
            span.start,
            Some(span.end),
            whole,
            |pos, data| self.record(idx, pos, data),
        )
        .await
        .map(|_| ())
    }
}

/// The body loop: writes `resp`'s body at `start` onwards in blocks, never
/// past `end` when known, calling `wrote(pos, block)` after each write.
/// Returns the position reached. Ctrl-C flushes what has arrived and stops.
pub async fn pump(
    resp: Response,
    file: &File,
    start: u64,
    end: Option<u64>,
    whole: bool,
    wrote: impl FnMut(u64, &Bytes) -> Result<(), Error>,
) -> Result<u64, Attempt> {
    let mut sink = Sink {
        file,
        pos: start,
        buf: Vec::with_capacity(WRITE_BLOCK),
        wrote,
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
        match next {
            Some(Ok(chunk)) => {
                progressed = true;
                let held = sink.pos + sink.buf.len() as u64;
                if let Some(end) = end
                    && chunk.len() as u64 > end - held
                {
                    sink.push(chunk.slice(..(end - held) as usize))?;
                    sink.flush()?;
                    if whole {
                        return Ok(sink.pos);
                    }
                    return Err(Attempt::Restart(
                        "the server sent more bytes than the range holds".into(),
                    ));
                }
                sink.push(chunk)?;
                if end == Some(sink.pos + sink.buf.len() as u64) && !whole {
                    break;
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
    match end {
        Some(end) if sink.pos < end => Err(Attempt::Retry {
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
struct Sink<'a, W> {
    file: &'a File,
    pos: u64,
    buf: Vec<u8>,
    wrote: W,
}

impl<W: FnMut(u64, &Bytes) -> Result<(), Error>> Sink<'_, W> {
    fn push(&mut self, chunk: Bytes) -> Result<(), Error> {
        if self.buf.is_empty() && chunk.len() >= WRITE_BLOCK {
            // A large chunk goes to disk as it came: no copy.
            return self.write(chunk);
        }
        self.buf.extend_from_slice(&chunk);
        if self.buf.len() >= WRITE_BLOCK {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the gathered block; it then goes on, shared, to the digests.
    fn flush(&mut self) -> Result<(), Error> {
        let block = std::mem::replace(&mut self.buf, Vec::with_capacity(WRITE_BLOCK));
        self.write(Bytes::from(block))
    }

    /// A positioned write of one block lands in the page cache in tens of
    /// microseconds; doing it inline avoids a thread hand-off per block.
    fn write(&mut self, data: Bytes) -> Result<(), Error> {
        if data.is_empty() {
            return Ok(());
        }
        self.file
            .write_all_at(&data, self.pos)
            .map_err(|e| Error::io("cannot write the partial file", e))?;
        let at = self.pos;
        self.pos += data.len() as u64;
        (self.wrote)(at, &data)
    }
}
