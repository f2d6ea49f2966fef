//! Moving one file's bytes: the first request, the segment workers that write
//! each range at its offset (never past its end), resume with `If-Range`, and
//! the fallback to one stream from zero when ranges cannot be trusted.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::header::{
    ACCEPT_ENCODING, ACCEPT_RANGES, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, ETAG,
    HeaderMap, HeaderValue, IF_RANGE, LAST_MODIFIED, RANGE,
};
use reqwest::{Method, Response, StatusCode};
use url::Url;

use super::Ctx;
use super::files;
use super::plan::{self, Span};
use super::state::{self, State};
use crate::cancel::{is_cancelled, receiver as cancelled};
use crate::client::{Budget, Failure};
use crate::error::{Error, Result};
use crate::verify::{Algo, Digests, FollowHasher, Watermark};

/// Bytes gathered before one positioned write.
const WRITE_BLOCK: usize = 256 * 1024;
/// How often the data is flushed and the resume record rewritten while
/// bytes flow: the record never claims bytes that are not on disk.
const SAVE_EVERY: Duration = Duration::from_secs(1);
/// Whole-file restarts (changed remote, refused ranges) at least allowed.
const MIN_RESTARTS: u32 = 3;

/// A finished transfer: the partial file, complete, with its digests.
pub struct Fetched {
    pub file: File,
    pub size: u64,
    pub digests: Digests,
    pub resumed_from: u64,
}

/// Why a segment stopped.
enum SegError {
    /// The server will not serve this range as asked: restart the file whole.
    Restart(String),
    Fatal(Error),
}

/// What the transfer of one file shares between its segment workers.
struct Shared {
    ctx: Arc<Ctx>,
    id: usize,
    url: Url,
    file: File,
    state_path: PathBuf,
    state: Mutex<State>,
    last_save: Mutex<Instant>,
    /// A periodic save runs on a blocking thread (its fsync waits for the
    /// disk); this is set while it does, with its error if it failed.
    saving: Arc<std::sync::atomic::AtomicBool>,
    save_error: Arc<Mutex<Option<std::io::Error>>>,
    mark: Arc<Watermark>,
    /// Whether a range request may continue a broken stream.
    ranges: bool,
}

/// One file to transfer.
pub struct Target<'a> {
    /// The reporter's id of the file.
    pub id: usize,
    pub url: &'a Url,
    /// The partial file; its resume record sits beside it.
    pub part: &'a Path,
    pub want_md5: bool,
    /// A checksum will judge the result, so data may be resumed or
    /// segmented even without an ETag or Last-Modified to prove identity.
    pub checksum_known: bool,
}

/// Fetches the target into its partial file, resuming when a trustworthy
/// record exists.
pub async fn fetch(ctx: &Arc<Ctx>, t: &Target<'_>) -> Result<Fetched> {
    let (id, part) = (t.id, t.part);
    let state_path = state::state_path(part);
    let mut restarts = 0;
    let mut force_single = false;
    let mut resume = if ctx.resume {
        resumable(part, &state_path, t.checksum_known)
    } else {
        None
    };
    if resume.is_none() {
        state::remove(&state_path);
    }
    loop {
        let attempt = match resume.take() {
            Some((file, st)) => resume_transfer(ctx, t, file, st).await,
            None => fresh_transfer(ctx, t, force_single).await,
        };
        match attempt {
            Ok(done) => return Ok(done),
            Err(SegError::Fatal(e)) => return Err(e),
            Err(SegError::Restart(why)) => {
                restarts += 1;
                let limit = ctx.client.options.retries.max(MIN_RESTARTS);
                if restarts > limit {
                    return Err(Error::Protocol(format!(
                        "giving up after {limit} restarts: {why}"
                    )));
                }
                crate::client::pause(crate::client::backoff(restarts - 1, None)).await?;
                ctx.reporter.note(
                    id,
                    &format!("{why}; restarting the file from zero in one stream"),
                );
                ctx.reporter.reset(id, 0);
                state::remove(&state_path);
                force_single = true;
            }
        }
    }
}

