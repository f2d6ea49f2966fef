//! The handler layer: one file per command. A handler turns its clap
//! arguments into plain options, calls the engine, and shows the result —
//! the only code that prints, standard output here and standard error
//! through the presentation layer (`progress/`).

mod completions;
mod download;
mod listing;
mod report;
mod sync;
mod verify;

use std::io::Write;
use std::sync::Arc;

use crate::catalog;
use crate::cli::{Cli, Command};
use crate::client::Client;
use crate::config::Config;
use crate::error::{Error, Exit, Result};
use crate::events::Events;
use crate::progress;

/// Runs one command line to completion.
pub fn run(cli: Cli) -> Result<Exit> {
    if let Command::Completions { shell } = cli.command {
        return completions::run(shell);
    }
    let cfg = Config::from_args(cli.command.shared().or(cli.shared))?;
    for w in cfg.warnings() {
        progress::warn(&w);
    }
    if let Command::Url(args) = &cli.command {
        return listing::url(&cfg, args.path.as_deref(), args.show_token);
    }
    // One thread drives every connection and write: at these rates the
    // cross-thread wake-ups of a multi-thread runtime cost more than they
    // give, and the digests run on their own threads anyway (make bench).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))?;
    runtime.block_on(async {
        crate::cancel::watch();
        dispatch(cfg, cli.command).await
    })
}

async fn dispatch(cfg: Config, command: Command) -> Result<Exit> {
    match command {
        Command::Info(args) => listing::info(&cfg, &args).await,
        Command::List(args) => listing::list(&cfg, &args).await,
        Command::Versions(args) => listing::versions(&cfg, &args).await,
        Command::Download(args) => download::run(&cfg, args).await,
        Command::Verify(args) => verify::run(&cfg, args).await,
        Command::Sync(args) => sync::run(&cfg, args).await,
        Command::Url(_) | Command::Completions { .. } => unreachable!("handled before"),
    }
}

/// The client for this run, its credentials resolved, its traces going to
/// `events`; warnings about how the credentials were given are shown.
fn client(cfg: &Config, events: &Arc<dyn Events>) -> Result<Client> {
    let mut warnings = Vec::new();
    let client = cfg.client(events.clone(), &mut warnings);
    for w in warnings {
        events.warn(&w);
    }
    client
}

/// The catalog (and the `info/json` body it came from), its warnings shown
/// through `events`.
async fn load_catalog(client: &Client, events: &Arc<dyn Events>) -> Result<catalog::Loaded> {
    let loaded = catalog::load(client).await?;
    for w in &loaded.catalog.warnings {
        events.warn(w);
    }
    Ok(loaded)
}

/// "Nothing matched", with what the user probably meant: `--version 2.4`
/// matches nothing where `2.4.*` would, and a mistyped name its likely
/// catalog name.
fn nothing_matched(catalog: &catalog::Catalog, filter: &catalog::Filter) -> Error {
    let mut msg = "no release matches the names and filters".to_string();
    if let Some(v) = filter.version.as_deref()
        && !v.contains(['*', '?', '['])
    {
        let widened = catalog::Filter {
            version: Some(format!("{v}.*")),
            ..filter.clone()
        };
        if !catalog.select(&widened).is_empty() {
            msg.push_str(&format!(" (did you mean --version '{v}.*'?)"));
        }
    }
    for name in &filter.names {
        if let Some(meant) = catalog.suggest(name).filter(|m| m != name) {
            msg.push_str(&format!(
                " (`{}`: did you mean `{}`?)",
                crate::text::escape(name),
                crate::text::escape(meant)
            ));
        }
    }
    Error::NothingMatched(msg)
}

/// Writes to standard output; a closed pipe (`magedl list | head`) is not an
/// error.
fn print_out(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("writing to standard output", e)),
    }
}
