//! End-to-end checks of the double over raw TCP.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use base64::Engine;
use fake_endpoint::{
    AuthFail, Body, Config, FileSpec, Listener, Md5, OtherShape, RecordedRequest, Redirect, Server,
    fixture_body,
};

const CE: (&str, &str) = ("MAG000000001", "1111111111111111111111111111111111111111");
const EE: (&str, &str) = ("MAG000000002", "2222222222222222222222222222222222222222");

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The connection ended before the announced Content-Length.
    short: bool,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn basic(user: &str, pass: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(pos) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_str = String::from_utf8_lossy(&data[..pos]).to_string();
        let size = usize::from_str_radix(size_str.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[pos + 2..];
        if size == 0 || data.len() < size {
            out.extend_from_slice(&data[..size.min(data.len())]);
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw); // a reset is fine: we keep what arrived
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    let mut r = Resp {
        status,
        headers,
        body,
        short: false,
    };
    if method != "HEAD"
        && let Some(cl) = r
            .header("content-length")
            .and_then(|v| v.parse::<usize>().ok())
    {
        r.short = r.body.len() < cl;
    }
    r
}

fn get(srv: &Server, path: &str, auth: Option<(&str, &str)>, extra: &[(&str, &str)]) -> Resp {
    let a = auth.map(|(u, p)| basic(u, p));
    let mut h: Vec<(&str, &str)> = extra.to_vec();
    if let Some(a) = &a {
        h.push(("Authorization", a));
    }
    request(
        srv.port(),
        "GET",
        &format!("/products/downloads/{path}"),
        &h,
    )
}

#[test]
fn text_routes_match_spec_fixtures_byte_for_byte() {
    let srv = Server::start(Config::default());
    let files = get(&srv, "info/files", Some(CE), &[]);
    assert_eq!(files.status, 200);
    assert_eq!(files.text(), include_str!("../../fixtures/info_files.txt"));
    let f = get(&srv, "info/filter/version/2.0.*", Some(CE), &[]);
    assert_eq!(
        f.text(),
        include_str!("../../fixtures/filter_version_2.0.txt")
    );
    let none = get(&srv, "info/filter/version/1.0.0.0", Some(CE), &[]);
    assert_eq!(
        (none.status, none.text()),
        (200, "No results found.\n".to_string())
    );
    let v = get(&srv, "info/versions/", Some(CE), &[]);
    assert_eq!(v.text(), include_str!("../../fixtures/versions.txt"));
    let h = get(&srv, "info/help", Some(CE), &[]);
    assert_eq!(h.text(), include_str!("../../fixtures/info_help.txt"));
    let j = get(&srv, "info/json/info/json/", Some(CE), &[]);
    assert_eq!(j.header("content-type"), Some("application/json"));
    let got: serde_json::Value = serde_json::from_slice(&j.body).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(include_str!("../../fixtures/info_json.json")).unwrap();
    assert_eq!(got, want);
    // filters
    assert!(
        get(&srv, "info/filter/type/ce-full", Some(CE), &[])
            .text()
            .lines()
            .all(|l| !l.contains("PATCH_SUPEE"))
    );
    assert_eq!(
        get(&srv, "info/filter/type/bogus", Some(CE), &[]).text(),
        "No results found.\n"
    );
    let star = get(&srv, "info/filter/version/*", Some(CE), &[]).text();
    assert!(star.contains("PATCH-1.9.3.0_PHP7"));
    assert!(
        !get(&srv, "info/filter/version/1.9.*", Some(CE), &[])
            .text()
            .contains("PATCH-1.9.3.0_PHP7")
    );
    for p in [
        "info",
        "info/",
        "info/filter",
        "info/filter/version",
        "info/nope",
        "info/files//",
    ] {
        let r = get(&srv, p, Some(CE), &[]);
        assert_eq!(
            (r.status, r.text()),
            (404, "Not Found\n".to_string()),
            "{p}"
        );
    }
}

#[test]
fn auth_challenge_and_entitlement() {
    let srv = Server::start(Config {
        accounts: vec![("MAG-odd".into(), "a;b#c@d:e/f%g?h".into(), false)],
        ..Config::default()
    });
    let r = get(&srv, "info/nope", None, &[]);
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("www-authenticate"),
        Some("Basic realm=\"Magento Downloads\"")
    );
    assert_eq!(r.text(), "Authentication required.\n");
    let r = get(&srv, "info/files", Some(("MAG000000001", "nope")), &[]);
    assert_eq!(
        (r.status, r.text()),
        (401, "Invalid MAGEID or token.\n".to_string())
    );
    let r = get(
        &srv,
        "file/Magento-CE-2.4.2.tar.gz",
        Some(("MAG-odd", "a;b#c@d:e/f%g?h")),
        &[],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body, fixture_body("Magento-CE-2.4.2.tar.gz"));
    assert_eq!(r.body.len(), 50);
    let r = get(&srv, "file/Magento-EE-2.0.4.zip", Some(CE), &[]);
    assert_eq!((r.status, r.text()), (403, "Access denied.\n".to_string()));
    let r = get(&srv, "file/Magento-EE-2.0.4.zip", Some(EE), &[]);
    assert_eq!(r.status, 200);
    // + literal, %2B decoded, %20 is a space → 404
    assert_eq!(
        get(&srv, "file/Magento-CE-2.0.2+sample_data.zip", Some(CE), &[]).status,
        200
    );
    assert_eq!(
        get(
            &srv,
            "file/Magento-CE-2.0.2%2Bsample_data.zip",
            Some(CE),
            &[]
        )
        .status,
        200
    );
    let r = get(
        &srv,
        "file/Magento-CE-2.0.2%20sample_data.zip",
        Some(CE),
        &[],
    );
    assert_eq!((r.status, r.text()), (404, "File not found.\n".to_string()));
    let r = request(
        srv.port(),
        "POST",
        "/products/downloads/info/files",
        &[("Authorization", &basic(CE.0, CE.1))],
    );
    assert_eq!((r.status, r.header("allow")), (405, Some("GET, HEAD")));
    assert_eq!(request(srv.port(), "GET", "/elsewhere", &[]).status, 404);
    let reqs = srv.requests();
    assert!(!reqs[0].authorization);
    assert_eq!(
        reqs[2].authorization_value.as_deref(),
        Some(basic("MAG-odd", "a;b#c@d:e/f%g?h").as_str())
    );
    assert_eq!(reqs[2].status, 200);
    // auth_fail
    srv.update(|c| c.auth_fail = AuthFail::Ok200Text);
    let r = get(&srv, "file/Magento-CE-2.4.2.tar.gz", Some(CE), &[]);
    assert_eq!((r.status, r.body.len()), (200, 25));
    srv.update(|c| {
        c.auth_fail = AuthFail::None;
        c.require_auth = false;
    });
    assert_eq!(
        get(&srv, "file/Magento-EE-2.0.4.zip", None, &[]).status,
        200
    );
}

