//! The release catalogue: what the downloads endpoint offers and how to pick from it.
//!
//! Everything here is pure but `load.rs`, the one place that fetches. The folder is
//! responsible for
//!
//! * the model ([`Kind`], [`Release`], [`Catalog`], [`CatalogError`]) and merging the
//!   several entries a file can have (one per version it belongs to) into a single
//!   [`Release`] whose versions are the union — this file;
//! * parsing the JSON catalogue served at `info/json` ([`parse_json`], `json.rs`),
//!   tolerating every shape seen in the wild: a type's value may be a list of file
//!   entries, an object of lists keyed by version, or an object of single entries;
//!   unknown fields and unknown types are kept or ignored, never fatal;
//! * parsing the text tables served at `info/files` and `info/filter/...`
//!   ([`parse_table`], `table.rs`), cutting rows at the header's column offsets so that
//!   blank cells (a missing checksum) survive, and understanding the `No results found.`
//!   body;
//! * ordering versions naturally ([`compare_versions`], `version.rs`: `2.4.10 > 2.4.9`,
//!   `2.4.7-p3 > 2.4.7 > 2.4.7-rc1`);
//! * selecting releases with the CLI filters (`--type`, `--version GLOB`, `--latest`,
//!   name globs) through [`Filter`] and [`Catalog::select`] (`select.rs`);
//! * narrowing the endpoint's `info/json` and `info/files` bodies to the files a
//!   `sync --mirror` directory holds ([`narrow_json`], [`narrow_table`]), beside the
//!   parser of each format;
//! * loading: `info/json`, or the text table when the feed is unavailable ([`load()`]).
//!
//! Problems that do not prevent using the rest of the catalogue (an entry without a file
//! name, conflicting checksums, a value of an unexpected shape) end up as human-readable
//! lines in [`Catalog::warnings`] instead of errors.

mod json;
mod load;
mod select;
mod table;
mod version;

#[cfg(test)]
mod fixtures;

use std::collections::HashMap;
use std::fmt;

pub use json::{narrow_json, parse_json};
pub use load::{Loaded, load};
pub use select::Filter;
pub use table::{narrow_table, narrow_versions, parse_table};
pub use version::compare_versions;

use version::sort_versions_desc;

/// A release type: the top-level (`category`) key of `info/json`.
///
/// The derived ordering (`CeFull < CePatch < EeFull < EePatch < Other < Unknown`) is the
/// order in which [`Catalog::select`] lists releases.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `ce-full`: Magento Open Source / Community Edition archives.
    CeFull,
    /// `ce-patch`: Community Edition patches.
    CePatch,
    /// `ee-full`: Adobe Commerce / Enterprise Edition archives.
    EeFull,
    /// `ee-patch`: Enterprise Edition patches.
    EePatch,
    /// `other`: everything else the endpoint publishes.
    Other,
    /// A type this program does not know; holds the key (or description) as served.
    Unknown(String),
}

/// The five type keys the endpoint documents, in display order.
#[cfg(test)]
pub const KNOWN_KIND_KEYS: [&str; 5] = ["ce-full", "ce-patch", "ee-full", "ee-patch", "other"];

impl Kind {
    /// The kind for a JSON category key (`"ce-full"` → [`Kind::CeFull`]); any other key
    /// becomes [`Kind::Unknown`] holding the key.
    pub fn from_key(key: &str) -> Kind {
        match key {
            "ce-full" => Kind::CeFull,
            "ce-patch" => Kind::CePatch,
            "ee-full" => Kind::EeFull,
            "ee-patch" => Kind::EePatch,
            "other" => Kind::Other,
            _ => Kind::Unknown(key.to_string()),
        }
    }

    /// The category key (`"ce-full"`, …); the inverse of [`Kind::from_key`].
    pub fn key(&self) -> &str {
        match self {
            Kind::CeFull => "ce-full",
            Kind::CePatch => "ce-patch",
            Kind::EeFull => "ee-full",
            Kind::EePatch => "ee-patch",
            Kind::Other => "other",
            Kind::Unknown(key) => key,
        }
    }

    /// The long name used in the `File Type` column of the text tables.
    #[cfg(test)]
    pub fn description(&self) -> &str {
        match self {
            Kind::CeFull => "Community Edition - Full",
            Kind::CePatch => "Community Edition - Patch",
            Kind::EeFull => "Enterprise Edition - Full",
            Kind::EePatch => "Enterprise Edition - Patch",
            Kind::Other => "Other",
            Kind::Unknown(text) => text,
        }
    }

