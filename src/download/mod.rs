//! `magedl download`: resolves names and filters to a plan, runs files
//! concurrently over one client, verifies, places, and reports.

mod files;
pub mod plan;
pub mod state;
mod transfer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use serde::Serialize;

pub use files::{lock_dir, safe_relative_path};
pub use transfer::parse_content_range;

use crate::catalog::{Catalog, Release};
use crate::cli::{DownloadArgs, FilterArgs};
use crate::client::Client;
use crate::config::Config;
use crate::error::{Error, Result, combined_exit_code};
use crate::progress::{self, Done, Reporter, escape, human_bytes, human_rate, human_secs};
use crate::verify::{self, Algo, Digests, Expected};

/// What every file of a run shares.
pub struct Ctx {
    pub client: Client,
    pub dir: PathBuf,
    /// `-s N`; None = automatic.
    pub segments: Option<u32>,
    pub resume: bool,
    pub force: bool,
    pub verify: bool,
    pub reporter: Box<dyn Reporter>,
}

/// One file to bring to disk.
#[derive(Clone, Debug)]
pub struct Job {
    pub name: String,
    pub expected: Expected,
    /// A sha256 this tool recorded earlier (sync's SHA256SUMS): enough to
    /// skip a present file that has no published checksum, never a
    /// requirement for a new download.
    pub recorded_sha256: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Downloaded,
    Skipped,
    Failed,
}

/// One line of the `--json` report.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub name: String,
    pub path: String,
    pub bytes: u64,
    pub status: Status,
    pub verified: &'static str,
    pub md5: Option<String>,
    pub sha256: Option<String>,
    pub seconds: f64,
    pub error: Option<String>,
    #[serde(skip)]
    pub code: i32,
    #[serde(skip)]
    pub hint: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub downloaded: usize,
    pub skipped: usize,
    pub failed: usize,
    pub bytes: u64,
    pub seconds: f64,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub files: Vec<FileReport>,
    pub summary: Summary,
}

impl Report {
    pub fn exit_code(&self) -> i32 {
        let codes: Vec<i32> = self
            .files
            .iter()
            .filter(|f| f.code != 0)
            .map(|f| f.code)
            .collect();
        if codes.is_empty() {
            0
        } else {
            combined_exit_code(codes)
        }
    }
}

pub use crate::cancel::{install_signal_handlers, is_cancelled};

/// A receiver that turns true on SIGINT/SIGTERM.
pub fn cancelled() -> tokio::sync::watch::Receiver<bool> {
    crate::cancel::receiver()
}

/// `magedl download`.
pub async fn command(cfg: &Config, args: DownloadArgs) -> Result<i32> {
    let client = cfg.client()?;
    let catalog = catalog_for(&client, &args.filter).await?;
    let mut jobs = plan_jobs(catalog.as_ref(), &args.filter)?;
    apply_checksum_flags(&mut jobs, &args)?;
    if args.transfer.dry_run {
        let verify = !args.no_verify;
        return dry_run(
            &jobs,
            &args.output_dir,
            args.transfer.json,
            verify && !args.force,
        );
    }
    let _lock = files::lock_dir(&args.output_dir, args.transfer.wait)?;
    let ctx = Arc::new(Ctx {
        client,
        dir: args.output_dir.clone(),
        segments: args.transfer.segments,
        resume: !args.no_resume,
        force: args.force,
        verify: !args.no_verify,
        reporter: progress::reporter(cfg.progress, jobs.len()),
    });
    install_signal_handlers();
    let report = run_jobs(
        ctx,
        jobs,
        args.transfer.jobs as usize,
        args.require_checksum,
    )
    .await;
    finish(&report, args.transfer.json, cfg.quiet)
}

/// The catalog, unless every name is exact and no filter needs it and the
/// catalog cannot be had (then files are fetched by name, unverified).
async fn catalog_for(client: &Client, filter: &FilterArgs) -> Result<Option<Catalog>> {
    match crate::commands::load_catalog(client).await {
        Ok(c) => Ok(Some(c)),
        Err(e @ (Error::Unauthorized { .. } | Error::Forbidden { .. } | Error::Usage(_))) => Err(e),
        Err(e) => {
            let exact_only = !filter.names.is_empty()
                && filter.names.iter().all(|n| !is_glob(n))
                && filter.types.is_empty()
                && filter.version.is_none()
                && !filter.latest;
            if !exact_only {
                return Err(e);
            }
            progress::warn(&format!(
                "the catalog is unavailable ({e}); files are fetched without a catalog checksum"
            ));
            Ok(None)
        }
    }
}

