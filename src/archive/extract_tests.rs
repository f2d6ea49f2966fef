//! Extraction of good archives, and of hostile ones: each hostile case is
//! refused with the entry named, leaves a sentinel directory beside the
//! destination unchanged, and leaves nothing in the destination (the staging
//! directory included).

use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use super::extract::extract_with;
use super::testkit::{E, Scene, file, gzip, snapshot, tar, text, umask, zip};
use super::{Extracted, Refused, extract};

/// A scene with `outside/target.txt` beside `dest`, to be left alone.
fn scene() -> Scene {
    let scene = Scene::new();
    fs::create_dir(scene.path("outside")).unwrap();
    fs::write(scene.path("outside/target.txt"), b"keep me").unwrap();
    scene
}

fn unpack(scene: &Scene, name: &str, bytes: &[u8], overwrite: bool) -> Result<Extracted, Refused> {
    let archive = scene.write(name, bytes);
    extract(&archive, &scene.path("dest"), overwrite)
}

/// Runs a hostile archive: refused naming `entry`, nothing written outside,
/// nothing left in `dest`. Returns the reason.
fn refused(name: &str, bytes: &[u8], entry: &str) -> String {
    let scene = scene();
    let before = snapshot(&scene.path("outside"));
    let got = unpack(&scene, name, bytes, false);
    let refusal = got.expect_err("a hostile archive was unpacked");
    assert_eq!(refusal.entry, entry, "{refusal}");
    assert_eq!(snapshot(&scene.path("outside")), before, "outside changed");
    assert_eq!(snapshot(&scene.path("dest")), vec![], "dest is not empty");
    for escaped in ["evil", "passwd", "abs"] {
        assert!(!scene.path(escaped).exists(), "{escaped} landed outside");
        assert!(!Path::new("/abs/evil").exists(), "/abs/evil was written");
    }
    refusal.reason
}

fn release(big: &[u8]) -> Vec<E<'_>> {
    vec![
        E::Dir("magento/"),
        file("magento/index.php", b"<?php\n"),
        file("magento/app/code/x.php", big),
        E::Dir("magento/docs/"),
        file("magento/docs/v1/readme", b"read me\n"),
        E::Symlink("magento/docs/latest", "v1/readme"),
    ]
}

fn assert_release(dest: &Path, big: &[u8]) {
    assert_eq!(
        fs::read(dest.join("magento/index.php")).unwrap(),
        b"<?php\n"
    );
    assert_eq!(fs::read(dest.join("magento/app/code/x.php")).unwrap(), big);
    let latest = dest.join("magento/docs/latest");
    assert!(
        fs::symlink_metadata(&latest)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&latest).unwrap(), Path::new("v1/readme"));
    assert_eq!(fs::read(&latest).unwrap(), b"read me\n");
    let names: Vec<_> = fs::read_dir(dest)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["magento"], "the staging directory was left");
}

const RELEASE: Extracted = Extracted {
    files: 3,
    dirs: 5, // magento, app, app/code, docs, docs/v1
    links: 1,
    bytes: 6 + 300_000 + 8,
};

#[test]
fn a_tar_gz_and_a_zip_unpack_byte_for_byte() {
    let big = text(300_000, 11);
    for (name, bytes) in [
        ("m.tar.gz", gzip(&tar(&release(&big)))),
        ("m.zip", zip(&release(&big))),
    ] {
        let scene = scene();
        assert_eq!(unpack(&scene, name, &bytes, false), Ok(RELEASE), "{name}");
        assert_release(&scene.path("dest"), &big);
    }
}

#[test]
fn zip_slip_names_are_refused() {
    for name in [
        "../evil",
        "/abs/evil",
        "a/../../evil",
        "C:\\evil",
        "..\\evil",
        "C:/evil",
    ] {
        let bytes = zip(&[file("ok.txt", b"fine"), file(name, b"pwned")]);
        refused("m.zip", &bytes, name);
        let bytes = tar(&[file("ok.txt", b"fine"), file(name, b"pwned")]);
        refused("m.tar", &bytes, name);
    }
}

#[test]
fn what_the_zip_crate_makes_of_hostile_names() {
    // Why `enclosed_name` is not trusted alone: it rewrites an absolute or
    // drive-letter name into a relative one instead of refusing it, and a
    // backslash name it passes whole on unix only because the component
    // contains one. The extraction refuses all of them.
    let bytes = zip(&[
        file("../evil", b""),
        file("/abs/evil", b""),
        file("a/../../evil", b""),
        file("C:\\evil", b""),
        file("..\\evil", b""),
        file("a/../b", b""),
    ]);
    let mut archive = ::zip::ZipArchive::new(io::Cursor::new(bytes)).unwrap();
    let enclosed: Vec<Option<PathBuf>> = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().enclosed_name())
        .collect();
    assert_eq!(
        enclosed,
        [
            None,
            Some(PathBuf::from("abs/evil")),
            None,
            Some(PathBuf::from("evil")),
            None,
            Some(PathBuf::from("b")),
        ]
    );
}

