//! One file's pieces and their resume record: the scheduler (`pieces.rs`)
//! behind a lock, and when its state is saved — at most every second while
//! bytes flow, the first time a second after the start (a file done sooner
//! never gets a record), and at once on an error or an interruption. The
//! data is flushed before the record describing it, so after a power loss
//! the record never claims bytes that were not on disk. The flush and the
//! write wait for the disk on a blocking thread, never on the async one.

use std::fs::File;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::pieces::Pieces;
use super::plan::MIN_SPLIT;
use super::response::Validators;
use super::state::{self, State};
use crate::error::{Error, Result};
use crate::guard::lock;

/// How often the record is rewritten while bytes flow.
const SAVE_EVERY: Duration = Duration::from_secs(1);

pub struct Recorder {
    path: PathBuf,
    /// A handle of the partial file, to flush it before each save.
    file: File,
    pieces: Mutex<Pieces>,
    validators: Validators,
    last_save: Mutex<Instant>,
    /// Held by the save in progress: saves never overlap.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// The error of a background save, reported by the next call.
    failed: Arc<Mutex<Option<std::io::Error>>>,
    /// Without ranges there is nothing to resume: nothing is saved.
    enabled: AtomicBool,
}

impl Recorder {
    /// The pieces of `state`, fetched over `connections` connections.
    pub fn new(
        path: PathBuf,
        file: &File,
        state: &State,
        connections: u64,
        enabled: bool,
    ) -> Result<Recorder> {
        let file = file
            .try_clone()
            .map_err(|e| Error::io("cannot reopen the partial file", e))?;
        Ok(Recorder {
            path,
            file,
            pieces: Mutex::new(Pieces::new(&state.segments, MIN_SPLIT, connections)),
            validators: state.validators(),
            last_save: Mutex::new(Instant::now()),
            writer: Arc::default(),
            failed: Arc::default(),
            enabled: AtomicBool::new(enabled),
        })
    }

    /// The pieces as they stand, for the scheduler's decisions.
    pub fn pieces(&self) -> MutexGuard<'_, Pieces> {
        lock(&self.pieces)
    }

    pub fn validators(&self) -> &Validators {
        &self.validators
    }

    fn snapshot(&self) -> State {
        let pieces = self.pieces();
        State::of(pieces.size(), &self.validators, pieces.segments())
    }

    fn error(&self, e: std::io::Error) -> Error {
        Error::io(
            format!("cannot save the resume record {}", self.path.display()),
            e,
        )
    }

    fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Acquire)
    }

    /// `n` more bytes of piece `key` are on disk; returns the contiguous
    /// prefix. A save is started in the background when one is due and
    /// none is running.
    pub fn landed(&self, key: u64, n: u64) -> Result<u64> {
        let prefix = self.pieces().landed(key, n);
        if let Some(e) = lock(&self.failed).take() {
            return Err(self.error(e));
        }
        if !self.enabled() || lock(&self.last_save).elapsed() < SAVE_EVERY {
            return Ok(prefix);
        }
        let Ok(guard) = self.writer.clone().try_lock_owned() else {
            return Ok(prefix); // a save is running; the next one will be due soon
        };
        *lock(&self.last_save) = Instant::now();
        let (file, path, failed) = (
            self.file.try_clone(),
            self.path.clone(),
            self.failed.clone(),
        );
        let snapshot = self.snapshot();
        tokio::task::spawn_blocking(move || {
            let _held = guard;
            if let Err(e) = file.and_then(|f| persist(&f, &path, &snapshot)) {
                *lock(&failed) = Some(e);
            }
        });
        Ok(prefix)
    }

    /// Saves now, after any save in progress (an error, Ctrl-C).
    pub async fn save_now(&self) -> Result<()> {
        if !self.enabled() {
            return Ok(());
        }
        let guard = self.writer.clone().lock_owned().await;
        if let Some(e) = lock(&self.failed).take() {
            return Err(self.error(e));
        }
        *lock(&self.last_save) = Instant::now();
        let file = self.file.try_clone().map_err(|e| self.error(e))?;
        let (path, snapshot) = (self.path.clone(), self.snapshot());
        let saved = tokio::task::spawn_blocking(move || {
            let _held = guard;
            persist(&file, &path, &snapshot)
        })
        .await
        .map_err(|e| self.error(std::io::Error::other(e.to_string())))?;
        saved.map_err(|e| self.error(e))
    }

    /// No more saves: waits for one in progress, so that none lands after
    /// the file is placed. With `forget`, the record is removed too (ranges
    /// turned out useless, so there is nothing to resume).
    pub async fn stop(&self, forget: bool) {
        let _held = self.writer.lock().await;
        self.enabled.store(false, Ordering::Release);
        if forget {
            state::remove(&self.path);
        }
    }
}

/// Flushes the data, then writes the record describing it.
fn persist(file: &File, path: &std::path::Path, snapshot: &State) -> std::io::Result<()> {
    file.sync_data()?;
    state::save(path, snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::download::plan::cut;

    #[tokio::test]
    async fn a_saved_record_holds_what_was_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("x.part");
        let file = File::create(&data).unwrap();
        let path = dir.path().join("x.part.state");
        let rec = Recorder::new(
            path.clone(),
            &file,
            &State::new(100, None, None, &cut(100, 50)),
            2,
            true,
        )
        .unwrap();
        for (conn, n) in [(0, 30), (1, 5)] {
            let key = rec.pieces().take(conn).unwrap();
            assert_eq!(rec.pieces().admit(key, conn, key, n), n);
            rec.landed(key, n).unwrap();
        }
        assert!(!path.exists(), "no save is due yet");
        rec.save_now().await.unwrap();
        let saved = state::load(&path).unwrap();
        assert_eq!(saved.segments[0].done, 30);
        assert_eq!(saved.segments[1].done, 5);
    }

    #[tokio::test]
    async fn a_disabled_recorder_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = File::create(dir.path().join("x.part")).unwrap();
        let path = dir.path().join("x.part.state");
        let rec = Recorder::new(
            path.clone(),
            &file,
            &State::new(10, None, None, &cut(10, 10)),
            1,
            false,
        )
        .unwrap();
        let key = rec.pieces().take(0).unwrap();
        rec.pieces().admit(key, 0, 0, 10);
        rec.landed(key, 10).unwrap();
        rec.save_now().await.unwrap();
        assert!(!path.exists());
    }
}
