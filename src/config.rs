//! From the parsed command line to plain, validated options: the endpoint,
//! the credential sources, network options and output settings shared by
//! every command, and the filters and checksums some commands take. Past
//! this file and the handlers, no clap type is seen.

use std::io::IsTerminal;
use std::time::Duration;

use std::path::PathBuf;
use std::sync::Arc;

use crate::catalog::{Filter, Kind};
use crate::cli::{ChecksumArgs, ColorArg, Edition, FilterArgs, ProgressArg, Shared, UrlArg};
use crate::client::{Client, ClientOptions};
use crate::credentials::{self, Sources};
use crate::endpoint::{DEFAULT_ENDPOINT, Endpoint};
use crate::error::{Error, Result};
use crate::events::Events;
use crate::progress::Mode;
use crate::secret::{Credentials, Secret};
use crate::verify::{self, Algo, Expected};

/// Everything the commands need that is common to all of them.
pub struct Config {
    /// The downloads endpoint (or a mirror), without userinfo.
    pub endpoint: Endpoint,
    /// Credentials pasted into the endpoint URL, if any.
    url_credentials: Option<Credentials>,
    /// `--mage-id`.
    mage_id: Option<String>,
    /// `--token`.
    token: Option<Secret>,
    /// `--token-file`.
    token_file: Option<PathBuf>,
    /// TLS, proxy, timeouts and retries.
    pub net: ClientOptions,
    /// How progress is shown (`-q` means none).
    pub progress: Mode,
    /// `-q`: no progress and no summary; errors are still shown.
    pub quiet: bool,
    /// `--insecure` was given: warned about on every run.
    insecure: bool,
}

impl Config {
    /// The shared options (given before or after the subcommand), with
    /// defaults; an environment variable set to the empty string counts as
    /// unset.
    pub fn from_args(shared: Shared) -> Result<Config> {
        let Shared {
            conn,
            quiet,
            progress,
        } = shared;
        let (creds, net) = (conn.creds, conn.net);
        let from_env = non_empty_env("MAGEDL_ENDPOINT");
        let text = conn.endpoint.endpoint.map(UrlArg::into_inner).or(from_env);
        let (endpoint, url_credentials) =
            Endpoint::parse(text.as_deref().unwrap_or(DEFAULT_ENDPOINT))?;
        if creds.token.is_some() && creds.token_file.is_some() {
            return Err(Error::Usage(
                "--token and --token-file cannot be used together".into(),
            ));
        }
        let quiet = quiet.quiet;
        let stderr_tty = std::io::stderr().is_terminal();
        let mode = match (quiet, progress.progress.unwrap_or(ProgressArg::Auto)) {
            (true, _) | (_, ProgressArg::None) => Mode::None,
            (_, ProgressArg::Bar) => Mode::Bar,
            (_, ProgressArg::Line) => Mode::Line,
            (_, ProgressArg::Json) => Mode::Json,
            (_, ProgressArg::Auto) if stderr_tty => Mode::Bar,
            (_, ProgressArg::Auto) => Mode::Line,
        };
        let color = match progress.color.unwrap_or(ColorArg::Auto) {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => stderr_tty && std::env::var_os("NO_COLOR").is_none(),
        };
        // The bars are the only colored output; this decides for them.
        console::set_colors_enabled_stderr(color);
        let secs = |v: Option<f64>| Duration::from_secs_f64(v.unwrap_or(30.0));
        Ok(Config {
            endpoint,
            url_credentials,
            mage_id: creds.mage_id,
            token: creds.token,
            token_file: creds.token_file,
            net: ClientOptions {
                cacert: net.cacert,
                insecure: net.insecure,
                proxy: net.proxy.map(UrlArg::into_inner),
                connect_timeout: secs(net.connect_timeout),
                read_timeout: secs(net.timeout),
                retries: net.retries.unwrap_or(5),
                verbose: conn.verbose.verbose > 0 && !quiet,
            },
            progress: mode,
            quiet,
            insecure: net.insecure,
        })
    }

    /// Warnings about the run's own settings, shown once at its start.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if self.insecure {
            w.push("--insecure: TLS certificates are NOT verified on this run".to_string());
        }
        w
    }

    /// Resolves the credentials (flags, env, netrc, prompt); the risky ways
    /// of giving them add to `warnings`.
    pub fn credentials(&self, warnings: &mut Vec<String>) -> Result<Option<Credentials>> {
        let sources = Sources::from_env(
            self.mage_id.clone(),
            self.token.clone(),
            self.token_file.clone(),
            self.url_credentials.clone(),
        );
        let creds = credentials::resolve(sources, &self.endpoint, warnings)?;
        if creds.is_some() && !self.endpoint.may_carry_credentials() {
            return Err(Error::Usage(format!(
                "refusing to send credentials over plain http to {}; use an https endpoint",
                self.endpoint.host()
            )));
        }
        Ok(creds)
    }

    /// The HTTP client for this run, with credentials resolved; its `-v`
    /// traces go to `events`.
    pub fn client(&self, events: Arc<dyn Events>, warnings: &mut Vec<String>) -> Result<Client> {
        let creds = self.credentials(warnings)?;
        Client::new(self.endpoint.clone(), creds, self.net.clone(), events)
    }
}

/// `--type`, `--edition`, `--version`, `--latest` and the name globs as a
/// catalog filter; an edition stands for its types (and `other`), and both
/// given narrow each other.
pub fn filter(args: &FilterArgs) -> Result<Filter> {
    let mut types = args
        .types
        .iter()
        .map(|t| Kind::parse_filter(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Usage(e.to_string()))?;
    if !args.editions.is_empty() {
        let of_editions: Vec<Kind> = args
            .editions
            .iter()
            .flat_map(|e| match e {
                Edition::Ce => [Kind::CeFull, Kind::CePatch, Kind::Other],
                Edition::Ee => [Kind::EeFull, Kind::EePatch, Kind::Other],
            })
            .collect();
        types = if types.is_empty() {
            of_editions
        } else {
            types
                .into_iter()
                .filter(|t| of_editions.contains(t))
                .collect()
        };
        types.sort();
        types.dedup();
        if types.is_empty() {
            return Err(Error::NothingMatched(
                "no type is in both --type and --edition".into(),
            ));
        }
    }
    Filter::new(types, args.version.as_deref(), args.latest, &args.names)
        .map_err(|e| Error::Usage(e.to_string()))
}

/// Names or globs from `-i FILE` (`-` is standard input): one a line,
/// blank lines and `#` comments skipped.
pub fn input_names(path: Option<&std::path::Path>) -> Result<Vec<String>> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = if path == std::path::Path::new("-") {
        std::io::read_to_string(std::io::stdin().lock())
    } else {
        std::fs::read_to_string(path)
    }
    .map_err(|e| Error::Usage(format!("cannot read input file {}: {e}", path.display())))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// An environment variable's value; set to the empty string is unset.
pub fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Checksums given on the command line, validated.
pub struct Checksums {
    /// `--sha256`/`--md5`, for exactly one file.
    pub single: Option<Expected>,
    /// `--checksums FILE`.
    pub file: Option<PathBuf>,
}

pub fn checksums(args: &ChecksumArgs) -> Result<Checksums> {
    let hex =
        |v: &Option<String>, algo| v.as_deref().map(|h| verify::parse_hex(h, algo)).transpose();
    let single = Expected {
        sha256: hex(&args.sha256, Algo::Sha256)?,
        md5: hex(&args.md5, Algo::Md5)?,
    };
    Ok(Checksums {
        single: (!single.is_empty()).then_some(single),
        file: args.checksums.clone(),
    })
}
