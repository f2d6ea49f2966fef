//! Release archives opened as archives, not just as bytes: the deep check
//! behind `verify --deep` ([`check`]: every entry read to its end so that the
//! formats' own CRCs and sizes are tested) and the safe unpacking behind
//! `download --extract` ([`extract`]: hostile names, links and special files
//! refused, nothing half-done left behind).
//!
//! This file holds the two entry points, the public types and the choice of
//! format by file name. `walk.rs` reads the entries of any format in one
//! streaming pass (the deep check is that pass and nothing more), with the
//! formats' own checks in `zip_walk.rs` and `tar_walk.rs`. `paths.rs` holds
//! the rules for names and link targets, `extract.rs` writes entries into a
//! private staging directory, and `place.rs` moves them into the
//! destination once all of them were read and checked.

mod extract;
mod paths;
mod place;
mod tar_walk;
mod walk;
mod zip_walk;

#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod extract_tests;
#[cfg(test)]
mod testkit;

use std::fmt;
use std::fs;
use std::path::Path;

use crate::text::escape;

/// The deep check: reads every entry of the archive at `path` to its end, so
/// that the format's own checks run (zip: each entry's CRC-32 and size;
/// gzip: its CRC and ISIZE trailer; bzip2: its block and stream CRCs; tar:
/// header checksums, entry lengths, the end-of-archive marker). A file whose
/// md5 matches the catalog can still be damaged (the damage came before the
/// checksum was published): only this shows it. Nothing is written. A name
/// that is no archive format is `NotAnArchive`, not an error.
pub fn check(path: &Path) -> Result<Checked, Damage> {
    let Some(kind) = Kind::of(path) else {
        return Ok(Checked::NotAnArchive);
    };
    let walked = walk::walk(path, kind, &mut |_item| Ok(())).map_err(|fault| Damage {
        entry: fault.entry,
        reason: fault.reason,
    })?;
    Ok(Checked::Archive {
        entries: walked.entries,
        bytes: walked.bytes,
    })
}

/// Safe extraction: unpacks the archive at `path` into `dest` (created if
/// missing), streaming, through a private staging directory inside `dest`.
/// Names that leave `dest`, links that lead out of it, writes through a
/// link, and special files are refused, and a refusal fails the whole
/// extraction with `dest` left as it was. An existing file is replaced
/// (atomically) only with `overwrite`; without it the extraction is refused.
pub fn extract(path: &Path, dest: &Path, overwrite: bool) -> Result<Extracted, Refused> {
    extract::extract_with(path, dest, overwrite, &mut |from, to| fs::rename(from, to))
}

/// True when the name is one of the archive formats read here.
pub fn is_archive(path: &Path) -> bool {
    Kind::of(path).is_some()
}

/// The formats read, told apart by the file name alone: a release archive's
/// name is the catalog's, and sniffing bytes would let a renamed file pass
/// as something it does not claim to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Zip,
    Tar,
    TarGz,
    TarBz2,
}

impl Kind {
    fn of(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let kinds = [
            (".zip", Kind::Zip),
            (".tar.gz", Kind::TarGz),
            (".tgz", Kind::TarGz),
            (".tar.bz2", Kind::TarBz2),
            (".tbz2", Kind::TarBz2),
            (".tar", Kind::Tar),
        ];
        kinds
            .into_iter()
            .find(|(suffix, _)| name.ends_with(suffix))
            .map(|(_, kind)| kind)
    }
}

/// What the deep check found in an intact file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checked {
    /// Every entry was read to its end and passed its format's checks.
    Archive {
        /// Files, directories and links (tar's pax global headers, which
        /// describe no file, are not counted).
        entries: u64,
        /// The entries' uncompressed content.
        bytes: u64,
    },
    /// The name is not one of the archive formats: nothing to open.
    NotAnArchive,
}

/// Why an archive failed the deep check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damage {
    /// The entry being read when the damage showed, if one was.
    pub entry: Option<String>,
    pub reason: String,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entry {
            Some(entry) => write!(f, "archive: entry {}: {}", escape(entry), self.reason),
            None => write!(f, "archive: {}", self.reason),
        }
    }
}

impl std::error::Error for Damage {}

/// What an extraction put into the destination.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub files: u64,
    /// Directories the archive names or implies (`a/` for `a/b`).
    pub dirs: u64,
    /// Symbolic and hard links.
    pub links: u64,
    /// The files' content.
    pub bytes: u64,
}

/// Why an extraction was refused or failed; no extraction that returns this
/// claims to have succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The entry at fault; empty when the failure is the archive's as a
    /// whole (unreadable, not an archive, the destination not writable).
    pub entry: String,
    pub reason: String,
}

impl Refused {
    fn whole(reason: impl Into<String>) -> Refused {
        Refused {
            entry: String::new(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entry.is_empty() {
            write!(f, "extract: {}", self.reason)
        } else {
            write!(f, "extract: entry {}: {}", escape(&self.entry), self.reason)
        }
    }
}

impl std::error::Error for Refused {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_comes_from_the_name() {
        let kind = |name: &str| Kind::of(Path::new(name));
        assert_eq!(kind("magento-2.4.7.zip"), Some(Kind::Zip));
        assert_eq!(kind("dir/Magento-2.4.7.TAR.GZ"), Some(Kind::TarGz));
        assert_eq!(kind("m.tgz"), Some(Kind::TarGz));
        assert_eq!(kind("m.tar.bz2"), Some(Kind::TarBz2));
        assert_eq!(kind("m.tbz2"), Some(Kind::TarBz2));
        assert_eq!(kind("m.tar"), Some(Kind::Tar));
        assert_eq!(kind("patch.diff"), None);
        assert_eq!(kind("m.gz"), None);
        assert_eq!(kind("zip"), None);
    }

    #[test]
    fn messages_are_one_line_with_names_escaped() {
        let damage = Damage {
            entry: Some("magento/app/x\n.php".into()),
            reason: "CRC mismatch".into(),
        };
        assert_eq!(
            damage.to_string(),
            "archive: entry magento/app/x\\n.php: CRC mismatch"
        );
        let whole = Damage {
            entry: None,
            reason: "truncated".into(),
        };
        assert_eq!(whole.to_string(), "archive: truncated");
        let refused = Refused {
            entry: "../evil".into(),
            reason: "climbs out".into(),
        };
        assert_eq!(refused.to_string(), "extract: entry ../evil: climbs out");
        assert_eq!(Refused::whole("no").to_string(), "extract: no");
    }
}
