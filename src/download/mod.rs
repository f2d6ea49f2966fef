//! The download engine: names and filters resolved to jobs against the
//! catalog (`jobs.rs`), files run concurrently over one client, each fetched,
//! verified and placed (`fetch.rs`), and a typed report returned for the
//! handler to show (`report.rs`); `dry_run.rs` says what a run would do.
//! Nothing here prints: progress goes through [`Events`]. This file holds
//! the run itself: its settings, its shared context and `run_jobs`.

mod connection;
mod dry_run;
mod fetch;
mod files;
mod jobs;
mod lock;
mod pieces;
mod plan;
mod rate;
mod record;
mod report;
mod response;
mod segment;
mod state;
mod statedir;
mod transfer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;

pub use dry_run::{Action, Planned, plan_actions};
pub use files::{ensure_real_dirs, plain_file_under, safe_relative_path, write_atomic};
pub use jobs::{Job, apply_checksums, names_only, plan_jobs};
pub use lock::lock_dir;
pub use rate::RateLimit;
pub use report::{FileReport, Report, Status, Summary};
pub use statedir::StateDir;

use crate::client::Client;
use crate::events::{Counted, Events};
use crate::verify::Cache;

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
    /// Where progress goes; it also counts each file's retries for its
    /// report line.
    pub reporter: Arc<Counted>,
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
        reporter: Arc<Counted>,
    ) -> Arc<Ctx> {
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
        })
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
    Report::of(files, started.elapsed().as_secs_f64())
}
