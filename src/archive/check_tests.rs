//! The deep check against good archives of every kind, and against the
//! damage a download or a bad upload does: cuts at several offsets, bits
//! flipped in an entry's data, in a header, in a trailer.

use std::path::PathBuf;

use md5::{Digest, Md5};

use super::testkit::{E, Scene, bzip2, file, gzip, tar, text, zip};
use super::{Checked, Damage, check};
use crate::verify::{Digests, Expected};

/// The release-like tree every kind is built from: 6 entries, 2 files.
fn tree(big: &[u8]) -> Vec<E<'_>> {
    vec![
        E::Dir("magento/"),
        file("magento/index.php", b"<?php require 'app/bootstrap.php';\n"),
        E::Dir("magento/app/"),
        file("magento/app/x.php", big),
        E::Dir("magento/docs/"),
        E::Symlink("magento/docs/latest", "../app/x.php"),
    ]
}

const BYTES: u64 = 35 + 200_000;

struct Built {
    name: &'static str,
    bytes: Vec<u8>,
}

fn every_kind(big: &[u8]) -> Vec<Built> {
    let plain = tar(&tree(big));
    vec![
        Built {
            name: "m.zip",
            bytes: zip(&tree(big)),
        },
        Built {
            name: "m.tar",
            bytes: plain.clone(),
        },
        Built {
            name: "m.tar.gz",
            bytes: gzip(&plain),
        },
        Built {
            name: "m.tgz",
            bytes: gzip(&plain),
        },
        Built {
            name: "m.tar.bz2",
            bytes: bzip2(&plain),
        },
    ]
}

fn check_bytes(scene: &Scene, name: &str, bytes: &[u8]) -> Result<Checked, Damage> {
    let path: PathBuf = scene.write(name, bytes);
    check(&path)
}

#[test]
fn good_archives_of_every_kind_pass_with_their_counts() {
    let scene = Scene::new();
    let big = text(200_000, 1);
    for built in every_kind(&big) {
        assert_eq!(
            check_bytes(&scene, built.name, &built.bytes),
            Ok(Checked::Archive {
                entries: 6,
                bytes: BYTES
            }),
            "{}",
            built.name
        );
    }
}

#[test]
fn other_names_are_not_archives() {
    let scene = Scene::new();
    let path = scene.write("patch.diff", b"--- a\n+++ b\n");
    assert_eq!(check(&path), Ok(Checked::NotAnArchive));
}

#[test]
fn every_cut_is_damage() {
    let scene = Scene::new();
    let big = text(200_000, 2);
    for built in every_kind(&big) {
        let len = built.bytes.len();
        // Half way, just after the first header, at the marker's start and
        // inside it, and the last bytes off (a tar's marker, a gzip or
        // bzip2 trailer, a zip's end of central directory).
        for cut in [0, 1, 600, len / 2, len - 1024, len - 512, len - 10, len - 1] {
            let got = check_bytes(&scene, built.name, &built.bytes[..cut]);
            assert!(
                got.is_err(),
                "{} cut at {cut} of {len}: {got:?}",
                built.name
            );
        }
    }
}

#[test]
fn a_plain_tar_cut_on_an_entry_boundary_is_damage_too() {
    let scene = Scene::new();
    let entries = [file("a", b"one"), file("b", b"two")];
    let bytes = tar(&entries);
    // Header and one padded block per entry: the cut leaves `a` whole, so
    // only the missing end-of-archive marker tells.
    let damage = check_bytes(&scene, "m.tar", &bytes[..1024]).unwrap_err();
    assert_eq!(damage.entry, None);
    assert!(damage.reason.contains("end-of-archive marker"), "{damage}");
    assert!(damage.reason.contains("after entry a"), "{damage}");
}

#[test]
fn a_short_final_entry_is_named() {
    let scene = Scene::new();
    let big = text(10_000, 3);
    let bytes = tar(&[file("a", b"one"), file("b", &big)]);
    let damage = check_bytes(&scene, "m.tar", &bytes[..1024 + 512 + 4000]).unwrap_err();
    assert_eq!(damage.entry.as_deref(), Some("b"));
    assert!(damage.reason.contains("4000 of 10000 bytes"), "{damage}");
}

/// Where the stored data of the zip entry `name` starts, and its length.
fn zip_data(bytes: &[u8], name: &str) -> (usize, usize) {
    let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let entry = archive.by_name(name).unwrap();
    (
        entry.data_start().unwrap() as usize,
        entry.compressed_size() as usize,
    )
}

#[test]
fn a_flipped_bit_in_a_zip_entry_names_that_entry() {
    let scene = Scene::new();
    let big = text(200_000, 4);
    let good = zip(&tree(&big));
    let (start, len) = zip_data(&good, "magento/app/x.php");
    // Early, middle and late in the deflated data (a deflate error, or a
    // CRC mismatch); the central directory is left intact, so the archive
    // still opens. Not the last byte: its high bits can be padding after the
    // final block, and flipping one changes nothing the CRC covers.
    for at in [start + 10, start + len / 2, start + len - 16] {
        let mut bad = good.clone();
        bad[at] ^= 0x10;
        let damage = check_bytes(&scene, "m.zip", &bad).unwrap_err();
        assert_eq!(
            damage.entry.as_deref(),
            Some("magento/app/x.php"),
            "flip at {at}: {damage}"
        );
    }
}

