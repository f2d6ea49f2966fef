//! Pure checks of a file answer's headers: its length, whether ranges are
//! offered, its validators (ETag, Last-Modified), its content coding, and
//! whether a 206 is exactly the range asked for. Nothing here does I/O.

use reqwest::header::{
    ACCEPT_RANGES, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, ETAG, HeaderMap, HeaderName,
    LAST_MODIFIED,
};

use super::plan::Span;

fn header(headers: &HeaderMap, name: HeaderName) -> Option<&str> {
    headers.get(name)?.to_str().ok()
}

/// `Content-Length`, when present and a number.
pub fn content_length(headers: &HeaderMap) -> Option<u64> {
    header(headers, CONTENT_LENGTH)?.trim().parse().ok()
}

/// `Accept-Ranges: bytes`.
pub fn accepts_ranges(headers: &HeaderMap) -> bool {
    header(headers, ACCEPT_RANGES).is_some_and(|v| v.trim().eq_ignore_ascii_case("bytes"))
}

/// What identifies one version of the remote file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn of(headers: &HeaderMap) -> Validators {
        Validators {
            etag: header(headers, ETAG).map(str::to_string),
            last_modified: header(headers, LAST_MODIFIED).map(str::to_string),
        }
    }

    /// Whether there is anything to prove a later range comes from the same
    /// file.
    pub fn any(&self) -> bool {
        self.etag.is_some() || self.last_modified.is_some()
    }

    /// The validator for `If-Range`: a strong ETag, else Last-Modified.
    pub fn if_range(&self) -> Option<&str> {
        match &self.etag {
            Some(tag) if !tag.starts_with("W/") => Some(tag),
            _ => self.last_modified.as_deref(),
        }
    }
}

/// Parses `bytes START-END/TOTAL` (RFC 9110 §14.4); `*` totals and
/// inverted or out-of-bounds ranges are refused.
pub fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let (start, end, total) = (start.parse().ok()?, end.parse().ok()?, total.parse().ok()?);
    (start <= end && end < total).then_some((start, end, total))
}

/// A 206 counts only when its Content-Range is exactly the span asked for,
/// with the known total: a cache that aligns ranges to blocks, or a server
/// that clamps them, must not put bytes at the wrong offset.
pub fn range_matches(headers: &HeaderMap, span: &Span, size: u64) -> bool {
    header(headers, CONTENT_RANGE)
        .and_then(parse_content_range)
        .is_some_and(|(s, e, t)| s == span.start && e + 1 == span.end && t == size)
}

/// Whether an answer comes from the same version of the file as `saved`:
/// every validator the record holds must be sent again, unchanged. Servers
/// exist that ignore `If-Range` and answer a range of the new content.
pub fn same_version(headers: &HeaderMap, saved: &Validators) -> bool {
    let now = Validators::of(headers);
    (saved.etag.is_none() || now.etag == saved.etag)
        && (saved.last_modified.is_none() || now.last_modified == saved.last_modified)
}

