//! Checksum files as `sha256sum` and `md5sum` write them: `HEX  NAME`,
//! `HEX *NAME`, or the BSD `--tag` form `SHA256 (NAME) = HEX`; the algorithm
//! is told by the digest length.

use std::collections::HashMap;
use std::path::Path;

use super::{Algo, Expected};
use crate::error::{Error, Result};

/// A parsed checksum file: entries by file name as written (a leading
/// `./` removed), and the numbers of the lines that are not checksums.
#[derive(Debug, Default)]
pub struct Checksums {
    pub map: HashMap<String, Expected>,
    pub malformed: Vec<usize>,
}

/// The text of a checksum file (`-` is standard input); unreadable is a
/// usage error.
pub fn read_checksum_file(path: &Path) -> Result<String> {
    let read = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin().lock())
    } else {
        std::fs::read_to_string(path)
    };
    read.map_err(|e| Error::Usage(format!("cannot read checksum file {}: {e}", path.display())))
}

/// Reads and parses a checksum file where every line must be a checksum: a
/// malformed line is a usage error naming it.
pub fn parse_checksum_file_strict(path: &Path) -> Result<HashMap<String, Expected>> {
    let parsed = parse_checksums(&read_checksum_file(path)?);
    match parsed.malformed.first() {
        Some(line) => Err(malformed(path, *line)),
        None => Ok(parsed.map),
    }
}

/// The error for a malformed line.
pub fn malformed(path: &Path, line: usize) -> Error {
    Error::Usage(format!(
        "checksum file {} line {line} is not `HEX  NAME`",
        path.display()
    ))
}

/// Parses checksum text; blank lines and `#` comments are skipped.
pub fn parse_checksums(text: &str) -> Checksums {
    let mut parsed = Checksums::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((algo, name, hex)) = parse_tagged(line).or_else(|| parse_plain(line)) else {
            parsed.malformed.push(i + 1);
            continue;
        };
        let valid_len = match algo {
            Algo::Md5 => hex.len() == 32,
            Algo::Sha256 => hex.len() == 64,
        };
        if name.is_empty() || !valid_len || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            parsed.malformed.push(i + 1);
            continue;
        }
        let entry = parsed.map.entry(name.to_string()).or_default();
        let hex = hex.to_ascii_lowercase();
        match algo {
            Algo::Md5 => entry.md5 = Some(hex),
            Algo::Sha256 => entry.sha256 = Some(hex),
        }
    }
    parsed
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
        let map = parse_checksums(&text).map;
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
        let map = parse_checksums(&tagged).map;
        assert_eq!(
            map["x y.zip"].sha256.as_deref(),
            Some("e".repeat(64).as_str())
        );
        assert_eq!(map["z"].md5.as_deref(), Some("f".repeat(32).as_str()));
        let bad = parse_checksums(&format!(
            "nothex  x\n{}  ok\n\n{}\n",
            "a".repeat(64),
            "b".repeat(64)
        ));
        assert_eq!(bad.malformed, [1, 4]);
        assert!(bad.map.contains_key("ok"));
    }
}
