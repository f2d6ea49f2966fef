//! Picking releases from a [`Catalog`] with the command-line filters.

use std::cmp::Ordering;
use std::collections::HashMap;

use globset::{GlobBuilder, GlobMatcher};

use super::version::compare_versions_loose;
use super::{Catalog, CatalogError, Kind, Release, compare_versions, one_line};

/// The list/download/sync filters.
///
/// `types` empty means all types; `version` is a glob (`*`, `?`) that a release matches
/// when any of its versions matches (a release without versions matches only a glob made
/// of `*` alone); `names` are globs on the file name (a plain name matches exactly; empty
/// means all); `latest` keeps, per type, the releases of the newest version.
///
/// Build it with [`Filter::new`], which validates the globs. `Filter::default()` selects
/// everything.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// `--type` values; empty means every type.
    pub types: Vec<Kind>,
    /// `--version GLOB`.
    pub version: Option<String>,
    /// `--latest`.
    pub latest: bool,
    /// Positional name globs; empty means every file.
    pub names: Vec<String>,
}

impl Filter {
    /// A filter, after checking that the version glob and the name globs compile.
    pub fn new(
        types: Vec<Kind>,
        version: Option<&str>,
        latest: bool,
        names: &[String],
    ) -> Result<Filter, CatalogError> {
        if let Some(pattern) = version {
            compile_glob(pattern, "version")?;
        }
        for pattern in names {
            compile_glob(pattern, "name")?;
        }
        Ok(Filter {
            types,
            version: version.map(str::to_string),
            latest,
            names: names.to_vec(),
        })
    }
}

fn compile_glob(pattern: &str, what: &str) -> Result<GlobMatcher, CatalogError> {
    if pattern.is_empty() {
        return Err(CatalogError::BadGlob(format!("empty {what} pattern")));
    }
    GlobBuilder::new(pattern)
        .literal_separator(false)
        .case_insensitive(false)
        .backslash_escape(true)
        .build()
        .map(|glob| glob.compile_matcher())
        .map_err(|e| {
            CatalogError::BadGlob(format!(
                "invalid {what} pattern `{}`: {}",
                one_line(pattern),
                one_line(&e.kind().to_string())
            ))
        })
}

/// A compiled pattern; matches its exact text too (so `a[1].zip` finds that very file).
struct Pattern {
    text: String,
    glob: Option<GlobMatcher>,
}

impl Pattern {
    fn new(text: &str, what: &str) -> Pattern {
        Pattern {
            text: text.to_string(),
            // Filter::new has validated the pattern; if a field was changed afterwards
            // and no longer compiles, fall back to an exact match.
            glob: compile_glob(text, what).ok(),
        }
    }

    fn matches(&self, candidate: &str) -> bool {
        candidate == self.text || self.glob.as_ref().is_some_and(|g| g.is_match(candidate))
    }

    fn only_stars(&self) -> bool {
        !self.text.is_empty() && self.text.chars().all(|c| c == '*')
    }
}

/// The versions of `release` that count for `--latest`: those matching the version glob.
fn relevant<'r>(release: &'r Release, version: Option<&Pattern>) -> Vec<&'r str> {
    release
        .versions
        .iter()
        .map(String::as_str)
        .filter(|v| version.is_none_or(|p| p.matches(v)))
        .collect()
}

