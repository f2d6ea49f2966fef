//! `sync --metrics FILE`: how the last run went, in the Prometheus text
//! format that node_exporter's textfile collector reads — last run and last
//! success timestamps, files by status, bytes, duration, exit code — written
//! atomically (a temporary file in the same directory, then a rename, so
//! the collector never reads half a file).

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::download::{self, Report};
use crate::error::{Error, Exit, Result};

const SUCCESS: &str = "magedl_sync_last_success_timestamp_seconds";

/// One run, as the metrics tell it.
pub struct Run<'a> {
    pub dir: &'a Path,
    pub report: Option<&'a Report>,
    pub exit: Exit,
    pub duration: Duration,
}

pub fn write_metrics(path: &Path, run: &Run<'_>) -> Result<()> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let previous_success = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| last_success(&text));
    let success = if run.exit == Exit::Ok {
        Some(now)
    } else {
        previous_success
    };
    let text = render(run, now, success);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    download::write_atomic(dir, path, text.as_bytes())
        .map_err(|e| Error::Protocol(format!("cannot write the metrics file: {e}")))
}

/// The last success recorded in an earlier metrics file.
fn last_success(text: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(SUCCESS))?
        .rsplit(' ')
        .next()?
        .parse()
        .ok()
}

fn render(run: &Run<'_>, now: f64, success: Option<f64>) -> String {
    let dir = label(&run.dir.display().to_string());
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, values: &[(&str, f64)]| {
        out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        for (labels, value) in values {
            out.push_str(&format!("{name}{{dir=\"{dir}\"{labels}}} {value}\n"));
        }
    };
    gauge(
        "magedl_sync_last_run_timestamp_seconds",
        "When the last sync run ended (Unix time).",
        &[("", now)],
    );
    if let Some(at) = success {
        gauge(
            SUCCESS,
            "When a sync run last ended with exit 0 (Unix time).",
            &[("", at)],
        );
    }
    let s = run.report.map(|r| &r.summary);
    let count = |f: fn(&download::Summary) -> usize| s.map_or(0.0, |s| f(s) as f64);
    gauge(
        "magedl_sync_files",
        "Files of the last run, by status.",
        &[
            (",status=\"downloaded\"", count(|s| s.downloaded)),
            (",status=\"skipped\"", count(|s| s.skipped)),
            (",status=\"failed\"", count(|s| s.failed)),
        ],
    );
    gauge(
        "magedl_sync_downloaded_bytes",
        "Bytes downloaded by the last run.",
        &[("", s.map_or(0.0, |s| s.bytes as f64))],
    );
    gauge(
        "magedl_sync_duration_seconds",
        "How long the last run took.",
        &[("", run.duration.as_secs_f64())],
    );
    gauge(
        "magedl_sync_exit_code",
        "The exit code of the last run (0 = everything present and verified).",
        &[("", f64::from(run.exit.code()))],
    );
    out
}

/// A label value: backslash, double quote and newline escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_run_keeps_the_last_success() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("magedl.prom");
        let ok = Run {
            dir: Path::new("/srv/\"m\""),
            report: None,
            exit: Exit::Ok,
            duration: Duration::from_millis(1500),
        };
        write_metrics(&path, &ok).unwrap();
        let first = std::fs::read_to_string(&path).unwrap();
        let success = last_success(&first).unwrap();
        assert!(first.contains("dir=\"/srv/\\\"m\\\"\""), "{first}");
        assert!(
            first.contains("magedl_sync_exit_code{dir=\"/srv/\\\"m\\\"\"} 0"),
            "{first}"
        );
        let failed = Run {
            exit: Exit::Failure,
            ..ok
        };
        write_metrics(&path, &failed).unwrap();
        let second = std::fs::read_to_string(&path).unwrap();
        assert_eq!(last_success(&second), Some(success));
        assert!(
            second.contains("magedl_sync_exit_code{dir=\"/srv/\\\"m\\\"\"} 1"),
            "{second}"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
    }
}
