//! One connection of a file's transfer: it takes pieces in turn from the
//! scheduler (the next in file order, else the back half of the slowest),
//! asks for each with an exact range (only a 206 with that very
//! `Content-Range`, from the same version of the file, is written), streams
//! it into place through `segment::pump`, and retries transient failures
//! from the bytes actually written. The connection holding the file's first
//! answer (a 200 from byte 0) fills the first piece from it, and goes on
//! into the pieces nobody has started.

use std::fs::File;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::{Method, Response, StatusCode};
use url::Url;

use super::Ctx;
use super::pieces::Conn;
use super::plan::Span;
use super::record::Recorder;
use super::response;
use super::segment::{Attempt, Landing, file_headers, pump};
use super::state::{self, State};
use super::transfer::Target;
use crate::cancel::is_cancelled;
use crate::client::Budget;
use crate::error::{Error, Result};
use crate::events::Events;
use crate::verify::Digester;

/// What the connections of one file's transfer share.
pub struct Shared {
    pub ctx: Arc<Ctx>,
    pub id: usize,
    pub url: Url,
    pub file: File,
    /// The pieces and their resume record.
    pub recorder: Recorder,
    pub digester: Digester,
    /// The catalog name, and whether a checksum will judge the bytes.
    pub name: String,
    pub checksum_known: bool,
    /// Whether a range request may continue a broken stream.
    pub ranges: bool,
    pub connections: u64,
}

impl Shared {
    pub fn new(
        ctx: &Arc<Ctx>,
        t: &Target<'_>,
        file: File,
        st: State,
        connections: u64,
        ranges: bool,
    ) -> Result<Arc<Shared>> {
        let path = state::state_path(t.part);
        let recorder = Recorder::new(path, &file, &st, connections, ranges)?;
        let readback = file
            .try_clone()
            .map_err(|e| Error::io("cannot reopen the partial file", e))?;
        Ok(Arc::new(Shared {
            ctx: ctx.clone(),
            id: t.id,
            url: t.url.clone(),
            file,
            recorder,
            digester: Digester::new(t.want_md5, Some(readback)),
            name: t.name.to_string(),
            checksum_known: t.checksum_known,
            ranges,
            connections,
        }))
    }

    /// Records `data`, just written at `pos`, at the front of piece `key`,
    /// and offers it to the digests.
    pub fn landed(&self, key: u64, pos: u64, data: &Bytes) -> Result<()> {
        let n = data.len() as u64;
        let contiguous = self.recorder.landed(key, n)?;
        self.digester.wrote(pos, data, contiguous);
        self.ctx.reporter.advance(self.id, n);
        Ok(())
    }
}

impl Shared {
    /// Fetches pieces until none is left to share. `first` is the file's
    /// first answer with the piece it feeds.
    pub async fn run_connection(
        &self,
        conn: Conn,
        first: Option<(u64, Response)>,
    ) -> Result<(), Attempt> {
        let mut next = first.map(|(key, resp)| (key, Some(resp)));
        loop {
            let (key, resp) = match next.take() {
                Some(taken) => taken,
                None => match self.recorder.pieces().take(conn) {
                    Some(key) => (key, None),
                    None => return Ok(()),
                },
            };
            let ended_at = self.fetch_piece(conn, key, resp).await?;
            self.recorder.pieces().release(ended_at, conn);
        }
    }

