//! Piece scheduling seen from the server: a slow connection's piece is
//! split by the others, a small file done quickly never gets a resume
//! record, and a server that refuses ranges keeps the first answer.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::common::*;

const MIB: u64 = 1 << 20;

#[test]
fn the_other_connections_split_the_piece_of_a_slow_one() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("slow.bin", 32 * MIB, 71)],
        throttle_first_range_bps: Some(MIB),
        ..Config::default()
    });
    env.ok(&["download", "-q", "-s", "4", "slow.bin"]);
    env.assert_identical("slow.bin");
    let ranges: Vec<(u64, u64)> = env
        .file_requests()
        .iter()
        .filter_map(|r| r.range.as_deref().map(parse_range))
        .collect();
    // A split: the back half of a piece already asked for, up to its end.
    let split = ranges
        .iter()
        .any(|&(a, b)| ranges.iter().any(|&(c, d)| c < a && b == d));
    assert!(split, "no piece was split: {ranges:?}");
}

/// The names created in `dir` (inotify: nothing is missed, however short
/// it lived) while `run` runs.
fn created_in(dir: &Path, run: impl FnOnce()) -> Vec<String> {
    let path = CString::new(dir.as_os_str().as_bytes()).unwrap();
    // SAFETY: plain system calls on a descriptor this function owns.
    let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
    assert!(fd >= 0);
    let mask = libc::IN_CREATE | libc::IN_MOVED_TO;
    // SAFETY: `path` is a valid C string; `fd` is open.
    assert!(unsafe { libc::inotify_add_watch(fd, path.as_ptr(), mask) } >= 0);
    run();
    let mut names = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        // SAFETY: `buf` is writable for its length.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            break;
        }
        let mut at = 0;
        while at < n as usize {
            let head = std::mem::size_of::<libc::inotify_event>();
            // SAFETY: the kernel wrote whole events; read unaligned.
            let ev: libc::inotify_event =
                unsafe { std::ptr::read_unaligned(buf[at..].as_ptr().cast()) };
            let name = &buf[at + head..at + head + ev.len as usize];
            let name = name.split(|b| *b == 0).next().unwrap_or_default();
            names.push(String::from_utf8_lossy(name).into_owned());
            at += head + ev.len as usize;
        }
    }
    // SAFETY: closing the descriptor opened above.
    unsafe { libc::close(fd) };
    names
}

#[test]
fn a_small_file_done_in_under_a_second_never_gets_a_resume_record() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("small.bin", MIB, 72)],
        ..Config::default()
    });
    let parts = part(env.work(), "small.bin")
        .parent()
        .unwrap()
        .to_path_buf();
    let created = created_in(&parts, || {
        env.ok(&["download", "-q", "-s", "1", "small.bin"]);
    });
    env.assert_identical("small.bin");
    assert!(
        created.iter().any(|n| n == "small.bin.part"),
        "the watch saw the partial file: {created:?}"
    );
    assert!(
        !created.iter().any(|n| n.contains(".state")),
        "a resume record was written: {created:?}"
    );
}

#[test]
fn a_server_answering_ranges_whole_keeps_the_first_stream() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("lies.bin", 4 * MIB, 73)],
        ignore_ranges: true,
        // Slow enough that the first answer still streams when the range
        // requests come back refused.
        throttle_bps: Some(4 * MIB),
        ..Config::default()
    });
    env.ok(&["download", "-q", "-s", "4", "lies.bin"]);
    env.assert_identical("lies.bin");
    let reqs = env.file_requests();
    let plain: Vec<_> = reqs.iter().filter(|r| r.range.is_none()).collect();
    assert_eq!(plain.len(), 1, "one full GET, no second one: {reqs:?}");
    let ranged: Vec<_> = reqs.iter().filter(|r| r.range.is_some()).collect();
    assert!(
        !ranged.is_empty() && ranged.iter().all(|r| r.status == 200),
        "{reqs:?}"
    );
    assert!(!record(env.work(), "lies.bin").exists());
}
