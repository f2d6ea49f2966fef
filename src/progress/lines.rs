//! `--progress line` and `--progress json`: one line per event on standard
//! error, for a cron log or a wrapper — a start line per file, progress at
//! every tenth and at least every 30 s, a done (or failed, or skipped) line,
//! retries, notes and the summary. Plain lines carry a timestamp and no
//! carriage return or escape code; JSON lines are one object each.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};

use crate::events::{Done, Events, Totals};
use crate::guard::lock;
use crate::text::{escape, human_bytes, human_rate, human_secs};

/// At least this often a progress line, by the clock.
const EVERY: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Json,
}

pub struct Lines {
    style: Style,
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

/// One line's content, rendered plain or as JSON.
enum Event<'a> {
    Start {
        name: &'a str,
        size: Option<u64>,
        from: u64,
    },
    Progress {
        name: &'a str,
        bytes: u64,
        size: Option<u64>,
        /// Bytes fetched by this run, for the rate.
        fetched: u64,
        seconds: f64,
    },
}

fn decile(position: u64, size: Option<u64>) -> u64 {
    size.filter(|n| *n > 0).map_or(0, |n| position * 10 / n)
}

impl LineState {
    /// The start line, once.
    fn announce(&mut self) -> Option<Event<'_>> {
        if self.announced {
            return None;
        }
        self.announced = true;
        Some(Event::Start {
            name: &self.name,
            size: self.size,
            from: self.from,
        })
    }

    /// A progress line when a new tenth is reached or 30 s have passed by
    /// the clock (`now`), whether bytes came or not.
    fn progress_due(&mut self, now: Instant) -> Option<Event<'_>> {
        let decile = decile(self.position, self.size);
        let due_time = now.duration_since(self.last_line) >= EVERY;
        if !((decile > self.last_decile && decile < 10) || due_time) {
            return None;
        }
        self.last_decile = decile;
        self.last_line = now;
        Some(Event::Progress {
            name: &self.name,
            bytes: self.position,
            size: self.size,
            fetched: self.position.saturating_sub(self.from),
            seconds: now.duration_since(self.started).as_secs_f64(),
        })
    }
}

impl Lines {
    pub fn new(style: Style) -> Lines {
        Lines {
            style,
            state: Mutex::new(HashMap::new()),
        }
    }

    fn now() -> String {
        humantime::format_rfc3339_millis(SystemTime::now()).to_string()
    }

    /// A plain line with its timestamp, or a JSON object with its event
    /// name and time.
    fn emit(&self, plain: impl FnOnce() -> String, event: &str, fields: Value) {
        match self.style {
            Style::Plain => {
                let now = humantime::format_rfc3339_seconds(SystemTime::now());
                super::line(&format!("{now} {}", plain()));
            }
            Style::Json => {
                let mut object = json!({ "event": event, "time": Lines::now() });
                if let (Some(o), Value::Object(f)) = (object.as_object_mut(), fields) {
                    o.extend(f);
                }
                super::line(crate::text::json_line(&object).trim_end());
            }
        }
    }

    fn emit_event(&self, e: Event<'_>) {
        match e {
            Event::Start { name, size, from } => self.emit(
                || {
                    let shown = size
                        .map(human_bytes)
                        .unwrap_or_else(|| "size unknown".into());
                    let resume = if from > 0 {
                        format!(", resuming at {}", human_bytes(from))
                    } else {
                        String::new()
                    };
                    format!("start {} ({shown}{resume})", escape(name))
                },
                "start",
                json!({ "name": name, "size": size, "from": from }),
            ),
            Event::Progress {
                name,
                bytes,
                size,
                fetched,
                seconds,
            } => self.emit(
                || {
                    let pct = size
                        .filter(|n| *n > 0)
                        .map(|n| format!("{}% ", bytes * 100 / n))
                        .unwrap_or_default();
                    let rate = human_rate(fetched, seconds);
                    format!(
                        "progress {} {pct}{} {rate}",
                        escape(name),
                        human_bytes(bytes)
                    )
                },
                "progress",
                json!({ "name": name, "bytes": bytes, "size": size, "seconds": seconds }),
            ),
        }
    }
}

