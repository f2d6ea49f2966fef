//! Safe extraction behind `download --extract`: the archive is unpacked,
//! streaming, into a fresh private staging directory inside the destination,
//! entry by entry under the rules of `paths.rs`; only once every entry was
//! read, passed its format's checks and every link was followed does
//! `place.rs` move the tree into place. Any refusal removes the staging
//! directory, so a failed extraction leaves the destination as it was.
//!
//! Inside the staging directory, no path is created through a symlink: each
//! existing component is looked at with `symlink_metadata` first, and files
//! are created with `O_EXCL | O_NOFOLLOW`, so a link planted by an earlier
//! entry (`dir -> /tmp`, then `dir/evil`) is never written through. Modes
//! keep only the permission bits (no setuid, setgid or sticky bit), pass
//! through the umask, and no owner or timestamp is restored.

use std::collections::HashMap;
use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, symlink};
use std::path::{Path, PathBuf};

use super::paths::{link_target, relative_name, resolve_inside};
use super::place::{Rename, place};
use super::walk::{Item, What, walk};
use super::{Extracted, Kind, Refused};
use crate::text::escape;

const FILE_MODE: u32 = 0o644;
const DIR_MODE: u32 = 0o755;
const BUFFER: usize = 64 * 1024;

/// [`super::extract`], with the final move as a parameter so that a test
/// can make a rename fail half way.
pub(super) fn extract_with(
    path: &Path,
    dest: &Path,
    overwrite: bool,
    rename: &mut Rename<'_>,
) -> Result<Extracted, Refused> {
    let kind = Kind::of(path).ok_or_else(|| {
        Refused::whole(format!(
            "{} is not an archive magedl unpacks (.zip, .tar.gz, .tgz, .tar.bz2, .tbz2, .tar)",
            escape(&path.display().to_string())
        ))
    })?;
    fs::create_dir_all(dest)
        .map_err(|e| Refused::whole(format!("cannot create {}: {e}", dest.display())))?;
    // Dropped on every early return: the staging directory goes with it.
    let staging = tempfile::Builder::new()
        .prefix(".magedl-extract-")
        .tempdir_in(dest)
        .map_err(|e| {
            Refused::whole(format!(
                "cannot create a staging directory in {}: {e}",
                dest.display()
            ))
        })?;
    let mut stage = Stage {
        root: staging.path(),
        counts: Extracted::default(),
        dirs: HashMap::new(),
        links: Vec::new(),
    };
    walk(path, kind, &mut |item| stage.add(item)).map_err(|fault| Refused {
        entry: fault.entry.unwrap_or_default(),
        reason: if fault.damaged {
            format!("the archive is damaged: {}", fault.reason)
        } else {
            fault.reason
        },
    })?;
    // Only now is the tree complete: a link is followed through the links
    // unpacked after it too.
    for link in &stage.links {
        resolve_inside(stage.root, link).map_err(|reason| Refused {
            entry: link.to_string_lossy().into_owned(),
            reason,
        })?;
    }
    place(staging.path(), dest, overwrite, &stage.dirs, rename)?;
    let counts = stage.counts;
    staging.close().map_err(|e| {
        Refused::whole(format!(
            "every entry is in place, but the staging directory in {} could not be removed: {e}",
            dest.display()
        ))
    })?;
    Ok(counts)
}

/// The staging tree being built.
struct Stage<'r> {
    root: &'r Path,
    counts: Extracted,
    /// Every directory created, with the mode the archive wants for it: set
    /// only once placed, since a read-only directory could not be filled.
    dirs: HashMap<PathBuf, u32>,
    /// Symlinks, to be followed once the tree is complete.
    links: Vec<PathBuf>,
}