    /// Fetches piece `key` to its end (which a split may move), retrying
    /// from the bytes written. Returns the key of the piece it ended in
    /// (the first answer may have gone on into later ones).
    async fn fetch_piece(
        &self,
        conn: Conn,
        mut key: u64,
        mut first: Option<Response>,
    ) -> Result<u64, Attempt> {
        let mut budget = self.ctx.client.retry_budget();
        loop {
            if is_cancelled() {
                return Err(Attempt::Fatal(Error::Interrupted));
            }
            let Some(span) = self.recorder.pieces().remaining(key, conn) else {
                return Ok(key);
            };
            let outcome = match first.take() {
                Some(resp) => {
                    let streamed = self.stream(conn, &mut key, resp, None, true).await;
                    self.recorder.pieces().whole_ended(conn);
                    streamed
                }
                None if !self.ranges || self.recorder.pieces().is_single() => Err(
                    Attempt::Restart("the stream broke and the server does not take ranges".into()),
                ),
                None => match self.request_range(&span).await {
                    Ok(Some(resp)) => {
                        self.stream(conn, &mut key, resp, Some(span.end), false)
                            .await
                    }
                    Ok(None) => return Ok(key), // the first answer carries the rest
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
        let (attempt, of) = budget.spent();
        self.ctx
            .reporter
            .retry(Some(self.id), attempt, of, wait, &error.to_string());
        crate::client::pause(wait).await?;
        Ok(())
    }

    /// One range request; a reply is accepted only as an exact 206. A 200
    /// (ranges refused) leaves the file to its first answer when that one
    /// still streams: Ok(None).
    async fn request_range(&self, span: &Span) -> Result<Option<Response>, Attempt> {
        let client = &self.ctx.client;
        let saved = self.recorder.validators();
        let size = self.recorder.pieces().size();
        let resp = client
            .send(
                Method::GET,
                &self.url,
                &file_headers(Some(span), saved.if_range()),
            )
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
            StatusCode::PARTIAL_CONTENT => Ok(Some(resp)),
            StatusCode::OK => self.ranges_refused().await,
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

    /// A 200 to a range: the first answer, a whole file from byte 0, goes
    /// on alone if it still streams (nothing to resume then: the record
    /// goes); else the file restarts in one stream.
    async fn ranges_refused(&self) -> Result<Option<Response>, Attempt> {
        let kept = self.recorder.pieces().one_stream();
        if !kept {
            return Err(Attempt::Restart(
                "the server sent the whole file to a range request (changed remote, or no ranges)"
                    .into(),
            ));
        }
        self.recorder.stop(true).await;
        self.ctx.reporter.note(
            self.id,
            "the server sent the whole file to a range request; going on with the first stream \
             alone",
        );
        Ok(None)
    }

    /// Streams an answer into piece `*key` (and, for the first answer, the
    /// untouched pieces after it; `*key` follows), never past `limit`.
    async fn stream(
        &self,
        conn: Conn,
        key: &mut u64,
        resp: Response,
        limit: Option<u64>,
        whole: bool,
    ) -> Result<(), Attempt> {
        response::check_encoding(resp.headers(), &self.name, self.checksum_known)
            .map_err(|e| Attempt::Fatal(Error::Protocol(e)))?;
        let start = match self.recorder.pieces().remaining(*key, conn) {
            Some(span) => span.start,
            None => return Ok(()),
        };
        let limit = limit.or(Some(self.recorder.pieces().size()));
        let mut landing = PieceLanding {
            shared: self,
            conn,
            key: *key,
            whole,
        };
        let rate = self.ctx.limit.as_ref();
        let pumped = pump(resp, &self.file, start, limit, rate, &mut landing).await;
        *key = landing.key;
        pumped.map(|_| ())
    }
}

/// A connection's bytes landing in its piece.
struct PieceLanding<'a> {
    shared: &'a Shared,
    conn: Conn,
    key: u64,
    /// The file's first answer: it may go on into the next piece.
    whole: bool,
}

impl Landing for PieceLanding<'_> {
    fn admit(&mut self, pos: u64, len: u64) -> Result<u64, Error> {
        let mut pieces = self.shared.recorder.pieces();
        loop {
            let n = pieces.admit(self.key, self.conn, pos, len);
            if n > 0 || !self.whole {
                return Ok(n);
            }
            match pieces.follow_on(self.conn, pos) {
                Some(next) => self.key = next,
                None => return Ok(0),
            }
        }
    }

    fn landed(&mut self, pos: u64, data: &Bytes) -> Result<(), Error> {
        self.shared.landed(self.key, pos, data)
    }
}
