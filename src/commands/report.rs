//! Showing a run's report: one `error:` line per failed file (with its hint,
//! once), the `--json` report on standard output, and the summary line.

use std::sync::Arc;

use super::print_out;
use crate::download::{Report, Status};
use crate::error::Result;
use crate::events::Events;
use crate::progress;
use crate::text::{escape, human_bytes, human_rate, human_secs};

/// A line of the report shape for what is not a download (a dry run's
/// plan, a verify): the keys of the `--json` report but `retries` (no
/// request was made), its own statuses.
#[derive(serde::Serialize)]
pub struct FileLine<'a> {
    pub name: &'a str,
    pub path: String,
    pub bytes: u64,
    pub status: &'static str,
    pub verified: crate::verify::Verified,
    pub md5: Option<&'a str>,
    pub sha256: Option<&'a str>,
    pub seconds: f64,
    pub error: Option<String>,
}

/// The report shape: the files, then the summary; a sync's dry run adds
/// the files that left the catalog.
#[derive(serde::Serialize)]
pub struct Shape<'a, S: serde::Serialize> {
    pub files: Vec<FileLine<'a>>,
    pub summary: S,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub departed: Vec<Departed<'a>>,
}

/// A file that left the catalog, in a sync's dry-run plan: `prune` when
/// `--prune` would remove it, `keep` otherwise.
#[derive(serde::Serialize)]
pub struct Departed<'a> {
    pub name: &'a str,
    pub action: &'static str,
}

/// One `error:` line per failed file, then each distinct hint once.
pub fn print_failures(report: &Report) {
    let mut hints: Vec<&str> = Vec::new();
    for f in report.files.iter().filter(|f| f.status == Status::Failed) {
        progress::error(&format!(
            "{}: {}",
            escape(&f.name),
            f.error.as_deref().unwrap_or("failed")
        ));
        if let Some(h) = f.hint.as_deref()
            && !hints.contains(&h)
        {
            hints.push(h);
        }
    }
    for h in hints {
        progress::hint(h);
    }
}

/// The `--json` report on standard output.
pub fn print_json(report: &Report) -> Result<()> {
    print_out(crate::text::json_pretty(report).as_bytes())
}

/// `; limited to 1.00 MiB/s`, when `--limit-rate` was given.
fn limited(limit: Option<u64>) -> String {
    limit
        .map(|r| format!("; limited to {}/s", human_bytes(r)))
        .unwrap_or_default()
}

/// `download`'s summary line.
pub fn download_summary(events: &Arc<dyn Events>, report: &Report, limit: Option<u64>) {
    let s = &report.summary;
    let unverified = match report.unverified() {
        0 => String::new(),
        n => format!(", {n} unverified"),
    };
    events.summary(
        s,
        &format!(
            "magedl: {} downloaded, {} skipped, {} failed{unverified}; {} in {} ({}){}",
            s.downloaded,
            s.skipped,
            s.failed,
            human_bytes(s.bytes),
            human_secs(s.seconds),
            human_rate(s.fetched, s.seconds),
            limited(limit)
        ),
    );
}

/// `sync`'s summary line.
pub fn sync_summary(events: &Arc<dyn Events>, report: &Report, limit: Option<u64>) {
    let s = &report.summary;
    events.summary(
        s,
        &format!(
            "magedl: sync: {} downloaded, {} already up to date, {} failed; {} in {:.1}s{}",
            s.downloaded,
            s.skipped,
            s.failed,
            human_bytes(s.bytes),
            s.seconds,
            limited(limit)
        ),
    );
}
