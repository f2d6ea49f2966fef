//! `magedl verify FILE...`: `PATH: OK` / `PATH: FAILED` lines like
//! `sha256sum -c`, the same summary warnings, a `--json` report, and the
//! exit code (mismatch 4, unreadable 1, unknown 5; the first of 4, 1, 5).

use std::path::Path;

use serde::Serialize;

use super::report::{FileLine, Shape};
use super::{client, load_catalog, print_out};
use crate::cli::VerifyArgs;
use crate::config::{self, Config};
use crate::error::{Error, Exit, Result};
use crate::progress;
use crate::text::{escape, json_pretty};
use crate::verify::{self, Lookup, Outcome, Verdict, Verified};

pub async fn run(cfg: &Config, args: VerifyArgs) -> Result<Exit> {
    let started = std::time::Instant::now();
    let (lookup, source, malformed) = lookup(cfg, &args).await?;
    let verdicts = verify::check_files(&args.files, &lookup, args.deep).await;
    let mut counts = Counts::of(&verdicts, args.require_checksum);
    counts.seconds = started.elapsed().as_secs_f64();
    if args.json {
        print_out(json_pretty(&json_report(&verdicts, &counts)).as_bytes())?;
    } else if !args.status {
        print_out(lines(&verdicts, source, cfg.quiet).as_bytes())?;
    }
    if !args.status {
        for w in counts.warnings(malformed, source) {
            progress::warn(&w);
        }
    }
    Ok(counts.exit())
}

/// The expected checksums, where they come from (for the messages), and
/// how many checksum-file lines were malformed.
async fn lookup(cfg: &Config, args: &VerifyArgs) -> Result<(Lookup, &'static str, usize)> {
    let checksums = config::checksums(&args.checksums)?;
    if let Some(single) = checksums.single {
        if args.files.len() != 1 {
            return Err(Error::Usage("--sha256/--md5 check exactly one file".into()));
        }
        return Ok((Lookup::Single(single), "the command line", 0));
    }
    if let Some(path) = &checksums.file {
        let parsed = verify::parse_checksums(&verify::read_checksum_file(path)?);
        if args.strict
            && let Some(line) = parsed.malformed.first()
        {
            return Err(verify::malformed(path, *line));
        }
        let base = match path.parent() {
            _ if path == Path::new("-") => Path::new("."),
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let lookup = Lookup::from_sums(parsed.map, base);
        return Ok((lookup, "the checksum file", parsed.malformed.len()));
    }
    let events = progress::reporter(progress::Mode::None);
    let catalog = load_catalog(&client(cfg, &events)?, &events).await?.catalog;
    Ok((Lookup::from_catalog(&catalog), "the catalog", 0))
}

/// `PATH: OK`, `PATH: FAILED (why)`, ...; `quiet` keeps only failures.
fn lines(verdicts: &[Verdict], source: &str, quiet: bool) -> String {
    let mut out = String::new();
    for v in verdicts {
        let shown = escape(&v.path.display().to_string());
        let line = match &v.outcome {
            Outcome::Ok if quiet => continue,
            Outcome::Ok => format!("{shown}: OK"),
            Outcome::Mismatch => format!("{shown}: FAILED"),
            Outcome::Damaged(why) => format!("{shown}: FAILED ({why})"),
            Outcome::Unreadable(why) => format!("{shown}: FAILED open or read ({why})"),
            Outcome::Unknown => format!("{shown}: FAILED (not in {source})"),
            Outcome::Unverified if quiet => continue,
            Outcome::Unverified => format!("{shown}: unverified (no published checksum)"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// What the summary and the exit code are made of: `failed` counts every
/// file whose status is `failed`, the next four say why; `seconds` is the
/// run's wall time.
#[derive(Default, Serialize)]
struct Counts {
    ok: usize,
    failed: usize,
    mismatched: usize,
    damaged: usize,
    unreadable: usize,
    unknown: usize,
    unverified: usize,
    #[serde(skip)]
    require_checksum: bool,
    bytes: u64,
    seconds: f64,
}

impl Counts {
    fn of(verdicts: &[Verdict], require_checksum: bool) -> Counts {
        let mut c = Counts {
            require_checksum,
            ..Counts::default()
        };
        for v in verdicts {
            match v.outcome {
                Outcome::Ok => c.ok += 1,
                Outcome::Mismatch => c.mismatched += 1,
                Outcome::Damaged(_) => c.damaged += 1,
                Outcome::Unreadable(_) => c.unreadable += 1,
                Outcome::Unknown => c.unknown += 1,
                Outcome::Unverified => c.unverified += 1,
            }
            c.bytes += v.bytes;
        }
        c.failed = c.mismatched + c.damaged + c.unreadable + c.unknown;
        c
    }

    fn exit(&self) -> Exit {
        let unverifiable = self.require_checksum && self.unverified > 0;
        Exit::combined([
            if self.mismatched + self.damaged > 0 || unverifiable {
                Exit::Checksum
            } else {
                Exit::Ok
            },
            if self.unreadable > 0 {
                Exit::Failure
            } else {
                Exit::Ok
            },
            if self.unknown > 0 {
                Exit::NotFound
            } else {
                Exit::Ok
            },
        ])
    }

    /// sha256sum's summary lines, and ours for what it does not have.
    fn warnings(&self, malformed: usize, source: &str) -> Vec<String> {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut w = Vec::new();
        if malformed > 0 {
            w.push(plural(
                malformed,
                "line is improperly formatted",
                "lines are improperly formatted",
            ));
        }
        if self.unreadable > 0 {
            w.push(plural(
                self.unreadable,
                "listed file could not be read",
                "listed files could not be read",
            ));
        }
        if self.mismatched > 0 {
            w.push(plural(
                self.mismatched,
                "computed checksum did NOT match",
                "computed checksums did NOT match",
            ));
        }
        if self.damaged > 0 {
            w.push(plural(
                self.damaged,
                "archive is damaged",
                "archives are damaged",
            ));
        }
        if self.unknown > 0 {
            w.push(format!(
                "{} not in {source}",
                plural(self.unknown, "file is", "files are")
            ));
        }
        if self.unverified > 0 {
            w.push(format!(
                "{} no published checksum{}",
                plural(self.unverified, "file has", "files have"),
                if self.require_checksum {
                    " (--require-checksum)"
                } else {
                    ""
                }
            ));
        }
        w
    }
}

fn json_report<'a>(verdicts: &'a [Verdict], counts: &'a Counts) -> Shape<'a, &'a Counts> {
    let files = verdicts
        .iter()
        .map(|v| {
            let (status, error) = match &v.outcome {
                Outcome::Ok => ("ok", None),
                Outcome::Unverified => ("unverified", None),
                Outcome::Mismatch => ("failed", Some("checksum mismatch".to_string())),
                Outcome::Damaged(why) => ("failed", Some(why.clone())),
                Outcome::Unreadable(why) => ("failed", Some(format!("cannot read: {why}"))),
                Outcome::Unknown => ("failed", Some("no known checksum".to_string())),
            };
            FileLine {
                name: v
                    .path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default(),
                path: v.path.display().to_string(),
                bytes: v.bytes,
                status,
                verified: if status == "ok" {
                    v.verified
                } else {
                    Verified::Unverified
                },
                md5: v.digests.md5.as_deref(),
                sha256: v.digests.sha256.as_deref(),
                seconds: v.seconds,
                error,
            }
        })
        .collect();
    Shape {
        files,
        summary: counts,
        departed: Vec::new(),
    }
}
