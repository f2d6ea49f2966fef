//! When a failed attempt is worth repeating, and how long to wait first.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::{Error, Result};

/// What went wrong with one attempt, and whether another is worth making.
#[derive(Debug)]
pub enum Failure {
    /// Connection reset, stall, truncated body, 408, 429, 5xx.
    Transient {
        error: Error,
        retry_after: Option<Duration>,
    },
    /// Anything that another attempt cannot fix (401, 403, 404, bad input).
    Fatal(Error),
}

impl Failure {
    pub fn into_error(self) -> Error {
        match self {
            Failure::Transient { error, .. } | Failure::Fatal(error) => error,
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::Fatal(error)
    }
}

/// Sleeps before a retry, cut short by Ctrl-C / SIGTERM.
pub async fn pause(wait: Duration) -> Result<()> {
    tokio::select! {
        biased;
        () = crate::cancel::cancelled() => Err(Error::Interrupted),
        () = tokio::time::sleep(wait) => Ok(()),
    }
}

/// Exponential backoff with full jitter (250 ms · 2ⁿ, capped at 30 s); a
/// server's `Retry-After` wins when present (capped at 5 minutes).
pub fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(Duration::from_secs(300));
    }
    let cap = Duration::from_millis(250)
        .saturating_mul(1u32 << attempt.min(7))
        .min(Duration::from_secs(30));
    let millis = cap.as_millis() as u64;
    Duration::from_millis(millis / 2 + fastrand::u64(0..=millis / 2))
}

pub fn is_transient_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

/// `Retry-After` in seconds (the HTTP-date form is rare and ignored).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?;
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_honours_retry_after() {
        assert!(backoff(0, None) <= Duration::from_millis(250));
        assert!(backoff(3, None) >= Duration::from_millis(1000));
        assert!(backoff(20, None) <= Duration::from_secs(30));
        assert_eq!(
            backoff(0, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn transient_statuses() {
        assert!(is_transient_status(StatusCode::from_u16(503).unwrap()));
        assert!(is_transient_status(StatusCode::from_u16(429).unwrap()));
        assert!(!is_transient_status(StatusCode::from_u16(401).unwrap()));
    }
}
