//! What a terminal shows: live bars and the lines printed while they are
//! drawn, replayed through a terminal emulator.

use std::process::Stdio;

use super::common::*;

const MIB: u64 = 1 << 20;

/// Runs magedl under script(1) on a terminal of `rows` x `cols` and returns
/// the screen as the terminal shows it at the end, one string per row.
fn screen_after(env: &Env, args: &str, rows: u16, cols: u16) -> Vec<String> {
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
    let mut term = vt100::Parser::new(rows, cols, 0);
    term.process(&out.stdout);
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
