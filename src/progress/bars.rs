//! `--progress bar`: one indicatif bar per active file under a total bar.
//! Notes, traces and done lines are printed above the bars.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::events::{Done, Events, Totals};
use crate::guard::lock;
use crate::text::{escape, human_bytes, human_rate, human_secs};

pub struct Bars {
    multi: MultiProgress,
    total: ProgressBar,
    files: Mutex<Counts>,
    bars: Mutex<HashMap<usize, ProgressBar>>,
}

#[derive(Default)]
struct Counts {
    done: usize,
    planned: usize,
}

impl Bars {
    pub fn new() -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        // Hidden until `plan` adds it: drawn on its own it would write past
        // the multi-bar's line accounting.
        let total = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        total.set_style(
            ProgressStyle::with_template(
                "{prefix:<30.bold} [{bar:25}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        total.set_prefix("total");
        super::set_live(Some(multi.clone()));
        Bars {
            multi,
            total,
            files: Mutex::new(Counts::default()),
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

    fn update_total_message(&self) {
        let c = lock(&self.files);
        self.total
            .set_message(format!("{}/{} files", c.done, c.planned));
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
        let bar = if lock(&self.files).planned > 0 {
            self.multi
                .insert_before(&self.total, ProgressBar::no_length())
        } else {
            self.multi.add(ProgressBar::no_length())
        };
        bar.set_prefix(escape(name));
        match size {
            Some(size) => {
                bar.set_length(size);
                bar.set_style(Bars::file_style());
                self.total.inc_length(size);
            }
            None => {
                bar.set_style(Bars::waiting_style());
                bar.set_message("connecting");
                bar.enable_steady_tick(Duration::from_millis(200));
            }
        }
        bar.set_position(from);
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
            bar.set_style(Bars::file_style());
            self.total.inc_length(size);
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
            let back = bar.position().saturating_sub(position);
            bar.set_position(position);
            self.total
                .set_position(self.total.position().saturating_sub(back));
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
            human_rate(d.bytes, d.seconds),
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
