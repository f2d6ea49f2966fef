use clap::Parser;

fn main() {
    // A file-size limit (`ulimit -f`) then fails the write with EFBIG, a
    // clean I/O error, instead of killing the process mid-transfer.
    // SAFETY: setting a signal disposition before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let code = match magedl::Cli::try_parse() {
        Ok(cli) => magedl::run(cli),
        Err(e) => magedl::usage_error(e),
    };
    std::process::exit(code);
}
