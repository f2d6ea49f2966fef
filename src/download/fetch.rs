//! One file of a run: skip it when a verified copy is present, else fetch
//! it into its partial file, verify, and place it under its final name.
//! Bytes that fail a known checksum never reach the final name.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::{Ctx, FileReport, Job, Status, files, state, transfer};
use crate::error::{Error, Exit, Result};
use crate::events::{Done, Events};
use crate::guard::lock;
use crate::text::escape;
use crate::verify::{self, Digests, Verified};

fn verified_label(ctx: &Ctx, job: &Job) -> Verified {
    if ctx.settings.verify {
        job.expected.strongest()
    } else {
        Verified::Unverified
    }
}

/// Brings one file to disk and reports how it went. Never panics.
pub(super) async fn one_file(ctx: &Arc<Ctx>, id: usize, job: Job) -> FileReport {
    let started = Instant::now();
    let mut report = FileReport {
        name: job.name.clone(),
        path: ctx.dir.join(&job.name).display().to_string(),
        bytes: 0,
        status: Status::Failed,
        verified: verified_label(ctx, &job),
        md5: None,
        sha256: None,
        seconds: 0.0,
        error: None,
        exit: Exit::Ok,
        hint: None,
        retries: 0,
        fetched: 0,
    };
    let result = if crate::cancel::is_cancelled() {
        Err(Error::Interrupted)
    } else {
        bring(ctx, id, &job, &mut report).await
    };
    report.seconds = started.elapsed().as_secs_f64();
    report.retries = ctx.reporter.retries(id);
    if let Err(e) = result {
        report.status = Status::Failed;
        report.verified = Verified::Unverified;
        report.bytes = partial_bytes(ctx, &job.name).unwrap_or(report.bytes);
        report.exit = e.exit();
        report.hint = match &e {
            // The listing shows EE files to every account; the download
            // is refused to a CE-only one.
            Error::Forbidden { .. } if job.ee => Some(
                "the account may have access to Magento Open Source only: add --edition ce \
                 to fetch only what it may; else it may have an outstanding invoice, or not be \
                 the primary contact's MAGEID"
                    .into(),
            ),
            Error::NotFound { .. } if job.suggestion.is_some() => Some(format!(
                "`{}` is not in the catalog: did you mean `{}`?",
                escape(&job.name),
                escape(job.suggestion.as_deref().unwrap_or_default())
            )),
            _ => e.hint(),
        };
        report.error = Some(crate::secret::scrub(&e.to_string()));
        ctx.reporter.done(
            id,
            &Done {
                name: &job.name,
                bytes: report.bytes,
                fetched: 0,
                seconds: report.seconds,
                result: report.error.clone().unwrap_or_default(),
                sha256: None,
                ok: false,
            },
        );
    }
    report
}

