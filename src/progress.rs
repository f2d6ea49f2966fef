//! The only place that draws: indicatif bars on a terminal, plain timestamped
//! lines for cron logs, or nothing. The engine talks to it through [`Reporter`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::secret::scrub;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Bar,
    Line,
    None,
}

/// A warning line on standard error, scrubbed of secrets.
pub fn warn(msg: &str) {
    crate::say!("magedl: warning: {}", scrub(msg));
}

/// How a file ended, for the done line and the summary.
#[derive(Clone, Debug)]
pub struct Done<'a> {
    pub name: &'a str,
    pub bytes: u64,
    pub seconds: f64,
    /// e.g. "md5 OK", "sha256 OK", "unverified", "skipped", or the error.
    pub result: String,
    pub sha256: Option<&'a str>,
    pub ok: bool,
}

/// The engine's view of the presentation layer.
pub trait Reporter: Send + Sync {
    /// A file is starting; `size` when known, `from` bytes already on disk.
    fn start(&self, id: usize, name: &str, size: Option<u64>, from: u64);
    /// The total size became known (after the first response).
    fn size_known(&self, id: usize, size: u64);
    /// `delta` more bytes arrived (negative progress is reported by `reset`).
    fn advance(&self, id: usize, delta: u64);
    /// The file restarts from `position` (a changed remote, a refused range).
    fn reset(&self, id: usize, position: u64);
    /// A noteworthy event for this file (a retry, a fallback).
    fn note(&self, id: usize, msg: &str);
    fn done(&self, id: usize, done: &Done<'_>);
    /// The final summary line.
    fn summary(&self, line: &str);
}

/// Builds the reporter for a mode; `total_files` sizes the overall bar.
pub fn reporter(mode: Mode, total_files: usize) -> Box<dyn Reporter> {
    match mode {
        Mode::Bar => Box::new(Bars::new(total_files)),
        Mode::Line => Box::new(Lines::default()),
        Mode::None => Box::new(Silent),
    }
}

pub struct Silent;

impl Reporter for Silent {
    fn start(&self, _: usize, _: &str, _: Option<u64>, _: u64) {}
    fn size_known(&self, _: usize, _: u64) {}
    fn advance(&self, _: usize, _: u64) {}
    fn reset(&self, _: usize, _: u64) {}
    fn note(&self, _: usize, _: &str) {}
    fn done(&self, _: usize, _: &Done<'_>) {}
    fn summary(&self, _: &str) {}
}

/// Shows a name with control characters escaped (no terminal injection).
pub fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// Seconds with a precision that stays meaningful for short transfers.
pub fn human_secs(seconds: f64) -> String {
    if seconds < 10.0 {
        format!("{seconds:.2}s")
    } else {
        format!("{seconds:.1}s")
    }
}

pub fn human_rate(bytes: u64, seconds: f64) -> String {
    if seconds <= 0.0 {
        return "-".into();
    }
    format!("{}/s", human_bytes((bytes as f64 / seconds) as u64))
}

fn timestamp() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// Plain lines for logs: no carriage return, no escape code.
#[derive(Default)]
pub struct Lines {
    state: Mutex<HashMap<usize, LineState>>,
}

struct LineState {
    name: String,
    /// The start line waits for the size (first response) or the end.
    announced: bool,
    from: u64,
    size: Option<u64>,
    position: u64,
    started: Instant,
    last_line: Instant,
    last_decile: u64,
}

impl LineState {
    /// The start line, once.
    fn announce(&mut self) -> Option<String> {
        if self.announced {
            return None;
        }
        self.announced = true;
        let size = self
            .size
            .map(human_bytes)
            .unwrap_or_else(|| "size unknown".into());
        let resume = if self.from > 0 {
            format!(", resuming at {}", human_bytes(self.from))
        } else {
            String::new()
        };
        Some(format!("start {} ({size}{resume})", self.name))
    }
}

impl Lines {
    fn emit(&self, text: &str) {
        crate::say!("{} {}", timestamp(), scrub(text));
    }
}

impl Reporter for Lines {
    fn start(&self, id: usize, name: &str, size: Option<u64>, from: u64) {
        let name = escape(name);
        let now = Instant::now();
        let decile = size.filter(|s| *s > 0).map_or(0, |s| from * 10 / s);
        self.state.lock().unwrap_or_else(|e| e.into_inner()).insert(
            id,
            LineState {
                name,
                announced: false,
                from,
                size,
                position: from,
                started: now,
                last_line: now,
                last_decile: decile,
            },
        );
    }

    fn size_known(&self, id: usize, size: u64) {
        let mut map = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(s) = map.get_mut(&id) else { return };
        s.size = Some(size);
        s.last_decile = s.size.filter(|n| *n > 0).map_or(0, |n| s.position * 10 / n);
        if let Some(line) = s.announce() {
            drop(map);
            self.emit(&line);
        }
    }

    fn advance(&self, id: usize, delta: u64) {
        let mut map = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(s) = map.get_mut(&id) else { return };
        if let Some(line) = s.announce() {
            self.emit(&line);
        }
        s.position += delta;
        let decile = s.size.filter(|n| *n > 0).map_or(0, |n| s.position * 10 / n);
        let due_time = s.last_line.elapsed() >= Duration::from_secs(30);
        if (decile > s.last_decile && decile < 10) || due_time {
            s.last_decile = decile;
            s.last_line = Instant::now();
            let elapsed = s.started.elapsed().as_secs_f64();
            let pct = s
                .size
                .filter(|n| *n > 0)
                .map(|n| format!("{}% ", s.position * 100 / n))
                .unwrap_or_default();
            let text = format!(
                "progress {} {pct}{} {}",
                s.name,
                human_bytes(s.position),
                human_rate(s.position, elapsed)
            );
            drop(map);
            self.emit(&text);
        }
    }