#[test]
fn a_stored_zip_entry_with_a_flipped_bit_fails_its_crc() {
    let scene = Scene::new();
    let mut writer = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Stored);
    writer.start_file("magento/app/x.php", stored).unwrap();
    std::io::Write::write_all(&mut writer, &text(5_000, 5)).unwrap();
    let good = writer.finish().unwrap().into_inner();
    let (start, len) = zip_data(&good, "magento/app/x.php");
    let mut bad = good.clone();
    bad[start + len / 2] ^= 0x01;
    let damage = check_bytes(&scene, "m.zip", &bad).unwrap_err();
    assert_eq!(
        damage.to_string(),
        "archive: entry magento/app/x.php: CRC mismatch: the entry's data is damaged"
    );
}

#[test]
fn a_flipped_bit_in_compressed_tar_data_is_damage() {
    let scene = Scene::new();
    let big = text(200_000, 6);
    let plain = tar(&tree(&big));
    for (name, good) in [("m.tar.gz", gzip(&plain)), ("m.tar.bz2", bzip2(&plain))] {
        for at in [good.len() / 3, good.len() / 2, good.len() * 2 / 3] {
            for bit in [0x01, 0x20, 0x80] {
                let mut bad = good.clone();
                bad[at] ^= bit;
                let got = check_bytes(&scene, name, &bad);
                assert!(got.is_err(), "{name} flip {bit:#x} at {at}: {got:?}");
            }
        }
    }
}

#[test]
fn a_flipped_bit_in_the_gzip_trailer_is_damage() {
    let scene = Scene::new();
    let good = gzip(&tar(&[file("a", b"one")]));
    let len = good.len();
    // The CRC-32 (8..4 bytes from the end), then ISIZE (the last 4).
    for at in [len - 8, len - 5, len - 4, len - 1] {
        let mut bad = good.clone();
        bad[at] ^= 0x04;
        let damage = check_bytes(&scene, "m.tgz", &bad).unwrap_err();
        assert!(damage.reason.contains("checksum"), "{at}: {damage}");
    }
}

#[test]
fn anything_after_the_last_compressed_stream_is_damage() {
    let scene = Scene::new();
    let plain = tar(&[file("a", b"one")]);
    for (name, mut bytes) in [("m.tgz", gzip(&plain)), ("m.tbz2", bzip2(&plain))] {
        bytes.extend_from_slice(b"garbage");
        assert!(check_bytes(&scene, name, &bytes).is_err(), "{name}");
    }
    // Two members back to back are one valid gzip file.
    let (head, tail) = plain.split_at(512);
    let mut two = gzip(head);
    two.extend_from_slice(&gzip(tail));
    assert_eq!(
        check_bytes(&scene, "m.tgz", &two),
        Ok(Checked::Archive {
            entries: 1,
            bytes: 3
        })
    );
}

#[test]
fn a_plain_tar_checks_its_headers_but_has_no_content_checksum() {
    let scene = Scene::new();
    let good = tar(&[file("a", b"one"), file("b", b"two")]);
    let mut header = good.clone();
    header[1024 + 20] ^= 0x01; // inside `b`'s header, after `a` and its data
    let damage = check_bytes(&scene, "m.tar", &header).unwrap_err();
    assert!(damage.reason.contains("checksum"), "{damage}");
    assert!(damage.reason.contains("after entry a"), "{damage}");
    // The format has nothing to check content against: this passes, and
    // only a published checksum of the file catches it.
    let mut content = good;
    content[512] ^= 0x01;
    assert!(check_bytes(&scene, "m.tar", &content).is_ok());
}

#[test]
fn a_lone_zero_block_hiding_entries_is_damage() {
    let scene = Scene::new();
    let first = tar(&[file("a", b"one")]);
    let mut bytes = first[..first.len() - 512].to_vec();
    bytes.extend_from_slice(&tar(&[file("hidden", b"two")]));
    let damage = check_bytes(&scene, "m.tar", &bytes).unwrap_err();
    assert!(damage.reason.contains("lone zero block"), "{damage}");
}

#[test]
fn pax_global_headers_are_read_but_not_counted() {
    let scene = Scene::new();
    let records = b"52 comment=0123456789012345678901234567890123456789\n";
    let bytes = tar(&[E::Global(records), file("a", b"one")]);
    assert_eq!(
        check_bytes(&scene, "m.tar", &bytes),
        Ok(Checked::Archive {
            entries: 1,
            bytes: 3
        })
    );
}

#[test]
fn an_empty_or_foreign_file_is_damage() {
    let scene = Scene::new();
    for name in ["m.zip", "m.tar", "m.tar.gz", "m.tar.bz2"] {
        assert!(check_bytes(&scene, name, b"").is_err(), "{name} empty");
        assert!(
            check_bytes(&scene, name, b"<html>503</html>").is_err(),
            "{name} html"
        );
    }
    let missing = scene.path("missing.zip");
    assert!(check(&missing).unwrap_err().reason.contains("cannot open"));
}

#[test]
fn only_the_deep_check_catches_damage_done_before_the_md5_was_published() {
    let scene = Scene::new();
    let big = text(200_000, 7);
    let good = zip(&tree(&big));
    let (start, len) = zip_data(&good, "magento/app/x.php");
    let mut damaged = good;
    damaged[start + len / 2] ^= 0x02;
    // The checksum published for these bytes matches them...
    let md5: String = Md5::digest(&damaged)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let published = Expected {
        md5: Some(md5.clone()),
        sha256: None,
    };
    let computed = Digests {
        md5: Some(md5),
        sha256: None,
    };
    assert!(published.check("m.zip", &computed).is_ok());
    // ...and the archive is still broken.
    let damage = check_bytes(&scene, "m.zip", &damaged).unwrap_err();
    assert_eq!(damage.entry.as_deref(), Some("magento/app/x.php"));
}