async fn bring(ctx: &Arc<Ctx>, id: usize, job: &Job, report: &mut FileReport) -> Result<()> {
    // An unsafe name is this file's failure (exit 1), not the run's usage.
    let rel = files::safe_relative_path(&job.name).map_err(Error::Protocol)?;
    let final_path = ctx.dir.join(&rel);
    report.path = final_path.display().to_string();
    if ctx.settings.verify && ctx.settings.require_checksum && job.expected.is_empty() {
        return Err(Error::NoChecksum(escape(&job.name)));
    }
    if ctx.settings.extract.is_some()
        && ctx.settings.verify
        && job.expected.is_empty()
        && crate::archive::is_archive(&final_path)
    {
        return Err(Error::Unverifiable(escape(&job.name)));
    }
    if !ctx.settings.force
        && files::is_plain_file(&final_path)
        && skip_if_present(ctx, id, job, &final_path, report).await?
    {
        extract(ctx, id, &final_path).await?;
        ctx.reporter.skipped(id, &job.name, report.bytes);
        return Ok(());
    }
    ctx.state.ensure_parents(&final_path)?;
    let part = ctx.state.part_path(&final_path);
    if let Some(parent) = part.parent() {
        ctx.state.ensure(parent)?;
    }
    let started = Instant::now();
    ctx.reporter.start(id, &job.name, None, 0);
    let fetched = fetch_verified(ctx, id, job, &part).await?;
    report.bytes = fetched.size;
    report.fetched = fetched.size.saturating_sub(fetched.resumed_from);
    report.md5 = fetched.digests.md5.clone();
    report.sha256 = fetched.digests.sha256.clone();
    place(fetched.file, &part, &final_path).await?;
    if let Ok(meta) = std::fs::symlink_metadata(&final_path) {
        // Placed by this run from the bytes just verified.
        lock(&ctx.cache).record(&ctx.state.key(&final_path), &meta, &fetched.digests);
    }
    extract(ctx, id, &final_path).await?;
    report.status = Status::Downloaded;
    let result = match (ctx.settings.verify, job.expected.strongest()) {
        (false, _) => "not verified (--no-verify)".into(),
        (true, Verified::Unverified) => {
            ctx.reporter.note(
                id,
                &format!("{} has no checksum to verify against: unverified", job.name),
            );
            "unverified".into()
        }
        (true, algo) => format!("{} OK", algo.name()),
    };
    ctx.reporter.done(
        id,
        &Done {
            name: &job.name,
            bytes: fetched.size,
            fetched: report.fetched,
            seconds: started.elapsed().as_secs_f64(),
            result,
            sha256: report.sha256.as_deref(),
            ok: true,
        },
    );
    Ok(())
}

/// Fetches into `part` and checks the digests. A resumed file that fails
/// its checksum is fetched once more from zero: the saved part may predate a
/// change the validators could not reveal.
async fn fetch_verified(
    ctx: &Arc<Ctx>,
    id: usize,
    job: &Job,
    part: &Path,
) -> Result<transfer::Fetched> {
    let url = ctx.client.endpoint().file_url(&job.name);
    let want_md5 = ctx.settings.verify && job.expected.md5.is_some();
    let checksum_known = ctx.settings.verify && !job.expected.is_empty();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let target = transfer::Target {
            id,
            name: &job.name,
            url: &url,
            part,
            want_md5,
            checksum_known,
        };
        let fetched = match transfer::fetch(ctx, &target).await {
            Ok(f) => f,
            Err(e) => {
                if !state::state_path(part).exists() {
                    let _ = std::fs::remove_file(part); // nothing to resume from
                }
                return Err(e);
            }
        };
        let checked = if ctx.settings.verify {
            job.expected.check(&job.name, &fetched.digests)
        } else {
            Ok(())
        };
        match checked {
            Ok(()) => return Ok(fetched),
            Err(e) => {
                // Bad bytes never reach the final name, and are not kept.
                let resumed = fetched.resumed_from > 0;
                drop(fetched);
                let _ = std::fs::remove_file(part);
                state::remove(&state::state_path(part));
                if attempts > 1 || !resumed {
                    return Err(e);
                }
                ctx.reporter
                    .note(id, &format!("{e}; fetching it again from zero"));
                ctx.reporter.reset(id, 0);
            }
        }
    }
}

