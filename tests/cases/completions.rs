//! The committed completion scripts match the clap definition.

use super::common::*;

#[test]
fn committed_completions_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let home = tempfile::tempdir().unwrap();
    for (shell, file) in [
        ("bash", "magedl.bash"),
        ("zsh", "_magedl"),
        ("fish", "magedl.fish"),
        ("elvish", "magedl.elv"),
        ("powershell", "_magedl.ps1"),
    ] {
        let out = bare(home.path(), home.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let committed = std::fs::read(root.join("completions").join(file))
            .unwrap_or_else(|_| panic!("completions/{file} is missing: run `make completions`"));
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: run `make completions`"
        );
    }
}
