//! `info/json`: the endpoint's JSON catalogue, parsed into a [`Catalog`], and narrowed
//! to the files a mirror holds.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{Builder, Catalog, CatalogError, Kind, Release, normalize_md5, one_line};

/// Parses the `info/json` body.
///
/// The top level must be an object whose keys are types ([`Kind::from_key`]). A type's
/// value may be a list of file objects, an object of lists keyed by version, or an
/// object of single file objects keyed by version or by file name (a key counts as a
/// version only when it starts with a digit). Versions also come from `ce_versions` /
/// `ee_versions`. Entries without a usable `file_name` and values of unexpected shapes
/// are skipped with a warning.
pub fn parse_json(bytes: &[u8]) -> Result<Catalog, CatalogError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| CatalogError::Json(one_line(&e.to_string())))?;
    let Value::Object(top) = value else {
        return Err(CatalogError::Json(format!(
            "the top level is {}, expected an object",
            describe(&value)
        )));
    };
    let mut builder = Builder::default();
    for (key, value) in &top {
        let kind = Kind::from_key(key);
        let origin = one_line(key);
        match value {
            Value::Array(items) => builder.add_json_list(&kind, &origin, None, items),
            Value::Object(map) if looks_like_entry(map) => {
                builder.add_json_entry(&kind, &origin, None, map);
            }
            Value::Object(map) => {
                for (sub, value) in map {
                    let origin = format!("{origin}/{}", one_line(sub));
                    match value {
                        Value::Array(items) => {
                            let version = Some(sub.trim()).filter(|v| !v.is_empty());
                            builder.add_json_list(&kind, &origin, version, items);
                        }
                        Value::Object(entry) => {
                            let version = Some(sub.trim())
                                .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()));
                            builder.add_json_entry(&kind, &origin, version, entry);
                        }
                        other => builder.warn(format!(
                            "info/json: `{origin}` is {}, expected a list or an object; skipped",
                            describe(other)
                        )),
                    }
                }
            }
            other => builder.warn(format!(
                "info/json: `{origin}` is {}, expected a list or an object; skipped",
                describe(other)
            )),
        }
    }
    Ok(builder.finish())
}

