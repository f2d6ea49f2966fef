//! The rules for where an entry may land and where a link may point: an
//! entry's name must be a plain relative path (no root, no `..`, no Windows
//! separator or drive, no NUL), and a link must lead somewhere inside the
//! destination, both as written and once the links already unpacked are
//! followed. Names are taken as bytes: tar names need not be UTF-8.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

/// As many links as Linux follows before it gives up (ELOOP).
const MAX_HOPS: u32 = 40;
/// The longest link target Linux stores (PATH_MAX, less the NUL).
pub(super) const MAX_TARGET: usize = 4095;

/// An entry's name as a path relative to the destination. `.` components
/// and repeated or trailing slashes are dropped (`./magento/` is
/// `magento`); the empty path is the destination itself.
pub(super) fn relative_name(name: &[u8]) -> Result<PathBuf, String> {
    plain(name, "name")?;
    if name.starts_with(b"/") {
        return Err("the name is an absolute path".into());
    }
    let mut out = PathBuf::new();
    for part in name.split(|b| *b == b'/') {
        match part {
            b"" | b"." => continue,
            b".." => return Err("the name climbs out of the destination with `..`".into()),
            // `C:` would be a drive on Windows: refused wherever it is read.
            _ if out.as_os_str().is_empty() && is_drive(part) => {
                return Err("the name starts with a drive letter".into());
            }
            _ => out.push(OsStr::from_bytes(part)),
        }
    }
    Ok(out)
}

/// A symlink's target, checked as written: relative, and never above the
/// destination when its `..` are taken from the link's own directory. The
/// target is returned unchanged, to be stored as the archive wrote it.
pub(super) fn link_target(link: &Path, target: &[u8]) -> Result<PathBuf, String> {
    if target.is_empty() {
        return Err("the link has no target".into());
    }
    plain(target, "link target")?;
    if target.len() > MAX_TARGET {
        return Err(format!("the link target is longer than {MAX_TARGET} bytes"));
    }
    if target.starts_with(b"/") {
        return Err("the link points to an absolute path".into());
    }
    let mut depth = link.components().count().saturating_sub(1);
    for part in target.split(|b| *b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                depth = depth
                    .checked_sub(1)
                    .ok_or("the link points outside the destination")?;
            }
            _ => depth += 1,
        }
    }
    Ok(PathBuf::from(OsStr::from_bytes(target)))
}

fn plain(bytes: &[u8], what: &str) -> Result<(), String> {
    if bytes.contains(&0) {
        return Err(format!("the {what} contains a NUL byte"));
    }
    // A Windows separator: `..\evil` is one harmless name here but a climb
    // out wherever the tree is copied to Windows; no release needs one.
    if bytes.contains(&b'\\') {
        return Err(format!("the {what} contains a backslash"));
    }
    Ok(())
}

fn is_drive(part: &[u8]) -> bool {
    part.len() >= 2 && part[0].is_ascii_alphabetic() && part[1] == b':'
}

/// Follows the symlink at `link` (relative to `root`) through the tree
/// under `root` as it now stands, links included, and refuses it if any
/// step leaves `root`. As written, `a -> b/..` stays inside; if `b` is
/// itself a link to `..`, it does not, whichever was unpacked first.
pub(super) fn resolve_inside(root: &Path, link: &Path) -> Result<(), String> {
    let target =
        fs::read_link(root.join(link)).map_err(|e| format!("cannot read the link back: {e}"))?;
    let mut at: Vec<OsString> = link
        .parent()
        .map(|p| p.iter().map(OsStr::to_os_string).collect())
        .unwrap_or_default();
    let mut hops = 0;
    follow(root, &mut at, &target, &mut hops)
}

fn follow(
    root: &Path,
    at: &mut Vec<OsString>,
    target: &Path,
    hops: &mut u32,
) -> Result<(), String> {
    for part in target.components() {
        match part {
            Component::RootDir | Component::Prefix(_) => {
                return Err("the link leads to an absolute path".into());
            }
            Component::CurDir => {}
            Component::ParentDir => {
                if at.pop().is_none() {
                    return Err("the link leads outside the destination".into());
                }
            }
            Component::Normal(name) => {
                at.push(name.to_os_string());
                let here = root.join(at.iter().collect::<PathBuf>());
                let is_link = fs::symlink_metadata(&here).is_ok_and(|m| m.file_type().is_symlink());
                if is_link {
                    *hops += 1;
                    if *hops > MAX_HOPS {
                        return Err("the link leads through too many links".into());
                    }
                    let next =
                        fs::read_link(&here).map_err(|e| format!("cannot read a link: {e}"))?;
                    at.pop();
                    follow(root, at, &next, hops)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn plain_relative_names_pass_and_dots_are_dropped() {
        let ok = |n: &str| relative_name(n.as_bytes()).unwrap();
        assert_eq!(ok("magento/app/x.php"), Path::new("magento/app/x.php"));
        assert_eq!(ok("./magento//app/"), Path::new("magento/app"));
        assert_eq!(ok("./"), Path::new(""));
        assert_eq!(ok("a/C:/b"), Path::new("a/C:/b"));
    }

    #[test]
    fn hostile_names_are_refused() {
        for name in [
            "../evil",
            "/abs/evil",
            "a/../../evil",
            "a/../b",
            "C:\\evil",
            "C:/evil",
            "..\\evil",
            "a\\b",
            "a\0b",
        ] {
            assert!(relative_name(name.as_bytes()).is_err(), "{name:?} passed");
        }
    }

    #[test]
    fn link_targets_stay_under_the_destination() {
        let link = |at: &str, to: &str| link_target(Path::new(at), to.as_bytes());
        assert!(link("docs/latest", "v1/readme").is_ok());
        assert!(link("docs/latest", "../README").is_ok());
        assert!(link("a/b/c", "../../x/./y").is_ok());
        assert!(link("link", "..").is_err());
        assert!(link("docs/latest", "../../x").is_err());
        assert!(link("a/b", "x/../../..").is_err());
        assert!(link("link", "/etc").is_err());
        assert!(link("link", "").is_err());
        assert!(link("link", "..\\..").is_err());
        assert!(link("link", &"a/".repeat(2048)).is_err());
    }

    #[test]
    fn resolving_follows_links_planted_in_any_order() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        fs::create_dir_all(root.join("a/b")).unwrap();
        // `up -> b/..` reads as inside, but `b` becomes a link to `../..`.
        symlink("b/../..", root.join("a/up")).unwrap();
        assert!(resolve_inside(root, Path::new("a/up")).is_ok());
        fs::remove_dir(root.join("a/b")).unwrap();
        symlink("../..", root.join("a/b")).unwrap();
        assert!(resolve_inside(root, Path::new("a/b")).is_err());
        assert!(resolve_inside(root, Path::new("a/up")).is_err());
        // A loop stays inside; it is only refused for its length.
        symlink("loop2", root.join("loop1")).unwrap();
        symlink("loop1", root.join("loop2")).unwrap();
        let looped = resolve_inside(root, Path::new("loop1")).unwrap_err();
        assert!(looped.contains("too many"), "{looped}");
    }
}
