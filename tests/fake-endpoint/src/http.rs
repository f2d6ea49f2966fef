//! The hyper service: routing, auth, listings and file bodies.

use std::convert::Infallible;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio_rustls::TlsAcceptor;

use crate::catalog::{self, Listed};
use crate::content::{CHUNK, Content};
use crate::{
    AuthFail, Body, CE_TOKEN, CE_USER, Config, EE_TOKEN, EE_USER, FileSpec, Listener, Md5,
    RecordedRequest, Redirect, Shared,
};

pub(crate) type RespBody = BoxBody<Bytes, io::Error>;

const PREFIX: &str = "/products/downloads/";
const REALM: &str = "Basic realm=\"Magento Downloads\"";
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub(crate) async fn serve(
    shared: Arc<Shared>,
    main: std::net::TcpListener,
    second: std::net::TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    mut shutdown: watch::Receiver<bool>,
) {
    let main = TcpListener::from_std(main).expect("main listener");
    let second = TcpListener::from_std(second).expect("second listener");
    let acceptor = tls.map(TlsAcceptor::from);
    let a = accept_loop(Arc::clone(&shared), main, Listener::Main, acceptor.clone());
    let b = accept_loop(shared, second, Listener::Second, acceptor);
    tokio::select! {
        _ = a => {}
        _ = b => {}
        _ = shutdown.wait_for(|v| *v) => {}
    }
}

async fn accept_loop(
    shared: Arc<Shared>,
    listener: TcpListener,
    which: Listener,
    acceptor: Option<TlsAcceptor>,
) {
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let counters = Arc::clone(&shared);
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let sh = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(handle(sh, which, req).await) }
            });
            match acceptor {
                Some(acc) => match acc.accept(stream).await {
                    Ok(tls) => {
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(tls), svc)
                            .await;
                    }
                    Err(_) => counters.counters.lock().unwrap().tls_failures += 1,
                },
                None => {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                }
            }
        });
    }
}

fn header_string(req: &Request<Incoming>, name: header::HeaderName) -> Option<String> {
    req.headers()
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

async fn handle(sh: Arc<Shared>, which: Listener, req: Request<Incoming>) -> Response<RespBody> {
    let rec = RecordedRequest {
        listener: which,
        method: req.method().as_str().to_string(),
        path: req.uri().path().to_string(),
        range: header_string(&req, header::RANGE),
        if_range: header_string(&req, header::IF_RANGE),
        authorization: req.headers().contains_key(header::AUTHORIZATION),
        authorization_value: header_string(&req, header::AUTHORIZATION),
        accept_encoding: header_string(&req, header::ACCEPT_ENCODING),
        referer: header_string(&req, header::REFERER),
        user_agent: header_string(&req, header::USER_AGENT),
        status: 0,
    };
    let id = sh.record(rec);
    let cfg = sh.cfg.lock().unwrap().clone();
    if cfg.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(cfg.delay_ms)).await;
    }
    let resp = route(&sh, which, &req, &cfg).await;
    sh.set_status(id, resp.status().as_u16());
    resp
}

fn text(status: u16, ctype: &'static str, body: impl Into<Bytes>) -> Response<RespBody> {
    let mut r = Response::new(Full::new(body.into()).map_err(|e| match e {}).boxed());
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r
}

fn plain(status: u16, body: &'static str) -> Response<RespBody> {
    text(status, "text/plain", body)
}

fn challenge(body: &'static str) -> Response<RespBody> {
    let mut r = plain(401, body);
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(REALM));
    r
}

fn not_found() -> Response<RespBody> {
    plain(404, "Not Found\n")
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// `Ok(ee_entitled)` for valid credentials, else the 401 body.
fn check_auth(cfg: &Config, value: Option<&HeaderValue>) -> Result<bool, &'static str> {
    const INVALID: &str = "Invalid MAGEID or token.\n";
    let Some(value) = value else {
        return Err("Authentication required.\n");
    };
    let raw = std::str::from_utf8(value.as_bytes()).map_err(|_| INVALID)?;
    let (scheme, rest) = raw.trim().split_once(' ').ok_or(INVALID)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(INVALID);
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .map_err(|_| INVALID)?;
    let decoded = String::from_utf8(decoded).map_err(|_| INVALID)?;
    let (user, pass) = decoded.split_once(':').ok_or(INVALID)?;
    let defaults = [
        (CE_USER.to_string(), CE_TOKEN.to_string(), false),
        (EE_USER.to_string(), EE_TOKEN.to_string(), true),
    ];
    defaults
        .iter()
        .chain(cfg.accounts.iter())
        .find(|(u, p, _)| u == user && p == pass)
        .map(|(_, _, ee)| *ee)
        .ok_or(INVALID)
}

