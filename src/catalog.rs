//! The release catalogue: what the downloads endpoint offers and how to pick from it.
//!
//! This module is pure (no I/O). It is responsible for
//!
//! * parsing the JSON catalogue served at `info/json` ([`parse_json`]), tolerating every
//!   shape seen in the wild: a type's value may be a list of file entries, an object of
//!   lists keyed by version, or an object of single entries; unknown fields and unknown
//!   types are kept or ignored, never fatal;
//! * parsing the text tables served at `info/files` and `info/filter/...`
//!   ([`parse_table`]), cutting rows at the header's column offsets so that blank cells
//!   (a missing checksum) survive, and understanding the `No results found.` body;
//! * merging the several entries a file can have (one per version it belongs to) into a
//!   single [`Release`] whose versions are the union;
//! * ordering versions naturally ([`compare_versions`]: `2.4.10 > 2.4.9`,
//!   `2.4.7-p3 > 2.4.7 > 2.4.7-rc1`);
//! * selecting releases with the CLI filters (`--type`, `--version GLOB`, `--latest`,
//!   name globs) through [`Filter`] and [`Catalog::select`].
//!
//! Problems that do not prevent using the rest of the catalogue (an entry without a file
//! name, conflicting checksums, a value of an unexpected shape) end up as human-readable
//! lines in [`Catalog::warnings`] instead of errors.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use globset::{GlobBuilder, GlobMatcher};
use serde_json::{Map, Value};

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

/// Errors of this module. Every message is a single line.
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

/// Sorts newest first and removes duplicates and empty strings.
fn sort_versions_desc(versions: &mut Vec<String>) {
    versions.retain(|v| !v.is_empty());
    versions.sort_by(|a, b| compare_versions(b, a));
    versions.dedup();
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

// ---------------------------------------------------------------------------------------
// info/json
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// info/files and info/filter/...
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Version ordering
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Token<'a> {
    /// Digits, leading zeros removed (`""` is zero).
    Num(&'a str),
    /// A run of non-digits.
    Word(&'a str),
}

const ZERO: Token<'static> = Token::Num("");

fn tokenize<'a>(version: &'a str) -> Vec<Token<'a>> {
    let version = match version.strip_prefix(['v', 'V']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => version,
    };
    let mut tokens = Vec::new();
    let mut push = |run: &'a str, digits: bool| {
        tokens.push(if digits {
            Token::Num(run.trim_start_matches('0'))
        } else {
            Token::Word(run)
        });
    };
    for part in version.split(['.', '-', '_']) {
        let mut start = 0;
        let mut kind = None;
        for (i, c) in part.char_indices() {
            let digit = c.is_ascii_digit();
            if kind.is_some_and(|k| k != digit) {
                push(&part[start..i], !digit);
                start = i;
            }
            kind = Some(digit);
        }
        if let Some(digit) = kind {
            push(&part[start..], digit);
        }
    }
    tokens
}

/// Rank of a token class: pre-releases < numbers (and "nothing") < patches/other words.
fn rank(token: Token<'_>) -> u8 {
    match token {
        Token::Num(_) => 4,
        Token::Word(word) => match word.to_ascii_lowercase().as_str() {
            "dev" | "snapshot" => 0,
            "alpha" | "a" => 1,
            "beta" | "b" => 2,
            "rc" | "c" | "pre" | "preview" => 3,
            _ => 5,
        },
    }
}

fn compare_tokens(a: Token<'_>, b: Token<'_>) -> Ordering {
    rank(a).cmp(&rank(b)).then_with(|| match (a, b) {
        (Token::Num(x), Token::Num(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Token::Word(x), Token::Word(y)) if rank(a) == 5 => {
            x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase())
        }
        _ => Ordering::Equal,
    })
}

