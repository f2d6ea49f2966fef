//! The catalog's only I/O: fetch `info/json`, fall back to the `info/files`
//! text table when the JSON feed is unavailable, and hand back the raw JSON
//! body too, so that `sync` snapshots the very bytes it acted on.

use super::{Catalog, parse_json, parse_table};
use crate::client::Client;
use crate::error::{Error, Result};

/// A loaded catalog and where it came from.
pub struct Loaded {
    pub catalog: Catalog,
    /// The `info/json` body the catalog was parsed from; None when it came
    /// from the text listing.
    pub json: Option<Vec<u8>>,
}

/// Loads the catalog. The text listing stands in only when `info/json`
/// answered with an HTTP error (other than a refusal: 401, 403) or with a
/// body that is not the catalog; after a transport failure (which the
/// listing would meet too) or an over-long answer, the error stands. The
/// fallback itself is reported in the catalog's warnings.
pub async fn load(client: &Client) -> Result<Loaded> {
    let json_url = client.endpoint().info_url(&["json"]);
    let why = match client.get_small(&json_url).await {
        Ok(bytes) => match parse_json(&bytes) {
            Ok(catalog) => {
                return Ok(Loaded {
                    catalog,
                    json: Some(bytes),
                });
            }
            Err(e) => e.to_string(),
        },
        Err(e @ (Error::Http { .. } | Error::NotFound { .. })) => e.to_string(),
        Err(e) => return Err(e),
    };
    let text = client
        .get_text(&client.endpoint().info_url(&["files"]))
        .await?;
    let mut catalog = parse_table(&text)
        .map_err(|e| Error::Protocol(format!("cannot read the file listing: {e}")))?;
    catalog.warnings.insert(
        0,
        format!("the JSON catalog is unavailable ({why}); falling back to the text listing"),
    );
    Ok(Loaded {
        catalog,
        json: None,
    })
}