/// A saved record and its partial file, if both can be trusted.
fn resumable(part: &Path, state_path: &Path, unvalidated_ok: bool) -> Option<(File, State)> {
    let st = state::load(state_path)?;
    if st.validator().is_none() && !unvalidated_ok {
        return None; // nothing to prove the remote is the same file
    }
    let file = files::reopen_part(part)?;
    (file.metadata().ok()?.len() == st.size).then_some((file, st))
}

fn file_headers(range: Option<&Span>, validator: Option<&str>) -> HeaderMap {
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

fn header_str(resp: &Response, name: reqwest::header::HeaderName) -> Option<String> {
    resp.headers().get(name)?.to_str().ok().map(str::to_string)
}

/// Parses `bytes START-END/TOTAL` (RFC 9110 §14.4).
pub fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let (start, end, total) = (start.parse().ok()?, end.parse().ok()?, total.parse().ok()?);
    (start <= end && end < total).then_some((start, end, total))
}

/// A 206 counts only when its Content-Range is exactly the span asked for,
/// with the known total; anything else is not trusted (RELIABILITY T-31).
fn range_matches(resp: &Response, span: &Span, size: u64) -> bool {
    header_str(resp, CONTENT_RANGE)
        .and_then(|v| parse_content_range(&v))
        .is_some_and(|(s, e, t)| s == span.start && e + 1 == span.end && t == size)
}

fn reject_encoding(resp: &Response) -> Result<(), SegError> {
    match header_str(resp, CONTENT_ENCODING) {
        Some(enc) if !enc.trim().eq_ignore_ascii_case("identity") => {
            Err(SegError::Fatal(Error::Protocol(format!(
                "the server sent a `{enc}`-encoded body although none was asked for"
            ))))
        }
        _ => Ok(()),
    }
}

