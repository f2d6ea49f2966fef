//! Moving a complete, checked staging tree into the destination. First the
//! plan: every collision with what the destination already holds is found
//! before anything moves, so a refusal leaves it unchanged. Then the moves:
//! renames, atomic and on one file system since the staging directory lives
//! inside the destination (a directory there that is another file system's
//! mount point is refused in the plan). A new directory moves whole, an
//! existing one is merged into entry by entry, and a file replaced under
//! `overwrite` is swapped in one rename (a symlink in its place is replaced,
//! never followed). A rename failing half way is reported with how far it
//! got. Last, the directories created get the modes the archive asked for.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::Refused;

/// The one move operation (`fs::rename`, or a test's failing stand-in).
pub(super) type Rename<'a> = dyn FnMut(&Path, &Path) -> io::Result<()> + 'a;

struct Move {
    rel: PathBuf,
    from: PathBuf,
    to: PathBuf,
}

struct Plan<'p> {
    staging: &'p Path,
    dest: &'p Path,
    overwrite: bool,
    /// The staging directory's file system: every move stays on it.
    device: u64,
    moves: Vec<Move>,
    /// Staged directories that an existing one in `dest` takes in: theirs
    /// is the mode that stays.
    merged: HashSet<PathBuf>,
}

/// Moves the staged tree into `dest`, then sets the modes in `dirs` (by
/// path relative to both) on the directories it created.
pub(super) fn place(
    staging: &Path,
    dest: &Path,
    overwrite: bool,
    dirs: &HashMap<PathBuf, u32>,
    rename: &mut Rename<'_>,
) -> Result<(), Refused> {
    let device = fs::metadata(staging)
        .map_err(|e| Refused::whole(format!("cannot inspect the staging directory: {e}")))?
        .dev();
    let mut plan = Plan {
        staging,
        dest,
        overwrite,
        device,
        moves: Vec::new(),
        merged: HashSet::new(),
    };
    plan.walk(Path::new(""))?;
    let total = plan.moves.len();
    for (done, one) in plan.moves.iter().enumerate() {
        rename(&one.from, &one.to).map_err(|e| Refused {
            entry: shown(&one.rel),
            reason: format!(
                "cannot move it into place: {e}; {done} of {total} moves were made, so {} now \
                 holds part of the archive",
                dest.display()
            ),
        })?;
    }
    // Deepest first: a parent made read-only or untraversable must not
    // keep its children from getting theirs.
    let mut created: Vec<_> = dirs
        .iter()
        .filter(|(rel, _)| !plan.merged.contains(*rel))
        .collect();
    created.sort_by_key(|(rel, _)| std::cmp::Reverse(rel.components().count()));
    for (rel, wanted) in created {
        {
            set_mode(&dest.join(rel), *wanted).map_err(|e| Refused {
                entry: shown(rel),
                reason: format!("placed, but its mode could not be set: {e}"),
            })?;
        }
    }
    Ok(())
}

impl Plan<'_> {
    /// Plans the moves of the staged directory `rel` (the staging root
    /// first), in name order.
    fn walk(&mut self, rel: &Path) -> Result<(), Refused> {
        let refused = |rel: &Path, reason: String| Refused {
            entry: shown(rel),
            reason,
        };
        let listing = fs::read_dir(self.staging.join(rel))
            .and_then(|entries| entries.collect::<io::Result<Vec<_>>>())
            .map_err(|e| refused(rel, format!("cannot list the staged directory: {e}")))?;
        let mut names: Vec<_> = listing.iter().map(|e| e.file_name()).collect();
        names.sort();
        for name in names {
            let rel = rel.join(name);
            let from = self.staging.join(&rel);
            let to = self.dest.join(&rel);
            if to == self.staging {
                return Err(refused(&rel, "the name is the staging directory's".into()));
            }
            let staged_dir = fs::symlink_metadata(&from)
                .map_err(|e| refused(&rel, format!("cannot inspect the staged entry: {e}")))?
                .is_dir();
            let there = match fs::symlink_metadata(&to) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    self.moves.push(Move { rel, from, to });
                    continue;
                }
                Err(e) => {
                    return Err(refused(
                        &rel,
                        format!("cannot inspect the destination: {e}"),
                    ));
                }
                Ok(there) => there,
            };
            let device = there.dev();
            let there = there.file_type();
            let why = if staged_dir && there.is_dir() && device != self.device {
                // A mount point: a rename cannot reach into it, and finding
                // out half way would leave a partial tree.
                "is on another file system than the destination"
            } else if staged_dir && there.is_dir() {
                self.walk(&rel)?;
                self.merged.insert(rel);
                continue;
            } else if there.is_symlink() && staged_dir {
                "is a symlink in the destination: nothing is written through one"
            } else if staged_dir {
                "exists in the destination and is not a directory"
            } else if there.is_dir() {
                "exists in the destination as a directory"
            } else if !self.overwrite {
                "already exists in the destination (and overwriting was not asked for)"
            } else {
                self.moves.push(Move { rel, from, to });
                continue;
            };
            return Err(refused(&rel, why.into()));
        }
        Ok(())
    }
}

/// Takes away the owner bits a directory was created with only to be
/// filled: what the umask removed at creation stays removed.
fn set_mode(dir: &Path, wanted: u32) -> io::Result<()> {
    let meta = fs::symlink_metadata(dir)?;
    if !meta.is_dir() {
        return Err(io::Error::other("it is no longer a directory"));
    }
    let now = meta.permissions().mode() & 0o777;
    let then = now & !(0o700 & !wanted);
    if then != now {
        fs::set_permissions(dir, fs::Permissions::from_mode(then))?;
    }
    Ok(())
}

/// The entry as named in a refusal (which escapes it when shown).
fn shown(rel: &Path) -> String {
    rel.to_string_lossy().into_owned()
}
