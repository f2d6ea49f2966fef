//! Archives for the tests, built in memory with the same crates the module
//! reads them with, so that no binary fixture is kept. Tar names and link
//! targets are written into the header as raw bytes: the tar crate's own
//! setters refuse `..` and absolute names, which hostile archives need.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use tar::{EntryType, Header};
use zip::write::SimpleFileOptions;

/// One entry to put into a test archive.
#[derive(Clone, Copy)]
pub(super) enum E<'a> {
    /// Name, content, mode.
    File(&'a str, &'a [u8], u32),
    Dir(&'a str),
    /// Name, target.
    Symlink(&'a str, &'a str),
    /// Name, target (tar only).
    HardLink(&'a str, &'a str),
    /// Name (tar only).
    Fifo(&'a str),
    /// Name (tar only).
    CharDevice(&'a str),
    /// A pax global header with these records (tar only), as git archive
    /// writes one.
    Global(&'a [u8]),
}

pub(super) fn file<'a>(name: &'a str, data: &'a [u8]) -> E<'a> {
    E::File(name, data, 0o644)
}

/// `len` bytes of words in a seeded order: deflate and bzip2 compress them
/// into real blocks, unlike a run of one byte.
pub(super) fn text(len: usize, seed: u64) -> Vec<u8> {
    const WORDS: [&str; 8] = [
        "magento ",
        "module ",
        "php ",
        "catalog\n",
        "<?php ",
        "return ",
        "; ",
        "{} ",
    ];
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        out.extend_from_slice(WORDS[rng.usize(..WORDS.len())].as_bytes());
    }
    out.truncate(len);
    out
}

/// A tar with the end-of-archive marker, as every tar tool writes it.
pub(super) fn tar(entries: &[E<'_>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in entries {
        let (header, data): (Header, &[u8]) = match *entry {
            E::File(name, data, mode) => (raw(name, EntryType::Regular, mode, None), data),
            E::Dir(name) => (raw(name, EntryType::Directory, 0o755, None), b""),
            E::Symlink(name, to) => (raw(name, EntryType::Symlink, 0o777, Some(to)), b""),
            E::HardLink(name, to) => (raw(name, EntryType::Link, 0o644, Some(to)), b""),
            E::Fifo(name) => (raw(name, EntryType::Fifo, 0o644, None), b""),
            E::CharDevice(name) => (raw(name, EntryType::Char, 0o644, None), b""),
            E::Global(records) => (
                raw("pax_global_header", EntryType::XGlobalHeader, 0o666, None),
                records,
            ),
        };
        let mut header = header;
        header.set_size(data.len() as u64);
        header.set_cksum();
        builder.append(&header, data).unwrap();
    }
    builder.into_inner().unwrap()
}

fn raw(name: &str, kind: EntryType, mode: u32, link: Option<&str>) -> Header {
    let mut header = Header::new_gnu();
    let old = header.as_old_mut();
    old.name[..name.len()].copy_from_slice(name.as_bytes());
    if let Some(link) = link {
        old.linkname[..link.len()].copy_from_slice(link.as_bytes());
    }
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_mtime(1_700_000_000);
    header
}

pub(super) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

pub(super) fn bzip2(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A zip, deflated; links carry the unix symlink type in their attributes.
pub(super) fn zip(entries: &[E<'_>]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for entry in entries {
        match *entry {
            E::File(name, data, mode) => {
                writer
                    .start_file(name, options.unix_permissions(mode))
                    .unwrap();
                writer.write_all(data).unwrap();
            }
            E::Dir(name) => writer.add_directory(name, options).unwrap(),
            E::Symlink(name, to) => writer.add_symlink(name, to, options).unwrap(),
            E::HardLink(..) | E::Fifo(_) | E::CharDevice(_) | E::Global(_) => {
                panic!("zip has no such entries")
            }
        }
    }
    writer.finish().unwrap().into_inner()
}

/// A directory for one test, with the archive written under `name` beside
/// where it will be unpacked.
pub(super) struct Scene {
    pub dir: tempfile::TempDir,
}

impl Scene {
    pub fn new() -> Scene {
        Scene {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

/// Every path under `root` with what it is (and a file's content), sorted:
/// two snapshots compare equal when nothing under `root` changed.
pub(super) fn snapshot(root: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let what = if meta.file_type().is_symlink() {
                format!("-> {}", std::fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                todo.push(path.clone());
                "dir".into()
            } else {
                format!("{:?}", std::fs::read(&path).unwrap())
            };
            out.push((path.strip_prefix(root).unwrap().to_path_buf(), what));
        }
    }
    out.sort();
    out
}

/// This process's umask, read without changing it (`umask(2)` sets it for
/// every thread at once, and the tests run in parallel).
pub(super) fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
}
