//! The options of the commands that bring files to disk or check them
//! (`download`, `sync`, `verify`): what to fetch, how, and what to check
//! against.

use std::path::PathBuf;

use clap::Args;

use super::{ConnectionArgs, FilterArgs, ProgressArgs, QuietArg};

/// Names or globs one a line, for `download` and `sync`.
#[derive(Debug, Args, Clone, Default)]
pub struct InputArgs {
    /// Read names or globs from FILE, one a line (blank lines and # comments skipped; - = stdin)
    #[arg(short = 'i', long, value_name = "FILE")]
    pub input_file: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct TransferArgs {
    /// Files at once
    #[arg(short, long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub jobs: u32,
    /// Connections per file (default: automatic; 1 turns segmenting off)
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=32))]
    pub segments: Option<u32>,
    /// Wait for another run writing into the directory instead of exiting 6
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
    /// Limit the whole run's download rate to RATE bytes per second (K, M, G suffixes), across all connections and files
    #[arg(long, value_name = "RATE", value_parser = parse_size)]
    pub limit_rate: Option<u64>,
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output directory (not `-`: see --extract)
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output_dir: PathBuf,
    /// After a file is verified, unpack .zip, .tar.gz/.tgz, .tar.bz2 or .tar into DIR
    #[arg(long, value_name = "DIR")]
    pub extract: Option<PathBuf>,
    #[command(flatten)]
    pub transfer: TransferArgs,
    #[command(flatten)]
    pub checksums: ChecksumArgs,
    /// Fail (exit 4) for a file without any expected checksum
    #[arg(long)]
    pub require_checksum: bool,
    /// Skip checksum verification
    #[arg(long, conflicts_with_all = ["require_checksum", "sha256", "md5", "checksums"])]
    pub no_verify: bool,
    /// Download again even when a verified file is present (and overwrite extracted files)
    #[arg(long)]
    pub force: bool,
    /// Discard partial data instead of resuming
    #[arg(long)]
    pub no_resume: bool,
    #[command(flatten)]
    pub conn: ConnectionArgs,
    #[command(flatten)]
    pub quiet: QuietArg,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

#[derive(Debug, Args)]
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
    #[command(flatten)]
    pub conn: ConnectionArgs,
    #[command(flatten)]
    pub quiet: QuietArg,
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
    /// Expected checksums (sha256sum or md5sum output; - = stdin), instead of the catalog
    #[arg(long, value_name = "FILE")]
    pub checksums: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The directory to bring up to date
    pub dir: PathBuf,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub input: InputArgs,
    /// Remove files that left the catalog (and the directories they leave empty)
    #[arg(long)]
    pub prune: bool,
    /// Lay the directory out like the endpoint (info/..., file/...): a static mirror
    #[arg(long)]
    pub mirror: bool,
    /// Read and hash every present file, whatever the verification cache says
    #[arg(long)]
    pub rehash: bool,
    /// Write the run's metrics to FILE (Prometheus text format, for node_exporter's textfile collector)
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<PathBuf>,
    #[command(flatten)]
    pub transfer: TransferArgs,
    #[command(flatten)]
    pub conn: ConnectionArgs,
    #[command(flatten)]
    pub quiet: QuietArg,
    #[command(flatten)]
    pub progress: ProgressArgs,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("1234"), Ok(1234));
        assert_eq!(parse_size("500k"), Ok(500 << 10));
        assert_eq!(parse_size("64G"), Ok(64 << 30));
        for bad in ["", "0", "12X", "M", "-5", "99999999999T"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
