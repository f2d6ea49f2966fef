//! The command line, as clap types. Only `config.rs` and the handlers in
//! `commands/` see these; the engine gets plain options. Each command lists
//! its own options first and the shared ones (`shared.rs`) under headings of
//! their own, offers only those it uses, and ends with examples. This file
//! holds the top level and the catalog commands; `transfer.rs` the options
//! of `download`, `sync` and `verify`.

mod shared;
mod transfer;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

pub use shared::{
    ColorArg, ConnectionArgs, CredentialArgs, EndpointArg, ProgressArg, ProgressArgs, QuietArg,
    Shared, UrlArg,
};
pub use transfer::{ChecksumArgs, DownloadArgs, SyncArgs, VerifyArgs};

const AFTER_HELP: &str = "\
Credentials: --mage-id with --token-file, MAGE_ID/MAGE_TOKEN, or ~/.netrc.
Exit codes: 0 ok, 1 runtime failure, 2 usage, 3 refused (401/403), 4 checksum mismatch,
5 nothing matched / 404, 6 directory busy, 130 interrupted.

Examples:
  magedl list --latest
  magedl download Magento-CE-2.4.2.tar.gz -o /srv/archives
  magedl sync /srv/magento --type ce-full --latest
  magedl verify --checksums SHA256SUMS *.zip";

