//! The tar side of the walk, for plain, gzip and bzip2 tars alike. The tar
//! crate checks each header's checksum, but ends a short final entry
//! silently and takes a plain end of file for the end of the archive, which
//! hides a cut on a 512-byte boundary: the walk compares each entry's length
//! with its header (in `walk.rs`) and requires the two zero blocks of the
//! end-of-archive marker. What follows the marker is read to the end of the
//! stream, so that gzip's CRC and ISIZE trailer and bzip2's CRCs are
//! checked, and anything after the last compressed stream is an error.

use std::io::{self, Read};

use tar::EntryType;

use super::walk::{Counted, Fault, Head, Visit, Walked, What, reason, visit_then_drain};

/// Walks the tar that `input` decodes to, then reads `input` to its end.
pub(super) fn walk_tar(input: Box<dyn Read + '_>, visit: &mut Visit<'_>) -> Result<Walked, Fault> {
    let mut archive = tar::Archive::new(EndWatch {
        inner: input,
        ended: false,
    });
    let mut walked = Walked::default();
    let mut last: Option<String> = None;
    let after = |last: &Option<String>, e: io::Error| match last {
        Some(last) => format!("after entry {last}: {}", reason(&e)),
        None => reason(&e),
    };
    let entries = archive
        .entries()
        .map_err(|e| Fault::damaged(None, reason(&e)))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| Fault::damaged(None, after(&last, e)))?;
        let name = entry.path_bytes().into_owned();
        let shown = String::from_utf8_lossy(&name).into_owned();
        let mode = entry
            .header()
            .mode()
            .map_err(|e| Fault::damaged(Some(&shown), reason(&e)))?;
        // The entry's (not the header's) link name: it includes GNU long
        // link names and pax `linkpath`.
        let link = entry.link_name_bytes().map(|l| l.into_owned());
        let link = || link.clone().unwrap_or_default();
        let what = match entry.header().entry_type() {
            // Old archivers mark directories only by the trailing slash.
            EntryType::Regular | EntryType::Continuous if name.ends_with(b"/") => What::Dir,
            EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => What::File,
            EntryType::Directory => What::Dir,
            EntryType::Symlink => What::Symlink(link()),
            EntryType::Link => What::HardLink(link()),
            // Metadata for the whole archive (git archive writes one with the
            // commit id): no file, not counted, but read like the rest.
            EntryType::XGlobalHeader => {
                io::copy(&mut entry, &mut io::sink())
                    .map_err(|e| Fault::damaged(Some(&shown), reason(&e)))?;
                continue;
            }
            EntryType::Char => What::Special("a character device".into()),
            EntryType::Block => What::Special("a block device".into()),
            EntryType::Fifo => What::Special("a FIFO".into()),
            other => What::Special(format!("an entry of type {:?}", other.as_byte() as char)),
        };
        let declared = entry.size();
        let mut data = Counted::new(&mut entry);
        let is_file = what == What::File;
        let head = Head {
            name,
            what,
            mode: Some(mode),
            vetted: true,
        };
        visit_then_drain(&shown, head, declared, &mut data, visit)?;
        walked.count(is_file, data.count);
        last = Some(shown);
    }
    // The tar crate stopped on a zero block, or on the end of the stream.
    // The marker is two zero blocks: one alone is a cut (or hides what
    // follows it from every tool that stops there).
    let mut rest = archive.into_inner();
    let after_last = last
        .map(|l| format!(" (after entry {l})"))
        .unwrap_or_default();
    let mut second = [0u8; 512];
    let cut = rest.ended
        || match rest.read_exact(&mut second) {
            Ok(()) => false,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => true,
            Err(e) => return Err(Fault::damaged(None, reason(&e))),
        };
    if cut {
        return Err(Fault::damaged(
            None,
            format!("the tar ends without its end-of-archive marker{after_last}: truncated"),
        ));
    }
    if second.iter().any(|b| *b != 0) {
        return Err(Fault::damaged(
            None,
            format!("a lone zero block inside the tar{after_last}: what follows it is hidden"),
        ));
    }
    io::copy(&mut rest, &mut io::sink())
        .map_err(|e| Fault::damaged(None, format!("after the last entry: {}", reason(&e))))?;
    Ok(walked)
}

/// Notes that the stream under the tar reader reached its end: when the tar
/// crate stops on an end of file rather than on a zero block, the marker is
/// missing.
struct EndWatch<R> {
    inner: R,
    ended: bool,
}

impl<R: Read> Read for EndWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended = true;
        }
        Ok(n)
    }
}
