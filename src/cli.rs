//! The command line, as clap types. Only `config.rs` and the handlers in
//! `commands/` see these; the engine gets plain options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::secret::Secret;

#[derive(Debug, Parser)]
#[command(
    name = "magedl",
    version,
    about = "List, download and verify Magento / Adobe Commerce release archives and patches",
    long_about = "List, download and verify Magento Open Source / Adobe Commerce release archives \
                  and patches from the MAGEID + token downloads endpoint: parallel, segmented, \
                  resumable, verified, and safe with the token.",
    after_help = "Credentials: --mage-id with --token-file, MAGE_ID/MAGE_TOKEN, or ~/.netrc.\n\
                  Exit codes: 0 ok, 1 runtime failure, 2 usage, 3 refused (401/403), \
                  4 checksum mismatch, 5 nothing matched / 404, 6 directory busy, 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Your MAGEID (else MAGE_ID, netrc, or a prompt)
    #[arg(long, global = true, value_name = "ID")]
    pub mage_id: Option<String>,
    /// Read the download token from a file (`-` reads standard input; first line)
    #[arg(long, global = true, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// The download token (visible to other users in the process list: prefer --token-file)
    // A `Secret`, so that a `Debug` print of the command line shows `***`.
    #[arg(long, global = true, value_name = "TOKEN", value_parser = parse_secret)]
    pub token: Option<Secret>,
    /// Endpoint base URL (a mirror or a test server)
    #[arg(
        long,
        global = true,
        env = "MAGEDL_ENDPOINT",
        value_name = "URL",
        hide_env_values = true
    )]
    pub endpoint: Option<String>,
    /// Trust this CA certificate (PEM) in addition to the system roots
    #[arg(long, global = true, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Do not verify TLS certificates (warns on every run)
    #[arg(long, global = true)]
    pub insecure: bool,
    /// Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)
    #[arg(long, global = true, value_name = "URL")]
    pub proxy: Option<String>,
    /// Progress display
    #[arg(long, global = true, value_enum, default_value_t = ProgressArg::Auto)]
    pub progress: ProgressArg,
    /// No progress and no summary; errors are still shown
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More detail on standard error (never the token)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Colored output
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Retries of a transient failure (reset, stall, 408, 429, 5xx)
    #[arg(long, global = true, default_value_t = 5, value_name = "N")]
    pub retries: u32,
    /// Idle read timeout in seconds
    #[arg(long, global = true, default_value_t = 30.0, value_name = "SECS", value_parser = positive_secs)]
    pub timeout: f64,
    /// Connect timeout in seconds
    #[arg(long, global = true, default_value_t = 30.0, value_name = "SECS", value_parser = positive_secs)]
    pub connect_timeout: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    Auto,
    Bar,
    Line,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Edition {
    /// Magento Open Source (Community Edition)
    Ce,
    /// Adobe Commerce (Enterprise Edition)
    Ee,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Names,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the endpoint URL for PATH (default info/help), token masked
    Url {
        /// e.g. info/files, info/filter/version/2.4.*, file/NAME
        path: Option<String>,
        /// Print the real token in the URL
        #[arg(long)]
        show_token: bool,
    },
    /// Print the server's own answer: help, files, versions, json, or filter version|type VALUE
    #[command(disable_help_subcommand = true)]
    Info {
        #[command(subcommand)]
        what: InfoWhat,
    },
    /// List releases from the catalog
    List {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List versions, newest first
    Versions,
    /// Download files (parallel, segmented, resumable, verified)
    Download(DownloadArgs),
    /// Check files against the catalog md5 or given checksums
    Verify(VerifyArgs),
    /// Bring a directory up to date with the (filtered) catalog
    Sync(SyncArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum InfoWhat {
    /// The server's usage text
    Help,
    /// Text table of every file
    Files,
    /// Text list of versions
    Versions,
    /// The JSON catalog
    Json,
    /// A filtered text table
    Filter {
        #[arg(value_enum)]
        by: FilterBy,
        /// A version (with `*` wildcards) or a type
        value: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FilterBy {
    Version,
    Type,
}

#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// File names or globs (e.g. 'Magento-CE-2.4.*')
    #[arg(value_name = "NAME-OR-GLOB")]
    pub names: Vec<String>,
    /// Only this type: ce-full, ee-full, ce-patch, ee-patch, other (repeatable)
    #[arg(long = "type", value_name = "TYPE")]
    pub types: Vec<String>,
    /// Only this edition: ce (ce-full, ce-patch) or ee (ee-full, ee-patch); other belongs to both (repeatable)
    #[arg(long = "edition", value_enum, value_name = "EDITION")]
    pub editions: Vec<Edition>,
    /// Only files belonging to a version matching this glob (e.g. '2.4.*')
    #[arg(long, value_name = "GLOB")]
    pub version: Option<String>,
    /// Only the newest version per type
    #[arg(long)]
    pub latest: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct TransferArgs {
    /// Files at once
    #[arg(short, long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub jobs: u32,
    /// Connections per file (default: automatic; 1 turns segmenting off)
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=32))]
    pub segments: Option<u32>,
    /// Wait for another run holding the directory instead of exiting 6
    #[arg(long)]
    pub wait: bool,
    /// Print the report as JSON on standard output
    #[arg(long)]
    pub json: bool,
    /// Print what would be fetched and exit
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse a file announced or streaming past SIZE (K, M, G suffixes)
    #[arg(long, value_name = "SIZE", default_value = "64G", value_parser = parse_size)]
    pub max_size: u64,
}

#[derive(Debug, Args, Clone, Default)]
pub struct DownloadArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// Output directory
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output_dir: PathBuf,
    #[command(flatten)]
    pub checksums: ChecksumArgs,
    /// Fail (exit 4) for a file without any expected checksum
    #[arg(long)]
    pub require_checksum: bool,
    /// Skip checksum verification
    #[arg(long, conflicts_with_all = ["require_checksum", "sha256", "md5", "checksums"])]
    pub no_verify: bool,
    /// Download again even when a verified file is present
    #[arg(long)]
    pub force: bool,
    /// Discard partial data instead of resuming
    #[arg(long)]
    pub no_resume: bool,
}

#[derive(Debug, Args, Clone)]
pub struct VerifyArgs {
    /// Files to check
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub checksums: ChecksumArgs,
    /// Also read every entry of .zip, .tar.gz/.tgz, .tar.bz2 and .tar archives to its end
    #[arg(long)]
    pub deep: bool,
    /// Print the report as JSON on standard output
    #[arg(long)]
    pub json: bool,
    /// A file without any checksum to check against fails (exit 4)
    #[arg(long)]
    pub require_checksum: bool,
    /// Print nothing: the exit code tells
    #[arg(long)]
    pub status: bool,
    /// A malformed line in the checksum file is an error (exit 2), not a warning
    #[arg(long)]
    pub strict: bool,
}

/// Expected checksums given on the command line (download and verify).
#[derive(Debug, Args, Clone, Default)]
pub struct ChecksumArgs {
    /// Expected SHA-256 (single file)
    #[arg(long, value_name = "HEX")]
    pub sha256: Option<String>,
    /// Expected MD5 (single file)
    #[arg(long, value_name = "HEX")]
    pub md5: Option<String>,
    /// Expected checksums (sha256sum or md5sum output), instead of the catalog
    #[arg(long, value_name = "FILE")]
    pub checksums: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct SyncArgs {
    /// The directory to bring up to date
    pub dir: PathBuf,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// Remove files that left the catalog
    #[arg(long)]
    pub prune: bool,
    /// Lay the directory out like the endpoint (info/..., file/...)
    #[arg(long)]
    pub mirror: bool,
    /// Read and hash every present file, whatever the verification cache says
    #[arg(long)]
    pub rehash: bool,
    /// Write the run's metrics to FILE (Prometheus text format, for node_exporter's textfile collector)
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<PathBuf>,
}

fn parse_secret(s: &str) -> Result<Secret, String> {
    Ok(Secret::new(s.trim()))
}

/// `1234`, `500K`, `64M`, `2G` (powers of 1024, as curl reads them).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], Some(c.to_ascii_uppercase())),
        _ => (t, None),
    };
    let shift = match unit {
        None => 0,
        Some('K') => 10,
        Some('M') => 20,
        Some('G') => 30,
        Some('T') => 40,
        Some(_) => return Err(format!("`{s}`: the suffix must be K, M, G or T")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 500K, 64M, 2G)"))?;
    n.checked_mul(1 << shift)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("`{s}` must be more than 0 and fit in 64 bits"))
}

fn positive_secs(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if v.is_finite() && v > 0.0 && v <= 86_400.0 {
        Ok(v)
    } else {
        Err(format!(
            "`{s}` must be more than 0 and at most 86400 seconds"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_debug_print_of_the_command_line_hides_the_token() {
        let cli = Cli::try_parse_from(["magedl", "--token", "sekrit-tok-123", "list"]).unwrap();
        assert!(!format!("{cli:?}").contains("sekrit-tok-123"));
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("1234"), Ok(1234));
        assert_eq!(parse_size("500k"), Ok(500 << 10));
        assert_eq!(parse_size("64G"), Ok(64 << 30));
        for bad in ["", "0", "12X", "M", "-5", "99999999999T"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn globals_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from(["magedl", "list", "--mage-id", "X", "-q"]).unwrap();
        assert_eq!(cli.global.mage_id.as_deref(), Some("X"));
        assert!(cli.global.quiet);
    }
}
