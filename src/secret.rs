//! Secrets that cannot be printed by accident, and a last-line scrubber that
//! removes every known encoding of the token from text about to be shown.

use std::fmt;
use std::sync::{Mutex, OnceLock};

use base64::Engine;

/// A download token. `Debug` and `Display` print `***`; the value is only
/// reachable through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        let secret = Secret(value.into());
        register(&secret.0);
        secret
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// MAGEID and token, as sent in HTTP Basic auth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub mage_id: String,
    pub token: Secret,
}

impl Credentials {
    pub fn new(mage_id: impl Into<String>, token: Secret) -> Credentials {
        let creds = Credentials {
            mage_id: mage_id.into(),
            token,
        };
        register(&creds.basic_value());
        creds
    }

    /// The base64 part of an `Authorization: Basic` header.
    pub fn basic_value(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            self.mage_id,
            self.token.expose()
        ))
    }
}

fn registry() -> &'static Mutex<Vec<String>> {
    static KNOWN: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    KNOWN.get_or_init(|| Mutex::new(Vec::new()))
}

/// Remembers a secret value (and its percent-encoded form) so that [`scrub`]
/// can remove it from any text shown to the user.
fn register(value: &str) {
    if value.len() < 4 {
        return; // too short to scrub without mangling ordinary text
    }
    let encoded = percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let mut known = registry().lock().unwrap_or_else(|e| e.into_inner());
    for v in [value.to_string(), encoded] {
        if !known.contains(&v) {
            known.push(v);
        }
    }
    // Longest first, so that a value containing another is replaced whole.
    known.sort_by_key(|v| std::cmp::Reverse(v.len()));
}

/// Replaces every registered secret in `text` with `***`. Used on every error
/// message and log line as a last defence; the code paths themselves never
/// format a token in the first place.
pub fn scrub(text: &str) -> String {
    let known = registry().lock().unwrap_or_else(|e| e.into_inner());
    let mut out = text.to_string();
    for secret in known.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_token() {
        let creds = Credentials::new("MAG1", Secret::new("tok-en-value-xyz"));
        let shown = format!("{creds:?} {} {:?}", creds.token, creds.token);
        assert!(!shown.contains("tok-en-value-xyz"), "{shown}");
        assert!(shown.contains("MAG1"));
    }

    #[test]
    fn scrub_removes_raw_percent_and_basic_forms() {
        let creds = Credentials::new("MAG2", Secret::new("a#b@c:d/e%f"));
        let basic = creds.basic_value();
        let text = format!("x a#b@c:d/e%f y a%23b%40c%3Ad%2Fe%25f z {basic}");
        let clean = scrub(&text);
        assert!(!clean.contains("a#b@c:d/e%f"));
        assert!(!clean.contains("a%23b%40c%3Ad%2Fe%25f"));
        assert!(!clean.contains(&basic));
    }
}
