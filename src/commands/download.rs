//! `magedl download`: names and filters to jobs, a dry run or a real run
//! over the locked output directory, then the report.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::{client, load_catalog, print_out, report};
use crate::catalog::Catalog;
use crate::cli::DownloadArgs;
use crate::client::Client;
use crate::config::{self, Config};
use crate::download::{self, Action, Ctx, Job, StateDir};
use crate::error::{Error, Exit, Result};
use crate::events::Events;
use crate::progress;
use crate::text::escape;
use crate::verify;

pub async fn run(cfg: &Config, args: DownloadArgs) -> Result<Exit> {
    let filter = config::filter(&args.filter)?;
    let checksums = config::checksums(&args.checksums)?;
    let events = progress::reporter(cfg.progress);
    let client = client(cfg, &events)?;
    let catalog = catalog_for(&client, &events, &filter).await?;
    let mut jobs = download::plan_jobs(catalog.as_ref(), &filter)?;
    let sums = match &checksums.file {
        Some(path) => Some(verify::parse_checksum_file_strict(path)?),
        None => None,
    };
    download::apply_checksums(&mut jobs, checksums.single.as_ref(), sums.as_ref())?;
    let verify = !args.no_verify;
    if args.transfer.dry_run {
        dry_run(
            &jobs,
            &args.output_dir,
            args.transfer.json,
            verify && !args.force,
        )?;
        return Ok(Exit::Ok);
    }
    let _lock = download::lock_dir(&args.output_dir, args.transfer.wait, &*events).await?;
    let state = StateDir::new(&args.output_dir);
    state.clean();
    let cache_path = state.cache_path();
    let ctx = Arc::new(Ctx {
        client,
        dir: args.output_dir.clone(),
        state,
        segments: args.transfer.segments,
        resume: !args.no_resume,
        force: args.force,
        verify,
        max_size: args.transfer.max_size,
        cache: std::sync::Mutex::new(crate::verify::Cache::load(&cache_path)),
        rehash: false,
        require_checksum: args.require_checksum,
        reporter: events.clone(),
    });
    let report = download::run_jobs(ctx, jobs, args.transfer.jobs as usize).await;
    report::print_failures(&report);
    if args.transfer.json {
        report::print_json(&report)?;
    }
    if !cfg.quiet {
        report::download_summary(&events, &report);
    }
    Ok(report.exit())
}

/// The catalog, unless every name is exact and no filter needs it and the
/// catalog cannot be had (then files are fetched by name, unverified).
async fn catalog_for(
    client: &Client,
    events: &Arc<dyn Events>,
    filter: &crate::catalog::Filter,
) -> Result<Option<Catalog>> {
    match load_catalog(client, events).await {
        Ok(loaded) => Ok(Some(loaded.catalog)),
        Err(e @ (Error::Unauthorized { .. } | Error::Forbidden { .. } | Error::Usage(_))) => Err(e),
        Err(e) if download::names_only(filter) => {
            events.warn(&format!(
                "the catalog is unavailable ({e}); files are fetched without a catalog checksum"
            ));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct PlannedEntry<'a> {
    name: &'a str,
    path: &'a str,
    action: Action,
    md5: Option<&'a str>,
    sha256: Option<&'a str>,
}

/// Prints the plan: what would be fetched, and what is present and verified
/// (so skipped). Hashes present files; makes no request. Shared with sync.
pub fn dry_run(jobs: &[Job], dir: &Path, json: bool, check_present: bool) -> Result<()> {
    let plan = download::plan_actions(jobs, dir, &StateDir::new(dir), check_present);
    let out = if json {
        let entries: Vec<PlannedEntry<'_>> = plan
            .iter()
            .map(|p| PlannedEntry {
                name: &p.job.name,
                path: &p.path,
                action: p.action,
                md5: p.job.expected.md5.as_deref(),
                sha256: p.job.expected.sha256.as_deref(),
            })
            .collect();
        crate::text::json_pretty(&entries)
    } else {
        plan.iter()
            .map(|p| {
                let name = escape(&p.job.name);
                let line = match p.action {
                    Action::Skip => format!("would skip {name} (present and verified)"),
                    Action::Refuse => format!("would refuse {name} (unsafe name)"),
                    Action::Fetch => format!(
                        "would fetch {name} -> {} ({})",
                        escape(&p.path),
                        p.job.expected.strongest().name()
                    ),
                };
                line + "\n"
            })
            .collect()
    };
    print_out(out.as_bytes())
}
