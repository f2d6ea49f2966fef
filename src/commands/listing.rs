//! The listing commands: `url`, `info`, `list` and `versions`.

use serde::Serialize;

use super::{client, load_catalog, print_out};
use crate::catalog::{Catalog, Kind, Release};
use crate::cli::{FilterArgs, FilterBy, Format, InfoWhat};
use crate::config::{self, Config};
use crate::error::{Error, Exit, Result};
use crate::progress;
use crate::text::escape;

/// `magedl url [PATH]`.
pub fn url(cfg: &Config, path: Option<&str>, show_token: bool) -> Result<Exit> {
    let path = path.unwrap_or("info/help");
    if path.split('/').any(|seg| seg == "." || seg == "..") {
        return Err(Error::Usage(format!(
            "`{}`: `.` and `..` would leave the endpoint; name a path under it",
            escape(path)
        )));
    }
    let mut warnings = Vec::new();
    let creds = cfg.credentials(&mut warnings);
    for w in warnings {
        progress::warn(&w);
    }
    let creds = creds?;
    let url = cfg.endpoint.path_url(path);
    let text = format!(
        "{}\n",
        cfg.endpoint.display(&url, creds.as_ref(), show_token)
    );
    print_out(text.as_bytes())?;
    Ok(Exit::Ok)
}

/// `magedl info ...`: the server's own answer, as is. An empty filter
/// answer still exits 5.
pub async fn info(cfg: &Config, what: &InfoWhat) -> Result<Exit> {
    let client = client(cfg, &progress::reporter(progress::Mode::None))?;
    let endpoint = client.endpoint();
    let url = match what {
        InfoWhat::Help => endpoint.info_url(&["help"]),
        InfoWhat::Files => endpoint.info_url(&["files"]),
        InfoWhat::Versions => endpoint.info_url(&["versions"]),
        InfoWhat::Json => endpoint.info_url(&["json"]),
        InfoWhat::Filter { by, value } => {
            if value.trim().is_empty() {
                return Err(Error::Usage("the filter value is empty".into()));
            }
            let by = match by {
                FilterBy::Version => "version",
                FilterBy::Type => {
                    Kind::parse_filter(value).map_err(|e| Error::Usage(e.to_string()))?;
                    "type"
                }
            };
            endpoint.info_url(&["filter", by, value])
        }
    };
    let body = client.get_small(&url).await?;
    print_out(&body)?;
    Ok(if is_no_results(&body) {
        Exit::NotFound
    } else {
        Exit::Ok
    })
}

/// The server's way of saying a filter matched nothing.
fn is_no_results(body: &[u8]) -> bool {
    body.trim_ascii() == b"No results found."
}

/// The catalog, for the listing commands (no progress, warnings shown).
async fn catalog(cfg: &Config) -> Result<Catalog> {
    let events = progress::reporter(progress::Mode::None);
    let client = client(cfg, &events)?;
    Ok(load_catalog(&client, &events).await?.catalog)
}

#[derive(Serialize)]
struct ListEntry<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    versions: &'a [String],
    md5: Option<&'a str>,
}

/// `magedl list`.
pub async fn list(cfg: &Config, args: &FilterArgs, format: Format) -> Result<Exit> {
    let filter = config::filter(args)?;
    let catalog = catalog(cfg).await?;
    let selected = catalog.select(&filter);
    if selected.is_empty() {
        return Err(Error::NothingMatched(
            "no release matches the names and filters".into(),
        ));
    }
    let text = match format {
        Format::Json => {
            let entries: Vec<ListEntry<'_>> = selected.iter().map(|r| list_entry(r)).collect();
            crate::text::json_pretty(&entries)
        }
        Format::Names => selected
            .iter()
            .map(|r| format!("{}\n", escape(&r.file_name)))
            .collect(),
        Format::Table => table(&selected),
    };
    print_out(text.as_bytes())?;
    Ok(Exit::Ok)
}

fn list_entry(r: &Release) -> ListEntry<'_> {
    ListEntry {
        name: &r.file_name,
        kind: r.kind.key(),
        title: &r.title,
        versions: &r.versions,
        md5: r.md5.as_deref(),
    }
}

fn table(rows: &[&Release]) -> String {
    let header = ["NAME", "TYPE", "VERSIONS", "MD5", "TITLE"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            [
                escape(&r.file_name),
                r.kind.key().to_string(),
                r.versions.join(","),
                r.md5.clone().unwrap_or_else(|| "-".into()),
                escape(&r.title),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cols: [&str; 5]| {
        let mut l = String::new();
        for (i, (c, w)) in cols.iter().zip(widths).enumerate() {
            if i == cols.len() - 1 {
                l.push_str(c);
            } else {
                l.push_str(&format!("{c:<w$}  "));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header);
    for row in &cells {
        line([&row[0], &row[1], &row[2], &row[3], &row[4]]);
    }
    out
}

/// `magedl versions`: every version, newest first.
pub async fn versions(cfg: &Config) -> Result<Exit> {
    let catalog = catalog(cfg).await?;
    let versions = catalog.versions();
    if versions.is_empty() {
        return Err(Error::NothingMatched(
            "the catalog lists no versions".into(),
        ));
    }
    let text: String = versions
        .iter()
        .map(|v| format!("{}\n", escape(v)))
        .collect();
    print_out(text.as_bytes())?;
    Ok(Exit::Ok)
}
