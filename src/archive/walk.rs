//! One streaming pass over the entries of an archive of any kind, shared by
//! the deep check and the extraction so that both test the same things.
//! This file opens the file and the decoder, and hands each entry to the
//! visitor; after it, whatever the visitor left unread is read, and the
//! length read is compared with the one the header declares. The formats'
//! own checks are in `zip_walk.rs` and `tar_walk.rs`. Memory stays bounded:
//! content is only ever streamed.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use super::Kind;
use super::tar_walk::walk_tar;
use super::zip_walk::walk_zip;

const BUFFER: usize = 64 * 1024;

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
pub(super) struct Head {
    pub name: Vec<u8>,
    pub what: What,
    pub mode: Option<u32>,
    pub vetted: bool,
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
    pub fn damaged(entry: Option<&str>, reason: impl Into<String>) -> Fault {
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
    pub fn count(&mut self, is_file: bool, bytes: u64) {
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

/// Hands one entry to the visitor, then reads what it left and compares the
/// length read with the declared one.
pub(super) fn visit_then_drain(
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
pub(super) struct Counted<'r> {
    inner: &'r mut dyn Read,
    pub count: u64,
    read_failed: bool,
}

impl<'r> Counted<'r> {
    pub fn new(inner: &'r mut dyn Read) -> Counted<'r> {
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
