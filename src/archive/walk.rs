//! One streaming pass over the entries of an archive of any kind, shared by
//! the deep check and the extraction so that both test the same things:
//! each entry is read to its end (so zip's per-entry CRC-32 runs), its length
//! is compared with the one its header declares (the tar crate ends a short
//! final entry silently), a tar must end with its end-of-archive marker (the
//! tar crate takes a plain end of file as the end of the archive, which hides
//! a cut on a 512-byte boundary), and what follows the marker is read to the
//! end of the compressed stream (so gzip's CRC and ISIZE trailer and bzip2's
//! stream CRC are checked). Memory stays bounded: content is only streamed.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use tar::EntryType;
use zip::result::ZipError;

use super::Kind;

const BUFFER: usize = 64 * 1024;
/// A zip symlink's target is its content: read no further than one byte
/// past the longest target a link can have, so a huge one is refused
/// rather than held in memory.
const MAX_LINK: u64 = super::paths::MAX_TARGET as u64 + 1;

/// What an entry is, as its format declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum What {
    File,
    Dir,
    /// The target as stored (tar: the header's link name; zip: the content).
    Symlink(Vec<u8>),
    /// Another entry of the same archive, named from the archive's root.
    HardLink(Vec<u8>),
    /// Devices, FIFOs, sockets and kinds no tool should unpack: named.
    Special(String),
}

/// One entry, handed to the visitor with its content unread.
pub(super) struct Item<'a> {
    /// The name as stored (bytes: tar names need not be UTF-8).
    pub name: Vec<u8>,
    pub what: What,
    /// The mode bits the archive gives, if it gives any.
    pub mode: Option<u32>,
    /// The format crate's own name check passed (zip: `enclosed_name`),
    /// a second opinion that is never the only one.
    pub vetted: bool,
    pub data: &'a mut dyn Read,
}

/// An entry's description, before its content is handed over.
struct Head {
    name: Vec<u8>,
    what: What,
    mode: Option<u32>,
    vetted: bool,
}

/// Why a walk stopped: the archive's damage, or the visitor's refusal.
#[derive(Debug)]
pub(super) struct Fault {
    pub entry: Option<String>,
    pub reason: String,
    /// The bytes are bad (as opposed to refused, or a local I/O failure).
    pub damaged: bool,
}

impl Fault {
    fn damaged(entry: Option<&str>, reason: impl Into<String>) -> Fault {
        Fault {
            entry: entry.map(str::to_string),
            reason: reason.into(),
            damaged: true,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Walked {
    pub entries: u64,
    /// The files' content (a zip symlink's content is its target: not
    /// counted, as a tar's is not).
    pub bytes: u64,
}

impl Walked {
    fn count(&mut self, is_file: bool, bytes: u64) {
        self.entries += 1;
        if is_file {
            self.bytes += bytes;
        }
    }
}

/// Called once per entry; an `Err` (the reason) stops the walk. Whatever of
/// the content the visitor leaves unread is read after it returns.
pub(super) type Visit<'v> = dyn FnMut(Item<'_>) -> Result<(), String> + 'v;

/// Reads every entry of the archive at `path`, in archive order.
pub(super) fn walk(path: &Path, kind: Kind, visit: &mut Visit<'_>) -> Result<Walked, Fault> {
    let file = File::open(path).map_err(|e| Fault {
        entry: None,
        reason: format!("cannot open {}: {e}", path.display()),
        damaged: false,
    })?;
    let input = BufReader::with_capacity(BUFFER, file);
    match kind {
        Kind::Zip => walk_zip(input, visit),
        Kind::Tar => walk_tar(Box::new(input), visit),
        // The multi-member decoders: a gzip or bzip2 file may be several
        // streams back to back, and anything after the last one is damage.
        Kind::TarGz => walk_tar(Box::new(flate2::bufread::MultiGzDecoder::new(input)), visit),
        Kind::TarBz2 => walk_tar(Box::new(bzip2::bufread::MultiBzDecoder::new(input)), visit),
    }
}

fn walk_zip(input: BufReader<File>, visit: &mut Visit<'_>) -> Result<Walked, Fault> {
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
                    .take(MAX_LINK + 1)
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

fn walk_tar(input: Box<dyn Read + '_>, visit: &mut Visit<'_>) -> Result<Walked, Fault> {
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

/// Hands one entry to the visitor, then reads what it left and compares the
/// length read with the declared one.
fn visit_then_drain(
    shown: &str,
    head: Head,
    declared: u64,
    data: &mut Counted<'_>,
    visit: &mut Visit<'_>,
) -> Result<(), Fault> {
    let item = Item {
        name: head.name,
        what: head.what,
        mode: head.mode,
        vetted: head.vetted,
        data: &mut *data,
    };
    if let Err(why) = visit(item) {
        return Err(Fault {
            entry: Some(shown.to_string()),
            reason: why,
            damaged: data.read_failed,
        });
    }
    io::copy(data, &mut io::sink()).map_err(|e| Fault::damaged(Some(shown), reason(&e)))?;
    if data.count != declared {
        return Err(Fault::damaged(
            Some(shown),
            format!(
                "the archive ended inside this entry: {} of {declared} bytes",
                data.count
            ),
        ));
    }
    Ok(())
}

/// The reason shown for a read failure. The zip crate reports a CRC-32
/// mismatch as a bare "Invalid checksum"; it is the one worth spelling out.
pub(super) fn reason(e: &io::Error) -> String {
    let text = e.to_string();
    if text == "Invalid checksum" {
        "CRC mismatch: the entry's data is damaged".into()
    } else {
        text
    }
}

/// Counts what is read, and remembers whether reading (rather than what the
/// visitor does with the bytes) failed.
struct Counted<'r> {
    inner: &'r mut dyn Read,
    count: u64,
    read_failed: bool,
}

impl<'r> Counted<'r> {
    fn new(inner: &'r mut dyn Read) -> Counted<'r> {
        Counted {
            inner,
            count: 0,
            read_failed: false,
        }
    }
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.count += n as u64;
                Ok(n)
            }
            Err(e) => {
                self.read_failed = true;
                Err(e)
            }
        }
    }
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
