//! Text helpers any module may use, the engine included: names shown with
//! their control characters escaped (no terminal injection), and human
//! sizes, durations and rates.

/// Shows a name with control characters escaped, so that a hostile catalog
/// entry cannot move the cursor, clear the screen or start an escape code.
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

/// `50 B`, `1.50 KiB`, `1.00 GiB`: the units the progress bars use.
pub fn human_bytes(n: u64) -> String {
    indicatif::BinaryBytes(n).to_string()
}

/// Seconds with a precision that stays meaningful for short transfers.
pub fn human_secs(seconds: f64) -> String {
    if seconds < 10.0 {
        format!("{seconds:.2}s")
    } else {
        format!("{seconds:.1}s")
    }
}

/// Bytes per second over `seconds`, or `-` when no time has passed.
pub fn human_rate(bytes: u64, seconds: f64) -> String {
    if seconds <= 0.0 {
        return "-".into();
    }
    format!("{}/s", human_bytes((bytes as f64 / seconds) as u64))
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
        assert_eq!(human_bytes(1536), "1.50 KiB");
        assert_eq!(human_bytes(1 << 30), "1.00 GiB");
    }

    #[test]
    fn rates_need_elapsed_time() {
        assert_eq!(human_rate(100, 0.0), "-");
        assert_eq!(human_rate(2048, 2.0), "1.00 KiB/s");
    }
}