/// The first GET of a file with nothing on disk.
async fn fresh_transfer(
    ctx: &Arc<Ctx>,
    t: &Target<'_>,
    force_single: bool,
) -> Result<Fetched, SegError> {
    let (id, url, part, want_md5) = (t.id, t.url, t.part, t.want_md5);
    let client = &ctx.client;
    let resp = client
        .retrying(|| async {
            let resp = client
                .send(Method::GET, url, &file_headers(None, None))
                .await?;
            client.check_status(url, &resp)?;
            Ok(resp)
        })
        .await
        .map_err(SegError::Fatal)?;
    if resp.status() != StatusCode::OK {
        // A 206 (or 204) to a plain GET says nothing trustworthy about the
        // file's size or where its bytes belong.
        return Err(SegError::Fatal(Error::Protocol(format!(
            "unexpected HTTP {} to a plain request for the file",
            resp.status().as_u16()
        ))));
    }
    reject_encoding(&resp)?;
    let size = header_str(&resp, CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    let ranges = !force_single
        && header_str(&resp, ACCEPT_RANGES).is_some_and(|v| v.eq_ignore_ascii_case("bytes"));
    let etag = header_str(&resp, ETAG);
    let last_modified = header_str(&resp, LAST_MODIFIED);
    // Without a validator, ranges fetched later cannot be proven to come
    // from the same file: one stream, nothing saved — unless a checksum
    // will judge the result.
    let ranges = ranges && (etag.is_some() || last_modified.is_some() || t.checksum_known);
    let file = files::create_part(part).map_err(SegError::Fatal)?;
    if let Some(size) = size {
        ctx.reporter.size_known(id, size);
        files::preallocate(&file, size).map_err(|e| {
            SegError::Fatal(Error::io(format!("cannot allocate {}", part.display()), e))
        })?;
    }
    let Some(size) = size else {
        return stream_unknown_length(ctx, id, file, resp, want_md5).await;
    };
    let count = if ranges {
        plan::segment_count(size, ctx.segments)
    } else {
        1
    };
    let st = State::new(size, etag, last_modified, &plan::split(size, count));
    let shared = Shared::new(ctx, t, file, st, ranges);
    if ranges {
        shared.save(true)?;
    }
    run_segments(shared, Some(resp), 0, want_md5).await
}

/// Continues a partial file: the first missing range is asked for with
/// `If-Range`; only an exact 206 proves the remote is unchanged.
async fn resume_transfer(
    ctx: &Arc<Ctx>,
    t: &Target<'_>,
    file: File,
    st: State,
) -> Result<Fetched, SegError> {
    let (id, part, want_md5) = (t.id, t.part, t.want_md5);
    let from = st.bytes_done();
    ctx.reporter.size_known(id, st.size);
    ctx.reporter.reset(id, from);
    ctx.reporter.note(
        id,
        &format!(
            "resuming {} at {} of {}",
            crate::text::escape(&part.display().to_string()),
            crate::text::human_bytes(from),
            crate::text::human_bytes(st.size)
        ),
    );
    let shared = Shared::new(ctx, t, file, st, true);
    let mut done = run_segments(shared, None, from, want_md5).await?;
    done.resumed_from = from;
    Ok(done)
}

/// Runs every incomplete segment concurrently, then waits for the digests.
async fn run_segments(
    shared: Arc<Shared>,
    first: Option<Response>,
    resumed_from: u64,
    want_md5: bool,
) -> Result<Fetched, SegError> {
    let hashers = spawn_hashers(&shared.file, &shared.mark, want_md5, true)?;
    shared.advance_mark();
    let (count, size) = {
        let st = shared.lock();
        (st.segments.len(), st.size)
    };
    let mut tasks = tokio::task::JoinSet::new();
    let mut first = first;
    for idx in 0..count {
        let sh = shared.clone();
        let resp = if idx == 0 { first.take() } else { None };
        if shared.lock().segments[idx].is_complete() {
            continue;
        }
        tasks.spawn(async move { sh.run_segment(idx, resp).await });
    }
    drop(first);
    let mut failure: Option<SegError> = None;
    while let Some(joined) = tasks.join_next().await {
        let result = joined.unwrap_or_else(|e| {
            Err(SegError::Fatal(Error::Protocol(format!(
                "a segment task failed: {e}"
            ))))
        });
        if let Err(e) = result {
            // The first failure decides; the other segments stop and save.
            if failure.is_none() {
                tasks.abort_all();
                failure = Some(e);
            }
        }
    }
    if let Some(e) = failure {
        shared.mark.abort();
        let _ = shared.save(true);
        return Err(e);
    }
    let _ = shared.save(true);
    shared.mark.finish(size);
    let digests = join_hashers(hashers).await?;
    let Shared { file, .. } = Arc::try_unwrap(shared)
        .map_err(|_| SegError::Fatal(Error::Protocol("internal: segment still running".into())))?;
    Ok(Fetched {
        file,
        size,
        digests,
        resumed_from,
    })
}

type Hashers = (Option<FollowHasher>, Option<FollowHasher>);

/// The digest threads: sha256 unless `--no-verify` (which skips all hashing,
/// the fastest way to fetch), md5 when an md5 is expected.
fn spawn_hashers(
    file: &File,
    mark: &Arc<Watermark>,
    want_md5: bool,
    want_sha256: bool,
) -> Result<Hashers, SegError> {
    let spawn = |on: bool, algo: Algo| -> Result<Option<FollowHasher>, SegError> {
        if !on {
            return Ok(None);
        }
        let clone = file
            .try_clone()
            .map_err(|e| SegError::Fatal(Error::io("cannot reopen the partial file", e)))?;
        Ok(Some(FollowHasher::spawn(clone, algo, mark.clone())))
    };
    Ok((
        spawn(want_sha256, Algo::Sha256)?,
        spawn(want_md5, Algo::Md5)?,
    ))
}

async fn join_hashers((sha, md5): Hashers) -> Result<Digests, SegError> {
    let joined = tokio::task::spawn_blocking(move || {
        (sha.map(FollowHasher::join), md5.map(FollowHasher::join))
    })
    .await
    .map_err(|e| SegError::Fatal(Error::Protocol(format!("hashing failed: {e}"))))?;
    let (sha256, md5) = joined;
    if sha256.as_ref().is_some_and(Option::is_none) || md5.as_ref().is_some_and(Option::is_none) {
        return Err(SegError::Fatal(Error::Protocol(
            "could not read back the downloaded data".into(),
        )));
    }
    Ok(Digests {
        md5: md5.flatten(),
        sha256: sha256.flatten(),
    })
}

/// A body without Content-Length: one stream to the end, nothing to resume.
async fn stream_unknown_length(
    ctx: &Arc<Ctx>,
    id: usize,
    file: File,
    resp: Response,
    want_md5: bool,
) -> Result<Fetched, SegError> {
    let mark = Watermark::new();
    let hashers = spawn_hashers(&file, &mark, want_md5, true)?;
    let mut stream = resp.bytes_stream();
    let mut buf = Vec::with_capacity(WRITE_BLOCK);
    let mut pos = 0u64;
    let mut cancel = cancelled();
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.wait_for(|c| *c) => { mark.abort(); return Err(SegError::Fatal(Error::Interrupted)); }
            next = stream.next() => next,
        };
        match next {
            Some(Ok(chunk)) => {
                buf.extend_from_slice(&chunk);
                if buf.len() >= WRITE_BLOCK {
                    write_block(&file, &buf, pos).map_err(SegError::Fatal)?;
                    pos += buf.len() as u64;
                    ctx.reporter.advance(id, buf.len() as u64);
                    mark.advance_to(pos);
                    buf.clear();
                }
            }
            Some(Err(e)) => {
                mark.abort();
                return Err(SegError::Restart(format!(
                    "the connection broke ({})",
                    crate::client::describe(&e)
                )));
            }
            None => break,
        }
    }
    write_block(&file, &buf, pos).map_err(SegError::Fatal)?;
    pos += buf.len() as u64;
    ctx.reporter.advance(id, buf.len() as u64);
    mark.finish(pos);
    let digests = join_hashers(hashers).await?;
    Ok(Fetched {
        file,
        size: pos,
        digests,
        resumed_from: 0,
    })
}