    fn reset(&self, id: usize, position: u64) {
        if let Some(s) = self
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&id)
        {
            if !s.announced {
                s.from = position;
            }
            s.position = position;
            s.last_decile = s.size.filter(|n| *n > 0).map_or(0, |n| position * 10 / n);
        }
    }

    fn note(&self, _id: usize, msg: &str) {
        self.emit(&format!("note {}", escape(msg)));
    }

    fn done(&self, id: usize, d: &Done<'_>) {
        let removed = self
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        if let Some(line) = removed.and_then(|mut s| s.announce()) {
            self.emit(&line);
        }
        let verb = if d.ok { "done" } else { "FAILED" };
        let sha = d.sha256.map(|s| format!(" sha256={s}")).unwrap_or_default();
        self.emit(&format!(
            "{verb} {} {} in {} ({}) {}{sha}",
            escape(d.name),
            human_bytes(d.bytes),
            human_secs(d.seconds),
            human_rate(d.bytes, d.seconds),
            d.result
        ));
    }

    fn summary(&self, line: &str) {
        self.emit(line);
    }
}

/// indicatif bars: one per active file under a total bar.
pub struct Bars {
    multi: MultiProgress,
    total: ProgressBar,
    bars: Mutex<HashMap<usize, ProgressBar>>,
}

impl Bars {
    fn new(total_files: usize) -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let total = multi.add(ProgressBar::new(0));
        total.set_style(
            ProgressStyle::with_template(
                "{prefix:<30.bold} [{bar:25}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        total.set_prefix("total");
        total.set_message(format!("0/{total_files} files"));
        Bars {
            multi,
            total,
            bars: Mutex::new(HashMap::new()),
        }
    }

    /// Name first (cut to fit), then the bar, bytes, rate and ETA.
    fn file_style() -> ProgressStyle {
        ProgressStyle::with_template(
            "{prefix:<30!} [{bar:25}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> ")
    }

    /// Until the first response tells the size: no bar to fill.
    fn waiting_style() -> ProgressStyle {
        ProgressStyle::with_template("{prefix:<30!} {spinner} {binary_bytes} {msg}")
            .expect("valid template")
    }
}

impl Reporter for Bars {
    fn start(&self, id: usize, name: &str, size: Option<u64>, from: u64) {
        let bar = self
            .multi
            .insert_before(&self.total, ProgressBar::no_length());
        bar.set_prefix(escape(name));
        match size {
            Some(size) => {
                bar.set_length(size);
                bar.set_style(Bars::file_style());
            }
            None => {
                bar.set_style(Bars::waiting_style());
                bar.set_message("connecting");
                bar.enable_steady_tick(std::time::Duration::from_millis(200));
            }
        }
        bar.set_position(from);
        if let Some(size) = size {
            self.total.inc_length(size);
        }
        self.total.inc(from);
        self.bars
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, bar);
    }

    fn size_known(&self, id: usize, size: u64) {
        if let Some(bar) = self.bars.lock().unwrap_or_else(|e| e.into_inner()).get(&id)
            && bar.length().is_none()
        {
            bar.disable_steady_tick();
            bar.set_message("");
            bar.set_length(size);
            bar.set_style(Bars::file_style());
            self.total.inc_length(size);
        }
    }

    fn advance(&self, id: usize, delta: u64) {
        if let Some(bar) = self.bars.lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
            bar.inc(delta);
        }
        self.total.inc(delta);
    }

    fn reset(&self, id: usize, position: u64) {
        if let Some(bar) = self.bars.lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
            let back = bar.position().saturating_sub(position);
            bar.set_position(position);
            self.total
                .set_position(self.total.position().saturating_sub(back));
        }
    }

    fn note(&self, _id: usize, msg: &str) {
        let _ = self
            .multi
            .println(format!("magedl: {}", scrub(&escape(msg))));
    }

    fn done(&self, id: usize, d: &Done<'_>) {
        if let Some(bar) = self
            .bars
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id)
        {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        let verb = if d.ok { "done" } else { "FAILED" };
        let _ = self.multi.println(format!(
            "{verb} {} {} in {} ({}) {}",
            escape(d.name),
            human_bytes(d.bytes),
            human_secs(d.seconds),
            human_rate(d.bytes, d.seconds),
            scrub(&d.result)
        ));
        let files_done = self
            .total
            .message()
            .split('/')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0)
            + 1;
        let rest = self.total.message();
        let total_part = rest
            .split_once('/')
            .map(|(_, r)| r.to_string())
            .unwrap_or_default();
        self.total.set_message(format!("{files_done}/{total_part}"));
    }

    fn summary(&self, line: &str) {
        self.total.finish_and_clear();
        crate::say!("{}", scrub(line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a\x1b[2Jb\r\n"), "a\\u{1b}[2Jb\\r\\n");
        assert_eq!(escape("plain+name.zip"), "plain+name.zip");
    }

    #[test]
    fn sizes_are_human() {
        assert_eq!(human_bytes(50), "50 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(1 << 30), "1.0 GiB");
    }
}
