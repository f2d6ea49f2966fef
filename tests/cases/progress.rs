//! What a terminal shows: live bars and the lines printed while they are
//! drawn, replayed through a terminal emulator.

use std::process::Stdio;

use super::common::*;

const MIB: u64 = 1 << 20;

/// Runs magedl under script(1) on a terminal of `rows` x `cols` and
/// returns what it wrote to the terminal.
fn on_a_terminal(env: &Env, args: &str, rows: u16, cols: u16) -> Vec<u8> {
    let line = format!(
        "stty rows {rows} cols {cols}; exec '{}' {args}",
        bin().display()
    );
    let out = env
        .ee_program("script")
        .args(["-qec", &line, "/dev/null"])
        .env("TERM", "xterm-256color")
        .stdin(Stdio::piped())
        .output()
        .expect("script(1) from util-linux");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    out.stdout
}

/// The screen as the terminal shows it at the end, one string per row.
fn screen_after(env: &Env, args: &str, rows: u16, cols: u16) -> Vec<String> {
    let mut term = vt100::Parser::new(rows, cols, 0);
    term.process(&on_a_terminal(env, args, rows, cols));
    term.screen().rows(0, cols).collect()
}

#[test]
fn verbose_traces_survive_live_bars() {
    let env = Env::with(Config {
        extra_files: vec![FileSpec::generated("t.bin", 8 * MIB, 5)],
        throttle_bps: Some(6 * MIB),
        ..Config::default()
    });
    let screen = screen_after(&env, "-v --progress bar download -s 4 t.bin", 200, 160);
    let requests = env.srv.requests().len();
    let sent = screen
        .iter()
        .filter(|l| l.starts_with("magedl: > GET "))
        .count();
    let answered = screen
        .iter()
        .filter(|l| l.starts_with("magedl: < "))
        .count();
    assert!(requests >= 4, "a segmented download: {requests} requests");
    assert_eq!(
        sent,
        requests,
        "every request trace is on screen:\n{}",
        screen.join("\n")
    );
    assert_eq!(
        answered,
        requests,
        "every response trace is on screen:\n{}",
        screen.join("\n")
    );
    env.assert_identical("t.bin");
}

/// Every screen state seen while magedl drew, by replaying its output in
/// small steps.
fn screens_during(env: &Env, args: &str, rows: u16, cols: u16) -> Vec<vt100::Screen> {
    let written = on_a_terminal(env, args, rows, cols);
    let mut term = vt100::Parser::new(rows, cols, 0);
    written
        .chunks(64)
        .map(|chunk| {
            term.process(chunk);
            term.screen().clone()
        })
        .collect()
}

#[test]
fn bars_fit_narrow_terminals_and_the_total_shows_no_fraction_before_any_size() {
    for cols in [40u16, 60, 100] {
        let env = Env::with(Config {
            extra_files: vec![
                FileSpec::generated(
                    "Magento-CE-9.9.9-a-rather-long-archive-name.tar.gz",
                    6 * MIB,
                    7,
                ),
                FileSpec::generated("b.bin", 6 * MIB, 8),
            ],
            throttle_bps: Some(6 * MIB),
            delay_ms: 300,
            ..Config::default()
        });
        let screens = screens_during(
            &env,
            "--progress bar download -s 1 -j 2 --version 9.9.9 b.bin",
            50,
            cols,
        );
        let mut bars_seen = 0;
        let mut unsized_total_seen = false;
        // indicatif pads each line to the width and lets the terminal wrap
        // to the next row: a bar too long for the width would spill its
        // tail onto the row below, which then starts with none of these.
        let starts = ["b.bin", "Magento-", "total", "magedl", "done", "FAILED"];
        for screen in &screens {
            let rows: Vec<String> = screen.rows(0, cols).collect();
            for (r, text) in rows.iter().enumerate() {
                if text.contains(" [") && text.contains(']') {
                    bars_seen += 1;
                    let next = rows.get(r + 1).map(|t| t.trim_end()).unwrap_or("");
                    assert!(
                        // (A row still being drawn holds the start of one.)
                        starts
                            .iter()
                            .any(|s| next.starts_with(s) || s.starts_with(next)),
                        "{cols} columns: a bar spills onto the next row: {text:?} / {next:?}"
                    );
                }
                if text.starts_with("total") && !text.contains(" [") {
                    unsized_total_seen = true;
                    assert!(!text.contains("0 B/0 B"), "{text:?}");
                }
            }
        }
        assert!(bars_seen > 0, "{cols} columns: no bar was drawn");
        assert!(
            unsized_total_seen,
            "{cols} columns: the total had a size at once"
        );
        env.assert_identical("b.bin");
    }
}
