//! The error type of the whole tool, with one exhaustive mapping to the exit codes
//! of SPEC.md and the hint line shown under the error where one helps.

use std::path::PathBuf;

/// Every failure magedl can report. Messages never contain a token: URLs are
/// rendered through `Endpoint::display` before they land here.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    #[error("no {missing} for {host}")]
    NoCredentials { host: String, missing: &'static str },
    #[error("the server refused the credentials (HTTP 401) for {url}")]
    Unauthorized { url: String },
    #[error("access denied (HTTP 403) for {url}")]
    Forbidden { url: String },
    #[error("not found (HTTP 404): {url}")]
    NotFound { url: String },
    #[error("{0}")]
    NothingMatched(String),
    #[error(
        "checksum mismatch: expected {algo} {expected}, got {actual} (the download was discarded)"
    )]
    ChecksumMismatch {
        name: String,
        algo: &'static str,
        expected: String,
        actual: String,
    },
    #[error("no expected checksum for {0} (--require-checksum)")]
    NoChecksum(String),
    #[error("HTTP {status} from {url}")]
    Http { status: u16, url: String },
    #[error("{0}")]
    Network(String),
    #[error("{0}")]
    Protocol(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is busy: another magedl run holds its lock", .0.display())]
    Busy(PathBuf),
    #[error("interrupted")]
    Interrupted,
    #[error("{count} of {total} files failed")]
    Several {
        count: usize,
        total: usize,
        code: i32,
    },
}

impl Error {
    /// The process exit code for this error (SPEC.md "Exit codes").
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::NoCredentials { .. } => 2,
            Error::Unauthorized { .. } | Error::Forbidden { .. } => 3,
            Error::ChecksumMismatch { .. } | Error::NoChecksum(_) => 4,
            Error::NotFound { .. } | Error::NothingMatched(_) => 5,
            Error::Http { .. } | Error::Network(_) | Error::Protocol(_) | Error::Io { .. } => 1,
            Error::Busy(_) => 6,
            Error::Interrupted => 130,
            Error::Several { code, .. } => *code,
        }
    }

    /// A second line telling the user what to do, where one helps.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::NoCredentials { host, .. } => Some(format!(
                "give --mage-id with --token-file PATH (or --token), set MAGE_ID and MAGE_TOKEN, \
                 or add `machine {host} login MAGEID password TOKEN` to ~/.netrc (or $NETRC)"
            )),
            Error::Unauthorized { .. } => Some(
                "check the MAGEID and the download access token (Magento account > My Downloads \
                 Access Token); a regenerated token replaces the old one"
                    .into(),
            ),
            Error::Forbidden { .. } => Some(
                "the account may lack access to this edition, have an outstanding invoice, or \
                 not be the primary contact's MAGEID"
                    .into(),
            ),
            Error::NothingMatched(_) => Some("`magedl list` shows what the catalog holds".into()),
            Error::Busy(_) => Some("wait for the other run, or pass --wait".into()),
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

/// Picks the exit code of a run where several files failed: the first present
/// in the order 3, 4, 1, 5 (SPEC.md).
pub fn combined_exit_code(codes: impl IntoIterator<Item = i32>) -> i32 {
    let codes: Vec<i32> = codes.into_iter().collect();
    for wanted in [130, 3, 4, 1, 5, 2, 6] {
        if codes.contains(&wanted) {
            return wanted;
        }
    }
    codes.first().copied().unwrap_or(1)
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_code_follows_the_spec_order() {
        assert_eq!(combined_exit_code([5, 1, 4]), 4);
        assert_eq!(combined_exit_code([5, 3, 4]), 3);
        assert_eq!(combined_exit_code([5, 1]), 1);
        assert_eq!(combined_exit_code([5]), 5);
    }
}
