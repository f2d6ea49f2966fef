//! `info/files` and `info/filter/...`: the endpoint's fixed-width text tables,
//! parsed into a [`Catalog`], and narrowed to the files a mirror holds.

use std::collections::HashSet;

use super::{Builder, Catalog, CatalogError, Kind, Release, normalize_md5, one_line};

const NO_RESULTS: &str = "No results found.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Description,
    Type,
    Md5,
    Date,
    Version,
    FileName,
}

const HEADERS: [(&str, Column); 6] = [
    ("File Description", Column::Description),
    ("File Type", Column::Type),
    ("Md5 Hash", Column::Md5),
    ("Publication Date", Column::Date),
    ("Version", Column::Version),
    ("File Name", Column::FileName),
];

/// Parses an `info/files` or `info/filter/...` body.
///
/// The header line starts with `File Description`; an optional rule of dashes follows.
/// Each column starts where its header name starts, and every row is cut at those
/// offsets (cells may be blank). Both the six-column layout and the old three-column one
/// (`File Description`, `File Type`, `File Name`) are understood. `No results found.`
/// gives an empty catalogue; any other body without a header is an error.
pub fn parse_table(text: &str) -> Result<Catalog, CatalogError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim();
    if trimmed == NO_RESULTS {
        return Ok(Catalog::default());
    }
    if trimmed.is_empty() {
        return Err(CatalogError::Table("the body is empty".to_string()));
    }
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let Some(header_at) = lines
        .iter()
        .position(|l| l.trim_start().starts_with("File Description"))
    else {
        let first = trimmed.lines().next().unwrap_or_default();
        let snippet: String = first.chars().take(60).collect();
        return Err(CatalogError::Table(format!(
            "no `File Description` header line (body starts with `{}`)",
            one_line(&snippet)
        )));
    };
    let columns = locate_columns(lines[header_at])?;
    let offsets: Vec<usize> = columns.iter().map(|&(_, at)| at).collect();

    let mut builder = Builder::default();
    for (n, line) in lines.iter().enumerate().skip(header_at + 1) {
        if line.trim().is_empty() || is_rule(line) {
            continue;
        }
        let cells = cut_row(line, &offsets);
        let cell = |wanted: Column| {
            columns
                .iter()
                .position(|&(c, _)| c == wanted)
                .map_or("", |i| cells[i])
        };
        let file_name = cell(Column::FileName);
        if file_name.is_empty() {
            builder.warn(format!(
                "file listing line {}: no file name; skipped",
                n + 1
            ));
            continue;
        }
        let raw_md5 = cell(Column::Md5);
        let md5 = normalize_md5(raw_md5);
        if md5.is_none() && !raw_md5.is_empty() {
            builder.warn(format!(
                "file listing line {}: malformed md5 `{}` for `{}`; ignored",
                n + 1,
                one_line(raw_md5),
                one_line(file_name)
            ));
        }
        let version = cell(Column::Version);
        builder.add(Release {
            file_name: file_name.to_string(),
            kind: Kind::from_description(cell(Column::Type)),
            title: cell(Column::Description).to_string(),
            versions: if version.is_empty() {
                Vec::new()
            } else {
                vec![version.to_string()]
            },
            md5,
        });
    }
    Ok(builder.finish())
}

/// Finds where each known header name starts; sorted by offset. `File Name` is required.
fn locate_columns(header: &str) -> Result<Vec<(Column, usize)>, CatalogError> {
    let is_gap = |c: char| c.is_whitespace() || c == '|';
    let mut columns = Vec::new();
    for (name, column) in HEADERS {
        let found = header.match_indices(name).map(|(at, _)| at).find(|&at| {
            let before_ok = header[..at].chars().next_back().is_none_or(is_gap);
            let after_ok = header[at + name.len()..].chars().next().is_none_or(is_gap);
            before_ok && after_ok
        });
        if let Some(at) = found {
            columns.push((column, at));
        }
    }
    if !columns.iter().any(|&(c, _)| c == Column::FileName) {
        return Err(CatalogError::Table(
            "the header line has no `File Name` column".to_string(),
        ));
    }
    columns.sort_by_key(|&(_, at)| at);
    Ok(columns)
}

/// A line made of dashes only (the rule under the header).
fn is_rule(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && line.chars().all(|c| c == '-')
}

