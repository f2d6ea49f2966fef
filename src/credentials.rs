//! Where the MAGEID and token come from: flags, then the environment, then a
//! netrc file, then an interactive prompt; per value, first hit wins.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::endpoint::Endpoint;
use crate::error::{Error, Result};
use crate::secret::{Credentials, Secret};

/// The raw inputs, gathered by `config.rs` so this module stays testable.
pub struct Sources {
    pub mage_id_flag: Option<String>,
    pub token_flag: Option<Secret>,
    pub token_file: Option<PathBuf>,
    /// Credentials pasted into the endpoint URL.
    pub from_url: Option<Credentials>,
    pub env_mage_id: Option<String>,
    pub env_token: Option<String>,
    /// `NETRC`, else `~/.netrc` (None when HOME is unknown).
    pub netrc: Option<PathBuf>,
    /// Standard input and standard error are both terminals.
    pub interactive: bool,
}

impl Sources {
    /// Reads the process environment.
    pub fn from_env(
        mage_id_flag: Option<String>,
        token_flag: Option<Secret>,
        token_file: Option<PathBuf>,
        from_url: Option<Credentials>,
    ) -> Sources {
        let non_empty = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let netrc = match std::env::var_os("NETRC") {
            Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
            _ => std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| Path::new(&h).join(".netrc")),
        };
        Sources {
            mage_id_flag,
            token_flag,
            token_file,
            from_url,
            env_mage_id: non_empty("MAGE_ID"),
            env_token: non_empty("MAGE_TOKEN"),
            netrc,
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        }
    }
}

/// Resolves the credentials for `endpoint`. Warnings (a token on the command
/// line, a pasted URL) are pushed to `warnings` for the caller to show.
pub fn resolve(
    src: Sources,
    endpoint: &Endpoint,
    warnings: &mut Vec<String>,
) -> Result<Option<Credentials>> {
    let mut mage_id = src.mage_id_flag.clone().filter(|s| !s.trim().is_empty());
    let mut token = explicit_token(&src, warnings)?;
    if let Some(url_creds) = src.from_url {
        warnings.push(
            "credentials pasted into the endpoint URL are used, but a URL on the command line \
             is visible to other local users; prefer MAGE_ID/MAGE_TOKEN, --token-file or ~/.netrc"
                .into(),
        );
        mage_id.get_or_insert(url_creds.mage_id);
        if token.is_none() {
            token = Some(url_creds.token);
        }
    }
    if mage_id.is_none() {
        mage_id = src.env_mage_id.clone();
    }
    if token.is_none() {
        token = src.env_token.clone().map(|t| Secret::new(t.trim()));
    }
    if (mage_id.is_none() || token.is_none())
        && let Some(path) = &src.netrc
        && let Some((login, password)) = netrc_entry(path, &endpoint.host())?
    {
        if mage_id.is_none() {
            mage_id = login;
        }
        if token.is_none() {
            token = password.map(Secret::new);
        }
    }
    let host = endpoint.host();
    match (mage_id, token) {
        (Some(id), Some(token)) => Ok(Some(Credentials::new(id.trim(), token))),
        (None, None) if !endpoint.is_default() => Ok(None),
        // A half-given pair on a mirror is completed at the prompt as well.
        (id, token)
            if src.interactive && (endpoint.is_default() || id.is_some() || token.is_some()) =>
        {
            prompt(id, token).map(Some)
        }
        (id, token) => Err(Error::NoCredentials {
            host,
            missing: match (id, token) {
                (Some(_), None) => "download token",
                (None, Some(_)) => "MAGEID",
                _ => "credentials",
            },
        }),
    }
}

fn explicit_token(src: &Sources, warnings: &mut Vec<String>) -> Result<Option<Secret>> {
    if let Some(path) = &src.token_file {
        return read_token_file(path).map(Some);
    }
    if let Some(token) = &src.token_flag {
        warnings.push(
            "--token is visible to other local users in the process list; prefer --token-file, \
             MAGE_TOKEN or ~/.netrc"
                .into(),
        );
        let token = token.clone();
        if token.is_empty() {
            return Err(Error::Usage("--token is empty".into()));
        }
        return Ok(Some(token));
    }
    Ok(None)
}

/// The first line of the file (or of standard input for `-`), trimmed.
pub fn read_token_file(path: &Path) -> Result<Secret> {
    let mut line = String::new();
    let shown = path.display().to_string();
    let read = if path == Path::new("-") {
        std::io::stdin().lock().read_line(&mut line)
    } else {
        std::fs::File::open(path).and_then(|f| std::io::BufReader::new(f).read_line(&mut line))
    };
    read.map_err(|e| Error::Usage(format!("cannot read token file {shown}: {e}")))?;
    let token = Secret::new(line.trim());
    if token.is_empty() {
        return Err(Error::Usage(format!("token file {shown} is empty")));
    }
    Ok(token)
}