impl Catalog {
    /// The releases that pass `filter`, ordered by kind, then newest version first
    /// (releases without versions last), then file name.
    ///
    /// Order of operations: type and version filters, then `latest` (per kind, the
    /// newest version among the remaining releases — counting only versions that match
    /// the version glob, if any — and every release belonging to it; releases without
    /// versions survive only when their kind has no versioned release left), then the
    /// name globs.
    pub fn select(&self, filter: &Filter) -> Vec<&Release> {
        let version = filter
            .version
            .as_deref()
            .map(|v| Pattern::new(v, "version"));
        let names: Vec<Pattern> = filter
            .names
            .iter()
            .map(|n| Pattern::new(n, "name"))
            .collect();

        let mut selected: Vec<&Release> = self
            .releases
            .iter()
            .filter(|r| filter.types.is_empty() || filter.types.contains(&r.kind))
            .filter(|r| match &version {
                None => true,
                Some(p) if r.versions.is_empty() => p.only_stars(),
                Some(p) => r.versions.iter().any(|v| p.matches(v)),
            })
            .collect();

        // Names narrow the set before --latest picks the newest version, so
        // `--latest 'PATCH_SUPEE-*'` means the newest SUPEE patch.
        if !names.is_empty() {
            selected.retain(|r| names.iter().any(|p| p.matches(&r.file_name)));
        }

        if filter.latest {
            let mut newest: HashMap<&Kind, &str> = HashMap::new();
            for release in &selected {
                for v in relevant(release, version.as_ref()) {
                    let slot = newest.entry(&release.kind).or_insert(v);
                    if compare_versions(v, slot).is_gt() {
                        *slot = v;
                    }
                }
            }
            selected.retain(|r| match newest.get(&r.kind) {
                None => true,
                Some(top) => relevant(r, version.as_ref())
                    .iter()
                    .any(|v| compare_versions_loose(v, top).is_eq()),
            });
        }

        selected.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then_with(|| match (a.newest_version(), b.newest_version()) {
                    (Some(x), Some(y)) => compare_versions(y, x),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                })
                .then_with(|| a.file_name.cmp(&b.file_name))
        });
        selected
    }
}

