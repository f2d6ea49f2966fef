//! The download engine: names and filters resolved to jobs against the
//! catalog, files run concurrently over one client, each fetched, verified
//! and placed (`fetch.rs`), and a typed report returned for the handler to
//! show. Nothing here prints: progress goes through [`Events`].

mod connection;
mod fetch;
mod files;
mod lock;
mod pieces;
mod plan;
mod rate;
mod record;
mod response;
mod segment;
mod state;
mod statedir;
mod transfer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use serde::Serialize;

pub use files::{ensure_real_dirs, plain_file_under, safe_relative_path, write_atomic};
pub use lock::lock_dir;
pub use rate::RateLimit;
pub use statedir::StateDir;

use crate::catalog::{Catalog, Filter, Release};
use crate::client::Client;
use crate::error::{Error, Exit, Result};
use crate::events::{Counted, Events};
use crate::verify::{self, Cache, Digests, Expected, Verified};

/// What every file of a run shares.
pub struct Ctx {
    pub client: Client,
    /// Where the files go.
    pub dir: PathBuf,
    /// The locked directory's own files (partial data, resume records).
    pub state: StateDir,
    /// How to fetch, from the command's options.
    pub settings: Settings,
    /// What was verified before, by metadata (`.magedl/cache.json`).
    pub cache: std::sync::Mutex<Cache>,
    /// `--limit-rate`: the run's download rate, across all connections.
    pub limit: Option<RateLimit>,
    pub reporter: Arc<dyn Events>,
    /// The same events, counting each file's retries for its report line.
    pub counted: Arc<Counted>,
}

/// How a run fetches, as the handler decided from its options.
#[derive(Default)]
pub struct Settings {
    /// `-s N`; None = automatic.
    pub segments: Option<u32>,
    pub resume: bool,
    pub force: bool,
    pub verify: bool,
    /// A file without any expected checksum fails (exit 4).
    pub require_checksum: bool,
    /// `--max-size`: a file announced or streaming past it is refused.
    pub max_size: u64,
    /// `--limit-rate`, in bytes a second.
    pub limit_rate: Option<u64>,
    /// `--rehash`: read every present file, whatever the cache says.
    pub rehash: bool,
    /// `--extract DIR`: unpack each verified archive there.
    pub extract: Option<PathBuf>,
}

impl Ctx {
    /// The context of a run writing into `dir`, under the directory `root`
    /// it has locked: the root's leftovers are cleaned and its verification
    /// cache is loaded.
    pub fn open(
        client: Client,
        root: &Path,
        dir: PathBuf,
        s: Settings,
        counted: Arc<Counted>,
    ) -> Arc<Ctx> {
        let reporter: Arc<dyn Events> = counted.clone();
        let state = StateDir::new(root);
        state.clean();
        let cache = std::sync::Mutex::new(Cache::load(&state.cache_path()));
        Arc::new(Ctx {
            client,
            dir,
            state,
            limit: s.limit_rate.map(RateLimit::new),
            settings: s,
            cache,
            reporter,
            counted,
        })
    }
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
    /// An Adobe Commerce (EE) file: a refusal may mean a CE-only account.
    pub ee: bool,
    /// Not in the catalog, which has a name like it: what the user meant?
    pub suggestion: Option<String>,
}

impl Job {
    pub fn new(name: &str, release: Option<&Release>) -> Job {
        Job {
            name: name.to_string(),
            expected: release.map(Expected::from).unwrap_or_default(),
            recorded_sha256: None,
            ee: release.is_some_and(|r| r.kind.is_ee()),
            suggestion: None,
        }
    }

    /// Whether a copy already on disk with these digests may be kept: its
    /// published checksum matches, or, lacking one, a sha256 recorded
    /// earlier (sync's SHA256SUMS, or the verification cache) does; with
    /// neither there is nothing to hold it against, and it is fetched again.
    fn present_copy_verifies(&self, digests: &Digests, cached_sha256: Option<&str>) -> bool {
        if !self.expected.is_empty() {
            return self.expected.check(&self.name, digests).is_ok();
        }
        match self.recorded_sha256.as_deref().or(cached_sha256) {
            Some(recorded) => digests.sha256.as_deref() == Some(recorded),
            None => false,
        }
    }
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
    pub verified: Verified,
    pub md5: Option<String>,
    pub sha256: Option<String>,
    pub seconds: f64,
    pub error: Option<String>,
    #[serde(skip)]
    pub exit: Exit,
    /// The transient failures retried on the way.
    pub retries: u32,
    /// The bytes fetched by this run (a resumed file had the rest).
    #[serde(skip)]
    pub fetched: u64,
    #[serde(skip)]
    pub hint: Option<String>,
}

