//! `--progress line`: plain timestamped lines for logs, no carriage return
//! and no escape code — a start line, a line every 10 % or 30 s, a done line
//! per file, notes, and the summary.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use crate::events::{Done, Events};
use crate::guard::lock;
use crate::text::{escape, human_bytes, human_rate, human_secs};

/// At least this often a progress line, by the clock.
const EVERY: Duration = Duration::from_secs(30);

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

fn decile(position: u64, size: Option<u64>) -> u64 {
    size.filter(|n| *n > 0).map_or(0, |n| position * 10 / n)
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

    /// A progress line when a new tenth is reached or 30 s have passed.
    fn progress_due(&mut self) -> Option<String> {
        let decile = decile(self.position, self.size);
        let due_time = self.last_line.elapsed() >= EVERY;
        if !((decile > self.last_decile && decile < 10) || due_time) {
            return None;
        }
        self.last_decile = decile;
        self.last_line = Instant::now();
        let elapsed = self.started.elapsed().as_secs_f64();
        let pct = self
            .size
            .filter(|n| *n > 0)
            .map(|n| format!("{}% ", self.position * 100 / n))
            .unwrap_or_default();
        Some(format!(
            "progress {} {pct}{} {}",
            self.name,
            human_bytes(self.position),
            human_rate(self.position, elapsed)
        ))
    }
}

impl Lines {
    pub fn new() -> Lines {
        Lines {
            state: Mutex::new(HashMap::new()),
        }
    }

    fn emit(&self, text: &str) {
        let now = humantime::format_rfc3339_seconds(SystemTime::now());
        super::line(&format!("{now} {text}"));
    }
}

impl Events for Lines {
    fn start(&self, id: usize, name: &str, size: Option<u64>, from: u64) {
        let now = Instant::now();
        lock(&self.state).insert(
            id,
            LineState {
                name: escape(name),
                announced: false,
                from,
                size,
                position: from,
                started: now,
                last_line: now,
                last_decile: decile(from, size),
            },
        );
    }

    fn size_known(&self, id: usize, size: u64) {
        let line = {
            let mut map = lock(&self.state);
            let Some(s) = map.get_mut(&id) else { return };
            s.size = Some(size);
            s.last_decile = decile(s.position, s.size);
            s.announce()
        };
        if let Some(line) = line {
            self.emit(&line);
        }
    }

    fn advance(&self, id: usize, delta: u64) {
        let (start, progress) = {
            let mut map = lock(&self.state);
            let Some(s) = map.get_mut(&id) else { return };
            let start = s.announce();
            s.position += delta;
            (start, s.progress_due())
        };
        for line in [start, progress].into_iter().flatten() {
            self.emit(&line);
        }
    }

    fn reset(&self, id: usize, position: u64) {
        if let Some(s) = lock(&self.state).get_mut(&id) {
            if !s.announced {
                s.from = position;
            }
            s.position = position;
            s.last_decile = decile(position, s.size);
        }
    }

    fn note(&self, _id: usize, msg: &str) {
        self.emit(&format!("note {}", escape(msg)));
    }

    fn done(&self, id: usize, d: &Done<'_>) {
        let removed = lock(&self.state).remove(&id);
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

    fn warn(&self, msg: &str) {
        super::warn(msg);
    }

    fn trace(&self, text: &str) {
        super::line(text);
    }

    fn summary(&self, line: &str) {
        self.emit(line);
    }
}