/// The login and password of the netrc entry for `host` (or `default`).
/// A missing file is no entry.
fn netrc_entry(path: &Path, host: &str) -> Result<Option<(Option<String>, Option<String>)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::Usage(format!(
                "cannot read netrc file {}: {e}",
                path.display()
            )));
        }
    };
    let entry = crate::netrc::entry_for(&text, host).map_err(|e| {
        Error::Usage(format!(
            "netrc file {} is malformed (line {})",
            path.display(),
            e.line
        ))
    })?;
    // An empty value (`password ""`) is no value: the next source is asked.
    let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    Ok(entry.map(|e| (given(e.login), given(e.password))))
}

fn prompt(mage_id: Option<String>, token: Option<Secret>) -> Result<Credentials> {
    crate::cancel::prompting(|| ask(mage_id, token))
}

fn ask(mage_id: Option<String>, token: Option<Secret>) -> Result<Credentials> {
    let io_err = |e: std::io::Error| Error::io("reading credentials from the terminal", e);
    let mage_id = match mage_id {
        Some(id) => id,
        None => {
            let _ = write!(std::io::stderr(), "MAGEID: ");
            std::io::stderr().flush().map_err(io_err)?;
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(io_err)?;
            line.trim().to_string()
        }
    };
    let token = match token {
        Some(t) => t,
        None => Secret::new(
            rpassword::prompt_password("Download access token: ")
                .map_err(io_err)?
                .trim(),
        ),
    };
    if mage_id.is_empty() || token.is_empty() {
        return Err(Error::Usage("an empty MAGEID or token was entered".into()));
    }
    Ok(Credentials::new(mage_id, token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        Sources {
            mage_id_flag: None,
            token_flag: None,
            token_file: None,
            from_url: None,
            env_mage_id: None,
            env_token: None,
            netrc: None,
            interactive: false,
        }
    }

    #[test]
    fn flags_beat_env_beat_netrc_per_value() {
        let dir = tempfile::tempdir().unwrap();
        let netrc = dir.path().join("netrc");
        std::fs::write(
            &netrc,
            "machine www.magentocommerce.com login NETRCID password netrctoken\n",
        )
        .unwrap();
        let ep = Endpoint::default_endpoint();
        let mut w = vec![];
        let mut s = sources();
        s.netrc = Some(netrc.clone());
        s.env_token = Some("envtoken".into());
        let c = resolve(s, &ep, &mut w).unwrap().unwrap();
        assert_eq!(c.mage_id, "NETRCID");
        assert_eq!(c.token.expose(), "envtoken");

        let mut s = sources();
        s.netrc = Some(netrc);
        s.mage_id_flag = Some("FLAGID".into());
        s.env_mage_id = Some("ENVID".into());
        let c = resolve(s, &ep, &mut w).unwrap().unwrap();
        assert_eq!(c.mage_id, "FLAGID");
        assert_eq!(c.token.expose(), "netrctoken");
    }

    #[test]
    fn a_malformed_netrc_names_its_line_and_never_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let netrc = dir.path().join("netrc");
        std::fs::write(
            &netrc,
            "# mine\nmachine www.magentocommerce.com login NETRCID password \"s3cret\n",
        )
        .unwrap();
        let mut s = sources();
        s.netrc = Some(netrc.clone());
        let err = resolve(s, &Endpoint::default_endpoint(), &mut vec![]).unwrap_err();
        assert_eq!(err.exit().code(), 2);
        let shown = err.to_string();
        assert_eq!(
            shown,
            format!("netrc file {} is malformed (line 2)", netrc.display())
        );
    }

    #[test]
    fn an_empty_netrc_value_is_no_value_and_a_missing_file_no_entry() {
        let dir = tempfile::tempdir().unwrap();
        let netrc = dir.path().join("netrc");
        std::fs::write(
            &netrc,
            "machine www.magentocommerce.com login NETRCID password \"\"\n",
        )
        .unwrap();
        let mut s = sources();
        s.netrc = Some(netrc);
        let err = resolve(s, &Endpoint::default_endpoint(), &mut vec![]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no download token for www.magentocommerce.com"
        );

        let mut s = sources();
        s.netrc = Some(dir.path().join("absent"));
        let err = resolve(s, &Endpoint::default_endpoint(), &mut vec![]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no credentials for www.magentocommerce.com"
        );
    }

    #[test]
    fn missing_credentials_without_a_terminal_is_a_usage_error() {
        let ep = Endpoint::default_endpoint();
        let err = resolve(sources(), &ep, &mut vec![]).unwrap_err();
        assert_eq!(err.exit().code(), 2);
        let hint = err.hint().unwrap();
        for way in [
            "--mage-id",
            "--token-file",
            "MAGE_ID",
            "MAGE_TOKEN",
            "netrc",
        ] {
            assert!(hint.contains(way), "{hint}");
        }
    }

    #[test]
    fn a_mirror_needs_no_credentials() {
        let (ep, _) = Endpoint::parse("http://127.0.0.1:9/x/").unwrap();
        assert!(resolve(sources(), &ep, &mut vec![]).unwrap().is_none());
    }

    #[test]
    fn token_flag_warns() {
        let ep = Endpoint::default_endpoint();
        let mut w = vec![];
        let mut s = sources();
        s.mage_id_flag = Some("ID".into());
        s.token_flag = Some(Secret::new("tok"));
        resolve(s, &ep, &mut w).unwrap().unwrap();
        assert!(w[0].contains("process list"));
    }
}