/// An object that is itself a file entry (rather than a map of entries).
fn looks_like_entry(map: &Map<String, Value>) -> bool {
    map.get("file_name").is_some_and(Value::is_string)
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl Builder {
    fn add_json_list(&mut self, kind: &Kind, origin: &str, version: Option<&str>, items: &[Value]) {
        for (i, item) in items.iter().enumerate() {
            let origin = format!("{origin}[{i}]");
            match item {
                Value::Object(entry) => self.add_json_entry(kind, &origin, version, entry),
                other => self.warn(format!(
                    "info/json: `{origin}` is {}, expected a file object; skipped",
                    describe(other)
                )),
            }
        }
    }

    fn add_json_entry(
        &mut self,
        kind: &Kind,
        origin: &str,
        version: Option<&str>,
        entry: &Map<String, Value>,
    ) {
        let title = entry
            .get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
            .to_string();
        let file_name = match entry.get("file_name").and_then(Value::as_str) {
            Some(name) if !name.trim().is_empty() => name.to_string(),
            _ => {
                let what = if title.is_empty() {
                    String::new()
                } else {
                    format!(" (`{}`)", one_line(&title))
                };
                self.warn(format!(
                    "info/json: `{origin}`{what} has no usable file_name; skipped"
                ));
                return;
            }
        };
        let md5 = match entry.get("md5") {
            Some(Value::String(raw)) => {
                let md5 = normalize_md5(raw);
                if md5.is_none() && !raw.trim().is_empty() {
                    self.warn(format!(
                        "info/json: `{}` has a malformed md5 `{}`; ignored",
                        one_line(&file_name),
                        one_line(raw)
                    ));
                }
                md5
            }
            _ => None,
        };
        let mut versions: Vec<String> = version.map(str::to_string).into_iter().collect();
        for field in ["ce_versions", "ee_versions"] {
            match entry.get(field) {
                Some(Value::Array(list)) => versions.extend(
                    list.iter()
                        .filter_map(Value::as_str)
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(str::to_string),
                ),
                Some(Value::String(v)) if !v.trim().is_empty() => {
                    versions.push(v.trim().to_string());
                }
                _ => {}
            }
        }
        self.add(Release {
            file_name,
            kind: kind.clone(),
            title,
            versions,
            md5,
        });
    }
}

/// The `info/json` body without the entries whose `file_name` is not in `held`, in
/// whatever shape each type had (list, object of lists, object of objects); a version
/// key whose list empties is dropped. This is what `sync --mirror` serves, so that a
/// client of the mirror is never offered a file it would get a 404 for.
///
/// `None` when the body is not a JSON object.
pub fn narrow_json(raw: &[u8], held: &HashSet<String>) -> Option<Vec<u8>> {
    let keep = |v: &Value| {
        v.get("file_name")
            .and_then(Value::as_str)
            .is_some_and(|n| held.contains(n))
    };
    let mut feed: Value = serde_json::from_slice(raw).ok()?;
    feed.as_object_mut()?.retain(|_, kind| match kind {
        Value::Array(list) => {
            list.retain(keep);
            true
        }
        // A single entry right under its type, as `parse_json` accepts it.
        Value::Object(map) if looks_like_entry(map) => keep(kind),
        Value::Object(map) => {
            map.retain(|_, v| match v {
                Value::Array(list) => {
                    list.retain(keep);
                    !list.is_empty()
                }
                other => keep(other),
            });
            true
        }
        _ => true,
    });
    serde_json::to_vec_pretty(&feed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Filter;
    use crate::catalog::fixtures::*;

    #[test]
    fn narrowing_keeps_a_held_single_entry_under_its_type() {
        let raw = br#"{"other": {"file_name": "one.sh", "md5": ""}, "ce-patch": {"file_name": "two.sh"}}"#;
        let held: HashSet<String> = ["one.sh".to_string()].into();
        let narrowed = narrow_json(raw, &held).unwrap();
        let catalog = parse_json(&narrowed).unwrap();
        let names: Vec<&str> = catalog
            .releases
            .iter()
            .map(|r| r.file_name.as_str())
            .collect();
        assert_eq!(names, ["one.sh"]);
    }

    #[test]
    fn json_fixture_gives_thirteen_releases() {
        let catalog = feed();
        assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
        assert_eq!(catalog.releases.len(), 13);
        for (kind, file_name, md5) in EXPECTED {
            let release = catalog
                .find(file_name)
                .unwrap_or_else(|| panic!("{file_name} missing"));
            assert_eq!(release.kind, kind, "{file_name}");
            assert_eq!(release.md5.as_deref(), md5, "{file_name}");
        }
        // Output is grouped by kind.
        assert!(catalog.releases.windows(2).all(|w| w[0].kind <= w[1].kind));
    }

    #[test]
    fn json_merges_patch_listed_under_three_versions() {
        let catalog = feed();
        let hits: Vec<_> = catalog
            .releases
            .iter()
            .filter(|r| r.file_name == MAGETWO)
            .collect();
        assert_eq!(hits.len(), 1);
        let patch = hits[0];
        assert_eq!(patch.versions, strings(&["2.3.1", "2.2.8", "2.1.17"]));
        assert_eq!(
            patch.title,
            "MAGETWO-98833 Admin Dashboard Charts (composer)"
        );
        assert_eq!(
            patch.md5.as_deref(),
            Some("4abf751d1e9c9a79570fee8dc350880d")
        );
        assert_eq!(patch.newest_version(), Some("2.3.1"));
    }

    #[test]
    fn json_fields_of_individual_entries() {
        let catalog = feed();
        let ce207 = catalog.find("Magento-CE-2.0.7.tar.gz").unwrap();
        assert_eq!(ce207.md5, None);
        assert_eq!(ce207.versions, strings(&["2.0.7"]));
        assert_eq!(ce207.title, "Magento Community Edition 2.0.7.tar.gz");
        let plus = catalog.find("Magento-CE-2.0.2+sample_data.zip").unwrap();
        assert_eq!(plus.versions, strings(&["2.0.2"]));
        let ee_patch = catalog.find("PATCH_SUPEE-1533_EE_1.13.x_v1.sh").unwrap();
        assert_eq!(
            ee_patch.versions,
            strings(&["1.13.1.0", "1.13.0.2", "1.13.0.1", "1.13.0.0"])
        );
        let other = catalog.find(OTHER_FILE).unwrap();
        assert_eq!(other.kind, Kind::Other);
        assert!(other.versions.is_empty());
        assert_eq!(other.title, "PHP 7.2 support for CE 1.9.3.0");
    }

    #[test]
    fn json_other_as_dict_of_lists() {
        let json = r#"{"other": {"1.9.3.0": [{"name": "PHP 7", "file_name": "php7.sh", "md5": ""}], "2.0.0": []}}"#;
        let catalog = parse_json(json.as_bytes()).unwrap();
        assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
        assert_eq!(catalog.releases.len(), 1);
        let release = &catalog.releases[0];
        assert_eq!(release.kind, Kind::Other);
        assert_eq!(release.versions, strings(&["1.9.3.0"]));
        assert_eq!(release.md5, None);
    }

    #[test]
    fn json_dict_of_objects_keyed_by_version_or_file_name() {
        let json = r#"{"other": {
            "1.9.3.0": {"name": "PHP 7", "file_name": "php7.sh", "md5": "574AE7BCB2A48853866823960D8A2949"},
            "tools.zip": {"file_name": "tools.zip"}
        }}"#;
        let catalog = parse_json(json.as_bytes()).unwrap();
        assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
        let php7 = catalog.find("php7.sh").unwrap();
        assert_eq!(php7.versions, strings(&["1.9.3.0"]));
        assert_eq!(
            php7.md5.as_deref(),
            Some("574ae7bcb2a48853866823960d8a2949")
        );
        let tools = catalog.find("tools.zip").unwrap();
        assert!(tools.versions.is_empty());
        assert_eq!(tools.title, "");
        assert_eq!(tools.md5, None);
    }

    #[test]
    fn json_single_entry_object_under_a_type() {
        let json = r#"{"other": {"name": "One", "file_name": "one.sh", "md5": null}}"#;
        let catalog = parse_json(json.as_bytes()).unwrap();
        assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
        assert_eq!(catalog.releases.len(), 1);
        assert_eq!(catalog.releases[0].title, "One");
    }

    #[test]
    fn json_ignores_unknown_fields_and_keeps_unknown_types() {
        let json = r#"{
            "b2b-full": {"1.3.0": [{"file_name": "b2b-1.3.0.zip", "size": 12, "date": {"y": 2020}, "sha": null, "type": ["x"]}]},
            "ce-full": [{"file_name": "a/b c+d.zip", "name": 7, "md5": 5, "ce_versions": ["2.4.1", 3, null, ""], "extra": true}]
        }"#;
        let catalog = parse_json(json.as_bytes()).unwrap();
        assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
        let b2b = catalog.find("b2b-1.3.0.zip").unwrap();
        assert_eq!(b2b.kind, Kind::Unknown("b2b-full".into()));
        assert_eq!(b2b.versions, strings(&["1.3.0"]));
        let odd = catalog.find("a/b c+d.zip").unwrap();
        assert_eq!(odd.kind, Kind::CeFull);
        assert_eq!(odd.title, "");
        assert_eq!(odd.md5, None);
        assert_eq!(odd.versions, strings(&["2.4.1"]));
        // Known kinds come before unknown ones.
        assert_eq!(catalog.releases[0].kind, Kind::CeFull);
        // Unknown kinds can be selected by the default filter but not by a --type.
        assert_eq!(catalog.select(&Filter::default()).len(), 2);
        assert_eq!(
            select(&catalog, &[Kind::CeFull], None, false, &[]),
            strings(&["a/b c+d.zip"])
        );
    }

    #[test]
    fn json_skips_bad_entries_with_warnings() {
        let json = r#"{
            "ce-full": {
                "2.4.2": [{"name": "No file"}, {"file_name": ""}, {"file_name": 12}, "oops", {"file_name": "ok.zip"}],
                "2.4.3": 42
            },
            "ee-full": null,
            "other": "text"
        }"#;
        let catalog = parse_json(json.as_bytes()).unwrap();
        assert_eq!(catalog.releases.len(), 1);
        assert_eq!(catalog.releases[0].file_name, "ok.zip");
        assert_eq!(catalog.warnings.len(), 7, "{:#?}", catalog.warnings);
        assert!(
            catalog.warnings[0].contains("file_name") && catalog.warnings[0].contains("No file")
        );
        assert!(
            catalog
                .warnings
                .iter()
                .any(|w| w.contains("ce-full/2.4.3") && w.contains("a number"))
        );
        assert!(
            catalog
                .warnings
                .iter()
                .any(|w| w.contains("ee-full") && w.contains("null"))
        );
        assert!(catalog.warnings.iter().all(|w| !w.contains('\n')));
    }

    #[test]
    fn json_md5_forms() {
        let json = r#"{"other": [
            {"file_name": "empty", "md5": ""},
            {"file_name": "null", "md5": null},
            {"file_name": "absent"},
            {"file_name": "upper", "md5": " 574AE7BCB2A48853866823960D8A2949 "},
            {"file_name": "short", "md5": "574ae7"},
            {"file_name": "nothex", "md5": "zzzae7bcb2a48853866823960d8a2949"}
        ]}"#;
        let catalog = parse_json(json.as_bytes()).unwrap();
        let md5 = |name: &str| catalog.find(name).unwrap().md5.clone();
        assert_eq!(md5("empty"), None);
        assert_eq!(md5("null"), None);
        assert_eq!(md5("absent"), None);
        assert_eq!(
            md5("upper").as_deref(),
            Some("574ae7bcb2a48853866823960d8a2949")
        );
        assert_eq!(md5("short"), None);
        assert_eq!(md5("nothex"), None);
        assert_eq!(catalog.warnings.len(), 2, "{:?}", catalog.warnings);
    }

    #[test]
    fn json_merges_duplicates_and_reports_conflicting_md5() {
        let json = r#"{"ce-patch": {
            "2.3.1": [{"file_name": "p.patch", "md5": ""}],
            "2.3.2": [{"file_name": "p.patch", "name": "P", "md5": "11111111111111111111111111111111", "ce_versions": ["2.3.1", "2.3.10"]}],
            "2.3.3": [{"file_name": "p.patch", "md5": "22222222222222222222222222222222"}],
            "2.3.4": [{"file_name": "p.patch", "md5": "11111111111111111111111111111111"}]
        }}"#;
        let catalog = parse_json(json.as_bytes()).unwrap();
        assert_eq!(catalog.releases.len(), 1);
        let patch = &catalog.releases[0];
        assert_eq!(
            patch.versions,
            strings(&["2.3.10", "2.3.4", "2.3.3", "2.3.2", "2.3.1"])
        );
        assert_eq!(patch.title, "P");
        assert_eq!(
            patch.md5.as_deref(),
            Some("11111111111111111111111111111111")
        );
        assert_eq!(catalog.warnings.len(), 1, "{:?}", catalog.warnings);
        assert!(
            catalog.warnings[0].contains("p.patch")
                && catalog.warnings[0].contains("22222222222222222222222222222222")
        );
    }

    #[test]
    fn json_same_file_under_two_kinds_is_one_release() {
        let json = r#"{"ce-patch": [{"file_name": "x.sh"}], "ee-patch": [{"file_name": "x.sh", "ee_versions": ["1.14.0.0"]}]}"#;
        let catalog = parse_json(json.as_bytes()).unwrap();
        assert_eq!(catalog.releases.len(), 1);
        assert_eq!(catalog.releases[0].kind, Kind::CePatch);
        assert_eq!(catalog.releases[0].versions, strings(&["1.14.0.0"]));
        assert_eq!(catalog.warnings.len(), 1);
    }

    #[test]
    fn json_rejects_non_objects_and_garbage() {
        for body in [
            "[]",
            "42",
            "\"x\"",
            "null",
            "",
            "{",
            "<html>Unauthorized</html>",
        ] {
            let err = parse_json(body.as_bytes()).unwrap_err();
            assert!(matches!(err, CatalogError::Json(_)), "{body}: {err}");
            assert!(!err.to_string().contains('\n'));
        }
        assert_eq!(parse_json(b"{}").unwrap(), Catalog::default());
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), b"{\"other\": []}"].concat();
        assert_eq!(parse_json(&with_bom).unwrap(), Catalog::default());
    }

    fn held(names: &[&str]) -> HashSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn narrowed(raw: &[u8], names: &[&str]) -> Value {
        let out = narrow_json(raw, &held(names)).expect("a JSON object narrows");
        serde_json::from_slice(&out).expect("the narrowed feed is JSON")
    }

    #[test]
    fn narrow_json_keeps_only_held_files_of_the_fixture_feed() {
        let original: Value = serde_json::from_str(FEED).unwrap();
        let got = narrowed(FEED.as_bytes(), &[MAGETWO, OTHER_FILE]);
        // Every type key stays; version keys whose list emptied are gone.
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            keys(&got),
            strings(&["ce-full", "ce-patch", "ee-full", "ee-patch", "other"])
        );
        for kind in ["ce-full", "ee-full", "ee-patch"] {
            assert_eq!(got[kind], serde_json::json!({}), "{kind}");
        }
        let mut versions = keys(&got["ce-patch"]);
        versions.sort();
        assert_eq!(versions, strings(&["2.1.17", "2.2.8", "2.3.1"]));
        // The kept entries are untouched, field for field.
        for v in &versions {
            assert_eq!(got["ce-patch"][v], original["ce-patch"][v], "{v}");
        }
        assert_eq!(got["other"], original["other"]);
        // What a mirror client parses from it: exactly the held files.
        let catalog = parse_json(&serde_json::to_vec(&got).unwrap()).unwrap();
        assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
        let mut files: Vec<_> = catalog
            .releases
            .iter()
            .map(|r| r.file_name.as_str())
            .collect();
        files.sort();
        assert_eq!(files, vec![MAGETWO, OTHER_FILE]);
        assert_eq!(
            catalog.find(MAGETWO).unwrap(),
            feed().find(MAGETWO).unwrap()
        );
    }

    #[test]
    fn narrow_json_in_every_shape() {
        let raw = br#"{
            "ce-full": [{"file_name": "a.zip"}, {"file_name": "b.zip"}, {"name": "no file name"}],
            "ce-patch": {"2.4.1": [{"file_name": "p1"}, {"file_name": "a.zip"}], "2.4.2": [{"file_name": "p2"}]},
            "other": {"1.9.3.0": {"file_name": "b.zip", "md5": ""}, "tools.zip": {"file_name": "tools.zip"}},
            "ee-full": null
        }"#;
        let got = narrowed(raw, &["a.zip", "b.zip"]);
        assert_eq!(
            got,
            serde_json::json!({
                "ce-full": [{"file_name": "a.zip"}, {"file_name": "b.zip"}],
                "ce-patch": {"2.4.1": [{"file_name": "a.zip"}]},
                "other": {"1.9.3.0": {"file_name": "b.zip", "md5": ""}},
                "ee-full": null
            })
        );
        // Nothing held: every list and object empties, values of other shapes stay.
        assert_eq!(
            narrowed(raw, &[]),
            serde_json::json!({"ce-full": [], "ce-patch": {}, "other": {}, "ee-full": null})
        );
        assert_eq!(
            parse_json(&narrow_json(FEED.as_bytes(), &held(&[])).unwrap()).unwrap(),
            Catalog::default()
        );
    }

    #[test]
    fn narrow_json_gives_up_on_anything_but_an_object() {
        for body in ["", "[]", "42", "null", "{", "<html>Unauthorized</html>"] {
            assert_eq!(
                narrow_json(body.as_bytes(), &held(&["a"])),
                None,
                "{body:?}"
            );
        }
    }
}