#[test]
fn ranges_if_range_and_head() {
    let srv = Server::start(Config::default());
    let name = "Magento-CE-2.4.2.tar.gz";
    let full = fixture_body(name);
    let path = format!("file/{name}");
    let r = get(&srv, &path, Some(CE), &[("Range", "bytes=10-19")]);
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 10-19/50"));
    assert_eq!(r.body, &full[10..20]);
    let r = get(&srv, &path, Some(CE), &[("Range", "bytes=-5")]);
    assert_eq!((r.status, &r.body[..]), (206, &full[45..]));
    let r = get(&srv, &path, Some(CE), &[("Range", "bytes=50-")]);
    assert_eq!(
        (r.status, r.header("content-range")),
        (416, Some("bytes */50"))
    );
    let r = get(&srv, &path, Some(CE), &[("Range", "bytes=0-1,3-4")]);
    assert_eq!((r.status, r.body.len()), (200, 50));
    let head = request(
        srv.port(),
        "HEAD",
        &format!("/products/downloads/{path}"),
        &[("Authorization", &basic(CE.0, CE.1))],
    );
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("50"));
    assert_eq!(head.header("accept-ranges"), Some("bytes"));
    assert!(head.body.is_empty());
    let etag = head.header("etag").unwrap().to_string();
    let lm = head.header("last-modified").unwrap().to_string();
    assert_eq!(lm, "Tue, 09 Feb 2021 10:00:00 GMT");
    let r = get(
        &srv,
        &path,
        Some(CE),
        &[("Range", "bytes=10-"), ("If-Range", &etag)],
    );
    assert_eq!(r.status, 206);
    let r = get(
        &srv,
        &path,
        Some(CE),
        &[("Range", "bytes=10-"), ("If-Range", &lm)],
    );
    assert_eq!(r.status, 206);
    let r = get(
        &srv,
        &path,
        Some(CE),
        &[("Range", "bytes=10-"), ("If-Range", "\"other\"")],
    );
    assert_eq!((r.status, r.body.clone()), (200, full.clone()));
    srv.update(|c| c.wrong_content_range = true);
    let r = get(&srv, &path, Some(CE), &[("Range", "bytes=10-19")]);
    assert_eq!(r.header("content-range"), Some("bytes 11-19/50"));
    assert_eq!(r.body, &full[11..20]);
    srv.update(|c| {
        c.wrong_content_range = false;
        c.ranges = false;
        c.validators = false;
    });
    let r = get(&srv, &path, Some(CE), &[("Range", "bytes=10-19")]);
    assert_eq!((r.status, r.body.len()), (200, 50));
    assert!(
        r.header("accept-ranges").is_none()
            && r.header("etag").is_none()
            && r.header("last-modified").is_none()
    );
}

