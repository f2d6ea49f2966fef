//! Magento's version order: natural numeric order, patch suffixes after the
//! release, pre-releases before it.

use std::cmp::Ordering;

#[derive(Clone, Copy, Debug)]
enum Token<'a> {
    /// Digits, leading zeros removed (`""` is zero).
    Num(&'a str),
    /// A run of non-digits.
    Word(&'a str),
}

const ZERO: Token<'static> = Token::Num("");

fn tokenize<'a>(version: &'a str) -> Vec<Token<'a>> {
    let version = match version.strip_prefix(['v', 'V']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => version,
    };
    let mut tokens = Vec::new();
    let mut push = |run: &'a str, digits: bool| {
        tokens.push(if digits {
            Token::Num(run.trim_start_matches('0'))
        } else {
            Token::Word(run)
        });
    };
    for part in version.split(['.', '-', '_']) {
        let mut start = 0;
        let mut kind = None;
        for (i, c) in part.char_indices() {
            let digit = c.is_ascii_digit();
            if kind.is_some_and(|k| k != digit) {
                push(&part[start..i], !digit);
                start = i;
            }
            kind = Some(digit);
        }
        if let Some(digit) = kind {
            push(&part[start..], digit);
        }
    }
    tokens
}

/// Rank of a token class: pre-releases < numbers (and "nothing") < patches/other words.
fn rank(token: Token<'_>) -> u8 {
    match token {
        Token::Num(_) => 4,
        Token::Word(word) => match word.to_ascii_lowercase().as_str() {
            "dev" | "snapshot" => 0,
            "alpha" | "a" => 1,
            "beta" | "b" => 2,
            "rc" | "c" | "pre" | "preview" => 3,
            _ => 5,
        },
    }
}

fn compare_tokens(a: Token<'_>, b: Token<'_>) -> Ordering {
    rank(a).cmp(&rank(b)).then_with(|| match (a, b) {
        (Token::Num(x), Token::Num(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Token::Word(x), Token::Word(y)) if rank(a) == 5 => {
            x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase())
        }
        _ => Ordering::Equal,
    })
}

/// Natural version order, ignoring the textual tie-break (`1.9.1` equals `1.9.1.0`).
pub(super) fn compare_versions_loose(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => {}
    }
    let (ta, tb) = (tokenize(a), tokenize(b));
    (0..ta.len().max(tb.len()))
        .map(|i| {
            compare_tokens(
                ta.get(i).copied().unwrap_or(ZERO),
                tb.get(i).copied().unwrap_or(ZERO),
            )
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Compares two version strings in natural order (ascending: `Less` means `a` is older).
///
/// Parts are split on `.`, `-` and `_`, and further into digit and non-digit runs.
/// Numbers compare numerically (`2.4.10 > 2.4.9`, `1.13.1.0 > 1.9.4.5`); missing trailing
/// parts count as zero. A patch suffix is newer than the release (`2.4.7-p3 > 2.4.7-p2 >
/// 2.4.7`), a pre-release is older (`2.4.0-alpha < 2.4.0-beta1 < 2.4.0-rc1 < 2.4.0`).
/// The empty string sorts lowest. Versions that are equal by these rules (`1.9.1` and
/// `1.9.1.0`) are ordered by their text, so the order is total and deterministic.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    compare_versions_loose(a, b).then_with(|| a.cmp(b))
}

/// Sorts newest first and removes duplicates and empty strings.
pub(super) fn sort_versions_desc(versions: &mut Vec<String>) {
    versions.retain(|v| !v.is_empty());
    versions.sort_by(|a, b| compare_versions(b, a));
    versions.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_naturally() {
        let sorted = [
            "",
            "1.9.1",
            "1.9.1.0",
            "1.9.4.4",
            "1.9.4.5",
            "1.13.0.0",
            "1.13.1.0",
            "2.0.2",
            "2.3.4",
            "2.4.0-alpha",
            "2.4.0-beta1",
            "2.4.0-beta2",
            "2.4.0-rc1",
            "2.4.0",
            "2.4.0-p1",
            "2.4.2",
            "2.4.7",
            "2.4.7-p2",
            "2.4.7-p3",
            "2.4.9",
            "2.4.10",
        ];
        // A fixed pseudo-random shuffle (Fisher-Yates with a small LCG; no RNG crate).
        let mut shuffled = sorted.to_vec();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for i in (1..shuffled.len()).rev() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        assert_ne!(shuffled, sorted);
        shuffled.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(shuffled, sorted);
    }

    #[test]
    fn versions_pairs() {
        use Ordering::*;
        let cases = [
            ("2.4.10", "2.4.9", Greater),
            ("2.4.7-p3", "2.4.7-p2", Greater),
            ("2.4.7-p2", "2.4.7", Greater),
            ("2.4.7-p3", "2.4.7", Greater),
            ("2.4.0-beta1", "2.4.0", Less),
            ("2.4.0-rc1", "2.4.0", Less),
            ("2.4.0-alpha", "2.4.0-beta1", Less),
            ("1.9.4.5", "1.9.4.4", Greater),
            ("1.13.1.0", "1.9.4.5", Greater),
            ("1.9.1.0", "1.9.1", Greater), // equal by value, tie-broken by text
            ("2.4.7_p1", "2.4.7-p1", Greater), // ditto ('_' > '-')
            ("", "0", Less),
            ("", "0-beta", Less),
            ("2.4.7", "2.4.7", Equal),
            (
                "99999999999999999999999.1",
                "99999999999999999999998.9",
                Greater,
            ),
            ("2.04", "2.3", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_versions(a, b), want, "{a} vs {b}");
            assert_eq!(compare_versions(b, a), want.reverse(), "{b} vs {a}");
        }
        assert!(compare_versions_loose("1.9.1", "1.9.1.0").is_eq());
    }

    #[test]
    fn versions_order_is_total() {
        let set = [
            "", "0", "1", "1.0", "1.0.0", "1-p1", "1.0-p1", "1-beta", "1.x", "1.X", "v1.0", "1.a",
            "1.p", "2.4.7-p3", "2.4.7.3", "2.4.7_p3", "rc", "p", "hotfix", "2..4", "2.4-", "01.2",
        ];
        for a in set {
            assert_eq!(compare_versions(a, a), Ordering::Equal);
            for b in set {
                assert_eq!(
                    compare_versions(a, b),
                    compare_versions(b, a).reverse(),
                    "{a} {b}"
                );
                if a != b {
                    assert_ne!(compare_versions(a, b), Ordering::Equal, "{a} {b}");
                }
                for c in set {
                    if compare_versions(a, b).is_lt() && compare_versions(b, c).is_lt() {
                        assert!(compare_versions(a, c).is_lt(), "{a} < {b} < {c}");
                    }
                }
            }
        }
    }
}