impl Stage<'_> {
    fn add(&mut self, item: Item<'_>) -> Result<(), String> {
        if let What::Special(kind) = &item.what {
            return Err(format!("{kind}: special files are not unpacked"));
        }
        let rel = relative_name(&item.name)?;
        if !item.vetted {
            return Err("the zip crate's own name check refuses the name".into());
        }
        if rel.as_os_str().is_empty() {
            return match item.what {
                What::Dir => Ok(()),
                _ => Err("the entry names the destination itself".into()),
            };
        }
        self.parents(&rel)?;
        let at = self.root.join(&rel);
        match item.what {
            What::Dir => self.dir(&rel, item.mode.map_or(DIR_MODE, |m| m & 0o777)),
            What::File => {
                let mode = item.mode.map_or(FILE_MODE, |m| m & 0o777);
                let file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(mode)
                    .custom_flags(libc::O_NOFOLLOW)
                    .open(&at)
                    .map_err(not_created)?;
                let mut out = BufWriter::with_capacity(BUFFER, file);
                let n = io::copy(item.data, &mut out).map_err(|e| e.to_string())?;
                out.flush().map_err(|e| format!("cannot write: {e}"))?;
                self.counts.files += 1;
                self.counts.bytes += n;
                Ok(())
            }
            What::Symlink(target) => {
                let target = link_target(&rel, &target)?;
                symlink(&target, &at).map_err(not_created)?;
                self.links.push(rel);
                self.counts.links += 1;
                Ok(())
            }
            What::HardLink(target) => {
                let source = relative_name(&target).map_err(|e| format!("hard link: {e}"))?;
                if source.as_os_str().is_empty() {
                    return Err("the hard link has no target".into());
                }
                self.no_link_on_the_way(&source)?;
                let is_file = fs::symlink_metadata(self.root.join(&source))
                    .is_ok_and(|m| m.file_type().is_file());
                if !is_file {
                    return Err(format!(
                        "the hard link's target {} is not a file unpacked before it",
                        escape(&source.to_string_lossy())
                    ));
                }
                fs::hard_link(self.root.join(&source), &at).map_err(not_created)?;
                self.counts.links += 1;
                Ok(())
            }
            What::Special(_) => unreachable!("refused above"),
        }
    }

    /// Creates the missing directories on the way to `rel`; refuses to pass
    /// through a symlink or anything that is not a directory.
    fn parents(&mut self, rel: &Path) -> Result<(), String> {
        let mut sub = PathBuf::new();
        let Some(parent) = rel.parent() else {
            return Ok(());
        };
        for part in parent.iter() {
            sub.push(part);
            if !self.existing_dir(&sub)? {
                self.make_dir(&sub, DIR_MODE)?;
            }
        }
        Ok(())
    }

    /// Like [`Stage::parents`], for a path that must already exist whole.
    fn no_link_on_the_way(&self, rel: &Path) -> Result<(), String> {
        let mut sub = PathBuf::new();
        for part in rel.parent().into_iter().flat_map(Path::iter) {
            sub.push(part);
            if !self.existing_dir(&sub)? {
                return Err(format!("{} does not exist", escape(&sub.to_string_lossy())));
            }
        }
        Ok(())
    }

    /// Whether `sub` is a directory already; an error if it is something
    /// else, above all a symlink.
    fn existing_dir(&self, sub: &Path) -> Result<bool, String> {
        let shown = || escape(&sub.to_string_lossy());
        match fs::symlink_metadata(self.root.join(sub)) {
            Ok(m) if m.file_type().is_symlink() => Err(format!(
                "{} is a symlink: nothing is written through one",
                shown()
            )),
            Ok(m) if m.is_dir() => Ok(true),
            Ok(_) => Err(format!("{} is not a directory", shown())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(format!("cannot inspect {}: {e}", shown())),
        }
    }

    /// A directory entry: created, or (named again after a file inside it
    /// implied it) given its mode.
    fn dir(&mut self, rel: &Path, mode: u32) -> Result<(), String> {
        if self.existing_dir(rel)? {
            return match self.dirs.get_mut(rel) {
                Some(wanted) => {
                    *wanted = mode;
                    Ok(())
                }
                None => Err("duplicate entry: the name was already unpacked".into()),
            };
        }
        self.make_dir(rel, mode)
    }

    fn make_dir(&mut self, rel: &Path, mode: u32) -> Result<(), String> {
        // Owner rwx until placed, so that the entries inside can be written;
        // the umask applies as it does to files.
        DirBuilder::new()
            .mode(mode | 0o700)
            .create(self.root.join(rel))
            .map_err(not_created)?;
        self.dirs.insert(rel.to_path_buf(), mode);
        self.counts.dirs += 1;
        Ok(())
    }
}

fn not_created(e: io::Error) -> String {
    if e.kind() == io::ErrorKind::AlreadyExists {
        "duplicate entry: the name was already unpacked".into()
    } else {
        format!("cannot create: {e}")
    }
}
