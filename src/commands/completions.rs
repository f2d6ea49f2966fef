//! `magedl completions SHELL`: a completion script generated from the clap
//! definition (the committed copies under `completions/` come from here).

use crate::cli::Shell;
use crate::error::{Exit, Result};

pub fn run(shell: Shell) -> Result<Exit> {
    use clap::CommandFactory;
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Elvish => S::Elvish,
        Shell::Powershell => S::PowerShell,
    };
    let mut out = Vec::new();
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(shell, &mut cmd, "magedl", &mut out);
    super::print_out(&out)?;
    Ok(Exit::Ok)
}
