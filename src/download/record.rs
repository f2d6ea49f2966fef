//! The resume-record writer of one file: which bytes of each segment are on
//! disk, saved at most every second while bytes flow and at once when a
//! segment ends, fails or is interrupted. The data is flushed before the
//! record describing it, so after a power loss the record never claims
//! bytes that were not on disk. The flush and the write wait for the disk on
//! a blocking thread, never on the async one.

use std::fs::File;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::state::{self, State};
use crate::error::{Error, Result};
use crate::guard::lock;

/// How often the record is rewritten while bytes flow.
const SAVE_EVERY: Duration = Duration::from_secs(1);

pub struct Recorder {
    path: PathBuf,
    /// A handle of the partial file, to flush it before each save.
    file: File,
    state: Mutex<State>,
    last_save: Mutex<Instant>,
    /// Held by the save in progress: saves never overlap.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// The error of a background save, reported by the next call.
    failed: Arc<Mutex<Option<std::io::Error>>>,
    /// Without ranges there is nothing to resume: nothing is saved.
    enabled: bool,
}

impl Recorder {
    pub fn new(path: PathBuf, file: &File, state: State, enabled: bool) -> Result<Recorder> {
        let file = file
            .try_clone()
            .map_err(|e| Error::io("cannot reopen the partial file", e))?;
        Ok(Recorder {
            path,
            file,
            state: Mutex::new(state),
            last_save: Mutex::new(Instant::now()),
            writer: Arc::default(),
            failed: Arc::default(),
            enabled,
        })
    }

    /// The record as it stands.
    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn error(&self, e: std::io::Error) -> Error {
        Error::io(
            format!("cannot save the resume record {}", self.path.display()),
            e,
        )
    }

    /// `n` more bytes of segment `idx` are on disk; a save is started in the
    /// background when one is due and none is running.
    pub fn record(&self, idx: usize, n: u64) -> Result<()> {
        lock(&self.state).segments[idx].done += n;
        if let Some(e) = lock(&self.failed).take() {
            return Err(self.error(e));
        }
        if !self.enabled || lock(&self.last_save).elapsed() < SAVE_EVERY {
            return Ok(());
        }
        let Ok(guard) = self.writer.clone().try_lock_owned() else {
            return Ok(()); // a save is running; the next one will be due soon
        };
        *lock(&self.last_save) = Instant::now();
        let (file, path, failed) = (
            self.file.try_clone(),
            self.path.clone(),
            self.failed.clone(),
        );
        let snapshot = lock(&self.state).clone();
        tokio::task::spawn_blocking(move || {
            let _held = guard;
            if let Err(e) = file.and_then(|f| persist(&f, &path, &snapshot)) {
                *lock(&failed) = Some(e);
            }
        });
        Ok(())
    }

    /// Saves now, after any save in progress (the end of a segment, an
    /// error, Ctrl-C).
    pub async fn save_now(&self) -> Result<()> {
        if !self.enabled {
            return Ok(());
        }
        let guard = self.writer.clone().lock_owned().await;
        if let Some(e) = lock(&self.failed).take() {
            return Err(self.error(e));
        }
        *lock(&self.last_save) = Instant::now();
        let file = self.file.try_clone().map_err(|e| self.error(e))?;
        let (path, snapshot) = (self.path.clone(), lock(&self.state).clone());
        let saved = tokio::task::spawn_blocking(move || {
            let _held = guard;
            persist(&file, &path, &snapshot)
        })
        .await
        .map_err(|e| self.error(std::io::Error::other(e.to_string())))?;
        saved.map_err(|e| self.error(e))
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
    use crate::download::plan::split;

    #[tokio::test]
    async fn a_saved_record_holds_what_was_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("x.part");
        let file = File::create(&data).unwrap();
        let path = dir.path().join("x.part.state");
        let rec = Recorder::new(
            path.clone(),
            &file,
            State::new(100, None, None, &split(100, 2)),
            true,
        )
        .unwrap();
        rec.record(0, 30).unwrap();
        rec.record(1, 5).unwrap();
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
            State::new(10, None, None, &split(10, 1)),
            false,
        )
        .unwrap();
        rec.record(0, 10).unwrap();
        rec.save_now().await.unwrap();
        assert!(!path.exists());
    }
}