fn is_glob(name: &str) -> bool {
    name.contains(['*', '?', '[', '{'])
}

/// Resolves names, globs and filters against the catalog; a name absent
/// from the catalog is still fetched by exact name. Each name appears once.
pub fn plan_jobs(catalog: Option<&Catalog>, filter: &FilterArgs) -> Result<Vec<Job>> {
    let has_filter = !filter.types.is_empty() || filter.version.is_some() || filter.latest;
    if filter.names.is_empty() && !has_filter {
        return Err(Error::Usage(
            "name the files to download (names or globs), or filter with --type, --version or --latest".into(),
        ));
    }
    let mut jobs: Vec<Job> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |name: &str, release: Option<&Release>| {
        if seen.insert(name.to_string()) {
            jobs.push(Job {
                name: name.to_string(),
                expected: Expected {
                    md5: release.and_then(|r| r.md5.clone()),
                    sha256: None,
                },
                recorded_sha256: None,
            });
        }
    };
    if let Some(catalog) = catalog {
        let f = crate::commands::filter(filter)?;
        for r in catalog.select(&f) {
            push(&r.file_name, Some(r));
        }
    }
    for name in filter.names.iter().filter(|n| !is_glob(n)) {
        let release = catalog.and_then(|c| c.find(name));
        if release.is_none() || !has_filter {
            push(name, release);
        }
    }
    if jobs.is_empty() {
        return Err(Error::NothingMatched(
            "no file matches the names and filters".into(),
        ));
    }
    Ok(jobs)
}

fn apply_checksum_flags(jobs: &mut [Job], args: &DownloadArgs) -> Result<()> {
    if args.sha256.is_some() || args.md5.is_some() {
        if jobs.len() != 1 {
            return Err(Error::Usage(format!(
                "--sha256/--md5 need exactly one file, but {} are selected; use --checksums FILE",
                jobs.len()
            )));
        }
        if let Some(h) = &args.sha256 {
            jobs[0].expected.sha256 = Some(verify::parse_hex(h, Algo::Sha256)?);
        }
        if let Some(h) = &args.md5 {
            jobs[0].expected.md5 = Some(verify::parse_hex(h, Algo::Md5)?);
        }
    }
    if let Some(path) = &args.checksums {
        let sums = verify::parse_checksum_file(path)?;
        for job in jobs.iter_mut() {
            let base = job.name.rsplit('/').next().unwrap_or(&job.name);
            if let Some(e) = sums.get(&job.name).or_else(|| sums.get(base)) {
                if e.md5.is_some() {
                    job.expected.md5 = e.md5.clone();
                }
                if e.sha256.is_some() {
                    job.expected.sha256 = e.sha256.clone();
                }
            }
        }
    }
    Ok(())
}

/// Prints the plan: what would be fetched, and what is present and verified
/// (so skipped). Hashes present files; makes no request.
pub fn dry_run(jobs: &[Job], dir: &Path, json: bool, check_present: bool) -> Result<i32> {
    let mut plan = Vec::new();
    for j in jobs {
        let path = files::safe_relative_path(&j.name).map(|rel| dir.join(rel));
        let action = match &path {
            Err(_) => "refuse",
            Ok(p) if check_present && files::is_plain_file(p) && present_verifies(p, j) => "skip",
            Ok(_) => "fetch",
        };
        let shown = path.map_or_else(|_| j.name.clone(), |p| p.display().to_string());
        plan.push((action, j, shown));
    }
    let out = if json {
        let plan: Vec<_> = plan
            .iter()
            .map(|(action, j, path)| {
                serde_json::json!({
                    "name": j.name,
                    "path": path,
                    "action": action,
                    "md5": j.expected.md5,
                    "sha256": j.expected.sha256,
                })
            })
            .collect();
        serde_json::to_string_pretty(&plan).expect("serialisable") + "\n"
    } else {
        plan.iter()
            .map(|(action, j, path)| {
                let check = j.expected.strongest().map_or("unverified", Algo::name);
                let line = match *action {
                    "skip" => format!("would skip {} (present and verified)", escape(&j.name)),
                    "refuse" => format!("would refuse {} (unsafe name)", escape(&j.name)),
                    _ => format!(
                        "would fetch {} -> {} ({check})",
                        escape(&j.name),
                        escape(path)
                    ),
                };
                line + "\n"
            })
            .collect()
    };
    crate::print_out(out.as_bytes())?;
    Ok(0)
}