/// A file already at its final name that verifies is skipped without any
/// request; the verification cache spares reading it when its metadata is
/// unchanged. Returns true when skipped.
async fn skip_if_present(
    ctx: &Arc<Ctx>,
    id: usize,
    job: &Job,
    final_path: &Path,
    report: &mut FileReport,
) -> Result<bool> {
    let key = ctx.state.key(final_path);
    let unreadable = |e| Error::io(format!("cannot read {}", final_path.display()), e);
    let meta = std::fs::symlink_metadata(final_path).map_err(unreadable)?;
    let (trusted, cached_sha256) = {
        let cache = lock(&ctx.cache);
        let trusted = cache
            .trusted(&key, &meta)
            .filter(|d| job.expected.md5.is_none() || d.md5.is_some())
            .filter(|_| !ctx.settings.rehash);
        (trusted, cache.recorded_sha256(&key))
    };
    let was_trusted = trusted.is_some();
    let (size, digests) = match trusted {
        Some(digests) => (meta.len(), digests),
        None => {
            let path = final_path.to_path_buf();
            let want_md5 = job.expected.md5.is_some();
            tokio::task::spawn_blocking(move || verify::hash_file(&path, want_md5))
                .await
                .map_err(|e| Error::Protocol(format!("hashing failed: {e}")))?
                .map_err(unreadable)?
        }
    };
    let verified =
        !ctx.settings.verify || job.present_copy_verifies(&digests, cached_sha256.as_deref());
    if !verified {
        lock(&ctx.cache).forget(&key);
        let why = if job.expected.is_empty() && cached_sha256.is_none() {
            "has nothing to verify it against"
        } else {
            "does not verify"
        };
        ctx.reporter.note(
            id,
            &format!("{} is present but {why}; downloading it again", job.name),
        );
        return Ok(false);
    }
    if !was_trusted {
        remember(ctx, final_path, &meta, &digests);
    }
    report.status = Status::Skipped;
    report.bytes = size;
    report.md5 = digests.md5;
    report.sha256 = digests.sha256;
    Ok(true)
}

/// Records the digests of a present file read by this run in the cache, if
/// the file is still as `before` described it (not changed while read).
fn remember(ctx: &Ctx, path: &Path, before: &std::fs::Metadata, digests: &Digests) {
    if let Ok(now) = std::fs::symlink_metadata(path) {
        lock(&ctx.cache).record_if_unchanged(&ctx.state.key(path), before, &now, digests);
    }
}

/// `--extract DIR`: unpacks the verified file there, streaming; a refused
/// entry fails the file, naming the entry.
async fn extract(ctx: &Arc<Ctx>, id: usize, path: &Path) -> Result<()> {
    let Some(dest) = ctx.settings.extract.clone() else {
        return Ok(());
    };
    let (path, force) = (path.to_path_buf(), ctx.settings.force);
    let shown = escape(&path.display().to_string());
    if !crate::archive::is_archive(&path) {
        // A patch or script among the archives: kept as fetched.
        ctx.reporter.note(
            id,
            &format!(
                "{shown} is not an archive (.zip, .tar, .tar.gz, .tgz, .tar.bz2, .tbz2): not extracted"
            ),
        );
        return Ok(());
    }
    let extracted = tokio::task::spawn_blocking(move || {
        crate::archive::extract(&path, &dest, force).map(|e| (e, dest))
    })
    .await
    .map_err(|e| Error::Protocol(format!("extracting failed: {e}")))?
    .map_err(|refused| Error::Protocol(refused.to_string()))?;
    let (done, dest) = extracted;
    ctx.reporter.note(
        id,
        &format!(
            "extracted {shown} into {}: {} files, {} directories, {} links",
            escape(&dest.display().to_string()),
            done.files,
            done.dirs,
            done.links
        ),
    );
    Ok(())
}

/// Moves the verified file to its final name and drops its record; the
/// fsyncs wait for the disk on a blocking thread, not on the async one.
async fn place(file: std::fs::File, part: &Path, final_path: &Path) -> Result<()> {
    let (part, final_path) = (part.to_path_buf(), final_path.to_path_buf());
    tokio::task::spawn_blocking(move || {
        files::place(&file, &part, &final_path)?;
        state::remove(&state::state_path(&part));
        Ok(())
    })
    .await
    .map_err(|e| Error::Protocol(format!("placing the file failed: {e}")))?
}

/// How many bytes of a failed file are kept for resuming.
fn partial_bytes(ctx: &Ctx, name: &str) -> Option<u64> {
    let rel = files::safe_relative_path(name).ok()?;
    let part = ctx.state.part_path(&ctx.dir.join(rel));
    state::load(&state::state_path(&part)).map(|s| s.bytes_done())
}
