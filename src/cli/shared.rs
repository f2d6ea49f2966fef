//! The options several commands share, in groups, so that each command is
//! offered only those it uses (under headings of their own), and all of them
//! are accepted before the subcommand as well.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::secret::Secret;

/// Where the credentials come from (else MAGE_ID/MAGE_TOKEN, netrc, prompt).
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Connection and credentials")]
pub struct CredentialArgs {
    /// Your MAGEID (else MAGE_ID, netrc, or a prompt)
    #[arg(long, value_name = "ID")]
    pub mage_id: Option<String>,
    /// Read the download token from a file (`-` reads standard input; first line)
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// The download token (visible to other users in the process list: prefer --token-file)
    // A `Secret`, so that a `Debug` print of the command line shows `***`.
    #[arg(long, value_name = "TOKEN", value_parser = parse_secret)]
    pub token: Option<Secret>,
}

/// The endpoint (a mirror, a test server); credentials pasted into it are
/// taken, with a warning.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Connection and credentials")]
pub struct EndpointArg {
    /// Endpoint base URL (a mirror or a test server) [env: MAGEDL_ENDPOINT]
    #[arg(long, value_name = "URL", value_parser = parse_url)]
    pub endpoint: Option<UrlArg>,
}

/// TLS, proxy, timeouts and retries.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Connection and credentials")]
pub struct NetworkArgs {
    /// Trust this CA certificate (PEM) in addition to the system roots
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Do not verify TLS certificates (warns on every run)
    #[arg(long)]
    pub insecure: bool,
    /// Proxy URL for every request (overrides HTTPS_PROXY/HTTP_PROXY/ALL_PROXY)
    #[arg(long, value_name = "URL", value_parser = parse_url)]
    pub proxy: Option<UrlArg>,
    /// Retries of a transient failure: reset, stall, 408, 429, 5xx [default: 5]
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// Idle read timeout in seconds [default: 30]
    #[arg(long, value_name = "SECS", value_parser = positive_secs)]
    pub timeout: Option<f64>,
    /// Connect timeout in seconds [default: 30]
    #[arg(long, value_name = "SECS", value_parser = positive_secs)]
    pub connect_timeout: Option<f64>,
}

/// Everything a command that talks to the endpoint needs.
#[derive(Clone, Debug, Default, Args)]
pub struct ConnectionArgs {
    #[command(flatten)]
    pub creds: CredentialArgs,
    #[command(flatten)]
    pub endpoint: EndpointArg,
    #[command(flatten)]
    pub net: NetworkArgs,
    #[command(flatten)]
    pub verbose: VerboseArg,
}

/// `-v`.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct VerboseArg {
    /// Trace every request and response on standard error (never the token)
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// `-q`.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct QuietArg {
    /// No progress and no summary (verify: failures only); errors are still shown
    #[arg(short, long)]
    pub quiet: bool,
}

/// How a transfer shows itself.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct ProgressArgs {
    /// Progress display: bars on a terminal, plain lines in a log, JSON events for a wrapper [default: auto]
    #[arg(long, value_enum, value_name = "HOW")]
    pub progress: Option<ProgressArg>,
    /// Colored bars [default: auto]
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorArg>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    /// bar on a terminal, line otherwise
    Auto,
    /// one bar per file under a total bar
    Bar,
    /// plain timestamped lines, for cron logs
    Line,
    /// one JSON object a line (start, progress, retry, done, skipped, failed, summary)
    Json,
    /// nothing
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Every shared option, as the top level accepts them before the
/// subcommand; a command's own value wins over one given there.
#[derive(Clone, Debug, Default, Args)]
pub struct Shared {
    #[command(flatten)]
    pub conn: ConnectionArgs,
    #[command(flatten)]
    pub quiet: QuietArg,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

impl Shared {
    /// `self` (given after the subcommand) completed by `top` (before it).
    pub fn or(self, top: Shared) -> Shared {
        let (c, t) = (self.conn, top.conn);
        Shared {
            conn: ConnectionArgs {
                creds: CredentialArgs {
                    mage_id: c.creds.mage_id.or(t.creds.mage_id),
                    token_file: c.creds.token_file.or(t.creds.token_file),
                    token: c.creds.token.or(t.creds.token),
                },
                endpoint: EndpointArg {
                    endpoint: c.endpoint.endpoint.or(t.endpoint.endpoint),
                },
                net: NetworkArgs {
                    cacert: c.net.cacert.or(t.net.cacert),
                    insecure: c.net.insecure || t.net.insecure,
                    proxy: c.net.proxy.or(t.net.proxy),
                    retries: c.net.retries.or(t.net.retries),
                    timeout: c.net.timeout.or(t.net.timeout),
                    connect_timeout: c.net.connect_timeout.or(t.net.connect_timeout),
                },
                verbose: VerboseArg {
                    verbose: c.verbose.verbose.saturating_add(t.verbose.verbose),
                },
            },
            quiet: QuietArg {
                quiet: self.quiet.quiet || top.quiet.quiet,
            },
            progress: ProgressArgs {
                progress: self.progress.progress.or(top.progress.progress),
                color: self.progress.color.or(top.progress.color),
            },
        }
    }
}

/// A URL given on the command line, which may carry a user and password
/// (`https://ID:TOKEN@host/`, a proxy's login): its `Debug` print shows
/// neither.
#[derive(Clone)]
pub struct UrlArg(String);

impl UrlArg {
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for UrlArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Ok(mut url) = url::Url::parse(&self.0) else {
            return f.write_str("\"***\"");
        };
        if !url.username().is_empty() || url.password().is_some() {
            let _ = url.set_username("***");
            let _ = url.set_password(None);
        }
        url.set_query(None);
        write!(f, "{:?}", url.as_str())
    }
}

fn parse_url(s: &str) -> Result<UrlArg, String> {
    Ok(UrlArg(s.to_string()))
}

fn parse_secret(s: &str) -> Result<Secret, String> {
    Ok(Secret::new(s.trim()))
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