/// The skip rule of a real run, for a file present at its final name.
fn present_verifies(path: &Path, job: &Job) -> bool {
    verify::hash_file(path, job.expected.md5.is_some())
        .is_ok_and(|(_, digests)| job.present_copy_verifies(&digests))
}

impl Job {
    /// Whether a copy already on disk with these digests may be kept: its
    /// published checksum matches, or, lacking one, the sha256 recorded
    /// earlier does; with neither, there is nothing to hold it against.
    fn present_copy_verifies(&self, digests: &Digests) -> bool {
        if !self.expected.is_empty() {
            self.expected.check(&self.name, digests).is_ok()
        } else if let Some(recorded) = &self.recorded_sha256 {
            digests.sha256.as_deref() == Some(recorded.as_str())
        } else {
            true
        }
    }
}

/// Runs the jobs, `jobs_at_once` at a time, and collects the report.
pub async fn run_jobs(
    ctx: Arc<Ctx>,
    jobs: Vec<Job>,
    jobs_at_once: usize,
    require_checksum: bool,
) -> Report {
    let started = Instant::now();
    let files: Vec<FileReport> = futures_util::stream::iter(jobs.into_iter().enumerate())
        .map(|(id, job)| {
            let ctx = ctx.clone();
            async move { one_file(&ctx, id, job, require_checksum).await }
        })
        .buffered(jobs_at_once.max(1))
        .collect()
        .await;
    let summary = Summary {
        downloaded: files
            .iter()
            .filter(|f| f.status == Status::Downloaded)
            .count(),
        skipped: files.iter().filter(|f| f.status == Status::Skipped).count(),
        failed: files.iter().filter(|f| f.status == Status::Failed).count(),
        bytes: files
            .iter()
            .filter(|f| f.status == Status::Downloaded)
            .map(|f| f.bytes)
            .sum(),
        seconds: started.elapsed().as_secs_f64(),
    };
    Report { files, summary }
}

/// One `error:` line per failed file, with its hint.
pub fn print_failures(report: &Report) {
    let mut hints: Vec<&str> = Vec::new();
    for f in report.files.iter().filter(|f| f.status == Status::Failed) {
        crate::say!(
            "magedl: error: {}: {}",
            escape(&f.name),
            crate::secret::scrub(f.error.as_deref().unwrap_or("failed"))
        );
        if let Some(h) = f.hint.as_deref()
            && !hints.contains(&h)
        {
            hints.push(h);
        }
    }
    for h in hints {
        crate::say!("magedl: hint: {h}");
    }
}

fn finish(report: &Report, json: bool, quiet: bool) -> Result<i32> {
    print_failures(report);
    if json {
        let mut text = serde_json::to_string_pretty(report).expect("serialisable");
        text.push('\n');
        crate::print_out(text.as_bytes())?;
    }
    let s = &report.summary;
    if !quiet {
        let unverified = report
            .files
            .iter()
            .filter(|f| f.status != Status::Failed && f.verified == "unverified")
            .count();
        let unverified = if unverified > 0 {
            format!(", {unverified} unverified")
        } else {
            String::new()
        };
        crate::say!(
            "magedl: {} downloaded, {} skipped, {} failed{unverified}; {} in {} ({})",
            s.downloaded,
            s.skipped,
            s.failed,
            human_bytes(s.bytes),
            human_secs(s.seconds),
            human_rate(s.bytes, s.seconds)
        );
    }
    Ok(report.exit_code())
}

fn verified_label(ctx: &Ctx, expected: &Expected) -> &'static str {
    match (ctx.verify, expected.strongest()) {
        (true, Some(a)) => a.name(),
        _ => "unverified",
    }
}

/// Brings one file to disk and reports how it went. Never panics, never
/// places unverified-against-a-known-checksum bytes under the final name.
async fn one_file(ctx: &Arc<Ctx>, id: usize, job: Job, require_checksum: bool) -> FileReport {
    let started = Instant::now();
    let mut report = FileReport {
        name: job.name.clone(),
        path: ctx.dir.join(&job.name).display().to_string(),
        bytes: 0,
        status: Status::Failed,
        verified: verified_label(ctx, &job.expected),
        md5: None,
        sha256: None,
        seconds: 0.0,
        error: None,
        code: 0,
        hint: None,
    };
    let result = if crate::cancel::is_cancelled() {
        Err(Error::Interrupted)
    } else {
        bring(ctx, id, &job, require_checksum, &mut report).await
    };
    report.seconds = started.elapsed().as_secs_f64();
    if let Err(e) = result {
        report.status = Status::Failed;
        report.verified = "unverified";
        report.bytes = partial_bytes(&ctx.dir, &job.name).unwrap_or(report.bytes);
        report.code = e.exit_code();
        report.hint = e.hint();
        report.error = Some(crate::secret::scrub(&e.to_string()));
        ctx.reporter.done(
            id,
            &Done {
                name: &job.name,
                bytes: report.bytes,
                seconds: report.seconds,
                result: report.error.clone().unwrap_or_default(),
                sha256: None,
                ok: false,
            },
        );
    }
    report
}

