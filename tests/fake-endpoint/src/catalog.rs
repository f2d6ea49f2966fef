//! The built-in catalogue (the sample rows described in `docs/endpoint.md`)
//! and its text / JSON renderings.

use crate::{Body, FileSpec, Md5, OtherShape};

/// Categories in listing / feed order.
pub(crate) const CATEGORIES: [&str; 5] = ["ce-full", "ce-patch", "ee-full", "ee-patch", "other"];

/// The `info/help` body; the same file the tests compare the route against.
pub(crate) const HELP: &str = include_str!("../../fixtures/info_help.txt");

pub(crate) const NO_RESULTS: &str = "No results found.\n";

/// The exact fixture body of a built-in catalogue file.
pub fn fixture_body(file_name: &str) -> Vec<u8> {
    format!("MAGENTO-DOWNLOADS-FIXTURE {file_name}\n").into_bytes()
}

fn spec(
    category: &str,
    version: Option<&str>,
    title: &str,
    file_name: &str,
    md5: Md5,
    extra: &[&str],
    date: &str,
) -> FileSpec {
    FileSpec {
        category: category.to_string(),
        version: version.map(str::to_string),
        title: title.to_string(),
        file_name: file_name.to_string(),
        body: Body::Bytes(fixture_body(file_name)),
        md5,
        extra_versions: extra.iter().map(|s| s.to_string()).collect(),
        date: date.to_string(),
    }
}

/// The built-in catalogue: one `FileSpec` per listing row / feed entry
/// (a patch listed under several version keys appears once per key).
pub fn default_catalog() -> Vec<FileSpec> {
    use Md5::{Correct, Empty};
    const M98833: &str = "MAGETWO-98833_composer_patch-2019-04-15-04-37-48.patch";
    const M98833_T: &str = "MAGETWO-98833 Admin Dashboard Charts (composer)";
    const M98833_V: [&str; 3] = ["2.1.17", "2.2.8", "2.3.1"];
    let mut v = vec![
        spec(
            "ce-full",
            Some("2.4.2"),
            "Magento Open Source 2.4.2.tar.gz",
            "Magento-CE-2.4.2.tar.gz",
            Correct,
            &[],
            "2021-02-09 10:00:00",
        ),
        spec(
            "ce-full",
            Some("2.4.2"),
            "Magento Open Source 2.4.2 with Sample Data.zip",
            "Magento-CE-2.4.2_sample_data.zip",
            Correct,
            &[],
            "2021-02-09 10:05:00",
        ),
        spec(
            "ce-full",
            Some("2.0.7"),
            "Magento Community Edition 2.0.7.tar.gz",
            "Magento-CE-2.0.7.tar.gz",
            Empty,
            &[],
            "2016-05-27 09:00:00",
        ),
        spec(
            "ce-full",
            Some("2.0.2"),
            "Magento Community Edition 2.0.2 with Sample Data.zip",
            "Magento-CE-2.0.2+sample_data.zip",
            Correct,
            &[],
            "2016-01-28 06:33:00",
        ),
        spec(
            "ce-full",
            Some("1.9.1.0"),
            "magento-1.9.1.0.tar.gz",
            "magento-1.9.1.0.tar.gz",
            Correct,
            &[],
            "2014-11-24 12:00:00",
        ),
        spec(
            "ce-patch",
            Some("2.4.0"),
            "MC-35514 hotfix for 2.4.0 (composer)",
            "mc-35514-2.4.0-ce-composer-2020-07-30-05-43-25.patch",
            Correct,
            &["2.4.0"],
            "2020-07-30 05:43:25",
        ),
    ];
    for ver in M98833_V {
        v.push(spec(
            "ce-patch",
            Some(ver),
            M98833_T,
            M98833,
            Correct,
            &M98833_V,
            "2019-04-15 04:37:48",
        ));
    }
    v.extend([
        spec(
            "ce-patch",
            Some("1.9.2.1"),
            "SUPEE-6788 for CE 1.9.2.1",
            "PATCH_SUPEE-6788_CE_1.9.2.1_v1.sh",
            Correct,
            &["1.9.2.1"],
            "2015-10-27 00:00:00",
        ),
        spec(
            "ce-patch",
            Some("1.9.1.0"),
            "SUPEE-6788 for CE 1.9.1.0",
            "PATCH_SUPEE-6788_CE_1.9.1.0_v1.sh",
            Correct,
            &["1.9.1.0"],
            "2015-10-27 00:00:00",
        ),
        spec(
            "ee-full",
            Some("2.3.4"),
            "Magento Commerce 2.3.4.zip",
            "Magento-EE-2.3.4-2020-01-22-11-32-19.zip",
            Correct,
            &[],
            "2020-01-28 00:00:00",
        ),
        spec(
            "ee-full",
            Some("2.0.4"),
            "Magento Enterprise Edition - version 2.0.4.zip",
            "Magento-EE-2.0.4.zip",
            Correct,
            &[],
            "2016-03-31 00:00:00",
        ),
        spec(
            "ee-patch",
            Some("1.13.1.0"),
            "SUPEE-1533 for EE 1.13.x",
            "PATCH_SUPEE-1533_EE_1.13.x_v1.sh",
            Correct,
            &["1.13.0.0", "1.13.0.1", "1.13.0.2", "1.13.1.0"],
            "2014-10-03 00:00:00",
        ),
        spec(
            "other",
            None,
            "PHP 7.2 support for CE 1.9.3.0",
            "PATCH-1.9.3.0_PHP7-2018-09-13-07-59-59.2_v2",
            Correct,
            &[],
            "2018-09-13 07:59:59",
        ),
    ]);
    v
}

