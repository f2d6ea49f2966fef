//! What a run returns for the handler to show: a line per file and the
//! totals, serialized as the `--json` report.

use std::path::Path;

use serde::Serialize;

use super::Job;
use crate::error::{Error, Exit};
use crate::verify::Verified;

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
    /// The report of the files a run brought, in `seconds`.
    pub fn of(files: Vec<FileReport>, seconds: f64) -> Report {
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
            seconds,
        };
        Report {
            files,
            summary,
            error: None,
        }
    }

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
