//! SHA256SUMS: exactly the files of the filtered catalog that this run found
//! present and verified (or fetched and verified), with paths relative to
//! DIR, so that `sha256sum --check --strict SHA256SUMS` passes after every
//! run — also after a failure, and after a file left the catalog.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Layout, SUMS};
use crate::download::{Report, Status};
use crate::error::Result;
use crate::verify;

/// Previous entries, path → sha256 (a missing or unreadable file: none).
pub fn read(path: &Path) -> BTreeMap<String, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    verify::parse_checksums(&text)
        .map
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.sha256?)))
        .collect()
}

/// What this run verified: a failed file's bytes on disk are in doubt, and
/// a file gone from disk is not listed.
pub fn verified(layout: &Layout, report: &Report) -> BTreeMap<String, String> {
    report
        .files
        .iter()
        .filter(|f| matches!(f.status, Status::Downloaded | Status::Skipped))
        .filter_map(|f| Some((layout.key(&f.name), f.sha256.clone()?)))
        .filter(|(key, _)| crate::download::plain_file_under(&layout.dir, key).is_some())
        .collect()
}

/// `sha256sum --check --strict` format: `HEX  PATH`.
pub fn write(layout: &Layout, sums: &BTreeMap<String, String>) -> Result<()> {
    let mut text = String::new();
    for (name, sha) in sums {
        if name.contains('\n') || name.contains('\\') {
            continue; // not representable in the plain format
        }
        text.push_str(&format!("{sha}  {name}\n"));
    }
    super::write(layout, &layout.dir.join(SUMS), text.as_bytes())
}