async fn route(
    sh: &Arc<Shared>,
    which: Listener,
    req: &Request<Incoming>,
    cfg: &Config,
) -> Response<RespBody> {
    let path = req.uri().path();
    let rest = if path == "/products/downloads" {
        ""
    } else {
        match path.strip_prefix(PREFIX) {
            Some(r) => r,
            None => return not_found(),
        }
    };
    let method_ok = req.method() == Method::GET || req.method() == Method::HEAD;

    // Redirect targets: served without auth.
    if let Some(cdn) = rest.strip_prefix("cdn/") {
        if !method_ok {
            return method_not_allowed();
        }
        let Some((_, name)) = cdn.split_once('/') else {
            return plain(404, "File not found.\n");
        };
        let name = decode(name);
        return match find_file(sh, cfg, &name) {
            Some(spec) => serve_file(sh, req, cfg, &spec),
            None => plain(404, "File not found.\n"),
        };
    }

    let entitled_ee = if cfg.require_auth {
        match check_auth(cfg, req.headers().get(header::AUTHORIZATION)) {
            Ok(ee) => Some(ee),
            Err(body) => return challenge(body),
        }
    } else {
        None
    };
    if !method_ok {
        return method_not_allowed();
    }
    let is_file = rest.starts_with("file/");
    match cfg.auth_fail {
        AuthFail::None => {}
        AuthFail::Status401 => return challenge("Invalid MAGEID or token.\n"),
        AuthFail::Status403 => return plain(403, "Access denied.\n"),
        AuthFail::Ok200Text => {
            if is_file {
                return text(200, "text/plain", "Access denied: bad token\n");
            }
        }
    }
    if let Some(name) = rest.strip_prefix("file/") {
        return file_route(sh, which, req, cfg, entitled_ee, name);
    }
    if rest == "info" || rest.starts_with("info/") {
        return info_route(sh, cfg, rest);
    }
    not_found()
}

fn method_not_allowed() -> Response<RespBody> {
    let mut r = plain(405, "Method Not Allowed\n");
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    r
}

fn listed(sh: &Shared, cfg: &Config) -> Vec<Listed> {
    let generation = sh.generation(cfg);
    let specs = sh.specs(cfg);
    tokio::task::block_in_place(|| {
        specs
            .into_iter()
            .map(|spec| {
                let content = Shared::content(&spec, generation);
                let md5 = match &spec.md5 {
                    Md5::Correct => Some(sh.md5_of(&content)),
                    Md5::Empty => Some(String::new()),
                    Md5::Absent => None,
                    Md5::Wrong(s) => Some(s.clone()),
                };
                Listed {
                    size: content.len(),
                    spec,
                    md5,
                }
            })
            .collect()
    })
}

fn info_route(sh: &Shared, cfg: &Config, rest: &str) -> Response<RespBody> {
    let mut r = rest;
    if r.len() > "info/".len() && r.ends_with('/') {
        r = &r[..r.len() - 1];
    }
    let segs: Vec<&str> = r.split('/').collect();
    match segs.as_slice() {
        ["info", "help"] => text(200, "text/plain; charset=utf-8", catalog::HELP),
        ["info", "files"] => {
            let entries = listed(sh, cfg);
            text(
                200,
                "text/plain",
                catalog::table(&catalog::ordered(&entries)),
            )
        }
        ["info", "versions"] => text(200, "text/plain", catalog::versions(&listed(sh, cfg))),
        ["info", "json", ..] => {
            if cfg.json_endless {
                return endless_json();
            }
            if cfg.json_broken {
                return broken_body();
            }
            if let Some(code) = cfg.json_fail {
                return text(
                    code,
                    "text/html",
                    format!("<html><body><h1>{code}</h1></body></html>\n"),
                );
            }
            let entries = listed(sh, cfg);
            text(
                200,
                "application/json",
                catalog::json(
                    &entries,
                    cfg.json_extra_fields,
                    cfg.other_shape,
                    cfg.patch_shape_list,
                ),
            )
        }
        ["info", "filter", "version", pat @ ..] if !pat.is_empty() && !pat.join("/").is_empty() => {
            let pattern = decode(&pat.join("/"));
            let entries = listed(sh, cfg);
            text(
                200,
                "text/plain",
                catalog::table(&catalog::filter_version(&entries, &pattern)),
            )
        }
        ["info", "filter", "type", ty] if !ty.is_empty() => {
            let ty = decode(ty);
            let entries = listed(sh, cfg);
            text(
                200,
                "text/plain",
                catalog::table(&catalog::filter_type(&entries, &ty)),
            )
        }
        _ => not_found(),
    }
}

