//! `magedl sync DIR`: the idempotent nightly job. Downloads what is missing
//! or fails verification, leaves verified files alone, writes SHA256SUMS and a
//! catalog snapshot, reports (and with --prune removes) files that left the
//! catalog. `--mirror` lays DIR out like the endpoint itself.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalog::{self, Catalog, Release};
use crate::cli::SyncArgs;
use crate::config::Config;
use crate::download::{self, Ctx, Job, Report, Status};
use crate::error::{Error, Result};
use crate::progress::{self, escape};
use crate::verify::{self, Expected};

const SUMS: &str = "SHA256SUMS";
const SNAPSHOT: &str = "catalog.json";

pub async fn command(cfg: &Config, args: SyncArgs) -> Result<i32> {
    let client = cfg.client()?;
    let catalog = crate::commands::load_catalog(&client).await?;
    let filter = crate::commands::filter(&args.filter)?;
    let selected = catalog.select(&filter);
    if selected.is_empty() {
        return Err(Error::NothingMatched(
            "no release matches the filters".into(),
        ));
    }
    let (files_dir, prefix) = if args.mirror {
        (args.dir.join("file"), "file/")
    } else {
        (args.dir.clone(), "")
    };
    let previous = read_sums(&args.dir.join(SUMS));
    let jobs = sync_jobs(&selected, &previous, prefix);
    if args.transfer.dry_run {
        return download::dry_run(&jobs, &files_dir, args.transfer.json, true);
    }
    let _lock = download::lock_dir(&args.dir, args.transfer.wait)?;
    let ctx = Arc::new(Ctx {
        client: client.clone(),
        dir: files_dir,
        segments: args.transfer.segments,
        resume: true,
        force: false,
        verify: true,
        reporter: progress::reporter(cfg.progress, jobs.len()),
    });
    download::install_signal_handlers();
    let report = download::run_jobs(ctx, jobs, args.transfer.jobs as usize, false).await;
    if crate::cancel::is_cancelled() {
        print_report(&report, args.transfer.json, cfg.quiet)?;
        return Ok(130);
    }
    let mut sums = merged_sums(&previous, &report, prefix, &args.dir);
    handle_departures(&previous, &catalog, prefix, &args, &mut sums);
    write_sums(&args.dir.join(SUMS), &sums)?;
    write_snapshots(&client, &args, &sums, prefix).await?;
    let code = report.exit_code();
    print_report(&report, args.transfer.json, cfg.quiet)?;
    Ok(code)
}

/// One job per selected release; the sha256 recorded last time lets a
/// present file without a published md5 be kept.
fn sync_jobs(selected: &[&Release], previous: &BTreeMap<String, String>, prefix: &str) -> Vec<Job> {
    selected
        .iter()
        .map(|r| Job {
            name: r.file_name.clone(),
            expected: Expected {
                md5: r.md5.clone(),
                sha256: None,
            },
            recorded_sha256: previous.get(&format!("{prefix}{}", r.file_name)).cloned(),
        })
        .collect()
}

/// Files recorded before that the catalog no longer lists: reported, or
/// with --prune removed (with their records).
fn handle_departures(
    previous: &BTreeMap<String, String>,
    catalog: &Catalog,
    prefix: &str,
    args: &SyncArgs,
    sums: &mut BTreeMap<String, String>,
) {
    let current: HashSet<String> = catalog
        .releases
        .iter()
        .map(|r| format!("{prefix}{}", r.file_name))
        .collect();
    for gone in previous.keys().filter(|k| !current.contains(*k)) {
        if args.prune {
            if let Ok(rel) = download::safe_relative_path(gone) {
                let _ = std::fs::remove_file(args.dir.join(rel));
            }
            sums.remove(gone);
            progress::warn(&format!(
                "pruned {} (no longer in the catalog)",
                escape(gone)
            ));
        } else {
            progress::warn(&format!(
                "{} is no longer in the catalog (--prune removes it)",
                escape(gone)
            ));
        }
    }
}

/// The catalog snapshot, or with --mirror the endpoint's info answers.
async fn write_snapshots(
    client: &crate::client::Client,
    args: &SyncArgs,
    sums: &BTreeMap<String, String>,
    prefix: &str,
) -> Result<()> {
    if args.mirror {
        let held: HashSet<String> = sums
            .keys()
            .filter_map(|k| k.strip_prefix(prefix))
            .map(str::to_string)
            .collect();
        return write_mirror_info(client, &args.dir, &held).await;
    }
    let raw = client
        .get_small(&client.endpoint().info_url(&["json"]))
        .await
        .unwrap_or_default();
    if !raw.is_empty() {
        atomic_write(&args.dir.join(SNAPSHOT), &raw)?;
    }
    Ok(())
}

fn print_report(report: &Report, json: bool, quiet: bool) -> Result<()> {
    download::print_failures(report);
    if json {
        let text = serde_json::to_string_pretty(report).expect("serialisable") + "\n";
        crate::print_out(text.as_bytes())?;
    }
    if !quiet {
        let s = &report.summary;
        crate::say!(
            "magedl: sync: {} downloaded, {} already up to date, {} failed; {} in {:.1}s",
            s.downloaded,
            s.skipped,
            s.failed,
            progress::human_bytes(s.bytes),
            s.seconds
        );
    }
    Ok(())
}

/// Previous SHA256SUMS entries, path → sha256 (missing file → empty).
fn read_sums(path: &Path) -> BTreeMap<String, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    verify::parse_checksums(&text)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.sha256?)))
        .collect()
}

/// The new SHA256SUMS: what this run verified or fetched, plus earlier
/// records of files still on disk; a failed file's record is dropped, since
/// its bytes on disk are in doubt. `sha256sum --check --strict` must pass.
fn merged_sums(
    previous: &BTreeMap<String, String>,
    report: &Report,
    prefix: &str,
    dir: &Path,
) -> BTreeMap<String, String> {
    let mut sums = previous.clone();
    for f in &report.files {
        let key = format!("{prefix}{}", f.name);
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
        download::safe_relative_path(name).is_ok_and(|rel| dir.join(rel).is_file())
    });
    sums
}

/// `sha256sum --check --strict` format: `HEX  PATH`, paths relative to DIR.
fn write_sums(path: &Path, sums: &BTreeMap<String, String>) -> Result<()> {
    let mut text = String::new();
    for (name, sha) in sums {
        if name.contains('\n') || name.contains('\\') {
            continue; // not representable in the plain format
        }
        text.push_str(&format!("{sha}  {name}\n"));
    }
    atomic_write(path, text.as_bytes())
}

/// The endpoint's own answers, with the catalog and the file table narrowed
/// to the files the mirror holds, so that a client of the mirror is never
/// offered a file it would get a 404 for.
async fn write_mirror_info(
    client: &crate::client::Client,
    dir: &Path,
    held: &HashSet<String>,
) -> Result<()> {
    for what in ["json", "files", "versions", "help"] {
        let url = client.endpoint().info_url(&[what]);
        let body = client.get_small(&url).await?;
        let body = match what {
            "json" => catalog::narrow_json(&body, held).unwrap_or(body),
            "files" => catalog::narrow_table(&String::from_utf8_lossy(&body), held)
                .map(String::into_bytes)
                .unwrap_or(body),
            _ => body,
        };
        atomic_write(&dir.join("info").join(what), &body)?;
    }
    Ok(())
}

/// Writes through a temporary file and a rename: readers see the old or the
/// new content, never a torn one.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let io = |e| Error::io(format!("cannot write {}", path.display()), e);
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)
            .map_err(io)?;
        f.write_all(bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    std::fs::rename(&tmp, path).map_err(io)
}
