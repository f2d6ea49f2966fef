//! Text helpers any module may use, the engine included: names shown with
//! their control characters escaped (no terminal injection), and human
//! sizes, durations and rates.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Characters that reorder the text around them: a name holding U+202E
/// displays `rtl\u{202e}gpj.exe` as `rtlexe.jpg`.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Shows a name with control characters (C0, DEL, C1) and bidi controls
/// escaped, so that a hostile catalog entry cannot move the cursor, clear
/// the screen, start an escape code or disguise itself.
pub fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else if is_bidi_control(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Pretty JSON, one value, with every control character escaped: serde_json
/// escapes only C0, so DEL, C1 and bidi controls are written as `\uXXXX`.
pub fn json_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, EscapeAll(PrettyFormatter::new()));
    value.serialize(&mut ser).expect("serialisable");
    let mut text = String::from_utf8(out).expect("JSON is UTF-8");
    text.push('\n');
    text
}

/// One JSON object on one line, escaped as [`json_pretty`] escapes.
pub fn json_line<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, EscapeAll(CompactFormatter));
    value.serialize(&mut ser).expect("serialisable");
    let mut text = String::from_utf8(out).expect("JSON is UTF-8");
    text.push('\n');
    text
}

/// serde_json's layout (pretty or compact), and escapes for what it leaves
/// raw.
struct EscapeAll<F>(F);

impl<F: Formatter> Formatter for EscapeAll<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_control() || is_bidi_control(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
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
    fn bidi_controls_are_escaped_too() {
        assert_eq!(escape("rtl\u{202e}gpj.exe"), "rtl\\u{202e}gpj.exe");
        assert_eq!(escape("a\u{7f}b\u{85}c"), "a\\u{7f}b\\u{85}c");
    }

    #[test]
    fn json_escapes_del_c1_and_bidi_controls() {
        let text = json_pretty(&["a\u{7f}b\u{85}c\u{202e}d\u{1b}e\"f"]);
        assert_eq!(text, "[\n  \"a\\u007fb\\u0085c\\u202ed\\u001be\\\"f\"\n]\n");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, ["a\u{7f}b\u{85}c\u{202e}d\u{1b}e\"f"]);
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
