//! Test-only helpers shared by the catalog's unit tests: the endpoint fixture
//! bodies (read from `tests/fixtures`, the files the fake endpoint is checked
//! against too) and small shorthands for selecting from a catalogue.

use super::{Catalog, Filter, Kind, Release, parse_json};

/// The endpoint's documented `info/json` example: every type shape but the
/// object of single entries, and a patch listed under three versions.
pub(super) const FEED: &str = include_str!("../../tests/fixtures/info_json.json");

/// The documented `info/files` body of the same catalogue, byte for byte.
pub(super) const INFO_FILES: &str = include_str!("../../tests/fixtures/info_files.txt");

/// The documented `info/filter/version/2.0.*` body.
pub(super) const FILTER_2_0: &str = include_str!("../../tests/fixtures/filter_version_2.0.txt");

/// The endpoint's body for a listing with no rows.
pub(super) const EMPTY_LISTING: &str = include_str!("../../tests/fixtures/no_results.txt");

pub(super) const MAGETWO: &str = "MAGETWO-98833_composer_patch-2019-04-15-04-37-48.patch";
pub(super) const OTHER_FILE: &str = "PATCH-1.9.3.0_PHP7-2018-09-13-07-59-59.2_v2";

/// (kind, file name, md5) of the fixture catalogue, in category then feed order.
pub(super) const EXPECTED: [(Kind, &str, Option<&str>); 13] = [
    (
        Kind::CeFull,
        "Magento-CE-2.4.2.tar.gz",
        Some("b68caf76b354eac34aaec82abc565416"),
    ),
    (
        Kind::CeFull,
        "Magento-CE-2.4.2_sample_data.zip",
        Some("7a3f11556eabd743611ce095259fb640"),
    ),
    (Kind::CeFull, "Magento-CE-2.0.7.tar.gz", None),
    (
        Kind::CeFull,
        "Magento-CE-2.0.2+sample_data.zip",
        Some("7ee55763d91776b9a0be82a13655ee69"),
    ),
    (
        Kind::CeFull,
        "magento-1.9.1.0.tar.gz",
        Some("98a0b6e31434aa992bfcde38ca20217f"),
    ),
    (
        Kind::CePatch,
        "mc-35514-2.4.0-ce-composer-2020-07-30-05-43-25.patch",
        Some("8e662f810216599a033ef95562e241d4"),
    ),
    (
        Kind::CePatch,
        MAGETWO,
        Some("4abf751d1e9c9a79570fee8dc350880d"),
    ),
    (
        Kind::CePatch,
        "PATCH_SUPEE-6788_CE_1.9.2.1_v1.sh",
        Some("2b132461245bb94fe83f41ca0bfb44c6"),
    ),
    (
        Kind::CePatch,
        "PATCH_SUPEE-6788_CE_1.9.1.0_v1.sh",
        Some("1eb15c8b09c010d3b8e13a408b69ee37"),
    ),
    (
        Kind::EeFull,
        "Magento-EE-2.3.4-2020-01-22-11-32-19.zip",
        Some("93397ca14b7aca013ced4b700fd1b5ab"),
    ),
    (
        Kind::EeFull,
        "Magento-EE-2.0.4.zip",
        Some("291780497919ef488d149dcc8fd44861"),
    ),
    (
        Kind::EePatch,
        "PATCH_SUPEE-1533_EE_1.13.x_v1.sh",
        Some("7d60259a45f1b30dccf89b841dee7de6"),
    ),
    (
        Kind::Other,
        OTHER_FILE,
        Some("574ae7bcb2a48853866823960d8a2949"),
    ),
];

pub(super) fn feed() -> Catalog {
    parse_json(FEED.as_bytes()).expect("the fixture feed parses")
}

pub(super) fn names(releases: &[&Release]) -> Vec<String> {
    releases.iter().map(|r| r.file_name.clone()).collect()
}

pub(super) fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

pub(super) fn select(
    catalog: &Catalog,
    types: &[Kind],
    version: Option<&str>,
    latest: bool,
    globs: &[&str],
) -> Vec<String> {
    let filter =
        Filter::new(types.to_vec(), version, latest, &strings(globs)).expect("valid filter");
    names(&catalog.select(&filter))
}