/// The run's totals.
pub type Summary = crate::events::Totals;

#[derive(Debug, Serialize)]
pub struct Report {
    pub files: Vec<FileReport>,
    pub summary: Summary,
    /// A failure of the run itself after the files (sync's manifest or
    /// snapshot could not be written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl FileReport {
    /// A file that failed before any transfer.
    pub fn failed(job: &Job, path: &Path, error: &Error) -> FileReport {
        FileReport {
            name: job.name.clone(),
            path: path.display().to_string(),
            bytes: 0,
            status: Status::Failed,
            verified: Verified::Unverified,
            md5: None,
            sha256: None,
            seconds: 0.0,
            error: Some(crate::secret::scrub(&error.to_string())),
            exit: error.exit(),
            hint: error.hint(),
            retries: 0,
            fetched: 0,
        }
    }
}

impl Report {
    /// Adds a file that did not run (e.g. refused before the transfers).
    pub fn push(&mut self, file: FileReport) {
        match file.status {
            Status::Downloaded => self.summary.downloaded += 1,
            Status::Skipped => self.summary.skipped += 1,
            Status::Failed => self.summary.failed += 1,
        }
        self.files.push(file);
    }

    pub fn exit(&self) -> Exit {
        Exit::combined(self.files.iter().map(|f| f.exit))
    }

    /// Files present but without a checksum to vouch for them.
    pub fn unverified(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.status != Status::Failed && f.verified == Verified::Unverified)
            .count()
    }
}

fn is_glob(name: &str) -> bool {
    name.contains(['*', '?', '[', '{'])
}

/// Whether every name is exact and no filter needs the catalog: then a run
/// can go on without a catalog (files fetched by name, unverified).
pub fn names_only(filter: &Filter) -> bool {
    !filter.names.is_empty()
        && filter.names.iter().all(|n| !is_glob(n))
        && filter.types.is_empty()
        && filter.version.is_none()
        && !filter.latest
}

/// Resolves names, globs and filters against the catalog; a name absent
/// from the catalog is still fetched by exact name. Each name appears once.
pub fn plan_jobs(catalog: Option<&Catalog>, filter: &Filter) -> Result<Vec<Job>> {
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
            jobs.push(Job::new(name, release));
        }
    };
    if let Some(catalog) = catalog {
        for r in catalog.select(filter) {
            push(&r.file_name, Some(r));
        }
    }
    for name in filter.names.iter().filter(|n| !is_glob(n)) {
        let release = catalog.and_then(|c| c.find(name));
        if release.is_none() || !has_filter {
            push(name, release);
        }
    }
    for job in jobs.iter_mut().filter(|j| j.expected.is_empty()) {
        if let Some(c) = catalog
            && c.find(&job.name).is_none()
        {
            job.suggestion = c.suggest(&job.name).map(str::to_string);
        }
    }
    if jobs.is_empty() {
        return Err(Error::NothingMatched(
            "no file matches the names and filters".into(),
        ));
    }
    Ok(jobs)
}

/// `--sha256`/`--md5` for the one selected file, and a checksum file's
/// entries by name (or base name) for every job.
pub fn apply_checksums(
    jobs: &mut [Job],
    single: Option<&Expected>,
    sums: Option<&HashMap<String, Expected>>,
) -> Result<()> {
    if let Some(single) = single {
        if jobs.len() != 1 {
            return Err(Error::Usage(format!(
                "--sha256/--md5 need exactly one file, but {} are selected; use --checksums FILE",
                jobs.len()
            )));
        }
        if single.sha256.is_some() {
            jobs[0].expected.sha256 = single.sha256.clone();
        }
        if single.md5.is_some() {
            jobs[0].expected.md5 = single.md5.clone();
        }
    }
    if let Some(sums) = sums {
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

/// What a dry run would do with a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Fetch,
    /// Present and verified.
    Skip,
    /// An unsafe name.
    Refuse,
}

/// One line of a dry run's plan.
pub struct Planned<'a> {
    pub job: &'a Job,
    pub path: String,
    pub action: Action,
    /// A skip is for a file checked against its checksum, not only present.
    pub checked: bool,
}

