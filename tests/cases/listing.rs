//! `info`, `list`, `versions`: the server's answers, the catalog shapes, the
//! text-table fallback, filters and version order.

use super::common::*;

fn run_ok(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        stderr(&out)
    );
    stdout(&out)
}

#[test]
fn info_prints_the_servers_answers_as_is() {
    let env = Env::new();
    let help = run_ok(env.ee().args(["info", "help"]));
    assert!(help.contains("Downloads Usage:"));
    assert!(help.contains("see \"Filter Options\" for usage"));
    let files = run_ok(env.ee().args(["info", "files"]));
    assert!(files.starts_with("File Description"));
    assert!(files.contains("Magento-CE-2.4.2.tar.gz"));
    let versions = run_ok(env.ee().args(["info", "versions"]));
    assert!(versions.starts_with("CE Versions\n-----------\n2.4.2\n"));
    let json = run_ok(env.ee().args(["info", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v.get("ce-full").is_some());
}

#[test]
fn info_filter_encodes_and_passes_the_value() {
    let env = Env::new();
    let body = run_ok(env.ee().args(["info", "filter", "version", "2.0.*"]));
    assert!(body.contains("Magento-CE-2.0.7.tar.gz"));
    assert!(!body.contains("Magento-CE-2.4.2.tar.gz"));
    let out = env
        .ee()
        .args(["info", "filter", "version", "9.*"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "No results found.\n", "the answer as is");
    assert_eq!(out.status.code(), Some(5), "and nothing matched");
    let out = env
        .ee()
        .args(["info", "filter", "type", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown type is a usage error"
    );
    assert!(
        env.srv
            .requests()
            .iter()
            .all(|r| !r.path.contains("nonsense"))
    );
}

#[test]
fn list_names_every_release_once() {
    let env = Env::new();
    let names = run_ok(env.ee().args(["list", "--format", "names"]));
    let lines: Vec<&str> = names.lines().collect();
    assert_eq!(lines.len(), 13, "{names}");
    let patch = "MAGETWO-98833_composer_patch-2019-04-15-04-37-48.patch";
    assert_eq!(lines.iter().filter(|l| **l == patch).count(), 1);
}

#[test]
fn list_json_has_the_documented_shape() {
    let env = Env::new();
    let json = run_ok(
        env.ee()
            .args(["list", "--format", "json", "--type", "ce-patch"]),
    );
    let v: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(v.len(), 4);
    let merged = v
        .iter()
        .find(|e| e["name"] == "MAGETWO-98833_composer_patch-2019-04-15-04-37-48.patch")
        .unwrap();
    assert_eq!(merged["type"], "ce-patch");
    assert_eq!(
        merged["versions"],
        serde_json::json!(["2.3.1", "2.2.8", "2.1.17"])
    );
    assert_eq!(merged["md5"], "4abf751d1e9c9a79570fee8dc350880d");
    assert!(merged["title"].as_str().unwrap().contains("MAGETWO-98833"));
}

#[test]
fn list_table_is_aligned_and_shows_missing_md5() {
    let env = Env::new();
    let table = run_ok(env.ee().args(["list", "--type", "ce-full"]));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("NAME"));
    let col = lines[0].find("TYPE").unwrap();
    for l in &lines[1..] {
        assert_eq!(&l[col..col + 7], "ce-full", "{l}");
    }
    let row = lines
        .iter()
        .find(|l| l.contains("Magento-CE-2.0.7.tar.gz"))
        .unwrap();
    assert!(row.contains(" - "), "{row}");
}

#[test]
fn filters_by_version_glob_type_latest_and_name() {
    let env = Env::new();
    let names = run_ok(
        env.ee()
            .args(["list", "--format", "names", "--version", "2.0.*"]),
    );
    let mut got: Vec<&str> = names.lines().collect();
    got.sort();
    assert_eq!(
        got,
        [
            "Magento-CE-2.0.2+sample_data.zip",
            "Magento-CE-2.0.7.tar.gz",
            "Magento-EE-2.0.4.zip"
        ]
    );
    let latest = run_ok(
        env.ee()
            .args(["list", "--format", "names", "--latest", "--type", "ce-full"]),
    );
    let mut got: Vec<&str> = latest.lines().collect();
    got.sort();
    assert_eq!(
        got,
        [
            "Magento-CE-2.4.2.tar.gz",
            "Magento-CE-2.4.2_sample_data.zip"
        ]
    );
    let glob = run_ok(
        env.ee()
            .args(["list", "--format", "names", "PATCH_SUPEE-6788_*"]),
    );
    assert_eq!(glob.lines().count(), 2);
}

#[test]
fn nothing_matching_exits_5() {
    let env = Env::new();
    let out = env.ee().args(["list", "no-such-*"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(stderr(&out).starts_with("magedl: error: "));
}

#[test]
fn a_bad_type_is_a_usage_error() {
    let env = Env::new();
    let out = env
        .ee()
        .args(["list", "--type", "ce-fulll"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ce-full"));
}

#[test]
fn versions_are_newest_first_in_version_order() {
    let mut cfg = Config::default();
    for (i, v) in ["2.4.9", "2.4.10", "2.4.7", "2.4.7-p3", "2.4.7-p10"]
        .iter()
        .enumerate()
    {
        let mut f = FileSpec::bytes(&format!("Magento-CE-{v}.tar.gz"), vec![b'x'; i + 1]);
        f.version = Some(v.to_string());
        cfg.extra_files.push(f);
    }
    let env = Env::with(cfg);
    let out = run_ok(env.ee().arg("versions"));
    let v: Vec<&str> = out.lines().collect();
    let pos = |s: &str| {
        v.iter()
            .position(|x| *x == s)
            .unwrap_or_else(|| panic!("{s} missing: {out}"))
    };
    assert!(pos("2.4.10") < pos("2.4.9"));
    assert!(pos("2.4.9") < pos("2.4.7-p10"));
    assert!(pos("2.4.7-p10") < pos("2.4.7-p3"));
    assert!(pos("2.4.7-p3") < pos("2.4.7"));
    assert!(pos("2.4.7") < pos("2.4.2"));
    assert!(pos("2.0.2") < pos("1.13.1.0"));
    assert!(pos("1.13.1.0") < pos("1.9.2.1"));
}

#[test]
fn every_catalog_shape_is_read() {
    for shape in [
        OtherShape::List,
        OtherShape::DictOfLists,
        OtherShape::DictOfObjects,
    ] {
        let env = Env::with(Config {
            other_shape: shape,
            patch_shape_list: true,
            json_extra_fields: true,
            ..Config::default()
        });
        let names = run_ok(env.ee().args(["list", "--format", "names"]));
        assert_eq!(names.lines().count(), 13, "{shape:?}: {names}");
        assert!(names.contains("PATCH-1.9.3.0_PHP7-2018-09-13-07-59-59.2_v2"));
    }
}

#[test]
fn without_the_json_feed_the_text_table_is_used() {
    let env = Env::with(Config {
        json_fail: Some(500),
        ..Config::default()
    });
    let out = env.ok(&["--retries", "0", "list", "--format", "json"]);
    assert!(stderr(&out).contains("falling back"));
    let v: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v.len(), 13);
    let no_md5 = v
        .iter()
        .find(|e| e["name"] == "Magento-CE-2.0.7.tar.gz")
        .unwrap();
    assert!(no_md5["md5"].is_null());
    assert!(
        env.srv
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/info/files"))
    );
}

#[test]
fn a_broken_pipe_is_not_an_error() {
    let env = Env::new();
    let mut cmd = env.ee_process();
    cmd.args(["list", "--format", "names"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take()); // the reader goes away at once
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("error"));
}
