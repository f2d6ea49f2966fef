//! `--limit-rate`: the whole run's download rate, across every connection
//! and file, held by one token bucket. Each received chunk takes its bytes
//! from the bucket and waits for the debt to be paid, so the pace is smooth
//! (at most a quarter second of burst) and TCP's flow control slows the
//! server down.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::guard::lock;

pub struct RateLimit {
    /// Bytes per second.
    rate: u64,
    bucket: Mutex<Bucket>,
}

struct Bucket {
    /// Bytes that may pass now; negative is a debt being waited for.
    tokens: f64,
    last: Instant,
}

impl RateLimit {
    pub fn new(rate: u64) -> RateLimit {
        RateLimit::starting(rate, Instant::now())
    }

    /// An empty bucket at `now`.
    fn starting(rate: u64, now: Instant) -> RateLimit {
        RateLimit {
            rate: rate.max(1),
            bucket: Mutex::new(Bucket {
                tokens: 0.0,
                last: now,
            }),
        }
    }

    /// How long the taker of `n` bytes waits at `now`.
    fn debit(&self, n: usize, now: Instant) -> Duration {
        let rate = self.rate as f64;
        let mut b = lock(&self.bucket);
        let refill = now.duration_since(b.last).as_secs_f64() * rate;
        b.tokens = (b.tokens + refill).min(rate / 4.0);
        b.last = now;
        b.tokens -= n as f64;
        if b.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-b.tokens / rate)
        }
    }

    /// Takes `n` bytes' worth, waiting as long as the rate asks.
    pub async fn take(&self, n: usize) {
        let wait = self.debit(n, Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_holds_the_rate_with_a_small_burst() {
        let t0 = Instant::now();
        let limit = RateLimit::starting(1000, t0);
        // A quarter second of burst at most, then the debt is waited for.
        assert_eq!(limit.debit(500, t0), Duration::from_millis(500));
        let t1 = t0 + Duration::from_secs(10);
        assert_eq!(
            limit.debit(250, t1),
            Duration::ZERO,
            "a full bucket: 250 bytes"
        );
        assert_eq!(limit.debit(1000, t1), Duration::from_secs(1));
        // Two takers share one rate: 2000 bytes take two seconds.
        let t2 = t1 + Duration::from_secs(1);
        let a = limit.debit(1000, t2);
        let b = limit.debit(1000, t2);
        assert_eq!(a, Duration::from_secs(1));
        assert_eq!(b, Duration::from_secs(2));
    }
}
