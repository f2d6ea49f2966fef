//! Pure URL building for the downloads endpoint: the base URL, info and file
//! paths with proper percent-encoding, origins, and URLs as they may be shown.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

use crate::error::{Error, Result};
use crate::secret::{Credentials, Secret};

pub const DEFAULT_ENDPOINT: &str = "https://www.magentocommerce.com/products/downloads/";

/// Everything but RFC 3986 unreserved characters is encoded in a path segment,
/// so `+`, `%`, `#`, `?`, `@`, `:` and spaces in file names reach the server as
/// data, never as syntax.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Filter values keep `*` readable: it is a sub-delimiter, legal in a path.
const FILTER_SEGMENT: &AsciiSet = &SEGMENT.remove(b'*');

/// The downloads endpoint: a base URL without userinfo that ends with `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    base: Url,
    is_default: bool,
}

impl Endpoint {
    /// Parses `--endpoint`/`MAGEDL_ENDPOINT`. Userinfo pasted into the URL is
    /// split off and returned as credentials so it can never be shown.
    pub fn parse(text: &str) -> Result<(Endpoint, Option<Credentials>)> {
        let mut url = Url::parse(text.trim()).map_err(|e| {
            Error::Usage(format!(
                "invalid endpoint URL: {e} (expected e.g. {DEFAULT_ENDPOINT})"
            ))
        })?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(Error::Usage(format!(
                "invalid endpoint URL: scheme `{}` is not http or https",
                url.scheme()
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(Error::Usage("invalid endpoint URL: no host".into()));
        }
        let creds = take_userinfo(&mut url);
        url.set_query(None);
        url.set_fragment(None);
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        let is_default = url.as_str() == DEFAULT_ENDPOINT;
        Ok((
            Endpoint {
                base: url,
                is_default,
            },
            creds,
        ))
    }

    #[cfg(test)]
    pub fn default_endpoint() -> Endpoint {
        Endpoint::parse(DEFAULT_ENDPOINT)
            .expect("the default endpoint parses")
            .0
    }

    /// True for the real Magento endpoint, where credentials are mandatory.
    pub fn is_default(&self) -> bool {
        self.is_default
    }

    pub fn host(&self) -> String {
        self.base.host_str().unwrap_or_default().to_string()
    }

    /// Credentials may travel only over https, or plain http to loopback.
    pub fn may_carry_credentials(&self) -> bool {
        self.base.scheme() == "https" || is_loopback(&self.base)
    }

    /// True when `url` has the endpoint's scheme, host and port.
    pub fn same_origin(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// The URL of a user-given path such as `info/help` or `file/NAME`.
    pub fn path_url(&self, path: &str) -> Url {
        let path = path.trim_start_matches('/');
        match path.strip_prefix("file/") {
            Some(name) => self.file_url(name),
            None => self.join_segments(path.split('/').filter(|s| !s.is_empty()), FILTER_SEGMENT),
        }
    }

    /// `info/<parts...>`; the parts are percent-encoded (a `*` stays readable).
    pub fn info_url(&self, parts: &[&str]) -> Url {
        let segments = std::iter::once("info").chain(parts.iter().copied());
        self.join_segments(segments, FILTER_SEGMENT)
    }

    /// `file/<name>`. A `/` in a catalog name stays a path separator; every
    /// other reserved character is encoded (`+` becomes `%2B`).
    pub fn file_url(&self, name: &str) -> Url {
        self.join_segments(std::iter::once("file").chain(name.split('/')), SEGMENT)
    }

    fn join_segments<'a>(
        &self,
        segments: impl Iterator<Item = &'a str>,
        set: &'static AsciiSet,
    ) -> Url {
        let mut path = self.base.path().to_string();
        let mut first = true;
        for segment in segments {
            if !first {
                path.push('/');
            }
            first = false;
            path.extend(utf8_percent_encode(segment, set));
        }
        let mut url = self.base.clone();
        url.set_path(&path);
        url
    }

    /// A URL as it may be shown: `https://MAGEID:***@host/...`, or with the
    /// real token only when `show_token` (the `url --show-token` command).
    pub fn display(&self, url: &Url, creds: Option<&Credentials>, show_token: bool) -> String {
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        let Some(creds) = creds else {
            return shown.to_string();
        };
        let user = utf8_percent_encode(&creds.mage_id, SEGMENT).to_string();
        let pass = if show_token {
            utf8_percent_encode(creds.token.expose(), SEGMENT).to_string()
        } else {
            "***".to_string()
        };
        let text = shown.to_string();
        match text.split_once("://") {
            Some((scheme, rest)) => format!("{scheme}://{user}:{pass}@{rest}"),
            None => text,
        }
    }

    /// A URL with any userinfo and query removed, safe for messages.
    pub fn redact(url: &Url) -> String {
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        shown.set_query(None);
        shown.to_string()
    }
}

fn take_userinfo(url: &mut Url) -> Option<Credentials> {
    let user = percent_encoding::percent_decode_str(url.username())
        .decode_utf8_lossy()
        .into_owned();
    let pass = url.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    let _ = url.set_username("");
    let _ = url.set_password(None);
    match pass {
        Some(pass) if !user.is_empty() => Some(Credentials::new(user, Secret::new(pass))),
        _ => None,
    }
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(s: &str) -> Endpoint {
        Endpoint::parse(s).unwrap().0
    }

    #[test]
    fn default_endpoint_is_recognised() {
        assert!(Endpoint::default_endpoint().is_default());
        assert!(!ep("https://mirror.example/products/downloads/").is_default());
    }

    #[test]
    fn base_gets_a_trailing_slash() {
        let e = ep("http://127.0.0.1:8080/products/downloads");
        assert_eq!(
            e.info_url(&["help"]).as_str(),
            "http://127.0.0.1:8080/products/downloads/info/help"
        );
    }

    #[test]
    fn file_names_are_percent_encoded() {
        let e = Endpoint::default_endpoint();
        assert_eq!(
            e.file_url("Magento-CE-2.0.2+sample_data.zip").as_str(),
            "https://www.magentocommerce.com/products/downloads/file/Magento-CE-2.0.2%2Bsample_data.zip"
        );
        assert_eq!(
            e.file_url("a b%#?@:c").path(),
            "/products/downloads/file/a%20b%25%23%3F%40%3Ac"
        );
        assert_eq!(
            e.file_url("dir/x y").path(),
            "/products/downloads/file/dir/x%20y"
        );
    }

    #[test]
    fn filter_values_keep_the_wildcard() {
        let e = Endpoint::default_endpoint();
        assert_eq!(
            e.info_url(&["filter", "version", "2.4.*"]).path(),
            "/products/downloads/info/filter/version/2.4.*"
        );
        assert_eq!(
            e.path_url("file/a+b").path(),
            "/products/downloads/file/a%2Bb"
        );
    }

    #[test]
    fn pasted_userinfo_becomes_credentials_and_is_never_shown() {
        let (e, creds) = Endpoint::parse(
            "https://MAG123:s%23cret-tok@www.magentocommerce.com/products/downloads/",
        )
        .unwrap();
        let creds = creds.unwrap();
        assert_eq!(creds.mage_id, "MAG123");
        assert_eq!(creds.token.expose(), "s#cret-tok");
        assert!(e.is_default());
        let shown = e.display(&e.info_url(&["help"]), Some(&creds), false);
        assert_eq!(
            shown,
            "https://MAG123:***@www.magentocommerce.com/products/downloads/info/help"
        );
        let real = e.display(&e.info_url(&["help"]), Some(&creds), true);
        assert!(real.contains("MAG123:s%23cret-tok@"));
    }

    #[test]
    fn credentials_only_over_https_or_loopback() {
        assert!(ep("https://x.example/").may_carry_credentials());
        assert!(ep("http://127.0.0.1:1/").may_carry_credentials());
        assert!(ep("http://localhost:1/").may_carry_credentials());
        assert!(!ep("http://mirror.example/").may_carry_credentials());
    }

    #[test]
    fn bad_endpoints_are_usage_errors() {
        for bad in ["ftp://x/", "not a url", "file:///tmp/x"] {
            assert_eq!(Endpoint::parse(bad).unwrap_err().exit().code(), 2, "{bad}");
        }
    }
}