    /// The kind for a `File Type` cell (`"Community Edition - Full"` → [`Kind::CeFull`]).
    ///
    /// Case and runs of white space are ignored; the short keys (`ce-full`, …) are
    /// accepted too. Anything else becomes [`Kind::Unknown`] holding the trimmed text.
    pub fn from_description(desc: &str) -> Kind {
        let normalized = desc.split_whitespace().collect::<Vec<_>>().join(" ");
        let lower = normalized.to_ascii_lowercase();
        match lower.as_str() {
            "community edition - full" => Kind::CeFull,
            "community edition - patch" => Kind::CePatch,
            "enterprise edition - full" => Kind::EeFull,
            "enterprise edition - patch" => Kind::EePatch,
            "other" => Kind::Other,
            _ => match Kind::from_key(&lower) {
                Kind::Unknown(_) => Kind::Unknown(normalized),
                known => known,
            },
        }
    }

    /// An Adobe Commerce (Enterprise Edition) type.
    pub fn is_ee(&self) -> bool {
        matches!(self, Kind::EeFull | Kind::EePatch)
    }

    /// Parses a `--type` value: one of the five known keys (case-insensitive).
    pub fn parse_filter(s: &str) -> Result<Kind, CatalogError> {
        match Kind::from_key(&s.trim().to_ascii_lowercase()) {
            Kind::Unknown(_) => Err(CatalogError::BadType(one_line(s))),
            known => Ok(known),
        }
    }
}

impl fmt::Display for Kind {
    /// Writes the category key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One downloadable file of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    /// The file name as published (may contain `+`, spaces and `/`).
    pub file_name: String,
    /// The release type.
    pub kind: Kind,
    /// `name` in JSON / `File Description` in the tables; empty when missing.
    pub title: String,
    /// Every version the file belongs to, de-duplicated, newest first.
    pub versions: Vec<String>,
    /// Lower-case hex MD5, when the catalogue publishes a well-formed one.
    pub md5: Option<String>,
}

impl Release {
    /// The newest version this file belongs to, if any.
    pub fn newest_version(&self) -> Option<&str> {
        self.versions.first().map(String::as_str)
    }
}

/// A parsed catalogue: releases plus the problems met while parsing it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    /// One entry per distinct file name, grouped by kind.
    pub releases: Vec<Release>,
    /// Human-readable, one-line descriptions of skipped or inconsistent entries.
    pub warnings: Vec<String>,
}

/// Errors of the catalogue parsers and filters. Every message is a single line.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// `info/json` is not JSON or not a JSON object.
    #[error("invalid JSON catalog: {0}")]
    Json(String),
    /// A text listing without a recognisable table.
    #[error("invalid file listing: {0}")]
    Table(String),
    /// An unknown `--type` value (holds the value).
    #[error("unknown type `{0}` (expected one of: ce-full, ce-patch, ee-full, ee-patch, other)")]
    BadType(String),
    /// A glob that cannot be compiled (holds the full message, naming the pattern).
    #[error("{0}")]
    BadGlob(String),
}

impl Catalog {
    /// The release with exactly this file name.
    pub fn find(&self, file_name: &str) -> Option<&Release> {
        self.releases.iter().find(|r| r.file_name == file_name)
    }

    /// Every distinct version of every release, newest first.
    #[cfg(test)]
    pub fn versions(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .releases
            .iter()
            .flat_map(|r| r.versions.iter().cloned())
            .collect();
        sort_versions_desc(&mut all);
        all
    }
}

// ---------------------------------------------------------------------------------------
// Merging entries into releases
// ---------------------------------------------------------------------------------------

/// Collects entries, merging those that share a file name.
#[derive(Default)]
struct Builder {
    releases: Vec<Release>,
    index: HashMap<String, usize>,
    warnings: Vec<String>,
}

impl Builder {
    fn warn(&mut self, message: String) {
        self.warnings.push(message);
    }

    fn add(&mut self, entry: Release) {
        let Some(&i) = self.index.get(&entry.file_name) else {
            self.index
                .insert(entry.file_name.clone(), self.releases.len());
            self.releases.push(entry);
            return;
        };
        let existing = &mut self.releases[i];
        let mut warnings = Vec::new();
        if existing.kind != entry.kind {
            warnings.push(format!(
                "`{}` is listed as both {} and {}; keeping {}",
                one_line(&entry.file_name),
                existing.kind,
                entry.kind,
                existing.kind
            ));
        }
        if existing.title.is_empty() {
            existing.title = entry.title;
        }
        match (&existing.md5, entry.md5) {
            (None, Some(new)) => existing.md5 = Some(new),
            (Some(old), Some(new)) if *old != new => warnings.push(format!(
                "`{}` has conflicting md5 checksums {old} and {new}; keeping {old}",
                one_line(&entry.file_name)
            )),
            _ => {}
        }
        existing.versions.extend(entry.versions);
        self.warnings.extend(warnings);
    }