async fn bring(
    ctx: &Arc<Ctx>,
    id: usize,
    job: &Job,
    require_checksum: bool,
    report: &mut FileReport,
) -> Result<()> {
    // An unsafe name is this file's failure (exit 1), not the run's usage.
    let rel = files::safe_relative_path(&job.name).map_err(Error::Protocol)?;
    let final_path = ctx.dir.join(&rel);
    report.path = final_path.display().to_string();
    if ctx.verify && require_checksum && job.expected.is_empty() {
        return Err(Error::NoChecksum(escape(&job.name)));
    }
    if !ctx.force
        && files::is_plain_file(&final_path)
        && skip_if_present(ctx, id, job, &final_path, report).await?
    {
        return Ok(());
    }
    files::ensure_real_dirs(&ctx.dir, &rel)?;
    let started = Instant::now();
    ctx.reporter.start(id, &job.name, None, 0);
    let part = files::part_path(&final_path);
    let fetched = fetch_verified(ctx, id, job, &part).await?;
    report.bytes = fetched.size;
    report.md5 = fetched.digests.md5.clone();
    report.sha256 = fetched.digests.sha256.clone();
    files::place(&fetched.file, &part, &final_path)?;
    state::remove(&state::state_path(&part));
    report.status = Status::Downloaded;
    let result = match (ctx.verify, job.expected.strongest()) {
        (true, Some(a)) => format!("{} OK", a.name()),
        (false, _) => "not verified (--no-verify)".into(),
        (true, None) => {
            ctx.reporter.note(
                id,
                &format!("{} has no checksum to verify against: unverified", job.name),
            );
            "unverified".into()
        }
    };
    ctx.reporter.done(
        id,
        &Done {
            name: &job.name,
            bytes: fetched.size,
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
    let want_md5 = ctx.verify && job.expected.md5.is_some();
    let checksum_known = ctx.verify && !job.expected.is_empty();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let target = transfer::Target {
            id,
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
        let checked = if ctx.verify {
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
/// request. Returns true when skipped.
async fn skip_if_present(
    ctx: &Arc<Ctx>,
    id: usize,
    job: &Job,
    final_path: &Path,
    report: &mut FileReport,
) -> Result<bool> {
    let path = final_path.to_path_buf();
    let want_md5 = job.expected.md5.is_some();
    let hashed = tokio::task::spawn_blocking(move || verify::hash_file(&path, want_md5))
        .await
        .map_err(|e| Error::Protocol(format!("hashing failed: {e}")))?
        .map_err(|e| Error::io(format!("cannot read {}", final_path.display()), e))?;
    let (size, digests): (u64, Digests) = hashed;
    let verified = !ctx.verify || job.present_copy_verifies(&digests);
    if !verified {
        ctx.reporter.note(
            id,
            &format!(
                "{} is present but does not verify; downloading it again",
                job.name
            ),
        );
        return Ok(false);
    }
    report.status = Status::Skipped;
    report.bytes = size;
    report.md5 = digests.md5;
    report.sha256 = digests.sha256;
    Ok(true)
}

/// How many bytes of a failed file are kept for resuming.
fn partial_bytes(dir: &Path, name: &str) -> Option<u64> {
    let rel = files::safe_relative_path(name).ok()?;
    let part = files::part_path(&dir.join(rel));
    state::load(&state::state_path(&part)).map(|s| s.bytes_done())
}

/// The catalog md5 of every release, by name (for sync's bookkeeping).
pub fn expected_by_name(catalog: &Catalog) -> HashMap<String, Expected> {
    catalog
        .releases
        .iter()
        .map(|r| {
            (
                r.file_name.clone(),
                Expected {
                    md5: r.md5.clone(),
                    sha256: None,
                },
            )
        })
        .collect()
}