/// One catalogue entry as it is listed right now.
pub(crate) struct Listed {
    pub spec: FileSpec,
    /// `None`: md5 key absent; `Some("")`: empty md5.
    pub md5: Option<String>,
    pub size: u64,
}

pub(crate) fn type_label(category: &str) -> &str {
    match category {
        "ce-full" => "Community Edition - Full",
        "ce-patch" => "Community Edition - Patch",
        "ee-full" => "Enterprise Edition - Full",
        "ee-patch" => "Enterprise Edition - Patch",
        "other" => "Other",
        other => other,
    }
}

/// Categories present, in feed order: the five known ones first, then
/// unknown ones in order of first appearance.
fn category_order(entries: &[Listed]) -> Vec<String> {
    let mut cats: Vec<String> = CATEGORIES.iter().map(|s| s.to_string()).collect();
    for e in entries {
        if !cats.contains(&e.spec.category) {
            cats.push(e.spec.category.clone());
        }
    }
    cats
}

/// Entries of one category grouped by version key (first-appearance order).
fn grouped<'a>(entries: &'a [Listed], category: &str) -> Vec<(Option<String>, Vec<&'a Listed>)> {
    let mut groups: Vec<(Option<String>, Vec<&Listed>)> = Vec::new();
    for e in entries.iter().filter(|e| e.spec.category == category) {
        match groups.iter_mut().find(|(k, _)| *k == e.spec.version) {
            Some((_, list)) => list.push(e),
            None => groups.push((e.spec.version.clone(), vec![e])),
        }
    }
    groups
}

/// All entries in listing order.
pub(crate) fn ordered(entries: &[Listed]) -> Vec<&Listed> {
    let mut out = Vec::new();
    for cat in category_order(entries) {
        for (_, list) in grouped(entries, &cat) {
            out.extend(list);
        }
    }
    out
}

/// The fixed-width text table, or `No results found.` when `rows` is empty.
pub(crate) fn table(rows: &[&Listed]) -> String {
    if rows.is_empty() {
        return NO_RESULTS.to_string();
    }
    let header = [
        "File Description",
        "File Type",
        "Md5 Hash",
        "Publication Date",
        "Version",
        "File Name",
    ];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.spec.title.clone(),
                type_label(&r.spec.category).to_string(),
                r.md5.clone().unwrap_or_default(),
                r.spec.date.clone(),
                r.spec.version.clone().unwrap_or_default(),
                r.spec.file_name.clone(),
            ]
        })
        .collect();
    let mut widths = [0usize; 6];
    for (i, w) in widths.iter_mut().enumerate() {
        let max = cells
            .iter()
            .map(|c| c[i].chars().count())
            .chain(std::iter::once(header[i].chars().count()))
            .max()
            .unwrap_or(0);
        *w = max + 10;
    }
    let fmt_line = |line: [&str; 6]| -> String {
        let mut s = String::new();
        for (i, cell) in line.iter().enumerate() {
            s.push_str(cell);
            if i < 5 {
                let pad = widths[i] - cell.chars().count();
                s.extend(std::iter::repeat_n(' ', pad));
            }
        }
        s
    };
    let mut lines = vec![fmt_line(header)];
    for c in &cells {
        lines.push(fmt_line([&c[0], &c[1], &c[2], &c[3], &c[4], &c[5]]));
    }
    let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    out.push_str(&lines[0]);
    out.push('\n');
    out.extend(std::iter::repeat_n('-', longest));
    out.push('\n');
    for l in &lines[1..] {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// `*` matches any run of characters; everything else is literal.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None, 0usize);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

pub(crate) fn filter_version<'a>(entries: &'a [Listed], pattern: &str) -> Vec<&'a Listed> {
    let only_stars = pattern.chars().all(|c| c == '*');
    ordered(entries)
        .into_iter()
        .filter(|e| match &e.spec.version {
            Some(v) if !v.is_empty() => glob_match(pattern, v),
            _ => only_stars,
        })
        .collect()
}