fn write_block(file: &File, buf: &[u8], at: u64) -> Result<()> {
    if buf.is_empty() {
        return Ok(());
    }
    // A positioned write of one block lands in the page cache in tens of
    // microseconds; doing it inline avoids a thread hand-off per block (and
    // the memory of the threads block_in_place would start).
    file.write_all_at(buf, at)
        .map_err(|e| Error::io("cannot write the partial file", e))
}

impl Shared {
    fn new(ctx: &Arc<Ctx>, t: &Target<'_>, file: File, st: State, ranges: bool) -> Arc<Shared> {
        Arc::new(Shared {
            ctx: ctx.clone(),
            id: t.id,
            url: t.url.clone(),
            file,
            state_path: state::state_path(t.part),
            state: Mutex::new(st),
            last_save: Mutex::new(Instant::now()),
            saving: Arc::default(),
            save_error: Arc::default(),
            mark: Watermark::new(),
            ranges,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn advance_mark(&self) {
        let contiguous = self.lock().contiguous();
        self.mark.advance_to(contiguous);
    }

    /// Rewrites the resume record: at most every SAVE_EVERY in the
    /// background while bytes flow, or at once (`now`) at the end of a
    /// segment, on an error or on Ctrl-C.
    fn save(&self, now: bool) -> Result<(), SegError> {
        use std::sync::atomic::Ordering;
        if !self.ranges {
            return Ok(()); // without ranges there is nothing to resume
        }
        let failed = |e: std::io::Error| {
            SegError::Fatal(Error::io(
                format!(
                    "cannot save the resume record {}",
                    self.state_path.display()
                ),
                e,
            ))
        };
        if let Some(e) = self
            .save_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            return Err(failed(e));
        }
        let mut last = self.last_save.lock().unwrap_or_else(|e| e.into_inner());
        if !now && (last.elapsed() < SAVE_EVERY || self.saving.load(Ordering::Acquire)) {
            return Ok(());
        }
        *last = Instant::now();
        // The snapshot describes only bytes already written; the data is
        // flushed before the record is, so after a power loss the record
        // never claims bytes that were not on disk.
        let snapshot = self.lock().clone();
        if now {
            while self.saving.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_millis(2));
            }
            return persist(&self.file, &self.state_path, &snapshot).map_err(failed);
        }
        let file = self.file.try_clone().map_err(failed)?;
        let (path, saving, slot) = (
            self.state_path.clone(),
            self.saving.clone(),
            self.save_error.clone(),
        );
        saving.store(true, Ordering::Release);
        tokio::task::spawn_blocking(move || {
            if let Err(e) = persist(&file, &path, &snapshot) {
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
            }
            saving.store(false, Ordering::Release);
        });
        Ok(())
    }

