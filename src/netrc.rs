//! The netrc file, read as curl, wget and Python's `netrc` module read it.
//!
//! Tokens are separated by any whitespace, newlines included, so an entry
//! may span lines. A `#` that starts a token (outside quotes) makes the rest
//! of its line a comment, as in curl and wget; `p#q` is a plain token. A
//! token in double quotes may hold spaces and `#`; inside it a backslash
//! takes the next character as is, except `\n`, `\r` and `\t`, which are
//! the control characters (curl's rules). `machine NAME` and `default` open
//! an entry; `login` and `password` fill it; `account` and `port` are read
//! and ignored. `macdef NAME` starts an ftp macro whose body runs to the
//! next empty line and is skipped unread: a `machine` line in it is no entry.
//!
//! A malformed file is reported by line number only: its text may be a
//! token.

/// A `machine` entry, or the `default` one (`machine` is None). No `Debug`:
/// the password must not end up in a message.
#[derive(Default)]
pub struct Entry {
    pub machine: Option<String>,
    pub login: Option<String>,
    pub password: Option<String>,
}

/// The line (from 1) where the file stops making sense; never its text.
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed {
    pub line: usize,
}

/// The entry for `host`: the first `machine` that names it (ASCII case
/// does not matter), else the first `default`, wherever it stands.
pub fn entry_for(text: &str, host: &str) -> Result<Option<Entry>, Malformed> {
    let mut entries = parse(text)?;
    let named = |e: &Entry| {
        e.machine
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case(host))
    };
    let at = entries
        .iter()
        .position(named)
        .or_else(|| entries.iter().position(|e| e.machine.is_none()));
    Ok(at.map(|i| entries.swap_remove(i)))
}

#[derive(Clone, Copy)]
enum Field {
    Machine,
    Login,
    Password,
    Ignored,
}

/// Every entry, in file order.
pub fn parse(text: &str) -> Result<Vec<Entry>, Malformed> {
    let mut entries: Vec<Entry> = Vec::new();
    // An entry is open for `login` and `password` (not before the first
    // `machine`, nor after a `macdef`).
    let mut open = false;
    // The keyword waiting for its value, and its line.
    let mut want: Option<(Field, usize)> = None;
    let mut in_macro = false;
    for (i, text) in text.split('\n').enumerate() {
        let line = i + 1;
        let mut rest = text.strip_suffix('\r').unwrap_or(text);
        if in_macro {
            in_macro = !rest.is_empty();
            continue;
        }
        while let Some((token, after)) = next_token(rest, line)? {
            rest = after;
            if let Some((field, _)) = want.take() {
                let entry = entries.last_mut();
                match (field, entry) {
                    (Field::Machine, _) => {
                        entries.push(Entry {
                            machine: Some(token),
                            ..Entry::default()
                        });
                        open = true;
                    }
                    (Field::Login, Some(e)) => e.login = Some(token),
                    (Field::Password, Some(e)) => e.password = Some(token),
                    _ => {}
                }
                continue;
            }
            let field = match token.to_ascii_lowercase().as_str() {
                "machine" => Field::Machine,
                "default" => {
                    entries.push(Entry::default());
                    open = true;
                    continue;
                }
                "macdef" => {
                    // The rest of this line is the macro's name.
                    in_macro = true;
                    open = false;
                    break;
                }
                "login" if open => Field::Login,
                "password" if open => Field::Password,
                "account" | "port" if open => Field::Ignored,
                _ => return Err(Malformed { line }),
            };
            want = Some((field, line));
        }
    }
    match want {
        Some((_, line)) => Err(Malformed { line }),
        None => Ok(entries),
    }
}

