//! The zip side of the walk. The zip crate opens the central directory and
//! compares each entry's CRC-32 when its reader reaches EOF, and refuses to
//! read past the declared size; the walk reads every entry to that EOF. An
//! entry's kind comes from the unix file type in its external attributes
//! where the archiver stored one; a symlink's target is its content.

use std::fs::File;
use std::io::{BufReader, Read};

use zip::result::ZipError;

use super::paths::MAX_TARGET;
use super::walk::{Counted, Fault, Head, Visit, Walked, What, reason, visit_then_drain};

/// Walks a zip's entries in central-directory order.
pub(super) fn walk_zip(input: BufReader<File>, visit: &mut Visit<'_>) -> Result<Walked, Fault> {
    let mut zip = zip::ZipArchive::new(input)
        .map_err(|e| Fault::damaged(None, format!("not a readable zip: {e}")))?;
    let mut walked = Walked::default();
    for index in 0..zip.len() {
        let listed = match zip.name_for_index(index) {
            Some(Ok(name)) => Some(name.into_owned()),
            _ => None,
        };
        let mut entry = zip.by_index(index).map_err(|e| Fault {
            entry: listed.clone(),
            reason: e.to_string(),
            // Encrypted entries and methods other than deflate are not
            // damage, only nothing this build reads.
            damaged: !matches!(
                e,
                ZipError::UnsupportedArchive(_)
                    | ZipError::CompressionMethodNotSupported(_)
                    | ZipError::InvalidPassword
            ),
        })?;
        // The decoded name (UTF-8, CP437 or the Info-ZIP Unicode path), as
        // every unzip tool shows it.
        let name = match entry.name() {
            Ok(name) => name.as_bytes().to_vec(),
            Err(_) => entry.name_raw().to_vec(),
        };
        let shown = String::from_utf8_lossy(&name).into_owned();
        let vetted = entry.enclosed_name().is_some();
        let declared = entry.size();
        let mode = entry.unix_mode();
        let mut data = Counted::new(&mut entry);
        let what = match zip_type(mode, &name) {
            Ok(What::Symlink(_)) => {
                let mut target = Vec::new();
                (&mut data)
                    .take(MAX_TARGET as u64 + 1)
                    .read_to_end(&mut target)
                    .map_err(|e| Fault::damaged(Some(&shown), reason(&e)))?;
                What::Symlink(target)
            }
            Ok(what) => what,
            Err(special) => What::Special(special),
        };
        let is_file = what == What::File;
        let head = Head {
            name,
            what,
            mode,
            vetted,
        };
        visit_then_drain(&shown, head, declared, &mut data, visit)?;
        walked.count(is_file, data.count);
    }
    Ok(walked)
}

/// A zip entry's kind: the unix file type in its external attributes where
/// the archiver stored one, else a trailing `/` for a directory.
fn zip_type(mode: Option<u32>, name: &[u8]) -> Result<What, String> {
    let by_name = if name.ends_with(b"/") {
        What::Dir
    } else {
        What::File
    };
    match mode.map(|m| m & 0o170000) {
        None | Some(0) | Some(0o100000) => Ok(by_name),
        Some(0o040000) => Ok(What::Dir),
        Some(0o120000) => Ok(What::Symlink(Vec::new())),
        Some(0o010000) => Err("a FIFO".into()),
        Some(0o020000) => Err("a character device".into()),
        Some(0o060000) => Err("a block device".into()),
        Some(0o140000) => Err("a socket".into()),
        Some(other) => Err(format!("an entry of unknown file type {other:o}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unix_file_type_decides_and_specials_are_named() {
        assert_eq!(zip_type(None, b"a/"), Ok(What::Dir));
        assert_eq!(zip_type(None, b"a"), Ok(What::File));
        assert_eq!(zip_type(Some(0o100644), b"a"), Ok(What::File));
        assert_eq!(zip_type(Some(0o040755), b"a"), Ok(What::Dir));
        assert_eq!(
            zip_type(Some(0o120777), b"a"),
            Ok(What::Symlink(Vec::new()))
        );
        // The zip crate's own symlink test is `mode & S_IFLNK == S_IFLNK`,
        // which a socket (0o140000) does not pass; a socket is refused here.
        assert_eq!(zip_type(Some(0o140755), b"a"), Err("a socket".into()));
        assert_eq!(zip_type(Some(0o010644), b"a"), Err("a FIFO".into()));
        assert_eq!(
            zip_type(Some(0o020644), b"a"),
            Err("a character device".into())
        );
        assert_eq!(zip_type(Some(0o060644), b"a"), Err("a block device".into()));
    }
}