impl Catalog {
    /// The catalog name a mistyped `name` most likely meant: the same name
    /// in another case, else the closest by edit distance (at most a few
    /// edits, for names long enough to tell).
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let names = self.releases.iter().map(|r| r.file_name.as_str());
        if let Some(same) = names.clone().find(|n| n.eq_ignore_ascii_case(name)) {
            return Some(same);
        }
        let limit = (name.chars().count() / 8).clamp(1, 3);
        names
            .map(|n| (strsim::levenshtein(n, name), n))
            .filter(|(d, _)| *d <= limit)
            .min_by_key(|(d, _)| *d)
            .map(|(_, n)| n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::fixtures::*;
    use crate::catalog::{parse_json, parse_table};

    #[test]
    fn select_everything_in_order() {
        let catalog = feed();
        let all = select(&catalog, &[], None, false, &[]);
        assert_eq!(
            all,
            strings(&[
                "Magento-CE-2.4.2.tar.gz",
                "Magento-CE-2.4.2_sample_data.zip",
                "Magento-CE-2.0.7.tar.gz",
                "Magento-CE-2.0.2+sample_data.zip",
                "magento-1.9.1.0.tar.gz",
                "mc-35514-2.4.0-ce-composer-2020-07-30-05-43-25.patch",
                MAGETWO,
                "PATCH_SUPEE-6788_CE_1.9.2.1_v1.sh",
                "PATCH_SUPEE-6788_CE_1.9.1.0_v1.sh",
                "Magento-EE-2.3.4-2020-01-22-11-32-19.zip",
                "Magento-EE-2.0.4.zip",
                "PATCH_SUPEE-1533_EE_1.13.x_v1.sh",
                OTHER_FILE,
            ])
        );
        // The table gives the same selection.
        let table = parse_table(INFO_FILES).unwrap();
        assert_eq!(names(&table.select(&Filter::default())), all);
    }

    #[test]
    fn select_by_type() {
        let catalog = feed();
        assert_eq!(
            select(&catalog, &[Kind::EeFull, Kind::Other], None, false, &[]),
            strings(&[
                "Magento-EE-2.3.4-2020-01-22-11-32-19.zip",
                "Magento-EE-2.0.4.zip",
                OTHER_FILE
            ])
        );
        assert!(select(&catalog, &[Kind::Unknown("x".into())], None, false, &[]).is_empty());
    }

    #[test]
    fn select_by_version_glob() {
        let catalog = feed();
        assert_eq!(
            select(&catalog, &[], Some("2.4.*"), false, &[]),
            strings(&[
                "Magento-CE-2.4.2.tar.gz",
                "Magento-CE-2.4.2_sample_data.zip",
                "mc-35514-2.4.0-ce-composer-2020-07-30-05-43-25.patch",
            ])
        );
        // Any of the versions a file belongs to.
        assert_eq!(
            select(&catalog, &[], Some("2.2.*"), false, &[]),
            strings(&[MAGETWO])
        );
        assert_eq!(
            select(&catalog, &[], Some("1.13.0.?"), false, &[]),
            strings(&["PATCH_SUPEE-1533_EE_1.13.x_v1.sh"])
        );
        // Exact version, no wildcard.
        assert_eq!(
            select(&catalog, &[], Some("2.0.4"), false, &[]),
            strings(&["Magento-EE-2.0.4.zip"])
        );
        assert!(select(&catalog, &[], Some("2.4"), false, &[]).is_empty());
        // Files without a version match only `*`.
        assert!(select(&catalog, &[], Some("*"), false, &[]).contains(&OTHER_FILE.to_string()));
        assert!(select(&catalog, &[], Some("**"), false, &[]).contains(&OTHER_FILE.to_string()));
        assert!(!select(&catalog, &[], Some("2.*"), false, &[]).contains(&OTHER_FILE.to_string()));
        assert!(!select(&catalog, &[], Some("*.*"), false, &[]).contains(&OTHER_FILE.to_string()));
        // Same as the server's 2.0.* listing.
        let table = parse_table(FILTER_2_0).unwrap();
        assert_eq!(
            select(&catalog, &[], Some("2.0.*"), false, &[]),
            names(&table.select(&Filter::default()))
        );
        // Combined with a type.
        assert_eq!(
            select(&catalog, &[Kind::CePatch], Some("2.4.*"), false, &[]),
            strings(&["mc-35514-2.4.0-ce-composer-2020-07-30-05-43-25.patch"])
        );
    }

    #[test]
    fn select_latest_per_type() {
        let catalog = feed();
        assert_eq!(
            select(&catalog, &[], None, true, &[]),
            strings(&[
                "Magento-CE-2.4.2.tar.gz",
                "Magento-CE-2.4.2_sample_data.zip",
                "mc-35514-2.4.0-ce-composer-2020-07-30-05-43-25.patch",
                "Magento-EE-2.3.4-2020-01-22-11-32-19.zip",
                "PATCH_SUPEE-1533_EE_1.13.x_v1.sh",
                OTHER_FILE,
            ])
        );
        assert_eq!(
            select(&catalog, &[Kind::CeFull], None, true, &[]),
            strings(&[
                "Magento-CE-2.4.2.tar.gz",
                "Magento-CE-2.4.2_sample_data.zip"
            ])
        );
        // Latest within the version glob.
        assert_eq!(
            select(&catalog, &[], Some("2.0.*"), true, &[]),
            strings(&["Magento-CE-2.0.7.tar.gz", "Magento-EE-2.0.4.zip"])
        );
        assert_eq!(
            select(&catalog, &[Kind::CePatch], Some("1.*"), true, &[]),
            strings(&["PATCH_SUPEE-6788_CE_1.9.2.1_v1.sh"])
        );
        // A patch counts for the newest version when its list includes it.
        assert_eq!(
            select(&catalog, &[Kind::CePatch], Some("2.[123].*"), true, &[]),
            strings(&[MAGETWO])
        );
        // Names narrow the set first: the newest SUPEE patch per type.
        assert_eq!(
            select(&catalog, &[], None, true, &["PATCH_SUPEE-*"]),
            strings(&[
                "PATCH_SUPEE-6788_CE_1.9.2.1_v1.sh",
                "PATCH_SUPEE-1533_EE_1.13.x_v1.sh"
            ])
        );
        assert_eq!(
            select(&catalog, &[], None, true, &["*.zip"]),
            strings(&[
                "Magento-CE-2.4.2_sample_data.zip",
                "Magento-EE-2.3.4-2020-01-22-11-32-19.zip"
            ])
        );
    }

    #[test]
    fn select_latest_with_unversioned_releases() {
        let json = r#"{
            "other": [{"file_name": "loose-a"}, {"file_name": "loose-b"}],
            "ce-patch": {"2.4.1": [{"file_name": "old.patch"}], "2.4.10": [{"file_name": "new.patch"}, {"file_name": "new2.patch", "ce_versions": ["2.4.9"]}]},
            "ee-patch": [{"file_name": "unversioned.patch"}, {"file_name": "v.patch", "ee_versions": ["2.4.0-p1", "2.4.0"]}]
        }"#;
        let catalog = parse_json(json.as_bytes()).unwrap();
        assert_eq!(
            select(&catalog, &[], None, true, &[]),
            strings(&["new.patch", "new2.patch", "v.patch", "loose-a", "loose-b"])
        );
        assert_eq!(
            select(&catalog, &[], Some("*"), true, &[]),
            strings(&["new.patch", "new2.patch", "v.patch", "loose-a", "loose-b"])
        );
        // 1.9.1 and 1.9.1.0 are the same version for --latest.
        let json = r#"{"ce-full": {"1.9.1": [{"file_name": "a"}], "1.9.1.0": [{"file_name": "b"}], "1.9.0.1": [{"file_name": "c"}]}}"#;
        let catalog = parse_json(json.as_bytes()).unwrap();
        assert_eq!(select(&catalog, &[], None, true, &[]), strings(&["b", "a"]));
    }

