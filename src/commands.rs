//! The listing commands: `url`, `info`, `list`, `versions`, `completions`,
//! and the catalog loader the download and sync commands share.

use std::io::Write;

use serde::Serialize;

use crate::catalog::{self, Catalog, Filter, Kind, Release};
use crate::cli::{FilterArgs, FilterBy, Format, InfoWhat, Shell};
use crate::client::Client;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::progress::{escape, warn};

/// `magedl url [PATH]`.
pub fn url(cfg: &Config, path: Option<&str>, show_token: bool) -> Result<String> {
    let path = path.unwrap_or("info/help");
    if path.split('/').any(|seg| seg == "." || seg == "..") {
        return Err(Error::Usage(format!(
            "`{}`: `.` and `..` would leave the endpoint; name a path under it",
            escape(path)
        )));
    }
    let creds = cfg.credentials()?;
    let url = cfg.endpoint.path_url(path);
    Ok(format!(
        "{}\n",
        cfg.endpoint.display(&url, creds.as_ref(), show_token)
    ))
}

/// `magedl info ...`: the server's own answer, as is.
pub async fn info(client: &Client, what: &InfoWhat) -> Result<Vec<u8>> {
    let url = match what {
        InfoWhat::Help => client.endpoint().info_url(&["help"]),
        InfoWhat::Files => client.endpoint().info_url(&["files"]),
        InfoWhat::Versions => client.endpoint().info_url(&["versions"]),
        InfoWhat::Json => client.endpoint().info_url(&["json"]),
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
            client.endpoint().info_url(&["filter", by, value])
        }
    };
    client.get_small(&url).await
}

/// The server's way of saying a filter matched nothing (exit 5).
pub fn is_no_results(body: &[u8]) -> bool {
    body.trim_ascii() == b"No results found."
}

/// The catalog from `info/json`, or from the `info/files` text table when
/// the JSON feed is unavailable. Refusals (401, 403) are not hidden by the
/// fallback.
pub async fn load_catalog(client: &Client) -> Result<Catalog> {
    let json_url = client.endpoint().info_url(&["json"]);
    let from_json = match client.get_small(&json_url).await {
        Ok(bytes) => catalog::parse_json(&bytes).map_err(|e| e.to_string()),
        Err(e @ (Error::Unauthorized { .. } | Error::Forbidden { .. })) => return Err(e),
        Err(e) => Err(e.to_string()),
    };
    let catalog = match from_json {
        Ok(c) => c,
        Err(why) => {
            warn(&format!(
                "the JSON catalog is unavailable ({why}); falling back to the text listing"
            ));
            let text = client
                .get_text(&client.endpoint().info_url(&["files"]))
                .await?;
            catalog::parse_table(&text)
                .map_err(|e| Error::Protocol(format!("cannot read the file listing: {e}")))?
        }
    };
    for w in &catalog.warnings {
        warn(w);
    }
    Ok(catalog)
}

/// Turns the filter flags into a catalog filter.
pub fn filter(args: &FilterArgs) -> Result<Filter> {
    let types = args
        .types
        .iter()
        .map(|t| Kind::parse_filter(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Usage(e.to_string()))?;
    Filter::new(types, args.version.as_deref(), args.latest, &args.names)
        .map_err(|e| Error::Usage(e.to_string()))
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
pub fn list(catalog: &Catalog, args: &FilterArgs, format: Format) -> Result<String> {
    let filter = filter(args)?;
    let selected = catalog.select(&filter);
    if selected.is_empty() {
        return Err(Error::NothingMatched(
            "no release matches the names and filters".into(),
        ));
    }
    Ok(match format {
        Format::Json => {
            let entries: Vec<ListEntry<'_>> = selected.iter().map(|r| list_entry(r)).collect();
            let mut s = serde_json::to_string_pretty(&entries).expect("serialisable");
            s.push('\n');
            s
        }
        Format::Names => selected
            .iter()
            .map(|r| format!("{}\n", escape(&r.file_name)))
            .collect(),
        Format::Table => table(&selected),
    })
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
pub fn versions(catalog: &Catalog) -> Result<String> {
    let versions = catalog.versions();
    if versions.is_empty() {
        return Err(Error::NothingMatched(
            "the catalog lists no versions".into(),
        ));
    }
    Ok(versions
        .iter()
        .map(|v| format!("{}\n", escape(v)))
        .collect())
}

/// `magedl completions SHELL`.
pub fn completions(shell: Shell, out: &mut dyn Write) {
    use clap::CommandFactory;
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Elvish => S::Elvish,
        Shell::Powershell => S::PowerShell,
    };
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(shell, &mut cmd, "magedl", out);
}
