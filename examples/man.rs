//! `make man`: the man pages of `magedl` and each command, generated from
//! the clap definition into the directory given (`man/` in the repository;
//! a test fails when the committed copies are stale).

use clap::CommandFactory;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os().nth(1).unwrap_or_else(|| "man".into());
    std::fs::create_dir_all(&dir)?;
    clap_mangen::generate_to(magedl::Cli::command(), &dir)
}