pub(crate) fn filter_type<'a>(entries: &'a [Listed], ty: &str) -> Vec<&'a Listed> {
    ordered(entries)
        .into_iter()
        .filter(|e| e.spec.category == ty)
        .collect()
}

/// The `info/versions` body.
pub(crate) fn versions(entries: &[Listed]) -> String {
    let mut out = String::new();
    for (title, cat) in [("CE Versions", "ce-full"), ("EE Versions", "ee-full")] {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(title);
        out.push('\n');
        out.extend(std::iter::repeat_n('-', title.len()));
        out.push('\n');
        for (key, _) in grouped(entries, cat) {
            if let Some(k) = key {
                out.push_str(&k);
                out.push('\n');
            }
        }
    }
    out
}

fn js(s: &str) -> String {
    serde_json::to_string(s).expect("string serialises")
}

fn file_object(e: &Listed, extra_fields: bool) -> String {
    let mut s = format!(
        "{{\"name\": {}, \"file_name\": {}",
        js(&e.spec.title),
        js(&e.spec.file_name)
    );
    if let Some(m) = &e.md5 {
        s.push_str(&format!(", \"md5\": {}", js(m)));
    }
    let list_key = match e.spec.category.as_str() {
        "ce-patch" => Some("ce_versions"),
        "ee-patch" => Some("ee_versions"),
        _ => None,
    };
    if let Some(k) = list_key {
        let list: Vec<String> = if e.spec.extra_versions.is_empty() {
            e.spec.version.iter().cloned().collect()
        } else {
            e.spec.extra_versions.clone()
        };
        let items: Vec<String> = list.iter().map(|v| js(v)).collect();
        s.push_str(&format!(", \"{k}\": [{}]", items.join(", ")));
    }
    if extra_fields {
        s.push_str(&format!(
            ", \"date\": {}, \"size\": {}, \"type\": {}",
            js(&e.spec.date),
            e.size,
            js(&e.spec.category)
        ));
    }
    s.push('}');
    s
}

fn json_list(items: &[&Listed], extra: bool, indent: &str) -> String {
    if items.is_empty() {
        return "[]".to_string();
    }
    let inner: Vec<String> = items
        .iter()
        .map(|e| format!("{indent}  {}", file_object(e, extra)))
        .collect();
    format!("[\n{}\n{indent}]", inner.join(",\n"))
}

/// The `info/json` body (hand-written so that key order is stable).
pub(crate) fn json(
    entries: &[Listed],
    extra: bool,
    other_shape: OtherShape,
    patch_list: bool,
) -> String {
    let mut parts = Vec::new();
    for cat in category_order(entries) {
        let groups = grouped(entries, &cat);
        let flat: Vec<&Listed> = groups.iter().flat_map(|(_, l)| l.iter().copied()).collect();
        let value = if cat == "other" {
            match other_shape {
                OtherShape::List => json_list(&flat, extra, "  "),
                OtherShape::DictOfLists => dict_of_lists(&groups, extra),
                OtherShape::DictOfObjects => {
                    if flat.is_empty() {
                        "{}".to_string()
                    } else {
                        let inner: Vec<String> = flat
                            .iter()
                            .map(|e| {
                                format!("    {}: {}", js(&e.spec.file_name), file_object(e, extra))
                            })
                            .collect();
                        format!("{{\n{}\n  }}", inner.join(",\n"))
                    }
                }
            }
        } else if cat == "ce-patch" && patch_list {
            json_list(&flat, extra, "  ")
        } else {
            dict_of_lists(&groups, extra)
        };
        parts.push(format!("  {}: {}", js(&cat), value));
    }
    format!("{{\n{}\n}}\n", parts.join(",\n"))
}

fn dict_of_lists(groups: &[(Option<String>, Vec<&Listed>)], extra: bool) -> String {
    if groups.is_empty() {
        return "{}".to_string();
    }
    let inner: Vec<String> = groups
        .iter()
        .map(|(k, list)| {
            format!(
                "    {}: {}",
                js(k.as_deref().unwrap_or("")),
                json_list(list, extra, "    ")
            )
        })
        .collect();
    format!("{{\n{}\n  }}", inner.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob() {
        assert!(glob_match("2.0.*", "2.0.7"));
        assert!(glob_match("*", "x"));
        assert!(glob_match("1.9.1.*", "1.9.1.0"));
        assert!(!glob_match("1.9.1.*", "1.9.0.0"));
        assert!(!glob_match("2.4", "2.4.2"));
        assert!(glob_match("*.2", "2.4.2"));
        assert!(glob_match("2.*.2", "2.4.2"));
        assert!(!glob_match("2.?.2", "2.4.2"));
    }
}