    /// Records `n` more bytes written at the front of segment `idx`.
    fn record(&self, idx: usize, n: u64) -> Result<(), SegError> {
        {
            let mut st = self.lock();
            st.segments[idx].done += n;
        }
        self.advance_mark();
        self.ctx.reporter.advance(self.id, n);
        self.save(false)
    }

    /// Fetches segment `idx` to its end, retrying transient failures from the
    /// bytes actually written.
    async fn run_segment(
        self: Arc<Self>,
        idx: usize,
        mut first: Option<Response>,
    ) -> Result<(), SegError> {
        let mut budget = self.ctx.client.retry_budget();
        loop {
            if is_cancelled() {
                return Err(SegError::Fatal(Error::Interrupted));
            }
            let (seg, size, validator) = {
                let st = self.lock();
                (
                    st.segments[idx].clone(),
                    st.size,
                    st.validator().map(str::to_string),
                )
            };
            if seg.is_complete() {
                return Ok(());
            }
            let span = seg.remaining();
            let (resp, whole) = match first.take() {
                Some(resp) => (resp, true),
                None => {
                    if !self.ranges {
                        return Err(SegError::Restart(
                            "the stream broke and the server does not take ranges".into(),
                        ));
                    }
                    match self.request_range(&span, size, validator.as_deref()).await {
                        Ok(resp) => (resp, false),
                        Err(RangeError::Refused(why)) => return Err(SegError::Restart(why.into())),
                        Err(RangeError::Failed(Failure::Fatal(e))) => {
                            return Err(SegError::Fatal(e));
                        }
                        Err(RangeError::Failed(Failure::Transient { error, retry_after })) => {
                            self.retry_or_fail(&mut budget, error, retry_after).await?;
                            continue;
                        }
                    }
                }
            };
            reject_encoding(&resp)?;
            match self.stream_into(idx, span, resp, whole).await {
                Ok(()) => continue,
                Err(StreamError::Broken(why, progressed)) => {
                    if progressed {
                        budget.reset();
                    }
                    self.retry_or_fail(&mut budget, Error::Network(why), None)
                        .await?;
                }
                Err(StreamError::Stop(e)) => return Err(e),
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
    ) -> Result<(), SegError> {
        let Some(wait) = budget.spend(retry_after) else {
            return Err(SegError::Fatal(error));
        };
        self.ctx
            .reporter
            .note(self.id, &format!("retrying: {error}"));
        crate::client::pause(wait).await.map_err(SegError::Fatal)
    }

    /// One range request; a reply is accepted only as an exact 206.
    async fn request_range(
        &self,
        span: &Span,
        size: u64,
        validator: Option<&str>,
    ) -> Result<Response, RangeError> {
        let client = &self.ctx.client;
        let resp = client
            .send(Method::GET, &self.url, &file_headers(Some(span), validator))
            .await?;
        match resp.status() {
            StatusCode::PARTIAL_CONTENT if range_matches(&resp, span, size) => Ok(resp),
            StatusCode::PARTIAL_CONTENT => Err(RangeError::Refused(
                "the server answered a range with a different Content-Range",
            )),
            StatusCode::OK => Err(RangeError::Refused(
                "the server sent the whole file to a range request (changed remote, or no ranges)",
            )),
            StatusCode::RANGE_NOT_SATISFIABLE => Err(RangeError::Refused(
                "the server cannot serve the saved range (the remote file changed)",
            )),
            _ => {
                client.check_status(&self.url, &resp)?;
                Err(RangeError::Failed(Failure::Fatal(Error::Protocol(
                    format!(
                        "unexpected HTTP {} to a range request",
                        resp.status().as_u16()
                    ),
                ))))
            }
        }
    }

    /// Streams a response body into the segment, never past its end.
    async fn stream_into(
        &self,
        idx: usize,
        span: Span,
        resp: Response,
        whole: bool,
    ) -> Result<(), StreamError> {
        let mut stream = resp.bytes_stream();
        let mut buf: Vec<u8> = Vec::with_capacity(WRITE_BLOCK);
        let mut pos = span.start;
        let mut progressed = false;
        let mut cancel = cancelled();
        loop {
            let next = tokio::select! {
                biased;
                _ = cancel.wait_for(|c| *c) => {
                    self.flush(idx, &mut buf, &mut pos).map_err(StreamError::Stop)?;
                    return Err(StreamError::Stop(SegError::Fatal(Error::Interrupted)));
                }
                next = stream.next() => next,
            };
            match next {
                Some(Ok(chunk)) => {
                    progressed = true;
                    let room = (span.end - pos - buf.len() as u64) as usize;
                    if chunk.len() > room {
                        buf.extend_from_slice(&chunk[..room]);
                        self.flush(idx, &mut buf, &mut pos)
                            .map_err(StreamError::Stop)?;
                        if whole {
                            // A whole-file answer feeding the first segment:
                            // the rest belongs to the other segments.
                            return Ok(());
                        }
                        return Err(StreamError::Stop(SegError::Restart(
                            "the server sent more bytes than the range holds".into(),
                        )));
                    }
                    if buf.is_empty() && chunk.len() >= WRITE_BLOCK {
                        // A large chunk goes to disk as it came: no copy.
                        self.write_at(idx, &chunk, &mut pos)
                            .map_err(StreamError::Stop)?;
                    } else {
                        buf.extend_from_slice(&chunk);
                        if buf.len() >= WRITE_BLOCK {
                            self.flush(idx, &mut buf, &mut pos)
                                .map_err(StreamError::Stop)?;
                        }
                    }
                    if pos + buf.len() as u64 == span.end && !whole {
                        break;
                    }
                }
                Some(Err(e)) => {
                    self.flush(idx, &mut buf, &mut pos)
                        .map_err(StreamError::Stop)?;
                    let _ = self.save(true);
                    return Err(StreamError::Broken(
                        format!("the transfer broke ({})", crate::client::describe(&e)),
                        progressed,
                    ));
                }
                None => break,
            }
        }
        self.flush(idx, &mut buf, &mut pos)
            .map_err(StreamError::Stop)?;
        if pos < span.end {
            let _ = self.save(true);
            return Err(StreamError::Broken(
                format!("the body ended early at byte {pos} of {}", span.end),
                progressed,
            ));
        }
        Ok(())
    }

    fn flush(&self, idx: usize, buf: &mut Vec<u8>, pos: &mut u64) -> Result<(), SegError> {
        self.write_at(idx, buf, pos)?;
        buf.clear();
        Ok(())
    }

    /// Writes `data` at `pos` in segment `idx` and records it.
    fn write_at(&self, idx: usize, data: &[u8], pos: &mut u64) -> Result<(), SegError> {
        if data.is_empty() {
            return Ok(());
        }
        write_block(&self.file, data, *pos).map_err(SegError::Fatal)?;
        *pos += data.len() as u64;
        self.record(idx, data.len() as u64)
    }
}

/// Flushes the data, then writes the record describing it.
fn persist(file: &File, path: &Path, snapshot: &State) -> std::io::Result<()> {
    file.sync_data()?;
    state::save(path, snapshot)
}

enum StreamError {
    /// The connection broke; `bool` = some bytes arrived on this attempt.
    Broken(String, bool),
    Stop(SegError),
}

/// How a range request can fail.
enum RangeError {
    /// The answer is not the exact range asked for: restart the file whole.
    Refused(&'static str),
    Failed(Failure),
}

impl From<Failure> for RangeError {
    fn from(f: Failure) -> RangeError {
        RangeError::Failed(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_parsing_is_strict() {
        assert_eq!(parse_content_range("bytes 0-9/10"), Some((0, 9, 10)));
        assert_eq!(parse_content_range("bytes 5-4/10"), None);
        assert_eq!(parse_content_range("bytes 0-10/10"), None);
        assert_eq!(parse_content_range("bytes */10"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
    }
}