impl Events for Lines {
    fn start(&self, id: usize, name: &str, size: Option<u64>, from: u64) {
        let now = Instant::now();
        lock(&self.state).insert(
            id,
            LineState {
                name: name.to_string(),
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
        let mut map = lock(&self.state);
        let Some(s) = map.get_mut(&id) else { return };
        s.size = Some(size);
        s.last_decile = decile(s.position, s.size);
        if let Some(e) = s.announce() {
            self.emit_event(e);
        }
    }

    fn advance(&self, id: usize, delta: u64) {
        let mut map = lock(&self.state);
        let Some(s) = map.get_mut(&id) else { return };
        if let Some(e) = s.announce() {
            self.emit_event(e);
        }
        s.position += delta;
        if let Some(e) = s.progress_due(Instant::now()) {
            self.emit_event(e);
        }
    }

    fn tick(&self) {
        let now = Instant::now();
        let mut map = lock(&self.state);
        for s in map.values_mut().filter(|s| s.announced) {
            if let Some(e) = s.progress_due(now) {
                self.emit_event(e);
            }
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

    fn note(&self, id: usize, msg: &str) {
        let name = lock(&self.state).get(&id).map(|s| s.name.clone());
        self.emit(
            || format!("note {}", escape(msg)),
            "note",
            json!({ "name": name, "message": msg }),
        );
    }

    fn done(&self, id: usize, d: &Done<'_>) {
        if let Some(mut s) = lock(&self.state).remove(&id)
            && let Some(e) = s.announce()
        {
            self.emit_event(e);
        }
        let name = d.name;
        let (verb, event) = if d.ok {
            ("done", "done")
        } else {
            ("FAILED", "failed")
        };
        self.emit(
            || {
                let sha = d.sha256.map(|s| format!(" sha256={s}")).unwrap_or_default();
                format!(
                    "{verb} {} {} in {} ({}) {}{sha}",
                    escape(name),
                    human_bytes(d.bytes),
                    human_secs(d.seconds),
                    human_rate(d.fetched, d.seconds),
                    d.result
                )
            },
            event,
            json!({
                "name": name, "bytes": d.bytes, "fetched": d.fetched, "seconds": d.seconds,
                "result": d.result, "sha256": d.sha256,
            }),
        );
    }

    fn skipped(&self, _id: usize, name: &str, bytes: u64) {
        self.emit(
            || {
                format!(
                    "skipped {} {} (present and verified)",
                    escape(name),
                    human_bytes(bytes)
                )
            },
            "skipped",
            json!({ "name": name, "bytes": bytes }),
        );
    }

    fn retry(&self, id: Option<usize>, attempt: u32, of: u32, wait: Duration, why: &str) {
        let name = id.and_then(|id| lock(&self.state).get(&id).map(|s| s.name.clone()));
        let secs = wait.as_secs_f64();
        self.emit(
            || {
                let shown = name.as_deref().map(escape);
                super::retry_line(shown.as_deref(), attempt, of, wait, why)
            },
            "retry",
            json!({ "name": name, "attempt": attempt, "of": of, "wait_seconds": secs, "error": why }),
        );
    }

    fn warn(&self, msg: &str) {
        match self.style {
            Style::Plain => super::warn(msg),
            Style::Json => self.emit(String::new, "warning", json!({ "message": msg })),
        }
    }

    fn trace(&self, text: &str) {
        match self.style {
            Style::Plain => super::line(text),
            Style::Json => self.emit(String::new, "trace", json!({ "message": text })),
        }
    }

    fn summary(&self, totals: &Totals, line: &str) {
        self.emit(|| line.to_string(), "summary", json!(totals));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(size: u64, from: u64, at: Instant) -> LineState {
        LineState {
            name: "f".into(),
            announced: true,
            from,
            size: Some(size),
            position: from,
            started: at,
            last_line: at,
            last_decile: decile(from, Some(size)),
        }
    }

    #[test]
    fn a_line_comes_every_30_seconds_by_the_clock_even_without_bytes() {
        let t0 = Instant::now();
        let mut s = state(1000, 0, t0);
        assert!(s.progress_due(t0 + Duration::from_secs(29)).is_none());
        assert!(s.progress_due(t0 + Duration::from_secs(31)).is_some());
        assert!(
            s.progress_due(t0 + Duration::from_secs(40)).is_none(),
            "the next in 30 s"
        );
        assert!(s.progress_due(t0 + Duration::from_secs(62)).is_some());
    }

    #[test]
    fn a_tenth_reached_gives_a_line_and_the_rate_counts_this_runs_bytes() {
        let t0 = Instant::now();
        let mut s = state(1000, 500, t0);
        s.position = 650;
        match s.progress_due(t0 + Duration::from_secs(1)) {
            Some(Event::Progress { bytes, fetched, .. }) => {
                assert_eq!(bytes, 650);
                assert_eq!(fetched, 150, "500 bytes were on disk from an earlier run");
            }
            _ => panic!("a new tenth gives a line"),
        }
    }
}