/// The next token on a line and the text after it; None at the end of the
/// line or at a comment.
fn next_token(text: &str, line: usize) -> Result<Option<(String, &str)>, Malformed> {
    let text = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let mut chars = text.char_indices();
    match chars.next() {
        None | Some((_, '#')) => Ok(None),
        Some((_, '"')) => {
            let mut token = String::new();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        let rest = &text[i + 1..];
                        // `"a b"c` is no token.
                        if rest.starts_with(|c: char| !c.is_ascii_whitespace()) {
                            break;
                        }
                        return Ok(Some((token, rest)));
                    }
                    '\\' => match chars.next() {
                        Some((_, 'n')) => token.push('\n'),
                        Some((_, 'r')) => token.push('\r'),
                        Some((_, 't')) => token.push('\t'),
                        Some((_, c)) => token.push(c),
                        None => break,
                    },
                    c => token.push(c),
                }
            }
            // Unterminated: a quoted token does not run past its line.
            Err(Malformed { line })
        }
        Some(_) => {
            let end = text
                .find(|c: char| c.is_ascii_whitespace())
                .unwrap_or(text.len());
            Ok(Some((text[..end].to_string(), &text[end..])))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The login and password `host` gets from `text`.
    fn creds(text: &str, host: &str) -> Result<Option<(String, String)>, Malformed> {
        let entry = entry_for(text, host)?;
        Ok(entry.map(|e| (e.login.unwrap_or_default(), e.password.unwrap_or_default())))
    }

    fn pair(login: &str, password: &str) -> Result<Option<(String, String)>, Malformed> {
        Ok(Some((login.into(), password.into())))
    }

    fn malformed(line: usize) -> Result<Option<(String, String)>, Malformed> {
        Err(Malformed { line })
    }

    #[test]
    fn comment_lines_are_skipped() {
        let text = "# credentials\n   # indented\n\t#\nmachine h login u password p\n# end";
        assert_eq!(creds(text, "h"), pair("u", "p"));
    }

    #[test]
    fn a_hash_starting_a_token_comments_out_the_rest_of_the_line() {
        let text = "machine h # the host\nlogin u # me\npassword p #password q\n";
        assert_eq!(creds(text, "h"), pair("u", "p"));
        // The value is the next token, even on the next line (curl).
        assert_eq!(
            creds("machine h login u password #x\np", "h"),
            pair("u", "p")
        );
    }

    #[test]
    fn a_hash_inside_a_token_is_part_of_it() {
        assert_eq!(
            creds("machine h login u password p#q", "h"),
            pair("u", "p#q")
        );
        assert_eq!(
            creds("machine h login u password \"#p\"", "h"),
            pair("u", "#p")
        );
    }

    #[test]
    fn a_quoted_token_may_hold_spaces_and_loses_its_quotes() {
        let text = "machine h login \"u\" password \"p q\tr # s\"";
        assert_eq!(creds(text, "h"), pair("u", "p q\tr # s"));
        assert_eq!(creds("machine h login u password \"\"", "h"), pair("u", ""));
    }

    #[test]
    fn backslash_escapes_in_quotes_are_curls() {
        let text = r#"machine h login u password "a\"b\\c\n\r\t\x""#;
        assert_eq!(creds(text, "h"), pair("u", "a\"b\\c\n\r\tx"));
        // Outside quotes a backslash or quote is an ordinary character.
        assert_eq!(
            creds(r#"machine h login u password a\"b"#, "h"),
            pair("u", r#"a\"b"#)
        );
    }

    #[test]
    fn a_bad_quote_is_malformed_at_its_line() {
        assert_eq!(
            creds("machine h login u\npassword \"p q\n", "h"),
            malformed(2)
        );
        assert_eq!(
            creds("machine h\nlogin u\npassword \"p\\", "h"),
            malformed(3)
        );
        assert_eq!(
            creds("machine h login u password \"a b\"c", "h"),
            malformed(1)
        );
    }

    #[test]
    fn default_answers_when_no_machine_matches() {
        let text = "machine other login x password y\ndefault login u password p\n";
        assert_eq!(creds(text, "h"), pair("u", "p"));
        assert_eq!(creds(text, "other"), pair("x", "y"));
        // A machine that matches wins over a default before it.
        let text = "default login d password dp\nmachine h login u password p\n";
        assert_eq!(creds(text, "h"), pair("u", "p"));
        assert_eq!(creds(text, "x"), pair("d", "dp"));
        assert_eq!(creds("machine other login x password y", "h"), Ok(None));
    }

    #[test]
    fn the_first_matching_machine_wins_and_case_does_not_matter() {
        let text = "machine H.Example login u password p\nmachine h.example login v password q";
        assert_eq!(creds(text, "h.EXAMPLE"), pair("u", "p"));
        // Keywords are case-insensitive too, as in curl.
        assert_eq!(creds("MACHINE h Login u PASSWORD p", "h"), pair("u", "p"));
    }

    #[test]
    fn a_macdef_body_is_skipped_up_to_the_empty_line() {
        let text = "machine other login a password b\nmacdef init\n\
                    machine h login evil password y\nmachine evil login x password y\n  \n\
                    cd /pub\n\nmachine h login u password p\n";
        assert_eq!(creds(text, "h"), pair("u", "p"));
        assert_eq!(creds(text, "evil"), Ok(None));
        let only = "macdef init\nmachine h login evil password y\n\n";
        assert_eq!(creds(only, "h"), Ok(None));
        // A macro may run to the end of the file; CRLF empty lines end it.
        assert_eq!(
            creds("macdef m\nmachine h login x password y", "h"),
            Ok(None)
        );
        let crlf =
            "macdef m\r\nmachine h login x password y\r\n\r\nmachine h login u password p\r\n";
        assert_eq!(creds(crlf, "h"), pair("u", "p"));
    }

    #[test]
    fn a_macdef_closes_the_entry_before_it() {
        assert_eq!(
            creds("machine h\nmacdef m\ncd /\n\nlogin u", "h"),
            malformed(5)
        );
    }

    #[test]
    fn crlf_and_any_whitespace_separate_tokens() {
        let text = "machine h\r\nlogin u\r\npassword p\r\n";
        assert_eq!(creds(text, "h"), pair("u", "p"));
        let text = "machine\th\x0clogin  u\r\n\r\n\n   password\n\np";
        assert_eq!(creds(text, "h"), pair("u", "p"));
    }

    #[test]
    fn tokens_may_be_utf8() {
        let text = "machine h login jürgen password \"p€ss wörd\"";
        assert_eq!(creds(text, "h"), pair("jürgen", "p€ss wörd"));
        assert_eq!(
            creds("machine h login u password pä€ss", "h"),
            pair("u", "pä€ss")
        );
    }

    #[test]
    fn account_and_port_are_ignored() {
        let text = "machine h login u account acct port 443 password p";
        assert_eq!(creds(text, "h"), pair("u", "p"));
    }

    #[test]
    fn an_entry_may_lack_a_login_or_password() {
        let entry = entry_for("machine h password p", "h").unwrap().unwrap();
        assert!(entry.login.is_none());
        assert_eq!(entry.password.as_deref(), Some("p"));
    }

    #[test]
    fn an_empty_or_comment_only_file_has_no_entries() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse("\n\n  \n").unwrap().is_empty());
        assert!(parse("# nothing here\n").unwrap().is_empty());
    }

    #[test]
    fn a_file_that_ends_mid_entry_is_malformed_at_the_keyword() {
        assert_eq!(creds("machine h login", "h"), malformed(1));
        assert_eq!(creds("machine h login u\npassword\n\n", "h"), malformed(2));
        assert_eq!(creds("machine", "h"), malformed(1));
    }

    #[test]
    fn unknown_or_misplaced_keywords_are_malformed() {
        assert_eq!(creds("machine h login u passwd p", "h"), malformed(1));
        assert_eq!(creds("\nlogin u password p", "h"), malformed(2));
    }
}