#[test]
fn a_symlink_to_an_absolute_directory_is_refused_before_anything_is_written_through_it() {
    let bytes = tar(&[
        E::Symlink("link", "/etc"),
        file("link/passwd", b"root::0:0"),
    ]);
    let reason = refused("m.tar", &bytes, "link");
    assert!(reason.contains("absolute"), "{reason}");
}

#[test]
fn a_symlink_climbing_out_is_refused() {
    let reason = refused("m.tar", &tar(&[E::Symlink("link", "../..")]), "link");
    assert!(reason.contains("outside"), "{reason}");
    let bytes = zip(&[E::Symlink("docs/latest", "../../outside")]);
    refused("m.zip", &bytes, "docs/latest");
}

#[test]
fn nothing_is_written_through_a_symlink_even_one_that_stays_inside() {
    // `dir -> sub` is a fair link; `dir/evil` would land in `sub` through it.
    let bytes = tar(&[
        E::Dir("sub/"),
        E::Symlink("dir", "sub"),
        file("dir/evil", b"x"),
    ]);
    let reason = refused("m.tar", &bytes, "dir/evil");
    assert!(reason.contains("symlink"), "{reason}");
    let bytes = zip(&[
        E::Dir("sub/"),
        E::Symlink("dir", "sub"),
        file("dir/evil", b"x"),
    ]);
    refused("m.zip", &bytes, "dir/evil");
}

#[test]
fn a_file_entry_over_a_planted_symlink_is_refused() {
    let bytes = tar(&[
        E::Symlink("f", "../outside/target.txt"),
        file("f", b"pwned"),
    ]);
    refused("m.tar", &bytes, "f");
    // The same with a link that stays inside: the file is not written
    // through it, and the name is a duplicate.
    let bytes = tar(&[
        file("real", b"a"),
        E::Symlink("f", "real"),
        file("f", b"pwned"),
    ]);
    let reason = refused("m.tar", &bytes, "f");
    assert!(reason.contains("duplicate"), "{reason}");
}

#[test]
fn a_link_escaping_only_through_another_link_is_refused() {
    // `q/r -> ../p/..` stays inside as written, but `p -> .` makes it the
    // destination's parent.
    let bytes = tar(&[
        E::Symlink("p", "."),
        E::Dir("q/"),
        E::Symlink("q/r", "../p/.."),
    ]);
    let reason = refused("m.tar", &bytes, "q/r");
    assert!(reason.contains("outside"), "{reason}");
}

#[test]
fn hard_links_out_are_refused_and_in_are_made() {
    refused("m.tar", &tar(&[E::HardLink("h", "/etc/passwd")]), "h");
    let bytes = tar(&[file("a", b"x"), E::HardLink("h", "../outside/target.txt")]);
    refused("m.tar", &bytes, "h");
    // To a file the archive has not unpacked (yet): refused.
    refused(
        "m.tar",
        &tar(&[E::HardLink("h", "later"), file("later", b"x")]),
        "h",
    );
    // Through a symlink: refused.
    let bytes = tar(&[
        E::Dir("d/"),
        file("d/f", b"x"),
        E::Symlink("l", "d"),
        E::HardLink("h", "l/f"),
    ]);
    refused("m.tar", &bytes, "h");
    let scene = scene();
    let bytes = tar(&[file("docs/a", b"same"), E::HardLink("b", "docs/a")]);
    let got = unpack(&scene, "m.tar", &bytes, false).unwrap();
    assert_eq!((got.files, got.links), (1, 1));
    let (a, b) = (scene.path("dest/docs/a"), scene.path("dest/b"));
    assert_eq!(
        fs::metadata(a).unwrap().ino(),
        fs::metadata(b).unwrap().ino()
    );
}

#[test]
fn fifos_and_devices_are_refused() {
    let reason = refused("m.tar", &tar(&[file("a", b"x"), E::Fifo("pipe")]), "pipe");
    assert!(reason.contains("FIFO"), "{reason}");
    let reason = refused("m.tar", &tar(&[E::CharDevice("dev/null")]), "dev/null");
    assert!(reason.contains("character device"), "{reason}");
}