#[derive(Debug, Parser)]
#[command(
    name = "magedl",
    version,
    about = "List, download and verify Magento / Adobe Commerce release archives and patches",
    long_about = "List, download and verify Magento Open Source / Adobe Commerce release archives \
                  and patches from the MAGEID + token downloads endpoint: parallel, segmented, \
                  resumable, verified, and safe with the token.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Shared options given before the subcommand.
    #[command(flatten)]
    pub shared: Shared,
    #[command(subcommand)]
    pub command: Command,
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
    /// aligned columns: name, type, versions, md5, title
    Table,
    /// a JSON array of releases
    Json,
    /// one file name a line
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InfoWhat {
    /// the server's usage text
    Help,
    /// the text table of every file
    Files,
    /// the text list of versions
    Versions,
    /// the JSON catalog
    Json,
    /// a filtered text table: `filter version GLOB` or `filter type TYPE`
    Filter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FilterBy {
    Version,
    Type,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the endpoint URL for PATH (default info/help), token masked
    #[command(after_help = "Examples:\n  \
        magedl url file/Magento-CE-2.4.2.tar.gz\n  \
        magedl url --show-token info/json")]
    Url(UrlArgs),
    /// Print the server's own answer: help, files, versions, json, or filter version|type VALUE
    #[command(after_help = "Examples:\n  \
        magedl info help\n  \
        magedl info filter version '2.4.*'\n  \
        magedl info filter type ee-patch")]
    Info(InfoArgs),
    /// List releases from the catalog
    #[command(after_help = "Examples:\n  \
        magedl list\n  \
        magedl list --type ce-full --version '2.4.*' --format json\n  \
        magedl list --latest --format names 'Magento-CE-*'\n  \
        magedl list --edition ce --latest")]
    List(ListArgs),
    /// List versions, newest first (release versions, then those with patches only)
    #[command(after_help = "Examples:\n  \
        magedl versions\n  \
        magedl versions --edition ee\n  \
        magedl versions --type ce-patch")]
    Versions(VersionsArgs),
    /// Download files: parallel, segmented, resumable, verified
    #[command(after_help = "Examples:\n  \
        magedl download Magento-CE-2.4.2.tar.gz -o /srv/archives\n  \
        magedl download --type ce-patch --version 2.4.0 -j 4 --json\n  \
        magedl download big.zip --sha256 HEX -s 8\n  \
        magedl download -i wanted.txt --progress json\n  \
        magedl download Magento-CE-2.4.2.tar.gz --extract /var/www/magento")]
    Download(DownloadArgs),
    /// Check files against the catalog md5, a checksum file, or given checksums
    #[command(after_help = "Examples:\n  \
        magedl verify /srv/archives/*.tar.gz\n  \
        magedl verify --checksums SHA256SUMS *.zip\n  \
        sha256sum *.zip | magedl verify --checksums - *.zip\n  \
        magedl verify --deep Magento-CE-2.4.2_sample_data.tar.gz")]
    Verify(VerifyArgs),
    /// Bring a directory up to date with the (filtered) catalog: the nightly job
    #[command(after_help = "Examples:\n  \
        magedl sync /srv/magento --type ce-full --latest\n  \
        magedl sync /srv/mirror --mirror --metrics /var/lib/node_exporter/magedl.prom\n  \
        magedl sync /srv/magento --prune --dry-run")]
    Sync(SyncArgs),
    /// Print a shell completion script
    #[command(after_help = "Examples:\n  \
        magedl completions bash > /etc/bash_completion.d/magedl\n  \
        magedl completions zsh > \"${fpath[1]}/_magedl\"")]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
}

#[derive(Debug, Args)]
pub struct UrlArgs {
    /// e.g. info/files, info/filter/version/2.4.*, file/NAME
    pub path: Option<String>,
    /// Print the real token in the URL
    #[arg(long)]
    pub show_token: bool,
    #[command(flatten)]
    pub creds: CredentialArgs,
    #[command(flatten)]
    pub endpoint: EndpointArg,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// What to ask for
    #[arg(value_enum)]
    pub what: InfoWhat,
    /// With `filter`: filter by version or by type
    #[arg(value_enum, required_if_eq("what", "filter"))]
    pub by: Option<FilterBy>,
    /// With `filter`: a version (`*` wildcards) or a type
    #[arg(required_if_eq("what", "filter"))]
    pub value: Option<String>,
    #[command(flatten)]
    pub conn: ConnectionArgs,
}

/// The release types of the catalog.
const TYPES: [&str; 5] = ["ce-full", "ce-patch", "ee-full", "ee-patch", "other"];

#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// File names or globs (e.g. 'Magento-CE-2.4.*')
    #[arg(value_name = "NAME-OR-GLOB")]
    pub names: Vec<String>,
    /// Only this type (repeatable)
    #[arg(long = "type", value_name = "TYPE", value_parser = PossibleValuesParser::new(TYPES).map(|s| s.to_ascii_lowercase()), ignore_case = true)]
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

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    #[command(flatten)]
    pub conn: ConnectionArgs,
}

#[derive(Debug, Args)]
pub struct VersionsArgs {
    /// Only versions of this type (repeatable)
    #[arg(long = "type", value_name = "TYPE", value_parser = PossibleValuesParser::new(TYPES).map(|s| s.to_ascii_lowercase()), ignore_case = true)]
    pub types: Vec<String>,
    /// Only versions of this edition (repeatable)
    #[arg(long = "edition", value_enum, value_name = "EDITION")]
    pub editions: Vec<Edition>,
    #[command(flatten)]
    pub conn: ConnectionArgs,
}

impl Command {
    /// The shared options given after the subcommand.
    pub fn shared(&self) -> Shared {
        match self {
            Command::Url(a) => Shared {
                conn: ConnectionArgs {
                    creds: a.creds.clone(),
                    endpoint: a.endpoint.clone(),
                    ..ConnectionArgs::default()
                },
                ..Shared::default()
            },
            Command::Info(InfoArgs { conn: c, .. })
            | Command::List(ListArgs { conn: c, .. })
            | Command::Versions(VersionsArgs { conn: c, .. }) => Shared {
                conn: c.clone(),
                ..Shared::default()
            },
            Command::Verify(a) => Shared {
                conn: a.conn.clone(),
                quiet: a.quiet.clone(),
                ..Shared::default()
            },
            Command::Download(a) => Shared {
                conn: a.conn.clone(),
                quiet: a.quiet.clone(),
                progress: a.progress.clone(),
            },
            Command::Sync(a) => Shared {
                conn: a.conn.clone(),
                quiet: a.quiet.clone(),
                progress: a.progress.clone(),
            },
            Command::Completions { .. } => Shared::default(),
        }
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
        let cli = Cli::try_parse_from(["magedl", "list", "--token", "sekrit-tok-456"]).unwrap();
        assert!(!format!("{cli:?}").contains("sekrit-tok-456"));
    }

    #[test]
    fn a_debug_print_hides_a_token_or_password_inside_a_url() {
        let cli = Cli::try_parse_from([
            "magedl",
            "--endpoint",
            "https://MAG1:tok-in-url-1@example.test/products/downloads/",
            "list",
            "--proxy",
            "http://user:pw-in-proxy-2@proxy.test:3128",
        ])
        .unwrap();
        let shown = format!("{cli:?}");
        assert!(!shown.contains("tok-in-url-1"), "{shown}");
        assert!(!shown.contains("pw-in-proxy-2"), "{shown}");
        assert!(shown.contains("example.test"), "{shown}");
    }

    #[test]
    fn shared_options_are_accepted_before_and_after_the_subcommand() {
        let cli = Cli::try_parse_from(["magedl", "list", "--mage-id", "X", "-v"]).unwrap();
        let merged = cli.command.shared().or(cli.shared);
        assert_eq!(merged.conn.creds.mage_id.as_deref(), Some("X"));
        let cli =
            Cli::try_parse_from(["magedl", "--mage-id", "Y", "--retries", "0", "list"]).unwrap();
        let merged = cli.command.shared().or(cli.shared);
        assert_eq!(merged.conn.creds.mage_id.as_deref(), Some("Y"));
        assert_eq!(merged.conn.net.retries, Some(0));
        // After the subcommand wins.
        let cli =
            Cli::try_parse_from(["magedl", "--retries", "1", "list", "--retries", "2"]).unwrap();
        assert_eq!(
            cli.command.shared().or(cli.shared).conn.net.retries,
            Some(2)
        );
    }

    #[test]
    fn commands_are_not_offered_options_they_do_not_use() {
        assert!(Cli::try_parse_from(["magedl", "completions", "bash", "--retries", "1"]).is_err());
        assert!(Cli::try_parse_from(["magedl", "url", "--proxy", "http://p:1"]).is_err());
        assert!(Cli::try_parse_from(["magedl", "list", "--progress", "bar"]).is_err());
        assert!(Cli::try_parse_from(["magedl", "download", "x", "--progress", "json"]).is_ok());
    }
}
