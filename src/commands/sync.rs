//! `magedl sync DIR`: the nightly job — select, fetch what is missing or
//! fails verification, then record SHA256SUMS and the snapshots, and show
//! the files that left the catalog.

use std::sync::Arc;

use super::download::dry_run;
use super::{client, load_catalog, report};
use crate::cli::SyncArgs;
use crate::config::{self, Config};
use crate::download::{self, Ctx, StateDir};
use crate::error::{Error, Exit, Result};
use crate::progress;
use crate::sync::{self, Layout};
use crate::text::escape;

pub async fn run(cfg: &Config, args: SyncArgs) -> Result<Exit> {
    let filter = config::filter(&args.filter)?;
    let events = progress::reporter(cfg.progress);
    let client = client(cfg, &events)?;
    let loaded = load_catalog(&client, &events).await?;
    let selected = loaded.catalog.select(&filter);
    if selected.is_empty() {
        return Err(Error::NothingMatched(
            "no release matches the filters".into(),
        ));
    }
    let layout = Layout {
        dir: args.dir.clone(),
        mirror: args.mirror,
    };
    let previous = layout.previous_sums();
    let (reserved, jobs): (Vec<_>, Vec<_>) = layout
        .jobs(&selected, &previous)
        .into_iter()
        .partition(|j| layout.is_reserved(&j.name));
    for job in &reserved {
        events.warn(&format!(
            "skipping the catalog entry `{}`: sync writes a file of that name itself",
            escape(&job.name)
        ));
    }
    if args.transfer.dry_run {
        dry_run(&jobs, &layout.files_dir(), args.transfer.json, true)?;
        return Ok(Exit::Ok);
    }
    let _lock = download::lock_dir(&args.dir, args.transfer.wait, &*events).await?;
    let state = StateDir::new(&args.dir);
    state.clean();
    let cache_path = state.cache_path();
    let ctx = Arc::new(Ctx {
        client: client.clone(),
        dir: layout.files_dir(),
        state,
        segments: args.transfer.segments,
        resume: true,
        force: false,
        verify: true,
        max_size: args.transfer.max_size,
        cache: std::sync::Mutex::new(crate::verify::Cache::load(&cache_path)),
        rehash: args.rehash,
        require_checksum: false,
        reporter: events.clone(),
    });
    let mut report = download::run_jobs(ctx, jobs, args.transfer.jobs as usize).await;
    for job in &reserved {
        report.push(sync::reserved_report(&layout, job));
    }
    let finish = |report: &download::Report| -> Result<()> {
        report::print_failures(report);
        if args.transfer.json {
            report::print_json(report)?;
        }
        if !cfg.quiet {
            report::sync_summary(&events, report);
        }
        Ok(())
    };
    if crate::cancel::is_cancelled() {
        finish(&report)?;
        return Ok(Exit::Interrupted);
    }
    let recorded = sync::record(&client, &layout, &loaded, &previous, &report, args.prune).await;
    let departures = match recorded {
        Ok(departures) => departures,
        Err(e) => {
            // The report still goes out, with the error in it.
            report.error = Some(crate::secret::scrub(&e.to_string()));
            finish(&report)?;
            return Err(e);
        }
    };
    for gone in departures {
        let name = escape(&gone.name);
        if gone.pruned {
            events.warn(&format!("pruned {name} (no longer in the catalog)"));
        } else {
            events.warn(&format!(
                "{name} is no longer in the catalog (--prune removes it)"
            ));
        }
    }
    finish(&report)?;
    Ok(report.exit())
}
