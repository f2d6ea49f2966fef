//! `magedl verify FILE...`: `PATH: OK` / `PATH: FAILED` lines like
//! `sha256sum -c`, the summary warnings, and the exit code.

use super::{client, load_catalog, print_out};
use crate::cli::VerifyArgs;
use crate::config::{self, Config};
use crate::error::{Error, Exit, Result};
use crate::progress;
use crate::text::escape;
use crate::verify::{self, Lookup, Outcome};

pub async fn run(cfg: &Config, args: VerifyArgs) -> Result<Exit> {
    let checksums = config::checksums(&args.checksums)?;
    let (lookup, source) = if let Some(single) = checksums.single {
        if args.files.len() != 1 {
            return Err(Error::Usage("--sha256/--md5 check exactly one file".into()));
        }
        (Lookup::Single(single), "the command line")
    } else if let Some(path) = &checksums.file {
        (Lookup::from_sums_file(path)?, "the checksum file")
    } else {
        let events = progress::reporter(progress::Mode::None);
        let catalog = load_catalog(&client(cfg, &events)?, &events).await?.catalog;
        (Lookup::from_catalog(&catalog), "the catalog")
    };
    let verdicts = verify::check_files(&args.files, &lookup).await;
    let (mut failed, mut unreadable, mut unknown) = (0, 0, 0);
    let mut out = String::new();
    for (path, outcome) in &verdicts {
        let shown = escape(&path.display().to_string());
        let line = match outcome {
            Outcome::Ok => format!("{shown}: OK"),
            Outcome::Failed => {
                failed += 1;
                format!("{shown}: FAILED")
            }
            Outcome::Unreadable(why) => {
                unreadable += 1;
                format!("{shown}: FAILED open or read ({why})")
            }
            Outcome::Unknown => {
                unknown += 1;
                format!("{shown}: FAILED (not in {source})")
            }
            Outcome::Unverified => format!("{shown}: unverified (no published checksum)"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    print_out(out.as_bytes())?;
    let total = args.files.len();
    // The documented order when reasons differ: 4, then 1, then 5.
    Ok(if failed > 0 {
        progress::warn(&format!(
            "{failed} of {total} computed checksums did NOT match"
        ));
        Exit::Checksum
    } else if unreadable > 0 {
        progress::warn(&format!("{unreadable} of {total} files could not be read"));
        Exit::Failure
    } else if unknown > 0 {
        progress::warn(&format!(
            "{unknown} of {total} files have no known checksum"
        ));
        Exit::NotFound
    } else {
        Exit::Ok
    })
}
