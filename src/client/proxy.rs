//! Which proxy a request goes through, as far as the messages need to know:
//! `--proxy`, else the scheme's `HTTPS_PROXY`/`HTTP_PROXY` (or lower case),
//! else `ALL_PROXY`, unless `NO_PROXY` names the host. The HTTP client
//! applies the proxy itself; this only lets an error name it.

use url::Url;

use crate::endpoint::Endpoint;

/// The proxy `url` would go through, shown without userinfo.
pub fn for_url(explicit: Option<&str>, url: &Url) -> Option<String> {
    let env = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
    };
    let chosen = match explicit {
        Some(p) => Some(p.to_string()),
        None if bypassed(url, env(&["NO_PROXY", "no_proxy"]).as_deref()) => None,
        None => {
            let scheme = if url.scheme() == "https" {
                env(&["HTTPS_PROXY", "https_proxy"])
            } else {
                env(&["HTTP_PROXY", "http_proxy"])
            };
            scheme.or_else(|| env(&["ALL_PROXY", "all_proxy"]))
        }
    }?;
    Some(match Url::parse(&chosen) {
        Ok(u) => Endpoint::redact(&u),
        Err(_) => "(an unparsable proxy URL)".to_string(),
    })
}

/// `NO_PROXY`: `*`, or hosts and domain suffixes separated by commas.
fn bypassed(url: &Url, no_proxy: Option<&str>) -> bool {
    let (Some(list), Some(host)) = (no_proxy, url.host_str()) else {
        return false;
    };
    list.split(',').map(str::trim).any(|entry| {
        let entry = entry.trim_start_matches('.');
        entry == "*"
            || (!entry.is_empty()
                && (host.eq_ignore_ascii_case(entry)
                    || host
                        .to_ascii_lowercase()
                        .ends_with(&format!(".{}", entry.to_ascii_lowercase()))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_matches_hosts_and_domain_suffixes() {
        let u = Url::parse("https://www.magentocommerce.com/x").unwrap();
        assert!(bypassed(&u, Some("localhost, magentocommerce.com")));
        assert!(bypassed(&u, Some(".magentocommerce.com")));
        assert!(bypassed(&u, Some("*")));
        assert!(!bypassed(&u, Some("example.com,commerce.com")));
        assert!(!bypassed(&u, None));
    }

    #[test]
    fn an_explicit_proxy_is_shown_without_its_password() {
        let u = Url::parse("https://h/x").unwrap();
        let shown = for_url(Some("http://user:pw@proxy.example:3128"), &u).unwrap();
        assert!(
            !shown.contains("pw") && shown.contains("proxy.example:3128"),
            "{shown}"
        );
    }
}
