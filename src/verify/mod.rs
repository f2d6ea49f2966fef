//! Checksums: what a file is expected to hash to (the catalog md5, `--md5`,
//! `--sha256`, checksum files), the digests computed on a shared pool of
//! workers while a file is written or read, and the check of files already
//! on disk behind `magedl verify`, returned as verdicts.

mod blocks;
mod cache;
mod check;
mod checksums;
mod digest;
mod pool;

use serde::Serialize;

pub use blocks::{BLOCK, give as give_block, take as take_block};
pub use cache::Cache;
pub use check::{Lookup, Outcome, Verdict, check_files};
pub use checksums::{malformed, parse_checksum_file_strict, parse_checksums, read_checksum_file};
pub use digest::{Digester, hash_file};

use crate::catalog::Release;
use crate::error::{Error, Result};
use crate::text::escape;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algo {
    Md5,
    Sha256,
}

impl Algo {
    pub fn name(self) -> &'static str {
        match self {
            Algo::Md5 => "md5",
            Algo::Sha256 => "sha256",
        }
    }
}

/// What a report says was checked: the strongest digest, or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verified {
    Md5,
    Sha256,
    Unverified,
}

impl Verified {
    pub fn name(self) -> &'static str {
        match self {
            Verified::Md5 => "md5",
            Verified::Sha256 => "sha256",
            Verified::Unverified => "unverified",
        }
    }
}

/// What a file is expected to hash to. The strongest known value decides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    pub md5: Option<String>,
    pub sha256: Option<String>,
}

impl From<&Release> for Expected {
    /// The catalog's md5 (a release without one expects nothing).
    fn from(release: &Release) -> Expected {
        Expected {
            md5: release.md5.clone(),
            sha256: None,
        }
    }
}

impl Expected {
    pub fn is_empty(&self) -> bool {
        self.md5.is_none() && self.sha256.is_none()
    }

    /// The algorithm named in the report's `verified` field.
    pub fn strongest(&self) -> Verified {
        if self.sha256.is_some() {
            Verified::Sha256
        } else if self.md5.is_some() {
            Verified::Md5
        } else {
            Verified::Unverified
        }
    }

    /// Compares computed digests; the first mismatch is an error (exit 4).
    pub fn check(&self, name: &str, got: &Digests) -> Result<()> {
        let pairs = [
            (Algo::Sha256, &self.sha256, &got.sha256),
            (Algo::Md5, &self.md5, &got.md5),
        ];
        for (algo, want, have) in pairs {
            if let Some(want) = want {
                let have = have.clone().unwrap_or_default();
                if !want.eq_ignore_ascii_case(&have) {
                    return Err(Error::ChecksumMismatch {
                        name: escape(name),
                        algo: algo.name(),
                        expected: want.to_ascii_lowercase(),
                        actual: have,
                    });
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Digests {
    pub md5: Option<String>,
    pub sha256: Option<String>,
}

/// Validates a hex digest given on the command line.
pub fn parse_hex(value: &str, algo: Algo) -> Result<String> {
    let len = match algo {
        Algo::Md5 => 32,
        Algo::Sha256 => 64,
    };
    let v = value.trim().to_ascii_lowercase();
    if v.len() != len || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::Usage(format!(
            "--{} expects {len} hex digits, got `{}`",
            algo.name(),
            escape(value)
        )));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatches_name_the_algorithm() {
        let want = Expected {
            md5: Some("0".repeat(32)),
            sha256: None,
        };
        let got = Digests {
            md5: Some("1".repeat(32)),
            sha256: Some("2".repeat(64)),
        };
        let err = want.check("x", &got).unwrap_err();
        assert_eq!(err.exit(), crate::error::Exit::Checksum);
        assert!(err.to_string().contains("md5"));
    }

    #[test]
    fn the_strongest_digest_names_the_check() {
        let mut e = Expected::default();
        assert_eq!(e.strongest(), Verified::Unverified);
        e.md5 = Some("0".repeat(32));
        assert_eq!(e.strongest(), Verified::Md5);
        e.sha256 = Some("0".repeat(64));
        assert_eq!(e.strongest(), Verified::Sha256);
    }
}
