//! Talking to the endpoint over HTTP: one pooled client per run with its
//! proxy, timeouts and TLS roots; redirects followed by hand so that
//! credentials only ever reach the endpoint's own origin; status codes mapped
//! once into typed errors; and the retry policy that every request shares.
//!
//! The client, its redirects and its status mapping live here; `tls` builds
//! the rustls configuration (system roots, `--cacert`, `--insecure`), and
//! `retry` decides which failures are worth another attempt and how long to
//! wait before it.

mod proxy;
mod retry;
mod tls;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, LOCATION};
use reqwest::{Method, Response, StatusCode};
use url::Url;

use crate::endpoint::Endpoint;
use crate::error::{Error, Result};
use crate::events::Events;
use crate::secret::{Credentials, scrub};

pub use retry::{Budget, Failure, backoff, is_transient_status, pause, retry_after};

const MAX_REDIRECTS: usize = 10;

/// The most an `info/...` answer may hold: the real catalog is well under
/// a megabyte.
pub const SMALL_LIMIT: usize = 32 << 20;

/// Network settings from the command line (no `Debug`: the proxy URL may
/// hold a password).
#[derive(Clone)]
pub struct ClientOptions {
    pub cacert: Option<PathBuf>,
    pub insecure: bool,
    pub proxy: Option<String>,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub retries: u32,
    /// `-v`: one trace line per request and response.
    pub verbose: bool,
}

/// One shared client per run; connections are pooled and reused.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    creds: Option<Credentials>,
    pub options: ClientOptions,
    /// Where `-v` traces go.
    events: Arc<dyn Events>,
}

impl Client {
    pub fn new(
        endpoint: Endpoint,
        creds: Option<Credentials>,
        options: ClientOptions,
        events: Arc<dyn Events>,
    ) -> Result<Client> {
        let tls = tls::config(options.cacert.as_deref(), options.insecure)?;
        let mut builder = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .user_agent(concat!("magedl/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.read_timeout)
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true);
        if let Some(proxy) = &options.proxy {
            let valid = Url::parse(proxy).is_ok_and(|u| {
                ["http", "https"].contains(&u.scheme())
                    && u.host_str().is_some_and(|h| !h.is_empty())
            });
            if !valid {
                return Err(Error::Usage(
                    "invalid --proxy URL (expected e.g. http://proxy.example:3128)".into(),
                ));
            }
            let proxy = reqwest::Proxy::all(proxy.as_str())
                .map_err(|_| Error::Usage("invalid --proxy URL".into()))?;
            builder = builder.proxy(proxy);
        }
        let http = builder.build().map_err(|e| {
            Error::Usage(format!("cannot set up the HTTP client: {}", describe(&e)))
        })?;
        Ok(Client {
            http,
            endpoint,
            creds,
            options,
            events,
        })
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// A URL as it may appear in messages.
    pub fn shown(&self, url: &Url) -> String {
        if self.endpoint.same_origin(url) {
            self.endpoint.display(url, self.creds.as_ref(), false)
        } else {
            Endpoint::redact(url)
        }
    }

    /// Sends a request and follows redirects itself: Basic auth is attached
    /// only while the URL has the endpoint's origin (scheme, host, port), an
    /// https → http hop is refused, and the other headers (Range, If-Range)
    /// travel on. Returns the final response, whatever its status.
    pub async fn send(
        &self,
        method: Method,
        url: &Url,
        headers: &HeaderMap,
    ) -> Result<Response, Failure> {
        let mut url = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            if let Some(auth) = self.auth_for(&url) {
                req = req.header(AUTHORIZATION, auth);
            }
            if self.options.verbose {
                self.trace_request(&method, &url, headers);
            }
            let resp = tokio::select! {
                biased;
                () = crate::cancel::cancelled() => return Err(Failure::Fatal(Error::Interrupted)),
                resp = req.send() => resp.map_err(|e| self.transport_failure(&url, &e))?,
            };
            if self.options.verbose {
                self.trace_response(&resp);
            }
            if !resp.status().is_redirection() || resp.status() == StatusCode::NOT_MODIFIED {
                return Ok(resp);
            }
            url = self.redirect_target(&url, &resp)?;
        }
        Err(Failure::Fatal(Error::Protocol(format!(
            "more than {MAX_REDIRECTS} redirects from {}",
            self.shown(&url)
        ))))
    }

    fn trace_request(&self, method: &Method, url: &Url, headers: &HeaderMap) {
        let mut line = format!("> {method} {}", self.shown(url));
        for name in [reqwest::header::RANGE, reqwest::header::IF_RANGE] {
            if let Some(v) = headers.get(&name).and_then(|v| v.to_str().ok()) {
                line.push_str(&format!(" {name}: {v}"));
            }
        }
        if self.auth_for(url).is_some() {
            line.push_str(" (authorization: basic ***)");
        }
        self.events
            .trace(&format!("magedl: {}", scrub(&crate::text::escape(&line))));
    }

    fn trace_response(&self, resp: &Response) {
        let mut line = format!("< {}", resp.status().as_u16());
        for name in [
            reqwest::header::CONTENT_LENGTH,
            reqwest::header::CONTENT_RANGE,
            reqwest::header::ACCEPT_RANGES,
            reqwest::header::ETAG,
            reqwest::header::LAST_MODIFIED,
            reqwest::header::RETRY_AFTER,
        ] {
            if let Some(v) = resp.headers().get(&name).and_then(|v| v.to_str().ok()) {
                line.push_str(&format!(" {name}: {v}"));
            }
        }
        if resp.headers().contains_key(LOCATION) {
            line.push_str(" location: (redirect)");
        }
        self.events
            .trace(&format!("magedl: {}", scrub(&crate::text::escape(&line))));
    }

    fn auth_for(&self, url: &Url) -> Option<HeaderValue> {
        let creds = self.creds.as_ref()?;
        if !self.endpoint.same_origin(url) || !self.endpoint.may_carry_credentials() {
            return None;
        }
        let mut value = HeaderValue::from_str(&format!("Basic {}", creds.basic_value())).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    fn redirect_target(&self, from: &Url, resp: &Response) -> Result<Url, Failure> {
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                Error::Protocol(format!(
                    "redirect without a Location from {}",
                    self.shown(from)
                ))
            })?;
        let next = from.join(location).map_err(|_| {
            Error::Protocol(format!(
                "redirect to an invalid URL from {}",
                self.shown(from)
            ))
        })?;
        if next.scheme() != "https" && next.scheme() != "http" {
            return Err(Error::Protocol(format!(
                "refusing a redirect to a {} URL from {}",
                next.scheme(),
                self.shown(from)
            ))
            .into());
        }
        if from.scheme() == "https" && next.scheme() == "http" {
            return Err(Error::Protocol(format!(
                "refusing a redirect from https to plain http ({})",
                Endpoint::redact(&next)
            ))
            .into());
        }
        Ok(next)
    }