#[test]
fn setuid_setgid_and_sticky_bits_are_dropped_and_the_umask_applies() {
    let scene = scene();
    let bytes = tar(&[
        E::Dir("bin/"),
        E::File("bin/tool", b"#!/bin/sh\n", 0o6755),
        E::File("bin/secret", b"", 0o600),
    ]);
    unpack(&scene, "m.tar", &bytes, false).unwrap();
    let mode = |rel: &str| fs::metadata(scene.path(rel)).unwrap().permissions().mode();
    let mask = umask();
    assert_eq!(mode("dest/bin/tool") & 0o7777, 0o755 & !mask);
    assert_eq!(mode("dest/bin/secret") & 0o7777, 0o600 & !mask);
    assert_eq!(mode("dest/bin") & 0o7777, 0o755 & !mask);
    // A sticky, world-writable directory (tar header mode 01777).
    let scene = self::scene();
    let mut header = tar(&[E::Dir("tmp/")]);
    header[100..108].copy_from_slice(b"0001777\0");
    fix_tar_checksum(&mut header[..512]);
    unpack(&scene, "m.tar", &header, false).unwrap();
    let mode = fs::metadata(scene.path("dest/tmp"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o777 & !mask);
}

fn fix_tar_checksum(header: &mut [u8]) {
    header[148..156].fill(b' ');
    let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

#[test]
fn a_read_only_directory_is_filled_then_made_read_only() {
    let scene = scene();
    let mut bytes = tar(&[E::Dir("ro/"), file("ro/a", b"x")]);
    bytes[100..108].copy_from_slice(b"0000555\0");
    fix_tar_checksum(&mut bytes[..512]);
    unpack(&scene, "m.tar", &bytes, false).unwrap();
    assert_eq!(fs::read(scene.path("dest/ro/a")).unwrap(), b"x");
    let mode = fs::metadata(scene.path("dest/ro"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o555 & !umask());
}

#[test]
fn an_existing_file_is_kept_unless_overwrite() {
    let scene = scene();
    let dest = scene.path("dest");
    fs::create_dir_all(dest.join("magento")).unwrap();
    fs::write(dest.join("magento/index.php"), b"old").unwrap();
    fs::write(dest.join("mine.txt"), b"mine").unwrap();
    let bytes = tar(&[
        file("magento/new.php", b"new"),
        file("magento/index.php", b"fresh"),
    ]);
    let before = snapshot(&dest);
    let refusal = unpack(&scene, "m.tar", &bytes, false).unwrap_err();
    assert_eq!(refusal.entry, "magento/index.php");
    assert!(refusal.reason.contains("already exists"), "{refusal}");
    assert_eq!(snapshot(&dest), before, "dest changed");
    let got = unpack(&scene, "m.tar", &bytes, true).unwrap();
    assert_eq!(got.files, 2);
    assert_eq!(fs::read(dest.join("magento/index.php")).unwrap(), b"fresh");
    assert_eq!(fs::read(dest.join("magento/new.php")).unwrap(), b"new");
    assert_eq!(fs::read(dest.join("mine.txt")).unwrap(), b"mine");
}

#[test]
fn overwrite_replaces_a_symlink_in_dest_and_never_writes_through_it() {
    let scene = scene();
    let dest = scene.path("dest");
    fs::create_dir_all(&dest).unwrap();
    symlink(scene.path("outside/target.txt"), dest.join("index.php")).unwrap();
    let before = snapshot(&scene.path("outside"));
    unpack(&scene, "m.tar", &tar(&[file("index.php", b"new")]), true).unwrap();
    assert_eq!(snapshot(&scene.path("outside")), before);
    let meta = fs::symlink_metadata(dest.join("index.php")).unwrap();
    assert!(meta.is_file());
    assert_eq!(fs::read(dest.join("index.php")).unwrap(), b"new");
}

#[test]
fn a_directory_in_dest_that_is_a_symlink_is_not_written_through() {
    let scene = scene();
    let dest = scene.path("dest");
    fs::create_dir_all(&dest).unwrap();
    symlink(scene.path("outside"), dest.join("magento")).unwrap();
    let before = snapshot(&scene.path("outside"));
    for overwrite in [false, true] {
        let bytes = tar(&[file("magento/target.txt", b"pwned")]);
        let refusal = unpack(&scene, "m.tar", &bytes, overwrite).unwrap_err();
        assert_eq!(refusal.entry, "magento");
        assert_eq!(snapshot(&scene.path("outside")), before);
    }
}

#[test]
fn a_damaged_archive_leaves_nothing() {
    let scene = scene();
    let big = text(100_000, 12);
    let bytes = gzip(&tar(&release(&big)));
    let refusal = unpack(&scene, "m.tgz", &bytes[..bytes.len() / 2], false).unwrap_err();
    assert!(
        refusal.reason.starts_with("the archive is damaged"),
        "{refusal}"
    );
    assert_eq!(snapshot(&scene.path("dest")), vec![]);
}

#[test]
fn a_rename_failing_half_way_is_reported_not_success() {
    let scene = scene();
    let bytes = tar(&[file("a", b"1"), file("b", b"2"), file("c", b"3")]);
    let archive = scene.write("m.tar", &bytes);
    let dest = scene.path("dest");
    let mut calls = 0;
    let got = extract_with(&archive, &dest, false, &mut |from, to| {
        calls += 1;
        if calls == 2 {
            return Err(io::Error::other("disk gone"));
        }
        fs::rename(from, to)
    });
    let refusal = got.unwrap_err();
    assert_eq!(refusal.entry, "b");
    assert!(refusal.reason.contains("disk gone"), "{refusal}");
    assert!(refusal.reason.contains("1 of 3 moves"), "{refusal}");
    // What did move is there; the staging directory is not.
    let names: Vec<_> = fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["a"]);
}

#[test]
fn a_name_that_is_not_an_archive_is_refused() {
    let scene = scene();
    let refusal = unpack(&scene, "patch.diff", b"--- a\n", false).unwrap_err();
    assert_eq!(refusal.entry, "");
    assert!(refusal.reason.contains("not an archive"), "{refusal}");
}
