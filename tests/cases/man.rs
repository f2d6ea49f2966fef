//! The committed man pages are the ones the clap definition generates now.

use clap::CommandFactory;

#[test]
fn committed_man_pages_are_current() {
    let fresh = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(magedl::Cli::command(), fresh.path()).unwrap();
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let names = |dir: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(fresh.path()), names(&committed), "run `make man`");
    for name in names(fresh.path()) {
        let want = std::fs::read(fresh.path().join(&name)).unwrap();
        let have = std::fs::read(committed.join(&name)).unwrap();
        assert!(want == have, "man/{name} is stale: run `make man`");
    }
    assert!(names(&committed).contains(&"magedl-download.1".to_string()));
}
