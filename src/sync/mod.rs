//! The engine of `magedl sync DIR`, the idempotent nightly job: one job per
//! selected release (the sha256 recorded last time lets a present file
//! without a published md5 be kept), then the bookkeeping after the run —
//! SHA256SUMS (`manifest.rs`), the catalog snapshot or the mirror's `info/`
//! answers (`mirror.rs`), the files that left the catalog (`prune.rs`), and
//! the metrics for monitoring (`metrics.rs`). Returned, not printed.

mod manifest;
mod metrics;
mod mirror;
mod prune;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

pub use metrics::{Run, write_metrics};

use crate::catalog::{Catalog, Loaded, Release};
use crate::client::Client;
use crate::download::{self, FileReport, Job, Report, StateDir};
use crate::error::{Error, Result};
use crate::text::escape;
use crate::verify::{Cache, Expected};

const SUMS: &str = "SHA256SUMS";
const SNAPSHOT: &str = "catalog.json";

/// Where sync puts things: files directly in DIR, or with `--mirror` under
/// `DIR/file/` beside `DIR/info/`.
pub struct Layout {
    pub dir: PathBuf,
    pub mirror: bool,
}

impl Layout {
    /// The directory the files go to.
    pub fn files_dir(&self) -> PathBuf {
        if self.mirror {
            self.dir.join("file")
        } else {
            self.dir.clone()
        }
    }

    /// A file's path relative to DIR, as SHA256SUMS lists it.
    fn key(&self, name: &str) -> String {
        if self.mirror {
            format!("file/{name}")
        } else {
            name.to_string()
        }
    }

    /// Previous SHA256SUMS entries, path → sha256 (missing file → empty).
    pub fn previous_sums(&self) -> BTreeMap<String, String> {
        manifest::read(&self.dir.join(SUMS))
    }

    /// One job per selected release.
    pub fn jobs(&self, selected: &[&Release], previous: &BTreeMap<String, String>) -> Vec<Job> {
        selected
            .iter()
            .map(|r| Job {
                name: r.file_name.clone(),
                expected: Expected::from(*r),
                recorded_sha256: previous.get(&self.key(&r.file_name)).cloned(),
                ee: r.kind.is_ee(),
                suggestion: None,
            })
            .collect()
    }

    /// Whether a catalog name would land on a file sync writes itself
    /// (SHA256SUMS, catalog.json). A mirror keeps its files under `file/`,
    /// apart from `info/` and SHA256SUMS, so there no name can collide.
    pub fn is_reserved(&self, name: &str) -> bool {
        !self.mirror && (name == SUMS || name == SNAPSHOT)
    }

    /// Files this tool put here (listed last time, or in the verification
    /// cache) that are still on disk and that the catalog no longer lists.
    /// Nothing else in DIR is ever called departed, let alone pruned.
    pub fn departed(&self, previous: &BTreeMap<String, String>, catalog: &Catalog) -> Vec<String> {
        let current: HashSet<String> = catalog
            .releases
            .iter()
            .map(|r| self.key(&r.file_name))
            .collect();
        let cache = Cache::load(&StateDir::new(&self.dir).cache_path());
        let known: std::collections::BTreeSet<&str> = previous
            .keys()
            .map(String::as_str)
            .chain(cache.keys())
            .collect();
        known
            .into_iter()
            .filter(|k| !current.contains(*k))
            .filter(|k| download::plain_file_under(&self.dir, k).is_some())
            .map(str::to_string)
            .collect()
    }
}

/// The report line of a catalog entry skipped for its reserved name.
pub fn reserved_report(layout: &Layout, job: &Job) -> FileReport {
    let error = Error::Protocol(format!(
        "`{}` is a name sync writes itself; the catalog entry is skipped",
        escape(&job.name)
    ));
    FileReport::failed(job, &layout.files_dir().join(&job.name), &error)
}

/// What became of a file that left the catalog.
pub enum Departure {
    /// Still on disk (no `--prune`).
    Kept(String),
    Pruned(String),
    /// `--prune` could not remove it.
    Failed(String, Error),
}

/// After the downloads: writes SHA256SUMS and the snapshots, and handles
/// the files that left the catalog (only after a complete run: an
/// interrupted one writes SHA256SUMS for what it verified, nothing else).
pub async fn record(
    client: &Client,
    layout: &Layout,
    loaded: &Loaded,
    report: &Report,
    previous: &BTreeMap<String, String>,
    prune: bool,
) -> Result<Vec<Departure>> {
    let sums = manifest::verified(layout, report);
    manifest::write(layout, &sums)?;
    if crate::cancel::is_cancelled() {
        return Ok(Vec::new());
    }
    let departures: Vec<Departure> = layout
        .departed(previous, &loaded.catalog)
        .into_iter()
        .map(|name| match prune {
            false => Departure::Kept(name),
            true => match prune::remove(layout, &name) {
                Ok(()) => Departure::Pruned(name),
                Err(e) => Departure::Failed(name, e),
            },
        })
        .collect();
    forget_pruned(layout, &departures);
    mirror::write_snapshots(client, layout, loaded, &sums).await?;
    Ok(departures)
}

/// Pruned files leave the verification cache too.
fn forget_pruned(layout: &Layout, departures: &[Departure]) {
    let state = StateDir::new(&layout.dir);
    let mut cache = Cache::load(&state.cache_path());
    for d in departures {
        if let Departure::Pruned(name) = d {
            cache.forget(name);
        }
    }
    if let Some((path, bytes)) = cache.to_save() {
        // Only costs time if it fails: the next run finds the file gone.
        let _ = state
            .tmp_dir()
            .and_then(|tmp| download::write_atomic(&tmp, path, &bytes));
    }
}

/// Writes one of sync's own files atomically (readers see the old or the
/// new content), its temporary file in `.magedl/tmp/`. An unchanged file
/// is left alone: a no-op run writes (and syncs) nothing.
fn write(layout: &Layout, path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let state = StateDir::new(&layout.dir);
    let rel = path.strip_prefix(&layout.dir).unwrap_or(path);
    download::ensure_real_dirs(&layout.dir, rel)?;
    download::write_atomic(&state.tmp_dir()?, path, bytes)
}
