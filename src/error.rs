//! The error type of the whole tool, its one mapping to the process exit
//! codes (each variant says its code), and the hint line shown under an
//! error where one helps.

use std::path::PathBuf;

/// The process exit codes: the contract scripts and cron jobs rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything asked for is present (and verified where a checksum
    /// exists), or the listing was printed.
    Ok = 0,
    /// A runtime failure: network after retries, server error, I/O.
    Failure = 1,
    /// Usage or configuration: bad flags, no credentials.
    Usage = 2,
    /// The server refused the credentials or the file (401, 403).
    Refused = 3,
    /// A checksum did not match (or none exists with --require-checksum).
    Checksum = 4,
    /// Nothing matched, or the server has no such file (404).
    NotFound = 5,
    /// Another magedl run holds the output directory.
    Busy = 6,
    /// SIGINT or SIGTERM; partial data is kept for resume.
    Interrupted = 130,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The exit of a run where files failed for different reasons: the first
    /// present in the order interrupted, 3, 4, 1, 5 (then 2, 6).
    pub fn combined(exits: impl IntoIterator<Item = Exit>) -> Exit {
        let exits: Vec<Exit> = exits.into_iter().filter(|e| *e != Exit::Ok).collect();
        const ORDER: [Exit; 7] = [
            Exit::Interrupted,
            Exit::Refused,
            Exit::Checksum,
            Exit::Failure,
            Exit::NotFound,
            Exit::Usage,
            Exit::Busy,
        ];
        ORDER
            .into_iter()
            .find(|wanted| exits.contains(wanted))
            .unwrap_or(Exit::Ok)
    }
}

/// Every failure magedl can report. Messages never contain a token: URLs are
/// rendered through `Endpoint::display` before they land here.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags or configuration: exit 2.
    #[error("{0}")]
    Usage(String),
    /// No MAGEID or token from any source: exit 2.
    #[error("no {missing} for {host}")]
    NoCredentials { host: String, missing: &'static str },
    /// HTTP 401: exit 3. `sent`: credentials went with the request.
    #[error("{} (HTTP 401) for {url}", if *.sent { "the server refused the credentials" } else { "the server asks for credentials, and none were sent" })]
    Unauthorized { url: String, sent: bool },
    /// HTTP 403: exit 3.
    #[error("access denied (HTTP 403) for {url}")]
    Forbidden { url: String },
    /// HTTP 404 or 410: exit 5.
    #[error("not found (HTTP 404): {url}")]
    NotFound { url: String },
    /// No release matches the names and filters: exit 5.
    #[error("{0}")]
    NothingMatched(String),
    /// The bytes do not hash to the expected value: exit 4.
    #[error(
        "checksum mismatch: expected {algo} {expected}, got {actual} (the download was discarded)"
    )]
    ChecksumMismatch {
        name: String,
        algo: &'static str,
        expected: String,
        actual: String,
    },
    /// `--require-checksum` and nothing to check against: exit 4.
    #[error("no expected checksum for {0} (--require-checksum)")]
    NoChecksum(String),
    /// `--extract` of a file nothing can verify: exit 4.
    #[error("refusing to extract {0}: no published checksum can verify it")]
    Unverifiable(String),
    /// Any other HTTP error status (after retries): exit 1.
    #[error("HTTP {status} from {url}")]
    Http { status: u16, url: String },
    /// The connection failed (after retries): exit 1.
    #[error("{0}")]
    Network(String),
    /// The TLS handshake failed (the certificate is not trusted): exit 1,
    /// never retried.
    #[error("{0}")]
    Tls(String),
    /// The server's answer cannot be trusted or used: exit 1.
    #[error("{0}")]
    Protocol(String),
    /// A local read or write failed: exit 1.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// Another run writes into the directory (or one holding or inside
    /// it): exit 6.
    #[error("{} is busy: another magedl run writes into it", .0.display())]
    Busy(PathBuf),
    /// SIGINT or SIGTERM: exit 130.
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// The process exit for this error.
    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage(_) | Error::NoCredentials { .. } => Exit::Usage,
            Error::Unauthorized { .. } | Error::Forbidden { .. } => Exit::Refused,
            Error::ChecksumMismatch { .. } | Error::NoChecksum(_) | Error::Unverifiable(_) => {
                Exit::Checksum
            }
            Error::NotFound { .. } | Error::NothingMatched(_) => Exit::NotFound,
            Error::Http { .. }
            | Error::Network(_)
            | Error::Tls(_)
            | Error::Protocol(_)
            | Error::Io { .. } => Exit::Failure,
            Error::Busy(_) => Exit::Busy,
            Error::Interrupted => Exit::Interrupted,
        }
    }

    /// A second line telling the user what to do, where one helps.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::NoCredentials { host, .. } => Some(format!(
                "give --mage-id with --token-file PATH (or --token), set MAGE_ID and MAGE_TOKEN, \
                 or add `machine {host} login MAGEID password TOKEN` to ~/.netrc (or $NETRC)"
            )),
            Error::Unauthorized { sent: true, .. } => Some(
                "check the MAGEID and the download access token (Magento account > My Downloads \
                 Access Token); a regenerated token replaces the old one"
                    .into(),
            ),
            Error::Unauthorized { sent: false, .. } => Some(
                "give --mage-id with --token-file PATH, set MAGE_ID and MAGE_TOKEN, or add the \
                 endpoint's host to ~/.netrc (a mirror needs them only if it asks)"
                    .into(),
            ),
            Error::Forbidden { .. } => Some(
                "the account may lack access to this edition, have an outstanding invoice, or \
                 not be the primary contact's MAGEID"
                    .into(),
            ),
            Error::Tls(_) => Some(
                "if the server is right, trust its CA with --cacert FILE (or SSL_CERT_FILE / \
                 SSL_CERT_DIR); --insecure turns the checks off"
                    .into(),
            ),
            Error::NothingMatched(_) => Some("`magedl list` shows what the catalog holds".into()),
            Error::Busy(_) => Some("wait for the other run, or pass --wait".into()),
            Error::Unverifiable(_) => Some(
                "give its checksum (--sha256/--md5/--checksums), or pass --no-verify to extract \
                 it anyway"
                    .into(),
            ),
            Error::Interrupted => {
                Some("partial data is kept: run the same command again to resume".into())
            }
            _ => None,
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_exit_follows_the_documented_order() {
        use Exit::*;
        assert_eq!(Exit::combined([NotFound, Failure, Checksum]), Checksum);
        assert_eq!(Exit::combined([NotFound, Refused, Checksum]), Refused);
        assert_eq!(Exit::combined([NotFound, Failure]), Failure);
        assert_eq!(Exit::combined([NotFound]), NotFound);
        assert_eq!(Exit::combined([Ok, Ok]), Ok);
        assert_eq!(Exit::combined([Failure, Interrupted]), Interrupted);
    }

    #[test]
    fn codes_are_the_documented_numbers() {
        let codes: Vec<i32> = [
            Exit::Ok,
            Exit::Failure,
            Exit::Usage,
            Exit::Refused,
            Exit::Checksum,
            Exit::NotFound,
            Exit::Busy,
            Exit::Interrupted,
        ]
        .map(Exit::code)
        .into();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 130]);
    }
}