/// Headers, then a connection that breaks.
fn broken_body() -> Response<RespBody> {
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        let _ = tx
            .send(Err(io::Error::other("broken by fake-endpoint")))
            .await;
    });
    Response::new(ChanBody { rx }.boxed())
}

/// `{"ce-full": [` followed by spaces, forever.
fn endless_json() -> Response<RespBody> {
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        if tx
            .send(Ok(Bytes::from_static(b"{\"ce-full\": [")))
            .await
            .is_err()
        {
            return;
        }
        let spaces = Bytes::from(vec![b' '; 64 * 1024]);
        while tx.send(Ok(spaces.clone())).await.is_ok() {}
    });
    let mut r = Response::new(ChanBody { rx }.boxed());
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn find_file(sh: &Shared, cfg: &Config, name: &str) -> Option<FileSpec> {
    sh.specs(cfg).into_iter().find(|s| s.file_name == name)
}

fn file_route(
    sh: &Arc<Shared>,
    which: Listener,
    req: &Request<Incoming>,
    cfg: &Config,
    entitled_ee: Option<bool>,
    raw_name: &str,
) -> Response<RespBody> {
    if req.method() == Method::GET {
        let next = {
            let mut live = sh.cfg.lock().unwrap();
            if live.status_sequence.is_empty() {
                None
            } else {
                Some(live.status_sequence.remove(0))
            }
        };
        if let Some((code, retry)) = next {
            let mut r = text(
                code,
                "text/html",
                format!("<html><body><h1>Error {code}</h1></body></html>\n"),
            );
            if let Some(secs) = retry {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            return r;
        }
    }
    let name = decode(raw_name);
    let Some(spec) = find_file(sh, cfg, &name) else {
        return plain(404, "File not found.\n");
    };
    if spec.category.starts_with("ee") && entitled_ee == Some(false) {
        return match cfg.entitlement_fail {
            401 => challenge("Invalid MAGEID or token.\n"),
            404 => plain(404, "File not found.\n"),
            code => text(code, "text/plain", "Access denied.\n"),
        };
    }
    let encoded = utf8_percent_encode(&spec.file_name, PATH_SEGMENT).to_string();
    let location = match &cfg.redirect {
        Redirect::Off => return serve_file(sh, req, cfg, &spec),
        Redirect::SameOrigin => {
            let port = match which {
                Listener::Main => sh.main_port,
                Listener::Second => sh.second_port,
            };
            format!(
                "{}cdn/{}/{}",
                sh.base_url_for(port),
                sh.random_token(),
                encoded
            )
        }
        Redirect::CrossOrigin => format!(
            "{}cdn/{}/{}",
            sh.base_url_for(sh.second_port),
            sh.random_token(),
            encoded
        ),
        Redirect::To(url) => url.clone(),
    };
    let mut r = Response::new(Empty::new().map_err(|e| match e {}).boxed());
    *r.status_mut() = StatusCode::FOUND;
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    r
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DD HH:MM:SS` (UTC); falls back to the epoch.
pub(crate) fn parse_date(s: &str) -> SystemTime {
    let nums: Vec<i64> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    if nums.len() < 3 {
        return UNIX_EPOCH;
    }
    let get = |i: usize| nums.get(i).copied().unwrap_or(0);
    let secs =
        days_from_civil(get(0), get(1), get(2)) * 86_400 + get(3) * 3600 + get(4) * 60 + get(5);
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs as u64)
    } else {
        UNIX_EPOCH
    }
}

enum RangeReq {
    None,
    Satisfiable(u64, u64),
    Unsatisfiable,
}

fn parse_range(value: &str, total: u64) -> RangeReq {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeReq::None;
    };
    if spec.contains(',') {
        return RangeReq::None;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeReq::None;
    };
    let (a, b) = (a.trim(), b.trim());
    let num = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    if a.is_empty() {
        let Some(n) = num(b) else {
            return RangeReq::None;
        };
        if n == 0 || total == 0 {
            return RangeReq::Unsatisfiable;
        }
        let n = n.min(total);
        return RangeReq::Satisfiable(total - n, total - 1);
    }
    let Some(start) = num(a) else {
        return RangeReq::None;
    };
    let end = if b.is_empty() {
        None
    } else {
        match num(b) {
            Some(e) => Some(e),
            None => return RangeReq::None,
        }
    };
    if let Some(e) = end
        && e < start
    {
        return RangeReq::None;
    }
    if start >= total {
        return RangeReq::Unsatisfiable;
    }
    let end = end.unwrap_or(total - 1).min(total - 1);
    RangeReq::Satisfiable(start, end)
}

struct Produce {
    content: Content,
    start: u64,
    len: u64,
    extra: u64,
    corrupt_at: Option<u64>,
    gzip: bool,
    truncate: Option<u64>,
    stall: Option<(u64, u64)>,
    throttle: Option<u64>,
}

struct ChanBody {
    rx: mpsc::Receiver<Result<Bytes, io::Error>>,
}

impl hyper::body::Body for ChanBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        self.rx.poll_recv(cx).map(|o| o.map(|r| r.map(Frame::data)))
    }
}

fn serve_file(
    sh: &Arc<Shared>,
    req: &Request<Incoming>,
    cfg: &Config,
    spec: &FileSpec,
) -> Response<RespBody> {
    let is_get = req.method() == Method::GET;
    let generation = sh.generation(cfg);
    let content = Shared::content(spec, generation);
    let total = content.len();

    let tag_base = match &spec.body {
        Body::Generated { size, seed } => format!("g{seed:x}-{size:x}"),
        Body::Bytes(b) => crate::content::md5_hex(b),
    };
    let etag = format!("\"{tag_base}-{generation}\"");
    let last_modified =
        httpdate::fmt_http_date(parse_date(&spec.date) + Duration::from_secs(3600 * generation));

    let offers_gzip = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("gzip"));
    let gzip = cfg.gzip && offers_gzip;

    let mut range = RangeReq::None;
    if cfg.ranges
        && !cfg.ignore_ranges
        && is_get
        && !gzip
        && let Some(rv) = req
            .headers()
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok())
    {
        let if_range_ok = match req.headers().get(header::IF_RANGE) {
            None => true,
            Some(ir) => {
                let ir = ir.to_str().unwrap_or("");
                cfg.ignore_if_range || (cfg.validators && (ir == etag || ir == last_modified))
            }
        };
        if if_range_ok {
            range = parse_range(rv, total);
        }
    }

    let mut builder = Response::builder().header(header::CONTENT_TYPE, "application/octet-stream");
    if cfg.ranges {
        builder = builder.header(header::ACCEPT_RANGES, "bytes");
    }
    if cfg.validators {
        builder = builder
            .header(header::ETAG, etag.as_str())
            .header(header::LAST_MODIFIED, last_modified.as_str());
    }
    if let Some(cd) = &cfg.content_disposition
        && let Ok(v) = HeaderValue::from_str(cd)
    {
        builder = builder.header(header::CONTENT_DISPOSITION, v);
    }

    let (status, start, len) = match range {
        RangeReq::Unsatisfiable => {
            let mut r = text(416, "text/plain", "Requested Range Not Satisfiable\n");
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{total}")).expect("header"),
            );
            return r;
        }
        RangeReq::Satisfiable(a, b) => {
            let (a, b) = if cfg.wrong_content_range {
                if a + 1 < total {
                    (a + 1, b.max(a + 1))
                } else if a > 0 {
                    (a - 1, b)
                } else {
                    (a, b)
                }
            } else {
                (a, b)
            };
            builder = builder.header(header::CONTENT_RANGE, format!("bytes {a}-{b}/{total}"));
            (206u16, a, b - a + 1)
        }
        RangeReq::None => (200u16, 0, total),
    };
    builder = builder.status(status);

    let extra = if status == 200 && is_get {
        cfg.body_longer_by
    } else {
        0
    };
    if gzip {
        builder = builder.header(header::CONTENT_ENCODING, "gzip");
    } else if cfg.label_gzip {
        builder = builder.header(header::CONTENT_ENCODING, "x-gzip");
    }
    let send_length = !gzip && !cfg.no_content_length && extra == 0;
    if send_length {
        builder = builder.header(header::CONTENT_LENGTH, len);
    }

    if !is_get {
        return builder
            .body(Empty::new().map_err(|e| match e {}).boxed())
            .expect("response");
    }

    let (truncate, stall, first_range) = {
        let mut c = sh.counters.lock().unwrap();
        c.started_gets += 1;
        let first_range = status == 206 && c.range_answers == 0;
        if status == 206 {
            c.range_answers += 1;
        }
        let truncate = match cfg.truncate_at {
            Some(n) if c.truncations < cfg.truncate_times => {
                c.truncations += 1;
                Some(n)
            }
            _ => None,
        };
        let stall = match cfg.stall_after {
            Some(n) if c.stalls < cfg.stall_times => {
                c.stalls += 1;
                Some((n, cfg.stall_for_ms))
            }
            _ => None,
        };
        (truncate, stall, first_range)
    };
    let throttle = match cfg.throttle_first_range_bps {
        Some(bps) if first_range => Some(bps),
        _ => cfg.throttle_bps,
    };

    let (tx, rx) = mpsc::channel(4);
    let p = Produce {
        corrupt_at: if cfg.corrupt && total > 0 {
            Some(total / 2)
        } else {
            None
        },
        content,
        start,
        len,
        extra,
        gzip,
        truncate,
        stall,
        throttle: throttle.filter(|b| *b > 0),
    };
    tokio::spawn(produce(p, tx));
    builder.body(ChanBody { rx }.boxed()).expect("response")
}

async fn produce(p: Produce, tx: mpsc::Sender<Result<Bytes, io::Error>>) {
    let total = p.len + p.extra;
    let chunk = match p.throttle {
        Some(bps) => (bps / 20).clamp(1, CHUNK as u64),
        None => CHUNK as u64,
    };
    let began = Instant::now();
    let mut gz = p
        .gzip
        .then(|| flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    let mut sent = 0u64;
    let mut stalled = false;
    loop {
        if let Some(t) = p.truncate
            && sent >= t
            && sent < total
        {
            // Let hyper flush what it has, then abort the body.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let _ = tx
                .send(Err(io::Error::other("truncated by fake-endpoint")))
                .await;
            return;
        }
        if let Some((s, ms)) = p.stall
            && !stalled
            && sent >= s
            && sent < total
        {
            stalled = true;
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if sent >= total {
            break;
        }
        let mut n = chunk.min(total - sent);
        if let Some(t) = p.truncate
            && t > sent
        {
            n = n.min(t - sent);
        }
        if let Some((s, _)) = p.stall
            && !stalled
            && s > sent
        {
            n = n.min(s - sent);
        }
        let mut buf = vec![0u8; n as usize];
        // content part
        if sent < p.len {
            let m = (p.len - sent).min(n) as usize;
            p.content.read_at(p.start + sent, &mut buf[..m]);
            for b in &mut buf[m..] {
                *b = b'X';
            }
        } else {
            buf.fill(b'X');
        }
        if let Some(c) = p.corrupt_at {
            let lo = p.start + sent;
            let hi = lo + n.min(p.len.saturating_sub(sent));
            if c >= lo && c < hi {
                buf[(c - lo) as usize] ^= 0xFF;
            }
        }
        sent += n;
        let data = match gz.as_mut() {
            Some(enc) => {
                if enc.write_all(&buf).is_err() {
                    return;
                }
                std::mem::take(enc.get_mut())
            }
            None => buf,
        };
        if !data.is_empty() && tx.send(Ok(Bytes::from(data))).await.is_err() {
            return;
        }
        if let Some(bps) = p.throttle {
            let target = Duration::from_secs_f64(sent as f64 / bps as f64);
            let elapsed = began.elapsed();
            if target > elapsed {
                tokio::time::sleep(target - elapsed).await;
            }
        }
    }
    if let Some(enc) = gz
        && let Ok(rest) = enc.finish()
        && !rest.is_empty()
    {
        let _ = tx.send(Ok(Bytes::from(rest))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(matches!(
            parse_range("bytes=0-9", 100),
            RangeReq::Satisfiable(0, 9)
        ));
        assert!(matches!(
            parse_range("bytes=90-", 100),
            RangeReq::Satisfiable(90, 99)
        ));
        assert!(matches!(
            parse_range("bytes=-10", 100),
            RangeReq::Satisfiable(90, 99)
        ));
        assert!(matches!(
            parse_range("bytes=95-200", 100),
            RangeReq::Satisfiable(95, 99)
        ));
        assert!(matches!(
            parse_range("bytes=100-", 100),
            RangeReq::Unsatisfiable
        ));
        assert!(matches!(parse_range("bytes=0-1,5-6", 100), RangeReq::None));
        assert!(matches!(parse_range("bytes=5-1", 100), RangeReq::None));
        assert!(matches!(parse_range("items=0-1", 100), RangeReq::None));
        assert!(matches!(parse_range("bytes=a-", 100), RangeReq::None));
    }

    #[test]
    fn dates() {
        assert_eq!(
            httpdate::fmt_http_date(parse_date("2021-02-09 10:00:00")),
            "Tue, 09 Feb 2021 10:00:00 GMT"
        );
    }
}
