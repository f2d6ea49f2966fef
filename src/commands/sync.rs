//! `magedl sync DIR`: the nightly job — select, fetch what is missing or
//! fails verification, then record SHA256SUMS and the snapshots, and show
//! the files that left the catalog.

use std::sync::Arc;

use super::download::print_plan;
use super::{client, load_catalog, report};
use crate::cli::SyncArgs;
use crate::config::{self, Config};
use crate::download::{self, Ctx, FileReport, Job, Report, Settings, StateDir};
use crate::error::{Exit, Result};
use crate::events::{Counted, Events};
use crate::progress;
use crate::sync::{self, Departure, Layout};
use crate::text::escape;

pub async fn run(cfg: &Config, mut args: SyncArgs) -> Result<Exit> {
    let listed = config::input_names(args.input.input_file.as_deref())?;
    args.filter.names.extend(listed);
    let started = std::time::Instant::now();
    let mut report = None;
    let result = sync(cfg, &args, &mut report).await;
    // A dry run is no run: it must not pass for the nightly job's success.
    let Some(path) = args.metrics.as_ref().filter(|_| !args.transfer.dry_run) else {
        return result;
    };
    let exit = match &result {
        Ok(exit) => *exit,
        Err(e) => e.exit(),
    };
    let run = sync::Run {
        dir: &args.dir,
        report: report.as_ref(),
        exit,
        duration: started.elapsed(),
    };
    match (sync::write_metrics(path, &run), result) {
        (Err(e), Ok(_)) => Err(e),
        (Err(e), Err(first)) => {
            progress::warn(&e.to_string());
            Err(first)
        }
        (Ok(()), result) => result,
    }
}

async fn sync(cfg: &Config, args: &SyncArgs, out: &mut Option<Report>) -> Result<Exit> {
    let filter = config::filter(&args.filter)?;
    let counted = Arc::new(Counted::new(progress::reporter(cfg.progress)));
    let events: Arc<dyn Events> = counted.clone();
    let client = client(cfg, &events)?;
    let loaded = load_catalog(&client, &events).await?;
    let selected = loaded.catalog.select(&filter);
    if selected.is_empty() {
        return Err(super::nothing_matched(&loaded.catalog, &filter));
    }
    let layout = Layout {
        dir: args.dir.clone(),
        mirror: args.mirror,
    };
    let previous = layout.previous_sums();
    let (reserved, jobs) = split_reserved(&events, &layout, layout.jobs(&selected, &previous));
    if args.transfer.dry_run {
        let state = StateDir::new(&layout.dir);
        let plan = download::plan_actions(&jobs, &layout.files_dir(), &state, true, true);
        let gone = layout.departed(&previous, &loaded.catalog);
        print_plan(&plan, &gone, args.prune, args.transfer.json)?;
        return Ok(Exit::Ok);
    }
    let _lock = download::lock_dir(&args.dir, args.transfer.wait, &*events).await?;
    let settings = Settings {
        segments: args.transfer.segments,
        resume: true,
        verify: true,
        max_size: args.transfer.max_size,
        limit_rate: args.transfer.limit_rate,
        rehash: args.rehash,
        ..Settings::default()
    };
    let ctx = Ctx::open(
        client.clone(),
        &args.dir,
        layout.files_dir(),
        settings,
        counted.clone(),
    );
    let mut report = download::run_jobs(ctx, jobs, args.transfer.jobs as usize).await;
    for job in &reserved {
        report.push(sync::reserved_report(&layout, job));
    }
    let recorded = sync::record(&client, &layout, &loaded, &report, &previous, args.prune).await;
    let outcome = match recorded {
        Ok(departures) => {
            show_departures(&events, &layout, departures, &mut report);
            Ok(report.exit())
        }
        // The report still goes out, with the error in it.
        Err(e) => {
            report.error = Some(crate::secret::scrub(&e.to_string()));
            Err(e)
        }
    };
    finish(cfg, args, &events, &report)?;
    *out = Some(report);
    outcome
}

/// Catalog entries named like sync's own files are set apart, with a
/// warning each.
fn split_reserved(
    events: &Arc<dyn Events>,
    layout: &Layout,
    jobs: Vec<Job>,
) -> (Vec<Job>, Vec<Job>) {
    let (reserved, jobs): (Vec<_>, Vec<_>) =
        jobs.into_iter().partition(|j| layout.is_reserved(&j.name));
    for job in &reserved {
        events.warn(&format!(
            "skipping the catalog entry `{}`: sync writes a file of that name itself",
            escape(&job.name)
        ));
    }
    (reserved, jobs)
}

/// Warnings for files that left the catalog; a prune that failed is a
/// failed line of the report.
fn show_departures(
    events: &Arc<dyn Events>,
    layout: &Layout,
    departures: Vec<Departure>,
    report: &mut Report,
) {
    for gone in departures {
        match gone {
            Departure::Kept(name) => events.warn(&format!(
                "{} is no longer in the catalog (--prune removes it)",
                escape(&name)
            )),
            Departure::Pruned(name) => events.warn(&format!(
                "pruned {} (no longer in the catalog)",
                escape(&name)
            )),
            Departure::Failed(name, e) => {
                let job = Job::new(&name, None);
                report.push(FileReport::failed(&job, &layout.dir.join(&name), &e));
            }
        }
    }
}

fn finish(cfg: &Config, args: &SyncArgs, events: &Arc<dyn Events>, report: &Report) -> Result<()> {
    report::print_failures(report);
    if args.transfer.json {
        report::print_json(report)?;
    }
    if !cfg.quiet {
        report::sync_summary(events, report, args.transfer.limit_rate);
    }
    Ok(())
}
