use clap::Parser;
use clap::error::ErrorKind;

fn main() {
    // A file-size limit (`ulimit -f`) then fails the write with EFBIG, a
    // clean I/O error, instead of killing the process mid-transfer.
    // SAFETY: setting a signal disposition before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let cli = match magedl::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => std::process::exit(usage_error(e)),
    };
    let code = match magedl::run(cli) {
        Ok(code) => code,
        Err(e) => {
            magedl::say!("magedl: error: {}", magedl::secret::scrub(&e.to_string()));
            if let Some(hint) = e.hint() {
                magedl::say!("magedl: hint: {}", magedl::secret::scrub(&hint));
            }
            e.exit_code()
        }
    };
    std::process::exit(code);
}

/// Help and version go out as clap renders them; a bad command line becomes
/// one `magedl: error:` line and a hint, exit 2.
fn usage_error(e: clap::Error) -> i32 {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ => {
            // clap's first paragraph, folded onto one line.
            let rendered = e.render().to_string();
            let first = rendered
                .trim_start()
                .split("\n\n")
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let first = first.trim_start_matches("error: ");
            magedl::say!("magedl: error: {}", magedl::secret::scrub(first));
            magedl::say!("magedl: hint: see `magedl --help` (or `magedl COMMAND --help`)");
            2
        }
    }
}
