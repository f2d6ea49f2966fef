//! The engine's one way to say something while it works: progress, notes,
//! warnings and `-v` traces go through [`Events`], which the presentation
//! layer (`progress/`) implements. The engine never prints.

/// How a file ended, for the done line.
#[derive(Clone, Debug)]
pub struct Done<'a> {
    pub name: &'a str,
    pub bytes: u64,
    pub seconds: f64,
    /// e.g. "md5 OK", "sha256 OK", "unverified", or the error.
    pub result: String,
    pub sha256: Option<&'a str>,
    pub ok: bool,
}

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
    /// Something the user should know that is not about one file.
    fn warn(&self, msg: &str);
    /// A `-v` line (a request or a response), already free of secrets.
    fn trace(&self, line: &str);
    /// The run's final summary line; live bars are cleared first.
    fn summary(&self, line: &str);
}
