//! The engine of `magedl sync DIR`, the idempotent nightly job: one job per
//! selected release (the sha256 recorded last time lets a present file
//! without a published md5 be kept), then the bookkeeping after the run —
//! SHA256SUMS, the catalog snapshot or the mirror's `info/` answers, and the
//! files that left the catalog (removed with `--prune`). Returned, not
//! printed.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::catalog::{self, Catalog, Loaded, Release};
use crate::client::Client;
use crate::download::{self, FileReport, Job, Report, StateDir, Status};
use crate::error::{Error, Result};
use crate::text::escape;
use crate::verify::{self, Expected};

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
        let Ok(text) = std::fs::read_to_string(self.dir.join(SUMS)) else {
            return BTreeMap::new();
        };
        verify::parse_checksums(&text)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.sha256?)))
            .collect()
    }

    /// One job per selected release.
    pub fn jobs(&self, selected: &[&Release], previous: &BTreeMap<String, String>) -> Vec<Job> {
        selected
            .iter()
            .map(|r| Job {
                name: r.file_name.clone(),
                expected: Expected::from(*r),
                recorded_sha256: previous.get(&self.key(&r.file_name)).cloned(),
            })
            .collect()
    }

    /// Whether a catalog name would land on a file sync writes itself
    /// (SHA256SUMS, catalog.json). A mirror keeps its files under `file/`,
    /// apart from `info/` and SHA256SUMS, so there no name can collide.
    pub fn is_reserved(&self, name: &str) -> bool {
        !self.mirror && (name == SUMS || name == SNAPSHOT)
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

/// A file recorded before that the catalog no longer lists.
pub struct Departure {
    pub name: String,
    /// Removed (`--prune`), or only reported.
    pub pruned: bool,
}

/// After the downloads: writes SHA256SUMS and the snapshots, and handles
/// the files that left the catalog.
pub async fn record(
    client: &Client,
    layout: &Layout,
    loaded: &Loaded,
    previous: &BTreeMap<String, String>,
    report: &Report,
    prune: bool,
) -> Result<Vec<Departure>> {
    let mut sums = merged_sums(layout, previous, report);
    let departures = departures(layout, previous, &loaded.catalog, prune, &mut sums);
    write_sums(layout, &sums)?;
    write_snapshots(client, layout, loaded.json.as_deref(), &sums).await?;
    Ok(departures)
}

/// Files recorded before that the catalog no longer lists: reported, or
/// with --prune removed (with their records).
fn departures(
    layout: &Layout,
    previous: &BTreeMap<String, String>,
    catalog: &Catalog,
    prune: bool,
    sums: &mut BTreeMap<String, String>,
) -> Vec<Departure> {
    let current: HashSet<String> = catalog
        .releases
        .iter()
        .map(|r| layout.key(&r.file_name))
        .collect();
    let mut gone = Vec::new();
    for name in previous.keys().filter(|k| !current.contains(*k)) {
        if prune {
            if let Ok(rel) = download::safe_relative_path(name) {
                let _ = std::fs::remove_file(layout.dir.join(rel));
            }
            sums.remove(name);
        }
        gone.push(Departure {
            name: name.clone(),
            pruned: prune,
        });
    }
    gone
}

/// The catalog snapshot (the `info/json` body the run acted on), or with
/// --mirror the endpoint's info answers.
async fn write_snapshots(
    client: &Client,
    layout: &Layout,
    json: Option<&[u8]>,
    sums: &BTreeMap<String, String>,
) -> Result<()> {
    if layout.mirror {
        let held: HashSet<String> = sums
            .keys()
            .filter_map(|k| k.strip_prefix("file/"))
            .map(str::to_string)
            .collect();
        return write_mirror_info(client, layout, json, &held).await;
    }
    match json {
        Some(raw) => write(layout, &layout.dir.join(SNAPSHOT), raw),
        None => Ok(()),
    }
}

/// The new SHA256SUMS: what this run verified or fetched, plus earlier
/// records of files still on disk; a failed file's record is dropped, since
/// its bytes on disk are in doubt. `sha256sum --check --strict` must pass.
fn merged_sums(
    layout: &Layout,
    previous: &BTreeMap<String, String>,
    report: &Report,
) -> BTreeMap<String, String> {
    let mut sums = previous.clone();
    for f in &report.files {
        let key = layout.key(&f.name);
        match (&f.status, &f.sha256) {
            (Status::Downloaded | Status::Skipped, Some(sha)) => {
                sums.insert(key, sha.clone());
            }
            _ => {
                sums.remove(&key);
            }
        }
    }
    sums.retain(|name, _| {
        download::safe_relative_path(name).is_ok_and(|rel| layout.dir.join(rel).is_file())
    });
    sums
}

/// `sha256sum --check --strict` format: `HEX  PATH`, paths relative to DIR.
fn write_sums(layout: &Layout, sums: &BTreeMap<String, String>) -> Result<()> {
    let mut text = String::new();
    for (name, sha) in sums {
        if name.contains('\n') || name.contains('\\') {
            continue; // not representable in the plain format
        }
        text.push_str(&format!("{sha}  {name}\n"));
    }
    write(layout, &layout.dir.join(SUMS), text.as_bytes())
}

/// The endpoint's own answers, with the catalog and the file table narrowed
/// to the files the mirror holds, so that a client of the mirror is never
/// offered a file it would get a 404 for.
async fn write_mirror_info(
    client: &Client,
    layout: &Layout,
    json: Option<&[u8]>,
    held: &HashSet<String>,
) -> Result<()> {
    if let Some(raw) = json {
        let narrowed = catalog::narrow_json(raw, held).unwrap_or_else(|| raw.to_vec());
        write(layout, &layout.dir.join("info").join("json"), &narrowed)?;
    }
    for what in ["files", "versions", "help"] {
        let url = client.endpoint().info_url(&[what]);
        let body = client.get_small(&url).await?;
        let body = match what {
            "files" => catalog::narrow_table(&String::from_utf8_lossy(&body), held)
                .map(String::into_bytes)
                .unwrap_or(body),
            _ => body,
        };
        write(layout, &layout.dir.join("info").join(what), &body)?;
    }
    Ok(())
}

/// Writes one of sync's own files atomically (readers see the old or the
/// new content), its temporary file in `.magedl/tmp/`.
fn write(layout: &Layout, path: &Path, bytes: &[u8]) -> Result<()> {
    let state = StateDir::new(&layout.dir);
    let rel = path.strip_prefix(&layout.dir).unwrap_or(path);
    download::ensure_real_dirs(&layout.dir, rel)?;
    download::write_atomic(&state.tmp_dir()?, path, bytes)
}