/// Natural version order, ignoring the textual tie-break (`1.9.1` equals `1.9.1.0`).
fn compare_versions_loose(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => {}
    }
    let (ta, tb) = (tokenize(a), tokenize(b));
    (0..ta.len().max(tb.len()))
        .map(|i| {
            compare_tokens(
                ta.get(i).copied().unwrap_or(ZERO),
                tb.get(i).copied().unwrap_or(ZERO),
            )
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Compares two version strings in natural order (ascending: `Less` means `a` is older).
///
/// Parts are split on `.`, `-` and `_`, and further into digit and non-digit runs.
/// Numbers compare numerically (`2.4.10 > 2.4.9`, `1.13.1.0 > 1.9.4.5`); missing trailing
/// parts count as zero. A patch suffix is newer than the release (`2.4.7-p3 > 2.4.7-p2 >
/// 2.4.7`), a pre-release is older (`2.4.0-alpha < 2.4.0-beta1 < 2.4.0-rc1 < 2.4.0`).
/// The empty string sorts lowest. Versions that are equal by these rules (`1.9.1` and
/// `1.9.1.0`) are ordered by their text, so the order is total and deterministic.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    compare_versions_loose(a, b).then_with(|| a.cmp(b))
}

// ---------------------------------------------------------------------------------------
// Selection
// ---------------------------------------------------------------------------------------

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

    /// The release with exactly this file name.
    pub fn find(&self, file_name: &str) -> Option<&Release> {
        self.releases.iter().find(|r| r.file_name == file_name)
    }

    /// Every distinct version of every release, newest first.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The endpoint's documented `info/json` example: every type shape but the
    /// object of single entries, and a patch listed under three versions.
    const FEED: &str = include_str!("../tests/fixtures/info_json.json");

    /// The documented `info/files` body of the same catalogue, byte for byte.
    const INFO_FILES: &str = include_str!("../tests/fixtures/info_files.txt");

    /// The documented `info/filter/version/2.0.*` body.
    const FILTER_2_0: &str = include_str!("../tests/fixtures/filter_version_2.0.txt");

    const MAGETWO: &str = "MAGETWO-98833_composer_patch-2019-04-15-04-37-48.patch";
    const OTHER_FILE: &str = "PATCH-1.9.3.0_PHP7-2018-09-13-07-59-59.2_v2";

    /// (kind, file name, md5) of the fixture catalogue, in category then feed order.
    const EXPECTED: [(Kind, &str, Option<&str>); 13] = [
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

    fn feed() -> Catalog {
        parse_json(FEED.as_bytes()).expect("the fixture feed parses")
    }

    fn names(releases: &[&Release]) -> Vec<String> {
        releases.iter().map(|r| r.file_name.clone()).collect()
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn select(
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

    // ----- Kind -----

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

    // ----- info/json -----

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

    // ----- text tables -----

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

    // ----- versions -----

    #[test]
    fn versions_sort_naturally() {
        let sorted = [
            "",
            "1.9.1",
            "1.9.1.0",
            "1.9.4.4",
            "1.9.4.5",
            "1.13.0.0",
            "1.13.1.0",
            "2.0.2",
            "2.3.4",
            "2.4.0-alpha",
            "2.4.0-beta1",
            "2.4.0-beta2",
            "2.4.0-rc1",
            "2.4.0",
            "2.4.0-p1",
            "2.4.2",
            "2.4.7",
            "2.4.7-p2",
            "2.4.7-p3",
            "2.4.9",
            "2.4.10",
        ];
        // A fixed pseudo-random shuffle (Fisher-Yates with a small LCG; no RNG crate).
        let mut shuffled = sorted.to_vec();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for i in (1..shuffled.len()).rev() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        assert_ne!(shuffled, sorted);
        shuffled.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(shuffled, sorted);
    }

    #[test]
    fn versions_pairs() {
        use Ordering::*;
        let cases = [
            ("2.4.10", "2.4.9", Greater),
            ("2.4.7-p3", "2.4.7-p2", Greater),
            ("2.4.7-p2", "2.4.7", Greater),
            ("2.4.7-p3", "2.4.7", Greater),
            ("2.4.0-beta1", "2.4.0", Less),
            ("2.4.0-rc1", "2.4.0", Less),
            ("2.4.0-alpha", "2.4.0-beta1", Less),
            ("1.9.4.5", "1.9.4.4", Greater),
            ("1.13.1.0", "1.9.4.5", Greater),
            ("1.9.1.0", "1.9.1", Greater), // equal by value, tie-broken by text
            ("2.4.7_p1", "2.4.7-p1", Greater), // ditto ('_' > '-')
            ("", "0", Less),
            ("", "0-beta", Less),
            ("2.4.7", "2.4.7", Equal),
            (
                "99999999999999999999999.1",
                "99999999999999999999998.9",
                Greater,
            ),
            ("2.04", "2.3", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_versions(a, b), want, "{a} vs {b}");
            assert_eq!(compare_versions(b, a), want.reverse(), "{b} vs {a}");
        }
        assert!(compare_versions_loose("1.9.1", "1.9.1.0").is_eq());
    }

    #[test]
    fn versions_order_is_total() {
        let set = [
            "", "0", "1", "1.0", "1.0.0", "1-p1", "1.0-p1", "1-beta", "1.x", "1.X", "v1.0", "1.a",
            "1.p", "2.4.7-p3", "2.4.7.3", "2.4.7_p3", "rc", "p", "hotfix", "2..4", "2.4-", "01.2",
        ];
        for a in set {
            assert_eq!(compare_versions(a, a), Ordering::Equal);
            for b in set {
                assert_eq!(
                    compare_versions(a, b),
                    compare_versions(b, a).reverse(),
                    "{a} {b}"
                );
                if a != b {
                    assert_ne!(compare_versions(a, b), Ordering::Equal, "{a} {b}");
                }
                for c in set {
                    if compare_versions(a, b).is_lt() && compare_versions(b, c).is_lt() {
                        assert!(compare_versions(a, c).is_lt(), "{a} < {b} < {c}");
                    }
                }
            }
        }
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

    // ----- selection -----

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

    #[test]
    fn find_is_exact() {
        let catalog = feed();
        assert!(catalog.find("Magento-CE-2.0.2+sample_data.zip").is_some());
        assert!(catalog.find("Magento-CE-2.0.2 sample_data.zip").is_none());
        assert!(catalog.find("magento-ce-2.4.2.tar.gz").is_none());
    }
}
