//! The presentation layer, and the one path to standard error: progress
//! (indicatif bars on a terminal, plain timestamped lines for cron logs, or
//! nothing), notes, warnings, `-v` traces, summaries and error lines. While
//! bars are live, every line is printed above them, so none is overwritten.

mod bars;
mod lines;

use std::io::Write;
use std::sync::{Arc, Mutex};

use indicatif::MultiProgress;

use crate::events::{Done, Events, Totals};
use crate::guard::lock;
use crate::secret::scrub;

pub use bars::Bars;
pub use lines::Lines;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Bar,
    Line,
    Json,
    None,
}

/// The bars currently drawn, if any: lines go above them.
static LIVE: Mutex<Option<MultiProgress>> = Mutex::new(None);

/// Writes one line to standard error, scrubbed of secrets, above live bars
/// when there are any. Never panics: a closed standard error (a cron job
/// piping into a logger that died) must not turn into exit 101.
pub fn line(text: &str) {
    let text = scrub(text);
    let live = lock(&LIVE);
    match live.as_ref() {
        Some(multi) if !multi.is_hidden() => {
            let _ = multi.println(&text);
        }
        _ => {
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }
}

/// `magedl: warning: ...`
pub fn warn(msg: &str) {
    line(&format!("magedl: warning: {msg}"));
}

/// `magedl: error: ...`
pub fn error(msg: &str) {
    line(&format!("magedl: error: {msg}"));
}

/// `retry 2/5 in 4.00s: NAME: HTTP 503`, as bars and plain lines say it.
pub fn retry_line(
    name: Option<&str>,
    attempt: u32,
    of: u32,
    wait: std::time::Duration,
    why: &str,
) -> String {
    let file = name.map(|n| format!("{n}: ")).unwrap_or_default();
    format!(
        "retry {attempt}/{of} in {}: {file}{}",
        crate::text::human_secs(wait.as_secs_f64()),
        crate::text::escape(why)
    )
}

/// `magedl: hint: ...`, under an error.
pub fn hint(msg: &str) {
    line(&format!("magedl: hint: {msg}"));
}

fn set_live(multi: Option<MultiProgress>) {
    *lock(&LIVE) = multi;
}

/// The reporter for a run: bars, lines or silence. Warnings and traces
/// (the client sends them only with `-v`) are always shown.
pub fn reporter(mode: Mode) -> Arc<dyn Events> {
    match mode {
        Mode::Bar => Arc::new(Bars::new()),
        Mode::Line => Arc::new(Lines::new(lines::Style::Plain)),
        Mode::Json => Arc::new(Lines::new(lines::Style::Json)),
        Mode::None => Arc::new(Quiet),
    }
}

/// No progress; warnings, traces and the summary (the handler leaves it out
/// under `-q`) still go out.
pub struct Quiet;

impl Events for Quiet {
    fn start(&self, _: usize, _: &str, _: Option<u64>, _: u64) {}
    fn size_known(&self, _: usize, _: u64) {}
    fn advance(&self, _: usize, _: u64) {}
    fn reset(&self, _: usize, _: u64) {}
    fn note(&self, _: usize, _: &str) {}
    fn done(&self, _: usize, _: &Done<'_>) {}
    fn retry(&self, _: Option<usize>, _: u32, _: u32, _: std::time::Duration, _: &str) {}
    fn warn(&self, msg: &str) {
        warn(msg);
    }
    fn trace(&self, text: &str) {
        line(text);
    }
    fn summary(&self, _: &Totals, text: &str) {
        line(text);
    }
}
