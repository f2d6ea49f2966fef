//! When a failed attempt is worth repeating, and how long to wait first.

use std::time::{Duration, SystemTime};

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

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::Fatal(error)
    }
}

/// The retries one operation may still make. Each transient failure spends
/// one and is followed by a [`backoff`] wait; once `limit` are spent, the
/// failure stands. The client's requests and a download's segments both
/// count their attempts with it, so `--retries` means the same everywhere.
#[derive(Clone, Debug)]
pub struct Budget {
    tries: u32,
    limit: u32,
}

impl Budget {
    /// A budget of `limit` retries (after the first attempt).
    pub fn new(limit: u32) -> Budget {
        Budget { tries: 0, limit }
    }

    /// Spends one retry and returns how long to wait before it (the
    /// server's `retry_after` wins), or `None` once the budget is spent.
    pub fn spend(&mut self, retry_after: Option<Duration>) -> Option<Duration> {
        if self.tries >= self.limit {
            return None;
        }
        let wait = backoff(self.tries, retry_after);
        self.tries += 1;
        Some(wait)
    }

    /// The retry last spent (1 for the first), and how many may be.
    pub fn spent(&self) -> (u32, u32) {
        (self.tries, self.limit)
    }

    /// The attempt made progress (bytes arrived): the budget is for
    /// attempts that get nowhere, so it starts over.
    pub fn reset(&mut self) {
        self.tries = 0;
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

/// The wait a response's `Retry-After` asks for, in either of its forms
/// (RFC 9110 §10.2.3): delta-seconds (`120`), or an HTTP date
/// (`Wed, 21 Oct 2026 07:28:00 GMT`) taken as the time from now until then.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(text, SystemTime::now())
}

/// `Retry-After` as read at `now`: a date already past means no wait;
/// anything that is neither form is ignored.
fn parse_retry_after(text: &str, now: SystemTime) -> Option<Duration> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // Also takes the obsolete RFC 850 and asctime forms, which recipients
    // must accept.
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
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
    fn a_budget_allows_its_limit_of_retries_then_gives_up() {
        let mut budget = Budget::new(2);
        assert!(budget.spend(None).is_some());
        assert!(budget.spend(None).is_some());
        assert_eq!(budget.spend(None), None);
        assert_eq!(Budget::new(0).spend(None), None);
    }

    #[test]
    fn a_budget_reset_by_progress_starts_over() {
        let mut budget = Budget::new(1);
        assert!(budget.spend(None).is_some());
        assert_eq!(budget.spend(None), None);
        budget.reset();
        // Back to the first, shortest backoff step, and a full budget.
        assert!(
            budget
                .spend(None)
                .is_some_and(|w| w <= Duration::from_millis(250))
        );
        assert_eq!(budget.spend(None), None);
    }

    #[test]
    fn a_budget_waits_as_the_server_asks() {
        let mut budget = Budget::new(3);
        let asked = Some(Duration::from_secs(7));
        assert_eq!(budget.spend(asked), Some(Duration::from_secs(7)));
    }

    #[test]
    fn backoff_caps_the_servers_wait_at_five_minutes() {
        let hour = Some(Duration::from_secs(3600));
        assert_eq!(backoff(0, hour), Duration::from_secs(300));
        assert_eq!(Budget::new(1).spend(hour), Some(Duration::from_secs(300)));
    }

    /// 2026-10-21 07:28:00 UTC.
    fn oct_21_2026() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_792_567_680)
    }

    #[test]
    fn retry_after_in_seconds() {
        let now = oct_21_2026();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_as_a_future_date_is_the_time_until_it() {
        let now = oct_21_2026() - Duration::from_secs(90);
        let ninety = Some(Duration::from_secs(90));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", now),
            ninety
        );
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-26 07:28:00 GMT", now),
            ninety
        );
        assert_eq!(parse_retry_after("Wed Oct 21 07:28:00 2026", now), ninety);
    }

    #[test]
    fn retry_after_as_a_past_date_is_no_wait() {
        let now = oct_21_2026() + Duration::from_secs(3600);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_that_is_neither_form_is_ignored() {
        let now = oct_21_2026();
        for junk in [
            "",
            "soon",
            "-5",
            "1.5",
            "120s",
            "Wed, 32 Oct 2026 07:28:00 GMT",
        ] {
            assert_eq!(parse_retry_after(junk, now), None, "{junk:?}");
        }
    }

    #[test]
    fn retry_after_is_read_from_the_headers() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, value.parse().unwrap());
            retry_after(&headers)
        };
        assert_eq!(retry_after(&HeaderMap::new()), None);
        assert_eq!(with("30"), Some(Duration::from_secs(30)));
        // A date two minutes ahead (dates have whole seconds).
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let wait = with(&date).expect("a date is understood");
        assert!(
            wait > Duration::from_secs(115) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
    }

    #[test]
    fn transient_statuses() {
        assert!(is_transient_status(StatusCode::from_u16(503).unwrap()));
        assert!(is_transient_status(StatusCode::from_u16(429).unwrap()));
        assert!(!is_transient_status(StatusCode::from_u16(401).unwrap()));
    }
}