#[test]
fn generated_body_ranges_truncation_and_md5() {
    let size = 3 * 1024 * 1024 + 17;
    let srv = Server::start(Config {
        extra_files: vec![FileSpec::generated("gen.bin", size, 42)],
        truncate_at: Some(100_000),
        ..Config::default()
    });
    let whole = srv.file_bytes("gen.bin").unwrap();
    assert_eq!(whole.len() as u64, size);
    // first body response is truncated
    let r = get(&srv, "file/gen.bin", Some(CE), &[]);
    assert_eq!(r.status, 200);
    assert!(r.short);
    assert_eq!(r.body.len(), 100_000);
    assert_eq!(r.body, &whole[..100_000]);
    // resume
    let r = get(
        &srv,
        "file/gen.bin",
        Some(CE),
        &[("Range", "bytes=100000-")],
    );
    assert_eq!(r.status, 206);
    assert!(!r.short);
    assert_eq!(r.body, &whole[100_000..]);
    for (a, b) in [(1u64, 9u64), (65_535, 65_537), (size - 3, size - 1)] {
        let r = get(
            &srv,
            "file/gen.bin",
            Some(CE),
            &[("Range", &format!("bytes={a}-{b}"))],
        );
        assert_eq!(r.body, &whole[a as usize..=b as usize]);
    }
    // the feed publishes the md5 of the body
    let j: serde_json::Value =
        serde_json::from_slice(&get(&srv, "info/json", Some(CE), &[]).body).unwrap();
    let md5 = j["ce-full"]["9.9.9"][0]["md5"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(Some(md5), srv.file_md5("gen.bin"));
    // corrupt flips one byte, same length
    srv.update(|c| c.corrupt = true);
    let r = get(&srv, "file/gen.bin", Some(CE), &[]);
    assert_eq!(r.body.len(), whole.len());
    assert_eq!(r.body.iter().zip(&whole).filter(|(a, b)| a != b).count(), 1);
}

#[test]
fn redirects_status_sequence_and_change() {
    let srv = Server::start(Config {
        redirect: Redirect::CrossOrigin,
        status_sequence: vec![(503, Some(2))],
        change_after: Some(1),
        ..Config::default()
    });
    let name = "Magento-CE-2.4.2.tar.gz";
    let r = get(&srv, &format!("file/{name}"), Some(CE), &[]);
    assert_eq!((r.status, r.header("retry-after")), (503, Some("2")));
    let r = get(&srv, &format!("file/{name}"), Some(CE), &[]);
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap().to_string();
    assert!(
        loc.starts_with(&format!("{}cdn/", srv.second_base_url())),
        "{loc}"
    );
    let path = loc.splitn(4, '/').nth(3).unwrap();
    let r = request(srv.second_port(), "GET", &format!("/{path}"), &[]);
    assert_eq!((r.status, r.body.clone()), (200, fixture_body(name)));
    let last = srv.requests().last().unwrap().clone();
    assert_eq!(
        (last.listener, last.authorization),
        (Listener::Second, false)
    );
    // content changed after one started GET
    let changed = srv.file_bytes(name).unwrap();
    assert_ne!(changed, fixture_body(name));
    srv.update(|c| c.redirect = Redirect::Off);
    let r = get(&srv, &format!("file/{name}"), Some(CE), &[]);
    assert_eq!(r.body, changed);
    assert_ne!(r.header("etag"), None);
}

#[test]
fn json_shapes_and_md5_variants() {
    let mut extra = FileSpec::bytes("x.bin", b"hello".to_vec());
    extra.category = "other".into();
    extra.version = None;
    extra.md5 = Md5::Absent;
    let srv = Server::start(Config {
        extra_files: vec![extra],
        other_shape: OtherShape::DictOfObjects,
        json_extra_fields: true,
        ..Config::default()
    });
    let j: serde_json::Value =
        serde_json::from_slice(&get(&srv, "info/json", Some(CE), &[]).body).unwrap();
    let x = &j["other"]["x.bin"];
    assert!(x.get("md5").is_none());
    assert_eq!(x["size"], 5);
    assert_eq!(j["ce-full"]["2.0.7"][0]["md5"], "");
    srv.update(|c| c.json_fail = Some(500));
    assert_eq!(get(&srv, "info/json", Some(CE), &[]).status, 500);
    srv.add_file(FileSpec {
        body: Body::Bytes(vec![1, 2, 3]),
        ..FileSpec::bytes("y.bin", vec![])
    });
    assert_eq!(srv.file_bytes("y.bin"), Some(vec![1, 2, 3]));
}

#[test]
fn tls_serves_with_generated_ca() {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};
    use std::sync::Arc;

    let srv = Server::start(Config {
        tls: true,
        ..Config::default()
    });
    assert!(srv.base_url().starts_with("https://127.0.0.1:"));
    assert!(srv.second_base_url().starts_with("https://127.0.0.1:"));
    let ca = CertificateDer::from_pem_file(srv.ca_pem_path().unwrap()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    for host in ["127.0.0.1", "localhost"] {
        let conn = rustls::ClientConnection::new(
            Arc::new(cfg.clone()),
            ServerName::try_from(host.to_string()).unwrap(),
        )
        .unwrap();
        let sock = TcpStream::connect(("127.0.0.1", srv.port())).unwrap();
        let mut tls = rustls::StreamOwned::new(conn, sock);
        let auth = basic(CE.0, CE.1);
        write!(
            tls,
            "GET /products/downloads/file/Magento-CE-2.4.2.tar.gz HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        let _ = tls.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw);
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        assert!(text.ends_with("MAGENTO-DOWNLOADS-FIXTURE Magento-CE-2.4.2.tar.gz\n"));
    }
}

#[test]
fn body_shape_switches() {
    let srv = Server::start(Config {
        extra_files: vec![FileSpec::generated("g.bin", 200_000, 5)],
        gzip: true,
        ..Config::default()
    });
    let whole = srv.file_bytes("g.bin").unwrap();
    let r = get(
        &srv,
        "file/g.bin",
        Some(CE),
        &[("Accept-Encoding", "gzip, deflate")],
    );
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert!(r.header("content-length").is_none());
    let mut dec = Vec::new();
    flate2::read::GzDecoder::new(&r.body[..])
        .read_to_end(&mut dec)
        .unwrap();
    assert_eq!(dec, whole);
    // without the offer: identity
    let r = get(&srv, "file/g.bin", Some(CE), &[]);
    assert_eq!(
        (r.header("content-encoding"), r.body.len()),
        (None, 200_000)
    );

    srv.update(|c| {
        c.gzip = false;
        c.no_content_length = true;
        c.content_disposition = Some("attachment; filename=\"evil.sh\"".into());
    });
    let r = get(&srv, "file/g.bin", Some(CE), &[]);
    assert!(r.header("content-length").is_none());
    assert_eq!(r.body, whole);
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"evil.sh\"")
    );

    srv.update(|c| {
        c.no_content_length = false;
        c.body_longer_by = 10;
    });
    let r = get(&srv, "file/g.bin", Some(CE), &[]);
    assert!(r.header("content-length").is_none());
    assert_eq!(r.body.len(), 200_010);
    assert_eq!(&r.body[..200_000], &whole[..]);

    srv.update(|c| {
        c.body_longer_by = 0;
        c.stall_after = Some(1000);
        c.stall_for_ms = 600;
        c.delay_ms = 100;
    });
    let t = std::time::Instant::now();
    let r = get(&srv, "file/g.bin", Some(CE), &[]);
    assert_eq!(r.body, whole);
    assert!(t.elapsed() >= Duration::from_millis(700));
    // the stall happens once only
    srv.update(|c| c.delay_ms = 0);
    let t = std::time::Instant::now();
    get(&srv, "file/g.bin", Some(CE), &[]);
    assert!(t.elapsed() < Duration::from_millis(550));

    srv.update(|c| c.throttle_bps = Some(400_000));
    let t = std::time::Instant::now();
    let r = get(&srv, "file/g.bin", Some(CE), &[]);
    assert_eq!(r.body, whole);
    let el = t.elapsed();
    assert!(
        el >= Duration::from_millis(400) && el < Duration::from_secs(3),
        "{el:?}"
    );

    // Only the first range answer is slow.
    srv.update(|c| {
        c.throttle_bps = None;
        c.throttle_first_range_bps = Some(400_000);
    });
    let range = |r: &str| {
        let t = std::time::Instant::now();
        let resp = get(&srv, "file/g.bin", Some(CE), &[("Range", r)]);
        (resp, t.elapsed())
    };
    let (first, slow) = range("bytes=0-199999");
    assert_eq!((first.status, &first.body[..]), (206, &whole[..200_000]));
    let (second, fast) = range("bytes=0-199999");
    assert_eq!(second.status, 206);
    assert!(
        slow >= Duration::from_millis(400) && fast < Duration::from_millis(300),
        "{slow:?} {fast:?}"
    );

    // Ranges offered, yet every range answered whole.
    srv.update(|c| c.ignore_ranges = true);
    let r = get(&srv, "file/g.bin", Some(CE), &[("Range", "bytes=10-19")]);
    assert_eq!((r.status, r.header("accept-ranges")), (200, Some("bytes")));
    assert_eq!(r.body, whole);
}

