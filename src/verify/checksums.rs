//! Checksum files as `sha256sum` and `md5sum` write them: `HEX  NAME`,
//! `HEX *NAME`, or the BSD `--tag` form `SHA256 (NAME) = HEX`; the algorithm
//! is told by the digest length.

use std::collections::HashMap;
use std::path::Path;

use super::{Algo, Expected};
use crate::error::{Error, Result};

/// Reads and parses a checksum file; keys are file names as written (a
/// leading `./` removed). An unreadable file or a malformed line is a usage
/// error naming the line.
pub fn parse_checksum_file(path: &Path) -> Result<HashMap<String, Expected>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("cannot read checksum file {}: {e}", path.display())))?;
    parse_checksums(&text).map_err(|line| {
        Error::Usage(format!(
            "checksum file {} line {line} is not `HEX  NAME`",
            path.display()
        ))
    })
}

/// Parses checksum text; `Err(line)` names the first malformed line.
pub fn parse_checksums(text: &str) -> std::result::Result<HashMap<String, Expected>, usize> {
    let mut map: HashMap<String, Expected> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (algo, name, hex) = parse_tagged(line)
            .or_else(|| parse_plain(line))
            .ok_or(i + 1)?;
        let valid_len = match algo {
            Algo::Md5 => hex.len() == 32,
            Algo::Sha256 => hex.len() == 64,
        };
        if name.is_empty() || !valid_len || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(i + 1);
        }
        let entry = map.entry(name.to_string()).or_default();
        let hex = hex.to_ascii_lowercase();
        match algo {
            Algo::Md5 => entry.md5 = Some(hex),
            Algo::Sha256 => entry.sha256 = Some(hex),
        }
    }
    Ok(map)
}

/// `HEX  NAME` or `HEX *NAME`.
fn parse_plain(line: &str) -> Option<(Algo, &str, &str)> {
    let (hex, rest) = line.split_once(' ')?;
    let name = rest
        .strip_prefix(' ')
        .or_else(|| rest.strip_prefix('*'))
        .unwrap_or(rest);
    let algo = match hex.len() {
        32 => Algo::Md5,
        64 => Algo::Sha256,
        _ => return None,
    };
    Some((algo, name.strip_prefix("./").unwrap_or(name), hex))
}

/// `SHA256 (NAME) = HEX` (`sha256sum --tag`).
fn parse_tagged(line: &str) -> Option<(Algo, &str, &str)> {
    let (algo, rest) = line.split_once(" (")?;
    let (name, hex) = rest.rsplit_once(") = ")?;
    let algo = match algo {
        "MD5" => Algo::Md5,
        "SHA256" => Algo::Sha256,
        _ => return None,
    };
    Some((algo, name.strip_prefix("./").unwrap_or(name), hex.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_files_in_both_formats_parse() {
        let text = format!(
            "{}  a.tar.gz\n{} *b+c.zip\n{}  ./d\n",
            "A".repeat(64),
            "b".repeat(32),
            "c".repeat(64)
        );
        let map = parse_checksums(&text).unwrap();
        assert_eq!(
            map["a.tar.gz"].sha256.as_deref(),
            Some("a".repeat(64).as_str())
        );
        assert_eq!(map["b+c.zip"].md5.as_deref(), Some("b".repeat(32).as_str()));
        assert!(map.contains_key("d"));
        let tagged = format!(
            "SHA256 (x y.zip) = {}\nMD5 (z) = {}\n",
            "e".repeat(64),
            "f".repeat(32)
        );
        let map = parse_checksums(&tagged).unwrap();
        assert_eq!(
            map["x y.zip"].sha256.as_deref(),
            Some("e".repeat(64).as_str())
        );
        assert_eq!(map["z"].md5.as_deref(), Some("f".repeat(32).as_str()));
        assert_eq!(parse_checksums("nothex  x\n"), Err(1));
    }
}
