//! What sync writes beside the files: the catalog snapshot (the very
//! `info/json` body the run acted on), or with `--mirror` the endpoint's own
//! `info/` answers narrowed to the files the mirror holds, so that any
//! static web server over DIR is a drop-in endpoint that never offers a
//! file it would answer 404 for.

use std::collections::{BTreeMap, HashSet};

use super::{Layout, SNAPSHOT, write};
use crate::catalog::{self, Loaded, Release};
use crate::client::Client;
use crate::error::Result;

pub async fn write_snapshots(
    client: &Client,
    layout: &Layout,
    loaded: &Loaded,
    sums: &BTreeMap<String, String>,
) -> Result<()> {
    if !layout.mirror {
        return match &loaded.json {
            Some(raw) => write(layout, &layout.dir.join(SNAPSHOT), raw),
            None => Ok(()),
        };
    }
    let held: HashSet<String> = sums
        .keys()
        .filter_map(|k| k.strip_prefix("file/"))
        .map(str::to_string)
        .collect();
    let held_releases: Vec<&Release> = loaded
        .catalog
        .releases
        .iter()
        .filter(|r| held.contains(&r.file_name))
        .collect();
    let info = layout.dir.join("info");
    if let Some(raw) = &loaded.json {
        let narrowed = catalog::narrow_json(raw, &held).unwrap_or_else(|| raw.clone());
        write(layout, &info.join("json"), &narrowed)?;
    }
    for what in ["files", "versions", "help"] {
        let body = client
            .get_small(&client.endpoint().info_url(&[what]))
            .await?;
        let text = String::from_utf8_lossy(&body);
        let body = match what {
            "files" => catalog::narrow_table(&text, &held)
                .map(String::into_bytes)
                .unwrap_or(body),
            "versions" => catalog::narrow_versions(&text, &held_releases).into_bytes(),
            _ => body,
        };
        write(layout, &info.join(what), &body)?;
    }
    Ok(())
}
