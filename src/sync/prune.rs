//! `--prune`: a file that left the catalog is removed, and so are the
//! directories it leaves empty — never DIR itself, never a directory that
//! still holds anything.

use std::path::Path;

use super::Layout;
use crate::download;
use crate::error::{Error, Result};
use crate::text::escape;

pub fn remove(layout: &Layout, key: &str) -> Result<()> {
    download::safe_relative_path(key).map_err(Error::Protocol)?;
    // Checked again here, just before the removal: a folder on the way
    // that became a symlink must not lead the unlink outside DIR.
    let Some(path) = download::plain_file_under(&layout.dir, key) else {
        return Err(Error::Protocol(format!(
            "refusing to prune {}: not a plain file under plain directories",
            escape(key)
        )));
    };
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(format!("cannot prune {}", path.display()), e)),
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == layout.dir || !d.starts_with(&layout.dir) || !is_empty_dir(d) {
            break;
        }
        let _ = std::fs::remove_dir(d);
        dir = d.parent();
    }
    Ok(())
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}
