//! The resume record kept beside a partial file: what the remote looked like
//! (size and validators) and how much of each piece is on disk (the
//! `segments`, split pieces included). It holds no
//! secret and no URL, is private (0600) and is replaced atomically.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::plan::Span;
use super::response::Validators;

const FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub span: Span,
    /// Bytes of this span already on disk, from its start.
    pub done: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub format: u32,
    pub size: u64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub segments: Vec<Segment>,
}

impl State {
    pub fn new(
        size: u64,
        etag: Option<String>,
        last_modified: Option<String>,
        spans: &[Span],
    ) -> State {
        State {
            format: FORMAT,
            size,
            etag,
            last_modified,
            segments: spans
                .iter()
                .map(|&span| Segment { span, done: 0 })
                .collect(),
        }
    }

    /// A record of `segments` (the pieces as they stand).
    pub fn of(size: u64, validators: &Validators, segments: Vec<Segment>) -> State {
        State {
            format: FORMAT,
            size,
            etag: validators.etag.clone(),
            last_modified: validators.last_modified.clone(),
            segments,
        }
    }

    /// What identified the remote file when the record was started.
    pub fn validators(&self) -> Validators {
        Validators {
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
        }
    }

    pub fn bytes_done(&self) -> u64 {
        self.segments.iter().map(|s| s.done.min(s.span.len())).sum()
    }

    /// A record that is internally consistent: segments in order, covering
    /// `[0, size)` exactly, with sane progress.
    pub fn is_consistent(&self) -> bool {
        let mut pos = 0;
        for s in &self.segments {
            if s.span.start != pos || s.span.end < s.span.start || s.done > s.span.len() {
                return false;
            }
            pos = s.span.end;
        }
        self.format == FORMAT && pos == self.size && !self.segments.is_empty()
    }
}

pub fn state_path(part: &Path) -> PathBuf {
    let mut p = part.as_os_str().to_owned();
    p.push(".state");
    PathBuf::from(p)
}

/// Reads a saved record; anything unreadable or inconsistent is None (the
/// partial data is then discarded, never trusted).
pub fn load(path: &Path) -> Option<State> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    let text = std::fs::read(path).ok()?;
    let state: State = serde_json::from_slice(&text).ok()?;
    state.is_consistent().then_some(state)
}

/// Writes the record to a private temporary file and renames it into place,
/// so a crash leaves either the old or the new record, never a torn one.
pub fn save(path: &Path, state: &State) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&tmp)?;
    file.write_all(&serde_json::to_vec(state).map_err(std::io::Error::other)?)?;
    file.sync_data()?;
    std::fs::rename(&tmp, path)
}

pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::download::plan::cut;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn state_round_trips_privately() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.part.state");
        let mut s = State::new(100, Some("\"e1\"".into()), None, &cut(100, 34));
        s.segments[0].done = 34;
        s.segments[1].done = 5;
        save(&p, &s).unwrap();
        assert_eq!(load(&p).unwrap(), s);
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(s.bytes_done(), 39);
        assert_eq!(s.validators().if_range(), Some("\"e1\""));
    }

    #[test]
    fn inconsistent_records_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s");
        let mut s = State::new(100, None, None, &cut(100, 50));
        s.segments[1].span.start = 49;
        save(&p, &s).unwrap();
        assert!(load(&p).is_none());
        std::fs::write(&p, b"{not json").unwrap();
        assert!(load(&p).is_none());
    }

    #[test]
    fn weak_etags_fall_back_to_last_modified() {
        let s = State::new(
            1,
            Some("W/\"x\"".into()),
            Some("Tue, 09 Feb 2021 10:00:00 GMT".into()),
            &cut(1, 1),
        );
        assert_eq!(
            s.validators().if_range(),
            Some("Tue, 09 Feb 2021 10:00:00 GMT")
        );
    }
}