/// What a real run would do, without a request: present files are checked
/// as a run would (the verification cache first, else they are hashed) to
/// tell whether they would be skipped.
pub fn plan_actions<'a>(
    jobs: &'a [Job],
    dir: &Path,
    state: &StateDir,
    check_present: bool,
    verify: bool,
) -> Vec<Planned<'a>> {
    let cache = Cache::load(&state.cache_path());
    // A real run without verification keeps any plain file present.
    let skips = |p: &Path, job: &Job| match verify {
        true => present_verifies(p, job, &cache, &state.key(p)),
        false => files::is_plain_file(p),
    };
    jobs.iter()
        .map(|job| {
            let path = files::safe_relative_path(&job.name).map(|rel| dir.join(rel));
            let action = match &path {
                Err(_) => Action::Refuse,
                Ok(p) if check_present && skips(p, job) => Action::Skip,
                Ok(_) => Action::Fetch,
            };
            let path = path.map_or_else(|_| job.name.clone(), |p| p.display().to_string());
            Planned {
                job,
                path,
                action,
                checked: verify,
            }
        })
        .collect()
}

/// The skip rule of a real run, for a file present at its final name.
fn present_verifies(path: &Path, job: &Job, cache: &Cache, key: &str) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.file_type().is_file() {
        return false;
    }
    let recorded = cache.recorded_sha256(key);
    let trusted = cache
        .trusted(key, &meta)
        .filter(|d| job.expected.md5.is_none() || d.md5.is_some());
    match trusted {
        Some(digests) => job.present_copy_verifies(&digests, recorded.as_deref()),
        None => verify::hash_file(path, job.expected.md5.is_some())
            .is_ok_and(|(_, digests)| job.present_copy_verifies(&digests, recorded.as_deref())),
    }
}

/// Writes the verification cache when this run changed it; a failure only
/// costs the next run time, so it is a warning.
fn save_cache(ctx: &Ctx) {
    let saved = {
        let cache = crate::guard::lock(&ctx.cache);
        match cache.to_save() {
            None => return,
            Some((path, bytes)) => ctx
                .state
                .tmp_dir()
                .and_then(|tmp| files::write_atomic(&tmp, path, &bytes)),
        }
    };
    if let Err(e) = saved {
        ctx.reporter
            .warn(&format!("the verification cache was not saved: {e}"));
    }
}

/// Makes the renames of the placed files durable: each directory is synced
/// once for the whole run, before the report, instead of once per file
/// while the other transfers wait for the disk.
async fn sync_placed_dirs(files: &[FileReport]) {
    let dirs: std::collections::BTreeSet<PathBuf> = files
        .iter()
        .filter(|f| f.status == Status::Downloaded)
        .filter_map(|f| Path::new(&f.path).parent())
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .map(Path::to_path_buf)
        .collect();
    let _ = tokio::task::spawn_blocking(move || dirs.iter().for_each(|d| files::sync_dir(d))).await;
}

/// Runs the jobs, `jobs_at_once` at a time, and collects the report.
pub async fn run_jobs(ctx: Arc<Ctx>, jobs: Vec<Job>, jobs_at_once: usize) -> Report {
    let started = Instant::now();
    ctx.reporter.plan(jobs.len());
    let runs = futures_util::stream::iter(jobs.into_iter().enumerate())
        .map(|(id, job)| {
            let ctx = ctx.clone();
            async move { fetch::one_file(&ctx, id, job).await }
        })
        .buffered(jobs_at_once.max(1))
        .collect::<Vec<FileReport>>();
    let ticks = async {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            ctx.reporter.tick();
        }
    };
    let files = tokio::select! {
        files = runs => files,
        () = ticks => unreachable!("the ticks never end"),
    };
    sync_placed_dirs(&files).await;
    save_cache(&ctx);
    let count = |s: Status| files.iter().filter(|f| f.status == s).count();
    let summary = Summary {
        downloaded: count(Status::Downloaded),
        skipped: count(Status::Skipped),
        failed: count(Status::Failed),
        bytes: files
            .iter()
            .filter(|f| f.status == Status::Downloaded)
            .map(|f| f.bytes)
            .sum(),
        fetched: files.iter().map(|f| f.fetched).sum(),
        seconds: started.elapsed().as_secs_f64(),
    };
    Report {
        files,
        summary,
        error: None,
    }
}
