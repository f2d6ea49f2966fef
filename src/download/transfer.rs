//! Moving one file's bytes: the first request, the decision to fetch it in
//! pieces over several connections (`connection.rs`, scheduled by
//! `pieces.rs`), resume with `If-Range`, and the fallback to one stream from
//! zero when ranges cannot be trusted. The digests take the written blocks
//! on the shared workers as the contiguous prefix grows.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::{Method, Response, StatusCode};
use url::Url;

use super::Ctx;
use super::connection::Shared;
use super::files;
use super::plan;
use super::response::{self, Validators};
use super::segment::{Attempt, Landing, file_headers, pump};
use super::state::{self, State};
use crate::error::{Error, Result};
use crate::events::Events;
use crate::text::{escape, human_bytes};
use crate::verify::{Digester, Digests};

/// Whole-file restarts (changed remote, refused ranges) at least allowed.
const MIN_RESTARTS: u32 = 3;

/// A finished transfer: the partial file, complete, with its digests.
pub struct Fetched {
    pub file: File,
    pub size: u64,
    pub digests: Digests,
    pub resumed_from: u64,
}

/// One file to transfer.
pub struct Target<'a> {
    /// The reporter's id of the file.
    pub id: usize,
    /// The catalog name.
    pub name: &'a str,
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
    let state_path = state::state_path(t.part);
    let mut restarts = 0;
    let mut force_single = false;
    let mut resume = if ctx.settings.resume {
        resumable(t.part, &state_path, t.checksum_known)
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
        let why = match attempt {
            Ok(done) => return Ok(done),
            Err(Attempt::Restart(why)) => why,
            Err(Attempt::Fatal(e) | Attempt::Retry { error: e, .. }) => return Err(e),
        };
        restarts += 1;
        let limit = ctx.client.options.retries.max(MIN_RESTARTS);
        if restarts > limit {
            return Err(Error::Protocol(format!(
                "giving up after {limit} restarts: {why}"
            )));
        }
        crate::client::pause(crate::client::backoff(restarts - 1, None)).await?;
        ctx.reporter.note(
            t.id,
            &format!("{why}; restarting the file from zero in one stream"),
        );
        ctx.reporter.reset(t.id, 0);
        state::remove(&state_path);
        force_single = true;
    }
}

/// A saved record and its partial file, if both can be trusted.
fn resumable(part: &Path, state_path: &Path, unvalidated_ok: bool) -> Option<(File, State)> {
    let st = state::load(state_path)?;
    if st.validators().if_range().is_none() && !unvalidated_ok {
        return None; // nothing to prove the remote is the same file
    }
    let file = files::reopen_part(part)?;
    (file.metadata().ok()?.len() == st.size).then_some((file, st))
}

/// The first GET of a file with nothing on disk.
async fn fresh_transfer(
    ctx: &Arc<Ctx>,
    t: &Target<'_>,
    force_single: bool,
) -> Result<Fetched, Attempt> {
    let client = &ctx.client;
    let resp = client
        .retrying(Some(t.id), || async {
            let resp = client
                .send(Method::GET, t.url, &file_headers(None, None))
                .await?;
            client.check_status(t.url, &resp)?;
            Ok(resp)
        })
        .await?;
    if resp.status() != StatusCode::OK {
        // A 206 (or 204) to a plain GET says nothing trustworthy about the
        // file's size or where its bytes belong.
        return Err(Attempt::Fatal(Error::Protocol(format!(
            "unexpected HTTP {} to a plain request for the file",
            resp.status().as_u16()
        ))));
    }
    let headers = resp.headers();
    response::check_encoding(headers, t.name, t.checksum_known)
        .map_err(|e| Attempt::Fatal(Error::Protocol(e)))?;
    let size = response::content_length(headers);
    let validators = Validators::of(headers);
    // Without a validator, ranges fetched later cannot be proven to come
    // from the same file: one stream, nothing saved — unless a checksum
    // will judge the result.
    let ranges = !force_single
        && response::accepts_ranges(headers)
        && (validators.any() || t.checksum_known);
    let file = files::create_part(t.part)?;
    let Some(size) = size else {
        return stream_unknown_length(ctx, t, file, resp).await;
    };
    if size > ctx.settings.max_size {
        return Err(Attempt::Fatal(too_big(
            "announced at",
            size,
            ctx.settings.max_size,
        )));
    }
    ctx.reporter.size_known(t.id, size);
    files::preallocate(&file, size)
        .map_err(|e| Error::io(format!("cannot allocate {}", t.part.display()), e))?;
    let connections = if ranges {
        plan::connection_count(size, ctx.settings.segments)
    } else {
        1
    };
    let pieces = plan::cut(size, plan::piece_len(size, connections));
    let st = State::new(size, validators.etag, validators.last_modified, &pieces);
    // No record yet: a file done before the first save is due never needs one.
    let shared = Shared::new(ctx, t, file, st, connections, ranges)?;
    run_pieces(shared, Some(resp), 0).await
}