    fn transport_failure(&self, url: &Url, e: &reqwest::Error) -> Failure {
        let mut text = format!("{}: {}", self.shown(url), describe(e));
        if tls::is_tls_failure(e) {
            return Failure::Fatal(Error::Tls(text));
        }
        if e.is_connect()
            && let Some(via) = proxy::for_url(self.options.proxy.as_deref(), url)
        {
            text = format!(
                "{}: cannot get through the proxy {via}: {}",
                self.shown(url),
                describe(e)
            );
        }
        Failure::Transient {
            error: Error::Network(text),
            retry_after: None,
        }
    }

    /// Maps a non-success status to a failure; `Ok(())` for 2xx.
    pub fn check_status(&self, url: &Url, resp: &Response) -> Result<(), Failure> {
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let shown = self.shown(url);
        let error = match status_error(status, shown) {
            Error::Unauthorized { url: shown, .. } => Error::Unauthorized {
                url: shown,
                sent: self.auth_for(url).is_some(),
            },
            other => other,
        };
        if is_transient_status(status) {
            Err(Failure::Transient {
                error,
                retry_after: retry_after(resp.headers()),
            })
        } else {
            Err(Failure::Fatal(error))
        }
    }

    /// GET of a small text resource (an `info/...` answer), with retries.
    pub async fn get_text(&self, url: &Url) -> Result<String> {
        let bytes = self.get_small(url).await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// GET of a small body held in memory (listings; never archives), at
    /// most [`SMALL_LIMIT`] bytes: an endless answer is an error, not a
    /// full memory.
    pub async fn get_small(&self, url: &Url) -> Result<Vec<u8>> {
        self.retrying(None, || async {
            let mut resp = self.send(Method::GET, url, &HeaderMap::new()).await?;
            self.check_status(url, &resp)?;
            let too_big = || {
                Failure::Fatal(Error::Protocol(format!(
                    "the answer of {} is larger than {} (the limit for info answers)",
                    self.shown(url),
                    crate::text::human_bytes(SMALL_LIMIT as u64)
                )))
            };
            if resp
                .content_length()
                .is_some_and(|n| n > SMALL_LIMIT as u64)
            {
                return Err(too_big());
            }
            let mut body = Vec::new();
            while let Some(chunk) = resp
                .chunk()
                .await
                .map_err(|e| self.transport_failure(url, &e))?
            {
                if body.len() + chunk.len() > SMALL_LIMIT {
                    return Err(too_big());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        })
        .await
    }

    /// Runs `attempt` until it succeeds, fails fatally, or the retries run out.
    /// Every retry is announced (for the file `id`, when the request is
    /// one's).
    pub async fn retrying<T, F, Fut>(&self, id: Option<usize>, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, Failure>>,
    {
        let mut budget = self.retry_budget();
        loop {
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Transient { error, retry_after }) => {
                    let Some(wait) = budget.spend(retry_after) else {
                        return Err(error);
                    };
                    let (n, of) = budget.spent();
                    self.events.retry(id, n, of, wait, &error.to_string());
                    pause(wait).await?;
                }
            }
        }
    }

    /// A fresh budget of `--retries` for one operation.
    pub fn retry_budget(&self) -> Budget {
        Budget::new(self.options.retries)
    }
}

/// The typed error for an HTTP status (401/403 → 3, 404 → 5, others → 1).
pub fn status_error(status: StatusCode, url: String) -> Error {
    match status {
        StatusCode::UNAUTHORIZED => Error::Unauthorized { url, sent: true },
        StatusCode::FORBIDDEN => Error::Forbidden { url },
        StatusCode::NOT_FOUND | StatusCode::GONE => Error::NotFound { url },
        other => Error::Http {
            status: other.as_u16(),
            url,
        },
    }
}

/// A reqwest error described without its URL (which could carry a signed
/// query) and with its causes, scrubbed of any registered secret.
pub fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else if e.is_body() || e.is_decode() {
        "the connection broke during the body".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    let mut seen = Vec::new();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !seen.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
            seen.push(line);
        }
        source = cause.source();
    }
    scrub(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_exit_codes() {
        let code = |s: u16| {
            status_error(StatusCode::from_u16(s).unwrap(), String::new())
                .exit()
                .code()
        };
        assert_eq!(code(401), 3);
        assert_eq!(code(403), 3);
        assert_eq!(code(404), 5);
        assert_eq!(code(500), 1);
    }
}
