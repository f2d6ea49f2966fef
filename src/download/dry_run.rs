//! `--dry-run`: what a real run would do with each file, without a request.

use std::path::Path;

use serde::Serialize;

use super::{Job, StateDir, files};
use crate::verify::{self, Cache};

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