#[test]
fn binary_prints_url_and_serves() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-endpoint"))
        .args(["--no-auth", "--generate", "b.bin=64K:ee-full:3.0.0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().strip_prefix("URL ").unwrap().to_string();
    let port: u16 = url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(url, format!("http://127.0.0.1:{port}/products/downloads/"));
    let r = request(port, "GET", "/products/downloads/file/b.bin", &[]);
    assert_eq!((r.status, r.body.len()), (200, 65536));
    let r = request(port, "GET", "/products/downloads/info/versions", &[]);
    assert!(
        r.text()
            .ends_with("EE Versions\n-----------\n2.3.4\n2.0.4\n3.0.0\n"),
        "{}",
        r.text()
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn server_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Server>();
    check::<Config>();
    check::<RecordedRequest>();
}

/// Up to `limit` raw bytes of an answer (head and body as sent).
fn raw_get(port: u16, path: &str, limit: usize) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = format!(
        "GET /products/downloads/{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Connection: close\r\nAuthorization: {}\r\n\r\n",
        basic(CE.0, CE.1)
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    while raw.len() < limit {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    raw
}

#[test]
fn fault_switches_for_stale_ranges_gzip_labels_and_broken_catalogs() {
    let srv = Server::start(Config::default());
    let name = "Magento-CE-2.4.2.tar.gz";
    let full = fixture_body(name);
    let path = format!("file/{name}");
    let stale = [("Range", "bytes=10-"), ("If-Range", "\"another version\"")];
    assert_eq!(get(&srv, &path, Some(CE), &stale).status, 200);
    // ignore_if_range: the range is served although If-Range names another
    // version.
    srv.update(|c| c.ignore_if_range = true);
    let r = get(&srv, &path, Some(CE), &stale);
    assert_eq!((r.status, &r.body[..]), (206, &full[10..]));
    // label_gzip: labelled x-gzip, the bytes as they are on disk.
    srv.update(|c| {
        c.ignore_if_range = false;
        c.label_gzip = true;
    });
    let r = get(&srv, &path, Some(CE), &[]);
    assert_eq!(r.header("content-encoding"), Some("x-gzip"));
    assert_eq!(r.body, full);
    // json_broken: the headers, then the connection breaks mid-body (no
    // last chunk).
    srv.update(|c| c.json_broken = true);
    let raw = raw_get(srv.port(), "info/json", 1 << 20);
    assert!(raw.starts_with(b"HTTP/1.1 200"), "{raw:?}");
    assert!(!raw.ends_with(b"0\r\n\r\n"), "{raw:?}");
    // json_endless: a catalog that never ends.
    srv.update(|c| {
        c.json_broken = false;
        c.json_endless = true;
    });
    let raw = raw_get(srv.port(), "info/json", 4 << 20);
    assert!(raw.len() >= 4 << 20, "ended after {} bytes", raw.len());
    let body = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let text = String::from_utf8_lossy(&raw[body..body + 64]);
    assert!(text.contains("{\"ce-full\": ["), "{text}");
}
