//! The engine's one way to say something while it works: progress, notes,
//! warnings and `-v` traces go through [`Events`], which the presentation
//! layer (`progress/`) implements. The engine never prints.

/// How a file ended, for the done line.
#[derive(Clone, Debug)]
pub struct Done<'a> {
    pub name: &'a str,
    /// The file's size (or what is kept of it).
    pub bytes: u64,
    /// The bytes fetched by this run (a resumed file had the rest): what a
    /// rate counts.
    pub fetched: u64,
    pub seconds: f64,
    /// e.g. "md5 OK", "sha256 OK", "unverified", or the error.
    pub result: String,
    pub sha256: Option<&'a str>,
    pub ok: bool,
}

use std::time::Duration;

/// What a run reports while it works. `id` identifies one file of the run.
pub trait Events: Send + Sync {
    /// A run of `files` files begins (after the catalog is loaded).
    fn plan(&self, _files: usize) {}
    /// A file is starting; `size` when known, `from` bytes already on disk.
    fn start(&self, id: usize, name: &str, size: Option<u64>, from: u64);
    /// The total size became known (after the first response).
    fn size_known(&self, id: usize, size: u64);
    /// `delta` more bytes arrived.
    fn advance(&self, id: usize, delta: u64);
    /// The file restarts from `position` (a changed remote, a refused range).
    fn reset(&self, id: usize, position: u64);
    /// A noteworthy event for this file (a retry, a fallback, a resume).
    fn note(&self, id: usize, msg: &str);
    fn done(&self, id: usize, done: &Done<'_>);
    /// A file is present and verified: nothing to fetch.
    fn skipped(&self, _id: usize, _name: &str, _bytes: u64) {}
    /// A transient failure is retried (for the file `id`, or the catalog):
    /// retry `attempt` of `of`, after `wait`, because of `why`.
    fn retry(&self, id: Option<usize>, attempt: u32, of: u32, wait: Duration, why: &str);
    /// Something the user should know that is not about one file.
    fn warn(&self, msg: &str);
    /// About once a second while files run: lets a log keep its promise of
    /// a line at least every 30 s, whatever the rate.
    fn tick(&self) {}
    /// A `-v` line (a request or a response), already free of secrets.
    fn trace(&self, line: &str);
    /// The run's final summary: the numbers, and the line a person reads.
    /// Live bars are cleared first.
    fn summary(&self, totals: &Totals, line: &str);
}

/// A run's totals, for the summary.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Totals {
    pub downloaded: usize,
    pub skipped: usize,
    pub failed: usize,
    pub bytes: u64,
    pub seconds: f64,
    /// The bytes fetched by this run, for the rate.
    #[serde(skip)]
    pub fetched: u64,
}

/// Events passed on to `inner`, with the retries of each file counted for
/// the report.
pub struct Counted {
    inner: std::sync::Arc<dyn Events>,
    retries: std::sync::Mutex<std::collections::HashMap<usize, u32>>,
}

impl Counted {
    pub fn new(inner: std::sync::Arc<dyn Events>) -> Counted {
        Counted {
            inner,
            retries: std::sync::Mutex::default(),
        }
    }

    /// The retries file `id` needed.
    pub fn retries(&self, id: usize) -> u32 {
        crate::guard::lock(&self.retries)
            .get(&id)
            .copied()
            .unwrap_or(0)
    }
}

impl Events for Counted {
    fn plan(&self, files: usize) {
        self.inner.plan(files);
    }
    fn start(&self, id: usize, name: &str, size: Option<u64>, from: u64) {
        self.inner.start(id, name, size, from);
    }
    fn size_known(&self, id: usize, size: u64) {
        self.inner.size_known(id, size);
    }
    fn advance(&self, id: usize, delta: u64) {
        self.inner.advance(id, delta);
    }
    fn reset(&self, id: usize, position: u64) {
        self.inner.reset(id, position);
    }
    fn note(&self, id: usize, msg: &str) {
        self.inner.note(id, msg);
    }
    fn done(&self, id: usize, done: &Done<'_>) {
        self.inner.done(id, done);
    }
    fn skipped(&self, id: usize, name: &str, bytes: u64) {
        self.inner.skipped(id, name, bytes);
    }
    fn retry(&self, id: Option<usize>, attempt: u32, of: u32, wait: Duration, why: &str) {
        if let Some(id) = id {
            *crate::guard::lock(&self.retries).entry(id).or_default() += 1;
        }
        self.inner.retry(id, attempt, of, wait, why);
    }
    fn warn(&self, msg: &str) {
        self.inner.warn(msg);
    }
    fn tick(&self) {
        self.inner.tick();
    }
    fn trace(&self, line: &str) {
        self.inner.trace(line);
    }
    fn summary(&self, totals: &Totals, line: &str) {
        self.inner.summary(totals, line);
    }
}
