//! magedl: lists, downloads and verifies Magento / Adobe Commerce release
//! archives from the MAGEID + token downloads endpoint.
//!
//! `main.rs` parses the command line and exits with what [`run`] returns.
//! The layers, top to bottom (arrows point down only): `commands/` (the
//! handlers, the only code that prints, through `progress/`), `config.rs`
//! (clap types to plain options), the engine (`download/`, `sync.rs`,
//! `verify/`, `catalog/`, `client/`), and the leaves every layer may use
//! (`endpoint.rs`, `credentials.rs`, `secret.rs`, `error.rs`, `text.rs`,
//! `events.rs`, `cancel.rs`, `guard.rs`). See `docs/` for the map.

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
mod progress;
mod secret;
mod sync;
mod text;
mod verify;

pub use cli::Cli;

use clap::error::ErrorKind;

use error::Exit;

/// Runs one command line to completion and returns the process exit code;
/// an error is shown as one `magedl: error:` line and a hint.
pub fn run(cli: Cli) -> i32 {
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
pub fn usage_error(e: clap::Error) -> i32 {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ => {
            // clap's first paragraph, folded onto one line.
            let rendered = e.render().to_string();
            let first = rendered
                .trim_start()
                .split("\n\n")
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            progress::error(first.trim_start_matches("error: "));
            progress::hint("see `magedl --help` (or `magedl COMMAND --help`)");
            Exit::Usage.code()
        }
    }
}