/// Continues a partial file: the first missing range is asked for with
/// `If-Range`; only an exact 206 proves the remote is unchanged.
async fn resume_transfer(
    ctx: &Arc<Ctx>,
    t: &Target<'_>,
    file: File,
    st: State,
) -> Result<Fetched, Attempt> {
    let from = st.bytes_done();
    ctx.reporter.size_known(t.id, st.size);
    ctx.reporter.reset(t.id, from);
    ctx.reporter.note(
        t.id,
        &format!(
            "resuming {} at {} of {}",
            escape(&t.part.display().to_string()),
            human_bytes(from),
            human_bytes(st.size)
        ),
    );
    let connections = plan::connection_count(st.size, ctx.settings.segments);
    let shared = Shared::new(ctx, t, file, st, connections, true)?;
    let mut done = run_pieces(shared, None, from).await?;
    done.resumed_from = from;
    Ok(done)
}

/// Runs the connections until every piece is on disk, then waits for the
/// digests. The first answer, if any, feeds the first piece.
async fn run_pieces(
    shared: Arc<Shared>,
    first: Option<Response>,
    resumed_from: u64,
) -> Result<Fetched, Attempt> {
    let mut first = first.and_then(|resp| {
        let mut pieces = shared.recorder.pieces();
        let key = pieces.take(0)?;
        pieces.set_whole(0);
        Some((key, resp))
    });
    let mut tasks = tokio::task::JoinSet::new();
    for conn in 0..shared.connections as usize {
        let sh = shared.clone();
        let resp = first.take();
        tasks.spawn(async move { sh.run_connection(conn, resp).await });
    }
    let mut failure: Option<Attempt> = None;
    while let Some(joined) = tasks.join_next().await {
        let result = joined.unwrap_or_else(|e| {
            Err(Attempt::Fatal(Error::Protocol(format!(
                "a connection task failed: {e}"
            ))))
        });
        if let Err(e) = result
            && failure.is_none()
        {
            // The first failure decides; the other connections stop and save.
            tasks.abort_all();
            failure = Some(e);
        }
    }
    if let Some(e) = failure {
        shared.digester.abort();
        let _ = shared.recorder.save_now().await;
        return Err(e);
    }
    // Complete: the place step syncs the data once; a record saved earlier
    // stays true (it claims less than is on disk) until placing drops it.
    shared.recorder.stop(false).await;
    let size = shared.recorder.pieces().size();
    let Shared { file, digester, .. } = Arc::try_unwrap(shared)
        .map_err(|_| Error::Protocol("internal: a connection still runs".into()))?;
    let digests = finish_digests(&file, digester, size).await?;
    Ok(Fetched {
        file,
        size,
        digests,
        resumed_from,
    })
}

/// A body without Content-Length: one stream to the end, nothing to resume.
async fn stream_unknown_length(
    ctx: &Arc<Ctx>,
    t: &Target<'_>,
    file: File,
    resp: Response,
) -> Result<Fetched, Attempt> {
    let readback = file
        .try_clone()
        .map_err(|e| Error::io("cannot reopen the partial file", e))?;
    let digester = Digester::new(t.want_md5, Some(readback));
    let mut landing = Unbounded {
        ctx,
        id: t.id,
        digester: &digester,
    };
    let pumped = pump(resp, &file, 0, None, ctx.limit.as_ref(), &mut landing).await;
    let size = match pumped {
        Ok(size) => size,
        Err(e) => {
            digester.abort();
            return Err(match e {
                Attempt::Retry { error, .. } => Attempt::Restart(error.to_string()),
                other => other,
            });
        }
    };
    let digests = finish_digests(&file, digester, size).await?;
    Ok(Fetched {
        file,
        size,
        digests,
        resumed_from: 0,
    })
}

/// The one stream of a body of unknown length: every byte is admitted up
/// to `--max-size`.
struct Unbounded<'a> {
    ctx: &'a Ctx,
    id: usize,
    digester: &'a Digester,
}

impl Landing for Unbounded<'_> {
    fn admit(&mut self, pos: u64, len: u64) -> Result<u64> {
        if pos + len > self.ctx.settings.max_size {
            return Err(too_big(
                "streaming past",
                pos + len,
                self.ctx.settings.max_size,
            ));
        }
        Ok(len)
    }

    fn landed(&mut self, pos: u64, data: &Bytes) -> Result<()> {
        self.ctx.reporter.advance(self.id, data.len() as u64);
        let end = pos + data.len() as u64;
        self.digester.wrote(pos, data, end);
        Ok(())
    }
}

/// A file larger than `--max-size` (exit 1).
fn too_big(how: &str, size: u64, max: u64) -> Error {
    Error::Protocol(format!(
        "the file is {how} {}, more than --max-size {}",
        human_bytes(size),
        human_bytes(max)
    ))
}

/// Waits (off the async thread) for the digests of the `size` bytes
/// written, while the data is flushed to disk beside them: the flush a
/// verified file needs before its rename overlaps the hashing's tail
/// instead of following it (on a 1 GiB file, about a second).
async fn finish_digests(file: &File, digester: Digester, size: u64) -> Result<Digests> {
    let flushing = file
        .try_clone()
        .map(|f| tokio::task::spawn_blocking(move || f.sync_data()));
    let digests = tokio::task::spawn_blocking(move || digester.finish(size))
        .await
        .map_err(|e| Error::Protocol(format!("hashing failed: {e}")))?
        .ok_or_else(|| Error::Protocol("could not read back the downloaded data".into()))?;
    if let Ok(flushing) = flushing {
        // A failure shows again, and is reported, when the file is placed.
        let _ = flushing.await;
    }
    Ok(digests)
}
