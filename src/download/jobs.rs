//! The run's files: names, globs and filters resolved against the catalog
//! into jobs, each with the checksums it is held to.

use std::collections::HashMap;

use crate::catalog::{Catalog, Filter, Release};
use crate::error::{Error, Result};
use crate::verify::{Digests, Expected};

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
    pub(super) fn present_copy_verifies(
        &self,
        digests: &Digests,
        cached_sha256: Option<&str>,
    ) -> bool {
        if !self.expected.is_empty() {
            return self.expected.check(&self.name, digests).is_ok();
        }
        match self.recorded_sha256.as_deref().or(cached_sha256) {
            Some(recorded) => digests.sha256.as_deref() == Some(recorded),
            None => false,
        }
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