    #[test]
    fn select_by_name_globs() {
        let catalog = feed();
        assert_eq!(
            select(
                &catalog,
                &[],
                None,
                false,
                &["Magento-CE-2.0.2+sample_data.zip"]
            ),
            strings(&["Magento-CE-2.0.2+sample_data.zip"])
        );
        assert_eq!(
            select(&catalog, &[], None, false, &["PATCH_SUPEE-6788_*", "*.zip"]).len(),
            6
        );
        assert!(
            select(&catalog, &[], None, false, &["magento-ce-2.4.2.tar.gz"]).is_empty(),
            "case-sensitive"
        );
        assert!(
            select(&catalog, &[], None, false, &["Magento-CE-2.4.2"]).is_empty(),
            "a plain name is exact"
        );
        assert_eq!(
            select(
                &catalog,
                &[Kind::CeFull],
                None,
                false,
                &["Magento-CE-2.?.?.tar.gz"]
            ),
            strings(&["Magento-CE-2.4.2.tar.gz", "Magento-CE-2.0.7.tar.gz"])
        );
        // Odd characters in names: '/' is an ordinary character, `[x]` is literal when it
        // is the exact name, `\` escapes.
        let json = r#"{"other": [{"file_name": "dir/file[1].zip"}, {"file_name": "file1.zip"}, {"file_name": "star*.zip"}, {"file_name": "stars.zip"}]}"#;
        let odd = parse_json(json.as_bytes()).unwrap();
        assert_eq!(
            select(&odd, &[], None, false, &["*file[1].zip"]),
            strings(&["file1.zip"])
        );
        assert_eq!(
            select(&odd, &[], None, false, &["dir/file[1].zip"]),
            strings(&["dir/file[1].zip"])
        );
        assert_eq!(
            select(&odd, &[], None, false, &["dir/*"]),
            strings(&["dir/file[1].zip"])
        );
        assert_eq!(
            select(&odd, &[], None, false, &[r"star\*.zip"]),
            strings(&["star*.zip"])
        );
        assert_eq!(
            select(&odd, &[], None, false, &["{star,file}*.zip"]),
            strings(&["file1.zip", "star*.zip", "stars.zip"])
        );
    }

    #[test]
    fn a_mistyped_name_gets_its_likely_meaning() {
        let c = feed();
        assert_eq!(
            c.suggest("magento-ce-2.4.2.tar.gz"),
            Some("Magento-CE-2.4.2.tar.gz")
        );
        assert_eq!(
            c.suggest("Magento-CE-2.4.2.tar.gzz"),
            Some("Magento-CE-2.4.2.tar.gz")
        );
        assert_eq!(c.suggest("something-else-entirely.zip"), None);
    }

    #[test]
    fn bad_globs_are_reported() {
        for bad in ["foo[", "{a,b", "a\\", "[z-a]", ""] {
            let err = Filter::new(vec![], None, false, &strings(&[bad])).unwrap_err();
            assert!(matches!(err, CatalogError::BadGlob(_)), "{bad}: {err}");
            let text = err.to_string();
            assert!(text.contains(bad), "{text}");
            assert!(!text.contains('\n'), "{text}");
            let err = Filter::new(vec![], Some(bad), false, &[]).unwrap_err();
            assert!(matches!(err, CatalogError::BadGlob(_)), "{bad}: {err}");
            assert!(err.to_string().contains("version"));
        }
        let err = Filter::new(vec![], Some("2.4.[\n"), false, &[]).unwrap_err();
        assert!(!err.to_string().contains('\n'), "{err}");
    }

    #[test]
    fn select_survives_fields_changed_after_new() {
        let catalog = feed();
        let mut filter = Filter::new(vec![], None, false, &[]).unwrap();
        filter.names = strings(&["foo["]);
        assert!(catalog.select(&filter).is_empty());
        filter.names.clear();
        filter.version = Some("2.4.*".into());
        assert_eq!(catalog.select(&filter).len(), 3);
    }
}
