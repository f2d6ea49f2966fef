//! From the parsed command line to a plain, validated configuration: the
//! endpoint, the credential sources, network options and output settings.

use std::io::IsTerminal;
use std::time::Duration;

use crate::cli::{ColorArg, GlobalArgs, ProgressArg};
use crate::client::{Client, ClientOptions};
use crate::credentials::{self, Sources};
use crate::endpoint::{DEFAULT_ENDPOINT, Endpoint};
use crate::error::{Error, Result};
use crate::progress::Mode;
use crate::secret::Credentials;

/// Everything the commands need that is common to all of them.
pub struct Config {
    pub endpoint: Endpoint,
    /// Credentials pasted into the endpoint URL, if any.
    url_credentials: Option<Credentials>,
    mage_id: Option<String>,
    token: Option<crate::secret::Secret>,
    token_file: Option<std::path::PathBuf>,
    pub net: ClientOptions,
    pub progress: Mode,
    pub quiet: bool,
    pub verbose: u8,
    pub color: bool,
}

impl Config {
    pub fn from_args(g: GlobalArgs) -> Result<Config> {
        let (endpoint, url_credentials) =
            Endpoint::parse(g.endpoint.as_deref().unwrap_or(DEFAULT_ENDPOINT))?;
        if g.token.is_some() && g.token_file.is_some() {
            return Err(Error::Usage(
                "--token and --token-file cannot be used together".into(),
            ));
        }
        let stderr_tty = std::io::stderr().is_terminal();
        let progress = match (g.quiet, g.progress) {
            (true, _) | (_, ProgressArg::None) => Mode::None,
            (_, ProgressArg::Bar) => Mode::Bar,
            (_, ProgressArg::Line) => Mode::Line,
            (_, ProgressArg::Auto) if stderr_tty => Mode::Bar,
            (_, ProgressArg::Auto) => Mode::Line,
        };
        let color = match g.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => stderr_tty && std::env::var_os("NO_COLOR").is_none(),
        };
        // The bars are the only colored output; this decides for them.
        console::set_colors_enabled_stderr(color);
        if g.insecure {
            crate::progress::warn("--insecure: TLS certificates are NOT verified on this run");
        }
        Ok(Config {
            endpoint,
            url_credentials,
            mage_id: g.mage_id,
            token: g.token,
            token_file: g.token_file,
            net: ClientOptions {
                cacert: g.cacert,
                insecure: g.insecure,
                proxy: g.proxy,
                connect_timeout: Duration::from_secs_f64(g.connect_timeout),
                read_timeout: Duration::from_secs_f64(g.timeout),
                retries: g.retries,
                verbose: if g.quiet { 0 } else { g.verbose },
            },
            progress,
            quiet: g.quiet,
            verbose: g.verbose,
            color,
        })
    }

    /// Resolves the credentials (flags, env, netrc, prompt) and warns about
    /// the risky ways of giving them.
    pub fn credentials(&self) -> Result<Option<Credentials>> {
        let sources = Sources::from_env(
            self.mage_id.clone(),
            self.token.clone(),
            self.token_file.clone(),
            self.url_credentials.clone(),
        );
        let mut warnings = Vec::new();
        let creds = credentials::resolve(sources, &self.endpoint, &mut warnings)?;
        for w in warnings {
            crate::progress::warn(&w);
        }
        if creds.is_some() && !self.endpoint.may_carry_credentials() {
            return Err(Error::Usage(format!(
                "refusing to send credentials over plain http to {}; use an https endpoint",
                self.endpoint.host()
            )));
        }
        Ok(creds)
    }

    /// The HTTP client for this run, with credentials resolved.
    pub fn client(&self) -> Result<Client> {
        let creds = self.credentials()?;
        Client::new(self.endpoint.clone(), creds, self.net.clone())
    }
}