/// The file was asked for without compression (`Accept-Encoding:
/// identity`), and its bytes are never decoded: what is on disk and hashed
/// is the raw answer. Some servers label it anyway — Apache's common
/// `AddEncoding x-gzip .gz` marks every `.tar.gz` as `Content-Encoding:
/// x-gzip` — so a labelled answer is kept when a checksum will judge it, or
/// when the name itself says gzip; else it is refused (the message says how
/// to tell the server).
pub fn check_encoding(headers: &HeaderMap, name: &str, checksum_known: bool) -> Result<(), String> {
    let Some(enc) = header(headers, CONTENT_ENCODING).map(str::trim) else {
        return Ok(());
    };
    if enc.is_empty() || enc.eq_ignore_ascii_case("identity") || checksum_known {
        return Ok(());
    }
    let gzip = enc.eq_ignore_ascii_case("gzip") || enc.eq_ignore_ascii_case("x-gzip");
    let lower = name.to_ascii_lowercase();
    if gzip && (lower.ends_with(".gz") || lower.ends_with(".tgz")) {
        return Ok(());
    }
    Err(format!(
        "the server labels the file `Content-Encoding: {enc}` although no encoding was asked \
         for, and no checksum can tell whether the bytes are the file (a server setting such \
         as Apache's AddEncoding does this; remove it, or give --sha256/--md5)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn content_range_parsing_is_strict() {
        assert_eq!(parse_content_range("bytes 0-9/10"), Some((0, 9, 10)));
        assert_eq!(parse_content_range("bytes 5-4/10"), None);
        assert_eq!(parse_content_range("bytes 0-10/10"), None);
        assert_eq!(parse_content_range("bytes */10"), None);
        assert_eq!(parse_content_range("bytes 0-9/*"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
    }

    #[test]
    fn only_the_exact_range_with_the_known_total_matches() {
        let span = Span { start: 10, end: 20 };
        let ok = headers(&[(CONTENT_RANGE, "bytes 10-19/100")]);
        assert!(range_matches(&ok, &span, 100));
        for wrong in [
            "bytes 9-19/100",
            "bytes 10-20/100",
            "bytes 10-19/101",
            "bytes 0-99/100",
        ] {
            assert!(
                !range_matches(&headers(&[(CONTENT_RANGE, wrong)]), &span, 100),
                "{wrong}"
            );
        }
        assert!(!range_matches(&HeaderMap::new(), &span, 100));
    }

    #[test]
    fn lengths_ranges_and_validators_are_read() {
        let h = headers(&[
            (CONTENT_LENGTH, "1234"),
            (ACCEPT_RANGES, "Bytes"),
            (ETAG, "\"abc\""),
        ]);
        assert_eq!(content_length(&h), Some(1234));
        assert!(accepts_ranges(&h));
        let v = Validators::of(&h);
        assert_eq!(v.etag.as_deref(), Some("\"abc\""));
        assert_eq!(v.last_modified, None);
        assert!(v.any());
        assert!(!accepts_ranges(&headers(&[(ACCEPT_RANGES, "none")])));
        assert_eq!(content_length(&headers(&[(CONTENT_LENGTH, "-5")])), None);
        assert!(!Validators::of(&HeaderMap::new()).any());
    }

    #[test]
    fn a_range_of_another_version_is_told_apart() {
        let saved = Validators {
            etag: Some("\"v1\"".into()),
            last_modified: Some("Mon, 01 Jan 2024 00:00:00 GMT".into()),
        };
        let same = headers(&[
            (ETAG, "\"v1\""),
            (LAST_MODIFIED, "Mon, 01 Jan 2024 00:00:00 GMT"),
        ]);
        assert!(same_version(&same, &saved));
        let changed = headers(&[
            (ETAG, "\"v2\""),
            (LAST_MODIFIED, "Mon, 01 Jan 2024 00:00:00 GMT"),
        ]);
        assert!(!same_version(&changed, &saved));
        let dropped = headers(&[(ETAG, "\"v1\"")]);
        assert!(
            !same_version(&dropped, &saved),
            "a validator that disappears proves nothing"
        );
        assert!(same_version(&HeaderMap::new(), &Validators::default()));
    }

    #[test]
    fn a_labelled_answer_is_kept_raw_when_a_checksum_or_the_name_vouches() {
        let gz = headers(&[(CONTENT_ENCODING, "x-gzip")]);
        let br = headers(&[(CONTENT_ENCODING, "br")]);
        assert!(check_encoding(&HeaderMap::new(), "a.zip", false).is_ok());
        assert!(
            check_encoding(&headers(&[(CONTENT_ENCODING, "identity")]), "a.zip", false).is_ok()
        );
        assert!(check_encoding(&gz, "Magento-CE-2.4.2.tar.gz", false).is_ok());
        assert!(check_encoding(&gz, "a.TGZ", false).is_ok());
        assert!(
            check_encoding(&gz, "a.zip", true).is_ok(),
            "the checksum decides"
        );
        assert!(
            check_encoding(&br, "a.tar.gz", true).is_ok(),
            "the checksum decides"
        );
        let err = check_encoding(&gz, "a.zip", false).unwrap_err();
        assert!(
            err.contains("x-gzip") && err.contains("AddEncoding"),
            "{err}"
        );
        assert!(check_encoding(&br, "a.tar.gz", false).is_err());
    }
}