    fn finish(self) -> Catalog {
        let mut releases = self.releases;
        for release in &mut releases {
            sort_versions_desc(&mut release.versions);
        }
        // Stable: feed order is kept within a kind.
        releases.sort_by(|a, b| a.kind.cmp(&b.kind));
        Catalog {
            releases,
            warnings: self.warnings,
        }
    }
}

/// A lower-case 32-hex-digit MD5, or `None`.
fn normalize_md5(raw: &str) -> Option<String> {
    let md5 = raw.trim();
    (md5.len() == 32 && md5.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| md5.to_ascii_lowercase())
}

/// Escapes control characters so that a message stays on one line.
fn one_line(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn kind_keys_round_trip() {
        for key in KNOWN_KIND_KEYS {
            let kind = Kind::from_key(key);
            assert!(!matches!(kind, Kind::Unknown(_)), "{key}");
            assert_eq!(kind.key(), key);
            assert_eq!(kind.to_string(), key);
            assert_eq!(Kind::parse_filter(key).unwrap(), kind);
            assert_eq!(Kind::from_description(kind.description()), kind);
        }
        assert_eq!(Kind::from_key("b2b-full"), Kind::Unknown("b2b-full".into()));
        assert_eq!(Kind::from_key("b2b-full").key(), "b2b-full");
    }

    #[test]
    fn kind_from_description() {
        assert_eq!(
            Kind::from_description("Community Edition - Full"),
            Kind::CeFull
        );
        assert_eq!(
            Kind::from_description("Community Edition - Patch"),
            Kind::CePatch
        );
        assert_eq!(
            Kind::from_description("Enterprise Edition - Full"),
            Kind::EeFull
        );
        assert_eq!(
            Kind::from_description("Enterprise Edition - Patch"),
            Kind::EePatch
        );
        assert_eq!(Kind::from_description("Other"), Kind::Other);
        assert_eq!(
            Kind::from_description("  community edition -  full "),
            Kind::CeFull
        );
        assert_eq!(
            Kind::from_description("B2B Extension"),
            Kind::Unknown("B2B Extension".into())
        );
    }

    #[test]
    fn kind_parse_filter_rejects_unknown_and_lists_known() {
        assert_eq!(Kind::parse_filter(" CE-Patch ").unwrap(), Kind::CePatch);
        for bad in ["ce", "full", "", "Community Edition - Full"] {
            let err = Kind::parse_filter(bad).unwrap_err();
            assert!(matches!(err, CatalogError::BadType(_)), "{bad}");
            let text = err.to_string();
            for key in KNOWN_KIND_KEYS {
                assert!(text.contains(key), "{text}");
            }
            assert!(!text.contains('\n'));
        }
    }

    #[test]
    fn kind_order_is_display_order() {
        let mut kinds = vec![
            Kind::Unknown("zz".into()),
            Kind::Other,
            Kind::EePatch,
            Kind::EeFull,
            Kind::CePatch,
            Kind::CeFull,
        ];
        kinds.sort();
        assert_eq!(
            kinds,
            vec![
                Kind::CeFull,
                Kind::CePatch,
                Kind::EeFull,
                Kind::EePatch,
                Kind::Other,
                Kind::Unknown("zz".into())
            ]
        );
    }

    #[test]
    fn catalog_versions_newest_first() {
        let catalog = feed();
        assert_eq!(
            catalog.versions(),
            strings(&[
                "2.4.2", "2.4.0", "2.3.4", "2.3.1", "2.2.8", "2.1.17", "2.0.7", "2.0.4", "2.0.2",
                "1.13.1.0", "1.13.0.2", "1.13.0.1", "1.13.0.0", "1.9.2.1", "1.9.1.0",
            ])
        );
        assert!(Catalog::default().versions().is_empty());
    }

    #[test]
    fn find_is_exact() {
        let catalog = feed();
        assert!(catalog.find("Magento-CE-2.0.2+sample_data.zip").is_some());
        assert!(catalog.find("Magento-CE-2.0.2 sample_data.zip").is_none());
        assert!(catalog.find("magento-ce-2.4.2.tar.gz").is_none());
    }
}
