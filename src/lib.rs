//! magedl: lists, downloads and verifies Magento / Adobe Commerce release
//! archives from the MAGEID + token downloads endpoint.
//!
//! `main.rs` parses the command line and exits with what [`run`] returns.
//! The layers, top to bottom (arrows point down only): `commands/` (the
//! handlers, the only code that prints, through `progress/`), `config.rs`
//! (clap types to plain options), the engine (`download/`, `sync.rs`,
//! `verify/`, `catalog/`, `client/`), and the leaves every layer may use
//! (`endpoint.rs`, `credentials.rs` with `netrc.rs`, `secret.rs`,
//! `error.rs`, `text.rs`, `events.rs`, `cancel.rs`, `guard.rs`). See `docs/`
//! for the map.

mod archive;
mod cancel;
mod catalog;
mod cli;
mod client;
mod commands;
mod config;
mod credentials;
mod download;
mod endpoint;
mod error;
mod events;
mod guard;
mod netrc;
mod progress;
mod secret;
mod sync;
mod text;
mod verify;

pub use cli::Cli;

use clap::Parser;
use clap::error::ErrorKind;

use error::Exit;

/// The whole program: signal handlers first, then the command line, then
/// the run; returns the process exit code.
pub fn main() -> i32 {
    cancel::install();
    // A file-size limit (`ulimit -f`) then fails the write with EFBIG, a
    // clean I/O error, instead of killing the process mid-transfer.
    // SAFETY: setting a signal disposition before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => usage_error(e),
    }
}

/// Runs one command line to completion and returns the process exit code;
/// an error is shown as one `magedl: error:` line and a hint.
fn run(cli: Cli) -> i32 {
    match commands::run(cli) {
        Ok(exit) => exit.code(),
        Err(e) => {
            progress::error(&e.to_string());
            if let Some(hint) = e.hint() {
                progress::hint(&hint);
            }
            e.exit().code()
        }
    }
}

/// Help and version go out as clap renders them; a bad command line becomes
/// one `magedl: error:` line and a hint, exit 2.
fn usage_error(e: clap::Error) -> i32 {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ => {
            // clap's first paragraph, folded onto one line, with its
            // suggestion ("tip: a similar argument exists: '--type'").
            let rendered = e.render().to_string();
            let fold = |p: &str| p.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut paragraphs = rendered.trim_start().split("\n\n");
            let mut line = fold(paragraphs.next().unwrap_or_default());
            for tip in paragraphs.map(fold).filter(|p| p.starts_with("tip:")) {
                line.push_str(&format!(" ({tip})"));
            }
            progress::error(line.trim_start_matches("error: "));
            progress::hint("see `magedl --help` (or `magedl COMMAND --help`)");
            Exit::Usage.code()
        }
    }
}