/// Cuts `line` at the byte `offsets` (moved forward to a character boundary when one
/// falls inside a multi-byte character); cells beyond the end of the line are blank.
fn cut_row<'a>(line: &'a str, offsets: &[usize]) -> Vec<&'a str> {
    let boundary = |at: usize| {
        let mut at = at.min(line.len());
        while !line.is_char_boundary(at) {
            at += 1;
        }
        at
    };
    offsets
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let start = boundary(start);
            let end = offsets.get(i + 1).map_or(line.len(), |&end| boundary(end));
            let cell = if start < end { &line[start..end] } else { "" };
            clean_cell(cell)
        })
        .collect()
}

fn clean_cell(cell: &str) -> &str {
    let cell = cell.trim();
    let cell = cell.strip_prefix('|').unwrap_or(cell);
    let cell = cell.strip_suffix('|').unwrap_or(cell);
    cell.trim()
}

/// The `info/files` table without the rows of files not in `held` (what `sync --mirror`
/// serves); the file name is the last column, found by the header's offset. The header
/// and the rule under it are kept; when no row is left the body is `No results found.`,
/// as the endpoint answers an empty listing.
///
/// `None` when the text has no header line with a `File Name` column and a rule.
pub fn narrow_table(text: &str, held: &HashSet<String>) -> Option<String> {
    let mut lines = text.lines();
    let header = lines.next()?;
    let offset = header.find("File Name")?;
    let rule = lines.next()?;
    let rows: Vec<&str> = lines
        .filter(|row| row.get(offset..).is_some_and(|n| held.contains(n.trim())))
        .collect();
    if rows.is_empty() {
        return Some(format!("{NO_RESULTS}\n"));
    }
    let mut out = format!("{header}\n{rule}\n");
    for row in rows {
        out.push_str(row);
        out.push('\n');
    }
    Some(out)
}

