//! magedl: lists, downloads and verifies Magento / Adobe Commerce release
//! archives from the MAGEID + token downloads endpoint.
//!
//! `main.rs` only parses and maps the result to an exit code; [`run`] wires
//! the commands to the engine.

/// `eprintln!` that never panics: a closed standard error (a cron job
/// piping into a logger that died) must not turn into exit 101.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod cancel;
pub mod catalog;
pub mod cli;
pub mod client;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod download;
pub mod endpoint;
pub mod error;
pub mod progress;
pub mod secret;
pub mod sync;
pub mod verify;

use std::io::Write;

use cli::{Cli, Command};
use config::Config;
use error::{Error, Result};

/// Runs one command line to completion and returns the exit code.
pub fn run(cli: Cli) -> Result<i32> {
    if let Command::Completions { shell } = cli.command {
        let mut out = Vec::new();
        commands::completions(shell, &mut out);
        print_out(&out)?;
        return Ok(0);
    }
    let cfg = Config::from_args(cli.global)?;
    if let Command::Url { path, show_token } = &cli.command {
        let text = commands::url(&cfg, path.as_deref(), *show_token)?;
        print_out(text.as_bytes())?;
        return Ok(0);
    }
    // One thread drives every connection and write: at these rates the
    // cross-thread wake-ups of a multi-thread runtime cost more than they
    // give, and the digests run on their own threads anyway (make bench).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))?;
    runtime.block_on(run_async(cfg, cli.command))
}

async fn run_async(cfg: Config, command: Command) -> Result<i32> {
    match command {
        Command::Info { what } => {
            let client = cfg.client()?;
            let body = commands::info(&client, &what).await?;
            print_out(&body)?;
            // The answer is printed as is; an empty filter still exits 5.
            Ok(if commands::is_no_results(&body) { 5 } else { 0 })
        }
        Command::List { filter, format } => {
            let client = cfg.client()?;
            let catalog = commands::load_catalog(&client).await?;
            print_out(commands::list(&catalog, &filter, format)?.as_bytes())?;
            Ok(0)
        }
        Command::Versions => {
            let client = cfg.client()?;
            let catalog = commands::load_catalog(&client).await?;
            print_out(commands::versions(&catalog)?.as_bytes())?;
            Ok(0)
        }
        Command::Download(args) => download::command(&cfg, args).await,
        Command::Verify(args) => verify::command(&cfg, args).await,
        Command::Sync(args) => sync::command(&cfg, args).await,
        Command::Url { .. } | Command::Completions { .. } => unreachable!("handled before"),
    }
}

/// Writes to standard output; a closed pipe (`magedl list | head`) is not an
/// error.
pub fn print_out(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("writing to standard output", e)),
    }
}
