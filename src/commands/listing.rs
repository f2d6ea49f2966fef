//! The listing commands: `url`, `info`, `list` and `versions`.

use serde::Serialize;

use super::{client, load_catalog, print_out};
use crate::catalog::{Catalog, Kind, Release};
use crate::cli::{FilterArgs, FilterBy, Format, InfoArgs, InfoWhat, ListArgs, VersionsArgs};
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
pub async fn info(cfg: &Config, args: &InfoArgs) -> Result<Exit> {
    let client = client(cfg, &progress::reporter(progress::Mode::None))?;
    let endpoint = client.endpoint();
    let simple = |what: &str| -> Result<url::Url> {
        if args.by.is_some() || args.value.is_some() {
            return Err(Error::Usage(format!(
                "`info {what}` takes no filter; use `info filter version|type VALUE`"
            )));
        }
        Ok(endpoint.info_url(&[what]))
    };
    let url = match args.what {
        InfoWhat::Help => simple("help")?,
        InfoWhat::Files => simple("files")?,
        InfoWhat::Versions => simple("versions")?,
        InfoWhat::Json => simple("json")?,
        InfoWhat::Filter => {
            let (Some(by), Some(value)) = (args.by, args.value.as_deref()) else {
                return Err(Error::Usage(
                    "usage: magedl info filter version|type VALUE".into(),
                ));
            };
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
pub async fn list(cfg: &Config, args: &ListArgs) -> Result<Exit> {
    let filter = config::filter(&args.filter)?;
    let catalog = catalog(cfg).await?;
    let selected = catalog.select(&filter);
    if selected.is_empty() {
        return Err(super::nothing_matched(&catalog, &filter));
    }
    let format = if args.json { Format::Json } else { args.format };
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

/// `magedl versions`: newest first; without a filter the versions of full
/// releases, then those that only patches belong to.
pub async fn versions(cfg: &Config, args: &VersionsArgs) -> Result<Exit> {
    let filter = config::filter(&FilterArgs {
        types: args.types.clone(),
        editions: args.editions.clone(),
        ..FilterArgs::default()
    })?;
    let catalog = catalog(cfg).await?;
    let selected = catalog.select(&filter);
    let of = |full: bool| -> Vec<String> {
        let mut v: Vec<String> = selected
            .iter()
            .filter(|r| {
                !filter.types.is_empty() || matches!(r.kind, Kind::CeFull | Kind::EeFull) == full
            })
            .flat_map(|r| r.versions.iter().cloned())
            .collect();
        v.sort_by(|a, b| crate::catalog::compare_versions(b, a));
        v.dedup();
        v
    };
    let releases = of(true);
    let patch_only: Vec<String> = if filter.types.is_empty() {
        of(false)
            .into_iter()
            .filter(|v| !releases.contains(v))
            .collect()
    } else {
        Vec::new()
    };
    if releases.is_empty() && patch_only.is_empty() {
        return Err(Error::NothingMatched(
            "the catalog lists no versions for these filters".into(),
        ));
    }
    let mut text: String = releases
        .iter()
        .map(|v| format!("{}\n", escape(v)))
        .collect();
    if !patch_only.is_empty() {
        if !releases.is_empty() {
            text.push('\n');
        }
        text.push_str("# versions with patches only\n");
        text.extend(patch_only.iter().map(|v| format!("{}\n", escape(v))));
    }
    print_out(text.as_bytes())?;
    Ok(Exit::Ok)
}