/// The `info/versions` text (`CE Versions`, a rule, one version a line, a
/// blank line, `EE Versions`, ...) with only the versions some held release
/// belongs to: in a `CE` section a CE release (ce-full, ce-patch), in an `EE`
/// section an EE one, elsewhere any.
pub fn narrow_versions(text: &str, held: &[&Release]) -> String {
    let mut out = String::new();
    let mut section: Option<&str> = None;
    let mut rule_seen = false;
    for line in text.lines() {
        let keep = if line.trim().is_empty() {
            section = None;
            rule_seen = false;
            true
        } else if section.is_none() {
            section = Some(line.trim());
            true
        } else if !rule_seen && is_rule(line) {
            rule_seen = true;
            true
        } else {
            let edition = section.and_then(|t| t.split_whitespace().next());
            held.iter().any(|r| {
                r.versions.iter().any(|v| v == line.trim())
                    && match edition {
                        Some("CE") => matches!(r.kind, Kind::CeFull | Kind::CePatch),
                        Some("EE") => matches!(r.kind, Kind::EeFull | Kind::EePatch),
                        _ => true,
                    }
            })
        };
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::fixtures::*;

    #[test]
    fn versions_are_narrowed_to_what_is_held_per_edition() {
        let catalog = crate::catalog::parse_json(FEED.as_bytes()).unwrap();
        let held: Vec<&Release> = catalog
            .releases
            .iter()
            .filter(|r| {
                r.file_name == "Magento-CE-2.0.7.tar.gz" || r.file_name == "Magento-EE-2.0.4.zip"
            })
            .collect();
        let text = include_str!("../../tests/fixtures/versions.txt");
        assert_eq!(
            narrow_versions(text, &held),
            "CE Versions\n-----------\n2.0.7\n\nEE Versions\n-----------\n2.0.4\n"
        );
    }

    #[test]
    fn table_fixture_matches_json_fixture() {
        let table = parse_table(INFO_FILES).unwrap();
        assert!(table.warnings.is_empty(), "{:?}", table.warnings);
        assert_eq!(table.releases.len(), 13);
        for (i, (kind, file_name, md5)) in EXPECTED.into_iter().enumerate() {
            let release = &table.releases[i];
            assert_eq!(release.file_name, file_name);
            assert_eq!(release.kind, kind, "{file_name}");
            assert_eq!(release.md5.as_deref(), md5, "{file_name}");
        }
        let json = feed();
        for release in &table.releases {
            let twin = json.find(&release.file_name).unwrap();
            assert_eq!(release.title, twin.title);
            if release.kind != Kind::EePatch {
                // The table lists the EE patch under one version; the feed names four.
                assert_eq!(release.versions, twin.versions, "{}", release.file_name);
            }
        }
        assert_eq!(
            table.find(MAGETWO).unwrap().versions,
            strings(&["2.3.1", "2.2.8", "2.1.17"])
        );
        assert!(table.find(OTHER_FILE).unwrap().versions.is_empty());
        let blank = table.find("Magento-CE-2.0.7.tar.gz").unwrap();
        assert_eq!(blank.md5, None);
        assert_eq!(blank.versions, strings(&["2.0.7"]));
        assert_eq!(blank.title, "Magento Community Edition 2.0.7.tar.gz");
    }

    #[test]
    fn table_filtered_by_version() {
        let table = parse_table(FILTER_2_0).unwrap();
        assert!(table.warnings.is_empty());
        let got: Vec<_> = table
            .releases
            .iter()
            .map(|r| (r.kind.clone(), r.file_name.as_str(), r.md5.is_some()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Kind::CeFull, "Magento-CE-2.0.7.tar.gz", false),
                (Kind::CeFull, "Magento-CE-2.0.2+sample_data.zip", true),
                (Kind::EeFull, "Magento-EE-2.0.4.zip", true),
            ]
        );
        assert_eq!(
            table.find("Magento-EE-2.0.4.zip").unwrap().title,
            "Magento Enterprise Edition - version 2.0.4.zip"
        );
    }

    #[test]
    fn table_no_results() {
        for body in [
            "No results found.",
            "No results found.\n",
            "  No results found. \r\n\n",
        ] {
            assert_eq!(parse_table(body).unwrap(), Catalog::default(), "{body:?}");
        }
    }

    #[test]
    fn table_without_header_is_an_error() {
        for body in [
            "",
            "\n",
            "<html><body>Access denied</body></html>",
            "No results found. Or some.",
            "File Type   File Name\n",
        ] {
            let err = parse_table(body).unwrap_err();
            assert!(matches!(err, CatalogError::Table(_)), "{body:?}: {err}");
            assert!(!err.to_string().contains('\n'));
        }
        // A header without a File Name column is useless.
        let err = parse_table("File Description   File Type\n------\nx   Other\n").unwrap_err();
        assert!(matches!(err, CatalogError::Table(_)));
    }

    #[test]
    fn table_crlf_and_missing_rule() {
        let crlf = INFO_FILES.replace('\n', "\r\n");
        let table = parse_table(&crlf).unwrap();
        assert_eq!(table, parse_table(INFO_FILES).unwrap());
        let mut lines: Vec<&str> = INFO_FILES.lines().collect();
        lines.remove(1);
        let no_rule = parse_table(&lines.join("\n")).unwrap();
        assert_eq!(no_rule.releases.len(), 13);
    }

    #[test]
    fn table_old_three_column_layout() {
        let body = "\
File Description                    File Type                           File Name
---------------------------------------------------------------------------------------------------
magento-1.9.1.0.tar.bz2             Community Edition - Full            magento-1.9.1.0.tar.bz2
SUPEE-6788 for CE 1.9.1.0           Community Edition - Patch           PATCH_SUPEE-6788_CE_1.9.1.0_v1.sh
";
        let table = parse_table(body).unwrap();
        assert!(table.warnings.is_empty());
        assert_eq!(table.releases.len(), 2);
        let patch = table.find("PATCH_SUPEE-6788_CE_1.9.1.0_v1.sh").unwrap();
        assert_eq!(patch.kind, Kind::CePatch);
        assert_eq!(patch.title, "SUPEE-6788 for CE 1.9.1.0");
        assert!(patch.versions.is_empty());
        assert_eq!(patch.md5, None);
    }

    #[test]
    fn table_cells_are_cut_by_offsets_not_spaces() {
        let body = "\
File Description        File Type                   Md5 Hash                              Publication Date       Version     File Name
----------------------------------------------------------------------------------------------------------------------------------------
Two  spaces   inside    Enterprise Edition - Patch                                                                           My File  v2.zip
                        Other                                                             2020-01-01 00:00:00    2.4.0-p1    only-name.sh
";
        let table = parse_table(body).unwrap();
        assert!(table.warnings.is_empty(), "{:?}", table.warnings);
        let first = table.find("My File  v2.zip").unwrap();
        assert_eq!(first.title, "Two  spaces   inside");
        assert_eq!(first.kind, Kind::EePatch);
        assert!(first.versions.is_empty());
        assert_eq!(first.md5, None);
        let second = table.find("only-name.sh").unwrap();
        assert_eq!(second.title, "");
        assert_eq!(second.kind, Kind::Other);
        assert_eq!(second.versions, strings(&["2.4.0-p1"]));
    }

    #[test]
    fn table_non_ascii_and_short_lines_do_not_panic() {
        let body = "\
File Description      File Type                  Md5 Hash                              Publication Date       Version     File Name
-----------------------------------------------------------------------------------------------------------------------------------------
Édition spéciale      Other                      574ae7bcb2a48853866823960d8a2949      2020-01-01 00:00:00    1.0         spécial.zip
ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé
short
日本語
";
        let table = parse_table(body).unwrap();
        let special = table.find("spécial.zip").unwrap();
        assert_eq!(special.title, "Édition spéciale");
        assert_eq!(
            special.md5.as_deref(),
            Some("574ae7bcb2a48853866823960d8a2949")
        );
        assert_eq!(special.versions, strings(&["1.0"]));
        // The long line reaches the File Name column: a row of its own, cut safely.
        assert_eq!(table.releases.len(), 2);
        let long = &table.releases[1];
        assert!(long.file_name.chars().all(|c| c == 'é'), "{long:?}");
        assert!(long.title.chars().all(|c| c == 'é'), "{long:?}");
        // Its md5 cell is malformed; "short" and "日本語" end before the File Name column.
        assert_eq!(table.warnings.len(), 3, "{:?}", table.warnings);
        // Every possible cut of a multi-byte line is safe.
        for offset in 0..20 {
            let _ = cut_row("aé日本語b", &[0, offset, offset + 1]);
        }
    }

    fn held(names: &[&str]) -> HashSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn narrow_table_keeps_header_rule_and_held_rows() {
        let got = narrow_table(INFO_FILES, &held(&[MAGETWO, OTHER_FILE])).unwrap();
        let lines: Vec<&str> = INFO_FILES.lines().collect();
        let want: Vec<&str> = lines[..2]
            .iter()
            .chain(
                lines
                    .iter()
                    .filter(|l| l.ends_with(MAGETWO) || l.ends_with(OTHER_FILE)),
            )
            .copied()
            .collect();
        assert_eq!(want.len(), 2 + 3 + 1, "MAGETWO has three rows");
        assert_eq!(got, want.join("\n") + "\n");
        // A mirror client parses exactly the held files from it.
        let table = parse_table(&got).unwrap();
        assert!(table.warnings.is_empty(), "{:?}", table.warnings);
        assert_eq!(
            names(&table.releases.iter().collect::<Vec<_>>()),
            strings(&[MAGETWO, OTHER_FILE])
        );
        assert_eq!(
            table.find(MAGETWO).unwrap().versions,
            strings(&["2.3.1", "2.2.8", "2.1.17"])
        );
        // Everything held: the table comes back unchanged.
        let all: Vec<&str> = EXPECTED.iter().map(|&(_, name, _)| name).collect();
        assert_eq!(narrow_table(INFO_FILES, &held(&all)).unwrap(), INFO_FILES);
    }

    #[test]
    fn narrow_table_with_nothing_held_says_no_results() {
        for held in [
            held(&[]),
            held(&["not-in-the-table.zip", "Magento-CE-2.4.2"]),
        ] {
            let got = narrow_table(INFO_FILES, &held).unwrap();
            assert_eq!(got, EMPTY_LISTING);
            assert_eq!(parse_table(&got).unwrap(), Catalog::default());
        }
    }

    #[test]
    fn narrow_table_gives_up_without_header_and_rule() {
        let held = held(&["a"]);
        assert_eq!(narrow_table("", &held), None);
        assert_eq!(narrow_table("<html>Access denied</html>\n", &held), None);
        assert_eq!(narrow_table(EMPTY_LISTING, &held), None);
        let header = INFO_FILES.lines().next().unwrap();
        assert_eq!(narrow_table(header, &held), None);
    }
}
