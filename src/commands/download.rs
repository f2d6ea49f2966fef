//! `magedl download`: names and filters to jobs, a dry run or a real run
//! over the locked output directory, then the report.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::report::{Departed, FileLine, Shape};
use super::{client, load_catalog, print_out, report};
use crate::catalog::Catalog;
use crate::cli::DownloadArgs;
use crate::client::Client;
use crate::config::{self, Config};
use crate::download::{self, Action, Ctx, Job, Planned, Settings, StateDir};
use crate::error::{Error, Exit, Result};
use crate::events::{Counted, Events};
use crate::progress;
use crate::text::{escape, json_pretty};
use crate::verify;

pub async fn run(cfg: &Config, args: DownloadArgs) -> Result<Exit> {
    if args.output_dir == Path::new("-") {
        return Err(Error::Usage(
            "-o - would write to standard output, where the bytes could be used before they \
             are verified; download into a directory (and unpack with --extract DIR)"
                .into(),
        ));
    }
    let counted = Arc::new(Counted::new(progress::reporter(cfg.progress)));
    let events: Arc<dyn Events> = counted.clone();
    let client = client(cfg, &events)?;
    let jobs = jobs(&client, &events, &args).await?;
    if args.transfer.dry_run {
        let state = StateDir::new(&args.output_dir);
        let plan = download::plan_actions(
            &jobs,
            &args.output_dir,
            &state,
            !args.force,
            !args.no_verify,
        );
        print_plan(&plan, &[], false, args.transfer.json)?;
        return Ok(Exit::Ok);
    }
    let _lock = download::lock_dir(&args.output_dir, args.transfer.wait, &*events).await?;
    let settings = Settings {
        segments: args.transfer.segments,
        resume: !args.no_resume,
        force: args.force,
        verify: !args.no_verify,
        require_checksum: args.require_checksum,
        max_size: args.transfer.max_size,
        limit_rate: args.transfer.limit_rate,
        rehash: false,
        extract: args.extract.clone(),
    };
    let dir = args.output_dir.clone();
    let ctx = Ctx::open(client, &args.output_dir, dir, settings, counted.clone());
    let report = download::run_jobs(ctx, jobs, args.transfer.jobs as usize).await;
    report::print_failures(&report);
    if args.transfer.json {
        report::print_json(&report)?;
    }
    if !cfg.quiet {
        report::download_summary(&events, &report, args.transfer.limit_rate);
    }
    Ok(report.exit())
}

/// The files the names (also from `-i`), filters and checksums ask for.
async fn jobs(client: &Client, events: &Arc<dyn Events>, args: &DownloadArgs) -> Result<Vec<Job>> {
    let mut filter_args = args.filter.clone();
    filter_args
        .names
        .extend(config::input_names(args.input.input_file.as_deref())?);
    let filter = config::filter(&filter_args)?;
    let checksums = config::checksums(&args.checksums)?;
    let catalog = catalog_for(client, events, &filter).await?;
    let mut jobs =
        download::plan_jobs(catalog.as_ref(), &filter).map_err(|e| match (&e, &catalog) {
            (Error::NothingMatched(_), Some(c)) => super::nothing_matched(c, &filter),
            _ => e,
        })?;
    let sums = match &checksums.file {
        Some(path) => Some(verify::parse_checksum_file_strict(path)?),
        None => None,
    };
    download::apply_checksums(&mut jobs, checksums.single.as_ref(), sums.as_ref())?;
    Ok(jobs)
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

/// A dry run's plan as the report shape: `planned` for what would be
/// fetched, `skipped` for what is present and verified, `failed` for an
/// unsafe name.
#[derive(Serialize)]
struct PlannedSummary {
    planned: usize,
    skipped: usize,
    failed: usize,
    bytes: u64,
    seconds: f64,
}

/// Prints the plan: what would be fetched, and what is present and verified
/// (so skipped). Shared with sync, which adds the files that left the
/// catalog and whether `--prune` would remove them.
pub fn print_plan(
    plan: &[Planned<'_>],
    departed: &[String],
    prune: bool,
    json: bool,
) -> Result<()> {
    let out = if json {
        let files: Vec<FileLine<'_>> = plan
            .iter()
            .map(|p| FileLine {
                name: &p.job.name,
                path: p.path.clone(),
                bytes: 0,
                status: match p.action {
                    Action::Fetch => "planned",
                    Action::Skip => "skipped",
                    Action::Refuse => "failed",
                },
                verified: p.job.expected.strongest(),
                md5: p.job.expected.md5.as_deref(),
                sha256: p.job.expected.sha256.as_deref(),
                seconds: 0.0,
                error: (p.action == Action::Refuse).then(|| "unsafe file name".to_string()),
            })
            .collect();
        let count = |a: Action| plan.iter().filter(|p| p.action == a).count();
        json_pretty(&Shape {
            files,
            summary: PlannedSummary {
                planned: count(Action::Fetch),
                skipped: count(Action::Skip),
                failed: count(Action::Refuse),
                bytes: 0,
                seconds: 0.0,
            },
            departed: departed
                .iter()
                .map(|name| Departed {
                    name,
                    action: if prune { "prune" } else { "keep" },
                })
                .collect(),
        })
    } else {
        let gone = departed.iter().map(|name| {
            let name = escape(name);
            if prune {
                format!("would prune {name} (no longer in the catalog)\n")
            } else {
                format!("{name} is no longer in the catalog (--prune would remove it)\n")
            }
        });
        plan.iter().map(plan_line).chain(gone).collect()
    };
    print_out(out.as_bytes())
}

fn plan_line(p: &Planned<'_>) -> String {
    let name = escape(&p.job.name);
    let line = match p.action {
        Action::Skip if p.checked => format!("would skip {name} (present and verified)"),
        Action::Skip => format!("would skip {name} (present; --no-verify keeps it unchecked)"),
        Action::Refuse => format!("would refuse {name} (unsafe name)"),
        Action::Fetch => {
            let mut check = p.job.expected.strongest().name().to_string();
            if let Some(meant) = &p.job.suggestion {
                check.push_str(&format!(
                    "; not in the catalog: did you mean {}?",
                    escape(meant)
                ));
            }
            format!("would fetch {name} -> {} ({check})", escape(&p.path))
        }
    };
    line + "\n"
}
