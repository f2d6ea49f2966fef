//! `--progress bar`: one indicatif bar per active file under a total bar.
//! Notes, traces and done lines are printed above the bars.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::events::{Done, Events, Totals};
use crate::guard::lock;
use crate::text::{escape, human_bytes, human_rate, human_secs};

pub struct Bars {
    multi: MultiProgress,
    total: ProgressBar,
    /// The total bar shows bytes only once some size is known.
    total_sized: AtomicBool,
    styles: Styles,
    files: Mutex<Counts>,
    bars: Mutex<HashMap<usize, ProgressBar>>,
}

#[derive(Default)]
struct Counts {
    done: usize,
    planned: usize,
}

/// Templates that fit the terminal's width: every line stays on one row,
/// down to 40 columns (names are cut with an ellipsis).
struct Styles {
    file: ProgressStyle,
    waiting: ProgressStyle,
    total: ProgressStyle,
    total_unsized: ProgressStyle,
}

impl Styles {
    fn for_width(cols: usize) -> Styles {
        let name = (cols / 3).clamp(8, 30);
        // What follows the bar, with the most columns it can take: bytes,
        // rate and ETA on wide terminals, less on narrow ones. The bar gets
        // what is left (and one column spare, so no line ever fills a row).
        let (tail, tail_len, total_tail, total_len) = match cols {
            100.. => (
                "{binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
                45,
                "{binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg}",
                49,
            ),
            70..=99 => (
                "{binary_bytes}/{binary_total_bytes} {percent:>3}%",
                28,
                "{binary_bytes}/{binary_total_bytes} {msg}",
                35,
            ),
            _ => ("{percent:>3}%", 4, "{msg}", 11),
        };
        let bar = |len: usize| cols.saturating_sub(name + 4 + len + 1).clamp(3, 25);
        let style = |t: &str| {
            ProgressStyle::with_template(t)
                .expect("valid template")
                .progress_chars("=> ")
        };
        Styles {
            file: style(&format!(
                "{{prefix:<{name}!}} [{{bar:{}}}] {tail}",
                bar(tail_len)
            )),
            waiting: style(&format!("{{prefix:<{name}!}} {{spinner}} {{msg}}")),
            total: style(&format!(
                "{{prefix:<{name}.bold}} [{{bar:{}}}] {total_tail}",
                bar(total_len)
            )),
            total_unsized: style(&format!("{{prefix:<{name}.bold}} {{msg}}")),
        }
    }
}

impl Bars {
    pub fn new() -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let cols = console::Term::stderr()
            .size_checked()
            .map_or(80, |(_, c)| usize::from(c));
        let styles = Styles::for_width(cols);
        // Hidden until `plan` adds it: drawn on its own it would write past
        // the multi-bar's line accounting.
        let total = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        total.set_style(styles.total_unsized.clone());
        total.set_prefix("total");
        super::set_live(Some(multi.clone()));
        Bars {
            multi,
            total,
            total_sized: AtomicBool::new(false),
            styles,
            files: Mutex::new(Counts::default()),
            bars: Mutex::new(HashMap::new()),
        }
    }

    fn update_total_message(&self) {
        let c = lock(&self.files);
        self.total
            .set_message(format!("{}/{} files", c.done, c.planned));
    }

    /// Some size is known: the total bar shows bytes from now on.
    fn total_grows(&self, size: u64) {
        self.total.inc_length(size);
        if !self.total_sized.swap(true, Ordering::Relaxed) {
            self.total.set_style(self.styles.total.clone());
        }
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        super::set_live(None);
    }
}

impl Events for Bars {
    fn plan(&self, files: usize) {
        lock(&self.files).planned = files;
        self.multi.add(self.total.clone());
        self.update_total_message();
    }

    fn start(&self, id: usize, name: &str, size: Option<u64>, from: u64) {
        // Styled before it is added: a bar drawn with the default style
        // first would flash a line of its own.
        let bar = ProgressBar::with_draw_target(size, ProgressDrawTarget::hidden());
        bar.set_prefix(escape(name));
        match size {
            Some(size) => {
                bar.set_style(self.styles.file.clone());
                self.total_grows(size);
            }
            None => {
                bar.set_style(self.styles.waiting.clone());
                bar.set_message("connecting");
            }
        }
        bar.set_position(from);
        bar.reset_eta();
        let bar = if lock(&self.files).planned > 0 {
            self.multi.insert_before(&self.total, bar)
        } else {
            self.multi.add(bar)
        };
        if size.is_none() {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        self.total.inc(from);
        lock(&self.bars).insert(id, bar);
    }

    fn size_known(&self, id: usize, size: u64) {
        if let Some(bar) = lock(&self.bars).get(&id)
            && bar.length().is_none()
        {
            bar.disable_steady_tick();
            bar.set_message("");
            bar.set_length(size);
            bar.set_style(self.styles.file.clone());
            bar.reset_eta();
            self.total_grows(size);
        }
    }

    fn advance(&self, id: usize, delta: u64) {
        if let Some(bar) = lock(&self.bars).get(&id) {
            bar.inc(delta);
        }
        self.total.inc(delta);
    }

    fn reset(&self, id: usize, position: u64) {
        if let Some(bar) = lock(&self.bars).get(&id) {
            let was = bar.position();
            bar.set_position(position);
            // The rate counts the bytes fetched from here on.
            bar.reset_eta();
            let total = self.total.position();
            self.total
                .set_position((total + position).saturating_sub(was));
        }
    }

    fn note(&self, _id: usize, msg: &str) {
        super::line(&format!("magedl: {}", escape(msg)));
    }

    fn done(&self, id: usize, d: &Done<'_>) {
        if let Some(bar) = lock(&self.bars).remove(&id) {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        let verb = if d.ok { "done" } else { "FAILED" };
        super::line(&format!(
            "{verb} {} {} in {} ({}) {}",
            escape(d.name),
            human_bytes(d.bytes),
            human_secs(d.seconds),
            human_rate(d.fetched, d.seconds),
            d.result
        ));
        lock(&self.files).done += 1;
        self.update_total_message();
    }

    fn retry(&self, id: Option<usize>, attempt: u32, of: u32, wait: Duration, why: &str) {
        let name = id.and_then(|id| lock(&self.bars).get(&id).map(|b| b.prefix()));
        super::line(&format!(
            "magedl: {}",
            super::retry_line(name.as_deref(), attempt, of, wait, why)
        ));
    }

    fn warn(&self, msg: &str) {
        super::warn(msg);
    }

    fn trace(&self, text: &str) {
        super::line(text);
    }

    fn summary(&self, _: &Totals, line: &str) {
        self.total.finish_and_clear();
        let _ = self.multi.clear();
        super::set_live(None);
        super::line(line);
    }
}
